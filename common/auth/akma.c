/* akma.c -- derives K_AF from K_AKMA for an AF's FQDN (TS 33.535 A.4, TS 33.220 B.2.2). */
#include "base/hex.h"
#include "auth/akma.h"
#include "base/err.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdlib.h>
#include <string.h>

#define AKMA_FC_KAF 0x82
#define AKMA_S_MAX 1024

/* TS 33.220 H.3: Ua security protocol for shared key TLS 1.3 (TS 33.222 5.4.0.2). */
static const uint8_t ua_star_tls13[5] = {0x01, 0x00, 0x00, 0x00, 0x07};

int
akma_kdf(const uint8_t *key, size_t key_len, uint8_t fc, const uint8_t *const *params,
         const size_t *param_lens, size_t nparams, uint8_t out[AKMA_KEY_LEN], char *err)
{
    uint8_t s[AKMA_S_MAX];
    size_t n = 0;
    unsigned int out_len = 0;

    s[n++] = fc;
    for (size_t i = 0; i < nparams; i++) {
        if (param_lens[i] > 0xffff || n + param_lens[i] + 2 > sizeof(s))
            return edge_err(err, "KDF parameter P%zu too long (%zu bytes)", i, param_lens[i]);
        memcpy(s + n, params[i], param_lens[i]);
        n += param_lens[i];
        s[n++] = (uint8_t)(param_lens[i] >> 8);
        s[n++] = (uint8_t)(param_lens[i] & 0xff);
    }
    if (HMAC(EVP_sha256(), key, (int)key_len, s, n, out, &out_len) == NULL ||
        out_len != AKMA_KEY_LEN) {
        OPENSSL_cleanse(s, sizeof(s));
        return edge_err(err, "HMAC-SHA-256 failed in the AKMA KDF");
    }
    OPENSSL_cleanse(s, sizeof(s));
    return 0;
}

int
akma_kaf_derive(const uint8_t kakma[AKMA_KEY_LEN], const char *af_fqdn, uint8_t kaf[AKMA_KEY_LEN],
                char *err)
{
    uint8_t af_id[300];
    size_t flen = strlen(af_fqdn);

    if (flen == 0 || flen + sizeof(ua_star_tls13) > sizeof(af_id))
        return edge_err(err, "AF FQDN '%s' is empty or too long for AF_ID", af_fqdn);
    /* af_id is a byte string with its length, not a C string: no NUL wanted. */
    memcpy(af_id, af_fqdn, flen); // NOLINT(bugprone-not-null-terminated-result)
    memcpy(af_id + flen, ua_star_tls13, sizeof(ua_star_tls13));

    const uint8_t *p[1] = {af_id};
    size_t l[1] = {flen + sizeof(ua_star_tls13)};
    return akma_kdf(kakma, AKMA_KEY_LEN, AKMA_FC_KAF, p, l, 1, kaf, err);
}

int
akma_key_from_hex(const char *hex, uint8_t key[AKMA_KEY_LEN], char *err)
{
    if (strlen(hex) != 2 * (size_t)AKMA_KEY_LEN)
        return edge_err(err, "K_AKMA must be %d hex digits, got %zu", 2 * AKMA_KEY_LEN,
                        strlen(hex));
    for (size_t i = 0; i < AKMA_KEY_LEN; i++) {
        int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return edge_err(err, "K_AKMA: not a hex digit at position %zu", 2 * i);
        key[i] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}
