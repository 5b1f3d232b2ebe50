/* eec_notify.c -- the EEC's notification endpoint and its subscriptions (TS 24.558
 * notificationDestination, TS 29.122 5.2.5): an HTTPS server with its own certificate (SAN
 * dNSName = its notification host, SAN URI = its EEC ID, so a notifier can check that the
 * destination is the subscriber: notify.h rule 1), reachable in TAP mode (its address, port 443)
 * and loopback mode (its own port); notify.h's inbox accepts only what the server of a
 * subscription sends for it (rule 2). It subscribes to ACR events (Eees_ACREvents), EAS discovery
 * (Eees_EASDiscovery) and service provisioning (Eecs_ServiceProvisioning), and acts on what
 * arrives: an implicit registration from an ACR, EASes found, EESes provisioned. "subscribe",
 * "unsubscribe", "notifications". */
#include "eec.h"
#include "edgeapp/edgeapp_paths.h"
#include "base/err.h"
#include "auth/bearer.h"
#include "node/notify.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* One row per API it subscribes to: where, and which body. */
static const struct {
    const char *api, *path;
    int at_ecs; /* the ECS's API (EDGE-4), else an EES's (EDGE-1) */
} notify_apis[] = {
    {"acr-events", EDGEAPP_PATH_ACREVENTS_SUBS, 0},
    {"eas-discovery", EDGEAPP_PATH_EASDISC_SUBS, 0},
    {"servprov", EDGEAPP_PATH_SERVPROV_SUBS, 1},
};

static const char *const notify_api_names[] = {"acr-events", "eas-discovery", "servprov", NULL};

struct eec_notify {
    struct tls_ctx *tls;
    struct http_server *srv;
    struct notify_inbox *inbox;
    struct eec_acr_wait *waits; /* relocations waiting for their ACR notification */
};

struct eec_acr_wait {
    struct eec *e;
    char server[EDGE_FQDN_MAX];
    char eas_id[EDGEAPP_ID_MAX];
    eec_acr_cb cb;
    void *arg;
    struct event *timer;
    struct eec_acr_wait *next;
};

static int
row_of(const char *api)
{
    for (size_t i = 0; i < sizeof(notify_apis) / sizeof(notify_apis[0]); i++)
        if (strcmp(notify_apis[i].api, api) == 0)
            return (int)i;
    return -1;
}

/* ---- what arrives ---- */

static void
wait_unlink(struct eec *e, struct eec_acr_wait *w)
{
    struct eec_acr_wait **pp;

    for (pp = &e->notify->waits; *pp != NULL; pp = &(*pp)->next)
        if (*pp == w) {
            *pp = w->next;
            break;
        }
    event_free(w->timer);
}

static void
wait_end(struct eec *e, struct eec_acr_wait *w, const json_t *note)
{
    wait_unlink(e, w);
    w->cb(e, note, w->arg);
    free(w);
}

void
eec_notify_wait_cancel(struct eec *e, struct eec_acr_wait *w)
{
    if (w == NULL)
        return;
    wait_unlink(e, w);
    free(w);
}

static void
wait_timeout(evutil_socket_t fd, short what, void *arg)
{
    struct eec_acr_wait *w = arg;

    (void)fd;
    (void)what;
    wait_end(w->e, w, NULL);
}

/* ACRInfoNotification: the implicit registration at the T-EES (TS 23.558 8.9.2.3) becomes the
 * EEC's, and a relocation waiting for it ends. */
static void
on_acr(struct eec *e, const char *from, const json_t *note)
{
    const json_t *impl = json_object_get(json_object_get(note, "eecCtxtReloc"), "implReg");
    const json_t *tees = json_array_get(
        json_object_get(json_object_get(json_object_get(note, "trgtInfo"), "trgetEESInfo"), "eess"),
        0);
    const char *t = json_string_value(json_object_get(tees, "eesId"));
    const char *eas_id = json_string_value(json_object_get(note, "easId"));
    char err[EDGE_ERR_LEN];
    struct eec_ees *x;

    for (struct eec_acr_wait *w = e->notify->waits; w != NULL; w = w->next)
        if (strcasecmp(w->server, from) == 0 && eas_id != NULL && strcmp(w->eas_id, eas_id) == 0) {
            wait_end(e, w, note); /* the relocation it initiated takes it */
            return;
        }
    /* An ACR it did not initiate (decided by the S-EAS or executed by the S-EES). */
    if (impl != NULL && t != NULL && (x = eec_ees_add(e, t, err)) != NULL) {
        eec_ees_set_registration(x, json_string_value(json_object_get(impl, "regId")), NULL,
                                 json_string_value(json_object_get(impl, "expTime")), NULL, 1);
        node_log(&e->n, "registration", t, NULL, (json_t *)impl,
                 "implicitly registered at %s (ACR notification from %s)", t, from);
    }
}

