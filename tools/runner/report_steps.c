/* report_steps.c -- the step table of report.html: what each step did, what it expected (its
 * references resolved, as the runner judged it) and what it got, in words a reader follows. */
#include "report_int.h"

#include <string.h>

/* The index (1-based) of the token record holding jwt, or 0. */
static size_t
rep_token_no(json_t *summary, const char *jwt)
{
    json_t *t;
    size_t i;

    json_array_foreach(json_object_get(summary, "tokens"), i, t)
    {
        const char *j = json_string_value(json_object_get(t, "jwt"));
        if (jwt != NULL && j != NULL && strcmp(j, jwt) == 0)
            return i + 1;
    }
    return 0;
}

static void
rep_got_token(FILE *f, json_t *summary, const char *jwt, const char *what)
{
    size_t no = rep_token_no(summary, jwt);
    json_t *t = json_array_get(json_object_get(summary, "tokens"), no - 1);
    json_t *c = json_object_get(t, "claims");

    fprintf(f, "<br>%s%s", what, what[0] ? " " : "");
    if (no == 0)
        return;
    fprintf(f, "<a href=\"#token-%zu\">token %zu</a>: iss ", no, no);
    rep_esc(f, json_string_value(json_object_get(c, "iss")));
    fputs(", aud ", f);
    rep_plain(f, json_object_get(c, "aud"));
}

/* What the step got: the answer's status and cause, a refusal's detail, the tokens it carried,
 * the EESes, the path a forwarded answer took. */
static void
rep_got(FILE *f, json_t *summary, json_t *s)
{
    json_t *res = json_object_get(s, "result"), *v;
    size_t i;
    const char *k,
        *detail = json_string_value(json_object_get(json_object_get(res, "problem"), "detail"));

    rep_esc(f, json_string_value(json_object_get(s, "got")));
    if (detail == NULL)
        detail =
            json_string_value(json_object_get(json_object_get(res, "body"), "error_description"));
    if (detail != NULL) {
        fputs("<br><span class=\"small\">", f);
        rep_esc(f, detail);
        fputs("</span>", f);
    }
    if (json_is_string(json_object_get(res, "token")))
        rep_got_token(f, summary, json_string_value(json_object_get(res, "token")), "");
    json_object_foreach(json_object_get(res, "tokens"), k, v)
    {
        char what[300];
        snprintf(what, sizeof(what), "for %s", rep_node_name(summary, k));
        if (json_is_string(v))
            rep_got_token(f, summary, json_string_value(v), what);
    }
    json_array_foreach(json_object_get(res, "via"), i, v)
    {
        fputs(i == 0 ? "<br>answer via " : ", ", f);
        rep_plain(f, v);
    }
    if (json_object_get(res, "implReg") != NULL && !json_is_null(json_object_get(res, "implReg")))
        fputs("<br>implicit registration at the target EES", f);
    if (json_string_value(json_object_get(res, "skipped")) != NULL) {
        fputs("<br>skipped: ", f);
        rep_esc(f, json_string_value(json_object_get(res, "skipped")));
    }
}

/* The expectation, one key a line, its references resolved when the run recorded them so. */
static void
rep_expected(FILE *f, json_t *s)
{
    json_t *ex = json_object_get(s, "expect_resolved"), *v;
    const char *k;

    if (ex == NULL)
        ex = json_object_get(s, "expect");
    if (!json_is_object(ex)) {
        fputs("done", f);
        return;
    }
    fputs("<pre>", f);
    json_object_foreach(ex, k, v)
    {
        rep_esc(f, k);
        fputs(": ", f);
        rep_esc_json(f, v, 0);
        fputc('\n', f);
    }
    fputs("</pre>", f);
}

void
rep_steps(FILE *f, json_t *summary)
{
    json_t *s, *fl;
    size_t i, j;

    fputs("<table class=\"steps\"><tr><th>#</th><th>step</th><th>node: action</th>"
          "<th>verdict</th><th>expected</th><th>got</th><th>ms</th></tr>\n",
          f);
    json_array_foreach(json_object_get(summary, "steps"), i, s)
    {
        const char *v = json_string_value(json_object_get(s, "verdict"));
        fprintf(f, "<tr><td><a href=\"#step-%zu\">%zu</a></td><td><b>", i + 1, i + 1);
        rep_esc(f, json_string_value(json_object_get(s, "name")));
        fputs("</b><br><span class=\"small\">", f);
        rep_esc(f, json_string_value(json_object_get(s, "about")));
        fputs("</span></td><td>", f);
        rep_esc(f, json_string_value(json_object_get(s, "node")));
        fputs(": ", f);
        rep_esc(f, json_string_value(json_object_get(s, "action")));
        fprintf(f, "</td><td class=\"%s\">%s</td><td>", v ? v : "", v ? v : "");
        rep_expected(f, s);
        fputs("</td><td>", f);
        rep_got(f, summary, s);
        json_array_foreach(json_object_get(s, "failures"), j, fl)
        {
            fputs("<br><span class=\"fail\">", f);
            rep_esc(f, json_string_value(fl));
            fputs("</span>", f);
        }
        fprintf(f, "</td><td>%.*f</td></tr>\n",
                json_number_value(json_object_get(s, "elapsed_ms")) < 1000 ? 1 : 0,
                json_number_value(json_object_get(s, "elapsed_ms")));
        rep_load(f, s, i + 1);
    }
    fputs("</table>\n", f);
}
