/* edgeapp_subs.c -- the subscriptions and notifications of EDGE-1 and EDGE-4 (TS 24.558):
 * ACREventsSubscription / ACRInfoNotification (Eees_ACREvents; the notification's table is in
 * edgeapp_eecreg.c), EasDiscoverySubscription / EasDiscoveryNotification (Eees_EASDiscovery),
 * ECSServProvSubscription / ServProvNotification (Eecs_ServiceProvisioning), and TS 29.122's
 * TestNotification, with which edgesim checks a notification destination before it subscribes
 * it (README "edgesim extensions"). */
#include "edgeapp/edgeapp.h"

#define ARRAY_MAX 64

const struct js_field edgeapp_acr_events_subscription[] = {
    {.name = "eecId", .type = JS_STRING, .flags = JS_REQUIRED, .check = js_check_id},
    {.name = "ueId", .type = JS_STRING, .check = js_check_gpsi},
    {.name = "expTime", .type = JS_STRING, .check = js_check_datetime},
    {.name = "easIds",
     .type = JS_ARRAY,
     .flags = JS_REQUIRED | JS_NONEMPTY,
     .max_len = ARRAY_MAX,
     .items = JS_STRING,
     .item_check = js_check_id},
    {.name = "acIds", .type = JS_ARRAY, .max_len = ARRAY_MAX, .items = JS_STRING},
    /* ACREventIDs: TARGET_INFORMATION, ACR_COMPLETE (anyOf string), one value in this API. */
    {.name = "eventIds", .type = JS_STRING, .flags = JS_REQUIRED | JS_NONEMPTY, .max_len = 64},
    {.name = "notificationDestination",
     .type = JS_STRING,
     .flags = JS_REQUIRED | JS_NONEMPTY,
     .max_len = EDGEAPP_URI_MAX},
    {.name = "requestTestNotification", .type = JS_BOOL},
    {.name = "websockNotifConfig", .type = JS_OBJECT},
    {.name = "suppFeat", .type = JS_STRING, .max_len = 64},
    {0},
};

const struct js_field edgeapp_eas_discovery_subscription[] = {
    {.name = "eecId", .type = JS_STRING, .flags = JS_REQUIRED, .check = js_check_id},
    {.name = "ueId", .type = JS_STRING, .check = js_check_gpsi},
    /* EASDiscEventIDs: EAS_AVAILABILITY_CHANGE, EAS_DYNAMIC_INFO_CHANGE (anyOf string). */
    {.name = "easEventType", .type = JS_STRING, .flags = JS_REQUIRED | JS_NONEMPTY, .max_len = 64},
    {.name = "easDiscoveryFilter", .type = JS_OBJECT, .sub = edgeapp_eas_discovery_filter},
    {.name = "easDynInfoFilter", .type = JS_OBJECT},
    {.name = "easSvcContinuity", .type = JS_ARRAY, .max_len = ARRAY_MAX, .items = JS_STRING},
    {.name = "expTime", .type = JS_STRING, .check = js_check_datetime},
    {.name = "notificationDestination", .type = JS_STRING, .max_len = EDGEAPP_URI_MAX},
    {.name = "requestTestNotification", .type = JS_BOOL},
    {.name = "websockNotifConfig", .type = JS_OBJECT},
    {.name = "suppFeat", .type = JS_STRING, .max_len = 64},
    {.name = "easIntTrigSup", .type = JS_BOOL},
    {.name = "eecTriggerRequest", .type = JS_BOOL},
    {0},
};

const struct js_field edgeapp_eas_discovery_notification[] = {
    {.name = "subId", .type = JS_STRING, .flags = JS_REQUIRED, .check = js_check_id},
    {.name = "eventType", .type = JS_STRING, .flags = JS_REQUIRED | JS_NONEMPTY, .max_len = 64},
    /* minItems 1 in the YAML; edgesim also says "none left" with an empty list (the EAS left). */
    {.name = "discoveredEas",
     .type = JS_ARRAY,
     .flags = JS_REQUIRED,
     .max_len = ARRAY_MAX,
     .items = JS_OBJECT,
     .sub = edgeapp_discovered_eas},
    {.name = "easInstInfos", .type = JS_OBJECT},
    {.name = "edgeLoadAnalytics", .type = JS_OBJECT},
    {0},
};

