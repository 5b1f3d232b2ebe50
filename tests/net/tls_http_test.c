/* tls_http_test.c -- a server and a client of common/ talk HTTPS on 127.0.0.1: identities,
 * refusals, limits.
 *
 * Mutual X.509 (the server sees the EEC's SAN identity), a client of another CA refused, TLS 1.3
 * PSK with the wrong key refused and with the right one accepted (bound GPSI visible), 404/405/
 * 413/415/400 ProblemDetails, TLS with the server certificate only, form duplicates, asynchronous
 * replies, the one-reply guard, precise client failures (refused, handshake timeout, name
 * mismatch), per-request deadlines, the HTTP version ALPN picks for each setting of server and
 * client, a shutdown that answers held requests 503 before it closes, which closes are not
 * handshake failures, key log and event log contents. Usage: net_tls_http_test GEN_CREDS_SCRIPT */
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <openssl/ssl.h>

#include "fixture.h"
#include "rawtls.h"
#include "net/http_client.h"
#include "net/http_server.h"
#include "net/problem.h"
#include "net/tls.h"
#include "base/clock.h"

#define PSK_IDENTITY "atid-0001@rid1.akma.edge.test"
#define EEC_ID "eec-0001"
#define GPSI "msisdn-491700000001"
#define ECS "ecs1.edge.test"
#define MAX_BODY 1024

static char dir[4096];
static struct event_base *base;
static unsigned short port;
static const unsigned char psk_key[32] = {
    0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x00,
    0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10};

/* A path in the test's temp dir; rotating buffers, so that a config can hold several. */
static const char *
at(const char *name)
{
    return fixture_at(dir, name);
}

/* The AAnF stand-in: one subscriber. */
static int
psk_lookup(void *arg, const char *identity, struct tls_psk_binding *out)
{
    (void)arg;
    if (strcmp(identity, PSK_IDENTITY) != 0)
        return 0;
    memcpy(out->key, psk_key, sizeof(psk_key));
    out->key_len = sizeof(psk_key);
    strcpy(out->eec_id, EEC_ID);
    strcpy(out->gpsi, GPSI);
    return 1;
}

static const char *
mode_name(enum edge_peer_mode m)
{
    return m == EDGE_PEER_CERT ? "cert" : m == EDGE_PEER_PSK ? "psk" : "none";
}

static void
h_echo(struct http_req *req, void *arg)
{
    const struct edge_peer *p = http_req_peer(req);
    json_t *j;

    (void)arg;
    if ((j = http_req_json(req)) == NULL)
        return;
    http_reply_json(req, 200,
                    json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:o}", "mode", mode_name(p->mode),
                              "eecId", p->eec_id, "gpsi", p->gpsi, "psk", p->psk_identity, "fqdn",
                              p->fqdn, "conn", (json_int_t)http_req_conn(req), "got", j));
}

static void
later_fire(evutil_socket_t fd, short what, void *arg)
{
    (void)fd, (void)what;
    http_reply_json(arg, 202, json_pack("{s:b}", "late", 1));
}

static void
h_later(struct http_req *req, void *arg)
{
    struct timeval tv = {0, 5000};

    (void)arg;
    http_req_hold(req);
    event_base_once(base, -1, EV_TIMEOUT, later_fire, req, &tv);
}

/* Answers 202 after arg milliseconds. */
static void
h_slow(struct http_req *req, void *arg)
{
    long ms = (long)(intptr_t)arg;
    struct timeval tv = {ms / 1000, (ms % 1000) * 1000};

    http_req_hold(req);
    event_base_once(base, -1, EV_TIMEOUT, later_fire, req, &tv);
}

static void
h_noreply(struct http_req *req, void *arg)
{
    (void)req, (void)arg;
}

static void
h_twice(struct http_req *req, void *arg)
{
    (void)arg;
    http_reply_json(req, 200, json_pack("{s:i}", "n", 1));
    http_reply_json(req, 201, json_pack("{s:i}", "n", 2));
}

static struct tls_ctx *
client_tls(const char *cert, const char *key, const char *psk_id, const unsigned char *pk,
           size_t pklen, const char *keylog)
{
    struct tls_config c = {.ca_file = at("ca.crt"),
                           .cert_file = cert,
                           .key_file = key,
                           .psk_identity = psk_id,
                           .psk_key = pk,
                           .psk_key_len = pklen,
                           .keylog_path = keylog,
                           .peer_fqdn = ECS};
    char err[EDGE_ERR_LEN];
    struct tls_ctx *t = tls_client_new(&c, err);

    CHECK(t != NULL, "client TLS context: %s", err);
    return t;
}

/* One request on a fresh client; res must be freed by the caller. */
static int
fetch(struct tls_ctx *t, struct evlog *log, const char *fqdn, unsigned short p, int timeout_ms,
      const char *method, const char *path, const char *ctype, const char *body,
      struct http_client_result *res)
{
    struct http_client_config cc = {.tls = t, .log = log, .timeout_ms = timeout_ms};
    struct http_client_req r = fixture_req(method, p, path, body);
    char err[EDGE_ERR_LEN];
    struct http_client *cl = http_client_new(base, &cc, err);
    int rc;

    r.fqdn = fqdn; /* fixture_req's: the test server, a JSON body */
    r.content_type = ctype;
    if (cl == NULL) {
        memset(res, 0, sizeof(*res));
        TAILQ_INIT(&res->headers);
        CHECK(0, "client: %s", err);
        return -1;
    }
    rc = http_client_fetch(cl, &r, res, err);
    http_client_free(cl);
    return rc;
}

static json_t *
body_json(const struct http_client_result *res)
{
    return res->body != NULL ? json_loads(res->body, 0, NULL) : NULL;
}

static const char *
jstr(json_t *j, const char *key)
{
    const char *s = json_string_value(json_object_get(j, key));

    return s != NULL ? s : "(absent)";
}

/* Expect a ProblemDetails answer with status and cause; returns its detail (static copy). */
static const char *
expect_problem(const char *what, const struct http_client_result *res, int status,
               const char *cause)
{
    static char detail[512];
    const char *ct = http_client_result_header(res, "Content-Type");
    json_t *j = body_json(res);

    CHECK(res->status == status, "%s: expected %d, got %d (%s)", what, status, res->status,
          res->error);
    CHECK(ct != NULL && strcmp(ct, PROBLEM_MEDIA_TYPE) == 0, "%s: expected Content-Type %s, got %s",
          what, PROBLEM_MEDIA_TYPE, ct ? ct : "none");
    CHECK(problem_status(j) == status, "%s: expected ProblemDetails status %d, got %d", what,
          status, problem_status(j));
    CHECK(problem_cause(j) != NULL && strcmp(problem_cause(j), cause) == 0,
          "%s: expected cause %s, got %s", what, cause, jstr(j, "cause"));
    CHECK(json_string_value(json_object_get(j, "title")) != NULL, "%s: expected a title", what);
    snprintf(detail, sizeof(detail), "%s", problem_detail(j) ? problem_detail(j) : "");
    json_decref(j);
    return detail;
}

static void
test_config_errors(void)
{
    struct tls_config c = {
        .ca_file = "/nonexistent/ca.crt", .cert_file = at("ecs.crt"), .key_file = at("ecs.key")};
    char err[EDGE_ERR_LEN];
    unsigned char key[8];
    size_t len;

    CHECK(tls_server_new(&c, err) == NULL && strstr(err, "/nonexistent/ca.crt") &&
              strstr(err, "No such file"),
          "missing CA: expected an error naming the file, got \"%s\"", err);
    c.ca_file = at("ca.crt");
    c.key_file = at("eec.key");
    CHECK(tls_server_new(&c, err) == NULL && strstr(err, "does not match") &&
              strstr(err, "eec.key"),
          "key of another certificate: expected \"does not match\", got \"%s\"", err);
    c.cert_file = at("ca.key");
    CHECK(tls_server_new(&c, err) == NULL && strstr(err, "cannot load certificate file") &&
              strstr(err, "ca.key"),
          "a key as certificate: expected a load error naming the file, got \"%s\"", err);
    c.cert_file = NULL;
    c.key_file = NULL;
    CHECK(tls_server_new(&c, err) == NULL, "a server without certificate was accepted");
    CHECK(tls_client_new(&c, err) == NULL && strstr(err, "certificate or a PSK"),
          "a client with neither certificate nor PSK: got \"%s\"", err);
    c.keylog_path = "/nonexistent/dir/keylog.txt";
    c.cert_file = at("eec.crt");
    c.key_file = at("eec.key");
    CHECK(tls_client_new(&c, err) == NULL && strstr(err, "/nonexistent/dir/keylog.txt"),
          "unwritable key log: expected an error naming it, got \"%s\"", err);
    CHECK(tls_hex_decode("0aFf", key, sizeof(key), &len, err) == 0 && len == 2 && key[0] == 0x0a &&
              key[1] == 0xff,
          "hex 0aFf: expected 0a ff");
    CHECK(tls_hex_decode("abc", key, sizeof(key), &len, err) < 0, "odd hex accepted");
    CHECK(tls_hex_decode("zz", key, sizeof(key), &len, err) < 0, "non-hex accepted");
    CHECK(tls_hex_decode("000000000000000000", key, sizeof(key), &len, err) < 0,
          "9 bytes accepted into 8");
}

