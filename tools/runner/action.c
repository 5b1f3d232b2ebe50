/* action.c -- the table of step actions (name, node kinds, args schema, exec) and the check of a
 * step against it.
 *
 * A step is checked key by key (its node and action first: the args table depends on them), so
 * a mistake names its JSON path: "$.steps[3].args.token: ...". scenarios/README.md documents each
 * action and argument. */
#include "action.h"

#include "base/err.h"
#include "expect.h"
#include "match.h"

#include <stdio.h>
#include <string.h>

/* ---- arguments ---- */

static int arg_tokref(json_t *v, const struct js_field *f, void *ctx, char *why);

static const char *const arg_forges[] = {
    "payload", "alg-none", "hs256-pubkey", "untrusted-key", "strip-signature", "issuer-key", NULL};

/* {"from": STEP, "ees": EES, "forge": ..., "set": {...}, "unset": [...]} */
static const struct js_field tokref_fields[] = {
    {.name = "from", .type = JS_STRING, .flags = JS_REQUIRED, .check = val_step_ref},
    {.name = "ees", .type = JS_STRING, .check = val_ees_ref},
    {.name = "forge", .type = JS_STRING, .check = js_check_enum, .choices = arg_forges},
    {.name = "set", .type = JS_OBJECT},
    {.name = "unset", .type = JS_ARRAY, .items = JS_STRING},
    {.name = "header", .type = JS_OBJECT},
    {.name = NULL},
};

/* A reference to a token of an earlier step (forged when asked). */
static int
arg_tokref_object(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    char err[EDGE_ERR_LEN];
    (void)f;

    if (js_decode(v, "", tokref_fields, NULL, ctx, err) == -1)
        return edge_err(why, "%s", err);
    if (json_object_get(v, "set") != NULL || json_object_get(v, "unset") != NULL ||
        json_object_get(v, "header") != NULL) {
        if (json_object_get(v, "forge") == NULL)
            return edge_err(why, "\"set\"/\"unset\" change claims, so they need \"forge\"");
    }
    return 0;
}

/* A token argument: a keyword, or a reference to a token of an earlier step. */
static int
arg_tokref(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    struct scn_ctx *c = ctx;

    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        int eec = c->kind == SCN_EEC;
        if ((eec && (strcmp(s, "provisioned") == 0 || strcmp(s, "none") == 0)) ||
            (!eec && (strcmp(s, "fetch") == 0 || strcmp(s, "none") == 0)))
            return 0;
        return edge_err(why, "expected %s or {\"from\": STEP}, got \"%s\"",
                        eec ? "\"provisioned\", \"none\"" : "\"fetch\", \"none\"", s);
    }
    if (!json_is_object(v))
        return edge_err(why, "expected string or object, got %s", js_type_name(v));
    return arg_tokref_object(v, f, ctx, why);
}

/* A string, or {"from": STEP} naming the step whose result holds the value. */
static const struct js_field fromref_fields[] = {
    {.name = "from", .type = JS_STRING, .flags = JS_REQUIRED, .check = val_step_ref},
    {.name = NULL},
};

static int
arg_str_or_from(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    char err[EDGE_ERR_LEN];
    (void)f;
    if (json_is_string(v))
        return 0;
    if (!json_is_object(v))
        return edge_err(why, "expected string or {\"from\": STEP}, got %s", js_type_name(v));
    if (js_decode(v, "", fromref_fields, NULL, ctx, err) == -1)
        return edge_err(why, "%s", err);
    return 0;
}

/* ueId: a GPSI to send, or false to send none. */
static int
arg_ueid(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    if (json_is_false(v))
        return 0;
    if (!json_is_string(v))
        return edge_err(why, "expected a GPSI string or false, got %s", js_type_name(v));
    return js_check_gpsi(v, f, ctx, why);
}

static const char *const arg_apis[] = {"push", "pull", NULL};

