/* hostnet.c -- per-run host plumbing: network namespaces, TAP devices and node processes.
 *
 * Namespaces and addresses are made by running iproute2's ip(8), the tool a
 * user will also use to look around (ip netns exec ...); TAP devices are
 * opened here with TUNSETIFF so the fd can be handed on. Leftovers are found
 * from what the kernel shows (/run/netns, the root namespace's links,
 * /proc/<pid>/ns/net and the "iff:" line of a tun fd's fdinfo), never from
 * state kept in memory, so a crashed run can be cleaned by another process. */
#include "hostnet.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/clock.h"
#include "base/err.h"
#include "base/file.h"
#include "base/ipv4.h"

#define NETNS_DIR "/run/netns"
#define PROC_STAT_MAX 4096 /* /proc/PID/stat is one line of some 300 bytes */
#define NS_PREFIX "edgesim-"
#define IF_PREFIX "es"
/* How long the killing of a dead run's processes may take. */
#define KILL_WAIT_MS 3000

/* Arrays grow as the run does: how many nodes, processes and TAPs a run may have is what the
 * kernel gives (tools/runner/runlimits.c checks it before a run starts), not a number here. */
struct hostnet_run {
    char id[HOSTNET_RUNID_LEN + 1];
    char **nodes;
    size_t nnodes, cap_nodes;
    pid_t *pids; /* spawned, not yet reaped */
    size_t npids, cap_pids;
    unsigned ntaps;
};

/* Room for one more element in *arr (of *cap elements of size bytes): 0, or -1 out of memory. */
static int
grow(void *arr, size_t *cap, size_t n, size_t size)
{
    void **p = arr, *bigger;
    size_t want = *cap < 16 ? 16 : *cap * 2;

    if (n < *cap)
        return 0;
    if ((bigger = realloc(*p, want * size)) == NULL)
        return -1;
    *p = bigger;
    *cap = want;
    return 0;
}

static int
runid_ok(const char *s)
{
    size_t i;

    if (s == NULL || strlen(s) != HOSTNET_RUNID_LEN)
        return 0;
    for (i = 0; i < HOSTNET_RUNID_LEN; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9')))
            return 0;
    return 1;
}

static int
node_ok(const char *s)
{
    size_t i, n = s != NULL ? strlen(s) : 0;

    if (n == 0 || n > HOSTNET_NODE_MAX)
        return 0;
    for (i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || c == '-'))
            return 0;
    }
    return 1;
}

/* Is name "es<runid><digits>"? (runid NULL: any run id.) */
static int
is_run_ifname(const char *name, const char *runid)
{
    const char *p = name + strlen(IF_PREFIX);
    char id[HOSTNET_RUNID_LEN + 1];

    if (strncmp(name, IF_PREFIX, strlen(IF_PREFIX)) != 0 || strlen(p) <= HOSTNET_RUNID_LEN)
        return 0;
    memcpy(id, p, HOSTNET_RUNID_LEN);
    id[HOSTNET_RUNID_LEN] = '\0';
    if (!runid_ok(id) || (runid != NULL && strcmp(id, runid) != 0))
        return 0;
    for (p += HOSTNET_RUNID_LEN; *p != '\0'; p++)
        if (*p < '0' || *p > '9')
            return 0;
    return 1;
}

/* Run id of a namespace name "edgesim-<runid>-<node>", or 0. */
static int
ns_runid(const char *name, char id[HOSTNET_RUNID_LEN + 1])
{
    size_t pl = strlen(NS_PREFIX);

    if (strncmp(name, NS_PREFIX, pl) != 0 || strlen(name) < pl + HOSTNET_RUNID_LEN + 2 ||
        name[pl + HOSTNET_RUNID_LEN] != '-')
        return 0;
    memcpy(id, name + pl, HOSTNET_RUNID_LEN);
    id[HOSTNET_RUNID_LEN] = '\0';
    return runid_ok(id);
}

static void
nap_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

/* ---- running ip(8) ---- */

static const char *
ip_path(void)
{
    static const char *const cands[] = {"/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"};
    size_t i;

    for (i = 0; i < sizeof cands / sizeof cands[0]; i++)
        if (access(cands[i], X_OK) == 0)
            return cands[i];
    return NULL;
}

/* Start ip(8) (path ip, argv) with input_fd (-1: /dev/null) as its stdin and out_fd as its stdout
 * and stderr, the default signal mask and dispositions. posix_spawn rather than fork: glibc's
 * shares the runner's memory until the exec instead of copying its page tables, which a
 * sanitizer build's runner makes large. 0, or an errno. */
static int
spawn_ip(const char *ip, const char *argv[], int input_fd, int out_fd, pid_t *pid)
{
    static const int dfl[] = {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGCHLD};
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    sigset_t none, reset;
    int e;

    sigemptyset(&none);
    sigemptyset(&reset);
    for (size_t i = 0; i < sizeof dfl / sizeof dfl[0]; i++)
        sigaddset(&reset, dfl[i]);
    if ((e = posix_spawn_file_actions_init(&fa)) != 0)
        return e;
    if ((e = posix_spawnattr_init(&at)) != 0) {
        posix_spawn_file_actions_destroy(&fa);
        return e;
    }
    if (input_fd >= 0)
        e = posix_spawn_file_actions_adddup2(&fa, input_fd, 0);
    else
        e = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    if (e == 0)
        e = posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
    if (e == 0)
        e = posix_spawn_file_actions_adddup2(&fa, out_fd, 2);
    if (e == 0)
        e = posix_spawnattr_setsigmask(&at, &none);
    if (e == 0)
        e = posix_spawnattr_setsigdefault(&at, &reset);
    if (e == 0)
        e = posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    if (e == 0)
        e = posix_spawn(pid, ip, &fa, &at, (char *const *)argv, environ);
    posix_spawnattr_destroy(&at);
    posix_spawn_file_actions_destroy(&fa);
    return e;
}

/* Run ip with args (NULL-terminated, without argv[0]) and input_fd (-1: /dev/null) as its
 * stdin; its output goes into the error sentence when it fails, and the number of the batch line
 * that failed (ip's "Command failed -:N") into *line when there is one. */
