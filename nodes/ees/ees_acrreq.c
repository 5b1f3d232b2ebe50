/* ees_acrreq.c -- the requests that start an ACR at this EES (TS 24.558 / TS 29.558
 * Eees_AppContextRelocation), each checked and then handed to the engine (ees_acr.c):
 *
 *   POST /initiate  AcrInitReq of an EEC (EDGE-1, TS 33.558 6.3 authorization, scope
 *                   eees-appctxtreloc): at its S-EES (the context is here), or at the T-EES
 *                   (eecCtxtReloc.sEesId names the S-EES that holds it: the T-EES pulls)
 *   POST /determine AcrDetermReq of an S-EAS (EDGE-3): the S-EES determines the T-EES and T-EAS
 *                   and executes the ACR (SOURCE_EES_EXECUTED)
 *   POST /declare   AcrDecReq of an S-EAS that chose the T-EAS and moved its context itself
 *                   (SelectedTargetEAS_Declare, SOURCE_EAS_DECIDED): the S-EES moves the EEC
 *                   context to the T-EES that serves that T-EAS
 *
 * An EAS's requests name the UE by its GPSI: the EEC context is the one of that UE here. */
#include "ees.h"
#include "edgeapp/edgeapp_paths.h"
#include "base/err.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void
acrreq_copy(char *dst, size_t len, const char *s)
{
    snprintf(dst, len, "%s", s != NULL ? s : "");
}

/* A T-EES named by the request: another EES's FQDN; else a 400 and -1. */
static int
acrreq_tees(struct ees_acr *op, const char *tees, const char *param)
{
    char why[EDGE_ERR_LEN];

    if (js_valid_fqdn(tees, why) < 0 || strcasecmp(tees, op->e->n.name) == 0) {
        node_refuse_param(op->req, &ees_refusals[EES_R_TEES_INCORRECT], param,
                          "not another EES's FQDN");
        return -1;
    }
    acrreq_copy(op->tees, sizeof(op->tees), tees);
    return 0;
}

/* ---- /initiate (EEC) ---- */

static void
initiate_authorized(struct ees *e, struct http_req *req, int ok, const json_t *claims, void *arg)
{
    struct ees_acr *op = arg;
    json_t *reloc = json_object_get(op->body, "eecCtxtReloc");
    const char *tees = json_string_value(json_object_get(reloc, "tEesId"));
    const char *sees = json_string_value(json_object_get(reloc, "sEesId"));
    struct ees_ctx *c = ees_store_by_cntx(e, op->cntx_id);
    char why[EDGE_ERR_LEN];

    (void)claims;
    if (!ok || e->closing) {
        ees_acr_free(op);
        return;
    }
    op->req = req;
    /* At the T-EES (TS 23.558 8.8.2.4): the context is with the S-EES the EEC names. */
    if (c == NULL && sees != NULL && strcasecmp(sees, e->n.name) != 0) {
        if (js_valid_fqdn(sees, why) < 0) {
            node_refuse_param(req, &ees_refusals[EES_R_TEES_INCORRECT], "eecCtxtReloc.sEesId",
                              "not another EES's FQDN");
            ees_acr_free(op);
            return;
        }
        op->v = &ees_acr_variants[EES_ACR_EEC_VIA_TEES];
        acrreq_copy(op->sees, sizeof(op->sees), sees);
        acrreq_copy(op->tees, sizeof(op->tees), e->n.name);
        op->t_eas = json_incref(json_object_get(op->body, "tEasEndpoint"));
        op->s_eas = json_incref(json_object_get(op->body, "sEasEndpoint"));
        ees_acr_run(op);
        return;
    }
    if (c == NULL) {
        ees_refuse(req, EES_R_CONTEXT_NOT_FOUND, "no EEC context %s here", op->cntx_id);
    } else if (strcmp(c->eec_id, op->eec_id) != 0) {
        ees_refuse(req, EES_R_NOT_OWNER, "EEC context %s belongs to another EEC", op->cntx_id);
    } else if (tees == NULL && op->eas_id[0] == '\0') {
        node_refuse_param(req, &ees_refusals[EES_R_TARGET_MISSING], "easId",
                          "missing required field");
    } else if (tees == NULL || acrreq_tees(op, tees, "eecCtxtReloc.tEesId") == 0) {
        op->t_eas = json_incref(json_object_get(op->body, "tEasEndpoint"));
        ees_acr_run(op);
        return;
    }
    ees_acr_free(op);
}

