/* tls.h -- TLS 1.3 contexts for edgesim nodes: mutual X.509 or external PSK, peer identity, key
 * log.
 *
 * Authentication in edgesim is the TLS handshake (TS 33.558 6.2 and 6.3): either mutual X.509
 * against the scenario CA, or TLS 1.3 external PSK (RFC 8446 2.2) standing in for AKMA, where the
 * identity is the A-KID and the key K_AF (TS 33.535 6.3). One struct tls_ctx wraps one SSL_CTX;
 * a server context can accept certificate clients and PSK clients at the same time. After the
 * handshake tls_peer_get() says who the peer is, as the credential proves it. */
#ifndef EDGE_TLS_H
#define EDGE_TLS_H

#include <stddef.h>

#include <openssl/ssl.h>

#include "net/peer.h"

#define TLS_PSK_MAX 64 /* bytes of an external PSK; K_AF is 32 */

/* What a server knows about a PSK identity: the key and the identities the subscriber table binds
 * to it (the AAnF tells the AF the GPSI of an A-KID, TS 33.535 6.3). */
struct tls_psk_binding {
    unsigned char key[TLS_PSK_MAX];
    size_t key_len;
    char eec_id[EDGE_ID_MAX]; /* "" if none bound */
    char gpsi[EDGE_GPSI_MAX]; /* "" if none bound */
};

/* Server side: resolve a PSK identity. Return 1 and fill out when known, 0 when the identity is
 * unknown (the handshake then falls back to certificates), -1 on an internal error. */
typedef int (*tls_psk_lookup_fn)(void *arg, const char *identity, struct tls_psk_binding *out);

/* Client side: the PSK to offer to a given server (K_AF depends on the server's FQDN). Return 1
 * and fill identity (NUL-terminated) and key when there is one, 0 to offer none. */
typedef int (*tls_psk_client_fn)(void *arg, const char *server_fqdn, char identity[EDGE_ID_MAX],
                                 unsigned char key[TLS_PSK_MAX], size_t *key_len);

struct tls_config {
    const char *ca_file;   /* scenario CA (PEM); trust anchor for peer certificates */
    const char *cert_file; /* own certificate (PEM); required for a server */
    const char *key_file;  /* own private key (PEM) */
    /* Client PSK: a fixed identity and key, or a callback per server (takes precedence). */
    const char *psk_identity;
    const unsigned char *psk_key;
    size_t psk_key_len;
    tls_psk_client_fn psk_client;
    void *psk_client_arg;
    /* Server PSK: identity -> key and bound identities; NULL: certificate clients only. */
    tls_psk_lookup_fn psk_lookup;
    void *psk_lookup_arg;
    const char *keylog_path; /* NSS key log; NULL: $SSLKEYLOGFILE; neither: no key log */
    const char *peer_fqdn;   /* client: expected server FQDN when tls_ssl_new() gives none */
    int verify_depth;        /* 0: 4 */
    /* TLS with the server certificate only (TS 33.558 6.2 and 6.3, NOTE). Server: also accept a
     * client that presents neither a certificate nor a PSK (tls_peer_get() then says
     * EDGE_PEER_NONE); a certificate that is presented must still verify. Client: this client
     * has no credential and authenticates the server only (no cert_file, no PSK). */
    int server_cert_only;
};

enum tls_event {
    TLS_HANDSHAKE_DONE,
    TLS_HANDSHAKE_FAILED,
    /* Server: the peer closed before sending a single TLS byte (no ClientHello): a connection
     * that never began (a port probe, a client that gave up), not a failed handshake. */
    TLS_CLOSED_BEFORE_HANDSHAKE,
    /* The peer closed after the handshake: reason "close_notify", or "without close_notify" (an
     * EOF; HTTP framing already delimits every message, so nothing was cut short). */
    TLS_CLOSED,
};

/* Called from inside OpenSSL on a handshake outcome or a close; reason is NULL on success, why
 * it failed, or how the peer closed. */
typedef void (*tls_observer_fn)(SSL *ssl, enum tls_event ev, const char *reason, void *arg);

struct tls_ctx;

struct tls_ctx *tls_server_new(const struct tls_config *cfg, char *err);
struct tls_ctx *tls_client_new(const struct tls_config *cfg, char *err);
void tls_ctx_free(struct tls_ctx *ctx);
int tls_ctx_is_server(const struct tls_ctx *ctx);
/* Path of the key log this context appends to, or NULL. */
const char *tls_ctx_keylog_path(const struct tls_ctx *ctx);

/* A connection object for ctx. Client: peer_fqdn (or the config's) is the name checked against
 * the server certificate (RFC 6125) and sent as SNI; it is required. Server: peer_fqdn NULL. */
SSL *tls_ssl_new(struct tls_ctx *ctx, const char *peer_fqdn, char *err);
/* ALPN (RFC 7301), a list in wire format (length-prefixed names) that must outlive ssl. Client:
 * the protocols offered, by preference. Server: those accepted, by preference; a client offering
 * none of them fails the handshake. Without a call: "http/1.1" on both sides. */
int tls_ssl_set_alpn(SSL *ssl, const unsigned char *wire, size_t len, char *err);
/* The protocol ALPN selected on ssl, into buf; "" when none. Returns buf. */
const char *tls_ssl_alpn(SSL *ssl, char *buf, size_t len);
/* Have fn called when this connection's handshake completes or fails. */
void tls_ssl_observe(SSL *ssl, tls_observer_fn fn, void *arg);
/* A number the owner gives the connection (for log lines); -1 if never set. */
void tls_ssl_set_conn(SSL *ssl, long conn);
long tls_ssl_conn(SSL *ssl);
int tls_ssl_handshake_started(SSL *ssl);
int tls_ssl_handshake_done(SSL *ssl);
/* Did TLS itself refuse (a fatal alert either way, or a certificate that did not verify)? */
int tls_ssl_failed(SSL *ssl);
/* Why the handshake of ssl failed, as one phrase ("certificate verify failed: ...", "peer sent
 * alert decrypt error", ...). ossl_err: an error code the caller popped (e.g. from
 * bufferevent_get_openssl_error), or 0. Returns buf. */
const char *tls_ssl_failure(SSL *ssl, unsigned long ossl_err, char *buf, size_t len);
/* errno of the last failed socket operation seen during the handshake, or 0. */
int tls_ssl_sys_errno(SSL *ssl);

/* Who the peer is, after a completed handshake. Certificate: SAN dNSName (client side: the name
 * that matched), SAN URIs urn:edgesim:eec:<id> and urn:edgesim:gpsi:<gpsi>. PSK: the identity and
 * what the server's lookup bound to it (client side: the server FQDN the PSK was derived for).
 * A peer that did not authenticate gets mode EDGE_PEER_NONE. -1 on a malformed certificate. */
int tls_peer_get(SSL *ssl, struct edge_peer *peer, char *err);
/* The name to show for a peer in logs (FQDN, else EEC ID, else PSK identity), or NULL. */
const char *tls_peer_name(const struct edge_peer *peer);

/* Parse hex (even length, at most max bytes) into out. */
int tls_hex_decode(const char *hex, unsigned char *out, size_t max, size_t *len, char *err);

#endif
