/* notify_store.h -- the subscriptions a server holds for one API (TS 29.122 5.2.5 conventions:
 * POST <collection> 201 with Location, GET/PUT/PATCH/DELETE <collection>/{subscriptionId}),
 * with expiry, owner checks and notify.h's rule: a subscription is created only once its
 * destination proved, by a test notification, to be the subscriber. ECS and EES use it for
 * every subscription API they serve (Eees_ACREvents, Eees_EASDiscovery,
 * Eees_ACRManagementEvent, Eecs_ServiceProvisioning). */
#ifndef EDGE_NOTIFY_STORE_H
#define EDGE_NOTIFY_STORE_H

#include "node/notify.h"

struct notify_store;
struct notify_call;

struct notify_sub {
    char id[NOTIFY_ID_LEN];
    struct notify_owner owner;
    char dest[NOTIFY_URI_MAX];
    json_t *data;  /* the subscription as granted (with expTime), owned */
    long long exp; /* 0: none */
    struct notify_sub *next;
};

struct notify_api {
    const char *name;             /* "acr-events": logs, the "subscriptions" command */
    const char *path;             /* the subscriptions collection */
    const struct js_field *table; /* POST and PUT body */
    const struct js_field *patch; /* PATCH body (RFC 7396 on the subscription); NULL: none */
    const char *owner_member;     /* the body's member that must name the subscriber (eecId,
                                   * easId); NULL: none */
    enum notify_who who;          /* who may subscribe */
    long long max_life;           /* seconds granted at most */
    /* May the caller use this API (as for any of its calls: an EEC's token or the local
     * policy, an EAS's certificate)? It calls notify_call_authorized() once, with 1, or with 0
     * after it answered the refusal. body: the subscription sent (NULL for GET and DELETE). */
    void (*authorize)(struct notify_call *c, struct http_req *req, const json_t *body, void *arg);
    /* Optional: the subscription was made or changed (send a first notification, say). */
    void (*changed)(struct notify_store *s, struct notify_sub *sub, const char *what, void *arg);
    void *arg;
};

/* Routes the API's resources on the node's server. The control command "subscriptions" lists
 * the subscriptions of every store of the node: give the node's first store as first (NULL for
 * the first one). */
struct notify_store *notify_store_new(struct node *n, const struct notify_api *api,
                                      struct notify_store *first, char *err);
/* Before node_free (the timer belongs to the event base; exchanges that call back from inside
 * node_free only free their state); notify_store_free after node_free. */
void notify_store_close(struct notify_store *s);
void notify_store_free(struct notify_store *s);
void notify_call_authorized(struct notify_call *c, int ok);
/* The subscription a GET, PUT, PATCH or DELETE names (NULL for a POST). */
const struct notify_sub *notify_call_sub(const struct notify_call *c);

/* The subscriptions held (a list to walk while nothing is added or removed). */
struct notify_sub *notify_store_subs(struct notify_store *s);
/* Notify sub with body (its subscription ID member already set by the caller); event: what it
 * tells, for the log. A destination that answers 404 or is not the subscriber drops sub. */
void notify_store_send(struct notify_store *s, struct notify_sub *sub, const char *event,
                       const json_t *body, notify_done_cb cb, void *arg);
const char *notify_store_api(const struct notify_store *s);

#endif
