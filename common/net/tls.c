/* tls.c -- builds the TLS 1.3-only server and client contexts of a node and their connections.
 *
 * Profile: TLS 1.3 only (TS 33.558 6.1 refers to the TS 33.210 6.2 profile; edgesim keeps only
 * 1.3 so that the PSK mode is RFC 8446 external PSK), mutual X.509 against one scenario CA (or,
 * where configured, the server certificate only: the NOTE of TS 33.558 6.2 and 6.3), RFC 6125
 * name check of the server on the client side, ALPN (RFC 7301: "h2" or "http/1.1", as the HTTP
 * layer sets per connection; so that Wireshark dissects HTTP on any port), no session tickets:
 * every connection is a full authentication, which is what a capture of a scenario should show. */
#include "net/tls_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "base/err.h"

/* The PSK is bound to SHA-256 (its session uses TLS_AES_128_GCM_SHA256), and OpenSSL only uses
 * a PSK whose hash is that of the suite it picked; so that suite goes first on both sides. */
#define TLS_SUITES "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256"

static const unsigned char tls_alpn[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};

const char *
tls_ossl_reason(char *buf, size_t len)
{
    const char *data = NULL, *reason;
    unsigned long e;
    int flags = 0;

    e = ERR_get_error_all(NULL, NULL, NULL, &data, &flags);
    if (e == 0) {
        snprintf(buf, len, "no OpenSSL error reported");
        return buf;
    }
    reason = ERR_reason_error_string(e);
    if (reason == NULL)
        reason = "unknown error";
    if (data != NULL && (flags & ERR_TXT_STRING) && *data != '\0')
        snprintf(buf, len, "%s (%s)", reason, data);
    else
        snprintf(buf, len, "%s", reason);
    ERR_clear_error();
    return buf;
}

/* The server's choice: its first protocol that the client offers too. A client that offers ALPN
 * but none of them gets no_application_protocol (RFC 7301 3.2); one without ALPN gets none (the
 * HTTP layer then speaks HTTP/1.1). */
static int
tls_alpn_select(SSL *ssl, const unsigned char **out, unsigned char *outlen, const unsigned char *in,
                unsigned int inlen, void *arg)
{
    struct tls_conn *c = tls_conn_get(ssl);
    const unsigned char *accept = c != NULL && c->alpn != NULL ? c->alpn : tls_alpn;
    size_t accept_len = c != NULL && c->alpn != NULL ? c->alpn_len : sizeof(tls_alpn);

    (void)arg;
    if (SSL_select_next_proto((unsigned char **)out, outlen, accept, (unsigned int)accept_len, in,
                              inlen) != OPENSSL_NPN_NEGOTIATED)
        return SSL_TLSEXT_ERR_ALERT_FATAL;
    return SSL_TLSEXT_ERR_OK;
}

int
tls_ssl_set_alpn(SSL *ssl, const unsigned char *wire, size_t len, char *err)
{
    struct tls_conn *c = tls_conn_get(ssl);
    char why[160];

    if (c == NULL || len == 0 || len > 255)
        return edge_err(err, "cannot set ALPN on this connection");
    if (c->ctx->server) {
        c->alpn = wire;
        c->alpn_len = len;
        return 0;
    }
    if (SSL_set_alpn_protos(ssl, wire, (unsigned int)len) != 0)
        return edge_err(err, "cannot set ALPN: %s", tls_ossl_reason(why, sizeof(why)));
    return 0;
}

const char *
tls_ssl_alpn(SSL *ssl, char *buf, size_t len)
{
    const unsigned char *p = NULL;
    unsigned int n = 0;

    SSL_get0_alpn_selected(ssl, &p, &n);
    snprintf(buf, len, "%.*s", p != NULL ? (int)n : 0, p != NULL ? (const char *)p : "");
    return buf;
}

/* Name the file that could not be opened, with errno, before OpenSSL's less direct wording. */
static int
tls_check_readable(const char *what, const char *path, char *err)
{
    FILE *f = fopen(path, "r");

    if (f == NULL)
        return edge_err(err, "cannot read %s %s: %s", what, path, strerror(errno));
    fclose(f);
    return 0;
}

