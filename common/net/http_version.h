/* http_version.h -- which HTTP a node speaks on an interface, and the ALPN names that say it.
 *
 * TS 33.558 6.1 names HTTP/2 over TLS for EDGE-1/4 and EDGE-3/6/9 (TS 29.500 5.2: HTTP/2 on the
 * SBI): "h2" is the default everywhere. A server set to "h2" also serves a client that offers only
 * "http/1.1" (RFC 7301 ALPN; RFC 9113 3.2); one set to "http/1.1" serves only that. A client set
 * to "h2" offers both and speaks what the server picks; one set to "http/1.1" offers only that. */
#ifndef EDGE_HTTP_VERSION_H
#define EDGE_HTTP_VERSION_H

#include <stddef.h>

enum http_version {
    HTTP_VERSION_2 = 0, /* "h2", the default */
    HTTP_VERSION_1_1,   /* "http/1.1" */
};

#define HTTP_VERSION_CHOICES "\"h2\" or \"http/1.1\""

/* "h2" or "http/1.1"; -1 with err for anything else. */
int http_version_parse(const char *name, enum http_version *v, char *err);
const char *http_version_name(enum http_version v);
/* The ALPN protocol list (RFC 7301 3.1 wire format) to offer or accept for v, by preference. */
const unsigned char *http_version_alpn(enum http_version v, size_t *len);

#endif
