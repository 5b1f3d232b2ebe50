/* http_client_h2.c -- HTTP/2 on a client connection (RFC 9113), with libnghttp2: each call is a
 * stream; concurrent calls to one peer share the connection.
 *
 * nghttp2 callbacks only record what happened to a call (fields, body, the stream's end); the
 * calls are finished after nghttp2 returns (c2_sweep), so that a callback that sends the next
 * request, or gives up, never runs inside nghttp2. A stream the server refused unprocessed
 * (REFUSED_STREAM, or beyond its GOAWAY) is sent again once on another connection (RFC 9113 8.7).
 */
#include "net/http_client_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/queue.h>

#include <event2/http.h>
#include <nghttp2/nghttp2.h>

#include "net/http2_fields.h"

struct c2_state {
    struct http_conn *conn;
    nghttp2_session *session;
    int in_nghttp2; /* inside nghttp2: sending and finishing wait until it returns */
    int goaway;     /* the server sent GOAWAY: no new stream */
};

static void c2_send(struct http_conn *conn);

static ssize_t
c2_send_cb(nghttp2_session *session, const uint8_t *data, size_t len, int flags, void *arg)
{
    struct c2_state *c = arg;

    (void)session, (void)flags;
    return h2_output(c->conn->bev, data, len);
}

static int
c2_on_header(nghttp2_session *session, const nghttp2_frame *frame, const uint8_t *name,
             size_t namelen, const uint8_t *value, size_t valuelen, uint8_t flags, void *arg)
{
    struct http_call *call = nghttp2_session_get_stream_user_data(session, frame->hd.stream_id);
    char n[128], v[8192];

    (void)flags, (void)arg;
    if (call == NULL || frame->hd.type != NGHTTP2_HEADERS || namelen >= sizeof(n) ||
        valuelen >= sizeof(v))
        return 0;
    memcpy(n, name, namelen);
    n[namelen] = '\0';
    memcpy(v, value, valuelen);
    v[valuelen] = '\0';
    if (strcmp(n, ":status") == 0) {
        /* A new header block: an interim 1xx response before it is forgotten (RFC 9113 8.1). */
        evhttp_clear_headers(&call->rheaders);
        call->status = (int)strtol(v, NULL, 10); /* nghttp2 checked: 3 digits */
    } else if (n[0] != ':') {
        evhttp_add_header(&call->rheaders, n, v);
    }
    return 0;
}

static int
c2_on_data(nghttp2_session *session, uint8_t flags, int32_t stream_id, const uint8_t *data,
           size_t len, void *arg)
{
    struct http_call *call = nghttp2_session_get_stream_user_data(session, stream_id);

    (void)flags, (void)arg;
    if (call == NULL || call->bad != NULL)
        return 0;
    if (evbuffer_get_length(call->rbody) + len > HTTP_CLIENT_MAX_BODY) {
        call->bad = "body larger than the client's limit";
        nghttp2_submit_rst_stream(session, NGHTTP2_FLAG_NONE, stream_id, NGHTTP2_CANCEL);
        return 0;
    }
    evbuffer_add(call->rbody, data, len);
    return 0;
}

static int
c2_on_frame_recv(nghttp2_session *session, const nghttp2_frame *frame, void *arg)
{
    struct c2_state *c = arg;
    struct http_call *call;

    if (frame->hd.type == NGHTTP2_GOAWAY) {
        c->goaway = 1;
        return 0;
    }
    if ((frame->hd.type != NGHTTP2_HEADERS && frame->hd.type != NGHTTP2_DATA) ||
        !(frame->hd.flags & NGHTTP2_FLAG_END_STREAM))
        return 0;
    call = nghttp2_session_get_stream_user_data(session, frame->hd.stream_id);
    if (call != NULL && call->status >= 200)
        call->complete = 1;
    return 0;
}

