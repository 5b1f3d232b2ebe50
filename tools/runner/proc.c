/* proc.c -- starts, watches and stops the runner's children (node daemons, edge-netsim, tools).
 *
 * Every child is started by hostnet_spawn() (hostnet.h): in a node's namespace in TAP mode, in a
 * process group of its own, with an exec failure reported as an error; and waited for by
 * hostnet_wait(), so the run's record of its processes stays true. */
#include "proc.h"

#include "base/err.h"
#include "ctl/ctl_client.h"
#include "hostnet.h"
#include "net.h"
#include "nodestat.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define PROC_READY_MS 20000

volatile sig_atomic_t proc_interrupted;
/* The control sockets the signal handler cuts: one per node and edge-netsim's, as many as the run
 * has. The array grows with the signals blocked, so the handler never sees it half moved. */
static volatile int *proc_watched;
static volatile sig_atomic_t proc_nwatched;
static int proc_watch_cap;

static void
proc_on_signal(int sig)
{
    int saved = errno;

    proc_interrupted = sig;
    /* shutdown() is async-signal-safe: a ctl_client blocked in poll() sees
     * EOF and returns, and the runner goes to its teardown. */
    for (int i = 0; i < proc_nwatched; i++)
        if (proc_watched[i] >= 0)
            shutdown(proc_watched[i], SHUT_RDWR);
    errno = saved;
}

void
proc_signals_install(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = proc_on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

void
proc_watch_fd(int fd)
{
    sigset_t block, old;

    for (int i = 0; i < proc_nwatched; i++)
        if (proc_watched[i] == -1) {
            proc_watched[i] = fd;
            return;
        }
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGHUP);
    sigprocmask(SIG_BLOCK, &block, &old);
    if (proc_nwatched == proc_watch_cap) {
        int cap = proc_watch_cap < 64 ? 64 : proc_watch_cap * 2;
        volatile int *bigger = realloc((int *)proc_watched, (size_t)cap * sizeof(int));
        if (bigger != NULL) {
            proc_watched = bigger;
            proc_watch_cap = cap;
        }
    }
    /* Out of memory: this socket is not cut on a signal; the runner still reads it to its end. */
    if (proc_nwatched < proc_watch_cap) {
        proc_watched[proc_nwatched] = fd;
        proc_nwatched++;
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
}

void
proc_unwatch_fd(int fd)
{
    for (int i = 0; i < proc_nwatched; i++)
        if (proc_watched[i] == fd)
            proc_watched[i] = -1;
}

const char *
proc_status_str(int status, char *buf, size_t len)
{
    if (WIFEXITED(status))
        snprintf(buf, len, "exited with status %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(buf, len, "killed by signal %d (%s)", WTERMSIG(status),
                 strsignal(WTERMSIG(status)));
    else
        snprintf(buf, len, "ended with wait status 0x%x", status);
    return buf;
}

int
proc_spawn(struct run *r, const char *const argv[], const char *log, const char *node,
           const int *keep, size_t nkeep, pid_t *pid, char *err)
{
    struct hostnet_spawn_opts o = {keep, nkeep, -1, -1, -1, 1};
    int in = open("/dev/null", O_RDONLY | O_CLOEXEC), out = -1, rc = -1;

    if (log != NULL && (out = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644)) < 0) {
        edge_err(err, "cannot open %s: %s", log, strerror(errno));
        goto done;
    }
    o.stdin_fd = in;
    o.stdout_fd = o.stderr_fd = out;
    fflush(NULL);
    rc = hostnet_spawn(r != NULL ? net_hostnet(r) : NULL, node, (char *const *)argv, &o, pid, err);
done:
    if (in >= 0)
        close(in);
    if (out >= 0)
        close(out);
    return rc;
}

int
proc_wait_exit(struct run *r, pid_t pid, int timeout_ms, int *status)
{
    char why[EDGE_ERR_LEN];

    if (hostnet_wait(r != NULL ? net_hostnet(r) : NULL, pid, timeout_ms, status, why) == 0)
        return 1;
    if (strstr(why, "timed out") != NULL)
        return 0;
    *status = 0; /* not a child any more (reaped elsewhere) */
    return 1;
}

