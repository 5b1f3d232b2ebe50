/* netsim_ctl.c -- edge-netsim's control thread: the commands of the node protocol
 * (common/ctl/ctl.h; nodes/netsim/README.md "Control commands") read through js_field tables,
 * signals, and the wake pipe from the simulator thread. */
#include "netsim.h"
#include "base/err.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

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
    NETSIM_LINK_PARAM_FIELDS(struct link_change),
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

/* The exit clock: what it cost the simulator thread to write frames to the TAPs on time. */
static json_t *
exit_json(struct netsim *ns)
{
    struct ns3c_exit_stats x;

    ns3c_sim_exit_stats(ns->sim, &x);
    return json_pack("{s:I, s:I, s:f, s:f, s:f}", "frames", (json_int_t)x.frames, "spins",
                     (json_int_t)x.spins, "spin_ms", (double)x.spin_ns / 1e6, "lead_us",
                     (double)x.lead_ns / 1e3, "lead_max_us", (double)x.lead_max_ns / 1e3);
}

/* {"links": {name: counters}} for one link, or all of them and "exit" (exit_json). */
json_t *
netsim_counters(struct netsim *ns, struct ns3c_link *only)
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
    return only != NULL ? json_pack("{s:o}", "links", links)
                        : json_pack("{s:o, s:o}", "links", links, "exit", exit_json(ns));
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
    ctl_reply(req, netsim_counters(ns, l));
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
void
netsim_on_ready(void *arg)
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
            /* {"links": {...}, "pid": N, "cpu_latency": {...}}: what the runner needs to know. */
            json_t *info = netsim_counters(ns, NULL);
            json_object_set_new(info, "pid", json_integer(getpid()));
            json_object_set_new(info, "cpu_latency",
                                ns->cpu_latency_fd >= 0 ? json_pack("{s:b}", "held", 1)
                                                        : json_pack("{s:b, s:s}", "held", 0, "why",
                                                                    ns->cpu_latency_why));
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

void *
netsim_ctl_main(void *arg)
{
    struct netsim *ns = arg;

    event_base_dispatch(ns->base);
    return NULL;
}

int
netsim_setup_control(struct netsim *ns, const char *path, int fd, const sigset_t *sigs, char *err)
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
