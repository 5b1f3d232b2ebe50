/* cpu_latency.h -- a CPU wake-up latency request held while edge-netsim runs (cpu_latency.c). */
#ifndef EDGE_NETSIM_CPU_LATENCY_H
#define EDGE_NETSIM_CPU_LATENCY_H

#include <stddef.h>

/* Ask the kernel to keep every CPU out of idle states that take time to leave, for as long as
 * the returned descriptor stays open (the process's life: the kernel drops the request when the
 * descriptor closes, even on a crash). -1 with why ("/dev/cpu_dma_latency: Permission denied")
 * when it cannot; nothing else changes then. */
int cpu_latency_hold(char *why, size_t len);

#endif
