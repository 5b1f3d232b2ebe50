/* edgeapp_subs.c -- the subscriptions and notifications of EDGE-1 and EDGE-4 (TS 24.558):
 * ACREventsSubscription / ACRInfoNotification (Eees_ACREvents; the notification's table is in
 * edgeapp_eecreg.c), EasDiscoverySubscription / EasDiscoveryNotification (Eees_EASDiscovery),
 * ECSServProvSubscription / ServProvNotification (Eecs_ServiceProvisioning), and TS 29.122's
 * TestNotification, with which edgesim checks a notification destination before it subscribes
 * it (README "edgesim extensions"). */
#include "edgeapp/edgeapp.h"
#include "edgeapp/edgeapp_rows.h"

const struct js_field edgeapp_acr_events_subscription[] = {
    {.name = "eecId", .type = JS_STRING, .flags = JS_REQUIRED, .check = js_check_id},
    {.name = "ueId", .type = JS_STRING, .check = js_check_gpsi},
    {.name = "expTime", .type = JS_STRING, .check = js_check_datetime},
    EDGEAPP_ID_LIST("easIds", JS_REQUIRED | JS_NONEMPTY),
    EDGEAPP_STRINGS("acIds"),
    /* ACREventIDs: TARGET_INFORMATION, ACR_COMPLETE (anyOf string), one value in this API. */
    {.name = "eventIds", .type = JS_STRING, .flags = JS_REQUIRED | JS_NONEMPTY, .max_len = 64},
    EDGEAPP_NOTIF_DEST(JS_REQUIRED | JS_NONEMPTY),
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
    EDGEAPP_STRINGS("easSvcContinuity"),
    {.name = "expTime", .type = JS_STRING, .check = js_check_datetime},
    EDGEAPP_NOTIF_DEST(0),
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
    EDGEAPP_LIST("discoveredEas", JS_REQUIRED, edgeapp_discovered_eas),
    {.name = "easInstInfos", .type = JS_OBJECT},
    {.name = "edgeLoadAnalytics", .type = JS_OBJECT},
    {0},
};

const struct js_field edgeapp_servprov_subscription[] = {
    {.name = "eecId", .type = JS_STRING, .flags = JS_REQUIRED, .check = js_check_id},
    {.name = "ueId", .type = JS_STRING, .check = js_check_gpsi},
    EDGEAPP_LIST("acProfs", 0, edgeapp_ac_profile),
    {.name = "expTime", .type = JS_STRING, .check = js_check_datetime},
    EDGEAPP_STRINGS("eecSvcContSupp"),
    EDGEAPP_OBJECTS("connInfo"),
    EDGEAPP_NOTIF_DEST(0),
    {.name = "requestTestNotification", .type = JS_BOOL},
    {.name = "websockNotifConfig", .type = JS_OBJECT},
    EDGEAPP_STRINGS("ecspIds"),
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
     .max_len = EDGEAPP_LIST_MAX,
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
    EDGEAPP_ID_LIST("easIds", JS_NONEMPTY),
    {.name = "eventIds", .type = JS_STRING, .flags = JS_NONEMPTY, .max_len = 64},
    EDGEAPP_NOTIF_DEST(JS_NONEMPTY),
    {0},
};

const struct js_field edgeapp_eas_discovery_subscription_patch[] = {
    {.name = "easDiscoveryFilter", .type = JS_OBJECT, .sub = edgeapp_eas_discovery_filter},
    {.name = "easDynInfoFilter", .type = JS_OBJECT},
    EDGEAPP_STRINGS("easSvcContinuity"),
    {.name = "expTime", .type = JS_STRING, .check = js_check_datetime},
    {.name = "easEventType", .type = JS_STRING, .flags = JS_NONEMPTY, .max_len = 64},
    {0},
};

const struct js_field edgeapp_servprov_subscription_patch[] = {
    EDGEAPP_LIST("acProfs", 0, edgeapp_ac_profile),
    {.name = "expTime", .type = JS_STRING, .check = js_check_datetime},
    EDGEAPP_STRINGS("eecSvcContSupp"),
    EDGEAPP_OBJECTS("connInfo"),
    {0},
};
