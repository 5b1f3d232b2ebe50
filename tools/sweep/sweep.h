/* sweep.h -- edge-sweep: one scenario run under many seeds, and what the runs say together.
 *
 * sweep_run.c runs `edge-run run FILE --seed N` once per seed, one after the other, each in its
 * own results folder, and reads each summary.json (sweep.c is edge-sweep's main); sweep_stats.c
 * turns them into the pass rate, the per-step latency percentiles and the scenario's compare
 * (tables printed and written as CSV); sweep_svg.c draws the per-step latencies of every seed as
 * one self-contained SVG. edge-compare (compare*.c) runs several scenarios this way. */
#ifndef SWEEP_H
#define SWEEP_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#define SWEEP_SEEDS_MAX 1000
#define SWEEP_PATH_MAX 1024

/* One run of the scenario. */
struct sweep_run {
    unsigned seed;
    int rc;          /* edge-run's exit status (0 pass, 1 fail, 127 cannot run here) */
    double secs;     /* wall time of the run */
    json_t *summary; /* its summary.json, or NULL when it wrote none */
};

struct sweep {
    const char *file; /* the scenario */
    const char *net;  /* "tap", "loopback" or NULL (edge-run chooses) */
    char out[SWEEP_PATH_MAX];
    char name[64]; /* the scenario's name */
    unsigned seeds[SWEEP_SEEDS_MAX];
    size_t nseeds;
    struct sweep_run runs[SWEEP_SEEDS_MAX];
    size_t nruns;
};

/* Per step (in the scenario's order): its time in each run, its verdicts, its percentiles. */
struct sweep_step {
    const char *name;
    double ms[SWEEP_SEEDS_MAX];    /* < 0: no time (skipped, not run) */
    char verdict[SWEEP_SEEDS_MAX]; /* 'P', 'F', 'S', or 0: not run */
    size_t timed, passed;
    double p50, p90, p99, max;
};

struct sweep_table {
    struct sweep_step *steps;
    size_t nsteps;
    size_t passed;   /* runs that passed */
    json_t *compare; /* the median over seeds of the scenario's compare, or NULL */
};

/* The exit status of a run (and of edge-sweep) that cannot run here. */
#define SWEEP_EXIT_SKIP 127

/* sweep_run.c */
/* "1-20", "3", "1,4,9", "1-5,8": the seeds into s; -1 with err. */
int sweep_parse_seeds(struct sweep *s, const char *spec, char *err);
/* The scenario's name (its results folder's) from s->file into s->name, and s->out when empty:
 * results/<name>-sweep; the runs check all the rest. -1 with err. */
int sweep_name(struct sweep *s, char *err);
/* out and out/logs, with the folders above out. -1 with err. */
int sweep_mkdirs(const char *out, char *err);
/* Run every seed in turn, one line printed per run. SWEEP_EXIT_SKIP when the first cannot run
 * here (err says why), 128+ when interrupted, -1 with err, else 0. */
int sweep_runs(struct sweep *s, char *err);

/* sweep_stats.c */
/* The value at percentile p (0..100] of the n values in v, sorted in place: the nearest rank
 * (the ceil(p/100 x n)-th smallest), so every percentile is a time some run really took. */
double sweep_percentile(double *v, size_t n, double p);
/* Build the table from the runs; free with sweep_table_free. -1 with err when no run wrote a
 * summary. */
int sweep_table(const struct sweep *s, struct sweep_table *t, char *err);
void sweep_table_free(struct sweep_table *t);
/* The pass rate, the per-step percentiles and the compare, for a person. */
void sweep_print(const struct sweep *s, const struct sweep_table *t, FILE *f);
/* out/sweep.csv (seed, step, verdicts, ms: one row per run and step) and out/percentiles.csv. */
int sweep_csv(const struct sweep *s, const struct sweep_table *t, char *err);

/* sweep_svg.c: out/sweep.svg, every run's time per step on a log scale, p50 and p90 marked. */
int sweep_svg(const struct sweep *s, const struct sweep_table *t, char *err);

#endif
