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
#include "node/node_keysrv.h"

struct aanf_config {
    struct keysrv_config ks; /* afs: the AF FQDNs it serves; kafLifetime: a K_AF's at most */
};

struct aanf {
    struct node node;
    struct aanf_config cfg;
    long long started; /* when the AKMA contexts were registered (seconds since the epoch) */
};

/* Every refusal of edge-aanf (enum keysrv_refusal): its status, cause and sentence. */
extern const struct node_refusal aanf_refusals[KEYSRV_R_COUNT];

/* aanf_keyget.c: POST /naanf-akma/v1/retrieve-applicationkey. */
int aanf_keyget_setup(struct aanf *a, char *err);

#endif
