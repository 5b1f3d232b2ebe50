/* ecs_ecsprov.c -- EDGE-10 Eecs_ECSServiceProvisioning (TS 29.558 6.5, TS 23.558 8.17.2.4: the
 * "service provisioning information retrieval" of one ECS at a partner ECS), server side and as a
 * client of the peer ECSes. It answers three needs with one operation:
 *   - where is the T-EES of a token request registered (TR 33.739 6.27, TS 33.501 13.4.1.1.3
 *     step 3: "finds the target NRF"): eesIds = [the T-EES];
 *   - which T-EESes at partner ECSes offer an EAS (target EES discovery, TS 23.558 8.8.3.3):
 *     easIds = [the EAS];
 *   - which partner EESes serve an EEC this ECS provisions (TS 23.558 8.17.2.4, 8.18.2.2), with
 *     the EEC's tokens for them signed by the partner: eecId, ueId, acProfs, locInf.
 *
 *   POST /eecs-ecsserviceprovisioning/v1/request      (body: edgeapp_ecs_servprov_req)
 *   Via: <ECSes that asked so far>   3gpp-Sbi-Max-Forward-Hops: <further ECS hops allowed>
 *   3gpp-Sbi-Max-Rsp-Time: <ms the asker waits>
 *   200 ECSServProvResp {"ednCnfgInfo": [{"ednConInfo": {}, "eess": [EESInfo + regEcs, ecsHops,
 *       authzMethod (+ accessToken)], "lifeTime"}]};  204 nothing found;
 *   504 TARGET_NF_NOT_REACHABLE nothing found and a peer further on did not answer
 *
 * Only configured peer ECSes may ask (mutual TLS; 403 NOT_A_PEER_ECS otherwise), as themselves
 * (requestorEcs). A lookup (no eecId) with hops left is passed on to the answering ECS's own peers
 * (never one in Via) for what it does not hold, as TS 33.501 allows "multiple NRF hops"; an EEC's
 * provisioning is answered from the partner's own EESes only: it signs tokens for an EEC that the
 * asking ECS, its direct partner, authenticated. */
#include "ecs.h"
#include "edgeapp/edgeapp_paths.h"
#include "base/err.h"
#include "net/problem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ECSPROV_MAX_ENTRIES 64 /* EESInfo entries in one answer (the EDGEAPP array cap) */

/* ---- client side: ask every peer, collect ---- */

struct ecsprov_ask {
    struct ecs *e;
    ecs_ask_fn cb;
    void *arg;
    json_t *found, *errors;
    int pending;
};

struct ecsprov_call {
    struct ecsprov_ask *ak;
    char peer[EDGE_FQDN_MAX];
};

static void
ask_finish(struct ecsprov_ask *ak)
{
    ak->cb(ak->e, ak->found, ak->errors, ak->arg);
    json_decref(ak->found);
    json_decref(ak->errors);
    free(ak);
}

static void
ask_deferred(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    ask_finish(arg);
}

static void
ask_error(struct ecsprov_ask *ak, const char *peer, int status, const char *cause, const char *what)
{
    json_array_append_new(ak->errors, json_pack("{s:s, s:i, s:s?, s:s}", "peer", peer, "status",
                                                status, "cause", cause, "error", what));
}

/* A refusal or a failure, in one sentence with the peer's detail. */
static void
ask_failed(struct ecsprov_call *c, const struct http_client_resp *r)
{
    json_t *pd = r->body_len > 0 ? json_loadb(r->body, r->body_len, 0, NULL) : NULL;
    char what[EDGE_ERR_LEN];

    snprintf(what, sizeof(what), "%s%s%s", r->status ? "answered " : "",
             r->status ? problem_title(r->status) : (r->error ? r->error : "no answer"),
             problem_detail(pd) ? ": " : "");
    if (problem_detail(pd) != NULL)
        snprintf(what + strlen(what), sizeof(what) - strlen(what), "%.160s", problem_detail(pd));
    ask_error(c->ak, c->peer, r->status, r->status ? problem_cause(pd) : r->error_cause, what);
    json_decref(pd);
}

