/* ees_teasdisc.c -- T-EAS discovery by this EES (TS 23.558 8.8.3.2): the T-EES from target EES
 * discovery at its ECS (Eecs_TargetEESDiscovery, which also finds EESes of peer ECSes), then the
 * EAS discovery at that T-EES over EDGE-9 (requestorId.eesId, a token of scope
 * eees-easdiscovery from its ECS, TR 33.739 6.27). For an S-EAS that discovers for an ACR it
 * decides (EASDiscoveryReq with easSvcContinuity), and for an ACR the S-EES executes. Which EES
 * serves a T-EAS found so is remembered, so that a later AcrDecReq naming that T-EAS needs no
 * second discovery. */
#include "ees.h"
#include "base/err.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define TEAS_SEEN_MAX 64

struct teas_op {
    struct ees *e;
    char eas_id[EDGEAPP_ID_MAX];
    char ue_id[EDGE_GPSI_MAX];
    char eec_id[EDGE_ID_MAX];
    json_t *tees_info; /* EESInfo of the T-EES */
    ees_teas_cb cb;
    void *arg;
};

static void
teas_free(struct teas_op *op)
{
    json_decref(op->tees_info);
    free(op);
}

/* Remember which EES serves the T-EAS at host (a small ring, newest first). */
static void
teas_remember(struct ees *e, const json_t *found, const char *tees)
{
    json_t *d;
    size_t i;
    char host[EDGE_FQDN_MAX];

    if (e->teas_seen == NULL && (e->teas_seen = json_object()) == NULL)
        return;
    json_array_foreach(found, i, d)
    {
        if (edgeapp_endpoint_host(json_object_get(json_object_get(d, "eas"), "endPt"), host,
                                  sizeof(host)) == NULL)
            continue;
        if (json_object_size(e->teas_seen) >= TEAS_SEEN_MAX)
            json_object_clear(e->teas_seen);
        json_object_set_new(e->teas_seen, host, json_string(tees));
    }
}

const char *
ees_teas_where(struct ees *e, const json_t *endpoint)
{
    char host[EDGE_FQDN_MAX];

    if (edgeapp_endpoint_host(endpoint, host, sizeof(host)) == NULL)
        return NULL;
    return json_string_value(json_object_get(e->teas_seen, host));
}

static void
teas_found(struct ees *e, const struct ees_up *up, const char *token, void *arg)
{
    struct teas_op *op = arg;
    json_t *body = json_object_get(up->result, "body"), *found;
    const char *tees = json_string_value(json_object_get(op->tees_info, "eesId"));
    char err[EDGE_ERR_LEN];

    (void)token;
    if (e->closing) {
        teas_free(op);
        return;
    }
    if (up->status != 200) {
        op->cb(e, up, op->tees_info, NULL, op->arg);
    } else if (js_decode(body, NULL, edgeapp_eas_discovery_resp, NULL, NULL, err) < 0) {
        struct ees_up bad = *up;
        bad.cause = "INVALID_MSG_FORMAT";
        bad.error = err;
        op->cb(e, &bad, op->tees_info, NULL, op->arg);
    } else {
        found = json_object_get(body, "discoveredEas");
        teas_remember(e, found, tees);
        node_log(&e->n, "discovery", tees, NULL, body, "T-EAS discovery at %s: %zu EAS(es) of %s",
                 tees, json_array_size(found), op->eas_id);
        op->cb(e, up, op->tees_info, found, op->arg);
    }
    teas_free(op);
}

static void
teas_target_found(struct ees *e, const struct ees_up *up, json_t *eess, void *arg)
{
    struct teas_op *op = arg;
    const char *tees;
    json_t *req;

    if (e->closing) {
        teas_free(op);
        return;
    }
    if (up->status != 200 || json_array_size(eess) == 0) {
        op->cb(e, up, NULL, NULL, op->arg);
        teas_free(op);
        return;
    }
    op->tees_info = json_incref(json_array_get(eess, 0));
    tees = json_string_value(json_object_get(op->tees_info, "eesId"));
    req = json_pack("{s:{s:s}, s:{s:[{s:s}]}, s:s*}", "requestorId", "eesId", e->n.name,
                    "easDiscoveryFilter", "easChars", "easId", op->eas_id, "ueId",
                    op->ue_id[0] != '\0' ? op->ue_id : NULL);
    ees_edge9_discover(e, tees, req, op->eec_id[0] != '\0' ? op->eec_id : NULL, teas_found, op);
    json_decref(req);
}

void
ees_teas_discover(struct ees *e, const char *eas_id, const char *ue_id, const char *eec_id,
                  ees_teas_cb cb, void *arg)
{
    struct teas_op *op = calloc(1, sizeof(*op));

    if (op == NULL) {
        struct ees_up up = {
            .step = "target_discovery", .cause = EES_CTL_INTERNAL, .error = "out of memory"};
        cb(e, &up, NULL, NULL, arg);
        return;
    }
    op->e = e;
    op->cb = cb;
    op->arg = arg;
    snprintf(op->eas_id, sizeof(op->eas_id), "%s", eas_id);
    snprintf(op->ue_id, sizeof(op->ue_id), "%s", ue_id != NULL ? ue_id : "");
    snprintf(op->eec_id, sizeof(op->eec_id), "%s", eec_id != NULL ? eec_id : "");
    ees_targetdisc(e, eas_id, ue_id, teas_target_found, op);
}
