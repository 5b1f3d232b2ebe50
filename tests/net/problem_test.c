/* problem_test.c -- ProblemDetails bodies: fields, titles, invalidParams, the read side. */
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
    return check_result("problem");
}
