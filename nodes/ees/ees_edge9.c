/* ees_edge9.c -- this EES as EDGE-9 client (TS 29.558 Eees_EECContextRelocation, TS 23.558
 * 8.9.2.3 and 8.9.2.2): push an EEC context to a T-EES, pull one from an S-EES, each with the
 * bearer token its ECS issued for that EES (TR 33.739 6.27; cached, requested, none, or a given one
 * for attack scenarios), or without one when the ECS says the peer authorizes by local policy
 * (TS 33.558 6.2); the "push" and "pull" commands. */
#include "ees.h"
#include "edgeapp/edgeapp_paths.h"
#include "net/http_form.h"
#include "auth/bearer.h"
#include "auth/token_endpoint.h"
#include "base/err.h"

#include <stdlib.h>
#include <string.h>

#define EDGE9_TOKEN_ARG_MAX 16384 /* beyond TOKEN_MAX_LEN: the T-EES must refuse it */

struct e9_op {
    struct ees *e;
    const char *step;  /* "push", "pull" or "teas_discovery" */
    const char *scope; /* of the token: the API called */
    const char *method;
    char target[EDGE_FQDN_MAX];
    char path[2048];
    json_t *body; /* push: EECContextPush (owned) */
    char *token;  /* the token sent (owned), or NULL */
    ees_edge9_cb cb;
    void *arg;
};

static void
e9_free(struct e9_op *op)
{
    json_decref(op->body);
    if (op->token != NULL) {
        memset(op->token, 0, strlen(op->token));
        free(op->token);
    }
    free(op);
}

/* Finish without an EDGE-9 answer: a failure before sending. */
static void
e9_fail(struct e9_op *op, const char *step, const char *cause, const char *error)
{
    struct ees_up up = {.step = step, .peer = op->target, .cause = cause, .error = error};

    up.result = ees_result_error(cause, "%s", error);
    op->cb(op->e, &up, op->token, op->arg);
    json_decref(up.result);
    e9_free(op);
}

static void
e9_resp(const struct http_client_resp *r, void *arg)
{
    struct e9_op *op = arg;
    struct ees_up up;

    ees_up_from_resp(&up, op->step, op->target, r);
    op->cb(op->e, &up, op->token, op->arg);
    json_decref(up.result);
    e9_free(op);
}

static void
e9_send(struct e9_op *op)
{
    char *auth = NULL, err[EDGE_ERR_LEN];
    const char *headers[] = {BEARER_HEADER, NULL, NULL};
    int rc;

    if (op->token != NULL && (auth = bearer_value(op->token)) == NULL) {
        e9_fail(op, op->step, EES_CTL_INTERNAL, "out of memory");
        return;
    }
    headers[1] = auth;
    rc = node_send_json_within(&op->e->n, (int)op->e->cfg.peer_ms, op->method, op->target, op->path,
                               op->body, auth != NULL ? headers : NULL, e9_resp, op, err);
    bearer_free(auth);
    if (rc < 0)
        e9_fail(op, op->step, HTTP_CLIENT_CONNECT_FAILED, err);
}

static void
e9_token(struct ees *e, const struct ees_token *t, void *arg)
{
    struct e9_op *op = arg;

    if (!e->closing && t->jwt == NULL && t->up.cause != NULL &&
        strcmp(t->up.cause, TOKEN_CAUSE_LOCAL_AUTHZ) == 0) {
        /* TS 33.558 6.2: the ECS knows the T-EES authorizes by its local policy and issues no
         * token for it: the call goes without one, and the T-EES's policy decides. */
        node_log(&e->n, op->step, op->target, TOKEN_CAUSE_LOCAL_AUTHZ, NULL,
                 "%s authorizes by local policy: %s without a token", op->target, op->step);
        e9_send(op);
        return;
    }
    if (e->closing || t->jwt == NULL) {
        op->cb(e, &t->up, NULL, op->arg);
        e9_free(op);
        return;
    }
    if ((op->token = strdup(t->jwt)) == NULL) {
        e9_fail(op, "token", EES_CTL_INTERNAL, "out of memory");
        return;
    }
    e9_send(op);
}

