/* expect.c -- checks a step's outcome against its "expect": status, cause, claims, issuer, hops.
 *
 * Each key is one check and yields at most one sentence naming what was
 * expected and what came, so the step line and summary.json say exactly why
 * a step failed. The issuer check is the runner's own: it verifies the
 * token's signature with the named ECS's public key, not only its iss. */
#include "expect.h"

#include "base/err.h"
#include "step.h"
#include "tok.h"
#include "values.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the keys of "expect" ---- */

static const struct js_field exp_token_fields[];

static int
exp_tokens_keys(json_t *v, const struct js_field *f, void *ctx, char *why)
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
        if (js_decode(e, path, exp_token_fields, NULL, ctx, err) == -1)
            return edge_err(why, "%s", err);
    }
    return 0;
}

/* Claims checks that apply to one token. */
static const struct js_field exp_token_fields[] = {
    {.name = "claims", .type = JS_OBJECT},
    {.name = "absentClaims", .type = JS_ARRAY, .items = JS_STRING},
    {.name = "issuer", .type = JS_STRING, .check = val_ecs_ref},
    {.name = NULL},
};

const struct js_field exp_fields[] = {
    {.name = "status", .type = JS_ANY, .check = val_status},
    {.name = "cause", .type = JS_STRING, .flags = JS_NONEMPTY},
    {.name = "detail", .type = JS_STRING, .flags = JS_NONEMPTY},
    {.name = "error", .type = JS_STRING, .flags = JS_NONEMPTY},
    {.name = "claims", .type = JS_OBJECT},
    {.name = "absentClaims", .type = JS_ARRAY, .items = JS_STRING},
    {.name = "issuer", .type = JS_STRING, .check = val_ecs_ref},
    {.name = "via", .type = JS_ARRAY, .items = JS_STRING, .item_check = val_ecs_ref},
    {.name = "tokens", .type = JS_OBJECT, .check = exp_tokens_keys},
    {.name = "eess", .type = JS_ARRAY, .items = JS_STRING, .item_check = val_ees_ref},
    {.name = "easIds", .type = JS_ARRAY, .items = JS_STRING},
    {.name = "sameTokenAs", .type = JS_STRING, .check = val_step_ref},
    {.name = "newTokenAfter", .type = JS_STRING, .check = val_step_ref},
    {.name = "count", .type = JS_INT, .check = js_check_range, .min = 0, .max = 100000},
    {.name = "registered", .type = JS_ARRAY, .items = JS_STRING, .item_check = val_ees_ref},
    {.name = "implReg", .type = JS_BOOL},
    {.name = "body", .type = JS_OBJECT},
    {.name = NULL},
};

/* ---- judging ---- */

static void
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

