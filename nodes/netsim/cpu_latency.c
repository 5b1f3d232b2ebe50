/* cpu_latency.c -- holds a CPU latency request of 0 us (Linux PM QoS) while edge-netsim runs.
 *
 * Each frame between two namespaces wakes three threads on its way: the TAP reader thread
 * (ns3c's TapReader), the simulator thread, and the receiving process. When a CPU has nothing to
 * run, its idle governor halts it; on a VM a halted vCPU is woken by the hypervisor, 20-60 us
 * later. Those wake-ups were the link error left after ns3c's ExitClock (nodes/netsim/README.md,
 * Link accuracy): +80-120 us on the RTT of a 0 ms link, at or over the bound max(5%, 0.1 ms) of
 * netsim.rtt on a noisy host. A latency request of 0 makes the idle governor poll instead of
 * halting (cpuidle's POLL state), so a waker sets a flag that the idle CPU sees at once: on this
 * 2-core VM the same link measured +28-30 us.
 *
 * The interface is the kernel's (Documentation/power/pm_qos_interface.rst): write a 32-bit
 * value to /dev/cpu_dma_latency and keep the file open; closing it, or the process ending in
 * any way, removes the request. So nothing outlives edge-netsim. Its cost is power: idle CPUs
 * spin for as long as a TAP run lasts. It needs root, as TAP mode does. */
#include "cpu_latency.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define CPU_LATENCY_DEV "/dev/cpu_dma_latency"

int
cpu_latency_hold(char *why, size_t len)
{
    int32_t us = 0;
    ssize_t n;
    int fd = open(CPU_LATENCY_DEV, O_WRONLY | O_CLOEXEC);

    if (fd < 0) {
        snprintf(why, len, "%s: %s", CPU_LATENCY_DEV, strerror(errno));
        return -1;
    }
    /* The device takes the binary 32-bit value (or its text in hex); the request counts from
     * this write on. */
    if ((n = write(fd, &us, sizeof(us))) != (ssize_t)sizeof(us)) {
        snprintf(why, len, "%s: write: %s", CPU_LATENCY_DEV, n < 0 ? strerror(errno) : "short");
        close(fd);
        return -1;
    }
    return fd;
}
