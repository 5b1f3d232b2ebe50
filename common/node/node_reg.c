/* node_reg.c -- a registration at a server kept alive (node_reg.h; TS 23.558 8.4.3 EDGE-3 and
 * 8.4.4 EDGE-6, TS 29.558 Eees_EASRegistration and Eecs_EESRegistration). */
#include "node/node_reg.h"
#include "base/err.h"
#include "net/problem.h"

#include <stdlib.h>
#include <string.h>

#define REG_BACKOFF_MIN_MS 250
#define REG_ID_MAX 256
#define REG_URI_MAX 2048

struct node_reg {
    struct node *n;
    struct node_reg_conf c;
    char reg_id[REG_ID_MAX];
    char location[REG_URI_MAX];
    long long exp;  /* granted expiry; 0: none (never expires) */
    int registered; /* the server holds our registration (as far as we know) */
    int busy;       /* an exchange is under way */
    int ever;       /* registered once: ready was said */
    int halted;     /* the node stops: no new work */
    int dirty;      /* the body changed since the last exchange: update soon */
    int closing;    /* node_free runs: callbacks only return */
    long long backoff_ms;
    struct event *timer; /* the next refresh or retry */
};

static const char *
reg_time(long long t, char *buf)
{
    if (js_time_format((time_t)t, buf, JS_TIME_LEN) < 0)
        snprintf(buf, JS_TIME_LEN, "1970-01-01T00:00:00Z");
    return buf;
}

static void
reg_event(struct node_reg *g, const char *event, const char *reason)
{
    char when[JS_TIME_LEN];
    json_t *ev = json_pack("{s:s, s:s, s:s?, s:s?, s:s?}", "event", event, g->c.server_key,
                           g->c.server, "regId", g->reg_id[0] != '\0' ? g->reg_id : NULL, "expTime",
                           g->exp != 0 ? reg_time(g->exp, when) : NULL, "reason", reason);

    if (ev != NULL)
        ctl_event(g->n->ctl, ev);
}

static void
reg_arm(struct node_reg *g, long long ms)
{
    struct timeval tv = {(time_t)(ms / 1000), (suseconds_t)((ms % 1000) * 1000)};

    if (!g->halted)
        event_add(g->timer, &tv);
}

/* Try again later, waiting longer each time (up to retry_max_ms). */
static void
reg_retry(struct node_reg *g)
{
    reg_arm(g, g->backoff_ms);
    g->backoff_ms =
        g->backoff_ms * 2 < g->c.policy.retry_max_ms ? g->backoff_ms * 2 : g->c.policy.retry_max_ms;
}

/* The next update: before expiry (half the time left), and at most keep_alive seconds away. */
static void
reg_schedule(struct node_reg *g)
{
    long long left = g->exp != 0 ? g->exp - node_now() : 0, ms = -1;

    if (!g->c.policy.refresh) {
        if (g->exp != 0) /* only to notice the expiry */
            ms = (left > 0 ? left : 0) * 1000 + 100;
    } else {
        if (g->exp != 0)
            ms = left > 2 ? left * 500 : 1000;
        if (g->c.policy.keep_alive > 0 && (ms < 0 || ms > g->c.policy.keep_alive * 1000))
            ms = g->c.policy.keep_alive * 1000;
    }
    if (ms >= 0)
        reg_arm(g, ms);
}

static json_t *
reg_body(struct node_reg *g)
{
    char when[JS_TIME_LEN];
    json_t *b = g->c.body(g->c.arg);

    if (b != NULL && g->c.policy.expiry != 0)
        json_object_set_new(b, "expTime",
                            json_string(reg_time(node_now() + g->c.policy.expiry, when)));
    return b;
}

/* Take the granted expiry from the answer (absent: the one proposed). */
static int
reg_accept(struct node_reg *g, const struct http_client_resp *r, char *err)
{
    json_t *body = NULL;
    long long exp = g->c.policy.expiry != 0 ? node_now() + g->c.policy.expiry : 0;
    struct timespec ts;
    int rc = 0;

    if (r->body_len > 0) {
        if (js_loads(r->body, r->body_len, &body, err) < 0 ||
            js_decode(body, NULL, g->c.answer, NULL, NULL, err) < 0) {
            json_decref(body);
            return -1;
        }
        exp = 0; /* TS 23.558 8.4.3, 8.4.4: no expiration time means none */
        if (json_object_get(body, "expTime") != NULL) {
            if (js_time_parse(json_string_value(json_object_get(body, "expTime")), &ts, err) < 0)
                rc = -1;
            else
                exp = (long long)ts.tv_sec;
        }
    }
    if (rc == 0)
        g->exp = exp;
    json_decref(body);
    return rc;
}

