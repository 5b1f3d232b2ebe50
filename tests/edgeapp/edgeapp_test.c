/* edgeapp_test.c -- runs the rows of cases.txt through the EDGEAPP field tables:
 * each row names a type, the ProblemDetails cause a server answers, the expected
 * outcome and a JSON body. Also checks service-area matching and EndPoint helpers. */
#include "edgeapp/edgeapp.h"
#include "base/err.h"
#include "net/problem.h"
#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *name;
    const struct js_field *table;
} types[] = {
    {"ees_registration", edgeapp_ees_registration},
    {"ees_registration_patch", edgeapp_ees_registration_patch},
    {"servprov_req", edgeapp_servprov_req},
    {"servprov_resp", edgeapp_servprov_resp},
    {"eec_registration", edgeapp_eec_registration},
    {"eas_discovery_req", edgeapp_eas_discovery_req},
    {"eas_discovery_resp", edgeapp_eas_discovery_resp},
    {"acr_init_req", edgeapp_acr_init_req},
    {"acr_info_notification", edgeapp_acr_info_notification},
    {"eec_context_push", edgeapp_eec_context_push},
    {"eec_context_push_res", edgeapp_eec_context_push_res},
    {"implicit_reg", edgeapp_implicit_reg},
    {"eas_registration", edgeapp_eas_registration},
    {"eas_registration_patch", edgeapp_eas_registration_patch},
    {"acr_mgnt_subscription", edgeapp_acr_mgnt_subscription},
    {"acr_mgnt_notification", edgeapp_acr_mgnt_notification},
    {"acr_update_data", edgeapp_acr_update_data},
    {"acr_determ_req", edgeapp_acr_determ_req},
    {"acr_dec_req", edgeapp_acr_dec_req},
    {"acr_events_subscription", edgeapp_acr_events_subscription},
    {"eas_discovery_subscription", edgeapp_eas_discovery_subscription},
    {"eas_discovery_notification", edgeapp_eas_discovery_notification},
    {"servprov_subscription", edgeapp_servprov_subscription},
    {"servprov_notification", edgeapp_servprov_notification},
    {"test_notification", edgeapp_test_notification},
    {"service_area", edgeapp_service_area},
    {"location_area_5g", edgeapp_location_area_5g},
};

/* A svc_area_to_la5g row: DROPPED ("-" or the paths left out, comma-separated) <TAB> the
 * LocationArea5G expected ("none": no svcArea at all) <TAB> the ServiceArea. The result must
 * also decode as a LocationArea5G. */
