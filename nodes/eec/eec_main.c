/* eec_main.c -- edge-eec's start-up: its config keys, its control commands, then the event loop
 * (nodes/README.md; the EEC of TS 23.558 acts only when the runner asks). */
#include "eec.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

static const struct js_field eec_deadline_fields[] = {
    {.name = "requestMs",
     .type = JS_INT,
     .flags = JS_STORE,
     .store = offsetof(struct eec_config, request_ms),
     .check = js_check_range,
     .min = 100,
     .max = 600000},
    {0},
};

static const char *const eec_pop_creds[] = {"cert", "psk", NULL};

/* The UEs it hosts besides itself (eec_population.h). */
static const struct js_field eec_pop_fields[] = {
    {.name = "file",
     .type = JS_STRING,
     .flags = JS_REQUIRED | JS_STORE | JS_NONEMPTY,
     .store = offsetof(struct eec_config, pop_file),
     .max_len = 4096},
    {.name = "credentials",
     .type = JS_STRING,
     .flags = JS_REQUIRED | JS_STORE,
     .store = offsetof(struct eec_config, pop_creds),
     .check = js_check_enum,
     .choices = eec_pop_creds},
    {0},
};

static const struct js_field eec_fields[] = {
    {.name = "ecs",
     .type = JS_STRING,
     .flags = JS_REQUIRED | JS_STORE,
     .store = offsetof(struct eec_config, ecs),
     .check = js_check_fqdn},
    {.name = "eecId",
     .type = JS_STRING,
     .flags = JS_STORE,
     .store = offsetof(struct eec_config, eec_id),
     .check = js_check_id},
    {.name = "gpsi",
     .type = JS_STRING,
     .flags = JS_STORE,
     .store = offsetof(struct eec_config, gpsi),
     .check = js_check_gpsi},
    {.name = "acProfs",
     .type = JS_ARRAY,
     .flags = JS_STORE,
     .store = offsetof(struct eec_config, ac_profs),
     .max_len = 64,
     .items = JS_OBJECT,
     .sub = edgeapp_ac_profile},
    {.name = "locInf",
     .type = JS_OBJECT,
     .flags = JS_STORE,
     .store = offsetof(struct eec_config, loc_inf),
     .sub = edgeapp_location_info},
    {.name = "deadlines", .type = JS_OBJECT, .sub = eec_deadline_fields},
    {.name = "population", .type = JS_OBJECT, .sub = eec_pop_fields},
    {.name = "notify", .type = JS_OBJECT}, /* its notification endpoint: eec_notify.c checks it */
    {0},
};

static const struct {
    const char *name;
    ctl_handler h;
} eec_commands[] = {
    {"provision", eec_provision_cmd},
    {"register", eec_register_cmd},
    {"update", eec_update_cmd},
    {"deregister", eec_deregister_cmd},
    {"discover", eec_discover_cmd},
    {"relocate", eec_relocate_cmd},
    {"registrations", eec_registrations_cmd},
    {"population", eec_pop_info_cmd},
    {"population_run", eec_pop_run_cmd},
    {"subscribe", eec_subscribe_cmd},
    {"unsubscribe", eec_unsubscribe_cmd},
};

/* What node_init cannot check alone: the names must agree and the ECS must be reachable. */
static int
eec_check_config(struct eec *e, char *err)
{
    char addr[64];
    unsigned short port;
    const char *path = config_path(e->n.cf);

    if (e->cf.eec_id != NULL && strcmp(e->cf.eec_id, e->n.name) != 0)
        return edge_err(err,
                        "%s: eecId: \"%s\" differs from node \"%s\" (an EEC's node is its EEC ID)",
                        path, e->cf.eec_id, e->n.name);
    if (node_resolve(&e->n, e->cf.ecs, addr, sizeof(addr), &port, err) < 0)
        return edge_err(err, "%s: ecs: no address for %s in hosts", path, e->cf.ecs);
    return 0;
}

static int
eec_add_commands(struct eec *e, char *err)
{
    for (size_t i = 0; i < sizeof(eec_commands) / sizeof(eec_commands[0]); i++)
        if (ctl_command(e->n.ctl, eec_commands[i].name, eec_commands[i].h, e, err) < 0)
            return -1;
    return 0;
}

int
main(int argc, char **argv)
{
    static struct eec e; /* large (node state and EES table): not on the stack */
    struct node_opts o = {.kind = "eec", .server = 0, .fields = eec_fields, .dst = &e.cf};
    char err[EDGE_ERR_LEN];
    int rc = 1;

    /* nodes/eec/README.md "Deadlines": an ACR waits on the S-EES's token request (its ECS may
     * forward it over a slow backhaul) and then on the push to the T-EES. */
    e.cf.request_ms = 45000;
    if (node_init(&e.n, argc, argv, &o, err) < 0 || eec_check_config(&e, err) < 0 ||
        eec_add_commands(&e, err) < 0 || eec_pop_load(&e, e.cf.pop_file, e.cf.pop_creds, err) < 0 ||
        eec_notify_setup(&e, err) < 0) {
        fprintf(stderr, "edge-eec: %s\n", err);
    } else {
        node_ready(&e.n, json_pack("{s:s, s:s?, s:b, s:s, s:b}", "ecs", e.cf.ecs, "gpsi", e.cf.gpsi,
                                   "psk", e.n.psk_on, "credential",
                                   e.n.psk_on                              ? "psk"
                                   : e.n.tls_client_cred == NODE_CRED_NONE ? "none"
                                                                           : "cert",
                                   "notify", e.notify != NULL));
        rc = node_run(&e.n);
    }
    /* node_free cancels requests still in flight; their callbacks must not reach the control
     * socket, which is freed first. */
    e.closing = 1;
    eec_notify_free(&e); /* its server runs on the node's event base */
    node_free(&e.n);
    eec_ees_free_all(&e);
    eec_pop_free(&e.pop);
    return rc;
}
