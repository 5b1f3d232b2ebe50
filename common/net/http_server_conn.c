/* http_server_conn.c -- one accepted HTTPS connection: TLS, ALPN, timers, an orderly close.
 *
 * A connection is admitted by the server's caps first (http_server_cap.c). It is TLS from its first
 * byte; once the handshake is done ALPN says which protocol reads it (RFC 7301; RFC 9113 3.2). When
 * the server's PSKs come from a key server (an AKMA AF, a GBA NAF) the handshake runs in
 * tls_accept_start, the ClientHello's PSK identity resolved while it waits, and the bufferevent
 * takes the open session over. Two timers bound it: the request deadline (the handshake and the
 * first request, then each request from its first byte, must be complete in time) and the idle
 * timer (no request in progress). A connection is closed by marking it and freed by the server's
 * reaper from the event loop, never inside one of its own callbacks. */
#include "net/http_server_int.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <event2/bufferevent_ssl.h>
#include <event2/bufferevent_struct.h>
#include <openssl/err.h>

#include "base/err.h"

void
http_sconn_log(struct http_sconn *sc, const char *cause, const char *fmt, ...)
{
    struct evlog_event e = {.dir = "local", .kind = "http", .conn = sc->id, .cause = cause};
    char summary[EDGE_ERR_LEN + 64];
    va_list ap;

    va_start(ap, fmt);
    // NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): va_start is the line above
    vsnprintf(summary, sizeof(summary), fmt, ap);
    va_end(ap);
    e.summary = summary;
    e.peer = sc->peer_state > 0 ? tls_peer_name(&sc->peer) : NULL;
    evlog_write(sc->srv->log, &e);
}

/* What the handshake authenticated, as the report draws it (TS 33.558 6.2: authentication is the
 * handshake): its mode and each identity the credential binds. */
static json_t *
http_sconn_peer_data(const struct edge_peer *peer, const char *alpn)
{
    json_t *d = json_pack("{s:s}", "mode", peer->mode == EDGE_PEER_PSK ? "psk" : "certificate");
    const char *keys[] = {"fqdn", "eecId", "gpsi", "akid", "alpn"};
    const char *vals[] = {peer->fqdn, peer->eec_id, peer->gpsi, peer->psk_identity, alpn};

    for (size_t i = 0; d != NULL && i < sizeof(keys) / sizeof(keys[0]); i++)
        if (vals[i][0] != '\0')
            json_object_set_new(d, keys[i], json_string(vals[i]));
    return d;
}

/* Log the TLS outcome of a connection: who authenticated, or why the handshake failed. A peer's
 * close is no failure: it has no cause (reports draw every cause as a failure), only an outcome. */
static void
http_sconn_tls_event(SSL *ssl, enum tls_event ev, const char *reason, void *arg)
{
    struct http_sconn *sc = arg;
    struct evlog_event e = {.dir = "in", .kind = "tls", .conn = sc->id};
    struct edge_peer peer;
    char err[EDGE_ERR_LEN], summary[EDGE_ERR_LEN + 160], alpn[32];
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
        tls_ssl_alpn(ssl, alpn, sizeof(alpn));
        e.peer = tls_peer_name(&peer);
        snprintf(summary, sizeof(summary), "TLS handshake done (%s%s%s%s%s), ALPN %s",
                 peer.mode == EDGE_PEER_PSK    ? "PSK "
                 : peer.mode == EDGE_PEER_CERT ? "certificate"
                                               : "no client credential: server certificate only",
                 peer.mode == EDGE_PEER_PSK ? peer.psk_identity : "",
                 peer.eec_id[0] ? ", EEC " : "", peer.eec_id, peer.gpsi[0] ? ", GPSI bound" : "",
                 alpn[0] != '\0' ? alpn : "none (http/1.1)");
        data = http_sconn_peer_data(&peer, alpn);
    }
    e.summary = summary;
    e.data = data;
    evlog_write(sc->srv->log, &e);
    json_decref(data);
}

