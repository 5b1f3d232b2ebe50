/* http_server.c -- listens for HTTPS, routes requests, stops gracefully.
 *
 * Each accepted connection is TLS from its first byte (http_server_conn.c) and speaks HTTP/2 or
 * HTTP/1.1 as ALPN decides (http_server_h2.c, http_server_h1.c); both hand complete requests to
 * the one dispatcher here. Requests and replies themselves are in http_req.c. */
#include "net/http_server_int.h"
#include "net/sockaddr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <event2/util.h>

#include "base/err.h"
#include "net/problem.h"

struct http_route_target {
    http_handler_fn fn;
    void *arg;
};

const char *
http_server_date(struct http_server *srv)
{
    time_t now = time(NULL);
    struct tm tm;

    if (now != srv->date_sec && gmtime_r(&now, &tm) != NULL) {
        evutil_date_rfc1123(srv->date, sizeof(srv->date), &tm);
        srv->date_sec = now;
    }
    return srv->date;
}

void
http_server_dispatch(struct http_req *req)
{
    struct http_server *srv = req->srv;
    struct http_route_target *target;
    struct http_route_match m;

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

void
http_server_check_drained(struct http_server *srv)
{
    if (srv->stopping && srv->inflight <= 0 && srv->drained != NULL)
        event_active(srv->drain, EV_TIMEOUT, 1);
}

void
http_server_shutdown(struct http_server *srv, int grace_ms, void (*done)(void *arg), void *arg)
{
    struct http_req *req, *next;
    struct http_sconn *sc, *scnext;
    struct timeval tv;

    if (srv->stopping)
        return;
    srv->stopping = 1;
    srv->drained = done;
    srv->drained_arg = arg;
    if (srv->listener != NULL) {
        evconnlistener_free(srv->listener); /* closes the socket: new connections are refused */
        srv->listener = NULL;
    }
    http_cap_drop_parked(srv);
    for (req = srv->held; req != NULL; req = next) {
        next = req->next;
        if (req->drained)
            continue;
        req->drained = 1;
        http_reply_problem(req, 503, PROBLEM_SERVICE_UNAVAILABLE, "server shutting down");
    }
    for (sc = srv->conns; sc != NULL; sc = scnext) {
        scnext = sc->next;
        if (sc->dead)
            continue;
        if (sc->ops == NULL)
            http_sconn_close(sc, NULL, NULL); /* no request can have come yet */
        else
            sc->ops->stop(sc);
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

static void
http_server_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int salen,
                   void *arg)
{
    (void)l;
    if (http_sconn_accept(arg, fd, sa, salen) < 0)
        evutil_closesocket(fd);
}

/* Free closed connections from the event loop, never from inside one of their callbacks. */
static void
http_server_reap(evutil_socket_t fd, short what, void *arg)
{
    struct http_server *srv = arg;
    struct http_sconn *sc, *next;

    (void)fd, (void)what;
    for (sc = srv->conns; sc != NULL; sc = next) {
        next = sc->next;
        if (sc->dead)
            http_sconn_free(sc);
    }
    http_server_check_drained(srv);
}

/* Parse the listen address, bind and listen; the port the kernel gave when port is 0. */
static int
http_server_listen(struct http_server *srv, const char *addr, unsigned short port, char *err)
{
    struct sockaddr_storage ss;
    struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
    socklen_t sslen;
    const unsigned flags = LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_EXEC;

    if (net_sockaddr(addr, port, &ss, &sslen) < 0)
        return edge_err(err, "listen address %s is not a numeric IPv4 or IPv6 address",
                        addr != NULL ? addr : "(none)");
    /* A deep backlog: a burst of connections (slow ones among them) must not drop the SYN of a
     * valid client, which would wait a whole retransmission timeout. */
    srv->listener = evconnlistener_new_bind(srv->base, http_server_accept, srv, flags, 1024,
                                            (struct sockaddr *)&ss, (int)sslen);
    if (srv->listener == NULL)
        return edge_err(err, "cannot listen on %s port %u: %s", addr, port, strerror(errno));
    sslen = sizeof(ss);
    if (getsockname(evconnlistener_get_fd(srv->listener), (struct sockaddr *)&ss, &sslen) < 0)
        return edge_err(err, "cannot read the address of the listening socket: %s",
                        strerror(errno));
    srv->port = ntohs(ss.ss_family == AF_INET6 ? sin6->sin6_port : sin->sin_port);
    return 0;
}

struct http_server *
http_server_new(struct event_base *base, const struct http_server_config *cfg, char *err)
{
    struct http_server *srv = NULL;

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
    srv->open_paths = cfg->open_paths;
    srv->version = cfg->version;
    srv->max_body = cfg->max_body > 0 ? cfg->max_body : (size_t)HTTP_SERVER_MAX_BODY;
    srv->idle_ms = (cfg->timeout_sec > 0 ? cfg->timeout_sec : HTTP_SERVER_IDLE_SEC) * 1000;
    srv->request_ms =
        cfg->request_timeout_ms > 0 ? cfg->request_timeout_ms : HTTP_SERVER_REQUEST_MS;
    srv->max_conns = cfg->max_conns > 0 ? cfg->max_conns : HTTP_SERVER_MAX_CONNS;
    srv->max_conns_per_peer =
        cfg->max_conns_per_peer > 0 ? cfg->max_conns_per_peer : HTTP_SERVER_MAX_CONNS_PER_PEER;
    if ((srv->drain = evtimer_new(base, http_server_drain_cb, srv)) == NULL ||
        (srv->reaper = event_new(base, -1, 0, http_server_reap, srv)) == NULL) {
        edge_err(err, "cannot create HTTP server");
        goto fail;
    }
    if (http_server_listen(srv, cfg->addr, cfg->port, err) < 0)
        goto fail;
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
    while (srv->conns != NULL)
        http_sconn_free(srv->conns);
    http_cap_drop_parked(srv);
    if (srv->listener != NULL)
        evconnlistener_free(srv->listener);
    if (srv->reaper != NULL)
        event_free(srv->reaper);
    if (srv->drain != NULL)
        event_free(srv->drain);
    for (i = 0; i < srv->ntargets; i++)
        free(srv->targets[i]);
    free(srv->targets);
    http_router_free(srv->router);
    jtext_free(&srv->reply_text);
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
