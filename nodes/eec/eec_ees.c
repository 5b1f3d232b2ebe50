/* eec_ees.c -- what the EEC keeps per EES between commands: the EESInfo of the last service
 * provisioning (TS 24.558 ECSServProvResp, with the token of TS 33.558 6.2), its registration
 * there (TS 23.558 8.4.2: regId, eecCntxId, expTime) and the EASes discovered there. */
#include "eec.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct eec_ees *
eec_ees_find(struct eec *e, const char *id)
{
    for (size_t i = 0; i < e->nees; i++)
        if (strcmp(e->ees[i]->id, id) == 0)
            return e->ees[i];
    return NULL;
}

struct eec_ees *
eec_ees_add(struct eec *e, const char *id, char *err)
{
    struct eec_ees *x = eec_ees_find(e, id);

    if (x != NULL)
        return x;
    if (strlen(id) >= sizeof(x->id))
        return edge_err(err, "eesId longer than %zu bytes", sizeof(x->id) - 1), NULL;
    if (e->nees == EEC_EES_MAX)
        return edge_err(err, "the EEC already knows %d EESes", EEC_EES_MAX), NULL;
    if ((x = calloc(1, sizeof(*x))) == NULL)
        return edge_err(err, "out of memory"), NULL;
    snprintf(x->id, sizeof(x->id), "%s", id);
    snprintf(x->host, sizeof(x->host), "%s", id);
    e->ees[e->nees++] = x;
    return x;
}

struct eec_ees *
eec_ees_get(struct eec *e, const char *id, char *err)
{
    struct eec_ees *x = eec_ees_find(e, id);
    char addr[64];
    unsigned short port;

    if (x != NULL)
        return x;
    /* Not provisioned: an EES the runner names directly is reachable only through "hosts"
     * (an attack scenario may skip provisioning). */
    if (node_resolve(&e->n, id, addr, sizeof(addr), &port, err) < 0)
        return edge_err(err, "%s: not provisioned, and no address for it in hosts", id), NULL;
    return eec_ees_add(e, id, err);
}

void
eec_ees_set_host(struct eec_ees *x, const json_t *endpoint)
{
    char host[EDGE_FQDN_MAX];

    /* EndPoint with ipv4Addrs/ipv6Addrs names no host: TLS needs a name to check, so the
     * eesId (an FQDN in edgesim) is used, as it is when no endPt came. */
    if (endpoint == NULL || edgeapp_endpoint_host(endpoint, host, sizeof(host)) == NULL)
        snprintf(x->host, sizeof(x->host), "%s", x->id);
    else
        snprintf(x->host, sizeof(x->host), "%s", host);
}

static void
eec_ees_wipe(char **token)
{
    if (*token != NULL) {
        OPENSSL_cleanse(*token, strlen(*token));
        free(*token);
        *token = NULL;
    }
}

void
eec_ees_set_token(struct eec_ees *x, const char *token)
{
    eec_ees_wipe(&x->token);
    if (token != NULL)
        x->token = strdup(token);
}

void
eec_ees_set_registration(struct eec_ees *x, const char *reg_id, const char *cntx_id,
                         const char *exp_time, const char *token, int implicit)
{
    snprintf(x->reg_id, sizeof(x->reg_id), "%s", reg_id);
    snprintf(x->cntx_id, sizeof(x->cntx_id), "%s", cntx_id != NULL ? cntx_id : "");
    snprintf(x->exp_time, sizeof(x->exp_time), "%s", exp_time != NULL ? exp_time : "");
    x->implicit = implicit;
    eec_ees_wipe(&x->reg_token);
    if (token != NULL)
        x->reg_token = strdup(token);
}

void
eec_ees_clear_registration(struct eec_ees *x)
{
    x->reg_id[0] = x->cntx_id[0] = x->exp_time[0] = '\0';
    x->implicit = 0;
    eec_ees_wipe(&x->reg_token);
}

/* [{eesId, regId, eecCntxId, expTime, implicit}] for every EES the EEC is registered at. */
json_t *
eec_ees_registrations(const struct eec *e)
{
    json_t *list = json_array();

    for (size_t i = 0; i < e->nees; i++) {
        const struct eec_ees *x = e->ees[i];
        if (x->reg_id[0] == '\0')
            continue;
        json_array_append_new(
            list, json_pack("{s:s, s:s, s:s?, s:s?, s:b}", "eesId", x->id, "regId", x->reg_id,
                            "eecCntxId", x->cntx_id[0] ? x->cntx_id : NULL, "expTime",
                            x->exp_time[0] ? x->exp_time : NULL, "implicit", x->implicit));
    }
    return list;
}

void
eec_ees_free_all(struct eec *e)
{
    for (size_t i = 0; i < e->nees; i++) {
        eec_ees_wipe(&e->ees[i]->token);
        eec_ees_wipe(&e->ees[i]->reg_token);
        json_decref(e->ees[i]->eas);
        free(e->ees[i]);
        e->ees[i] = NULL;
    }
    e->nees = 0;
}
