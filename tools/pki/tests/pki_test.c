/* pki_test.c -- credentials made by tools/pki/pki.c, checked through the OpenSSL API and, when
 * present, `openssl verify`. */
#include "base/err.h"
#include "pki.h"
#include "base/file.h"
#include "check.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

static const char *dir; /* the scenario directory under test */

static X509 *
load_cert(const char *name)
{
    char path[PATH_MAX], err[EDGE_ERR_LEN];
    X509 *x;

    FMT(path, "%s/%s", dir, name);
    if ((x = pki_load_cert(path, err)) == NULL)
        FAIL("%s", err);
    return x;
}

static EVP_PKEY *
load_key(const char *name, int pub)
{
    char path[PATH_MAX], err[EDGE_ERR_LEN];
    EVP_PKEY *k;

    FMT(path, "%s/%s", dir, name);
    k = pub ? pki_load_pubkey(path, err) : pki_load_key(path, err);
    if (k == NULL)
        FAIL("%s", err);
    return k;
}

static int
count_files(const char *d)
{
    struct dirent *e;
    DIR *dp;
    int n = 0;

    if ((dp = opendir(d)) == NULL)
        return -1;
    while ((e = readdir(dp)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    closedir(dp);
    return n;
}

static char *
slurp(const char *name)
{
    char path[PATH_MAX], *text;
    static char buf[4][8192];
    static int slot;
    char *b = buf[slot++ % 4];
    size_t n;

    FMT(path, "%s/%s", dir, name);
    b[0] = '\0';
    if (edge_file_read(path, sizeof(buf[0]) - 1, &text, &n, NULL) == 0) {
        memcpy(b, text, n + 1);
        free(text);
    }
    return b;
}

static void
expect_mode(const char *name, mode_t want)
{
    char path[PATH_MAX];
    struct stat st;

    FMT(path, "%s/%s", dir, name);
    if (stat(path, &st) == -1)
        FAIL("%s: %s", name, strerror(errno));
    else if ((st.st_mode & 07777) != want)
        FAIL("%s: mode %04o, expected %04o", name, (unsigned)(st.st_mode & 07777), (unsigned)want);
}

static int
is_p256(EVP_PKEY *k)
{
    char group[64];
    size_t len;

    return k != NULL && EVP_PKEY_is_a(k, "EC") &&
           EVP_PKEY_get_group_name(k, group, sizeof(group), &len) == 1 &&
           strcmp(group, "prime256v1") == 0;
}

/* Verify x against the CA of dir for a TLS purpose; returns the X509_V_ code. */
static int
verify(X509 *ca, X509 *x, int purpose)
{
    X509_STORE *store = X509_STORE_new();
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    int rc = -1;

    if (store == NULL || ctx == NULL || X509_STORE_add_cert(store, ca) != 1 ||
        X509_STORE_CTX_init(ctx, store, x, NULL) != 1 ||
        X509_STORE_CTX_set_purpose(ctx, purpose) != 1)
        goto done;
    rc = X509_verify_cert(ctx) == 1 ? X509_V_OK : X509_STORE_CTX_get_error(ctx);
done:
    X509_STORE_CTX_free(ctx);
    X509_STORE_free(store);
    ERR_clear_error();
    return rc;
}

/* The SAN of x as "DNS:a,URI:b", in certificate order. */
static void
san_string(X509 *x, char *out, size_t len)
{
    GENERAL_NAMES *gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
    const ASN1_IA5STRING *s;
    size_t used = 0;
    int i, type;

    out[0] = '\0';
    for (i = 0; i < sk_GENERAL_NAME_num(gens); i++) {
        s = GENERAL_NAME_get0_value(sk_GENERAL_NAME_value(gens, i), &type);
        used += (size_t)snprintf(out + used, len - used, "%s%s:%.*s", i ? "," : "",
                                 type == GEN_DNS   ? "DNS"
                                 : type == GEN_URI ? "URI"
                                                   : "OTHER",
                                 ASN1_STRING_length(s), (const char *)ASN1_STRING_get0_data(s));
        if (used >= len)
            break;
    }
    GENERAL_NAMES_free(gens);
}

static void
subject_cn(X509 *x, char *out, size_t len)
{
    out[0] = '\0';
    X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName, out, (int)len);
}

/* Seconds from now to t (negative: t is past). */
static long
secs_from_now(const ASN1_TIME *t)
{
    int days = 0, secs = 0;

    ASN1_TIME_diff(&days, &secs, NULL, t);
    return (long)days * 86400 + secs;
}

static void
check_serial(X509 *x, const char *name, BIGNUM **seen, int nseen)
{
    BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
    int i;

    if (bn == NULL || BN_is_negative(bn) || BN_is_zero(bn) || BN_num_bits(bn) > 128 ||
        BN_num_bits(bn) < 64)
        FAIL("%s: serial is not a random positive 128-bit number (%d bits)", name,
             bn ? BN_num_bits(bn) : -1);
    for (i = 0; i < nseen && bn != NULL; i++)
        if (BN_cmp(bn, seen[i]) == 0)
            FAIL("%s: serial repeats", name);
    seen[nseen] = bn;
}

static void
test_make(void)
{
    char err[EDGE_ERR_LEN], buf[512];
    X509 *ca, *node, *ees, *eec1, *eec2;
    EVP_PKEY *k, *pub;
    BIGNUM *serials[8] = {0};
    int n, i;
    static const char *names[] = {"ca.crt",
                                  "ca.key",
                                  "ecs1.edge.test.crt",
                                  "ecs1.edge.test.key",
                                  "ees1.edge.test.crt",
                                  "ees1.edge.test.key",
                                  "eec-eec-1.crt",
                                  "eec-eec-1.key",
                                  "eec-eec-2.crt",
                                  "eec-eec-2.key",
                                  "ecs1.edge.test.sig-k1.key",
                                  "ecs1.edge.test.sig-k1.pub",
                                  NULL};

    if (pki_make_ca(dir, NULL, 0, 0, err) != 0 ||
        pki_make_node(dir, "ecs1.edge.test", PKI_KIND_ECS, 0, 0, err) != 0 ||
        pki_make_node(dir, "ees1.edge.test", PKI_KIND_EES, 30, 0, err) != 0 ||
        pki_make_eec(dir, "eec-1", "msisdn-491701234567", 0, 0, err) != 0 ||
        pki_make_eec(dir, "eec-2", NULL, 0, 0, err) != 0 ||
        pki_make_signkey(dir, "ecs1.edge.test", "k1", 0, err) != 0) {
        FAIL("make: %s", err);
        return;
    }
    /* Deterministic names, nothing else left behind (no temporary files). */
    for (i = 0; names[i] != NULL; i++)
        expect_mode(names[i], strstr(names[i], ".key") ? 0600 : 0644);
    if ((n = count_files(dir)) != i)
        FAIL("expected %d files in %s, found %d", i, dir, n);

    ca = load_cert("ca.crt");
    node = load_cert("ecs1.edge.test.crt");
    ees = load_cert("ees1.edge.test.crt");
    eec1 = load_cert("eec-eec-1.crt");
    eec2 = load_cert("eec-eec-2.crt");
    if (ca == NULL || node == NULL || ees == NULL || eec1 == NULL || eec2 == NULL)
        goto done;

    /* The CA. */
    if (X509_check_ca(ca) != 1 || X509_self_signed(ca, 1) != 1)
        FAIL("ca.crt: not a self-signed CA");
    i = X509_get_ext_by_NID(ca, NID_basic_constraints, -1);
    if (i < 0 || !X509_EXTENSION_get_critical(X509_get_ext(ca, i)))
        FAIL("ca.crt: basicConstraints not critical");
    if (X509_get_key_usage(ca) != (KU_KEY_CERT_SIGN | KU_CRL_SIGN))
        FAIL("ca.crt: keyUsage %#x", X509_get_key_usage(ca));
    if (X509_get0_subject_key_id(ca) == NULL)
        FAIL("ca.crt: no subjectKeyIdentifier");
    subject_cn(ca, buf, sizeof(buf));
    if (strcmp(buf, "edgesim scenario CA") != 0)
        FAIL("ca.crt: CN \"%s\"", buf);
    if (!is_p256(X509_get0_pubkey(ca)))
        FAIL("ca.crt: not a P-256 key");
    if ((k = load_key("ca.key", 0)) != NULL && X509_check_private_key(ca, k) != 1)
        FAIL("ca.key does not match ca.crt");
    EVP_PKEY_free(k);
    if (secs_from_now(X509_get0_notAfter(ca)) < 3649L * 86400)
        FAIL("ca.crt: default validity is not 3650 days");

    /* ECS / EES: chain, SAN, EKU, both TLS roles. */
    if (verify(ca, node, X509_PURPOSE_SSL_SERVER) != X509_V_OK ||
        verify(ca, node, X509_PURPOSE_SSL_CLIENT) != X509_V_OK)
        FAIL("ecs1.edge.test.crt does not verify as TLS server and client");
    if (verify(ca, ees, X509_PURPOSE_SSL_SERVER) != X509_V_OK)
        FAIL("ees1.edge.test.crt does not verify");
    san_string(node, buf, sizeof(buf));
    if (strcmp(buf, "DNS:ecs1.edge.test") != 0)
        FAIL("ecs1.edge.test.crt: SAN \"%s\"", buf);
    san_string(ees, buf, sizeof(buf));
    if (strcmp(buf, "DNS:ees1.edge.test") != 0)
        FAIL("ees1.edge.test.crt: SAN \"%s\"", buf);
    if (X509_get_extended_key_usage(node) != (XKU_SSL_SERVER | XKU_SSL_CLIENT))
        FAIL("ecs1.edge.test.crt: EKU %#x", X509_get_extended_key_usage(node));
    if (X509_check_ca(node) != 0 || X509_get_key_usage(node) != KU_DIGITAL_SIGNATURE)
        FAIL("ecs1.edge.test.crt: must be a leaf for digitalSignature only");
    subject_cn(node, buf, sizeof(buf));
    if (strcmp(buf, "ecs1.edge.test") != 0)
        FAIL("ecs1.edge.test.crt: CN \"%s\"", buf);
    if (X509_get0_authority_key_id(node) == NULL ||
        ASN1_OCTET_STRING_cmp(X509_get0_authority_key_id(node), X509_get0_subject_key_id(ca)))
        FAIL("ecs1.edge.test.crt: authorityKeyIdentifier is not the CA's key id");
    if ((k = load_key("ecs1.edge.test.key", 0)) == NULL || X509_check_private_key(node, k) != 1 ||
        !is_p256(k))
        FAIL("ecs1.edge.test.key: not the P-256 key of its certificate");
    EVP_PKEY_free(k);
    /* From an hour ago; --days honoured. */
    if (labs(secs_from_now(X509_get0_notBefore(node)) + 3600) > 120)
        FAIL("ecs1.edge.test.crt: notBefore is not now - 1 hour");
    if (labs(secs_from_now(X509_get0_notAfter(node)) - 365L * 86400) > 120)
        FAIL("ecs1.edge.test.crt: default validity is not 365 days");
    if (labs(secs_from_now(X509_get0_notAfter(ees)) - 30L * 86400) > 120)
        FAIL("ees1.edge.test.crt: 30 days asked, notAfter differs");

    /* EEC: URIs of peer.h, client only. */
    if (verify(ca, eec1, X509_PURPOSE_SSL_CLIENT) != X509_V_OK)
        FAIL("eec-eec-1.crt does not verify as a TLS client");
    if (verify(ca, eec1, X509_PURPOSE_SSL_SERVER) != X509_V_ERR_INVALID_PURPOSE)
        FAIL("eec-eec-1.crt must not be usable as a TLS server");
    san_string(eec1, buf, sizeof(buf));
    if (strcmp(buf, "URI:urn:edgesim:eec:eec-1,URI:urn:edgesim:gpsi:msisdn-491701234567") != 0)
        FAIL("eec-eec-1.crt: SAN \"%s\"", buf);
    san_string(eec2, buf, sizeof(buf));
    if (strcmp(buf, "URI:urn:edgesim:eec:eec-2") != 0)
        FAIL("eec-eec-2.crt: SAN \"%s\"", buf);
    if (X509_get_extended_key_usage(eec1) != XKU_SSL_CLIENT)
        FAIL("eec-eec-1.crt: EKU %#x", X509_get_extended_key_usage(eec1));

    check_serial(ca, "ca.crt", serials, 0);
    check_serial(node, "ecs1.edge.test.crt", serials, 1);
    check_serial(ees, "ees1.edge.test.crt", serials, 2);
    check_serial(eec1, "eec-eec-1.crt", serials, 3);
    check_serial(eec2, "eec-eec-2.crt", serials, 4);

    /* The ES256 signing key: PKCS#8 + SPKI PEM, one pair, P-256, signs. */
    if (strncmp(slurp("ecs1.edge.test.sig-k1.key"), "-----BEGIN PRIVATE KEY-----\n", 28) != 0)
        FAIL("signing key is not PKCS#8 PEM");
    if (strncmp(slurp("ecs1.edge.test.sig-k1.pub"), "-----BEGIN PUBLIC KEY-----\n", 27) != 0)
        FAIL("signing public key is not SPKI PEM");
    k = load_key("ecs1.edge.test.sig-k1.key", 0);
    pub = load_key("ecs1.edge.test.sig-k1.pub", 1);
    if (!is_p256(k) || !is_p256(pub) || EVP_PKEY_eq(k, pub) != 1)
        FAIL("signing key pair: not one P-256 pair");
    else {
        static const unsigned char msg[] = "header.payload";
        unsigned char sig[128];
        size_t siglen = sizeof(sig);
        EVP_MD_CTX *md = EVP_MD_CTX_new();
        if (EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, k) != 1 ||
            EVP_DigestSign(md, sig, &siglen, msg, sizeof(msg) - 1) != 1 ||
            EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, pub) != 1 ||
            EVP_DigestVerify(md, sig, siglen, msg, sizeof(msg) - 1) != 1)
            FAIL("ES256 sign/verify with the signing key pair failed");
        EVP_MD_CTX_free(md);
    }
    EVP_PKEY_free(k);
    EVP_PKEY_free(pub);

