/* ecs_token.c -- POST /oauth2/token at the ECS: the EDGE-9 client credentials grant of TR 33.739
 * 6.27. The decisions are token_endpoint_handle's (common/auth/token_endpoint.c); this file is the
 * HTTP glue and the registry and policy behind it. When the T-EES is not registered here the
 * request goes onward (ecs_tokfwd.c) as edge9Mode says: forwarded (TS 33.501 13.4.1.1.3),
 * redirected (TS 29.510 307), or signed here for a partner's T-EES (local-issue). Every answer
 * carries Via, the ECSes it passed with the deciding one first: "Via: ecs2.edge.test,
 * ecs1.edge.test". */
#include "ecs_token.h"
#include "base/err.h"
#include "net/problem.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

static int
tok_is_foreign_client(void *arg, const char *fqdn)
{
    struct tok_req *t = arg;

    return ecs_is_foreign_client(t->e, fqdn);
}

static int
tok_serves_eec(void *arg, const char *client, const char *eec_id)
{
    struct tok_req *t = arg;

    return ecs_eecs_served(t->e, eec_id, client);
}

static int
tok_nf_instance_ok(void *arg, const char *client, const char *nf_instance_id)
{
    struct tok_req *t = arg;

    return ecs_ees_instance_is(t->e, client, nf_instance_id);
}

/* The T-EES's location at a peer: the one this request's lookup found, else the cache. */
static const struct ecs_where *
tok_where(struct tok_req *t, const char *id, const char *fqdn)
{
    const struct ecs_where *w;

    if (!t->have_where && (w = ecs_where_find(t->e, id, fqdn)) != NULL) {
        t->where = *w;
        t->have_where = t->from_cache = 1;
    }
    return t->have_where ? &t->where : NULL;
}

/* TS 33.558 6.2: the ECS knows per EES whether it is authorized by token; for a T-EES at a peer,
 * as that peer's EDGE-10 answer said. */
static int
tok_uses_token(void *arg, const char *aud)
{
    struct tok_req *t = arg;
    const struct ecs_where *w;

    if (ecs_registry_find_fqdn(t->e->reg, aud) != NULL)
        return ecs_ees_uses_token(t->e, aud);
    w = tok_where(t, NULL, aud);
    return w == NULL || w->uses_token;
}

/* Registered here: LOCAL. At a peer, where this request's lookup or the cache says: REMOTE
 * through that peer, or PARTNER when this ECS signs for it itself (local-issue). Otherwise REMOTE
 * with no ECS named yet: the lookup at the peers comes once token_endpoint_handle has checked the
 * client and the parameters (TS 33.501 13.4.1.1.3 step 2 comes before step 3). No peers:
 * UNKNOWN. */
static enum token_target
tok_locate(void *arg, const char *target_id, const char *target_fqdn, char aud[EDGE_FQDN_MAX],
           char ecs[EDGE_FQDN_MAX])
{
    struct tok_req *t = arg;
    struct ecs_reg *r = ecs_registry_find_ees(t->e->reg, target_id, target_fqdn);
    const struct ecs_where *w;

    if (r == NULL && target_id != NULL && target_fqdn == NULL)
        r = ecs_registry_find_fqdn(t->e->reg, target_id); /* edgesim: eesId = FQDN */
    if (r != NULL) {
        snprintf(aud, EDGE_FQDN_MAX, "%s", r->fqdn);
        return TOKEN_TARGET_LOCAL;
    }
    ecs[0] = aud[0] = '\0';
    if ((w = tok_where(t, target_id, target_fqdn)) != NULL) {
        snprintf(aud, EDGE_FQDN_MAX, "%s", w->fqdn);
        if (t->e->mode == ECS_EDGE9_LOCAL_ISSUE)
            return TOKEN_TARGET_PARTNER;
        snprintf(ecs, EDGE_FQDN_MAX, "%s", w->peer);
        return TOKEN_TARGET_REMOTE;
    }
    return json_array_size(t->e->cfg.peers) > 0 ? TOKEN_TARGET_REMOTE : TOKEN_TARGET_UNKNOWN;
}

static int
tok_match(const char *pattern, const char *name)
{
    return strcmp(pattern, "*") == 0 || strcasecmp(pattern, name) == 0;
}

/* The EDGE-9 policy of the ECS that decides (TS 33.501 13.4.1.1.3 step 4): edge9Policy.rules
 * when configured (client, target, scope), else any S-EES with scopes from
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

void
tok_free(struct tok_req *t)
{
    token_endpoint_result_clear(&t->res);
    free(t);
}

void
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

void
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

void
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

/* ---- the request ---- */

