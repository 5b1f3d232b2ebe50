/* form_test.c -- application/x-www-form-urlencoded parsing, duplicate detection (RFC 6749 3.2),
 * and the one writer (http_form_append) that every form body and query string goes through. */
#include <string.h>

#include "base/err.h"
#include "fixture.h"
#include "net/http_form.h"

/* http_form_append rows: appended to "" one after another; the WHATWG serializer's output. */
static const struct {
    const char *name, *value, *out;
} writes[] = {
    {"grant_type", "client_credentials", "grant_type=client_credentials"},
    {"scope", "a b", "grant_type=client_credentials&scope=a+b"},
    {"x", NULL, "grant_type=client_credentials&scope=a+b"}, /* NULL: left out */
    {"y", "", "grant_type=client_credentials&scope=a+b"},   /* empty: left out too */
    {"q", "*-._~&=+%/\xc3\xa9",
     "grant_type=client_credentials&scope=a+b&q=*-._%7E%26%3D%2B%25%2F%C3%A9"},
    {"a b", "1", "grant_type=client_credentials&scope=a+b&q=*-._%7E%26%3D%2B%25%2F%C3%A9&a+b=1"},
};

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
    /* The writer: each row appended, then the whole read back by the parser. */
    {
        char buf[256] = "", small[11] = "a=1";

        for (i = 0; i < sizeof(writes) / sizeof(writes[0]); i++) {
            CHECK(http_form_append(buf, sizeof(buf), writes[i].name, writes[i].value) == 0,
                  "append %s: expected to fit", writes[i].name);
            CHECK(strcmp(buf, writes[i].out) == 0, "append %s: expected \"%s\", got \"%s\"",
                  writes[i].name, writes[i].out, buf);
        }
        CHECK(http_form_append_len("q", "a b&") == strlen("&q=a+b%26"),
              "append_len: expected the '&' and the escapes counted");
        f = http_form_parse(buf, strlen(buf), err);
        CHECK(f != NULL && http_form_len(f) == 4 &&
                  strcmp(http_form_get(f, "q"), "*-._~&=+%/\xc3\xa9") == 0 &&
                  strcmp(http_form_get(f, "a b"), "1") == 0,
              "the written form: expected to parse back to what was appended");
        http_form_free(f);
        /* Exactly full fits; one byte more is refused and leaves the buffer as it was. */
        CHECK(http_form_append(small, sizeof(small), "bb", "123") == 0 &&
                  strcmp(small, "a=1&bb=123") == 0 && strlen(small) == sizeof(small) - 1,
              "append: expected \"a=1&bb=123\", got \"%s\"", small);
        CHECK(http_form_append(small, sizeof(small), "c", "") == 0, "append of nothing: fits");
        CHECK(http_form_append(small, sizeof(small), "c", "1") == -1 &&
                  strcmp(small, "a=1&bb=123") == 0,
              "append over the end: expected -1 and the buffer unchanged, got \"%s\"", small);
        small[0] = '\0';
        CHECK(http_form_append(small, 4, "a", "12") == -1 && small[0] == '\0' &&
                  http_form_append(small, 4, "a", "1") == 0 && strcmp(small, "a=1") == 0,
              "append to an empty buffer: no '&', and the NUL counted");
    }
    /* The parameter limit. */
    many[0] = '\0';
    for (i = 0; i < 65; i++)
        strcat(many, "a=1&");
    f = http_form_parse(many, strlen(many), err);
    CHECK(f == NULL && strstr(err, "more than 64") != NULL,
          "expected 65 parameters to be refused, got %s", f ? "success" : err);
    http_form_free(f);
    return check_result("form");
}
