/* node_reg.h -- a node's registration at a server, kept alive: the EES's at its ECS over EDGE-6
 * (TS 23.558 8.4.4, TS 29.558 Eecs_EESRegistration) and the EAS's at its EES over EDGE-3
 * (TS 23.558 8.4.3, TS 29.558 Eees_EASRegistration) follow the same rules, so one module keeps
 * both: POST at start; an update (PUT) before expiry and at most every keep_alive seconds, which
 * also notices a server that restarted and lost it; a new POST with backoff when it is lost or the
 * server is down; DELETE on stop. The node says ready once registered the first time. Control
 * command "registration" and control events "registered" / "deregistered" (nodes/README.md). */
#ifndef EDGE_NODE_REG_H
#define EDGE_NODE_REG_H

#include <stddef.h>

#include "node/node.h"

struct node_reg;

/* How a node keeps its registration: the config keys registrationExpiry, refresh, keepAlive and
 * registrationRetryMax, the same for the EES at its ECS and the EAS at its EES (nodes/README.md
 * "edge-ees keys", nodes/eas/README.md). */
struct node_reg_policy {
    long long expiry;       /* lifetime proposed, seconds; 0: none proposed */
    int refresh;            /* keep it alive */
    long long keep_alive;   /* seconds between updates at most; 0: only before expiry */
    long long retry_max_ms; /* cap of the backoff */
};

/* The four keys as entries of a node's config table, stored in the struct node_reg_policy at
 * offset off of the node's config struct: NODE_REG_FIELDS(offsetof(struct eas_config, reg)). */
#define NODE_REG_FIELDS(off)                                                                       \
    {.name = "registrationExpiry",                                                                 \
     .type = JS_INT,                                                                               \
     .flags = JS_STORE,                                                                            \
     .store = (off) + offsetof(struct node_reg_policy, expiry),                                    \
     .check = js_check_range,                                                                      \
     .min = 0,                                                                                     \
     .max = 30LL * 86400},                                                                         \
        {.name = "refresh",                                                                        \
         .type = JS_BOOL,                                                                          \
         .flags = JS_STORE,                                                                        \
         .store = (off) + offsetof(struct node_reg_policy, refresh)},                              \
        {.name = "keepAlive",                                                                      \
         .type = JS_INT,                                                                           \
         .flags = JS_STORE,                                                                        \
         .store = (off) + offsetof(struct node_reg_policy, keep_alive),                            \
         .check = js_check_range,                                                                  \
         .min = 0,                                                                                 \
         .max = 86400},                                                                            \
    {                                                                                              \
        .name = "registrationRetryMax", .type = JS_INT, .flags = JS_STORE,                         \
        .store = (off) + offsetof(struct node_reg_policy, retry_max_ms), .check = js_check_range,  \
        .min = 100, .max = 600000                                                                  \
    }

/* The defaults: an hour proposed, kept alive, updated every 5 s at most, retried within 2 s. */
void node_reg_policy_defaults(struct node_reg_policy *p);

struct node_reg_conf {
    const char *what;              /* "EDGE-6", "EDGE-3": named in log lines */
    const char *server;            /* FQDN of the server (in hosts) */
    const char *server_key;        /* its key in control events and results: "ecs", "ees" */
    const char *path;              /* the registrations collection */
    const struct js_field *answer; /* table of the registration answer's body */
    struct node_reg_policy policy; /* the node's config keys */
    /* The registration body (new reference) without expTime, which is added here. */
    json_t *(*body)(void *arg);
    /* Optional: what must precede each POST; it calls node_reg_post() when done. */
    void (*before_post)(struct node_reg *g, void *arg);
    /* Optional: the server lost or refused the registration. */
    void (*lost)(void *arg);
    void *arg;
};

/* Also registers the control command "registration". conf's strings must outlive g. */
struct node_reg *node_reg_new(struct node *n, const struct node_reg_conf *conf, char *err);
/* Register now (start-up). */
void node_reg_start(struct node_reg *g);
/* The POST itself, for before_post. */
void node_reg_post(struct node_reg *g);
/* What the registration says changed (the EES's EAS IDs): update it now, or as soon as the
 * exchange under way ends (TS 23.558 8.4.4.2.3: "if there is a change in the information"). */
void node_reg_update(struct node_reg *g);
/* The node stops: no new work (a DELETE may still follow). */
void node_reg_halt(struct node_reg *g);
/* Deregister: 1 when a DELETE is under way (the loop should run until its answer, which breaks
 * the loop), 0 when there is nothing to deregister. */
int node_reg_stop(struct node_reg *g);
/* After node_run(): deregister (TS 23.558 8.4.3.2.4, 8.4.4.4) and run the loop until the answer,
 * NODE_REG_DRAIN_MS at most. */
#define NODE_REG_DRAIN_MS 2000
void node_reg_drain(struct node_reg *g);
/* Before node_free: the timer goes (it belongs to the event base) and pending callbacks only
 * return. node_reg_free after node_free. */
void node_reg_close(struct node_reg *g);
void node_reg_free(struct node_reg *g);
int node_reg_registered(const struct node_reg *g);
/* The registration ID, "" when none. */
const char *node_reg_id(const struct node_reg *g);

#endif
