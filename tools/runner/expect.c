/* expect.c -- the keys of a step's "expect": their schema (checked when the scenario loads) and
 * their judges (run on the step's outcome), one table each, side by side.
 *
 * Each key is one check and yields at most one sentence naming what was expected and what came,
 * so the step line and summary.json say exactly why a step failed. References (${...}, subst.h)
 * in the expect are replaced first; values are patterns where match.h says so. The token checks
 * are in exp_token.c, the event-log check in exp_log.c. */
#include "expect.h"

#include "base/err.h"
#include "edgeapp/edgeapp.h"
#include "exp_int.h"
#include "match.h"
#include "subst.h"
#include "values.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the keys of "expect" ---- */

/* A value whose "~RE" patterns must compile. */
static int
exp_patterns(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    (void)f, (void)ctx;
    return match_check(v, why, EDGE_ERR_LEN);
}

/* The 3GPP answers a body can be checked against (the node's tables of common/edgeapp/ decode
 * it as its peer would), by the type name of tests/edgeapp/cases.txt. */
static const struct {
    const char *name;
    const struct js_field *table;
} exp_schemas[] = {
    {"servprov_resp", edgeapp_servprov_resp},
    {"ees_registration", edgeapp_ees_registration},
    {"eec_registration", edgeapp_eec_registration},
    {"eas_discovery_resp", edgeapp_eas_discovery_resp},
    {"acr_info_notification", edgeapp_acr_info_notification},
    {"eec_context", edgeapp_eec_context},
    {"eec_context_push_res", edgeapp_eec_context_push_res},
    {"eas_registration", edgeapp_eas_registration},
    {"acr_mgnt_subscription", edgeapp_acr_mgnt_subscription},
    {"acr_mgnt_notification", edgeapp_acr_mgnt_notification},
    {"acr_events_subscription", edgeapp_acr_events_subscription},
    {"eas_discovery_subscription", edgeapp_eas_discovery_subscription},
    {"eas_discovery_notification", edgeapp_eas_discovery_notification},
    {"servprov_subscription", edgeapp_servprov_subscription},
    {"servprov_notification", edgeapp_servprov_notification},
    {"test_notification", edgeapp_test_notification},
};

static const struct js_field *
exp_schema_table(const char *name)
{
    for (size_t i = 0; name != NULL && i < sizeof(exp_schemas) / sizeof(exp_schemas[0]); i++)
        if (strcmp(exp_schemas[i].name, name) == 0)
            return exp_schemas[i].table;
    return NULL;
}

static int
exp_schema_keys(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    (void)f, (void)ctx;
    if (exp_schema_table(json_string_value(v)) == NULL)
        return edge_err(why, "\"%s\" is not a type the runner knows (expect.c exp_schemas)",
                        json_string_value(v));
    return 0;
}

/* cause: a pattern, or a non-empty list of patterns of which one must match (a refusal that
 * may come from either of two checks, e.g. ["token.kid_unknown", "token.iss_untrusted"]). */
static int
exp_cause_keys(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    json_t *e;
    size_t i;

    if (json_is_string(v) && json_string_length(v) > 0)
        return exp_patterns(v, f, ctx, why);
    if (!json_is_array(v) || json_array_size(v) == 0)
        return edge_err(why, "expected a non-empty string or a non-empty array of them, got %s",
                        json_is_string(v)  ? "\"\""
                        : json_is_array(v) ? "[]"
                                           : js_type_name(v));
    json_array_foreach(v, i, e)
    {
        if (!json_is_string(e) || json_string_length(e) == 0)
            return edge_err(why, "[%zu]: expected a non-empty string, got %s", i,
                            json_is_string(e) ? "\"\"" : js_type_name(e));
        if (exp_patterns(e, f, ctx, why) == -1)
            return -1;
    }
    return 0;
}

