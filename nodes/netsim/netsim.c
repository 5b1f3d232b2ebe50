/* netsim.c -- edge-netsim: runs a topology of simulated links (ns-3, real time) bridged to TAP fds.
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
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <event2/event.h>
#include <jansson.h>

#include "base/config.h"
#include "base/err.h"
#include "base/json_strict.h"
#include "ctl/ctl.h"
#include "ns3c.h"

#define NETSIM_MAX_TAPS 256
#define NETSIM_MAX_LINKS 256
#define NETSIM_DELAY_MAX_MS 60000 /* as ns3c: a typo (40000 for 40) is refused, not run */

struct netsim {
    const char *topo_path;
    struct config *cf; /* the topology file */
    json_t *topo;      /* its root, borrowed from cf */
    struct ns3c_sim *sim;
    struct event_base *base;
    struct ctl *ctl;
    struct event *sig_ev, *wake_ev;
    int sigfd;
    int wake[2]; /* simulator thread / main thread -> control thread */
    pthread_t ctl_thread;
    int ctl_running;
    int ready; /* control thread only */
};

/* ---- topology ---- */

/* Read through the js_field tables of base/json_strict.h, as every config and body is: an error
 * names the file and the field's path ("topo.json: links[0].loss: 2 is out of range (0 to 1)").
 * The values ns-3 itself checks (names, rates) are refused by the binding with the same path. */

static int
check_rate(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    uint64_t bps;

    (void)f;
    (void)ctx;
    return ns3c_parse_rate(json_string_value(v), &bps, why) == NS3C_OK ? 0 : -1;
}

/* A path, true (<pcap_dir>/<link>.pcap) or false (none). */
static int
check_pcap(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    (void)f;
    (void)ctx;
    if (!json_is_string(v) && !json_is_boolean(v))
        return edge_err(why, "expected a path, true or false");
    return 0;
}

struct link_spec {
    const char *name, *rate;
    double delay_ms, jitter_ms, loss;
    long long mtu;
    json_t *pcap;
};

#define L(m) offsetof(struct link_spec, m)
static const struct js_field link_fields[] = {
    {.name = "name", .type = JS_STRING, .flags = JS_REQUIRED | JS_STORE, .store = L(name)},
    {.name = "rate", .type = JS_STRING, .flags = JS_STORE, .store = L(rate), .check = check_rate},
    {.name = "delay_ms",
     .type = JS_NUMBER,
     .flags = JS_STORE,
     .store = L(delay_ms),
     .check = js_check_range,
     .max = NETSIM_DELAY_MAX_MS},
    {.name = "jitter_ms",
     .type = JS_NUMBER,
     .flags = JS_STORE,
     .store = L(jitter_ms),
     .check = js_check_range,
     .max = NETSIM_DELAY_MAX_MS},
    {.name = "loss",
     .type = JS_NUMBER,
     .flags = JS_STORE,
     .store = L(loss),
     .check = js_check_range,
     .max = 1},
    {.name = "mtu",
     .type = JS_INT,
     .flags = JS_STORE,
     .store = L(mtu),
     .check = js_check_range,
     .min = 68,
     .max = 9000},
    {.name = "pcap", .type = JS_ANY, .flags = JS_STORE, .store = L(pcap), .check = check_pcap},
    {0},
};
#undef L

struct iface_spec {
    const char *link, *address;
};

static const struct js_field iface_fields[] = {
    {.name = "link",
     .type = JS_STRING,
     .flags = JS_REQUIRED | JS_STORE,
     .store = offsetof(struct iface_spec, link)},
    {.name = "address",
     .type = JS_STRING,
     .flags = JS_REQUIRED | JS_STORE,
     .store = offsetof(struct iface_spec, address),
     .check = js_check_cidr},
    {0},
};

struct router_spec {
    const char *name;
    json_t *interfaces;
};

