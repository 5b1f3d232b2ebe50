/* notify.h -- notifications between edgesim nodes, and the one rule of who may notify whom.
 *
 * 3GPP notifications (TS 29.122 5.2.5, TS 29.558 7, TS 24.558): a subscriber gives a
 * notificationDestination in its subscription; the server POSTs each notification there and
 * expects 204. Notifications are authenticated and authorized like any other call, by one rule
 * checked at both ends (this file):
 *
 *   1. A subscriber names as destination only an https endpoint its own credential binds. Before
 *      a subscription exists, the notifier sends a TS 29.122 TestNotification there; the server
 *      that answers must prove, by its certificate, to be the subscriber: the EEC of that EEC ID
 *      (SAN urn:edgesim:eec:), or the EAS of that FQDN and EAS ID. Otherwise the subscription is
 *      refused (403 NOTIFICATION_DESTINATION_NOT_SUBSCRIBER), and the misdirected destination
 *      learnt nothing but the test: no notification goes to a party that did not subscribe.
 *   2. A notification endpoint accepts a notification only over mutual TLS from the ECS or EES
 *      at which it made that subscription, on the path it gave for it, naming that subscription's
 *      ID (403 NOTIFICATION_NOT_AUTHORIZED otherwise; 404 for a path it never gave): a forged
 *      notification, from another node or for another subscription, is refused.
 *
 * Event log (evlog.h), so that a report draws each notification as an arrow from server to
 * client: the notifier writes {"dir":"out","kind":"notify","peer":<subscriber: EEC ID or EAS
 * FQDN>,"method":"POST","path":<destination path>,"status":<answer, 0: none>,"cause":...,
 * "data":{"api","subId","event","destination","test","verdict":"delivered"|"refused"|
 * "unreachable"|"not_subscriber"}}; the receiver writes {"dir":"in","kind":"notify",
 * "peer":<notifier FQDN>,"method":"POST","path",...,"status":<its answer>,"cause",
 * "data":{"api","subId","key","verdict":"accepted"|"refused","rule","body"}}. */
#ifndef EDGE_NOTIFY_H
#define EDGE_NOTIFY_H

#include "node/node.h"

#define NOTIFY_ID_LEN 48    /* subscription IDs made here */
#define NOTIFY_URI_MAX 2048 /* a destination */
#define NOTIFY_KEY_LEN 40   /* the key in a destination path */
#define NOTIFY_SUB_MAX 4096 /* subscriptions one store holds */

/* The refusals of the rule (ProblemDetails causes). */
#define NOTIFY_CAUSE_NOT_SUBSCRIBER "NOTIFICATION_DESTINATION_NOT_SUBSCRIBER"
#define NOTIFY_CAUSE_NOT_AUTHORIZED "NOTIFICATION_NOT_AUTHORIZED"
#define NOTIFY_CAUSE_UNKNOWN "SUBSCRIPTION_NOT_FOUND"

/* Who subscribes, as the TLS handshake proved it. */
enum notify_who { NOTIFY_NOBODY = 0, NOTIFY_EEC, NOTIFY_EAS };
struct notify_owner {
    enum notify_who who;
    char id[EDGE_ID_MAX];     /* EEC ID, or EAS ID */
    char fqdn[EDGE_FQDN_MAX]; /* an EAS's FQDN ("" for an EEC) */
};
/* The subscriber a peer is: 0, or -1 when it is neither an EEC nor an EAS. */
int notify_owner_of(const struct edge_peer *p, struct notify_owner *o);
int notify_owner_same(const struct notify_owner *a, const struct notify_owner *b);
/* The name the subscriber goes by in logs: its EEC ID, or its FQDN. */
const char *notify_owner_name(const struct notify_owner *o);

/* An https destination split up (edgesim resolves host through the node's "hosts"). */
struct notify_dest {
    char host[EDGE_FQDN_MAX];
    unsigned short port; /* from the URI; 443 when it names none */
    char path[NOTIFY_URI_MAX];
};
int notify_dest_parse(const char *uri, struct notify_dest *d, char *err);

/* ---- the notifier's half ---- */

/* What a delivery came to. */
struct notify_result {
    int ok;              /* delivered (2xx) to the subscriber itself */
    int status;          /* HTTP status, 0: no answer */
    const char *verdict; /* "delivered", "refused", "unreachable", "not_subscriber" */
    const char *why;     /* a sentence when not ok */
};
typedef void (*notify_done_cb)(const struct notify_result *res, void *arg);

/* POST body to dest for owner (api and sub_id for the event log, event: what it tells, e.g.
 * "ACR_COMPLETE"); test: a TestNotification. The answer must come from the subscriber (rule 1):
 * a server whose certificate binds another identity is "not_subscriber". cb may be NULL. */
void notify_send(struct node *n, const struct notify_owner *owner, const char *dest,
                 const char *api, const char *sub_id, const char *event, const json_t *body,
                 int test, notify_done_cb cb, void *arg);

/* ---- the receiver's half: a node's notification endpoint ---- */

struct notify_inbox;
/* A notification accepted: body borrowed for the call. */
typedef void (*notify_accept_cb)(struct notify_inbox *in, const char *api, const char *sub_id,
                                 const json_t *body, void *arg);
/* Routes POST <base>/{key} on srv (the endpoint at uri_base, e.g. "https://eec-1.ue.test:443").
 * Control command "notifications" lists what it received. */
struct notify_inbox *notify_inbox_new(struct node *n, struct http_server *srv, const char *uri_base,
                                      notify_accept_cb cb, void *arg, char *err);
void notify_inbox_free(struct notify_inbox *in);
/* A subscription about to be made at server for api: its destination URI (into dest) and key. */
int notify_inbox_expect(struct notify_inbox *in, const char *server, const char *api,
                        char dest[NOTIFY_URI_MAX], char key[NOTIFY_KEY_LEN], char *err);
/* The server created it with sub_id (its notifications name it); or it refused (drop). */
void notify_inbox_confirm(struct notify_inbox *in, const char *key, const char *sub_id);
void notify_inbox_drop(struct notify_inbox *in, const char *key);
/* The key of the subscription with sub_id at server, or NULL. */
const char *notify_inbox_key(struct notify_inbox *in, const char *server, const char *sub_id);

#endif
