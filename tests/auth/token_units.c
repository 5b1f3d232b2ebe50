/* token_units.c -- the pieces under the token profile, each against fixed data: strict base64url
 * (RFC 4648 test vectors, RFC 7515 2), JWKS parsing (RFC 7517/7518 6.2), keyring loading (P-256
 * only, key files of edge-pki), the ES256 signature forms (DER <-> R || S, RFC 7518 3.4), the
 * signature of the keyring's cached key, the RFC 6750 challenge, and the bounded replay cache: its
 * bound, its purge of expired entries only, and its key (iss, jti), which no two pairs share. */
#include "auth/es256.h"
#include "base/b64url.h"
#include "check.h"
#include "forge.h"
#include "auth/jwks.h"
#include "auth/keyring.h"
#include "auth/token_issue.h"
#include "auth/token_validate.h"

#include <sys/stat.h>
#include <unistd.h>

static void
test_b64url(void)
{
    /* RFC 4648 10, url alphabet, padding removed. */
    static const struct {
        const char *in, *out;
    } vec[] = {
        {"", ""},           {"f", "Zg"},          {"fo", "Zm8"},          {"foo", "Zm9v"},
        {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"}, {"\xfb\xff", "-_8"}};
    /* Not canonical base64url: padding, standard alphabet, whitespace, junk,
     * a lone character, unused bits set. */
    static const char *const bad[] = {"Zg==",  "Zg=", "+/8",   "Zm9v\n", " Zm9v", "Zm 9v",
                                      "Zm9v!", "Z",   "Zm9vY", "Zh",     "Zm9",   "-_9"};
    uint8_t buf[64];
    char enc[64];
    size_t n;

    for (size_t i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
        size_t l = strlen(vec[i].in);
        b64url_encode((const uint8_t *)vec[i].in, l, enc);
        CHECK(strcmp(enc, vec[i].out) == 0, "encode '%s' gave %s", vec[i].in, enc);
        CHECK(b64url_encoded_len(l) == strlen(vec[i].out), "encoded_len(%zu)", l);
        CHECK(b64url_decode(vec[i].out, strlen(vec[i].out), buf, &n) == 0 && n == l &&
                  memcmp(buf, vec[i].in, l) == 0,
              "decode %s", vec[i].out);
        CHECK(b64url_decoded_max(strlen(vec[i].out)) >= l, "decoded_max");
    }
    /* "Zm9", "Zh", "-_9" differ from "Zm8", "Zg", "-_8" only in unused bits. */
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CHECK(b64url_decode(bad[i], strlen(bad[i]), buf, &n) < 0, "accepted '%s'", bad[i]);
    /* Every byte value round-trips. */
    for (int i = 0; i < 256; i++)
        buf[i % 64] = (uint8_t)i;
    for (size_t l = 0; l <= 64; l++) {
        uint8_t back[64];
        char *e = b64url_encode_alloc(buf, l);
        CHECK(e && b64url_decode(e, strlen(e), back, &n) == 0 && n == l && !memcmp(back, buf, l),
              "round trip of %zu bytes", l);
        free(e);
    }
}

static char *
jwk_doc(const char *x, const char *y, const char *extra)
{
    char *s = malloc(1024);
    snprintf(
        s, 1024,
        "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"%s\",\"y\":\"%s\",\"kid\":\"k1\","
        "\"use\":\"sig\",\"alg\":\"ES256\"%s}]}",
        x, y, extra);
    return s;
}

static void
test_jwks(void)
{
    char err[EDGE_ERR_LEN], doc[2048];
    struct keyring *src = keyring_new(), *dst;
    EVP_PKEY *pk = forge_p256();
    char *pem = forge_pem(pk, 0), *good, *set, xs[64], ys[64], yb[64];
    uint8_t x[32], y[32], y1[32];
    const char *iss, *kid;

    CHECK(keyring_add_verify_pem(src, "ecs1.edge.test", "k1", pem, strlen(pem), err) == 0, "%s",
          err);
    CHECK(keyring_public_xy(src, 0, &iss, &kid, x, y) == 0, "public xy");
    b64url_encode(x, 32, xs);
    b64url_encode(y, 32, ys);
    memcpy(y1, y, 32);
    y1[31] ^= 1; /* (x, y^1) is not on the curve */
    b64url_encode(y1, 32, yb);
    good = jwk_doc(xs, ys, "");
    dst = keyring_new();
    CHECK(jwks_load(dst, "ecs1.edge.test", good, strlen(good), err) == 1, "good JWKS: %s", err);
    CHECK(keyring_kid_issuer(dst, "k1", 0) &&
              !strcmp(keyring_kid_issuer(dst, "k1", 0), "ecs1.edge.test"),
          "key filed under the issuer named by the caller");
    /* Loading the same kid twice for one issuer is refused, all or nothing. */
    CHECK(jwks_load(dst, "ecs1.edge.test", good, strlen(good), err) < 0, "same kid twice");
    CHECK(keyring_count(dst) == 1, "nothing added by a refused load");
    keyring_free(dst);

    /* Written back, it is the same document (modulo order of keys). */
    set = jwks_dump(src, "ecs1.edge.test", err);
    CHECK(set && strstr(set, xs) && strstr(set, ys) && strstr(set, "\"use\": \"sig\"") &&
              strstr(set, "\"alg\": \"ES256\"") && strstr(set, "\"kty\": \"EC\""),
          "JWKS written: %s", set ? set : err);
    free(set);

    struct {
        const char *name;
        char *doc;
    } rows[] = {
        {"kty RSA", NULL},        {"crv P-384", NULL},    {"x 31 bytes", NULL},
        {"y 33 bytes", NULL},     {"not on curve", NULL}, {"padding", NULL},
        {"dup kid", NULL},        {"dup member", NULL},   {"kid missing", NULL},
        {"use enc", NULL},        {"alg ES384", NULL},    {"private d", NULL},
        {"no keys", NULL},        {"not json", NULL},     {"keys not array", NULL},
        {"kid with slash", NULL},
    };
    char tmp[128];
    int i = 0;
    snprintf(doc, sizeof(doc), "%s", good);
#define ROW(expr) rows[i++].doc = (expr)
    {
        char *d = strdup(good);
        memcpy(strstr(d, "\"EC\""), "\"RS\"", 4);
        ROW(d);
    }
    {
        char *d = malloc(2048);
        snprintf(d, 2048, "%s", good);
        memcpy(strstr(d, "P-256"), "P-384", 5);
        ROW(d);
    }
    {
        char x31[64];
        uint8_t b[31];
        memcpy(b, x, 31);
        b64url_encode(b, 31, x31);
        ROW(jwk_doc(x31, ys, ""));
    }
    {
        char y33[64];
        uint8_t b[33] = {0};
        memcpy(b + 1, y, 32);
        b64url_encode(b, 33, y33);
        ROW(jwk_doc(xs, y33, ""));
    }
    ROW(jwk_doc(xs, yb, ""));
    snprintf(tmp, sizeof(tmp), "%s=", ys);
    ROW(jwk_doc(xs, tmp, ""));
    {
        char *d = malloc(2048), *one = jwk_doc(xs, ys, "");
        /* two entries, same kid */
        char *inner = strchr(one, '[') + 1;
        inner[strlen(inner) - 2] = '\0';
        snprintf(d, 2048, "{\"keys\":[%s,%s]}", inner, inner);
        free(one);
        ROW(d);
    }
    ROW(jwk_doc(xs, ys, ",\"kty\":\"EC\""));
    {
        char *d = jwk_doc(xs, ys, "");
        char *k = strstr(d, "\"kid\":\"k1\",");
        memmove(k, k + 11, strlen(k + 11) + 1);
        ROW(d);
    }
    {
        char *d = jwk_doc(xs, ys, "");
        memcpy(strstr(d, "\"sig\""), "\"enc\"", 5);
        ROW(d);
    }
    {
        char *d = jwk_doc(xs, ys, "");
        memcpy(strstr(d, "ES256"), "ES384", 5);
        ROW(d);
    }
    ROW(jwk_doc(xs, ys, ",\"d\":\"AAAA\""));
    ROW(strdup("{\"keys\":[]}"));
    ROW(strdup("{\"keys\":[{\"kty\":\"EC\""));
    ROW(strdup("{\"keys\":{}}"));
    {
        char *d = jwk_doc(xs, ys, "");
        memcpy(strstr(d, "\"k1\""), "\"k/\"", 4);
        ROW(d);
    }
#undef ROW
    for (int r = 0; r < i; r++) {
        dst = keyring_new();
        CHECK(jwks_load(dst, "ecs1.edge.test", rows[r].doc, strlen(rows[r].doc), err) < 0,
              "JWKS row '%s' accepted", rows[r].name);
        CHECK(keyring_count(dst) == 0, "JWKS row '%s' left keys", rows[r].name);
        printf("ok   jwks %-16s refused: %s\n", rows[r].name, err);
        keyring_free(dst);
        free(rows[r].doc);
    }
    free(good);
    free(pem);
    EVP_PKEY_free(pk);
    keyring_free(src);
}

static void
write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
}

static void
test_keyring(void)
{
    char err[EDGE_ERR_LEN], dir[] = "/tmp/edge-keyring-XXXXXX", path[512];
    struct keyring *kr = keyring_new();
    EVP_PKEY *p384 = EVP_EC_gen("P-384"), *ed = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    EVP_PKEY *a = forge_p256(), *b = forge_p256(), *c = forge_p256();
    char *pem;
    BIO *bio;
    char *data;
    long n;

    pem = forge_pem(p384, 1);
    CHECK(keyring_add_signing_pem(kr, "ecs1.edge.test", "k1", pem, strlen(pem), err) < 0,
          "P-384 signing key accepted");
    free(pem);
    pem = forge_pem(ed, 0);
    CHECK(keyring_add_verify_pem(kr, "ecs1.edge.test", "k1", pem, strlen(pem), err) < 0,
          "Ed25519 public key accepted");
    free(pem);
    /* An encrypted key is refused, without a passphrase prompt. */
    bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(bio, a, EVP_aes_128_cbc(), NULL, 0, NULL, (void *)"secret");
    n = BIO_get_mem_data(bio, &data);
    CHECK(keyring_add_signing_pem(kr, "ecs1.edge.test", "k1", data, (size_t)n, err) < 0,
          "encrypted key accepted");
    BIO_free(bio);
    pem = forge_pem(a, 1);
    CHECK(keyring_add_signing_pem(kr, "ecs1.edge.test", "bad kid!", pem, strlen(pem), err) < 0,
          "kid with a space and '!'");
    CHECK(keyring_add_signing_pem(kr, "ecs1.edge.test/..", "k1", pem, strlen(pem), err) < 0,
          "issuer not an FQDN");
    CHECK(keyring_add_signing_pem(kr, "ecs1.edge.test", "k1", pem, strlen(pem), err) == 0, "%s",
          err);
    CHECK(keyring_add_signing_pem(kr, "ecs2.edge.test", "k1", pem, strlen(pem), err) < 0,
          "a keyring signs for one issuer");
    free(pem);
    CHECK(keyring_set_active(kr, "k7", err) < 0, "set_active to a missing kid");
    keyring_free(kr);

    /* Key files as edge-pki writes them: the greatest kid becomes active. */
    CHECK(mkdtemp(dir) != NULL, "mkdtemp");
    snprintf(path, sizeof(path), "%s/ecs1.edge.test.sig-2026-01.key", dir);
    write_file(path, pem = forge_pem(a, 1));
    free(pem);
    snprintf(path, sizeof(path), "%s/ecs1.edge.test.sig-2026-01.pub", dir);
    write_file(path, pem = forge_pem(a, 0));
    free(pem);
    snprintf(path, sizeof(path), "%s/ecs1.edge.test.sig-2026-02.key", dir);
    write_file(path, pem = forge_pem(b, 1));
    free(pem);
    snprintf(path, sizeof(path), "%s/ecs1.edge.test.sig-2025-12.pub", dir); /* retired: verify */
    write_file(path, pem = forge_pem(c, 0));
    free(pem);
    snprintf(path, sizeof(path), "%s/ecs2.edge.test.sig-2026-01.key", dir); /* another ECS */
    write_file(path, pem = forge_pem(c, 1));
    free(pem);
    kr = keyring_new();
    CHECK(keyring_load_dir(kr, dir, "ecs1.edge.test", 1, err) == 3, "load dir: %s", err);
    CHECK(keyring_active_kid(kr) && strcmp(keyring_active_kid(kr), "2026-02") == 0,
          "active kid is the greatest");
    CHECK(keyring_count(kr) == 3, "3 keys of ecs1, none of ecs2");
    keyring_free(kr);
    kr = keyring_new();
    CHECK(keyring_load_dir(kr, dir, "ecs1.edge.test", 0, err) == 2, "public only: %s", err);
    CHECK(keyring_active_kid(kr) == NULL, "public-only keyring cannot sign");
    keyring_free(kr);
    /* A .pub that is not the .key's public half refuses the whole directory. */
    snprintf(path, sizeof(path), "%s/ecs1.edge.test.sig-2026-01.pub", dir);
    write_file(path, pem = forge_pem(b, 0));
    free(pem);
    kr = keyring_new();
    CHECK(keyring_load_dir(kr, dir, "ecs1.edge.test", 1, err) < 0, "mismatched .pub accepted");
    CHECK(keyring_count(kr) == 0, "partial load after a refusal");
    printf("ok   keyring mismatched pub refused: %s\n", err);
    keyring_free(kr);
    snprintf(path, sizeof(path), "rm -rf '%s'", dir);
    CHECK(system(path) == 0, "cleanup");
    EVP_PKEY_free(p384);
    EVP_PKEY_free(ed);
    EVP_PKEY_free(a);
    EVP_PKEY_free(b);
    EVP_PKEY_free(c);
}

/* DER <-> R || S: sign bytes, leading zeros, and DER that is not the one encoding. */
static void
test_es256_forms(void)
{
    static const struct {
        uint8_t r0, s0; /* first byte of r and s (the rest 0x11) */
        int der_len;
    } vec[] = {
        {0x7f, 0x01, 70}, /* no sign byte */
        {0x80, 0xff, 72}, /* high bit: a 0x00 sign byte each */
        {0x00, 0x80, 70}, /* r one byte shorter, s with a sign byte */
        {0x00, 0x00, 68},
    };
    /* Not minimal, negative, trailing byte, long-form length, three integers. */
    static const uint8_t bad[][12] = {
        {0x30, 0x07, 0x02, 0x02, 0x00, 0x01, 0x02, 0x01, 0x01},
        {0x30, 0x06, 0x02, 0x01, 0x81, 0x02, 0x01, 0x01},
        {0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01, 0x00},
        {0x30, 0x81, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01},
        {0x30, 0x09, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01},
    };
    static const size_t bad_len[] = {9, 8, 9, 9, 11};
    uint8_t raw[ES256_SIG_LEN], back[ES256_SIG_LEN], der[ES256_DER_MAX];
    int n;

    for (size_t i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
        memset(raw, 0x11, sizeof(raw));
        raw[0] = vec[i].r0;
        raw[ES256_INT_LEN] = vec[i].s0;
        n = es256_sig_to_der(raw, der);
        CHECK(n == vec[i].der_len, "vector %zu: DER of %d bytes, want %d", i, n, vec[i].der_len);
        CHECK(n > 0 && es256_sig_from_der(der, (size_t)n, back) == 0 &&
                  memcmp(raw, back, sizeof(raw)) == 0,
              "vector %zu does not round-trip", i);
    }
    memset(raw, 0, sizeof(raw));
    raw[ES256_SIG_LEN - 1] = 1;
    CHECK(es256_sig_to_der(raw, der) < 0, "r = 0 encoded");
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CHECK(es256_sig_from_der(bad[i], bad_len[i], back) < 0, "bad DER %zu accepted", i);
}

/* The cached key's signature over a JWS signing input verifies with the public key alone, in
 * OpenSSL directly (the DER made back from R || S by hand, as forge.h does). */
static void
test_keyring_sign(void)
{
    static const char msg[] = "eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJlY3MxIn0";
    EVP_PKEY *pk = forge_p256();
    char *pem = forge_pem(pk, 1), err[EDGE_ERR_LEN];
    struct keyring *kr = keyring_new(), *pub = keyring_new();
    uint8_t sig[KEYRING_SIG_LEN], der[80], *p = der;
    ECDSA_SIG *es = ECDSA_SIG_new();
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    int dl;

    CHECK(keyring_sign_es256(kr, (const uint8_t *)msg, strlen(msg), sig, err) < 0,
          "an empty keyring signed");
    CHECK(keyring_add_signing_pem(kr, "ecs1.edge.test", "k1", pem, strlen(pem), err) == 0, "%s",
          err);
    CHECK(keyring_sign_es256(kr, (const uint8_t *)msg, strlen(msg), sig, err) == 0, "%s", err);
    ECDSA_SIG_set0(es, BN_bin2bn(sig, 32, NULL), BN_bin2bn(sig + 32, 32, NULL));
    dl = i2d_ECDSA_SIG(es, &p);
    CHECK(dl > 0 && EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, pk) == 1 &&
              EVP_DigestVerify(md, der, (size_t)dl, (const uint8_t *)msg, strlen(msg)) == 1,
          "the keyring's signature does not verify in OpenSSL");
    free(pem);
    pem = forge_pem(pk, 0);
    CHECK(keyring_add_verify_pem(pub, "ecs1.edge.test", "k1", pem, strlen(pem), err) == 0, "%s",
          err);
    CHECK(keyring_sign_es256(pub, (const uint8_t *)msg, strlen(msg), sig, err) < 0,
          "a public key signed");
    EVP_MD_CTX_free(md);
    ECDSA_SIG_free(es);
    keyring_free(kr);
    keyring_free(pub);
    free(pem);
    EVP_PKEY_free(pk);
}

