/* tls_verify_test.c -- a chain that passed is let through again without a full check only when it
 * is the very same chain, asked about under the same name, at a time within its validity; every
 * failure is checked (and fails) again (common/net/tls_verify.c). Handshakes run in this process
 * between a server and a client context over a memory BIO pair. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include "base/err.h"
#include "fixture.h"
#include "net/tls.h"

#define DAY (24 * 60 * 60)

struct side {
    struct tls_ctx *ctx;
    long checked, remembered; /* expected counts */
};

/* One handshake between a server SSL of s and a client SSL of c expecting server name fqdn; the
 * server checks chains as if at time at (0: now). Returns 1 when both ends finished; vr_s and vr_c
 * get each side's verify result. */
static int
handshake(struct tls_ctx *s, struct tls_ctx *c, const char *fqdn, time_t at, long *vr_s, long *vr_c)
{
    char err[EDGE_ERR_LEN];
    SSL *srv = tls_ssl_new(s, NULL, err), *cli = tls_ssl_new(c, fqdn, err);
    BIO *bc = NULL, *bs = NULL;
    int done_c = 0, done_s = 0, ok;

    if (srv == NULL || cli == NULL || !BIO_new_bio_pair(&bc, 0, &bs, 0)) {
        CHECK(0, "cannot set up an in-process TLS connection: %s", err);
        SSL_free(srv);
        SSL_free(cli);
        return 0;
    }
    if (at != 0)
        X509_VERIFY_PARAM_set_time(SSL_get0_param(srv), at);
    SSL_set_bio(cli, bc, bc);
    SSL_set_bio(srv, bs, bs);
    SSL_set_connect_state(cli);
    SSL_set_accept_state(srv);
    for (int turn = 0; turn < 16 && !(done_c && done_s); turn++) {
        int rc = done_c ? 1 : SSL_do_handshake(cli), rs = done_s ? 1 : SSL_do_handshake(srv);
        if ((rc <= 0 && SSL_get_error(cli, rc) != SSL_ERROR_WANT_READ) ||
            (rs <= 0 && SSL_get_error(srv, rs) != SSL_ERROR_WANT_READ))
            break;
        done_c = rc == 1;
        done_s = rs == 1;
    }
    *vr_s = SSL_get_verify_result(srv);
    *vr_c = SSL_get_verify_result(cli);
    ok = done_c && done_s && !tls_ssl_failed(srv) && !tls_ssl_failed(cli);
    SSL_free(cli);
    SSL_free(srv);
    return ok;
}

static void
expect_counts(const char *what, const char *who, struct side *sd)
{
    long checked, remembered;

    tls_ctx_verify_counts(sd->ctx, &checked, &remembered);
    CHECK(checked == sd->checked && remembered == sd->remembered,
          "%s: %s: expected %ld checked and %ld let through again, got %ld and %ld", what, who,
          sd->checked, sd->remembered, checked, remembered);
}

/* A handshake, its outcome, and the counts each side should have after it. */
static void
step(const char *what, struct side *s, struct side *c, const char *fqdn, time_t at, int want_ok,
     long want_vr_s, long want_vr_c)
{
    long vr_s, vr_c;
    int ok = handshake(s->ctx, c->ctx, fqdn, at, &vr_s, &vr_c);

    CHECK(ok == want_ok, "%s: expected the handshake to %s", what, want_ok ? "succeed" : "fail");
    CHECK(vr_s == want_vr_s, "%s: server verify result: expected %ld (%s), got %ld (%s)", what,
          want_vr_s, X509_verify_cert_error_string(want_vr_s), vr_s,
          X509_verify_cert_error_string(vr_s));
    CHECK(vr_c == want_vr_c, "%s: client verify result: expected %ld (%s), got %ld (%s)", what,
          want_vr_c, X509_verify_cert_error_string(want_vr_c), vr_c,
          X509_verify_cert_error_string(vr_c));
    expect_counts(what, "server", s);
    expect_counts(what, "client", c);
}

static struct tls_ctx *
ctx_of(const char *dir, const char *ca, const char *name, int server, const char *fqdn)
{
    char crt[64], key[64], err[EDGE_ERR_LEN];
    struct tls_config cfg = {0};
    struct tls_ctx *ctx;

    snprintf(crt, sizeof(crt), "%s.crt", name);
    snprintf(key, sizeof(key), "%s.key", name);
    cfg.ca_file = fixture_at(dir, ca);
    cfg.cert_file = fixture_at(dir, crt);
    cfg.key_file = fixture_at(dir, key);
    cfg.peer_fqdn = fqdn;
    ctx = server ? tls_server_new(&cfg, err) : tls_client_new(&cfg, err);
    CHECK(ctx != NULL, "%s context: %s", name, err);
    return ctx;
}

int
main(int argc, char **argv)
{
    char dir[4096];
    struct side srv = {0}, eec = {0}, rogue = {0};
    time_t later = time(NULL) + 3 * DAY; /* the test certificates are valid for 2 days */

    if (argc != 2 || fixture_tmpdir(dir) < 0 || fixture_creds(argv[1], dir) < 0) {
        fprintf(stderr, "usage: net_tls_verify_test GEN_CREDS (and openssl in PATH)\n");
        return FIXTURE_SKIP;
    }
    srv.ctx = ctx_of(dir, "ca.crt", "ecs", 1, NULL);
    eec.ctx = ctx_of(dir, "ca.crt", "eec", 0, "ecs1.edge.test");
    rogue.ctx = ctx_of(dir, "ca.crt", "rogue-eec", 0, "ecs1.edge.test");
    if (srv.ctx == NULL || eec.ctx == NULL || rogue.ctx == NULL)
        goto done;

    srv.checked = eec.checked = 1;
    step("first connection", &srv, &eec, "ecs1.edge.test", 0, 1, X509_V_OK, X509_V_OK);
    srv.remembered = eec.remembered = 1;
    step("second connection: both chains known", &srv, &eec, "ecs1.edge.test", 0, 1, X509_V_OK,
         X509_V_OK);
    /* The same server chain asked about under another name is a new question, and fails. */
    eec.checked = 2;
    step("another expected server name", &srv, &eec, "ees1.edge.test", 0, 0, X509_V_OK,
         X509_V_ERR_HOSTNAME_MISMATCH);
    eec.remembered = 2;
    srv.remembered = 2;
    step("the right name again", &srv, &eec, "ecs1.edge.test", 0, 1, X509_V_OK, X509_V_OK);
    /* A chain that failed is checked in full every time, and fails every time. */
    rogue.checked = 1;
    srv.checked = 2;
    step("a certificate of another CA", &srv, &rogue, "ecs1.edge.test", 0, 0,
         X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, X509_V_OK);
    rogue.remembered = 1;
    srv.checked = 3;
    step("the same again", &srv, &rogue, "ecs1.edge.test", 0, 0,
         X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, X509_V_OK);
    /* A known chain checked at a time after it expired is checked in full, and fails. */
    eec.remembered = 3;
    srv.checked = 4;
    step("a known chain, after its validity", &srv, &eec, "ecs1.edge.test", later, 0,
         X509_V_ERR_CERT_HAS_EXPIRED, X509_V_OK);
done:
    tls_ctx_free(srv.ctx);
    tls_ctx_free(eec.ctx);
    tls_ctx_free(rogue.ctx);
    fixture_rmtree(dir);
    return check_result("tls_verify");
}
