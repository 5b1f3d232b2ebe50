/* tokstore_test.c -- the runner's token store (tools/runner/tokstore.h, tok.h; issue 11): 100,000
 * tokens recorded and each found again by its JWS in one lookup, a token seen twice is one record
 * with both steps (the same step once), a forgery that keeps its original's jti is a record of its
 * own, signedBy names the ECS whose key verifies (the header's kid first, then the issuer's other
 * keys, a key made during the run found when it is there, each key file parsed once), and a
 * population's counts: distinct tokens and jtis, tokens new to the run, verified with the key of
 * the ECS their iss names. Recording is O(1) per token: 100,000 records would take minutes with
 * the linear search this store replaced, so the test's time shows it (no timing is asserted). */
#include "tok.h"
#include "tokstore.h"

#include "base/b64url.h"
#include "base/err.h"
#include "fixture.h"
#include "pki.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define N 100000
#define ECS1 "ecs1.edge.test"
#define ECS2 "ecs2.edge.test"

static char pkidir[4096], altdir[4200];

/* An unsigned token (its signature "AAAA", 3 bytes: no key can verify it, none is tried). */
static char *
unsigned_token(const char *iss, const char *kid, const char *jti)
{
    char h[128], c[256], *h64, *c64, *out;

    FMT(h, "{\"alg\":\"ES256\",\"kid\":\"%s\",\"typ\":\"JWT\"}", kid);
    FMT(c, "{\"iss\":\"%s\",\"aud\":\"ees1.edge.test\",\"jti\":\"%s\",\"exp\":4102444800}", iss,
        jti);
    h64 = b64url_encode_alloc((const uint8_t *)h, strlen(h));
    c64 = b64url_encode_alloc((const uint8_t *)c, strlen(c));
    if (h64 == NULL || c64 == NULL || (out = malloc(strlen(h64) + strlen(c64) + 7)) == NULL)
        abort();
    sprintf(out, "%s.%s.AAAA", h64, c64);
    free(h64);
    free(c64);
    return out;
}

/* A token signed for real with the private key file <iss>.sig-<kid>.key of dir (tok_forge
 * "issuer-key": the key the token's iss and kid name). */
static char *
signed_token(const char *dir, const char *iss, const char *kid, const char *jti)
{
    char *base = unsigned_token(iss, kid, jti), *jwt, err[EDGE_ERR_LEN];
    struct tok_changes ch = {0};

    jwt = tok_forge(base, "issuer-key", &ch, dir, err);
    free(base);
    if (jwt == NULL) {
        fprintf(stderr, "tokstore_test: cannot sign with %s/%s.sig-%s.key: %s\n", dir, iss, kid,
                err);
        abort();
    }
    return jwt;
}

/* In altdir, the private key pkidir/<iss>.sig-<kid>.key under the name <as_iss>.sig-<as_kid>.key:
 * a token whose header or iss names another key than the one that signed it. */
static void
alias_key(const char *iss, const char *kid, const char *as_iss, const char *as_kid)
{
    char from[4400], to[4400];

    FMT(from, "%s/%s.sig-%s.key", pkidir, iss, kid);
    FMT(to, "%s/%s.sig-%s.key", altdir, as_iss, as_kid);
    if (symlink(from, to) != 0)
        abort();
}

/* jwt with another aud under its signature, the jti kept (tok_forge "payload"). */
static char *
payload_forgery(const char *jwt)
{
    struct tok_changes ch = {.set = json_pack("{s:s}", "aud", "ees2.edge.test")};
    char err[EDGE_ERR_LEN], *out = tok_forge(jwt, "payload", &ch, pkidir, err);

    json_decref(ch.set);
    if (out == NULL)
        abort();
    return out;
}

static int
steps_are(json_t *t, const char *a, const char *b)
{
    json_t *s = json_object_get(t, "steps");
    return json_array_size(s) == (b != NULL ? 2u : 1u) &&
           strcmp(json_string_value(json_array_get(s, 0)), a) == 0 &&
           (b == NULL || strcmp(json_string_value(json_array_get(s, 1)), b) == 0);
}

static const char *
signed_by(json_t *t)
{
    const char *s = json_string_value(json_object_get(t, "signedBy"));
    return s != NULL ? s : "(none)";
}

