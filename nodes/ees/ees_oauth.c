/* ees_oauth.c -- this EES as OAuth 2.0 client of its own ECS (TR 33.739 6.27, TS 33.501
 * 13.4.1.1.3: the S-EES asks the ECS it is registered at): client credentials grant (RFC 6749
 * 4.4, parameters of TS 29.510 AccessTokenReq with its required nfInstanceId: this EES's NF
 * instance ID, config nfInstanceId or derived from its FQDN (base/uuid.h), client authenticated
 * by its TLS certificate per RFC 8705), tokens cached per (target, scope, EEC) until shortly before
 * they expire, the ECSes the request passed read from the answer's Via header; the "request_token"
 * command. */
#include "ees.h"
#include "net/http_form.h"
#include "base/b64url.h"
#include "base/err.h"
#include "net/problem.h"
#include "auth/via.h"
#include "base/uuid.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define OAUTH_CACHE_MAX 256
#define OAUTH_MARGIN_MIN 5 /* seconds before exp a cached token is no longer handed out */

struct oauth_entry {
    char target[EDGE_FQDN_MAX];
    char scope[TOKEN_SCOPE_MAX + 1];
    char eec_id[EDGE_ID_MAX];
    char *jwt;
    long long exp, margin;
    json_t *via;
    struct oauth_entry *next;
};

struct ees_oauth {
    struct oauth_entry *head;
    size_t n;
    char nf_id[UUID_TEXT_LEN]; /* nfInstanceId of its token requests */
};

struct oauth_op {
    struct ees *e;
    char target[EDGE_FQDN_MAX];
    char scope[TOKEN_SCOPE_MAX + 1];
    char eec_id[EDGE_ID_MAX];
    char asked[EDGE_FQDN_MAX];      /* the ECS the request went to: its own, or a redirect's */
    char redirected[EDGE_FQDN_MAX]; /* the ECS that redirected it ("" none) */
    char *form;                     /* the request, for a redirect */
    ees_token_cb cb;
    void *arg;
};

static void oauth_resp(const struct http_client_resp *r, void *arg);

static void
oauth_op_free(struct oauth_op *op)
{
    free(op->form);
    free(op);
}

/* Send op's form to ecs, within deadlines.ecsMs, telling it so (3gpp-Sbi-Max-Rsp-Time): an ECS
 * that forwards keeps back enough to answer before this EES gives up. */
static int
oauth_send(struct oauth_op *op, const char *ecs, char *why)
{
    char wait[16];
    const char *headers[] = {VIA_RSP_TIME_HEADER, wait, NULL};

    snprintf(op->asked, sizeof(op->asked), "%s", ecs);
    snprintf(wait, sizeof(wait), "%lld", op->e->cfg.ecs_ms);
    return node_send_form_within(&op->e->n, (int)op->e->cfg.ecs_ms, ecs, EES_TOKEN_PATH, op->form,
                                 headers, oauth_resp, op, why);
}

/* TS 29.510 307/308 (edge9Mode redirect): the ECS where the T-EES is registered, from Location
 * "https://<ecs>[:port]/oauth2/token"; the request goes there once, over this EES's own mutual
 * TLS. 1 when sent, 0 when this answer is not such a redirect, -1 (why) when it cannot be
 * followed. */
static int
oauth_follow(struct oauth_op *op, const struct http_client_resp *r, char *why)
{
    const char *loc = http_client_resp_header(r, "Location");
    char host[EDGE_FQDN_MAX];
    size_t n;

    if (r->status != 307 && r->status != 308)
        return 0;
    if (op->redirected[0] != '\0')
        return edge_err(why, "a second redirect (from %s)", op->asked);
    if (loc == NULL || strncmp(loc, "https://", 8) != 0 || (n = strcspn(loc + 8, ":/")) == 0 ||
        n >= sizeof(host))
        return edge_err(why, "Location %.96s is not an https URI of an ECS", loc ? loc : "(none)");
    memcpy(host, loc + 8, n);
    host[n] = '\0';
    if (js_valid_fqdn(host, why) < 0 || strstr(loc + 8 + n, EES_TOKEN_PATH) == NULL)
        return edge_err(why, "Location %.96s is not the token endpoint of an ECS", loc);
    snprintf(op->redirected, sizeof(op->redirected), "%s", op->asked);
    node_log(&op->e->n, "token", op->asked, NULL, NULL,
             "token request for %s redirected by %s to %s", op->target, op->asked, host);
    return oauth_send(op, host, why) == 0 ? 1 : -1;
}

