/* aanf.h -- edge-aanf, the AKMA Anchor Function (TS 33.535 4.2, 6.3; TS 29.535): it holds the
 * subscribers' AKMA contexts (A-KID, K_AKMA, GPSI) and gives an AF its K_AF over
 * Naanf_AKMA_ApplicationKey_Get (keyapi.h), over mutual TLS.
 *
 * Its AKMA contexts are its config's "subscribers" table (subscribers.h): what the AUSF would
 * have registered with Naanf_AKMA_AnchorKey_Register after primary authentication (TS 33.535
 * 6.1), registered when the AAnF starts. */
#ifndef EDGE_AANF_H
#define EDGE_AANF_H

#include "node/node.h"

struct aanf_config {
    json_t *afs;            /* afs: the AF FQDNs it serves (NULL: every certified AF) */
    long long kaf_lifetime; /* kafLifetime: seconds a K_AF lives at most */
};

struct aanf {
    struct node node;
    struct aanf_config cfg;
    long long started; /* when the AKMA contexts were registered (seconds since the epoch) */
};

/* Every refusal of edge-aanf; aanf_refusals[] gives each its status, cause and sentence. */
enum aanf_refusal {
    AANF_R_AF_NOT_AUTHORIZED, /* 403: not certified, another AF's afId, or an AF not served */
    AANF_R_NOT_FOUND,         /* 404: no AKMA context for the A-KID */
    AANF_R_EXPIRED,           /* 404: its K_AKMA lifetime is over */
    AANF_R_INTERNAL,          /* 500 */
    AANF_R_COUNT
};
extern const struct node_refusal aanf_refusals[AANF_R_COUNT];

/* aanf_keyget.c: POST /naanf-akma/v1/retrieve-applicationkey. */
int aanf_keyget_setup(struct aanf *a, char *err);

#endif
