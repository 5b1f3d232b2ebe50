/* bearer_test.c -- the RFC 6750 2.1 Authorization header (common/auth/bearer.c) as the EEC and the
 * S-EES write it and the EES reads it: rows of a header value and the token read from it. */
#include "auth/bearer.h"
#include "check.h"

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
    char *v;

    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        const char *got = bearer_token(rows[i].value);
        int ok = rows[i].token == NULL ? got == NULL : got != NULL && !strcmp(got, rows[i].token);
        check_row(ok, "bearer_token(%s): expected %s, got %s",
                  rows[i].value ? rows[i].value : "NULL", rows[i].token ? rows[i].token : "NULL",
                  got ? got : "NULL");
    }
    v = bearer_value("eyJ.x.y");
    check_row(v != NULL && strcmp(v, "Bearer eyJ.x.y") == 0 &&
                  strcmp(bearer_token(v), "eyJ.x.y") == 0,
              "bearer_value: got %s, read back", v ? v : "NULL");
    bearer_free(v);
    bearer_free(NULL);
    return check_result("bearer");
}