static void
http_sconn_timer_set(struct event *ev, int on, int ms)
{
    struct timeval tv = {ms / 1000, (suseconds_t)(ms % 1000) * 1000};

    if (on)
        evtimer_add(ev, &tv);
    else
        evtimer_del(ev);
}

void
http_sconn_deadline(struct http_sconn *sc, int on)
{
    if (!sc->dead)
        http_sconn_timer_set(sc->deadline, on, sc->srv->request_ms);
}

void
http_sconn_idle(struct http_sconn *sc, int on)
{
    if (!sc->dead)
        http_sconn_timer_set(sc->idle, on, sc->srv->idle_ms);
}

static void
http_sconn_deadline_cb(evutil_socket_t fd, short what, void *arg)
{
    struct http_sconn *sc = arg;

    (void)fd, (void)what;
    if (sc->ops != NULL && sc->ops->deadline != NULL) {
        sc->ops->deadline(sc);
        return;
    }
    http_sconn_close(sc, HTTP_SERVER_REQUEST_TIMEOUT,
                     "connection from %s closed: TLS handshake and request not complete within "
                     "%d ms",
                     sc->addr, sc->srv->request_ms);
}

static void
http_sconn_idle_cb(evutil_socket_t fd, short what, void *arg)
{
    struct http_sconn *sc = arg;

    (void)fd, (void)what;
    if (sc->ops != NULL)
        sc->ops->idle(sc);
    else
        http_sconn_close(sc, NULL, NULL);
}

void
http_sconn_buffered(struct http_sconn *sc, int n)
{
    sc->buffered += n;
}

/* The handshake is done: who the peer is, and which protocol ALPN chose. */
static void
http_sconn_connected(struct http_sconn *sc)
{
    char alpn[32];

    if (sc->ops != NULL)
        return;
    sc->peer_state = tls_peer_get(sc->ssl, &sc->peer, sc->peer_err) == 0 ? 1 : -1;
    tls_ssl_alpn(sc->ssl, alpn, sizeof(alpn));
    sc->ops = strcmp(alpn, "h2") == 0 ? &http_h2_ops : &http_h1_ops;
    if (sc->ops->start(sc) < 0)
        http_sconn_close(sc, NULL, NULL);
    http_sconn_read_more(sc); /* the first request may have come with the handshake's end */
}

/* The server's TLS reads ahead (SSL_set_read_ahead): one read(2) takes every record that has
 * arrived, where OpenSSL would otherwise read a record's header and its body in two, and each
 * libevent read event decrypts one or two records. Records read but not yet decrypted wait in
 * OpenSSL, where libevent does not look (the socket is no longer readable): while there are any,
 * the connection's read event is made to run again, in the same loop round. So a round answers
 * every request that has arrived, and their replies leave together. */
void
http_sconn_read_more(struct http_sconn *sc)
{
    if (!sc->dead && SSL_has_pending(sc->ssl) && (bufferevent_get_enabled(sc->bev) & EV_READ))
        event_active(&sc->bev->ev_read, EV_READ, 1);
}

static void
http_sconn_read_cb(struct bufferevent *bev, void *arg)
{
    struct http_sconn *sc = arg;

    (void)bev;
    if (!sc->dead && sc->ops != NULL)
        sc->ops->read(sc);
    http_sconn_read_more(sc);
}

static void
http_sconn_write_cb(struct bufferevent *bev, void *arg)
{
    struct http_sconn *sc = arg;

    /* A deferred callback: more may have been queued since the buffer emptied. */
    if (evbuffer_get_length(bufferevent_get_output(bev)) > 0)
        return;
    sc->srv->inflight -= sc->buffered;
    sc->buffered = 0;
    http_server_check_drained(sc->srv);
    if (sc->dead)
        return;
    if (sc->closing) {
        http_sconn_close(sc, NULL, NULL);
        return;
    }
    if (sc->ops != NULL && sc->ops->written != NULL)
        sc->ops->written(sc);
}

