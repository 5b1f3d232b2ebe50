/* runlimits.c -- what a run needs of the machine (file descriptors, tasks, namespaces, ports),
 * checked against what the kernel gives before the run makes anything (runlimits.h).
 *
 * The needs are counted from the topology with the per-process costs measured on the programs
 * (below); each refusal names the resource, the need and what it is made of, and the limit with
 * where it comes from, as curl names the exact reason of a failure. */
#include "runlimits.h"

#include "base/err.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

/* File descriptors a process holds besides what the topology adds, measured with
 * scenarios/token-issuance.json in TAP mode and rounded up: edge-netsim 11 (stdio, its control
 * socket, signalfd, epoll, its wake pipe and libevent's, the TAP reader's epoll and eventfd)
 * besides its TAP fds and a pcap per link;
 * an idle node 16 to 18; the runner's own are counted when it runs (lim_open_fds). */
#define LIM_NETSIM_OWN 24
/* edge-netsim's threads: the simulator, its control thread, the reader of all TAPs. */
#define LIM_NETSIM_THREADS 3
#define LIM_NODE_OWN 32
/* The runner at once: starting a process (a socketpair end, /dev/null, the log, an error pipe,
 * the namespace) while it reads a file or a /proc directory. */
#define LIM_RUNNER_SPARE 24
/* Short-lived tasks besides the nodes: ip(8), editcap, the fork before an exec. */
#define LIM_SPAWN_TASKS 4
/* After pid_max wraps, the kernel hands out pids from 300 on (RESERVED_PIDS). */
#define LIM_PID_RESERVED 300
/* Loopback mode's ports (conf.c): 20000 + 100 x (run id mod 400) + the node's index, so the last
 * run id's first port is 59900 and 65535 - 59900 + 1 nodes get one. Ports are 16 bits. */
#define LIM_LOOPBACK_NODES 5636

struct lim {
    enum run_net net;
    size_t nodes, taps, pcaps;
    char *err;
};

/* An unsigned number from the start of a /proc or /sys file (after skip bytes); -1 when it is
 * not there or not a number (e.g. "max"). */
static int
lim_read_num(const char *path, unsigned long long *v)
{
    char buf[64], *end;
    FILE *f = fopen(path, "re");
    int rc = -1;

    if (f == NULL)
        return -1;
    if (fgets(buf, sizeof(buf), f) != NULL) {
        errno = 0;
        *v = strtoull(buf, &end, 10);
        rc = errno == 0 && end != buf ? 0 : -1;
    }
    fclose(f);
    return rc;
}

/* Tasks (threads) that exist now: the fourth field of /proc/loadavg, "running/total". */
static int
lim_tasks_now(unsigned long long *n)
{
    char buf[128], *slash;
    FILE *f = fopen("/proc/loadavg", "re");
    int rc = -1;

    if (f == NULL)
        return -1;
    if (fgets(buf, sizeof(buf), f) != NULL && (slash = strchr(buf, '/')) != NULL) {
        *n = strtoull(slash + 1, NULL, 10);
        rc = 0;
    }
    fclose(f);
    return rc;
}

/* Tasks whose real uid is uid (what RLIMIT_NPROC counts), from /proc/<pid>/status. */
static unsigned long long
lim_tasks_of(uid_t uid)
{
    DIR *d = opendir("/proc");
    struct dirent *e;
    unsigned long long n = 0;

    while (d != NULL && (e = readdir(d)) != NULL) {
        char path[300], line[256];
        unsigned long long threads = 0;
        long real = -1;
        FILE *f;

        if (e->d_name[0] < '1' || e->d_name[0] > '9')
            continue;
        snprintf(path, sizeof(path), "/proc/%s/status", e->d_name);
        if ((f = fopen(path, "re")) == NULL)
            continue; /* gone meanwhile */
        while (fgets(line, sizeof(line), f) != NULL) {
            if (strncmp(line, "Uid:", 4) == 0)
                real = strtol(line + 4, NULL, 10);
            else if (strncmp(line, "Threads:", 8) == 0)
                threads = strtoull(line + 8, NULL, 10);
        }
        fclose(f);
        if (real == (long)uid)
            n += threads;
    }
    if (d != NULL)
        closedir(d);
    return n;
}

/* The runner's open file descriptors now (the directory's own excluded). */
static size_t
lim_open_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    size_t n = 0;

    while (d != NULL && (e = readdir(d)) != NULL)
        if (e->d_name[0] != '.')
            n++;
    if (d != NULL)
        closedir(d);
    return n > 0 ? n - 1 : 0;
}

/* Raise the soft limit of res to its hard one when it is below need; 0 when it is (now) enough,
 * -1 when the hard limit is below need too (limit gets the hard limit). */
