/* uuid.h -- NF instance IDs (TS 29.571 NfInstanceId: a UUID, RFC 4122) as edgesim writes and
 * checks them: the canonical text form, and the one derived from a node's FQDN so that a node and
 * the ECS that knows its FQDN agree on it without configuration. */
#ifndef EDGE_UUID_H
#define EDGE_UUID_H

#include <jansson.h>

struct js_field;

#define UUID_TEXT_LEN 37 /* 8-4-4-4-12 hex digits and the NUL */

/* s is a UUID in the RFC 4122 3 text form (hex digits in either case). 0, or -1 with why. */
int uuid_valid(const char *s, char *why);
/* The NF instance ID edgesim derives from an FQDN (case-insensitive): a UUID of version 4 in form
 * (TS 29.571), its other 122 bits the first of SHA-256("edgesim NF instance ID " | lower-case
 * FQDN), lower-case text. 0, or -1 when the digest fails (out is then ""). */
int uuid_from_name(const char *fqdn, char out[UUID_TEXT_LEN]);
/* Are a and b the same UUID (text compared without case)? */
int uuid_equal(const char *a, const char *b);
/* js_field check: a UUID (uuid_valid). */
int js_check_uuid(json_t *v, const struct js_field *f, void *ctx, char *why);

#endif
