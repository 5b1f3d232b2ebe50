/* eas_acr.c -- this EAS's part in application context relocation (TS 23.558 8.6.3, 8.8.2,
 * 8.8.3; TS 29.558 Eees_ACRManagementEvent, Eees_ACRStatusUpdate, Eees_AppContextRelocation):
 * it subscribes at its EES to ACR management events ACT_START_STOP (its notification endpoint
 * is its own server, notify.h), and when told to start an ACT it moves the UE's application
 * context (as S-EAS it pushes it to the T-EAS, as T-EAS it pulls it from the S-EAS) and reports
 * how it went (ACRUpdateData.actResultInfo). As S-EAS it also starts ACRs: "acr_determine"
 * (AcrDetermReq: the S-EES determines and executes, SOURCE_EES_EXECUTED) and "acr_decide" (it
 * discovers the T-EAS through its EES, moves the context itself and declares the T-EAS,
 * AcrDecReq: SOURCE_EAS_DECIDED). */
#include "eas.h"
#include "edgeapp/edgeapp_paths.h"
#include "base/err.h"
#include "node/node_reg.h"
#include "node/notify.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SUB_RETRY_MAX_MS 2000

struct eas_acr {
    struct notify_inbox *inbox;
    char key[NOTIFY_KEY_LEN];
    char sub_id[48];
    long long retry_ms;
    struct event *retry;
};

/* ---- ACT: told by the EES, done, reported ---- */

struct act {
    struct eas *a;
    char ue_id[EDGE_GPSI_MAX];
    char ac_id[EDGEAPP_ID_MAX];
    json_t *other; /* the other EAS's endpoint */
};

static void
act_reported(const struct http_client_resp *r, void *arg)
{
    struct eas *a = arg;

    if (!a->closing && (r->status < 200 || r->status > 299))
        node_log(&a->n, "act", a->cfg.ees, r->status == 0 ? r->error_cause : NULL, NULL,
                 "ACR status update not taken: %d %s", r->status, r->error ? r->error : "");
}

/* Eees_ACRStatusUpdate: how the ACT went (TS 29.558 ACTResultInfo). */
static void
act_done(struct eas *a, int ok, const char *why, void *arg)
{
    struct act *t = arg;
    json_t *body, *data;
    char err[EDGE_ERR_LEN];

    if (a->closing)
        goto done;
    body = json_pack("{s:s, s:s*, s:{s:s, s:s*, s:s, s:O}}", "easId", a->cfg.eas_id, "acId",
                     t->ac_id[0] != '\0' ? t->ac_id : NULL, "actResultInfo", "actResult",
                     ok ? "SUCCESSFUL" : "FAILED", "actFailureCause", ok ? NULL : "OTHER", "ueId",
                     t->ue_id, "easEndPoint", t->other);
    data = json_pack("{s:s, s:b, s:s?}", "ueId", t->ue_id, "ok", ok, "why", why);
    node_log(&a->n, "act", a->cfg.ees, ok ? NULL : "ACT_FAILED", data,
             "ACT of %s's application context %s%s%s", t->ue_id,
             ok ? "done" : "failed: ", ok ? "" : why, "");
    json_decref(data);
    if (node_send_json_within(&a->n, (int)a->cfg.peer_ms, "POST", a->cfg.ees,
                              EDGEAPP_PATH_ACRSTATUS, body, NULL, act_reported, a, err) < 0)
        node_log(&a->n, "act", a->cfg.ees, NULL, NULL, "ACR status update not sent: %s", err);
    json_decref(body);
done:
    json_decref(t->other);
    free(t);
}

static void
act_report(struct eas *a, const json_t *rep)
{
    const char *role = json_string_value(json_object_get(rep, "actRole"));
    const char *ue_id = json_string_value(json_object_get(rep, "ueId"));
    const char *ac_id = json_string_value(json_object_get(rep, "acId"));
    const json_t *other = json_object_get(rep, "easEndPoint");
    struct act *t;

    if (ue_id == NULL || other == NULL || (t = calloc(1, sizeof(*t))) == NULL) {
        node_log(&a->n, "act", a->cfg.ees, "MANDATORY_IE_MISSING", (json_t *)rep,
                 "ACT start without the UE or the other EAS: nothing to move");
        return;
    }
    t->a = a;
    snprintf(t->ue_id, sizeof(t->ue_id), "%s", ue_id);
    snprintf(t->ac_id, sizeof(t->ac_id), "%s", ac_id != NULL ? ac_id : "");
    t->other = json_incref((json_t *)other);
    if (role != NULL && strcmp(role, "T_EAS") == 0)
        eas_appctx_pull(a, ue_id, other, act_done, t);
    else
        eas_appctx_push(a, ue_id, ac_id, other, act_done, t);
}

