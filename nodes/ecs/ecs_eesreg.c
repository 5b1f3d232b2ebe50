/* ecs_eesreg.c -- EDGE-6 Eecs_EESRegistration at the ECS (TS 29.558 Eecs_EESRegistration API,
 * TS 23.558 8.4.4): create, read, update, modify and delete an EES registration, each only by the
 * EES whose TLS certificate names the eesId (TS 33.558 6.1: EDGE-6 is mutually authenticated TLS).
 */
#include "ecs.h"
#include "edgeapp/edgeapp_paths.h"
#include "edgeapp/edgeapp.h"
#include "base/err.h"
#include "net/problem.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define EESREG_ITEM EDGEAPP_PATH_EESREG "/{registrationId}"

/* The EES on the other end: a certificate with a dNSName, or a 403 reply and NULL. */
static const char *
eesreg_peer(struct http_req *req)
{
    const struct edge_peer *p = http_req_peer(req);

    if (!edge_peer_is_enabler(p)) { /* an EAS or an EEC's endpoint is no EES */
        ecs_refuse(req, ECS_R_NO_CERT_FQDN, NULL);
        return NULL;
    }
    return p->fqdn;
}

/* The registration named in the path, if this peer owns it; else a 404/403 reply and NULL. */
static struct ecs_reg *
eesreg_owned(struct ecs *e, struct http_req *req, const char *fqdn)
{
    const char *id = http_req_param(req, "registrationId");
    struct ecs_reg *r = id != NULL ? ecs_registry_find_id(e->reg, id) : NULL;

    if (r == NULL) {
        ecs_refuse(req, ECS_R_REG_NOT_FOUND, "no EES registration %.64s", id != NULL ? id : "");
        return NULL;
    }
    if (strcasecmp(r->fqdn, fqdn) != 0) {
        ecs_refuse(req, ECS_R_NOT_OWNER, "registration %s belongs to %s, not to %s", r->id, r->fqdn,
                   fqdn);
        return NULL;
    }
    return r;
}

/* The profile must describe the EES that speaks: eesId and the host of endPt are the FQDN its
 * certificate proved, or one EES could register (and attract EECs) in another's name. */
static int
eesreg_check_profile(struct http_req *req, const json_t *prof, const char *fqdn)
{
    const char *ees_id = json_string_value(json_object_get(prof, "eesId"));
    char host[EDGE_FQDN_MAX];

    if (ees_id == NULL || strcasecmp(ees_id, fqdn) != 0) {
        ecs_refuse(req, ECS_R_EES_ID_MISMATCH,
                   "eesProf.eesId %.64s is not %s, the FQDN of the TLS certificate",
                   ees_id != NULL ? ees_id : "", fqdn);
        return -1;
    }
    if (edgeapp_endpoint_host(json_object_get(prof, "endPt"), host, sizeof(host)) == NULL ||
        strcasecmp(host, fqdn) != 0) {
        ecs_refuse(req, ECS_R_EES_ENDPOINT_MISMATCH,
                   "eesProf.endPt must name %s, the FQDN of the TLS certificate", fqdn);
        return -1;
    }
    return 0;
}

/* TS 23.558 8.4.4.2: the EES proposes an expiration time, the ECS grants one: the request,
 * capped at registration.maxExpiry from now; registration.defaultExpiry when none is asked. */
static int
eesreg_grant(struct ecs *e, struct http_req *req, const char *exp_time, long long *exp)
{
    long long now = node_now();
    struct timespec ts;
    char why[EDGE_ERR_LEN];

    if (exp_time == NULL) {
        *exp = now + e->cfg.reg_default;
        return 0;
    }
    if (js_time_parse(exp_time, &ts, why) < 0 || (long long)ts.tv_sec <= now) {
        node_refuse_param(req, &ecs_refusals[ECS_R_EXPTIME_PAST], "expTime", "not in the future");
        return -1;
    }
    *exp =
        (long long)ts.tv_sec < now + e->cfg.reg_max ? (long long)ts.tv_sec : now + e->cfg.reg_max;
    return 0;
}

