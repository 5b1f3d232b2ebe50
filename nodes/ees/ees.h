/* ees.h -- edge-ees, the Edge Enabler Server (TS 23.558 8.4-8.9, TS 24.558, TS 29.558, TS 33.558
 * 6.3, TR 33.739 6.27): the state its modules share and the functions they offer each other.
 *
 * One struct ees per process (it lives in main()); every module gets it as the argument of its
 * HTTP routes and control commands. Per-request state is in each module's own struct. An
 * asynchronous step (ees_oauth_get, ees_edge9_push, ...) calls its callback exactly once: from
 * inside the call when it can decide at once (cached token, no address), else from the event
 * loop; so a caller starts it as its last statement. Once e->closing is set (node shutting down)
 * a callback only frees its own state: the held HTTP request is gone (http_server_free answered
 * it), and a control request is cut from its runner but still the callback's to end: ctl_reply
 * or ctl_reply_error then only frees it (ctl.h), so a command callback ends it on every path. */
#ifndef EDGE_EES_H
#define EDGE_EES_H

#include <jansson.h>

#include "edgeapp/edgeapp.h"
#include "edgeapp/edgeapp_paths.h"
#include "auth/keyring.h"
#include "node/node.h"
#include "node/node_reg.h"
#include "base/randid.h"
#include "auth/token_validate.h"

/* Service names (TS 24.558 / TS 29.558 apiName), which are also the token scopes. */
#define EES_SCOPE_EECREG "eees-eecregistration"
#define EES_SCOPE_EASDISC "eees-easdiscovery"
#define EES_SCOPE_ACR "eees-appctxtreloc"
#define EES_SCOPE_EDGE9 "eees-eeccontextreloc"

#define EES_TOKEN_PATH "/oauth2/token"
#define EES_JWKS_PATH "/oauth2/jwks"

#define EES_CTX_MAX 4096 /* default maxContexts: EEC contexts (each with its registration) */
#define EES_ID_LEN 48    /* regId / cntxId / subId as generated here */

/* Every refusal of edge-ees; ees_refusals[] (ees_refusal.c) gives each its status, cause and
 * sentence, so a handler names the refusal and never picks a status or cause itself. Bodies
 * refused by their field table are answered by node_req_body(), GPSI verdicts by gpsi_auth.h,
 * tokens by token_validate.h's rule table. */
enum ees_refusal {
    EES_R_EEC_NOT_AUTHORIZED,    /* 403: local policy says no */
    EES_R_EES_NOT_AUTHORIZED,    /* 403: local policy says no to an S-EES (EDGE-9) */
    EES_R_EEC_NOT_REGISTERED,    /* 403: discovery/ACR before registering */
    EES_R_NOT_OWNER,             /* 403: another EEC's registration/context */
    EES_R_EES_ID_MISMATCH,       /* 403: eesId/ees-id is not the TLS peer */
    EES_R_NOT_AN_EES,            /* 403: EDGE-9 caller without an FQDN */
    EES_R_EEC_ID_MISMATCH,       /* 403: token eec_id vs the context's EEC */
    EES_R_CTX_FULL,              /* 503: EES_CTX_MAX contexts held */
    EES_R_CONTEXT_NOT_FOUND,     /* 404: no such EEC context */
    EES_R_REG_NOT_FOUND,         /* 404: no such EEC registration */
    EES_R_QUERY_INVALID,         /* 400: pull query parameters */
    EES_R_TEES_INCORRECT,        /* 400: ACR tEesId is not another EES */
    EES_R_TARGET_MISSING,        /* 400: ACR names no T-EES and no EAS */
    EES_R_RELOC_MISSING,         /* 400: ACR without eecCtxtReloc */
    EES_R_ACR_TARGET_NOT_FOUND,  /* 404: no T-EES serves the EAS */
    EES_R_ACR_DISCOVERY_REFUSED, /* 502: the ECS refused target discovery */
    EES_R_ACR_TEAS_NOT_FOUND,    /* 404: the T-EES has no EAS of that EAS ID */
    EES_R_ACR_TEAS_REFUSED,      /* 502: the T-EES refused T-EAS discovery */
    EES_R_ACR_PULL_REFUSED,      /* 502: the S-EES refused the context pull */
    EES_R_ACR_ACT_FAILED,        /* 502: the EAS's ACT failed, or it did not report */
    EES_R_ACR_TOKEN_REFUSED,     /* 502: the ECS refused the EDGE-9 token */
    EES_R_ACR_PUSH_REFUSED,      /* 502: the T-EES refused the context push */
    EES_R_ACR_STEP_FAILED,       /* 502: another step failed */
    EES_R_ACR_UNREACHABLE,       /* 504: a peer did not answer */
    EES_R_ACR_NOT_REACHABLE,     /* 504: a peer answered that the one behind it did not */
    EES_R_ACR_CONTEXT_GONE,      /* 404: the context went away during ACR */
    EES_R_NOT_AN_EAS,            /* 403: EDGE-3 caller without an EAS certificate */
    EES_R_EAS_NOT_AUTHORIZED,    /* 403: local policy says no to an EAS (EDGE-3) */
    EES_R_EAS_ID_MISMATCH,       /* 403: easId is not the EAS of the TLS certificate */
    EES_R_EAS_ENDPOINT,          /* 403: endPt is not a host the EAS's certificate names */
    EES_R_EAS_REG_NOT_FOUND,     /* 404: no such EAS registration */
    EES_R_EAS_PATCH_INVALID,     /* 400: the patched EAS profile does not decode */
    EES_R_INTERNAL,              /* 500: SYSTEM_FAILURE (out of memory, ...) */
    EES_R_COUNT
};
extern const struct node_refusal ees_refusals[EES_R_COUNT];
#define ees_refuse(req, r, ...) node_refuse((req), &ees_refusals[(r)], __VA_ARGS__)

