/* report_load.c -- the latency-vs-load plot of a UE population's step (issue 11; the actions
 * provision_all, register_all, relocate_all of scenarios/README.md "UE populations").
 *
 * Drawn from the step's result alone: its series (one point per bucket of completion time:
 * answers/s, UEs in flight at the bucket's end, p50 and p99 of the bucket's answers; made by
 * nodes/eec/eec_pop_run.c), latencyMs and elapsedMs. Left, over the step's time: the load
 * (answers/s on the left axis, UEs in flight on the right) above the latency; right, each
 * bucket's p50 and p99 against its answers/s, the load-latency curve a researcher reads. A bucket
 * with no answer has no latency: its points are left out, never drawn as 0 ms. */
#include "report_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LP_W 1000
#define LP_H 404
#define LP_FONT 12
#define LP_X0 62  /* the time panels' left edge */
#define LP_X1 590 /* ... and right edge (the in-flight axis) */
#define LP_SX0 770
#define LP_SX1 985 /* the scatter's edges */
#define LP_AY0 46  /* the load panel: top ... */
#define LP_AY1 176 /* ... bottom */
#define LP_BY0 212 /* the latency panel */
#define LP_BY1 342
#define LP_TICKS 5  /* at most this many intervals on an axis */
#define LP_MARKS 80 /* with this many points or fewer each is marked */

#define LP_RATE "#2563eb"
#define LP_RATE_FILL "#dbeafe"
#define LP_INFLIGHT "#ea580c"
#define LP_P50 "#0d9488"
#define LP_P99 "#be123c"
#define LP_GRID "#e5e7eb"
#define LP_AXIS "#6b7280"

struct lp_pt {
    double t, per_s, inflight, p50, p99;
    long long done;
};

/* An axis: values from 0 to max mapped onto [lo, hi] user units (y axes: lo is the bottom). */
struct lp_axis {
    double max, step, lo, hi;
};

static double
lp_num(json_t *o, const char *key)
{
    double v = json_number_value(json_object_get(o, key));
    return isfinite(v) && v > 0 ? v : 0;
}

/* A step of 1, 2, 2.5 or 5 times a power of ten that cuts max into at most LP_TICKS intervals
 * (at least 1 for a count), and max rounded up to it. */
static void
lp_axis(struct lp_axis *a, double max, int count, double lo, double hi)
{
    static const double nice[] = {1, 2, 2.5, 5, 10};
    double raw, mag = 1;

    if (!(max > 0))
        max = 1;
    raw = max / LP_TICKS;
    while (mag * 10 <= raw)
        mag *= 10;
    while (mag > raw)
        mag /= 10;
    for (size_t i = 0; i < sizeof(nice) / sizeof(nice[0]); i++)
        if (nice[i] * mag >= raw) {
            a->step = nice[i] * mag;
            break;
        }
    if (count && a->step < 1)
        a->step = 1;
    a->max = (double)(long long)(max / a->step) * a->step;
    if (a->max < max - 1e-9 * max)
        a->max += a->step;
    a->lo = lo;
    a->hi = hi;
}

static double
lp_at(const struct lp_axis *a, double v)
{
    return a->lo + (a->hi - a->lo) * (v > a->max ? 1 : v / a->max);
}

static void
lp_text(FILE *f, double x1, double x2, double y, const char *anchor, const char *attrs,
        const char *s)
{
    struct rep_text t = {x1, x2, y, LP_FONT, anchor, attrs};
    rep_svg_text(f, &t, s);
}

/* Grid lines and tick labels of a y axis over [x0, x1]; side: labels left of x0 ("end") or
 * right of x1 ("start"); grid: draw the lines. */
static void
lp_yticks(FILE *f, const struct lp_axis *a, double x0, double x1, const char *side, int grid,
          const char *colour)
{
    char v[32], attrs[48];

    snprintf(attrs, sizeof(attrs), "fill=\"%s\"", colour);
    for (int k = 0; k * a->step <= a->max + 1e-9; k++) {
        double y = lp_at(a, k * a->step);
        if (grid)
            fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\"/>", (int)x0,
                    y, (int)x1, y, LP_GRID);
        snprintf(v, sizeof(v), "%.6g", k * a->step);
        if (strcmp(side, "end") == 0)
            lp_text(f, x0 - 52, x0 - 4, y + 4, "end", attrs, v);
        else
            lp_text(f, x1 + 4, x1 + 56, y + 4, "start", attrs, v);
    }
    fputc('\n', f);
}

