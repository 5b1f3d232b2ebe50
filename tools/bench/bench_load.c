/* bench_load.c -- edge-bench's load client: N mutual-TLS connections (libevent
 * bufferevent_openssl, the credential of an EEC or an EES) that send one request after another,
 * on the same connection (keep-alive) or each on a new one, until a request count or a time bound
 * is reached; each answer's latency is kept for the percentiles.
 *
 * HTTP/1.1 (RFC 9112) here: an answer is read by Content-Length (or is one of the statuses without
 * a body); anything else is a failure, as is a status other than the expected one. HTTP/2 (the
 * nodes' default between themselves, RFC 9113), with several streams in flight per connection, is
 * in bench_load_h2.c. */
#include "bench_load.h"

#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define LOAD_HEAD_MAX 16384
#define LOAD_FAIL_MAX 50 /* broken connections before the run is given up */

static const unsigned char load_alpn_h2[] = {2, 'h', '2'};

double
load_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void load_open(struct load_conn *cn);

void
load_fail(struct load *ld, const char *fmt, ...)
{
    va_list ap;

    ld->r->failed++;
    if (ld->r->error[0] == '\0') {
        va_start(ap, fmt);
        // NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): va_start is the line above
        vsnprintf(ld->r->error, sizeof(ld->r->error), fmt, ap);
        va_end(ap);
    }
    if (ld->r->failed >= LOAD_FAIL_MAX && ld->r->done < ld->r->failed)
        event_base_loopbreak(ld->base);
}

int
load_finished(const struct load *ld)
{
    return ld->r->done + ld->r->failed >= ld->s->max_requests;
}

int
load_take_request(struct load *ld)
{
    if (ld->stopping || ld->issued >= ld->s->max_requests)
        return 0;
    ld->issued++;
    return 1;
}

const char *
load_path(const struct load *ld, long i)
{
    const struct load_spec *s = ld->s;

    return s->paths != NULL ? s->paths[i % (long)s->npaths] : s->path;
}

/* The next request on cn, unless the bounds are reached. */
static void
load_send(struct load_conn *cn)
{
    const struct load_spec *s = cn->ld->s;
    struct evbuffer *out;

    if (cn->h2 != NULL) {
        load_h2_fill(cn);
        return;
    }
    if (!load_take_request(cn->ld))
        return;
    cn->busy = 1;
    if (s->keepalive)
        cn->t_start = load_now();
    out = bufferevent_get_output(cn->bev);
    evbuffer_add_printf(out, "%s %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: edge-bench\r\n", s->method,
                        load_path(cn->ld, cn->ld->issued - 1), s->fqdn);
    if (s->bearer != NULL)
        evbuffer_add_printf(out, "Authorization: Bearer %s\r\n", s->bearer);
    if (s->body != NULL)
        evbuffer_add_printf(out, "Content-Type: %s\r\nContent-Length: %zu\r\n", s->ctype,
                            strlen(s->body));
    evbuffer_add_printf(out, "Connection: %s\r\n\r\n", s->keepalive ? "keep-alive" : "close");
    if (s->body != NULL)
        evbuffer_add(out, s->body, strlen(s->body));
}

static void
load_close(struct load_conn *cn)
{
    load_h2_free(cn);
    if (cn->bev != NULL)
        bufferevent_free(cn->bev);
    cn->bev = NULL;
    cn->busy = 0;
}

/* The value of header name in head (NUL-terminated, lines end in CRLF), into buf. */
static int
load_header(const char *head, const char *name, char *buf, size_t len)
{
    size_t nl = strlen(name);

    for (const char *p = strstr(head, "\r\n"); p != NULL; p = strstr(p + 2, "\r\n")) {
        const char *v = p + 2, *e;
        if (strncasecmp(v, name, nl) != 0 || v[nl] != ':')
            continue;
        v += nl + 1;
        v += strspn(v, " \t");
        e = strstr(v, "\r\n");
        if (e == NULL || (size_t)(e - v) >= len)
            return -1;
        memcpy(buf, v, (size_t)(e - v));
        buf[e - v] = '\0';
        return 0;
    }
    return -1;
}

