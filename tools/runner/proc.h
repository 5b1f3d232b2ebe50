/* proc.h -- the runner's child processes: node daemons, edge-netsim and one-shot tools.
 *
 * A node is started with a socketpair end as --ctl-fd (the runner keeps the
 * other end as a ctl_client) and a --ctl PATH for people; the runner then
 * waits for its "ready" event, never a fixed time. Every child is started by
 * hostnet_spawn(): its own process group (a terminal's Ctrl-C reaches only
 * the runner, which tears down in order) and PR_SET_PDEATHSIG (a runner
 * killed with SIGKILL still takes its children along). */
#ifndef RUN_PROC_H
#define RUN_PROC_H

#include <signal.h>
#include <sys/types.h>

#include "run.h"

extern volatile sig_atomic_t proc_interrupted;

/* SIGINT/SIGTERM/SIGHUP set proc_interrupted and cut the control sockets
 * short, so a blocking wait returns at once; SIGPIPE is ignored. */
void proc_signals_install(void);
/* Control sockets to cut on a signal (as many as the run has). */
void proc_watch_fd(int fd);
void proc_unwatch_fd(int fd);

/* Run argv to completion with stdout+stderr appended to log. */
int proc_run(const char *const argv[], const char *log, char *err);
/* Start argv (argv[0] a path) in the background: stdin /dev/null, stdout and stderr appended to
 * log, inside the namespace of node (NULL, or r NULL: the runner's own), keeping the listed fds
 * open in the child. */
int proc_spawn(struct run *r, const char *const argv[], const char *log, const char *node,
               const int *keep, size_t nkeep, pid_t *pid, char *err);
/* Wait up to timeout_ms (< 0: forever; 0: a look) for pid to exit; 1 exited (status filled), 0
 * still running. r: the run that spawned it (NULL for proc_run's). */
int proc_wait_exit(struct run *r, pid_t pid, int timeout_ms, int *status);
/* "exited with status 1" / "killed by signal 11 (Segmentation fault)". */
const char *proc_status_str(int status, char *buf, size_t len);

/* The program that runs a node: edge-ecs, edge-ees, edge-eec, or edge-fake in its place. */
const char *proc_node_exe(const struct scn_node *sn);
/* Start node n (its config file written) and, wait_ready, wait for its ready event; a node that
 * ends first is an error with the last line of its log. */
int proc_node_start(struct run *r, struct run_node *n, int wait_ready, char *err);
/* Wait for the ready event of node n, started with wait_ready 0 (same errors). */
int proc_node_ready(struct run *r, struct run_node *n, char *err);

enum proc_stop {
    PROC_STOP_TERM, /* SIGTERM: a graceful stop, exit 0 */
    PROC_STOP_KILL, /* SIGKILL: a crash on purpose */
    PROC_STOP_CTL,  /* the control command "stop": a graceful stop, exit 0 */
};
/* Stop node n as asked and wait; SIGKILL after timeout_ms. A graceful stop that does not exit 0,
 * and a sanitizer report in the node's log, are errors. */
int proc_node_stop(struct run *r, struct run_node *n, enum proc_stop how, int timeout_ms,
                   char *err);
/* Freeze (SIGSTOP) or thaw (SIGCONT) node n: a peer that accepts connections and says nothing. */
int proc_node_freeze(struct run_node *n, int freeze, char *err);
/* Reap children that exited on their own: -1 with a sentence when a node
 * that was not being stopped is gone. */
int proc_check(struct run *r, char *err);
/* Stop every running node (EECs, then EESes, then ECSes); -1 with the first problem (a node that
 * did not exit 0, a sanitizer report) when there was one. */
int proc_stop_all(struct run *r, char *err);

#endif