/* EasDiscoveryNotification: the EASes now discoverable at that EES. */
static void
on_disc(struct eec *e, const char *from, const json_t *note)
{
    struct eec_ees *x = eec_ees_find(e, from);
    json_t *list = json_array(), *d;
    size_t i;

    if (x == NULL) {
        json_decref(list);
        return;
    }
    json_array_foreach(json_object_get(note, "discoveredEas"), i, d)
        json_array_append(list, json_object_get(d, "eas"));
    json_decref(x->eas);
    x->eas = list;
}

static void
on_notification(struct notify_inbox *in, const char *api, const char *sub_id, const json_t *body,
                void *arg)
{
    struct eec *e = arg;
    const char *from = NULL;
    json_t *ev;

    (void)in;
    for (size_t i = 0; i < e->nsubs; i++)
        if (strcmp(e->subs[i].sub_id, sub_id) == 0 && strcmp(e->subs[i].api, api) == 0)
            from = e->subs[i].server;
    if (from == NULL)
        return;
    if (strcmp(api, "acr-events") == 0)
        on_acr(e, from, body);
    else if (strcmp(api, "eas-discovery") == 0)
        on_disc(e, from, body);
    else if (strcmp(api, "servprov") == 0)
        eec_provision_notified(e, from, body);
    ev = json_pack("{s:s, s:s, s:s, s:s, s:O}", "event", "notification", "api", api, "subId",
                   sub_id, "from", from, "body", body);
    if (ev != NULL && !e->closing)
        ctl_event(e->n.ctl, ev);
    else
        json_decref(ev);
}

/* ---- subscribing ---- */

struct sub_op {
    struct eec *e;
    int row;
    char server[EDGE_FQDN_MAX];
    char key[NOTIFY_KEY_LEN];
    char dest[NOTIFY_URI_MAX];
    json_t *easids; /* acr-events: what it covers */
    eec_sub_cb cb;
    void *arg;
};

static void
sub_created(const struct http_client_resp *r, void *arg)
{
    struct sub_op *op = arg;
    struct eec *e = op->e;
    const char *loc = http_client_resp_header(r, "Location");
    const char *id = loc != NULL && strrchr(loc, '/') != NULL ? strrchr(loc, '/') + 1 : NULL;
    json_t *result = node_result(r);
    char why[EDGE_ERR_LEN];

    if (e->closing) { /* the inbox is gone: only the command's answer */
        op->cb(e, result, op->arg);
        goto done;
    }
    json_object_set_new(result, "key", json_string(op->key));
    json_object_set_new(result, "destination", json_string(op->dest));
    if (r->status == 201 && id != NULL && js_valid_id(id, why) == 0 && e->nsubs < EEC_SUBS_MAX) {
        struct eec_sub *s = &e->subs[e->nsubs++];
        notify_inbox_confirm(e->notify->inbox, op->key, id);
        snprintf(s->api, sizeof(s->api), "%s", notify_apis[op->row].api);
        snprintf(s->server, sizeof(s->server), "%s", op->server);
        snprintf(s->sub_id, sizeof(s->sub_id), "%s", id);
        snprintf(s->location, sizeof(s->location), "%s", loc);
        s->eas_ids = json_incref(op->easids);
        json_object_set_new(result, "subId", json_string(id));
    } else {
        notify_inbox_drop(e->notify->inbox, op->key);
        json_object_set_new(result, "subId", json_null());
    }
    op->cb(e, result, op->arg);
done:
    json_decref(result);
    json_decref(op->easids);
    free(op);
}

/* A failure without an HTTP answer, as sub_created reports it. */
static void
sub_fail(struct sub_op *op, const char *why)
{
    struct http_client_resp none = {.status = 0, .error = why, .body = ""};

    if (op->key[0] != '\0')
        notify_inbox_drop(op->e->notify->inbox, op->key);
    op->key[0] = '\0';
    sub_created(&none, op);
}