static void
test_cert_exchange(struct evlog *clog)
{
    struct tls_ctx *t = client_tls(at("eec.crt"), at("eec.key"), NULL, NULL, 0, at("keylog.txt"));
    struct http_client_config cc = {.tls = t, .log = clog};
    struct http_client_req r = fixture_req("POST", port, "/echo", "{\"hello\":\"world\"}");
    struct http_client_result res;
    char err[EDGE_ERR_LEN];
    struct http_client *cl;
    json_t *j;
    long conn1;

    if (t == NULL)
        return;
    cl = http_client_new(base, &cc, err);
    CHECK(http_client_fetch(cl, &r, &res, err) == 0, "cert exchange: %s", err);
    j = body_json(&res);
    CHECK(res.status == 200, "cert exchange: expected 200, got %d", res.status);
    CHECK(strcmp(jstr(j, "mode"), "cert") == 0, "server saw mode %s, expected cert",
          jstr(j, "mode"));
    CHECK(strcmp(jstr(j, "eecId"), EEC_ID) == 0, "server saw EEC ID %s, expected %s",
          jstr(j, "eecId"), EEC_ID);
    CHECK(strcmp(jstr(j, "gpsi"), GPSI) == 0, "server saw GPSI %s, expected %s", jstr(j, "gpsi"),
          GPSI);
    CHECK(strcmp(jstr(json_object_get(j, "got"), "hello"), "world") == 0,
          "server did not get the JSON body");
    CHECK(res.peer.mode == EDGE_PEER_CERT && strcmp(res.peer.fqdn, ECS) == 0,
          "client saw server %s (%s), expected cert %s", res.peer.fqdn, mode_name(res.peer.mode),
          ECS);
    conn1 = (long)json_integer_value(json_object_get(j, "conn"));
    json_decref(j);
    http_client_result_free(&res);

    /* Keep-alive: the second request rides the same connection. */
    CHECK(http_client_fetch(cl, &r, &res, err) == 0, "second request: %s", err);
    j = body_json(&res);
    CHECK(json_integer_value(json_object_get(j, "conn")) == conn1,
          "expected the connection %ld to be reused, got %lld", conn1,
          (long long)json_integer_value(json_object_get(j, "conn")));
    json_decref(j);
    http_client_result_free(&res);
    http_client_free(cl);

    fetch(t, NULL, ECS, port, 0, "GET", "/items/reg%2042?q=x%20y", NULL, NULL, &res);
    j = body_json(&res);
    CHECK(res.status == 200 && strcmp(jstr(j, "itemId"), "reg 42") == 0 &&
              strcmp(jstr(j, "q"), "x y") == 0,
          "GET /items/reg%%2042?q=x%%20y: expected itemId \"reg 42\" q \"x y\", got %d %s",
          res.status, res.body);
    json_decref(j);
    http_client_result_free(&res);
    tls_ctx_free(t);
}

static void
test_errors(void)
{
    struct tls_ctx *t = client_tls(at("eec.crt"), at("eec.key"), NULL, NULL, 0, NULL);
    struct http_client_result res;
    const char *d, *allow;
    char big[2 * MAX_BODY + 16];
    json_t *j;

    if (t == NULL)
        return;
    fetch(t, NULL, ECS, port, 0, "GET", "/nope", NULL, NULL, &res);
    expect_problem("unknown path", &res, 404, PROBLEM_RESOURCE_NOT_FOUND);
    http_client_result_free(&res);

    fetch(t, NULL, ECS, port, 0, "GET", "/echo", NULL, NULL, &res);
    expect_problem("GET on a POST resource", &res, 405, PROBLEM_METHOD_NOT_ALLOWED);
    allow = http_client_result_header(&res, "Allow");
    CHECK(allow != NULL && strcmp(allow, "POST") == 0, "405: expected Allow: POST, got %s",
          allow ? allow : "none");
    http_client_result_free(&res);

    memset(big, ' ', sizeof(big) - 1);
    big[0] = '{';
    big[sizeof(big) - 2] = '}';
    big[sizeof(big) - 1] = '\0';
    fetch(t, NULL, ECS, port, 0, "POST", "/echo", HTTP_MEDIA_JSON, big, &res);
    d = expect_problem("oversized body", &res, 413, PROBLEM_PAYLOAD_TOO_LARGE);
    CHECK(strstr(d, "1024") != NULL, "413: expected the limit in the detail, got \"%s\"", d);
    http_client_result_free(&res);

    fetch(t, NULL, ECS, port, 0, "POST", "/echo", HTTP_MEDIA_JSON, "{\"a\": 1,}", &res);
    d = expect_problem("malformed JSON", &res, 400, PROBLEM_INVALID_MSG_FORMAT);
    CHECK(strstr(d, "line 1, column") != NULL && strstr(d, "malformed JSON") != NULL,
          "400: expected line and column in the detail, got \"%s\"", d);
    CHECK(strstr(d, "string or '}' expected") != NULL || strstr(d, "expected") != NULL,
          "400: expected jansson's text in the detail, got \"%s\"", d);
    http_client_result_free(&res);

    /* jansson quotes the input near the error: control bytes must not reach the detail. */
    fetch(t, NULL, ECS, port, 0, "POST", "/echo", HTTP_MEDIA_JSON, "{\"a\": \x14\x01}", &res);
    d = expect_problem("JSON with a control byte", &res, 400, PROBLEM_INVALID_MSG_FORMAT);
    CHECK(strstr(d, "malformed JSON") != NULL && strchr(d, 0x14) == NULL && strchr(d, 0x01) == NULL,
          "400: expected a detail without the input's control bytes, got \"%s\"", d);
    http_client_result_free(&res);

    fetch(t, NULL, ECS, port, 0, "POST", "/echo", HTTP_MEDIA_JSON, "{\"a\":1,\"a\":2}", &res);
    d = expect_problem("duplicate JSON key", &res, 400, PROBLEM_INVALID_MSG_FORMAT);
    CHECK(strstr(d, "duplicate") != NULL, "400: expected \"duplicate\", got \"%s\"", d);
    http_client_result_free(&res);

    fetch(t, NULL, ECS, port, 0, "POST", "/echo", "text/plain", "{}", &res);
    d = expect_problem("wrong media type", &res, 415, PROBLEM_UNSUPPORTED_MEDIA_TYPE);
    CHECK(strstr(d, "text/plain") != NULL, "415: expected the type named, got \"%s\"", d);
    http_client_result_free(&res);

    fetch(t, NULL, ECS, port, 0, "POST", "/echo", "application/json; charset=utf-8", "{}", &res);
    CHECK(res.status == 200, "JSON with a charset parameter: expected 200, got %d", res.status);
    http_client_result_free(&res);

    fetch(t, NULL, ECS, port, 0, "POST", "/oauth2/token", HTTP_MEDIA_FORM,
          "grant_type=client_credentials&scope=a&grant_type=client_credentials", &res);
    j = body_json(&res);
    CHECK(res.status == 400 && strcmp(jstr(j, "error"), "invalid_request") == 0 &&
              strstr(jstr(j, "error_description"), "grant_type") != NULL,
          "repeated grant_type: expected 400 invalid_request naming it, got %d %s", res.status,
          res.body);
    json_decref(j);
    http_client_result_free(&res);

    fetch(t, NULL, ECS, port, 0, "POST", "/oauth2/token", HTTP_MEDIA_FORM,
          "grant_type=client_credentials&scope=ees1", &res);
    j = body_json(&res);
    CHECK(res.status == 200 && strcmp(jstr(j, "grant_type"), "client_credentials") == 0,
          "token form: expected 200 with grant_type, got %d %s", res.status, res.body);
    json_decref(j);
    http_client_result_free(&res);

    fetch(t, NULL, ECS, port, 0, "POST", "/oauth2/token", HTTP_MEDIA_JSON, "{}", &res);
    CHECK(res.status == 415, "token endpoint with JSON: expected 415, got %d", res.status);
    http_client_result_free(&res);

    fetch(t, NULL, ECS, port, 0, "POST", "/later", HTTP_MEDIA_JSON, "{}", &res);
    CHECK(res.status == 202, "held request: expected 202 later, got %d (%s)", res.status,
          res.error);
    http_client_result_free(&res);

    fetch(t, NULL, ECS, port, 0, "POST", "/noreply", HTTP_MEDIA_JSON, "{}", &res);
    expect_problem("handler without reply", &res, 500, PROBLEM_SYSTEM_FAILURE);
    http_client_result_free(&res);

    fetch(t, NULL, ECS, port, 0, "POST", "/twice", HTTP_MEDIA_JSON, "{}", &res);
    j = body_json(&res);
    CHECK(res.status == 200 && json_integer_value(json_object_get(j, "n")) == 1,
          "double reply: expected the first (200) only, got %d %s", res.status, res.body);
    json_decref(j);
    http_client_result_free(&res);
    tls_ctx_free(t);
}

