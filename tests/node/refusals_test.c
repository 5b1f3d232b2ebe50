/* refusals_test.c -- the refusal tables of edge-ecs and edge-ees (nodes/ecs/ecs_refusal.c,
 * nodes/ees/ees_refusal.c): every refusal a handler can name has a row, with an error status, a
 * cause and a sentence, and the 3GPP causes keep the status TS 29.500 Table 5.2.7.2-1 gives them.
 */
#include <ctype.h>
#include <string.h>

#include "ecs.h"
#include "ees.h"
#include "fixture.h"
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
};

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
main(void)
{
    check_table("ecs_refusals", ecs_refusals, ECS_R_COUNT);
    check_table("ees_refusals", ees_refusals, EES_R_COUNT);
    return check_result("refusals");
}
