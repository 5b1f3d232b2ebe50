/* fuzz_token.c -- fuzz target of token_validate() (TS 33.558 6.2, TR 33.739 6.27), the check every
 * EES runs on a bearer token from the network.
 *
 * An input is either a raw token string (its bytes up to the first NUL are what the validator
 * sees), or "@sign:K[:HLEN]\n" followed by header and claims bytes, which are base64url-encoded
 * as given and signed ES256 with fresh key K, so that JSON-level variations reach the claim
 * checks. Each input is validated under three checks (EEC with GPSI, EEC without, S-EES). The
 * oracle: no crash, a rule that is a valid enum with a name and a matching HTTP status, a
 * printable sentence; a raw token is accepted only if its signed part is one of the tokens the
 * ECS issued here, and a signed variation is accepted exactly when an independent reading of
 * DESIGN.md's token profile and token_validate.h (written below, not from token_validate.c) accepts
 * it. */
#include "fuzz.h"

#include "auth/token_issue.h"
#include "auth/token_validate.h"
#include "base/json_strict.h"

#include <openssl/bn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NCHECKS 3
#define NBASE 4

static const struct edge_peer eec_peer = {EDGE_PEER_CERT, "", FZ_EEC_ID, FZ_GPSI, "", ""};
static const struct edge_peer eec_peer_nogpsi = {EDGE_PEER_CERT, "", FZ_EEC_ID, "", "", ""};
static const struct edge_peer sees_peer = {EDGE_PEER_CERT, FZ_EES1, "", "", "", ""};
static const char *const trusted[] = {FZ_ECS1, NULL};
static struct token_check checks[NCHECKS];

/* Tokens issued by token_issue.c at set-up: 0 EEC, 1 S-EES (with eec_id), 2 S-EES without
 * eec_id, 3 an EEC token of ECS2 (not trusted). */
static char *base[NBASE];
static int base_key[NBASE];

static const char *const header_names[] = {"alg", "typ", "kid", "crit", "jku", "x5u",
                                           "jwk", "x5c", "cty", "zip",  "b64", NULL};
static const char *const claim_names[] = {"iss", "aud", "exp",   "nbf",       "iat",
                                          "jti", "sub", "scope", "client_id", "eec_id",
                                          "cnf", "azp", NULL};
static const char *const values[] = {"ES256",
                                     "es256",
                                     "ES256 ",
                                     "ES384",
                                     "HS256",
                                     "none",
                                     "NoNe",
                                     "JWT",
                                     "jwt",
                                     "at+jwt",
                                     "k1",
                                     "k2",
                                     "k3",
                                     "K1",
                                     "k1 ",
                                     "../k1",
                                     FZ_ECS1,
                                     FZ_ECS2,
                                     "ECS1.edge.test",
                                     FZ_ECS1 ".",
                                     FZ_EES1,
                                     FZ_EES2,
                                     FZ_EEC_ID,
                                     "eec-0002",
                                     FZ_GPSI,
                                     "msisdn-491700000002",
                                     "eees-eecreg",
                                     "eees-appctxtreloc",
                                     "eees-eecreg eees-appctxtreloc",
                                     "eees-appctxtreloc eees-eecreg",
                                     "eees-eecreg  eees-appctxtreloc",
                                     " eees-eecreg",
                                     "eees-eecreg ",
                                     "eees-eecreg\teees-appctxtreloc",
                                     "eees-eecreg,eees-appctxtreloc",
                                     "*",
                                     "jti-0001",
                                     NULL};
/* Pieces a token mutation may splice in: alphabet edges, separators, padding, other alphabets. */
static const char *const token_dict[] = {
    ".", "..", "=",  "==",  "+",   "/", "-",  "_",   "A",       "Q",
    "g", "w",  "AA", "eyJ", "e30", " ", "\t", "%2E", "Bearer ", "\xef\xbb\xbf",
    NULL};