static void
test_refusals(void)
{
    struct tls_ctx *t;
    struct http_client_result res;
    unsigned char wrong[32];
    json_t *j;

    /* A certificate from another CA. */
    t = client_tls(at("rogue-eec.crt"), at("rogue-eec.key"), NULL, NULL, 0, NULL);
    CHECK(fetch(t, NULL, ECS, port, 0, "POST", "/echo", HTTP_MEDIA_JSON, "{}", &res) < 0,
          "client of another CA: expected refusal, got %d", res.status);
    CHECK(res.status == 0 && res.error_cause &&
              strcmp(res.error_cause, HTTP_CLIENT_TLS_FAILED) == 0,
          "other CA: expected %s, got %s", HTTP_CLIENT_TLS_FAILED,
          res.error_cause ? res.error_cause : "none");
    CHECK(strstr(res.error, "TLS handshake with " ECS " (127.0.0.1:") && strstr(res.error, "alert"),
          "other CA: expected \"TLS handshake with %s ... alert ...\", got \"%s\"", ECS, res.error);
    http_client_result_free(&res);
    tls_ctx_free(t);

    /* The server is not the one we meant to reach. */
    t = client_tls(at("eec.crt"), at("eec.key"), NULL, NULL, 0, NULL);
    fetch(t, NULL, "ees1.edge.test", port, 0, "POST", "/echo", HTTP_MEDIA_JSON, "{}", &res);
    CHECK(res.status == 0 && strstr(res.error, "hostname mismatch") != NULL,
          "name mismatch: expected \"hostname mismatch\", got %d \"%s\"", res.status, res.error);
    http_client_result_free(&res);
    tls_ctx_free(t);

    /* PSK: wrong key refused (the binder does not verify, RFC 8446 4.2.11). */
    memcpy(wrong, psk_key, sizeof(wrong));
    wrong[31] ^= 1;
    t = client_tls(NULL, NULL, PSK_IDENTITY, wrong, sizeof(wrong), NULL);
    fetch(t, NULL, ECS, port, 0, "POST", "/echo", HTTP_MEDIA_JSON, "{}", &res);
    CHECK(res.status == 0 && res.error_cause &&
              strcmp(res.error_cause, HTTP_CLIENT_TLS_FAILED) == 0,
          "PSK with a wrong key: expected a TLS failure, got %d \"%s\"", res.status, res.error);
    CHECK(strstr(res.error, "TLS handshake with " ECS) && strstr(res.error, "peer sent alert"),
          "PSK with a wrong key: expected the server's alert, got \"%s\"", res.error);
    http_client_result_free(&res);
    tls_ctx_free(t);

    /* PSK: unknown identity, and no certificate to fall back on. */
    t = client_tls(NULL, NULL, "atid-9999@nowhere", psk_key, sizeof(psk_key), NULL);
    fetch(t, NULL, ECS, port, 0, "POST", "/echo", HTTP_MEDIA_JSON, "{}", &res);
    CHECK(res.status == 0, "PSK with an unknown identity: expected refusal, got %d", res.status);
    http_client_result_free(&res);
    tls_ctx_free(t);

    /* PSK: right key accepted; the bound ids are what the server sees. */
    t = client_tls(NULL, NULL, PSK_IDENTITY, psk_key, sizeof(psk_key), at("keylog.txt"));
    fetch(t, NULL, ECS, port, 0, "POST", "/echo", HTTP_MEDIA_JSON, "{}", &res);
    j = body_json(&res);
    CHECK(res.status == 200, "PSK with the right key: expected 200, got %d \"%s\"", res.status,
          res.error);
    CHECK(strcmp(jstr(j, "mode"), "psk") == 0 && strcmp(jstr(j, "psk"), PSK_IDENTITY) == 0,
          "PSK: server saw mode %s identity %s", jstr(j, "mode"), jstr(j, "psk"));
    CHECK(strcmp(jstr(j, "gpsi"), GPSI) == 0 && strcmp(jstr(j, "eecId"), EEC_ID) == 0,
          "PSK: expected bound GPSI %s and EEC ID %s, got %s and %s", GPSI, EEC_ID, jstr(j, "gpsi"),
          jstr(j, "eecId"));
    CHECK(res.peer.mode == EDGE_PEER_PSK && strcmp(res.peer.fqdn, ECS) == 0,
          "PSK: client saw server %s mode %s", res.peer.fqdn, mode_name(res.peer.mode));
    json_decref(j);
    http_client_result_free(&res);
    tls_ctx_free(t);
}

