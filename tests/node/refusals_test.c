/* refusals_test.c -- the refusal tables of edge-ecs and edge-ees (nodes/ecs/ecs_refusal.c,
 * nodes/ees/ees_refusal.c): every refusal a handler can name has a row, with an error status, a
 * cause and a sentence, and the 3GPP causes keep the status TS 29.500 Table 5.2.7.2-1 gives them.
 * And the README's table of edgesim extensions names every cause of edgesim's own (of these
 * tables, GPSI authentication, the token rules, the HTTP layer and client) and every member,
 * claim, parameter and name edgesim puts on the wire of its own.
 * Usage: node_refusals_test README.md */
#include <ctype.h>
#include <string.h>

#include "ecs.h"
#include "ees.h"
#include "fixture.h"
#include "auth/gpsi_auth.h"
#include "auth/token_endpoint.h"
#include "auth/token_validate.h"
#include "net/http_client.h"
#include "net/http_server.h"
#include "net/problem.h"

static const struct {
    const char *cause;
    int status;
} spec_status[] = {
    {PROBLEM_MANDATORY_IE_INCORRECT, 400},
    {PROBLEM_MANDATORY_IE_MISSING, 400},
    {PROBLEM_INVALID_QUERY_PARAM, 400},
    {PROBLEM_INVALID_MSG_FORMAT, 400},
    {"MANDATORY_QUERY_PARAM_MISSING", 400},
    {"MANDATORY_QUERY_PARAM_INCORRECT", 400},
    {PROBLEM_CONTEXT_NOT_FOUND, 404},
    {PROBLEM_UNSUPPORTED_MEDIA_TYPE, 415},
    {PROBLEM_SYSTEM_FAILURE, 0}, /* 500, or 502 for a failed step of a procedure */
    {PROBLEM_SERVICE_UNAVAILABLE, 503},
    {"TARGET_NF_NOT_REACHABLE", 504},
    {"INSUFFICIENT_RESOURCES", 0},
    {PROBLEM_PAYLOAD_TOO_LARGE, 0},
    {PROBLEM_RESOURCE_NOT_FOUND, 0},
};

/* What edgesim names on the wire of its own besides causes (README "edgesim extensions"). */
static const char *const wire_names[] = {"EESInfo.accessToken",
                                         "EESInfo.regEcs",
                                         "EESInfo.ecsHops",
                                         "EESInfo.authzMethod",
                                         "requestorEcs",
                                         "eesIds",
                                         "easIds",
                                         "authn_ecs",
                                         "eec_id",
                                         "targetEesFqdn",
                                         "targetNfInstanceId",
                                         "requesterFqdn",
                                         "nfInstanceId",
                                         "eesInstanceIds",
                                         "upstream",
                                         "cntxPull",
                                         "TARGET_EES_AT_OTHER_ECS",
                                         "Via",
                                         "3gpp-Sbi-Max-Rsp-Time",
                                         "urn:edgesim:eec:<EEC ID>",
                                         "urn:edgesim:gpsi:<GPSI>",
                                         "typ: JWT",
                                         "tls.serverCertOnlyApis",
                                         "svcAreaNotInEesInfo",
                                         "GET /oauth2/jwks",
                                         "edge9Mode",
                                         "eecBindingLifetime",
                                         "policy.allowEeses",
                                         "CONTEXT_PULL_FAILED",
                                         "JWKS_RELOAD_LIMITED",
                                         "JWKS_REFUSED",
                                         "REGISTRATION_LOST",
                                         "REGISTRATION_EXPIRED",
                                         "BAD_TOKEN_RESPONSE",
                                         "BAD_DISCOVERY_RESPONSE",
                                         "BAD_REDIRECT",
                                         NULL};

static int
is_3gpp_cause(const char *cause)
{
    for (size_t k = 0; k < sizeof(spec_status) / sizeof(spec_status[0]); k++)
        if (strcmp(spec_status[k].cause, cause) == 0)
            return 1;
    return 0;
}

/* The README's "edgesim extensions" section names `name`. */
static void
named(const char *section, const char *name, const char *what)
{
    char quoted[160];

    snprintf(quoted, sizeof(quoted), "`%s`", name);
    CHECK(strstr(section, quoted) != NULL, "README \"edgesim extensions\" does not name %s %s",
          what, quoted);
}

