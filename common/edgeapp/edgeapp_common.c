/* edgeapp_common.c -- the shared EDGEAPP types: EndPoint, ServiceArea, LocationInfo,
 * ACProfile, EASProfile (TS 29.558 / TS 24.558 / TS 29.571 common data). */
#include "edgeapp/edgeapp.h"
#include "edgeapp/edgeapp_rows.h"
#include "base/err.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* A refused value as it may go into logs and answers: bytes outside printable ASCII (control
 * bytes, NUL, UTF-8) as '?', at most len - 1 of them. */
static const char *
shown(const char *s, size_t n, char *buf, size_t len)
{
    size_t i;

    for (i = 0; i < n && i + 1 < len; i++)
        buf[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
    buf[i] = '\0';
    return buf;
}

/* A string of n1..n2 characters, each passing cls: the PLMN and cell ID patterns. */
static int
check_chars(json_t *v, int n1, int n2, int (*cls)(int), const char *what, char *why)
{
    const char *s = json_string_value(v);
    size_t n = s != NULL ? json_string_length(v) : 0;
    char buf[16];

    if (s == NULL || (int)n < n1 || (int)n > n2)
        return edge_err(why, "expected %s (%d to %d characters)", what, n1, n2);
    for (size_t i = 0; i < n; i++)
        if (!cls((unsigned char)s[i]))
            return edge_err(why, "expected %s, got \"%s\"", what, shown(s, n, buf, sizeof(buf)));
    return 0;
}

static int
check_mcc(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    (void)f;
    (void)ctx;
    return check_chars(v, 3, 3, isdigit, "3-digit MCC", why); /* TS 29.571 Mcc */
}

static int
check_mnc(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    (void)f;
    (void)ctx;
    return check_chars(v, 2, 3, isdigit, "2- or 3-digit MNC", why); /* TS 29.571 Mnc */
}

static int
check_nr_cell(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    (void)f;
    (void)ctx;
    return check_chars(v, 9, 9, isxdigit, "9 hex digits NR cell ID", why);
}

static int
check_eutra_cell(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    (void)f;
    (void)ctx;
    return check_chars(v, 7, 7, isxdigit, "7 hex digits E-UTRA cell ID", why);
}

static int
check_tac(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    (void)f;
    (void)ctx;
    return check_chars(v, 4, 6, isxdigit, "4 or 6 hex digits TAC", why);
}

const struct js_field edgeapp_plmn_id[] = {
    {.name = "mcc", .type = JS_STRING, .flags = JS_REQUIRED, .check = check_mcc},
    {.name = "mnc", .type = JS_STRING, .flags = JS_REQUIRED, .check = check_mnc},
    {0},
};

const struct js_field edgeapp_ncgi[] = {
    {.name = "plmnId", .type = JS_OBJECT, .flags = JS_REQUIRED, .sub = edgeapp_plmn_id},
    {.name = "nrCellId", .type = JS_STRING, .flags = JS_REQUIRED, .check = check_nr_cell},
    {.name = "nid", .type = JS_STRING, .max_len = 11},
    {0},
};

const struct js_field edgeapp_ecgi[] = {
    {.name = "plmnId", .type = JS_OBJECT, .flags = JS_REQUIRED, .sub = edgeapp_plmn_id},
    {.name = "eutraCellId", .type = JS_STRING, .flags = JS_REQUIRED, .check = check_eutra_cell},
    {.name = "nid", .type = JS_STRING, .max_len = 11},
    {0},
};

const struct js_field edgeapp_tai[] = {
    {.name = "plmnId", .type = JS_OBJECT, .flags = JS_REQUIRED, .sub = edgeapp_plmn_id},
    {.name = "tac", .type = JS_STRING, .flags = JS_REQUIRED, .check = check_tac},
    {.name = "nid", .type = JS_STRING, .max_len = 11},
    {0},
};

/* TS 29.571 PlmnIdNid: a PLMN, or an SNPN with its NID. */
static const struct js_field plmn_id_nid[] = {
    {.name = "mcc", .type = JS_STRING, .flags = JS_REQUIRED, .check = check_mcc},
    {.name = "mnc", .type = JS_STRING, .flags = JS_REQUIRED, .check = check_mnc},
    {.name = "nid", .type = JS_STRING, .max_len = 11},
    {0},
};

/* TS 29.558 TopologicalServiceArea: every list minItems 1. */
static const struct js_field top_serv_area[] = {
    EDGEAPP_LIST("ecgis", JS_NONEMPTY, edgeapp_ecgi),
    EDGEAPP_LIST("ncgis", JS_NONEMPTY, edgeapp_ncgi),
    EDGEAPP_LIST("tais", JS_NONEMPTY, edgeapp_tai),
    EDGEAPP_LIST("plmnIds", JS_NONEMPTY, plmn_id_nid),
    {0},
};

/* TS 29.558 GeographicalServiceArea: the TS 29.572 types of edgeapp_area.c. */
static const struct js_field geo_serv_area[] = {
    {.name = "geoArs",
     .type = JS_ARRAY,
     .flags = JS_NONEMPTY,
     .max_len = EDGEAPP_LIST_MAX,
     .items = JS_OBJECT,
     .sub = edgeapp_geographic_area,
     .item_check = edgeapp_check_geographic_area},
    {.name = "civicAddrs",
     .type = JS_ARRAY,
     .flags = JS_NONEMPTY,
     .max_len = EDGEAPP_LIST_MAX,
     .items = JS_OBJECT,
     .sub = edgeapp_civic_address,
     .item_check = edgeapp_check_civic_address},
    {0},
};

const struct js_field edgeapp_service_area[] = {
    {.name = "topServAr", .type = JS_OBJECT, .sub = top_serv_area},
    {.name = "geoServAr", .type = JS_OBJECT, .sub = geo_serv_area}, /* carried, not matched */
    {0},
};

const struct js_field edgeapp_location_info[] = {
    {.name = "ncgi", .type = JS_OBJECT, .sub = edgeapp_ncgi},
    {.name = "ecgi", .type = JS_OBJECT, .sub = edgeapp_ecgi},
    {.name = JS_OTHER},
    {0},
};

int
edgeapp_check_endpoint(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    static const char *const members[] = {"fqdn", "ipv4Addrs", "ipv6Addrs", "uri"};
    int n = 0;

    (void)f;
    (void)ctx;
    for (size_t i = 0; i < sizeof(members) / sizeof(members[0]); i++)
        n += json_object_get(v, members[i]) != NULL;
    if (n != 1) /* TS 29.558 EndPoint is a oneOf */
        return edge_err(why, "exactly one of fqdn, ipv4Addrs, ipv6Addrs, uri expected, got %d", n);
    const char *uri = json_string_value(json_object_get(v, "uri"));
    if (uri != NULL && strncmp(uri, "https://", 8) != 0)
        return edge_err(why, "uri must be https:// (TS 33.558 6.1: TLS on every interface)");
    return 0;
}

const struct js_field edgeapp_endpoint[] = {
    {.name = "fqdn", .type = JS_STRING, .check = js_check_fqdn},
    {.name = "ipv4Addrs",
     .type = JS_ARRAY,
     .flags = JS_NONEMPTY,
     .max_len = EDGEAPP_LIST_MAX,
     .items = JS_STRING},
    {.name = "ipv6Addrs",
     .type = JS_ARRAY,
     .flags = JS_NONEMPTY,
     .max_len = EDGEAPP_LIST_MAX,
     .items = JS_STRING},
    {.name = "uri", .type = JS_STRING, .flags = JS_NONEMPTY, .max_len = EDGEAPP_URI_MAX},
    {0},
};

static const struct js_field eas_detail[] = {
    {.name = "easId", .type = JS_STRING, .flags = JS_REQUIRED, .check = js_check_id},
    {.name = "expectedSvcKPIs", .type = JS_OBJECT},
    {.name = "minimumReqSvcKPIs", .type = JS_OBJECT},
    {0},
};

const struct js_field edgeapp_ac_profile[] = {
    {.name = "acId", .type = JS_STRING, .flags = JS_REQUIRED, .check = js_check_id},
    {.name = "acType", .type = JS_STRING, .max_len = EDGEAPP_ID_MAX},
    EDGEAPP_STRINGS("prefEcsps"),
    {.name = "acSchedule", .type = JS_OBJECT},
    {.name = "expAcGeoServArea", .type = JS_OBJECT},
    EDGEAPP_STRINGS("acSvcContSupp"),
    {.name = "simInactTime", .type = JS_INT, .check = js_check_range, .min = 0, .max = 86400},
    EDGEAPP_LIST("eass", 0, eas_detail),
    {.name = "easBundleInfo", .type = JS_OBJECT},
    {0},
};

const struct js_field edgeapp_eas_profile[] = {
    {.name = "easId", .type = JS_STRING, .flags = JS_REQUIRED, .check = js_check_id},
    EDGEAPP_ENDPOINT("endPt", JS_REQUIRED),
    EDGEAPP_STRINGS("acIds"),
    {.name = "provId", .type = JS_STRING, .max_len = EDGEAPP_ID_MAX},
    {.name = "type", .type = JS_STRING, .max_len = EDGEAPP_ID_MAX},
    {.name = "svcArea", .type = JS_OBJECT, .sub = edgeapp_service_area},
    EDGEAPP_STRINGS("svcContSupp"),
    {.name = "status", .type = JS_STRING, .max_len = EDGEAPP_ID_MAX},
    {.name = JS_OTHER}, /* KPIs, schedules, features: carried as given */
    {0},
};

int
edgeapp_check_requestor_id(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    int n = (json_object_get(v, "eesId") != NULL) + (json_object_get(v, "easId") != NULL) +
            (json_object_get(v, "eecId") != NULL);

    (void)f;
    (void)ctx;
    if (n != 1) /* TS 24.558 RequestorId is a oneOf */
        return edge_err(why, "exactly one of eesId, easId, eecId expected, got %d", n);
    return 0;
}

static int
same_plmn(const json_t *a, const json_t *b)
{
    const char *m1 = json_string_value(json_object_get(a, "mcc"));
    const char *m2 = json_string_value(json_object_get(b, "mcc"));
    const char *n1 = json_string_value(json_object_get(a, "mnc"));
    const char *n2 = json_string_value(json_object_get(b, "mnc"));

    return m1 && m2 && n1 && n2 && strcmp(m1, m2) == 0 && strcmp(n1, n2) == 0;
}

/* Is cell (an Ncgi or Ecgi) in the list, comparing PLMN and the cell ID member? */
static int
cell_in(const json_t *list, const json_t *cell, const char *id_member)
{
    size_t i;
    json_t *c;
    const char *want = json_string_value(json_object_get(cell, id_member));

    if (want == NULL)
        return 0;
    json_array_foreach(list, i, c)
    {
        const char *have = json_string_value(json_object_get(c, id_member));
        if (have != NULL && strcasecmp(have, want) == 0 &&
            same_plmn(json_object_get(c, "plmnId"), json_object_get(cell, "plmnId")))
            return 1;
    }
    return 0;
}

/* Do the cell lists of cells (a TS 29.558 TopologicalServiceArea or a TS 29.554 NetworkAreaInfo:
 * both call them ncgis and ecgis) hold the location's cell? No cells or no location: yes. */
static int
cells_cover(const json_t *cells, const json_t *loc_inf)
{
    const json_t *nc = json_object_get(loc_inf, "ncgi");
    const json_t *ec = json_object_get(loc_inf, "ecgi");

    if (cells == NULL || loc_inf == NULL)
        return 1; /* no area to match against, or no location to match */
    if (nc != NULL && cell_in(json_object_get(cells, "ncgis"), nc, "nrCellId"))
        return 1;
    if (ec != NULL && cell_in(json_object_get(cells, "ecgis"), ec, "eutraCellId"))
        return 1;
    return 0;
}

int
edgeapp_area_covers(const json_t *svc_area, const json_t *loc_inf)
{
    return cells_cover(json_object_get(svc_area, "topServAr"), loc_inf);
}

int
edgeapp_la5g_covers(const json_t *area, const json_t *loc_inf)
{
    return cells_cover(json_object_get(area, "nwAreaInfo"), loc_inf);
}

json_t *
edgeapp_endpoint_uri(const char *fqdn, int port)
{
    char uri[EDGEAPP_URI_MAX];

    if (port == 443)
        snprintf(uri, sizeof(uri), "https://%s", fqdn);
    else
        snprintf(uri, sizeof(uri), "https://%s:%d", fqdn, port);
    return json_pack("{s:s}", "uri", uri);
}

const char *
edgeapp_endpoint_host(const json_t *endpoint, char *buf, size_t len)
{
    const char *fqdn = json_string_value(json_object_get(endpoint, "fqdn"));
    const char *uri = json_string_value(json_object_get(endpoint, "uri"));

    if (fqdn != NULL) {
        snprintf(buf, len, "%s", fqdn);
        return buf;
    }
    if (uri == NULL || strncmp(uri, "https://", 8) != 0)
        return NULL;
    size_t n = strcspn(uri + 8, ":/?#");
    if (n == 0 || n >= len)
        return NULL;
    memcpy(buf, uri + 8, n);
    buf[n] = '\0';
    return buf;
}
