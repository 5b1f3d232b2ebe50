/* http_route.h -- the route table of the HTTP server: method + path patterns with {param} segments.
 *
 * A pattern is an absolute path whose segments are literals or {name} placeholders, as in the
 * 3GPP OpenAPI files ("/eecs-eesregistration/v1/registrations/{registrationId}"). A placeholder
 * matches one non-empty segment, percent-decoded (RFC 3986 2.1); a decoded value holding '/' or
 * NUL is refused. Where two patterns match, the one with more literal segments wins. */
#ifndef EDGE_HTTP_ROUTE_H
#define EDGE_HTTP_ROUTE_H

#define HTTP_ROUTE_MAX_PARAMS 8
#define HTTP_ROUTE_MAX_SEGS 16

enum http_route_result {
    HTTP_ROUTE_FOUND,
    HTTP_ROUTE_NO_PATH,   /* 404: no pattern matches the path */
    HTTP_ROUTE_NO_METHOD, /* 405: the path is known, not with this method; see allow */
    HTTP_ROUTE_BAD_PATH,  /* 400: the path cannot be decoded; see why */
};

struct http_route_match {
    void *data;          /* what http_router_add() was given */
    const char *pattern; /* owned by the router */
    int nparams;
    const char *names[HTTP_ROUTE_MAX_PARAMS]; /* owned by the router */
    char *values[HTTP_ROUTE_MAX_PARAMS];      /* decoded; freed by http_route_match_clear() */
    char allow[64];                           /* NO_METHOD: "GET, PUT, DELETE" */
    char why[96];                             /* BAD_PATH: what is wrong */
};

struct http_router;

struct http_router *http_router_new(void);
void http_router_free(struct http_router *r);
/* method: an upper-case HTTP method. Refuses a malformed or duplicate pattern. */
int http_router_add(struct http_router *r, const char *method, const char *pattern, void *data,
                    char *err);
/* path: the request path without query. m is filled in every case; clear it after use. */
enum http_route_result http_router_match(const struct http_router *r, const char *method,
                                         const char *path, struct http_route_match *m);
void http_route_match_clear(struct http_route_match *m);
/* The decoded value of {name}, or NULL. */
const char *http_route_param(const struct http_route_match *m, const char *name);

#endif