static const char *const arg_signals[] = {"TERM", "KILL", "ctl", NULL};

static const struct js_field args_provision[] = {
    {.name = "acProfs", .type = JS_ARRAY, .items = JS_OBJECT},
    {.name = "ueId", .type = JS_ANY, .check = arg_ueid},
    {.name = "locInf", .type = JS_OBJECT},
    {.name = "ecs", .type = JS_STRING, .check = val_ecs_ref},
    {.name = NULL},
};
static const struct js_field args_register[] = {
    {.name = "ees", .type = JS_STRING, .flags = JS_REQUIRED, .check = val_ees_ref},
    {.name = "token", .type = JS_ANY, .check = arg_tokref},
    {.name = "ueId", .type = JS_ANY, .check = arg_ueid},
    {.name = "eecCntxId", .type = JS_ANY, .check = arg_str_or_from},
    {.name = "srcEes", .type = JS_STRING, .check = val_ees_ref},
    {.name = "acProfs", .type = JS_ARRAY, .items = JS_OBJECT},
    {.name = NULL},
};
/* update, deregister and discover at an EES: the token (default: the one its registration there
 * carried) and the GPSI sent can be chosen, as for register. */
static const struct js_field args_update[] = {
    {.name = "ees", .type = JS_STRING, .flags = JS_REQUIRED, .check = val_ees_ref},
    {.name = "token", .type = JS_ANY, .check = arg_tokref},
    {.name = "ueId", .type = JS_ANY, .check = arg_ueid},
    {.name = "acProfs", .type = JS_ARRAY, .items = JS_OBJECT},
    {.name = NULL},
};
static const struct js_field args_deregister[] = {
    {.name = "ees", .type = JS_STRING, .flags = JS_REQUIRED, .check = val_ees_ref},
    {.name = "token", .type = JS_ANY, .check = arg_tokref},
    {.name = NULL},
};
static const struct js_field args_discover_eec[] = {
    {.name = "ees", .type = JS_STRING, .flags = JS_REQUIRED, .check = val_ees_ref},
    {.name = "easIds", .type = JS_ARRAY, .items = JS_STRING},
    {.name = "token", .type = JS_ANY, .check = arg_tokref},
    {.name = "ueId", .type = JS_ANY, .check = arg_ueid},
    {.name = "locInf", .type = JS_OBJECT},
    {.name = NULL},
};
static const struct js_field args_discover_ees[] = {
    {.name = "easId", .type = JS_STRING, .flags = JS_REQUIRED},
    {.name = "ueId", .type = JS_ANY, .check = arg_ueid},
    {.name = NULL},
};
static const char *const arg_relocate_ats[] = {"source", "target", NULL};
static const struct js_field args_relocate[] = {
    {.name = "ees", .type = JS_STRING, .flags = JS_REQUIRED, .check = val_ees_ref},
    {.name = "tEes", .type = JS_STRING, .flags = JS_REQUIRED, .check = val_ees_ref},
    {.name = "acId", .type = JS_STRING},
    {.name = "easId", .type = JS_STRING},
    {.name = "tEasEndpoint", .type = JS_OBJECT},
    {.name = "at", .type = JS_STRING, .check = js_check_enum, .choices = arg_relocate_ats},
    {.name = "sEasEndpoint", .type = JS_OBJECT},
    {.name = NULL},
};
/* The S-EAS starts an ACR (EDGE-3): acr_determine (AcrDetermReq) and acr_decide (T-EAS
 * discovery, transfer, AcrDecReq). */
