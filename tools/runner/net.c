/* net.c -- builds a run's TAP network (tools/runner/hostnet.h + edge-netsim) or chooses loopback.
 *
 * TAP mode, per DESIGN.md "Network": one namespace per node, one TAP device
 * per node (opened in the root namespace, moved into the node's namespace,
 * addressed there, default route via its link's router), and edge-netsim
 * bridging every TAP fd to its simulated link. The links of the scenario are
 * joined by ns-3 routers: the topology's own, or one router on every link. */
#include "net.h"

#include "addrplan.h"
#include "ctl/ctl_client.h"
#include "base/err.h"
#include "hostnet.h"
#include "runlimits.h"
#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define NET_READY_MS 20000

struct net_state {
    struct hostnet_run *hr;
    int *tapfd; /* per node, -1 once handed over */
    pid_t sim_pid;
    struct ctl_client *sim;
    char pcapdir[RUN_PATH_MAX];
    char simlog[RUN_PATH_MAX];
    int torn;
};

void
net_run_id(struct run *r)
{
    static const char digits[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    unsigned char rnd[HOSTNET_RUNID_LEN];

    if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd)) {
        unsigned v = (unsigned)getpid() ^ (unsigned)time(NULL);
        for (size_t i = 0; i < sizeof(rnd); i++, v /= 7)
            rnd[i] = (unsigned char)v;
    }
    /* A letter first: a name part that never reads as a number. */
    r->id[0] = digits[rnd[0] % 26];
    for (size_t i = 1; i < HOSTNET_RUNID_LEN; i++)
        r->id[i] = digits[rnd[i] % 36];
    r->id[HOSTNET_RUNID_LEN] = '\0';
}

/* Can this machine hold the run in the mode chosen (runlimits.h)? A TAP mode that was not asked for
 * and cannot hold it gives way to loopback, as when there is no TAP device at all. */
static int
net_fits(struct run *r, const char *want, char *err)
{
    char why[EDGE_ERR_LEN], why2[EDGE_ERR_LEN];

    if (lim_check(r, r->net, why) == 0)
        return 0;
    if (want == NULL && r->net == RUN_NET_TAP && lim_check(r, RUN_NET_LOOPBACK, why2) == 0) {
        r->net = RUN_NET_LOOPBACK;
        snprintf(r->net_why, sizeof(r->net_why), "TAP mode cannot hold the run here: %.200s", why);
        return 0;
    }
    return edge_err(err, "cannot run here: %s", why);
}

int
net_choose(struct run *r, const char *want, char *err)
{
    char sim[RUN_PATH_MAX + 16];
    const char *why = NULL;

    snprintf(sim, sizeof(sim), "%s/edge-netsim", r->bindir);
    if (geteuid() != 0)
        why = "not root (namespaces and TAP devices need CAP_NET_ADMIN)";
    else if (access("/dev/net/tun", R_OK | W_OK) != 0)
        why = "no /dev/net/tun";
    else if (access(sim, X_OK) != 0)
        why = "edge-netsim is not built (no ns-3?)";
    if (want != NULL && strcmp(want, "tap") == 0) {
        if (why != NULL)
            return edge_err(err, "TAP mode cannot run here: %s", why);
        r->net = RUN_NET_TAP;
        snprintf(r->net_why, sizeof(r->net_why), "asked with --net tap");
    } else if (want != NULL && strcmp(want, "loopback") == 0) {
        r->net = RUN_NET_LOOPBACK;
        snprintf(r->net_why, sizeof(r->net_why), "asked with --net loopback");
    } else if (why == NULL) {
        r->net = RUN_NET_TAP;
        snprintf(r->net_why, sizeof(r->net_why), "root, /dev/net/tun and edge-netsim are here");
    } else {
        r->net = RUN_NET_LOOPBACK;
        snprintf(r->net_why, sizeof(r->net_why), "%s", why);
    }
    if (net_fits(r, want, err) == -1)
        return -1;
    /* A scenario about the links means nothing without them (sim.c). */
    if (r->net != RUN_NET_TAP && json_is_true(json_object_get(r->scn->root, "tapOnly")))
        return edge_err(err,
                        "cannot run here: the scenario is TAP-only (\"tapOnly\": "
                        "true) and loopback mode simulates no link (%s)",
                        r->net_why);
    return 0;
}