/* The registration ID is the last segment of Location (TS 29.558: 201 with Location). */
static int
reg_location(struct node_reg *g, const struct http_client_resp *r, char *err)
{
    const char *loc = http_client_resp_header(r, "Location"), *slash;
    char why[EDGE_ERR_LEN], prefix[REG_URI_MAX];

    if (loc == NULL)
        return edge_err(err, "201 without Location");
    snprintf(prefix, sizeof(prefix), "%s/", g->c.path);
    slash = strrchr(loc, '/');
    if (slash == NULL || strstr(loc, prefix) == NULL || js_valid_id(slash + 1, why) < 0 ||
        strlen(slash + 1) >= sizeof(g->reg_id) || strlen(loc) >= sizeof(g->location))
        return edge_err(err, "Location %.128s names no registration", loc);
    snprintf(g->reg_id, sizeof(g->reg_id), "%s", slash + 1);
    snprintf(g->location, sizeof(g->location), "%s", loc);
    return 0;
}

/* The control events say why in one word: registered "start" / "again"; deregistered "lost"
 * (the server answered 404), "refused" (it refused the update), "expired", "stopped". */
static void
reg_registered(struct node_reg *g)
{
    const char *how = g->ever ? "registered again" : "registered";
    char when[JS_TIME_LEN];
    json_t *data = json_pack("{s:s, s:s, s:s?}", g->c.server_key, g->c.server, "regId", g->reg_id,
                             "expTime", g->exp != 0 ? reg_time(g->exp, when) : NULL);

    node_log(g->n, "registry", g->c.server, NULL, data, "%s at %s (%s registration %s)", how,
             g->c.server, g->c.what, g->reg_id);
    json_decref(data);
    g->registered = 1;
    g->backoff_ms = REG_BACKOFF_MIN_MS;
    reg_event(g, "registered", g->ever ? "again" : "start");
    if (!g->ever) {
        g->ever = 1;
        node_ready(g->n, json_pack("{s:s, s:s}", g->c.server_key, g->c.server, "regId", g->reg_id));
    }
    if (g->dirty)
        reg_arm(g, 0);
    else
        reg_schedule(g);
}

static void
reg_lost(struct node_reg *g, const char *reason, const char *why)
{
    json_t *data = json_pack("{s:s, s:s}", g->c.server_key, g->c.server, "regId", g->reg_id);

    node_log(g->n, "registry", g->c.server, "REGISTRATION_LOST", data,
             "%s registration %s lost (%s): registering again", g->c.what, g->reg_id, why);
    json_decref(data);
    g->registered = 0;
    if (g->c.lost != NULL)
        g->c.lost(g->c.arg);
    reg_event(g, "deregistered", reason);
    g->reg_id[0] = '\0';
    g->exp = 0;
}

static void
reg_post_resp(const struct http_client_resp *r, void *arg)
{
    struct node_reg *g = arg;
    char err[EDGE_ERR_LEN];

    if (g->closing || g->halted)
        return;
    g->busy = 0;
    if (r->status == 201 && reg_location(g, r, err) == 0 && reg_accept(g, r, err) == 0) {
        reg_registered(g);
        return;
    }
    if (r->status == 201) /* registered, but the answer is unusable: say so, try again */
        node_log(g->n, "registry", g->c.server, PROBLEM_MANDATORY_IE_INCORRECT, NULL,
                 "%s registration answer unusable: %s", g->c.what, err);
    else
        node_log(g->n, "registry", g->c.server, r->status == 0 ? r->error_cause : NULL, NULL,
                 "%s registration at %s failed: %s", g->c.what, g->c.server,
                 r->status == 0 ? r->error : "refused (see the HTTP answer)");
    reg_retry(g);
}

