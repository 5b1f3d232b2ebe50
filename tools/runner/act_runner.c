/* act_runner.c -- the actions the runner does itself: stop, start, freeze, thaw, link,
 * wait_until_expired, await. None sends a protocol message; each passes when it could be done. */
#include "action.h"

#include "base/err.h"
#include "base/json_strict.h"
#include "auth/token_validate.h"
#include "async.h"
#include "conf.h"
#include "ctl/ctl_client.h"
#include "logwait.h"
#include "net.h"
#include "proc.h"
#include "step.h"
#include "subst.h"
#include "tok.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>

/* Past exp an EES still accepts a token for its clock skew (its "tokenClockSkew", else
 * TOKEN_SKEW: common/auth/token_validate.h); the wait ends one second after the largest. */
static long long
runner_skew_ms(const struct run *r)
{
    long long most = 0;

    for (size_t i = 0; i < r->nnodes; i++)
        if (r->nodes[i].sn->kind == SCN_EES) {
            long long s = scn_conf_int(r->nodes[i].sn, "tokenClockSkew", TOKEN_SKEW);
            most = s > most ? s : most;
        }
    return ((most > 0 ? most : TOKEN_SKEW) + 1) * 1000LL;
}

int
act_stop(struct run *r, struct run_node *n, json_t *step, json_t *a, json_t **res, char *err)
{
    const char *sig = json_string_value(json_object_get(a, "signal"));
    enum proc_stop how = PROC_STOP_TERM;
    (void)step;

    if (sig != NULL && strcmp(sig, "KILL") == 0)
        how = PROC_STOP_KILL;
    else if (sig != NULL && strcmp(sig, "ctl") == 0)
        how = PROC_STOP_CTL;
    if (proc_node_stop(r, n, how, 10000, err) == -1)
        *res = step_local_result(0, err);
    else
        *res = step_local_result(1, NULL);
    return 0;
}

/* Start a stopped (or not yet started) node: its config written again, with the step's "config"
 * merged in when given; waited for until ready unless "wait" is false. A node that cannot start
 * is a result with the error (a bad config's "FILE: field: reason"), for "expect" to judge. */
int
act_start(struct run *r, struct run_node *n, json_t *step, json_t *a, json_t **res, char *err)
{
    json_t *wait = json_object_get(a, "wait");
    (void)step;

    if (n->pid > 0 && !n->exited)
        return edge_err(err, "%s is running: stop it first", n->sn->name);
    if (conf_write_node(r, n, json_object_get(a, "config"), err) == -1)
        return -1;
    if (proc_node_start(r, n, !json_is_false(wait), err) == -1)
        *res = step_local_result(0, err);
    else
        *res = step_local_result(1, NULL);
    return 0;
}

/* freeze, thaw: SIGSTOP / SIGCONT. A frozen node's kernel still accepts connections into the
 * listen backlog, so it is a peer that never answers. */
int
act_freeze(struct run *r, struct run_node *n, json_t *step, json_t *a, json_t **res, char *err)
{
    int freeze = strcmp(json_string_value(json_object_get(step, "action")), "freeze") == 0;
    (void)r, (void)a;

    *res = step_local_result(proc_node_freeze(n, freeze, err) == 0, err);
    return 0;
}

/* The link as it is now, for what later steps measure against it (sim.c: a bound's RTT). */
static void
runner_link_now(struct run *r, json_t *a)
{
    struct scn_link *l = scn_link(r->scn, json_string_value(json_object_get(a, "link")));
    json_t *v;

    if ((v = json_object_get(a, "delay")) != NULL)
        scn_parse_delay(json_string_value(v), &l->delay_ms);
    if ((v = json_object_get(a, "jitter")) != NULL)
        scn_parse_delay(json_string_value(v), &l->jitter_ms);
    if ((v = json_object_get(a, "loss")) != NULL)
        l->loss = json_number_value(v);
    if ((v = json_object_get(a, "rate")) != NULL)
        l->rate = json_string_value(v);
}

int
act_link(struct run *r, struct run_node *n, json_t *step, json_t *a, json_t **res, char *err)
{
    int done = net_link(r, a, err);
    (void)n, (void)step;

    if (done == -1)
        return -1;
    *res = step_local_result(1, NULL);
    if (done == 0)
        json_object_set_new(*res, "skipped", json_string("loopback mode has no simulated links"));
    else
        runner_link_now(r, a);
    return 0;
}

/* The wall-clock instant a token or registration expires, in ms since the epoch. */
static int
runner_expiry(struct run *r, json_t *a, const char *name, long long *at_ms, char *err)
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
runner_wait_until(long long at_ms, char *err)
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
act_wait(struct run *r, struct run_node *n, json_t *step, json_t *a, json_t **res, char *err)
{
    long long at = 0, margin = runner_skew_ms(r);
    (void)n;

    if (json_object_get(a, "marginMs") != NULL)
        margin = json_integer_value(json_object_get(a, "marginMs"));
    if (runner_expiry(r, a, json_string_value(json_object_get(step, "name")), &at, err) == -1 ||
        runner_wait_until(at + margin, err) == -1)
        return -1;
    *res = step_local_result(1, NULL);
    return 0;
}

