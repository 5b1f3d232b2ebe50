/* ecs_select.c -- which EESes registered at this ECS match a request, and the EESInfo (TS 24.558
 * ECSServProvResp) each is offered with: one selection for EDGE-4 service provisioning
 * (TS 24.558 7.2.2.2.2: by the EASes of the AC profiles and the UE location), EDGE-10
 * Eecs_ECSServiceProvisioning (TS 23.558 8.17.2.4) and target EES discovery (TS 23.558 8.8.3.3). */
#include "ecs.h"

#include <string.h>
#include <strings.h>

/* The EAS IDs a request asks for (acProfs[].eass[].easId, and easIds), or NULL when it names
 * none: then the request constrains nothing and every EES is a candidate. */
static json_t *
select_wanted(const struct ecs_filter *f)
{
    json_t *wanted = json_array(), *ac, *eas;
    size_t i, j;

    json_array_foreach((json_t *)f->ac_profs, i, ac)
    {
        json_array_foreach(json_object_get(ac, "eass"), j, eas)
        {
            json_array_append(wanted, json_object_get(eas, "easId"));
        }
    }
    json_array_foreach((json_t *)f->eas_ids, i, eas) json_array_append(wanted, eas);
    if (json_array_size(wanted) == 0) {
        json_decref(wanted);
        return NULL;
    }
    return wanted;
}

/* The EES's easIds that the request wants (all of them when it names none); empty: not a
 * candidate. */
static json_t *
select_eas_match(const struct ecs_reg *r, const json_t *wanted)
{
    json_t *offered = json_object_get(r->prof, "easIds"), *out, *w;
    size_t i;

    if (wanted == NULL)
        return json_deep_copy(offered != NULL ? offered : json_array());
    out = json_array();
    json_array_foreach((json_t *)wanted, i, w)
    {
        if (ecs_reg_offers(r, json_string_value(w)))
            json_array_append(out, w);
    }
    return out;
}

/* Is r one of ees_ids (eesId, or the FQDN it registered under)? NULL: any. */
static int
select_named(const struct ecs_reg *r, const json_t *ees_ids)
{
    const char *id = json_string_value(json_object_get(r->prof, "eesId"));
    json_t *v;
    size_t i;

    if (ees_ids == NULL)
        return 1;
    json_array_foreach((json_t *)ees_ids, i, v)
    {
        const char *want = json_string_value(v);
        if (strcasecmp(r->fqdn, want) == 0 || (id != NULL && strcmp(id, want) == 0))
            return 1;
    }
    return 0;
}

json_t *
ecs_ees_info(const struct ecs *e, const struct ecs_reg *r, const json_t *eas_ids)
{
    json_t *info =
        json_pack("{s:O, s:O, s:O, s:O, s:s}", "eesId", json_object_get(r->prof, "eesId"), "endPt",
                  json_object_get(r->prof, "endPt"), "easIds",
                  eas_ids != NULL ? eas_ids : json_object_get(r->prof, "easIds"), "eecRegConf",
                  json_object_get(r->prof, "eecRegConf"), "authzMethod",
                  ecs_ees_uses_token(e, r->fqdn) ? EDGEAPP_AUTHZ_TOKEN : EDGEAPP_AUTHZ_LOCAL);

    /* TS 24.558 EESInfo.svcArea is a TS 29.122 LocationArea5G, the EES registered a TS 29.558
     * ServiceArea: what has no counterpart (its PLMN list) is left out (edgeapp_area.c). */
    json_t *area = edgeapp_svc_area_to_la5g(json_object_get(r->prof, "svcArea"), NULL);

    if (info != NULL && area != NULL)
        json_object_set(info, "svcArea", area);
    json_decref(area);
    if (info != NULL)
        json_object_set_new(info, "eesAuthMethods", ecs_ees_auth_methods(e, r->fqdn));
    return info;
}

int
ecs_select(struct ecs *e, const struct ecs_filter *f, ecs_select_fn fn, void *arg)
{
    json_t *wanted = select_wanted(f);
    int rc = 0;

    for (struct ecs_reg *r = ecs_registry_first(e->reg); r != NULL && rc == 0; r = r->next) {
        json_t *eas, *info;

        if (!select_named(r, f->ees_ids) ||
            !edgeapp_area_covers(json_object_get(r->prof, "svcArea"), f->loc_inf))
            continue;
        if ((eas = select_eas_match(r, wanted)) == NULL || json_array_size(eas) == 0) {
            json_decref(eas);
            continue;
        }
        info = ecs_ees_info(e, r, eas);
        json_decref(eas);
        if (info == NULL)
            rc = -1;
        else
            rc = fn(e, r, info, arg);
    }
    json_decref(wanted);
    return rc;
}
