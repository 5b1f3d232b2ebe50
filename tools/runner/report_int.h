/* report_int.h -- what the files of the report share: report.c writes the page, report_html.c
 * escapes text and holds the style, report_lifelines.c orders the lifelines by site and draws the
 * diagram's header, report_rows.c turns the event log into the diagram's rows, report_diagram.c
 * draws them, report_steps.c the step table (with report_load.c's plot under a UE population's
 * step), report_procs.c what each process cost, and report_tokens.c the tokens. */
#ifndef RUN_REPORT_INT_H
#define RUN_REPORT_INT_H

#include "evmsg.h"

#include <jansson.h>
#include <stdio.h>

/* The diagram's geometry, in SVG user units; the SVG scales to the page (viewBox). */
#define REP_W_MIN 1000   /* the drawing's width with few lifelines */
#define REP_LEFT 72      /* the time column */
#define REP_RIGHT 8      /* a margin at the right edge */
#define REP_COL_MIN 120  /* the narrowest column: more lifelines widen the drawing */
#define REP_FOLD_AT 8    /* more nodes of one kind on one site share one lifeline */
#define REP_FONT 11      /* labels (monospace: their width is known here) */
#define REP_CHAR_W 0.602 /* advance of a DejaVu Sans Mono glyph, in em */
#define REP_HEAD_H 86    /* the sticky header: sites and links, node boxes */

/* ---- report_html.c ---- */
extern const char rep_css[];
void rep_esc(FILE *f, const char *s);
/* A JSON value as escaped text: compact, or indented by 2. */
void rep_esc_json(FILE *f, json_t *v, int indented);
/* A string as its text, anything else as compact JSON; escaped. */
void rep_plain(FILE *f, json_t *v);
/* An epoch in seconds as RFC 3339 UTC, "2026-12-03T08:27:05Z" (as edge-jwt prints it); "" when v
 * is not a number. */
const char *rep_utc(json_t *v, char *buf, size_t len);
/* The scenario name of a node's FQDN / EEC ID (summary "nodes"), or id itself. */
const char *rep_node_name(json_t *summary, const char *id);
/* The width of s in the diagram's monospace font of size px. */
double rep_text_w(const char *s, double px);
/* s cut to fit width w at size px (with "..." when cut), into buf. */
const char *rep_fit(const char *s, double w, double px, char *buf, size_t len);
/* A label of the diagram that must stay between x1 and x2: anchored "start" (at x1), "middle"
 * or "end" (at x2), fitted (the whole text then in its title), marked data-fit="x1 x2" for the
 * browser test. attrs: more attributes, or NULL. */
struct rep_text {
    double x1, x2, y, px;
    const char *anchor, *attrs;
};
void rep_svg_text(FILE *f, const struct rep_text *t, const char *s);

/* ---- report_lifelines.c ---- */
struct rep_line {
    const char *name, *id, *kind, *link;
    const char *host; /* the name it is reached by: an EEC's notification endpoint, else id */
    double x;         /* its lifeline */
    /* A lifeline for many nodes of one kind on one site (more than REP_FOLD_AT): their names, IDs
     * and hosts as keys, name "first … last" and id "N × kind" in the labels below. */
    json_t *members;
    size_t count;
    char fname[64], fid[32];
};
struct rep_site {
    const char *link;
    size_t first, n; /* its lifelines */
    char params[96]; /* rate, delay, loss -- or why the links were not simulated */
};
struct rep_layout {
    struct rep_line *lines; /* one per node of the run */
    size_t nl;
    struct rep_site *sites; /* at most one per node */
    size_t ns;
    json_t *between; /* links that join sites: [{"link", "params", "after" (site index)}] */
    double width, col;
};
/* Lifelines grouped by the link (site) their node sits on, in the topology's order: every node
 * its own, however many (the drawing widens). 0 when the summary names no node or memory is out.
 * Free with rep_layout_free. */
int rep_layout(json_t *summary, struct rep_layout *L);
void rep_layout_free(struct rep_layout *L);
int rep_line_of(const struct rep_layout *L, const char *id);
/* The sticky header: sites with their links' parameters, the links between them, node boxes. */
void rep_header(FILE *f, const struct rep_layout *L);

/* ---- report_rows.c ---- */
enum rep_row_type { REP_BAND, REP_MSG, REP_TLS, REP_BOX };
/* REP_NOTIFY: a notification, from the server of a subscription to the subscriber's endpoint. */
enum rep_style { REP_PLAIN, REP_FORWARD, REP_EDGE9, REP_NOTIFY };
struct rep_row {
    enum rep_row_type type;
    double t;
    int from, to;   /* lifelines; a box is on from */
    int step;       /* the step it happened in, -1 during start-up */
    struct evmsg m; /* REP_MSG */
    json_t *ev;     /* the event (borrowed) */
    enum rep_style style;
    int token;         /* the message carries a token */
    int bad;           /* a refusal or a failure */
    int expected;      /* ... that its (passing) step expects */
    int folded;        /* how many identical exchanges it stands for (0: itself only) */
    int hidden;        /* folded into an earlier row */
    char label[192];   /* on the arrow / in the box */
    char note[400];    /* written under it: a refusal's reason, a handshake's identities */
    const char *kind;  /* a box's event family (keys, registry, token, ...) */
    const char *event; /* a notification's event, as its server logged it (ACR_COMPLETE, ...) */
};
struct rep_rows {
    struct rep_row *rows;
    size_t n;
    double t0;
    int pop; /* the event being added is of a UE population's step */
};
/* The rows of the diagram: a band per step, messages, handshakes, decisions; repeated
 * exchanges folded, and in a UE population's step all rows alike but for their UE. 0 when no
 * event makes a row. */
int rep_rows(json_t *summary, json_t *events, const struct rep_layout *L, struct rep_rows *R);
void rep_rows_free(struct rep_rows *R);
/* What a box kind means, for the legend (NULL for an unknown kind). */
const char *rep_kind_meaning(const char *kind);

/* ---- report_diagram.c, report_steps.c, report_tokens.c ---- */
void rep_diagram(FILE *f, json_t *summary, json_t *events);
void rep_steps(FILE *f, json_t *summary);
void rep_tokens(FILE *f, json_t *summary);

/* ---- report_load.c, report_procs.c (issue 11) ---- */
/* A UE population's step (provision_all, register_all, relocate_all): a row of the step table
 * under step no's, with its latency-vs-load plot; nothing for another step. */
void rep_load(FILE *f, json_t *step, size_t no);
/* Is step one of a UE population (its action provision_all, register_all or relocate_all)? */
int rep_is_population(json_t *step);
/* The table of summary.json "processes": CPU time and peak RSS of each process of the run. */
void rep_procs(FILE *f, json_t *summary);

#endif
