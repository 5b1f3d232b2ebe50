/* keylog_tshark_test.c -- the NSS key log of common/tls lets tshark decrypt captured HTTPS, as
 * HTTP/2 (the default) and as HTTP/1.1.
 *
 * Captures mutual-TLS exchanges on lo with tshark: over HTTP/2, a JSON provisioning request and,
 * on a second stream of the same connection, a token request carrying the forwarding fields (Via,
 * 3gpp-Sbi-Max-Forward-Hops) and a bearer token; over HTTP/1.1 the provisioning request again.
 * With the key log tshark must show each HTTP/2 stream's fields and the JSON body in clear, and
 * the HTTP/1.1 request; without it none of that (so the first result is the key log's doing); a
 * pcapng with the secrets embedded (editcap --inject-secrets, as the runner writes) must decrypt
 * on its own. Needs root and tshark: otherwise exits 127 (skipped).
 * Usage: net_keylog_tshark_test GEN_CREDS_SCRIPT */
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "fixture.h"
#include "net/http_client.h"
#include "net/http_server.h"

#define PATH "/eecs-serviceprovisioning/v1/request"
#define TOKEN_PATH "/oauth2/token"
#define BEARER "Bearer eyJhbGciOiJFUzI1NiJ9.e30.c2ln"
#define VIA "2.0 ecs1.edge.test"

static char dir[4096];

static const char *
at(const char *name)
{
    return fixture_at(dir, name);
}

static void
h_provision(struct http_req *req, void *arg)
{
    json_t *j = http_req_json(req);

    (void)arg;
    if (j == NULL)
        return;
    json_decref(j);
    http_reply_json(req, 200, json_pack("{s:[]}", "ednCnfgInfo"));
}

static void
h_token(struct http_req *req, void *arg)
{
    (void)arg;
    http_reply_header(req, "Via", VIA);
    http_reply_json(req, 200, json_pack("{s:s}", "token_type", "Bearer"));
}

/* How often tshark has shown what (it prints one summary line per packet, -P -l). */
static int
shown(const char *log, const char *what)
{
    char *text = fixture_slurp(log), *p;
    int n = 0;

    for (p = text; p != NULL && (p = strstr(p, what)) != NULL; p += strlen(what))
        n++;
    free(text);
    return n;
}

/* Poll tshark's output until it has shown what more than `more_than` times, running the event
 * loop meanwhile; 20 s at most. */
static int
wait_shown(struct event_base *base, pid_t pid, const char *log, const char *what, int more_than)
{
    struct timespec pause = {0, 10 * 1000 * 1000};
    int i, st;

    for (i = 0; i < 2000; i++) {
        if (shown(log, what) > more_than)
            return 0;
        if (waitpid(pid, &st, WNOHANG) == pid)
            return -1;
        event_base_loop(base, EVLOOP_NONBLOCK);
        nanosleep(&pause, NULL);
    }
    return -1;
}

/* A marker: one SYN to the closed port, which the capture filter also covers. */
static void
marker(unsigned short port)
{
    struct sockaddr_in sa = {
        .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK), .sin_port = htons(port)};
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    connect(fd, (struct sockaddr *)&sa, sizeof(sa)); /* refused, as meant */
    close(fd);
}

/* Capture is live once a marker sent now shows up; retry a marker that preceded it. */
static int
wait_live(struct event_base *base, pid_t pid, const char *log, const char *marker_syn,
          unsigned short mport)
{
    int i;

    if (wait_shown(base, pid, log, "Capturing on", 0) < 0)
        return -1;
    for (i = 0; i < 60; i++) {
        struct timespec pause = {0, 10 * 1000 * 1000};
        int j, st;

        marker(mport);
        for (j = 0; j < 30; j++) { /* 300 ms for this marker to show */
            if (shown(log, marker_syn) > 0)
                return 0;
            if (waitpid(pid, &st, WNOHANG) == pid)
                return -1;
            nanosleep(&pause, NULL);
        }
    }
    return -1;
}

