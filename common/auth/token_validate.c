/* token_validate.c -- the resource server's access token check (TS 33.558 6.2, TR 33.739 6.27;
 * RFC 7519 7.2, RFC 7515 5.2, RFC 8725 3, RFC 6750 3). */
#include "auth/token_validate.h"
#include "base/b64url.h"
#include "base/json_strict.h"
#include "base/sizes.h"
#include "base/strmap.h"

#include <openssl/crypto.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *const token_authz_methods[] = {"token", "local", NULL};

/* One table: rule -> stable name, HTTP status, RFC 6750 error code.
 * A request without any token gets a bare challenge (RFC 6750 3.1: no error
 * code when no authentication was attempted). */
static const struct {
    const char *name;
    int status;
    const char *error;
} token_rules[TOKEN_RULE_COUNT] = {
    [TOKEN_OK] = {"token.ok", 200, NULL},
    [TOKEN_MISSING] = {"token.missing", 401, NULL},
    [TOKEN_TOO_LARGE] = {"token.too_large", 401, "invalid_token"},
    [TOKEN_MALFORMED] = {"token.malformed", 401, "invalid_token"},
    [TOKEN_BAD_BASE64] = {"token.bad_base64", 401, "invalid_token"},
    [TOKEN_DUPLICATE_KEY] = {"token.duplicate_key", 401, "invalid_token"},
    [TOKEN_ALG_NOT_ALLOWED] = {"token.alg_not_allowed", 401, "invalid_token"},
    [TOKEN_TYP_NOT_ALLOWED] = {"token.typ_not_allowed", 401, "invalid_token"},
    [TOKEN_HEADER_FORBIDDEN] = {"token.header_forbidden", 401, "invalid_token"},
    [TOKEN_KID_MISSING] = {"token.kid_missing", 401, "invalid_token"},
    [TOKEN_KID_UNKNOWN] = {"token.kid_unknown", 401, "invalid_token"},
    [TOKEN_BAD_SIGNATURE] = {"token.bad_signature", 401, "invalid_token"},
    [TOKEN_CLAIM_MISSING] = {"token.claim_missing", 401, "invalid_token"},
    [TOKEN_CLAIM_TYPE] = {"token.claim_type", 401, "invalid_token"},
    [TOKEN_ISS_UNTRUSTED] = {"token.iss_untrusted", 401, "invalid_token"},
    [TOKEN_AUD_MISMATCH] = {"token.aud_mismatch", 401, "invalid_token"},
    [TOKEN_EXPIRED] = {"token.expired", 401, "invalid_token"},
    [TOKEN_NOT_YET_VALID] = {"token.not_yet_valid", 401, "invalid_token"},
    [TOKEN_IAT_IN_FUTURE] = {"token.iat_in_future", 401, "invalid_token"},
    [TOKEN_LIFETIME_TOO_LONG] = {"token.lifetime_too_long", 401, "invalid_token"},
    [TOKEN_CLIENT_MISMATCH] = {"token.client_mismatch", 401, "invalid_token"},
    [TOKEN_SUB_MISMATCH] = {"token.sub_mismatch", 401, "invalid_token"},
    [TOKEN_SCOPE_INSUFFICIENT] = {"token.scope_insufficient", 403, "insufficient_scope"},
    [TOKEN_REPLAYED] = {"token.replayed", 401, "invalid_token"},
    [TOKEN_REPLAY_FULL] = {"token.replay_cache_full", 503, NULL},
    [TOKEN_INTERNAL] = {"token.internal", 500, NULL},
};

/* Members that would make the token name its own key or its own rules
 * (RFC 8725 3.10, RFC 7515 4.1.11: an unknown crit must be refused, and
 * edgesim understands no extension). */
static const char *const token_forbidden[] = {"crit", "jku", "x5u", "jwk", "x5c"};

