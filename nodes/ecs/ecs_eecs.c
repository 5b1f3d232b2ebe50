/* ecs_eecs.c -- which EECs an EES registered here serves, as far as this ECS knows, so that it can
 * check the eec_id of an S-EES's token request before it signs or forwards it (TR 33.739 6.27:
 * the ECS "can verify the input parameters"; TS 33.501 13.4.1.1.3 step 2). 3GPP gives the ECS no
 * view of an EES's EEC registrations or contexts; what it does know is what it did itself:
 *   - it provisioned the EEC with that EES (EDGE-4, TS 23.558 8.3.3; or for a partner ECS's EEC,
 *     EDGE-10, TS 23.558 8.17.2.4): the EEC may register there;
 *   - it signed an EDGE-9 token with that eec_id for that EES as T-EES: the EEC's context moves
 *     there (TS 23.558 8.9.2.3), and the EES may later relocate it onwards.
 * Each binding lives eecBindingLifetime seconds from the last time it was made. */
#include "ecs.h"
#include "base/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ECS_EECS_MAX 4096

struct ecs_binding {
    char eec_id[EDGE_ID_MAX];
    char ees[EDGE_FQDN_MAX];
    long long exp;
};

struct ecs_eecs {
    struct ecs_binding b[ECS_EECS_MAX];
    size_t n;
};

int
ecs_eecs_setup(struct ecs *e, char *err)
{
    if ((e->eecs = calloc(1, sizeof(*e->eecs))) == NULL)
        return edge_err(err, "out of memory");
    return 0;
}

void
ecs_eecs_free(struct ecs *e)
{
    free(e->eecs);
    e->eecs = NULL;
}

static struct ecs_binding *
eecs_find(struct ecs *e, const char *eec_id, const char *ees_fqdn)
{
    for (size_t i = 0; i < e->eecs->n; i++) {
        struct ecs_binding *b = &e->eecs->b[i];
        if (strcmp(b->eec_id, eec_id) == 0 && strcasecmp(b->ees, ees_fqdn) == 0)
            return b;
    }
    return NULL;
}

void
ecs_eecs_note(struct ecs *e, const char *eec_id, const char *ees_fqdn, const char *how)
{
    long long now = node_now();
    struct ecs_binding *b = eecs_find(e, eec_id, ees_fqdn);
    json_t *data;

    if (b == NULL) {
        /* A free slot, else an expired one, else the one that expires first: a flood of
         * provisioning requests costs the oldest bindings, never memory. */
        if (e->eecs->n < ECS_EECS_MAX) {
            b = &e->eecs->b[e->eecs->n++];
        } else {
            b = &e->eecs->b[0];
            for (size_t i = 1; i < e->eecs->n && b->exp > now; i++)
                if (e->eecs->b[i].exp < b->exp)
                    b = &e->eecs->b[i];
        }
        snprintf(b->eec_id, sizeof(b->eec_id), "%s", eec_id);
        snprintf(b->ees, sizeof(b->ees), "%s", ees_fqdn);
    }
    b->exp = now + e->cfg.eec_binding;
    data = json_pack("{s:s, s:s, s:s, s:I}", "eecId", eec_id, "ees", ees_fqdn, "how", how, "exp",
                     (json_int_t)b->exp);
    node_log(&e->node, "eec", eec_id, NULL, data, "EEC %s bound to EES %s (%s)", eec_id, ees_fqdn,
             how);
    json_decref(data);
}

int
ecs_eecs_served(struct ecs *e, const char *eec_id, const char *ees_fqdn)
{
    const struct ecs_binding *b = eecs_find(e, eec_id, ees_fqdn);

    return b != NULL && b->exp > node_now();
}
