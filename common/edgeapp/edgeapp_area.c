/* edgeapp_area.c -- EESInfo.svcArea as TS 24.558 has it, a TS 29.122 LocationArea5G, and how
 * the ECS makes it from the TS 29.558 ServiceArea the EES registered (EESProfile.svcArea), with
 * the TS 29.572 geographic types both carry.
 *
 *   ServiceArea (TS 29.558)            LocationArea5G (TS 29.122)
 *   topServAr.ecgis[Ecgi]          ->  nwAreaInfo.ecgis[Ecgi]          (TS 29.554 NetworkAreaInfo)
 *   topServAr.ncgis[Ncgi]          ->  nwAreaInfo.ncgis[Ncgi]
 *   topServAr.tais[Tai]            ->  nwAreaInfo.tais[Tai]
 *   topServAr.plmnIds[PlmnIdNid]   ->  (none: a network is not a list of cells, TAs or RAN nodes)
 *   geoServAr.geoArs[GeographicArea] -> geographicAreas[GeographicArea]  (TS 29.572, both)
 *   geoServAr.civicAddrs[CivicAddress] -> civicAddresses[CivicAddress]
 *   (none)                         <-  nwAreaInfo.gRanNodeIds[GlobalRanNodeId]
 * Ecgi, Ncgi and Tai are the same TS 29.571 types on both sides (with nid), so they are copied
 * as they are. */
#include "edgeapp/edgeapp.h"
#include "edgeapp/edgeapp_rows.h"
#include "base/err.h"

#include <ctype.h>
#include <string.h>

#define POINTS_MIN 3 /* TS 29.572 PointList: 3 to 15 points */
#define POINTS_MAX 15

/* TS 29.572 SupportedGADShapes. */
static const char *const gad_shapes[] = {"POINT",
                                         "POINT_UNCERTAINTY_CIRCLE",
                                         "POINT_UNCERTAINTY_ELLIPSE",
                                         "POLYGON",
                                         "POINT_ALTITUDE",
                                         "POINT_ALTITUDE_UNCERTAINTY",
                                         "ELLIPSOID_ARC",
                                         "LOCAL_2D_POINT_UNCERTAINTY_ELLIPSE",
                                         "LOCAL_3D_POINT_UNCERTAINTY_ELLIPSOID",
                                         "DISTANCE_DIRECTION",
                                         "RELATIVE_2D_LOCATION_UNCERTAINTY_ELLIPSE",
                                         "RELATIVE_3D_LOCATION_UNCERTAINTY_ELLIPSOID",
                                         NULL};

/* TS 29.572 GeographicalCoordinates, degrees. */
static const struct js_field coordinates[] = {
    {.name = "lon",
     .type = JS_NUMBER,
     .flags = JS_REQUIRED,
     .check = js_check_range,
     .min = -180,
     .max = 180},
    {.name = "lat",
     .type = JS_NUMBER,
     .flags = JS_REQUIRED,
     .check = js_check_range,
     .min = -90,
     .max = 90},
    {0},
};

static int
check_point_count(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    (void)f, (void)ctx;
    if (json_array_size(v) < POINTS_MIN)
        return edge_err(why, "a PointList has %d to %d points, got %zu", POINTS_MIN, POINTS_MAX,
                        json_array_size(v));
    return 0;
}

/* TS 29.572 GeographicArea (anyOf the GAD shapes): the shape and its points are checked; the
 * shape's other members (uncertainties, confidence, altitude, angles) are carried. */
const struct js_field edgeapp_geographic_area[] = {
    {.name = "shape",
     .type = JS_STRING,
     .flags = JS_REQUIRED,
     .check = js_check_enum,
     .choices = gad_shapes},
    {.name = "point", .type = JS_OBJECT, .sub = coordinates},
    {.name = "pointList",
     .type = JS_ARRAY,
     .max_len = POINTS_MAX,
     .items = JS_OBJECT,
     .sub = coordinates,
     .check = check_point_count},
    {.name = JS_OTHER},
    {0},
};

/* The member a shape cannot go without: the polygon's points, every other ellipsoid shape's
 * point. The local and relative shapes have an origin of their own and no point: carried. */
int
edgeapp_check_geographic_area(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    const char *shape = json_string_value(json_object_get(v, "shape"));
    const char *need;

    (void)f, (void)ctx;
    if (shape == NULL || strncmp(shape, "LOCAL_", 6) == 0 || strncmp(shape, "RELATIVE_", 9) == 0 ||
        strcmp(shape, "DISTANCE_DIRECTION") == 0)
        return 0;
    need = strcmp(shape, "POLYGON") == 0 ? "pointList" : "point";
    if (json_object_get(v, need) == NULL)
        return edge_err(why, "shape %s needs %s", shape, need);
    return 0;
}

/* TS 29.572 CivicAddress: every member a string (RFC 4776 CAtypes, usageRules, method, ...). */
const struct js_field edgeapp_civic_address[] = {
    {.name = JS_OTHER},
    {0},
};

int
edgeapp_check_civic_address(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    const char *k;
    json_t *e;

    (void)f, (void)ctx;
    if (json_object_size(v) == 0)
        return edge_err(why, "an empty civic address");
    json_object_foreach(v, k, e)
    {
        if (!json_is_string(e) || json_string_length(e) > 256 ||
            strlen(json_string_value(e)) != json_string_length(e))
            return edge_err(why, "%.32s: expected a string of at most 256 bytes", k);
    }
    return 0;
}

