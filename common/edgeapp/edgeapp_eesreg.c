/* edgeapp_eesreg.c -- EDGE-6 types: EESRegistration and EESProfile (TS 29.558
 * Eecs_EESRegistration). */
#include "edgeapp/edgeapp.h"
#include "edgeapp/edgeapp_rows.h"

static const struct js_field edn_info[] = {
    {.name = "dnn", .type = JS_STRING, .flags = JS_REQUIRED, .max_len = EDGEAPP_ID_MAX},
    EDGEAPP_STRINGS("dnais"),
    {0},
};

const struct js_field edgeapp_ees_profile[] = {
    {.name = "eesId", .type = JS_STRING, .flags = JS_REQUIRED, .check = js_check_id},
    EDGEAPP_ENDPOINT("endPt", JS_REQUIRED),
    EDGEAPP_ID_LIST("easIds", JS_NONEMPTY),
    {.name = "easBdlInfos", .type = JS_OBJECT},
    {.name = "ednInfoSets", .type = JS_OBJECT, .sub = edn_info},
    {.name = "easInstInfo", .type = JS_OBJECT},
    {.name = "provId", .type = JS_STRING, .max_len = EDGEAPP_ID_MAX},
    {.name = "svcArea", .type = JS_OBJECT, .sub = edgeapp_service_area},
    EDGEAPP_STRINGS("appLocs"),
    EDGEAPP_STRINGS("svcContSupp"),
    {.name = "svcContSuppExt1", .type = JS_ARRAY, .max_len = EDGEAPP_LIST_MAX},
    {.name = "eecRegConf", .type = JS_BOOL, .flags = JS_REQUIRED},
    {0},
};

const struct js_field edgeapp_ees_registration[] = {
    {.name = "eesProf", .type = JS_OBJECT, .flags = JS_REQUIRED, .sub = edgeapp_ees_profile},
    {.name = "expTime", .type = JS_STRING, .check = js_check_datetime},
    {.name = "suppFeat", .type = JS_STRING, .max_len = 64},
    {0},
};

const struct js_field edgeapp_ees_registration_patch[] = {
    {.name = "eesProf", .type = JS_OBJECT, .sub = edgeapp_ees_profile},
    {.name = "expTime", .type = JS_STRING, .flags = JS_NULLABLE, .check = js_check_datetime},
    {0},
};
