/* bench_report.c -- edge-bench's output: medians and percentiles, one JSON object per figure
 * ({"name","value","unit","reference_name","reference_value","ratio"}), then a table. */
#include "bench.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
bench_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

double
bench_percentile(double *v, size_t n, double p)
{
    size_t rank;

    if (n == 0)
        return 0;
    qsort(v, n, sizeof(*v), bench_cmp);
    rank = (size_t)ceil(p / 100.0 * (double)n); /* nearest rank, 1-based */
    return v[rank == 0 ? 0 : rank - 1];
}

double
bench_median(double *v, int n)
{
    double s[BENCH_REPEAT_MAX];

    if (n <= 0)
        return 0;
    memcpy(s, v, (size_t)n * sizeof(*s));
    qsort(s, (size_t)n, sizeof(*s), bench_cmp);
    return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

static json_t *
report_json(const struct figure *f)
{
    json_t *o = json_pack("{s:s, s:f, s:s}", "name", f->name, "value", f->value, "unit", f->unit);

    if (f->ref_name != NULL) {
        json_object_set_new(o, "reference_name", json_string(f->ref_name));
        json_object_set_new(o, "reference_value", json_real(f->ref_value));
        json_object_set_new(o, "ratio", json_real(f->ratio));
    } else {
        json_object_set_new(o, "reference_name", json_null());
        json_object_set_new(o, "reference_value", json_null());
        json_object_set_new(o, "ratio", json_null());
    }
    return o;
}

static const char *
report_goal(const struct figure *f, char *buf, size_t len)
{
    if (f->goal_ratio <= 0)
        return "";
    snprintf(buf, len, ">= %.2f %s", f->goal_ratio, f->ratio >= f->goal_ratio ? "met" : "NOT MET");
    return buf;
}

static void
report_table(FILE *out, const struct figure *f, size_t n)
{
    char goal[32];

    fprintf(out, "\n%-36s %10s %-15s %-30s %10s %8s  %s\n", "figure", "value", "unit", "reference",
            "ref value", "ratio", "goal");
    for (size_t i = 0; i < n; i++) {
        if (f[i].ref_name == NULL)
            fprintf(out, "%-36s %10.1f %-15s\n", f[i].name, f[i].value, f[i].unit);
        else
            fprintf(out, "%-36s %10.1f %-15s %-30s %10.1f %8.3f  %s\n", f[i].name, f[i].value,
                    f[i].unit, f[i].ref_name, f[i].ref_value, f[i].ratio,
                    report_goal(&f[i], goal, sizeof(goal)));
    }
}

int
report_print(struct figure *f, size_t n, const char *json_path, char *err)
{
    FILE *jf = NULL;

    if (json_path != NULL && (jf = fopen(json_path, "w")) == NULL)
        return edge_err(err, "%s: cannot write", json_path);
    for (size_t i = 0; i < n; i++) {
        json_t *o = report_json(&f[i]);
        char *line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
        json_decref(o);
        if (line == NULL)
            continue;
        printf("%s\n", line);
        if (jf != NULL)
            fprintf(jf, "%s\n", line);
        free(line);
    }
    if (jf != NULL && fclose(jf) != 0)
        return edge_err(err, "%s: write error", json_path);
    report_table(stdout, f, n);
    return 0;
}