/* The index of the step named name, or -1. */
static int
runner_step_index(struct run *r, const char *name)
{
    json_t *s;
    size_t i;

    json_array_foreach(r->scn->steps, i, s)
    {
        if (name != NULL && strcmp(json_string_value(json_object_get(s, "name")), name) == 0)
            return (int)i;
    }
    return -1;
}

/* An unsolicited control event of the node (one already received since the previous step, or
 * the next one within timeoutMs), or count events of its event log matching a pattern written
 * since the previous step (or the step "since") began. */
/* await {notification, api}: the node's notification endpoint accepted a notification whose
 * body matches (its event log's "notify" line, notify.h); the result's body is that
 * notification, for expect's body and schema. */
static int
act_await_notification(struct run *r, struct run_node *n, json_t *a, int to, json_t **res)
{
    const char *api = json_string_value(json_object_get(a, "api"));
    json_t *body = subst_value(r, json_object_get(a, "notification")), *e, *pattern;
    json_int_t count = json_integer_value(json_object_get(a, "count"));
    int since = runner_step_index(r, json_string_value(json_object_get(a, "since")));
    char why[EDGE_ERR_LEN];

    pattern = json_pack("{s:s, s:s, s:{s:s, s:o}}", "kind", "notify", "dir", "in", "data",
                        "verdict", "accepted", "body", body);
    if (api != NULL)
        json_object_set_new(json_object_get(pattern, "data"), "api", json_string(api));
    e = logwait_events(n, since >= 0 ? since : r->step_index - 1, pattern,
                       count > 0 ? (size_t)count : 1, to, why);
    json_decref(pattern);
    *res = step_local_result(e != NULL, why);
    if (e != NULL) {
        json_t *last = json_array_get(e, json_array_size(e) - 1);
        json_object_set(*res, "body", json_object_get(json_object_get(last, "data"), "body"));
        json_object_set(*res, "from", json_object_get(last, "peer"));
        json_object_set_new(*res, "events", e);
        act_http_shapes(*res); /* a ServProvNotification's tokens and eess, as a provisioning's */
    }
    return 0;
}

int
act_await(struct run *r, struct run_node *n, json_t *step, json_t *a, json_t **res, char *err)
{
    const char *name = json_string_value(json_object_get(a, "event"));
    json_t *pattern = json_object_get(a, "logged"), *e;
    int to = json_object_get(a, "timeoutMs")
                 ? (int)json_integer_value(json_object_get(a, "timeoutMs"))
                 : r->timeout_ms;
    char why[EDGE_ERR_LEN];
    (void)step;

    if (json_object_get(a, "notification") != NULL)
        return act_await_notification(r, n, a, to, res);
    if (pattern != NULL) {
        json_t *sp = subst_value(r, pattern);
        json_int_t count = json_integer_value(json_object_get(a, "count"));
        int since = runner_step_index(r, json_string_value(json_object_get(a, "since")));
        e = logwait_events(n, since >= 0 ? since : r->step_index - 1, sp,
                           count > 0 ? (size_t)count : 1, to, why);
        json_decref(sp);
        *res = step_local_result(e != NULL, why);
        if (e != NULL)
            json_object_set_new(*res, "events", e);
        return 0;
    }
    if (n->cc == NULL)
        return edge_err(err, "%s is not running", n->sn->name);
    step_collect_events(r);
    if ((e = step_seen_event(r, n, name)) == NULL &&
        (e = ctl_client_wait_event(n->cc, name, to, why)) == NULL) {
        *res = step_local_result(0, why);
    } else {
        *res = step_local_result(1, NULL);
        json_object_set_new(*res, "event", e);
    }
    return 0;
}

/* The answer of an asynchronous step (async.h), judged by this step's expect. */
int
act_reply(struct run *r, struct run_node *n, json_t *step, json_t *a, json_t **res, char *err)
{
    const char *of = json_string_value(json_object_get(a, "step"));
    json_t *reply = async_reply(r, of, err), *s;
    size_t i;
    (void)n, (void)step;

    if (reply == NULL) {
        *res = json_pack("{s:i, s:n, s:n, s:s}", "status", 0, "body", "problem", "error", err);
        return 0;
    }
    *res = step_reply_result(reply);
    json_decref(reply);
    json_array_foreach(r->scn->steps, i, s)
    {
        if (strcmp(json_string_value(json_object_get(s, "name")), of) == 0 &&
            strcmp(json_string_value(json_object_get(s, "action")), "http") == 0)
            act_http_shapes(*res);
    }
    return 0;
}
