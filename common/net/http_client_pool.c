/* http_client_pool.c -- the client's kept-alive TLS connections, one small pool per peer.
 *
 * evhttp cannot restart a TLS connection (its reconnect reuses the finished SSL object), so a
 * connection that closed is never reused: it is marked dead and freed from the event loop (never
 * inside one of its own callbacks), and the next request opens a fresh one (RFC 9112 9.3). An idle
 * connection the client drops (too many idle, client freed) ends with a close_notify, so that the
 * server logs an orderly close rather than an unexpected EOF. */
#include "net/http_client_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <openssl/err.h>

#include "base/err.h"

/* RFC 8446 6.1: close_notify before closing, so that the server sees the client end a kept-alive
 * connection, not a truncation. Only between messages (no record half written by the
 * bufferevent) and while the server has neither closed nor sent anything more. */
static void
http_conn_close_notify(struct http_conn *conn)
{
    evutil_socket_t fd = bufferevent_getfd(conn->bev);
    char b;

    if (!conn->clean || conn->busy || fd < 0 || !tls_ssl_handshake_done(conn->ssl) ||
        SSL_get_shutdown(conn->ssl) != 0)
        return;
    if (recv(fd, &b, 1, MSG_PEEK | MSG_DONTWAIT) >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
        return;
    (void)SSL_shutdown(conn->ssl); /* sends close_notify; the answer is not awaited */
    ERR_clear_error();
}

void
http_conn_free(struct http_conn *conn)
{
    if (conn->evcon != NULL) {
        http_conn_close_notify(conn);
        evhttp_connection_free(conn->evcon); /* frees bev and, through it, ssl */
    }
    free(conn->fqdn);
    free(conn->addr);
    free(conn);
}

/* Free dead connections from the event loop, never from inside one of their callbacks. */
void
http_client_reap(evutil_socket_t fd, short what, void *arg)
{
    struct http_client *cl = arg;
    struct http_conn **pp = &cl->conns, *conn;

    (void)fd, (void)what;
    while ((conn = *pp) != NULL) {
        if (conn->dead && !conn->busy) {
            *pp = conn->next;
            http_conn_free(conn);
        } else {
            pp = &conn->next;
        }
    }
}

void
http_conn_kill(struct http_conn *conn)
{
    conn->dead = 1;
    event_active(conn->cl->reaper, EV_TIMEOUT, 1);
}

/* An idle connection is reusable while its socket is open: evhttp resets (fd -1) one the server
 * closed. */
static int
http_conn_reusable(struct http_conn *conn, const struct http_call *call)
{
    if (conn->dead || conn->busy)
        return 0;
    if (strcasecmp(conn->fqdn, call->fqdn) != 0 || strcmp(conn->addr, call->addr) != 0 ||
        conn->port != call->port)
        return 0;
    if (bufferevent_getfd(conn->bev) < 0) {
        http_conn_kill(conn);
        return 0;
    }
    return 1;
}

/* evhttp's own timeout on the connection is a backstop only, beyond the call's deadline (the call's
 * timer says which phase failed): it follows each call, as calls on one connection may have
 * different deadlines. It also bounds how long an idle connection is kept: never shorter than
 * the client's default, whatever the last call's deadline. */
void
http_conn_set_deadline(struct http_conn *conn, int timeout_ms)
{
    int ms = timeout_ms > conn->cl->timeout_ms ? timeout_ms : conn->cl->timeout_ms;
    struct timeval tv = {.tv_sec = ms / 1000 + 1, .tv_usec = (suseconds_t)(ms % 1000) * 1000};

    evhttp_connection_set_timeout_tv(conn->evcon, &tv);
}

/* Note who the server is as soon as the handshake proves it: an answer that closes the connection
 * (Connection: close) makes evhttp reset it before the answer is handed over, and the reset clears
 * the SSL's session, peer certificate included. */
static void
http_conn_tls_event(SSL *ssl, enum tls_event ev, const char *reason, void *arg)
{
    struct http_conn *conn = arg;

    (void)reason;
    if (ev == TLS_HANDSHAKE_DONE && conn->peer_state == 0)
        conn->peer_state = tls_peer_get(ssl, &conn->peer, conn->peer_err) == 0 ? 1 : -1;
}

int
http_conn_peer(struct http_conn *conn, struct edge_peer *peer, char *err)
{
    /* A failure after the handshake (TLS 1.3: the server refused our certificate after our
     * Finished) is in the connection's TLS state, which the reset keeps: tls_peer_get says it. */
    if (conn->peer_state == 0 || tls_ssl_failed(conn->ssl))
        return tls_peer_get(conn->ssl, peer, err);
    if (conn->peer_state < 0) {
        memset(peer, 0, sizeof(*peer));
        return edge_err(err, "%s", conn->peer_err);
    }
    *peer = conn->peer;
    return 0;
}

static struct http_conn *
http_conn_open(struct http_client *cl, const struct http_call *call, char *err)
{
    struct http_conn *conn;
    SSL *ssl;

    if ((conn = calloc(1, sizeof(*conn))) == NULL || (conn->fqdn = strdup(call->fqdn)) == NULL ||
        (conn->addr = strdup(call->addr)) == NULL) {
        edge_err(err, "out of memory");
        goto fail;
    }
    conn->cl = cl;
    conn->port = call->port;
    conn->id = ++cl->nconn;
    if ((ssl = tls_ssl_new(cl->tls, call->fqdn, err)) == NULL)
        goto fail;
    tls_ssl_set_conn(ssl, conn->id);
    tls_ssl_observe(ssl, http_conn_tls_event, conn);
    conn->bev = bufferevent_openssl_socket_new(cl->base, -1, ssl, BUFFEREVENT_SSL_CONNECTING,
                                               BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
    if (conn->bev == NULL) {
        SSL_free(ssl);
        edge_err(err, "cannot create TLS connection to %s", call->fqdn);
        goto fail;
    }
    conn->ssl = ssl;
    /* A server closing without close_notify after its answer is an end, not an attack on it:
     * HTTP framing (Content-Length) already delimits the message. */
    bufferevent_openssl_set_allow_dirty_shutdown(conn->bev, 1);
    conn->evcon =
        evhttp_connection_base_bufferevent_new(cl->base, NULL, conn->bev, call->addr, call->port);
    if (conn->evcon == NULL) {
        bufferevent_free(conn->bev);
        edge_err(err, "cannot create HTTP connection to %s", call->fqdn);
        goto fail;
    }
    /* evhttp's own retry would reuse the spent SSL object: retries are done here instead. */
    evhttp_connection_set_retries(conn->evcon, 0);
    http_conn_set_deadline(conn, call->timeout_ms);
    evhttp_connection_set_max_body_size(conn->evcon, (ev_ssize_t)HTTP_CLIENT_MAX_BODY);
    conn->next = cl->conns;
    cl->conns = conn;
    return conn;
fail:
    if (conn != NULL) {
        conn->evcon = NULL;
        free(conn->fqdn);
        free(conn->addr);
        free(conn);
    }
    return NULL;
}

/* Give the connection back after a call: idle for reuse, or dead. */
void
http_conn_release(struct http_conn *conn)
{
    struct http_conn *c;
    int idle = 0;

    conn->busy = 0;
    if (conn->dead)
        return;
    if (bufferevent_getfd(conn->bev) < 0) {
        http_conn_kill(conn);
        return;
    }
    for (c = conn->cl->conns; c != NULL; c = c->next)
        idle += c != conn && !c->dead && !c->busy && strcasecmp(c->fqdn, conn->fqdn) == 0 &&
                strcmp(c->addr, conn->addr) == 0 && c->port == conn->port;
    if (idle >= conn->cl->max_idle)
        http_conn_kill(conn);
}

unsigned long
http_conn_ossl_error(struct http_conn *conn)
{
    unsigned long e, first = 0;

    while ((e = bufferevent_get_openssl_error(conn->bev)) != 0)
        if (first == 0 && e > 0xff) /* small values are SSL_get_error() codes */
            first = e;
    return first;
}

struct http_conn *
http_conn_get(struct http_client *cl, const struct http_call *call, char *err)
{
    struct http_conn *conn;

    for (conn = cl->conns; conn != NULL; conn = conn->next)
        if (http_conn_reusable(conn, call))
            return conn;
    return http_conn_open(cl, call, err);
}

size_t
http_client_open_conns(const struct http_client *cl)
{
    const struct http_conn *conn;
    size_t n = 0;

    for (conn = cl->conns; conn != NULL; conn = conn->next)
        n += !conn->dead && bufferevent_getfd(conn->bev) >= 0;
    return n;
}
