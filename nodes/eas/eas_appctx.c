/* eas_appctx.c -- the application contexts of the UEs this EAS serves, and edgesim's simple
 * application context transfer between EASes (TS 23.558 8.8.1: the ACT moves the application
 * context from the S-EAS to the T-EAS; 3GPP leaves how to the application, README "edgesim
 * extensions"): POST /eas-appctx/v1/contexts (the S-EAS pushes a UE's context) and GET
 * /eas-appctx/v1/contexts?ue-id= (the T-EAS pulls it), over mutual TLS between EASes of the same
 * EAS ID only. A context that moved leaves its EAS. "contexts", "put_context". */
#include "eas.h"
#include "base/err.h"
#include "net/http_form.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct eas_ctx {
    char ue_id[EDGE_GPSI_MAX];
    char ac_id[EDGEAPP_ID_MAX];
    char from[EDGE_FQDN_MAX]; /* the EAS it came from ("" made here) */
    const char *origin;       /* "local", "push", "pull" */
    json_t *data;             /* the application's state, as the application has it */
    long long at;
    struct eas_ctx *next;
};

struct eas_ctxs {
    struct eas_ctx *head;
    size_t n;
};

/* The body of a transfer: {ueId*, easId*, acId, context*}. */
static const struct js_field appctx_fields[] = {
    {.name = "ueId", .type = JS_STRING, .flags = JS_REQUIRED, .check = js_check_gpsi},
    {.name = "easId", .type = JS_STRING, .flags = JS_REQUIRED, .check = js_check_id},
    {.name = "acId", .type = JS_STRING, .check = js_check_id},
    {.name = "context", .type = JS_OBJECT, .flags = JS_REQUIRED},
    {0},
};

static struct eas_ctx *
ctx_find(struct eas *a, const char *ue_id)
{
    for (struct eas_ctx *c = a->ctxs->head; c != NULL; c = c->next)
        if (strcmp(c->ue_id, ue_id) == 0)
            return c;
    return NULL;
}

static void
ctx_drop(struct eas *a, struct eas_ctx *c, const char *why)
{
    struct eas_ctx **pp;
    json_t *data =
        json_pack("{s:s, s:s?}", "ueId", c->ue_id, "acId", c->ac_id[0] != '\0' ? c->ac_id : NULL);

    for (pp = &a->ctxs->head; *pp != NULL; pp = &(*pp)->next)
        if (*pp == c) {
            *pp = c->next;
            a->ctxs->n--;
            break;
        }
    node_log(&a->n, "appctx", c->ue_id, NULL, data, "application context of %s %s", c->ue_id, why);
    json_decref(data);
    json_decref(c->data);
    free(c);
}

/* Store (or replace) ue_id's context; NULL when full. */
static struct eas_ctx *
ctx_put(struct eas *a, const char *ue_id, const char *ac_id, json_t *data, const char *origin,
        const char *from)
{
    struct eas_ctx *c = ctx_find(a, ue_id);
    json_t *ev;

    if (c == NULL) {
        if (a->ctxs->n >= EAS_CTX_MAX || (c = calloc(1, sizeof(*c))) == NULL)
            return NULL;
        snprintf(c->ue_id, sizeof(c->ue_id), "%s", ue_id);
        c->next = a->ctxs->head;
        a->ctxs->head = c;
        a->ctxs->n++;
    }
    snprintf(c->ac_id, sizeof(c->ac_id), "%s", ac_id != NULL ? ac_id : "");
    snprintf(c->from, sizeof(c->from), "%s", from != NULL ? from : "");
    json_decref(c->data);
    c->data = json_incref(data);
    c->origin = origin;
    c->at = node_now();
    ev = json_pack("{s:s, s:s?, s:s, s:s?, s:O}", "ueId", ue_id, "acId", ac_id, "origin", origin,
                   "from", from, "context", data);
    node_log(&a->n, "appctx", from != NULL ? from : ue_id, NULL, ev, "application context of %s %s",
             ue_id, strcmp(origin, "local") == 0 ? "stored" : "received");
    json_decref(ev);
    return c;
}

const json_t *
eas_appctx_get(struct eas *a, const char *ue_id)
{
    struct eas_ctx *c = ctx_find(a, ue_id);

    return c != NULL ? c->data : NULL;
}

static json_t *
ctx_json(const struct eas *a, const struct eas_ctx *c)
{
    return json_pack("{s:s, s:s, s:s?, s:O}", "ueId", c->ue_id, "easId", a->cfg.eas_id, "acId",
                     c->ac_id[0] != '\0' ? c->ac_id : NULL, "context", c->data);
}

/* The peer of a transfer: an EAS of this EAS's ID (the same application); else a 403 reply. */
static const char *
appctx_peer(struct eas *a, struct http_req *req)
{
    const struct edge_peer *p = http_req_peer(req);

    if (p->mode != EDGE_PEER_CERT || p->eas_id[0] == '\0' || p->fqdn[0] == '\0') {
        eas_refuse(req, EAS_R_NOT_AN_EAS, NULL);
        return NULL;
    }
    if (strcmp(p->eas_id, a->cfg.eas_id) != 0) {
        eas_refuse(req, EAS_R_OTHER_APPLICATION, "%s is an EAS of %s, this is %s", p->fqdn,
                   p->eas_id, a->cfg.eas_id);
        return NULL;
    }
    return p->fqdn;
}

