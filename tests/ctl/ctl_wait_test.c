/* ctl_wait_test.c -- edge-ctl SOCKET --wait-ready started before the node: it waits while the
 * socket file does not exist yet and while it refuses, then reads the ready event; and it gives up
 * at its deadline when no node comes.
 * Usage: ctl_wait_test EDGE_CTL */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fixture.h"
#include "base/clock.h"

extern char **environ;

static char dir[4096];

struct ctl_run {
    pid_t pid;
    int err_fd; /* edge-ctl's stderr */
    char out[4200];
};

/* Start edge-ctl SOCK --wait-ready --timeout MS, stdout to a file, stderr to a pipe we read. */
static int
ctl_start(const char *ctl, const char *sock, const char *ms, struct ctl_run *run)
{
    char *argv[] = {(char *)ctl, (char *)sock, "--wait-ready", "--timeout", (char *)ms, NULL};
    posix_spawn_file_actions_t fa;
    int p[2], rc;

    snprintf(run->out, sizeof(run->out), "%s/ctl.out", dir);
    if (pipe(p) < 0)
        return -1;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, run->out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&fa, p[1], 2);
    posix_spawn_file_actions_addclose(&fa, p[0]);
    rc = posix_spawn(&run->pid, ctl, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(p[1]);
    run->err_fd = p[0];
    return rc == 0 ? 0 : -1;
}

/* Read edge-ctl's stderr until it says that it waits (it has failed to connect at least once). */
static int
ctl_says_waiting(struct ctl_run *run, char *text, size_t len)
{
    size_t got = 0;
    ssize_t n;

    text[0] = '\0';
    while (got < len - 1 && strstr(text, "waiting for the node") == NULL) {
        struct pollfd pfd = {.fd = run->err_fd, .events = POLLIN};

        if (poll(&pfd, 1, 10000) <= 0 || (n = read(run->err_fd, text + got, len - 1 - got)) <= 0)
            return 0;
        got += (size_t)n;
        text[got] = '\0';
    }
    return strstr(text, "waiting for the node") != NULL;
}

static int
ctl_exit(struct ctl_run *run)
{
    int st;

    close(run->err_fd);
    while (waitpid(run->pid, &st, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Be the node: accept edge-ctl (bounded wait) and tell it we are ready. */
static int
serve_ready(int lfd)
{
    static const char ready[] = "{\"event\":\"ready\",\"node\":\"ecs1.edge.test\"}\n";
    struct pollfd pfd = {.fd = lfd, .events = POLLIN};
    int fd;

    if (poll(&pfd, 1, 10000) <= 0 || (fd = accept(lfd, NULL, NULL)) < 0)
        return -1;
    if (write(fd, ready, sizeof(ready) - 1) != (ssize_t)sizeof(ready) - 1) {
        close(fd);
        return -1;
    }
    return fd;
}

static int
unix_socket(const char *path, struct sockaddr_un *sun)
{
    size_t len = strlen(path);

    memset(sun, 0, sizeof(*sun));
    sun->sun_family = AF_UNIX;
    if (len >= sizeof(sun->sun_path))
        return -1;
    memcpy(sun->sun_path, path, len + 1);
    return socket(AF_UNIX, SOCK_STREAM, 0);
}

static void
check_ready_output(const char *what, struct ctl_run *run, int rc)
{
    char *out = fixture_slurp(run->out);

    CHECK(rc == 0, "%s: expected exit 0, got %d", what, rc);
    CHECK(out != NULL && strstr(out, "\"ready\"") != NULL, "%s: expected the ready event, got %s",
          what, out ? out : "nothing");
    free(out);
}

int
main(int argc, char **argv)
{
    struct sockaddr_un sun;
    struct ctl_run run;
    int64_t t0;
    char sock[4200], text[1024];
    int lfd, cfd, rc;
    double ms;

    if (argc != 2) {
        fprintf(stderr, "usage: %s EDGE_CTL\n", argv[0]);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    if (fixture_tmpdir(dir) < 0)
        return 1;
    snprintf(sock, sizeof(sock), "%s/node.sock", dir);

    /* 1. No socket file yet: edge-ctl waits; the node binds and listens later. */
    CHECK(ctl_start(argv[1], sock, "20000", &run) == 0, "cannot start %s", argv[1]);
    CHECK(ctl_says_waiting(&run, text, sizeof(text)) && strstr(text, "No such file") != NULL,
          "missing socket: expected edge-ctl to say it waits, got \"%s\"", text);
    lfd = unix_socket(sock, &sun);
    CHECK(bind(lfd, (struct sockaddr *)&sun, sizeof(sun)) == 0 && listen(lfd, 4) == 0,
          "listen on %s: %s", sock, strerror(errno));
    cfd = serve_ready(lfd);
    CHECK(cfd >= 0, "missing socket: edge-ctl never connected");
    rc = ctl_exit(&run);
    check_ready_output("missing socket", &run, rc);
    if (cfd >= 0)
        close(cfd);
    close(lfd);
    unlink(sock);

    /* 2. A socket file nobody listens on (a node's stale socket, or one not listening yet):
     * connect is refused; edge-ctl waits until the node listens. */
    lfd = unix_socket(sock, &sun);
    CHECK(bind(lfd, (struct sockaddr *)&sun, sizeof(sun)) == 0, "bind %s: %s", sock,
          strerror(errno));
    CHECK(ctl_start(argv[1], sock, "20000", &run) == 0, "cannot start %s", argv[1]);
    CHECK(ctl_says_waiting(&run, text, sizeof(text)) && strstr(text, "refused") != NULL,
          "refusing socket: expected edge-ctl to say it waits, got \"%s\"", text);
    CHECK(listen(lfd, 4) == 0, "listen: %s", strerror(errno));
    cfd = serve_ready(lfd);
    CHECK(cfd >= 0, "refusing socket: edge-ctl never connected");
    rc = ctl_exit(&run);
    check_ready_output("refusing socket", &run, rc);
    if (cfd >= 0)
        close(cfd);
    close(lfd);
    unlink(sock);

    /* 3. No node ever: it gives up at its deadline, which covers the waiting. */
    t0 = edge_now_ns();
    CHECK(ctl_start(argv[1], sock, "300", &run) == 0, "cannot start %s", argv[1]);
    rc = ctl_exit(&run);
    ms = (double)(edge_now_ns() - t0) / 1e6;
    CHECK(rc == 1, "no node: expected exit 1, got %d", rc);
    CHECK(ms >= 250 && ms < 5000, "no node: expected to give up after about 300 ms, took %.0f ms",
          ms);

    /* 4. Another error is not waited on: a path that is not a socket. */
    snprintf(sock, sizeof(sock), "%s/plain-file", dir);
    close(open(sock, O_WRONLY | O_CREAT, 0600));
    CHECK(ctl_start(argv[1], sock, "20000", &run) == 0, "cannot start %s", argv[1]);
    t0 = edge_now_ns();
    rc = ctl_exit(&run);
    ms = (double)(edge_now_ns() - t0) / 1e6;
    CHECK(rc == 1 && ms < 5000, "not a socket: expected exit 1 at once, got %d after %.0f ms", rc,
          ms);

    return fixture_finish(dir, "ctl_wait");
}
