/* ees_acr.c -- ACR initiated by the EEC at this EES, the S-EES (TS 24.558
 * Eees_AppContextRelocation POST /initiate, TS 23.558 8.8.2.3 / 8.9.2.3): find the T-EES
 * (eecCtxtReloc.tEesId, else target EES discovery at its ECS), get an EDGE-9 token for it from its
 * ECS (TR 33.739 6.27), push the EEC context there, and tell the EEC the outcome: an
 * ACRInfoNotification ACR_COMPLETE (acrRes, and eecCtxtReloc.implReg of the T-EES) to its ACR
 * events subscriptions (TS 24.558 Eees_ACREvents), and the answer 204 once the relocation is done.
 * A failure is notified (acrRes false) and answered with a ProblemDetails whose cause names the
 * failed step, with the upstream answer in "upstream" (edgesim extension). */
#include "ees.h"
#include "base/err.h"
#include "net/problem.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct acr_op {
    struct ees *e;
    struct http_req *req;
    json_t *body;
    json_t *tees_info; /* EESInfo of the T-EES (from discovery, or built) */
    json_t *push_res;  /* EECContextPushRes of the T-EES, or NULL */
    char tees[EDGE_FQDN_MAX];
    char cntx_id[EDGEAPP_ID_MAX];
    char eec_id[EDGE_ID_MAX];
};

static void
acr_free(struct acr_op *op)
{
    json_decref(op->body);
    json_decref(op->tees_info);
    json_decref(op->push_res);
    free(op);
}

/* How a failed step is answered (one table): no HTTP answer from the peer is 504
 * ACR_PEER_UNREACHABLE whatever the step; a 504 TARGET_NF_NOT_REACHABLE the peer answered (its
 * own peer did not answer: the T-EES's ECS, say) stays a 504 with that cause; an answer that
 * refused is 502 with the step's cause; no T-EES at all is 404. */
enum acr_failure {
    ACR_NOT_FOUND,   /* no T-EES serves the EAS */
    ACR_REFUSED,     /* the peer answered, and not as hoped */
    ACR_UNREACHABLE, /* no HTTP answer */
    ACR_CONTEXT_GONE /* the context went away meanwhile */
};

/* The refusal of a step the peer answered and refused (ees_refusals[] rows). */
static const struct {
    const char *step;
    enum ees_refusal refused;
} acr_steps[] = {
    {"target_discovery", EES_R_ACR_DISCOVERY_REFUSED},
    {"token", EES_R_ACR_TOKEN_REFUSED},
    {"push", EES_R_ACR_PUSH_REFUSED},
};

static void acr_notify(struct acr_op *op, int ok, const char *cause, const char *why);

static enum ees_refusal
acr_refusal(const struct ees_up *up, enum acr_failure f)
{
    switch (f) {
    case ACR_UNREACHABLE:
        return EES_R_ACR_UNREACHABLE;
    case ACR_NOT_FOUND:
        return EES_R_ACR_TARGET_NOT_FOUND;
    case ACR_CONTEXT_GONE:
        return EES_R_ACR_CONTEXT_GONE;
    case ACR_REFUSED:
        break;
    }
    if (up->status == 504 && up->cause != NULL &&
        strcmp(up->cause, ees_refusals[EES_R_ACR_NOT_REACHABLE].cause) == 0)
        return EES_R_ACR_NOT_REACHABLE;
    for (size_t i = 0; i < sizeof(acr_steps) / sizeof(acr_steps[0]); i++)
        if (strcmp(acr_steps[i].step, up->step) == 0)
            return acr_steps[i].refused;
    return EES_R_ACR_STEP_FAILED;
}

static void
acr_fail(struct acr_op *op, const struct ees_up *up, enum acr_failure f)
{
    struct ees *e = op->e;
    const struct node_refusal *r = &ees_refusals[acr_refusal(up, f)];
    const char *cause = r->cause, *what = up->step;
    json_t *pd, *upstream;

    /* What failed: the step (even when its peer did not answer), or why there was no step. */
    for (size_t i = 0; i < sizeof(acr_steps) / sizeof(acr_steps[0]); i++)
        if (strcmp(acr_steps[i].step, up->step) == 0)
            what = ees_refusals[acr_steps[i].refused].sentence;
    if (f == ACR_NOT_FOUND || f == ACR_CONTEXT_GONE)
        what = r->sentence;

    pd = node_refusal_problem(r, "ACR of context %s failed: %s (%s: %d %s)", op->cntx_id, what,
                              up->peer != NULL ? up->peer : "", up->status,
                              up->cause != NULL   ? up->cause
                              : up->error != NULL ? up->error
                                                  : "");
    upstream = json_pack("{s:s, s:s?, s:i, s:s?, s:s?}", "step", up->step, "peer", up->peer,
                         "status", up->status, "cause", up->cause, "error", up->error);
    if (pd != NULL && upstream != NULL)
        json_object_set(pd, "upstream", upstream);
    node_log(&e->n, "acr", op->eec_id, cause, upstream, "ACR of context %s failed: %s", op->cntx_id,
             what);
    json_decref(upstream);
    acr_notify(op, 0, cause, what);
    if (pd == NULL)
        ees_refuse(op->req, EES_R_INTERNAL, "out of memory");
    else
        http_reply_problem_json(op->req, pd);
}

