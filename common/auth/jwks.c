/* jwks.c -- writes and strictly parses JWK Sets of EC P-256 keys (RFC 7517 5, RFC 7518 6.2). */
#include "auth/jwks.h"
#include "base/b64url.h"
#include "base/err.h"
#include "base/file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JWKS_MAX_KEYS KEYRING_MAX_KEYS

json_t *
jwks_from_keyring(const struct keyring *kr, const char *issuer, char *err)
{
    json_t *set = json_object(), *keys = json_array();
    char xs[64], ys[64];

    if (set == NULL || keys == NULL || json_object_set(set, "keys", keys) != 0)
        goto fail;
    for (size_t i = 0; i < keyring_count(kr); i++) {
        uint8_t x[KEYRING_COORD_LEN], y[KEYRING_COORD_LEN];
        const char *iss, *kid;
        json_t *jwk;

        if (keyring_public_xy(kr, i, &iss, &kid, x, y) < 0) {
            edge_err(err, "cannot read the public point of key %zu", i);
            goto fail_quiet;
        }
        if (strcmp(iss, issuer) != 0)
            continue;
        b64url_encode(x, sizeof(x), xs);
        b64url_encode(y, sizeof(y), ys);
        jwk = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "kty", "EC", "crv", "P-256", "x", xs,
                        "y", ys, "kid", kid, "use", "sig", "alg", "ES256");
        if (jwk == NULL || json_array_append_new(keys, jwk) != 0)
            goto fail;
    }
    json_decref(keys);
    return set;
fail:
    edge_err(err, "out of memory");
fail_quiet:
    json_decref(keys);
    json_decref(set);
    return NULL;
}

char *
jwks_dump(const struct keyring *kr, const char *issuer, char *err)
{
    json_t *set = jwks_from_keyring(kr, issuer, err);
    char *s;

    if (set == NULL)
        return NULL;
    s = json_dumps(set, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(set);
    if (s == NULL)
        edge_err(err, "out of memory");
    return s;
}

/* A coordinate: exactly 32 bytes of canonical base64url (RFC 7518 6.2.1.2:
 * the full field size, leading zeros kept). */
static int
jwks_coord(json_t *jwk, const char *name, uint8_t out[KEYRING_COORD_LEN], size_t idx, char *err)
{
    json_t *v = json_object_get(jwk, name);
    uint8_t buf[64];
    size_t n;
    const char *s;

    if (!json_is_string(v))
        return edge_err(err, "keys[%zu].%s: missing or not a string", idx, name);
    s = json_string_value(v);
    if (json_string_length(v) != b64url_encoded_len(KEYRING_COORD_LEN) ||
        b64url_decode(s, json_string_length(v), buf, &n) < 0 || n != KEYRING_COORD_LEN)
        return edge_err(err, "keys[%zu].%s: not %d bytes of base64url", idx, name,
                        KEYRING_COORD_LEN);
    memcpy(out, buf, KEYRING_COORD_LEN);
    return 0;
}

/* A member that must be absent or exactly want. */
static int
jwks_fixed(json_t *jwk, const char *name, const char *want, int required, size_t idx, char *err)
{
    json_t *v = json_object_get(jwk, name);

    if (v == NULL && !required)
        return 0;
    if (!json_is_string(v) || strcmp(json_string_value(v), want) != 0)
        return edge_err(err, "keys[%zu].%s: must be \"%s\"", idx, name, want);
    return 0;
}

int
jwks_load(struct keyring *kr, const char *issuer, const char *text, size_t len, char *err)
{
    struct keyring *tmp = NULL;
    json_t *doc = NULL, *keys;
    json_error_t jerr;
    size_t i;
    int n = -1;

    if (len > JWKS_MAX_LEN)
        return edge_err(err, "JWKS of %zu bytes (at most %d)", len, JWKS_MAX_LEN);
    doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (doc == NULL) {
        edge_err(err, "JWKS: %s at line %d", jerr.text, jerr.line);
        goto done;
    }
    keys = json_object_get(doc, "keys");
    if (!json_is_object(doc) || !json_is_array(keys)) {
        edge_err(err, "JWKS: not an object with a \"keys\" array");
        goto done;
    }
    if (json_array_size(keys) == 0 || json_array_size(keys) > JWKS_MAX_KEYS) {
        edge_err(err, "JWKS: %zu keys (1..%d)", json_array_size(keys), JWKS_MAX_KEYS);
        goto done;
    }
    if ((tmp = keyring_new()) == NULL) {
        edge_err(err, "out of memory");
        goto done;
    }
    for (i = 0; i < json_array_size(keys); i++) {
        json_t *jwk = json_array_get(keys, i), *kid = json_object_get(jwk, "kid");
        uint8_t x[KEYRING_COORD_LEN], y[KEYRING_COORD_LEN];

        if (!json_is_object(jwk)) {
            edge_err(err, "keys[%zu]: not an object", i);
            goto done;
        }
        if (jwks_fixed(jwk, "kty", "EC", 1, i, err) < 0 ||
            jwks_fixed(jwk, "crv", "P-256", 1, i, err) < 0 ||
            jwks_fixed(jwk, "use", "sig", 0, i, err) < 0 ||
            jwks_fixed(jwk, "alg", "ES256", 0, i, err) < 0)
            goto done;
        /* A public key set that carries "d" has leaked a private key. */
        if (json_object_get(jwk, "d") != NULL) {
            edge_err(err, "keys[%zu]: private key member \"d\" in a public JWKS", i);
            goto done;
        }
        if (!json_is_string(kid) || !keyring_kid_ok(json_string_value(kid))) {
            edge_err(err, "keys[%zu].kid: missing, or not 1..%d of [A-Za-z0-9._-]", i,
                     KEYRING_KID_MAX);
            goto done;
        }
        if (keyring_kid_issuer(tmp, json_string_value(kid), 0) != NULL) {
            edge_err(err, "keys[%zu].kid: \"%s\" appears twice", i, json_string_value(kid));
            goto done;
        }
        if (jwks_coord(jwk, "x", x, i, err) < 0 || jwks_coord(jwk, "y", y, i, err) < 0)
            goto done;
        if (keyring_add_verify_xy(tmp, issuer, json_string_value(kid), x, y, err) < 0)
            goto done;
    }
    if (keyring_merge(kr, tmp, err) < 0)
        goto done;
    n = (int)i;
done:
    keyring_free(tmp);
    json_decref(doc);
    return n;
}

int
jwks_load_file(struct keyring *kr, const char *issuer, const char *path, char *err)
{
    char *buf = NULL;
    size_t n = 0;
    int rc;

    if (edge_file_read(path, JWKS_MAX_LEN, &buf, &n, err) < 0)
        return -1;
    if ((rc = jwks_load(kr, issuer, buf, n, err)) < 0 && err != NULL) {
        char msg[EDGE_ERR_LEN];
        snprintf(msg, sizeof(msg), "%s", err);
        edge_err(err, "%s: %s", path, msg);
    }
    free(buf);
    return rc;
}
