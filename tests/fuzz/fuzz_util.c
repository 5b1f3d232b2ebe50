/* fuzz_util.c -- the PRNG, mutators, random JSON, reproducer files and the fresh ES256 keys that
 * every fuzz target of edgesim's network-facing parsers shares. */
#include "fuzz.h"

#include "base/err.h"
#include "auth/jwks.h"
#include "pki.h"
#include "base/clock.h"

#include <errno.h>
#include <inttypes.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/pem.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

long fz_findings;
long fz_execs;
long fz_accepted;
long fz_notes;

/* ---- PRNG ---- */

uint64_t
fz_next(struct fz_rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

size_t
fz_below(struct fz_rng *r, size_t n)
{
    return n == 0 ? 0 : (size_t)(fz_next(r) % n);
}

int
fz_one_in(struct fz_rng *r, size_t n)
{
    return fz_below(r, n) == 0;
}

uint64_t
fz_seed(const char *target)
{
    const char *env = getenv("EDGESIM_FUZZ_SEED");
    uint64_t s = 0x65646765736d3031ULL; /* fixed: every ctest run is the same run */

    if (env != NULL && *env != '\0')
        s ^= strtoull(env, NULL, 0) * 0x9e3779b97f4a7c15ULL;
    for (const char *p = target; *p; p++)
        s = (s ^ (unsigned char)*p) * 0x100000001b3ULL;
    return s;
}

double
fz_seconds(void)
{
    return (double)edge_now_ns() / 1e9;
}

/* ---- buffers ---- */

void
fz_buf_reserve(struct fz_buf *b, size_t need)
{
    if (b->len + need + 1 <= b->cap)
        return;
    size_t ncap = b->cap ? b->cap : 256;
    while (ncap < b->len + need + 1)
        ncap *= 2;
    uint8_t *p = realloc(b->p, ncap);
    if (p == NULL) {
        fprintf(stderr, "fuzz: out of memory\n");
        abort();
    }
    b->p = p;
    b->cap = ncap;
}

void
fz_buf_set(struct fz_buf *b, const void *data, size_t len)
{
    b->len = 0;
    fz_buf_add(b, data, len);
}

void
fz_buf_add(struct fz_buf *b, const void *data, size_t len)
{
    fz_buf_reserve(b, len);
    if (len > 0)
        memcpy(b->p + b->len, data, len);
    b->len += len;
    b->p[b->len] = '\0';
}

void
fz_buf_adds(struct fz_buf *b, const char *s)
{
    fz_buf_add(b, s, strlen(s));
}

void
fz_buf_addf(struct fz_buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    fz_buf_reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf((char *)b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void
fz_buf_free(struct fz_buf *b)
{
    free(b->p);
    memset(b, 0, sizeof(*b));
}

char *
fz_dup_exact(const void *data, size_t len, int nul)
{
    char *p = malloc(len + (nul ? 1 : 0) + (len == 0 && !nul));

    if (p == NULL)
        abort();
    if (len > 0)
        memcpy(p, data, len);
    if (nul)
        p[len] = '\0';
    return p;
}

/* ---- byte mutations ---- */

static const uint8_t fz_interesting[] = {
    0x00, 0x01, 0x09, 0x0a, 0x0d, 0x20, '"',  '%',  '&',  '+',  ',',  '-', '.', '/',
    '0',  '9',  ':',  '=',  'A',  'Z',  '[',  '\\', ']',  '_',  'a',  'z', '{', '}',
    0x7e, 0x7f, 0x80, 0xbf, 0xc0, 0xc3, 0xe2, 0xef, 0xf0, 0xf4, 0xf8, 0xff};

static void
fz_insert(struct fz_buf *b, size_t at, const void *data, size_t n)
{
    fz_buf_reserve(b, n);
    memmove(b->p + at + n, b->p + at, b->len - at);
    memcpy(b->p + at, data, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void
fz_erase(struct fz_buf *b, size_t at, size_t n)
{
    memmove(b->p + at, b->p + at + n, b->len - at - n);
    b->len -= n;
    b->p[b->len] = '\0';
}

void
fz_mutate(struct fz_rng *r, struct fz_buf *b, size_t max_len, const char *const *dict, int max_ops)
{
    size_t ndict = 0;
    int ops = 1 + (int)fz_below(r, (size_t)max_ops);

    while (dict != NULL && dict[ndict] != NULL)
        ndict++;
    fz_buf_reserve(b, 0);
    for (int i = 0; i < ops; i++) {
        size_t at = fz_below(r, b->len + 1), n;
        uint8_t tmp[64];

        switch (fz_below(r, 11)) {
        case 0: /* bit flip */
            if (b->len > 0)
                b->p[fz_below(r, b->len)] ^= (uint8_t)(1u << fz_below(r, 8));
            break;
        case 1: /* random byte */
            if (b->len > 0)
                b->p[fz_below(r, b->len)] = (uint8_t)fz_next(r);
            break;
        case 2: /* interesting byte */
            if (b->len > 0)
                b->p[fz_below(r, b->len)] = fz_interesting[fz_below(r, sizeof(fz_interesting))];
            break;
        case 3: /* insert random bytes */
            n = 1 + fz_below(r, 8);
            for (size_t k = 0; k < n; k++)
                tmp[k] = fz_one_in(r, 2) ? fz_interesting[fz_below(r, sizeof(fz_interesting))]
                                         : (uint8_t)fz_next(r);
            fz_insert(b, at, tmp, n);
            break;
        case 4: /* a run of one byte */
            n = 1 + fz_below(r, 64);
            memset(tmp, fz_interesting[fz_below(r, sizeof(fz_interesting))], n);
            fz_insert(b, at, tmp, n);
            break;
        case 5: /* delete a range */
            if (at < b->len)
                fz_erase(b, at, 1 + fz_below(r, b->len - at < 16 ? b->len - at : 16));
            break;
        case 6: /* duplicate a range */
            if (b->len > 0) {
                size_t from = fz_below(r, b->len);
                n = 1 + fz_below(r, b->len - from < 64 ? b->len - from : 64);
                memcpy(tmp, b->p + from, n);
                fz_insert(b, at, tmp, n);
            }
            break;
        case 7: /* swap two bytes */
            if (b->len > 1) {
                size_t x = fz_below(r, b->len), y = fz_below(r, b->len);
                uint8_t t = b->p[x];
                b->p[x] = b->p[y];
                b->p[y] = t;
            }
            break;
        case 8: /* truncate */
            if (b->len > 0 && fz_one_in(r, 3)) {
                b->len = fz_below(r, b->len);
                b->p[b->len] = '\0';
            }
            break;
        case 9: /* dictionary splice */
            if (ndict > 0) {
                const char *w = dict[fz_below(r, ndict)];
                if (fz_one_in(r, 2) && at + strlen(w) <= b->len)
                    memcpy(b->p + at, w, strlen(w));
                else
                    fz_insert(b, at, w, strlen(w));
            }
            break;
        default: /* an embedded NUL */
            fz_insert(b, at, "", 1);
            break;
        }
    }
    if (b->len > max_len) {
        b->len = max_len;
        b->p[b->len] = '\0';
    }
}

/* ---- random JSON ---- */

static size_t
fz_count(const char *const *list)
{
    size_t n = 0;

    while (list != NULL && list[n] != NULL)
        n++;
    return n;
}

static json_t *
fz_json_string(struct fz_rng *r, const char *const *dict)
{
    static const char *const odd[] = {"",
                                      " ",
                                      "\t",
                                      "a\nb",
                                      "\x7f",
                                      "\xc3\xa9",
                                      "\xe2\x80\xae",
                                      "\xf0\x9f\x98\x80",
                                      "%00",
                                      "..",
                                      "../../etc/passwd",
                                      "\"quoted\"",
                                      "back\\slash",
                                      "https://",
                                      "https://ees1.edge.test:99999/x",
                                      "http://ees1.edge.test",
                                      "msisdn-",
                                      "extid-@",
                                      "1970-01-01T00:00:00Z",
                                      "9999-12-31T23:59:60Z",
                                      "2026-02-29T00:00:00Z",
                                      "2024-02-29T24:00:00+23:59",
                                      "ES256",
                                      "none",
                                      NULL};
    size_t nd = fz_count(dict);
    char buf[96];
    size_t n;

    switch (fz_below(r, 6)) {
    case 0:
    case 1:
        if (nd > 0)
            return json_string(dict[fz_below(r, nd)]);
        /* fall through */
    case 2:
        return json_string(odd[fz_below(r, fz_count(odd))]);
    case 3: { /* long */
        static const size_t lens[] = {63,  64,  65,   127,  128,  253,  254,
                                      255, 256, 1024, 1025, 8193, 65537};
        size_t len = lens[fz_below(r, sizeof(lens) / sizeof(lens[0]))];
        char *s = malloc(len + 1);
        json_t *v;
        memset(s, "aZ0.-_"[fz_below(r, 6)], len);
        s[len] = '\0';
        v = json_string(s);
        free(s);
        return v;
    }
    default: /* random printable ASCII and control bytes */
        n = fz_below(r, sizeof(buf) - 1);
        for (size_t i = 0; i < n; i++)
            buf[i] = (char)(1 + fz_below(r, 0x7f));
        buf[n] = '\0';
        return json_string(buf);
    }
}

json_t *
fz_json_value(struct fz_rng *r, const char *const *dict, int depth)
{
    static const long long ints[] = {0,
                                     1,
                                     -1,
                                     INT64_MAX,
                                     INT64_MIN,
                                     INT64_MAX - 1,
                                     INT64_MIN + 1,
                                     9007199254740993LL,
                                     4294967296LL,
                                     2147483648LL,
                                     -2147483649LL,
                                     86400,
                                     86401,
                                     FZ_NOW,
                                     FZ_NOW - 30,
                                     FZ_NOW - 31,
                                     FZ_NOW + 30,
                                     FZ_NOW + 31,
                                     FZ_NOW + FZ_LIFETIME,
                                     FZ_NOW + 1000000000LL};
    static const double reals[] = {0.5, -0.0, 1e308, -1e308, 1767226200.0, 1767225600.5, 2.5e-308};
    json_t *v;

    switch (fz_below(r, depth > 0 ? 10 : 7)) {
    case 0:
    case 1:
    case 2:
        return fz_json_string(r, dict);
    case 3:
        return json_integer(fz_one_in(r, 4) ? (json_int_t)fz_next(r)
                                            : ints[fz_below(r, sizeof(ints) / sizeof(ints[0]))]);
    case 4:
        return json_real(reals[fz_below(r, sizeof(reals) / sizeof(reals[0]))]);
    case 5:
        return fz_one_in(r, 2) ? json_true() : json_false();
    case 6:
        return json_null();
    case 7:
    case 8:
        v = json_array();
        for (size_t i = fz_below(r, 4); i > 0; i--)
            json_array_append_new(v, fz_json_value(r, dict, depth - 1));
        return v;
    default:
        v = json_object();
        for (size_t i = fz_below(r, 4); i > 0; i--) {
            json_t *s = fz_json_string(r, dict);
            if (json_is_string(s))
                json_object_set_new(v, json_string_value(s), fz_json_value(r, dict, depth - 1));
            json_decref(s);
        }
        return v;
    }
}

/* A random container inside v (v itself included). */
static json_t *
fz_json_pick(struct fz_rng *r, json_t *v)
{
    for (int hops = 0; hops < 16 && fz_one_in(r, 2); hops++) {
        json_t *kids[64], *c;
        size_t n = 0, i;
        const char *k;

        if (json_is_object(v)) {
            json_object_foreach(v, k, c)
            {
                if ((json_is_object(c) || json_is_array(c)) && n < 64)
                    kids[n++] = c;
            }
        } else {
            json_array_foreach(v, i, c)
            {
                if ((json_is_object(c) || json_is_array(c)) && n < 64)
                    kids[n++] = c;
            }
        }
        if (n == 0)
            break;
        v = kids[fz_below(r, n)];
    }
    return v;
}

void
fz_json_mutate(struct fz_rng *r, json_t *root, const char *const *names, const char *const *values)
{
    json_t *v = fz_json_pick(r, root);
    size_t nn = fz_count(names);

    if (json_is_object(v)) {
        const char *keys[128], *k;
        json_t *c;
        size_t n = 0;

        json_object_foreach(v, k, c)
        {
            if (n < 128)
                keys[n++] = k;
        }
        switch (fz_below(r, 4)) {
        case 0: /* delete a member */
            if (n > 0) {
                json_object_del(v, keys[fz_below(r, n)]);
                break;
            }
            /* fall through */
        case 1: { /* add or overwrite a known name */
            char name[64];
            if (nn > 0 && !fz_one_in(r, 8))
                snprintf(name, sizeof(name), "%s", names[fz_below(r, nn)]);
            else
                snprintf(name, sizeof(name), "x%u", (unsigned)fz_below(r, 1000));
            json_object_set_new(v, name, fz_json_value(r, values, 3));
            break;
        }
        default: /* replace a member's value */
            if (n > 0)
                json_object_set_new(v, keys[fz_below(r, n)], fz_json_value(r, values, 3));
            break;
        }
    } else if (json_is_array(v)) {
        size_t n = json_array_size(v);
        switch (fz_below(r, 3)) {
        case 0:
            if (n > 0) {
                json_array_remove(v, fz_below(r, n));
                break;
            }
            /* fall through */
        case 1:
            json_array_insert_new(v, fz_below(r, n + 1), fz_json_value(r, values, 3));
            break;
        default:
            if (n > 0)
                json_array_set_new(v, fz_below(r, n), fz_json_value(r, values, 3));
            break;
        }
    }
}

char *
fz_json_dump(struct fz_rng *r, const json_t *v)
{
    size_t flags = JSON_ENCODE_ANY;

    switch (fz_below(r, 4)) {
    case 0:
        flags |= JSON_COMPACT;
        break;
    case 1:
        flags |= JSON_INDENT(fz_below(r, 4));
        break;
    case 2:
        flags |= JSON_SORT_KEYS | JSON_COMPACT;
        break;
    default:
        flags |= JSON_ENSURE_ASCII;
        break;
    }
    return json_dumps(v, flags);
}

/* Positions of the object keys in a JSON text: a '"' after '{' or ',' (whitespace skipped). */
static size_t
fz_key_positions(const struct fz_buf *b, size_t *out, size_t max)
{
    size_t n = 0;
    int in_str = 0;

    for (size_t i = 0; i < b->len && n < max; i++) {
        uint8_t c = b->p[i];
        if (in_str) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_str = 0;
            continue;
        }
        if (c == '"') {
            size_t j = i;
            while (j > 0 && (b->p[j - 1] == ' ' || b->p[j - 1] == '\n' || b->p[j - 1] == '\t'))
                j--;
            if (j > 0 && (b->p[j - 1] == '{' || b->p[j - 1] == ','))
                out[n++] = i;
            in_str = 1;
        }
    }
    return n;
}

/* End of the JSON string that starts at p[at] (the index of its closing quote), or 0. */
static size_t
fz_string_end(const struct fz_buf *b, size_t at)
{
    for (size_t i = at + 1; i < b->len; i++) {
        if (b->p[i] == '\\')
            i++;
        else if (b->p[i] == '"')
            return i;
    }
    return 0;
}

void
fz_json_text_mutate(struct fz_rng *r, struct fz_buf *b)
{
    static const char *const values[] = {"1e400",
                                         "-1e400",
                                         "99999999999999999999",
                                         "-99999999999999999999",
                                         "9223372036854775807",
                                         "-9223372036854775808",
                                         "9223372036854775808",
                                         "1767226200.0",
                                         "1.7672262e9",
                                         "1767226200e0",
                                         "\"1767226200\"",
                                         "[1767226200]",
                                         "{\"$numberLong\":\"1767226200\"}",
                                         "null",
                                         "-0",
                                         "0x10",
                                         "01767226200",
                                         "NaN",
                                         "Infinity",
                                         "true",
                                         "[[\"ees1.edge.test\"]]",
                                         "[\"ees1.edge.test\",[\"ees2.edge.test\"]]",
                                         "[]",
                                         "{}",
                                         "\"\\u0000\"",
                                         "\"\\ud800\"",
                                         "\"\xff\"",
                                         "\"a\\u0000b\""};
    size_t keys[256], nk = fz_key_positions(b, keys, 256), at, end;
    const char *obj;

    obj = memchr(b->p, '{', b->len);
    switch (fz_below(r, 9)) {
    case 0: /* duplicate a member name with another value (or the same) */
        if (nk > 0 && obj != NULL && (at = keys[fz_below(r, nk)]) > 0 &&
            (end = fz_string_end(b, at)) > 0) {
            struct fz_buf m = {0};
            fz_buf_add(&m, b->p + at, end - at + 1);
            fz_buf_addf(&m, ":%s,", values[fz_below(r, sizeof(values) / sizeof(values[0]))]);
            fz_insert(b, (size_t)(obj - (const char *)b->p) + 1, m.p, m.len);
            fz_buf_free(&m);
        }
        break;
    case 1: { /* deep nesting in an extra member */
        static const size_t depths[] = {16, 1000, 2046, 2047, 2048, 2049, 5000, 200000};
        size_t d = depths[fz_below(r, sizeof(depths) / sizeof(depths[0]))];
        struct fz_buf m = {0};
        fz_buf_adds(&m, "\"deep\":");
        int objects = fz_one_in(r, 2);
        for (size_t i = 0; i < d; i++)
            fz_buf_adds(&m, objects ? "{\"a\":" : "[");
        if (objects)
            fz_buf_adds(&m, "1");
        for (size_t i = 0; i < d; i++)
            fz_buf_add(&m, objects ? "}" : "]", 1);
        fz_buf_add(&m, ",", 1);
        if (obj != NULL)
            fz_insert(b, (size_t)(obj - (const char *)b->p) + 1, m.p, m.len);
        fz_buf_free(&m);
        break;
    }
    case 2:
    case 3: /* replace a member's value with an odd one */
        if (nk > 0 && (end = fz_string_end(b, keys[fz_below(r, nk)])) > 0) {
            size_t v = end + 1, e;
            int depth = 0, in_str = 0;
            while (v < b->len && (b->p[v] == ':' || b->p[v] == ' '))
                v++;
            for (e = v; e < b->len; e++) {
                uint8_t c = b->p[e];
                if (in_str) {
                    if (c == '\\')
                        e++;
                    else if (c == '"')
                        in_str = 0;
                } else if (c == '"') {
                    in_str = 1;
                } else if (c == '{' || c == '[') {
                    depth++;
                } else if (c == '}' || c == ']') {
                    if (depth-- == 0)
                        break;
                } else if (c == ',' && depth == 0) {
                    break;
                }
            }
            if (e > b->len)
                e = b->len;
            fz_erase(b, v, e - v);
            const char *nv = values[fz_below(r, sizeof(values) / sizeof(values[0]))];
            fz_insert(b, v, nv, strlen(nv));
        }
        break;
    case 4: { /* trailing bytes */
        static const char *const tails[] = {" ", "\n", "x", "}", "{}", ",", "\x00", "\xef\xbb\xbf"};
        const char *t = tails[fz_below(r, sizeof(tails) / sizeof(tails[0]))];
        fz_buf_add(b, t, t[0] ? strlen(t) : 1);
        break;
    }
    case 5: /* a BOM in front */
        fz_insert(b, 0, "\xef\xbb\xbf", 3);
        break;
    case 6: /* whitespace between tokens: the same document */
        if (b->len > 0) {
            for (size_t i = 0; i < b->len; i++)
                if ((b->p[i] == ':' || b->p[i] == ',') && fz_one_in(r, 3)) {
                    fz_insert(b, i + 1, " \t\r\n", 1 + fz_below(r, 4));
                    break;
                }
        }
        break;
    case 7: /* \u-escape a letter inside a string: the same document */
        for (int tries = 0; tries < 8 && nk > 0; tries++) {
            size_t k = keys[fz_below(r, nk)], e2 = fz_string_end(b, k);
            if (e2 > k + 1) {
                char esc[8];
                size_t i = k + 1 + fz_below(r, e2 - k - 1);
                if (b->p[i] < 'a' || b->p[i] > 'z')
                    continue;
                snprintf(esc, sizeof(esc), "\\u%04x", b->p[i]);
                fz_erase(b, i, 1);
                fz_insert(b, i, esc, 6);
                break;
            }
        }
        break;
    default: /* a huge number member */
        if (obj != NULL) {
            char m[64];
            snprintf(m, sizeof(m), "\"n\":%s,",
                     values[fz_below(r, 7)]); /* the numeric ones come first */
            fz_insert(b, (size_t)(obj - (const char *)b->p) + 1, m, strlen(m));
        }
        break;
    }
}

/* ---- base64url ---- */

static const char fz_b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

char *
fz_b64url(const uint8_t *in, size_t n)
{
    char *out = malloc(n / 3 * 4 + 5), *o = out;
    size_t i;

    if (out == NULL)
        abort();
    for (i = 0; i + 3 <= n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
        for (int k = 18; k >= 0; k -= 6)
            *o++ = fz_b64[v >> k & 63];
    }
    if (n - i == 1) {
        *o++ = fz_b64[in[i] >> 2];
        *o++ = fz_b64[(in[i] & 3) << 4];
    } else if (n - i == 2) {
        *o++ = fz_b64[in[i] >> 2];
        *o++ = fz_b64[(in[i] & 3) << 4 | in[i + 1] >> 4];
        *o++ = fz_b64[(in[i + 1] & 15) << 2];
    }
    *o = '\0';
    return out;
}

int
fz_b64url_decode(const char *in, size_t len, uint8_t *out, size_t *out_len)
{
    uint32_t acc = 0;
    int bits = 0;
    size_t o = 0;

    for (size_t i = 0; i < len; i++) {
        const char *p = in[i] != '\0' ? strchr(fz_b64, in[i]) : NULL;
        if (p == NULL)
            return -1;
        acc = acc << 6 | (uint32_t)(p - fz_b64);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (uint8_t)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    /* Canonical: 0, 2 or 4 leftover bits, all zero. */
    if (bits >= 6 || acc != 0)
        return -1;
    *out_len = o;
    return 0;
}

/* ---- findings ---- */

int
fz_printable(const char *s, int allow_quotes)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e ||
            (!allow_quotes && (*s == '"' || *s == '\\')))
            return 0;
    return 1;
}

void
fz_finding(const char *target, const uint8_t *in, size_t len, const char *fmt, ...)
{
    const char *dir = getenv("EDGESIM_FUZZ_OUT");
    char path[4096];
    va_list ap;
    FILE *f;

    fz_findings++;
    if (fz_findings > 20) {
        if (fz_findings == 21)
            printf("FINDING %s: more findings, not shown\n", target);
        return;
    }
    printf("FINDING %s: ", target);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n  input (%zu bytes): \"", len);
    for (size_t i = 0; i < len && i < 400; i++) {
        uint8_t c = in[i];
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c >= 0x20 && c < 0x7f)
            putchar(c);
        else
            printf("\\x%02x", c);
    }
    printf("%s\"\n", len > 400 ? "..." : "");
    snprintf(path, sizeof(path), "%s/fuzz-%s-%ld.in", dir != NULL && *dir ? dir : ".", target,
             fz_findings);
    if ((f = fopen(path, "wb")) != NULL) {
        fwrite(in, 1, len, f);
        fclose(f);
        printf("  saved as %s (replay: edge-fuzz %s --replay %s)\n", path, target, path);
    }
    fflush(stdout);
}

void
fz_note(const char *target, const uint8_t *in, size_t len, const char *fmt, ...)
{
    const char *dir = getenv("EDGESIM_FUZZ_OUT");
    char path[4096];
    va_list ap;
    FILE *f;

    if (++fz_notes > 3)
        return;
    printf("note %s: ", target);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    snprintf(path, sizeof(path), "%s/note-%s-%ld.in", dir != NULL && *dir ? dir : ".", target,
             fz_notes);
    if ((f = fopen(path, "wb")) != NULL) {
        fwrite(in, 1, len, f);
        fclose(f);
        printf(" (input saved as %s)", path);
    }
    printf("\n");
    fflush(stdout);
}

/* ---- keys ---- */

static struct fz_keys fz_k;

static int
fz_add_signing(struct keyring *kr, const char *issuer, const char *kid, EVP_PKEY *pk)
{
    char err[EDGE_ERR_LEN];
    BIO *bio = BIO_new(BIO_s_mem());
    char *pem;
    long n;
    int rc;

    if (bio == NULL || PEM_write_bio_PrivateKey(bio, pk, NULL, NULL, 0, NULL, NULL) != 1) {
        BIO_free(bio);
        return -1;
    }
    n = BIO_get_mem_data(bio, &pem);
    rc = keyring_add_signing_pem(kr, issuer, kid, pem, (size_t)n, err);
    if (rc < 0)
        fprintf(stderr, "fuzz: signing key %s/%s: %s\n", issuer, kid, err);
    BIO_free(bio);
    return rc;
}

const struct fz_keys *
fz_keys(void)
{
    static int done;
    char err[EDGE_ERR_LEN];
    char *jwks2 = NULL;

    if (done)
        return done > 0 ? &fz_k : NULL;
    done = -1;
    fz_k.issuer[0] = FZ_ECS1, fz_k.kid[0] = "k1";
    fz_k.issuer[1] = FZ_ECS1, fz_k.kid[1] = "k2";
    fz_k.issuer[2] = FZ_ECS2, fz_k.kid[2] = "k1";
    for (int i = 0; i < FZ_NKEYS; i++)
        if ((fz_k.pkey[i] = pki_key_new(err)) == NULL) {
            fprintf(stderr, "fuzz: key: %s\n", err);
            return NULL;
        }
    fz_k.ecs1 = keyring_new();
    fz_k.ecs2 = keyring_new();
    fz_k.ees = keyring_new();
    if (fz_k.ecs1 == NULL || fz_k.ecs2 == NULL || fz_k.ees == NULL ||
        fz_add_signing(fz_k.ecs1, FZ_ECS1, "k1", fz_k.pkey[0]) < 0 ||
        fz_add_signing(fz_k.ecs1, FZ_ECS1, "k2", fz_k.pkey[1]) < 0 ||
        fz_add_signing(fz_k.ecs2, FZ_ECS2, "k1", fz_k.pkey[2]) < 0)
        return NULL;
    /* The EES learns both ECSes' keys the way a deployment would: from their JWKS. */
    if ((fz_k.jwks1 = jwks_dump(fz_k.ecs1, FZ_ECS1, err)) == NULL ||
        (jwks2 = jwks_dump(fz_k.ecs2, FZ_ECS2, err)) == NULL ||
        jwks_load(fz_k.ees, FZ_ECS1, fz_k.jwks1, strlen(fz_k.jwks1), err) != 2 ||
        jwks_load(fz_k.ees, FZ_ECS2, jwks2, strlen(jwks2), err) != 1) {
        fprintf(stderr, "fuzz: JWKS set-up: %s\n", err);
        free(jwks2);
        return NULL;
    }
    free(jwks2);
    done = 1;
    return &fz_k;
}

char *
fz_sign(int k, const uint8_t *header, size_t hlen, const uint8_t *claims, size_t clen)
{
    char *h = fz_b64url(header, hlen), *p = fz_b64url(claims, clen), *s = NULL, *tok = NULL;
    struct fz_buf in = {0};
    unsigned char der[128], raw[64];
    const unsigned char *dp = der;
    size_t dlen = sizeof(der);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    ECDSA_SIG *es = NULL;

    fz_buf_addf(&in, "%s.%s", h, p);
    if (md == NULL || EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, fz_k.pkey[k]) != 1 ||
        EVP_DigestSign(md, der, &dlen, in.p, in.len) != 1 ||
        (es = d2i_ECDSA_SIG(NULL, &dp, (long)dlen)) == NULL ||
        BN_bn2binpad(ECDSA_SIG_get0_r(es), raw, 32) != 32 ||
        BN_bn2binpad(ECDSA_SIG_get0_s(es), raw + 32, 32) != 32) {
        fprintf(stderr, "fuzz: ES256 signing failed\n");
        abort();
    }
    s = fz_b64url(raw, sizeof(raw));
    fz_buf_addf(&in, ".%s", s);
    tok = (char *)in.p;
    ECDSA_SIG_free(es);
    EVP_MD_CTX_free(md);
    free(h);
    free(p);
    free(s);
    return tok;
}
