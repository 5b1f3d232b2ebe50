/* problem.h -- ProblemDetails error bodies (TS 29.122 5.2.1.2.12, RFC 7807) with a machine cause.
 *
 * Every error answer of an edgesim server is application/problem+json with status, title (the
 * RFC 9110 reason phrase), detail (one sentence naming what was wrong) and cause; invalidParams
 * lists the offending fields when there are some. The protocol-error causes below are those of
 * TS 29.500 Table 5.2.7.2-1, which TS 29.122 5.2.6 follows. */
#ifndef EDGE_PROBLEM_H
#define EDGE_PROBLEM_H

#include <jansson.h>

#include "base/json_strict.h"

#define PROBLEM_MEDIA_TYPE "application/problem+json"

#define PROBLEM_INVALID_MSG_FORMAT "INVALID_MSG_FORMAT"               /* 400 */
#define PROBLEM_INVALID_QUERY_PARAM "INVALID_QUERY_PARAM"             /* 400 */
#define PROBLEM_MANDATORY_IE_MISSING "MANDATORY_IE_MISSING"           /* 400 */
#define PROBLEM_MANDATORY_IE_INCORRECT "MANDATORY_IE_INCORRECT"       /* 400 */
#define PROBLEM_RESOURCE_NOT_FOUND "RESOURCE_URI_STRUCTURE_NOT_FOUND" /* 404 */
#define PROBLEM_CONTEXT_NOT_FOUND "CONTEXT_NOT_FOUND"                 /* 404 */
#define PROBLEM_METHOD_NOT_ALLOWED "METHOD_NOT_ALLOWED"               /* 405, edgesim's name */
#define PROBLEM_PAYLOAD_TOO_LARGE "PAYLOAD_TOO_LARGE"                 /* 413 */
#define PROBLEM_UNSUPPORTED_MEDIA_TYPE "UNSUPPORTED_MEDIA_TYPE"       /* 415 */
#define PROBLEM_PEER_IDENTITY_MALFORMED "PEER_IDENTITY_MALFORMED"     /* 403, edgesim's name */
/* 403, edgesim's name: a client without a credential (TLS with the server certificate only, TS
 * 33.558 6.2/6.3 NOTE) asked for what needs an authenticated client. */
#define PROBLEM_CLIENT_NOT_AUTHENTICATED "CLIENT_NOT_AUTHENTICATED"
#define PROBLEM_SYSTEM_FAILURE "SYSTEM_FAILURE"           /* 500 */
#define PROBLEM_SERVICE_UNAVAILABLE "SERVICE_UNAVAILABLE" /* 503 */

/* A new ProblemDetails object (new reference; NULL only when out of memory). cause may be NULL;
 * fmt (printf-style) gives detail and may be NULL. */
json_t *problem_new(int status, const char *cause, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Append {"param": param, "reason": reason} to invalidParams. */
int problem_add_invalid_param(json_t *pd, const char *param, const char *reason);
/* The RFC 9110 reason phrase of status ("Unknown Status" if none); also the HTTP reason. */
const char *problem_title(int status);

/* The cause of a js_decode() refusal, from one table: MANDATORY_IE_MISSING for a missing
 * required field, INVALID_MSG_FORMAT for an unknown field or a body that is not an object,
 * MANDATORY_IE_INCORRECT for a wrong type or value. */
const char *problem_decode_cause(enum js_fail code);
/* A 400 ProblemDetails for a js_decode() refusal: code and its sentence "path: reason"
 * (json_strict.h); invalidParams names the field. Every server decodes bodies this way, so a bad
 * body gets one answer everywhere. */
json_t *problem_from_decode(enum js_fail code, const char *err);

/* Read side, for a client that received a ProblemDetails (NULL/0 when absent or mistyped). */
int problem_status(const json_t *pd);
const char *problem_cause(const json_t *pd);
const char *problem_detail(const json_t *pd);

#endif
