/* bench_refs.c -- the references of edge-bench, measured in-process in the same run: the raw
 * ES256 signer and verifier of the keyring (RFC 7518 3.4; the key parsed once, as an ECS and an
 * EES hold it) and the TLS 1.3 mutual handshake (RFC 8446) with the nodes' own TLS contexts.
 *
 * Each is timed by this thread's CPU clock, not the wall clock: a rate per second of one core,
 * whatever else the machine runs meanwhile (the machine edge-bench runs on is shared, and the
 * other programs' share of it changes from one second to the next). */
#include "bench.h"

#include "auth/keyring.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define REF_CHECK_EVERY 32 /* operations between two looks at the clock */

/* A JWS signing input of the size of an EEC token (header and claims, base64url). */
static const char ref_input[] =
    "eyJhbGciOiJFUzI1NiIsImtpZCI6ImsxIiwidHlwIjoiSldUIn0.eyJhdWQiOiJlZXMxLmVkZ2UudGVzdCIsImNsaWVu"
    "dF9pZCI6ImVlYy0wMDAxIiwiZXhwIjoxNzk2MjgxODA2LCJpYXQiOjE3OTYyODE1MDYsImlzcyI6ImVjczEuZWRnZS50"
    "ZXN0IiwianRpIjoiOE5uaE13VWl3dlhLWEZTcWpsbjNqdyIsIm5iZiI6MTc5NjI4MTUwNiwic2NvcGUiOiJlZWVzLWVl"
    "Y3JlZ2lzdHJhdGlvbiBlZWVzLWVhc2Rpc2NvdmVyeSBlZWVzLWFwcGN0eHRyZWxvYyIsInN1YiI6Im1zaXNkbi00OTE3"
    "MDAwMDAwMDEifQ";

static double
ref_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A keyring with one fresh P-256 signing key of ecs1.edge.test, kid k1. */
static struct keyring *
ref_keyring(char *err)
{
    EVP_PKEY *pk = EVP_EC_gen("P-256");
    BIO *bio = BIO_new(BIO_s_secmem());
    struct keyring *kr = keyring_new();
    char *pem = NULL;
    long n = 0;

    if (pk == NULL || bio == NULL || kr == NULL ||
        !PEM_write_bio_PrivateKey(bio, pk, NULL, NULL, 0, NULL, NULL) ||
        (n = BIO_get_mem_data(bio, &pem)) <= 0 ||
        keyring_add_signing_pem(kr, "ecs1.edge.test", "k1", pem, (size_t)n, err) < 0) {
        if (err[0] == '\0')
            edge_err(err, "cannot make a P-256 key");
        keyring_free(kr);
        kr = NULL;
    }
    BIO_free(bio);
    EVP_PKEY_free(pk);
    return kr;
}

double
ref_sign_rate(double seconds, char *err)
{
    struct keyring *kr = ref_keyring(err);
    uint8_t sig[KEYRING_SIG_LEN];
    double t0 = ref_now(), t = t0;
    long n = 0;

    if (kr == NULL)
        return -1;
    while (t - t0 < seconds) {
        for (int i = 0; i < REF_CHECK_EVERY; i++, n++)
            if (keyring_sign_es256(kr, (const uint8_t *)ref_input, sizeof(ref_input) - 1, sig,
                                   err) < 0) {
                keyring_free(kr);
                return -1;
            }
        t = ref_now();
    }
    keyring_free(kr);
    return (double)n / (t - t0);
}

double
ref_verify_rate(double seconds, char *err)
{
    struct keyring *kr = ref_keyring(err);
    uint8_t sig[KEYRING_SIG_LEN];
    double t0, t;
    long n = 0;

    if (kr == NULL)
        return -1;
    if (keyring_sign_es256(kr, (const uint8_t *)ref_input, sizeof(ref_input) - 1, sig, err) < 0) {
        keyring_free(kr);
        return -1;
    }
    t0 = t = ref_now();
    while (t - t0 < seconds) {
        for (int i = 0; i < REF_CHECK_EVERY; i++, n++)
            if (keyring_verify_es256(kr, "ecs1.edge.test", "k1", (const uint8_t *)ref_input,
                                     sizeof(ref_input) - 1, sig, sizeof(sig)) != 1) {
                keyring_free(kr);
                return edge_err(err, "the reference signature does not verify");
            }
        t = ref_now();
    }
    keyring_free(kr);
    return (double)n / (t - t0);
}

/* One full handshake between a client and a server SSL joined by a BIO pair. */
static int
ref_handshake(struct tls_ctx *sctx, struct tls_ctx *cctx, const char *fqdn, char *err)
{
    SSL *srv = tls_ssl_new(sctx, NULL, err), *cli = tls_ssl_new(cctx, fqdn, err);
    BIO *bc = NULL, *bs = NULL;
    int done_c = 0, done_s = 0, rc = -1;

    if (srv == NULL || cli == NULL || !BIO_new_bio_pair(&bc, 0, &bs, 0)) {
        edge_err(err, "cannot set up an in-process TLS connection");
        goto done;
    }
    SSL_set_bio(cli, bc, bc);
    SSL_set_bio(srv, bs, bs);
    SSL_set_connect_state(cli);
    SSL_set_accept_state(srv);
    /* Each side runs until it waits for the other; a dozen turns is plenty for TLS 1.3. */
    for (int turn = 0; turn < 16 && !(done_c && done_s); turn++) {
        int c = done_c ? 1 : SSL_do_handshake(cli), s = done_s ? 1 : SSL_do_handshake(srv);
        if ((c <= 0 && SSL_get_error(cli, c) != SSL_ERROR_WANT_READ) ||
            (s <= 0 && SSL_get_error(srv, s) != SSL_ERROR_WANT_READ)) {
            char why[160];
            edge_err(err, "in-process handshake failed: %s",
                     tls_ssl_failure(c <= 0 ? cli : srv, 0, why, sizeof(why)));
            goto done;
        }
        done_c = c == 1;
        done_s = s == 1;
    }
    rc = done_c && done_s ? 0 : edge_err(err, "in-process handshake did not finish");
done:
    SSL_free(cli); /* frees its BIOs */
    SSL_free(srv);
    return rc;
}

double
ref_handshake_rate(const struct bench_cast *c, double seconds, char *err)
{
    struct tls_ctx *sctx = bench_tls_ctx(c, c->ecs[0].fqdn, 1, err), *cctx = NULL;
    double t0, t, rate = -1;
    long n = 0;

    if (sctx == NULL || (cctx = bench_tls_ctx(c, c->ees[0].fqdn, 0, err)) == NULL)
        goto done;
    t0 = t = ref_now();
    while (t - t0 < seconds) {
        if (ref_handshake(sctx, cctx, c->ecs[0].fqdn, err) < 0)
            goto done;
        n++;
        t = ref_now();
    }
    rate = (double)n / (t - t0);
done:
    tls_ctx_free(cctx);
    tls_ctx_free(sctx);
    return rate;
}