const char *
token_rule_name(enum token_rule r)
{
    return (unsigned)r < TOKEN_RULE_COUNT ? token_rules[r].name : "token.internal";
}

int
token_rule_status(enum token_rule r)
{
    return (unsigned)r < TOKEN_RULE_COUNT ? token_rules[r].status : 500;
}

const char *
token_rule_error(enum token_rule r)
{
    return (unsigned)r < TOKEN_RULE_COUNT ? token_rules[r].error : NULL;
}

/* ---- the replay cache (single-use policy) ---- */

/* A key: the decimal length of iss, ':', iss, then jti. The length makes the pair unambiguous
 * whatever characters the two hold ("ab" + "c" and "a" + "bc" differ), and a jti is unique per
 * issuer only (RFC 7519 4.1.7). iss is a keyring issuer (token_check_key), jti at most
 * TOKEN_JTI_MAX (token_check_claims). */
#define TOKEN_REPLAY_KEY_MAX (4 + EDGE_FQDN_MAX + TOKEN_JTI_MAX)

/* The (iss, jti) pairs seen (base/strmap), each to the time its entry expires (a malloc'd int64_t);
 * max bounds how many, live or expired. */
struct token_replay {
    struct strmap *seen;
    size_t max;
};

struct token_replay *
token_replay_new(size_t max_entries)
{
    struct token_replay *rc = calloc(1, sizeof(*rc));

    if (rc == NULL || max_entries == 0 || (rc->seen = strmap_new()) == NULL) {
        free(rc);
        return NULL;
    }
    rc->max = max_entries;
    return rc;
}

void
token_replay_free(struct token_replay *rc)
{
    if (rc == NULL)
        return;
    strmap_free(rc->seen, free);
    free(rc);
}

size_t
token_replay_count(const struct token_replay *rc)
{
    return strmap_count(rc->seen);
}

static int
token_replay_key(const char *iss, const char *jti, char key[TOKEN_REPLAY_KEY_MAX])
{
    size_t il = strlen(iss), jl = strlen(jti);
    int n;

    if (il >= EDGE_FQDN_MAX || jl > TOKEN_JTI_MAX)
        return -1;
    /* il < EDGE_FQDN_MAX: three digits at most, written by hand (snprintf took a third of a
     * lookup's time) */
    n = 0;
    if (il >= 100)
        key[n++] = (char)('0' + il / 100);
    if (il >= 10)
        key[n++] = (char)('0' + il / 10 % 10);
    key[n++] = (char)('0' + il % 10);
    key[n++] = ':';
    // NOLINTNEXTLINE(bugprone-not-null-terminated-result): jti and its NUL follow
    memcpy(key + n, iss, il);
    memcpy(key + n + il, jti, jl + 1);
    return 0;
}

static int
token_replay_expired(const char *key, void *expires, void *now)
{
    (void)key;
    return *(const int64_t *)expires <= *(const int64_t *)now;
}

/* TOKEN_OK and remembered, TOKEN_REPLAYED, or TOKEN_REPLAY_FULL: when full
 * of live entries the token is refused, since forgetting one would let it
 * be replayed. */
static enum token_rule
token_replay_use(struct token_replay *rc, const char *iss, const char *jti, int64_t expires,
                 int64_t now)
{
    char key[TOKEN_REPLAY_KEY_MAX];
    int64_t *e;

    if (token_replay_key(iss, jti, key) < 0)
        return TOKEN_INTERNAL;
    if ((e = strmap_get(rc->seen, key)) != NULL) {
        if (*e > now)
            return TOKEN_REPLAYED;
        *e = expires; /* the pair's entry had expired: it is the entry of this token now */
        return TOKEN_OK;
    }
    if (strmap_count(rc->seen) >= rc->max)
        strmap_prune(rc->seen, token_replay_expired, &now, free);
    if (strmap_count(rc->seen) >= rc->max)
        return TOKEN_REPLAY_FULL;
    if ((e = malloc(sizeof(*e))) == NULL)
        return TOKEN_INTERNAL;
    *e = expires;
    if (strmap_put(rc->seen, key, e, NULL) != 1) {
        free(e);
        return TOKEN_INTERNAL;
    }
    return TOKEN_OK;
}

