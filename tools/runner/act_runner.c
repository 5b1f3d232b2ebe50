/* act_runner.c -- the actions the runner does itself: stop, start, link, wait_until_expired,
 * await. None sends a protocol message; each passes when it could be done. */
#include "action.h"

#include "base/err.h"
#include "base/json_strict.h"
#include "auth/token_validate.h"
#include "ctl/ctl_client.h"
#include "net.h"
#include "proc.h"
#include "step.h"
#include "tok.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>

/* Past exp a validator still accepts a token for TOKEN_SKEW seconds
 * (common/auth/token_validate.h); the wait ends one second after that. */
#define RUNNER_SKEW_MS ((TOKEN_SKEW + 1) * 1000LL)

int
act_stop(struct run *r, struct run_node *n, json_t *step, json_t *a, json_t **res, char *err)
{
    const char *sig = json_string_value(json_object_get(a, "signal"));
    int s = sig != NULL && strcmp(sig, "KILL") == 0 ? SIGKILL : SIGTERM;
    (void)step;

    if (proc_node_stop(r, n, s, 10000, err) == -1)
        *res = step_local_result(0, err);
    else
        *res = step_local_result(1, NULL);
    return 0;
}

int
act_start(struct run *r, struct run_node *n, json_t *step, json_t *a, json_t **res, char *err)
{
    (void)step, (void)a;
    if (proc_node_start(r, n, err) == -1)
        return -1;
    *res = step_local_result(1, NULL);
    return 0;
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
    long long at = 0, margin = RUNNER_SKEW_MS;
    (void)n;

    if (json_object_get(a, "marginMs") != NULL)
        margin = json_integer_value(json_object_get(a, "marginMs"));
    if (runner_expiry(r, a, json_string_value(json_object_get(step, "name")), &at, err) == -1 ||
        runner_wait_until(at + margin, err) == -1)
        return -1;
    *res = step_local_result(1, NULL);
    return 0;
}

/* An unsolicited control event of the node: one already received since the previous step, or
 * the next one within timeoutMs. */
int
act_await(struct run *r, struct run_node *n, json_t *step, json_t *a, json_t **res, char *err)
{
    const char *name = json_string_value(json_object_get(a, "event"));
    int to = json_object_get(a, "timeoutMs")
                 ? (int)json_integer_value(json_object_get(a, "timeoutMs"))
                 : r->timeout_ms;
    char why[EDGE_ERR_LEN];
    json_t *e;
    (void)step;

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
