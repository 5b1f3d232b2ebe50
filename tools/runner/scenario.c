/* scenario.c -- loads a scenario file, resolves its topology include and checks every key.
 *
 * The tables below are the whole format (scenarios/README.md documents each
 * key); js_decode() of common/base/json_strict.c walks them, so a mistake is
 * reported with its JSON path. Maps keyed by a name (nodes, links, routers)
 * are walked here, one js_decode() per entry. Cross references (a step's
 * node, an EES's ECS, the step a token is taken from) are checked last,
 * against the merged topology. */
#include "scenario.h"

#include "base/err.h"
#include "base/json_strict.h"

#include <errno.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What the check callbacks need to resolve names. */
struct scn_ctx {
    struct scn *s;
    json_t *seen_steps; /* object: step name -> its action */
    enum scn_kind kind; /* kind of the node a step acts at */
    const char *action; /* action of the step being checked */
};

static const char *scn_kinds[] = {"ecs", "ees", "eec"};

const char *
scn_kind_name(enum scn_kind k)
{
    return scn_kinds[k];
}

/* ---- value checks ---- */

static int
chk_enum(json_t *v, const char *const *names, char *why)
{
    const char *s = json_string_value(v);
    char list[200] = "";

    for (size_t i = 0; names[i] != NULL; i++) {
        if (s != NULL && strcmp(s, names[i]) == 0)
            return 0;
        snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s\"%s\"", i ? ", " : "",
                 names[i]);
    }
    return edge_err(why, "expected one of %s, got \"%s\"", list, s ? s : "?");
}

static int
chk_kind(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    static const char *const names[] = {"ecs", "ees", "eec", NULL};
    (void)f, (void)ctx;
    return chk_enum(v, names, why);
}

static int
chk_cred(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    static const char *const names[] = {"cert", "psk", NULL};
    (void)f, (void)ctx;
    return chk_enum(v, names, why);
}

/* The HTTP version a node speaks (net/http_version.h). */
static int
chk_http(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    static const char *const names[] = {"h2", "http/1.1", NULL};
    (void)f, (void)ctx;
    return chk_enum(v, names, why);
}

static int
chk_authz(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    static const char *const names[] = {"token", "local", NULL};
    (void)f, (void)ctx;
    return chk_enum(v, names, why);
}

int
scn_parse_delay(const char *s, double *ms)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(s, &end);
    if (errno != 0 || end == s || !isfinite(v) || v < 0)
        return -1;
    if (strcmp(end, "ms") == 0)
        *ms = v;
    else if (strcmp(end, "us") == 0)
        *ms = v / 1000.0;
    else if (strcmp(end, "s") == 0)
        *ms = v * 1000.0;
    else if (strcmp(end, "") == 0 && v == 0)
        *ms = 0;
    else
        return -1;
    return *ms <= 60000 ? 0 : -1;
}

static int
chk_delay(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    double ms;
    (void)f, (void)ctx;
    if (scn_parse_delay(json_string_value(v), &ms) == -1)
        return edge_err(why,
                        "expected a delay such as \"40ms\" (us, ms or s; at most 60s), got \"%s\"",
                        json_string_value(v));
    return 0;
}

/* ns-3 rates: "100Mbps", "1.5Gbps", "64kbps", "9600bps", "unlimited". */
static int
chk_rate(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    const char *s = json_string_value(v);
    char *end;
    double r;
    (void)f, (void)ctx;
    if (strcmp(s, "unlimited") == 0)
        return 0;
    errno = 0;
    r = strtod(s, &end);
    if (errno == 0 && end != s && r > 0 &&
        (strcmp(end, "bps") == 0 || strcmp(end, "kbps") == 0 || strcmp(end, "Mbps") == 0 ||
         strcmp(end, "Gbps") == 0))
        return 0;
    return edge_err(why,
                    "expected a rate such as \"100Mbps\" (bps, kbps, Mbps, Gbps) or "
                    "\"unlimited\", got \"%s\"",
                    s);
}

static int
chk_replay(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    static const char *const names[] = {"reusable", "single-use", NULL};
    (void)f, (void)ctx;
    return chk_enum(v, names, why);
}

static int
chk_prob(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    double p = json_number_value(v);
    (void)f, (void)ctx;
    if (p < 0 || p > 1)
        return edge_err(why, "expected a probability from 0 to 1, got %g", p);
    return 0;
}

/* A-KID (TS 33.535 6.1): "A-TID@RID-realm", visible ASCII with exactly one '@'. */
static int
chk_akid(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    const char *s = json_string_value(v), *at = strchr(s, '@');
    (void)f, (void)ctx;
    if (at == NULL || at == s || at[1] == '\0' || strchr(at + 1, '@') != NULL || strlen(s) > 127)
        return edge_err(why, "expected an A-KID such as \"atid-0001@rid1.akma.edge.test\"");
    for (; *s; s++)
        if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f)
            return edge_err(why, "an A-KID is visible ASCII");
    return 0;
}

static int
chk_node_ref(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    struct scn_ctx *c = ctx;
    (void)f;
    if (json_is_string(v) && scn_node(c->s, json_string_value(v)) != NULL)
        return 0;
    return edge_err(why, "no node \"%s\" in the topology", json_string_value(v));
}

