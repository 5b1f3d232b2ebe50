/* notify.c -- notifications and the rule of who may notify whom (notify.h; TS 29.122 5.2.5,
 * TS 29.558 7, TS 33.558: every EDGE interface is mutual TLS). */
#include "node/notify.h"
#include "base/err.h"
#include "base/randid.h"
#include "net/problem.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define NOTIFY_PATH "/notify"
#define NOTIFY_KEPT 256 /* notifications an inbox remembers for "notifications" */

int
notify_owner_of(const struct edge_peer *p, struct notify_owner *o)
{
    memset(o, 0, sizeof(*o));
    if (p == NULL || p->mode == EDGE_PEER_NONE)
        return -1;
    if (p->mode == EDGE_PEER_CERT && p->eas_id[0] != '\0' && p->fqdn[0] != '\0') {
        o->who = NOTIFY_EAS;
        snprintf(o->id, sizeof(o->id), "%s", p->eas_id);
        snprintf(o->fqdn, sizeof(o->fqdn), "%s", p->fqdn);
        return 0;
    }
    if (p->eec_id[0] != '\0') {
        o->who = NOTIFY_EEC;
        snprintf(o->id, sizeof(o->id), "%s", p->eec_id);
        return 0;
    }
    return -1;
}

int
notify_owner_same(const struct notify_owner *a, const struct notify_owner *b)
{
    return a->who == b->who && strcmp(a->id, b->id) == 0 && strcasecmp(a->fqdn, b->fqdn) == 0;
}

const char *
notify_owner_name(const struct notify_owner *o)
{
    return o->who == NOTIFY_EAS ? o->fqdn : o->id;
}

int
notify_dest_parse(const char *uri, struct notify_dest *d, char *err)
{
    const char *p = uri, *slash, *colon;
    char why[EDGE_ERR_LEN];
    size_t n;

    memset(d, 0, sizeof(*d));
    if (uri == NULL || strncmp(uri, "https://", 8) != 0)
        return edge_err(err, "a notification destination is an https:// URI (TS 33.558 6.1)");
    p += 8;
    slash = strchr(p, '/');
    n = slash != NULL ? (size_t)(slash - p) : strlen(p);
    colon = memchr(p, ':', n);
    if ((colon != NULL ? (size_t)(colon - p) : n) >= sizeof(d->host))
        return edge_err(err, "notification destination: host too long");
    memcpy(d->host, p, colon != NULL ? (size_t)(colon - p) : n);
    if (js_valid_fqdn(d->host, why) < 0)
        return edge_err(err, "notification destination: host: %s", why);
    d->port = 443;
    if (colon != NULL) {
        char *end;
        long port = strtol(colon + 1, &end, 10);
        if (end != p + n || port < 1 || port > 65535)
            return edge_err(err, "notification destination: port must be 1..65535");
        d->port = (unsigned short)port;
    }
    snprintf(d->path, sizeof(d->path), "%s", slash != NULL ? slash : "/");
    if (strlen(slash != NULL ? slash : "/") >= sizeof(d->path) || strchr(d->path, '#') != NULL)
        return edge_err(err, "notification destination: path too long or with a fragment");
    return 0;
}

/* ---- the notifier's half ---- */

struct delivery {
    struct node *n;
    struct notify_owner owner;
    char dest[NOTIFY_URI_MAX];
    char path[NOTIFY_URI_MAX];
    char api[32], sub_id[NOTIFY_ID_LEN], event[64];
    int test;
    notify_done_cb cb;
    void *arg;
};

static void
delivery_log(struct delivery *d, int status, const char *cause, const char *verdict,
             const char *why)
{
    char summary[512];
    json_t *data = json_pack("{s:s, s:s, s:s?, s:s, s:b, s:s}", "api", d->api, "subId", d->sub_id,
                             "event", d->event[0] != '\0' ? d->event : NULL, "destination", d->dest,
                             "test", d->test, "verdict", verdict);
    struct evlog_event ev = {
        .peer = notify_owner_name(&d->owner),
        .dir = "out",
        .kind = "notify",
        .method = "POST",
        .path = d->path,
        .status = status,
        .cause = cause,
        .summary = summary,
        .conn = -1,
        .data = data,
    };

    snprintf(summary, sizeof(summary), "%s%s notification %s to %s: %s%s%.200s",
             d->test ? "test " : "", d->api, d->event[0] != '\0' ? d->event : d->sub_id,
             notify_owner_name(&d->owner), verdict, why != NULL ? ": " : "", why ? why : "");
    evlog_write(d->n->log, &ev);
    json_decref(data);
}

