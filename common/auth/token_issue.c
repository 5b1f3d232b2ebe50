/* token_issue.c -- builds and signs the EEC -> EES token (TS 33.558 6.2) and the EDGE-9
 * S-EES -> T-EES token (TR 33.739 6.27) as ES256 JWTs (RFC 7519, RFC 7515). */
#include "auth/token_issue.h"
#include "base/b64url.h"
#include "base/randid.h"
#include "base/err.h"
#include "base/json_strict.h"

#include <jansson.h>
#include <jwt.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
token_check_common(const struct keyring *kr, const char *aud, const char *scope, int64_t now,
                   int64_t lifetime, char *err)
{
    char why[EDGE_ERR_LEN];

    if (keyring_signer(kr) == NULL)
        return edge_err(err, "no active signing key");
    if (js_valid_fqdn(aud, why) < 0)
        return edge_err(err, "audience '%.64s': %s", aud ? aud : "(null)", why);
    if (!token_scope_ok(scope))
        return edge_err(err, "scope '%.64s' is not a list of service names", scope ? scope : "");
    if (lifetime < 1 || lifetime > TOKEN_LIFETIME_MAX)
        return edge_err(err, "token lifetime %lld s outside 1..%d", (long long)lifetime,
                        TOKEN_LIFETIME_MAX);
    if (now <= 0)
        return edge_err(err, "clock reads %lld", (long long)now);
    return 0;
}

/* Our own signature checked once before the token leaves the ECS: a bad
 * encoding from libjwt would otherwise surface only at some EES. */
static int
token_self_check(const struct keyring *kr, const char *tok, char *err)
{
    const char *d2 = strrchr(tok, '.');
    uint8_t sig[KEYRING_SIG_LEN + 3];
    size_t slen;

    if (d2 == NULL || strlen(d2 + 1) != b64url_encoded_len(KEYRING_SIG_LEN) ||
        b64url_decode(d2 + 1, strlen(d2 + 1), sig, &slen) < 0 ||
        keyring_verify_es256(kr, keyring_signer(kr), keyring_active_kid(kr), (const uint8_t *)tok,
                             (size_t)(d2 - tok), sig, slen) != 1)
        return edge_err(err, "libjwt produced a token that does not verify");
    return 0;
}

/* Sign claims (iat, exp and jti added here) with the keyring's active key. */
static int
token_sign(const struct keyring *kr, json_t *claims, int64_t now, int64_t lifetime,
           struct token_issued *out, char *err)
{
    jwt_t *jwt = NULL;
    char *json = NULL;
    int rc = -1;

    memset(out, 0, sizeof(*out));
    if (randid_new(out->jti, sizeof(out->jti), NULL, 16, RANDID_B64URL, err) < 0)
        goto done;
    out->iat = now;
    out->exp = now + lifetime;
    if (json_object_set_new(claims, "iat", json_integer(out->iat)) != 0 ||
        json_object_set_new(claims, "exp", json_integer(out->exp)) != 0 ||
        json_object_set_new(claims, "jti", json_string(out->jti)) != 0 ||
        (json = json_dumps(claims, JSON_COMPACT | JSON_PRESERVE_ORDER)) == NULL) {
        edge_err(err, "out of memory");
        goto done;
    }
    if (jwt_new(&jwt) != 0 || jwt_add_grants_json(jwt, json) != 0) {
        edge_err(err, "libjwt refused the claims");
        goto done;
    }
    if ((out->token = keyring_sign_jwt(kr, jwt, err)) == NULL)
        goto done;
    if (token_self_check(kr, out->token, err) < 0)
        goto done;
    snprintf(out->kid, sizeof(out->kid), "%s", keyring_active_kid(kr));
    rc = 0;
done:
    if (rc < 0)
        token_issued_clear(out);
    jwt_free(jwt);
    if (json != NULL) {
        OPENSSL_cleanse(json, strlen(json));
        free(json);
    }
    return rc;
}

int
token_issue_eec(const struct keyring *kr, const struct edge_peer *peer, const char *gpsi_sent,
                const char *aud, const char *scope, int64_t now, int64_t lifetime,
                struct token_issued *out, char *err)
{
    char why[EDGE_ERR_LEN];
    json_t *claims = NULL;
    int rc = -1;

    memset(out, 0, sizeof(*out));
    if (token_check_common(kr, aud, scope, now, lifetime, err) < 0)
        return -1;
    if (peer == NULL || peer->mode == EDGE_PEER_NONE || js_valid_id(peer->eec_id, why) < 0)
        return edge_err(err, "EEC token needs a TLS client with an authenticated EEC ID");
    /* TS 33.558 6.2: the GPSI goes into the token only once authenticated,
     * i.e. bound to the credential of the handshake. */
    if (gpsi_sent != NULL && (js_valid_gpsi(gpsi_sent, why) < 0 || peer->gpsi[0] == '\0' ||
                              strcmp(gpsi_sent, peer->gpsi) != 0))
        return edge_err(err, "GPSI '%.64s' is not the one bound to the EEC's credential",
                        gpsi_sent);
    claims = json_pack("{s:s}", "iss", keyring_signer(kr));
    if (claims == NULL ||
        (gpsi_sent != NULL && json_object_set_new(claims, "sub", json_string(gpsi_sent)) != 0) ||
        json_object_set_new(claims, "aud", json_string(aud)) != 0 ||
        json_object_set_new(claims, "client_id", json_string(peer->eec_id)) != 0 ||
        json_object_set_new(claims, "scope", json_string(scope)) != 0 ||
        json_object_set_new(claims, "nbf", json_integer(now)) != 0) {
        edge_err(err, "out of memory");
        goto done;
    }
    rc = token_sign(kr, claims, now, lifetime, out, err);
done:
    json_decref(claims);
    return rc;
}

int
token_issue_ees(const struct keyring *kr, const char *sees_fqdn, const char *tees_fqdn,
                const char *scope, const char *eec_id, int64_t now, int64_t lifetime,
                struct token_issued *out, char *err)
{
    char why[EDGE_ERR_LEN];
    json_t *claims = NULL;
    int rc = -1;

    memset(out, 0, sizeof(*out));
    if (token_check_common(kr, tees_fqdn, scope, now, lifetime, err) < 0)
        return -1;
    if (js_valid_fqdn(sees_fqdn, why) < 0)
        return edge_err(err, "S-EES '%.64s': %s", sees_fqdn ? sees_fqdn : "(null)", why);
    if (eec_id != NULL && js_valid_id(eec_id, why) < 0)
        return edge_err(err, "EEC ID '%.64s': %s", eec_id, why);
    claims = json_pack("{s:s, s:s, s:s, s:s, s:s}", "iss", keyring_signer(kr), "sub", sees_fqdn,
                       "aud", tees_fqdn, "client_id", sees_fqdn, "scope", scope);
    if (claims == NULL ||
        (eec_id != NULL && json_object_set_new(claims, "eec_id", json_string(eec_id)) != 0)) {
        edge_err(err, "out of memory");
        goto done;
    }
    rc = token_sign(kr, claims, now, lifetime, out, err);
done:
    json_decref(claims);
    return rc;
}

void
token_issued_clear(struct token_issued *t)
{
    if (t->token != NULL) {
        OPENSSL_cleanse(t->token, strlen(t->token));
        free(t->token);
    }
    memset(t, 0, sizeof(*t));
}