static void
eesreg_log(struct ecs *e, const struct ecs_reg *r, const char *what)
{
    json_t *data =
        json_pack("{s:s, s:s, s:I}", "regId", r->id, "eesId", r->fqdn, "exp", (json_int_t)r->exp);
    json_t *dropped = json_array(), *area;

    /* What of its ServiceArea the EESInfo.svcArea (a LocationArea5G) cannot say (edgeapp_area.c).
     */
    area = edgeapp_svc_area_to_la5g(json_object_get(r->prof, "svcArea"), dropped);
    if (json_array_size(dropped) > 0)
        json_object_set(data, "svcAreaNotInEesInfo", dropped);
    json_decref(area);
    json_decref(dropped);
    node_log(&e->node, "registry", r->fqdn, NULL, data, "EES %s %s (registration %s, %lld s left)",
             r->fqdn, what, r->id, r->exp - node_now());
    json_decref(data);
    ecs_servprov_changed(e, r); /* provisioning subscribers are told (ecs_servprov_subs.c) */
}

static void
eesreg_reply(struct http_req *req, int status, const struct ecs_reg *r)
{
    json_t *res = ecs_reg_resource(r);

    if (res == NULL)
        ecs_refuse(req, ECS_R_INTERNAL, "out of memory");
    else
        http_reply_json(req, status, res);
}

/* POST /registrations (CreateEESRegistration): 201 + Location. An EES that registers again
 * replaces its old registration (it restarted, or lost the registration ID). */
static void
eesreg_create(struct http_req *req, void *arg)
{
    struct ecs *e = arg;
    const char *fqdn = eesreg_peer(req);
    json_t *body = NULL, *prof, *uri = NULL;
    struct ecs_reg *r, *old;
    char err[EDGE_ERR_LEN], loc[EDGEAPP_URI_MAX];
    long long exp;

    if (fqdn == NULL || (body = http_req_json(req)) == NULL)
        goto done;
    if (node_req_decode(req, body, edgeapp_ees_registration) < 0)
        goto done;
    prof = json_object_get(body, "eesProf");
    if (eesreg_check_profile(req, prof, fqdn) < 0 ||
        eesreg_grant(e, req, json_string_value(json_object_get(body, "expTime")), &exp) < 0)
        goto done;
    old = ecs_registry_find_fqdn(e->reg, fqdn);
    r = ecs_registry_add(e->reg, fqdn, json_incref(prof),
                         json_incref(json_object_get(body, "suppFeat")), exp, err);
    if (r == NULL) {
        ecs_refuse(req, ECS_R_UNAVAILABLE, "cannot register: %s", err);
        goto done;
    }
    if (old != NULL) {
        eesreg_log(e, old, "re-registered: old registration replaced");
        ecs_registry_remove(old);
    }
    uri = node_endpoint(&e->node);
    snprintf(loc, sizeof(loc), "%s%s/%s", json_string_value(json_object_get(uri, "uri")),
             EDGEAPP_PATH_EESREG, r->id);
    http_reply_header(req, "Location", loc);
    eesreg_log(e, r, "registered");
    eesreg_reply(req, 201, r);
done:
    json_decref(uri);
    json_decref(body);
}

/* GET /registrations/{registrationId} (GetIndEESReg). */
static void
eesreg_get(struct http_req *req, void *arg)
{
    struct ecs *e = arg;
    const char *fqdn = eesreg_peer(req);
    struct ecs_reg *r;

    if (fqdn == NULL || (r = eesreg_owned(e, req, fqdn)) == NULL)
        return;
    eesreg_reply(req, 200, r);
}

/* PUT (UpdateIndEESReg: the whole EESRegistration again) and PATCH (ModifyIndEESReg:
 * application/merge-patch+json EESRegistrationPatch). eesProf replaces the profile. expTime asks
 * for a new expiry: in a PUT always (absent: the default one), in a PATCH when present (null, RFC
 * 7396's "remove the member": the default one); a PATCH without it keeps the expiry. */
