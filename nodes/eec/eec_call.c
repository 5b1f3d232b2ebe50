/* eec_call.c -- one control command of edge-eec that waits on one HTTPS exchange with its ECS
 * (EDGE-4) or an EES (EDGE-1), presenting the bearer token of TS 33.558 6.2 (RFC 6750 2.1), and
 * answers the runner with the result shape of nodes/README.md. */
#include "eec.h"
#include "auth/bearer.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
eec_call_free(struct eec_call *c)
{
    if (c->token != NULL) {
        OPENSSL_cleanse(c->token, strlen(c->token));
        free(c->token);
    }
    json_decref(c->ctx);
    free(c);
}

struct eec_call *
eec_call_new(struct eec *e, struct ctl_req *req, const char *ees_id, const char *token,
             eec_call_done_fn done)
{
    struct eec_call *c = calloc(1, sizeof(*c));

    if (c == NULL || (token != NULL && (c->token = strdup(token)) == NULL)) {
        free(c);
        ctl_reply_error(req, EEC_CTL_INTERNAL, "%s: out of memory", ctl_req_cmd(req));
        return NULL;
    }
    c->e = e;
    c->req = req;
    c->done = done;
    snprintf(c->ees_id, sizeof(c->ees_id), "%s", ees_id != NULL ? ees_id : "");
    return c;
}

/* The one completion path: build the result, let the command add to it, reply, free. */
static void
eec_call_finish(const struct http_client_resp *r, void *arg)
{
    struct eec_call *c = arg;
    json_t *result = node_result(r);

    json_object_set_new(result, "token", c->token != NULL ? json_string(c->token) : json_null());
    /* While the node is being freed its pending requests are cancelled: the state and the
     * control socket are no longer the command's to touch. */
    if (!c->e->closing && c->done != NULL)
        c->done(c, r, result);
    if (c->held && !c->e->closing) {
        c->result = result; /* the command answers later: eec_call_reply */
        return;
    }
    ctl_reply(c->req, result);
    eec_call_free(c);
}

void
eec_call_drop(struct eec_call *c)
{
    json_decref(c->result);
    c->result = NULL;
    eec_call_free(c);
}

void
eec_call_reply(struct eec_call *c)
{
    ctl_reply(c->req, c->result);
    c->result = NULL;
    eec_call_free(c);
}

void
eec_call_send(struct eec_call *c, const char *method, const char *fqdn, const char *path,
              const json_t *body)
{
    char err[EDGE_ERR_LEN], *auth = NULL;
    const char *headers[3] = {NULL, NULL, NULL};
    int rc = -1;

    snprintf(c->peer, sizeof(c->peer), "%s", fqdn);
    if (c->token != NULL) {
        if ((auth = bearer_value(c->token)) == NULL) {
            edge_err(err, "out of memory");
            goto done;
        }
        headers[0] = BEARER_HEADER;
        headers[1] = auth;
        if (c->ees_id[0] != '\0')
            eec_token_event(c->e, c->token, NULL, c->ees_id, "presented");
    }
    rc = node_send_json_within(&c->e->n, (int)c->e->cf.request_ms, method, fqdn, path, body,
                               headers, eec_call_finish, c, err);
done:
    bearer_free(auth); /* the client copied the header */
    if (rc < 0) {
        /* Nothing was sent: the runner gets status 0 with the reason, as for a refused connect. */
        struct http_client_resp none = {.status = 0, .error = err, .body = ""};
        eec_call_finish(&none, c);
    }
}

int
eec_call_body(const struct http_client_resp *r, const struct js_field *table, const char *ext,
              json_t *result, json_t **out)
{
    char err[EDGE_ERR_LEN], msg[EDGE_ERR_LEN + 64];
    json_t *x;

    *out = NULL;
    if (js_loads(r->body, r->body_len, out, err) < 0)
        goto bad;
    if (!json_is_object(*out)) {
        snprintf(err, sizeof(err), "not a JSON object");
        goto bad;
    }
    /* An edgesim extension member the 3GPP table does not name: checked, reported, removed. */
    if (ext != NULL && (x = json_object_get(*out, ext)) != NULL) {
        if (!json_is_object(x)) {
            snprintf(err, sizeof(err), "%s: expected object, got %s", ext, js_type_name(x));
            goto bad;
        }
        json_object_set(result, ext, x);
        json_object_del(*out, ext);
    }
    if (js_decode(*out, "", table, NULL, NULL, err) < 0)
        goto bad;
    return 0;
bad:
    snprintf(msg, sizeof(msg), "%d answer with a malformed body: %s", r->status, err);
    json_object_set_new(result, "error", json_string(msg));
    json_decref(*out);
    *out = NULL;
    return -1;
}

void
eec_token_event(struct eec *e, const char *jwt, const char *issuer, const char *aud,
                const char *verdict)
{
    json_t *data = json_pack("{s:s, s:s?, s:s?, s:s}", "jwt", jwt, "issuer", issuer, "aud", aud,
                             "verdict", verdict);

    int received = strcmp(verdict, "received") == 0;

    node_log(&e->n, "token", received ? issuer : aud, NULL, data, "token %s %s %s (for %s)",
             verdict, received ? "from" : "to", received ? issuer : aud, aud);
    if (!e->closing) {
        json_object_set_new(data, "event", json_string("token"));
        json_object_set_new(data, "rule", json_null());
        ctl_event(e->n.ctl, data);
    } else {
        json_decref(data);
    }
}
