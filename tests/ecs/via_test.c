/* via_test.c -- the Via list of ECSes a forwarded token request passed (common/auth/via.c,
 * TR 33.739 6.27): rows of a header value and the list it must give, or the error it must name; the
 * format round trip, the case-insensitive lookup, the capacity and the hop-limit header. */
#include "base/err.h"
#include "auth/via.h"

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
    {NULL, -1},   {"1", 1},   {"14000", 14000}, {"600000", 600000}, {"600001", -2},
    {"0", -2},    {"-5", -2}, {" 5", -2},       {"+5", -2},         {"5ms", -2},
    {"", -2},
};

int
main(void)
{
    char err[EDGE_ERR_LEN], got[VIA_TEXT_LEN + EDGE_ERR_LEN];
    struct via v;
    int fails = 0, n = 0;

    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++, n++) {
        const char *want = rows[i].want;
        int ok;

        if (via_parse(rows[i].value, &v, err) == 0) {
            via_format(&v, got, sizeof(got));
            ok = strcmp(got, want) == 0;
        } else {
            snprintf(got, sizeof(got), "error: %s", err);
            ok = strncmp(want, "error: ", 7) == 0 && strstr(err, want + 7) != NULL;
        }
        printf("%s via_parse(%s): expected [%s], got [%s]\n", ok ? "ok  " : "FAIL",
               rows[i].value != NULL ? rows[i].value : "NULL", want, got);
        fails += !ok;
    }
    for (size_t i = 0; i < sizeof(hops) / sizeof(hops[0]); i++, n++) {
        int h = via_hops_parse(hops[i].value), ok = h == hops[i].want;
        printf("%s via_hops_parse(%s): expected %d, got %d\n", ok ? "ok  " : "FAIL",
               hops[i].value != NULL ? hops[i].value : "NULL", hops[i].want, h);
        fails += !ok;
    }
    for (size_t i = 0; i < sizeof(rsp_times) / sizeof(rsp_times[0]); i++, n++) {
        long t = via_rsp_time_parse(rsp_times[i].value);
        int ok = t == rsp_times[i].want;
        printf("%s via_rsp_time_parse(%s): expected %ld, got %ld\n", ok ? "ok  " : "FAIL",
               rsp_times[i].value != NULL ? rsp_times[i].value : "NULL", rsp_times[i].want, t);
        fails += !ok;
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
    printf("%s has/add/format/json: %s, %s\n", bad ? "FAIL" : "ok  ", got,
           text != NULL ? text : "(null)");
    free(text);
    json_decref(j);
    n++;
    fails += bad != 0;
    for (v.n = 0; via_add(&v, "ecs.edge.test") == 0;)
        ;
    n++;
    fails += v.n != VIA_MAX;
    printf("%s a full list refuses one more (%zu)\n", v.n == VIA_MAX ? "ok  " : "FAIL", v.n);
    printf("%d checks, %d failed\n", n, fails);
    return fails != 0;
}
