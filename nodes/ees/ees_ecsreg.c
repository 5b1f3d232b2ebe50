/* ees_ecsreg.c -- this EES's registration at its ECS over EDGE-6 (TS 23.558 8.4.4, TS 29.558
 * Eecs_EESRegistration), kept alive by node_reg.h: the EESProfile it registers, and the ECS's
 * JWKS fetched before each registration (the keys its tokens will be signed with; a restarted
 * ECS may publish others). The node says ready once registered. */
#include "ees.h"
#include "edgeapp/edgeapp_paths.h"
#include "base/err.h"
#include "node/node_reg.h"

static json_t *
ecsreg_body(void *arg)
{
    struct ees *e = arg;
    /* EESProfile.easIds: configured, and those of the EASes registered here (EDGE-3). */
    json_t *prof =
        json_pack("{s:s, s:o, s:o, s:b}", "eesId", e->n.name, "endPt", node_endpoint(&e->n),
                  "easIds", ees_eas_ids(e), "eecRegConf", e->cfg.eec_reg_conf);

    if (prof != NULL && e->cfg.svc_area != NULL)
        json_object_set(prof, "svcArea", e->cfg.svc_area);
    return prof != NULL ? json_pack("{s:o}", "eesProf", prof) : NULL;
}

static void
ecsreg_keys_done(struct ees *e, int ok, void *arg)
{
    if (e->closing || e->stopping)
        return;
    /* Without the keys the EES still registers: a token's unknown kid reloads them later. */
    e->keys_ok = ok;
    node_reg_post(arg);
}

/* Register: the ECS's JWKS first, then POST. */
static void
ecsreg_before_post(struct node_reg *g, void *arg)
{
    struct ees *e = arg;

    if (e->keys_ok)
        node_reg_post(g);
    else
        ees_keys_fetch(e, NULL, ecsreg_keys_done, g);
}

static void
ecsreg_lost(void *arg)
{
    struct ees *e = arg;

    e->keys_ok = 0; /* a restarted ECS may publish other keys */
}

int
ees_ecsreg_setup(struct ees *e, char *err)
{
    struct node_reg_conf c = {
        .what = "EDGE-6",
        .server = e->cfg.ecs,
        .server_key = "ecs",
        .path = EDGEAPP_PATH_EESREG,
        .answer = edgeapp_ees_registration,
        .policy = e->cfg.reg,
        .body = ecsreg_body,
        .before_post = ecsreg_before_post,
        .lost = ecsreg_lost,
        .arg = e,
    };

    return (e->ecsreg = node_reg_new(&e->n, &c, err)) == NULL ? -1 : 0;
}

void
ees_ecsreg_start(struct ees *e)
{
    node_reg_start(e->ecsreg);
}
