/* keyfetch.h -- the AF / NAF side of AKMA and GBA: the key of a TLS PSK identity fetched from the
 * key server while the handshake waits (a tls_psk_source, tls.h), and cached until its expiry.
 *
 * An ECS or EES acting as AKMA AF (TS 33.535 6.3) asks its AAnF Naanf_AKMA_ApplicationKey_Get
 * with the A-KID and its own FQDN as AF_ID; acting as GBA NAF (TS 33.220 4.5.3, TS 33.222 5.4.0.2)
 * it asks the BSF the B-TID names (the domain after "@") BootstrappingInfoRetrieval with its
 * NAF_Id. Both over mutual TLS (keyapi.h). Which one: an identity that is a B-TID of the configured
 * BSF's domain is GBA's; any other A-KID-shaped identity is AKMA's when an AAnF is configured;
 * anything else is declined (the certificate rules decide).
 *
 * Handshakes offering one identity share one fetch. A key found is cached (keycache.h) until the
 * expiry the key server gave, a later handshake served from the cache with no fetch. A refusal
 * or a failed fetch ends the handshake with a TLS alert and a cause, and stores nothing:
 *   AKMA                 GBA                  alert                  when
 *   AKID_UNKNOWN         BTID_UNKNOWN         unknown_psk_identity   404 (204): no such context
 *   KAF_EXPIRED          KS_NAF_EXPIRED       unknown_psk_identity   its key's lifetime is over
 *   AF_NOT_AUTHORIZED    NAF_NOT_AUTHORIZED   access_denied          403: not served
 *   AANF_UNAVAILABLE     BSF_UNAVAILABLE      internal_error         no answer, or 5xx (503)
 *   AANF_TIMEOUT         BSF_TIMEOUT          internal_error         no answer in time (504)
 *   AANF_BAD_ANSWER      BSF_BAD_ANSWER       internal_error         an answer not per the API
 *
 * Event log (kind "psk", the handshake's connection number as conn, the identity as peer):
 *   dir "local" data.outcome "cached"    a handshake served from the cache
 *   dir "out"   data.outcome "fetching"  a fetch started for a handshake (data.server, data.path)
 *   dir "local" data.outcome "waiting"   a handshake joins a fetch already in flight
 *   dir "in"    data.outcome "found" / "refused": the fetch's answer, one line per handshake it
 *               served; status = the key server's HTTP status, or 503/504 when none came; cause
 *               as above; data.ms the fetch's round trip, data.expiry, data.gpsiBound
 *   dir "local" data.outcome "expired"   a cached key removed at its expiry (conn -1)
 * Every line has data.method ("akma"/"gba"), data.identity and data.server. */
#ifndef EDGE_KEYFETCH_H
#define EDGE_KEYFETCH_H

#include <event2/event.h>
#include <jansson.h>

#include "base/evlog.h"
#include "net/http_client.h"
#include "net/tls.h"

#define KEYFETCH_TIMEOUT_MS 3000
#define KEYFETCH_MAX_KEYS 4096

struct keyfetch_config {
    struct event_base *base;
    struct evlog *log;
    const char *self; /* own FQDN: the afId / nafFqdn asked for */
    const char *aanf; /* the AAnF's FQDN; NULL: no AKMA */
    const char *bsf;  /* the BSF's FQDN, also the domain of its B-TIDs; NULL: no GBA */
    int timeout_ms;   /* one fetch; 0: KEYFETCH_TIMEOUT_MS */
    /* Where a key server listens (the node's "hosts"). */
    int (*locate)(void *arg, const char *fqdn, char *addr, size_t len, unsigned short *port,
                  char *err);
    void *locate_arg;
};

struct keyfetch;

struct keyfetch *keyfetch_new(const struct keyfetch_config *cfg, char *err);
/* The HTTPS client the fetches go through (the node's: its certificate authenticates it). */
void keyfetch_set_client(struct keyfetch *kf, struct http_client *cl);
/* The tls_psk_source for the server's TLS context; lives as long as kf. */
const struct tls_psk_source *keyfetch_source(struct keyfetch *kf);
/* How a handshake offering identity got its key: "akma", "gba", or "" (no key server's). */
const char *keyfetch_method(const struct keyfetch *kf, const char *identity);
/* The keys held now, without the keys (keycache_list). */
json_t *keyfetch_keys(const struct keyfetch *kf);
/* Free after the HTTPS client (whose callbacks may still name a fetch) and server. */
void keyfetch_free(struct keyfetch *kf);

#endif
