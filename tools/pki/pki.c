/* pki.c -- makes the scenario CA, the ECS/EES/EEC certificates and the ECS ES256 signing keys with
 * OpenSSL 3. */
#include "pki.h"
#include "base/err.h"
#include "base/file.h"
#include "base/json_strict.h"
#include "base/sizes.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

/* Longest PEM file read back: a P-256 certificate is under 1 KiB. */
#define PKI_PEM_MAX (64 * 1024)
/* X.520 upper bound of a common name (RFC 5280 Appendix A). */
#define PKI_CN_MAX 64

enum pki_pem {
    PKI_PEM_PRIV,
    PKI_PEM_PUB,
    PKI_PEM_CERT,
};

/* One file of a set written together. */
struct pki_out {
    char path[PATH_MAX];
    enum pki_pem what;
    void *obj;
    char tmp[PATH_MAX + 16];
    int committed;
};

/* Fill err with what, followed by OpenSSL's reason for the last failure. */
static int
pki_ossl_err(char *err, const char *what)
{
    unsigned long e = ERR_peek_last_error();
    char reason[160];

    if (e == 0) {
        ERR_clear_error();
        return edge_err(err, "%s", what);
    }
    ERR_error_string_n(e, reason, sizeof(reason));
    ERR_clear_error();
    return edge_err(err, "%s: %s", what, reason);
}

int
pki_path(char *buf, size_t len, const char *dir, enum pki_file which, const char *name,
         const char *kid, char *err)
{
    char why[EDGE_ERR_LEN];
    int n = -1;

    if (dir == NULL || dir[0] == '\0')
        return edge_err(err, "no directory given");
    /* Names become file names: checking them here keeps a '/' or ".." from
     * ever leaving dir, whoever the caller is. */
    switch (which) {
    case PKI_NODE_CRT:
    case PKI_NODE_KEY:
    case PKI_SIG_KEY:
    case PKI_SIG_PUB:
        if (js_valid_fqdn(name, why) == -1)
            return edge_err(err, "FQDN \"%.64s\": %s", name ? name : "", why);
        break;
    case PKI_EEC_CRT:
    case PKI_EEC_KEY:
        if (js_valid_id(name, why) == -1)
            return edge_err(err, "EEC ID \"%.64s\": %s", name ? name : "", why);
        break;
    case PKI_CA_CRT:
    case PKI_CA_KEY:
        break;
    }
    if ((which == PKI_SIG_KEY || which == PKI_SIG_PUB) && js_valid_kid(kid, why) == -1)
        return edge_err(err, "kid \"%.64s\": %s", kid ? kid : "", why);

    switch (which) {
    case PKI_CA_CRT:
        n = snprintf(buf, len, "%s/ca.crt", dir);
        break;
    case PKI_CA_KEY:
        n = snprintf(buf, len, "%s/ca.key", dir);
        break;
    case PKI_NODE_CRT:
        n = snprintf(buf, len, "%s/%s.crt", dir, name);
        break;
    case PKI_NODE_KEY:
        n = snprintf(buf, len, "%s/%s.key", dir, name);
        break;
    case PKI_EEC_CRT:
        n = snprintf(buf, len, "%s/eec-%s.crt", dir, name);
        break;
    case PKI_EEC_KEY:
        n = snprintf(buf, len, "%s/eec-%s.key", dir, name);
        break;
    case PKI_SIG_KEY:
        n = snprintf(buf, len, "%s/%s.sig-%s.key", dir, name, kid);
        break;
    case PKI_SIG_PUB:
        n = snprintf(buf, len, "%s/%s.sig-%s.pub", dir, name, kid);
        break;
    }
    if (n < 0 || (size_t)n >= len)
        return edge_err(err, "%s: path too long", dir);
    return 0;
}

EVP_PKEY *
pki_key_new(char *err)
{
    EVP_PKEY *key;

    if ((key = EVP_EC_gen("P-256")) == NULL)
        pki_ossl_err(err, "P-256 key generation failed");
    return key;
}

