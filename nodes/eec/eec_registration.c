/* eec_registration.c -- EDGE-1 EEC registration, update and deregistration as the EEC does them
 * (TS 23.558 8.4.2.2, TS 24.558 Eees_EECRegistration): the security credentials of the request
 * are the TLS handshake plus the bearer token the ECS issued for that EES (TS 33.558 6.2/6.3);
 * eecCntxId + srcEesId make the T-EES pull the EEC context (TS 23.558 8.9.2.2). */
#include "eec.h"
#include "edgeapp/edgeapp_paths.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

struct eec_reg_args {
    const char *ees;
    const char *token;
    json_t *ue_id;
    const char *cntx_id;
    const char *src_ees;
    json_t *ac_profs;
};

#define EEC_REG_ARG_EES                                                                            \
    {                                                                                              \
        .name = "ees", .type = JS_STRING, .flags = JS_REQUIRED | JS_STORE,                         \
        .store = offsetof(struct eec_reg_args, ees), .check = js_check_id                          \
    }
#define EEC_REG_ARG_TOKEN                                                                          \
    {                                                                                              \
        .name = "token", .type = JS_STRING, .flags = JS_STORE,                                     \
        .store = offsetof(struct eec_reg_args, token), .check = eec_args_check_token               \
    }
#define EEC_REG_ARG_UEID                                                                           \
    {                                                                                              \
        .name = "ueId", .type = JS_ANY, .flags = JS_STORE,                                         \
        .store = offsetof(struct eec_reg_args, ue_id), .check = eec_args_check_ueid                \
    }
#define EEC_REG_ARG_ACPROFS                                                                        \
    {                                                                                              \
        .name = "acProfs", .type = JS_ARRAY, .flags = JS_STORE,                                    \
        .store = offsetof(struct eec_reg_args, ac_profs), .max_len = 64, .items = JS_OBJECT,       \
        .sub = edgeapp_ac_profile                                                                  \
    }

static const struct js_field eec_register_fields[] = {
    EEC_REG_ARG_EES,
    EEC_REG_ARG_TOKEN,
    EEC_REG_ARG_UEID,
    EEC_REG_ARG_ACPROFS,
    {.name = "eecCntxId",
     .type = JS_STRING,
     .flags = JS_STORE,
     .store = offsetof(struct eec_reg_args, cntx_id),
     .check = js_check_id},
    {.name = "srcEesId",
     .type = JS_STRING,
     .flags = JS_STORE,
     .store = offsetof(struct eec_reg_args, src_ees),
     .check = js_check_id},
    {0},
};

static const struct js_field eec_update_fields[] = {
    EEC_REG_ARG_EES, EEC_REG_ARG_TOKEN, EEC_REG_ARG_UEID, EEC_REG_ARG_ACPROFS, {0},
};

static const struct js_field eec_deregister_fields[] = {
    EEC_REG_ARG_EES,
    EEC_REG_ARG_TOKEN,
    {0},
};

/* The registrationId from Location (TS 29.122 5.2.2: {apiRoot}/.../registrations/{id}); the
 * EECRegistration body carries none. */
static int
eec_reg_id_from_location(const char *loc, char *out, size_t len, char *err)
{
    static const char marker[] = "/registrations/";
    const char *p = loc != NULL ? strstr(loc, marker) : NULL;
    char why[EDGE_ERR_LEN];

    if (p == NULL)
        return edge_err(err, "201 without a Location naming .../registrations/{registrationId}");
    p += sizeof(marker) - 1;
    if (strlen(p) >= len || js_valid_id(p, why) < 0)
        return edge_err(err, "Location: registrationId \"%.64s\": %s", p,
                        strlen(p) >= len ? "too long" : why);
    snprintf(out, len, "%s", p);
    return 0;
}