static void
test_client_failures(void)
{
    struct tls_ctx *t = client_tls(at("eec.crt"), at("eec.key"), NULL, NULL, 0, NULL);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t salen = sizeof(sa);
    struct http_client_result res;
    unsigned short p;
    char want[128];
    int fd, filler[3], i;

    /* Nobody listens: refused. */
    fd = socket(AF_INET, SOCK_STREAM, 0);
    bind(fd, (struct sockaddr *)&sa, sizeof(sa));
    getsockname(fd, (struct sockaddr *)&sa, &salen);
    p = ntohs(sa.sin_port);
    close(fd);
    fetch(t, NULL, ECS, p, 2000, "GET", "/x", NULL, NULL, &res);
    snprintf(want, sizeof(want), "connect to %s (127.0.0.1:%u) refused", ECS, p);
    CHECK(res.status == 0 && strcmp(res.error, want) == 0, "expected \"%s\", got \"%s\"", want,
          res.error);
    CHECK(res.error_cause && strcmp(res.error_cause, HTTP_CLIENT_CONNECT_REFUSED) == 0,
          "refused: expected cause %s", HTTP_CLIENT_CONNECT_REFUSED);
    http_client_result_free(&res);

    /* A listener that never speaks TLS: the handshake times out. */
    sa.sin_port = 0;
    fd = socket(AF_INET, SOCK_STREAM, 0);
    bind(fd, (struct sockaddr *)&sa, sizeof(sa));
    listen(fd, 4);
    salen = sizeof(sa);
    getsockname(fd, (struct sockaddr *)&sa, &salen);
    p = ntohs(sa.sin_port);
    fetch(t, NULL, ECS, p, 300, "GET", "/x", NULL, NULL, &res);
    snprintf(want, sizeof(want), "TLS handshake with %s (127.0.0.1:%u) timed out after 300 ms", ECS,
             p);
    CHECK(res.status == 0 && strcmp(res.error, want) == 0, "expected \"%s\", got \"%s\"", want,
          res.error);
    CHECK(res.elapsed_ms >= 250 && res.elapsed_ms < 2000,
          "handshake timeout: expected about 300 ms, took %.1f", res.elapsed_ms);
    http_client_result_free(&res);
    close(fd);

    /* A listener whose accept queue is full: Linux drops further SYNs, the connect times out. */
    sa.sin_port = 0;
    fd = socket(AF_INET, SOCK_STREAM, 0);
    bind(fd, (struct sockaddr *)&sa, sizeof(sa));
    listen(fd, 0);
    salen = sizeof(sa);
    getsockname(fd, (struct sockaddr *)&sa, &salen);
    p = ntohs(sa.sin_port);
    for (i = 0; i < 3; i++) {
        filler[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        connect(filler[i], (struct sockaddr *)&sa, sizeof(sa));
    }
    fetch(t, NULL, ECS, p, 300, "GET", "/x", NULL, NULL, &res);
    snprintf(want, sizeof(want), "connect to %s (127.0.0.1:%u) timed out after 300 ms", ECS, p);
    CHECK(res.status == 0 && strcmp(res.error, want) == 0, "expected \"%s\", got \"%s\"", want,
          res.error);
    CHECK(res.error_cause && strcmp(res.error_cause, HTTP_CLIENT_CONNECT_TIMEOUT) == 0,
          "full backlog: expected cause %s", HTTP_CLIENT_CONNECT_TIMEOUT);
    http_client_result_free(&res);
    for (i = 0; i < 3; i++)
        close(filler[i]);
    close(fd);
    tls_ctx_free(t);
}

static int evlog_has(const char *path, const char *const *kv);

/* What a client sees of a server configured for TLS with the server certificate only. */
static void
sco_expect(struct tls_ctx *t, unsigned short p, const char *what, const char *mode)
{
    struct http_client_result res;
    json_t *j;

    fetch(t, NULL, ECS, p, 0, "POST", "/echo", HTTP_MEDIA_JSON, "{}", &res);
    j = body_json(&res);
    if (mode == NULL)
        CHECK(res.status == 0 && res.error_cause &&
                  strcmp(res.error_cause, HTTP_CLIENT_TLS_FAILED) == 0,
              "%s: expected a TLS refusal, got %d \"%s\"", what, res.status, res.error);
    else
        CHECK(res.status == 200 && strcmp(jstr(j, "mode"), mode) == 0 &&
                  res.peer.mode != EDGE_PEER_NONE && strcmp(res.peer.fqdn, ECS) == 0,
              "%s: expected 200, server seeing mode %s, client the server authenticated; got %d "
              "mode %s (%s)",
              what, mode, res.status, jstr(j, "mode"), res.error ? res.error : "");
    json_decref(j);
    http_client_result_free(&res);
}

/* TS 33.558 6.2/6.3 NOTE, server-side certificate only: a client without a credential is refused
 * by a server that requires one (certificate_required, RFC 8446 4.4.2.4) and served, as a peer of
 * mode none, by one configured to accept it, where a certificate that is presented must still
 * verify and a certificate or PSK still authenticates. */
static void
test_server_cert_only(void)
{
    struct tls_config sc = {.ca_file = at("ca.crt"),
                            .cert_file = at("ecs.crt"),
                            .key_file = at("ecs.key"),
                            .psk_lookup = psk_lookup,
                            .server_cert_only = 1};
    struct tls_config cc = {.ca_file = at("ca.crt"), .peer_fqdn = ECS, .server_cert_only = 1};
    static const char *const open[] = {"/echo", NULL};
    struct http_server_config hc = {.addr = "127.0.0.1", .open_paths = open};
    struct tls_ctx *stls = NULL, *none = NULL, *t;
    struct http_client_result res;
    struct http_server *srv = NULL;
    struct evlog *log = evlog_open(at("sco.jsonl"), ECS, NULL);
    char err[EDGE_ERR_LEN];

    cc.cert_file = at("eec.crt");
    cc.key_file = at("eec.key");
    CHECK(tls_client_new(&cc, err) == NULL && strstr(err, "server certificate only"),
          "a no-credential client with a certificate: got \"%s\"", err);
    cc.cert_file = cc.key_file = NULL;
    none = tls_client_new(&cc, err);
    stls = tls_server_new(&sc, err);
    hc.tls = stls;
    hc.log = log;
    if (none == NULL || stls == NULL || (srv = http_server_new(base, &hc, err)) == NULL ||
        http_server_route(srv, "POST", "/echo", h_echo, NULL, err) < 0 ||
        http_server_route(srv, "GET", "/items/{itemId}", fixture_h_item, NULL, err) < 0) {
        CHECK(0, "server-certificate-only set-up: %s", err);
        goto done;
    }
    sco_expect(none, port, "no credential at a server that requires one", NULL);
    /* TLS 1.3: the server refuses after the client finished its handshake, so the client reads
     * the alert (certificate_required, named) or, when its request crossed it, only the close;
     * the server's event log says why either way. */
    fetch(none, NULL, ECS, port, 0, "POST", "/echo", HTTP_MEDIA_JSON, "{}", &res);
    CHECK(res.status == 0 && (strstr(res.error, "peer sent alert certificate required") ||
                              strstr(res.error, "closed before a complete response") ||
                              strstr(res.error, "reset")),
          "no credential at a server that requires one: expected the alert named, got \"%s\"",
          res.error);
    http_client_result_free(&res);
    CHECK(
        evlog_has(at("server.jsonl"), (const char *[]){"cause", "TLS_HANDSHAKE_FAILED", "summary",
                                                       "peer did not return a certificate", NULL}),
        "the server's event log does not say that the client returned no certificate");
    sco_expect(none, http_server_port(srv), "no credential, server certificate only", "none");
    CHECK(evlog_has(at("sco.jsonl"),
                    (const char *[]){"kind", "tls", "summary", "no client credential", NULL}),
          "the server's event log does not say that the client had no credential");
    /* Only the open paths: anything else is refused before any handler runs. */
    fetch(none, NULL, ECS, http_server_port(srv), 0, "GET", "/items/1", NULL, NULL, &res);
    expect_problem("no credential, a path not open", &res, 403, PROBLEM_CLIENT_NOT_AUTHENTICATED);
    http_client_result_free(&res);
    t = client_tls(at("eec.crt"), at("eec.key"), NULL, NULL, 0, NULL);
    fetch(t, NULL, ECS, http_server_port(srv), 0, "GET", "/items/1", NULL, NULL, &res);
    CHECK(res.status == 200, "certificate, a path not open: expected 200, got %d", res.status);
    http_client_result_free(&res);
    tls_ctx_free(t);
    t = client_tls(at("eec.crt"), at("eec.key"), NULL, NULL, 0, NULL);
    sco_expect(t, http_server_port(srv), "certificate at an optional server", "cert");
    tls_ctx_free(t);
    t = client_tls(NULL, NULL, PSK_IDENTITY, psk_key, sizeof(psk_key), NULL);
    sco_expect(t, http_server_port(srv), "PSK at an optional server", "psk");
    tls_ctx_free(t);
    t = client_tls(at("rogue-eec.crt"), at("rogue-eec.key"), NULL, NULL, 0, NULL);
    sco_expect(t, http_server_port(srv), "certificate of another CA at an optional server", NULL);
    tls_ctx_free(t);
done:
    http_server_free(srv);
    tls_ctx_free(stls);
    tls_ctx_free(none);
    evlog_close(log);
}

/* Retries (off by default) redo only a connect that failed, on a fresh connection. */
static void
test_retry(void)
{
    struct tls_ctx *t = client_tls(at("eec.crt"), at("eec.key"), NULL, NULL, 0, NULL);
    struct evlog *log = evlog_open(at("retry.jsonl"), EEC_ID, NULL);
    struct http_client_config cc = {.tls = t, .log = log, .retries = 2, .timeout_ms = 2000};
    struct http_client_req r = {.method = "GET", .fqdn = ECS, .addr = "127.0.0.1", .path = "/x"};
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t salen = sizeof(sa);
    struct http_client_result res;
    char err[EDGE_ERR_LEN];
    struct http_client *cl;
    int fd;

    if (t == NULL)
        return;
    fd = socket(AF_INET, SOCK_STREAM, 0);
    bind(fd, (struct sockaddr *)&sa, sizeof(sa));
    getsockname(fd, (struct sockaddr *)&sa, &salen);
    r.port = ntohs(sa.sin_port);
    close(fd);
    cl = http_client_new(base, &cc, err);
    CHECK(http_client_fetch(cl, &r, &res, err) < 0 && res.error_cause &&
              strcmp(res.error_cause, HTTP_CLIENT_CONNECT_REFUSED) == 0,
          "refused with retries: expected %s, got \"%s\"", HTTP_CLIENT_CONNECT_REFUSED, res.error);
    http_client_result_free(&res);
    CHECK(evlog_has(at("retry.jsonl"),
                    (const char *[]){"dir", "local", "summary", "retry 2 of 2", NULL}),
          "retries: expected two logged retries");
    /* The server works: a retried client still gets answers. */
    r.port = port;
    r.method = "POST";
    r.path = "/echo";
    r.content_type = HTTP_MEDIA_JSON;
    r.body = "{}";
    r.body_len = 2;
    CHECK(http_client_fetch(cl, &r, &res, err) == 0 && res.status == 200,
          "after retries: expected 200, got %d (%s)", res.status, res.error);
    http_client_result_free(&res);
    http_client_free(cl);
    evlog_close(log);
    tls_ctx_free(t);
}

/* A kept-alive connection the server closed while idle is not reused: the next request gets a
 * fresh connection instead of a failure. */
static void
test_idle_close(struct tls_ctx *stls)
{
    struct tls_ctx *t = client_tls(at("eec.crt"), at("eec.key"), NULL, NULL, 0, NULL);
    struct http_server_config hc = {.addr = "127.0.0.1", .tls = stls, .timeout_sec = 1};
    struct http_client_config cc = {.tls = t};
    struct http_client_req r = fixture_req("POST", 0, "/echo", "{}"); /* port: the server's */
    struct timeval slice = {0, 50000};
    struct http_client_result res;
    char err[EDGE_ERR_LEN];
    struct http_server *srv;
    struct http_client *cl;
    long conn[2] = {-1, -1};
    int i, k;

    if (t == NULL || (srv = http_server_new(base, &hc, err)) == NULL) {
        CHECK(0, "idle-close server: %s", err);
        tls_ctx_free(t);
        return;
    }
    http_server_route(srv, "POST", "/echo", h_echo, NULL, err);
    r.port = http_server_port(srv);
    cl = http_client_new(base, &cc, err);
    for (i = 0; i < 2; i++) {
        json_t *j;

        CHECK(http_client_fetch(cl, &r, &res, err) == 0 && res.status == 200,
              "request %d around an idle close: expected 200, got %d (%s)", i + 1, res.status,
              res.error);
        j = body_json(&res);
        conn[i] = (long)json_integer_value(json_object_get(j, "conn"));
        json_decref(j);
        http_client_result_free(&res);
        /* Run the loop until the server's 1 s idle timeout has closed the connection. */
        for (k = 0; i == 0 && k < 100 && http_client_open_conns(cl) > 0; k++) {
            event_base_loopexit(base, &slice);
            event_base_dispatch(base);
        }
        CHECK(i > 0 || http_client_open_conns(cl) == 0,
              "the server's idle timeout did not close the connection within 5 s");
    }
    CHECK(conn[0] > 0 && conn[1] > 0 && conn[0] != conn[1],
          "expected a new connection after the idle close, got %ld then %ld", conn[0], conn[1]);
    http_client_free(cl);
    http_server_free(srv);
    tls_ctx_free(t);
}

static double
ms_since(int64_t t0_ns)
{
    return (double)(edge_now_ns() - t0_ns) / 1e6;
}

/* A request's own deadline wins over the client's, shorter or longer: a hop that waits on
 * another hop can give up first and still answer its own caller. */
static void
test_deadline(void)
{
    struct tls_ctx *t = client_tls(at("eec.crt"), at("eec.key"), NULL, NULL, 0, NULL);
    struct http_client_config cc = {.tls = t}; /* the default deadline, HTTP_CLIENT_TIMEOUT_MS */
    struct http_client_req r = fixture_req("POST", port, "/hold", "{}");
    struct http_client_result res;
    char err[EDGE_ERR_LEN], want[160];
    struct http_client *cl;

    if (t == NULL)
        return;
    r.timeout_ms = 250;
    cl = http_client_new(base, &cc, err);
    http_client_fetch(cl, &r, &res, err);
    snprintf(want, sizeof(want), "no response from %s (127.0.0.1:%u) within 250 ms", ECS, port);
    CHECK(res.status == 0 && strcmp(res.error, want) == 0,
          "per-request deadline: expected \"%s\", got %d \"%s\"", want, res.status, res.error);
    CHECK(res.error_cause && strcmp(res.error_cause, HTTP_CLIENT_NO_RESPONSE) == 0,
          "per-request deadline: expected cause %s", HTTP_CLIENT_NO_RESPONSE);
    CHECK(res.elapsed_ms >= 240 && res.elapsed_ms < HTTP_CLIENT_TIMEOUT_MS / 2,
          "per-request deadline: expected about 250 ms (client default %d), took %.1f",
          HTTP_CLIENT_TIMEOUT_MS, res.elapsed_ms);
    http_client_result_free(&res);
    http_client_free(cl);

    /* Longer than the client's 300 ms: neither the call's timer nor evhttp's own connection timeout
     * (a backstop) may cut an answer that comes after 1.5 s. */
    cc.timeout_ms = 300;
    cl = http_client_new(base, &cc, err);
    r.path = "/slow";
    r.timeout_ms = 4000;
    CHECK(http_client_fetch(cl, &r, &res, err) == 0 && res.status == 202,
          "per-request deadline longer than the client's: expected 202, got %d \"%s\"", res.status,
          res.error);
    CHECK(res.elapsed_ms >= 1400, "slow answer: expected after 1.5 s, took %.1f ms",
          res.elapsed_ms);
    http_client_result_free(&res);
    /* And a request without a deadline of its own has the client's. */
    r.timeout_ms = 0;
    http_client_fetch(cl, &r, &res, err);
    CHECK(res.status == 0 && res.error_cause &&
              strcmp(res.error_cause, HTTP_CLIENT_NO_RESPONSE) == 0 && strstr(res.error, "300 ms"),
          "no per-request deadline: expected the client's 300 ms, got %d \"%s\"", res.status,
          res.error);
    http_client_result_free(&res);
    http_client_free(cl);
    tls_ctx_free(t);
}

struct shut {
    struct http_req *held[2];
    int nheld, done, nanswers;
    struct {
        int status;
        char cause[64], connection[32], protocol[16];
    } answers[2];
};

static void
h_park(struct http_req *req, void *arg)
{
    struct shut *s = arg;

    http_req_hold(req);
    if (s->nheld < 2)
        s->held[s->nheld++] = req;
}

static void
shut_done(void *arg)
{
    ((struct shut *)arg)->done++;
}

static void
shut_answer(const struct http_client_resp *resp, void *arg)
{
    struct shut *s = arg;
    const char *conn = http_client_resp_header(resp, "Connection");
    json_t *j = resp->body_len > 0 ? json_loadb(resp->body, resp->body_len, 0, NULL) : NULL;
    int i = s->nanswers++;

    if (i >= 2)
        return;
    s->answers[i].status = resp->status;
    snprintf(s->answers[i].cause, sizeof(s->answers[i].cause), "%s", jstr(j, "cause"));
    snprintf(s->answers[i].connection, sizeof(s->answers[i].connection), "%s",
             conn != NULL ? conn : "(none)");
    snprintf(s->answers[i].protocol, sizeof(s->answers[i].protocol), "%s",
             resp->protocol != NULL ? resp->protocol : "(none)");
    json_decref(j);
}

static int
shut_both_held(void *arg)
{
    return ((struct shut *)arg)->nheld == 2;
}

static int
shut_finished(void *arg)
{
    struct shut *s = arg;

    return s->nanswers == 2 && s->done > 0;
}

static int
client_closed(void *arg)
{
    return http_client_open_conns(arg) == 0;
}

/* http_server_shutdown: held requests get their 503 written before the server goes, no new
 * connection is accepted, and a holder that replies late only lets go of its request. With
 * HTTP/1.1 the 503 says "Connection: close"; with HTTP/2 (where that field does not exist) the
 * server's GOAWAY ends the connection. */
static void
test_shutdown(struct tls_ctx *stls, enum http_version version)
{
    struct tls_ctx *t = client_tls(at("eec.crt"), at("eec.key"), NULL, NULL, 0, NULL);
    const char *logpath = at(version == HTTP_VERSION_2 ? "shutdown-h2.jsonl" : "shutdown.jsonl");
    struct evlog *log = evlog_open(logpath, ECS, NULL);
    struct http_server_config hc = {.addr = "127.0.0.1", .tls = stls, .log = log};
    struct http_client_config cc = {.tls = t, .version = version};
    struct http_client_req r = fixture_req("POST", 0, "/park", "{}"); /* port: the server's */
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    struct shut s = {0};
    int64_t t0;
    char err[EDGE_ERR_LEN];
    struct http_server *srv;
    struct http_client *cl;
    int i, fd, rc;

    if (t == NULL || (srv = http_server_new(base, &hc, err)) == NULL) {
        CHECK(0, "shutdown server: %s", err);
        tls_ctx_free(t);
        evlog_close(log);
        return;
    }
    http_server_route(srv, "POST", "/park", h_park, &s, err);
    r.port = http_server_port(srv);
    cl = http_client_new(base, &cc, err);
    for (i = 0; i < 2; i++)
        CHECK(http_client_send(cl, &r, shut_answer, &s, err) == 0, "send /park: %s", err);
    CHECK(fixture_loop_until(base, shut_both_held, &s, 5000),
          "the server did not get both requests");
    t0 = edge_now_ns();
    http_server_shutdown(srv, 3000, shut_done, &s);
    CHECK(http_server_stopping(srv), "expected the server to say it is stopping");
    CHECK(fixture_loop_until(base, shut_finished, &s, 5000),
          "shutdown: expected 2 answers and done, got %d, %d", s.nanswers, s.done);
    CHECK(ms_since(t0) < 1500,
          "shutdown: done should come once the replies are written, not after the 3 s grace "
          "(took %.0f ms)",
          ms_since(t0));
    for (i = 0; i < 2; i++) {
        CHECK(s.answers[i].status == 503 && strcmp(s.answers[i].cause, "SERVICE_UNAVAILABLE") == 0,
              "held request %d at shutdown: expected 503 SERVICE_UNAVAILABLE, got %d %s", i + 1,
              s.answers[i].status, s.answers[i].cause);
        CHECK(strcmp(s.answers[i].protocol, http_version_name(version)) == 0,
              "held request %d at shutdown: expected %s, got %s", i + 1, http_version_name(version),
              s.answers[i].protocol);
        CHECK(version == HTTP_VERSION_2 || strcmp(s.answers[i].connection, "close") == 0,
              "held request %d at shutdown: expected Connection: close, got %s", i + 1,
              s.answers[i].connection);
    }
    CHECK(fixture_loop_until(base, client_closed, cl, 2000),
          "shutdown (%s): expected the server to end the client's connection",
          http_version_name(version));
    /* The listener is gone: a new connection is refused. */
    sa.sin_port = htons(r.port);
    fd = socket(AF_INET, SOCK_STREAM, 0);
    rc = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
    CHECK(rc < 0 && errno == ECONNREFUSED, "after shutdown: expected connect refused, got %d (%s)",
          rc, rc < 0 ? strerror(errno) : "connected");
    close(fd);
    /* A late reply from the first holder is dropped and frees its request (ASan would see a
     * use after free or a leak); the second holder never replies: http_server_free frees it. */
    http_reply_json(s.held[0], 200, json_pack("{s:b}", "late", 1));
    http_server_shutdown(srv, 0, shut_done, &s); /* a second call does nothing */
    CHECK(s.done == 1, "shutdown: expected done once, got %d", s.done);
    http_client_free(cl);
    http_server_free(srv);
    evlog_close(log);
    tls_ctx_free(t);
    CHECK(evlog_has(logpath, (const char *[]){"dir", "out", "path", "/park", "status", "503",
                                              "cause", "SERVICE_UNAVAILABLE", NULL}),
          "shutdown log: expected the 503 replies");
    CHECK(!evlog_has(logpath, (const char *[]){"cause", "DOUBLE_REPLY", NULL}),
          "shutdown log: a late reply after the shutdown's 503 is not a double reply");
}

static int
rawtls_done(void *arg)
{
    struct rawtls *c = arg;

    return c->connected || c->closed;
}

/* ALPN (RFC 7301): h2 by default; a server set to HTTP/1.1 serves an h2 client in HTTP/1.1 and
 * refuses a client that offers only h2; a client set to HTTP/1.1 gets it from an h2 server. */
static void
test_versions(struct tls_ctx *stls)
{
    struct tls_ctx *t = client_tls(at("eec.crt"), at("eec.key"), NULL, NULL, 0, NULL);
    struct http_server_config hc = {.addr = "127.0.0.1", .tls = stls};
    static const struct {
        enum http_version server, client;
        const char *got;
    } rows[] = {
        {HTTP_VERSION_2, HTTP_VERSION_2, "h2"},
        {HTTP_VERSION_2, HTTP_VERSION_1_1, "http/1.1"},
        {HTTP_VERSION_1_1, HTTP_VERSION_2, "http/1.1"},
        {HTTP_VERSION_1_1, HTTP_VERSION_1_1, "http/1.1"},
    };
    struct http_client_req r = {.method = "GET", .fqdn = ECS, .addr = "127.0.0.1", .path = "/i/a"};
    struct http_client_result res;
    char err[EDGE_ERR_LEN];
    struct rawtls *c;

    for (size_t i = 0; t != NULL && i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct http_client_config cc = {.tls = t, .version = rows[i].client};
        struct http_server *srv;
        struct http_client *cl;

        hc.version = rows[i].server;
        if ((srv = http_server_new(base, &hc, err)) == NULL ||
            (cl = http_client_new(base, &cc, err)) == NULL) {
            CHECK(0, "versions: %s", err);
            http_server_free(srv);
            continue;
        }
        http_server_route(srv, "GET", "/i/{itemId}", fixture_h_item, NULL, err);
        r.port = http_server_port(srv);
        http_client_fetch(cl, &r, &res, err);
        CHECK(res.status == 200 && strcmp(res.protocol, rows[i].got) == 0,
              "server %s, client %s: expected 200 over %s, got %d over %s (%s)",
              http_version_name(rows[i].server), http_version_name(rows[i].client), rows[i].got,
              res.status, res.protocol, res.error);
        http_client_result_free(&res);
        http_client_free(cl);
        if (rows[i].server == HTTP_VERSION_1_1 && rows[i].client == HTTP_VERSION_2) {
            c = rawtls_open(base, t, ECS, r.port, "h2", "", 0, 0);
            CHECK(c != NULL && fixture_loop_until(base, rawtls_done, c, 3000) && !c->connected,
                  "a client offering only h2 to a server set to http/1.1: expected the handshake "
                  "refused (no_application_protocol)");
            rawtls_free(c);
        }
        http_server_free(srv);
    }
    tls_ctx_free(t);
}

/* How many lines of the event log at path have all the given key/value pairs? */
static int
evlog_count(const char *path, const char *const *kv)
{
    char *text = fixture_slurp(path), *line, *save = NULL;
    int n = 0;

    for (line = text ? strtok_r(text, "\n", &save) : NULL; line;
         line = strtok_r(NULL, "\n", &save)) {
        json_t *j = json_loads(line, 0, NULL), *v;
        int found = j != NULL;
        size_t i;

        for (i = 0; kv[i] && found; i += 2) {
            v = json_object_get(j, kv[i]);
            if (strcmp(kv[i], "outcome") == 0)
                v = json_object_get(json_object_get(j, "data"), "outcome");
            if (json_is_integer(v))
                found = json_integer_value(v) == atoi(kv[i + 1]);
            else
                found = json_is_string(v) && strstr(json_string_value(v), kv[i + 1]) != NULL;
        }
        n += found;
        json_decref(j);
    }
    free(text);
    return n;
}

struct logwait {
    const char *path;
    const char *const *kv;
    int n;
};

static int
log_reached(void *arg)
{
    struct logwait *w = arg;

    return evlog_count(w->path, w->kv) >= w->n;
}

/* A client that completes a handshake and one request, then closes its socket without
 * close_notify, as a process that exits does. In a child process: it blocks. */
static pid_t
spawn_abrupt_client(unsigned short p)
{
    struct sockaddr_in sa = {
        .sin_family = AF_INET, .sin_port = htons(p), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    static const char get[] = "GET /items/a HTTP/1.1\r\nHost: " ECS "\r\n\r\n";
    char buf[4096];
    size_t len = 0;
    SSL_CTX *ctx;
    SSL *ssl;
    pid_t pid;
    int fd, n;

    if ((pid = fork()) != 0)
        return pid;
    ctx = SSL_CTX_new(TLS_client_method());
    if (ctx == NULL || SSL_CTX_use_certificate_file(ctx, at("eec.crt"), SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx, at("eec.key"), SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_load_verify_locations(ctx, at("ca.crt"), NULL) != 1)
        _exit(2);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    fd = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || (ssl = SSL_new(ctx)) == NULL)
        _exit(3);
    SSL_set_fd(ssl, fd);
    SSL_set_tlsext_host_name(ssl, ECS);
    if (SSL_connect(ssl) != 1 || SSL_write(ssl, get, sizeof(get) - 1) != (int)sizeof(get) - 1)
        _exit(4);
    /* Read the whole answer (a JSON body ends it): unread bytes would make close() a reset. */
    while (len < sizeof(buf) - 1 &&
           (n = SSL_read(ssl, buf + len, (int)(sizeof(buf) - 1 - len))) > 0) {
        len += (size_t)n;
        buf[len] = '\0';
        if (strstr(buf, "\r\n\r\n") != NULL && buf[len - 1] == '}')
            break;
    }
    close(fd);
    _exit(strstr(buf, " 200 ") != NULL ? 0 : 5);
}

/* Connections that end without a TLS failure are not logged as one: closed before any byte, an
 * idle kept-alive connection the client closes (with close_notify, or without as a process that
 * exits); while a client of another CA and a handshake cut short still are. */
static void
test_tls_closes(struct tls_ctx *stls)
{
    const char *path = at("closes.jsonl");
    struct evlog *log = evlog_open(path, ECS, NULL);
    struct http_server_config hc = {.addr = "127.0.0.1", .tls = stls, .log = log};
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    static const char *const failed[] = {"kind", "tls", "cause", "TLS_HANDSHAKE_FAILED", NULL};
    static const char *const early[] = {"kind", "tls", "outcome", "CLOSED_BEFORE_HANDSHAKE", NULL};
    static const char *const notify[] = {"kind",           "tls",  "outcome", "CLOSED", "summary",
                                         "(close_notify)", "peer", EEC_ID,    NULL};
    static const char *const abrupt[] = {
        "kind", "tls", "outcome", "CLOSED", "summary", "without close_notify", NULL};
    struct logwait w = {.path = path};
    struct http_client_result res;
    struct http_server *srv;
    struct tls_ctx *t;
    char err[EDGE_ERR_LEN];
    unsigned short p;
    int fd, st = -1;
    pid_t pid;

    if ((srv = http_server_new(base, &hc, err)) == NULL) {
        CHECK(0, "closes server: %s", err);
        evlog_close(log);
        return;
    }
    http_server_route(srv, "GET", "/items/{itemId}", fixture_h_item, NULL, err);
    p = http_server_port(srv);
    sa.sin_port = htons(p);

    /* Connect, then close without a byte (a port probe; a client that gave up). */
    fd = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0, "connect: %s", strerror(errno));
    close(fd);
    w.kv = early;
    w.n = 1;
    CHECK(fixture_loop_until(base, log_reached, &w, 5000),
          "a connection closed before any TLS byte: expected outcome CLOSED_BEFORE_HANDSHAKE");

    /* A kept-alive connection our client closes while idle: close_notify, an orderly close. */
    t = client_tls(at("eec.crt"), at("eec.key"), NULL, NULL, 0, NULL);
    fetch(t, NULL, ECS, p, 0, "GET", "/items/a", NULL, NULL, &res);
    CHECK(res.status == 200, "closes: expected 200, got %d (%s)", res.status, res.error);
    http_client_result_free(&res);
    tls_ctx_free(t);
    w.kv = notify;
    CHECK(fixture_loop_until(base, log_reached, &w, 5000),
          "an idle connection the client closed: expected outcome CLOSED (close_notify) from %s",
          EEC_ID);

    /* The same without close_notify. */
    pid = spawn_abrupt_client(p);
    w.kv = abrupt;
    CHECK(pid > 0 && fixture_loop_until(base, log_reached, &w, 10000),
          "a client that closed without close_notify: expected outcome CLOSED");
    if (pid > 0)
        waitpid(pid, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "abrupt client: expected exit 0, got 0x%x", st);

    /* Failures stay failures: a client of another CA ... */
    t = client_tls(at("rogue-eec.crt"), at("rogue-eec.key"), NULL, NULL, 0, NULL);
    fetch(t, NULL, ECS, p, 0, "GET", "/items/a", NULL, NULL, &res);
    http_client_result_free(&res);
    tls_ctx_free(t);
    w.kv = failed;
    CHECK(fixture_loop_until(base, log_reached, &w, 5000),
          "a client of another CA: expected TLS_HANDSHAKE_FAILED");
    /* ... and a handshake cut short after its first bytes. */
    fd = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0, "connect: %s", strerror(errno));
    CHECK(write(fd, "\x16\x03\x01\x02\x00", 5) == 5, "write: %s", strerror(errno));
    close(fd);
    w.n = 2;
    CHECK(fixture_loop_until(base, log_reached, &w, 5000),
          "a ClientHello cut short: expected TLS_HANDSHAKE_FAILED (unexpected eof)");

    http_server_free(srv);
    evlog_close(log);
    CHECK(evlog_count(path, failed) == 2,
          "closes log: expected exactly 2 TLS_HANDSHAKE_FAILED lines (other CA, cut short), got %d",
          evlog_count(path, failed));
    CHECK(evlog_count(path, early) == 1 && evlog_count(path, notify) == 1 &&
              evlog_count(path, abrupt) == 1,
          "closes log: expected one line per close, got %d, %d, %d", evlog_count(path, early),
          evlog_count(path, notify), evlog_count(path, abrupt));
    CHECK(evlog_count(path, (const char *[]){"summary", "certificate verify failed", NULL}) == 1 &&
              evlog_count(path, (const char *[]){"cause", "TLS_HANDSHAKE_FAILED", "summary",
                                                 "unexpected eof", NULL}) == 1,
          "closes log: expected the other CA's verify failure and one cut-short handshake");
}

