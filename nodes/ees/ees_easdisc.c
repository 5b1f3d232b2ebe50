/* ees_easdisc.c -- Eees_EASDiscovery at this EES (TS 24.558, TS 23.558 8.5.2.2, 8.8.3.2): POST
 * /eas-profiles/request-discovery answers with the EAS profiles registered here (EDGE-3) and
 * those of its config that match the filter (AC profiles' EAS IDs, EAS characteristics' easId,
 * the UE location against each EAS's service area). The requestor is an EEC, authenticated and
 * authorized as on every EDGE-1 call (TS 33.558 6.3) and registered here when eecRegConf says
 * EECs must register, an EES over EDGE-9 (bearer token of its ECS, TR 33.739 6.27), or an EAS
 * over EDGE-3 (its certificate and this EES's policy). */
#include "ees.h"
#include "edgeapp/edgeapp_paths.h"
#include "base/err.h"
#include "net/problem.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The easIds the filter asks for; empty: every EAS. */
static json_t *
disc_wanted(const json_t *filter)
{
    json_t *ids = json_array(), *ac, *eas;
    size_t i, j;

    json_array_foreach(json_object_get(filter, "acChars"), i, ac)
    {
        json_array_foreach(json_object_get(json_object_get(ac, "acProf"), "eass"), j, eas)
            json_array_append(ids, json_object_get(eas, "easId"));
    }
    json_array_foreach(json_object_get(filter, "easChars"), i, eas)
    {
        if (json_is_string(json_object_get(eas, "easId")))
            json_array_append(ids, json_object_get(eas, "easId"));
    }
    return ids;
}

static int
disc_listed(const json_t *ids, const json_t *id)
{
    json_t *v;
    size_t i;

    json_array_foreach(ids, i, v)
    {
        if (json_equal(v, id))
            return 1;
    }
    return 0;
}

json_t *
ees_easdisc_match(struct ees *e, const json_t *filter, const json_t *loc, const char *only)
{
    json_t *wanted = disc_wanted(filter), *found = json_array(), *eas;
    json_t *profiles = ees_eas_profiles(e);
    size_t i;

    if (only != NULL && json_array_size(wanted) > 0) {
        json_t *id = json_string(only);
        int asked = disc_listed(wanted, id);
        json_decref(id);
        if (!asked) { /* a change this filter does not look at */
            json_decref(found);
            found = NULL;
            goto done;
        }
    }
    json_array_foreach(profiles, i, eas)
    {
        if (json_array_size(wanted) > 0 && !disc_listed(wanted, json_object_get(eas, "easId")))
            continue;
        if (!edgeapp_area_covers(json_object_get(eas, "svcArea"), loc))
            continue;
        json_array_append_new(found, json_pack("{s:O}", "eas", eas));
    }
done:
    json_decref(profiles);
    json_decref(wanted);
    return found;
}

static void
disc_answer(struct ees *e, struct http_req *req, const json_t *body)
{
    json_t *found = ees_easdisc_match(e, json_object_get(body, "easDiscoveryFilter"),
                                      json_object_get(body, "locInf"), NULL);
    json_t *data = json_pack("{s:I}", "found", (json_int_t)json_array_size(found));

    node_log(&e->n, "discovery", tls_peer_name(http_req_peer(req)), NULL, data,
             "EAS discovery: %zu EAS profile(s) match", json_array_size(found));
    json_decref(data);
    /* TS 24.558 EasDiscoveryResp: discoveredEas may be empty when nothing matches. */
    http_reply_json(req, 200, json_pack("{s:o}", "discoveredEas", found));
}

static void
disc_eec_authorized(struct ees *e, struct http_req *req, int ok, const json_t *claims, void *arg)
{
    json_t *body = arg;
    const char *eec_id =
        json_string_value(json_object_get(json_object_get(body, "requestorId"), "eecId"));

    (void)claims;
    if (ok && !e->closing) {
        /* TS 23.558 8.5.2.2: the EES checks that the EEC is authorized; with eecRegConf
         * (EESProfile: EECs must register to use this EES) that means registered here. An EEC
         * without a credential cannot register; that it is served at all is the config's word
         * (tls.serverCertOnlyApis, ees_access.c), and a registration it claims proves nothing. */
        if (e->cfg.eec_reg_conf && http_req_peer(req)->mode != EDGE_PEER_NONE &&
            !ees_store_has_eec(e, eec_id))
            ees_refuse(req, EES_R_EEC_NOT_REGISTERED, "EEC %s is not registered at this EES",
                       eec_id);
        else
            disc_answer(e, req, body);
    }
    json_decref(body);
}