static const struct js_field args_acr_eas[] = {
    {.name = "ueId", .type = JS_STRING, .flags = JS_REQUIRED, .check = js_check_gpsi},
    {.name = "acId", .type = JS_STRING, .check = js_check_id},
    {.name = "tEasEndpoint", .type = JS_OBJECT},
    {.name = NULL},
};
static const struct js_field args_request_token[] = {
    {.name = "target", .type = JS_STRING, .flags = JS_REQUIRED, .check = val_ees_or_fqdn},
    {.name = "scope", .type = JS_STRING},
    {.name = "eec", .type = JS_STRING, .check = val_eec_ref},
    {.name = NULL},
};
static const struct js_field args_call[] = {
    {.name = "api",
     .type = JS_STRING,
     .flags = JS_REQUIRED,
     .check = js_check_enum,
     .choices = arg_apis},
    {.name = "peer", .type = JS_STRING, .flags = JS_REQUIRED, .check = val_ees_ref},
    {.name = "eecCntxId", .type = JS_ANY, .flags = JS_REQUIRED, .check = arg_str_or_from},
    {.name = "token", .type = JS_ANY, .check = arg_tokref},
    {.name = NULL},
};
static const struct js_field args_wait[] = {
    {.name = "token", .type = JS_ANY, .check = arg_tokref},
    {.name = "registration", .type = JS_STRING, .check = val_step_ref},
    {.name = "marginMs", .type = JS_INT, .check = js_check_range, .min = 0, .max = 60000},
    {.name = NULL},
};
/* wait_until_expired: exactly one instant to wait for. */
static int
arg_wait_check(struct scn_ctx *c, json_t *args, char *err)
{
    (void)c;
    if ((json_object_get(args, "token") == NULL) == (json_object_get(args, "registration") == NULL))
        return edge_err(err, "give exactly one of \"token\" and \"registration\"");
    return 0;
}

static const struct js_field args_stop[] = {
    {.name = "signal", .type = JS_STRING, .check = js_check_enum, .choices = arg_signals},
    {.name = NULL},
};
static const struct js_field args_none[] = {{.name = NULL}};
static const struct js_field drop_fields[] = {
    {.name = "count",
     .type = JS_INT,
     .flags = JS_REQUIRED,
     .check = js_check_range,
     .min = 1,
     .max = 10000},
    {.name = "between",
     .type = JS_ARRAY,
     .flags = JS_REQUIRED,
     .items = JS_STRING,
     .item_check = val_node_ref},
    {.name = "port", .type = JS_INT, .check = js_check_range, .min = 1, .max = 65535},
    {.name = NULL},
};
static const struct js_field args_link[] = {
    {.name = "link", .type = JS_STRING, .flags = JS_REQUIRED, .check = val_link_ref},
    {.name = "rate", .type = JS_STRING, .check = val_rate},
    {.name = "delay", .type = JS_STRING, .check = val_delay},
    {.name = "jitter", .type = JS_STRING, .check = val_delay},
    {.name = "loss", .type = JS_NUMBER, .check = val_prob},
    {.name = "drop", .type = JS_OBJECT, .sub = drop_fields},
    {.name = NULL},
};
static int
arg_patterns(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    (void)f, (void)ctx;
    return match_check(v, why, EDGE_ERR_LEN);
}

static const char *const arg_notify_apis[] = {"acr-events", "eas-discovery", "servprov",
                                              "acr-mgnt-events", NULL};

static const struct js_field args_await[] = {
    {.name = "event", .type = JS_STRING, .flags = JS_NONEMPTY},
    {.name = "logged", .type = JS_OBJECT, .check = arg_patterns},
    {.name = "notification", .type = JS_OBJECT, .check = arg_patterns},
    {.name = "api", .type = JS_STRING, .check = js_check_enum, .choices = arg_notify_apis},
    {.name = "count", .type = JS_INT, .check = js_check_range, .min = 1, .max = 10000},
    {.name = "since", .type = JS_STRING, .check = val_step_ref},
    {.name = "timeoutMs", .type = JS_INT, .check = js_check_range, .min = 1, .max = 600000},
    {.name = NULL},
};

