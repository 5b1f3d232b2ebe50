/* http_log.h -- what an HTTP event line says about the message it logs: the credential it carries.
 *
 * A sequence diagram marks a message by what it carries, never by guesses from nearby events:
 * an Authorization header (its scheme, never the credential), the access tokens in its body (JWS
 * compact strings, RFC 7515 7.1), and the reason of a refusal (ProblemDetails "detail", TS 29.122
 * 5.2.6; RFC 6749 5.2 "error_description"). */
#ifndef EDGE_HTTP_LOG_H
#define EDGE_HTTP_LOG_H

#include <jansson.h>
#include <stddef.h>

/* The data object of an HTTP event line (a new reference), or NULL when there is nothing to say:
 * "auth" the scheme of authorization (e.g. "Bearer"), "tokens" how many JWS compact strings the
 * body holds as JSON strings, "detail" a refusal's reason (status >= 400, JSON body). */
json_t *http_log_data(const char *authorization, int status, const char *body, size_t len);

#endif
