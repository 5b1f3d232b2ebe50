/* json_text_test.c -- js_loads() refusals name line and column and never echo the input's control
 * bytes or broken UTF-8: jansson quotes the text near the error, and that sentence reaches logs and
 * ProblemDetails. */
#include <string.h>

#include "base/err.h"
#include "fixture.h"
#include "base/json_strict.h"

static const struct {
    const char *name, *json;
    size_t len;
} rows[] = {
#define ROW(name, lit)                                                                             \
    {                                                                                              \
        name, lit, sizeof(lit) - 1                                                                 \
    }
    ROW("control byte as a value", "{\"a\": \x14}"),
    ROW("control bytes in a bare word", "[tr\x01\x02ue]"),
    ROW("DEL after a value", "{\"a\": 1\x7f}"),
    ROW("raw newline in a string", "{\"a\": \"x\ny\"}"),
    ROW("escape in a bare word", "[\x1b[31mred]"),
    ROW("broken UTF-8 in a bare word", "[\xff\xfe]"),
    ROW("NUL inside the text", "{\"a\": \"b\"\0}"),
#undef ROW
};

static int
printable(const char *s)
{
    for (; *s != '\0'; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
            return 0;
    return 1;
}

int
main(void)
{
    char err[EDGE_ERR_LEN];
    json_t *v;
    size_t i;

    for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        memset(err, 'x', sizeof(err));
        v = (json_t *)1;
        CHECK(js_loads(rows[i].json, rows[i].len, &v, err) == -1 && v == NULL,
              "%s: expected a refusal", rows[i].name);
        CHECK(memchr(err, '\0', sizeof(err)) != NULL && strncmp(err, "line ", 5) == 0,
              "%s: expected \"line L column C: ...\", got \"%.80s\"", rows[i].name, err);
        CHECK(printable(err), "%s: expected printable ASCII only, got \"%s\"", rows[i].name, err);
    }
    /* What is printable stays as jansson said it. */
    CHECK(js_loads("{\"a\": tru}", 10, &v, err) == -1 && strstr(err, "'tru'") != NULL,
          "a bare word: expected it quoted as is, got \"%s\"", err);
    CHECK(js_loads("[1, 2]", 6, &v, err) == 0 && json_array_size(v) == 2, "[1, 2]: %s", err);
    json_decref(v);
    return check_result("json_text");
}
