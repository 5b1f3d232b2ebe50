/* ees_targetdisc.c -- target EES discovery at this EES's ECS (TS 23.558 8.8.3.3, TS 29.558
 * Eecs_TargetEESDiscovery GET /ees-profiles?ees-id=..&eas-id=..): the S-EES asks which EES can
 * serve the EAS where the UE now is; the answer is an ECSServProvResp. The "discover_target"
 * command. */
#include "ees.h"
#include "edgeapp/edgeapp_paths.h"
#include "net/http_form.h"
#include "base/err.h"
#include "auth/via.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct td_op {
    struct ees *e;
    ees_targetdisc_cb cb;
    void *arg;
};

/* Every EESInfo of the answer that is not this EES. */
static json_t *
td_candidates(struct ees *e, const json_t *resp)
{
    json_t *out = json_array(), *edn, *info;
    size_t i, j;

    json_array_foreach(json_object_get(resp, "ednCnfgInfo"), i, edn)
    {
        json_array_foreach(json_object_get(edn, "eess"), j, info)
        {
            const char *id = json_string_value(json_object_get(info, "eesId"));
            if (id != NULL && strcasecmp(id, e->n.name) != 0)
                json_array_append(out, info);
        }
    }
    return out;
}

static void
td_resp(const struct http_client_resp *r, void *arg)
{
    struct td_op *op = arg;
    struct ees *e = op->e;
    struct ees_up up;
    json_t *body = NULL, *eess = NULL;
    char err[EDGE_ERR_LEN];

    ees_up_from_resp(&up, "target_discovery", e->cfg.ecs, r);
    if (r->status == 200) {
        if (js_loads(r->body, r->body_len, &body, err) < 0 ||
            js_decode(body, NULL, edgeapp_servprov_resp, NULL, NULL, err) < 0) {
            up.error = err;
            up.cause = "BAD_DISCOVERY_RESPONSE";
        } else {
            eess = td_candidates(e, body);
        }
    }
    if (eess == NULL)
        eess = json_array();
    op->cb(e, &up, eess, op->arg);
    json_decref(eess);
    json_decref(body);
    json_decref(up.result);
    free(op);
}

void
ees_targetdisc(struct ees *e, const char *eas_id, const char *ue_id, ees_targetdisc_cb cb,
               void *arg)
{
    struct td_op *op = calloc(1, sizeof(*op));
    struct ees_up up = {.step = "target_discovery", .peer = e->cfg.ecs};
    char path[2048], query[1536] = "", err[EDGE_ERR_LEN], wait[16];
    const char *headers[] = {VIA_RSP_TIME_HEADER, wait, NULL};
    json_t *none = json_array();

    if (http_form_append(query, sizeof(query), "ees-id", e->n.name) < 0 ||
        http_form_append(query, sizeof(query), "eas-id", eas_id) < 0 ||
        http_form_append(query, sizeof(query), "ue-id", ue_id) < 0) {
        snprintf(err, sizeof(err), "the target discovery query does not fit its buffer");
        free(op);
    } else if (op != NULL) {
        snprintf(path, sizeof(path), "%s?%s", EDGEAPP_PATH_TARGETDISC, query);
        op->e = e;
        op->cb = cb;
        op->arg = arg;
        /* The ECS may ask its peers: it must answer within this EES's wait (TS 29.500). */
        snprintf(wait, sizeof(wait), "%lld", e->cfg.ecs_ms);
        if (node_send_json_within(&e->n, (int)e->cfg.ecs_ms, "GET", e->cfg.ecs, path, NULL, headers,
                                  td_resp, op, err) == 0) {
            json_decref(none);
            return;
        }
        free(op);
    } else {
        snprintf(err, sizeof(err), "out of memory");
    }
    up.error = err;
    up.cause = HTTP_CLIENT_CONNECT_FAILED;
    up.result = ees_result_error(up.cause, "%s", err);
    cb(e, &up, none, arg);
    json_decref(up.result);
    json_decref(none);
}

/* discover_target: Eecs_TargetEESDiscovery at the ECS (nodes/README.md). */
static void
td_cmd_done(struct ees *e, const struct ees_up *up, json_t *eess, void *arg)
{
    struct ctl_req *cr = arg;
    json_t *res, *ids = json_array(), *info;
    size_t i;

    if (e->closing) {
        json_decref(ids);
        ctl_reply_error(cr, EES_CTL_STOPPING, "the node stopped before the ECS answered");
        return;
    }
    json_array_foreach(eess, i, info) json_array_append(ids, json_object_get(info, "eesId"));
    res = json_deep_copy(up->result);
    json_object_set_new(res, "eess", ids);
    json_object_set_new(res, "step", json_string(up->step));
    if (up->error != NULL && up->status != 0) /* an answer that did not decode */
        json_object_set_new(res, "error", json_string(up->error));
    ctl_reply(cr, res);
}

static void
td_cmd(struct ctl_req *cr, json_t *args, void *arg)
{
    struct ees *e = arg;
    const char *eas_id = json_string_value(json_object_get(args, "easId"));
    const char *ue_id = json_string_value(json_object_get(args, "ueId"));
    char why[EDGE_ERR_LEN];

    if (eas_id == NULL || js_valid_id(eas_id, why) < 0) {
        ctl_reply_error(cr, EES_CTL_BAD_ARGS, "discover_target needs easId (an EAS ID)");
        return;
    }
    ees_targetdisc(e, eas_id, ue_id, td_cmd_done, cr);
}

int
ees_targetdisc_setup(struct ees *e, char *err)
{
    return ctl_command(e->n.ctl, "discover_target", td_cmd, e, err);
}