/* Control error codes (ctl_reply_error). */
#define EES_CTL_BAD_ARGS "ees.bad_args"
#define EES_CTL_NO_CONTEXT "ees.no_context"
#define EES_CTL_INTERNAL "ees.internal"
#define EES_CTL_STOPPING "ees.stopping" /* the node stopped before the answer came */

/* The node-specific config keys (nodes/README.md "edge-ees keys"), as decoded. Strings and JSON
 * values are borrowed from the config, which lives as long as the node. */
struct ees_config {
    const char *ecs;           /* FQDN of its own ECS: EDGE-6, token endpoint, JWKS, issuer */
    const char *authorization; /* "token" | "local" (TS 33.558 6.3) */
    json_t *policy;            /* local policy {allowEecs, allowGpsis, allowEeses, allowEases} */
    json_t *eas_ids;           /* EESProfile.easIds, or NULL (then from "eas") */
    json_t *svc_area;          /* EESProfile.svcArea, or NULL */
    int eec_reg_conf;          /* EESProfile.eecRegConf */
    json_t *trust;             /* {issuer, dir}: edge-pki public keys loaded at start */
    const char *token_replay;  /* "reusable" | "single-use" */
    json_t *eas;               /* EASProfile array served by EAS discovery, or NULL */
    long long eec_reg_expiry;  /* EDGE-1 registration lifetime granted at most, seconds */
    long long max_contexts;    /* maxContexts: EEC contexts held at once (EES_CTX_MAX default) */
    long long token_skew;      /* tokenClockSkew: leeway on exp, nbf, iat (TOKEN_SKEW default) */
    long long eas_reg_expiry;  /* EDGE-3 registration lifetime granted at most, seconds */
    long long sub_expiry;      /* subscription lifetime granted at most, seconds */
    long long jwks_interval;   /* seconds between kid-triggered JWKS reloads at least */
    long long ecs_ms;          /* deadlines.ecsMs: longest wait for its ECS (token, discovery) */
    long long peer_ms;         /* deadlines.peerMs: longest wait for another EES (EDGE-9) */
    json_t *partners;          /* partnerEcs: ECSes whose EDGE-9 tokens it also accepts */
    const char *nf_id;         /* nfInstanceId of its token requests, or NULL: derived */
    /* How it keeps the EDGE-6 registration: registrationExpiry, refresh, keepAlive,
     * registrationRetryMax (node_reg.h). */
    struct node_reg_policy reg;
};

struct ees_store;
struct ees_oauth;
struct ees_easregs;
struct ees_act;
struct notify_store;

/* The subscription APIs this EES serves (ees_subs.c). */
enum ees_subs { EES_SUBS_ACR = 0, EES_SUBS_DISC, EES_SUBS_MGNT, EES_SUBS_COUNT };
struct ees_keys;

