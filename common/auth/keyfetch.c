/* keyfetch.c -- K_AF / Ks_NAF fetched from the AAnF / BSF while a handshake waits (keyfetch.h). */
#include "auth/keyfetch.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "auth/gba.h"
#include "auth/keyapi.h"
#include "auth/keycache.h"
#include "base/clock.h"
#include "base/err.h"
#include "net/http_server.h"
#include "net/problem.h"

#define KF_LINE 1024 /* an event line's summary */

enum kf_method { KF_AKMA = 0, KF_GBA };

/* What a method calls its key server and its refusals (keyfetch.h's table). */
static const struct kf_words {
    const char *method, *server, *path;
    const char *unknown, *expired, *denied, *unavailable, *timeout, *bad;
} kf_words[] = {
    [KF_AKMA] = {"akma", "AAnF", KEYAPI_AKMA_PATH, "AKID_UNKNOWN", "KAF_EXPIRED",
                 "AF_NOT_AUTHORIZED", "AANF_UNAVAILABLE", "AANF_TIMEOUT", "AANF_BAD_ANSWER"},
    [KF_GBA] = {"gba", "BSF", KEYAPI_GBA_PATH, "BTID_UNKNOWN", "KS_NAF_EXPIRED",
                "NAF_NOT_AUTHORIZED", "BSF_UNAVAILABLE", "BSF_TIMEOUT", "BSF_BAD_ANSWER"},
};

struct kf_fetch;

/* A handshake waiting for a fetch. */
struct kf_waiter {
    struct kf_fetch *f;
    tls_psk_ready_fn ready;
    void *ready_arg;
    long conn;
    struct kf_waiter *next;
};

/* One request to a key server, shared by the handshakes offering its identity. */
struct kf_fetch {
    struct keyfetch *kf; /* NULL once kf is freed: the answer then only frees this */
    enum kf_method m;
    char identity[EDGE_ID_MAX];
    double t0_ms;
    struct kf_waiter *waiters;
    struct kf_fetch *next;
};

struct keyfetch {
    struct event_base *base;
    struct evlog *log;
    char self[EDGE_FQDN_MAX], aanf[EDGE_FQDN_MAX], bsf[EDGE_FQDN_MAX];
    int timeout_ms;
    int (*locate)(void *arg, const char *fqdn, char *addr, size_t len, unsigned short *port,
                  char *err);
    void *locate_arg;
    struct http_client *cl;
    struct keycache *cache;
    struct kf_fetch *fetches;
    struct tls_psk_source src;
};

static const char *
kf_server(const struct keyfetch *kf, enum kf_method m)
{
    return m == KF_AKMA ? kf->aanf : kf->bsf;
}

/* One "psk" event line; data (stolen) gets method, identity and server added. */
static void
kf_log(struct keyfetch *kf, enum kf_method m, const char *identity, const char *dir, long conn,
       int status, const char *cause, json_t *data, const char *summary)
{
    struct evlog_event e = {.peer = identity,
                            .dir = dir,
                            .kind = "psk",
                            .status = status,
                            .cause = cause,
                            .summary = summary,
                            .conn = conn,
                            .data = data};

    json_object_set_new(data, "method", json_string(kf_words[m].method));
    json_object_set_new(data, "identity", json_string(identity));
    json_object_set_new(data, "server", json_string(kf_server(kf, m)));
    evlog_write(kf->log, &e);
    json_decref(data);
}

/* Which key server an identity is for (keyfetch.h), or -1: not ours to resolve. */
static int
kf_route(const struct keyfetch *kf, const char *identity)
{
    const char *domain = NULL;
    char why[EDGE_ERR_LEN];

    if (kf->bsf[0] != '\0' && gba_btid_check(identity, &domain, why) == 0 &&
        strcmp(domain, kf->bsf) == 0)
        return KF_GBA;
    if (kf->aanf[0] != '\0' && js_valid_akid(identity, why) == 0)
        return KF_AKMA;
    return -1;
}