int
proc_run(const char *const argv[], const char *log, char *err)
{
    pid_t pid = -1;
    int status = 0;
    char why[128];

    if (proc_spawn(NULL, argv, log, NULL, NULL, 0, &pid, err) == -1)
        return -1;
    proc_wait_exit(NULL, pid, -1, &status);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    return edge_err(err, "%s %s %s (see %s)", argv[0], argv[1] ? argv[1] : "",
                    proc_status_str(status, why, sizeof(why)), log);
}

const char *
proc_node_exe(const struct scn_node *sn)
{
    static const char *const exe[] = {
        [SCN_ECS] = "edge-ecs",   [SCN_EES] = "edge-ees", [SCN_EEC] = "edge-eec",
        [SCN_AANF] = "edge-aanf", [SCN_BSF] = "edge-bsf", [SCN_EAS] = "edge-eas"};

    if (json_object_get(sn->conf, "fake") != NULL)
        return "edge-fake";
    return exe[sn->kind];
}

/* The last line of a node's log that says something, into buf ("" when none). */
static const char *
proc_log_last(const char *log, char *buf, size_t len)
{
    char line[1024];
    FILE *f = fopen(log, "r");

    buf[0] = '\0';
    while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        if (line[0] != '\0')
            snprintf(buf, len, "%.*s", (int)len - 1, line);
    }
    if (f != NULL)
        fclose(f);
    return buf;
}

/* The first line of a sanitizer report in a node's log, into buf; 0 when there is none. */
static int
proc_log_sanitizer(const char *log, char *buf, size_t len)
{
    char line[1024];
    FILE *f = fopen(log, "r");
    int found = 0;

    while (f != NULL && !found && fgets(line, sizeof(line), f) != NULL) {
        if (strstr(line, "Sanitizer") != NULL || strstr(line, "runtime error:") != NULL) {
            line[strcspn(line, "\n")] = '\0';
            snprintf(buf, len, "%.*s", (int)len - 1, line);
            found = 1;
        }
    }
    if (f != NULL)
        fclose(f);
    return found;
}

static void
proc_node_release(struct run_node *n)
{
    if (n->cc != NULL) {
        proc_unwatch_fd(ctl_client_fd(n->cc));
        ctl_client_close(n->cc);
        n->cc = NULL;
    }
}

/* Wait for the ready event of a node just started; a node that ends first is an error with the
 * last line of its log (a bad config's "FILE: field: reason"). */
int
proc_node_ready(struct run *r, struct run_node *n, char *err)
{
    char why[EDGE_ERR_LEN], st[128], last[512];
    json_t *ev = ctl_client_wait_event(n->cc, "ready", PROC_READY_MS, why);
    int status;

    if (ev != NULL) {
        json_decref(ev);
        return 0;
    }
    if (proc_interrupted)
        return edge_err(err, "%s: interrupted while waiting for it to be ready", n->sn->name);
    if (proc_wait_exit(r, n->pid, 2000, &status) == 1) {
        n->exited = 1;
        n->exit_status = status;
        proc_node_release(n);
        return edge_err(err, "%s (%s) %s before it was ready: %s (see %s)", n->sn->name,
                        proc_node_exe(n->sn), proc_status_str(status, st, sizeof(st)),
                        proc_log_last(n->log, last, sizeof(last)), n->log);
    }
    return edge_err(err, "%s (%s) not ready within %d ms: %s (see %s)", n->sn->name,
                    proc_node_exe(n->sn), PROC_READY_MS, why, n->log);
}

int
proc_node_start(struct run *r, struct run_node *n, int wait_ready, char *err)
{
    char exe[RUN_PATH_MAX + 16], fdarg[16];
    int sv[2];

    snprintf(exe, sizeof(exe), "%s/%s", r->bindir, proc_node_exe(n->sn));
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
        return edge_err(err, "socketpair: %s", strerror(errno));
    snprintf(fdarg, sizeof(fdarg), "%d", sv[1]);
    const char *argv[] = {exe, "--config", n->conf, "--ctl", n->ctl, "--ctl-fd", fdarg, NULL};
    n->exited = 0;
    n->stopping = 0;
    n->frozen = 0;
    if (proc_spawn(r, argv, n->log, r->net == RUN_NET_TAP ? n->sn->name : NULL, &sv[1], 1, &n->pid,
                   err) == -1) {
        close(sv[0]);
        close(sv[1]);
        return -1;
    }
    close(sv[1]);
    n->starts++;
    if ((n->cc = ctl_client_open(NULL, sv[0], err)) == NULL) {
        close(sv[0]);
        return -1;
    }
    proc_watch_fd(sv[0]);
    return wait_ready ? proc_node_ready(r, n, err) : 0;
}