/* What edge-netsim's ready event says of its CPU latency request (nodes/netsim/cpu_latency.c). */
static void
net_cpu_latency(struct run *r, json_t *cpu)
{
    const char *why = json_string_value(json_object_get(cpu, "why"));

    r->cpu_latency_why[0] = '\0';
    if (!json_is_true(json_object_get(cpu, "held")))
        snprintf(r->cpu_latency_why, sizeof(r->cpu_latency_why), "%s",
                 why != NULL ? why : "edge-netsim did not say");
}

/* The routers of the simulation as edge-netsim's "routers" array. */
static json_t *
net_routers(struct run *r)
{
    struct scn *s = r->scn;
    json_t *out = json_array();
    char addr[48];

    if (s->nrouters == 0) {
        json_t *ifs = json_array();
        for (size_t li = 0; li < s->nlinks; li++) {
            addr_router(&s->links[li], 0, addr, sizeof(addr));
            snprintf(addr + strlen(addr), sizeof(addr) - strlen(addr), "/%d", s->links[li].plen);
            json_array_append_new(
                ifs, json_pack("{s:s, s:s}", "link", s->links[li].name, "address", addr));
        }
        if (s->nlinks > 1)
            json_array_append_new(out, json_pack("{s:s, s:o}", "name", "r0", "interfaces", ifs));
        else
            json_decref(ifs);
        return out;
    }
    for (size_t k = 0; k < s->nrouters; k++) {
        json_t *ifs = json_array(), *l;
        size_t j;
        json_array_foreach(s->routers[k].links, j, l)
        {
            struct scn_link *sl = scn_link(s, json_string_value(l));
            addr_router(sl, (int)k, addr, sizeof(addr));
            snprintf(addr + strlen(addr), sizeof(addr) - strlen(addr), "/%d", sl->plen);
            json_array_append_new(ifs, json_pack("{s:s, s:s}", "link", sl->name, "address", addr));
        }
        json_array_append_new(
            out, json_pack("{s:s, s:o}", "name", s->routers[k].name, "interfaces", ifs));
    }
    return out;
}

