/* tls_accept.c -- the TLS handshake of a server connection whose PSKs come from a key server,
 * driven here rather than by bufferevent_openssl: the ClientHello's PSK identity is resolved (an
 * AKMA AF asks its AAnF, TS 33.535 6.3; a GBA NAF its BSF, TS 33.220 4.5.3) while the handshake
 * waits, and the connection is handed on once TLS is up.
 *
 * OpenSSL pauses a handshake whose ClientHello callback returns SSL_CLIENT_HELLO_RETRY and goes on
 * from there at the next SSL_do_handshake (tls_psk.c). bufferevent_openssl (libevent 2.1.12)
 * cannot hold such a pause: its do_handshake() takes SSL_ERROR_WANT_CLIENT_HELLO_CB for a fatal
 * error, and a bufferevent made in the ACCEPTING state begins with SSL_clear(), which would drop a
 * ClientHello already read. So this driver runs SSL_do_handshake on the SSL's own socket BIO,
 * waiting for the socket (WANT_READ, WANT_WRITE) or for the key server's answer
 * (WANT_CLIENT_HELLO_CB), and hands the established session over for a bufferevent in the OPEN
 * state. Outcomes and failures reach the TLS observer through the info callback exactly as on the
 * bufferevent path. */
#include "net/tls_int.h"

#include <stdlib.h>

#include <openssl/err.h>

#include "base/err.h"

struct tls_accept {
    SSL *ssl;
    struct event *read;   /* the handshake wants to read */
    struct event *write;  /* the handshake wants to write */
    struct event *resume; /* the key server answered: go on, from a callback of our own */
    void (*done)(void *arg, int ok);
    void *arg;
    int finished;
};

static void
tls_accept_finish(struct tls_accept *h, int ok)
{
    struct tls_conn *c = tls_conn_get(h->ssl);

    if (h->finished)
        return;
    h->finished = 1;
    event_del(h->read);
    event_del(h->write);
    event_del(h->resume);
    if (c != NULL)
        c->hello_driver = NULL;
    ERR_clear_error();
    h->done(h->arg, ok);
}

/* One more step of the handshake: done, failed, or waiting for the socket or the key server. */
static void
tls_accept_step(struct tls_accept *h)
{
    struct tls_conn *c = tls_conn_get(h->ssl);
    int r;

    for (;;) {
        ERR_clear_error();
        r = SSL_do_handshake(h->ssl);
        if (r == 1) {
            tls_accept_finish(h, 1);
            return;
        }
        switch (SSL_get_error(h->ssl, r)) {
        case SSL_ERROR_WANT_READ:
            event_add(h->read, NULL);
            return;
        case SSL_ERROR_WANT_WRITE:
            event_add(h->write, NULL);
            return;
        case SSL_ERROR_WANT_CLIENT_HELLO_CB:
            if (c != NULL && c->hello_state == TLS_HELLO_WAITING)
                return; /* tls_accept_resolved comes when the key server answers */
            continue;   /* answered at once: the ClientHello callback's second pass */
        default:
            /* Closed, or TLS refused (the info callback has told the observer why). */
            tls_accept_finish(h, 0);
            return;
        }
    }
}

static void
tls_accept_cb(evutil_socket_t fd, short what, void *arg)
{
    (void)fd, (void)what;
    tls_accept_step(arg);
}

void
tls_hello_resolved(void *driver)
{
    struct tls_accept *h = driver;

    /* Called from the key fetch's callback: go on from a callback of our own instead. */
    if (!h->finished)
        event_active(h->resume, EV_TIMEOUT, 1);
}

struct tls_accept *
tls_accept_start(struct event_base *base, SSL *ssl, int fd, void (*done)(void *arg, int ok),
                 void *arg, char *err)
{
    struct tls_conn *c = tls_conn_get(ssl);
    struct tls_accept *h = NULL;

    if (c == NULL || !c->ctx->server || !c->ctx->psk_async) {
        edge_err(err, "tls_accept_start: not a server connection with a PSK source");
        return NULL;
    }
    if ((h = calloc(1, sizeof(*h))) == NULL) {
        edge_err(err, "out of memory");
        return NULL;
    }
    h->ssl = ssl;
    h->done = done;
    h->arg = arg;
    h->read = event_new(base, fd, EV_READ, tls_accept_cb, h);
    h->write = event_new(base, fd, EV_WRITE, tls_accept_cb, h);
    h->resume = event_new(base, -1, 0, tls_accept_cb, h);
    /* A socket BIO that does not close fd: the bufferevent that takes over owns the socket. */
    if (h->read == NULL || h->write == NULL || h->resume == NULL || SSL_set_fd(ssl, fd) != 1 ||
        event_add(h->read, NULL) < 0) {
        edge_err(err, "cannot watch the connection for its TLS handshake");
        tls_accept_free(h);
        return NULL;
    }
    SSL_set_accept_state(ssl);
    c->hello_driver = h;
    return h;
}

void
tls_accept_free(struct tls_accept *h)
{
    struct tls_conn *c;

    if (h == NULL)
        return;
    if ((c = tls_conn_get(h->ssl)) != NULL && c->hello_driver == h)
        c->hello_driver = NULL;
    if (h->read != NULL)
        event_free(h->read);
    if (h->write != NULL)
        event_free(h->write);
    if (h->resume != NULL)
        event_free(h->resume);
    free(h);
}