/* POST /eas-appctx/v1/contexts: the S-EAS pushes a UE's context here (204). */
static void
appctx_receive(struct http_req *req, void *arg)
{
    struct eas *a = arg;
    const char *from = appctx_peer(a, req);
    json_t *body;

    if (from == NULL || (body = node_req_body(req, appctx_fields)) == NULL)
        return;
    if (strcmp(json_string_value(json_object_get(body, "easId")), a->cfg.eas_id) != 0)
        eas_refuse(req, EAS_R_OTHER_APPLICATION, "the context is of EAS ID %.64s, this is %s",
                   json_string_value(json_object_get(body, "easId")), a->cfg.eas_id);
    else if (ctx_put(a, json_string_value(json_object_get(body, "ueId")),
                     json_string_value(json_object_get(body, "acId")),
                     json_object_get(body, "context"), "push", from) == NULL)
        eas_refuse(req, EAS_R_FULL, "this EAS holds %d contexts already", EAS_CTX_MAX);
    else
        http_reply(req, 204, NULL, NULL, 0);
    json_decref(body);
}

/* GET /eas-appctx/v1/contexts?ue-id=: the T-EAS pulls a UE's context from here; it moves. */
static void
appctx_send(struct http_req *req, void *arg)
{
    struct eas *a = arg;
    const char *to = appctx_peer(a, req), *ue_id = http_req_query(req, "ue-id");
    struct eas_ctx *c;
    char why[EDGE_ERR_LEN];

    if (to == NULL)
        return;
    if (ue_id == NULL || js_valid_gpsi(ue_id, why) < 0) {
        http_reply_problem(req, 400, "INVALID_QUERY_PARAM", "ue-id: a GPSI is required");
        return;
    }
    if ((c = ctx_find(a, ue_id)) == NULL) {
        eas_refuse(req, EAS_R_NO_CONTEXT, "no application context of %s here", ue_id);
        return;
    }
    http_reply_json(req, 200, ctx_json(a, c));
    ctx_drop(a, c, "pulled by the T-EAS: moved");
}

/* ---- as client: push to the T-EAS, pull from the S-EAS ---- */

struct xfer {
    struct eas *a;
    char ue_id[EDGE_GPSI_MAX];
    char host[EDGE_FQDN_MAX];
    eas_transfer_cb cb;
    void *arg;
};

static void
xfer_done(struct xfer *x, int ok, const char *why)
{
    x->cb(x->a, ok, why, x->arg);
    free(x);
}

static void
xfer_pushed(const struct http_client_resp *r, void *arg)
{
    struct xfer *x = arg;
    struct eas_ctx *c;
    char why[EDGE_ERR_LEN + EDGE_FQDN_MAX];

    if (x->a->closing) {
        xfer_done(x, 0, "the node stopped");
        return;
    }
    if (r->status != 204 && r->status != 200 && r->status != 201) {
        snprintf(why, sizeof(why), "push to %s: %.200s", x->host,
                 r->status == 0 ? r->error : "refused");
        xfer_done(x, 0, why);
        return;
    }
    if ((c = ctx_find(x->a, x->ue_id)) != NULL)
        ctx_drop(x->a, c, "pushed to the T-EAS: moved");
    xfer_done(x, 1, NULL);
}

static void
xfer_pulled(const struct http_client_resp *r, void *arg)
{
    struct xfer *x = arg;
    json_t *body = NULL;
    char why[EDGE_ERR_LEN + EDGE_FQDN_MAX], err[EDGE_ERR_LEN];

    if (x->a->closing) {
        xfer_done(x, 0, "the node stopped");
        return;
    }
    if (r->status != 200) {
        snprintf(why, sizeof(why), "pull from %s: %.200s", x->host,
                 r->status == 0 ? r->error : "refused");
        xfer_done(x, 0, why);
        return;
    }
    if (js_loads(r->body, r->body_len, &body, err) < 0 ||
        js_decode(body, NULL, appctx_fields, NULL, NULL, err) < 0 ||
        strcmp(json_string_value(json_object_get(body, "ueId")), x->ue_id) != 0) {
        snprintf(why, sizeof(why), "pull from %s: the answer is no context of %s", x->host,
                 x->ue_id);
        xfer_done(x, 0, why);
    } else if (ctx_put(x->a, x->ue_id, json_string_value(json_object_get(body, "acId")),
                       json_object_get(body, "context"), "pull", x->host) == NULL) {
        xfer_done(x, 0, "this EAS holds as many contexts as it can");
    } else {
        xfer_done(x, 1, NULL);
    }
    json_decref(body);
}