/* Vertical grid lines of an x axis over [y0, y1], with tick labels under y1 when labels. */
static void
lp_xticks(FILE *f, const struct lp_axis *a, double y0, double y1, int labels)
{
    char v[32];

    for (int k = 0; k * a->step <= a->max + 1e-9; k++) {
        double x = lp_at(a, k * a->step);
        fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\"/>", x, (int)y0,
                x, (int)y1, LP_GRID);
        snprintf(v, sizeof(v), "%.6g", k * a->step);
        if (labels)
            lp_text(f, x - 30, x + 30, y1 + 16, "middle", NULL, v);
    }
    fputc('\n', f);
}

/* The frame of a panel: its left and bottom axes, and its right one when right. */
static void
lp_frame(FILE *f, double x0, double y0, double x1, double y1, int right)
{
    fprintf(f, "<path d=\"M%.0f %.0fV%.0fH%.0f", x0, y0, y1, x1);
    if (right)
        fprintf(f, "V%.0f", y0);
    fprintf(f, "\" fill=\"none\" stroke=\"%s\"/>\n", LP_AXIS);
}

static void
lp_legend_item(FILE *f, double *x, const char *swatch, const char *what)
{
    fprintf(f, "<g transform=\"translate(%.1f 6)\">%s</g>", *x, swatch);
    lp_text(f, *x + 28, *x + 28 + rep_text_w(what, LP_FONT) + 2, 16, "start", NULL, what);
    *x += 28 + rep_text_w(what, LP_FONT) + 22;
}

static void
lp_legend(FILE *f)
{
    double x = LP_X0;

    lp_legend_item(f, &x,
                   "<rect x=\"0\" y=\"2\" width=\"24\" height=\"10\" fill=\"" LP_RATE_FILL
                   "\" stroke=\"" LP_RATE "\"/>",
                   "answers/s (left)");
    lp_legend_item(f, &x,
                   "<line x1=\"0\" y1=\"7\" x2=\"24\" y2=\"7\" stroke=\"" LP_INFLIGHT
                   "\" stroke-width=\"2\"/>",
                   "UEs in flight (right)");
    lp_legend_item(f, &x,
                   "<line x1=\"0\" y1=\"7\" x2=\"24\" y2=\"7\" stroke=\"" LP_P50
                   "\" stroke-width=\"2\"/><circle cx=\"12\" cy=\"7\" r=\"3\" fill=\"" LP_P50
                   "\"/>",
                   "p50 latency");
    lp_legend_item(f, &x,
                   "<line x1=\"0\" y1=\"7\" x2=\"24\" y2=\"7\" stroke=\"" LP_P99
                   "\" stroke-width=\"2\"/><rect x=\"9\" y=\"4\" width=\"6\" height=\"6\" "
                   "fill=\"" LP_P99 "\"/>",
                   "p99 latency");
    lp_legend_item(f, &x,
                   "<line x1=\"0\" y1=\"7\" x2=\"24\" y2=\"7\" stroke=\"" LP_AXIS
                   "\" stroke-dasharray=\"5,3\"/>",
                   "whole step");
    fputc('\n', f);
}

enum lp_what { LP_PER_S, LP_INFL, LP_Q50, LP_Q99 };

/* A plot's points and its axes: time, answers/s, UEs in flight and latency on the left; answers/s
 * and latency in the scatter. */
struct lp_plot {
    struct lp_pt *p;
    size_t n;
    struct lp_axis t, rate, inflight, lat, sx, sy;
    double p50, p99; /* the whole step's */
};

static double
lp_get(const struct lp_pt *p, enum lp_what what)
{
    return what == LP_PER_S  ? p->per_s
           : what == LP_INFL ? p->inflight
           : what == LP_Q50  ? p->p50
                             : p->p99;
}

