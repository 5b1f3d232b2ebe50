/* ecs_servprov_subs.c -- service provisioning subscriptions at this ECS (TS 24.558
 * Eecs_ServiceProvisioning CreateServProvSub, ServProvNotification; TS 23.558 8.3.3.2
 * procedures, 8.3.3.3 information flows): an EEC, authenticated with its GPSI and authorized by
 * local policy as for a provisioning request (TS 33.558 6.2), subscribes with its AC profiles;
 * whenever the EES registrations this ECS holds change (an EES registers, updates its profile,
 * deregisters or expires: TS 23.558 8.4.4), each subscription whose AC profiles the changed EES
 * serves (before or after) is told the EESes it would now be provisioned with, with an access token
 * for each token-based one, as a provisioning answer carries them (README "edgesim extensions").
 * The registry change is collected and notified once the change is done (a zero timer), so an EES
 * that leaves is not in the list. The store and its rules are notify_store.h's. */
#include "ecs.h"
#include "edgeapp/edgeapp_paths.h"
#include "auth/gpsi_auth.h"
#include "base/err.h"
#include "node/notify_store.h"

#include <stdlib.h>
#include <string.h>

struct ecs_sp_subs {
    struct notify_store *store;
    json_t *changed;     /* EAS IDs of the EESes that changed since the timer was armed */
    struct event *timer; /* notifies the changes of this round */
};

/* The EEC as at a provisioning request: its GPSI bound to its credential, the local policy. */
static void
sp_authorize(struct notify_call *c, struct http_req *req, const json_t *body, void *arg)
{
    struct ecs *e = arg;
    const struct notify_sub *sub = notify_call_sub(c);
    const json_t *sent = body != NULL ? body : sub->data;
    const char *eec_id = json_string_value(json_object_get(sent, "eecId"));
    enum gpsi_verdict v = gpsi_authenticate(
        http_req_peer(req), eec_id, json_string_value(json_object_get(sent, "ueId")), e->node.subs);

    if (v != GPSI_OK) {
        http_reply_problem(req, 403, gpsi_verdict_cause(v), "%s", gpsi_verdict_text(v));
        notify_call_authorized(c, 0);
    } else if (!ecs_eec_allowed(e, eec_id)) {
        ecs_refuse(req, ECS_R_EEC_NOT_AUTHORIZED,
                   "EEC %s is not authorized by the local policy of %s", eec_id, e->node.name);
        notify_call_authorized(c, 0);
    } else {
        notify_call_authorized(c, 1);
    }
}

/* One round of notifications: an EDNConfigInfo per subscription concerned. */
struct sp_round {
    struct ecs *e;
    const struct notify_sub *sub;
    struct edge_peer peer; /* the subscriber as the token names it */
    json_t *eess;
};

static int
sp_one(struct ecs *e, const struct ecs_reg *r, json_t *info, void *arg)
{
    struct sp_round *x = arg;
    const char *gpsi = x->peer.gpsi[0] != '\0' ? x->peer.gpsi : NULL;
    struct token_issued t;
    char err[EDGE_ERR_LEN];

    if (ecs_ees_uses_token(e, r->fqdn)) {
        if (token_issue_eec(e->keys, &x->peer, gpsi, r->fqdn, ecs_ees_scope(e, r->fqdn), node_now(),
                            e->cfg.token_lifetime, &t, err) < 0) {
            json_decref(info);
            return -1;
        }
        json_object_set_new(info, "accessToken", json_string(t.token));
        ecs_token_report(e, x->peer.eec_id, "issued", NULL, r->fqdn, &t,
                         "EEC token %s for %s issued to EEC %s in a provisioning notification",
                         t.jti, r->fqdn, x->peer.eec_id);
        token_issued_clear(&t);
    }
    ecs_eecs_note(e, x->peer.eec_id, r->fqdn, "provisioned");
    json_array_append_new(x->eess, info);
    return 0;
}

/* Does the subscription's AC profiles name one of the changed EAS IDs (none named: all)? */
static int
sp_concerned(const struct notify_sub *sub, const json_t *changed)
{
    json_t *ac, *eas, *v;
    size_t i, j, k;
    int named = 0;

    json_array_foreach(json_object_get(sub->data, "acProfs"), i, ac)
    {
        json_array_foreach(json_object_get(ac, "eass"), j, eas)
        {
            named = 1;
            json_array_foreach(changed, k, v)
            {
                if (json_equal(v, json_object_get(eas, "easId")))
                    return 1;
            }
        }
    }
    return !named;
}