static int
chk_node_kind(json_t *v, struct scn_ctx *c, enum scn_kind k, char *why)
{
    struct scn_node *n;

    if (!json_is_string(v))
        return edge_err(why, "expected string, got %s", js_type_name(v));
    if ((n = scn_node(c->s, json_string_value(v))) == NULL)
        return edge_err(why, "no node \"%s\" in the topology", json_string_value(v));
    if (n->kind != k)
        return edge_err(why, "\"%s\" is an %s, expected an %s", n->name, scn_kind_name(n->kind),
                        scn_kind_name(k));
    return 0;
}

static int
chk_ecs_ref(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    (void)f;
    return chk_node_kind(v, ctx, SCN_ECS, why);
}

static int
chk_ees_ref(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    (void)f;
    return chk_node_kind(v, ctx, SCN_EES, why);
}

static int
chk_eec_ref(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    (void)f;
    return chk_node_kind(v, ctx, SCN_EEC, why);
}

/* An EES of the topology, or an FQDN no node has (a T-EES registered nowhere). */
static int
chk_ees_or_fqdn(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    struct scn_ctx *c = ctx;
    const char *s = json_string_value(v);

    if (strchr(s, '.') != NULL && scn_node(c->s, s) == NULL)
        return js_check_fqdn(v, f, ctx, why);
    return chk_node_kind(v, ctx, SCN_EES, why);
}

static int
chk_link_ref(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    struct scn_ctx *c = ctx;
    (void)f;
    if (scn_link(c->s, json_string_value(v)) != NULL)
        return 0;
    return edge_err(why, "no link \"%s\" in the topology", json_string_value(v));
}

/* A step named earlier in the file. */
static int
chk_step_ref(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    struct scn_ctx *c = ctx;
    (void)f;
    if (json_object_get(c->seen_steps, json_string_value(v)) != NULL)
        return 0;
    return edge_err(why, "no earlier step named \"%s\"", json_string_value(v));
}

static int
chk_name(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    const char *s = json_string_value(v);
    (void)f, (void)ctx;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
            return edge_err(why, "\"%s\": only a-z, 0-9, '-' and '_' are allowed", s);
    if (*s == '\0' || strlen(s) > 40)
        return edge_err(why, "must be 1 to 40 characters");
    return 0;
}

/* HTTP status expected: an integer or an array of integers, each 0 (no answer) or 100..599. */
static int
chk_status(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    size_t i;
    json_t *e;
    (void)f, (void)ctx;
    if (json_is_integer(v)) {
        json_int_t s = json_integer_value(v);
        if (s != 0 && (s < 100 || s > 599))
            return edge_err(why, "%lld is not an HTTP status (100 to 599, or 0 for no answer)",
                            (long long)s);
        return 0;
    }
    if (!json_is_array(v) || json_array_size(v) == 0)
        return edge_err(why, "expected integer or array of integers, got %s", js_type_name(v));
    json_array_foreach(v, i, e)
    {
        if (!json_is_integer(e))
            return edge_err(why, "[%zu]: expected integer, got %s", i, js_type_name(e));
        if (chk_status(e, f, ctx, why) == -1)
            return -1;
    }
    return 0;
}

/* ---- tables ---- */

static const struct js_field topo_node_fields[] = {
    {.name = "kind", .type = JS_STRING, .flags = JS_REQUIRED, .check = chk_kind},
    {.name = "fqdn", .type = JS_STRING, .check = js_check_fqdn},
    {.name = "link", .type = JS_STRING, .flags = JS_REQUIRED, .check = chk_name},
    {.name = NULL},
};

static const struct js_field topo_link_fields[] = {
    {.name = "rate", .type = JS_STRING, .check = chk_rate},
    {.name = "delay", .type = JS_STRING, .check = chk_delay},
    {.name = "jitter", .type = JS_STRING, .check = chk_delay},
    {.name = "loss", .type = JS_NUMBER, .check = chk_prob},
    {.name = "mtu", .type = JS_INT, .check = js_check_range, .min = 576, .max = 9000},
    {.name = NULL},
};

static const struct js_field topo_router_fields[] = {
    {.name = "links",
     .type = JS_ARRAY,
     .flags = JS_REQUIRED | JS_NONEMPTY,
     .items = JS_STRING,
     .item_check = chk_link_ref},
    {.name = NULL},
};

static const struct js_field topo_fields[] = {
    {.name = "include", .type = JS_STRING, .flags = JS_NONEMPTY},
    {.name = "nodes", .type = JS_OBJECT, .flags = JS_REQUIRED},
    {.name = "links", .type = JS_OBJECT, .flags = JS_REQUIRED},
    {.name = "routers", .type = JS_OBJECT},
    {.name = NULL},
};

/* Local authorization policy (TS 33.558 6.2/6.3: "local authorization"). */
static const struct js_field policy_fields[] = {
    {.name = "allowEecs", .type = JS_ARRAY, .items = JS_STRING, .item_check = chk_eec_ref},
    {.name = "allowGpsis", .type = JS_ARRAY, .items = JS_STRING, .item_check = js_check_gpsi},
    {.name = NULL},
};

/* The ECS's local policy names the EECs it provisions (TS 33.558 6.2). */
static const struct js_field ecs_policy_fields[] = {
    {.name = "allowEecs", .type = JS_ARRAY, .items = JS_STRING, .item_check = chk_eec_ref},
    {.name = NULL},
};

/* EDGE-9 policy: which S-EES may get a token for which T-EES, with which scope. */
static int
chk_ees_or_star(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    (void)f;
    if (json_is_string(v) && strcmp(json_string_value(v), "*") == 0)
        return 0;
    return chk_node_kind(v, ctx, SCN_EES, why);
}