static int
tls_load_files(struct tls_ctx *ctx, const struct tls_config *cfg, char *err)
{
    char why[160];

    if (cfg->ca_file != NULL) {
        if (tls_check_readable("CA file", cfg->ca_file, err) < 0)
            return -1;
        if (SSL_CTX_load_verify_locations(ctx->ssl_ctx, cfg->ca_file, NULL) != 1)
            return edge_err(err, "cannot load CA file %s: %s", cfg->ca_file,
                            tls_ossl_reason(why, sizeof(why)));
    }
    if ((cfg->cert_file == NULL) != (cfg->key_file == NULL))
        return edge_err(err,
                        "a certificate needs its key and a key its certificate (cert %s, "
                        "key %s)",
                        cfg->cert_file ? cfg->cert_file : "none",
                        cfg->key_file ? cfg->key_file : "none");
    if (cfg->cert_file == NULL)
        return 0;
    if (tls_check_readable("certificate file", cfg->cert_file, err) < 0 ||
        tls_check_readable("key file", cfg->key_file, err) < 0)
        return -1;
    if (SSL_CTX_use_certificate_chain_file(ctx->ssl_ctx, cfg->cert_file) != 1)
        return edge_err(err, "cannot load certificate file %s: %s", cfg->cert_file,
                        tls_ossl_reason(why, sizeof(why)));
    if (SSL_CTX_use_PrivateKey_file(ctx->ssl_ctx, cfg->key_file, SSL_FILETYPE_PEM) != 1) {
        if (ERR_GET_REASON(ERR_peek_last_error()) == X509_R_KEY_VALUES_MISMATCH) {
            ERR_clear_error();
            return edge_err(err, "key file %s does not match certificate file %s", cfg->key_file,
                            cfg->cert_file);
        }
        return edge_err(err, "cannot load key file %s: %s", cfg->key_file,
                        tls_ossl_reason(why, sizeof(why)));
    }
    if (SSL_CTX_check_private_key(ctx->ssl_ctx) != 1)
        return edge_err(err, "key file %s does not match certificate file %s: %s", cfg->key_file,
                        cfg->cert_file, tls_ossl_reason(why, sizeof(why)));
    /* The chain this side sends (RFC 8446 4.4.2), built once here: without a chain of its own
     * OpenSSL built it again from the trust store on every handshake, verifying the CA's signature
     * over our own certificate each time. The root, the trust anchor every peer of a scenario is
     * configured with, is left out (4.4.2 lets it be omitted): each peer parsed it on every
     * handshake, its public key decoded through OpenSSL's provider decoders. A chain that cannot
     * be completed is sent as far as it goes, as before. */
    SSL_CTX_build_cert_chain(ctx->ssl_ctx, SSL_BUILD_CHAIN_FLAG_NO_ROOT |
                                               SSL_BUILD_CHAIN_FLAG_IGNORE_ERROR |
                                               SSL_BUILD_CHAIN_FLAG_CLEAR_ERROR);
    ERR_clear_error();
    return 0;
}

/* A client has a certificate or a PSK, or says that it has neither (server_cert_only). */
static int
tls_client_credential(const struct tls_ctx *ctx, const struct tls_config *cfg, char *err)
{
    int has = cfg->cert_file != NULL || ctx->psk_key_len > 0 || ctx->psk_client != NULL;

    if (cfg->server_cert_only && has)
        return edge_err(err, "a TLS client with the server certificate only has no certificate "
                             "and no PSK");
    if (!cfg->server_cert_only && !has)
        return edge_err(err, "a TLS client needs a certificate or a PSK");
    return 0;
}

