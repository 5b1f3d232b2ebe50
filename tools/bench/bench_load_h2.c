/* bench_load_h2.c -- the load client over HTTP/2 (RFC 9113, libnghttp2): once TLS has chosen "h2"
 * by ALPN, each connection keeps up to load_spec.streams requests in flight, each on a stream of
 * its own, and begins the next one as each answer completes. The nodes speak HTTP/2 between
 * themselves by default, so this is the protocol of most of their traffic.
 *
 * An answer is complete when its stream closes without error; its :status must be the expected
 * one. What a round of the session has to send goes to the connection's output buffer together
 * (nghttp2_session_mem_send), so the TLS layer writes it as few records as it can. */
#include "bench_load.h"

#include <nghttp2/nghttp2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>

#define LOAD_H2_WINDOW (1 << 20)

struct load_stream;

struct load_h2 {
    nghttp2_session *session;
    struct load_stream *streams; /* in flight */
};

/* One request in flight. */
struct load_stream {
    struct load_conn *cn;
    struct load_stream *next, *prev;
    double t_start;
    size_t sent; /* body bytes handed to the session */
    int status;
    char location[512];
    char *body;
    size_t body_len;
};

static void
load_h2_stream_free(struct load_h2 *h, struct load_stream *st)
{
    if (st->prev != NULL)
        st->prev->next = st->next;
    else
        h->streams = st->next;
    if (st->next != NULL)
        st->next->prev = st->prev;
    free(st->body);
    free(st);
}

/* Hand what the session has to send to the connection's output buffer. */
static int
load_h2_flush(struct load_conn *cn)
{
    struct evbuffer *out = bufferevent_get_output(cn->bev);
    const uint8_t *data;
    ssize_t n;

    while ((n = nghttp2_session_mem_send(cn->h2->session, &data)) > 0)
        if (evbuffer_add(out, data, (size_t)n) < 0)
            return -1;
    if (n < 0) {
        load_fail(cn->ld, "HTTP/2 to %s: %s", cn->ld->s->fqdn, nghttp2_strerror((int)n));
        return -1;
    }
    return 0;
}

static ssize_t
load_h2_body(nghttp2_session *session, int32_t stream_id, uint8_t *buf, size_t len, uint32_t *flags,
             nghttp2_data_source *source, void *arg)
{
    struct load_stream *st = source->ptr;
    const char *body = st->cn->ld->s->body;
    size_t total, n;

    (void)session, (void)stream_id, (void)arg;
    if (body == NULL) {
        *flags |= NGHTTP2_DATA_FLAG_EOF;
        return 0;
    }
    total = strlen(body);
    n = total - st->sent < len ? total - st->sent : len;
    memcpy(buf, body + st->sent, n);
    st->sent += n;
    if (st->sent == total)
        *flags |= NGHTTP2_DATA_FLAG_EOF;
    return (ssize_t)n;
}

#define LOAD_NV(n, v)                                                                              \
    (nghttp2_nv)                                                                                   \
    {                                                                                              \
        (uint8_t *)(n), (uint8_t *)(v), strlen(n), strlen(v), NGHTTP2_NV_FLAG_NONE                 \
    }

/* One request on a new stream of cn. */
static int
load_h2_submit(struct load_conn *cn, long i)
{
    const struct load_spec *s = cn->ld->s;
    struct load_stream *st = calloc(1, sizeof(*st));
    nghttp2_data_provider prd = {.source.ptr = st, .read_callback = load_h2_body};
    char clen[24], auth[4096];
    nghttp2_nv nv[9];
    size_t n = 0;

    if (st == NULL)
        return -1;
    st->cn = cn;
    st->t_start = load_now();
    nv[n++] = LOAD_NV(":method", s->method);
    nv[n++] = LOAD_NV(":scheme", "https");
    nv[n++] = LOAD_NV(":authority", s->fqdn);
    nv[n++] = LOAD_NV(":path", load_path(cn->ld, i));
    nv[n++] = LOAD_NV("user-agent", "edge-bench");
    if (s->bearer != NULL &&
        snprintf(auth, sizeof(auth), "Bearer %s", s->bearer) < (int)sizeof(auth))
        nv[n++] = LOAD_NV("authorization", auth);
    if (s->body != NULL) {
        snprintf(clen, sizeof(clen), "%zu", strlen(s->body));
        nv[n++] = LOAD_NV("content-type", s->ctype);
        nv[n++] = LOAD_NV("content-length", clen);
    }
    if (nghttp2_submit_request(cn->h2->session, NULL, nv, n, s->body != NULL ? &prd : NULL, st) <
        0) {
        free(st);
        return -1;
    }
    st->next = cn->h2->streams;
    if (st->next != NULL)
        st->next->prev = st;
    cn->h2->streams = st;
    cn->busy++;
    return 0;
}

void
load_h2_fill(struct load_conn *cn)
{
    struct load *ld = cn->ld;

    if (cn->h2 == NULL)
        return;
    while (cn->busy < ld->s->streams && load_take_request(ld))
        if (load_h2_submit(cn, ld->issued - 1) < 0) {
            load_fail(ld, "cannot begin an HTTP/2 request to %s", ld->s->fqdn);
            break;
        }
    load_h2_flush(cn);
}

