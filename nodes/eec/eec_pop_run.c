/* eec_pop_run.c -- one action over every UE of the population (eec_population.h): EDGE-4 service
 * provisioning (TS 23.558 8.3.3), EDGE-1 registration with the token the ECS gave the UE for that
 * EES (TS 23.558 8.4.2.2, TS 33.558 6.2), or EEC-initiated ACR (TS 23.558 8.8.2.3), each UE over
 * its own TLS session, at most `concurrency` at once and, with `rate`, started at that many per
 * second; the reply counts the outcomes and gives latency percentiles and a time series. */
#include "eec.h"
#include "edgeapp/edgeapp_paths.h"
#include "eec_population.h"

#include "auth/bearer.h"
#include "base/clock.h"
#include "base/err.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define POP_ERRORS_KEPT 5 /* distinct failure sentences the result quotes */
#define POP_BUCKET_MS 250 /* the time series' step */
#define POP_TICK_MS 2     /* how often a rate-paced action starts the UEs that are due */

enum pop_action { POP_PROVISION, POP_REGISTER, POP_RELOCATE };
static const char *const pop_actions[] = {"provision", "register", "relocate", NULL};

struct pop_args {
    const char *action;
    long long concurrency;
    double rate;
    const char *ees;
    const char *t_ees;
};

static const struct js_field pop_run_fields[] = {
    {.name = "action",
     .type = JS_STRING,
     .flags = JS_REQUIRED | JS_STORE,
     .store = offsetof(struct pop_args, action),
     .check = js_check_enum,
     .choices = pop_actions},
    {.name = "concurrency",
     .type = JS_INT,
     .flags = JS_STORE,
     .store = offsetof(struct pop_args, concurrency),
     .check = js_check_range,
     .min = 1,
     .max = 10000},
    {.name = "rate",
     .type = JS_NUMBER,
     .flags = JS_STORE,
     .store = offsetof(struct pop_args, rate),
     .check = js_check_range,
     .min = 0,
     .max = 1000000},
    {.name = "ees",
     .type = JS_STRING,
     .flags = JS_STORE,
     .store = offsetof(struct pop_args, ees),
     .check = js_check_fqdn},
    {.name = "tEes",
     .type = JS_STRING,
     .flags = JS_STORE,
     .store = offsetof(struct pop_args, t_ees),
     .check = js_check_fqdn},
    {0},
};

struct eec_pop_run {
    struct eec *e;
    struct ctl_req *req;
    enum pop_action what;
    int fixed_ees; /* args.ees: every UE at this EES (index into eess), -1: its own */
    int t_ees;     /* relocate: the T-EES (index into eess) */
    size_t concurrency, next, inflight, done, ok;
    double rate, t0;     /* ms, edge_now_ms */
    double *start, *lat; /* per UE: started at (ms since t0), latency (ms; < 0: failed) */
    size_t tokens;       /* EES tokens the provisionings gave */
    json_t *statuses;    /* "200" -> count */
    json_t *errors;      /* the first distinct failure sentences */
    struct event *tick;  /* rate pacing */
};

/* One UE's exchange. */
struct pop_op {
    struct eec_pop_run *run;
    size_t i;
    int ees; /* the EES called (index into eess), -1: the ECS */
    struct eec_ue_client c;
};

static void pop_launch(struct eec_pop_run *run);

static double
pop_now(void)
{
    return (double)edge_now_ns() / 1e6;
}

static int
pop_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The q-quantile (nearest rank) of n sorted values. */
static double
pop_quantile(const double *v, size_t n, double q)
{
    size_t k = n == 0 ? 0 : (size_t)ceil(q * (double)n);
    return n == 0 ? 0 : v[k > 0 ? k - 1 : 0];
}

static json_t *
pop_percentiles(const double *lat, size_t n)
{
    double *v = malloc((n + 1) * sizeof(*v)), sum = 0;
    size_t k = 0;
    json_t *o;

    if (v == NULL)
        return json_null();
    for (size_t i = 0; i < n; i++)
        if (lat[i] >= 0)
            sum += v[k++] = lat[i];
    qsort(v, k, sizeof(*v), pop_cmp);
    o = json_pack("{s:f, s:f, s:f, s:f, s:f, s:f}", "p50", pop_quantile(v, k, 0.5), "p90",
                  pop_quantile(v, k, 0.9), "p99", pop_quantile(v, k, 0.99), "min", k ? v[0] : 0.0,
                  "max", k ? v[k - 1] : 0.0, "mean", k ? sum / (double)k : 0.0);
    free(v);
    return o;
}

