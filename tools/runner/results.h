/* results.h -- the folder a run leaves (DESIGN.md "Scenarios"): summary.json, events.jsonl,
 * per-node logs, tokens/, pcaps with their TLS secrets, keylog.txt and report.html. */
#ifndef RUN_RESULTS_H
#define RUN_RESULTS_H

#include "run.h"

/* Empty what an earlier run left in r->out (only the runner's own entries)
 * and make the folders. */
int res_prepare(struct run *r, char *err);
/* Merge the nodes' event logs by t_mono into out/events.jsonl; returns the
 * events as an array (new reference; empty when there are none). */
json_t *res_events(struct run *r);
/* Write tokens/ (each token as .jwt and decoded .json with issuer and the
 * verdicts of the nodes that judged it, from ctl events and the event log). */
void res_tokens(struct run *r, json_t *events);
/* For each link pcap: a pcapng with the key log embedded (editcap). Returns
 * the array of {link, pcap, pcapng}. */
json_t *res_pcaps(struct run *r);

#endif
