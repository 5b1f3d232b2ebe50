/* report.c -- writes report.html: the run as a student reads it, with an SVG sequence diagram.
 *
 * The diagram is drawn from the merged event log alone (evlog.h): a lifeline
 * per node, one arrow per HTTP message as its sender logged it ("out":
 * request with method and path, response with status), a mark for each
 * decision a node logged ("local": token issued or refused, registration
 * expired), failures in red, tokens marked, times relative to the first
 * event, and a band where each step begins. Everything is inline, so the file
 * opens anywhere with no network. */
#include "report.h"

#include "base/err.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REP_COL_MAX 190 /* px between lifelines ... */
#define REP_COL_MIN 130 /* ... narrower when there are many */
#define REP_WIDTH 1300  /* what a page shows without scrolling */
#define REP_LEFT 90     /* px for the time column */
#define REP_ROW 30      /* px per message */
#define REP_HEAD 60     /* px for the node boxes */
#define REP_MAX_ROWS 4000

static void
rep_esc(FILE *f, const char *s)
{
    if (s == NULL)
        return;
    for (; *s; s++) {
        switch (*s) {
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '&':
            fputs("&amp;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        default:
            fputc(*s, f);
        }
    }
}

static void
rep_esc_json(FILE *f, json_t *v)
{
    char *t = json_dumps(v, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
    rep_esc(f, t);
    free(t);
}

static const char rep_css[] =
    "body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2em auto;"
    "max-width:1340px;color:#222;padding:0 1em}"
    "h1{margin-bottom:.2em}.ref{color:#555;font-size:1.1em}"
    ".desc{background:#f6f8fa;border-left:4px solid #3b82f6;padding:.8em 1em;line-height:1.5}"
    ".verdict{display:inline-block;padding:.2em .8em;border-radius:4px;color:#fff;font-weight:bold}"
    ".PASS{background:#15803d}.FAIL{background:#b91c1c}.SKIP{background:#a16207}"
    "table{border-collapse:collapse;width:100%;font-size:.9em}"
    "th,td{border:1px solid #ddd;padding:.35em .5em;vertical-align:top;text-align:left}"
    "th{background:#f0f0f0}td.PASS{color:#15803d;background:none;font-weight:bold}"
    "td.FAIL{color:#b91c1c;background:none;font-weight:bold}"
    "td.SKIP{color:#a16207;background:none;font-weight:bold}"
    "pre{background:#f6f8fa;padding:.6em;overflow:auto;font-size:.85em;margin:.3em 0}"
    ".meta td{border:none;padding:.1em .8em .1em 0}.small{color:#666;font-size:.85em}"
    ".diagram{overflow-x:auto;border:1px solid #ddd;padding:.5em;background:#fff}"
    "details{margin:.4em 0}summary{cursor:pointer}";

/* Lifelines: the nodes of summary.json in a reading order (EECs, EESes, ECSes). */
struct rep_line {
    const char *name; /* scenario name */
    const char *id;   /* FQDN / EEC ID, as events name it */
    const char *kind;
};

static size_t
rep_lines(json_t *summary, struct rep_line *out, size_t max)
{
    static const char *order[] = {"eec", "eas", "ees", "ecs"};
    json_t *nodes = json_object_get(summary, "nodes"), *n;
    const char *k;
    size_t c = 0;

    for (int o = 0; o < 4; o++)
        json_object_foreach(nodes, k, n)
        {
            const char *kind = json_string_value(json_object_get(n, "kind"));
            if (kind == NULL || strcmp(kind, order[o]) != 0 || c >= max)
                continue;
            out[c].name = k;
            out[c].id = json_string_value(json_object_get(n, "id"));
            out[c].kind = kind;
            c++;
        }
    return c;
}

static int
rep_line_of(struct rep_line *l, size_t n, const char *id)
{
    if (id == NULL)
        return -1;
    for (size_t i = 0; i < n; i++)
        if ((l[i].id && strcmp(l[i].id, id) == 0) || strcmp(l[i].name, id) == 0)
            return (int)i;
    return -1;
}

static int
rep_is(json_t *ev, const char *key, const char *val)
{
    const char *v = json_string_value(json_object_get(ev, key));
    return v != NULL && val != NULL && strcmp(v, val) == 0;
}

/* Does message i carry a token? HTTP lines do not log headers, so this is
 * read from the nodes' token decisions around it: the sender issued a token
 * for the receiver since their last message (a response that hands one out),
 * or the receiver judged a token from the sender before it answered (a
 * request that presented one). Token requests answered 200 carry one too. */
static int
rep_has_token(json_t *events, size_t i, const char *from_kind, const char *to_kind)
{
    json_t *ev = json_array_get(events, i), *e;
    const char *from = json_string_value(json_object_get(ev, "node"));
    const char *to = json_string_value(json_object_get(ev, "peer"));
    const char *path = json_string_value(json_object_get(ev, "path"));
    json_t *d = json_object_get(ev, "data");

    if (json_object_get(d, "jti") != NULL || json_object_get(d, "token") != NULL)
        return 1;
    if (path != NULL && strcmp(path, "/oauth2/token") == 0 &&
        json_integer_value(json_object_get(ev, "status")) == 200)
        return 1;
    /* Issued by the ECS that answers ... */
    for (size_t j = i; from_kind != NULL && strcmp(from_kind, "ecs") == 0 && j-- > 0;) {
        e = json_array_get(events, j);
        if (rep_is(e, "kind", "http") && rep_is(e, "node", from) && rep_is(e, "peer", to) &&
            rep_is(e, "dir", "in"))
            break;
        if (rep_is(e, "kind", "token") && rep_is(e, "node", from) && rep_is(e, "peer", to))
            return 1;
    }
    /* ... or judged by the EES that receives it. */
    for (size_t j = i + 1;
         to_kind != NULL && strcmp(to_kind, "ees") == 0 && j < json_array_size(events); j++) {
        e = json_array_get(events, j);
        if (rep_is(e, "kind", "http") && rep_is(e, "node", to) && rep_is(e, "peer", from) &&
            rep_is(e, "dir", "out"))
            break;
        if (rep_is(e, "kind", "token") && rep_is(e, "node", to) && rep_is(e, "peer", from))
            return 1;
    }
    return 0;
}

/* Which events become rows: messages as their sender logged them, and local decisions. */
static int
rep_row_kind(json_t *ev)
{
    const char *dir = json_string_value(json_object_get(ev, "dir"));
    const char *kind = json_string_value(json_object_get(ev, "kind"));

    if (dir == NULL || kind == NULL)
        return 0;
    if (strcmp(kind, "http") == 0 && strcmp(dir, "out") == 0)
        return 1;
    if (strcmp(dir, "local") == 0 && strcmp(kind, "node") != 0 && strcmp(kind, "ctl") != 0)
        return 2;
    if (strcmp(kind, "tls") == 0 && json_object_get(ev, "cause") != NULL &&
        !json_is_null(json_object_get(ev, "cause")))
        return 2; /* a failed handshake: no HTTP message to draw */
    return 0;
}

static void
rep_diagram(FILE *f, json_t *summary, json_t *events)
{
    struct rep_line lines[64];
    size_t nl = rep_lines(summary, lines, 64), i, si = 0, rows = 0;
    json_t *ev, *steps = json_object_get(summary, "steps");
    double t0 = -1;
    int width, height, y;

    json_array_foreach(events, i, ev)
    {
        if (rep_row_kind(ev) != 0) {
            rows++;
            if (t0 < 0)
                t0 = json_number_value(json_object_get(ev, "t_mono"));
        }
    }
    if (nl == 0 || rows == 0) {
        fputs("<p>No messages were logged.</p>\n", f);
        return;
    }
    if (rows > REP_MAX_ROWS)
        rows = REP_MAX_ROWS;
    int col = (REP_WIDTH - REP_LEFT - 40) / (int)nl;
    if (col > REP_COL_MAX)
        col = REP_COL_MAX;
    if (col < REP_COL_MIN)
        col = REP_COL_MIN;
    width = REP_LEFT + (int)nl * col + 40;
    height = REP_HEAD + (int)(rows + json_array_size(steps) + 1) * REP_ROW + 40;
    fprintf(f,
            "<div class=\"diagram\"><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
            "height=\"%d\" font-family=\"monospace\" font-size=\"11\">\n"
            "<defs><marker id=\"ah\" markerUnits=\"userSpaceOnUse\" markerWidth=\"8\" "
            "markerHeight=\"8\" refX=\"7\" refY=\"4\" "
            "orient=\"auto\"><path d=\"M0,0 L8,4 L0,8 z\" fill=\"#333\"/></marker>"
            "<marker id=\"ahr\" markerUnits=\"userSpaceOnUse\" markerWidth=\"8\" "
            "markerHeight=\"8\" refX=\"7\" refY=\"4\" "
            "orient=\"auto\"><path d=\"M0,0 L8,4 L0,8 z\" fill=\"#b91c1c\"/></marker></defs>\n",
            width, height);
    for (size_t l = 0; l < nl; l++) {
        int x = REP_LEFT + (int)l * col + col / 2;
        const char *fill = strcmp(lines[l].kind, "ecs") == 0   ? "#dbeafe"
                           : strcmp(lines[l].kind, "ees") == 0 ? "#dcfce7"
                                                               : "#fef9c3";
        fprintf(f,
                "<rect x=\"%d\" y=\"8\" width=\"%d\" height=\"36\" rx=\"5\" fill=\"%s\" "
                "stroke=\"#555\"/><text x=\"%d\" y=\"23\" text-anchor=\"middle\" "
                "font-weight=\"bold\">",
                x - col / 2 + 8, col - 16, fill, x);
        rep_esc(f, lines[l].name);
        fprintf(f, "</text><text x=\"%d\" y=\"37\" text-anchor=\"middle\" fill=\"#555\">", x);
        rep_esc(f, lines[l].id);
        fprintf(f,
                "</text><line x1=\"%d\" y1=\"44\" x2=\"%d\" y2=\"%d\" stroke=\"#999\" "
                "stroke-dasharray=\"4,3\"/>\n",
                x, x, height - 10);
    }
    y = REP_HEAD;
    rows = 0;
    if (json_array_size(steps) > 0 &&
        t0 < json_number_value(json_object_get(json_array_get(steps, 0), "t_start"))) {
        fprintf(f,
                "<rect x=\"0\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#f3f4f6\"/>"
                "<text x=\"6\" y=\"%d\" font-weight=\"bold\" fill=\"#374151\">start-up: each "
                "node starts, loads keys, EESes register at their ECS; then the steps</text>\n",
                y, width, REP_ROW - 6, y + 16);
        y += REP_ROW;
    }
    json_array_foreach(events, i, ev)
    {
        int rk = rep_row_kind(ev), from, to, st, bad, tok;
        double t = json_number_value(json_object_get(ev, "t_mono"));
        const char *method, *path, *cause, *summ;
        char label[512];

        if (rk == 0)
            continue;
        /* A band where each step begins. */
        while (si < json_array_size(steps)) {
            json_t *s = json_array_get(steps, si);
            double ts = json_number_value(json_object_get(s, "t_start"));
            if (ts > t)
                break;
            fprintf(f,
                    "<rect x=\"0\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#eef2ff\"/>"
                    "<text x=\"6\" y=\"%d\" font-weight=\"bold\" fill=\"#3730a3\">step %zu: ",
                    y, width, REP_ROW - 6, y + 16, si + 1);
            rep_esc(f, json_string_value(json_object_get(s, "name")));
            fputs(" — ", f);
            rep_esc(f, json_string_value(json_object_get(s, "node")));
            fputc(' ', f);
            rep_esc(f, json_string_value(json_object_get(s, "action")));
            fprintf(f, " (%s)</text>\n", json_string_value(json_object_get(s, "verdict")));
            y += REP_ROW;
            si++;
        }
        if (++rows > REP_MAX_ROWS)
            break;
        from = rep_line_of(lines, nl, json_string_value(json_object_get(ev, "node")));
        to = rep_line_of(lines, nl, json_string_value(json_object_get(ev, "peer")));
        st = (int)json_integer_value(json_object_get(ev, "status"));
        cause = json_string_value(json_object_get(ev, "cause"));
        method = json_string_value(json_object_get(ev, "method"));
        path = json_string_value(json_object_get(ev, "path"));
        summ = json_string_value(json_object_get(ev, "summary"));
        bad = st >= 400 || cause != NULL;
        tok = rep_has_token(events, i, from >= 0 ? lines[from].kind : NULL,
                            to >= 0 ? lines[to].kind : NULL);
        fprintf(f, "<text x=\"4\" y=\"%d\" fill=\"#666\">+%.1f ms</text>", y + 14,
                (t - t0) * 1000.0);
        if (rk == 1 && from >= 0 && to >= 0 && from != to) {
            int x1 = REP_LEFT + from * col + col / 2;
            int x2 = REP_LEFT + to * col + col / 2;
            int resp = st > 0;
            if (resp)
                snprintf(label, sizeof(label), "%d %s%s%s", st, cause ? cause : "",
                         path && !cause ? path : "", tok ? " [token]" : "");
            else
                snprintf(label, sizeof(label), "%s %s%s", method ? method : "?", path ? path : "",
                         tok ? " [token]" : "");
            fprintf(f,
                    "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" "
                    "stroke-width=\"%s\"%s marker-end=\"url(#%s)\"><title>",
                    x1, y + 18, x2, y + 18, bad ? "#b91c1c" : "#333", tok ? "2.2" : "1.2",
                    resp ? " stroke-dasharray=\"6,3\"" : "", bad ? "ahr" : "ah");
            rep_esc(f, summ);
            fprintf(f,
                    "</title></line><text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"%s\"%s>",
                    (x1 + x2) / 2, y + 13, bad ? "#b91c1c" : "#111",
                    tok ? " font-weight=\"bold\"" : "");
            rep_esc(f, label);
            fputs("</text>\n", f);
        } else if (from >= 0) {
            int x = REP_LEFT + from * col + col / 2;
            /* A refusal names its rule ("token.expired"); the family is then plain. */
            snprintf(label, sizeof(label), "%s",
                     cause ? cause : json_string_value(json_object_get(ev, "kind")));
            fprintf(f,
                    "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"20\" rx=\"3\" fill=\"%s\" "
                    "stroke=\"%s\"><title>",
                    x - col / 2 + 14, y + 4, col - 28, bad ? "#fee2e2" : "#f5f5f5",
                    bad ? "#b91c1c" : "#aaa");
            rep_esc(f, summ);
            fprintf(f, "</title></rect><text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"%s\">",
                    x, y + 18, bad ? "#b91c1c" : "#333");
            rep_esc(f, label);
            fputs("</text>\n", f);
        }
        y += REP_ROW;
    }
    fputs("</svg></div>\n<p class=\"small\">Solid arrow: request (method, path); dashed: "
          "response (status, cause). Thick arrows and [token] carry an access token; red: "
          "refused or failed. Boxes on a lifeline are decisions the node logged (token issued "
          "or refused, registration expired). Hover for the node's own summary line.</p>\n",
          f);
}

static void
rep_steps(FILE *f, json_t *summary)
{
    json_t *s, *fl;
    size_t i, j;

    fputs("<table><tr><th>#</th><th>step</th><th>node</th><th>action</th><th>verdict</th>"
          "<th>expected</th><th>got</th><th>ms</th></tr>\n",
          f);
    json_array_foreach(json_object_get(summary, "steps"), i, s)
    {
        const char *v = json_string_value(json_object_get(s, "verdict"));
        fprintf(f, "<tr><td>%zu</td><td><b>", i + 1);
        rep_esc(f, json_string_value(json_object_get(s, "name")));
        fputs("</b><br><span class=\"small\">", f);
        rep_esc(f, json_string_value(json_object_get(s, "about")));
        fputs("</span></td><td>", f);
        rep_esc(f, json_string_value(json_object_get(s, "node")));
        fputs("</td><td>", f);
        rep_esc(f, json_string_value(json_object_get(s, "action")));
        fprintf(f, "</td><td class=\"%s\">%s</td><td><pre>", v ? v : "", v ? v : "");
        if (json_object_get(s, "expect") != NULL)
            rep_esc_json(f, json_object_get(s, "expect"));
        fputs("</pre></td><td>", f);
        rep_esc(f, json_string_value(json_object_get(s, "got")));
        json_array_foreach(json_object_get(s, "failures"), j, fl)
        {
            fputs("<br><span style=\"color:#b91c1c\">", f);
            rep_esc(f, json_string_value(fl));
            fputs("</span>", f);
        }
        fprintf(f, "</td><td>%.1f</td></tr>\n",
                json_number_value(json_object_get(s, "elapsed_ms")));
    }
    fputs("</table>\n", f);
}

static void
rep_tokens(FILE *f, json_t *summary)
{
    json_t *t, *v;
    size_t i, j;

    if (json_array_size(json_object_get(summary, "tokens")) == 0) {
        fputs("<p>No token was issued or sent.</p>\n", f);
        return;
    }
    json_array_foreach(json_object_get(summary, "tokens"), i, t)
    {
        json_t *c = json_object_get(t, "claims");
        fprintf(f, "<details%s><summary><b>token %zu</b> ", i < 3 ? " open" : "", i + 1);
        rep_esc(f, json_string_value(json_object_get(t, "how")));
        fputs(" — iss ", f);
        rep_esc(f, json_string_value(json_object_get(c, "iss")));
        fputs(", aud ", f);
        char *aud = json_dumps(json_object_get(c, "aud"), JSON_ENCODE_ANY | JSON_COMPACT);
        rep_esc(f, aud);
        free(aud);
        fputs(", signed by ", f);
        rep_esc(f, json_string_value(json_object_get(t, "signedBy"))
                       ? json_string_value(json_object_get(t, "signedBy"))
                       : "no ECS of the scenario");
        fputs(", steps ", f);
        char *st = json_dumps(json_object_get(t, "steps"), JSON_COMPACT);
        rep_esc(f, st);
        free(st);
        fputs("</summary><pre>", f);
        rep_esc_json(f, json_object_get(t, "header"));
        fputs("</pre><pre>", f);
        rep_esc_json(f, c);
        fputs("</pre>", f);
        json_array_foreach(json_object_get(t, "verdicts"), j, v)
        {
            fputs("<div class=\"small\">", f);
            rep_esc(f, json_string_value(json_object_get(v, "node")));
            fputs(": ", f);
            char *vt = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER);
            rep_esc(f, vt);
            free(vt);
            fputs("</div>", f);
        }
        fputs("</details>\n", f);
    }
}

int
rep_write(json_t *summary, json_t *events, const char *path, char *err)
{
    json_t *sc = json_object_get(summary, "scenario");
    const char *verdict = json_string_value(json_object_get(summary, "verdict"));
    FILE *f = fopen(path, "w");

    if (f == NULL)
        return edge_err(err, "cannot write %s: %s", path, strerror(errno));
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
          "<meta name=\"viewport\" content=\"width=device-width\"><title>",
          f);
    rep_esc(f, json_string_value(json_object_get(sc, "title")));
    fprintf(f, " — edgesim</title><style>%s</style></head><body>\n<h1>", rep_css);
    rep_esc(f, json_string_value(json_object_get(sc, "title")));
    fputs("</h1><div class=\"ref\">", f);
    rep_esc(f, json_string_value(json_object_get(sc, "reference")));
    fprintf(f, " &nbsp; <span class=\"verdict %s\">%s</span></div>\n<p class=\"desc\">",
            verdict ? verdict : "FAIL", verdict ? verdict : "?");
    rep_esc(f, json_string_value(json_object_get(sc, "description")));
    fputs("</p>\n<table class=\"meta\">", f);
    static const char *meta[] = {"run_id",  "net",        "net_why", "seed",
                                 "started", "elapsed_ms", "edgesim", NULL};
    for (int i = 0; meta[i] != NULL; i++) {
        json_t *v = json_object_get(summary, meta[i]);
        if (v == NULL)
            continue;
        fprintf(f, "<tr><td class=\"small\">%s</td><td>", meta[i]);
        if (json_is_string(v))
            rep_esc(f, json_string_value(v));
        else if (json_is_real(v))
            fprintf(f, "%.0f", json_real_value(v));
        else {
            char *t = json_dumps(v, JSON_ENCODE_ANY);
            rep_esc(f, t);
            free(t);
        }
        fputs("</td></tr>", f);
    }
    fputs("<tr><td class=\"small\">scenario</td><td>", f);
    rep_esc(f, json_string_value(json_object_get(sc, "name")));
    fputs("</td></tr></table>\n", f);
    if (json_string_value(json_object_get(summary, "error")) != NULL) {
        fputs("<p style=\"color:#b91c1c\"><b>Run error:</b> ", f);
        rep_esc(f, json_string_value(json_object_get(summary, "error")));
        fputs("</p>\n", f);
    }
    fputs("<h2>Sequence of messages</h2>\n", f);
    rep_diagram(f, summary, events);
    fputs("<h2>Steps</h2>\n", f);
    rep_steps(f, summary);
    fputs("<h2>Tokens</h2>\n", f);
    rep_tokens(f, summary);
    fputs("<h2>Files of this run</h2><p class=\"small\">summary.json, events.jsonl (every node's "
          "event log, time ordered), logs/ (each node's output), tokens/, keylog.txt (TLS "
          "secrets, NSS format) and, in TAP mode, pcap/ (one capture per link, and a .pcapng "
          "with the secrets embedded: it opens decrypted in Wireshark).</p>\n</body></html>\n",
          f);
    if (fclose(f) != 0)
        return edge_err(err, "cannot write %s: %s", path, strerror(errno));
    return 0;
}