static int
lim_raise(int res, const char *name, unsigned long long need, unsigned long long *limit)
{
    struct rlimit rl;
    unsigned long long was;

    if (getrlimit(res, &rl) != 0)
        return 0; /* not known: the kernel will say at the time */
    *limit = rl.rlim_max;
    if (rl.rlim_cur == RLIM_INFINITY || need <= rl.rlim_cur)
        return 0;
    if (rl.rlim_max != RLIM_INFINITY && need > rl.rlim_max)
        return -1;
    was = rl.rlim_cur;
    rl.rlim_cur = rl.rlim_max;
    if (setrlimit(res, &rl) != 0)
        return -1;
    if (rl.rlim_max == RLIM_INFINITY)
        printf("edge-run: raised the soft %s from %llu to unlimited, its hard limit: the run needs "
               "%llu\n",
               name, was, need);
    else
        printf(
            "edge-run: raised the soft %s from %llu to %llu, its hard limit: the run needs %llu\n",
            name, was, (unsigned long long)rl.rlim_max, need);
    return 0;
}

/* RLIMIT_NOFILE: every process of the run inherits the runner's, so it must hold the largest
 * need of one of them. */
static int
lim_nofile(struct lim *l)
{
    size_t open = lim_open_fds(), tap = l->net == RUN_NET_TAP;
    /* A control socket per node; in TAP mode first a TAP fd per node (and edge-netsim's socket),
     * closed once edge-netsim holds them, before the nodes start. */
    unsigned long long runner = open + l->nodes + (tap ? 2 : 0) + LIM_RUNNER_SPARE;
    /* A node may hold a connection from and to every other node at once. */
    unsigned long long node = LIM_NODE_OWN + 2 * (l->nodes - 1);
    unsigned long long netsim = tap ? LIM_NETSIM_OWN + l->taps + l->pcaps : 0, limit = 0;
    unsigned long long need = runner > node ? runner : node;

    need = netsim > need ? netsim : need;
    if (lim_raise(RLIMIT_NOFILE, "RLIMIT_NOFILE", need, &limit) == 0)
        return 0;
    /* Each sentence fits EDGE_ERR_LEN with the caller's "cannot run here: " and 7-digit numbers. */
    if (need == runner)
        return edge_err(
            l->err,
            "file descriptors: the runner needs %llu at once (a control socket per node: "
            "%zu, %zu open, %d to start a process), and RLIMIT_NOFILE's hard limit is "
            "%llu: raise it (ulimit -Hn) or run fewer nodes",
            runner, l->nodes, open, LIM_RUNNER_SPARE, limit);
    if (need == netsim)
        return edge_err(
            l->err,
            "file descriptors: edge-netsim needs %llu (a TAP fd per node: %zu, a pcap per "
            "link: %zu, %d of its own), and RLIMIT_NOFILE's hard limit is %llu: raise it "
            "(ulimit -Hn) or run fewer nodes",
            netsim, l->taps, l->pcaps, LIM_NETSIM_OWN, limit);
    return edge_err(l->err,
                    "file descriptors: a node may need %llu (a connection from and to each of %zu "
                    "other nodes, %d of its own), and RLIMIT_NOFILE's hard limit is %llu: raise it "
                    "(ulimit -Hn) or run fewer nodes",
                    node, l->nodes - 1, LIM_NODE_OWN, limit);
}

/* fs.file-max: the open files of the whole machine. */
static int
lim_filemax(struct lim *l)
{
    unsigned long long open, max = 0;
    char line[128], *end;
    unsigned long long need = lim_open_fds() + 2 * l->nodes + LIM_RUNNER_SPARE +
                              l->nodes * LIM_NODE_OWN +
                              (l->net == RUN_NET_TAP ? LIM_NETSIM_OWN + l->taps + l->pcaps : 0);
    FILE *f = fopen("/proc/sys/fs/file-nr", "re");

    if (f == NULL)
        return 0;
    /* "allocated unused max" */
    if (fgets(line, sizeof(line), f) != NULL) {
        open = strtoull(line, &end, 10);
        strtoull(end, &end, 10);
        max = strtoull(end, NULL, 10);
    }
    fclose(f);
    if (max == 0 || open + need <= max)
        return 0;
    return edge_err(
        l->err,
        "open files: the run opens at least %llu (the runner, edge-netsim, %zu nodes with "
        "%d each), and /proc/sys/fs/file-max is %llu with %llu open",
        need, l->nodes, LIM_NODE_OWN, max, open);
}

/* What the run's tasks are, for a refusal: "250 node processes, edge-netsim with 3 threads". */
static void
lim_tasks_what(struct lim *l, char *buf, size_t len)
{
    int n = snprintf(buf, len, "%zu node processes", l->nodes);

    if (l->net == RUN_NET_TAP && n > 0 && (size_t)n < len)
        snprintf(buf + n, len - (size_t)n, ", edge-netsim with %d threads", LIM_NETSIM_THREADS);
}

