/* edgeapp.h -- the 3GPP EDGEAPP data types that cross the wire, as strict field tables.
 *
 * Field names, types and required members follow the 3GPP OpenAPI files in
 * shared/3gpp/openapi (TS 24.558 / TS 29.558 Rel-18): EDGE-6 EESRegistration,
 * EDGE-4 ECSServProvReq / ECSServProvResp, EDGE-1 EECRegistration, EasDiscoveryReq /
 * EasDiscoveryResp, AcrInitReq / ACRInfoNotification, EDGE-9 EECContextPush /
 * EECContextPushRes / EECContext. Every table is for js_decode()
 * (json_strict.h); members edgesim does not interpret are still type-checked
 * where the table names them, and 3GPP's optional extensions pass (JS_OTHER).
 * edgesim's extensions on the wire (README "edgesim extensions"): EESInfo.accessToken
 * (ECS -> EEC: 3GPP defines no body field for the EEC's token), EESInfo.authzMethod,
 * .regEcs and .ecsHops (edgeapp_servprov.c), and the EDGE-10 request's requestorEcs, eesIds
 * and easIds (edgeapp_servprov.c). */
#ifndef EDGE_EDGEAPP_H
#define EDGE_EDGEAPP_H

#include "base/json_strict.h"

#define EDGEAPP_ID_MAX 256   /* eesId, eecId, easId, acId, context IDs */
#define EDGEAPP_URI_MAX 2048 /* EndPoint.uri */

/* TS 29.558 EndPoint: exactly one of fqdn, ipv4Addrs, ipv6Addrs, uri. */
extern const struct js_field edgeapp_endpoint[];
/* TS 29.571 PlmnId, Ncgi, Ecgi, Tai. */
extern const struct js_field edgeapp_plmn_id[];
extern const struct js_field edgeapp_ncgi[];
extern const struct js_field edgeapp_ecgi[];
extern const struct js_field edgeapp_tai[];
/* TS 29.558 ServiceArea {topServAr{ecgis, ncgis, tais, plmnIds}, geoServAr{geoArs, civicAddrs}}:
 * where an EES (EESProfile.svcArea) or an EAS serves. */
extern const struct js_field edgeapp_service_area[];
/* TS 29.122 LocationArea5G {geographicAreas, civicAddresses, nwAreaInfo{ecgis, ncgis,
 * gRanNodeIds, tais}}: EESInfo.svcArea (TS 24.558) and the ue-location of target EES discovery
 * (edgeapp_area.c). */
extern const struct js_field edgeapp_location_area_5g[];
/* TS 29.572 GeographicArea (shape and its points) and CivicAddress, with their object checks. */
extern const struct js_field edgeapp_geographic_area[];
extern const struct js_field edgeapp_civic_address[];
int edgeapp_check_geographic_area(json_t *v, const struct js_field *f, void *ctx, char *why);
int edgeapp_check_civic_address(json_t *v, const struct js_field *f, void *ctx, char *why);
/* The LocationArea5G of a ServiceArea (TS 29.558 -> TS 29.122, edgeapp_area.c): topServAr's
 * ecgis, ncgis and tais become nwAreaInfo's, geoServAr's geoArs and civicAddrs become
 * geographicAreas and civicAddresses. topServAr.plmnIds has no counterpart (NetworkAreaInfo
 * lists cells, TAs and RAN nodes, not networks): its path is appended to dropped (an array, may
 * be NULL). NULL when nothing maps (no area, or only plmnIds): then no svcArea is said at all. */
json_t *edgeapp_svc_area_to_la5g(const json_t *svc_area, json_t *dropped);
/* TS 29.122 LocationInfo as edgesim reads it: ncgi / ecgi (others pass). */
extern const struct js_field edgeapp_location_info[];
/* TS 24.558 ACProfile {acId*, eass[{easId*}], ...}. */
extern const struct js_field edgeapp_ac_profile[];

/* EDGE-6, TS 29.558 Eecs_EESRegistration. */
extern const struct js_field edgeapp_ees_registration[]; /* {eesProf*, expTime, suppFeat} */
extern const struct js_field edgeapp_ees_profile[];
extern const struct js_field edgeapp_ees_registration_patch[]; /* {eesProf, expTime|null} */

/* EDGE-4, TS 24.558 Eecs_ServiceProvisioning. */
extern const struct js_field edgeapp_servprov_req[];    /* ECSServProvReq */
extern const struct js_field edgeapp_servprov_resp[];   /* ECSServProvResp (EEC/EES read it) */
extern const struct js_field edgeapp_edn_config_info[]; /* EDNConfigInfo {ednConInfo*, eess*} */

/* EESInfo.authzMethod (edgesim): how the EES authorizes its callers, as its ECS is configured
 * (TS 33.558 6.2). NULL-ended, for js_field.choices. */
#define EDGEAPP_AUTHZ_TOKEN "TOKEN"
#define EDGEAPP_AUTHZ_LOCAL "LOCAL"
extern const char *const edgeapp_authz_methods[];
/* TS 24.558 EesAuthMethod (EESInfo.eesAuthMethods: how an EEC can authenticate to that EES),
 * NULL-ended; a decoded EESInfo accepts other strings too (3GPP enums are extensible). */
