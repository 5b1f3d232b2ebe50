/* ees_subs.c -- the subscriptions this EES serves (notify_store.h), one row each: ACR events of
 * an EEC (TS 24.558 Eees_ACREvents: ACRInfoNotification), EAS discovery of an EEC (TS 24.558
 * Eees_EASDiscovery: EasDiscoveryNotification when an EAS registers, changes or leaves), ACR
 * management events of an EAS (TS 29.558 Eees_ACRManagementEvent: AcrMgntEventsNotification).
 * A subscriber is authorized as for any call of that API: an EEC by its token (or the local
 * policy, TS 33.558 6.3), an EAS by its certificate and the local policy (EDGE-3); its
 * destination must prove to be it (notify.h). */
#include "ees.h"
#include "edgeapp/edgeapp_paths.h"
#include "base/err.h"
#include "node/notify_store.h"

#include <string.h>

static void
subs_eec_done(struct ees *e, struct http_req *req, int ok, const json_t *claims, void *arg)
{
    (void)e, (void)req, (void)claims;
    notify_call_authorized(arg, ok);
}

/* An EEC, with the token (scope) of the API, or the local policy. */
static void
subs_authorize_eec(struct notify_call *c, struct http_req *req, const json_t *body,
                   const char *scope, struct ees *e)
{
    const struct notify_sub *sub = notify_call_sub(c);
    const json_t *sent = body != NULL ? body : sub->data;
    const char *eec_id = json_string_value(json_object_get(sent, "eecId"));

    ees_access_eec(e, req, eec_id != NULL ? eec_id : http_req_peer(req)->eec_id,
                   json_string_value(json_object_get(sent, "ueId")), scope, subs_eec_done, c);
}

/* ACR events belong to the ACR service: its scope covers them (the ECS's token names the EES's
 * services, TS 33.558 6.2). */
static void
subs_authorize_acr(struct notify_call *c, struct http_req *req, const json_t *body, void *arg)
{
    subs_authorize_eec(c, req, body, EES_SCOPE_ACR, arg);
}

static void
subs_authorize_disc(struct notify_call *c, struct http_req *req, const json_t *body, void *arg)
{
    subs_authorize_eec(c, req, body, EES_SCOPE_EASDISC, arg);
}

/* An EAS: its certificate and this EES's policy (TS 33.558 EDGE-3). */
static void
subs_authorize_eas(struct notify_call *c, struct http_req *req, const json_t *body, void *arg)
{
    (void)body;
    notify_call_authorized(c, ees_access_eas(arg, req) != NULL);
}

static const struct {
    const char *name, *path;
    const struct js_field *table, *patch;
    const char *owner;
    enum notify_who who;
    void (*authorize)(struct notify_call *, struct http_req *, const json_t *, void *);
    void (*changed)(struct notify_store *, struct notify_sub *, const char *, void *);
} subs_rows[EES_SUBS_COUNT] = {
    [EES_SUBS_ACR] = {"acr-events", EDGEAPP_PATH_ACREVENTS_SUBS, edgeapp_acr_events_subscription,
                      edgeapp_acr_events_subscription_patch, "eecId", NOTIFY_EEC,
                      subs_authorize_acr, NULL},
    [EES_SUBS_DISC] = {"eas-discovery", EDGEAPP_PATH_EASDISC_SUBS,
                       edgeapp_eas_discovery_subscription, edgeapp_eas_discovery_subscription_patch,
                       "eecId", NOTIFY_EEC, subs_authorize_disc, NULL},
    [EES_SUBS_MGNT] = {"acr-mgnt-events", EDGEAPP_PATH_ACRMGNT_SUBS, edgeapp_acr_mgnt_subscription,
                       edgeapp_acr_mgnt_subscription_patch, "easId", NOTIFY_EAS, subs_authorize_eas,
                       NULL},
};

int
ees_subs_setup(struct ees *e, char *err)
{
    for (int i = 0; i < EES_SUBS_COUNT; i++) {
        struct notify_api api = {
            .name = subs_rows[i].name,
            .path = subs_rows[i].path,
            .table = subs_rows[i].table,
            .patch = subs_rows[i].patch,
            .owner_member = subs_rows[i].owner,
            .who = subs_rows[i].who,
            .max_life = e->cfg.sub_expiry,
            .authorize = subs_rows[i].authorize,
            .changed = subs_rows[i].changed,
            .arg = e,
        };
        if ((e->subs[i] = notify_store_new(&e->n, &api, e->subs[0], err)) == NULL)
            return -1;
    }
    return 0;
}

void
ees_subs_close(struct ees *e)
{
    for (int i = 0; i < EES_SUBS_COUNT; i++)
        notify_store_close(e->subs[i]);
}

void
ees_subs_free(struct ees *e)
{
    for (int i = 0; i < EES_SUBS_COUNT; i++) {
        notify_store_free(e->subs[i]);
        e->subs[i] = NULL;
    }
}

/* ---- ACR events: ACRInfoNotification to the EEC's subscriptions for that EAS ---- */

static int
subs_lists(const json_t *list, const char *s)
{
    json_t *v;
    size_t i;

    json_array_foreach(list, i, v)
    {
        if (s != NULL && strcmp(json_string_value(v), s) == 0)
            return 1;
    }
    return 0;
}

int
ees_notify_acr(struct ees *e, const char *eec_id, const char *eas_id, json_t *note)
{
    const char *event = json_string_value(json_object_get(note, "eventId"));
    int n = 0;

    for (struct notify_sub *sub = notify_store_subs(e->subs[EES_SUBS_ACR]); sub != NULL;
         sub = sub->next) {
        const char *want = json_string_value(json_object_get(sub->data, "eventIds"));
        if (strcmp(sub->owner.id, eec_id) != 0 ||
            !subs_lists(json_object_get(sub->data, "easIds"), eas_id) ||
            (want != NULL && event != NULL && strcmp(want, event) != 0))
            continue;
        json_object_set_new(note, "subId", json_string(sub->id));
        notify_store_send(e->subs[EES_SUBS_ACR], sub, event, note, NULL, NULL);
        n++;
    }
    return n;
}

/* ---- EAS discovery: EasDiscoveryNotification when what a subscription discovers changes ---- */

void
ees_discsubs_changed(struct ees *e, const char *eas_id, const char *what)
{
    for (struct notify_sub *sub = notify_store_subs(e->subs[EES_SUBS_DISC]); sub != NULL;
         sub = sub->next) {
        json_t *found = ees_easdisc_match(e, json_object_get(sub->data, "easDiscoveryFilter"), NULL,
                                          eas_id),
               *note;
        if (found == NULL)
            continue;
        note = json_pack("{s:s, s:s, s:o}", "subId", sub->id, "eventType",
                         "EAS_AVAILABILITY_CHANGE", "discoveredEas", found);
        node_log(&e->n, "discovery", sub->owner.id, NULL, NULL,
                 "EAS %s %s: EAS discovery subscription %s told (%zu EAS now)", eas_id, what,
                 sub->id, json_array_size(json_object_get(note, "discoveredEas")));
        notify_store_send(e->subs[EES_SUBS_DISC], sub, "EAS_AVAILABILITY_CHANGE", note, NULL, NULL);
        json_decref(note);
    }
}