static int
name_ok(const char *s, size_t max)
{
    size_t n = strlen(s);

    if (n == 0 || n > max)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
              (s[i] >= '0' && s[i] <= '9') || s[i] == '.' || s[i] == '_' || s[i] == '-'))
            return 0;
    return 1;
}

/* A non-empty string member (absent: *out NULL and 1; wrong type or empty: 0). */
static int
ref_str(json_t *o, const char *name, const char **out)
{
    json_t *v = json_object_get(o, name);

    *out = NULL;
    if (v == NULL)
        return 1;
    if (!json_is_string(v) || json_string_length(v) == 0)
        return 0;
    *out = json_string_value(v);
    return 1;
}

static int
ref_scope_syntax(const char *s)
{
    size_t n = strlen(s);

    if (n == 0 || n > TOKEN_SCOPE_MAX || s[0] == ' ' || s[n - 1] == ' ' || strstr(s, "  "))
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
              (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == ':' || s[i] == '-' ||
              s[i] == ' '))
            return 0;
    return 1;
}

/* Every space-separated name of need among those of have. */
static int
ref_scope_covers(const char *have, const char *need)
{
    char nb[TOKEN_SCOPE_MAX + 2], hb[TOKEN_SCOPE_MAX + 2];
    char *save1, *save2;

    snprintf(nb, sizeof(nb), "%s", need);
    for (char *w = strtok_r(nb, " ", &save1); w != NULL; w = strtok_r(NULL, " ", &save1)) {
        int found = 0;
        snprintf(hb, sizeof(hb), "%s", have);
        for (char *g = strtok_r(hb, " ", &save2); g != NULL; g = strtok_r(NULL, " ", &save2))
            found |= strcmp(g, w) == 0;
        if (!found)
            return 0;
    }
    return 1;
}

static int
ref_time(json_t *o, const char *name, int required, int *present, long long *out)
{
    json_t *v = json_object_get(o, name);

    *present = v != NULL;
    if (v == NULL)
        return !required;
    if (!json_is_integer(v))
        return 0;
    *out = (long long)json_integer_value(v);
    return 1;
}

/* The token profile of DESIGN.md, read independently: would an EES with check c accept a token
 * whose header and claims are these bytes and that key k signed? why names the first rule. */
