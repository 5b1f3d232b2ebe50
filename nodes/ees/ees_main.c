/* ees_main.c -- edge-ees: the Edge Enabler Server daemon (TS 23.558, nodes/README.md): start-up
 * (config, routes, control commands, EDGE-6 registration at its ECS), the event loop, and a stop
 * that deregisters before it exits. */
#include "ees.h"
#include "base/err.h"
#include "node/node_reg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
ees_on_stop(struct node *n, void *arg)
{
    struct ees *e = arg;

    (void)n;
    e->stopping = 1;
    node_reg_halt(e->ecsreg);
}

static int
ees_setup(struct ees *e, char *err)
{
    if (ees_config_check(e, err) < 0 || ees_keys_new(e, err) < 0 || ees_store_new(e, err) < 0 ||
        ees_oauth_setup(e, err) < 0 || ees_ecsreg_setup(e, err) < 0 ||
        ees_easreg_setup(e, err) < 0 || ees_subs_setup(e, err) < 0 ||
        ees_targetdisc_setup(e, err) < 0 || ees_edge9_setup(e, err) < 0 ||
        ees_eecreg_setup(e, err) < 0 || ees_easdisc_setup(e, err) < 0 ||
        ees_cntxreloc_setup(e, err) < 0 || ees_acrreq_setup(e, err) < 0 ||
        ees_act_setup(e, err) < 0)
        return -1;
    if (strcmp(e->cfg.token_replay, "single-use") == 0 &&
        (e->replay = token_replay_new(65536)) == NULL)
        return edge_err(err, "out of memory");
    e->n.on_stop = ees_on_stop;
    e->n.on_stop_arg = e;
    return 0;
}

static void
ees_free(struct ees *e)
{
    /* Timers belong to the event base node_free() frees; pending HTTP exchanges call back from
     * inside node_free(), and with closing set they only free their own state. */
    node_reg_close(e->ecsreg);
    ees_act_free(e);
    ees_subs_close(e);
    ees_store_free(e);
    ees_easreg_free(e);
    e->closing = 1;
    node_free(&e->n);
    node_reg_free(e->ecsreg);
    ees_subs_free(e);
    ees_oauth_free(e);
    ees_keys_free(e);
    token_replay_free(e->replay);
    json_decref(e->eas);
    json_decref(e->teas_seen);
}

int
main(int argc, char **argv)
{
    static struct ees e;
    struct node_opts o = {.kind = "ees",
                          .server = 1,
                          .fields = ees_config_fields,
                          .dst = &e.cfg,
                          .sco_apis = ees_sco_apis};
    char err[EDGE_ERR_LEN];
    int rc;

    ees_config_defaults(&e.cfg);
    if (node_init(&e.n, argc, argv, &o, err) < 0 || ees_setup(&e, err) < 0) {
        fprintf(stderr, "edge-ees: %s\n", err);
        e.closing = 1;
        ees_free(&e);
        return 1;
    }
    ees_ecsreg_start(&e);
    rc = node_run(&e.n);
    node_reg_drain(e.ecsreg); /* deregister from the ECS (TS 23.558 8.4.4.4) */
    ees_free(&e);
    return rc;
}