/* One peer's answer: the EESes it holds or reaches, as hops from here (one more than from it). */
static void
ask_take(struct ecsprov_call *c, const struct http_client_resp *r)
{
    struct ecsprov_ask *ak = c->ak;
    json_t *body = NULL, *edn, *info;
    char err[EDGE_ERR_LEN];
    size_t i, j;

    if (r->status == 204)
        return;
    if (r->status != 200) {
        ask_failed(c, r);
        return;
    }
    if (js_loads(r->body, r->body_len, &body, err) < 0 ||
        js_decode(body, "", edgeapp_servprov_resp, NULL, NULL, err) < 0) {
        ask_error(ak, c->peer, r->status, PROBLEM_INVALID_MSG_FORMAT, err);
        goto done;
    }
    json_array_foreach(json_object_get(body, "ednCnfgInfo"), i, edn)
    {
        json_array_foreach(json_object_get(edn, "eess"), j, info)
        {
            json_int_t hops = json_integer_value(json_object_get(info, "ecsHops")) + 1;
            json_t *ent, *copy = json_deep_copy(info);
            if (copy == NULL)
                continue;
            if (json_object_get(copy, "regEcs") == NULL) /* held by the peer itself */
                json_object_set_new(copy, "regEcs", json_string(c->peer));
            ent = json_pack("{s:o, s:s, s:I, s:O?}", "info", copy, "peer", c->peer, "hops", hops,
                            "lifeTime", json_object_get(edn, "lifeTime"));
            if (ent != NULL && json_object_get(copy, "accessToken") == NULL)
                ecs_where_put(ak->e, ent, NULL);
            json_array_append_new(ak->found, ent);
        }
    }
done:
    json_decref(body);
}

static void
ask_resp(const struct http_client_resp *r, void *arg)
{
    struct ecsprov_call *c = arg;
    struct ecsprov_ask *ak = c->ak;

    if (!ak->e->stopping)
        ask_take(c, r);
    free(c);
    if (--ak->pending == 0)
        ask_finish(ak);
}

/* The request body (edgeapp_ecs_servprov_req); NULL when out of memory. */
static json_t *
ask_body(const struct ecs *e, const struct ecs_ask *q)
{
    json_t *b = json_pack("{s:s}", "requestorEcs", e->node.name);

    if (b == NULL)
        return NULL;
    if (q->eec_id != NULL)
        json_object_set_new(b, "eecId", json_string(q->eec_id));
    if (q->ue_id != NULL)
        json_object_set_new(b, "ueId", json_string(q->ue_id));
    if (q->ac_profs != NULL)
        json_object_set(b, "acProfs", (json_t *)q->ac_profs);
    if (q->loc_inf != NULL)
        json_object_set(b, "locInf", (json_t *)q->loc_inf);
    if (q->ees_id != NULL)
        json_object_set_new(b, "eesIds", json_pack("[s]", q->ees_id));
    if (q->eas_id != NULL)
        json_object_set_new(b, "easIds", json_pack("[s]", q->eas_id));
    return b;
}

/* Send to one peer; a failure to send is an error entry. */
static void
ask_peer(struct ecsprov_ask *ak, const char *peer, const json_t *body, const char *const *headers,
         long long deadline)
{
    struct ecsprov_call *c = calloc(1, sizeof(*c));
    char why[EDGE_ERR_LEN];

    if (c == NULL) {
        ask_error(ak, peer, 0, NULL, "out of memory");
        return;
    }
    c->ak = ak;
    snprintf(c->peer, sizeof(c->peer), "%s", peer);
    if (node_send_json_within(&ak->e->node, ecs_time_left(deadline), "POST", peer,
                              EDGEAPP_PATH_ECSPROV, body, headers, ask_resp, c, why) < 0) {
        ask_error(ak, peer, 0, HTTP_CLIENT_CONNECT_FAILED, why);
        free(c);
        return;
    }
    ak->pending++;
}