static const struct js_field edge9_rule_fields[] = {
    {.name = "client", .type = JS_STRING, .flags = JS_REQUIRED, .check = chk_ees_or_star},
    {.name = "target", .type = JS_STRING, .flags = JS_REQUIRED, .check = chk_ees_or_star},
    {.name = "scope", .type = JS_STRING, .flags = JS_REQUIRED | JS_NONEMPTY},
    {.name = NULL},
};

static const struct js_field edge9_policy_fields[] = {
    {.name = "allowedScopes", .type = JS_ARRAY, .items = JS_STRING},
    {.name = "rules", .type = JS_ARRAY, .items = JS_OBJECT, .sub = edge9_rule_fields},
    {.name = NULL},
};

static const struct js_field ecs_fields[] = {
    {.name = "http", .type = JS_STRING, .check = chk_http},
    {.name = "peers", .type = JS_ARRAY, .items = JS_STRING, .item_check = chk_ecs_ref},
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
     .item_check = js_check_id},
    {.name = NULL},
};

static const struct js_field ees_fields[] = {
    {.name = "http", .type = JS_STRING, .check = chk_http},
    {.name = "ecs", .type = JS_STRING, .flags = JS_REQUIRED, .check = chk_ecs_ref},
    {.name = "authorization", .type = JS_STRING, .check = chk_authz},
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
    {.name = "tokenReplay", .type = JS_STRING, .check = chk_replay},
    {.name = NULL},
};

static const struct js_field eec_fields[] = {
    {.name = "http", .type = JS_STRING, .check = chk_http},
    {.name = "eecId", .type = JS_STRING, .flags = JS_REQUIRED, .check = js_check_id},
    {.name = "ecs", .type = JS_STRING, .flags = JS_REQUIRED, .check = chk_ecs_ref},
    {.name = "credentials", .type = JS_STRING, .check = chk_cred},
    {.name = "gpsi", .type = JS_STRING, .check = js_check_gpsi},
    {.name = "boundGpsi", .type = JS_STRING, .flags = JS_NULLABLE, .check = js_check_gpsi},
    {.name = "akid", .type = JS_STRING, .check = chk_akid},
    {.name = "subscriber", .type = JS_BOOL},
    {.name = "acProfs", .type = JS_ARRAY, .items = JS_OBJECT},
    {.name = "locInf", .type = JS_OBJECT},
    {.name = NULL},
};

static const struct js_field top_fields[] = {
    {.name = "name", .type = JS_STRING, .flags = JS_REQUIRED, .check = chk_name},
    {.name = "title", .type = JS_STRING, .flags = JS_REQUIRED | JS_NONEMPTY},
    {.name = "reference", .type = JS_STRING, .flags = JS_REQUIRED | JS_NONEMPTY},
    {.name = "description", .type = JS_STRING, .flags = JS_REQUIRED | JS_NONEMPTY},
    {.name = "topology", .type = JS_OBJECT, .flags = JS_REQUIRED},
    {.name = "nodes", .type = JS_OBJECT},
    {.name = "steps", .type = JS_ARRAY, .flags = JS_REQUIRED | JS_NONEMPTY, .items = JS_OBJECT},
    {.name = "timeoutMs", .type = JS_INT, .check = js_check_range, .min = 100, .max = 600000},
    {.name = NULL},
};

/* ---- steps ---- */

static int chk_tokref(json_t *v, const struct js_field *f, void *ctx, char *why);

static const char *const step_actions[] = {
    "provision",     "register",     "update",
    "deregister",    "discover",     "relocate",
    "request_token", "call",         "wait_until_expired",
    "stop",          "start",        "link",
    "registrations", "registration", "contexts",
    "await",         "rotate",       NULL,
};

static int
chk_action(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    (void)f, (void)ctx;
    return chk_enum(v, step_actions, why);
}

static int
chk_forge(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    static const char *const names[] = {"payload",       "alg-none",        "hs256-pubkey",
                                        "untrusted-key", "strip-signature", NULL};
    (void)f, (void)ctx;
    return chk_enum(v, names, why);
}

/* {"from": STEP, "ees": EES, "forge": ..., "set": {...}, "unset": [...]} */
static const struct js_field tokref_fields[] = {
    {.name = "from", .type = JS_STRING, .flags = JS_REQUIRED, .check = chk_step_ref},
    {.name = "ees", .type = JS_STRING, .check = chk_ees_ref},
    {.name = "forge", .type = JS_STRING, .check = chk_forge},
    {.name = "set", .type = JS_OBJECT},
    {.name = "unset", .type = JS_ARRAY, .items = JS_STRING},
    {.name = NULL},
};

/* A token argument: a keyword, or a reference to a token of an earlier step. */
static int
chk_tokref(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    struct scn_ctx *c = ctx;
    char err[EDGE_ERR_LEN];
    (void)f;

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
    if (js_decode(v, "", tokref_fields, NULL, ctx, err) == -1)
        return edge_err(why, "%s", err);
    if (json_object_get(v, "set") != NULL || json_object_get(v, "unset") != NULL) {
        if (json_object_get(v, "forge") == NULL)
            return edge_err(why, "\"set\"/\"unset\" change claims, so they need \"forge\"");
    }
    return 0;
}

/* A string, or {"from": STEP} naming the step whose result holds the value. */
static const struct js_field fromref_fields[] = {
    {.name = "from", .type = JS_STRING, .flags = JS_REQUIRED, .check = chk_step_ref},
    {.name = NULL},
};

