/* jwks.h -- the ECS's public keys as a JSON Web Key Set, and back
 * (RFC 7517 section 5, RFC 7518 section 6.2: EC P-256 keys for ES256).
 *
 * Each ECS serves its verification keys as a JWKS; an EES (or edge-jwt)
 * turns such a document into verification keys of that ECS. A JWKS does not
 * say whose keys it holds: the caller names the issuer it trusts them for. */
#ifndef EDGE_JWKS_H
#define EDGE_JWKS_H

#include "auth/keyring.h"

#include <jansson.h>

#define JWKS_MAX_LEN 65536 /* bytes of a JWKS document we agree to parse */

/* The verification keys of issuer in kr, as a new JWKS object
 * {"keys":[{"kty":"EC","crv":"P-256","x":..,"y":..,"kid":..,"use":"sig",
 * "alg":"ES256"},...]}. An issuer with no key gives an empty set. */
json_t *jwks_from_keyring(const struct keyring *kr, const char *issuer, char *err);
/* Same, serialised (free()). */
char *jwks_dump(const struct keyring *kr, const char *issuer, char *err);

/* Parse a JWKS and add every key to kr as a verification key of issuer.
 * Strict and all or nothing: duplicate JSON members, a kty other than "EC",
 * a crv other than "P-256", x or y not 32 bytes of canonical base64url, a
 * point not on the curve, a missing or repeated kid, "use" other than "sig",
 * "alg" other than "ES256", or private material ("d") refuse the document.
 * Returns the number of keys added, or -1. */
int jwks_load(struct keyring *kr, const char *issuer, const char *text, size_t len, char *err);
int jwks_load_file(struct keyring *kr, const char *issuer, const char *path, char *err);

#endif