static void
kf_refusal(struct tls_psk_answer *a, int alert, const char *cause, const char *detail)
{
    memset(a, 0, sizeof(*a));
    a->outcome = TLS_PSK_REFUSED;
    a->alert = alert;
    snprintf(a->cause, sizeof(a->cause), "%s", cause);
    snprintf(a->detail, sizeof(a->detail), "%.*s", (int)sizeof(a->detail) - 1, detail);
}

/* ---- the answer of a fetch ---- */

/* A 200: the key and what it binds; an expiry already past stores nothing (TS 33.535 6.3: the
 * AF uses K_AF only until its expiration time). Returns the status to log. */
static int
kf_answer_ok(struct kf_fetch *f, const struct http_client_resp *r, struct tls_psk_answer *a,
             struct keycache_entry *e)
{
    const struct kf_words *w = &kf_words[f->m];
    struct keyapi_key k;
    char err[EDGE_ERR_LEN], detail[EDGE_ERR_LEN + 64];
    json_t *body = json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, NULL);
    int rc = body != NULL ? (f->m == KF_AKMA ? keyapi_akma_resp_parse(body, &k, err)
                                             : keyapi_gba_resp_parse(body, &k, err))
                          : edge_err(err, "not JSON");

    json_decref(body);
    if (rc < 0 || k.expiry == 0) {
        snprintf(detail, sizeof(detail), "the %s's 200 answer is not per the API: %s", w->server,
                 rc < 0 ? err : "no expiry");
        kf_refusal(a, SSL_AD_INTERNAL_ERROR, w->bad, detail);
        return r->status;
    }
    if (k.expiry <= (long long)time(NULL)) {
        kf_refusal(a, SSL_AD_UNKNOWN_PSK_IDENTITY, w->expired,
                   "the key the key server gave has already expired");
    } else {
        memset(a, 0, sizeof(*a));
        a->outcome = TLS_PSK_FOUND;
        memcpy(a->binding.key, k.key, GBA_KEY_LEN);
        a->binding.key_len = GBA_KEY_LEN;
        snprintf(a->binding.gpsi, sizeof(a->binding.gpsi), "%s", k.gpsi);
        snprintf(a->binding.eec_id, sizeof(a->binding.eec_id), "%s", k.eec_id);
        memset(e, 0, sizeof(*e));
        snprintf(e->identity, sizeof(e->identity), "%s", f->identity);
        snprintf(e->method, sizeof(e->method), "%s", w->method);
        snprintf(e->server, sizeof(e->server), "%s", kf_server(f->kf, f->m));
        e->bind = a->binding;
        e->expiry = k.expiry;
    }
    OPENSSL_cleanse(&k, sizeof(k));
    return r->status;
}