void
eec_notify_subscribe(struct eec *e, const char *api, const char *server, const char *host,
                     const char *token, json_t *body, eec_sub_cb cb, void *arg)
{
    struct sub_op *op = calloc(1, sizeof(*op));
    char err[EDGE_ERR_LEN], *auth = NULL;
    const char *headers[3] = {NULL, NULL, NULL};

    if (op == NULL) {
        struct http_client_resp none = {.status = 0, .error = "out of memory", .body = ""};
        json_t *res = node_result(&none);
        cb(e, res, arg);
        json_decref(res);
        return;
    }
    op->e = e;
    op->cb = cb;
    op->arg = arg;
    op->row = row_of(api);
    snprintf(op->server, sizeof(op->server), "%s", server);
    op->easids = json_incref(json_object_get(body, "easIds"));
    if (e->notify == NULL || op->row < 0) {
        sub_fail(op, "this EEC has no notification endpoint (config \"notify\")");
        return;
    }
    if (notify_inbox_expect(e->notify->inbox, server, api, op->dest, op->key, err) < 0) {
        sub_fail(op, err);
        return;
    }
    json_object_set_new(body, "notificationDestination", json_string(op->dest));
    if (token != NULL) {
        if ((auth = bearer_value(token)) == NULL) {
            sub_fail(op, "out of memory");
            return;
        }
        headers[0] = BEARER_HEADER;
        headers[1] = auth;
        eec_token_event(e, token, NULL, server, "presented");
    }
    if (node_send_json_within(&e->n, (int)e->cf.request_ms, "POST", host, notify_apis[op->row].path,
                              body, auth != NULL ? headers : NULL, sub_created, op, err) < 0)
        sub_fail(op, err);
    bearer_free(auth);
}

const struct eec_sub *
eec_notify_sub(const struct eec *e, const char *api, const char *server, const char *eas_id)
{
    for (size_t i = 0; i < e->nsubs; i++) {
        const struct eec_sub *s = &e->subs[i];
        json_t *v;
        size_t j;
        if (strcmp(s->api, api) != 0 || strcasecmp(s->server, server) != 0)
            continue;
        if (eas_id == NULL)
            return s;
        json_array_foreach(s->eas_ids, j, v)
        {
            if (strcmp(json_string_value(v), eas_id) == 0)
                return s;
        }
    }
    return NULL;
}

struct eec_acr_wait *
eec_notify_wait_acr(struct eec *e, const char *server, const char *eas_id, int timeout_ms,
                    eec_acr_cb cb, void *arg)
{
    struct eec_acr_wait *w = calloc(1, sizeof(*w));
    struct timeval tv = {timeout_ms / 1000, (suseconds_t)(timeout_ms % 1000) * 1000};

    if (w == NULL || e->notify == NULL ||
        (w->timer = evtimer_new(e->n.base, wait_timeout, w)) == NULL) {
        free(w);
        return NULL;
    }
    w->e = e;
    w->cb = cb;
    w->arg = arg;
    snprintf(w->server, sizeof(w->server), "%s", server);
    snprintf(w->eas_id, sizeof(w->eas_id), "%s", eas_id);
    w->next = e->notify->waits;
    e->notify->waits = w;
    evtimer_add(w->timer, &tv);
    return w;
}

/* ---- the commands ---- */

struct eec_subscribe_args {
    const char *api;
    const char *ees;
    const char *ecs;
    json_t *eas_ids;
    const char *event_ids;
    json_t *ac_profs;
    const char *exp_time;
    const char *token;
    json_t *ue_id;
    const char *dest; /* a destination of the runner's choosing (attack scenarios) */
};

#define A(m) offsetof(struct eec_subscribe_args, m)
static const struct js_field eec_subscribe_fields[] = {
    {.name = "api",
     .type = JS_STRING,
     .flags = JS_REQUIRED | JS_STORE,
     .store = A(api),
     .check = js_check_enum,
     .choices = notify_api_names},
    {.name = "ees", .type = JS_STRING, .flags = JS_STORE, .store = A(ees), .check = js_check_id},
    {.name = "ecs", .type = JS_STRING, .flags = JS_STORE, .store = A(ecs), .check = js_check_fqdn},
    {.name = "easIds",
     .type = JS_ARRAY,
     .flags = JS_STORE | JS_NONEMPTY,
     .store = A(eas_ids),
     .max_len = 64,
     .items = JS_STRING,
     .item_check = js_check_id},
    {.name = "eventIds",
     .type = JS_STRING,
     .flags = JS_STORE | JS_NONEMPTY,
     .store = A(event_ids),
     .max_len = 64},
    {.name = "acProfs",
     .type = JS_ARRAY,
     .flags = JS_STORE,
     .store = A(ac_profs),
     .max_len = 64,
     .items = JS_OBJECT,
     .sub = edgeapp_ac_profile},
    {.name = "expTime",
     .type = JS_STRING,
     .flags = JS_STORE,
     .store = A(exp_time),
     .check = js_check_datetime},
    {.name = "token",
     .type = JS_STRING,
     .flags = JS_STORE,
     .store = A(token),
     .check = eec_args_check_token},
    {.name = "ueId",
     .type = JS_ANY,
     .flags = JS_STORE,
     .store = A(ue_id),
     .check = eec_args_check_ueid},
    {0},
};
#undef A