static const struct js_field router_fields[] = {
    {.name = "name",
     .type = JS_STRING,
     .flags = JS_REQUIRED | JS_STORE,
     .store = offsetof(struct router_spec, name)},
    {.name = "interfaces",
     .type = JS_ARRAY,
     .flags = JS_REQUIRED | JS_NONEMPTY | JS_STORE,
     .store = offsetof(struct router_spec, interfaces),
     .max_len = NETSIM_MAX_TAPS,
     .sub = iface_fields},
    {0},
};

struct tap_spec {
    const char *name, *link;
    long long fd;
};

static const struct js_field tap_fields[] = {
    {.name = "name",
     .type = JS_STRING,
     .flags = JS_REQUIRED | JS_STORE,
     .store = offsetof(struct tap_spec, name)},
    {.name = "link",
     .type = JS_STRING,
     .flags = JS_REQUIRED | JS_STORE,
     .store = offsetof(struct tap_spec, link)},
    /* An inherited /dev/net/tun fd: never stdin, stdout or stderr. */
    {.name = "fd",
     .type = JS_INT,
     .flags = JS_REQUIRED | JS_STORE,
     .store = offsetof(struct tap_spec, fd),
     .check = js_check_range,
     .min = 3,
     .max = INT_MAX},
    {0},
};

struct topo_spec {
    long long seed, run;
    const char *pcap_dir;
    json_t *links, *routers, *taps;
};

#define T(m) offsetof(struct topo_spec, m)
static const struct js_field topo_fields[] = {
    {.name = "seed",
     .type = JS_INT,
     .flags = JS_STORE,
     .store = T(seed),
     .check = js_check_range,
     .min = 1,
     .max = UINT32_MAX},
    {.name = "run",
     .type = JS_INT,
     .flags = JS_STORE,
     .store = T(run),
     .check = js_check_range,
     .min = 1,
     .max = UINT32_MAX},
    {.name = "pcap_dir", .type = JS_STRING, .flags = JS_NONEMPTY | JS_STORE, .store = T(pcap_dir)},
    {.name = "links",
     .type = JS_ARRAY,
     .flags = JS_REQUIRED | JS_NONEMPTY | JS_STORE,
     .store = T(links),
     .max_len = NETSIM_MAX_LINKS,
     .sub = link_fields},
    {.name = "routers",
     .type = JS_ARRAY,
     .flags = JS_STORE,
     .store = T(routers),
     .max_len = NETSIM_MAX_LINKS,
     .sub = router_fields},
    {.name = "taps",
     .type = JS_ARRAY,
     .flags = JS_STORE,
     .store = T(taps),
     .max_len = NETSIM_MAX_TAPS,
     .sub = tap_fields},
    {0},
};
#undef T

/* Report "FILE: path: message" into err, for what the ns-3 binding refuses. */
static int
topo_err(struct netsim *ns, char *err, const char *path, const char *msg)
{
    return edge_err(err, "%s: %s: %s", config_path(ns->cf), path, msg);
}

static int
build_link(struct netsim *ns, json_t *lj, size_t idx, const char *pcap_dir, char *err)
{
    struct link_spec ls = {.mtu = 0};
    struct ns3c_link_params p = {0, 0, 0, 0};
    struct ns3c_link *l;
    char path[64], e[NS3C_ERR_LEN], file[PATH_MAX];

    snprintf(path, sizeof path, "links[%zu]", idx);
    if (config_decode_at(ns->cf, lj, path, link_fields, &ls, err) < 0)
        return -1;
    p.delay_ms = ls.delay_ms;
    p.jitter_ms = ls.jitter_ms;
    p.loss = ls.loss;
    if (ls.rate != NULL && ns3c_parse_rate(ls.rate, &p.rate_bps, e) != NS3C_OK)
        return topo_err(ns, err, path, e);
    if (ns3c_link_new(ns->sim, ls.name, &p, (uint16_t)ls.mtu, &l, e) != NS3C_OK)
        return topo_err(ns, err, path, e);
    file[0] = '\0';
    if (json_is_string(ls.pcap))
        snprintf(file, sizeof file, "%s", json_string_value(ls.pcap));
    else if ((ls.pcap == NULL || json_is_true(ls.pcap)) && pcap_dir != NULL)
        snprintf(file, sizeof file, "%s/%s.pcap", pcap_dir, ls.name);
    else if (json_is_true(ls.pcap))
        return topo_err(ns, err, path, "pcap: true needs \"pcap_dir\" or --pcap-dir");
    if (file[0] != '\0' && ns3c_link_pcap(l, file, e) != NS3C_OK)
        return topo_err(ns, err, path, e);
    return 0;
}

