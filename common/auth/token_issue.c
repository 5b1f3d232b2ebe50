/* token_issue.c -- builds and signs the EEC -> EES token (TS 33.558 6.2) and the EDGE-9
 * S-EES -> T-EES token (TR 33.739 6.27) as ES256 JWTs (RFC 7519, RFC 7515). */
#include "auth/token_issue.h"
#include "base/b64url.h"
#include "base/randid.h"
#include "base/err.h"
#include "base/json_strict.h"

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

/* The claims of one token. Every string has passed js_valid_fqdn, js_valid_id or
 * token_scope_ok: printable ASCII, so only '"' and '\\' need escaping (RFC 8259 7). */
struct token_claims {
    const char *aud, *authn_ecs, *client_id, *eec_id, *iss, *scope, *sub; /* eec_id, sub: or NULL */
    int64_t nbf;                                                          /* 0: absent */
};

/* A bounded text buffer: the claims are written here, not built as a JSON tree and then
 * serialised, since a token's claims are few, fixed and already checked (the ECS writes one
 * token per candidate EES of every provisioning answer). */
struct token_text {
    char *buf;
    size_t len, cap;
    int overflow;
};

static void
token_put(struct token_text *t, const char *s)
{
    size_t n = strlen(s);

    if (t->len + n >= t->cap) {
        t->overflow = 1;
        return;
    }
    memcpy(t->buf + t->len, s, n + 1);
    t->len += n;
}

/* "name":"value", escaped, with a leading comma unless first. */
static void
token_put_str(struct token_text *t, const char *name, const char *v)
{
    char esc[3] = "\\";

    token_put(t, t->len > 1 ? ",\"" : "\"");
    token_put(t, name);
    token_put(t, "\":\"");
    for (; *v != '\0' && !t->overflow; v++) {
        char one[2] = {*v, '\0'};
        esc[1] = *v;
        token_put(t, *v == '"' || *v == '\\' ? esc : one);
    }
    token_put(t, "\"");
}

static void
token_put_int(struct token_text *t, const char *name, int64_t v)
{
    char num[48];

    snprintf(num, sizeof(num), "%s\"%s\":%lld", t->len > 1 ? "," : "", name, (long long)v);
    token_put(t, num);
}

/* The claims as compact JSON, members in sorted order (as libjwt wrote them). */
static int
token_claims_json(const struct token_claims *c, const struct token_issued *ti, struct token_text *t)
{
    token_put(t, "{");
    token_put_str(t, "aud", c->aud);
    token_put_str(t, "authn_ecs", c->authn_ecs);
    token_put_str(t, "client_id", c->client_id);
    if (c->eec_id != NULL)
        token_put_str(t, "eec_id", c->eec_id);
    token_put_int(t, "exp", ti->exp);
    token_put_int(t, "iat", ti->iat);
    token_put_str(t, "iss", c->iss);
    token_put_str(t, "jti", ti->jti);
    if (c->nbf != 0)
        token_put_int(t, "nbf", c->nbf);
    token_put_str(t, "scope", c->scope);
    if (c->sub != NULL)
        token_put_str(t, "sub", c->sub);
    token_put(t, "}");
    return t->overflow ? -1 : 0;
}

/* The compact JWS (RFC 7515 7.1) of claims, signed ES256 with the active key:
 * BASE64URL(header) "." BASE64URL(claims) "." BASE64URL(R || S). */
static char *
token_jws(const struct keyring *kr, const char *claims, size_t cl, char *err)
{
    char hdr[sizeof("{\"alg\":\"ES256\",\"kid\":\"\",\"typ\":\"JWT\"}") + KEYRING_KID_MAX];
    uint8_t sig[KEYRING_SIG_LEN];
    size_t hl, n;
    char *tok;

    /* kid is [A-Za-z0-9._-] (keyring_kid_ok): nothing to escape. */
    hl = (size_t)snprintf(hdr, sizeof(hdr), "{\"alg\":\"ES256\",\"kid\":\"%s\",\"typ\":\"JWT\"}",
                          keyring_active_kid(kr));
    if ((tok = malloc(b64url_encoded_len(hl) + b64url_encoded_len(cl) +
                      b64url_encoded_len(KEYRING_SIG_LEN) + 3)) == NULL) {
        edge_err(err, "out of memory");
        return NULL;
    }
    n = b64url_encode((const uint8_t *)hdr, hl, tok);
    tok[n++] = '.';
    n += b64url_encode((const uint8_t *)claims, cl, tok + n);
    if (keyring_sign_es256(kr, (const uint8_t *)tok, n, sig, err) < 0) {
        OPENSSL_cleanse(tok, n);
        free(tok);
        return NULL;
    }
    tok[n++] = '.';
    b64url_encode(sig, sizeof(sig), tok + n);
    return tok;
}

/* Sign claims (iat, exp and jti added here) with the keyring's active key. */
static int
token_sign(const struct keyring *kr, const struct token_claims *c, int64_t now, int64_t lifetime,
           struct token_issued *out, char *err)
{
    struct token_text t = {0};
    int rc = -1;

