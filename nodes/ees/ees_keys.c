/* ees_keys.c -- the token verification keys of the ECSes this EES trusts (TS 33.558 6.2 / DESIGN
 * "Token profile"): its own ECS, and the partner ECSes whose tokens it accepts (partnerEcs: the
 * ECS of an S-EES that signs EDGE-9 tokens itself, edge9Mode local-issue). Each issuer's keys come
 * from its JWKS (RFC 7517): the own ECS's at start, a partner's when its first token comes, and
 * again when a token of a trusted issuer names an unknown kid (a key rotation), at most once per
 * interval and issuer. A token of any other issuer is refused before its kid is looked at
 * (token_validate), so it never causes a fetch. */
#include "ees.h"
#include "base/err.h"
#include "auth/jwks.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define EES_PARTNERS_MAX 16

struct keys_waiter {
    ees_keys_cb cb;
    void *arg;
    struct keys_waiter *next;
};

/* One trusted issuer and its JWKS fetches. */
struct keys_issuer {
    char fqdn[EDGE_FQDN_MAX];
    int fetching;
    struct keys_waiter *waiters;
    long long last_reload; /* when a kid last triggered a reload */
};

struct ees_keys {
    struct keyring *kr;
    struct keys_issuer iss[1 + EES_PARTNERS_MAX]; /* [0]: its own ECS */
    size_t n;
    const char *trusted[1 + EES_PARTNERS_MAX + 1]; /* their FQDNs, NULL-ended */
};

struct keys_fetch {
    struct ees *e;
    struct keys_issuer *ki;
};

static int
keys_issuers(struct ees *e, char *err)
{
    struct ees_keys *k = e->keys;
    size_t i;
    json_t *v;

    snprintf(k->iss[0].fqdn, EDGE_FQDN_MAX, "%s", e->cfg.ecs);
    k->n = 1;
    json_array_foreach(e->cfg.partners, i, v)
    {
        if (k->n >= sizeof(k->iss) / sizeof(k->iss[0]))
            return edge_err(err, "%s: partnerEcs: more than %d", config_path(e->n.cf),
                            EES_PARTNERS_MAX);
        snprintf(k->iss[k->n++].fqdn, EDGE_FQDN_MAX, "%s", json_string_value(v));
    }
    for (i = 0; i < k->n; i++)
        k->trusted[i] = k->iss[i].fqdn;
    k->trusted[k->n] = NULL;
    return 0;
}

int
ees_keys_new(struct ees *e, char *err)
{
    char dir[4096];
    int n;

    if ((e->keys = calloc(1, sizeof(*e->keys))) == NULL || (e->keys->kr = keyring_new()) == NULL)
        return edge_err(err, "out of memory");
    if (keys_issuers(e, err) < 0)
        return -1;
    if (e->cfg.trust == NULL)
        return 0;
    /* edge-pki's public key files of the ECS: trusted until the JWKS replaces them. */
    if (config_resolve(e->n.cf, json_string_value(json_object_get(e->cfg.trust, "dir")), dir,
                       sizeof(dir), err) < 0)
        return -1;
    if ((n = keyring_load_dir(e->keys->kr, dir, e->cfg.ecs, 0, err)) < 0)
        return edge_err(err, "%s: trust.dir: %s", config_path(e->n.cf), err);
    node_log(&e->n, "keys", e->cfg.ecs, NULL, NULL, "%d verification key(s) of %s loaded from %s",
             n, e->cfg.ecs, dir);
    return 0;
}

void
ees_keys_free(struct ees *e)
{
    if (e->keys == NULL)
        return;
    keyring_free(e->keys->kr);
    free(e->keys);
    e->keys = NULL;
}

const struct keyring *
ees_keys_ring(const struct ees *e)
{
    return e->keys->kr;
}

const char *const *
ees_keys_trusted(const struct ees *e)
{
    return e->keys->trusted;
}

static struct keys_issuer *
keys_issuer(struct ees *e, const char *issuer)
{
    if (issuer == NULL)
        return &e->keys->iss[0];
    for (size_t i = 0; i < e->keys->n; i++)
        if (strcasecmp(e->keys->iss[i].fqdn, issuer) == 0)
            return &e->keys->iss[i];
    return NULL;
}

/* Tell every waiter; callbacks may start the next fetch. */
static void
keys_done(struct ees *e, struct keys_issuer *ki, int ok)
{
    struct keys_waiter *w = ki->waiters, *next;

    ki->waiters = NULL;
    ki->fetching = 0;
    for (; w != NULL; w = next) {
        next = w->next;
        w->cb(e, ok, w->arg);
        free(w);
    }
}

/* The issuer's JWKS replaces its key set (a key it no longer publishes no longer verifies); the
 * other issuers' keys stay. */
