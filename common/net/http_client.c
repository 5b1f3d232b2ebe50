/* http_client.c -- sends HTTPS requests on pooled TLS connections and says precisely what failed.
 *
 * Each request owns a deadline timer; when it fires, or its connection fails, the handshake state
 * of the connection tells whether the connect, the TLS handshake or the answer failed and why. The
 * connection pool is in http_client_pool.c, the protocols in http_client_h1.c and
 * http_client_h2.c. */
#include "net/http_client_int.h"
#include "net/sockaddr.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/queue.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <jansson.h>
#include <openssl/ssl.h>

#include "base/err.h"
#include "base/clock.h"
#include "net/http_log.h"

static const char *const http_methods[] = {"GET",    "POST", "PUT",     "PATCH",
                                           "DELETE", "HEAD", "OPTIONS", NULL};

static double
http_ms_since(int64_t t0_ns)
{
    return (double)(edge_now_ns() - t0_ns) / 1e6;
}

static void
http_call_log_data(struct http_call *call, const char *dir, int status, const char *cause,
                   const char *summary, json_t *data)
{
    char path[256];
    struct evlog_event e = {
        .peer = call->fqdn,
        .dir = dir,
        .kind = "http",
        .method = call->method,
        .path = path,
        .status = status,
        .cause = cause,
        .summary = summary,
        .conn = call->conn != NULL ? call->conn->id : -1,
        .data = data,
    };

    snprintf(path, sizeof(path), "%.*s", (int)strcspn(call->path, "?"), call->path);
    evlog_write(call->cl->log, &e);
}

static void
http_call_log(struct http_call *call, const char *dir, int status, const char *cause,
              const char *summary)
{
    http_call_log_data(call, dir, status, cause, summary, NULL);
}

static void
http_call_free(struct http_call *call)
{
    if (call->timer != NULL)
        event_free(call->timer);
    evhttp_clear_headers(&call->headers);
    evhttp_clear_headers(&call->rheaders);
    if (call->rbody != NULL)
        evbuffer_free(call->rbody);
    free(call->fqdn);
    free(call->addr);
    free(call->path);
    free(call->content_type);
    free(call->body);
    free(call);
}

/* Deliver resp, release the connection first so that the callback may send on it again. */
static void
http_call_finish(struct http_call *call, struct http_client_resp *resp)
{
    struct http_client *cl = call->cl;
    char summary[EDGE_ERR_LEN + 32];
    const char *cause = resp->error_cause;
    json_t *j = NULL;

    event_del(call->timer);
    resp->elapsed_ms = http_ms_since(call->t0_ns);
    if (resp->status >= 400 && resp->body_len > 0) {
        j = json_loadb(resp->body, resp->body_len, 0, NULL);
        cause = json_string_value(json_object_get(j, "cause"));
        if (cause == NULL)
            cause = json_string_value(json_object_get(j, "error"));
    }
    if (resp->error != NULL)
        snprintf(summary, sizeof(summary), "%s", resp->error);
    else
        snprintf(summary, sizeof(summary), "%d, %zu body bytes, %.1f ms", resp->status,
                 resp->body_len, resp->elapsed_ms);
    http_call_log(call, "in", resp->status, cause, summary);
    json_decref(j);
    http_conn_detach(call);
    if (call->prev != NULL)
        call->prev->next = call->next;
    else if (cl->calls == call)
        cl->calls = call->next; /* not when http_client_free took it off the list already */
    if (call->next != NULL)
        call->next->prev = call->prev;
    call->prev = call->next = NULL;
    call->cb(resp, call->arg);
    http_call_free(call);
}

