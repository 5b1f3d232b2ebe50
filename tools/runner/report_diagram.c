/* report_diagram.c -- draws the sequence diagram of report.html: a legend, the sticky header
 * (report_lifelines.c) and the rows (report_rows.c) in an SVG that scales to the page.
 *
 * Every label is fitted here to the room it has (an arrow's span, a box), so nothing spills across
 * lifelines or past the edge; what is cut is whole in the label's tooltip. A note (a refusal's
 * reason, what a handshake proved) is written under its row on a white ground. */
#include "report_int.h"

#include <string.h>

#define REP_BAND_H 24
#define REP_MSG_H 26
#define REP_TLS_H 18
#define REP_BOX_H 24
#define REP_NOTE_H 15

struct rep_colour {
    const char *stroke, *marker;
};

/* Arrow colours: plain, forwarded between ECSes, EDGE-9 between EESes, refused, expected,
 * notification (server to subscriber). */
static const struct rep_colour rep_colours[] = {
    {"#1f2937", "ah0"}, {"#7c3aed", "ah1"}, {"#0f766e", "ah2"},
    {"#b91c1c", "ah3"}, {"#c2410c", "ah4"}, {"#be185d", "ah5"},
};

static const struct rep_colour *
rep_colour_of(const struct rep_row *row)
{
    if (row->bad)
        return &rep_colours[row->expected ? 4 : 3];
    return &rep_colours[row->style == REP_FORWARD  ? 1
                        : row->style == REP_EDGE9  ? 2
                        : row->style == REP_NOTIFY ? 5
                                                   : 0];
}

static int
rep_row_h(const struct rep_row *row)
{
    int h = row->type == REP_BAND  ? REP_BAND_H
            : row->type == REP_MSG ? REP_MSG_H
            : row->type == REP_TLS ? REP_TLS_H
                                   : REP_BOX_H;

    return row->hidden ? 0 : h + (row->note[0] != '\0' ? REP_NOTE_H : 0);
}

static void
rep_defs(FILE *f)
{
    fputs("<defs>", f);
    for (size_t i = 0; i < sizeof(rep_colours) / sizeof(rep_colours[0]); i++)
        fprintf(f,
                "<marker id=\"%s\" markerUnits=\"userSpaceOnUse\" markerWidth=\"9\" "
                "markerHeight=\"9\" refX=\"8\" refY=\"4.5\" orient=\"auto\"><path "
                "d=\"M0,0 L9,4.5 L0,9 z\" fill=\"%s\"/></marker>",
                rep_colours[i].marker, rep_colours[i].stroke);
    fputs("</defs>\n", f);
}

/* A note under a row, from x on (moved left when it would pass the edge), on a white ground. */
static void
rep_note(FILE *f, const struct rep_layout *L, double x, double y, const char *text,
         const char *fill)
{
    double right = L->width - REP_RIGHT, w = rep_text_w(text, 10);
    char attrs[64];

    if (x + w > right)
        x = right - w > REP_LEFT ? right - w : REP_LEFT;
    if (w > right - x)
        w = right - x;
    snprintf(attrs, sizeof(attrs), "class=\"note\" fill=\"%s\"", fill);
    struct rep_text t = {x, right, y, 10, "start", attrs};
    fprintf(f,
            "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"13\" fill=\"#fff\" "
            "fill-opacity=\"0.9\"/>",
            x - 2, y - 10, w + 4);
    rep_svg_text(f, &t, text);
}

static void
rep_time(FILE *f, const struct rep_rows *R, const struct rep_row *row, double y)
{
    double dt = row->t - R->t0;
    char buf[32];
    struct rep_text t = {3, REP_LEFT - 6, y, 10, "start", "fill=\"#6b7280\""};

    if (dt < 10.0)
        snprintf(buf, sizeof(buf), "+%.1f ms", dt * 1000.0);
    else
        snprintf(buf, sizeof(buf), "+%.2f s", dt);
    rep_svg_text(f, &t, buf);
}

