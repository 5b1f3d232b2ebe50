/* bsf_main.c -- edge-bsf start-up: the node runtime with the BSF's config keys (nodes/bsf/
 * README.md), its bootstrapping sessions, the Nbsp_GBA route, ready, run. */
#include "bsf.h"

#include <stddef.h>
#include <stdio.h>

#include "base/err.h"

static const struct js_field bsf_config_fields[] = {
    {.name = "bootstraps",
     .type = JS_ARRAY,
     .flags = JS_STORE,
     .store = offsetof(struct bsf_config, boots),
     .items = JS_OBJECT,
     .max_len = 4096,
     .sub = bsf_boot_fields},
    KEYSRV_FIELDS(offsetof(struct bsf_config, ks), "nafs", "keyLifetime"),
    {0},
};

int
main(int argc, char **argv)
{
    static struct bsf b;
    struct node_opts o = {.kind = "bsf", .server = 1, .fields = bsf_config_fields, .dst = &b.cfg};
    char err[EDGE_ERR_LEN];
    int rc = 1;

    b.cfg.ks.lifetime = KEYSRV_LIFETIME;
    if (node_init(&b.node, argc, argv, &o, err) < 0 || bsf_table_load(&b, err) < 0 ||
        bsf_bootinfo_setup(&b, err) < 0) {
        fprintf(stderr, "edge-bsf: %s\n", err);
        goto done;
    }
    b.started = keysrv_ready(&b.node, "gba", b.nboots, "bootstrapping sessions", "sessions");
    rc = node_run(&b.node);
done:
    bsf_table_free(&b);
    node_free(&b.node);
    return rc;
}
