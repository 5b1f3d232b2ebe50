/* ees_ecsreg.c -- this EES's registration at its ECS over EDGE-6 (TS 23.558 8.4.4, TS 29.558
 * Eecs_EESRegistration): register at start with its EESProfile, keep the registration alive
 * (update before expiry, and at most every keepAlive seconds, which also notices an ECS that
 * restarted and lost it), register again with backoff when it is lost or the ECS is down, and
 * deregister on stop. The node says ready once registered. */
#include "ees.h"
#include "base/err.h"
#include "net/problem.h"

#include <stdlib.h>
#include <string.h>

#define ECSREG_BACKOFF_MIN_MS 250

struct ees_ecsreg {
    char reg_id[EDGEAPP_ID_MAX];
    char location[EDGEAPP_URI_MAX];
    long long exp;  /* granted expiry; 0: none (never expires) */
    int registered; /* the ECS holds our registration (as far as we know) */
    int busy;       /* an EDGE-6 or JWKS exchange is under way */
    int ever;       /* registered once: ready was said */
    int keys_ok;    /* the JWKS of this ECS instance was loaded */
    long long backoff_ms;
    struct event *timer; /* the next refresh or retry */
};

static void ecsreg_post(struct ees *e);
static void ecsreg_put(struct ees *e);

static void
ecsreg_event(struct ees *e, const char *event, const char *reason)
{
    struct ees_ecsreg *g = e->ecsreg;
    char when[JS_TIME_LEN];
    json_t *ev = json_pack("{s:s, s:s, s:s?, s:s?, s:s?}", "event", event, "ecs", e->cfg.ecs,
                           "regId", g->reg_id[0] != '\0' ? g->reg_id : NULL, "expTime",
                           g->exp != 0 ? ees_time(g->exp, when) : NULL, "reason", reason);

    if (ev != NULL)
        ctl_event(e->n.ctl, ev);
}

static void
ecsreg_arm(struct ees *e, long long ms)
{
    struct timeval tv = {(time_t)(ms / 1000), (suseconds_t)((ms % 1000) * 1000)};

    if (!e->stopping)
        event_add(e->ecsreg->timer, &tv);
}

/* Try again later, waiting longer each time (up to registrationRetryMax). */
static void
ecsreg_retry(struct ees *e)
{
    struct ees_ecsreg *g = e->ecsreg;

    ecsreg_arm(e, g->backoff_ms);
    g->backoff_ms =
        g->backoff_ms * 2 < e->cfg.retry_max_ms ? g->backoff_ms * 2 : e->cfg.retry_max_ms;
}

/* The next update: before expiry (half the time left), and at most keepAlive seconds away. */
static void
ecsreg_schedule(struct ees *e)
{
    struct ees_ecsreg *g = e->ecsreg;
    long long left = g->exp != 0 ? g->exp - node_now() : 0, ms = -1;

    if (!e->cfg.refresh) {
        if (g->exp != 0) /* only to notice the expiry */
            ms = (left > 0 ? left : 0) * 1000 + 100;
    } else {
        if (g->exp != 0)
            ms = left > 2 ? left * 500 : 1000;
        if (e->cfg.keep_alive > 0 && (ms < 0 || ms > e->cfg.keep_alive * 1000))
            ms = e->cfg.keep_alive * 1000;
    }
    if (ms >= 0)
        ecsreg_arm(e, ms);
}

static json_t *
ecsreg_body(struct ees *e)
{
    char when[JS_TIME_LEN];
    json_t *prof =
        json_pack("{s:s, s:o, s:O, s:b}", "eesId", e->n.name, "endPt", node_endpoint(&e->n),
                  "easIds", e->cfg.eas_ids, "eecRegConf", e->cfg.eec_reg_conf);

    if (prof != NULL && e->cfg.svc_area != NULL)
        json_object_set(prof, "svcArea", e->cfg.svc_area);
    if (e->cfg.reg_expiry == 0)
        return json_pack("{s:o}", "eesProf", prof);
    return json_pack("{s:o, s:s}", "eesProf", prof, "expTime",
                     ees_time(node_now() + e->cfg.reg_expiry, when));
}