static int
pki_add_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value, char *err)
{
    X509_EXTENSION *ext;
    int rc;

    if ((ext = X509V3_EXT_nconf_nid(NULL, ctx, nid, value)) == NULL)
        return pki_ossl_err(err, "certificate extension");
    rc = X509_add_ext(x, ext, -1);
    X509_EXTENSION_free(ext);
    if (rc != 1)
        return pki_ossl_err(err, "certificate extension");
    return 0;
}

static int
pki_add_name(GENERAL_NAMES *gens, int type, const char *value)
{
    GENERAL_NAME *gn;
    ASN1_IA5STRING *ia5;

    if ((gn = GENERAL_NAME_new()) == NULL)
        return -1;
    if ((ia5 = ASN1_IA5STRING_new()) == NULL || ASN1_STRING_set(ia5, value, -1) != 1) {
        ASN1_IA5STRING_free(ia5);
        GENERAL_NAME_free(gn);
        return -1;
    }
    GENERAL_NAME_set0_value(gn, type, ia5);
    if (sk_GENERAL_NAME_push(gens, gn) == 0) {
        GENERAL_NAME_free(gn);
        return -1;
    }
    return 0;
}

/* The SAN is built from GENERAL_NAMEs rather than a config string such as
 * "URI:...", whose parser would split a value at a comma. */
static int
pki_add_san(X509 *x, const struct pki_cert_spec *spec, char *err)
{
    GENERAL_NAMES *gens;
    int i, rc = -1;

    if (spec->dns == NULL && spec->uris[0] == NULL)
        return 0;
    if ((gens = sk_GENERAL_NAME_new_null()) == NULL)
        return pki_ossl_err(err, "subjectAltName");
    if (spec->dns != NULL && pki_add_name(gens, GEN_DNS, spec->dns) == -1)
        goto done;
    for (i = 0; i < PKI_URIS_MAX && spec->uris[i] != NULL; i++)
        if (pki_add_name(gens, GEN_URI, spec->uris[i]) == -1)
            goto done;
    if (X509_add1_ext_i2d(x, NID_subject_alt_name, gens, 0, X509V3_ADD_DEFAULT) != 1)
        goto done;
    rc = 0;
done:
    GENERAL_NAMES_free(gens);
    if (rc == -1)
        pki_ossl_err(err, "subjectAltName");
    return rc;
}

static int
pki_add_entry(X509_NAME *name, const char *field, const char *value, char *err)
{
    if (X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8, (const unsigned char *)value, -1, -1,
                                   0) != 1)
        return pki_ossl_err(err, "certificate subject");
    return 0;
}

/* RFC 5280 4.1.2.2: a positive serial of at most 20 octets; 128 random bits
 * keep it unique across the CAs of many runs without any state. */
static int
pki_serial(X509 *x, char *err)
{
    BIGNUM *bn;
    int rc = -1;

    if ((bn = BN_new()) == NULL)
        return pki_ossl_err(err, "serial number");
    do {
        if (BN_rand(bn, 128, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1)
            goto done;
    } while (BN_is_zero(bn));
    if (BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) == NULL)
        goto done;
    rc = 0;
done:
    BN_free(bn);
    if (rc == -1)
        pki_ossl_err(err, "serial number");
    return rc;
}

