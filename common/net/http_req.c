/* http_req.c -- what a handler sees of a request (body, JSON, form, peer) and its one reply.
 *
 * The request is read in full before a handler runs; the checks every handler needs (body size
 * 413, media type 415, JSON syntax 400) answer with ProblemDetails naming what was wrong
 * (TS 29.122 5.2.6). A reply is logged and sent once; a request stays ours until then. */
#include "net/http_server_int.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/queue.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>

#include "net/problem.h"

static const char *
http_method_name(enum evhttp_cmd_type cmd)
{
    switch (cmd) {
    case EVHTTP_REQ_GET:
        return "GET";
    case EVHTTP_REQ_POST:
        return "POST";
    case EVHTTP_REQ_HEAD:
        return "HEAD";
    case EVHTTP_REQ_PUT:
        return "PUT";
    case EVHTTP_REQ_DELETE:
        return "DELETE";
    case EVHTTP_REQ_OPTIONS:
        return "OPTIONS";
    case EVHTTP_REQ_TRACE:
        return "TRACE";
    case EVHTTP_REQ_CONNECT:
        return "CONNECT";
    case EVHTTP_REQ_PATCH:
        return "PATCH";
    }
    return "UNKNOWN";
}

static void
http_req_early(struct http_req *req, int status, const char *cause, const char *fmt, ...)
{
    va_list ap;

    if (req->early_status != 0)
        return;
    req->early_status = status;
    req->early_cause = cause;
    va_start(ap, fmt);
    // NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): va_start is the line above
    vsnprintf(req->early_detail, sizeof(req->early_detail), fmt, ap);
    va_end(ap);
}

static void
http_req_log(struct http_req *req, const char *dir, int status, const char *cause,
             const char *summary)
{
    struct evlog_event e = {
        .peer = tls_peer_name(&req->peer),
        .dir = dir,
        .kind = "http",
        .method = req->method,
        .path = req->path,
        .status = status,
        .cause = cause,
        .summary = summary,
        .conn = req->conn,
    };

    evlog_write(req->srv->log, &e);
}

/* Peer and connection number from the TLS layer of the request's connection. */
static void
http_req_identify(struct http_req *req)
{
    struct evhttp_connection *evcon = evhttp_request_get_connection(req->ereq);
    struct bufferevent *bev = evcon != NULL ? evhttp_connection_get_bufferevent(evcon) : NULL;
    SSL *ssl = bev != NULL ? bufferevent_openssl_get_ssl(bev) : NULL;
    char err[EDGE_ERR_LEN];

    if (ssl == NULL) {
        http_req_early(req, 500, PROBLEM_SYSTEM_FAILURE, "request arrived without TLS");
        return;
    }
    req->conn = tls_ssl_conn(ssl);
    if (tls_peer_get(ssl, &req->peer, err) < 0)
        http_req_early(req, 403, PROBLEM_PEER_IDENTITY_MALFORMED, "%s", err);
}

struct http_req *
http_req_new(struct http_server *srv, struct evhttp_request *ereq)
{
    const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(ereq);
    struct evbuffer *in = evhttp_request_get_input_buffer(ereq);
    const char *path = uri != NULL ? evhttp_uri_get_path(uri) : NULL;
    const char *query = uri != NULL ? evhttp_uri_get_query(uri) : NULL;
    char summary[160];
    struct http_req *req;

    if ((req = calloc(1, sizeof(*req))) == NULL)
        return NULL;
    req->srv = srv;
    req->ereq = ereq;
    req->conn = -1;
    TAILQ_INIT(&req->query);
    snprintf(req->method, sizeof(req->method), "%s",
             http_method_name(evhttp_request_get_command(ereq)));
    if ((req->path = strdup(path != NULL && *path != '\0' ? path : "/")) == NULL)
        goto fail;
    http_req_identify(req);
    req->body_len = evbuffer_get_length(in);
    if (req->body_len > srv->max_body) {
        http_req_early(req, 413, PROBLEM_PAYLOAD_TOO_LARGE,
                       "request body of %zu bytes exceeds the limit of %zu bytes", req->body_len,
                       srv->max_body);
        req->body_len = 0;
    }
    if ((req->body = malloc(req->body_len + 1)) == NULL)
        goto fail;
    evbuffer_copyout(in, req->body, req->body_len);
    req->body[req->body_len] = '\0';
    if (query != NULL && evhttp_parse_query_str(query, &req->query) < 0)
        http_req_early(req, 400, PROBLEM_INVALID_QUERY_PARAM, "malformed query string");
    snprintf(summary, sizeof(summary), "%s %s, %zu body bytes%s%s", req->method, req->path,
             evbuffer_get_length(in), http_req_header(req, "Content-Type") ? ", " : "",
             http_req_header(req, "Content-Type") ? http_req_header(req, "Content-Type") : "");
    http_req_log(req, "in", 0, NULL, summary);
    return req;
fail:
    http_req_free(req);
    return NULL;
}

