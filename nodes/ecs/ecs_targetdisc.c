/* ecs_targetdisc.c -- Eecs_TargetEESDiscovery at the ECS, GET /ees-profiles (TS 29.558, TS 23.558
 * 8.8.3.3): an S-EES registered here asks for the T-EESes that offer an EAS, at this ECS and at
 * its peer ECSes (asked over EDGE-10, ecs_ecsprov.c). Each EESInfo says how that EES authorizes
 * its callers (authzMethod, TS 33.558 6.2), so that the S-EES knows whether to ask for a token. */
#include "ecs.h"
#include "edgeapp/edgeapp_paths.h"
#include "edgeapp/edgeapp.h"
#include "base/err.h"
#include "net/problem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define TARGETDISC_MAX 64 /* EESInfo entries in one answer (the EDGEAPP array cap) */

struct targetdisc_req {
    struct ecs *e;
    struct http_req *req;
    char sees[EDGE_FQDN_MAX];
    json_t *ue_loc; /* LocationArea5G, or NULL */
    json_t *eess;   /* EESInfo entries so far */
};

/* Does svc_area (an EESInfo's: a LocationArea5G) cover one of the cells of the UE location (the
 * ue-location query parameter: a LocationArea5G too, TS 29.558), or is there nothing to
 * compare? */
static int
targetdisc_covers(const json_t *svc_area, const json_t *ue_loc)
{
    /* LocationArea5G's cell lists, and the LocationInfo member one such cell goes in. */
    static const char *const cells[][2] = {{"ncgis", "ncgi"}, {"ecgis", "ecgi"}};
    const json_t *nw = json_object_get(ue_loc, "nwAreaInfo"), *cell;
    int any = 0;
    size_t i;

    for (size_t k = 0; k < sizeof(cells) / sizeof(cells[0]); k++)
        json_array_foreach(json_object_get(nw, cells[k][0]), i, cell)
        {
            json_t *loc = json_pack("{s:O}", cells[k][1], cell);
            int ok = edgeapp_la5g_covers(svc_area, loc);
            json_decref(loc);
            if (ok)
                return 1;
            any = 1;
        }
    return !any;
}

/* Add an EESInfo (ecs_ees_info's, or a partner's with regEcs and ecsHops) unless it is the
 * S-EES, already listed, or out of the UE's area. Steals info. */
static void
targetdisc_add(struct targetdisc_req *d, json_t *info)
{
    const char *id = json_string_value(json_object_get(info, "eesId"));
    json_t *have;
    size_t i;

    if (id == NULL || strcasecmp(id, d->sees) == 0 ||
        !targetdisc_covers(json_object_get(info, "svcArea"), d->ue_loc) ||
        json_array_size(d->eess) >= TARGETDISC_MAX) {
        json_decref(info);
        return;
    }
    json_array_foreach(d->eess, i, have)
    {
        if (strcmp(json_string_value(json_object_get(have, "eesId")), id) == 0) {
            json_decref(info);
            return;
        }
    }
    json_array_append_new(d->eess, info);
}

static int
targetdisc_local(struct ecs *e, const struct ecs_reg *r, json_t *info, void *arg)
{
    (void)e, (void)r;
    targetdisc_add(arg, info);
    return 0;
}

static void
targetdisc_free(struct targetdisc_req *d)
{
    json_decref(d->ue_loc);
    json_decref(d->eess);
    free(d);
}

static void
targetdisc_answer(struct targetdisc_req *d, json_t *found, json_t *errors)
{
    json_t *ent, *data;
    size_t i;

    json_array_foreach(found, i, ent)
    {
        json_t *info = json_deep_copy(json_object_get(ent, "info"));
        if (info != NULL) {
            json_object_set(info, "ecsHops", json_object_get(ent, "hops"));
            targetdisc_add(d, info);
        }
    }
    data = json_pack("{s:s, s:O, s:O*}", "sEes", d->sees, "eess", d->eess, "peerErrors",
                     json_array_size(errors) > 0 ? errors : NULL);
    node_log(&d->e->node, "targetdisc", d->sees, NULL, data,
             "target EES discovery for %s: %zu candidate(s)", d->sees, json_array_size(d->eess));
    json_decref(data);
    if (json_array_size(d->eess) == 0)
        /* ECSServProvResp needs at least one EESInfo (minItems 1): nothing found is a 404. */
        ecs_refuse(d->req, ECS_R_TARGET_NOT_FOUND, "no T-EES offers %s for %s%s",
                   http_req_query(d->req, "eas-id"), d->sees,
                   json_array_size(errors) > 0 ? " (a peer ECS could not be asked)" : "");
    else
        http_reply_json(
            d->req, 200,
            json_pack("{s:[{s:{}, s:O}]}", "ednCnfgInfo", "ednConInfo", "eess", d->eess));
}