/* The link named by a field at path, or NULL with the refusal in err. */
static struct ns3c_link *
find_link(struct netsim *ns, const char *name, const char *path, char *err)
{
    struct ns3c_link *l = ns3c_link_find(ns->sim, name);

    if (l == NULL)
        edge_err(err, "%s: %s.link: \"%.40s\" is not a link of \"links\"", config_path(ns->cf),
                 path, name);
    return l;
}

static int
build_router(struct netsim *ns, json_t *rj, size_t idx, char *err)
{
    struct router_spec rs = {0};
    struct ns3c_router *r;
    char path[96], e[NS3C_ERR_LEN];
    json_t *ij;
    size_t i;

    snprintf(path, sizeof path, "routers[%zu]", idx);
    if (config_decode_at(ns->cf, rj, path, router_fields, &rs, err) < 0)
        return -1;
    if (ns3c_router_new(ns->sim, rs.name, &r, e) != NS3C_OK)
        return topo_err(ns, err, path, e);
    json_array_foreach(rs.interfaces, i, ij)
    {
        struct iface_spec is = {0};
        struct ns3c_link *l;

        snprintf(path, sizeof path, "routers[%zu].interfaces[%zu]", idx, i);
        if (config_decode_at(ns->cf, ij, path, iface_fields, &is, err) < 0 ||
            (l = find_link(ns, is.link, path, err)) == NULL)
            return -1;
        if (ns3c_router_add_link(r, l, is.address, e) != NS3C_OK)
            return topo_err(ns, err, path, e);
    }
    return 0;
}

static int
build_tap(struct netsim *ns, json_t *tj, size_t idx, char *err)
{
    struct tap_spec ts = {0};
    char path[64], e[NS3C_ERR_LEN];
    struct ns3c_link *l;

    snprintf(path, sizeof path, "taps[%zu]", idx);
    if (config_decode_at(ns->cf, tj, path, tap_fields, &ts, err) < 0 ||
        (l = find_link(ns, ts.link, path, err)) == NULL)
        return -1;
    if (ns3c_link_attach_tap(l, ts.name, (int)ts.fd, e) != NS3C_OK)
        return topo_err(ns, err, path, e);
    return 0;
}

static int
load_topology(struct netsim *ns, const char *pcap_dir, char *err)
{
    struct topo_spec t = {.seed = 1, .run = 1};
    char e[NS3C_ERR_LEN];
    json_t *v;
    size_t i;

    if ((ns->cf = config_load(ns->topo_path, err)) == NULL ||
        config_decode(ns->cf, topo_fields, &t, err) < 0)
        return -1;
    ns->topo = config_root(ns->cf);
    if (pcap_dir == NULL)
        pcap_dir = t.pcap_dir;
    if (ns3c_sim_new(&ns->sim, (uint32_t)t.seed, (uint32_t)t.run, e) != NS3C_OK)
        return edge_err(err, "%s", e);
    json_array_foreach(t.links, i, v)
    {
        if (build_link(ns, v, i, pcap_dir, err) < 0)
            return -1;
    }
    json_array_foreach(t.routers, i, v)
    {
        if (build_router(ns, v, i, err) < 0)
            return -1;
    }
    json_array_foreach(t.taps, i, v)
    {
        if (build_tap(ns, v, i, err) < 0)
            return -1;
    }
    return 0;
}

/* ---- control commands (control thread) ---- */

