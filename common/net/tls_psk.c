/* tls_psk.c -- TLS 1.3 external PSK (RFC 8446 2.2, 4.2.11), the AKMA K_AF stand-in of
 * TS 33.535 6.3.
 *
 * OpenSSL models an external PSK as a session: the key is its master key and the suite fixes
 * the hash (TLS_AES_128_GCM_SHA256, so SHA-256). The client offers one identity; the server asks
 * its lookup callback for the key and the identities bound to it, or, with a psk_source (an AF
 * asking its AAnF, a NAF its BSF), resolves the identity from the ClientHello callback first:
 * the handshake pauses there (SSL_CLIENT_HELLO_RETRY, tls_accept.c) until the key server's answer
 * is in, and the psk_find_session callback then takes the key from that answer. An unknown
 * identity is ignored (RFC 8446 4.2.11: the server may decline a PSK) and the handshake falls
 * back to certificates; one the key server refused ends the handshake with the alert the answer
 * chose (unknown_psk_identity, access_denied, internal_error); a known identity with a wrong key
 * fails the binder check and OpenSSL 3.0 aborts with illegal_parameter. */
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

/* The first PSK identity the ClientHello offers (RFC 8446 4.2.11: identities<7..2^16-1>, each
 * identity<1..2^16-1> and a uint32 obfuscated_ticket_age), NUL-terminated into out. 0 when there
 * is none we could have issued (absent, malformed, too long, a NUL inside). */
static int
tls_psk_first_identity(SSL *ssl, char out[EDGE_ID_MAX])
{
    const unsigned char *p = NULL;
    size_t len = 0, list, idlen;

    if (SSL_client_hello_get0_ext(ssl, TLSEXT_TYPE_psk, &p, &len) != 1 || len < 2)
        return 0;
    list = (size_t)p[0] << 8 | p[1];
    if (list < 7 || list > len - 2 || len - 2 < 2)
        return 0;
    idlen = (size_t)p[2] << 8 | p[3];
    if (idlen == 0 || idlen >= EDGE_ID_MAX || idlen + 2 + 4 > list ||
        memchr(p + 4, '\0', idlen) != NULL)
        return 0;
    memcpy(out, p + 4, idlen);
    out[idlen] = '\0';
    return 1;
}

/* The key server's answer came (tls_psk_ready_fn): keep it for the ClientHello's second pass. */
static void
tls_psk_ready(void *ready_arg, const struct tls_psk_answer *a)
{
    struct tls_conn *c = ready_arg;

    c->psk_wait = NULL;
    c->psk_answer = *a;
    c->hello_state = TLS_HELLO_RESOLVED;
    if (c->hello_driver != NULL)
        tls_hello_resolved(c->hello_driver);
}

/* First pass (from tls_accept_start): ask the psk_source about the offered identity and pause the
 * handshake (SSL_CLIENT_HELLO_RETRY) until the answer is in. Second pass: a refused identity ends
 * the handshake with the alert the key server's answer chose; any other goes on, and the
 * psk_find_session callback takes the key from the answer. */
static int
tls_psk_hello_cb(SSL *ssl, int *al, void *arg)
{
    struct tls_conn *c = tls_conn_get(ssl);
    struct tls_ctx *ctx = SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl));
    struct tls_psk_answer *a;
    enum tls_psk_outcome r;

    (void)arg;
    if (c == NULL)
        return SSL_CLIENT_HELLO_ERROR;
    a = &c->psk_answer;
    if (c->hello_state == TLS_HELLO_NONE) {
        memset(a, 0, sizeof(*a));
        c->hello_state = TLS_HELLO_RESOLVED;
        if (tls_psk_first_identity(ssl, c->psk_asked)) {
            r = ctx->psk_source.resolve(ctx->psk_source.arg, c->psk_asked, c->conn, a,
                                        tls_psk_ready, c, &c->psk_wait);
            if (r == TLS_PSK_PENDING)
                c->hello_state = TLS_HELLO_WAITING;
            else
                a->outcome = r;
        }
        /* Without a driver nobody could resume a pause: then only an answer at once counts. */
        if (c->hello_driver != NULL)
            return SSL_CLIENT_HELLO_RETRY;
    }
    if (c->hello_state != TLS_HELLO_RESOLVED) {
        snprintf(a->detail, sizeof(a->detail), "the key of PSK identity \"%.60s\" never came",
                 c->psk_asked);
        a->outcome = TLS_PSK_REFUSED;
        a->alert = SSL_AD_INTERNAL_ERROR;
    }
    if (a->outcome == TLS_PSK_REFUSED) {
        *al = a->alert != 0 ? a->alert : SSL_AD_HANDSHAKE_FAILURE;
        snprintf(c->psk_refused, sizeof(c->psk_refused),
                 "PSK identity \"%.60s\" refused: %s%s%.100s", c->psk_asked, a->cause,
                 a->cause[0] != '\0' ? ": " : "", a->detail);
        return SSL_CLIENT_HELLO_ERROR;
    }
    return SSL_CLIENT_HELLO_SUCCESS;
}

void
tls_psk_forget(struct tls_conn *c)
{
    if (c->psk_wait != NULL && c->ctx != NULL && c->ctx->psk_source.cancel != NULL)
        c->ctx->psk_source.cancel(c->ctx->psk_source.arg, c->psk_wait);
    c->psk_wait = NULL;
}

/* The binding of identity: from the key server's answer (asynchronous source), or the lookup. */
static int
tls_psk_binding_of(struct tls_ctx *ctx, struct tls_conn *c, const char *identity,
                   struct tls_psk_binding *b)
{
    if (!ctx->psk_async)
        return ctx->psk_lookup(ctx->psk_lookup_arg, identity, b);
    if (c->psk_answer.outcome != TLS_PSK_FOUND || strcmp(identity, c->psk_asked) != 0)
        return 0;
    *b = c->psk_answer.binding;
    return 1;
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
    r = tls_psk_binding_of(ctx, c, identity, &b);
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
        if (cfg->psk_source != NULL) {
            if (cfg->psk_source->resolve == NULL || cfg->psk_source->cancel == NULL)
                return edge_err(err, "a PSK source needs resolve and cancel");
            ctx->psk_source = *cfg->psk_source;
            ctx->psk_async = 1;
            SSL_CTX_set_client_hello_cb(ctx->ssl_ctx, tls_psk_hello_cb, NULL);
        } else if (cfg->psk_lookup != NULL) {
            ctx->psk_lookup = cfg->psk_lookup;
            ctx->psk_lookup_arg = cfg->psk_lookup_arg;
        } else {
            return 0;
        }
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