/* Ask for the stop: a signal, or the control command "stop". A frozen node is thawed so that it
 * can act on it. */
static void
proc_node_ask_stop(struct run *r, struct run_node *n, enum proc_stop how)
{
    char why[EDGE_ERR_LEN];

    if (how == PROC_STOP_CTL) {
        if (n->frozen)
            kill(n->pid, SIGCONT);
        json_decref(ctl_client_call(n->cc, "stop", NULL, r->timeout_ms, why));
    } else {
        kill(n->pid, how == PROC_STOP_KILL ? SIGKILL : SIGTERM);
        if (n->frozen)
            kill(n->pid, SIGCONT);
    }
    n->frozen = 0;
}

int
proc_node_stop(struct run *r, struct run_node *n, enum proc_stop how, int timeout_ms, char *err)
{
    int status = 0;
    char st[128], report[512];

    if (n->pid <= 0 || n->exited) {
        proc_node_release(n);
        return 0;
    }
    nodestat_take(r); /* what each process cost, read while it runs */
    n->stopping = 1;
    proc_node_ask_stop(r, n, how);
    if (proc_wait_exit(r, n->pid, timeout_ms, &status) == 0) {
        kill(n->pid, SIGKILL);
        proc_wait_exit(r, n->pid, 5000, &status);
        n->exited = 1;
        n->exit_status = status;
        proc_node_release(n);
        return edge_err(err, "%s did not exit within %d ms of being asked to stop: killed",
                        n->sn->name, timeout_ms);
    }
    n->exited = 1;
    n->exit_status = status;
    proc_node_release(n);
    if (how != PROC_STOP_KILL && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
        return edge_err(err, "%s %s when stopped (a graceful stop exits 0; see %s)", n->sn->name,
                        proc_status_str(status, st, sizeof(st)), n->log);
    if (proc_log_sanitizer(n->log, report, sizeof(report)))
        return edge_err(err, "%s: sanitizer report in its log: %s", n->sn->name, report);
    return 0;
}

int
proc_node_freeze(struct run_node *n, int freeze, char *err)
{
    if (n->pid <= 0 || n->exited)
        return edge_err(err, "%s is not running", n->sn->name);
    if (n->frozen == freeze)
        return edge_err(err, "%s is %s", n->sn->name, freeze ? "frozen already" : "not frozen");
    if (kill(n->pid, freeze ? SIGSTOP : SIGCONT) < 0)
        return edge_err(err, "%s: %s", n->sn->name, strerror(errno));
    n->frozen = freeze;
    return 0;
}

int
proc_check(struct run *r, char *err)
{
    char st[128];
    int rc = 0;

    for (size_t i = 0; i < r->nnodes; i++) {
        struct run_node *n = &r->nodes[i];
        int status;
        if (n->pid <= 0 || n->exited)
            continue;
        if (proc_wait_exit(r, n->pid, 0, &status) == 0)
            continue;
        n->exited = 1;
        n->exit_status = status;
        proc_node_release(n);
        if (!n->stopping && rc == 0) {
            edge_err(err, "node %s (pid %d) %s unasked (see %s)", n->sn->name, (int)n->pid,
                     proc_status_str(status, st, sizeof(st)), n->log);
            rc = -1;
        }
    }
    return rc;
}

int
proc_stop_all(struct run *r, char *err)
{
    static const enum scn_kind order[] = {SCN_EEC, SCN_EAS, SCN_EES, SCN_ECS, SCN_BSF, SCN_AANF};
    char why[EDGE_ERR_LEN];
    int rc = 0;

    for (size_t k = 0; k < sizeof(order) / sizeof(order[0]); k++)
        for (size_t i = 0; i < r->nnodes; i++) {
            struct run_node *n = &r->nodes[i];
            if (n->sn->kind != order[k] || n->pid <= 0 || n->exited)
                continue;
            if (proc_node_stop(r, n, PROC_STOP_TERM, 5000, why) == -1) {
                fprintf(stderr, "edge-run: %s\n", why);
                if (rc == 0)
                    snprintf(err, EDGE_ERR_LEN, "%s", why);
                rc = -1;
            }
        }
    return rc;
}