static void
targetdisc_done(struct ecs *e, json_t *found, json_t *errors, void *arg)
{
    struct targetdisc_req *d = arg;

    if (!e->stopping)
        targetdisc_answer(d, found, errors);
    targetdisc_free(d);
}

/* The query (TS 29.558: ees-id and eas-id required); on failure the reply is sent. */
static int
targetdisc_query(struct targetdisc_req *d, const char **ees_id, const char **eas_id)
{
    const char *loc = http_req_query(d->req, "ue-location");
    char why[EDGE_ERR_LEN];

    *ees_id = http_req_query(d->req, "ees-id");
    *eas_id = http_req_query(d->req, "eas-id");
    if (*ees_id == NULL || *eas_id == NULL) {
        ecs_refuse(d->req, ECS_R_QUERY_MISSING, "%s is required",
                   *ees_id == NULL ? "ees-id" : "eas-id");
        return -1;
    }
    if (js_valid_id(*ees_id, why) < 0 || js_valid_id(*eas_id, why) < 0) {
        ecs_refuse(d->req, ECS_R_QUERY_INCORRECT, "ees-id/eas-id: %s", why);
        return -1;
    }
    if (loc != NULL &&
        (js_loads(loc, strlen(loc), &d->ue_loc, why) < 0 ||
         js_decode(d->ue_loc, "ue-location", edgeapp_location_area_5g, NULL, NULL, why) < 0)) {
        ecs_refuse(d->req, ECS_R_QUERY_INVALID, "ue-location must be a LocationArea5G in JSON: %s",
                   why);
        return -1;
    }
    return 0;
}

/* GET /eecs-targeteesdiscovery/v1/ees-profiles */
static void
targetdisc_get(struct http_req *req, void *arg)
{
    struct ecs *e = arg;
    const struct edge_peer *p = http_req_peer(req);
    struct targetdisc_req *d = calloc(1, sizeof(*d));
    struct ecs_reg *self = ecs_eesreg_of_peer(e, p);
    const char *ees_id, *eas_id;
    struct via via = {0};
    struct ecs_filter f = {0};
    json_t *eas_ids;
    unsigned budget;
    char err[EDGE_ERR_LEN];

    if (d == NULL || (d->eess = json_array()) == NULL) {
        ecs_refuse(req, ECS_R_INTERNAL, "out of memory");
        goto done;
    }
    d->e = e;
    d->req = req;
    if (targetdisc_query(d, &ees_id, &eas_id) < 0)
        goto done;
    /* The S-EES is a client of this ECS: registered here, under its TLS identity. */
    if (self == NULL ||
        strcmp(json_string_value(json_object_get(self->prof, "eesId")), ees_id) != 0) {
        ecs_refuse(req, ECS_R_EES_NOT_REGISTERED, "ees-id %s is not the EES registered here as %s",
                   ees_id, p->fqdn[0] ? p->fqdn : "the TLS client");
        goto done;
    }
    snprintf(d->sees, sizeof(d->sees), "%s", ees_id);
    eas_ids = json_pack("[s]", eas_id);
    f.eas_ids = eas_ids;
    ecs_select(e, &f, targetdisc_local, d);
    json_decref(eas_ids);
    /* A T-EES at a peer is only useful if a token for it can reach it: the peers are asked
     * within this ECS's own hop budget, and each within its own (ecs_budget.c). */
    budget = ecs_hop_budget(e, &via, -1);
    if (json_array_size(e->cfg.peers) > 0 && budget > 0) {
        struct ecs_ask q = {.eas_id = eas_id};
        http_req_hold(req);
        if (ecs_ecsprov_ask(e, &q, &via, budget - 1, ecs_deadline(e, req), targetdisc_done, d,
                            err) == 0)
            return;
        ecs_refuse(req, ECS_R_INTERNAL, "cannot ask the peer ECSes: %s", err);
        goto done;
    }
    targetdisc_answer(d, NULL, NULL);
done:
    if (d != NULL)
        targetdisc_free(d);
}

int
ecs_targetdisc_setup(struct ecs *e, char *err)
{
    return http_server_route(e->node.http, "GET", EDGEAPP_PATH_TARGETDISC, targetdisc_get, e, err);
}
