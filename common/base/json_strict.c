/* json_strict.c -- checks JSON values against field tables and names the field that is wrong. */
#include "base/json_strict.h"
#include "base/err.h"
#include "base/ipv4.h"
#include "sizes.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Longest key copied into a path: a hostile body may carry a huge key, and the
 * message only needs to let a person find it. */
#define JS_KEY_SHOWN 64

const char *
js_type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "object";
    case JSON_ARRAY:
        return "array";
    case JSON_STRING:
        return "string";
    case JSON_INTEGER:
        return "integer";
    case JSON_REAL:
        return "number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "boolean";
    case JSON_NULL:
        return "null";
    }
    return "unknown";
}

static const char *
js_type_label(enum js_type t)
{
    switch (t) {
    case JS_ANY:
        return "any value";
    case JS_STRING:
        return "string";
    case JS_INT:
        return "integer";
    case JS_BOOL:
        return "boolean";
    case JS_OBJECT:
        return "object";
    case JS_ARRAY:
        return "array";
    case JS_NUMBER:
        return "number";
    }
    return "unknown";
}

static int
js_type_ok(const json_t *v, enum js_type t)
{
    switch (t) {
    case JS_ANY:
        return 1;
    case JS_STRING:
        return json_is_string(v);
    case JS_INT:
        return json_is_integer(v);
    case JS_BOOL:
        return json_is_boolean(v);
    case JS_OBJECT:
        return json_is_object(v);
    case JS_ARRAY:
        return json_is_array(v);
    case JS_NUMBER:
        return json_is_number(v);
    }
    return 0;
}

/* A path too deep for the buffer ends in "..." rather than silently cut. */
static void
js_path_cut(char *out, size_t len, int n)
{
    if (n >= 0 && (size_t)n >= len && len > 4)
        memcpy(out + len - 4, "...", sizeof("..."));
}

/* Append ".name" (or "name" at the top level) to base. Bytes that would make
 * the message hard to read or unsafe in a log line become '?'. */
static void
js_path_key(char *out, size_t len, const char *base, const char *name)
{
    char shown[JS_KEY_SHOWN + 4];
    size_t i;
    int n;

    for (i = 0; name[i] != '\0' && i < JS_KEY_SHOWN; i++)
        shown[i] = ((unsigned char)name[i] < 0x20 || name[i] == 0x7f) ? '?' : name[i];
    shown[i] = '\0';
    if (name[i] != '\0')
        memcpy(shown + i, "...", sizeof("..."));
    if (base == NULL || base[0] == '\0')
        n = snprintf(out, len, "%s", shown);
    else
        n = snprintf(out, len, "%s.%s", base, shown);
    js_path_cut(out, len, n);
}

/* Append "[i]" to base. */
static void
js_path_index(char *out, size_t len, const char *base, size_t i)
{
    js_path_cut(out, len, snprintf(out, len, "%s[%zu]", base, i));
}

static const char *
js_path_shown(const char *path)
{
    return (path == NULL || path[0] == '\0') ? "(top level)" : path;
}

/* Write the sentence into err and return the code: every refusal of the decoder goes here. */
__attribute__((format(printf, 3, 4))) static enum js_fail
js_fail(char *err, enum js_fail code, const char *fmt, ...)
{
    va_list ap;

    if (err != NULL) {
        va_start(ap, fmt);
        // NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): va_start is the line above
        vsnprintf(err, EDGE_ERR_LEN, fmt, ap);
        va_end(ap);
    }
    return code;
}

static int
js_store(json_t *v, const struct js_field *f, void *dst)
{
    char *at = (char *)dst + f->store;

    switch (f->type) {
    case JS_STRING:
        *(const char **)(void *)at = json_string_value(v);
        break;
    case JS_INT:
        *(long long *)(void *)at = json_integer_value(v);
        break;
    case JS_BOOL:
        *(int *)(void *)at = json_is_true(v);
        break;
    case JS_NUMBER:
        *(double *)(void *)at = json_number_value(v);
        break;
    case JS_OBJECT:
    case JS_ARRAY:
    case JS_ANY:
        *(json_t **)(void *)at = v;
        break;
    }
    return 0;
}

