/* aanf_main.c -- edge-aanf start-up: the node runtime with the AAnF's config keys (nodes/aanf/
 * README.md), the Naanf_AKMA route, ready, run. */
#include "aanf.h"

#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "base/err.h"

#define AANF_KAF_LIFETIME 3600

static const struct js_field aanf_config_fields[] = {
    {.name = "afs",
     .type = JS_ARRAY,
     .flags = JS_STORE,
     .store = offsetof(struct aanf_config, afs),
     .items = JS_STRING,
     .max_len = 1024,
     .item_check = js_check_fqdn},
    {.name = "kafLifetime",
     .type = JS_INT,
     .flags = JS_STORE,
     .store = offsetof(struct aanf_config, kaf_lifetime),
     .check = js_check_range,
     .min = 1,
     .max = 31536000},
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

    a.cfg.kaf_lifetime = AANF_KAF_LIFETIME;
    if (node_init(&a.node, argc, argv, &o, err) < 0 || aanf_check_subscribers(&a, err) < 0 ||
        aanf_keyget_setup(&a, err) < 0) {
        fprintf(stderr, "edge-aanf: %s\n", err);
        goto done;
    }
    a.started = (long long)time(NULL);
    node_log(&a.node, "akma", NULL, NULL, NULL, "%zu AKMA contexts registered",
             subscribers_count(a.node.subs));
    node_ready(&a.node, json_pack("{s:I}", "contexts", (json_int_t)subscribers_count(a.node.subs)));
    rc = node_run(&a.node);
done:
    node_free(&a.node);
    return rc;
}
