/* ees_easreg.c -- EDGE-3 Eees_EASRegistration at this EES (TS 23.558 8.4.3, TS 29.558): EASes
 * register their EASProfile (POST /registrations, 201 with Location), read, update (PUT), modify
 * (PATCH, RFC 7396) and deregister (DELETE) it; a registration expires at its granted expTime.
 * Only an EAS may register, only its own EAS ID and an endpoint its certificate names, and only
 * when this EES's policy admits it (ees_access_eas, TS 33.558 EDGE-3). EAS discovery answers
 * from what is registered (ees_eas_profiles); the EES updates its EDGE-6 registration when its
 * EAS IDs change (TS 23.558 8.4.4.2.3), and EAS discovery subscribers hear of each change
 * (ees_discsubs_changed). Control command "eas_registrations". */
#include "ees.h"
#include "edgeapp/edgeapp_paths.h"
#include "base/err.h"
#include "node/node_reg.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define EASREG_ITEM EDGEAPP_PATH_EASREG "/{registrationId}"
#define EASREG_MAX 1024 /* EAS registrations held at once */

struct ees_easreg {
    char reg_id[EES_ID_LEN];
    char eas_id[EDGE_ID_MAX];
    char fqdn[EDGE_FQDN_MAX]; /* the EAS's certificate name: its owner */
    json_t *prof;             /* EASProfile as registered */
    long long exp;            /* granted expiry */
    struct ees_easreg *next;
};

struct ees_easregs {
    struct ees_easreg *head;
    size_t n;
    struct event *sweep;
};

static void
easreg_log(struct ees *e, const struct ees_easreg *r, const char *cause, const char *what)
{
    char when[JS_TIME_LEN];
    json_t *data = json_pack("{s:s, s:s, s:s, s:s, s:O}", "regId", r->reg_id, "easId", r->eas_id,
                             "eas", r->fqdn, "expTime", ees_time(r->exp, when), "endPt",
                             json_object_get(r->prof, "endPt"));

    node_log(&e->n, "registry", r->fqdn, cause, data, "EAS %s (%s) %s (registration %s)", r->eas_id,
             r->fqdn, what, r->reg_id);
    json_decref(data);
}

/* The EAS IDs this EES offers: configured, and registered (EESProfile.easIds, EDGE-6). */
json_t *
ees_eas_ids(struct ees *e)
{
    json_t *ids = json_deep_copy(e->cfg.eas_ids), *v;
    size_t i;
    int seen;

    for (struct ees_easreg *r = e->easregs->head; ids != NULL && r != NULL; r = r->next) {
        seen = 0;
        json_array_foreach(ids, i, v) seen |= strcmp(json_string_value(v), r->eas_id) == 0;
        if (!seen)
            json_array_append_new(ids, json_string(r->eas_id));
    }
    return ids;
}

static int
easreg_id_set_changed(struct ees *e, const char *eas_id)
{
    json_t *v;
    size_t i;
    int n = 0;

    json_array_foreach(e->cfg.eas_ids, i, v) n += strcmp(json_string_value(v), eas_id) == 0;
    for (struct ees_easreg *r = e->easregs->head; r != NULL; r = r->next)
        n += strcmp(r->eas_id, eas_id) == 0;
    return n == 0;
}

static void
easreg_unlink(struct ees *e, struct ees_easreg *r)
{
    struct ees_easreg **pp;

    for (pp = &e->easregs->head; *pp != NULL; pp = &(*pp)->next)
        if (*pp == r) {
            *pp = r->next;
            e->easregs->n--;
            return;
        }
}

/* An EAS left (deregistered, expired, replaced): subscribers hear of it, EDGE-6 follows. */
static void
easreg_remove(struct ees *e, struct ees_easreg *r, const char *what)
{
    easreg_unlink(e, r);
    easreg_log(e, r, NULL, what);
    ees_discsubs_changed(e, r->eas_id, what);
    if (easreg_id_set_changed(e, r->eas_id))
        node_reg_update(e->ecsreg);
    json_decref(r->prof);
    free(r);
}

static void
easreg_sweep(evutil_socket_t fd, short what, void *arg)
{
    struct ees *e = arg;
    long long now = node_now();
    struct ees_easreg *r = e->easregs->head, *next;

    (void)fd;
    (void)what;
    for (; r != NULL; r = next) {
        next = r->next;
        if (r->exp <= now)
            easreg_remove(e, r, "registration expired");
    }
}

