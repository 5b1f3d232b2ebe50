/* sweep_stats.c -- what the runs of a sweep say together: the pass rate, each step's time over
 * the seeds (p50, p90, p99, max: nearest-rank percentiles, so each is a time a run really took),
 * and the scenario's "compare" (scenarios/README.md): the median over the seeds where both steps
 * passed of what one step cost over the other, against the bound each run computed. Printed for
 * a person and written as CSV for a spreadsheet or a plotting script. */
#include "sweep.h"

#include "base/err.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int
sweep_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

double
sweep_percentile(double *v, size_t n, double p)
{
    size_t rank;

    if (n == 0)
        return NAN;
    qsort(v, n, sizeof(*v), sweep_cmp_double);
    rank = (size_t)ceil(p / 100.0 * (double)n);
    if (rank < 1)
        rank = 1;
    return v[(rank > n ? n : rank) - 1];
}

/* The step of t named name, added at the end when new. */
static struct sweep_step *
sweep_step_of(struct sweep_table *t, const char *name)
{
    struct sweep_step *grown;

    for (size_t i = 0; i < t->nsteps; i++)
        if (strcmp(t->steps[i].name, name) == 0)
            return &t->steps[i];
    if ((grown = realloc(t->steps, (t->nsteps + 1) * sizeof(*grown))) == NULL)
        return NULL;
    t->steps = grown;
    memset(&t->steps[t->nsteps], 0, sizeof(t->steps[0]));
    t->steps[t->nsteps].name = name;
    for (size_t k = 0; k < SWEEP_SEEDS_MAX; k++)
        t->steps[t->nsteps].ms[k] = -1;
    return &t->steps[t->nsteps++];
}

/* Run k's steps into the table: the time the runner measured for the step's action. */
static int
sweep_take_run(struct sweep_table *t, const struct sweep_run *run, size_t k)
{
    json_t *st;
    size_t i;

    json_array_foreach(json_object_get(run->summary, "steps"), i, st)
    {
        const char *name = json_string_value(json_object_get(st, "name"));
        const char *v = json_string_value(json_object_get(st, "verdict"));
        json_t *ms = json_object_get(json_object_get(st, "result"), "runner_ms");
        struct sweep_step *s;

        if (name == NULL || v == NULL || (s = sweep_step_of(t, name)) == NULL)
            return -1;
        s->verdict[k] = v[0];
        s->passed += v[0] == 'P';
        if (v[0] != 'S' && json_is_number(ms)) {
            s->ms[k] = json_number_value(ms);
            s->timed++;
        }
    }
    return 0;
}

static void
sweep_step_pcts(struct sweep_step *s, size_t nruns)
{
    double v[SWEEP_SEEDS_MAX];
    size_t n = 0;

    for (size_t k = 0; k < nruns; k++)
        if (s->ms[k] >= 0)
            v[n++] = s->ms[k];
    s->p50 = sweep_percentile(v, n, 50);
    s->p90 = sweep_percentile(v, n, 90);
    s->p99 = sweep_percentile(v, n, 99);
    s->max = sweep_percentile(v, n, 100);
}

/* The compare over the runs where both its steps passed: the median overhead against the bound
 * (the same in every run: it comes from the topology). */
