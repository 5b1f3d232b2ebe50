/* bsf_main.c -- edge-bsf start-up: the node runtime with the BSF's config keys (nodes/bsf/
 * README.md), its bootstrapping sessions, the Nbsp_GBA route, ready, run. */
#include "bsf.h"

#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "base/err.h"

#define BSF_KEY_LIFETIME 3600

static const struct js_field bsf_config_fields[] = {
    {.name = "bootstraps",
     .type = JS_ARRAY,
     .flags = JS_STORE,
     .store = offsetof(struct bsf_config, boots),
     .items = JS_OBJECT,
     .max_len = 4096,
     .sub = bsf_boot_fields},
    {.name = "nafs",
     .type = JS_ARRAY,
     .flags = JS_STORE,
     .store = offsetof(struct bsf_config, nafs),
     .items = JS_STRING,
     .max_len = 1024,
     .item_check = js_check_fqdn},
    {.name = "keyLifetime",
     .type = JS_INT,
     .flags = JS_STORE,
     .store = offsetof(struct bsf_config, key_lifetime),
     .check = js_check_range,
     .min = 1,
     .max = 31536000},
    {0},
};

int
main(int argc, char **argv)
{
    static struct bsf b;
    struct node_opts o = {.kind = "bsf", .server = 1, .fields = bsf_config_fields, .dst = &b.cfg};
    char err[EDGE_ERR_LEN];
    int rc = 1;

    b.cfg.key_lifetime = BSF_KEY_LIFETIME;
    if (node_init(&b.node, argc, argv, &o, err) < 0 || bsf_table_load(&b, err) < 0 ||
        bsf_bootinfo_setup(&b, err) < 0) {
        fprintf(stderr, "edge-bsf: %s\n", err);
        goto done;
    }
    b.started = (long long)time(NULL);
    node_log(&b.node, "gba", NULL, NULL, NULL, "%zu bootstrapping sessions", b.nboots);
    node_ready(&b.node, json_pack("{s:I}", "sessions", (json_int_t)b.nboots));
    rc = node_run(&b.node);
done:
    bsf_table_free(&b);
    node_free(&b.node);
    return rc;
}
