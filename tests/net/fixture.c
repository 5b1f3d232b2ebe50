/* fixture.c -- a test's start and end, credentials, child processes, file reading, the event loop
 * under a guard, the requests and TLS contexts of the HTTP test servers, for the TLS/HTTP, node
 * and control tests (fixture.h). */
#include "fixture.h"
#include "base/file.h"

#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

int
fixture_start(int argc, char **argv, int nargs, const char *usage, char *dir)
{
    if (argc != nargs + 1) {
        fprintf(stderr, "usage: %s %s\n", argv[0], usage);
        return 2;
    }
    if (fixture_tmpdir(dir) < 0 || fixture_creds(argv[1], dir) < 0)
        return 1;
    return 0;
}

int
fixture_finish(const char *dir, const char *name)
{
    if (check_failures == 0)
        fixture_rmtree(dir);
    else
        fprintf(stderr, "test files kept in %s\n", dir);
    return check_result(name);
}

pid_t
fixture_spawn(char *const argv[], const char *out_path)
{
    posix_spawn_file_actions_t fa;
    pid_t pid;
    int rc;

    posix_spawn_file_actions_init(&fa);
    if (out_path != NULL) {
        posix_spawn_file_actions_addopen(&fa, 1, out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        posix_spawn_file_actions_adddup2(&fa, 1, 2);
    }
    rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    return rc == 0 ? pid : -1;
}

int
fixture_run(char *const argv[], const char *out_path)
{
    pid_t pid = fixture_spawn(argv, out_path);
    int st;

    if (pid < 0)
        return -1;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int
fixture_have(const char *prog)
{
    const char *path = getenv("PATH");
    char buf[PATH_MAX];

    while (path != NULL && *path != '\0') {
        size_t n = strcspn(path, ":");

        snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, path, prog);
        if (access(buf, X_OK) == 0)
            return 1;
        path += n + (path[n] == ':');
    }
    return 0;
}

char *
fixture_slurp(const char *path)
{
    char *buf;
    size_t len;

    return edge_file_read(path, FIXTURE_SLURP_MAX, &buf, &len, NULL) == 0 ? buf : NULL;
}

int
fixture_creds(const char *script, const char *dir)
{
    char *argv[] = {"sh", (char *)script, (char *)dir, NULL};
    char log[4200];

    snprintf(log, sizeof(log), "%s.log", dir);
    if (fixture_run(argv, log) != 0) {
        fprintf(stderr, "cannot make test credentials with %s (see %s)\n", script, log);
        return -1;
    }
    unlink(log);
    return 0;
}

unsigned short
fixture_unused_port(void)
{
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(sa);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    unsigned short port = 0;

    if (fd < 0)
        return 0;
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
        getsockname(fd, (struct sockaddr *)&sa, &len) == 0)
        port = ntohs(sa.sin_port);
    close(fd);
    return port;
}

static void
fixture_guard(evutil_socket_t fd, short what, void *arg)
{
    (void)fd, (void)what;
    *(int *)arg = 1;
}

int
fixture_loop_until(struct event_base *base, int (*cond)(void *), void *arg, int max_ms)
{
    struct timeval tv = {max_ms / 1000, (max_ms % 1000) * 1000};
    int expired = 0;
    struct event *guard = evtimer_new(base, fixture_guard, &expired);

    evtimer_add(guard, &tv);
    while (!cond(arg) && !expired)
        event_base_loop(base, EVLOOP_ONCE);
    event_free(guard);
    return cond(arg);
}

struct http_client_req
fixture_req(const char *method, unsigned short port, const char *path, const char *body)
{
    struct http_client_req r = {.method = method,
                                .fqdn = FIXTURE_ECS,
                                .addr = "127.0.0.1",
                                .port = port,
                                .path = path,
                                .content_type = body != NULL ? HTTP_MEDIA_JSON : NULL,
                                .body = body,
                                .body_len = body != NULL ? strlen(body) : 0};

    return r;
}

int
fixture_tls_pair(const char *dir, struct tls_ctx **server, struct tls_ctx **client, char *err)
{
    struct tls_config sc = {0}, cc = {0};

    sc.ca_file = cc.ca_file = fixture_at(dir, "ca.crt");
    sc.cert_file = fixture_at(dir, "ecs.crt");
    sc.key_file = fixture_at(dir, "ecs.key");
    cc.cert_file = fixture_at(dir, "eec.crt");
    cc.key_file = fixture_at(dir, "eec.key");
    cc.peer_fqdn = FIXTURE_ECS;
    *client = NULL;
    if ((*server = tls_server_new(&sc, err)) == NULL)
        return -1;
    if ((*client = tls_client_new(&cc, err)) == NULL) {
        tls_ctx_free(*server);
        *server = NULL;
        return -1;
    }
    return 0;
}

int
fixture_rows(const char *path, int max_fields,
             void (*fn)(char **field, int nfields, int lineno, void *arg), void *arg)
{
    char *text = fixture_slurp(path), *line, *next, *f[16], *save, *p;
    int rows = 0, lineno = 0, nf;

    if (text == NULL)
        return -1;
    for (line = text; line != NULL; line = next) {
        if ((next = strchr(line, '\n')) != NULL)
            *next++ = '\0';
        lineno++;
        if (line[0] == '#' || line[0] == '\0')
            continue;
        for (nf = 0, p = line, save = NULL;
             nf < max_fields && nf < 16 && (f[nf] = strtok_r(p, "\t", &save)) != NULL; nf++)
            p = NULL;
        fn(f, nf, lineno, arg);
        rows++;
    }
    free(text);
    return rows;
}
