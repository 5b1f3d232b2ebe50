/* es256.c -- ES256 signatures between OpenSSL's DER form and the JWS form R || S
 * (RFC 7518 3.4, RFC 3279 2.2.3, X.690 8.3 for the minimal INTEGER). */
#include "auth/es256.h"

#include <string.h>

/* One INTEGER at der[*pos]: its value, without the sign byte, right-aligned
 * into out (32 bytes). Minimal form (X.690 8.3.2) and positive only. */
static int
es256_der_int(const uint8_t *der, size_t len, size_t *pos, uint8_t out[ES256_INT_LEN])
{
    size_t p = *pos, n;

    if (p + 2 > len || der[p] != 0x02)
        return -1;
    n = der[p + 1];
    p += 2;
    if (n == 0 || n > ES256_INT_LEN + 1 || p + n > len)
        return -1;
    if (der[p] & 0x80)
        return -1; /* negative */
    if (n > 1 && der[p] == 0x00 && !(der[p + 1] & 0x80))
        return -1; /* a leading zero that is not a sign byte */
    if (der[p] == 0x00 && n > 1) {
        p++;
        n--;
    }
    if (n > ES256_INT_LEN)
        return -1;
    memset(out, 0, ES256_INT_LEN - n);
    memcpy(out + ES256_INT_LEN - n, der + p, n);
    *pos = p + n;
    return 0;
}

int
es256_sig_from_der(const uint8_t *der, size_t len, uint8_t raw[ES256_SIG_LEN])
{
    size_t pos = 2;

    /* At most 70 bytes of content: the SEQUENCE length is one byte (short form). */
    if (len < 2 || der[0] != 0x30 || der[1] >= 0x80 || (size_t)der[1] + 2 != len)
        return -1;
    if (es256_der_int(der, len, &pos, raw) < 0 ||
        es256_der_int(der, len, &pos, raw + ES256_INT_LEN) < 0 || pos != len)
        return -1;
    return 0;
}

/* One 32-byte big-endian value as a minimal DER INTEGER at out; its length. */
static size_t
es256_put_int(const uint8_t v[ES256_INT_LEN], uint8_t *out)
{
    size_t skip = 0, n, o = 0;

    while (skip < ES256_INT_LEN - 1 && v[skip] == 0)
        skip++;
    n = ES256_INT_LEN - skip;
    out[o++] = 0x02;
    out[o++] = (uint8_t)(n + (v[skip] & 0x80 ? 1 : 0));
    if (v[skip] & 0x80)
        out[o++] = 0x00; /* keep it positive */
    memcpy(out + o, v + skip, n);
    return o + n;
}

static int
es256_is_zero(const uint8_t v[ES256_INT_LEN])
{
    uint8_t acc = 0;

    for (size_t i = 0; i < ES256_INT_LEN; i++)
        acc |= v[i];
    return acc == 0;
}

int
es256_sig_to_der(const uint8_t raw[ES256_SIG_LEN], uint8_t der[ES256_DER_MAX])
{
    size_t n;

    if (es256_is_zero(raw) || es256_is_zero(raw + ES256_INT_LEN))
        return -1;
    n = es256_put_int(raw, der + 2);
    n += es256_put_int(raw + ES256_INT_LEN, der + 2 + n);
    der[0] = 0x30;
    der[1] = (uint8_t)n;
    return (int)n + 2;
}