/* The series as points, one per entry (what is not a number counts 0); NULL when empty. */
static struct lp_pt *
lp_points(json_t *series, size_t *n)
{
    size_t len = json_array_size(series), i;
    struct lp_pt *p = len > 0 ? calloc(len, sizeof(*p)) : NULL;
    json_t *o;

    *n = p != NULL ? len : 0;
    json_array_foreach(series, i, o)
    {
        if (p == NULL)
            break;
        p[i] = (struct lp_pt){lp_num(o, "t"),   lp_num(o, "perS"), lp_num(o, "inflight"),
                              lp_num(o, "p50"), lp_num(o, "p99"),  (long long)lp_num(o, "done")};
    }
    return p;
}

static void
lp_scales(struct lp_plot *P, json_t *res)
{
    double tmax = lp_num(res, "elapsedMs") / 1000.0, rmax = 0, imax = 0, lmax = P->p99;

    for (size_t i = 0; i < P->n; i++) {
        const struct lp_pt *p = &P->p[i];
        tmax = p->t > tmax ? p->t : tmax;
        rmax = p->per_s > rmax ? p->per_s : rmax;
        imax = p->inflight > imax ? p->inflight : imax;
        if (p->done > 0)
            lmax = p->p99 > lmax ? p->p99 : lmax;
    }
    lp_axis(&P->t, tmax, 0, LP_X0, LP_X1);
    lp_axis(&P->rate, rmax, 0, LP_AY1, LP_AY0);
    lp_axis(&P->inflight, imax, 1, LP_AY1, LP_AY0);
    lp_axis(&P->lat, lmax, 0, LP_BY1, LP_BY0);
    lp_axis(&P->sx, rmax, 0, LP_SX0, LP_SX1);
    lp_axis(&P->sy, lmax, 0, LP_BY1, LP_AY0);
}

/* A mark of point i of a line: a circle, or a square for p99. */
static void
lp_mark(FILE *f, double x, double y, const char *colour, int square)
{
    if (square)
        fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"6\" height=\"6\" fill=\"%s\"/>", x - 3,
                y - 3, colour);
    else
        fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>", x, y, colour);
}

/* A line through every point (answers/s, in flight): a polyline of n points. */
static void
lp_polyline(FILE *f, const struct lp_plot *P, enum lp_what what, const struct lp_axis *y,
            const char *cls, const char *colour)
{
    fprintf(f, "<polyline class=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"",
            cls, colour);
    for (size_t i = 0; i < P->n; i++)
        fprintf(f, "%s%.1f,%.1f", i ? " " : "", lp_at(&P->t, P->p[i].t),
                lp_at(y, lp_get(&P->p[i], what)));
    fputs("\"/>", f);
    for (size_t i = 0; P->n <= LP_MARKS && i < P->n; i++)
        lp_mark(f, lp_at(&P->t, P->p[i].t), lp_at(y, lp_get(&P->p[i], what)), colour, 0);
    fputc('\n', f);
}

/* A latency line through the buckets that had answers: a path of one point per such bucket,
 * broken where a bucket had none; a point with no neighbour is marked, or it would not show. */
static void
lp_latpath(FILE *f, const struct lp_plot *P, enum lp_what what, const char *cls, const char *colour)
{
    int pen = 0;

    fprintf(f, "<path class=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\" d=\"", cls,
            colour);
    for (size_t i = 0; i < P->n; i++) {
        if (P->p[i].done <= 0) {
            pen = 0;
            continue;
        }
        fprintf(f, "%c%.1f %.1f", pen ? 'L' : 'M', lp_at(&P->t, P->p[i].t),
                lp_at(&P->lat, lp_get(&P->p[i], what)));
        pen = 1;
    }
    fputs("\"/>", f);
    for (size_t i = 0; i < P->n; i++) {
        int alone = (i == 0 || P->p[i - 1].done <= 0) && (i + 1 == P->n || P->p[i + 1].done <= 0);
        if (P->p[i].done > 0 && (P->n <= LP_MARKS || alone))
            lp_mark(f, lp_at(&P->t, P->p[i].t), lp_at(&P->lat, lp_get(&P->p[i], what)), colour,
                    what == LP_Q99);
    }
    fputc('\n', f);
}

