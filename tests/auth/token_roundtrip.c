/* token_roundtrip.c -- issue 10,000 tokens of both profiles (TS 33.558 6.2, TR 33.739 6.27)
 * across a key rotation, verify each with token_validate(), then again through a JWKS written
 * and parsed back (RFC 7517), and check exactly which claims each profile carries. */
#include "check.h"
#include "forge.h"
#include "auth/jwks.h"
#include "auth/token_issue.h"
#include "auth/token_validate.h"
#include "base/clock.h"

#include <time.h>

#define N_TOKENS 10000
#define NOW 1767225600LL
#define LIFETIME 600

struct issued {
    char *token;
    char jti[TOKEN_JTI_LEN + 1];
    char kid[KEYRING_KID_MAX + 1];
    int ees;
    int no_gpsi; /* EEC token requested without a GPSI */
};

static double
seconds(void)
{
    return (double)edge_now_ns() / 1e9;
}

static struct edge_peer eec_peer = {EDGE_PEER_CERT, "", "eec-0001", "msisdn-491700000001", "", ""};
static struct edge_peer sees_peer = {EDGE_PEER_CERT, "ees1.edge.test", "", "", "", ""};

/* Validate t as the EES it was issued for; returns the rule. */
static enum token_rule
check(const struct keyring *kr, const struct issued *t, int64_t now, json_t **claims_out)
{
    const char *trusted[] = {"ecs1.edge.test", NULL};
    struct token_check chk = {0};
    struct token_verdict v;
    enum token_rule r;

    chk.keys = kr;
    chk.trusted = trusted;
    chk.now = now;
    if (t->ees) {
        chk.profile = TOKEN_PROFILE_EES;
        chk.aud = "ees2.edge.test";
        chk.scope = "eees-appctxtreloc";
        chk.peer = &sees_peer;
    } else {
        chk.profile = TOKEN_PROFILE_EEC;
        chk.aud = "ees1.edge.test";
        chk.scope = "eees-eecreg";
        chk.peer = &eec_peer;
        chk.gpsi = t->no_gpsi ? NULL : "msisdn-491700000001";
    }
    r = token_validate(t->token, &chk, &v);
    if (r != TOKEN_OK && claims_out == NULL)
        printf("  %s: %s\n", token_rule_name(r), v.sentence);
    if (claims_out != NULL) {
        *claims_out = v.claims;
        v.claims = NULL;
    }
    token_verdict_clear(&v);
    return r;
}

/* The members of obj, sorted, comma-joined. */
static void
members(json_t *obj, char *buf, size_t len)
{
    const char *names[32], *k;
    size_t n = 0, o = 0;
    json_t *v;

    json_object_foreach(obj, k, v)
    {
        if (n < 32)
            names[n++] = k;
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            if (strcmp(names[j], names[i]) < 0) {
                const char *t = names[i];
                names[i] = names[j];
                names[j] = t;
            }
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++)
        o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? "," : "", names[i]);
}

static int
jticmp(const void *a, const void *b)
{
    return strcmp(((const struct issued *)a)->jti, ((const struct issued *)b)->jti);
}