/* tshark's fields of the packets that match filter, one line per packet ('|' between fields,
 * ',' between occurrences); keylog NULL: no key log given. */
static char *
tshark_fields(const char *cap, const char *keylog, const char *filter, const char *fields,
              const char *out)
{
    char pref[4300], *argv[40], buf[512], *save = NULL, *f;
    int n = 0;

    snprintf(pref, sizeof(pref), "tls.keylog_file:%s", keylog != NULL ? keylog : "/dev/null");
    argv[n++] = "tshark";
    argv[n++] = "-r";
    argv[n++] = (char *)cap;
    argv[n++] = "-o";
    argv[n++] = pref;
    argv[n++] = "-Y";
    argv[n++] = (char *)filter;
    argv[n++] = "-T";
    argv[n++] = "fields";
    argv[n++] = "-E";
    argv[n++] = "separator=|";
    snprintf(buf, sizeof(buf), "%s", fields);
    for (f = strtok_r(buf, " ", &save); f != NULL && n < 36; f = strtok_r(NULL, " ", &save)) {
        argv[n++] = "-e";
        argv[n++] = f;
    }
    argv[n] = NULL;
    if (fixture_run(argv, out) != 0)
        return NULL;
    return fixture_slurp(out);
}

/* Is there a line with every one of the given strings? */
static int
has_line(const char *text, const char *const *want)
{
    const char *line = text;

    while (line != NULL && *line != '\0') {
        const char *end = strchr(line, '\n');
        size_t len = end != NULL ? (size_t)(end - line) : strlen(line);
        int all = 1;

        for (size_t i = 0; want[i] != NULL && all; i++) {
            const char *p = strstr(line, want[i]);
            all = p != NULL && p < line + len;
        }
        if (all)
            return 1;
        line = end != NULL ? end + 1 : NULL;
    }
    return 0;
}

#define H2_FIELDS                                                                                  \
    "http2.streamid http2.headers.method http2.headers.path http2.headers.status "                 \
    "http2.header.name http2.header.value"

/* The HTTP/2 streams in clear: provisioning on stream 1 and its 200 with the JSON body; the token
 * request on stream 3 with its forwarding fields and bearer token. */
static void
check_h2(const char *cap, const char *keylog, const char *what)
{
    char *h = tshark_fields(cap, keylog, "http2.type == 1", H2_FIELDS, at("h2.txt"));
    char *j = tshark_fields(cap, keylog, "json", "http2.streamid json.member json.value.string",
                            at("json.txt"));

    CHECK(h != NULL && has_line(h, (const char *[]){"1|POST|" PATH "|", NULL}),
          "%s: expected stream 1 \"POST %s\" in clear, got:\n%s", what, PATH, h ? h : "(none)");
    CHECK(h != NULL && has_line(h, (const char *[]){"1|||200|", NULL}),
          "%s: expected stream 1's 200 in clear, got:\n%s", what, h ? h : "(none)");
    CHECK(h != NULL &&
              has_line(h, (const char *[]){"3|POST|" TOKEN_PATH "|", "authorization", BEARER, "via",
                                           VIA, "3gpp-sbi-max-forward-hops", NULL}),
          "%s: expected stream 3, the token request with Authorization, Via and "
          "3gpp-Sbi-Max-Forward-Hops in clear, got:\n%s",
          what, h ? h : "(none)");
    CHECK(h != NULL && has_line(h, (const char *[]){"3|||200|", "via", VIA, NULL}),
          "%s: expected stream 3's 200 with its Via in clear, got:\n%s", what, h ? h : "(none)");
    CHECK(j != NULL && has_line(j, (const char *[]){"1|", "eecId", "eec-0001", NULL}) &&
              has_line(j, (const char *[]){"1|", "ednCnfgInfo", NULL}),
          "%s: expected the JSON bodies of stream 1 in clear, got:\n%s", what, j ? j : "(none)");
    free(h);
    free(j);
}

