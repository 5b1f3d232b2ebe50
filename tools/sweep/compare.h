/* compare.h -- edge-compare: scenarios that run one topology and one script of steps in different
 * ways (TR 33.739 6.27's Editor's Note: how an S-EES gets a token for a T-EES registered at another
 * ECS -- forward, redirect, local-issue), each run under the same seeds, and set side by side:
 * the messages of each step, the trust relations each needs, each step's latency under the
 * scenario's links, and what each refuses, where (tools/sweep/README.md "edge-compare").
 *
 * compare.c runs the scenarios (sweep_run.c) and prints; compare_model.c turns the runs into one
 * JSON model; compare_trust.c reads the trust relations out of a run's node configs and calls;
 * compare_html.c writes compare.html from the model, compare_csv.c the CSV files. */
#ifndef COMPARE_H
#define COMPARE_H

#include "sweep.h"

#define CMP_MODES_MAX 6

/* One scenario of the comparison: its runs and their per-step times. */
struct cmp_mode {
    struct sweep sw;
    struct sweep_table tab;
    char label[64]; /* what sets it apart: its name less the prefix all the names share */
    size_t ref;     /* the run (index in sw.runs) whose messages, outcomes and configs are shown */
};

struct cmp {
    struct cmp_mode *modes[CMP_MODES_MAX];
    size_t nmodes;
    const char *net;              /* "tap", "loopback" or NULL (edge-run chooses) */
    const char *link;             /* the link a step's latency is set against, in RTTs */
    char out[SWEEP_PATH_MAX / 2]; /* its modes run in out/<name> */
    /* What the page and the CSV files show (compare_model.c):
     *   {"modes": [{label, name, title, description, runs, passed, seed, net, dir}],
     *    "link": {name, delayMs, rttMs, loss, simulated} or null, "links": {...},
     *    "steps": [{name, cells: [null | {node, action, about, verdict, status, cause, detail,
     *               by, error, messages: [{t, from, to, method, path, status}], tlsNew,
     *               timed, passed, p50, p90, max}]}],
     *    "trust": [{group, text, differs, cells: ["yes" | "" | a value, ...]}]} */
    json_t *model;
};

/* compare_model.c: c->model from the runs of every mode; -1 with err. */
int cmp_model(struct cmp *c, char *err);

/* compare_trust.c: the trust relations of one run, as [{group, text, value}]: "configured" --
 * read from the node configs the run wrote (rundir/run/<node>.json): peers, edge9Mode,
 * edge9ForeignClients, edge9Policy, the issuers an EES trusts (its ECS, partnerEcs), its local
 * EDGE-9 policy; "calls" -- who called whom and was served (events: each call a mutual-TLS
 * connection, both ends trusting the other's certificate). names maps node IDs (FQDN, EEC ID) to
 * node names. */
json_t *cmp_trust(const char *rundir, json_t *summary, json_t *events, json_t *names);
/* The node name of an ID (FQDN or EEC ID), or the ID itself. */
const char *cmp_name(json_t *names, const char *id);

/* compare_html.c: out/compare.html, one self-contained page (no script, font or style from
 * elsewhere). -1 with err. */
int cmp_html(const struct cmp *c, char *err);

/* compare_csv.c: out/compare.csv (per mode and step: outcome, who decided, messages, times),
 * out/messages.csv (every message of every step), out/trust.csv (relations by mode). */
int cmp_csv(const struct cmp *c, char *err);
/* A step's outcome in a few words: "200", "400 invalid_scope by ecs2", "no answer: ...". */
const char *cmp_outcome(json_t *cell, char *buf, size_t len);

#endif
