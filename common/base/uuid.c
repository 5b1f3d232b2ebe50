/* uuid.c -- NF instance IDs as UUIDs (RFC 4122, TS 29.571 NfInstanceId): the text form checked,
 * and the ID derived from a node's FQDN (uuid.h says why and how). */
#include "base/uuid.h"
#include "base/err.h"
#include "base/json_strict.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#define UUID_LABEL "edgesim NF instance ID "
#define UUID_NAME_MAX 253

int
uuid_valid(const char *s, char *why)
{
    size_t n = s != NULL ? strlen(s) : 0;

    if (n != UUID_TEXT_LEN - 1)
        return edge_err(why, "expected a UUID (8-4-4-4-12 hex digits), got %zu characters", n);
    for (size_t i = 0; i < n; i++) {
        int dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
            return edge_err(why, "expected a UUID (8-4-4-4-12 hex digits): character %zu", i + 1);
    }
    return 0;
}

int
uuid_from_name(const char *fqdn, char out[UUID_TEXT_LEN])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    char buf[sizeof(UUID_LABEL) + UUID_NAME_MAX];
    unsigned int mdlen = 0;
    int n;

    out[0] = '\0';
    n = snprintf(buf, sizeof(buf), "%s%.*s", UUID_LABEL, UUID_NAME_MAX, fqdn);
    if (n < 0 || (size_t)n >= sizeof(buf))
        return -1;
    for (size_t i = sizeof(UUID_LABEL) - 1; i < (size_t)n; i++)
        buf[i] = (char)tolower((unsigned char)buf[i]);
    if (EVP_Digest(buf, (size_t)n, md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen < 16)
        return -1;
    md[6] = (unsigned char)((md[6] & 0x0f) | 0x40); /* version 4 (RFC 4122 4.1.3) */
    md[8] = (unsigned char)((md[8] & 0x3f) | 0x80); /* the RFC 4122 variant (4.1.1) */
    snprintf(out, UUID_TEXT_LEN,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", md[0], md[1],
             md[2], md[3], md[4], md[5], md[6], md[7], md[8], md[9], md[10], md[11], md[12], md[13],
             md[14], md[15]);
    return 0;
}

int
uuid_equal(const char *a, const char *b)
{
    return a != NULL && b != NULL && strcasecmp(a, b) == 0;
}

int
js_check_uuid(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    (void)f, (void)ctx;
    return uuid_valid(json_string_value(v), why);
}