/* TS 29.571 GNbId {bitLength 22..32, gNBValue 6..8 hex digits}. */
static int
check_gnb_value(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    const char *s = json_string_value(v);
    size_t n = s != NULL ? strlen(s) : 0;

    (void)f, (void)ctx;
    for (size_t i = 0; i < n; i++)
        if (!isxdigit((unsigned char)s[i]))
            n = 0;
    if (n < 6 || n > 8)
        return edge_err(why, "expected 6 to 8 hex digits");
    return 0;
}

static const struct js_field gnb_id[] = {
    {.name = "bitLength",
     .type = JS_INT,
     .flags = JS_REQUIRED,
     .check = js_check_range,
     .min = 22,
     .max = 32},
    {.name = "gNBValue", .type = JS_STRING, .flags = JS_REQUIRED, .check = check_gnb_value},
    {0},
};

/* TS 29.571 GlobalRanNodeId: a PLMN and exactly one node ID. */
static const struct js_field global_ran_node_id[] = {
    {.name = "plmnId", .type = JS_OBJECT, .flags = JS_REQUIRED, .sub = edgeapp_plmn_id},
    {.name = "n3IwfId", .type = JS_STRING, .flags = JS_NONEMPTY, .max_len = 64},
    {.name = "gNbId", .type = JS_OBJECT, .sub = gnb_id},
    {.name = "ngeNbId", .type = JS_STRING, .flags = JS_NONEMPTY, .max_len = 64},
    {.name = "wagfId", .type = JS_STRING, .flags = JS_NONEMPTY, .max_len = 64},
    {.name = "tngfId", .type = JS_STRING, .flags = JS_NONEMPTY, .max_len = 64},
    {.name = "nid", .type = JS_STRING, .max_len = 11},
    {.name = "eNbId", .type = JS_STRING, .flags = JS_NONEMPTY, .max_len = 64},
    {0},
};

static int
check_ran_node(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    static const char *const ids[] = {"n3IwfId", "gNbId", "ngeNbId", "wagfId", "tngfId", "eNbId"};
    int n = 0;

    (void)f, (void)ctx;
    for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
        n += json_object_get(v, ids[i]) != NULL;
    if (n != 1) /* TS 29.571 GlobalRanNodeId is a oneOf */
        return edge_err(why,
                        "exactly one of n3IwfId, gNbId, ngeNbId, wagfId, tngfId, eNbId "
                        "expected, got %d",
                        n);
    return 0;
}

/* TS 29.554 NetworkAreaInfo: every list minItems 1. */
static const struct js_field nw_area_info[] = {
    EDGEAPP_LIST("ecgis", JS_NONEMPTY, edgeapp_ecgi),
    EDGEAPP_LIST("ncgis", JS_NONEMPTY, edgeapp_ncgi),
    {.name = "gRanNodeIds",
     .type = JS_ARRAY,
     .flags = JS_NONEMPTY,
     .max_len = EDGEAPP_LIST_MAX,
     .items = JS_OBJECT,
     .sub = global_ran_node_id,
     .item_check = check_ran_node},
    EDGEAPP_LIST("tais", JS_NONEMPTY, edgeapp_tai),
    {0},
};

/* TS 29.122 LocationArea5G (its lists minItems 0). */
const struct js_field edgeapp_location_area_5g[] = {
    {.name = "geographicAreas",
     .type = JS_ARRAY,
     .max_len = EDGEAPP_LIST_MAX,
     .items = JS_OBJECT,
     .sub = edgeapp_geographic_area,
     .item_check = edgeapp_check_geographic_area},
    {.name = "civicAddresses",
     .type = JS_ARRAY,
     .max_len = EDGEAPP_LIST_MAX,
     .items = JS_OBJECT,
     .sub = edgeapp_civic_address,
     .item_check = edgeapp_check_civic_address},
    {.name = "nwAreaInfo", .type = JS_OBJECT, .sub = nw_area_info},
    {0},
};

/* Copy from[name] into to[as] when present. */
static void
area_copy(json_t *to, const char *as, const json_t *from, const char *name)
{
    json_t *v = json_object_get(from, name);

    if (v != NULL)
        json_object_set_new(to, as, json_deep_copy(v));
}

json_t *
edgeapp_svc_area_to_la5g(const json_t *svc_area, json_t *dropped)
{
    const json_t *top = json_object_get(svc_area, "topServAr");
    const json_t *geo = json_object_get(svc_area, "geoServAr");
    json_t *out = json_object(), *nw = json_object();

    if (out == NULL || nw == NULL) {
        json_decref(out);
        json_decref(nw);
        return NULL;
    }
    area_copy(nw, "ecgis", top, "ecgis");
    area_copy(nw, "ncgis", top, "ncgis");
    area_copy(nw, "tais", top, "tais");
    if (json_object_get(top, "plmnIds") != NULL && dropped != NULL)
        json_array_append_new(dropped, json_string("topServAr.plmnIds"));
    if (json_object_size(nw) > 0)
        json_object_set(out, "nwAreaInfo", nw);
    json_decref(nw);
    area_copy(out, "geographicAreas", geo, "geoArs");
    area_copy(out, "civicAddresses", geo, "civicAddrs");
    if (json_object_size(out) == 0) {
        json_decref(out);
        return NULL;
    }
    return out;
}
