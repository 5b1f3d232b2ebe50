/* keyring.c -- the ES256 signing and verification keys of the token profile (RFC 7518 3.4,
 * TS 33.558 6.2); the only place that touches a private key. */
#include "auth/keyring.h"
#include "auth/es256.h"
#include "base/err.h"
#include "base/file.h"
#include "net/peer.h"
#include "base/json_strict.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEYRING_PEM_MAX 16384 /* a P-256 key PEM is about 250 bytes */
#define KEYRING_P256 SN_X9_62_prime256v1

_Static_assert(KEYRING_SIG_LEN == ES256_SIG_LEN, "JWS ES256 signature length");

/* The key is parsed once, when it is loaded; each signature or verification
 * starts from a copy of a digest context already bound to it, so no token
 * costs a PEM parse or a key set-up. */
struct keyring_key {
    char kk_issuer[EDGE_FQDN_MAX];
    char kk_kid[KEYRING_KID_MAX + 1];
    EVP_PKEY *kk_pkey;     /* public key, and the private one for a signing key */
    int kk_private;        /* 1: a signing key */
    EVP_MD_CTX *kk_sign;   /* EVP_DigestSignInit(SHA-256, kk_pkey); NULL: verify only */
    EVP_MD_CTX *kk_verify; /* EVP_DigestVerifyInit(SHA-256, kk_pkey) */
};

struct keyring {
    struct keyring_key kr_keys[KEYRING_MAX_KEYS];
    size_t kr_n;
    char kr_active[KEYRING_KID_MAX + 1]; /* "" when nothing signs */
};

int
keyring_kid_ok(const char *kid)
{
    char why[EDGE_ERR_LEN];

    return js_valid_kid(kid, why) == 0;
}

/* An issuer is an ECS FQDN. */
static int
keyring_issuer_ok(const char *iss)
{
    char why[EDGE_ERR_LEN];

    return js_valid_fqdn(iss, why) == 0;
}

struct keyring *
keyring_new(void)
{
    return calloc(1, sizeof(struct keyring));
}

static void
keyring_key_clear(struct keyring_key *k)
{
    EVP_MD_CTX_free(k->kk_sign);
    EVP_MD_CTX_free(k->kk_verify);
    EVP_PKEY_free(k->kk_pkey);
    memset(k, 0, sizeof(*k));
}

void
keyring_free(struct keyring *kr)
{
    if (kr == NULL)
        return;
    for (size_t i = 0; i < kr->kr_n; i++)
        keyring_key_clear(&kr->kr_keys[i]);
    free(kr);
}

static struct keyring_key *
keyring_find(const struct keyring *kr, const char *issuer, const char *kid)
{
    for (size_t i = 0; i < kr->kr_n; i++) {
        const struct keyring_key *k = &kr->kr_keys[i];
        if (strcmp(k->kk_issuer, issuer) == 0 && strcmp(k->kk_kid, kid) == 0)
            return (struct keyring_key *)k;
    }
    return NULL;
}

/* A signing key's issuer, or NULL when the keyring has none. */
static const char *
keyring_signing_issuer(const struct keyring *kr)
{
    for (size_t i = 0; i < kr->kr_n; i++)
        if (kr->kr_keys[i].kk_private)
            return kr->kr_keys[i].kk_issuer;
    return NULL;
}

/* Only a named P-256 curve: explicit curve parameters or another curve
 * would let a key of the wrong strength sign under "ES256". */
static int
keyring_is_p256(EVP_PKEY *pk)
{
    char name[64];
    size_t nlen = 0;

    if (EVP_PKEY_get_base_id(pk) != EVP_PKEY_EC)
        return 0;
    if (!EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME, name, sizeof(name), &nlen))
        return 0;
    return strcmp(name, KEYRING_P256) == 0;
}

static int
keyring_check_names(const struct keyring *kr, const char *issuer, const char *kid, char *err)
{
    if (!keyring_issuer_ok(issuer))
        return edge_err(err, "issuer '%.64s' is not an FQDN", issuer ? issuer : "(null)");
    if (!keyring_kid_ok(kid))
        return edge_err(err, "kid '%.64s' is not 1..%d of [A-Za-z0-9._-]", kid ? kid : "(null)",
                        KEYRING_KID_MAX);
    if (keyring_find(kr, issuer, kid) != NULL)
        return edge_err(err, "key %s of %s is already loaded", kid, issuer);
    if (kr->kr_n >= KEYRING_MAX_KEYS)
        return edge_err(err, "keyring full (%d keys)", KEYRING_MAX_KEYS);
    return 0;
}

