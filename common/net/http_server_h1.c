/* http_server_h1.c -- HTTP/1.1 on a server connection (RFC 9112), for clients that offer only
 * "http/1.1" (or no ALPN).
 *
 * One request at a time: it is parsed strictly (http1.h), handed to its handler, and nothing more
 * is read until its reply is written; pipelined bytes wait in the buffer (RFC 9112 9.3.2). A
 * malformed request is answered with the parser's status and ProblemDetails, then the connection
 * closes, since its framing cannot be trusted. */
#include "net/http_server_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/queue.h>

#include <event2/http.h>

#include "net/http1.h"
#include "net/problem.h"

struct h1_sconn {
    struct h1_msg msg;
    int busy;       /* a request is with its handler or its reply is being written */
    int replied;    /* the reply of that request is in the output buffer */
    int keep_alive; /* that request allows another after it */
    int head;       /* it is a HEAD: the reply has no body */
    int continue_sent;
};

static void h1_read(struct http_sconn *sc);

static int
h1_start(struct http_sconn *sc)
{
    struct h1_sconn *h = calloc(1, sizeof(*h));
    size_t max = sc->srv->max_body;

    /* Bodies up to max_body reach the handler; up to the hard cap they are read and dropped, and
     * answered 413 on a connection that stays usable; beyond it 413 at once and a close, so that
     * a huge Content-Length costs neither memory nor the time to read it. */
    if (h == NULL || h1_msg_init(&h->msg, H1_REQUEST, max,
                                 max < (size_t)64 * 1024 ? max + (size_t)64 * 1024 : max * 2) < 0) {
        free(h);
        return -1;
    }
    sc->proto = h;
    h1_read(sc);
    return 0;
}

/* A whole request, or a refused one: to the dispatcher. */
static void
h1_request(struct http_sconn *sc, struct h1_sconn *h, enum h1_result r)
{
    struct h1_msg *m = &h->msg;
    struct http_req_in in = {
        .method = m->method[0] != '\0' ? m->method : "(malformed)",
        .target = m->target,
        .headers = &m->headers,
        .body = m->body,
        .body_len = m->body_len,
        .too_large = m->too_large,
        .err_status = r == H1_ERROR ? m->err_status : 0,
        .err = m->err,
    };
    struct http_req *req;

    http_sconn_deadline(sc, 0);
    h->busy = 1;
    h->replied = 0;
    h->keep_alive = r == H1_DONE && m->keep_alive;
    h->head = strcmp(m->method, "HEAD") == 0;
    bufferevent_disable(sc->bev, EV_READ);
    req = http_req_new(sc, 0, &in);
    h1_msg_reset(m);
    h->continue_sent = 0;
    if (req == NULL) {
        http_sconn_close(sc, NULL, "out of memory for a request");
        return;
    }
    http_server_dispatch(req);
}

static void
h1_read(struct http_sconn *sc)
{
    struct h1_sconn *h = sc->proto;
    struct evbuffer *in = bufferevent_get_input(sc->bev);
    enum h1_result r;

    if (h->busy || sc->dead || evbuffer_get_length(in) == 0)
        return;
    if (!h->msg.bytes_seen && evtimer_pending(sc->idle, NULL)) {
        /* The first byte of the next request: its deadline starts. */
        http_sconn_idle(sc, 0);
        http_sconn_deadline(sc, 1);
    }
    r = h1_parse(&h->msg, in);
    if (r == H1_MORE && h->msg.head_done && h->msg.expect_continue && !h->continue_sent) {
        /* RFC 9110 10.1.1: the client waits for this before it sends the body. */
        evbuffer_add_printf(bufferevent_get_output(sc->bev), "HTTP/1.1 100 Continue\r\n\r\n");
        h->continue_sent = 1;
    }
    if (r != H1_MORE)
        h1_request(sc, h, r);
}

/* Fields the protocol writes itself (RFC 9112 6, 9.6): a handler's are ignored. */
static int
h1_own_field(const char *name)
{
    return strcasecmp(name, "Content-Length") == 0 || strcasecmp(name, "Connection") == 0 ||
           strcasecmp(name, "Transfer-Encoding") == 0 || strcasecmp(name, "Date") == 0;
}

/* Decimal digits of v at the end of buf; returns where they start. */
static char *
h1_digits(char *buf, size_t len, size_t v)
{
    char *p = buf + len;

    do {
        *--p = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0 && p > buf);
    return p;
}

static void
h1_add(struct evbuffer *out, const char *s)
{
    evbuffer_add(out, s, strlen(s));
}

