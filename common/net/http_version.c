/* http_version.c -- the HTTP version names of the config and their ALPN lists (RFC 7301). */
#include "net/http_version.h"

#include <string.h>

#include "base/err.h"

static const unsigned char alpn_h2[] = "\x02h2\x08http/1.1";
static const unsigned char alpn_h1[] = "\x08http/1.1";

int
http_version_parse(const char *name, enum http_version *v, char *err)
{
    if (name != NULL && strcmp(name, "h2") == 0)
        *v = HTTP_VERSION_2;
    else if (name != NULL && strcmp(name, "http/1.1") == 0)
        *v = HTTP_VERSION_1_1;
    else
        return edge_err(err, "expected %s, got \"%.32s\"", HTTP_VERSION_CHOICES,
                        name != NULL ? name : "");
    return 0;
}

const char *
http_version_name(enum http_version v)
{
    return v == HTTP_VERSION_1_1 ? "http/1.1" : "h2";
}

const unsigned char *
http_version_alpn(enum http_version v, size_t *len)
{
    if (v == HTTP_VERSION_1_1) {
        *len = sizeof(alpn_h1) - 1;
        return alpn_h1;
    }
    *len = sizeof(alpn_h2) - 1;
    return alpn_h2;
}