#define EDGEAPP_AUTH_CERT "TLS_CLIENT_SERVER_CERTIFICATE"
#define EDGEAPP_AUTH_AKMA "TLS_WITH_AKMA"
#define EDGEAPP_AUTH_GBA "TLS_WITH_GBA"
#define EDGEAPP_AUTH_SERVER_CERT_ONLY "SERVER_SIDE_CERTIFICATE_BASED"
extern const char *const edgeapp_ees_auth_methods[];

/* EDGE-10, TS 29.558 Eecs_ECSServiceProvisioning (TS 23.558 8.17.2.4, 8.17.3): the request of
 * one ECS to a partner ECS, after ECSServProvReq; the answer is an ECSServProvResp. */
extern const struct js_field edgeapp_ecs_servprov_req[];

/* EDGE-1, TS 24.558 Eees_EECRegistration / Eees_EASDiscovery / Eees_AppContextRelocation. */
extern const struct js_field edgeapp_eec_registration[];
extern const struct js_field edgeapp_eec_registration_patch[];
extern const struct js_field edgeapp_eas_discovery_req[];
extern const struct js_field edgeapp_eas_discovery_resp[]; /* {discoveredEas*[], ...} */
extern const struct js_field edgeapp_discovered_eas[];     /* DiscoveredEas {eas*, lifeTime} */
extern const struct js_field edgeapp_eas_profile[];
extern const struct js_field edgeapp_acr_init_req[];
/* Eees_ACREvents: the S-EES's answer to ACR (edgesim: the 200 body of /initiate). */
extern const struct js_field edgeapp_acr_info_notification[];

/* EDGE-9, TS 29.558 Eees_EECContextRelocation. */
extern const struct js_field edgeapp_eec_context[];
extern const struct js_field edgeapp_eec_context_push[];
extern const struct js_field edgeapp_eec_context_push_res[]; /* {implReg, selAcrScenariosList} */
extern const struct js_field edgeapp_implicit_reg[]; /* ImplicitRegDetails {regId*, expTime} */

/* EDGE-3, TS 29.558 Eees_EASRegistration, Eees_ACRManagementEvent, Eees_ACRStatusUpdate, and
 * the EAS's requests of Eees_AppContextRelocation (edgeapp_easreg.c). */
extern const struct js_field edgeapp_eas_registration[];       /* {easProf*, expTime, suppFeat} */
extern const struct js_field edgeapp_eas_registration_patch[]; /* {easProf, expTime|null} */
extern const struct js_field edgeapp_acr_mgnt_subscription[];  /* AcrMgntEventsSubscription */
extern const struct js_field edgeapp_acr_mgnt_subscription_patch[];
extern const struct js_field edgeapp_acr_mgnt_notification[]; /* AcrMgntEventsNotification */
extern const struct js_field edgeapp_acr_update_data[];       /* ACRUpdateData */
extern const struct js_field edgeapp_acr_determ_req[];        /* AcrDetermReq */
extern const struct js_field edgeapp_acr_dec_req[];           /* AcrDecReq */
/* ACRScenario values (TS 29.558), NULL-ended. */
extern const char *const edgeapp_acr_scenarios[];

/* Subscriptions and notifications of EDGE-1 and EDGE-4 (edgeapp_subs.c). */
extern const struct js_field edgeapp_eas_discovery_filter[];       /* EasDiscoveryFilter */
extern const struct js_field edgeapp_acr_events_subscription[];    /* ACREventsSubscription */
extern const struct js_field edgeapp_eas_discovery_subscription[]; /* EasDiscoverySubscription */
extern const struct js_field edgeapp_eas_discovery_notification[]; /* EasDiscoveryNotification */
extern const struct js_field edgeapp_servprov_subscription[];      /* ECSServProvSubscription */
extern const struct js_field edgeapp_servprov_notification[];      /* ServProvNotification */
extern const struct js_field edgeapp_test_notification[];          /* TS 29.122 TestNotification */
extern const struct js_field edgeapp_acr_events_subscription_patch[];
extern const struct js_field edgeapp_eas_discovery_subscription_patch[];
extern const struct js_field edgeapp_servprov_subscription_patch[];

/* Object-level checks (usable as js_field.check). */
int edgeapp_check_endpoint(json_t *v, const struct js_field *f, void *ctx, char *why);
int edgeapp_check_requestor_id(json_t *v, const struct js_field *f, void *ctx, char *why);

/* Does this ServiceArea contain the location (NCGI or ECGI match, or a TAI
 * the caller gives)? A missing service area covers everywhere. */
int edgeapp_area_covers(const json_t *svc_area, const json_t *loc_inf);
/* The same for a LocationArea5G (its nwAreaInfo's cells). */
int edgeapp_la5g_covers(const json_t *area, const json_t *loc_inf);

/* Build an EndPoint {"uri":"https://fqdn[:port]"} (port 443 omitted). */
json_t *edgeapp_endpoint_uri(const char *fqdn, int port);
/* The host of an EndPoint (fqdn, or the host part of uri); NULL if none. */
const char *edgeapp_endpoint_host(const json_t *endpoint, char *buf, size_t len);

#endif
