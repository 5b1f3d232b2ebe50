/* node_test.c -- the node runtime: the HTTP version keys of the config ("http" for the node's
 * calls: set to "http/1.1" it gets HTTP/1.1 from its own server, which accepts h2 as "listen.http"
 * says; a version that does not exist is refused naming the field); a request's own deadline
 * (node_send_json_within, node_send_form_within) fires long before the client's default; a stop
 * ("stop" on the control socket) while a request is held answers it 503 before the loop ends,
 * where its client used to see the connection close, and the runner gets the reply to "stop".
 * Usage: node_runtime_test GEN_CREDS_SCRIPT */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixture.h"
#include "node/node.h"

#define ECS "ecs1.edge.test"

static char dir[4096];
static int ctl_test_fd = -1; /* the runner's end of the control socketpair */

static const char *
at(const char *name)
{
    return fixture_at(dir, name);
}

/* Hold the request, then have the runner say "stop" while it is held. */
static void
h_hold_then_stop(struct http_req *req, void *arg)
{
    static const char stop[] = "{\"id\":1,\"cmd\":\"stop\"}\n";

    (void)arg;
    http_req_hold(req);
    CHECK(write(ctl_test_fd, stop, sizeof(stop) - 1) == (ssize_t)sizeof(stop) - 1,
          "cannot send stop: %s", strerror(errno));
}

static void
h_ok(struct http_req *req, void *arg)
{
    (void)arg;
    http_reply_json(req, 200, json_pack("{s:b}", "ok", 1));
}

struct sent {
    int done, status;
    char cause[64], error[EDGE_ERR_LEN], protocol[16];
    double ms;
};

static void
sent_cb(const struct http_client_resp *resp, void *arg)
{
    struct sent *s = arg;

    s->done = 1;
    s->status = resp->status;
    s->ms = resp->elapsed_ms;
    snprintf(s->cause, sizeof(s->cause), "%s", resp->error_cause ? resp->error_cause : "");
    snprintf(s->error, sizeof(s->error), "%s", resp->error ? resp->error : "");
    snprintf(s->protocol, sizeof(s->protocol), "%s", resp->protocol ? resp->protocol : "");
}

static void
guard_fire(evutil_socket_t fd, short what, void *arg)
{
    (void)fd, (void)what;
    *(int *)arg = 1;
}

static void
wait_sent(struct node *n, struct sent *s)
{
    struct timeval tv = {10, 0};
    int expired = 0;
    struct event *guard = evtimer_new(n->base, guard_fire, &expired);

    evtimer_add(guard, &tv);
    while (!s->done && !expired)
        event_base_loop(n->base, EVLOOP_ONCE);
    event_free(guard);
}

/* The node's calls are set to "http": "http/1.1"; its server to "listen.http": "h2". */
static void
test_version_keys(struct node *n)
{
    struct node_opts o = {.kind = "ecs", .server = 1};
    struct node bad;
    struct sent s = {0};
    char err[EDGE_ERR_LEN], fdarg[16], *text;
    char *nargv[] = {"edge-ecs", "--config", NULL, "--ctl-fd", fdarg, NULL};
    FILE *f;

    CHECK(node_send_json(n, "GET", ECS, "/ok", NULL, NULL, sent_cb, &s, err) == 0, "send: %s", err);
    wait_sent(n, &s);
    CHECK(s.status == 200 && strcmp(s.protocol, "http/1.1") == 0,
          "a client set to \"http/1.1\", a server that takes h2: expected 200 over http/1.1, got "
          "%d over %s (%s)",
          s.status, s.protocol, s.error);
    if ((f = fopen(at("bad.json"), "w")) == NULL)
        return;
    fprintf(f,
            "{\"node\": \"%s\", \"http\": \"h3\", \"tls\": {\"ca\": \"%s\", \"cert\": \"%s\", "
            "\"key\": \"%s\"}}\n",
            ECS, at("ca.crt"), at("ecs.crt"), at("ecs.key"));
    fclose(f);
    text = fixture_slurp(at("node.jsonl"));
    CHECK(text != NULL && strstr(text, "HTTP server h2, client http/1.1") != NULL,
          "event log: expected the versions of the config in the start line");
    free(text);
    nargv[2] = (char *)at("bad.json");
    snprintf(fdarg, sizeof(fdarg), "%d", ctl_test_fd);
    CHECK(node_init(&bad, 5, nargv, &o, err) < 0 && strstr(err, "http") != NULL &&
              strstr(err, "\"h2\" or \"http/1.1\"") != NULL,
          "\"http\": \"h3\": expected a refusal naming the field and the choices, got \"%s\"", err);
    node_free(&bad);
}