/* Which phase failed and why, from the connection's TLS state. */
static const char *
http_call_failure(struct http_call *call, int timed_out, char *buf, size_t len)
{
    struct http_conn *conn = call->conn;
    int ms = call->timeout_ms, se = tls_ssl_sys_errno(conn->ssl);
    unsigned long e = http_conn_ossl_error(conn);
    char why[192];

    if (tls_ssl_handshake_done(conn->ssl) && tls_ssl_failed(conn->ssl)) {
        /* TLS 1.3: the server refuses a client certificate after the client's Finished. */
        snprintf(buf, len, "TLS handshake with %s (%s:%u) failed: %s", call->fqdn, call->addr,
                 call->port, tls_ssl_failure(conn->ssl, e, why, sizeof(why)));
        return HTTP_CLIENT_TLS_FAILED;
    }
    if (tls_ssl_handshake_done(conn->ssl)) {
        if (timed_out) {
            snprintf(buf, len, "no response from %s (%s:%u) within %d ms", call->fqdn, call->addr,
                     call->port, ms);
            return HTTP_CLIENT_NO_RESPONSE;
        }
        if (call->bad != NULL) {
            snprintf(buf, len, "response from %s (%s:%u) refused: %s", call->fqdn, call->addr,
                     call->port, call->bad);
            return HTTP_CLIENT_BAD_RESPONSE;
        }
        if (call->reset != NULL) {
            snprintf(buf, len, "%s (%s:%u) reset the stream before a complete response (%s)",
                     call->fqdn, call->addr, call->port, call->reset);
            return HTTP_CLIENT_NO_RESPONSE;
        }
        snprintf(buf, len, "connection to %s (%s:%u) closed before a complete response", call->fqdn,
                 call->addr, call->port);
        return HTTP_CLIENT_NO_RESPONSE;
    }
    if (!tls_ssl_handshake_started(conn->ssl) ||
        (e == 0 && !tls_ssl_failed(conn->ssl) &&
         (se == ECONNREFUSED || se == EHOSTUNREACH || se == ENETUNREACH || se == ETIMEDOUT))) {
        if (se == ECONNREFUSED) {
            snprintf(buf, len, "connect to %s (%s:%u) refused", call->fqdn, call->addr, call->port);
            return HTTP_CLIENT_CONNECT_REFUSED;
        }
        if (timed_out) {
            snprintf(buf, len, "connect to %s (%s:%u) timed out after %d ms", call->fqdn,
                     call->addr, call->port, ms);
            return HTTP_CLIENT_CONNECT_TIMEOUT;
        }
        snprintf(buf, len, "connect to %s (%s:%u) failed: %s", call->fqdn, call->addr, call->port,
                 se != 0 ? strerror(se) : "no connection");
        return HTTP_CLIENT_CONNECT_FAILED;
    }
    if (timed_out && e == 0 && !tls_ssl_failed(conn->ssl)) {
        snprintf(buf, len, "TLS handshake with %s (%s:%u) timed out after %d ms", call->fqdn,
                 call->addr, call->port, ms);
        return HTTP_CLIENT_TLS_TIMEOUT;
    }
    snprintf(buf, len, "TLS handshake with %s (%s:%u) failed: %s", call->fqdn, call->addr,
             call->port, tls_ssl_failure(conn->ssl, e, why, sizeof(why)));
    return HTTP_CLIENT_TLS_FAILED;
}

static int http_call_start(struct http_call *call, char *err);

/* A connect that failed before any request byte left may be tried again on a new connection. */
static int
http_call_retry(struct http_call *call, const char *cause, const char *why)
{
    char err[EDGE_ERR_LEN], line[EDGE_ERR_LEN + 32];

    if (call->tries > call->cl->retries)
        return 0;
    if (strcmp(cause, HTTP_CLIENT_CONNECT_REFUSED) != 0 &&
        strcmp(cause, HTTP_CLIENT_CONNECT_FAILED) != 0 &&
        strcmp(cause, HTTP_CLIENT_CONNECT_TIMEOUT) != 0)
        return 0;
    snprintf(line, sizeof(line), "%s; retry %d of %d", why, call->tries, call->cl->retries);
    http_call_log(call, "local", 0, cause, line);
    http_conn_detach(call);
    return http_call_start(call, err) == 0;
}

void
http_call_failed(struct http_call *call)
{
    struct http_client_resp resp = {.body = ""};
    char buf[EDGE_ERR_LEN];

    resp.error_cause = http_call_failure(call, 0, buf, sizeof(buf));
    resp.error = buf;
    if (http_call_retry(call, resp.error_cause, resp.error))
        return;
    http_call_finish(call, &resp);
}

void
http_call_resend(struct http_call *call, const char *why)
{
    struct http_client_resp resp = {.body = "", .error_cause = HTTP_CLIENT_NO_RESPONSE};
    char err[EDGE_ERR_LEN], line[EDGE_ERR_LEN + 64];

    /* RFC 9113 8.7: a stream the server refused (REFUSED_STREAM, or beyond its GOAWAY) was not
     * processed, so sending it again repeats nothing; once only. */
    if (why != NULL && call->refused) {
        snprintf(line, sizeof(line), "%s %.40s: %s, twice", call->method, call->path, why);
        resp.error = line;
        http_call_finish(call, &resp);
        return;
    }
    if (why != NULL) {
        snprintf(line, sizeof(line), "%s %.40s: %s; sent again on a new connection", call->method,
                 call->path, why);
        http_call_log(call, "local", 0, NULL, line);
        call->refused = 1;
    }
    http_conn_detach(call);
    call->sent = 0;
    call->stream = 0;
    call->body_off = 0;
    call->stream_done = 0;
    call->status = 0;
    evhttp_clear_headers(&call->rheaders);
    evbuffer_drain(call->rbody, evbuffer_get_length(call->rbody));
    if (http_conn_attach(call->cl, call, err) == 0)
        return;
    resp.error = err;
    http_call_finish(call, &resp);
}