static void
rep_draw_band(FILE *f, json_t *summary, const struct rep_layout *L, const struct rep_row *row,
              double y)
{
    json_t *s = json_array_get(json_object_get(summary, "steps"), (size_t)row->step);
    const char *verdict = json_string_value(json_object_get(s, "verdict"));
    const char *about = json_string_value(json_object_get(s, "about"));
    char text[512], attrs[80];
    struct rep_text t = {6,        L->width - 60, y + 16,
                         REP_FONT, "start",       "font-weight=\"bold\" fill=\"#312e81\""};

    if (s == NULL)
        snprintf(text, sizeof(text), "%s",
                 row->step < 0 ? "start-up: the nodes start and load their keys; each EES "
                                 "registers at its ECS"
                               : "after the steps: teardown (EESes deregister, the nodes stop)");
    else
        snprintf(text, sizeof(text), "step %d \u00b7 %s \u00b7 %s %s%s%s", row->step + 1,
                 json_string_value(json_object_get(s, "name")),
                 json_string_value(json_object_get(s, "node"))
                     ? json_string_value(json_object_get(s, "node"))
                     : "runner",
                 json_string_value(json_object_get(s, "action")), about ? " \u2014 " : "",
                 about ? about : "");
    if (s != NULL) /* the step table links here */
        fprintf(f, "<g id=\"step-%d\">", row->step + 1);
    fprintf(f, "<rect class=\"band\" x=\"0\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>",
            y + 1, L->width, REP_BAND_H - 2, s != NULL ? "#e0e7ff" : "#f3f4f6");
    rep_svg_text(f, &t, text);
    if (verdict != NULL) {
        struct rep_text v = {L->width - 56, L->width - 6, y + 16, REP_FONT, "end", attrs};
        snprintf(attrs, sizeof(attrs), "font-weight=\"bold\" fill=\"%s\"",
                 strcmp(verdict, "PASS") == 0   ? "#15803d"
                 : strcmp(verdict, "FAIL") == 0 ? "#b91c1c"
                                                : "#a16207");
        rep_svg_text(f, &v, verdict);
    }
    fputs(s != NULL ? "</g>\n" : "\n", f);
}

static void
rep_draw_msg(FILE *f, const struct rep_layout *L, const struct rep_row *row, double y)
{
    const struct rep_colour *c = rep_colour_of(row);
    double x1 = L->lines[row->from].x, x2 = L->lines[row->to].x;
    double lo = x1 < x2 ? x1 : x2, hi = x1 < x2 ? x2 : x1;
    const char *sum = json_string_value(json_object_get(row->ev, "summary"));
    char attrs[160];
    struct rep_text t = {lo + 7, hi - 7, y + 13, REP_FONT, "middle", attrs};

    fprintf(f,
            "<line class=\"msg\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
            "stroke-width=\"%s\"%s marker-end=\"url(#%s)\"><title>",
            x1, y + 18, x2 - (x2 > x1 ? 1 : -1), y + 18, c->stroke,
            row->token                ? "2.6"
            : row->style != REP_PLAIN ? "1.8"
                                      : "1.2",
            row->m.failed     ? " stroke-dasharray=\"2,3\""
            : row->m.response ? " stroke-dasharray=\"6,3\""
                              : "",
            c->marker);
    rep_esc(f, row->m.method);
    fputc(' ', f);
    rep_esc(f, row->m.path);
    fputs(": ", f);
    rep_esc(f, sum);
    fputs("</title></line>", f);
    snprintf(attrs, sizeof(attrs), "class=\"lbl\" fill=\"%s\"%s", c->stroke,
             row->token ? " font-weight=\"bold\"" : "");
    rep_svg_text(f, &t, row->label);
    if (row->note[0] != '\0')
        rep_note(f, L, lo + 4, y + REP_MSG_H + 9, row->note, c->stroke);
    fputc('\n', f);
}

