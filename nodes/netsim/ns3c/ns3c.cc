/* ns3c.cc -- the C++ side of ns3c.h: ns-3 links, TAP bridges and routers behind a C API.
 *
 * Everything ns-3 is touched from one thread, the one that built the
 * simulation and runs it; other threads reach it only through
 * Simulator::ScheduleWithContext(), which RealtimeSimulatorImpl makes
 * thread-safe, and wait on a condition variable for the answer. Counters are
 * atomics so that reading them never needs the simulator thread. */
#include "ns3c.h"
#include "tap_port.h"
#include "tap_reader.h"
#include "base/err.h"
#include "base/ipv4.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <deque>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <ns3/boolean.h>
#include <ns3/bridge-helper.h>
#include <ns3/data-rate.h>
#include <ns3/error-model.h>
#include <ns3/global-value.h>
#include <ns3/internet-stack-helper.h>
#include <ns3/ipv4-static-routing-helper.h>
#include <ns3/ipv4-static-routing.h>
#include <ns3/ipv4.h>
#include <ns3/mac48-address.h>
#include <ns3/node.h>
#include <ns3/packet.h>
#include <ns3/queue-size.h>
#include <ns3/random-variable-stream.h>
#include <ns3/realtime-simulator-impl.h>
#include <ns3/rng-seed-manager.h>
#include <ns3/simple-channel.h>
#include <ns3/simple-net-device-helper.h>
#include <ns3/simple-net-device.h>
#include <ns3/simulator.h>
#include <ns3/string.h>

using namespace ns3;

namespace
{

/* How long a caller waits for the simulator thread before giving up. */
const auto CALL_TIMEOUT = std::chrono::seconds(5);
/* How often the simulator looks at the stop flag: the bound on how long a
 * stop request waits, at a cost of 100 empty events a second. */
const Time STOP_POLL = MilliSeconds(10);
/* Frames a device may queue before the link drops them (DropTail). */
const char *const TX_QUEUE = "1000p";

std::atomic<bool> g_sim_exists{false};

enum class State { BUILD, RUNNING, DONE };

int seterr(char *err, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

int
seterr(char *err, int code, const char *fmt, ...)
{
    if (err != nullptr) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, NS3C_ERR_LEN, fmt, ap);
        va_end(ap);
    }
    return code;
}

bool
name_ok(const char *s)
{
    size_t n = s != nullptr ? strlen(s) : 0;

    if (n == 0 || n > NS3C_NAME_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || c == '-'))
            return false;
    }
    return true;
}

/* Delay and jitter are bounded so that Time arithmetic never overflows and a
 * typo (40000 for 40) is refused rather than silently stalling a run. */
const double MAX_DELAY_MS = 60000.0;

int
check_params(const ns3c_link_params *p, unsigned mask, char *err)
{
    if ((mask & NS3C_SET_DELAY) &&
        !(std::isfinite(p->delay_ms) && p->delay_ms >= 0 && p->delay_ms <= MAX_DELAY_MS))
        return seterr(err, NS3C_EINVAL, "delay %g ms is not in [0, %g]", p->delay_ms, MAX_DELAY_MS);
    if ((mask & NS3C_SET_JITTER) &&
        !(std::isfinite(p->jitter_ms) && p->jitter_ms >= 0 && p->jitter_ms <= MAX_DELAY_MS))
        return seterr(err, NS3C_EINVAL, "jitter %g ms is not in [0, %g]", p->jitter_ms,
                      MAX_DELAY_MS);
    if ((mask & NS3C_SET_LOSS) && !(std::isfinite(p->loss) && p->loss >= 0 && p->loss <= 1))
        return seterr(err, NS3C_EINVAL, "loss %g is not a probability in [0, 1]", p->loss);
    return NS3C_OK;
}

/* A drop rule, addresses in network byte order (0: any). */
struct DropRule {
    uint32_t left;
    uint32_t src, dst;
    bool both_ways;
    uint8_t proto;
    uint16_t port;
};

class EdgeLinkChannel;

/* A device on a link; tap: the link side of a TAP bridge, where frames leave
 * the simulation for a namespace and so must leave on wall-clock time. */
struct Port {
    Ptr<SimpleNetDevice> dev;
    bool tap;
};

/* A frame on its way to one device of a link. */
struct Frame {
    Ptr<Packet> p;
    uint16_t protocol;
    Mac48Address to, from;
};

/* Wall-clock exits. ns-3 keeps simulated time exact, but a frame written to a
 * TAP reaches its namespace when the simulator thread gets to the write, and
 * RealtimeSimulatorImpl reaches an event late: WallClockSynchronizer means to
 * sleep for most of a wait and spin the last few jiffies, but its jiffy is
 * std::chrono::system_clock's period, 1 ns, so it sleeps for the whole wait in
 * a condition variable, and Linux wakes a sleeper late by its timer slack
 * (50 us by default) plus the wake-up latency of an idle CPU (20-100 us on a
 * VM): 70-150 us per one-way trip, 0.2-0.5 ms per RTT. So every delivery to a
 * TAP port is scheduled `lead` before its time and the simulator thread spins
 * the rest (wait, TapPort's before-write hook). lead follows the 90th percentile of
 * how late the thread wakes from an idle wait (learn); the spin costs lead
 * minus that lateness per frame, and nothing when the thread is busy anyway.
 * nodes/netsim/README.md has the measurements. */