X509 *
pki_cert_new(const struct pki_cert_spec *spec, EVP_PKEY *key, X509 *issuer, EVP_PKEY *issuer_key,
             char *err)
{
    X509_NAME *name = NULL;
    X509V3_CTX ctx;
    X509 *x = NULL;
    const char *eku = NULL;

    if (spec->days < 1 || spec->days > PKI_DAYS_MAX) {
        edge_err(err, "validity of %d days is out of range (1 to %d)", spec->days, PKI_DAYS_MAX);
        return NULL;
    }
    if (issuer != NULL && issuer_key == NULL) {
        edge_err(err, "an issuer certificate needs its key");
        return NULL;
    }
    if ((x = X509_new()) == NULL || (name = X509_NAME_new()) == NULL) {
        pki_ossl_err(err, "certificate");
        goto fail;
    }
    if (X509_set_version(x, X509_VERSION_3) != 1 || pki_serial(x, err) == -1)
        goto fail;
    /* O=edgesim keeps the subject non-empty when a long FQDN cannot be a CN
     * (64 bytes at most); the SAN is what peers match on anyway. */
    if (pki_add_entry(name, "O", "edgesim", err) == -1)
        goto fail;
    if (spec->ou != NULL && pki_add_entry(name, "OU", spec->ou, err) == -1)
        goto fail;
    if (spec->cn != NULL && strlen(spec->cn) <= PKI_CN_MAX &&
        pki_add_entry(name, "CN", spec->cn, err) == -1)
        goto fail;
    if (X509_set_subject_name(x, name) != 1 ||
        X509_set_issuer_name(x, issuer != NULL ? X509_get_subject_name(issuer) : name) != 1) {
        pki_ossl_err(err, "certificate names");
        goto fail;
    }
    /* Valid from an hour ago, so that nodes whose clocks differ a little
     * (or a simulated clock) accept a certificate made just now. */
    if (X509_gmtime_adj(X509_getm_notBefore(x), -3600) == NULL ||
        X509_time_adj_ex(X509_getm_notAfter(x), spec->days, 0, NULL) == NULL ||
        X509_set_pubkey(x, key) != 1) {
        pki_ossl_err(err, "certificate validity or key");
        goto fail;
    }

    X509V3_set_ctx(&ctx, issuer != NULL ? issuer : x, x, NULL, NULL, 0);
    if (pki_add_ext(x, &ctx, NID_basic_constraints,
                    spec->ca ? "critical,CA:TRUE" : "critical,CA:FALSE", err) == -1 ||
        pki_add_ext(x, &ctx, NID_key_usage,
                    spec->ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature",
                    err) == -1 ||
        pki_add_ext(x, &ctx, NID_subject_key_identifier, "hash", err) == -1)
        goto fail;
    if (issuer != NULL &&
        pki_add_ext(x, &ctx, NID_authority_key_identifier, "keyid:always", err) == -1)
        goto fail;
    if (!spec->ca) {
        if (spec->server_auth && spec->client_auth)
            eku = "serverAuth,clientAuth";
        else if (spec->server_auth)
            eku = "serverAuth";
        else if (spec->client_auth)
            eku = "clientAuth";
        if (eku != NULL && pki_add_ext(x, &ctx, NID_ext_key_usage, eku, err) == -1)
            goto fail;
    }
    if (pki_add_san(x, spec, err) == -1)
        goto fail;
    if (X509_sign(x, issuer != NULL ? issuer_key : key, EVP_sha256()) <= 0) {
        pki_ossl_err(err, "certificate signature");
        goto fail;
    }
    X509_NAME_free(name);
    return x;

fail:
    X509_NAME_free(name);
    X509_free(x);
    return NULL;
}

