/* http_client_fetch.c -- the blocking form of the HTTPS client, for tools and tests: send, run the
 * event loop until the answer, keep a copy of it. */
#include "net/http_client.h"

#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include <event2/http.h>

#include "base/err.h"

struct http_fetch {
    struct http_client_result *out;
    int done;
};

static void
http_fetch_cb(const struct http_client_resp *resp, void *arg)
{
    struct http_fetch *f = arg;
    struct http_client_result *out = f->out;
    struct evkeyval *h;

    f->done = 1;
    out->status = resp->status;
    out->error_cause = resp->error_cause;
    out->elapsed_ms = resp->elapsed_ms;
    if (resp->error != NULL)
        snprintf(out->error, sizeof(out->error), "%s", resp->error);
    if (resp->peer != NULL)
        out->peer = *resp->peer;
    if (resp->protocol != NULL)
        snprintf(out->protocol, sizeof(out->protocol), "%s", resp->protocol);
    if (resp->headers != NULL) {
        TAILQ_FOREACH(h, resp->headers, next)
        {
            evhttp_add_header(&out->headers, h->key, h->value);
        }
    }
    if ((out->body = malloc(resp->body_len + 1)) != NULL) {
        memcpy(out->body, resp->body, resp->body_len + 1);
        out->body_len = resp->body_len;
    }
}

int
http_client_fetch(struct http_client *cl, const struct http_client_req *r,
                  struct http_client_result *out, char *err)
{
    struct http_fetch f = {.out = out};

    memset(out, 0, sizeof(*out));
    TAILQ_INIT(&out->headers);
    if (http_client_send(cl, r, http_fetch_cb, &f, err) < 0) {
        snprintf(out->error, sizeof(out->error), "%s", err);
        return -1;
    }
    /* The call's deadline timer is pending, so every turn of the loop makes progress. */
    while (!f.done)
        if (event_base_loop(http_client_base(cl), EVLOOP_ONCE) < 0)
            break;
    if (!f.done) {
        snprintf(out->error, sizeof(out->error), "event loop failed");
        return edge_err(err, "event loop failed while waiting for %s", r->fqdn);
    }
    if (out->status == 0)
        return edge_err(err, "%s", out->error);
    return 0;
}

void
http_client_result_free(struct http_client_result *out)
{
    evhttp_clear_headers(&out->headers);
    free(out->body);
    out->body = NULL;
}

const char *
http_client_result_header(const struct http_client_result *out, const char *name)
{
    return evhttp_find_header(&out->headers, name);
}
