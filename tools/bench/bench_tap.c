/* bench_tap.c -- edge-bench's cast on a simulated backhaul: ecs1 (with ees1) and ecs2 (with
 * ees11) each in a network namespace of their own, joined by one link that ns-3 simulates
 * (edge-netsim bridging the two namespaces' TAP devices, as a scenario run in TAP mode does, with
 * tools/runner's hostnet library). A token request ees1 sends to ecs1 for ees11 then crosses the
 * backhaul twice per ECS-to-ECS exchange (TR 33.739 6.27: ecs1 looks ees11 up at ecs2, forwards the
 * request, relays the answer), with the link's delay each way.
 *
 * The load client runs in ecs1's namespace (its sockets are made there), so the only simulated
 * hop is the backhaul. The reference of the figure's latencies is the link's round trip measured
 * in the same run: the time a TCP connection from ecs1's namespace to ecs2 takes to open.
 * Namespaces and TAP devices need root; without it (or without /dev/net/tun or edge-netsim) the
 * figure is skipped, and edge-bench says why. */
#include "bench_tap.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "base/clock.h"
#include "ctl/ctl_client.h"
#include "hostnet.h"

#define TAP_NET "198.18.250"    /* the backhaul's subnet, inside the run's namespaces only */
#define TAP_READY_MS 15000      /* edge-netsim's start */
#define TAP_RTT_SAMPLES 21      /* TCP connections opened to measure the round trip */
#define TAP_RTT_TIMEOUT_MS 5000 /* one of them */
#define TAP_STOP_MS 5000

/* Why the figure cannot run here, or NULL. */
static const char *
bench_tap_unsupported(const struct bench_opts *o, char *why, size_t len)
{
    char netsim[BENCH_PATH_MAX + 16];

    snprintf(netsim, sizeof(netsim), "%s/edge-netsim", o->bin_dir);
    if (geteuid() != 0)
        snprintf(why, len, "needs root (network namespaces and TAP devices)");
    else if (access("/dev/net/tun", R_OK | W_OK) != 0)
        snprintf(why, len, "no /dev/net/tun");
    else if (access(netsim, X_OK) != 0)
        snprintf(why, len, "no %s (built with EDGESIM_NS3 and libns3-dev)", netsim);
    else
        return NULL;
    return why;
}

/* The two namespaces and their TAP devices; fds[] get the TAP fds. */
static int
bench_tap_plumb(struct bench_tap *t, int fds[2], char *err)
{
    static const char *const ns[2] = {"ecs1", "ecs2"};
    char ifname[HOSTNET_IFNAME_LEN], cidr[2][32];

    for (int i = 0; i < 2; i++) {
        struct hostnet_tap tap = {.node = ns[i], .cidr = cidr[i]};
        snprintf(cidr[i], sizeof(cidr[i]), TAP_NET ".%d/24", i + 1);
        if (hostnet_ns_add(t->cast.run, ns[i], err) < 0 ||
            hostnet_tap_add(t->cast.run, &tap, &fds[i], ifname, err) < 0)
            return -1;
    }
    return 0;
}

/* edge-netsim with the backhaul link and the two TAP fds; waits for its ready event. */
static int
bench_tap_netsim(struct bench_tap *t, const struct bench_opts *o, int fds[2], char *err)
{
    char netsim[BENCH_PATH_MAX + 16], topo[BENCH_PATH_MAX + 32], num[16];
    int sp[2] = {-1, -1}, keep[3] = {fds[0], fds[1], -1}, rc = -1;
    json_t *doc, *ev = NULL;

    snprintf(netsim, sizeof(netsim), "%s/edge-netsim", o->bin_dir);
    snprintf(topo, sizeof(topo), "%s/netsim.json", t->cast.dir);
    doc = json_pack("{s:i, s:[{s:s, s:s, s:f, s:b}], s:[], s:[{s:s, s:s, s:i}, {s:s, s:s, s:i}]}",
                    "seed", 1, "links", "name", "backhaul", "rate", "1Gbps", "delay_ms",
                    BENCH_TAP_DELAY_MS, "pcap", 0, "routers", "taps", "name", "ecs1", "link",
                    "backhaul", "fd", fds[0], "name", "ecs2", "link", "backhaul", "fd", fds[1]);
    if (doc == NULL || json_dump_file(doc, topo, JSON_INDENT(2)) != 0) {
        edge_err(err, "%s: cannot write", topo);
        goto done;
    }
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0) {
        edge_err(err, "socketpair: %s", strerror(errno));
        goto done;
    }
    keep[2] = sp[1];
    snprintf(num, sizeof(num), "%d", sp[1]);
    {
        char *argv[] = {netsim, "--topology", topo, "--ctl-fd", num, NULL};
        struct hostnet_spawn_opts so = {
            .keep_fds = keep, .nkeep = 3, .stdin_fd = -1, .stdout_fd = -1, .stderr_fd = -1};
        pid_t pid;
        if (hostnet_spawn(t->cast.run, NULL, argv, &so, &pid, err) < 0)
            goto done;
    }
    close(sp[1]);
    sp[1] = -1;
    if ((t->netsim = ctl_client_open(NULL, sp[0], err)) == NULL)
        goto done;
    sp[0] = -1;
    if ((ev = ctl_client_wait_event(t->netsim, "ready", TAP_READY_MS, err)) != NULL)
        rc = 0;