static int
chk_str_or_from(json_t *v, const struct js_field *f, void *ctx, char *why)
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
chk_ueid(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    if (json_is_false(v))
        return 0;
    if (!json_is_string(v))
        return edge_err(why, "expected a GPSI string or false, got %s", js_type_name(v));
    return js_check_gpsi(v, f, ctx, why);
}

static int
chk_api(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    static const char *const names[] = {"push", "pull", NULL};
    (void)f, (void)ctx;
    return chk_enum(v, names, why);
}

static int
chk_signal(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    static const char *const names[] = {"TERM", "KILL", NULL};
    (void)f, (void)ctx;
    return chk_enum(v, names, why);
}

static const struct js_field args_provision[] = {
    {.name = "acProfs", .type = JS_ARRAY, .items = JS_OBJECT},
    {.name = "ueId", .type = JS_ANY, .check = chk_ueid},
    {.name = "locInf", .type = JS_OBJECT},
    {.name = NULL},
};
static const struct js_field args_register[] = {
    {.name = "ees", .type = JS_STRING, .flags = JS_REQUIRED, .check = chk_ees_ref},
    {.name = "token", .type = JS_ANY, .check = chk_tokref},
    {.name = "ueId", .type = JS_ANY, .check = chk_ueid},
    {.name = "eecCntxId", .type = JS_ANY, .check = chk_str_or_from},
    {.name = "srcEes", .type = JS_STRING, .check = chk_ees_ref},
    {.name = "acProfs", .type = JS_ARRAY, .items = JS_OBJECT},
    {.name = NULL},
};
static const struct js_field args_ees_only[] = {
    {.name = "ees", .type = JS_STRING, .flags = JS_REQUIRED, .check = chk_ees_ref},
    {.name = NULL},
};
static const struct js_field args_discover_eec[] = {
    {.name = "ees", .type = JS_STRING, .flags = JS_REQUIRED, .check = chk_ees_ref},
    {.name = "easIds", .type = JS_ARRAY, .items = JS_STRING},
    {.name = NULL},
};
static const struct js_field args_discover_ees[] = {
    {.name = "easId", .type = JS_STRING, .flags = JS_REQUIRED},
    {.name = "ueId", .type = JS_ANY, .check = chk_ueid},
    {.name = NULL},
};
static const struct js_field args_relocate[] = {
    {.name = "ees", .type = JS_STRING, .flags = JS_REQUIRED, .check = chk_ees_ref},
    {.name = "tEes", .type = JS_STRING, .flags = JS_REQUIRED, .check = chk_ees_ref},
    {.name = "acId", .type = JS_STRING},
    {.name = "easId", .type = JS_STRING},
    {.name = "tEasEndpoint", .type = JS_OBJECT},
    {.name = NULL},
};
static const struct js_field args_request_token[] = {
    {.name = "target", .type = JS_STRING, .flags = JS_REQUIRED, .check = chk_ees_or_fqdn},
    {.name = "scope", .type = JS_STRING},
    {.name = "eec", .type = JS_STRING, .check = chk_eec_ref},
    {.name = NULL},
};
static const struct js_field args_call[] = {
    {.name = "api", .type = JS_STRING, .flags = JS_REQUIRED, .check = chk_api},
    {.name = "peer", .type = JS_STRING, .flags = JS_REQUIRED, .check = chk_ees_ref},
    {.name = "eecCntxId", .type = JS_ANY, .flags = JS_REQUIRED, .check = chk_str_or_from},
    {.name = "token", .type = JS_ANY, .check = chk_tokref},
    {.name = NULL},
};
static const struct js_field args_wait[] = {
    {.name = "token", .type = JS_ANY, .check = chk_tokref},
    {.name = "registration", .type = JS_STRING, .check = chk_step_ref},
    {.name = "marginMs", .type = JS_INT, .check = js_check_range, .min = 0, .max = 60000},
    {.name = NULL},
};
static const struct js_field args_stop[] = {
    {.name = "signal", .type = JS_STRING, .check = chk_signal},
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
     .item_check = chk_node_ref},
    {.name = "port", .type = JS_INT, .check = js_check_range, .min = 1, .max = 65535},
    {.name = NULL},
};
static const struct js_field args_link[] = {
    {.name = "link", .type = JS_STRING, .flags = JS_REQUIRED, .check = chk_link_ref},
    {.name = "rate", .type = JS_STRING, .check = chk_rate},
    {.name = "delay", .type = JS_STRING, .check = chk_delay},
    {.name = "jitter", .type = JS_STRING, .check = chk_delay},
    {.name = "loss", .type = JS_NUMBER, .check = chk_prob},
    {.name = "drop", .type = JS_OBJECT, .sub = drop_fields},
    {.name = NULL},
};
static const struct js_field args_await[] = {
    {.name = "event", .type = JS_STRING, .flags = JS_REQUIRED | JS_NONEMPTY},
    {.name = "timeoutMs", .type = JS_INT, .check = js_check_range, .min = 1, .max = 600000},
    {.name = NULL},
};
static const struct js_field args_rotate[] = {
    {.name = "kid", .type = JS_STRING, .flags = JS_REQUIRED, .check = js_check_id},
    {.name = NULL},
};

static const struct js_field token_expect_fields[];

