/* eec_relocation.c -- EEC-initiated ACR with the EEC context moved by the S-EES (TS 23.558
 * 8.8.2.3 and 8.9.2.3; TS 24.558 Eees_AppContextRelocation POST /initiate with AcrInitReq and
 * eecCtxtReloc): the S-EES pushes the context to the T-EES, which registers the EEC implicitly,
 * and the EEC learns that registration from ACRInfoNotification.eecCtxtReloc.implReg. The EEC
 * has no notification endpoint, so the S-EES answers it in the 200 body (edgesim extension). */
#include "eec.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define EEC_ACR_PATH "/eees-appctxtreloc/v1/initiate"

struct eec_relocate_args {
    const char *ees;
    const char *t_ees;
    const char *ac_id;
    const char *eas_id;
    json_t *t_eas_endpoint;
    const char *token;
    json_t *ue_id;
};

static const struct js_field eec_relocate_fields[] = {
    {.name = "ees",
     .type = JS_STRING,
     .flags = JS_REQUIRED | JS_STORE,
     .store = offsetof(struct eec_relocate_args, ees),
     .check = js_check_id},
    {.name = "tEes",
     .type = JS_STRING,
     .flags = JS_REQUIRED | JS_STORE,
     .store = offsetof(struct eec_relocate_args, t_ees),
     .check = js_check_id},
    {.name = "acId",
     .type = JS_STRING,
     .flags = JS_STORE,
     .store = offsetof(struct eec_relocate_args, ac_id),
     .check = js_check_id},
    {.name = "easId",
     .type = JS_STRING,
     .flags = JS_STORE,
     .store = offsetof(struct eec_relocate_args, eas_id),
     .check = js_check_id},
    {.name = "tEasEndpoint",
     .type = JS_OBJECT,
     .flags = JS_STORE,
     .store = offsetof(struct eec_relocate_args, t_eas_endpoint),
     .sub = edgeapp_endpoint,
     .check = edgeapp_check_endpoint},
    {.name = "token",
     .type = JS_STRING,
     .flags = JS_STORE,
     .store = offsetof(struct eec_relocate_args, token),
     .check = eec_args_check_token},
    {.name = "ueId",
     .type = JS_ANY,
     .flags = JS_STORE,
     .store = offsetof(struct eec_relocate_args, ue_id),
     .check = eec_args_check_ueid},
    {0},
};

/* The T-EAS endpoint when the runner gives none (new reference). First the EAS discovered at the
 * T-EES (TS 23.558 8.8.2.3: the EEC discovers the T-EAS before it initiates ACR); easId may be
 * NULL: the first one. Else, edgesim's convention: EASes are data served at their EES, so the
 * T-EAS is addressed by the T-EES's FQDN -- all the EEC knows when it cannot discover there
 * (no token of the T-EES's ECS, as across ECSes). NULL when t_ees is no FQDN. */
static json_t *
eec_relocate_t_eas(struct eec *e, const char *t_ees, const char **eas_id, char *err)
{
    struct eec_ees *t = eec_ees_find(e, t_ees);
    json_t *p;
    size_t i;

    json_array_foreach(t != NULL ? t->eas : NULL, i, p)
    {
        const char *id = json_string_value(json_object_get(p, "easId"));
        if (*eas_id == NULL || strcmp(id, *eas_id) == 0) {
            *eas_id = id;
            return json_incref(json_object_get(p, "endPt"));
        }
    }
    if (js_valid_fqdn(t != NULL ? t->host : t_ees, err) < 0)
        return NULL;
    return json_pack("{s:s}", "fqdn", t != NULL ? t->host : t_ees);
}

/* acId and easId when the runner names neither: the AC profile (config) that lists the EAS, or
 * the first one with an EAS (TS 23.558 8.8.2.3: the ACR is for one AC and its EAS). */