static int
ref_accept(size_t token_len, const uint8_t *h, size_t hlen, const uint8_t *p, size_t plen, int k,
           const struct token_check *c, const char **why)
{
    const struct fz_keys *keys = fz_keys();
    static const char *const forbidden[] = {"crit", "jku", "x5u", "jwk", "x5c"};
    json_t *hdr = json_loadb((const char *)h, hlen, JSON_REJECT_DUPLICATES, NULL);
    json_t *cl = json_loadb((const char *)p, plen, JSON_REJECT_DUPLICATES, NULL), *aud, *e;
    const char *alg, *typ, *kid, *iss, *jti, *cid, *sub, *scope, *eec, *want, *authn;
    char whybuf[EDGE_ERR_LEN]; /* authn_ecs is an FQDN by the one host-name rule (json_strict) */
    long long exp = 0, nbf = 0, iat = 0;
    int ok = 0, has, has_nbf;
    size_t i;

    *why = "size";
    if (token_len > TOKEN_MAX_LEN)
        goto done;
    *why = "header JSON";
    if (!json_is_object(hdr))
        goto done;
    *why = "alg";
    if (!ref_str(hdr, "alg", &alg) || alg == NULL || strcmp(alg, "ES256") != 0)
        goto done;
    *why = "typ";
    if (!ref_str(hdr, "typ", &typ) || (json_object_get(hdr, "typ") && strcmp(typ, "JWT") != 0))
        goto done;
    *why = "forbidden header member";
    for (i = 0; i < sizeof(forbidden) / sizeof(forbidden[0]); i++)
        if (json_object_get(hdr, forbidden[i]) != NULL)
            goto done;
    *why = "kid";
    if (!ref_str(hdr, "kid", &kid) || kid == NULL || !name_ok(kid, KEYRING_KID_MAX) ||
        (strcmp(kid, "k1") != 0 && strcmp(kid, "k2") != 0))
        goto done;
    *why = "claims JSON";
    if (!json_is_object(cl))
        goto done;
    *why = "signature (kid names another key)";
    if (strcmp(kid, keys->kid[k]) != 0)
        goto done;
    *why = "iss";
    if (!ref_str(cl, "iss", &iss) || iss == NULL || strcmp(iss, FZ_ECS1) != 0 ||
        strcmp(iss, keys->issuer[k]) != 0)
        goto done;
    *why = "aud";
    aud = json_object_get(cl, "aud");
    if (json_is_string(aud)) {
        if (strcmp(json_string_value(aud), c->aud) != 0)
            goto done;
    } else if (json_is_array(aud)) {
        int found = 0;
        json_array_foreach(aud, i, e)
        {
            if (!json_is_string(e))
                goto done;
            found |= strcmp(json_string_value(e), c->aud) == 0;
        }
        if (!found)
            goto done;
    } else {
        goto done;
    }
    *why = "exp/nbf/iat";
    if (!ref_time(cl, "exp", 1, &has, &exp) || !ref_time(cl, "nbf", 0, &has_nbf, &nbf) ||
        !ref_time(cl, "iat", 1, &has, &iat))
        goto done;
    if (exp < c->now - TOKEN_SKEW + 1 || (has_nbf && nbf > c->now + TOKEN_SKEW) ||
        iat > c->now + TOKEN_SKEW || iat < exp - TOKEN_LIFETIME_MAX)
        goto done;
    *why = "jti";
    if (!ref_str(cl, "jti", &jti) || jti == NULL || strlen(jti) > TOKEN_JTI_MAX)
        goto done;
    *why = "client_id/sub";
    want = c->profile == TOKEN_PROFILE_EEC ? c->peer->eec_id : c->peer->fqdn;
    if (!ref_str(cl, "client_id", &cid) || cid == NULL || strcmp(cid, want) != 0 ||
        !ref_str(cl, "sub", &sub))
        goto done;
    if (c->profile == TOKEN_PROFILE_EES) {
        if (sub == NULL || strcmp(sub, want) != 0 || !ref_str(cl, "eec_id", &eec))
            goto done;
    } else {
        /* A token's sub serves only a client whose credential binds that GPSI. */
        if (sub != NULL && (c->peer->gpsi[0] == '\0' || strcmp(sub, c->peer->gpsi) != 0))
            goto done;
        if (c->gpsi != NULL && (sub == NULL || strcmp(sub, c->gpsi) != 0))
            goto done;
    }
    *why = "authn_ecs";
    if (!ref_str(cl, "authn_ecs", &authn) || (authn != NULL && js_valid_fqdn(authn, whybuf) < 0))
        goto done;
    *why = "scope";
    if (!ref_str(cl, "scope", &scope) || scope == NULL || !ref_scope_syntax(scope) ||
        (c->scope != NULL && !ref_scope_covers(scope, c->scope)))
        goto done;
    *why = "accepted";
    ok = 1;
done:
    json_decref(hdr);
    json_decref(cl);
    return ok;
}

/* What every verdict must look like, whatever the input. */
static void
check_verdict(const uint8_t *in, size_t n, const char *tok, const struct token_verdict *v,
              enum token_rule r, int ci)
{
    char www[EDGE_ERR_LEN * 2];
    size_t len = strlen(tok);
    int st = token_rule_status(r);