/* The cgroup's pids.max, and each of its ancestors': a container's limit on tasks. */
static int
lim_cgroup(struct lim *l, unsigned long long need, const char *what)
{
    char line[512], dir[700];
    FILE *f = fopen("/proc/self/cgroup", "re");
    int rc = 0;

    while (rc == 0 && f != NULL && fgets(line, sizeof(line), f) != NULL) {
        char *p = strrchr(line, ':'), *ctrl = strchr(line, ':');
        const char *base;
        size_t blen;
        line[strcspn(line, "\n")] = '\0';
        if (p == NULL || ctrl == NULL)
            continue;
        *p = '\0';
        /* "0::/path" is cgroup v2; "N:pids:/path" (or "N:a,pids:/path") v1's pids controller. */
        if (strcmp(ctrl, ":") == 0)
            base = "/sys/fs/cgroup";
        else if (strstr(ctrl + 1, "pids") != NULL)
            base = "/sys/fs/cgroup/pids";
        else
            continue;
        blen = strlen(base);
        snprintf(dir, sizeof(dir), "%s%s", base, strcmp(p + 1, "/") == 0 ? "" : p + 1);
        for (;;) {
            char path[760];
            unsigned long long max, cur;
            snprintf(path, sizeof(path), "%s/pids.max", dir);
            if (lim_read_num(path, &max) == 0) {
                snprintf(path, sizeof(path), "%s/pids.current", dir);
                if (lim_read_num(path, &cur) == 0 && cur + need > max) {
                    rc = edge_err(l->err,
                                  "tasks: the run needs %llu (%s), and cgroup %.60s allows %llu "
                                  "(pids.max) with %llu in it",
                                  need, what, dir, max, cur);
                    break;
                }
            }
            char *slash = strrchr(dir, '/');
            if (slash == NULL || (size_t)(slash - dir) < blen)
                break;
            *slash = '\0';
        }
    }
    if (f != NULL)
        fclose(f);
    return rc;
}

/* Processes and threads: RLIMIT_NPROC (the kernel does not apply it to root), threads-max,
 * pid_max and the cgroup's pids.max. */
static int
lim_tasks(struct lim *l)
{
    unsigned long long need = l->nodes + LIM_SPAWN_TASKS, now = 0, max = 0, limit = 0;
    char what[160];

    if (l->net == RUN_NET_TAP)
        need += LIM_NETSIM_THREADS;
    lim_tasks_what(l, what, sizeof(what));
    if (lim_tasks_now(&now) == 0 && lim_read_num("/proc/sys/kernel/threads-max", &max) == 0 &&
        now + need > max)
        return edge_err(
            l->err,
            "threads: the run needs %llu (%s), and /proc/sys/kernel/threads-max is %llu "
            "with %llu in use",
            need, what, max, now);
    if (lim_read_num("/proc/sys/kernel/pid_max", &max) == 0 && now + need + LIM_PID_RESERVED > max)
        return edge_err(
            l->err,
            "process ids: the run needs %llu (%s), and /proc/sys/kernel/pid_max is %llu "
            "with %llu in use and %d reserved",
            need, what, max, now, LIM_PID_RESERVED);
    if (getuid() != 0) {
        unsigned long long mine = lim_tasks_of(getuid());
        if (lim_raise(RLIMIT_NPROC, "RLIMIT_NPROC", mine + need, &limit) == -1)
            return edge_err(l->err,
                            "processes: the run needs %llu (%s), and RLIMIT_NPROC's hard limit is "
                            "%llu for uid %u, which has %llu: raise it (ulimit -Hu) or run fewer "
                            "nodes",
                            need, what, limit, (unsigned)getuid(), mine);
    }
    return lim_cgroup(l, need, what);
}

/* user.max_net_namespaces: TAP mode makes a namespace per node. How many exist is not shown per
 * user namespace; those named in /run/netns and the root one are the least. */
static int
lim_netns(struct lim *l)
{
    unsigned long long max, named = 1;
    DIR *d;
    struct dirent *e;

    if (l->net != RUN_NET_TAP || lim_read_num("/proc/sys/user/max_net_namespaces", &max) != 0)
        return 0;
    if ((d = opendir("/run/netns")) != NULL) {
        while ((e = readdir(d)) != NULL)
            named += e->d_name[0] != '.';
        closedir(d);
    }
    if (l->nodes + named <= max)
        return 0;
    return edge_err(l->err,
                    "network namespaces: TAP mode makes one per node (%zu), and "
                    "/proc/sys/user/max_net_namespaces is %llu with at least %llu in use",
                    l->nodes, max, named);
}

int
lim_check(struct run *r, enum run_net net, char *err)
{
    struct lim l = {.net = net, .nodes = r->scn->nnodes, .err = err};

    if (net == RUN_NET_TAP) {
        l.taps = l.nodes;         /* a TAP device per node (net.c) */
        l.pcaps = r->scn->nlinks; /* edge-netsim writes a pcap per link */
    } else if (l.nodes > LIM_LOOPBACK_NODES) {
        return edge_err(
            err,
            "ports: loopback mode gives node i port 20000 + 100 x (run id mod 400) + i, "
            "and ports end at 65535: %zu nodes need %zu, at most %d fit",
            l.nodes, l.nodes, LIM_LOOPBACK_NODES);
    }
    if (lim_nofile(&l) == -1 || lim_filemax(&l) == -1 || lim_tasks(&l) == -1 || lim_netns(&l) == -1)
        return -1;
    return 0;
}
