/* keylog_tshark_test.c -- the NSS key log of common/tls lets tshark decrypt a captured HTTPS
 * exchange.
 *
 * Captures one mutual-TLS exchange on lo with tshark, then reads the capture twice: with the key
 * log the HTTP request and response must appear in clear; without it they must not (so the first
 * result is the key log's doing). Needs root and tshark: otherwise exits 127 (skipped).
 * Usage: net_keylog_tshark_test GEN_CREDS_SCRIPT */
#include <netinet/in.h>
#include <signal.h>
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

static char dir[4096];

static const char *
at(const char *name)
{
    static char bufs[8][4200];
    static int i;

    i = (i + 1) % 8;
    snprintf(bufs[i], sizeof(bufs[i]), "%s/%s", dir, name);
    return bufs[i];
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

static char *
tshark_read(const char *cap, const char *keylog, const char *out)
{
    char pref[4300];
    char *argv[] = {"tshark",
                    "-r",
                    (char *)cap,
                    "-o",
                    pref,
                    "-Y",
                    "http",
                    "-T",
                    "fields",
                    "-e",
                    "http.request.method",
                    "-e",
                    "http.request.uri",
                    "-e",
                    "http.response.code",
                    NULL};

    snprintf(pref, sizeof(pref), "tls.keylog_file:%s", keylog);
    if (fixture_run(argv, out) != 0)
        return NULL;
    return fixture_slurp(out);
}

int
main(int argc, char **argv)
{
    struct tls_config sc = {0}, cc = {0};
    struct http_server_config hc = {0};
    struct tls_ctx *stls = NULL, *ctls = NULL;
    struct http_server *srv = NULL;
    struct http_client *cl = NULL;
    struct event_base *base = NULL;
    struct http_client_result res;
    struct http_client_config clc = {0};
    struct http_client_req r = {.method = "POST",
                                .fqdn = "ecs1.edge.test",
                                .addr = "127.0.0.1",
                                .path = PATH,
                                .content_type = HTTP_MEDIA_JSON,
                                .body = "{\"eecId\":\"eec-0001\"}",
                                .body_len = 20};
    char err[EDGE_ERR_LEN], filter[64], msyn[32], *clear = NULL, *blind = NULL;
    unsigned short mport;
    int seen;
    char *tsargv[] = {"tshark", "-i", "lo", "-f", filter, "-P", "-l", "-w", NULL, NULL};
    pid_t pid = -1;
    int st;

    if (argc != 2) {
        fprintf(stderr, "usage: %s GEN_CREDS_SCRIPT\n", argv[0]);
        return 2;
    }
    if (geteuid() != 0) {
        printf("skipped: capturing on lo needs root\n");
        return FIXTURE_SKIP;
    }
    if (!fixture_have("tshark")) {
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
    stls = tls_server_new(&sc, err);
    CHECK(stls != NULL, "server TLS: %s", err);
    ctls = stls ? tls_client_new(&cc, err) : NULL;
    CHECK(ctls != NULL, "client TLS: %s", err);
    if (ctls == NULL)
        goto done;
    hc.addr = "127.0.0.1";
    hc.tls = stls;
    if ((srv = http_server_new(base, &hc, err)) == NULL ||
        http_server_route(srv, "POST", PATH, h_provision, NULL, err) < 0) {
        CHECK(0, "server: %s", err);
        goto done;
    }
    r.port = http_server_port(srv);
    clc.tls = ctls;
    cl = http_client_new(base, &clc, err);

    mport = fixture_unused_port();
    snprintf(filter, sizeof(filter), "tcp port %u or tcp port %u", r.port, mport);
    snprintf(msyn, sizeof(msyn), " %u [SYN]", mport);
    tsargv[8] = (char *)at("cap.pcapng");
    pid = fixture_spawn(tsargv, at("tshark.log"));
    CHECK(pid > 0 && wait_live(base, pid, at("tshark.log"), msyn, mport) == 0,
          "tshark did not start capturing (see %s)", at("tshark.log"));
    if (check_failures)
        goto done;

    CHECK(http_client_fetch(cl, &r, &res, err) == 0 && res.status == 200,
          "exchange: expected 200, got %d (%s)", res.status, res.error);
    http_client_result_free(&res);
    http_client_free(cl);
    cl = NULL;
    /* Packets on lo reach tshark in order: once it shows a marker sent after the exchange, it
     * holds the exchange. Stopping it earlier could drop packets still in its buffer. */
    seen = shown(at("tshark.log"), msyn);
    marker(mport);
    CHECK(wait_shown(base, pid, at("tshark.log"), msyn, seen) == 0,
          "tshark never showed the final marker (see %s)", at("tshark.log"));
    kill(pid, SIGINT); /* tshark writes what it captured and exits */
    waitpid(pid, &st, 0);
    pid = -1;

    clear = tshark_read(at("cap.pcapng"), at("keylog.txt"), at("clear.txt"));
    CHECK(clear != NULL, "tshark could not read the capture (see %s)", at("clear.txt"));
    CHECK(clear && strstr(clear, "POST\t" PATH "\t") != NULL,
          "with the key log: expected the request \"POST %s\" in clear, got:\n%s", PATH,
          clear ? clear : "(no output)");
    CHECK(clear && strstr(clear, "\t\t200") != NULL,
          "with the key log: expected the 200 response in clear, got:\n%s",
          clear ? clear : "(no output)");
    blind = tshark_read(at("cap.pcapng"), "/dev/null", at("blind.txt"));
    CHECK(blind != NULL && strstr(blind, PATH) == NULL,
          "without the key log the request must stay encrypted, got:\n%s",
          blind ? blind : "(no output)");
done:
    if (pid > 0) {
        kill(pid, SIGINT);
        waitpid(pid, &st, 0);
    }
    free(clear);
    free(blind);
    http_client_free(cl);
    http_server_free(srv);
    tls_ctx_free(ctls);
    tls_ctx_free(stls);
    if (base != NULL)
        event_base_free(base);
    if (check_failures == 0)
        fixture_rmtree(dir);
    else
        fprintf(stderr, "test files kept in %s\n", dir);
    return check_result("keylog_tshark");
}
