/* ees_eecreg.c -- EDGE-1 Eees_EECRegistration at this EES (TS 24.558, TS 23.558 8.4.2.2): an EEC
 * registers (creating its EEC context), updates, modifies and deregisters, each after
 * authentication and authorization (ees_access.c, TS 33.558 6.3). A registration that names an
 * earlier context (eecCntxId + srcEesId) makes this EES pull it from the source EES over EDGE-9
 * and reuse it; when the pull fails a fresh context is created (TS 23.558 8.9.2.2) and the
 * answer says so in the edgesim extension member "cntxPull". */
#include "ees.h"
#include "edgeapp/edgeapp_paths.h"
#include "base/err.h"
#include "net/problem.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define EECREG_ITEM EDGEAPP_PATH_EECREG "/{registrationId}"

struct reg_op {
    struct ees *e;
    struct http_req *req;
    json_t *body;
};

static void
reg_op_free(struct reg_op *op)
{
    json_decref(op->body);
    free(op);
}

/* The state of one call while it is authorized; takes body. NULL: a 500 is sent. */
static struct reg_op *
reg_op_new(struct ees *e, struct http_req *req, json_t *body)
{
    struct reg_op *op = calloc(1, sizeof(*op));

    if (op == NULL) {
        json_decref(body);
        ees_refuse(req, EES_R_INTERNAL, "out of memory");
        return NULL;
    }
    op->e = e;
    op->req = req;
    op->body = body;
    return op;
}

/* AC profiles whose EASes this EES does not serve (EECRegistration.unfulfillAcProfs). */
static json_t *
reg_unfulfilled(struct ees *e, const json_t *ac_profs)
{
    json_t *out = json_array(), *ac, *eas, *id, *mine;
    size_t i, j, k;

    json_array_foreach(ac_profs, i, ac)
    {
        int missing = 0;
        json_array_foreach(json_object_get(ac, "eass"), j, eas)
        {
            int found = 0;
            json_array_foreach(e->eas, k, mine)
            {
                id = json_object_get(mine, "easId");
                found |= json_equal(id, json_object_get(eas, "easId"));
            }
            missing |= !found;
        }
        if (missing)
            json_array_append_new(out, json_pack("{s:O, s:s}", "acId", json_object_get(ac, "acId"),
                                                 "reason", "EAS_NOT_AVAILABLE"));
    }
    return out;
}

/* The EECRegistration as granted: what the EEC sent, with eecCntxId and expTime of this EES. */
static json_t *
reg_resource(struct ees *e, const struct ees_ctx *c, const json_t *sent)
{
    json_t *r = json_deep_copy(sent), *unf;
    char when[JS_TIME_LEN];

    if (r == NULL)
        return NULL;
    json_object_del(r, "srcEesId");
    json_object_del(r, "unfulfilledAcProfs");
    json_object_set_new(r, "eecCntxId", json_string(c->cntx_id));
    json_object_set_new(r, "expTime", json_string(ees_time(c->exp, when)));
    unf = reg_unfulfilled(e, json_object_get(r, "acProfs"));
    if (json_array_size(unf) > 0)
        json_object_set_new(r, "unfulfillAcProfs", unf);
    else
        json_decref(unf);
    return r;
}

/* The EECContext of a registration (TS 29.558 EECContext), built from it or from a pulled one. */
static json_t *
reg_context(const struct ees_ctx *c, const json_t *sent, const json_t *pulled)
{
    json_t *cntx = pulled != NULL ? json_deep_copy(pulled) : json_object();
    json_t *ac = json_object_get(sent, "acProfs");

    json_object_set_new(cntx, "eecId", json_string(c->eec_id));
    json_object_set_new(cntx, "cntxId", json_string(c->cntx_id));
    if (c->ue_id[0] != '\0')
        json_object_set_new(cntx, "ueId", json_string(c->ue_id));
    if (ac != NULL)
        json_object_set(cntx, "acProfs", ac);
    if (json_object_get(cntx, "e1Subs") == NULL)
        json_object_set_new(cntx, "e1Subs", json_array());
    return cntx;
}