static int
run_ip_in(char *err, const char *const args[], int input_fd, int *line)
{
    const char *failed;
    const char *ip = ip_path();
    const char *argv[24];
    char out[256], cmd[160];
    size_t n = 0, i, ol = 0;
    int pfd[2], status, e;
    pid_t pid;
    ssize_t r;

    if (ip == NULL)
        return edge_err(err, "ip(8) not found: apt-get install iproute2");
    argv[n++] = ip;
    for (i = 0; args[i] != NULL && n < sizeof argv / sizeof argv[0] - 1; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    cmd[0] = '\0';
    for (i = 1; i < n; i++) {
        size_t cl = strlen(cmd);
        snprintf(cmd + cl, sizeof cmd - cl, "%s%s", i > 1 ? " " : "", argv[i]);
    }
    if (pipe2(pfd, O_CLOEXEC) < 0)
        return edge_err(err, "pipe: %s", strerror(errno));
    if ((e = spawn_ip(ip, argv, input_fd, pfd[1], &pid)) != 0) {
        close(pfd[0]);
        close(pfd[1]);
        return edge_err(err, "ip %s: cannot start it: %s", cmd, strerror(e));
    }
    close(pfd[1]);
    while ((r = read(pfd[0], out + ol, sizeof out - 1 - ol)) != 0) {
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            break;
        ol += (size_t)r;
        if (ol == sizeof out - 1) {
            char sink[256];
            while (read(pfd[0], sink, sizeof sink) > 0)
                ;
            break;
        }
    }
    out[ol] = '\0';
    close(pfd[0]);
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return edge_err(err, "ip %s: waitpid: %s", cmd, strerror(errno));
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    if (line != NULL && (failed = strstr(out, "Command failed -:")) != NULL)
        *line = (int)strtol(failed + strlen("Command failed -:"), NULL, 10);
    out[strcspn(out, "\n")] = '\0';
    return edge_err(err, "ip %s: %s", cmd, ol > 0 ? out : "failed");
}

static int
run_ip(char *err, const char *const args[])
{
    return run_ip_in(err, args, -1, NULL);
}

/* Run the commands of batch (one a line, as ip(8) takes them without "ip") in one ip(8) process,
 * inside namespace ns (NULL: this one's): a run makes and removes namespaces and TAP devices by
 * the hundred, and each ip(8) is a fork and an exec (~6 ms; 8 per node took 9 s for 256 nodes).
 * force: go on after a command that fails (removal: what is there goes). *line (may be NULL):
 * the number of the line that failed, from 1 (0: none known). The batch is handed over in a memfd,
 * so a long batch never waits on a pipe. */
static int
run_ip_batch(char *err, const char *ns, const char *batch, int force, int *line)
{
    const char *args[8];
    size_t n = 0, len = strlen(batch), off = 0;
    int fd = memfd_create("edgesim-ip-batch", MFD_CLOEXEC), rc;

    if (fd < 0)
        return edge_err(err, "memfd_create: %s", strerror(errno));
    while (off < len) {
        ssize_t w = write(fd, batch + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0) {
            close(fd);
            return edge_err(err, "ip batch: %s", strerror(errno));
        }
        off += (size_t)w;
    }
    lseek(fd, 0, SEEK_SET);
    if (ns != NULL) {
        args[n++] = "-n";
        args[n++] = ns;
    }
    if (force)
        args[n++] = "-force";
    args[n++] = "-batch";
    args[n++] = "-";
    args[n] = NULL;
    if (line != NULL)
        *line = 0;
    rc = run_ip_in(err, args, fd, line);
    close(fd);
    return rc;
}

/* A growing text, for a batch; oom: memory ran out, the text is incomplete. */
struct text {
    char *s;
    size_t len, cap;
    int oom;
};

static void text_addf(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
text_addf(struct text *t, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (t->oom)
        return;
    for (;;) {
        size_t room = t->cap - t->len;
        va_start(ap, fmt);
        // NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): va_start is the line above
        n = vsnprintf(t->s != NULL ? t->s + t->len : NULL, t->s != NULL ? room : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            t->oom = 1;
            return;
        }
        if (t->s != NULL && (size_t)n < room) {
            t->len += (size_t)n;
            return;
        }
        size_t want = (t->cap + (size_t)n + 1) * 2;
        char *bigger = realloc(t->s, want);
        if (bigger == NULL) {
            t->oom = 1;
            return;
        }
        t->s = bigger;
        t->cap = want;
    }
}

/* ---- the run record ---- */

static void
record_path(const char *runid, char *buf, size_t len)
{
    snprintf(buf, len, "%s/%s.pid", HOSTNET_STATE_DIR, runid);
}

/* Start time of a process (clock ticks since boot), 0 if it is gone. */
static unsigned long long
proc_starttime(pid_t pid, char *state)
{
    char path[64], *buf, *p, *save = NULL, *tok;
    unsigned long long st = 0;
    size_t n;
    int field;

    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    if (edge_file_read(path, PROC_STAT_MAX, &buf, &n, NULL) < 0)
        return 0;
    /* The command name may hold spaces and parentheses: skip to the last ')'. */
    if ((p = strrchr(buf, ')')) == NULL) {
        free(buf);
        return 0;
    }
    for (field = 3, tok = strtok_r(p + 1, " ", &save); tok != NULL;
         tok = strtok_r(NULL, " ", &save), field++) {
        if (field == 3 && state != NULL)
            *state = tok[0];
        if (field == 22) {
            st = strtoull(tok, NULL, 10);
            break;
        }
    }
    free(buf);
    return st;
}

static int
record_write(const struct hostnet_run *run, char *err)
{
    char path[128], tmp[160], line[64];
    int fd, n;

    if (mkdir(HOSTNET_STATE_DIR, 0755) < 0 && errno != EEXIST)
        return edge_err(err, "cannot create %s: %s", HOSTNET_STATE_DIR, strerror(errno));
    record_path(run->id, path, sizeof path);
    snprintf(tmp, sizeof tmp, "%s.tmp%d", path, (int)getpid());
    n = snprintf(line, sizeof line, "%d %llu\n", (int)getpid(), proc_starttime(getpid(), NULL));
    if (access(path, F_OK) == 0)
        return edge_err(err, "run id %s is already in use (%s exists)", run->id, path);
    /* Written aside and renamed, so a reader never sees half a record. */
    if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0)
        return edge_err(err, "cannot create %s: %s", tmp, strerror(errno));
    if (write(fd, line, (size_t)n) != n) {
        close(fd);
        unlink(tmp);
        return edge_err(err, "cannot write %s", tmp);
    }
    close(fd);
    if (rename(tmp, path) < 0) {
        unlink(tmp);
        return edge_err(err, "cannot create %s: %s", path, strerror(errno));
    }
    return 0;
}

/* Is the owner of the run recorded for runid alive? No record: not alive. */
static int
record_owner_alive(const char *runid)
{
    char path[128], buf[64], *end;
    unsigned long long st;
    FILE *f;
    long pid;
    char state = 0;

    record_path(runid, path, sizeof path);
    if ((f = fopen(path, "re")) == NULL)
        return 0;
    if (fgets(buf, sizeof buf, f) == NULL) {
        fclose(f);
        return 0;
    }
    fclose(f);
    /* "PID STARTTIME\n", as record_write writes it; anything else is no owner. */
    if (buf[0] < '1' || buf[0] > '9')
        return 0;
    errno = 0;
    pid = strtol(buf, &end, 10);
    if (errno != 0 || pid > INT_MAX || *end != ' ' || end[1] < '0' || end[1] > '9')
        return 0;
    st = strtoull(end + 1, &end, 10);
    if (errno != 0 || (*end != '\n' && *end != '\0'))
        return 0;
    /* The start time tells a reused pid from the owner. */
    return proc_starttime((pid_t)pid, &state) == st && state != 'Z';
}

/* ---- finding what a run holds ---- */

/* Namespaces of a run: calls fn for each name. */
static void
each_run_ns(const char *runid, void (*fn)(const char *name, void *arg), void *arg)
{
    DIR *d = opendir(NETNS_DIR);
    struct dirent *e;
    char id[HOSTNET_RUNID_LEN + 1];

    if (d == NULL)
        return;
    while ((e = readdir(d)) != NULL)
        if (ns_runid(e->d_name, id) && (runid == NULL || strcmp(id, runid) == 0))
            fn(e->d_name, arg);
    closedir(d);
}

struct nsids {
    dev_t *dev;
    ino_t *ino;
    size_t n, cap_dev, cap_ino;
    int oom; /* a namespace could not be recorded */
};

static void
collect_ns_id(const char *name, void *arg)
{
    struct nsids *ids = arg;
    char path[300];
    struct stat st;

    snprintf(path, sizeof path, "%s/%s", NETNS_DIR, name);
    if (stat(path, &st) != 0)
        return;
    if (grow(&ids->dev, &ids->cap_dev, ids->n, sizeof *ids->dev) < 0 ||
        grow(&ids->ino, &ids->cap_ino, ids->n, sizeof *ids->ino) < 0) {
        ids->oom = 1;
        return;
    }
    ids->dev[ids->n] = st.st_dev;
    ids->ino[ids->n] = st.st_ino;
    ids->n++;
}

/* Does pid hold a tun fd attached to one of the run's TAP devices? */
static int
holds_run_tap(const char *pdir, const char *runid)
{
    char path[400], link[64], line[128];
    DIR *d;
    struct dirent *e;
    int found = 0;

    snprintf(path, sizeof path, "%s/fd", pdir);
    if ((d = opendir(path)) == NULL)
        return 0;
    while (!found && (e = readdir(d)) != NULL) {
        ssize_t n;
        FILE *f;

        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/fd/%s", pdir, e->d_name);
        if ((n = readlink(path, link, sizeof link - 1)) < 0)
            continue;
        link[n] = '\0';
        if (strcmp(link, "/dev/net/tun") != 0)
            continue;
        snprintf(path, sizeof path, "%s/fdinfo/%s", pdir, e->d_name);
        if ((f = fopen(path, "re")) == NULL)
            continue;
        while (fgets(line, sizeof line, f) != NULL) {
            if (strncmp(line, "iff:", 4) == 0) {
                char *name = line + 4;
                name += strspn(name, " \t");
                name[strcspn(name, " \t\n")] = '\0';
                found = is_run_ifname(name, runid);
            }
        }
        fclose(f);
    }
    closedir(d);
    return found;
}

/* What run_procs and run_root_taps found; oom: not all of it. */
struct pidlist {
    pid_t *v;
    size_t n, cap;
    int oom;
};

struct taplist {
    char (*v)[HOSTNET_IFNAME_LEN];
    size_t n, cap;
    int oom;
};

/* Live processes (zombies excluded, this process excluded) that are inside
 * the run's namespaces or hold its TAP devices, into out (freed by the caller). */
static void
run_procs(const char *runid, struct pidlist *out)
{
    struct nsids ids = {.n = 0};
    DIR *d;
    struct dirent *e;

    each_run_ns(runid, collect_ns_id, &ids);
    out->oom = ids.oom;
    if ((d = opendir("/proc")) == NULL)
        goto done;
    while ((e = readdir(d)) != NULL) {
        char pdir[64], path[96], state = 0;
        struct stat st;
        pid_t pid;
        size_t i;
        int in = 0;
        long v;
        char *end;

        if (e->d_name[0] < '1' || e->d_name[0] > '9')
            continue;
        errno = 0;
        v = strtol(e->d_name, &end, 10);
        if (errno != 0 || *end != '\0' || v > INT_MAX)
            continue; /* not a process directory */
        pid = (pid_t)v;
        if (pid == getpid())
            continue;
        snprintf(pdir, sizeof pdir, "/proc/%d", (int)pid);
        snprintf(path, sizeof path, "%s/ns/net", pdir);
        if (stat(path, &st) == 0)
            for (i = 0; i < ids.n && !in; i++)
                in = st.st_dev == ids.dev[i] && st.st_ino == ids.ino[i];
        if (!in)
            in = holds_run_tap(pdir, runid);
        if (!in || proc_starttime(pid, &state) == 0 || state == 'Z')
            continue;
        if (grow(&out->v, &out->cap, out->n, sizeof *out->v) < 0) {
            out->oom = 1;
            break;
        }
        out->v[out->n++] = pid;
    }
    closedir(d);
done:
    free(ids.dev);
    free(ids.ino);
}

/* TAP devices of the run still in the root namespace (those moved into a
 * namespace go with it), into out (freed by the caller). */
static void
run_root_taps(const char *runid, struct taplist *out)
{
    struct if_nameindex *ifs = if_nameindex(), *i;

    if (ifs == NULL)
        return;
    for (i = ifs; i->if_index != 0; i++) {
        char path[96];
        if (!is_run_ifname(i->if_name, runid))
            continue;
        /* Only tun/tap devices: a NIC that happens to match the pattern is not ours. */
        snprintf(path, sizeof path, "/sys/class/net/%s/tun_flags", i->if_name);
        if (access(path, F_OK) != 0)
            continue;
        if (grow(&out->v, &out->cap, out->n, sizeof *out->v) < 0) {
            out->oom = 1;
            break;
        }
        snprintf(out->v[out->n++], HOSTNET_IFNAME_LEN, "%s", i->if_name);
    }
    if_freenameindex(ifs);
}

/* ---- killing ---- */

static int
is_gone(pid_t pid)
{
    char state = 0;
    int status;

    /* Reap it if it is our child; otherwise a zombie counts as gone. */
    if (waitpid(pid, &status, WNOHANG) == pid)
        return 1;
    return proc_starttime(pid, &state) == 0 || state == 'Z';
}

/* Send sig to each pid, then wait (bounded) until they are gone; those still
 * there after wait_ms are left in pids (returns their count). */
static size_t
kill_wait(pid_t *pids, size_t n, int sig, int wait_ms)
{
    long long deadline = edge_now_ms() + wait_ms;
    size_t i, left;

    for (i = 0; i < n; i++)
        kill(pids[i], sig);
    for (;;) {
        for (i = 0, left = 0; i < n; i++)
            if (!is_gone(pids[i]))
                pids[left++] = pids[i];
        n = left;
        if (n == 0 || edge_now_ms() >= deadline)
            return n;
        /* No event tells us that a process that is not our child ended:
         * poll, bounded by the deadline. */
        nap_ms(5);
    }
}

static void
del_ns(const char *name, void *arg)
{
    char *err = arg;
    const char *args[] = {"netns", "delete", name, NULL};

    run_ip(err, args);
}

static void
del_ns_line(const char *name, void *arg)
{
    text_addf(arg, "netns delete %s\n", name);
}

/* Delete the namespaces of runid, with one ip(8) for all of them. */
static void
del_run_ns(const char *runid)
{
    struct text b = {NULL, 0, 0, 0};

    each_run_ns(runid, del_ns_line, &b);
    if (b.oom)
        each_run_ns(runid, del_ns, NULL);
    else if (b.len > 0)
        run_ip_batch(NULL, NULL, b.s, 1, NULL);
    free(b.s);
}

/* Remove everything of runid: processes, namespaces, root-namespace TAPs, record. */
static int
end_runid(const char *runid, pid_t *spawned, size_t nspawned, int grace_ms, char *err)
{
    struct pidlist pids = {.n = 0};
    struct taplist taps = {.n = 0};
    char path[128], left[512];
    size_t n, i;
    int k;

    /* Ours first, politely: edge-netsim flushes its pcaps on SIGTERM. */
    n = kill_wait(spawned, nspawned, SIGTERM, grace_ms);
    kill_wait(spawned, n, SIGKILL, KILL_WAIT_MS);
    run_procs(runid, &pids);
    kill_wait(pids.v, pids.n, SIGKILL, KILL_WAIT_MS);
    free(pids.v);
    del_run_ns(runid);
    run_root_taps(runid, &taps);
    for (i = 0; i < taps.n; i++) {
        const char *args[] = {"link", "delete", taps.v[i], NULL};
        run_ip(NULL, args);
    }
    free(taps.v);
    /* What memory kept from being found is still counted below, from what the kernel shows. */
    record_path(runid, path, sizeof path);
    if ((k = hostnet_leftovers(runid, left, sizeof left)) > 1 ||
        (k == 1 && access(path, F_OK) != 0)) {
        left[strcspn(left, "\n")] = '\0';
        return edge_err(err, "run %s: %d things remain, e.g. %s", runid, k, left);
    }
    unlink(path);
    return 0;
}

/* ---- the API ---- */

struct hostnet_run *
hostnet_run_new(const char *runid, char *err)
{
    static const char digits[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    struct hostnet_run *run;
    unsigned char rnd[HOSTNET_RUNID_LEN];
    size_t i;

    if (geteuid() != 0) {
        edge_err(err, "TAP networks need root (CAP_NET_ADMIN); use --net loopback");
        return NULL;
    }
    if (runid != NULL && !runid_ok(runid)) {
        edge_err(err, "run id \"%s\" must be exactly %d of [a-z0-9]", runid, HOSTNET_RUNID_LEN);
        return NULL;
    }
    if ((run = calloc(1, sizeof *run)) == NULL) {
        edge_err(err, "out of memory");
        return NULL;
    }
    if (runid != NULL) {
        memcpy(run->id, runid, HOSTNET_RUNID_LEN);
    } else {
        if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd) {
            edge_err(err, "getrandom: %s", strerror(errno));
            free(run);
            return NULL;
        }
        for (i = 0; i < HOSTNET_RUNID_LEN; i++)
            run->id[i] = digits[rnd[i] % (sizeof digits - 1)];
    }
    run->id[HOSTNET_RUNID_LEN] = '\0';
    if (record_write(run, err) < 0) {
        free(run);
        return NULL;
    }
    return run;
}

const char *
hostnet_run_id(const struct hostnet_run *run)
{
    return run->id;
}

int
hostnet_ns_name(const struct hostnet_run *run, const char *node, char *buf, size_t len)
{
    int n = snprintf(buf, len, NS_PREFIX "%s-%s", run->id, node);

    return n < 0 || (size_t)n >= len ? -1 : 0;
}

static int
has_node(const struct hostnet_run *run, const char *node)
{
    size_t i;

    for (i = 0; i < run->nnodes; i++)
        if (strcmp(run->nodes[i], node) == 0)
            return 1;
    return 0;
}

/* Record node as one of the run's (its namespace about to be made). */
static int
add_node(struct hostnet_run *run, const char *node, char *err)
{
    if (!node_ok(node))
        return edge_err(err, "node name \"%s\" must be 1..%d of [A-Za-z0-9_.-]",
                        node ? node : "(null)", HOSTNET_NODE_MAX);
    if (has_node(run, node))
        return edge_err(err, "node %s already has a namespace in run %s", node, run->id);
    if (grow(&run->nodes, &run->cap_nodes, run->nnodes, sizeof *run->nodes) < 0 ||
        (run->nodes[run->nnodes] = strdup(node)) == NULL)
        return edge_err(err, "out of memory");
    run->nnodes++;
    return 0;
}

int
hostnet_ns_add(struct hostnet_run *run, const char *node, char *err)
{
    char ns[HOSTNET_NSNAME_LEN];
    const char *add[] = {"netns", "add", ns, NULL};
    const char *lo[] = {"-n", ns, "link", "set", "lo", "up", NULL};
    const char *del[] = {"netns", "delete", ns, NULL};

    if (add_node(run, node, err) < 0)
        return -1;
    hostnet_ns_name(run, node, ns, sizeof ns);
    if (run_ip(err, add) < 0 || run_ip(err, lo) < 0) {
        run_ip(NULL, del);
        free(run->nodes[--run->nnodes]);
        return -1;
    }
    return 0;
}

/* Step this thread into namespace ns (setns). Returns a descriptor of the thread's own namespace
 * for ns_leave(), or -1 with err (what: the caller's name for itself). */
static int
ns_enter(const char *ns, const char *what, char *err)
{
    char path[160];
    int self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC), target;

    if (self < 0)
        return edge_err(err, "%s: cannot open own namespace: %s", what, strerror(errno));
    snprintf(path, sizeof path, "%s/%s", NETNS_DIR, ns);
    if ((target = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
        edge_err(err, "%s: cannot open %s: %s", what, path, strerror(errno));
        close(self);
        return -1;
    }
    if (setns(target, CLONE_NEWNET) < 0) {
        edge_err(err, "%s: setns %s: %s", what, ns, strerror(errno));
        close(target);
        close(self);
        return -1;
    }
    close(target);
    return self;
}

/* Step back into the namespace self names (from ns_enter) and close it. */
static void
ns_leave(int self, const char *ns)
{
    if (setns(self, CLONE_NEWNET) < 0) {
        /* This thread would go on in the wrong namespace: never return that. */
        fprintf(stderr, "hostnet: cannot step back from %s: %s\n", ns, strerror(errno));
        abort();
    }
    close(self);
}

/* What hostnet_tap_add makes of a struct hostnet_tap: names and the values ip(8) is given. */
struct tap_plan {
    char ns[HOSTNET_NSNAME_LEN], ifname[HOSTNET_IFNAME_LEN], mac[24], mtu[16];
    char gw[INET_ADDRSTRLEN];
};

/* Check t and name its device (the run's next interface number). */
static int
tap_plan(struct hostnet_run *run, const struct hostnet_tap *t, struct tap_plan *p, char *err)
{
    struct ipv4_cidr c;
    uint32_t a, g = 0, m;

    memset(p, 0, sizeof *p);
    if (t->node == NULL || !has_node(run, t->node))
        return edge_err(err, "tap: node %s has no namespace in run %s",
                        t->node ? t->node : "(null)", run->id);
    /* base/ipv4.h: addresses of 198.18.0.0/15 only. */
    if (ipv4_cidr_parse(t->cidr, IPV4_CIDR_HOST, &c, err) < 0)
        return -1;
    a = c.addr;
    m = ipv4_mask(c.plen);
    if (t->gateway != NULL) {
        if (ipv4_parse(t->gateway, &g, err) < 0)
            return -1;
        if ((g & m) != (a & m) || g == a)
            return edge_err(err, "gateway %s is not another address of %s", t->gateway, t->cidr);
        snprintf(p->gw, sizeof p->gw, "%s", t->gateway);
    }
    if (t->mtu != 0 && (t->mtu < 68 || t->mtu > 65535))
        return edge_err(err, "MTU %d is not in 68..65535", t->mtu);
    hostnet_ns_name(run, t->node, p->ns, sizeof p->ns);
    snprintf(p->ifname, sizeof p->ifname, IF_PREFIX "%s%u", run->id, run->ntaps++);
    /* Locally administered MAC made of the IPv4 address: captures repeat. */
    snprintf(p->mac, sizeof p->mac, "02:00:%02x:%02x:%02x:%02x", a >> 24, (a >> 16) & 0xff,
             (a >> 8) & 0xff, a & 0xff);
    snprintf(p->mtu, sizeof p->mtu, "%d", t->mtu != 0 ? t->mtu : 1500);
    return 0;
}

/* Make the TAP device (IFF_TAP|IFF_NO_PI) inside namespace ns: its fd, or -1 with err. It is made
 * there rather than moved there, since moving a device between namespaces waits for the kernel
 * (~16 ms a device: 4 s for 256 nodes); and persistent, since closing the last fd of a device that
 * is not unregisters it, which waits again, one device after the other (~19 ms each, as
 * edge-netsim exits). A persistent device goes with its namespace, and the kernel removes those of
 * all the run's namespaces together. The fd holds the namespace until it is closed. */
static int
tap_open(const char *ns, const char *ifname, char *err)
{
    struct ifreq ifr;
    const char *step = NULL;
    int self, fd, e = 0;

    if ((self = ns_enter(ns, "tap", err)) < 0)
        return -1;
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    snprintf(ifr.ifr_name, IFNAMSIZ, "%s", ifname);
    if ((fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC)) < 0)
        step = "open /dev/net/tun for";
    else if (ioctl(fd, TUNSETIFF, &ifr) < 0)
        step = "TUNSETIFF";
    else if (ioctl(fd, TUNSETPERSIST, 1) < 0)
        step = "TUNSETPERSIST";
    e = errno;
    ns_leave(self, ns);
    if (step == NULL)
        return fd;
    if (fd >= 0)
        close(fd);
    return edge_err(err, "%s %s in %s: %s", step, ifname, ns, strerror(e));
}

