/* keys.c -- the keys of a scenario file, as js_field tables: top level, topology (nodes, links,
 * routers) and each kind's node section. scenarios/README.md documents each key; a key or value
 * these tables refuse is reported with its JSON path ("$.nodes.ees1.easIds: ..."). The steps'
 * keys are in action.c (args) and expect.c (expect). */
#include "keys.h"

#include "values.h"

const struct js_field keys_topo_node[] = {
    {.name = "kind",
     .type = JS_STRING,
     .flags = JS_REQUIRED,
     .check = js_check_enum,
     .choices = val_kinds},
    {.name = "fqdn", .type = JS_STRING, .check = js_check_fqdn},
    {.name = "link", .type = JS_STRING, .flags = JS_REQUIRED, .check = val_name},
    {.name = NULL},
};

const struct js_field keys_topo_link[] = {
    {.name = "rate", .type = JS_STRING, .check = val_rate},
    {.name = "delay", .type = JS_STRING, .check = val_delay},
    {.name = "jitter", .type = JS_STRING, .check = val_delay},
    {.name = "loss", .type = JS_NUMBER, .check = val_prob},
    {.name = "mtu", .type = JS_INT, .check = js_check_range, .min = 576, .max = 9000},
    {.name = NULL},
};

const struct js_field keys_topo_router[] = {
    {.name = "links",
     .type = JS_ARRAY,
     .flags = JS_REQUIRED | JS_NONEMPTY,
     .items = JS_STRING,
     .item_check = val_link_ref},
    {.name = NULL},
};

const struct js_field keys_topology[] = {
    {.name = "include", .type = JS_STRING, .flags = JS_NONEMPTY},
    {.name = "nodes", .type = JS_OBJECT, .flags = JS_REQUIRED},
    {.name = "links", .type = JS_OBJECT, .flags = JS_REQUIRED},
    {.name = "routers", .type = JS_OBJECT},
    {.name = NULL},
};

/* Local authorization policy (TS 33.558 6.2/6.3: "local authorization"). */
static const struct js_field policy_fields[] = {
    {.name = "allowEecs", .type = JS_ARRAY, .items = JS_STRING, .item_check = val_eec_ref},
    {.name = "allowGpsis", .type = JS_ARRAY, .items = JS_STRING, .item_check = js_check_gpsi},
    {.name = NULL},
};

/* The ECS's local policy names the EECs it provisions (TS 33.558 6.2). */
static const struct js_field ecs_policy_fields[] = {
    {.name = "allowEecs", .type = JS_ARRAY, .items = JS_STRING, .item_check = val_eec_ref},
    {.name = NULL},
};

/* EDGE-9 policy: which S-EES may get a token for which T-EES, with which scope. */
static const struct js_field edge9_rule_fields[] = {
    {.name = "client", .type = JS_STRING, .flags = JS_REQUIRED, .check = val_ees_or_star},
    {.name = "target", .type = JS_STRING, .flags = JS_REQUIRED, .check = val_ees_or_star},
    {.name = "scope", .type = JS_STRING, .flags = JS_REQUIRED | JS_NONEMPTY},
    {.name = NULL},
};

static const struct js_field edge9_policy_fields[] = {
    {.name = "allowedScopes", .type = JS_ARRAY, .items = JS_STRING},
    {.name = "rules", .type = JS_ARRAY, .items = JS_OBJECT, .sub = edge9_rule_fields},
    {.name = NULL},
};

/* A scripted HTTPS peer in a server's place (tools/runner/fake.c, which checks each route). */
static const struct js_field keys_fake[] = {
    {.name = "routes", .type = JS_ARRAY, .flags = JS_REQUIRED | JS_NONEMPTY, .items = JS_OBJECT},
    {.name = NULL},
};

const struct js_field keys_ecs[] = {
    {.name = "started", .type = JS_BOOL},
    {.name = "http", .type = JS_STRING, .check = js_check_enum, .choices = val_https},
    {.name = "config", .type = JS_OBJECT},
    {.name = "fake", .type = JS_OBJECT, .sub = keys_fake},
    {.name = "peers", .type = JS_ARRAY, .items = JS_STRING, .item_check = val_ecs_ref},
    {.name = "eesAuth", .type = JS_OBJECT},
    {.name = "tokenLifetime", .type = JS_INT, .check = js_check_range, .min = 1, .max = 86400},
    {.name = "edge9TokenLifetime", .type = JS_INT, .check = js_check_range, .min = 1, .max = 86400},
    {.name = "edge9Policy", .type = JS_OBJECT, .sub = edge9_policy_fields},
    {.name = "maxForwardHops", .type = JS_INT, .check = js_check_range, .min = 0, .max = 8},
    {.name = "eesScopes", .type = JS_OBJECT},
    {.name = "registrationLifetime",
     .type = JS_INT,
     .check = js_check_range,
     .min = 1,
     .max = 86400},
    {.name = "policy", .type = JS_OBJECT, .sub = ecs_policy_fields},
    {.name = "kids",
     .type = JS_ARRAY,
     .flags = JS_NONEMPTY,
     .items = JS_STRING,
     .item_check = js_check_kid},
    {.name = NULL},
};

