/* sweep_run.c -- the runs of a sweep: the seed list, one `edge-run run FILE --seed N --out
 * DIR/seed-N` per seed (posix_spawn, its output in DIR/logs/seed-N.log), one after the other, and
 * each run's summary.json read back. edge-sweep (one scenario) and edge-compare (several, side by
 * side) both run their scenarios this way. */
#include "sweep.h"

#include "base/err.h"
#include "base/file.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

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

int
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

int
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

int
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
