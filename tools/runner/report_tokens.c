/* report_tokens.c -- the tokens of report.html, as a student reads a JWT (RFC 7519, TS 33.558
 * 6.2): the compact form in its three parts, the header, each claim with what it means and the
 * times in UTC with the token's lifetime, and one table of the nodes that judged it. */
#include "report_int.h"

#include <string.h>

static const struct {
    const char *claim, *meaning;
} rep_claims[] = {
    {"iss", "issuer: the ECS that signed it"},
    {"sub", "subject: the authenticated GPSI (EEC token) or the calling EES"},
    {"aud", "audience: the EES that may accept it"},
    {"client_id", "the client it was issued to: EEC ID, or the calling EES"},
    {"eec_id", "the EEC whose context an EDGE-9 call moves"},
    {"scope", "the APIs it allows"},
    {"exp", "expires"},
    {"iat", "issued at"},
    {"nbf", "not before"},
    {"jti", "its unique ID"},
};

static const char *
rep_claim_meaning(const char *claim)
{
    for (size_t i = 0; i < sizeof(rep_claims) / sizeof(rep_claims[0]); i++)
        if (strcmp(rep_claims[i].claim, claim) == 0)
            return rep_claims[i].meaning;
    return "";
}

/* header.payload.signature, each part in its colour. */
static void
rep_compact(FILE *f, const char *jwt)
{
    static const char *cls[] = {"jh", "jp", "js"};
    const char *p = jwt;

    fputs("<code class=\"jwt\">", f);
    for (int part = 0; part < 3 && p != NULL; part++) {
        const char *dot = part < 2 ? strchr(p, '.') : NULL;
        char seg[4096];
        snprintf(seg, sizeof(seg), "%.*s", dot ? (int)(dot - p) : (int)strlen(p), p);
        fprintf(f, "%s<span class=\"%s\">", part ? "." : "", cls[part]);
        rep_esc(f, seg);
        fputs("</span>", f);
        p = dot ? dot + 1 : NULL;
    }
    fputs("</code>", f);
}

static void
rep_claim_rows(FILE *f, json_t *c)
{
    const char *k;
    json_t *v;
    char utc[48];

    json_object_foreach(c, k, v)
    {
        fputs("<tr><td>", f);
        rep_esc(f, k);
        fputs("</td><td>", f);
        rep_plain(f, v);
        if ((strcmp(k, "exp") == 0 || strcmp(k, "iat") == 0 || strcmp(k, "nbf") == 0) &&
            rep_utc(v, utc, sizeof(utc))[0] != '\0')
            fprintf(f, " <span class=\"small\">(%s)</span>", utc);
        fputs("</td><td class=\"small\">", f);
        rep_esc(f, rep_claim_meaning(k));
        fputs("</td></tr>\n", f);
    }
    if (json_is_integer(json_object_get(c, "exp")) && json_is_integer(json_object_get(c, "iat")))
        fprintf(f, "<tr><td>lifetime</td><td>exp \u2212 iat = %lld s</td><td></td></tr>\n",
                (long long)(json_integer_value(json_object_get(c, "exp")) -
                            json_integer_value(json_object_get(c, "iat"))));
}

static void
rep_verdicts(FILE *f, json_t *t)
{
    json_t *v;
    size_t i;

    if (json_array_size(json_object_get(t, "verdicts")) == 0) {
        fputs("<p class=\"small\">No node logged a verdict on it.</p>", f);
        return;
    }
    fputs("<table><tr><th>node</th><th>verdict</th><th>rule</th><th>what the node logged</th>"
          "</tr>\n",
          f);
    json_array_foreach(json_object_get(t, "verdicts"), i, v)
    {
        const char *verdict = json_string_value(json_object_get(v, "verdict"));
        fputs("<tr><td>", f);
        rep_esc(f, json_string_value(json_object_get(v, "node")));
        fprintf(f, "</td><td%s>",
                verdict && strcmp(verdict, "refused") == 0 ? " class=\"fail\"" : "");
        rep_esc(f, verdict);
        fputs("</td><td>", f);
        rep_esc(f, json_string_value(json_object_get(v, "rule")));
        fputs("</td><td class=\"small\">", f);
        rep_esc(f, json_string_value(json_object_get(v, "summary")));
        fputs("</td></tr>\n", f);
    }
    fputs("</table>", f);
}

static void
rep_token(FILE *f, json_t *t, size_t i)
{
    json_t *c = json_object_get(t, "claims"), *h = json_object_get(t, "header"), *v;
    const char *k, *signer = json_string_value(json_object_get(t, "signedBy"));
    size_t k2;

    fprintf(f, "<details id=\"token-%zu\"%s><summary><b>token %zu</b> \u2014 ", i + 1,
            i < 4 ? " open" : "", i + 1);
    rep_esc(f, json_string_value(json_object_get(t, "how")));
    fputs(" for ", f);
    rep_plain(f, json_object_get(c, "aud"));
    fputs(", signed with the key of ", f);
    rep_esc(f, signer != NULL ? signer : "no ECS of the scenario");
    fputs("; steps: ", f);
    json_array_foreach(json_object_get(t, "steps"), k2, v)
    {
        fputs(k2 > 0 ? ", " : "", f);
        rep_esc(f, json_string_value(v));
    }
    fputs("</summary><table class=\"tok\"><tr><td>compact form</td><td colspan=\"2\">", f);
    rep_compact(f, json_string_value(json_object_get(t, "jwt")));
    fputs("</td></tr>\n<tr><td>header</td><td colspan=\"2\">", f);
    json_object_foreach(h, k, v)
    {
        rep_esc(f, k);
        fputs(" ", f);
        rep_plain(f, v);
        fputs(" &nbsp; ", f);
    }
    if (json_string_value(json_object_get(t, "decodeError")) != NULL)
        rep_esc(f, json_string_value(json_object_get(t, "decodeError")));
    fputs("</td></tr>\n", f);
    rep_claim_rows(f, c);
    fputs("</table>", f);
    rep_verdicts(f, t);
    fputs("</details>\n", f);
}

void
rep_tokens(FILE *f, json_t *summary)
{
    json_t *t;
    size_t i;

    if (json_array_size(json_object_get(summary, "tokens")) == 0) {
        fputs("<p>No token was issued or sent.</p>\n", f);
        return;
    }
    json_array_foreach(json_object_get(summary, "tokens"), i, t) rep_token(f, t, i);
}
