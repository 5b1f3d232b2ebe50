/* http_req.c -- what a handler sees of a request (body, JSON, form, peer) and its one reply.
 *
 * The request is read in full, over HTTP/2 or HTTP/1.1, before a handler runs; the checks every
 * handler needs (body size 413, a field that may come once given twice 400, media type and JSON
 * charset 415, JSON syntax 400) answer with ProblemDetails naming what was wrong (TS 29.122
 * 5.2.6). A reply is logged and handed to the connection's protocol once; a request stays ours
 * until then, and outlives its connection if the client leaves first. */
#include "net/http_server_int.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/queue.h>

#include <event2/buffer.h>
#include <event2/http.h>

#include "base/json_text.h"
#include "net/http_log.h"
#include "net/problem.h"

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
http_req_log_data(struct http_req *req, const char *dir, int status, const char *cause,
                  const char *summary, json_t *data)
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
        .data = data,
    };

    evlog_write(req->srv->log, &e);
}

static void
http_req_log(struct http_req *req, const char *dir, int status, const char *cause,
             const char *summary)
{
    http_req_log_data(req, dir, status, cause, summary, NULL);
}

/* Fields a request may carry once only (RFC 9110 5.3: not lists): two could be read two ways. */
static const char *const http_req_singletons[] = {"Host", "Authorization", "Content-Type", NULL};

static void
http_req_check_fields(struct http_req *req)
{
    struct evkeyval *h;

    for (size_t i = 0; http_req_singletons[i] != NULL; i++) {
        int n = 0;

        TAILQ_FOREACH(h, &req->headers, next)
        {
            n += strcasecmp(h->key, http_req_singletons[i]) == 0;
        }
        if (n > 1)
            http_req_early(req, 400, PROBLEM_INVALID_MSG_FORMAT, "%d %s fields (one expected)", n,
                           http_req_singletons[i]);
    }
}

/* May a client without a credential reach path (TS 33.558 6.2/6.3 NOTE: what such a client gets
 * is the server's to say)? */
static int
http_req_open(const struct http_server *srv, const char *path)
{
    for (const char *const *p = srv->open_paths; p != NULL && *p != NULL; p++)
        if (strncmp(path, *p, strlen(*p)) == 0)
            return 1;
    return 0;
}

/* Path and query of the request-target (origin-form, RFC 9112 3.2.1). */
static int
http_req_target(struct http_req *req, const char *target)
{
    size_t n = strcspn(target, "?#");

    if ((req->path = strndup(target, n)) == NULL)
        return -1;
    if (target[n] == '#')
        http_req_early(req, 400, PROBLEM_INVALID_MSG_FORMAT, "a fragment in the request-target");
    else if (target[n] == '?' && evhttp_parse_query_str(target + n + 1, &req->query) < 0)
        http_req_early(req, 400, PROBLEM_INVALID_QUERY_PARAM, "malformed query string");
    return 0;
}

/* The body as the handler sees it: NUL-terminated; none when too large (413). */
static int
http_req_take_body(struct http_req *req, struct http_req_in *in)
{
    size_t len = in->body != NULL ? evbuffer_get_length(in->body) : 0;

    if (in->too_large || in->body_len > req->srv->max_body) {
        http_req_early(req, 413, PROBLEM_PAYLOAD_TOO_LARGE,
                       "request body of %zu bytes exceeds the limit of %zu bytes", in->body_len,
                       req->srv->max_body);
        len = 0;
    }
    if ((req->body = malloc(len + 1)) == NULL)
        return -1;
    if (len > 0)
        evbuffer_remove(in->body, req->body, len);
    req->body[len] = '\0';
    req->body_len = len;
    return 0;
}

struct http_req *
http_req_new(struct http_sconn *sc, int32_t stream, struct http_req_in *in)
{
    struct http_req *req;
    struct evkeyval *h;
    const char *ct;
    char summary[160];
    json_t *data;

    if ((req = calloc(1, sizeof(*req))) == NULL)
        return NULL;
    req->srv = sc->srv;
    req->sc = sc;
    req->stream = stream;
    req->conn = sc->id;
    req->peer = sc->peer;
    TAILQ_INIT(&req->query);
    TAILQ_INIT(&req->headers);
    TAILQ_INIT(&req->out);
    while (in->headers != NULL && (h = TAILQ_FIRST(in->headers)) != NULL) {
        TAILQ_REMOVE(in->headers, h, next);
        TAILQ_INSERT_TAIL(&req->headers, h, next);
    }
    snprintf(req->method, sizeof(req->method), "%s", in->method != NULL ? in->method : "");
    if (http_req_target(req, in->target != NULL && in->target[0] == '/' ? in->target : "/") < 0 ||
        http_req_take_body(req, in) < 0) {
        http_req_free(req);
        return NULL;
    }
    if (in->err_status != 0)
        http_req_early(req, in->err_status,
                       in->err_status == 413 ? PROBLEM_PAYLOAD_TOO_LARGE
                                             : PROBLEM_INVALID_MSG_FORMAT,
                       "%s", in->err != NULL ? in->err : "malformed request");
    if (sc->peer_state < 0)
        http_req_early(req, 403, PROBLEM_PEER_IDENTITY_MALFORMED, "%s", sc->peer_err);
    else if (req->peer.mode == EDGE_PEER_NONE && !http_req_open(sc->srv, req->path))
        http_req_early(req, 403, PROBLEM_CLIENT_NOT_AUTHENTICATED,
                       "%.200s is not served to a client without a credential (TLS with the "
                       "server certificate only)",
                       req->path);
    http_req_check_fields(req);
    req->cnext = sc->reqs;
    if (sc->reqs != NULL)
        sc->reqs->cprev = req;
    sc->reqs = req;
    ct = http_req_header(req, "Content-Type");
    snprintf(summary, sizeof(summary), "%s %s, %zu body bytes%s%s", req->method, req->path,
             in->body_len, ct != NULL ? ", " : "", ct != NULL ? ct : "");
    data = http_log_data(http_req_header(req, "Authorization"), 0, NULL, 0);
    http_req_log_data(req, "in", 0, NULL, summary, data);
    json_decref(data);
    return req;
}