done:
    for (i = 0; i < 8; i++)
        BN_free(serials[i]);
    X509_free(ca);
    X509_free(node);
    X509_free(ees);
    X509_free(eec1);
    X509_free(eec2);
}

/* Existing files are kept unless force; bad names write nothing. */
static void
test_refuse(void)
{
    char err[EDGE_ERR_LEN], want[PATH_MAX + 64], before[8192], other[PATH_MAX], path[PATH_MAX];
    int n = count_files(dir);
    X509 *ca, *node;
    EVP_PKEY *key;

    snprintf(before, sizeof(before), "%s", slurp("ecs1.edge.test.crt"));
    FMT(want, "%s/ecs1.edge.test.key already exists (use --force to replace it)", dir);
    if (pki_make_node(dir, "ecs1.edge.test", PKI_KIND_ECS, 0, 0, err) != -1 ||
        strcmp(err, want) != 0)
        FAIL("overwrite: expected \"%s\", got \"%s\"", want, err);
    if (strcmp(before, slurp("ecs1.edge.test.crt")) != 0)
        FAIL("refused overwrite changed the certificate");
    FMT(want, "%s/ca.key already exists (use --force to replace it)", dir);
    if (pki_make_ca(dir, NULL, 0, 0, err) != -1 || strcmp(err, want) != 0)
        FAIL("CA overwrite: expected \"%s\", got \"%s\"", want, err);
    FMT(want, "%s/ecs1.edge.test.sig-k1.key already exists (use --force to replace it)", dir);
    if (pki_make_signkey(dir, "ecs1.edge.test", "k1", 0, err) != -1 || strcmp(err, want) != 0)
        FAIL("signkey overwrite: expected \"%s\", got \"%s\"", want, err);
    /* A lone existing certificate blocks the pair too. */
    FMT(path, "%s/eec-eec-3.crt", dir);
    if (symlink("nowhere", path) == -1)
        FAIL("symlink: %s", strerror(errno));
    FMT(want, "%s/eec-eec-3.crt already exists (use --force to replace it)", dir);
    if (pki_make_eec(dir, "eec-3", NULL, 0, 0, err) != -1 || strcmp(err, want) != 0)
        FAIL("half pair: expected \"%s\", got \"%s\"", want, err);
    unlink(path);

    static const struct {
        int which;
        const char *a, *b, *want;
    } bad[] = {
        {0, "bad_fqdn", NULL, "FQDN \"bad_fqdn\": not a valid FQDN ('_' not allowed)"},
        {0, "../x", NULL, "FQDN \"../x\": not a valid FQDN (empty label)"},
        {1, "eec/1", NULL, "EEC ID \"eec/1\": not a valid identifier ('/' not allowed)"},
        {1, "eec-9", "msisdn-12",
         "GPSI \"msisdn-12\": not a valid GPSI (msisdn- takes 5 to 15 digits)"},
        {2, "ecs1.edge.test", "../k", "kid \"../k\": not a valid identifier ('/' not allowed)"},
        {2, "ecs1..test", "k", "FQDN \"ecs1..test\": not a valid FQDN (empty label)"},
    };
    size_t i;
    int rc;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        err[0] = '\0';
        rc = bad[i].which == 0   ? pki_make_node(dir, bad[i].a, PKI_KIND_NODE, 0, 0, err)
             : bad[i].which == 1 ? pki_make_eec(dir, bad[i].a, bad[i].b, 0, 0, err)
                                 : pki_make_signkey(dir, bad[i].a, bad[i].b, 0, err);
        if (rc != -1 || strcmp(err, bad[i].want) != 0)
            FAIL("bad input %zu: expected \"%s\", got \"%s\"", i, bad[i].want, err);
    }
    if (pki_make_node(dir, "x.test", PKI_KIND_NODE, 40000, 0, err) != -1 ||
        strcmp(err, "validity of 40000 days is out of range (1 to 36500)") != 0)
        FAIL("days: got \"%s\"", err);
    if (count_files(dir) != n)
        FAIL("refused calls left files behind (%d, was %d)", count_files(dir), n);

    /* Force replaces: a new certificate, still chaining to the CA. */
    if (pki_make_node(dir, "ecs1.edge.test", PKI_KIND_ECS, 0, 1, err) != 0)
        FAIL("force: %s", err);
    if (strcmp(before, slurp("ecs1.edge.test.crt")) == 0)
        FAIL("force did not replace the certificate");
    ca = load_cert("ca.crt");
    node = load_cert("ecs1.edge.test.crt");
    if (ca && node && verify(ca, node, X509_PURPOSE_SSL_SERVER) != X509_V_OK)
        FAIL("forced certificate does not verify");
    X509_free(ca);
    X509_free(node);
    expect_mode("ecs1.edge.test.key", 0600);
    if (count_files(dir) != n)
        FAIL("force changed the number of files");

    /* No CA: the message says where it was looked for and how to make it. */
    FMT(other, "%s/noca", dir);
    FMT(want,
        "scenario CA: %s/ca.crt: No such file or directory (make it first with: edge-pki ca "
        "--dir %s)",
        other, other);
    if (pki_make_node(other, "a.test", PKI_KIND_NODE, 0, 0, err) != -1 || strcmp(err, want) != 0)
        FAIL("no CA: expected \"%s\", got \"%s\"", want, err);
    if (count_files(other) != 0)
        FAIL("no CA: files written");
    /* A CA key that is not the CA certificate's, then a file that is no key. */
    if (pki_make_ca(other, "other CA", 0, 0, err) != 0)
        FAIL("second CA: %s", err);
    FMT(path, "%s/ca.key", other);
    FMT(want, "%s/ca.key", dir);
    if ((key = pki_load_key(want, err)) == NULL || pki_write_key(path, key, 1, err) != 0)
        FAIL("swap CA key: %s", err);
    EVP_PKEY_free(key);
    FMT(want, "%s/ca.key does not belong to %s/ca.crt", other, other);
    if (pki_make_node(other, "a.test", PKI_KIND_NODE, 0, 0, err) != -1 || strcmp(err, want) != 0)
        FAIL("wrong CA key: expected \"%s\", got \"%s\"", want, err);
    if ((node = load_cert("ecs1.edge.test.crt")) == NULL || pki_write_cert(path, node, 1, err) != 0)
        FAIL("overwrite CA key: %s", err);
    X509_free(node);
    FMT(want,
        "scenario CA: %s/ca.key: not a PEM private key (or an encrypted one) (make it first "
        "with: edge-pki ca --dir %s)",
        other, other);
    if (pki_make_node(other, "a.test", PKI_KIND_NODE, 0, 0, err) != -1 || strcmp(err, want) != 0)
        FAIL("not a key: expected \"%s\", got \"%s\"", want, err);
    if (count_files(other) != 2)
        FAIL("refused calls wrote into %s", other);
}

