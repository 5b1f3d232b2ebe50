/* ctlpoll.h -- one poll() over every node's control socket (ctlpoll.c). */
#ifndef RUN_CTLPOLL_H
#define RUN_CTLPOLL_H

#include <jansson.h>

#include "run.h"

/* Read what every control socket holds now (no wait); the events are then queued per node. */
void poll_drain(struct run *r);
/* Send cmd to n and wait up to timeout_ms for its reply, reading every other node's events
 * meanwhile (step_collect_events) and noticing a node that died. -1 with why. */
int poll_call(struct run *r, struct run_node *n, const char *cmd, json_t *args, int timeout_ms,
              json_t **reply, char *why);
/* --keep: wait for Enter on stdin while draining the nodes' events. */
void poll_keep(struct run *r);
/* Wait until node n has done all it was doing when this is called: a status call, answered once
 * the node's loop round in progress is over, so the lines it logged there are written and the
 * events it sent are read (nothing to do for a node frozen or without a socket). */
int poll_settle(struct run *r, struct run_node *n, char *why);

#endif
