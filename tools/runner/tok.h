/* tok.h -- the runner's view of tokens: decode, check who signed, and forge (the attacker's tools).
 *
 * The forgeries are the attacks of the token profile (DESIGN.md "Token
 * profile", notes/libjwt-1.10.md): a claim changed under the old signature,
 * alg "none", HS256 keyed with the issuer's public key PEM (key confusion),
 * ES256 with a key nobody trusts, and a token without its signature; and a
 * token signed for real with an ECS's key (a valid token with the claims a
 * test needs). They are built here with OpenSSL, never by a node, so a node
 * under test cannot "help" an attack along. */
#ifndef RUN_TOK_H
#define RUN_TOK_H

#include <jansson.h>
#include <stddef.h>

/* Split and decode a compact JWS: header and claims (new references). */
int tok_decode(const char *jwt, json_t **header, json_t **claims, char *err);
/* The public keys of a run's ECSes, files <issuer>.sig-<kid>.pub of its pki directory: each file
 * parsed once, the first time a token needs it (a key made during the run, by a rotation, is
 * found when it is there), kept until tok_keys_free. NULL when out of memory. */
struct tok_keys;
struct tok_keys *tok_keys_new(const char *pkidir);
void tok_keys_free(struct tok_keys *k);
/* How many key files were parsed so far (each at most once). */
size_t tok_keys_parsed(const struct tok_keys *k);
/* Does the ES256 signature verify with one of issuer's public keys (the header's kid tried
 * first)? 1 yes, 0 no, -1 error (issuer has no key at all). */
int tok_signed_by(struct tok_keys *k, const char *jwt, const char *issuer, char *err);
/* What a forgery changes first (each may be NULL): claims set, claims removed, header members set.
 */
struct tok_changes {
    json_t *set, *unset, *header;
};
/* Forge: kind is "payload" (changes under the old signature), "alg-none", "hs256-pubkey",
 * "untrusted-key", "strip-signature", or "issuer-key" (signed for real with the key of the token's
 * iss and kid after the changes: the runner holds the run's keys, so a test can make the token it
 * needs). Key files are read from pkidir. Returns a new string. */
char *tok_forge(const char *jwt, const char *kind, const struct tok_changes *ch, const char *pkidir,
                char *err);

#endif
