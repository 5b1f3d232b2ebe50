/* node_reply.c -- how a node refuses a request: a bad body with the ProblemDetails of its
 * js_decode() code (TS 29.500 5.2.7.2), any other refusal with the (status, cause, sentence) of
 * its row in the node's refusal table; one answer shape in every node. */
#include "node/node.h"
#include "base/err.h"
#include "net/problem.h"

#include <stdarg.h>
#include <stdio.h>

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

static json_t *
node_refusal_vproblem(const struct node_refusal *r, const char *fmt, va_list ap)
{
    char detail[EDGE_ERR_LEN];

    if (fmt == NULL)
        return problem_new(r->status, r->cause, "%s", r->sentence);
    // NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): the callers va_start ap
    vsnprintf(detail, sizeof(detail), fmt, ap);
    return problem_new(r->status, r->cause, "%s", detail);
}

json_t *
node_refusal_problem(const struct node_refusal *r, const char *fmt, ...)
{
    json_t *pd;
    va_list ap;

    va_start(ap, fmt);
    pd = node_refusal_vproblem(r, fmt, ap);
    va_end(ap);
    return pd;
}

void
node_refuse(struct http_req *req, const struct node_refusal *r, const char *fmt, ...)
{
    json_t *pd;
    va_list ap;

    va_start(ap, fmt);
    pd = node_refusal_vproblem(r, fmt, ap);
    va_end(ap);
    if (pd == NULL) /* out of memory: the plainest answer http_reply_problem can still make */
        http_reply_problem(req, 500, PROBLEM_SYSTEM_FAILURE, "out of memory");
    else
        http_reply_problem_json(req, pd);
}

void
node_refuse_param(struct http_req *req, const struct node_refusal *r, const char *param,
                  const char *reason)
{
    json_t *pd = node_refusal_problem(r, NULL);

    if (pd != NULL && problem_add_invalid_param(pd, param, reason) < 0) {
        json_decref(pd);
        pd = NULL;
    }
    if (pd == NULL)
        http_reply_problem(req, 500, PROBLEM_SYSTEM_FAILURE, "out of memory");
    else
        http_reply_problem_json(req, pd);
}