static void
test_http_mapping(void)
{
    struct token_verdict v = {0};
    char buf[512];

    CHECK(token_rule_status(TOKEN_EXPIRED) == 401 &&
              !strcmp(token_rule_error(TOKEN_EXPIRED), "invalid_token"),
          "expired -> 401 invalid_token");
    CHECK(token_rule_status(TOKEN_SCOPE_INSUFFICIENT) == 403 &&
              !strcmp(token_rule_error(TOKEN_SCOPE_INSUFFICIENT), "insufficient_scope"),
          "scope -> 403 insufficient_scope");
    for (int r = 0; r < TOKEN_RULE_COUNT; r++)
        CHECK(strncmp(token_rule_name((enum token_rule)r), "token.", 6) == 0, "rule %d named", r);
    CHECK(!strcmp(token_rule_name(TOKEN_RULE_COUNT), "token.internal"), "out of range rule");
    v.rule = TOKEN_EXPIRED;
    snprintf(v.sentence, sizeof(v.sentence), "token expired");
    CHECK(token_www_authenticate(&v, NULL, buf, sizeof(buf)) == 0 &&
              !strcmp(buf, "Bearer error=\"invalid_token\", error_description=\"token expired\""),
          "challenge: %s", buf);
    v.rule = TOKEN_SCOPE_INSUFFICIENT;
    CHECK(token_www_authenticate(&v, "eees-eecreg", buf, sizeof(buf)) == 0 &&
              strstr(buf, "error=\"insufficient_scope\"") && strstr(buf, "scope=\"eees-eecreg\""),
          "scope challenge: %s", buf);
    v.rule = TOKEN_MISSING;
    CHECK(token_www_authenticate(&v, NULL, buf, sizeof(buf)) == 0 && !strcmp(buf, "Bearer"),
          "no error code without a token: %s", buf);
    v.rule = TOKEN_OK;
    CHECK(token_www_authenticate(&v, NULL, buf, sizeof(buf)) < 0, "no challenge when ok");
    /* A hostile claim in the sentence cannot break out of the quoted string. */
    {
        struct keyring *kr = keyring_new();
        EVP_PKEY *pk = forge_p256();
        char *pem = forge_pem(pk, 1), err[EDGE_ERR_LEN];
        struct edge_peer peer = {EDGE_PEER_CERT, "", "eec-0001", "", "", ""};
        struct token_check chk = {TOKEN_PROFILE_EEC,
                                  "ees9.edge.test",
                                  NULL,
                                  NULL,
                                  NULL,
                                  &peer,
                                  NULL,
                                  NULL,
                                  1767225600,
                                  0};
        struct token_issued ti;
        keyring_add_signing_pem(kr, "ecs1.edge.test", "k1", pem, strlen(pem), err);
        chk.keys = kr;
        CHECK(token_issue_eec(kr, &peer, NULL, "ees1.edge.test", "x", 1767225600, 60, &ti, err) ==
                  0,
              "%s", err);
        token_validate(ti.token, &chk, &v);
        CHECK(v.rule == TOKEN_AUD_MISMATCH, "aud mismatch");
        token_verdict_clear(&v);
        token_issued_clear(&ti);
        v.rule = TOKEN_AUD_MISMATCH;
        snprintf(v.sentence, sizeof(v.sentence), "aud \"x\r\nSet-Cookie: a=b\\");
        CHECK(token_www_authenticate(&v, NULL, buf, sizeof(buf)) == 0 && !strchr(buf, '\r') &&
                  !strchr(buf, '\n') && !strchr(buf, '\\') &&
                  strchr(strstr(buf, "description=\"") + 13, '"') == buf + strlen(buf) - 1,
              "header injection: %s", buf);
        free(pem);
        EVP_PKEY_free(pk);
        keyring_free(kr);
    }
    /* The clock skew is the check's (an EES's tokenClockSkew): 2 s past exp, a skew of 1 s
     * refuses, the default (30 s) and 5 s accept; out of range is the default. */
    {
        struct keyring *kr = keyring_new();
        EVP_PKEY *pk = forge_p256();
        char *pem = forge_pem(pk, 1), err[EDGE_ERR_LEN];
        struct edge_peer peer = {EDGE_PEER_CERT, "", "eec-0001", "", "", ""};
        struct token_check chk = {.profile = TOKEN_PROFILE_EEC,
                                  .aud = "ees1.edge.test",
                                  .peer = &peer,
                                  .now = 1767225600 + 60 + 2};
        static const struct {
            int skew;
            enum token_rule want;
        } rows[] = {{0, TOKEN_OK}, {1, TOKEN_EXPIRED}, {2, TOKEN_EXPIRED},
                    {3, TOKEN_OK}, {5, TOKEN_OK},      {TOKEN_SKEW_MAX + 1, TOKEN_OK}};
        struct token_issued ti;
        keyring_add_signing_pem(kr, "ecs1.edge.test", "k1", pem, strlen(pem), err);
        chk.keys = kr;
        CHECK(token_issue_eec(kr, &peer, NULL, "ees1.edge.test", "x", 1767225600, 60, &ti, err) ==
                  0,
              "%s", err);
        for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
            chk.skew = rows[i].skew;
            token_validate(ti.token, &chk, &v);
            CHECK(v.rule == rows[i].want, "skew %d, 2 s past exp: %s (%s)", rows[i].skew,
                  token_rule_name(v.rule), v.sentence);
            token_verdict_clear(&v);
        }
        token_issued_clear(&ti);
        free(pem);
        EVP_PKEY_free(pk);
        keyring_free(kr);
    }
}

