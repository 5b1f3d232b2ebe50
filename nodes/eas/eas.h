/* eas.h -- edge-eas, an Edge Application Server as thin as the enablers around it are real
 * (TS 23.558 8.4.3, 8.6.3, 8.8; TS 29.558 EDGE-3): it registers its EASProfile at its EES and
 * keeps the registration alive, holds the application contexts of the UEs it serves, and takes
 * its part in application context relocation: told by its EES to start an application context
 * transfer (ACR management event ACT_START_STOP), it moves a UE's context to the T-EAS (edgesim's
 * simple transfer, README "edgesim extensions") and reports the outcome (Eees_ACRStatusUpdate);
 * as S-EAS it decides ACR itself or asks its EES to (AcrDecReq, AcrDetermReq).
 *
 * One struct eas per process; modules (one file each): eas_config (keys), eas_reg (EDGE-3
 * registration), eas_appctx (the contexts and the transfer between EASes), eas_acr (its part of
 * ACR and the ACR management event subscription). */
#ifndef EDGE_EAS_H
#define EDGE_EAS_H

#include <jansson.h>

#include "edgeapp/edgeapp.h"
#include "edgeapp/edgeapp_paths.h"
#include "node/node.h"
#include "node/node_reg.h"

#define EAS_APPCTX_PATH "/eas-appctx/v1/contexts" /* edgesim's simple transfer */
#define EAS_CTX_MAX 4096                          /* application contexts held at once */

#define EAS_CTL_BAD_ARGS "eas.bad_args"
#define EAS_CTL_NO_CONTEXT "eas.no_context"
#define EAS_CTL_INTERNAL "eas.internal"
#define EAS_CTL_STOPPING "eas.stopping"

/* Every refusal of edge-eas (eas_refusals[], eas_config.c), as the EES's table does. */
enum eas_refusal {
    EAS_R_NOT_AN_EAS,        /* 403: a context transfer from a peer that is no EAS */
    EAS_R_OTHER_APPLICATION, /* 403: an EAS of another EAS ID (another application) */
    EAS_R_NO_CONTEXT,        /* 404: no application context of that UE */
    EAS_R_FULL,              /* 503: EAS_CTX_MAX contexts held */
    EAS_R_INTERNAL,          /* 500 */
    EAS_R_COUNT
};
extern const struct node_refusal eas_refusals[EAS_R_COUNT];
#define eas_refuse(req, r, ...) node_refuse((req), &eas_refusals[(r)], __VA_ARGS__)

struct eas_config {
    const char *ees;            /* FQDN of its EES (EDGE-3) */
    const char *eas_id;         /* EASProfile.easId; its certificate names it too */
    json_t *profile;            /* further EASProfile members (acIds, svcArea, svcContSupp, ...) */
    struct node_reg_policy reg; /* how it keeps the EDGE-3 registration */
    int acr_events;             /* subscribe to ACR management events at start */
    long long peer_ms;          /* deadlines.peerMs: longest wait for another EAS or its EES */
};

struct eas_ctxs;
struct eas_acr;

struct eas {
    struct node n;
    struct eas_config cfg;
    struct node_reg *reg;  /* EDGE-3 registration (eas_reg.c) */
    struct eas_ctxs *ctxs; /* application contexts (eas_appctx.c) */
    struct eas_acr *acr;   /* ACR management event subscription (eas_acr.c) */
    int stopping;
    int closing;
};

/* eas_config.c */
extern const struct js_field eas_config_fields[];
void eas_config_defaults(struct eas_config *c);
int eas_config_check(struct eas *a, char *err);

/* eas_reg.c: EDGE-3 registration at its EES (TS 23.558 8.4.3), kept alive; "registration",
 * "update_profile". */
int eas_reg_setup(struct eas *a, char *err);
/* The EASProfile it registers (new reference). */
json_t *eas_profile(struct eas *a);

/* eas_appctx.c: the application contexts of the UEs it serves, and the transfer between EASes;
 * "contexts", "put_context". */
int eas_appctx_setup(struct eas *a, char *err);
void eas_appctx_free(struct eas *a);
/* The context of ueId (borrowed), or NULL. */
const json_t *eas_appctx_get(struct eas *a, const char *ue_id);
/* Move ue_id's context to the EAS at endpoint (push); cb(a, ok, why, arg) once. */
typedef void (*eas_transfer_cb)(struct eas *a, int ok, const char *why, void *arg);
void eas_appctx_push(struct eas *a, const char *ue_id, const char *ac_id, const json_t *endpoint,
                     eas_transfer_cb cb, void *arg);
/* Fetch ue_id's context from the EAS at endpoint (pull); cb once. */
void eas_appctx_pull(struct eas *a, const char *ue_id, const json_t *endpoint, eas_transfer_cb cb,
                     void *arg);

/* eas_acr.c: ACR management events, the ACT, and the ACRs it starts; "acr_determine",
 * "acr_decide", "notifications". */
int eas_acr_setup(struct eas *a, char *err);
/* Subscribe to ACR management events (acrEvents), then register; or register at once. */
void eas_acr_start(struct eas *a);
void eas_acr_close(struct eas *a); /* before node_free */
void eas_acr_free(struct eas *a);  /* after node_free */

#endif
