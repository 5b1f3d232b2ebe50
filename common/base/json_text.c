/* json_text.c -- JSON text (RFC 8259) written straight into a growing buffer (json_text.h). */
#include "base/json_text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Room for n more bytes and a NUL. */
static int
jtext_room(struct jtext *t, size_t n)
{
    size_t cap;
    char *p;

    if (t->failed)
        return -1;
    if (t->len + n + 1 <= t->cap)
        return 0;
    cap = t->cap == 0 ? 256 : t->cap;
    while (cap < t->len + n + 1) {
        if (cap > SIZE_MAX / 2) {
            t->failed = 1;
            return -1;
        }
        cap *= 2;
    }
    if ((p = realloc(t->data, cap)) == NULL) {
        t->failed = 1;
        return -1;
    }
    t->data = p;
    t->cap = cap;
    return 0;
}

void
jtext_put(struct jtext *t, const char *s, size_t n)
{
    if (jtext_room(t, n) < 0)
        return;
    memcpy(t->data + t->len, s, n);
    t->len += n;
    t->data[t->len] = '\0';
}

void
jtext_puts(struct jtext *t, const char *s)
{
    jtext_put(t, s, strlen(s));
}

void
jtext_reset(struct jtext *t)
{
    t->len = 0;
    t->failed = 0;
    if (t->data != NULL)
        t->data[0] = '\0';
}

void
jtext_free(struct jtext *t)
{
    free(t->data);
    memset(t, 0, sizeof(*t));
}

void
jtext_long(struct jtext *t, long long v)
{
    char buf[24], *p = buf + sizeof(buf);
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u != 0);
    if (v < 0)
        *--p = '-';
    jtext_put(t, p, (size_t)(buf + sizeof(buf) - p));
}