/* Compact JSON of v, cut to fit a line. */
static const char *
exp_show(json_t *v, char *buf, size_t len)
{
    char *t;

    if (v == NULL) {
        snprintf(buf, len, "(absent)");
        return buf;
    }
    t = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    snprintf(buf, len, "%s", t ? t : "?");
    if (t != NULL && strlen(t) >= len && len > 4)
        memcpy(buf + len - 4, "...", sizeof("..."));
    free(t);
    return buf;
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

    if (st == 0 && error != NULL)
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

/* Claims: equal after ${node} substitution; "*" means present with any value;
 * an aud array of one element equals that element. */
static void
exp_claims(struct run *r, json_t *fails, const char *what, json_t *claims, json_t *want,
           json_t *absent)
{
    const char *k;
    json_t *v, *w;
    size_t i;
    char a[256], b[256];

    json_t *sw = step_subst(r, want);
    json_object_foreach(sw, k, w)
    {
        v = json_object_get(claims, k);
        if (json_is_string(w) && strcmp(json_string_value(w), "*") == 0) {
            if (v == NULL)
                exp_fail(fails, "%sclaim %s: expected present, got absent", what, k);
            continue;
        }
        if (v != NULL && json_is_array(v) && json_array_size(v) == 1 && !json_is_array(w))
            v = json_array_get(v, 0);
        if (v == NULL || !json_equal(v, w))
            exp_fail(fails, "%sclaim %s: expected %s, got %s", what, k, exp_show(w, a, sizeof(a)),
                     exp_show(json_object_get(claims, k), b, sizeof(b)));
    }
    json_decref(sw);
    json_array_foreach(absent, i, w)
    {
        if ((v = json_object_get(claims, json_string_value(w))) != NULL)
            exp_fail(fails, "%sclaim %s: expected absent, got %s", what, json_string_value(w),
                     exp_show(v, a, sizeof(a)));
    }
}

/* The claims of a token and the issuer check. */
static void
exp_token(struct run *r, json_t *fails, const char *what, const char *jwt, json_t *want)
{
    json_t *h = NULL, *c = NULL;
    char err[EDGE_ERR_LEN];
    const char *iss = json_string_value(json_object_get(want, "issuer"));

    if (json_object_get(want, "claims") == NULL && json_object_get(want, "absentClaims") == NULL &&
        iss == NULL)
        return;
    if (jwt == NULL) {
        exp_fail(fails, "%stoken: expected one, got none", what);
        return;
    }
    if (tok_decode(jwt, &h, &c, err) == -1) {
        exp_fail(fails, "%stoken: cannot decode: %s", what, err);
        return;
    }
    exp_claims(r, fails, what, c, json_object_get(want, "claims"),
               json_object_get(want, "absentClaims"));
    if (iss != NULL) {
        struct run_node *ecs = run_node(r, iss);
        const char *got = json_string_value(json_object_get(c, "iss"));
        if (got == NULL || strcmp(got, ecs->sn->id) != 0)
            exp_fail(fails, "%sissuer: expected %s, got iss %s", what, ecs->sn->id,
                     got ? got : "(absent)");
        else if (tok_signed_by(jwt, r->pkidir, ecs->sn->id, err) != 1)
            exp_fail(fails, "%sissuer: iss is %s but its keys do not verify the signature", what,
                     ecs->sn->id);
    }
    json_decref(h);
    json_decref(c);
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
    if (ok) {
        json_array_foreach(w, i, e)
        {
            int found = 0;
            if (ordered) {
                found = json_equal(e, json_array_get(got, i));
            } else {
                json_t *g;
                json_array_foreach(got, j, g) if (json_equal(e, g)) found = 1;
            }
            if (!found)
                ok = 0;
        }
    }
    if (!ok)
        exp_fail(fails, "%s: expected %s, got %s", key, exp_show(w, a, sizeof(a)),
                 exp_show(got, b, sizeof(b)));
    json_decref(w);
}

/* Every member of want is in got with an equal value (objects recursively). */
static int
exp_subset(json_t *want, json_t *got)
{
    const char *k;
    json_t *v;

    if (json_is_object(want)) {
        if (!json_is_object(got))
            return 0;
        json_object_foreach(want, k, v) if (!exp_subset(v, json_object_get(got, k))) return 0;
        return 1;
    }
    return got != NULL && json_equal(want, got);
}

static const char *
exp_step_token(struct run *r, const char *step)
{
    return json_string_value(json_object_get(json_object_get(r->results, step), "token"));
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

/* What every judge reads: the run, the result and where failures go. */
struct exp_ctx {
    struct run *r;
    json_t *result;
    json_t *fails;
    json_int_t status;
    const char *jwt; /* the result's token, or NULL */
};

static void
exp_status(struct exp_ctx *x, json_t *w)
{
    char a[512], b[512];
    json_t *v;
    size_t i;
    int ok = json_is_integer(w) && json_integer_value(w) == x->status;

    json_array_foreach(w, i, v) ok |= json_integer_value(v) == x->status;
    if (!ok)
        exp_fail(x->fails, "status: expected %s, got %s", exp_show(w, a, sizeof(a)),
                 exp_got(x->result, b, sizeof(b)));
}

static void
exp_cause_is(struct exp_ctx *x, json_t *w)
{
    const char *c = exp_cause(x->result);

    if (c == NULL || strcmp(c, json_string_value(w)) != 0)
        exp_fail(x->fails, "cause: expected %s, got %s", json_string_value(w), c ? c : "(none)");
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

static void
exp_error(struct exp_ctx *x, json_t *w)
{
    const char *e = json_string_value(json_object_get(x->result, "error"));
    char b[512];

    if (x->status != 0 || e == NULL || strstr(e, json_string_value(w)) == NULL)
        exp_fail(x->fails, "error: expected no HTTP answer with \"%s\", got %s",
                 json_string_value(w), exp_got(x->result, b, sizeof(b)));
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

/* Per EES of a provisioning result: a token (with these claims) or none. */
static void
exp_tokens(struct exp_ctx *x, json_t *want)
{
    const char *k;
    json_t *w;

    json_object_foreach(want, k, w)
    {
        struct run_node *e = run_node(x->r, k);
        const char *t =
            json_string_value(json_object_get(json_object_get(x->result, "tokens"), e->sn->id));
        char what[128];
        snprintf(what, sizeof(what), "tokens.%s: ", k);
        if (json_is_false(w) && t != NULL)
            exp_fail(x->fails, "%sexpected no token, got one", what);
        else if (!json_is_false(w) && t == NULL)
            exp_fail(x->fails, "%sexpected a token, got none", what);
        else if (json_is_object(w))
            exp_token(x->r, x->fails, what, t, w);
    }
}

static void
exp_same_token(struct exp_ctx *x, json_t *w)
{
    const char *o = exp_step_token(x->r, json_string_value(w));

    if (x->jwt == NULL || o == NULL || strcmp(x->jwt, o) != 0)
        exp_fail(x->fails, "sameTokenAs: expected the token of step %s again, got %s",
                 json_string_value(w), x->jwt == NULL ? "no token" : "another token");
}

static void
exp_new_token(struct exp_ctx *x, json_t *w)
{
    const char *o = exp_step_token(x->r, json_string_value(w));

    if (x->jwt == NULL || (o != NULL && strcmp(x->jwt, o) == 0))
        exp_fail(x->fails, "newTokenAfter: expected a token other than step %s's, got %s",
                 json_string_value(w), x->jwt == NULL ? "no token" : "the same one");
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
                 exp_show(ir, a, sizeof(a)));
}

static void
exp_body(struct exp_ctx *x, json_t *w)
{
    json_t *sw = step_subst(x->r, w), *body = json_object_get(x->result, "body");
    char a[512], b[512];

    if (!exp_subset(sw, body))
        exp_fail(x->fails, "body: expected to contain %s, got %s", exp_show(sw, a, sizeof(a)),
                 exp_show(body, b, sizeof(b)));
    json_decref(sw);
}

/* The judge of each key of exp_fields; claims, absentClaims and issuer are judged together. */
static const struct {
    const char *key;
    void (*judge)(struct exp_ctx *x, json_t *want);
} exp_judges[] = {
    {"status", exp_status},
    {"cause", exp_cause_is},
    {"detail", exp_detail},
    {"error", exp_error},
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

    if (ex == NULL) {
        /* A runner act without expect must still have been done. */
        if (json_string_value(json_object_get(result, "error")) != NULL)
            exp_fail(x.fails, "%s", json_string_value(json_object_get(result, "error")));
        return x.fails;
    }
    for (size_t i = 0; i < sizeof(exp_judges) / sizeof(exp_judges[0]); i++)
        if ((w = json_object_get(ex, exp_judges[i].key)) != NULL)
            exp_judges[i].judge(&x, w);
    exp_token(r, x.fails, "", x.jwt, ex);
    return x.fails;
}
