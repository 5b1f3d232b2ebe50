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

#define ECS_PEERS_MAX 16
#define ECS_HOPS_MAX 8
/* A request forwarded ECS_HOPS_MAX times names the S-EES's ECS and every hop in its Via. */
_Static_assert(VIA_MAX >= ECS_HOPS_MAX + 2, "Via must hold the longest forwarding path");

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
    json_t *eec_allow;        /* eecPolicy.allow: EEC IDs or "*" */
    json_t *edge9_scopes;     /* edge9Policy.allowedScopes */
    json_t *edge9_rules;      /* edge9Policy.rules: [{client, target, scopes}] */
    json_t *peers;            /* peers: peer ECS FQDNs */
    long long max_hops;       /* maxForwardHops */
};

struct ecs {
    struct node node;
    struct ecs_config cfg;
    struct keyring *keys;
    struct ecs_registry *reg;
    int stopping; /* set on stop: late callbacks only free their own state */
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
    ECS_R_NOT_PEER_ECS,          /* 403: ECS lookup from a non-peer */
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
int ecs_eec_allowed(const struct ecs *e, const char *eec_id);

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

/* ecs_ecsdisc.c: the ECS-to-ECS lookup (edgesim extension after Rel-18 Eecs_ECSDiscovery). */
int ecs_ecsdisc_setup(struct ecs *e, char *err);

/* The time budget of a request that may wait on peer ECSes (nodes/ecs/README.md "Deadlines").
 * The caller of the first ECS gives up after HTTP_CLIENT_TIMEOUT_MS (5 s); each ECS must answer,
 * even if only 504, before the one that asked it gives up, so each hop gets a second less. */
#define ECS_BUDGET_MS 3000      /* a request that passed no ECS yet (from an EES) */
#define ECS_BUDGET_HOP_MS 1000  /* less per ECS already in Via */
#define ECS_BUDGET_FLOOR_MS 500 /* however many ECSes it passed */
#define ECS_CALL_MIN_MS 250     /* one call to a peer, even when the budget is spent */
/* The deadline (CLOCK_MONOTONIC, ms) of a request arriving now through via. */
long long ecs_deadline(const struct via *via);
/* The time left until deadline for one call to a peer: at least ECS_CALL_MIN_MS. */
int ecs_time_left(long long deadline);

/* The answer of a lookup at the peer ECSes. found: [{"eesProf", "ecsId" (the ECS holding it),
 * "peer" (the peer that answered: where to forward), "hops" (ECS hops from here)}]; errors:
 * [{"peer", "status", "cause", "error"}] for peers that refused or did not answer. Both borrowed
 * for the call. Called exactly once, from the event loop; when e->stopping, only free state. */
typedef void (*ecs_lookup_fn)(struct ecs *e, json_t *found, json_t *errors, void *arg);
/* Ask every peer ECS not in via (and not this one) for ees_id and/or eas_id; hops_left: how many
 * further ECS hops each peer may ask in turn; deadline: the asking request's (ecs_deadline). */
int ecs_lookup_start(struct ecs *e, const char *ees_id, const char *eas_id, const struct via *via,
                     unsigned hops_left, long long deadline, ecs_lookup_fn cb, void *arg,
                     char *err);

/* ecs_token.c: POST /oauth2/token with forwarding (TR 33.739 6.27). */
int ecs_token_setup(struct ecs *e, char *err);

#endif