/* await: a control event, or events of the event log. */
static int
arg_await_check(struct scn_ctx *c, json_t *args, char *err)
{
    int n = (json_object_get(args, "event") != NULL) + (json_object_get(args, "logged") != NULL) +
            (json_object_get(args, "notification") != NULL);

    (void)c;
    if (n != 1)
        return edge_err(err, "give exactly one of \"event\", \"logged\" and \"notification\"");
    if ((json_object_get(args, "count") != NULL || json_object_get(args, "since") != NULL) &&
        json_object_get(args, "event") != NULL)
        return edge_err(err,
                        "\"count\" and \"since\" are of \"logged\" events or of notifications");
    if (json_object_get(args, "api") != NULL && json_object_get(args, "notification") == NULL)
        return edge_err(err, "\"api\" is of a notification");
    return 0;
}

/* start: the node's config with these keys merged in for this start; wait for ready or not. */
static const struct js_field args_start[] = {
    {.name = "config", .type = JS_OBJECT},
    {.name = "wait", .type = JS_BOOL},
    {.name = NULL},
};

/* An earlier step sent with "async": true. */
static int
arg_async_step(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    struct scn_ctx *c = ctx;
    (void)f;
    if (json_object_get(c->async_steps, json_string_value(v)) != NULL)
        return 0;
    return edge_err(why, "no earlier step \"%s\" with \"async\": true", json_string_value(v));
}

static const struct js_field args_reply[] = {
    {.name = "step", .type = JS_STRING, .flags = JS_REQUIRED, .check = arg_async_step},
    {.name = NULL},
};
static const char *const arg_methods[] = {"GET", "POST", "PUT", "PATCH", "DELETE", NULL};

/* http: one request; at most one kind of body. */
static const struct js_field args_http[] = {
    {.name = "to", .type = JS_STRING, .flags = JS_REQUIRED, .check = val_server_ref},
    {.name = "method",
     .type = JS_STRING,
     .flags = JS_REQUIRED,
     .check = js_check_enum,
     .choices = arg_methods},
    {.name = "path", .type = JS_STRING, .flags = JS_REQUIRED | JS_NONEMPTY, .max_len = 8192},
    {.name = "headers", .type = JS_OBJECT},
    {.name = "token", .type = JS_OBJECT, .check = arg_tokref_object},
    {.name = "json", .type = JS_ANY},
    {.name = "form", .type = JS_STRING},
    {.name = "body", .type = JS_STRING},
    {.name = "bodyB64", .type = JS_STRING},
    {.name = "contentType", .type = JS_STRING, .flags = JS_NONEMPTY},
    {.name = NULL},
};

static int
arg_http_check(struct scn_ctx *c, json_t *args, char *err)
{
    (void)c;
    static const char *const bodies[] = {"json", "form", "body", "bodyB64", NULL};
    const char *path = json_string_value(json_object_get(args, "path"));
    int n = 0;

    for (int i = 0; bodies[i] != NULL; i++)
        n += json_object_get(args, bodies[i]) != NULL;
    if (n > 1)
        return edge_err(err, "give at most one of \"json\", \"form\", \"body\", \"bodyB64\"");
    if (path[0] != '/' && path[0] != '$' && strncmp(path, "https://", 8) != 0)
        return edge_err(err, "path: expected \"/...\", an https:// URI or a ${STEP/...} reference");
    return 0;
}

/* ctl: a control command as it is. */
static const struct js_field args_ctl[] = {
    {.name = "cmd", .type = JS_STRING, .flags = JS_REQUIRED | JS_NONEMPTY, .max_len = 64},
    {.name = "args", .type = JS_OBJECT},
    {.name = NULL},
};

