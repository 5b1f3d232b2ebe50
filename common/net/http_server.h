/* http_server.h -- the HTTPS server of an ECS/EES: HTTP/2 (libnghttp2) or strict HTTP/1.1 over
 * bufferevent_openssl, routed handlers, bounded resources.
 *
 * HTTP/2 over TLS 1.3, picked by ALPN, and HTTP/1.1 for clients that offer only that (DESIGN.md
 * "Wire protocol"; http_version.h). A handler gets a struct http_req: method,
 * path, {param} values, query, headers, body, and the peer the TLS handshake authenticated. It
 * ends in exactly one reply, now or later (http_req_hold() for a reply that waits on another
 * exchange, such as a token request the ECS forwards to a peer ECS). Errors are ProblemDetails
 * (problem.h). Every request received and every response sent is one event-log line, and so is
 * each connection's TLS outcome (kind "tls"): the handshake done, or failed (cause
 * TLS_HANDSHAKE_FAILED), or the peer's close, which is no failure (no cause; data.outcome
 * HTTP_SERVER_CLOSED, or HTTP_SERVER_CLOSED_BEFORE_HANDSHAKE when not a byte came).
 *
 * Bounds (each a refusal with a logged reason): a request's header section and body must be
 * complete within request_timeout_ms of the connection's start or of the request's first byte
 * (slowloris: cause REQUEST_TIMEOUT, the connection or HTTP/2 stream is closed); a connection
 * without a request in progress is closed after timeout_sec; connections beyond max_conns, or
 * beyond max_conns_per_peer from one IP address, are closed unread (cause CONNECTION_LIMIT): at
 * once, or, while the peer's other connections have unread input (their closes, perhaps), after up
 * to a few loop rounds (http_server_cap.c). HTTP/1.1 is parsed strictly (http1.h: 400 for what RFC
 * 9112 refuses); a request with two Host, Authorization or Content-Type fields gets 400 in either
 * version. HTTP/2 settings: HTTP_SERVER_H2_STREAMS concurrent streams, a header list of
 * HTTP_SERVER_H2_HEADER_LIST bytes (431 beyond), a stream window of HTTP_SERVER_H2_WINDOW bytes and
 * a connection window of HTTP_SERVER_H2_CONN_WINDOW (what a peer may send before the server has
 * read it), bodies of max_body (413). So one connection holds at most HTTP_SERVER_H2_STREAMS *
 * max_body of bodies. */
#ifndef EDGE_HTTP_SERVER_H
#define EDGE_HTTP_SERVER_H

#include <stddef.h>

#include <event2/event.h>
#include <jansson.h>

#include "base/evlog.h"
#include "net/http_form.h"
#include "net/http_version.h"
#include "net/peer.h"
#include "net/tls.h"

#define HTTP_SERVER_MAX_BODY (64 * 1024)
#define HTTP_SERVER_GRACE_MS 200          /* http_server_shutdown's default bound */
#define HTTP_SERVER_REQUEST_MS 10000      /* request_timeout_ms's default */
#define HTTP_SERVER_IDLE_SEC 30           /* timeout_sec's default */
#define HTTP_SERVER_MAX_CONNS 512         /* max_conns's default */
#define HTTP_SERVER_MAX_CONNS_PER_PEER 64 /* max_conns_per_peer's default */
#define HTTP_SERVER_H2_STREAMS 100        /* SETTINGS_MAX_CONCURRENT_STREAMS (RFC 9113 6.5.2) */
#define HTTP_SERVER_H2_HEADER_LIST ((size_t)16 * 1024) /* SETTINGS_MAX_HEADER_LIST_SIZE */
#define HTTP_SERVER_H2_WINDOW (64 * 1024)              /* SETTINGS_INITIAL_WINDOW_SIZE */
#define HTTP_SERVER_H2_CONN_WINDOW (1024 * 1024)

/* Causes of the event log lines of a refused connection or request. */
#define HTTP_SERVER_REQUEST_TIMEOUT "REQUEST_TIMEOUT"
#define HTTP_SERVER_CONNECTION_LIMIT "CONNECTION_LIMIT"

/* Outcomes of a connection that closed without failing (event log "data":{"outcome":...}). */
#define HTTP_SERVER_CLOSED "CLOSED"
#define HTTP_SERVER_CLOSED_BEFORE_HANDSHAKE "CLOSED_BEFORE_HANDSHAKE"
#define HTTP_MEDIA_JSON "application/json"
#define HTTP_MEDIA_FORM "application/x-www-form-urlencoded"

struct http_server;
struct http_req;

typedef void (*http_handler_fn)(struct http_req *req, void *arg);

