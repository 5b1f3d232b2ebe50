/* via_test.c -- the Via list of ECSes a forwarded token request passed (common/auth/via.c,
 * TR 33.739 6.27): rows of a header value and the list it must give, or the error it must name; the
 * format round trip, the case-insensitive lookup, the capacity and the hop-limit header. */
#include "base/err.h"
#include "auth/via.h"
#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *value;
    const char *want; /* via_format of the list, or "error: <text the error contains>" */
} rows[] = {
    {NULL, ""},
    {"", ""},
    {"ecs1.edge.test", "ecs1.edge.test"},
    {"ecs2.edge.test, ecs1.edge.test", "ecs2.edge.test, ecs1.edge.test"},
    {"  ecs2.edge.test ,\tecs1.edge.test  ", "ecs2.edge.test, ecs1.edge.test"},
    {"1.1 ecs2.edge.test, 1.1 ecs1.edge.test", "ecs2.edge.test, ecs1.edge.test"},
    {"HTTP/1.1 ecs2.edge.test (edgesim), ecs1.edge.test", "ecs2.edge.test, ecs1.edge.test"},
    {"ecs2.edge.test,, ecs1.edge.test,", "ecs2.edge.test, ecs1.edge.test"},
    {"ecs2.edge.test, ecs_1", "error: \"ecs_1\" is not an ECS FQDN"},
    {"1.1 ecs2.edge.test extra", "error: more than a protocol and a name"},
    {"a.test,b.test,c.test,d.test,e.test,f.test,g.test,h.test,i.test,j.test",
     "a.test, b.test, c.test, d.test, e.test, f.test, g.test, h.test, i.test, j.test"},
    {"a.test,b.test,c.test,d.test,e.test,f.test,g.test,h.test,i.test,j.test,k.test",
     "error: more than 10 ECSes"},
};

static const struct {
    const char *value;
    int want;
} hops[] = {
    {NULL, -1}, {"0", 0},    {"2", 2}, {"255", 255}, {"256", -2},
    {"-1", -2}, {"two", -2}, {"", -2}, {"2x", -2},
};

static const struct {
    const char *value;
    long want;
} rsp_times[] = {
    {NULL, -1}, {"1", 1},   {"14000", 14000}, {"600000", 600000}, {"600001", -2}, {"0", -2},
    {"-5", -2}, {" 5", -2}, {"+5", -2},       {"5ms", -2},        {"", -2},
};

int
main(void)
{
    char err[EDGE_ERR_LEN], got[VIA_TEXT_LEN + EDGE_ERR_LEN];
    struct via v;

    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        const char *want = rows[i].want;
        int ok;

        if (via_parse(rows[i].value, &v, err) == 0) {
            via_format(&v, got, sizeof(got));
            ok = strcmp(got, want) == 0;
        } else {
            snprintf(got, sizeof(got), "error: %s", err);
            ok = strncmp(want, "error: ", 7) == 0 && strstr(err, want + 7) != NULL;
        }
        check_row(ok, "via_parse(%s): expected [%s], got [%s]",
                  rows[i].value != NULL ? rows[i].value : "NULL", want, got);
    }
    for (size_t i = 0; i < sizeof(hops) / sizeof(hops[0]); i++) {
        int h = via_hops_parse(hops[i].value), ok = h == hops[i].want;
        check_row(ok, "via_hops_parse(%s): expected %d, got %d",
                  hops[i].value != NULL ? hops[i].value : "NULL", hops[i].want, h);
    }
    for (size_t i = 0; i < sizeof(rsp_times) / sizeof(rsp_times[0]); i++) {
        long t = via_rsp_time_parse(rsp_times[i].value);
        check_row(t == rsp_times[i].want, "via_rsp_time_parse(%s): expected %ld, got %ld",
                  rsp_times[i].value != NULL ? rsp_times[i].value : "NULL", rsp_times[i].want, t);
    }

    /* What a forwarding ECS does: read, refuse a loop by name in any case, add itself, send. */
    int bad = via_parse("ecs1.edge.test", &v, err) != 0;
    bad += !via_has(&v, "ECS1.Edge.Test") || via_has(&v, "ecs2.edge.test");
    bad += via_add(&v, "ecs2.edge.test") != 0;
    via_format(&v, got, sizeof(got));
    bad += strcmp(got, "ecs1.edge.test, ecs2.edge.test") != 0;
    json_t *j = via_json(&v);
    char *text = json_dumps(j, JSON_COMPACT);
    bad += text == NULL || strcmp(text, "[\"ecs1.edge.test\",\"ecs2.edge.test\"]") != 0;
    check_row(!bad, "has/add/format/json: %s, %s", got, text != NULL ? text : "(null)");
    free(text);
    json_decref(j);
    for (v.n = 0; via_add(&v, "ecs.edge.test") == 0;)
        ;
    check_row(v.n == VIA_MAX, "a full list refuses one more (%zu)", v.n);
    return check_result("via");
}
