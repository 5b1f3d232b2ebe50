/* ees_keys.c -- the token verification keys of this EES's own ECS, the only issuer it trusts
 * (TS 33.558 6.2 / DESIGN "Token profile"): fetched as a JWKS (RFC 7517) from the ECS at start,
 * and again when a token names an unknown kid (a key rotation), at most once per interval. */
#include "ees.h"
#include "base/err.h"
#include "auth/jwks.h"

#include <stdlib.h>
#include <string.h>

struct keys_waiter {
    ees_keys_cb cb;
    void *arg;
    struct keys_waiter *next;
};

struct ees_keys {
    struct keyring *kr;
    int fetching;
    struct keys_waiter *waiters;
    long long last_reload; /* when a kid last triggered a reload */
};

int
ees_keys_new(struct ees *e, char *err)
{
    char dir[4096];
    int n;

    if ((e->keys = calloc(1, sizeof(*e->keys))) == NULL || (e->keys->kr = keyring_new()) == NULL)
        return edge_err(err, "out of memory");
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

/* Tell every waiter; callbacks may start the next fetch. */
static void
keys_done(struct ees *e, int ok)
{
    struct keys_waiter *w = e->keys->waiters, *next;

    e->keys->waiters = NULL;
    e->keys->fetching = 0;
    for (; w != NULL; w = next) {
        next = w->next;
        w->cb(e, ok, w->arg);
        free(w);
    }
}

/* The JWKS replaces the key set: a key the ECS no longer publishes no longer verifies. */
static int
keys_install(struct ees *e, const struct http_client_resp *r, char *err)
{
    struct keyring *kr = keyring_new();
    json_t *kids;
    int n;

    if (kr == NULL)
        return edge_err(err, "out of memory");
    if (r->status != 200) {
        keyring_free(kr);
        return edge_err(err, "JWKS of %s: HTTP %d", e->cfg.ecs, r->status);
    }
    if ((n = jwks_load(kr, e->cfg.ecs, r->body, r->body_len, err)) < 0) {
        keyring_free(kr);
        return -1;
    }
    keyring_free(e->keys->kr);
    e->keys->kr = kr;
    kids = json_array();
    for (size_t i = 0; i < keyring_count(kr); i++) {
        const char *iss, *kid;
        uint8_t x[KEYRING_COORD_LEN], y[KEYRING_COORD_LEN];
        if (keyring_public_xy(kr, i, &iss, &kid, x, y) == 0)
            json_array_append_new(kids, json_string(kid));
    }
    json_t *data = json_pack("{s:s, s:o}", "issuer", e->cfg.ecs, "kids", kids);
    node_log(&e->n, "keys", e->cfg.ecs, NULL, data, "JWKS of %s loaded: %d key(s)", e->cfg.ecs, n);
    json_decref(data);
    return 0;
}

static void
keys_resp(const struct http_client_resp *r, void *arg)
{
    struct ees *e = arg;
    char err[EDGE_ERR_LEN];
    int ok;

    if (e->closing) {
        keys_done(e, 0);
        return;
    }
    if (r->status == 0) {
        node_log(&e->n, "keys", e->cfg.ecs, r->error_cause, NULL, "JWKS of %s not fetched: %s",
                 e->cfg.ecs, r->error);
        ok = 0;
    } else if (keys_install(e, r, err) < 0) {
        node_log(&e->n, "keys", e->cfg.ecs, "JWKS_REFUSED", NULL, "JWKS refused: %s", err);
        ok = 0;
    } else {
        ok = 1;
    }
    keys_done(e, ok);
}

void
ees_keys_fetch(struct ees *e, ees_keys_cb cb, void *arg)
{
    struct keys_waiter *w = calloc(1, sizeof(*w));
    char err[EDGE_ERR_LEN];

    if (w == NULL) {
        cb(e, 0, arg);
        return;
    }
    w->cb = cb;
    w->arg = arg;
    w->next = e->keys->waiters;
    e->keys->waiters = w;
    if (e->keys->fetching)
        return; /* one fetch answers every waiter */
    e->keys->fetching = 1;
    if (node_send_json(&e->n, "GET", e->cfg.ecs, EES_JWKS_PATH, NULL, NULL, keys_resp, e, err) <
        0) {
        node_log(&e->n, "keys", e->cfg.ecs, NULL, NULL, "JWKS of %s not fetched: %s", e->cfg.ecs,
                 err);
        keys_done(e, 0);
    }
}

int
ees_keys_reload(struct ees *e, const char *kid, ees_keys_cb cb, void *arg)
{
    long long now = node_now();
    json_t *data = json_pack("{s:s?}", "kid", kid);

    if (!e->keys->fetching && e->keys->last_reload != 0 &&
        now - e->keys->last_reload < e->cfg.jwks_interval) {
        /* A stream of tokens with made-up kids must not become a stream of JWKS fetches. */
        node_log(&e->n, "keys", e->cfg.ecs, "JWKS_RELOAD_LIMITED", data,
                 "kid %.64s unknown; JWKS reloaded %llds ago, not again before %llds", kid,
                 now - e->keys->last_reload, e->cfg.jwks_interval);
        json_decref(data);
        return -1;
    }
    if (!e->keys->fetching) {
        e->keys->last_reload = now;
        node_log(&e->n, "keys", e->cfg.ecs, NULL, data, "kid %.64s unknown: reloading the JWKS",
                 kid);
    }
    json_decref(data);
    ees_keys_fetch(e, cb, arg);
    return 0;
}
