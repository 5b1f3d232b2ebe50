/* ees_util.c -- small helpers the edge-ees modules share: control results, RFC 3339 times. */
#include "ees.h"
#include "base/err.h"
#include "net/problem.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

json_t *
ees_result_error(const char *cause, const char *fmt, ...)
{
    char msg[EDGE_ERR_LEN];
    va_list ap;

    va_start(ap, fmt);
    // NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): va_start is the line above
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return json_pack("{s:i, s:n, s:n, s:n, s:s, s:s?, s:f}", "status", 0, "location", "body",
                     "problem", "error", msg, "error_cause", cause, "elapsed_ms", 0.0);
}

void
ees_up_from_resp(struct ees_up *up, const char *step, const char *peer,
                 const struct http_client_resp *r)
{
    json_t *problem;

    memset(up, 0, sizeof(*up));
    up->step = step;
    up->peer = peer;
    up->status = r->status;
    up->result = node_result(r);
    up->error = r->error;
    if (r->status == 0) {
        up->cause = r->error_cause;
        return;
    }
    problem = json_object_get(up->result, "problem");
    up->cause = json_string_value(json_object_get(problem, "cause"));
    if (up->cause == NULL) /* an RFC 6749 5.2 error from a token endpoint */
        up->cause = json_string_value(json_object_get(problem, "error"));
}

const char *
ees_time(long long t, char *buf)
{
    if (js_time_format((time_t)t, buf, JS_TIME_LEN) < 0)
        snprintf(buf, JS_TIME_LEN, "1970-01-01T00:00:00Z");
    return buf;
}

long long
ees_time_parse(const char *s)
{
    struct timespec ts;
    char why[EDGE_ERR_LEN];

    if (s == NULL || js_time_parse(s, &ts, why) < 0)
        return -1;
    return (long long)ts.tv_sec;
}
