/* http_server.c -- listens for HTTPS, authenticates the peer, routes requests, enforces limits.
 *
 * evhttp does HTTP/1.1; each accepted connection gets an SSL from the node's server context
 * through evhttp_set_bevcb, so nothing is ever served in clear. The handshake outcome and every
 * request are event-log lines; requests and replies themselves are in http_req.c. */
#include "net/http_server_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <event2/bufferevent_ssl.h>
#include <event2/http.h>
#include <openssl/ssl.h>

#include "base/err.h"
#include "net/problem.h"

struct http_route_target {
    http_handler_fn fn;
    void *arg;
};

/* Log the TLS outcome of a connection: who authenticated, or why the handshake failed. A peer's
 * close is no failure: it has no cause (reports draw every cause as a failure), only an outcome. */
static void
http_server_tls_event(SSL *ssl, enum tls_event ev, const char *reason, void *arg)
{
    struct http_server *srv = arg;
    struct evlog_event e = {.dir = "in", .kind = "tls", .conn = tls_ssl_conn(ssl)};
    struct edge_peer peer;
    char err[EDGE_ERR_LEN], summary[EDGE_ERR_LEN + 64];
    json_t *data = NULL;

    if (ev == TLS_HANDSHAKE_FAILED) {
        snprintf(summary, sizeof(summary), "TLS handshake failed: %s", reason);
        e.cause = "TLS_HANDSHAKE_FAILED";
    } else if (ev == TLS_CLOSED_BEFORE_HANDSHAKE) {
        snprintf(summary, sizeof(summary), "connection closed before the TLS handshake");
        data = json_pack("{s:s}", "outcome", HTTP_SERVER_CLOSED_BEFORE_HANDSHAKE);
    } else if (ev == TLS_CLOSED) {
        if (tls_peer_get(ssl, &peer, err) == 0)
            e.peer = tls_peer_name(&peer);
        snprintf(summary, sizeof(summary), "TLS connection closed by the peer (%s)", reason);
        data = json_pack("{s:s}", "outcome", HTTP_SERVER_CLOSED);
    } else if (tls_peer_get(ssl, &peer, err) < 0) {
        snprintf(summary, sizeof(summary), "TLS handshake done, peer identity unusable: %s", err);
    } else {
        e.peer = tls_peer_name(&peer);
        snprintf(summary, sizeof(summary), "TLS handshake done (%s%s%s%s%s)",
                 peer.mode == EDGE_PEER_PSK ? "PSK " : "certificate",
                 peer.mode == EDGE_PEER_PSK ? peer.psk_identity : "",
                 peer.eec_id[0] ? ", EEC " : "", peer.eec_id, peer.gpsi[0] ? ", GPSI bound" : "");
    }
    e.summary = summary;
    e.data = data;
    evlog_write(srv->log, &e);
    json_decref(data);
}