json_t *
ees_eas_profiles(struct ees *e)
{
    json_t *out = json_array(), *p;
    size_t i;

    for (struct ees_easreg *r = e->easregs->head; r != NULL; r = r->next)
        json_array_append(out, r->prof);
    /* Configured profiles still serve small scenarios, unless a registered EAS has that ID. */
    json_array_foreach(e->eas, i, p)
    {
        const char *id = json_string_value(json_object_get(p, "easId"));
        int shadowed = 0;
        for (struct ees_easreg *r = e->easregs->head; r != NULL; r = r->next)
            shadowed |= strcmp(r->eas_id, id) == 0;
        if (!shadowed)
            json_array_append(out, p);
    }
    return out;
}

const json_t *
ees_eas_registered(struct ees *e, const char *eas_id, const char *fqdn)
{
    for (struct ees_easreg *r = e->easregs->head; r != NULL; r = r->next)
        if (strcmp(r->eas_id, eas_id) == 0 && (fqdn == NULL || strcasecmp(r->fqdn, fqdn) == 0))
            return r->prof;
    return NULL;
}

/* The granted lifetime: min(requested expTime, now + easRegistrationExpiry). */
static long long
easreg_grant(const struct ees *e, const json_t *body)
{
    long long now = node_now(), max = now + e->cfg.eas_reg_expiry;
    long long want = ees_time_parse(json_string_value(json_object_get(body, "expTime")));

    return want > now && want < max ? want : max;
}

/* The profile may be registered by this EAS: its own EAS ID, an endpoint its certificate names
 * (notifications and context transfers go there); else a 403 reply and -1. */
static int
easreg_profile_ok(struct ees *e, struct http_req *req, const char *eas_id, const json_t *prof)
{
    const struct edge_peer *p = http_req_peer(req);
    const char *id = json_string_value(json_object_get(prof, "easId"));
    char host[EDGE_FQDN_MAX];

    (void)e;
    if (strcmp(id, eas_id) != 0) {
        ees_refuse(req, EES_R_EAS_ID_MISMATCH,
                   "easProf.easId %.64s is not %s, the EAS ID of the TLS certificate", id, eas_id);
        return -1;
    }
    if (edgeapp_endpoint_host(json_object_get(prof, "endPt"), host, sizeof(host)) == NULL ||
        strcasecmp(host, p->fqdn) != 0) {
        ees_refuse(req, EES_R_EAS_ENDPOINT,
                   "easProf.endPt names a host that is not %s, the EAS of the TLS certificate",
                   p->fqdn);
        return -1;
    }
    return 0;
}

static json_t *
easreg_resource(const struct ees_easreg *r)
{
    char when[JS_TIME_LEN];

    return json_pack("{s:O, s:s}", "easProf", r->prof, "expTime", ees_time(r->exp, when));
}

static void
easreg_location(struct ees *e, const struct ees_easreg *r, struct http_req *req)
{
    char loc[EDGEAPP_URI_MAX];
    json_t *ep = node_endpoint(&e->n);
    const char *uri = json_string_value(json_object_get(ep, "uri"));

    snprintf(loc, sizeof(loc), "%s%s/%s", uri != NULL ? uri : "", EDGEAPP_PATH_EASREG, r->reg_id);
    json_decref(ep);
    http_reply_header(req, "Location", loc);
}

/* A new registration; an EAS that registers the same EAS ID again replaces its old one. */
static struct ees_easreg *
easreg_add(struct ees *e, const char *eas_id, const char *fqdn, json_t *prof, long long exp)
{
    struct ees_easreg *r, *next;
    char why[EDGE_ERR_LEN];

    for (r = e->easregs->head; r != NULL; r = next) {
        next = r->next;
        if (strcmp(r->eas_id, eas_id) != 0 || strcasecmp(r->fqdn, fqdn) != 0)
            continue;
        easreg_unlink(e, r);
        easreg_log(e, r, NULL, "registered again: the old registration goes");
        json_decref(r->prof);
        free(r);
    }
    if (e->easregs->n >= EASREG_MAX || (r = calloc(1, sizeof(*r))) == NULL)
        return NULL;
    if (EES_NEW_ID(r->reg_id, "easreg", why) < 0) {
        free(r);
        return NULL;
    }
    snprintf(r->eas_id, sizeof(r->eas_id), "%s", eas_id);
    snprintf(r->fqdn, sizeof(r->fqdn), "%s", fqdn);
    r->prof = json_incref(prof);
    r->exp = exp;
    r->next = e->easregs->head;
    e->easregs->head = r;
    e->easregs->n++;
    return r;
}

