/* sweep_svg.c -- the plot of a sweep: for each step (in the scenario's order) one dot per seed at
 * the time the step took in that run (red when the step failed there), its p50 as a solid bar
 * and its p90 as a dashed one, on a logarithmic time axis (a step of 2 ms and a 3 s deadline fit
 * one plot). One self-contained SVG file: no script, no external font or style, so it opens in
 * any browser and can be put in a paper as it is. */
#include "sweep.h"

#include "base/err.h"

#include <math.h>
#include <string.h>

#define SVG_LEFT 120   /* room for the time labels and the first step's rotated name */
#define SVG_COL 64     /* width of one step's column */
#define SVG_TOP 78     /* title and legend */
#define SVG_PLOT 300   /* height of the plot area */
#define SVG_BOTTOM 130 /* rotated step names */

/* The plot's time range in decades: [lo, hi] powers of ten around every time. */
struct svg_axis {
    double lo, hi; /* log10 */
};

static void
svg_axis(const struct sweep *s, const struct sweep_table *t, struct svg_axis *ax)
{
    double mn = INFINITY, mx = 0;

    for (size_t i = 0; i < t->nsteps; i++)
        for (size_t k = 0; k < s->nruns; k++) {
            double v = t->steps[i].ms[k];
            if (v < 0)
                continue;
            v = v < 0.1 ? 0.1 : v;
            mn = v < mn ? v : mn;
            mx = v > mx ? v : mx;
        }
    if (mx == 0) {
        mn = 1;
        mx = 10;
    }
    ax->lo = floor(log10(mn));
    ax->hi = ceil(log10(mx));
    if (ax->hi <= ax->lo)
        ax->hi = ax->lo + 1;
}

static double
svg_y(const struct svg_axis *ax, double ms)
{
    double l = log10(ms < 0.1 ? 0.1 : ms);
    return SVG_TOP + SVG_PLOT - (l - ax->lo) / (ax->hi - ax->lo) * SVG_PLOT;
}

/* Grid lines and labels at 1, 2 and 5 of each decade. */
static void
svg_grid(FILE *f, const struct svg_axis *ax, int width)
{
    static const int marks[] = {1, 2, 5};

    for (int d = (int)ax->lo; d <= (int)ax->hi; d++)
        for (int m = 0; m < 3; m++) {
            double ms = marks[m] * pow(10, d);
            double y = svg_y(ax, ms);
            if (log10(ms) > ax->hi + 1e-9)
                break;
            fprintf(f,
                    "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#%s\" />\n"
                    "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" class=\"ax\">%g ms</text>\n",
                    SVG_LEFT, y, width - 20, y, m == 0 ? "bbb" : "e4e4e4", SVG_LEFT - 6, y + 4, ms);
        }
}

/* Step i's column: a band, one dot per run, the p50 and p90 bars, the name. */
static void
svg_step(FILE *f, const struct sweep *s, const struct sweep_step *st, size_t i,
         const struct svg_axis *ax)
{
    double cx = SVG_LEFT + (double)i * SVG_COL + SVG_COL / 2.0;

    if (i % 2 == 1)
        fprintf(f, "<rect x=\"%.1f\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#f6f6f6\" />\n",
                cx - SVG_COL / 2.0, SVG_TOP, SVG_COL, SVG_PLOT);
    for (size_t k = 0; k < s->nruns; k++) {
        /* Spread the dots across the column by seed, the same way in every column. */
        double dx = (double)((s->runs[k].seed * 7919u) % 41u) * 0.9 - 18;
        if (st->ms[k] < 0)
            continue;
        fprintf(f,
                "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" class=\"%s\"><title>seed %u: %.1f ms "
                "(%s)</title></circle>\n",
                cx + dx, svg_y(ax, st->ms[k]), st->verdict[k] == 'P' ? "ok" : "bad",
                s->runs[k].seed, st->ms[k], st->verdict[k] == 'P' ? "passed" : "failed");
    }
    if (st->timed > 0)
        fprintf(f,
                "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"p50\" />\n"
                "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"p90\" />\n",
                cx - 24, svg_y(ax, st->p50), cx + 24, svg_y(ax, st->p50), cx - 24,
                svg_y(ax, st->p90), cx + 24, svg_y(ax, st->p90));
    fprintf(f,
            "<text transform=\"translate(%.1f,%d) rotate(-40)\" text-anchor=\"end\" "
            "class=\"st\">%s (%zu/%zu)</text>\n",
            cx + 4, SVG_TOP + SVG_PLOT + 14, st->name, st->passed, s->nruns);
}

/* Names are [a-z0-9_-] (edge-run checks them); anything else is left out of the plot's text. */
static const char *
svg_text(const char *s, char *buf, size_t len)
{
    size_t o = 0;

    for (; *s != '\0' && o + 1 < len; s++)
        if (*s != '<' && *s != '>' && *s != '&' && *s != '"')
            buf[o++] = *s;
    buf[o] = '\0';
    return buf;
}

int
sweep_svg(const struct sweep *s, const struct sweep_table *t, char *err)
{
    char path[SWEEP_PATH_MAX + 32], name[64], net[16];
    int width = SVG_LEFT + (int)t->nsteps * SVG_COL + 20;
    struct svg_axis ax;
    FILE *f;

    width = width < 640 ? 640 : width;
    snprintf(path, sizeof(path), "%s/sweep.svg", s->out);
    if ((f = fopen(path, "w")) == NULL)
        return edge_err(err, "%s: cannot write", path);
    svg_axis(s, t, &ax);
    svg_text(json_string_value(json_object_get(s->runs[0].summary, "net")) != NULL
                 ? json_string_value(json_object_get(s->runs[0].summary, "net"))
                 : "?",
             net, sizeof(net));
    fprintf(f,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
            "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\">\n"
            "<style>.ax{font-size:11px;fill:#555}.st{font-size:12px;fill:#222}"
            ".ok{fill:#3b6ea8;fill-opacity:0.7}.bad{fill:#c0392b}"
            ".p50{stroke:#111;stroke-width:2.5}.p90{stroke:#111;stroke-width:1;"
            "stroke-dasharray:4 3}</style>\n"
            "<rect width=\"100%%\" height=\"100%%\" fill=\"white\" />\n"
            "<text x=\"20\" y=\"22\" font-size=\"15\">%s: time per step</text>\n"
            "<text x=\"20\" y=\"42\" class=\"st\">%zu seeds, net %s, %zu of %zu runs "
            "passed</text>\n"
            "<text x=\"20\" y=\"60\" class=\"ax\">one dot per seed (red: the step failed in "
            "that run); solid bar p50, dashed bar p90; log scale</text>\n",
            width, SVG_TOP + SVG_PLOT + SVG_BOTTOM, width, SVG_TOP + SVG_PLOT + SVG_BOTTOM,
            svg_text(s->name, name, sizeof(name)), s->nruns, net, t->passed, s->nruns);
    svg_grid(f, &ax, width);
    for (size_t i = 0; i < t->nsteps; i++)
        svg_step(f, s, &t->steps[i], i, &ax);
    fprintf(f, "</svg>\n");
    if (fclose(f) != 0)
        return edge_err(err, "%s: write failed", path);
    return 0;
}