int
ecs_ecsprov_ask(struct ecs *e, const struct ecs_ask *q, const struct via *via, unsigned hops_left,
                long long deadline, ecs_ask_fn cb, void *arg, char *err)
{
    struct ecsprov_ask *ak = calloc(1, sizeof(*ak));
    char via_text[VIA_TEXT_LEN], hops_text[16], rsp_text[16];
    const char *headers[] = {VIA_HEADER, via_text, VIA_HOPS_HEADER, hops_text, VIA_RSP_TIME_HEADER,
                             rsp_text,   NULL};
    struct via sent = *via;
    struct timeval now = {0, 0};
    json_t *body = ask_body(e, q), *v;
    size_t i;

    if (ak == NULL || body == NULL || (ak->found = json_array()) == NULL ||
        (ak->errors = json_array()) == NULL) {
        edge_err(err, "out of memory");
        goto fail;
    }
    ak->e = e;
    ak->cb = cb;
    ak->arg = arg;
    if (!via_has(&sent, e->node.name) && via_add(&sent, e->node.name) < 0) {
        edge_err(err, "Via is full");
        goto fail;
    }
    via_format(&sent, via_text, sizeof(via_text));
    snprintf(hops_text, sizeof(hops_text), "%u", hops_left);
    ecs_rsp_time(deadline, rsp_text);
    json_array_foreach(e->cfg.peers, i, v)
    {
        if (!via_has(&sent, json_string_value(v))) /* it asked already: no loops */
            ask_peer(ak, json_string_value(v), body, headers, deadline);
    }
    json_decref(body);
    /* The callback always comes from the loop, never from inside this call. */
    if (ak->pending == 0 &&
        event_base_once(e->node.base, -1, EV_TIMEOUT, ask_deferred, ak, &now) < 0) {
        edge_err(err, "cannot schedule the answer");
        body = NULL;
        goto fail;
    }
    return 0;
fail:
    json_decref(body);
    if (ak != NULL) {
        json_decref(ak->found);
        json_decref(ak->errors);
        free(ak);
    }
    return -1;
}

/* ---- server side ---- */

struct ecsprov_req {
    struct ecs *e;
    struct http_req *req;
    json_t *body;
    json_t *eess;      /* EESInfo entries so far */
    long long min_exp; /* lifeTime: the earliest expiry of a registration or token */
    char peer[EDGE_FQDN_MAX];
};

static void
ecsprov_free(struct ecsprov_req *d)
{
    json_decref(d->body);
    json_decref(d->eess);
    free(d);
}

/* An EEC's token for r, signed here for the EEC the asking ECS authenticated (TS 33.558 6.2 via
 * TS 23.558 8.17.2.4): authn_ecs names that ECS, sub the GPSI it authenticated. */
static int
ecsprov_token(struct ecsprov_req *d, const struct ecs_reg *r, json_t *info)
{
    struct ecs *e = d->e;
    const char *eec_id = json_string_value(json_object_get(d->body, "eecId"));
    const char *ue_id = json_string_value(json_object_get(d->body, "ueId"));
    struct token_issued t;
    char err[EDGE_ERR_LEN];

    if (token_issue_eec_for(e->keys, eec_id, ue_id, d->peer, r->fqdn, ecs_ees_scope(e, r->fqdn),
                            node_now(), e->cfg.token_lifetime, &t, err) < 0) {
        node_log(&e->node, "token", d->peer, PROBLEM_SYSTEM_FAILURE, NULL,
                 "EEC token for %s at %s not issued: %s", eec_id, r->fqdn, err);
        return -1;
    }
    json_object_set_new(info, "accessToken", json_string(t.token));
    ecs_token_report(
        e, eec_id, "issued", NULL, r->fqdn, &t,
        "EEC token %s for %s issued to EEC %s, authenticated by partner ECS %s (kid %s)", t.jti,
        r->fqdn, eec_id, d->peer, t.kid);
    if (t.exp < d->min_exp)
        d->min_exp = t.exp;
    token_issued_clear(&t);
    return 0;
}

