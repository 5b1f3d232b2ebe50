/* http_form.c -- parses and writes application/x-www-form-urlencoded (WHATWG URL 5.1 and 5.2,
 * RFC 6749 appendix B). */
#include "base/hex.h"
#include "net/http_form.h"

#include <stdlib.h>
#include <string.h>

#include "base/err.h"

struct http_form {
    size_t n;
    char *name[HTTP_FORM_MAX_PARAMS];
    char *value[HTTP_FORM_MAX_PARAMS];
};

/* Decode p[0..len) into a new string; NULL with err naming pair number idx (1-based). */
static char *
http_form_decode(const char *p, size_t len, size_t idx, const char *what, char *err)
{
    char *out = malloc(len + 1), *o = out;
    size_t i;

    if (out == NULL) {
        edge_err(err, "out of memory");
        return NULL;
    }
    for (i = 0; i < len; i++) {
        char c = p[i];

        if (c == '+') {
            c = ' ';
        } else if (c == '%') {
            if (i + 2 >= len) {
                edge_err(err, "form parameter %zu: truncated %%-escape in the %s", idx, what);
                goto fail;
            }
            if (hex_digit(p[i + 1]) < 0 || hex_digit(p[i + 2]) < 0) {
                edge_err(err, "form parameter %zu: bad %%-escape in the %s", idx, what);
                goto fail;
            }
            c = (char)(hex_digit(p[i + 1]) << 4 | hex_digit(p[i + 2]));
            i += 2;
        }
        if (c == '\0') {
            edge_err(err, "form parameter %zu: NUL byte in the %s", idx, what);
            goto fail;
        }
        *o++ = c;
    }
    *o = '\0';
    return out;
fail:
    free(out);
    return NULL;
}

struct http_form *
http_form_parse(const char *buf, size_t len, char *err)
{
    struct http_form *f = calloc(1, sizeof(*f));
    const char *p = buf, *end = buf + len;

    if (f == NULL) {
        edge_err(err, "out of memory");
        return NULL;
    }
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p)), *eq;
        size_t plen = (amp != NULL ? amp : end) - p;

        if (plen == 0) { /* "a=1&&b=2": empty pairs carry nothing (WHATWG URL 5.1 step 3.1) */
            p++;
            continue;
        }
        if (f->n == HTTP_FORM_MAX_PARAMS) {
            edge_err(err, "form has more than %d parameters", HTTP_FORM_MAX_PARAMS);
            goto fail;
        }
        eq = memchr(p, '=', plen);
        if (eq == p) {
            edge_err(err, "form parameter %zu has an empty name", f->n + 1);
            goto fail;
        }
        f->name[f->n] =
            http_form_decode(p, eq != NULL ? (size_t)(eq - p) : plen, f->n + 1, "name", err);
        if (f->name[f->n] == NULL)
            goto fail;
        f->value[f->n] = eq != NULL ? http_form_decode(eq + 1, (size_t)(p + plen - eq - 1),
                                                       f->n + 1, "value", err)
                                    : strdup("");
        if (f->value[f->n] == NULL) {
            free(f->name[f->n]);
            if (eq == NULL)
                edge_err(err, "out of memory");
            goto fail;
        }
        f->n++;
        p += plen + (amp != NULL);
    }
    return f;
fail:
    http_form_free(f);
    return NULL;
}

void
http_form_free(struct http_form *f)
{
    size_t i;

    if (f == NULL)
        return;
    for (i = 0; i < f->n; i++) {
        free(f->name[i]);
        free(f->value[i]);
    }
    free(f);
}

size_t
http_form_len(const struct http_form *f)
{
    return f->n;
}

const char *
http_form_name(const struct http_form *f, size_t i)
{
    return i < f->n ? f->name[i] : NULL;
}

const char *
http_form_value(const struct http_form *f, size_t i)
{
    return i < f->n ? f->value[i] : NULL;
}

size_t
http_form_count(const struct http_form *f, const char *name)
{
    size_t i, c = 0;

    for (i = 0; i < f->n; i++)
        c += strcmp(f->name[i], name) == 0;
    return c;
}

const char *
http_form_get(const struct http_form *f, const char *name)
{
    size_t i;

    for (i = 0; i < f->n; i++)
        if (strcmp(f->name[i], name) == 0)
            return f->value[i];
    return NULL;
}

const char *
http_form_duplicate(const struct http_form *f)
{
    size_t i, j;

    for (i = 0; i < f->n; i++)
        for (j = i + 1; j < f->n; j++)
            if (strcmp(f->name[i], f->name[j]) == 0)
                return f->name[i];
    return NULL;
}

/* WHATWG URL 5.2: the application/x-www-form-urlencoded percent-encode set leaves these alone. */
static int
http_form_plain(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '*' ||
           c == '-' || c == '.' || c == '_';
}

static size_t
http_form_enc_len(const char *s)
{
    size_t n = 0;

    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++)
        n += http_form_plain(*p) || *p == ' ' ? 1 : 3;
    return n;
}

static char *
http_form_enc(char *o, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";

    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        if (http_form_plain(*p)) {
            *o++ = (char)*p;
        } else if (*p == ' ') {
            *o++ = '+';
        } else {
            *o++ = '%';
            *o++ = hex[*p >> 4];
            *o++ = hex[*p & 15];
        }
    }
    return o;
}

size_t
http_form_append_len(const char *name, const char *value)
{
    if (value == NULL || value[0] == '\0')
        return 0;
    return 1 + http_form_enc_len(name) + 1 + http_form_enc_len(value);
}

int
http_form_append(char *buf, size_t size, const char *name, const char *value)
{
    size_t len, need = http_form_append_len(name, value);
    char *o;

    if (need == 0)
        return 0;
    len = strnlen(buf, size);
    if (len == size || need - (len == 0) >= size - len)
        return -1;
    o = buf + len;
    if (len > 0)
        *o++ = '&';
    o = http_form_enc(o, name);
    *o++ = '=';
    o = http_form_enc(o, value);
    *o = '\0';
    return 0;
}