void
node_reg_post(struct node_reg *g)
{
    json_t *body;
    char err[EDGE_ERR_LEN];

    if (g->closing || g->halted)
        return;
    body = reg_body(g);
    g->busy = 1;
    g->dirty = 0;
    if (body == NULL || node_send_json(g->n, "POST", g->c.server, g->c.path, body, NULL,
                                       reg_post_resp, g, err) < 0) {
        g->busy = 0;
        node_log(g->n, "registry", g->c.server, NULL, NULL, "%s registration not sent: %s",
                 g->c.what, body == NULL ? "out of memory" : err);
        reg_retry(g);
    }
    json_decref(body);
}

static void
reg_begin(struct node_reg *g)
{
    if (g->c.before_post == NULL) {
        node_reg_post(g);
        return;
    }
    g->busy = 1;
    g->c.before_post(g, g->c.arg);
}

static void
reg_put_resp(const struct http_client_resp *r, void *arg)
{
    struct node_reg *g = arg;
    char err[EDGE_ERR_LEN];

    if (g->closing || g->halted)
        return;
    g->busy = 0;
    if ((r->status == 200 || r->status == 204) && reg_accept(g, r, err) == 0) {
        g->backoff_ms = REG_BACKOFF_MIN_MS;
        if (g->dirty)
            reg_arm(g, 0);
        else
            reg_schedule(g);
        return;
    }
    if (r->status == 0) {
        /* The server is down (or restarting): keep trying; it answers 404 if it forgot us. */
        node_log(g->n, "registry", g->c.server, r->error_cause, NULL, "%s update not answered: %s",
                 g->c.what, r->error);
        reg_retry(g);
        return;
    }
    if (r->status == 404)
        reg_lost(g, "lost", "the server no longer knows it");
    else
        reg_lost(g, "refused", "the server refused the update");
    reg_begin(g);
}

static void
reg_put(struct node_reg *g)
{
    json_t *body = reg_body(g);
    char path[REG_URI_MAX + REG_ID_MAX], err[EDGE_ERR_LEN];

    snprintf(path, sizeof(path), "%s/%s", g->c.path, g->reg_id);
    g->busy = 1;
    g->dirty = 0;
    if (body == NULL ||
        node_send_json(g->n, "PUT", g->c.server, path, body, NULL, reg_put_resp, g, err) < 0) {
        g->busy = 0;
        node_log(g->n, "registry", g->c.server, NULL, NULL, "%s update not sent: %s", g->c.what,
                 body == NULL ? "out of memory" : err);
        reg_retry(g);
    }
    json_decref(body);
}

static void
reg_tick(evutil_socket_t fd, short what, void *arg)
{
    struct node_reg *g = arg;

    (void)fd;
    (void)what;
    if (g->busy || g->halted)
        return;
    if (!g->registered) {
        reg_begin(g);
    } else if (!g->c.policy.refresh) {
        if (g->exp != 0 && g->exp <= node_now()) {
            node_log(g->n, "registry", g->c.server, "REGISTRATION_EXPIRED", NULL,
                     "%s registration %s expired (refresh is off)", g->c.what, g->reg_id);
            g->registered = 0;
            reg_event(g, "deregistered", "expired");
        }
    } else {
        reg_put(g);
    }
}

/* registration: the registration as this node knows it (nodes/README.md). */
static void
reg_cmd(struct ctl_req *cr, json_t *args, void *arg)
{
    struct node_reg *g = arg;
    char when[JS_TIME_LEN];
    json_t *res;

    (void)args;
    res = json_pack("{s:b, s:s?, s:s?, s:s, s:s?}", "registered", g->registered, "regId",
                    g->reg_id[0] != '\0' ? g->reg_id : NULL, "expTime",
                    g->exp != 0 ? reg_time(g->exp, when) : NULL, g->c.server_key, g->c.server,
                    "location", g->location[0] != '\0' ? g->location : NULL);
    if (res != NULL && g->exp != 0)
        json_object_set_new(res, "expiresIn", json_integer(g->exp - node_now()));
    if (res == NULL)
        ctl_reply_error(cr, "node.internal", "out of memory");
    else
        ctl_reply(cr, res);
}

void
node_reg_policy_defaults(struct node_reg_policy *p)
{
    p->expiry = 3600;
    p->refresh = 1;
    p->keep_alive = 5;
    p->retry_max_ms = 2000;
}

