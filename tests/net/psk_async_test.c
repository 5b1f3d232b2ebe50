/* psk_async_test.c -- a server whose PSKs come from a key server (tls_psk_source): the handshake
 * waits in the ClientHello until the answer is in, then goes on in bufferevent_openssl.
 *
 * A stand-in key server answers per identity: at once or after a delay, found or refused with a
 * chosen alert, or never. Checked: a key found at once and one found later both authenticate the
 * client, with the identities the answer binds; a refusal reaches the client as the alert the
 * answer chose, and the server's event log says why; a wrong key still fails the binder; a
 * certificate client passes the ClientHello phase untouched; concurrent handshakes wait side by
 * side; a fetch that never answers is cancelled when the server's deadline closes the connection.
 * Usage: net_psk_async_test GEN_CREDS_SCRIPT */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include <event2/event.h>
#include <openssl/ssl.h>

#include "fixture.h"
#include "net/http_client.h"
#include "net/http_server.h"
#include "net/tls.h"

#define ECS "ecs1.edge.test"
#define REALM "@rid1.akma.edge.test"

static char dir[4096];
static struct event_base *base;
static unsigned short port;
static const unsigned char good_key[32] = {1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11,
                                           12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22,
                                           23, 24, 25, 26, 27, 28, 29, 30, 31, 32};

/* How the stand-in key server answers an identity (its user part). */
static const struct row {
    const char *user;
    int delay_ms; /* 0: at once; -1: never */
    enum tls_psk_outcome outcome;
    int alert;
    const char *cause;
} rows[] = {
    {"atid-now", 0, TLS_PSK_FOUND, 0, NULL},
    {"atid-later", 80, TLS_PSK_FOUND, 0, NULL},
    {"atid-unknown", 30, TLS_PSK_REFUSED, SSL_AD_UNKNOWN_PSK_IDENTITY, "AKID_UNKNOWN"},
    {"atid-denied", 0, TLS_PSK_REFUSED, SSL_AD_ACCESS_DENIED, "AF_NOT_AUTHORIZED"},
    {"atid-down", 30, TLS_PSK_REFUSED, SSL_AD_INTERNAL_ERROR, "AANF_UNAVAILABLE"},
    {"atid-never", -1, TLS_PSK_FOUND, 0, NULL},
    {"atid-decline", 0, TLS_PSK_DECLINED, 0, NULL},
};

static int resolves, cancels;

static void
fill(struct tls_psk_answer *a, const struct row *r, const char *identity)
{
    memset(a, 0, sizeof(*a));
    a->outcome = r->outcome;
    if (r->outcome == TLS_PSK_FOUND) {
        memcpy(a->binding.key, good_key, sizeof(good_key));
        a->binding.key_len = sizeof(good_key);
        snprintf(a->binding.eec_id, sizeof(a->binding.eec_id), "eec-%s", r->user + 5);
        snprintf(a->binding.gpsi, sizeof(a->binding.gpsi), "msisdn-491700000001");
    } else if (r->outcome == TLS_PSK_REFUSED) {
        a->alert = r->alert;
        snprintf(a->cause, sizeof(a->cause), "%s", r->cause);
        snprintf(a->detail, sizeof(a->detail), "the key server refused %s", identity);
    }
}

static enum tls_psk_outcome
ks_resolve(void *arg, const char *identity, long conn, struct tls_psk_answer *a,
           tls_psk_ready_fn ready, void *ready_arg, void **wait)
{
    const struct row *r = NULL;
    struct tls_psk_answer later;

    (void)arg;
    resolves++;
    CHECK(conn > 0, "resolve: expected the connection's number, got %ld", conn);
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        if (strncmp(identity, rows[i].user, strlen(rows[i].user)) == 0 &&
            strcmp(identity + strlen(rows[i].user), REALM) == 0)
            r = &rows[i];
    if (r == NULL)
        return TLS_PSK_DECLINED;
    if (r->delay_ms == 0) {
        fill(a, r, identity);
        return r->outcome;
    }
    fill(&later, r, identity);
    *wait = fixture_psk_later(base, &later, r->delay_ms, ready, ready_arg);
    return *wait != NULL ? TLS_PSK_PENDING : TLS_PSK_DECLINED;
}

static void
ks_cancel(void *arg, void *wait)
{
    cancels++;
    fixture_psk_cancel(arg, wait);
}

static void
h_who(struct http_req *req, void *arg)
{
    const struct edge_peer *p = http_req_peer(req);

    (void)arg;
    http_reply_json(req, 200,
                    json_pack("{s:i, s:s, s:s, s:s}", "mode", (int)p->mode, "psk", p->psk_identity,
                              "eecId", p->eec_id, "gpsi", p->gpsi));
}

