/* ees_access.c -- who may use this EES on EDGE-1 (TS 33.558 6.3): the EEC is authenticated by
 * the TLS handshake, its eecId and GPSI must be the ones the credential binds (gpsi_auth.h), and
 * it is authorized either with the access token its ECS issued for this EES (token-based) or by
 * the EES's local authorization policy, as this EES is configured. On EDGE-3 an EAS is
 * authenticated by its certificate (SAN urn:edgesim:eas:<id>) and authorized by the local policy
 * (TS 33.558 EDGE-3; edgesim builds no CAPIF tokens).
 *
 * An EEC without a client credential (TLS with the server certificate only, the NOTE of TS 33.558
 * 6.3) reaches only the APIs tls.serverCertOnlyApis opens, of those this EES offers (ees_sco_apis:
 * EAS discovery, which needs no identity: its answer depends on the filter and the location).
 * Its eecId is only its word, so neither a token (bound to an authenticated client) nor the local
 * policy (by EEC ID and GPSI) can authorize it; a GPSI it sends is never authenticated. */
#include "ees.h"
#include "auth/gpsi_auth.h"
#include "net/problem.h"

#include <string.h>

const char *const ees_sco_apis[] = {EES_SCOPE_EASDISC, NULL};

/* An EEC without a credential at an API open to it: served as unauthenticated. */
static int
ees_access_anonymous(struct ees *e, const char *eec_id, const char *scope)
{
    json_t *data;

    if (strcmp(scope, EES_SCOPE_EASDISC) != 0)
        return 0;
    data = json_pack("{s:s, s:s, s:s}", "eecId", eec_id, "authorization", "none", "scope", scope);
    node_log(&e->n, "access", eec_id, NULL, data,
             "EEC %s (not authenticated: no client credential) served %s, which needs no identity",
             eec_id, scope);
    json_decref(data);
    return 1;
}

void
ees_access_eec(struct ees *e, struct http_req *req, const char *eec_id, const char *ue_id,
               const char *scope, ees_bearer_cb cb, void *arg)
{
    const struct edge_peer *peer = http_req_peer(req);
    /* The operator knows the GPSIs of its subscriber table (as the ECS judges them). */
    enum gpsi_verdict gv = gpsi_authenticate(peer, eec_id, ue_id, e->n.subs);
    struct ees_bearer_want w = {.profile = TOKEN_PROFILE_EEC, .scope = scope, .gpsi = ue_id};
    json_t *data;

    /* A token is bound to an authenticated client (RFC 8705 3): one presented without a
     * credential is judged, and refused (token.client_mismatch), not ignored. */
    if (gv == GPSI_EEC_UNAUTHENTICATED && http_req_header(req, "Authorization") != NULL) {
        ees_bearer_check(e, req, &w, cb, arg);
        return;
    }
    if (gv == GPSI_EEC_UNAUTHENTICATED && ees_access_anonymous(e, eec_id, scope)) {
        cb(e, req, 1, NULL, arg);
        return;
    }
    if (gv != GPSI_OK) {
        data = json_pack("{s:s?, s:s?, s:s?}", "eecId", eec_id, "ueId", ue_id, "tlsEecId",
                         peer->eec_id[0] != '\0' ? peer->eec_id : NULL);
        node_log(&e->n, "access", tls_peer_name(peer), gpsi_verdict_cause(gv), data,
                 "EEC refused: %s", gpsi_verdict_text(gv));
        json_decref(data);
        http_reply_problem(req, 403, gpsi_verdict_cause(gv), "%s", gpsi_verdict_text(gv));
        cb(e, NULL, 0, NULL, arg);
        return;
    }
    if (ees_uses_token(e)) {
        ees_bearer_check(e, req, &w, cb, arg);
        return;
    }
    data = json_pack("{s:s, s:s?, s:s}", "eecId", eec_id, "ueId", ue_id, "authorization", "local");
    if (!ees_policy_allows(e, eec_id, ue_id)) {
        node_log(&e->n, "access", eec_id, ees_refusals[EES_R_EEC_NOT_AUTHORIZED].cause, data,
                 "EEC %s refused by the local authorization policy", eec_id);
        json_decref(data);
        ees_refuse(req, EES_R_EEC_NOT_AUTHORIZED,
                   "EEC %s is not allowed by this EES's local authorization policy", eec_id);
        cb(e, NULL, 0, NULL, arg);
        return;
    }
    node_log(&e->n, "access", eec_id, NULL, data, "EEC %s authorized by local policy for %s",
             eec_id, scope);
    json_decref(data);
    cb(e, req, 1, NULL, arg);
}

const char *
ees_access_eas(struct ees *e, struct http_req *req)
{
    const struct edge_peer *p = http_req_peer(req);
    json_t *data;

    if (p->mode != EDGE_PEER_CERT || p->eas_id[0] == '\0' || p->fqdn[0] == '\0') {
        ees_refuse(req, EES_R_NOT_AN_EAS, NULL);
        return NULL;
    }
    data =
        json_pack("{s:s, s:s, s:s}", "easId", p->eas_id, "eas", p->fqdn, "authorization", "local");
    if (!ees_policy_allows_eas(e, p->eas_id)) {
        node_log(&e->n, "access", p->fqdn, ees_refusals[EES_R_EAS_NOT_AUTHORIZED].cause, data,
                 "EAS %s refused by the local authorization policy", p->eas_id);
        json_decref(data);
        ees_refuse(req, EES_R_EAS_NOT_AUTHORIZED,
                   "EAS %s is not allowed by this EES's local authorization policy", p->eas_id);
        return NULL;
    }
    json_decref(data);
    return p->eas_id;
}