const struct js_field exp_fields[] = {
    {.name = "status", .type = JS_ANY, .check = val_status},
    {.name = "cause", .type = JS_ANY, .check = exp_cause_keys},
    {.name = "detail", .type = JS_STRING, .flags = JS_NONEMPTY},
    {.name = "error", .type = JS_STRING, .flags = JS_NONEMPTY, .check = exp_patterns},
    {.name = "ctlError", .type = JS_STRING, .flags = JS_NONEMPTY},
    {.name = "claims", .type = JS_OBJECT, .check = exp_patterns},
    {.name = "absentClaims", .type = JS_ARRAY, .items = JS_STRING},
    {.name = "issuer", .type = JS_STRING, .check = val_ecs_ref},
    {.name = "header", .type = JS_OBJECT, .check = exp_header_keys},
    {.name = "lifetime", .type = JS_INT, .check = js_check_range, .min = 0, .max = 31536000},
    {.name = "via", .type = JS_ARRAY, .items = JS_STRING, .item_check = val_ecs_ref},
    {.name = "tokens", .type = JS_OBJECT, .check = exp_tokens_keys},
    {.name = "eess", .type = JS_ARRAY, .items = JS_STRING, .item_check = val_ees_ref},
    {.name = "easIds", .type = JS_ARRAY, .items = JS_STRING},
    {.name = "sameTokenAs", .type = JS_STRING, .check = val_step_ref},
    {.name = "newTokenAfter", .type = JS_STRING, .check = val_step_ref},
    {.name = "count", .type = JS_INT, .check = js_check_range, .min = 0, .max = 100000},
    {.name = "registered", .type = JS_ARRAY, .items = JS_STRING, .item_check = val_ees_ref},
    {.name = "implReg", .type = JS_BOOL},
    {.name = "body", .type = JS_ANY, .check = exp_patterns},
    {.name = "headers", .type = JS_OBJECT, .check = exp_patterns},
    {.name = "schema", .type = JS_STRING, .check = exp_schema_keys},
    {.name = "result", .type = JS_OBJECT, .check = exp_patterns},
    {.name = "logged", .type = JS_OBJECT, .check = exp_logged_keys},
    {.name = "notLogged", .type = JS_OBJECT, .check = exp_logged_keys},
    {.name = "elapsedMs", .type = JS_ANY, .check = exp_elapsed_keys},
    {.name = "latencyMs", .type = JS_OBJECT, .check = exp_latency_keys},
    {.name = "expiresIn", .type = JS_ARRAY, .check = exp_range_keys},
    {.name = NULL},
};

/* ---- what came ---- */

void
exp_fail(json_t *fails, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;

    va_start(ap, fmt);
    // NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): va_start is the line above
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    json_array_append_new(fails, json_string(buf));
}

static const char *
exp_cause(json_t *result)
{
    json_t *p = json_object_get(result, "problem");
    const char *c = json_string_value(json_object_get(p, "cause"));
    return c != NULL ? c : json_string_value(json_object_get(p, "error"));
}

const char *
exp_got(json_t *result, char *buf, size_t len)
{
    json_int_t st = json_integer_value(json_object_get(result, "status"));
    const char *cause = exp_cause(result);
    const char *error = json_string_value(json_object_get(result, "error"));

    if (json_object_get(result, "pending") != NULL)
        snprintf(buf, len, "sent, in flight (a reply step takes the answer)");
    else if (st == 0 && error != NULL)
        snprintf(buf, len, "no HTTP answer: %s", error);
    else if (st == 0 && json_is_array(json_object_get(result, "registrations"))) {
        json_t *l = json_object_get(result, "registrations"), *e;
        size_t i, o = (size_t)snprintf(buf, len, "%zu registered", json_array_size(l));
        json_array_foreach(l, i, e)
        {
            if (o < len)
                o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? ", " : ": ",
                                      json_string_value(json_object_get(e, "eesId")));
        }
    } else if (st == 0 && json_is_array(json_object_get(result, "contexts")))
        snprintf(buf, len, "%zu contexts", json_array_size(json_object_get(result, "contexts")));
    else if (st == 0)
        snprintf(buf, len, "done");
    else if (cause != NULL)
        snprintf(buf, len, "%lld %s", (long long)st, cause);
    else
        snprintf(buf, len, "%lld", (long long)st);
    return buf;
}

/* Compare a list of names (node names, mapped to ids) with a result list, as sets or in order. */
static void
exp_list(struct run *r, json_t *fails, const char *key, json_t *want, json_t *got, int ordered,
         int map_names)
{
    json_t *w = json_array(), *e;
    size_t i, j;
    int ok = json_is_array(got) && json_array_size(got) == json_array_size(want);
    char a[512], b[512];

    json_array_foreach(want, i, e)
    {
        struct run_node *n = map_names ? run_node(r, json_string_value(e)) : NULL;
        json_array_append_new(w, json_string(n ? n->sn->id : json_string_value(e)));
    }
    json_array_foreach(w, i, e)
    {
        int found = 0;
        if (ordered) {
            found = json_equal(e, json_array_get(got, i));
        } else {
            json_t *g;
            json_array_foreach(got, j, g) found |= json_equal(e, g);
        }
        ok &= found;
    }
    if (!ok)
        exp_fail(fails, "%s: expected %s, got %s", key, match_show(w, a, sizeof(a)),
                 match_show(got, b, sizeof(b)));
    json_decref(w);
}

/* ---- judges ---- */