/* Concurrent requests of this test, each on its own client. */
struct call {
    struct http_client *cl;
    struct tls_ctx *tls;
    int done, status;
    char error[EDGE_ERR_LEN];
    char body[512];
};

static void
call_done(const struct http_client_resp *resp, void *arg)
{
    struct call *c = arg;

    c->done = 1;
    c->status = resp->status;
    snprintf(c->error, sizeof(c->error), "%s", resp->error != NULL ? resp->error : "");
    snprintf(c->body, sizeof(c->body), "%s", resp->body != NULL ? resp->body : "");
}

static int
call_start(struct call *c, const char *user, const unsigned char *key, int timeout_ms)
{
    char identity[128], err[EDGE_ERR_LEN];
    struct tls_config tc = {.ca_file = fixture_at(dir, "ca.crt"), .peer_fqdn = ECS};
    struct http_client_config cc = {.timeout_ms = timeout_ms};
    struct http_client_req r = {
        .method = "GET", .fqdn = ECS, .addr = "127.0.0.1", .port = port, .path = "/who"};

    memset(c, 0, sizeof(*c));
    if (user != NULL) {
        FMT(identity, "%s%s", user, REALM);
        tc.psk_identity = identity;
        tc.psk_key = key;
        tc.psk_key_len = 32;
    } else {
        tc.cert_file = fixture_at(dir, "eec.crt");
        tc.key_file = fixture_at(dir, "eec.key");
    }
    cc.tls = c->tls = tls_client_new(&tc, err);
    if (c->tls == NULL || (c->cl = http_client_new(base, &cc, err)) == NULL ||
        http_client_send(c->cl, &r, call_done, c, err) < 0) {
        CHECK(0, "client for %s: %s", user ? user : "certificate", err);
        return -1;
    }
    return 0;
}

static void
call_free(struct call *c)
{
    http_client_free(c->cl);
    tls_ctx_free(c->tls);
}

static int
all_done(void *arg)
{
    struct call *c = arg;

    for (; c->cl != NULL || c->tls != NULL; c++)
        if (!c->done)
            return 0;
    return 1;
}

/* One client, run to its answer. */
static void
one(const char *what, const char *user, const unsigned char *key, struct call *c)
{
    struct call set[2];

    memset(set, 0, sizeof(set));
    if (call_start(&set[0], user, key, 3000) < 0)
        return;
    CHECK(fixture_loop_until(base, all_done, set, 5000), "%s: no answer", what);
    *c = set[0];
}

static void
test_found(void)
{
    struct call c;

    one("found at once", "atid-now", good_key, &c);
    CHECK(c.status == 200 && strstr(c.body, "\"psk\":\"atid-now" REALM "\"") &&
              strstr(c.body, "\"eecId\":\"eec-now\"") &&
              strstr(c.body, "\"gpsi\":\"msisdn-491700000001\""),
          "found at once: expected 200 with the bound ids, got %d %s %s", c.status, c.body,
          c.error);
    call_free(&c);
    one("found later", "atid-later", good_key, &c);
    CHECK(c.status == 200 && strstr(c.body, "\"eecId\":\"eec-later\""),
          "found later: expected 200 with eec-later, got %d %s %s", c.status, c.body, c.error);
    call_free(&c);
    one("certificate client", NULL, NULL, &c);
    CHECK(c.status == 200 && strstr(c.body, "\"eecId\":\"eec-0001\""),
          "certificate client: expected 200 as eec-0001, got %d %s %s", c.status, c.body, c.error);
    call_free(&c);
}

static void
test_refused(void)
{
    static const struct {
        const char *user, *alert;
    } cases[] = {
        {"atid-unknown", "unknown PSK identity"},
        {"atid-denied", "access denied"},
        {"atid-down", "internal error"},
    };
    unsigned char wrong[32];
    struct call c;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        one(cases[i].user, cases[i].user, good_key, &c);
        CHECK(c.status == 0 && strstr(c.error, cases[i].alert) != NULL,
              "%s: expected the alert \"%s\", got %d \"%s\"", cases[i].user, cases[i].alert,
              c.status, c.error);
        call_free(&c);
    }
    memcpy(wrong, good_key, sizeof(wrong));
    wrong[0] ^= 0x80;
    /* OpenSSL 3.0 answers a binder that does not verify with illegal_parameter (so does the
     * synchronous path, tls_http_test.c). */
    one("wrong key", "atid-now", wrong, &c);
    CHECK(c.status == 0 && strstr(c.error, "illegal parameter") != NULL,
          "wrong key: expected the binder to fail (illegal parameter), got %d \"%s\"", c.status,
          c.error);
    call_free(&c);
    one("wrong key, found later", "atid-later", wrong, &c);
    CHECK(c.status == 0 && strstr(c.error, "illegal parameter") != NULL,
          "wrong key found later: expected the binder to fail, got %d \"%s\"", c.status, c.error);
    call_free(&c);
    /* Declined: no certificate to fall back on, so the certificate rules refuse it. */
    one("declined", "atid-decline", good_key, &c);
    CHECK(c.status == 0 && c.error[0] != '\0', "declined PSK without certificate: got %d",
          c.status);
    call_free(&c);
}