static int
chk_tokens_expect(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    const char *k;
    json_t *e;
    char err[EDGE_ERR_LEN], path[EDGE_ERR_LEN];
    struct scn_ctx *c = ctx;
    (void)f;

    json_object_foreach(v, k, e)
    {
        struct scn_node *n = scn_node(c->s, k);
        if (n == NULL || n->kind != SCN_EES)
            return edge_err(why, "%s: not an EES of the topology", k);
        if (json_is_boolean(e))
            continue;
        snprintf(path, sizeof(path), "%s", k);
        if (!json_is_object(e))
            return edge_err(why, "%s: expected boolean or object, got %s", k, js_type_name(e));
        if (js_decode(e, path, token_expect_fields, NULL, ctx, err) == -1)
            return edge_err(why, "%s", err);
    }
    return 0;
}

/* Claims checks that apply to one token. */
static const struct js_field token_expect_fields[] = {
    {.name = "claims", .type = JS_OBJECT},
    {.name = "absentClaims", .type = JS_ARRAY, .items = JS_STRING},
    {.name = "issuer", .type = JS_STRING, .check = chk_ecs_ref},
    {.name = NULL},
};

static const struct js_field expect_fields[] = {
    {.name = "status", .type = JS_ANY, .check = chk_status},
    {.name = "cause", .type = JS_STRING, .flags = JS_NONEMPTY},
    {.name = "detail", .type = JS_STRING, .flags = JS_NONEMPTY},
    {.name = "error", .type = JS_STRING, .flags = JS_NONEMPTY},
    {.name = "claims", .type = JS_OBJECT},
    {.name = "absentClaims", .type = JS_ARRAY, .items = JS_STRING},
    {.name = "issuer", .type = JS_STRING, .check = chk_ecs_ref},
    {.name = "via", .type = JS_ARRAY, .items = JS_STRING, .item_check = chk_ecs_ref},
    {.name = "tokens", .type = JS_OBJECT, .check = chk_tokens_expect},
    {.name = "eess", .type = JS_ARRAY, .items = JS_STRING, .item_check = chk_ees_ref},
    {.name = "easIds", .type = JS_ARRAY, .items = JS_STRING},
    {.name = "sameTokenAs", .type = JS_STRING, .check = chk_step_ref},
    {.name = "newTokenAfter", .type = JS_STRING, .check = chk_step_ref},
    {.name = "count", .type = JS_INT, .check = js_check_range, .min = 0, .max = 100000},
    {.name = "registered", .type = JS_ARRAY, .items = JS_STRING, .item_check = chk_ees_ref},
    {.name = "implReg", .type = JS_BOOL},
    {.name = "body", .type = JS_OBJECT},
    {.name = NULL},
};

static const struct js_field step_fields[] = {
    {.name = "name", .type = JS_STRING, .check = chk_name},
    {.name = "about", .type = JS_STRING, .flags = JS_NONEMPTY},
    {.name = "node", .type = JS_STRING, .check = chk_node_ref},
    {.name = "action", .type = JS_STRING, .flags = JS_REQUIRED, .check = chk_action},
    {.name = "args", .type = JS_OBJECT},
    {.name = "expect", .type = JS_OBJECT, .sub = expect_fields},
    {.name = NULL},
};

/* Which actions a node kind can do, and the table of their args. */
struct scn_action {
    const char *name;
    unsigned kinds; /* bit per enum scn_kind; 0: no node (link) */
    const struct js_field *args;
};

#define K_ECS (1u << SCN_ECS)
#define K_EES (1u << SCN_EES)
#define K_EEC (1u << SCN_EEC)
#define K_ANY (K_ECS | K_EES | K_EEC)

static const struct scn_action scn_actions[] = {
    {"provision", K_EEC, args_provision},
    {"register", K_EEC, args_register},
    {"update", K_EEC, args_ees_only},
    {"deregister", K_EEC, args_ees_only},
    {"discover", K_EEC | K_EES, NULL}, /* args by kind */
    {"relocate", K_EEC, args_relocate},
    {"request_token", K_EES, args_request_token},
    {"call", K_EES, args_call},
    {"wait_until_expired", K_ANY, args_wait},
    {"stop", K_ANY, args_stop},
    {"start", K_ANY, args_none},
    {"link", 0, args_link},
    {"registrations", K_ECS, args_none},
    {"registration", K_EES, args_none},
    {"contexts", K_EES, args_none},
    {"await", K_ANY, args_await},
    {"rotate", K_ECS, args_rotate},
    {NULL, 0, NULL},
};

static const struct scn_action *
scn_action_find(const char *name)
{
    for (const struct scn_action *a = scn_actions; a->name != NULL; a++)
        if (strcmp(a->name, name) == 0)
            return a;
    return NULL;
}

