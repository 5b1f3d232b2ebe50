/* eec_relocation.c -- EEC-initiated ACR with the EEC context moved by the S-EES (TS 23.558
 * 8.8.2.3 and 8.9.2.3; TS 24.558 Eees_AppContextRelocation POST /initiate with AcrInitReq and
 * eecCtxtReloc): the EEC subscribes to ACR events at the S-EES (Eees_ACREvents) unless it has,
 * initiates (204), and learns the outcome from the ACRInfoNotification at its notification
 * endpoint: ACR_COMPLETE with acrStatus and eecCtxtReloc.implReg, the registration the T-EES
 * made for it (TS 23.558 8.9.2.3). */
#include "eec.h"
#include "edgeapp/edgeapp_paths.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

struct eec_relocate_args {
    const char *ees;
    const char *t_ees;
    const char *ac_id;
    const char *eas_id;
    json_t *t_eas_endpoint;
    const char *token;
    json_t *ue_id;
    const char *at;         /* "source" (default) or "target": where /initiate goes */
    json_t *s_eas_endpoint; /* the S-EAS, for a T-EAS that pulls (at "target") */
};

static const char *const eec_relocate_ats[] = {"source", "target", NULL};

static const struct js_field eec_relocate_fields[] = {
    {.name = "ees",
     .type = JS_STRING,
     .flags = JS_REQUIRED | JS_STORE,
     .store = offsetof(struct eec_relocate_args, ees),
     .check = js_check_id},
    {.name = "tEes",
     .type = JS_STRING,
     .flags = JS_REQUIRED | JS_STORE,
     .store = offsetof(struct eec_relocate_args, t_ees),
     .check = js_check_id},
    {.name = "acId",
     .type = JS_STRING,
     .flags = JS_STORE,
     .store = offsetof(struct eec_relocate_args, ac_id),
     .check = js_check_id},
    {.name = "easId",
     .type = JS_STRING,
     .flags = JS_STORE,
     .store = offsetof(struct eec_relocate_args, eas_id),
     .check = js_check_id},
    {.name = "tEasEndpoint",
     .type = JS_OBJECT,
     .flags = JS_STORE,
     .store = offsetof(struct eec_relocate_args, t_eas_endpoint),
     .sub = edgeapp_endpoint,
     .check = edgeapp_check_endpoint},
    {.name = "token",
     .type = JS_STRING,
     .flags = JS_STORE,
     .store = offsetof(struct eec_relocate_args, token),
     .check = eec_args_check_token},
    {.name = "ueId",
     .type = JS_ANY,
     .flags = JS_STORE,
     .store = offsetof(struct eec_relocate_args, ue_id),
     .check = eec_args_check_ueid},
    {.name = "at",
     .type = JS_STRING,
     .flags = JS_STORE,
     .store = offsetof(struct eec_relocate_args, at),
     .check = js_check_enum,
     .choices = eec_relocate_ats},
    {.name = "sEasEndpoint",
     .type = JS_OBJECT,
     .flags = JS_STORE,
     .store = offsetof(struct eec_relocate_args, s_eas_endpoint),
     .sub = edgeapp_endpoint,
     .check = edgeapp_check_endpoint},
    {0},
};

/* The T-EAS endpoint when the runner gives none (new reference). First the EAS discovered at the
 * T-EES (TS 23.558 8.8.2.3: the EEC discovers the T-EAS before it initiates ACR); easId may be
 * NULL: the first one. Else, edgesim's convention: EASes are data served at their EES, so the
 * T-EAS is addressed by the T-EES's FQDN -- all the EEC knows when it cannot discover there
 * (no token of the T-EES's ECS, as across ECSes). NULL when t_ees is no FQDN. */
static json_t *
eec_relocate_t_eas(struct eec *e, const char *t_ees, const char **eas_id, char *err)
{
    struct eec_ees *t = eec_ees_find(e, t_ees);
    json_t *p;
    size_t i;

    json_array_foreach(t != NULL ? t->eas : NULL, i, p)
    {
        const char *id = json_string_value(json_object_get(p, "easId"));
        if (*eas_id == NULL || strcmp(id, *eas_id) == 0) {
            *eas_id = id;
            return json_incref(json_object_get(p, "endPt"));
        }
    }
    if (js_valid_fqdn(t != NULL ? t->host : t_ees, err) < 0)
        return NULL;
    return json_pack("{s:s}", "fqdn", t != NULL ? t->host : t_ees);
}

/* acId and easId when the runner names neither: the AC profile (config) that lists the EAS, or
 * the first one with an EAS (TS 23.558 8.8.2.3: the ACR is for one AC and its EAS). */