static void
http_call_timeout(evutil_socket_t fd, short what, void *arg)
{
    struct http_call *call = arg;
    struct http_conn *conn = call->conn;
    struct http_client_resp resp = {.body = ""};
    char buf[EDGE_ERR_LEN];

    (void)fd, (void)what;
    /* Classify before the cancel changes the connection. */
    resp.error_cause = http_call_failure(call, 1, buf, sizeof(buf));
    resp.error = buf;
    if (conn->proto != NULL)
        conn->proto->cancel(conn, call); /* HTTP/2: the stream only; HTTP/1.1: the connection */
    else if (conn->ncalls == 1)
        http_conn_kill(conn);      /* still connecting, for this call only */
    http_call_finish(call, &resp); /* the deadline is the whole request's: no retry */
}

void
http_call_answered(struct http_call *call)
{
    struct http_client_resp resp = {.body = ""};
    struct edge_peer peer;
    char err[EDGE_ERR_LEN], buf[EDGE_ERR_LEN + 64];
    char *body = NULL;

    if (call->bad != NULL) {
        http_call_failed(call);
        return;
    }
    resp.peer = &peer;
    if (http_conn_peer(call->conn, &peer, err) < 0) {
        snprintf(buf, sizeof(buf), "server %s (%s:%u): %s", call->fqdn, call->addr, call->port,
                 err);
        resp.error = buf;
        resp.error_cause = HTTP_CLIENT_PEER_MISMATCH;
        resp.peer = NULL;
    } else if (peer.mode == EDGE_PEER_NONE || strcasecmp(peer.fqdn, call->fqdn) != 0) {
        /* tls_ssl_new made OpenSSL check the name; this guards against a change there. */
        snprintf(buf, sizeof(buf), "server at %s:%u authenticated as \"%s\", expected %s",
                 call->addr, call->port, peer.fqdn, call->fqdn);
        resp.error = buf;
        resp.error_cause = HTTP_CLIENT_PEER_MISMATCH;
    } else {
        resp.body_len = evbuffer_get_length(call->rbody);
        if ((body = malloc(resp.body_len + 1)) == NULL) {
            resp.error = "out of memory";
            resp.error_cause = HTTP_CLIENT_BAD_RESPONSE;
            resp.body_len = 0;
        } else {
            evbuffer_copyout(call->rbody, body, resp.body_len);
            body[resp.body_len] = '\0';
            resp.body = body;
            resp.status = call->status;
            resp.headers = &call->rheaders;
            resp.protocol = call->conn->proto->name;
        }
    }
    if (resp.error != NULL)
        http_conn_kill(call->conn);
    http_call_finish(call, &resp);
    free(body);
}

void
http_call_authority(const struct http_call *call, char *buf, size_t len)
{
    if (call->port == 443)
        snprintf(buf, len, "%s", call->fqdn);
    else
        snprintf(buf, len, "%s:%u", call->fqdn, call->port);
}

static int
http_call_start(struct http_call *call, char *err)
{
    call->tries++;
    call->sent = 0;
    call->bad = NULL;
    return http_conn_attach(call->cl, call, err);
}

static struct http_call *
http_call_new(struct http_client *cl, const struct http_client_req *r, char *err)
{
    struct http_call *call;
    size_t i;

    for (i = 0; http_methods[i] != NULL; i++)
        if (r->method != NULL && strcmp(r->method, http_methods[i]) == 0)
            break;
    if (http_methods[i] == NULL) {
        edge_err(err, "unsupported HTTP method %s", r->method ? r->method : "(none)");
        return NULL;
    }
    if (r->fqdn == NULL || *r->fqdn == '\0' || r->path == NULL || r->path[0] != '/') {
        edge_err(err, "a request needs a server FQDN and an absolute path");
        return NULL;
    }
    if ((call = calloc(1, sizeof(*call))) == NULL) {
        edge_err(err, "out of memory");
        return NULL;
    }
    TAILQ_INIT(&call->headers);
    TAILQ_INIT(&call->rheaders);
    call->cl = cl;
    snprintf(call->method, sizeof(call->method), "%s", r->method);
    call->port = r->port != 0 ? r->port : 443;
    call->timeout_ms = r->timeout_ms > 0 ? r->timeout_ms : cl->timeout_ms;
    call->fqdn = strdup(r->fqdn);
    call->addr = strdup(r->addr != NULL ? r->addr : r->fqdn);
    call->path = strdup(r->path);
    call->content_type = r->content_type != NULL ? strdup(r->content_type) : NULL;
    call->body = malloc(r->body_len + 1);
    call->timer = evtimer_new(cl->base, http_call_timeout, call);
    call->rbody = evbuffer_new();
    if (call->fqdn == NULL || call->addr == NULL || call->path == NULL || call->body == NULL ||
        call->timer == NULL || call->rbody == NULL ||
        (r->content_type != NULL && call->content_type == NULL))
        goto oom;
    if (r->body_len > 0)
        memcpy(call->body, r->body, r->body_len);
    call->body_len = r->body_len;
    for (i = 0; r->headers != NULL && r->headers[i] != NULL && r->headers[i + 1] != NULL; i += 2)
        if (evhttp_add_header(&call->headers, r->headers[i], r->headers[i + 1]) < 0) {
            edge_err(err, "request header %s is malformed", r->headers[i]);
            goto fail;
        }
    return call;
oom:
    edge_err(err, "out of memory");
fail:
    http_call_free(call);
    return NULL;
}

