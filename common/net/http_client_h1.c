/* http_client_h1.c -- HTTP/1.1 on a client connection (RFC 9112): one call at a time, the response
 * parsed strictly (http1.h), the connection kept for the next call when both sides allow it. */
#include "net/http_client_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/queue.h>

#include <event2/http.h>

#include "net/http1.h"

struct c1_state {
    struct h1_msg msg;
    struct http_call *call; /* the call whose response is awaited */
};

static int
c1_start(struct http_conn *conn)
{
    struct c1_state *c = calloc(1, sizeof(*c));

    if (c == NULL ||
        h1_msg_init(&c->msg, H1_RESPONSE, HTTP_CLIENT_MAX_BODY, HTTP_CLIENT_MAX_BODY) < 0) {
        free(c);
        return -1;
    }
    conn->p = c;
    return 0;
}

static int
c1_can_take(struct http_conn *conn)
{
    struct c1_state *c = conn->p;

    return c->call == NULL;
}

/* Fields the protocol writes itself: a caller's are not sent twice. */
static int
c1_own_field(const char *name)
{
    return strcasecmp(name, "Host") == 0 || strcasecmp(name, "Content-Length") == 0 ||
           strcasecmp(name, "Transfer-Encoding") == 0 || strcasecmp(name, "Connection") == 0;
}

static int
c1_submit(struct http_conn *conn, struct http_call *call)
{
    struct c1_state *c = conn->p;
    struct evbuffer *out = bufferevent_get_output(conn->bev);
    struct evkeyval *h;
    char host[EDGE_FQDN_MAX + 8];

    if (c->call != NULL)
        return -1;
    h1_msg_reset(&c->msg);
    c->msg.head_only = strcmp(call->method, "HEAD") == 0;
    http_call_authority(call, host, sizeof(host));
    evbuffer_add_printf(out, "%s %s HTTP/1.1\r\nHost: %s\r\n", call->method, call->path, host);
    if (call->content_type != NULL)
        evbuffer_add_printf(out, "Content-Type: %s\r\n", call->content_type);
    TAILQ_FOREACH(h, &call->headers, next)
    {
        if (!c1_own_field(h->key))
            evbuffer_add_printf(out, "%s: %s\r\n", h->key, h->value);
    }
    /* RFC 9110 8.6: a request with content says its length (POST/PUT/PATCH even when empty). */
    if (call->body_len > 0 || strcmp(call->method, "POST") == 0 ||
        strcmp(call->method, "PUT") == 0 || strcmp(call->method, "PATCH") == 0)
        evbuffer_add_printf(out, "Content-Length: %zu\r\n", call->body_len);
    evbuffer_add(out, "\r\n", 2);
    if (call->body_len > 0)
        evbuffer_add(out, call->body, call->body_len);
    c->call = call;
    call->sent = 1;
    return 0;
}

/* The response is complete (or refused): hand it to the call. */
static void
c1_deliver(struct http_conn *conn, enum h1_result r)
{
    struct c1_state *c = conn->p;
    struct http_call *call = c->call;
    struct evkeyval *h;

    c->call = NULL;
    if (r == H1_ERROR) {
        call->bad = c->msg.err; /* lives with the connection, which lives until the reaper */
        http_conn_kill(conn);
        http_call_answered(call);
        return;
    }
    call->status = c->msg.status;
    while ((h = TAILQ_FIRST(&c->msg.headers)) != NULL) {
        TAILQ_REMOVE(&c->msg.headers, h, next);
        TAILQ_INSERT_TAIL(&call->rheaders, h, next);
    }
    evbuffer_add_buffer(call->rbody, c->msg.body);
    call->complete = 1;
    if (c->msg.keep_alive && evbuffer_get_length(bufferevent_get_input(conn->bev)) == 0)
        conn->clean = 1;
    else
        http_conn_kill(conn); /* the server closes it, or sent more than was asked */
    http_call_answered(call);
}

static void
c1_read(struct http_conn *conn)
{
    struct c1_state *c = conn->p;
    struct evbuffer *in = bufferevent_get_input(conn->bev);
    enum h1_result r;

    if (evbuffer_get_length(in) == 0)
        return;
    if (c->call == NULL) { /* nothing was asked: a server that speaks out of turn */
        http_conn_kill(conn);
        return;
    }
    if ((r = h1_parse(&c->msg, in)) != H1_MORE)
        c1_deliver(conn, r);
}

static void
c1_eof(struct http_conn *conn)
{
    struct c1_state *c = conn->p;
    enum h1_result r;

    c1_read(conn);
    if (c->call != NULL && (r = h1_parse_eof(&c->msg)) != H1_MORE)
        c1_deliver(conn, r);
}

static void
c1_cancel(struct http_conn *conn, struct http_call *call)
{
    struct c1_state *c = conn->p;

    (void)call;
    c->call = NULL;
    http_conn_kill(conn); /* HTTP/1.1 cannot abandon a response and keep the connection */
}

static void
c1_free(struct http_conn *conn)
{
    struct c1_state *c = conn->p;

    if (c == NULL)
        return;
    h1_msg_clear(&c->msg);
    free(c);
    conn->p = NULL;
}

const struct http_cproto http_c1_proto = {
    .name = "http/1.1",
    .start = c1_start,
    .submit = c1_submit,
    .read = c1_read,
    .written = NULL,
    .eof = c1_eof,
    .cancel = c1_cancel,
    .can_take = c1_can_take,
    .free = c1_free,
};
