/* step.c -- what every step shares: names and references resolved, tokens recorded, a node's
 * control command sent, events collected; and step_exec(), which runs a step's row of the
 * action table (action.c).
 *
 * Node names of the scenario become FQDNs / EEC IDs here, tokens are taken from earlier steps
 * (and forged when a step says so), and every token seen is recorded for tokens/ and the report.
 * Waiting is always on something known: a reply, an event, a child's exit, or a clock instant (a
 * token's exp), never a guessed delay. */
#include "step.h"

#include "action.h"
#include "async.h"
#include "subst.h"
#include "base/err.h"
#include "ctl/ctl_client.h"
#include "ctlpoll.h"
#include "sim.h"
#include "tok.h"
#include "tokstore.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- names ---- */

const char *
step_id(struct run *r, json_t *name)
{
    struct run_node *n = run_node(r, json_string_value(name));
    return n != NULL ? n->sn->id : json_string_value(name);
}

/* ---- tokens ---- */

int
step_tokens_new(struct run *r)
{
    if ((r->toks = tokstore_new(r->tokens, r->pkidir)) == NULL)
        return -1;
    for (size_t i = 0; i < r->nnodes; i++)
        if (r->nodes[i].sn->kind == SCN_ECS &&
            tokstore_signer(r->toks, r->nodes[i].sn->id, r->nodes[i].sn->name) == -1)
            return -1;
    return 0;
}

void
step_tokens_free(struct run *r)
{
    tokstore_free(r->toks);
    r->toks = NULL;
}

void
step_record_token(struct run *r, const char *jwt, const char *step, const char *how)
{
    tokstore_record(r->toks, jwt, step, how);
}

/* Event lines a node sends unasked (nodes/README.md "Events"). */
static const char *step_event_names[] = {"token", "registered", "ready", NULL};

static void
step_token_event(struct run *r, struct run_node *n, json_t *ev)
{
    const char *jwt = json_string_value(json_object_get(ev, "jwt"));
    json_t *t;

    if (jwt != NULL && (t = tokstore_record(r->toks, jwt, NULL, "event")) != NULL) {
        json_t *v = json_deep_copy(ev);
        json_object_del(v, "jwt");
        json_object_del(v, "event");
        json_object_set_new(v, "node", json_string(n->sn->name));
        json_array_append_new(json_object_get(t, "verdicts"), v);
    }
}

/* The step that ran when a node made ev (its "mono", ctl.c): an event made in one step can
 * arrive while the next one runs. The step it arrived in, when it has no time. */
static int
step_of_event(const struct run *r, json_t *ev)
{
    json_t *mono = json_object_get(ev, "mono");
    int i = r->step_index;

    if (!json_is_number(mono))
        return i;
    while (i > 0 && json_number_value(mono) < r->step_mono[i])
        i--;
    return i;
}

void
step_collect_events(struct run *r)
{
    char err[EDGE_ERR_LEN];

    poll_drain(r); /* one poll() over every socket: what is there, never a wait for more */
    for (size_t i = 0; i < r->nnodes; i++) {
        struct run_node *n = &r->nodes[i];
        json_t *ev;
        if (n->cc == NULL)
            continue;
        for (int k = 0; step_event_names[k] != NULL; k++) {
            while ((ev = ctl_client_wait_event(n->cc, step_event_names[k], 0, err)) != NULL) {
                /* A population's tokens (ten thousand UEs: tens of thousands) are counted in
                 * its step's result, each verified once, not kept one by one for tokens/ and
                 * the report. */
                if (k == 0 && r->pop_step) {
                    tokstore_count(r->toks, json_string_value(json_object_get(ev, "jwt")));
                    json_decref(ev);
                    continue;
                }
                if (k == 0)
                    step_token_event(r, n, ev);
                if (r->seen_done) {
                    json_decref(ev);
                    continue;
                }
                json_array_append_new(r->seen,
                                      json_pack("{s:s, s:i, s:o, s:b}", "node", n->sn->name, "step",
                                                step_of_event(r, ev), "event", ev, "used", 0));
            }
        }
    }
}

void
step_forget_events(struct run *r, int steps_done)
{
    json_t *kept = json_array(), *e;
    size_t i;

    if (kept == NULL)
        return;
    json_array_foreach(r->seen, i, e)
    {
        if (!steps_done && !json_is_true(json_object_get(e, "used")) &&
            json_integer_value(json_object_get(e, "step")) >= r->step_index - 1)
            json_array_append(kept, e);
    }
    json_decref(r->seen);
    r->seen = kept;
    r->seen_done = steps_done;
}

/* An event of node n named name that came while the previous step or this
 * one ran (earlier ones, e.g. the registration before "ready", do not count). */
json_t *
step_seen_event(struct run *r, struct run_node *n, const char *name)
{
    json_t *e;
    size_t i;

    json_array_foreach(r->seen, i, e)
    {
        const char *ev = json_string_value(json_object_get(json_object_get(e, "event"), "event"));
        if (json_is_true(json_object_get(e, "used")) || ev == NULL || strcmp(ev, name) != 0 ||
            strcmp(json_string_value(json_object_get(e, "node")), n->sn->name) != 0 ||
            json_integer_value(json_object_get(e, "step")) < r->step_index - 1)
            continue;
        json_object_set_new(e, "used", json_true());
        return json_incref(json_object_get(e, "event"));
    }
    return NULL;
}

/* The JWT a token argument names: a keyword passes through; {"from": ...}
 * is looked up (and forged when asked). Returns a new string value. */