class ExitClock
{
  public:
    void bind(Ptr<RealtimeSimulatorImpl> impl)
    {
        rt = impl;
    }

    /* How far ahead of now to schedule a TAP delivery due at `due`. */
    Time ahead(Time now, Time due) const
    {
        Time d = due - now - NanoSeconds(lead_ns);
        return d.IsStrictlyPositive() ? d : Time(0);
    }

    /* At the start of a TAP delivery scheduled for `scheduled`: one sample of
     * wake-up lateness, if the thread was idle (not busy with frames) when the
     * event came due. A quantile estimate: up 9 steps when the wake was later
     * than lead, down 1 when not, so lead settles where 9 in 10 wakes are early
     * enough. */
    void learn(Time scheduled)
    {
        int64_t late = (rt->RealtimeNow() - scheduled).GetNanoSeconds();

        if (scheduled.GetNanoSeconds() <= busy_until_ns)
            return;
        lead_ns += late > lead_ns ? 9 * LEAD_STEP_NS : -LEAD_STEP_NS;
        lead_ns = std::min(std::max(lead_ns, int64_t{0}), LEAD_MAX_NS);
        stats.lead_ns = lead_ns;
        if (lead_ns > stats.lead_max_ns)
            stats.lead_max_ns = lead_ns;
    }

    /* The frame deliver_tap is handing to a TAP device is due at `due`
     * (Time(0): no frame). */
    void hand_over(Time due)
    {
        pending = due;
    }

    /* Busy-wait until the wall clock reaches the handed-over frame's time.
     * No pause instruction: on a VM, a pause loop can make the hypervisor
     * deschedule the vCPU (pause-loop exiting), the very latency this
     * avoids. */
    void wait()
    {
        Time now = rt->RealtimeNow(), t0 = now;

        stats.frames++;
        if (now >= pending)
            return;
        while ((now = rt->RealtimeNow()) < pending) {
        }
        stats.spins++;
        stats.spin_ns += (now - t0).GetNanoSeconds();
    }

    /* What the spin cost so far: written by the simulator thread, read by any (relaxed atomics:
     * counters, not synchronisation). */
    struct Stats {
        std::atomic<uint64_t> frames{0}, spins{0}, spin_ns{0};
        std::atomic<int64_t> lead_ns{LEAD_START_NS}, lead_max_ns{LEAD_START_NS};
    } stats;

    /* The thread has finished a frame's work: lateness until now is queueing,
     * not wake-up latency. */
    void busy()
    {
        busy_until_ns = rt->RealtimeNow().GetNanoSeconds();
    }

  private:
    static constexpr int64_t LEAD_START_NS = 100000;
    /* The lead's cap. Under load (scale-10k: 2.7 million frames to TAPs on 2 cores) lead fed on
     * itself up to a cap of 1 ms: long spins took the CPU from the nodes, the thread woke later,
     * lead grew (510 us at most, 350 at the end), and the spin took 10.3 s of edge-netsim's
     * 26.8 s. Capped at 150 us (above the 30-100 us where it settles on an idle machine) the
     * same run spun 5.2 s of 21.8 s and lead ended at 28 us; netsim.rtt is unchanged, idle and
     * with both cores busy. */
    static constexpr int64_t LEAD_MAX_NS = 150000;
    static constexpr int64_t LEAD_STEP_NS = 1000;

    Ptr<RealtimeSimulatorImpl> rt;
    Time pending;
    int64_t lead_ns = LEAD_START_NS;
    int64_t busy_until_ns = 0;
};

} // namespace

struct ns3c_link {
    ns3c_sim *sim = nullptr;
    std::string name;
    Ptr<EdgeLinkChannel> chan;
    uint16_t mtu = 1500;
    /* Written and read in the simulator thread only (or before it runs). */
    ns3c_link_params p{};
    Ptr<RateErrorModel> loss;
    Ptr<UniformRandomVariable> jitter;
    std::vector<DropRule> rules;
    std::vector<Port> devices;
    std::map<const SimpleNetDevice *, Time> last_arrival; /* per sender: keeps frames in order */
    FILE *pcap = nullptr;
    std::atomic<uint64_t> tx_frames{0}, tx_bytes{0}, rx_frames{0}, lost{0}, ruled{0};

    void on_send(Ptr<Packet> p, uint16_t protocol, Mac48Address to, Mac48Address from,
                 Ptr<SimpleNetDevice> sender);
    bool rule_takes(Ptr<const Packet> p, uint16_t protocol);
    void write_pcap(Ptr<const Packet> p, uint16_t protocol, Mac48Address to, Mac48Address from);
};

struct ns3c_router {
    struct Iface {
        ns3c_link *link;
        uint32_t addr, mask; /* host byte order */
        int32_t index;       /* Ipv4 interface index */
    };
    ns3c_sim *sim = nullptr;
    std::string name;
    Ptr<Node> node;
    std::vector<Iface> ifs;

    bool on(const ns3c_link *l) const
    {
        for (auto &i : ifs)
            if (i.link == l)
                return true;
        return false;
    }
};

struct ns3c_sim {
    std::vector<std::unique_ptr<ns3c_link>> links;
    std::vector<std::unique_ptr<ns3c_router>> routers;
    std::vector<std::string> tap_names;
    std::thread::id owner;
    std::mutex mu;
    std::condition_variable cv;
    State state = State::BUILD; /* guarded by mu */
    std::atomic<bool> stop_req{false};
    int64_t next_stream = 0;
    ExitClock exit;          /* simulator thread only */
    edgesim::TapReader taps; /* reads every TAP fd while the simulation runs */
    void (*ready)(void *) = nullptr;
    void *ready_arg = nullptr;
};

