/* fake.c -- edge-fake: a scripted HTTPS peer that a scenario puts in a server's place
 * ("fake": {"routes": [...]} in a node's section, scenarios/README.md), to show exactly what a
 * client sends and how it takes answers no real server gives.
 *
 * Each route answers with a canned status, Location and body (a string body is sent as it is:
 * malformed on purpose), or with "hold" never (the request stays open until the peer stops: a
 * server that reads and never answers), and then, when the route says "notify", with a
 * notification POSTed to the notificationDestination an earlier request gave (the latest one to
 * the collection "destinationFrom"): what an EES does after 204 to /initiate (notify.h). Every
 * request is recorded (method, path, query,
 * Authorization, body, the TLS peer as authenticated) and the control command "requests" lists
 * them. Built on the node runtime: config, certificate, control socket, ready event, and the
 * runtime's own "http" command.
 *
 *   edge-fake --config FILE [--ctl PATH] [--ctl-fd N]
 *   config: the common node keys (nodes/README.md) plus
 *   "routes": [{"method": "POST", "path": "/x/{id}", "status": 201, "location": "...",
 *               "body": {...}, "hold": false}] */
#include "node/node.h"
#include "node/notify.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FAKE_ROUTES 64

struct fake_config {
    json_t *routes; /* borrowed from the config */
};

struct fake {
    struct node n;
    struct fake_config cf;
    json_t *requests; /* what came, in order */
};

struct fake_route {
    struct fake *f;
    json_t *route;
};

static int
fake_check_route(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    (void)f, (void)ctx;
    if (!json_is_true(json_object_get(v, "hold")) && json_object_get(v, "status") == NULL)
        return edge_err(why, "status: missing required field (a route answers, or holds)");
    return 0;
}

static const struct js_field route_notify_fields[] = {
    {.name = "destinationFrom", .type = JS_STRING, .flags = JS_REQUIRED | JS_NONEMPTY},
    {.name = "body", .type = JS_OBJECT, .flags = JS_REQUIRED},
    {0},
};

static const struct js_field route_fields[] = {
    {.name = "method", .type = JS_STRING, .flags = JS_REQUIRED | JS_NONEMPTY},
    {.name = "path", .type = JS_STRING, .flags = JS_REQUIRED | JS_NONEMPTY},
    {.name = "status", .type = JS_INT, .check = js_check_range, .min = 100, .max = 599},
    {.name = "location", .type = JS_STRING},
    {.name = "body", .type = JS_ANY},
    {.name = "hold", .type = JS_BOOL},
    {.name = "notify", .type = JS_OBJECT, .sub = route_notify_fields},
    {0},
};

static const struct js_field fake_fields[] = {
    {.name = "routes",
     .type = JS_ARRAY,
     .flags = JS_REQUIRED | JS_NONEMPTY | JS_STORE,
     .store = offsetof(struct fake_config, routes),
     .items = JS_OBJECT,
     .sub = route_fields,
     .item_check = fake_check_route},
    {0},
};

static void
fake_record(struct fake *f, struct http_req *req)
{
    const struct edge_peer *p = http_req_peer(req);
    const char *auth = http_req_header(req, "Authorization");
    size_t len;
    const char *text = http_req_body(req, &len);
    json_t *body = len > 0 ? json_loadb(text, len, 0, NULL) : NULL;

    if (body == NULL && len > 0)
        body = json_stringn(text, len); /* not JSON: as text */
    json_array_append_new(f->requests,
                          json_pack("{s:s, s:s, s:s?, s:o?, s:{s:s, s:s, s:s, s:s}}", "method",
                                    http_req_method(req), "path", http_req_path(req),
                                    "authorization", auth, "body", body, "peer", "fqdn", p->fqdn,
                                    "eecId", p->eec_id, "gpsi", p->gpsi, "psk", p->psk_identity));
}