    if ((unsigned)r >= TOKEN_RULE_COUNT || r != v->rule) {
        fz_finding("token", in, n, "check %d: rule %d out of range or not v->rule", ci, (int)r);
        return;
    }
    if (token_rule_name(r) == NULL || strncmp(token_rule_name(r), "token.", 6) != 0)
        fz_finding("token", in, n, "check %d: rule %d has no name", ci, (int)r);
    if ((st == 200) != (r == TOKEN_OK) ||
        (st != 200 && st != 401 && st != 403 && st != 500 && st != 503))
        fz_finding("token", in, n, "check %d: rule %s has status %d", ci, token_rule_name(r), st);
    if (memchr(v->sentence, '\0', sizeof(v->sentence)) == NULL || v->sentence[0] == '\0' ||
        !fz_printable(v->sentence, 0))
        fz_finding("token", in, n, "check %d: %s: sentence empty or not printable", ci,
                   token_rule_name(r));
    if (r == TOKEN_INTERNAL || (r == TOKEN_MISSING) != (len == 0))
        fz_finding("token", in, n, "check %d: %s on a %zu-byte token", ci, token_rule_name(r), len);
    if (len > TOKEN_MAX_LEN && r != TOKEN_TOO_LARGE)
        fz_finding("token", in, n, "check %d: %zu-byte token got %s, not token.too_large", ci, len,
                   token_rule_name(r));
    if (r == TOKEN_OK && (v->header == NULL || v->claims == NULL))
        fz_finding("token", in, n, "check %d: accepted without header or claims", ci);
    if (r != TOKEN_OK && token_www_authenticate(v, checks[ci].scope, www, sizeof(www)) == 0 &&
        !fz_printable(www, 1))
        fz_finding("token", in, n, "check %d: WWW-Authenticate not printable: %s", ci, www);
}

/* Under the single-use policy an accepted token is accepted once, then refused as replayed. */
static void
check_single_use(const uint8_t *in, size_t n, const char *tok)
{
    struct token_replay *rc = token_replay_new(4);
    struct token_check chk = checks[0];
    struct token_verdict v;
    enum token_rule r1, r2;

    chk.replay = rc;
    r1 = token_validate(tok, &chk, &v);
    token_verdict_clear(&v);
    r2 = token_validate(tok, &chk, &v);
    token_verdict_clear(&v);
    if (r1 != TOKEN_OK || r2 != TOKEN_REPLAYED || token_replay_count(rc) != 1)
        fz_finding("token", in, n, "single use: first %s, second %s, %zu cache entries",
                   token_rule_name(r1), token_rule_name(r2), token_replay_count(rc));
    token_replay_free(rc);
}

/* Validate tok under every check; accepted[ci] says what came out. */
static void
validate_all(const uint8_t *in, size_t n, const char *tok, int accepted[NCHECKS],
             const char *sentence_ok[NCHECKS])
{
    static char sent[NCHECKS][EDGE_ERR_LEN + 64];

    for (int ci = 0; ci < NCHECKS; ci++) {
        struct token_verdict v;
        enum token_rule r = token_validate(tok, &checks[ci], &v);
        check_verdict(in, n, tok, &v, r, ci);
        accepted[ci] = r == TOKEN_OK;
        fz_accepted += r == TOKEN_OK && ci == 0;
        snprintf(sent[ci], sizeof(sent[ci]), "%s: %s", token_rule_name(r), v.sentence);
        if (getenv("EDGESIM_FUZZ_VERBOSE") != NULL)
            printf("token: check %d: %s\n", ci, sent[ci]);
        sentence_ok[ci] = sent[ci];
        token_verdict_clear(&v);
        if (r == TOKEN_OK && ci == 0)
            check_single_use(in, n, tok);
    }
}

