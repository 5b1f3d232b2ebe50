/* edgeapp_eeccontext.c -- EDGE-9 types: EECContext, EECContextPush and EECContextPushRes with
 * ImplicitRegDetails (TS 29.558 Eees_EECContextRelocation). */
#include "edgeapp/edgeapp.h"
#include "edgeapp/edgeapp_rows.h"

const struct js_field edgeapp_eec_context[] = {
    {.name = "eecId", .type = JS_STRING, .flags = JS_REQUIRED, .check = js_check_id},
    {.name = "cntxId", .type = JS_STRING, .flags = JS_REQUIRED, .check = js_check_id},
    {.name = "ueId", .type = JS_STRING, .check = js_check_gpsi},
    EDGEAPP_STRINGS("e1Subs"),
    {.name = "ueLoc", .type = JS_OBJECT},
    EDGEAPP_LIST("acProfs", 0, edgeapp_ac_profile),
    {.name = "sessCntxs", .type = JS_OBJECT},
    {.name = "eecSrvContSupp", .type = JS_OBJECT},
    {.name = "ueMobSuppInd", .type = JS_BOOL},
    {0},
};

const struct js_field edgeapp_eec_context_push[] = {
    {.name = "eesId", .type = JS_STRING, .flags = JS_REQUIRED, .check = js_check_id},
    {.name = "eecCntx", .type = JS_OBJECT, .flags = JS_REQUIRED, .sub = edgeapp_eec_context},
    EDGEAPP_ENDPOINT("tgtEas", 0),
    {.name = "acrScenariosSelReq", .type = JS_BOOL},
    {0},
};

/* The registration a T-EES made for the EEC of a pushed context; the EEC learns it from
 * ACRInfoNotification.eecCtxtReloc.implReg (TS 23.558 8.9.2.3). */
const struct js_field edgeapp_implicit_reg[] = {
    {.name = "regId", .type = JS_STRING, .flags = JS_REQUIRED, .check = js_check_id},
    {.name = "expTime", .type = JS_STRING, .check = js_check_datetime},
    {0},
};

const struct js_field edgeapp_eec_context_push_res[] = {
    {.name = "implReg", .type = JS_OBJECT, .sub = edgeapp_implicit_reg},
    {.name = "selAcrScenariosList",
     .type = JS_ARRAY,
     .flags = JS_NONEMPTY,
     .max_len = 16,
     .items = JS_STRING},
    {0},
};