/* The route's notification, to the destination of the latest request to its collection, for
 * the subscriber that sent it (notify_send checks the destination is that subscriber). */
static void
fake_notify(struct fake *f, const json_t *spec)
{
    const char *from = json_string_value(json_object_get(spec, "destinationFrom"));
    json_t *rq, *body = json_object_get(spec, "body");
    struct notify_owner owner = {.who = NOTIFY_EEC};
    const char *dest = NULL;
    size_t i;

    json_array_foreach(f->requests, i, rq)
    {
        const char *d = json_string_value(
            json_object_get(json_object_get(rq, "body"), "notificationDestination"));
        if (d != NULL && strcmp(json_string_value(json_object_get(rq, "path")), from) == 0) {
            dest = d;
            snprintf(owner.id, sizeof(owner.id), "%s",
                     json_string_value(json_object_get(json_object_get(rq, "peer"), "eecId")));
        }
    }
    if (dest == NULL) {
        node_log(&f->n, "notify", NULL, NULL, NULL, "no request to %s gave a destination", from);
        return;
    }
    notify_send(&f->n, &owner, dest, "fake", json_string_value(json_object_get(body, "subId")),
                json_string_value(json_object_get(body, "eventId")), body, 0, NULL, NULL);
}

static void
fake_handler(struct http_req *req, void *arg)
{
    struct fake_route *r = arg;
    const char *loc = json_string_value(json_object_get(r->route, "location"));
    json_t *body = json_object_get(r->route, "body");
    int status = (int)json_integer_value(json_object_get(r->route, "status"));

    fake_record(r->f, req);
    if (json_is_true(json_object_get(r->route, "hold"))) {
        http_req_hold(req); /* never answered: the server's stop does */
        return;
    }
    if (loc != NULL)
        http_reply_header(req, "Location", loc);
    if (json_is_string(body))
        http_reply(req, status, HTTP_MEDIA_JSON, json_string_value(body), json_string_length(body));
    else
        http_reply_json(req, status, body != NULL ? json_incref(body) : NULL);
    if (json_object_get(r->route, "notify") != NULL)
        fake_notify(r->f, json_object_get(r->route, "notify"));
}

/* ctl "requests": every request so far, and the last one. */
static void
fake_requests_cmd(struct ctl_req *req, json_t *args, void *arg)
{
    struct fake *f = arg;
    size_t n = json_array_size(f->requests);
    (void)args;

    ctl_reply(req, json_pack("{s:O, s:O?}", "requests", f->requests, "last",
                             n > 0 ? json_array_get(f->requests, n - 1) : NULL));
}

int
main(int argc, char **argv)
{
    static struct fake f;
    static struct fake_route routes[FAKE_ROUTES];
    struct node_opts o = {.kind = "fake", .server = 1, .fields = fake_fields, .dst = &f.cf};
    char err[EDGE_ERR_LEN];
    json_t *r;
    size_t i;
    int rc = 1;

    f.requests = json_array();
    if (node_init(&f.n, argc, argv, &o, err) < 0 ||
        ctl_command(f.n.ctl, "requests", fake_requests_cmd, &f, err) < 0)
        goto done;
    json_array_foreach(f.cf.routes, i, r)
    {
        if (i >= FAKE_ROUTES) {
            edge_err(err, "more than %d routes", FAKE_ROUTES);
            goto done;
        }
        routes[i] = (struct fake_route){.f = &f, .route = r};
        if (http_server_route(f.n.http, json_string_value(json_object_get(r, "method")),
                              json_string_value(json_object_get(r, "path")), fake_handler,
                              &routes[i], err) < 0)
            goto done;
    }
    node_ready(&f.n, NULL);
    rc = node_run(&f.n);
    node_free(&f.n);
    json_decref(f.requests);
    return rc;
done:
    fprintf(stderr, "edge-fake: %s\n", err);
    node_free(&f.n);
    json_decref(f.requests);
    return rc;
}