/* Rule 1: the server that answered is the subscriber. */
static int
delivery_is_owner(const struct delivery *d, const struct edge_peer *p)
{
    if (p == NULL)
        return 0;
    if (d->owner.who == NOTIFY_EEC)
        return strcmp(p->eec_id, d->owner.id) == 0;
    return strcmp(p->eas_id, d->owner.id) == 0 && strcasecmp(p->fqdn, d->owner.fqdn) == 0;
}

static void
delivery_done(const struct http_client_resp *r, void *arg)
{
    struct delivery *d = arg;
    struct notify_result res = {.status = r->status};
    char why[EDGE_ERR_LEN];
    const char *cause = r->status == 0 ? r->error_cause : NULL;

    if (r->status == 0) {
        res.verdict = "unreachable";
        snprintf(why, sizeof(why), "%.200s", r->error != NULL ? r->error : "no answer");
        res.why = why;
    } else if (!delivery_is_owner(d, r->peer)) {
        res.verdict = "not_subscriber";
        cause = NOTIFY_CAUSE_NOT_SUBSCRIBER;
        snprintf(why, sizeof(why), "the server at %.100s is %.64s, not the subscriber %.40s",
                 d->dest,
                 r->peer != NULL && r->peer->eec_id[0] ? r->peer->eec_id
                 : r->peer != NULL                     ? r->peer->fqdn
                                                       : "unknown",
                 notify_owner_name(&d->owner));
        res.why = why;
    } else if (r->status < 200 || r->status > 299) {
        res.verdict = "refused";
        json_t *pd = json_loadb(r->body, r->body_len, 0, NULL);
        cause = json_string_value(json_object_get(pd, "cause"));
        snprintf(why, sizeof(why), "answered %d %.64s", r->status, cause != NULL ? cause : "");
        res.why = why;
        delivery_log(d, r->status, cause, res.verdict, res.why);
        json_decref(pd);
        goto report;
    } else {
        res.ok = 1;
        res.verdict = "delivered";
    }
    delivery_log(d, r->status, cause, res.verdict, res.why);
report:
    if (d->cb != NULL)
        d->cb(&res, d->arg);
    free(d);
}

void
notify_send(struct node *n, const struct notify_owner *owner, const char *dest, const char *api,
            const char *sub_id, const char *event, const json_t *body, int test, notify_done_cb cb,
            void *arg)
{
    struct delivery *d = calloc(1, sizeof(*d));
    struct notify_dest nd;
    struct notify_result res = {.verdict = "unreachable"};
    char err[EDGE_ERR_LEN], addr[64], *text = NULL;
    unsigned short port;
    struct http_client_req r = {.method = "POST", .content_type = HTTP_MEDIA_JSON};

    if (d == NULL) {
        res.why = "out of memory";
        goto fail;
    }
    d->n = n;
    d->owner = *owner;
    d->test = test;
    d->cb = cb;
    d->arg = arg;
    snprintf(d->dest, sizeof(d->dest), "%s", dest);
    snprintf(d->api, sizeof(d->api), "%s", api);
    snprintf(d->sub_id, sizeof(d->sub_id), "%s", sub_id);
    snprintf(d->event, sizeof(d->event), "%s", event != NULL ? event : "");
    /* The address of the host comes from "hosts" (edgesim's DNS); the port from the URI. */
    if (notify_dest_parse(dest, &nd, err) < 0 ||
        node_resolve(n, nd.host, addr, sizeof(addr), &port, err) < 0 ||
        (text = json_dumps(body, JSON_COMPACT)) == NULL) {
        res.why = text == NULL && err[0] == '\0' ? "cannot encode the notification" : err;
        snprintf(d->path, sizeof(d->path), "%s", dest);
        delivery_log(d, 0, HTTP_CLIENT_CONNECT_FAILED, res.verdict, res.why);
        goto fail;
    }
    snprintf(d->path, sizeof(d->path), "%s", nd.path);
    r.fqdn = nd.host;
    r.addr = addr;
    r.port = nd.port;
    r.path = nd.path;
    r.body = text;
    r.body_len = strlen(text);
    if (http_client_send(n->client, &r, delivery_done, d, err) < 0) {
        res.why = err;
        delivery_log(d, 0, HTTP_CLIENT_CONNECT_FAILED, res.verdict, res.why);
        goto fail;
    }
    free(text);
    return;
fail:
    free(text);
    if (cb != NULL)
        cb(&res, arg);
    free(d);
}

/* ---- the receiver's half ---- */

