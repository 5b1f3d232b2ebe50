/* bearer.c -- the RFC 6750 2.1 "Authorization: Bearer <token>" header, written and read (see
 * bearer.h). */
#include "auth/bearer.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define BEARER_SCHEME "Bearer "

char *
bearer_value(const char *token)
{
    size_t len = strlen(BEARER_SCHEME) + strlen(token) + 1;
    char *v = malloc(len);

    if (v != NULL)
        snprintf(v, len, "%s%s", BEARER_SCHEME, token);
    return v;
}

void
bearer_free(char *value)
{
    if (value == NULL)
        return;
    OPENSSL_cleanse(value, strlen(value));
    free(value);
}

const char *
bearer_token(const char *value)
{
    /* credentials = "Bearer" 1*SP b64token */
    if (value == NULL || strncasecmp(value, BEARER_SCHEME, strlen(BEARER_SCHEME)) != 0)
        return NULL;
    value += strlen(BEARER_SCHEME);
    value += strspn(value, " ");
    return *value != '\0' ? value : NULL;
}