/* The commands, inside the node's namespace, that set its device up. */
static void
tap_lines(const struct hostnet_tap *t, const struct tap_plan *p, struct text *b)
{
    text_addf(b, "link set %s address %s mtu %s\n", p->ifname, p->mac, p->mtu);
    /* No IPv6 link-local address, hence no router solicitations and MLD reports in the captures;
     * a kernel without IPv6 has no such chatter, and refuses the setting. */
    if (access("/proc/sys/net/ipv6", F_OK) == 0)
        text_addf(b, "link set %s addrgenmode none\n", p->ifname);
    text_addf(b, "addr add %s dev %s\n", t->cidr, p->ifname);
    text_addf(b, "link set %s up\n", p->ifname);
    if (t->gateway != NULL)
        text_addf(b, "route add default via %s dev %s\n", p->gw, p->ifname);
}

/* Set up the devices of taps[0..n) (planned in p, made in their namespaces): one ip(8) per
 * namespace. lo: bring the namespace's loopback up too. */
static int
tap_setup(const struct hostnet_tap *taps, const struct tap_plan *p, size_t n, int lo, char *err)
{
    char why[EDGE_ERR_LEN];

    for (size_t i = 0; i < n; i++) {
        struct text conf = {NULL, 0, 0, 0};
        int ok;
        if (lo)
            text_addf(&conf, "link set lo up\n");
        tap_lines(&taps[i], &p[i], &conf);
        ok = !conf.oom && run_ip_batch(why, p[i].ns, conf.s, 0, NULL) == 0;
        if (!ok)
            edge_err(err, "node %s: %s", taps[i].node, conf.oom ? "out of memory" : why);
        free(conf.s);
        if (!ok)
            return -1;
    }
    return 0;
}

