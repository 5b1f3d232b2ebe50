/* http_client_pool.c -- the client's kept-alive TLS connections, one small pool per peer.
 *
 * A call goes on a connection to its peer (expected FQDN, address, port): an HTTP/2 connection
 * that can open another stream, an idle HTTP/1.1 one, or one still connecting when the client
 * offers h2 (the calls wait; should the server pick http/1.1, all but the first move on). Else a
 * new connection is opened; its protocol is what ALPN chose (RFC 7301). A connection that closed
 * is never reused: it is marked dead and freed from the event loop (never inside one of its own
 * callbacks). An idle connection the client drops (too many idle, client freed) ends with a
 * close_notify, so that the server logs an orderly close rather than an unexpected EOF. */
#include "net/http_client_int.h"
#include "net/sockaddr.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <netinet/in.h>
#include <sys/socket.h>

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

    if (!conn->clean || conn->ncalls > 0 || conn->closed || fd < 0 ||
        !tls_ssl_handshake_done(conn->ssl) || SSL_get_shutdown(conn->ssl) != 0 ||
        evbuffer_get_length(bufferevent_get_output(conn->bev)) != 0)
        return;
    if (recv(fd, &b, 1, MSG_PEEK | MSG_DONTWAIT) >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
        return;
    (void)SSL_shutdown(conn->ssl); /* sends close_notify; the answer is not awaited */
    ERR_clear_error();
}

void
http_conn_free(struct http_conn *conn)
{
    if (conn->proto != NULL)
        conn->proto->free(conn);
    if (conn->bev != NULL) {
        evutil_socket_t fd = bufferevent_getfd(conn->bev);
        http_conn_close_notify(conn);
        tls_ssl_observe(conn->ssl, NULL, NULL);
        /* The FIN leaves now: bufferevent_free closes the socket from a finalizer that runs
         * later in the loop, and a client that starts its next connection in the same round
         * (a UE population) would be counted by the server with the one it has just ended. */
        if (fd >= 0)
            (void)shutdown(fd, SHUT_RDWR);
        bufferevent_free(conn->bev); /* frees ssl and closes the socket */
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
        if (conn->dead && conn->ncalls == 0) {
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
    if (conn == NULL)
        return;
    if (!conn->dead && conn->bev != NULL)
        bufferevent_disable(conn->bev, EV_READ);
    conn->dead = 1;
    event_active(conn->cl->reaper, EV_TIMEOUT, 1);
}

/* Every call still on conn failed with it. */
static void
http_conn_fail_calls(struct http_conn *conn)
{
    http_conn_kill(conn);
    while (conn->calls != NULL)
        http_call_failed(conn->calls); /* takes it off conn (or puts it on another) */
}

static void
http_conn_read_cb(struct bufferevent *bev, void *arg)
{
    struct http_conn *conn = arg;

    (void)bev;
    if (!conn->dead && conn->proto != NULL)
        conn->proto->read(conn);
}

static void
http_conn_write_cb(struct bufferevent *bev, void *arg)
{
    struct http_conn *conn = arg;

    (void)bev;
    if (!conn->dead && conn->proto != NULL && conn->proto->written != NULL)
        conn->proto->written(conn);
}

/* The handshake is done: the protocol ALPN chose takes the calls waiting. */
static void
http_conn_connected(struct http_conn *conn)
{
    char alpn[32];
    struct http_call *call, *next;

    tls_ssl_alpn(conn->ssl, alpn, sizeof(alpn));
    conn->proto = strcmp(alpn, "h2") == 0 ? &http_c2_proto : &http_c1_proto;
    if (conn->proto->start(conn) < 0) {
        http_conn_fail_calls(conn);
        return;
    }
    /* The oldest call first (the list holds the newest first). */
    for (call = conn->calls; call != NULL && call->cnext != NULL; call = call->cnext)
        ;
    for (; call != NULL && !conn->dead; call = next) {
        next = call->cprev;
        if (call->sent)
            continue;
        if (!conn->proto->can_take(conn) || conn->proto->submit(conn, call) < 0)
            http_call_resend(call, NULL); /* HTTP/1.1 takes one at a time: the rest move */
    }
}

static void
http_conn_event_cb(struct bufferevent *bev, short what, void *arg)
{
    struct http_conn *conn = arg;

    (void)bev;
    if (what & BEV_EVENT_CONNECTED) {
        http_conn_connected(conn);
        return;
    }
    if (what & BEV_EVENT_EOF)
        conn->closed = 1;
    if ((what & BEV_EVENT_EOF) && conn->proto != NULL)
        conn->proto->eof(conn); /* a response delimited by the close is complete now */
    http_conn_fail_calls(conn);
}

/* Note who the server is as soon as the handshake proves it. */
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
     * Finished) is in the connection's TLS state: tls_peer_get says it. */
    if (conn->peer_state == 0 || tls_ssl_failed(conn->ssl))
        return tls_peer_get(conn->ssl, peer, err);
    if (conn->peer_state < 0) {
        memset(peer, 0, sizeof(*peer));
        return edge_err(err, "%s", conn->peer_err);
    }
    *peer = conn->peer;
    return 0;
}

