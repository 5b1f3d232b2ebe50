/* keys.c -- the keys of a scenario file, as js_field tables: top level, topology (nodes, links,
 * routers) and each kind's node section. scenarios/README.md documents each key; a key or value
 * these tables refuse is reported with its JSON path ("$.nodes.ees1.easIds: ..."). The steps'
 * keys are in action.c (args) and expect.c (expect). */
#include "keys.h"
#include "population.h"

#include "base/err.h"
#include "values.h"

#include <string.h>

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

/* Local authorization policy (TS 33.558 6.2/6.3: "local authorization"): the EECs, and on EDGE-9
 * the S-EESes, an EES serves without a token. */
static const struct js_field policy_fields[] = {
    {.name = "allowEecs", .type = JS_ARRAY, .items = JS_STRING, .item_check = val_eec_ref},
    {.name = "allowGpsis", .type = JS_ARRAY, .items = JS_STRING, .item_check = js_check_gpsi},
    {.name = "allowEeses", .type = JS_ARRAY, .items = JS_STRING, .item_check = val_ees_or_star},
    {.name = "allowEases", .type = JS_ARRAY, .items = JS_STRING, .item_check = js_check_id_or_star},
    {.name = NULL},
};

/* How an ECS gets a token for a T-EES at another ECS (TR 33.739 6.27 Editor's Note): forward it
 * to that ECS, redirect the S-EES there, or sign it itself. */
static const char *const keys_edge9_modes[] = {"forward", "redirect", "local-issue", NULL};

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

/* How long an ECS gives a token request, and what of that it keeps to answer its client (config
 * "deadlines" of edge-ecs, nodes/ecs/README.md "Deadlines"); the node checks them again. */
static const struct js_field ecs_deadline_fields[] = {
    {.name = "requestMs", .type = JS_INT, .check = js_check_range, .min = 100, .max = 600000},
    {.name = "replyMarginMs", .type = JS_INT, .check = js_check_range, .min = 0, .max = 60000},
    {.name = NULL},
};

/* How long an EES waits for its ECS (token request, discovery) and for a peer EES (EDGE-9). */
static const struct js_field ees_deadline_fields[] = {
    {.name = "ecsMs", .type = JS_INT, .check = js_check_range, .min = 100, .max = 600000},
    {.name = "peerMs", .type = JS_INT, .check = js_check_range, .min = 100, .max = 600000},
    {.name = NULL},
};

/* How long an EEC waits for an answer (edge-eec config "deadlines"). */
static const struct js_field eec_deadline_fields[] = {
    {.name = "requestMs", .type = JS_INT, .check = js_check_range, .min = 100, .max = 600000},
    {.name = NULL},
};

/* A node's wait must end before the runner's (the scenario's timeoutMs, default 15 s): else the
 * step ends with "did not answer" and the node's own verdict on its deadline is never seen. */
static int
keys_deadlines(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    struct scn_ctx *c = ctx;
    json_t *t = json_object_get(c->s->root, "timeoutMs"), *e;
    json_int_t limit = json_is_integer(t) ? json_integer_value(t) : 15000;
    const char *k;
    (void)f;

    json_object_foreach(v, k, e)
    {
        if (strcmp(k, "replyMarginMs") != 0 && json_integer_value(e) >= limit)
            return edge_err(why,
                            "%s %lld is not below the scenario's timeoutMs %lld: the runner "
                            "would stop waiting first (raise timeoutMs)",
                            k, (long long)json_integer_value(e), (long long)limit);
    }
    return 0;
}

/* The margin is kept out of the request's time: it must leave some. */
static int
keys_ecs_deadlines(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    json_t *req = json_object_get(v, "requestMs"), *margin = json_object_get(v, "replyMarginMs");

    if (json_is_integer(req) && json_is_integer(margin) &&
        json_integer_value(margin) >= json_integer_value(req))
        return edge_err(why, "replyMarginMs %lld leaves nothing of requestMs %lld",
                        (long long)json_integer_value(margin), (long long)json_integer_value(req));
    return keys_deadlines(v, f, ctx, why);
}

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
    {.name = "deadlines",
     .type = JS_OBJECT,
     .sub = ecs_deadline_fields,
     .check = keys_ecs_deadlines},
    {.name = "edge9Mode", .type = JS_STRING, .check = js_check_enum, .choices = keys_edge9_modes},
    {.name = "edge9ForeignClients",
     .type = JS_ARRAY,
     .items = JS_STRING,
     .item_check = val_ees_or_star},
    {.name = "locationCacheLifetime",
     .type = JS_INT,
     .check = js_check_range,
     .min = 0,
     .max = 86400},
    {.name = "peerKeepAlive", .type = JS_INT, .check = js_check_range, .min = 0, .max = 3600},
    {.name = "eecBindingLifetime",
     .type = JS_INT,
     .check = js_check_range,
     .min = 1,
     .max = 2678400},
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
    {.name = "tokenClockSkew", .type = JS_INT, .check = js_check_range, .min = 1, .max = 300},
    {.name = "deadlines", .type = JS_OBJECT, .sub = ees_deadline_fields, .check = keys_deadlines},
    {.name = "partnerEcs", .type = JS_ARRAY, .items = JS_STRING, .item_check = val_ecs_ref},
    {.name = NULL},
};

