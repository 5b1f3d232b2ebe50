/* jtext_test.c -- json_text.h writes what json_dumps(JSON_COMPACT | JSON_ENCODE_ANY) writes,
 * for every kind of value and every byte a string may hold, and '?' where a string is not UTF-8. */
#include "base/json_text.h"
#include "check.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* v written both ways must be the same bytes; v's reference is consumed. */
static void
same_as_jansson(const char *what, json_t *v)
{
    char *want = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    struct jtext t = {0};

    jtext_value(&t, v);
    if (want == NULL || t.failed)
        FAIL("%s: jansson %s, json_text %s", what, want ? "wrote it" : "failed",
             t.failed ? "failed" : "wrote it");
    else if (t.len != strlen(want) || memcmp(t.data, want, t.len) != 0)
        FAIL("%s: expected %s, got %s", what, want, t.data);
    free(want);
    jtext_free(&t);
    json_decref(v);
}

/* A pseudo-random generator of its own: the same cases on every run. */
static uint32_t seed = 12345;

static uint32_t
next(void)
{
    seed = seed * 1103515245u + 12345u;
    return seed >> 8;
}

/* A valid UTF-8 string of n code points drawn from every range json_dumps treats apart. */
static size_t
random_utf8(char *buf, size_t n)
{
    static const uint32_t from[] = {0x00, 0x20, 0x22,  0x2f,   0x5c,
                                    0x7f, 0x80, 0x800, 0xe000, 0x10000};
    static const uint32_t span[] = {0x20, 0x60, 1, 1, 1, 1, 0x780, 0xd000, 0x2000, 0x100000};
    size_t len = 0;

    for (size_t i = 0; i < n; i++) {
        size_t k = next() % (sizeof(from) / sizeof(from[0]));
        uint32_t cp = from[k] + next() % span[k];
        if (cp < 0x80) {
            buf[len++] = (char)cp;
        } else if (cp < 0x800) {
            buf[len++] = (char)(0xc0 | cp >> 6);
            buf[len++] = (char)(0x80 | (cp & 0x3f));
        } else if (cp < 0x10000) {
            buf[len++] = (char)(0xe0 | cp >> 12);
            buf[len++] = (char)(0x80 | ((cp >> 6) & 0x3f));
            buf[len++] = (char)(0x80 | (cp & 0x3f));
        } else {
            buf[len++] = (char)(0xf0 | cp >> 18);
            buf[len++] = (char)(0x80 | ((cp >> 12) & 0x3f));
            buf[len++] = (char)(0x80 | ((cp >> 6) & 0x3f));
            buf[len++] = (char)(0x80 | (cp & 0x3f));
        }
    }
    return len;
}

static void
test_strings(void)
{
    char buf[4 * 64], what[64];

    same_as_jansson("empty string", json_string(""));
    same_as_jansson("escapes", json_string("q\" b\\ s/ \b\f\n\r\t \x01\x1f \x7f caf\xc3\xa9"));
    same_as_jansson("NUL inside", json_stringn("a\0b", 3));
    same_as_jansson("4-byte", json_string("\xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf"));
    /* Every byte that needs a look, at every place of an ASCII run (written eight at a time). */
    for (int pos = 0; pos < 24; pos++) {
        for (int c = 1; c < 0x81; c++) {
            memset(buf, 'a', 25);
            if (c == 0x80) { /* a two-byte sequence across the place */
                buf[pos] = '\xc3';
                buf[pos + 1] = '\xa9';
            } else if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f) {
                continue;
            } else {
                buf[pos] = (char)c;
            }
            snprintf(what, sizeof(what), "byte 0x%02x at %d", (unsigned)c, pos);
            same_as_jansson(what, json_stringn(buf, 25));
        }
    }
    for (int i = 0; i < 2000; i++) {
        size_t len = random_utf8(buf, next() % 64);
        snprintf(what, sizeof(what), "random string %d", i);
        same_as_jansson(what, json_stringn(buf, len));
    }
}