/* ES256 with k's key over msg, as R || S. */
static int
keyring_key_sign(const struct keyring_key *k, const uint8_t *msg, size_t len,
                 uint8_t sig[KEYRING_SIG_LEN])
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    uint8_t der[ES256_DER_MAX];
    size_t der_len = sizeof(der);
    int rc = -1;

    if (md == NULL || k->kk_sign == NULL || EVP_MD_CTX_copy_ex(md, k->kk_sign) != 1 ||
        EVP_DigestSign(md, der, &der_len, msg, len) != 1)
        goto done;
    rc = es256_sig_from_der(der, der_len, sig);
done:
    EVP_MD_CTX_free(md);
    return rc;
}

/* 1 when sig (R || S) is k's ES256 signature over msg, else 0. */
static int
keyring_key_verify(const struct keyring_key *k, const uint8_t *msg, size_t len,
                   const uint8_t sig[KEYRING_SIG_LEN])
{
    uint8_t der[ES256_DER_MAX];
    EVP_MD_CTX *md;
    int der_len, ok;

    /* JWS carries R || S; EVP wants the DER SEQUENCE of RFC 3279. */
    if ((der_len = es256_sig_to_der(sig, der)) < 0 || (md = EVP_MD_CTX_new()) == NULL)
        return 0;
    ok = EVP_MD_CTX_copy_ex(md, k->kk_verify) == 1 &&
         EVP_DigestVerify(md, der, (size_t)der_len, msg, len) == 1;
    EVP_MD_CTX_free(md);
    return ok;
}

/* Bind the digest contexts to k's key, and for a signing key sign once and
 * verify that signature: the key pair and the whole path (EVP, DER to R || S
 * and back) are checked here, at load, instead of after every token. */
static int
keyring_key_prepare(struct keyring_key *k, char *err)
{
    static const uint8_t probe[] = "edgesim keyring self-test";
    uint8_t sig[KEYRING_SIG_LEN];

    if ((k->kk_verify = EVP_MD_CTX_new()) == NULL ||
        EVP_DigestVerifyInit(k->kk_verify, NULL, EVP_sha256(), NULL, k->kk_pkey) != 1)
        return edge_err(err, "key %s: cannot set up ES256 verification", k->kk_kid);
    if (!k->kk_private)
        return 0;
    if ((k->kk_sign = EVP_MD_CTX_new()) == NULL ||
        EVP_DigestSignInit(k->kk_sign, NULL, EVP_sha256(), NULL, k->kk_pkey) != 1)
        return edge_err(err, "signing key %s: cannot set up ES256 signing", k->kk_kid);
    if (keyring_key_sign(k, probe, sizeof(probe), sig) < 0 ||
        !keyring_key_verify(k, probe, sizeof(probe), sig))
        return edge_err(err, "signing key %s: a test signature does not verify", k->kk_kid);
    return 0;
}

/* Takes ownership of pkey (freed here on error). */
static int
keyring_insert(struct keyring *kr, const char *issuer, const char *kid, EVP_PKEY *pkey, int private,
               char *err)
{
    const char *signer = keyring_signing_issuer(kr);
    struct keyring_key k = {.kk_pkey = pkey, .kk_private = private};

    if (keyring_check_names(kr, issuer, kid, err) < 0)
        goto fail;
    if (private && signer != NULL && strcmp(signer, issuer) != 0) {
        edge_err(err, "keyring signs for %s, not for %s", signer, issuer);
        goto fail;
    }
    snprintf(k.kk_issuer, sizeof(k.kk_issuer), "%s", issuer);
    snprintf(k.kk_kid, sizeof(k.kk_kid), "%s", kid);
    if (keyring_key_prepare(&k, err) < 0)
        goto fail;
    kr->kr_keys[kr->kr_n++] = k;
    if (private && kr->kr_active[0] == '\0')
        snprintf(kr->kr_active, sizeof(kr->kr_active), "%s", kid);
    return 0;
fail:
    keyring_key_clear(&k);
    return -1;
}