/* 100,000 records: counts, one lookup each, a second sighting, a forgery of its own. */
static void
test_records(struct tokstore *s, json_t *records, char **tok)
{
    size_t lost = 0, wrong = 0;
    char jti[32];

    for (int i = 0; i < N; i++) {
        FMT(jti, "jti-%06d", i);
        tok[i] = unsigned_token(ECS1, "k1", jti);
        if (tokstore_record(s, tok[i], "provision", "event") == NULL)
            lost++;
    }
    CHECK(lost == 0 && json_array_size(records) == N, "%zu lost; %zu records of %d tokens", lost,
          json_array_size(records), N);
    for (int i = 0; i < N; i++) {
        json_t *t = tokstore_find(s, tok[i]);
        wrong += t != json_array_get(records, (size_t)i) ||
                 strcmp(json_string_value(json_object_get(t, "jwt")), tok[i]) != 0;
    }
    CHECK(wrong == 0, "%zu of %d tokens not found as their own record", wrong, N);
    /* Seen again: the same record, the step added once. */
    for (int i = 0; i < N; i += 2) {
        tokstore_record(s, tok[i], "register", "event");
        tokstore_record(s, tok[i], "register", "event");
    }
    wrong = 0;
    for (int i = 0; i < N; i++)
        wrong += !steps_are(tokstore_find(s, tok[i]), "provision", i % 2 == 0 ? "register" : NULL);
    CHECK(wrong == 0 && json_array_size(records) == N,
          "after second sightings: %zu records with wrong steps, %zu records", wrong,
          json_array_size(records));
    CHECK(tokstore_record(s, tok[7], NULL, "event") == json_array_get(records, 7) &&
              steps_are(json_array_get(records, 7), "provision", NULL),
          "a sighting outside any step changed the steps");
    /* The claims changed under the same signature, jti kept: another token, another record. */
    char *forged = payload_forgery(tok[7]);
    json_t *f = tokstore_record(s, forged, "attack", "forged: payload");
    CHECK(f != NULL && f != json_array_get(records, 7) && json_array_size(records) == N + 1 &&
              strcmp(json_string_value(json_object_get(f, "how")), "forged: payload") == 0,
          "a forgery keeping jti-000007 is not a record of its own");
    free(forged);
    CHECK(tokstore_find(s, "a.b.c") == NULL && tokstore_record(s, "not-a-jws", "x", "y") == NULL &&
              tokstore_record(s, "", "x", "y") == NULL && json_array_size(records) == N + 1,
          "an unknown token found, or no JWS recorded");
    json_t *bad = tokstore_record(s, "a.b.c", "x", "event");
    CHECK(bad != NULL && json_object_get(bad, "decodeError") != NULL &&
              json_object_get(bad, "signedBy") == NULL,
          "an undecodable token: recorded with its decodeError");
}

/* Who signed: the header's kid, another key of the issuer, another ECS, a key made later. */
static void
test_signers(struct tokstore *s)
{
    char err[EDGE_ERR_LEN];
    json_t *t;
    size_t parsed;

    char *a = signed_token(pkidir, ECS1, "k1", "s-a");
    char *b = signed_token(pkidir, ECS1, "k2", "s-b");
    char *c = signed_token(pkidir, ECS2, "k1", "s-c");
    alias_key(ECS1, "k2", ECS1, "k1");
    char *d = signed_token(altdir, ECS1, "k1", "s-d"); /* kid k1, signed with k2 */
    CHECK(strcmp(signed_by(t = tokstore_record(s, a, "t", "x")), "ecs1") == 0,
          "k1 token: signedBy %s", signed_by(t));
    CHECK(strcmp(signed_by(t = tokstore_record(s, b, "t", "x")), "ecs1") == 0,
          "k2 token: signedBy %s", signed_by(t));
    CHECK(strcmp(signed_by(t = tokstore_record(s, c, "t", "x")), "ecs2") == 0,
          "ECS 2's token: signedBy %s", signed_by(t));
    CHECK(strcmp(signed_by(t = tokstore_record(s, d, "t", "x")), "ecs1") == 0,
          "a kid that does not name the key: signedBy %s (the issuer's other keys are tried)",
          signed_by(t));
    /* ECS 2's token claiming ECS 1 as issuer: ECS 2 signed it. */
    CHECK(tok_signed_by(tokstore_keys(s), c, ECS1, err) == 0 &&
              tok_signed_by(tokstore_keys(s), c, ECS2, err) == 1,
          "ECS 2's token verified with ECS 1's keys, or not with its own");
    CHECK(tok_signed_by(tokstore_keys(s), a, "ecs9.edge.test", err) == -1,
          "an issuer without keys: not an error");
    parsed = tok_keys_parsed(tokstore_keys(s));
    CHECK(parsed == 3, "%zu key files parsed for 3 keys", parsed);
    for (int i = 0; i < 1000; i++)
        tok_signed_by(tokstore_keys(s), i % 2 ? a : d, ECS1, err);
    CHECK(tok_keys_parsed(tokstore_keys(s)) == 3, "%zu key files parsed after 1000 more checks",
          tok_keys_parsed(tokstore_keys(s)));
    /* A rotation: k3 made now, after the issuer's keys were read. */
    CHECK(pki_make_signkey(pkidir, ECS1, "k3", 0, err) == 0, "k3: %s", err);
    char *e = signed_token(pkidir, ECS1, "k3", "s-e");
    CHECK(strcmp(signed_by(t = tokstore_record(s, e, "t", "x")), "ecs1") == 0,
          "a key made during the run: signedBy %s", signed_by(t));
    CHECK(tok_keys_parsed(tokstore_keys(s)) == 4, "%zu key files parsed for 4 keys",
          tok_keys_parsed(tokstore_keys(s)));
    free(a);
    free(b);
    free(c);
    free(d);
    free(e);
}