static json_t *
sweep_compare(const struct sweep *s, const struct sweep_table *t)
{
    double v[SWEEP_SEEDS_MAX];
    json_t *first = NULL, *out;
    size_t n = 0;

    for (size_t k = 0; k < s->nruns; k++) {
        json_t *c = json_object_get(json_object_get(s->runs[k].summary, "sim"), "compare");
        const char *base = json_string_value(json_object_get(c, "base"));
        const char *step = json_string_value(json_object_get(c, "step"));
        int ok = c != NULL;
        for (size_t i = 0; ok && i < t->nsteps; i++)
            if (strcmp(t->steps[i].name, base) == 0 || strcmp(t->steps[i].name, step) == 0)
                ok = t->steps[i].verdict[k] == 'P';
        if (!ok)
            continue;
        if (first == NULL)
            first = c;
        v[n++] = json_number_value(json_object_get(c, "overheadMs"));
    }
    if (first == NULL)
        return NULL;
    out = json_deep_copy(first);
    json_object_del(out, "sentence");
    json_object_del(out, "baseMs");
    json_object_del(out, "stepMs");
    json_object_del(out, "overheadMs");
    json_object_del(out, "within");
    json_object_set_new(out, "runs", json_integer((json_int_t)n));
    json_object_set_new(out, "medianMs", json_real(sweep_percentile(v, n, 50)));
    json_object_set_new(out, "p90Ms", json_real(sweep_percentile(v, n, 90)));
    json_object_set_new(out, "maxMs", json_real(sweep_percentile(v, n, 100)));
    json_object_set_new(out, "within",
                        json_boolean(sweep_percentile(v, n, 50) <=
                                     json_number_value(json_object_get(first, "boundMs"))));
    return out;
}

int
sweep_table(const struct sweep *s, struct sweep_table *t, char *err)
{
    size_t with = 0;

    memset(t, 0, sizeof(*t));
    for (size_t k = 0; k < s->nruns; k++) {
        if (s->runs[k].summary == NULL)
            continue;
        with++;
        t->passed += s->runs[k].rc == 0;
        if (sweep_take_run(t, &s->runs[k], k) == -1) {
            sweep_table_free(t);
            return edge_err(err, "seed %u: summary.json has a step without name or verdict",
                            s->runs[k].seed);
        }
    }
    if (with == 0)
        return edge_err(err, "no run wrote a summary.json (see %s/logs)", s->out);
    for (size_t i = 0; i < t->nsteps; i++)
        sweep_step_pcts(&t->steps[i], s->nruns);
    t->compare = sweep_compare(s, t);
    return 0;
}

void
sweep_table_free(struct sweep_table *t)
{
    free(t->steps);
    json_decref(t->compare);
    memset(t, 0, sizeof(*t));
}

/* "12.3", or "-" when there is no value. */
static const char *
sweep_ms(double v, char *buf, size_t len)
{
    if (isnan(v))
        snprintf(buf, len, "-");
    else
        snprintf(buf, len, "%.1f", v);
    return buf;
}

static void
sweep_print_compare(const json_t *c, FILE *f)
{
    int sim = json_is_true(json_object_get(c, "simulated"));

    fprintf(f,
            "compare: %s - %s over %lld seeds where both passed: median %.1f ms (p90 %.1f, max "
            "%.1f); bound %g x RTT of %s (%.1f ms%s) + %g ms = %.1f ms: %s\n",
            json_string_value(json_object_get(c, "step")),
            json_string_value(json_object_get(c, "base")),
            (long long)json_integer_value(json_object_get(c, "runs")),
            json_number_value(json_object_get(c, "medianMs")),
            json_number_value(json_object_get(c, "p90Ms")),
            json_number_value(json_object_get(c, "maxMs")),
            json_number_value(json_object_get(c, "rtts")),
            json_string_value(json_object_get(c, "link")),
            json_number_value(json_object_get(c, "rttMs")),
            sim ? "" : ", not simulated in loopback mode: counted as 0",
            json_number_value(json_object_get(c, "plusMs")),
            json_number_value(json_object_get(c, "boundMs")),
            json_is_true(json_object_get(c, "within")) ? "within" : "over");
}

