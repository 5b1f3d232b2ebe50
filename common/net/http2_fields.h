/* http2_fields.h -- what the HTTP/2 server and client share on top of nghttp2: the field list of a
 * message (RFC 9113 8.2) and the output of a session into a bufferevent. */
#ifndef EDGE_HTTP2_FIELDS_H
#define EDGE_HTTP2_FIELDS_H

#include <stddef.h>
#include <sys/types.h>

#include <event2/bufferevent.h>
#include <nghttp2/nghttp2.h>

#define H2_FIELDS_MAX 48 /* fields of a message this side sends */
#define H2_NAME_MAX 64   /* bytes of a field name, NUL included */

struct h2_fields {
    nghttp2_nv nv[H2_FIELDS_MAX];
    size_t n;
    char names[H2_FIELDS_MAX][H2_NAME_MAX]; /* lower-case copies of callers' names */
};

/* A field the protocol writes itself (pseudo-header fields, content-length, ...), as given. */
void h2_fields_add(struct h2_fields *f, const char *name, const char *value);
/* A caller's field (a handler's reply field, a request's extra field): its name in lower case
 * (RFC 9113 8.2.1); connection-specific fields (8.2.2) and those in own (the protocol writes them)
 * are left out, and so is a field that does not fit. */
void h2_fields_add_user(struct h2_fields *f, const char *name, const char *value,
                        const char *const *own);

/* The send callback of a session writing into bev: the bytes go to its output buffer, or, with
 * 64 KiB already there, NGHTTP2_ERR_WOULDBLOCK (the write callback sends the rest). */
ssize_t h2_output(struct bufferevent *bev, const uint8_t *data, size_t len);

#endif
