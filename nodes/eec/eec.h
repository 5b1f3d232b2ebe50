/* eec.h -- edge-eec, the Edge Enabler Client of TS 23.558 as a daemon that acts only when the
 * runner asks over its control socket (nodes/README.md): EDGE-4 service provisioning at its ECS,
 * EDGE-1 registration, EAS discovery and ACR initiation at EESes, with the tokens of
 * TS 33.558 6.2 the ECS handed out.
 *
 * Modules (one file each): eec_ees (what the EEC knows per EES), eec_args (control-command
 * arguments), eec_call (one command's HTTPS exchange and its control result),
 * eec_provisioning, eec_registration, eec_discovery, eec_relocation (the protocol steps). */
#ifndef EDGE_EEC_H
#define EDGE_EEC_H

#include <jansson.h>

#include "edgeapp/edgeapp.h"
#include "edgeapp/edgeapp_paths.h"
#include "node/node.h"

#include "eec_population.h"

#define EEC_EES_MAX 64          /* EESes one EEC keeps state for */
#define EEC_SUBS_MAX 64         /* subscriptions one EEC holds */
#define EEC_TOKEN_ARG_MAX 65536 /* a literal token argument (attacks may send oversized ones) */

/* Control error codes (ctl_reply_error): stable, so runners and tests match on them. */
#define EEC_CTL_BAD_ARGS "eec.bad_args"             /* an argument missing, mistyped or invalid */
#define EEC_CTL_UNKNOWN_EES "eec.unknown_ees"       /* not provisioned and not in "hosts" */
#define EEC_CTL_NOT_REGISTERED "eec.not_registered" /* the command needs a registration there */
#define EEC_CTL_INTERNAL "eec.internal"             /* out of memory, table full */

/* The node-specific config keys (nodes/README.md "edge-eec keys"). */
struct eec_config {
    const char *ecs;       /* FQDN of its ECS */
    const char *eec_id;    /* must equal "node" when given */
    const char *gpsi;      /* its GPSI, or NULL */
    json_t *ac_profs;      /* default ACProfile array, or NULL */
    json_t *loc_inf;       /* default LocationInfo, or NULL */
    long long request_ms;  /* deadlines.requestMs: longest wait for an answer */
    const char *pop_file;  /* population.file: its UEs (eec_population.h), or NULL */
    const char *pop_creds; /* population.credentials: "cert" or "psk" */
};

/* What the EEC knows about one EES: the provisioning entry, its registration there. */
struct eec_ees {
    char id[EDGE_FQDN_MAX];       /* eesId (an EES's FQDN in edgesim) */
    char host[EDGE_FQDN_MAX];     /* whom to call: the host of endPt, else the eesId */
    int provisioned;              /* in the last provisioning answer */
    char *token;                  /* EESInfo.accessToken of that answer, or NULL */
    char reg_id[EDGEAPP_ID_MAX];  /* "" when not registered */
    char cntx_id[EDGEAPP_ID_MAX]; /* eecCntxId the EES gave, or "" */
    char exp_time[64];            /* expTime of the registration, or "" */
    int implicit;                 /* registration learned from ACR (implReg), not made here */
    char *reg_token;              /* the token presented when registering, or NULL */
    json_t *eas;                  /* EASProfiles discovered there (array), or NULL */
};

/* A subscription it made (eec_notify.c). */
struct eec_sub {
    char api[32];               /* "acr-events", "eas-discovery", "servprov" */
    char server[EDGE_FQDN_MAX]; /* the EES or ECS it was made at */
    char sub_id[48];
    char location[EDGEAPP_URI_MAX];
    json_t *eas_ids; /* acr-events: the EASes it covers */
};

struct eec_notify;

struct eec {
    struct node n;
    struct eec_config cf;
    struct eec_ees *ees[EEC_EES_MAX];
    size_t nees;
    struct eec_pop pop;        /* the UEs it hosts besides itself (eec_population.h) */
    struct eec_notify *notify; /* its notification endpoint, or NULL (eec_notify.c) */
    struct eec_sub subs[EEC_SUBS_MAX];
    size_t nsubs;
    int closing; /* set before node_free: callbacks must not touch the control socket */
};

/* eec_ees.c -- the EEC's per-EES state. */
struct eec_ees *eec_ees_find(struct eec *e, const char *id);
/* The EES a command names: known, or (not provisioned) one with an address in "hosts".
 * NULL with err when neither. */
struct eec_ees *eec_ees_get(struct eec *e, const char *id, char *err);
struct eec_ees *eec_ees_add(struct eec *e, const char *id, char *err);
/* Point the entry at endpoint's host (falls back to the eesId). */
void eec_ees_set_host(struct eec_ees *x, const json_t *endpoint);
void eec_ees_set_token(struct eec_ees *x, const char *token);
void eec_ees_set_registration(struct eec_ees *x, const char *reg_id, const char *cntx_id,
                              const char *exp_time, const char *token, int implicit);
void eec_ees_clear_registration(struct eec_ees *x);
json_t *eec_ees_registrations(const struct eec *e);
void eec_ees_free_all(struct eec *e);

/* eec_args.c -- control-command arguments. */
/* Decode args against table (strict: unknown keys refused); on failure reply
 * EEC_CTL_BAD_ARGS naming the field and return -1. */
