/* peer.h -- who is on the other end of a TLS connection, as the handshake proved it.
 *
 * Filled by the TLS layer after the handshake and handed to every HTTP handler
 * and to the token validator. Only what the credential binds is here: a GPSI
 * counts as authenticated only when it comes from the certificate's SAN URI or,
 * in PSK mode, from what the key server (AAnF, BSF) binds to the PSK identity
 * (TS 33.558 6.2/6.3: "the ECS/EES shall also authenticate the GPSI"). An EAS certificate names
 * its host (dNSName) and its EAS ID (urn:edgesim:eas:<id>); an EEC's notification endpoint names
 * its host and its EEC ID: a peer that carries an EEC or EAS ID is never an ECS or EES, whatever
 * its dNSName (edge_peer_is_enabler). */
#ifndef EDGE_PEER_H
#define EDGE_PEER_H

#include "base/sizes.h"

enum edge_peer_mode {
    EDGE_PEER_NONE = 0, /* not authenticated: no client credential, the server certificate only
                         * (TS 33.558 6.2/6.3 NOTE), on a server configured to accept it */
    EDGE_PEER_CERT,     /* mutual X.509 against the scenario CA */
    EDGE_PEER_PSK,      /* TLS 1.3 external PSK (AKMA K_AF, GBA Ks_NAF) */
};

struct edge_peer {
    enum edge_peer_mode mode;
    char fqdn[EDGE_FQDN_MAX]; /* SAN dNSName (ECS, EES); "" if none */
    char eec_id[EDGE_ID_MAX]; /* SAN URI urn:edgesim:eec:<id>, or the PSK subscriber's EEC ID */
    char gpsi[EDGE_GPSI_MAX]; /* SAN URI urn:edgesim:gpsi:<gpsi>, or the PSK subscriber's GPSI */
    char psk_identity[EDGE_ID_MAX]; /* A-KID in PSK mode; "" otherwise */
    char eas_id[EDGE_ID_MAX];       /* SAN URI urn:edgesim:eas:<id>: an EAS (TS 33.558 EDGE-3) */
};

/* An ECS or EES: a certificate naming an FQDN and neither an EEC nor an EAS identity. */
static inline int
edge_peer_is_enabler(const struct edge_peer *p)
{
    return p->mode == EDGE_PEER_CERT && p->fqdn[0] != '\0' && p->eec_id[0] == '\0' &&
           p->eas_id[0] == '\0';
}

#endif