static void
one_signed(const uint8_t *data, size_t n)
{
    const uint8_t *p = data + 6, *end = data + n, *nl, *h, *c;
    size_t hlen, clen;
    int k, acc[NCHECKS];
    const char *sent[NCHECKS], *why;
    char *tok;

    if (p >= end || *p < '0' || *p >= '0' + FZ_NKEYS)
        return;
    k = *p++ - '0';
    if (p < end && *p == ':') { /* explicit header length */
        char *stop;
        char num[16] = "";
        size_t l = 0;
        for (p++; p < end && l < sizeof(num) - 1 && *p >= '0' && *p <= '9'; p++)
            num[l++] = (char)*p;
        hlen = (size_t)strtoul(num, &stop, 10);
        if (p >= end || *p != '\n' || (size_t)(end - p - 1) < hlen)
            return;
        h = p + 1;
        c = h + hlen;
    } else {
        if (p >= end || *p != '\n')
            return;
        h = p + 1;
        if ((nl = memchr(h, '\n', (size_t)(end - h))) == NULL)
            return;
        hlen = (size_t)(nl - h);
        c = nl + 1;
    }
    clen = (size_t)(end - c);
    tok = fz_sign(k, h, hlen, c, clen);
    validate_all(data, n, tok, acc, sent);
    for (int ci = 0; ci < NCHECKS; ci++) {
        int want = ref_accept(strlen(tok), h, hlen, c, clen, k, &checks[ci], &why);
        if (acc[ci] && !want)
            fz_finding("token", data, n,
                       "check %d: WRONG ACCEPTANCE of a signed variation (profile refuses at %s)",
                       ci, why);
        else if (!acc[ci] && want)
            fz_finding("token", data, n,
                       "check %d: wrong refusal of a token the profile accepts (%s)", ci, sent[ci]);
    }
    free(tok);
}

static void
one_raw(const uint8_t *data, size_t n)
{
    char *tok = fz_dup_exact(data, n, 1);
    int acc[NCHECKS];
    const char *sent[NCHECKS];

    validate_all(data, n, tok, acc, sent);
    for (int ci = 0; ci < NCHECKS; ci++) {
        if (!acc[ci])
            continue;
        /* Only what this ECS signed can verify: the signed part must be one of its tokens
         * (a different signature over the same bytes is the same token). */
        const char *d2 = strrchr(tok, '.'), *d1;
        int found = -1;
        for (int b = 0; b < NBASE && d2 != NULL; b++) {
            size_t hp = (size_t)(strrchr(base[b], '.') - base[b]);
            if ((size_t)(d2 - tok) == hp && memcmp(tok, base[b], hp) == 0)
                found = b;
        }
        if (found < 0) {
            fz_finding("token", data, n,
                       "check %d: WRONG ACCEPTANCE of a token this ECS never signed", ci);
            continue;
        }
        /* And the profile must accept that content under this check. */
        d1 = strchr(tok, '.');
        uint8_t hb[TOKEN_MAX_LEN], pb[TOKEN_MAX_LEN];
        size_t hl, pl;
        const char *why;
        if (fz_b64url_decode(tok, (size_t)(d1 - tok), hb, &hl) < 0 ||
            fz_b64url_decode(d1 + 1, (size_t)(d2 - d1 - 1), pb, &pl) < 0 ||
            !ref_accept(strlen(tok), hb, hl, pb, pl, base_key[found], &checks[ci], &why))
            fz_finding("token", data, n, "check %d: WRONG ACCEPTANCE (profile refuses at %s)", ci,
                       why);
    }
    free(tok);
}

static void
token_one(const uint8_t *data, size_t n)
{
    fz_execs++;
    if (n >= 6 && memcmp(data, "@sign:", 6) == 0)
        one_signed(data, n);
    else
        one_raw(data, n);
}

/* The signature (r, n - s) verifies as well as (r, s): ECDSA is malleable, so two token strings
 * carry the same signed content. Returns the base token with s replaced (free()). */
static char *
malleate(const char *tok)
{
    static const char order_hex[] =
        "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551"; /* P-256 n */
    const char *d2 = strrchr(tok, '.');
    uint8_t sig[64];
    size_t sl;
    BIGNUM *order = NULL, *s;
    struct fz_buf out = {0};
    char *enc;

    if (fz_b64url_decode(d2 + 1, strlen(d2 + 1), sig, &sl) < 0 || sl != 64)
        return NULL;
    BN_hex2bn(&order, order_hex);
    s = BN_bin2bn(sig + 32, 32, NULL);
    BN_sub(s, order, s);
    BN_bn2binpad(s, sig + 32, 32);
    enc = fz_b64url(sig, 64);
    fz_buf_add(&out, tok, (size_t)(d2 - tok) + 1);
    fz_buf_adds(&out, enc);
    free(enc);
    BN_free(order);
    BN_free(s);
    return (char *)out.p;
}