static void
disc_ees_authorized(struct ees *e, struct http_req *req, int ok, const json_t *claims, void *arg)
{
    json_t *body = arg;

    (void)claims;
    if (ok && !e->closing)
        disc_answer(e, req, body);
    json_decref(body);
}

/* T-EAS discovery for an S-EAS that decides ACR (TS 23.558 8.8.3.2): the EASes of the T-EES,
 * found at the ECS and asked over EDGE-9, answer (the S-EAS's own EES has the S-EAS). */
struct disc_teas {
    struct http_req *req;
    json_t *body;
};

static void
disc_teas_found(struct ees *e, const struct ees_up *up, const json_t *tees_info,
                const json_t *found, void *arg)
{
    struct disc_teas *d = arg;

    if (!e->closing) {
        if (found != NULL) {
            http_reply_json(d->req, 200, json_pack("{s:O}", "discoveredEas", found));
        } else if (tees_info == NULL && up->status != 0 &&
                   (up->status == 200 || up->status == 204 || up->status == 404)) {
            http_reply_json(d->req, 200, json_pack("{s:[]}", "discoveredEas"));
        } else {
            ees_refuse(d->req, up->status == 0 ? EES_R_ACR_UNREACHABLE : EES_R_ACR_TEAS_REFUSED,
                       "T-EAS discovery: %s at %s answered %d %s", up->step,
                       up->peer != NULL ? up->peer : "", up->status,
                       up->cause != NULL   ? up->cause
                       : up->error != NULL ? up->error
                                           : "");
        }
    }
    json_decref(d->body);
    free(d);
}

/* An EAS requestor (EDGE-3, TS 23.558 8.8.3.2): the EAS its certificate names, admitted by the
 * local policy (TS 33.558 EDGE-3). With easSvcContinuity (it decides an ACR) the answer is the
 * T-EASes at the T-EES, else the EASes here. */
static void
disc_eas(struct ees *e, struct http_req *req, json_t *body, const char *eas_id)
{
    const char *who = ees_access_eas(e, req);
    struct disc_teas *d;

    if (who == NULL)
        return;
    if (strcmp(who, eas_id) != 0) {
        ees_refuse(req, EES_R_EAS_ID_MISMATCH,
                   "requestorId.easId %.64s is not %s, the EAS of the TLS certificate", eas_id,
                   who);
        return;
    }
    if (json_object_get(body, "easSvcContinuity") == NULL) {
        disc_answer(e, req, body);
        return;
    }
    if ((d = calloc(1, sizeof(*d))) == NULL) {
        ees_refuse(req, EES_R_INTERNAL, "out of memory");
        return;
    }
    d->req = req;
    d->body = json_incref(body);
    http_req_hold(req);
    ees_teas_discover(e, eas_id, json_string_value(json_object_get(body, "ueId")), NULL,
                      disc_teas_found, d);
}

static void
disc_request(struct http_req *req, void *arg)
{
    struct ees *e = arg;
    const struct edge_peer *p = http_req_peer(req);
    json_t *body = node_req_body(req, edgeapp_eas_discovery_req), *rid;
    const char *eec_id, *ees_id;
    struct ees_bearer_want w = {.profile = TOKEN_PROFILE_EES, .scope = EES_SCOPE_EASDISC};

    if (body == NULL)
        return;
    rid = json_object_get(body, "requestorId");
    eec_id = json_string_value(json_object_get(rid, "eecId"));
    ees_id = json_string_value(json_object_get(rid, "eesId"));
    if (eec_id != NULL) {
        ees_access_eec(e, req, eec_id, json_string_value(json_object_get(body, "ueId")),
                       EES_SCOPE_EASDISC, disc_eec_authorized, body);
        return;
    }
    if (ees_id == NULL) {
        disc_eas(e, req, body, json_string_value(json_object_get(rid, "easId")));
    } else if (!edge_peer_is_enabler(p) || strcasecmp(p->fqdn, ees_id) != 0) {
        ees_refuse(req, EES_R_EES_ID_MISMATCH,
                   "requestorId.eesId %.64s is not the EES of the TLS certificate", ees_id);
    } else {
        ees_bearer_check(e, req, &w, disc_ees_authorized, body);
        return;
    }
    json_decref(body);
}

int
ees_easdisc_setup(struct ees *e, char *err)
{
    return http_server_route(e->n.http, "POST", EDGEAPP_PATH_EASDISC, disc_request, e, err);
}
