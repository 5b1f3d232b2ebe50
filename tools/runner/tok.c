/* tok.c -- decodes JWS tokens, checks which ECS signed them, and forges the attack tokens (RFC
 * 7515). */
#include "tok.h"

#include "base/b64url.h"
#include "base/err.h"
#include "base/file.h"
#include "base/strmap.h"

#include <glob.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOK_MAX 16384    /* longer than any token of the profile */
#define TOK_DIR_MAX 4096 /* a run's pki directory */

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

/* ---- the run's public keys, each file parsed once ---- */

struct tok_keys {
    char pkidir[TOK_DIR_MAX];
    struct strmap *byfile; /* "<issuer>.sig-<kid>.pub" -> EVP_PKEY */
    size_t parsed;         /* PEM files read so far */
};

struct tok_keys *
tok_keys_new(const char *pkidir)
{
    struct tok_keys *k = calloc(1, sizeof(*k));

    if (k == NULL || strlen(pkidir) >= sizeof(k->pkidir) || (k->byfile = strmap_new()) == NULL) {
        free(k);
        return NULL;
    }
    memcpy(k->pkidir, pkidir, strlen(pkidir) + 1);
    return k;
}

static void
tok_key_free(void *v)
{
    EVP_PKEY_free(v);
}

void
tok_keys_free(struct tok_keys *k)
{
    if (k == NULL)
        return;
    strmap_free(k->byfile, tok_key_free);
    free(k);
}

size_t
tok_keys_parsed(const struct tok_keys *k)
{
    return k->parsed;
}

/* The key in pkidir's file name, parsed the first time it is asked for. A file that is not there
 * is not remembered: a key made during the run (a rotation) is found when it comes. Key files are
 * never rewritten during a run (edge-pki signkey does not replace one), so a parsed key stays. */
static EVP_PKEY *
tok_key_file(struct tok_keys *k, const char *name)
{
    char path[TOK_DIR_MAX + 512];
    EVP_PKEY *key = strmap_get(k->byfile, name);
    FILE *f;

    if (key != NULL || strchr(name, '/') != NULL ||
        snprintf(path, sizeof(path), "%s/%s", k->pkidir, name) >= (int)sizeof(path) ||
        (f = fopen(path, "r")) == NULL)
        return key;
    key = PEM_read_PUBKEY(f, NULL, NULL, NULL);
    fclose(f);
    k->parsed++;
    if (key != NULL && strmap_put(k->byfile, name, key, NULL) == -1) {
        EVP_PKEY_free(key); /* out of memory: not kept, so not verified with */
        key = NULL;
    }
    return key;
}

/* The kid of the token's header, when it can name a key file (no '/', not empty, short). */
static int
tok_header_kid(const char *jwt, size_t d1, char *kid, size_t len)
{
    char why[EDGE_ERR_LEN];
    json_t *h = tok_seg_json(jwt, d1, why);
    const char *v = json_string_value(json_object_get(h, "kid"));
    int rc = -1;

    if (v != NULL && v[0] != '\0' && strlen(v) < len && strchr(v, '/') == NULL) {
        memcpy(kid, v, strlen(v) + 1);
        rc = 0;
    }
    json_decref(h);
    return rc;
}

