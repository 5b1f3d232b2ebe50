/* curl_test.c -- curl, an HTTP client edgesim did not write, calls the HTTPS server of common/net
 * with --http2 and with --http1.1 (ALPN h2 and http/1.1) and gets each answer of curl_rows.txt in
 * that version, with a client certificate of the scenario CA. curl runs in a child process while
 * the server's loop runs here; its end (SIGCHLD) wakes the loop. Without curl: exit 127.
 * Usage: net_curl_test GEN_CREDS_SCRIPT ROWS_FILE */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <event2/event.h>

#include "base/err.h"
#include "fixture.h"
#include "net/http_server.h"

#define ECS "ecs1.edge.test"

static char dir[4096];
static struct event_base *base;
static unsigned short port;

static const char *
at(const char *name)
{
    return fixture_at(dir, name);
}

/* PUT, PATCH, DELETE of /items/{itemId}: which one came, as JSON (DELETE: 204); GET is
 * fixture_h_item. */
static void
h_item(struct http_req *req, void *arg)
{
    const char *m = http_req_method(req);
    json_t *j;

    (void)arg;
    if (strcmp(m, "DELETE") == 0) {
        http_reply(req, 204, NULL, NULL, 0);
        return;
    }
    if ((j = http_req_json(req)) == NULL)
        return;
    json_decref(j);
    http_reply_json(
        req, 200,
        json_pack("{s:s}", strcmp(m, "PUT") == 0 ? "put" : "patch", http_req_param(req, "itemId")));
}

static void
child_ended(evutil_socket_t sig, short what, void *arg)
{
    (void)sig, (void)what, (void)arg;
}

/* Run curl while the loop serves; its exit status, or -1. */
static int
run_curl(char *const argv[], const char *out)
{
    pid_t pid = fixture_spawn(argv, out);
    struct timeval tv = {0, 200000};
    int st, i;

    if (pid < 0)
        return -1;
    /* SIGCHLD wakes the loop; the 200 ms tick only guards against a signal before the wait. */
    for (i = 0; i < 100; i++) {
        if (waitpid(pid, &st, WNOHANG) == pid)
            return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
        event_base_loopexit(base, &tv);
        event_base_loop(base, EVLOOP_ONCE);
    }
    kill(pid, SIGKILL);
    waitpid(pid, &st, 0);
    return -1;
}

static void
run_row(char **f, const char *version)
{
    char url[512], resolve[128], ctype[160], wbody[4096], *got, *body, status[16], hv[16];
    char *argv[40];
    int n = 0, rc;

    snprintf(url, sizeof(url), "https://" ECS ":%u%s", port, f[2]);
    snprintf(resolve, sizeof(resolve), ECS ":%u:127.0.0.1", port);
    argv[n++] = "curl";
    argv[n++] = "-sS";
    argv[n++] = (char *)version;
    argv[n++] = "-X";
    argv[n++] = f[1];
    argv[n++] = "--cacert";
    argv[n++] = (char *)at("ca.crt");
    argv[n++] = "--cert";
    argv[n++] = (char *)at("eec.crt");
    argv[n++] = "--key";
    argv[n++] = (char *)at("eec.key");
    argv[n++] = "--resolve";
    argv[n++] = resolve;
    argv[n++] = "-o";
    argv[n++] = (char *)at("body");
    argv[n++] = "-w";
    argv[n++] = "%{http_code} %{http_version}";
    if (strcmp(f[3], "-") != 0) {
        snprintf(ctype, sizeof(ctype), "Content-Type: %s", f[3]);
        argv[n++] = "-H";
        argv[n++] = ctype;
    }
    if (strcmp(f[4], "-") != 0) {
        if (strncmp(f[4], "@BODY:", 6) == 0) { /* N spaces inside braces: valid, too long */
            int len = atoi(f[4] + 6);
            memset(wbody, ' ', sizeof(wbody));
            wbody[0] = '{';
            wbody[len < (int)sizeof(wbody) - 1 ? len - 1 : (int)sizeof(wbody) - 2] = '}';
            wbody[len < (int)sizeof(wbody) - 1 ? len : (int)sizeof(wbody) - 1] = '\0';
        } else {
            snprintf(wbody, sizeof(wbody), "%s", f[4]);
        }
        argv[n++] = "--data-binary";
        argv[n++] = wbody;
    }
    argv[n++] = url;
    argv[n] = NULL;
    rc = run_curl(argv, at("curl.out"));
    got = fixture_slurp(at("curl.out"));
    body = fixture_slurp(at("body"));
    status[0] = hv[0] = '\0';
    if (got != NULL)
        sscanf(got, "%15s %15s", status, hv);
    CHECK(rc == 0 && strcmp(status, f[5]) == 0 &&
              strcmp(hv, strcmp(version, "--http2") == 0 ? "2" : "1.1") == 0,
          "curl %s %s %s: expected %s over %s, got exit %d, \"%s\"", version, f[1], f[2], f[5],
          version + 2, rc, got ? got : "(nothing)");
    CHECK(strcmp(f[6], "-") == 0 || (body != NULL && strstr(body, f[6]) != NULL),
          "curl %s %s %s: expected the body to hold %s, got %.300s", version, f[1], f[2], f[6],
          body ? body : "(none)");
    free(got);
    free(body);
    remove(at("body"));
}

