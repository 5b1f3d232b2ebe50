/* ees_config.c -- edge-ees's own config keys (nodes/README.md "edge-ees keys"): its ECS, the EES
 * profile it registers (TS 29.558 EESProfile), the EEC authorization method and local policy
 * (TS 33.558 6.3), the token replay policy and the EAS profiles it serves. */
#include "ees.h"
#include "base/uuid.h"
#include "auth/token_validate.h"
#include "base/err.h"
#include "auth/via.h"
#include "node/node_allow.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* TS 33.558 6.3 leaves replay to the EES: a token may serve many calls, or one. */
static const char *const replay_policies[] = {"reusable", "single-use", NULL};

static const struct js_field policy_fields[] = {
    {.name = "allowEeses",
     .type = JS_ARRAY,
     .max_len = 4096,
     .items = JS_STRING,
     .item_check = js_check_fqdn_or_star},
    {.name = "allowEecs",
     .type = JS_ARRAY,
     .max_len = 4096,
     .items = JS_STRING,
     .item_check = js_check_id_or_star},
    {.name = "allowGpsis",
     .type = JS_ARRAY,
     .max_len = 4096,
     .items = JS_STRING,
     .item_check = js_check_gpsi},
    {.name = "allowEases",
     .type = JS_ARRAY,
     .max_len = 4096,
     .items = JS_STRING,
     .item_check = js_check_id_or_star},
    {0},
};

static const struct js_field trust_fields[] = {
    {.name = "issuer", .type = JS_STRING, .flags = JS_REQUIRED, .check = js_check_fqdn},
    {.name = "dir", .type = JS_STRING, .flags = JS_REQUIRED | JS_NONEMPTY, .max_len = 4096},
    {0},
};

#define S(m) offsetof(struct ees_config, m)

static const struct js_field deadline_fields[] = {
    {.name = "ecsMs",
     .type = JS_INT,
     .flags = JS_STORE,
     .store = S(ecs_ms),
     .check = js_check_range,
     .min = 100,
     .max = VIA_RSP_TIME_MAX},
    {.name = "peerMs",
     .type = JS_INT,
     .flags = JS_STORE,
     .store = S(peer_ms),
     .check = js_check_range,
     .min = 100,
     .max = VIA_RSP_TIME_MAX},
    {0},
};

const struct js_field ees_config_fields[] = {
    {.name = "ecs",
     .type = JS_STRING,
     .flags = JS_REQUIRED | JS_STORE,
     .store = S(ecs),
     .check = js_check_fqdn},
    {.name = "authorization",
     .type = JS_STRING,
     .flags = JS_STORE,
     .store = S(authorization),
     .check = js_check_enum,
     .choices = token_authz_methods},
    {.name = "policy",
     .type = JS_OBJECT,
     .flags = JS_STORE,
     .store = S(policy),
     .sub = policy_fields},
    {.name = "easIds",
     .type = JS_ARRAY,
     .flags = JS_STORE | JS_NONEMPTY,
     .store = S(eas_ids),
     .max_len = 64,
     .items = JS_STRING,
     .item_check = js_check_id},
    {.name = "svcArea",
     .type = JS_OBJECT,
     .flags = JS_STORE,
     .store = S(svc_area),
     .sub = edgeapp_service_area},
    {.name = "eecRegConf", .type = JS_BOOL, .flags = JS_STORE, .store = S(eec_reg_conf)},
    NODE_REG_FIELDS(S(reg)),
    {.name = "trust", .type = JS_OBJECT, .flags = JS_STORE, .store = S(trust), .sub = trust_fields},
    {.name = "tokenReplay",
     .type = JS_STRING,
     .flags = JS_STORE,
     .store = S(token_replay),
     .check = js_check_enum,
     .choices = replay_policies},
    {.name = "eas",
     .type = JS_ARRAY,
     .flags = JS_STORE,
     .store = S(eas),
     .max_len = 64,
     .items = JS_OBJECT,
     .sub = edgeapp_eas_profile},
    {.name = "eecRegistrationExpiry",
     .type = JS_INT,
     .flags = JS_STORE,
     .store = S(eec_reg_expiry),
     .check = js_check_range,
     .min = 1,
     .max = 86400},
    /* How many EEC contexts it holds at once (a population of UEs needs more than the default). */
    {.name = "maxContexts",
     .type = JS_INT,
     .flags = JS_STORE,
     .store = S(max_contexts),
     .check = js_check_range,
     .min = 1,
     .max = 1000000},
    /* The leeway its tokens' exp, nbf and iat get (RFC 7519 4.1.4): a test that waits for a
     * token to expire need not wait the default 30 s. */
    {.name = "tokenClockSkew",
     .type = JS_INT,
     .flags = JS_STORE,
     .store = S(token_skew),
     .check = js_check_range,
     .min = 1,
     .max = TOKEN_SKEW_MAX},
    {.name = "easRegistrationExpiry",
     .type = JS_INT,
     .flags = JS_STORE,
     .store = S(eas_reg_expiry),
     .check = js_check_range,
     .min = 1,
     .max = 86400},
    {.name = "subscriptionExpiry",
     .type = JS_INT,
     .flags = JS_STORE,
     .store = S(sub_expiry),
     .check = js_check_range,
     .min = 1,
     .max = 86400},
    {.name = "jwksReloadInterval",
     .type = JS_INT,
     .flags = JS_STORE,
     .store = S(jwks_interval),
     .check = js_check_range,
     .min = 0,
     .max = 3600},
    {.name = "deadlines", .type = JS_OBJECT, .sub = deadline_fields},
    {.name = "partnerEcs",
     .type = JS_ARRAY,
     .flags = JS_STORE,
     .store = S(partners),
     .max_len = 16,
     .items = JS_STRING,
     .item_check = js_check_fqdn},
    {.name = "nfInstanceId",
     .type = JS_STRING,
     .flags = JS_STORE,
     .store = S(nf_id),
     .check = js_check_uuid},
    {0},
};