static void
test_replay_cache(void)
{
    struct keyring *kr = keyring_new();
    EVP_PKEY *pk = forge_p256();
    char *pem = forge_pem(pk, 1), err[EDGE_ERR_LEN];
    struct edge_peer peer = {EDGE_PEER_CERT, "", "eec-0001", "", "", ""};
    struct token_replay *rc = token_replay_new(4);
    struct token_check chk = {
        TOKEN_PROFILE_EEC, "ees1.edge.test", NULL, NULL, NULL, &peer, NULL, rc, 1767225600, 0};
    struct token_issued t[6];
    struct token_verdict v;

    keyring_add_signing_pem(kr, "ecs1.edge.test", "k1", pem, strlen(pem), err);
    chk.keys = kr;
    for (int i = 0; i < 6; i++)
        token_issue_eec(kr, &peer, NULL, "ees1.edge.test", "x", 1767225600, i < 4 ? 60 : 600, &t[i],
                        err);
    for (int i = 0; i < 4; i++) {
        CHECK(token_validate(t[i].token, &chk, &v) == TOKEN_OK, "first use %d: %s", i, v.sentence);
        token_verdict_clear(&v);
    }
    CHECK(token_replay_count(rc) == 4, "4 remembered");
    /* Full of live entries: refused rather than forgetting one. */
    CHECK(token_validate(t[4].token, &chk, &v) == TOKEN_REPLAY_FULL, "full cache: %s",
          token_rule_name(v.rule));
    token_verdict_clear(&v);
    CHECK(token_rule_status(TOKEN_REPLAY_FULL) == 503, "full -> 503");
    /* Once the first four expired (exp + skew), their entries make room. */
    chk.now = 1767225600 + 60 + TOKEN_SKEW;
    CHECK(token_validate(t[4].token, &chk, &v) == TOKEN_OK, "after expiry: %s", v.sentence);
    token_verdict_clear(&v);
    CHECK(token_replay_count(rc) == 1, "expired entries purged (%zu)", token_replay_count(rc));
    CHECK(token_validate(t[4].token, &chk, &v) == TOKEN_REPLAYED, "replay after purge");
    token_verdict_clear(&v);
    CHECK(token_validate(t[5].token, &chk, &v) == TOKEN_OK, "other jti");
    token_verdict_clear(&v);
    for (int i = 0; i < 6; i++)
        token_issued_clear(&t[i]);
    token_replay_free(rc);
    free(pem);
    EVP_PKEY_free(pk);
    keyring_free(kr);
}

