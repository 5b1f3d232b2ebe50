/* route_test.c -- the HTTP route table: patterns, {param} values, 404/405/400 outcomes, as rows. */
#include <string.h>

#include "base/err.h"
#include "fixture.h"
#include "net/http_route.h"

static const struct {
    const char *method, *pattern;
} routes[] = {
    {"POST", "/eecs-eesregistration/v1/registrations"},
    {"GET", "/eecs-eesregistration/v1/registrations/{registrationId}"},
    {"PUT", "/eecs-eesregistration/v1/registrations/{registrationId}"},
    {"DELETE", "/eecs-eesregistration/v1/registrations/{registrationId}"},
    {"POST", "/eecs-serviceprovisioning/v1/request"},
    {"POST", "/oauth2/token"},
    {"GET", "/a/{x}/c/{y}"},
    {"GET", "/a/literal/c/{y}"},
    {"GET", "/"},
};

static const struct {
    const char *method, *path;
    enum http_route_result want;
    const char *pattern;      /* FOUND: which route */
    const char *name, *value; /* FOUND: one param to check; NO_METHOD: Allow */
} cases[] = {
    {"POST", "/eecs-eesregistration/v1/registrations", HTTP_ROUTE_FOUND,
     "/eecs-eesregistration/v1/registrations", NULL, NULL},
    {"GET", "/eecs-eesregistration/v1/registrations/reg-42", HTTP_ROUTE_FOUND,
     "/eecs-eesregistration/v1/registrations/{registrationId}", "registrationId", "reg-42"},
    {"PUT", "/eecs-eesregistration/v1/registrations/a%20b", HTTP_ROUTE_FOUND,
     "/eecs-eesregistration/v1/registrations/{registrationId}", "registrationId", "a b"},
    {"PATCH", "/eecs-eesregistration/v1/registrations/reg-42", HTTP_ROUTE_NO_METHOD, NULL, "allow",
     "GET, PUT, DELETE"},
    {"GET", "/eecs-eesregistration/v1/registrations", HTTP_ROUTE_NO_METHOD, NULL, "allow", "POST"},
    {"GET", "/eecs-eesregistration/v1/registrations/", HTTP_ROUTE_NO_PATH, NULL, NULL, NULL},
    {"GET", "/eecs-eesregistration/v1/registrations/a/b", HTTP_ROUTE_NO_PATH, NULL, NULL, NULL},
    {"GET", "/eecs-eesregistration/v2/registrations/x", HTTP_ROUTE_NO_PATH, NULL, NULL, NULL},
    {"GET", "/eecs-eesregistration/v1/registrations/a%2Fb", HTTP_ROUTE_BAD_PATH, NULL, NULL, NULL},
    {"GET", "/eecs-eesregistration/v1/registrations/a%00", HTTP_ROUTE_BAD_PATH, NULL, NULL, NULL},
    {"GET", "/eecs-eesregistration/v1/registrations/a%zz", HTTP_ROUTE_BAD_PATH, NULL, NULL, NULL},
    {"GET", "/eecs-eesregistration/v1/registrations/a%4", HTTP_ROUTE_BAD_PATH, NULL, NULL, NULL},
    {"POST", "/oauth2/token", HTTP_ROUTE_FOUND, "/oauth2/token", NULL, NULL},
    {"POST", "/oauth2/token/", HTTP_ROUTE_NO_PATH, NULL, NULL, NULL},
    {"GET", "/a/b/c/d", HTTP_ROUTE_FOUND, "/a/{x}/c/{y}", "x", "b"},
    {"GET", "/a/literal/c/d", HTTP_ROUTE_FOUND, "/a/literal/c/{y}", "y", "d"},
    {"GET", "/", HTTP_ROUTE_FOUND, "/", NULL, NULL},
    {"GET", "relative", HTTP_ROUTE_BAD_PATH, NULL, NULL, NULL},
    {"GET", "/1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16/17", HTTP_ROUTE_NO_PATH, NULL, NULL, NULL},
};

static const struct {
    const char *method, *pattern;
} bad_routes[] = {
    {"GET", "relative/path"},
    {"GET", "/a//b"},
    {"GET", "/a/{x"},
    {"GET", "/a/x{y}"},
    {"GET", "/a/{}"},
    {"GET", "/a/{x}/b/{x}"},
    {"get", "/lower"},
    {"POST", "/eecs-eesregistration/v1/registrations"},            /* duplicate */
    {"GET", "/eecs-eesregistration/v1/registrations/{otherName}"}, /* same shape */
};

static const char *const result_names[] = {"FOUND", "NO_PATH", "NO_METHOD", "BAD_PATH"};

int
main(void)
{
    struct http_router *r = http_router_new();
    char err[EDGE_ERR_LEN];
    size_t i;

    for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
        CHECK(http_router_add(r, routes[i].method, routes[i].pattern, (void *)routes[i].pattern,
                              err) == 0,
              "adding %s %s: %s", routes[i].method, routes[i].pattern, err);
    for (i = 0; i < sizeof(bad_routes) / sizeof(bad_routes[0]); i++) {
        err[0] = '\0';
        CHECK(http_router_add(r, bad_routes[i].method, bad_routes[i].pattern, NULL, err) < 0,
              "bad route %s %s was accepted", bad_routes[i].method, bad_routes[i].pattern);
        CHECK(err[0] != '\0', "bad route %s gave no reason", bad_routes[i].pattern);
    }
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct http_route_match m;
        enum http_route_result got = http_router_match(r, cases[i].method, cases[i].path, &m);

        CHECK(got == cases[i].want, "%s %s: expected %s, got %s", cases[i].method, cases[i].path,
              result_names[cases[i].want], result_names[got]);
        if (got == HTTP_ROUTE_FOUND && cases[i].want == HTTP_ROUTE_FOUND) {
            CHECK(strcmp(m.data, cases[i].pattern) == 0, "%s: expected route %s, got %s",
                  cases[i].path, cases[i].pattern, (const char *)m.data);
            if (cases[i].name != NULL) {
                const char *v = http_route_param(&m, cases[i].name);

                CHECK(v != NULL && strcmp(v, cases[i].value) == 0,
                      "%s: expected {%s} = \"%s\", got \"%s\"", cases[i].path, cases[i].name,
                      cases[i].value, v ? v : "(none)");
            }
        }
        if (got == HTTP_ROUTE_NO_METHOD && cases[i].value != NULL)
            CHECK(strcmp(m.allow, cases[i].value) == 0, "%s %s: expected Allow \"%s\", got \"%s\"",
                  cases[i].method, cases[i].path, cases[i].value, m.allow);
        if (got == HTTP_ROUTE_BAD_PATH)
            CHECK(m.why[0] != '\0', "%s: BAD_PATH without a reason", cases[i].path);
        http_route_match_clear(&m);
    }
    http_router_free(r);
    return check_result("route");
}