static struct ns3c_link *
arg_link(struct netsim *ns, struct ctl_req *req, const char *name)
{
    struct ns3c_link *l = ns3c_link_find(ns->sim, name);

    if (l == NULL)
        ctl_reply_error(req, "netsim.no_link", "no link named \"%.40s\"", name);
    return l;
}

static void
reply_ns3c(struct ctl_req *req, int code, const char *e)
{
    static const char *const causes[] = {
        [NS3C_EINVAL] = "netsim.bad_args",    [NS3C_EEXIST] = "netsim.bad_args",
        [NS3C_ESTATE] = "netsim.not_running", [NS3C_EIO] = "netsim.io",
        [NS3C_ETIMEOUT] = "netsim.timeout",   [NS3C_ENS3] = "netsim.ns3"};
    const char *cause = code > 0 && code <= NS3C_ENS3 ? causes[code] : "netsim.error";

    ctl_reply_error(req, cause, "%s", e);
}

static json_t *
params_json(const char *name, const struct ns3c_link_params *p)
{
    return json_pack("{s:s, s:I, s:f, s:f, s:f}", "link", name, "rate_bps", (json_int_t)p->rate_bps,
                     "delay_ms", p->delay_ms, "jitter_ms", p->jitter_ms, "loss", p->loss);
}

/* Control arguments are read through tables too; a refusal is "netsim.bad_args" naming the
 * field. */
static int
args_decode(struct ctl_req *req, json_t *args, const struct js_field *table, void *dst)
{
    char err[EDGE_ERR_LEN];

    if (js_decode(args, "args", table, dst, NULL, err) < 0) {
        ctl_reply_error(req, "netsim.bad_args", "%s", err);
        return -1;
    }
    return 0;
}

/* {"link", "delay_ms", "jitter_ms", "loss", "rate"}: a number left out stays NAN, unchanged. */
struct link_change {
    const char *link, *rate;
    double delay_ms, jitter_ms, loss;
};

#define C(m) offsetof(struct link_change, m)
static const struct js_field link_change_fields[] = {
    {.name = "link", .type = JS_STRING, .flags = JS_REQUIRED | JS_STORE, .store = C(link)},
    {.name = "rate", .type = JS_STRING, .flags = JS_STORE, .store = C(rate), .check = check_rate},
    {.name = "delay_ms",
     .type = JS_NUMBER,
     .flags = JS_STORE,
     .store = C(delay_ms),
     .check = js_check_range,
     .max = NETSIM_DELAY_MAX_MS},
    {.name = "jitter_ms",
     .type = JS_NUMBER,
     .flags = JS_STORE,
     .store = C(jitter_ms),
     .check = js_check_range,
     .max = NETSIM_DELAY_MAX_MS},
    {.name = "loss",
     .type = JS_NUMBER,
     .flags = JS_STORE,
     .store = C(loss),
     .check = js_check_range,
     .max = 1},
    {0},
};
#undef C

static void
cmd_link(struct ctl_req *req, json_t *args, void *arg)
{
    struct link_change c = {.delay_ms = NAN, .jitter_ms = NAN, .loss = NAN};
    struct netsim *ns = arg;
    struct ns3c_link_params p = {0, 0, 0, 0};
    struct ns3c_link *l;
    char e[NS3C_ERR_LEN];
    unsigned mask = 0;
    int rc;

    if (args_decode(req, args, link_change_fields, &c) < 0 ||
        (l = arg_link(ns, req, c.link)) == NULL)
        return;
    if (c.rate != NULL && ns3c_parse_rate(c.rate, &p.rate_bps, e) == NS3C_OK)
        mask |= NS3C_SET_RATE;
    p.delay_ms = c.delay_ms;
    p.jitter_ms = c.jitter_ms;
    p.loss = c.loss;
    mask |= (isnan(c.delay_ms) ? 0 : NS3C_SET_DELAY) | (isnan(c.jitter_ms) ? 0 : NS3C_SET_JITTER) |
            (isnan(c.loss) ? 0 : NS3C_SET_LOSS);
    if (mask == 0) {
        ctl_reply_error(req, "netsim.bad_args",
                        "nothing to change: give delay_ms, jitter_ms, loss or rate");
        return;
    }
    if ((rc = ns3c_link_set(l, &p, mask, e)) != NS3C_OK ||
        (rc = ns3c_link_get(l, &p, e)) != NS3C_OK) {
        reply_ns3c(req, rc, e);
        return;
    }
    ctl_reply(req, params_json(ns3c_link_name(l), &p));
}

