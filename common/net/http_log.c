/* http_log.c -- the data of an HTTP event line: the credential a message carries and why it was
 * refused (http_log.h). Only the scheme of an Authorization header is logged, never the token. */
#include "net/http_log.h"

#include <string.h>

#define HTTP_LOG_SCHEME_MAX 16
#define HTTP_LOG_DETAIL_MAX 240

static int
http_log_b64url(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
}

/* A JWS compact string starting at s (after its opening quote): "eyJ" (base64url of '{"'), three
 * base64url segments joined by two dots, then the closing quote. Its length, or 0. */
static size_t
http_log_jws_at(const char *s, const char *end)
{
    const char *p = s;
    int dots = 0;

    if (end - s < 3 || memcmp(s, "eyJ", 3) != 0)
        return 0;
    for (; p < end && (http_log_b64url(*p) || *p == '.'); p++)
        dots += *p == '.';
    return p < end && *p == '"' && dots == 2 && p[-1] != '.' ? (size_t)(p - s) : 0;
}

static int
http_log_jws_count(const char *body, size_t len)
{
    const char *p = body, *end = body + len;
    int n = 0;

    while (p < end && (p = memchr(p, '"', (size_t)(end - p))) != NULL) {
        size_t l = http_log_jws_at(p + 1, end);
        n += l > 0;
        p += 1 + l;
    }
    return n;
}

/* ProblemDetails detail, or an OAuth error_description, cut to a log line's length. */
static json_t *
http_log_detail(const char *body, size_t len)
{
    json_t *j = json_loadb(body, len, 0, NULL), *d;
    const char *s;
    json_t *out = NULL;

    d = json_object_get(j, "detail");
    if (!json_is_string(d))
        d = json_object_get(j, "error_description");
    if ((s = json_string_value(d)) != NULL)
        out = json_stringn(s, strnlen(s, HTTP_LOG_DETAIL_MAX));
    json_decref(j);
    return out;
}

json_t *
http_log_data(const char *authorization, int status, const char *body, size_t len)
{
    int tokens = body != NULL ? http_log_jws_count(body, len) : 0;
    json_t *detail = status >= 400 && body != NULL && len > 0 ? http_log_detail(body, len) : NULL;
    json_t *data;

    /* Most messages carry nothing to say: no object is made for them. */
    if (authorization == NULL && tokens == 0 && detail == NULL)
        return NULL;
    data = json_object();
    if (authorization != NULL) {
        size_t n = strcspn(authorization, " ");
        json_object_set_new(data, "auth",
                            json_stringn(authorization, n < HTTP_LOG_SCHEME_MAX ? n : 0));
    }
    if (tokens > 0)
        json_object_set_new(data, "tokens", json_integer(tokens));
    if (detail != NULL)
        json_object_set_new(data, "detail", detail);
    return data;
}