/* EECRegistration as the EEC sends it on POST and PUT. */
static json_t *
eec_reg_body(struct eec *e, const struct eec_reg_args *a)
{
    json_t *ac_profs = a->ac_profs != NULL ? a->ac_profs : e->cf.ac_profs;

    return json_pack("{s:s, s:s*, s:O*, s:s*, s:s*}", "eecId", e->n.name, "ueId",
                     eec_args_ueid(e, a->ue_id), "acProfs", ac_profs, "eecCntxId", a->cntx_id,
                     "srcEesId", a->src_ees);
}

/* An EECRegistration answer body (201, or 200 to a PUT); none is also fine. The EES says how a
 * context pull went in "cntxPull" (edge-ees's extension), passed on to the runner. */
static int
eec_reg_answer(const struct http_client_resp *r, json_t *result, json_t **body)
{
    *body = NULL;
    if (r->body_len == 0)
        return 0;
    return eec_call_body(r, edgeapp_eec_registration, "cntxPull", result, body);
}

static void
eec_register_done(struct eec_call *c, const struct http_client_resp *r, json_t *result)
{
    struct eec_ees *x = eec_ees_find(c->e, c->ees_id);
    char reg_id[EDGEAPP_ID_MAX], err[EDGE_ERR_LEN];
    json_t *body;

    json_object_set_new(result, "regId", json_null());
    json_object_set_new(result, "eecCntxId", json_null());
    if (r->status != 201 || x == NULL || eec_reg_answer(r, result, &body) < 0)
        return;
    if (eec_reg_id_from_location(http_client_resp_header(r, "Location"), reg_id, sizeof(reg_id),
                                 err) < 0) {
        json_object_set_new(result, "error", json_string(err));
        json_decref(body);
        return;
    }
    const char *cntx = json_string_value(json_object_get(body, "eecCntxId"));
    const char *exp = json_string_value(json_object_get(body, "expTime"));
    eec_ees_set_registration(x, reg_id, cntx, exp, c->token, 0);
    json_object_set_new(result, "regId", json_string(reg_id));
    json_object_set_new(result, "eecCntxId", cntx != NULL ? json_string(cntx) : json_null());
    json_object_set_new(result, "expTime", exp != NULL ? json_string(exp) : json_null());
    json_t *data = json_pack("{s:s, s:s?, s:s?, s:b}", "regId", reg_id, "eecCntxId", cntx,
                             "expTime", exp, "bearer", c->token != NULL);
    node_log(&c->e->n, "registration", x->id, NULL, data, "registered at %s: %s", x->id, reg_id);
    json_decref(data);
    json_decref(body);
}

void
eec_register_cmd(struct ctl_req *req, json_t *args, void *arg)
{
    struct eec *e = arg;
    struct eec_reg_args a = {0};
    struct eec_ees *x;
    struct eec_call *c;

    if (eec_args_decode(req, args, eec_register_fields, &a) < 0)
        return;
    if ((a.cntx_id == NULL) != (a.src_ees == NULL)) { /* TS 23.558 8.9.2.2 needs both */
        ctl_reply_error(req, EEC_CTL_BAD_ARGS, "register: eecCntxId and srcEesId go together");
        return;
    }
    if ((x = eec_args_ees(e, req, a.ees)) == NULL)
        return;
    /* A first registration carries what the ECS gave for this EES, never another's token. */
    const char *token = eec_args_token(x, a.token != NULL ? a.token : "provisioned");
    json_t *body = eec_reg_body(e, &a);
    if ((c = eec_call_new(e, req, x->id, token, eec_register_done)) != NULL)
        eec_call_send(c, "POST", x->host, EDGEAPP_PATH_EECREG, body);
    json_decref(body);
}

/* The registration a PUT or DELETE names, or NULL (replied). */
static struct eec_ees *
eec_reg_existing(struct eec *e, struct ctl_req *req, const char *id)
{
    struct eec_ees *x = eec_args_ees(e, req, id);

    if (x != NULL && x->reg_id[0] == '\0') {
        ctl_reply_error(req, EEC_CTL_NOT_REGISTERED, "%s: not registered at %s", ctl_req_cmd(req),
                        id);
        return NULL;
    }
    return x;
}