static void
exp_status(struct exp_ctx *x, json_t *w)
{
    char a[512], b[512];
    json_t *v;
    size_t i;
    int ok = json_is_integer(w) && json_integer_value(w) == x->status;

    json_array_foreach(w, i, v) ok |= json_integer_value(v) == x->status;
    if (!ok)
        exp_fail(x->fails, "status: expected %s, got %s", match_show(w, a, sizeof(a)),
                 exp_got(x->result, b, sizeof(b)));
}

/* The cause matches the pattern, or one of the list's. */
static void
exp_cause_is(struct exp_ctx *x, json_t *w)
{
    const char *c = exp_cause(x->result);
    json_t *got = c != NULL ? json_string(c) : NULL, *e;
    char why[1024], a[512], b[256];
    size_t i;
    int ok = 0;

    if (json_is_string(w)) {
        if (!match_value(w, got, "cause", why, sizeof(why)))
            exp_fail(x->fails, "%s", why);
        json_decref(got);
        return;
    }
    json_array_foreach(w, i, e) ok |= match_value(e, got, "cause", why, sizeof(why));
    if (!ok)
        exp_fail(x->fails, "cause: expected one of %s, got %s", match_show(w, a, sizeof(a)),
                 match_show(got, b, sizeof(b)));
    json_decref(got);
}

static void
exp_detail(struct exp_ctx *x, json_t *w)
{
    json_t *p = json_object_get(x->result, "problem");
    const char *d = json_string_value(json_object_get(p, "detail"));

    if (d == NULL)
        d = json_string_value(json_object_get(p, "error_description"));
    if (d == NULL || strstr(d, json_string_value(w)) == NULL)
        exp_fail(x->fails, "detail: expected it to contain \"%s\", got %s", json_string_value(w),
                 d ? d : "(none)");
}

/* No HTTP answer, and the error sentence contains the text (or matches "~RE"). */
static void
exp_error(struct exp_ctx *x, json_t *w)
{
    json_t *e = json_object_get(x->result, "error");
    const char *want = json_string_value(w);
    char b[512], why[256];
    int ok = json_is_string(e) && (want[0] == '~' ? match_value(w, e, "", why, sizeof(why))
                                                  : strstr(json_string_value(e), want) != NULL);

    if (x->status != 0 || !ok)
        exp_fail(x->fails, "error: expected no HTTP answer with \"%s\", got %s",
                 json_string_value(w), exp_got(x->result, b, sizeof(b)));
}

/* The code of a control error (nodes/README.md), e.g. "eec.bad_args". */
static void
exp_ctl_error(struct exp_ctx *x, json_t *w)
{
    json_t *e = json_object_get(x->result, "ctlError");
    const char *code = json_string_value(json_object_get(e, "code"));
    char b[512];

    if (code == NULL || strcmp(code, json_string_value(w)) != 0)
        exp_fail(x->fails, "ctlError: expected %s, got %s", json_string_value(w),
                 code != NULL ? code : exp_got(x->result, b, sizeof(b)));
}

static void
exp_via(struct exp_ctx *x, json_t *w)
{
    exp_list(x->r, x->fails, "via", w, json_object_get(x->result, "via"), 1, 1);
}

static void
exp_eess(struct exp_ctx *x, json_t *w)
{
    exp_list(x->r, x->fails, "eess", w, json_object_get(x->result, "eess"), 0, 1);
}

static void
exp_easids(struct exp_ctx *x, json_t *w)
{
    exp_list(x->r, x->fails, "easIds", w, json_object_get(x->result, "easIds"), 0, 0);
}

/* The list a counting step returns. */
static json_t *
exp_counted(json_t *result)
{
    static const char *keys[] = {"registrations", "contexts", "eess", "easIds", NULL};
    for (int i = 0; keys[i] != NULL; i++)
        if (json_is_array(json_object_get(result, keys[i])))
            return json_object_get(result, keys[i]);
    return NULL;
}

static void
exp_count(struct exp_ctx *x, json_t *w)
{
    json_t *l = exp_counted(x->result);

    if (l == NULL)
        exp_fail(x->fails, "count: expected %lld, got no list", (long long)json_integer_value(w));
    else if ((json_int_t)json_array_size(l) != json_integer_value(w))
        exp_fail(x->fails, "count: expected %lld, got %zu", (long long)json_integer_value(w),
                 json_array_size(l));
}

static void
exp_registered(struct exp_ctx *x, json_t *w)
{
    json_t *ids = json_array(), *reg;
    size_t i;

    json_array_foreach(json_object_get(x->result, "registrations"), i, reg)
        json_array_append(ids, json_object_get(reg, "eesId"));
    exp_list(x->r, x->fails, "registered", w, ids, 0, 1);
    json_decref(ids);
}

static void
exp_implreg(struct exp_ctx *x, json_t *w)
{
    json_t *ir = json_object_get(x->result, "implReg");
    int has = ir != NULL && !json_is_null(ir);
    char a[512];

    if (has != json_is_true(w))
        exp_fail(x->fails, "implReg: expected %s, got %s", json_is_true(w) ? "present" : "absent",
                 match_show(ir, a, sizeof(a)));
}

