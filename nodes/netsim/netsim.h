/* netsim.h -- edge-netsim's shared state: the topology it builds (netsim_topology.c), the control
 * thread that answers the runner (netsim_ctl.c) and main (netsim_main.c). */
#ifndef EDGE_NETSIM_H
#define EDGE_NETSIM_H

#include <pthread.h>
#include <signal.h>

#include <event2/event.h>
#include <jansson.h>

#include "base/config.h"
#include "base/json_strict.h"
#include "ctl/ctl.h"
#include "ns3c.h"

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
    int ready;                 /* control thread only */
    int cpu_latency_qos;       /* the topology's "cpu_latency_qos" (default 1) */
    int cpu_latency_fd;        /* the request held (cpu_latency.h), or -1 */
    char cpu_latency_why[160]; /* why it is not held */
};

/* The link parameters a topology sets and the "link" command changes, one rule each for both:
 * rate, delay_ms, jitter_ms, loss stored at those members of the struct spec. */
#define NETSIM_LINK_PARAM_FIELDS(spec)                                                             \
    {.name = "rate",                                                                               \
     .type = JS_STRING,                                                                            \
     .flags = JS_STORE,                                                                            \
     .store = offsetof(spec, rate),                                                                \
     .check = netsim_check_rate},                                                                  \
        {.name = "delay_ms",                                                                       \
         .type = JS_NUMBER,                                                                        \
         .flags = JS_STORE,                                                                        \
         .store = offsetof(spec, delay_ms),                                                        \
         .check = js_check_range,                                                                  \
         .max = NETSIM_DELAY_MAX_MS},                                                              \
        {.name = "jitter_ms",                                                                      \
         .type = JS_NUMBER,                                                                        \
         .flags = JS_STORE,                                                                        \
         .store = offsetof(spec, jitter_ms),                                                       \
         .check = js_check_range,                                                                  \
         .max = NETSIM_DELAY_MAX_MS},                                                              \
    {                                                                                              \
        .name = "loss", .type = JS_NUMBER, .flags = JS_STORE, .store = offsetof(spec, loss),       \
        .check = js_check_range, .max = 1                                                          \
    }

/* Read the topology file (ns->topo_path) and build its links, routers and TAP bridges;
 * pcap_dir (may be NULL) overrides the file's. err: "FILE: field.path: what is wrong". */
int netsim_load_topology(struct netsim *ns, const char *pcap_dir, char *err);
/* js_field check of a rate string (ns3c_parse_rate). */
int netsim_check_rate(json_t *v, const struct js_field *f, void *ctx, char *why);

/* The control socket and its thread: commands, signals (sigs, blocked by the caller) and the
 * wake pipe. */
int netsim_setup_control(struct netsim *ns, const char *path, int fd, const sigset_t *sigs,
                         char *err);
void *netsim_ctl_main(void *arg);
/* ns3c_run's ready callback (simulator thread): tell the control thread. */
void netsim_on_ready(void *arg);
/* {"links": {name: counters}} for one link or, only NULL, all of them (new reference). */
json_t *netsim_counters(struct netsim *ns, struct ns3c_link *only);

#endif
