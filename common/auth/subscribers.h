/* subscribers.h -- the operator's subscriber data in a node's config: the AAnF's AKMA contexts
 * (A-KID, K_AKMA, GPSI, EEC ID), and at an ECS/EES which GPSIs the operator knows at all.
 *
 * edge-aanf holds K_AKMA per A-KID (TS 33.535 6.1: what the AUSF registers at the AAnF after
 * primary authentication) and derives K_AF from it for the AF that asks (nodes/aanf); it alone
 * reads akid and kakma. An ECS/EES reads only the GPSIs: GPSI authentication refuses a GPSI the
 * operator does not know (gpsi_auth.h). No server takes a PSK from this table: an AF gets K_AF
 * from the AAnF, a NAF Ks_NAF from the BSF (keyfetch.h).
 *
 * Config form (an array under "subscribers"):
 *   [{"akid":"atid-0001@rid1.akma.edge.test","kakma":"<64 hex>","kakmaLifetime":3600,
 *     "gpsi":"msisdn-491700000001","eecId":"eec-0001"}] */
#ifndef EDGE_SUBSCRIBERS_H
#define EDGE_SUBSCRIBERS_H

#include <jansson.h>
#include <stdint.h>

#include "auth/akma.h"
#include "base/json_strict.h"
#include "base/sizes.h"

struct subscriber {
    char akid[EDGE_ID_MAX]; /* "" when the entry has no AKMA context */
    uint8_t kakma[AKMA_KEY_LEN];
    int has_kakma;
    long long kakma_lifetime; /* seconds from the node's start; 0: no end */
    char gpsi[EDGE_GPSI_MAX];
    char eec_id[EDGE_ID_MAX];
};

struct subscribers;

/* The field table of one entry, for config tables (js_field.sub of the array). */
extern const struct js_field subscribers_entry_fields[];

/* Build the table from the (already js_decode-checked) JSON array; NULL array: an empty table. */
struct subscribers *subscribers_new(const json_t *array, char *err);
void subscribers_free(struct subscribers *s);
size_t subscribers_count(const struct subscribers *s);
const struct subscriber *subscribers_at(const struct subscribers *s, size_t i);

const struct subscriber *subscribers_find_akid(const struct subscribers *s, const char *akid);
const struct subscriber *subscribers_find_gpsi(const struct subscribers *s, const char *gpsi);

#endif
