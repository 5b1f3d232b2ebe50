/* act_node.c -- the actions that are a node's control command (nodes/README.md "Control
 * commands"): provision, register, update, deregister, discover, relocate, request_token, call,
 * and the listings (registrations, registration, contexts, rotate).
 *
 * Each turns the step's args into the command's: node names become FQDNs / EEC IDs, token
 * references become JWTs, {"from": STEP} the value an earlier step's result holds. */
#include "action.h"

#include "step.h"
#include "subst.h"

#include <string.h>

/* Copy args[key] into out when present. */
static void
node_pass(json_t *out, json_t *args, const char *key)
{
    json_t *v = json_object_get(args, key);

    if (v != NULL)
        json_object_set(out, key, v);
}

/* out[key] = the FQDN / EEC ID of the node that args[from] names. */
static void
node_id(struct run *r, json_t *out, const char *key, json_t *args, const char *from)
{
    json_t *v = json_object_get(args, from);

    if (v != NULL)
        json_object_set_new(out, key, json_string(step_id(r, v)));
}

/* out["token"] = the JWT the step's token argument names (absent: the node's default). */
static int
node_token(struct run *r, json_t *step, json_t *out, json_t *args, char *err)
{
    json_t *t = json_object_get(args, "token"), *jwt;

    if (t == NULL)
        return 0;
    jwt = step_token_arg(r, t, json_string_value(json_object_get(step, "name")), err);
    if (jwt == NULL)
        return -1;
    json_object_set_new(out, "token", jwt);
    return 0;
}

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
act_provision(struct run *r, struct run_node *n, json_t *step, json_t *a, json_t **res, char *err)
{
    json_t *out = json_object();

    node_pass(out, a, "acProfs");
    node_pass(out, a, "ueId");
    node_pass(out, a, "locInf");
    return node_send(r, n, step, "provision", out, res, err);
}

int
act_register(struct run *r, struct run_node *n, json_t *step, json_t *a, json_t **res, char *err)
{
    json_t *out = json_object();

    node_id(r, out, "ees", a, "ees");
    if (node_token(r, step, out, a, err) == -1) {
        json_decref(out);
        return -1;
    }
    node_pass(out, a, "ueId");
    if (json_object_get(a, "eecCntxId") != NULL)
        json_object_set_new(out, "eecCntxId", node_cntx(r, json_object_get(a, "eecCntxId")));
    node_id(r, out, "srcEesId", a, "srcEes");
    node_pass(out, a, "acProfs");
    return node_send(r, n, step, "register", out, res, err);
}

/* update, deregister: the command is the action's name, at the EES named. */
int
act_at_ees(struct run *r, struct run_node *n, json_t *step, json_t *a, json_t **res, char *err)
{
    json_t *out = json_object();

    node_id(r, out, "ees", a, "ees");
    return node_send(r, n, step, json_string_value(json_object_get(step, "action")), out, res, err);
}

int
act_discover_eas(struct run *r, struct run_node *n, json_t *step, json_t *a, json_t **res,
                 char *err)
{
    json_t *out = json_object();

    node_id(r, out, "ees", a, "ees");
    node_pass(out, a, "easIds");
    return node_send(r, n, step, "discover", out, res, err);
}

int
act_discover_target(struct run *r, struct run_node *n, json_t *step, json_t *a, json_t **res,
                    char *err)
{
    json_t *out = json_object();

    node_pass(out, a, "easId");
    node_pass(out, a, "ueId");
    return node_send(r, n, step, "discover_target", out, res, err);
}

int
act_relocate(struct run *r, struct run_node *n, json_t *step, json_t *a, json_t **res, char *err)
{
    json_t *out = json_object();

    node_id(r, out, "ees", a, "ees");
    node_id(r, out, "tEes", a, "tEes");
    node_pass(out, a, "acId");
    node_pass(out, a, "easId");
    node_pass(out, a, "tEasEndpoint");
    return node_send(r, n, step, "relocate", out, res, err);
}

int
act_request_token(struct run *r, struct run_node *n, json_t *step, json_t *a, json_t **res,
                  char *err)
{
    json_t *out = json_object();

    node_id(r, out, "target", a, "target");
    node_pass(out, a, "scope");
    node_id(r, out, "eecId", a, "eec");
    return node_send(r, n, step, "request_token", out, res, err);
}

/* An EDGE-9 call: "push" to or "pull" from the peer EES. */
int
act_call(struct run *r, struct run_node *n, json_t *step, json_t *a, json_t **res, char *err)
{
    int push = strcmp(json_string_value(json_object_get(a, "api")), "push") == 0;
    json_t *out = json_object();

    node_id(r, out, push ? "target" : "source", a, "peer");
    json_object_set_new(out, "eecCntxId", node_cntx(r, json_object_get(a, "eecCntxId")));
    if (node_token(r, step, out, a, err) == -1) {
        json_decref(out);
        return -1;
    }
    return node_send(r, n, step, push ? "push" : "pull", out, res, err);
}

/* registrations, registration, contexts, rotate: the command is the action, the args as given. */
int
act_plain(struct run *r, struct run_node *n, json_t *step, json_t *a, json_t **res, char *err)
{
    json_t *out = a != NULL ? json_deep_copy(a) : json_object();

    return node_send(r, n, step, json_string_value(json_object_get(step, "action")), out, res, err);
}

/* "ctl": a control command as it is (references replaced), for what no other action says: a
 * command's refusal of bad arguments, a built-in such as "status". */
int
act_ctl(struct run *r, struct run_node *n, json_t *step, json_t *a, json_t **res, char *err)
{
    json_t *sa = subst_value(r, a), *args = json_object_get(sa, "args");
    int rc;

    args = args != NULL ? json_incref(args) : json_object();
    rc = step_node_call(r, n, step, json_string_value(json_object_get(sa, "cmd")), args, res, err);
    json_decref(args);
    json_decref(sa);
    return rc;
}
