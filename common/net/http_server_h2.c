/* http_server_h2.c -- HTTP/2 on a server connection (RFC 9113), with libnghttp2.
 *
 * nghttp2 frames, checks and decompresses (it refuses what RFC 9113 8.2 calls malformed: upper-case
 * or connection-specific fields, bad pseudo-header fields, Content-Length that disagrees with the
 * DATA); this file keeps each request stream's fields and body within the server's limits
 * (http_server.h), hands the complete request to the dispatcher, and sends its reply on the same
 * stream. Each stream has its own request deadline; a stream that misses it is reset (CANCEL). */
#include "net/http_server_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/queue.h>
#include <time.h>

#include <event2/http.h>
#include <event2/util.h>
#include <nghttp2/nghttp2.h>

#include "net/http2_fields.h"
#include "net/problem.h"

struct h2_sconn;

struct h2_stream {
    int32_t id;
    struct h2_sconn *h;
    char method[16];
    char *path, *authority;
    struct evkeyvalq headers;
    struct evbuffer *body;
    size_t body_len, field_bytes;
    int too_large, err_status;
    const char *err;
    int dispatched; /* handed to the dispatcher (complete, or refused early) */
    int replied, sent;
    struct http_req *req; /* with its handler */
    struct evbuffer *out; /* the reply body */
    struct event *deadline;
    struct h2_stream *next, *prev;
};

struct h2_sconn {
    struct http_sconn *sc;
    nghttp2_session *session;
    int in_recv; /* inside nghttp2_session_mem_recv: sending waits until it returns */
    int first_done;
    int nstreams;
    struct h2_stream *streams;
};

static void h2_send(struct http_sconn *sc);

static void
h2_stream_free(struct h2_stream *st)
{
    struct h2_sconn *h = st->h;

    if (st->req != NULL)
        http_req_detach(st->req); /* the client reset or closed the stream: a reply is dropped */
    if (st->prev != NULL)
        st->prev->next = st->next;
    else
        h->streams = st->next;
    if (st->next != NULL)
        st->next->prev = st->prev;
    h->nstreams--;
    event_free(st->deadline);
    evhttp_clear_headers(&st->headers);
    evbuffer_free(st->body);
    evbuffer_free(st->out);
    free(st->path);
    free(st->authority);
    free(st);
}

static void
h2_stream_deadline(evutil_socket_t fd, short what, void *arg)
{
    struct h2_stream *st = arg;
    struct http_sconn *sc = st->h->sc;

    (void)fd, (void)what;
    if (st->dispatched)
        return;
    http_sconn_log(sc, HTTP_SERVER_REQUEST_TIMEOUT,
                   "stream %d from %s reset: request not complete within %d ms", (int)st->id,
                   sc->addr, sc->srv->request_ms);
    nghttp2_submit_rst_stream(st->h->session, NGHTTP2_FLAG_NONE, st->id, NGHTTP2_CANCEL);
    h2_send(sc);
}

static struct h2_stream *
h2_stream_new(struct h2_sconn *h, int32_t id)
{
    struct h2_stream *st = calloc(1, sizeof(*st));
    struct timeval tv = {h->sc->srv->request_ms / 1000,
                         (suseconds_t)(h->sc->srv->request_ms % 1000) * 1000};

    if (st == NULL)
        return NULL;
    st->id = id;
    st->h = h;
    TAILQ_INIT(&st->headers);
    st->body = evbuffer_new();
    st->out = evbuffer_new();
    st->deadline = evtimer_new(h->sc->srv->base, h2_stream_deadline, st);
    if (st->body == NULL || st->out == NULL || st->deadline == NULL) {
        if (st->body != NULL)
            evbuffer_free(st->body);
        if (st->out != NULL)
            evbuffer_free(st->out);
        if (st->deadline != NULL)
            event_free(st->deadline);
        free(st);
        return NULL;
    }
    evtimer_add(st->deadline, &tv);
    st->next = h->streams;
    if (st->next != NULL)
        st->next->prev = st;
    h->streams = st;
    h->nstreams++;
    return st;
}