/* Top left: answers/s (a filled line, left axis) and UEs in flight (right axis) over time. */
static void
lp_load_panel(FILE *f, const struct lp_plot *P)
{
    lp_xticks(f, &P->t, LP_AY0, LP_AY1, 0);
    lp_yticks(f, &P->rate, LP_X0, LP_X1, "end", 1, LP_RATE);
    lp_yticks(f, &P->inflight, LP_X0, LP_X1, "start", 0, LP_INFLIGHT);
    fprintf(f, "<polygon fill=\"%s\" points=\"%.1f,%d", LP_RATE_FILL, lp_at(&P->t, P->p[0].t),
            LP_AY1);
    for (size_t i = 0; i < P->n; i++)
        fprintf(f, " %.1f,%.1f", lp_at(&P->t, P->p[i].t), lp_at(&P->rate, P->p[i].per_s));
    fprintf(f, " %.1f,%d\"/>\n", lp_at(&P->t, P->p[P->n - 1].t), LP_AY1);
    lp_polyline(f, P, LP_PER_S, &P->rate, "lp-rate", LP_RATE);
    lp_polyline(f, P, LP_INFL, &P->inflight, "lp-inflight", LP_INFLIGHT);
    lp_frame(f, LP_X0, LP_AY0, LP_X1, LP_AY1, 1);
    lp_text(f, 4, 300, LP_AY0 - 10, "start", "class=\"lp-title\" fill=\"" LP_RATE "\"",
            "answers/s");
    lp_text(f, LP_X1 - 200, LP_X1 + 56, LP_AY0 - 10, "end",
            "class=\"lp-title\" fill=\"" LP_INFLIGHT "\"", "UEs in flight");
}

/* The whole step's p50 and p99, dashed across the latency panel and named at its right. */
static void
lp_step_lines(FILE *f, const struct lp_plot *P)
{
    double y50 = lp_at(&P->lat, P->p50), y99 = lp_at(&P->lat, P->p99), l50 = y50, l99 = y99;
    char s[48];

    if (l50 - l99 < 13) { /* labels apart, p99 above */
        l99 = (l50 + l99) / 2 - 6.5;
        l50 = l99 + 13;
    }
    fprintf(f,
            "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\" "
            "stroke-dasharray=\"5,3\"/><line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
            "stroke=\"%s\" stroke-dasharray=\"5,3\"/>",
            LP_X0, y50, LP_X1, y50, LP_P50, LP_X0, y99, LP_X1, y99, LP_P99);
    snprintf(s, sizeof(s), "p50 %.0f ms", P->p50);
    lp_text(f, LP_X1 + 4, LP_SX0 - 64, l50 + 4, "start", "class=\"lp-step\" fill=\"" LP_P50 "\"",
            s);
    snprintf(s, sizeof(s), "p99 %.0f ms", P->p99);
    lp_text(f, LP_X1 + 4, LP_SX0 - 64, l99 + 4, "start", "class=\"lp-step\" fill=\"" LP_P99 "\"",
            s);
    fputc('\n', f);
}

/* Bottom left: the p50 and p99 of each bucket's answers over time, and the whole step's. */
static void
lp_latency_panel(FILE *f, const struct lp_plot *P)
{
    lp_xticks(f, &P->t, LP_BY0, LP_BY1, 1);
    lp_yticks(f, &P->lat, LP_X0, LP_X1, "end", 1, "#1f2937");
    lp_step_lines(f, P);
    lp_latpath(f, P, LP_Q50, "lp-p50", LP_P50);
    lp_latpath(f, P, LP_Q99, "lp-p99", LP_P99);
    lp_frame(f, LP_X0, LP_BY0, LP_X1, LP_BY1, 0);
    lp_text(f, 4, 300, LP_BY0 - 10, "start", "class=\"lp-title\"", "latency (ms)");
    lp_text(f, LP_X0, LP_X1, LP_BY1 + 36, "middle", "class=\"lp-title\"",
            "time since the step began (s)");
}