static int
net_start_sim(struct run *r, struct net_state *st, char *err)
{
    struct scn *s = r->scn;
    json_t *topo = json_object(), *links = json_array(), *taps = json_array(), *ev;
    char path[RUN_PATH_MAX + 32], exe[RUN_PATH_MAX + 16], fdarg[16], why[EDGE_ERR_LEN];
    int *keep = calloc(r->nnodes + 1, sizeof(int)), nkeep = 0, sv[2], rc = -1;

    json_object_set_new(topo, "seed", json_integer(r->seed));
    json_object_set_new(topo, "run", json_integer(1));
    for (size_t li = 0; li < s->nlinks; li++) {
        struct scn_link *l = &s->links[li];
        char pcap[RUN_PATH_MAX + 32];
        snprintf(pcap, sizeof(pcap), "%s/%s.pcap", st->pcapdir, l->name);
        json_t *lj = json_pack("{s:s, s:s, s:f, s:f, s:f, s:s}", "name", l->name, "rate", l->rate,
                               "delay_ms", l->delay_ms, "jitter_ms", l->jitter_ms, "loss", l->loss,
                               "pcap", pcap);
        if (l->mtu > 0)
            json_object_set_new(lj, "mtu", json_integer(l->mtu));
        json_array_append_new(links, lj);
    }
    json_object_set_new(topo, "links", links);
    json_object_set_new(topo, "routers", net_routers(r));
    for (size_t i = 0; i < r->nnodes; i++) {
        json_array_append_new(taps, json_pack("{s:s, s:s, s:i}", "name", r->nodes[i].sn->name,
                                              "link", r->nodes[i].sn->link, "fd", st->tapfd[i]));
        keep[nkeep++] = st->tapfd[i];
    }
    json_object_set_new(topo, "taps", taps);
    snprintf(path, sizeof(path), "%s/netsim.json", r->rundir);
    if (run_write_json(path, topo, err) == -1)
        goto done;
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
        edge_err(err, "socketpair: %s", strerror(errno));
        goto done;
    }
    keep[nkeep++] = sv[1];
    snprintf(exe, sizeof(exe), "%s/edge-netsim", r->bindir);
    snprintf(fdarg, sizeof(fdarg), "%d", sv[1]);
    const char *argv[] = {exe, "--topology", path, "--ctl-fd", fdarg, NULL};
    if (proc_spawn(r, argv, st->simlog, NULL, keep, (size_t)nkeep, &st->sim_pid, err) == -1) {
        close(sv[0]);
        close(sv[1]);
        goto done;
    }
    close(sv[1]);
    /* edge-netsim holds the TAP fds now: when it ends, the TAPs go with it. */
    for (size_t i = 0; i < r->nnodes; i++) {
        close(st->tapfd[i]);
        st->tapfd[i] = -1;
    }
    if ((st->sim = ctl_client_open(NULL, sv[0], err)) == NULL) {
        close(sv[0]);
        goto done;
    }
    proc_watch_fd(sv[0]);
    if ((ev = ctl_client_wait_event(st->sim, "ready", NET_READY_MS, why)) == NULL) {
        edge_err(err, "edge-netsim not ready: %s (see %s)", why, st->simlog);
        goto done;
    }
    net_cpu_latency(r, json_object_get(ev, "cpu_latency"));
    json_decref(ev);
    rc = 0;
done:
    free(keep);
    json_decref(topo);
    return rc;
}