/* Take the granted expiry from an EESRegistration answer (absent: the one proposed). */
static int
ecsreg_accept(struct ees *e, const struct http_client_resp *r, char *err)
{
    struct ees_ecsreg *g = e->ecsreg;
    json_t *body = NULL;
    long long exp = e->cfg.reg_expiry != 0 ? node_now() + e->cfg.reg_expiry : 0;
    int rc = 0;

    if (r->body_len > 0) {
        if (js_loads(r->body, r->body_len, &body, err) < 0 ||
            js_decode(body, NULL, edgeapp_ees_registration, NULL, NULL, err) < 0) {
            json_decref(body);
            return -1;
        }
        if (json_object_get(body, "expTime") != NULL)
            exp = ees_time_parse(json_string_value(json_object_get(body, "expTime")));
        else
            exp = 0; /* TS 23.558 8.4.4.2: no expiration time means none */
    }
    if (exp < 0)
        rc = edge_err(err, "expTime unreadable");
    else
        g->exp = exp;
    json_decref(body);
    return rc;
}

/* The registration ID is the last segment of Location (TS 29.558: 201 with Location). */
static int
ecsreg_location(struct ees *e, const struct http_client_resp *r, char *err)
{
    struct ees_ecsreg *g = e->ecsreg;
    const char *loc = http_client_resp_header(r, "Location"), *slash;
    char why[EDGE_ERR_LEN];

    if (loc == NULL)
        return edge_err(err, "201 without Location");
    slash = strrchr(loc, '/');
    if (slash == NULL || strstr(loc, EES_ECSREG_PATH "/") == NULL ||
        js_valid_id(slash + 1, why) < 0 || strlen(slash + 1) >= sizeof(g->reg_id))
        return edge_err(err, "Location %.128s names no registration", loc);
    snprintf(g->reg_id, sizeof(g->reg_id), "%s", slash + 1);
    snprintf(g->location, sizeof(g->location), "%s", loc);
    return 0;
}

/* The control events say why in one word: registered "start" / "again"; deregistered "lost"
 * (the ECS answered 404), "refused" (it refused the update), "expired", "stopped". */
static void
ecsreg_registered(struct ees *e)
{
    struct ees_ecsreg *g = e->ecsreg;
    const char *how = g->ever ? "registered again" : "registered";
    char when[JS_TIME_LEN];
    json_t *data = json_pack("{s:s, s:s, s:s?}", "ecs", e->cfg.ecs, "regId", g->reg_id, "expTime",
                             g->exp != 0 ? ees_time(g->exp, when) : NULL);

    node_log(&e->n, "registry", e->cfg.ecs, NULL, data, "%s at %s (registration %s)", how,
             e->cfg.ecs, g->reg_id);
    json_decref(data);
    g->registered = 1;
    g->backoff_ms = ECSREG_BACKOFF_MIN_MS;
    ecsreg_event(e, "registered", g->ever ? "again" : "start");
    if (!g->ever) {
        g->ever = 1;
        node_ready(&e->n, json_pack("{s:s, s:s}", "ecs", e->cfg.ecs, "regId", g->reg_id));
    }
    ecsreg_schedule(e);
}

static void
ecsreg_lost(struct ees *e, const char *reason, const char *why)
{
    struct ees_ecsreg *g = e->ecsreg;
    json_t *data = json_pack("{s:s, s:s}", "ecs", e->cfg.ecs, "regId", g->reg_id);

    node_log(&e->n, "registry", e->cfg.ecs, "REGISTRATION_LOST", data,
             "EDGE-6 registration %s lost (%s): registering again", g->reg_id, why);
    json_decref(data);
    g->registered = 0;
    g->keys_ok = 0; /* a restarted ECS may publish other keys */
    ecsreg_event(e, "deregistered", reason);
    g->reg_id[0] = '\0';
    g->exp = 0;
}

