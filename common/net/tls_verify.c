/* tls_verify.c -- a peer's certificate chain is checked once per chain, not once per connection.
 *
 * On every handshake OpenSSL checks the chain the peer sends (RFC 8446 4.4.2.4; X509_verify_cert:
 * the path to the scenario CA, the CA's signature over each certificate, validity, purpose, and
 * on the client side the server's name, RFC 6125), and edgesim makes no session tickets: a peer
 * that connects again (an EEC, a node's next connection to a peer) cost the same ECDSA
 * verification each time, a fifth of a server's handshake. This file remembers the chains that
 * passed: the very same bytes, checked by the same context (its trust store is loaded once) for
 * the same expected server name, pass again without that work while the time of the check is
 * within the validity period of every certificate of the path that was built. Any other chain, and
 * every failure, goes through X509_verify_cert as before, with the same error. The rest of the
 * handshake is unchanged: the peer proves its key with CertificateVerify on every connection. */
#include "base/strmap.h"
#include "net/tls_int.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/x509.h>

#define TLS_VERIFY_SLOTS 256
#define TLS_VERIFY_KEY_MAX ((size_t)64 * 1024) /* longer chains are not remembered */

/* One chain that passed. key: what the check was asked besides the chain (the host flags and the
 * names the server must have, on the client side), then the DER of each certificate the peer sent,
 * in order. */
struct tls_verified {
    uint64_t hash;
    unsigned char *key;
    size_t key_len;
    time_t not_before, not_after; /* the latest start and the earliest end of the path's validity */
};

/* A fixed array of slots, one chain each, the slot picked by strmap_hash (FNV-1a) of the key and
 * the whole key compared before a chain counts as known. Not base/strmap itself: a chain that
 * passes takes its slot from whatever chain was there, so the cache stays at TLS_VERIFY_SLOTS
 * chains however many peers connect (a run of thousands of EECs, each with its own certificate),
 * where a strmap grows with each new key and would need an eviction policy on top; a chain that
 * lost its slot only costs one full check again. Its keys are binary and up to TLS_VERIFY_KEY_MAX
 * bytes, which a strmap would take only hex-encoded, twice the bytes to build and hash on every
 * handshake. */
struct tls_verify_cache {
    struct tls_verified slot[TLS_VERIFY_SLOTS];
    long checked, remembered;
};

/* The names the check of xs matches the leaf against, as "flags:name,name," into buf. */
static int
tls_verify_names(X509_STORE_CTX *xs, char *buf, size_t len)
{
    X509_VERIFY_PARAM *param = X509_STORE_CTX_get0_param(xs);
    const char *name;
    size_t off;

    off = (size_t)snprintf(buf, len, "%u:", X509_VERIFY_PARAM_get_hostflags(param));
    for (int i = 0; (name = X509_VERIFY_PARAM_get0_host(param, i)) != NULL; i++) {
        if (off + strlen(name) + 2 > len)
            return -1;
        off += (size_t)snprintf(buf + off, len - off, "%s,", name);
    }
    return 0;
}

/* The key of the chain xs is asked about; NULL when it cannot be made. */
static unsigned char *
tls_verify_key(X509_STORE_CTX *xs, size_t *len)
{
    STACK_OF(X509) *more = X509_STORE_CTX_get0_untrusted(xs);
    X509 *leaf = X509_STORE_CTX_get0_cert(xs);
    int n = more != NULL ? sk_X509_num(more) : 0, l;
    char names[2 * EDGE_FQDN_MAX];
    size_t total;
    unsigned char *key, *p;

    if (leaf == NULL || tls_verify_names(xs, names, sizeof(names)) < 0)
        return NULL;
    total = strlen(names) + 1;
    for (int i = -1; i < n; i++) {
        if ((l = i2d_X509(i < 0 ? leaf : sk_X509_value(more, i), NULL)) <= 0)
            return NULL;
        total += (size_t)l;
    }
    if (total > TLS_VERIFY_KEY_MAX || (key = malloc(total)) == NULL)
        return NULL;
    memcpy(key, names, strlen(names) + 1);
    p = key + strlen(names) + 1;
    for (int i = -1; i < n; i++)
        i2d_X509(i < 0 ? leaf : sk_X509_value(more, i), &p);
    *len = total;
    return key;
}

/* The window in which every certificate of the verified path is valid. */
static int
tls_verify_window(X509_STORE_CTX *xs, time_t *from, time_t *to)
{
    STACK_OF(X509) *chain = X509_STORE_CTX_get0_chain(xs);
    struct tm tm;

    *from = 0;
    *to = (time_t)INT64_MAX;
    for (int i = 0; chain != NULL && i < sk_X509_num(chain); i++) {
        X509 *x = sk_X509_value(chain, i);
        time_t nb, na;
        if (!ASN1_TIME_to_tm(X509_get0_notBefore(x), &tm) || (nb = timegm(&tm)) == (time_t)-1 ||
            !ASN1_TIME_to_tm(X509_get0_notAfter(x), &tm) || (na = timegm(&tm)) == (time_t)-1)
            return -1;
        *from = nb > *from ? nb : *from;
        *to = na < *to ? na : *to;
    }
    return chain != NULL ? 0 : -1;
}

static int
tls_verify_cb(X509_STORE_CTX *xs, void *arg)
{
    struct tls_ctx *ctx = arg;
    struct tls_verify_cache *vc = ctx->verified;
    size_t len = 0;
    unsigned char *key = vc != NULL ? tls_verify_key(xs, &len) : NULL;
    uint64_t h = key != NULL ? strmap_hash(key, len) : 0;
    struct tls_verified *e = key != NULL ? &vc->slot[h % TLS_VERIFY_SLOTS] : NULL;
    X509_VERIFY_PARAM *param = X509_STORE_CTX_get0_param(xs);
    time_t from, to, now;
    int rc;

    /* The time the check is made for: now, or the one a caller set (X509_VERIFY_PARAM_set_time). */
    now = (X509_VERIFY_PARAM_get_flags(param) & X509_V_FLAG_USE_CHECK_TIME)
              ? X509_VERIFY_PARAM_get_time(param)
              : time(NULL);

    if (e != NULL && e->key != NULL && e->hash == h && e->key_len == len &&
        memcmp(e->key, key, len) == 0 && now >= e->not_before && now <= e->not_after) {
        free(key);
        vc->remembered++;
        X509_STORE_CTX_set_error(xs, X509_V_OK);
        return 1;
    }
    if (vc != NULL)
        vc->checked++;
    rc = X509_verify_cert(xs);
    if (rc == 1 && e != NULL && tls_verify_window(xs, &from, &to) == 0) {
        free(e->key);
        *e = (struct tls_verified){h, key, len, from, to};
        key = NULL;
    }
    free(key);
    return rc;
}

int
tls_verify_setup(struct tls_ctx *ctx)
{
    if ((ctx->verified = calloc(1, sizeof(*ctx->verified))) == NULL)
        return -1;
    SSL_CTX_set_cert_verify_callback(ctx->ssl_ctx, tls_verify_cb, ctx);
    return 0;
}

void
tls_verify_free(struct tls_ctx *ctx)
{
    if (ctx->verified == NULL)
        return;
    for (size_t i = 0; i < TLS_VERIFY_SLOTS; i++)
        free(ctx->verified->slot[i].key);
    free(ctx->verified);
    ctx->verified = NULL;
}

void
tls_ctx_verify_counts(const struct tls_ctx *ctx, long *checked, long *remembered)
{
    *checked = ctx->verified != NULL ? ctx->verified->checked : 0;
    *remembered = ctx->verified != NULL ? ctx->verified->remembered : 0;
}