static void
eec_update_done(struct eec_call *c, const struct http_client_resp *r, json_t *result)
{
    struct eec_ees *x = eec_ees_find(c->e, c->ees_id);
    const char *reg_id = json_string_value(json_object_get(c->ctx, "regId"));
    json_t *body;

    json_object_set_new(result, "regId", json_string(reg_id));
    if ((r->status != 200 && r->status != 204) || eec_reg_answer(r, result, &body) < 0)
        return;
    const char *exp = json_string_value(json_object_get(body, "expTime"));
    if (x != NULL && strcmp(x->reg_id, reg_id) == 0 && exp != NULL)
        snprintf(x->exp_time, sizeof(x->exp_time), "%s", exp);
    node_log(&c->e->n, "registration", c->ees_id, NULL, NULL, "registration %s at %s updated",
             reg_id, c->ees_id);
    json_decref(body);
}

void
eec_update_cmd(struct ctl_req *req, json_t *args, void *arg)
{
    struct eec *e = arg;
    struct eec_reg_args a = {0};
    struct eec_ees *x;
    struct eec_call *c;
    char path[sizeof(EDGEAPP_PATH_EECREG) + EDGEAPP_ID_MAX + 1];

    if (eec_args_decode(req, args, eec_update_fields, &a) < 0 ||
        (x = eec_reg_existing(e, req, a.ees)) == NULL)
        return;
    snprintf(path, sizeof(path), "%s/%s", EDGEAPP_PATH_EECREG, x->reg_id);
    json_t *body = eec_reg_body(e, &a);
    if ((c = eec_call_new(e, req, x->id, eec_args_token(x, a.token), eec_update_done)) != NULL) {
        c->ctx = json_pack("{s:s}", "regId", x->reg_id);
        eec_call_send(c, "PUT", x->host, path, body);
    }
    json_decref(body);
}

static void
eec_deregister_done(struct eec_call *c, const struct http_client_resp *r, json_t *result)
{
    struct eec_ees *x = eec_ees_find(c->e, c->ees_id);
    const char *reg_id = json_string_value(json_object_get(c->ctx, "regId"));

    json_object_set_new(result, "regId", json_string(reg_id));
    /* 404: the EES no longer has it either (expired, or removed by ACR): forgotten alike. */
    if (r->status != 204 && r->status != 404)
        return;
    if (x != NULL && strcmp(x->reg_id, reg_id) == 0)
        eec_ees_clear_registration(x);
    node_log(&c->e->n, "registration", c->ees_id, NULL, NULL, "registration %s at %s %s", reg_id,
             c->ees_id, r->status == 204 ? "deleted" : "already gone (404)");
}

void
eec_deregister_cmd(struct ctl_req *req, json_t *args, void *arg)
{
    struct eec *e = arg;
    struct eec_reg_args a = {0};
    struct eec_ees *x;
    struct eec_call *c;
    char path[sizeof(EDGEAPP_PATH_EECREG) + EDGEAPP_ID_MAX + 1];

    if (eec_args_decode(req, args, eec_deregister_fields, &a) < 0 ||
        (x = eec_reg_existing(e, req, a.ees)) == NULL)
        return;
    snprintf(path, sizeof(path), "%s/%s", EDGEAPP_PATH_EECREG, x->reg_id);
    if ((c = eec_call_new(e, req, x->id, eec_args_token(x, a.token), eec_deregister_done)) !=
        NULL) {
        c->ctx = json_pack("{s:s}", "regId", x->reg_id);
        eec_call_send(c, "DELETE", x->host, path, NULL);
    }
}

void
eec_registrations_cmd(struct ctl_req *req, json_t *args, void *arg)
{
    struct eec *e = arg;
    static const struct js_field none[] = {{0}};

    if (eec_args_decode(req, args, none, NULL) < 0)
        return;
    ctl_reply(req, json_pack("{s:o}", "registrations", eec_ees_registrations(e)));
}