namespace
{

/* The link's medium: SimpleChannel hands each frame to every other device
 * after a delay; this subclass puts the link's loss, drop rules, jitter,
 * counters and capture on that one path, so each frame is judged once for
 * all its receivers. */
class EdgeLinkChannel : public SimpleChannel
{
  public:
    ns3c_link *link = nullptr;

    void Send(Ptr<Packet> p, uint16_t protocol, Mac48Address to, Mac48Address from,
              Ptr<SimpleNetDevice> sender) override
    {
        link->on_send(p, protocol, to, from, sender);
    }

  protected:
    void DoDispose() override
    {
        link = nullptr;
        SimpleChannel::DoDispose();
    }
};

/* The pcap format (libpcap 2.4, microsecond timestamps, LINKTYPE_ETHERNET),
 * written by hand so that each frame can be flushed: a crashed netsim still
 * leaves a readable capture. */
struct PcapFileHeader {
    uint32_t magic, version, thiszone, sigfigs, snaplen, network;
};

struct PcapRecordHeader {
    uint32_t sec, usec, incl_len, orig_len;
};

const uint32_t PCAP_SNAPLEN = 65535;

/* Run fn in the simulator thread and wait for its code and message. */
int
sim_call(ns3c_sim *s, const std::function<int(char *)> &fn, char *err)
{
    struct Call {
        std::function<int(char *)> fn;
        bool done = false;
        int rc = NS3C_OK;
        char msg[NS3C_ERR_LEN] = "";
    };

    {
        std::unique_lock<std::mutex> lk(s->mu);
        /* The owner thread is either still building or inside an event of
         * Run(): in both cases ns-3 is its to touch. */
        if (std::this_thread::get_id() == s->owner) {
            lk.unlock();
            return fn(err);
        }
        if (s->state != State::RUNNING)
            return seterr(err, NS3C_ESTATE, "the simulation is not running");
    }
    auto call = std::make_shared<Call>();
    call->fn = fn;
    Simulator::ScheduleWithContext(Simulator::NO_CONTEXT, Seconds(0), [call, s]() {
        int rc = call->fn(call->msg);
        std::lock_guard<std::mutex> lk(s->mu);
        call->rc = rc;
        call->done = true;
        s->cv.notify_all();
    });
    std::unique_lock<std::mutex> lk(s->mu);
    if (!s->cv.wait_for(lk, CALL_TIMEOUT, [&] { return call->done || s->state != State::RUNNING; }))
        return seterr(err, NS3C_ETIMEOUT, "the simulator thread did not answer in time");
    if (!call->done)
        return seterr(err, NS3C_ESTATE, "the simulation stopped before the change was made");
    if (call->rc != NS3C_OK && err != nullptr)
        snprintf(err, NS3C_ERR_LEN, "%s", call->msg);
    return call->rc;
}

void
stop_poll(ns3c_sim *s)
{
    if (s->stop_req.load())
        Simulator::Stop();
    else
        Simulator::Schedule(STOP_POLL, &stop_poll, s);
}

void
on_start(ns3c_sim *s)
{
    {
        std::lock_guard<std::mutex> lk(s->mu);
        s->state = State::RUNNING;
    }
    if (s->ready != nullptr)
        s->ready(s->ready_arg);
}

/* A frame reaches a router's device: at its time in simulated time, which is
 * all a router sees. */
void
deliver(ns3c_link *l, Ptr<SimpleNetDevice> dev, Frame f)
{
    l->rx_frames++;
    dev->Receive(f.p, f.protocol, f.to, f.from);
    l->sim->exit.busy();
}

/* A frame reaches a TAP port, which passes it through the bridge to the
 * TapPort at once: called early (ExitClock), the TapPort waits for the
 * frame's wall-clock time before it writes. */
void
deliver_tap(ns3c_link *l, Ptr<SimpleNetDevice> dev, Frame f, Time due)
{
    ExitClock &ec = l->sim->exit;

    ec.learn(Simulator::Now());
    ec.hand_over(due);
    l->rx_frames++;
    dev->Receive(f.p, f.protocol, f.to, f.from);
    ec.hand_over(Time(0));
    ec.busy();
}

bool
ipv4_field(const char *s, uint32_t *out, char *err)
{
    struct in_addr in;

    if (s == nullptr || *s == '\0') {
        *out = 0;
        return true;
    }
    if (inet_pton(AF_INET, s, &in) != 1) {
        seterr(err, NS3C_EINVAL, "\"%s\" is not an IPv4 address", s);
        return false;
    }
    *out = in.s_addr;
    return true;
}

} // namespace

/* Static routes between the routers: for every link a router is not on, a
 * route to the link's subnet via the first router of a shortest path (in
 * router hops; ties go to the router made first). Why not ns-3's global
 * routing: in 3.37 GlobalRouter::FindDesignatedRouterForLink() follows a
 * bridged device on a link with two routers into the bridge's other port, a
 * TAP device that has no channel, and crashes. */