static struct bufferevent *
http_server_bevcb(struct event_base *base, void *arg)
{
    struct http_server *srv = arg;
    struct bufferevent *bev;
    char err[EDGE_ERR_LEN];
    SSL *ssl;

    /* Returning NULL would make evhttp serve this connection in clear; http_server_dispatch
     * refuses any request that arrives without TLS. */
    if ((ssl = tls_ssl_new(srv->tls, NULL, err)) == NULL)
        return NULL;
    tls_ssl_set_conn(ssl, ++srv->nconn);
    tls_ssl_observe(ssl, http_server_tls_event, srv);
    bev = bufferevent_openssl_socket_new(base, -1, ssl, BUFFEREVENT_SSL_ACCEPTING,
                                         BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
    if (bev == NULL)
        SSL_free(ssl);
    return bev;
}

static void
http_server_dispatch(struct evhttp_request *ereq, void *arg)
{
    struct http_server *srv = arg;
    struct http_route_target *target;
    struct http_route_match m;
    struct http_req *req;

    if ((req = http_req_new(srv, ereq)) == NULL) {
        evhttp_send_error(ereq, HTTP_INTERNAL, "out of memory");
        return;
    }
    req->in_dispatch = 1;
    if (req->early_status != 0) {
        http_reply_problem(req, req->early_status, req->early_cause, "%s", req->early_detail);
        goto done;
    }
    if (srv->stopping) {
        http_reply_problem(req, 503, PROBLEM_SERVICE_UNAVAILABLE, "server shutting down");
        goto done;
    }
    switch (http_router_match(srv->router, req->method, req->path, &m)) {
    case HTTP_ROUTE_NO_PATH:
        http_reply_problem(req, 404, PROBLEM_RESOURCE_NOT_FOUND, "no resource at %s", req->path);
        break;
    case HTTP_ROUTE_NO_METHOD:
        http_reply_header(req, "Allow", m.allow);
        http_reply_problem(req, 405, PROBLEM_METHOD_NOT_ALLOWED, "%s is not allowed on %s (%s)",
                           req->method, req->path, m.allow);
        break;
    case HTTP_ROUTE_BAD_PATH:
        http_reply_problem(req, 400, PROBLEM_INVALID_MSG_FORMAT, "path %s: %s", req->path, m.why);
        break;
    case HTTP_ROUTE_FOUND:
        req->match = m;
        target = m.data;
        target->fn(req, target->arg);
        if (!req->replied && !req->held)
            http_reply_problem(req, 500, PROBLEM_SYSTEM_FAILURE,
                               "the handler of %s %s gave no reply", req->method, req->path);
        break;
    }
done:
    req->in_dispatch = 0;
    if (req->replied && !req->drained)
        http_req_free(req);
}

/* Once every reply is written, or the grace time is over: tell whoever shut the server down. */
static void
http_server_drain_cb(evutil_socket_t fd, short what, void *arg)
{
    struct http_server *srv = arg;
    void (*done)(void *) = srv->drained;
    struct evlog_event e = {.dir = "local", .kind = "http", .conn = -1};
    char summary[128];

    (void)fd, (void)what;
    if (done == NULL)
        return;
    srv->drained = NULL;
    event_del(srv->drain);
    if (srv->inflight > 0) {
        snprintf(summary, sizeof(summary), "shutdown: %d repl%s not written within the grace time",
                 srv->inflight, srv->inflight == 1 ? "y" : "ies");
        e.summary = summary;
        evlog_write(srv->log, &e);
    }
    done(srv->drained_arg);
}

static void
http_server_check_drained(struct http_server *srv)
{
    if (srv->stopping && srv->inflight <= 0 && srv->drained != NULL)
        event_active(srv->drain, EV_TIMEOUT, 1);
}

/* evhttp wrote the whole reply (with HTTP/1.1 and no pipelining, a connection has one at most). */
static void
http_server_reply_written(struct evhttp_request *ereq, void *arg)
{
    struct http_server *srv = arg;
    struct evhttp_connection *evcon = evhttp_request_get_connection(ereq);

    if (evcon != NULL)
        evhttp_connection_set_closecb(evcon, NULL, NULL);
    srv->inflight--;
    http_server_check_drained(srv);
}

/* The connection went before its reply was written (the client left): nothing more to wait for. */
static void
http_server_reply_lost(struct evhttp_connection *evcon, void *arg)
{
    struct http_server *srv = arg;

    evhttp_connection_set_closecb(evcon, NULL, NULL);
    srv->inflight--;
    http_server_check_drained(srv);
}

void
http_server_reply_started(struct http_server *srv, struct evhttp_request *ereq)
{
    struct evhttp_connection *evcon = evhttp_request_get_connection(ereq);

    if (evcon == NULL)
        return; /* the client has gone: evhttp drops the reply */
    srv->inflight++;
    evhttp_request_set_on_complete_cb(ereq, http_server_reply_written, srv);
    evhttp_connection_set_closecb(evcon, http_server_reply_lost, srv);
}

void
http_server_shutdown(struct http_server *srv, int grace_ms, void (*done)(void *arg), void *arg)
{
    struct http_req *req, *next;
    struct timeval tv;

    if (srv->stopping)
        return;
    srv->stopping = 1;
    srv->drained = done;
    srv->drained_arg = arg;
    if (srv->bound != NULL) {
        evhttp_del_accept_socket(srv->http, srv->bound);
        srv->bound = NULL;
    }
    for (req = srv->held; req != NULL; req = next) {
        next = req->next;
        if (req->drained)
            continue;
        req->drained = 1;
        http_reply_problem(req, 503, PROBLEM_SERVICE_UNAVAILABLE, "server shutting down");
    }
    grace_ms = grace_ms > 0 ? grace_ms : HTTP_SERVER_GRACE_MS;
    tv.tv_sec = grace_ms / 1000;
    tv.tv_usec = (suseconds_t)(grace_ms % 1000) * 1000;
    evtimer_add(srv->drain, &tv);
    http_server_check_drained(srv);
}

int
http_server_stopping(const struct http_server *srv)
{
    return srv->stopping;
}

struct http_server *
http_server_new(struct event_base *base, const struct http_server_config *cfg, char *err)
{
    struct http_server *srv = NULL;
    struct evhttp_bound_socket *bound;
    struct sockaddr_storage ss = {0};
    socklen_t sslen = sizeof(ss);
    size_t hard;

    if (cfg->tls == NULL || !tls_ctx_is_server(cfg->tls)) {
        edge_err(err, "HTTP server needs a TLS server context");
        goto fail;
    }
    if ((srv = calloc(1, sizeof(*srv))) == NULL || (srv->router = http_router_new()) == NULL) {
        edge_err(err, "out of memory");
        goto fail;
    }
    srv->base = base;
    srv->tls = cfg->tls;
    srv->log = cfg->log;
    srv->max_body = cfg->max_body > 0 ? cfg->max_body : (size_t)HTTP_SERVER_MAX_BODY;
    if ((srv->http = evhttp_new(base)) == NULL ||
        (srv->drain = evtimer_new(base, http_server_drain_cb, srv)) == NULL) {
        edge_err(err, "cannot create HTTP server");
        goto fail;
    }
    evhttp_set_bevcb(srv->http, http_server_bevcb, srv);
    evhttp_set_gencb(srv->http, http_server_dispatch, srv);
    evhttp_set_allowed_methods(srv->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_PUT |
                                              EVHTTP_REQ_DELETE | EVHTTP_REQ_PATCH |
                                              EVHTTP_REQ_HEAD | EVHTTP_REQ_OPTIONS);
    evhttp_set_default_content_type(srv->http, NULL);
    evhttp_set_timeout(srv->http, cfg->timeout_sec > 0 ? cfg->timeout_sec : 30);
    evhttp_set_max_headers_size(srv->http, (ev_ssize_t)16 * 1024);
    /* Bodies up to max_body reach the dispatcher; up to the hard cap they are read and answered
     * 413 ProblemDetails; beyond it evhttp itself answers 413 and closes, so that a huge
     * Content-Length costs neither memory nor the time to read it. */
    hard =
        srv->max_body < (size_t)64 * 1024 ? srv->max_body + (size_t)64 * 1024 : srv->max_body * 2;
    evhttp_set_max_body_size(srv->http, (ev_ssize_t)hard);
    srv->bound = bound = evhttp_bind_socket_with_handle(srv->http, cfg->addr, cfg->port);
    if (bound == NULL) {
        edge_err(err, "cannot listen on %s port %u: %s", cfg->addr, cfg->port, strerror(errno));
        goto fail;
    }
    if (getsockname(evhttp_bound_socket_get_fd(bound), (struct sockaddr *)&ss, &sslen) < 0) {
        edge_err(err, "cannot read the address of the listening socket: %s", strerror(errno));
        goto fail;
    }
    if (ss.ss_family == AF_INET6 && sslen >= (socklen_t)sizeof(struct sockaddr_in6)) {
        struct sockaddr_in6 sin6;

        memcpy(&sin6, &ss, sizeof(sin6));
        srv->port = ntohs(sin6.sin6_port);
    } else if (ss.ss_family == AF_INET && sslen >= (socklen_t)sizeof(struct sockaddr_in)) {
        struct sockaddr_in sin;

        memcpy(&sin, &ss, sizeof(sin));
        srv->port = ntohs(sin.sin_port);
    } else {
        edge_err(err, "the listening socket's address is of family %d, not IPv4 or IPv6",
                 (int)ss.ss_family);
        goto fail;
    }
    return srv;
fail:
    http_server_free(srv);
    return NULL;
}

void
http_server_free(struct http_server *srv)
{
    struct http_req *req;
    size_t i;

    if (srv == NULL)
        return;
    srv->drained = NULL;
    while ((req = srv->held) != NULL) {
        if (req->drained) { /* answered by the shutdown; its holder never let go */
            http_req_unhold(req);
            http_req_free(req);
        } else {
            http_reply_problem(req, 503, PROBLEM_SERVICE_UNAVAILABLE, "server shutting down");
        }
    }
    if (srv->http != NULL)
        evhttp_free(srv->http);
    if (srv->drain != NULL)
        event_free(srv->drain);
    for (i = 0; i < srv->ntargets; i++)
        free(srv->targets[i]);
    free(srv->targets);
    http_router_free(srv->router);
    free(srv);
}

unsigned short
http_server_port(const struct http_server *srv)
{
    return srv->port;
}

int
http_server_route(struct http_server *srv, const char *method, const char *pattern,
                  http_handler_fn fn, void *arg, char *err)
{
    struct http_route_target *t, **targets;

    if ((t = malloc(sizeof(*t))) == NULL)
        return edge_err(err, "out of memory");
    t->fn = fn;
    t->arg = arg;
    /* An array of pointers: sizeof(*targets) is meant to be a pointer's size. */
    // NOLINTNEXTLINE(bugprone-sizeof-expression)
    targets = realloc(srv->targets, (srv->ntargets + 1) * sizeof(*targets));
    if (targets == NULL) {
        free(t);
        return edge_err(err, "out of memory");
    }
    srv->targets = targets;
    if (http_router_add(srv->router, method, pattern, t, err) < 0) {
        free(t);
        return -1;
    }
    srv->targets[srv->ntargets++] = t;
    return 0;
}