    memset(out, 0, sizeof(*out));
    if (randid_new(out->jti, sizeof(out->jti), NULL, 16, RANDID_B64URL, err) < 0)
        goto done;
    out->iat = now;
    out->exp = now + lifetime;
    /* Each string at most doubles when escaped; names, numbers and punctuation fit in 256. */
    t.cap = 2 * (strlen(c->aud) + strlen(c->authn_ecs) + strlen(c->client_id) + strlen(c->iss) +
                 strlen(c->scope) + (c->eec_id ? strlen(c->eec_id) : 0) +
                 (c->sub ? strlen(c->sub) : 0) + sizeof(out->jti)) +
            256;
    if ((t.buf = malloc(t.cap)) == NULL) {
        edge_err(err, "out of memory");
        goto done;
    }
    if (token_claims_json(c, out, &t) < 0) {
        edge_err(err, "token claims longer than %zu bytes", t.cap);
        goto done;
    }
    if ((out->token = token_jws(kr, t.buf, t.len, err)) == NULL)
        goto done;
    snprintf(out->kid, sizeof(out->kid), "%s", keyring_active_kid(kr));
    rc = 0;
done:
    if (rc < 0)
        token_issued_clear(out);
    if (t.buf != NULL) {
        OPENSSL_cleanse(t.buf, t.cap);
        free(t.buf);
    }
    return rc;
}

int
token_issue_eec(const struct keyring *kr, const struct edge_peer *peer, const char *gpsi_sent,
                const char *aud, const char *scope, int64_t now, int64_t lifetime,
                struct token_issued *out, char *err)
{
    char why[EDGE_ERR_LEN];

    memset(out, 0, sizeof(*out));
    if (peer == NULL || peer->mode == EDGE_PEER_NONE || js_valid_id(peer->eec_id, why) < 0)
        return edge_err(err, "EEC token needs a TLS client with an authenticated EEC ID");
    /* TS 33.558 6.2: the GPSI goes into the token only once authenticated,
     * i.e. bound to the credential of the handshake. */
    if (gpsi_sent != NULL && (js_valid_gpsi(gpsi_sent, why) < 0 || peer->gpsi[0] == '\0' ||
                              strcmp(gpsi_sent, peer->gpsi) != 0))
        return edge_err(err, "GPSI '%.64s' is not the one bound to the EEC's credential",
                        gpsi_sent);
    return token_issue_eec_for(kr, peer->eec_id, gpsi_sent, NULL, aud, scope, now, lifetime, out,
                               err);
}

/* The claims both profiles share, checked, then signed: iss is the signer, authn_ecs the ECS that
 * authenticated the client (NULL: the signer). */
static int
token_issue(const struct keyring *kr, struct token_claims *c, const char *authn_ecs, int64_t now,
            int64_t lifetime, struct token_issued *out, char *err)
{
    char why[EDGE_ERR_LEN];

    if (token_check_common(kr, c->aud, c->scope, now, lifetime, err) < 0)
        return -1;
    if (authn_ecs != NULL && js_valid_fqdn(authn_ecs, why) < 0)
        return edge_err(err, "authenticating ECS '%.64s': %s", authn_ecs, why);
    c->iss = keyring_signer(kr);
    c->authn_ecs = authn_ecs != NULL ? authn_ecs : c->iss;
    return token_sign(kr, c, now, lifetime, out, err);
}

int
token_issue_eec_for(const struct keyring *kr, const char *eec_id, const char *gpsi,
                    const char *authn_ecs, const char *aud, const char *scope, int64_t now,
                    int64_t lifetime, struct token_issued *out, char *err)
{
    struct token_claims c = {
        .aud = aud, .client_id = eec_id, .scope = scope, .sub = gpsi, .nbf = now};
    char why[EDGE_ERR_LEN];

    memset(out, 0, sizeof(*out));
    if (eec_id == NULL || js_valid_id(eec_id, why) < 0)
        return edge_err(err, "EEC ID '%.64s': %s", eec_id ? eec_id : "(null)",
                        eec_id ? why : "missing");
    if (gpsi != NULL && js_valid_gpsi(gpsi, why) < 0)
        return edge_err(err, "GPSI '%.64s': %s", gpsi, why);
    return token_issue(kr, &c, authn_ecs, now, lifetime, out, err);
}

int
token_issue_ees(const struct keyring *kr, const char *sees_fqdn, const char *tees_fqdn,
                const char *scope, const char *eec_id, const char *authn_ecs, int64_t now,
                int64_t lifetime, struct token_issued *out, char *err)
{
    struct token_claims c = {.aud = tees_fqdn,
                             .client_id = sees_fqdn,
                             .eec_id = eec_id,
                             .scope = scope,
                             .sub = sees_fqdn};
    char why[EDGE_ERR_LEN];

    memset(out, 0, sizeof(*out));
    if (js_valid_fqdn(sees_fqdn, why) < 0)
        return edge_err(err, "S-EES '%.64s': %s", sees_fqdn ? sees_fqdn : "(null)", why);
    if (eec_id != NULL && js_valid_id(eec_id, why) < 0)
        return edge_err(err, "EEC ID '%.64s': %s", eec_id, why);
    return token_issue(kr, &c, authn_ecs, now, lifetime, out, err);
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
