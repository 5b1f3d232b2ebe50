/* file.c -- reads a whole file or fd into memory with a size cap (file.h). */
#include "base/file.h"
#include "base/err.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FILE_FIRST_CAP 4096

/* Move the len bytes of *buf to a buffer of cap bytes, wiping the old one: a key read in
 * pieces leaves no copy behind. */
static int
file_grow(char **buf, size_t len, size_t cap)
{
    char *b = malloc(cap);

    if (b == NULL)
        return -1;
    if (*buf != NULL) {
        memcpy(b, *buf, len);
        explicit_bzero(*buf, len);
        free(*buf);
    }
    *buf = b;
    return 0;
}

/* Read into a buffer of first bytes at first, up to max + 1 bytes: one byte past the cap tells
 * a file too large from one exactly at it. */
static int
file_fill(int fd, const char *name, size_t first, size_t max, char **out, size_t *outlen, char *err)
{
    size_t len = 0, cap = first;
    char *buf = NULL;
    ssize_t n;

    if (file_grow(&buf, 0, cap) < 0)
        return edge_err(err, "%s: out of memory", name);
    for (;;) {
        if (len + 1 == cap) { /* full but for the NUL */
            if (len > max)
                break;
            cap = 2 * cap < max + 2 ? 2 * cap : max + 2;
            if (file_grow(&buf, len, cap) < 0) {
                edge_err(err, "%s: out of memory", name);
                goto fail;
            }
        }
        n = read(fd, buf + len, cap - 1 - len);
        if (n == -1 && errno == EINTR)
            continue;
        if (n == -1) {
            edge_err(err, "%s: %s", name, strerror(errno));
            goto fail;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    if (len > max) {
        edge_err(err, "%s: larger than %zu bytes", name, max);
        goto fail;
    }
    buf[len] = '\0';
    *out = buf;
    *outlen = len;
    return 0;
fail:
    explicit_bzero(buf, len);
    free(buf);
    return -1;
}

int
edge_fd_read(int fd, const char *name, size_t max, char **out, size_t *len, char *err)
{
    *out = NULL;
    *len = 0;
    return file_fill(fd, name, max + 2 < FILE_FIRST_CAP ? max + 2 : FILE_FIRST_CAP, max, out, len,
                     err);
}

int
edge_file_read(const char *path, size_t max, char **out, size_t *len, char *err)
{
    struct stat st;
    size_t first;
    int fd, rc = -1;

    *out = NULL;
    *len = 0;
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
        return edge_err(err, "%s: %s", path, strerror(errno));
    if (fstat(fd, &st) == -1) {
        edge_err(err, "%s: %s", path, strerror(errno));
        goto done;
    }
    if (!S_ISREG(st.st_mode)) {
        edge_err(err, "%s: not a regular file", path);
        goto done;
    }
    /* Room for the size fstat gives, the NUL and one byte more (the file may grow meanwhile). */
    first = (size_t)st.st_size < max ? (size_t)st.st_size + 2 : max + 2;
    rc = file_fill(fd, path, first, max, out, len, err);
done:
    close(fd);
    return rc;
}

void
edge_self_dir(char *buf, size_t len)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    char *slash;

    if (n <= 0) {
        snprintf(buf, len, ".");
        return;
    }
    exe[n] = '\0';
    if ((slash = strrchr(exe, '/')) != NULL)
        *slash = '\0';
    snprintf(buf, len, "%s", slash == exe ? "/" : exe);
}