static int
load_h2_on_header(nghttp2_session *session, const nghttp2_frame *frame, const uint8_t *name,
                  size_t namelen, const uint8_t *value, size_t valuelen, uint8_t flags, void *arg)
{
    struct load_stream *st = nghttp2_session_get_stream_user_data(session, frame->hd.stream_id);

    (void)flags, (void)arg;
    if (st == NULL || frame->hd.type != NGHTTP2_HEADERS)
        return 0;
    if (namelen == 7 && memcmp(name, ":status", 7) == 0 && valuelen == 3)
        st->status = (value[0] - '0') * 100 + (value[1] - '0') * 10 + (value[2] - '0');
    else if (namelen == 8 && memcmp(name, "location", 8) == 0 && valuelen < sizeof(st->location))
        snprintf(st->location, sizeof(st->location), "%.*s", (int)valuelen, (const char *)value);
    return 0;
}

static int
load_h2_on_data(nghttp2_session *session, uint8_t flags, int32_t stream_id, const uint8_t *data,
                size_t len, void *arg)
{
    struct load_stream *st = nghttp2_session_get_stream_user_data(session, stream_id);
    char *b;

    (void)flags, (void)arg;
    if (st == NULL || st->body_len + len > (size_t)LOAD_BODY_MAX)
        return st == NULL ? 0 : NGHTTP2_ERR_CALLBACK_FAILURE;
    if ((b = realloc(st->body, st->body_len + len + 1)) == NULL)
        return NGHTTP2_ERR_CALLBACK_FAILURE;
    memcpy(b + st->body_len, data, len);
    st->body = b;
    st->body_len += len;
    b[st->body_len] = '\0';
    return 0;
}

static int
load_h2_on_close(nghttp2_session *session, int32_t stream_id, uint32_t error_code, void *arg)
{
    struct load_stream *st = nghttp2_session_get_stream_user_data(session, stream_id);
    struct load_conn *cn = arg;

    if (st == NULL)
        return 0;
    cn->busy--;
    if (error_code != NGHTTP2_NO_ERROR || st->status == 0)
        load_fail(cn->ld, "HTTP/2 stream to %s reset (%s)", cn->ld->s->fqdn,
                  nghttp2_http2_strerror(error_code));
    else {
        load_answer(cn->ld, st->t_start, st->status, st->body, st->location);
        st->body = NULL; /* the answer has it */
    }
    nghttp2_session_set_stream_user_data(session, stream_id, NULL);
    load_h2_stream_free(cn->h2, st);
    return 0;
}

int
load_h2_start(struct load_conn *cn)
{
    const nghttp2_settings_entry iv[] = {{NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, LOAD_H2_WINDOW}};
    SSL *ssl = bufferevent_openssl_get_ssl(cn->bev);
    nghttp2_session_callbacks *cb = NULL;
    char alpn[16];
    int rc = -1;

    if (ssl == NULL || strcmp(tls_ssl_alpn(ssl, alpn, sizeof(alpn)), "h2") != 0) {
        load_fail(cn->ld, "%s did not choose h2 by ALPN", cn->ld->s->fqdn);
        return -1;
    }
    if ((cn->h2 = calloc(1, sizeof(*cn->h2))) == NULL || nghttp2_session_callbacks_new(&cb) != 0)
        goto done;
    nghttp2_session_callbacks_set_on_header_callback(cb, load_h2_on_header);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cb, load_h2_on_data);
    nghttp2_session_callbacks_set_on_stream_close_callback(cb, load_h2_on_close);
    if (nghttp2_session_client_new(&cn->h2->session, cb, cn) != 0)
        goto done;
    if (nghttp2_submit_settings(cn->h2->session, NGHTTP2_FLAG_NONE, iv, 1) != 0 ||
        nghttp2_session_set_local_window_size(cn->h2->session, NGHTTP2_FLAG_NONE, 0,
                                              LOAD_H2_WINDOW) != 0)
        goto done;
    rc = load_h2_flush(cn);
done:
    nghttp2_session_callbacks_del(cb);
    if (rc < 0)
        load_fail(cn->ld, "cannot start HTTP/2 to %s", cn->ld->s->fqdn);
    return rc;
}

void
load_h2_read(struct load_conn *cn)
{
    struct evbuffer *in = bufferevent_get_input(cn->bev);
    size_t len = evbuffer_get_length(in);
    struct load *ld = cn->ld;
    ssize_t n;

    if (len == 0)
        return;
    n = nghttp2_session_mem_recv(cn->h2->session, evbuffer_pullup(in, -1), len);
    if (n < 0) {
        load_fail(ld, "HTTP/2 from %s: %s", ld->s->fqdn, nghttp2_strerror((int)n));
        return;
    }
    evbuffer_drain(in, (size_t)n);
    if (load_finished(ld)) {
        event_base_loopbreak(ld->base);
        return;
    }
    load_h2_fill(cn);
}

void
load_h2_free(struct load_conn *cn)
{
    struct load_stream *st, *next;

    if (cn->h2 == NULL)
        return;
    /* Streams still in flight are not answered; the session's deletion calls nothing back. */
    for (st = cn->h2->streams; st != NULL; st = next) {
        next = st->next;
        free(st->body);
        free(st);
    }
    cn->h2->streams = NULL;
    nghttp2_session_del(cn->h2->session);
    free(cn->h2);
    cn->h2 = NULL;
}