static void
reg_created(struct reg_op *op, const json_t *pulled, const char *src, json_t *pull_info)
{
    struct ees *e = op->e;
    const char *eec_id = json_string_value(json_object_get(op->body, "eecId"));
    const char *ue_id = json_string_value(json_object_get(op->body, "ueId"));
    const char *keep = pulled != NULL ? json_string_value(json_object_get(pulled, "cntxId")) : NULL;
    char loc[EDGEAPP_URI_MAX];
    json_t *res, *uri;
    struct ees_ctx *c;

    /* TS 23.558 8.4.2.2: an EEC registers once per EES; registering again (a UE that restarted,
     * a repeated provisioning cycle) replaces its own registration and context, never adds one. */
    if ((c = ees_store_by_eec(e, eec_id)) != NULL)
        ees_store_remove(e, c, "registered again: the earlier registration and context replaced");
    if ((c = ees_store_add(e, eec_id, keep)) == NULL) {
        ees_refuse(op->req, EES_R_CTX_FULL, "this EES holds %lld EEC contexts already",
                   e->cfg.max_contexts);
        return;
    }
    snprintf(c->ue_id, sizeof(c->ue_id), "%s", ue_id != NULL ? ue_id : "");
    c->exp = ees_store_grant(e, json_string_value(json_object_get(op->body, "expTime")));
    if (pulled != NULL) {
        snprintf(c->src_ees, sizeof(c->src_ees), "%s", src);
        c->origin = "pull";
    }
    c->cntx = reg_context(c, op->body, pulled);
    c->reg = reg_resource(e, c, op->body);
    if (c->cntx == NULL || c->reg == NULL) {
        ees_store_remove(e, c, "registration abandoned: out of memory");
        ees_refuse(op->req, EES_R_INTERNAL, "out of memory");
        return;
    }
    res = json_deep_copy(c->reg);
    if (pull_info != NULL)
        json_object_set(res, "cntxPull", pull_info);
    ees_store_log(e, c, NULL,
                  pulled != NULL ? "registered, reusing the context pulled from the source EES"
                                 : "registered with a new context");
    uri = node_endpoint(&e->n);
    snprintf(loc, sizeof(loc), "%s%s/%s", json_string_value(json_object_get(uri, "uri")),
             EDGEAPP_PATH_EECREG, c->reg_id);
    json_decref(uri);
    http_reply_header(op->req, "Location", loc);
    http_reply_json(op->req, 201, res);
}

/* TS 23.558 8.9.2.2: a pulled context is reused only when it is this EEC's. */
static int
reg_pulled_ok(const struct reg_op *op, const json_t *cntx, char *err)
{
    const char *eec_id = json_string_value(json_object_get(op->body, "eecId"));
    const char *ue_id = json_string_value(json_object_get(op->body, "ueId"));
    const char *want = json_string_value(json_object_get(op->body, "eecCntxId"));
    const char *p_ue = json_string_value(json_object_get(cntx, "ueId"));

    if (js_decode((json_t *)cntx, NULL, edgeapp_eec_context, NULL, NULL, err) < 0)
        return -1;
    if (strcmp(json_string_value(json_object_get(cntx, "eecId")), eec_id) != 0)
        return edge_err(err, "the context pulled belongs to another EEC");
    if (strcmp(json_string_value(json_object_get(cntx, "cntxId")), want) != 0)
        return edge_err(err, "the source EES answered with another context");
    if (p_ue != NULL && ue_id != NULL && strcmp(p_ue, ue_id) != 0)
        return edge_err(err, "the context pulled is for another GPSI");
    return 0;
}

static void
reg_pulled(struct ees *e, const struct ees_up *up, const char *token, void *arg)
{
    struct reg_op *op = arg;
    const char *src = json_string_value(json_object_get(op->body, "srcEesId"));
    const char *cntx_id = json_string_value(json_object_get(op->body, "eecCntxId"));
    json_t *cntx = json_object_get(up->result, "body"), *info;
    char err[EDGE_ERR_LEN] = "";
    json_t *data;

    (void)token;
    if (e->closing) {
        reg_op_free(op);
        return;
    }
    if (up->status == 200 && reg_pulled_ok(op, cntx, err) == 0) {
        info =
            json_pack("{s:s, s:s, s:s}", "result", "PULLED", "srcEesId", src, "eecCntxId", cntx_id);
        reg_created(op, cntx, src, info);
    } else {
        /* TS 23.558 8.9.1.1: the pull failed, so the EES creates a new context. */
        if (err[0] == '\0')
            snprintf(err, sizeof(err), "%s %s: %s", up->step,
                     up->status == 0 ? "not answered" : "refused",
                     up->error != NULL   ? up->error
                     : up->cause != NULL ? up->cause
                                         : "");
        info = json_pack("{s:s, s:s, s:s, s:s, s:i, s:s?, s:s}", "result", "FAILED", "srcEesId",
                         src, "eecCntxId", cntx_id, "step", up->step, "status", up->status, "cause",
                         up->cause, "detail", err);
        data = json_incref(info);
        node_log(&e->n, "registry", src, up->cause != NULL ? up->cause : "CONTEXT_PULL_FAILED",
                 data, "pull of EEC context %s from %s failed (%s): a new context is created",
                 cntx_id, src, err);
        json_decref(data);
        reg_created(op, NULL, NULL, info);
    }
    json_decref(info);
    reg_op_free(op);
}