/* Per POP_BUCKET_MS of completion time: answers done, their rate, UEs in flight when the bucket
 * ended and the latency percentiles of the bucket's answers (the latency-vs-load plot's points). */
static json_t *
pop_series(const struct eec_pop_run *run, size_t n, double span)
{
    size_t nb = (size_t)(span / POP_BUCKET_MS) + 1;
    json_t *series = json_array();
    double *lat = malloc((n + 1) * sizeof(*lat));

    for (size_t b = 0; lat != NULL && b < nb && b < 100000; b++) {
        double lo = (double)b * POP_BUCKET_MS, hi = lo + POP_BUCKET_MS;
        size_t k = 0, inflight = 0;
        for (size_t i = 0; i < n; i++) {
            double end = run->start[i] + fabs(run->lat[i]);
            if (run->lat[i] >= 0 && end >= lo && end < hi)
                lat[k++] = run->lat[i];
            if (run->start[i] < hi && end >= hi)
                inflight++;
        }
        qsort(lat, k, sizeof(*lat), pop_cmp);
        json_array_append_new(
            series,
            json_pack("{s:f, s:I, s:f, s:I, s:f, s:f}", "t", hi / 1000.0, "done", (json_int_t)k,
                      "perS", (double)k * 1000.0 / POP_BUCKET_MS, "inflight", (json_int_t)inflight,
                      "p50", pop_quantile(lat, k, 0.5), "p99", pop_quantile(lat, k, 0.99)));
    }
    free(lat);
    return series;
}

static void
pop_run_free(struct eec_pop_run *run)
{
    if (run->tick != NULL)
        event_free(run->tick);
    json_decref(run->statuses);
    json_decref(run->errors);
    free(run->start);
    free(run->lat);
    free(run);
}

static void
pop_finish(struct eec_pop_run *run)
{
    struct eec *e = run->e;
    size_t n = e->pop.n;
    double span = pop_now() - run->t0;
    json_t *res = json_pack(
        "{s:s, s:I, s:I, s:I, s:O, s:O, s:o, s:f, s:f, s:I, s:o}", "action", pop_actions[run->what],
        "count", (json_int_t)n, "ok", (json_int_t)run->ok, "failed", (json_int_t)(n - run->ok),
        "statuses", run->statuses, "errors", run->errors, "latencyMs", pop_percentiles(run->lat, n),
        "elapsedMs", span, "perS", span > 0 ? (double)n * 1000.0 / span : 0.0, "tokens",
        (json_int_t)run->tokens, "series", pop_series(run, n, span));

    node_log(&e->n, "population", NULL, NULL, NULL, "%s: %zu of %zu UEs ok in %.0f ms",
             pop_actions[run->what], run->ok, n, span);
    if (!e->closing)
        ctl_reply(run->req, res);
    else
        json_decref(res);
    pop_run_free(run);
    e->pop.running = NULL;
}

static void
pop_note_failure(struct eec_pop_run *run, const char *why)
{
    size_t i;
    json_t *v;

    json_array_foreach(run->errors, i, v) if (strcmp(json_string_value(v), why) == 0) return;
    if (json_array_size(run->errors) < POP_ERRORS_KEPT)
        json_array_append_new(run->errors, json_string(why));
}

/* A UE's exchange is over: its connection is closed (from the loop, not from inside the client's
 * own callback) before the next UE may open one, so the run never holds more connections than its
 * concurrency. The UEs of one process share its address, and a server caps the connections it
 * holds from one address (HTTP_SERVER_MAX_CONNS_PER_PEER): a UE's connection opened while the
 * finished one still stood counted twice there (see http_server_cap.c). */
static void
pop_op_closed(evutil_socket_t fd, short what, void *arg)
{
    struct pop_op *op = arg;
    struct eec_pop_run *run = op->run;

    (void)fd, (void)what;
    eec_ue_client_free(&op->c);
    free(op);
    if (run->e->closing)
        return;
    run->inflight--;
    if (run->done == run->e->pop.n && run->inflight == 0)
        pop_finish(run);
    else
        pop_launch(run);
}

