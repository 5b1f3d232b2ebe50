/* http_server_int.h -- the server, its connections and requests, shared by the http_server*.c and
 * http_req.c files; not part of the public surface (see http_server.h). */
#ifndef EDGE_HTTP_SERVER_INT_H
#define EDGE_HTTP_SERVER_INT_H

#include <stdint.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>
#include <openssl/ssl.h>

#include "base/err.h"
#include "base/json_text.h"
#include "net/http_route.h"
#include "net/http_server.h"

struct http_route_target;
struct http_sconn;

/* What the protocol of a connection (HTTP/1.1 or HTTP/2) does; chosen by ALPN. */
struct http_proto_ops {
    const char *name;                        /* "http/1.1", "h2" */
    int (*start)(struct http_sconn *sc);     /* the handshake is done */
    void (*read)(struct http_sconn *sc);     /* bytes arrived */
    void (*written)(struct http_sconn *sc);  /* the output buffer is empty */
    void (*stop)(struct http_sconn *sc);     /* the server shuts down */
    void (*idle)(struct http_sconn *sc);     /* the idle timer fired */
    void (*deadline)(struct http_sconn *sc); /* the connection's request deadline fired */
    /* Send the reply of req (its out headers are set); -1 when it cannot go. */
    int (*reply)(struct http_sconn *sc, struct http_req *req, int status, const void *body,
                 size_t len);
    void (*free)(struct http_sconn *sc);
};

extern const struct http_proto_ops http_h1_ops;
extern const struct http_proto_ops http_h2_ops;

/* One accepted connection. */
struct http_sconn {
    struct http_server *srv;
    struct bufferevent *bev;   /* NULL while accept runs the handshake */
    SSL *ssl;                  /* owned by bev (by sc while accept runs) */
    struct tls_accept *accept; /* PSKs from a key server: the handshake, driven by tls.h */
    evutil_socket_t fd;
    long id;
    char addr[64]; /* the peer's IP address, for the per-peer cap and logs */
    struct edge_peer peer;
    int peer_state; /* 1 known, -1 unusable (peer_err), 0 before the handshake */
    char peer_err[EDGE_ERR_LEN];
    const struct http_proto_ops *ops; /* NULL until the handshake is done */
    void *proto;                      /* the protocol's state */
    struct event *deadline;           /* the request deadline */
    struct event *idle;
    int closing;           /* close once the output is written */
    int dead;              /* closed: the reaper frees it */
    int pending;           /* replies handed to the protocol, not yet in the output buffer (h2) */
    int buffered;          /* replies in the output buffer, not yet written */
    struct http_req *reqs; /* requests handed to handlers and not answered */
    struct http_sconn *next, *prev;
};

struct http_server {
    struct event_base *base;
    struct evconnlistener *listener;
    struct tls_ctx *tls;
    struct evlog *log;
    enum http_version version;
    struct http_router *router;
    struct http_route_target **targets;
    size_t ntargets;
    size_t max_body;
    int idle_ms, request_ms, max_conns, max_conns_per_peer;
    const char *const *open_paths; /* what a client without a credential may reach */
    unsigned short port;
    long nconn;      /* connection numbers given so far */
    time_t date_sec; /* the Date field of replies (RFC 9110 6.6.1), formatted once a second */
    char date[40];
    struct jtext reply_text; /* a JSON reply's body, written here and copied out by the protocol */
    struct http_sconn *conns;
    struct http_parked *parked; /* over a cap, waiting for closes to be read (http_server_cap.c) */
    struct event *reaper;
    struct http_req *held; /* requests a handler will answer later */
    /* http_server_shutdown: replies not yet written, a timer bounding the wait (also made active
     * once they are), and whom to tell. */
    int stopping;
    int inflight;
    struct event *drain;
    void (*drained)(void *arg);
    void *drained_arg;
};