/* Every node's namespace and TAP device, made together (hostnet_hosts_add). */
static int
net_hosts(struct run *r, struct net_state *st, char *err)
{
    struct hostnet_tap *t = calloc(r->nnodes + 1, sizeof(*t));
    char(*ifnames)[HOSTNET_IFNAME_LEN] = calloc(r->nnodes + 1, sizeof(*ifnames));
    char why[EDGE_ERR_LEN];
    int rc = -1;

    if (t == NULL || ifnames == NULL) {
        edge_err(err, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < r->nnodes; i++) {
        struct run_node *n = &r->nodes[i];
        t[i] = (struct hostnet_tap){.node = n->sn->name,
                                    .cidr = n->cidr,
                                    .gateway = n->gw[0] && r->scn->nlinks > 1 ? n->gw : NULL,
                                    .mtu = scn_link(r->scn, n->sn->link)->mtu};
    }
    if (hostnet_hosts_add(st->hr, t, r->nnodes, st->tapfd, ifnames, why) == -1) {
        edge_err(err, "%s", why);
        goto done;
    }
    for (size_t i = 0; i < r->nnodes; i++) {
        hostnet_ns_name(st->hr, r->nodes[i].sn->name, r->nodes[i].ns, sizeof(r->nodes[i].ns));
        snprintf(r->nodes[i].ifname, sizeof(r->nodes[i].ifname), "%s", ifnames[i]);
    }
    rc = 0;
done:
    free(t);
    free(ifnames);
    return rc;
}

static int
net_setup_tap(struct run *r, char *err)
{
    struct net_state *st;
    char why[EDGE_ERR_LEN];

    st = calloc(1, sizeof(*st));
    st->sim_pid = -1;
    st->tapfd = malloc(r->nnodes * sizeof(int));
    for (size_t i = 0; i < r->nnodes; i++)
        st->tapfd[i] = -1;
    run_pathf(st->pcapdir, sizeof(st->pcapdir), "%s/pcap", r->out);
    run_pathf(st->simlog, sizeof(st->simlog), "%s/logs/edge-netsim.log", r->out);
    r->net_state = st;
    if (run_mkdirs(st->pcapdir, err) == -1)
        return -1;
    if ((st->hr = hostnet_run_new(r->id, why)) == NULL)
        return edge_err(err, "cannot begin the TAP network: %s", why);
    if (net_hosts(r, st, err) == -1)
        return -1;
    return net_start_sim(r, st, err);
}

int
net_setup(struct run *r, char *err)
{
    char why[EDGE_ERR_LEN];

    if (r->net != RUN_NET_TAP || net_setup_tap(r, why) == 0)
        return 0;
    /* The same processes run on loopback: say so, since a newcomer's machine (a container, a
     * VM without namespaces) is where this fails. */
    return edge_err(err,
                    "TAP network not set up: %.300s; try --net loopback (same nodes, links "
                    "not simulated)",
                    why);
}

int
net_link(struct run *r, json_t *args, char *err)
{
    struct net_state *st = r->net_state;
    json_t *a, *reply, *drop = json_object_get(args, "drop");
    const char *link = json_string_value(json_object_get(args, "link"));
    char why[EDGE_ERR_LEN];
    double ms;
    int rc = -1;

    if (r->net != RUN_NET_TAP)
        return 0;
    if (st == NULL || st->sim == NULL)
        return edge_err(err, "edge-netsim is not running");
    if (json_object_size(args) > (drop ? 2u : 1u)) {
        a = json_pack("{s:s}", "link", link);
        if (json_object_get(args, "delay") != NULL &&
            scn_parse_delay(json_string_value(json_object_get(args, "delay")), &ms) == 0)
            json_object_set_new(a, "delay_ms", json_real(ms));
        if (json_object_get(args, "jitter") != NULL &&
            scn_parse_delay(json_string_value(json_object_get(args, "jitter")), &ms) == 0)
            json_object_set_new(a, "jitter_ms", json_real(ms));
        if (json_object_get(args, "loss") != NULL)
            json_object_set(a, "loss", json_object_get(args, "loss"));
        if (json_object_get(args, "rate") != NULL)
            json_object_set(a, "rate", json_object_get(args, "rate"));
        reply = ctl_client_call(st->sim, "link", a, 10000, why);
        json_decref(a);
        if (reply == NULL || !json_is_true(json_object_get(reply, "ok"))) {
            edge_err(err, "edge-netsim link %s: %s", link,
                     reply ? json_string_value(
                                 json_object_get(json_object_get(reply, "error"), "message"))
                           : why);
            json_decref(reply);
            return -1;
        }
        json_decref(reply);
    }
    if (drop != NULL) {
        json_t *between = json_object_get(drop, "between");
        struct run_node *x = run_node(r, json_string_value(json_array_get(between, 0)));
        struct run_node *y = run_node(r, json_string_value(json_array_get(between, 1)));
        a = json_pack("{s:s, s:O, s:i}", "link", link, "count", json_object_get(drop, "count"),
                      "proto", 6);
        if (x != NULL)
            json_object_set_new(a, "src", json_string(x->addr));
        if (y != NULL)
            json_object_set_new(a, "dst", json_string(y->addr));
        json_object_set_new(a, "both_ways", json_true());
        if (json_object_get(drop, "port") != NULL)
            json_object_set(a, "port", json_object_get(drop, "port"));
        reply = ctl_client_call(st->sim, "drop", a, 10000, why);
        json_decref(a);
        if (reply == NULL || !json_is_true(json_object_get(reply, "ok"))) {
            edge_err(err, "edge-netsim drop on %s: %s", link,
                     reply ? json_string_value(
                                 json_object_get(json_object_get(reply, "error"), "message"))
                           : why);
            json_decref(reply);
            return -1;
        }
        json_decref(reply);
    }
    rc = 1;
    return rc;
}

struct hostnet_run *
net_hostnet(struct run *r)
{
    struct net_state *st = r->net_state;

    return st != NULL ? st->hr : NULL;
}

void
net_teardown(struct run *r)
{
    struct net_state *st = r->net_state;
    char why[EDGE_ERR_LEN], sts[128];
    int status;

    if (st == NULL || st->torn)
        return;
    st->torn = 1;
    if (st->sim_pid > 0) {
        kill(st->sim_pid, SIGTERM);
        if (proc_wait_exit(r, st->sim_pid, 10000, &status) == 0) {
            kill(st->sim_pid, SIGKILL);
            proc_wait_exit(r, st->sim_pid, 5000, &status);
            fprintf(stderr, "edge-run: edge-netsim did not stop on SIGTERM: killed\n");
        } else if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
            fprintf(stderr, "edge-run: edge-netsim %s (see %s)\n",
                    proc_status_str(status, sts, sizeof(sts)), st->simlog);
        }
        st->sim_pid = -1;
    }
    if (st->sim != NULL) {
        proc_unwatch_fd(ctl_client_fd(st->sim));
        ctl_client_close(st->sim);
        st->sim = NULL;
    }
    for (size_t i = 0; i < r->nnodes; i++)
        if (st->tapfd[i] >= 0)
            close(st->tapfd[i]);
    if (st->hr != NULL && hostnet_run_end(st->hr, 3000, why) == -1)
        fprintf(stderr, "edge-run: teardown: %s\n", why);
    st->hr = NULL;
}