/* Keep the EES tokens of a provisioning answer (TS 33.558 6.2: one per EES). */
static int
pop_provisioned(struct eec_pop_run *run, struct eec_ue *u, json_t *body, char *why)
{
    json_t *cfg, *info;
    size_t i, j;

    for (i = 0; i < u->ntokens; i++)
        free(u->tokens[i].jwt);
    u->ntokens = 0;
    json_array_foreach(json_object_get(body, "ednCnfgInfo"), i, cfg)
    {
        json_array_foreach(json_object_get(cfg, "eess"), j, info)
        {
            const char *tok = json_string_value(json_object_get(info, "accessToken"));
            int x = eec_pop_ees(&run->e->pop, json_string_value(json_object_get(info, "eesId")));
            struct eec_ue_token *t = realloc(u->tokens, (u->ntokens + 1) * sizeof(*t));
            if (t != NULL)
                u->tokens = t;
            if (x < 0 || t == NULL)
                return edge_err(why, "too many EESes, or out of memory");
            t[u->ntokens].ees = (unsigned short)x;
            t[u->ntokens].jwt = tok != NULL ? strdup(tok) : NULL;
            u->ntokens++;
            run->tokens += tok != NULL;
        }
    }
    return 0;
}

static void
pop_set(char **dst, const char *v)
{
    free(*dst);
    *dst = v != NULL ? strdup(v) : NULL;
}

/* What a 2xx answer leaves with the UE; -1 with why when the answer is not what it must be. */
static int
pop_answer(struct eec_pop_run *run, struct eec_ue *u, int ees, const struct http_client_resp *r,
           char *why)
{
    static const char marker[] = "/registrations/";
    const char *loc = http_client_resp_header(r, "Location");
    json_t *body = NULL;
    int rc = -1;

    if (r->body_len > 0 && js_loads(r->body, r->body_len, &body, why) < 0)
        return -1;
    if (run->what == POP_PROVISION) {
        rc = r->status == 204 ? 0 : pop_provisioned(run, u, body, why);
    } else if (run->what == POP_REGISTER) {
        if (loc == NULL || strstr(loc, marker) == NULL) {
            edge_err(why, "201 without a Location naming .../registrations/{id}");
        } else {
            u->reg_ees = ees;
            pop_set(&u->reg_id, strstr(loc, marker) + sizeof(marker) - 1);
            pop_set(&u->cntx_id, json_string_value(json_object_get(body, "eecCntxId")));
            rc = 0;
        }
    } else {
        rc = 0;
    }
    json_decref(body);
    return rc;
}

static void
pop_done(const struct http_client_resp *r, void *arg)
{
    struct pop_op *op = arg;
    struct eec_pop_run *run = op->run;
    struct eec_ue *u = &run->e->pop.ue[op->i];
    char st[16], why[EDGE_ERR_LEN] = "";
    int ok = r->status >= 200 && r->status < 300;
    json_t *cnt;

    run->lat[op->i] = pop_now() - run->t0 - run->start[op->i];
    snprintf(st, sizeof(st), "%d", r->status);
    cnt = json_object_get(run->statuses, st);
    json_object_set_new(run->statuses, st, json_integer(json_integer_value(cnt) + 1));
    if (!ok) {
        json_t *pb = NULL; /* a ProblemDetails names its cause (TS 29.122 5.2.4) */
        const char *cause = NULL;
        if (r->body_len > 0 && js_loads(r->body, r->body_len, &pb, why) == 0)
            cause = json_string_value(json_object_get(pb, "cause"));
        if (r->status == 0)
            snprintf(why, sizeof(why), "%s", r->error != NULL ? r->error : "no answer");
        else
            snprintf(why, sizeof(why), "%s%s%s", st, cause != NULL ? " " : "",
                     cause != NULL ? cause : "");
        json_decref(pb);
    } else if (!run->e->closing && pop_answer(run, u, op->ees, r, why) < 0) {
        ok = 0;
    }
    if (!ok) {
        pop_note_failure(run, why);
        run->lat[op->i] = -run->lat[op->i] - 1e-9; /* failed: kept for the series' in-flight */
    }
    run->ok += (size_t)ok;
    run->done++;
    event_base_once(run->e->n.base, -1, EV_TIMEOUT, pop_op_closed, op, NULL);
}

/* The request UE u sends for the action: method, host, path, body (new reference) and the EES
 * it calls (-1: the ECS); NULL body with why when the UE cannot act (not provisioned there). */
