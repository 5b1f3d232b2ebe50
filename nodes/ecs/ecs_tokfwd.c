/* ecs_tokfwd.c -- an EDGE-9 token request whose T-EES is registered at another ECS (TR 33.739 6.27
 * and its Editor's Note): find that ECS (the location cache, else EDGE-10 at the peers: TS 33.501
 * 13.4.1.1.3 step 3), then, as edge9Mode says,
 *   forward     send the form there over mutual TLS as this ECS, with Via,
 *               3gpp-Sbi-Max-Forward-Hops and 3gpp-Sbi-Max-Rsp-Time, and relay the answer (status,
 *               body, Cache-Control, Pragma, WWW-Authenticate), Via extended by this ECS;
 *   redirect    answer 307 with Location: the token endpoint of the T-EES's ECS (TS 29.510
 *               AccessTokenRequest 307, RedirectResponse), which the S-EES then asks itself;
 *   local-issue decide again with the location known: this ECS signs (token_endpoint's PARTNER).
 * A forward through a cached location that fails forgets the location. */
#include "ecs_token.h"
#include "base/err.h"
#include "net/problem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* edgesim's RedirectResponse cause (TS 29.571 leaves it free): README "edgesim extensions". */
#define TOK_REDIRECT_CAUSE "TARGET_EES_AT_OTHER_ECS"

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
        if (t->have_where)
            ecs_where_forget(t->e, t->where.fqdn, "the forward got no answer");
        tok_fail(t, ECS_R_PEER_UNREACHABLE, "peer ECS %s did not answer the forwarded request: %s",
                 t->next, r->error != NULL ? r->error : "no answer");
        return;
    }
    if (r->status != 200 && t->from_cache)
        ecs_where_forget(t->e, t->where.fqdn, "the forward through it was refused");
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
tok_forward(struct tok_req *t)
{
    char via_text[VIA_TEXT_LEN], hops_text[16], rsp_text[16], err[EDGE_ERR_LEN];
    const char *headers[] = {VIA_HEADER, via_text, VIA_HOPS_HEADER, hops_text, VIA_RSP_TIME_HEADER,
                             rsp_text,   NULL};
    struct via sent = t->via;
    unsigned hop = (unsigned)t->via.n + 1;
    json_t *data;

    snprintf(t->next, sizeof(t->next), "%s", t->res.forward_to);
    via_add(&sent, t->e->node.name);
    via_format(&sent, via_text, sizeof(via_text));
    snprintf(hops_text, sizeof(hops_text), "%u", t->max_hops - hop);
    ecs_rsp_time(t->deadline, rsp_text);
    data = json_pack("{s:s, s:s, s:s, s:s, s:i, s:i, s:s, s:b, s:s}", "from", t->e->node.name, "to",
                     t->next, "client", t->res.client, "target", t->target, "hop", hop, "maxHops",
                     t->max_hops, "via", via_text, "cached", t->from_cache, "maxRspTime", rsp_text);
    node_log(&t->e->node, "forward", t->next, NULL, data,
             "token request of %s for %s forwarded from ECS %s to ECS %s (hop %u of at most %u%s)",
             t->res.client, t->target, t->e->node.name, t->next, hop, t->max_hops,
             t->from_cache ? ", location cached" : "");
    json_decref(data);
    http_req_hold(t->req);
    if (node_send_form_within(&t->e->node, ecs_time_left(t->deadline), t->next, ECS_TOKEN_PATH,
                              t->res.forward_form, headers, tok_relay, t, err) < 0)
        tok_fail(t, ECS_R_PEER_UNREACHABLE, "cannot forward to peer ECS %s: %s", t->next, err);
}

