/* ees_acr.c -- application context relocation as this EES executes it (TS 23.558 8.8.2, 8.9.2;
 * TS 24.558 / TS 29.558 Eees_AppContextRelocation), one engine for every variant edgesim
 * reproduces, each a row of acr_variants[]:
 *
 *   EEC_EXECUTED_VIA_SOURCE_EES  the EEC's /initiate at the S-EES (8.8.2.3): push the EEC context
 *                                to the T-EES, tell the S-EAS to start the ACT
 *   EEC_EXECUTED_VIA_TARGET_EES  the EEC's /initiate at the T-EES (8.8.2.4): pull the EEC context
 *                                from the S-EES, tell the T-EAS to start the ACT (it pulls)
 *   SOURCE_EES_EXECUTED          the S-EAS's /determine (8.8.2.6): the S-EES finds the T-EES and
 *                                the T-EAS (8.8.3.2), pushes, tells the S-EAS to start the ACT
 *   SOURCE_EAS_DECIDED           the S-EAS's /declare of the T-EAS it chose and already moved its
 *                                context to (8.8.2.5): the S-EES pushes the EEC context
 *
 * Every EDGE-9 exchange carries the token of solution #27 its ECS issued (or goes without one
 * to a T-EES of local policy, TS 33.558 6.2), across ECSes too. The outcome goes to the EEC's
 * ACR events subscriptions here as ACRInfoNotification ACR_COMPLETE (acrRes, trgtInfo,
 * eecCtxtReloc.implReg), and the request is answered once it is done: 204, or a ProblemDetails
 * whose cause names the failed step with the upstream answer in "upstream" (edgesim
 * extension). The entry points are ees_acr_initiate (here) and ees_acrreq.c. */
#include "ees.h"
#include "base/err.h"
#include "net/problem.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

const struct ees_acr_variant ees_acr_variants[] = {
    [EES_ACR_EEC_VIA_SEES] = {"EEC_EXECUTED_VIA_SOURCE_EES", 0, EES_ACR_PUSH, "S_EAS"},
    [EES_ACR_EEC_VIA_TEES] = {"EEC_EXECUTED_VIA_TARGET_EES", 0, EES_ACR_PULL, "T_EAS"},
    [EES_ACR_SEES_EXECUTED] = {"SOURCE_EES_EXECUTED", 1, EES_ACR_PUSH, "S_EAS"},
    [EES_ACR_SEAS_DECIDED] = {"SOURCE_EAS_DECIDED", 0, EES_ACR_PUSH, NULL},
};

void
ees_acr_free(struct ees_acr *op)
{
    json_decref(op->body);
    json_decref(op->tees_info);
    json_decref(op->push_res);
    json_decref(op->t_eas);
    json_decref(op->t_eas_prof);
    json_decref(op->s_eas);
    free(op);
}

/* How a failed step is answered (one table): no HTTP answer from the peer is 504
 * ACR_PEER_UNREACHABLE whatever the step; a 504 TARGET_NF_NOT_REACHABLE the peer answered (its
 * own peer did not answer: the T-EES's ECS, say) stays a 504 with that cause; an answer that
 * refused is 502 with the step's cause; nothing found is 404. */
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
    {"teas_discovery", EES_R_ACR_TEAS_REFUSED},
    {"token", EES_R_ACR_TOKEN_REFUSED},
    {"push", EES_R_ACR_PUSH_REFUSED},
    {"pull", EES_R_ACR_PULL_REFUSED},
    {"act", EES_R_ACR_ACT_FAILED},
};

