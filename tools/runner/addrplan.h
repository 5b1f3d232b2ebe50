/* addrplan.h -- TAP mode's addresses: a subnet of 198.18.0.0/15 per link, sized for the routers
 * and nodes on it (DESIGN.md "Network").
 *
 * Link after link, in file order, each takes the next free block of its size, aligned to it, from
 * 198.18.1.0 on: a /24 unless its nodes need more, so a topology whose links each hold at most 240
 * nodes keeps the addresses it always had (link i: 198.18.i.0/24). In a subnet, router k of the
 * topology is .k+1 (on every link it joins), the nodes follow from .10 (or right after the last
 * router), and the last address is the broadcast. */
#ifndef RUN_ADDRPLAN_H
#define RUN_ADDRPLAN_H

#include <stddef.h>

#include "scenario.h"

/* Give every link of s its subnet (scn_link net, plen, first). -1 with err when 198.18.0.0/15
 * cannot hold them: the link, what it needs, and where the links before it ended. Runs when the
 * scenario loads, so `edge-run check` refuses such a topology. */
int addr_plan(struct scn *s, char *err);
/* Router number k (0-based, in topology order) on link l, without the prefix: "198.18.1.1". */
void addr_router(const struct scn_link *l, int k, char *buf, size_t len);
/* The j-th node (0-based) on link l: "198.18.1.10". */
void addr_node(const struct scn_link *l, size_t j, char *buf, size_t len);

#endif
