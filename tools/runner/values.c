/* values.c -- checks of single values of a scenario file: enums, delays, rates, probabilities,
 * names, HTTP statuses, and references to a node (of a kind), a link or an earlier step.
 *
 * Each is a js_field check callback (common/base/json_strict.h), so the key tables of keys.c and
 * action.c name them and a refusal carries the value's JSON path. The references are resolved
 * against the merged topology of the scenario being loaded (struct scn_ctx). */
#include "values.h"

#include "base/err.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The choices of the enum keys (js_check_enum, common/base/json_strict.h). */
const char *const val_kinds[] = {"ecs", "ees", "eec", "aanf", "bsf", "eas", NULL};
/* An EEC's credentials: "none" is TLS with the server certificate only (TS 33.558 6.2 NOTE). */
const char *const val_creds[] = {"cert", "psk", "gba", "none", NULL};
const char *const val_authzs[] = {"token", "local", NULL};
/* The HTTP version a node speaks (common/net/http_version.h). */
const char *const val_https[] = {"h2", "http/1.1", NULL};
const char *const val_replays[] = {"reusable", "single-use", NULL};

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

int
val_delay(json_t *v, const struct js_field *f, void *ctx, char *why)
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
int
val_rate(json_t *v, const struct js_field *f, void *ctx, char *why)
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

int
val_prob(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    double p = json_number_value(v);
    (void)f, (void)ctx;
    if (p < 0 || p > 1)
        return edge_err(why, "expected a probability from 0 to 1, got %g", p);
    return 0;
}

int
val_node_ref(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    struct scn_ctx *c = ctx;
    (void)f;
    if (json_is_string(v) && scn_node(c->s, json_string_value(v)) != NULL)
        return 0;
    return edge_err(why, "no node \"%s\" in the topology", json_string_value(v));
}

int
val_node_kind(json_t *v, struct scn_ctx *c, enum scn_kind k, char *why)
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

int
val_ecs_ref(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    (void)f;
    return val_node_kind(v, ctx, SCN_ECS, why);
}

int
val_ees_ref(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    (void)f;
    return val_node_kind(v, ctx, SCN_EES, why);
}

int
val_server_ref(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    struct scn_node *n =
        json_is_string(v) ? scn_node(((struct scn_ctx *)ctx)->s, json_string_value(v)) : NULL;
    (void)f;
    if (n != NULL) /* an EEC serves its notification endpoint */
        return 0;
    return edge_err(why, "no node \"%s\" in the topology", json_string_value(v));
}

int
val_eec_ref(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    (void)f;
    return val_node_kind(v, ctx, SCN_EEC, why);
}

/* An EES of the topology, or an FQDN no node has (a T-EES registered nowhere). */
int
val_ees_or_fqdn(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    struct scn_ctx *c = ctx;
    const char *s = json_string_value(v);

    if (strchr(s, '.') != NULL && scn_node(c->s, s) == NULL)
        return js_check_fqdn(v, f, ctx, why);
    return val_node_kind(v, ctx, SCN_EES, why);
}

int
val_link_ref(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    struct scn_ctx *c = ctx;
    (void)f;
    if (scn_link(c->s, json_string_value(v)) != NULL)
        return 0;
    return edge_err(why, "no link \"%s\" in the topology", json_string_value(v));
}

/* A step named earlier in the file. */
int
val_step_ref(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    struct scn_ctx *c = ctx;
    (void)f;
    if (json_object_get(c->seen_steps, json_string_value(v)) != NULL)
        return 0;
    return edge_err(why, "no earlier step named \"%s\"", json_string_value(v));
}

int
val_name(json_t *v, const struct js_field *f, void *ctx, char *why)
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
int
val_status(json_t *v, const struct js_field *f, void *ctx, char *why)
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
        if (val_status(e, f, ctx, why) == -1)
            return -1;
    }
    return 0;
}

/* An EES of the topology, or "*" (an EDGE-9 policy rule's client or target). */
int
val_ees_or_star(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    (void)f;
    if (json_is_string(v) && strcmp(json_string_value(v), "*") == 0)
        return 0;
    return val_node_kind(v, ctx, SCN_EES, why);
}

/* A link or a path of links of the (merged) topology, which is read after the top-level keys:
 * the names are looked up in its "links" object. */
int
val_links(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    struct scn_ctx *c = ctx;
    json_t *have = json_object_get(json_object_get(c->s->root, "topology"), "links"), *l;
    size_t i;
    (void)f;

    if (json_is_string(v) && json_object_get(have, json_string_value(v)) != NULL)
        return 0;
    if (json_is_string(v))
        return edge_err(why, "no link \"%s\" in the topology", json_string_value(v));
    if (!json_is_array(v) || json_array_size(v) == 0)
        return edge_err(why, "expected a link or a non-empty array of links");
    json_array_foreach(v, i, l)
    {
        if (!json_is_string(l))
            return edge_err(why, "[%zu]: expected a link name, got %s", i, js_type_name(l));
        if (json_object_get(have, json_string_value(l)) == NULL)
            return edge_err(why, "[%zu]: no link \"%s\" in the topology", i, json_string_value(l));
    }
    return 0;
}
