/* bench_tap.h -- edge-bench's cast on a simulated TAP/ns-3 backhaul (bench_tap.c). */
#ifndef EDGE_BENCH_TAP_H
#define EDGE_BENCH_TAP_H

#include "bench.h"

#define BENCH_TAP_DELAY_MS 5.0 /* one way, on the backhaul between ecs1 and ecs2 */

struct ctl_client;

struct bench_tap {
    struct bench_cast cast;    /* ecs1, ecs2, ees1 (at ecs1), ees11 (at ecs2); cast.run set */
    struct ctl_client *netsim; /* edge-netsim's control socket */
    double rtt_us;             /* the backhaul's round trip, measured */
    char skipped[BENCH_PATH_MAX + 128]; /* why the figure cannot run here, or "" */
};

/* Make the namespaces, the link, and start the nodes of the cast on it (from the pki of main).
 * When it cannot run here: 0 with t->skipped set. -1 on a failure. */
int bench_tap_start(struct bench_tap *t, const struct bench_cast *main, const struct bench_opts *o,
                    char *err);
/* Point a load at ecs1 on the backhaul: its address, and sockets made in its namespace. */
void bench_tap_spec(struct bench_tap *t, struct load_spec *s);
/* Stop the nodes and edge-netsim, remove the namespaces. */
int bench_tap_stop(struct bench_tap *t, char *err);

#endif
