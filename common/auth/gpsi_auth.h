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
 * function, so the rule and its causes live in one place. A client without a
 * credential (TLS with the server certificate only) has neither authenticated. */
#ifndef EDGE_GPSI_AUTH_H
#define EDGE_GPSI_AUTH_H

#include "net/peer.h"
#include "net/problem.h"
#include "auth/subscribers.h"

enum gpsi_verdict {
    GPSI_OK = 0,       /* none sent, or sent and bound to the credential and known */
    GPSI_NOT_BOUND,    /* the credential binds no GPSI, or another one */
    GPSI_UNKNOWN,      /* bound, but not a GPSI of the operator's subscribers */
    GPSI_EEC_MISMATCH, /* the credential's EEC ID is not the eecId of the request */
    /* TLS with the server certificate only (TS 33.558 6.2/6.3 NOTE): the client has no
     * credential, so nothing it says about itself is authenticated. */
    GPSI_NO_CREDENTIAL,       /* a GPSI sent: never authenticated (cause GPSI_NOT_AUTHENTICATED) */
    GPSI_EEC_UNAUTHENTICATED, /* no GPSI sent: the eecId is the client's word only (cause
                               * CLIENT_NOT_AUTHENTICATED); a node that serves such clients
                               * takes this verdict as "serve it as unauthenticated" */
};

/* The cause of a refusal because the client has no credential (TLS with the server certificate
 * only): the service needs an authenticated client (edgesim's cause, README "edgesim
 * extensions"). */
#define GPSI_CAUSE_NO_CREDENTIAL PROBLEM_CLIENT_NOT_AUTHENTICATED

/* Check the request's eecId and optional GPSI against the authenticated peer.
 * subs may be NULL (then "unknown" cannot be judged and is not refused). */
enum gpsi_verdict gpsi_authenticate(const struct edge_peer *peer, const char *eec_id,
                                    const char *gpsi, const struct subscribers *subs);
/* The ProblemDetails cause (stable, UPPER_SNAKE) and a sentence for a verdict. */
const char *gpsi_verdict_cause(enum gpsi_verdict v);
const char *gpsi_verdict_text(enum gpsi_verdict v);

#endif
