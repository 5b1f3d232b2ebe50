/* es256.h -- the two forms of an ES256 signature (RFC 7518 3.4): the DER
 * SEQUENCE { INTEGER r, INTEGER s } that OpenSSL's EVP reads and writes
 * (RFC 3279 2.2.3), and the JWS form, R || S as two 32-byte big-endian
 * octet strings. A token carries only the JWS form; the keyring converts at
 * its EVP boundary, in both directions, with no allocation. */
#ifndef EDGE_ES256_H
#define EDGE_ES256_H

#include <stddef.h>
#include <stdint.h>

#define ES256_INT_LEN 32                  /* r and s: P-256 scalars */
#define ES256_SIG_LEN (2 * ES256_INT_LEN) /* JWS R || S */
#define ES256_DER_MAX 72                  /* 2 + 2 * (2 + 1 + 32) */

/* DER (from EVP_DigestSign) to R || S. Strict: exactly one SEQUENCE of two
 * positive INTEGERs in minimal form, each at most 32 bytes of value, nothing
 * after it. Returns 0, or -1. */
int es256_sig_from_der(const uint8_t *der, size_t len, uint8_t raw[ES256_SIG_LEN]);
/* R || S to DER (for EVP_DigestVerify) into der (ES256_DER_MAX bytes).
 * Returns the DER length, or -1 when r or s is zero (never a valid ECDSA
 * signature, RFC 6979 / SEC 1 4.1.4). */
int es256_sig_to_der(const uint8_t raw[ES256_SIG_LEN], uint8_t der[ES256_DER_MAX]);

#endif
