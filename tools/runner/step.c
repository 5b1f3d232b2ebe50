/* step.c -- carries out the steps of a scenario over the nodes' control sockets (nodes/README.md).
 *
 * Node names of the scenario become FQDNs / EEC IDs here, tokens are taken
 * from earlier steps (and forged when a step says so), and every token seen
 * is recorded for tokens/ and the report. Waiting is always on something
 * known: a reply, an event, a child's exit, or a clock instant (a token's
 * exp), never a guessed delay. */
#include "step.h"

#include "ctl/ctl_client.h"
#include "base/err.h"
#include "base/json_strict.h"
#include "net.h"
#include "proc.h"
#include "tok.h"
#include "auth/token_validate.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Past exp a validator still accepts a token for TOKEN_SKEW seconds
 * (common/auth/token_validate.h); the wait ends one second after that. */
#define STEP_SKEW_MS ((TOKEN_SKEW + 1) * 1000LL)

/* ---- names ---- */

static json_t *
step_subst_str(struct run *r, const char *s)
{
    char out[4096];
    size_t o = 0;

    while (*s && o < sizeof(out) - 1) {
        const char *end;
        if (s[0] == '$' && s[1] == '{' && (end = strchr(s, '}')) != NULL) {
            char name[64];
            const char *field = NULL, *val = NULL;
            size_t n = (size_t)(end - s - 2);
            if (n < sizeof(name)) {
                memcpy(name, s + 2, n);
                name[n] = '\0';
                char *dot = strchr(name, '.');
                if (dot != NULL) {
                    *dot = '\0';
                    field = dot + 1;
                }
                struct run_node *rn = run_node(r, name);
                if (rn != NULL && field == NULL)
                    val = rn->sn->id;
                else if (rn != NULL && strcmp(field, "gpsi") == 0)
                    val = scn_conf_str(rn->sn, "gpsi", NULL);
                else if (rn != NULL && strcmp(field, "akid") == 0)
                    val = rn->akid;
            }
            if (val != NULL) {
                o += (size_t)snprintf(out + o, sizeof(out) - o, "%s", val);
                if (o >= sizeof(out))
                    o = sizeof(out) - 1;
                s = end + 1;
                continue;
            }
        }
        out[o++] = *s++;
    }
    out[o] = '\0';
    return json_string(out);
}

json_t *
step_subst(struct run *r, json_t *v)
{
    json_t *out, *e;
    const char *k;
    size_t i;

    if (json_is_string(v))
        return step_subst_str(r, json_string_value(v));
    if (json_is_object(v)) {
        out = json_object();
        json_object_foreach(v, k, e) json_object_set_new(out, k, step_subst(r, e));
        return out;
    }
    if (json_is_array(v)) {
        out = json_array();
        json_array_foreach(v, i, e) json_array_append_new(out, step_subst(r, e));
        return out;
    }
    return json_incref(v);
}

static const char *
step_id(struct run *r, json_t *name)
{
    struct run_node *n = run_node(r, json_string_value(name));
    return n != NULL ? n->sn->id : json_string_value(name);
}

/* ---- tokens ---- */

static json_t *
step_token_rec(struct run *r, const char *jwt)
{
    size_t i;
    json_t *t;

    json_array_foreach(r->tokens, i, t)
    {
        if (strcmp(json_string_value(json_object_get(t, "jwt")), jwt) == 0)
            return t;
    }
    return NULL;
}

void
step_record_token(struct run *r, const char *jwt, const char *step, const char *how)
{
    json_t *t, *h = NULL, *c = NULL;
    char err[EDGE_ERR_LEN];

    if (jwt == NULL || jwt[0] == '\0' || strchr(jwt, '.') == NULL)
        return;
    if ((t = step_token_rec(r, jwt)) != NULL) {
        json_t *steps = json_object_get(t, "steps"), *s;
        size_t i;
        int seen = 0;
        json_array_foreach(steps, i, s) seen |=
            step != NULL && strcmp(json_string_value(s), step) == 0;
        if (step != NULL && !seen)
            json_array_append_new(steps, json_string(step));
        return;
    }
    t = json_pack("{s:s, s:[], s:s, s:[]}", "jwt", jwt, "steps", "how", how, "verdicts");
    if (step != NULL)
        json_array_append_new(json_object_get(t, "steps"), json_string(step));
    if (tok_decode(jwt, &h, &c, err) == 0) {
        json_object_set_new(t, "header", h);
        json_object_set_new(t, "claims", c);
        /* Who really signed: the runner checks with each ECS's public keys. */
        for (size_t i = 0; i < r->nnodes; i++) {
            if (r->nodes[i].sn->kind != SCN_ECS)
                continue;
            if (tok_signed_by(jwt, r->pkidir, r->nodes[i].sn->id, err) == 1) {
                json_object_set_new(t, "signedBy", json_string(r->nodes[i].sn->name));
                break;
            }
        }
    } else {
        json_object_set_new(t, "decodeError", json_string(err));
    }
    json_array_append_new(r->tokens, t);
}

