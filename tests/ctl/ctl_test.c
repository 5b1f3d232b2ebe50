/* ctl_test.c -- the control socket: ready event, built-in status, errors for
 * bad lines, asynchronous replies, and a runner that disconnects mid-command. */
#include "ctl/ctl.h"
#include "ctl/ctl_client.h"
#include "base/err.h"
#include "check.h"

#include <event2/event.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

struct later {
    struct ctl_req *req;
    struct event *ev;
    json_t *echo;
};

static void
later_cb(evutil_socket_t fd, short what, void *arg)
{
    struct later *l = arg;

    (void)fd;
    (void)what;
    ctl_reply(l->req, json_pack("{s:O}", "echo", l->echo));
    json_decref(l->echo);
    event_free(l->ev);
    free(l);
}

/* Replies 50 ms later, from a timer, as a node does after an HTTP round trip. */
static void
slow_cmd(struct ctl_req *req, json_t *args, void *arg)
{
    struct event_base *base = arg;
    struct later *l = calloc(1, sizeof(*l));
    struct timeval tv = {0, 50000};

    l->req = req;
    l->echo = json_incref(args);
    l->ev = evtimer_new(base, later_cb, l);
    evtimer_add(l->ev, &tv);
}

static void
quit_cmd(struct ctl_req *req, json_t *args, void *arg)
{
    (void)args;
    ctl_reply(req, NULL);
    event_base_loopexit(arg, NULL);
}

static int
node_main(int fd, const char *path)
{
    char err[EDGE_ERR_LEN];
    struct event_base *base = event_base_new();
    struct ctl *c = ctl_new(base, "node.test", path, fd, err);

    if (c == NULL) {
        fprintf(stderr, "node: %s\n", err);
        return 1;
    }
    ctl_command(c, "slow", slow_cmd, base, err);
    ctl_command(c, "quit", quit_cmd, base, err);
    ctl_ready(c, json_pack("{s:s}", "role", "test"));
    event_base_dispatch(base);
    ctl_free(c);
    event_base_free(base);
    return 0;
}

int
main(void)
{
    char err[EDGE_ERR_LEN], path[64];
    int sv[2];
    pid_t pid;
    json_t *r;

    snprintf(path, sizeof(path), "/tmp/edgesim-ctl-test-%d.sock", (int)getpid());
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
        return 1;
    pid = fork();
    if (pid == 0) {
        close(sv[0]);
        _exit(node_main(sv[1], path));
    }
    close(sv[1]);

    struct ctl_client *cc = ctl_client_open(NULL, sv[0], err);
    CHECK(cc != NULL, "open: %s", err);
    json_t *ready = ctl_client_wait_event(cc, "ready", 5000, err);
    CHECK(ready != NULL, "no ready event: %s", err);
    CHECK(ready && strcmp(json_string_value(json_object_get(ready, "role")), "test") == 0,
          "ready info lost");
    json_decref(ready);

    r = ctl_client_call(cc, "status", NULL, 5000, err);
    CHECK(r && json_is_true(json_object_get(json_object_get(r, "result"), "ready")),
          "status not ready");
    json_decref(r);

    r = ctl_client_call(cc, "no-such", NULL, 5000, err);
    CHECK(r && json_is_false(json_object_get(r, "ok")), "unknown command accepted");
    CHECK(r && strcmp(json_string_value(json_object_get(json_object_get(r, "error"), "code")),
                      "ctl.unknown_command") == 0,
          "wrong error code");
    json_decref(r);

    json_t *args = json_pack("{s:i}", "n", 42);
    r = ctl_client_call(cc, "slow", args, 5000, err);
    CHECK(r && json_integer_value(json_object_get(
                   json_object_get(json_object_get(r, "result"), "echo"), "n")) == 42,
          "async reply wrong");
    json_decref(r);

    /* Malformed line: an error reply, and the connection survives. */
    CHECK(write(sv[0], "{nope\n", 6) == 6, "write");
    r = ctl_client_call(cc, "status", NULL, 5000, err);
    CHECK(r && json_is_true(json_object_get(r, "ok")), "connection lost after a bad line");
    json_decref(r);

    /* The runner goes away while a reply is pending: the node must not crash. */
    r = ctl_client_call(cc, "slow", args, 1, err);
    CHECK(r == NULL, "a 1 ms deadline should have expired");
    ctl_client_close(cc);
    json_decref(args);

    /* A second runner connects by path (ready told on connect) and stops the node. */
    /* The node listened on the path before it said ready on the socketpair. */
    struct ctl_client *c2 = ctl_client_open(path, -1, err);
    CHECK(c2 != NULL, "connect by path: %s", err);
    if (c2 != NULL) {
        json_t *ev = ctl_client_wait_event(c2, "ready", 5000, err);
        CHECK(ev != NULL, "late runner not told ready: %s", err);
        json_decref(ev);
        r = ctl_client_call(c2, "quit", NULL, 5000, err);
        CHECK(r && json_is_true(json_object_get(r, "ok")), "quit failed: %s", err);
        json_decref(r);
        ctl_client_close(c2);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "node exited badly (status %d)", st);
    CHECK(access(path, F_OK) != 0, "control socket file left behind");
    return check_result("ctl");
}
