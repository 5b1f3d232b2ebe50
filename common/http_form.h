/* http_form.h -- application/x-www-form-urlencoded bodies, strictly parsed, duplicates detectable.
 *
 * The OAuth 2.0 token endpoint takes its parameters this way (RFC 6749 4.4.2, appendix B), and
 * RFC 6749 3.2 says request parameters MUST NOT be included more than once: http_form_duplicate()
 * lets the endpoint refuse such a request with invalid_request. */
#ifndef EDGE_HTTP_FORM_H
#define EDGE_HTTP_FORM_H

#include <stddef.h>

#define HTTP_FORM_MAX_PARAMS 64

struct http_form;

/* Parse buf (not NUL-terminated). '+' is a space, %XX a byte; a malformed escape, a NUL byte, an
 * empty name or more than HTTP_FORM_MAX_PARAMS pairs is an error naming the pair. */
struct http_form *http_form_parse(const char *buf, size_t len, char *err);
void http_form_free(struct http_form *f);
size_t http_form_len(const struct http_form *f);
const char *http_form_name(const struct http_form *f, size_t i);
const char *http_form_value(const struct http_form *f, size_t i);
/* How often name occurs. */
size_t http_form_count(const struct http_form *f, const char *name);
/* The value of name if it occurs (the first one), else NULL. */
const char *http_form_get(const struct http_form *f, const char *name);
/* The first name that occurs more than once, or NULL. */
const char *http_form_duplicate(const struct http_form *f);

#endif