/* The request is complete (or refused before it is): to the dispatcher. */
static void
h2_dispatch(struct h2_sconn *h, struct h2_stream *st)
{
    struct http_sconn *sc = h->sc;
    struct http_req_in in = {
        .method = st->method[0] != '\0' ? st->method : "(malformed)",
        .target = st->path,
        .headers = &st->headers,
        .body = st->body,
        .body_len = st->body_len,
        .too_large = st->too_large,
        .err_status = st->err_status,
        .err = st->err,
    };

    st->dispatched = 1;
    evtimer_del(st->deadline);
    if (!h->first_done) {
        h->first_done = 1;
        http_sconn_deadline(sc, 0);
    }
    if (st->authority != NULL && evhttp_find_header(&st->headers, "Host") == NULL)
        evhttp_add_header(&st->headers, "Host", st->authority); /* RFC 9113 8.3.1 */
    if ((st->req = http_req_new(sc, st->id, &in)) == NULL) {
        nghttp2_submit_rst_stream(h->session, NGHTTP2_FLAG_NONE, st->id, NGHTTP2_INTERNAL_ERROR);
        return;
    }
    http_server_dispatch(st->req);
}

static int
h2_on_begin_headers(nghttp2_session *session, const nghttp2_frame *frame, void *arg)
{
    struct h2_sconn *h = arg;
    struct h2_stream *st;

    if (frame->hd.type != NGHTTP2_HEADERS || frame->headers.cat != NGHTTP2_HCAT_REQUEST)
        return 0;
    if ((st = h2_stream_new(h, frame->hd.stream_id)) == NULL)
        return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE; /* the stream is reset */
    nghttp2_session_set_stream_user_data(session, frame->hd.stream_id, st);
    http_sconn_idle(h->sc, 0);
    return 0;
}

/* A pseudo-header field (RFC 9113 8.3.1); nghttp2 has checked which may come and how often. */
static void
h2_pseudo(struct h2_stream *st, const char *name, const char *value, size_t vlen)
{
    if (strcmp(name, ":method") == 0)
        snprintf(st->method, sizeof(st->method), "%.*s", (int)vlen, value);
    else if (strcmp(name, ":path") == 0 && st->path == NULL)
        st->path = strndup(value, vlen);
    else if (strcmp(name, ":authority") == 0 && st->authority == NULL)
        st->authority = strndup(value, vlen);
}

static int
h2_on_header(nghttp2_session *session, const nghttp2_frame *frame, const uint8_t *name,
             size_t namelen, const uint8_t *value, size_t valuelen, uint8_t flags, void *arg)
{
    struct h2_stream *st = nghttp2_session_get_stream_user_data(session, frame->hd.stream_id);
    char *n;

    (void)flags, (void)arg;
    if (st == NULL || frame->hd.type != NGHTTP2_HEADERS ||
        frame->headers.cat != NGHTTP2_HCAT_REQUEST || st->err_status != 0)
        return 0;
    /* RFC 9113 6.5.2: the size of a field is its name, value and 32 bytes. */
    st->field_bytes += namelen + valuelen + 32;
    if (st->field_bytes > HTTP_SERVER_H2_HEADER_LIST) {
        st->err_status = 431;
        st->err = "header list larger than SETTINGS_MAX_HEADER_LIST_SIZE";
        return 0;
    }
    if (memchr(value, '\0', valuelen) != NULL || (n = strndup((const char *)name, namelen)) == NULL)
        return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
    if (n[0] == ':')
        h2_pseudo(st, n, (const char *)value, valuelen);
    else {
        char *v = strndup((const char *)value, valuelen);

        if (v == NULL || evhttp_add_header(&st->headers, n, v) < 0) {
            st->err_status = 400;
            st->err = "a field value that cannot be stored";
        }
        free(v);
    }
    free(n);
    return 0;
}