static void
check_h1(const char *cap, const char *keylog)
{
    char *t =
        tshark_fields(cap, keylog, "http",
                      "http.request.method http.request.uri http.response.code", at("h1.txt"));

    CHECK(t != NULL && has_line(t, (const char *[]){"POST|" PATH "|", NULL}) &&
              has_line(t, (const char *[]){"||200", NULL}),
          "HTTP/1.1 with the key log: expected \"POST %s\" and its 200 in clear, got:\n%s", PATH,
          t ? t : "(none)");
    free(t);
}

/* Nothing in clear without the key log. */
static void
check_blind(const char *cap)
{
    char *t = tshark_fields(cap, NULL, "http || http2.type == 1",
                            "http.request.uri "
                            "http2.headers.path",
                            at("blind.txt"));

    CHECK(t != NULL && strstr(t, PATH) == NULL && strstr(t, TOKEN_PATH) == NULL,
          "without the key log the requests must stay encrypted, got:\n%s", t ? t : "(none)");
    free(t);
}

/* The exchanges to capture: two streams over HTTP/2, then one request over HTTP/1.1. */
static void
exchanges(struct event_base *base, struct tls_ctx *ctls, unsigned short port)
{
    static const char *const fwd[] = {
        "Authorization", BEARER, "Via", VIA, "3gpp-Sbi-Max-Forward-Hops", "2", NULL};
    struct http_client_req r = fixture_req("POST", port, PATH, "{\"eecId\":\"eec-0001\"}");
    struct http_client_config clc = {.tls = ctls};
    struct http_client_result res;
    struct http_client *cl;
    char err[EDGE_ERR_LEN];

    for (int v = 0; v < 2; v++) {
        clc.version = v == 0 ? HTTP_VERSION_2 : HTTP_VERSION_1_1;
        if ((cl = http_client_new(base, &clc, err)) == NULL) {
            CHECK(0, "client: %s", err);
            return;
        }
        r.path = PATH;
        r.content_type = HTTP_MEDIA_JSON;
        r.body = "{\"eecId\":\"eec-0001\"}";
        r.headers = NULL;
        CHECK(http_client_fetch(cl, &r, &res, err) == 0 && res.status == 200 &&
                  strcmp(res.protocol, http_version_name(clc.version)) == 0,
              "exchange: expected 200 over %s, got %d %s (%s)", http_version_name(clc.version),
              res.status, res.protocol, res.error);
        http_client_result_free(&res);
        if (v == 0) { /* the token request, on the same connection's next stream */
            r.path = TOKEN_PATH;
            r.content_type = HTTP_MEDIA_FORM;
            r.body = "grant_type=client_credentials&scope=eees-eeccontextreloc";
            r.body_len = strlen(r.body);
            r.headers = fwd;
            CHECK(http_client_fetch(cl, &r, &res, err) == 0 && res.status == 200,
                  "token request: expected 200, got %d (%s)", res.status, res.error);
            http_client_result_free(&res);
            r.body_len = 20;
        }
        http_client_free(cl);
    }
}

/* Capture the exchanges on lo with tshark into cap.pcapng; 0 when tshark holds all of them. */
static int
capture(struct event_base *base, struct tls_ctx *ctls, unsigned short port)
{
    char filter[64], msyn[32];
    char *tsargv[] = {"tshark", "-i", "lo", "-f", filter, "-P", "-l", "-w", NULL, NULL};
    unsigned short mport = fixture_unused_port();
    pid_t pid;
    int seen, st, rc = -1;

    snprintf(filter, sizeof(filter), "tcp port %u or tcp port %u", port, mport);
    snprintf(msyn, sizeof(msyn), " %u [SYN]", mport);
    tsargv[8] = (char *)at("cap.pcapng");
    pid = fixture_spawn(tsargv, at("tshark.log"));
    if (pid <= 0 || wait_live(base, pid, at("tshark.log"), msyn, mport) < 0) {
        CHECK(0, "tshark did not start capturing (see %s)", at("tshark.log"));
        goto done;
    }
    exchanges(base, ctls, port);
    /* Packets on lo reach tshark in order: once it shows a marker sent after the exchange, it
     * holds the exchange. Stopping it earlier could drop packets still in its buffer. */
    seen = shown(at("tshark.log"), msyn);
    marker(mport);
    rc = wait_shown(base, pid, at("tshark.log"), msyn, seen);
    CHECK(rc == 0, "tshark never showed the final marker (see %s)", at("tshark.log"));
done:
    if (pid > 0) {
        kill(pid, SIGINT); /* tshark writes what it captured and exits */
        waitpid(pid, &st, 0);
    }
    return rc;
}

