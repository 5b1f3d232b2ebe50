/* pki_cli_test.c -- the edge-pki command line: exit codes 0/1/2, printed paths, --force, and
 * messages that name the file. */
#include "base/file.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

static const char *pki;     /* the edge-pki binary */
static char dir[PATH_MAX];  /* scenario directory under test */
static char work[PATH_MAX]; /* holds dir and the captured output */
static char out[16384], errout[16384];

static void
slurp(const char *path, char *buf, size_t len)
{
    char *text;
    size_t n;

    buf[0] = '\0';
    if (edge_file_read(path, len - 1, &text, &n, NULL) == 0) {
        memcpy(buf, text, n + 1);
        free(text);
    }
}

/* Run edge-pki with the NULL-ended arguments; stdout and stderr land in out
 * and errout. Returns the exit status, or -1 if it did not exit. */
static int
pki_run(const char *first, ...)
{
    char *argv[32], opath[PATH_MAX], epath[PATH_MAX];
    va_list ap;
    int argc = 0, status, fd;
    pid_t pid;

    argv[argc++] = (char *)pki;
    va_start(ap, first);
    // NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): va_start is the line above
    for (const char *a = first; a != NULL && argc < 31; a = va_arg(ap, const char *))
        argv[argc++] = (char *)a;
    va_end(ap);
    argv[argc] = NULL;
    FMT(opath, "%s/stdout", work);
    FMT(epath, "%s/stderr", work);
    fflush(NULL);
    if ((pid = fork()) == -1)
        return -1;
    if (pid == 0) {
        if ((fd = open(opath, O_WRONLY | O_CREAT | O_TRUNC, 0644)) == -1 || dup2(fd, 1) == -1)
            _exit(126);
        if ((fd = open(epath, O_WRONLY | O_CREAT | O_TRUNC, 0644)) == -1 || dup2(fd, 2) == -1)
            _exit(126);
        execv(pki, argv);
        _exit(127);
    }
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
        return -1;
    slurp(opath, out, sizeof(out));
    slurp(epath, errout, sizeof(errout));
    return WEXITSTATUS(status);
}

static void
expect(int got, int want, const char *what, const char *errtext)
{
    if (got != want)
        FAIL("%s: exit %d, expected %d (stderr: %s)", what, got, want, errout);
    else if (errtext != NULL && strstr(errout, errtext) == NULL)
        FAIL("%s: stderr does not say \"%s\": %s", what, errtext, errout);
}

static void
expect_out(const char *what, const char *a, const char *b)
{
    char want[2 * PATH_MAX + 8];

    FMT(want, "%s/%s\n%s/%s\n", dir, a, dir, b);
    if (strcmp(out, want) != 0)
        FAIL("%s: printed \"%s\", expected \"%s\"", what, out, want);
}

