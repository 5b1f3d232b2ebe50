/* ecs_provisioning.c -- EDGE-4 Eecs_ServiceProvisioning at the ECS, POST /request (TS 24.558
 * 7.2.2.2.2, TS 23.558 8.3.3): authenticate the EEC and its GPSI (TS 33.558 6.2), authorize it by
 * local policy, select the EESes for its AC profiles and location, and hand it a separate access
 * token for each selected EES configured for token-based authorization (EESInfo.accessToken, the
 * edgesim extension of edgeapp.h). When no EES registered here serves the request, the partner
 * ECSes are asked over EDGE-10 (TS 23.558 8.17.2.4, as 8.18.2.2 does on a provisioning request):
 * each signs the EEC's tokens for its own EESes, for the EEC this ECS authenticated. That is how
 * an EEC relocated to a T-EES at another ECS gets the token it needs there.
 *
 * An EEC without a client credential (TLS with the server certificate only; the NOTE of TS
 * 33.558 6.2 leaves to the ECS "which information within a service procedure and services will
 * be provided") reaches this API only where tls.serverCertOnlyApis opens it, and then gets the
 * EESes for its AC profiles and location and nothing bound to an identity: no tokens, no GPSI
 * (one it sends is never authenticated: 403 GPSI_NOT_AUTHENTICATED), no EEC-EES binding, no
 * local-policy decision on an eecId it only claims; partner ECSes are asked as for a lookup. */
#include "ecs.h"
#include "edgeapp/edgeapp_paths.h"
#include "edgeapp/edgeapp.h"
#include "base/err.h"
#include "auth/gpsi_auth.h"
#include "net/problem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One provisioning request, held while partner ECSes are asked. */
struct servprov {
    struct ecs *e;
    struct http_req *req;
    json_t *body;
    json_t *eess;
    int anonymous; /* no client credential: nothing identity-bound (see the top) */
    long long min_exp;
    struct edge_peer peer;
    char eec_id[EDGE_ID_MAX]; /* the request's eecId (authenticated unless anonymous) */
};

static void
servprov_free(struct servprov *sp)
{
    json_decref(sp->body);
    json_decref(sp->eess);
    free(sp);
}

/* TS 33.558 6.2: "the ECS ... issues separate" tokens, one per candidate EES configured for
 * token-based authorization; aud binds each to its EES. */
static int
servprov_token(struct servprov *sp, const struct ecs_reg *r, json_t *info, char *err)
{
    struct ecs *e = sp->e;
    const char *gpsi = json_string_value(json_object_get(sp->body, "ueId"));
    struct token_issued t;

    if (token_issue_eec(e->keys, &sp->peer, gpsi, r->fqdn, ecs_ees_scope(e, r->fqdn), node_now(),
                        e->cfg.token_lifetime, &t, err) < 0)
        return -1;
    json_object_set_new(info, "accessToken", json_string(t.token));
    ecs_token_report(e, sp->peer.eec_id, "issued", NULL, r->fqdn, &t,
                     "EEC token %s for %s issued to EEC %s%s%s (kid %s)", t.jti, r->fqdn,
                     sp->peer.eec_id, gpsi ? ", sub " : "", gpsi ? gpsi : "", t.kid);
    if (t.exp < sp->min_exp)
        sp->min_exp = t.exp;
    token_issued_clear(&t);
    return 0;
}

/* One EESInfo (TS 24.558 Eecs_ServiceProvisioning) per selected EES registered here. */
static int
servprov_local(struct ecs *e, const struct ecs_reg *r, json_t *info, void *arg)
{
    struct servprov *sp = arg;
    char err[EDGE_ERR_LEN];

    if (r->exp < sp->min_exp)
        sp->min_exp = r->exp;
    if (sp->anonymous) {
        json_array_append_new(sp->eess, info);
        return 0;
    }
    if (ecs_ees_uses_token(e, r->fqdn) && servprov_token(sp, r, info, err) < 0) {
        node_log(&e->node, "provisioning", sp->peer.eec_id, PROBLEM_SYSTEM_FAILURE, NULL,
                 "EEC token for %s not issued: %s", r->fqdn, err);
        json_decref(info);
        return -1;
    }
    ecs_eecs_note(e, sp->peer.eec_id, r->fqdn, "provisioned");
    json_array_append_new(sp->eess, info);
    return 0;
}

static void
servprov_log(struct ecs *e, const char *eec_id, int anonymous, const json_t *eess)
{
    json_t *data =
               json_pack("{s:s, s:b, s:[]}", "eecId", eec_id, "authenticated", !anonymous, "eess"),
           *info;
    size_t i;

    json_array_foreach(eess, i, info)
    {
        json_array_append_new(json_object_get(data, "eess"),
                              json_pack("{s:O, s:s}", "eesId", json_object_get(info, "eesId"),
                                        "auth",
                                        json_object_get(info, "accessToken") ? "token" : "local"));
    }
    node_log(&e->node, "provisioning", eec_id, NULL, data,
             "service provisioning for EEC %s%s: %zu EES(s) selected", eec_id,
             anonymous ? " (no client credential: no tokens, nothing identity-bound)" : "",
             json_array_size(eess));
    json_decref(data);
}

/* The answer: 200 ECSServProvResp, or 204 when no EES matches. lifeTime: how long the EEC may use
 * the answer; no longer than its tokens and the EESes' registrations last. ednConInfo is required
 * but edgesim has one EDN: all members optional. Frees sp. */
