/* rawtls.h -- a TLS client connection on the test's event loop that writes exactly the bytes it is
 * given (all at once, or one byte per tick: a slowloris) and keeps what comes back until the
 * server closes. The strict-HTTP rows and the slowloris test use it to send what no well-behaved
 * client sends. */
#ifndef EDGE_TEST_RAWTLS_H
#define EDGE_TEST_RAWTLS_H

#include <stddef.h>
#include <stdint.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "base/err.h"
#include "net/tls.h"

struct rawtls {
    struct bufferevent *bev;
    struct evbuffer *got; /* what the server sent, in clear */
    int connected;        /* the handshake is done */
    double connected_ms;  /* when, since rawtls_open */
    int closed;           /* the server closed (or the connection failed) */
    double closed_ms;     /* when, since rawtls_open */
    int64_t t0_ns;
    char *data; /* what to send */
    size_t len, off;
    int drip_ms; /* 0: all at once; else one byte every drip_ms */
    struct event *drip;
};

/* Connect to 127.0.0.1:port with a client context of the TLS layer, offering alpn ("h2",
 * "http/1.1"; NULL: no ALPN), and send data (copied) once the handshake is done. */
struct rawtls *rawtls_open(struct event_base *base, struct tls_ctx *tls, const char *fqdn,
                           unsigned short port, const char *alpn, const void *data, size_t len,
                           int drip_ms);
void rawtls_free(struct rawtls *c);
/* Milliseconds since rawtls_open. */
double rawtls_ms(const struct rawtls *c);

#endif