/* POST /initiate (AcrInitReq). */
static void
acrreq_initiate(struct http_req *req, void *arg)
{
    struct ees *e = arg;
    json_t *body = node_req_body(req, edgeapp_acr_init_req), *reloc;
    struct ees_acr *op;

    if (body == NULL)
        return;
    if ((reloc = json_object_get(body, "eecCtxtReloc")) == NULL) {
        node_refuse_param(req, &ees_refusals[EES_R_RELOC_MISSING], "eecCtxtReloc",
                          "missing required field");
        json_decref(body);
        return;
    }
    if ((op = ees_acr_new(e, req, EES_ACR_EEC_VIA_SEES, body)) == NULL)
        return;
    acrreq_copy(op->eec_id, sizeof(op->eec_id),
                json_string_value(json_object_get(body, "requestorId")));
    acrreq_copy(op->cntx_id, sizeof(op->cntx_id),
                json_string_value(json_object_get(reloc, "eecCtxtId")));
    acrreq_copy(op->eas_id, sizeof(op->eas_id), json_string_value(json_object_get(body, "easId")));
    acrreq_copy(op->ac_id, sizeof(op->ac_id), json_string_value(json_object_get(body, "acId")));
    acrreq_copy(op->ue_id, sizeof(op->ue_id), json_string_value(json_object_get(body, "ueId")));
    ees_access_eec(e, req, op->eec_id, op->ue_id[0] ? op->ue_id : NULL, EES_SCOPE_ACR,
                   initiate_authorized, op);
}

/* ---- /determine and /declare (S-EAS, EDGE-3) ---- */

/* The EEC context of the UE here (the EAS knows the UE, not its EEC); else a 404 and -1. */
static int
acrreq_ue(struct ees_acr *op, const char *ue_id)
{
    struct ees_ctx *c = ue_id != NULL ? ees_store_by_ue(op->e, ue_id) : NULL;

    if (c == NULL) {
        ees_refuse(op->req, EES_R_CONTEXT_NOT_FOUND, "no EEC context of UE %.64s here",
                   ue_id != NULL ? ue_id : "(none named)");
        return -1;
    }
    acrreq_copy(op->ue_id, sizeof(op->ue_id), ue_id);
    acrreq_copy(op->eec_id, sizeof(op->eec_id), c->eec_id);
    acrreq_copy(op->cntx_id, sizeof(op->cntx_id), c->cntx_id);
    return 0;
}

/* POST /determine (AcrDetermReq): the S-EAS asks the S-EES to determine and execute ACR. */
static void
acrreq_determine(struct http_req *req, void *arg)
{
    struct ees *e = arg;
    const char *eas_id = ees_access_eas(e, req), *named;
    json_t *body;
    struct ees_acr *op;

    if (eas_id == NULL || (body = node_req_body(req, edgeapp_acr_determ_req)) == NULL)
        return;
    named = json_string_value(json_object_get(body, "requestorId"));
    if (strcmp(named, eas_id) != 0) {
        ees_refuse(req, EES_R_EAS_ID_MISMATCH,
                   "requestorId %.64s is not %s, the EAS of the TLS certificate", named, eas_id);
        json_decref(body);
        return;
    }
    if ((op = ees_acr_new(e, req, EES_ACR_SEES_EXECUTED, body)) == NULL)
        return;
    acrreq_copy(op->eas_id, sizeof(op->eas_id), eas_id);
    acrreq_copy(op->ac_id, sizeof(op->ac_id), json_string_value(json_object_get(body, "acId")));
    op->s_eas = json_incref(json_object_get(body, "sEasEndpoint"));
    if (acrreq_ue(op, json_string_value(json_object_get(body, "ueId"))) < 0) {
        ees_acr_free(op);
        return;
    }
    ees_acr_run(op);
}

/* POST /declare (AcrDecReq): the S-EAS chose tEasId at tEasEndpoint and moved its context. The
 * T-EES is the one the S-EAS's T-EAS discovery found it at, else target discovery for it. */
static void
acrreq_declare(struct http_req *req, void *arg)
{
    struct ees *e = arg;
    const char *eas_id = ees_access_eas(e, req), *tees;
    json_t *body;
    struct ees_acr *op;

    if (eas_id == NULL || (body = node_req_body(req, edgeapp_acr_dec_req)) == NULL)
        return;
    if ((op = ees_acr_new(e, req, EES_ACR_SEAS_DECIDED, body)) == NULL)
        return;
    acrreq_copy(op->eas_id, sizeof(op->eas_id), json_string_value(json_object_get(body, "tEasId")));
    acrreq_copy(op->ac_id, sizeof(op->ac_id), json_string_value(json_object_get(body, "acId")));
    op->t_eas = json_incref(json_object_get(body, "tEasEndpoint"));
    tees = ees_teas_where(e, op->t_eas);
    if (acrreq_ue(op, json_string_value(json_object_get(body, "ueId"))) < 0 ||
        (tees != NULL && acrreq_tees(op, tees, "tEasEndpoint") < 0)) {
        ees_acr_free(op);
        return;
    }
    ees_acr_run(op);
}

int
ees_acrreq_setup(struct ees *e, char *err)
{
    struct http_server *s = e->n.http;

    if (http_server_route(s, "POST", EDGEAPP_PATH_ACR "/initiate", acrreq_initiate, e, err) < 0 ||
        http_server_route(s, "POST", EDGEAPP_PATH_ACR "/determine", acrreq_determine, e, err) < 0 ||
        http_server_route(s, "POST", EDGEAPP_PATH_ACR "/declare", acrreq_declare, e, err) < 0)
        return -1;
    return 0;
}
