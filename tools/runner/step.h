/* step.h -- carries out one scenario step (its row of the action table, action.h), and what the
 * actions share: references resolved, tokens recorded, a node's control command sent. */
#ifndef RUN_STEP_H
#define RUN_STEP_H

#include "run.h"

/* Run step; *result gets the outcome object (the node's result shape of
 * nodes/README.md, plus "elapsed_ms" measured by the runner). -1 only when
 * the step could not be carried out at all (err says why); a protocol
 * failure is a result, judged by expect.c. */
int step_exec(struct run *r, json_t *step, json_t **result, char *err);
/* The FQDN / EEC ID of a node named by name (a string value), or the string itself. */
const char *step_id(struct run *r, json_t *name);
/* The JWT a token argument names: a keyword passes through; {"from": ...} is looked up (and
 * forged when asked, recorded under step). Returns a new string value, or NULL with err. */
json_t *step_token_arg(struct run *r, json_t *ref, const char *step, char *err);
/* The outcome of a runner act: done, or not with the sentence error. */
json_t *step_local_result(int ok, const char *error);
/* A control reply as a step result: its "result", or an error result with "ctlError". */
json_t *step_reply_result(json_t *reply);
/* Send control command cmd with args to node n (recorded as the step's "sent"); the reply's
 * result, or an error result with "ctlError", in *result. -1 when n does not answer at all. A
 * step with "async": true is only sent (async.h): its result says "pending". */
int step_node_call(struct run *r, struct run_node *n, json_t *step, const char *cmd, json_t *args,
                   json_t **result, char *err);
/* An unsolicited event named name of node n that came while the previous step or this one ran
 * and no step used yet (marked used), or NULL. */
json_t *step_seen_event(struct run *r, struct run_node *n, const char *name);
/* Collect unsolicited "token" events of every node into r->tokens. */
void step_collect_events(struct run *r);
/* Forget the events no step can await any more (step_seen_event looks back one step only), so
 * a run of many steps or a long --keep does not hold every event it saw; called as each step
 * begins, and with steps_done once the steps are over (then none is kept). */
void step_forget_events(struct run *r, int steps_done);
/* Record a token seen in a result (step name, how it was obtained): tokstore.h. */
void step_record_token(struct run *r, const char *jwt, const char *step, const char *how);
/* The run's token store (r->toks) over r->tokens, with the ECSes of the run as signers; -1 when
 * out of memory. step_tokens_free frees it (and the public keys it parsed) at the run's end. */
int step_tokens_new(struct run *r);
void step_tokens_free(struct run *r);

#endif
