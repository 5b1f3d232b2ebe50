/* file_test.c -- rows of whole-file reads (base/file.h): sizes around the cap, files that are not
 * regular, a pipe read to its end, the program's own folder, and the monotonic clock (base/clock.h)
 * moving forward. */
#include "base/clock.h"
#include "base/err.h"
#include "base/file.h"
#include "check.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A file of size bytes read with cap max: "" when it must load, else the end of the error. */
static const struct {
    long size; /* -1: no file at all */
    size_t max;
    const char *want;
} rows[] = {
    {0, 10, ""},
    {1, 10, ""},
    {10, 10, ""},
    {11, 10, ": larger than 10 bytes"},
    {4095, 4096, ""},
    {4096, 4096, ""},
    {4097, 4096, ": larger than 4096 bytes"},
    {100000, 100000, ""},
    {100001, 100000, ": larger than 100000 bytes"},
    {100000, 1 << 20, ""},
    {5, 0, ": larger than 0 bytes"},
    {-1, 10, ": No such file or directory"},
};

static int
ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), m = strlen(tail);

    return n >= m && strcmp(s + n - m, tail) == 0;
}

static void
test_rows(const char *dir)
{
    char path[PATH_MAX], err[EDGE_ERR_LEN], *buf;
    size_t i, len;

    for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        snprintf(path, sizeof(path), "%s/f%zu", dir, i);
        if (rows[i].size >= 0) {
            FILE *f = fopen(path, "w");
            for (long k = 0; f != NULL && k < rows[i].size; k++)
                fputc('a' + (int)(k % 26), f);
            if (f == NULL || fclose(f) != 0) {
                FAIL("row %zu: cannot write %s", i, path);
                continue;
            }
        }
        err[0] = '\0';
        int rc = edge_file_read(path, rows[i].max, &buf, &len, err);
        if (rows[i].want[0] == '\0') {
            if (rc != 0)
                FAIL("row %zu: expected to load, got \"%s\"", i, err);
            else if (len != (size_t)rows[i].size || buf[len] != '\0' ||
                     (len > 0 && (buf[0] != 'a' || buf[len - 1] != 'a' + (int)((len - 1) % 26))))
                FAIL("row %zu: read %zu bytes, expected %ld and a NUL", i, len, rows[i].size);
            free(buf);
        } else if (rc != -1 || buf != NULL || !ends_with(err, rows[i].want) ||
                   strncmp(err, path, strlen(path)) != 0) {
            FAIL("row %zu: expected \"%s%s\", got rc %d \"%s\"", i, path, rows[i].want, rc, err);
        }
        unlink(path);
    }
}

static void
test_not_regular(const char *dir)
{
    char err[EDGE_ERR_LEN], *buf;
    int p[2];
    size_t len;

    if (edge_file_read(dir, 10, &buf, &len, err) != -1 || !ends_with(err, ": not a regular file"))
        FAIL("directory: got \"%s\"", err);
    if (edge_file_read("/dev/zero", 10, &buf, &len, err) != -1 ||
        strcmp(err, "/dev/zero: not a regular file") != 0)
        FAIL("device: got \"%s\"", err);
    /* A pipe is read to its end through edge_fd_read. */
    if (pipe(p) != 0 || write(p[1], "token\n", 6) != 6 || close(p[1]) != 0) {
        FAIL("pipe");
        return;
    }
    if (edge_fd_read(p[0], "stdin", 10, &buf, &len, err) != 0 || len != 6 ||
        strcmp(buf, "token\n") != 0)
        FAIL("pipe: got \"%s\"", err);
    else
        free(buf);
    close(p[0]);
}

static void
test_clock(void)
{
    int64_t a = edge_now_ns(), ms = edge_now_ms(), b;

    usleep(20000);
    b = edge_now_ns();
    if (b - a < 20000000 || b - a > 5000000000LL)
        FAIL("clock: 20 ms measured as %lld ns", (long long)(b - a));
    if (ms < a / 1000000 || ms > b / 1000000)
        FAIL("clock: ms %lld outside [%lld, %lld]", (long long)ms, (long long)(a / 1000000),
             (long long)(b / 1000000));
}

/* The program's own folder: this test's binary is in it, and it names a folder, not the file. */
static void
test_self_dir(void)
{
    char dir[PATH_MAX], path[PATH_MAX + 32];

    edge_self_dir(dir, sizeof(dir));
    FMT(path, "%s/base_file_test", dir);
    CHECK(dir[0] == '/', "self dir: expected an absolute path, got %s", dir);
    CHECK(access(path, X_OK) == 0, "self dir: %s is not this test's binary", path);
}

int
main(void)
{
    char dir[] = "/tmp/edgesim-file-XXXXXX";

    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    test_rows(dir);
    test_not_regular(dir);
    test_clock();
    test_self_dir();
    rmdir(dir);
    return check_result("file");
}
