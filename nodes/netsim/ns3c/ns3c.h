/* ns3c.h -- C binding to ns-3: simulated links, routers and TAP bridges in real time.
 *
 * One simulation per process (ns-3's simulator is a process-wide singleton).
 * It runs in real time (RealtimeSimulatorImpl) with checksums on, so frames
 * from Linux TAP devices cross it and come out valid on the other side.
 *
 * A link is a switched Ethernet segment: every frame a device puts on it
 * reaches every other device after the link's one-way delay (plus jitter),
 * unless the link's loss model or a drop rule takes it; each device sends at
 * the link's data rate. A TAP device joins a link through a TapPort
 * (tap_port.h; one thread reads every TAP, tap_reader.h) bridged
 * (BridgeNetDevice) to the link's device, and a frame leaves through
 * it at its simulated time on the wall clock (a short spin makes up for the
 * simulator thread's late wake-ups, ns3c.cc ExitClock); a router is an ns-3 node
 * with an IPv4 stack and an address on each link it joins; ns3c_run() gives
 * the routers static routes along shortest paths (in router hops) to every
 * link's subnet (ns3c.cc says why not ns-3's global routing). Why not CsmaChannel: ns-3's CSMA bus
 * stays busy for the whole propagation delay of every frame (csma-channel.h, state PROPAGATING), so
 * a 40 ms CSMA link carries one frame per 40 ms in both directions together; a link here is full
 * duplex and pipelined like a real one.
 *
 * Errors: every call returns an ns3c_code (NS3C_OK is 0) and, when err is
 * not NULL, a sentence in err (NS3C_ERR_LEN bytes). Arguments are checked
 * before ns-3 sees them, so bad input never reaches an NS_FATAL_ERROR, and
 * C++ exceptions stop at this boundary.
 *
 * Threads: build the simulation (links, taps, routers, pcap) and call
 * ns3c_run() from one thread. While it runs, ns3c_link_set(), ns3c_link_drop()
 * and ns3c_link_counters() may be called from any thread: they are carried
 * into the simulator thread and wait for it. ns3c_stop() may be called from
 * anywhere, a signal handler included. */
#ifndef EDGE_NS3C_H
#define EDGE_NS3C_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define NS3C_ERR_LEN 256
#define NS3C_NAME_MAX 31 /* longest link, tap or router name */

enum ns3c_code {
    NS3C_OK = 0,
    NS3C_EINVAL = 1,   /* a bad argument: name, rate, delay, loss, address, fd */
    NS3C_EEXIST = 2,   /* a name already used */
    NS3C_ESTATE = 3,   /* not allowed now (e.g. attaching a tap while running) */
    NS3C_EIO = 4,      /* a file (pcap) could not be written */
    NS3C_ETIMEOUT = 5, /* the simulator thread did not answer in time */
    NS3C_ENS3 = 6,     /* ns-3 threw an exception */
};

struct ns3c_sim;
struct ns3c_link;
struct ns3c_router;

/* Link parameters. rate_bps 0 means unlimited (no serialisation delay). */
struct ns3c_link_params {
    uint64_t rate_bps;
    double delay_ms;  /* one-way, >= 0 */
    double jitter_ms; /* each frame's delay is drawn in delay +- jitter (>= 0); a link never
                         reorders */
    double loss;      /* probability in [0, 1] that a frame is lost */
};

/* Which fields of ns3c_link_params ns3c_link_set() changes. */
#define NS3C_SET_RATE 0x1u
#define NS3C_SET_DELAY 0x2u
#define NS3C_SET_JITTER 0x4u
#define NS3C_SET_LOSS 0x8u

/* Frame counters of one link since it was made. */
struct ns3c_counters {
    uint64_t tx_frames;    /* frames put on the link */
    uint64_t tx_bytes;     /* their Ethernet bytes (header included, no FCS) */
    uint64_t rx_frames;    /* deliveries to the other devices of the link */
    uint64_t lost_frames;  /* frames taken by the loss model */
    uint64_t ruled_frames; /* frames taken by drop rules (ns3c_link_drop) */
};