static void
test_concurrent(void)
{
    struct call set[5];

    memset(set, 0, sizeof(set));
    for (int i = 0; i < 4; i++)
        call_start(&set[i], i % 2 ? "atid-later" : "atid-unknown", good_key, 3000);
    CHECK(fixture_loop_until(base, all_done, set, 5000), "concurrent: not every answer came");
    for (int i = 0; i < 4; i++) {
        CHECK(i % 2 ? set[i].status == 200 : set[i].status == 0,
              "concurrent %d: expected %s, got %d %s", i, i % 2 ? "200" : "a refusal",
              set[i].status, set[i].error);
        call_free(&set[i]);
    }
}

static int
cancelled(void *arg)
{
    (void)arg;
    return cancels > 0;
}

static void
test_never(void)
{
    struct call set[2];

    memset(set, 0, sizeof(set));
    call_start(&set[0], "atid-never", good_key, 300);
    CHECK(fixture_loop_until(base, all_done, set, 3000), "never: the client did not give up");
    CHECK(set[0].status == 0, "never: expected no answer, got %d", set[0].status);
    CHECK(fixture_loop_until(base, cancelled, NULL, 3000) && cancels == 1,
          "never: expected the fetch cancelled once when the server closed the connection, got "
          "%d cancels",
          cancels);
    call_free(&set[0]);
}

static void
test_log(void)
{
    char *log = fixture_slurp(fixture_at(dir, "server.jsonl"));

    CHECK(log != NULL && strstr(log, "PSK identity \\\"atid-unknown" REALM
                                     "\\\" refused: AKID_UNKNOWN: the key server refused") != NULL,
          "server log: expected the handshake failure to name the refusal's cause");
    free(log);
}

int
main(int argc, char **argv)
{
    struct tls_psk_source src = {.resolve = ks_resolve, .cancel = ks_cancel};
    struct http_server_config hc = {.addr = "127.0.0.1", .request_timeout_ms = 600};
    struct tls_config sc = {0};
    struct tls_ctx *stls = NULL;
    struct http_server *srv = NULL;
    struct evlog *slog = NULL;
    char err[EDGE_ERR_LEN];
    int rc;

    if ((rc = fixture_start(argc, argv, 1, "GEN_CREDS_SCRIPT", dir)) != 0)
        return rc;
    signal(SIGPIPE, SIG_IGN);
    base = event_base_new();
    sc.ca_file = fixture_at(dir, "ca.crt");
    sc.cert_file = fixture_at(dir, "ecs.crt");
    sc.key_file = fixture_at(dir, "ecs.key");
    sc.psk_source = &src;
    slog = evlog_open(fixture_at(dir, "server.jsonl"), ECS, err);
    if ((stls = tls_server_new(&sc, err)) == NULL || slog == NULL) {
        CHECK(0, "server: %s", err);
        goto done;
    }
    CHECK(tls_ctx_psk_async(stls), "a server with a PSK source must say so");
    hc.tls = stls;
    hc.log = slog;
    if ((srv = http_server_new(base, &hc, err)) == NULL ||
        http_server_route(srv, "GET", "/who", h_who, NULL, err) < 0) {
        CHECK(0, "server: %s", err);
        goto done;
    }
    port = http_server_port(srv);
    test_found();
    test_refused();
    test_concurrent();
    test_never();
    test_log();
    CHECK(resolves >= 12 && fixture_psk_answered() > 0,
          "expected the key server asked (%d) and answering (%ld)", resolves,
          fixture_psk_answered());
done:
    http_server_free(srv);
    tls_ctx_free(stls);
    evlog_close(slog);
    event_base_free(base);
    if (getenv("KEEP") == NULL)
        fixture_rmtree(dir);
    return check_result("net.psk_async");
}
