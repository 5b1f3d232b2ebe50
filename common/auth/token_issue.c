/* token_issue.c -- builds and signs the EEC -> EES token (TS 33.558 6.2) and the EDGE-9
 * S-EES -> T-EES token (TR 33.739 6.27) as ES256 JWTs (RFC 7519, RFC 7515). */
#include "auth/token_issue.h"
#include "base/b64url.h"
#include "base/randid.h"
#include "base/err.h"

#include <jansson.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* FQDN: RFC 1035 letters, digits, hyphens, dots. */
static int
token_fqdn_ok(const char *s)
{
    size_t n = 0;

    if (s == NULL)
        return 0;
    for (; s[n] != '\0'; n++) {
        char c = s[n];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-') ||
            n >= EDGE_FQDN_MAX - 1)
            return 0;
    }
    return n > 0;
}

/* EEC ID, GPSI: visible ASCII, no space, bounded. */
static int
token_id_ok(const char *s, size_t max)
{
    size_t n = 0;

    if (s == NULL)
        return 0;
    for (; s[n] != '\0'; n++)
        if ((unsigned char)s[n] <= 0x20 || (unsigned char)s[n] >= 0x7f || n >= max - 1)
            return 0;
    return n > 0;
}

static int
token_check_common(const struct keyring *kr, const char *aud, const char *scope, int64_t now,
                   int64_t lifetime, char *err)
{
    if (keyring_signer(kr) == NULL)
        return edge_err(err, "no active signing key");
    if (!token_fqdn_ok(aud))
        return edge_err(err, "audience '%.64s' is not an FQDN", aud ? aud : "(null)");
    if (!token_scope_ok(scope))
        return edge_err(err, "scope '%.64s' is not a list of service names", scope ? scope : "");
    if (lifetime < 1 || lifetime > TOKEN_LIFETIME_MAX)
        return edge_err(err, "token lifetime %lld s outside 1..%d", (long long)lifetime,
                        TOKEN_LIFETIME_MAX);
    if (now <= 0)
        return edge_err(err, "clock reads %lld", (long long)now);
    return 0;
}

/* The compact JWS (RFC 7515 7.1) of claims, signed ES256 with the active key:
 * BASE64URL(header) "." BASE64URL(claims) "." BASE64URL(R || S). Members are
 * written in sorted order, compact, as libjwt wrote them before. */
static char *
token_jws(const struct keyring *kr, const json_t *claims, char *err)
{
    json_t *hdr =
        json_pack("{s:s, s:s, s:s}", "alg", "ES256", "kid", keyring_active_kid(kr), "typ", "JWT");
    char *htxt = NULL, *ctxt = NULL, *tok = NULL;
    uint8_t sig[KEYRING_SIG_LEN];
    size_t hl, cl, n = 0;

    if (hdr == NULL || (htxt = json_dumps(hdr, JSON_COMPACT | JSON_SORT_KEYS)) == NULL ||
        (ctxt = json_dumps(claims, JSON_COMPACT | JSON_SORT_KEYS)) == NULL) {
        edge_err(err, "out of memory");
        goto done;
    }
    hl = strlen(htxt);
    cl = strlen(ctxt);
    if ((tok = malloc(b64url_encoded_len(hl) + b64url_encoded_len(cl) +
                      b64url_encoded_len(KEYRING_SIG_LEN) + 3)) == NULL) {
        edge_err(err, "out of memory");
        goto done;
    }
    n = b64url_encode((const uint8_t *)htxt, hl, tok);
    tok[n++] = '.';
    n += b64url_encode((const uint8_t *)ctxt, cl, tok + n);
    if (keyring_sign_es256(kr, (const uint8_t *)tok, n, sig, err) < 0) {
        OPENSSL_cleanse(tok, n);
        free(tok);
        tok = NULL;
        goto done;
    }
    tok[n++] = '.';
    b64url_encode(sig, sizeof(sig), tok + n);
done:
    if (ctxt != NULL) {
        OPENSSL_cleanse(ctxt, strlen(ctxt));
        free(ctxt);
    }
    free(htxt);
    json_decref(hdr);
    return tok;
}

/* Sign claims (iat, exp and jti added here) with the keyring's active key. */
static int
token_sign(const struct keyring *kr, json_t *claims, int64_t now, int64_t lifetime,
           struct token_issued *out, char *err)
{
    int rc = -1;

    memset(out, 0, sizeof(*out));
    if (randid_new(out->jti, sizeof(out->jti), NULL, 16, RANDID_B64URL, err) < 0)
        goto done;
    out->iat = now;
    out->exp = now + lifetime;
    if (json_object_set_new(claims, "iat", json_integer(out->iat)) != 0 ||
        json_object_set_new(claims, "exp", json_integer(out->exp)) != 0 ||
        json_object_set_new(claims, "jti", json_string(out->jti)) != 0) {
        edge_err(err, "out of memory");
        goto done;
    }
    if ((out->token = token_jws(kr, claims, err)) == NULL)
        goto done;
    snprintf(out->kid, sizeof(out->kid), "%s", keyring_active_kid(kr));
    rc = 0;
done:
    if (rc < 0)
        token_issued_clear(out);
    return rc;
}

int
token_issue_eec(const struct keyring *kr, const struct edge_peer *peer, const char *gpsi_sent,
                const char *aud, const char *scope, int64_t now, int64_t lifetime,
                struct token_issued *out, char *err)
{
    json_t *claims = NULL;
    int rc = -1;

    memset(out, 0, sizeof(*out));
    if (token_check_common(kr, aud, scope, now, lifetime, err) < 0)
        return -1;
    if (peer == NULL || peer->mode == EDGE_PEER_NONE || !token_id_ok(peer->eec_id, EDGE_ID_MAX))
        return edge_err(err, "EEC token needs a TLS client with an authenticated EEC ID");
    /* TS 33.558 6.2: the GPSI goes into the token only once authenticated,
     * i.e. bound to the credential of the handshake. */
    if (gpsi_sent != NULL && (!token_id_ok(gpsi_sent, EDGE_GPSI_MAX) || peer->gpsi[0] == '\0' ||
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
    json_t *claims = NULL;
    int rc = -1;

    memset(out, 0, sizeof(*out));
    if (token_check_common(kr, tees_fqdn, scope, now, lifetime, err) < 0)
        return -1;
    if (!token_fqdn_ok(sees_fqdn))
        return edge_err(err, "S-EES '%.64s' is not an FQDN", sees_fqdn ? sees_fqdn : "(null)");
    if (eec_id != NULL && !token_id_ok(eec_id, EDGE_ID_MAX))
        return edge_err(err, "EEC ID '%.64s' is not an identifier", eec_id);
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