/* TS 29.510 AccessTokenRsp (RFC 6749 5.1); other members are ignored as RFC 6749 5.1 says. */
static const struct js_field oauth_rsp[] = {
    {.name = "access_token",
     .type = JS_STRING,
     .flags = JS_REQUIRED | JS_NONEMPTY,
     .max_len = TOKEN_MAX_LEN},
    {.name = "token_type", .type = JS_STRING, .flags = JS_REQUIRED, .max_len = 32},
    {.name = "expires_in",
     .type = JS_INT,
     .check = js_check_range,
     .min = 0,
     .max = TOKEN_LIFETIME_MAX},
    {.name = "scope", .type = JS_STRING, .max_len = TOKEN_SCOPE_MAX},
    {.name = JS_OTHER},
    {0},
};

static void
entry_free(struct oauth_entry *en)
{
    if (en->jwt != NULL) {
        memset(en->jwt, 0, strlen(en->jwt)); /* bearer tokens are secrets (STYLE 12) */
        free(en->jwt);
    }
    json_decref(en->via);
    free(en);
}

static int
entry_is(const struct oauth_entry *en, const char *target, const char *scope, const char *eec_id)
{
    return strcasecmp(en->target, target) == 0 && strcmp(en->scope, scope) == 0 &&
           strcmp(en->eec_id, eec_id != NULL ? eec_id : "") == 0;
}

/* Drop the entry for the key, expired entries, and when full the oldest. */
static void
cache_prune(struct ees *e, const char *target, const char *scope, const char *eec_id)
{
    struct oauth_entry **pp = &e->oauth->head, *en;
    long long now = node_now();

    while ((en = *pp) != NULL) {
        if (entry_is(en, target, scope, eec_id) || en->exp <= now ||
            (e->oauth->n >= OAUTH_CACHE_MAX && en->next == NULL)) {
            *pp = en->next;
            e->oauth->n--;
            entry_free(en);
        } else {
            pp = &en->next;
        }
    }
}

static struct oauth_entry *
cache_find(struct ees *e, const char *target, const char *scope, const char *eec_id)
{
    long long now = node_now();

    for (struct oauth_entry *en = e->oauth->head; en != NULL; en = en->next)
        if (entry_is(en, target, scope, eec_id) && en->exp - en->margin > now)
            return en;
    return NULL;
}

static void
cache_put(struct ees *e, const struct oauth_op *op, const char *jwt, long long exp, json_t *via)
{
    struct oauth_entry *en;
    long long life = exp - node_now();

    cache_prune(e, op->target, op->scope, op->eec_id);
    if (life <= OAUTH_MARGIN_MIN || (en = calloc(1, sizeof(*en))) == NULL)
        return;
    if ((en->jwt = strdup(jwt)) == NULL) {
        free(en);
        return;
    }
    snprintf(en->target, sizeof(en->target), "%s", op->target);
    snprintf(en->scope, sizeof(en->scope), "%s", op->scope);
    snprintf(en->eec_id, sizeof(en->eec_id), "%s", op->eec_id);
    en->exp = exp;
    en->margin = life / 10 > OAUTH_MARGIN_MIN ? life / 10 : OAUTH_MARGIN_MIN;
    en->via = json_incref(via);
    en->next = e->oauth->head;
    e->oauth->head = en;
    e->oauth->n++;
}

/* Segment n (0 header, 1 claims) of a token as a JSON object, read without verifying (the T-EES
 * verifies): for the log and the expiry. */
