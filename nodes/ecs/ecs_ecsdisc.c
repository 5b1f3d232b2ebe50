/* ecs_ecsdisc.c -- the ECS-to-ECS lookup: where is an EES registered? An edgesim extension named
 * after the Rel-18 EDGE-10 Eecs_ECSDiscovery service (TS 23.558 8.17, no stage-3 YAML in S1), used
 * to find the ECS to forward a token request to (TR 33.739 6.27, TS 33.501 13.4.1.1.3 step 3:
 * "finds the target NRF") and the T-EES candidates at partner ECSes (TS 23.558 8.8.3.3).
 *
 *   GET /eecs-ecsdiscovery/v1/ees-profiles?ees-id=<eesId>&eas-id=<easId>   (one or both)
 *   Via: <ECSes that asked so far>   3gpp-Sbi-Max-Forward-Hops: <further ECS hops allowed>
 *   200 {"ecsId": "<answering ECS>",
 *        "eess": [{"eesProf": EESProfile, "ecsId": "<ECS holding it>", "hops": 0}]}
 *
 * Only configured peer ECSes may ask (mutual TLS; 403 NOT_A_PEER_ECS otherwise). With hops left,
 * the answering ECS also asks its own peers (never one in Via), so a request can be forwarded
 * over several ECSes, as TS 33.501 allows ("multiple NRF hops"). */
#include "ecs.h"
#include "edgeapp/edgeapp.h"
#include "base/err.h"
#include "net/http_form.h"
#include "net/problem.h"
#include "base/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define ECSDISC_PATH "/eecs-ecsdiscovery/v1/ees-profiles"
#define ECSDISC_MAX_ENTRIES 256

static const struct js_field ecsdisc_entry[] = {
    {.name = "eesProf", .type = JS_OBJECT, .flags = JS_REQUIRED, .sub = edgeapp_ees_profile},
    {.name = "ecsId", .type = JS_STRING, .flags = JS_REQUIRED, .check = js_check_fqdn},
    {.name = "hops",
     .type = JS_INT,
     .flags = JS_REQUIRED,
     .check = js_check_range,
     .min = 0,
     .max = ECS_HOPS_MAX},
    {0},
};

static const struct js_field ecsdisc_resp[] = {
    {.name = "ecsId", .type = JS_STRING, .flags = JS_REQUIRED, .check = js_check_fqdn},
    {.name = "eess",
     .type = JS_ARRAY,
     .flags = JS_REQUIRED,
     .max_len = ECSDISC_MAX_ENTRIES,
     .items = JS_OBJECT,
     .sub = ecsdisc_entry},
    {.name = "errors", .type = JS_ARRAY, .max_len = ECS_PEERS_MAX},
    {0},
};

/* ---- the time budget (ecs.h, README "Deadlines") ---- */

long long
ecs_deadline(const struct via *via)
{
    long long budget = ECS_BUDGET_MS - (long long)ECS_BUDGET_HOP_MS * (long long)via->n;

    return edge_now_ms() + (budget > ECS_BUDGET_FLOOR_MS ? budget : ECS_BUDGET_FLOOR_MS);
}

int
ecs_time_left(long long deadline)
{
    long long left = deadline - edge_now_ms();

    /* Spent already: a peer still gets a short try rather than none at all. */
    return left > ECS_CALL_MIN_MS ? (int)left : ECS_CALL_MIN_MS;
}

/* ---- client side: ask every peer, collect ---- */

struct ecs_lookup {
    struct ecs *e;
    ecs_lookup_fn cb;
    void *arg;
    json_t *found, *errors;
    int pending;
};

struct ecs_lookup_call {
    struct ecs_lookup *lk;
    char peer[EDGE_FQDN_MAX];
};

static void
lookup_finish(struct ecs_lookup *lk)
{
    lk->cb(lk->e, lk->found, lk->errors, lk->arg);
    json_decref(lk->found);
    json_decref(lk->errors);
    free(lk);
}

static void
lookup_deferred(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    lookup_finish(arg);
}

