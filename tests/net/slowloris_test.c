/* slowloris_test.c -- the HTTPS server bounds what a client holding a valid certificate can hold:
 * 200 slow connections (100 HTTP/1.1 sending a header byte every 200 ms, 100 HTTP/2 sending the
 * preface and a request the same way) are all closed by the request deadline (2 s here), not
 * earlier and not much later, each with a REQUEST_TIMEOUT line in the event log, while valid
 * requests on new connections are served meanwhile; an HTTP/2 stream whose body never comes is
 * reset at the deadline while its connection goes on; connections beyond the per-peer cap and
 * beyond the global cap are closed as accepted, with CONNECTION_LIMIT in the log, and a client at
 * the per-peer cap that ends a connection and opens the next at once is served. Nothing sleeps:
 * the test runs the event loop until each condition holds, under a guard timer.
 * Usage: net_slowloris_test GEN_CREDS_SCRIPT */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <event2/event.h>

#include "base/err.h"
#include "fixture.h"
#include "net/http_client.h"
#include "net/http_server.h"
#include "rawtls.h"

#define ECS "ecs1.edge.test"
#define DEADLINE_MS 2000
#define DRIP_MS 200
#define NSLOW 200

static char dir[4096];
static struct event_base *base;
static struct tls_ctx *ctls;

static const char *
at(const char *name)
{
    return fixture_at(dir, name);
}

/* How many lines of the event log at path hold every one of the strings? */
static int
log_count(const char *path, const char *const *want)
{
    char *text = fixture_slurp(path), *line, *next;
    int n = 0;

    for (line = text; line != NULL && *line != '\0'; line = next) {
        int all = 1;

        if ((next = strchr(line, '\n')) != NULL)
            *next++ = '\0';
        for (size_t i = 0; want[i] != NULL && all; i++)
            all = strstr(line, want[i]) != NULL;
        n += all;
    }
    free(text);
    return n;
}

/* The HTTP/2 client preface (RFC 9113 3.4), an empty SETTINGS frame, and HEADERS of a GET on
 * stream 1 (HPACK: :method GET, :scheme https, :path /items/a, :authority e). */