int
hostnet_tap_add(struct hostnet_run *run, const struct hostnet_tap *t, int *fdp,
                char ifname[HOSTNET_IFNAME_LEN], char *err)
{
    struct tap_plan p;
    int fd;

    *fdp = -1;
    if (tap_plan(run, t, &p, err) < 0 || (fd = tap_open(p.ns, p.ifname, err)) < 0)
        return -1;
    if (tap_setup(t, &p, 1, 0, err) < 0) {
        /* The device stays in the namespace, and goes with it (hostnet_run_end). */
        close(fd);
        return -1;
    }
    snprintf(ifname, HOSTNET_IFNAME_LEN, "%s", p.ifname);
    *fdp = fd;
    return 0;
}

/* The namespaces of taps[0..n): recorded, then made by one ip(8). */
static int
hosts_ns(struct hostnet_run *run, const struct hostnet_tap *taps, size_t n, char *err)
{
    struct text add = {NULL, 0, 0, 0};
    char ns[HOSTNET_NSNAME_LEN], why[EDGE_ERR_LEN];
    int rc = -1, line;

    for (size_t i = 0; i < n; i++) {
        if (add_node(run, taps[i].node, why) < 0) {
            edge_err(err, "node %s: %s", taps[i].node ? taps[i].node : "(null)", why);
            goto done;
        }
        hostnet_ns_name(run, taps[i].node, ns, sizeof ns);
        text_addf(&add, "netns add %s\n", ns);
    }
    if (add.oom)
        edge_err(err, "out of memory");
    else if ((rc = run_ip_batch(why, NULL, add.s, 0, &line)) < 0)
        edge_err(err, "node %s: %s", line >= 1 && (size_t)line <= n ? taps[line - 1].node : "?",
                 why);
done:
    free(add.s);
    return rc;
}