struct expected {
    char key[NOTIFY_KEY_LEN];
    char server[EDGE_FQDN_MAX]; /* where the subscription was made */
    char api[32];
    char sub_id[NOTIFY_ID_LEN]; /* "" until the test or the 201 named it */
    int confirmed;
    struct expected *next;
};

struct notify_inbox {
    struct node *n;
    char uri_base[NOTIFY_URI_MAX];
    struct expected *subs;
    size_t nsubs;
    json_t *kept; /* the last NOTIFY_KEPT notifications, for "notifications" */
    notify_accept_cb cb;
    void *arg;
};

static struct expected *
inbox_find(struct notify_inbox *in, const char *key)
{
    for (struct expected *x = in->subs; x != NULL; x = x->next)
        if (strcmp(x->key, key) == 0)
            return x;
    return NULL;
}

/* The subscription a notification names: subId (TS 24.558), subpId (TS 29.558 ACR management
 * events), or a TestNotification's link, whose last segment is the subscription's ID. */
static const char *
inbox_sub_id(const json_t *body, int *test)
{
    const char *s = json_string_value(json_object_get(body, "subId"));

    *test = 0;
    if (s == NULL)
        s = json_string_value(json_object_get(body, "subpId"));
    if (s == NULL && (s = json_string_value(json_object_get(body, "subscription"))) != NULL &&
        json_object_size(body) == 1) {
        *test = 1;
        s = strrchr(s, '/') != NULL ? strrchr(s, '/') + 1 : s;
    }
    return s;
}

static void
inbox_log(struct notify_inbox *in, struct http_req *req, const struct expected *x,
          const char *sub_id, int status, const char *cause, const char *rule, const json_t *body)
{
    const struct edge_peer *p = http_req_peer(req);
    const char *verdict = status < 300 ? "accepted" : "refused";
    char summary[512];
    json_t *data =
        json_pack("{s:s?, s:s?, s:s?, s:s, s:s?, s:O?}", "api", x ? x->api : NULL, "subId", sub_id,
                  "key", x ? x->key : NULL, "verdict", verdict, "rule", rule, "body", body);
    struct evlog_event ev = {
        .peer = tls_peer_name(p),
        .dir = "in",
        .kind = "notify",
        .method = "POST",
        .path = http_req_path(req),
        .status = status,
        .cause = cause,
        .summary = summary,
        .conn = http_req_conn(req),
        .data = data,
    };

    snprintf(summary, sizeof(summary), "%s notification from %s %s%s%.200s",
             x != NULL ? x->api : "a", tls_peer_name(p) ? tls_peer_name(p) : "an unknown peer",
             verdict, rule != NULL ? ": " : "", rule != NULL ? rule : "");
    evlog_write(in->n->log, &ev);
    json_decref(data);
}

static void
inbox_refuse(struct notify_inbox *in, struct http_req *req, const struct expected *x,
             const char *sub_id, int status, const char *cause, const char *rule)
{
    inbox_log(in, req, x, sub_id, status, cause, rule, NULL);
    http_reply_problem(req, status, cause, "%s", rule);
}

/* Rule 2: from the ECS/EES where the subscription was made, naming that subscription. */
static const char *
inbox_rule(const struct expected *x, const struct edge_peer *p, const char *sub_id, int test)
{
    if (!edge_peer_is_enabler(p))
        return "a notification comes from an ECS or EES authenticated by its certificate";
    if (strcasecmp(p->fqdn, x->server) != 0)
        return "the sender is not the server this subscription was made at";
    if (sub_id == NULL)
        return "the notification names no subscription";
    if (!x->confirmed && !test)
        return "the subscription is not made yet: only its test notification may come";
    if (x->sub_id[0] != '\0' && strcmp(x->sub_id, sub_id) != 0)
        return "the notification names another subscription than the one of this destination";
    return NULL;
}