/* Event lines a node sends unasked (nodes/README.md "Events"). */
static const char *step_event_names[] = {"token", "registered", "ready", NULL};

static void
step_token_event(struct run *r, struct run_node *n, json_t *ev)
{
    const char *jwt = json_string_value(json_object_get(ev, "jwt"));
    json_t *t;

    if (jwt == NULL)
        return;
    step_record_token(r, jwt, NULL, "event");
    if ((t = step_token_rec(r, jwt)) != NULL) {
        json_t *v = json_deep_copy(ev);
        json_object_del(v, "jwt");
        json_object_del(v, "event");
        json_object_set_new(v, "node", json_string(n->sn->name));
        json_array_append_new(json_object_get(t, "verdicts"), v);
    }
}

void
step_collect_events(struct run *r)
{
    char err[EDGE_ERR_LEN];

    for (size_t i = 0; i < r->nnodes; i++) {
        struct run_node *n = &r->nodes[i];
        json_t *ev;
        if (n->cc == NULL)
            continue;
        for (int k = 0; step_event_names[k] != NULL; k++) {
            /* 1 ms: what is already there, never a wait for more. */
            while ((ev = ctl_client_wait_event(n->cc, step_event_names[k], 1, err)) != NULL) {
                if (k == 0)
                    step_token_event(r, n, ev);
                json_array_append_new(r->seen,
                                      json_pack("{s:s, s:i, s:o, s:b}", "node", n->sn->name, "step",
                                                r->step_index, "event", ev, "used", 0));
            }
        }
    }
}

/* An event of node n named name that came while the previous step or this
 * one ran (earlier ones, e.g. the registration before "ready", do not count). */
static json_t *
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
static json_t *
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
    json_t *set = step_subst(r, json_object_get(ref, "set"));
    forged = tok_forge(jwt, forge, set, json_object_get(ref, "unset"), r->pkidir, err);
    json_decref(set);
    if (forged == NULL)
        return NULL;
    char how[64];
    snprintf(how, sizeof(how), "forged: %s", forge);
    step_record_token(r, forged, step, how);
    tok = json_string(forged);
    free(forged);
    return tok;
}

/* ---- the actions ---- */

static json_t *
step_local_result(int ok, const char *error)
{
    json_t *res = json_pack("{s:i, s:n, s:n, s:n}", "status", 0, "body", "problem", "error");
    if (!ok)
        json_object_set_new(res, "error", json_string(error));
    return res;
}

/* Send cmd to node n; the reply's result (or an error result) in *result. */
static int
step_call(struct run *r, struct run_node *n, const char *cmd, json_t *args, json_t **result,
          char *err)
{
    char why[EDGE_ERR_LEN];
    json_t *reply;

    if (n->cc == NULL)
        return edge_err(err, "%s is not running (stopped earlier?)", n->sn->name);
    reply = ctl_client_call(n->cc, cmd, args, r->timeout_ms, why);
    if (reply == NULL)
        return edge_err(err, "%s did not answer \"%s\": %s", n->sn->name, cmd, why);
    if (json_is_true(json_object_get(reply, "ok"))) {
        *result = json_incref(json_object_get(reply, "result"));
        if (!json_is_object(*result)) {
            json_decref(*result);
            *result = json_object();
        }
    } else {
        json_t *e = json_object_get(reply, "error");
        *result = json_pack("{s:i, s:n, s:n, s:O*}", "status", 0, "body", "problem", "error",
                            json_object_get(e, "message"));
        json_object_set(*result, "ctlError", e);
    }
    json_decref(reply);
    return 0;
}

static void
step_set(json_t *args, const char *key, json_t *v)
{
    if (v != NULL)
        json_object_set(args, key, v);
}

/* eecCntxId: a literal, or the one an earlier step's result holds. */
static json_t *
step_cntx(struct run *r, json_t *v)
{
    if (json_is_object(v)) {
        json_t *res = json_object_get(r->results, json_string_value(json_object_get(v, "from")));
        json_t *id = json_object_get(res, "eecCntxId");
        if (id == NULL)
            id = json_object_get(json_object_get(res, "body"), "eecCntxId");
        return id != NULL ? json_incref(id) : json_string("");
    }
    return json_incref(v);
}