void
http_req_detach(struct http_req *req)
{
    struct http_sconn *sc = req->sc;

    if (sc == NULL)
        return;
    if (req->cprev != NULL)
        req->cprev->cnext = req->cnext;
    else
        sc->reqs = req->cnext;
    if (req->cnext != NULL)
        req->cnext->cprev = req->cprev;
    req->cnext = req->cprev = NULL;
    req->sc = NULL;
}

void
http_req_free(struct http_req *req)
{
    if (req == NULL)
        return;
    http_req_detach(req);
    http_route_match_clear(&req->match);
    evhttp_clear_headers(&req->query);
    evhttp_clear_headers(&req->headers);
    evhttp_clear_headers(&req->out);
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
    return evhttp_find_header(&req->headers, name);
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

/* RFC 8259 8.1: JSON between systems is UTF-8; a charset parameter (RFC 9110 8.3.2) naming
 * anything else is refused. got: the charset named. */
static int
http_json_charset_ok(const char *ct, char *got, size_t len)
{
    const char *p = ct != NULL ? strchr(ct, ';') : NULL;

    while (p != NULL) {
        size_t n, vl;
        const char *v;

        p++;
        p += strspn(p, " \t");
        n = strcspn(p, "=;");
        if (n == 7 && strncasecmp(p, "charset", 7) == 0 && p[n] == '=') {
            v = p + n + 1;
            if (*v == '"')
                vl = strcspn(++v, "\"");
            else
                vl = strcspn(v, " \t;");
            snprintf(got, len, "%.*s", (int)vl, v);
            for (char *g = got; *g != '\0'; g++)
                if ((unsigned char)*g < 0x20 || (unsigned char)*g > 0x7e)
                    *g = '?';
            if (vl != 5 || strncasecmp(v, "utf-8", 5) != 0)
                return 0;
        }
        p = strchr(p, ';');
    }
    return 1;
}

json_t *
http_req_json(struct http_req *req)
{
    const char *ct = http_req_header(req, "Content-Type");
    char charset[64];
    json_error_t e;
    json_t *v;

    if (!http_req_has_type(req, HTTP_MEDIA_JSON) && !http_req_has_type(req, "*+json")) {
        http_reply_problem(req, 415, PROBLEM_UNSUPPORTED_MEDIA_TYPE,
                           "Content-Type must be application/json, not %s",
                           ct != NULL ? ct : "absent");
        return NULL;
    }
    if (!http_json_charset_ok(ct, charset, sizeof(charset))) {
        http_reply_problem(req, 415, PROBLEM_UNSUPPORTED_MEDIA_TYPE,
                           "JSON must be UTF-8 (RFC 8259 8.1), not charset %s", charset);
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
    if (req->replied)
        return -1;
    return evhttp_add_header(&req->out, name, value);
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
    if (ctype != NULL) {
        evhttp_remove_header(&req->out, "Content-Type");
        evhttp_add_header(&req->out, "Content-Type", ctype);
    }
    if (req->sc == NULL) {
        snprintf(line, sizeof(line), "reply %d to %s %s dropped: the client has gone", status,
                 req->method, req->path);
        http_req_log(req, "local", status, NULL, line);
    } else if (req->sc->ops->reply(req->sc, req, status, body, len) < 0) {
        snprintf(line, sizeof(line), "reply %d to %s %s could not be sent", status, req->method,
                 req->path);
        http_req_log(req, "local", status, PROBLEM_SYSTEM_FAILURE, line);
    } else {
        if (summary == NULL) {
            snprintf(line, sizeof(line), "%d %s, %zu body bytes", status, problem_title(status),
                     len);
            summary = line;
        }
        /* The tokens the answer hands out and a refusal's reason, for the report. */
        json_t *data = http_log_data(NULL, status, body, len);
        http_req_log_data(req, "out", status, cause, summary, data);
        json_decref(data);
    }
    http_req_detach(req);
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
    struct jtext *text = &req->srv->reply_text;

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
    /* The server's one buffer for it: the protocol copies the body out before the reply returns,
     * so a reply costs no allocation once the buffer has grown to the size of one. */
    jtext_reset(text);
    if (json_is_object(body) || json_is_array(body))
        jtext_value(text, body);
    if (text->len == 0 || text->failed)
        http_req_send(req, 500, NULL, NULL, 0, PROBLEM_SYSTEM_FAILURE, "cannot encode reply");
    else
        http_req_send(req, status, ctype, text->data, text->len, cause, summary);
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