/* Write obj as PEM into a new temporary file next to out->path. */
static int
pki_prepare(struct pki_out *out, char *err)
{
    BIO *bio = NULL;
    int fd, ok = 0;

    if (snprintf(out->tmp, sizeof(out->tmp), "%s.XXXXXX", out->path) >= (int)sizeof(out->tmp))
        return edge_err(err, "%s: path too long", out->path);
    /* mkostemp creates the file 0600, so a private key is never readable by
     * others, not even for a moment. */
    if ((fd = mkostemp(out->tmp, O_CLOEXEC)) == -1) {
        edge_err(err, "%s: %s", out->path, strerror(errno));
        out->tmp[0] = '\0';
        return -1;
    }
    if (out->what != PKI_PEM_PRIV && fchmod(fd, 0644) == -1) {
        edge_err(err, "%s: %s", out->tmp, strerror(errno));
        goto done;
    }
    if ((bio = BIO_new_fd(fd, BIO_NOCLOSE)) == NULL) {
        pki_ossl_err(err, out->path);
        goto done;
    }
    switch (out->what) {
    case PKI_PEM_PRIV:
        /* No cipher: PKCS#8 PrivateKeyInfo, "BEGIN PRIVATE KEY". */
        ok = PEM_write_bio_PrivateKey(bio, out->obj, NULL, NULL, 0, NULL, NULL);
        break;
    case PKI_PEM_PUB:
        ok = PEM_write_bio_PUBKEY(bio, out->obj);
        break;
    case PKI_PEM_CERT:
        ok = PEM_write_bio_X509(bio, out->obj);
        break;
    }
    if (ok != 1 || BIO_flush(bio) != 1) {
        pki_ossl_err(err, out->path);
        ok = 0;
        goto done;
    }
    if (fsync(fd) == -1) {
        edge_err(err, "%s: %s", out->tmp, strerror(errno));
        ok = 0;
    }

done:
    BIO_free(bio);
    if (close(fd) == -1 && ok == 1) {
        edge_err(err, "%s: %s", out->tmp, strerror(errno));
        ok = 0;
    }
    if (ok != 1) {
        unlink(out->tmp);
        out->tmp[0] = '\0';
        return -1;
    }
    return 0;
}

/* Put the temporary file in place. Without force, link(2) is the O_EXCL of
 * a rename: it fails if the name exists, and never replaces it. */
static int
pki_commit(struct pki_out *out, int force, char *err)
{
    int saved;

    if (force) {
        if (rename(out->tmp, out->path) == -1)
            return edge_err(err, "%s: %s", out->path, strerror(errno));
    } else {
        if (link(out->tmp, out->path) == -1) {
            saved = errno;
            if (saved == EEXIST)
                return edge_err(err, "%s already exists (use --force to replace it)", out->path);
            return edge_err(err, "%s: %s", out->path, strerror(saved));
        }
        unlink(out->tmp);
    }
    out->tmp[0] = '\0';
    out->committed = 1;
    return 0;
}

/* Write a set of files (a key and its certificate) all or nothing: every
 * file is made in full before any is put in place, and if one cannot be put
 * in place the others this call created are removed again. (A file replaced
 * under force cannot be brought back, but rename(2) fails only on I/O.) */
static int
pki_write_set(struct pki_out *outs, size_t n, int force, char *err)
{
    struct stat st;
    size_t i;
    int rc = -1;

    for (i = 0; i < n; i++) {
        outs[i].tmp[0] = '\0';
        outs[i].committed = 0;
    }
    for (i = 0; i < n && !force; i++)
        if (lstat(outs[i].path, &st) == 0)
            return edge_err(err, "%s already exists (use --force to replace it)", outs[i].path);
    for (i = 0; i < n; i++)
        if (pki_prepare(&outs[i], err) == -1)
            goto done;
    for (i = 0; i < n; i++)
        if (pki_commit(&outs[i], force, err) == -1)
            goto done;
    rc = 0;

done:
    for (i = 0; i < n; i++) {
        if (outs[i].tmp[0] != '\0')
            unlink(outs[i].tmp);
        if (rc == -1 && outs[i].committed && !force)
            unlink(outs[i].path);
    }
    return rc;
}

static int
pki_write_one(const char *path, enum pki_pem what, void *obj, int force, char *err)
{
    struct pki_out out;

    if (snprintf(out.path, sizeof(out.path), "%s", path) >= (int)sizeof(out.path))
        return edge_err(err, "%s: path too long", path);
    out.what = what;
    out.obj = obj;
    return pki_write_set(&out, 1, force, err);
}

