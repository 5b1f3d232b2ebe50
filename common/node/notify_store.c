/* notify_store.c -- a server's subscriptions of one API (notify_store.h; TS 29.122 5.2.5,
 * TS 24.558 / TS 29.558 subscription resources). */
#include "node/notify_store.h"
#include "base/err.h"
#include "base/randid.h"
#include "net/problem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct notify_store {
    struct node *n;
    struct notify_api api;
    char item[256]; /* <collection>/{subscriptionId} */
    struct notify_sub *head;
    size_t nsubs;
    struct event *sweep;
    int closing; /* node_free runs: callbacks only free their own state */
    struct notify_store *first, *next_store; /* the node's stores, for "subscriptions" */
};

/* One request on the way: authorized, then the destination tested, then answered. */
struct notify_call {
    struct notify_store *s;
    struct http_req *req;
    const char *method;
    json_t *body; /* the subscription sent (POST, PUT), or the patch (PATCH) */
    struct notify_owner owner;
    struct notify_sub *sub; /* the one made, or the one the path names */
};

static const struct node_refusal notify_refusals[] = {
    {403, "SUBSCRIBER_NOT_AUTHORIZED", "only an EEC or an EAS subscribes to this API"},
    {403, "SUBSCRIBER_MISMATCH", "the subscription names another subscriber than the TLS peer"},
    {404, PROBLEM_CONTEXT_NOT_FOUND, "no such subscription here"},
    {403, "SUBSCRIPTION_NOT_OWNED", "the subscription belongs to another subscriber"},
    {400, PROBLEM_MANDATORY_IE_MISSING, "notificationDestination: missing required field"},
    {400, PROBLEM_MANDATORY_IE_INCORRECT, "notificationDestination is not a usable https URI"},
    {403, NOTIFY_CAUSE_NOT_SUBSCRIBER, "the notification destination is not the subscriber"},
    {503, "INSUFFICIENT_RESOURCES", "this server holds as many subscriptions as it can"},
    {500, PROBLEM_SYSTEM_FAILURE, "the server failed"},
};
enum {
    NR_WHO,
    NR_MISMATCH,
    NR_NOT_FOUND,
    NR_NOT_OWNED,
    NR_NO_DEST,
    NR_BAD_DEST,
    NR_NOT_SUBSCRIBER,
    NR_FULL,
    NR_INTERNAL
};

static void
call_free(struct notify_call *c)
{
    json_decref(c->body);
    free(c);
}

static void
sub_log(struct notify_store *s, const struct notify_sub *sub, const char *cause, const char *what)
{
    char when[JS_TIME_LEN] = "";
    json_t *data;

    if (sub->exp != 0)
        js_time_format((time_t)sub->exp, when, sizeof(when));
    data = json_pack("{s:s, s:s, s:s, s:s, s:s?}", "api", s->api.name, "subId", sub->id,
                     "subscriber", notify_owner_name(&sub->owner), "destination", sub->dest,
                     "expTime", when[0] != '\0' ? when : NULL);
    node_log(s->n, "subscription", notify_owner_name(&sub->owner), cause, data,
             "%s subscription %s of %s %s", s->api.name, sub->id, notify_owner_name(&sub->owner),
             what);
    json_decref(data);
}

static void
sub_unlink(struct notify_store *s, struct notify_sub *sub)
{
    struct notify_sub **pp;

    for (pp = &s->head; *pp != NULL; pp = &(*pp)->next)
        if (*pp == sub) {
            *pp = sub->next;
            s->nsubs--;
            return;
        }
}

static void
sub_remove(struct notify_store *s, struct notify_sub *sub, const char *cause, const char *why)
{
    sub_unlink(s, sub);
    sub_log(s, sub, cause, why);
    json_decref(sub->data);
    free(sub);
}

static void
store_sweep(evutil_socket_t fd, short what, void *arg)
{
    struct notify_store *s = arg;
    long long now = node_now();
    struct notify_sub *sub, *next;

    (void)fd;
    (void)what;
    for (sub = s->head; sub != NULL; sub = next) {
        next = sub->next;
        if (sub->exp != 0 && sub->exp <= now)
            sub_remove(s, sub, NULL, "expired");
    }
}

