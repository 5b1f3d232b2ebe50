/* tls_keylog.c -- NSS key-log output (SSLKEYLOGFILE format) so that Wireshark/tshark decrypt
 * captures.
 *
 * The file is named by the node's config, else by $SSLKEYLOGFILE; each secret line is appended and
 * flushed at once, so a capture taken while the node runs can already be decrypted and a crash
 * loses nothing. Several contexts and processes may share one file: O_APPEND keeps lines whole.
 * The file holds traffic secrets, hence mode 0600. */
#include "net/tls_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"

static void
tls_keylog_cb(const SSL *ssl, const char *line)
{
    struct tls_ctx *ctx = SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl));

    if (ctx == NULL || ctx->keylog == NULL)
        return;
    fprintf(ctx->keylog, "%s\n", line);
    fflush(ctx->keylog);
}

int
tls_keylog_open(struct tls_ctx *ctx, const char *path, char *err)
{
    int fd;

    if (path == NULL || *path == '\0')
        path = getenv("SSLKEYLOGFILE");
    if (path == NULL || *path == '\0')
        return 0;
    if ((ctx->keylog_path = strdup(path)) == NULL)
        return edge_err(err, "out of memory");
    fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return edge_err(err, "cannot open key log %s: %s", path, strerror(errno));
    if ((ctx->keylog = fdopen(fd, "a")) == NULL) {
        int e = errno;

        close(fd);
        return edge_err(err, "cannot open key log %s: %s", path, strerror(e));
    }
    SSL_CTX_set_keylog_callback(ctx->ssl_ctx, tls_keylog_cb);
    return 0;
}

void
tls_keylog_close(struct tls_ctx *ctx)
{
    if (ctx->keylog != NULL)
        fclose(ctx->keylog);
    ctx->keylog = NULL;
    free(ctx->keylog_path);
    ctx->keylog_path = NULL;
}

const char *
tls_ctx_keylog_path(const struct tls_ctx *ctx)
{
    return ctx->keylog != NULL ? ctx->keylog_path : NULL;
}