static void
http_sconn_event_cb(struct bufferevent *bev, short what, void *arg)
{
    struct http_sconn *sc = arg;

    (void)bev;
    if (what & BEV_EVENT_CONNECTED) {
        http_sconn_connected(sc);
        return;
    }
    /* EOF or an error: the TLS observer has logged how the peer closed or why TLS failed. */
    while (bufferevent_get_openssl_error(sc->bev) != 0)
        ;
    http_sconn_close(sc, NULL, NULL);
}

static int
http_sconn_bev(struct http_sconn *sc, enum bufferevent_ssl_state state)
{
    sc->bev = bufferevent_openssl_socket_new(sc->srv->base, sc->fd, sc->ssl, state,
                                             BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
    if (sc->bev == NULL)
        return -1;
    bufferevent_setcb(sc->bev, http_sconn_read_cb, http_sconn_write_cb, http_sconn_event_cb, sc);
    bufferevent_enable(sc->bev, EV_READ | EV_WRITE);
    return 0;
}

/* The handshake tls_accept_start ran is over: TLS is up and the bufferevent takes the session
 * over, or the connection is over (the TLS observer has logged why). */
static void
http_sconn_accepted(void *arg, int ok)
{
    struct http_sconn *sc = arg;

    tls_accept_free(sc->accept);
    sc->accept = NULL;
    if (!ok || http_sconn_bev(sc, BUFFEREVENT_SSL_OPEN) < 0) {
        http_sconn_close(sc, NULL, NULL);
        return;
    }
    http_sconn_connected(sc);
}

static int
http_sconn_tls(struct http_sconn *sc, evutil_socket_t fd)
{
    char err[EDGE_ERR_LEN];
    size_t alen;
    const unsigned char *alpn = http_version_alpn(sc->srv->version, &alen);

    if ((sc->ssl = tls_ssl_new(sc->srv->tls, NULL, err)) == NULL)
        return -1;
    sc->fd = fd;
    tls_ssl_set_conn(sc->ssl, sc->id);
    tls_ssl_observe(sc->ssl, http_sconn_tls_event, sc);
    SSL_set_read_ahead(sc->ssl, 1); /* http_sconn_read_more */
    if (tls_ssl_set_alpn(sc->ssl, alpn, alen, err) < 0)
        goto fail;
    if (tls_ctx_psk_async(sc->srv->tls)) {
        sc->accept = tls_accept_start(sc->srv->base, sc->ssl, fd, http_sconn_accepted, sc, err);
        if (sc->accept == NULL)
            goto fail;
        return 0;
    }
    if (http_sconn_bev(sc, BUFFEREVENT_SSL_ACCEPTING) < 0)
        goto fail;
    return 0;
fail:
    SSL_free(sc->ssl);
    return -1;
}

/* The peer's address as text, the key of its cap. */
static void
http_sconn_addr(const struct sockaddr *sa, int salen, char *buf, size_t len)
{
    const void *a = NULL;

    if (sa->sa_family == AF_INET && salen >= (int)sizeof(struct sockaddr_in))
        a = &((const struct sockaddr_in *)sa)->sin_addr;
    else if (sa->sa_family == AF_INET6 && salen >= (int)sizeof(struct sockaddr_in6))
        a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
    if (a == NULL || inet_ntop(sa->sa_family, a, buf, (socklen_t)len) == NULL)
        snprintf(buf, len, "(unknown)");
}

int
http_sconn_accept(struct http_server *srv, evutil_socket_t fd, const struct sockaddr *sa, int salen)
{
    char addr[64];

    http_sconn_addr(sa, salen, addr, sizeof(addr));
    if (srv->stopping)
        return -1;
    switch (http_cap_admit(srv, fd, addr)) {
    case HTTP_CAP_OPEN:
        return http_sconn_open(srv, fd, addr);
    case HTTP_CAP_PARKED:
        return 0;
    default:
        return -1;
    }
}

int
http_sconn_open(struct http_server *srv, evutil_socket_t fd, const char *addr)
{
    struct http_sconn *sc;

    if ((sc = calloc(1, sizeof(*sc))) == NULL)
        return -1;
    sc->srv = srv;
    sc->id = ++srv->nconn;
    snprintf(sc->addr, sizeof(sc->addr), "%s", addr);
    sc->deadline = evtimer_new(srv->base, http_sconn_deadline_cb, sc);
    sc->idle = evtimer_new(srv->base, http_sconn_idle_cb, sc);
    if (sc->deadline == NULL || sc->idle == NULL || http_sconn_tls(sc, fd) < 0) {
        if (sc->deadline != NULL)
            event_free(sc->deadline);
        if (sc->idle != NULL)
            event_free(sc->idle);
        free(sc);
        return -1; /* the caller closes fd */
    }
    sc->next = srv->conns;
    if (sc->next != NULL)
        sc->next->prev = sc;
    srv->conns = sc;
    http_sconn_deadline(sc, 1); /* the handshake and the first request */
    return 0;
}

void
http_sconn_close(struct http_sconn *sc, const char *cause, const char *fmt, ...)
{
    char line[EDGE_ERR_LEN + 64];
    va_list ap;

    if (sc->dead)
        return;
    if (fmt != NULL) {
        va_start(ap, fmt);
        // NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): va_start is the line above
        vsnprintf(line, sizeof(line), fmt, ap);
        va_end(ap);
        http_sconn_log(sc, cause, "%s", line);
    }
    sc->dead = 1;
    evtimer_del(sc->deadline);
    evtimer_del(sc->idle);
    if (sc->bev != NULL)
        bufferevent_disable(sc->bev, EV_READ | EV_WRITE);
    event_active(sc->srv->reaper, EV_TIMEOUT, 1);
}

void
http_sconn_close_after_write(struct http_sconn *sc)
{
    sc->closing = 1;
    if (evbuffer_get_length(bufferevent_get_output(sc->bev)) == 0)
        http_sconn_close(sc, NULL, NULL);
}

/* RFC 8446 6.1: a close_notify when the server ends a connection between messages, so that the
 * client (and a capture) sees an orderly end. Only when every byte has left and the peer has
 * neither closed nor failed the handshake. */
static void
http_sconn_close_notify(struct http_sconn *sc)
{
    if (sc->ops == NULL || tls_ssl_failed(sc->ssl) || SSL_get_shutdown(sc->ssl) != 0 ||
        evbuffer_get_length(bufferevent_get_output(sc->bev)) != 0 || bufferevent_getfd(sc->bev) < 0)
        return;
    (void)SSL_shutdown(sc->ssl);
    ERR_clear_error();
}

void
http_sconn_free(struct http_sconn *sc)
{
    struct http_server *srv = sc->srv;

    if (sc->ops != NULL)
        sc->ops->free(sc);
    while (sc->reqs != NULL)
        http_req_detach(sc->reqs);
    srv->inflight -= sc->pending + sc->buffered; /* lost with the connection */
    if (sc->prev != NULL)
        sc->prev->next = sc->next;
    else
        srv->conns = sc->next;
    if (sc->next != NULL)
        sc->next->prev = sc->prev;
    http_sconn_close_notify(sc);
    tls_ssl_observe(sc->ssl, NULL, NULL);
    if (sc->bev != NULL) {
        bufferevent_free(sc->bev); /* frees the SSL and closes the socket */
    } else {
        tls_accept_free(sc->accept); /* still in the handshake */
        SSL_free(sc->ssl);           /* cancels a key fetch in flight */
        evutil_closesocket(sc->fd);
    }
    event_free(sc->deadline);
    event_free(sc->idle);
    free(sc);
}