/* This process's TCP sockets to the test server's port that are still ESTABLISHED. */
static int
established_to_server(void)
{
    DIR *d = opendir("/proc/self/fd");
    struct dirent *de;
    int n = 0;

    while (d != NULL && (de = readdir(d)) != NULL) {
        struct sockaddr_in sa;
        struct tcp_info ti;
        socklen_t sl = sizeof(sa), tl = sizeof(ti);
        int fd = atoi(de->d_name);

        if (de->d_name[0] == '.' || fd == dirfd(d) ||
            getpeername(fd, (struct sockaddr *)&sa, &sl) < 0 || sa.sin_family != AF_INET ||
            ntohs(sa.sin_port) != port || getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &tl) < 0)
            continue;
        n += ti.tcpi_state == TCP_ESTABLISHED;
    }
    if (d != NULL)
        closedir(d);
    return n;
}

/* http_client_free ends its connections on the wire before it returns: libevent closes a freed
 * bufferevent's socket from a finalizer later in the loop, and a client that opens its next
 * connection in the same round (the UEs of one edge-eec) would hold both at the server's
 * per-peer cap. */
static void
test_client_free_fin(void)
{
    struct tls_ctx *t = client_tls(at("eec.crt"), at("eec.key"), NULL, NULL, 0, NULL);
    struct http_client_config cc = {.tls = t};
    struct http_client_req r = fixture_req("GET", port, "/items/a", NULL);
    struct http_client_result res;
    char err[EDGE_ERR_LEN];
    struct http_client *cl = http_client_new(base, &cc, err);
    int before;

    r.fqdn = ECS;
    if (cl == NULL || http_client_fetch(cl, &r, &res, err) < 0) {
        CHECK(0, "client free: %s", err);
        http_client_free(cl);
        tls_ctx_free(t);
        return;
    }
    CHECK(res.status == 200, "client free: expected 200, got %d (%s)", res.status, res.error);
    http_client_result_free(&res);
    before = established_to_server();
    http_client_free(cl);
    CHECK(before == 1 && established_to_server() == 0,
          "http_client_free: expected its kept-alive connection established before and not after "
          "(no loop round between), got %d and %d",
          before, established_to_server());
    tls_ctx_free(t);
}