int
pki_write_key(const char *path, EVP_PKEY *key, int force, char *err)
{
    return pki_write_one(path, PKI_PEM_PRIV, key, force, err);
}

int
pki_write_pubkey(const char *path, EVP_PKEY *key, int force, char *err)
{
    return pki_write_one(path, PKI_PEM_PUB, key, force, err);
}

int
pki_write_cert(const char *path, X509 *crt, int force, char *err)
{
    return pki_write_one(path, PKI_PEM_CERT, crt, force, err);
}

/* Never prompt for a passphrase: edgesim keys are unencrypted, and a node
 * started by the runner has no terminal to ask on. */
static int
pki_no_pass(char *buf, int size, int rwflag, void *u)
{
    (void)buf;
    (void)size;
    (void)rwflag;
    (void)u;
    return -1;
}

/* Read a PEM file through a buffer that is wiped afterwards, so that no
 * stdio buffer keeps a copy of a private key. */
static void *
pki_load(const char *path, enum pki_pem what, char *err)
{
    char *buf = NULL;
    void *obj = NULL;
    size_t len = 0;
    BIO *bio = NULL;

    if (edge_file_read(path, (size_t)PKI_PEM_MAX, &buf, &len, err) == -1)
        return NULL;
    if ((bio = BIO_new_mem_buf(buf, (int)len)) == NULL) {
        pki_ossl_err(err, path);
        goto done;
    }
    switch (what) {
    case PKI_PEM_PRIV:
        obj = PEM_read_bio_PrivateKey(bio, NULL, pki_no_pass, NULL);
        break;
    case PKI_PEM_PUB:
        obj = PEM_read_bio_PUBKEY(bio, NULL, pki_no_pass, NULL);
        break;
    case PKI_PEM_CERT:
        obj = PEM_read_bio_X509(bio, NULL, pki_no_pass, NULL);
        break;
    }
    if (obj == NULL) {
        /* OpenSSL's own reason ("no start line") tells a user less. */
        ERR_clear_error();
        edge_err(err, "%s: not a PEM %s", path,
                 what == PKI_PEM_PRIV  ? "private key (or an encrypted one)"
                 : what == PKI_PEM_PUB ? "public key"
                                       : "certificate");
    }

done:
    BIO_free(bio);
    OPENSSL_cleanse(buf, len);
    free(buf);
    return obj;
}

EVP_PKEY *
pki_load_key(const char *path, char *err)
{
    return pki_load(path, PKI_PEM_PRIV, err);
}

EVP_PKEY *
pki_load_pubkey(const char *path, char *err)
{
    return pki_load(path, PKI_PEM_PUB, err);
}

X509 *
pki_load_cert(const char *path, char *err)
{
    return pki_load(path, PKI_PEM_CERT, err);
}