/* The EAS IDs of its AC profiles (the default of what an ACR events subscription covers). */
static json_t *
eec_profile_eas_ids(const struct eec *e)
{
    json_t *ids = json_array(), *ac, *eas;
    size_t i, j;

    json_array_foreach(e->cf.ac_profs, i, ac)
    {
        json_array_foreach(json_object_get(ac, "eass"), j, eas)
            json_array_append(ids, json_object_get(eas, "easId"));
    }
    return ids;
}

/* The subscription body of api, as TS 24.558 has it. */
json_t *
eec_notify_body(struct eec *e, const char *api, json_t *eas_ids, const char *event_ids,
                json_t *ac_profs, const char *ue_id, const char *exp_time)
{
    json_t *ids = eas_ids != NULL ? json_incref(eas_ids) : eec_profile_eas_ids(e), *b;

    if (strcmp(api, "acr-events") == 0)
        b = json_pack("{s:s, s:s*, s:O, s:s}", "eecId", e->n.name, "ueId", ue_id, "easIds", ids,
                      "eventIds", event_ids != NULL ? event_ids : "ACR_COMPLETE");
    else if (strcmp(api, "eas-discovery") == 0)
        b = json_pack("{s:s, s:s*, s:s, s:o*}", "eecId", e->n.name, "ueId", ue_id, "easEventType",
                      "EAS_AVAILABILITY_CHANGE", "easDiscoveryFilter",
                      eec_discovery_filter(e, eas_ids));
    else
        b = json_pack("{s:s, s:s*, s:O*}", "eecId", e->n.name, "ueId", ue_id, "acProfs",
                      ac_profs != NULL ? ac_profs : e->cf.ac_profs);
    if (b != NULL && exp_time != NULL)
        json_object_set_new(b, "expTime", json_string(exp_time));
    json_decref(ids);
    return b;
}

static void
subscribe_done(struct eec *e, const json_t *result, void *arg)
{
    (void)e;
    ctl_reply(arg, json_deep_copy(result));
}

void
eec_subscribe_cmd(struct ctl_req *req, json_t *args, void *arg)
{
    struct eec *e = arg;
    struct eec_subscribe_args a = {0};
    struct eec_ees *x = NULL;
    const char *server, *host, *token = NULL;
    json_t *body;

    if (eec_args_decode(req, args, eec_subscribe_fields, &a) < 0)
        return;
    if (notify_apis[row_of(a.api)].at_ecs) {
        server = host = a.ecs != NULL ? a.ecs : e->cf.ecs;
    } else {
        if (a.ees == NULL) {
            ctl_reply_error(req, EEC_CTL_BAD_ARGS, "subscribe: %s needs ees", a.api);
            return;
        }
        if ((x = eec_args_ees(e, req, a.ees)) == NULL)
            return;
        server = x->id;
        host = x->host;
        token = eec_args_token(x, a.token);
    }
    body = eec_notify_body(e, a.api, a.eas_ids, a.event_ids, a.ac_profs, eec_args_ueid(e, a.ue_id),
                           a.exp_time);
    if (body == NULL) {
        ctl_reply_error(req, EEC_CTL_INTERNAL, "subscribe: out of memory");
        return;
    }
    eec_notify_subscribe(e, a.api, server, host, token, body, subscribe_done, req);
    json_decref(body);
}

static void
unsubscribe_done(struct eec_call *c, const struct http_client_resp *r, json_t *result)
{
    (void)result;
    if (r->status != 204)
        return;
    for (size_t i = 0; i < c->e->nsubs; i++)
        if (strcmp(c->e->subs[i].sub_id, json_string_value(json_object_get(c->ctx, "subId"))) ==
            0) {
            notify_inbox_drop(
                c->e->notify->inbox,
                notify_inbox_key(c->e->notify->inbox, c->e->subs[i].server, c->e->subs[i].sub_id));
            json_decref(c->e->subs[i].eas_ids);
            c->e->subs[i] = c->e->subs[--c->e->nsubs];
            break;
        }
}