static void
lookup_error(struct ecs_lookup *lk, const char *peer, int status, const char *cause,
             const char *what)
{
    json_array_append_new(lk->errors, json_pack("{s:s, s:i, s:s?, s:s}", "peer", peer, "status",
                                                status, "cause", cause, "error", what));
}

/* One peer's answer: entries it holds or reaches, as hops from here (one more than from it). */
static void
lookup_take(struct ecs_lookup_call *c, const struct http_client_resp *r)
{
    struct ecs_lookup *lk = c->lk;
    json_t *body = NULL, *ent;
    char err[EDGE_ERR_LEN];
    size_t i;

    if (r->status != 200) {
        json_t *pd = r->body_len > 0 ? json_loadb(r->body, r->body_len, 0, NULL) : NULL;
        char what[EDGE_ERR_LEN];
        snprintf(what, sizeof(what), "%s%s%s", r->status ? "answered " : "",
                 r->status ? problem_title(r->status) : (r->error ? r->error : "no answer"),
                 problem_detail(pd) ? ": " : "");
        if (problem_detail(pd) != NULL)
            snprintf(what + strlen(what), sizeof(what) - strlen(what), "%.160s",
                     problem_detail(pd));
        lookup_error(lk, c->peer, r->status, r->status ? problem_cause(pd) : r->error_cause, what);
        json_decref(pd);
        return;
    }
    if (js_loads(r->body, r->body_len, &body, err) < 0 ||
        js_decode(body, "", ecsdisc_resp, NULL, NULL, err) < 0) {
        lookup_error(lk, c->peer, r->status, PROBLEM_INVALID_MSG_FORMAT, err);
        goto done;
    }
    json_array_foreach(json_object_get(body, "eess"), i, ent)
    {
        json_int_t hops = json_integer_value(json_object_get(ent, "hops")) + 1;
        json_array_append_new(lk->found, json_pack("{s:O, s:O, s:s, s:I}", "eesProf",
                                                   json_object_get(ent, "eesProf"), "ecsId",
                                                   json_object_get(ent, "ecsId"), "peer", c->peer,
                                                   "hops", hops));
    }
done:
    json_decref(body);
}

static void
lookup_resp(const struct http_client_resp *r, void *arg)
{
    struct ecs_lookup_call *c = arg;
    struct ecs_lookup *lk = c->lk;

    if (!lk->e->stopping)
        lookup_take(c, r);
    free(c);
    if (--lk->pending == 0)
        lookup_finish(lk);
}

/* The lookup's path with its query: ees-id and/or eas-id, each left out when NULL. */
static char *
lookup_path(const char *ees_id, const char *eas_id)
{
    size_t qlen = http_form_append_len("ees-id", ees_id) + http_form_append_len("eas-id", eas_id);
    size_t len = sizeof(ECSDISC_PATH) + 1 + qlen;
    char *path = malloc(len), *q;

    if (path == NULL)
        return NULL;
    snprintf(path, len, "%s?", ECSDISC_PATH);
    q = path + strlen(path);
    if (http_form_append(q, len - (size_t)(q - path), "ees-id", ees_id) < 0 ||
        http_form_append(q, len - (size_t)(q - path), "eas-id", eas_id) < 0) {
        free(path); /* cannot happen: len is what the appends take */
        return NULL;
    }
    return path;
}