void
http_req_free(struct http_req *req)
{
    if (req == NULL)
        return;
    http_route_match_clear(&req->match);
    evhttp_clear_headers(&req->query);
    http_form_free(req->form);
    free(req->body);
    free(req->path);
    free(req);
}

const char *
http_req_method(const struct http_req *req)
{
    return req->method;
}

const char *
http_req_path(const struct http_req *req)
{
    return req->path;
}

const char *
http_req_param(const struct http_req *req, const char *name)
{
    return http_route_param(&req->match, name);
}

const char *
http_req_query(const struct http_req *req, const char *name)
{
    return evhttp_find_header(&req->query, name);
}

const char *
http_req_header(const struct http_req *req, const char *name)
{
    if (req->ereq == NULL)
        return NULL;
    return evhttp_find_header(evhttp_request_get_input_headers(req->ereq), name);
}

const char *
http_req_body(const struct http_req *req, size_t *len)
{
    if (len != NULL)
        *len = req->body_len;
    return req->body;
}

const struct edge_peer *
http_req_peer(const struct http_req *req)
{
    return &req->peer;
}

long
http_req_conn(const struct http_req *req)
{
    return req->conn;
}

/* Compare the media type of a Content-Type value (RFC 9110 8.3.1) with want, ignoring case and
 * parameters. want "*+json" matches any application/...+json structured syntax (RFC 6839). */
static int
http_media_is(const char *value, const char *want)
{
    size_t n = strcspn(value, "; \t"), wn = strlen(want);

    if (strcmp(want, "*+json") == 0)
        return n > 17 && strncasecmp(value, "application/", 12) == 0 &&
               strncasecmp(value + n - 5, "+json", 5) == 0;
    return n == wn && strncasecmp(value, want, n) == 0;
}

int
http_req_has_type(const struct http_req *req, const char *media_type)
{
    const char *ct = http_req_header(req, "Content-Type");

    if (ct == NULL)
        return 0;
    ct += strspn(ct, " \t");
    return http_media_is(ct, media_type);
}

int
http_req_require_type(struct http_req *req, const char *media_type)
{
    const char *ct = http_req_header(req, "Content-Type");

    if (http_req_has_type(req, media_type))
        return 0;
    http_reply_problem(req, 415, PROBLEM_UNSUPPORTED_MEDIA_TYPE, "Content-Type must be %s, not %s",
                       media_type, ct != NULL ? ct : "absent");
    return -1;
}

json_t *
http_req_json(struct http_req *req)
{
    const char *ct = http_req_header(req, "Content-Type");
    json_error_t e;
    json_t *v;

    if (!http_req_has_type(req, HTTP_MEDIA_JSON) && !http_req_has_type(req, "*+json")) {
        http_reply_problem(req, 415, PROBLEM_UNSUPPORTED_MEDIA_TYPE,
                           "Content-Type must be application/json, not %s",
                           ct != NULL ? ct : "absent");
        return NULL;
    }
    if (req->body_len == 0) {
        http_reply_problem(req, 400, PROBLEM_INVALID_MSG_FORMAT, "JSON body expected, got none");
        return NULL;
    }
    /* Duplicate keys are refused: two readers could pick different values (RFC 8259 4). */
    v = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &e);
    if (v == NULL) {
        /* jansson quotes the body near the error: only printable ASCII of it goes to the log. */
        for (char *p = e.text; *p != '\0'; p++)
            if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
                *p = '?';
        http_reply_problem(req, 400, PROBLEM_INVALID_MSG_FORMAT,
                           "malformed JSON body at line %d, column %d: %s", e.line, e.column,
                           e.text);
    }
    return v;
}

const struct http_form *
http_req_form(struct http_req *req, int *status, char *err)
{
    const char *ct = http_req_header(req, "Content-Type");

    if (req->form != NULL)
        return req->form;
    if (!http_req_has_type(req, HTTP_MEDIA_FORM)) {
        *status = 415;
        edge_err(err, "Content-Type must be %s, not %s", HTTP_MEDIA_FORM,
                 ct != NULL ? ct : "absent");
        return NULL;
    }
    if ((req->form = http_form_parse(req->body, req->body_len, err)) == NULL)
        *status = 400;
    return req->form;
}