static int
h2_on_data(nghttp2_session *session, uint8_t flags, int32_t stream_id, const uint8_t *data,
           size_t len, void *arg)
{
    struct h2_sconn *h = arg;
    struct h2_stream *st = nghttp2_session_get_stream_user_data(session, stream_id);
    size_t max = h->sc->srv->max_body;

    (void)flags;
    if (st == NULL || st->dispatched)
        return 0;
    if (!st->too_large && st->body_len + len <= max) {
        evbuffer_add(st->body, data, len);
    } else {
        st->too_large = 1;
        evbuffer_drain(st->body, evbuffer_get_length(st->body));
    }
    st->body_len += len;
    if (st->body_len > 2 * max) /* answer 413 now rather than read it all */
        h2_dispatch(h, st);
    return 0;
}

/* Content-Length beyond twice max_body: answered 413 before the body comes (RFC 9113 8.1.1). */
static void
h2_check_length(struct h2_sconn *h, struct h2_stream *st)
{
    const char *cl = evhttp_find_header(&st->headers, "content-length");
    char *end;
    unsigned long long n;

    if (cl == NULL)
        return;
    n = strtoull(cl, &end, 10);
    if (*end == '\0' && n > 2 * (unsigned long long)h->sc->srv->max_body) {
        st->too_large = 1;
        st->body_len = (size_t)(n > (unsigned long long)SIZE_MAX ? SIZE_MAX : n);
        h2_dispatch(h, st);
    }
}

static int
h2_on_frame_recv(nghttp2_session *session, const nghttp2_frame *frame, void *arg)
{
    struct h2_sconn *h = arg;
    struct h2_stream *st;

    if (frame->hd.type != NGHTTP2_HEADERS && frame->hd.type != NGHTTP2_DATA)
        return 0;
    if ((st = nghttp2_session_get_stream_user_data(session, frame->hd.stream_id)) == NULL ||
        st->dispatched)
        return 0;
    if (frame->hd.type == NGHTTP2_HEADERS && (frame->hd.flags & NGHTTP2_FLAG_END_HEADERS) &&
        !(frame->hd.flags & NGHTTP2_FLAG_END_STREAM))
        h2_check_length(h, st);
    if (!st->dispatched && (frame->hd.flags & NGHTTP2_FLAG_END_STREAM))
        h2_dispatch(h, st);
    return 0;
}

static int
h2_on_frame_send(nghttp2_session *session, const nghttp2_frame *frame, void *arg)
{
    struct h2_sconn *h = arg;
    struct h2_stream *st;

    if ((frame->hd.type != NGHTTP2_HEADERS && frame->hd.type != NGHTTP2_DATA) ||
        !(frame->hd.flags & NGHTTP2_FLAG_END_STREAM) ||
        (st = nghttp2_session_get_stream_user_data(session, frame->hd.stream_id)) == NULL ||
        !st->replied || st->sent)
        return 0;
    /* The whole reply is in the output buffer now. */
    st->sent = 1;
    h->sc->pending--;
    http_sconn_buffered(h->sc, 1);
    if (!nghttp2_session_get_stream_remote_close(session, st->id)) /* answered before its end */
        nghttp2_submit_rst_stream(session, NGHTTP2_FLAG_NONE, st->id, NGHTTP2_NO_ERROR);
    return 0;
}

static int
h2_on_stream_close(nghttp2_session *session, int32_t stream_id, uint32_t error_code, void *arg)
{
    struct h2_sconn *h = arg;
    struct h2_stream *st = nghttp2_session_get_stream_user_data(session, stream_id);

    (void)error_code;
    if (st == NULL)
        return 0;
    if (st->replied && !st->sent) { /* reset before its reply left: nothing more to wait for */
        h->sc->pending--;
        h->sc->srv->inflight--;
        http_server_check_drained(h->sc->srv);
    }
    h2_stream_free(st);
    if (h->nstreams == 0 && !h->sc->srv->stopping)
        http_sconn_idle(h->sc, 1);
    return 0;
}

