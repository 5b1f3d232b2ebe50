/* aanf_main.c -- edge-aanf start-up: the node runtime with the AAnF's config keys (nodes/aanf/
 * README.md), the Naanf_AKMA route, ready, run. */
#include "aanf.h"

#include <stddef.h>
#include <stdio.h>

#include "base/err.h"

static const struct js_field aanf_config_fields[] = {
    KEYSRV_FIELDS(offsetof(struct aanf_config, ks), "afs", "kafLifetime"),
    {0},
};

/* Every AKMA context is whole: the AAnF derives K_AF from it. */
static int
aanf_check_subscribers(struct aanf *a, char *err)
{
    for (size_t i = 0; i < subscribers_count(a->node.subs); i++) {
        const struct subscriber *s = subscribers_at(a->node.subs, i);
        if (s->akid[0] == '\0' || !s->has_kakma)
            return edge_err(err, "subscribers[%zu]: an AAnF entry needs akid and kakma", i);
    }
    return 0;
}

int
main(int argc, char **argv)
{
    static struct aanf a;
    struct node_opts o = {.kind = "aanf", .server = 1, .fields = aanf_config_fields, .dst = &a.cfg};
    char err[EDGE_ERR_LEN];
    int rc = 1;

    a.cfg.ks.lifetime = KEYSRV_LIFETIME;
    if (node_init(&a.node, argc, argv, &o, err) < 0 || aanf_check_subscribers(&a, err) < 0 ||
        aanf_keyget_setup(&a, err) < 0) {
        fprintf(stderr, "edge-aanf: %s\n", err);
        goto done;
    }
    a.started = keysrv_ready(&a.node, "akma", subscribers_count(a.node.subs),
                             "AKMA contexts registered", "contexts");
    rc = node_run(&a.node);
done:
    node_free(&a.node);
    return rc;
}