struct ees {
    struct node n;
    struct ees_config cfg;
    json_t *eas;                 /* the EASProfiles served (config "eas", or built from easIds) */
    struct ees_keys *keys;       /* own ECS's verification keys (ees_keys.c) */
    struct token_replay *replay; /* single-use policy, or NULL */
    struct ees_store *store;     /* EEC contexts and registrations (ees_store.c) */
    struct ees_oauth *oauth;     /* token cache (ees_oauth.c) */
    struct node_reg *ecsreg;     /* EDGE-6 registration (ees_ecsreg.c, node_reg.h) */
    struct ees_easregs *easregs; /* EDGE-3 registrations of EASes (ees_easreg.c) */
    struct notify_store *subs[EES_SUBS_COUNT]; /* subscriptions it serves (ees_subs.c) */
    int keys_ok;          /* its ECS's JWKS loaded since the last (re)registration */
    struct ees_act *acts; /* ACTs waiting for their EAS's status update (ees_act.c) */
    json_t *teas_seen;    /* T-EAS host -> the EES that serves it (ees_teasdisc.c) */
    int stopping;         /* stop requested: no new EDGE-6 work */
    int closing;          /* node_free running: callbacks only free their own state */
};

/* What an exchange with another node came to, for a callback (every pointer borrowed). */
struct ees_up {
    const char *step;  /* "token", "push", "pull", "target_discovery", "jwks", ... */
    const char *peer;  /* the node called */
    int status;        /* HTTP status; 0: no answer (then error says why) */
    const char *cause; /* ProblemDetails cause, OAuth error, or the client's failure word */
    const char *error; /* a sentence when status is 0 or the step failed locally */
    json_t *result;    /* the control result (node_result shape) */
};

/* ees_config.c */
extern const struct js_field ees_config_fields[];
void ees_config_defaults(struct ees_config *c);
/* Checks that need the whole config; builds e->eas. */
int ees_config_check(struct ees *e, char *err);
/* TS 33.558 6.3: local authorization of an EEC (policy allowEecs / allowGpsis). */
int ees_policy_allows(const struct ees *e, const char *eec_id, const char *gpsi);
/* TS 33.558 6.2 local authorization on EDGE-9: may the EES fqdn call this one (policy
 * allowEeses; none configured: any EES its certificate names)? */
int ees_policy_allows_ees(const struct ees *e, const char *fqdn);
/* TS 33.558 EDGE-3: may the EAS eas_id use this EES (policy allowEases; none configured: any EAS
 * of the scenario's CA)? */
int ees_policy_allows_eas(const struct ees *e, const char *eas_id);
int ees_uses_token(const struct ees *e);

/* ees_util.c */
/* A new random identifier "<prefix>-<16 hex>": 64 bits, a resource name a peer cannot guess. */
#define EES_NEW_ID(out, prefix, err)                                                               \
    randid_new((out), sizeof(out), prefix "-", 8, RANDID_HEX, (err))