int eec_args_decode(struct ctl_req *req, json_t *args, const struct js_field *table, void *dst);
/* js_field checks: ueId (a GPSI or false), token ("provisioned", "none" or a JWT). */
int eec_args_check_ueid(json_t *v, const struct js_field *f, void *ctx, char *why);
int eec_args_check_token(json_t *v, const struct js_field *f, void *ctx, char *why);
/* The GPSI to send: args.ueId (false: none), else the configured one (may be NULL). */
const char *eec_args_ueid(const struct eec *e, json_t *ueid);
/* The EES a command names (args.ees); on failure replies and returns NULL. */
struct eec_ees *eec_args_ees(struct eec *e, struct ctl_req *req, const char *id);
/* The bearer token to present at x: arg "none" -> NULL, a JWT -> itself, "provisioned" -> the
 * ECS's token for x; arg NULL -> the one of the registration at x, else the provisioned one. */
const char *eec_args_token(const struct eec_ees *x, const char *arg);

/* eec_call.c -- one control command that waits on one HTTPS exchange. */
struct eec_call;
/* Called with the answer (status 0 when none came) and the control result (node_result plus
 * "token"), to which it adds its own fields; the result is then sent. */
typedef void (*eec_call_done_fn)(struct eec_call *c, const struct http_client_resp *r,
                                 json_t *result);
struct eec_call {
    struct eec *e;
    struct ctl_req *req;
    int held;                   /* done() keeps the command open: eec_call_reply() answers later */
    json_t *result;             /* the result kept while held */
    void *user;                 /* the command's own state, or NULL */
    char peer[EDGE_FQDN_MAX];   /* the host called */
    char ees_id[EDGE_FQDN_MAX]; /* the EES the command is about ("" for the ECS) */
    char *token;                /* the bearer token sent, or NULL */
    eec_call_done_fn done;
    json_t *ctx; /* the command's own data (owned), or NULL */
};
struct eec_call *eec_call_new(struct eec *e, struct ctl_req *req, const char *ees_id,
                              const char *token, eec_call_done_fn done);
/* Send the request; the reply to the runner comes from done (also when nothing could be sent:
 * status 0 and the reason). body is borrowed. Frees c when done. */
void eec_call_send(struct eec_call *c, const char *method, const char *fqdn, const char *path,
                   const json_t *body);
/* Answer a held command with its result (and what was added to it), and free c. */
void eec_call_reply(struct eec_call *c);
/* Free c without sending (its command was answered otherwise). */
void eec_call_drop(struct eec_call *c);
/* Decode the answer's JSON body strictly against table into *out (new reference); on failure
 * set result "error" to the reason and return -1. ext: an edgesim extension member (an object)
 * the table does not name, or NULL: it is moved from the body into result. */
int eec_call_body(const struct http_client_resp *r, const struct js_field *table, const char *ext,
                  json_t *result, json_t **out);
/* Report a token on the event log and to the runner ({"event":"token",...}). */
void eec_token_event(struct eec *e, const char *jwt, const char *issuer, const char *aud,
                     const char *verdict);

/* eec_discovery.c: EasDiscoveryFilter of the EAS IDs (easChars), else of its AC profiles
 * (acChars); NULL when it has neither (every EAS). New reference. */
json_t *eec_discovery_filter(const struct eec *e, json_t *eas_ids);

/* eec_provisioning.c: a ServProvNotification from ecs (EESes added or gone). */
void eec_provision_notified(struct eec *e, const char *ecs, const json_t *note);

/* eec_notify.c: its notification endpoint (config "notify") and subscriptions (notify.h). */
int eec_notify_setup(struct eec *e, char *err);
void eec_notify_free(struct eec *e);
/* The result of a subscription request (node_result shape plus subId, key, destination). */
typedef void (*eec_sub_cb)(struct eec *e, const json_t *result, void *arg);
/* Subscribe to api at server (reached at host) with body (its notificationDestination is set
 * here) and token (NULL: none); cb once. */
void eec_notify_subscribe(struct eec *e, const char *api, const char *server, const char *host,
                          const char *token, json_t *body, eec_sub_cb cb, void *arg);
/* The subscription body of api (TS 24.558), from the arguments or its config. */
json_t *eec_notify_body(struct eec *e, const char *api, json_t *eas_ids, const char *event_ids,
                        json_t *ac_profs, const char *ue_id, const char *exp_time);
/* Its subscription to api at server covering eas_id (NULL: any), or NULL. */
const struct eec_sub *eec_notify_sub(const struct eec *e, const char *api, const char *server,
                                     const char *eas_id);
/* Wait up to timeout_ms for an ACRInfoNotification from server about eas_id: cb(note) or
 * cb(NULL) on timeout (or when the node stops), once. NULL when it cannot wait. */
typedef void (*eec_acr_cb)(struct eec *e, const json_t *note, void *arg);
struct eec_acr_wait;
struct eec_acr_wait *eec_notify_wait_acr(struct eec *e, const char *server, const char *eas_id,
                                         int timeout_ms, eec_acr_cb cb, void *arg);
/* Stop waiting (cb is not called). */
void eec_notify_wait_cancel(struct eec *e, struct eec_acr_wait *w);

/* The control commands (registered by main). */
void eec_provision_cmd(struct ctl_req *req, json_t *args, void *arg);
void eec_register_cmd(struct ctl_req *req, json_t *args, void *arg);
void eec_update_cmd(struct ctl_req *req, json_t *args, void *arg);
void eec_deregister_cmd(struct ctl_req *req, json_t *args, void *arg);
void eec_registrations_cmd(struct ctl_req *req, json_t *args, void *arg);
void eec_discover_cmd(struct ctl_req *req, json_t *args, void *arg);
void eec_relocate_cmd(struct ctl_req *req, json_t *args, void *arg);
void eec_subscribe_cmd(struct ctl_req *req, json_t *args, void *arg);
void eec_unsubscribe_cmd(struct ctl_req *req, json_t *args, void *arg);

#endif