/* An EAS (edge-eas, nodes/eas/README.md): its EES, its EAS ID and the rest of its profile. */
static const struct js_field eas_deadline_fields[] = {
    {.name = "peerMs", .type = JS_INT, .check = js_check_range, .min = 100, .max = 600000},
    {.name = NULL},
};

const struct js_field keys_eas[] = {
    {.name = "started", .type = JS_BOOL},
    {.name = "http", .type = JS_STRING, .check = js_check_enum, .choices = val_https},
    {.name = "config", .type = JS_OBJECT},
    {.name = "ees", .type = JS_STRING, .flags = JS_REQUIRED, .check = val_ees_ref},
    {.name = "easId", .type = JS_STRING, .flags = JS_REQUIRED, .check = js_check_id},
    {.name = "profile", .type = JS_OBJECT},
    {.name = "registrationExpiry", .type = JS_INT, .check = js_check_range, .min = 1, .max = 86400},
    {.name = "refresh", .type = JS_BOOL},
    {.name = "keepAlive", .type = JS_INT, .check = js_check_range, .min = 0, .max = 86400},
    {.name = "acrEvents", .type = JS_BOOL},
    {.name = "deadlines", .type = JS_OBJECT, .sub = eas_deadline_fields, .check = keys_deadlines},
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
    {.name = "deadlines", .type = JS_OBJECT, .sub = eec_deadline_fields, .check = keys_deadlines},
    /* A UE population the node hosts besides itself (population.h). */
    {.name = "eecs", .type = JS_OBJECT, .sub = pop_fields},
    {.name = "notifyFqdn", .type = JS_STRING, .check = js_check_fqdn},
    {.name = NULL},
};

/* The position of the step named name in the file (explicit names only: the scenario's keys are
 * read before the steps get their default names), or -1. */
static long
keys_step_pos(struct scn_ctx *c, const char *name)
{
    json_t *s;
    size_t i;

    json_array_foreach(json_object_get(c->s->root, "steps"), i, s)
    {
        const char *n = json_string_value(json_object_get(s, "name"));
        if (n != NULL && strcmp(n, name) == 0)
            return (long)i;
    }
    return -1;
}

/* compare: two named steps, the base first, and the link(s) whose RTT bounds the difference. */
static int
keys_compare(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    const char *base = json_string_value(json_object_get(v, "base"));
    const char *step = json_string_value(json_object_get(v, "step"));
    long b = keys_step_pos(ctx, base), s = keys_step_pos(ctx, step);
    (void)f;

    if (b < 0)
        return edge_err(why, "base: no step named \"%s\"", base);
    if (s < 0)
        return edge_err(why, "step: no step named \"%s\"", step);
    if (b >= s)
        return edge_err(why, "step: \"%s\" must come after its base \"%s\"", step, base);
    return 0;
}

/* "compare": what the sweep reports, e.g. a forwarded token's cost over a same-ECS one against
 * one backhaul RTT + 2 ms (issue 10, tools/sweep/README.md). */
static const struct js_field compare_fields[] = {
    {.name = "base", .type = JS_STRING, .flags = JS_REQUIRED | JS_NONEMPTY},
    {.name = "step", .type = JS_STRING, .flags = JS_REQUIRED | JS_NONEMPTY},
    {.name = "link", .type = JS_ANY, .flags = JS_REQUIRED, .check = val_links},
    {.name = "rtts", .type = JS_NUMBER, .check = js_check_range, .min = 0, .max = 100},
    {.name = "plusMs", .type = JS_INT, .check = js_check_range, .min = -60000, .max = 60000},
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
    {.name = "tapOnly", .type = JS_BOOL},
    /* false: not run by the test suite (tests/scenarios/CMakeLists.txt), e.g. a long scale run. */
    {.name = "suite", .type = JS_BOOL},
    {.name = "compare", .type = JS_OBJECT, .sub = compare_fields, .check = keys_compare},
    {.name = NULL},
};
