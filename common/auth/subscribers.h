/* subscribers.h -- the scenario's subscriber table, standing in for the AAnF (and UDM).
 *
 * In PSK mode the TLS server (ECS or EES, acting as an AKMA AF) learns from the
 * AAnF, for an A-KID, the key K_AF and the GPSI of the subscriber (TS 33.535
 * 6.3). edgesim's table holds per subscriber the A-KID, K_AKMA, the GPSI and
 * the EEC ID; K_AF is derived for the server's own FQDN (akma.h), never
 * configured. The table also says which GPSIs the operator knows at all, so a
 * server can refuse an unknown GPSI in certificate mode too.
 *
 * Config form (an array under "subscribers"):
 *   [{"akid":"atid-0001@rid1.akma.edge.test","kakma":"<64 hex>",
 *     "gpsi":"msisdn-491700000001","eecId":"eec-0001"}] */
#ifndef EDGE_SUBSCRIBERS_H
#define EDGE_SUBSCRIBERS_H

#include <jansson.h>
#include <stdint.h>

#include "auth/akma.h"
#include "base/json_strict.h"
#include "net/peer.h"
#include "net/tls.h"

struct subscriber {
    char akid[EDGE_ID_MAX];
    uint8_t kakma[AKMA_KEY_LEN];
    char gpsi[EDGE_GPSI_MAX];
    char eec_id[EDGE_ID_MAX];
};

struct subscribers;

/* The field table of one entry, for config tables (js_field.sub of the array). */
extern const struct js_field subscribers_entry_fields[];

/* Build the table from the (already js_decode-checked) JSON array; NULL array:
 * an empty table. server_fqdn: the FQDN K_AF is derived for (the AF_ID). */
struct subscribers *subscribers_new(const json_t *array, const char *server_fqdn, char *err);
void subscribers_free(struct subscribers *s);
size_t subscribers_count(const struct subscribers *s);

const struct subscriber *subscribers_find_akid(const struct subscribers *s, const char *akid);
const struct subscriber *subscribers_find_gpsi(const struct subscribers *s, const char *gpsi);

/* A tls_psk_lookup_fn (arg: struct subscribers *): K_AF for the A-KID and the
 * EEC ID / GPSI the AAnF binds to it. */
int subscribers_psk_lookup(void *arg, const char *identity, struct tls_psk_binding *out);

#endif