int
ecs_lookup_start(struct ecs *e, const char *ees_id, const char *eas_id, const struct via *via,
                 unsigned hops_left, long long deadline, ecs_lookup_fn cb, void *arg, char *err)
{
    struct ecs_lookup *lk = calloc(1, sizeof(*lk));
    char via_text[VIA_TEXT_LEN], hops_text[16];
    const char *headers[] = {VIA_HEADER, via_text, VIA_HOPS_HEADER, hops_text, NULL};
    struct via sent = *via;
    char *path = lookup_path(ees_id, eas_id);
    struct timeval now = {0, 0};
    size_t i;
    json_t *v;

    if (lk == NULL || path == NULL || (lk->found = json_array()) == NULL ||
        (lk->errors = json_array()) == NULL) {
        edge_err(err, "out of memory");
        goto fail;
    }
    lk->e = e;
    lk->cb = cb;
    lk->arg = arg;
    if (!via_has(&sent, e->node.name) && via_add(&sent, e->node.name) < 0) {
        edge_err(err, "Via is full");
        goto fail;
    }
    via_format(&sent, via_text, sizeof(via_text));
    snprintf(hops_text, sizeof(hops_text), "%u", hops_left);
    json_array_foreach(e->cfg.peers, i, v)
    {
        const char *peer = json_string_value(v);
        struct ecs_lookup_call *c;
        char why[EDGE_ERR_LEN];

        if (via_has(&sent, peer))
            continue; /* it asked already: no loops */
        if ((c = calloc(1, sizeof(*c))) == NULL) {
            lookup_error(lk, peer, 0, NULL, "out of memory");
            continue;
        }
        c->lk = lk;
        snprintf(c->peer, sizeof(c->peer), "%s", peer);
        if (node_send_json_within(&e->node, ecs_time_left(deadline), "GET", peer, path, NULL,
                                  headers, lookup_resp, c, why) < 0) {
            lookup_error(lk, peer, 0, NULL, why);
            free(c);
            continue;
        }
        lk->pending++;
    }
    free(path);
    /* The callback always comes from the loop, never from inside this call. */
    if (lk->pending == 0 &&
        event_base_once(e->node.base, -1, EV_TIMEOUT, lookup_deferred, lk, &now) < 0) {
        edge_err(err, "cannot schedule the lookup's answer");
        path = NULL;
        goto fail;
    }
    return 0;
fail:
    free(path);
    if (lk != NULL) {
        json_decref(lk->found);
        json_decref(lk->errors);
        free(lk);
    }
    return -1;
}

/* ---- server side ---- */

struct ecsdisc_req {
    struct ecs *e;
    struct http_req *req;
    json_t *local;
    char peer[EDGE_FQDN_MAX];
};

static int
ecsdisc_matches(const struct ecs_reg *r, const char *ees_id, const char *eas_id)
{
    const char *id = json_string_value(json_object_get(r->prof, "eesId"));

    if (ees_id != NULL && strcasecmp(r->fqdn, ees_id) != 0 &&
        (id == NULL || strcmp(id, ees_id) != 0))
        return 0;
    return eas_id == NULL || ecs_reg_offers(r, eas_id);
}

static void
ecsdisc_answer(struct ecsdisc_req *d, json_t *found, json_t *errors)
{
    json_t *ent;
    size_t i;

    json_array_foreach(found, i, ent)
    {
        if (json_array_size(d->local) >= ECSDISC_MAX_ENTRIES)
            break;
        json_array_append_new(d->local, json_pack("{s:O, s:O, s:O}", "eesProf",
                                                  json_object_get(ent, "eesProf"), "ecsId",
                                                  json_object_get(ent, "ecsId"), "hops",
                                                  json_object_get(ent, "hops")));
    }
    json_t *data =
        json_pack("{s:s, s:I}", "asker", d->peer, "found", (json_int_t)json_array_size(d->local));
    node_log(&d->e->node, "lookup", d->peer, NULL, data, "ECS lookup from %s: %zu EES(s) found",
             d->peer, json_array_size(d->local));
    json_decref(data);
    http_reply_json(d->req, 200,
                    json_pack("{s:s, s:O, s:O*}", "ecsId", d->e->node.name, "eess", d->local,
                              "errors", json_array_size(errors) > 0 ? errors : NULL));
}

static void
ecsdisc_free(struct ecsdisc_req *d)
{
    json_decref(d->local);
    free(d);
}

static void
ecsdisc_done(struct ecs *e, json_t *found, json_t *errors, void *arg)
{
    struct ecsdisc_req *d = arg;

    if (!e->stopping)
        ecsdisc_answer(d, found, errors);
    ecsdisc_free(d);
}