/* ACRInfoNotification ACR_COMPLETE (TS 24.558 Eees_ACREvents) to the EEC's ACR events
 * subscriptions for the EAS: the T-EES, the T-EAS endpoint, acrRes, and on success
 * eecCtxtReloc.implReg of the T-EES. */
static void
acr_notify(struct acr_op *op, int ok, const char *cause, const char *why)
{
    const char *eas_id = json_string_value(json_object_get(op->body, "easId"));
    json_t *note, *impl = json_object_get(op->push_res, "implReg");
    char reason[EDGE_ERR_LEN];
    int n;

    note = json_pack("{s:s, s:s, s:s, s:{s:b, s:O}}", "subId", "", "easId",
                     eas_id != NULL ? eas_id : "", "eventId", "ACR_COMPLETE", "acrStatus", "acrRes",
                     ok, "tEasEndpoint", json_object_get(op->body, "tEasEndpoint"));
    if (note == NULL)
        return;
    if (op->tees_info != NULL)
        json_object_set_new(
            note, "trgtInfo",
            json_pack("{s:{s:{}, s:[O]}}", "trgetEESInfo", "ednConInfo", "eess", op->tees_info));
    if (json_object_get(op->body, "acId") != NULL)
        json_object_set(note, "acId", json_object_get(op->body, "acId"));
    if (ok && impl != NULL)
        json_object_set_new(note, "eecCtxtReloc", json_pack("{s:O}", "implReg", impl));
    if (!ok) {
        snprintf(reason, sizeof(reason), "%s: %s", cause, why);
        json_object_set_new(json_object_get(note, "acrStatus"), "failReason", json_string(reason));
    }
    n = ees_notify_acr(op->e, op->eec_id, eas_id, note);
    if (n == 0)
        node_log(&op->e->n, "acr", op->eec_id, NULL, NULL,
                 "EEC %s has no ACR events subscription for %s: the outcome is not notified",
                 op->eec_id, eas_id != NULL ? eas_id : "the EAS");
    json_decref(note);
}

static void
acr_complete(struct acr_op *op, const json_t *push_res)
{
    struct ees *e = op->e;
    json_t *impl = json_object_get(push_res, "implReg"), *data;

    op->push_res = json_incref((json_t *)push_res);
    data =
        json_pack("{s:s, s:s, s:O?}", "tEes", op->tees, "eecCntxId", op->cntx_id, "implReg", impl);
    node_log(&e->n, "acr", op->eec_id, NULL, data, "ACR of context %s to %s complete", op->cntx_id,
             op->tees);
    json_decref(data);
    acr_notify(op, 1, NULL, NULL);
    http_reply(op->req, 204, NULL, NULL, 0);
}

static void
acr_pushed(struct ees *e, const struct ees_up *up, const char *token, void *arg)
{
    struct acr_op *op = arg;
    json_t *res = json_object_get(up->result, "body");
    char err[EDGE_ERR_LEN];

    (void)token;
    if (e->closing)
        goto done;
    if (up->status == 0) {
        acr_fail(op, up, ACR_UNREACHABLE);
    } else if (strcmp(up->step, "token") == 0 || (up->status != 200 && up->status != 204)) {
        acr_fail(op, up, ACR_REFUSED);
    } else if (up->status == 204) {
        acr_complete(op, NULL);
    } else if (js_decode(res, NULL, edgeapp_eec_context_push_res, NULL, NULL, err) < 0) {
        struct ees_up bad = *up; /* a 200 whose EECContextPushRes does not decode */
        bad.cause = PROBLEM_INVALID_MSG_FORMAT;
        bad.error = err;
        acr_fail(op, &bad, ACR_REFUSED);
    } else {
        acr_complete(op, res);
    }
done:
    acr_free(op);
}

static void
acr_push(struct acr_op *op)
{
    struct ees *e = op->e;
    struct ees_ctx *c = ees_store_by_cntx(e, op->cntx_id);
    const char *authz;
    json_t *push;
    struct ees_up up = {.step = "push", .peer = op->tees, .cause = PROBLEM_CONTEXT_NOT_FOUND};

    if (c == NULL) { /* deregistered or expired while the T-EES was looked for */
        acr_fail(op, &up, ACR_CONTEXT_GONE);
        acr_free(op);
        return;
    }
    push = json_pack("{s:s, s:O, s:O}", "eesId", e->n.name, "eecCntx", c->cntx, "tgtEas",
                     json_object_get(op->body, "tEasEndpoint"));
    /* Target discovery said how the T-EES authorizes (EESInfo.authzMethod, TS 33.558 6.2): no
     * token is asked for a local-policy T-EES; for one named by tEesId, the ECS says so. */
    authz = json_string_value(json_object_get(op->tees_info, "authzMethod"));
    ees_edge9_push(e, op->tees, push,
                   authz != NULL && strcmp(authz, EDGEAPP_AUTHZ_LOCAL) == 0 ? "none" : "fetch",
                   op->eec_id, acr_pushed, op);
    json_decref(push);
}

