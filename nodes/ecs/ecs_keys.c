/* ecs_keys.c -- the ECS's token signing keys (TS 33.558 6.2, TR 33.739 6.27): loaded once, served
 * as a JWKS (RFC 7517 5) at GET /oauth2/jwks (an edgesim convention), rotated on command; and the
 * one place a token decision is reported to the event log and the runner. */
#include "ecs.h"
#include "base/err.h"
#include "auth/jwks.h"
#include "net/problem.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ECS_JWKS_PATH "/oauth2/jwks"
#define ECS_JWKS_MEDIA "application/jwk-set+json" /* RFC 7517 8.5.1 */

/* DIR/<issuer>.sig-<kid>.key, as edge-pki signkey writes it. */
static int
ecs_keys_load_kid(struct ecs *e, const char *kid, char *err)
{
    char path[4096];

    if (!keyring_kid_ok(kid))
        return edge_err(err, "kid \"%.64s\" is not 1..%d of [A-Za-z0-9._-]", kid, KEYRING_KID_MAX);
    snprintf(path, sizeof(path), "%s/%s.sig-%s.key", e->cfg.sign_dir, e->node.name, kid);
    return keyring_load_signing_file(e->keys, e->node.name, kid, path, err);
}

static int
ecs_keys_has_kid(const struct ecs *e, const char *kid)
{
    return keyring_kid_issuer(e->keys, kid, 0) != NULL;
}

static json_t *
ecs_keys_kids(const struct ecs *e)
{
    json_t *kids = json_array();

    for (size_t i = 0; kids != NULL && i < keyring_count(e->keys); i++) {
        const char *issuer, *kid;
        uint8_t x[KEYRING_COORD_LEN], y[KEYRING_COORD_LEN];
        if (keyring_public_xy(e->keys, i, &issuer, &kid, x, y) == 0)
            json_array_append_new(kids, json_string(kid));
    }
    return kids;
}

/* GET /oauth2/jwks: the public keys EESes verify this ECS's tokens with. Public by nature, so
 * any peer that passed the TLS handshake may read them. */
static void
ecs_keys_jwks(struct http_req *req, void *arg)
{
    struct ecs *e = arg;
    char err[EDGE_ERR_LEN];
    char *text = jwks_dump(e->keys, e->node.name, err);

    if (text == NULL) {
        ecs_refuse(req, ECS_R_INTERNAL, "cannot serialise the JWKS: %s", err);
        return;
    }
    http_reply_header(req, "Cache-Control", "no-cache"); /* a rotation must be seen at once */
    http_reply(req, 200, ECS_JWKS_MEDIA, text, strlen(text));
    free(text);
}

/* rotate {kid}: make kid the signing key; a kid not loaded yet is read from signing.dir, so a
 * key made with edge-pki signkey while the ECS runs can be rotated to. Old keys stay in the JWKS,
 * so tokens they signed still verify until they expire. */
static void
ecs_keys_rotate(struct ctl_req *cr, json_t *args, void *arg)
{
    struct ecs *e = arg;
    const char *kid = json_string_value(json_object_get(args, "kid"));
    char err[EDGE_ERR_LEN], prev[KEYRING_KID_MAX + 1];

    if (kid == NULL) {
        ctl_reply_error(cr, "ctl.bad_args", "rotate needs {\"kid\": \"...\"}");
        return;
    }
    snprintf(prev, sizeof(prev), "%s", keyring_active_kid(e->keys));
    if ((!ecs_keys_has_kid(e, kid) && ecs_keys_load_kid(e, kid, err) < 0) ||
        keyring_set_active(e->keys, kid, err) < 0) {
        ctl_reply_error(cr, "ecs.rotate_failed", "%s", err);
        return;
    }
    json_t *data = json_pack("{s:s, s:s}", "previous", prev, "active", kid);
    node_log(&e->node, "keys", NULL, NULL, data, "signing key rotated from %s to %s", prev, kid);
    json_decref(data);
    ctl_reply(cr, json_pack("{s:s, s:s, s:o}", "active", kid, "previous", prev, "kids",
                            ecs_keys_kids(e)));
}

int
ecs_keys_setup(struct ecs *e, char *err)
{
    const char *path = config_path(e->node.cf);
    char why[EDGE_ERR_LEN];
    size_t i;
    json_t *v;

    if ((e->keys = keyring_new()) == NULL)
        return edge_err(err, "out of memory");
    if (e->cfg.sign_kids == NULL) {
        if (keyring_load_dir(e->keys, e->cfg.sign_dir, e->node.name, 1, why) < 0)
            return edge_err(err, "%s: signing.dir: %s", path, why);
    } else {
        json_array_foreach(e->cfg.sign_kids, i, v)
        {
            if (ecs_keys_load_kid(e, json_string_value(v), why) < 0)
                return edge_err(err, "%s: signing.kids[%zu]: %s", path, i, why);
        }
    }
    if (e->cfg.sign_active != NULL && keyring_set_active(e->keys, e->cfg.sign_active, why) < 0)
        return edge_err(err, "%s: signing.active: %s", path, why);
    if (keyring_active_kid(e->keys) == NULL)
        return edge_err(err, "%s: signing: no private key of %s to sign with", path, e->node.name);
    if (http_server_route(e->node.http, "GET", ECS_JWKS_PATH, ecs_keys_jwks, e, err) < 0 ||
        ctl_command(e->node.ctl, "rotate", ecs_keys_rotate, e, err) < 0)
        return -1;
    json_t *data =
        json_pack("{s:s, s:o}", "active", keyring_active_kid(e->keys), "kids", ecs_keys_kids(e));
    node_log(&e->node, "keys", NULL, NULL, data, "signing as %s with kid %s", e->node.name,
             keyring_active_kid(e->keys));
    json_decref(data);
    return 0;
}

void
ecs_keys_free(struct ecs *e)
{
    keyring_free(e->keys);
    e->keys = NULL;
}

void
ecs_token_report(struct ecs *e, const char *peer, const char *verdict, const char *rule,
                 const char *aud, const struct token_issued *t, const char *fmt, ...)
{
    char summary[512];
    va_list ap;
    json_t *data, *ev;

    va_start(ap, fmt);
    // NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): va_start is the line above
    vsnprintf(summary, sizeof(summary), fmt, ap);
    va_end(ap);
    data = json_pack("{s:s, s:s, s:s?, s:s?}", "verdict", verdict, "issuer", e->node.name, "aud",
                     aud, "rule", rule);
    if (data != NULL && t != NULL && t->token != NULL) {
        json_object_set_new(data, "jti", json_string(t->jti));
        json_object_set_new(data, "kid", json_string(t->kid));
        json_object_set_new(data, "iat", json_integer(t->iat));
        json_object_set_new(data, "exp", json_integer(t->exp));
        json_object_set_new(data, "jwt", json_string(t->token));
    }
    node_log(&e->node, "token", peer, rule, data, "%s", summary);
    /* nodes/README.md "Events": the runner collects tokens from here, not from the log. */
    ev = json_pack("{s:s, s:O?, s:s, s:s?, s:s, s:s?, s:s?}", "event", "token", "jwt",
                   data != NULL ? json_object_get(data, "jwt") : NULL, "issuer", e->node.name,
                   "aud", aud, "verdict", verdict, "rule", rule, "client", peer);
    if (ev != NULL && t != NULL && t->token != NULL) {
        json_object_set_new(ev, "jti", json_string(t->jti));
        json_object_set_new(ev, "kid", json_string(t->kid));
    }
    if (ev != NULL)
        ctl_event(e->node.ctl, ev);
    json_decref(data);
}