static json_t *
counters_json(struct ns3c_link *l)
{
    struct ns3c_counters c;

    ns3c_link_counters(l, &c, NULL);
    return json_pack("{s:I, s:I, s:I, s:I, s:I}", "tx_frames", (json_int_t)c.tx_frames, "tx_bytes",
                     (json_int_t)c.tx_bytes, "rx_frames", (json_int_t)c.rx_frames, "lost_frames",
                     (json_int_t)c.lost_frames, "ruled_frames", (json_int_t)c.ruled_frames);
}

/* {"links": {name: counters}} for one link or all of them. */
static json_t *
all_counters(struct netsim *ns, struct ns3c_link *only)
{
    json_t *links = json_object(), *v;
    size_t i;

    if (only != NULL) {
        json_object_set_new(links, ns3c_link_name(only), counters_json(only));
    } else {
        json_array_foreach(json_object_get(ns->topo, "links"), i, v)
        {
            struct ns3c_link *l =
                ns3c_link_find(ns->sim, json_string_value(json_object_get(v, "name")));
            if (l != NULL)
                json_object_set_new(links, ns3c_link_name(l), counters_json(l));
        }
    }
    return json_pack("{s:o}", "links", links);
}

static const struct js_field counters_fields[] = {
    {.name = "link", .type = JS_STRING, .flags = JS_STORE, .store = 0},
    {0},
};

static void
cmd_counters(struct ctl_req *req, json_t *args, void *arg)
{
    struct netsim *ns = arg;
    struct ns3c_link *l = NULL;
    const char *name = NULL;

    if (args_decode(req, args, counters_fields, &name) < 0 ||
        (name != NULL && (l = arg_link(ns, req, name)) == NULL))
        return;
    ctl_reply(req, all_counters(ns, l));
}

/* {"link", "count", "src", "dst", "both_ways", "proto", "port"}: drop the next count frames. */
struct drop_args {
    const char *link, *src, *dst;
    long long count, proto, port;
    int both_ways;
};

#define D(m) offsetof(struct drop_args, m)
static const struct js_field drop_fields[] = {
    {.name = "link", .type = JS_STRING, .flags = JS_REQUIRED | JS_STORE, .store = D(link)},
    {.name = "count",
     .type = JS_INT,
     .flags = JS_REQUIRED | JS_STORE,
     .store = D(count),
     .check = js_check_range,
     .min = 1,
     .max = 1000000},
    {.name = "src", .type = JS_STRING, .flags = JS_STORE, .store = D(src)},
    {.name = "dst", .type = JS_STRING, .flags = JS_STORE, .store = D(dst)},
    {.name = "both_ways", .type = JS_BOOL, .flags = JS_STORE, .store = D(both_ways)},
    {.name = "proto", /* an IP protocol number */
     .type = JS_INT,
     .flags = JS_STORE,
     .store = D(proto),
     .check = js_check_range,
     .min = 1,
     .max = 255},
    {.name = "port",
     .type = JS_INT,
     .flags = JS_STORE,
     .store = D(port),
     .check = js_check_range,
     .min = 1,
     .max = 65535},
    {0},
};
#undef D

