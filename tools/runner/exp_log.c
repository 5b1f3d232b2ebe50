/* exp_log.c -- the expectation "logged": events a node's event log (common/base/evlog.h) must hold
 * once the step is done, each given as a pattern (match.h) of one event line, e.g.
 *   "logged": {"ecs1": [{"kind": "forward", "data": {"from": "${ecs1}", "hop": 1}}]}
 * A node writes an event before it answers, so the log is read when the step's answer came. */
#include "exp_int.h"

#include "base/err.h"
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

void
exp_logged(struct exp_ctx *x, json_t *want)
{
    const char *k;
    json_t *list, *p, *ev;
    size_t i, j;
    char why[1024], shown[512];

    json_object_foreach(want, k, list)
    {
        struct run_node *n = run_node(x->r, k);
        json_t *events = logwait_read(n->evlog, 0, NULL);
        json_array_foreach(list, i, p)
        {
            int found = 0;
            json_array_foreach(events, j, ev)
            {
                if (match_value(p, ev, "", why, sizeof(why)))
                    found = 1;
                if (found)
                    break;
            }
            if (!found)
                exp_fail(x->fails, "logged.%s: no event matching %s among its %zu", k,
                         match_show(p, shown, sizeof(shown)), json_array_size(events));
        }
        json_decref(events);
    }
}
