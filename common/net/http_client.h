/* http_client.h -- the HTTPS client of edgesim nodes: async requests over kept-alive TLS 1.3
 * connections, HTTP/2 or HTTP/1.1.
 *
 * One client holds a small pool of connections per peer (expected FQDN, address, port). With
 * HTTP/2 (the default; ALPN "h2", RFC 9113) concurrent requests to a peer share one connection as
 * streams; with HTTP/1.1 (a server that picks "http/1.1", or a client set to it) an idle
 * connection is reused (persistent connections, RFC 9112 9.3). Responses are parsed strictly
 * (http1.h). An idle connection the client drops ends with a TLS close_notify (RFC 8446 6.1). Each
 * request has one deadline (the client's, or its own) covering connect, TLS handshake and response;
 * a request that fails is reported, never resent (retries are off by default: a protocol step must
 * not be silently repeated). The callback gets the status, headers, body and the server's identity
 * as the handshake proved it, or a sentence saying which phase failed and why. Requests and answers
 * are event-log lines. */
#ifndef EDGE_HTTP_CLIENT_H
#define EDGE_HTTP_CLIENT_H

#include <stddef.h>

#include <event2/event.h>
#include <event2/keyvalq_struct.h>

#include "base/err.h"
#include "base/evlog.h"
#include "net/http_version.h"
#include "net/peer.h"
#include "net/tls.h"

#define HTTP_CLIENT_TIMEOUT_MS 5000
#define HTTP_CLIENT_MAX_BODY ((size_t)1024 * 1024)

struct http_client_config {
    struct tls_ctx *tls;       /* a client context; borrowed, must outlive the client */
    struct evlog *log;         /* borrowed; NULL: no event log */
    int timeout_ms;            /* deadline of one request; 0: HTTP_CLIENT_TIMEOUT_MS */
    int retries;               /* times a failed connect is tried again; 0 (default): never */
    int max_idle;              /* idle connections kept per peer; 0: 2 */
    enum http_version version; /* HTTP_VERSION_2 (default): offer h2 and http/1.1;
                                * HTTP_VERSION_1_1: offer http/1.1 only */
    const char *source_addr;   /* numeric address connections leave from (to peers given by a
                                * numeric address of its family); NULL: the kernel's choice */
};

struct http_client_req {
    const char *method;       /* "GET", "POST", "PUT", "PATCH", "DELETE" */
    const char *fqdn;         /* expected server FQDN: certificate check, SNI, Host */
    const char *addr;         /* where to connect (numeric address or name); NULL: fqdn */
    unsigned short port;      /* 0: 443 */
    const char *path;         /* absolute path, with query if any */
    const char *content_type; /* of body; NULL when no body */
    const void *body;
    size_t body_len;
    const char *const *headers; /* extra headers: name, value, ..., NULL; may be NULL */
    int timeout_ms; /* this request's deadline; 0: the client's (a hop that waits on another hop
                     * needs a shorter one than its own caller's, to answer before it gives up) */
};

/* Stable words for a failure with no HTTP answer (the event log's cause). */
#define HTTP_CLIENT_CONNECT_REFUSED "CONNECT_REFUSED"
#define HTTP_CLIENT_CONNECT_FAILED "CONNECT_FAILED"
#define HTTP_CLIENT_CONNECT_TIMEOUT "CONNECT_TIMEOUT"
#define HTTP_CLIENT_TLS_FAILED "TLS_HANDSHAKE_FAILED"
#define HTTP_CLIENT_TLS_TIMEOUT "TLS_HANDSHAKE_TIMEOUT"
#define HTTP_CLIENT_PEER_MISMATCH "PEER_IDENTITY_MISMATCH"
#define HTTP_CLIENT_NO_RESPONSE "NO_RESPONSE"
#define HTTP_CLIENT_BAD_RESPONSE "BAD_RESPONSE"

struct http_client_resp {
    int status;                      /* HTTP status; 0 when no answer came (see error) */
    const char *error;               /* NULL, or what failed: "connect to ... refused" */
    const char *error_cause;         /* NULL, or one of the HTTP_CLIENT_* words */
    const struct evkeyvalq *headers; /* response headers, or NULL */
    const char *body;                /* NUL-terminated ("" if none) */
    size_t body_len;
    const struct edge_peer *peer; /* the server as authenticated; NULL when no answer came */
    double elapsed_ms;
    const char *protocol; /* "h2" or "http/1.1" when an answer came; NULL otherwise */
};

/* Called once per request; resp and what it points to live until the callback returns. */
typedef void (*http_client_cb)(const struct http_client_resp *resp, void *arg);

struct http_client;

struct http_client *http_client_new(struct event_base *base, const struct http_client_config *cfg,
                                    char *err);
/* Pending requests are cancelled: their callbacks run, from inside this call, with error
 * "client closed"; they must not use cl. */
void http_client_free(struct http_client *cl);
/* Start a request; cb runs later from the event loop (never from inside this call). */
int http_client_send(struct http_client *cl, const struct http_client_req *r, http_client_cb cb,
                     void *arg, char *err);
const char *http_client_resp_header(const struct http_client_resp *resp, const char *name);
struct event_base *http_client_base(const struct http_client *cl);
/* Connections currently open (busy or idle); for statistics and tests. */
size_t http_client_open_conns(const struct http_client *cl);

/* Blocking convenience for tools and tests: runs the client's event base until the answer. */
struct http_client_result {
    int status;
    char error[EDGE_ERR_LEN];
    const char *error_cause;
    struct evkeyvalq headers;
    char *body;
    size_t body_len;
    struct edge_peer peer;
    double elapsed_ms;
    char protocol[16]; /* "h2" or "http/1.1"; "" when no answer came */
};

/* 0 when an HTTP answer came (whatever its status); -1 with err (and out->error) otherwise.
 * Free out with http_client_result_free() in both cases. */
int http_client_fetch(struct http_client *cl, const struct http_client_req *r,
                      struct http_client_result *out, char *err);
void http_client_result_free(struct http_client_result *out);
const char *http_client_result_header(const struct http_client_result *out, const char *name);

#endif
