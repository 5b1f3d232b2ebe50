/* ees_bearer.c -- this EES as OAuth 2.0 resource server: the bearer token of a request checked
 * with token_validate (TS 33.558 6.2 EEC tokens on EDGE-1, TR 33.739 6.27 S-EES tokens on
 * EDGE-9), refusals answered per RFC 6750 3 (401/403 + WWW-Authenticate, the rule as the
 * ProblemDetails cause), and every decision reported in the event log and on the control socket. */
#include "ees.h"
#include "auth/bearer.h"
#include "net/problem.h"

#include <stdlib.h>
#include <string.h>

struct bearer_op {
    struct ees *e;
    struct http_req *req;
    struct ees_bearer_want w;
    ees_bearer_cb cb;
    void *arg;
    int reloaded; /* the JWKS was reloaded once for this request already */
};

/* The JWT as the log and the runner may show it: printable ASCII of a sane length only (an
 * attacker's token may be anything). */
static const char *
jwt_shown(const char *jwt)
{
    size_t n = 0;

    if (jwt == NULL)
        return NULL;
    for (; jwt[n] != '\0'; n++)
        if (n >= TOKEN_MAX_LEN || jwt[n] < 0x21 || jwt[n] > 0x7e)
            return NULL;
    return jwt;
}

void
ees_token_report(struct ees *e, const char *peer, const char *verdict, const char *rule,
                 const char *jwt, const json_t *header, const json_t *claims, const char *summary)
{
    const char *iss = json_string_value(json_object_get(claims, "iss"));
    json_t *aud = json_object_get(claims, "aud");
    json_t *data, *ev;

    jwt = jwt_shown(jwt);
    data = json_pack("{s:s, s:s?, s:s?, s:O?, s:s?, s:s?, s:s?, s:s?, s:s?}", "verdict", verdict,
                     "rule", rule, "iss", iss, "aud", aud, "jti",
                     json_string_value(json_object_get(claims, "jti")), "kid",
                     json_string_value(json_object_get(header, "kid")), "client_id",
                     json_string_value(json_object_get(claims, "client_id")), "scope",
                     json_string_value(json_object_get(claims, "scope")), "jwt", jwt);
    node_log(&e->n, "token", peer, rule, data, "%s", summary);
    json_decref(data);
    /* The runner collects every token it meets from this event (nodes/README.md "Events"). */
    ev = json_pack("{s:s, s:s?, s:s?, s:O?, s:s, s:s?, s:s?}", "event", "token", "jwt", jwt,
                   "issuer", iss, "aud", aud, "verdict", verdict, "rule", rule, "peer", peer);
    if (ev != NULL)
        ctl_event(e->n.ctl, ev);
}

static void bearer_run(struct bearer_op *op);

static void
bearer_reloaded(struct ees *e, int ok, void *arg)
{
    struct bearer_op *op = arg;

    (void)ok; /* a failed reload leaves the old keys: the check then refuses with kid_unknown */
    if (e->closing) {
        op->cb(e, NULL, 0, NULL, op->arg);
        free(op);
        return;
    }
    bearer_run(op);
}

static void
bearer_refuse(struct bearer_op *op, const struct token_verdict *v, const char *jwt)
{
    struct ees *e = op->e;
    const struct edge_peer *peer = http_req_peer(op->req);
    const char *rule = token_rule_name(v->rule);
    char www[EDGE_ERR_LEN * 2], summary[EDGE_ERR_LEN + 64];
    json_t *pd;

    snprintf(summary, sizeof(summary), "token refused (%s): %s", rule, v->sentence);
    ees_token_report(e, tls_peer_name(peer), "refused", rule, jwt, v->header, v->claims, summary);
    if (token_www_authenticate(v, op->w.scope, www, sizeof(www)) == 0)
        http_reply_header(op->req, "WWW-Authenticate", www);
    pd = problem_new(token_rule_status(v->rule), rule, "%s", v->sentence);
    http_reply_problem_json(op->req, pd);
}

static void
bearer_run(struct bearer_op *op)
{
    struct ees *e = op->e;
    const char *jwt = bearer_token(http_req_header(op->req, BEARER_HEADER));
    /* Its own ECS and, on EDGE-9, the partner ECSes that sign for their S-EESes (local-issue);
     * an EEC's token comes from its own ECS only. */
    const char *own[] = {e->cfg.ecs, NULL};
    struct token_check chk = {
        .profile = op->w.profile,
        .aud = e->n.name,
        .scope = op->w.scope,
        .keys = ees_keys_ring(e),
        .trusted = op->w.profile == TOKEN_PROFILE_EES ? ees_keys_trusted(e) : own,
        .peer = http_req_peer(op->req),
        .gpsi = op->w.gpsi,
        .replay = e->replay,
        .now = node_now(),
        .skew = (int)e->cfg.token_skew,
    };
    struct token_verdict v;
    char summary[EDGE_ERR_LEN];

    token_validate(jwt, &chk, &v);
    if (v.rule == TOKEN_KID_UNKNOWN && !op->reloaded) {
        /* A key the (trusted) issuer added since its last JWKS (rotation), or a partner's first
         * token: fetch that issuer's keys once, then judge. */
        const char *kid = json_string_value(json_object_get(v.header, "kid"));
        const char *iss = json_string_value(json_object_get(v.claims, "iss"));
        op->reloaded = 1;
        http_req_hold(op->req);
        if (ees_keys_reload(e, iss, kid, bearer_reloaded, op) == 0) {
            token_verdict_clear(&v);
            return;
        }
    }
    if (v.rule != TOKEN_OK) {
        bearer_refuse(op, &v, jwt);
        op->cb(e, NULL, 0, NULL, op->arg);
    } else {
        snprintf(summary, sizeof(summary), "token accepted for %s (jti %.64s)",
                 op->w.scope != NULL ? op->w.scope : "this EES",
                 json_string_value(json_object_get(v.claims, "jti")));
        ees_token_report(e, tls_peer_name(chk.peer), "accepted", NULL, jwt, v.header, v.claims,
                         summary);
        op->cb(e, op->req, 1, v.claims, op->arg);
    }
    token_verdict_clear(&v);
    free(op);
}

void
ees_bearer_check(struct ees *e, struct http_req *req, const struct ees_bearer_want *w,
                 ees_bearer_cb cb, void *arg)
{
    struct bearer_op *op = calloc(1, sizeof(*op));

    if (op == NULL) {
        ees_refuse(req, EES_R_INTERNAL, "out of memory");
        cb(e, NULL, 0, NULL, arg);
        return;
    }
    op->e = e;
    op->req = req;
    op->w = *w;
    op->cb = cb;
    op->arg = arg;
    bearer_run(op);
}