struct node_reg *
node_reg_new(struct node *n, const struct node_reg_conf *conf, char *err)
{
    struct node_reg *g = calloc(1, sizeof(*g));

    if (g == NULL) {
        edge_err(err, "out of memory");
        return NULL;
    }
    g->n = n;
    g->c = *conf;
    g->backoff_ms = REG_BACKOFF_MIN_MS;
    if ((g->timer = evtimer_new(n->base, reg_tick, g)) == NULL) {
        edge_err(err, "cannot create the %s timer", conf->what);
        free(g);
        return NULL;
    }
    if (ctl_command(n->ctl, "registration", reg_cmd, g, err) < 0) {
        event_free(g->timer);
        free(g);
        return NULL;
    }
    return g;
}

void
node_reg_start(struct node_reg *g)
{
    reg_begin(g);
}

void
node_reg_update(struct node_reg *g)
{
    if (g == NULL || g->halted)
        return;
    g->dirty = 1;
    if (g->registered && !g->busy && g->c.policy.refresh) {
        event_del(g->timer);
        reg_arm(g, 0);
    }
}

void
node_reg_halt(struct node_reg *g)
{
    if (g == NULL)
        return;
    g->halted = 1;
    if (g->timer != NULL)
        event_del(g->timer);
}

static void
reg_delete_resp(const struct http_client_resp *r, void *arg)
{
    struct node_reg *g = arg;

    if (g->closing)
        return;
    node_log(g->n, "registry", g->c.server, r->status == 0 ? r->error_cause : NULL, NULL,
             "%s deregistration of %s: %s", g->c.what, g->reg_id,
             r->status == 204 ? "done"
             : r->status == 0 ? r->error
                              : "refused");
    g->registered = 0;
    reg_event(g, "deregistered", "stopped");
    event_base_loopbreak(g->n->base); /* main() runs the loop only for this answer */
}

int
node_reg_stop(struct node_reg *g)
{
    char path[REG_URI_MAX + REG_ID_MAX], err[EDGE_ERR_LEN];

    if (g == NULL)
        return 0;
    node_reg_halt(g);
    if (!g->registered || g->reg_id[0] == '\0')
        return 0;
    snprintf(path, sizeof(path), "%s/%s", g->c.path, g->reg_id);
    if (node_send_json(g->n, "DELETE", g->c.server, path, NULL, NULL, reg_delete_resp, g, err) <
        0) {
        node_log(g->n, "registry", g->c.server, NULL, NULL, "%s deregistration not sent: %s",
                 g->c.what, err);
        return 0;
    }
    return 1;
}

static void
reg_drain_timeout(evutil_socket_t fd, short what, void *arg)
{
    struct node_reg *g = arg;

    (void)fd;
    (void)what;
    node_log(g->n, "registry", g->c.server, "NO_RESPONSE", NULL,
             "no answer to the %s deregistration within %d ms", g->c.what, NODE_REG_DRAIN_MS);
    event_base_loopbreak(g->n->base);
}

void
node_reg_drain(struct node_reg *g)
{
    struct timeval tv = {NODE_REG_DRAIN_MS / 1000, (suseconds_t)(NODE_REG_DRAIN_MS % 1000) * 1000};
    struct event *t;

    if (!node_reg_stop(g))
        return;
    if ((t = evtimer_new(g->n->base, reg_drain_timeout, g)) == NULL)
        return;
    evtimer_add(t, &tv);
    event_base_dispatch(g->n->base);
    event_free(t);
    /* As node_run() does: the loopbreak leaves the deferred callbacks of the last round queued,
     * each holding its connection (a peer that closed meanwhile); run them, or they leak. */
    event_base_loop(g->n->base, EVLOOP_NONBLOCK);
}

void
node_reg_close(struct node_reg *g)
{
    if (g == NULL)
        return;
    g->closing = 1;
    g->halted = 1;
    if (g->timer != NULL)
        event_free(g->timer);
    g->timer = NULL;
}

void
node_reg_free(struct node_reg *g)
{
    free(g);
}

int
node_reg_registered(const struct node_reg *g)
{
    return g != NULL && g->registered;
}

const char *
node_reg_id(const struct node_reg *g)
{
    return g != NULL ? g->reg_id : "";
}
