/* step.h -- carries out one scenario step: the node's control command, or the runner's own act
 * (stop/start a node, change a link, wait for an expiry instant, wait for an event). */
#ifndef RUN_STEP_H
#define RUN_STEP_H

#include "run.h"

/* Run step; *result gets the outcome object (the node's result shape of
 * nodes/README.md, plus "elapsed_ms" measured by the runner). -1 only when
 * the step could not be carried out at all (err says why); a protocol
 * failure is a result, judged by expect.c. */
int step_exec(struct run *r, json_t *step, json_t **result, char *err);
/* Copy of v with "${node}" replaced by the node's FQDN / EEC ID and
 * "${node.gpsi}" by its GPSI, in every string. */
json_t *step_subst(struct run *r, json_t *v);
/* Collect unsolicited "token" events of every node into r->tokens. */
void step_collect_events(struct run *r);
/* Record a token seen in a result (step name, how it was obtained). */
void step_record_token(struct run *r, const char *jwt, const char *step, const char *how);

#endif