const struct js_field edgeapp_servprov_subscription[] = {
    {.name = "eecId", .type = JS_STRING, .flags = JS_REQUIRED, .check = js_check_id},
    {.name = "ueId", .type = JS_STRING, .check = js_check_gpsi},
    {.name = "acProfs",
     .type = JS_ARRAY,
     .max_len = ARRAY_MAX,
     .items = JS_OBJECT,
     .sub = edgeapp_ac_profile},
    {.name = "expTime", .type = JS_STRING, .check = js_check_datetime},
    {.name = "eecSvcContSupp", .type = JS_ARRAY, .max_len = ARRAY_MAX, .items = JS_STRING},
    {.name = "connInfo", .type = JS_ARRAY, .max_len = ARRAY_MAX, .items = JS_OBJECT},
    {.name = "notificationDestination", .type = JS_STRING, .max_len = EDGEAPP_URI_MAX},
    {.name = "requestTestNotification", .type = JS_BOOL},
    {.name = "websockNotifConfig", .type = JS_OBJECT},
    {.name = "ecspIds", .type = JS_ARRAY, .max_len = ARRAY_MAX, .items = JS_STRING},
    {.name = "eecTriggerRequest", .type = JS_BOOL},
    {.name = "suppFeat", .type = JS_STRING, .max_len = 64},
    {0},
};

/* ServProvNotification. Its EDNConfigInfo entries are read loosely (objects): when the last EES a
 * subscriber was given leaves, edgesim says so with an entry whose eess is empty, which
 * EDNConfigInfo's minItems 1 would refuse (README "edgesim extensions"). */
const struct js_field edgeapp_servprov_notification[] = {
    {.name = "subId", .type = JS_STRING, .flags = JS_REQUIRED, .check = js_check_id},
    {.name = "ednCnfgInfo",
     .type = JS_ARRAY,
     .flags = JS_REQUIRED | JS_NONEMPTY,
     .max_len = ARRAY_MAX,
     .items = JS_OBJECT},
    {0},
};

/* TS 29.122 TestNotification {subscription: Link}. */
const struct js_field edgeapp_test_notification[] = {
    {.name = "subscription", .type = JS_STRING, .flags = JS_REQUIRED, .max_len = EDGEAPP_URI_MAX},
    {0},
};

/* The PATCH bodies of the subscriptions (RFC 7396 merge patches). */
const struct js_field edgeapp_acr_events_subscription_patch[] = {
    {.name = "expTime", .type = JS_STRING, .check = js_check_datetime},
    {.name = "easIds",
     .type = JS_ARRAY,
     .flags = JS_NONEMPTY,
     .max_len = ARRAY_MAX,
     .items = JS_STRING,
     .item_check = js_check_id},
    {.name = "eventIds", .type = JS_STRING, .flags = JS_NONEMPTY, .max_len = 64},
    {.name = "notificationDestination",
     .type = JS_STRING,
     .flags = JS_NONEMPTY,
     .max_len = EDGEAPP_URI_MAX},
    {0},
};

const struct js_field edgeapp_eas_discovery_subscription_patch[] = {
    {.name = "easDiscoveryFilter", .type = JS_OBJECT, .sub = edgeapp_eas_discovery_filter},
    {.name = "easDynInfoFilter", .type = JS_OBJECT},
    {.name = "easSvcContinuity", .type = JS_ARRAY, .max_len = ARRAY_MAX, .items = JS_STRING},
    {.name = "expTime", .type = JS_STRING, .check = js_check_datetime},
    {.name = "easEventType", .type = JS_STRING, .flags = JS_NONEMPTY, .max_len = 64},
    {0},
};

const struct js_field edgeapp_servprov_subscription_patch[] = {
    {.name = "acProfs",
     .type = JS_ARRAY,
     .max_len = ARRAY_MAX,
     .items = JS_OBJECT,
     .sub = edgeapp_ac_profile},
    {.name = "expTime", .type = JS_STRING, .check = js_check_datetime},
    {.name = "eecSvcContSupp", .type = JS_ARRAY, .max_len = ARRAY_MAX, .items = JS_STRING},
    {.name = "connInfo", .type = JS_ARRAY, .max_len = ARRAY_MAX, .items = JS_OBJECT},
    {0},
};