static void
curl_row(char **f, int nf, int lineno, void *arg)
{
    (void)arg;
    if (nf != 7) {
        CHECK(0, "curl_rows.txt:%d: a row needs 7 fields", lineno);
        return;
    }
    run_row(f, "--http2");
    run_row(f, "--http1.1");
}

int
main(int argc, char **argv)
{
    struct tls_config sc = {0};
    struct http_server_config hc = {.addr = "127.0.0.1", .max_body = 1024};
    struct http_server *srv = NULL;
    struct tls_ctx *stls = NULL;
    struct event *sigchld = NULL;
    char err[EDGE_ERR_LEN];
    int rows;

    if (argc != 3) {
        fprintf(stderr, "usage: %s GEN_CREDS_SCRIPT ROWS_FILE\n", argv[0]);
        return 2;
    }
    if (!fixture_have("curl")) {
        printf("skipped: curl is not installed (tools/deps installs it)\n");
        return FIXTURE_SKIP;
    }
    if (fixture_tmpdir(dir) < 0 || fixture_creds(argv[1], dir) < 0)
        return 1;
    signal(SIGPIPE, SIG_IGN);
    base = event_base_new();
    sigchld = evsignal_new(base, SIGCHLD, child_ended, NULL);
    evsignal_add(sigchld, NULL);
    sc.ca_file = at("ca.crt");
    sc.cert_file = at("ecs.crt");
    sc.key_file = at("ecs.key");
    hc.tls = stls = tls_server_new(&sc, err);
    if (stls == NULL || (srv = http_server_new(base, &hc, err)) == NULL ||
        http_server_route(srv, "POST", "/echo", fixture_h_echo, NULL, err) < 0 ||
        http_server_route(srv, "GET", "/items/{itemId}", fixture_h_item, NULL, err) < 0 ||
        http_server_route(srv, "PUT", "/items/{itemId}", h_item, NULL, err) < 0 ||
        http_server_route(srv, "PATCH", "/items/{itemId}", h_item, NULL, err) < 0 ||
        http_server_route(srv, "DELETE", "/items/{itemId}", h_item, NULL, err) < 0 ||
        http_server_route(srv, "POST", "/oauth2/token", fixture_h_token, NULL, err) < 0) {
        CHECK(0, "server: %s", err);
        goto done;
    }
    port = http_server_port(srv);
    rows = fixture_rows(argv[2], 7, curl_row, NULL);
    CHECK(rows > 0, "no rows in %s", argv[2]);
    printf("%d rows, each over HTTP/2 and HTTP/1.1\n", rows);
done:
    http_server_free(srv);
    tls_ctx_free(stls);
    if (sigchld != NULL)
        event_free(sigchld);
    event_base_free(base);
    return fixture_finish(dir, "curl");
}
