/* tls_psk.c -- TLS 1.3 external PSK (RFC 8446 2.2, 4.2.11), the AKMA K_AF stand-in of
 * TS 33.535 6.3.
 *
 * OpenSSL models an external PSK as a session: the key is its master key and the suite fixes
 * the hash (TLS_AES_128_GCM_SHA256, so SHA-256). The client offers one identity; the server asks
 * its lookup callback (the subscriber table / AAnF stand-in) for the key and the identities bound
 * to it. An unknown identity is ignored (RFC 8446 4.2.11: the server may decline a PSK) and the
 * handshake falls back to certificates; a known identity with a wrong key fails the binder check
 * and OpenSSL aborts with decrypt_error. */
#include "base/hex.h"
#include "net/tls_int.h"

#include <string.h>

#include <openssl/crypto.h>

#include "base/err.h"

static const unsigned char tls_psk_suite[] = {0x13, 0x01}; /* TLS_AES_128_GCM_SHA256 */

static SSL_SESSION *
tls_psk_session(SSL *ssl, const unsigned char *key, size_t key_len)
{
    const SSL_CIPHER *cipher = SSL_CIPHER_find(ssl, tls_psk_suite);
    SSL_SESSION *sess = SSL_SESSION_new();

    if (cipher == NULL || sess == NULL || !SSL_SESSION_set1_master_key(sess, key, key_len) ||
        !SSL_SESSION_set_cipher(sess, cipher) ||
        !SSL_SESSION_set_protocol_version(sess, TLS1_3_VERSION)) {
        SSL_SESSION_free(sess);
        return NULL;
    }
    return sess;
}

static int
tls_psk_use_cb(SSL *ssl, const EVP_MD *md, const unsigned char **id, size_t *idlen,
               SSL_SESSION **sess)
{
    struct tls_conn *c = tls_conn_get(ssl);
    struct tls_ctx *ctx = SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl));
    unsigned char key[TLS_PSK_MAX];
    size_t key_len = 0;
    int ok = 1;

    *id = NULL;
    *idlen = 0;
    *sess = NULL;
    /* Second call after a HelloRetryRequest: the PSK is only usable with a SHA-256 suite. */
    if (c == NULL || (md != NULL && !EVP_MD_is_a(md, "SHA256")))
        return 1;
    if (ctx->psk_client != NULL) {
        char identity[EDGE_ID_MAX] = "";

        if (ctx->psk_client(ctx->psk_client_arg, c->peer_fqdn, identity, key, &key_len) != 1 ||
            key_len == 0 || key_len > TLS_PSK_MAX || identity[0] == '\0')
            goto done;
        identity[sizeof(identity) - 1] = '\0';
        snprintf(c->psk_identity, sizeof(c->psk_identity), "%s", identity);
    } else if (ctx->psk_key_len > 0) {
        memcpy(key, ctx->psk_key, ctx->psk_key_len);
        key_len = ctx->psk_key_len;
        snprintf(c->psk_identity, sizeof(c->psk_identity), "%s", ctx->psk_identity);
    } else {
        goto done;
    }
    if ((*sess = tls_psk_session(ssl, key, key_len)) == NULL) {
        ok = 0; /* abort: we meant to offer a PSK and could not */
        goto done;
    }
    *id = (const unsigned char *)c->psk_identity;
    *idlen = strlen(c->psk_identity);
    c->psk_offered = 1;
done:
    OPENSSL_cleanse(key, sizeof(key));
    return ok;
}

