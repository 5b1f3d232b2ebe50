/* sweep.c -- edge-sweep: runs one scenario under many seeds and reports them together
 * (issue 10: a result that holds for one seed may not hold for the next, e.g. one lost frame on
 * a fresh connection).
 *
 *   edge-sweep FILE --seeds 1-20 [--net tap|loopback] [--out DIR]
 *
 * Each seed is one ordinary run, `edge-run run FILE --seed N --out DIR/seed-N` (its folder as
 * any run leaves it, its output in DIR/logs/seed-N.log), one after the other: runs side by side
 * would share the machine's two cores and spoil each other's timings. The seed drives the link
 * loss model and the keys (scenarios/README.md). Exit status: 0 when every seed passed, 1 when
 * one did not, 127 when the scenario cannot run here (the first run says so), 2 on a usage
 * error. tools/sweep/README.md says what is printed and written. */
#include "sweep.h"

#include "base/err.h"
#include "base/file.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define SWEEP_EXIT_SKIP 127

static int
sweep_usage(FILE *f)
{
    fputs("usage: edge-sweep FILE --seeds SPEC [--net tap|loopback] [--out DIR]\n"
          "  runs the scenario once per seed (SPEC: 1-20, 3, 1,4,9 or 1-5,8), one after the\n"
          "  other, each run in DIR/seed-N (default DIR: results/<name>-sweep); prints the pass\n"
          "  rate, per-step latency percentiles (p50/p90/p99/max over the seeds) and the\n"
          "  scenario's compare; writes DIR/sweep.csv, DIR/percentiles.csv, DIR/sweep.svg\n"
          "  exit status: 0 every seed passed, 1 one did not, 127 cannot run here\n",
          f);
    return f == stderr ? 2 : 0;
}

/* One number of a seed spec; the rest of the text in *end. */
static int
sweep_seed_num(const char *p, char **end, unsigned *v)
{
    unsigned long n;

    errno = 0;
    n = strtoul(p, end, 10);
    if (errno != 0 || *end == p || n > 0xffffffffUL || *p == '-' || *p == '+')
        return -1;
    *v = (unsigned)n;
    return 0;
}

int
sweep_parse_seeds(struct sweep *s, const char *spec, char *err)
{
    const char *p = spec;
    char *end;
    unsigned a, b;

    s->nseeds = 0;
    while (*p != '\0') {
        if (sweep_seed_num(p, &end, &a) == -1)
            return edge_err(err, "--seeds %s: expected a number at \"%s\"", spec, p);
        b = a;
        if (*end == '-' && sweep_seed_num(end + 1, &end, &b) == -1)
            return edge_err(err, "--seeds %s: a range is FROM-TO", spec);
        if (b < a)
            return edge_err(err, "--seeds %s: %u-%u goes down", spec, a, b);
        for (unsigned long v = a; v <= b; v++) {
            if (s->nseeds == SWEEP_SEEDS_MAX)
                return edge_err(err, "--seeds %s: more than %d seeds", spec, SWEEP_SEEDS_MAX);
            s->seeds[s->nseeds++] = (unsigned)v;
        }
        if (*end != ',' && *end != '\0')
            return edge_err(err, "--seeds %s: unexpected \"%s\"", spec, end);
        p = *end == ',' ? end + 1 : end;
    }
    if (s->nseeds == 0)
        return edge_err(err, "--seeds: no seed given");
    return 0;
}

static int
sweep_opts(struct sweep *s, int argc, char **argv, char *err)
{
    const char *seeds = NULL, *out = NULL;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--seeds") == 0 && i + 1 < argc)
            seeds = argv[++i];
        else if (strcmp(argv[i], "--net") == 0 && i + 1 < argc)
            s->net = argv[++i];
        else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc)
            out = argv[++i];
        else if (argv[i][0] != '-' && s->file == NULL)
            s->file = argv[i];
        else
            return edge_err(err, "unexpected argument \"%s\"", argv[i]);
    }
    if (s->file == NULL || seeds == NULL)
        return edge_err(err, "give a scenario FILE and --seeds");
    if (s->net != NULL && strcmp(s->net, "tap") != 0 && strcmp(s->net, "loopback") != 0)
        return edge_err(err, "--net %s: expected tap or loopback", s->net);
    if (sweep_parse_seeds(s, seeds, err) == -1)
        return -1;
    if (out != NULL && strlen(out) < sizeof(s->out) - 64)
        snprintf(s->out, sizeof(s->out), "%s", out);
    else if (out != NULL)
        return edge_err(err, "--out: path too long");
    return 0;
}