static enum ees_refusal
acr_refusal(const struct ees_up *up, enum acr_failure f)
{
    switch (f) {
    case ACR_UNREACHABLE:
        return EES_R_ACR_UNREACHABLE;
    case ACR_NOT_FOUND:
        return strcmp(up->step, "teas_discovery") == 0 ? EES_R_ACR_TEAS_NOT_FOUND
                                                       : EES_R_ACR_TARGET_NOT_FOUND;
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

/* ACRInfoNotification ACR_COMPLETE (TS 24.558 Eees_ACREvents) to the EEC's ACR events
 * subscriptions here for the EAS: the T-EES and T-EAS, acrRes, and on success
 * eecCtxtReloc.implReg of the T-EES. */
static void
acr_notify(struct ees_acr *op, int ok, const char *cause, const char *why)
{
    json_t *note, *impl = json_object_get(op->push_res, "implReg");
    const json_t *t_eas = op->t_eas != NULL ? op->t_eas : json_object_get(op->body, "tEasEndpoint");
    char reason[EDGE_ERR_LEN];

    if (t_eas == NULL)
        t_eas = json_pack("{s:s}", "fqdn", op->tees[0] != '\0' ? op->tees : op->e->n.name);
    else
        json_incref((json_t *)t_eas);
    note = json_pack("{s:s, s:s, s:s, s:{s:b, s:o}}", "subId", "", "easId", op->eas_id, "eventId",
                     "ACR_COMPLETE", "acrStatus", "acrRes", ok, "tEasEndpoint", t_eas);
    if (note == NULL)
        return;
    if (op->tees_info != NULL || op->t_eas_prof != NULL) {
        json_t *ti = json_object();
        if (op->tees_info != NULL)
            json_object_set_new(ti, "trgetEESInfo",
                                json_pack("{s:{}, s:[O]}", "ednConInfo", "eess", op->tees_info));
        if (op->t_eas_prof != NULL)
            json_object_set(ti, "trgetEASInfo", op->t_eas_prof);
        json_object_set_new(note, "trgtInfo", ti);
    }
    if (op->ac_id[0] != '\0')
        json_object_set_new(note, "acId", json_string(op->ac_id));
    if (ok && impl != NULL)
        json_object_set_new(note, "eecCtxtReloc", json_pack("{s:O}", "implReg", impl));
    if (!ok) {
        snprintf(reason, sizeof(reason), "%s: %s", cause, why);
        json_object_set_new(json_object_get(note, "acrStatus"), "failReason", json_string(reason));
    }
    if (ees_notify_acr(op->e, op->eec_id, op->eas_id, note) == 0)
        node_log(&op->e->n, "acr", op->eec_id, NULL, NULL,
                 "EEC %s has no ACR events subscription here for %s: the outcome is not notified",
                 op->eec_id, op->eas_id);
    json_decref(note);
}

static void
acr_fail(struct ees_acr *op, const struct ees_up *up, enum acr_failure f)
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
    json_object_set_new(upstream, "scenario", json_string(op->v->name));
    node_log(&e->n, "acr", op->eec_id, cause, upstream, "ACR (%s) of context %s failed: %s",
             op->v->name, op->cntx_id, what);
    json_decref(upstream);
    acr_notify(op, 0, cause, what);
    if (pd == NULL)
        ees_refuse(op->req, EES_R_INTERNAL, "out of memory");
    else
        http_reply_problem_json(op->req, pd);
    ees_acr_free(op);
}

static void
acr_complete(struct ees_acr *op)
{
    struct ees *e = op->e;
    json_t *data = json_pack("{s:s, s:s, s:s, s:O?, s:O?}", "scenario", op->v->name, "tEes",
                             op->tees, "eecCntxId", op->cntx_id, "implReg",
                             json_object_get(op->push_res, "implReg"), "tEasEndpoint", op->t_eas);

    node_log(&e->n, "acr", op->eec_id, NULL, data, "ACR (%s) of context %s to %s complete",
             op->v->name, op->cntx_id, op->tees);
    json_decref(data);
    acr_notify(op, 1, NULL, NULL);
    http_reply(op->req, 204, NULL, NULL, 0);
    ees_acr_free(op);
}

/* ---- the ACT: the EAS of this EES moves the application context ---- */

static void
acr_acted(struct ees *e, int ok, const char *result, const char *why, void *arg)
{
    struct ees_acr *op = arg;
    struct ees_up up = {
        .step = "act", .peer = op->eas_id, .status = ok ? 200 : 0, .cause = result, .error = why};

    if (e->closing) {
        ees_acr_free(op);
        return;
    }
    if (!ok) {
        up.status = 502; /* the EAS answered (or not): the ACT is no HTTP exchange of ours */
        acr_fail(op, &up, ACR_REFUSED);
        return;
    }
    acr_complete(op);
}

static void
acr_act(struct ees_acr *op)
{
    const json_t *other = strcmp(op->v->act_role, "S_EAS") == 0 ? op->t_eas : op->s_eas;

    if (other == NULL) { /* nothing to move from or to: the EAS is data in the config */
        acr_complete(op);
        return;
    }
    ees_act_start(op->e, op->eas_id, op->v->act_role, op->ue_id, op->ac_id[0] ? op->ac_id : NULL,
                  other, acr_acted, op);
}

static void
acr_next_after_context(struct ees_acr *op)
{
    if (op->v->act_role != NULL)
        acr_act(op);
    else
        acr_complete(op);
}

/* ---- the EEC context: pushed to the T-EES, or pulled from the S-EES ---- */

static void
acr_pushed(struct ees *e, const struct ees_up *up, const char *token, void *arg)
{
    struct ees_acr *op = arg;
    json_t *res = json_object_get(up->result, "body");
    char err[EDGE_ERR_LEN];

    (void)token;
    if (e->closing) {
        ees_acr_free(op);
        return;
    }
    if (up->status == 0) {
        acr_fail(op, up, ACR_UNREACHABLE);
    } else if (strcmp(up->step, "token") == 0 || (up->status != 200 && up->status != 204)) {
        acr_fail(op, up, ACR_REFUSED);
    } else if (up->status == 200 &&
               js_decode(res, NULL, edgeapp_eec_context_push_res, NULL, NULL, err) < 0) {
        struct ees_up bad = *up; /* a 200 whose EECContextPushRes does not decode */
        bad.cause = PROBLEM_INVALID_MSG_FORMAT;
        bad.error = err;
        acr_fail(op, &bad, ACR_REFUSED);
    } else {
        op->push_res = up->status == 200 ? json_incref(res) : NULL;
        acr_next_after_context(op);
    }
}

static void
acr_push(struct ees_acr *op)
{
    struct ees *e = op->e;
    struct ees_ctx *c = ees_store_by_cntx(e, op->cntx_id);
    const char *authz;
    json_t *push;
    struct ees_up up = {.step = "push", .peer = op->tees, .cause = PROBLEM_CONTEXT_NOT_FOUND};

    if (c == NULL) { /* deregistered or expired while the T-EES was looked for */
        acr_fail(op, &up, ACR_CONTEXT_GONE);
        return;
    }
    push = json_pack("{s:s, s:O}", "eesId", e->n.name, "eecCntx", c->cntx);
    if (op->t_eas != NULL)
        json_object_set(push, "tgtEas", op->t_eas);
    /* Target discovery said how the T-EES authorizes (EESInfo.authzMethod, TS 33.558 6.2): no
     * token is asked for a local-policy T-EES; for one named by tEesId, the ECS says so. */
    authz = json_string_value(json_object_get(op->tees_info, "authzMethod"));
    ees_edge9_push(e, op->tees, push,
                   authz != NULL && strcmp(authz, EDGEAPP_AUTHZ_LOCAL) == 0 ? "none" : "fetch",
                   op->eec_id, acr_pushed, op);
    json_decref(push);
}

static void
acr_pulled(struct ees *e, const struct ees_up *up, const char *token, void *arg)
{
    struct ees_acr *op = arg;
    json_t *cntx = json_object_get(up->result, "body");
    char err[EDGE_ERR_LEN];
    struct ees_ctx *c;

    (void)token;
    if (e->closing) {
        ees_acr_free(op);
        return;
    }
    if (up->status == 0) {
        acr_fail(op, up, ACR_UNREACHABLE);
        return;
    }
    if (strcmp(up->step, "token") == 0 || up->status != 200) {
        acr_fail(op, up, ACR_REFUSED);
        return;
    }
    if (js_decode(cntx, NULL, edgeapp_eec_context, NULL, NULL, err) < 0 ||
        strcmp(json_string_value(json_object_get(cntx, "eecId")), op->eec_id) != 0) {
        struct ees_up bad = *up; /* not this EEC's context: it is not taken */
        bad.cause = PROBLEM_INVALID_MSG_FORMAT;
        bad.error = err[0] != '\0' ? err : "the pulled context is another EEC's";
        acr_fail(op, &bad, ACR_REFUSED);
        return;
    }
    /* TS 23.558 8.9.1.1: the T-EES keeps the context (and registers the EEC implicitly). */
    if ((c = ees_store_implicit(e, cntx, op->sees, "pull")) == NULL) {
        struct ees_up full = {
            .step = "pull", .peer = op->sees, .status = 503, .cause = "INSUFFICIENT_RESOURCES"};
        acr_fail(op, &full, ACR_REFUSED);
        return;
    }
    snprintf(op->cntx_id, sizeof(op->cntx_id), "%s", c->cntx_id);
    op->push_res = ees_store_impl_reg(e, c);
    acr_next_after_context(op);
}

static void
acr_context(struct ees_acr *op)
{
    if (op->v->ctx == EES_ACR_PULL)
        ees_edge9_pull(op->e, op->sees, op->cntx_id, "fetch", op->eec_id, acr_pulled, op);
    else
        acr_push(op);
}

/* ---- the T-EES (and T-EAS) ---- */

static void
acr_teas_found(struct ees *e, const struct ees_up *up, const json_t *tees_info, const json_t *found,
               void *arg)
{
    struct ees_acr *op = arg;
    const json_t *d;
    size_t i;
    char host[EDGE_FQDN_MAX];

    if (e->closing) {
        ees_acr_free(op);
        return;
    }
    if (tees_info == NULL) { /* the target EES discovery step */
        if (up->status == 0)
            acr_fail(op, up, ACR_UNREACHABLE);
        else if (up->status != 200 && up->status != 204 && up->status != 404)
            acr_fail(op, up, ACR_REFUSED);
        else
            acr_fail(op, up, ACR_NOT_FOUND);
        return;
    }
    snprintf(op->tees, sizeof(op->tees), "%s",
             json_string_value(json_object_get(tees_info, "eesId")));
    op->tees_info = json_incref((json_t *)tees_info);
    if (found == NULL) {
        acr_fail(op, up, up->status == 0 ? ACR_UNREACHABLE : ACR_REFUSED);
        return;
    }
    /* The first T-EAS that is not the S-EAS. */
    json_array_foreach(found, i, d)
    {
        const json_t *ep = json_object_get(json_object_get(d, "eas"), "endPt");
        const char *src = edgeapp_endpoint_host(op->s_eas, host, sizeof(host));
        char h2[EDGE_FQDN_MAX];
        if (src != NULL && edgeapp_endpoint_host(ep, h2, sizeof(h2)) != NULL &&
            strcasecmp(h2, src) == 0)
            continue;
        op->t_eas = json_incref((json_t *)ep);
        op->t_eas_prof = json_incref((json_t *)d);
        acr_context(op);
        return;
    }
    acr_fail(op, up, ACR_NOT_FOUND);
}

static void
acr_target_found(struct ees *e, const struct ees_up *up, json_t *eess, void *arg)
{
    struct ees_acr *op = arg;
    const char *id;

    if (e->closing) {
        ees_acr_free(op);
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
        acr_context(op);
    }
}

void
ees_acr_run(struct ees_acr *op)
{
    struct ees *e = op->e;

    http_req_hold(op->req);
    if (op->v->find_teas) {
        ees_teas_discover(e, op->eas_id, op->ue_id[0] ? op->ue_id : NULL, op->eec_id,
                          acr_teas_found, op);
    } else if (op->tees[0] != '\0') {
        if (op->tees_info == NULL)
            op->tees_info = json_pack("{s:s, s:{s:s}, s:b}", "eesId", op->tees, "endPt", "fqdn",
                                      op->tees, "eecRegConf", 1);
        acr_context(op);
    } else {
        ees_targetdisc(e, op->eas_id, op->ue_id[0] ? op->ue_id : NULL, acr_target_found, op);
    }
}

struct ees_acr *
ees_acr_new(struct ees *e, struct http_req *req, enum ees_acr_kind v, json_t *body)
{
    struct ees_acr *op = calloc(1, sizeof(*op));

    if (op == NULL) {
        ees_refuse(req, EES_R_INTERNAL, "out of memory");
        json_decref(body);
        return NULL;
    }
    op->e = e;
    op->req = req;
    op->v = &ees_acr_variants[v];
    op->body = body;
    return op;
}
