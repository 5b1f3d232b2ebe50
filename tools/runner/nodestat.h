/* nodestat.h -- the CPU time and peak resident memory of each process of a run (its nodes, and
 * edge-netsim in TAP mode), read from /proc just before the runner stops them: summary.json
 * "processes" and the report's table (issue 11: what a scale run costs each node). */
#ifndef RUN_NODESTAT_H
#define RUN_NODESTAT_H

#include "run.h"

/* Snapshot every running process of the run: user and system CPU seconds (/proc/PID/stat), peak
 * RSS (VmHWM of /proc/PID/status) and its age; a later snapshot of the same process replaces the
 * earlier one. Called just before a node is asked to stop, so each process's last snapshot is
 * from just before its own stop (edge-netsim's from just before the last node's). */
void nodestat_take(struct run *r);
/* The snapshots as summary.json "processes" (new reference): the scenario's nodes in its order
 * (a node started twice has one entry per start), then edge-netsim. Each entry: node, program,
 * pid, cpu_user_s, cpu_sys_s, cpu_s, rss_peak_kb, alive_s; or node, program, pid and error. */
json_t *nodestat_json(struct run *r);
void nodestat_free(struct run *r);

#endif
