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

#include <string.h>

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