/* What an answer other than 200 (or none) means; returns the status to log. */
static int
kf_answer_refused(struct kf_fetch *f, const struct http_client_resp *r, struct tls_psk_answer *a)
{
    const struct kf_words *w = &kf_words[f->m];
    char detail[EDGE_ERR_LEN + 64];
    json_t *pd = r->status >= 400 ? json_loadb(r->body, r->body_len, 0, NULL) : NULL;
    const char *cause = problem_cause(pd), *said = problem_detail(pd);
    int status = r->status;

    snprintf(detail, sizeof(detail), "%s %s: %d %s%s%s", w->server, kf_server(f->kf, f->m),
             r->status, cause != NULL ? cause : "", said != NULL ? " " : "",
             said != NULL ? said : "");
    if (r->status == 0) {
        int late =
            r->elapsed_ms >= f->kf->timeout_ms - 1 ||
            (r->error_cause != NULL && (strcmp(r->error_cause, HTTP_CLIENT_CONNECT_TIMEOUT) == 0 ||
                                        strcmp(r->error_cause, HTTP_CLIENT_TLS_TIMEOUT) == 0));
        snprintf(detail, sizeof(detail), "no answer from the %s: %s", w->server,
                 r->error != NULL ? r->error : "no response");
        kf_refusal(a, SSL_AD_INTERNAL_ERROR, late ? w->timeout : w->unavailable, detail);
        status = late ? 504 : 503;
    } else if (r->status == 404 && cause != NULL &&
               (strcmp(cause, KEYAPI_CONTEXT_EXPIRED) == 0 ||
                strcmp(cause, KEYAPI_BTID_EXPIRED) == 0)) {
        kf_refusal(a, SSL_AD_UNKNOWN_PSK_IDENTITY, w->expired, detail);
    } else if (r->status == 204 || r->status == 404) {
        kf_refusal(a, SSL_AD_UNKNOWN_PSK_IDENTITY, w->unknown, detail);
    } else if (r->status == 403) {
        kf_refusal(a, SSL_AD_ACCESS_DENIED, w->denied, detail);
    } else if (r->status >= 500) {
        kf_refusal(a, SSL_AD_INTERNAL_ERROR, w->unavailable, detail);
    } else {
        kf_refusal(a, SSL_AD_INTERNAL_ERROR, w->bad, detail);
    }
    json_decref(pd);
    return status;
}

/* Tell each waiting handshake, one log line each. */
static void
kf_answer_waiters(struct kf_fetch *f, const struct tls_psk_answer *a, int status, double ms,
                  long long expiry)
{
    char when[JS_TIME_LEN];

    struct keyfetch *kf = f->kf;
    struct kf_waiter *w;
    char summary[KF_LINE];

    while ((w = f->waiters) != NULL) {
        f->waiters = w->next;
        json_t *data = json_pack("{s:s, s:f, s:b}", "outcome",
                                 a->outcome == TLS_PSK_FOUND ? "found" : "refused", "ms", ms,
                                 "gpsiBound", a->binding.gpsi[0] != '\0');
        if (a->outcome == TLS_PSK_FOUND && js_time_format((time_t)expiry, when, sizeof(when)) == 0)
            json_object_set_new(data, "expiry", json_string(when));
        if (a->outcome == TLS_PSK_FOUND)
            snprintf(summary, sizeof(summary), "%s %s gave the key of %s (%.1f ms)",
                     kf_words[f->m].server, kf_server(kf, f->m), f->identity, ms);
        else
            snprintf(summary, sizeof(summary), "handshake refused: %s: %s", a->cause, a->detail);
        kf_log(kf, f->m, f->identity, "in", w->conn, status,
               a->outcome == TLS_PSK_FOUND ? NULL : a->cause, data, summary);
        w->ready(w->ready_arg, a);
        free(w);
    }
}

static void
kf_fetch_free(struct kf_fetch *f)
{
    struct kf_fetch **p;

    if (f->kf != NULL)
        for (p = &f->kf->fetches; *p != NULL; p = &(*p)->next)
            if (*p == f) {
                *p = f->next;
                break;
            }
    free(f);
}

static void
kf_fetch_done(const struct http_client_resp *r, void *arg)
{
    struct kf_fetch *f = arg;
    struct tls_psk_answer a;
    struct keycache_entry e;
    int status;

    if (f->kf == NULL) {
        free(f);
        return;
    }
    memset(&e, 0, sizeof(e));
    status = r->status == 200 ? kf_answer_ok(f, r, &a, &e) : kf_answer_refused(f, r, &a);
    if (a.outcome == TLS_PSK_FOUND && keycache_put(f->kf->cache, &e, (long long)time(NULL)) < 0)
        kf_log(f->kf, f->m, f->identity, "local", -1, 0, NULL, json_object(),
               "key cache full: the key is used for the waiting handshakes only");
    kf_answer_waiters(f, &a, status, (double)edge_now_ns() / 1e6 - f->t0_ms, e.expiry);
    OPENSSL_cleanse(&a, sizeof(a));
    OPENSSL_cleanse(&e, sizeof(e));
    kf_fetch_free(f);
}

