/* ecs_token.c -- POST /oauth2/token at the ECS: the EDGE-9 client credentials grant of TR 33.739
 * 6.27, with the forwarding of TS 33.501 13.4.1.1.3 when the T-EES is registered at another ECS.
 *
 * The decisions are token_endpoint_handle's (common/auth/token_endpoint.c); this file is the HTTP
 * glue and the registry/policy behind it. When the T-EES is not registered here, the request goes
 * to the peer ECS that the ECS-to-ECS lookup finds (ecs_ecsdisc.c), over mutual TLS with this ECS
 * as the client, carrying Via (the ECSes passed; an ECS that sees itself there refuses a loop) and
 * 3gpp-Sbi-Max-Forward-Hops (TS 29.500 5.2.3.2: forwards still allowed). The answer is relayed
 * as received (status, body, Cache-Control, Pragma), with Via listing the ECSes it passed, the
 * deciding ECS first: "Via: ecs2.edge.test, ecs1.edge.test". */
#include "ecs.h"
#include "base/err.h"
#include "net/problem.h"
#include "auth/token_endpoint.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define TOKEN_PATH "/oauth2/token"

/* One token request, from arrival to its one reply (possibly after a lookup and a forward). */
struct tok_req {
    struct ecs *e;
    struct http_req *req;
    struct token_param params[TOKEN_ENDPOINT_MAX_PARAMS];
    size_t nparams;
    struct via via;     /* ECSes the request passed before this one */
    unsigned max_hops;  /* forwards allowed in all, this request's budget */
    long long deadline; /* ecs_deadline at arrival: the lookup and the forward share it */
    struct token_endpoint_policy policy;
    struct token_endpoint_result res;
    char peer[EDGE_FQDN_MAX];   /* the TLS client: S-EES, or the forwarding ECS */
    char target[EDGE_FQDN_MAX]; /* the T-EES as the request names it */
    char next[EDGE_FQDN_MAX];   /* the peer ECS forwarded to */
};

/* ---- the registry and policy behind token_endpoint_handle ---- */

static int
tok_is_peer_ecs(void *arg, const char *fqdn)
{
    struct tok_req *t = arg;

    return ecs_is_peer(t->e, fqdn);
}

static int
tok_is_client(void *arg, const char *fqdn)
{
    struct tok_req *t = arg;

    return ecs_registry_find_fqdn(t->e->reg, fqdn) != NULL;
}

/* Registered here: LOCAL. Otherwise REMOTE with no ECS named yet: where it is, the lookup at the
 * peers says (asynchronously) once token_endpoint_handle has checked the client and the
 * parameters (TS 33.501 13.4.1.1.3 step 2 comes before step 3). No peers: UNKNOWN. */
static enum token_target
tok_locate(void *arg, const char *target_id, const char *target_fqdn, char aud[EDGE_FQDN_MAX],
           char ecs[EDGE_FQDN_MAX])
{
    struct tok_req *t = arg;
    struct ecs_reg *r = ecs_registry_find_ees(t->e->reg, target_id, target_fqdn);

    if (r == NULL && target_id != NULL && target_fqdn == NULL)
        r = ecs_registry_find_fqdn(t->e->reg, target_id); /* edgesim: eesId = FQDN */
    if (r != NULL) {
        snprintf(aud, EDGE_FQDN_MAX, "%s", r->fqdn);
        return TOKEN_TARGET_LOCAL;
    }
    ecs[0] = '\0';
    return json_array_size(t->e->cfg.peers) > 0 ? TOKEN_TARGET_REMOTE : TOKEN_TARGET_UNKNOWN;
}

static int
tok_match(const char *pattern, const char *name)
{
    return strcmp(pattern, "*") == 0 || strcasecmp(pattern, name) == 0;
}

/* The EDGE-9 policy of the ECS where the T-EES is registered (TS 33.501 13.4.1.1.3 step 4):
 * edge9Policy.rules when configured (client, target, scope), else any S-EES with scopes from
 * edge9Policy.allowedScopes. */