static void
rep_draw_tls(FILE *f, const struct rep_layout *L, const struct rep_row *row, double y)
{
    double x1 = L->lines[row->from].x, x2 = L->lines[row->to].x;
    double lo = x1 < x2 ? x1 : x2, hi = x1 < x2 ? x2 : x1;
    char note[sizeof(row->note) + 40];

    fprintf(f,
            "<rect class=\"tls\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"8\" rx=\"4\" "
            "fill=\"%s\" stroke=\"%s\"><title>",
            lo, y + 7, hi - lo, row->bad ? "#fecaca" : "#bbf7d0", row->bad ? "#b91c1c" : "#15803d");
    rep_esc(f, json_string_value(json_object_get(row->ev, "summary")));
    fputs("</title></rect>", f);
    /* Folded (a UE population's handshakes): how many, then the first one's identities. */
    if (row->folded > 0)
        snprintf(note, sizeof(note), "\u00d7%d, the first: %s", row->folded + 1, row->note);
    else
        snprintf(note, sizeof(note), "%s", row->note);
    rep_note(f, L, lo + 4, y + REP_TLS_H + 9, note, row->bad ? "#b91c1c" : "#166534");
    fputc('\n', f);
}

static void
rep_draw_box(FILE *f, const struct rep_layout *L, const struct rep_row *row, double y)
{
    double x = L->lines[row->from].x - L->col / 2 + 10, w = L->col - 20;
    char label[220];
    struct rep_text t = {x + 4,    x + w - 4,
                         y + 16,   10,
                         "middle", row->bad ? "class=\"box\" fill=\"#b91c1c\"" : "class=\"box\""};

    fprintf(f,
            "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"18\" rx=\"3\" fill=\"%s\" "
            "stroke=\"%s\"><title>",
            x, y + 4, w,
            row->bad     ? "#fee2e2"
            : row->token ? "#fef3c7"
                         : "#f3f4f6",
            row->bad     ? "#b91c1c"
            : row->token ? "#d97706"
                         : "#9ca3af");
    rep_esc(f, json_string_value(json_object_get(row->ev, "summary")));
    fputs("</title></rect>", f);
    if (row->folded > 0) { /* the count is never cut: "token issu… ×25000" */
        char count[24], fitted[180];
        snprintf(count, sizeof(count), " \u00d7%d", row->folded + 1);
        rep_fit(row->label, t.x2 - t.x1 - rep_text_w(count, t.px), t.px, fitted, sizeof(fitted));
        snprintf(label, sizeof(label), "%s%s", fitted, count);
    } else {
        snprintf(label, sizeof(label), "%s", row->label);
    }
    rep_svg_text(f, &t, label);
    if (row->note[0] != '\0')
        rep_note(f, L, x, y + REP_BOX_H + 9, row->note, "#b91c1c");
    fputc('\n', f);
}

static void
rep_body(FILE *f, json_t *summary, const struct rep_layout *L, const struct rep_rows *R)
{
    double y = 4, h = 12;

    for (size_t i = 0; i < R->n; i++)
        h += rep_row_h(&R->rows[i]);
    fprintf(f,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %.0f %.0f\" "
            "font-family=\"DejaVu Sans Mono,monospace\" font-size=\"%d\">\n",
            L->width, h, REP_FONT);
    rep_defs(f);
    for (size_t l = 0; l < L->nl; l++)
        fprintf(f,
                "<line class=\"lifeline\" x1=\"%.1f\" y1=\"0\" x2=\"%.1f\" y2=\"%.0f\" "
                "stroke=\"#9ca3af\" stroke-dasharray=\"4,3\"/>\n",
                L->lines[l].x, L->lines[l].x, h);
    for (size_t i = 0; i < R->n; i++) {
        const struct rep_row *row = &R->rows[i];
        if (row->hidden)
            continue;
        if (row->type == REP_MSG || row->type == REP_BOX)
            rep_time(f, R, row, y + 14);
        if (row->type == REP_BAND)
            rep_draw_band(f, summary, L, row, y);
        else if (row->type == REP_MSG)
            rep_draw_msg(f, L, row, y);
        else if (row->type == REP_TLS)
            rep_draw_tls(f, L, row, y);
        else
            rep_draw_box(f, L, row, y);
        y += rep_row_h(row);
    }
    fputs("</svg>\n", f);
}

