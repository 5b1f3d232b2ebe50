/* sim.h -- what a run simulates and what it does not (sim.c): the RTT the scenario gives its
 * links, the steps and scenarios that need TAP mode, and the account the run's verdict gives. */
#ifndef RUN_SIM_H
#define RUN_SIM_H

#include <stdio.h>

#include "run.h"

/* The RTT of links (a link name, or an array of the names on a path): 2 x the sum of their
 * one-way delays as the link is now (the topology's, or the last "link" step's), in *ms. Returns
 * 1 when the run simulates the links (TAP mode), 0 when it does not (loopback mode: no delay is
 * added, though *ms still says what the scenario configures). */
int sim_rtt(const struct run *r, json_t *links, double *ms);
/* "backhaul", or "site1+backhaul+site2" for a path. Into buf. */
const char *sim_links_name(json_t *links, char *buf, size_t len);
/* 1 when step must be skipped here: it (or its scenario) is "tapOnly" and the run is in loopback
 * mode. */
int sim_skip_step(const struct run *r, json_t *step);
/* The sentence a skipped TAP-only step gives as its result's "skipped". */
#define SIM_NEEDS_TAP "needs TAP: loopback mode does not simulate links"
/* After the steps ran: what this run did not simulate (links with a delay, rate, jitter or loss
 * in loopback mode; skipped steps; time bounds that counted a link as 0), and the "compare" of the
 * scenario, printed to f one line each; returned for summary.json ("sim"). */
json_t *sim_report(struct run *r, json_t *steps, FILE *f);

#endif