/* What a protocol read of one request, for http_req_new. */
struct http_req_in {
    const char *method;
    const char *target;        /* path and query, as received */
    struct evkeyvalq *headers; /* moved into the request (left empty) */
    struct evbuffer *body;     /* drained into the request */
    size_t body_len;           /* bytes the peer sent (more than body holds when too_large) */
    int too_large;
    int err_status; /* a refusal the protocol decided (400, 413, 431, ...), or 0 */
    const char *err;
};

struct http_req {
    struct http_server *srv;
    struct http_sconn *sc; /* NULL once the connection is gone (a reply is then dropped) */
    int32_t stream;        /* HTTP/2 stream; 0 with HTTP/1.1 */
    char method[16];
    char *path;
    struct evkeyvalq query;
    struct evkeyvalq headers; /* received */
    struct evkeyvalq out;     /* of the reply */
    char *body;
    size_t body_len;
    struct edge_peer peer;
    long conn;
    struct http_route_match match;
    struct http_form *form;
    int early_status; /* a reply decided before routing (413, bad query, no TLS) */
    const char *early_cause;
    char early_detail[EDGE_ERR_LEN];
    int in_dispatch;
    int replied;
    int held;
    int drained; /* held, answered 503 by http_server_shutdown: stays until its holder lets go */
    struct http_req *next, *prev;   /* in srv->held */
    struct http_req *cnext, *cprev; /* in sc->reqs */
};

/* A request read on sc; NULL when out of memory. It is in sc->reqs until answered. */
struct http_req *http_req_new(struct http_sconn *sc, int32_t stream, struct http_req_in *in);
void http_req_free(struct http_req *req);
/* Take req out of srv->held. */
void http_req_unhold(struct http_req *req);
/* The connection of req is gone (or its stream): a later reply is dropped. */
void http_req_detach(struct http_req *req);
/* The Date field value of a reply sent now (IMF-fixdate, RFC 9110 5.6.7). */
const char *http_server_date(struct http_server *srv);
/* Route req and run its handler (http_server.c). */
void http_server_dispatch(struct http_req *req);

/* http_server_conn.c: the connection all protocols share. -1: the caller closes fd. */
int http_sconn_accept(struct http_server *srv, evutil_socket_t fd, const struct sockaddr *sa,
                      int salen);
/* Open the connection of fd from addr, the caps passed; -1: the caller closes fd. */
int http_sconn_open(struct http_server *srv, evutil_socket_t fd, const char *addr);

/* http_server_cap.c: the caps. OPEN: open it now; PARKED: it waits some loop rounds and is opened
 * or refused then (fd is the cap's); REFUSED: the reason is logged, the caller closes fd. */
enum { HTTP_CAP_OPEN, HTTP_CAP_PARKED, HTTP_CAP_REFUSED };
int http_cap_admit(struct http_server *srv, evutil_socket_t fd, const char *addr);
/* Close the connections waiting for another look (the server stops). */
void http_cap_drop_parked(struct http_server *srv);
/* Close sc (now: the reaper frees it); reason NULL: an ordinary close, not logged. */
void http_sconn_close(struct http_sconn *sc, const char *cause, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Close once the output is written. */
void http_sconn_close_after_write(struct http_sconn *sc);
void http_sconn_free(struct http_sconn *sc);
/* The request deadline: start (again) or stop; the idle timer likewise. */
void http_sconn_deadline(struct http_sconn *sc, int on);
void http_sconn_idle(struct http_sconn *sc, int on);
/* Records the TLS layer has read ahead wait for decryption: run the read event again. Called after
 * every read callback and wherever reading starts again. */
void http_sconn_read_more(struct http_sconn *sc);
/* A reply of sc went into its output buffer (counted until written). */
void http_sconn_buffered(struct http_sconn *sc, int n);
/* A log line about sc (dir "local" unless given). */
void http_sconn_log(struct http_sconn *sc, const char *cause, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Every reply written (or the connection gone)? Tell the one who shut the server down. */
void http_server_check_drained(struct http_server *srv);

#endif