/* put_context at an EAS: the application state of a UE (what its AC built there). */
/* subscribe at an EEC: an API of notify.h, at an EES (EDGE-1 APIs) or its ECS (servprov). */
static const struct js_field args_subscribe[] = {
    {.name = "api",
     .type = JS_STRING,
     .flags = JS_REQUIRED,
     .check = js_check_enum,
     .choices = arg_notify_apis},
    {.name = "ees", .type = JS_STRING, .check = val_ees_ref},
    {.name = "ecs", .type = JS_STRING, .check = val_ecs_ref},
    {.name = "easIds", .type = JS_ARRAY, .items = JS_STRING, .item_check = js_check_id},
    {.name = "eventIds", .type = JS_STRING, .flags = JS_NONEMPTY},
    {.name = "acProfs", .type = JS_ARRAY, .items = JS_OBJECT},
    {.name = "expTime", .type = JS_STRING, .flags = JS_NONEMPTY},
    {.name = "token", .type = JS_ANY, .check = arg_tokref},
    {.name = "ueId", .type = JS_ANY, .check = arg_ueid},
    {.name = NULL},
};
static const struct js_field args_unsubscribe[] = {
    {.name = "subId", .type = JS_ANY, .flags = JS_REQUIRED, .check = arg_str_or_from},
    {.name = "token", .type = JS_ANY, .check = arg_tokref},
    {.name = NULL},
};

static const struct js_field args_put_context[] = {
    {.name = "ueId", .type = JS_STRING, .flags = JS_REQUIRED, .check = js_check_gpsi},
    {.name = "acId", .type = JS_STRING, .check = js_check_id},
    {.name = "context", .type = JS_OBJECT, .flags = JS_REQUIRED},
    {.name = NULL},
};
static const struct js_field args_update_profile[] = {
    {.name = "profile", .type = JS_OBJECT, .flags = JS_REQUIRED},
    {.name = NULL},
};

static const struct js_field args_rotate[] = {
    {.name = "kid", .type = JS_STRING, .flags = JS_REQUIRED, .check = js_check_kid},
    {.name = "new", .type = JS_BOOL},
    {.name = NULL},
};

/* rotate with "new": the runner makes the key during the run, so it must be a kid the ECS was
 * not given at the start (its "kids", default k1). */
static int
arg_rotate_check(struct scn_ctx *c, json_t *args, char *err)
{
    const char *kid = json_string_value(json_object_get(args, "kid"));
    json_t *kids = json_object_get(c->node->conf, "kids"), *k;
    size_t i;

    if (!json_is_true(json_object_get(args, "new")))
        return 0;
    if (kids == NULL && strcmp(kid, "k1") == 0)
        return edge_err(err,
                        "kid: k1 is the key %s is given at the start; a new key needs "
                        "another kid",
                        c->node->name);
    json_array_foreach(kids, i, k)
    {
        if (strcmp(json_string_value(k), kid) == 0)
            return edge_err(err,
                            "kid: %s is in %s's \"kids\" (made at the start); a new key needs "
                            "another kid",
                            kid, c->node->name);
    }
    return 0;
}

/* ---- the table ---- */

#define ECS ACT_K(SCN_ECS)
#define EES ACT_K(SCN_EES)
#define EEC ACT_K(SCN_EEC)
#define EAS ACT_K(SCN_EAS)

/* How node commands take their args from the step's (nodes/README.md "Control commands"). */
static const struct act_arg map_provision[] = {{.out = "acProfs"},
                                               {.out = "ueId"},
                                               {.out = "locInf"},
                                               {.out = "ecs", .how = ACT_ARG_ID},
                                               {.out = NULL}};
static const struct act_arg map_register[] = {
    {.out = "ees", .how = ACT_ARG_ID},
    {.out = "token", .how = ACT_ARG_TOKEN},
    {.out = "ueId"},
    {.out = "eecCntxId", .how = ACT_ARG_CNTX},
    {.out = "srcEesId", .in = "srcEes", .how = ACT_ARG_ID},
    {.out = "acProfs"},
    {.out = NULL},
};
static const struct act_arg map_update[] = {{.out = "ees", .how = ACT_ARG_ID},
                                            {.out = "token", .how = ACT_ARG_TOKEN},
                                            {.out = "ueId"},
                                            {.out = "acProfs"},
                                            {.out = NULL}};