static void
cmd_drop(struct ctl_req *req, json_t *args, void *arg)
{
    struct netsim *ns = arg;
    struct drop_args a = {0};
    struct ns3c_drop d = {0, NULL, NULL, 0, 0, 0};
    struct ns3c_link *l;
    char e[NS3C_ERR_LEN];
    int rc;

    if (args_decode(req, args, drop_fields, &a) < 0 || (l = arg_link(ns, req, a.link)) == NULL)
        return;
    d.count = (uint32_t)a.count;
    d.src = a.src;
    d.dst = a.dst;
    d.both_ways = a.both_ways;
    d.proto = (uint8_t)a.proto;
    d.port = (uint16_t)a.port;
    if ((rc = ns3c_link_drop(l, &d, e)) != NS3C_OK) {
        reply_ns3c(req, rc, e);
        return;
    }
    ctl_reply(req,
              json_pack("{s:s, s:I}", "link", ns3c_link_name(l), "count", (json_int_t)a.count));
}

static void
cmd_stop(struct ctl_req *req, json_t *args, void *arg)
{
    struct netsim *ns = arg;

    (void)args;
    ns3c_stop(ns->sim);
    ctl_reply(req, json_pack("{s:b}", "stopping", 1));
}

static void
cmd_ping(struct ctl_req *req, json_t *args, void *arg)
{
    struct netsim *ns = arg;

    (void)args;
    ctl_reply(req, json_pack("{s:b}", "ready", ns->ready));
}

/* ---- threads ---- */

/* Simulator thread: the simulation runs; tell the control thread. */
static void
on_ready(void *arg)
{
    struct netsim *ns = arg;
    char c = 'r';

    (void)!write(ns->wake[1], &c, 1);
}

static void
wake_cb(evutil_socket_t fd, short what, void *arg)
{
    struct netsim *ns = arg;
    char buf[16];
    ssize_t n, i;

    (void)what;
    if ((n = read(fd, buf, sizeof buf)) <= 0)
        return;
    for (i = 0; i < n; i++) {
        if (buf[i] == 'r') {
            ns->ready = 1;
            /* {"links": {...}, "pid": N}: what the runner needs to know. */
            json_t *info = all_counters(ns, NULL);
            json_object_set_new(info, "pid", json_integer(getpid()));
            ctl_ready(ns->ctl, info);
        } else if (buf[i] == 'q') {
            event_base_loopbreak(ns->base);
        }
    }
}

static void
signal_cb(evutil_socket_t fd, short what, void *arg)
{
    struct netsim *ns = arg;
    struct signalfd_siginfo si;

    (void)what;
    if (read(fd, &si, sizeof si) == (ssize_t)sizeof si)
        ns3c_stop(ns->sim);
}

static void *
ctl_main(void *arg)
{
    struct netsim *ns = arg;

    event_base_dispatch(ns->base);
    return NULL;
}