static int
ecsprov_local(struct ecs *e, const struct ecs_reg *r, json_t *info, void *arg)
{
    struct ecsprov_req *d = arg;
    const char *eec_id = json_string_value(json_object_get(d->body, "eecId"));

    json_object_set_new(info, "regEcs", json_string(e->node.name));
    json_object_set_new(info, "ecsHops", json_integer(0));
    if (r->exp < d->min_exp)
        d->min_exp = r->exp;
    if (eec_id != NULL) {
        char how[EDGE_FQDN_MAX + 64];
        if (ecs_ees_uses_token(e, r->fqdn) && ecsprov_token(d, r, info) < 0) {
            json_decref(info);
            return -1;
        }
        snprintf(how, sizeof(how), "provisioned for partner ECS %s", d->peer);
        ecs_eecs_note(e, eec_id, r->fqdn, how);
    }
    if (json_array_size(d->eess) < ECSPROV_MAX_ENTRIES)
        json_array_append(d->eess, info);
    json_decref(info);
    return 0;
}

/* The answer: what was found here and further on; 204 when nothing, 504 when nothing and a peer
 * further on did not answer (the asker cannot tell "nowhere" from "not asked"). */
static void
ecsprov_answer(struct ecsprov_req *d, json_t *found, json_t *errors)
{
    json_t *ent, *err_ent, *data, *edn;
    char when[JS_TIME_LEN];
    int unreachable = 0;
    size_t i;

    json_array_foreach(found, i, ent)
    {
        json_t *info = json_deep_copy(json_object_get(ent, "info"));
        if (info == NULL || json_array_size(d->eess) >= ECSPROV_MAX_ENTRIES) {
            json_decref(info);
            continue;
        }
        json_object_set(info, "ecsHops", json_object_get(ent, "hops"));
        json_array_append_new(d->eess, info);
    }
    json_array_foreach(errors, i, err_ent) unreachable |=
        json_integer_value(json_object_get(err_ent, "status")) == 0;
    data = json_pack("{s:s, s:I, s:O*}", "asker", d->peer, "found",
                     (json_int_t)json_array_size(d->eess), "peerErrors",
                     json_array_size(errors) > 0 ? errors : NULL);
    node_log(&d->e->node, "lookup", d->peer, NULL, data,
             "EDGE-10 service provisioning request from %s: %zu EES(s)", d->peer,
             json_array_size(d->eess));
    json_decref(data);
    if (json_array_size(d->eess) == 0) {
        if (unreachable)
            ecs_refuse(d->req, ECS_R_PEER_UNREACHABLE,
                       "no EES found at %s, and a peer ECS further on did not answer",
                       d->e->node.name);
        else
            http_reply(d->req, 204, NULL, NULL, 0);
        return;
    }
    edn = json_pack("{s:{}, s:O}", "ednConInfo", "eess", d->eess);
    if (edn != NULL && js_time_format((time_t)d->min_exp, when, sizeof(when)) == 0)
        json_object_set_new(edn, "lifeTime", json_string(when));
    http_reply_json(d->req, 200, json_pack("{s:[o]}", "ednCnfgInfo", edn));
}

static void
ecsprov_done(struct ecs *e, json_t *found, json_t *errors, void *arg)
{
    struct ecsprov_req *d = arg;

    if (!e->stopping)
        ecsprov_answer(d, found, errors);
    ecsprov_free(d);
}

/* The asker: a configured peer ECS, naming itself. On refusal the reply is sent. */
static int
ecsprov_asker(struct ecsprov_req *d, const struct edge_peer *p)
{
    const char *requestor = json_string_value(json_object_get(d->body, "requestorEcs"));
    const char *eec_id = json_string_value(json_object_get(d->body, "eecId"));

    if (strcasecmp(requestor, p->fqdn) != 0) {
        ecs_refuse(d->req, ECS_R_REQUESTOR_MISMATCH,
                   "requestorEcs %s is not %s, the ECS of the TLS certificate", requestor, p->fqdn);
        return -1;
    }
    if (eec_id != NULL && !ecs_eec_allowed(d->e, eec_id)) {
        ecs_refuse(d->req, ECS_R_EEC_NOT_AUTHORIZED,
                   "EEC %s is not authorized by the local policy of %s", eec_id, d->e->node.name);
        return -1;
    }
    return 0;
}

/* Pass a lookup on to this ECS's own peers: 1 when started (the answer follows), 0 when not to be
 * passed on, -1 when it failed (the reply is sent). */
