/* keycache.h -- the K_AF / Ks_NAF an AF or NAF got from its key server, kept until the expiry the
 * key server gave (TS 33.535 6.3: "K_AF expiration time"; TS 33.220 4.5.3: the key lifetime of
 * the bootstrapping session), and not a second longer.
 *
 * One entry per PSK identity (A-KID or B-TID): the key, the identities the key server binds to it
 * (GPSI, EEC ID), which key server gave it and when it expires. A lookup never returns an expired
 * entry; a timer removes each entry (its key wiped) at its expiry and says so to the owner, so a
 * log shows when a key stopped being usable. Only what a key server gave goes in: a refusal or a
 * failed fetch stores nothing. */
#ifndef EDGE_KEYCACHE_H
#define EDGE_KEYCACHE_H

#include <event2/event.h>
#include <jansson.h>

#include "base/sizes.h"
#include "net/tls.h"

struct keycache_entry {
    char identity[EDGE_ID_MAX];
    char method[8];              /* "akma" or "gba" */
    char server[EDGE_FQDN_MAX];  /* the AAnF or BSF that gave it */
    struct tls_psk_binding bind; /* key, EEC ID, GPSI */
    long long expiry;            /* seconds since the epoch */
};

struct keycache;

/* expired(arg, e) is called for each entry as the timer removes it (before its key is wiped). */
struct keycache *keycache_new(struct event_base *base, size_t max_entries,
                              void (*expired)(void *arg, const struct keycache_entry *e),
                              void *arg);
void keycache_free(struct keycache *kc);
/* Store (or replace) e. -1 when e has already expired or the cache is full. */
int keycache_put(struct keycache *kc, const struct keycache_entry *e, long long now);
/* The entry of identity, or NULL when there is none or it has expired (then it is removed). */
const struct keycache_entry *keycache_get(struct keycache *kc, const char *identity, long long now);
size_t keycache_count(const struct keycache *kc);
/* [{identity, method, server, expiry (DateTime), gpsi, eecId}] -- never the keys. */
json_t *keycache_list(const struct keycache *kc);

#endif