done:
    json_decref(ev);
    json_decref(doc);
    for (int i = 0; i < 2; i++)
        if (sp[i] >= 0)
            close(sp[i]);
    return rc;
}

static int
bench_tap_socket(void *arg)
{
    struct bench_tap *t = arg;
    char err[EDGE_ERR_LEN];
    int fd = hostnet_socket(t->cast.run, "ecs1", AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0, err);

    if (fd < 0)
        fprintf(stderr, "edge-bench: %s\n", err);
    return fd;
}

/* The backhaul's round trip: the median time a TCP connection from ecs1's namespace to ecs2's
 * port takes to open (SYN, SYN-ACK: one round trip; ecs2 accepts it, and it is closed). */
static int
bench_tap_rtt(struct bench_tap *t, char *err)
{
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_port = htons((uint16_t)t->cast.ecs[1].port)};
    double us[TAP_RTT_SAMPLES];
    int n = 0;

    inet_pton(AF_INET, t->cast.ecs[1].addr, &sa.sin_addr);
    for (int i = 0; i < TAP_RTT_SAMPLES; i++) {
        int fd = hostnet_socket(t->cast.run, "ecs1", AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0, err);
        struct pollfd p = {.fd = fd, .events = POLLOUT};
        int64_t t0 = edge_now_ns();
        int soerr = 0;
        socklen_t sl = sizeof(soerr);

        if (fd < 0)
            return -1;
        if ((connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 || errno == EINPROGRESS) &&
            poll(&p, 1, TAP_RTT_TIMEOUT_MS) == 1 &&
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == 0 && soerr == 0)
            us[n++] = (double)(edge_now_ns() - t0) / 1e3;
        close(fd);
    }
    if (n < TAP_RTT_SAMPLES / 2 + 1)
        return edge_err(err, "ecs2 at %s:%d: only %d of %d TCP connections opened",
                        t->cast.ecs[1].addr, t->cast.ecs[1].port, n, TAP_RTT_SAMPLES);
    t->rtt_us = bench_median(us, n);
    return 0;
}

/* ecs1 and ees1 in ecs1's namespace, ecs2 and ees11 in ecs2's, the pki of the main cast. */
static int
bench_tap_cast(struct bench_tap *t, const struct bench_cast *main, char *err)
{
    struct bench_cast *c = &t->cast;
    struct bench_node *nodes[4] = {&c->ecs[0], &c->ees[0], &c->ecs[1], &c->ees[1]};
    const struct bench_node *from[4] = {&main->ecs[0], &main->ees[0], &main->ecs[1],
                                        bench_far_ees(main)};
    char pki[BENCH_PATH_MAX + 8], target[BENCH_PATH_MAX + 8];

    snprintf(c->dir, sizeof(c->dir), "%.*s/tap", BENCH_PATH_MAX - 8, main->dir);
    snprintf(pki, sizeof(pki), "%s/pki", c->dir);
    snprintf(target, sizeof(target), "%s/pki", main->dir);
    if (mkdir(c->dir, 0755) < 0 || symlink(target, pki) < 0)
        return edge_err(err, "%s: %s", c->dir, strerror(errno));
    c->nees = 2;
    for (int i = 0; i < 4; i++) {
        *nodes[i] = *from[i];
        nodes[i]->pid = 0;
        nodes[i]->ns = i < 2 ? "ecs1" : "ecs2";
        snprintf(nodes[i]->addr, sizeof(nodes[i]->addr), TAP_NET ".%d", i < 2 ? 1 : 2);
    }
    return 0;
}

int
bench_tap_start(struct bench_tap *t, const struct bench_cast *main, const struct bench_opts *o,
                char *err)
{
    int fds[2] = {-1, -1}, rc = -1;

    memset(t, 0, sizeof(*t));
    if (bench_tap_unsupported(o, t->skipped, sizeof(t->skipped)) != NULL)
        return 0;
    if (bench_tap_cast(t, main, err) < 0 || (t->cast.run = hostnet_run_new(NULL, err)) == NULL)
        return -1;
    if (bench_tap_plumb(t, fds, err) == 0 && bench_tap_netsim(t, o, fds, err) == 0 &&
        bench_start_all(&t->cast, o, err) == 0 && bench_tap_rtt(t, err) == 0)
        rc = 0;
    for (int i = 0; i < 2; i++)
        if (fds[i] >= 0)
            close(fds[i]); /* edge-netsim holds the TAP devices now */
    return rc;
}

void
bench_tap_spec(struct bench_tap *t, struct load_spec *s)
{
    s->fqdn = t->cast.ecs[0].fqdn;
    s->addr = t->cast.ecs[0].addr;
    s->port = t->cast.ecs[0].port;
    s->make_socket = bench_tap_socket;
    s->socket_arg = t;
}

int
bench_tap_stop(struct bench_tap *t, char *err)
{
    char why[EDGE_ERR_LEN] = "";
    int rc = 0;

    if (t->cast.run == NULL)
        return 0;
    if (bench_cast_stop(&t->cast, 1, err) < 0)
        rc = -1;
    ctl_client_close(t->netsim);
    t->netsim = NULL;
    if (hostnet_run_end(t->cast.run, TAP_STOP_MS, why) < 0 && rc == 0)
        rc = edge_err(err, "the backhaul's namespaces: %s", why);
    t->cast.run = NULL; /* its files are in the main cast's directory, which goes or stays */
    return rc;
}