static void
add_routes(ns3c_sim *s)
{
    auto &rs = s->routers;
    size_t n = rs.size();
    Ipv4StaticRoutingHelper helper;

    for (size_t src = 0; src < n; src++) {
        std::vector<int> dist(n, -1);
        std::vector<std::pair<uint32_t, int32_t>> first(n); /* next hop, out interface */
        std::deque<size_t> q;

        dist[src] = 0;
        q.push_back(src);
        while (!q.empty()) {
            size_t u = q.front();
            q.pop_front();
            for (auto &iu : rs[u]->ifs) {
                for (size_t v = 0; v < n; v++) {
                    if (dist[v] >= 0)
                        continue;
                    for (auto &iv : rs[v]->ifs) {
                        if (iv.link != iu.link)
                            continue;
                        dist[v] = dist[u] + 1;
                        first[v] = u == src ? std::make_pair(iv.addr, iu.index) : first[u];
                        q.push_back(v);
                        break;
                    }
                }
            }
        }
        Ptr<Ipv4StaticRouting> sr = helper.GetStaticRouting(rs[src]->node->GetObject<Ipv4>());
        for (auto &l : s->links) {
            const ns3c_router::Iface *dst = nullptr;
            size_t best = n;
            if (rs[src]->on(l.get()))
                continue;
            for (size_t v = 0; v < n; v++) {
                if (dist[v] <= 0 || (best < n && dist[v] >= dist[best]))
                    continue;
                for (auto &iv : rs[v]->ifs) {
                    if (iv.link == l.get()) {
                        best = v;
                        dst = &iv;
                        break;
                    }
                }
            }
            if (dst == nullptr)
                continue;
            sr->AddNetworkRouteTo(Ipv4Address(dst->addr & dst->mask), Ipv4Mask(dst->mask),
                                  Ipv4Address(first[best].first), (uint32_t)first[best].second);
        }
    }
}

/* ---- the link's frame path (simulator thread) ---- */

void
ns3c_link::write_pcap(Ptr<const Packet> p, uint16_t protocol, Mac48Address to, Mac48Address from)
{
    struct timespec ts;
    PcapRecordHeader rh;
    uint8_t eth[14];
    uint32_t len = p->GetSize();
    std::vector<uint8_t> body(len);

    clock_gettime(CLOCK_REALTIME, &ts);
    to.CopyTo(eth);
    from.CopyTo(eth + 6);
    eth[12] = (uint8_t)(protocol >> 8);
    eth[13] = (uint8_t)protocol;
    p->CopyData(body.data(), len);
    rh.sec = (uint32_t)ts.tv_sec;
    rh.usec = (uint32_t)(ts.tv_nsec / 1000);
    rh.orig_len = len + sizeof eth;
    rh.incl_len = rh.orig_len < PCAP_SNAPLEN ? rh.orig_len : PCAP_SNAPLEN;
    if (fwrite(&rh, sizeof rh, 1, pcap) != 1 || fwrite(eth, sizeof eth, 1, pcap) != 1 ||
        fwrite(body.data(), 1, rh.incl_len - sizeof eth, pcap) != rh.incl_len - sizeof eth ||
        fflush(pcap) != 0) {
        /* A full disk must not stop the network: the capture ends here. */
        fclose(pcap);
        pcap = nullptr;
    }
}

bool
ns3c_link::rule_takes(Ptr<const Packet> p, uint16_t protocol)
{
    uint8_t h[64];
    uint32_t n, src, dst;
    unsigned ihl;
    uint16_t sport = 0, dport = 0;

    if (rules.empty() || protocol != 0x0800)
        return false;
    n = p->CopyData(h, sizeof h);
    if (n < 20 || (h[0] >> 4) != 4)
        return false;
    ihl = (h[0] & 0x0fu) * 4;
    memcpy(&src, h + 12, 4);
    memcpy(&dst, h + 16, 4);
    /* Ports only in a first fragment: later fragments carry none. */
    bool first_frag = ((h[6] & 0x1fu) | h[7]) == 0;
    bool has_ports = (h[9] == 6 || h[9] == 17) && first_frag && n >= ihl + 4;
    if (has_ports) {
        sport = (uint16_t)(h[ihl] << 8 | h[ihl + 1]);
        dport = (uint16_t)(h[ihl + 2] << 8 | h[ihl + 3]);
    }
    for (auto it = rules.begin(); it != rules.end(); ++it) {
        DropRule &r = *it;
        bool fwd = (r.src == 0 || r.src == src) && (r.dst == 0 || r.dst == dst);
        bool rev = r.both_ways && (r.src == 0 || r.src == dst) && (r.dst == 0 || r.dst == src);
        if (!(fwd || rev))
            continue;
        if (r.proto != 0 && r.proto != h[9])
            continue;
        if (r.port != 0 && !(has_ports && (sport == r.port || dport == r.port)))
            continue;
        if (--r.left == 0)
            rules.erase(it);
        return true;
    }
    return false;
}

