/* netsim_topology.c -- edge-netsim's topology file: links, routers and TAP bridges, read through
 * the js_field tables of base/json_strict.h and built with the ns-3 binding (nodes/netsim/README.md
 * "Topology"). */
#include "netsim.h"
#include "base/err.h"

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Read through the js_field tables of base/json_strict.h, as every config and body is: an error
 * names the file and the field's path ("topo.json: links[0].loss: 2 is out of range (0 to 1)").
 * The values ns-3 itself checks (names, rates) are refused by the binding with the same path.
 * No count of links, routers or taps is fixed here: a tap is an open fd, which ns3c's TapReader
 * reads with epoll, whatever its number. */

int
netsim_check_rate(json_t *v, const struct js_field *f, void *ctx, char *why)
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
    NETSIM_LINK_PARAM_FIELDS(struct link_spec),
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
    int cpu_latency_qos;
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
    {.name = "cpu_latency_qos", .type = JS_BOOL, .flags = JS_STORE, .store = T(cpu_latency_qos)},
    {.name = "links",
     .type = JS_ARRAY,
     .flags = JS_REQUIRED | JS_NONEMPTY | JS_STORE,
     .store = T(links),
     .sub = link_fields},
    {.name = "routers",
     .type = JS_ARRAY,
     .flags = JS_STORE,
     .store = T(routers),
     .sub = router_fields},
    {.name = "taps", .type = JS_ARRAY, .flags = JS_STORE, .store = T(taps), .sub = tap_fields},
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

int
netsim_load_topology(struct netsim *ns, const char *pcap_dir, char *err)
{
    struct topo_spec t = {.seed = 1, .run = 1, .cpu_latency_qos = 1};
    char e[NS3C_ERR_LEN];
    json_t *v;
    size_t i;

    if ((ns->cf = config_load(ns->topo_path, err)) == NULL ||
        config_decode(ns->cf, topo_fields, &t, err) < 0)
        return -1;
    ns->topo = config_root(ns->cf);
    ns->cpu_latency_qos = t.cpu_latency_qos;
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