static enum js_fail
js_decode_array(json_t *v, const char *path, const struct js_field *f, void *ctx, char *err)
{
    char epath[EDGE_ERR_LEN], why[EDGE_ERR_LEN];
    enum js_type items;
    enum js_fail rc;
    json_t *e;
    size_t i;

    if ((f->flags & JS_NONEMPTY) && json_array_size(v) == 0)
        return js_fail(err, JS_EVALUE, "%s: must not be empty", path);
    if (f->max_len > 0 && json_array_size(v) > f->max_len)
        return js_fail(err, JS_EVALUE, "%s: more than %zu elements", path, f->max_len);
    items = (f->items == JS_ANY && f->sub != NULL) ? JS_OBJECT : f->items;
    json_array_foreach(v, i, e)
    {
        js_path_index(epath, sizeof(epath), path, i);
        if (!js_type_ok(e, items))
            return js_fail(err, JS_ETYPE, "%s: expected %s, got %s", epath, js_type_label(items),
                           js_type_name(e));
        if (items == JS_OBJECT && f->sub != NULL &&
            (rc = js_decode_code(e, epath, f->sub, NULL, ctx, err)) != JS_OK)
            return rc;
        if (f->item_check != NULL && f->item_check(e, f, ctx, why) == -1)
            return js_fail(err, JS_EVALUE, "%s: %s", epath, why);
    }
    return JS_OK;
}

static enum js_fail
js_decode_value(json_t *v, const char *path, const struct js_field *f, void *dst, void *ctx,
                char *err)
{
    char why[EDGE_ERR_LEN];
    enum js_fail rc;

    if (json_is_null(v) && (f->flags & JS_NULLABLE))
        return JS_OK;
    if (!js_type_ok(v, f->type))
        return js_fail(err, JS_ETYPE, "%s: expected %s, got %s", path, js_type_label(f->type),
                       js_type_name(v));
    if (f->type == JS_STRING) {
        if (strlen(json_string_value(v)) != json_string_length(v))
            return js_fail(err, JS_EVALUE, "%s: contains a NUL character", path);
        if ((f->flags & JS_NONEMPTY) && json_string_length(v) == 0)
            return js_fail(err, JS_EVALUE, "%s: must not be empty", path);
        if (f->max_len > 0 && json_string_length(v) > f->max_len)
            return js_fail(err, JS_EVALUE, "%s: longer than %zu bytes", path, f->max_len);
    }
    if (f->type == JS_OBJECT && f->sub != NULL &&
        (rc = js_decode_code(v, path, f->sub, dst, ctx, err)) != JS_OK)
        return rc;
    if (f->type == JS_ARRAY && (rc = js_decode_array(v, path, f, ctx, err)) != JS_OK)
        return rc;
    if (f->check != NULL && f->check(v, f, ctx, why) == -1)
        return js_fail(err, JS_EVALUE, "%s: %s", path, why);
    if ((f->flags & JS_STORE) && dst != NULL)
        js_store(v, f, dst);
    return JS_OK;
}

static const struct js_field *
js_lookup(const struct js_field *table, const char *name, int *other)
{
    const struct js_field *f;

    *other = 0;
    for (f = table; f->name != NULL; f++) {
        if (strcmp(f->name, JS_OTHER) == 0)
            *other = 1;
        else if (strcmp(f->name, name) == 0)
            return f;
    }
    return NULL;
}