void
ns3c_link::on_send(Ptr<Packet> pkt, uint16_t protocol, Mac48Address to, Mac48Address from,
                   Ptr<SimpleNetDevice> sender)
{
    tx_frames++;
    tx_bytes += pkt->GetSize() + 14;
    if (pcap != nullptr)
        write_pcap(pkt, protocol, to, from);
    if (rule_takes(pkt, protocol)) {
        ruled++;
        return;
    }
    if (p.loss > 0 && loss->IsCorrupt(pkt)) {
        lost++;
        return;
    }
    double ms = p.delay_ms;
    if (p.jitter_ms > 0)
        ms = std::max(0.0, ms + jitter->GetValue(-p.jitter_ms, p.jitter_ms));
    Time now = Simulator::Now();
    Time at = now + NanoSeconds((int64_t)std::llround(ms * 1e6));
    /* A link is a FIFO: jitter may stretch gaps but never overtake. */
    Time &last = last_arrival[PeekPointer(sender)];
    if (at < last)
        at = last;
    last = at;
    for (auto &port : devices) {
        if (port.dev == sender)
            continue;
        Frame f{pkt->Copy(), protocol, to, from};
        uint32_t node = port.dev->GetNode()->GetId();
        if (port.tap)
            Simulator::ScheduleWithContext(node, sim->exit.ahead(now, at), &deliver_tap, this,
                                           port.dev, f, at);
        else
            Simulator::ScheduleWithContext(node, at - now, &deliver, this, port.dev, f);
    }
    sim->exit.busy();
}

/* ---- the C API ---- */

#define NS3C_CATCH(err)                                                                            \
    catch (const std::exception &e)                                                                \
    {                                                                                              \
        return seterr(err, NS3C_ENS3, "ns-3 failed: %s", e.what());                                \
    }                                                                                              \
    catch (...)                                                                                    \
    {                                                                                              \
        return seterr(err, NS3C_ENS3, "ns-3 failed with an unknown exception");                    \
    }

extern "C" const char *
ns3c_strerror(int code)
{
    switch (code) {
    case NS3C_OK:
        return "success";
    case NS3C_EINVAL:
        return "invalid argument";
    case NS3C_EEXIST:
        return "name already in use";
    case NS3C_ESTATE:
        return "not allowed in the simulation's current state";
    case NS3C_EIO:
        return "input/output error";
    case NS3C_ETIMEOUT:
        return "simulator thread did not answer";
    case NS3C_ENS3:
        return "ns-3 raised an exception";
    }
    return "unknown ns3c error";
}

extern "C" int
ns3c_parse_rate(const char *s, uint64_t *bps, char *err)
{
    static const struct {
        const char *unit;
        double mult;
    } units[] = {{"bps", 1}, {"kbps", 1e3}, {"Mbps", 1e6}, {"Gbps", 1e9}};
    char *end;
    double v;

    if (s == nullptr || *s == '\0')
        return seterr(err, NS3C_EINVAL, "empty data rate");
    if (strcmp(s, "unlimited") == 0 || strcmp(s, "0") == 0) {
        *bps = 0;
        return NS3C_OK;
    }
    errno = 0;
    v = strtod(s, &end);
    if (errno != 0 || end == s || !std::isfinite(v) || v <= 0 || (*s < '0' || *s > '9'))
        return seterr(err, NS3C_EINVAL, "data rate \"%s\" does not start with a positive number",
                      s);
    for (const auto &u : units) {
        if (strcmp(end, u.unit) != 0)
            continue;
        double r = v * u.mult;
        if (r < 1 || r > 1e12)
            return seterr(err, NS3C_EINVAL, "data rate \"%s\" is not in 1bps..1000Gbps", s);
        *bps = (uint64_t)std::llround(r);
        return NS3C_OK;
    }
    return seterr(err, NS3C_EINVAL, "data rate \"%s\": unit must be bps, kbps, Mbps or Gbps", s);
}

extern "C" int
ns3c_sim_new(ns3c_sim **out, uint32_t seed, uint32_t run, char *err)
{
    *out = nullptr;
    if (seed == 0)
        return seterr(err, NS3C_EINVAL, "the random seed must not be 0");
    if (run == 0)
        return seterr(err, NS3C_EINVAL, "the random run number must not be 0");
    bool expected = false;
    if (!g_sim_exists.compare_exchange_strong(expected, true))
        return seterr(err, NS3C_ESTATE, "a simulation already exists in this process");
    try {
        GlobalValue::Bind("SimulatorImplementationType", StringValue("ns3::RealtimeSimulatorImpl"));
        /* Linux drops frames whose IPv4/TCP/UDP checksums are wrong, and
         * ns-3 leaves them zero unless told. */
        GlobalValue::Bind("ChecksumEnabled", BooleanValue(true));
        RngSeedManager::SetSeed(seed);
        RngSeedManager::SetRun(run);
        auto s = std::make_unique<ns3c_sim>();
        s->owner = std::this_thread::get_id();
        /* The first Simulator call makes the implementation and binds it
         * to this thread, which must be the one that runs it. */
        (void)Simulator::Now();
        *out = s.release();
        return NS3C_OK;
    } catch (const std::exception &e) {
        g_sim_exists = false;
        return seterr(err, NS3C_ENS3, "ns-3 failed: %s", e.what());
    } catch (...) {
        g_sim_exists = false;
        return seterr(err, NS3C_ENS3, "ns-3 failed with an unknown exception");
    }
}

extern "C" void
ns3c_sim_free(ns3c_sim *sim)
{
    if (sim == nullptr)
        return;
    try {
        /* The reader first: it must not hand frames to ports being disposed. Destroy() then
         * disposes nodes and devices, and the TAP ports close their fds. */
        sim->taps.stop();
        Simulator::Destroy();
    } catch (...) {
    }
    for (auto &l : sim->links) {
        if (l->pcap != nullptr)
            fclose(l->pcap);
        l->pcap = nullptr;
    }
    delete sim;
    g_sim_exists = false;
}

