/* ecs_provisioning.c -- EDGE-4 Eecs_ServiceProvisioning at the ECS, POST /request (TS 24.558
 * 7.2.2.2.2, TS 23.558 8.3.3): authenticate the EEC and its GPSI (TS 33.558 6.2), authorize it by
 * local policy, select the EESes for its AC profiles and location, and hand it a separate access
 * token for each selected EES configured for token-based authorization (EESInfo.accessToken, the
 * edgesim extension of edgeapp.h). */
#include "ecs.h"
#include "edgeapp/edgeapp.h"
#include "base/err.h"
#include "auth/gpsi_auth.h"
#include "net/problem.h"

#include <stdio.h>
#include <string.h>

#define SERVPROV_PATH "/eecs-serviceprovisioning/v1/request"

/* The EAS IDs the AC profiles ask for (acProfs[].eass[].easId), or NULL when none is named: then
 * the profiles constrain nothing and every EES is a candidate. */
static json_t *
servprov_wanted(const json_t *body)
{
    json_t *wanted = json_array(), *ac, *eas;
    size_t i, j;

    json_array_foreach(json_object_get(body, "acProfs"), i, ac)
    {
        json_array_foreach(json_object_get(ac, "eass"), j, eas)
        {
            json_array_append(wanted, json_object_get(eas, "easId"));
        }
    }
    if (json_array_size(wanted) == 0) {
        json_decref(wanted);
        return NULL;
    }
    return wanted;
}

/* The EES's easIds that the EEC wants (all of them when it names none); empty: not a candidate. */
static json_t *
servprov_eas_match(const struct ecs_reg *r, const json_t *wanted)
{
    json_t *offered = json_object_get(r->prof, "easIds"), *out, *w;
    size_t i;

    if (wanted == NULL)
        return json_deep_copy(offered != NULL ? offered : json_array());
    out = json_array();
    json_array_foreach(wanted, i, w)
    {
        if (ecs_reg_offers(r, json_string_value(w)))
            json_array_append(out, w);
    }
    return out;
}

/* TS 33.558 6.2: "the ECS ... issues separate" tokens, one per candidate EES configured for
 * token-based authorization; aud binds each to its EES. */
static int
servprov_token(struct ecs *e, const struct edge_peer *p, const char *gpsi, const struct ecs_reg *r,
               json_t *info, long long *min_exp, char *err)
{
    struct token_issued t;

    if (token_issue_eec(e->keys, p, gpsi, r->fqdn, ecs_ees_scope(e, r->fqdn), node_now(),
                        e->cfg.token_lifetime, &t, err) < 0)
        return -1;
    json_object_set_new(info, "accessToken", json_string(t.token));
    ecs_token_report(e, p->eec_id, "issued", NULL, r->fqdn, &t,
                     "EEC token %s for %s issued to EEC %s%s%s (kid %s)", t.jti, r->fqdn, p->eec_id,
                     gpsi ? ", sub " : "", gpsi ? gpsi : "", t.kid);
    if (t.exp < *min_exp)
        *min_exp = t.exp;
    token_issued_clear(&t);
    return 0;
}