static int
c2_on_stream_close(nghttp2_session *session, int32_t stream_id, uint32_t error_code, void *arg)
{
    struct http_call *call = nghttp2_session_get_stream_user_data(session, stream_id);

    (void)arg;
    if (call == NULL)
        return 0;
    nghttp2_session_set_stream_user_data(session, stream_id, NULL);
    call->stream_done = 1;
    call->stream_error = error_code;
    return 0;
}

static ssize_t
c2_read_body(nghttp2_session *session, int32_t stream_id, uint8_t *buf, size_t len, uint32_t *flags,
             nghttp2_data_source *source, void *arg)
{
    struct http_call *call = source->ptr;
    size_t n = call->body_len - call->body_off;

    (void)session, (void)stream_id, (void)arg;
    if (n > len)
        n = len;
    memcpy(buf, call->body + call->body_off, n);
    call->body_off += n;
    if (call->body_off == call->body_len)
        *flags |= NGHTTP2_DATA_FLAG_EOF;
    return (ssize_t)n;
}

/* Calls whose stream has ended: answered, sent again, or failed. */
static void
c2_sweep(struct http_conn *conn)
{
    struct http_call *call;

    for (;;) {
        for (call = conn->calls; call != NULL && !call->stream_done; call = call->cnext)
            ;
        if (call == NULL)
            return;
        call->stream_done = 0;
        if (call->complete && call->bad == NULL) {
            http_call_answered(call);
        } else if (call->stream_error == NGHTTP2_REFUSED_STREAM) {
            http_call_resend(call, "the server refused the stream unprocessed");
        } else {
            if (call->bad == NULL)
                call->reset = nghttp2_http2_strerror(call->stream_error);
            http_call_failed(call);
        }
    }
}

static int
c2_session_new(struct c2_state *c)
{
    nghttp2_session_callbacks *cb;
    int rc;

    if (nghttp2_session_callbacks_new(&cb) != 0)
        return -1;
    nghttp2_session_callbacks_set_send_callback(cb, c2_send_cb);
    nghttp2_session_callbacks_set_on_header_callback(cb, c2_on_header);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cb, c2_on_data);
    nghttp2_session_callbacks_set_on_frame_recv_callback(cb, c2_on_frame_recv);
    nghttp2_session_callbacks_set_on_stream_close_callback(cb, c2_on_stream_close);
    rc = nghttp2_session_client_new(&c->session, cb, c);
    nghttp2_session_callbacks_del(cb);
    return rc == 0 ? 0 : -1;
}

static int
c2_start(struct http_conn *conn)
{
    struct c2_state *c = calloc(1, sizeof(*c));
    const nghttp2_settings_entry iv[] = {
        {NGHTTP2_SETTINGS_ENABLE_PUSH, 0},
        {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, HTTP_CLIENT_MAX_BODY},
        {NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, 64 * 1024},
    };

    if (c == NULL)
        return -1;
    c->conn = conn;
    conn->p = c;
    if (c2_session_new(c) < 0 ||
        nghttp2_submit_settings(c->session, NGHTTP2_FLAG_NONE, iv, sizeof(iv) / sizeof(iv[0])) != 0)
        return -1;
    c2_send(conn); /* the connection preface (RFC 9113 3.4) and SETTINGS */
    return 0;
}

static int
c2_can_take(struct http_conn *conn)
{
    struct c2_state *c = conn->p;
    uint32_t max;

    if (c->goaway || conn->dead || !nghttp2_session_check_request_allowed(c->session))
        return 0;
    max = nghttp2_session_get_remote_settings(c->session, NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS);
    return (uint32_t)conn->ncalls < max;
}

