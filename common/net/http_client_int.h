/* http_client_int.h -- the structs shared by the http_client*.c files; not part of the public
 * surface (see http_client.h). */
#ifndef EDGE_HTTP_CLIENT_INT_H
#define EDGE_HTTP_CLIENT_INT_H

#include <stdint.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/keyvalq_struct.h>
#include <openssl/ssl.h>

#include "base/err.h"
#include "net/http_client.h"

struct http_conn;
struct http_call;

/* What the protocol of a connection (HTTP/2 or HTTP/1.1, as ALPN chose) does. */
struct http_cproto {
    const char *name;
    int (*start)(struct http_conn *conn);                           /* the handshake is done */
    int (*submit)(struct http_conn *conn, struct http_call *call);  /* send a request */
    void (*read)(struct http_conn *conn);                           /* bytes arrived */
    void (*written)(struct http_conn *conn);                        /* output buffer empty */
    void (*eof)(struct http_conn *conn);                            /* the server closed */
    void (*cancel)(struct http_conn *conn, struct http_call *call); /* give up on call */
    int (*can_take)(struct http_conn *conn);                        /* another call now? */
    void (*free)(struct http_conn *conn);
};

extern const struct http_cproto http_c1_proto;
extern const struct http_cproto http_c2_proto;

struct http_conn {
    struct http_client *cl;
    struct bufferevent *bev;
    SSL *ssl; /* owned by bev */
    char *fqdn, *addr;
    unsigned short port;
    long id;
    const struct http_cproto *proto; /* NULL until the handshake is done */
    void *p;                         /* the protocol's state */
    int dead;
    int closed; /* the server closed it (EOF) */
    int clean;  /* between messages: a TLS close is in order */
    /* The server as the handshake proved it: 1 known, -1 unusable (peer_err says why), 0 not yet */
    int peer_state;
    struct edge_peer peer;
    char peer_err[EDGE_ERR_LEN];
    struct http_call *calls; /* the calls on this connection (waiting, or sent) */
    int ncalls;
    struct http_conn *next;
};

struct http_call {
    struct http_client *cl;
    struct http_conn *conn;
    struct event *timer;
    http_client_cb cb;
    void *arg;
    char method[16];
    char *fqdn, *addr, *path, *content_type;
    unsigned short port;
    char *body;
    size_t body_len;
    struct evkeyvalq headers; /* extra request headers */
    int64_t t0_ns;            /* edge_now_ns() when sent */
    int timeout_ms;           /* this call's deadline */
    int tries;
    int32_t stream;  /* HTTP/2: its stream, once sent */
    int sent;        /* the request left (part of it at least) */
    size_t body_off; /* HTTP/2: body bytes handed to nghttp2 */
    int stream_done; /* HTTP/2: its stream closed (stream_error, 0 when in order) */
    uint32_t stream_error;
    /* The answer, as it comes. */
    int status;
    struct evkeyvalq rheaders;
    struct evbuffer *rbody;
    size_t rbody_len;
    int complete; /* the whole answer is in */
    int refused;  /* HTTP/2: the server refused the stream unprocessed (GOAWAY, REFUSED_STREAM) */
    const char *bad;   /* a malformed answer: why */
    const char *reset; /* HTTP/2: the server reset the stream before a complete answer: how */
    struct http_call *next, *prev;   /* in cl->calls */
    struct http_call *cnext, *cprev; /* in conn->calls */
};

struct http_client {
    struct event_base *base;
    struct tls_ctx *tls;
    struct evlog *log;
    enum http_version version;
    int timeout_ms, retries, max_idle;
    struct sockaddr_storage source; /* http_client_config.source_addr; family 0: none */
    socklen_t source_len;
    char source_text[64]; /* as configured, for errors */
    long nconn;
    struct http_conn *conns;
    struct http_call *calls;
    struct event *reaper;
};

/* http_client_pool.c */
/* Put call on a reusable connection to its peer, or on a new one; it is sent once that is up. */
int http_conn_attach(struct http_client *cl, struct http_call *call, char *err);
/* Take call off its connection (a finished call); the connection stays or goes by the pool. */
void http_conn_detach(struct http_call *call);
/* Never reuse conn; free it from the event loop. */
void http_conn_kill(struct http_conn *conn);
void http_conn_free(struct http_conn *conn);
/* The reaper event's callback: frees dead connections. */
void http_client_reap(evutil_socket_t fd, short what, void *arg);
/* Who the server of conn is, as its handshake proved it. */
int http_conn_peer(struct http_conn *conn, struct edge_peer *peer, char *err);
/* The first OpenSSL error bufferevent_openssl queued for conn, or 0. */
unsigned long http_conn_ossl_error(struct http_conn *conn);

/* http_client.c */
/* The answer of call is complete (call->complete) or refused (call->bad): deliver it. */
void http_call_answered(struct http_call *call);
/* call failed without an answer (its connection closed or failed, which the caller has killed;
 * or its stream was reset). */
void http_call_failed(struct http_call *call);
/* Send call again on another connection: why NULL, it was never sent (HTTP/1.1 takes one call at
 * a time); else the server refused it unprocessed (HTTP/2 REFUSED_STREAM or GOAWAY), which is
 * logged, and a second refusal fails it. */
void http_call_resend(struct http_call *call, const char *why);
/* The Host / :authority of call (RFC 9110 7.2: with the port when it is not 443). */
void http_call_authority(const struct http_call *call, char *buf, size_t len);

#endif