static struct tls_ctx *
tls_ctx_new(const struct tls_config *cfg, int server, char *err)
{
    struct tls_ctx *ctx = NULL;
    char why[160];
    int mode;

    if ((ctx = calloc(1, sizeof(*ctx))) == NULL) {
        edge_err(err, "out of memory");
        goto fail;
    }
    ctx->server = server;
    ctx->keylog_fd = -1;
    ctx->ssl_ctx = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());
    if (ctx->ssl_ctx == NULL) {
        edge_err(err, "cannot create TLS context: %s", tls_ossl_reason(why, sizeof(why)));
        goto fail;
    }
    SSL_CTX_set_app_data(ctx->ssl_ctx, ctx);
    if (tls_conn_init(ctx->ssl_ctx) < 0) {
        edge_err(err, "cannot initialise OpenSSL connection data");
        goto fail;
    }
    if (!SSL_CTX_set_min_proto_version(ctx->ssl_ctx, TLS1_3_VERSION) ||
        !SSL_CTX_set_max_proto_version(ctx->ssl_ctx, TLS1_3_VERSION) ||
        !SSL_CTX_set_ciphersuites(ctx->ssl_ctx, TLS_SUITES)) {
        edge_err(err, "cannot restrict TLS context to TLS 1.3: %s",
                 tls_ossl_reason(why, sizeof(why)));
        goto fail;
    }
    SSL_CTX_set_verify_depth(ctx->ssl_ctx, cfg->verify_depth > 0 ? cfg->verify_depth : 4);
    SSL_CTX_set_session_cache_mode(ctx->ssl_ctx, SSL_SESS_CACHE_OFF);
    if (tls_load_files(ctx, cfg, err) < 0)
        goto fail;
    if (server) {
        if (cfg->cert_file == NULL) {
            edge_err(err, "a TLS server needs a certificate and key");
            goto fail;
        }
        SSL_CTX_set_num_tickets(ctx->ssl_ctx, 0);
        /* OpenSSL treats an external PSK as a resumed session, and refuses to resume under
         * SSL_VERIFY_PEER without a session id context. */
        SSL_CTX_set_session_id_context(ctx->ssl_ctx, (const unsigned char *)"edgesim", 7);
        SSL_CTX_set_options(ctx->ssl_ctx, SSL_OP_NO_TICKET | SSL_OP_CIPHER_SERVER_PREFERENCE);
        SSL_CTX_set_alpn_select_cb(ctx->ssl_ctx, tls_alpn_select, NULL);
        /* TS 33.558 6.2: the server authenticates the EEC by its certificate (or PSK); only
         * where configured it also serves a client without either (the NOTE of 6.2 and 6.3). */
        mode = SSL_VERIFY_PEER | (cfg->server_cert_only ? 0 : SSL_VERIFY_FAIL_IF_NO_PEER_CERT);
    } else {
        if (SSL_CTX_set_alpn_protos(ctx->ssl_ctx, tls_alpn, sizeof(tls_alpn)) != 0) {
            edge_err(err, "cannot set ALPN: %s", tls_ossl_reason(why, sizeof(why)));
            goto fail;
        }
        if (cfg->peer_fqdn != NULL && (ctx->peer_fqdn = strdup(cfg->peer_fqdn)) == NULL) {
            edge_err(err, "out of memory");
            goto fail;
        }
        mode = SSL_VERIFY_PEER;
    }
    SSL_CTX_set_verify(ctx->ssl_ctx, mode, NULL);
    if (tls_verify_setup(ctx) < 0) {
        edge_err(err, "out of memory");
        goto fail;
    }
    if (tls_psk_setup(ctx, cfg, err) < 0)
        goto fail;
    if (!server && tls_client_credential(ctx, cfg, err) < 0)
        goto fail;
    if (tls_keylog_open(ctx, cfg->keylog_path, err) < 0)
        goto fail;
    return ctx;
fail:
    tls_ctx_free(ctx);
    return NULL;
}

struct tls_ctx *
tls_server_new(const struct tls_config *cfg, char *err)
{
    return tls_ctx_new(cfg, 1, err);
}

struct tls_ctx *
tls_client_new(const struct tls_config *cfg, char *err)
{
    return tls_ctx_new(cfg, 0, err);
}

void
tls_ctx_free(struct tls_ctx *ctx)
{
    if (ctx == NULL)
        return;
    SSL_CTX_free(ctx->ssl_ctx);
    tls_verify_free(ctx);
    tls_keylog_close(ctx);
    free(ctx->peer_fqdn);
    OPENSSL_cleanse(ctx->psk_key, sizeof(ctx->psk_key));
    free(ctx);
}

int
tls_ctx_is_server(const struct tls_ctx *ctx)
{
    return ctx->server;
}

int
tls_ctx_psk_async(const struct tls_ctx *ctx)
{
    return ctx->server && ctx->psk_async;
}

SSL *
tls_ssl_new(struct tls_ctx *ctx, const char *peer_fqdn, char *err)
{
    struct tls_conn *c = NULL;
    SSL *ssl = NULL;
    char why[160];

    if ((ssl = SSL_new(ctx->ssl_ctx)) == NULL) {
        edge_err(err, "cannot create TLS connection: %s", tls_ossl_reason(why, sizeof(why)));
        goto fail;
    }
    if ((c = tls_conn_attach(ssl, ctx)) == NULL) {
        edge_err(err, "cannot attach TLS connection data");
        goto fail;
    }
    if (ctx->server)
        return ssl;
    if (peer_fqdn == NULL)
        peer_fqdn = ctx->peer_fqdn;
    if (peer_fqdn == NULL || *peer_fqdn == '\0') {
        edge_err(err, "TLS client connection without an expected server FQDN");
        goto fail;
    }
    if (strlen(peer_fqdn) >= sizeof(c->peer_fqdn)) {
        edge_err(err, "server FQDN too long: %.64s...", peer_fqdn);
        goto fail;
    }
    snprintf(c->peer_fqdn, sizeof(c->peer_fqdn), "%s", peer_fqdn);
    /* RFC 6125 6.4: the reference identity is the FQDN we meant to reach; SNI carries it too
     * (RFC 6066 3). Wildcards stay whole-label only. */
    SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    if (!SSL_set1_host(ssl, peer_fqdn) || !SSL_set_tlsext_host_name(ssl, peer_fqdn)) {
        edge_err(err, "cannot set expected server name %s: %s", peer_fqdn,
                 tls_ossl_reason(why, sizeof(why)));
        goto fail;
    }
    return ssl;
fail:
    SSL_free(ssl);
    return NULL;
}