/* Build the node command and its args for a protocol action. */
static int
step_command(struct run *r, struct run_node *n, const char *action, json_t *a, const char *name,
             const char **cmd, json_t *args, char *err)
{
    json_t *t;

    *cmd = action;
    if (strcmp(action, "provision") == 0) {
        step_set(args, "acProfs", json_object_get(a, "acProfs"));
        step_set(args, "ueId", json_object_get(a, "ueId"));
        step_set(args, "locInf", json_object_get(a, "locInf"));
    } else if (strcmp(action, "register") == 0) {
        json_object_set_new(args, "ees", json_string(step_id(r, json_object_get(a, "ees"))));
        if ((t = json_object_get(a, "token")) != NULL) {
            json_t *jwt = step_token_arg(r, t, name, err);
            if (jwt == NULL)
                return -1;
            json_object_set_new(args, "token", jwt);
        }
        step_set(args, "ueId", json_object_get(a, "ueId"));
        if ((t = json_object_get(a, "eecCntxId")) != NULL)
            json_object_set_new(args, "eecCntxId", step_cntx(r, t));
        if ((t = json_object_get(a, "srcEes")) != NULL)
            json_object_set_new(args, "srcEesId", json_string(step_id(r, t)));
        step_set(args, "acProfs", json_object_get(a, "acProfs"));
    } else if (strcmp(action, "update") == 0 || strcmp(action, "deregister") == 0) {
        json_object_set_new(args, "ees", json_string(step_id(r, json_object_get(a, "ees"))));
    } else if (strcmp(action, "discover") == 0 && n->sn->kind == SCN_EEC) {
        json_object_set_new(args, "ees", json_string(step_id(r, json_object_get(a, "ees"))));
        step_set(args, "easIds", json_object_get(a, "easIds"));
    } else if (strcmp(action, "discover") == 0) {
        *cmd = "discover_target";
        step_set(args, "easId", json_object_get(a, "easId"));
        step_set(args, "ueId", json_object_get(a, "ueId"));
    } else if (strcmp(action, "relocate") == 0) {
        json_object_set_new(args, "ees", json_string(step_id(r, json_object_get(a, "ees"))));
        json_object_set_new(args, "tEes", json_string(step_id(r, json_object_get(a, "tEes"))));
        step_set(args, "acId", json_object_get(a, "acId"));
        step_set(args, "easId", json_object_get(a, "easId"));
        step_set(args, "tEasEndpoint", json_object_get(a, "tEasEndpoint"));
    } else if (strcmp(action, "request_token") == 0) {
        json_object_set_new(args, "target", json_string(step_id(r, json_object_get(a, "target"))));
        step_set(args, "scope", json_object_get(a, "scope"));
        if ((t = json_object_get(a, "eec")) != NULL)
            json_object_set_new(args, "eecId", json_string(step_id(r, t)));
    } else if (strcmp(action, "call") == 0) {
        int push = strcmp(json_string_value(json_object_get(a, "api")), "push") == 0;
        *cmd = push ? "push" : "pull";
        json_object_set_new(args, push ? "target" : "source",
                            json_string(step_id(r, json_object_get(a, "peer"))));
        json_object_set_new(args, "eecCntxId", step_cntx(r, json_object_get(a, "eecCntxId")));
        if ((t = json_object_get(a, "token")) != NULL) {
            json_t *jwt = step_token_arg(r, t, name, err);
            if (jwt == NULL)
                return -1;
            json_object_set_new(args, "token", jwt);
        }
    } else if (strcmp(action, "rotate") == 0) {
        step_set(args, "kid", json_object_get(a, "kid"));
    }
    /* registrations, registration, contexts: no args */
    return 0;
}

/* The wall-clock instant a token or registration expires, in ms since the epoch. */
static int
step_expiry(struct run *r, json_t *a, const char *name, long long *at_ms, char *err)
{
    json_t *t;

    if ((t = json_object_get(a, "token")) != NULL) {
        json_t *jwt = step_token_arg(r, t, name, err), *h, *c;
        if (jwt == NULL)
            return -1;
        if (!json_is_string(jwt) || tok_decode(json_string_value(jwt), &h, &c, err) == -1) {
            json_decref(jwt);
            return edge_err(err, "the token to wait for cannot be decoded");
        }
        json_t *exp = json_object_get(c, "exp");
        int ok = json_is_integer(exp);
        *at_ms = json_integer_value(exp) * 1000LL;
        json_decref(h);
        json_decref(c);
        json_decref(jwt);
        if (!ok)
            return edge_err(err, "the token has no integer exp claim");
        return 0;
    }
    const char *from = json_string_value(json_object_get(a, "registration"));
    json_t *res = json_object_get(r->results, from);
    const char *exp = json_string_value(json_object_get(res, "expTime"));
    struct timespec ts;
    char why[EDGE_ERR_LEN];
    if (exp == NULL)
        exp = json_string_value(json_object_get(json_object_get(res, "body"), "expTime"));
    if (exp == NULL)
        return edge_err(err, "step \"%s\" gave no expTime", from);
    if (js_time_parse(exp, &ts, why) == -1)
        return edge_err(err, "step \"%s\": expTime %s", from, why);
    *at_ms = (long long)ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
    return 0;
}