/* The status line and header section of a reply (RFC 9112 4, 5), with the length it takes. */
static size_t
h1_head_len(struct http_req *req, const char *title, const char *date, size_t clen_digits,
            int no_body, int keep_alive)
{
    struct evkeyval *f;
    size_t n = strlen("HTTP/1.1 999 \r\nDate: \r\n\r\n") + strlen(title) + strlen(date);

    TAILQ_FOREACH(f, &req->out, next)
    {
        if (!h1_own_field(f->key))
            n += strlen(f->key) + strlen(f->value) + 4;
    }
    if (!no_body)
        n += strlen("Content-Length: \r\n") + clen_digits;
    if (!keep_alive)
        n += strlen("Connection: close\r\n");
    return n;
}

/* The reply goes into the output buffer in one piece of memory, head and body together: the TLS
 * layer writes each piece of the buffer as a record of its own (and a write(2) each). */
static int
h1_reply(struct http_sconn *sc, struct http_req *req, int status, const void *body, size_t len)
{
    struct h1_sconn *h = sc->proto;
    struct evbuffer *out = bufferevent_get_output(sc->bev);
    struct evkeyval *f;
    const char *title = problem_title(status), *date = http_server_date(sc->srv);
    char code[12], clen[24], *cl, *cp;
    int no_body = status == 204 || status == 304 || status < 200;
    size_t blen = !no_body && !h->head ? len : 0;

    if (!h->busy || h->replied || status < 0)
        return -1;
    if (sc->srv->stopping)
        h->keep_alive = 0; /* RFC 9112 9.6: no further request on this connection */
    cl = h1_digits(clen, sizeof(clen), len);
    cp = h1_digits(code, sizeof(code), (size_t)status);
    evbuffer_expand(out, h1_head_len(req, title, date, (size_t)(clen + sizeof(clen) - cl), no_body,
                                     h->keep_alive) +
                             blen);
    h1_add(out, "HTTP/1.1 ");
    evbuffer_add(out, cp, (size_t)(code + sizeof(code) - cp));
    h1_add(out, " ");
    h1_add(out, title);
    h1_add(out, "\r\nDate: ");
    h1_add(out, date);
    h1_add(out, "\r\n");
    TAILQ_FOREACH(f, &req->out, next)
    {
        if (h1_own_field(f->key))
            continue;
        h1_add(out, f->key);
        h1_add(out, ": ");
        h1_add(out, f->value);
        h1_add(out, "\r\n");
    }
    if (!no_body) {
        h1_add(out, "Content-Length: ");
        evbuffer_add(out, cl, (size_t)(clen + sizeof(clen) - cl));
        h1_add(out, "\r\n");
    }
    if (!h->keep_alive)
        h1_add(out, "Connection: close\r\n");
    evbuffer_add(out, "\r\n", 2);
    if (blen > 0)
        evbuffer_add(out, body, blen);
    h->replied = 1;
    sc->srv->inflight++;
    http_sconn_buffered(sc, 1);
    if (!h->keep_alive)
        sc->closing = 1;
    return 0;
}

/* The reply is written: the connection is free for the next request. */
static void
h1_written(struct http_sconn *sc)
{
    struct h1_sconn *h = sc->proto;

    if (!h->busy || !h->replied)
        return;
    h->busy = 0;
    bufferevent_enable(sc->bev, EV_READ);
    if (evbuffer_get_length(bufferevent_get_input(sc->bev)) > 0) {
        http_sconn_deadline(sc, 1);
        h1_read(sc);
    } else {
        http_sconn_idle(sc, 1);
    }
    http_sconn_read_more(sc); /* a request read ahead while this one was answered */
}

/* Shutdown: a connection between requests closes now; a request in progress (not yet with its
 * handler) is cut short; one with its handler gets its reply, with "Connection: close". */
static void
h1_stop(struct http_sconn *sc)
{
    struct h1_sconn *h = sc->proto;

    if (!h->busy)
        http_sconn_close(sc, NULL, NULL);
}

static void
h1_idle(struct http_sconn *sc)
{
    http_sconn_close(sc, NULL, NULL);
}

static void
h1_deadline(struct http_sconn *sc)
{
    struct h1_sconn *h = sc->proto;

    if (h->busy)
        return;
    http_sconn_close(sc, HTTP_SERVER_REQUEST_TIMEOUT,
                     "connection from %s closed: request not complete within %d ms (%s)", sc->addr,
                     sc->srv->request_ms,
                     h->msg.head_done    ? "header section read, body incomplete"
                     : h->msg.bytes_seen ? "header section incomplete"
                                         : "nothing received");
}

static void
h1_free(struct http_sconn *sc)
{
    struct h1_sconn *h = sc->proto;

    if (h == NULL)
        return;
    h1_msg_clear(&h->msg);
    free(h);
    sc->proto = NULL;
}

const struct http_proto_ops http_h1_ops = {
    .name = "http/1.1",
    .start = h1_start,
    .read = h1_read,
    .written = h1_written,
    .stop = h1_stop,
    .idle = h1_idle,
    .deadline = h1_deadline,
    .reply = h1_reply,
    .free = h1_free,
};
