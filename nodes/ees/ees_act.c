/* ees_act.c -- the application context transfer (ACT) of an ACR as the EES takes part in it
 * (TS 23.558 8.6.3 "ACT start/stop", 8.8.2; TS 29.558 Eees_ACRManagementEvent,
 * Eees_ACRStatusUpdate): the EES tells an EAS to start the ACT with an ACR management event
 * notification ACT_START_STOP / ACT_START (easEndPoint: the other EAS; edgesim's actRole says
 * which end it is, S_EAS pushes, T_EAS pulls), and waits for the EAS's ACR status update
 * (POST /eees-acrstatus-update/v1/request-acrupdate with actResultInfo). An EAS that has no ACR
 * management event subscription here (an EAS that is only data in the EES's config) is told
 * nothing: the ACR goes on without an ACT step of its own. */
#include "ees.h"
#include "edgeapp/edgeapp_paths.h"
#include "base/err.h"
#include "node/notify_store.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct ees_act {
    struct ees *e;
    char eas[EDGE_FQDN_MAX]; /* the EAS told (its FQDN) */
    char eas_id[EDGEAPP_ID_MAX];
    char ue_id[EDGE_GPSI_MAX];
    unsigned long seq; /* names it for the notification's callback, which may outlive it */
    ees_act_cb cb;
    void *arg;
    struct event *timer;
    struct ees_act *next;
};

/* What the notification's callback needs: the ACT may have ended (its status update came
 * first) by the time the notification's answer does. */
struct act_ref {
    struct ees *e;
    unsigned long seq;
};

static void
act_end(struct ees_act *a, int ok, const char *result, const char *why)
{
    struct ees *e = a->e;
    struct ees_act **pp;

    for (pp = &e->acts; *pp != NULL; pp = &(*pp)->next)
        if (*pp == a) {
            *pp = a->next;
            break;
        }
    if (a->timer != NULL)
        event_free(a->timer);
    a->cb(e, ok, result, why, a->arg);
    free(a);
}

static void
act_timeout(evutil_socket_t fd, short what, void *arg)
{
    struct ees_act *a = arg;

    (void)fd;
    (void)what;
    act_end(a, 0, "NO_STATUS", "the EAS sent no ACR status update within the deadline");
}

static void
act_notified(const struct notify_result *res, void *arg)
{
    struct act_ref *ref = arg;
    struct ees_act *a;

    for (a = ref->e->acts; a != NULL && !ref->e->closing; a = a->next)
        if (a->seq == ref->seq) {
            if (!res->ok)
                act_end(a, 0, "NOT_NOTIFIED", res->why != NULL ? res->why : res->verdict);
            break;
        }
    free(ref);
}

/* The subscription of the EAS that serves eas_id here, for ACT start/stop; NULL: none. */
static struct notify_sub *
act_subscription(struct ees *e, const char *eas_id)
{
    for (struct notify_sub *s = notify_store_subs(e->subs[EES_SUBS_MGNT]); s != NULL; s = s->next) {
        json_t *ev;
        size_t i;
        if (strcmp(s->owner.id, eas_id) != 0 ||
            ees_eas_registered(e, eas_id, s->owner.fqdn) == NULL)
            continue;
        json_array_foreach(json_object_get(s->data, "eventSubscs"), i, ev)
        {
            if (strcmp(json_string_value(json_object_get(ev, "event")), "ACT_START_STOP") == 0)
                return s;
        }
    }
    return NULL;
}