struct http_server_config {
    const char *addr;          /* listen address, e.g. "198.18.1.10" or "127.0.0.1" */
    unsigned short port;       /* 0: an ephemeral port (see http_server_port) */
    struct tls_ctx *tls;       /* a server context; borrowed, must outlive the server */
    struct evlog *log;         /* borrowed; NULL: no event log */
    size_t max_body;           /* bytes; 0: HTTP_SERVER_MAX_BODY. Larger bodies get 413. */
    int timeout_sec;           /* idle timeout of a connection; 0: HTTP_SERVER_IDLE_SEC */
    enum http_version version; /* HTTP_VERSION_2 (default): h2, and http/1.1 for clients that
                                * offer only that; HTTP_VERSION_1_1: http/1.1 only */
    int request_timeout_ms;    /* headers and body of a request; 0: HTTP_SERVER_REQUEST_MS */
    int max_conns;             /* open connections; 0: HTTP_SERVER_MAX_CONNS */
    int max_conns_per_peer;    /* from one IP address; 0: HTTP_SERVER_MAX_CONNS_PER_PEER */
    /* Path prefixes that a client without a credential (a tls_ctx with server_cert_only) may
     * reach, NULL-ended (borrowed); any other request of such a client is answered 403
     * CLIENT_NOT_AUTHENTICATED before routing. NULL: none. */
    const char *const *open_paths;
};

struct http_server *http_server_new(struct event_base *base, const struct http_server_config *cfg,
                                    char *err);
/* Stop serving, gracefully: stop accepting connections; answer every held request 503
 * SERVICE_UNAVAILABLE, and any request that still arrives (HTTP/1.1: with "Connection: close";
 * HTTP/2: the connection gets a GOAWAY); call
 * done(arg), once, from the event loop, when every reply has been written, or after grace_ms
 * (0: HTTP_SERVER_GRACE_MS) at most. A held request stays valid after its 503: a reply its holder
 * sends later is dropped (and frees it). Free the server after done; a second call does nothing. */
void http_server_shutdown(struct http_server *srv, int grace_ms, void (*done)(void *arg),
                          void *arg);
int http_server_stopping(const struct http_server *srv);
/* Held requests still pending are answered 503 and freed: their holders must not reply after.
 * Replies still unwritten are lost (http_server_shutdown writes them first). */
void http_server_free(struct http_server *srv);
unsigned short http_server_port(const struct http_server *srv);
/* Route method + pattern (http_route.h) to fn. Unrouted paths get 404, known paths with another
 * method 405 with Allow. */
int http_server_route(struct http_server *srv, const char *method, const char *pattern,
                      http_handler_fn fn, void *arg, char *err);

/* The request, valid until its reply. */
const char *http_req_method(const struct http_req *req);
const char *http_req_path(const struct http_req *req); /* without the query */
const char *http_req_param(const struct http_req *req, const char *name);
const char *http_req_query(const struct http_req *req, const char *name);
const char *http_req_header(const struct http_req *req, const char *name);
/* The body, NUL-terminated for convenience (len excludes the NUL); "" when there is none. */
const char *http_req_body(const struct http_req *req, size_t *len);
const struct edge_peer *http_req_peer(const struct http_req *req);
long http_req_conn(const struct http_req *req);
/* Does Content-Type name media_type (case-insensitive, parameters ignored)? */
int http_req_has_type(const struct http_req *req, const char *media_type);
/* 0 if it does; else reply 415 ProblemDetails and return -1. */
int http_req_require_type(struct http_req *req, const char *media_type);
/* The body as JSON (new reference). Content-Type must be application/json or a
 * "+json" type, else 415; malformed JSON gets 400 naming jansson's line, column
 * and text. On NULL the reply is sent. */
json_t *http_req_json(struct http_req *req);
/* The body as a form, owned by req; NULL if malformed or not a form: then *status is 415 or 400
 * and err says why, and nothing is sent (the OAuth token endpoint answers in RFC 6749 terms). */
const struct http_form *http_req_form(struct http_req *req, int *status, char *err);

/* Replies: exactly one per request; a second one is dropped and logged. */
int http_reply_header(struct http_req *req, const char *name, const char *value);
void http_reply(struct http_req *req, int status, const char *content_type, const void *body,
                size_t len);
/* Steals body (NULL: no body). For status >= 400 its "cause" or OAuth "error" goes to the log. */
void http_reply_json(struct http_req *req, int status, json_t *body);
void http_reply_problem(struct http_req *req, int status, const char *cause, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Steals pd (problem.h); its status is the HTTP status. */
void http_reply_problem_json(struct http_req *req, json_t *pd);
/* The handler will reply later, from another callback; req stays valid until then. */
void http_req_hold(struct http_req *req);

#endif