static void
reg_create_authorized(struct ees *e, struct http_req *req, int ok, const json_t *claims, void *arg)
{
    struct reg_op *op = arg;
    const char *src = json_string_value(json_object_get(op->body, "srcEesId"));
    const char *cntx_id = json_string_value(json_object_get(op->body, "eecCntxId"));
    const char *eec_id = json_string_value(json_object_get(op->body, "eecId"));
    struct ees_ctx *local;
    json_t *info;

    (void)claims;
    if (!ok || e->closing) {
        reg_op_free(op);
        return;
    }
    if (src == NULL || cntx_id == NULL) {
        reg_created(op, NULL, NULL, NULL);
        reg_op_free(op);
        return;
    }
    if (strcasecmp(src, e->n.name) == 0) {
        /* The context is here already (the EEC registers again at the same EES). */
        local = ees_store_by_cntx(e, cntx_id);
        if (local != NULL && strcmp(local->eec_id, eec_id) == 0) {
            json_t *cntx = json_incref(local->cntx);
            info = json_pack("{s:s, s:s, s:s}", "result", "LOCAL", "srcEesId", src, "eecCntxId",
                             cntx_id);
            ees_store_remove(e, local, "context taken over by a new registration");
            reg_created(op, cntx, src, info);
            json_decref(cntx);
        } else {
            info = json_pack("{s:s, s:s, s:s, s:s, s:s}", "result", "FAILED", "srcEesId", src,
                             "eecCntxId", cntx_id, "cause", PROBLEM_CONTEXT_NOT_FOUND, "detail",
                             "no such context of this EEC here");
            reg_created(op, NULL, NULL, info);
        }
        json_decref(info);
        reg_op_free(op);
        return;
    }
    op->req = req;
    http_req_hold(req);
    ees_edge9_pull(e, src, cntx_id, "fetch", eec_id, reg_pulled, op);
}

/* POST /registrations (CreateEECReg): 201 + Location + EECRegistration. */
static void
reg_create(struct http_req *req, void *arg)
{
    struct ees *e = arg;
    struct reg_op *op;
    json_t *body = node_req_body(req, edgeapp_eec_registration);

    if (body == NULL || (op = reg_op_new(e, req, body)) == NULL)
        return;
    ees_access_eec(e, req, json_string_value(json_object_get(body, "eecId")),
                   json_string_value(json_object_get(body, "ueId")), EES_SCOPE_EECREG,
                   reg_create_authorized, op);
}

/* ---- the registration resource: PUT, PATCH, DELETE ---- */

/* The registration named in the path, or a 404 reply and NULL. */
static struct ees_ctx *
reg_find(struct ees *e, struct http_req *req)
{
    const char *id = http_req_param(req, "registrationId");
    struct ees_ctx *c = id != NULL ? ees_store_by_reg(e, id) : NULL;

    if (c == NULL)
        ees_refuse(req, EES_R_REG_NOT_FOUND, "no EEC registration %.64s here",
                   id != NULL ? id : "");
    return c;
}

/* After authorization: still there, and the caller's (the TLS EEC ID) -- or a reply and NULL. */
static struct ees_ctx *
reg_owned(struct ees *e, struct http_req *req)
{
    const struct edge_peer *p = http_req_peer(req);
    struct ees_ctx *c = reg_find(e, req);

    if (c != NULL && strcmp(c->eec_id, p->eec_id) != 0) {
        ees_refuse(req, EES_R_NOT_OWNER, "registration %s belongs to another EEC", c->reg_id);
        return NULL;
    }
    return c;
}

/* PUT and PATCH: sent is the registration as the EEC now has it (c->exp granted already); it
 * becomes the resource, its acProfs the context's, and the answer is 200 with it. */
static void
reg_replace(struct ees *e, struct http_req *req, struct ees_ctx *c, const json_t *sent,
            const char *what)
{
    json_t *reg = reg_resource(e, c, sent);

    if (reg == NULL) {
        ees_refuse(req, EES_R_INTERNAL, "out of memory");
        return;
    }
    json_decref(c->reg);
    c->reg = reg;
    if (json_object_get(sent, "acProfs") != NULL)
        json_object_set(c->cntx, "acProfs", json_object_get(sent, "acProfs"));
    ees_store_log(e, c, NULL, what);
    http_reply_json(req, 200, json_incref(c->reg));
}

