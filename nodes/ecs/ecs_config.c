/* ecs_config.c -- edge-ecs's own config keys (nodes/README.md "edge-ecs keys"): signing keys,
 * token lifetimes, registration expiry, the per-EES authorization method of TS 33.558 6.2, the
 * EEC and EDGE-9 policies, and the peer ECSes of TR 33.739 6.27. */
#include "ecs.h"
#include "base/err.h"
#include "auth/token_validate.h"
#include "base/uuid.h"
#include "node/node_allow.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define ECS_DEFAULT_SCOPE "eees-eecregistration eees-easdiscovery eees-appctxtreloc"

/* A directory, made absolute against the config file's directory. */
static int
ecs_check_dir(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    char path[4096];
    struct stat st;

    (void)f;
    if (config_resolve(ctx, json_string_value(v), path, sizeof(path), why) < 0)
        return -1;
    if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode))
        return edge_err(why, "not a directory: %s", path);
    return json_string_set(v, path) < 0 ? edge_err(why, "out of memory") : 0;
}

static int
ecs_check_scope(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    (void)f;
    (void)ctx;
    if (!json_is_string(v) || !token_scope_ok(json_string_value(v)))
        return edge_err(why, "expected service names separated by single spaces");
    return 0;
}

/* The value of a per-EES map entry: an authorization method (TS 33.558 6.2), or a scope. */
static const struct js_field ees_auth_value = {
    .name = "eesAuth", .type = JS_STRING, .check = js_check_enum, .choices = token_authz_methods};
static const struct js_field ees_scope_value = {
    .name = "eesScopes", .type = JS_STRING, .check = ecs_check_scope};

/* TS 24.558 EesAuthMethod values, each at most once. */
static int
ecs_check_methods(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    const struct js_field item = {.check = js_check_enum, .choices = edgeapp_ees_auth_methods};
    size_t i, j;

    (void)f;
    if (!json_is_array(v) || json_array_size(v) == 0 || json_array_size(v) > 4)
        return edge_err(why, "expected an array of 1 to 4 EesAuthMethod values");
    for (i = 0; i < json_array_size(v); i++) {
        if (item.check(json_array_get(v, i), &item, ctx, why) < 0)
            return edge_err(why,
                            "[%zu]: expected one of TLS_CLIENT_SERVER_CERTIFICATE, "
                            "TLS_WITH_AKMA, TLS_WITH_GBA, SERVER_SIDE_CERTIFICATE_BASED",
                            i);
        for (j = 0; j < i; j++)
            if (json_equal(json_array_get(v, i), json_array_get(v, j)))
                return edge_err(why, "[%zu]: %s twice", i, json_string_value(json_array_get(v, i)));
    }
    return 0;
}

static const struct js_field ees_methods_value = {
    .name = "eesAuthMethods", .type = JS_ARRAY, .check = ecs_check_methods};
static const struct js_field ees_instance_value = {
    .name = "eesInstanceIds", .type = JS_STRING, .check = js_check_uuid};

/* {"<fqdn>"|"default": value}, each value checked by the check of value. */
static int
ecs_check_per_ees(json_t *v, const struct js_field *value, void *ctx, char *why)
{
    const char *k;
    json_t *e;
    char sub[EDGE_ERR_LEN];

    json_object_foreach(v, k, e)
    {
        if (strcmp(k, "default") != 0 && js_valid_fqdn(k, sub) < 0)
            return edge_err(why, "%s: key must be an EES FQDN or \"default\": %s", k, sub);
        if (value->check(e, value, ctx, sub) < 0)
            return edge_err(why, "%s: %s", k, sub);
    }
    return 0;
}

static int
ecs_check_ees_auth(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    (void)f;
    return ecs_check_per_ees(v, &ees_auth_value, ctx, why);
}

static int
ecs_check_ees_scopes(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    (void)f;
    return ecs_check_per_ees(v, &ees_scope_value, ctx, why);
}

static int
ecs_check_ees_methods(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    (void)f;
    return ecs_check_per_ees(v, &ees_methods_value, ctx, why);
}

