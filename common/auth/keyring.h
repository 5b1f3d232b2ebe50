/* keyring.h -- the ES256 keys of the token profile, held in one place
 * (TS 33.558 6.2, TR 33.739 6.27; RFC 7518 3.4).
 *
 * A keyring holds two kinds of entry, each named by (issuer, kid):
 * - signing keys: the private P-256 keys of one ECS, loaded once at start;
 *   one of them is "active" and signs every new token, the others still
 *   verify, so a rotation keeps old tokens valid until they expire;
 * - verification keys: public P-256 keys, grouped by the issuer (ECS FQDN)
 *   they belong to; an EES holds those of its own ECS.
 * Every signing key is also a verification key of its issuer. The private
 * key never leaves this module: callers hand the JWS signing input in and
 * get the signature back. Each key is parsed and checked once, when it is
 * loaded (a signing key also signs and verifies a test message then); a
 * signature or verification reuses that EVP key, with no parse per token.
 * Keys are looked up by kid in memory only; a token never names a file or
 * URL to fetch a key from. A keyring is not shared between threads. */
#ifndef EDGE_KEYRING_H
#define EDGE_KEYRING_H

#include <stddef.h>
#include <stdint.h>

#include "base/sizes.h"

#define KEYRING_KID_MAX EDGE_KID_MAX /* js_valid_kid: an identifier of at most 64 bytes */
#define KEYRING_MAX_KEYS 64          /* per keyring: a few ECSes, a few kids each */
#define KEYRING_COORD_LEN 32         /* P-256 x and y, big-endian */
#define KEYRING_SIG_LEN 64           /* JWS ES256 signature: R || S (RFC 7518 3.4) */

struct keyring;

struct keyring *keyring_new(void);
void keyring_free(struct keyring *kr);

/* Add a private P-256 key (PEM, PKCS#8 or SEC1, unencrypted) as signing key
 * kid of issuer. The first signing key becomes the active one. All signing
 * keys of a keyring belong to one issuer. The caller wipes pem. */
int keyring_add_signing_pem(struct keyring *kr, const char *issuer, const char *kid,
                            const char *pem, size_t len, char *err);
int keyring_load_signing_file(struct keyring *kr, const char *issuer, const char *kid,
                              const char *path, char *err);
/* Add a public P-256 key (SPKI PEM) as verification key kid of issuer. */
int keyring_add_verify_pem(struct keyring *kr, const char *issuer, const char *kid, const char *pem,
                           size_t len, char *err);
int keyring_load_verify_file(struct keyring *kr, const char *issuer, const char *kid,
                             const char *path, char *err);
/* Add the public key (x, y) as verification key kid of issuer; refused when
 * the point is not on P-256 (a JWKS is network input). */
int keyring_add_verify_xy(struct keyring *kr, const char *issuer, const char *kid,
                          const uint8_t x[KEYRING_COORD_LEN], const uint8_t y[KEYRING_COORD_LEN],
                          char *err);
/* Load the key files of issuer written by `edge-pki signkey`:
 * DIR/<issuer>.sig-<kid>.key (private, only when with_private) and
 * DIR/<issuer>.sig-<kid>.pub. When no signing key is active afterwards, the
 * greatest kid (strcmp) becomes active, so date-named kids rotate by adding a
 * file. All or nothing. Returns the number of keys added, or -1. */
int keyring_load_dir(struct keyring *kr, const char *dir, const char *issuer, int with_private,
                     char *err);
/* Move every entry of src into dst (src is left empty). All or nothing:
 * refused when an (issuer, kid) is in both or the signers disagree. */
int keyring_merge(struct keyring *dst, struct keyring *src, char *err);
/* Forget key kid of issuer (signing and verification). Tokens signed with it
 * are refused from now on. Returns 0, or -1 when there is no such key. */
int keyring_remove(struct keyring *kr, const char *issuer, const char *kid);

/* Choose the signing key for new tokens. */
int keyring_set_active(struct keyring *kr, const char *kid, char *err);
/* kid and issuer of the active signing key, or NULL when the keyring cannot sign. */
const char *keyring_active_kid(const struct keyring *kr);
const char *keyring_signer(const struct keyring *kr);
/* The JWS ES256 signature (R || S, RFC 7518 3.4) of msg, the JWS signing
 * input "header.payload", with the active key (keyring_active_kid). */
int keyring_sign_es256(const struct keyring *kr, const uint8_t *msg, size_t len,
                       uint8_t sig[KEYRING_SIG_LEN], char *err);

/* Verification keys, in the order added. */
size_t keyring_count(const struct keyring *kr);
int keyring_public_xy(const struct keyring *kr, size_t i, const char **issuer, const char **kid,
                      uint8_t x[KEYRING_COORD_LEN], uint8_t y[KEYRING_COORD_LEN]);
int keyring_has_issuer(const struct keyring *kr, const char *issuer);
/* The nth (from 0) issuer that has a key named kid, or NULL. */
const char *keyring_kid_issuer(const struct keyring *kr, const char *kid, size_t nth);
/* Verify a JWS ES256 signature (raw R || S) over msg with key (issuer, kid).
 * Returns 1 valid, 0 invalid, -1 no such key. */
int keyring_verify_es256(const struct keyring *kr, const char *issuer, const char *kid,
                         const uint8_t *msg, size_t len, const uint8_t *sig, size_t sig_len);

/* Names accepted as kid: js_valid_kid (base/json_strict.h). */
int keyring_kid_ok(const char *kid);

#endif