static const char *
tok_param(const struct tok_req *t, const char *name)
{
    for (size_t i = 0; i < t->nparams && i < TOKEN_ENDPOINT_MAX_PARAMS; i++)
        if (strcmp(t->params[i].name, name) == 0)
            return t->params[i].value;
    return NULL;
}

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
    t->deadline = ecs_deadline(t->e, t->req);
    if (via_has(&t->via, t->e->node.name)) {
        tok_refuse(t, "invalid_request", "forwarding loop: %s is already in Via (%s)",
                   t->e->node.name, http_req_header(t->req, VIA_HEADER));
        return -1;
    }
    if ((left = via_hops_parse(http_req_header(t->req, VIA_HOPS_HEADER))) == -2) {
        tok_refuse(t, "invalid_request", "%s is not a number 0..255", VIA_HOPS_HEADER);
        return -1;
    }
    t->max_hops = ecs_hop_budget(t->e, &t->via, left);
    return 0;
}

static void
tok_issued(struct tok_req *t)
{
    struct ecs *e = t->e;
    const char *eec_id = tok_param(t, "eec_id");
    char how[EDGE_FQDN_MAX + 64];

    ecs_token_report(e, t->res.client, "issued", NULL, t->res.aud, &t->res.issued,
                     "EDGE-9 token %s for %s issued to %s (kid %s%s%s)", t->res.issued.jti,
                     t->res.aud, t->res.client, t->res.issued.kid,
                     t->via.n ? ", forwarded by " : "", t->via.n ? t->peer : "");
    /* The EEC's context moves to the T-EES: it may relocate it onwards (ecs_eecs.c). */
    if (eec_id != NULL && ecs_registry_find_fqdn(e->reg, t->res.aud) != NULL) {
        snprintf(how, sizeof(how), "EDGE-9 token for its context, S-EES %.*s", EDGE_FQDN_MAX,
                 t->res.client);
        ecs_eecs_note(e, eec_id, t->res.aud, how);
    }
    tok_reply(t, 200, json_incref(t->res.body));
}

void
tok_decide(struct tok_req *t)
{
    struct ecs *e = t->e;
    struct token_endpoint ep = {
        .keys = e->keys,
        .policy = &t->policy,
        .lifetime = e->cfg.edge9_lifetime,
        .max_hops = t->max_hops,
    };
    struct token_endpoint_req treq = {
        .params = t->params,
        .nparams = t->nparams,
        .peer = http_req_peer(t->req),
        .hops = (unsigned)t->via.n,
        .authn_ecs = t->via.n > 0 ? t->via.names[0] : NULL,
        .now = node_now(),
    };

    token_endpoint_result_clear(&t->res);
    switch (token_endpoint_handle(&ep, &treq, &t->res)) {
    case TOKEN_DECISION_ISSUED:
        tok_issued(t);
        return;
    case TOKEN_DECISION_ERROR:
        ecs_token_report(e, t->peer, "refused",
                         t->res.error   ? t->res.error
                         : t->res.cause ? t->res.cause
                                        : "server_error",
                         t->target[0] ? t->target : NULL, NULL, "token request from %s refused: %s",
                         t->peer, t->res.description);
        tok_reply(
            t, t->res.status,
            t->res.body != NULL ? json_incref(t->res.body)
            : t->res.cause != NULL
                ? problem_new(t->res.status, t->res.cause, "%s", t->res.description)
                : node_refusal_problem(&ecs_refusals[ECS_R_INTERNAL], "%s", t->res.description));
        return;
    case TOKEN_DECISION_FORWARD:
        tok_onward(t);
        return;
    }
}

static void
tok_handle(struct http_req *req, void *arg)
{
    struct ecs *e = arg;
    const struct edge_peer *p = http_req_peer(req);
    struct tok_req *t = calloc(1, sizeof(*t));

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
        .is_foreign_client = tok_is_foreign_client,
        .serves_eec = tok_serves_eec,
        .nf_instance_ok = tok_nf_instance_ok,
        .uses_token = tok_uses_token,
        .locate = tok_locate,
        .authorize = tok_authorize,
    };
    tok_decide(t);
}

int
ecs_token_setup(struct ecs *e, char *err)
{
    return http_server_route(e->node.http, "POST", ECS_TOKEN_PATH, tok_handle, e, err);
}