extern "C" int
ns3c_link_new(ns3c_sim *sim, const char *name, const ns3c_link_params *p, uint16_t mtu,
              ns3c_link **out, char *err)
{
    int rc;

    *out = nullptr;
    if (!name_ok(name))
        return seterr(err, NS3C_EINVAL,
                      "link name \"%s\" must be 1..%d characters of A-Z a-z 0-9 _ . -",
                      name != nullptr ? name : "(null)", NS3C_NAME_MAX);
    if (ns3c_link_find(sim, name) != nullptr)
        return seterr(err, NS3C_EEXIST, "link \"%s\" already exists", name);
    if (mtu != 0 && (mtu < 68 || mtu > 9000))
        return seterr(err, NS3C_EINVAL, "link \"%s\": MTU %u is not in 68..9000", name, mtu);
    if ((rc = check_params(p, NS3C_SET_DELAY | NS3C_SET_JITTER | NS3C_SET_LOSS, err)) != NS3C_OK)
        return rc;
    {
        std::lock_guard<std::mutex> lk(sim->mu);
        if (sim->state != State::BUILD)
            return seterr(err, NS3C_ESTATE, "links are made before the simulation runs");
    }
    try {
        auto l = std::make_unique<ns3c_link>();
        l->sim = sim;
        l->name = name;
        l->mtu = mtu != 0 ? mtu : 1500;
        l->p = *p;
        l->chan = CreateObject<EdgeLinkChannel>();
        l->chan->link = l.get();
        l->loss = CreateObject<RateErrorModel>();
        l->loss->SetUnit(RateErrorModel::ERROR_UNIT_PACKET);
        l->loss->SetRate(p->loss);
        sim->next_stream += l->loss->AssignStreams(sim->next_stream);
        l->jitter = CreateObject<UniformRandomVariable>();
        l->jitter->SetStream(sim->next_stream++);
        *out = l.get();
        sim->links.push_back(std::move(l));
        return NS3C_OK;
    }
    NS3C_CATCH(err)
}

extern "C" ns3c_link *
ns3c_link_find(ns3c_sim *sim, const char *name)
{
    if (name == nullptr)
        return nullptr;
    for (auto &l : sim->links)
        if (l->name == name)
            return l.get();
    return nullptr;
}

extern "C" const char *
ns3c_link_name(const ns3c_link *l)
{
    return l->name.c_str();
}

extern "C" int
ns3c_link_pcap(ns3c_link *l, const char *path, char *err)
{
    PcapFileHeader fh = {0xa1b2c3d4u, 0, 0, 0, PCAP_SNAPLEN, 1};
    FILE *f;

    {
        std::lock_guard<std::mutex> lk(l->sim->mu);
        if (l->sim->state != State::BUILD)
            return seterr(err, NS3C_ESTATE, "link \"%s\": pcap is set before the simulation runs",
                          l->name.c_str());
    }
    if (l->pcap != nullptr)
        return seterr(err, NS3C_EEXIST, "link \"%s\" already has a pcap file", l->name.c_str());
    if (path == nullptr || *path == '\0')
        return seterr(err, NS3C_EINVAL, "link \"%s\": empty pcap path", l->name.c_str());
    if ((f = fopen(path, "wbe")) == nullptr)
        return seterr(err, NS3C_EIO, "link \"%s\": cannot create %s: %s", l->name.c_str(), path,
                      strerror(errno));
    /* The version field is two 16-bit halves: major 2, minor 4. */
    uint16_t ver[2] = {2, 4};
    memcpy(&fh.version, ver, sizeof ver);
    if (fwrite(&fh, sizeof fh, 1, f) != 1 || fflush(f) != 0) {
        int e = errno;
        fclose(f);
        return seterr(err, NS3C_EIO, "link \"%s\": cannot write %s: %s", l->name.c_str(), path,
                      strerror(e));
    }
    l->pcap = f;
    return NS3C_OK;
}

