/* http_server_int.h -- the server and request structs shared by http_server.c and http_req.c. */
#ifndef EDGE_HTTP_SERVER_INT_H
#define EDGE_HTTP_SERVER_INT_H

#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "base/err.h"
#include "net/http_route.h"
#include "net/http_server.h"

struct http_route_target;

struct http_server {
    struct event_base *base;
    struct evhttp *http;
    struct tls_ctx *tls;
    struct evlog *log;
    struct http_router *router;
    struct http_route_target **targets;
    size_t ntargets;
    size_t max_body;
    unsigned short port;
    long nconn;
    struct http_req *held; /* requests a handler will answer later */
    struct evhttp_bound_socket *bound;
    /* http_server_shutdown: replies handed to evhttp and not yet written, a timer bounding the wait
     * (also made active once they are), and whom to tell. */
    int stopping;
    int inflight;
    struct event *drain;
    void (*drained)(void *arg);
    void *drained_arg;
};

struct http_req {
    struct http_server *srv;
    struct evhttp_request *ereq; /* NULL once replied */
    char method[16];
    char *path;
    struct evkeyvalq query;
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
    struct http_req *next, *prev; /* in srv->held */
};

struct http_req *http_req_new(struct http_server *srv, struct evhttp_request *ereq);
void http_req_free(struct http_req *req);
/* Take req out of srv->held. */
void http_req_unhold(struct http_req *req);
/* A reply to ereq is handed to evhttp: count it until it is written or its connection closes. */
void http_server_reply_started(struct http_server *srv, struct evhttp_request *ereq);

#endif