/* ---- the legend ---- */

static void
rep_legend_arrow(FILE *f, const char *stroke, const char *width, const char *dash, const char *what)
{
    fprintf(f,
            "<span><svg width=\"36\" height=\"10\"><line x1=\"1\" y1=\"5\" x2=\"35\" y2=\"5\" "
            "stroke=\"%s\" stroke-width=\"%s\" stroke-dasharray=\"%s\"/></svg>%s</span>",
            stroke, strcmp(width, "1.2") == 0 ? "2" : width, dash != NULL ? dash : "none", what);
}

static void
rep_legend(FILE *f, const struct rep_rows *R)
{
    const char *seen[32];
    size_t ns = 0;

    fputs("<div class=\"legend\">", f);
    rep_legend_arrow(f, "#1f2937", "1.2", NULL, "request (method, path or API)");
    rep_legend_arrow(f, "#1f2937", "1.2", "6,3", "response (status, cause)");
    rep_legend_arrow(f, "#1f2937", "2.6", NULL,
                     "carries an access token: <b>+Bearer</b> in its Authorization header, "
                     "<b>+token</b> in its body");
    rep_legend_arrow(f, "#7c3aed", "1.8", NULL, "between ECSes (lookup, forwarded token request)");
    rep_legend_arrow(f, "#0f766e", "1.8", NULL, "EDGE-9, between EESes");
    rep_legend_arrow(f, "#be185d", "1.8", NULL,
                     "notification: from the server of a subscription to the subscriber's "
                     "endpoint (EEC or EAS), with its event");
    rep_legend_arrow(f, "#b91c1c", "1.2", NULL, "refused or failed, the reason under it");
    rep_legend_arrow(f, "#c2410c", "1.2", NULL, "a refusal its step expects");
    fputs("<span><svg width=\"36\" height=\"10\"><rect x=\"1\" y=\"1\" width=\"34\" height=\"8\" "
          "rx=\"4\" fill=\"#bbf7d0\" stroke=\"#15803d\"/></svg>TLS handshake of a new "
          "connection: mode and the identities it authenticated</span>"
          "<span>\u00d7N: the same exchange N times in the step (keep-alive)</span>",
          f);
    for (size_t i = 0; i < R->n; i++) {
        const struct rep_row *row = &R->rows[i];
        size_t j = 0;
        if (row->type != REP_BOX)
            continue;
        while (j < ns && strcmp(seen[j], row->kind) != 0)
            j++;
        if (j < ns || ns == sizeof(seen) / sizeof(seen[0]))
            continue;
        seen[ns++] = row->kind;
        fputs("<span><svg width=\"26\" height=\"12\"><rect x=\"1\" y=\"1\" width=\"24\" "
              "height=\"10\" rx=\"2\" fill=\"#f3f4f6\" stroke=\"#9ca3af\"/></svg><b>",
              f);
        rep_esc(f, row->kind);
        fputs("</b>: ", f);
        rep_esc(f, rep_kind_meaning(row->kind) ? rep_kind_meaning(row->kind) : "a node event");
        fputs("</span>", f);
    }
    fputs("</div>\n", f);
}

void
rep_diagram(FILE *f, json_t *summary, json_t *events)
{
    struct rep_layout L;
    struct rep_rows R = {0};

    if (!rep_layout(summary, &L) || !rep_rows(summary, events, &L, &R)) {
        fputs("<p>No messages were logged.</p>\n", f);
        goto done;
    }
    fputs("<p class=\"small\">Each column is a node, grouped by the site (link) it sits on; the "
          "header says each link's rate, delay and loss. Time runs down, from the first "
          "event. Hover over an arrow or a box for the node's own log line.</p>\n",
          f);
    rep_legend(f, &R);
    fputs("<div class=\"diagram\" id=\"diagram\">\n", f);
    rep_header(f, &L);
    rep_body(f, summary, &L, &R);
    fputs("</div>\n", f);
done:
    rep_rows_free(&R);
    rep_layout_free(&L);
}