/* POST /registrations (CreateEASRegistration). */
static void
easreg_create(struct http_req *req, void *arg)
{
    struct ees *e = arg;
    const char *eas_id = ees_access_eas(e, req);
    json_t *body, *prof;
    struct ees_easreg *r;
    int new_id;

    if (eas_id == NULL || (body = node_req_body(req, edgeapp_eas_registration)) == NULL)
        return;
    prof = json_object_get(body, "easProf");
    if (easreg_profile_ok(e, req, eas_id, prof) < 0)
        goto done;
    new_id = easreg_id_set_changed(e, eas_id);
    if ((r = easreg_add(e, eas_id, http_req_peer(req)->fqdn, prof, easreg_grant(e, body))) ==
        NULL) {
        ees_refuse(req, EES_R_CTX_FULL, "this EES holds %d EAS registrations already", EASREG_MAX);
        goto done;
    }
    easreg_log(e, r, NULL, "registered");
    easreg_location(e, r, req);
    http_reply_json(req, 201, easreg_resource(r));
    ees_discsubs_changed(e, r->eas_id, "registered");
    if (new_id)
        node_reg_update(e->ecsreg);
done:
    json_decref(body);
}

/* The registration in the path, the caller's: else a 404/403 reply and NULL. */
static struct ees_easreg *
easreg_owned(struct ees *e, struct http_req *req, const char *eas_id)
{
    const char *id = http_req_param(req, "registrationId");
    struct ees_easreg *r;

    for (r = e->easregs->head; r != NULL && id != NULL; r = r->next)
        if (strcmp(r->reg_id, id) == 0)
            break;
    if (r == NULL || id == NULL) {
        ees_refuse(req, EES_R_EAS_REG_NOT_FOUND, "no EAS registration %.64s here",
                   id != NULL ? id : "");
        return NULL;
    }
    if (strcmp(r->eas_id, eas_id) != 0 || strcasecmp(r->fqdn, http_req_peer(req)->fqdn) != 0) {
        ees_refuse(req, EES_R_NOT_OWNER, "EAS registration %s belongs to another EAS", r->reg_id);
        return NULL;
    }
    return r;
}

static void
easreg_get(struct http_req *req, void *arg)
{
    struct ees *e = arg;
    const char *eas_id = ees_access_eas(e, req);
    struct ees_easreg *r;

    if (eas_id != NULL && (r = easreg_owned(e, req, eas_id)) != NULL)
        http_reply_json(req, 200, easreg_resource(r));
}

/* The new profile of r (PUT, PATCH): checked like a new one, then subscribers hear of it. */
static void
easreg_replace(struct ees *e, struct http_req *req, struct ees_easreg *r, json_t *prof,
               long long exp)
{
    if (easreg_profile_ok(e, req, r->eas_id, prof) < 0)
        return;
    json_decref(r->prof);
    r->prof = json_incref(prof);
    if (exp != 0)
        r->exp = exp;
    easreg_log(e, r, NULL, "updated its registration");
    http_reply_json(req, 200, easreg_resource(r));
    ees_discsubs_changed(e, r->eas_id, "updated");
}

/* PUT /registrations/{id} (UpdateIndEASRegistration): the whole EASRegistration again. */
static void
easreg_put(struct http_req *req, void *arg)
{
    struct ees *e = arg;
    const char *eas_id = ees_access_eas(e, req);
    struct ees_easreg *r;
    json_t *body;

    if (eas_id == NULL || (r = easreg_owned(e, req, eas_id)) == NULL ||
        (body = node_req_body(req, edgeapp_eas_registration)) == NULL)
        return;
    easreg_replace(e, req, r, json_object_get(body, "easProf"), easreg_grant(e, body));
    json_decref(body);
}

