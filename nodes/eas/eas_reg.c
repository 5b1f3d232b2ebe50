/* eas_reg.c -- this EAS's registration at its EES over EDGE-3 (TS 23.558 8.4.3, TS 29.558
 * Eees_EASRegistration), kept alive by node_reg.h as the EES keeps its own at the ECS: the
 * EASProfile (its EAS ID, its endpoint, the configured members); "update_profile" changes the
 * profile and updates the registration at once (TS 23.558 8.4.3.2.3). */
#include "eas.h"
#include "edgeapp/edgeapp_paths.h"
#include "base/err.h"
#include "node/node_reg.h"

#include <string.h>

json_t *
eas_profile(struct eas *a)
{
    json_t *p = a->cfg.profile != NULL ? json_deep_copy(a->cfg.profile) : json_object();

    if (p == NULL)
        return NULL;
    json_object_set_new(p, "easId", json_string(a->cfg.eas_id));
    json_object_set_new(p, "endPt", node_endpoint(&a->n));
    return p;
}

static json_t *
reg_body(void *arg)
{
    json_t *p = eas_profile(arg);

    return p != NULL ? json_pack("{s:o}", "easProf", p) : NULL;
}

/* update_profile {profile}: further EASProfile members (merged, RFC 7396), sent at once. */
static void
reg_update_cmd(struct ctl_req *cr, json_t *args, void *arg)
{
    struct eas *a = arg;
    json_t *patch = json_object_get(args, "profile"), *p, *v;
    const char *k;
    char err[EDGE_ERR_LEN];

    if (!json_is_object(patch) || json_object_get(patch, "easId") != NULL ||
        json_object_get(patch, "endPt") != NULL) {
        ctl_reply_error(cr, EAS_CTL_BAD_ARGS,
                        "update_profile needs profile, an object without easId and endPt");
        return;
    }
    p = a->cfg.profile != NULL ? json_deep_copy(a->cfg.profile) : json_object();
    json_object_foreach(patch, k, v)
    {
        if (json_is_null(v))
            json_object_del(p, k);
        else
            json_object_set(p, k, v);
    }
    json_object_set_new(p, "easId", json_string(a->cfg.eas_id));
    json_object_set_new(p, "endPt", node_endpoint(&a->n));
    if (js_decode(p, "profile", edgeapp_eas_profile, NULL, NULL, err) < 0) {
        json_decref(p);
        ctl_reply_error(cr, EAS_CTL_BAD_ARGS, "%s", err);
        return;
    }
    json_object_del(p, "easId");
    json_object_del(p, "endPt");
    /* The config owns a->cfg.profile: keep the new one there, so it lives as long. */
    json_object_set_new(config_root(a->n.cf), "profile", p);
    a->cfg.profile = p;
    node_reg_update(a->reg);
    ctl_reply(cr, json_pack("{s:o}", "profile", eas_profile(a)));
}

int
eas_reg_setup(struct eas *a, char *err)
{
    struct node_reg_conf c = {
        .what = "EDGE-3",
        .server = a->cfg.ees,
        .server_key = "ees",
        .path = EDGEAPP_PATH_EASREG,
        .answer = edgeapp_eas_registration,
        .policy = a->cfg.reg,
        .body = reg_body,
        .arg = a,
    };

    if ((a->reg = node_reg_new(&a->n, &c, err)) == NULL)
        return -1;
    return ctl_command(a->n.ctl, "update_profile", reg_update_cmd, a, err);
}
