/* tok.h -- the runner's view of tokens: decode, check who signed, and forge (the attacker's tools).
 *
 * The forgeries are the attacks of the token profile (DESIGN.md "Token
 * profile", notes/libjwt-1.10.md): a claim changed under the old signature,
 * alg "none", HS256 keyed with the issuer's public key PEM (key confusion),
 * ES256 with a key nobody trusts, and a token without its signature. They are
 * built here with OpenSSL, never by a node, so a node under test cannot
 * "help" an attack along. */
#ifndef RUN_TOK_H
#define RUN_TOK_H

#include <jansson.h>

/* Split and decode a compact JWS: header and claims (new references). */
int tok_decode(const char *jwt, json_t **header, json_t **claims, char *err);
/* Does the ES256 signature verify with one of issuer's public keys in pkidir
 * (files <issuer>.sig-<kid>.pub)? 1 yes, 0 no, -1 error. */
int tok_signed_by(const char *jwt, const char *pkidir, const char *issuer, char *err);
/* Forge: kind is "payload", "alg-none", "hs256-pubkey", "untrusted-key" or
 * "strip-signature"; set/unset change claims first (may be NULL). The issuer's
 * public key file is read from pkidir for "hs256-pubkey". Returns a new string. */
char *tok_forge(const char *jwt, const char *kind, json_t *set, json_t *unset, const char *pkidir,
                char *err);

#endif