/* Send the request of f; -1 with err when it cannot even leave. */
static int
kf_fetch_send(struct keyfetch *kf, struct kf_fetch *f, char *err)
{
    const char *server = kf_server(kf, f->m);
    char addr[64], *text = NULL;
    unsigned short port = 0;
    json_t *body = f->m == KF_AKMA ? keyapi_akma_req(f->identity, kf->self)
                                   : keyapi_gba_req(f->identity, kf->self);
    struct http_client_req r = {.method = "POST",
                                .fqdn = server,
                                .path = kf_words[f->m].path,
                                .content_type = HTTP_MEDIA_JSON,
                                .timeout_ms = kf->timeout_ms};
    int rc = -1;

    if (kf->cl == NULL) {
        edge_err(err, "no HTTPS client to reach the %s", kf_words[f->m].server);
        goto done;
    }
    if (body == NULL || (text = json_dumps(body, JSON_COMPACT)) == NULL) {
        edge_err(err, "out of memory");
        goto done;
    }
    if (kf->locate(kf->locate_arg, server, addr, sizeof(addr), &port, err) < 0)
        goto done;
    r.addr = addr;
    r.port = port;
    r.body = text;
    r.body_len = strlen(text);
    rc = http_client_send(kf->cl, &r, kf_fetch_done, f, err);
done:
    json_decref(body);
    free(text);
    return rc;
}

/* A handshake's key, from the cache at once or by a fetch (tls_psk_source.resolve). */
static enum tls_psk_outcome
kf_resolve(void *arg, const char *identity, long conn, struct tls_psk_answer *a,
           tls_psk_ready_fn ready, void *ready_arg, void **wait)
{
    struct keyfetch *kf = arg;
    const struct keycache_entry *e;
    struct kf_fetch *f;
    struct kf_waiter *w;
    char err[EDGE_ERR_LEN], summary[KF_LINE];
    int m = kf_route(kf, identity);

    if (m < 0)
        return TLS_PSK_DECLINED;
    if ((e = keycache_get(kf->cache, identity, (long long)time(NULL))) != NULL) {
        memset(a, 0, sizeof(*a));
        a->outcome = TLS_PSK_FOUND;
        a->binding = e->bind;
        snprintf(summary, sizeof(summary), "key of %s from the cache (no fetch)", identity);
        kf_log(kf, m, identity, "local", conn, 0, NULL, json_pack("{s:s}", "outcome", "cached"),
               summary);
        return TLS_PSK_FOUND;
    }
    for (f = kf->fetches; f != NULL && strcmp(f->identity, identity) != 0; f = f->next)
        ;
    w = calloc(1, sizeof(*w));
    if (w == NULL || (f == NULL && (f = calloc(1, sizeof(*f))) == NULL)) {
        free(w);
        kf_refusal(a, SSL_AD_INTERNAL_ERROR, kf_words[m].unavailable, "out of memory");
        return TLS_PSK_REFUSED;
    }
    if (f->kf == NULL) { /* a new fetch */
        f->kf = kf;
        f->m = (enum kf_method)m;
        snprintf(f->identity, sizeof(f->identity), "%s", identity);
        f->t0_ms = (double)edge_now_ns() / 1e6;
        if (kf_fetch_send(kf, f, err) < 0) {
            free(f);
            free(w);
            kf_refusal(a, SSL_AD_INTERNAL_ERROR, kf_words[m].unavailable, err);
            snprintf(summary, sizeof(summary), "handshake refused: %s: %s", a->cause, err);
            kf_log(kf, m, identity, "local", conn, 503, a->cause,
                   json_pack("{s:s}", "outcome", "refused"), summary);
            return TLS_PSK_REFUSED;
        }
        f->next = kf->fetches;
        kf->fetches = f;
        snprintf(summary, sizeof(summary), "handshake waits: asking %s %s for the key of %s",
                 kf_words[m].server, kf_server(kf, m), identity);
        kf_log(kf, m, identity, "out", conn, 0, NULL,
               json_pack("{s:s, s:s}", "outcome", "fetching", "path", kf_words[m].path), summary);
    } else {
        snprintf(summary, sizeof(summary), "handshake waits for the fetch of %s in flight",
                 identity);
        kf_log(kf, m, identity, "local", conn, 0, NULL, json_pack("{s:s}", "outcome", "waiting"),
               summary);
    }
    w->f = f;
    w->ready = ready;
    w->ready_arg = ready_arg;
    w->conn = conn;
    w->next = f->waiters;
    f->waiters = w;
    *wait = w;
    return TLS_PSK_PENDING;
}

