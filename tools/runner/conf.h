/* conf.h -- the run's plan: names, addresses and files of each node, and its generated config.
 *
 * Addresses: TAP mode gives each link its subnet of 198.18.0.0/15 (addrplan.h: link i
 * 198.18.<i+1>.0/24 while each link holds at most 240 nodes; routers .1, .2, ..., nodes from .10)
 * and every server port 443; loopback mode gives each node its own 127.x.y.z address and port
 * (x.y from the run id; past 246 nodes the port alone tells nodes apart).
 * Configs follow nodes/README.md (common keys, then the node's own). */
#ifndef RUN_CONF_H
#define RUN_CONF_H

#include "run.h"

/* Fill every run_node's names, addresses and paths. */
int conf_plan(struct run *r, char *err);
/* Write every node's config file (credentials must exist). */
int conf_write(struct run *r, char *err);
/* Write node n's config file: what the scenario makes of its section, then its "config" (keys
 * passed as they are, but for the references of subst.h in their strings), then extra (may be
 * NULL) merged in the same way (objects merge, null removes). */
int conf_write_node(struct run *r, struct run_node *n, json_t *extra, char *err);

#endif