static void
reg_put_authorized(struct ees *e, struct http_req *req, int ok, const json_t *claims, void *arg)
{
    struct reg_op *op = arg;
    const char *ue_id = json_string_value(json_object_get(op->body, "ueId"));
    struct ees_ctx *c;

    (void)claims;
    if (ok && !e->closing && (c = reg_owned(e, req)) != NULL) {
        c->exp = ees_store_grant(e, json_string_value(json_object_get(op->body, "expTime")));
        snprintf(c->ue_id, sizeof(c->ue_id), "%s", ue_id != NULL ? ue_id : "");
        if (ue_id != NULL)
            json_object_set_new(c->cntx, "ueId", json_string(ue_id));
        else
            json_object_del(c->cntx, "ueId");
        reg_replace(e, req, c, op->body, "updated its registration");
    }
    reg_op_free(op);
}

/* PUT /registrations/{registrationId} (UpdateIndEECReg): the whole EECRegistration again. */
static void
reg_put(struct http_req *req, void *arg)
{
    struct ees *e = arg;
    struct reg_op *op;
    json_t *body;

    if (reg_find(e, req) == NULL || (body = node_req_body(req, edgeapp_eec_registration)) == NULL ||
        (op = reg_op_new(e, req, body)) == NULL)
        return;
    ees_access_eec(e, req, json_string_value(json_object_get(body, "eecId")),
                   json_string_value(json_object_get(body, "ueId")), EES_SCOPE_EECREG,
                   reg_put_authorized, op);
}

static void
reg_patch_authorized(struct ees *e, struct http_req *req, int ok, const json_t *claims, void *arg)
{
    struct reg_op *op = arg;
    struct ees_ctx *c;
    json_t *sent, *v;
    const char *k;

    (void)claims;
    if (!ok || e->closing || (c = reg_owned(e, req)) == NULL)
        goto done;
    /* RFC 7396 on the registration as the EEC sent it; expTime is granted again. */
    sent = json_deep_copy(c->reg);
    json_object_foreach(op->body, k, v)
    {
        if (json_is_null(v))
            json_object_del(sent, k);
        else
            json_object_set(sent, k, v);
    }
    if (json_object_get(op->body, "expTime") != NULL)
        c->exp = ees_store_grant(e, json_string_value(json_object_get(op->body, "expTime")));
    reg_replace(e, req, c, sent, "modified its registration");
    json_decref(sent);
done:
    reg_op_free(op);
}

/* PATCH /registrations/{registrationId} (ModifyIndEECReg), EECRegistrationPatch. */
static void
reg_patch(struct http_req *req, void *arg)
{
    struct ees *e = arg;
    struct ees_ctx *c;
    struct reg_op *op;
    json_t *body;

    if ((c = reg_find(e, req)) == NULL ||
        (body = node_req_body(req, edgeapp_eec_registration_patch)) == NULL ||
        (op = reg_op_new(e, req, body)) == NULL)
        return;
    /* The EEC that owns it, with the GPSI it registered (its token's sub, if any). */
    ees_access_eec(e, req, c->eec_id, c->ue_id[0] != '\0' ? c->ue_id : NULL, EES_SCOPE_EECREG,
                   reg_patch_authorized, op);
}

static void
reg_delete_authorized(struct ees *e, struct http_req *req, int ok, const json_t *claims, void *arg)
{
    struct ees_ctx *c;

    (void)claims;
    (void)arg;
    if (!ok || e->closing || (c = reg_owned(e, req)) == NULL)
        return;
    ees_store_remove(e, c, "deregistered: context removed");
    http_reply(req, 204, NULL, NULL, 0);
}

/* DELETE /registrations/{registrationId} (DeleteIndEECReg): 204. */
static void
reg_delete(struct http_req *req, void *arg)
{
    struct ees *e = arg;
    struct ees_ctx *c = reg_find(e, req);

    if (c == NULL)
        return;
    ees_access_eec(e, req, c->eec_id, c->ue_id[0] != '\0' ? c->ue_id : NULL, EES_SCOPE_EECREG,
                   reg_delete_authorized, NULL);
}

int
ees_eecreg_setup(struct ees *e, char *err)
{
    struct http_server *s = e->n.http;

    if (http_server_route(s, "POST", EDGEAPP_PATH_EECREG, reg_create, e, err) < 0 ||
        http_server_route(s, "PUT", EECREG_ITEM, reg_put, e, err) < 0 ||
        http_server_route(s, "PATCH", EECREG_ITEM, reg_patch, e, err) < 0 ||
        http_server_route(s, "DELETE", EECREG_ITEM, reg_delete, e, err) < 0)
        return -1;
    return 0;
}