enum js_fail
js_decode_code(json_t *v, const char *path, const struct js_field *table, void *dst, void *ctx,
               char *err)
{
    char fpath[EDGE_ERR_LEN];
    const struct js_field *f;
    enum js_fail rc;
    const char *key;
    json_t *val;
    int other;

    if (!json_is_object(v))
        return js_fail(err, JS_ENOTOBJECT, "%s: expected object, got %s", js_path_shown(path),
                       v == NULL ? "nothing" : js_type_name(v));
    /* Fields in document order, so the first error is the first in the text. */
    json_object_foreach(v, key, val)
    {
        js_path_key(fpath, sizeof(fpath), path, key);
        if ((f = js_lookup(table, key, &other)) == NULL) {
            if (other)
                continue;
            return js_fail(err, JS_EUNKNOWN, "%s: unknown field", fpath);
        }
        if ((rc = js_decode_value(val, fpath, f, dst, ctx, err)) != JS_OK)
            return rc;
    }
    for (f = table; f->name != NULL; f++) {
        if (!(f->flags & JS_REQUIRED) || strcmp(f->name, JS_OTHER) == 0)
            continue;
        val = json_object_get(v, f->name);
        if (val == NULL || (json_is_null(val) && (f->flags & JS_NULLABLE))) {
            js_path_key(fpath, sizeof(fpath), path, f->name);
            return js_fail(err, JS_EMISSING, "%s: missing required field", fpath);
        }
    }
    return JS_OK;
}

int
js_decode(json_t *v, const char *path, const struct js_field *table, void *dst, void *ctx,
          char *err)
{
    return js_decode_code(v, path, table, dst, ctx, err) == JS_OK ? 0 : -1;
}

int
js_loads(const char *text, size_t len, json_t **out, char *err)
{
    json_error_t jerr;
    char *p;

    *out = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (*out == NULL) {
        /* jansson quotes the input near the error ("invalid token near '...'"): bytes that are not
         * printable ASCII become '?', as in field paths, so that no log line or ProblemDetails
         * detail carries control bytes or broken UTF-8 of the input. */
        for (p = jerr.text; *p != '\0'; p++)
            if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
                *p = '?';
        return edge_err(err, "line %d column %d: %s", jerr.line, jerr.column, jerr.text);
    }
    return 0;
}

/* Describe byte c for a message without echoing control bytes into a log. */
static void
js_show_byte(char *out, size_t len, unsigned char c)
{
    if (c > 0x20 && c < 0x7f)
        snprintf(out, len, "'%c'", c);
    else
        snprintf(out, len, "byte 0x%02x", c);
}

int
js_valid_fqdn(const char *s, char *why)
{
    size_t i, label, n, digits;
    char shown[16];

    if (s == NULL || s[0] == '\0')
        return edge_err(why, "not a valid FQDN (empty)");
    if ((n = strlen(s)) > EDGE_FQDN_MAX - 1)
        return edge_err(why, "not a valid FQDN (longer than %d bytes)", EDGE_FQDN_MAX - 1);
    label = 0;
    digits = 0;
    for (i = 0; i <= n; i++) {
        if (s[i] == '.' || s[i] == '\0') {
            if (label == 0)
                return edge_err(why, "not a valid FQDN (empty label)");
            if (label > 63)
                return edge_err(why, "not a valid FQDN (label longer than 63 bytes)");
            if (s[i - 1] == '-')
                return edge_err(why, "not a valid FQDN (label ends with '-')");
            if (s[i] == '\0' && digits == label)
                /* RFC 1123 2.1: a name must not look like a dotted address. */
                return edge_err(why, "not a valid FQDN (last label is all digits)");
            label = 0;
            digits = 0;
            continue;
        }
        if (s[i] >= '0' && s[i] <= '9') {
            digits++;
        } else if (s[i] == '-') {
            if (label == 0)
                return edge_err(why, "not a valid FQDN (label starts with '-')");
        } else if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z'))) {
            js_show_byte(shown, sizeof(shown), (unsigned char)s[i]);
            return edge_err(why, "not a valid FQDN (%s not allowed)", shown);
        }
        label++;
    }
    return 0;
}