static void
test_deadline(struct node *n)
{
    struct sent s = {0};
    char err[EDGE_ERR_LEN];
    json_t *body = json_object();

    CHECK(node_send_json_within(n, 300, "POST", ECS, "/silent", body, NULL, sent_cb, &s, err) == 0,
          "node_send_json_within: %s", err);
    json_decref(body);
    wait_sent(n, &s);
    CHECK(s.done && s.status == 0 && strcmp(s.cause, HTTP_CLIENT_NO_RESPONSE) == 0 &&
              strstr(s.error, "within 300 ms") != NULL,
          "JSON request with a 300 ms deadline: expected %s within 300 ms, got %d %s \"%s\"",
          HTTP_CLIENT_NO_RESPONSE, s.status, s.cause, s.error);
    CHECK(s.ms >= 280 && s.ms < HTTP_CLIENT_TIMEOUT_MS / 2,
          "JSON request with a 300 ms deadline: took %.1f ms (client default %d ms)", s.ms,
          HTTP_CLIENT_TIMEOUT_MS);

    memset(&s, 0, sizeof(s));
    CHECK(node_send_form_within(n, 300, ECS, "/silent", "grant_type=client_credentials", NULL,
                                sent_cb, &s, err) == 0,
          "node_send_form_within: %s", err);
    wait_sent(n, &s);
    CHECK(s.done && s.status == 0 && strstr(s.error, "within 300 ms") != NULL && s.ms < 2500,
          "form request with a 300 ms deadline: got %d \"%s\" after %.1f ms", s.status, s.error,
          s.ms);
}

/* The HTTPS client of the drain test, in a child process (the node's loop is the parent's): waits
 * for "go", sends POST /hold, writes "STATUS CAUSE ERROR" to out. */
static pid_t
spawn_client(unsigned short port, int go, int out)
{
    struct tls_config tc = {
        .ca_file = at("ca.crt"), .cert_file = at("eec.crt"), .key_file = at("eec.key")};
    struct http_client_req r = fixture_req("POST", port, "/hold", "{}");
    struct http_client_result res;
    struct http_client_config cc = {0};
    struct event_base *base;
    struct http_client *cl;
    char err[EDGE_ERR_LEN], line[EDGE_ERR_LEN + 128], c;
    json_t *j;
    pid_t pid;
    int n;

    if ((pid = fork()) != 0)
        return pid;
    if (read(go, &c, 1) != 1)
        _exit(2);
    base = event_base_new();
    if ((cc.tls = tls_client_new(&tc, err)) == NULL ||
        (cl = http_client_new(base, &cc, err)) == NULL)
        _exit(3);
    http_client_fetch(cl, &r, &res, err);
    j = res.body != NULL ? json_loads(res.body, 0, NULL) : NULL;
    n = snprintf(line, sizeof(line), "%d %s %s\n", res.status,
                 json_string_value(json_object_get(j, "cause"))
                     ? json_string_value(json_object_get(j, "cause"))
                     : "-",
                 res.error[0] ? res.error : "-");
    _exit(write(out, line, (size_t)n) == n ? 0 : 4);
}

/* Everything the other end writes until it closes (bounded wait). */
static char *
read_all(int fd)
{
    static char buf[8192];
    size_t got = 0;
    ssize_t n;

    for (;;) {
        struct pollfd p = {.fd = fd, .events = POLLIN};

        if (got >= sizeof(buf) - 1 || poll(&p, 1, 10000) <= 0 ||
            (n = read(fd, buf + got, sizeof(buf) - 1 - got)) <= 0)
            break;
        got += (size_t)n;
    }
    buf[got] = '\0';
    return buf;
}

