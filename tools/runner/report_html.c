/* report_html.c -- the report's text helpers: HTML escaping, the page's style, UTC times, node
 * names, and the width of a label in the diagram's monospace font (so labels are fitted to their
 * arrows and boxes here, not clipped by the browser). */
#include "report_int.h"

#include "base/json_strict.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

const char rep_css[] =
    "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;"
    "margin:1.5em auto;max-width:1240px;color:#1f2937;padding:0 1em;line-height:1.4}"
    "h1{margin:0 0 .2em;font-size:1.7em}h2{margin:1.4em 0 .5em}.ref{color:#4b5563;font-size:1.05em}"
    ".desc{background:#f6f8fa;border-left:4px solid #3b82f6;padding:.7em 1em;line-height:1.5}"
    ".verdict{display:inline-block;padding:.15em .7em;border-radius:4px;color:#fff;"
    "font-weight:bold}.PASS{background:#15803d}.FAIL{background:#b91c1c}.SKIP{background:#a16207}"
    ".partial{display:block;margin:.5em 0;padding:.5em .8em;background:#fef3c7;"
    "border-left:4px solid #d97706}"
    "table{border-collapse:collapse;width:100%;font-size:.92em}"
    "th,td{border:1px solid #d1d5db;padding:.35em .5em;vertical-align:top;text-align:left}"
    "th{background:#f3f4f6}td.PASS{color:#15803d;font-weight:bold;background:none}"
    "td.FAIL{color:#b91c1c;font-weight:bold;background:none}"
    "td.SKIP{color:#a16207;font-weight:bold;background:none}"
    ".steps{table-layout:fixed}.steps td{overflow-wrap:anywhere}.steps "
    "th:nth-child(1){width:2em}.steps th:nth-child(2){width:17%}"
    ".steps th:nth-child(3){width:12%}.steps th:nth-child(4){width:4.5em}"
    ".steps th:nth-child(7){width:4.5em}"
    "pre,code{font-family:'DejaVu Sans Mono',ui-monospace,Menlo,Consolas,monospace;"
    "font-size:.85rem}"
    "pre{background:#f6f8fa;padding:.4em .5em;margin:.2em 0;white-space:pre-wrap;"
    "overflow-wrap:anywhere}"
    ".meta{width:auto}.meta td{border:none;padding:.1em 1.2em .1em 0}.small{color:#4b5563;"
    "font-size:.88em}.fail{color:#b91c1c}"
    ".diagram{border:1px solid #d1d5db;background:#fff}"
    ".dhead{position:sticky;top:0;z-index:1;background:#fff;border-bottom:1px solid #d1d5db}"
    ".diagram svg{display:block;width:100%;height:auto}"
    "g[id^=step-]{scroll-margin-top:7.5em}"
    ".legend{display:flex;flex-wrap:wrap;gap:.25em 1.4em;font-size:.88em;margin:.4em 0 .6em}"
    ".legend span{white-space:nowrap}.legend svg{vertical-align:middle;margin-right:.3em}"
    ".jwt{overflow-wrap:anywhere;word-break:break-all}.jh{color:#b91c1c}.jp{color:#7c3aed}"
    ".js{color:#0369a1}details{margin:.5em 0;border:1px solid #e5e7eb;padding:.3em .6em}"
    "summary{cursor:pointer}.tok td:first-child{white-space:nowrap;width:9em}"
    ".loadplot svg{display:block;width:100%;height:auto;margin:.3em 0}"
    ".loadplot .lp-title{font-weight:bold}.steps tr.load>td{background:#fcfcfd}"
    ".procs{width:auto}.procs td.num{text-align:right;white-space:nowrap}"
    ".procs .bar{display:inline-block;height:.7em;margin-right:.4em;background:#93c5fd}"
    ".procs tr.total td{font-weight:bold;border-top:2px solid #9ca3af}";

void
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

void
rep_esc_json(FILE *f, json_t *v, int indented)
{
    size_t flags = JSON_PRESERVE_ORDER | JSON_ENCODE_ANY;
    char *t = json_dumps(v, flags | (indented ? JSON_INDENT(2) : JSON_COMPACT));

    rep_esc(f, t);
    free(t);
}

void
rep_plain(FILE *f, json_t *v)
{
    if (json_is_string(v))
        rep_esc(f, json_string_value(v));
    else
        rep_esc_json(f, v, 0);
}

const char *
rep_utc(json_t *v, char *buf, size_t len)
{
    buf[0] = '\0';
    if (json_is_number(v) && js_time_format((time_t)json_number_value(v), buf, len) == -1)
        buf[0] = '\0';
    return buf;
}

const char *
rep_node_name(json_t *summary, const char *id)
{
    const char *k;
    json_t *n;

    json_object_foreach(json_object_get(summary, "nodes"), k, n)
    {
        const char *nid = json_string_value(json_object_get(n, "id"));
        if (id != NULL && nid != NULL && strcmp(nid, id) == 0)
            return k;
    }
    return id;
}

/* Code points of s: a glyph each in a monospace font. */
static size_t
rep_glyphs(const char *s)
{
    size_t n = 0;

    for (; *s; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

double
rep_text_w(const char *s, double px)
{
    return (double)rep_glyphs(s) * REP_CHAR_W * px;
}

const char *
rep_fit(const char *s, double w, double px, char *buf, size_t len)
{
    size_t fits = w > 0 ? (size_t)(w / (REP_CHAR_W * px)) : 0, n = 0, i = 0;

    if (rep_glyphs(s) <= fits) {
        snprintf(buf, len, "%s", s);
        return buf;
    }
    /* Keep fits - 1 glyphs (whole UTF-8 sequences) and an ellipsis. */
    for (; s[i] != '\0'; i++) {
        if (((unsigned char)s[i] & 0xc0) != 0x80 && n++ == (fits > 0 ? fits - 1 : 0))
            break;
    }
    snprintf(buf, len, "%.*s%s", (int)i, s, fits > 0 ? "\u2026" : "");
    return buf;
}

void
rep_svg_text(FILE *f, const struct rep_text *t, const char *s)
{
    char fitted[512];
    double w = t->x2 - t->x1, px = t->px > 0 ? t->px : REP_FONT;
    double x = strcmp(t->anchor, "start") == 0 ? t->x1
               : strcmp(t->anchor, "end") == 0 ? t->x2
                                               : (t->x1 + t->x2) / 2;

    rep_fit(s != NULL ? s : "", w, px, fitted, sizeof(fitted));
    fprintf(f,
            "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%g\" "
            "data-fit=\"%.1f %.1f\"%s%s>",
            x, t->y, t->anchor, px, t->x1, t->x2, t->attrs != NULL ? " " : "",
            t->attrs != NULL ? t->attrs : "");
    if (strcmp(fitted, s != NULL ? s : "") != 0) {
        fputs("<title>", f);
        rep_esc(f, s);
        fputs("</title>", f);
    }
    rep_esc(f, fitted);
    fputs("</text>", f);
}