int
main(void)
{
    static struct issued toks[N_TOKENS];
    char err[EDGE_ERR_LEN], buf[512];
    struct keyring *ecs = keyring_new(), *ees = keyring_new();
    struct token_issued ti;
    char *jwks = NULL;
    double t0, t1, t2, t3;
    int bad = 0, n_k1 = 0;
    json_t *claims;

    for (int i = 1; i <= 2; i++) {
        EVP_PKEY *pk = forge_p256();
        char *pem = forge_pem(pk, 1), kid[8];
        snprintf(kid, sizeof(kid), "k%d", i);
        CHECK(keyring_add_signing_pem(ecs, "ecs1.edge.test", kid, pem, strlen(pem), err) == 0, "%s",
              err);
        free(pem);
        EVP_PKEY_free(pk);
    }
    CHECK(strcmp(keyring_active_kid(ecs), "k1") == 0, "first key loaded is active");

    /* Issue: the first half with k1, then rotate to k2. */
    t0 = seconds();
    for (int i = 0; i < N_TOKENS; i++) {
        int rc;
        if (i == N_TOKENS / 2)
            CHECK(keyring_set_active(ecs, "k2", err) == 0, "%s", err);
        toks[i].ees = i % 2;
        if (toks[i].ees)
            rc = token_issue_ees(ecs, "ees1.edge.test", "ees2.edge.test", "eees-appctxtreloc",
                                 i % 4 == 1 ? "eec-0001" : NULL, NULL, NOW, LIFETIME, &ti, err);
        else
            rc = token_issue_eec(ecs, &eec_peer, "msisdn-491700000001", "ees1.edge.test",
                                 "eees-eecreg eees-easdisc", NOW, LIFETIME, &ti, err);
        if (rc < 0) {
            CHECK(0, "issue %d: %s", i, err);
            return 1;
        }
        toks[i].token = strdup(ti.token);
        memcpy(toks[i].jti, ti.jti, sizeof(ti.jti));
        memcpy(toks[i].kid, ti.kid, sizeof(ti.kid));
        CHECK(ti.exp == NOW + LIFETIME && ti.iat == NOW, "iat/exp of token %d", i);
        token_issued_clear(&ti);
    }
    t1 = seconds();
    for (int i = 0; i < N_TOKENS; i++)
        if (check(ecs, &toks[i], NOW + 1, NULL) != TOKEN_OK)
            bad++;
    t2 = seconds();
    CHECK(bad == 0, "%d of %d issued tokens refused by the issuer's keyring", bad, N_TOKENS);
    printf("issued %d tokens in %.2f s (%.0f/s, cached key), verified in %.2f s (%.0f/s, EVP)\n",
           N_TOKENS, t1 - t0, N_TOKENS / (t1 - t0), t2 - t1, N_TOKENS / (t2 - t1));

    /* The JWKS an EES would fetch: public keys only, parsed back. */
    jwks = jwks_dump(ecs, "ecs1.edge.test", err);
    CHECK(jwks != NULL, "%s", err);
    CHECK(jwks != NULL && strstr(jwks, "\"d\"") == NULL, "JWKS leaks a private key");
    CHECK(jwks_load(ees, "ecs1.edge.test", jwks, strlen(jwks), err) == 2, "JWKS load: %s", err);
    CHECK(keyring_active_kid(ees) == NULL, "a keyring from a JWKS must not be able to sign");
    bad = 0;
    t3 = seconds();
    for (int i = 0; i < N_TOKENS; i++)
        if (check(ees, &toks[i], NOW + 1, NULL) != TOKEN_OK)
            bad++;
    CHECK(bad == 0, "%d of %d tokens refused with the JWKS keys", bad, N_TOKENS);
    printf("verified again with the JWKS keys in %.2f s\n", seconds() - t3);

    /* Until exp (+ skew) and not after. */
    CHECK(check(ees, &toks[0], NOW + LIFETIME + TOKEN_SKEW - 1, NULL) == TOKEN_OK, "before exp");
    CHECK(check(ees, &toks[0], NOW + LIFETIME + TOKEN_SKEW, &claims) == TOKEN_EXPIRED, "after exp");
    json_decref(claims);

    /* Rotation done: k1 removed; its tokens are refused, k2's still pass. */
    CHECK(keyring_remove(ees, "ecs1.edge.test", "k1") == 0, "remove k1");
    bad = 0;
    for (int i = 0; i < N_TOKENS; i += 97) {
        enum token_rule want = strcmp(toks[i].kid, "k1") == 0 ? TOKEN_KID_UNKNOWN : TOKEN_OK;
        n_k1 += want == TOKEN_KID_UNKNOWN;
        if (check(ees, &toks[i], NOW + 1, &claims) != want)
            bad++;
        json_decref(claims);
    }
    CHECK(bad == 0 && n_k1 > 0, "after removing k1: %d wrong verdicts", bad);

    /* Exactly the claims of each profile, and the header token_issue writes. */
    CHECK(check(ecs, &toks[0], NOW, &claims) == TOKEN_OK, "EEC token");
    members(claims, buf, sizeof(buf));
    CHECK(strcmp(buf, "aud,authn_ecs,client_id,exp,iat,iss,jti,nbf,scope,sub") == 0,
          "EEC claims: %s", buf);
    CHECK(strcmp(json_string_value(json_object_get(claims, "sub")), "msisdn-491700000001") == 0,
          "sub is the GPSI");
    json_decref(claims);
    CHECK(check(ecs, &toks[1], NOW, &claims) == TOKEN_OK, "EDGE-9 token");
    members(claims, buf, sizeof(buf));
    CHECK(strcmp(buf, "aud,authn_ecs,client_id,eec_id,exp,iat,iss,jti,scope,sub") == 0,
          "EDGE-9 claims: %s", buf);
    json_decref(claims);
    CHECK(check(ecs, &toks[3], NOW, &claims) == TOKEN_OK, "EDGE-9 token without EEC ID");
    CHECK(json_object_get(claims, "eec_id") == NULL, "eec_id only when given");
    CHECK(strcmp(json_string_value(json_object_get(claims, "authn_ecs")),
                 json_string_value(json_object_get(claims, "iss"))) == 0,
          "authn_ecs is the signer when the signer authenticated the client");
    json_decref(claims);
    {
        struct token_verdict v;
        struct token_check chk = {
            TOKEN_PROFILE_EEC, "ees1.edge.test", NULL, ecs, NULL, &eec_peer, NULL, NULL, NOW, 0};
        token_validate(toks[N_TOKENS - 2].token, &chk, &v);
        members(v.header, buf, sizeof(buf));
        CHECK(strcmp(buf, "alg,kid,typ") == 0, "header members: %s", buf);
        CHECK(strcmp(json_string_value(json_object_get(v.header, "typ")), "JWT") == 0 &&
                  strcmp(json_string_value(json_object_get(v.header, "kid")), "k2") == 0,
              "header typ JWT, kid k2 after rotation");
        token_verdict_clear(&v);
    }

    /* 128-bit jti: 22 characters, never twice in 10,000. */
    qsort(toks, N_TOKENS, sizeof(toks[0]), jticmp);
    for (int i = 0; i < N_TOKENS; i++) {
        CHECK(strlen(toks[i].jti) == TOKEN_JTI_LEN, "jti length");
        if (i > 0 && strcmp(toks[i].jti, toks[i - 1].jti) == 0)
            CHECK(0, "jti %s issued twice", toks[i].jti);
    }

    /* What the issuer refuses to put into a token. */
    {
        struct edge_peer nogpsi = eec_peer, noid = eec_peer;
        nogpsi.gpsi[0] = '\0';
        noid.eec_id[0] = '\0';
        CHECK(token_issue_eec(ecs, &eec_peer, "msisdn-491700000002", "ees1.edge.test",
                              "eees-eecreg", NOW, 60, &ti, err) < 0,
              "GPSI not bound to the credential");
        CHECK(token_issue_eec(ecs, &nogpsi, "msisdn-491700000001", "ees1.edge.test", "eees-eecreg",
                              NOW, 60, &ti, err) < 0,
              "GPSI when the credential binds none");
        CHECK(token_issue_eec(ecs, &noid, NULL, "ees1.edge.test", "eees-eecreg", NOW, 60, &ti,
                              err) < 0,
              "no EEC ID");
        CHECK(token_issue_eec(ecs, &eec_peer, NULL, "ees1.edge.test", "eees-eecreg", NOW, 0, &ti,
                              err) < 0,
              "lifetime 0");
        CHECK(token_issue_eec(ecs, &eec_peer, NULL, "ees1.edge.test", "eees-eecreg", NOW,
                              TOKEN_LIFETIME_MAX + 1, &ti, err) < 0,
              "lifetime too long");
        CHECK(token_issue_eec(ecs, &eec_peer, NULL, "ees1.edge.test/x", "eees-eecreg", NOW, 60, &ti,
                              err) < 0,
              "aud not an FQDN");
        CHECK(token_issue_ees(ecs, "ees1.edge.test", "ees2.edge.test", "a  b", NULL, NULL, NOW, 60,
                              &ti, err) < 0,
              "bad scope");
        CHECK(token_issue_ees(ees, "ees1.edge.test", "ees2.edge.test", "x", NULL, NULL, NOW, 60,
                              &ti, err) < 0,
              "keyring without a signing key signs");
        /* Without a GPSI sent, no sub, even though the peer has one. */
        CHECK(token_issue_eec(ecs, &eec_peer, NULL, "ees1.edge.test", "eees-eecreg", NOW, 60, &ti,
                              err) == 0,
              "%s", err);
        {
            struct issued t = {ti.token, "", "", 0, 1};
            CHECK(check(ecs, &t, NOW, &claims) == TOKEN_OK, "token without sub");
            CHECK(json_object_get(claims, "sub") == NULL, "sub only when a GPSI was sent");
            json_decref(claims);
        }
        token_issued_clear(&ti);
        /* An EEC another ECS authenticated (EDGE-10 partner provisioning): that ECS is named. */
        CHECK(token_issue_eec_for(ecs, "eec-0001", "msisdn-491700000001", "ecs2.edge.test",
                                  "ees1.edge.test", "eees-eecreg", NOW, 60, &ti, err) == 0,
              "%s", err);
        {
            struct issued t = {ti.token, "", "", 0, 0};
            CHECK(check(ecs, &t, NOW, &claims) == TOKEN_OK, "partner EEC token");
            CHECK(strcmp(json_string_value(json_object_get(claims, "authn_ecs")),
                         "ecs2.edge.test") == 0,
                  "authn_ecs names the ECS that authenticated the EEC");
            json_decref(claims);
        }
        token_issued_clear(&ti);
        CHECK(token_issue_eec_for(ecs, "eec-0001", NULL, "ecs2.edge.test/x", "ees1.edge.test",
                                  "eees-eecreg", NOW, 60, &ti, err) < 0,
              "authn_ecs not an FQDN");
        CHECK(token_issue_eec_for(ecs, NULL, NULL, NULL, "ees1.edge.test", "eees-eecreg", NOW, 60,
                                  &ti, err) < 0,
              "no EEC ID");
    }

    for (int i = 0; i < N_TOKENS; i++)
        free(toks[i].token);
    free(jwks);
    keyring_free(ecs);
    keyring_free(ees);
    printf("%s\n", check_failures ? "FAILED" : "all round-trip checks passed");
    return check_failures ? 1 : 0;
}