/* OpenSSL's default prompts on the terminal for an encrypted PEM: a daemon
 * would hang. Refuse instead. */
static int
keyring_no_passphrase(char *buf, int size, int rwflag, void *u)
{
    (void)buf, (void)size, (void)rwflag, (void)u;
    return -1;
}

int
keyring_add_signing_pem(struct keyring *kr, const char *issuer, const char *kid, const char *pem,
                        size_t len, char *err)
{
    BIO *bio = NULL;
    EVP_PKEY *pk = NULL;
    EVP_PKEY_CTX *cctx = NULL;
    int rc = -1;

    if (keyring_check_names(kr, issuer, kid, err) < 0)
        return -1;
    if (len == 0 || len > KEYRING_PEM_MAX || len > INT_MAX)
        return edge_err(err, "signing key %s: PEM of %zu bytes", kid, len);
    if ((bio = BIO_new_mem_buf(pem, (int)len)) == NULL) {
        edge_err(err, "out of memory");
        goto done;
    }
    if ((pk = PEM_read_bio_PrivateKey(bio, NULL, keyring_no_passphrase, NULL)) == NULL) {
        edge_err(err, "signing key %s: not an unencrypted private key PEM", kid);
        goto done;
    }
    if (!keyring_is_p256(pk)) {
        edge_err(err, "signing key %s: not an EC P-256 key (ES256 needs P-256)", kid);
        goto done;
    }
    if ((cctx = EVP_PKEY_CTX_new_from_pkey(NULL, pk, NULL)) == NULL || EVP_PKEY_check(cctx) != 1) {
        edge_err(err, "signing key %s: private and public parts do not match", kid);
        goto done;
    }
    rc = keyring_insert(kr, issuer, kid, pk, 1, err);
    pk = NULL; /* owned (or freed) by keyring_insert */
done:
    EVP_PKEY_CTX_free(cctx);
    EVP_PKEY_free(pk);
    BIO_free(bio);
    return rc;
}

static int
keyring_check_public(EVP_PKEY *pk, const char *kid, char *err)
{
    EVP_PKEY_CTX *cctx;
    int ok;

    if (!keyring_is_p256(pk))
        return edge_err(err, "key %s: not an EC P-256 key (ES256 needs P-256)", kid);
    cctx = EVP_PKEY_CTX_new_from_pkey(NULL, pk, NULL);
    ok = cctx != NULL && EVP_PKEY_public_check(cctx) == 1;
    EVP_PKEY_CTX_free(cctx);
    if (!ok)
        return edge_err(err, "key %s: public point is not on P-256", kid);
    return 0;
}

int
keyring_add_verify_pem(struct keyring *kr, const char *issuer, const char *kid, const char *pem,
                       size_t len, char *err)
{
    BIO *bio;
    EVP_PKEY *pk;

    if (keyring_check_names(kr, issuer, kid, err) < 0)
        return -1;
    if (len == 0 || len > KEYRING_PEM_MAX || len > INT_MAX)
        return edge_err(err, "public key %s: PEM of %zu bytes", kid, len);
    if ((bio = BIO_new_mem_buf(pem, (int)len)) == NULL)
        return edge_err(err, "out of memory");
    pk = PEM_read_bio_PUBKEY(bio, NULL, keyring_no_passphrase, NULL);
    BIO_free(bio);
    if (pk == NULL)
        return edge_err(err, "public key %s: not a SubjectPublicKeyInfo PEM", kid);
    if (keyring_check_public(pk, kid, err) < 0) {
        EVP_PKEY_free(pk);
        return -1;
    }
    return keyring_insert(kr, issuer, kid, pk, 0, err);
}