static const struct act_arg map_discover_eas[] = {{.out = "ees", .how = ACT_ARG_ID},
                                                  {.out = "easIds"},
                                                  {.out = "token", .how = ACT_ARG_TOKEN},
                                                  {.out = "ueId"},
                                                  {.out = "locInf"},
                                                  {.out = NULL}};
static const struct act_arg map_discover_target[] = {
    {.out = "easId"}, {.out = "ueId"}, {.out = NULL}};
static const struct act_arg map_relocate[] = {
    {.out = "ees", .how = ACT_ARG_ID},
    {.out = "tEes", .how = ACT_ARG_ID},
    {.out = "acId"},
    {.out = "easId"},
    {.out = "tEasEndpoint"},
    {.out = "at"},
    {.out = "sEasEndpoint"},
    {.out = NULL},
};
static const struct act_arg map_acr_eas[] = {
    {.out = "ueId"}, {.out = "acId"}, {.out = "tEasEndpoint"}, {.out = NULL}};
static const struct act_arg map_request_token[] = {{.out = "target", .how = ACT_ARG_ID},
                                                   {.out = "scope"},
                                                   {.out = "eecId", .in = "eec", .how = ACT_ARG_ID},
                                                   {.out = NULL}};
static const struct act_arg map_none[] = {{.out = NULL}};
static const struct act_arg map_rotate[] = {{.out = "kid"}, {.out = NULL}};
static const struct act_arg map_put_context[] = {
    {.out = "ueId"}, {.out = "acId"}, {.out = "context"}, {.out = NULL}};
static const struct act_arg map_update_profile[] = {{.out = "profile"}, {.out = NULL}};
static const struct act_arg map_subscribe[] = {{.out = "api"},
                                               {.out = "ees", .how = ACT_ARG_ID},
                                               {.out = "ecs", .how = ACT_ARG_ID},
                                               {.out = "easIds"},
                                               {.out = "eventIds"},
                                               {.out = "acProfs"},
                                               {.out = "expTime"},
                                               {.out = "token", .how = ACT_ARG_TOKEN},
                                               {.out = "ueId"},
                                               {.out = NULL}};
static const struct act_arg map_unsubscribe[] = {
    {.out = "subId", .how = ACT_ARG_SUBID}, {.out = "token", .how = ACT_ARG_TOKEN}, {.out = NULL}};

#define NODE_CMD(act, k, schema, command, m)                                                       \
    {                                                                                              \
        .name = (act), .kinds = (k), .args = (schema), .exec = act_node, .cmd = (command),         \
        .map = (m)                                                                                 \
    }
#define RUNNER_ACT(act, k, schema, fn, chk)                                                        \
    {                                                                                              \
        .name = (act), .kinds = (k), .flags = ACT_NO_EXPECT, .args = (schema), .exec = (fn),       \
        .check = (chk)                                                                             \
    }

#define POP_ACT(act)                                                                               \
    {                                                                                              \
        .name = (act), .kinds = EEC, .args = act_pop_args, .exec = act_population,                 \
        .check = act_pop_check                                                                     \
    }

