/* exp_token.c -- the expectations on tokens: claims, absent claims, JOSE header, lifetime, who
 * signed (TS 33.558 6.2, TR 33.739 6.27), per EES of a provisioning answer, and sameness with an
 * earlier step's token.
 *
 * The issuer check is the runner's own: it verifies the token's signature with the named ECS's
 * public key, not only its iss claim. */
#include "exp_int.h"

#include "base/err.h"
#include "match.h"
#include "tok.h"
#include "tokstore.h"
#include "values.h"

#include <stdio.h>
#include <string.h>

/* The JOSE header parameters of RFC 7515 4.1 (edgesim's tokens carry alg, kid and typ). */
static const char *const exp_jose_params[] = {"alg", "kid", "typ", "cty", "crit",     "jku",
                                              "jwk", "x5u", "x5c", "x5t", "x5t#S256", NULL};

int
exp_header_keys(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    const char *k;
    json_t *p;
    char e[EDGE_ERR_LEN];
    (void)f, (void)ctx;

    json_object_foreach(v, k, p)
    {
        if (js_valid_enum(k, exp_jose_params, e) == -1)
            return edge_err(why, "%s: not a JOSE header parameter (RFC 7515 4.1): %s", k, e);
        if (match_check(p, e, sizeof(e)) == -1)
            return edge_err(why, "%s: %s", k, e);
    }
    return 0;
}

const struct js_field exp_token_fields[] = {
    {.name = "claims", .type = JS_OBJECT},
    {.name = "absentClaims", .type = JS_ARRAY, .items = JS_STRING},
    {.name = "issuer", .type = JS_STRING, .check = val_ecs_ref},
    {.name = "header", .type = JS_OBJECT, .check = exp_header_keys},
    {.name = "lifetime", .type = JS_INT, .check = js_check_range, .min = 0, .max = 31536000},
    {.name = NULL},
};

/* "tokens": EES name -> true / false / the checks of its token. */
int
exp_tokens_keys(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    const char *k;
    json_t *e;
    char err[EDGE_ERR_LEN];
    struct scn_ctx *c = ctx;
    (void)f;

    json_object_foreach(v, k, e)
    {
        struct scn_node *n = scn_node(c->s, k);
        if (n == NULL || n->kind != SCN_EES)
            return edge_err(why, "%s: not an EES of the topology", k);
        if (json_is_boolean(e))
            continue;
        if (!json_is_object(e))
            return edge_err(why, "%s: expected boolean or object, got %s", k, js_type_name(e));
        if (js_decode(e, k, exp_token_fields, NULL, ctx, err) == -1)
            return edge_err(why, "%s", err);
    }
    return 0;
}

/* Each wanted claim matches (match.h); an aud array of one element stands for that element. */
static void
exp_claims(json_t *fails, const char *what, json_t *claims, json_t *want, json_t *absent)
{
    char why[1024], a[256], label[160];
    const char *k;
    json_t *v, *w;
    size_t i;

    json_object_foreach(want, k, w)
    {
        v = json_object_get(claims, k);
        if (json_is_array(v) && json_array_size(v) == 1 && !json_is_array(w))
            v = json_array_get(v, 0);
        snprintf(label, sizeof(label), "%sclaim %s", what, k);
        if (!match_value(w, v, label, why, sizeof(why)))
            exp_fail(fails, "%s", why);
    }
    json_array_foreach(absent, i, w)
    {
        if ((v = json_object_get(claims, json_string_value(w))) != NULL)
            exp_fail(fails, "%sclaim %s: expected absent, got %s", what, json_string_value(w),
                     match_show(v, a, sizeof(a)));
    }
}

/* iss is the ECS named, and that ECS's public keys verify the signature. */
static void
exp_issuer(struct run *r, json_t *fails, const char *what, const char *jwt, json_t *claims,
           const char *iss)
{
    struct run_node *ecs = run_node(r, iss);
    const char *got = json_string_value(json_object_get(claims, "iss"));
    char err[EDGE_ERR_LEN];

    if (got == NULL || strcmp(got, ecs->sn->id) != 0)
        exp_fail(fails, "%sissuer: expected %s, got iss %s", what, ecs->sn->id,
                 got ? got : "(absent)");
    else if (tok_signed_by(tokstore_keys(r->toks), jwt, ecs->sn->id, err) != 1)
        exp_fail(fails, "%sissuer: iss is %s but its keys do not verify the signature", what,
                 ecs->sn->id);
}

void
exp_token(struct run *r, json_t *fails, const char *what, const char *jwt, json_t *want)
{
    json_t *h = NULL, *c = NULL, *w;
    char err[EDGE_ERR_LEN], why[1024], label[160];
    const char *iss = json_string_value(json_object_get(want, "issuer"));

    if (json_object_get(want, "claims") == NULL && json_object_get(want, "absentClaims") == NULL &&
        json_object_get(want, "header") == NULL && json_object_get(want, "lifetime") == NULL &&
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
    exp_claims(fails, what, c, json_object_get(want, "claims"),
               json_object_get(want, "absentClaims"));
    snprintf(label, sizeof(label), "%sheader", what);
    if ((w = json_object_get(want, "header")) != NULL &&
        !match_value(w, h, label, why, sizeof(why)))
        exp_fail(fails, "%s", why);
    if ((w = json_object_get(want, "lifetime")) != NULL) {
        json_t *exp = json_object_get(c, "exp"), *iat = json_object_get(c, "iat");
        if (!json_is_integer(exp) || !json_is_integer(iat) ||
            json_integer_value(exp) - json_integer_value(iat) != json_integer_value(w))
            exp_fail(fails, "%slifetime: expected exp - iat = %lld, got exp %s, iat %s", what,
                     (long long)json_integer_value(w), match_show(exp, why, 64),
                     match_show(iat, label, 64));
    }
    if (iss != NULL)
        exp_issuer(r, fails, what, jwt, c, iss);
    json_decref(h);
    json_decref(c);
}

/* Per EES of a provisioning result: a token (with these checks) or none. */
void
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

static const char *
exp_step_token(struct run *r, const char *step)
{
    return json_string_value(json_object_get(json_object_get(r->results, step), "token"));
}

void
exp_same_token(struct exp_ctx *x, json_t *w)
{
    const char *o = exp_step_token(x->r, json_string_value(w));

    if (x->jwt == NULL || o == NULL || strcmp(x->jwt, o) != 0)
        exp_fail(x->fails, "sameTokenAs: expected the token of step %s again, got %s",
                 json_string_value(w), x->jwt == NULL ? "no token" : "another token");
}

void
exp_new_token(struct exp_ctx *x, json_t *w)
{
    const char *o = exp_step_token(x->r, json_string_value(w));

    if (x->jwt == NULL || (o != NULL && strcmp(x->jwt, o) == 0))
        exp_fail(x->fails, "newTokenAfter: expected a token other than step %s's, got %s",
                 json_string_value(w), x->jwt == NULL ? "no token" : "the same one");
}