/* AcrMgntEventsNotification: ACT start (TS 23.558 8.6.3: the need to start an ACT). */
static void
acr_notified(struct notify_inbox *in, const char *api, const char *sub_id, const json_t *body,
             void *arg)
{
    struct eas *a = arg;
    json_t *rep;
    size_t i;

    (void)in, (void)api, (void)sub_id;
    json_array_foreach(json_object_get(body, "eventReports"), i, rep)
    {
        const char *ev = json_string_value(json_object_get(rep, "event"));
        const char *st = json_string_value(json_object_get(rep, "actStatus"));
        if (ev != NULL && strcmp(ev, "ACT_START_STOP") == 0 && st != NULL &&
            strcmp(st, "ACT_START") == 0)
            act_report(a, rep);
    }
}

/* ---- the subscription, made before it registers (so its EES can tell it from then on) ---- */

static void acr_subscribe(struct eas *a);

static void
acr_retry(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    acr_subscribe(arg);
}

static void
acr_subscribed(const struct http_client_resp *r, void *arg)
{
    struct eas *a = arg;
    struct eas_acr *x = a->acr;
    const char *loc = http_client_resp_header(r, "Location");
    const char *id = loc != NULL && strrchr(loc, '/') != NULL ? strrchr(loc, '/') + 1 : NULL;
    char why[EDGE_ERR_LEN];
    struct timeval tv;

    if (a->closing || a->stopping)
        return;
    if (r->status == 201 && id != NULL && js_valid_id(id, why) == 0) {
        notify_inbox_confirm(x->inbox, x->key, id);
        snprintf(x->sub_id, sizeof(x->sub_id), "%s", id);
        node_log(&a->n, "subscription", a->cfg.ees, NULL, NULL,
                 "subscribed to ACR management events at %s (%s)", a->cfg.ees, id);
        node_reg_start(a->reg);
        return;
    }
    notify_inbox_drop(x->inbox, x->key);
    node_log(&a->n, "subscription", a->cfg.ees, r->status == 0 ? r->error_cause : NULL, NULL,
             "ACR management event subscription at %s failed: %d %s", a->cfg.ees, r->status,
             r->status == 0 ? r->error : "refused");
    tv.tv_sec = (time_t)(x->retry_ms / 1000);
    tv.tv_usec = (suseconds_t)((x->retry_ms % 1000) * 1000);
    evtimer_add(x->retry, &tv);
    x->retry_ms = x->retry_ms * 2 < SUB_RETRY_MAX_MS ? x->retry_ms * 2 : SUB_RETRY_MAX_MS;
}

static void
acr_subscribe(struct eas *a)
{
    struct eas_acr *x = a->acr;
    char dest[NOTIFY_URI_MAX], err[EDGE_ERR_LEN];
    json_t *body;

    if (notify_inbox_expect(x->inbox, a->cfg.ees, "acr-mgnt-events", dest, x->key, err) < 0) {
        struct http_client_resp none = {.status = 0, .error = err, .body = ""};
        acr_subscribed(&none, a);
        return;
    }
    body = json_pack("{s:s, s:[{s:s}], s:s}", "easId", a->cfg.eas_id, "eventSubscs", "event",
                     "ACT_START_STOP", "notificationDestination", dest);
    if (node_send_json_within(&a->n, (int)a->cfg.peer_ms, "POST", a->cfg.ees,
                              EDGEAPP_PATH_ACRMGNT_SUBS, body, NULL, acr_subscribed, a, err) < 0) {
        struct http_client_resp none = {.status = 0, .error = err, .body = ""};
        acr_subscribed(&none, a);
    }
    json_decref(body);
}

/* ---- the S-EAS starts an ACR ---- */

static void
cmd_answer(const struct http_client_resp *r, void *arg)
{
    ctl_reply(arg, node_result(r));
}