/* A client's source address: with a per-peer cap of 1, one client kept alive from 127.0.0.2 and a
 * second from 127.0.0.3 are both served, and a third from 127.0.0.2 again is refused. */
static void
test_source_addr(struct tls_ctx *stls)
{
    struct tls_ctx *t = client_tls(at("eec.crt"), at("eec.key"), NULL, NULL, 0, NULL);
    struct http_server_config hc = {.addr = "127.0.0.1", .tls = stls, .max_conns_per_peer = 1};
    static const char *const from[] = {"127.0.0.2", "127.0.0.3", "127.0.0.2"};
    struct http_client_req r = fixture_req("POST", 0, "/echo", "{}");
    struct http_client_result res;
    struct http_client *cl[3] = {0};
    struct http_server *srv;
    char err[EDGE_ERR_LEN];
    int status[3] = {0};

    if (t == NULL || (srv = http_server_new(base, &hc, err)) == NULL) {
        CHECK(0, "source-address server: %s", err);
        tls_ctx_free(t);
        return;
    }
    http_server_route(srv, "POST", "/echo", h_echo, NULL, err);
    r.port = http_server_port(srv);
    for (int i = 0; i < 3; i++) {
        struct http_client_config cc = {.tls = t, .source_addr = from[i]};
        if ((cl[i] = http_client_new(base, &cc, err)) == NULL) {
            CHECK(0, "client from %s: %s", from[i], err);
            continue;
        }
        /* The refused one fails in its handshake: the server closes it as it accepts it. */
        if (http_client_fetch(cl[i], &r, &res, err) == 0)
            status[i] = res.status;
        http_client_result_free(&res);
    }
    CHECK(status[0] == 200 && status[1] == 200 && status[2] == 0,
          "per-peer cap 1: expected 200 from 127.0.0.2, 200 from 127.0.0.3 and a refusal from "
          "127.0.0.2 again, got %d, %d, %d",
          status[0], status[1], status[2]);
    for (int i = 0; i < 3; i++)
        http_client_free(cl[i]);
    {
        struct http_client_config bad = {.tls = t, .source_addr = "ecs1.edge.test"};
        CHECK(http_client_new(base, &bad, err) == NULL && strstr(err, "not a numeric") != NULL,
              "a source address that is a name: expected a refusal, got \"%s\"", err);
    }
    http_server_free(srv);
    tls_ctx_free(t);
}

