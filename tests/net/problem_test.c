/* problem_test.c -- ProblemDetails bodies: fields, titles, invalidParams, the read side, and the
 * one table from a js_decode() code to its 3GPP cause (rows). */
#include <string.h>

#include "fixture.h"
#include "net/problem.h"

static const struct {
    int status;
    const char *title;
} titles[] = {
    {200, "OK"},
    {400, "Bad Request"},
    {404, "Not Found"},
    {405, "Method Not Allowed"},
    {413, "Content Too Large"},
    {415, "Unsupported Media Type"},
    {500, "Internal Server Error"},
    {299, "Unknown Status"},
};

/* A decode refusal and the answer every server gives it (TS 29.500 Table 5.2.7.2-1). */
static const struct {
    enum js_fail code;
    const char *err, *cause, *param;
} decode_rows[] = {
    {JS_EMISSING, "eecId: missing required field", "MANDATORY_IE_MISSING", "eecId"},
    {JS_EUNKNOWN, "eesProf.foo: unknown field", "INVALID_MSG_FORMAT", "eesProf.foo"},
    {JS_ENOTOBJECT, "(top level): expected object, got array", "INVALID_MSG_FORMAT", "(top level)"},
    {JS_ETYPE, "eesProf: expected object, got null", "MANDATORY_IE_INCORRECT", "eesProf"},
    {JS_ETYPE, "acProfs[0].acId: expected string, got integer", "MANDATORY_IE_INCORRECT",
     "acProfs[0].acId"},
    /* the sentence does not choose the cause: only the code does */
    {JS_EVALUE, "x: unknown field", "MANDATORY_IE_INCORRECT", "x"},
    {JS_EVALUE, "ueId: not a valid GPSI (empty)", "MANDATORY_IE_INCORRECT", "ueId"},
};

static void
check_decode_rows(void)
{
    for (size_t i = 0; i < sizeof(decode_rows) / sizeof(decode_rows[0]); i++) {
        json_t *pd = problem_from_decode(decode_rows[i].code, decode_rows[i].err);
        json_t *ip = json_array_get(json_object_get(pd, "invalidParams"), 0);
        const char *param = json_string_value(json_object_get(ip, "param"));

        CHECK(pd != NULL && problem_status(pd) == 400 && problem_cause(pd) != NULL &&
                  strcmp(problem_cause(pd), decode_rows[i].cause) == 0,
              "decode row %zu: expected 400 %s, got %d %s", i, decode_rows[i].cause,
              problem_status(pd), problem_cause(pd) ? problem_cause(pd) : "(none)");
        CHECK(param != NULL && strcmp(param, decode_rows[i].param) == 0,
              "decode row %zu: expected invalidParams[0].param %s, got %s", i, decode_rows[i].param,
              param ? param : "(none)");
        CHECK(strcmp(problem_decode_cause(decode_rows[i].code), decode_rows[i].cause) == 0,
              "decode row %zu: problem_decode_cause disagrees", i);
        json_decref(pd);
    }
}

int
main(void)
{
    json_t *pd, *list;
    char *text;
    size_t i;

    for (i = 0; i < sizeof(titles) / sizeof(titles[0]); i++)
        CHECK(strcmp(problem_title(titles[i].status), titles[i].title) == 0,
              "status %d: expected title \"%s\", got \"%s\"", titles[i].status, titles[i].title,
              problem_title(titles[i].status));

    pd = problem_new(413, PROBLEM_PAYLOAD_TOO_LARGE, "body of %d bytes exceeds %d", 2000, 1024);
    CHECK(pd != NULL, "expected a ProblemDetails object");
    CHECK(problem_status(pd) == 413, "expected status 413, got %d", problem_status(pd));
    CHECK(problem_cause(pd) && strcmp(problem_cause(pd), "PAYLOAD_TOO_LARGE") == 0,
          "expected cause PAYLOAD_TOO_LARGE, got %s", problem_cause(pd));
    CHECK(problem_detail(pd) && strcmp(problem_detail(pd), "body of 2000 bytes exceeds 1024") == 0,
          "expected the formatted detail, got %s", problem_detail(pd));
    CHECK(strcmp(json_string_value(json_object_get(pd, "title")), "Content Too Large") == 0,
          "expected title Content Too Large");
    CHECK(json_object_get(pd, "invalidParams") == NULL, "expected no invalidParams yet");
    CHECK(problem_add_invalid_param(pd, "eesProf.eesId", "missing") == 0 &&
              problem_add_invalid_param(pd, "expTime", NULL) == 0,
          "expected invalidParams to grow");
    list = json_object_get(pd, "invalidParams");
    CHECK(json_array_size(list) == 2, "expected 2 invalidParams, got %zu", json_array_size(list));
    CHECK(strcmp(json_string_value(json_object_get(json_array_get(list, 0), "param")),
                 "eesProf.eesId") == 0 &&
              strcmp(json_string_value(json_object_get(json_array_get(list, 0), "reason")),
                     "missing") == 0 &&
              json_object_get(json_array_get(list, 1), "reason") == NULL,
          "expected invalidParams entries {param, reason} and {param}");
    text = json_dumps(pd, JSON_SORT_KEYS | JSON_COMPACT);
    CHECK(text != NULL && strstr(text, "\"status\":413") && strstr(text, "\"cause\":"),
          "expected status and cause in the JSON text, got %s", text);
    free(text);
    json_decref(pd);

    pd = problem_new(404, NULL, NULL);
    CHECK(pd != NULL && problem_cause(pd) == NULL && problem_detail(pd) == NULL &&
              problem_status(pd) == 404,
          "expected a bare 404 with neither cause nor detail");
    json_decref(pd);
    /* The read side does not trust a peer's types. */
    pd = json_pack("{s:s, s:i}", "status", "413", "cause", 5);
    CHECK(problem_status(pd) == 0 && problem_cause(pd) == NULL,
          "expected mistyped status/cause to read as absent");
    json_decref(pd);
    check_decode_rows();
    return check_result("problem");
}
