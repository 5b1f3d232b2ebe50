/* tls.h -- TLS 1.3 contexts for edgesim nodes: mutual X.509 or external PSK, peer identity, key
 * log.
 *
 * Authentication in edgesim is the TLS handshake (TS 33.558 6.2 and 6.3): either mutual X.509
 * against the scenario CA, or TLS 1.3 external PSK (RFC 8446 2.2) standing in for AKMA, where the
 * identity is the A-KID and the key K_AF (TS 33.535 6.3), or the B-TID and Ks_NAF (TS 33.222
 * 5.4.0.2), the server getting the key from a key server (AAnF, BSF) while the handshake waits.
 * One struct tls_ctx wraps one SSL_CTX;
 * a server context can accept certificate clients and PSK clients at the same time. After the
 * handshake tls_peer_get() says who the peer is, as the credential proves it. */
#ifndef EDGE_TLS_H
#define EDGE_TLS_H

#include <stddef.h>

#include <event2/event.h>
#include <openssl/ssl.h>

#include "net/peer.h"

#define TLS_PSK_MAX 64 /* bytes of an external PSK; K_AF is 32 */

/* What a server knows about a PSK identity: the key and the identities its key server binds to it
 * (the AAnF tells the AF the GPSI of an A-KID, TS 33.535 6.3; the BSF the NAF the user's public
 * identities of a B-TID, TS 33.220 4.5.3). */
struct tls_psk_binding {
    unsigned char key[TLS_PSK_MAX];
    size_t key_len;
    char eec_id[EDGE_ID_MAX]; /* "" if none bound */
    char gpsi[EDGE_GPSI_MAX]; /* "" if none bound */
};

/* Server side: resolve a PSK identity. Return 1 and fill out when known, 0 when the identity is
 * unknown (the handshake then falls back to certificates), -1 on an internal error. */
typedef int (*tls_psk_lookup_fn)(void *arg, const char *identity, struct tls_psk_binding *out);

/* Server side, asynchronous: the key of a PSK identity is another node's to give (an AKMA AF asks
 * its AAnF, TS 33.535 6.3; a GBA NAF its BSF, TS 33.220 4.5.3). The ClientHello is read first
 * (tls_accept_start), the identity it offers is resolved, and the handshake goes on once the answer
 * is in; the PSK is then taken from that answer, never from a second lookup. */
enum tls_psk_outcome {
    TLS_PSK_DECLINED = 0, /* not an identity this server resolves: the PSK is declined (RFC 8446
                           * 4.2.11) and the certificate rules decide */
    TLS_PSK_FOUND,        /* binding holds the key and the identities the key server binds */
    TLS_PSK_REFUSED,      /* the key server refused it, or could not be asked: the handshake fails
                           * with alert */
    TLS_PSK_PENDING,      /* asked: the answer comes through tls_psk_ready_fn */
};

struct tls_psk_answer {
    enum tls_psk_outcome outcome;
    struct tls_psk_binding binding; /* TLS_PSK_FOUND */
    int alert;                      /* TLS_PSK_REFUSED: the RFC 8446 6.2 alert sent */
    char cause[48];                 /* TLS_PSK_REFUSED: a stable word (AKID_UNKNOWN, ...) */
    char detail[160];               /* TLS_PSK_REFUSED: a sentence, for the log */
};

typedef void (*tls_psk_ready_fn)(void *ready_arg, const struct tls_psk_answer *a);

struct tls_psk_source {
    /* Resolve identity for the handshake of connection conn (tls_ssl_conn; for log lines).
     * Returns the outcome; unless TLS_PSK_PENDING a is filled now. On TLS_PSK_PENDING, ready(
     * ready_arg, answer) is called once, later, from the event loop (never from inside resolve),
     * unless cancel(arg, *wait) is called first. */
    enum tls_psk_outcome (*resolve)(void *arg, const char *identity, long conn,
                                    struct tls_psk_answer *a, tls_psk_ready_fn ready,
                                    void *ready_arg, void **wait);
    void (*cancel)(void *arg, void *wait);
    void *arg;
};

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
    /* Server PSK from a key server (copied; takes precedence over psk_lookup): every connection
     * then starts with tls_accept_start. */
    const struct tls_psk_source *psk_source;
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
/* Peer chains this context has checked in full (X509_verify_cert), and those it let pass as the
 * very chain that passed before (tls_verify.c). */
void tls_ctx_verify_counts(const struct tls_ctx *ctx, long *checked, long *remembered);
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

/* Does a server connection of ctx need tls_accept_start for its handshake (a psk_source)? */
int tls_ctx_psk_async(const struct tls_ctx *ctx);

/* Server with a psk_source: run the handshake of ssl on fd (the SSL reads and writes the socket
 * itself), the PSK identity of the ClientHello resolved through the psk_source while it waits;
 * then done(arg, 1): TLS is up, hand ssl and fd to a bufferevent_openssl in the OPEN state. done(
 * arg, 0): the connection is over (the peer closed, or TLS refused it: the observer has said why).
 * done is called from the event loop, once, unless tls_accept_free comes first (freeing the SSL
 * then cancels a key fetch still in flight). NULL with err on failure. */
struct tls_accept;
struct tls_accept *tls_accept_start(struct event_base *base, SSL *ssl, int fd,
                                    void (*done)(void *arg, int ok), void *arg, char *err);
void tls_accept_free(struct tls_accept *h);

/* Parse hex (even length, at most max bytes) into out. */
int tls_hex_decode(const char *hex, unsigned char *out, size_t max, size_t *len, char *err);

#endif
