/* nodestat.c -- what each process of a run cost (issue 11): user and system CPU seconds from
 * /proc/PID/stat (fields 14 and 15, in clock ticks) and the peak resident set from
 * /proc/PID/status (VmHWM), read while the process still runs, just before the runner stops it.
 *
 * The process is found by its program's name (its comm) at or below the pid the runner spawned,
 * so a wrapper between the runner and a node (an exec helper, a namespace entry) is never measured
 * in the node's place; edge-netsim is found among the runner's own children. */
#include "nodestat.h"

#include "proc.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NS_COMM_LEN 16 /* TASK_COMM_LEN: /proc/PID/stat gives at most 15 characters of a name */
#define NS_DEPTH 4     /* how far below the spawned pid the program may be */
#define NS_NETSIM "edge-netsim"

struct ns_proc {
    pid_t pid, ppid;
    char comm[NS_COMM_LEN];
};

struct ns_table {
    struct ns_proc *p;
    size_t n, cap;
};

/* In clock ticks (sysconf(_SC_CLK_TCK)), the unit /proc counts CPU time and age in. */
struct ns_stat {
    unsigned long long user, sys, alive;
    double tck;
    long long rss_peak_kb;
};

/* The line of /proc/PID/stat; rest points past "(comm) ", whose name may hold spaces and
 * parentheses (the last ')' ends it). 0 when read. */
static int
ns_stat_line(pid_t pid, char *buf, size_t len, char *comm, const char **rest)
{
    char path[64];
    FILE *f;
    char *open, *close;
    int ok;

    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    if ((f = fopen(path, "r")) == NULL)
        return -1;
    ok = fgets(buf, (int)len, f) != NULL;
    fclose(f);
    if (!ok || (open = strchr(buf, '(')) == NULL || (close = strrchr(buf, ')')) == NULL ||
        close < open)
        return -1;
    snprintf(comm, NS_COMM_LEN, "%.*s", (int)(close - open - 1), open + 1);
    *rest = close + 1;
    return 0;
}

/* Field no of /proc/PID/stat as proc(5) counts them (3, the state, is the first after "(comm)"),
 * as a number; -1 when there is no such field or it is not a number. */
static int
ns_field(const char *rest, int no, long long *v)
{
    const char *p = rest;
    char *end;

    for (int k = 3; k < no && *p != '\0'; k++) {
        p += strspn(p, " ");
        p += strcspn(p, " ");
    }
    p += strspn(p, " ");
    errno = 0;
    *v = strtoll(p, &end, 10);
    return end == p || errno != 0 || *v < 0 ? -1 : 0;
}

/* Every process of the machine with its parent and name: one pass over /proc. */
static int
ns_table_read(struct ns_table *t)
{
    DIR *d = opendir("/proc");
    struct dirent *e;
    char line[1024];
    const char *rest;

    if (d == NULL)
        return -1;
    while ((e = readdir(d)) != NULL) {
        struct ns_proc p;
        char *end;
        long pid = strtol(e->d_name, &end, 10);
        long long ppid;
        if (*end != '\0' || pid <= 0 ||
            ns_stat_line((pid_t)pid, line, sizeof(line), p.comm, &rest) == -1 ||
            ns_field(rest, 4, &ppid) == -1)
            continue;
        p.pid = (pid_t)pid;
        p.ppid = (pid_t)ppid;
        if (t->n == t->cap) {
            size_t cap = t->cap ? t->cap * 2 : 512;
            struct ns_proc *grown = realloc(t->p, cap * sizeof(*grown));
            if (grown == NULL)
                break;
            t->p = grown;
            t->cap = cap;
        }
        t->p[t->n++] = p;
    }
    closedir(d);
    return 0;
}

/* The process named comm at pid root or below it (depth levels of children), or -1. */
static pid_t
ns_find(const struct ns_table *t, pid_t root, const char *comm, int depth)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->p[i].pid == root && strncmp(t->p[i].comm, comm, NS_COMM_LEN - 1) == 0)
            return root;
    for (size_t i = 0; depth > 0 && i < t->n; i++) {
        pid_t found;
        if (t->p[i].ppid == root && (found = ns_find(t, t->p[i].pid, comm, depth - 1)) > 0)
            return found;
    }
    return -1;
}

/* VmHWM of /proc/PID/status, in kB; -1 when absent (a zombie has none). */
static long long
ns_rss_peak(pid_t pid)
{
    char path[64], line[256];
    long long kb = -1;
    FILE *f;

    snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
    if ((f = fopen(path, "r")) == NULL)
        return -1;
    while (fgets(line, sizeof(line), f) != NULL)
        if (strncmp(line, "VmHWM:", 6) == 0) {
            char *end;
            errno = 0;
            kb = strtoll(line + 6, &end, 10);
            if (end == line + 6 || errno != 0)
                kb = -1;
            break;
        }
    fclose(f);
    return kb;
}

