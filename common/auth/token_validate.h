/* token_validate.h -- the one access token check every EES (resource server)
 * calls, for EEC tokens on EDGE-1 (TS 33.558 6.2) and S-EES tokens on EDGE-9
 * (TR 33.739 6.27); RFC 7519 section 7.2, RFC 7515, RFC 8725, RFC 6750.
 *
 * The token is taken apart here, not by libjwt (notes/libjwt-1.10.md: it
 * lets the header choose the algorithm, checks no claim and crashes on a
 * large token). The order: size, shape, strict base64url, header JSON
 * (duplicate members refused), alg exactly ES256, typ, forbidden header
 * members, kid looked up in the keyring only, payload JSON, the ES256
 * signature verified with EVP, then the claims. Every refusal is one stable
 * rule name; one table maps it to the HTTP answer. */
#ifndef EDGE_TOKEN_VALIDATE_H
#define EDGE_TOKEN_VALIDATE_H

#include "base/err.h"
#include "auth/keyring.h"
#include "net/peer.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define TOKEN_MAX_LEN 8192 /* bytes of a compact JWS we agree to look at */
#define TOKEN_SKEW 30      /* default seconds of clock skew allowed on exp, nbf and iat */
#define TOKEN_SKEW_MAX 300 /* the most a resource server may configure */
#define TOKEN_SCOPE_MAX 1024
#define TOKEN_JTI_MAX 128
#define TOKEN_LIFETIME_MAX 86400 /* seconds from iat to exp: bearer tokens cannot be revoked */

/* The EEC authorization methods an EES uses, as the ECS is configured with them per EES
 * (TS 33.558 6.2): "token" or "local"; NULL-ended, for js_field.choices. */
extern const char *const token_authz_methods[];

/* Which token a call expects: who the client is decides what client_id is
 * compared with. */
enum token_profile {
    TOKEN_PROFILE_EEC = 1, /* EEC -> EES (EDGE-1): client_id = peer's EEC ID */
    TOKEN_PROFILE_EES = 2, /* S-EES -> T-EES (EDGE-9): client_id = sub = peer's FQDN */
};

enum token_rule {
    TOKEN_OK = 0,
    TOKEN_MISSING,            /* no token in the request */
    TOKEN_TOO_LARGE,          /* more than TOKEN_MAX_LEN bytes */
    TOKEN_MALFORMED,          /* not three segments, or a segment not a JSON object */
    TOKEN_BAD_BASE64,         /* a segment is not canonical base64url */
    TOKEN_DUPLICATE_KEY,      /* a JSON member appears twice (header or claims) */
    TOKEN_ALG_NOT_ALLOWED,    /* alg is not exactly "ES256" */
    TOKEN_TYP_NOT_ALLOWED,    /* typ present and not "JWT" */
    TOKEN_HEADER_FORBIDDEN,   /* crit, jku, x5u, jwk, x5c */
    TOKEN_KID_MISSING,        /* no kid (string) in the header */
    TOKEN_KID_UNKNOWN,        /* kid names no key in the keyring */
    TOKEN_BAD_SIGNATURE,      /* ES256 signature does not verify */
    TOKEN_CLAIM_MISSING,      /* a required claim is absent */
    TOKEN_CLAIM_TYPE,         /* a claim has the wrong JSON type or syntax */
    TOKEN_ISS_UNTRUSTED,      /* iss not trusted, or the key is another issuer's */
    TOKEN_AUD_MISMATCH,       /* aud does not name this EES */
    TOKEN_EXPIRED,            /* exp passed (beyond the skew) */
    TOKEN_NOT_YET_VALID,      /* nbf in the future (beyond the skew) */
    TOKEN_IAT_IN_FUTURE,      /* iat in the future (beyond the skew) */
    TOKEN_LIFETIME_TOO_LONG,  /* exp more than TOKEN_LIFETIME_MAX after iat */
    TOKEN_CLIENT_MISMATCH,    /* client_id is not the authenticated TLS peer */
    TOKEN_SUB_MISMATCH,       /* sub is not the GPSI sent / the peer's identity */
    TOKEN_SCOPE_INSUFFICIENT, /* scope does not cover the request (403) */
    TOKEN_REPLAYED,           /* jti already used, single-use policy */
    TOKEN_REPLAY_FULL,        /* replay cache full: refused rather than forgotten */
    TOKEN_INTERNAL,           /* bad call or out of memory (500) */
    TOKEN_RULE_COUNT
};

/* Seen-jti cache for the single-use policy; NULL in a check means tokens are
 * reusable until exp (the default). Entries live until exp plus the check's skew. */
struct token_replay;
struct token_replay *token_replay_new(size_t max_entries);
void token_replay_free(struct token_replay *rc);
size_t token_replay_count(const struct token_replay *rc);

/* What the resource server expects of this request. */
struct token_check {
    enum token_profile profile;
    const char *aud;              /* this EES's FQDN */
    const char *scope;            /* required scope(s), space-separated; NULL: none */
    const struct keyring *keys;   /* verification keys, by issuer and kid */
    const char *const *trusted;   /* NULL-terminated trusted issuers; NULL: all of keys */
    const struct edge_peer *peer; /* the authenticated TLS client */
    const char *gpsi;             /* GPSI sent with the request, or NULL */
    struct token_replay *replay;  /* single-use policy, or NULL */
    int64_t now;                  /* seconds since the epoch (injected for tests) */
    int skew;                     /* clock skew allowed, 1..TOKEN_SKEW_MAX s; 0: TOKEN_SKEW */
};

struct token_verdict {
    enum token_rule rule;
    char sentence[EDGE_ERR_LEN]; /* printable ASCII, no quote or backslash */
    json_t *header;              /* decoded header, or NULL (owned) */
    json_t *claims;              /* decoded claims, or NULL (owned): for the log */
};

/* Check token (NUL-terminated, as from "Authorization: Bearer"). Fills v
 * (clear it with token_verdict_clear) and returns v->rule. */
enum token_rule token_validate(const char *token, const struct token_check *chk,
                               struct token_verdict *v);
void token_verdict_clear(struct token_verdict *v);

/* The stable name ("token.expired"), the HTTP status (200, 401, 403, 500,
 * 503) and the RFC 6750 error code ("invalid_token", "insufficient_scope",
 * or NULL when none is sent) of a rule. */
const char *token_rule_name(enum token_rule r);
int token_rule_status(enum token_rule r);
const char *token_rule_error(enum token_rule r);
/* The WWW-Authenticate value for a refusal (RFC 6750 3), e.g.
 * Bearer error="invalid_token", error_description="token expired ...".
 * Returns 0, or -1 when the rule carries no challenge or buf is too small. */
int token_www_authenticate(const struct token_verdict *v, const char *required_scope, char *buf,
                           size_t len);

/* Scope strings (TS 29.510 AccessTokenReq: ^([a-zA-Z0-9_:-]+)( [a-zA-Z0-9_:-]+)*$). */
int token_scope_ok(const char *scope);
/* 1 when every name of required is among the names of granted (NULL granted:
 * nothing granted; NULL required: nothing required). */
int token_scope_covers(const char *granted, const char *required);

#endif
