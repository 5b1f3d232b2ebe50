/* runlimits.h -- what a run needs of the machine, checked before it makes anything.
 *
 * A run's size is bounded by what the kernel gives, not by numbers of the runner: file
 * descriptors (RLIMIT_NOFILE, for the runner, edge-netsim and each node; edge-netsim reads its
 * TAPs with epoll, so their numbers need not be below FD_SETSIZE), processes and threads
 * (RLIMIT_NPROC, kernel.threads-max, kernel.pid_max, the cgroup's pids.max), network namespaces
 * (user.max_net_namespaces) and loopback mode's ports. A run that does not fit is refused with
 * the resource, what the topology needs of it and what the machine gives; a soft limit below
 * what the run needs is raised to its hard limit first (the children inherit it). */
#ifndef RUN_RUNLIMITS_H
#define RUN_RUNLIMITS_H

#include "run.h"

/* Check that the machine can hold r's topology in mode net (r->net is not read). 0, or -1 with
 * err: "<resource>: <need> ...; <limit> ...". Prints a line when it raises a soft limit. */
int lim_check(struct run *r, enum run_net net, char *err);

#endif
