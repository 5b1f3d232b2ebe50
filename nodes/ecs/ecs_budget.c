/* ecs_budget.c -- the time and hop budget of a request that may wait on peer ECSes (forwarded
 * token requests, EDGE-10 requests passed on, target EES discovery): how long the ECS may wait
 * before it must answer (the caller's 3gpp-Sbi-Max-Rsp-Time, TS 29.500 5.2.3.3, less the time the
 * answer needs to get back) and how many further ECS hops it may make (maxForwardHops and
 * 3gpp-Sbi-Max-Forward-Hops, TS 29.500 5.2.3.2). nodes/ecs/README.md "Deadlines" has the
 * arithmetic behind the defaults. */
#include "ecs.h"
#include "base/clock.h"

#include <stdio.h>

long long
ecs_deadline(const struct ecs *e, struct http_req *req)
{
    long wait = via_rsp_time_parse(http_req_header(req, VIA_RSP_TIME_HEADER));
    long long budget;

    /* No header (or a bad one: the request is not refused for it): the longest wait this ECS
     * grants. Each ECS keeps back the margin, so the one that asked it still gets an answer,
     * 504 if nothing better, before it gives up itself. */
    if (wait < 0 || wait > e->cfg.request_ms)
        wait = (long)e->cfg.request_ms;
    budget = (long long)wait - e->cfg.margin_ms;
    return edge_now_ms() + (budget > ECS_CALL_MIN_MS ? budget : ECS_CALL_MIN_MS);
}

int
ecs_time_left(long long deadline)
{
    long long left = deadline - edge_now_ms();

    /* Spent already: a peer still gets a short try rather than none at all. */
    return left > ECS_CALL_MIN_MS ? (int)left : ECS_CALL_MIN_MS;
}

void
ecs_rsp_time(long long deadline, char buf[16])
{
    snprintf(buf, 16, "%d", ecs_time_left(deadline));
}

unsigned
ecs_hop_budget(const struct ecs *e, const struct via *via, int left)
{
    unsigned budget = (unsigned)e->cfg.max_hops;

    if (left >= 0 && via->n + (unsigned)left < budget)
        budget = (unsigned)(via->n + (unsigned)left);
    return budget;
}
