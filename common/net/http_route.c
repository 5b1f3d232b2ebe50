/* http_route.c -- matches a request's method and path against the server's route patterns. */
#include "base/hex.h"
#include "net/http_route.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"

struct http_seg {
    char *text; /* literal text, or the placeholder's name */
    int param;
};

struct http_route {
    char *method;
    char *pattern;
    struct http_seg segs[HTTP_ROUTE_MAX_SEGS];
    int nsegs;
    int literals;
    void *data;
};

struct http_router {
    struct http_route *routes;
    size_t n, cap;
};

struct http_router *
http_router_new(void)
{
    return calloc(1, sizeof(struct http_router));
}

static void
http_route_release(struct http_route *rt)
{
    int i;

    for (i = 0; i < rt->nsegs; i++)
        free(rt->segs[i].text);
    free(rt->method);
    free(rt->pattern);
}

void
http_router_free(struct http_router *r)
{
    size_t i;

    if (r == NULL)
        return;
    for (i = 0; i < r->n; i++)
        http_route_release(&r->routes[i]);
    free(r->routes);
    free(r);
}

static int
http_route_parse(struct http_route *rt, const char *pattern, char *err)
{
    const char *p = pattern + 1, *end;
    int nparams = 0, i;

    if (pattern[0] != '/')
        return edge_err(err, "route pattern %s does not start with /", pattern);
    if (strcmp(pattern, "/") == 0)
        return 0;
    for (;; p = end + 1) {
        struct http_seg *s;
        size_t len;

        end = strchr(p, '/');
        len = end != NULL ? (size_t)(end - p) : strlen(p);
        if (len == 0)
            return edge_err(err, "route pattern %s has an empty segment", pattern);
        if (rt->nsegs == HTTP_ROUTE_MAX_SEGS)
            return edge_err(err, "route pattern %s has more than %d segments", pattern,
                            HTTP_ROUTE_MAX_SEGS);
        s = &rt->segs[rt->nsegs];
        s->param = p[0] == '{';
        if (s->param && (len < 3 || p[len - 1] != '}' || memchr(p + 1, '{', len - 2) ||
                         memchr(p + 1, '}', len - 2)))
            return edge_err(err, "route pattern %s: malformed placeholder", pattern);
        if (!s->param && (memchr(p, '{', len) || memchr(p, '}', len)))
            return edge_err(err, "route pattern %s: a placeholder must be a whole segment",
                            pattern);
        if (s->param && ++nparams > HTTP_ROUTE_MAX_PARAMS)
            return edge_err(err, "route pattern %s has more than %d placeholders", pattern,
                            HTTP_ROUTE_MAX_PARAMS);
        s->text = s->param ? strndup(p + 1, len - 2) : strndup(p, len);
        if (s->text == NULL)
            return edge_err(err, "out of memory");
        rt->nsegs++;
        for (i = 0; s->param && i < rt->nsegs - 1; i++)
            if (rt->segs[i].param && strcmp(rt->segs[i].text, s->text) == 0)
                return edge_err(err, "route pattern %s repeats {%s}", pattern, s->text);
        rt->literals += !s->param;
        if (end == NULL)
            return 0;
    }
}

/* Two patterns are the same route if they differ only in placeholder names. */
static int
http_route_same_shape(const struct http_route *a, const struct http_route *b)
{
    int i;

    if (a->nsegs != b->nsegs || strcmp(a->method, b->method) != 0)
        return 0;
    for (i = 0; i < a->nsegs; i++) {
        if (a->segs[i].param != b->segs[i].param)
            return 0;
        if (!a->segs[i].param && strcmp(a->segs[i].text, b->segs[i].text) != 0)
            return 0;
    }
    return 1;
}

int
http_router_add(struct http_router *r, const char *method, const char *pattern, void *data,
                char *err)
{
    struct http_route rt;
    size_t i;

    memset(&rt, 0, sizeof(rt));
    if (method == NULL || *method == '\0' ||
        strspn(method, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != strlen(method))
        return edge_err(err, "route method must be an upper-case token");
    rt.data = data;
    rt.method = strdup(method);
    rt.pattern = strdup(pattern);
    if (rt.method == NULL || rt.pattern == NULL) {
        edge_err(err, "out of memory");
        goto fail;
    }
    if (http_route_parse(&rt, pattern, err) < 0)
        goto fail;
    for (i = 0; i < r->n; i++) {
        if (http_route_same_shape(&r->routes[i], &rt)) {
            edge_err(err, "route %s %s duplicates %s %s", method, pattern, r->routes[i].method,
                     r->routes[i].pattern);
            goto fail;
        }
    }
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        struct http_route *n = realloc(r->routes, cap * sizeof(*n));

        if (n == NULL) {
            edge_err(err, "out of memory");
            goto fail;
        }
        r->routes = n;
        r->cap = cap;
    }
    r->routes[r->n++] = rt;
    return 0;
fail:
    http_route_release(&rt);
    return -1;
}