static int
token_setup(void)
{
    const struct fz_keys *k = fz_keys();
    struct token_issued ti;
    char err[EDGE_ERR_LEN];

    if (k == NULL)
        return -1;
    checks[0] = (struct token_check){.profile = TOKEN_PROFILE_EEC,
                                     .aud = FZ_EES1,
                                     .scope = "eees-eecreg",
                                     .keys = k->ees,
                                     .trusted = trusted,
                                     .peer = &eec_peer,
                                     .gpsi = FZ_GPSI,
                                     .now = FZ_NOW + 10};
    checks[1] = checks[0];
    checks[1].peer = &eec_peer_nogpsi;
    checks[1].gpsi = NULL;
    checks[2] = (struct token_check){.profile = TOKEN_PROFILE_EES,
                                     .aud = FZ_EES2,
                                     .scope = "eees-appctxtreloc",
                                     .keys = k->ees,
                                     .trusted = trusted,
                                     .peer = &sees_peer,
                                     .now = FZ_NOW + 10};
    if (token_issue_eec(k->ecs1, &eec_peer, FZ_GPSI, FZ_EES1, "eees-eecreg", FZ_NOW, FZ_LIFETIME,
                        &ti, err) < 0)
        goto fail;
    base[0] = strdup(ti.token);
    token_issued_clear(&ti);
    if (token_issue_ees(k->ecs1, FZ_EES1, FZ_EES2, "eees-appctxtreloc", FZ_EEC_ID, NULL, FZ_NOW,
                        FZ_LIFETIME, &ti, err) < 0)
        goto fail;
    base[1] = strdup(ti.token);
    token_issued_clear(&ti);
    if (token_issue_ees(k->ecs1, FZ_EES1, FZ_EES2, "eees-appctxtreloc eees-eecreg", NULL, NULL,
                        FZ_NOW, FZ_LIFETIME, &ti, err) < 0)
        goto fail;
    base[2] = strdup(ti.token);
    token_issued_clear(&ti);
    if (token_issue_eec(k->ecs2, &eec_peer, FZ_GPSI, FZ_EES1, "eees-eecreg", FZ_NOW, FZ_LIFETIME,
                        &ti, err) < 0)
        goto fail;
    base[3] = strdup(ti.token);
    base_key[3] = 2;
    token_issued_clear(&ti);

    /* The oracle itself must see the issued tokens as the profile says. */
    /* Token 0 carries the GPSI as sub: not for a peer whose credential binds none (check 1). */
    static const int expect[NBASE][NCHECKS] = {{1, 0, 0}, {0, 0, 1}, {0, 0, 1}, {0, 0, 0}};
    for (int b = 0; b < NBASE; b++)
        for (int ci = 0; ci < NCHECKS; ci++) {
            struct token_verdict v;
            enum token_rule r = token_validate(base[b], &checks[ci], &v);
            if ((r == TOKEN_OK) != expect[b][ci]) {
                fprintf(stderr, "fuzz token: issued token %d under check %d: %s (%s)\n", b, ci,
                        token_rule_name(r), v.sentence);
                token_verdict_clear(&v);
                return -1;
            }
            token_verdict_clear(&v);
        }
    /* Malleability, for the report: same content, a second string. */
    char *m = malleate(base[0]);
    struct token_verdict v;
    if (m != NULL) {
        printf("token: note: ECDSA (r, n-s) of an issued token is %s (same signed content; "
               "replay protection keys on jti, not on the token string)\n",
               token_validate(m, &checks[0], &v) == TOKEN_OK ? "accepted" : "refused");
        token_verdict_clear(&v);
        token_one((const uint8_t *)m, strlen(m));
        free(m);
    }
    return 0;
fail:
    fprintf(stderr, "fuzz token: cannot issue: %s\n", err);
    return -1;
}

/* Split tok at its dots (at most 8 pieces). */
static size_t
segments(const char *tok, const char *seg[8], size_t len[8])
{
    size_t n = 0;
    const char *p = tok;

    for (;;) {
        const char *d = strchr(p, '.');
        seg[n] = p;
        len[n] = d ? (size_t)(d - p) : strlen(p);
        n++;
        if (d == NULL || n == 8)
            return n;
        p = d + 1;
    }
}