int
keyring_add_verify_xy(struct keyring *kr, const char *issuer, const char *kid,
                      const uint8_t x[KEYRING_COORD_LEN], const uint8_t y[KEYRING_COORD_LEN],
                      char *err)
{
    uint8_t point[1 + 2 * KEYRING_COORD_LEN];
    char group[] = KEYRING_P256;
    OSSL_PARAM params[3];
    EVP_PKEY_CTX *ctx = NULL;
    EVP_PKEY *pk = NULL;
    int rc = -1;

    if (keyring_check_names(kr, issuer, kid, err) < 0)
        return -1;
    point[0] = 0x04; /* SEC 1 2.3.3: uncompressed point */
    memcpy(point + 1, x, KEYRING_COORD_LEN);
    memcpy(point + 1 + KEYRING_COORD_LEN, y, KEYRING_COORD_LEN);
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group, 0);
    params[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, point, sizeof(point));
    params[2] = OSSL_PARAM_construct_end();
    if ((ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL)) == NULL ||
        EVP_PKEY_fromdata_init(ctx) != 1 ||
        EVP_PKEY_fromdata(ctx, &pk, EVP_PKEY_PUBLIC_KEY, params) != 1) {
        edge_err(err, "key %s: (x, y) is not a point on P-256", kid);
        goto done;
    }
    if (keyring_check_public(pk, kid, err) < 0)
        goto done;
    rc = keyring_insert(kr, issuer, kid, pk, 0, err);
    pk = NULL;
done:
    EVP_PKEY_free(pk);
    EVP_PKEY_CTX_free(ctx);
    return rc;
}

/* Read a whole key file (at most KEYRING_PEM_MAX bytes); *buf is wiped and
 * freed by the caller. */
static int
keyring_read_file(const char *path, char **buf, size_t *len, char *err)
{
    if (edge_file_read(path, KEYRING_PEM_MAX, buf, len, err) < 0)
        return -1;
    if (*len == 0) {
        free(*buf);
        *buf = NULL;
        return edge_err(err, "%s: empty file", path);
    }
    return 0;
}

static int
keyring_load_file(struct keyring *kr, const char *issuer, const char *kid, const char *path,
                  int private, char *err)
{
    char *buf;
    size_t len = 0;
    int rc;

    if (keyring_read_file(path, &buf, &len, err) < 0)
        return -1;
    if (private)
        rc = keyring_add_signing_pem(kr, issuer, kid, buf, len, err);
    else
        rc = keyring_add_verify_pem(kr, issuer, kid, buf, len, err);
    OPENSSL_cleanse(buf, len);
    free(buf);
    if (rc < 0 && err != NULL) {
        char msg[EDGE_ERR_LEN];
        snprintf(msg, sizeof(msg), "%s", err);
        edge_err(err, "%s: %s", path, msg);
    }
    return rc;
}

int
keyring_load_signing_file(struct keyring *kr, const char *issuer, const char *kid, const char *path,
                          char *err)
{
    return keyring_load_file(kr, issuer, kid, path, 1, err);
}

int
keyring_load_verify_file(struct keyring *kr, const char *issuer, const char *kid, const char *path,
                         char *err)
{
    return keyring_load_file(kr, issuer, kid, path, 0, err);
}

/* "<issuer>.sig-<kid>.<ext>": copies kid out when name has that form. */
static int
keyring_dir_kid(const char *name, const char *issuer, const char *ext,
                char kid[KEYRING_KID_MAX + 1])
{
    size_t il = strlen(issuer), nl = strlen(name), el = strlen(ext);
    static const char mid[] = ".sig-";
    size_t kl;

    if (nl <= il + sizeof(mid) - 1 + el || strncmp(name, issuer, il) != 0 ||
        strncmp(name + il, mid, sizeof(mid) - 1) != 0 || strcmp(name + nl - el, ext) != 0)
        return 0;
    kl = nl - il - (sizeof(mid) - 1) - el;
    if (kl > KEYRING_KID_MAX)
        return 0;
    memcpy(kid, name + il + sizeof(mid) - 1, kl);
    kid[kl] = '\0';
    return keyring_kid_ok(kid);
}