/* The granted expiry: min(requested expTime, now + max_life). */
static long long
store_grant(const struct notify_store *s, const json_t *body)
{
    long long now = node_now(), max = now + s->api.max_life;
    struct timespec ts;
    const char *want = json_string_value(json_object_get(body, "expTime"));

    if (want != NULL && js_time_parse(want, &ts, NULL) == 0 && ts.tv_sec > now && ts.tv_sec < max)
        return (long long)ts.tv_sec;
    return max;
}

static void
store_self(struct notify_store *s, const struct notify_sub *sub, char *buf, size_t len)
{
    json_t *ep = node_endpoint(s->n);

    snprintf(buf, len, "%s%s/%s", json_string_value(json_object_get(ep, "uri")), s->api.path,
             sub->id);
    json_decref(ep);
}

static int
table_has(const struct js_field *t, const char *name)
{
    for (; t->name != NULL; t++)
        if (strcmp(t->name, name) == 0)
            return 1;
    return 0;
}

/* The resource: what was sent, with the granted expTime and the link to itself where the API's
 * type has them (an API without expTime grants none: its subscriptions do not expire). */
static void
sub_set_data(struct notify_store *s, struct notify_sub *sub, const json_t *sent)
{
    char when[JS_TIME_LEN], self[NOTIFY_URI_MAX];

    json_decref(sub->data);
    sub->data = json_deep_copy(sent);
    if (table_has(s->api.table, "expTime")) {
        js_time_format((time_t)sub->exp, when, sizeof(when));
        json_object_set_new(sub->data, "expTime", json_string(when));
    } else {
        sub->exp = 0;
    }
    if (table_has(s->api.table, "self")) {
        store_self(s, sub, self, sizeof(self));
        json_object_set_new(sub->data, "self", json_string(self));
    }
}

/* ---- create: POST ---- */

static void
create_tested(const struct notify_result *res, void *arg)
{
    struct notify_call *c = arg;
    struct notify_store *s = c->s;
    struct notify_sub *sub = c->sub;
    char loc[NOTIFY_URI_MAX];

    if (s->closing) {
        json_decref(sub->data);
        free(sub);
        call_free(c);
        return;
    }
    if (!res->ok) {
        /* Rule 1 (notify.h): no subscription whose destination is not the subscriber. */
        node_refuse(c->req, &notify_refusals[NR_NOT_SUBSCRIBER],
                    "the test notification to %.256s was %s: %.200s", sub->dest, res->verdict,
                    res->why != NULL ? res->why : "");
        json_decref(sub->data);
        free(sub);
        call_free(c);
        return;
    }
    sub->next = s->head;
    s->head = sub;
    s->nsubs++;
    sub_log(s, sub, NULL, "created");
    store_self(s, sub, loc, sizeof(loc));
    http_reply_header(c->req, "Location", loc);
    http_reply_json(c->req, 201, json_incref(sub->data));
    if (s->api.changed != NULL)
        s->api.changed(s, sub, "created", s->api.arg);
    call_free(c);
}

/* Send the TS 29.122 TestNotification to dest for sub (rule 1), then cb. */
static void
store_test(struct notify_call *c, notify_done_cb cb)
{
    char self[NOTIFY_URI_MAX];
    json_t *test;

    store_self(c->s, c->sub, self, sizeof(self));
    test = json_pack("{s:s}", "subscription", self);
    notify_send(c->s->n, &c->sub->owner, c->sub->dest, c->s->api.name, c->sub->id, "TEST", test, 1,
                cb, c);
    json_decref(test);
}

/* The destination of a subscription body: 0, or -1 with the refusal sent. */
static int
store_dest(struct notify_call *c, const json_t *body, char *dest)
{
    const char *uri = json_string_value(json_object_get(body, "notificationDestination"));
    struct notify_dest d;
    char err[EDGE_ERR_LEN];

    if (uri == NULL) {
        node_refuse(c->req, &notify_refusals[NR_NO_DEST], NULL);
        return -1;
    }
    if (notify_dest_parse(uri, &d, err) < 0) {
        node_refuse_param(c->req, &notify_refusals[NR_BAD_DEST], "notificationDestination", err);
        return -1;
    }
    snprintf(dest, NOTIFY_URI_MAX, "%s", uri);
    return 0;
}

