/* bearer_test.c -- the RFC 6750 2.1 Authorization header (common/auth/bearer.c) as the EEC and the
 * S-EES write it and the EES reads it: rows of a header value and the token read from it. */
#include "auth/bearer.h"

#include <stdio.h>
#include <string.h>

static const struct {
    const char *value;
    const char *token; /* NULL: no token */
} rows[] = {
    {"Bearer a.b.c", "a.b.c"},
    {"bearer a.b.c", "a.b.c"}, /* the scheme is case-insensitive */
    {"BEARER   a.b.c", "a.b.c"},
    {"Bearer ", NULL},
    {"Bearer", NULL},
    {"Bearera.b.c", NULL},
    {"Basic dXNlcjpwdw==", NULL},
    {"", NULL},
    {NULL, NULL},
};

int
main(void)
{
    int fails = 0, n = 0;
    char *v;

    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++, n++) {
        const char *got = bearer_token(rows[i].value);
        int ok = rows[i].token == NULL ? got == NULL : got != NULL && !strcmp(got, rows[i].token);
        printf("%s bearer_token(%s): expected %s, got %s\n", ok ? "ok  " : "FAIL",
               rows[i].value ? rows[i].value : "NULL", rows[i].token ? rows[i].token : "NULL",
               got ? got : "NULL");
        fails += !ok;
    }
    v = bearer_value("eyJ.x.y");
    n++;
    if (v == NULL || strcmp(v, "Bearer eyJ.x.y") != 0 || strcmp(bearer_token(v), "eyJ.x.y") != 0) {
        printf("FAIL bearer_value: got %s\n", v ? v : "NULL");
        fails++;
    } else {
        printf("ok   bearer_value: %s, read back\n", v);
    }
    bearer_free(v);
    bearer_free(NULL);
    printf("%d checks, %d failed\n", n, fails);
    return fails != 0;
}
