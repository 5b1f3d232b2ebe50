/* tls_conn.c -- per-connection TLS state: handshake progress, why it failed, who observes it.
 *
 * OpenSSL reports a handshake through an info callback; this file keeps, in the SSL's ex_data,
 * what the rest of edgesim asks afterwards: did the handshake start, finish, fail and why (the
 * first fatal alert, RFC 8446 6.2), or did the peer merely close, which errno a socket operation
 * met, and the PSK identity and bound ids of tls_psk.c. */
#include "net/tls_int.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

static int tls_conn_idx = -1;
static CRYPTO_ONCE tls_once = CRYPTO_ONCE_STATIC_INIT;

static void
tls_conn_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl, void *argp)
{
    (void)parent, (void)ad, (void)idx, (void)argl, (void)argp;
    if (ptr == NULL)
        return;
    tls_psk_forget(ptr); /* a key fetch for a connection that is gone */
    OPENSSL_clear_free(ptr, sizeof(struct tls_conn));
}

static void
tls_init_once(void)
{
    tls_conn_idx = SSL_get_ex_new_index(0, NULL, NULL, NULL, tls_conn_free);
}

struct tls_conn *
tls_conn_get(const SSL *ssl)
{
    if (tls_conn_idx < 0)
        return NULL;
    return SSL_get_ex_data(ssl, tls_conn_idx);
}

static void
tls_notify(SSL *ssl, struct tls_conn *c, enum tls_event ev, const char *reason)
{
    if (c->obs != NULL)
        c->obs(ssl, ev, reason, c->obs_arg);
}

/* Bytes the peer has sent on this connection so far (the socket BIO counts them). */
static uint64_t
tls_bytes_in(const SSL *ssl)
{
    BIO *rbio = SSL_get_rbio(ssl);

    return rbio != NULL ? BIO_number_read(rbio) : 0;
}

/* A peer that closes refuses nothing: it sends close_notify (RFC 8446 6.1), or just closes, and
 * OpenSSL then raises "unexpected eof while reading" and sends a fatal alert of its own. After the
 * handshake that ends the connection (an HTTP client dropping an idle kept-alive connection);
 * before it, on a server that has not received a byte, the connection never began. Returns 1 when
 * the alert was such a close. An EOF in the middle of a handshake stays a failure. */
static int
tls_note_close(SSL *ssl, struct tls_conn *c, int where, int ret)
{
    unsigned long e;

    if (c->hs_failed)
        return 0;
    if (c->closed)
        return 1; /* whatever follows a close fails nothing */
    if ((where & SSL_CB_READ) && (ret & 0xff) == SSL_AD_CLOSE_NOTIFY) {
        if (!c->hs_done)
            return 0;
        c->closed = 1;
        tls_notify(ssl, c, TLS_CLOSED, "close_notify");
        return 1;
    }
    if (!(where & SSL_CB_WRITE) || (ret >> 8) != SSL3_AL_FATAL)
        return 0;
    e = ERR_peek_last_error();
    if (ERR_GET_LIB(e) != ERR_LIB_SSL || ERR_GET_REASON(e) != SSL_R_UNEXPECTED_EOF_WHILE_READING)
        return 0;
    if (c->hs_done) {
        c->closed = 1;
        tls_notify(ssl, c, TLS_CLOSED, "without close_notify");
        return 1;
    }
    if (c->ctx->server && tls_bytes_in(ssl) == 0) {
        c->closed = 1;
        tls_notify(ssl, c, TLS_CLOSED_BEFORE_HANDSHAKE, NULL);
        return 1;
    }
    return 0;
}

/* The alert's name in the words OpenSSL uses for every other alert ("access denied"): OpenSSL 3.0
 * names the alerts added by TLS 1.3 (RFC 8446 6.2) and ALPN (RFC 7301 3.2) "unknown". */
static const char *
tls_alert_name(int ret)
{
    switch (ret & 0xff) {
    case 109:
        return "missing extension";
    case 115:
        return "unknown PSK identity";
    case 116:
        return "certificate required"; /* the server wants a client credential */
    case 120:
        return "no application protocol";
    default:
        return SSL_alert_desc_string_long(ret);
    }
}

/* Record the first fatal alert (RFC 8446 6.2) and why. In TLS 1.3 a client has finished its
 * handshake before the server has checked the client's certificate, so the server's refusal
 * reaches the client after "done": it is recorded all the same and ends the connection's
 * authentication (tls_peer_get refuses it). */
static void
tls_note_alert(const SSL *ssl, struct tls_conn *c, int where, int ret)
{
    char why[96];
    unsigned long e;
    long vr;

    if ((ret >> 8) != SSL3_AL_FATAL || c->hs_failed)
        return;
    c->hs_failed = 1;
    if (where & SSL_CB_READ) {
        snprintf(c->failure, sizeof(c->failure), "peer sent alert %s", tls_alert_name(ret));
        return;
    }
    vr = SSL_get_verify_result(ssl);
    if (vr != X509_V_OK) {
        snprintf(c->failure, sizeof(c->failure), "certificate verify failed: %s",
                 X509_verify_cert_error_string(vr));
        return;
    }
    e = ERR_peek_last_error();
    snprintf(why, sizeof(why), "%s",
             e != 0 && ERR_reason_error_string(e) != NULL ? ERR_reason_error_string(e)
                                                          : tls_alert_name(ret));
    if (c->psk_refused[0] != '\0')
        snprintf(c->failure, sizeof(c->failure), "%s", c->psk_refused);
    else if (c->psk_unknown[0] != '\0')
        snprintf(c->failure, sizeof(c->failure), "%s (PSK identity \"%.60s\" unknown)", why,
                 c->psk_unknown);
    else
        snprintf(c->failure, sizeof(c->failure), "%s", why);
}