static const struct act act_table[] = {
    NODE_CMD("provision", EEC, args_provision, NULL, map_provision),
    NODE_CMD("register", EEC, args_register, NULL, map_register),
    NODE_CMD("update", EEC, args_update, NULL, map_update),
    NODE_CMD("deregister", EEC, args_deregister, NULL, map_update),
    NODE_CMD("discover", EEC, args_discover_eec, NULL, map_discover_eas),
    NODE_CMD("discover", EES, args_discover_ees, "discover_target", map_discover_target),
    NODE_CMD("relocate", EEC, args_relocate, NULL, map_relocate),
    NODE_CMD("request_token", EES, args_request_token, NULL, map_request_token),
    NODE_CMD("registrations", ECS, args_none, NULL, map_none),
    NODE_CMD("registration", EES | EAS, args_none, NULL, map_none),
    NODE_CMD("contexts", EES | EAS, args_none, NULL, map_none),
    NODE_CMD("eas_registrations", EES, args_none, NULL, map_none),
    NODE_CMD("put_context", EAS, args_put_context, NULL, map_put_context),
    NODE_CMD("acr_determine", EAS, args_acr_eas, NULL, map_acr_eas),
    NODE_CMD("acr_decide", EAS, args_acr_eas, NULL, map_acr_eas),
    NODE_CMD("subscribe", EEC, args_subscribe, NULL, map_subscribe),
    NODE_CMD("unsubscribe", EEC, args_unsubscribe, NULL, map_unsubscribe),
    NODE_CMD("notifications", EEC | EAS, args_none, NULL, map_none),
    NODE_CMD("subscriptions", ECS | EES, args_none, NULL, map_none),
    NODE_CMD("update_profile", EAS, args_update_profile, NULL, map_update_profile),
    {.name = "rotate",
     .kinds = ECS,
     .args = args_rotate,
     .exec = act_rotate,
     .check = arg_rotate_check,
     .map = map_rotate},
    {.name = "call", .kinds = EES, .args = args_call, .exec = act_call},
    {.name = "ctl", .kinds = ACT_ANY, .args = args_ctl, .exec = act_ctl},
    {.name = "http",
     .kinds = ACT_ANY,
     .args = args_http,
     .exec = act_http,
     .check = arg_http_check},
    RUNNER_ACT("wait_until_expired", ACT_ANY, args_wait, act_wait, arg_wait_check),
    RUNNER_ACT("await", ACT_ANY, args_await, act_await, arg_await_check),
    RUNNER_ACT("stop", ACT_ANY, args_stop, act_stop, NULL),
    RUNNER_ACT("start", ACT_ANY, args_start, act_start, NULL),
    RUNNER_ACT("freeze", ACT_ANY, args_none, act_freeze, NULL),
    RUNNER_ACT("thaw", ACT_ANY, args_none, act_freeze, NULL),
    RUNNER_ACT("link", 0, args_link, act_link, NULL),
    {.name = "reply", .args = args_reply, .exec = act_reply},
    POP_ACT("provision_all"),
    POP_ACT("register_all"),
    POP_ACT("relocate_all"),
    {.name = NULL},
};

const struct act *
act_find(const char *name, int k)
{
    for (const struct act *a = act_table; a->name != NULL; a++)
        if (strcmp(a->name, name) == 0 && (k < 0 ? a->kinds == 0 : (a->kinds & ACT_K(k)) != 0))
            return a;
    return NULL;
}

/* The first row of name, whatever its kinds. */
static const struct act *
act_named(const char *name)
{
    for (const struct act *a = act_table; a->name != NULL; a++)
        if (strcmp(a->name, name) == 0)
            return a;
    return NULL;
}

static int
arg_action(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    static const char *names[sizeof(act_table) / sizeof(act_table[0])];
    size_t n = 0;
    (void)f, (void)ctx;

    for (const struct act *a = act_table; a->name != NULL; a++)
        if (act_named(a->name) == a)
            names[n++] = a->name;
    names[n] = NULL;
    return js_valid_enum(json_string_value(v), names, why);
}

static const struct js_field step_fields[] = {
    {.name = "name", .type = JS_STRING, .check = val_name},
    {.name = "about", .type = JS_STRING, .flags = JS_NONEMPTY},
    {.name = "node", .type = JS_STRING, .check = val_node_ref},
    {.name = "action", .type = JS_STRING, .flags = JS_REQUIRED, .check = arg_action},
    {.name = "args", .type = JS_OBJECT},
    {.name = "expect", .type = JS_OBJECT, .sub = exp_fields},
    {.name = "async", .type = JS_BOOL},
    {.name = "tapOnly", .type = JS_BOOL},
    {.name = NULL},
};

/* ---- checking a step ---- */

