/* tls_int.h -- state shared by the tls*.c files; not part of the public surface (see tls.h). */
#ifndef EDGE_TLS_INT_H
#define EDGE_TLS_INT_H

#include <stdio.h>

#include "net/tls.h"

struct tls_ctx {
    SSL_CTX *ssl_ctx;
    int server;
    char *peer_fqdn; /* client default expected server name */
    int keylog_fd;   /* -1: no key log */
    char *keylog_path;
    char keylog_buf[4096]; /* secret lines not yet written (tls_keylog.c) */
    size_t keylog_len;
    tls_psk_lookup_fn psk_lookup;
    void *psk_lookup_arg;
    tls_psk_client_fn psk_client;
    void *psk_client_arg;
    struct tls_psk_source psk_source; /* server: keys from a key server (psk_async) */
    int psk_async;
    char psk_identity[EDGE_ID_MAX]; /* fixed client PSK, when no callback */
    unsigned char psk_key[TLS_PSK_MAX];
    size_t psk_key_len;
    struct tls_verify_cache *verified; /* chains that passed (tls_verify.c) */
};

/* Per connection, in the SSL's ex_data; freed with the SSL. */
struct tls_conn {
    struct tls_ctx *ctx;
    long conn;
    char peer_fqdn[EDGE_FQDN_MAX]; /* client: the server name checked */
    int psk_offered;               /* client offered a PSK */
    int psk_found;                 /* server resolved the identity the client offered */
    char psk_identity[EDGE_ID_MAX];
    char psk_unknown[EDGE_ID_MAX]; /* server: an offered identity the lookup did not know */
    char psk_refused[256];         /* server: why the key server refused the identity */
    char eec_id[EDGE_ID_MAX];      /* server: bound to the PSK identity */
    char gpsi[EDGE_GPSI_MAX];
    /* server with a psk_source: the ClientHello's PSK identity and what became of it */
    int hello_state;             /* TLS_HELLO_* */
    void *hello_driver;          /* the struct tls_accept running the handshake, while it does */
    void *psk_wait;              /* the key fetch in flight (tls_psk_source.cancel) */
    char psk_asked[EDGE_ID_MAX]; /* the identity resolved */
    struct tls_psk_answer psk_answer;
    int hs_started;
    int hs_done;
    int hs_failed;
    int closed;        /* the peer's close was seen (TLS_CLOSED or TLS_CLOSED_BEFORE_HANDSHAKE) */
    char failure[256]; /* why, captured when the first fatal alert went either way */
    int sys_errno;
    const unsigned char *alpn; /* server: the protocols accepted (RFC 7301 wire format), or NULL */
    size_t alpn_len;
    tls_observer_fn obs;
    void *obs_arg;
};

enum {
    TLS_HELLO_NONE = 0, /* no ClientHello seen yet */
    TLS_HELLO_WAITING,  /* its identity is being resolved: the handshake waits */
    TLS_HELLO_RESOLVED, /* psk_answer holds the outcome: the handshake may go on */
};

/* Register the ex_data slot (once) and the info callback of ssl_ctx. */
int tls_conn_init(SSL_CTX *ssl_ctx);
/* Give ssl its state (freed with it); NULL when out of memory. */
struct tls_conn *tls_conn_attach(SSL *ssl, struct tls_ctx *ctx);
struct tls_conn *tls_conn_get(const SSL *ssl);
/* Drain OpenSSL's error queue into one phrase (the first error, the deepest cause). */
const char *tls_ossl_reason(char *buf, size_t len);

int tls_psk_setup(struct tls_ctx *ctx, const struct tls_config *cfg, char *err);
/* A key fetch of c is no longer wanted (its SSL is freed): cancel it. */
void tls_psk_forget(struct tls_conn *c);
/* tls_accept.c: the key server's answer came; let the handshake go on. */
void tls_hello_resolved(void *driver);
int tls_keylog_open(struct tls_ctx *ctx, const char *path, char *err);
/* Check peers' chains through the cache of tls_verify.c; -1 when out of memory. */
int tls_verify_setup(struct tls_ctx *ctx);
void tls_verify_free(struct tls_ctx *ctx);
void tls_keylog_close(struct tls_ctx *ctx);
/* Write the key-log lines that wait (a handshake completed or failed). */
void tls_keylog_flush(struct tls_ctx *ctx);

#endif