static int
scn_check_step(struct scn_ctx *c, json_t *step, size_t i, char *err)
{
    char path[64], apath[80];
    const struct scn_action *a;
    const struct js_field *args;
    const char *node, *name;
    json_t *nm, *ex;
    struct scn_node *n = NULL;

    snprintf(path, sizeof(path), "$.steps[%zu]", i);
    snprintf(apath, sizeof(apath), "%s.args", path);
    c->kind = SCN_EEC;
    /* Node and action first: the other tables depend on them. */
    if (js_decode(step, path, step_fields, NULL, c, err) == -1)
        return -1;
    a = scn_action_find(json_string_value(json_object_get(step, "action")));
    node = json_string_value(json_object_get(step, "node"));
    if (a->kinds != 0 && node == NULL)
        return edge_err(err, "%s.node: missing required field (action \"%s\" acts at a node)", path,
                        a->name);
    if (a->kinds == 0 && node != NULL)
        return edge_err(err, "%s.node: action \"%s\" acts at no node", path, a->name);
    if (node != NULL) {
        n = scn_node(c->s, node);
        if (n == NULL)
            return edge_err(err, "%s.node: no node named \"%s\"", path, node);
        if (!(a->kinds & (1u << n->kind)))
            return edge_err(err, "%s.action: \"%s\" is not an action of an %s (%s)", path, a->name,
                            scn_kind_name(n->kind), node);
        c->kind = n->kind;
    }
    args = a->args;
    if (args == NULL)
        args = n != NULL && n->kind == SCN_EEC ? args_discover_eec : args_discover_ees;
    c->action = a->name;
    if (json_object_get(step, "args") == NULL && args[0].name != NULL) {
        for (const struct js_field *f = args; f->name != NULL; f++)
            if (f->flags & JS_REQUIRED)
                return edge_err(err, "%s.%s: missing required field", apath, f->name);
    } else if (json_object_get(step, "args") != NULL &&
               js_decode(json_object_get(step, "args"), apath, args, NULL, c, err) == -1) {
        return -1;
    }
    if (strcmp(a->name, "wait_until_expired") == 0) {
        json_t *ar = json_object_get(step, "args");
        if ((json_object_get(ar, "token") == NULL) == (json_object_get(ar, "registration") == NULL))
            return edge_err(err, "%s: give exactly one of \"token\" and \"registration\"", apath);
    }
    ex = json_object_get(step, "expect");
    if (ex == NULL && strcmp(a->name, "start") != 0 && strcmp(a->name, "stop") != 0 &&
        strcmp(a->name, "link") != 0 && strcmp(a->name, "wait_until_expired") != 0 &&
        strcmp(a->name, "await") != 0)
        return edge_err(err,
                        "%s.expect: missing required field (every protocol step says what "
                        "must happen)",
                        path);
    /* Give every step a name so results and later steps can refer to it. */
    nm = json_object_get(step, "name");
    if (nm == NULL) {
        char gen[32];
        snprintf(gen, sizeof(gen), "step%zu", i + 1);
        json_object_set_new(step, "name", json_string(gen));
    }
    name = json_string_value(json_object_get(step, "name"));
    if (json_object_get(c->seen_steps, name) != NULL)
        return edge_err(err, "%s.name: \"%s\" is already the name of an earlier step", path, name);
    json_object_set_new(c->seen_steps, name, json_string(a->name));
    return 0;
}

/* ---- loading ---- */

