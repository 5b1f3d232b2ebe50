/* problem.c -- builds and reads ProblemDetails bodies (TS 29.122 5.2.1.2.12, RFC 7807). */
#include "net/problem.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const struct {
    int status;
    const char *title;
} problem_titles[] = {
    {100, "Continue"},
    {200, "OK"},
    {201, "Created"},
    {202, "Accepted"},
    {204, "No Content"},
    {303, "See Other"},
    {307, "Temporary Redirect"},
    {308, "Permanent Redirect"},
    {400, "Bad Request"},
    {401, "Unauthorized"},
    {403, "Forbidden"},
    {404, "Not Found"},
    {405, "Method Not Allowed"},
    {406, "Not Acceptable"},
    {408, "Request Timeout"},
    {409, "Conflict"},
    {410, "Gone"},
    {411, "Length Required"},
    {412, "Precondition Failed"},
    {413, "Content Too Large"},
    {414, "URI Too Long"},
    {415, "Unsupported Media Type"},
    {417, "Expectation Failed"},
    {429, "Too Many Requests"},
    {431, "Request Header Fields Too Large"},
    {500, "Internal Server Error"},
    {501, "Not Implemented"},
    {502, "Bad Gateway"},
    {503, "Service Unavailable"},
    {504, "Gateway Timeout"},
    {505, "HTTP Version Not Supported"},
};

const char *
problem_title(int status)
{
    size_t i;

    for (i = 0; i < sizeof(problem_titles) / sizeof(problem_titles[0]); i++)
        if (problem_titles[i].status == status)
            return problem_titles[i].title;
    return "Unknown Status";
}

json_t *
problem_new(int status, const char *cause, const char *fmt, ...)
{
    char detail[512];
    json_t *pd;
    va_list ap;

    pd = json_pack("{s:s, s:i}", "title", problem_title(status), "status", status);
    if (pd == NULL)
        return NULL;
    if (fmt != NULL) {
        va_start(ap, fmt);
        // NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): va_start is the line above
        vsnprintf(detail, sizeof(detail), fmt, ap);
        va_end(ap);
        json_object_set_new(pd, "detail", json_string(detail));
    }
    if (cause != NULL)
        json_object_set_new(pd, "cause", json_string(cause));
    return pd;
}

int
problem_add_invalid_param(json_t *pd, const char *param, const char *reason)
{
    json_t *list = json_object_get(pd, "invalidParams"), *item;

    if (list == NULL) {
        if ((list = json_array()) == NULL || json_object_set_new(pd, "invalidParams", list) < 0)
            return -1;
    }
    item = reason != NULL ? json_pack("{s:s, s:s}", "param", param, "reason", reason)
                          : json_pack("{s:s}", "param", param);
    if (item == NULL)
        return -1;
    return json_array_append_new(list, item);
}

/* TS 29.500 Table 5.2.7.2-1: an IE that is absent, an IE that is wrong, a message that is not
 * the structure the API defines. */
static const struct {
    enum js_fail code;
    const char *cause;
} problem_decode_causes[] = {
    {JS_EVALUE, PROBLEM_MANDATORY_IE_INCORRECT}, {JS_ETYPE, PROBLEM_MANDATORY_IE_INCORRECT},
    {JS_EMISSING, PROBLEM_MANDATORY_IE_MISSING}, {JS_EUNKNOWN, PROBLEM_INVALID_MSG_FORMAT},
    {JS_ENOTOBJECT, PROBLEM_INVALID_MSG_FORMAT},
};

const char *
problem_decode_cause(enum js_fail code)
{
    size_t i;

    for (i = 0; i < sizeof(problem_decode_causes) / sizeof(problem_decode_causes[0]); i++)
        if (problem_decode_causes[i].code == code)
            return problem_decode_causes[i].cause;
    return PROBLEM_MANDATORY_IE_INCORRECT;
}

json_t *
problem_from_decode(enum js_fail code, const char *err)
{
    /* err is "path: reason" (json_strict.h): the path names the invalid parameter. */
    const char *sep = strstr(err, ": ");
    const char *reason = sep != NULL ? sep + 2 : err;
    char param[256];
    json_t *pd;

    if ((pd = problem_new(400, problem_decode_cause(code), "%s", err)) == NULL)
        return NULL;
    if (sep != NULL) {
        snprintf(param, sizeof(param), "%.*s", (int)(sep - err), err);
        problem_add_invalid_param(pd, param, reason);
    }
    return pd;
}

int
problem_status(const json_t *pd)
{
    json_t *v = json_object_get(pd, "status");

    return json_is_integer(v) ? (int)json_integer_value(v) : 0;
}

const char *
problem_cause(const json_t *pd)
{
    return json_string_value(json_object_get(pd, "cause"));
}

const char *
problem_detail(const json_t *pd)
{
    return json_string_value(json_object_get(pd, "detail"));
}
