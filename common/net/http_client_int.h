/* http_client_int.h -- the structs shared by http_client.c and http_client_pool.c. */
#ifndef EDGE_HTTP_CLIENT_INT_H
#define EDGE_HTTP_CLIENT_INT_H

#include <sys/queue.h>
#include <time.h>

#include <event2/http.h>
#include <openssl/ssl.h>

#include "base/err.h"
#include "net/http_client.h"

struct http_conn {
    struct http_client *cl;
    struct evhttp_connection *evcon;
    struct bufferevent *bev; /* owned by evcon */
    SSL *ssl;                /* owned by bev */
    char *fqdn, *addr;
    unsigned short port;
    long id;
    int busy, dead;
    int clean; /* the last call got its whole answer: between messages, a TLS close is in order */
    /* The server as the handshake proved it: 1 known, -1 unusable (peer_err says why), 0 not yet */
    int peer_state;
    struct edge_peer peer;
    char peer_err[EDGE_ERR_LEN];
    struct http_conn *next;
};

struct http_call {
    struct http_client *cl;
    struct http_conn *conn;
    struct evhttp_request *ereq; /* until evhttp answers or we cancel */
    struct event *timer;
    http_client_cb cb;
    void *arg;
    enum evhttp_cmd_type cmd;
    char method[16];
    char *fqdn, *addr, *path, *content_type;
    unsigned short port;
    char *body;
    size_t body_len;
    struct evkeyvalq headers; /* extra request headers */
    int64_t t0_ns;            /* edge_now_ns() when sent */
    int timeout_ms;           /* this call's deadline */
    int tries;
    int error, have_error; /* from evhttp's error callback */
    int cancelling;
    struct http_call *next, *prev;
};

struct http_client {
    struct event_base *base;
    struct tls_ctx *tls;
    struct evlog *log;
    int timeout_ms, retries, max_idle;
    long nconn;
    struct http_conn *conns;
    struct http_call *calls;
    struct event *reaper;
};

/* A reusable idle connection to the call's peer, or a new one. */
struct http_conn *http_conn_get(struct http_client *cl, const struct http_call *call, char *err);
/* The connection's backstop timeout, beyond a call deadline of timeout_ms. */
void http_conn_set_deadline(struct http_conn *conn, int timeout_ms);
/* After a call: idle for reuse, or dead (too many idle, or closed). */
void http_conn_release(struct http_conn *conn);
/* Never reuse conn; free it from the event loop. */
void http_conn_kill(struct http_conn *conn);
void http_conn_free(struct http_conn *conn);
/* The reaper event's callback: frees dead connections. */
void http_client_reap(evutil_socket_t fd, short what, void *arg);
/* Who the server of conn is, as its handshake proved it (tls_peer_get()), also once evhttp has
 * reset the connection. */
int http_conn_peer(struct http_conn *conn, struct edge_peer *peer, char *err);
/* The first OpenSSL error bufferevent_openssl queued for conn, or 0. */
unsigned long http_conn_ossl_error(struct http_conn *conn);

#endif