static mode_t
mode_of(const char *name)
{
    char path[PATH_MAX];
    struct stat st;

    FMT(path, "%s/%s", dir, name);
    if (stat(path, &st) == -1)
        return (mode_t)-1;
    return st.st_mode & 07777;
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

int
main(int argc, char **argv)
{
    const char *base = getenv("TMPDIR");
    char msg[PATH_MAX + 64], before[4096], after[4096], path[PATH_MAX];

    if (argc != 2) {
        fprintf(stderr, "usage: pki_cli_test /path/to/edge-pki\n");
        return 2;
    }
    pki = argv[1];
    FMT(work, "%s/pki_cli_test.XXXXXX", base ? base : "/tmp");
    if (mkdtemp(work) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    FMT(dir, "%s/pki", work);

    /* Usage errors: 2, with the usage text. */
    expect(pki_run(NULL), 2, "no arguments", "usage: edge-pki ca");
    expect(pki_run("frobnicate", NULL), 2, "unknown command", "unknown command \"frobnicate\"");
    expect(pki_run("ca", NULL), 2, "ca without --dir", "ca needs --dir");
    expect(pki_run("ca", "--dir", NULL), 2, "--dir without value", "missing value");
    expect(pki_run("ca", "--dir", dir, "--bogus", NULL), 2, "unknown option", "\"--bogus\"");
    expect(pki_run("ca", "--dir", dir, "extra", NULL), 2, "extra argument", "\"extra\"");
    expect(pki_run("ca", "--dir", dir, "--days", "0", NULL), 2, "--days 0", "--days takes");
    expect(pki_run("ca", "--dir", dir, "--days", "9x", NULL), 2, "--days 9x", "--days takes");
    expect(pki_run("node", "--dir", dir, NULL), 2, "node without --fqdn", "node needs --fqdn");
    expect(pki_run("node", "--dir", dir, "--fqdn", "a.test", "--kind", "eec", NULL), 2,
           "--kind eec", "--kind: expected \"ecs\" or \"ees\", got \"eec\"");
    expect(pki_run("node", "--dir", dir, "--fqdn", "a.test", "--gpsi", "msisdn-12345", NULL), 2,
           "--gpsi on node", "--gpsi does not apply to node");
    expect(pki_run("signkey", "--dir", dir, "--ecs", "ecs1.edge.test", NULL), 2,
           "signkey without --kid", "signkey needs --kid");
    if (pki_run("--help", NULL) != 0 || strstr(out, "usage: edge-pki") == NULL)
        FAIL("--help: exit 0 with the usage on stdout expected");
    if (access(dir, F_OK) == 0)
        FAIL("a usage error created %s", dir);

    /* Each command once: 0, paths printed one a line, key files 0600. */
    expect(pki_run("ca", "--dir", dir, "--cn", "Test CA", "--days", "10", NULL), 0, "ca", NULL);
    expect_out("ca", "ca.crt", "ca.key");
    expect(pki_run("node", "--dir", dir, "--fqdn", "ecs1.edge.test", "--kind", "ecs", NULL), 0,
           "node", NULL);
    expect_out("node", "ecs1.edge.test.crt", "ecs1.edge.test.key");
    expect(
        pki_run("eec", "--dir", dir, "--eec-id", "eec-1", "--gpsi", "extid-alice@edge.test", NULL),
        0, "eec", NULL);
    expect_out("eec", "eec-eec-1.crt", "eec-eec-1.key");
    expect(pki_run("signkey", "--dir", dir, "--ecs", "ecs1.edge.test", "--kid", "k1", NULL), 0,
           "signkey", NULL);
    expect_out("signkey", "ecs1.edge.test.sig-k1.key", "ecs1.edge.test.sig-k1.pub");
    if (mode_of("ca.key") != 0600 || mode_of("ecs1.edge.test.key") != 0600 ||
        mode_of("eec-eec-1.key") != 0600 || mode_of("ecs1.edge.test.sig-k1.key") != 0600)
        FAIL("a private key file is not mode 0600");
    if (mode_of("ca.crt") != 0644 || mode_of("ecs1.edge.test.sig-k1.pub") != 0644)
        FAIL("a certificate or public key is not mode 0644");

    /* Again without --force: 1, the file named, nothing changed. */
    FMT(path, "%s/ecs1.edge.test.crt", dir);
    slurp(path, before, sizeof(before));
    FMT(msg, "edge-pki: %s/ecs1.edge.test.key already exists (use --force to replace it)\n", dir);
    if (pki_run("node", "--dir", dir, "--fqdn", "ecs1.edge.test", NULL) != 1 ||
        strcmp(errout, msg) != 0 || out[0] != '\0')
        FAIL("node again: expected exit 1 and \"%s\", got \"%s\"", msg, errout);
    slurp(path, after, sizeof(after));
    if (strcmp(before, after) != 0)
        FAIL("refused node changed %s", path);
    FMT(msg, "edge-pki: %s/ca.key already exists (use --force to replace it)\n", dir);
    if (pki_run("ca", "--dir", dir, NULL) != 1 || strcmp(errout, msg) != 0)
        FAIL("ca again: expected \"%s\", got \"%s\"", msg, errout);
    FMT(msg, "%s/ecs1.edge.test.sig-k1.key already exists", dir);
    expect(pki_run("signkey", "--dir", dir, "--ecs", "ecs1.edge.test", "--kid", "k1", NULL), 1,
           "signkey again", msg);
    FMT(msg, "%s/eec-eec-1.key already exists", dir);
    expect(pki_run("eec", "--dir", dir, "--eec-id", "eec-1", NULL), 1, "eec again", msg);

    /* With --force: 0 and a new certificate. */
    expect(pki_run("node", "--dir", dir, "--fqdn", "ecs1.edge.test", "--force", NULL), 0,
           "node --force", NULL);
    slurp(path, after, sizeof(after));
    if (strcmp(before, after) == 0)
        FAIL("node --force did not replace %s", path);
    if (mode_of("ecs1.edge.test.key") != 0600)
        FAIL("replaced key is not mode 0600");

    /* Bad values: 1 with the reason. */
    expect(pki_run("node", "--dir", dir, "--fqdn", "bad_name", NULL), 1, "bad FQDN",
           "FQDN \"bad_name\": not a valid FQDN ('_' not allowed)");
    expect(pki_run("eec", "--dir", dir, "--eec-id", "eec-2", "--gpsi", "alice", NULL), 1,
           "bad GPSI", "not a valid GPSI");
    expect(pki_run("eec", "--dir", dir, "--eec-id", "a b", NULL), 1, "bad EEC ID",
           "not a valid identifier");
    expect(pki_run("signkey", "--dir", dir, "--ecs", "ecs1.edge.test", "--kid", "k/1", NULL), 1,
           "bad kid", "kid \"k/1\"");
    FMT(path, "%s/other", work);
    FMT(msg, "%s/ca.crt: No such file or directory", path);
    expect(pki_run("node", "--dir", path, "--fqdn", "a.test", NULL), 1, "node without CA", msg);

    nftw(work, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    return check_result("edge-pki");
}