/* The handshake is gone: it waits no more (the fetch goes on; its key is still worth caching). */
static void
kf_cancel(void *arg, void *wait)
{
    struct kf_waiter *w = wait, **p;

    (void)arg;
    for (p = &w->f->waiters; *p != NULL; p = &(*p)->next)
        if (*p == w) {
            *p = w->next;
            break;
        }
    free(w);
}

static void
kf_expired(void *arg, const struct keycache_entry *e)
{
    struct keyfetch *kf = arg;
    char summary[KF_LINE];

    snprintf(summary, sizeof(summary), "key of %s expired: removed (a new handshake fetches again)",
             e->identity);
    kf_log(kf, strcmp(e->method, "gba") == 0 ? KF_GBA : KF_AKMA, e->identity, "local", -1, 0, NULL,
           json_pack("{s:s}", "outcome", "expired"), summary);
}

struct keyfetch *
keyfetch_new(const struct keyfetch_config *cfg, char *err)
{
    struct keyfetch *kf = calloc(1, sizeof(*kf));

    if (kf == NULL) {
        edge_err(err, "out of memory");
        return NULL;
    }
    kf->base = cfg->base;
    kf->log = cfg->log;
    snprintf(kf->self, sizeof(kf->self), "%s", cfg->self);
    snprintf(kf->aanf, sizeof(kf->aanf), "%s", cfg->aanf != NULL ? cfg->aanf : "");
    snprintf(kf->bsf, sizeof(kf->bsf), "%s", cfg->bsf != NULL ? cfg->bsf : "");
    kf->timeout_ms = cfg->timeout_ms > 0 ? cfg->timeout_ms : KEYFETCH_TIMEOUT_MS;
    kf->locate = cfg->locate;
    kf->locate_arg = cfg->locate_arg;
    kf->src.resolve = kf_resolve;
    kf->src.cancel = kf_cancel;
    kf->src.arg = kf;
    if ((kf->cache = keycache_new(cfg->base, KEYFETCH_MAX_KEYS, kf_expired, kf)) == NULL) {
        edge_err(err, "out of memory");
        free(kf);
        return NULL;
    }
    return kf;
}

void
keyfetch_set_client(struct keyfetch *kf, struct http_client *cl)
{
    kf->cl = cl;
}

const struct tls_psk_source *
keyfetch_source(struct keyfetch *kf)
{
    return &kf->src;
}

const char *
keyfetch_method(const struct keyfetch *kf, const char *identity)
{
    int m = kf != NULL && identity != NULL ? kf_route(kf, identity) : -1;

    return m < 0 ? "" : kf_words[m].method;
}

json_t *
keyfetch_keys(const struct keyfetch *kf)
{
    return keycache_list(kf->cache);
}

void
keyfetch_free(struct keyfetch *kf)
{
    struct kf_fetch *f;
    struct kf_waiter *w;

    if (kf == NULL)
        return;
    /* Fetches still in flight: their answers (if the client ever gives them) only free them. */
    while ((f = kf->fetches) != NULL) {
        kf->fetches = f->next;
        while ((w = f->waiters) != NULL) {
            f->waiters = w->next;
            free(w);
        }
        f->kf = NULL;
    }
    keycache_free(kf->cache);
    free(kf);
}