/* What leaving on wall-clock time cost (ns3c.cc ExitClock): frames written to TAPs, how many of
 * them the simulator thread spun for and how long in all, and the lead (now and at most) with
 * which it schedules a delivery to a TAP ahead of its time. */
struct ns3c_exit_stats {
    uint64_t frames, spins, spin_ns;
    int64_t lead_ns, lead_max_ns;
};

/* A drop rule: take the next count IPv4 frames with these properties. A field
 * left 0 / NULL matches anything. src and dst are dotted IPv4 addresses; with
 * both_ways the rule also matches dst -> src. port matches either the TCP/UDP
 * source or destination port. */
struct ns3c_drop {
    uint32_t count;
    const char *src;
    const char *dst;
    int both_ways;
    uint8_t proto; /* IP protocol number (6 TCP, 17 UDP, 1 ICMP), 0 any */
    uint16_t port;
};

const char *ns3c_strerror(int code);

/* Parse "100Mbps", "1.5Gbps", "64kbps", "9600bps" (SI units: k = 1000) or
 * "unlimited"/"0" into bits per second. */
int ns3c_parse_rate(const char *s, uint64_t *bps, char *err);

/* Make the simulation; seed and run select the random streams (loss, jitter)
 * so that one topology with one seed/run repeats the same drops. */
int ns3c_sim_new(struct ns3c_sim **out, uint32_t seed, uint32_t run, char *err);
/* Destroy the simulation and everything in it; closes pcaps and TAP fds. */
void ns3c_sim_free(struct ns3c_sim *sim);

/* Make a link; name: [A-Za-z0-9_.-], 1..NS3C_NAME_MAX. mtu: IP MTU of the
 * link's devices (0: 1500). */
int ns3c_link_new(struct ns3c_sim *sim, const char *name, const struct ns3c_link_params *p,
                  uint16_t mtu, struct ns3c_link **out, char *err);
struct ns3c_link *ns3c_link_find(struct ns3c_sim *sim, const char *name);
const char *ns3c_link_name(const struct ns3c_link *l);
/* Write every frame put on the link to a pcap file (Ethernet, wall-clock
 * microsecond timestamps), flushed frame by frame; before ns3c_run(). */
int ns3c_link_pcap(struct ns3c_link *l, const char *path, char *err);
/* Bridge a TAP device to the link. fd: /dev/net/tun opened with
 * IFF_TAP|IFF_NO_PI; ns3c owns it from here on (also on failure). Before
 * ns3c_run(). name labels the tap in errors. */
int ns3c_link_attach_tap(struct ns3c_link *l, const char *name, int fd, char *err);

/* Change a link while it runs (or before); mask: NS3C_SET_*. */
int ns3c_link_set(struct ns3c_link *l, const struct ns3c_link_params *p, unsigned mask, char *err);
int ns3c_link_get(struct ns3c_link *l, struct ns3c_link_params *p, char *err);
int ns3c_link_drop(struct ns3c_link *l, const struct ns3c_drop *d, char *err);
int ns3c_link_counters(struct ns3c_link *l, struct ns3c_counters *c, char *err);

/* The exit clock's statistics; from any thread. */
void ns3c_sim_exit_stats(struct ns3c_sim *sim, struct ns3c_exit_stats *st);

/* A router: an IPv4 node of the simulation. cidr: "198.18.1.1/24". */
int ns3c_router_new(struct ns3c_sim *sim, const char *name, struct ns3c_router **out, char *err);
int ns3c_router_add_link(struct ns3c_router *r, struct ns3c_link *l, const char *cidr, char *err);

/* Compute the routes, start the devices and run in real time until
 * ns3c_stop(). ready(arg) is called once, from the simulator thread, when
 * the simulation has started. */
int ns3c_run(struct ns3c_sim *sim, void (*ready)(void *arg), void *arg, char *err);
/* Ask a running (or about to run) simulation to stop. Async-signal-safe. */
void ns3c_stop(struct ns3c_sim *sim);

#ifdef __cplusplus
}
#endif

#endif