static int
ecs_check_ees_instances(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    (void)f;
    if (json_object_get(v, "default") != NULL)
        return edge_err(why, "default: an NF instance ID names one EES");
    return ecs_check_per_ees(v, &ees_instance_value, ctx, why);
}

const char *const ecs_sco_apis[] = {"eecs-serviceprovisioning", NULL};

const char *const ecs_edge9_modes[] = {"forward", "redirect", "local-issue", NULL};

static const struct js_field deadline_fields[] = {
    {.name = "requestMs",
     .type = JS_INT,
     .flags = JS_STORE,
     .store = offsetof(struct ecs_config, request_ms),
     .check = js_check_range,
     .min = 100,
     .max = VIA_RSP_TIME_MAX},
    {.name = "replyMarginMs",
     .type = JS_INT,
     .flags = JS_STORE,
     .store = offsetof(struct ecs_config, margin_ms),
     .check = js_check_range,
     .min = 0,
     .max = 60000},
    {0},
};

static const struct js_field signing_fields[] = {
    {.name = "dir",
     .type = JS_STRING,
     .flags = JS_REQUIRED | JS_STORE,
     .store = offsetof(struct ecs_config, sign_dir),
     .check = ecs_check_dir},
    {.name = "kids",
     .type = JS_ARRAY,
     .flags = JS_NONEMPTY | JS_STORE,
     .store = offsetof(struct ecs_config, sign_kids),
     .max_len = 16,
     .items = JS_STRING,
     .item_check = js_check_kid},
    {.name = "active",
     .type = JS_STRING,
     .flags = JS_STORE,
     .store = offsetof(struct ecs_config, sign_active),
     .check = js_check_kid},
    {0},
};

static const struct js_field registration_fields[] = {
    {.name = "defaultExpiry",
     .type = JS_INT,
     .flags = JS_STORE,
     .store = offsetof(struct ecs_config, reg_default),
     .check = js_check_range,
     .min = 1,
     .max = 31LL * 86400},
    {.name = "maxExpiry",
     .type = JS_INT,
     .flags = JS_STORE,
     .store = offsetof(struct ecs_config, reg_max),
     .check = js_check_range,
     .min = 1,
     .max = 31LL * 86400},
    {0},
};

static const struct js_field eec_policy_fields[] = {
    {.name = "allow",
     .type = JS_ARRAY,
     .flags = JS_REQUIRED | JS_STORE,
     .store = offsetof(struct ecs_config, eec_allow),
     .max_len = 4096,
     .items = JS_STRING,
     .item_check = js_check_id_or_star},
    {0},
};

static const struct js_field edge9_rule_fields[] = {
    {.name = "client", .type = JS_STRING, .flags = JS_REQUIRED, .check = js_check_id_or_star},
    {.name = "target", .type = JS_STRING, .flags = JS_REQUIRED, .check = js_check_id_or_star},
    {.name = "scope", .type = JS_STRING, .flags = JS_REQUIRED, .check = ecs_check_scope},
    {0},
};

static const struct js_field edge9_policy_fields[] = {
    {.name = "allowedScopes",
     .type = JS_ARRAY,
     .flags = JS_STORE,
     .store = offsetof(struct ecs_config, edge9_scopes),
     .max_len = 64,
     .items = JS_STRING,
     .item_check = ecs_check_scope},
    {.name = "rules",
     .type = JS_ARRAY,
     .flags = JS_STORE,
     .store = offsetof(struct ecs_config, edge9_rules),
     .max_len = 1024,
     .items = JS_OBJECT,
     .sub = edge9_rule_fields},
    {0},
};