static json_t *
scn_read_json(const char *path, char *err)
{
    FILE *f = fopen(path, "r");
    char *buf = NULL;
    size_t len = 0, cap = 0;
    json_t *v = NULL;
    char why[EDGE_ERR_LEN];

    if (f == NULL) {
        edge_err(err, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    for (;;) {
        if (cap - len < 4096) {
            cap = cap ? cap * 2 : 16384;
            if (cap > (size_t)4 * 1024 * 1024) {
                edge_err(err, "%s: larger than 4 MiB", path);
                goto done;
            }
            buf = realloc(buf, cap);
        }
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (n == 0)
            break;
    }
    if (ferror(f)) {
        edge_err(err, "%s: read error", path);
        goto done;
    }
    if (js_loads(buf, len, &v, why) == -1) {
        edge_err(err, "%s: %s", path, why);
        goto done;
    }
    if (!json_is_object(v)) {
        edge_err(err, "%s: $: expected object, got %s", path, js_type_name(v));
        json_decref(v);
        v = NULL;
    }
done:
    free(buf);
    fclose(f);
    return v;
}

/* Override base with over, key by key: objects merge, null removes, anything else replaces. */
static void
scn_merge(json_t *base, json_t *over)
{
    const char *k;
    json_t *v;

    json_object_foreach(over, k, v)
    {
        json_t *b = json_object_get(base, k);
        if (json_is_null(v))
            json_object_del(base, k);
        else if (json_is_object(v) && json_is_object(b))
            scn_merge(b, v);
        else
            json_object_set(base, k, v);
    }
}

/* Replace $.topology by the included file merged with the scenario's overrides. */
static int
scn_include(struct scn *s, char *err)
{
    json_t *topo = json_object_get(s->root, "topology"), *inc, *merged;
    const char *rel;
    char *dircopy, path[4096], why[EDGE_ERR_LEN];
    struct scn_ctx c = {.s = s};

    if (!json_is_object(topo) ||
        (rel = json_string_value(json_object_get(topo, "include"))) == NULL)
        return 0;
    if (!json_is_string(json_object_get(topo, "include")))
        return 0; /* the table check names the type error */
    dircopy = strdup(s->path);
    if (rel[0] == '/')
        snprintf(path, sizeof(path), "%s", rel);
    else
        snprintf(path, sizeof(path), "%s/%s", dirname(dircopy), rel);
    free(dircopy);
    if ((inc = scn_read_json(path, err)) == NULL)
        return -1;
    if (json_object_get(inc, "include") != NULL) {
        json_decref(inc);
        return edge_err(err, "%s: $.include: an included topology cannot include another", path);
    }
    /* The shared file must be whole on its own (its links checked once merged). */
    if (js_decode(inc, "$", topo_fields, NULL, &c, why) == -1) {
        json_decref(inc);
        return edge_err(err, "%s: %s", path, why);
    }
    merged = inc;
    json_object_del(topo, "include");
    scn_merge(merged, topo);
    json_object_set_new(merged, "include", json_string(path));
    json_object_set_new(s->root, "topology", merged);
    return 0;
}

static int
scn_topology(struct scn *s, char *err)
{
    json_t *topo = json_object_get(s->root, "topology");
    json_t *nodes = json_object_get(topo, "nodes"), *links = json_object_get(topo, "links");
    json_t *routers = json_object_get(topo, "routers"), *v;
    struct scn_ctx c = {.s = s};
    char path[EDGE_ERR_LEN], why[EDGE_ERR_LEN];
    const char *k;
    size_t i;

    if (js_decode(topo, "$.topology", topo_fields, NULL, &c, err) == -1)
        return -1;
    s->links = calloc(json_object_size(links) + 1, sizeof(*s->links));
    json_object_foreach(links, k, v)
    {
        struct scn_link *l = &s->links[s->nlinks];
        json_t *e;
        snprintf(path, sizeof(path), "$.topology.links.%s", k);
        json_t *kv = json_string(k);
        int bad = chk_name(kv, NULL, NULL, why);
        json_decref(kv);
        if (bad == -1 || strlen(k) > 12)
            return edge_err(err, "%s: a link name is 1 to 12 of a-z, 0-9, '-', '_'", path);
        if (js_decode(v, path, topo_link_fields, NULL, &c, err) == -1)
            return -1;
        l->name = k;
        l->index = (int)s->nlinks;
        l->rate = json_string_value(json_object_get(v, "rate"));
        if (l->rate == NULL)
            l->rate = "unlimited";
        if ((e = json_object_get(v, "delay")) != NULL)
            scn_parse_delay(json_string_value(e), &l->delay_ms);
        if ((e = json_object_get(v, "jitter")) != NULL)
            scn_parse_delay(json_string_value(e), &l->jitter_ms);
        l->loss = json_number_value(json_object_get(v, "loss"));
        l->mtu = (int)json_integer_value(json_object_get(v, "mtu"));
        s->nlinks++;
    }
    if (s->nlinks == 0 || s->nlinks > 200)
        return edge_err(err, "$.topology.links: expected 1 to 200 links");
    s->nodes = calloc(json_object_size(nodes) + 1, sizeof(*s->nodes));
    json_object_foreach(nodes, k, v)
    {
        struct scn_node *n = &s->nodes[s->nnodes];
        json_t *kv = json_string(k);
        int bad = chk_name(kv, NULL, NULL, why);
        json_decref(kv);
        snprintf(path, sizeof(path), "$.topology.nodes.%s", k);
        if (bad == -1 || strlen(k) > 16)
            return edge_err(err, "%s: a node name is 1 to 16 of a-z, 0-9, '-', '_'", path);
        if (js_decode(v, path, topo_node_fields, NULL, &c, err) == -1)
            return -1;
        n->name = k;
        n->index = (int)s->nnodes;
        const char *kind = json_string_value(json_object_get(v, "kind"));
        n->kind = strcmp(kind, "ecs") == 0 ? SCN_ECS : strcmp(kind, "ees") == 0 ? SCN_EES : SCN_EEC;
        n->id = json_string_value(json_object_get(v, "fqdn"));
        n->link = json_string_value(json_object_get(v, "link"));
        if (n->kind != SCN_EEC && n->id == NULL)
            return edge_err(err, "%s.fqdn: missing required field (an %s is named by its FQDN)",
                            path, scn_kind_name(n->kind));
        if (n->kind == SCN_EEC && n->id != NULL)
            return edge_err(err, "%s.fqdn: an EEC has no FQDN (its identity is nodes.%s.eecId)",
                            path, n->name);
        if (scn_link(s, n->link) == NULL)
            return edge_err(err, "%s.link: no link \"%s\" in the topology", path, n->link);
        for (i = 0; i < s->nnodes; i++)
            if (n->id != NULL && s->nodes[i].id != NULL && strcmp(s->nodes[i].id, n->id) == 0)
                return edge_err(err, "%s.fqdn: \"%s\" is also the FQDN of %s", path, n->id,
                                s->nodes[i].name);
        s->nnodes++;
    }
    if (s->nnodes == 0 || s->nnodes > 60)
        return edge_err(err, "$.topology.nodes: expected 1 to 60 nodes");
    s->routers = calloc(json_object_size(routers) + 1, sizeof(*s->routers));
    json_object_foreach(routers, k, v)
    {
        snprintf(path, sizeof(path), "$.topology.routers.%s", k);
        if (js_decode(v, path, topo_router_fields, NULL, &c, err) == -1)
            return -1;
        s->routers[s->nrouters].name = k;
        s->routers[s->nrouters].links = json_object_get(v, "links");
        s->nrouters++;
    }
    return 0;
}

/* Each node's section in $.nodes, checked by its kind; EECs also get their identity. */
static int
scn_node_conf(struct scn *s, char *err)
{
    json_t *nodes = json_object_get(s->root, "nodes"), *v;
    struct scn_ctx c = {.s = s};
    char path[EDGE_ERR_LEN];
    const char *k;
    size_t i;

    if (nodes == NULL) {
        nodes = json_object();
        json_object_set_new(s->root, "nodes", nodes);
    }
    json_object_foreach(nodes, k, v)
    {
        struct scn_node *n = scn_node(s, k);
        static const struct js_field *tables[] = {ecs_fields, ees_fields, eec_fields};
        snprintf(path, sizeof(path), "$.nodes.%s", k);
        if (n == NULL)
            return edge_err(err, "%s: no node \"%s\" in the topology", path, k);
        if (!json_is_object(v))
            return edge_err(err, "%s: expected object, got %s", path, js_type_name(v));
        if (js_decode(v, path, tables[n->kind], NULL, &c, err) == -1)
            return -1;
        n->conf = v;
    }
    for (i = 0; i < s->nnodes; i++) {
        struct scn_node *n = &s->nodes[i];
        snprintf(path, sizeof(path), "$.nodes.%s", n->name);
        if (n->conf == NULL) {
            if (n->kind != SCN_ECS)
                return edge_err(err, "%s: missing required field (an %s needs at least \"%s\")",
                                path, scn_kind_name(n->kind),
                                n->kind == SCN_EES ? "ecs\" and \"easIds" : "eecId\" and \"ecs");
            n->conf = json_object();
            json_object_set_new(nodes, n->name, n->conf);
        }
        if (n->kind == SCN_EEC) {
            n->id = json_string_value(json_object_get(n->conf, "eecId"));
            for (size_t j = 0; j < i; j++)
                if (s->nodes[j].kind == SCN_EEC && strcmp(s->nodes[j].id, n->id) == 0)
                    return edge_err(err, "%s.eecId: \"%s\" is also the EEC ID of %s", path, n->id,
                                    s->nodes[j].name);
        }
        if (n->kind == SCN_ECS) {
            const char *e;
            json_t *m;
            json_object_foreach(json_object_get(n->conf, "eesScopes"), e, m)
            {
                struct scn_node *t = scn_node(s, e);
                if (t == NULL || t->kind != SCN_EES)
                    return edge_err(err, "%s.eesScopes.%s: not an EES of the topology", path, e);
                if (!json_is_string(m) || json_string_length(m) == 0)
                    return edge_err(err, "%s.eesScopes.%s: expected a non-empty string", path, e);
            }
            json_object_foreach(json_object_get(n->conf, "eesAuth"), e, m)
            {
                struct scn_node *t = scn_node(s, e);
                char why[EDGE_ERR_LEN];
                if (t == NULL || t->kind != SCN_EES)
                    return edge_err(err, "%s.eesAuth.%s: not an EES of the topology", path, e);
                if (!json_is_string(m))
                    return edge_err(err, "%s.eesAuth.%s: expected string, got %s", path, e,
                                    js_type_name(m));
                if (chk_authz(m, NULL, NULL, why) == -1)
                    return edge_err(err, "%s.eesAuth.%s: %s", path, e, why);
            }
        }
    }
    return 0;
}

static int
scn_check(struct scn *s, char *err)
{
    json_t *step;
    size_t i;
    struct scn_ctx c = {.s = s};
    int rc = -1;

    if (js_decode(s->root, "$", top_fields, NULL, &c, err) == -1)
        return -1;
    s->name = json_string_value(json_object_get(s->root, "name"));
    s->title = json_string_value(json_object_get(s->root, "title"));
    s->reference = json_string_value(json_object_get(s->root, "reference"));
    s->description = json_string_value(json_object_get(s->root, "description"));
    if (scn_topology(s, err) == -1 || scn_node_conf(s, err) == -1)
        return -1;
    s->steps = json_object_get(s->root, "steps");
    c.seen_steps = json_object();
    json_array_foreach(s->steps, i, step)
    {
        if (scn_check_step(&c, step, i, err) == -1)
            goto done;
    }
    rc = 0;
done:
    json_decref(c.seen_steps);
    return rc;
}

struct scn *
scn_load(const char *path, char *err, size_t errlen)
{
    struct scn *s = calloc(1, sizeof(*s));
    char why[EDGE_ERR_LEN * 2];

    s->path = strdup(path);
    if ((s->root = scn_read_json(path, why)) == NULL) {
        snprintf(err, errlen, "%s", why);
        goto fail;
    }
    if (scn_include(s, why) == -1) {
        snprintf(err, errlen, "%s", why);
        goto fail;
    }
    if (scn_check(s, why) == -1) {
        snprintf(err, errlen, "%s: %s", path, why);
        goto fail;
    }
    return s;
fail:
    scn_free(s);
    return NULL;
}

void
scn_free(struct scn *s)
{
    if (s == NULL)
        return;
    free(s->nodes);
    free(s->links);
    free(s->routers);
    json_decref(s->root);
    free(s->path);
    free(s);
}

struct scn_node *
scn_node(const struct scn *s, const char *name)
{
    if (name == NULL)
        return NULL;
    for (size_t i = 0; i < s->nnodes; i++)
        if (s->nodes[i].name != NULL && strcmp(s->nodes[i].name, name) == 0)
            return &s->nodes[i];
    return NULL;
}

struct scn_link *
scn_link(const struct scn *s, const char *name)
{
    if (name == NULL)
        return NULL;
    for (size_t i = 0; i < s->nlinks; i++)
        if (strcmp(s->links[i].name, name) == 0)
            return &s->links[i];
    return NULL;
}

const char *
scn_conf_str(const struct scn_node *n, const char *key, const char *dflt)
{
    const char *v = json_string_value(json_object_get(n->conf, key));
    return v != NULL ? v : dflt;
}

long long
scn_conf_int(const struct scn_node *n, const char *key, long long dflt)
{
    json_t *v = json_object_get(n->conf, key);
    return json_is_integer(v) ? json_integer_value(v) : dflt;
}