json_t *
step_token_arg(struct run *r, json_t *ref, const char *step, char *err)
{
    json_t *res, *tok;
    const char *jwt, *forge;
    char *forged;

    if (ref == NULL || json_is_string(ref))
        return json_incref(ref);
    res = json_object_get(r->results, json_string_value(json_object_get(ref, "from")));
    if (json_object_get(ref, "ees") != NULL) {
        const char *fqdn = step_id(r, json_object_get(ref, "ees"));
        tok = json_object_get(json_object_get(res, "tokens"), fqdn);
    } else {
        tok = json_object_get(res, "token");
    }
    if ((jwt = json_string_value(tok)) == NULL) {
        edge_err(err, "step \"%s\" has no token%s%s to reuse",
                 json_string_value(json_object_get(ref, "from")),
                 json_object_get(ref, "ees") ? " for " : "",
                 json_object_get(ref, "ees") ? step_id(r, json_object_get(ref, "ees")) : "");
        return NULL;
    }
    if ((forge = json_string_value(json_object_get(ref, "forge"))) == NULL)
        return json_string(jwt);
    struct tok_changes ch = {.set = subst_value(r, json_object_get(ref, "set")),
                             .unset = json_object_get(ref, "unset"),
                             .header = json_object_get(ref, "header")};
    forged = tok_forge(jwt, forge, &ch, r->pkidir, err);
    json_decref(ch.set);
    if (forged == NULL)
        return NULL;
    char how[64];
    snprintf(how, sizeof(how), "forged: %s", forge);
    step_record_token(r, forged, step, how);
    tok = json_string(forged);
    free(forged);
    return tok;
}

/* ---- running a step ---- */

json_t *
step_local_result(int ok, const char *error)
{
    json_t *res = json_pack("{s:i, s:n, s:n, s:n}", "status", 0, "body", "problem", "error");
    if (!ok)
        json_object_set_new(res, "error", json_string(error));
    return res;
}

json_t *
step_reply_result(json_t *reply)
{
    json_t *result;

    if (json_is_true(json_object_get(reply, "ok"))) {
        result = json_incref(json_object_get(reply, "result"));
        if (!json_is_object(result)) {
            json_decref(result);
            result = json_object();
        }
    } else {
        json_t *e = json_object_get(reply, "error");
        result = json_pack("{s:i, s:n, s:n, s:O*}", "status", 0, "body", "problem", "error",
                           json_object_get(e, "message"));
        json_object_set(result, "ctlError", e);
    }
    return result;
}

int
step_node_call(struct run *r, struct run_node *n, json_t *step, const char *cmd, json_t *args,
               json_t **result, char *err)
{
    char why[EDGE_ERR_LEN];
    json_t *reply;

    json_object_set_new(step, "sent", json_pack("{s:s, s:O}", "cmd", cmd, "args", args));
    if (n->cc == NULL)
        return edge_err(err, "%s is not running (stopped earlier?)", n->sn->name);
    /* SIGSTOPped, it reads no command either: say so now, not after the step's deadline (a
     * result with the error, so a step can expect it). */
    if (n->frozen) {
        edge_err(why, "%s is frozen: it cannot take the command \"%s\" (thaw it first)",
                 n->sn->name, cmd);
        *result = step_local_result(0, why);
        return 0;
    }
    if (json_is_true(json_object_get(step, "async"))) {
        /* Sent; a later step "reply" reads the answer. */
        if (async_send(r, n, json_string_value(json_object_get(step, "name")), cmd, args, err) ==
            -1)
            return -1;
        *result = json_pack("{s:i, s:n, s:n, s:n, s:s}", "status", 0, "body", "problem", "error",
                            "pending", cmd);
        return 0;
    }
    reply = ctl_client_call(n->cc, cmd, args, r->timeout_ms, why);
    if (reply == NULL)
        return edge_err(err, "%s did not answer \"%s\": %s", n->sn->name, cmd, why);
    *result = step_reply_result(reply);
    json_decref(reply);
    return 0;
}

/* Every token the step produced or sent, for tokens/ and the report. */
static void
step_record_result_tokens(struct run *r, const char *name, const char *action, json_t *result)
{
    json_t *t = json_object_get(result, "token"), *v;
    const char *k;

    if (json_is_string(t))
        step_record_token(r, json_string_value(t), name, action);
    json_object_foreach(json_object_get(result, "tokens"), k, v)
    {
        if (json_is_string(v))
            step_record_token(r, json_string_value(v), name, action);
    }
}

int
step_exec(struct run *r, json_t *step, json_t **result, char *err)
{
    const char *action = json_string_value(json_object_get(step, "action"));
    const char *name = json_string_value(json_object_get(step, "name"));
    struct run_node *n = run_node(r, json_string_value(json_object_get(step, "node")));
    const struct act *a = act_find(action, n != NULL ? (int)n->sn->kind : -1);
    double t0 = run_now_mono();

    *result = NULL;
    if (a == NULL) /* act_check_step() made sure there is a row */
        return edge_err(err, "internal: no action \"%s\" here", action);
    if (sim_skip_step(r, step)) {
        *result = step_local_result(1, NULL);
        json_object_set_new(*result, "skipped", json_string(SIM_NEEDS_TAP));
    } else if (a->exec(r, n, step, json_object_get(step, "args"), result, err) == -1)
        return -1;
    json_object_set_new(*result, "runner_ms", json_real((run_now_mono() - t0) * 1000.0));
    step_record_result_tokens(r, name, action, *result);
    return 0;
}