static void
run_conversion(int lineno, const char *dropped_want, const char *expect, const char *body)
{
    json_t *in = json_loads(body, 0, NULL), *dropped = json_array(), *out, *want = NULL, *v;
    char got_dropped[256] = "", err[EDGE_ERR_LEN] = "";
    size_t i;
    int ok;

    out = edgeapp_svc_area_to_la5g(in, dropped);
    json_array_foreach(dropped, i, v)
        snprintf(got_dropped + strlen(got_dropped), sizeof(got_dropped) - strlen(got_dropped),
                 "%s%s", i > 0 ? "," : "", json_string_value(v));
    if (strcmp(expect, "none") == 0)
        ok = out == NULL;
    else
        ok = (want = json_loads(expect, 0, NULL)) != NULL && out != NULL && json_equal(out, want) &&
             js_decode(out, "svcArea", edgeapp_location_area_5g, NULL, NULL, err) == 0;
    ok = ok && strcmp(got_dropped[0] ? got_dropped : "-", dropped_want) == 0;
    char *text = out != NULL ? json_dumps(out, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    check_row(ok, "line %d: svc_area_to_la5g: expected %s dropping %s, got %s dropping %s %s",
              lineno, expect, dropped_want, text ? text : "none",
              got_dropped[0] ? got_dropped : "-", err);
    free(text);
    json_decref(in);
    json_decref(out);
    json_decref(want);
    json_decref(dropped);
}

static int
tabs(const char *s)
{
    int n = 0;

    for (; *s != '\0'; s++)
        n += *s == '\t';
    return n;
}

static void
run_row(int lineno, char *line)
{
    /* TYPE CAUSE EXPECT JSON, or TYPE EXPECT JSON (cause unchecked) */
    int four = tabs(line) >= 3;
    char *type = strtok(line, "\t"), *cause = four ? strtok(NULL, "\t") : NULL;
    char *expect = strtok(NULL, "\t"), *body = strtok(NULL, "\n");
    const struct js_field *table = NULL;
    char err[EDGE_ERR_LEN] = "";
    const char *got_cause = "-";
    json_t *v = NULL;
    enum js_fail rc;

    if (type == NULL || (four && cause == NULL) || expect == NULL || body == NULL) {
        FAIL("cases.txt:%d: malformed row", lineno);
        return;
    }
    if (strcmp(type, "svc_area_to_la5g") == 0 && cause != NULL) {
        run_conversion(lineno, cause, expect, body);
        return;
    }
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        if (strcmp(types[i].name, type) == 0)
            table = types[i].table;
    if (table == NULL) {
        FAIL("cases.txt:%d: unknown type %s", lineno, type);
        return;
    }
    if (js_loads(body, strlen(body), &v, err) < 0) {
        rc = JS_ENOTOBJECT; /* http_req_json answers text that is no JSON so */
        got_cause = PROBLEM_INVALID_MSG_FORMAT;
    } else if ((rc = js_decode_code(v, "", table, NULL, NULL, err)) != JS_OK) {
        got_cause = problem_decode_cause(rc);
    }
    int ok = strcmp(expect, "ok") == 0 ? rc == JS_OK : (rc < 0 && strstr(err, expect) != NULL);
    ok = ok && (cause == NULL || strcmp(cause, got_cause) == 0);
    check_row(ok, "line %d: %s: expected %s %s, got %s %s", lineno, type,
              cause != NULL ? cause : "", expect, got_cause, rc == JS_OK ? "ok" : err);
    json_decref(v);
}

static void
check_area(void)
{
    json_t *area = json_loads("{\"topServAr\":{\"ncgis\":[{\"plmnId\":{\"mcc\":\"001\",\"mnc\":"
                              "\"01\"},\"nrCellId\":\"00000000a\"}]}}",
                              0, NULL);
    json_t *in = json_loads("{\"ncgi\":{\"plmnId\":{\"mcc\":\"001\",\"mnc\":\"01\"},\"nrCellId\":"
                            "\"00000000A\"}}",
                            0, NULL);
    json_t *out = json_loads("{\"ncgi\":{\"plmnId\":{\"mcc\":\"001\",\"mnc\":\"02\"},\"nrCellId\":"
                             "\"00000000A\"}}",
                             0, NULL);
    char host[256];

    CHECK(edgeapp_area_covers(area, in) && !edgeapp_area_covers(area, out) &&
              edgeapp_area_covers(NULL, out) && edgeapp_area_covers(area, NULL),
          "service area matching");
    /* The same cells, once the ECS made the LocationArea5G of EESInfo.svcArea. */
    json_t *la5g = edgeapp_svc_area_to_la5g(area, NULL);
    CHECK(la5g != NULL && edgeapp_la5g_covers(la5g, in) && !edgeapp_la5g_covers(la5g, out) &&
              edgeapp_la5g_covers(NULL, out) && edgeapp_la5g_covers(la5g, NULL),
          "LocationArea5G matching");
    json_decref(la5g);
    json_t *ep = edgeapp_endpoint_uri("ees1.edge.test", 8443);
    CHECK(strcmp(json_string_value(json_object_get(ep, "uri")), "https://ees1.edge.test:8443") ==
                  0 &&
              edgeapp_endpoint_host(ep, host, sizeof(host)) != NULL &&
              strcmp(host, "ees1.edge.test") == 0,
          "endpoint helpers");
    json_decref(ep);
    json_decref(area);
    json_decref(in);
    json_decref(out);
}

int
main(int argc, char **argv)
{
    char line[8192];
    int lineno = 0, rows = 0;
    FILE *f = fopen(argc > 1 ? argv[1] : "cases.txt", "r");

    if (f == NULL) {
        perror("cases.txt");
        return 1;
    }
    while (fgets(line, sizeof(line), f) != NULL) {
        lineno++;
        if (line[0] == '#' || line[0] == '\n')
            continue;
        run_row(lineno, line);
        rows++;
    }
    fclose(f);
    check_area();
    CHECK(rows > 0, "no rows in the cases file");
    return check_result("edgeapp");
}