/* One pass over dir for files ending in ext, loaded into tmp. */
static int
keyring_dir_pass(struct keyring *tmp, const char *dir, const char *issuer, const char *ext,
                 int private, char *err)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char kid[KEYRING_KID_MAX + 1], path[PATH_MAX];
    int rc = 0;

    if (d == NULL)
        return edge_err(err, "%s: %s", dir, strerror(errno));
    while ((de = readdir(d)) != NULL) {
        struct keyring_key *have;
        if (!keyring_dir_kid(de->d_name, issuer, ext, kid))
            continue;
        if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >= (int)sizeof(path)) {
            rc = edge_err(err, "%s/%s: path too long", dir, de->d_name);
            break;
        }
        have = keyring_find(tmp, issuer, kid);
        if (have != NULL && !private) {
            /* The .pub next to a .key must be its public half. */
            struct keyring *one = keyring_new();
            int same = one != NULL && keyring_load_verify_file(one, issuer, kid, path, err) == 0 &&
                       EVP_PKEY_eq(have->kk_pkey, one->kr_keys[0].kk_pkey) == 1;
            keyring_free(one);
            if (!same) {
                rc = edge_err(err, "%s: not the public key of %s.sig-%s.key", path, issuer, kid);
                break;
            }
            continue;
        }
        if (keyring_load_file(tmp, issuer, kid, path, private, err) < 0) {
            rc = -1;
            break;
        }
    }
    closedir(d);
    return rc;
}

int
keyring_load_dir(struct keyring *kr, const char *dir, const char *issuer, int with_private,
                 char *err)
{
    struct keyring *tmp = keyring_new();
    int n = -1;

    if (tmp == NULL)
        return edge_err(err, "out of memory");
    if (!keyring_issuer_ok(issuer)) {
        edge_err(err, "issuer '%.64s' is not an FQDN", issuer ? issuer : "(null)");
        goto done;
    }
    if (with_private && keyring_dir_pass(tmp, dir, issuer, ".key", 1, err) < 0)
        goto done;
    if (keyring_dir_pass(tmp, dir, issuer, ".pub", 0, err) < 0)
        goto done;
    if (tmp->kr_n == 0) {
        edge_err(err, "%s: no key file %s.sig-<kid>.%s", dir, issuer,
                 with_private ? "{key,pub}" : "pub");
        goto done;
    }
    /* readdir order is arbitrary: make the choice of signer reproducible. */
    tmp->kr_active[0] = '\0';
    for (size_t i = 0; i < tmp->kr_n; i++)
        if (tmp->kr_keys[i].kk_private && strcmp(tmp->kr_keys[i].kk_kid, tmp->kr_active) > 0)
            snprintf(tmp->kr_active, sizeof(tmp->kr_active), "%s", tmp->kr_keys[i].kk_kid);
    n = (int)tmp->kr_n;
    if (keyring_merge(kr, tmp, err) < 0)
        n = -1;
done:
    keyring_free(tmp);
    return n;
}

int
keyring_merge(struct keyring *dst, struct keyring *src, char *err)
{
    const char *ds = keyring_signing_issuer(dst), *ss = keyring_signing_issuer(src);

    if (dst->kr_n + src->kr_n > KEYRING_MAX_KEYS)
        return edge_err(err, "keyring full (%d keys)", KEYRING_MAX_KEYS);
    if (ds != NULL && ss != NULL && strcmp(ds, ss) != 0)
        return edge_err(err, "keyring signs for %s, not for %s", ds, ss);
    for (size_t i = 0; i < src->kr_n; i++)
        if (keyring_find(dst, src->kr_keys[i].kk_issuer, src->kr_keys[i].kk_kid) != NULL)
            return edge_err(err, "key %s of %s is already loaded", src->kr_keys[i].kk_kid,
                            src->kr_keys[i].kk_issuer);
    for (size_t i = 0; i < src->kr_n; i++)
        dst->kr_keys[dst->kr_n++] = src->kr_keys[i];
    if (dst->kr_active[0] == '\0')
        memcpy(dst->kr_active, src->kr_active, sizeof(dst->kr_active));
    memset(src->kr_keys, 0, sizeof(src->kr_keys));
    src->kr_n = 0;
    src->kr_active[0] = '\0';
    return 0;
}

int
keyring_remove(struct keyring *kr, const char *issuer, const char *kid)
{
    struct keyring_key *k = keyring_find(kr, issuer, kid);
    size_t i;

    if (k == NULL)
        return -1;
    if (k->kk_private && strcmp(kr->kr_active, kid) == 0)
        kr->kr_active[0] = '\0';
    keyring_key_clear(k);
    i = (size_t)(k - kr->kr_keys);
    memmove(k, k + 1, (kr->kr_n - i - 1) * sizeof(*k));
    kr->kr_n--;
    memset(&kr->kr_keys[kr->kr_n], 0, sizeof(*k));
    return 0;
}