void
ees_act_start(struct ees *e, const char *eas_id, const char *role, const char *ue_id,
              const char *ac_id, const json_t *other, ees_act_cb cb, void *arg)
{
    static unsigned long seq;
    struct notify_sub *sub = act_subscription(e, eas_id);
    struct ees_act *a;
    struct act_ref *ref = NULL;
    struct timeval tv = {(time_t)(e->cfg.peer_ms / 1000),
                         (suseconds_t)(e->cfg.peer_ms % 1000) * 1000};
    char when[JS_TIME_LEN];
    json_t *note;

    if (sub == NULL) {
        cb(e, 1, "NO_EAS", "no EAS with an ACT subscription here: nothing to tell", arg);
        return;
    }
    if ((a = calloc(1, sizeof(*a))) == NULL || (ref = calloc(1, sizeof(*ref))) == NULL ||
        (a->timer = evtimer_new(e->n.base, act_timeout, a)) == NULL) {
        free(ref);
        free(a);
        cb(e, 0, "INTERNAL", "out of memory", arg);
        return;
    }
    a->seq = ++seq;
    ref->e = e;
    ref->seq = a->seq;
    a->e = e;
    a->cb = cb;
    a->arg = arg;
    snprintf(a->eas, sizeof(a->eas), "%s", sub->owner.fqdn);
    snprintf(a->eas_id, sizeof(a->eas_id), "%s", eas_id);
    snprintf(a->ue_id, sizeof(a->ue_id), "%s", ue_id);
    a->next = e->acts;
    e->acts = a;
    evtimer_add(a->timer, &tv);
    note = json_pack("{s:s, s:[{s:s, s:s, s:s, s:O, s:s*, s:s, s:s}]}", "subpId", sub->id,
                     "eventReports", "event", "ACT_START_STOP", "actStatus", "ACT_START",
                     "timeStamp", ees_time(node_now(), when), "easEndPoint", other, "acId", ac_id,
                     "ueId", ue_id, "actRole", role);
    node_log(&e->n, "act", a->eas, NULL, note, "ACT start told to %s (%s of %s)", a->eas, role,
             ue_id);
    notify_store_send(e->subs[EES_SUBS_MGNT], sub, "ACT_START", note, act_notified, ref);
    json_decref(note);
}

void
ees_act_free(struct ees *e)
{
    while (e->acts != NULL)
        act_end(e->acts, 0, "STOPPED", "the EES stopped");
}

/* POST /request-acrupdate (Eees_ACRStatusUpdate): the EAS reports how the ACT went. */
static void
act_update(struct http_req *req, void *arg)
{
    struct ees *e = arg;
    const char *eas_id = ees_access_eas(e, req), *ue_id, *result;
    json_t *body, *info;
    struct ees_act *a;

    if (eas_id == NULL || (body = node_req_body(req, edgeapp_acr_update_data)) == NULL)
        return;
    if (strcmp(json_string_value(json_object_get(body, "easId")), eas_id) != 0) {
        ees_refuse(req, EES_R_EAS_ID_MISMATCH,
                   "easId %.64s is not %s, the EAS of the TLS certificate",
                   json_string_value(json_object_get(body, "easId")), eas_id);
        json_decref(body);
        return;
    }
    info = json_object_get(body, "actResultInfo");
    ue_id = json_string_value(json_object_get(info, "ueId"));
    result = json_string_value(json_object_get(info, "actResult"));
    node_log(&e->n, "act", http_req_peer(req)->fqdn, NULL, body, "ACR status update from %s: %s",
             eas_id, result != NULL ? result : "no ACT result");
    http_reply(req, 204, NULL, NULL, 0);
    /* ueId and actResult are required members of ACTResultInfo (the table checked them). */
    for (a = e->acts; a != NULL && ue_id != NULL && result != NULL; a = a->next)
        if (strcasecmp(a->eas, http_req_peer(req)->fqdn) == 0 && strcmp(a->ue_id, ue_id) == 0) {
            act_end(a, strcmp(result, "SUCCESSFUL") == 0, result,
                    strcmp(result, "SUCCESSFUL") == 0 ? NULL : "the EAS reports the ACT failed");
            break;
        }
    json_decref(body);
}

int
ees_act_setup(struct ees *e, char *err)
{
    return http_server_route(e->n.http, "POST", EDGEAPP_PATH_ACRSTATUS, act_update, e, err);
}
