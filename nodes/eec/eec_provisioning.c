/* eec_provisioning.c -- EDGE-4 service provisioning as the EEC asks for it (TS 23.558 8.3.3,
 * TS 24.558 Eecs_ServiceProvisioning POST /request): ECSServProvReq out, and the EESInfo entries
 * of ECSServProvResp kept, each with the EEC->EES token the ECS issued for that EES
 * (TS 33.558 6.2; edgesim's EESInfo.accessToken extension). */
#include "eec.h"
#include "edgeapp/edgeapp_paths.h"

#include <stddef.h>
#include <stdio.h>

struct eec_provision_args {
    json_t *ac_profs;
    json_t *ue_id;
    json_t *loc_inf;
    const char *ecs;
};

static const struct js_field eec_provision_fields[] = {
    {.name = "acProfs",
     .type = JS_ARRAY,
     .flags = JS_STORE,
     .store = offsetof(struct eec_provision_args, ac_profs),
     .max_len = 64,
     .items = JS_OBJECT,
     .sub = edgeapp_ac_profile},
    {.name = "ueId",
     .type = JS_ANY,
     .flags = JS_STORE,
     .store = offsetof(struct eec_provision_args, ue_id),
     .check = eec_args_check_ueid},
    {.name = "locInf",
     .type = JS_OBJECT,
     .flags = JS_STORE,
     .store = offsetof(struct eec_provision_args, loc_inf),
     .sub = edgeapp_location_info},
    /* Another ECS than the configured one (an ECS the EEC learnt of, TS 23.558 8.3.3): its FQDN,
     * which must have an address in "hosts". */
    {.name = "ecs",
     .type = JS_STRING,
     .flags = JS_STORE,
     .store = offsetof(struct eec_provision_args, ecs),
     .check = js_check_fqdn},
    {0},
};

/* A new answer replaces the last one (TS 23.558 8.3.3: the EEC uses the latest EES list);
 * registrations stay, they are with the EESes. */
static void
eec_provision_forget(struct eec *e)
{
    for (size_t i = 0; i < e->nees; i++) {
        e->ees[i]->provisioned = 0;
        eec_ees_set_token(e->ees[i], NULL);
    }
}

/* Keep one EESInfo entry; add its eesId and token to the result. */
static int
eec_provision_keep(struct eec *e, const char *ecs, json_t *info, json_t *eess, json_t *tokens,
                   char *err)
{
    const char *id = json_string_value(json_object_get(info, "eesId"));
    const char *token = json_string_value(json_object_get(info, "accessToken"));
    struct eec_ees *x = eec_ees_add(e, id, err);

    if (x == NULL)
        return -1;
    if (!x->provisioned)
        json_array_append_new(eess, json_string(id));
    x->provisioned = 1;
    eec_ees_set_host(x, json_object_get(info, "endPt"));
    eec_ees_set_token(x, token);
    if (token != NULL) {
        /* A partner ECS signs the tokens for its EESes (EESInfo.regEcs, TS 23.558 8.17.2.4). */
        const char *signer = json_string_value(json_object_get(info, "regEcs"));
        json_object_set_new(tokens, id, json_string(token));
        eec_token_event(e, token, signer != NULL ? signer : ecs, id, "received");
    }
    return 0;
}

static void
eec_provision_done(struct eec_call *c, const struct http_client_resp *r, json_t *result)
{
    struct eec *e = c->e;
    json_t *eess = json_array(), *tokens = json_object(), *resp = NULL, *cfg, *info;
    char err[EDGE_ERR_LEN];
    size_t i, j;

    json_object_set_new(result, "eess", eess);
    json_object_set_new(result, "tokens", tokens);
    if (r->status == 204) { /* no EES matches the AC profiles and location */
        eec_provision_forget(e);
        node_log(&e->n, "provisioning", c->peer, NULL, NULL, "provisioned: no EES matches (204)");
        return;
    }
    if (r->status != 200 || eec_call_body(r, edgeapp_servprov_resp, NULL, result, &resp) < 0)
        return;
    eec_provision_forget(e);
    json_array_foreach(json_object_get(resp, "ednCnfgInfo"), i, cfg)
    {
        json_array_foreach(json_object_get(cfg, "eess"), j, info)
        {
            if (eec_provision_keep(e, c->peer, info, eess, tokens, err) < 0) {
                json_object_set_new(result, "error", json_string(err));
                break;
            }
        }
    }
    json_t *data = json_pack("{s:O, s:O}", "eess", eess, "tokens", tokens);
    node_log(&e->n, "provisioning", c->peer, NULL, data, "provisioned: %zu EES(es), %zu token(s)",
             json_array_size(eess), json_object_size(tokens));
    json_decref(data);
    json_decref(resp);
}

/* TS 24.558 ServProvNotification: the EDN configuration the ECS now gives (an EES came, went,
 * or changed its registration), kept as a provisioning answer is. */
void
eec_provision_notified(struct eec *e, const char *ecs, const json_t *note)
{
    json_t *eess = json_array(), *tokens = json_object(), *cfg, *info, *data;
    char err[EDGE_ERR_LEN];
    size_t i, j;

    eec_provision_forget(e);
    json_array_foreach(json_object_get(note, "ednCnfgInfo"), i, cfg)
    {
        /* An entry with no EES left says the last one went (edgesim, edgeapp_subs.c). */
        if (json_array_size(json_object_get(cfg, "eess")) == 0)
            continue;
        if (js_decode(cfg, "ednCnfgInfo[]", edgeapp_edn_config_info, NULL, NULL, err) < 0) {
            node_log(&e->n, "provisioning", ecs, "INVALID_MSG_FORMAT", NULL,
                     "service provisioning notification refused: %s", err);
            continue;
        }
        json_array_foreach(json_object_get(cfg, "eess"), j, info)
        {
            if (eec_provision_keep(e, ecs, info, eess, tokens, err) < 0)
                break;
        }
    }
    data = json_pack("{s:o, s:o}", "eess", eess, "tokens", tokens);
    node_log(&e->n, "provisioning", ecs, NULL, data, "provisioning notified: %zu EES(es) now",
             json_array_size(eess));
    json_decref(data);
}

void
eec_provision_cmd(struct ctl_req *req, json_t *args, void *arg)
{
    struct eec *e = arg;
    struct eec_provision_args a = {0};
    struct eec_call *c;
    json_t *body, *ac_profs, *loc_inf;
    const char *ue_id;

    if (eec_args_decode(req, args, eec_provision_fields, &a) < 0)
        return;
    ue_id = eec_args_ueid(e, a.ue_id);
    ac_profs = a.ac_profs != NULL ? a.ac_profs : e->cf.ac_profs;
    loc_inf = a.loc_inf != NULL ? a.loc_inf : e->cf.loc_inf;
    /* eecId is this EEC's own ID: the ECS checks it against the TLS credential
     * (TS 33.558 6.2), so a runner cannot make it lie here, only through ueId. */
    body = json_pack("{s:s, s:s*, s:O*, s:O*}", "eecId", e->n.name, "ueId", ue_id, "acProfs",
                     ac_profs, "locInf", loc_inf);
    if ((c = eec_call_new(e, req, NULL, NULL, eec_provision_done)) != NULL)
        eec_call_send(c, "POST", a.ecs != NULL ? a.ecs : e->cf.ecs, EDGEAPP_PATH_SERVPROV, body);
    json_decref(body);
}
