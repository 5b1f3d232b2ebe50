/* edgeapp_easreg.c -- EDGE-3 types (EAS <-> EES, TS 29.558): EASRegistration and its patch
 * (Eees_EASRegistration), ACR management event subscriptions and notifications
 * (Eees_ACRManagementEvent), the ACT status report (Eees_ACRStatusUpdate) and the EAS's ACR
 * requests AcrDetermReq / AcrDecReq (Eees_AppContextRelocation, TS 24.558 / TS 29.558). */
#include "edgeapp/edgeapp.h"
#include "edgeapp/edgeapp_rows.h"

/* TS 29.558 ACRScenario (anyOf enum, string): the values edgesim knows; others pass as strings. */
const char *const edgeapp_acr_scenarios[] = {
    "EEC_INITIATED",
    "EEC_EXECUTED_VIA_SOURCE_EES",
    "EEC_EXECUTED_VIA_TARGET_EES",
    "SOURCE_EAS_DECIDED",
    "SOURCE_EES_EXECUTED",
    "EEL_MANAGED_ACR",
    NULL,
};

const struct js_field edgeapp_eas_registration[] = {
    {.name = "easProf", .type = JS_OBJECT, .flags = JS_REQUIRED, .sub = edgeapp_eas_profile},
    {.name = "expTime", .type = JS_STRING, .check = js_check_datetime},
    {.name = "suppFeat", .type = JS_STRING, .max_len = 64},
    {0},
};

/* easProf here is an RFC 7396 merge patch of the profile (null removes a member): the EES checks
 * the merged profile with edgeapp_eas_profile. */
const struct js_field edgeapp_eas_registration_patch[] = {
    {.name = "easProf", .type = JS_OBJECT},
    {.name = "expTime", .type = JS_STRING, .flags = JS_NULLABLE, .check = js_check_datetime},
    {0},
};

/* AcrMgntEvent, AcrMgntEventFilter, ActStatus: anyOf(enum, string), so any bounded word. */
static const struct js_field acr_mgnt_event_subsc[] = {
    {.name = "event", .type = JS_STRING, .flags = JS_REQUIRED | JS_NONEMPTY, .max_len = 64},
    {.name = "eventFilter", .type = JS_STRING, .max_len = 64},
    {.name = "evtReq", .type = JS_OBJECT},
    {.name = "tgtUeId", .type = JS_OBJECT},
    {.name = "dnaiChgType", .type = JS_STRING, .max_len = 64},
    {.name = "easAckInd", .type = JS_BOOL},
    EDGEAPP_OBJECTS("easChars"),
    {.name = "trafFilterInfo", .type = JS_OBJECT},
    {.name = "servContPlanInd", .type = JS_BOOL},
    {.name = "easAckSvcCont", .type = JS_BOOL},
    {0},
};

const struct js_field edgeapp_acr_mgnt_subscription[] = {
    {.name = "self", .type = JS_STRING, .max_len = EDGEAPP_URI_MAX},
    {.name = "easId", .type = JS_STRING, .flags = JS_REQUIRED, .check = js_check_id},
    EDGEAPP_LIST("eventSubscs", JS_REQUIRED | JS_NONEMPTY, acr_mgnt_event_subsc),
    {.name = "evtReq", .type = JS_OBJECT},
    EDGEAPP_NOTIF_DEST(JS_REQUIRED | JS_NONEMPTY),
    EDGEAPP_OBJECTS("eventReports"),
    {.name = "availabilityInfo", .type = JS_OBJECT},
    EDGEAPP_OBJECTS("failEventReports"),
    {.name = "requestTestNotification", .type = JS_BOOL},
    {.name = "websockNotifConfig", .type = JS_OBJECT},
    {.name = "suppFeat", .type = JS_STRING, .max_len = 64},
    {0},
};

const struct js_field edgeapp_acr_mgnt_subscription_patch[] = {
    EDGEAPP_LIST("eventSubscs", JS_NONEMPTY, acr_mgnt_event_subsc),
    {.name = "evtReq", .type = JS_OBJECT},
    EDGEAPP_NOTIF_DEST(JS_NONEMPTY),
    {0},
};

/* AcrMgntEventReport; "ueId" (the GPSI of the UE whose application context moves) and "actRole"
 * are edgesim extensions: an ACT start/stop report of TS 29.558 names the endpoint and AC, not
 * the UE nor the direction. */