/* PATCH /registrations/{id} (ModifyIndEASRegistration), EASRegistrationPatch: easProf merged
 * into the profile (RFC 7396), expTime granted again. */
static void
easreg_patch(struct http_req *req, void *arg)
{
    struct ees *e = arg;
    const char *eas_id = ees_access_eas(e, req), *k;
    struct ees_easreg *r;
    json_t *body, *prof, *v;
    char err[EDGE_ERR_LEN];

    if (eas_id == NULL || (r = easreg_owned(e, req, eas_id)) == NULL ||
        (body = node_req_body(req, edgeapp_eas_registration_patch)) == NULL)
        return;
    prof = json_deep_copy(r->prof);
    json_object_foreach(json_object_get(body, "easProf"), k, v)
    {
        if (json_is_null(v))
            json_object_del(prof, k);
        else
            json_object_set(prof, k, v);
    }
    if (js_decode(prof, "easProf", edgeapp_eas_profile, NULL, NULL, err) < 0)
        ees_refuse(req, EES_R_EAS_PATCH_INVALID, "the patched profile: %s", err);
    else
        easreg_replace(e, req, r, prof,
                       json_object_get(body, "expTime") != NULL ? easreg_grant(e, body) : 0);
    json_decref(prof);
    json_decref(body);
}

/* DELETE /registrations/{id} (DeleteIndEASRegistration): 204. */
static void
easreg_delete(struct http_req *req, void *arg)
{
    struct ees *e = arg;
    const char *eas_id = ees_access_eas(e, req);
    struct ees_easreg *r;

    if (eas_id == NULL || (r = easreg_owned(e, req, eas_id)) == NULL)
        return;
    http_reply(req, 204, NULL, NULL, 0);
    easreg_remove(e, r, "deregistered");
}

/* eas_registrations: the EASes registered here (nodes/README.md). */
static void
easreg_list(struct ctl_req *cr, json_t *args, void *arg)
{
    struct ees *e = arg;
    json_t *list = json_array();
    char when[JS_TIME_LEN];

    (void)args;
    for (struct ees_easreg *r = e->easregs->head; list != NULL && r != NULL; r = r->next)
        json_array_append_new(
            list, json_pack("{s:s, s:s, s:s, s:s, s:I, s:O}", "regId", r->reg_id, "easId",
                            r->eas_id, "eas", r->fqdn, "expTime", ees_time(r->exp, when),
                            "expiresIn", (json_int_t)(r->exp - node_now()), "easProf", r->prof));
    ctl_reply(cr, json_pack("{s:o}", "registrations", list != NULL ? list : json_array()));
}

int
ees_easreg_setup(struct ees *e, char *err)
{
    struct http_server *s = e->n.http;
    struct timeval sec = {1, 0};

    if ((e->easregs = calloc(1, sizeof(*e->easregs))) == NULL)
        return edge_err(err, "out of memory");
    e->easregs->sweep = event_new(e->n.base, -1, EV_PERSIST, easreg_sweep, e);
    if (e->easregs->sweep == NULL || event_add(e->easregs->sweep, &sec) < 0)
        return edge_err(err, "cannot arm the EAS registration expiry timer");
    if (http_server_route(s, "POST", EDGEAPP_PATH_EASREG, easreg_create, e, err) < 0 ||
        http_server_route(s, "GET", EASREG_ITEM, easreg_get, e, err) < 0 ||
        http_server_route(s, "PUT", EASREG_ITEM, easreg_put, e, err) < 0 ||
        http_server_route(s, "PATCH", EASREG_ITEM, easreg_patch, e, err) < 0 ||
        http_server_route(s, "DELETE", EASREG_ITEM, easreg_delete, e, err) < 0)
        return -1;
    return ctl_command(e->n.ctl, "eas_registrations", easreg_list, e, err);
}

void
ees_easreg_free(struct ees *e)
{
    struct ees_easreg *r, *next;

    if (e->easregs == NULL)
        return;
    if (e->easregs->sweep != NULL)
        event_free(e->easregs->sweep);
    for (r = e->easregs->head; r != NULL; r = next) {
        next = r->next;
        json_decref(r->prof);
        free(r);
    }
    free(e->easregs);
    e->easregs = NULL;
}
