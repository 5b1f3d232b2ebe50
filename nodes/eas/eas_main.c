/* eas_main.c -- edge-eas: the Edge Application Server daemon (TS 23.558 8.4.3, 8.8;
 * nodes/eas/README.md): start-up (config, routes, control commands, EDGE-3 registration at its
 * EES), the event loop, and a stop that deregisters before it exits. */
#include "eas.h"
#include "base/err.h"
#include "node/node_reg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EAS_DRAIN_MS 2000 /* how long a stop waits for the EES to answer the deregistration */

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
drain_timeout(evutil_socket_t fd, short what, void *arg)
{
    struct eas *a = arg;

    (void)fd;
    (void)what;
    node_log(&a->n, "registry", a->cfg.ees, "NO_RESPONSE", NULL,
             "no answer to the EDGE-3 deregistration within %d ms", EAS_DRAIN_MS);
    event_base_loopbreak(a->n.base);
}

/* After the loop stopped: deregister from the EES (TS 23.558 8.4.3.2.4) and wait for it. */
static void
eas_drain(struct eas *a)
{
    struct timeval tv = {EAS_DRAIN_MS / 1000, (suseconds_t)(EAS_DRAIN_MS % 1000) * 1000};
    struct event *t;

    if (!node_reg_stop(a->reg))
        return;
    if ((t = evtimer_new(a->n.base, drain_timeout, a)) == NULL)
        return;
    evtimer_add(t, &tv);
    event_base_dispatch(a->n.base);
    event_free(t);
    event_base_loop(a->n.base, EVLOOP_NONBLOCK); /* as ees_drain: run the last deferred calls */
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
    eas_drain(&a);
    eas_free(&a);
    return rc;
}