/* HTTP messages leave in pieces (header, then body): with Nagle's algorithm and delayed ACKs
 * each exchange would wait some 40 ms, which would distort every latency a scenario measures. */
static void
tls_nodelay(SSL *ssl)
{
    int fd = SSL_get_fd(ssl), one = 1;

    if (fd >= 0)
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

static void
tls_info_cb(const SSL *cssl, int where, int ret)
{
    SSL *ssl = (SSL *)cssl; /* OpenSSL hands a const SSL to a callback that observes it */
    struct tls_conn *c = tls_conn_get(ssl);
    int saved = errno;

    if (c == NULL)
        return;
    if ((where & SSL_CB_HANDSHAKE_START) && !c->hs_started) {
        c->hs_started = 1;
        tls_nodelay(ssl);
    }
    if ((where & SSL_CB_EXIT) && ret < 0 && saved != 0 && saved != EAGAIN && saved != EWOULDBLOCK &&
        saved != EINPROGRESS && !c->hs_done)
        c->sys_errno = saved;
    if ((where & SSL_CB_ALERT) && !tls_note_close(ssl, c, where, ret)) {
        int was_failed = c->hs_failed;

        tls_note_alert(ssl, c, where, ret);
        if (!was_failed && c->hs_failed) {
            tls_keylog_flush(c->ctx);
            tls_notify(ssl, c, TLS_HANDSHAKE_FAILED, c->failure);
        }
    }
    if ((where & SSL_CB_HANDSHAKE_DONE) && !c->hs_done && !c->hs_failed) {
        c->hs_done = 1;
        tls_keylog_flush(c->ctx);
        tls_notify(ssl, c, TLS_HANDSHAKE_DONE, NULL);
    }
    errno = saved;
}

int
tls_conn_init(SSL_CTX *ssl_ctx)
{
    if (!CRYPTO_THREAD_run_once(&tls_once, tls_init_once) || tls_conn_idx < 0)
        return -1;
    SSL_CTX_set_info_callback(ssl_ctx, tls_info_cb);
    return 0;
}

struct tls_conn *
tls_conn_attach(SSL *ssl, struct tls_ctx *ctx)
{
    struct tls_conn *c = OPENSSL_zalloc(sizeof(*c));

    if (c == NULL)
        return NULL;
    c->ctx = ctx;
    c->conn = -1;
    if (!SSL_set_ex_data(ssl, tls_conn_idx, c)) {
        OPENSSL_free(c);
        return NULL;
    }
    return c;
}

void
tls_ssl_observe(SSL *ssl, tls_observer_fn fn, void *arg)
{
    struct tls_conn *c = tls_conn_get(ssl);

    if (c == NULL)
        return;
    c->obs = fn;
    c->obs_arg = arg;
}

void
tls_ssl_set_conn(SSL *ssl, long conn)
{
    struct tls_conn *c = tls_conn_get(ssl);

    if (c != NULL)
        c->conn = conn;
}

long
tls_ssl_conn(SSL *ssl)
{
    struct tls_conn *c = tls_conn_get(ssl);

    return c != NULL ? c->conn : -1;
}

int
tls_ssl_handshake_started(SSL *ssl)
{
    struct tls_conn *c = tls_conn_get(ssl);

    return c != NULL && c->hs_started;
}

int
tls_ssl_handshake_done(SSL *ssl)
{
    struct tls_conn *c = tls_conn_get(ssl);

    return c != NULL && c->hs_done;
}

int
tls_ssl_failed(SSL *ssl)
{
    struct tls_conn *c = tls_conn_get(ssl);

    return (c != NULL && c->hs_failed) || SSL_get_verify_result(ssl) != X509_V_OK;
}

int
tls_ssl_sys_errno(SSL *ssl)
{
    struct tls_conn *c = tls_conn_get(ssl);

    return c != NULL ? c->sys_errno : 0;
}

const char *
tls_ssl_failure(SSL *ssl, unsigned long ossl_err, char *buf, size_t len)
{
    struct tls_conn *c = tls_conn_get(ssl);
    const char *reason;
    long vr = SSL_get_verify_result(ssl);

    if (c != NULL && c->failure[0] != '\0')
        snprintf(buf, len, "%s", c->failure);
    else if (vr != X509_V_OK)
        snprintf(buf, len, "certificate verify failed: %s", X509_verify_cert_error_string(vr));
    /* bufferevent_openssl queues SSL_get_error() codes (small numbers) among ERR codes. */
    else if (ossl_err > 0xff && (reason = ERR_reason_error_string(ossl_err)) != NULL)
        snprintf(buf, len, "%s", reason);
    else if (c != NULL && c->sys_errno != 0)
        snprintf(buf, len, "%s", strerror(c->sys_errno));
    else
        snprintf(buf, len, "connection closed during the handshake");
    return buf;
}