/* Wait on the clock until a known instant (not a synchronising sleep: the
 * instant is the token's exp, and what follows must see it passed). */
static int
step_wait_until(long long at_ms, char *err)
{
    struct timespec ts = {.tv_sec = (time_t)(at_ms / 1000),
                          .tv_nsec = (long)(at_ms % 1000) * 1000000L};

    while (clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &ts, NULL) == EINTR) {
        if (proc_interrupted)
            return edge_err(err, "interrupted");
    }
    return 0;
}

int
step_exec(struct run *r, json_t *step, json_t **result, char *err)
{
    const char *action = json_string_value(json_object_get(step, "action"));
    const char *name = json_string_value(json_object_get(step, "name"));
    struct run_node *n = run_node(r, json_string_value(json_object_get(step, "node")));
    json_t *a = json_object_get(step, "args"), *args;
    double t0 = run_now_mono();
    const char *cmd;
    int rc = 0;

    *result = NULL;
    if (strcmp(action, "stop") == 0) {
        const char *sig = json_string_value(json_object_get(a, "signal"));
        int s = sig != NULL && strcmp(sig, "KILL") == 0 ? SIGKILL : SIGTERM;
        if (proc_node_stop(r, n, s, 10000, err) == -1)
            *result = step_local_result(0, err);
        else
            *result = step_local_result(1, NULL);
    } else if (strcmp(action, "start") == 0) {
        if (proc_node_start(r, n, err) == -1)
            return -1;
        *result = step_local_result(1, NULL);
    } else if (strcmp(action, "link") == 0) {
        int done = net_link(r, a, err);
        if (done == -1)
            return -1;
        *result = step_local_result(1, NULL);
        if (done == 0)
            json_object_set_new(*result, "skipped",
                                json_string("loopback mode has no simulated links"));
    } else if (strcmp(action, "wait_until_expired") == 0) {
        long long at = 0;
        long long margin = json_integer_value(json_object_get(a, "marginMs"));
        if (json_object_get(a, "marginMs") == NULL)
            margin = STEP_SKEW_MS;
        if (step_expiry(r, a, name, &at, err) == -1 || step_wait_until(at + margin, err) == -1)
            return -1;
        *result = step_local_result(1, NULL);
    } else if (strcmp(action, "await") == 0) {
        const char *ev = json_string_value(json_object_get(a, "event"));
        int to = json_object_get(a, "timeoutMs")
                     ? (int)json_integer_value(json_object_get(a, "timeoutMs"))
                     : r->timeout_ms;
        char why[EDGE_ERR_LEN];
        json_t *e;
        if (n->cc == NULL)
            return edge_err(err, "%s is not running", n->sn->name);
        step_collect_events(r);
        if ((e = step_seen_event(r, n, ev)) == NULL &&
            (e = ctl_client_wait_event(n->cc, ev, to, why)) == NULL) {
            *result = step_local_result(0, why);
        } else {
            *result = step_local_result(1, NULL);
            json_object_set_new(*result, "event", e);
        }
    } else {
        args = json_object();
        if (step_command(r, n, action, a, name, &cmd, args, err) == -1) {
            json_decref(args);
            return -1;
        }
        json_object_set_new(step, "sent", json_pack("{s:s, s:O}", "cmd", cmd, "args", args));
        rc = step_call(r, n, cmd, args, result, err);
        json_decref(args);
        if (rc == -1)
            return -1;
    }
    json_object_set_new(*result, "runner_ms", json_real((run_now_mono() - t0) * 1000.0));
    /* Every token the step produced or sent, for tokens/ and the report. */
    {
        json_t *t = json_object_get(*result, "token"), *v;
        const char *k;
        if (json_is_string(t))
            step_record_token(r, json_string_value(t), name, action);
        json_object_foreach(json_object_get(*result, "tokens"), k, v)
        {
            if (json_is_string(v))
                step_record_token(r, json_string_value(v), name, action);
        }
    }
    return 0;
}