void
sweep_print(const struct sweep *s, const struct sweep_table *t, FILE *f)
{
    char a[32], b[32], c[32], d[32], pass[32];

    fprintf(f, "sweep: %s: %zu of %zu seeds passed (%.0f%%)\n", s->name, t->passed, s->nseeds,
            100.0 * (double)t->passed / (double)s->nseeds);
    fprintf(f, "%-28s %9s %9s %9s %9s %9s\n", "step (ms over the seeds)", "passed", "p50", "p90",
            "p99", "max");
    for (size_t i = 0; i < t->nsteps; i++) {
        const struct sweep_step *st = &t->steps[i];
        snprintf(pass, sizeof(pass), "%zu/%zu", st->passed, s->nruns);
        fprintf(f, "%-28s %9s %9s %9s %9s %9s\n", st->name, pass, sweep_ms(st->p50, a, 32),
                sweep_ms(st->p90, b, 32), sweep_ms(st->p99, c, 32), sweep_ms(st->max, d, 32));
    }
    if (t->compare != NULL)
        sweep_print_compare(t->compare, f);
    else if (json_object_get(json_object_get(s->runs[0].summary, "sim"), "compare") != NULL)
        fprintf(f, "compare: no seed where both its steps passed\n");
}

/* out/compare.csv: per run, the two steps' times and the overhead against the bound. */
static int
sweep_csv_compare(const struct sweep *s, FILE *f)
{
    fprintf(f, "seed,base_ms,step_ms,overhead_ms,bound_ms,within\n");
    for (size_t k = 0; k < s->nruns; k++) {
        json_t *c = json_object_get(json_object_get(s->runs[k].summary, "sim"), "compare");
        if (c == NULL)
            continue;
        fprintf(f, "%u,%.3f,%.3f,%.3f,%.3f,%d\n", s->runs[k].seed,
                json_number_value(json_object_get(c, "baseMs")),
                json_number_value(json_object_get(c, "stepMs")),
                json_number_value(json_object_get(c, "overheadMs")),
                json_number_value(json_object_get(c, "boundMs")),
                json_is_true(json_object_get(c, "within")));
    }
    return 0;
}

/* ",12.345", or "," when a step has no time (skipped in every run). */
static void
sweep_csv_ms(FILE *f, double v)
{
    if (isnan(v))
        fputc(',', f);
    else
        fprintf(f, ",%.3f", v);
}

static FILE *
sweep_open(const struct sweep *s, const char *name, char *err)
{
    char path[SWEEP_PATH_MAX + 32];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", s->out, name);
    if ((f = fopen(path, "w")) == NULL)
        edge_err(err, "%s: cannot write", path);
    return f;
}

int
sweep_csv(const struct sweep *s, const struct sweep_table *t, char *err)
{
    FILE *f;

    if ((f = sweep_open(s, "sweep.csv", err)) == NULL)
        return -1;
    fprintf(f, "seed,run_exit,step,step_verdict,ms\n");
    for (size_t k = 0; k < s->nruns; k++)
        for (size_t i = 0; i < t->nsteps; i++) {
            const struct sweep_step *st = &t->steps[i];
            if (st->verdict[k] == 0)
                continue;
            fprintf(f, "%u,%d,%s,%s,", s->runs[k].seed, s->runs[k].rc, st->name,
                    st->verdict[k] == 'P'   ? "PASS"
                    : st->verdict[k] == 'S' ? "SKIP"
                                            : "FAIL");
            if (st->ms[k] >= 0)
                fprintf(f, "%.3f", st->ms[k]);
            fputc('\n', f);
        }
    fclose(f);
    if ((f = sweep_open(s, "percentiles.csv", err)) == NULL)
        return -1;
    fprintf(f, "step,runs_timed,passed,p50_ms,p90_ms,p99_ms,max_ms\n");
    for (size_t i = 0; i < t->nsteps; i++) {
        const struct sweep_step *st = &t->steps[i];
        fprintf(f, "%s,%zu,%zu", st->name, st->timed, st->passed);
        sweep_csv_ms(f, st->p50);
        sweep_csv_ms(f, st->p90);
        sweep_csv_ms(f, st->p99);
        sweep_csv_ms(f, st->max);
        fputc('\n', f);
    }
    fclose(f);
    if (t->compare == NULL)
        return 0;
    if ((f = sweep_open(s, "compare.csv", err)) == NULL)
        return -1;
    sweep_csv_compare(s, f);
    fclose(f);
    return 0;
}