/* The scenario's name (its results folder's), from the file; the runs check all the rest. */
static int
sweep_name(struct sweep *s, char *err)
{
    json_error_t je;
    json_t *root = json_load_file(s->file, 0, &je);
    const char *name = json_string_value(json_object_get(root, "name"));
    int rc = 0;

    if (root == NULL)
        rc = edge_err(err, "%s: %s (line %d)", s->file, je.text, je.line);
    else if (name == NULL || strlen(name) >= sizeof(s->name) || strchr(name, '/') != NULL)
        rc = edge_err(err, "%s: no valid \"name\" (edge-run check says more)", s->file);
    else
        snprintf(s->name, sizeof(s->name), "%s", name);
    json_decref(root);
    if (rc == 0 && s->out[0] == '\0')
        snprintf(s->out, sizeof(s->out), "results/%s-sweep", s->name);
    return rc;
}

/* Run edge-run for one seed, its output into log; its exit status, or -1 with err. */
static int
sweep_spawn(const struct sweep *s, unsigned seed, const char *dir, const char *log, char *err)
{
    char exe[SWEEP_PATH_MAX + 16], seed_s[16];
    const char *argv[12];
    int n = 0, status;
    pid_t pid;
    posix_spawn_file_actions_t fa;

    edge_self_dir(exe, sizeof(exe)); /* edge-run is a sibling */
    strncat(exe, "/edge-run", sizeof(exe) - strlen(exe) - 1);
    snprintf(seed_s, sizeof(seed_s), "%u", seed);
    argv[n++] = exe;
    argv[n++] = "run";
    argv[n++] = s->file;
    argv[n++] = "--seed";
    argv[n++] = seed_s;
    argv[n++] = "--out";
    argv[n++] = dir;
    if (s->net != NULL) {
        argv[n++] = "--net";
        argv[n++] = s->net;
    }
    argv[n] = NULL;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    errno = posix_spawn(&pid, exe, &fa, NULL, (char *const *)argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (errno != 0)
        return edge_err(err, "cannot start %s: %s", exe, strerror(errno));
    while (waitpid(pid, &status, 0) == -1) {
        if (errno != EINTR)
            return edge_err(err, "waitpid: %s", strerror(errno));
    }
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return WEXITSTATUS(status);
}

/* The last line of a run's log (what it said when it could not run). */
static void
sweep_last_line(const char *log, char *buf, size_t len)
{
    FILE *f = fopen(log, "r");
    char line[1024];

    buf[0] = '\0';
    while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        if (line[0] != '\0')
            snprintf(buf, len, "%s", line);
    }
    if (f != NULL)
        fclose(f);
}

/* One line per run: its verdict, the steps that failed, its time. */
static void
sweep_say_run(const struct sweep_run *run)
{
    json_t *st;
    size_t i;
    int shown = 0;

    printf("seed %4u: %s", run->seed, run->rc == 0 ? "PASS" : "FAIL");
    json_array_foreach(json_object_get(run->summary, "steps"), i, st)
    {
        if (strcmp(json_string_value(json_object_get(st, "verdict")), "FAIL") != 0)
            continue;
        printf("%s%s",
               shown++ ? ", " : " (failed: ", json_string_value(json_object_get(st, "name")));
    }
    if (run->summary == NULL)
        printf(" (no summary.json: exit status %d)", run->rc);
    printf("%s %.1f s\n", shown ? ")" : "", run->secs);
    if (json_string_value(json_object_get(run->summary, "error")) != NULL)
        printf("           %s\n", json_string_value(json_object_get(run->summary, "error")));
    fflush(stdout);
}

