/* eas_main.c -- edge-eas: the Edge Application Server daemon (TS 23.558 8.4.3, 8.8;
 * nodes/eas/README.md): start-up (config, routes, control commands, EDGE-3 registration at its
 * EES), the event loop, and a stop that deregisters before it exits. */
#include "eas.h"
#include "base/err.h"
#include "node/node_reg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
eas_on_stop(struct node *n, void *arg)
{
    struct eas *a = arg;

    (void)n;
    a->stopping = 1;
    node_reg_halt(a->reg);
}

static int
eas_setup(struct eas *a, char *err)
{
    if (eas_config_check(a, err) < 0 || eas_reg_setup(a, err) < 0 || eas_appctx_setup(a, err) < 0 ||
        eas_acr_setup(a, err) < 0)
        return -1;
    a->n.on_stop = eas_on_stop;
    a->n.on_stop_arg = a;
    return 0;
}

static void
eas_free(struct eas *a)
{
    node_reg_close(a->reg);
    eas_acr_close(a);
    a->closing = 1;
    node_free(&a->n);
    node_reg_free(a->reg);
    eas_acr_free(a);
    eas_appctx_free(a);
}

int
main(int argc, char **argv)
{
    static struct eas a;
    struct node_opts o = {.kind = "eas", .server = 1, .fields = eas_config_fields, .dst = &a.cfg};
    char err[EDGE_ERR_LEN];
    int rc;

    eas_config_defaults(&a.cfg);
    if (node_init(&a.n, argc, argv, &o, err) < 0 || eas_setup(&a, err) < 0) {
        fprintf(stderr, "edge-eas: %s\n", err);
        eas_free(&a);
        return 1;
    }
    eas_acr_start(&a);
    rc = node_run(&a.n);
    node_reg_drain(a.reg); /* deregister from the EES (TS 23.558 8.4.3.2.4) */
    eas_free(&a);
    return rc;
}