static json_t *
pop_request(struct eec_pop_run *run, struct eec_ue *u, size_t i, const char **host,
            const char **path, int *ees, const char **token, char *why)
{
    struct eec *e = run->e;

    *token = NULL;
    if (run->what == POP_PROVISION) {
        *ees = -1;
        *host = e->cf.ecs;
        *path = EDGEAPP_PATH_SERVPROV;
        return json_pack("{s:s, s:s*, s:O*, s:O*}", "eecId", u->id, "ueId", u->gpsi, "acProfs",
                         e->cf.ac_profs, "locInf", e->cf.loc_inf);
    }
    if (run->what == POP_REGISTER) {
        /* Its own choice among the EESes provisioned: spread by its number. */
        *ees = run->fixed_ees >= 0 ? run->fixed_ees
               : u->ntokens > 0    ? u->tokens[i % u->ntokens].ees
                                   : -1;
        if (*ees < 0) {
            edge_err(why, "not provisioned with any EES");
            return NULL;
        }
        *host = e->pop.eess[*ees];
        *path = EDGEAPP_PATH_EECREG;
        *token = eec_pop_token(u, *ees);
        return json_pack("{s:s, s:s*, s:O*}", "eecId", u->id, "ueId", u->gpsi, "acProfs",
                         e->cf.ac_profs);
    }
    if (u->reg_ees < 0 || u->cntx_id == NULL) {
        edge_err(why, "no EEC context to relocate (register first)");
        return NULL;
    }
    *ees = u->reg_ees;
    *host = e->pop.eess[*ees];
    *path = EDGEAPP_PATH_ACR_INITIATE;
    *token = eec_pop_token(u, *ees);
    return json_pack("{s:s, s:s*, s:{s:s}, s:b, s:{s:s, s:s, s:s}}", "requestorId", u->id, "ueId",
                     u->gpsi, "tEasEndpoint", "fqdn", e->pop.eess[run->t_ees], "easNotifInd", 0,
                     "eecCtxtReloc", "eecCtxtId", u->cntx_id, "sEesId", *host, "tEesId",
                     e->pop.eess[run->t_ees]);
}

/* Send UE i's request over its own TLS client; -1 with why when nothing could be sent. */
static int
pop_send(struct eec_pop_run *run, struct pop_op *op, char *why)
{
    struct eec_ue *u = &run->e->pop.ue[op->i];
    const char *host, *path, *token, *headers[3] = {NULL, NULL, NULL};
    char addr[64], *text = NULL, *auth = NULL;
    unsigned short port;
    json_t *body = pop_request(run, u, op->i, &host, &path, &op->ees, &token, why);
    int rc = -1;

    if (body == NULL || node_resolve(&run->e->n, host, addr, sizeof(addr), &port, why) < 0 ||
        eec_ue_client_new(run->e, u, &op->c, why) < 0)
        goto done;
    if (token != NULL) {
        if ((auth = bearer_value(token)) == NULL)
            goto done;
        headers[0] = BEARER_HEADER;
        headers[1] = auth;
    }
    text = json_dumps(body, JSON_COMPACT);
    struct http_client_req hr = {.method = "POST",
                                 .fqdn = host,
                                 .addr = addr,
                                 .port = port,
                                 .path = path,
                                 .content_type = "application/json",
                                 .body = text,
                                 .body_len = text != NULL ? strlen(text) : 0,
                                 .headers = headers};
    rc = http_client_send(op->c.http, &hr, pop_done, op, why);
done:
    bearer_free(auth);
    free(text);
    json_decref(body);
    return rc;
}

/* Start UE run->next now. */
static void
pop_start_one(struct eec_pop_run *run)
{
    struct pop_op *op = calloc(1, sizeof(*op));
    char why[EDGE_ERR_LEN] = "out of memory";

    run->inflight++;
    run->start[run->next] = pop_now() - run->t0;
    if (op != NULL) {
        op->run = run;
        op->i = run->next;
    }
    run->next++;
    if (op != NULL && pop_send(run, op, why) == 0)
        return;
    /* Nothing sent: counted as an answer with status 0 and the reason, as a refused connect. */
    struct http_client_resp none = {.status = 0, .error = why, .body = ""};
    if (op == NULL) {
        run->inflight--;
        run->done++;
        pop_note_failure(run, why);
        run->lat[run->next - 1] = -1e-9;
        return;
    }
    pop_done(&none, op);
}