static ssize_t
h2_send_cb(nghttp2_session *session, const uint8_t *data, size_t len, int flags, void *arg)
{
    struct h2_sconn *h = arg;

    (void)session, (void)flags;
    return h2_output(h->sc->bev, data, len);
}

static ssize_t
h2_read_body(nghttp2_session *session, int32_t stream_id, uint8_t *buf, size_t len, uint32_t *flags,
             nghttp2_data_source *source, void *arg)
{
    struct h2_stream *st = source->ptr;
    int n = evbuffer_remove(st->out, buf, len);

    (void)session, (void)stream_id, (void)arg;
    if (evbuffer_get_length(st->out) == 0)
        *flags |= NGHTTP2_DATA_FLAG_EOF;
    return n < 0 ? 0 : n;
}

static int
h2_session_new(struct h2_sconn *h)
{
    nghttp2_session_callbacks *cb;
    nghttp2_option *opt;
    int rc;

    if (nghttp2_session_callbacks_new(&cb) != 0)
        return -1;
    if (nghttp2_option_new(&opt) != 0) {
        nghttp2_session_callbacks_del(cb);
        return -1;
    }
    nghttp2_session_callbacks_set_send_callback(cb, h2_send_cb);
    nghttp2_session_callbacks_set_on_begin_headers_callback(cb, h2_on_begin_headers);
    nghttp2_session_callbacks_set_on_header_callback(cb, h2_on_header);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cb, h2_on_data);
    nghttp2_session_callbacks_set_on_frame_recv_callback(cb, h2_on_frame_recv);
    nghttp2_session_callbacks_set_on_frame_send_callback(cb, h2_on_frame_send);
    nghttp2_session_callbacks_set_on_stream_close_callback(cb, h2_on_stream_close);
    /* The limit the peer is told is enforced before its SETTINGS ACK too. */
    nghttp2_option_set_max_deflate_dynamic_table_size(opt, 4096);
    rc = nghttp2_session_server_new2(&h->session, cb, h, opt);
    nghttp2_option_del(opt);
    nghttp2_session_callbacks_del(cb);
    return rc == 0 ? 0 : -1;
}

static int
h2_start(struct http_sconn *sc)
{
    struct h2_sconn *h = calloc(1, sizeof(*h));
    const nghttp2_settings_entry iv[] = {
        {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, HTTP_SERVER_H2_STREAMS},
        {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, HTTP_SERVER_H2_WINDOW},
        {NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, HTTP_SERVER_H2_HEADER_LIST},
    };

    if (h == NULL)
        return -1;
    h->sc = sc;
    sc->proto = h;
    if (h2_session_new(h) < 0 ||
        nghttp2_submit_settings(h->session, NGHTTP2_FLAG_NONE, iv, sizeof(iv) / sizeof(iv[0])) !=
            0 ||
        nghttp2_session_set_local_window_size(h->session, NGHTTP2_FLAG_NONE, 0,
                                              HTTP_SERVER_H2_CONN_WINDOW) != 0)
        return -1; /* the connection's free frees h */
    h2_send(sc);
    if (evbuffer_get_length(bufferevent_get_input(sc->bev)) > 0)
        sc->ops->read(sc);
    return 0;
}

static void
h2_send(struct http_sconn *sc)
{
    struct h2_sconn *h = sc->proto;
    int rc;

    if (sc->dead || h->in_recv)
        return;
    if ((rc = nghttp2_session_send(h->session)) != 0) {
        http_sconn_close(sc, NULL, "HTTP/2 send failed: %s", nghttp2_strerror(rc));
        return;
    }
    /* After a GOAWAY either way, and the last stream: the connection is done. */
    if (!nghttp2_session_want_read(h->session) && !nghttp2_session_want_write(h->session))
        http_sconn_close_after_write(sc);
}