/* A token of iss with jti, living from NOW_R for life seconds, for aud, signed ES256 by pk as key
 * k1; built by forge.h alone. */
#define NOW_R 1767225600
static char *
forge_token(EVP_PKEY *pk, const char *iss, const char *jti, const char *aud, int life)
{
    static const char hdr[] = "{\"alg\":\"ES256\",\"typ\":\"JWT\",\"kid\":\"k1\"}";
    char claims[512], input[1024], *h, *p, *sig = NULL, *tok = NULL;
    unsigned char raw[64];

    FMT(claims,
        "{\"iss\":\"%s\",\"aud\":\"%s\",\"client_id\":\"eec-0001\",\"scope\":\"x\","
        "\"iat\":%d,\"exp\":%d,\"jti\":\"%s\"}",
        iss, aud, NOW_R, NOW_R + life, jti);
    h = forge_b64url((const unsigned char *)hdr, strlen(hdr));
    p = forge_b64url((const unsigned char *)claims, strlen(claims));
    FMT(input, "%s.%s", h, p);
    if (forge_ecdsa(pk, EVP_sha256(), input, raw) == 0 && (sig = forge_b64url(raw, 64)) != NULL &&
        (tok = malloc(strlen(input) + strlen(sig) + 2)) != NULL)
        sprintf(tok, "%s.%s", input, sig);
    free(h), free(p), free(sig);
    return tok;
}