/* Start every UE that is due: all the concurrency allows, or (rate) those whose time has come. */
static void
pop_launch(struct eec_pop_run *run)
{
    size_t n = run->e->pop.n;

    while (run->e->pop.running == run && run->next < n && run->inflight < run->concurrency) {
        if (run->rate > 0 && (double)run->next * 1000.0 / run->rate > pop_now() - run->t0)
            return;
        pop_start_one(run);
    }
}

static void
pop_tick(evutil_socket_t fd, short what, void *arg)
{
    (void)fd, (void)what;
    pop_launch(arg);
}

static int
pop_start(struct eec_pop_run *run, char *why)
{
    struct timeval tv = {0, (suseconds_t)POP_TICK_MS * 1000};
    size_t n = run->e->pop.n;

    if ((run->start = calloc(n, sizeof(*run->start))) == NULL ||
        (run->lat = calloc(n, sizeof(*run->lat))) == NULL)
        return edge_err(why, "out of memory");
    run->t0 = pop_now();
    run->e->pop.running = run;
    if (run->rate > 0 &&
        ((run->tick = event_new(run->e->n.base, -1, EV_PERSIST, pop_tick, run)) == NULL ||
         event_add(run->tick, &tv) < 0))
        return edge_err(why, "cannot arm the pacing timer");
    pop_launch(run);
    return 0;
}

/* population_run: one action over every UE; the reply comes when the last one is answered. */
void
eec_pop_run_cmd(struct ctl_req *req, json_t *args, void *arg)
{
    struct eec *e = arg;
    struct pop_args a = {.concurrency = 64};
    struct eec_pop_run *run;
    char why[EDGE_ERR_LEN];

    if (eec_args_decode(req, args, pop_run_fields, &a) < 0)
        return;
    if (e->pop.n == 0 || e->pop.running != NULL) {
        ctl_reply_error(req, EEC_CTL_BAD_ARGS, "population_run: %s",
                        e->pop.n == 0 ? "this EEC hosts no population (config \"population\")"
                                      : "an action over the population is running already");
        return;
    }
    if ((run = calloc(1, sizeof(*run))) == NULL) {
        ctl_reply_error(req, EEC_CTL_INTERNAL, "population_run: out of memory");
        return;
    }
    run->e = e;
    run->req = req;
    run->what = strcmp(a.action, "provision") == 0  ? POP_PROVISION
                : strcmp(a.action, "register") == 0 ? POP_REGISTER
                                                    : POP_RELOCATE;
    run->concurrency = (size_t)a.concurrency;
    run->rate = a.rate;
    run->fixed_ees = a.ees != NULL ? eec_pop_ees(&e->pop, a.ees) : -1;
    run->t_ees = a.t_ees != NULL ? eec_pop_ees(&e->pop, a.t_ees) : -1;
    run->statuses = json_object();
    run->errors = json_array();
    if (run->what == POP_RELOCATE && run->t_ees < 0) {
        ctl_reply_error(req, EEC_CTL_BAD_ARGS, "population_run: relocate needs tEes");
        pop_run_free(run);
        return;
    }
    if (pop_start(run, why) < 0) {
        ctl_reply_error(req, EEC_CTL_INTERNAL, "population_run: %s", why);
        e->pop.running = NULL;
        pop_run_free(run);
    }
    /* Otherwise run is e->pop.running's: pop_finish frees it when the last UE is answered. */
} // NOLINT(clang-analyzer-unix.Malloc): owned by e->pop.running, see above

/* population: how many UEs, which credential, how many provisioned and registered. */
void
eec_pop_info_cmd(struct ctl_req *req, json_t *args, void *arg)
{
    struct eec *e = arg;
    size_t prov = 0, reg = 0;

    (void)args;
    for (size_t i = 0; i < e->pop.n; i++) {
        prov += e->pop.ue[i].ntokens > 0;
        reg += e->pop.ue[i].reg_ees >= 0;
    }
    ctl_reply(req, json_pack("{s:I, s:s, s:I, s:I}", "count", (json_int_t)e->pop.n, "credentials",
                             e->pop.psk ? "psk" : "cert", "provisioned", (json_int_t)prov,
                             "registered", (json_int_t)reg));
}