static void
acr_target_found(struct ees *e, const struct ees_up *up, json_t *eess, void *arg)
{
    struct acr_op *op = arg;
    const char *id;

    if (e->closing) {
        acr_free(op);
        return;
    }
    if (up->status == 0) {
        acr_fail(op, up, ACR_UNREACHABLE);
    } else if ((up->status != 200 && up->status != 204 && up->status != 404) ||
               (up->status == 200 && up->error != NULL)) {
        acr_fail(op, up, ACR_REFUSED);
    } else if (json_array_size(eess) == 0 ||
               (id = json_string_value(json_object_get(json_array_get(eess, 0), "eesId"))) ==
                   NULL) {
        acr_fail(op, up, ACR_NOT_FOUND);
    } else {
        snprintf(op->tees, sizeof(op->tees), "%s", id);
        op->tees_info = json_incref(json_array_get(eess, 0));
        acr_push(op);
        return;
    }
    acr_free(op);
}

static void
acr_authorized(struct ees *e, struct http_req *req, int ok, const json_t *claims, void *arg)
{
    struct acr_op *op = arg;
    json_t *reloc = json_object_get(op->body, "eecCtxtReloc");
    const char *tees = json_string_value(json_object_get(reloc, "tEesId"));
    const char *eas_id = json_string_value(json_object_get(op->body, "easId"));
    struct ees_ctx *c;

    (void)claims;
    if (!ok || e->closing)
        goto fail;
    op->req = req;
    if ((c = ees_store_by_cntx(e, op->cntx_id)) == NULL) {
        ees_refuse(req, EES_R_CONTEXT_NOT_FOUND, "no EEC context %s here", op->cntx_id);
        goto fail;
    }
    if (strcmp(c->eec_id, op->eec_id) != 0) {
        ees_refuse(req, EES_R_NOT_OWNER, "EEC context %s belongs to another EEC", op->cntx_id);
        goto fail;
    }
    http_req_hold(req);
    if (tees != NULL) {
        char why[EDGE_ERR_LEN];
        if (js_valid_fqdn(tees, why) < 0 || strcasecmp(tees, e->n.name) == 0) {
            node_refuse_param(req, &ees_refusals[EES_R_TEES_INCORRECT], "eecCtxtReloc.tEesId",
                              "not another EES's FQDN");
            goto fail;
        }
        snprintf(op->tees, sizeof(op->tees), "%s", tees);
        op->tees_info =
            json_pack("{s:s, s:{s:s}, s:b}", "eesId", tees, "endPt", "fqdn", tees, "eecRegConf", 1);
        acr_push(op);
        return;
    }
    if (eas_id == NULL) {
        node_refuse_param(req, &ees_refusals[EES_R_TARGET_MISSING], "easId",
                          "missing required field");
        goto fail;
    }
    ees_targetdisc(e, eas_id, json_string_value(json_object_get(op->body, "ueId")),
                   acr_target_found, op);
    return;
fail:
    acr_free(op);
}

/* POST /initiate (AcrInitReq). */
static void
acr_initiate(struct http_req *req, void *arg)
{
    struct ees *e = arg;
    json_t *body = node_req_body(req, edgeapp_acr_init_req), *reloc;
    const char *eec_id, *cntx_id;
    struct acr_op *op;

    if (body == NULL)
        return;
    reloc = json_object_get(body, "eecCtxtReloc");
    eec_id = json_string_value(json_object_get(body, "requestorId"));
    cntx_id = json_string_value(json_object_get(reloc, "eecCtxtId"));
    if (reloc == NULL) {
        node_refuse_param(req, &ees_refusals[EES_R_RELOC_MISSING], "eecCtxtReloc",
                          "missing required field");
        json_decref(body);
        return;
    }
    if ((op = calloc(1, sizeof(*op))) == NULL) {
        ees_refuse(req, EES_R_INTERNAL, "out of memory");
        json_decref(body);
        return;
    }
    op->e = e;
    op->req = req;
    op->body = body;
    snprintf(op->eec_id, sizeof(op->eec_id), "%s", eec_id);
    snprintf(op->cntx_id, sizeof(op->cntx_id), "%s", cntx_id);
    ees_access_eec(e, req, eec_id, json_string_value(json_object_get(body, "ueId")), EES_SCOPE_ACR,
                   acr_authorized, op);
}

int
ees_acr_setup(struct ees *e, char *err)
{
    return http_server_route(e->n.http, "POST", EES_ACR_PATH, acr_initiate, e, err);
}
