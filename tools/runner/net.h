/* net.h -- the run's network: TAP devices in per-node namespaces joined by edge-netsim (ns-3),
 * or plain loopback addresses when TAP networks cannot be made here (DESIGN.md "Network"). */
#ifndef RUN_NET_H
#define RUN_NET_H

#include "run.h"

struct hostnet_run;

/* Choose the mode: want "tap", "loopback" or NULL (tap when root, /dev/net/tun
 * and edge-netsim are there, and the machine can hold the run in TAP mode: runlimits.h).
 * Fills r->net and r->net_why. -1 when "tap" was asked and cannot be had, or the
 * machine cannot hold the run (err says why: exit 127, cannot run here). */
int net_choose(struct run *r, const char *want, char *err);
/* Make a fresh run id (HOSTNET_RUNID_LEN of [a-z0-9]) into r->id. */
void net_run_id(struct run *r);
/* TAP: namespaces, TAP devices, edge-netsim running and ready. Loopback: nothing. */
int net_setup(struct run *r, char *err);
/* The run's namespaces and processes (hostnet.h); NULL in loopback mode and after teardown. */
struct hostnet_run *net_hostnet(struct run *r);
/* A "link" step: change a link or drop frames (TAP mode only). 1 when done,
 * 0 when skipped (loopback has no simulated links), -1 on error. */
int net_link(struct run *r, json_t *args, char *err);
/* Stop edge-netsim (pcaps flushed) and remove namespaces and TAPs; safe to call twice. */
void net_teardown(struct run *r);
/* Free what net_setup() allocated (after net_teardown()). */
void net_free(struct run *r);
/* Names for summary.json: namespaces, interfaces, addresses, pcaps. */
json_t *net_summary(struct run *r);
/* The topology for summary.json and the report: links with rate, delay, jitter and loss, and the
 * routers with the links they join. */
json_t *net_topology(struct run *r);
/* pcap files written (TAP mode), as an array of {link, path}. */
json_t *net_pcaps(struct run *r);
/* `edge-run clean`: remove leftovers of dead runs. */
int net_clean(char *err);

#endif