/* A literal token goes out as given, except what would break the header (attacks may send
 * oversized or odd tokens, never a second header line). */
static int
e9_literal_ok(const char *t)
{
    size_t n = strlen(t);

    if (n == 0 || n > EDGE9_TOKEN_ARG_MAX)
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)t[i] < 0x21 || (unsigned char)t[i] > 0x7e)
            return 0;
    return 1;
}

static void
e9_start(struct e9_op *op, const char *token, const char *eec_id)
{
    if (token == NULL || strcmp(token, "fetch") == 0) {
        ees_oauth_get(op->e, op->target, op->scope, eec_id, 0, e9_token, op);
        return;
    }
    if (strcmp(token, "none") != 0) {
        if (!e9_literal_ok(token)) {
            e9_fail(op, op->step, EES_CTL_BAD_ARGS,
                    "a literal token must be 1..16384 printable characters");
            return;
        }
        if ((op->token = strdup(token)) == NULL) {
            e9_fail(op, op->step, EES_CTL_INTERNAL, "out of memory");
            return;
        }
    }
    e9_send(op);
}

static struct e9_op *
e9_new(struct ees *e, const char *step, const char *method, const char *target, ees_edge9_cb cb,
       void *arg)
{
    struct e9_op *op = calloc(1, sizeof(*op));
    char why[EDGE_ERR_LEN];
    struct ees_up up = {.step = step, .peer = target, .cause = EES_CTL_BAD_ARGS};

    if (op == NULL || target == NULL || js_valid_fqdn(target, why) < 0) {
        up.error = op == NULL ? "out of memory" : "the peer EES must be named by its FQDN";
        up.result = ees_result_error(up.cause, "%s", up.error);
        cb(e, &up, NULL, arg);
        json_decref(up.result);
        free(op);
        return NULL;
    }
    op->e = e;
    op->step = step;
    op->scope = EES_SCOPE_EDGE9;
    op->method = method;
    snprintf(op->target, sizeof(op->target), "%s", target);
    op->cb = cb;
    op->arg = arg;
    return op;
}

void
ees_edge9_push(struct ees *e, const char *target, const json_t *push, const char *token,
               const char *eec_id, ees_edge9_cb cb, void *arg)
{
    struct e9_op *op = e9_new(e, "push", "POST", target, cb, arg);

    if (op == NULL)
        return;
    snprintf(op->path, sizeof(op->path), "%s", EDGEAPP_PATH_EECCONTEXTS);
    op->body = json_deep_copy(push);
    e9_start(op, token, eec_id);
}

void
ees_edge9_pull(struct ees *e, const char *source, const char *cntx_id, const char *token,
               const char *eec_id, ees_edge9_cb cb, void *arg)
{
    struct e9_op *op = e9_new(e, "pull", "GET", source, cb, arg);
    char query[1024] = "";

    if (op == NULL)
        return;
    /* TS 29.558 PullEecContexts: ees-id names the requester, eec-cntx-id the context. */
    if (http_form_append(query, sizeof(query), "ees-id", e->n.name) < 0 ||
        http_form_append(query, sizeof(query), "eec-cntx-id", cntx_id) < 0) {
        e9_fail(op, op->step, EES_CTL_BAD_ARGS, "the pull query does not fit its buffer");
        return;
    }
    snprintf(op->path, sizeof(op->path), "%s?%s", EDGEAPP_PATH_EECCONTEXTS, query);
    e9_start(op, token, eec_id);
}

/* T-EAS discovery at the T-EES over EDGE-9 (TS 23.558 8.8.3.2: the S-EES asks the T-EES with
 * requestorId.eesId; TS 29.558 Eees_EASDiscovery TEasDiscRequest), token of scope
 * eees-easdiscovery. */
void
ees_edge9_discover(struct ees *e, const char *target, const json_t *req, const char *eec_id,
                   ees_edge9_cb cb, void *arg)
{
    struct e9_op *op = e9_new(e, "teas_discovery", "POST", target, cb, arg);

    if (op == NULL)
        return;
    op->scope = EES_SCOPE_EASDISC;
    snprintf(op->path, sizeof(op->path), "%s", EDGEAPP_PATH_EASDISC);
    op->body = json_deep_copy(req);
    e9_start(op, "fetch", eec_id);
}