static void
eesreg_change(struct http_req *req, struct ecs *e, int patch)
{
    const char *fqdn = eesreg_peer(req);
    json_t *body = NULL, *prof, *exp_time;
    struct ecs_reg *r;
    char err[EDGE_ERR_LEN];
    long long exp;

    if (fqdn == NULL || (r = eesreg_owned(e, req, fqdn)) == NULL ||
        (patch && http_req_require_type(req, "application/merge-patch+json") < 0) ||
        (body = http_req_json(req)) == NULL)
        goto done;
    if (node_req_decode(req, body,
                        patch ? edgeapp_ees_registration_patch : edgeapp_ees_registration) < 0)
        goto done;
    prof = json_object_get(body, "eesProf");
    exp_time = json_object_get(body, "expTime");
    exp = r->exp;
    if ((prof != NULL && eesreg_check_profile(req, prof, fqdn) < 0) ||
        ((!patch || exp_time != NULL) &&
         eesreg_grant(e, req, json_string_value(exp_time), &exp) < 0))
        goto done;
    if (ecs_registry_update(r, json_incref(prof), exp, err) < 0) {
        ecs_refuse(req, ECS_R_INTERNAL, "cannot %s: %s", patch ? "modify" : "update", err);
        goto done;
    }
    if (!patch) {
        json_decref(r->supp_feat);
        r->supp_feat = json_incref(json_object_get(body, "suppFeat"));
    }
    eesreg_log(e, r, patch ? "modified its registration" : "updated its registration");
    eesreg_reply(req, 200, r);
done:
    json_decref(body);
}

static void
eesreg_put(struct http_req *req, void *arg)
{
    eesreg_change(req, arg, 0);
}

static void
eesreg_patch(struct http_req *req, void *arg)
{
    eesreg_change(req, arg, 1);
}

/* DELETE /registrations/{registrationId} (DeleteIndEESReg): 204. */
static void
eesreg_delete(struct http_req *req, void *arg)
{
    struct ecs *e = arg;
    const char *fqdn = eesreg_peer(req);
    struct ecs_reg *r;

    if (fqdn == NULL || (r = eesreg_owned(e, req, fqdn)) == NULL)
        return;
    eesreg_log(e, r, "deregistered");
    ecs_registry_remove(r);
    http_reply(req, 204, NULL, NULL, 0);
}

static void
eesreg_expired(struct ecs_reg *r, void *arg)
{
    eesreg_log(arg, r, "expired: registration removed");
}

/* registrations: what the registry holds (nodes/README.md). */
static void
eesreg_list(struct ctl_req *cr, json_t *args, void *arg)
{
    struct ecs *e = arg;
    json_t *list = json_array();
    char when[JS_TIME_LEN];

    (void)args;
    for (struct ecs_reg *r = ecs_registry_first(e->reg); list != NULL && r != NULL; r = r->next) {
        js_time_format((time_t)r->exp, when, sizeof(when));
        json_array_append_new(list, json_pack("{s:s, s:O, s:s, s:I, s:O*}", "regId", r->id, "eesId",
                                              json_object_get(r->prof, "eesId"), "expTime", when,
                                              "expiresIn", (json_int_t)(r->exp - node_now()),
                                              "easIds", json_object_get(r->prof, "easIds")));
    }
    ctl_reply(cr, json_pack("{s:o}", "registrations", list != NULL ? list : json_array()));
}

struct ecs_reg *
ecs_eesreg_of_peer(struct ecs *e, const struct edge_peer *peer)
{
    if (peer->mode != EDGE_PEER_CERT || peer->fqdn[0] == '\0')
        return NULL;
    return ecs_registry_find_fqdn(e->reg, peer->fqdn);
}

int
ecs_eesreg_setup(struct ecs *e, char *err)
{
    struct http_server *s = e->node.http;

    if ((e->reg = ecs_registry_new(e->node.base, eesreg_expired, e)) == NULL)
        return edge_err(err, "out of memory");
    if (http_server_route(s, "POST", EDGEAPP_PATH_EESREG, eesreg_create, e, err) < 0 ||
        http_server_route(s, "GET", EESREG_ITEM, eesreg_get, e, err) < 0 ||
        http_server_route(s, "PUT", EESREG_ITEM, eesreg_put, e, err) < 0 ||
        http_server_route(s, "PATCH", EESREG_ITEM, eesreg_patch, e, err) < 0 ||
        http_server_route(s, "DELETE", EESREG_ITEM, eesreg_delete, e, err) < 0 ||
        ctl_command(e->node.ctl, "registrations", eesreg_list, e, err) < 0)
        return -1;
    return 0;
}
