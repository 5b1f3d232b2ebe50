/* ecs.h -- edge-ecs, the Edge Configuration Server (TS 23.558 8.4, TS 29.558, TS 24.558, TS 33.558
 * 6.2, TR 33.739 6.27): the state its modules share and the functions they offer each other.
 *
 * One struct ecs per process (it lives in main()); every module gets it as the argument of its
 * HTTP routes and control commands. Per-request state is in each module's own struct. */
#ifndef EDGE_ECS_H
#define EDGE_ECS_H

#include <jansson.h>

#include "ecs_registry.h"
#include "auth/keyring.h"
#include "node/node.h"
#include "auth/token_issue.h"
#include "auth/via.h"
#include "edgeapp/edgeapp.h"

#define ECS_PEERS_MAX 16
#define ECS_HOPS_MAX 8
/* A request forwarded ECS_HOPS_MAX times names the S-EES's ECS and every hop in its Via. */
_Static_assert(VIA_MAX >= ECS_HOPS_MAX + 2, "Via must hold the longest forwarding path");

/* How a token for a T-EES registered at another ECS is obtained (edge9Mode; README
 * "edgesim extensions", TR 33.739 6.27 Editor's Note). */
enum ecs_edge9_mode {
    ECS_EDGE9_FORWARD = 0, /* solution #27: forwarded to the T-EES's ECS, which signs */
    ECS_EDGE9_REDIRECT,    /* TS 29.510 307: the S-EES asks the T-EES's ECS itself */
    ECS_EDGE9_LOCAL_ISSUE, /* this ECS signs; the T-EES trusts it as a partner ECS */
};
extern const char *const ecs_edge9_modes[]; /* the config words, in enum order */

/* The node-specific config keys (nodes/README.md "edge-ecs keys"), as decoded. Strings and JSON
 * values are borrowed from the config, which lives as long as the node. */
struct ecs_config {
    const char *sign_dir;     /* signing.dir: edge-pki's DIR/<fqdn>.sig-<kid>.key/.pub */
    json_t *sign_kids;        /* signing.kids: which kids to load (NULL: all in dir) */
    const char *sign_active;  /* signing.active (NULL: keyring's choice) */
    long long token_lifetime; /* EEC -> EES tokens, seconds */
    long long edge9_lifetime; /* S-EES -> T-EES tokens, seconds */
    long long reg_default;    /* registration.defaultExpiry, seconds */
    long long reg_max;        /* registration.maxExpiry, seconds */
    json_t *ees_auth;         /* eesAuth: {"<ees fqdn>"|"default": "token"|"local"} */
    json_t *ees_scopes;       /* eesScopes: {"<ees fqdn>"|"default": "scope names"} */
    json_t *ees_methods;      /* eesAuthMethods: {"<ees fqdn>"|"default": [EesAuthMethod]} */
    json_t *ees_instances;    /* eesInstanceIds: {"<ees fqdn>": NF instance ID (UUID)} */
    json_t *eec_allow;        /* eecPolicy.allow: EEC IDs or "*" */
    json_t *edge9_scopes;     /* edge9Policy.allowedScopes */
    json_t *edge9_rules;      /* edge9Policy.rules: [{client, target, scopes}] */
    json_t *peers;            /* peers: peer ECS FQDNs */
    long long max_hops;       /* maxForwardHops */
    const char *edge9_mode;   /* edge9Mode: one of ecs_edge9_modes */
    json_t *foreign_ees;      /* edge9ForeignClients: EESes registered elsewhere that may ask here
                               * directly (redirect), FQDNs or "*" */
    long long request_ms;     /* deadlines.requestMs: longest wait of a caller, ms */
    long long margin_ms;      /* deadlines.replyMarginMs: kept back for the answer's way back */
    long long location_ttl;   /* locationCacheLifetime: seconds a T-EES's location is kept */
    long long keepalive;      /* peerKeepAlive: seconds between requests keeping peers warm */
    long long eec_binding;    /* eecBindingLifetime: seconds an EEC-EES binding is kept */
};

struct ecs_locations;
struct ecs_eecs;
struct ecs_sp_subs;

