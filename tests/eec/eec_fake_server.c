/* eec_fake_server.c -- a scripted HTTPS peer for edge-eec's tests: answers each configured
 * route with a canned status, Location and body, and records every request it gets (method,
 * path, Authorization, body, TLS peer) as one JSON line, so a test sees exactly what the EEC
 * sent. Built on the node runtime (config, TLS cert/PSK, control socket, ready event).
 *
 *   eec_fake_server --config FILE --ctl SOCKET
 * Config: the common node keys plus
 *   "record": file the request lines are appended to,
 *   "routes": [{"method":"POST","path":"/x/{id}","status":201,"location":"...","body":{...}}] */
#include "node/node.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fake_config {
    const char *record;
    json_t *routes;
};

struct fake {
    struct node n;
    struct fake_config cf;
};

static const struct js_field route_fields[] = {
    {.name = "method", .type = JS_STRING, .flags = JS_REQUIRED},
    {.name = "path", .type = JS_STRING, .flags = JS_REQUIRED},
    {.name = "status",
     .type = JS_INT,
     .flags = JS_REQUIRED,
     .check = js_check_range,
     .min = 100,
     .max = 599},
    {.name = "location", .type = JS_STRING},
    {.name = "body", .type = JS_ANY},
    {0},
};

static const struct js_field fake_fields[] = {
    {.name = "record",
     .type = JS_STRING,
     .flags = JS_REQUIRED | JS_STORE,
     .store = offsetof(struct fake_config, record),
     .check = config_check_outfile},
    {.name = "routes",
     .type = JS_ARRAY,
     .flags = JS_REQUIRED | JS_STORE,
     .store = offsetof(struct fake_config, routes),
     .items = JS_OBJECT,
     .sub = route_fields},
    {0},
};

struct fake_route {
    struct fake *f;
    json_t *route;
};

static void
fake_record(struct fake *f, struct http_req *req)
{
    const struct edge_peer *p = http_req_peer(req);
    const char *auth = http_req_header(req, "Authorization");
    size_t len;
    const char *text = http_req_body(req, &len);
    json_t *body = len > 0 ? json_loadb(text, len, 0, NULL) : NULL;
    json_t *line =
        json_pack("{s:s, s:s, s:s?, s:o?, s:{s:s, s:s, s:s}}", "method", http_req_method(req),
                  "path", http_req_path(req), "authorization", auth, "body", body, "peer", "eecId",
                  p->eec_id, "gpsi", p->gpsi, "psk", p->psk_identity);
    FILE *out = fopen(f->cf.record, "a");

    if (out != NULL && line != NULL) {
        char *s = json_dumps(line, JSON_COMPACT);
        if (s != NULL)
            fprintf(out, "%s\n", s);
        free(s);
    }
    if (out != NULL)
        fclose(out);
    json_decref(line);
}

static void
fake_handler(struct http_req *req, void *arg)
{
    struct fake_route *r = arg;
    const char *loc = json_string_value(json_object_get(r->route, "location"));
    json_t *body = json_object_get(r->route, "body");
    int status = (int)json_integer_value(json_object_get(r->route, "status"));

    fake_record(r->f, req);
    if (loc != NULL)
        http_reply_header(req, "Location", loc);
    if (json_is_string(body)) { /* a string is sent as it is: malformed bodies on purpose */
        http_reply(req, status, HTTP_MEDIA_JSON, json_string_value(body), json_string_length(body));
        return;
    }
    http_reply_json(req, status, body != NULL ? json_incref(body) : NULL);
}

int
main(int argc, char **argv)
{
    static struct fake f;
    static struct fake_route routes[64];
    struct node_opts o = {.kind = "fake", .server = 1, .fields = fake_fields, .dst = &f.cf};
    char err[EDGE_ERR_LEN];
    json_t *r;
    size_t i;
    int rc = 1;

    if (node_init(&f.n, argc, argv, &o, err) < 0)
        goto done;
    json_array_foreach(f.cf.routes, i, r)
    {
        if (i >= sizeof(routes) / sizeof(routes[0])) {
            edge_err(err, "too many routes");
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
    return rc;
done:
    fprintf(stderr, "eec_fake_server: %s\n", err);
    node_free(&f.n);
    return rc;
}