/* Segment-level edits: swaps, splices across tokens, padding, the other alphabet, non-canonical
 * trailing bits, extra or missing segments. */
static void
segment_mutate(struct fz_rng *r, struct fz_buf *b, const char *tok)
{
    const char *s[8], *o[8];
    size_t l[8], ol[8], n = segments(tok, s, l), on = segments(base[fz_below(r, NBASE)], o, ol);
    size_t a = fz_below(r, n), c = fz_below(r, n);

    b->len = 0;
    fz_buf_reserve(b, 0);
    switch (fz_below(r, 8)) {
    case 0: /* swap two segments */
        for (size_t i = 0; i < n; i++) {
            size_t j = i == a ? c : i == c ? a : i;
            fz_buf_add(b, s[j], l[j]);
            if (i + 1 < n)
                fz_buf_adds(b, ".");
        }
        break;
    case 1: /* a segment from another token */
        for (size_t i = 0; i < n; i++) {
            if (i == a && a < on)
                fz_buf_add(b, o[a], ol[a]);
            else
                fz_buf_add(b, s[i], l[i]);
            if (i + 1 < n)
                fz_buf_adds(b, ".");
        }
        break;
    case 2: /* padding, or standard base64 characters */
        fz_buf_adds(b, tok);
        for (size_t i = 0; i < b->len; i++) {
            if (fz_one_in(r, 2) && b->p[i] == '-')
                b->p[i] = '+';
            else if (fz_one_in(r, 2) && b->p[i] == '_')
                b->p[i] = '/';
        }
        if (fz_one_in(r, 2)) {
            size_t at = (size_t)(s[a] - tok) + l[a];
            struct fz_buf t = {0};
            fz_buf_add(&t, b->p, at);
            fz_buf_adds(&t, fz_one_in(r, 2) ? "=" : "==");
            fz_buf_add(&t, b->p + at, b->len - at);
            fz_buf_set(b, t.p, t.len);
            fz_buf_free(&t);
        }
        break;
    case 3: { /* non-canonical: set the unused low bits of a segment's last character */
        static const char *const alpha =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        fz_buf_adds(b, tok);
        if (l[a] > 0) {
            size_t at = (size_t)(s[a] - tok) + l[a] - 1;
            const char *q = strchr(alpha, b->p[at]);
            if (q != NULL)
                b->p[at] = alpha[((size_t)(q - alpha) ^ (1 + fz_below(r, 15))) & 63];
        }
        break;
    }
    case 4: /* drop a segment */
        for (size_t i = 0, first = 1; i < n; i++) {
            if (i == a)
                continue;
            if (!first)
                fz_buf_adds(b, ".");
            fz_buf_add(b, s[i], l[i]);
            first = 0;
        }
        break;
    case 5: /* an extra segment, or an empty one */
        fz_buf_adds(b, tok);
        fz_buf_adds(b, fz_one_in(r, 2) ? "." : ".e30");
        break;
    case 6: /* header and payload of one token, signature of another */
        fz_buf_add(b, s[0], (size_t)(s[n - 1] - s[0]));
        fz_buf_add(b, o[on - 1], ol[on - 1]);
        break;
    default: /* a segment cut at each length modulo 4 */
        for (size_t i = 0; i < n; i++) {
            size_t keep = l[i];
            if (i == a && keep > 0)
                keep -= 1 + fz_below(r, keep < 3 ? keep : 3);
            fz_buf_add(b, s[i], keep);
            if (i + 1 < n)
                fz_buf_adds(b, ".");
        }
        break;
    }
}