static void
create_authorized(struct notify_call *c)
{
    struct notify_store *s = c->s;
    struct notify_sub *sub;
    char err[EDGE_ERR_LEN];

    if (s->nsubs >= NOTIFY_SUB_MAX || (sub = calloc(1, sizeof(*sub))) == NULL) {
        node_refuse(c->req, &notify_refusals[NR_FULL], NULL);
        call_free(c);
        return;
    }
    if (store_dest(c, c->body, sub->dest) < 0 ||
        randid_new(sub->id, sizeof(sub->id), "sub-", 8, RANDID_HEX, err) < 0) {
        if (sub->dest[0] != '\0')
            node_refuse(c->req, &notify_refusals[NR_INTERNAL], "%s", err);
        free(sub);
        call_free(c);
        return;
    }
    sub->owner = c->owner;
    sub->exp = store_grant(s, c->body);
    sub_set_data(s, sub, c->body);
    c->sub = sub;
    http_req_hold(c->req);
    store_test(c, create_tested);
}

/* ---- the resource: GET, PUT, PATCH, DELETE ---- */

static void
update_tested(const struct notify_result *res, void *arg)
{
    struct notify_call *c = arg;
    struct notify_store *s = c->s;
    struct notify_sub *sub = c->sub, *live;

    for (live = s->head; live != NULL && live != sub; live = live->next)
        ;
    if (s->closing) {
        call_free(c);
        return;
    }
    if (live == NULL) { /* deleted or expired meanwhile */
        node_refuse(c->req, &notify_refusals[NR_NOT_FOUND], NULL);
        call_free(c);
        return;
    }
    if (!res->ok) {
        node_refuse(c->req, &notify_refusals[NR_NOT_SUBSCRIBER],
                    "the test notification to the new destination was %s: %.200s", res->verdict,
                    res->why != NULL ? res->why : "");
        call_free(c);
        return;
    }
    snprintf(sub->dest, sizeof(sub->dest), "%s",
             json_string_value(json_object_get(c->body, "notificationDestination")));
    sub->exp = store_grant(s, c->body);
    sub_set_data(s, sub, c->body);
    sub_log(s, sub, NULL, "updated");
    http_reply_json(c->req, 200, json_incref(sub->data));
    if (s->api.changed != NULL)
        s->api.changed(s, sub, "updated", s->api.arg);
    call_free(c);
}

/* PUT and PATCH: the new subscription in c->body; a new destination is tested first. */
static void
store_update(struct notify_call *c)
{
    struct notify_sub *sub = c->sub;
    char dest[NOTIFY_URI_MAX], self[NOTIFY_URI_MAX];
    json_t *test;

    if (store_dest(c, c->body, dest) < 0) {
        call_free(c);
        return;
    }
    if (strcmp(dest, sub->dest) == 0) {
        struct notify_result same = {.ok = 1, .verdict = "delivered"};
        update_tested(&same, c);
        return;
    }
    http_req_hold(c->req);
    store_self(c->s, sub, self, sizeof(self));
    test = json_pack("{s:s}", "subscription", self);
    notify_send(c->s->n, &sub->owner, dest, c->s->api.name, sub->id, "TEST", test, 1, update_tested,
                c);
    json_decref(test);
}

static void
item_authorized(struct notify_call *c)
{
    struct notify_store *s = c->s;
    struct notify_sub *sub = c->sub;
    json_t *merged, *v;
    const char *k;

    if (strcmp(c->method, "GET") == 0) {
        http_reply_json(c->req, 200, json_incref(sub->data));
    } else if (strcmp(c->method, "DELETE") == 0) {
        http_reply(c->req, 204, NULL, NULL, 0);
        sub_remove(s, sub, NULL, "deleted");
    } else {
        if (strcmp(c->method, "PATCH") == 0) { /* RFC 7396 on the subscription */
            merged = json_deep_copy(sub->data);
            json_object_foreach(c->body, k, v)
            {
                if (json_is_null(v))
                    json_object_del(merged, k);
                else
                    json_object_set(merged, k, v);
            }
            json_decref(c->body);
            c->body = merged;
        }
        store_update(c);
        return;
    }
    call_free(c);
}

