/* watch.h -- what `--step` and `--keep` show a person who watches a run (watch.c). */
#ifndef RUN_WATCH_H
#define RUN_WATCH_H

#include "run.h"

/* Say what and wait for Enter (or the end of stdin). */
void watch_pause(const char *who, const char *what);
/* TAP mode, --step or --keep: once the network is up and before any node starts, the commands
 * that capture each node's traffic live and decrypted; --step then waits for Enter. */
void watch_capture(struct run *r);
/* --step: the messages step i (named name) caused, as the nodes logged them, and the claims of
 * the tokens it got. */
void watch_step(struct run *r, int i, const char *name);

#endif
