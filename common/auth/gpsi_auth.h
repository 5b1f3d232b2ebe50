/* gpsi_auth.h -- the one rule for "the ECS/EES shall also authenticate the GPSI"
 * (TS 33.558 6.2 and 6.3).
 *
 * A GPSI sent by an EEC (ueId) counts as authenticated only when the TLS
 * handshake's credential binds it: the EEC certificate's SAN URI
 * urn:edgesim:gpsi:<gpsi>, or in PSK mode the GPSI the key server gave with
 * the key (the AAnF's AkmaAfKeyData.gpsi for an A-KID, TS 33.535 6.3; the
 * BSF's USS for a B-TID, TS 33.220 4.5.3; keyfetch.h); and the operator must
 * know it. Both the
 * ECS (service provisioning) and the EES (EEC registration) call this one
 * function, so the rule and its causes live in one place. */
#ifndef EDGE_GPSI_AUTH_H
#define EDGE_GPSI_AUTH_H

#include "net/peer.h"
#include "auth/subscribers.h"

enum gpsi_verdict {
    GPSI_OK = 0,       /* none sent, or sent and bound to the credential and known */
    GPSI_NOT_BOUND,    /* the credential binds no GPSI, or another one */
    GPSI_UNKNOWN,      /* bound, but not a GPSI of the operator's subscribers */
    GPSI_EEC_MISMATCH, /* the credential's EEC ID is not the eecId of the request */
};

/* Check the request's eecId and optional GPSI against the authenticated peer.
 * subs may be NULL (then "unknown" cannot be judged and is not refused). */
enum gpsi_verdict gpsi_authenticate(const struct edge_peer *peer, const char *eec_id,
                                    const char *gpsi, const struct subscribers *subs);
/* The ProblemDetails cause (stable, UPPER_SNAKE) and a sentence for a verdict. */
const char *gpsi_verdict_cause(enum gpsi_verdict v);
const char *gpsi_verdict_text(enum gpsi_verdict v);

#endif
