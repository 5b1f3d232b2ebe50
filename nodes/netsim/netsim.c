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
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <event2/event.h>
#include <jansson.h>

#include "ctl/ctl.h"
#include "base/err.h"
#include "ns3c.h"

#define NETSIM_MAX_TAPS 256

struct netsim {
    const char *topo_path;
    json_t *topo;
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

/* Report "FILE: path: message" into err. */
static int topo_err(struct netsim *ns, char *err, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
topo_err(struct netsim *ns, char *err, const char *path, const char *fmt, ...)
{
    char msg[EDGE_ERR_LEN];
    va_list ap;

    va_start(ap, fmt);
    // NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): va_start is the line above
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return edge_err(err, "%s: %s: %s", ns->topo_path, path, msg);
}

/* Refuse fields an object may not hold (names: NULL-terminated). */
static int
only_fields(struct netsim *ns, json_t *obj, const char *path, const char *const names[], char *err)
{
    const char *key;
    json_t *v;

    json_object_foreach(obj, key, v)
    {
        size_t i;
        for (i = 0; names[i] != NULL && strcmp(names[i], key) != 0; i++)
            ;
        if (names[i] == NULL)
            return topo_err(ns, err, path, "unknown field \"%s\"", key);
    }
    return 0;
}

static int
get_number(struct netsim *ns, json_t *obj, const char *path, const char *key, double min,
           double max, double *out, char *err)
{
    json_t *v = json_object_get(obj, key);

    if (v == NULL)
        return 0;
    if (!json_is_number(v))
        return topo_err(ns, err, path, "%s: expected a number", key);
    *out = json_number_value(v);
    if (!(*out >= min && *out <= max))
        return topo_err(ns, err, path, "%s: %g is not in [%g, %g]", key, *out, min, max);
    return 0;
}

static const char *
get_string(json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

/* One decimal number of at most max, made only of digits and followed by stop; *rest is past stop.
 */
static int
cidr_part(const char *s, char stop, unsigned long max, unsigned long *v, const char **rest)
{
    char *end;

    if (*s < '0' || *s > '9')
        return -1;
    errno = 0;
    *v = strtoul(s, &end, 10);
    if (errno != 0 || *v > max || *end != stop)
        return -1;
    *rest = stop == '\0' ? end : end + 1;
    return 0;
}

/* In 198.18.0.0/15, like every simulated address: NULL, or why not. */
static const char *
bench_cidr_error(const char *s)
{
    static const char stops[] = {'.', '.', '.', '/', '\0'};
    unsigned long v[5];
    const char *p = s;
    size_t i;

    for (i = 0; i < 5; i++)
        if (cidr_part(p, stops[i], i < 4 ? 255 : 32, &v[i], &p) < 0)
            return "is not of the form A.B.C.D/N";
    if (v[0] != 198 || (v[1] != 18 && v[1] != 19))
        return "is outside 198.18.0.0/15";
    if (v[4] < 15 || v[4] > 30)
        return "has a prefix length outside 15..30";
    return NULL;
}

static int
build_link(struct netsim *ns, json_t *lj, size_t idx, const char *pcap_dir, char *err)
{
    static const char *const fields[] = {"name", "rate", "delay_ms", "jitter_ms",
                                         "loss", "mtu",  "pcap",     NULL};
    struct ns3c_link_params p = {0, 0, 0, 0};
    struct ns3c_link *l;
    char path[64], e[NS3C_ERR_LEN], file[PATH_MAX];
    const char *name, *rate;
    double mtu = 0;
    json_t *pcap;

    snprintf(path, sizeof path, "links[%zu]", idx);
    if (!json_is_object(lj))
        return topo_err(ns, err, path, "expected an object");
    if (only_fields(ns, lj, path, fields, err) < 0)
        return -1;
    if ((name = get_string(lj, "name")) == NULL)
        return topo_err(ns, err, path, "name: missing or not a string");
    if ((rate = get_string(lj, "rate")) == NULL && json_object_get(lj, "rate") != NULL)
        return topo_err(ns, err, path, "rate: expected a string such as \"100Mbps\"");
    if (rate != NULL && ns3c_parse_rate(rate, &p.rate_bps, e) != NS3C_OK)
        return topo_err(ns, err, path, "rate: %s", e);
    if (get_number(ns, lj, path, "delay_ms", 0, 60000, &p.delay_ms, err) < 0 ||
        get_number(ns, lj, path, "jitter_ms", 0, 60000, &p.jitter_ms, err) < 0 ||
        get_number(ns, lj, path, "loss", 0, 1, &p.loss, err) < 0 ||
        get_number(ns, lj, path, "mtu", 68, 9000, &mtu, err) < 0)
        return -1;
    if (mtu != floor(mtu))
        return topo_err(ns, err, path, "mtu: expected an integer");
    if (ns3c_link_new(ns->sim, name, &p, (uint16_t)mtu, &l, e) != NS3C_OK)
        return topo_err(ns, err, path, "%s", e);
    pcap = json_object_get(lj, "pcap");
    file[0] = '\0';
    if (json_is_string(pcap))
        snprintf(file, sizeof file, "%s", json_string_value(pcap));
    else if ((pcap == NULL || json_is_true(pcap)) && pcap_dir != NULL)
        snprintf(file, sizeof file, "%s/%s.pcap", pcap_dir, name);
    else if (json_is_true(pcap))
        return topo_err(ns, err, path, "pcap: true needs \"pcap_dir\" or --pcap-dir");
    else if (pcap != NULL && !json_is_false(pcap))
        return topo_err(ns, err, path, "pcap: expected a path, true or false");
    if (file[0] != '\0' && ns3c_link_pcap(l, file, e) != NS3C_OK)
        return topo_err(ns, err, path, "%s", e);
    return 0;
}

static int
build_router(struct netsim *ns, json_t *rj, size_t idx, char *err)
{
    static const char *const fields[] = {"name", "interfaces", NULL};
    static const char *const ifields[] = {"link", "address", NULL};
    struct ns3c_router *r;
    char path[96], e[NS3C_ERR_LEN];
    const char *name;
    json_t *ifs, *ij;
    size_t i;

    snprintf(path, sizeof path, "routers[%zu]", idx);
    if (!json_is_object(rj))
        return topo_err(ns, err, path, "expected an object");
    if (only_fields(ns, rj, path, fields, err) < 0)
        return -1;
    if ((name = get_string(rj, "name")) == NULL)
        return topo_err(ns, err, path, "name: missing or not a string");
    ifs = json_object_get(rj, "interfaces");
    if (!json_is_array(ifs) || json_array_size(ifs) == 0)
        return topo_err(ns, err, path, "interfaces: expected a non-empty array");
    if (ns3c_router_new(ns->sim, name, &r, e) != NS3C_OK)
        return topo_err(ns, err, path, "%s", e);
    json_array_foreach(ifs, i, ij)
    {
        const char *link, *addr, *why;
        struct ns3c_link *l;

        snprintf(path, sizeof path, "routers[%zu].interfaces[%zu]", idx, i);
        if (!json_is_object(ij))
            return topo_err(ns, err, path, "expected an object");
        if (only_fields(ns, ij, path, ifields, err) < 0)
            return -1;
        if ((link = get_string(ij, "link")) == NULL || (l = ns3c_link_find(ns->sim, link)) == NULL)
            return topo_err(ns, err, path, "link: missing or not a link of \"links\"");
        if ((addr = get_string(ij, "address")) == NULL)
            return topo_err(ns, err, path,
                            "address: expected A.B.C.D/N inside 198.18.0.0/15 (N 15..30)");
        if ((why = bench_cidr_error(addr)) != NULL)
            return topo_err(
                ns, err, path,
                "address: expected A.B.C.D/N inside 198.18.0.0/15 (N 15..30); \"%s\" %s", addr,
                why);
        if (ns3c_router_add_link(r, l, addr, e) != NS3C_OK)
            return topo_err(ns, err, path, "%s", e);
    }
    return 0;
}

static int
build_tap(struct netsim *ns, json_t *tj, size_t idx, char *err)
{
    static const char *const fields[] = {"name", "link", "fd", NULL};
    char path[64], e[NS3C_ERR_LEN];
    const char *name, *link;
    struct ns3c_link *l;
    json_t *fdj;
    json_int_t fd;

    snprintf(path, sizeof path, "taps[%zu]", idx);
    if (!json_is_object(tj))
        return topo_err(ns, err, path, "expected an object");
    if (only_fields(ns, tj, path, fields, err) < 0)
        return -1;
    if ((name = get_string(tj, "name")) == NULL)
        return topo_err(ns, err, path, "name: missing or not a string");
    if ((link = get_string(tj, "link")) == NULL || (l = ns3c_link_find(ns->sim, link)) == NULL)
        return topo_err(ns, err, path, "link: missing or not a link of \"links\"");
    fdj = json_object_get(tj, "fd");
    if (!json_is_integer(fdj) || (fd = json_integer_value(fdj)) < 3 || fd > INT_MAX)
        return topo_err(ns, err, path, "fd: expected an inherited fd number (>= 3)");
    if (ns3c_link_attach_tap(l, name, (int)fd, e) != NS3C_OK)
        return topo_err(ns, err, path, "%s", e);
    return 0;
}

static int
load_topology(struct netsim *ns, const char *pcap_dir, char *err)
{
    static const char *const fields[] = {"seed",    "run",  "pcap_dir", "links",
                                         "routers", "taps", NULL};
    json_error_t jerr;
    json_t *links, *routers, *taps, *v;
    double seed = 1, run = 1;
    char e[NS3C_ERR_LEN];
    size_t i;

    ns->topo = json_load_file(ns->topo_path, JSON_REJECT_DUPLICATES, &jerr);
    if (ns->topo == NULL)
        return edge_err(err, "%s:%d: %s", ns->topo_path, jerr.line, jerr.text);
    if (!json_is_object(ns->topo))
        return topo_err(ns, err, "(top)", "expected an object");
    if (only_fields(ns, ns->topo, "(top)", fields, err) < 0)
        return -1;
    if (get_number(ns, ns->topo, "(top)", "seed", 1, UINT32_MAX, &seed, err) < 0 ||
        get_number(ns, ns->topo, "(top)", "run", 1, UINT32_MAX, &run, err) < 0)
        return -1;
    if (seed != floor(seed) || run != floor(run))
        return topo_err(ns, err, "(top)", "seed and run must be integers");
    if (pcap_dir == NULL && (v = json_object_get(ns->topo, "pcap_dir")) != NULL) {
        if ((pcap_dir = json_string_value(v)) == NULL)
            return topo_err(ns, err, "pcap_dir", "expected a string");
    }
    links = json_object_get(ns->topo, "links");
    routers = json_object_get(ns->topo, "routers");
    taps = json_object_get(ns->topo, "taps");
    if (!json_is_array(links) || json_array_size(links) == 0)
        return topo_err(ns, err, "links", "expected a non-empty array");
    if (routers != NULL && !json_is_array(routers))
        return topo_err(ns, err, "routers", "expected an array");
    if (taps != NULL && (!json_is_array(taps) || json_array_size(taps) > NETSIM_MAX_TAPS))
        return topo_err(ns, err, "taps", "expected an array of at most %d", NETSIM_MAX_TAPS);
    if (ns3c_sim_new(&ns->sim, (uint32_t)seed, (uint32_t)run, e) != NS3C_OK)
        return edge_err(err, "%s", e);
    json_array_foreach(links, i, v)
    {
        if (build_link(ns, v, i, pcap_dir, err) < 0)
            return -1;
    }
    json_array_foreach(routers, i, v)
    {
        if (build_router(ns, v, i, err) < 0)
            return -1;
    }
    json_array_foreach(taps, i, v)
    {
        if (build_tap(ns, v, i, err) < 0)
            return -1;
    }
    return 0;
}

/* ---- control commands (control thread) ---- */

static struct ns3c_link *
arg_link(struct netsim *ns, struct ctl_req *req, json_t *args)
{
    const char *name = json_string_value(json_object_get(args, "link"));
    struct ns3c_link *l = name != NULL ? ns3c_link_find(ns->sim, name) : NULL;

    if (name == NULL)
        ctl_reply_error(req, "netsim.bad_args", "\"link\" missing or not a string");
    else if (l == NULL)
        ctl_reply_error(req, "netsim.no_link", "no link named \"%s\"", name);
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

static void
cmd_link(struct ctl_req *req, json_t *args, void *arg)
{
    static const struct {
        const char *key;
        unsigned bit;
    } nums[] = {
        {"delay_ms", NS3C_SET_DELAY}, {"jitter_ms", NS3C_SET_JITTER}, {"loss", NS3C_SET_LOSS}};
    struct netsim *ns = arg;
    struct ns3c_link_params p = {0, 0, 0, 0};
    struct ns3c_link *l;
    char e[NS3C_ERR_LEN];
    const char *key;
    unsigned mask = 0;
    json_t *v;
    int rc;

    if ((l = arg_link(ns, req, args)) == NULL)
        return;
    json_object_foreach(args, key, v)
    {
        size_t i;
        if (strcmp(key, "link") == 0)
            continue;
        if (strcmp(key, "rate") == 0) {
            if (!json_is_string(v) || ns3c_parse_rate(json_string_value(v), &p.rate_bps, e) != 0) {
                ctl_reply_error(req, "netsim.bad_args", "rate: %s",
                                json_is_string(v) ? e : "expected a string");
                return;
            }
            mask |= NS3C_SET_RATE;
            continue;
        }
        for (i = 0; i < sizeof nums / sizeof nums[0] && strcmp(nums[i].key, key) != 0; i++)
            ;
        if (i == sizeof nums / sizeof nums[0]) {
            ctl_reply_error(req, "netsim.bad_args", "unknown field \"%s\"", key);
            return;
        }
        if (!json_is_number(v)) {
            ctl_reply_error(req, "netsim.bad_args", "%s: expected a number", key);
            return;
        }
        mask |= nums[i].bit;
        if (nums[i].bit == NS3C_SET_DELAY)
            p.delay_ms = json_number_value(v);
        else if (nums[i].bit == NS3C_SET_JITTER)
            p.jitter_ms = json_number_value(v);
        else
            p.loss = json_number_value(v);
    }
    if (mask == 0) {
        ctl_reply_error(req, "netsim.bad_args",
                        "nothing to change: give delay_ms, jitter_ms, "
                        "loss or rate");
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
            struct ns3c_link *l = ns3c_link_find(ns->sim, get_string(v, "name"));
            if (l != NULL)
                json_object_set_new(links, ns3c_link_name(l), counters_json(l));
        }
    }
    return json_pack("{s:o}", "links", links);
}

static void
cmd_counters(struct ctl_req *req, json_t *args, void *arg)
{
    struct netsim *ns = arg;
    struct ns3c_link *l = NULL;

    if (json_object_get(args, "link") != NULL && (l = arg_link(ns, req, args)) == NULL)
        return;
    ctl_reply(req, all_counters(ns, l));
}

static void
cmd_drop(struct ctl_req *req, json_t *args, void *arg)
{
    static const char *const fields[] = {"link",      "count", "src",  "dst",
                                         "both_ways", "proto", "port", NULL};
    struct netsim *ns = arg;
    struct ns3c_drop d = {0, NULL, NULL, 0, 0, 0};
    struct ns3c_link *l;
    char e[NS3C_ERR_LEN];
    const char *key;
    json_int_t n;
    json_t *v;
    int rc;

    if ((l = arg_link(ns, req, args)) == NULL)
        return;
    json_object_foreach(args, key, v)
    {
        size_t i;
        for (i = 0; fields[i] != NULL && strcmp(fields[i], key) != 0; i++)
            ;
        if (fields[i] == NULL) {
            ctl_reply_error(req, "netsim.bad_args", "unknown field \"%s\"", key);
            return;
        }
    }
    v = json_object_get(args, "count");
    if (!json_is_integer(v) || (n = json_integer_value(v)) < 1 || n > 1000000) {
        ctl_reply_error(req, "netsim.bad_args", "count: expected an integer in 1..1000000");
        return;
    }
    d.count = (uint32_t)n;
    if (((v = json_object_get(args, "src")) != NULL && (d.src = json_string_value(v)) == NULL) ||
        ((v = json_object_get(args, "dst")) != NULL && (d.dst = json_string_value(v)) == NULL)) {
        ctl_reply_error(req, "netsim.bad_args", "src and dst must be IPv4 address strings");
        return;
    }
    if ((v = json_object_get(args, "both_ways")) != NULL) {
        if (!json_is_boolean(v)) {
            ctl_reply_error(req, "netsim.bad_args", "both_ways: expected true or false");
            return;
        }
        d.both_ways = json_is_true(v);
    }
    if ((v = json_object_get(args, "proto")) != NULL) {
        if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 255) {
            ctl_reply_error(req, "netsim.bad_args", "proto: expected an IP protocol number");
            return;
        }
        d.proto = (uint8_t)json_integer_value(v);
    }
    if ((v = json_object_get(args, "port")) != NULL) {
        if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 65535) {
            ctl_reply_error(req, "netsim.bad_args", "port: expected 1..65535");
            return;
        }
        d.port = (uint16_t)json_integer_value(v);
    }
    if ((rc = ns3c_link_drop(l, &d, e)) != NS3C_OK) {
        reply_ns3c(req, rc, e);
        return;
    }
    ctl_reply(req, json_pack("{s:s, s:I}", "link", ns3c_link_name(l), "count", n));
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
    json_decref(ns.topo);
    return rc;
}
