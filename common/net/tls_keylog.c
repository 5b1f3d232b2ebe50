/* tls_keylog.c -- NSS key-log output (SSLKEYLOGFILE format) so that Wireshark/tshark decrypt
 * captures.
 *
 * The file is named by the node's config, else by $SSLKEYLOGFILE. The secret lines of a handshake
 * (five in TLS 1.3) are appended together, in one write(2), when the handshake completes or fails
 * (tls_conn.c calls tls_keylog_flush), rather than one write each: a capture taken while the node
 * runs can be decrypted as soon as its handshakes are over, and lines still waiting are written
 * when the context closes. Several contexts and processes may share one file: O_APPEND and whole
 * lines in each write keep lines whole. The file holds traffic secrets, hence mode 0600. */
#include "net/tls_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "base/err.h"

void
tls_keylog_flush(struct tls_ctx *ctx)
{
    size_t off = 0;
    ssize_t n;

    while (ctx->keylog_fd >= 0 && off < ctx->keylog_len) {
        n = write(ctx->keylog_fd, ctx->keylog_buf + off, ctx->keylog_len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break; /* a key log that cannot be written is no reason to fail a connection */
        off += (size_t)n;
    }
    OPENSSL_cleanse(ctx->keylog_buf, ctx->keylog_len);
    ctx->keylog_len = 0;
}

static void
tls_keylog_cb(const SSL *ssl, const char *line)
{
    struct tls_ctx *ctx = SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl));
    size_t len = strlen(line);

    if (ctx == NULL || ctx->keylog_fd < 0 || len + 1 > sizeof(ctx->keylog_buf))
        return;
    if (ctx->keylog_len + len + 1 > sizeof(ctx->keylog_buf))
        tls_keylog_flush(ctx);
    memcpy(ctx->keylog_buf + ctx->keylog_len, line, len);
    ctx->keylog_buf[ctx->keylog_len + len] = '\n';
    ctx->keylog_len += len + 1;
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
    ctx->keylog_fd = fd;
    SSL_CTX_set_keylog_callback(ctx->ssl_ctx, tls_keylog_cb);
    return 0;
}

void
tls_keylog_close(struct tls_ctx *ctx)
{
    if (ctx->keylog_fd >= 0) {
        tls_keylog_flush(ctx);
        close(ctx->keylog_fd);
    }
    ctx->keylog_fd = -1;
    free(ctx->keylog_path);
    ctx->keylog_path = NULL;
}

const char *
tls_ctx_keylog_path(const struct tls_ctx *ctx)
{
    return ctx->keylog_fd >= 0 ? ctx->keylog_path : NULL;
}