struct load_answer {
    int status;
    long body_len;
    int close;
    char location[512];
};

/* Parse the status line and headers of an answer. */
static int
load_parse_head(const char *head, const struct load_spec *s, struct load_answer *a)
{
    char v[64];
    char *end;

    memset(a, 0, sizeof(*a));
    /* RFC 9112 4: "HTTP/1.1" SP 3DIGIT SP */
    if (strncmp(head, "HTTP/1.1 ", 9) != 0)
        return -1;
    for (int i = 9; i < 12; i++) {
        if (head[i] < '0' || head[i] > '9')
            return -1;
        a->status = a->status * 10 + (head[i] - '0');
    }
    a->close = load_header(head, "Connection", v, sizeof(v)) == 0 && strcasecmp(v, "close") == 0;
    if (s->keep_locations && load_header(head, "Location", a->location, sizeof(a->location)) < 0)
        a->location[0] = '\0';
    if (a->status == 204 || a->status == 304 || a->status < 200)
        return 0;
    if (load_header(head, "Content-Length", v, sizeof(v)) < 0)
        return -1; /* chunked or close-delimited: not what the nodes send */
    errno = 0;
    a->body_len = strtol(v, &end, 10);
    if (errno != 0 || *end != '\0' || a->body_len < 0 || a->body_len > LOAD_BODY_MAX)
        return -1;
    return 0;
}

void
load_answer(struct load *ld, double t_start, int status, char *body, const char *location)
{
    struct load_result *r = ld->r;
    double now = load_now();

    if (status != ld->s->expect) {
        load_fail(ld, "%s answered %d, not %d: %.150s", ld->s->fqdn, status, ld->s->expect,
                  body != NULL ? body : "");
        free(body);
        return;
    }
    r->done++;
    ld->t_last = now;
    free(r->body);
    r->body = body;
    if (ld->nlat == ld->cap) {
        size_t cap = ld->cap ? ld->cap * 2 : 4096;
        double *n = realloc(ld->lat, cap * sizeof(*n));
        if (n == NULL)
            return;
        ld->lat = n;
        ld->cap = cap;
    }
    ld->lat[ld->nlat++] = (now - t_start) * 1e6;
    if (ld->s->keep_locations && location != NULL && location[0] != '\0') {
        char **n = realloc(r->locations, (r->nlocations + 1) * sizeof(*n));
        if (n != NULL) {
            r->locations = n;
            r->locations[r->nlocations++] = strdup(location);
        }
    }
}

/* One whole answer at the front of in: 1 consumed, 0 not complete yet, -1 malformed. */
static int
load_take_answer(struct load_conn *cn, struct evbuffer *in, struct load_answer *a)
{
    struct evbuffer_ptr p = evbuffer_search(in, "\r\n\r\n", 4, NULL);
    size_t head_len;
    char *head, *body = NULL;

    if (p.pos < 0)
        return evbuffer_get_length(in) > LOAD_HEAD_MAX ? -1 : 0;
    head_len = (size_t)p.pos + 4;
    if ((head = malloc(head_len + 1)) == NULL)
        return -1;
    evbuffer_copyout(in, head, head_len);
    head[head_len] = '\0';
    if (load_parse_head(head, cn->ld->s, a) < 0) {
        free(head);
        return -1;
    }
    free(head);
    if (evbuffer_get_length(in) < head_len + (size_t)a->body_len)
        return 0;
    evbuffer_drain(in, head_len);
    if ((body = malloc((size_t)a->body_len + 1)) != NULL) {
        evbuffer_remove(in, body, (size_t)a->body_len);
        body[a->body_len] = '\0';
    } else {
        evbuffer_drain(in, (size_t)a->body_len);
    }
    load_answer(cn->ld, cn->t_start, a->status, body, a->location);
    return 1;
}