static void
check_readme(const char *path)
{
    static const char *const others[] = {PROBLEM_METHOD_NOT_ALLOWED,
                                         PROBLEM_PEER_IDENTITY_MALFORMED,
                                         PROBLEM_CLIENT_NOT_AUTHENTICATED,
                                         TOKEN_CAUSE_LOCAL_AUTHZ,
                                         HTTP_CLIENT_CONNECT_REFUSED,
                                         HTTP_CLIENT_CONNECT_FAILED,
                                         HTTP_CLIENT_CONNECT_TIMEOUT,
                                         HTTP_CLIENT_TLS_FAILED,
                                         HTTP_CLIENT_TLS_TIMEOUT,
                                         HTTP_CLIENT_PEER_MISMATCH,
                                         HTTP_CLIENT_NO_RESPONSE,
                                         HTTP_CLIENT_BAD_RESPONSE,
                                         HTTP_SERVER_REQUEST_TIMEOUT,
                                         HTTP_SERVER_CONNECTION_LIMIT,
                                         HTTP_SERVER_CLOSED,
                                         HTTP_SERVER_CLOSED_BEFORE_HANDSHAKE,
                                         NULL};
    static const enum gpsi_verdict verdicts[] = {GPSI_NOT_BOUND, GPSI_UNKNOWN, GPSI_EEC_MISMATCH,
                                                 GPSI_NO_CREDENTIAL, GPSI_EEC_UNAUTHENTICATED};
    char *text = fixture_slurp(path), *section, *end;
    size_t i;

    section = text != NULL ? strstr(text, "\n## edgesim extensions\n") : NULL;
    CHECK(section != NULL, "%s: no section \"edgesim extensions\"", path);
    if (section == NULL) {
        free(text);
        return;
    }
    if ((end = strstr(section + 1, "\n## ")) != NULL)
        *end = '\0';
    for (i = 0; i < ECS_R_COUNT; i++)
        if (!is_3gpp_cause(ecs_refusals[i].cause))
            named(section, ecs_refusals[i].cause, "the edge-ecs cause");
    for (i = 0; i < EES_R_COUNT; i++)
        if (!is_3gpp_cause(ees_refusals[i].cause))
            named(section, ees_refusals[i].cause, "the edge-ees cause");
    for (i = 0; i < sizeof(verdicts) / sizeof(verdicts[0]); i++)
        named(section, gpsi_verdict_cause(verdicts[i]), "the GPSI cause");
    for (int r = TOKEN_OK + 1; r < TOKEN_RULE_COUNT; r++)
        named(section, token_rule_name((enum token_rule)r), "the token rule");
    for (i = 0; others[i] != NULL; i++)
        named(section, others[i], "the cause");
    for (i = 0; wire_names[i] != NULL; i++)
        named(section, wire_names[i], "the name");
    free(text);
}

static void
check_table(const char *name, const struct node_refusal *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const struct node_refusal *r = &t[i];
        int upper = r->cause != NULL && r->cause[0] != '\0';

        for (const char *c = r->cause; upper && *c; c++)
            upper = isupper((unsigned char)*c) || *c == '_';
        CHECK(r->status >= 400 && r->status <= 599, "%s[%zu]: status %d is not an error", name, i,
              r->status);
        CHECK(upper, "%s[%zu]: cause %s is not an UPPER_CASE name", name, i,
              r->cause ? r->cause : "(none)");
        CHECK(r->sentence != NULL && r->sentence[0] != '\0', "%s[%zu]: no sentence", name, i);
        for (size_t k = 0; upper && k < sizeof(spec_status) / sizeof(spec_status[0]); k++)
            if (strcmp(spec_status[k].cause, r->cause) == 0 && spec_status[k].status != 0)
                CHECK(r->status == spec_status[k].status, "%s[%zu]: %s is %d, not %d", name, i,
                      r->cause, spec_status[k].status, r->status);
    }
}

int
main(int argc, char **argv)
{
    check_table("ecs_refusals", ecs_refusals, ECS_R_COUNT);
    check_table("ees_refusals", ees_refusals, EES_R_COUNT);
    check_readme(argc > 1 ? argv[1] : "README.md");
    return check_result("refusals");
}
