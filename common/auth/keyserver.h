/* keyserver.h -- the one rule of edge-aanf and edge-bsf for who may have a key: the AF / NAF
 * that asks, authenticated by its certificate, asks for its own AF_ID / NAF_Id and is one the key
 * server serves.
 *
 * TS 33.535 6.3: the AAnF checks that it can provide the service to the AF (its local policy) and
 * derives K_AF for that AF's AF_ID. TS 33.220 4.5.3 / 4.4.4: the BSF checks that the NAF is
 * authorized and gives Ks_NAF for the NAF_Id the NAF used with the UE. edgesim binds both to the
 * TLS identity of the mutual-TLS caller: an ECS may not fetch an EES's key, or the EEC's key for
 * the EES would no longer be the EES's alone. */
#ifndef EDGE_KEYSERVER_H
#define EDGE_KEYSERVER_H

#include <jansson.h>

#include "net/peer.h"

enum keyserver_verdict {
    KEYSERVER_OK = 0,
    KEYSERVER_NOT_CERT,   /* the caller has no certificate naming an FQDN */
    KEYSERVER_MISMATCH,   /* it asks for another AF's / NAF's identity than its own */
    KEYSERVER_NOT_SERVED, /* not one of the AFs / NAFs this key server serves */
};

/* served: a JSON array of FQDNs, or NULL (every authenticated AF / NAF). why gets a sentence
 * naming the caller and the identity asked for. */
enum keyserver_verdict keyserver_authorize(const struct edge_peer *peer, const char *asked,
                                           const json_t *served, char *why, size_t len);

#endif