static int
pki_dir(const char *dir, char *err)
{
    struct stat st;

    if (mkdir(dir, 0755) == -1 && errno != EEXIST)
        return edge_err(err, "%s: %s", dir, strerror(errno));
    if (stat(dir, &st) == -1)
        return edge_err(err, "%s: %s", dir, strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return edge_err(err, "%s: not a directory", dir);
    return 0;
}

static int
pki_days(int days, int dflt, int *out, char *err)
{
    if (days == 0)
        days = dflt;
    if (days < 1 || days > PKI_DAYS_MAX)
        return edge_err(err, "validity of %d days is out of range (1 to %d)", days, PKI_DAYS_MAX);
    *out = days;
    return 0;
}

/* The CA of dir, with its key checked against its certificate. */
static int
pki_load_ca(const char *dir, X509 **ca, EVP_PKEY **ca_key, char *err)
{
    char crt[PATH_MAX], key[PATH_MAX], why[EDGE_ERR_LEN];

    *ca = NULL;
    *ca_key = NULL;
    if (pki_path(crt, sizeof(crt), dir, PKI_CA_CRT, NULL, NULL, err) == -1 ||
        pki_path(key, sizeof(key), dir, PKI_CA_KEY, NULL, NULL, err) == -1)
        return -1;
    if ((*ca = pki_load_cert(crt, why)) == NULL || (*ca_key = pki_load_key(key, why)) == NULL) {
        edge_err(err, "scenario CA: %s (make it first with: edge-pki ca --dir %s)", why, dir);
        goto fail;
    }
    if (X509_check_private_key(*ca, *ca_key) != 1) {
        ERR_clear_error();
        edge_err(err, "%s does not belong to %s", key, crt);
        goto fail;
    }
    return 0;

fail:
    X509_free(*ca);
    EVP_PKEY_free(*ca_key);
    *ca = NULL;
    *ca_key = NULL;
    return -1;
}

/* Make a key and a certificate for spec, signed by the CA of dir (or
 * self-signed for the CA itself), and write both. */
static int
pki_make_pair(const char *dir, enum pki_file crt_file, enum pki_file key_file, const char *name,
              const struct pki_cert_spec *spec, int force, char *err)
{
    struct pki_out outs[2];
    EVP_PKEY *key = NULL, *ca_key = NULL;
    X509 *ca = NULL, *crt = NULL;
    struct stat st;
    int rc = -1, i;

    if (pki_path(outs[0].path, sizeof(outs[0].path), dir, key_file, name, NULL, err) == -1 ||
        pki_path(outs[1].path, sizeof(outs[1].path), dir, crt_file, name, NULL, err) == -1 ||
        pki_dir(dir, err) == -1)
        return -1;
    /* Refuse before the CA is even read: the message a user needs first. */
    for (i = 0; i < 2 && !force; i++)
        if (lstat(outs[i].path, &st) == 0)
            return edge_err(err, "%s already exists (use --force to replace it)", outs[i].path);
    if (!spec->ca && pki_load_ca(dir, &ca, &ca_key, err) == -1)
        goto done;
    if ((key = pki_key_new(err)) == NULL)
        goto done;
    if ((crt = pki_cert_new(spec, key, ca, ca_key, err)) == NULL)
        goto done;
    outs[0].what = PKI_PEM_PRIV;
    outs[0].obj = key;
    outs[1].what = PKI_PEM_CERT;
    outs[1].obj = crt;
    rc = pki_write_set(outs, 2, force, err);

done:
    X509_free(crt);
    EVP_PKEY_free(key);
    X509_free(ca);
    EVP_PKEY_free(ca_key);
    return rc;
}

int
pki_make_ca(const char *dir, const char *cn, int days, int force, char *err)
{
    struct pki_cert_spec spec = {.ca = 1};
    size_t i;

    if (cn == NULL)
        cn = "edgesim scenario CA";
    if (cn[0] == '\0' || strlen(cn) > PKI_CN_MAX)
        return edge_err(err, "CA name must be 1 to %d bytes", PKI_CN_MAX);
    for (i = 0; cn[i] != '\0'; i++)
        if ((unsigned char)cn[i] < 0x20 || cn[i] == 0x7f)
            return edge_err(err, "CA name holds a control character");
    if (pki_days(days, PKI_CA_DAYS, &spec.days, err) == -1)
        return -1;
    spec.cn = cn;
    return pki_make_pair(dir, PKI_CA_CRT, PKI_CA_KEY, NULL, &spec, force, err);
}

int
pki_make_node(const char *dir, const char *fqdn, enum pki_kind kind, int days, int force, char *err)
{
    struct pki_cert_spec spec = {.server_auth = 1, .client_auth = 1};
    char why[EDGE_ERR_LEN];

    if (js_valid_fqdn(fqdn, why) == -1)
        return edge_err(err, "FQDN \"%.64s\": %s", fqdn ? fqdn : "", why);
    if (pki_days(days, PKI_LEAF_DAYS, &spec.days, err) == -1)
        return -1;
    spec.cn = fqdn;
    spec.dns = fqdn;
    spec.ou = kind == PKI_KIND_ECS ? "ecs" : kind == PKI_KIND_EES ? "ees" : NULL;
    return pki_make_pair(dir, PKI_NODE_CRT, PKI_NODE_KEY, fqdn, &spec, force, err);
}

int
pki_make_eec(const char *dir, const char *eec_id, const char *gpsi, int days, int force, char *err)
{
    char why[EDGE_ERR_LEN], eec_uri[EDGE_ID_MAX + 32], gpsi_uri[EDGE_GPSI_MAX + 32];
    struct pki_cert_spec spec = {.client_auth = 1, .ou = "eec"};

    if (js_valid_id(eec_id, why) == -1)
        return edge_err(err, "EEC ID \"%.64s\": %s", eec_id ? eec_id : "", why);
    if (gpsi != NULL && js_valid_gpsi(gpsi, why) == -1)
        return edge_err(err, "GPSI \"%.64s\": %s", gpsi, why);
    if (pki_days(days, PKI_LEAF_DAYS, &spec.days, err) == -1)
        return -1;
    /* The URI forms of peer.h, which the TLS layer reads back. */
    snprintf(eec_uri, sizeof(eec_uri), "urn:edgesim:eec:%s", eec_id);
    spec.uris[0] = eec_uri;
    if (gpsi != NULL) {
        snprintf(gpsi_uri, sizeof(gpsi_uri), "urn:edgesim:gpsi:%s", gpsi);
        spec.uris[1] = gpsi_uri;
    }
    spec.cn = eec_id;
    return pki_make_pair(dir, PKI_EEC_CRT, PKI_EEC_KEY, eec_id, &spec, force, err);
}

int
pki_make_bound(const char *dir, const char *fqdn, const char *what, const char *id, int days,
               int force, char *err)
{
    struct pki_cert_spec spec = {.server_auth = 1, .client_auth = 1};
    char why[EDGE_ERR_LEN], uri[EDGE_ID_MAX + 32];

    if (js_valid_fqdn(fqdn, why) == -1)
        return edge_err(err, "FQDN \"%.64s\": %s", fqdn ? fqdn : "", why);
    if (what == NULL || (strcmp(what, "eas") != 0 && strcmp(what, "eec") != 0))
        return edge_err(err, "a bound identity is an \"eas\" or an \"eec\"");
    if (js_valid_id(id, why) == -1)
        return edge_err(err, "%s ID \"%.64s\": %s", what, id ? id : "", why);
    if (pki_days(days, PKI_LEAF_DAYS, &spec.days, err) == -1)
        return -1;
    snprintf(uri, sizeof(uri), "urn:edgesim:%s:%s", what, id);
    spec.cn = fqdn;
    spec.dns = fqdn;
    spec.ou = what;
    spec.uris[0] = uri;
    return pki_make_pair(dir, PKI_NODE_CRT, PKI_NODE_KEY, fqdn, &spec, force, err);
}

int
pki_make_signkey(const char *dir, const char *ecs_fqdn, const char *kid, int force, char *err)
{
    struct pki_out outs[2];
    EVP_PKEY *key;
    int rc;

    if (pki_path(outs[0].path, sizeof(outs[0].path), dir, PKI_SIG_KEY, ecs_fqdn, kid, err) == -1 ||
        pki_path(outs[1].path, sizeof(outs[1].path), dir, PKI_SIG_PUB, ecs_fqdn, kid, err) == -1 ||
        pki_dir(dir, err) == -1)
        return -1;
    if ((key = pki_key_new(err)) == NULL)
        return -1;
    outs[0].what = PKI_PEM_PRIV;
    outs[0].obj = key;
    outs[1].what = PKI_PEM_PUB;
    outs[1].obj = key;
    rc = pki_write_set(outs, 2, force, err);
    EVP_PKEY_free(key);
    return rc;
}
