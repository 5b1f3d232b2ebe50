/* edgeapp_eecreg.c -- EDGE-1 types: EECRegistration, EasDiscoveryReq / EasDiscoveryResp,
 * AcrInitReq and ACRInfoNotification (TS 24.558 Eees_EECRegistration, Eees_EASDiscovery,
 * Eees_AppContextRelocation, Eees_ACREvents). */
#include "edgeapp/edgeapp.h"
#include "edgeapp/edgeapp_rows.h"

const struct js_field edgeapp_eec_registration[] = {
    {.name = "eecId", .type = JS_STRING, .flags = JS_REQUIRED, .check = js_check_id},
    {.name = "ueId", .type = JS_STRING, .check = js_check_gpsi},
    EDGEAPP_LIST("acProfs", 0, edgeapp_ac_profile),
    {.name = "expTime", .type = JS_STRING, .check = js_check_datetime},
    EDGEAPP_STRINGS("eecSvcContSupp"),
    /* eecCntxId + srcEesId: the T-EES pulls the context (TS 23.558 8.9.2.2). */
    {.name = "eecCntxId", .type = JS_STRING, .check = js_check_id},
    {.name = "srcEesId", .type = JS_STRING, .check = js_check_id},
    EDGEAPP_ENDPOINT("endPt", 0),
    {.name = "ueMobilityReq", .type = JS_BOOL},
    {.name = "easSelReqInd", .type = JS_BOOL},
    {.name = "ueType", .type = JS_STRING, .max_len = 32},
    EDGEAPP_OBJECTS("discoveredEas"),
    EDGEAPP_OBJECTS("unfulfillAcProfs"),
    {.name = "unfulfilledAcProfs", .type = JS_OBJECT},
    {0},
};

const struct js_field edgeapp_eec_registration_patch[] = {
    EDGEAPP_LIST("acProfs", 0, edgeapp_ac_profile),
    {.name = "expTime", .type = JS_STRING, .check = js_check_datetime},
    {.name = "ueMobilityReq", .type = JS_BOOL},
    {.name = "easSelReqInd", .type = JS_BOOL},
    {.name = "ueType", .type = JS_STRING, .max_len = 32},
    {0},
};

static const struct js_field requestor_id[] = {
    {.name = "eesId", .type = JS_STRING, .check = js_check_id},
    {.name = "easId", .type = JS_STRING, .check = js_check_id},
    {.name = "eecId", .type = JS_STRING, .check = js_check_id},
    {0},
};

static const struct js_field ac_characteristics[] = {
    {.name = "acProf", .type = JS_OBJECT, .flags = JS_REQUIRED, .sub = edgeapp_ac_profile},
    {0},
};

const struct js_field edgeapp_eas_discovery_filter[] = {
    EDGEAPP_LIST("acChars", 0, ac_characteristics),
    EDGEAPP_OBJECTS("easChars"),
    {0},
};

const struct js_field edgeapp_eas_discovery_req[] = {
    {.name = "requestorId",
     .type = JS_OBJECT,
     .flags = JS_REQUIRED,
     .sub = requestor_id,
     .check = edgeapp_check_requestor_id},
    {.name = "ueId", .type = JS_STRING, .check = js_check_gpsi},
    {.name = "easDiscoveryFilter", .type = JS_OBJECT, .sub = edgeapp_eas_discovery_filter},
    {.name = "locInf", .type = JS_OBJECT, .sub = edgeapp_location_info},
    {.name = JS_OTHER}, /* continuity and planning hints: carried, not interpreted */
    {0},
};

/* DiscoveredEas {eas*, lifeTime}: an entry of EasDiscoveryResp, and ACRInfoNotification's
 * trgtInfo.trgetEASInfo. */
const struct js_field edgeapp_discovered_eas[] = {
    {.name = "eas", .type = JS_OBJECT, .flags = JS_REQUIRED, .sub = edgeapp_eas_profile},
    {.name = "lifeTime", .type = JS_STRING, .check = js_check_datetime},
    {0},
};

