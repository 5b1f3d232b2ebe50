/* clock.h -- the monotonic clock every program of edgesim measures time spans with.
 *
 * CLOCK_MONOTONIC, never the wall clock: a deadline or a measured delay must not stretch or
 * shrink when the system time is set. One reading, in nanoseconds or milliseconds. */
#ifndef EDGE_CLOCK_H
#define EDGE_CLOCK_H

#include <stdint.h>

/* Monotonic time in nanoseconds (an arbitrary origin, the same for every process of one
 * machine). */
int64_t edge_now_ns(void);

/* The same clock in whole milliseconds. */
int64_t edge_now_ms(void);

#endif
