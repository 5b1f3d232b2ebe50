/* action.h -- the step actions of a scenario, as one table: name, node kinds, args schema, exec.
 *
 * Loading checks a step against its row (scenario.c calls act_check_step()); running a step
 * calls its row's exec (step.c). Exec functions live by family: act_node.c (a node's control
 * command), act_runner.c (what the runner does itself), act_http.c (an HTTP request sent as a
 * node). scenarios/README.md documents every row. */
#ifndef RUN_ACTION_H
#define RUN_ACTION_H

#include "run.h"
#include "values.h"

/* Carry out a step at node n (NULL for an action at no node); args is the step's "args" (may be
 * NULL). *result gets the outcome (the node result shape of nodes/README.md). -1 only when the
 * step could not be carried out at all (err says why); a refusal is a result. */
typedef int (*act_exec_fn)(struct run *r, struct run_node *n, json_t *step, json_t *args,
                           json_t **result, char *err);

#define ACT_K(kind) (1u << (kind))
#define ACT_ANY                                                                                    \
    (ACT_K(SCN_ECS) | ACT_K(SCN_EES) | ACT_K(SCN_EEC) | ACT_K(SCN_EAS) | ACT_K(SCN_AANF) |         \
     ACT_K(SCN_BSF))
#define ACT_NO_EXPECT 1u /* a runner act: passes when done, "expect" optional */

/* How a step's arg becomes an arg of the node's control command (act_node). */
enum act_arg_how {
    ACT_ARG_PASS = 0, /* as it is */
    ACT_ARG_ID,       /* a node name: its FQDN / EEC ID */
    ACT_ARG_CNTX,     /* an eecCntxId, or {"from": STEP}: the one that step's result holds */
    ACT_ARG_TOKEN,    /* a keyword, or a token reference: the JWT (forged when asked) */
    ACT_ARG_SUBID,    /* a subscription ID, or {"from": STEP}: the subId that step's result holds */
};

struct act_arg {
    const char *out; /* the command's arg */
    const char *in;  /* the step's arg; NULL: the same name */
    enum act_arg_how how;
};

struct act {
    const char *name;
    unsigned kinds; /* ACT_K() bits of the node kinds it acts at; 0: at no node */
    unsigned flags;
    const struct js_field *args;
    act_exec_fn exec;
    /* A rule across args the table cannot say (NULL: none); err without the path. c->node is
     * the node the step acts at (NULL: none). */
    int (*check)(struct scn_ctx *c, json_t *args, char *err);
    /* act_node: the control command (NULL: the action's name) and its args from the step's. */
    const char *cmd;
    const struct act_arg *map;
};

/* The row of name for a node of kind k (k < 0: an action at no node), or NULL. */
const struct act *act_find(const char *name, int k);
/* Check step number i (its keys, node, action, args and expect), name it "stepN" when unnamed,
 * and add it to c->seen_steps. */
int act_check_step(struct scn_ctx *c, json_t *step, size_t i, char *err);

/* act_node.c: a control command of the node, its args by the row's map; call (push or pull);
 * ctl (a command as it is). */
int act_node(struct run *r, struct run_node *n, json_t *step, json_t *a, json_t **res, char *err);
int act_call(struct run *r, struct run_node *n, json_t *step, json_t *a, json_t **res, char *err);
int act_ctl(struct run *r, struct run_node *n, json_t *step, json_t *a, json_t **res, char *err);
/* rotate: with "new", the runner first makes the ECS a signing key of that kid (edge_pki). */
int act_rotate(struct run *r, struct run_node *n, json_t *step, json_t *a, json_t **res, char *err);
/* act_http.c: an HTTPS request sent as the node. */
int act_http(struct run *r, struct run_node *n, json_t *step, json_t *a, json_t **res, char *err);
/* What a known answer shape gives an http step's result (token, tokens, eess, locationId). */
void act_http_shapes(json_t *res);

/* act_population.c: provision_all, register_all, relocate_all over an EEC's UE population. */
extern const struct js_field act_pop_args[];
int act_pop_check(struct scn_ctx *c, json_t *args, char *err);
int act_population(struct run *r, struct run_node *n, json_t *step, json_t *a, json_t **res,
                   char *err);

/* act_runner.c: the runner's own acts. */
int act_stop(struct run *r, struct run_node *n, json_t *step, json_t *a, json_t **res, char *err);
int act_start(struct run *r, struct run_node *n, json_t *step, json_t *a, json_t **res, char *err);
int act_link(struct run *r, struct run_node *n, json_t *step, json_t *a, json_t **res, char *err);
int act_wait(struct run *r, struct run_node *n, json_t *step, json_t *a, json_t **res, char *err);
int act_await(struct run *r, struct run_node *n, json_t *step, json_t *a, json_t **res, char *err);
int act_freeze(struct run *r, struct run_node *n, json_t *step, json_t *a, json_t **res, char *err);
int act_reply(struct run *r, struct run_node *n, json_t *step, json_t *a, json_t **res, char *err);

#endif
