/* b64url.c -- strict, canonical base64url of RFC 7515 section 2 (no padding, no junk). */
#include "base/b64url.h"

#include <stdlib.h>

static const char b64url_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static int
b64url_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '-')
        return 62;
    if (c == '_')
        return 63;
    return -1;
}

size_t
b64url_encoded_len(size_t n)
{
    return n / 3 * 4 + (n % 3 == 0 ? 0 : n % 3 + 1);
}

size_t
b64url_decoded_max(size_t len)
{
    return len / 4 * 3 + (len % 4 == 0 ? 0 : len % 4 - 1 + (len % 4 == 1));
}

size_t
b64url_encode(const uint8_t *in, size_t n, char *out)
{
    size_t i, o = 0;

    for (i = 0; i + 3 <= n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
        out[o++] = b64url_alphabet[v >> 18 & 63];
        out[o++] = b64url_alphabet[v >> 12 & 63];
        out[o++] = b64url_alphabet[v >> 6 & 63];
        out[o++] = b64url_alphabet[v & 63];
    }
    if (n - i == 1) {
        uint32_t v = (uint32_t)in[i] << 16;
        out[o++] = b64url_alphabet[v >> 18 & 63];
        out[o++] = b64url_alphabet[v >> 12 & 63];
    } else if (n - i == 2) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
        out[o++] = b64url_alphabet[v >> 18 & 63];
        out[o++] = b64url_alphabet[v >> 12 & 63];
        out[o++] = b64url_alphabet[v >> 6 & 63];
    }
    out[o] = '\0';
    return o;
}

char *
b64url_encode_alloc(const uint8_t *in, size_t n)
{
    char *out = malloc(b64url_encoded_len(n) + 1);

    if (out != NULL)
        b64url_encode(in, n, out);
    return out;
}

int
b64url_decode(const char *in, size_t len, uint8_t *out, size_t *out_len)
{
    size_t i, o = 0, rem = len % 4;
    int v[4];

    *out_len = 0;
    /* One leftover character carries only 6 bits: never a whole byte. */
    if (rem == 1)
        return -1;
    for (i = 0; i + 4 <= len; i += 4) {
        for (int k = 0; k < 4; k++)
            if ((v[k] = b64url_value((unsigned char)in[i + k])) < 0)
                return -1;
        out[o++] = (uint8_t)(v[0] << 2 | v[1] >> 4);
        out[o++] = (uint8_t)((v[1] & 15) << 4 | v[2] >> 2);
        out[o++] = (uint8_t)((v[2] & 3) << 6 | v[3]);
    }
    for (size_t k = 0; k < rem; k++)
        if ((v[k] = b64url_value((unsigned char)in[i + k])) < 0)
            return -1;
    /* The unused low bits must be zero, or two strings would decode to the
     * same bytes (RFC 4648 section 3.5: canonical encoding). */
    if (rem == 2) {
        if (v[1] & 15)
            return -1;
        out[o++] = (uint8_t)(v[0] << 2 | v[1] >> 4);
    } else if (rem == 3) {
        if (v[2] & 3)
            return -1;
        out[o++] = (uint8_t)(v[0] << 2 | v[1] >> 4);
        out[o++] = (uint8_t)((v[1] & 15) << 4 | v[2] >> 2);
    }
    *out_len = o;
    return 0;
}
