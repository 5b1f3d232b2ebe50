/* compare.c -- edge-compare: runs scenarios that differ in one choice under the same seeds and
 * sets them side by side (issue 10 section 2: TR 33.739 6.27's Editor's Note made measurable --
 * scenarios/edge9-mode-forward.json, -redirect.json, -local-issue.json).
 *
 *   edge-compare A.json B.json [C.json ...] [--seeds 1-5] [--net tap|loopback] [--out DIR]
 *                [--link NAME]
 *
 * Each scenario's seeds are run as edge-sweep runs them (sweep_run.c: one ordinary edge-run run
 * per seed, one after the other, in DIR/<name>/seed-N), the scenarios one after the other. Then
 * DIR/compare.html and the CSV files (compare_html.c, compare_csv.c) show, per step, what each
 * answered and who decided, the messages, the times over the seeds against the link's RTT, and
 * the trust relations each needed. Exit status: 0 when every run of every scenario passed, 1 when
 * one did not, 127 when a scenario cannot run here, 2 on a usage error. */
#include "compare.h"

#include "base/err.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int
cmp_usage(FILE *f)
{
    fputs("usage: edge-compare A.json B.json [C.json ...] [--seeds SPEC] [--net tap|loopback]\n"
          "                    [--out DIR] [--link NAME]\n"
          "  runs each scenario once per seed (SPEC as edge-sweep's; default 1) in\n"
          "  DIR/<name>/seed-N (default DIR: results/compare) and sets them side by side per\n"
          "  step: outcome and deciding node, messages, trust relations, latency over the seeds\n"
          "  in RTTs of link NAME (default backhaul); writes DIR/compare.html, DIR/compare.csv,\n"
          "  DIR/messages.csv, DIR/trust.csv\n"
          "  exit status: 0 every run passed, 1 one did not, 127 cannot run here\n",
          f);
    return f == stderr ? 2 : 0;
}

/* Options: the files first into the modes, the rest into c. */
static int
cmp_opts(struct cmp *c, int argc, char **argv, const char **seeds, char *err)
{
    const char *out = "results/compare";

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--seeds") == 0 && i + 1 < argc)
            *seeds = argv[++i];
        else if (strcmp(argv[i], "--net") == 0 && i + 1 < argc)
            c->net = argv[++i];
        else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc)
            out = argv[++i];
        else if (strcmp(argv[i], "--link") == 0 && i + 1 < argc)
            c->link = argv[++i];
        else if (argv[i][0] != '-' && c->nmodes < CMP_MODES_MAX) {
            if ((c->modes[c->nmodes] = calloc(1, sizeof(struct cmp_mode))) == NULL)
                return edge_err(err, "out of memory");
            c->modes[c->nmodes++]->sw.file = argv[i];
        } else
            return edge_err(err, "unexpected argument \"%s\" (at most %d scenarios)", argv[i],
                            CMP_MODES_MAX);
    }
    if (c->nmodes < 2)
        return edge_err(err, "give at least two scenario files");
    if (c->net != NULL && strcmp(c->net, "tap") != 0 && strcmp(c->net, "loopback") != 0)
        return edge_err(err, "--net %s: expected tap or loopback", c->net);
    if (strlen(out) >= sizeof(c->out))
        return edge_err(err, "--out: path too long");
    snprintf(c->out, sizeof(c->out), "%s", out);
    return 0;
}

/* Each mode's name, seeds and folder; its label is its name less what every name begins with
 * (edge9-mode-forward, edge9-mode-redirect: forward, redirect), cut after a '-'. */
static int
cmp_prepare(struct cmp *c, const char *seeds, char *err)
{
    size_t common = SIZE_MAX;

    if (c->nmodes < 2 || c->modes[0] == NULL)
        return edge_err(err, "give at least two scenario files");
    for (size_t k = 0; k < c->nmodes; k++) {
        struct sweep *sw = &c->modes[k]->sw;
        sw->net = c->net;
        if (sweep_parse_seeds(sw, seeds, err) == -1 || sweep_name(sw, err) == -1)
            return -1;
        snprintf(sw->out, sizeof(sw->out), "%s/%s", c->out, sw->name);
        for (size_t j = 0; j < k; j++)
            if (strcmp(c->modes[j]->sw.name, sw->name) == 0)
                return edge_err(err, "%s and %s are both named %s", c->modes[j]->sw.file, sw->file,
                                sw->name);
        if (sweep_mkdirs(sw->out, err) == -1)
            return -1;
        if (k > 0) {
            size_t n = 0;
            while (sw->name[n] != '\0' && sw->name[n] == c->modes[0]->sw.name[n])
                n++;
            common = n < common ? n : common;
        }
    }
    while (common > 0 && c->modes[0]->sw.name[common - 1] != '-')
        common--;
    for (size_t k = 0; k < c->nmodes; k++) {
        const char *name = c->modes[k]->sw.name;
        snprintf(c->modes[k]->label, sizeof(c->modes[k]->label), "%s",
                 name[common] != '\0' ? name + common : name);
    }
    return 0;
}