/* Percent-decode one segment; NULL with why set if it is malformed. */
static char *
http_seg_decode(const char *p, size_t len, char *why, size_t whylen)
{
    char *out = malloc(len + 1), *o = out;
    size_t i;

    if (out == NULL) {
        snprintf(why, whylen, "out of memory");
        return NULL;
    }
    for (i = 0; i < len; i++) {
        if (p[i] != '%') {
            *o++ = p[i];
            continue;
        }
        if (i + 2 >= len) {
            snprintf(why, whylen, "truncated percent-encoding in path segment");
            goto fail;
        }
        if (hex_digit(p[i + 1]) < 0 || hex_digit(p[i + 2]) < 0) {
            snprintf(why, whylen, "bad percent-encoding in path segment");
            goto fail;
        }
        *o = (char)(hex_digit(p[i + 1]) << 4 | hex_digit(p[i + 2]));
        if (*o == '\0' || *o == '/') {
            snprintf(why, whylen, "path segment encodes %s", *o ? "a slash" : "a NUL byte");
            goto fail;
        }
        o++;
        i += 2;
    }
    *o = '\0';
    return out;
fail:
    free(out);
    return NULL;
}

struct http_split {
    const char *seg[HTTP_ROUTE_MAX_SEGS];
    size_t len[HTTP_ROUTE_MAX_SEGS];
    int n;
};

/* Split an absolute path into segments; -1 if it has too many to match any route. */
static int
http_path_split(const char *path, struct http_split *sp)
{
    const char *p = path + 1, *end;

    sp->n = 0;
    if (strcmp(path, "/") == 0)
        return 0;
    for (;; p = end + 1) {
        if (sp->n == HTTP_ROUTE_MAX_SEGS)
            return -1;
        end = strchr(p, '/');
        sp->seg[sp->n] = p;
        sp->len[sp->n] = end != NULL ? (size_t)(end - p) : strlen(p);
        sp->n++;
        if (end == NULL)
            return 0;
    }
}

static int
http_route_fits(const struct http_route *rt, const struct http_split *sp)
{
    int i;

    if (rt->nsegs != sp->n)
        return 0;
    for (i = 0; i < sp->n; i++) {
        if (rt->segs[i].param) {
            if (sp->len[i] == 0)
                return 0;
        } else if (strlen(rt->segs[i].text) != sp->len[i] ||
                   memcmp(rt->segs[i].text, sp->seg[i], sp->len[i]) != 0) {
            return 0;
        }
    }
    return 1;
}

static void
http_allow_add(char *allow, size_t len, const char *method)
{
    const char *p = allow;
    size_t mlen = strlen(method);

    for (; (p = strstr(p, method)) != NULL; p += mlen)
        if ((p == allow || p[-1] == ' ') && (p[mlen] == ',' || p[mlen] == '\0'))
            return;
    if (strlen(allow) + mlen + 3 > len)
        return;
    snprintf(allow + strlen(allow), len - strlen(allow), "%s%s", allow[0] != '\0' ? ", " : "",
             method);
}

enum http_route_result
http_router_match(const struct http_router *r, const char *method, const char *path,
                  struct http_route_match *m)
{
    const struct http_route *best = NULL;
    struct http_split sp = {0};
    size_t i;
    int k;

    memset(m, 0, sizeof(*m));
    if (path == NULL || path[0] != '/') {
        snprintf(m->why, sizeof(m->why), "request path is not absolute");
        return HTTP_ROUTE_BAD_PATH;
    }
    if (http_path_split(path, &sp) < 0)
        return HTTP_ROUTE_NO_PATH;
    for (i = 0; i < r->n; i++) {
        const struct http_route *rt = &r->routes[i];

        if (!http_route_fits(rt, &sp))
            continue;
        if (strcmp(rt->method, method) != 0) {
            http_allow_add(m->allow, sizeof(m->allow), rt->method);
            continue;
        }
        if (best == NULL || rt->literals > best->literals)
            best = rt;
    }
    if (best == NULL)
        return m->allow[0] != '\0' ? HTTP_ROUTE_NO_METHOD : HTTP_ROUTE_NO_PATH;
    m->allow[0] = '\0';
    m->data = best->data;
    m->pattern = best->pattern;
    for (k = 0; k < best->nsegs; k++) {
        if (!best->segs[k].param)
            continue;
        m->names[m->nparams] = best->segs[k].text;
        m->values[m->nparams] = http_seg_decode(sp.seg[k], sp.len[k], m->why, sizeof(m->why));
        if (m->values[m->nparams] == NULL) {
            http_route_match_clear(m);
            return HTTP_ROUTE_BAD_PATH;
        }
        m->nparams++;
    }
    return HTTP_ROUTE_FOUND;
}

void
http_route_match_clear(struct http_route_match *m)
{
    int i;

    for (i = 0; i < m->nparams; i++)
        free(m->values[i]);
    m->nparams = 0;
    m->data = NULL;
}

const char *
http_route_param(const struct http_route_match *m, const char *name)
{
    int i;

    for (i = 0; i < m->nparams; i++)
        if (strcmp(m->names[i], name) == 0)
            return m->values[i];
    return NULL;
}