/* Run argv, returning its exit status (or -1 if it could not run). */
static int
run(char *const argv[])
{
    pid_t pid;
    int status, null;

    fflush(NULL);
    if ((pid = fork()) == -1)
        return -1;
    if (pid == 0) {
        if ((null = open("/dev/null", O_WRONLY)) != -1) {
            dup2(null, 1);
            dup2(null, 2);
        }
        execvp(argv[0], argv);
        _exit(127);
    }
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
        return -1;
    return WEXITSTATUS(status);
}

/* An independent check of the chain with the openssl command, if installed. */
static void
test_openssl_verify(void)
{
    char ca[PATH_MAX], node[PATH_MAX], eec[PATH_MAX], other[PATH_MAX];
    char *good[] = {"openssl", "verify", "-CAfile", ca, node, eec, NULL};
    char *bad[] = {"openssl", "verify", "-CAfile", other, node, NULL};
    char *version[] = {"openssl", "version", NULL};

    if (run(version) != 0) {
        printf("pki: openssl command not found, independent check skipped\n");
        return;
    }
    FMT(ca, "%s/ca.crt", dir);
    FMT(node, "%s/ecs1.edge.test.crt", dir);
    FMT(eec, "%s/eec-eec-1.crt", dir);
    FMT(other, "%s/noca/ca.crt", dir);
    if (run(good) != 0)
        FAIL("openssl verify -CAfile ca.crt refused the node or EEC certificate");
    if (run(bad) == 0)
        FAIL("openssl verify accepted the node certificate under another CA");
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

int
main(void)
{
    const char *base = getenv("TMPDIR");
    char made[PATH_MAX];

    FMT(made, "%s/pki_test.XXXXXX", base ? base : "/tmp");
    if (mkdtemp(made) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    dir = made;
    test_make();
    test_refuse();
    test_openssl_verify();
    nftw(made, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    return check_result("pki");
}