/* Right: each bucket's p50 and p99 against its answers/s. */
static void
lp_scatter(FILE *f, const struct lp_plot *P)
{
    lp_xticks(f, &P->sx, LP_AY0, LP_BY1, 1);
    lp_yticks(f, &P->sy, LP_SX0, LP_SX1, "end", 1, "#1f2937");
    fputs("<g class=\"lp-scatter\">", f);
    for (size_t i = 0; i < P->n; i++) {
        const struct lp_pt *p = &P->p[i];
        if (p->done <= 0)
            continue;
        lp_mark(f, lp_at(&P->sx, p->per_s), lp_at(&P->sy, p->p50), LP_P50, 0);
        fprintf(f,
                "<g><title>%.2f s: %.0f answers/s, %.0f in flight, p50 %.0f ms, p99 %.0f ms"
                "</title>",
                p->t, p->per_s, p->inflight, p->p50, p->p99);
        lp_mark(f, lp_at(&P->sx, p->per_s), lp_at(&P->sy, p->p99), LP_P99, 1);
        fputs("</g>", f);
    }
    fputs("</g>\n", f);
    lp_frame(f, LP_SX0, LP_AY0, LP_SX1, LP_BY1, 0);
    lp_text(f, LP_SX0 - 56, LP_SX1, LP_AY0 - 10, "start", "class=\"lp-title\"",
            "latency (ms) against load");
    lp_text(f, LP_SX0, LP_SX1, LP_BY1 + 36, "middle", "class=\"lp-title\"", "answers/s");
}

/* The sentence over the plot: how many, how fast, the percentiles, what a point is. */
static void
lp_caption(FILE *f, json_t *res, const struct lp_plot *P, size_t no)
{
    json_t *lat = json_object_get(res, "latencyMs");
    double bucket = P->n > 0 ? P->p[0].t * 1000.0 : 0;

    fprintf(f,
            "<p class=\"small\"><b>Load and latency of step %zu</b>: %lld UEs, %lld answered "
            "ok, %lld failed in %.2f s (%.0f per second); latency p50 %.0f ms, p90 %.0f ms, p99 "
            "%.0f ms, max %.0f ms. ",
            no, (long long)lp_num(res, "count"), (long long)lp_num(res, "ok"),
            (long long)lp_num(res, "failed"), lp_num(res, "elapsedMs") / 1000.0,
            lp_num(res, "perS"), lp_num(lat, "p50"), lp_num(lat, "p90"), lp_num(lat, "p99"),
            lp_num(lat, "max"));
    if (P->n > 0)
        fprintf(f,
                "Each point is %.0f ms of completion time, drawn at its end: the answers that "
                "came in it per second, the UEs still waiting when it ended, and the p50 and "
                "p99 of its answers (none where no answer came).",
                bucket);
    else
        fputs("The step's result has no time series: nothing to plot.", f);
    fputs("</p>\n", f);
}

int
rep_is_population(json_t *step)
{
    static const char *const actions[] = {"provision_all", "register_all", "relocate_all"};
    const char *a = json_string_value(json_object_get(step, "action"));

    for (size_t i = 0; a != NULL && i < sizeof(actions) / sizeof(actions[0]); i++)
        if (strcmp(a, actions[i]) == 0)
            return 1;
    return 0;
}

void
rep_load(FILE *f, json_t *step, size_t no)
{
    json_t *res = json_object_get(step, "result");
    struct lp_plot P;

    if (!rep_is_population(step) || !json_is_object(res))
        return;
    memset(&P, 0, sizeof(P));
    P.p = lp_points(json_object_get(res, "series"), &P.n);
    P.p50 = lp_num(json_object_get(res, "latencyMs"), "p50");
    P.p99 = lp_num(json_object_get(res, "latencyMs"), "p99");
    fprintf(f, "<tr class=\"load\"><td colspan=\"7\"><div class=\"loadplot\" id=\"load-%zu\">", no);
    lp_caption(f, res, &P, no);
    if (P.n > 0) {
        lp_scales(&P, res);
        fprintf(f,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
                "font-family=\"DejaVu Sans Mono,monospace\" font-size=\"%d\" role=\"img\" "
                "aria-label=\"latency against load, step %zu\" data-points=\"%zu\">\n",
                LP_W, LP_H, LP_FONT, no, P.n);
        lp_legend(f);
        lp_load_panel(f, &P);
        lp_latency_panel(f, &P);
        lp_scatter(f, &P);
        fputs("</svg>", f);
    }
    fputs("</div></td></tr>\n", f);
    free(P.p);
}