extern "C" int
ns3c_link_attach_tap(ns3c_link *l, const char *name, int fd, char *err)
{
    ns3c_sim *sim = l->sim;
    struct ifreq ifr;
    int rc = NS3C_OK;

    memset(&ifr, 0, sizeof ifr);
    if (!name_ok(name)) {
        rc = seterr(err, NS3C_EINVAL,
                    "tap name \"%s\" must be 1..%d characters of A-Z a-z 0-9 _ . -",
                    name != nullptr ? name : "(null)", NS3C_NAME_MAX);
        goto fail;
    }
    for (auto &t : sim->tap_names) {
        if (t == name) {
            rc = seterr(err, NS3C_EEXIST, "tap \"%s\" already exists", name);
            goto fail;
        }
    }
    {
        std::lock_guard<std::mutex> lk(sim->mu);
        if (sim->state != State::BUILD) {
            rc = seterr(err, NS3C_ESTATE, "tap \"%s\": taps are attached before the run", name);
            goto fail;
        }
    }
    /* Check the fd here, not first in the reader thread. */
    if (fd < 0 || fcntl(fd, F_GETFD) < 0) {
        rc = seterr(err, NS3C_EINVAL, "tap \"%s\": fd %d is not open", name, fd);
        goto fail;
    }
    if (ioctl(fd, TUNGETIFF, &ifr) < 0) {
        rc = seterr(err, NS3C_EINVAL, "tap \"%s\": fd %d is not a /dev/net/tun device: %s", name,
                    fd, strerror(errno));
        goto fail;
    }
    if ((ifr.ifr_flags & IFF_TAP) == 0 || (ifr.ifr_flags & IFF_NO_PI) == 0) {
        rc = seterr(err, NS3C_EINVAL, "tap \"%s\": %s is not opened with IFF_TAP|IFF_NO_PI", name,
                    ifr.ifr_name);
        goto fail;
    }
    try {
        Ptr<Node> node = CreateObject<Node>();
        /* The port writes a frame once its time has come (ExitClock), so that the bridge's
         * and the port's work on the frame is done before the wait rather than after it. */
        Ptr<edgesim::TapPort> fdd = CreateObject<edgesim::TapPort>();
        ExitClock *clock = &sim->exit;
        fdd->set_before_write([clock]() { clock->wait(); });
        fdd->SetAddress(Mac48Address::Allocate());
        node->AddDevice(fdd);
        fdd->set_fd(fd);
        fd = -1;
        fdd->SetMtu(l->mtu);
        sim->taps.add(PeekPointer(fdd));

        SimpleNetDeviceHelper sh;
        sh.SetDeviceAttribute("DataRate", DataRateValue(DataRate(l->p.rate_bps)));
        sh.SetQueue("ns3::DropTailQueue<Packet>", "MaxSize", QueueSizeValue(QueueSize(TX_QUEUE)));
        Ptr<SimpleNetDevice> sd = DynamicCast<SimpleNetDevice>(sh.Install(node, l->chan).Get(0));
        sd->SetMtu(l->mtu);

        NetDeviceContainer ports;
        ports.Add(fdd);
        ports.Add(sd);
        BridgeHelper bh;
        bh.Install(node, ports);
        l->devices.push_back({sd, true});
        sim->tap_names.push_back(name);
        return NS3C_OK;
    } catch (const std::exception &e) {
        rc = seterr(err, NS3C_ENS3, "tap \"%s\": ns-3 failed: %s", name, e.what());
    } catch (...) {
        rc = seterr(err, NS3C_ENS3, "tap \"%s\": ns-3 failed with an unknown exception", name);
    }
fail:
    if (fd >= 0)
        close(fd);
    return rc;
}

extern "C" int
ns3c_link_set(ns3c_link *l, const ns3c_link_params *p, unsigned mask, char *err)
{
    int rc;

    if (mask == 0 || (mask & ~(NS3C_SET_RATE | NS3C_SET_DELAY | NS3C_SET_JITTER | NS3C_SET_LOSS)))
        return seterr(err, NS3C_EINVAL, "link \"%s\": nothing (or an unknown field) to change",
                      l->name.c_str());
    if ((rc = check_params(p, mask, err)) != NS3C_OK)
        return rc;
    ns3c_link_params np = *p;
    try {
        return sim_call(
            l->sim,
            [l, np, mask](char *) {
                if (mask & NS3C_SET_RATE) {
                    l->p.rate_bps = np.rate_bps;
                    for (auto &d : l->devices)
                        d.dev->SetAttribute("DataRate", DataRateValue(DataRate(np.rate_bps)));
                }
                if (mask & NS3C_SET_DELAY)
                    l->p.delay_ms = np.delay_ms;
                if (mask & NS3C_SET_JITTER)
                    l->p.jitter_ms = np.jitter_ms;
                if (mask & NS3C_SET_LOSS) {
                    l->p.loss = np.loss;
                    l->loss->SetRate(np.loss);
                }
                return NS3C_OK;
            },
            err);
    }
    NS3C_CATCH(err)
}

extern "C" int
ns3c_link_get(ns3c_link *l, ns3c_link_params *p, char *err)
{
    try {
        return sim_call(
            l->sim,
            [l, p](char *) {
                *p = l->p;
                return NS3C_OK;
            },
            err);
    }
    NS3C_CATCH(err)
}

extern "C" int
ns3c_link_drop(ns3c_link *l, const ns3c_drop *d, char *err)
{
    DropRule r{};

    if (d->count == 0)
        return seterr(err, NS3C_EINVAL, "link \"%s\": drop count must be at least 1",
                      l->name.c_str());
    if (!ipv4_field(d->src, &r.src, err) || !ipv4_field(d->dst, &r.dst, err))
        return NS3C_EINVAL;
    r.left = d->count;
    r.both_ways = d->both_ways != 0;
    r.proto = d->proto;
    r.port = d->port;
    try {
        return sim_call(
            l->sim,
            [l, r](char *) {
                l->rules.push_back(r);
                return NS3C_OK;
            },
            err);
    }
    NS3C_CATCH(err)
}

extern "C" int
ns3c_link_counters(ns3c_link *l, ns3c_counters *c, char *)
{
    c->tx_frames = l->tx_frames.load();
    c->tx_bytes = l->tx_bytes.load();
    c->rx_frames = l->rx_frames.load();
    c->lost_frames = l->lost.load();
    c->ruled_frames = l->ruled.load();
    return NS3C_OK;
}

extern "C" void
ns3c_sim_exit_stats(ns3c_sim *sim, ns3c_exit_stats *st)
{
    const auto &x = sim->exit.stats;

    st->frames = x.frames.load(std::memory_order_relaxed);
    st->spins = x.spins.load(std::memory_order_relaxed);
    st->spin_ns = x.spin_ns.load(std::memory_order_relaxed);
    st->lead_ns = x.lead_ns.load(std::memory_order_relaxed);
    st->lead_max_ns = x.lead_max_ns.load(std::memory_order_relaxed);
}