static void
test_keylog_env(void)
{
    struct tls_ctx *t;
    struct http_client_result res;
    char *text;

    setenv("SSLKEYLOGFILE", at("env-keylog.txt"), 1);
    t = client_tls(at("eec.crt"), at("eec.key"), NULL, NULL, 0, NULL);
    unsetenv("SSLKEYLOGFILE");
    if (t == NULL)
        return;
    CHECK(tls_ctx_keylog_path(t) && strcmp(tls_ctx_keylog_path(t), at("env-keylog.txt")) == 0,
          "expected the key log from SSLKEYLOGFILE, got %s", tls_ctx_keylog_path(t));
    fetch(t, NULL, ECS, port, 0, "POST", "/echo", HTTP_MEDIA_JSON, "{}", &res);
    http_client_result_free(&res);
    text = fixture_slurp(at("env-keylog.txt"));
    CHECK(text && strstr(text, "CLIENT_TRAFFIC_SECRET_0 "), "SSLKEYLOGFILE got no secrets");
    free(text);
    tls_ctx_free(t);

    text = fixture_slurp(at("keylog.txt"));
    CHECK(text && strstr(text, "CLIENT_HANDSHAKE_TRAFFIC_SECRET ") &&
              strstr(text, "SERVER_TRAFFIC_SECRET_0 ") && strstr(text, "EXPORTER_SECRET "),
          "key log: expected NSS TLS 1.3 secret lines");
    free(text);
}