static int
tls_psk_find_cb(SSL *ssl, const unsigned char *id, size_t idlen, SSL_SESSION **sess)
{
    struct tls_conn *c = tls_conn_get(ssl);
    struct tls_ctx *ctx = SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl));
    struct tls_psk_binding b;
    char identity[EDGE_ID_MAX];
    int r, ok = 1;

    *sess = NULL;
    memset(&b, 0, sizeof(b));
    if (c == NULL)
        return 1;
    /* An identity we could never have issued is declined, not an error. */
    if (idlen == 0 || idlen >= sizeof(identity) || memchr(id, '\0', idlen) != NULL)
        return 1;
    memcpy(identity, id, idlen);
    identity[idlen] = '\0';
    r = ctx->psk_lookup(ctx->psk_lookup_arg, identity, &b);
    if (r < 0) {
        ok = 0;
        goto done;
    }
    if (r == 0 || b.key_len == 0 || b.key_len > TLS_PSK_MAX) {
        snprintf(c->psk_unknown, sizeof(c->psk_unknown), "%s", identity);
        goto done;
    }
    if ((*sess = tls_psk_session(ssl, b.key, b.key_len)) == NULL) {
        ok = 0;
        goto done;
    }
    c->psk_found = 1;
    snprintf(c->psk_identity, sizeof(c->psk_identity), "%s", identity);
    b.eec_id[sizeof(b.eec_id) - 1] = '\0';
    b.gpsi[sizeof(b.gpsi) - 1] = '\0';
    snprintf(c->eec_id, sizeof(c->eec_id), "%s", b.eec_id);
    snprintf(c->gpsi, sizeof(c->gpsi), "%s", b.gpsi);
done:
    OPENSSL_cleanse(&b, sizeof(b));
    return ok;
}

int
tls_psk_setup(struct tls_ctx *ctx, const struct tls_config *cfg, char *err)
{
    if (ctx->server) {
        if (cfg->psk_lookup == NULL)
            return 0;
        ctx->psk_lookup = cfg->psk_lookup;
        ctx->psk_lookup_arg = cfg->psk_lookup_arg;
        SSL_CTX_set_psk_find_session_callback(ctx->ssl_ctx, tls_psk_find_cb);
        return 0;
    }
    if (cfg->psk_client != NULL) {
        ctx->psk_client = cfg->psk_client;
        ctx->psk_client_arg = cfg->psk_client_arg;
    } else if (cfg->psk_identity != NULL || cfg->psk_key_len > 0) {
        if (cfg->psk_identity == NULL || *cfg->psk_identity == '\0' ||
            strlen(cfg->psk_identity) >= sizeof(ctx->psk_identity))
            return edge_err(err, "PSK identity missing or longer than %d bytes", EDGE_ID_MAX - 1);
        if (cfg->psk_key == NULL || cfg->psk_key_len == 0 || cfg->psk_key_len > TLS_PSK_MAX)
            return edge_err(err, "PSK key for identity %s missing or longer than %d bytes",
                            cfg->psk_identity, TLS_PSK_MAX);
        snprintf(ctx->psk_identity, sizeof(ctx->psk_identity), "%s", cfg->psk_identity);
        memcpy(ctx->psk_key, cfg->psk_key, cfg->psk_key_len);
        ctx->psk_key_len = cfg->psk_key_len;
    } else {
        return 0;
    }
    SSL_CTX_set_psk_use_session_callback(ctx->ssl_ctx, tls_psk_use_cb);
    return 0;
}

int
tls_hex_decode(const char *hex, unsigned char *out, size_t max, size_t *len, char *err)
{
    size_t n = strlen(hex), i;

    if (n == 0 || n % 2 != 0)
        return edge_err(err, "hex key has %zu digits, expected an even number above 0", n);
    if (n / 2 > max)
        return edge_err(err, "hex key of %zu bytes is longer than %zu", n / 2, max);
    for (i = 0; i < n; i += 2) {
        int hi = hex_digit(hex[i]), lo = hex_digit(hex[i + 1]);

        if (hi < 0 || lo < 0)
            return edge_err(err, "hex key: not a hex digit at position %zu", hi < 0 ? i : i + 1);
        out[i / 2] = (unsigned char)(hi << 4 | lo);
    }
    *len = n / 2;
    return 0;
}