struct ecs {
    struct node node;
    struct ecs_config cfg;
    enum ecs_edge9_mode mode;
    struct keyring *keys;
    struct ecs_registry *reg;
    struct ecs_locations *loc;   /* where T-EESes at peer ECSes are (ecs_locate.c) */
    struct ecs_eecs *eecs;       /* which EEC each EES serves (ecs_eecs.c) */
    struct ecs_sp_subs *sp_subs; /* service provisioning subscriptions (ecs_servprov_subs.c) */
    struct event *keepalive;     /* peerKeepAlive timer, or NULL */
    int stopping;                /* set on stop: late callbacks only free their own state */
};

/* Every refusal of edge-ecs; ecs_refusals[] (ecs_refusal.c) gives each its status, cause and
 * sentence, so a handler names the refusal and never picks a status or cause itself. Bodies
 * refused by their field table are answered by node_req_body(), GPSI verdicts by gpsi_auth.h,
 * token requests by token_endpoint.h. */
enum ecs_refusal {
    ECS_R_NO_CERT_FQDN,          /* 403: EDGE-6 caller without a certificate FQDN */
    ECS_R_EES_ID_MISMATCH,       /* 403: eesId is not the cert's FQDN */
    ECS_R_EES_ENDPOINT_MISMATCH, /* 403: endPt host is not it either */
    ECS_R_REG_NOT_FOUND,         /* 404: no such EES registration */
    ECS_R_NOT_OWNER,             /* 403: another EES's registration */
    ECS_R_EXPTIME_PAST,          /* 400: a registration expTime in the past */
    ECS_R_EEC_NOT_AUTHORIZED,    /* 403: local EEC policy says no */
    ECS_R_NOT_PEER_ECS,          /* 403: EDGE-10 request from a non-peer */
    ECS_R_REQUESTOR_MISMATCH,    /* 403: requestorEcs is not the TLS peer */
    ECS_R_EES_NOT_REGISTERED,    /* 403: S-EES unknown here */
    ECS_R_TARGET_NOT_FOUND,      /* 404: no T-EES candidate */
    ECS_R_QUERY_MISSING,         /* 400: TS 29.500 MANDATORY_QUERY_PARAM_MISSING */
    ECS_R_QUERY_INCORRECT,       /* 400: TS 29.500 MANDATORY_QUERY_PARAM_INCORRECT */
    ECS_R_QUERY_INVALID,         /* 400: an optional query parameter is wrong */
    ECS_R_HEADER_INVALID,        /* 400: Via / hop-count header unreadable */
    ECS_R_MEDIA_TYPE,            /* 415: token request not form-encoded */
    ECS_R_PEER_UNREACHABLE,      /* 504: TS 29.500 TARGET_NF_NOT_REACHABLE */
    ECS_R_UNAVAILABLE,           /* 503: cannot register now */
    ECS_R_INTERNAL,              /* 500: SYSTEM_FAILURE (out of memory, ...) */
    ECS_R_COUNT
};
extern const struct node_refusal ecs_refusals[ECS_R_COUNT];
#define ecs_refuse(req, r, ...) node_refuse((req), &ecs_refusals[(r)], __VA_ARGS__)

/* ecs_config.c */
extern const struct js_field ecs_config_fields[];
void ecs_config_defaults(struct ecs_config *c);
/* Checks that need the whole config (peers in hosts). */
int ecs_config_check(struct ecs *e, char *err);
int ecs_is_peer(const struct ecs *e, const char *fqdn);
/* TS 33.558 6.2: the authorization method the ECS is configured with for an EES. */
int ecs_ees_uses_token(const struct ecs *e, const char *ees_fqdn);
const char *ecs_ees_scope(const struct ecs *e, const char *ees_fqdn);
/* TS 24.558 7.2.2.2.2 EESInfo.eesAuthMethods: how an EEC can authenticate to the EES, as this
 * ECS is configured (not how the asking EEC authenticated). New reference. */
json_t *ecs_ees_auth_methods(const struct ecs *e, const char *ees_fqdn);
/* Is id the NF instance ID of the EES fqdn: eesInstanceIds says so, or (none configured for it)
 * the one derived from its FQDN (base/uuid.h)? The nfInstanceId of its token requests. */