int
http_reply_header(struct http_req *req, const char *name, const char *value)
{
    if (req->replied || req->ereq == NULL)
        return -1;
    return evhttp_add_header(evhttp_request_get_output_headers(req->ereq), name, value);
}

void
http_req_unhold(struct http_req *req)
{
    if (!req->held)
        return;
    if (req->prev != NULL)
        req->prev->next = req->next;
    else
        req->srv->held = req->next;
    if (req->next != NULL)
        req->next->prev = req->prev;
    req->held = 0;
}

static void
http_req_send(struct http_req *req, int status, const char *ctype, const void *body, size_t len,
              const char *cause, const char *summary)
{
    struct evkeyvalq *out;
    char line[EDGE_ERR_LEN];

    if (req->replied && req->drained) {
        /* The shutdown answered it already (and logged that); its holder lets go of it now. */
        http_req_unhold(req);
        if (!req->in_dispatch)
            http_req_free(req);
        return;
    }
    if (req->replied) {
        snprintf(line, sizeof(line), "second reply (%d) to %s %s dropped", status, req->method,
                 req->path);
        http_req_log(req, "local", status, "DOUBLE_REPLY", line);
        return;
    }
    req->replied = 1;
    out = evhttp_request_get_output_headers(req->ereq);
    if (ctype != NULL)
        evhttp_add_header(out, "Content-Type", ctype);
    if (req->srv->stopping) {
        /* RFC 9112 9.6: the client learns not to send another request on this connection. */
        evhttp_remove_header(out, "Connection");
        evhttp_add_header(out, "Connection", "close");
    }
    if (len > 0)
        evbuffer_add(evhttp_request_get_output_buffer(req->ereq), body, len);
    http_server_reply_started(req->srv, req->ereq);
    evhttp_send_reply(req->ereq, status, problem_title(status), NULL);
    req->ereq = NULL; /* evhttp owns and frees it from here */
    if (summary == NULL) {
        snprintf(line, sizeof(line), "%d %s, %zu body bytes", status, problem_title(status), len);
        summary = line;
    }
    http_req_log(req, "out", status, cause, summary);
    if (req->drained)
        return; /* stays held: its holder may still reply, which then only frees it */
    http_req_unhold(req);
    if (!req->in_dispatch)
        http_req_free(req);
}

void
http_reply(struct http_req *req, int status, const char *content_type, const void *body, size_t len)
{
    http_req_send(req, status, content_type, body, len, NULL, NULL);
}

static void
http_reply_body_json(struct http_req *req, int status, const char *ctype, json_t *body)
{
    const char *cause = NULL, *summary = NULL;
    char *text;

    if (body == NULL) {
        http_req_send(req, status, NULL, NULL, 0, NULL, NULL);
        return;
    }
    if (status >= 400) {
        /* ProblemDetails carry cause/detail; RFC 6749 5.2 errors error/error_description. */
        cause = json_string_value(json_object_get(body, "cause"));
        if (cause == NULL)
            cause = json_string_value(json_object_get(body, "error"));
        summary = json_string_value(json_object_get(body, "detail"));
        if (summary == NULL)
            summary = json_string_value(json_object_get(body, "error_description"));
    }
    text = json_dumps(body, JSON_COMPACT);
    if (text == NULL)
        http_req_send(req, 500, NULL, NULL, 0, PROBLEM_SYSTEM_FAILURE, "cannot encode reply");
    else
        http_req_send(req, status, ctype, text, strlen(text), cause, summary);
    free(text);
    json_decref(body);
}

void
http_reply_json(struct http_req *req, int status, json_t *body)
{
    http_reply_body_json(req, status, HTTP_MEDIA_JSON, body);
}

void
http_reply_problem_json(struct http_req *req, json_t *pd)
{
    int status = problem_status(pd);

    http_reply_body_json(req, status >= 400 && status <= 599 ? status : 500, PROBLEM_MEDIA_TYPE,
                         pd);
}

void
http_reply_problem(struct http_req *req, int status, const char *cause, const char *fmt, ...)
{
    char detail[512];
    va_list ap;

    va_start(ap, fmt);
    // NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): va_start is the line above
    vsnprintf(detail, sizeof(detail), fmt, ap);
    va_end(ap);
    http_reply_body_json(req, status, PROBLEM_MEDIA_TYPE, problem_new(status, cause, "%s", detail));
}

void
http_req_hold(struct http_req *req)
{
    if (req->held || req->replied)
        return;
    req->held = 1;
    req->prev = NULL;
    req->next = req->srv->held;
    if (req->next != NULL)
        req->next->prev = req;
    req->srv->held = req;
}
