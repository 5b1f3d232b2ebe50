/* eas_config.c -- edge-eas's own config keys (nodes/README.md "edge-eas keys"): its EES, its EAS
 * ID and the rest of the EASProfile it registers (TS 29.558 Eees_EASRegistration), how it keeps
 * the registration, whether it subscribes to ACR management events; and its refusals. */
#include "eas.h"
#include "auth/via.h"
#include "base/err.h"
#include "net/problem.h"

#include <stddef.h>
#include <string.h>
#include <strings.h>

#define S(m) offsetof(struct eas_config, m)

const struct node_refusal eas_refusals[EAS_R_COUNT] = {
    [EAS_R_NOT_AN_EAS] = {403, "PEER_NOT_AN_EAS",
                          "an application context comes only from an EAS (certificate with an "
                          "EAS ID)"},
    [EAS_R_OTHER_APPLICATION] = {403, "EAS_ID_MISMATCH",
                                 "an application context moves only between EASes of one EAS ID"},
    [EAS_R_NO_CONTEXT] = {404, PROBLEM_CONTEXT_NOT_FOUND, "no application context of that UE"},
    [EAS_R_FULL] = {503, "INSUFFICIENT_RESOURCES", "this EAS holds as many contexts as it can"},
    [EAS_R_INTERNAL] = {500, PROBLEM_SYSTEM_FAILURE, "the EAS failed"},
};

static const struct js_field deadline_fields[] = {
    {.name = "peerMs",
     .type = JS_INT,
     .flags = JS_STORE,
     .store = S(peer_ms),
     .check = js_check_range,
     .min = 100,
     .max = VIA_RSP_TIME_MAX},
    {0},
};

/* EASProfile members besides easId and endPt, which the EAS fills itself. */
static int
eas_check_profile(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    char err[EDGE_ERR_LEN];
    json_t *p;

    (void)f;
    (void)ctx;
    if (json_object_get(v, "easId") != NULL || json_object_get(v, "endPt") != NULL)
        return edge_err(why, "easId and endPt are the EAS's own (keys easId and the listen "
                             "address)");
    p = json_deep_copy(v);
    json_object_set_new(p, "easId", json_string("x"));
    json_object_set_new(p, "endPt", json_pack("{s:s}", "fqdn", "x.test"));
    if (js_decode(p, "", edgeapp_eas_profile, NULL, NULL, err) < 0) {
        json_decref(p);
        return edge_err(why, "%s", err);
    }
    json_decref(p);
    return 0;
}

const struct js_field eas_config_fields[] = {
    {.name = "ees",
     .type = JS_STRING,
     .flags = JS_REQUIRED | JS_STORE,
     .store = S(ees),
     .check = js_check_fqdn},
    {.name = "easId",
     .type = JS_STRING,
     .flags = JS_REQUIRED | JS_STORE,
     .store = S(eas_id),
     .check = js_check_id},
    {.name = "profile",
     .type = JS_OBJECT,
     .flags = JS_STORE,
     .store = S(profile),
     .check = eas_check_profile},
    NODE_REG_FIELDS(S(reg)),
    {.name = "acrEvents", .type = JS_BOOL, .flags = JS_STORE, .store = S(acr_events)},
    {.name = "deadlines", .type = JS_OBJECT, .sub = deadline_fields},
    {0},
};

void
eas_config_defaults(struct eas_config *c)
{
    memset(c, 0, sizeof(*c));
    node_reg_policy_defaults(&c->reg);
    c->acr_events = 1;
    c->peer_ms = 12000;
}

int
eas_config_check(struct eas *a, char *err)
{
    const char *path = config_path(a->n.cf);
    char addr[64];
    unsigned short port;

    if (strcasecmp(a->cfg.ees, a->n.name) == 0)
        return edge_err(err, "%s: ees: names this node itself", path);
    if (node_resolve(&a->n, a->cfg.ees, addr, sizeof(addr), &port, err) < 0)
        return edge_err(err, "%s: ees: %s", path, err);
    return 0;
}
