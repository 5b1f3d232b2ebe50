/* clock.c -- reads the monotonic clock (clock.h). */
#include "base/clock.h"

#include <time.h>

int64_t
edge_now_ns(void)
{
    struct timespec ts;

    /* Cannot fail for CLOCK_MONOTONIC on Linux (a valid clock and a valid pointer). */
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t
edge_now_ms(void)
{
    return edge_now_ns() / 1000000;
}