static void
servprov_answer(struct servprov *sp)
{
    char when[JS_TIME_LEN];

    servprov_log(sp->e, sp->eec_id, sp->anonymous, sp->eess);
    if (json_array_size(sp->eess) == 0) {
        http_reply(sp->req, 204, NULL, NULL, 0);
    } else {
        js_time_format((time_t)sp->min_exp, when, sizeof(when));
        http_reply_json(sp->req, 200,
                        json_pack("{s:[{s:{}, s:O, s:s}]}", "ednCnfgInfo", "ednConInfo", "eess",
                                  sp->eess, "lifeTime", when));
    }
    servprov_free(sp);
}

/* The partners answered (TS 23.558 8.17.2.4): their EESes, with the EEC's tokens they signed. */
static void
servprov_partners(struct ecs *e, json_t *found, json_t *errors, void *arg)
{
    struct servprov *sp = arg;
    json_t *ent, *info, *data;
    size_t i;

    if (e->stopping) {
        servprov_free(sp);
        return;
    }
    json_array_foreach(found, i, ent)
    {
        const char *life = json_string_value(json_object_get(ent, "lifeTime"));
        struct timespec ts;
        char why[EDGE_ERR_LEN];
        if ((info = json_deep_copy(json_object_get(ent, "info"))) == NULL)
            continue;
        if (life != NULL && js_time_parse(life, &ts, why) == 0 && ts.tv_sec < sp->min_exp)
            sp->min_exp = (long long)ts.tv_sec;
        json_array_append_new(sp->eess, info);
    }
    data = json_pack("{s:I, s:O*}", "found", (json_int_t)json_array_size(found), "peerErrors",
                     json_array_size(errors) > 0 ? errors : NULL);
    node_log(&e->node, "provisioning", sp->eec_id, NULL, data,
             "no EES here for EEC %s: %zu found at partner ECSes", sp->eec_id,
             json_array_size(found));
    json_decref(data);
    servprov_answer(sp);
}

/* Nothing here: ask the partner ECSes (TS 23.558 8.18.2.2: on a provisioning request the ECS may
 * query its partners), for this EEC, whose GPSI it authenticated (for an EEC without a credential
 * as a lookup: no eecId, no tokens). 1 when asked. */
static int
servprov_ask_partners(struct servprov *sp)
{
    struct ecs *e = sp->e;
    struct ecs_ask q = {
        .eec_id = sp->anonymous ? NULL : sp->peer.eec_id,
        .ue_id = sp->anonymous ? NULL : json_string_value(json_object_get(sp->body, "ueId")),
        .ac_profs = json_object_get(sp->body, "acProfs"),
        .loc_inf = json_object_get(sp->body, "locInf"),
    };
    struct via none = {0};
    char err[EDGE_ERR_LEN];

    if (json_array_size(sp->eess) > 0 || json_array_size(e->cfg.peers) == 0 || e->cfg.max_hops == 0)
        return 0;
    http_req_hold(sp->req);
    if (ecs_ecsprov_ask(e, &q, &none, 0, ecs_deadline(e, sp->req), servprov_partners, sp, err) == 0)
        return 1;
    node_log(&e->node, "provisioning", sp->eec_id, PROBLEM_SYSTEM_FAILURE, NULL,
             "partner ECSes not asked: %s", err);
    return 0;
}

/* POST /eecs-serviceprovisioning/v1/request (RequestServProv): 200 ECSServProvResp, or 204 when
 * no EES matches. */
static void
servprov_request(struct http_req *req, void *arg)
{
    struct ecs *e = arg;
    const struct edge_peer *p = http_req_peer(req);
    struct servprov *sp = calloc(1, sizeof(*sp));
    const char *eec_id;
    enum gpsi_verdict v;
    struct ecs_filter f;

    if (sp == NULL || (sp->eess = json_array()) == NULL) {
        ecs_refuse(req, ECS_R_INTERNAL, "out of memory");
        goto fail;
    }
    sp->e = e;
    sp->req = req;
    sp->peer = *p;
    sp->min_exp = node_now() + TOKEN_LIFETIME_MAX;
    if ((sp->body = node_req_body(req, edgeapp_servprov_req)) == NULL)
        goto fail;
    eec_id = json_string_value(json_object_get(sp->body, "eecId"));
    snprintf(sp->eec_id, sizeof(sp->eec_id), "%s", eec_id);
    v = gpsi_authenticate(p, eec_id, json_string_value(json_object_get(sp->body, "ueId")),
                          e->node.subs);
    /* No credential: this API is open to it (tls.serverCertOnlyApis), without identity. */
    sp->anonymous = v == GPSI_EEC_UNAUTHENTICATED;
    if (v != GPSI_OK && !sp->anonymous) {
        http_reply_problem(req, 403, gpsi_verdict_cause(v), "%s", gpsi_verdict_text(v));
        goto fail;
    }
    /* The local policy names EEC IDs: it can judge only an authenticated one. */
    if (!sp->anonymous && !ecs_eec_allowed(e, eec_id)) {
        ecs_refuse(req, ECS_R_EEC_NOT_AUTHORIZED,
                   "EEC %s is not authorized by the local policy of %s", eec_id, e->node.name);
        goto fail;
    }
    f = (struct ecs_filter){.ac_profs = json_object_get(sp->body, "acProfs"),
                            .loc_inf = json_object_get(sp->body, "locInf")};
    if (ecs_select(e, &f, servprov_local, sp) < 0) {
        ecs_refuse(req, ECS_R_INTERNAL, "cannot provision EEC %s", eec_id);
        goto fail;
    }
    if (servprov_ask_partners(sp))
        return; /* servprov_partners answers */
    servprov_answer(sp);
    return;
fail:
    if (sp != NULL)
        servprov_free(sp);
}

int
ecs_provisioning_setup(struct ecs *e, char *err)
{
    return http_server_route(e->node.http, "POST", EDGEAPP_PATH_SERVPROV, servprov_request, e, err);
}
