/* async.h -- steps in flight while later steps run (async.c). */
#ifndef RUN_ASYNC_H
#define RUN_ASYNC_H

#include "run.h"

/* Send control command cmd with args to node n over a new connection, and wait for the reply in
 * a thread; step names it for async_reply(). */
int async_send(struct run *r, struct run_node *n, const char *step, const char *cmd, json_t *args,
               char *err);
/* Wait for the reply of the asynchronous step (a new reference), or NULL with err (the sentence
 * of the wait: "connection closed by the node", a timeout). */
json_t *async_reply(struct run *r, const char *step, char *err);
/* Wait for every thread still out (their nodes are stopped, so their connections end) and free. */
void async_end_all(struct run *r);

#endif
