/* fuzz_form.c -- fuzz target of http_form_parse(), the application/x-www-form-urlencoded parser
 * in front of the OAuth 2.0 token endpoint (RFC 6749 4.4.2, appendix B).
 *
 * The input is the body as received: not NUL-terminated, in a buffer of exactly its size. The
 * oracle is a second decoder written from http_form.h's contract ('&' separates pairs, empty pairs
 * are skipped, the first '=' ends the name, '+' is a space, %XX a byte; a malformed escape, a NUL
 * byte, an empty name or more than HTTP_FORM_MAX_PARAMS pairs is an error): both must agree on
 * success, on every name and value, and on count/get/duplicate. */
#include "fuzz.h"

#include "net/http_form.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ref_form {
    size_t n;
    char *name[HTTP_FORM_MAX_PARAMS], *value[HTTP_FORM_MAX_PARAMS];
};

static int
hexval(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static char *
ref_decode(const uint8_t *p, size_t len)
{
    char *out = malloc(len + 1);
    size_t o = 0;

    for (size_t i = 0; i < len; i++) {
        int c = p[i];
        if (c == '+') {
            c = ' ';
        } else if (c == '%') {
            if (len - i < 3 || hexval(p[i + 1]) < 0 || hexval(p[i + 2]) < 0)
                goto fail;
            c = hexval(p[i + 1]) * 16 + hexval(p[i + 2]);
            i += 2;
        }
        if (c == 0)
            goto fail;
        out[o++] = (char)c;
    }
    out[o] = '\0';
    return out;
fail:
    free(out);
    return NULL;
}

static void
ref_free(struct ref_form *f)
{
    for (size_t i = 0; i < f->n; i++) {
        free(f->name[i]);
        free(f->value[i]);
    }
    f->n = 0;
}

static int
ref_parse(const uint8_t *buf, size_t len, struct ref_form *f)
{
    size_t start = 0;

    f->n = 0;
    while (start <= len) {
        size_t end = start;
        while (end < len && buf[end] != '&')
            end++;
        if (end > start) {
            size_t eq = start;
            while (eq < end && buf[eq] != '=')
                eq++;
            if (eq == start || f->n == HTTP_FORM_MAX_PARAMS)
                goto fail;
            f->name[f->n] = ref_decode(buf + start, eq - start);
            f->value[f->n] = eq < end ? ref_decode(buf + eq + 1, end - eq - 1) : strdup("");
            if (f->name[f->n] == NULL || f->value[f->n] == NULL) {
                free(f->name[f->n]);
                free(f->value[f->n]);
                goto fail;
            }
            f->n++;
        }
        start = end + 1;
    }
    return 0;
fail:
    ref_free(f);
    return -1;
}

static void
form_one(const uint8_t *data, size_t n)
{
    char *buf = fz_dup_exact(data, n, 0), err[EDGE_ERR_LEN] = "";
    struct http_form *f = http_form_parse(buf, n, err);
    struct ref_form rf;
    int want = ref_parse(data, n, &rf);

    fz_execs++;
    fz_accepted += f != NULL;
    if (f == NULL && (err[0] == '\0' || !fz_printable(err, 1)))
        fz_finding("form", data, n, "refusal without a printable message: '%s'", err);
    if ((f != NULL) != (want == 0)) {
        fz_finding("form", data, n, "parser %s, the contract says %s (%s)",
                   f ? "accepted" : "refused", want == 0 ? "accept" : "refuse", err);
    } else if (f != NULL) {
        const char *dup = NULL;
        if (http_form_len(f) != rf.n)
            fz_finding("form", data, n, "%zu pairs, expected %zu", http_form_len(f), rf.n);
        for (size_t i = 0; i < rf.n && i < http_form_len(f); i++) {
            if (strcmp(http_form_name(f, i), rf.name[i]) != 0 ||
                strcmp(http_form_value(f, i), rf.value[i]) != 0)
                fz_finding("form", data, n, "pair %zu decoded differently", i);
            size_t c = 0;
            const char *first = NULL;
            for (size_t j = 0; j < rf.n; j++)
                if (strcmp(rf.name[j], rf.name[i]) == 0) {
                    if (first == NULL)
                        first = rf.value[j];
                    if (++c == 2 && dup == NULL)
                        dup = rf.name[i]; /* refined below: the first name that repeats */
                }
            if (http_form_count(f, rf.name[i]) != c || http_form_get(f, rf.name[i]) == NULL ||
                strcmp(http_form_get(f, rf.name[i]), first) != 0)
                fz_finding("form", data, n, "count/get of pair %zu's name disagree", i);
        }
        /* http_form_duplicate: the first name (in order) that occurs again later. */
        dup = NULL;
        for (size_t i = 0; i < rf.n && dup == NULL; i++)
            for (size_t j = i + 1; j < rf.n; j++)
                if (strcmp(rf.name[i], rf.name[j]) == 0) {
                    dup = rf.name[i];
                    break;
                }
        const char *got = http_form_duplicate(f);
        if ((got == NULL) != (dup == NULL) || (got != NULL && strcmp(got, dup) != 0))
            fz_finding("form", data, n, "duplicate: got %s, expected %s", got ? got : "none",
                       dup ? dup : "none");
        if (http_form_name(f, rf.n) != NULL || http_form_value(f, rf.n) != NULL)
            fz_finding("form", data, n, "index past the end gives a pair");
    }
    http_form_free(f);
    if (want == 0)
        ref_free(&rf);
    free(buf);
}

static void
form_campaign(struct fz_rng *r, long iters)
{
    static const char *const parts[] = {"grant_type=client_credentials",
                                        "scope=eees-appctxtreloc",
                                        "scope=a+b",
                                        "client_id=x",
                                        "targetEesFqdn=ees2.edge.test",
                                        "a=%41%42",
                                        "%3D=%26",
                                        "=x",
                                        "x=",
                                        "x",
                                        "%",
                                        "%4",
                                        "%zz",
                                        "%00",
                                        "a=%0",
                                        "+=+",
                                        "&",
                                        "&&",
                                        "==",
                                        "a==b",
                                        "%F0%9F%98%80=%C3",
                                        "%7f",
                                        "a=b%",
                                        NULL};
    static const char *const dict[] = {"&", "=", "%", "+", "%00", "%2", "%%", "%41", NULL};
    struct fz_buf in = {0};

    for (long i = 0; i < iters; i++) {
        size_t np = fz_below(r, 8) + (fz_one_in(r, 20) ? 60 : 0);
        in.len = 0;
        fz_buf_reserve(&in, 0);
        for (size_t k = 0; k < np; k++) {
            if (k > 0)
                fz_buf_adds(&in, "&");
            fz_buf_adds(&in, parts[fz_below(r, sizeof(parts) / sizeof(parts[0]) - 1)]);
        }
        if (fz_one_in(r, 2))
            fz_mutate(r, &in, 1 << 16, dict, 4);
        form_one(in.p, in.len);
    }
    fz_buf_free(&in);
}

const struct fz_target fz_target_form = {
    .name = "form",
    .what = "http_form_parse() on arbitrary bytes, against a reference decoder",
    .setup = NULL,
    .one = form_one,
    .campaign = form_campaign,
    .default_iters = 200000,
};