static enum token_authz
tok_authorize(void *arg, const char *client, const char *aud, const char *scope, const char *eec_id)
{
    struct tok_req *t = arg;
    const struct ecs_config *c = &t->e->cfg;
    int client_known = 0;
    size_t i;
    json_t *v;

    (void)eec_id;
    if (c->edge9_rules != NULL) {
        json_array_foreach(c->edge9_rules, i, v)
        {
            if (!tok_match(json_string_value(json_object_get(v, "client")), client))
                continue;
            client_known = 1;
            if (tok_match(json_string_value(json_object_get(v, "target")), aud) &&
                token_scope_covers(json_string_value(json_object_get(v, "scope")), scope))
                return TOKEN_AUTHZ_OK;
        }
        return client_known ? TOKEN_AUTHZ_INVALID_SCOPE : TOKEN_AUTHZ_UNAUTHORIZED_CLIENT;
    }
    if (c->edge9_scopes == NULL)
        return token_scope_covers("eees-eeccontextreloc eees-easdiscovery", scope)
                   ? TOKEN_AUTHZ_OK
                   : TOKEN_AUTHZ_INVALID_SCOPE;
    /* Every requested name must be one of the allowed ones. */
    char granted[TOKEN_SCOPE_MAX] = "";
    json_array_foreach(c->edge9_scopes, i, v)
    {
        size_t len = strlen(granted);
        snprintf(granted + len, sizeof(granted) - len, "%s%s", len ? " " : "",
                 json_string_value(v));
    }
    return token_scope_covers(granted, scope) ? TOKEN_AUTHZ_OK : TOKEN_AUTHZ_INVALID_SCOPE;
}

/* ---- replies ---- */

static void
tok_free(struct tok_req *t)
{
    token_endpoint_result_clear(&t->res);
    free(t);
}

/* Via of an answer decided here, or relayed: the ECSes it passed, the deciding one first. */
static void
tok_via_header(struct tok_req *t, const char *received)
{
    char buf[VIA_TEXT_LEN + EDGE_FQDN_MAX + 4];

    if (received != NULL && received[0] != '\0')
        snprintf(buf, sizeof(buf), "%.*s, %s", VIA_TEXT_LEN, received, t->e->node.name);
    else
        snprintf(buf, sizeof(buf), "%s", t->e->node.name);
    http_reply_header(t->req, VIA_HEADER, buf);
}

/* An answer decided here: AccessTokenRsp / AccessTokenErr (RFC 6749 5.1/5.2) with the
 * no-store headers, or a ProblemDetails for our own failures (TS 29.510 6.3.5.2.4). Frees t. */
static void
tok_reply(struct tok_req *t, int status, json_t *body)
{
    for (size_t i = 0; i < token_endpoint_nheaders; i++)
        if (strcasecmp(token_endpoint_headers[i].name, "Content-Type") != 0)
            http_reply_header(t->req, token_endpoint_headers[i].name,
                              token_endpoint_headers[i].value);
    tok_via_header(t, NULL);
    if (json_object_get(body, "status") != NULL)
        http_reply_problem_json(t->req, body);
    else
        http_reply_json(t->req, status, body);
    tok_free(t);
}