/* A token of len bytes that looks like one (dots in place), for the size limit. */
static void
huge(struct fz_rng *r, struct fz_buf *b)
{
    static const size_t sizes[] = {TOKEN_MAX_LEN - 1, TOKEN_MAX_LEN, TOKEN_MAX_LEN + 1, 65536,
                                   1 << 20,           4 << 20};
    size_t len = sizes[fz_below(r, sizeof(sizes) / sizeof(sizes[0]))];

    b->len = 0;
    fz_buf_reserve(b, len);
    fz_buf_adds(b, base[0]);
    while (b->len < len) {
        size_t n = len - b->len < 4096 ? len - b->len : 4096;
        memset(b->p + b->len, "AQgw"[fz_below(r, 4)], n);
        b->len += n;
    }
    b->p[b->len] = '\0';
    if (fz_one_in(r, 2)) /* the dots near the end instead */
        memmove(b->p + len - strlen(base[0]), base[0], strlen(base[0]));
}

/* The decoded header or claims of base token b (NUL-terminated, free()). */
static char *
segment_json(int b, int which)
{
    const char *s[8];
    size_t l[8];
    uint8_t buf[TOKEN_MAX_LEN];
    size_t n;

    segments(base[b], s, l);
    if (fz_b64url_decode(s[which], l[which], buf, &n) < 0)
        return NULL;
    return fz_dup_exact(buf, n, 1);
}

static void
signed_variation(struct fz_rng *r, struct fz_buf *in)
{
    int b = (int)fz_below(r, 3), k = fz_one_in(r, 5) ? (int)fz_below(r, FZ_NKEYS) : 0;
    char *hs = segment_json(b, 0), *cs = segment_json(b, 1), *hd = NULL, *cd = NULL;
    json_t *h = json_loads(hs, 0, NULL), *c = json_loads(cs, 0, NULL);
    struct fz_buf ht = {0}, ct = {0};
    int edits = fz_one_in(r, 8) ? 0 : 1 + (int)fz_below(r, 2) * (int)fz_below(r, 3);

    for (int i = 0; i < edits; i++) {
        if (fz_one_in(r, 3))
            fz_json_mutate(r, h, header_names, values);
        else
            fz_json_mutate(r, c, claim_names, values);
    }
    hd = fz_one_in(r, 4) ? strdup(hs) : fz_json_dump(r, h);
    cd = fz_json_dump(r, c);
    fz_buf_adds(&ht, hd);
    fz_buf_adds(&ct, cd);
    if (fz_one_in(r, 3))
        fz_json_text_mutate(r, fz_one_in(r, 3) ? &ht : &ct);
    if (fz_one_in(r, 10))
        fz_mutate(r, fz_one_in(r, 2) ? &ht : &ct, 1 << 16, NULL, 2);
    in->len = 0;
    fz_buf_addf(in, "@sign:%d:%zu\n", k, ht.len);
    fz_buf_add(in, ht.p, ht.len);
    fz_buf_add(in, ct.p, ct.len);
    fz_buf_free(&ht);
    fz_buf_free(&ct);
    free(hs);
    free(cs);
    free(hd);
    free(cd);
    json_decref(h);
    json_decref(c);
}

static void
token_campaign(struct fz_rng *r, long iters)
{
    struct fz_buf in = {0};

    for (long i = 0; i < iters; i++) {
        const char *tok = base[fz_below(r, NBASE)];
        size_t pick = fz_below(r, 100);

        if (pick < 30) {
            fz_buf_set(&in, tok, strlen(tok));
            fz_mutate(r, &in, TOKEN_MAX_LEN + 64, token_dict, 4);
        } else if (pick < 45) {
            segment_mutate(r, &in, tok);
            if (fz_one_in(r, 3))
                fz_mutate(r, &in, TOKEN_MAX_LEN + 64, token_dict, 2);
        } else if (pick < 46 && fz_one_in(r, 4)) {
            huge(r, &in);
        } else {
            signed_variation(r, &in);
        }
        token_one(in.p, in.len);
    }
    fz_buf_free(&in);
}

const struct fz_target fz_target_token = {
    .name = "token",
    .what = "token_validate() on mutated and re-signed tokens",
    .setup = token_setup,
    .one = token_one,
    .campaign = token_campaign,
    .default_iters = 10000,
};