int
hostnet_hosts_add(struct hostnet_run *run, const struct hostnet_tap *taps, size_t n, int *fds,
                  char (*ifnames)[HOSTNET_IFNAME_LEN], char *err)
{
    struct tap_plan *p = calloc(n + 1, sizeof *p);
    char why[EDGE_ERR_LEN];
    int rc = -1;

    for (size_t i = 0; i < n; i++)
        fds[i] = -1;
    if (p == NULL)
        return edge_err(err, "out of memory");
    if (hosts_ns(run, taps, n, err) < 0)
        goto done;
    for (size_t i = 0; i < n; i++)
        if (tap_plan(run, &taps[i], &p[i], why) < 0 ||
            (fds[i] = tap_open(p[i].ns, p[i].ifname, why)) < 0) {
            edge_err(err, "node %s: %s", taps[i].node, why);
            goto done;
        }
    if (tap_setup(taps, p, n, 1, err) < 0)
        goto done;
    for (size_t i = 0; i < n; i++)
        snprintf(ifnames[i], HOSTNET_IFNAME_LEN, "%s", p[i].ifname);
    rc = 0;
done:
    /* The namespaces made, and the devices in them, stay the run's (hostnet_run_end removes them);
     * no fd stays open. */
    for (size_t i = 0; rc < 0 && i < n; i++) {
        if (fds[i] >= 0)
            close(fds[i]);
        fds[i] = -1;
    }
    free(p);
    return rc;
}