const struct js_field ecs_config_fields[] = {
    {.name = "signing", .type = JS_OBJECT, .flags = JS_REQUIRED, .sub = signing_fields},
    {.name = "tokenLifetime",
     .type = JS_INT,
     .flags = JS_STORE,
     .store = offsetof(struct ecs_config, token_lifetime),
     .check = js_check_range,
     .min = 1,
     .max = TOKEN_LIFETIME_MAX},
    {.name = "edge9TokenLifetime",
     .type = JS_INT,
     .flags = JS_STORE,
     .store = offsetof(struct ecs_config, edge9_lifetime),
     .check = js_check_range,
     .min = 1,
     .max = TOKEN_LIFETIME_MAX},
    {.name = "registration", .type = JS_OBJECT, .sub = registration_fields},
    {.name = "eesAuth",
     .type = JS_OBJECT,
     .flags = JS_STORE,
     .store = offsetof(struct ecs_config, ees_auth),
     .check = ecs_check_ees_auth},
    {.name = "eesScopes",
     .type = JS_OBJECT,
     .flags = JS_STORE,
     .store = offsetof(struct ecs_config, ees_scopes),
     .check = ecs_check_ees_scopes},
    {.name = "eesAuthMethods",
     .type = JS_OBJECT,
     .flags = JS_STORE,
     .store = offsetof(struct ecs_config, ees_methods),
     .check = ecs_check_ees_methods},
    {.name = "eesInstanceIds",
     .type = JS_OBJECT,
     .flags = JS_STORE,
     .store = offsetof(struct ecs_config, ees_instances),
     .check = ecs_check_ees_instances},
    {.name = "eecPolicy", .type = JS_OBJECT, .sub = eec_policy_fields},
    {.name = "edge9Policy", .type = JS_OBJECT, .sub = edge9_policy_fields},
    {.name = "peers",
     .type = JS_ARRAY,
     .flags = JS_STORE,
     .store = offsetof(struct ecs_config, peers),
     .max_len = ECS_PEERS_MAX,
     .items = JS_STRING,
     .item_check = js_check_fqdn},
    {.name = "maxForwardHops",
     .type = JS_INT,
     .flags = JS_STORE,
     .store = offsetof(struct ecs_config, max_hops),
     .check = js_check_range,
     .min = 0,
     .max = ECS_HOPS_MAX},
    {.name = "edge9Mode",
     .type = JS_STRING,
     .flags = JS_STORE,
     .store = offsetof(struct ecs_config, edge9_mode),
     .check = js_check_enum,
     .choices = ecs_edge9_modes},
    {.name = "edge9ForeignClients",
     .type = JS_ARRAY,
     .flags = JS_STORE,
     .store = offsetof(struct ecs_config, foreign_ees),
     .max_len = 1024,
     .items = JS_STRING,
     .item_check = js_check_fqdn_or_star},
    {.name = "deadlines", .type = JS_OBJECT, .sub = deadline_fields},
    {.name = "locationCacheLifetime",
     .type = JS_INT,
     .flags = JS_STORE,
     .store = offsetof(struct ecs_config, location_ttl),
     .check = js_check_range,
     .min = 0,
     .max = 86400},
    {.name = "peerKeepAlive",
     .type = JS_INT,
     .flags = JS_STORE,
     .store = offsetof(struct ecs_config, keepalive),
     .check = js_check_range,
     .min = 0,
     .max = 3600},
    {.name = "eecBindingLifetime",
     .type = JS_INT,
     .flags = JS_STORE,
     .store = offsetof(struct ecs_config, eec_binding),
     .check = js_check_range,
     .min = 1,
     .max = 31LL * 86400},
    {0},
};

void
ecs_config_defaults(struct ecs_config *c)
{
    memset(c, 0, sizeof(*c));
    c->token_lifetime = 300;
    c->edge9_lifetime = 300;
    c->reg_default = 3600;
    c->reg_max = 86400;
    c->max_hops = 2;
    c->edge9_mode = "forward";
    /* nodes/ecs/README.md "Deadlines": what a forwarded token needs over a 400 ms one-way
     * backhaul with 5% loss, with room for one lost frame per exchange. */
    c->request_ms = 20000;
    c->margin_ms = 3000;
    c->location_ttl = 60;
    c->eec_binding = 3600;
}