/* With a source address and a numeric peer of its family: a socket bound to the source and
 * the peer's address to connect it to (in loopback mode each node leaves from its own
 * 127.a.b.c, as from its namespace's address in TAP mode, so that a server's per-peer cap and its
 * logs see nodes apart). fd -1 when there is nothing to bind: the kernel picks the source. */
static int
http_conn_bound(struct http_client *cl, struct http_conn *conn, struct sockaddr_storage *to,
                socklen_t *tolen, evutil_socket_t *fd, char *err)
{
    int fam = cl->source.ss_family, one = 1;

    *fd = -1;
    if (net_sockaddr(conn->addr, conn->port, to, tolen) < 0 || to->ss_family != fam)
        return 0;
    if ((*fd = socket(fam, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0)
        return edge_err(err, "cannot make a socket to %s: %s", conn->fqdn, strerror(errno));
    /* The port is chosen at connect, per destination: no ephemeral port is held per bind. */
    (void)setsockopt(*fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one));
    if (bind(*fd, (struct sockaddr *)&cl->source, cl->source_len) < 0) {
        edge_err(err, "cannot bind to source address %s: %s", cl->source_text, strerror(errno));
        evutil_closesocket(*fd);
        *fd = -1;
        return -1;
    }
    return 0;
}

static int
http_conn_tls(struct http_client *cl, struct http_conn *conn, char *err)
{
    size_t alen;
    const unsigned char *alpn = http_version_alpn(cl->version, &alen);
    struct sockaddr_storage to;
    socklen_t tolen = 0;
    evutil_socket_t fd = -1;
    SSL *ssl;

    if ((ssl = tls_ssl_new(cl->tls, conn->fqdn, err)) == NULL)
        return -1;
    tls_ssl_set_conn(ssl, conn->id);
    tls_ssl_observe(ssl, http_conn_tls_event, conn);
    if (tls_ssl_set_alpn(ssl, alpn, alen, err) < 0) {
        SSL_free(ssl);
        return -1;
    }
    if (cl->source.ss_family != 0 && http_conn_bound(cl, conn, &to, &tolen, &fd, err) < 0) {
        SSL_free(ssl);
        return -1;
    }
    /* With a bound socket, bufferevent_socket_connect connects that one (the bufferevent's fd)
     * instead of making its own. */
    conn->bev = bufferevent_openssl_socket_new(cl->base, fd, ssl, BUFFEREVENT_SSL_CONNECTING,
                                               BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
    if (conn->bev == NULL) {
        SSL_free(ssl);
        if (fd >= 0)
            evutil_closesocket(fd);
        return edge_err(err, "cannot create TLS connection to %s", conn->fqdn);
    }
    conn->ssl = ssl;
    /* A server closing without close_notify after its answer is an end, not an attack on it:
     * HTTP framing already delimits the message. */
    bufferevent_openssl_set_allow_dirty_shutdown(conn->bev, 1);
    bufferevent_setcb(conn->bev, http_conn_read_cb, http_conn_write_cb, http_conn_event_cb, conn);
    bufferevent_enable(conn->bev, EV_READ | EV_WRITE);
    if (fd >= 0 ? bufferevent_socket_connect(conn->bev, (struct sockaddr *)&to, (int)tolen)
                : bufferevent_socket_connect_hostname(conn->bev, NULL, AF_UNSPEC, conn->addr,
                                                      conn->port))
        return edge_err(err, "cannot connect to %s (%s:%u)", conn->fqdn, conn->addr, conn->port);
    return 0;
}

static struct http_conn *
http_conn_open(struct http_client *cl, const struct http_call *call, char *err)
{
    struct http_conn *conn;

    if ((conn = calloc(1, sizeof(*conn))) == NULL || (conn->fqdn = strdup(call->fqdn)) == NULL ||
        (conn->addr = strdup(call->addr)) == NULL) {
        edge_err(err, "out of memory");
        goto fail;
    }
    conn->cl = cl;
    conn->port = call->port;
    conn->id = ++cl->nconn;
    conn->next = cl->conns;
    cl->conns = conn;
    if (http_conn_tls(cl, conn, err) < 0) {
        http_conn_kill(conn); /* the reaper frees it, bev and all */
        return NULL;
    }
    return conn;
fail:
    if (conn != NULL) {
        free(conn->fqdn);
        free(conn->addr);
        free(conn);
    }
    return NULL;
}

static int
http_conn_same_peer(const struct http_conn *conn, const char *fqdn, const char *addr,
                    unsigned short port)
{
    return strcasecmp(conn->fqdn, fqdn) == 0 && strcmp(conn->addr, addr) == 0 && conn->port == port;
}

/* Can call go on conn now (or once it is up)? */
static int
http_conn_usable(struct http_conn *conn, const struct http_call *call)
{
    if (conn->dead || conn->closed ||
        !http_conn_same_peer(conn, call->fqdn, call->addr, call->port))
        return 0;
    if (conn->proto == NULL) /* connecting: HTTP/2 is expected when the client offers it */
        return conn->cl->version == HTTP_VERSION_2;
    return conn->proto->can_take(conn);
}

int
http_conn_attach(struct http_client *cl, struct http_call *call, char *err)
{
    struct http_conn *conn;

    for (conn = cl->conns; conn != NULL; conn = conn->next)
        if (http_conn_usable(conn, call))
            break;
    if (conn == NULL && (conn = http_conn_open(cl, call, err)) == NULL)
        return -1;
    call->conn = conn;
    call->cprev = NULL;
    call->cnext = conn->calls;
    if (conn->calls != NULL)
        conn->calls->cprev = call;
    conn->calls = call;
    conn->ncalls++;
    conn->clean = 0;
    if (conn->proto != NULL && conn->proto->submit(conn, call) < 0) {
        http_conn_kill(conn);
        return edge_err(err, "cannot send %s %s to %s", call->method, call->path, call->fqdn);
    }
    return 0;
}

/* Idle connections to conn's peer, conn aside. */
static int
http_conn_idle_peers(struct http_conn *conn)
{
    struct http_conn *c;
    int idle = 0;

    for (c = conn->cl->conns; c != NULL; c = c->next)
        idle += c != conn && !c->dead && c->ncalls == 0 &&
                http_conn_same_peer(c, conn->fqdn, conn->addr, conn->port);
    return idle;
}

void
http_conn_detach(struct http_call *call)
{
    struct http_conn *conn = call->conn;

    if (conn == NULL)
        return;
    if (call->cprev != NULL)
        call->cprev->cnext = call->cnext;
    else
        conn->calls = call->cnext;
    if (call->cnext != NULL)
        call->cnext->cprev = call->cprev;
    call->cnext = call->cprev = NULL;
    call->conn = NULL;
    conn->ncalls--;
    if (conn->dead) {
        event_active(conn->cl->reaper, EV_TIMEOUT, 1);
        return;
    }
    if (conn->ncalls == 0 && (conn->closed || bufferevent_getfd(conn->bev) < 0 ||
                              http_conn_idle_peers(conn) >= conn->cl->max_idle))
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

size_t
http_client_open_conns(const struct http_client *cl)
{
    const struct http_conn *conn;
    size_t n = 0;

    for (conn = cl->conns; conn != NULL; conn = conn->next)
        n += !conn->dead && !conn->closed && bufferevent_getfd(conn->bev) >= 0;
    return n;
}