/* A control result for a failure without an HTTP answer. */
json_t *ees_result_error(const char *cause, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Fill up from an HTTP answer (up->result becomes a new reference the caller drops). */
void ees_up_from_resp(struct ees_up *up, const char *step, const char *peer,
                      const struct http_client_resp *r);
/* RFC 3339 string of t, into buf (JS_TIME_LEN). */
const char *ees_time(long long t, char *buf);
/* Seconds since the epoch of an RFC 3339 string; -1 when malformed. */
long long ees_time_parse(const char *s);

/* ees_keys.c: the verification keys of the ECSes it trusts (its own, and partnerEcs), from their
 * JWKS, reloaded on an unknown kid. */
int ees_keys_new(struct ees *e, char *err);
void ees_keys_free(struct ees *e);
const struct keyring *ees_keys_ring(const struct ees *e);
/* The trusted issuers, its own ECS first, NULL-ended (token_check.trusted). */
const char *const *ees_keys_trusted(const struct ees *e);
/* Fetch the JWKS of issuer (NULL: its own ECS) now; cb(e, ok, arg) once. */
typedef void (*ees_keys_cb)(struct ees *e, int ok, void *arg);
void ees_keys_fetch(struct ees *e, const char *issuer, ees_keys_cb cb, void *arg);
/* A reload because a token of a trusted issuer named an unknown kid: 0 when started (cb
 * follows), -1 when the issuer is not trusted or the rate limit refuses it (no callback). */
int ees_keys_reload(struct ees *e, const char *issuer, const char *kid, ees_keys_cb cb, void *arg);

/* ees_bearer.c: the resource server's token check (token_validate) and its report. */
struct ees_bearer_want {
    enum token_profile profile; /* EEC (EDGE-1) or EES (EDGE-9) */
    const char *scope;          /* the service called */
    const char *gpsi;           /* ueId sent with the request, or NULL */
};
/* ok: 1 with the token's claims (borrowed for the call); 0 when refused (the 401/403 answer is
 * sent, req must not be used). */
typedef void (*ees_bearer_cb)(struct ees *e, struct http_req *req, int ok, const json_t *claims,
                              void *arg);
void ees_bearer_check(struct ees *e, struct http_req *req, const struct ees_bearer_want *w,
                      ees_bearer_cb cb, void *arg);
/* A token decision, in the event log (with the JWT) and as the control event "token". */
void ees_token_report(struct ees *e, const char *peer, const char *verdict, const char *rule,
                      const char *jwt, const json_t *header, const json_t *claims,
                      const char *summary);

/* ees_access.c: an EEC on EDGE-1 -- GPSI/EEC ID authentication (TS 33.558 6.3, gpsi_auth.h) and
 * authorization by token or local policy. cb(ok=0) means the refusal is sent. */
void ees_access_eec(struct ees *e, struct http_req *req, const char *eec_id, const char *ue_id,
                    const char *scope, ees_bearer_cb cb, void *arg);
/* The APIs edge-ees can serve to an EEC without a credential (tls.serverCertOnlyApis). */
extern const char *const ees_sco_apis[];

/* An EAS on EDGE-3 (TS 33.558: the EES authenticates the EAS by its certificate and authorizes
 * it by its local policy): its EAS ID, or NULL with the 403 sent. */
const char *ees_access_eas(struct ees *e, struct http_req *req);

/* ees_easreg.c: EDGE-3 EAS registrations (TS 23.558 8.4.3); "eas_registrations". */
int ees_easreg_setup(struct ees *e, char *err);
void ees_easreg_free(struct ees *e);
/* The EASProfiles EAS discovery answers from: registered ones, and configured ones whose EAS ID
 * no registered EAS has (new reference). */
json_t *ees_eas_profiles(struct ees *e);
/* The EAS IDs it offers (EESProfile.easIds): configured and registered (new reference). */
json_t *ees_eas_ids(struct ees *e);
/* The profile an EAS registered for eas_id (fqdn NULL: any of them), or NULL; borrowed. */
const json_t *ees_eas_registered(struct ees *e, const char *eas_id, const char *fqdn);

/* ees_easdisc.c: the DiscoveredEas list of what matches an EasDiscoveryFilter and a location (new
 * reference); with only (an EAS ID), NULL when the filter names EAS IDs and not that one. */
json_t *ees_easdisc_match(struct ees *e, const json_t *filter, const json_t *loc, const char *only);

/* ees_subs.c: the subscriptions it serves and the notifications it sends (notify_store.h). */
int ees_subs_setup(struct ees *e, char *err);
void ees_subs_close(struct ees *e); /* before node_free */
void ees_subs_free(struct ees *e);  /* after node_free */
/* ACRInfoNotification note (its subId set here) to each ACR events subscription of eec_id for
 * eas_id and note's eventId; the number sent. */
int ees_notify_acr(struct ees *e, const char *eec_id, const char *eas_id, json_t *note);
/* An EAS registered, updated or left (TS 23.558 8.5.2.3.3, EAS_AVAILABILITY_CHANGE): each EAS
 * discovery subscription whose filter covers eas_id is told what it now discovers. */
void ees_discsubs_changed(struct ees *e, const char *eas_id, const char *what);

/* ees_store.c: EEC contexts, each with the EEC's registration here. */
struct ees_ctx {
    char cntx_id[EDGEAPP_ID_MAX];
    char reg_id[EES_ID_LEN];
    char eec_id[EDGE_ID_MAX];
    char ue_id[EDGE_GPSI_MAX];
    char src_ees[EDGE_FQDN_MAX]; /* the EES it came from ("" created here) */
    const char *origin;          /* "registration", "pull", "push" */
    json_t *cntx;                /* EECContext (TS 29.558) */
    json_t *reg;                 /* EECRegistration as granted; NULL for an implicit one */
    long long exp;               /* registration expiry (seconds since the epoch) */
    struct ees_ctx *next, *prev; /* every context, newest first */
    struct ees_ctx *eec_next;    /* the next (older) context of the same EEC */
};
int ees_store_new(struct ees *e, char *err);
void ees_store_free(struct ees *e);
/* A new context for eec_id, keeping cntx_id when given and free (else a new one), with a new
 * registration ID; NULL when full. The caller fills cntx and reg. */
struct ees_ctx *ees_store_add(struct ees *e, const char *eec_id, const char *cntx_id);
struct ees_ctx *ees_store_by_reg(struct ees *e, const char *reg_id);
struct ees_ctx *ees_store_by_cntx(struct ees *e, const char *cntx_id);
int ees_store_has_eec(struct ees *e, const char *eec_id);
/* The context of the EEC's own registration here (not an implicit one), or NULL. */
struct ees_ctx *ees_store_by_eec(struct ees *e, const char *eec_id);
/* The context of the UE with GPSI ue_id, or NULL. */
struct ees_ctx *ees_store_by_ue(struct ees *e, const char *ue_id);
/* A context that came from the EES src (origin "push" or "pull"), stored with an implicit
 * registration of its EEC here (TS 23.558 8.9.1.1 step 4), replacing a stale copy of it; NULL
 * when full. */
struct ees_ctx *ees_store_implicit(struct ees *e, const json_t *cntx, const char *src,
                                   const char *origin);
/* {"implReg": {regId, expTime}} of c (new reference), as EECContextPushRes and
 * ACRInfoNotification.eecCtxtReloc carry it. */
json_t *ees_store_impl_reg(struct ees *e, const struct ees_ctx *c);
void ees_store_remove(struct ees *e, struct ees_ctx *c, const char *why);
/* An event-log line about c (kind "registry"). */
void ees_store_log(struct ees *e, const struct ees_ctx *c, const char *cause, const char *what);
/* The EEC's registration lifetime: min(requested expTime, now + eecRegistrationExpiry). */
long long ees_store_grant(const struct ees *e, const char *requested);

/* ees_ecsreg.c: EDGE-6 registration at its ECS (TS 23.558 8.4.4), kept alive; "registration". */
int ees_ecsreg_setup(struct ees *e, char *err);
void ees_ecsreg_start(struct ees *e);

/* ees_oauth.c: the OAuth 2.0 client (TR 33.739 6.27), token cache; "request_token". */
struct ees_token {
    const char *jwt;  /* the access token, or NULL when none */
    int cached;       /* from the cache, no request sent */
    json_t *via;      /* ECSes the request passed (array of FQDN), borrowed */
    struct ees_up up; /* the token request's exchange (status 0 and no result when cached) */
};
typedef void (*ees_token_cb)(struct ees *e, const struct ees_token *t, void *arg);
int ees_oauth_setup(struct ees *e, char *err);
void ees_oauth_free(struct ees *e);
/* A token for target with scope (eec_id may be NULL); fresh: skip the cache. */
void ees_oauth_get(struct ees *e, const char *target, const char *scope, const char *eec_id,
                   int fresh, ees_token_cb cb, void *arg);

/* ees_targetdisc.c: Eecs_TargetEESDiscovery at its ECS; "discover_target". */
typedef void (*ees_targetdisc_cb)(struct ees *e, const struct ees_up *up, json_t *eess, void *arg);
int ees_targetdisc_setup(struct ees *e, char *err);
/* eess: array of EESInfo other than this EES (borrowed), empty when none. */
void ees_targetdisc(struct ees *e, const char *eas_id, const char *ue_id, ees_targetdisc_cb cb,
                    void *arg);

/* ees_edge9.c: this EES as EDGE-9 client (push, pull); "push", "pull". */
typedef void (*ees_edge9_cb)(struct ees *e, const struct ees_up *up, const char *token, void *arg);
int ees_edge9_setup(struct ees *e, char *err);
/* token: "fetch" (cached or requested from its ECS), "none", or a literal JWT. eec_id goes into
 * the token request. On a token failure up->step is "token". */
void ees_edge9_push(struct ees *e, const char *target, const json_t *push, const char *token,
                    const char *eec_id, ees_edge9_cb cb, void *arg);
void ees_edge9_pull(struct ees *e, const char *source, const char *cntx_id, const char *token,
                    const char *eec_id, ees_edge9_cb cb, void *arg);
/* EAS discovery at another EES (EasDiscoveryReq req with requestorId.eesId), token of scope
 * eees-easdiscovery from its ECS; up->step "teas_discovery" (or "token"). */
void ees_edge9_discover(struct ees *e, const char *target, const json_t *req, const char *eec_id,
                        ees_edge9_cb cb, void *arg);

/* ees_teasdisc.c: T-EAS discovery (TS 23.558 8.8.3.2): the T-EES from target EES discovery at
 * its ECS, then EAS discovery there over EDGE-9. cb gets tees_info NULL when the first step
 * failed or found none (up says which), found NULL when the second failed; both borrowed. */
typedef void (*ees_teas_cb)(struct ees *e, const struct ees_up *up, const json_t *tees_info,
                            const json_t *found, void *arg);
void ees_teas_discover(struct ees *e, const char *eas_id, const char *ue_id, const char *eec_id,
                       ees_teas_cb cb, void *arg);
/* The EES a T-EAS discovery found the EAS at endpoint at, or NULL. */
const char *ees_teas_where(struct ees *e, const json_t *endpoint);

/* ees_act.c: the ACT an EAS of this EES makes (ACR management event ACT_START, then its ACR status
 * update). role "S_EAS" (it pushes to other) or "T_EAS" (it pulls from other); cb(ok, result,
 * why) once: ok with result "NO_EAS" when no EAS subscribed to be told. */
typedef void (*ees_act_cb)(struct ees *e, int ok, const char *result, const char *why, void *arg);
void ees_act_start(struct ees *e, const char *eas_id, const char *role, const char *ue_id,
                   const char *ac_id, const json_t *other, ees_act_cb cb, void *arg);
int ees_act_setup(struct ees *e, char *err);
void ees_act_free(struct ees *e);

/* ees_acr.c: one ACR this EES executes, of one of the variants of TS 23.558 8.8.2. */
enum ees_acr_ctx { EES_ACR_PUSH, EES_ACR_PULL };
struct ees_acr_variant {
    const char *name;     /* ACRScenario (TS 29.558) */
    int find_teas;        /* the EES finds the T-EES and the T-EAS itself (8.8.3.2) */
    enum ees_acr_ctx ctx; /* EEC context pushed to the T-EES, or pulled from the S-EES */
    const char *act_role; /* the EAS here told to start the ACT ("S_EAS", "T_EAS"), or NULL */
};
enum ees_acr_kind {
    EES_ACR_EEC_VIA_SEES,
    EES_ACR_EEC_VIA_TEES,
    EES_ACR_SEES_EXECUTED,
    EES_ACR_SEAS_DECIDED,
    EES_ACR_KINDS
};
extern const struct ees_acr_variant ees_acr_variants[EES_ACR_KINDS];
struct ees_acr {
    struct ees *e;
    struct http_req *req; /* answered when done: 204, or the failed step */
    const struct ees_acr_variant *v;
    json_t *body; /* the request */
    char eec_id[EDGE_ID_MAX];
    char cntx_id[EDGEAPP_ID_MAX];
    char ue_id[EDGE_GPSI_MAX];
    char ac_id[EDGEAPP_ID_MAX];
    char eas_id[EDGEAPP_ID_MAX];
    char tees[EDGE_FQDN_MAX];
    char sees[EDGE_FQDN_MAX]; /* pull: the S-EES */
    json_t *tees_info;        /* EESInfo of the T-EES */
    json_t *t_eas, *s_eas;    /* EndPoints of the T-EAS and the S-EAS, or NULL */
    json_t *t_eas_prof;       /* DiscoveredEas of the T-EAS, when discovered */
    json_t *push_res;         /* {implReg} of the T-EES */
};
/* A new ACR answering req (body stolen), or NULL with the 500 sent. */
struct ees_acr *ees_acr_new(struct ees *e, struct http_req *req, enum ees_acr_kind v, json_t *body);
void ees_acr_free(struct ees_acr *op);
/* Run it (req is held until it is done). */
void ees_acr_run(struct ees_acr *op);
/* ees_acrreq.c: /initiate, /determine, /declare. */
int ees_acrreq_setup(struct ees *e, char *err);

/* The HTTP APIs: ees_eecreg.c (EDGE-1 registration), ees_easdisc.c (EAS discovery),
 * ees_cntxreloc.c (EDGE-9 server), ees_contexts "contexts". */
int ees_eecreg_setup(struct ees *e, char *err);
int ees_easdisc_setup(struct ees *e, char *err);
int ees_cntxreloc_setup(struct ees *e, char *err);

#endif
