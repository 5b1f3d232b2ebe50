/* node_body.c -- a request's JSON body decoded against its field table, a bad one answered with
 * the ProblemDetails of its js_decode() code (TS 29.500 5.2.7.2): one answer in every node. */
#include "node/node.h"
#include "base/err.h"
#include "net/problem.h"

int
node_req_decode(struct http_req *req, json_t *body, const struct js_field *table)
{
    char err[EDGE_ERR_LEN];
    enum js_fail rc;

    if ((rc = js_decode_code(body, NULL, table, NULL, NULL, err)) != JS_OK) {
        http_reply_problem_json(req, problem_from_decode(rc, err));
        return -1;
    }
    return 0;
}

json_t *
node_req_body(struct http_req *req, const struct js_field *table)
{
    json_t *v = http_req_json(req);

    if (v == NULL)
        return NULL;
    if (node_req_decode(req, v, table) < 0) {
        json_decref(v);
        return NULL;
    }
    return v;
}
