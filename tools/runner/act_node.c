/* act_node.c -- the actions that are a node's control command (nodes/README.md "Control
 * commands"): the command and how its args come from the step's are in the action's row
 * (action.c); call (push or pull) and ctl (a command as it is) have their own.
 *
 * Node names of a step become FQDNs / EEC IDs, token references JWTs, {"from": STEP} the value an
 * earlier step's result holds. */
#include "action.h"

#include "base/err.h"
#include "pki.h"
#include "step.h"
#include "subst.h"

#include <string.h>

/* eecCntxId: a literal, or the one an earlier step's result holds. */
static json_t *
node_cntx(struct run *r, json_t *v)
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

/* out[m->out] from the step's arg, as m says; 0 when absent. */
static int
node_arg(struct run *r, json_t *step, const struct act_arg *m, json_t *a, json_t *out, char *err)
{
    json_t *v = json_object_get(a, m->in != NULL ? m->in : m->out), *c = NULL;

    if (v == NULL)
        return 0;
    switch (m->how) {
    case ACT_ARG_ID:
        c = json_string(step_id(r, v));
        break;
    case ACT_ARG_CNTX:
        c = node_cntx(r, v);
        break;
    case ACT_ARG_SUBID:
        c = json_is_object(v)
                ? json_incref(json_object_get(
                      json_object_get(r->results, json_string_value(json_object_get(v, "from"))),
                      "subId"))
                : json_incref(v);
        if (c == NULL)
            c = json_string("");
        break;
    case ACT_ARG_TOKEN:
        if ((c = step_token_arg(r, v, json_string_value(json_object_get(step, "name")), err)) ==
            NULL)
            return -1;
        break;
    default:
        c = json_incref(v);
    }
    return json_object_set_new(out, m->out, c) == 0 ? 0 : edge_err(err, "out of memory");
}

/* Send cmd with out (stolen) and hand back the result. */
static int
node_send(struct run *r, struct run_node *n, json_t *step, const char *cmd, json_t *out,
          json_t **res, char *err)
{
    int rc = step_node_call(r, n, step, cmd, out, res, err);

    json_decref(out);
    return rc;
}

int
act_node(struct run *r, struct run_node *n, json_t *step, json_t *a, json_t **res, char *err)
{
    const char *name = json_string_value(json_object_get(step, "action"));
    const struct act *row = act_find(name, (int)n->sn->kind);
    json_t *out = json_object(), *sa = subst_value(r, a); /* ${...} in any arg */
    int rc;

    for (const struct act_arg *m = row->map; m->out != NULL; m++)
        if (node_arg(r, step, m, sa, out, err) == -1) {
            json_decref(out);
            json_decref(sa);
            return -1;
        }
    rc = node_send(r, n, step, row->cmd != NULL ? row->cmd : name, out, res, err);
    json_decref(sa);
    return rc;
}

/* An EDGE-9 call: "push" to (target) or "pull" from (source) the peer EES. */
int
act_call(struct run *r, struct run_node *n, json_t *step, json_t *a, json_t **res, char *err)
{
    int push = strcmp(json_string_value(json_object_get(a, "api")), "push") == 0;
    const struct act_arg map[] = {
        {.out = push ? "target" : "source", .in = "peer", .how = ACT_ARG_ID},
        {.out = "eecCntxId", .how = ACT_ARG_CNTX},
        {.out = "token", .how = ACT_ARG_TOKEN},
        {.out = NULL},
    };
    json_t *out = json_object();

    for (const struct act_arg *m = map; m->out != NULL; m++)
        if (node_arg(r, step, m, a, out, err) == -1) {
            json_decref(out);
            return -1;
        }
    return node_send(r, n, step, push ? "push" : "pull", out, res, err);
}

/* "ctl": a control command as it is (references replaced), for what no other action says: a
 * command's refusal of bad arguments, a built-in such as "status". */
int
act_ctl(struct run *r, struct run_node *n, json_t *step, json_t *a, json_t **res, char *err)
{
    json_t *sa = subst_value(r, a), *args = json_object_get(sa, "args");
    int rc;

    args = args != NULL ? json_incref(args) : json_object();
    rc = node_send(r, n, step, json_string_value(json_object_get(sa, "cmd")), args, res, err);
    json_decref(sa);
    return rc;
}

/* rotate {kid, new}: with new, a signing key made now in the run's pki/ (as edge-pki signkey
 * would), which the ECS reads from its signing.dir when told to rotate to it. No EES has its
 * public key yet, so the first token it signs makes each EES reload its ECS's JWKS. */
int
act_rotate(struct run *r, struct run_node *n, json_t *step, json_t *a, json_t **res, char *err)
{
    const char *kid = json_string_value(json_object_get(a, "kid"));
    char why[EDGE_ERR_LEN];

    if (json_is_true(json_object_get(a, "new")) &&
        pki_make_signkey(r->pkidir, n->sn->id, kid, 0, why) == -1) {
        *res = step_local_result(0, why);
        return 0;
    }
    return act_node(r, n, step, a, res, err);
}
