/* forge.h -- test-only helpers that build JWS tokens by hand, independent of
 * libedge and libjwt: base64url through OpenSSL's EVP_EncodeBlock, ES256 /
 * ES384 through EVP with the DER signature converted to raw R || S
 * (RFC 7518 3.4), HS256 through HMAC(). Forged tokens must not share code
 * with the validator they attack. */
#ifndef EDGE_TEST_FORGE_H
#define EDGE_TEST_FORGE_H

#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* base64url without padding; returns a new string. */
static inline char *
forge_b64url(const unsigned char *in, size_t n)
{
    char *out = malloc(4 * ((n + 2) / 3) + 1);
    int len = EVP_EncodeBlock((unsigned char *)out, in, (int)n);

    for (int i = 0; i < len; i++) {
        if (out[i] == '+')
            out[i] = '-';
        else if (out[i] == '/')
            out[i] = '_';
    }
    while (len > 0 && out[len - 1] == '=')
        len--;
    out[len] = '\0';
    return out;
}

static inline EVP_PKEY *
forge_p256(void)
{
    return EVP_EC_gen("P-256");
}

/* PEM text of a key (private PKCS#8 or public SPKI); new string. */
static inline char *
forge_pem(EVP_PKEY *pk, int private)
{
    BIO *b = BIO_new(BIO_s_mem());
    char *data, *out;
    long n;

    if (private)
        PEM_write_bio_PrivateKey(b, pk, NULL, NULL, 0, NULL, NULL);
    else
        PEM_write_bio_PUBKEY(b, pk);
    n = BIO_get_mem_data(b, &data);
    out = malloc((size_t)n + 1);
    memcpy(out, data, (size_t)n);
    out[n] = '\0';
    BIO_free(b);
    return out;
}

/* ECDSA over msg with md (EVP_sha256 for ES256, EVP_sha384 for the "ES384
 * header signed with a P-256 key" attack); raw R || S, 64 bytes. */
static inline int
forge_ecdsa(EVP_PKEY *pk, const EVP_MD *md, const char *msg, unsigned char raw[64])
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned char der[128];
    const unsigned char *p = der;
    size_t dlen = sizeof(der);
    ECDSA_SIG *sig;
    int ok;

    ok = EVP_DigestSignInit(ctx, NULL, md, NULL, pk) == 1 &&
         EVP_DigestSign(ctx, der, &dlen, (const unsigned char *)msg, strlen(msg)) == 1;
    EVP_MD_CTX_free(ctx);
    if (!ok || (sig = d2i_ECDSA_SIG(NULL, &p, (long)dlen)) == NULL)
        return -1;
    BN_bn2binpad(ECDSA_SIG_get0_r(sig), raw, 32);
    BN_bn2binpad(ECDSA_SIG_get0_s(sig), raw + 32, 32);
    ECDSA_SIG_free(sig);
    return 0;
}

#endif