/* Seconds since boot (/proc/uptime), in clock ticks; 0 when unknown. */
static double
ns_uptime(double tck)
{
    char line[128], *end;
    double up = 0;
    FILE *f = fopen("/proc/uptime", "r");

    if (f == NULL)
        return 0;
    if (fgets(line, sizeof(line), f) != NULL) {
        up = strtod(line, &end);
        if (end == line)
            up = 0;
    }
    fclose(f);
    return up * tck;
}

/* The CPU ticks, age and peak RSS of pid; 0 when read. */
static int
ns_read(pid_t pid, struct ns_stat *s)
{
    char line[1024], comm[NS_COMM_LEN];
    const char *rest;
    long long ut, st, start;
    double up;

    s->tck = (double)sysconf(_SC_CLK_TCK);
    /* utime (field 14), stime (15) and starttime (22), in clock ticks */
    if (s->tck <= 0 || ns_stat_line(pid, line, sizeof(line), comm, &rest) == -1 ||
        ns_field(rest, 14, &ut) == -1 || ns_field(rest, 15, &st) == -1 ||
        ns_field(rest, 22, &start) == -1 || (s->rss_peak_kb = ns_rss_peak(pid)) < 0)
        return -1;
    up = ns_uptime(s->tck);
    s->user = (unsigned long long)ut;
    s->sys = (unsigned long long)st;
    s->alive = up > (double)start ? (unsigned long long)(up - (double)start + 0.5) : 0;
    return 0;
}

/* Record pid's snapshot under node (NULL: edge-netsim), replacing an earlier one of it. */
static void
ns_record(struct run *r, const char *node, const char *program, pid_t pid)
{
    struct ns_stat s;
    json_t *e, *old;
    size_t i;

    if (ns_read(pid, &s) == -1)
        return; /* gone meanwhile: its last snapshot stays */
    e = json_pack("{s:s, s:i, s:f, s:f, s:f, s:I, s:f}", "program", program, "pid", (int)pid,
                  "cpu_user_s", (double)s.user / s.tck, "cpu_sys_s", (double)s.sys / s.tck, "cpu_s",
                  (double)(s.user + s.sys) / s.tck, "rss_peak_kb", (json_int_t)s.rss_peak_kb,
                  "alive_s", (double)s.alive / s.tck);
    if (node != NULL)
        json_object_set_new(e, "node", json_string(node));
    if (r->nodestats == NULL)
        r->nodestats = json_array();
    json_array_foreach(r->nodestats, i, old)
    {
        if (json_integer_value(json_object_get(old, "pid")) == pid &&
            json_equal(json_object_get(old, "program"), json_object_get(e, "program"))) {
            json_array_set_new(r->nodestats, i, e);
            return;
        }
    }
    json_array_append_new(r->nodestats, e);
}

void
nodestat_take(struct run *r)
{
    struct ns_table t = {NULL, 0, 0};
    pid_t pid;

    if (ns_table_read(&t) == -1)
        return;
    for (size_t i = 0; i < r->nnodes; i++) {
        struct run_node *n = &r->nodes[i];
        const char *exe = proc_node_exe(n->sn);
        if (n->pid > 0 && !n->exited && (pid = ns_find(&t, n->pid, exe, NS_DEPTH)) > 0)
            ns_record(r, n->sn->name, exe, pid);
    }
    if (r->net == RUN_NET_TAP && (pid = ns_find(&t, getpid(), NS_NETSIM, NS_DEPTH)) > 0)
        ns_record(r, NULL, NS_NETSIM, pid);
    free(t.p);
}

/* The entries of node (NULL: edge-netsim) appended to out; 0 when it has none. */
static size_t
ns_entries_of(struct run *r, const char *node, json_t *out)
{
    json_t *e;
    size_t i, n = 0;

    json_array_foreach(r->nodestats, i, e)
    {
        const char *en = json_string_value(json_object_get(e, "node"));
        if (node != NULL ? en != NULL && strcmp(en, node) == 0 : en == NULL) {
            json_array_append(out, e);
            n++;
        }
    }
    return n;
}

json_t *
nodestat_json(struct run *r)
{
    json_t *out = json_array();

    for (size_t i = 0; i < r->nnodes; i++) {
        const struct scn_node *sn = r->nodes[i].sn;
        if (ns_entries_of(r, sn->name, out) == 0)
            json_array_append_new(out, json_pack("{s:s, s:s, s:s}", "node", sn->name, "program",
                                                 proc_node_exe(sn), "error",
                                                 "not running when the runner stopped the nodes"));
    }
    if (ns_entries_of(r, NULL, out) == 0 && r->net == RUN_NET_TAP)
        json_array_append_new(out, json_pack("{s:s, s:s}", "program", NS_NETSIM, "error",
                                             "not found among the runner's processes"));
    return out;
}

void
nodestat_free(struct run *r)
{
    json_decref(r->nodestats);
    r->nodestats = NULL;
}