/* Query checks; on failure the reply is sent. */
static int
ecsdisc_query(struct http_req *req, const char **ees_id, const char **eas_id, struct via *via,
              int *hops)
{
    char why[EDGE_ERR_LEN];

    *ees_id = http_req_query(req, "ees-id");
    *eas_id = http_req_query(req, "eas-id");
    if (*ees_id == NULL && *eas_id == NULL) {
        ecs_refuse(req, ECS_R_QUERY_INVALID, "ees-id or eas-id is required");
        return -1;
    }
    if ((*ees_id != NULL && js_valid_id(*ees_id, why) < 0) ||
        (*eas_id != NULL && js_valid_id(*eas_id, why) < 0)) {
        ecs_refuse(req, ECS_R_QUERY_INVALID, "ees-id/eas-id: %s", why);
        return -1;
    }
    if (via_parse(http_req_header(req, VIA_HEADER), via, why) < 0) {
        ecs_refuse(req, ECS_R_HEADER_INVALID, "%s", why);
        return -1;
    }
    if ((*hops = via_hops_parse(http_req_header(req, VIA_HOPS_HEADER))) == -2) {
        ecs_refuse(req, ECS_R_HEADER_INVALID, "%s is not a number 0..255", VIA_HOPS_HEADER);
        return -1;
    }
    return 0;
}

/* GET /eecs-ecsdiscovery/v1/ees-profiles */
static void
ecsdisc_get(struct http_req *req, void *arg)
{
    struct ecs *e = arg;
    const struct edge_peer *p = http_req_peer(req);
    const char *ees_id, *eas_id;
    struct ecsdisc_req *d = NULL;
    struct via via;
    char err[EDGE_ERR_LEN];
    long long deadline;
    int hops;

    if (p->mode != EDGE_PEER_CERT || !ecs_is_peer(e, p->fqdn)) {
        ecs_refuse(req, ECS_R_NOT_PEER_ECS,
                   "%s is not a peer ECS of %s: the ECS lookup is for peer ECSes only",
                   p->fqdn[0] ? p->fqdn : "the client", e->node.name);
        return;
    }
    if (ecsdisc_query(req, &ees_id, &eas_id, &via, &hops) < 0)
        return;
    deadline = ecs_deadline(&via); /* the asker waits less than its own asker: fewer in Via */
    if ((d = calloc(1, sizeof(*d))) == NULL || (d->local = json_array()) == NULL) {
        ecs_refuse(req, ECS_R_INTERNAL, "out of memory");
        goto done;
    }
    d->e = e;
    d->req = req;
    snprintf(d->peer, sizeof(d->peer), "%s", p->fqdn);
    for (struct ecs_reg *r = ecs_registry_first(e->reg); r != NULL; r = r->next)
        if (ecsdisc_matches(r, ees_id, eas_id) && json_array_size(d->local) < ECSDISC_MAX_ENTRIES)
            json_array_append_new(d->local, json_pack("{s:O, s:s, s:i}", "eesProf", r->prof,
                                                      "ecsId", e->node.name, "hops", 0));
    /* Ask further only for what is not here, and only within the hop budget. */
    if (hops > 0 && !via_has(&via, e->node.name) &&
        (ees_id == NULL || json_array_size(d->local) == 0)) {
        if (!via_has(&via, p->fqdn))
            via_add(&via, p->fqdn);
        http_req_hold(req);
        if (ecs_lookup_start(e, ees_id, eas_id, &via, (unsigned)hops - 1, deadline, ecsdisc_done, d,
                             err) == 0)
            return;
        ecs_refuse(req, ECS_R_INTERNAL, "cannot ask the peer ECSes: %s", err);
        goto done;
    }
    ecsdisc_answer(d, NULL, NULL);
done:
    if (d != NULL)
        ecsdisc_free(d);
}

int
ecs_ecsdisc_setup(struct ecs *e, char *err)
{
    return http_server_route(e->node.http, "GET", ECSDISC_PATH, ecsdisc_get, e, err);
}
