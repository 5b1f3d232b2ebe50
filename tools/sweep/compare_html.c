/* compare_html.c -- compare.html: the modes of edge-compare side by side, one column each, in
 * one self-contained page (its style inline; no script, font or image from elsewhere; links only
 * to the runs' own folders). Sections: the modes, each step's outcome, what each refuses and
 * where, the trust relations each needs, each step's latency over the seeds (against the
 * scenario's backhaul), and the messages of each step. */
#include "compare.h"

#include "base/err.h"

#include <math.h>
#include <string.h>

static const char html_style[] =
    "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1f2328;"
    "margin:1.5em auto;max-width:1500px;padding:0 1em}"
    "h1{font-size:1.5em;margin-bottom:.2em}h2{margin-top:2em;padding-bottom:.2em;"
    "border-bottom:1px solid #d0d7de}"
    "table{border-collapse:collapse;width:100%;margin:.6em 0}"
    "th,td{border:1px solid #d0d7de;padding:.3em .5em;text-align:left;vertical-align:top}"
    "th{background:#f3f4f6}td.n{text-align:right;white-space:nowrap;"
    "font-variant-numeric:tabular-nums}"
    ".ok{background:#eef8ee}.no{background:#fdecec}.fail{background:#fff3cd}"
    "tr.diff{background:#fffbeb}tr.diff td:first-child{border-left:4px solid #d97706}"
    "td.g{background:#f6f8fa;font-weight:600}"
    "ol.m{margin:0;padding-left:2.2em;font:12px/1.45 ui-monospace,Menlo,Consolas,monospace}"
    ".t{color:#6b7280}.s{font-size:12px;color:#57606a}.r{color:#b42318;font-weight:600}"
    ".bar{height:7px;background:#3b82f6;margin-top:3px;min-width:1px}"
    ".note{background:#f6f8fa;border-left:4px solid #6366f1;padding:.6em 1em;margin:.8em 0}";

static void
html_esc(FILE *f, const char *s)
{
    for (; s != NULL && *s != '\0'; s++) {
        if (*s == '<')
            fputs("&lt;", f);
        else if (*s == '>')
            fputs("&gt;", f);
        else if (*s == '&')
            fputs("&amp;", f);
        else if (*s == '"')
            fputs("&quot;", f);
        else
            fputc(*s, f);
    }
}