static void
h2_read(struct http_sconn *sc)
{
    struct h2_sconn *h = sc->proto;
    struct evbuffer *in = bufferevent_get_input(sc->bev);
    size_t len = evbuffer_get_length(in);
    ssize_t n;

    if (sc->dead || len == 0)
        return;
    h->in_recv = 1;
    n = nghttp2_session_mem_recv(h->session, evbuffer_pullup(in, -1), len);
    h->in_recv = 0;
    if (n < 0) {
        http_sconn_close(sc, NULL, "HTTP/2 connection error: %s", nghttp2_strerror((int)n));
        return;
    }
    evbuffer_drain(in, (size_t)n);
    h2_send(sc);
}

static int
h2_reply(struct http_sconn *sc, struct http_req *req, int status, const void *body, size_t len)
{
    static const char *const own[] = {"content-length", "date", NULL};
    struct h2_sconn *h = sc->proto;
    struct h2_stream *st = nghttp2_session_get_stream_user_data(h->session, req->stream);
    struct h2_fields fl = {.n = 0};
    char code[8], clen[24];
    nghttp2_data_provider prd = {.read_callback = h2_read_body};
    struct evkeyval *f;
    int body_ok = status != 204 && status != 304 && strcmp(req->method, "HEAD") != 0;

    if (st == NULL || st->replied)
        return -1;
    snprintf(code, sizeof(code), "%d", status);
    snprintf(clen, sizeof(clen), "%zu", len);
    h2_fields_add(&fl, ":status", code);
    h2_fields_add(&fl, "date", http_server_date(sc->srv));
    if (status != 204 && status != 304)
        h2_fields_add(&fl, "content-length", clen);
    TAILQ_FOREACH(f, &req->out, next)
    {
        h2_fields_add_user(&fl, f->key, f->value, own);
    }
    if (body_ok && len > 0)
        evbuffer_add(st->out, body, len);
    prd.source.ptr = st;
    if (nghttp2_submit_response(h->session, st->id, fl.nv, fl.n,
                                body_ok && len > 0 ? &prd : NULL) != 0)
        return -1;
    st->replied = 1;
    st->req = NULL;
    sc->pending++;
    sc->srv->inflight++;
    h2_send(sc);
    return 0;
}

static void
h2_stop(struct http_sconn *sc)
{
    struct h2_sconn *h = sc->proto;

    /* RFC 9113 6.8: streams up to the last one processed are still answered (503 by then). */
    nghttp2_submit_goaway(h->session, NGHTTP2_FLAG_NONE,
                          nghttp2_session_get_last_proc_stream_id(h->session), NGHTTP2_NO_ERROR,
                          NULL, 0);
    h2_send(sc);
}

static void
h2_idle(struct http_sconn *sc)
{
    struct h2_sconn *h = sc->proto;

    nghttp2_session_terminate_session(h->session, NGHTTP2_NO_ERROR);
    h2_send(sc);
}

static void
h2_deadline(struct http_sconn *sc)
{
    http_sconn_close(sc, HTTP_SERVER_REQUEST_TIMEOUT,
                     "connection from %s closed: no complete HTTP/2 request within %d ms", sc->addr,
                     sc->srv->request_ms);
}

static void
h2_free(struct http_sconn *sc)
{
    struct h2_sconn *h = sc->proto;
    struct h2_stream *st, *next;

    if (h == NULL)
        return;
    if (h->session != NULL)
        nghttp2_session_del(h->session); /* closes no stream through callbacks */
    for (st = h->streams; st != NULL; st = next) {
        next = st->next;
        h2_stream_free(st);
    }
    free(h);
    sc->proto = NULL;
}

const struct http_proto_ops http_h2_ops = {
    .name = "h2",
    .start = h2_start,
    .read = h2_read,
    .written = h2_send,
    .stop = h2_stop,
    .idle = h2_idle,
    .deadline = h2_deadline,
    .reply = h2_reply,
    .free = h2_free,
};