/* The row of the step's action at its node (or at none), with the refusal's sentence. */
static const struct act *
act_of_step(struct scn_ctx *c, json_t *step, const char *path, char *err)
{
    const char *action = json_string_value(json_object_get(step, "action"));
    const char *node = json_string_value(json_object_get(step, "node"));
    const struct act *a = act_named(action);
    struct scn_node *n;

    c->kind = SCN_EEC;
    c->node = NULL;
    if (a->kinds != 0 && node == NULL) {
        edge_err(err, "%s.node: missing required field (action \"%s\" acts at a node)", path,
                 action);
        return NULL;
    }
    if (a->kinds == 0 && node != NULL) {
        edge_err(err, "%s.node: action \"%s\" acts at no node", path, action);
        return NULL;
    }
    if (node == NULL)
        return a;
    if ((n = scn_node(c->s, node)) == NULL) {
        edge_err(err, "%s.node: no node named \"%s\"", path, node);
        return NULL;
    }
    if ((a = act_find(action, (int)n->kind)) == NULL) {
        edge_err(err, "%s.action: \"%s\" is not an action of an %s (%s)", path, action,
                 scn_kind_name(n->kind), node);
        return NULL;
    }
    c->kind = n->kind;
    c->node = n;
    return a;
}

static int
act_check_args(struct scn_ctx *c, const struct act *a, json_t *step, const char *path, char *err)
{
    json_t *args = json_object_get(step, "args");
    char apath[80], why[EDGE_ERR_LEN];

    snprintf(apath, sizeof(apath), "%s.args", path);
    c->action = a->name;
    if (args == NULL) {
        for (const struct js_field *f = a->args; f->name != NULL; f++)
            if (f->flags & JS_REQUIRED)
                return edge_err(err, "%s.%s: missing required field", apath, f->name);
        return 0;
    }
    if (js_decode(args, apath, a->args, NULL, c, err) == -1)
        return -1;
    if (a->check != NULL && a->check(c, args, why) == -1)
        return edge_err(err, "%s: %s", apath, why);
    return 0;
}

int
act_check_step(struct scn_ctx *c, json_t *step, size_t i, char *err)
{
    char path[64];
    const struct act *a;
    const char *name;

    snprintf(path, sizeof(path), "$.steps[%zu]", i);
    c->kind = SCN_EEC;
    /* Node and action first: the other tables depend on them. */
    if (js_decode(step, path, step_fields, NULL, c, err) == -1)
        return -1;
    if ((a = act_of_step(c, step, path, err)) == NULL ||
        act_check_args(c, a, step, path, err) == -1)
        return -1;
    if (json_is_true(json_object_get(step, "async")) &&
        (a->flags & ACT_NO_EXPECT || a->kinds == 0 || json_object_get(step, "expect") != NULL))
        return edge_err(err,
                        "%s.async: only a node's command goes on in flight, and its step "
                        "\"reply\" says what must happen (no \"expect\" here)",
                        path);
    if (json_object_get(step, "expect") == NULL && !(a->flags & ACT_NO_EXPECT) &&
        !json_is_true(json_object_get(step, "async")))
        return edge_err(err,
                        "%s.expect: missing required field (every protocol step says what "
                        "must happen)",
                        path);
    /* Give every step a name so results and later steps can refer to it. */
    if (json_object_get(step, "name") == NULL) {
        char gen[32];
        snprintf(gen, sizeof(gen), "step%zu", i + 1);
        json_object_set_new(step, "name", json_string(gen));
    }
    name = json_string_value(json_object_get(step, "name"));
    if (json_object_get(c->seen_steps, name) != NULL)
        return edge_err(err, "%s.name: \"%s\" is already the name of an earlier step", path, name);
    json_object_set_new(c->seen_steps, name, json_string(a->name));
    if (json_is_true(json_object_get(step, "async")))
        json_object_set_new(c->async_steps, name, json_string(a->name));
    return 0;
}