int
rep_from_dir(const char *dir, const char *out, char *err)
{
    char path[4096], line[65536];
    json_error_t jerr;
    json_t *summary, *events = json_array();
    FILE *f;
    int rc;

    snprintf(path, sizeof(path), "%s/summary.json", dir);
    if ((summary = json_load_file(path, 0, &jerr)) == NULL) {
        json_decref(events);
        return edge_err(err, "%s: line %d: %s", path, jerr.line, jerr.text);
    }
    snprintf(path, sizeof(path), "%s/events.jsonl", dir);
    if ((f = fopen(path, "r")) != NULL) {
        int ln = 0;
        while (fgets(line, sizeof(line), f) != NULL) {
            json_t *ev = json_loads(line, 0, &jerr);
            ln++;
            if (!json_is_object(ev)) {
                json_decref(ev);
                fclose(f);
                json_decref(summary);
                json_decref(events);
                return edge_err(err, "%s: line %d: not a JSON object", path, ln);
            }
            json_array_append_new(events, ev);
        }
        fclose(f);
    }
    if (out == NULL) {
        snprintf(path, sizeof(path), "%s/report.html", dir);
        out = path;
    }
    rc = rep_write(summary, events, out, err);
    json_decref(summary);
    json_decref(events);
    return rc;
}
