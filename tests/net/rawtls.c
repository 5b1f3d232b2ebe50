/* rawtls.c -- a TLS client that writes raw bytes, at once or drop by drop (see rawtls.h). */
#include "rawtls.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <event2/bufferevent_ssl.h>
#include <openssl/err.h>

#include "base/clock.h"

double
rawtls_ms(const struct rawtls *c)
{
    return (double)(edge_now_ns() - c->t0_ns) / 1e6;
}

static void
rawtls_drip(evutil_socket_t fd, short what, void *arg)
{
    struct rawtls *c = arg;
    struct timeval tv = {c->drip_ms / 1000, (c->drip_ms % 1000) * 1000};

    (void)fd, (void)what;
    if (c->closed || c->off >= c->len)
        return;
    bufferevent_write(c->bev, c->data + c->off++, 1);
    evtimer_add(c->drip, &tv);
}

static void
rawtls_read(struct bufferevent *bev, void *arg)
{
    struct rawtls *c = arg;

    evbuffer_add_buffer(c->got, bufferevent_get_input(bev));
}

static void
rawtls_event(struct bufferevent *bev, short what, void *arg)
{
    struct rawtls *c = arg;

    if (what & BEV_EVENT_CONNECTED) {
        c->connected = 1;
        c->connected_ms = rawtls_ms(c);
        if (c->drip_ms > 0) {
            rawtls_drip(-1, 0, c);
        } else {
            bufferevent_write(bev, c->data, c->len);
            c->off = c->len;
        }
        return;
    }
    evbuffer_add_buffer(c->got, bufferevent_get_input(bev));
    while (bufferevent_get_openssl_error(bev) != 0)
        ;
    ERR_clear_error();
    if (!c->closed) {
        c->closed = 1;
        c->closed_ms = rawtls_ms(c);
    }
}

struct rawtls *
rawtls_open(struct event_base *base, struct tls_ctx *tls, const char *fqdn, unsigned short port,
            const char *alpn, const void *data, size_t len, int drip_ms)
{
    struct sockaddr_in sa = {
        .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    struct rawtls *c = calloc(1, sizeof(*c));
    unsigned char wire[32];
    char err[EDGE_ERR_LEN];
    SSL *ssl;

    if (c == NULL || (c->got = evbuffer_new()) == NULL || (c->data = malloc(len + 1)) == NULL ||
        (c->drip = evtimer_new(base, rawtls_drip, c)) == NULL ||
        (ssl = tls_ssl_new(tls, fqdn, err)) == NULL)
        goto fail;
    c->t0_ns = edge_now_ns();
    memcpy(c->data, data, len);
    c->len = len;
    c->drip_ms = drip_ms;
    if (alpn != NULL && strlen(alpn) < sizeof(wire) - 1) {
        wire[0] = (unsigned char)strlen(alpn);
        memcpy(wire + 1, alpn, wire[0]);
        SSL_set_alpn_protos(ssl, wire, wire[0] + 1u);
    } else {
        SSL_set_alpn_protos(ssl, NULL, 0);
    }
    c->bev = bufferevent_openssl_socket_new(base, -1, ssl, BUFFEREVENT_SSL_CONNECTING,
                                            BEV_OPT_CLOSE_ON_FREE);
    if (c->bev == NULL) {
        SSL_free(ssl);
        goto fail;
    }
    bufferevent_openssl_set_allow_dirty_shutdown(c->bev, 1);
    bufferevent_setcb(c->bev, rawtls_read, NULL, rawtls_event, c);
    bufferevent_enable(c->bev, EV_READ | EV_WRITE);
    if (bufferevent_socket_connect(c->bev, (struct sockaddr *)&sa, sizeof(sa)) < 0)
        goto fail;
    return c;
fail:
    rawtls_free(c);
    return NULL;
}

void
rawtls_free(struct rawtls *c)
{
    if (c == NULL)
        return;
    if (c->bev != NULL)
        bufferevent_free(c->bev);
    if (c->drip != NULL)
        event_free(c->drip);
    if (c->got != NULL)
        evbuffer_free(c->got);
    free(c->data);
    free(c);
}