static int
c2_submit(struct http_conn *conn, struct http_call *call)
{
    static const char *const own[] = {"host", "content-length", NULL};
    struct c2_state *c = conn->p;
    char authority[EDGE_FQDN_MAX + 8], clen[24];
    struct h2_fields fl = {.n = 0};
    nghttp2_data_provider prd = {.source.ptr = call, .read_callback = c2_read_body};
    struct evkeyval *h;
    int32_t id;

    http_call_authority(call, authority, sizeof(authority));
    snprintf(clen, sizeof(clen), "%zu", call->body_len);
    h2_fields_add(&fl, ":method", call->method);
    h2_fields_add(&fl, ":scheme", "https");
    h2_fields_add(&fl, ":authority", authority);
    h2_fields_add(&fl, ":path", call->path);
    if (call->content_type != NULL)
        h2_fields_add(&fl, "content-type", call->content_type);
    if (call->body_len > 0 || strcmp(call->method, "POST") == 0 ||
        strcmp(call->method, "PUT") == 0 || strcmp(call->method, "PATCH") == 0)
        h2_fields_add(&fl, "content-length", clen);
    TAILQ_FOREACH(h, &call->headers, next)
    {
        h2_fields_add_user(&fl, h->key, h->value, own);
    }
    call->body_off = 0;
    id = nghttp2_submit_request(c->session, NULL, fl.nv, fl.n, call->body_len > 0 ? &prd : NULL,
                                call);
    if (id < 0)
        return -1;
    call->stream = id;
    call->sent = 1;
    c2_send(conn);
    return 0;
}

static void
c2_send(struct http_conn *conn)
{
    struct c2_state *c = conn->p;
    int rc;

    if (conn->dead || c->in_nghttp2)
        return;
    c->in_nghttp2 = 1;
    rc = nghttp2_session_send(c->session);
    c->in_nghttp2 = 0;
    if (rc != 0) {
        http_conn_kill(conn); /* the event callback fails the calls left */
        return;
    }
    c2_sweep(conn);
    if (!conn->dead && !nghttp2_session_want_read(c->session) &&
        !nghttp2_session_want_write(c->session) && conn->ncalls == 0)
        http_conn_kill(conn); /* after a GOAWAY and the last stream */
}

static void
c2_read(struct http_conn *conn)
{
    struct c2_state *c = conn->p;
    struct evbuffer *in = bufferevent_get_input(conn->bev);
    size_t len = evbuffer_get_length(in);
    ssize_t n;

    if (len == 0 || c->in_nghttp2)
        return;
    c->in_nghttp2 = 1;
    n = nghttp2_session_mem_recv(c->session, evbuffer_pullup(in, -1), len);
    c->in_nghttp2 = 0;
    if (n < 0) {
        evbuffer_drain(in, len);
        http_conn_kill(conn);
        c2_sweep(conn);
        while (conn->calls != NULL) {
            conn->calls->bad = nghttp2_strerror((int)n);
            http_call_failed(conn->calls);
        }
        return;
    }
    evbuffer_drain(in, (size_t)n);
    if (nghttp2_session_want_read(c->session) || nghttp2_session_want_write(c->session))
        conn->clean = 1;
    c2_send(conn);
}

static void
c2_eof(struct http_conn *conn)
{
    c2_read(conn);
    c2_sweep(conn);
}

static void
c2_cancel(struct http_conn *conn, struct http_call *call)
{
    struct c2_state *c = conn->p;

    if (call->stream <= 0) {
        http_conn_kill(conn);
        return;
    }
    nghttp2_session_set_stream_user_data(c->session, call->stream, NULL);
    nghttp2_submit_rst_stream(c->session, NGHTTP2_FLAG_NONE, call->stream, NGHTTP2_CANCEL);
    call->stream = 0;
    c2_send(conn);
}

static void
c2_free(struct http_conn *conn)
{
    struct c2_state *c = conn->p;

    if (c == NULL)
        return;
    if (c->session != NULL)
        nghttp2_session_del(c->session);
    free(c);
    conn->p = NULL;
}

const struct http_cproto http_c2_proto = {
    .name = "h2",
    .start = c2_start,
    .submit = c2_submit,
    .read = c2_read,
    .written = c2_send,
    .eof = c2_eof,
    .cancel = c2_cancel,
    .can_take = c2_can_take,
    .free = c2_free,
};