/* ---- scopes ---- */

static int
token_scope_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == ':' || c == '-';
}

int
token_scope_ok(const char *scope)
{
    size_t n;

    if (scope == NULL || !token_scope_char(scope[0]))
        return 0;
    for (n = 0; scope[n] != '\0'; n++) {
        if (n >= TOKEN_SCOPE_MAX)
            return 0;
        if (scope[n] == ' ') {
            if (!token_scope_char(scope[n + 1]))
                return 0; /* double, leading or trailing space */
        } else if (!token_scope_char(scope[n])) {
            return 0;
        }
    }
    return 1;
}

static int
token_scope_has(const char *granted, const char *name, size_t nlen)
{
    const char *p = granted;

    while (*p != '\0') {
        size_t l = strcspn(p, " ");
        if (l == nlen && memcmp(p, name, nlen) == 0)
            return 1;
        p += l;
        if (*p == ' ')
            p++;
    }
    return 0;
}

int
token_scope_covers(const char *granted, const char *required)
{
    const char *p = required;

    if (required == NULL)
        return 1;
    if (granted == NULL)
        return required[0] == '\0';
    while (*p != '\0') {
        size_t l = strcspn(p, " ");
        if (l > 0 && !token_scope_has(granted, p, l))
            return 0;
        p += l;
        if (*p == ' ')
            p++;
    }
    return 1;
}

/* ---- verdicts ---- */

/* Sentences go into a header value and a log line: keep them printable and
 * free of the quote and backslash that would end the quoted-string. */
static void
token_sanitize(char *s)
{
    for (; *s != '\0'; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e || *s == '"' || *s == '\\')
            *s = '\'';
}

__attribute__((format(printf, 3, 4))) static enum token_rule
token_refuse(struct token_verdict *v, enum token_rule r, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    // NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): va_start is the line above
    vsnprintf(v->sentence, sizeof(v->sentence), fmt, ap);
    va_end(ap);
    token_sanitize(v->sentence);
    v->rule = r;
    return r;
}

