/* b64url.h -- strict base64url without padding, the encoding of every JWS
 * segment and JWK coordinate (RFC 7515 section 2, RFC 4648 section 5).
 *
 * Strict means one string per byte sequence: no '=' padding, no whitespace,
 * no character outside [A-Za-z0-9_-], no length of 1 modulo 4, and the unused
 * low bits of the last character must be zero. libjwt 1.10 decodes leniently
 * (junk and padding inside a segment still verify), so edgesim decodes every
 * token with this module before anything else looks at it. */
#ifndef EDGE_B64URL_H
#define EDGE_B64URL_H

#include <stddef.h>
#include <stdint.h>

/* Characters needed for n bytes (no padding, no NUL). */
size_t b64url_encoded_len(size_t n);
/* Upper bound of bytes decoded from len characters. */
size_t b64url_decoded_max(size_t len);

/* Encode n bytes into out, which holds b64url_encoded_len(n) + 1 bytes;
 * the result is NUL-terminated. Returns its length. */
size_t b64url_encode(const uint8_t *in, size_t n, char *out);
/* Same into a new buffer (free()); NULL when out of memory. */
char *b64url_encode_alloc(const uint8_t *in, size_t n);

/* Decode len characters into out (b64url_decoded_max(len) bytes), setting
 * *out_len. Returns 0, or -1 when the input is not canonical base64url. */
int b64url_decode(const char *in, size_t len, uint8_t *out, size_t *out_len);

#endif