static const char *
html_str(json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

/* A header row: the first column's title, then one column per mode. */
static void
html_mode_heads(FILE *f, json_t *modes, const char *first)
{
    json_t *m;
    size_t k;

    fprintf(f, "<tr><th>%s</th>", first);
    json_array_foreach(modes, k, m)
    {
        fputs("<th>", f);
        html_esc(f, html_str(m, "label"));
        fputs("</th>", f);
    }
    fputs("</tr>\n", f);
}

static void
html_head(const struct cmp *c, FILE *f)
{
    json_t *modes = json_object_get(c->model, "modes"), *link = json_object_get(c->model, "link");
    const struct sweep *sw = &c->modes[0]->sw;
    json_t *m;
    size_t k;

    fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>");
    json_array_foreach(modes, k, m)
    {
        fputs(k > 0 ? " | " : "compare: ", f);
        html_esc(f, html_str(m, "label"));
    }
    fprintf(f, "</title>\n<style>%s</style></head><body>\n<h1>Side by side: ", html_style);
    json_array_foreach(modes, k, m)
    {
        fputs(k > 0 ? " &middot; " : "", f);
        html_esc(f, html_str(m, "label"));
    }
    fprintf(f,
            "</h1>\n<p class=\"s\">%zu scenario(s), each run under %zu seed(s) (%u..%u), net "
            "%s. edge-compare (tools/sweep/README.md).</p>\n",
            c->nmodes, sw->nseeds, sw->seeds[0], sw->seeds[sw->nseeds - 1],
            html_str(json_array_get(modes, 0), "net") != NULL
                ? html_str(json_array_get(modes, 0), "net")
                : "?");
    fputs("<div class=\"note\">The same topology and the same script of steps, run in each way. "
          "For every step: what each mode answered and which node decided it, the messages on "
          "the wire, the time over the seeds; and the trust each mode needs. Rows that differ "
          "between the modes are marked. Messages and outcomes are those of one run per mode "
          "(a passing one when there is one: see its seed below); times are over every run.",
          f);
    if (json_is_object(link))
        fprintf(f,
                " Latency is set against the link <b>%s</b>: %.1f ms one way, RTT %.1f ms, loss "
                "%g%%%s.",
                html_str(link, "name"), json_number_value(json_object_get(link, "delayMs")),
                json_number_value(json_object_get(link, "rttMs")),
                100 * json_number_value(json_object_get(link, "loss")),
                json_is_true(json_object_get(link, "simulated"))
                    ? ""
                    : " &mdash; <span class=\"r\">not simulated in this run (loopback mode): the "
                      "times show no link delay</span>");
    fputs("</div>\n", f);
}

static void
html_modes(const struct cmp *c, FILE *f)
{
    json_t *m;
    size_t k;

    fputs("<h2>The modes</h2>\n<table><tr><th>mode</th><th>scenario</th><th>runs passed</th>"
          "<th>run shown</th></tr>\n",
          f);
    json_array_foreach(json_object_get(c->model, "modes"), k, m)
    {
        long long runs = json_integer_value(json_object_get(m, "runs"));
        long long passed = json_integer_value(json_object_get(m, "passed"));
        fputs("<tr><td><b>", f);
        html_esc(f, html_str(m, "label"));
        fputs("</b></td><td>", f);
        html_esc(f, html_str(m, "name"));
        fputs("<br><span class=\"s\">", f);
        html_esc(f, html_str(m, "title"));
        fprintf(f, "</span></td><td class=\"n %s\">%lld / %lld</td><td><a href=\"",
                passed == runs ? "ok" : "fail", passed, runs);
        html_esc(f, html_str(m, "dir"));
        fprintf(f, "/report.html\">seed %lld</a></td></tr>\n",
                json_integer_value(json_object_get(m, "seed")));
    }
    fputs("</table>\n", f);
}

/* A cell's outcome: its class (ok: 2xx/3xx or done, no: refused, fail: the step failed). */
static void
html_outcome(FILE *f, json_t *cell, int with_about)
{
    json_int_t st = json_integer_value(json_object_get(cell, "status"));
    const char *v = html_str(cell, "verdict");
    char buf[512];

    if (json_is_null(cell)) {
        fputs("<td class=\"s\">(no such step)</td>", f);
        return;
    }
    fprintf(f, "<td class=\"%s\">",
            v != NULL && strcmp(v, "FAIL") == 0                         ? "fail"
            : st >= 400 || (st == 0 && html_str(cell, "error") != NULL) ? "no"
                                                                        : "ok");
    html_esc(f, cmp_outcome(cell, buf, sizeof(buf)));
    if (v != NULL && strcmp(v, "FAIL") == 0)
        fputs(" <span class=\"r\">(step FAILED its expect)</span>", f);
    if (!with_about) {
        fprintf(f, "<br><span class=\"s\">%zu message(s)",
                json_array_size(json_object_get(cell, "messages")));
        if (json_object_get(cell, "p50") != NULL)
            fprintf(f, ", median %.1f ms", json_number_value(json_object_get(cell, "p50")));
        fputs("</span>", f);
    }
    if (with_about && html_str(cell, "detail") != NULL) {
        fputs("<br><span class=\"s\">", f);
        html_esc(f, html_str(cell, "detail"));
        fputs("</span>", f);
    }
    if (with_about && html_str(cell, "about") != NULL) {
        fputs("<br><span class=\"s\"><i>", f);
        html_esc(f, html_str(cell, "about"));
        fputs("</i></span>", f);
    }
    fputs("</td>", f);
}

/* Does the step differ between the modes in outcome or in messages? */
static int
html_step_differs(json_t *row, int what)
{
    json_t *cells = json_object_get(row, "cells"), *first = json_array_get(cells, 0), *c;
    char a[512], b[512];
    size_t k;

    json_array_foreach(cells, k, c)
    {
        if (what == 0 && strcmp(cmp_outcome(c, a, sizeof(a)), cmp_outcome(first, b, 512)) != 0)
            return 1;
        if (what == 1 && json_array_size(json_object_get(c, "messages")) !=
                             json_array_size(json_object_get(first, "messages")))
            return 1;
    }
    return 0;
}

static int
html_refused(json_t *cell)
{
    return json_integer_value(json_object_get(cell, "status")) >= 400 ||
           (json_integer_value(json_object_get(cell, "status")) == 0 &&
            html_str(cell, "error") != NULL);
}

static void
html_trust(const struct cmp *c, FILE *f)
{
    static const char *const titles[][2] = {
        {"mode", "how each ECS gets a token for a T-EES at another ECS"},
        {"configured", "trust and policy configured at the nodes (their config files)"},
        {"calls", "who called whom and was served (an answer below 400) in the run shown: each "
                  "call a mutual-TLS connection, each end trusting the other's certificate"}};
    json_t *modes = json_object_get(c->model, "modes"), *row, *v;
    const char *group = "";
    size_t i, k;

    fputs("<h2>The trust each needs</h2>\n<p class=\"s\">Marked rows differ between the modes: "
          "the trust one mode needs and another does not.</p>\n<table>",
          f);
    html_mode_heads(f, modes, "relation");
    json_array_foreach(json_object_get(c->model, "trust"), i, row)
    {
        if (strcmp(group, html_str(row, "group")) != 0) {
            group = html_str(row, "group");
            for (size_t g = 0; g < sizeof(titles) / sizeof(titles[0]); g++)
                if (strcmp(titles[g][0], group) == 0)
                    fprintf(f, "<tr><td class=\"g\" colspan=\"%zu\">%s</td></tr>\n",
                            json_array_size(modes) + 1, titles[g][1]);
        }
        fprintf(f, "<tr%s><td>",
                json_is_true(json_object_get(row, "differs")) ? " class=\"diff\"" : "");
        html_esc(f, html_str(row, "text"));
        fputs("</td>", f);
        json_array_foreach(json_object_get(row, "cells"), k, v)
        {
            const char *s = json_string_value(v);
            fputs("<td>", f);
            if (s != NULL && strcmp(s, "yes") == 0)
                fputs("&#10003; needed", f);
            else if (s != NULL && s[0] != '\0')
                html_esc(f, s);
            else
                fputs("<span class=\"s\">&mdash;</span>", f);
            fputs("</td>", f);
        }
        fputs("</tr>\n", f);
    }
    fputs("</table>\n", f);
}

/* One mode's time of a step: median, p90, max, the seeds it passed, in RTTs of the link, and a
 * bar whose length is the median against the slowest mode's median of that step. */
static void
html_time(FILE *f, json_t *cell, json_t *link, double slowest)
{
    double p50 = json_number_value(json_object_get(cell, "p50"));
    double rtt = json_number_value(json_object_get(link, "rttMs"));

    if (json_object_get(cell, "p50") == NULL) {
        fputs("<td class=\"s\">no time</td>", f);
        return;
    }
    fprintf(f, "<td class=\"n\">%.1f ms <span class=\"s\">p90 %.1f, max %.1f; %lld/%lld passed",
            p50, json_number_value(json_object_get(cell, "p90")),
            json_number_value(json_object_get(cell, "max")),
            json_integer_value(json_object_get(cell, "passed")),
            json_integer_value(json_object_get(cell, "timed")));
    if (json_is_true(json_object_get(link, "simulated")) && rtt > 0)
        fprintf(f, "; %.2f RTT", p50 / rtt);
    fprintf(f, "</span><div class=\"bar\" style=\"width:%.1f%%\"></div></td>",
            slowest > 0 ? 100.0 * p50 / slowest : 0);
}

static void
html_msgs(FILE *f, json_t *cell)
{
    json_t *msg;
    size_t j;

    if (json_is_null(cell)) {
        fputs("<td class=\"s\">(no such step)</td>", f);
        return;
    }
    fprintf(f, "<td><span class=\"s\">%zu message(s), %lld new TLS connection(s)</span>",
            json_array_size(json_object_get(cell, "messages")),
            json_integer_value(json_object_get(cell, "tlsNew")));
    if (json_array_size(json_object_get(cell, "messages")) > 0)
        fputs("<ol class=\"m\">", f);
    json_array_foreach(json_object_get(cell, "messages"), j, msg)
    {
        json_int_t st = json_integer_value(json_object_get(msg, "status"));
        fprintf(f, "<li><span class=\"t\">+%.1f</span> ",
                json_number_value(json_object_get(msg, "t")));
        html_esc(f, html_str(msg, "from"));
        fputs(" &rarr; ", f);
        html_esc(f, html_str(msg, "to"));
        fputc(' ', f);
        if (json_is_integer(json_object_get(msg, "status")))
            fprintf(f, "%s%lld%s", st >= 400 ? "<span class=\"r\">" : "", (long long)st,
                    st >= 400 ? "</span>" : "");
        else {
            html_esc(f, html_str(msg, "method"));
            fputc(' ', f);
            html_esc(f, html_str(msg, "path"));
        }
        fputs("</li>", f);
    }
    if (json_array_size(json_object_get(cell, "messages")) > 0)
        fputs("</ol>", f);
    fputs("</td>", f);
}

/* The cells of the tables with a row per step. */
static void
cell_outcome(FILE *f, json_t *cell, json_t *row, json_t *link)
{
    (void)row, (void)link;
    html_outcome(f, cell, 0);
}

static void
cell_refusal(FILE *f, json_t *cell, json_t *row, json_t *link)
{
    (void)row, (void)link;
    html_outcome(f, cell, 1);
}

static void
cell_time(FILE *f, json_t *cell, json_t *row, json_t *link)
{
    double slowest = 0;
    json_t *c;
    size_t k;

    json_array_foreach(json_object_get(row, "cells"), k, c)
    {
        double v = json_number_value(json_object_get(c, "p50"));
        slowest = v > slowest ? v : slowest;
    }
    html_time(f, cell, link, slowest);
}

static void
cell_msgs(FILE *f, json_t *cell, json_t *row, json_t *link)
{
    (void)row, (void)link;
    html_msgs(f, cell);
}

static int
keep_refused(json_t *row)
{
    json_t *cell;
    size_t k;
    int any = 0;

    json_array_foreach(json_object_get(row, "cells"), k, cell)
    {
        any |= html_refused(cell);
    }
    return any;
}

/* A section with a row per step and a column per mode. */
struct html_steps {
    const char *intro;        /* its heading and what it shows */
    int (*keep)(json_t *row); /* which steps (NULL: all) */
    int mark;                 /* rows where html_step_differs(row, mark) are marked; -1: none */
    void (*cell)(FILE *f, json_t *cell, json_t *row, json_t *link);
};

static const struct html_steps html_outcomes = {
    "<h2>Each step's outcome</h2>\n<p class=\"s\">Status, cause and the node that decided (a "
    "refusal followed back through the nodes that passed it on); under it the number of messages "
    "and the median time over the seeds. Marked steps end differently in some mode.</p>\n",
    NULL, 0, cell_outcome};
static const struct html_steps html_refusals = {
    "<h2>What each refuses, and where</h2>\n<p class=\"s\">Every step refused in some mode, with "
    "the refusal's cause, detail and deciding node, or the answer a mode gave instead; under it, "
    "what the scenario says the step shows in that mode.</p>\n",
    keep_refused, 0, cell_refusal};
static const struct html_steps html_latency = {
    "<h2>Latency per step</h2>\n<p class=\"s\">The time the runner measured for each step (the "
    "node's command, sent to answered), over every seed: median, p90, max, and the median in RTTs "
    "of the link named above; the bar compares the modes' medians of the step.</p>\n",
    NULL, -1, cell_time};
static const struct html_steps html_messages = {
    "<h2>The messages of each step</h2>\n<p class=\"s\">Every HTTP request and answer while the "
    "step ran, as its sender logged it (ms after the step began; an answer shows its status), and "
    "the TLS connections servers accepted meanwhile. A marked step takes a different number of "
    "messages in some mode.</p>\n",
    NULL, 1, cell_msgs};

static void
html_step_table(const struct cmp *c, FILE *f, const struct html_steps *t)
{
    json_t *row, *cell;
    size_t i, k;

    fputs(t->intro, f);
    fputs("<table>", f);
    html_mode_heads(f, json_object_get(c->model, "modes"), "step");
    json_array_foreach(json_object_get(c->model, "steps"), i, row)
    {
        if (t->keep != NULL && !t->keep(row))
            continue;
        fprintf(f, "<tr%s><td><b>",
                t->mark >= 0 && html_step_differs(row, t->mark) ? " class=\"diff\"" : "");
        html_esc(f, html_str(row, "name"));
        fputs("</b></td>", f);
        json_array_foreach(json_object_get(row, "cells"), k, cell)
        {
            t->cell(f, cell, row, json_object_get(c->model, "link"));
        }
        fputs("</tr>\n", f);
    }
    fputs("</table>\n", f);
}

static void
html_descriptions(const struct cmp *c, FILE *f)
{
    json_t *m;
    size_t k;

    fputs("<h2>The scenarios</h2>\n", f);
    json_array_foreach(json_object_get(c->model, "modes"), k, m)
    {
        fputs("<details><summary><b>", f);
        html_esc(f, html_str(m, "label"));
        fputs("</b>: ", f);
        html_esc(f, html_str(m, "title"));
        fputs("</summary><p>", f);
        html_esc(f, html_str(m, "description"));
        fputs("</p><p class=\"s\">", f);
        html_esc(f, html_str(m, "reference"));
        fputs("</p></details>\n", f);
    }
    fputs("<p class=\"s\">Also written: compare.csv, messages.csv, trust.csv (beside this "
          "page).</p>\n</body></html>\n",
          f);
}

int
cmp_html(const struct cmp *c, char *err)
{
    char path[SWEEP_PATH_MAX + 32];
    FILE *f;

    snprintf(path, sizeof(path), "%s/compare.html", c->out);
    if ((f = fopen(path, "w")) == NULL)
        return edge_err(err, "%s: cannot write", path);
    html_head(c, f);
    html_modes(c, f);
    html_step_table(c, f, &html_outcomes);
    html_step_table(c, f, &html_refusals);
    html_trust(c, f);
    html_step_table(c, f, &html_latency);
    html_step_table(c, f, &html_messages);
    html_descriptions(c, f);
    if (fclose(f) != 0)
        return edge_err(err, "%s: write failed", path);
    return 0;
}