static json_t *
jwt_segment(const char *jwt, int n)
{
    const char *d1 = strchr(jwt, '.'), *d2 = d1 != NULL ? strchr(d1 + 1, '.') : NULL;
    const char *from = n == 0 ? jwt : d1 + 1, *to = n == 0 ? d1 : d2;
    size_t len, out_len;
    uint8_t *buf;
    json_t *obj = NULL;

    if (d2 == NULL)
        return NULL;
    len = (size_t)(to - from);
    if ((buf = malloc(b64url_decoded_max(len) + 1)) == NULL)
        return NULL;
    if (b64url_decode(from, len, buf, &out_len) == 0)
        obj = json_loadb((const char *)buf, out_len, JSON_REJECT_DUPLICATES, NULL);
    free(buf);
    if (obj != NULL && !json_is_object(obj)) {
        json_decref(obj);
        obj = NULL;
    }
    return obj;
}

/* A request that brought no token; via: the ECSes the refusal passed, the refusing one first (an
 * answer's Via says which ECS decided, a refusal's as much as a grant's), or NULL. */
static void
oauth_fail(struct ees *e, const char *target, const char *scope, struct ees_up *up, json_t *via,
           ees_token_cb cb, void *arg)
{
    struct ees_token t = {.up = *up, .via = via};
    char summary[EDGE_ERR_LEN + 128];

    snprintf(summary, sizeof(summary), "token for %.64s (%.64s) not obtained from %s: %d %s",
             target, scope, up->peer != NULL ? up->peer : e->cfg.ecs, up->status,
             up->error != NULL   ? up->error
             : up->cause != NULL ? up->cause
                                 : "");
    ees_token_report(e, up->peer != NULL ? up->peer : e->cfg.ecs, "refused", up->cause, NULL, NULL,
                     NULL, summary);
    cb(e, &t, arg);
}

static void
oauth_resp(const struct http_client_resp *r, void *arg)
{
    struct oauth_op *op = arg;
    struct ees *e = op->e;
    struct ees_token t = {0};
    json_t *body = NULL, *claims = NULL, *header = NULL;
    const char *jwt;
    char err[EDGE_ERR_LEN] = "", summary[EDGE_ERR_LEN + 256], *via_text;
    struct via via;
    long long exp;

    ees_up_from_resp(&t.up, "token", op->asked, r);
    if (e->closing) {
        op->cb(e, &t, op->arg);
        goto done;
    }
    switch (oauth_follow(op, r, err)) {
    case 1:
        json_decref(t.up.result);
        return; /* the redirect's answer comes to oauth_resp again, with op */
    case -1:
        t.up.error = err;
        t.up.cause = "BAD_REDIRECT";
        oauth_fail(e, op->target, op->scope, &t.up, NULL, op->cb, op->arg);
        goto done;
    default:
        break;
    }
    if (op->redirected[0] != '\0')
        json_object_set_new(t.up.result, "redirectedBy", json_string(op->redirected));
    /* The ECSes the request passed, the deciding one first (TR 33.739 6.27 forwarding), on a
     * refusal as on a token; an unreadable Via costs only the list, not the answer. */
    if (via_parse(http_client_resp_header(r, VIA_HEADER), &via, err) < 0)
        node_log(&e->n, "token", op->asked, PROBLEM_INVALID_MSG_FORMAT, NULL,
                 "token answer of %s: %s; via kept up to there", op->asked, err);
    t.via = via_json(&via);
    err[0] = '\0';
    if (r->status != 200) {
        oauth_fail(e, op->target, op->scope, &t.up, t.via, op->cb, op->arg);
        goto done;
    }
    if (js_loads(r->body, r->body_len, &body, err) < 0 ||
        js_decode(body, NULL, oauth_rsp, NULL, NULL, err) < 0 ||
        strcasecmp(json_string_value(json_object_get(body, "token_type")), "Bearer") != 0) {
        if (err[0] == '\0')
            snprintf(err, sizeof(err), "token_type is not Bearer");
        t.up.error = err;
        t.up.cause = "BAD_TOKEN_RESPONSE";
        oauth_fail(e, op->target, op->scope, &t.up, t.via, op->cb, op->arg);
        goto done;
    }
    jwt = json_string_value(json_object_get(body, "access_token"));
    claims = jwt_segment(jwt, 1);
    header = jwt_segment(jwt, 0);
    exp = json_is_integer(json_object_get(body, "expires_in"))
              ? node_now() + json_integer_value(json_object_get(body, "expires_in"))
              : json_integer_value(json_object_get(claims, "exp"));
    cache_put(e, op, jwt, exp, t.via);
    t.jwt = jwt;
    via_text = json_dumps(t.via, JSON_COMPACT);
    snprintf(summary, sizeof(summary), "token for %.64s (%.64s) received from %.64s, via %.200s",
             op->target, op->scope, op->asked, via_text != NULL ? via_text : "[]");
    free(via_text);
    ees_token_report(e, op->asked, "received", NULL, jwt, header, claims, summary);
    op->cb(e, &t, op->arg);
done:
    json_decref(t.via);
    json_decref(t.up.result);
    json_decref(claims);
    json_decref(header);
    json_decref(body);
    oauth_op_free(op);
}

