/* randid.c -- unguessable identifiers: RAND_bytes, then hex or base64url (randid.h). */
#include "base/randid.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <string.h>

#include "base/b64url.h"
#include "base/err.h"

int
randid_new(char *out, size_t size, const char *prefix, size_t nbytes, enum randid_enc enc,
           char *err)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char rnd[RANDID_BYTES_MAX];
    size_t plen = prefix != NULL ? strlen(prefix) : 0;
    size_t elen = enc == RANDID_HEX ? 2 * nbytes : b64url_encoded_len(nbytes);
    int rc = -1;

    if (size > 0)
        out[0] = '\0';
    if (nbytes == 0 || nbytes > RANDID_BYTES_MAX || plen + elen >= size) {
        edge_err(err, "no room for a %zu-byte random ID", nbytes);
        return -1;
    }
    /* An ID names a resource that only its owner may use: guessing one must be hopeless, so
     * without randomness there is no ID at all rather than a predictable one. */
    if (RAND_bytes(rnd, (int)nbytes) != 1) {
        edge_err(err, "no randomness for an ID");
        goto done;
    }
    memcpy(out, prefix != NULL ? prefix : "", plen);
    if (enc == RANDID_HEX) {
        for (size_t i = 0; i < nbytes; i++) {
            out[plen + 2 * i] = hex[rnd[i] >> 4];
            out[plen + 2 * i + 1] = hex[rnd[i] & 15];
        }
        out[plen + elen] = '\0';
    } else {
        b64url_encode(rnd, nbytes, out + plen);
    }
    rc = 0;
done:
    OPENSSL_cleanse(rnd, sizeof(rnd));
    return rc;
}