int ecs_ees_instance_is(const struct ecs *e, const char *fqdn, const char *id);
/* The APIs edge-ecs can serve to an EEC without a credential (tls.serverCertOnlyApis). */
extern const char *const ecs_sco_apis[];
int ecs_eec_allowed(const struct ecs *e, const char *eec_id);
/* edge9ForeignClients: may fqdn, an EES registered at another ECS, ask here itself (redirect)? */
int ecs_is_foreign_client(const struct ecs *e, const char *fqdn);

/* ecs_keys.c: the signing keys, the JWKS route and the "rotate" command. */
int ecs_keys_setup(struct ecs *e, char *err);
void ecs_keys_free(struct ecs *e);
/* Report a token decision: an event-log line and the ctl "token" event. */
void ecs_token_report(struct ecs *e, const char *peer, const char *verdict, const char *rule,
                      const char *aud, const struct token_issued *t, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

/* ecs_eesreg.c: EDGE-6 Eecs_EESRegistration and the "registrations" command. */
int ecs_eesreg_setup(struct ecs *e, char *err);
/* The authenticated EES behind a request: its registration, or NULL. */
struct ecs_reg *ecs_eesreg_of_peer(struct ecs *e, const struct edge_peer *peer);

/* ecs_provisioning.c: EDGE-4 Eecs_ServiceProvisioning. */
int ecs_provisioning_setup(struct ecs *e, char *err);

/* ecs_targetdisc.c: Eecs_TargetEESDiscovery. */
int ecs_targetdisc_setup(struct ecs *e, char *err);

/* ecs_budget.c: the time and hop budget of a request that may wait on peer ECSes
 * (nodes/ecs/README.md "Deadlines"). */
#define ECS_CALL_MIN_MS 250 /* one call to a peer, even when the budget is spent */
/* The deadline (CLOCK_MONOTONIC, ms) of req arriving now: the time its caller waits
 * (3gpp-Sbi-Max-Rsp-Time, else deadlines.requestMs; never more than that), less
 * deadlines.replyMarginMs for the answer's way back. */
long long ecs_deadline(const struct ecs *e, struct http_req *req);
/* The time left until deadline for one call to a peer: at least ECS_CALL_MIN_MS. */
int ecs_time_left(long long deadline);
/* The 3gpp-Sbi-Max-Rsp-Time of a call made now with that deadline. */
void ecs_rsp_time(long long deadline, char buf[16]);
/* The ECS hops in all a request that passed via may make: maxForwardHops, or fewer when
 * 3gpp-Sbi-Max-Forward-Hops (left; -1: absent) allows fewer. A request may go on to a peer when
 * via->n is below it, and the peer may then ask its own peers with (budget - via->n - 1). */
unsigned ecs_hop_budget(const struct ecs *e, const struct via *via, int left);

/* ecs_select.c: which EESes registered here match a request (EAS IDs of the AC profiles or
 * easIds, eesIds, location), as EESInfo entries (TS 24.558) with authzMethod. */
struct ecs_filter {
    const json_t *ac_profs; /* ACProfile array, or NULL */
    const json_t *eas_ids;  /* EAS IDs, or NULL */
    const json_t *ees_ids;  /* eesIds or FQDNs, or NULL */
    const json_t *loc_inf;  /* LocationInfo, or NULL */
};
/* Call fn for each match with its EESInfo (new, fn owns it); stops at fn's -1. */
typedef int (*ecs_select_fn)(struct ecs *e, const struct ecs_reg *r, json_t *info, void *arg);
int ecs_select(struct ecs *e, const struct ecs_filter *f, ecs_select_fn fn, void *arg);
/* The EESInfo of a registration: eesId, endPt, easIds (only those given, all when NULL),
 * eecRegConf, svcArea, eesAuthMethods, authzMethod. New reference. */
json_t *ecs_ees_info(const struct ecs *e, const struct ecs_reg *r, const json_t *eas_ids);

/* ecs_ecsprov.c: EDGE-10 Eecs_ECSServiceProvisioning (TS 23.558 8.17.2.4), server side and as a
 * client of the peer ECSes. */
int ecs_ecsprov_setup(struct ecs *e, char *err);
struct ecs_ask {
    const char *ees_id;     /* only this EES (eesIds), or NULL */
    const char *eas_id;     /* EESes offering this EAS (easIds), or NULL */
    const char *eec_id;     /* provisioning for this EEC (tokens issued), or NULL */
    const char *ue_id;      /* the GPSI this ECS authenticated, or NULL */
    const json_t *ac_profs; /* or NULL */
    const json_t *loc_inf;  /* or NULL */
};
/* The answer of every peer asked. found: [{"info": EESInfo (with regEcs, ecsHops), "peer": the
 * peer that answered (where to forward), "hops": ECS hops from here, "lifeTime": its
 * EDNConfigInfo's, if any}]; errors: [{"peer",
 * "status", "cause", "error"}] for peers that refused or did not answer. Both borrowed for the
 * call. Called exactly once, from the event loop; when e->stopping, only free state. */
typedef void (*ecs_ask_fn)(struct ecs *e, json_t *found, json_t *errors, void *arg);
/* Ask every peer ECS not in via (and not this one); hops_left: how many further ECS hops each
 * peer may ask in turn; deadline: the asking request's (ecs_deadline). */
int ecs_ecsprov_ask(struct ecs *e, const struct ecs_ask *q, const struct via *via,
                    unsigned hops_left, long long deadline, ecs_ask_fn cb, void *arg, char *err);

/* ecs_locate.c: where the T-EESes registered at peer ECSes are, as the peers said (a cache with
 * locationCacheLifetime, forgotten on a failed forward); the peerKeepAlive timer. */
struct ecs_where {
    char ees_id[EDGEAPP_ID_MAX];
    char fqdn[EDGE_FQDN_MAX];
    char holder[EDGE_FQDN_MAX]; /* the ECS where it is registered */
    char peer[EDGE_FQDN_MAX];   /* the peer to forward to */
    unsigned hops;              /* ECS hops from here to the holder */
    int uses_token;             /* authzMethod TOKEN (TS 33.558 6.2) */
    long long exp;              /* node_now() after which it is no longer used */
};
int ecs_locate_setup(struct ecs *e, char *err);
/* Start peerKeepAlive (nothing when 0 or no peers). */
int ecs_keepalive_start(struct ecs *e, char *err);
void ecs_locate_free(struct ecs *e);
/* The cached location of the EES named by id and/or fqdn, or NULL. */
const struct ecs_where *ecs_where_find(struct ecs *e, const char *id, const char *fqdn);
/* An entry of an EDGE-10 answer (an ecs_ask_fn found[] element) as a location: 0, or -1 when it
 * names no FQDN or ECS. Kept in the cache too (when its lifetime is not 0). */
int ecs_where_put(struct ecs *e, const json_t *found, struct ecs_where *out);
void ecs_where_forget(struct ecs *e, const char *fqdn, const char *why);

/* ecs_eecs.c: the EECs each EES registered here serves, as far as this ECS knows: it provisioned
 * the EEC with that EES (EDGE-4, or EDGE-10 for a partner's EEC) or authorized the move of the
 * EEC's context to it (an EDGE-9 token with eec_id). */
int ecs_eecs_setup(struct ecs *e, char *err);
void ecs_eecs_free(struct ecs *e);
void ecs_eecs_note(struct ecs *e, const char *eec_id, const char *ees_fqdn, const char *how);
int ecs_eecs_served(struct ecs *e, const char *eec_id, const char *ees_fqdn);

/* ecs_servprov_subs.c: service provisioning subscriptions (TS 24.558 Eecs_ServiceProvisioning)
 * and their ServProvNotifications when EES registrations change. */
int ecs_servprov_subs_setup(struct ecs *e, char *err);
void ecs_servprov_subs_close(struct ecs *e); /* before node_free */
void ecs_servprov_subs_free(struct ecs *e);  /* after node_free */
/* The registration r was made, changed, or is about to go: subscribers concerned are told once
 * the change is done. */
void ecs_servprov_changed(struct ecs *e, const struct ecs_reg *r);

/* ecs_token.c: POST /oauth2/token with forwarding (TR 33.739 6.27). */
int ecs_token_setup(struct ecs *e, char *err);

#endif
