/* ecs_main.c -- edge-ecs start-up: the node runtime with the ECS's config keys, then each
 * module's routes and control commands, ready, run (nodes/README.md is the contract). */
#include "ecs.h"
#include "base/err.h"

#include <stdio.h>

/* Every module registers its routes and commands; order only matters for the log. */
static int
ecs_setup(struct ecs *e, char *err)
{
    if (ecs_config_check(e, err) < 0 || ecs_keys_setup(e, err) < 0 ||
        ecs_locate_setup(e, err) < 0 || ecs_eecs_setup(e, err) < 0 ||
        ecs_eesreg_setup(e, err) < 0 || ecs_ecsprov_setup(e, err) < 0 ||
        ecs_token_setup(e, err) < 0 || ecs_provisioning_setup(e, err) < 0 ||
        ecs_targetdisc_setup(e, err) < 0 || ecs_servprov_subs_setup(e, err) < 0 ||
        ecs_keepalive_start(e, err) < 0)
        return -1;
    return 0;
}

static void
ecs_on_stop(struct node *n, void *arg)
{
    struct ecs *e = arg;

    (void)n;
    /* Held requests are answered 503 when the server closes; callbacks still in flight see
     * this flag and only free their own state. */
    e->stopping = 1;
}

static void
ecs_teardown(struct ecs *e)
{
    e->stopping = 1;
    ecs_servprov_subs_close(e);
    ecs_registry_free(e->reg);
    e->reg = NULL;
    ecs_locate_free(e);
    ecs_eecs_free(e);
    ecs_keys_free(e);
}

int
main(int argc, char **argv)
{
    static struct ecs e; /* static: callbacks run from node_free() may still look at it */
    struct node_opts o = {
        .kind = "ecs",
        .server = 1,
        .fields = ecs_config_fields,
        .sco_apis = ecs_sco_apis,
        .dst = &e.cfg,
    };
    char err[EDGE_ERR_LEN];
    int rc = 1;

    ecs_config_defaults(&e.cfg);
    if (node_init(&e.node, argc, argv, &o, err) < 0 || ecs_setup(&e, err) < 0) {
        fprintf(stderr, "edge-ecs: %s\n", err);
        goto done;
    }
    e.node.on_stop = ecs_on_stop;
    e.node.on_stop_arg = &e;
    node_ready(&e.node, json_pack("{s:s}", "kid", keyring_active_kid(e.keys)));
    rc = node_run(&e.node);
done:
    ecs_teardown(&e);
    node_free(&e.node);
    ecs_servprov_subs_free(&e);
    return rc;
}