static int
ecsprov_pass_on(struct ecsprov_req *d, const struct edge_peer *p)
{
    struct ecs *e = d->e;
    const json_t *b = d->body;
    const char *ees_id = json_string_value(json_array_get(json_object_get(b, "eesIds"), 0));
    const char *eas_id = json_string_value(json_array_get(json_object_get(b, "easIds"), 0));
    struct ecs_ask q = {
        .ees_id = ees_id, .eas_id = eas_id, .loc_inf = json_object_get(b, "locInf")};
    struct via via;
    char err[EDGE_ERR_LEN] = "";
    int left;
    unsigned budget;

    if (json_object_get(b, "eecId") != NULL || json_array_size(json_object_get(b, "eesIds")) > 1 ||
        json_array_size(json_object_get(b, "easIds")) > 1 ||
        (ees_id != NULL && json_array_size(d->eess) > 0))
        return 0; /* an EEC's provisioning, or what was asked for is here */
    if (via_parse(http_req_header(d->req, VIA_HEADER), &via, err) < 0 ||
        (left = via_hops_parse(http_req_header(d->req, VIA_HOPS_HEADER))) == -2) {
        ecs_refuse(d->req, ECS_R_HEADER_INVALID, "%s", err[0] ? err : "bad hop count");
        return -1;
    }
    if (!via_has(&via, p->fqdn))
        via_add(&via, p->fqdn);
    /* This ECS's own maxForwardHops bounds the lookup as it bounds a forward (ecs_budget.c): a
     * T-EES that no token request could reach through here is not offered. */
    budget = ecs_hop_budget(e, &via, left);
    if (via_has(&via, e->node.name) || via.n >= budget)
        return 0;
    http_req_hold(d->req);
    if (ecs_ecsprov_ask(e, &q, &via, budget - (unsigned)via.n - 1, ecs_deadline(e, d->req),
                        ecsprov_done, d, err) == 0)
        return 1;
    ecs_refuse(d->req, ECS_R_INTERNAL, "cannot ask the peer ECSes: %s", err);
    return -1;
}

/* POST /eecs-ecsserviceprovisioning/v1/request */
static void
ecsprov_request(struct http_req *req, void *arg)
{
    struct ecs *e = arg;
    const struct edge_peer *p = http_req_peer(req);
    struct ecsprov_req *d = NULL;
    struct ecs_filter f;
    int rc;

    if (p->mode != EDGE_PEER_CERT || !ecs_is_peer(e, p->fqdn)) {
        ecs_refuse(
            req, ECS_R_NOT_PEER_ECS,
            "%s is not a peer ECS of %s: EDGE-10 service provisioning is for peer ECSes only",
            p->fqdn[0] ? p->fqdn : "the client", e->node.name);
        return;
    }
    if ((d = calloc(1, sizeof(*d))) == NULL || (d->eess = json_array()) == NULL) {
        ecs_refuse(req, ECS_R_INTERNAL, "out of memory");
        goto done;
    }
    d->e = e;
    d->req = req;
    d->min_exp = node_now() + TOKEN_LIFETIME_MAX;
    snprintf(d->peer, sizeof(d->peer), "%s", p->fqdn);
    if ((d->body = node_req_body(req, edgeapp_ecs_servprov_req)) == NULL || ecsprov_asker(d, p) < 0)
        goto done;
    f = (struct ecs_filter){
        .ac_profs = json_object_get(d->body, "acProfs"),
        .eas_ids = json_object_get(d->body, "easIds"),
        .ees_ids = json_object_get(d->body, "eesIds"),
        .loc_inf = json_object_get(d->body, "locInf"),
    };
    if (ecs_select(e, &f, ecsprov_local, d) < 0) {
        ecs_refuse(req, ECS_R_INTERNAL, "cannot select the EESes");
        goto done;
    }
    if ((rc = ecsprov_pass_on(d, p)) != 0) {
        if (rc > 0)
            return; /* ecsprov_done answers and frees */
        goto done;
    }
    ecsprov_answer(d, NULL, NULL);
done:
    if (d != NULL)
        ecsprov_free(d);
}

int
ecs_ecsprov_setup(struct ecs *e, char *err)
{
    return http_server_route(e->node.http, "POST", EDGEAPP_PATH_ECSPROV, ecsprov_request, e, err);
}