void
ees_config_defaults(struct ees_config *c)
{
    memset(c, 0, sizeof(*c));
    c->authorization = "token";
    c->eec_reg_conf = 1;
    node_reg_policy_defaults(&c->reg);
    c->token_replay = "reusable";
    c->eec_reg_expiry = 3600;
    c->max_contexts = EES_CTX_MAX;
    c->token_skew = TOKEN_SKEW;
    c->eas_reg_expiry = 3600;
    c->sub_expiry = 3600;
    c->jwks_interval = 10;
    /* nodes/ees/README.md "Deadlines": a forwarded token over a 400 ms one-way backhaul with 5%
     * loss, and a push over that backhaul on a fresh connection with one lost frame. */
    c->ecs_ms = 20000;
    c->peer_ms = 12000;
}

/* Without "eas", each easId is served by an EAS profile whose endpoint is a path of this EES
 * (EASes are data in edgesim, not processes). */
static json_t *
eas_from_ids(struct ees *e)
{
    json_t *out = json_array(), *id;
    char uri[EDGEAPP_URI_MAX];
    size_t i;

    json_array_foreach(e->cfg.eas_ids, i, id)
    {
        if (e->n.port == 443)
            snprintf(uri, sizeof(uri), "https://%s/eas/%s", e->n.name, json_string_value(id));
        else
            snprintf(uri, sizeof(uri), "https://%s:%u/eas/%s", e->n.name, e->n.port,
                     json_string_value(id));
        json_array_append_new(out, json_pack("{s:O, s:{s:s}}", "easId", id, "endPt", "uri", uri));
    }
    return out;
}

int
ees_config_check(struct ees *e, char *err)
{
    const char *path = config_path(e->n.cf);
    json_t *v;
    size_t i;

    if (strcmp(e->cfg.ecs, e->n.name) == 0)
        return edge_err(err, "%s: ecs: names this node itself", path);
    if (e->cfg.eas_ids == NULL && e->cfg.eas == NULL)
        return edge_err(err,
                        "%s: easIds: missing (EESProfile.easIds needs at least one, or give "
                        "\"eas\")",
                        path);
    json_array_foreach(e->cfg.partners, i, v)
    {
        char addr[64], why[EDGE_ERR_LEN];
        unsigned short port;
        if (strcasecmp(json_string_value(v), e->cfg.ecs) == 0)
            return edge_err(err, "%s: partnerEcs[%zu]: %s is its own ECS", path, i,
                            json_string_value(v));
        if (node_resolve(&e->n, json_string_value(v), addr, sizeof(addr), &port, why) < 0)
            return edge_err(err, "%s: partnerEcs[%zu]: %s", path, i, why);
    }
    if (e->cfg.trust != NULL &&
        strcmp(json_string_value(json_object_get(e->cfg.trust, "issuer")), e->cfg.ecs) != 0)
        return edge_err(err, "%s: trust.issuer: an EES trusts its own ECS (%s) only", path,
                        e->cfg.ecs);
    if (e->cfg.eas != NULL) {
        e->eas = json_incref(e->cfg.eas);
        if (e->cfg.eas_ids == NULL) {
            /* EESProfile.easIds then lists the EASes served. */
            json_t *ids = json_array();
            json_array_foreach(e->eas, i, v) json_array_append(ids, json_object_get(v, "easId"));
            json_object_set_new(config_root(e->n.cf), "easIds", ids);
            e->cfg.eas_ids = ids;
            if (json_array_size(ids) == 0)
                return edge_err(err, "%s: eas: at least one EAS profile needed", path);
        }
    } else {
        e->eas = eas_from_ids(e);
    }
    return 0;
}

int
ees_uses_token(const struct ees *e)
{
    return strcmp(e->cfg.authorization, "token") == 0;
}

int
ees_policy_allows_ees(const struct ees *e, const char *fqdn)
{
    json_t *eeses = json_object_get(e->cfg.policy, "allowEeses");

    return eeses == NULL || node_allow_fqdn(eeses, fqdn);
}

int
ees_policy_allows_eas(const struct ees *e, const char *eas_id)
{
    json_t *eases = json_object_get(e->cfg.policy, "allowEases");

    return eases == NULL || node_allow_id(eases, eas_id);
}

int
ees_policy_allows(const struct ees *e, const char *eec_id, const char *gpsi)
{
    json_t *eecs = json_object_get(e->cfg.policy, "allowEecs");
    json_t *gpsis = json_object_get(e->cfg.policy, "allowGpsis");

    /* No policy configured: every EEC the TLS handshake authenticated may use this EES.
     * Otherwise an EEC is allowed by its EEC ID or by its (authenticated) GPSI. */
    if (eecs == NULL && gpsis == NULL)
        return 1;
    if (node_allow_id(eecs, eec_id))
        return 1;
    return gpsi != NULL && node_allow_id(gpsis, gpsi);
}