static int
keys_install(struct ees *e, struct keys_issuer *ki, const struct http_client_resp *r, char *err)
{
    struct keyring *kr = keyring_new(), *old = e->keys->kr;
    uint8_t x[KEYRING_COORD_LEN], y[KEYRING_COORD_LEN];
    const char *iss, *kid;
    json_t *kids, *data;
    int n;

    if (kr == NULL)
        return edge_err(err, "out of memory");
    if (r->status != 200 || (n = jwks_load(kr, ki->fqdn, r->body, r->body_len, err)) < 0) {
        if (r->status != 200)
            edge_err(err, "JWKS of %s: HTTP %d", ki->fqdn, r->status);
        keyring_free(kr);
        return -1;
    }
    for (size_t i = 0; i < keyring_count(old); i++)
        if (keyring_public_xy(old, i, &iss, &kid, x, y) == 0 && strcasecmp(iss, ki->fqdn) != 0 &&
            keyring_add_verify_xy(kr, iss, kid, x, y, err) < 0) {
            keyring_free(kr);
            return -1;
        }
    keyring_free(old);
    e->keys->kr = kr;
    kids = json_array();
    for (size_t i = 0; i < keyring_count(kr); i++)
        if (keyring_public_xy(kr, i, &iss, &kid, x, y) == 0 && strcasecmp(iss, ki->fqdn) == 0)
            json_array_append_new(kids, json_string(kid));
    data = json_pack("{s:s, s:o}", "issuer", ki->fqdn, "kids", kids);
    node_log(&e->n, "keys", ki->fqdn, NULL, data, "JWKS of %s loaded: %d key(s)", ki->fqdn, n);
    json_decref(data);
    return 0;
}

static void
keys_resp(const struct http_client_resp *r, void *arg)
{
    struct keys_fetch *f = arg;
    struct ees *e = f->e;
    struct keys_issuer *ki = f->ki;
    char err[EDGE_ERR_LEN];
    int ok = 0;

    free(f);
    if (e->closing) {
        keys_done(e, ki, 0);
        return;
    }
    if (r->status == 0)
        node_log(&e->n, "keys", ki->fqdn, r->error_cause, NULL, "JWKS of %s not fetched: %s",
                 ki->fqdn, r->error);
    else if (keys_install(e, ki, r, err) < 0)
        node_log(&e->n, "keys", ki->fqdn, "JWKS_REFUSED", NULL, "JWKS of %s refused: %s", ki->fqdn,
                 err);
    else
        ok = 1;
    keys_done(e, ki, ok);
}

void
ees_keys_fetch(struct ees *e, const char *issuer, ees_keys_cb cb, void *arg)
{
    struct keys_issuer *ki = keys_issuer(e, issuer);
    struct keys_waiter *w = calloc(1, sizeof(*w));
    struct keys_fetch *f;
    char err[EDGE_ERR_LEN];

    if (w == NULL || ki == NULL) {
        free(w);
        cb(e, 0, arg);
        return;
    }
    w->cb = cb;
    w->arg = arg;
    w->next = ki->waiters;
    ki->waiters = w;
    if (ki->fetching)
        return; /* one fetch answers every waiter */
    ki->fetching = 1;
    if ((f = calloc(1, sizeof(*f))) == NULL) {
        keys_done(e, ki, 0);
        return;
    }
    f->e = e;
    f->ki = ki;
    if (node_send_json_within(&e->n, (int)e->cfg.ecs_ms, "GET", ki->fqdn, EES_JWKS_PATH, NULL, NULL,
                              keys_resp, f, err) < 0) {
        free(f);
        node_log(&e->n, "keys", ki->fqdn, NULL, NULL, "JWKS of %s not fetched: %s", ki->fqdn, err);
        keys_done(e, ki, 0);
    }
}

int
ees_keys_reload(struct ees *e, const char *issuer, const char *kid, ees_keys_cb cb, void *arg)
{
    struct keys_issuer *ki = keys_issuer(e, issuer);
    long long now = node_now();
    json_t *data;

    if (ki == NULL)
        return -1; /* not trusted: token_validate refused it before its kid */
    data = json_pack("{s:s?, s:s}", "kid", kid, "issuer", ki->fqdn);
    if (!ki->fetching && ki->last_reload != 0 && now - ki->last_reload < e->cfg.jwks_interval) {
        /* A stream of tokens with made-up kids must not become a stream of JWKS fetches. */
        node_log(&e->n, "keys", ki->fqdn, "JWKS_RELOAD_LIMITED", data,
                 "kid %.64s unknown; JWKS of %s reloaded %llds ago, not again before %llds", kid,
                 ki->fqdn, now - ki->last_reload, e->cfg.jwks_interval);
        json_decref(data);
        return -1;
    }
    if (!ki->fetching) {
        ki->last_reload = now;
        node_log(&e->n, "keys", ki->fqdn, NULL, data, "kid %.64s unknown: reloading the JWKS of %s",
                 kid, ki->fqdn);
    }
    json_decref(data);
    ees_keys_fetch(e, ki->fqdn, cb, arg);
    return 0;
}