static void
eec_relocate_ids(const struct eec *e, const char **ac_id, const char **eas_id)
{
    json_t *ac, *eas;
    size_t i, j;

    json_array_foreach(e->cf.ac_profs, i, ac)
    {
        json_array_foreach(json_object_get(ac, "eass"), j, eas)
        {
            const char *id = json_string_value(json_object_get(eas, "easId"));
            if (*eas_id != NULL && strcmp(id, *eas_id) != 0)
                continue;
            if (*ac_id == NULL)
                *ac_id = json_string_value(json_object_get(ac, "acId"));
            if (*eas_id == NULL)
                *eas_id = id;
            return;
        }
    }
}

/* One relocation: the answer to /initiate and the ACR notification, in either order. */
struct reloc_op {
    struct eec *e;
    struct eec_call *c;        /* the /initiate exchange, held once it answered 204 */
    struct eec_acr_wait *wait; /* NULL once the notification came or the wait ended */
    json_t *note;              /* the ACRInfoNotification, or NULL */
    json_t *body;              /* the AcrInitReq */
    char host[EDGE_FQDN_MAX];
    char t_ees[EDGE_FQDN_MAX]; /* the T-EES it asked for */
    char eas_id[EDGEAPP_ID_MAX];
    int answered;
};

static void
reloc_free(struct reloc_op *op)
{
    json_decref(op->note);
    json_decref(op->body);
    free(op);
}

/* What the notification said, into the result; its implicit registration is the EEC's now
 * (TS 23.558 8.9.2.3), at the T-EES it names, else the one asked for. */
static void
reloc_fill(struct reloc_op *op, json_t *result)
{
    const json_t *impl = json_object_get(json_object_get(op->note, "eecCtxtReloc"), "implReg");
    const char *named = json_string_value(json_object_get(
        json_array_get(
            json_object_get(json_object_get(json_object_get(op->note, "trgtInfo"), "trgetEESInfo"),
                            "eess"),
            0),
        "eesId"));
    const char *t = named != NULL ? named : op->t_ees;
    struct eec_ees *x;
    char err[EDGE_ERR_LEN];

    if (impl != NULL && (x = eec_ees_add(op->e, t, err)) != NULL) {
        eec_ees_set_registration(x, json_string_value(json_object_get(impl, "regId")), NULL,
                                 json_string_value(json_object_get(impl, "expTime")), NULL, 1);
        node_log(&op->e->n, "registration", t, NULL, (json_t *)impl,
                 "implicitly registered at %s: %s (ACR via %s)", t,
                 json_string_value(json_object_get(impl, "regId")), op->c->ees_id);
    }

    json_object_set(result, "notification", op->note != NULL ? op->note : json_null());
    json_object_set(result, "implReg", impl != NULL ? (json_t *)impl : json_null());
    if (op->note == NULL)
        json_object_set_new(result, "error",
                            json_string("204, but no ACR notification came within the deadline"));
    else
        json_object_set(result, "acrStatus", json_object_get(op->note, "acrStatus"));
}

static void
reloc_noted(struct eec *e, const json_t *note, void *arg)
{
    struct reloc_op *op = arg;

    op->wait = NULL;
    if (e->closing) { /* the exchange, if still out, ends without this op */
        if (op->c != NULL)
            op->c->user = NULL;
        reloc_free(op);
        return;
    }
    op->note = note != NULL ? json_deep_copy(note) : NULL;
    if (!op->answered)
        return;
    reloc_fill(op, op->c->result);
    eec_call_reply(op->c);
    reloc_free(op);
}

static void
eec_relocate_done(struct eec_call *c, const struct http_client_resp *r, json_t *result)
{
    struct reloc_op *op = c->user;

    json_object_set_new(result, "implReg", json_null());
    if (op == NULL)
        return;
    op->answered = 1;
    if (r->status != 204) { /* refused before or during the relocation: the answer says why */
        eec_notify_wait_cancel(c->e, op->wait);
        reloc_free(op);
        return;
    }
    if (op->wait == NULL) { /* the notification came first, or the wait is over */
        reloc_fill(op, result);
        reloc_free(op);
        return;
    }
    op->c = c;
    c->held = 1; /* reloc_noted answers */
}

/* Initiate (TS 24.558 Eees_AppContextRelocation POST /initiate), waiting for the notification. */
static void
reloc_initiate(struct reloc_op *op, struct eec_call *c)
{
    c->user = op;
    op->wait = eec_notify_wait_acr(op->e, c->ees_id, op->eas_id, (int)op->e->cf.request_ms,
                                   reloc_noted, op);
    if (op->wait == NULL) {
        c->user = NULL;
        reloc_free(op);
    }
    eec_call_send(c, "POST", op->host, EDGEAPP_PATH_ACR_INITIATE,
                  json_object_get(json_object_get(c->ctx, "req"), "body"));
}