static const struct js_field acr_mgnt_event_report[] = {
    {.name = "event", .type = JS_STRING, .flags = JS_REQUIRED | JS_NONEMPTY, .max_len = 64},
    {.name = "timeStamp", .type = JS_STRING, .check = js_check_datetime},
    {.name = "upPathChgInfo", .type = JS_OBJECT},
    EDGEAPP_ENDPOINT("easEndPoint", 0),
    {.name = "actStatus", .type = JS_STRING, .max_len = 64},
    {.name = "acrParams", .type = JS_OBJECT},
    {.name = "acId", .type = JS_STRING, .max_len = EDGEAPP_ID_MAX},
    EDGEAPP_OBJECTS("selACRScen"),
    EDGEAPP_OBJECTS("easInBdlInfoList"),
    {.name = "servContPlanInd", .type = JS_BOOL},
    {.name = "ueId", .type = JS_STRING, .check = js_check_gpsi},
    /* edgesim: which end of the ACT the EAS told is, S_EAS (it pushes to easEndPoint) or T_EAS
     * (it pulls from easEndPoint); ACT start "towards or from another EAS" (TS 23.558 8.6.3). */
    {.name = "actRole", .type = JS_STRING, .max_len = 16},
    {0},
};

const struct js_field edgeapp_acr_mgnt_notification[] = {
    {.name = "subpId", .type = JS_STRING, .flags = JS_REQUIRED, .check = js_check_id},
    EDGEAPP_LIST("eventReports", JS_REQUIRED | JS_NONEMPTY, acr_mgnt_event_report),
    {0},
};

static const struct js_field act_result_info[] = {
    {.name = "actResult", .type = JS_STRING, .flags = JS_REQUIRED | JS_NONEMPTY, .max_len = 64},
    {.name = "actFailureCause", .type = JS_STRING, .max_len = 64},
    {.name = "ueId", .type = JS_STRING, .flags = JS_REQUIRED, .check = js_check_gpsi},
    EDGEAPP_ENDPOINT("easEndPoint", JS_REQUIRED),
    {0},
};

const struct js_field edgeapp_acr_update_data[] = {
    {.name = "easId", .type = JS_STRING, .flags = JS_REQUIRED, .check = js_check_id},
    {.name = "acId", .type = JS_STRING, .check = js_check_id},
    {.name = "actResultInfo", .type = JS_OBJECT, .sub = act_result_info},
    EDGEAPP_STRINGS("e3SubscIds"),
    {.name = "e3NotificationUri", .type = JS_STRING, .max_len = EDGEAPP_URI_MAX},
    {0},
};

static const struct js_field expected_loc_area[] = {
    {.name = "locInfo", .type = JS_OBJECT},
    {.name = "svcArea", .type = JS_OBJECT},
    {0},
};

/* AcrDetermReq: an EAS (EDGE-3) or EEC (EDGE-1) asks the S-EES to determine and execute ACR. */
const struct js_field edgeapp_acr_determ_req[] = {
    {.name = "requestorId", .type = JS_STRING, .flags = JS_REQUIRED, .check = js_check_id},
    {.name = "ueId", .type = JS_STRING, .check = js_check_gpsi},
    {.name = "acId", .type = JS_STRING, .check = js_check_id},
    {.name = "easId", .type = JS_STRING, .check = js_check_id},
    EDGEAPP_ENDPOINT("sEasEndpoint", JS_REQUIRED),
    {.name = "expectedLocArea", .type = JS_OBJECT, .sub = expected_loc_area},
    {0},
};

/* AcrDecReq: the selected T-EAS declared to the S-EES (SelectedTargetEAS_Declare). */
const struct js_field edgeapp_acr_dec_req[] = {
    {.name = "ueId", .type = JS_STRING, .flags = JS_REQUIRED, .check = js_check_gpsi},
    {.name = "acId", .type = JS_STRING, .check = js_check_id},
    {.name = "tEasId", .type = JS_STRING, .flags = JS_REQUIRED, .check = js_check_id},
    EDGEAPP_ENDPOINT("tEasEndpoint", JS_REQUIRED),
    {.name = "expectedLocArea", .type = JS_OBJECT, .sub = expected_loc_area},
    {0},
};