/* Every mode's runs and their per-step times. 127 when one cannot run here, 128+ interrupted. */
static int
cmp_run_all(struct cmp *c, char *err)
{
    for (size_t k = 0; k < c->nmodes; k++) {
        struct cmp_mode *m = c->modes[k];
        int rc;
        printf("compare: %s (%s), %zu seed(s), runs in %s/seed-N\n", m->label, m->sw.name,
               m->sw.nseeds, m->sw.out);
        if ((rc = sweep_runs(&m->sw, err)) != 0)
            return rc;
        if (sweep_table(&m->sw, &m->tab, err) == -1)
            return -1;
    }
    return 0;
}

/* One line per step: each mode's outcome and median time. */
static void
cmp_print(const struct cmp *c)
{
    json_t *row, *cell;
    size_t i, k;
    char buf[512];

    printf("%-22s", "step");
    for (k = 0; k < c->nmodes; k++)
        printf(" | %-42s", c->modes[k]->label);
    putchar('\n');
    json_array_foreach(json_object_get(c->model, "steps"), i, row)
    {
        printf("%-22s", json_string_value(json_object_get(row, "name")));
        json_array_foreach(json_object_get(row, "cells"), k, cell)
        {
            char out[36];
            snprintf(out, sizeof(out), "%s", cmp_outcome(cell, buf, sizeof(buf)));
            if (json_object_get(cell, "p50") != NULL)
                printf(" | %-32s %6.0f ms", out, json_number_value(json_object_get(cell, "p50")));
            else
                printf(" | %-42s", out);
        }
        putchar('\n');
    }
}

static void
cmp_free(struct cmp *c)
{
    for (size_t k = 0; k < c->nmodes; k++) {
        for (size_t r = 0; r < c->modes[k]->sw.nruns; r++)
            json_decref(c->modes[k]->sw.runs[r].summary);
        sweep_table_free(&c->modes[k]->tab);
        free(c->modes[k]);
    }
    json_decref(c->model);
}

/* 0 when every run of every mode passed, else 1. */
static int
cmp_verdict(const struct cmp *c)
{
    int all = 1;

    for (size_t k = 0; k < c->nmodes; k++) {
        const struct sweep *sw = &c->modes[k]->sw;
        all &= sw->nruns == sw->nseeds;
        for (size_t r = 0; r < sw->nruns; r++)
            all &= sw->runs[r].rc == 0 && sw->runs[r].summary != NULL;
    }
    return all ? 0 : 1;
}

int
main(int argc, char **argv)
{
    struct cmp c = {.link = "backhaul"};
    const char *seeds = "1";
    char err[EDGE_ERR_LEN * 2];
    int rc;

    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0))
        return cmp_usage(stdout);
    if (cmp_opts(&c, argc, argv, &seeds, err) == -1) {
        fprintf(stderr, "edge-compare: %s\n", err);
        cmp_free(&c);
        return cmp_usage(stderr);
    }
    rc = cmp_prepare(&c, seeds, err) == -1 ? -1 : cmp_run_all(&c, err);
    if (rc == SWEEP_EXIT_SKIP)
        printf("compare: cannot run here: %s\n", err);
    if (rc == 0 && (cmp_model(&c, err) == -1 || cmp_html(&c, err) == -1 || cmp_csv(&c, err) == -1))
        rc = -1;
    if (rc == 0) {
        cmp_print(&c);
        printf("compare: %s/compare.html, %s/compare.csv, %s/messages.csv, %s/trust.csv\n", c.out,
               c.out, c.out, c.out);
        rc = cmp_verdict(&c);
    } else if (rc == -1) {
        fprintf(stderr, "edge-compare: %s\n", err);
        rc = 1;
    }
    cmp_free(&c);
    return rc;
}