static struct keyring_key *
keyring_active(const struct keyring *kr)
{
    const char *signer = keyring_signing_issuer(kr);

    if (signer == NULL || kr->kr_active[0] == '\0')
        return NULL;
    return keyring_find(kr, signer, kr->kr_active);
}

int
keyring_set_active(struct keyring *kr, const char *kid, char *err)
{
    const char *signer = keyring_signing_issuer(kr);
    struct keyring_key *k;

    if (signer == NULL)
        return edge_err(err, "no signing key loaded");
    k = keyring_find(kr, signer, kid ? kid : "");
    if (k == NULL || !k->kk_private)
        return edge_err(err, "no signing key %.64s of %s", kid ? kid : "(null)", signer);
    snprintf(kr->kr_active, sizeof(kr->kr_active), "%s", kid);
    return 0;
}

const char *
keyring_active_kid(const struct keyring *kr)
{
    struct keyring_key *k = keyring_active(kr);

    return k ? k->kk_kid : NULL;
}

const char *
keyring_signer(const struct keyring *kr)
{
    struct keyring_key *k = keyring_active(kr);

    return k ? k->kk_issuer : NULL;
}

int
keyring_sign_es256(const struct keyring *kr, const uint8_t *msg, size_t len,
                   uint8_t sig[KEYRING_SIG_LEN], char *err)
{
    struct keyring_key *k = keyring_active(kr);

    if (k == NULL)
        return edge_err(err, "no active signing key");
    if (keyring_key_sign(k, msg, len, sig) < 0)
        return edge_err(err, "signing key %s: ES256 signature failed", k->kk_kid);
    return 0;
}

size_t
keyring_count(const struct keyring *kr)
{
    return kr->kr_n;
}

int
keyring_public_xy(const struct keyring *kr, size_t i, const char **issuer, const char **kid,
                  uint8_t x[KEYRING_COORD_LEN], uint8_t y[KEYRING_COORD_LEN])
{
    BIGNUM *bx = NULL, *by = NULL;
    int rc = -1;

    if (i >= kr->kr_n)
        return -1;
    if (EVP_PKEY_get_bn_param(kr->kr_keys[i].kk_pkey, OSSL_PKEY_PARAM_EC_PUB_X, &bx) != 1 ||
        EVP_PKEY_get_bn_param(kr->kr_keys[i].kk_pkey, OSSL_PKEY_PARAM_EC_PUB_Y, &by) != 1 ||
        BN_bn2binpad(bx, x, KEYRING_COORD_LEN) != KEYRING_COORD_LEN ||
        BN_bn2binpad(by, y, KEYRING_COORD_LEN) != KEYRING_COORD_LEN)
        goto done;
    if (issuer != NULL)
        *issuer = kr->kr_keys[i].kk_issuer;
    if (kid != NULL)
        *kid = kr->kr_keys[i].kk_kid;
    rc = 0;
done:
    BN_free(bx);
    BN_free(by);
    return rc;
}

int
keyring_has_issuer(const struct keyring *kr, const char *issuer)
{
    for (size_t i = 0; i < kr->kr_n; i++)
        if (strcmp(kr->kr_keys[i].kk_issuer, issuer) == 0)
            return 1;
    return 0;
}

const char *
keyring_kid_issuer(const struct keyring *kr, const char *kid, size_t nth)
{
    for (size_t i = 0; i < kr->kr_n; i++)
        if (strcmp(kr->kr_keys[i].kk_kid, kid) == 0 && nth-- == 0)
            return kr->kr_keys[i].kk_issuer;
    return NULL;
}

int
keyring_verify_es256(const struct keyring *kr, const char *issuer, const char *kid,
                     const uint8_t *msg, size_t len, const uint8_t *sig, size_t sig_len)
{
    const struct keyring_key *k = keyring_find(kr, issuer, kid);

    if (k == NULL)
        return -1;
    /* Any other length is not an ES256 signature. */
    if (sig_len != KEYRING_SIG_LEN)
        return 0;
    return keyring_key_verify(k, msg, len, sig);
}
