/* randid.h -- unguessable identifiers (registration IDs, context IDs, JWT jti): random bytes from
 * OpenSSL's DRBG written as hex or base64url, one function for every node. */
#ifndef EDGE_RANDID_H
#define EDGE_RANDID_H

#include <stddef.h>

enum randid_enc {
    RANDID_HEX,    /* lower-case hex: 2 characters a byte */
    RANDID_B64URL, /* base64url without padding (RFC 4648 5): 4 characters per 3 bytes */
};

#define RANDID_BYTES_MAX 64

/* Write prefix (may be NULL) and then nbytes (1..RANDID_BYTES_MAX) random bytes, encoded as enc,
 * into out (size bytes, NUL-terminated). 0, or -1 with err when there is no randomness or out is
 * too small; out is then "" (never a predictable ID). */
int randid_new(char *out, size_t size, const char *prefix, size_t nbytes, enum randid_enc enc,
               char *err);

#endif