static void
exp_match_at(struct exp_ctx *x, json_t *w, json_t *got, const char *what)
{
    char why[1024];

    if (!match_value(w, got, what, why, sizeof(why)))
        exp_fail(x->fails, "%s", why);
}

static void
exp_body(struct exp_ctx *x, json_t *w)
{
    exp_match_at(x, w, json_object_get(x->result, "body"), "body");
}

static void
exp_result(struct exp_ctx *x, json_t *w)
{
    exp_match_at(x, w, x->result, "result");
}

/* The body decodes with that 3GPP type's table: what the node sent conforms. */
static void
exp_schema(struct exp_ctx *x, json_t *w)
{
    char why[EDGE_ERR_LEN];

    if (js_decode(json_object_get(x->result, "body"), "", exp_schema_table(json_string_value(w)),
                  NULL, NULL, why) == -1)
        exp_fail(x->fails, "schema: the body is no %s: %s", json_string_value(w), why);
}

/* Header names are case-insensitive (RFC 9110 5.1): both sides compared in lower case. */
static void
exp_headers(struct exp_ctx *x, json_t *w)
{
    json_t *lw = json_object(), *got = json_object(), *v;
    const char *k;
    char low[256];

    json_object_foreach(json_object_get(x->result, "headers"), k, v)
    {
        snprintf(low, sizeof(low), "%s", k);
        for (char *p = low; *p; p++)
            *p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
        json_object_set(got, low, v);
    }
    json_object_foreach(w, k, v)
    {
        snprintf(low, sizeof(low), "%s", k);
        for (char *p = low; *p; p++)
            *p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
        json_object_set(lw, low, v);
    }
    exp_match_at(x, lw, got, "headers");
    json_decref(lw);
    json_decref(got);
}

/* The judge of each key of exp_fields; claims, absentClaims, issuer, header and lifetime are
 * judged together (exp_token). */
static const struct {
    const char *key;
    void (*judge)(struct exp_ctx *x, json_t *want);
} exp_judges[] = {
    {"status", exp_status},
    {"cause", exp_cause_is},
    {"detail", exp_detail},
    {"error", exp_error},
    {"ctlError", exp_ctl_error},
    {"via", exp_via},
    {"tokens", exp_tokens},
    {"eess", exp_eess},
    {"easIds", exp_easids},
    {"sameTokenAs", exp_same_token},
    {"newTokenAfter", exp_new_token},
    {"count", exp_count},
    {"registered", exp_registered},
    {"implReg", exp_implreg},
    {"body", exp_body},
    {"headers", exp_headers},
    {"schema", exp_schema},
    {"result", exp_result},
    {"logged", exp_logged},
    {"notLogged", exp_not_logged},
    {"elapsedMs", exp_elapsed},
    {"expiresIn", exp_expires},
    {"latencyMs", exp_latency},
};

json_t *
exp_check(struct run *r, json_t *step, json_t *result)
{
    json_t *ex = json_object_get(step, "expect"), *w;
    struct exp_ctx x = {
        .r = r,
        .result = result,
        .fails = json_array(),
        .status = json_integer_value(json_object_get(result, "status")),
        .jwt = json_string_value(json_object_get(result, "token")),
    };

    /* A step not run here (TAP-only in loopback mode) is not judged: its verdict is SKIP. */
    if (json_object_get(result, "skipped") != NULL &&
        json_string_value(json_object_get(result, "error")) == NULL)
        return x.fails;
    exp_compare(&x, json_string_value(json_object_get(step, "name")));
    if (ex == NULL) {
        /* A runner act without expect must still have been done. */
        if (json_string_value(json_object_get(result, "error")) != NULL)
            exp_fail(x.fails, "%s", json_string_value(json_object_get(result, "error")));
        return x.fails;
    }
    /* An error nobody expected (a runner act that could not be done, a node that did not answer)
     * fails the step whatever else it expects. */
    if (json_string_value(json_object_get(result, "error")) != NULL &&
        json_object_get(ex, "error") == NULL && json_object_get(ex, "status") == NULL &&
        json_object_get(ex, "ctlError") == NULL)
        exp_fail(x.fails, "%s", json_string_value(json_object_get(result, "error")));
    ex = subst_value(r, ex);
    for (size_t i = 0; i < sizeof(exp_judges) / sizeof(exp_judges[0]); i++)
        if ((w = json_object_get(ex, exp_judges[i].key)) != NULL)
            exp_judges[i].judge(&x, w);
    exp_token(r, x.fails, "", x.jwt, ex);
    json_decref(ex);
    return x.fails;
}
