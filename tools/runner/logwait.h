/* logwait.h -- waiting for a node's event log to show something (logwait.c). */
#ifndef RUN_LOGWAIT_H
#define RUN_LOGWAIT_H

#include "run.h"

/* At a step's start (r->step_index): note how far each node's event log goes. */
void logwait_mark(struct run *r);
void logwait_free(struct run *r);
/* The events of the event log at path from offset from on that match pattern (NULL: all), in
 * order: a new array, empty when there is none (yet). */
json_t *logwait_read(const char *path, off_t from, json_t *pattern);
/* Wait up to timeout_ms until node n's event log holds count events matching pattern written
 * since step number since began. Returns them (a new array), or NULL with err. */
json_t *logwait_events(struct run_node *n, int since, json_t *pattern, size_t count, int timeout_ms,
                       char *err);

#endif