static void
ecsreg_post_resp(const struct http_client_resp *r, void *arg)
{
    struct ees *e = arg;
    char err[EDGE_ERR_LEN];

    if (e->closing || e->stopping)
        return;
    e->ecsreg->busy = 0;
    if (r->status == 201 && ecsreg_location(e, r, err) == 0 && ecsreg_accept(e, r, err) == 0) {
        ecsreg_registered(e);
        return;
    }
    if (r->status == 201) /* registered, but the answer is unusable: say so, try again */
        node_log(&e->n, "registry", e->cfg.ecs, PROBLEM_MANDATORY_IE_INCORRECT, NULL,
                 "EDGE-6 registration answer unusable: %s", err);
    else
        node_log(&e->n, "registry", e->cfg.ecs, r->status == 0 ? r->error_cause : NULL, NULL,
                 "EDGE-6 registration at %s failed: %s", e->cfg.ecs,
                 r->status == 0 ? r->error : "refused (see the HTTP answer)");
    ecsreg_retry(e);
}

static void
ecsreg_send_post(struct ees *e)
{
    json_t *body = ecsreg_body(e);
    char err[EDGE_ERR_LEN];

    e->ecsreg->busy = 1;
    if (body == NULL || node_send_json(&e->n, "POST", e->cfg.ecs, EES_ECSREG_PATH, body, NULL,
                                       ecsreg_post_resp, e, err) < 0) {
        e->ecsreg->busy = 0;
        node_log(&e->n, "registry", e->cfg.ecs, NULL, NULL, "EDGE-6 registration not sent: %s",
                 body == NULL ? "out of memory" : err);
        ecsreg_retry(e);
    }
    json_decref(body);
}

static void
ecsreg_keys_done(struct ees *e, int ok, void *arg)
{
    (void)arg;
    if (e->closing || e->stopping)
        return;
    e->ecsreg->busy = 0;
    /* Without the keys the EES still registers: a token's unknown kid reloads them later. */
    e->ecsreg->keys_ok = ok;
    ecsreg_send_post(e);
}

/* Register: the ECS's JWKS first (the keys its tokens will be signed with), then POST. */
static void
ecsreg_post(struct ees *e)
{
    if (e->ecsreg->keys_ok) {
        ecsreg_send_post(e);
        return;
    }
    e->ecsreg->busy = 1;
    ees_keys_fetch(e, NULL, ecsreg_keys_done, NULL);
}

static void
ecsreg_put_resp(const struct http_client_resp *r, void *arg)
{
    struct ees *e = arg;
    struct ees_ecsreg *g;
    char err[EDGE_ERR_LEN];

    if (e->closing || e->stopping)
        return;
    g = e->ecsreg;
    g->busy = 0;
    if ((r->status == 200 || r->status == 204) && ecsreg_accept(e, r, err) == 0) {
        g->backoff_ms = ECSREG_BACKOFF_MIN_MS;
        ecsreg_schedule(e);
        return;
    }
    if (r->status == 0) {
        /* The ECS is down (or restarting): keep trying; it answers 404 if it forgot us. */
        node_log(&e->n, "registry", e->cfg.ecs, r->error_cause, NULL,
                 "EDGE-6 update not answered: %s", r->error);
        ecsreg_retry(e);
        return;
    }
    if (r->status == 404)
        ecsreg_lost(e, "lost", "the ECS no longer knows it");
    else
        ecsreg_lost(e, "refused", "the ECS refused the update");
    ecsreg_post(e);
}

static void
ecsreg_put(struct ees *e)
{
    struct ees_ecsreg *g = e->ecsreg;
    json_t *body = ecsreg_body(e);
    char path[sizeof(EES_ECSREG_PATH) + EDGEAPP_ID_MAX + 1], err[EDGE_ERR_LEN];

    snprintf(path, sizeof(path), "%s/%s", EES_ECSREG_PATH, g->reg_id);
    g->busy = 1;
    if (body == NULL ||
        node_send_json(&e->n, "PUT", e->cfg.ecs, path, body, NULL, ecsreg_put_resp, e, err) < 0) {
        g->busy = 0;
        node_log(&e->n, "registry", e->cfg.ecs, NULL, NULL, "EDGE-6 update not sent: %s",
                 body == NULL ? "out of memory" : err);
        ecsreg_retry(e);
    }
    json_decref(body);
}