/* After an answer: the next request here, or a new connection for it, or the end. */
static void
load_next(struct load_conn *cn, int server_closes)
{
    struct load *ld = cn->ld;

    cn->busy = 0;
    if (load_finished(ld) || ld->stopping) {
        if (load_finished(ld))
            event_base_loopbreak(ld->base);
        return;
    }
    if (ld->s->keepalive && !server_closes) {
        load_send(cn);
        return;
    }
    load_close(cn);
    if (ld->issued < ld->s->max_requests)
        load_open(cn);
}

static void
load_read_cb(struct bufferevent *bev, void *arg)
{
    struct load_conn *cn = arg;
    struct load_answer a;
    int rc;

    if (cn->h2 != NULL) {
        load_h2_read(cn);
        return;
    }
    if (!cn->busy) {
        evbuffer_drain(bufferevent_get_input(bev), evbuffer_get_length(bufferevent_get_input(bev)));
        return;
    }
    rc = load_take_answer(cn, bufferevent_get_input(bev), &a);
    if (rc == 0)
        return;
    if (rc < 0) {
        load_fail(cn->ld, "malformed HTTP/1.1 answer from %s", cn->ld->s->fqdn);
        load_close(cn);
        if (!cn->ld->stopping && cn->ld->issued < cn->ld->s->max_requests)
            load_open(cn);
        return;
    }
    load_next(cn, a.close);
}

static void
load_connected(struct load_conn *cn)
{
    struct load *ld = cn->ld;
    int one = 1;

    setsockopt(bufferevent_getfd(cn->bev), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (ld->s->h2 && load_h2_start(cn) < 0) {
        load_close(cn);
        return;
    }
    if (!ld->s->keepalive) {
        load_send(cn);
        return;
    }
    /* Keep-alive: the clock starts once every connection has its handshake behind it. */
    if (++ld->connected == ld->s->conns && ld->t0 == 0) {
        ld->t0 = load_now();
        for (int i = 0; i < ld->s->conns; i++)
            if (ld->conns[i].bev != NULL && !ld->conns[i].busy)
                load_send(&ld->conns[i]);
    } else if (ld->t0 != 0) {
        load_send(cn); /* a connection the server closed, opened again */
    }
}

static void
load_event_cb(struct bufferevent *bev, short what, void *arg)
{
    struct load_conn *cn = arg;
    struct load *ld = cn->ld;

    if (what & BEV_EVENT_CONNECTED) {
        load_connected(cn);
        return;
    }
    if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) {
        int was_busy = cn->busy;
        if (was_busy) {
            char why[200];
            unsigned long e = bufferevent_get_openssl_error(bev);
            SSL *ssl = bufferevent_openssl_get_ssl(bev);
            if (ssl != NULL && !tls_ssl_handshake_done(ssl))
                tls_ssl_failure(ssl, e, why, sizeof(why));
            else
                snprintf(why, sizeof(why), "%s", (what & BEV_EVENT_EOF) ? "closed" : "error");
            ld->r->failed += was_busy - 1; /* HTTP/2: each stream in flight is lost */
            load_fail(ld, "connection to %s broken: %.150s", ld->s->fqdn, why);
        }
        if (ld->s->keepalive && ld->connected > 0)
            ld->connected--;
        load_close(cn);
        if (!ld->stopping && ld->issued < ld->s->max_requests && ld->r->failed < LOAD_FAIL_MAX)
            load_open(cn);
        else if (load_finished(ld))
            event_base_loopbreak(ld->base);
    }
}