static void
inbox_post(struct http_req *req, void *arg)
{
    struct notify_inbox *in = arg;
    const char *key = http_req_param(req, "key"), *sub_id = NULL, *rule;
    struct expected *x = key != NULL ? inbox_find(in, key) : NULL;
    json_t *body;
    int test = 0;

    if (x == NULL) {
        inbox_refuse(in, req, NULL, NULL, 404, NOTIFY_CAUSE_UNKNOWN,
                     "no subscription of this node has that destination");
        return;
    }
    if ((body = http_req_json(req)) == NULL)
        return;
    sub_id = inbox_sub_id(body, &test);
    if ((rule = inbox_rule(x, http_req_peer(req), sub_id, test)) != NULL) {
        inbox_refuse(in, req, x, sub_id, 403, NOTIFY_CAUSE_NOT_AUTHORIZED, rule);
        json_decref(body);
        return;
    }
    if (x->sub_id[0] == '\0')
        snprintf(x->sub_id, sizeof(x->sub_id), "%s", sub_id);
    inbox_log(in, req, x, sub_id, 204, NULL, NULL, body);
    http_reply(req, 204, NULL, NULL, 0);
    if (!test) {
        json_t *k = json_pack("{s:s, s:s, s:s, s:O}", "api", x->api, "subId", sub_id, "from",
                              x->server, "body", body);
        if (json_array_size(in->kept) >= NOTIFY_KEPT)
            json_array_remove(in->kept, 0);
        json_array_append_new(in->kept, k);
        if (in->cb != NULL)
            in->cb(in, x->api, sub_id, body, in->arg);
    }
    json_decref(body);
}

static void
inbox_list(struct ctl_req *cr, json_t *args, void *arg)
{
    struct notify_inbox *in = arg;
    json_t *subs = json_array();

    (void)args;
    for (struct expected *x = in->subs; x != NULL; x = x->next)
        json_array_append_new(subs, json_pack("{s:s, s:s, s:s, s:s?, s:b}", "key", x->key, "server",
                                              x->server, "api", x->api, "subId",
                                              x->sub_id[0] ? x->sub_id : NULL, "confirmed",
                                              x->confirmed));
    ctl_reply(cr, json_pack("{s:O, s:o}", "notifications", in->kept, "subscriptions", subs));
}

struct notify_inbox *
notify_inbox_new(struct node *n, struct http_server *srv, const char *uri_base, notify_accept_cb cb,
                 void *arg, char *err)
{
    struct notify_inbox *in = calloc(1, sizeof(*in));

    if (in == NULL || (in->kept = json_array()) == NULL) {
        free(in);
        edge_err(err, "out of memory");
        return NULL;
    }
    in->n = n;
    in->cb = cb;
    in->arg = arg;
    snprintf(in->uri_base, sizeof(in->uri_base), "%s", uri_base);
    if (http_server_route(srv, "POST", NOTIFY_PATH "/{key}", inbox_post, in, err) < 0 ||
        ctl_command(n->ctl, "notifications", inbox_list, in, err) < 0) {
        notify_inbox_free(in);
        return NULL;
    }
    return in;
}

void
notify_inbox_free(struct notify_inbox *in)
{
    struct expected *x, *next;

    if (in == NULL)
        return;
    for (x = in->subs; x != NULL; x = next) {
        next = x->next;
        free(x);
    }
    json_decref(in->kept);
    free(in);
}

int
notify_inbox_expect(struct notify_inbox *in, const char *server, const char *api,
                    char dest[NOTIFY_URI_MAX], char key[NOTIFY_KEY_LEN], char *err)
{
    struct expected *x;

    if (in->nsubs >= NOTIFY_SUB_MAX || (x = calloc(1, sizeof(*x))) == NULL)
        return edge_err(err, "too many subscriptions");
    if (randid_new(x->key, sizeof(x->key), "n-", 12, RANDID_HEX, err) < 0) {
        free(x);
        return -1;
    }
    snprintf(x->server, sizeof(x->server), "%s", server);
    snprintf(x->api, sizeof(x->api), "%s", api);
    x->next = in->subs;
    in->subs = x;
    in->nsubs++;
    snprintf(key, NOTIFY_KEY_LEN, "%s", x->key);
    snprintf(dest, NOTIFY_URI_MAX, "%.1900s%s/%s", in->uri_base, NOTIFY_PATH, x->key);
    return 0;
}

void
notify_inbox_confirm(struct notify_inbox *in, const char *key, const char *sub_id)
{
    struct expected *x = inbox_find(in, key);

    if (x == NULL)
        return;
    snprintf(x->sub_id, sizeof(x->sub_id), "%s", sub_id);
    x->confirmed = 1;
}

void
notify_inbox_drop(struct notify_inbox *in, const char *key)
{
    struct expected **pp;

    for (pp = &in->subs; *pp != NULL; pp = &(*pp)->next)
        if (strcmp((*pp)->key, key) == 0) {
            struct expected *x = *pp;
            *pp = x->next;
            in->nsubs--;
            free(x);
            return;
        }
}

const char *
notify_inbox_key(struct notify_inbox *in, const char *server, const char *sub_id)
{
    for (struct expected *x = in->subs; x != NULL; x = x->next)
        if (strcasecmp(x->server, server) == 0 && strcmp(x->sub_id, sub_id) == 0)
            return x->key;
    return NULL;
}