void
ees_oauth_get(struct ees *e, const char *target, const char *scope, const char *eec_id, int fresh,
              ees_token_cb cb, void *arg)
{
    struct oauth_op *op = NULL;
    struct oauth_entry *en;
    struct ees_token t = {.up = {.step = "token", .peer = e->cfg.ecs}};
    char why[EDGE_ERR_LEN], form[8192] = "";

    if (js_valid_fqdn(target, why) < 0 || !token_scope_ok(scope) ||
        (eec_id != NULL && js_valid_id(eec_id, why) < 0)) {
        t.up.error = "target must be an FQDN, scope service names, eecId an EEC ID";
        t.up.cause = EES_CTL_BAD_ARGS;
        t.up.result = ees_result_error(t.up.cause, "%s", t.up.error);
        goto fail;
    }
    /* token_endpoint.h: the S-EES names itself and the T-EES by FQDN (EES IDs are FQDNs here). */
    if (http_form_append(form, sizeof(form), "grant_type", "client_credentials") < 0 ||
        http_form_append(form, sizeof(form), "nfInstanceId", e->oauth->nf_id) < 0 ||
        http_form_append(form, sizeof(form), "scope", scope) < 0 ||
        http_form_append(form, sizeof(form), "targetEesFqdn", target) < 0 ||
        http_form_append(form, sizeof(form), "requesterFqdn", e->n.name) < 0 ||
        http_form_append(form, sizeof(form), "eec_id", eec_id) < 0) {
        t.up.error = "the token request does not fit its buffer";
        t.up.cause = EES_CTL_BAD_ARGS;
        t.up.result = ees_result_error(t.up.cause, "%s", t.up.error);
        goto fail;
    }
    if (!fresh && (en = cache_find(e, target, scope, eec_id)) != NULL) {
        t.jwt = en->jwt;
        t.cached = 1;
        t.via = en->via;
        cb(e, &t, arg);
        return;
    }
    if ((op = calloc(1, sizeof(*op))) == NULL) {
        t.up.error = "out of memory";
        goto fail;
    }
    op->e = e;
    snprintf(op->target, sizeof(op->target), "%s", target);
    snprintf(op->scope, sizeof(op->scope), "%s", scope);
    snprintf(op->eec_id, sizeof(op->eec_id), "%s", eec_id != NULL ? eec_id : "");
    op->cb = cb;
    op->arg = arg;
    if ((op->form = strdup(form)) == NULL || oauth_send(op, e->cfg.ecs, why) < 0) {
        t.up.error = op->form == NULL ? "out of memory" : why;
        t.up.cause = HTTP_CLIENT_CONNECT_FAILED;
        t.up.result = ees_result_error(t.up.cause, "%s", t.up.error);
        oauth_op_free(op);
        op = NULL;
        goto fail;
    }
    return;
fail:
    if (t.up.result == NULL)
        t.up.result = ees_result_error(t.up.cause, "%s", t.up.error);
    oauth_fail(e, target != NULL ? target : "", scope != NULL ? scope : "", &t.up, NULL, cb, arg);
    json_decref(t.up.result);
}

