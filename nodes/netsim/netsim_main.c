/* netsim_main.c -- edge-netsim: runs a topology of simulated links (ns-3, real time) bridged to TAP
 * fds.
 *
 * Usage: edge-netsim --topology FILE [--ctl PATH] [--ctl-fd N] [--pcap-dir DIR]
 *
 * The runner (tools/edgesim, through tools/runner/hostnet.h) makes the TAP devices,
 * moves them into the nodes' namespaces and starts edge-netsim with their fds
 * inherited; edge-netsim bridges each fd to its link, runs until SIGTERM,
 * SIGINT or the "stop" command, and exits 0 with every pcap complete.
 *
 * Topology (JSON; unknown fields are refused, errors name FILE and the field):
 *   {
 *     "seed": 1, "run": 1,            optional: random streams of loss and jitter
 *     "pcap_dir": "run/pcap",         optional: default <pcap_dir>/<link>.pcap
 *     "cpu_latency_qos": true,        optional: keep idle CPUs quick to wake (cpu_latency.c)
 *     "links": [
 *       {"name": "ran",               [A-Za-z0-9_.-], at most 31
 *        "rate": "100Mbps",           bps|kbps|Mbps|Gbps, or "unlimited" (default)
 *        "delay_ms": 10,              one-way delay (default 0)
 *        "jitter_ms": 0,              each frame's delay in delay +- jitter; no reordering
 *        "loss": 0.0,                 frame loss probability (default 0)
 *        "mtu": 1500,                 IP MTU of the link (default 1500)
 *        "pcap": "ran.pcap"}          path | true (<pcap_dir>/<name>.pcap) | false (none)
 *     ],
 *     "routers": [
 *       {"name": "r1", "interfaces": [{"link": "ran", "address": "198.18.1.1/24"},
 *                                     {"link": "backhaul", "address": "198.18.9.1/24"}]}
 *     ],
 *     "taps": [
 *       {"name": "eec1", "link": "ran", "fd": 5}     fd: an inherited /dev/net/tun fd
 *     ]
 *   }
 * Router addresses come from 198.18.0.0/15 like every simulated address.
 *
 * Control socket: the node protocol of common/ctl/ctl.h ({"id":1,"cmd":..,"args":{..}}
 * per line); {"event":"ready",...} is sent once the simulation runs. Commands:
 *   status / ping                          {"ready":bool,...}
 *   link     {"link","delay_ms","jitter_ms","loss","rate"}   change a link now
 *   counters {"link"?}                     per-link frame counters
 *   drop     {"link","count","src","dst","both_ways","proto","port"}
 *            drop the next count IPv4 frames on the link that match
 *   stop                                   same as SIGTERM
 * nodes/netsim/README.md has the details and examples. */
#include "netsim.h"
#include "base/err.h"
#include "cpu_latency.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void
usage(FILE *f)
{
    fprintf(f, "usage: edge-netsim --topology FILE [--ctl PATH] [--ctl-fd N] [--pcap-dir DIR]\n"
               "  Runs the topology's links in ns-3 (real time), bridged to inherited TAP fds.\n"
               "  Topology format and control commands: nodes/netsim/README.md\n");
}

struct netsim_args {
    const char *ctl_path, *pcap_dir;
    int ctl_fd;
};

/* The command line: 0, -1 when help was printed (exit 0), or 2 (usage). */
static int
parse_args(int argc, char **argv, struct netsim *ns, struct netsim_args *a)
{
    for (int i = 1; i < argc; i += 2) {
        const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        char *end;
        long n;

        if (strcmp(o, "--help") == 0 || strcmp(o, "-h") == 0) {
            usage(stdout);
            return -1;
        }
        if (v != NULL && strcmp(o, "--topology") == 0) {
            ns->topo_path = v;
        } else if (v != NULL && strcmp(o, "--ctl") == 0) {
            a->ctl_path = v;
        } else if (v != NULL && strcmp(o, "--pcap-dir") == 0) {
            a->pcap_dir = v;
        } else if (v != NULL && strcmp(o, "--ctl-fd") == 0) {
            n = strtol(v, &end, 10);
            if (*end != '\0' || n < 0 || n > INT_MAX || fcntl((int)n, F_GETFD) < 0) {
                fprintf(stderr, "edge-netsim: --ctl-fd %s: not an open fd\n", v);
                return 2;
            }
            a->ctl_fd = (int)n;
        } else {
            usage(stderr);
            return 2;
        }
    }
    if (ns->topo_path == NULL || (a->ctl_path == NULL && a->ctl_fd < 0)) {
        usage(stderr);
        return 2;
    }
    return 0;
}