int
ecs_config_check(struct ecs *e, char *err)
{
    const char *path = config_path(e->node.cf);
    size_t i;
    json_t *v;

    if (e->cfg.reg_default > e->cfg.reg_max)
        return edge_err(err, "%s: registration.defaultExpiry: %lld exceeds maxExpiry %lld", path,
                        e->cfg.reg_default, e->cfg.reg_max);
    if (e->cfg.margin_ms >= e->cfg.request_ms)
        return edge_err(err, "%s: deadlines.replyMarginMs: %lld leaves nothing of requestMs %lld",
                        path, e->cfg.margin_ms, e->cfg.request_ms);
    for (int m = 0; ecs_edge9_modes[m] != NULL; m++)
        if (strcmp(ecs_edge9_modes[m], e->cfg.edge9_mode) == 0)
            e->mode = (enum ecs_edge9_mode)m;
    json_array_foreach(e->cfg.peers, i, v)
    {
        char addr[64], why[EDGE_ERR_LEN];
        unsigned short port;
        const char *p = json_string_value(v);

        if (strcasecmp(p, e->node.name) == 0)
            return edge_err(err, "%s: peers[%zu]: %s is this ECS", path, i, p);
        if (node_resolve(&e->node, p, addr, sizeof(addr), &port, why) < 0)
            return edge_err(err, "%s: peers[%zu]: %s", path, i, why);
    }
    return 0;
}

int
ecs_is_peer(const struct ecs *e, const char *fqdn)
{
    size_t i;
    json_t *v;

    json_array_foreach(e->cfg.peers, i, v)
    {
        if (strcasecmp(json_string_value(v), fqdn) == 0)
            return 1;
    }
    return 0;
}

/* The value for an EES in a per-EES map: its own entry, else "default", else NULL. */
static json_t *
ecs_per_ees_value(const json_t *map, const char *ees_fqdn)
{
    const char *k;
    json_t *v;

    json_object_foreach((json_t *)map, k, v)
    {
        if (strcasecmp(k, ees_fqdn) == 0)
            return v;
    }
    return json_object_get(map, "default");
}

static const char *
ecs_per_ees(const json_t *map, const char *ees_fqdn)
{
    return json_string_value(ecs_per_ees_value(map, ees_fqdn));
}

int
ecs_ees_instance_is(const struct ecs *e, const char *fqdn, const char *id)
{
    const char *want = ecs_per_ees(e->cfg.ees_instances, fqdn);
    char derived[UUID_TEXT_LEN];

    if (want == NULL && uuid_from_name(fqdn, derived) == 0)
        want = derived;
    return uuid_equal(want, id);
}

json_t *
ecs_ees_auth_methods(const struct ecs *e, const char *ees_fqdn)
{
    json_t *m = ecs_per_ees_value(e->cfg.ees_methods, ees_fqdn);

    /* Unless configured otherwise, what every edge-ees with key servers accepts: certificates,
     * AKMA and GBA PSKs (TS 33.558 6.2). */
    return m != NULL
               ? json_deep_copy(m)
               : json_pack("[s, s, s]", EDGEAPP_AUTH_CERT, EDGEAPP_AUTH_AKMA, EDGEAPP_AUTH_GBA);
}

int
ecs_ees_uses_token(const struct ecs *e, const char *ees_fqdn)
{
    const char *m = ecs_per_ees(e->cfg.ees_auth, ees_fqdn);

    /* Token-based unless configured otherwise: a token binds the EEC to one EES. */
    return m == NULL || strcmp(m, "token") == 0;
}

const char *
ecs_ees_scope(const struct ecs *e, const char *ees_fqdn)
{
    const char *s = ecs_per_ees(e->cfg.ees_scopes, ees_fqdn);

    return s != NULL ? s : ECS_DEFAULT_SCOPE;
}

int
ecs_is_foreign_client(const struct ecs *e, const char *fqdn)
{
    return node_allow_fqdn(e->cfg.foreign_ees, fqdn);
}

int
ecs_eec_allowed(const struct ecs *e, const char *eec_id)
{
    /* No policy configured: any authenticated EEC. */
    return e->cfg.eec_allow == NULL || node_allow_id(e->cfg.eec_allow, eec_id);
}