/* The rule token_validate gives a forged token under chk (at chk->now). */
static enum token_rule
replay_try(const struct token_check *chk, EVP_PKEY *pk, const char *iss, const char *jti,
           const char *aud, int life)
{
    char *tok = forge_token(pk, iss, jti, aud, life);
    struct token_verdict v;
    enum token_rule r = TOKEN_INTERNAL;

    if (tok != NULL) {
        r = token_validate(tok, chk, &v);
        token_verdict_clear(&v);
    }
    free(tok);
    return r;
}

/* The cache's key is the pair (iss, jti): the same jti of another issuer is another token, two
 * pairs whose concatenations are equal are two tokens, the same pair in a new token (another exp)
 * is a replay, and a token refused by another rule is not remembered. */
static void
test_replay_keys(void)
{
    struct keyring *kr = keyring_new();
    EVP_PKEY *pk1 = forge_p256(), *pk2 = forge_p256(), *pk3 = forge_p256();
    char *pem1 = forge_pem(pk1, 0), *pem2 = forge_pem(pk2, 0), *pem3 = forge_pem(pk3, 0);
    char err[EDGE_ERR_LEN];
    struct edge_peer peer = {EDGE_PEER_CERT, "", "eec-0001", "", "", ""};
    struct token_replay *rc = token_replay_new(16);
    struct token_check chk = {
        TOKEN_PROFILE_EEC, "ees1.edge.test", NULL, kr, NULL, &peer, NULL, rc, NOW_R, 0};
    static const char a[] = "ecs1.edge.test", b[] = "ecs1.edge.tes", c[] = "ecs2.edge.test";
    static const char aud[] = "ees1.edge.test";
    enum token_rule r;

    CHECK(keyring_add_verify_pem(kr, a, "k1", pem1, strlen(pem1), err) == 0 &&
              keyring_add_verify_pem(kr, b, "k1", pem2, strlen(pem2), err) == 0 &&
              keyring_add_verify_pem(kr, c, "k1", pem3, strlen(pem3), err) == 0,
          "%s", err);
    CHECK((r = replay_try(&chk, pk1, a, "x", aud, 60)) == TOKEN_OK, "(%s, x): %s", a,
          token_rule_name(r));
    CHECK((r = replay_try(&chk, pk2, b, "tx", aud, 60)) == TOKEN_OK,
          "(%s, tx) taken for (%s, x): %s", b, a, token_rule_name(r));
    CHECK((r = replay_try(&chk, pk2, b, "x", aud, 60)) == TOKEN_OK,
          "jti x of %s taken for the one of %s: %s", b, a, token_rule_name(r));
    CHECK((r = replay_try(&chk, pk3, c, "x", aud, 60)) == TOKEN_OK,
          "jti x of %s taken for the one of %s: %s", c, a, token_rule_name(r));
    CHECK(token_replay_count(rc) == 4, "4 pairs remembered, not %zu", token_replay_count(rc));
    CHECK((r = replay_try(&chk, pk1, a, "x", aud, 120)) == TOKEN_REPLAYED,
          "(%s, x) in a token with another exp: %s", a, token_rule_name(r));
    CHECK((r = replay_try(&chk, pk2, b, "tx", aud, 60)) == TOKEN_REPLAYED, "(%s, tx) again: %s", b,
          token_rule_name(r));
    CHECK(token_replay_count(rc) == 4, "replays remembered: %zu", token_replay_count(rc));
    CHECK((r = replay_try(&chk, pk1, a, "y", "ees9.edge.test", 60)) == TOKEN_AUD_MISMATCH &&
              token_replay_count(rc) == 4,
          "a token for another EES: %s, %zu remembered", token_rule_name(r),
          token_replay_count(rc));
    CHECK((r = replay_try(&chk, pk1, a, "y", aud, 60)) == TOKEN_OK,
          "(%s, y) after a refused token with that jti: %s", a, token_rule_name(r));
    /* Expired but not purged (the cache is not full): the pair is taken again, then a replay. */
    chk.now = NOW_R + 60 + TOKEN_SKEW;
    CHECK((r = replay_try(&chk, pk1, a, "x", aud, 600)) == TOKEN_OK,
          "(%s, x) in a new token once its entry expired: %s", a, token_rule_name(r));
    CHECK((r = replay_try(&chk, pk1, a, "x", aud, 600)) == TOKEN_REPLAYED,
          "(%s, x) in that new token again: %s", a, token_rule_name(r));
    token_replay_free(rc);
    free(pem1), free(pem2), free(pem3);
    EVP_PKEY_free(pk1), EVP_PKEY_free(pk2), EVP_PKEY_free(pk3);
    keyring_free(kr);
}