/* acr_determine {ueId, acId}: AcrDetermReq at its EES (SOURCE_EES_EXECUTED). */
static void
determine_cmd(struct ctl_req *cr, json_t *args, void *arg)
{
    struct eas *a = arg;
    const char *ue_id = json_string_value(json_object_get(args, "ueId"));
    const char *ac_id = json_string_value(json_object_get(args, "acId"));
    json_t *body;
    char why[EDGE_ERR_LEN];

    if (ue_id == NULL || js_valid_gpsi(ue_id, why) < 0 ||
        (ac_id != NULL && js_valid_id(ac_id, why) < 0)) {
        ctl_reply_error(cr, EAS_CTL_BAD_ARGS, "acr_determine needs ueId (a GPSI); acId an ID");
        return;
    }
    body = json_pack("{s:s, s:s, s:s*, s:s, s:o}", "requestorId", a->cfg.eas_id, "ueId", ue_id,
                     "acId", ac_id, "easId", a->cfg.eas_id, "sEasEndpoint", node_endpoint(&a->n));
    if (node_send_json_within(&a->n, (int)a->cfg.peer_ms * 3, "POST", a->cfg.ees,
                              EDGEAPP_PATH_ACR "/determine", body, NULL, cmd_answer, cr, why) < 0)
        ctl_reply_error(cr, EAS_CTL_INTERNAL, "%s", why);
    json_decref(body);
}

/* acr_decide: T-EAS discovery at its EES (8.8.3.2), the context pushed to the T-EAS, then the
 * T-EAS declared (AcrDecReq, SOURCE_EAS_DECIDED); one result with each step. */
struct decide {
    struct eas *a;
    struct ctl_req *cr;
    char ue_id[EDGE_GPSI_MAX];
    char ac_id[EDGEAPP_ID_MAX];
    json_t *t_eas; /* EndPoint of the T-EAS */
    json_t *steps; /* what each step came to */
};

static void
decide_end(struct decide *d, json_t *result)
{
    json_object_set(result, "steps", d->steps);
    json_object_set(result, "tEasEndpoint", d->t_eas != NULL ? d->t_eas : json_null());
    ctl_reply(d->cr, result);
    json_decref(d->t_eas);
    json_decref(d->steps);
    free(d);
}

static void
decide_declared(const struct http_client_resp *r, void *arg)
{
    struct decide *d = arg;
    json_t *res = node_result(r);

    json_object_set_new(res, "step", json_string("declare"));
    decide_end(d, res);
}

static void
decide_moved(struct eas *a, int ok, const char *why, void *arg)
{
    struct decide *d = arg;
    json_t *body;
    char err[EDGE_ERR_LEN];

    json_array_append_new(d->steps,
                          json_pack("{s:s, s:b, s:s?}", "step", "transfer", "ok", ok, "why", why));
    if (!ok || a->closing) {
        struct http_client_resp none = {
            .status = 0, .error = why != NULL ? why : "stopped", .body = ""};
        json_t *res = node_result(&none);
        json_object_set_new(res, "step", json_string("transfer"));
        decide_end(d, res);
        return;
    }
    body = json_pack("{s:s, s:s*, s:s, s:O}", "ueId", d->ue_id, "acId",
                     d->ac_id[0] != '\0' ? d->ac_id : NULL, "tEasId", a->cfg.eas_id, "tEasEndpoint",
                     d->t_eas);
    if (node_send_json_within(&a->n, (int)a->cfg.peer_ms * 3, "POST", a->cfg.ees,
                              EDGEAPP_PATH_ACR "/declare", body, NULL, decide_declared, d,
                              err) < 0) {
        struct http_client_resp none = {.status = 0, .error = err, .body = ""};
        decide_declared(&none, d);
    }
    json_decref(body);
}

static void
decide_discovered(const struct http_client_resp *r, void *arg)
{
    struct decide *d = arg;
    json_t *res = node_result(r), *found, *eas;
    char host[EDGE_FQDN_MAX], own[EDGE_FQDN_MAX];
    size_t i;

    json_array_append_new(d->steps,
                          json_pack("{s:s, s:i}", "step", "discover", "status", r->status));
    found = json_object_get(json_object_get(res, "body"), "discoveredEas");
    snprintf(own, sizeof(own), "%s", d->a->n.name);
    json_array_foreach(found, i, eas)
    {
        const json_t *ep = json_object_get(json_object_get(eas, "eas"), "endPt");
        if (edgeapp_endpoint_host(ep, host, sizeof(host)) != NULL && strcasecmp(host, own) != 0) {
            d->t_eas = json_incref((json_t *)ep);
            break;
        }
    }
    if (r->status != 200 || d->t_eas == NULL || d->a->closing) {
        json_object_set_new(res, "step", json_string("discover"));
        if (r->status == 200)
            json_object_set_new(res, "error", json_string("no T-EAS found"));
        decide_end(d, res);
        return;
    }
    json_decref(res);
    eas_appctx_push(d->a, d->ue_id, d->ac_id[0] != '\0' ? d->ac_id : NULL, d->t_eas, decide_moved,
                    d);
}