static int
setup_control(struct netsim *ns, const char *path, int fd, const sigset_t *sigs, char *err)
{
    static const struct {
        const char *name;
        ctl_handler h;
    } cmds[] = {{"link", cmd_link},
                {"counters", cmd_counters},
                {"drop", cmd_drop},
                {"stop", cmd_stop},
                {"ping", cmd_ping}};
    size_t i;

    if ((ns->base = event_base_new()) == NULL)
        return edge_err(err, "cannot make an event base");
    if ((ns->ctl = ctl_new(ns->base, "netsim", path, fd, err)) == NULL)
        return -1;
    for (i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        if (ctl_command(ns->ctl, cmds[i].name, cmds[i].h, ns, err) < 0)
            return -1;
    if ((ns->sigfd = signalfd(-1, sigs, SFD_CLOEXEC | SFD_NONBLOCK)) < 0)
        return edge_err(err, "signalfd: %s", strerror(errno));
    if (pipe2(ns->wake, O_CLOEXEC) < 0)
        return edge_err(err, "pipe: %s", strerror(errno));
    ns->sig_ev = event_new(ns->base, ns->sigfd, EV_READ | EV_PERSIST, signal_cb, ns);
    ns->wake_ev = event_new(ns->base, ns->wake[0], EV_READ | EV_PERSIST, wake_cb, ns);
    if (ns->sig_ev == NULL || ns->wake_ev == NULL || event_add(ns->sig_ev, NULL) < 0 ||
        event_add(ns->wake_ev, NULL) < 0)
        return edge_err(err, "cannot watch the signal and wake fds");
    return 0;
}

static void
usage(FILE *f)
{
    fprintf(f, "usage: edge-netsim --topology FILE [--ctl PATH] [--ctl-fd N] [--pcap-dir DIR]\n"
               "  Runs the topology's links in ns-3 (real time), bridged to inherited TAP fds.\n"
               "  Topology format and control commands: nodes/netsim/README.md\n");
}

int
main(int argc, char **argv)
{
    struct netsim ns = {.sigfd = -1, .wake = {-1, -1}};
    const char *ctl_path = NULL, *pcap_dir = NULL;
    char err[EDGE_ERR_LEN];
    int ctl_fd = -1, rc = 1, i;
    sigset_t sigs;

    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        }
        if (v == NULL) {
            usage(stderr);
            return 2;
        }
        if (strcmp(a, "--topology") == 0) {
            ns.topo_path = v;
        } else if (strcmp(a, "--ctl") == 0) {
            ctl_path = v;
        } else if (strcmp(a, "--pcap-dir") == 0) {
            pcap_dir = v;
        } else if (strcmp(a, "--ctl-fd") == 0) {
            char *end;
            long n = strtol(v, &end, 10);
            if (*end != '\0' || n < 0 || n > INT_MAX || fcntl((int)n, F_GETFD) < 0) {
                fprintf(stderr, "edge-netsim: --ctl-fd %s: not an open fd\n", v);
                return 2;
            }
            ctl_fd = (int)n;
        } else {
            usage(stderr);
            return 2;
        }
        i++;
    }
    if (ns.topo_path == NULL || (ctl_path == NULL && ctl_fd < 0)) {
        usage(stderr);
        return 2;
    }

    /* Signals are taken by the control thread's signalfd: block them before
     * any thread (ns-3 makes one per TAP) exists, so all inherit the mask. */
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (load_topology(&ns, pcap_dir, err) < 0 ||
        setup_control(&ns, ctl_path, ctl_fd, &sigs, err) < 0)
        goto done;
    if (pthread_create(&ns.ctl_thread, NULL, ctl_main, &ns) != 0) {
        edge_err(err, "cannot start the control thread");
        goto done;
    }
    ns.ctl_running = 1;
    {
        char e[NS3C_ERR_LEN];
        if (ns3c_run(ns.sim, on_ready, &ns, e) != NS3C_OK) {
            edge_err(err, "%s", e);
            goto done;
        }
    }
    rc = 0;
done:
    if (ns.ctl_running) {
        char c = 'q';
        (void)!write(ns.wake[1], &c, 1);
        pthread_join(ns.ctl_thread, NULL);
    }
    if (rc == 0 && ns.sim != NULL) {
        /* The last counters, for the run's summary. */
        json_t *last = all_counters(&ns, NULL);
        json_object_set_new(last, "event", json_string("stopped"));
        char *s = json_dumps(last, JSON_COMPACT | JSON_SORT_KEYS);
        if (s != NULL)
            printf("%s\n", s);
        free(s);
        json_decref(last);
        fflush(stdout);
    }
    if (rc != 0)
        fprintf(stderr, "edge-netsim: %s\n", err);
    ctl_free(ns.ctl);
    if (ns.sig_ev != NULL)
        event_free(ns.sig_ev);
    if (ns.wake_ev != NULL)
        event_free(ns.wake_ev);
    if (ns.base != NULL)
        event_base_free(ns.base);
    if (ns.sigfd >= 0)
        close(ns.sigfd);
    if (ns.wake[0] >= 0) {
        close(ns.wake[0]);
        close(ns.wake[1]);
    }
    ns3c_sim_free(ns.sim);
    config_free(ns.cf);
    return rc;
}
