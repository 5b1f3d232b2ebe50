/* ecs_locate.c -- where the EESes registered at peer ECSes are, as the peers' EDGE-10 answers said
 * (TS 23.558 8.17.2.4), kept for locationCacheLifetime seconds so that a token request for a
 * T-EES seen before goes straight to the ECS that reaches it (TS 33.501 13.4.1.1.3 step 3 without
 * a lookup each time); an entry is forgotten when a forward through it fails. And peerKeepAlive:
 * a light request to each peer every so often, so that the mutual-TLS connection a forward needs
 * is open when the forward comes (HTTP keep-alive, RFC 9112 9.3). */
#include "ecs.h"
#include "base/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ECS_LOCATIONS_MAX 256

struct ecs_locations {
    struct ecs_where w[ECS_LOCATIONS_MAX];
    size_t n;
};

int
ecs_locate_setup(struct ecs *e, char *err)
{
    if ((e->loc = calloc(1, sizeof(*e->loc))) == NULL)
        return edge_err(err, "out of memory");
    return 0;
}

static void
locate_warm(const struct http_client_resp *r, void *arg)
{
    (void)r, (void)arg; /* the exchange itself is the point: http_client logs it */
}

static void
locate_keepalive(evutil_socket_t fd, short what, void *arg)
{
    struct ecs *e = arg;
    size_t i;
    json_t *v;

    (void)fd, (void)what;
    if (e->stopping)
        return;
    /* The JWKS is the lightest thing a peer serves; the answer only keeps the connection warm
     * (http_client keeps it for the next request to that peer). */
    json_array_foreach(e->cfg.peers, i, v)
    {
        char why[EDGE_ERR_LEN];
        if (node_send_json(&e->node, "GET", json_string_value(v), "/oauth2/jwks", NULL, NULL,
                           locate_warm, NULL, why) < 0)
            node_log(&e->node, "keepalive", json_string_value(v), NULL, NULL,
                     "peer ECS %s not kept warm: %s", json_string_value(v), why);
    }
}

/* peerKeepAlive: a first round as soon as the loop runs, then one per interval. */
int
ecs_keepalive_start(struct ecs *e, char *err)
{
    struct timeval now = {0, 0};

    if (e->cfg.keepalive == 0 || json_array_size(e->cfg.peers) == 0)
        return 0;
    if ((e->keepalive = event_new(e->node.base, -1, EV_PERSIST, locate_keepalive, e)) == NULL)
        return edge_err(err, "out of memory");
    struct timeval every = {.tv_sec = (time_t)e->cfg.keepalive};
    if (event_add(e->keepalive, &every) < 0 ||
        event_base_once(e->node.base, -1, EV_TIMEOUT, locate_keepalive, e, &now) < 0)
        return edge_err(err, "cannot schedule the peer keep-alive");
    return 0;
}

void
ecs_locate_free(struct ecs *e)
{
    if (e->keepalive != NULL)
        event_free(e->keepalive);
    e->keepalive = NULL;
    free(e->loc);
    e->loc = NULL;
}

static struct ecs_where *
where_slot(struct ecs *e, const char *id, const char *fqdn)
{
    long long now = node_now();

    for (size_t i = 0; i < e->loc->n; i++) {
        struct ecs_where *w = &e->loc->w[i];
        if (w->exp <= now)
            continue;
        if ((fqdn != NULL && strcasecmp(w->fqdn, fqdn) == 0) ||
            (id != NULL && (strcmp(w->ees_id, id) == 0 || strcasecmp(w->fqdn, id) == 0)))
            return w;
    }
    return NULL;
}

const struct ecs_where *
ecs_where_find(struct ecs *e, const char *id, const char *fqdn)
{
    return where_slot(e, id, fqdn);
}

/* The EES's FQDN: the host of its endPt, else its eesId (an FQDN in edgesim). */
static int
where_fqdn(const json_t *info, char out[EDGE_FQDN_MAX])
{
    char why[EDGE_ERR_LEN];

    if (edgeapp_endpoint_host(json_object_get(info, "endPt"), out, EDGE_FQDN_MAX) == NULL)
        snprintf(out, EDGE_FQDN_MAX, "%s", json_string_value(json_object_get(info, "eesId")));
    return js_valid_fqdn(out, why);
}

int
ecs_where_put(struct ecs *e, const json_t *found, struct ecs_where *out)
{
    const json_t *info = json_object_get(found, "info");
    const char *holder = json_string_value(json_object_get(info, "regEcs"));
    const char *peer = json_string_value(json_object_get(found, "peer"));
    const char *authz = json_string_value(json_object_get(info, "authzMethod"));
    struct ecs_where w = {0}, *slot;

    if (holder == NULL || peer == NULL || where_fqdn(info, w.fqdn) < 0)
        return -1;
    snprintf(w.ees_id, sizeof(w.ees_id), "%s", json_string_value(json_object_get(info, "eesId")));
    snprintf(w.holder, sizeof(w.holder), "%s", holder);
    snprintf(w.peer, sizeof(w.peer), "%s", peer);
    w.hops = (unsigned)json_integer_value(json_object_get(found, "hops"));
    w.uses_token = authz == NULL || strcmp(authz, EDGEAPP_AUTHZ_LOCAL) != 0;
    w.exp = node_now() + e->cfg.location_ttl;
    if (out != NULL)
        *out = w;
    if (e->cfg.location_ttl == 0)
        return 0;
    /* The same EES again replaces its entry; otherwise a free slot, an expired one, or the one
     * that expires first. */
    if ((slot = where_slot(e, NULL, w.fqdn)) == NULL) {
        if (e->loc->n < ECS_LOCATIONS_MAX) {
            slot = &e->loc->w[e->loc->n++];
        } else {
            slot = &e->loc->w[0];
            for (size_t i = 1; i < e->loc->n; i++)
                if (e->loc->w[i].exp < slot->exp)
                    slot = &e->loc->w[i];
        }
    }
    *slot = w;
    return 0;
}

void
ecs_where_forget(struct ecs *e, const char *fqdn, const char *why)
{
    struct ecs_where *w = where_slot(e, NULL, fqdn);

    if (w == NULL)
        return;
    node_log(&e->node, "forward", w->peer, NULL, NULL,
             "location of %s (at %s, through %s) forgotten: %s", w->fqdn, w->holder, w->peer, why);
    w->exp = 0;
}