static void
sp_notify(struct ecs *e, struct ecs_sp_subs *s, struct notify_sub *sub)
{
    struct sp_round x = {.e = e, .sub = sub, .eess = json_array()};
    struct ecs_filter f = {.ac_profs = json_object_get(sub->data, "acProfs")};
    const char *gpsi = json_string_value(json_object_get(sub->data, "ueId"));
    json_t *note;

    x.peer.mode = EDGE_PEER_CERT;
    snprintf(x.peer.eec_id, sizeof(x.peer.eec_id), "%s", sub->owner.id);
    snprintf(x.peer.gpsi, sizeof(x.peer.gpsi), "%s", gpsi != NULL ? gpsi : "");
    if (ecs_select(e, &f, sp_one, &x) < 0) {
        node_log(&e->node, "provisioning", sub->owner.id, "SYSTEM_FAILURE", NULL,
                 "provisioning notification for %s not built", sub->id);
        json_decref(x.eess);
        return;
    }
    /* An entry with no EES left says the last one went (edgeapp_subs.c). */
    note = json_pack("{s:s, s:[{s:{}, s:o}]}", "subId", sub->id, "ednCnfgInfo", "ednConInfo",
                     "eess", x.eess);
    node_log(&e->node, "provisioning", sub->owner.id, NULL, NULL,
             "EES registrations changed: subscription %s of %s told (%zu EES(es) now)", sub->id,
             sub->owner.id,
             json_array_size(
                 json_object_get(json_array_get(json_object_get(note, "ednCnfgInfo"), 0), "eess")));
    notify_store_send(s->store, sub, "EES_CHANGE", note, NULL, NULL);
    json_decref(note);
}

static void
sp_round(evutil_socket_t fd, short what, void *arg)
{
    struct ecs *e = arg;
    struct ecs_sp_subs *s = e->sp_subs;

    (void)fd;
    (void)what;
    if (e->stopping)
        return;
    for (struct notify_sub *sub = notify_store_subs(s->store); sub != NULL; sub = sub->next)
        if (sp_concerned(sub, s->changed))
            sp_notify(e, s, sub);
    json_array_clear(s->changed);
}

void
ecs_servprov_changed(struct ecs *e, const struct ecs_reg *r)
{
    struct ecs_sp_subs *s = e->sp_subs;
    struct timeval now = {0, 0};
    json_t *v;
    size_t i;

    if (s == NULL || e->stopping)
        return;
    json_array_foreach(json_object_get(r->prof, "easIds"), i, v) json_array_append(s->changed, v);
    event_add(s->timer, &now);
}

int
ecs_servprov_subs_setup(struct ecs *e, char *err)
{
    struct notify_api api = {
        .name = "servprov",
        .path = EDGEAPP_PATH_SERVPROV_SUBS,
        .table = edgeapp_servprov_subscription,
        .patch = edgeapp_servprov_subscription_patch,
        .owner_member = "eecId",
        .who = NOTIFY_EEC,
        .max_life = 86400,
        .authorize = sp_authorize,
        .arg = e,
    };

    if ((e->sp_subs = calloc(1, sizeof(*e->sp_subs))) == NULL ||
        (e->sp_subs->changed = json_array()) == NULL)
        return edge_err(err, "out of memory");
    if ((e->sp_subs->timer = evtimer_new(e->node.base, sp_round, e)) == NULL)
        return edge_err(err, "cannot create the provisioning notification timer");
    return (e->sp_subs->store = notify_store_new(&e->node, &api, NULL, err)) == NULL ? -1 : 0;
}

void
ecs_servprov_subs_close(struct ecs *e)
{
    if (e->sp_subs == NULL)
        return;
    notify_store_close(e->sp_subs->store);
    if (e->sp_subs->timer != NULL)
        event_free(e->sp_subs->timer);
    e->sp_subs->timer = NULL;
}

void
ecs_servprov_subs_free(struct ecs *e)
{
    if (e->sp_subs == NULL)
        return;
    notify_store_free(e->sp_subs->store);
    json_decref(e->sp_subs->changed);
    free(e->sp_subs);
    e->sp_subs = NULL;
}