static void
load_open(struct load_conn *cn)
{
    struct load *ld = cn->ld;
    char err[EDGE_ERR_LEN];
    SSL *ssl = tls_ssl_new(ld->s->tls, ld->s->fqdn, err);
    evutil_socket_t fd = -1;

    if (ssl == NULL ||
        (ld->s->h2 && tls_ssl_set_alpn(ssl, load_alpn_h2, sizeof(load_alpn_h2), err) < 0)) {
        SSL_free(ssl);
        load_fail(ld, "%s", err);
        return;
    }
    /* A socket of another network namespace (the backhaul's cast), else libevent makes one. */
    if (ld->s->make_socket != NULL && (fd = ld->s->make_socket(ld->s->socket_arg)) < 0) {
        SSL_free(ssl);
        load_fail(ld, "cannot make a socket for %s", ld->s->fqdn);
        return;
    }
    cn->bev = bufferevent_openssl_socket_new(ld->base, fd, ssl, BUFFEREVENT_SSL_CONNECTING,
                                             BEV_OPT_CLOSE_ON_FREE);
    if (cn->bev == NULL) {
        SSL_free(ssl);
        if (fd >= 0)
            evutil_closesocket(fd);
        load_fail(ld, "cannot make a connection to %s", ld->s->fqdn);
        return;
    }
    bufferevent_openssl_set_allow_dirty_shutdown(cn->bev, 1);
    bufferevent_setcb(cn->bev, load_read_cb, NULL, load_event_cb, cn);
    bufferevent_enable(cn->bev, EV_READ | EV_WRITE);
    cn->t_start = load_now();
    if (bufferevent_socket_connect(cn->bev, (struct sockaddr *)&ld->sa, sizeof(ld->sa)) < 0) {
        load_close(cn);
        load_fail(ld, "cannot connect to %s port %d", ld->s->fqdn, ld->s->port);
    }
}

static void
load_timer_cb(evutil_socket_t fd, short what, void *arg)
{
    struct load *ld = arg;

    (void)fd, (void)what;
    ld->stopping = 1;
    event_base_loopbreak(ld->base);
}

static void
load_percentiles(struct load *ld)
{
    if (ld->nlat == 0)
        return;
    ld->r->p50_us = bench_percentile(ld->lat, ld->nlat, 50);
    ld->r->p99_us = bench_percentile(ld->lat, ld->nlat, 99);
}

int
load_run(const struct load_spec *s, struct load_result *r, char *err)
{
    struct load ld = {.s = s, .r = r};
    struct timeval tv = {(time_t)s->max_seconds,
                         (suseconds_t)((s->max_seconds - (double)(time_t)s->max_seconds) * 1e6)};
    struct event *timer = NULL;
    int rc = -1;

    memset(r, 0, sizeof(*r));
    if (s->conns < 1 || s->max_requests < 1 || s->max_seconds <= 0)
        return edge_err(err, "load: no connection, request or time to run");
    if (s->h2 && (!s->keepalive || s->streams < 1))
        return edge_err(err, "load: HTTP/2 runs keep-alive, with one stream or more");
    ld.sa.sin_family = AF_INET;
    ld.sa.sin_port = htons((unsigned short)s->port);
    ld.sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (s->addr != NULL && inet_pton(AF_INET, s->addr, &ld.sa.sin_addr) != 1)
        return edge_err(err, "load: %s is not an IPv4 address", s->addr);
    if ((ld.base = event_base_new()) == NULL ||
        (ld.conns = calloc((size_t)s->conns, sizeof(*ld.conns))) == NULL ||
        (timer = evtimer_new(ld.base, load_timer_cb, &ld)) == NULL) {
        edge_err(err, "out of memory");
        goto done;
    }
    evtimer_add(timer, &tv);
    if (!s->keepalive)
        ld.t0 = load_now();
    for (int i = 0; i < s->conns; i++) {
        ld.conns[i].ld = &ld;
        load_open(&ld.conns[i]);
    }
    event_base_dispatch(ld.base);
    if (ld.t0 == 0)
        ld.t0 = load_now();
    r->seconds = (r->done > 0 ? ld.t_last : load_now()) - ld.t0;
    load_percentiles(&ld);
    rc = 0;
done:
    for (int i = 0; ld.conns != NULL && i < s->conns; i++)
        load_close(&ld.conns[i]);
    free(ld.conns);
    free(ld.lat);
    if (timer != NULL)
        event_free(timer);
    if (ld.base != NULL)
        event_base_free(ld.base);
    return rc;
}

void
load_result_clear(struct load_result *r)
{
    free(r->body);
    for (size_t i = 0; i < r->nlocations; i++)
        free(r->locations[i]);
    free(r->locations);
    memset(r, 0, sizeof(*r));
}