/* unsubscribe {subId, token}: DELETE the subscription where it was made. */
void
eec_unsubscribe_cmd(struct ctl_req *req, json_t *args, void *arg)
{
    struct eec *e = arg;
    const char *id = json_string_value(json_object_get(args, "subId"));
    const char *tok = json_string_value(json_object_get(args, "token"));
    struct eec_sub *s = NULL;
    struct eec_ees *x;
    struct eec_call *c;
    char why[EDGE_ERR_LEN];

    for (size_t i = 0; id != NULL && i < e->nsubs; i++)
        if (strcmp(e->subs[i].sub_id, id) == 0)
            s = &e->subs[i];
    if (s == NULL || (tok != NULL &&
                      eec_args_check_token(json_object_get(args, "token"), NULL, NULL, why) < 0)) {
        ctl_reply_error(req, EEC_CTL_BAD_ARGS,
                        "unsubscribe: subId names none of its subscriptions");
        return;
    }
    x = eec_ees_find(e, s->server);
    if ((c = eec_call_new(e, req, x != NULL ? x->id : NULL,
                          x != NULL ? eec_args_token(x, tok) : NULL, unsubscribe_done)) == NULL)
        return;
    c->ctx = json_pack("{s:s}", "subId", s->sub_id);
    eec_call_send(c, "DELETE", x != NULL ? x->host : s->server,
                  strchr(strstr(s->location, "://") + 3, '/'), NULL);
}

/* ---- start-up ---- */

struct eec_notify_conf {
    const char *fqdn, *addr, *cert, *key;
    long long port;
};

#define C(m) offsetof(struct eec_notify_conf, m)
static const struct js_field notify_conf_fields[] = {
    {.name = "fqdn",
     .type = JS_STRING,
     .flags = JS_REQUIRED | JS_STORE,
     .store = C(fqdn),
     .check = js_check_fqdn},
    {.name = "addr",
     .type = JS_STRING,
     .flags = JS_REQUIRED | JS_STORE | JS_NONEMPTY,
     .store = C(addr),
     .max_len = 64},
    {.name = "port",
     .type = JS_INT,
     .flags = JS_REQUIRED | JS_STORE,
     .store = C(port),
     .check = js_check_range,
     .min = 1,
     .max = 65535},
    {.name = "cert",
     .type = JS_STRING,
     .flags = JS_REQUIRED | JS_STORE,
     .store = C(cert),
     .check = config_check_file},
    {.name = "key",
     .type = JS_STRING,
     .flags = JS_REQUIRED | JS_STORE,
     .store = C(key),
     .check = config_check_file},
    {0},
};
#undef C

int
eec_notify_setup(struct eec *e, char *err)
{
    json_t *root = config_root(e->n.cf), *nc = json_object_get(root, "notify");
    struct eec_notify_conf c = {0};
    char uri[NOTIFY_URI_MAX];

    if (nc == NULL)
        return 0; /* no endpoint: no subscriptions */
    if (js_decode(nc, "notify", notify_conf_fields, &c, e->n.cf, err) < 0) {
        char why[EDGE_ERR_LEN];
        snprintf(why, sizeof(why), "%s", err);
        return edge_err(err, "%s: %s", config_path(e->n.cf), why);
    }
    if ((e->notify = calloc(1, sizeof(*e->notify))) == NULL)
        return edge_err(err, "out of memory");
    struct tls_config tc = {
        .ca_file = json_string_value(json_object_get(json_object_get(root, "tls"), "ca")),
        .cert_file = c.cert,
        .key_file = c.key,
        .keylog_path = json_string_value(json_object_get(root, "keylog")),
    };
    if ((e->notify->tls = tls_server_new(&tc, err)) == NULL)
        return -1;
    struct http_server_config sc = {
        .addr = c.addr, .port = (unsigned short)c.port, .tls = e->notify->tls, .log = e->n.log};
    if ((e->notify->srv = http_server_new(e->n.base, &sc, err)) == NULL)
        return -1;
    if (c.port == 443)
        snprintf(uri, sizeof(uri), "https://%s", c.fqdn);
    else
        snprintf(uri, sizeof(uri), "https://%s:%lld", c.fqdn, c.port);
    if ((e->notify->inbox =
             notify_inbox_new(&e->n, e->notify->srv, uri, on_notification, e, err)) == NULL)
        return -1;
    node_log(&e->n, "node", NULL, NULL, NULL, "notification endpoint %s (%s:%lld)", uri, c.addr,
             c.port);
    return 0;
}

void
eec_notify_free(struct eec *e)
{
    if (e->notify == NULL)
        return;
    while (e->notify->waits != NULL)
        wait_end(e, e->notify->waits, NULL);
    http_server_free(e->notify->srv);
    notify_inbox_free(e->notify->inbox);
    tls_ctx_free(e->notify->tls);
    free(e->notify);
    e->notify = NULL;
    for (size_t i = 0; i < e->nsubs; i++)
        json_decref(e->subs[i].eas_ids);
    e->nsubs = 0;
}