static void
decide_cmd(struct ctl_req *cr, json_t *args, void *arg)
{
    struct eas *a = arg;
    const char *ue_id = json_string_value(json_object_get(args, "ueId"));
    const char *ac_id = json_string_value(json_object_get(args, "acId"));
    json_t *t_eas = json_object_get(args, "tEasEndpoint"), *body;
    struct decide *d;
    char why[EDGE_ERR_LEN];

    if (ue_id == NULL || js_valid_gpsi(ue_id, why) < 0 ||
        (ac_id != NULL && js_valid_id(ac_id, why) < 0) ||
        (t_eas != NULL &&
         (js_decode(t_eas, "tEasEndpoint", edgeapp_endpoint, NULL, NULL, why) < 0 ||
          edgeapp_check_endpoint(t_eas, NULL, NULL, why) < 0))) {
        ctl_reply_error(cr, EAS_CTL_BAD_ARGS,
                        "acr_decide needs ueId (a GPSI); acId an ID; tEasEndpoint an EndPoint");
        return;
    }
    if (eas_appctx_get(a, ue_id) == NULL) {
        ctl_reply_error(cr, EAS_CTL_NO_CONTEXT, "no application context of %s here", ue_id);
        return;
    }
    if ((d = calloc(1, sizeof(*d))) == NULL) {
        ctl_reply_error(cr, EAS_CTL_INTERNAL, "out of memory");
        return;
    }
    d->a = a;
    d->cr = cr;
    d->steps = json_array();
    snprintf(d->ue_id, sizeof(d->ue_id), "%s", ue_id);
    snprintf(d->ac_id, sizeof(d->ac_id), "%s", ac_id != NULL ? ac_id : "");
    if (t_eas != NULL) {
        d->t_eas = json_incref(t_eas);
        eas_appctx_push(a, ue_id, ac_id, t_eas, decide_moved, d);
        return;
    }
    /* TS 23.558 8.8.3.2: the S-EAS asks its EES, saying it decides the ACR. */
    body = json_pack("{s:{s:s}, s:s, s:{s:[{s:s}]}, s:[s]}", "requestorId", "easId", a->cfg.eas_id,
                     "ueId", ue_id, "easDiscoveryFilter", "easChars", "easId", a->cfg.eas_id,
                     "easSvcContinuity", "SOURCE_EAS_DECIDED");
    if (node_send_json_within(&a->n, (int)a->cfg.peer_ms * 3, "POST", a->cfg.ees,
                              EDGEAPP_PATH_EASDISC, body, NULL, decide_discovered, d, why) < 0) {
        struct http_client_resp none = {.status = 0, .error = why, .body = ""};
        decide_discovered(&none, d);
    }
    json_decref(body);
}

/* ---- start-up ---- */

int
eas_acr_setup(struct eas *a, char *err)
{
    json_t *ep;

    if ((a->acr = calloc(1, sizeof(*a->acr))) == NULL)
        return edge_err(err, "out of memory");
    a->acr->retry_ms = 250;
    ep = node_endpoint(&a->n);
    a->acr->inbox = notify_inbox_new(
        &a->n, a->n.http, json_string_value(json_object_get(ep, "uri")), acr_notified, a, err);
    json_decref(ep);
    if (a->acr->inbox == NULL || (a->acr->retry = evtimer_new(a->n.base, acr_retry, a)) == NULL ||
        ctl_command(a->n.ctl, "acr_determine", determine_cmd, a, err) < 0 ||
        ctl_command(a->n.ctl, "acr_decide", decide_cmd, a, err) < 0)
        return -1;
    return 0;
}

void
eas_acr_start(struct eas *a)
{
    if (a->cfg.acr_events)
        acr_subscribe(a); /* then it registers */
    else
        node_reg_start(a->reg);
}

void
eas_acr_close(struct eas *a)
{
    if (a->acr != NULL && a->acr->retry != NULL) {
        event_free(a->acr->retry);
        a->acr->retry = NULL;
    }
}

void
eas_acr_free(struct eas *a)
{
    if (a->acr == NULL)
        return;
    notify_inbox_free(a->acr->inbox);
    free(a->acr);
    a->acr = NULL;
}