const struct js_field keys_ees[] = {
    {.name = "started", .type = JS_BOOL},
    {.name = "http", .type = JS_STRING, .check = js_check_enum, .choices = val_https},
    {.name = "config", .type = JS_OBJECT},
    {.name = "fake", .type = JS_OBJECT, .sub = keys_fake},
    {.name = "ecs", .type = JS_STRING, .flags = JS_REQUIRED, .check = val_ecs_ref},
    {.name = "authorization", .type = JS_STRING, .check = js_check_enum, .choices = val_authzs},
    {.name = "policy", .type = JS_OBJECT, .sub = policy_fields},
    {.name = "easIds",
     .type = JS_ARRAY,
     .flags = JS_REQUIRED | JS_NONEMPTY,
     .items = JS_STRING,
     .item_check = js_check_id},
    {.name = "svcArea", .type = JS_OBJECT},
    {.name = "registrationExpiry", .type = JS_INT, .check = js_check_range, .min = 1, .max = 86400},
    {.name = "refresh", .type = JS_BOOL},
    {.name = "keepAlive", .type = JS_INT, .check = js_check_range, .min = 0, .max = 86400},
    {.name = "eecRegConf", .type = JS_BOOL},
    {.name = "eecRegistrationExpiry",
     .type = JS_INT,
     .check = js_check_range,
     .min = 1,
     .max = 86400},
    {.name = "tokenReplay", .type = JS_STRING, .check = js_check_enum, .choices = val_replays},
    {.name = NULL},
};

const struct js_field keys_eec[] = {
    {.name = "started", .type = JS_BOOL},
    {.name = "http", .type = JS_STRING, .check = js_check_enum, .choices = val_https},
    {.name = "config", .type = JS_OBJECT},
    {.name = "eecId", .type = JS_STRING, .flags = JS_REQUIRED, .check = js_check_id},
    {.name = "ecs", .type = JS_STRING, .flags = JS_REQUIRED, .check = val_ecs_ref},
    {.name = "credentials", .type = JS_STRING, .check = js_check_enum, .choices = val_creds},
    {.name = "gpsi", .type = JS_STRING, .check = js_check_gpsi},
    {.name = "boundGpsi", .type = JS_STRING, .flags = JS_NULLABLE, .check = js_check_gpsi},
    {.name = "akid", .type = JS_STRING, .check = js_check_akid},
    {.name = "subscriber", .type = JS_BOOL},
    /* Its AKMA context's K_AKMA lifetime at the AAnF, its GBA session's key lifetime at the BSF
     * (seconds from the key server's start). */
    {.name = "akmaLifetime", .type = JS_INT, .check = js_check_range, .min = 1, .max = 86400},
    {.name = "gbaLifetime", .type = JS_INT, .check = js_check_range, .min = 1, .max = 86400},
    {.name = "acProfs", .type = JS_ARRAY, .items = JS_OBJECT},
    {.name = "locInf", .type = JS_OBJECT},
    {.name = NULL},
};

/* A key server: edge-aanf (TS 33.535) or edge-bsf (TS 33.220); the AFs / NAFs it serves (ECS and
 * EES names; default: all) and its key lifetimes. */
const struct js_field keys_aanf[] = {
    {.name = "started", .type = JS_BOOL},
    {.name = "http", .type = JS_STRING, .check = js_check_enum, .choices = val_https},
    {.name = "config", .type = JS_OBJECT},
    {.name = "afs", .type = JS_ARRAY, .items = JS_STRING, .item_check = val_server_ref},
    {.name = "kafLifetime", .type = JS_INT, .check = js_check_range, .min = 1, .max = 86400},
    {.name = NULL},
};

const struct js_field keys_bsf[] = {
    {.name = "started", .type = JS_BOOL},
    {.name = "http", .type = JS_STRING, .check = js_check_enum, .choices = val_https},
    {.name = "config", .type = JS_OBJECT},
    {.name = "nafs", .type = JS_ARRAY, .items = JS_STRING, .item_check = val_server_ref},
    {.name = "keyLifetime", .type = JS_INT, .check = js_check_range, .min = 1, .max = 86400},
    {.name = NULL},
};

const struct js_field keys_top[] = {
    {.name = "name", .type = JS_STRING, .flags = JS_REQUIRED, .check = val_name},
    {.name = "title", .type = JS_STRING, .flags = JS_REQUIRED | JS_NONEMPTY},
    {.name = "reference", .type = JS_STRING, .flags = JS_REQUIRED | JS_NONEMPTY},
    {.name = "description", .type = JS_STRING, .flags = JS_REQUIRED | JS_NONEMPTY},
    {.name = "topology", .type = JS_OBJECT, .flags = JS_REQUIRED},
    {.name = "nodes", .type = JS_OBJECT},
    {.name = "steps", .type = JS_ARRAY, .flags = JS_REQUIRED | JS_NONEMPTY, .items = JS_OBJECT},
    {.name = "timeoutMs", .type = JS_INT, .check = js_check_range, .min = 100, .max = 600000},
    {.name = NULL},
};