/* Is one of the lines {"id":1,"ok":true,"result":{"stopping":true}}? */
static int
ctl_replied(char *text)
{
    char *line, *save = NULL;
    int found = 0;

    for (line = strtok_r(text, "\n", &save); line != NULL && !found;
         line = strtok_r(NULL, "\n", &save)) {
        json_t *j = json_loads(line, 0, NULL);

        found = json_integer_value(json_object_get(j, "id")) == 1 &&
                json_is_true(json_object_get(j, "ok")) &&
                json_is_true(json_object_get(json_object_get(j, "result"), "stopping"));
        json_decref(j);
    }
    return found;
}

int
main(int argc, char **argv)
{
    struct node_opts o = {.kind = "ecs", .server = 1};
    struct node n;
    char err[EDGE_ERR_LEN], fdarg[16], *text;
    char *nargv[] = {"edge-ecs", "--config", NULL, "--ctl-fd", fdarg, NULL};
    int sv[2], go[2], out[2], rc, st = -1;
    unsigned short port;
    FILE *f;
    pid_t pid;

    if ((rc = fixture_start(argc, argv, 1, "GEN_CREDS_SCRIPT", dir)) != 0)
        return rc;
    port = fixture_unused_port();
    if ((f = fopen(at("node.json"), "w")) == NULL)
        return 1;
    fprintf(f,
            "{\"node\": \"%s\", \"http\": \"http/1.1\",\n"
            " \"listen\": {\"addr\": \"127.0.0.1\", \"port\": %u, \"http\": \"h2\",\n"
            "            \"requestTimeoutMs\": 5000, \"maxConnections\": 64,\n"
            "            \"maxConnectionsPerPeer\": 16},\n"
            " \"hosts\": {\"%s\": \"127.0.0.1:%u\"},\n"
            " \"tls\": {\"ca\": \"%s\", \"cert\": \"%s\", \"key\": \"%s\"},\n"
            " \"evlog\": \"%s\"}\n",
            ECS, port, ECS, port, at("ca.crt"), at("ecs.crt"), at("ecs.key"), at("node.jsonl"));
    fclose(f);
    nargv[2] = (char *)at("node.json");
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0 || pipe(go) < 0 || pipe(out) < 0)
        return 1;
    pid = spawn_client(port, go[0], out[1]);
    close(go[0]);
    close(out[1]);
    ctl_test_fd = sv[0];
    snprintf(fdarg, sizeof(fdarg), "%d", sv[1]);

    if (node_init(&n, 5, nargv, &o, err) < 0 ||
        http_server_route(n.http, "POST", "/silent", fixture_h_hold, NULL, err) < 0 ||
        http_server_route(n.http, "GET", "/ok", h_ok, NULL, err) < 0 ||
        http_server_route(n.http, "POST", "/hold", h_hold_then_stop, NULL, err) < 0) {
        CHECK(0, "node: %s", err);
        node_free(&n);
        kill(pid, SIGKILL);
        waitpid(pid, &st, 0);
        return check_result("node");
    }
    node_ready(&n, NULL);
    test_version_keys(&n);
    test_deadline(&n);

    /* The drain: the client's request is held, "stop" comes, the loop ends. */
    CHECK(write(go[1], "g", 1) == 1, "cannot start the client");
    rc = node_run(&n);
    CHECK(rc == 0, "node_run after stop: expected 0, got %d", rc);
    node_stop(&n); /* a second stop does nothing */
    node_free(&n);
    text = read_all(out[0]);
    CHECK(strncmp(text, "503 SERVICE_UNAVAILABLE ", 24) == 0,
          "request held at stop: expected 503 SERVICE_UNAVAILABLE, got \"%s\"", text);
    waitpid(pid, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "client process: exit 0x%x", st);
    text = read_all(sv[0]);
    CHECK(ctl_replied(text), "control socket: expected the reply to stop, got \"%s\"", text);
    text = fixture_slurp(at("node.jsonl"));
    CHECK(text != NULL && strstr(text, "\"path\":\"/hold\",\"status\":503") != NULL &&
              strstr(text, "\"summary\":\"stopped\"") != NULL,
          "event log: expected the 503 to /hold and \"stopped\"");
    free(text);
    close(sv[0]);
    close(go[1]);
    close(out[0]);
    return fixture_finish(dir, "node");
}