static const char *
token_time(int64_t t, char buf[32])
{
    time_t tt = (time_t)t;
    struct tm tm;

    if (gmtime_r(&tt, &tm) == NULL || strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(buf, 32, "%lld", (long long)t);
    return buf;
}

void
token_verdict_clear(struct token_verdict *v)
{
    json_decref(v->header);
    json_decref(v->claims);
    v->header = v->claims = NULL;
}

int
token_www_authenticate(const struct token_verdict *v, const char *required_scope, char *buf,
                       size_t len)
{
    const char *error = token_rule_error(v->rule);
    char desc[EDGE_ERR_LEN];
    int n;

    if (token_rule_status(v->rule) != 401 && token_rule_status(v->rule) != 403)
        return -1;
    if (error == NULL) {
        n = snprintf(buf, len, "Bearer");
    } else {
        snprintf(desc, sizeof(desc), "%s", v->sentence);
        token_sanitize(desc);
        n = snprintf(buf, len, "Bearer error=\"%s\", error_description=\"%s\"", error, desc);
        /* RFC 6750 3: the scope the request needs, so a client can ask for it. */
        if (n >= 0 && (size_t)n < len && v->rule == TOKEN_SCOPE_INSUFFICIENT &&
            token_scope_ok(required_scope))
            n += snprintf(buf + n, len - (size_t)n, ", scope=\"%s\"", required_scope);
    }
    return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* ---- the check ---- */

/* Parse one decoded segment as a JSON object, duplicate members refused. */
static enum token_rule
token_json(struct token_verdict *v, const uint8_t *buf, size_t len, const char *what, json_t **out)
{
    json_error_t jerr;
    json_t *j = json_loadb((const char *)buf, len, JSON_REJECT_DUPLICATES, &jerr);

    *out = NULL;
    if (j == NULL) {
        if (json_error_code(&jerr) == json_error_duplicate_key)
            return token_refuse(v, TOKEN_DUPLICATE_KEY, "%s: %.120s", what, jerr.text);
        return token_refuse(v, TOKEN_MALFORMED, "%s is not JSON: %.120s", what, jerr.text);
    }
    if (!json_is_object(j)) {
        json_decref(j);
        return token_refuse(v, TOKEN_MALFORMED, "%s is not a JSON object", what);
    }
    *out = j;
    return TOKEN_OK;
}

static enum token_rule
token_check_header(struct token_verdict *v, const struct token_check *chk, const char **kid_out)
{
    json_t *h = v->header, *alg = json_object_get(h, "alg"), *typ = json_object_get(h, "typ");
    json_t *kid = json_object_get(h, "kid");

    /* Exactly, case-sensitively: libjwt would take "none", "NoNe" or "HS256". */
    if (!json_is_string(alg) || strcmp(json_string_value(alg), "ES256") != 0)
        return token_refuse(v, TOKEN_ALG_NOT_ALLOWED, "alg %.32s is not ES256",
                            json_is_string(alg) ? json_string_value(alg) : "(absent)");
    if (typ != NULL && (!json_is_string(typ) || strcmp(json_string_value(typ), "JWT") != 0))
        return token_refuse(v, TOKEN_TYP_NOT_ALLOWED, "typ %.32s is not JWT",
                            json_is_string(typ) ? json_string_value(typ) : "(not a string)");
    for (size_t i = 0; i < sizeof(token_forbidden) / sizeof(token_forbidden[0]); i++)
        if (json_object_get(h, token_forbidden[i]) != NULL)
            return token_refuse(v, TOKEN_HEADER_FORBIDDEN, "header member %s is not accepted",
                                token_forbidden[i]);
    (void)chk;
    if (!json_is_string(kid) || json_string_length(kid) == 0)
        return token_refuse(v, TOKEN_KID_MISSING, "no kid in the header");
    *kid_out = json_string_value(kid);
    return TOKEN_OK;
}

static int token_trusted(const struct token_check *chk, const char *iss);

/* The issuer before any key: a token of an issuer this EES does not trust is refused as such,
 * whether or not one of its kids happens to name a key here, and never makes the EES look for
 * keys (a JWKS reload) on its behalf (TS 33.501 13.4.1.1.2: iss is an allowed issuer). */
static enum token_rule
token_check_issuer(struct token_verdict *v, const struct token_check *chk, const char **iss_out)
{
    json_t *iss = json_object_get(v->claims, "iss");

    if (iss == NULL)
        return token_refuse(v, TOKEN_CLAIM_MISSING, "claim iss is missing");
    if (!json_is_string(iss) || json_string_length(iss) == 0)
        return token_refuse(v, TOKEN_CLAIM_TYPE, "claim iss is not a non-empty string");
    if (!token_trusted(chk, json_string_value(iss)))
        return token_refuse(v, TOKEN_ISS_UNTRUSTED, "issuer %.64s is not trusted",
                            json_string_value(iss));
    *iss_out = json_string_value(iss);
    return TOKEN_OK;
}

/* The key (iss, kid): only the named issuer's keys are looked at, so a kid that another issuer
 * also uses cannot pick that issuer's key. */
static enum token_rule
token_check_key(struct token_verdict *v, const struct token_check *chk, const char *iss,
                const char *kid)
{
    const char *cand;

    if (iss == NULL) /* token_check_issuer set it; this keeps strcmp off NULL */
        return token_refuse(v, TOKEN_CLAIM_MISSING, "claim iss is missing");
    if (keyring_kid_ok(kid))
        for (size_t n = 0; (cand = keyring_kid_issuer(chk->keys, kid, n)) != NULL; n++)
            if (strcmp(cand, iss) == 0)
                return TOKEN_OK;
    return token_refuse(v, TOKEN_KID_UNKNOWN, "kid %.64s names no key of %.64s", kid, iss);
}

static enum token_rule
token_check_signature(struct token_verdict *v, const struct token_check *chk, const char *iss,
                      const char *kid, const char *input, size_t input_len, const uint8_t *sig,
                      size_t sig_len)
{
    if (sig_len != KEYRING_SIG_LEN)
        return token_refuse(v, TOKEN_BAD_SIGNATURE, "ES256 signature is %zu bytes, not %d", sig_len,
                            KEYRING_SIG_LEN);
    if (keyring_verify_es256(chk->keys, iss, kid, (const uint8_t *)input, input_len, sig,
                             sig_len) == 1)
        return TOKEN_OK;
    return token_refuse(v, TOKEN_BAD_SIGNATURE,
                        "ES256 signature does not verify with key %.64s of %.64s", kid, iss);
}

/* A string claim: TOKEN_OK with *out set, *out NULL when absent and not
 * required, or a refusal. */
static enum token_rule
token_claim_str(struct token_verdict *v, const char *name, int required, const char **out)
{
    json_t *c = json_object_get(v->claims, name);

    *out = NULL;
    if (c == NULL)
        return required ? token_refuse(v, TOKEN_CLAIM_MISSING, "claim %s is missing", name)
                        : TOKEN_OK;
    if (!json_is_string(c) || json_string_length(c) == 0)
        return token_refuse(v, TOKEN_CLAIM_TYPE, "claim %s is not a non-empty string", name);
    *out = json_string_value(c);
    return TOKEN_OK;
}

/* A NumericDate: a JSON integer (RFC 7519 2 allows fractions; edgesim
 * issues integers and refuses the rest, as jwt_get_grant_int would read a
 * string or a float as 0). */
static enum token_rule
token_claim_time(struct token_verdict *v, const char *name, int required, int *present,
                 int64_t *out)
{
    json_t *c = json_object_get(v->claims, name);

    *present = 0;
    if (c == NULL)
        return required ? token_refuse(v, TOKEN_CLAIM_MISSING, "claim %s is missing", name)
                        : TOKEN_OK;
    if (!json_is_integer(c))
        return token_refuse(v, TOKEN_CLAIM_TYPE, "claim %s is not a JSON integer", name);
    *present = 1;
    *out = (int64_t)json_integer_value(c);
    return TOKEN_OK;
}

static enum token_rule
token_check_aud(struct token_verdict *v, const char *want)
{
    json_t *aud = json_object_get(v->claims, "aud"), *e;
    size_t i;

    if (aud == NULL)
        return token_refuse(v, TOKEN_CLAIM_MISSING, "claim aud is missing");
    if (json_is_string(aud)) {
        if (strcmp(json_string_value(aud), want) == 0)
            return TOKEN_OK;
        return token_refuse(v, TOKEN_AUD_MISMATCH, "aud %.64s is not %.64s", json_string_value(aud),
                            want);
    }
    if (!json_is_array(aud))
        return token_refuse(v, TOKEN_CLAIM_TYPE, "claim aud is neither a string nor an array");
    json_array_foreach(aud, i, e)
    {
        if (!json_is_string(e))
            return token_refuse(v, TOKEN_CLAIM_TYPE, "aud[%zu] is not a string", i);
    }
    json_array_foreach(aud, i, e)
    {
        if (strcmp(json_string_value(e), want) == 0)
            return TOKEN_OK;
    }
    return token_refuse(v, TOKEN_AUD_MISMATCH, "aud (%zu names) does not name %.64s",
                        json_array_size(aud), want);
}

/* The clock skew of a check (RFC 7519 4.1.4: "some small leeway"), configured per resource
 * server; TOKEN_SKEW when it says none. */
static int
token_skew(const struct token_check *chk)
{
    return chk->skew > 0 && chk->skew <= TOKEN_SKEW_MAX ? chk->skew : TOKEN_SKEW;
}

static enum token_rule
token_check_times(struct token_verdict *v, int64_t now, int skew, int64_t *exp_out)
{
    int64_t exp = 0, nbf = 0, iat = 0;
    int has_exp, has_nbf, has_iat; /* exp and iat are required: has_* only for nbf */
    char a[32], b[32];
    enum token_rule r;

    if ((r = token_claim_time(v, "exp", 1, &has_exp, &exp)) != TOKEN_OK ||
        (r = token_claim_time(v, "nbf", 0, &has_nbf, &nbf)) != TOKEN_OK ||
        (r = token_claim_time(v, "iat", 1, &has_iat, &iat)) != TOKEN_OK)
        return r;
    /* Written as subtractions from now, which is sane, so that a hostile
     * exp near INT64_MAX cannot overflow. */
    if (exp <= now - skew)
        return token_refuse(v, TOKEN_EXPIRED, "token expired at %s (now %s, skew %d s)",
                            token_time(exp, a), token_time(now, b), skew);
    if (has_nbf && nbf > now + skew)
        return token_refuse(v, TOKEN_NOT_YET_VALID, "token not valid before %s (now %s)",
                            token_time(nbf, a), token_time(now, b));
    if (iat > now + skew)
        return token_refuse(v, TOKEN_IAT_IN_FUTURE, "token issued in the future, at %s (now %s)",
                            token_time(iat, a), token_time(now, b));
    /* No ECS issues a longer token; the bound also keeps every replay
     * cache entry finite. iat <= now + skew here, so the sum cannot overflow. */
    if (exp > iat + TOKEN_LIFETIME_MAX)
        return token_refuse(v, TOKEN_LIFETIME_TOO_LONG, "token lives from %s to %s, more than %d s",
                            token_time(iat, a), token_time(exp, b), TOKEN_LIFETIME_MAX);
    *exp_out = exp;
    return TOKEN_OK;
}

/* client_id (and sub) against what the TLS handshake proved (RFC 8705 3:
 * the token is bound to the client that authenticated). */
static enum token_rule
token_check_client(struct token_verdict *v, const struct token_check *chk)
{
    const struct edge_peer *p = chk->peer;
    const char *client_id, *sub, *want;
    enum token_rule r;

    if ((r = token_claim_str(v, "client_id", 1, &client_id)) != TOKEN_OK ||
        (r = token_claim_str(v, "sub", chk->profile == TOKEN_PROFILE_EES, &sub)) != TOKEN_OK)
        return r;
    if (client_id == NULL) /* token_claim_str refuses a missing one; this keeps strcmp off NULL */
        return token_refuse(v, TOKEN_CLAIM_MISSING, "claim client_id is missing");
    if (p == NULL || p->mode == EDGE_PEER_NONE)
        return token_refuse(v, TOKEN_CLIENT_MISMATCH, "no authenticated TLS client");
    want = chk->profile == TOKEN_PROFILE_EEC ? p->eec_id : p->fqdn;
    if (want[0] == '\0')
        return token_refuse(v, TOKEN_CLIENT_MISMATCH, "TLS client has no authenticated %s",
                            chk->profile == TOKEN_PROFILE_EEC ? "EEC ID" : "FQDN");
    if (strcmp(client_id, want) != 0)
        return token_refuse(v, TOKEN_CLIENT_MISMATCH, "client_id %.64s is not the TLS client %.64s",
                            client_id, want);
    if (chk->profile == TOKEN_PROFILE_EES) {
        /* TR 33.739 6.27: sub and client_id both name the S-EES (sub is required here). */
        if (sub == NULL || strcmp(sub, want) != 0)
            return token_refuse(v, TOKEN_SUB_MISMATCH, "sub %.64s is not the TLS client %.64s", sub,
                                want);
        if ((r = token_claim_str(v, "eec_id", 0, &sub)) != TOKEN_OK)
            return r;
        return TOKEN_OK;
    }
    /* TS 33.558 6.2: sub is the GPSI, present only when authenticated: a token that carries one
     * serves only a client whose credential binds that same GPSI. */
    if (sub != NULL && (p->gpsi[0] == '\0' || strcmp(sub, p->gpsi) != 0))
        return token_refuse(v, TOKEN_SUB_MISMATCH,
                            "sub %.64s is not a GPSI bound to the TLS client's credential", sub);
    if (chk->gpsi != NULL && sub == NULL)
        return token_refuse(v, TOKEN_SUB_MISMATCH, "request names GPSI %.64s, token has no sub",
                            chk->gpsi);
    if (chk->gpsi != NULL && strcmp(sub, chk->gpsi) != 0)
        return token_refuse(v, TOKEN_SUB_MISMATCH, "sub %.64s is not the GPSI sent %.64s", sub,
                            chk->gpsi);
    return TOKEN_OK;
}

static int
token_trusted(const struct token_check *chk, const char *iss)
{
    if (iss == NULL)
        return 0;
    if (chk->trusted == NULL)
        return keyring_has_issuer(chk->keys, iss);
    for (const char *const *t = chk->trusted; *t != NULL; t++)
        if (strcmp(*t, iss) == 0)
            return 1;
    return 0;
}

/* authn_ecs (edgesim's claim, README "edgesim extensions"): the ECS that authenticated the
 * client, an FQDN when present. */
static enum token_rule
token_check_authn_ecs(struct token_verdict *v)
{
    const char *a;
    char why[EDGE_ERR_LEN];
    enum token_rule r;

    if ((r = token_claim_str(v, "authn_ecs", 0, &a)) != TOKEN_OK)
        return r;
    if (a != NULL && js_valid_fqdn(a, why) < 0)
        return token_refuse(v, TOKEN_CLAIM_TYPE, "claim authn_ecs is not an ECS FQDN");
    return TOKEN_OK;
}

/* The claims after the issuer and the signature (token_check_issuer, token_check_signature). */
static enum token_rule
token_check_claims(struct token_verdict *v, const struct token_check *chk, const char *iss)
{
    const char *jti, *scope;
    int64_t exp = 0;
    enum token_rule r;

    if ((r = token_check_aud(v, chk->aud)) != TOKEN_OK ||
        (r = token_check_times(v, chk->now, token_skew(chk), &exp)) != TOKEN_OK)
        return r;
    if ((r = token_claim_str(v, "jti", 1, &jti)) != TOKEN_OK)
        return r;
    if (jti == NULL || iss == NULL) /* refused above already; keeps strlen and the cache off NULL */
        return token_refuse(v, TOKEN_CLAIM_MISSING, "claim jti or iss is missing");
    if (strlen(jti) > TOKEN_JTI_MAX)
        return token_refuse(v, TOKEN_CLAIM_TYPE, "claim jti is longer than %d", TOKEN_JTI_MAX);
    if ((r = token_check_client(v, chk)) != TOKEN_OK || (r = token_check_authn_ecs(v)) != TOKEN_OK)
        return r;
    if ((r = token_claim_str(v, "scope", 1, &scope)) != TOKEN_OK)
        return r;
    if (!token_scope_ok(scope))
        return token_refuse(v, TOKEN_CLAIM_TYPE, "claim scope is not a list of scope names");
    if (chk->scope != NULL && !token_scope_covers(scope, chk->scope))
        return token_refuse(v, TOKEN_SCOPE_INSUFFICIENT, "scope %.80s does not cover %.80s", scope,
                            chk->scope);
    /* Last, so that only tokens that pass every other rule are remembered. */
    if (chk->replay != NULL) {
        r = token_replay_use(chk->replay, iss, jti, exp + token_skew(chk), chk->now);
        if (r == TOKEN_REPLAYED)
            return token_refuse(v, r, "jti %.64s of %.64s was already used", jti, iss);
        if (r == TOKEN_REPLAY_FULL)
            return token_refuse(v, r, "replay cache full of unexpired tokens");
        if (r != TOKEN_OK)
            return token_refuse(v, r, "out of memory");
    }
    return token_refuse(v, TOKEN_OK, "token of %.64s for %.64s, client %.64s, jti %.64s", iss,
                        chk->aud, json_string_value(json_object_get(v->claims, "client_id")), jti);
}

enum token_rule
token_validate(const char *token, const struct token_check *chk, struct token_verdict *v)
{
    /* Segments decode to at most 3/4 of TOKEN_MAX_LEN: fixed buffers, and
     * the size check below runs before anything is decoded. */
    uint8_t hbuf[TOKEN_MAX_LEN], pbuf[TOKEN_MAX_LEN], sbuf[TOKEN_MAX_LEN];
    size_t len, hlen, plen, slen;
    const char *d1, *d2, *kid = NULL, *iss = NULL;
    enum token_rule r;

    memset(v, 0, sizeof(*v));
    if (chk == NULL || chk->keys == NULL || chk->aud == NULL || chk->aud[0] == '\0' ||
        (chk->profile != TOKEN_PROFILE_EEC && chk->profile != TOKEN_PROFILE_EES) ||
        (chk->scope != NULL && !token_scope_ok(chk->scope)))
        return token_refuse(v, TOKEN_INTERNAL,
                            "token check called without audience, keys, "
                            "profile or with a bad required scope");
    if (token == NULL || token[0] == '\0')
        return token_refuse(v, TOKEN_MISSING, "no access token");
    len = strnlen(token, TOKEN_MAX_LEN + 1);
    if (len > TOKEN_MAX_LEN)
        return token_refuse(v, TOKEN_TOO_LARGE, "token longer than %d bytes", TOKEN_MAX_LEN);
    /* Compact serialization: exactly header.payload.signature (RFC 7515 7.1). */
    d1 = memchr(token, '.', len);
    d2 = d1 ? memchr(d1 + 1, '.', len - (size_t)(d1 + 1 - token)) : NULL;
    if (d2 == NULL || memchr(d2 + 1, '.', len - (size_t)(d2 + 1 - token)) != NULL)
        return token_refuse(v, TOKEN_MALFORMED, "not three dot-separated segments");
    if (d1 == token || d2 == d1 + 1)
        return token_refuse(v, TOKEN_MALFORMED, "empty header or payload segment");
    if (b64url_decode(token, (size_t)(d1 - token), hbuf, &hlen) < 0 ||
        b64url_decode(d1 + 1, (size_t)(d2 - d1 - 1), pbuf, &plen) < 0 ||
        b64url_decode(d2 + 1, len - (size_t)(d2 + 1 - token), sbuf, &slen) < 0) {
        r = token_refuse(v, TOKEN_BAD_BASE64, "a segment is not canonical base64url");
        goto done;
    }
    if ((r = token_json(v, hbuf, hlen, "header", &v->header)) != TOKEN_OK ||
        (r = token_check_header(v, chk, &kid)) != TOKEN_OK ||
        (r = token_json(v, pbuf, plen, "claims", &v->claims)) != TOKEN_OK ||
        (r = token_check_issuer(v, chk, &iss)) != TOKEN_OK ||
        (r = token_check_key(v, chk, iss, kid)) != TOKEN_OK ||
        (r = token_check_signature(v, chk, iss, kid, token, (size_t)(d2 - token), sbuf, slen)) !=
            TOKEN_OK)
        goto done;
    r = token_check_claims(v, chk, iss);
done:
    OPENSSL_cleanse(pbuf, sizeof(pbuf));
    return r;
}