void
net_free(struct run *r)
{
    struct net_state *st = r->net_state;

    if (st == NULL)
        return;
    free(st->tapfd);
    free(st);
    r->net_state = NULL;
}

json_t *
net_summary(struct run *r)
{
    json_t *nodes = json_object();

    for (size_t i = 0; i < r->nnodes; i++) {
        struct run_node *n = &r->nodes[i];
        json_t *e = json_pack("{s:s, s:s, s:s, s:s, s:s, s:i}", "kind", scn_kind_name(n->sn->kind),
                              "id", n->sn->id, "host", n->host, "link", n->sn->link, "addr",
                              n->addr, "port", n->port);
        if (r->net == RUN_NET_TAP) {
            json_object_set_new(e, "netns", json_string(n->ns));
            json_object_set_new(e, "interface", json_string(n->ifname));
            json_object_set_new(e, "cidr", json_string(n->cidr));
            json_object_set_new(e, "gateway", json_string(n->gw));
        }
        json_object_set_new(e, "ctl", json_string(n->ctl));
        json_object_set_new(nodes, n->sn->name, e);
    }
    return nodes;
}

json_t *
net_topology(struct run *r)
{
    json_t *links = json_object(), *routers = json_object();

    for (size_t i = 0; i < r->scn->nlinks; i++) {
        struct scn_link *l = &r->scn->links[i];
        json_object_set_new(links, l->name,
                            json_pack("{s:s, s:f, s:f, s:f}", "rate", l->rate, "delay_ms",
                                      l->delay_ms, "jitter_ms", l->jitter_ms, "loss", l->loss));
    }
    for (size_t i = 0; i < r->scn->nrouters; i++)
        json_object_set(routers, r->scn->routers[i].name, r->scn->routers[i].links);
    return json_pack("{s:o, s:o}", "links", links, "routers", routers);
}

json_t *
net_pcaps(struct run *r)
{
    struct net_state *st = r->net_state;
    json_t *out = json_array();
    char path[RUN_PATH_MAX + 64];

    if (r->net != RUN_NET_TAP || st == NULL)
        return out;
    for (size_t li = 0; li < r->scn->nlinks; li++) {
        snprintf(path, sizeof(path), "%s/%s.pcap", st->pcapdir, r->scn->links[li].name);
        if (access(path, R_OK) == 0)
            json_array_append_new(
                out, json_pack("{s:s, s:s}", "link", r->scn->links[li].name, "path", path));
    }
    return out;
}

int
net_clean(char *err)
{
    int removed = 0;
    char why[EDGE_ERR_LEN];

    if (geteuid() != 0)
        return edge_err(err, "cleaning namespaces and TAP devices needs root");
    if (hostnet_clean_stale(&removed, why) == -1)
        return edge_err(err, "%s", why);
    printf("edge-run clean: removed what was left of %d dead run%s\n", removed,
           removed == 1 ? "" : "s");
    return 0;
}