/* Build, serve the control socket from its thread, and run the simulation until stopped. */
static int
run(struct netsim *ns, const struct netsim_args *a, char *err)
{
    char e[NS3C_ERR_LEN];
    sigset_t sigs;

    /* Signals are taken by the control thread's signalfd: block them before
     * any thread (ns-3 makes one per TAP) exists, so all inherit the mask. */
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (netsim_load_topology(ns, a->pcap_dir, err) < 0 ||
        netsim_setup_control(ns, a->ctl_path, a->ctl_fd, &sigs, err) < 0)
        return -1;
    /* Link accuracy depends on how fast idle CPUs wake (cpu_latency.c); without the request the
     * links still run, and the ready event says why it is not held. */
    if (!ns->cpu_latency_qos)
        snprintf(ns->cpu_latency_why, sizeof(ns->cpu_latency_why),
                 "the topology sets cpu_latency_qos to false");
    else
        ns->cpu_latency_fd = cpu_latency_hold(ns->cpu_latency_why, sizeof(ns->cpu_latency_why));
    if (pthread_create(&ns->ctl_thread, NULL, netsim_ctl_main, ns) != 0)
        return edge_err(err, "cannot start the control thread");
    ns->ctl_running = 1;
    if (ns3c_run(ns->sim, netsim_on_ready, ns, e) != NS3C_OK)
        return edge_err(err, "%s", e);
    return 0;
}

/* The last counters, for the run's summary: {"event":"stopped","links":{...}} on stdout. */
static void
print_stopped(struct netsim *ns)
{
    json_t *last = netsim_counters(ns, NULL);
    char *s;

    json_object_set_new(last, "event", json_string("stopped"));
    if ((s = json_dumps(last, JSON_COMPACT | JSON_SORT_KEYS)) != NULL)
        printf("%s\n", s);
    free(s);
    json_decref(last);
    fflush(stdout);
}

/* Ask the control thread to end and wait for it. */
static void
stop_control(struct netsim *ns)
{
    char c = 'q';

    if (!ns->ctl_running)
        return;
    (void)!write(ns->wake[1], &c, 1);
    pthread_join(ns->ctl_thread, NULL);
    ns->ctl_running = 0;
}

static void
netsim_free(struct netsim *ns)
{
    ctl_free(ns->ctl);
    if (ns->sig_ev != NULL)
        event_free(ns->sig_ev);
    if (ns->wake_ev != NULL)
        event_free(ns->wake_ev);
    if (ns->base != NULL)
        event_base_free(ns->base);
    if (ns->sigfd >= 0)
        close(ns->sigfd);
    if (ns->wake[0] >= 0) {
        close(ns->wake[0]);
        close(ns->wake[1]);
    }
    ns3c_sim_free(ns->sim);
    config_free(ns->cf);
    if (ns->cpu_latency_fd >= 0)
        close(ns->cpu_latency_fd);
}

int
main(int argc, char **argv)
{
    struct netsim ns = {.sigfd = -1, .wake = {-1, -1}, .cpu_latency_fd = -1};
    struct netsim_args a = {.ctl_fd = -1};
    char err[EDGE_ERR_LEN];
    int rc;

    if ((rc = parse_args(argc, argv, &ns, &a)) != 0)
        return rc < 0 ? 0 : rc;
    if ((rc = run(&ns, &a, err)) < 0)
        fprintf(stderr, "edge-netsim: %s\n", err);
    stop_control(&ns);
    if (rc == 0 && ns.sim != NULL)
        print_stopped(&ns);
    netsim_free(&ns);
    return rc == 0 ? 0 : 1;
}