extern "C" int
ns3c_router_new(ns3c_sim *sim, const char *name, ns3c_router **out, char *err)
{
    *out = nullptr;
    if (!name_ok(name))
        return seterr(err, NS3C_EINVAL,
                      "router name \"%s\" must be 1..%d characters of A-Z a-z 0-9 _ . -",
                      name != nullptr ? name : "(null)", NS3C_NAME_MAX);
    for (auto &r : sim->routers)
        if (r->name == name)
            return seterr(err, NS3C_EEXIST, "router \"%s\" already exists", name);
    {
        std::lock_guard<std::mutex> lk(sim->mu);
        if (sim->state != State::BUILD)
            return seterr(err, NS3C_ESTATE, "routers are made before the simulation runs");
    }
    try {
        auto r = std::make_unique<ns3c_router>();
        r->sim = sim;
        r->name = name;
        r->node = CreateObject<Node>();
        InternetStackHelper ish;
        /* IPv4 only: the scenarios use 198.18.0.0/15, and an IPv6 stack
         * would fill the captures with its own chatter. */
        ish.SetIpv6StackInstall(false);
        ish.Install(r->node);
        *out = r.get();
        sim->routers.push_back(std::move(r));
        return NS3C_OK;
    }
    NS3C_CATCH(err)
}

extern "C" int
ns3c_router_add_link(ns3c_router *r, ns3c_link *l, const char *cidr, char *err)
{
    struct ipv4_cidr c;
    char why[EDGE_ERR_LEN];

    /* The one parser of simulated addresses (base/ipv4.h): 198.18.0.0/15, a host's address. */
    if (ipv4_cidr_parse(cidr, IPV4_CIDR_HOST, &c, why) != 0)
        return seterr(err, NS3C_EINVAL, "router \"%s\": %s", r->name.c_str(), why);
    uint32_t addr = c.addr, mask = ipv4_mask(c.plen);
    if (r->on(l))
        return seterr(err, NS3C_EEXIST, "router \"%s\" is already on link \"%s\"", r->name.c_str(),
                      l->name.c_str());
    {
        std::lock_guard<std::mutex> lk(r->sim->mu);
        if (r->sim->state != State::BUILD)
            return seterr(err, NS3C_ESTATE, "router links are added before the simulation runs");
    }
    try {
        SimpleNetDeviceHelper sh;
        sh.SetDeviceAttribute("DataRate", DataRateValue(DataRate(l->p.rate_bps)));
        sh.SetQueue("ns3::DropTailQueue<Packet>", "MaxSize", QueueSizeValue(QueueSize(TX_QUEUE)));
        Ptr<SimpleNetDevice> sd = DynamicCast<SimpleNetDevice>(sh.Install(r->node, l->chan).Get(0));
        sd->SetMtu(l->mtu);
        Ptr<Ipv4> ip = r->node->GetObject<Ipv4>();
        int32_t ifi = ip->AddInterface(sd);
        ip->AddAddress(ifi, Ipv4InterfaceAddress(Ipv4Address(addr), Ipv4Mask(mask)));
        ip->SetUp(ifi);
        l->devices.push_back({sd, false});
        r->ifs.push_back({l, addr, mask, ifi});
        return NS3C_OK;
    }
    NS3C_CATCH(err)
}

extern "C" int
ns3c_run(ns3c_sim *sim, void (*ready)(void *), void *arg, char *err)
{
    if (std::this_thread::get_id() != sim->owner)
        return seterr(err, NS3C_ESTATE,
                      "ns3c_run must be called by the thread that made the "
                      "simulation");
    {
        std::lock_guard<std::mutex> lk(sim->mu);
        if (sim->state != State::BUILD)
            return seterr(err, NS3C_ESTATE, "the simulation has already run");
    }
    try {
        sim->ready = ready;
        sim->ready_arg = arg;
        Ptr<RealtimeSimulatorImpl> rt =
            DynamicCast<RealtimeSimulatorImpl>(Simulator::GetImplementation());
        if (rt == nullptr)
            throw std::runtime_error("the simulator is not ns3::RealtimeSimulatorImpl");
        sim->exit.bind(rt);
        /* This thread's timed waits end as close to their time as the kernel
         * can: the default slack of 50 us would be added to every event that
         * follows an idle wait (ExitClock covers what is left). */
        prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
        add_routes(sim);
        Simulator::Schedule(Seconds(0), &on_start, sim);
        Simulator::Schedule(Seconds(0), &stop_poll, sim);
        std::string why;
        if (!sim->taps.start(why))
            throw std::runtime_error(why);
        Simulator::Run();
        sim->taps.stop();
    } catch (const std::exception &e) {
        sim->taps.stop();
        seterr(err, NS3C_ENS3, "ns-3 failed: %s", e.what());
        std::lock_guard<std::mutex> lk(sim->mu);
        sim->state = State::DONE;
        sim->cv.notify_all();
        return NS3C_ENS3;
    }
    std::lock_guard<std::mutex> lk(sim->mu);
    sim->state = State::DONE;
    sim->cv.notify_all();
    return NS3C_OK;
}

extern "C" void
ns3c_stop(ns3c_sim *sim)
{
    /* std::atomic<bool> is lock-free here, so this is async-signal-safe. */
    static_assert(std::atomic<bool>::is_always_lock_free, "atomic bool must be lock-free");
    sim->stop_req.store(true);
}
