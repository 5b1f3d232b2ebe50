/* gpsi_auth.c -- authenticates the EEC ID and GPSI of a request against the TLS credential
 * (TS 33.558 6.2: "the ECS shall also authenticate the GPSI"; 6.3 likewise for the EES). */
#include "auth/gpsi_auth.h"

#include <string.h>

enum gpsi_verdict
gpsi_authenticate(const struct edge_peer *peer, const char *eec_id, const char *gpsi,
                  const struct subscribers *subs)
{
    /* TS 33.558 6.2/6.3 NOTE: with the server certificate only, no credential binds anything. */
    if (peer->mode == EDGE_PEER_NONE)
        return gpsi != NULL ? GPSI_NO_CREDENTIAL : GPSI_EEC_UNAUTHENTICATED;
    /* TS 33.558 6.2: the EEC is authenticated by the handshake; its eecId must be
     * the one the credential carries, or an EEC could speak for another. */
    if (eec_id != NULL && strcmp(peer->eec_id, eec_id) != 0)
        return GPSI_EEC_MISMATCH;
    if (gpsi == NULL)
        return GPSI_OK;
    if (peer->gpsi[0] == '\0' || strcmp(peer->gpsi, gpsi) != 0)
        return GPSI_NOT_BOUND;
    if (subs != NULL && subscribers_find_gpsi(subs, gpsi) == NULL)
        return GPSI_UNKNOWN;
    return GPSI_OK;
}

const char *
gpsi_verdict_cause(enum gpsi_verdict v)
{
    switch (v) {
    case GPSI_OK:
        return NULL;
    case GPSI_NOT_BOUND:
        return "GPSI_NOT_AUTHENTICATED";
    case GPSI_UNKNOWN:
        return "GPSI_UNKNOWN";
    case GPSI_EEC_MISMATCH:
        return "EEC_ID_MISMATCH";
    case GPSI_NO_CREDENTIAL:
        return "GPSI_NOT_AUTHENTICATED";
    case GPSI_EEC_UNAUTHENTICATED:
        return GPSI_CAUSE_NO_CREDENTIAL;
    }
    return "GPSI_NOT_AUTHENTICATED";
}

const char *
gpsi_verdict_text(enum gpsi_verdict v)
{
    switch (v) {
    case GPSI_OK:
        return "GPSI authenticated";
    case GPSI_NOT_BOUND:
        return "the GPSI sent is not bound to the credential of the TLS handshake";
    case GPSI_UNKNOWN:
        return "the GPSI is not known to the operator's subscriber data";
    case GPSI_EEC_MISMATCH:
        return "the eecId sent is not the EEC ID the TLS credential carries";
    case GPSI_NO_CREDENTIAL:
        return "the client presented no credential (TLS with the server certificate only): a GPSI "
               "sent over such a connection is never authenticated";
    case GPSI_EEC_UNAUTHENTICATED:
        return "the client presented no credential (TLS with the server certificate only): its "
               "eecId is not authenticated";
    }
    return "GPSI not authenticated";
}