static const char h2_get[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
                             "\x00\x00\x00\x04\x00\x00\x00\x00\x00"
                             "\x00\x00\x0f\x01\x05\x00\x00\x00\x01"
                             "\x82\x87\x04\x08/items/a\x01\x01"
                             "e";
/* HEADERS of a POST /echo on stream 3, without END_STREAM: a body is announced, none comes. */
static const char h2_post_open[] = "\x00\x00\x0c\x01\x04\x00\x00\x00\x03"
                                   "\x83\x87\x04\x05/echo\x01\x01"
                                   "e";

static unsigned short port;

#define NVALID 16

struct slow {
    struct rawtls *c[NSLOW];
    struct event *tick;
    struct http_client *cl[NVALID]; /* one per valid request: each a new connection */
    int nvalid, valid_ok, valid_failed;
    double valid_max_ms;
};

static int
all_closed(void *arg)
{
    struct slow *s = arg;

    for (int i = 0; i < NSLOW; i++)
        if (s->c[i] != NULL && !s->c[i]->closed)
            return 0;
    return 1;
}

static int
all_connected(void *arg)
{
    struct slow *s = arg;

    for (int i = 0; i < NSLOW; i++)
        if (s->c[i] != NULL && !s->c[i]->connected && !s->c[i]->closed)
            return 0;
    return 1;
}

static void
valid_answer(const struct http_client_resp *resp, void *arg)
{
    struct slow *s = arg;

    /* Sent while the slow connections were held (valid_tick sends only then) and served before
     * a request deadline passed: the slow ones did not make it wait for their slots. Whether the
     * slow ones were closed by the time the answer came is a race, not the server's doing. */
    if (resp->status == 200 && resp->elapsed_ms < DEADLINE_MS)
        s->valid_ok++;
    else
        s->valid_failed++;
    if (resp->elapsed_ms > s->valid_max_ms)
        s->valid_max_ms = resp->elapsed_ms;
}

static int
valid_all_answered(void *arg)
{
    struct slow *s = arg;

    return s->valid_ok + s->valid_failed == s->nvalid;
}

/* Every 250 ms while the slow ones hold on: a valid request, on a new connection each time. */
static void
valid_tick(evutil_socket_t fd, short what, void *arg)
{
    struct slow *s = arg;
    struct http_client *cl;
    struct http_client_config cc = {.tls = ctls, .timeout_ms = 2000};
    struct http_client_req r = {
        .method = "GET", .fqdn = ECS, .addr = "127.0.0.1", .port = port, .path = "/items/ok"};
    struct timeval tv = {0, 250000};
    char err[EDGE_ERR_LEN];

    (void)fd, (void)what;
    if (all_closed(s) || s->nvalid == NVALID)
        return;
    s->nvalid++;
    if ((s->cl[s->nvalid - 1] = cl = http_client_new(base, &cc, err)) == NULL ||
        http_client_send(cl, &r, valid_answer, s, err) < 0)
        s->valid_failed++;
    evtimer_add(s->tick, &tv);
}

/* 200 slow connections, and valid requests while they last. */
static void
test_slow(const char *log)
{
    static const char h1_slow[] = "GET /items/a HTTP/1.1\r\nHost: e\r\nX-Slow: "
                                  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    struct slow s = {0};
    double lo = 1e9, hi = 0;
    int early = 0, late = 0, opened = 0;

    for (int i = 0; i < NSLOW; i++) {
        s.c[i] = i % 2 == 0 ? rawtls_open(base, ctls, ECS, port, "http/1.1", h1_slow,
                                          sizeof(h1_slow) - 1, DRIP_MS)
                            : rawtls_open(base, ctls, ECS, port, "h2", h2_get, sizeof(h2_get) - 1,
                                          DRIP_MS);
        opened += s.c[i] != NULL;
    }
    CHECK(opened == NSLOW, "expected %d slow connections opened, got %d", NSLOW, opened);
    CHECK(fixture_loop_until(base, all_connected, &s, DEADLINE_MS),
          "slow connections: handshakes not done");
    s.tick = evtimer_new(base, valid_tick, &s);
    valid_tick(-1, 0, &s);
    CHECK(fixture_loop_until(base, all_closed, &s, 4 * DEADLINE_MS),
          "slow connections still open after %d ms", 4 * DEADLINE_MS);
    event_free(s.tick);
    CHECK(fixture_loop_until(base, valid_all_answered, &s, 3000),
          "valid requests: %d of %d unanswered", s.nvalid - s.valid_ok - s.valid_failed, s.nvalid);
    for (int i = 0; i < s.nvalid; i++)
        http_client_free(s.cl[i]);
    for (int i = 0; i < NSLOW; i++) {
        if (s.c[i] == NULL)
            continue;
        /* The deadline runs from the accept: after the connect began, before the handshake
         * ended. */
        early += !s.c[i]->connected || s.c[i]->closed_ms < DEADLINE_MS - 50;
        late += s.c[i]->closed_ms - s.c[i]->connected_ms > DEADLINE_MS + 300;
        lo = s.c[i]->closed_ms < lo ? s.c[i]->closed_ms : lo;
        hi = s.c[i]->closed_ms > hi ? s.c[i]->closed_ms : hi;
        rawtls_free(s.c[i]);
    }
    printf("%d slow connections closed after %.0f..%.0f ms; %d valid requests served meanwhile, "
           "in %.1f ms at most\n",
           opened, lo, hi, s.valid_ok, s.valid_max_ms);
    CHECK(early == 0 && late == 0,
          "slow connections: expected each closed %d ms or more after its connect, and at most "
          "%d ms after its handshake, got %d early, %d late (%.0f..%.0f ms)",
          DEADLINE_MS - 50, DEADLINE_MS + 300, early, late, lo, hi);
    CHECK(s.valid_ok >= 2 && s.valid_failed == 0,
          "valid requests while %d slow connections were held: expected 2 or more served in "
          "under %d ms and none failed, got %d served, %d failed",
          NSLOW, DEADLINE_MS, s.valid_ok, s.valid_failed);
    CHECK(log_count(log, (const char *[]){"\"cause\":\"REQUEST_TIMEOUT\"",
                                          "request not complete within 2000 ms", NULL}) ==
                  NSLOW / 2 &&
              log_count(log, (const char *[]){"\"cause\":\"REQUEST_TIMEOUT\"",
                                              "no complete HTTP/2 request within 2000 ms", NULL}) ==
                  NSLOW / 2,
          "event log: expected %d REQUEST_TIMEOUT lines for each version", NSLOW / 2);
}

static int
closed_or_reset(void *arg)
{
    struct rawtls *c = arg;
    static const unsigned char rst3[] = {0, 0, 4, 3, 0, 0, 0, 0, 3};
    size_t len = evbuffer_get_length(c->got);
    const unsigned char *p = evbuffer_pullup(c->got, -1);

    if (c->closed)
        return 1;
    /* The frames the server sent after its SETTINGS: look for RST_STREAM on stream 3. */
    for (size_t off = 0; p != NULL && off + 9 <= len;) {
        size_t flen = ((size_t)p[off] << 16) | ((size_t)p[off + 1] << 8) | p[off + 2];

        if (memcmp(p + off, rst3, sizeof(rst3)) == 0)
            return 1;
        off += 9 + flen;
    }
    return 0;
}

/* HTTP/2: stream 1 answered, stream 3 (a body announced, never sent) reset at its deadline; the
 * connection stays. */
static void
test_stream_deadline(const char *log)
{
    char req[sizeof(h2_get) + sizeof(h2_post_open)];
    struct rawtls *c;

    memcpy(req, h2_get, sizeof(h2_get) - 1);
    memcpy(req + sizeof(h2_get) - 1, h2_post_open, sizeof(h2_post_open) - 1);
    c = rawtls_open(base, ctls, ECS, port, "h2", req, sizeof(h2_get) + sizeof(h2_post_open) - 2, 0);
    if (c == NULL) {
        CHECK(0, "cannot open the HTTP/2 connection");
        return;
    }
    fixture_loop_until(base, closed_or_reset, c, 3 * DEADLINE_MS);
    CHECK(!c->closed && closed_or_reset(c),
          "a stream whose body never came: expected RST_STREAM on stream 3 and the connection "
          "open, got %s",
          c->closed ? "the connection closed" : "no reset");
    CHECK(rawtls_ms(c) >= DEADLINE_MS - 50 && rawtls_ms(c) < DEADLINE_MS + 1000,
          "the stream was reset after %.0f ms, expected about %d", rawtls_ms(c), DEADLINE_MS);
    CHECK(log_count(log,
                    (const char *[]){"\"cause\":\"REQUEST_TIMEOUT\"", "stream 3 from", NULL}) == 1,
          "event log: expected the stream's REQUEST_TIMEOUT");
    rawtls_free(c);
}

static int
limit_done(void *arg)
{
    struct rawtls **c = arg;

    for (int i = 0; c[i] != NULL; i++)
        if (!c[i]->connected && !c[i]->closed)
            return 0;
    return 1;
}

/* Caps: with room for n, the n+1-th connection is closed as it is accepted (no handshake). */
static void
test_cap(struct tls_ctx *stls, int per_peer, int global, const char *what)
{
    const char *log = at("caps.jsonl");
    struct evlog *ev = evlog_open(log, ECS, NULL);
    struct http_server_config hc = {.addr = "127.0.0.1",
                                    .tls = stls,
                                    .log = ev,
                                    .max_conns_per_peer = per_peer,
                                    .max_conns = global};
    int n = per_peer < global ? per_peer : global, served = 0, refused = 0;
    struct rawtls *c[16] = {0};
    struct http_server *srv = http_server_new(base, &hc, NULL);

    if (srv == NULL || n + 1 >= 16) {
        CHECK(0, "caps server");
        evlog_close(ev);
        return;
    }
    for (int i = 0; i <= n; i++) {
        c[i] = rawtls_open(base, ctls, ECS, http_server_port(srv), "http/1.1", "", 0, 0);
        /* One at a time, so that which one is the extra one is known. */
        fixture_loop_until(base, limit_done, (struct rawtls *[]){c[i], NULL}, 3000);
    }
    for (int i = 0; i <= n; i++) {
        served += c[i] != NULL && c[i]->connected && !c[i]->closed;
        refused += c[i] != NULL && !c[i]->connected && c[i]->closed;
        rawtls_free(c[i]);
    }
    http_server_free(srv);
    evlog_close(ev);
    CHECK(served == n && refused == 1 && c[n] != NULL,
          "%s cap of %d: expected %d connections served and the last refused, got %d served, "
          "%d refused",
          what, n, n, served, refused);
    CHECK(log_count(log, (const char *[]){"\"cause\":\"CONNECTION_LIMIT\"", what, NULL}) == 1,
          "%s cap: expected one CONNECTION_LIMIT line saying \"%s\"", what, what);
    remove(log);
}

/* A client at the per-peer cap ends one connection and opens the next at once: the server reads
 * that close in the same loop round as it accepts the new connection, which must be served, not
 * refused as one too many (http_server_cap.c). */
static void
test_cap_reuse(struct tls_ctx *stls)
{
    const char *log = at("reuse.jsonl");
    struct evlog *ev = evlog_open(log, ECS, NULL);
    struct http_server_config hc = {
        .addr = "127.0.0.1", .tls = stls, .log = ev, .max_conns_per_peer = 5, .max_conns = 100};
    struct http_server *srv = http_server_new(base, &hc, NULL);
    struct rawtls *c[7] = {0};
    int served = 0;

    if (srv == NULL) {
        CHECK(0, "reuse server");
        evlog_close(ev);
        return;
    }
    for (int i = 0; i < 5; i++)
        c[i] = rawtls_open(base, ctls, ECS, http_server_port(srv), "http/1.1", "", 0, 0);
    fixture_loop_until(base, limit_done, c, 3000);
    /* The FIN leaves before the next SYN (bufferevent_free alone closes the socket later). */
    if (c[0] != NULL && c[0]->bev != NULL)
        (void)shutdown(bufferevent_getfd(c[0]->bev), SHUT_RDWR);
    rawtls_free(c[0]);
    c[0] = rawtls_open(base, ctls, ECS, http_server_port(srv), "http/1.1", "", 0, 0);
    fixture_loop_until(base, limit_done, c, 3000);
    for (int i = 0; i < 5; i++) {
        served += c[i] != NULL && c[i]->connected && !c[i]->closed;
        rawtls_free(c[i]);
    }
    http_server_free(srv);
    evlog_close(ev);
    CHECK(served == 5,
          "per-peer cap of 5, one connection ended and the next opened at once: expected 5 "
          "served, got %d",
          served);
    CHECK(log_count(log, (const char *[]){"\"cause\":\"CONNECTION_LIMIT\"", NULL}) == 0,
          "per-peer cap, a connection ended and the next opened: expected no CONNECTION_LIMIT");
    remove(log);
}

int
main(int argc, char **argv)
{
    struct http_server_config hc = {.addr = "127.0.0.1",
                                    .request_timeout_ms = DEADLINE_MS,
                                    .max_conns_per_peer = NSLOW + 50,
                                    .max_conns = NSLOW + 100};
    struct http_server *srv = NULL;
    struct tls_ctx *stls = NULL;
    struct evlog *log = NULL;
    struct rlimit rl;
    char err[EDGE_ERR_LEN];
    int rc;

    if ((rc = fixture_start(argc, argv, 1, "GEN_CREDS_SCRIPT", dir)) != 0)
        return rc;
    signal(SIGPIPE, SIG_IGN);
    /* Both ends of 200 connections live in this process. */
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 4 * NSLOW + 64) {
        rl.rlim_cur = rl.rlim_max < 4 * NSLOW + 64 ? rl.rlim_max : 4 * NSLOW + 64;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    base = event_base_new();
    if (fixture_tls_pair(dir, &stls, &ctls, err) < 0 ||
        (log = evlog_open(at("server.jsonl"), ECS, err)) == NULL) {
        CHECK(0, "set-up: %s", err);
        goto done;
    }
    hc.tls = stls;
    hc.log = log;
    if ((srv = http_server_new(base, &hc, err)) == NULL ||
        http_server_route(srv, "GET", "/items/{itemId}", fixture_h_item, NULL, err) < 0 ||
        http_server_route(srv, "POST", "/echo", fixture_h_echo, NULL, err) < 0) {
        CHECK(0, "server: %s", err);
        goto done;
    }
    port = http_server_port(srv);
    test_slow(at("server.jsonl"));
    test_stream_deadline(at("server.jsonl"));
    test_cap(stls, 5, 100, "per-peer limit");
    test_cap(stls, 100, 4, "the limit");
    test_cap_reuse(stls);
done:
    http_server_free(srv);
    evlog_close(log);
    tls_ctx_free(ctls);
    tls_ctx_free(stls);
    event_base_free(base);
    return fixture_finish(dir, "slowloris");
}