/* extid parts are "[^@]+" in TS 29.571; edgesim also keeps them to visible
 * ASCII, since a GPSI is written into a certificate's SAN URI and into logs. */
static int
js_extid_part(const char *s, size_t n)
{
    size_t i;

    if (n == 0)
        return 0;
    for (i = 0; i < n; i++)
        if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f || s[i] == '@')
            return 0;
    return 1;
}

int
js_valid_gpsi(const char *s, char *why)
{
    const char *at;
    size_t n, i;

    if (s == NULL || (n = strlen(s)) == 0)
        return edge_err(why, "not a valid GPSI (empty)");
    if (n > EDGE_GPSI_MAX - 1)
        return edge_err(why, "not a valid GPSI (longer than %d bytes)", EDGE_GPSI_MAX - 1);
    if (strncmp(s, "msisdn-", 7) == 0) {
        for (i = 7; s[i] >= '0' && s[i] <= '9'; i++)
            ;
        if (s[i] == '\0' && i - 7 >= 5 && i - 7 <= 15)
            return 0;
        return edge_err(why, "not a valid GPSI (msisdn- takes 5 to 15 digits)");
    }
    if (strncmp(s, "extid-", 6) == 0) {
        s += 6;
        if ((at = strchr(s, '@')) != NULL && js_extid_part(s, (size_t)(at - s)) &&
            js_extid_part(at + 1, strlen(at + 1)))
            return 0;
        return edge_err(why, "not a valid GPSI (extid- takes <id>@<domain>, visible ASCII)");
    }
    return edge_err(why, "not a valid GPSI (expected msisdn-<digits> or extid-<id>@<domain>)");
}

int
js_valid_id(const char *s, char *why)
{
    char shown[16];
    size_t i;

    if (s == NULL || s[0] == '\0')
        return edge_err(why, "not a valid identifier (empty)");
    /* RFC 3986 unreserved characters: safe in a URN, a file name and a log. */
    for (i = 0; s[i] != '\0'; i++) {
        if (i >= EDGE_ID_MAX - 1)
            return edge_err(why, "not a valid identifier (longer than %d bytes)", EDGE_ID_MAX - 1);
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
              (s[i] >= '0' && s[i] <= '9') || strchr("-._~", s[i]) != NULL)) {
            js_show_byte(shown, sizeof(shown), (unsigned char)s[i]);
            return edge_err(why, "not a valid identifier (%s not allowed)", shown);
        }
    }
    return 0;
}

