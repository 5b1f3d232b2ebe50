/* ees_cntxreloc.c -- EDGE-9 Eees_EECContextRelocation at this EES (TS 29.558, TS 23.558 8.9.2.3
 * push, 8.9.2.2 pull): an S-EES pushes an EEC context here (stored, the EEC implicitly registered,
 * 200 EECContextPushRes.implReg), a T-EES pulls one from here (200 EECContext). Both only with a
 * bearer token issued by a trusted ECS for this EES to the calling EES (TR 33.739 6.27:
 * aud = this EES, client_id = sub = the TLS peer), or, when this EES authorizes by local policy
 * (TS 33.558 6.2), with its policy's consent; and only for the EES the peer is. */
#include "ees.h"
#include "edgeapp/edgeapp_paths.h"
#include "base/err.h"
#include "net/problem.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The calling EES: a peer whose credential names an FQDN, or a 403 reply and NULL. */
static const char *
cr_peer(struct http_req *req)
{
    const struct edge_peer *p = http_req_peer(req);

    if (!edge_peer_is_enabler(p)) {
        ees_refuse(req, EES_R_NOT_AN_EES,
                   "EDGE-9 needs an EES authenticated by a certificate naming its FQDN");
        return NULL;
    }
    return p->fqdn;
}

/* Who may call EDGE-9 here, as this EES authorizes its callers (TS 33.558 6.2: the ECS knows
 * the method per EES, token-based or local): the bearer token its ECS (or a partner ECS) issued
 * for this EES to the calling EES, or its local policy (policy.allowEeses), no token then. */
static void
cr_authorize(struct ees *e, struct http_req *req, ees_bearer_cb cb)
{
    struct ees_bearer_want w = {.profile = TOKEN_PROFILE_EES, .scope = EES_SCOPE_EDGE9};
    const char *peer = http_req_peer(req)->fqdn;
    json_t *data;

    if (ees_uses_token(e)) {
        ees_bearer_check(e, req, &w, cb, NULL);
        return;
    }
    data = json_pack("{s:s, s:s}", "ees", peer, "authorization", "local");
    if (!ees_policy_allows_ees(e, peer)) {
        node_log(&e->n, "access", peer, ees_refusals[EES_R_EES_NOT_AUTHORIZED].cause, data,
                 "EES %s refused by the local authorization policy", peer);
        json_decref(data);
        ees_refuse(req, EES_R_EES_NOT_AUTHORIZED,
                   "EES %s is not allowed by this EES's local authorization policy", peer);
        return;
    }
    node_log(&e->n, "access", peer, NULL, data, "EES %s authorized by local policy for %s", peer,
             EES_SCOPE_EDGE9);
    json_decref(data);
    cb(e, req, 1, NULL, NULL);
}

/* TR 33.739 6.27: a token may be bound to one EEC (eec_id claim); then only that EEC's context. */
static int
cr_eec_bound(struct http_req *req, const json_t *claims, const char *eec_id)
{
    const char *bound = json_string_value(json_object_get(claims, "eec_id"));

    if (bound == NULL || strcmp(bound, eec_id) == 0)
        return 0;
    ees_refuse(req, EES_R_EEC_ID_MISMATCH,
               "the token is for the context of EEC %.64s, not of EEC %.64s", bound, eec_id);
    return -1;
}

/* ---- push: POST /eec-contexts ---- */

static void
push_authorized(struct ees *e, struct http_req *req, int ok, const json_t *claims, void *arg)
{
    const char *peer, *ees_id;
    json_t *body = NULL, *cntx;
    struct ees_ctx *c;

    (void)arg;
    if (!ok || e->closing)
        return;
    peer = http_req_peer(req)->fqdn;
    if ((body = node_req_body(req, edgeapp_eec_context_push)) == NULL)
        return;
    cntx = json_object_get(body, "eecCntx");
    ees_id = json_string_value(json_object_get(body, "eesId"));
    if (strcasecmp(ees_id, peer) != 0) {
        ees_refuse(req, EES_R_EES_ID_MISMATCH,
                   "eesId %.64s is not %s, the EES of the TLS certificate", ees_id, peer);
        goto done;
    }
    if (cr_eec_bound(req, claims, json_string_value(json_object_get(cntx, "eecId"))) < 0)
        goto done;
    /* TS 23.558 8.9.1.1 step 4: the T-EES may register the EEC implicitly; the EEC learns regId
     * from ACRInfoNotification.eecCtxtReloc.implReg. */
    if ((c = ees_store_implicit(e, cntx, peer, "push")) == NULL) {
        ees_refuse(req, EES_R_CTX_FULL, "this EES holds %lld EEC contexts already",
                   e->cfg.max_contexts);
        goto done;
    }
    http_reply_json(req, 200, ees_store_impl_reg(e, c));
done:
    json_decref(body);
}

static void
cr_push(struct http_req *req, void *arg)
{
    struct ees *e = arg;

    if (cr_peer(req) == NULL)
        return;
    cr_authorize(e, req, push_authorized);
}

/* ---- pull: GET /eec-contexts?ees-id=..&eec-cntx-id=.. ---- */

static void
pull_authorized(struct ees *e, struct http_req *req, int ok, const json_t *claims, void *arg)
{
    const char *peer, *ees_id, *cntx_id;
    struct ees_ctx *c;
    char why[EDGE_ERR_LEN];
    json_t *data;

    (void)arg;
    if (!ok || e->closing)
        return;
    peer = http_req_peer(req)->fqdn;
    ees_id = http_req_query(req, "ees-id");
    cntx_id = http_req_query(req, "eec-cntx-id");
    if (ees_id == NULL || cntx_id == NULL || js_valid_fqdn(ees_id, why) < 0 ||
        js_valid_id(cntx_id, why) < 0) {
        ees_refuse(req, EES_R_QUERY_INVALID,
                   "ees-id (an EES FQDN) and eec-cntx-id (a context ID) are required");
        return;
    }
    if (strcasecmp(ees_id, peer) != 0) {
        ees_refuse(req, EES_R_EES_ID_MISMATCH,
                   "ees-id %.64s is not %s, the EES of the TLS certificate", ees_id, peer);
        return;
    }
    if ((c = ees_store_by_cntx(e, cntx_id)) == NULL) {
        ees_refuse(req, EES_R_CONTEXT_NOT_FOUND, "no EEC context %s here", cntx_id);
        return;
    }
    if (cr_eec_bound(req, claims, c->eec_id) < 0)
        return;
    data = json_pack("{s:s, s:s, s:s}", "eecCntxId", c->cntx_id, "eecId", c->eec_id, "tEes", peer);
    node_log(&e->n, "registry", peer, NULL, data, "EEC context %s pulled by the T-EES %s",
             c->cntx_id, peer);
    json_decref(data);
    http_reply_json(req, 200, json_incref(c->cntx));
}

static void
cr_pull(struct http_req *req, void *arg)
{
    struct ees *e = arg;

    if (cr_peer(req) == NULL)
        return;
    cr_authorize(e, req, pull_authorized);
}

int
ees_cntxreloc_setup(struct ees *e, char *err)
{
    if (http_server_route(e->n.http, "POST", EDGEAPP_PATH_EECCONTEXTS, cr_push, e, err) < 0 ||
        http_server_route(e->n.http, "GET", EDGEAPP_PATH_EECCONTEXTS, cr_pull, e, err) < 0)
        return -1;
    return 0;
}
