/* exp_log.c -- the expectations on a node's event log (common/base/evlog.h), each event given as a
 * pattern (match.h) of one event line:
 *   "logged": {"ecs1": [{"kind": "forward", "data": {"from": "${ecs1}", "hop": 1}}]}
 * each pattern matches some event of the log once the step is done, and
 *   "notLogged": {"ees2": [{"dir": "out", "path": "/oauth2/jwks"}]}
 * no event the node wrote during the step (from the step's start to its answer) matches any
 * pattern: what must not happen, e.g. no JWKS fetch for a foreign token (issue 10). A node writes
 * an event before it answers, so the log is read when the step's answer came. */
#include "exp_int.h"

#include "base/err.h"
#include "ctlpoll.h"
#include "logwait.h"
#include "match.h"
#include "values.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Schema: node name -> non-empty array of objects whose "~RE" patterns compile. */
int
exp_logged_keys(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    const char *k;
    json_t *list, *p;
    size_t i;
    char e[EDGE_ERR_LEN];
    (void)f;

    json_object_foreach(v, k, list)
    {
        json_t *name = json_string(k);
        int bad = val_node_ref(name, NULL, ctx, why);
        json_decref(name);
        if (bad == -1)
            return -1;
        if (!json_is_array(list) || json_array_size(list) == 0)
            return edge_err(why, "%s: expected a non-empty array of event patterns", k);
        json_array_foreach(list, i, p)
        {
            if (!json_is_object(p))
                return edge_err(why, "%s[%zu]: expected object, got %s", k, i, js_type_name(p));
            if (match_check(p, e, sizeof(e)) == -1)
                return edge_err(why, "%s[%zu]: %s", k, i, e);
        }
    }
    return 0;
}

/* "logged" (absent 0): each pattern matches some event of the node's whole log; "notLogged"
 * (absent 1): no pattern matches an event written since the step began. */
static void
exp_log_judge(struct exp_ctx *x, json_t *want, int absent)
{
    const char *k;
    json_t *list, *p, *ev;
    size_t i, j;
    char why[1024], shown[512];

    json_object_foreach(want, k, list)
    {
        struct run_node *n = run_node(x->r, k);
        off_t from = absent && n->log_marks != NULL && x->r->step_index >= 0
                         ? n->log_marks[x->r->step_index]
                         : 0;
        /* A node may log what it did after the answer that ended the step has left (a server
         * sends its TLS alert, then logs the failed handshake): let it finish first. A node that
         * cannot answer (stopped on purpose) has logged all it will. */
        (void)poll_settle(x->r, n, why);
        json_t *events = logwait_read(n->evlog, from, NULL);
        json_array_foreach(list, i, p)
        {
            json_t *hit = NULL;
            json_array_foreach(events, j, ev)
            {
                if (hit == NULL && match_value(p, ev, "", why, sizeof(why)))
                    hit = ev;
            }
            if (!absent && hit == NULL)
                exp_fail(x->fails, "logged.%s: no event matching %s among its %zu", k,
                         match_show(p, shown, sizeof(shown)), json_array_size(events));
            else if (absent && hit != NULL)
                exp_fail(x->fails, "notLogged.%s: an event during the step matches %s: %s", k,
                         match_show(p, shown, sizeof(shown)),
                         json_string_value(json_object_get(hit, "summary")) != NULL
                             ? json_string_value(json_object_get(hit, "summary"))
                             : "(no summary)");
        }
        json_decref(events);
    }
}

void
exp_logged(struct exp_ctx *x, json_t *want)
{
    exp_log_judge(x, want, 0);
}

void
exp_not_logged(struct exp_ctx *x, json_t *want)
{
    exp_log_judge(x, want, 1);
}