int
hostnet_route_add(struct hostnet_run *run, const char *node, const char *dst, const char *gateway,
                  char *err)
{
    char ns[HOSTNET_NSNAME_LEN];
    struct ipv4_cidr c;
    uint32_t g = 0;

    if (node == NULL || !has_node(run, node))
        return edge_err(err, "route: node %s has no namespace in run %s", node ? node : "(null)",
                        run->id);
    if (ipv4_cidr_parse(dst, IPV4_CIDR_NET, &c, err) < 0 || ipv4_parse_bench(gateway, &g, err) < 0)
        return -1;
    hostnet_ns_name(run, node, ns, sizeof ns);
    const char *args[] = {"-n", ns, "route", "add", dst, "via", gateway, NULL};
    return run_ip(err, args);
}

/* Find prog in PATH now, in the parent: the child after fork may only make
 * async-signal-safe calls. */
static int
resolve_prog(const char *prog, char *out, size_t len)
{
    const char *path = getenv("PATH"), *p, *colon;

    if (strchr(prog, '/') != NULL) {
        snprintf(out, len, "%s", prog);
        return access(out, X_OK);
    }
    for (p = path != NULL ? path : "/usr/bin:/bin"; *p != '\0'; p = *colon ? colon + 1 : colon) {
        colon = strchrnul(p, ':');
        snprintf(out, len, "%.*s/%s", (int)(colon - p), p, prog);
        if (access(out, X_OK) == 0)
            return 0;
    }
    return -1;
}

/* The namespace file of node, opened for setns() (-1 with err); node NULL: none, returns -2. */
static int
spawn_nsfd(struct hostnet_run *run, const char *node, char *err)
{
    char ns[HOSTNET_NSNAME_LEN], nspath[160];
    int fd;

    if (node == NULL)
        return -2;
    if (run == NULL || !has_node(run, node))
        return edge_err(err, "spawn: node %s has no namespace in run %s", node,
                        run != NULL ? run->id : "(none)");
    hostnet_ns_name(run, node, ns, sizeof ns);
    snprintf(nspath, sizeof nspath, "%s/%s", NETNS_DIR, ns);
    if ((fd = open(nspath, O_RDONLY | O_CLOEXEC)) < 0)
        return edge_err(err, "spawn: %s: %s", nspath, strerror(errno));
    return fd;
}