/* Does some line of the event log at path have all the given key/value pairs? */
static int
evlog_has(const char *path, const char *const *kv)
{
    char *text = fixture_slurp(path), *line, *save = NULL;
    int found = 0;

    for (line = text ? strtok_r(text, "\n", &save) : NULL; line && !found;
         line = strtok_r(NULL, "\n", &save)) {
        json_t *j = json_loads(line, 0, NULL);
        size_t i;

        found = j != NULL;
        for (i = 0; kv[i] && found; i += 2) {
            json_t *v = json_object_get(j, kv[i]);

            if (json_is_integer(v))
                found = json_integer_value(v) == atoi(kv[i + 1]);
            else
                found = json_is_string(v) && strstr(json_string_value(v), kv[i + 1]) != NULL;
        }
        json_decref(j);
    }
    free(text);
    return found;
}

static void
test_evlog(void)
{
    const char *s = at("server.jsonl"), *c = at("client.jsonl");

    CHECK(evlog_has(s, (const char *[]){"dir", "in", "kind", "http", "method", "POST", "path",
                                        "/echo", "peer", EEC_ID, NULL}),
          "server log: expected an incoming POST /echo from %s", EEC_ID);
    CHECK(evlog_has(s, (const char *[]){"dir", "out", "status", "413", "cause",
                                        PROBLEM_PAYLOAD_TOO_LARGE, NULL}),
          "server log: expected the 413 reply with its cause");
    CHECK(evlog_has(
              s, (const char *[]){"dir", "out", "status", "400", "cause", "invalid_request", NULL}),
          "server log: expected the OAuth error as cause");
    CHECK(evlog_has(s, (const char *[]){"dir", "local", "cause", "DOUBLE_REPLY", NULL}),
          "server log: expected the dropped second reply");
    CHECK(evlog_has(s, (const char *[]){"kind", "tls", "cause", "TLS_HANDSHAKE_FAILED", "summary",
                                        "certificate verify failed", NULL}),
          "server log: expected the other CA's handshake failure");
    CHECK(evlog_has(s, (const char *[]){"kind", "tls", "summary", "binder does not verify", NULL}),
          "server log: expected the wrong PSK's binder failure");
    CHECK(evlog_has(s, (const char *[]){"kind", "tls", "summary", "unknown", NULL}),
          "server log: expected the unknown PSK identity named");
    CHECK(evlog_has(c, (const char *[]){"dir", "out", "method", "POST", "path", "/echo", "peer",
                                        ECS, NULL}),
          "client log: expected the outgoing POST /echo");
    CHECK(evlog_has(c, (const char *[]){"dir", "in", "status", "200", "path", "/echo", NULL}),
          "client log: expected the 200 answer");
}

int
main(int argc, char **argv)
{
    struct tls_config sc = {0};
    struct http_server_config hc = {0};
    struct tls_ctx *stls = NULL;
    struct http_server *srv = NULL;
    struct evlog *slog = NULL, *clog = NULL;
    char err[EDGE_ERR_LEN];
    static const struct {
        const char *method, *pattern;
        http_handler_fn fn;
    } routes[] = {
        {"POST", "/echo", h_echo},
        {"GET", "/items/{itemId}", fixture_h_item},
        {"POST", "/oauth2/token", fixture_h_token},
        {"POST", "/later", h_later},
        {"POST", "/noreply", h_noreply},
        {"POST", "/twice", h_twice},
        {"POST", "/hold", fixture_h_hold},
    };
    size_t i;
    int rc;

    if ((rc = fixture_start(argc, argv, 1, "GEN_CREDS_SCRIPT", dir)) != 0)
        return rc;
    /* Peers that close first (the closes test) must cost a connection, not the test. */
    signal(SIGPIPE, SIG_IGN);
    base = event_base_new();
    sc.ca_file = at("ca.crt");
    sc.cert_file = at("ecs.crt");
    sc.key_file = at("ecs.key");
    sc.keylog_path = at("keylog.txt");
    sc.psk_lookup = psk_lookup;
    if ((stls = tls_server_new(&sc, err)) == NULL) {
        CHECK(0, "server TLS: %s", err);
        goto done;
    }
    slog = evlog_open(at("server.jsonl"), ECS, err);
    clog = evlog_open(at("client.jsonl"), EEC_ID, err);
    CHECK(slog != NULL && clog != NULL, "event logs: %s", err);
    hc.addr = "127.0.0.1";
    hc.tls = stls;
    hc.log = slog;
    hc.max_body = MAX_BODY;
    if ((srv = http_server_new(base, &hc, err)) == NULL) {
        CHECK(0, "server: %s", err);
        goto done;
    }
    port = http_server_port(srv);
    CHECK(port != 0, "expected an ephemeral port");
    for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
        CHECK(http_server_route(srv, routes[i].method, routes[i].pattern, routes[i].fn, NULL,
                                err) == 0,
              "route %s: %s", routes[i].pattern, err);
    CHECK(http_server_route(srv, "POST", "/slow", h_slow, (void *)(intptr_t)1500, err) == 0,
          "route /slow: %s", err);

    test_config_errors();
    test_cert_exchange(clog);
    test_errors();
    test_refusals();
    test_server_cert_only();
    test_client_failures();
    test_retry();
    test_idle_close(stls);
    test_deadline();
    test_versions(stls);
    test_shutdown(stls, HTTP_VERSION_2);
    test_shutdown(stls, HTTP_VERSION_1_1);
    test_tls_closes(stls);
    test_client_free_fin();
    test_source_addr(stls);
    test_keylog_env();
    test_evlog();
done:
    http_server_free(srv);
    tls_ctx_free(stls);
    evlog_close(slog);
    evlog_close(clog);
    event_base_free(base);
    return fixture_finish(dir, "tls_http");
}