static void
reloc_subscribed(struct eec *e, const json_t *result, void *arg)
{
    struct eec_call *c = arg;
    struct reloc_op *op = c->user;

    if (e->closing || json_integer_value(json_object_get(result, "status")) != 201) {
        /* No ACR events subscription, no outcome to learn: the refusal is the answer. */
        json_t *res = json_deep_copy(result);
        json_object_set_new(res, "step", json_string("subscribe"));
        json_object_set_new(res, "implReg", json_null());
        ctl_reply(c->req, res);
        c->user = NULL;
        reloc_free(op);
        eec_call_drop(c);
        return;
    }
    reloc_initiate(op, c);
}

void
eec_relocate_cmd(struct ctl_req *req, json_t *args, void *arg)
{
    struct eec *e = arg;
    struct eec_relocate_args a = {0};
    struct eec_ees *s, *at;
    struct eec_call *c;
    struct reloc_op *op;
    json_t *t_eas, *body;
    char err[EDGE_ERR_LEN];

    if (eec_args_decode(req, args, eec_relocate_fields, &a) < 0 ||
        (s = eec_args_ees(e, req, a.ees)) == NULL)
        return;
    /* TS 23.558 8.8.2.3 via the S-EES, or 8.8.2.4 via the T-EES (which pulls the context). */
    at = s;
    if (a.at != NULL && strcmp(a.at, "target") == 0 && (at = eec_args_ees(e, req, a.t_ees)) == NULL)
        return;
    if (s->cntx_id[0] == '\0') { /* eecCtxtId is mandatory in EecCtxtReloc */
        ctl_reply_error(req, EEC_CTL_NOT_REGISTERED,
                        "relocate: no EEC context at %s (register there first)", s->id);
        return;
    }
    t_eas = a.t_eas_endpoint != NULL ? json_incref(a.t_eas_endpoint)
                                     : eec_relocate_t_eas(e, a.t_ees, &a.eas_id, err);
    if (t_eas == NULL) {
        ctl_reply_error(req, EEC_CTL_BAD_ARGS,
                        "relocate: tEasEndpoint: none given, none discovered at %s, and %s",
                        a.t_ees, err);
        return;
    }
    eec_relocate_ids(e, &a.ac_id, &a.eas_id);
    body = json_pack("{s:s, s:s*, s:s*, s:s*, s:O, s:b, s:{s:s, s:s, s:s}}", "requestorId",
                     e->n.name, "ueId", eec_args_ueid(e, a.ue_id), "acId", a.ac_id, "easId",
                     a.eas_id, "tEasEndpoint", t_eas, "easNotifInd", 0, "eecCtxtReloc", "eecCtxtId",
                     s->cntx_id, "sEesId", s->id, "tEesId", a.t_ees);
    json_decref(t_eas);
    if (a.s_eas_endpoint != NULL)
        json_object_set(body, "sEasEndpoint", a.s_eas_endpoint);
    if ((c = eec_call_new(e, req, at->id, eec_args_token(at, a.token), eec_relocate_done)) ==
        NULL) {
        json_decref(body);
        return;
    }
    c->ctx = json_pack("{s:s, s:{s:o}}", "tEesId", a.t_ees, "req", "body", body);
    if ((op = calloc(1, sizeof(*op))) == NULL || a.eas_id == NULL) {
        free(op);
        ctl_reply_error(req, a.eas_id == NULL ? EEC_CTL_BAD_ARGS : EEC_CTL_INTERNAL, "relocate: %s",
                        a.eas_id == NULL ? "no easId given, none in its AC profiles"
                                         : "out of memory");
        eec_call_drop(c);
        return;
    }
    op->e = e;
    op->c = c;
    snprintf(op->host, sizeof(op->host), "%s", at->host);
    snprintf(op->t_ees, sizeof(op->t_ees), "%s", a.t_ees);
    snprintf(op->eas_id, sizeof(op->eas_id), "%s", a.eas_id);
    c->user = op;
    /* TS 24.558: the EES it asks tells the outcome to its ACR events subscription there. */
    if (eec_notify_sub(e, "acr-events", at->id, a.eas_id) != NULL) {
        reloc_initiate(op, c);
        return;
    }
    json_t *sub = json_pack("[s]", a.eas_id);
    json_t *sbody = eec_notify_body(e, "acr-events", sub, "ACR_COMPLETE", NULL,
                                    eec_args_ueid(e, a.ue_id), NULL);
    eec_notify_subscribe(e, "acr-events", at->id, at->host, eec_args_token(at, a.token), sbody,
                         reloc_subscribed, c);
    json_decref(sbody);
    json_decref(sub);
}
