/* test_form.c -- application/x-www-form-urlencoded parsing, duplicate detection (RFC 6749 3.2). */
#include <string.h>

#include "err.h"
#include "fixture.h"
#include "http_form.h"

static const struct {
    const char *body;
    int ok;
    size_t n;            /* parameters */
    const char *name;    /* one to look up */
    const char *value;   /* its value (first occurrence) */
    const char *dup;     /* http_form_duplicate(), or NULL */
    const char *errpart; /* !ok: a piece of the error */
} cases[] = {
    {"grant_type=client_credentials&scope=ees1", 1, 2, "grant_type", "client_credentials", NULL,
     NULL},
    {"grant_type=client_credentials&scope=a&scope=b", 1, 3, "scope", "a", "scope", NULL},
    {"scope=a+b%20c&x=%41%42", 1, 2, "scope", "a b c", NULL, NULL},
    {"x=%41%42", 1, 1, "x", "AB", NULL, NULL},
    {"flag&x=1", 1, 2, "flag", "", NULL, NULL},
    {"a=1&&b=2&", 1, 2, "b", "2", NULL, NULL},
    {"", 1, 0, "a", NULL, NULL, NULL},
    {"a=%3D%26", 1, 1, "a", "=&", NULL, NULL},
    {"a=1=2", 1, 1, "a", "1=2", NULL, NULL},
    {"grant%5Ftype=x&grant_type=y", 1, 2, "grant_type", "x", "grant_type", NULL},
    {"=value", 0, 0, NULL, NULL, NULL, "empty name"},
    {"a=%zz", 0, 0, NULL, NULL, NULL, "bad %-escape in the value"},
    {"a=%4", 0, 0, NULL, NULL, NULL, "truncated"},
    {"a%=1", 0, 0, NULL, NULL, NULL, "in the name"},
    {"a=%00", 0, 0, NULL, NULL, NULL, "NUL"},
};

int
main(void)
{
    char err[EDGE_ERR_LEN], many[64 * 8 + 16];
    struct http_form *f;
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        err[0] = '\0';
        f = http_form_parse(cases[i].body, strlen(cases[i].body), err);
        if (!cases[i].ok) {
            CHECK(f == NULL, "\"%s\": expected an error, got %zu parameters", cases[i].body,
                  f ? http_form_len(f) : 0);
            CHECK(strstr(err, cases[i].errpart) != NULL,
                  "\"%s\": expected error with \"%s\", got \"%s\"", cases[i].body, cases[i].errpart,
                  err);
            http_form_free(f);
            continue;
        }
        CHECK(f != NULL, "\"%s\": expected success, got \"%s\"", cases[i].body, err);
        if (f == NULL)
            continue;
        CHECK(http_form_len(f) == cases[i].n, "\"%s\": expected %zu parameters, got %zu",
              cases[i].body, cases[i].n, http_form_len(f));
        if (cases[i].name != NULL) {
            const char *v = http_form_get(f, cases[i].name);

            CHECK((v == NULL && cases[i].value == NULL) ||
                      (v != NULL && cases[i].value != NULL && strcmp(v, cases[i].value) == 0),
                  "\"%s\": expected %s=\"%s\", got \"%s\"", cases[i].body, cases[i].name,
                  cases[i].value ? cases[i].value : "(absent)", v ? v : "(absent)");
        }
        {
            const char *d = http_form_duplicate(f);

            CHECK((d == NULL && cases[i].dup == NULL) ||
                      (d != NULL && cases[i].dup != NULL && strcmp(d, cases[i].dup) == 0),
                  "\"%s\": expected duplicate %s, got %s", cases[i].body,
                  cases[i].dup ? cases[i].dup : "(none)", d ? d : "(none)");
        }
        http_form_free(f);
    }
    /* Counting a repeated parameter. */
    f = http_form_parse("scope=a&scope=b&scope=c", 23, err);
    CHECK(f != NULL && http_form_count(f, "scope") == 3 && http_form_count(f, "x") == 0,
          "expected scope 3 times and x never");
    CHECK(f != NULL && strcmp(http_form_name(f, 2), "scope") == 0 &&
              strcmp(http_form_value(f, 2), "c") == 0 && http_form_name(f, 3) == NULL,
          "expected positional access to the third pair only");
    http_form_free(f);
    /* The parameter limit. */
    many[0] = '\0';
    for (i = 0; i < 65; i++)
        strcat(many, "a=1&");
    f = http_form_parse(many, strlen(many), err);
    CHECK(f == NULL && strstr(err, "more than 64") != NULL,
          "expected 65 parameters to be refused, got %s", f ? "success" : err);
    http_form_free(f);
    return fixture_result("form");
}
