/* hostnet.h -- per-run host plumbing: network namespaces, TAP devices and node processes.
 *
 * A run owns one network namespace per node, "edgesim-<runid>-<node>", and
 * TAP devices "es<runid><n>" made inside a node's namespace (by this thread
 * stepping into it) and addressed there; the runner hands the fd to
 * edge-netsim, in the root namespace. A TAP is persistent: it goes with its
 * namespace, which its fd keeps alive while it is open. Only addresses of
 * 198.18.0.0/15 are ever configured, and only inside the run's namespaces; the
 * root namespace's addresses and routes are never touched.
 *
 * The run is recorded in /run/edgesim/<runid>.pid (owner pid and its start
 * time) before anything is made and removed after everything is gone, so
 * hostnet_clean_stale() can tell the leftovers of a dead run from a live one.
 * Every function needs root (CAP_NET_ADMIN, CAP_SYS_ADMIN); errors follow
 * err.h: -1 and a sentence in err. */
#ifndef EDGE_HOSTNET_H
#define EDGE_HOSTNET_H

#include <stddef.h>
#include <sys/types.h>

#define HOSTNET_RUNID_LEN 6 /* a run id is exactly this many of [a-z0-9] */
#define HOSTNET_NODE_MAX 40 /* longest node label in a namespace name */
#define HOSTNET_NSNAME_LEN (sizeof "edgesim-" + HOSTNET_RUNID_LEN + 1 + HOSTNET_NODE_MAX)
#define HOSTNET_IFNAME_LEN 16 /* IFNAMSIZ */
#define HOSTNET_STATE_DIR "/run/edgesim"

struct hostnet_run;

/* Begin a run owned by this process. runid NULL: a random one. */
struct hostnet_run *hostnet_run_new(const char *runid, char *err);
const char *hostnet_run_id(const struct hostnet_run *run);

/* Make the node's namespace (node: [A-Za-z0-9_.-], 1..HOSTNET_NODE_MAX) with
 * its loopback up. */
int hostnet_ns_add(struct hostnet_run *run, const char *node, char *err);
/* "edgesim-<runid>-<node>" into buf; -1 if it does not fit. */
int hostnet_ns_name(const struct hostnet_run *run, const char *node, char *buf, size_t len);

struct hostnet_tap {
    const char *node;    /* whose namespace (made by hostnet_ns_add) */
    const char *cidr;    /* its address, e.g. "198.18.1.10/24", in 198.18.0.0/15 */
    const char *gateway; /* default route via this address of the same subnet, or NULL */
    int mtu;             /* 0: the default 1500 */
};

/* Make a TAP device (IFF_TAP|IFF_NO_PI) in the node's namespace, give it its
 * address (and a MAC derived from it, so captures repeat), bring it up and
 * route as asked. Returns its fd (close-on-exec; the caller owns it and passes
 * it on with hostnet_spawn's keep_fds) and its interface name. */
int hostnet_tap_add(struct hostnet_run *run, const struct hostnet_tap *t, int *fd,
                    char ifname[HOSTNET_IFNAME_LEN], char *err);
/* hostnet_ns_add() then hostnet_tap_add() for each of taps[0..n), with a few ip(8) processes
 * rather than eight per node (one for the namespaces, one per namespace to set its device up): a
 * run makes hundreds. fds[i] and ifnames[i] get each TAP's fd and
 * interface name. On failure no TAP fd stays open (namespaces made stay the run's). */
int hostnet_hosts_add(struct hostnet_run *run, const struct hostnet_tap *taps, size_t n, int *fds,
                      char (*ifnames)[HOSTNET_IFNAME_LEN], char *err);
/* Add a route in a node's namespace: dst "198.18.2.0/24" via gateway. */
int hostnet_route_add(struct hostnet_run *run, const char *node, const char *dst,
                      const char *gateway, char *err);

struct hostnet_spawn_opts {
    const int *keep_fds; /* fds the program inherits, under the same numbers */
    size_t nkeep;
    int stdin_fd, stdout_fd, stderr_fd; /* -1: the caller's own */
    int own_group; /* 1: the program leads a process group of its own, so a terminal's Ctrl-C
                    * reaches only the caller, which stops its children in order */
};

/* Start argv (argv[0] a path or a name looked up in PATH) in the node's
 * namespace (node NULL: the caller's namespace), with the default signal
 * dispositions. The child gets SIGTERM if this thread dies first, so a
 * crashed runner leaves no process behind. A program that cannot be started
 * (no namespace, a bad fd, exec failing) is an error here, with the stage and
 * errno, not an exit status later. run NULL (node NULL only): the process is
 * not one of a run's, and hostnet_run_end() does not stop it. */
int hostnet_spawn(struct hostnet_run *run, const char *node, char *const argv[],
                  const struct hostnet_spawn_opts *o, pid_t *pid, char *err);
/* Wait up to timeout_ms (< 0: forever; 0: a look) for a spawned process to
 * end and reap it; the run (if any) forgets it. -1 with "timed out" in err if
 * it still runs. */
int hostnet_wait(struct hostnet_run *run, pid_t pid, int timeout_ms, int *status, char *err);
/* A socket of the node's namespace, made by this thread stepping into it and
 * back (setns). Close-on-exec. */
int hostnet_socket(struct hostnet_run *run, const char *node, int domain, int type, int proto,
                   char *err);

/* End the run and free it: SIGTERM the processes it spawned, SIGKILL them
 * after grace_ms, kill whatever else is in its namespaces or holds its TAP
 * devices, delete the namespaces and the record. -1 if something remained. */
int hostnet_run_end(struct hostnet_run *run, int grace_ms, char *err);

/* Remove what is left of runs whose owner process is gone (namespaces, TAP
 * devices, processes, records). *removed: how many runs were cleaned. */
int hostnet_clean_stale(int *removed, char *err);

/* Describe what still exists of a run (namespaces, TAP devices in the root
 * namespace, processes in its namespaces or holding its TAPs, its record)
 * into buf, one item per line. Returns the number of items. */
int hostnet_leftovers(const char *runid, char *buf, size_t len);

#endif