/* In the child, between vfork and exec: only system calls, no memory of the caller's changed.
 * Reports the failed stage and errno on epipe (close-on-exec: an exec that works closes it with
 * nothing written). */
static void __attribute__((noreturn))
spawn_child(pid_t parent, int nsfd, int epipe, const char *prog, char *const argv[],
            const struct hostnet_spawn_opts *o)
{
    static const int defaults[] = {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGCHLD};
    struct sigaction dfl;
    sigset_t none;
    int stage = 0, msg[2];
    size_t i;

    /* A runner that dies takes its nodes (and their TAP fds) along. */
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent)
        _exit(127);
    /* Blocked and ignored signals survive exec: the program starts with the defaults. The
     * caller's handlers go before the signals are unblocked, since they would run on its memory. */
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    for (i = 0; i < sizeof defaults / sizeof defaults[0]; i++)
        sigaction(defaults[i], &dfl, NULL);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (o != NULL && o->own_group && setpgid(0, 0) < 0)
        goto fail;
    if (nsfd >= 0 && setns(nsfd, CLONE_NEWNET) < 0)
        goto fail;
    stage = 1;
    if (o != NULL) {
        if (o->stdin_fd >= 0 && dup2(o->stdin_fd, 0) < 0)
            goto fail;
        if (o->stdout_fd >= 0 && dup2(o->stdout_fd, 1) < 0)
            goto fail;
        if (o->stderr_fd >= 0 && dup2(o->stderr_fd, 2) < 0)
            goto fail;
        for (i = 0; i < o->nkeep; i++)
            if (fcntl(o->keep_fds[i], F_SETFD, 0) < 0)
                goto fail;
    }
    stage = 2;
    execv(prog, argv);
fail:
    msg[0] = stage;
    msg[1] = errno;
    (void)!write(epipe, msg, sizeof msg);
    _exit(127);
}

/* Start the child: its pid, or -1 with *e. vfork, not fork: the child borrows this process's
 * memory until its exec instead of copying its page tables (a sanitizer build's runner has large
 * ones: 256 nodes took 13 s to start with fork), and spawn_child only makes system calls. Signals
 * stay blocked until the child has put the default dispositions back. A function of its own, so
 * that no variable of the caller lives across the vfork. */
static pid_t __attribute__((noinline))
spawn_vfork(pid_t parent, int nsfd, int epipe, const char *prog, char *const argv[],
            const struct hostnet_spawn_opts *o, int *e)
{
    sigset_t all, old;
    pid_t pid;

    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pid = vfork(); // NOLINT(clang-analyzer-security.insecureAPI.vfork): see above
    /* spawn_child makes system calls only, then exec or _exit. */
    if (pid == 0)
        spawn_child(parent, nsfd, epipe, prog, argv, o); // NOLINT(clang-analyzer-unix.Vfork)
    *e = errno;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return pid;
}

/* After vfork: did the child reach its program? A failure is reaped and reported. */
static int
spawn_result(int epipe, pid_t pid, const char *what, char *err)
{
    static const char *const stages[] = {"enter namespace", "set up fds", "exec"};
    int msg[2], status;
    ssize_t r;

    while ((r = read(epipe, msg, sizeof msg)) < 0 && errno == EINTR)
        ;
    close(epipe);
    if (r != (ssize_t)sizeof msg)
        return 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    return edge_err(err, "spawn %s: %s: %s", what, stages[msg[0] % 3], strerror(msg[1]));
}

int
hostnet_spawn(struct hostnet_run *run, const char *node, char *const argv[],
              const struct hostnet_spawn_opts *o, pid_t *pidp, char *err)
{
    char prog[512];
    int epipe[2], nsfd, e;
    pid_t parent = getpid(), pid;

    if (argv == NULL || argv[0] == NULL)
        return edge_err(err, "spawn: empty command");
    if (run != NULL && grow(&run->pids, &run->cap_pids, run->npids, sizeof *run->pids) < 0)
        return edge_err(err, "run %s: out of memory for %zu processes", run->id, run->npids + 1);
    if (resolve_prog(argv[0], prog, sizeof prog) < 0)
        return edge_err(err, "spawn: %s: not found or not executable", argv[0]);
    if ((nsfd = spawn_nsfd(run, node, err)) == -1)
        return -1;
    if (pipe2(epipe, O_CLOEXEC) < 0) {
        e = errno;
        if (nsfd >= 0)
            close(nsfd);
        return edge_err(err, "spawn %s: pipe: %s", argv[0], strerror(e));
    }
    if ((pid = spawn_vfork(parent, nsfd, epipe[1], prog, argv, o, &e)) < 0) {
        close(epipe[0]);
        close(epipe[1]);
        if (nsfd >= 0)
            close(nsfd);
        return edge_err(err, "spawn %s: vfork: %s", argv[0], strerror(e));
    }
    close(epipe[1]);
    if (nsfd >= 0)
        close(nsfd);
    /* Also here: a signal sent to the group right after fork finds it. */
    if (o != NULL && o->own_group)
        setpgid(pid, pid);
    if (spawn_result(epipe[0], pid, argv[0], err) == -1)
        return -1;
    if (run != NULL)
        run->pids[run->npids++] = pid;
    *pidp = pid;
    return 0;
}

static void
forget_pid(struct hostnet_run *run, pid_t pid)
{
    size_t i;

    for (i = 0; i < run->npids; i++) {
        if (run->pids[i] == pid) {
            run->pids[i] = run->pids[--run->npids];
            return;
        }
    }
}

int
hostnet_wait(struct hostnet_run *run, pid_t pid, int timeout_ms, int *status, char *err)
{
    long long deadline = edge_now_ms() + timeout_ms;
    int pfd = -1;
    pid_t r;

    if (timeout_ms > 0)
        pfd = (int)syscall(SYS_pidfd_open, pid, 0);
    for (;;) {
        r = waitpid(pid, status, timeout_ms < 0 ? 0 : WNOHANG);
        if (r == pid)
            break;
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            if (pfd >= 0)
                close(pfd);
            return edge_err(err, "waitpid %d: %s", (int)pid, strerror(errno));
        }
        long long left = deadline - edge_now_ms();
        if (left <= 0) {
            if (pfd >= 0)
                close(pfd);
            return edge_err(err, "process %d: timed out after %d ms", (int)pid, timeout_ms);
        }
        if (pfd >= 0) {
            /* A pidfd becomes readable when the process ends. */
            struct pollfd p = {.fd = pfd, .events = POLLIN};
            poll(&p, 1, (int)left);
        } else {
            nap_ms(left < 5 ? (int)left : 5);
        }
    }
    if (pfd >= 0)
        close(pfd);
    if (run != NULL)
        forget_pid(run, pid);
    return 0;
}