static struct xfer *
xfer_new(struct eas *a, const char *ue_id, const json_t *endpoint, eas_transfer_cb cb, void *arg)
{
    struct xfer *x = calloc(1, sizeof(*x));

    if (x == NULL) {
        cb(a, 0, "out of memory", arg);
        return NULL;
    }
    x->a = a;
    x->cb = cb;
    x->arg = arg;
    snprintf(x->ue_id, sizeof(x->ue_id), "%s", ue_id);
    if (edgeapp_endpoint_host(endpoint, x->host, sizeof(x->host)) == NULL) {
        xfer_done(x, 0, "the other EAS's endpoint names no host");
        return NULL;
    }
    return x;
}

void
eas_appctx_push(struct eas *a, const char *ue_id, const char *ac_id, const json_t *endpoint,
                eas_transfer_cb cb, void *arg)
{
    struct xfer *x = xfer_new(a, ue_id, endpoint, cb, arg);
    struct eas_ctx *c;
    json_t *body;
    char err[EDGE_ERR_LEN];

    if (x == NULL)
        return;
    if ((c = ctx_find(a, ue_id)) == NULL) {
        xfer_done(x, 0, "no application context of that UE here");
        return;
    }
    if (ac_id != NULL && c->ac_id[0] == '\0')
        snprintf(c->ac_id, sizeof(c->ac_id), "%s", ac_id);
    body = ctx_json(a, c);
    if (node_send_json_within(&a->n, (int)a->cfg.peer_ms, "POST", x->host, EAS_APPCTX_PATH, body,
                              NULL, xfer_pushed, x, err) < 0)
        xfer_done(x, 0, err);
    json_decref(body);
}

void
eas_appctx_pull(struct eas *a, const char *ue_id, const json_t *endpoint, eas_transfer_cb cb,
                void *arg)
{
    struct xfer *x = xfer_new(a, ue_id, endpoint, cb, arg);
    char query[512] = "", path[1024], err[EDGE_ERR_LEN];

    if (x == NULL)
        return;
    if (http_form_append(query, sizeof(query), "ue-id", ue_id) < 0) {
        xfer_done(x, 0, "the UE ID does not fit the query");
        return;
    }
    snprintf(path, sizeof(path), "%s?%s", EAS_APPCTX_PATH, query);
    if (node_send_json_within(&a->n, (int)a->cfg.peer_ms, "GET", x->host, path, NULL, NULL,
                              xfer_pulled, x, err) < 0)
        xfer_done(x, 0, err);
}

/* ---- control commands ---- */

static void
contexts_cmd(struct ctl_req *cr, json_t *args, void *arg)
{
    struct eas *a = arg;
    json_t *list = json_array(), *e;

    (void)args;
    for (struct eas_ctx *c = a->ctxs->head; list != NULL && c != NULL; c = c->next) {
        e = ctx_json(a, c);
        json_object_set_new(e, "origin", json_string(c->origin));
        if (c->from[0] != '\0')
            json_object_set_new(e, "from", json_string(c->from));
        json_array_append_new(list, e);
    }
    ctl_reply(cr, json_pack("{s:o}", "contexts", list != NULL ? list : json_array()));
}

/* put_context {ueId, acId, context}: the state an AC built at this EAS (the application's part
 * a simulator stands in for). */
static void
put_context_cmd(struct ctl_req *cr, json_t *args, void *arg)
{
    struct eas *a = arg;
    json_t *full = json_deep_copy(args);
    char err[EDGE_ERR_LEN];

    json_object_set_new(full, "easId", json_string(a->cfg.eas_id));
    if (js_decode(full, "", appctx_fields, NULL, NULL, err) < 0)
        ctl_reply_error(cr, EAS_CTL_BAD_ARGS, "%s", err);
    else if (ctx_put(a, json_string_value(json_object_get(full, "ueId")),
                     json_string_value(json_object_get(full, "acId")),
                     json_object_get(full, "context"), "local", NULL) == NULL)
        ctl_reply_error(cr, EAS_CTL_INTERNAL, "this EAS holds %d contexts already", EAS_CTX_MAX);
    else
        ctl_reply(cr, json_pack("{s:b}", "stored", 1));
    json_decref(full);
}

int
eas_appctx_setup(struct eas *a, char *err)
{
    if ((a->ctxs = calloc(1, sizeof(*a->ctxs))) == NULL)
        return edge_err(err, "out of memory");
    if (http_server_route(a->n.http, "POST", EAS_APPCTX_PATH, appctx_receive, a, err) < 0 ||
        http_server_route(a->n.http, "GET", EAS_APPCTX_PATH, appctx_send, a, err) < 0 ||
        ctl_command(a->n.ctl, "contexts", contexts_cmd, a, err) < 0 ||
        ctl_command(a->n.ctl, "put_context", put_context_cmd, a, err) < 0)
        return -1;
    return 0;
}

void
eas_appctx_free(struct eas *a)
{
    struct eas_ctx *c, *next;

    if (a->ctxs == NULL)
        return;
    for (c = a->ctxs->head; c != NULL; c = next) {
        next = c->next;
        json_decref(c->data);
        free(c);
    }
    free(a->ctxs);
    a->ctxs = NULL;
}