const struct js_field edgeapp_eas_discovery_resp[] = {
    EDGEAPP_LIST("discoveredEas", JS_REQUIRED, edgeapp_discovered_eas),
    {.name = "easInstInfos", .type = JS_OBJECT},      /* map easId -> EASInstantiationInfo */
    {.name = "edgeLoadAnalytics", .type = JS_OBJECT}, /* map easId -> EdgeLoadAnalytic */
    {0},
};

static const struct js_field eec_ctxt_reloc[] = {
    {.name = "eecCtxtId", .type = JS_STRING, .flags = JS_REQUIRED, .check = js_check_id},
    {.name = "sEesId", .type = JS_STRING, .check = js_check_id},
    EDGEAPP_ENDPOINT("sEecEndpoint", 0),
    {.name = "tEesId", .type = JS_STRING, .check = js_check_id},
    EDGEAPP_ENDPOINT("tEecEndpoint", 0),
    {0},
};

const struct js_field edgeapp_acr_init_req[] = {
    {.name = "requestorId", .type = JS_STRING, .flags = JS_REQUIRED, .check = js_check_id},
    {.name = "ueId", .type = JS_STRING, .check = js_check_gpsi},
    {.name = "acId", .type = JS_STRING, .check = js_check_id},
    {.name = "easId", .type = JS_STRING, .check = js_check_id},
    EDGEAPP_ENDPOINT("tEasEndpoint", JS_REQUIRED),
    EDGEAPP_ENDPOINT("sEasEndpoint", 0),
    EDGEAPP_ENDPOINT("prevTEasEndpoint", 0),
    {.name = "routeReq", .type = JS_OBJECT},
    {.name = "simInactTime", .type = JS_INT, .check = js_check_range, .min = 0, .max = 86400},
    {.name = "easNotifInd", .type = JS_BOOL, .flags = JS_REQUIRED},
    {.name = "prevEasNotifInd", .type = JS_BOOL},
    {.name = "eecCtxtReloc", .type = JS_OBJECT, .sub = eec_ctxt_reloc},
    {.name = "predictExpTime", .type = JS_STRING, .check = js_check_datetime},
    {.name = "expectedLocArea", .type = JS_OBJECT},
    {0},
};

/* Eees_ACREvents: TargetInfo, ACRCompleteEventInfo, EecCtxtRelocStatus. */
static const struct js_field target_info[] = {
    {.name = "trgetEASInfo", .type = JS_OBJECT, .sub = edgeapp_discovered_eas},
    {.name = "trgetEESInfo", .type = JS_OBJECT, .sub = edgeapp_edn_config_info},
    {0},
};

static const struct js_field acr_complete_event_info[] = {
    {.name = "acrRes", .type = JS_BOOL, .flags = JS_REQUIRED},
    EDGEAPP_ENDPOINT("tEasEndpoint", JS_REQUIRED),
    {.name = "failReason", .type = JS_STRING, .max_len = 1024},
    {0},
};

static const struct js_field eec_ctxt_reloc_status[] = {
    {.name = "implReg", .type = JS_OBJECT, .sub = edgeapp_implicit_reg},
    {0},
};

const struct js_field edgeapp_acr_info_notification[] = {
    {.name = "subId", .type = JS_STRING, .flags = JS_REQUIRED, .max_len = EDGEAPP_ID_MAX},
    {.name = "easId", .type = JS_STRING, .flags = JS_REQUIRED, .max_len = EDGEAPP_ID_MAX},
    {.name = "acId", .type = JS_STRING, .max_len = EDGEAPP_ID_MAX},
    /* ACREventIDs: TARGET_INFORMATION, ACR_COMPLETE, or a later one (anyOf string). */
    {.name = "eventId", .type = JS_STRING, .flags = JS_REQUIRED | JS_NONEMPTY, .max_len = 64},
    {.name = "trgtInfo", .type = JS_OBJECT, .sub = target_info},
    {.name = "acrStatus", .type = JS_OBJECT, .sub = acr_complete_event_info},
    {.name = "eecCtxtReloc", .type = JS_OBJECT, .sub = eec_ctxt_reloc_status},
    {0},
};
