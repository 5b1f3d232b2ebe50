/* http_client_pool.c -- the client's kept-alive TLS connections, one small pool per peer.
 *
 * evhttp cannot restart a TLS connection (its reconnect reuses the finished SSL object), so a
 * connection that closed is never reused: it is marked dead and freed from the event loop (never
 * inside one of its own callbacks), and the next request opens a fresh one (RFC 9112 9.3). */
#include "http_client_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>

#include "err.h"

void
http_conn_free(struct http_conn *conn)
{
    if (conn->evcon != NULL)
        evhttp_connection_free(conn->evcon); /* frees bev and, through it, ssl */
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

struct http_conn *
http_conn_open(struct http_client *cl, const struct http_call *call, char *err)
{
    struct http_conn *conn;
    struct timeval tv;
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
    tv.tv_sec = cl->timeout_ms / 1000 + 1; /* backstop only: the call's timer is the deadline */
    tv.tv_usec = (cl->timeout_ms % 1000) * 1000;
    evhttp_connection_set_timeout_tv(conn->evcon, &tv);
    evhttp_connection_set_max_body_size(conn->evcon, HTTP_CLIENT_MAX_BODY);
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