/* ---- request_token ---- */

static void
rt_done(struct ees *e, const struct ees_token *t, void *arg)
{
    struct ctl_req *cr = arg;
    json_t *res;

    if (e->closing) {
        ctl_reply_error(cr, EES_CTL_STOPPING, "the node stopped before the token came");
        return;
    }
    res = t->cached ? json_pack("{s:i, s:n, s:n, s:n, s:n, s:f}", "status", 200, "location", "body",
                                "problem", "error", "elapsed_ms", 0.0)
                    : json_deep_copy(t->up.result);
    if (res == NULL) {
        ctl_reply_error(cr, EES_CTL_INTERNAL, "out of memory");
        return;
    }
    json_object_set_new(res, "token", t->jwt != NULL ? json_string(t->jwt) : json_null());
    json_object_set_new(res, "via", t->via != NULL ? json_incref(t->via) : json_array());
    json_object_set_new(res, "cached", json_boolean(t->cached));
    json_object_set_new(res, "step", json_string("token"));
    ctl_reply(cr, res);
}

static void
rt_cmd(struct ctl_req *cr, json_t *args, void *arg)
{
    struct ees *e = arg;
    const char *target = json_string_value(json_object_get(args, "target"));
    const char *scope = json_string_value(json_object_get(args, "scope"));
    const char *eec_id = json_string_value(json_object_get(args, "eecId"));
    char why[EDGE_ERR_LEN];

    if (target == NULL || js_valid_fqdn(target, why) < 0) {
        ctl_reply_error(cr, EES_CTL_BAD_ARGS, "target: the T-EES's FQDN is needed");
        return;
    }
    if ((scope != NULL && !token_scope_ok(scope)) ||
        (json_object_get(args, "scope") != NULL && scope == NULL)) {
        ctl_reply_error(cr, EES_CTL_BAD_ARGS, "scope: service names separated by one space");
        return;
    }
    if ((eec_id != NULL && js_valid_id(eec_id, why) < 0) ||
        (json_object_get(args, "eecId") != NULL && eec_id == NULL)) {
        ctl_reply_error(cr, EES_CTL_BAD_ARGS, "eecId: an EEC ID");
        return;
    }
    /* The command asks the ECS each time (a runner wants to see the request), unless told
     * "cached": true. */
    ees_oauth_get(e, target, scope != NULL ? scope : EES_SCOPE_EDGE9, eec_id,
                  !json_is_true(json_object_get(args, "cached")), rt_done, cr);
}

int
ees_oauth_setup(struct ees *e, char *err)
{
    if ((e->oauth = calloc(1, sizeof(*e->oauth))) == NULL)
        return edge_err(err, "out of memory");
    /* TS 29.571 NfInstanceId: configured, else derived from its FQDN as its ECS derives it. */
    if (e->cfg.nf_id != NULL)
        snprintf(e->oauth->nf_id, sizeof(e->oauth->nf_id), "%s", e->cfg.nf_id);
    else if (uuid_from_name(e->n.name, e->oauth->nf_id) < 0)
        return edge_err(err, "cannot derive the NF instance ID of %s", e->n.name);
    node_log(&e->n, "token", NULL, NULL, NULL, "NF instance ID %s (%s)", e->oauth->nf_id,
             e->cfg.nf_id != NULL ? "configured" : "derived from its FQDN");
    return ctl_command(e->n.ctl, "request_token", rt_cmd, e, err);
}

void
ees_oauth_free(struct ees *e)
{
    struct oauth_entry *en, *next;

    if (e->oauth == NULL)
        return;
    for (en = e->oauth->head; en != NULL; en = next) {
        next = en->next;
        entry_free(en);
    }
    free(e->oauth);
    e->oauth = NULL;
}