static void
ecsreg_tick(evutil_socket_t fd, short what, void *arg)
{
    struct ees *e = arg;
    struct ees_ecsreg *g = e->ecsreg;

    (void)fd;
    (void)what;
    if (g->busy || e->stopping)
        return;
    if (!g->registered) {
        ecsreg_post(e);
    } else if (!e->cfg.refresh) {
        if (g->exp != 0 && g->exp <= node_now()) {
            node_log(&e->n, "registry", e->cfg.ecs, "REGISTRATION_EXPIRED", NULL,
                     "EDGE-6 registration %s expired (refresh is off)", g->reg_id);
            g->registered = 0;
            ecsreg_event(e, "deregistered", "expired");
        }
    } else {
        ecsreg_put(e);
    }
}

/* registration: the EDGE-6 registration as this EES knows it (nodes/README.md). */
static void
ecsreg_cmd(struct ctl_req *cr, json_t *args, void *arg)
{
    struct ees *e = arg;
    struct ees_ecsreg *g = e->ecsreg;
    char when[JS_TIME_LEN];
    json_t *res;

    (void)args;
    res = json_pack("{s:b, s:s?, s:s?, s:s, s:s?}", "registered", g->registered, "regId",
                    g->reg_id[0] != '\0' ? g->reg_id : NULL, "expTime",
                    g->exp != 0 ? ees_time(g->exp, when) : NULL, "ecs", e->cfg.ecs, "location",
                    g->location[0] != '\0' ? g->location : NULL);
    if (res != NULL && g->exp != 0)
        json_object_set_new(res, "expiresIn", json_integer(g->exp - node_now()));
    if (res == NULL)
        ctl_reply_error(cr, EES_CTL_INTERNAL, "out of memory");
    else
        ctl_reply(cr, res);
}

int
ees_ecsreg_setup(struct ees *e, char *err)
{
    if ((e->ecsreg = calloc(1, sizeof(*e->ecsreg))) == NULL)
        return edge_err(err, "out of memory");
    e->ecsreg->backoff_ms = ECSREG_BACKOFF_MIN_MS;
    if ((e->ecsreg->timer = evtimer_new(e->n.base, ecsreg_tick, e)) == NULL)
        return edge_err(err, "cannot create the EDGE-6 timer");
    return ctl_command(e->n.ctl, "registration", ecsreg_cmd, e, err);
}

void
ees_ecsreg_start(struct ees *e)
{
    ecsreg_post(e);
}

static void
ecsreg_delete_resp(const struct http_client_resp *r, void *arg)
{
    struct ees *e = arg;

    if (e->closing)
        return;
    node_log(&e->n, "registry", e->cfg.ecs, r->status == 0 ? r->error_cause : NULL, NULL,
             "EDGE-6 deregistration of %s: %s", e->ecsreg->reg_id,
             r->status == 204 ? "done"
             : r->status == 0 ? r->error
                              : "refused");
    e->ecsreg->registered = 0;
    ecsreg_event(e, "deregistered", "stopped");
    event_base_loopbreak(e->n.base); /* main() runs the loop only for this answer */
}

int
ees_ecsreg_stop(struct ees *e)
{
    struct ees_ecsreg *g = e->ecsreg;
    char path[sizeof(EES_ECSREG_PATH) + EDGEAPP_ID_MAX + 1], err[EDGE_ERR_LEN];

    if (g == NULL)
        return 0;
    if (g->timer != NULL)
        event_del(g->timer);
    if (!g->registered || g->reg_id[0] == '\0')
        return 0;
    snprintf(path, sizeof(path), "%s/%s", EES_ECSREG_PATH, g->reg_id);
    if (node_send_json(&e->n, "DELETE", e->cfg.ecs, path, NULL, NULL, ecsreg_delete_resp, e, err) <
        0) {
        node_log(&e->n, "registry", e->cfg.ecs, NULL, NULL, "EDGE-6 deregistration not sent: %s",
                 err);
        return 0;
    }
    return 1;
}

void
ees_ecsreg_free(struct ees *e)
{
    if (e->ecsreg == NULL)
        return;
    if (e->ecsreg->timer != NULL)
        event_free(e->ecsreg->timer);
    free(e->ecsreg);
    e->ecsreg = NULL;
}
