/* http_form.h -- application/x-www-form-urlencoded bodies and query strings: strictly parsed,
 * duplicates detectable, and written by one encoder.
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

/* Append name=value to the NUL-terminated string buf (size bytes), after a '&' when buf is not
 * empty, both encoded by the WHATWG urlencoded serializer (URL 5.2: ASCII alphanumerics and
 * "*-._" as they are, space as '+', every other byte %XX), which http_form_parse and libevent's
 * query parser both read back. A NULL or empty value appends nothing: edgesim leaves an optional
 * parameter out rather than sending it empty. 0, or -1 when the result would not fit (buf is then
 * unchanged, so nothing is silently cut). */
int http_form_append(char *buf, size_t size, const char *name, const char *value);
/* The bytes http_form_append adds for name=value (with the '&', without the NUL). */
size_t http_form_append_len(const char *name, const char *value);

#endif
