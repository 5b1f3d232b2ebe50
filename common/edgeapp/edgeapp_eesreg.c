/* edgeapp_eesreg.c -- EDGE-6 types: EESRegistration and EESProfile (TS 29.558
 * Eecs_EESRegistration). */
#include "edgeapp/edgeapp.h"

#define ARRAY_MAX 64

static const struct js_field edn_info[] = {
    {.name = "dnn", .type = JS_STRING, .flags = JS_REQUIRED, .max_len = EDGEAPP_ID_MAX},
    {.name = "dnais", .type = JS_ARRAY, .max_len = ARRAY_MAX, .items = JS_STRING},
    {0},
};

const struct js_field edgeapp_ees_profile[] = {
    {.name = "eesId", .type = JS_STRING, .flags = JS_REQUIRED, .check = js_check_id},
    {.name = "endPt",
     .type = JS_OBJECT,
     .flags = JS_REQUIRED,
     .sub = edgeapp_endpoint,
     .check = edgeapp_check_endpoint},
    {.name = "easIds",
     .type = JS_ARRAY,
     .flags = JS_NONEMPTY,
     .max_len = ARRAY_MAX,
     .items = JS_STRING,
     .item_check = js_check_id},
    {.name = "easBdlInfos", .type = JS_OBJECT},
    {.name = "ednInfoSets", .type = JS_OBJECT, .sub = edn_info},
    {.name = "easInstInfo", .type = JS_OBJECT},
    {.name = "provId", .type = JS_STRING, .max_len = EDGEAPP_ID_MAX},
    {.name = "svcArea", .type = JS_OBJECT, .sub = edgeapp_service_area},
    {.name = "appLocs", .type = JS_ARRAY, .max_len = ARRAY_MAX, .items = JS_STRING},
    {.name = "svcContSupp", .type = JS_ARRAY, .max_len = ARRAY_MAX, .items = JS_STRING},
    {.name = "svcContSuppExt1", .type = JS_ARRAY, .max_len = ARRAY_MAX},
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