/* One EESInfo (TS 24.558 Eecs_ServiceProvisioning) per selected EES; an error is a 500. */
static int
servprov_select(struct ecs *e, const struct edge_peer *p, const json_t *body, json_t *eess,
                long long *min_exp, char *err)
{
    const char *gpsi = json_string_value(json_object_get(body, "ueId"));
    const json_t *loc = json_object_get(body, "locInf");
    json_t *wanted = servprov_wanted(body);
    /* How the EEC authenticated to us is how it can authenticate to the EES (TS 33.558 6.2). */
    const char *method = p->mode != EDGE_PEER_PSK ? "TLS_CLIENT_SERVER_CERTIFICATE"
                         : strcmp(keyfetch_method(e->node.keys, p->psk_identity), "gba") == 0
                             ? "TLS_WITH_GBA"
                             : "TLS_WITH_AKMA";
    int rc = 0;

    for (struct ecs_reg *r = ecs_registry_first(e->reg); r != NULL && rc == 0; r = r->next) {
        json_t *eas, *info;

        if (!edgeapp_area_covers(json_object_get(r->prof, "svcArea"), loc))
            continue;
        if ((eas = servprov_eas_match(r, wanted)) == NULL || json_array_size(eas) == 0) {
            json_decref(eas);
            continue;
        }
        info = json_pack("{s:O, s:O, s:o, s:O, s:[s]}", "eesId", json_object_get(r->prof, "eesId"),
                         "endPt", json_object_get(r->prof, "endPt"), "easIds", eas, "eecRegConf",
                         json_object_get(r->prof, "eecRegConf"), "eesAuthMethods", method);
        if (info == NULL) {
            rc = edge_err(err, "out of memory");
            break;
        }
        if (json_object_get(r->prof, "svcArea") != NULL)
            json_object_set(info, "svcArea", json_object_get(r->prof, "svcArea"));
        if (r->exp < *min_exp)
            *min_exp = r->exp;
        if (ecs_ees_uses_token(e, r->fqdn))
            rc = servprov_token(e, p, gpsi, r, info, min_exp, err);
        json_array_append_new(eess, info);
    }
    json_decref(wanted);
    return rc;
}

static void
servprov_log(struct ecs *e, const char *eec_id, const json_t *eess)
{
    json_t *data = json_pack("{s:s, s:[]}", "eecId", eec_id, "eess"), *info;
    size_t i;

    json_array_foreach(eess, i, info)
    {
        json_array_append_new(json_object_get(data, "eess"),
                              json_pack("{s:O, s:s}", "eesId", json_object_get(info, "eesId"),
                                        "auth",
                                        json_object_get(info, "accessToken") ? "token" : "local"));
    }
    node_log(&e->node, "provisioning", eec_id, NULL, data,
             "service provisioning for EEC %s: %zu EES(s) selected", eec_id, json_array_size(eess));
    json_decref(data);
}

/* POST /eecs-serviceprovisioning/v1/request (RequestServProv): 200 ECSServProvResp, or 204 when
 * no EES matches. */
static void
servprov_request(struct http_req *req, void *arg)
{
    struct ecs *e = arg;
    const struct edge_peer *p = http_req_peer(req);
    json_t *body = NULL, *eess = NULL;
    const char *eec_id;
    enum gpsi_verdict v;
    long long min_exp = node_now() + TOKEN_LIFETIME_MAX;
    char err[EDGE_ERR_LEN], when[JS_TIME_LEN];

    if ((body = node_req_body(req, edgeapp_servprov_req)) == NULL)
        goto done;
    eec_id = json_string_value(json_object_get(body, "eecId"));
    v = gpsi_authenticate(p, eec_id, json_string_value(json_object_get(body, "ueId")),
                          e->node.subs);
    if (v != GPSI_OK) {
        http_reply_problem(req, 403, gpsi_verdict_cause(v), "%s", gpsi_verdict_text(v));
        goto done;
    }
    if (!ecs_eec_allowed(e, eec_id)) {
        ecs_refuse(req, ECS_R_EEC_NOT_AUTHORIZED,
                   "EEC %s is not authorized by the local policy of %s", eec_id, e->node.name);
        goto done;
    }
    if ((eess = json_array()) == NULL || servprov_select(e, p, body, eess, &min_exp, err) < 0) {
        ecs_refuse(req, ECS_R_INTERNAL, "cannot provision: %s", err);
        goto done;
    }
    servprov_log(e, eec_id, eess);
    if (json_array_size(eess) == 0) {
        http_reply(req, 204, NULL, NULL, 0);
        goto done;
    }
    /* lifeTime: how long the EEC may use the answer; no longer than its tokens and the EESes'
     * registrations last. ednConInfo is required but edgesim has one EDN: all members optional. */
    js_time_format((time_t)min_exp, when, sizeof(when));
    http_reply_json(req, 200,
                    json_pack("{s:[{s:{}, s:O, s:s}]}", "ednCnfgInfo", "ednConInfo", "eess", eess,
                              "lifeTime", when));
done:
    json_decref(eess);
    json_decref(body);
}

int
ecs_provisioning_setup(struct ecs *e, char *err)
{
    return http_server_route(e->node.http, "POST", SERVPROV_PATH, servprov_request, e, err);
}