/* A full cache drops exactly its expired entries (exp + skew <= now): one second before the
 * short-lived ones expire it is still full and they are still replays; at that second they go and
 * the long-lived ones stay; a pair whose entry expired is taken again, once. */
static void
test_replay_purge(void)
{
    struct keyring *kr = keyring_new();
    EVP_PKEY *pk = forge_p256();
    char *pem = forge_pem(pk, 0), err[EDGE_ERR_LEN];
    struct edge_peer peer = {EDGE_PEER_CERT, "", "eec-0001", "", "", ""};
    struct token_replay *rc = token_replay_new(4);
    struct token_check chk = {
        TOKEN_PROFILE_EEC, "ees1.edge.test", NULL, kr, NULL, &peer, NULL, rc, NOW_R, 0};
    static const char iss[] = "ecs1.edge.test", aud[] = "ees1.edge.test";
    static const char *const jti[] = {"s1", "s2", "l1", "l2"}; /* short-, then long-lived */
    enum token_rule r;

    CHECK(keyring_add_verify_pem(kr, iss, "k1", pem, strlen(pem), err) == 0, "%s", err);
    for (int i = 0; i < 4; i++)
        CHECK((r = replay_try(&chk, pk, iss, jti[i], aud, i < 2 ? 60 : 600)) == TOKEN_OK,
              "first use of %s: %s", jti[i], token_rule_name(r));
    chk.now = NOW_R + 60 + TOKEN_SKEW - 1;
    CHECK((r = replay_try(&chk, pk, iss, "n1", aud, 600)) == TOKEN_REPLAY_FULL &&
              token_replay_count(rc) == 4,
          "a second before s1, s2 expire: %s, %zu remembered", token_rule_name(r),
          token_replay_count(rc));
    CHECK((r = replay_try(&chk, pk, iss, "s1", aud, 60)) == TOKEN_REPLAYED,
          "s1 a second before it expires: %s", token_rule_name(r));
    chk.now = NOW_R + 60 + TOKEN_SKEW;
    CHECK((r = replay_try(&chk, pk, iss, "n1", aud, 600)) == TOKEN_OK &&
              token_replay_count(rc) == 3,
          "when s1, s2 expire: %s, %zu remembered (want 3)", token_rule_name(r),
          token_replay_count(rc));
    for (int i = 2; i < 4; i++)
        CHECK((r = replay_try(&chk, pk, iss, jti[i], aud, 600)) == TOKEN_REPLAYED,
              "%s after the purge: %s", jti[i], token_rule_name(r));
    CHECK((r = replay_try(&chk, pk, iss, "s1", aud, 600)) == TOKEN_OK,
          "s1 in a new token once its entry expired: %s", token_rule_name(r));
    CHECK((r = replay_try(&chk, pk, iss, "s1", aud, 600)) == TOKEN_REPLAYED,
          "s1 in that new token again: %s", token_rule_name(r));
    token_replay_free(rc);
    free(pem);
    EVP_PKEY_free(pk);
    keyring_free(kr);
}

static void
test_scopes(void)
{
    static const char *const good[] = {"a", "eees-eecreg", "a b", "x:y_z-1 q"};
    static const char *const bad[] = {"", " a", "a ", "a  b", "a,b", "a\tb", "a/b", "\xc3\xa9"};

    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        CHECK(token_scope_ok(good[i]), "scope '%s' refused", good[i]);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CHECK(!token_scope_ok(bad[i]), "scope '%s' accepted", bad[i]);
    CHECK(token_scope_covers("a b c", "c a"), "subset in another order");
    CHECK(!token_scope_covers("ab c", "a"), "a name's prefix is not the name");
    CHECK(!token_scope_covers("a", "a b"), "superset");
    CHECK(token_scope_covers("a", NULL) && token_scope_covers(NULL, ""), "nothing required");
    CHECK(!token_scope_covers(NULL, "a"), "nothing granted");
}

int
main(void)
{
    test_b64url();
    test_scopes();
    test_jwks();
    test_keyring();
    test_es256_forms();
    test_keyring_sign();
    test_http_mapping();
    test_replay_cache();
    test_replay_keys();
    test_replay_purge();
    printf("%s\n", check_failures ? "FAILED" : "all unit checks passed");
    return check_failures ? 1 : 0;
}
