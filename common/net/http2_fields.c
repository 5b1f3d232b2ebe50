/* http2_fields.c -- field lists of HTTP/2 messages and the output of a session (http2_fields.h). */
#include "net/http2_fields.h"

#include <string.h>

#include <event2/buffer.h>

#define H2_OUT_BLOCK ((size_t)64 * 1024)
/* The TLS layer writes each piece of memory of the output buffer as a record of its own, and a
 * write(2) each; libevent grows a buffer in pieces of at most 4 KiB. One piece the size of a
 * full record (RFC 8446 5.1: 2^14 bytes) takes the frames of many replies. */
#define H2_OUT_PIECE ((size_t)16 * 1024)

void
h2_fields_add(struct h2_fields *f, const char *name, const char *value)
{
    if (f->n >= H2_FIELDS_MAX)
        return;
    f->nv[f->n++] = (nghttp2_nv){(uint8_t *)name, (uint8_t *)value, strlen(name), strlen(value),
                                 NGHTTP2_NV_FLAG_NONE};
}

void
h2_fields_add_user(struct h2_fields *f, const char *name, const char *value, const char *const *own)
{
    static const char *const conn[] = {
        "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", NULL};
    size_t len = strlen(name);
    char *lower;

    if (f->n >= H2_FIELDS_MAX || len >= H2_NAME_MAX)
        return;
    lower = f->names[f->n];
    for (size_t i = 0; i <= len; i++)
        lower[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] - 'A' + 'a' : name[i]);
    for (size_t i = 0; conn[i] != NULL; i++)
        if (strcmp(lower, conn[i]) == 0)
            return;
    for (size_t i = 0; own != NULL && own[i] != NULL; i++)
        if (strcmp(lower, own[i]) == 0)
            return;
    h2_fields_add(f, lower, value);
}

ssize_t
h2_output(struct bufferevent *bev, const uint8_t *data, size_t len)
{
    struct evbuffer *out = bufferevent_get_output(bev);

    size_t have = evbuffer_get_length(out);

    if (have >= H2_OUT_BLOCK)
        return NGHTTP2_ERR_WOULDBLOCK;
    if (have == 0)
        evbuffer_expand(out, len > H2_OUT_PIECE ? len : H2_OUT_PIECE);
    if (evbuffer_add(out, data, len) < 0)
        return NGHTTP2_ERR_CALLBACK_FAILURE;
    return (ssize_t)len;
}
