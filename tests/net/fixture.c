/* fixture.c -- temp dirs, credentials, child processes and file reading for the TLS/HTTP, node and
 * control tests (fixture.h). */
#include "fixture.h"
#include "base/file.h"

#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

int
fixture_tmpdir(char *dir)
{
    const char *t = getenv("TMPDIR");

    snprintf(dir, 4096, "%s/edgesim-test-XXXXXX", t != NULL && *t ? t : "/tmp");
    return mkdtemp(dir) != NULL ? 0 : -1;
}

static int
fixture_rm(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    return remove(path);
}

void
fixture_rmtree(const char *dir)
{
    nftw(dir, fixture_rm, 16, FTW_DEPTH | FTW_PHYS);
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
