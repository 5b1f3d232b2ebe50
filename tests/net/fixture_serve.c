/* fixture_serve.c -- what the HTTPS test servers of the net tests and the fuzz targets serve: the
 * handlers of their routes, and the PSK answers of a stand-in key server that come from the event
 * loop, as an AAnF's do to an ECS/EES (TS 33.535 6.3; fixture_base.h). */
#include "fixture_base.h"

#include <stdio.h>
#include <stdlib.h>

#include <openssl/crypto.h>

#include "base/err.h"
#include "net/http_form.h"

void
fixture_h_echo(struct http_req *req, void *arg)
{
    json_t *j;

    (void)arg;
    if ((j = http_req_json(req)) != NULL)
        http_reply_json(req, 200, j);
}

void
fixture_h_item(struct http_req *req, void *arg)
{
    (void)arg;
    http_reply_json(req, 200,
                    json_pack("{s:s, s:s?}", "itemId", http_req_param(req, "itemId"), "q",
                              http_req_query(req, "q")));
}

void
fixture_h_hold(struct http_req *req, void *arg)
{
    (void)arg;
    http_req_hold(req);
}

void
fixture_h_token(struct http_req *req, void *arg)
{
    const struct http_form *f;
    char err[EDGE_ERR_LEN], desc[EDGE_ERR_LEN + 32];
    int status = 0;

    (void)arg;
    if ((f = http_req_form(req, &status, err)) == NULL) {
        http_reply_json(
            req, status,
            json_pack("{s:s, s:s}", "error", "invalid_request", "error_description", err));
        return;
    }
    if (http_form_duplicate(f) != NULL) {
        snprintf(desc, sizeof(desc), "parameter %s repeated", http_form_duplicate(f));
        http_reply_json(
            req, 400,
            json_pack("{s:s, s:s}", "error", "invalid_request", "error_description", desc));
        return;
    }
    http_reply_header(req, "Cache-Control", "no-store");
    http_reply_json(req, 200, json_pack("{s:s?}", "grant_type", http_form_get(f, "grant_type")));
}

/* One answer on its way. */
struct fixture_psk_wait {
    struct event *timer;
    struct tls_psk_answer a;
    tls_psk_ready_fn ready;
    void *ready_arg;
};

static long fixture_psk_given;

static void
fixture_psk_free(struct fixture_psk_wait *w)
{
    event_free(w->timer);
    OPENSSL_cleanse(&w->a, sizeof(w->a)); /* the key */
    free(w);
}

static void
fixture_psk_fire(evutil_socket_t fd, short what, void *arg)
{
    struct fixture_psk_wait *w = arg;

    (void)fd, (void)what;
    fixture_psk_given++;
    w->ready(w->ready_arg, &w->a);
    fixture_psk_free(w);
}

void *
fixture_psk_later(struct event_base *base, const struct tls_psk_answer *a, int delay_ms,
                  tls_psk_ready_fn ready, void *ready_arg)
{
    struct fixture_psk_wait *w = calloc(1, sizeof(*w));
    struct timeval tv = {delay_ms / 1000, (delay_ms % 1000) * 1000};

    if (w == NULL)
        return NULL;
    if ((w->timer = evtimer_new(base, fixture_psk_fire, w)) == NULL) {
        free(w);
        return NULL;
    }
    w->a = *a;
    w->ready = ready;
    w->ready_arg = ready_arg;
    if (delay_ms >= 0)
        evtimer_add(w->timer, &tv);
    return w;
}

void
fixture_psk_cancel(void *arg, void *wait)
{
    (void)arg;
    fixture_psk_free(wait);
}

long
fixture_psk_answered(void)
{
    return fixture_psk_given;
}