static void
eec_relocate_ids(const struct eec *e, const char **ac_id, const char **eas_id)
{
    json_t *ac, *eas;
    size_t i, j;

    json_array_foreach(e->cf.ac_profs, i, ac)
    {
        json_array_foreach(json_object_get(ac, "eass"), j, eas)
        {
            const char *id = json_string_value(json_object_get(eas, "easId"));
            if (*eas_id != NULL && strcmp(id, *eas_id) != 0)
                continue;
            if (*ac_id == NULL)
                *ac_id = json_string_value(json_object_get(ac, "acId"));
            if (*eas_id == NULL)
                *eas_id = id;
            return;
        }
    }
}

static void
eec_relocate_done(struct eec_call *c, const struct http_client_resp *r, json_t *result)
{
    const char *t_ees = json_string_value(json_object_get(c->ctx, "tEesId"));
    json_t *resp, *impl;
    char err[EDGE_ERR_LEN];

    json_object_set_new(result, "implReg", json_null());
    if (r->status != 200 ||
        eec_call_body(r, edgeapp_acr_info_notification, NULL, result, &resp) < 0)
        return;
    impl = json_object_get(json_object_get(resp, "eecCtxtReloc"), "implReg");
    if (impl != NULL) {
        struct eec_ees *t = eec_ees_add(c->e, t_ees, err);
        const char *reg_id = json_string_value(json_object_get(impl, "regId"));
        const char *exp = json_string_value(json_object_get(impl, "expTime"));
        if (t == NULL) {
            json_object_set_new(result, "error", json_string(err));
        } else {
            eec_ees_set_registration(t, reg_id, NULL, exp, NULL, 1);
            json_object_set(result, "implReg", impl);
            node_log(&c->e->n, "registration", t_ees, NULL, impl,
                     "implicitly registered at %s: %s (ACR via %s)", t_ees, reg_id, c->ees_id);
        }
    }
    json_decref(resp);
}

void
eec_relocate_cmd(struct ctl_req *req, json_t *args, void *arg)
{
    struct eec *e = arg;
    struct eec_relocate_args a = {0};
    struct eec_ees *s;
    struct eec_call *c;
    json_t *t_eas;
    char err[EDGE_ERR_LEN];

    if (eec_args_decode(req, args, eec_relocate_fields, &a) < 0 ||
        (s = eec_args_ees(e, req, a.ees)) == NULL)
        return;
    if (s->cntx_id[0] == '\0') { /* eecCtxtId is mandatory in EecCtxtReloc */
        ctl_reply_error(req, EEC_CTL_NOT_REGISTERED,
                        "relocate: no EEC context at %s (register there first)", s->id);
        return;
    }
    t_eas = a.t_eas_endpoint != NULL ? json_incref(a.t_eas_endpoint)
                                     : eec_relocate_t_eas(e, a.t_ees, &a.eas_id, err);
    if (t_eas == NULL) {
        ctl_reply_error(req, EEC_CTL_BAD_ARGS,
                        "relocate: tEasEndpoint: none given, none discovered at %s, and %s",
                        a.t_ees, err);
        return;
    }
    eec_relocate_ids(e, &a.ac_id, &a.eas_id);
    json_t *body = json_pack("{s:s, s:s*, s:s*, s:s*, s:O, s:b, s:{s:s, s:s, s:s}}", "requestorId",
                             e->n.name, "ueId", eec_args_ueid(e, a.ue_id), "acId", a.ac_id, "easId",
                             a.eas_id, "tEasEndpoint", t_eas, "easNotifInd", 0, "eecCtxtReloc",
                             "eecCtxtId", s->cntx_id, "sEesId", s->id, "tEesId", a.t_ees);
    if ((c = eec_call_new(e, req, s->id, eec_args_token(s, a.token), eec_relocate_done)) != NULL) {
        c->ctx = json_pack("{s:s}", "tEesId", a.t_ees);
        eec_call_send(c, "POST", s->host, EEC_ACR_PATH, body);
    }
    json_decref(body);
    json_decref(t_eas);
}