/* ---- push / pull commands ---- */

static void
e9_cmd_done(struct ees *e, const struct ees_up *up, const char *token, void *arg)
{
    struct ctl_req *cr = arg;
    json_t *res;

    if (e->closing) {
        ctl_reply_error(cr, EES_CTL_STOPPING, "the node stopped before the %s was answered",
                        up->step);
        return;
    }
    if ((res = json_deep_copy(up->result)) == NULL) {
        ctl_reply_error(cr, EES_CTL_INTERNAL, "out of memory");
        return;
    }
    json_object_set_new(res, "step", json_string(up->step));
    json_object_set_new(res, "token", token != NULL ? json_string(token) : json_null());
    ctl_reply(cr, res);
}

/* The token argument: "fetch" (default), "none", or a literal JWT. */
static int
e9_token_arg(struct ctl_req *cr, json_t *args, const char **token)
{
    json_t *t = json_object_get(args, "token");

    *token = "fetch";
    if (t == NULL)
        return 0;
    if (!json_is_string(t) || json_string_length(t) > EDGE9_TOKEN_ARG_MAX) {
        ctl_reply_error(cr, EES_CTL_BAD_ARGS, "token: \"fetch\", \"none\" or a JWT string");
        return -1;
    }
    *token = json_string_value(t);
    return 0;
}

static void
push_cmd(struct ctl_req *cr, json_t *args, void *arg)
{
    struct ees *e = arg;
    const char *target = json_string_value(json_object_get(args, "target"));
    const char *cntx_id = json_string_value(json_object_get(args, "eecCntxId"));
    json_t *tgt_eas = json_object_get(args, "tgtEas"), *push;
    struct ees_ctx *c;
    const char *token;
    char why[EDGE_ERR_LEN];

    if (e9_token_arg(cr, args, &token) < 0)
        return;
    if (target == NULL || cntx_id == NULL || js_valid_fqdn(target, why) < 0) {
        ctl_reply_error(cr, EES_CTL_BAD_ARGS, "push needs target (an EES FQDN) and eecCntxId");
        return;
    }
    if ((c = ees_store_by_cntx(e, cntx_id)) == NULL) {
        ctl_reply_error(cr, EES_CTL_NO_CONTEXT, "no EEC context %.64s here", cntx_id);
        return;
    }
    if ((push = json_pack("{s:s, s:O}", "eesId", e->n.name, "eecCntx", c->cntx)) == NULL) {
        ctl_reply_error(cr, EES_CTL_INTERNAL, "out of memory");
        return;
    }
    if (tgt_eas != NULL)
        json_object_set(push, "tgtEas", tgt_eas);
    ees_edge9_push(e, target, push, token, c->eec_id, e9_cmd_done, cr);
    json_decref(push);
}

static void
pull_cmd(struct ctl_req *cr, json_t *args, void *arg)
{
    struct ees *e = arg;
    const char *source = json_string_value(json_object_get(args, "source"));
    const char *cntx_id = json_string_value(json_object_get(args, "eecCntxId"));
    const char *eec_id = json_string_value(json_object_get(args, "eecId"));
    const char *token;
    char why[EDGE_ERR_LEN];

    if (e9_token_arg(cr, args, &token) < 0)
        return;
    if (source == NULL || cntx_id == NULL || js_valid_fqdn(source, why) < 0 ||
        (eec_id != NULL && js_valid_id(eec_id, why) < 0)) {
        ctl_reply_error(cr, EES_CTL_BAD_ARGS,
                        "pull needs source (an EES FQDN) and eecCntxId; eecId is an EEC ID");
        return;
    }
    ees_edge9_pull(e, source, cntx_id, token, eec_id, e9_cmd_done, cr);
}

int
ees_edge9_setup(struct ees *e, char *err)
{
    if (ctl_command(e->n.ctl, "push", push_cmd, e, err) < 0 ||
        ctl_command(e->n.ctl, "pull", pull_cmd, e, err) < 0)
        return -1;
    return 0;
}