int
hostnet_socket(struct hostnet_run *run, const char *node, int domain, int type, int proto,
               char *err)
{
    char ns[HOSTNET_NSNAME_LEN];
    int self, s, e = 0;

    if (node == NULL || !has_node(run, node))
        return edge_err(err, "socket: node %s has no namespace in run %s", node ? node : "(null)",
                        run->id);
    hostnet_ns_name(run, node, ns, sizeof ns);
    if ((self = ns_enter(ns, "socket", err)) < 0)
        return -1;
    if ((s = socket(domain, type | SOCK_CLOEXEC, proto)) < 0)
        e = errno;
    ns_leave(self, ns);
    if (s < 0)
        edge_err(err, "socket in %s: %s", ns, strerror(e));
    return s;
}

int
hostnet_run_end(struct hostnet_run *run, int grace_ms, char *err)
{
    int rc;
    size_t i;

    if (run == NULL)
        return 0;
    rc = end_runid(run->id, run->pids, run->npids, grace_ms, err);
    for (i = 0; i < run->nnodes; i++)
        free(run->nodes[i]);
    free(run->nodes);
    free(run->pids);
    free(run);
    return rc;
}

/* Run ids found on the machine; oom: some could not be recorded. */
struct idlist {
    char (*ids)[HOSTNET_RUNID_LEN + 1];
    size_t n, cap;
    int oom;
};

static void
add_runid(struct idlist *l, const char *id)
{
    size_t i;

    for (i = 0; i < l->n; i++)
        if (strcmp(l->ids[i], id) == 0)
            return;
    if (grow(&l->ids, &l->cap, l->n, sizeof *l->ids) < 0) {
        l->oom = 1;
        return;
    }
    snprintf(l->ids[l->n++], HOSTNET_RUNID_LEN + 1, "%s", id);
}

static void
collect_ns_runid(const char *name, void *arg)
{
    struct idlist *l = arg;
    char id[HOSTNET_RUNID_LEN + 1];

    if (ns_runid(name, id))
        add_runid(l, id);
}

int
hostnet_clean_stale(int *removed, char *err)
{
    struct idlist l = {.n = 0};
    struct if_nameindex *ifs, *it;
    DIR *d;
    struct dirent *e;
    size_t i;
    int rc = 0;
    char one[EDGE_ERR_LEN];

    *removed = 0;
    if (geteuid() != 0)
        return edge_err(err, "cleaning runs needs root");
    if ((d = opendir(HOSTNET_STATE_DIR)) != NULL) {
        while ((e = readdir(d)) != NULL) {
            size_t n = strlen(e->d_name);
            char id[HOSTNET_RUNID_LEN + 1];
            if (n != HOSTNET_RUNID_LEN + 4 || strcmp(e->d_name + HOSTNET_RUNID_LEN, ".pid") != 0)
                continue;
            memcpy(id, e->d_name, HOSTNET_RUNID_LEN);
            id[HOSTNET_RUNID_LEN] = '\0';
            if (runid_ok(id))
                add_runid(&l, id);
        }
        closedir(d);
    }
    each_run_ns(NULL, collect_ns_runid, &l);
    if ((ifs = if_nameindex()) != NULL) {
        for (it = ifs; it->if_index != 0; it++) {
            if (is_run_ifname(it->if_name, NULL)) {
                char id[HOSTNET_RUNID_LEN + 1];
                memcpy(id, it->if_name + strlen(IF_PREFIX), HOSTNET_RUNID_LEN);
                id[HOSTNET_RUNID_LEN] = '\0';
                add_runid(&l, id);
            }
        }
        if_freenameindex(ifs);
    }
    for (i = 0; i < l.n; i++) {
        /* A run with a live owner is in use; one with no record at all is
         * dead, since the record is made before anything else and removed
         * after everything else. */
        if (record_owner_alive(l.ids[i]))
            continue;
        if (end_runid(l.ids[i], NULL, 0, 0, one) < 0) {
            if (rc == 0)
                edge_err(err, "%s", one);
            rc = -1;
            continue;
        }
        (*removed)++;
    }
    if (l.oom && rc == 0)
        rc = edge_err(err, "out of memory: not every run was looked at");
    free(l.ids);
    return rc;
}

struct ns_list {
    char *buf;
    size_t len;
    int n;
};

static void
list_append(struct ns_list *l, const char *what, const char *name)
{
    size_t used = strlen(l->buf);

    if (used < l->len)
        snprintf(l->buf + used, l->len - used, "%s %s\n", what, name);
    l->n++;
}

static void
list_ns(const char *name, void *arg)
{
    list_append(arg, "namespace", name);
}

int
hostnet_leftovers(const char *runid, char *buf, size_t len)
{
    struct ns_list l = {buf, len, 0};
    struct pidlist pids = {.n = 0};
    struct taplist taps = {.n = 0};
    char path[128], num[16];
    size_t i;
    char dummy[1];

    if (buf == NULL || len == 0) {
        l.buf = dummy;
        l.len = 1;
    }
    l.buf[0] = '\0';
    if (!runid_ok(runid))
        return 0;
    each_run_ns(runid, list_ns, &l);
    run_root_taps(runid, &taps);
    for (i = 0; i < taps.n; i++)
        list_append(&l, "tap", taps.v[i]);
    run_procs(runid, &pids);
    for (i = 0; i < pids.n; i++) {
        snprintf(num, sizeof num, "%d", (int)pids.v[i]);
        list_append(&l, "process", num);
    }
    /* Not all could be listed: say so rather than report fewer leftovers than there are. */
    if (taps.oom || pids.oom)
        list_append(&l, "unknown", "(out of memory while listing)");
    free(taps.v);
    free(pids.v);
    record_path(runid, path, sizeof path);
    if (access(path, F_OK) == 0)
        list_append(&l, "record", path);
    return l.n;
}