/* Length of the valid UTF-8 sequence at p (n bytes left; RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF), or 0 if the byte at p starts none. */
static size_t
jtext_utf8_seq(const unsigned char *p, size_t n)
{
    size_t len, i;
    unsigned long cp;

    if (p[0] >= 0xc2 && p[0] <= 0xdf)
        len = 2, cp = p[0] & 0x1f;
    else if (p[0] >= 0xe0 && p[0] <= 0xef)
        len = 3, cp = p[0] & 0x0f;
    else if (p[0] >= 0xf0 && p[0] <= 0xf4)
        len = 4, cp = p[0] & 0x07;
    else
        return 0;
    if (len > n)
        return 0;
    for (i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3f);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
        (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

/* The escape of a character below 0x20, '"' or '\\' (RFC 8259 7), as json_dumps writes it. */
static size_t
jtext_escape(unsigned char c, char *out)
{
    static const char hex[] = "0123456789ABCDEF";
    char short_form = 0;

    switch (c) {
    case '"':
        short_form = '"';
        break;
    case '\\':
        short_form = '\\';
        break;
    case '\b':
        short_form = 'b';
        break;
    case '\f':
        short_form = 'f';
        break;
    case '\n':
        short_form = 'n';
        break;
    case '\r':
        short_form = 'r';
        break;
    case '\t':
        short_form = 't';
        break;
    default:
        break;
    }
    out[0] = '\\';
    if (short_form != 0) {
        out[1] = short_form;
        return 2;
    }
    out[1] = 'u';
    out[2] = '0';
    out[3] = '0';
    out[4] = hex[c >> 4];
    out[5] = hex[c & 0xf];
    return 6;
}

/* Eight bytes at once: does any of them need a look (below 0x20, '"', '\\', or not ASCII)?
 * (v - 0x20 per byte sets a byte's top bit when it was below 0x20; v ^ '"' then - 1 when it was
 * '"'; likewise '\\'; v's own top bit when it is not ASCII.) */
static int
jtext_word_plain(const unsigned char *p)
{
    const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
    uint64_t v, q, b;

    memcpy(&v, p, sizeof(v));
    q = v ^ (ones * '"');
    b = v ^ (ones * '\\');
    return (((v - ones * 0x20) | (q - ones) | (b - ones) | v) & high) == 0;
}

void
jtext_string(struct jtext *t, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + n, *run;
    size_t seq = 1;
    char *o;

    /* Room for the worst case (every byte a \u00XX escape), taken once: no check per piece. */
    if (n > (SIZE_MAX - 3) / 6) {
        t->failed = 1;
        return;
    }
    if (jtext_room(t, 6 * n + 2) < 0)
        return;
    o = t->data + t->len;
    *o++ = '"';
    while (p < end) {
        /* A run of bytes written as they are: printable ASCII and valid UTF-8 sequences. */
        for (run = p; p < end; p += seq) {
            if (end - p >= 8 && jtext_word_plain(p))
                seq = 8;
            else if (*p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\')
                seq = 1;
            else if (*p < 0x80 || (seq = jtext_utf8_seq(p, (size_t)(end - p))) == 0)
                break;
        }
        memcpy(o, run, (size_t)(p - run));
        o += p - run;
        if (p == end)
            break;
        if (*p < 0x80)
            o += jtext_escape(*p, o);
        else
            *o++ = '?'; /* no UTF-8: JSON cannot carry the byte */
        p++;
    }
    *o++ = '"';
    t->len = (size_t)(o - t->data);
    t->data[t->len] = '\0';
}

void
jtext_cstring(struct jtext *t, const char *s)
{
    if (s == NULL)
        jtext_put(t, "null", 4);
    else
        jtext_string(t, s, strlen(s));
}

/* What jansson writes for v, appended: reals (its %.17g rules) and anything nested too deep. */
static void
jtext_jansson(struct jtext *t, const json_t *v)
{
    char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);

    if (s == NULL) {
        t->failed = 1;
        return;
    }
    jtext_puts(t, s);
    free(s);
}

static void jtext_value_at(struct jtext *t, const json_t *v, int depth);

static void
jtext_object(struct jtext *t, const json_t *v, int depth)
{
    void *it = json_object_iter((json_t *)v);

    jtext_put(t, "{", 1);
    for (int first = 1; it != NULL && !t->failed; it = json_object_iter_next((json_t *)v, it)) {
        const char *key = json_object_iter_key(it);
#if JANSSON_VERSION_HEX >= 0x020e00
        size_t klen = json_object_iter_key_len(it);
#else
        size_t klen = strlen(key);
#endif
        if (!first)
            jtext_put(t, ",", 1);
        first = 0;
        jtext_string(t, key, klen);
        jtext_put(t, ":", 1);
        jtext_value_at(t, json_object_iter_value(it), depth + 1);
    }
    jtext_put(t, "}", 1);
}

static void
jtext_value_at(struct jtext *t, const json_t *v, int depth)
{
    size_t n;

    if (v == NULL) {
        jtext_put(t, "null", 4);
        return;
    }
    if (depth > JTEXT_DEPTH_MAX) {
        jtext_jansson(t, v); /* it also refuses a value that contains itself */
        return;
    }
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        jtext_object(t, v, depth);
        break;
    case JSON_ARRAY:
        jtext_put(t, "[", 1);
        n = json_array_size(v);
        for (size_t i = 0; i < n && !t->failed; i++) {
            if (i > 0)
                jtext_put(t, ",", 1);
            jtext_value_at(t, json_array_get(v, i), depth + 1);
        }
        jtext_put(t, "]", 1);
        break;
    case JSON_STRING:
        jtext_string(t, json_string_value(v), json_string_length(v));
        break;
    case JSON_INTEGER:
        jtext_long(t, (long long)json_integer_value(v));
        break;
    case JSON_REAL:
        jtext_jansson(t, v);
        break;
    case JSON_TRUE:
        jtext_put(t, "true", 4);
        break;
    case JSON_FALSE:
        jtext_put(t, "false", 5);
        break;
    case JSON_NULL:
        jtext_put(t, "null", 4);
        break;
    }
}

void
jtext_value(struct jtext *t, const json_t *v)
{
    jtext_value_at(t, v, 0);
}

char *
jtext_dumps(const json_t *v)
{
    struct jtext t = {0};

    if (!json_is_object(v) && !json_is_array(v))
        return NULL;
    jtext_value(&t, v);
    if (t.failed) {
        jtext_free(&t);
        return NULL;
    }
    return t.data;
}