int
tok_signed_by(struct tok_keys *k, const char *jwt, const char *issuer, char *err)
{
    size_t d1, d2, siglen;
    uint8_t sig[128];
    char pat[TOK_DIR_MAX + 512], kid[128], first[512] = "";
    EVP_PKEY *key;
    glob_t g;
    int found = 0;

    if (tok_split(jwt, &d1, &d2) == -1)
        return edge_err(err, "not a compact JWS");
    if (strlen(jwt + d2 + 1) > 100 ||
        b64url_decode(jwt + d2 + 1, strlen(jwt + d2 + 1), sig, &siglen) == -1 || siglen != 64)
        return 0;
    if (strchr(issuer, '/') != NULL || strlen(issuer) > 255)
        return edge_err(err, "%s: not an issuer name", issuer);
    /* The key the header names first: the one that signed, for every token a node issued. */
    if (tok_header_kid(jwt, d1, kid, sizeof(kid)) == 0) {
        snprintf(first, sizeof(first), "%s.sig-%s.pub", issuer, kid);
        if ((key = tok_key_file(k, first)) != NULL &&
            tok_verify_one(jwt, d2, sig, siglen, key) == 1)
            return 1;
    }
    /* Then every other key of the issuer (a kid changed under the signature, none at all). */
    snprintf(pat, sizeof(pat), "%s/%s.sig-*.pub", k->pkidir, issuer);
    if (glob(pat, 0, NULL, &g) != 0)
        return edge_err(err, "no public key of %s in %s", issuer, k->pkidir);
    for (size_t i = 0; i < g.gl_pathc && !found; i++) {
        const char *name = strrchr(g.gl_pathv[i], '/') + 1;
        if (strcmp(name, first) != 0 && (key = tok_key_file(k, name)) != NULL)
            found = tok_verify_one(jwt, d2, sig, siglen, key);
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

/* A file of pkidir named for the token's issuer and kid: "<iss>.sig-<kid><suffix>". */
static int
tok_issuer_file(const char *pkidir, json_t *header, json_t *claims, const char *suffix, char *path,
                size_t len, char *err)
{
    const char *iss = json_string_value(json_object_get(claims, "iss"));
    const char *kid = json_string_value(json_object_get(header, "kid"));

    if (iss == NULL || kid == NULL || strchr(iss, '/') || strchr(kid, '/'))
        return edge_err(err, "the forgery needs a token with iss and kid");
    snprintf(path, len, "%s/%s.sig-%s%s", pkidir, iss, kid, suffix);
    return 0;
}

/* ES256 over signing with key (raw R||S, base64url) appended: "signing.sig". */
static char *
tok_sign_es256(const char *signing, EVP_PKEY *key, char *err)
{
    unsigned char der[128];
    uint8_t sig[64];
    size_t derlen = sizeof(der);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    char *s64 = NULL, *out = NULL;

    if (md == NULL || EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key) != 1 ||
        EVP_DigestSign(md, der, &derlen, (const unsigned char *)signing, strlen(signing)) != 1 ||
        tok_der_to_raw(der, derlen, sig) == -1 || (s64 = b64url_encode_alloc(sig, 64)) == NULL) {
        edge_err(err, "OpenSSL could not sign with ES256");
    } else if ((out = malloc(strlen(signing) + strlen(s64) + 2)) != NULL) {
        sprintf(out, "%s.%s", signing, s64);
    }
    EVP_MD_CTX_free(md);
    free(s64);
    return out;
}

/* What a forgery needs: the original token, and the new header and claims encoded. */
struct tok_forgery {
    const char *jwt;
    size_t d1, d2; /* its dots */
    json_t *header, *claims;
    const char *h64, *c64, *signing; /* new header.claims */
    const char *pkidir;
};

/* "payload": the claims (and header) changed, the issuer's signature kept. */
static char *
tok_forge_payload(struct tok_forgery *f, char *err)
{
    char *out = malloc(strlen(f->signing) + strlen(f->jwt + f->d2) + 1);
    (void)err;
    if (out != NULL)
        sprintf(out, "%s%s", f->signing, f->jwt + f->d2);
    return out;
}

/* "alg-none" (the header says none) and "strip-signature": no signature at all. */
static char *
tok_forge_unsigned(struct tok_forgery *f, char *err)
{
    char *out = malloc(strlen(f->signing) + 2);
    (void)err;
    if (out != NULL)
        sprintf(out, "%s.", f->signing);
    return out;
}

/* "hs256-pubkey": HS256 keyed with the issuer's public key PEM (key confusion). */
static char *
tok_forge_hs256(struct tok_forgery *f, char *err)
{
    char path[2048], *pem = NULL, *s64 = NULL, *out = NULL;
    unsigned char mac[32];
    unsigned int maclen = 0;
    size_t pemlen = 0;

    if (tok_issuer_file(f->pkidir, f->header, f->claims, ".pub", path, sizeof(path), err) == -1 ||
        edge_file_read(path, 16384, &pem, &pemlen, err) == -1)
        return NULL;
    HMAC(EVP_sha256(), pem, (int)pemlen, (unsigned char *)f->signing, strlen(f->signing), mac,
         &maclen);
    OPENSSL_cleanse(pem, pemlen);
    free(pem);
    if ((s64 = b64url_encode_alloc(mac, 32)) != NULL &&
        (out = malloc(strlen(f->signing) + strlen(s64) + 2)) != NULL)
        sprintf(out, "%s.%s", f->signing, s64);
    free(s64);
    return out;
}

/* "untrusted-key": ES256 by a fresh key nobody trusts. */
static char *
tok_forge_untrusted(struct tok_forgery *f, char *err)
{
    EVP_PKEY *key = EVP_EC_gen("P-256");
    char *out = NULL;

    if (key == NULL)
        edge_err(err, "OpenSSL could not make a P-256 key");
    else
        out = tok_sign_es256(f->signing, key, err);
    EVP_PKEY_free(key);
    return out;
}

/* "issuer-key": signed for real with the private key of the (new) iss and kid: a valid token with
 * the claims the step wants (a narrow scope, an exp in the past, another ECS as issuer). */
static char *
tok_forge_issuer(struct tok_forgery *f, char *err)
{
    char path[2048], *out = NULL;
    EVP_PKEY *key = NULL;
    FILE *fp;

    if (tok_issuer_file(f->pkidir, f->header, f->claims, ".key", path, sizeof(path), err) == -1)
        return NULL;
    if ((fp = fopen(path, "r")) == NULL) {
        edge_err(err, "no signing key %s", path);
        return NULL;
    }
    key = PEM_read_PrivateKey(fp, NULL, NULL, NULL);
    fclose(fp);
    if (key == NULL)
        edge_err(err, "%s: not a private key", path);
    else
        out = tok_sign_es256(f->signing, key, err);
    EVP_PKEY_free(key);
    return out;
}

static const struct {
    const char *kind;
    const char *alg; /* the header's alg after the forgery; NULL: kept */
    char *(*forge)(struct tok_forgery *f, char *err);
} tok_forgeries[] = {
    {"payload", NULL, tok_forge_payload},          {"alg-none", "none", tok_forge_unsigned},
    {"strip-signature", NULL, tok_forge_unsigned}, {"hs256-pubkey", "HS256", tok_forge_hs256},
    {"untrusted-key", NULL, tok_forge_untrusted},  {"issuer-key", NULL, tok_forge_issuer},
};

char *
tok_forge(const char *jwt, const char *kind, const struct tok_changes *ch, const char *pkidir,
          char *err)
{
    struct tok_forgery f = {.jwt = jwt, .pkidir = pkidir};
    char *h64 = NULL, *c64 = NULL, *signing = NULL, *out = NULL;
    const char *k;
    json_t *v;
    size_t i, n = sizeof(tok_forgeries) / sizeof(tok_forgeries[0]);

    for (i = 0; i < n && strcmp(tok_forgeries[i].kind, kind) != 0; i++)
        ;
    if (i == n) {
        edge_err(err, "unknown forgery \"%s\"", kind);
        return NULL;
    }
    if (tok_decode(jwt, &f.header, &f.claims, err) == -1)
        return NULL;
    if (tok_split(jwt, &f.d1, &f.d2) == -1) {
        edge_err(err, "forge: not a compact JWS");
        goto done;
    }
    json_object_foreach(ch->set, k, v) json_object_set(f.claims, k, v);
    json_array_foreach(ch->unset, i, v) json_object_del(f.claims, json_string_value(v));
    json_object_foreach(ch->header, k, v) json_object_set(f.header, k, v);
    for (i = 0; i < n; i++)
        if (strcmp(tok_forgeries[i].kind, kind) == 0 && tok_forgeries[i].alg != NULL)
            json_object_set_new(f.header, "alg", json_string(tok_forgeries[i].alg));
    /* An unchanged header keeps its very bytes. */
    if (ch->header == NULL && strcmp(kind, "alg-none") != 0 && strcmp(kind, "hs256-pubkey") != 0)
        h64 = strndup(jwt, f.d1);
    else
        h64 = tok_b64_json(f.header);
    c64 = tok_b64_json(f.claims);
    if (h64 == NULL || c64 == NULL || (signing = malloc(strlen(h64) + strlen(c64) + 2)) == NULL) {
        edge_err(err, "out of memory");
        goto done;
    }
    sprintf(signing, "%s.%s", h64, c64);
    f.signing = signing;
    for (i = 0; i < n; i++)
        if (strcmp(tok_forgeries[i].kind, kind) == 0)
            out = tok_forgeries[i].forge(&f, err);
done:
    free(signing);
    free(h64);
    free(c64);
    json_decref(f.header);
    json_decref(f.claims);
    return out;
}
