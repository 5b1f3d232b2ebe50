/* edgeapp_rows.h -- the shapes of js_field row that the EDGEAPP tables (edgeapp_*.c) repeat, each
 * defined once: a list member and its cap, a list of identifiers, of objects of a table, an
 * EndPoint member (TS 29.558 EndPoint), a subscription's notificationDestination (TS 29.122
 * Link). Private to common/edgeapp: other code reads the tables, never builds rows. */
#ifndef EDGE_EDGEAPP_ROWS_H
#define EDGE_EDGEAPP_ROWS_H

#include "edgeapp/edgeapp.h"

#define EDGEAPP_LIST_MAX 64 /* entries of a list member (acProfs, easIds, ...) at most */

/* A list of strings or of objects read loosely (the member is carried, not interpreted). */
#define EDGEAPP_STRINGS(member)                                                                    \
    {                                                                                              \
        .name = (member), .type = JS_ARRAY, .max_len = EDGEAPP_LIST_MAX, .items = JS_STRING        \
    }
#define EDGEAPP_OBJECTS(member)                                                                    \
    {                                                                                              \
        .name = (member), .type = JS_ARRAY, .max_len = EDGEAPP_LIST_MAX, .items = JS_OBJECT        \
    }
/* A list of identifiers (easIds, eesIds), flags fl. */
#define EDGEAPP_ID_LIST(member, fl)                                                                \
    {                                                                                              \
        .name = (member), .type = JS_ARRAY, .flags = (fl), .max_len = EDGEAPP_LIST_MAX,            \
        .items = JS_STRING, .item_check = js_check_id                                              \
    }
/* A list of objects, each checked against table. */
#define EDGEAPP_LIST(member, fl, table)                                                            \
    {                                                                                              \
        .name = (member), .type = JS_ARRAY, .flags = (fl), .max_len = EDGEAPP_LIST_MAX,            \
        .items = JS_OBJECT, .sub = (table)                                                         \
    }
/* An EndPoint member (exactly one of fqdn, ipv4Addrs, ipv6Addrs, uri; edgeapp_check_endpoint). */
#define EDGEAPP_ENDPOINT(member, fl)                                                               \
    {                                                                                              \
        .name = (member), .type = JS_OBJECT, .flags = (fl), .sub = edgeapp_endpoint,               \
        .check = edgeapp_check_endpoint                                                            \
    }
/* A subscription's notificationDestination, the URI its notifications go to. */
#define EDGEAPP_NOTIF_DEST(fl)                                                                     \
    {                                                                                              \
        .name = "notificationDestination", .type = JS_STRING, .flags = (fl),                       \
        .max_len = EDGEAPP_URI_MAX                                                                 \
    }

#endif