void
notify_call_authorized(struct notify_call *c, int ok)
{
    if (!ok || c->s->closing) {
        call_free(c);
        return;
    }
    if (c->sub == NULL)
        create_authorized(c);
    else
        item_authorized(c);
}

/* The subscriber: an EEC or EAS as the API wants, naming itself in the body if the API says so;
 * else a refusal and -1. */
static int
store_owner(struct notify_call *c, const json_t *body)
{
    const char *named = c->s->api.owner_member != NULL
                            ? json_string_value(json_object_get(body, c->s->api.owner_member))
                            : NULL;

    if (notify_owner_of(http_req_peer(c->req), &c->owner) < 0 || c->owner.who != c->s->api.who) {
        node_refuse(c->req, &notify_refusals[NR_WHO], "only an %s subscribes to %s",
                    c->s->api.who == NOTIFY_EEC ? "EEC" : "EAS", c->s->api.name);
        return -1;
    }
    if (named != NULL && strcmp(named, c->owner.id) != 0) {
        node_refuse(c->req, &notify_refusals[NR_MISMATCH], "%s %.64s is not %s, the TLS peer",
                    c->s->api.owner_member, named, c->owner.id);
        return -1;
    }
    return 0;
}

static struct notify_call *
call_new(struct notify_store *s, struct http_req *req, const char *method)
{
    struct notify_call *c = calloc(1, sizeof(*c));

    if (c == NULL) {
        node_refuse(req, &notify_refusals[NR_INTERNAL], "out of memory");
        return NULL;
    }
    c->s = s;
    c->req = req;
    c->method = method;
    return c;
}

static void
store_post(struct http_req *req, void *arg)
{
    struct notify_store *s = arg;
    json_t *body = node_req_body(req, s->api.table);
    struct notify_call *c;

    if (body == NULL)
        return;
    if ((c = call_new(s, req, "POST")) == NULL) {
        json_decref(body);
        return;
    }
    c->body = body;
    if (store_owner(c, body) < 0) {
        call_free(c);
        return;
    }
    s->api.authorize(c, req, body, s->api.arg);
}

static void
store_item(struct http_req *req, void *arg)
{
    struct notify_store *s = arg;
    const char *method = http_req_method(req), *id = http_req_param(req, "subscriptionId");
    const struct js_field *table = NULL;
    struct notify_call *c;
    struct notify_sub *sub;

    for (sub = s->head; sub != NULL && id != NULL; sub = sub->next)
        if (strcmp(sub->id, id) == 0)
            break;
    if ((c = call_new(s, req,
                      strcmp(method, "PUT") == 0     ? "PUT"
                      : strcmp(method, "PATCH") == 0 ? "PATCH"
                      : strcmp(method, "GET") == 0   ? "GET"
                                                     : "DELETE")) == NULL)
        return;
    if (sub == NULL) {
        node_refuse(req, &notify_refusals[NR_NOT_FOUND], "no %s subscription %.64s here",
                    s->api.name, id != NULL ? id : "");
        goto fail;
    }
    c->sub = sub;
    table = strcmp(c->method, "PUT") == 0     ? s->api.table
            : strcmp(c->method, "PATCH") == 0 ? s->api.patch
                                              : NULL;
    if (table != NULL && (c->body = node_req_body(req, table)) == NULL)
        goto fail;
    if (store_owner(c, strcmp(c->method, "PUT") == 0 ? c->body : NULL) < 0)
        goto fail;
    if (!notify_owner_same(&c->owner, &sub->owner)) {
        node_refuse(req, &notify_refusals[NR_NOT_OWNED], "%s subscription %s belongs to %s",
                    s->api.name, sub->id, notify_owner_name(&sub->owner));
        goto fail;
    }
    s->api.authorize(c, req, c->body, s->api.arg);
    return;
fail:
    call_free(c);
}

/* ---- sending, listing ---- */

struct sent {
    struct notify_store *s;
    char id[NOTIFY_ID_LEN];
    notify_done_cb cb;
    void *arg;
};