/* Run every seed in turn. 127 when the first cannot run here, 130 when interrupted, else 0. */
static int
sweep_runs(struct sweep *s, char *err)
{
    char dir[SWEEP_PATH_MAX + 32], log[SWEEP_PATH_MAX + 48], path[SWEEP_PATH_MAX + 64];

    for (size_t i = 0; i < s->nseeds; i++) {
        struct sweep_run *run = &s->runs[s->nruns];
        struct timespec t0, t1;
        json_error_t je;

        snprintf(dir, sizeof(dir), "%s/seed-%u", s->out, s->seeds[i]);
        snprintf(log, sizeof(log), "%s/logs/seed-%u.log", s->out, s->seeds[i]);
        clock_gettime(CLOCK_MONOTONIC, &t0);
        run->seed = s->seeds[i];
        if ((run->rc = sweep_spawn(s, s->seeds[i], dir, log, err)) == -1)
            return -1;
        clock_gettime(CLOCK_MONOTONIC, &t1);
        run->secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        if (run->rc == SWEEP_EXIT_SKIP) {
            sweep_last_line(log, path, sizeof(path));
            edge_err(err, "%s", path);
            return SWEEP_EXIT_SKIP;
        }
        if (run->rc >= 128) {
            printf("seed %4u: interrupted (exit status %d); the sweep stops\n", run->seed, run->rc);
            return run->rc;
        }
        snprintf(path, sizeof(path), "%s/summary.json", dir);
        run->summary = json_load_file(path, 0, &je);
        s->nruns++;
        sweep_say_run(run);
        /* A first run that wrote nothing (a scenario edge-run refuses) will not do better later. */
        if (run->summary == NULL && s->nruns == 1) {
            sweep_last_line(log, path, sizeof(path));
            return edge_err(err, "the first run wrote no summary.json: %s", path);
        }
    }
    return 0;
}

static int
sweep_mkdirs(const char *out, char *err)
{
    char path[SWEEP_PATH_MAX + 16];

    snprintf(path, sizeof(path), "%s", out);
    for (char *p = path + 1; *p != '\0'; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(path, 0755) == -1 && errno != EEXIST)
            return edge_err(err, "mkdir %s: %s", path, strerror(errno));
        *p = '/';
    }
    if (mkdir(path, 0755) == -1 && errno != EEXIST)
        return edge_err(err, "mkdir %s: %s", path, strerror(errno));
    snprintf(path, sizeof(path), "%s/logs", out);
    if (mkdir(path, 0755) == -1 && errno != EEXIST)
        return edge_err(err, "mkdir %s: %s", path, strerror(errno));
    return 0;
}

/* The tables, the CSV files and the plot of the runs that wrote a summary. */
static int
sweep_report(struct sweep *s, char *err)
{
    struct sweep_table t;
    int rc;

    if (sweep_table(s, &t, err) == -1)
        return -1;
    sweep_print(s, &t, stdout);
    rc = sweep_csv(s, &t, err) == -1 || sweep_svg(s, &t, err) == -1 ? -1 : 0;
    if (rc == 0)
        printf("sweep: %s/sweep.csv, %s/percentiles.csv, %s/sweep.svg\n", s->out, s->out, s->out);
    sweep_table_free(&t);
    return rc;
}

int
main(int argc, char **argv)
{
    static struct sweep s; /* large: the runs of up to SWEEP_SEEDS_MAX seeds */
    char err[EDGE_ERR_LEN * 2];
    int rc, all = 1;

    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0))
        return sweep_usage(stdout);
    if (sweep_opts(&s, argc, argv, err) == -1) {
        fprintf(stderr, "edge-sweep: %s\n", err);
        return sweep_usage(stderr);
    }
    if (sweep_name(&s, err) == -1 || sweep_mkdirs(s.out, err) == -1) {
        fprintf(stderr, "edge-sweep: %s\n", err);
        return 1;
    }
    printf("sweep: %s, %zu seeds (%u..%u), net %s, runs in %s/seed-N\n", s.name, s.nseeds,
           s.seeds[0], s.seeds[s.nseeds - 1], s.net != NULL ? s.net : "as edge-run chooses", s.out);
    rc = sweep_runs(&s, err);
    if (rc == SWEEP_EXIT_SKIP || rc == -1) {
        printf("sweep: %s: %s\n", rc == -1 ? "error" : "cannot run here", err);
        return rc == -1 ? 1 : SWEEP_EXIT_SKIP;
    }
    if (sweep_report(&s, err) == -1) {
        fprintf(stderr, "edge-sweep: %s\n", err);
        all = 0;
    }
    for (size_t i = 0; i < s.nruns; i++) {
        all &= s.runs[i].rc == 0 && s.runs[i].summary != NULL;
        json_decref(s.runs[i].summary);
    }
    return rc != 0 ? rc : all && s.nruns == s.nseeds ? 0 : 1;
}