static json_t *
random_value(int depth)
{
    char buf[4 * 16], key[4 * 8];
    json_t *v;
    size_t n;

    switch (depth > 4 ? next() % 6 : next() % 8) {
    case 0:
        return json_null();
    case 1:
        return json_boolean(next() % 2);
    case 2:
        return json_integer((json_int_t)next() - (json_int_t)(next() % 2 ? 0 : 1LL << 40));
    case 3:
        return json_real((double)next() / (double)(1 + next() % 1000) * (next() % 2 ? 1e-9 : 1e12));
    case 4:
    case 5:
        return json_stringn(buf, random_utf8(buf, next() % 16));
    case 6:
        v = json_array();
        for (n = next() % 5; n > 0; n--)
            json_array_append_new(v, random_value(depth + 1));
        return v;
    default:
        v = json_object();
        for (n = next() % 5; n > 0; n--) {
            size_t kl = random_utf8(key, 1 + next() % 8);
            json_object_setn_new(v, key, kl, random_value(depth + 1));
        }
        return v;
    }
}

static void
test_values(void)
{
    char what[64];
    json_t *deep = json_array(), *inner = deep;

    same_as_jansson("null", json_null());
    same_as_jansson("true", json_true());
    same_as_jansson("false", json_false());
    same_as_jansson("zero", json_integer(0));
    same_as_jansson("min", json_integer(INT64_MIN));
    same_as_jansson("max", json_integer(INT64_MAX));
    same_as_jansson("real", json_real(0.1));
    same_as_jansson("whole real", json_real(3.0));
    same_as_jansson("empty object", json_object());
    same_as_jansson("empty array", json_array());
    same_as_jansson("members in insertion order",
                    json_pack("{s:i,s:s,s:[i,{}],s:n,s:b}", "z", 1, "a", "x", "m", 2, "b", "c", 1));
    /* Deeper than JTEXT_DEPTH_MAX: handed to jansson from there on, the same text. */
    for (int i = 0; i < JTEXT_DEPTH_MAX + 10; i++) {
        json_t *a = json_array();
        json_array_append_new(inner, a);
        inner = a;
    }
    json_array_append_new(inner, json_string("bottom"));
    same_as_jansson("deep", deep);
    for (int i = 0; i < 500; i++) {
        snprintf(what, sizeof(what), "random value %d", i);
        same_as_jansson(what, random_value(0));
    }
}

/* Bytes that start no UTF-8 sequence become '?'; the valid ones around them stay. */
static void
test_not_utf8(void)
{
    static const struct {
        const char *in, *out;
    } rows[] = {
        {"caf\xc3\xa9 \xff\xfe end \xed\xa0\x80", "\"caf\xc3\xa9 ?? end ???\""},
        {"\xc0\xaf overlong", "\"?? overlong\""},
        {"cut \xe2\x82", "\"cut ??\""},
        {"\xf4\x90\x80\x80 above", "\"???? above\""},
        {"\x80 alone \"q\"", "\"? alone \\\"q\\\"\""},
    };
    struct jtext t = {0};
    json_t *v;

    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        jtext_reset(&t);
        jtext_cstring(&t, rows[i].in);
        if (t.failed || strcmp(t.data, rows[i].out) != 0)
            FAIL("row %zu: expected %s, got %s", i, rows[i].out, t.data);
        /* Inside a value built without jansson's check, likewise (json_dumps refuses it). */
        jtext_reset(&t);
        v = json_pack("{s:o}", "k", json_string_nocheck(rows[i].in));
        jtext_value(&t, v);
        json_decref(v);
        if (t.failed || strncmp(t.data, "{\"k\":", 5) != 0 ||
            strncmp(t.data + 5, rows[i].out, strlen(rows[i].out)) != 0)
            FAIL("row %zu in an object: got %s", i, t.data);
    }
    jtext_reset(&t);
    jtext_cstring(&t, NULL);
    if (strcmp(t.data, "null") != 0)
        FAIL("NULL: expected null, got %s", t.data);
    jtext_free(&t);
}

static void
test_dumps(void)
{
    json_t *v = json_pack("{s:[i,s]}", "a", 1, "b");
    char *s = jtext_dumps(v);

    if (s == NULL || strcmp(s, "{\"a\":[1,\"b\"]}") != 0)
        FAIL("jtext_dumps: got %s", s ? s : "NULL");
    free(s);
    json_decref(v);
    v = json_string("scalar");
    if ((s = jtext_dumps(v)) != NULL)
        FAIL("jtext_dumps of a string: expected NULL (as json_dumps without JSON_ENCODE_ANY)");
    free(s);
    json_decref(v);
}

int
main(void)
{
    test_strings();
    test_values();
    test_not_utf8();
    test_dumps();
    return check_result("jtext");
}
