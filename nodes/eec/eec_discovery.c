/* eec_discovery.c -- EDGE-1 EAS discovery as the EEC asks for it (TS 23.558 8.5.2.2,
 * TS 24.558 Eees_EASDiscovery POST /eas-profiles/request-discovery): EasDiscoveryReq with
 * requestorId.eecId and a filter, and the EAS profiles of EasDiscoveryResp kept per EES (the
 * target EAS endpoint of a later ACR comes from them). */
#include "eec.h"
#include "edgeapp/edgeapp_paths.h"

#include <stddef.h>
#include <stdio.h>

struct eec_discover_args {
    const char *ees;
    const char *token;
    json_t *ue_id;
    json_t *eas_ids;
    json_t *loc_inf;
};

static const struct js_field eec_discover_fields[] = {
    {.name = "ees",
     .type = JS_STRING,
     .flags = JS_REQUIRED | JS_STORE,
     .store = offsetof(struct eec_discover_args, ees),
     .check = js_check_id},
    {.name = "token",
     .type = JS_STRING,
     .flags = JS_STORE,
     .store = offsetof(struct eec_discover_args, token),
     .check = eec_args_check_token},
    {.name = "ueId",
     .type = JS_ANY,
     .flags = JS_STORE,
     .store = offsetof(struct eec_discover_args, ue_id),
     .check = eec_args_check_ueid},
    {.name = "easIds",
     .type = JS_ARRAY,
     .flags = JS_STORE | JS_NONEMPTY,
     .store = offsetof(struct eec_discover_args, eas_ids),
     .max_len = 64,
     .items = JS_STRING,
     .item_check = js_check_id},
    {.name = "locInf",
     .type = JS_OBJECT,
     .flags = JS_STORE,
     .store = offsetof(struct eec_discover_args, loc_inf),
     .sub = edgeapp_location_info},
    {0},
};

json_t *
eec_discovery_filter(const struct eec *e, json_t *eas_ids)
{
    json_t *list = json_array(), *v;
    size_t i;

    if (eas_ids != NULL) {
        json_array_foreach(eas_ids, i, v)
            json_array_append_new(list, json_pack("{s:O}", "easId", v));
        return json_pack("{s:o}", "easChars", list);
    }
    if (e->cf.ac_profs == NULL) {
        json_decref(list);
        return NULL; /* no filter: every EAS the EES offers */
    }
    json_array_foreach(e->cf.ac_profs, i, v)
        json_array_append_new(list, json_pack("{s:O}", "acProf", v));
    return json_pack("{s:o}", "acChars", list);
}

static void
eec_discover_done(struct eec_call *c, const struct http_client_resp *r, json_t *result)
{
    struct eec_ees *x = eec_ees_find(c->e, c->ees_id);
    json_t *ids = json_array(), *resp, *profiles, *d;
    size_t i;

    json_object_set_new(result, "easIds", ids);
    if (r->status != 200 || x == NULL ||
        eec_call_body(r, edgeapp_eas_discovery_resp, NULL, result, &resp) < 0)
        return;
    profiles = json_array();
    json_array_foreach(json_object_get(resp, "discoveredEas"), i, d)
    {
        json_array_append(profiles, json_object_get(d, "eas"));
        json_array_append(ids, json_object_get(json_object_get(d, "eas"), "easId"));
    }
    json_decref(x->eas);
    x->eas = profiles;
    json_t *data = json_pack("{s:O}", "easIds", ids);
    node_log(&c->e->n, "discovery", x->id, NULL, data, "%zu EAS(es) discovered at %s",
             json_array_size(ids), x->id);
    json_decref(data);
    json_decref(resp);
}

void
eec_discover_cmd(struct ctl_req *req, json_t *args, void *arg)
{
    struct eec *e = arg;
    struct eec_discover_args a = {0};
    struct eec_ees *x;
    struct eec_call *c;

    if (eec_args_decode(req, args, eec_discover_fields, &a) < 0 ||
        (x = eec_args_ees(e, req, a.ees)) == NULL)
        return;
    json_t *body = json_pack("{s:{s:s}, s:s*, s:o*, s:O*}", "requestorId", "eecId", e->n.name,
                             "ueId", eec_args_ueid(e, a.ue_id), "easDiscoveryFilter",
                             eec_discovery_filter(e, a.eas_ids), "locInf",
                             a.loc_inf != NULL ? a.loc_inf : e->cf.loc_inf);
    if ((c = eec_call_new(e, req, x->id, eec_args_token(x, a.token), eec_discover_done)) != NULL)
        eec_call_send(c, "POST", x->host, EDGEAPP_PATH_EASDISC, body);
    json_decref(body);
}