static int
count_is(struct tokstore *s, json_int_t events, json_int_t tokens, json_int_t jtis,
         json_int_t fresh, json_int_t verified, json_int_t unverified)
{
    json_t *r = tokstore_count_result(s);
    int ok = json_integer_value(json_object_get(r, "events")) == events &&
             json_integer_value(json_object_get(r, "tokens")) == tokens &&
             json_integer_value(json_object_get(r, "jtis")) == jtis &&
             json_integer_value(json_object_get(r, "new")) == fresh &&
             json_integer_value(json_object_get(r, "verified")) == verified &&
             json_integer_value(json_object_get(r, "unverified")) == unverified;
    if (!ok) {
        char *t = json_dumps(r, JSON_COMPACT);
        fprintf(stderr, "counted %s\n", t);
        free(t);
    }
    json_decref(r);
    return ok;
}

/* A population's steps: each token seen twice (issued, accepted), then again in a later step. */
static void
test_counts(struct tokstore *s, char **tok)
{
    char *a = signed_token(pkidir, ECS1, "k1", "c-a"), *b = signed_token(pkidir, ECS2, "k1", "c-b");
    char *lie, *reuse;

    alias_key(ECS2, "k1", ECS1, "k9"); /* iss ECS 1, kid k9 (no such key), signed by ECS 2 */
    lie = signed_token(altdir, ECS1, "k9", "c-lie");

    tokstore_count_begin(s);
    for (int i = 0; i < N; i++) {
        tokstore_count(s, tok[i]);
        tokstore_count(s, tok[i]);
    }
    CHECK(count_is(s, 2 * N, N, N, N, 0, N), "%d unsigned tokens seen twice", N);
    tokstore_count_begin(s);
    tokstore_count(s, a);
    tokstore_count(s, b);
    tokstore_count(s, a);
    /* iss says ECS 1, ECS 2 signed: not verified with the keys of the issuer it names. */
    tokstore_count(s, lie);
    tokstore_count(s, NULL);
    CHECK(count_is(s, 5, 3, 3, 3, 2, 1),
          "two signed tokens (one seen twice), one signed by another ECS than its iss, one event "
          "without a token");
    /* The next step: the same tokens are no longer new; a token reusing a jti is. */
    tokstore_count_begin(s);
    tokstore_count(s, a);
    tokstore_count(s, tok[5]);
    reuse = payload_forgery(tok[5]);
    tokstore_count(s, reuse);
    CHECK(count_is(s, 3, 3, 2, 1, 1, 2), "two tokens with one jti, and one seen in a step before");
    free(reuse);
    free(a);
    free(b);
    free(lie);
}

int
main(void)
{
    char err[EDGE_ERR_LEN];
    json_t *records = json_array();
    char **tok = calloc(N, sizeof(*tok));
    struct tokstore *s;

    if (tok == NULL || fixture_tmpdir(pkidir) == -1 ||
        snprintf(altdir, sizeof(altdir), "%s/alt", pkidir) < 0 || mkdir(altdir, 0700) != 0 ||
        pki_make_signkey(pkidir, ECS1, "k1", 0, err) == -1 ||
        pki_make_signkey(pkidir, ECS1, "k2", 0, err) == -1 ||
        pki_make_signkey(pkidir, ECS2, "k1", 0, err) == -1) {
        fprintf(stderr, "tokstore_test: no key files in %s: %s\n", pkidir, err);
        return 1;
    }
    s = tokstore_new(records, pkidir);
    CHECK(s != NULL && tokstore_signer(s, ECS1, "ecs1") == 0 &&
              tokstore_signer(s, ECS2, "ecs2") == 0,
          "tokstore_new: out of memory");
    if (s == NULL)
        return check_result("tokstore");
    test_records(s, records, tok);
    test_signers(s);
    test_counts(s, tok);
    tokstore_free(s);
    json_decref(records);
    for (int i = 0; i < N; i++)
        free(tok[i]);
    free(tok);
    fixture_rmtree(pkidir);
    return check_result("tokstore");
}
