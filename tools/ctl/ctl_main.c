/* ctl_main.c -- edge-ctl: send one command to a node's control socket and print the reply.
 *
 *   edge-ctl SOCKET CMD [ARGS_JSON] [--timeout MS]   one command, reply on stdout
 *   edge-ctl SOCKET --wait-ready [--timeout MS]      wait for the node's ready event
 *
 * --wait-ready may start before the node: while SOCKET does not exist yet or
 * refuses, it connects again (backing off from 10 to 200 ms) until the
 * deadline, which covers the connect and the ready event together.
 * Exit 0 when the node answered "ok":true (or said ready), 1 when it answered
 * an error or did not answer in time, 2 on usage errors. For hand use and
 * shell tests; the runner links ctl_client directly. */
#include "ctl/ctl_client.h"
#include "base/err.h"
#include "base/clock.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define RETRY_MIN_MS 10
#define RETRY_MAX_MS 200

/* Connect to the node's socket before the deadline. A node that has not bound its socket yet
 * (ENOENT), or whose socket file is left from an earlier run (ECONNREFUSED), is waited for: this
 * is a client waiting for a server it did not start, so it can only try again. Says once on
 * stderr that it waits. */
static struct ctl_client *
connect_waiting(const char *path, long deadline, char *err)
{
    struct sockaddr_un sun = {.sun_family = AF_UNIX};
    size_t len = strlen(path);
    int fd, delay = RETRY_MIN_MS, said = 0;
    long left;

    if (len >= sizeof(sun.sun_path)) {
        edge_err(err, "control socket path too long: %s", path);
        return NULL;
    }
    memcpy(sun.sun_path, path, len + 1);
    for (;;) {
        if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
            edge_err(err, "cannot create a socket: %s", strerror(errno));
            return NULL;
        }
        if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0)
            return ctl_client_open(NULL, fd, err);
        int e = errno;
        struct stat st;
        close(fd);
        /* Linux refuses a connect to a file that is no socket as it refuses a stale socket. */
        if (e == ECONNREFUSED && stat(path, &st) == 0 && !S_ISSOCK(st.st_mode))
            e = ENOTSOCK;
        if ((e != ENOENT && e != ECONNREFUSED) || (left = deadline - edge_now_ms()) <= 0) {
            edge_err(err, "cannot connect to control socket %s: %s", path, strerror(e));
            return NULL;
        }
        if (!said) {
            fprintf(stderr, "edge-ctl: %s: %s; waiting for the node\n", path, strerror(e));
            said = 1;
        }
        poll(NULL, 0, delay < left ? delay : (int)left);
        delay = delay * 2 < RETRY_MAX_MS ? delay * 2 : RETRY_MAX_MS;
    }
}

static int
usage(void)
{
    fprintf(stderr, "usage: edge-ctl SOCKET CMD [ARGS_JSON] [--timeout MS]\n"
                    "       edge-ctl SOCKET --wait-ready [--timeout MS]\n");
    return 2;
}

int
main(int argc, char **argv)
{
    const char *sock = NULL, *cmd = NULL, *args_text = NULL;
    int timeout = 30000, wait_ready = 0;
    char err[EDGE_ERR_LEN];
    json_t *args = NULL, *r = NULL;
    int rc = 1;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc) {
            char *end;
            long v = strtol(argv[++i], &end, 10);
            if (*end != '\0' || v <= 0 || v > 3600000)
                return usage();
            timeout = (int)v;
        } else if (strcmp(argv[i], "--wait-ready") == 0) {
            wait_ready = 1;
        } else if (sock == NULL) {
            sock = argv[i];
        } else if (cmd == NULL) {
            cmd = argv[i];
        } else if (args_text == NULL) {
            args_text = argv[i];
        } else {
            return usage();
        }
    }
    if (sock == NULL || (cmd == NULL) == !wait_ready)
        return usage();
    if (args_text != NULL) {
        json_error_t jerr;
        args = json_loads(args_text, JSON_REJECT_DUPLICATES, &jerr);
        if (!json_is_object(args)) {
            fprintf(stderr, "edge-ctl: ARGS_JSON must be a JSON object: %s\n", jerr.text);
            json_decref(args);
            return 2;
        }
    }
    long deadline = edge_now_ms() + timeout;
    struct ctl_client *cc =
        wait_ready ? connect_waiting(sock, deadline, err) : ctl_client_open(sock, -1, err);
    if (cc == NULL) {
        fprintf(stderr, "edge-ctl: %s\n", err);
        json_decref(args);
        return 1;
    }
    if (wait_ready) {
        long left = deadline - edge_now_ms();
        r = ctl_client_wait_event(cc, "ready", left > 0 ? (int)left : 1, err);
    } else {
        r = ctl_client_call(cc, cmd, args, timeout, err);
    }
    if (r == NULL) {
        fprintf(stderr, "edge-ctl: %s\n", err);
    } else {
        char *text = json_dumps(r, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        printf("%s\n", text);
        free(text);
        rc = wait_ready || json_is_true(json_object_get(r, "ok")) ? 0 : 1;
    }
    json_decref(r);
    json_decref(args);
    ctl_client_close(cc);
    return rc;
}