static void
store_sent(const struct notify_result *res, void *arg)
{
    struct sent *x = arg;
    struct notify_sub *sub;

    /* A destination that no longer knows the subscription, or is no longer the subscriber,
     * gets no more (TS 29.122 5.2.5: the subscription ends). */
    if (!res->ok && (res->status == 404 || strcmp(res->verdict, "not_subscriber") == 0) &&
        !x->s->closing)
        for (sub = x->s->head; sub != NULL; sub = sub->next)
            if (strcmp(sub->id, x->id) == 0) {
                sub_remove(x->s, sub,
                           res->status == 404 ? NOTIFY_CAUSE_UNKNOWN : NOTIFY_CAUSE_NOT_SUBSCRIBER,
                           "dropped: its destination refused it");
                break;
            }
    if (x->cb != NULL)
        x->cb(res, x->arg);
    free(x);
}

void
notify_store_send(struct notify_store *s, struct notify_sub *sub, const char *event,
                  const json_t *body, notify_done_cb cb, void *arg)
{
    struct sent *x = calloc(1, sizeof(*x));

    if (x == NULL) {
        struct notify_result res = {.verdict = "unreachable", .why = "out of memory"};
        if (cb != NULL)
            cb(&res, arg);
        return;
    }
    x->s = s;
    x->cb = cb;
    x->arg = arg;
    snprintf(x->id, sizeof(x->id), "%s", sub->id);
    notify_send(s->n, &sub->owner, sub->dest, s->api.name, sub->id, event, body, 0, store_sent, x);
}

const struct notify_sub *
notify_call_sub(const struct notify_call *c)
{
    return c->sub;
}

struct notify_sub *
notify_store_subs(struct notify_store *s)
{
    return s != NULL ? s->head : NULL;
}

const char *
notify_store_api(const struct notify_store *s)
{
    return s->api.name;
}

static void
store_list(struct ctl_req *cr, json_t *args, void *arg)
{
    struct notify_store *first = arg;
    json_t *list = json_array();

    (void)args;
    for (struct notify_store *s = first; s != NULL; s = s->next_store)
        for (struct notify_sub *sub = s->head; sub != NULL; sub = sub->next)
            json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s, s:O}", "api", s->api.name,
                                                  "subId", sub->id, "subscriber",
                                                  notify_owner_name(&sub->owner), "destination",
                                                  sub->dest, "subscription", sub->data));
    ctl_reply(cr, json_pack("{s:o}", "subscriptions", list));
}

struct notify_store *
notify_store_new(struct node *n, const struct notify_api *api, struct notify_store *first,
                 char *err)
{
    struct notify_store *s = calloc(1, sizeof(*s));
    struct timeval sec = {1, 0};

    if (s == NULL) {
        edge_err(err, "out of memory");
        return NULL;
    }
    s->n = n;
    s->api = *api;
    s->first = first != NULL ? first : s;
    if (first != NULL) {
        struct notify_store *last = first;
        while (last->next_store != NULL)
            last = last->next_store;
        last->next_store = s;
    }
    snprintf(s->item, sizeof(s->item), "%s/{subscriptionId}", api->path);
    s->sweep = event_new(n->base, -1, EV_PERSIST, store_sweep, s);
    if (s->sweep == NULL || event_add(s->sweep, &sec) < 0 ||
        http_server_route(n->http, "POST", api->path, store_post, s, err) < 0 ||
        http_server_route(n->http, "GET", s->item, store_item, s, err) < 0 ||
        http_server_route(n->http, "PUT", s->item, store_item, s, err) < 0 ||
        (api->patch != NULL &&
         http_server_route(n->http, "PATCH", s->item, store_item, s, err) < 0) ||
        http_server_route(n->http, "DELETE", s->item, store_item, s, err) < 0 ||
        ctl_command(n->ctl, "subscriptions", store_list, s->first, err) < 0) {
        notify_store_free(s);
        return NULL;
    }
    return s;
}

void
notify_store_close(struct notify_store *s)
{
    if (s == NULL)
        return;
    s->closing = 1;
    if (s->sweep != NULL)
        event_free(s->sweep);
    s->sweep = NULL;
}

void
notify_store_free(struct notify_store *s)
{
    struct notify_sub *sub, *next;

    if (s == NULL)
        return;
    if (s->sweep != NULL)
        event_free(s->sweep);
    for (sub = s->head; sub != NULL; sub = next) {
        next = sub->next;
        json_decref(sub->data);
        free(sub);
    }
    free(s);
}