/* 307 (TS 29.510): the token endpoint of the ECS where the T-EES is registered. */
static void
tok_redirect(struct tok_req *t)
{
    const struct ecs_where *w = &t->where; /* tok_onward: have_where */
    char location[EDGE_FQDN_MAX + 64], addr[64], why[EDGE_ERR_LEN];
    unsigned short port = 443;
    json_t *data;

    if (node_resolve(&t->e->node, w->holder, addr, sizeof(addr), &port, why) < 0)
        port = 443;
    if (port == 443)
        snprintf(location, sizeof(location), "https://%s%s", w->holder, ECS_TOKEN_PATH);
    else
        snprintf(location, sizeof(location), "https://%s:%u%s", w->holder, port, ECS_TOKEN_PATH);
    data = json_pack("{s:s, s:s, s:s, s:s}", "client", t->res.client, "target", t->target, "holder",
                     w->holder, "location", location);
    node_log(&t->e->node, "redirect", t->res.client, NULL, data,
             "token request of %s for %s redirected to ECS %s (%s)", t->res.client, t->target,
             w->holder, location);
    json_decref(data);
    ecs_token_report(t->e, t->res.client, "redirected", TOK_REDIRECT_CAUSE, w->fqdn, NULL,
                     "token request of %s for %s redirected to %s", t->res.client, t->target,
                     w->holder);
    http_reply_header(t->req, "Location", location);
    for (size_t i = 0; i < token_endpoint_nheaders; i++)
        if (strcasecmp(token_endpoint_headers[i].name, "Content-Type") != 0)
            http_reply_header(t->req, token_endpoint_headers[i].name,
                              token_endpoint_headers[i].value);
    tok_via_header(t, NULL);
    http_reply_json(t->req, 307, json_pack("{s:s}", "cause", TOK_REDIRECT_CAUSE));
    tok_free(t);
}

/* The best entry of a lookup for the target: the fewest hops within the budget. */
static json_t *
tok_best(const struct tok_req *t, json_t *found)
{
    json_t *best = NULL, *ent;
    size_t i;

    json_array_foreach(found, i, ent)
    {
        json_int_t h = json_integer_value(json_object_get(ent, "hops"));
        if (h <= (json_int_t)(t->max_hops - t->via.n) &&
            (best == NULL || h < json_integer_value(json_object_get(best, "hops"))))
            best = ent;
    }
    return best;
}

/* The peers answered: with the T-EES's location known, decide again (it may be refused here now,
 * e.g. a local-policy T-EES); otherwise say why not. */
static void
tok_located(struct ecs *e, json_t *found, json_t *errors, void *arg)
{
    struct tok_req *t = arg;
    json_t *best, *err_ent;
    char why[EDGE_ERR_LEN] = "";
    int unreachable = 0;
    size_t i;

    if (e->stopping) {
        tok_free(t);
        return;
    }
    if ((best = tok_best(t, found)) != NULL && ecs_where_put(e, best, &t->where) == 0) {
        t->have_where = 1;
        tok_decide(t);
        return;
    }
    json_array_foreach(errors, i, err_ent)
    {
        size_t len = strlen(why);
        unreachable |= json_integer_value(json_object_get(err_ent, "status")) == 0 ||
                       json_integer_value(json_object_get(err_ent, "status")) == 504;
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

/* Not registered here: ask the peers where (TS 33.501 13.4.1.1.3 step 3), over EDGE-10. */
static void
tok_lookup(struct tok_req *t)
{
    struct ecs *e = t->e;
    struct via asked = t->via;
    struct ecs_ask q = {.ees_id = t->target};
    char err[EDGE_ERR_LEN];

    t->looked_up = 1;
    if (!via_has(&asked, t->peer) && ecs_is_peer(e, t->peer))
        via_add(&asked, t->peer);
    http_req_hold(t->req);
    if (ecs_ecsprov_ask(e, &q, &asked, t->max_hops - (unsigned)t->via.n - 1, t->deadline,
                        tok_located, t, err) < 0)
        tok_fail(t, ECS_R_INTERNAL, "cannot ask the peer ECSes: %s", err);
}

void
tok_onward(struct tok_req *t)
{
    if (t->res.forward_to[0] == '\0' || !t->have_where) {
        if (t->looked_up) /* cannot happen: a lookup's answer names the peer */
            tok_fail(t, ECS_R_INTERNAL, "no peer ECS to forward to");
        else
            tok_lookup(t);
        return;
    }
    if (t->e->mode == ECS_EDGE9_REDIRECT && t->via.n == 0)
        tok_redirect(t);
    else
        tok_forward(t);
}