int
http_client_send(struct http_client *cl, const struct http_client_req *r, http_client_cb cb,
                 void *arg, char *err)
{
    struct http_call *call;
    struct timeval tv;
    json_t *data;
    char summary[96];

    if ((call = http_call_new(cl, r, err)) == NULL)
        return -1;
    call->cb = cb;
    call->arg = arg;
    call->t0_ns = edge_now_ns();
    if (http_call_start(call, err) < 0) {
        http_conn_detach(call);
        http_call_free(call);
        return -1;
    }
    tv.tv_sec = call->timeout_ms / 1000;
    tv.tv_usec = (suseconds_t)(call->timeout_ms % 1000) * 1000;
    evtimer_add(call->timer, &tv);
    call->next = cl->calls;
    if (cl->calls != NULL)
        cl->calls->prev = call;
    cl->calls = call;
    snprintf(summary, sizeof(summary), "%s %.40s, %zu body bytes", call->method, call->path,
             call->body_len);
    /* What the request carries (an Authorization header, tokens in its body), for the report. */
    data = http_log_data(evhttp_find_header(&call->headers, "Authorization"), 0, call->body,
                         call->body_len);
    http_call_log_data(call, "out", 0, NULL, summary, data);
    json_decref(data);
    return 0;
}

/* The source address, port 0 (the kernel picks one at connect). */
static int
http_client_source(struct http_client *cl, const char *addr, char *err)
{
    if (net_sockaddr(addr, 0, &cl->source, &cl->source_len) < 0)
        return edge_err(err, "source address %s is not a numeric IPv4 or IPv6 address", addr);
    snprintf(cl->source_text, sizeof(cl->source_text), "%s", addr);
    return 0;
}

struct http_client *
http_client_new(struct event_base *base, const struct http_client_config *cfg, char *err)
{
    struct http_client *cl;

    if (cfg->tls == NULL || tls_ctx_is_server(cfg->tls)) {
        edge_err(err, "HTTP client needs a TLS client context");
        return NULL;
    }
    if ((cl = calloc(1, sizeof(*cl))) == NULL) {
        edge_err(err, "out of memory");
        return NULL;
    }
    cl->base = base;
    cl->tls = cfg->tls;
    cl->log = cfg->log;
    cl->timeout_ms = cfg->timeout_ms > 0 ? cfg->timeout_ms : HTTP_CLIENT_TIMEOUT_MS;
    cl->retries = cfg->retries > 0 ? cfg->retries : 0;
    cl->max_idle = cfg->max_idle > 0 ? cfg->max_idle : 2;
    cl->version = cfg->version;
    if (cfg->source_addr != NULL && http_client_source(cl, cfg->source_addr, err) < 0) {
        free(cl);
        return NULL;
    }
    if ((cl->reaper = event_new(base, -1, 0, http_client_reap, cl)) == NULL) {
        edge_err(err, "out of memory");
        free(cl);
        return NULL;
    }
    return cl;
}

void
http_client_free(struct http_client *cl)
{
    struct http_client_resp resp = {
        .body = "", .error = "client closed", .error_cause = HTTP_CLIENT_NO_RESPONSE};
    struct http_conn *conn;
    struct http_call *call;

    if (cl == NULL)
        return;
    /* Take the head off the list before finishing it: the loop never reads a freed call, and
     * the callback may even start a new call, which the next turn finishes. */
    while ((call = cl->calls) != NULL) {
        cl->calls = call->next;
        if (call->next != NULL)
            call->next->prev = NULL;
        call->next = NULL;
        if (call->conn != NULL)
            http_conn_kill(call->conn);
        http_call_finish(call, &resp);
    }
    while ((conn = cl->conns) != NULL) {
        cl->conns = conn->next;
        http_conn_free(conn);
    }
    event_free(cl->reaper);
    free(cl);
}

const char *
http_client_resp_header(const struct http_client_resp *resp, const char *name)
{
    if (resp->headers == NULL)
        return NULL;
    return evhttp_find_header(resp->headers, name);
}

struct event_base *
http_client_base(const struct http_client *cl)
{
    return cl->base;
}