/* RFC 7542 2.2 utf8-atext, ASCII only: an A-KID is also a TLS PSK identity and a log field. */
static int
js_atext(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

int
js_valid_akid(const char *s, char *why)
{
    char shown[16], sub[EDGE_ERR_LEN];
    const char *at;
    size_t i;

    if (s == NULL || s[0] == '\0')
        return edge_err(why, "not a valid A-KID (empty)");
    if (strlen(s) > EDGE_ID_MAX - 1)
        return edge_err(why, "not a valid A-KID (longer than %d bytes)", EDGE_ID_MAX - 1);
    /* TS 33.535: username@realm, the NAI of RFC 7542 2.2; the username is a dot-string. */
    if ((at = strchr(s, '@')) == NULL)
        return edge_err(why, "not a valid A-KID (expected username@realm)");
    for (i = 0; s + i < at; i++) {
        if (s[i] == '.') {
            if (i == 0 || s[i - 1] == '.' || s + i + 1 == at)
                return edge_err(why, "not a valid A-KID (empty part of the username)");
        } else if (!js_atext(s[i])) {
            js_show_byte(shown, sizeof(shown), (unsigned char)s[i]);
            return edge_err(why, "not a valid A-KID (%s not allowed in the username)", shown);
        }
    }
    if (i == 0)
        return edge_err(why, "not a valid A-KID (empty username)");
    if (js_valid_fqdn(at + 1, sub) == -1)
        return edge_err(why, "not a valid A-KID (realm: %s)", sub);
    return 0;
}

int
js_valid_kid(const char *s, char *why)
{
    if (js_valid_id(s, why) == -1)
        return -1;
    if (strlen(s) > EDGE_KID_MAX)
        return edge_err(why, "not a valid kid (longer than %d bytes)", EDGE_KID_MAX);
    return 0;
}

int
js_valid_id_or_star(const char *s, char *why)
{
    if (s != NULL && strcmp(s, "*") == 0)
        return 0;
    return js_valid_id(s, why);
}

int
js_valid_enum(const char *s, const char *const *choices, char *why)
{
    char list[EDGE_ERR_LEN];
    size_t i, n, off = 0;

    for (n = 0; choices != NULL && choices[n] != NULL; n++)
        if (s != NULL && strcmp(s, choices[n]) == 0)
            return 0;
    /* "a" | "a" or "b" | "a", "b" or "c" */
    list[0] = '\0';
    for (i = 0; i < n && off < sizeof(list); i++) {
        int k = snprintf(list + off, sizeof(list) - off, "%s\"%s\"",
                         i == 0       ? ""
                         : i + 1 == n ? " or "
                                      : ", ",
                         choices[i]);
        off += k > 0 ? (size_t)k : 0;
    }
    return edge_err(why, "expected %s, got \"%.64s\"", list, s != NULL ? s : "");
}

static int
js_need_string(json_t *v, char *why)
{
    if (!json_is_string(v))
        return edge_err(why, "expected string, got %s", js_type_name(v));
    return 0;
}

int
js_check_fqdn(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    (void)f;
    (void)ctx;
    if (js_need_string(v, why) == -1)
        return -1;
    return js_valid_fqdn(json_string_value(v), why);
}

int
js_check_gpsi(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    (void)f;
    (void)ctx;
    if (js_need_string(v, why) == -1)
        return -1;
    return js_valid_gpsi(json_string_value(v), why);
}

int
js_check_id(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    (void)f;
    (void)ctx;
    if (js_need_string(v, why) == -1)
        return -1;
    return js_valid_id(json_string_value(v), why);
}

int
js_check_akid(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    (void)f;
    (void)ctx;
    if (js_need_string(v, why) == -1)
        return -1;
    return js_valid_akid(json_string_value(v), why);
}

int
js_check_kid(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    (void)f;
    (void)ctx;
    if (js_need_string(v, why) == -1)
        return -1;
    return js_valid_kid(json_string_value(v), why);
}

int
js_check_id_or_star(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    (void)f;
    (void)ctx;
    if (js_need_string(v, why) == -1)
        return -1;
    return js_valid_id_or_star(json_string_value(v), why);
}

int
js_check_fqdn_or_star(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    (void)f;
    (void)ctx;
    if (js_need_string(v, why) == -1)
        return -1;
    if (strcmp(json_string_value(v), "*") == 0)
        return 0;
    return js_valid_fqdn(json_string_value(v), why);
}

int
js_check_enum(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    (void)ctx;
    if (js_need_string(v, why) == -1)
        return -1;
    return js_valid_enum(json_string_value(v), f->choices, why);
}

int
js_check_cidr(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    struct ipv4_cidr c;

    (void)f;
    (void)ctx;
    if (js_need_string(v, why) == -1)
        return -1;
    return ipv4_cidr_parse(json_string_value(v), IPV4_CIDR_HOST, &c, why);
}

int
js_check_range(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    (void)ctx;
    if (json_is_integer(v)) {
        if (json_integer_value(v) < f->min || json_integer_value(v) > f->max)
            return edge_err(why, "%lld is out of range (%lld to %lld)",
                            (long long)json_integer_value(v), f->min, f->max);
        return 0;
    }
    if (json_is_real(v)) {
        if (json_real_value(v) < (double)f->min || json_real_value(v) > (double)f->max)
            return edge_err(why, "%g is out of range (%lld to %lld)", json_real_value(v), f->min,
                            f->max);
        return 0;
    }
    return edge_err(why, "expected number, got %s", js_type_name(v));
}

int
js_check_datetime(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    struct timespec ts;

    (void)f;
    (void)ctx;
    if (js_need_string(v, why) == -1)
        return -1;
    return js_time_parse(json_string_value(v), &ts, why);
}

/* Read exactly n decimal digits at *p and advance past them. */
static int
js_digits(const char **p, int n, int *out)
{
    int v = 0, i;

    for (i = 0; i < n; i++) {
        if ((*p)[i] < '0' || (*p)[i] > '9')
            return -1;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return 0;
}

static int
js_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int
js_time_parse(const char *s, struct timespec *out, char *why)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int year, mon, day, hour, min, sec, oh = 0, om = 0, sign = 0, ndig = 0;
    const char *p = s;
    long nsec = 0;
    struct tm tm;
    time_t t;

    if (s == NULL)
        return edge_err(why, "not an RFC 3339 date-time (empty)");
    if (js_digits(&p, 4, &year) == -1 || *p++ != '-' || js_digits(&p, 2, &mon) == -1 ||
        *p++ != '-' || js_digits(&p, 2, &day) == -1 || (*p != 'T' && *p != 't'))
        return edge_err(why, "not an RFC 3339 date-time (expected YYYY-MM-DDTHH:MM:SS)");
    p++;
    if (js_digits(&p, 2, &hour) == -1 || *p++ != ':' || js_digits(&p, 2, &min) == -1 ||
        *p++ != ':' || js_digits(&p, 2, &sec) == -1)
        return edge_err(why, "not an RFC 3339 date-time (expected YYYY-MM-DDTHH:MM:SS)");
    if (*p == '.') {
        for (p++; *p >= '0' && *p <= '9'; p++, ndig++)
            if (ndig < 9)
                nsec = nsec * 10 + (*p - '0');
        if (ndig == 0)
            return edge_err(why, "not an RFC 3339 date-time (no digits after '.')");
        for (; ndig < 9; ndig++)
            nsec *= 10;
    }
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        sign = *p++ == '+' ? 1 : -1;
        if (js_digits(&p, 2, &oh) == -1 || *p++ != ':' || js_digits(&p, 2, &om) == -1 || oh > 23 ||
            om > 59)
            return edge_err(why, "not an RFC 3339 date-time (bad offset, expected +HH:MM)");
    } else {
        return edge_err(why, "not an RFC 3339 date-time (expected Z or +HH:MM offset)");
    }
    if (*p != '\0')
        return edge_err(why, "not an RFC 3339 date-time (trailing characters)");
    if (mon < 1 || mon > 12 || day < 1 ||
        day > mdays[mon - 1] + (mon == 2 && js_leap(year) ? 1 : 0) || hour > 23 || min > 59 ||
        sec > 60)
        return edge_err(why, "not an RFC 3339 date-time (field out of range)");
    memset(&tm, 0, sizeof(tm));
    tm.tm_year = year - 1900;
    tm.tm_mon = mon - 1;
    tm.tm_mday = day;
    tm.tm_hour = hour;
    tm.tm_min = min;
    /* A leap second (:60) counts as the last second of its minute: POSIX
     * time has no slot for it. */
    tm.tm_sec = sec == 60 ? 59 : sec;
    t = timegm(&tm);
    out->tv_sec = t - (time_t)sign * (oh * 3600 + om * 60);
    out->tv_nsec = nsec;
    return 0;
}

int
js_time_format(time_t t, char *buf, size_t len)
{
    struct tm tm;

    if (gmtime_r(&t, &tm) == NULL || tm.tm_year + 1900 < 0 || tm.tm_year + 1900 > 9999)
        return -1;
    if (strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        return -1;
    return 0;
}