/* An RFC 6749 5.2 refusal decided by this glue (before or after token_endpoint_handle). */
__attribute__((format(printf, 3, 4))) static void
tok_refuse(struct tok_req *t, const char *error, const char *fmt, ...)
{
    char desc[EDGE_ERR_LEN];
    va_list ap;

    va_start(ap, fmt);
    // NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): va_start is the line above
    vsnprintf(desc, sizeof(desc), fmt, ap);
    va_end(ap);
    for (char *s = desc; *s; s++) /* RFC 6749 5.2: no '"' or '\' in error_description */
        if (*s == '"' || *s == '\\' || (unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
            *s = '\'';
    ecs_token_report(t->e, t->peer, "refused", error, t->target[0] ? t->target : NULL, NULL,
                     "token request from %s refused (%s): %s", t->peer, error, desc);
    tok_reply(t, 400, json_pack("{s:s, s:s}", "error", error, "error_description", desc));
}

/* A forwarding failure this ECS answers itself: ProblemDetails (TS 29.500 5.2.7.2) of its row
 * in ecs_refusals[]. */
__attribute__((format(printf, 3, 4))) static void
tok_fail(struct tok_req *t, enum ecs_refusal r, const char *fmt, ...)
{
    char detail[EDGE_ERR_LEN];
    va_list ap;

    va_start(ap, fmt);
    // NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): va_start is the line above
    vsnprintf(detail, sizeof(detail), fmt, ap);
    va_end(ap);
    ecs_token_report(t->e, t->peer, "refused", ecs_refusals[r].cause,
                     t->target[0] ? t->target : NULL, NULL, "token request from %s failed: %s",
                     t->peer, detail);
    tok_reply(t, ecs_refusals[r].status, node_refusal_problem(&ecs_refusals[r], "%s", detail));
}

/* ---- forwarding ---- */

static void
tok_relay(const struct http_client_resp *r, void *arg)
{
    static const char *const copied[] = {"Cache-Control", "Pragma", "WWW-Authenticate"};
    struct tok_req *t = arg;
    const char *via = http_client_resp_header(r, VIA_HEADER);
    json_t *data;

    if (t->e->stopping) {
        tok_free(t);
        return;
    }
    if (r->status == 0) {
        tok_fail(t, ECS_R_PEER_UNREACHABLE, "peer ECS %s did not answer the forwarded request: %s",
                 t->next, r->error != NULL ? r->error : "no answer");
        return;
    }
    data = json_pack("{s:s, s:s, s:i, s:s?}", "from", t->next, "to", t->e->node.name, "status",
                     r->status, "via", via);
    node_log(&t->e->node, "forward", t->next, NULL, data,
             "token answer %d relayed from ECS %s through ECS %s to %s", r->status, t->next,
             t->e->node.name, t->res.client);
    json_decref(data);
    for (size_t i = 0; i < sizeof(copied) / sizeof(copied[0]); i++)
        if (http_client_resp_header(r, copied[i]) != NULL)
            http_reply_header(t->req, copied[i], http_client_resp_header(r, copied[i]));
    /* An answer without Via still came from the ECS it was forwarded to. */
    tok_via_header(t, via != NULL ? via : t->next);
    http_reply(t->req, r->status, http_client_resp_header(r, "Content-Type"), r->body, r->body_len);
    tok_free(t);
}

static void
tok_forward(struct tok_req *t, const char *next, unsigned hops_to_holder)
{
    char via_text[VIA_TEXT_LEN], hops_text[16], err[EDGE_ERR_LEN];
    const char *headers[] = {VIA_HEADER, via_text, VIA_HOPS_HEADER, hops_text, NULL};
    struct via sent = t->via;
    unsigned hop = (unsigned)t->via.n + 1;
    json_t *data;

    snprintf(t->next, sizeof(t->next), "%s", next);
    via_add(&sent, t->e->node.name);
    via_format(&sent, via_text, sizeof(via_text));
    snprintf(hops_text, sizeof(hops_text), "%u", t->max_hops - hop);
    data = json_pack("{s:s, s:s, s:s, s:s, s:i, s:i, s:i, s:s}", "from", t->e->node.name, "to",
                     next, "client", t->res.client, "target", t->target, "hop", hop, "maxHops",
                     t->max_hops, "holderHops", hops_to_holder, "via", via_text);
    node_log(&t->e->node, "forward", next, NULL, data,
             "token request of %s for %s forwarded from ECS %s to ECS %s (hop %u of at most %u)",
             t->res.client, t->target, t->e->node.name, next, hop, t->max_hops);
    json_decref(data);
    if (node_send_form_within(&t->e->node, ecs_time_left(t->deadline), next, TOKEN_PATH,
                              t->res.forward_form, headers, tok_relay, t, err) < 0)
        tok_fail(t, ECS_R_PEER_UNREACHABLE, "cannot forward to peer ECS %s: %s", next, err);
}

/* The peers answered: forward to the one that reaches the T-EES in the fewest hops. */
static void
tok_located(struct ecs *e, json_t *found, json_t *errors, void *arg)
{
    struct tok_req *t = arg;
    json_t *best = NULL, *ent, *err_ent;
    char why[EDGE_ERR_LEN] = "";
    int unreachable = 0;
    size_t i;

    if (e->stopping) {
        tok_free(t);
        return;
    }
    json_array_foreach(found, i, ent)
    {
        json_int_t h = json_integer_value(json_object_get(ent, "hops"));
        if (h <= (json_int_t)(t->max_hops - t->via.n) &&
            (best == NULL || h < json_integer_value(json_object_get(best, "hops"))))
            best = ent;
    }
    if (best != NULL) {
        tok_forward(t, json_string_value(json_object_get(best, "peer")),
                    (unsigned)json_integer_value(json_object_get(best, "hops")));
        return;
    }
    json_array_foreach(errors, i, err_ent)
    {
        size_t len = strlen(why);
        unreachable |= json_integer_value(json_object_get(err_ent, "status")) == 0;
        snprintf(why + len, sizeof(why) - len, "; %s: %s",
                 json_string_value(json_object_get(err_ent, "peer")),
                 json_string_value(json_object_get(err_ent, "error")));
    }
    if (unreachable)
        tok_fail(t, ECS_R_PEER_UNREACHABLE,
                 "target EES %s is not registered at %s, and a peer ECS could not be asked%s",
                 t->target, e->node.name, why);
    else if (json_array_size(found) > 0)
        tok_refuse(t, "invalid_request", "target EES %s is more than %u ECS hops away", t->target,
                   t->max_hops);
    else
        tok_refuse(t, "invalid_request",
                   "target EES %s is registered neither at %s nor at a peer ECS within %u "
                   "hop(s)%s",
                   t->target, e->node.name, t->max_hops - (unsigned)t->via.n, why);
}

/* ---- the request ---- */

/* Form, Via and hop limit; on failure the reply is sent and t freed. */
static int
tok_parse(struct tok_req *t)
{
    const struct http_form *form;
    char err[EDGE_ERR_LEN];
    int status = 0, left;

    if ((form = http_req_form(t->req, &status, err)) == NULL) {
        if (status == 415)
            tok_reply(t, 415, node_refusal_problem(&ecs_refusals[ECS_R_MEDIA_TYPE], "%s", err));
        else
            tok_refuse(t, "invalid_request", "%s", err);
        return -1;
    }
    t->nparams = http_form_len(form);
    for (size_t i = 0; i < t->nparams && i < TOKEN_ENDPOINT_MAX_PARAMS; i++) {
        t->params[i].name = http_form_name(form, i);
        t->params[i].value = http_form_value(form, i);
    }
    const char *target = http_form_get(form, "targetEesFqdn");
    if (target == NULL)
        target = http_form_get(form, "targetNfInstanceId");
    if (target != NULL)
        snprintf(t->target, sizeof(t->target), "%s", target);
    if (via_parse(http_req_header(t->req, VIA_HEADER), &t->via, err) < 0) {
        tok_refuse(t, "invalid_request", "%s", err);
        return -1;
    }
    t->deadline = ecs_deadline(&t->via);
    if (via_has(&t->via, t->e->node.name)) {
        tok_refuse(t, "invalid_request", "forwarding loop: %s is already in Via (%s)",
                   t->e->node.name, http_req_header(t->req, VIA_HEADER));
        return -1;
    }
    if ((left = via_hops_parse(http_req_header(t->req, VIA_HOPS_HEADER))) == -2) {
        tok_refuse(t, "invalid_request", "%s is not a number 0..255", VIA_HOPS_HEADER);
        return -1;
    }
    /* The budget: this ECS's maxForwardHops, or less when an earlier ECS said so. */
    t->max_hops = (unsigned)t->e->cfg.max_hops;
    if (left >= 0 && t->via.n + (unsigned)left < t->max_hops)
        t->max_hops = (unsigned)(t->via.n + (unsigned)left);
    return 0;
}

static void
tok_handle(struct http_req *req, void *arg)
{
    struct ecs *e = arg;
    const struct edge_peer *p = http_req_peer(req);
    struct tok_req *t = calloc(1, sizeof(*t));
    char err[EDGE_ERR_LEN];

    if (t == NULL) {
        ecs_refuse(req, ECS_R_INTERNAL, "out of memory");
        return;
    }
    t->e = e;
    t->req = req;
    snprintf(t->peer, sizeof(t->peer), "%s", p->fqdn[0] ? p->fqdn : p->eec_id);
    if (tok_parse(t) < 0)
        return;
    t->policy = (struct token_endpoint_policy){
        .arg = t,
        .is_peer_ecs = tok_is_peer_ecs,
        .is_client = tok_is_client,
        .locate = tok_locate,
        .authorize = tok_authorize,
    };
    struct token_endpoint ep = {
        .keys = e->keys,
        .policy = &t->policy,
        .lifetime = e->cfg.edge9_lifetime,
        .max_hops = t->max_hops,
    };
    struct token_endpoint_req treq = {
        .params = t->params,
        .nparams = t->nparams,
        .peer = p,
        .hops = (unsigned)t->via.n,
        .now = node_now(),
    };
    switch (token_endpoint_handle(&ep, &treq, &t->res)) {
    case TOKEN_DECISION_ISSUED:
        ecs_token_report(e, t->res.client, "issued", NULL, t->res.aud, &t->res.issued,
                         "EDGE-9 token %s for %s issued to %s (kid %s%s%s)", t->res.issued.jti,
                         t->res.aud, t->res.client, t->res.issued.kid,
                         t->via.n ? ", forwarded by " : "", t->via.n ? t->peer : "");
        tok_reply(t, 200, json_incref(t->res.body));
        return;
    case TOKEN_DECISION_ERROR:
        ecs_token_report(e, t->peer, "refused", t->res.error ? t->res.error : "server_error",
                         t->target[0] ? t->target : NULL, NULL, "token request from %s refused: %s",
                         t->peer, t->res.description);
        tok_reply(t, t->res.status,
                  t->res.body != NULL ? json_incref(t->res.body)
                                      : node_refusal_problem(&ecs_refusals[ECS_R_INTERNAL], "%s",
                                                             t->res.description));
        return;
    case TOKEN_DECISION_FORWARD:
        break;
    }
    /* Not registered here: ask the peers where, then forward (TS 33.501 13.4.1.1.3 step 3). */
    struct via asked = t->via;
    if (!via_has(&asked, t->peer) && ecs_is_peer(e, t->peer))
        via_add(&asked, t->peer);
    http_req_hold(req);
    if (ecs_lookup_start(e, t->target, NULL, &asked, t->max_hops - (unsigned)t->via.n - 1,
                         t->deadline, tok_located, t, err) < 0)
        tok_fail(t, ECS_R_INTERNAL, "cannot ask the peer ECSes: %s", err);
}

int
ecs_token_setup(struct ecs *e, char *err)
{
    return http_server_route(e->node.http, "POST", TOKEN_PATH, tok_handle, e, err);
}
