/* act_population.c -- the actions over an EEC's UE population (scenarios/README.md
 * "provision_all, register_all, relocate_all"): the node's population_run command with the
 * concurrency or arrival rate, waited for with one poll over every node (ctlpoll.c), the tokens
 * the nodes report meanwhile counted and verified (tokenCheck, tokstore.h), and the latencyMs
 * expectation on its percentiles. */
#include "action.h"

#include "base/err.h"
#include "ctlpoll.h"
#include "exp_int.h"
#include "step.h"
#include "tokstore.h"

#include <stdio.h>
#include <string.h>

#define ACT_POP_TIMEOUT_MS 120000 /* default longest wait for a whole population's action */

const struct js_field act_pop_args[] = {
    {.name = "concurrency", .type = JS_INT, .check = js_check_range, .min = 1, .max = 10000},
    {.name = "rate", .type = JS_NUMBER, .check = js_check_range, .min = 0, .max = 1000000},
    {.name = "ees", .type = JS_STRING, .check = val_ees_ref},
    {.name = "tEes", .type = JS_STRING, .check = val_ees_ref},
    {.name = "timeoutMs", .type = JS_INT, .check = js_check_range, .min = 100, .max = 600000},
    {.name = NULL},
};

/* The node must host a population; relocate_all needs both EESes, the others no T-EES. */
int
act_pop_check(struct scn_ctx *c, json_t *args, char *err)
{
    int reloc = json_object_get(args, "tEes") != NULL;

    if (json_object_get(c->node->conf, "eecs") == NULL)
        return edge_err(err, "%s hosts no UE population (its key \"eecs\")", c->node->name);
    if (reloc && json_object_get(args, "ees") == NULL)
        return edge_err(err, "\"tEes\" needs \"ees\" (the S-EES)");
    return 0;
}

/* Every token event of the step read before it is counted. A server reports a token (issued,
 * accepted) before its answer leaves, and the population's answer comes after the last of its
 * answers; but the report may still wait in the server's output when the population's answer is
 * read. A status call to each node answers after all it sent before (one connection, in order). */
static int
act_pop_settle(struct run *r, char *err)
{
    char why[EDGE_ERR_LEN];

    for (size_t i = 0; i < r->nnodes; i++)
        if (poll_settle(r, &r->nodes[i], why) == -1)
            return edge_err(err, "%s did not answer status after the population: %s",
                            r->nodes[i].sn->name, why);
    return 0;
}

int
act_population(struct run *r, struct run_node *n, json_t *step, json_t *a, json_t **res, char *err)
{
    const char *action = json_string_value(json_object_get(step, "action"));
    json_t *args = json_object(), *v, *reply = NULL;
    json_int_t to = json_integer_value(json_object_get(a, "timeoutMs"));
    char why[EDGE_ERR_LEN], verb[16];
    int rc;

    snprintf(verb, sizeof(verb), "%.*s", (int)(strchr(action, '_') - action), action);
    json_object_set_new(args, "action", json_string(verb));
    if ((v = json_object_get(a, "concurrency")) != NULL)
        json_object_set(args, "concurrency", v);
    if ((v = json_object_get(a, "rate")) != NULL)
        json_object_set(args, "rate", v);
    if ((v = json_object_get(a, "ees")) != NULL)
        json_object_set_new(args, "ees", json_string(step_id(r, v)));
    if ((v = json_object_get(a, "tEes")) != NULL)
        json_object_set_new(args, "tEes", json_string(step_id(r, v)));
    json_object_set_new(step, "sent",
                        json_pack("{s:s, s:O}", "cmd", "population_run", "args", args));
    if (n->cc == NULL) {
        json_decref(args);
        return edge_err(err, "%s is not running", n->sn->name);
    }
    r->pop_step = 1;
    tokstore_count_begin(r->toks);
    rc =
        poll_call(r, n, "population_run", args, to > 0 ? (int)to : ACT_POP_TIMEOUT_MS, &reply, why);
    if (rc == -1)
        edge_err(err, "%s did not answer population_run: %s", n->sn->name, why);
    else if ((rc = act_pop_settle(r, why)) == -1)
        edge_err(err, "%s", why);
    step_collect_events(r);
    r->pop_step = 0;
    json_decref(args);
    if (rc == -1) {
        json_decref(reply);
        return -1;
    }
    *res = step_reply_result(reply);
    /* The tokens the nodes reported during the step, each verified by the runner (tokstore.h). */
    json_t *check = tokstore_count_result(r->toks);
    json_object_set(*res, "tokenEvents", json_object_get(check, "events"));
    json_object_set_new(*res, "tokenCheck", check);
    json_decref(reply);
    return 0;
}

/* latencyMs: {p50, p90, p99, max, mean} -> the most that figure may be (ms). */
static const struct js_field exp_latency_fields[] = {
    {.name = "p50", .type = JS_NUMBER, .check = js_check_range, .min = 0, .max = 600000},
    {.name = "p90", .type = JS_NUMBER, .check = js_check_range, .min = 0, .max = 600000},
    {.name = "p99", .type = JS_NUMBER, .check = js_check_range, .min = 0, .max = 600000},
    {.name = "max", .type = JS_NUMBER, .check = js_check_range, .min = 0, .max = 600000},
    {.name = "mean", .type = JS_NUMBER, .check = js_check_range, .min = 0, .max = 600000},
    {.name = NULL},
};

int
exp_latency_keys(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    char err[EDGE_ERR_LEN];
    (void)f;
    if (js_decode(v, "", exp_latency_fields, NULL, ctx, err) == -1)
        return edge_err(why, "%s", err);
    return 0;
}

void
exp_latency(struct exp_ctx *x, json_t *want)
{
    json_t *got = json_object_get(x->result, "latencyMs"), *bound;
    const char *k;

    if (!json_is_object(got)) {
        exp_fail(x->fails, "latencyMs: the result has no latency percentiles");
        return;
    }
    json_object_foreach(want, k, bound)
    {
        double g = json_number_value(json_object_get(got, k)), b = json_number_value(bound);
        if (g > b)
            exp_fail(x->fails, "latencyMs.%s: expected at most %.1f ms, got %.1f ms", k, b, g);
    }
}