/* The capture with the key log, without, and with the secrets embedded (editcap). */
static void
check_capture(void)
{
    char *inject[] = {"editcap", "--inject-secrets", NULL, NULL, NULL, NULL};
    char secrets[4300];

    check_h2(at("cap.pcapng"), at("keylog.txt"), "HTTP/2 with the key log");
    check_h1(at("cap.pcapng"), at("keylog.txt"));
    check_blind(at("cap.pcapng"));
    snprintf(secrets, sizeof(secrets), "tls,%s", at("keylog.txt"));
    inject[2] = secrets;
    inject[3] = (char *)at("cap.pcapng");
    inject[4] = (char *)at("dsb.pcapng");
    CHECK(fixture_run(inject, at("editcap.log")) == 0, "editcap --inject-secrets failed (see %s)",
          at("editcap.log"));
    check_h2(at("dsb.pcapng"), NULL, "HTTP/2 in the pcapng with embedded secrets");
}

int
main(int argc, char **argv)
{
    struct tls_config sc = {0}, cc = {0};
    struct http_server_config hc = {0};
    struct tls_ctx *stls = NULL, *ctls = NULL;
    struct http_server *srv = NULL;
    struct event_base *base = NULL;
    char err[EDGE_ERR_LEN];

    if (argc != 2) {
        fprintf(stderr, "usage: %s GEN_CREDS_SCRIPT\n", argv[0]);
        return 2;
    }
    if (geteuid() != 0) {
        printf("skipped: capturing on lo needs root\n");
        return FIXTURE_SKIP;
    }
    if (!fixture_have("tshark") || !fixture_have("editcap")) {
        printf("skipped: tshark is not installed (tools/deps installs it)\n");
        return FIXTURE_SKIP;
    }
    if (fixture_tmpdir(dir) < 0 || fixture_creds(argv[1], dir) < 0)
        return 1;
    base = event_base_new();
    sc.ca_file = cc.ca_file = at("ca.crt");
    sc.cert_file = at("ecs.crt");
    sc.key_file = at("ecs.key");
    sc.keylog_path = cc.keylog_path = at("keylog.txt");
    cc.cert_file = at("eec.crt");
    cc.key_file = at("eec.key");
    if ((stls = tls_server_new(&sc, err)) == NULL || (ctls = tls_client_new(&cc, err)) == NULL) {
        CHECK(0, "TLS: %s", err);
        goto done;
    }
    hc.addr = "127.0.0.1";
    hc.tls = stls;
    if ((srv = http_server_new(base, &hc, err)) == NULL ||
        http_server_route(srv, "POST", PATH, h_provision, NULL, err) < 0 ||
        http_server_route(srv, "POST", TOKEN_PATH, h_token, NULL, err) < 0) {
        CHECK(0, "server: %s", err);
        goto done;
    }
    if (capture(base, ctls, http_server_port(srv)) == 0)
        check_capture();
done:
    http_server_free(srv);
    tls_ctx_free(ctls);
    tls_ctx_free(stls);
    if (base != NULL)
        event_base_free(base);
    return fixture_finish(dir, "keylog_tshark");
}
