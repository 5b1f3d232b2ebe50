/* gba.c -- the KDF of TS 33.220 Annex B, NAF_Id (Annex H), Ks_NAF (B.3) and the B-TID (4.5.2). */
#include "auth/gba.h"

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "base/err.h"
#include "base/hex.h"
#include "base/json_strict.h"

#define GBA_S_MAX 1024
#define GBA_FC_NAF 0x01

/* TS 33.220 H.3: Ua security protocol for shared key TLS 1.3 (TS 33.222 5.4.0.2). */
static const uint8_t gba_ua_tls13[5] = {0x01, 0x00, 0x00, 0x00, 0x07};

int
gba_kdf(const uint8_t *key, size_t key_len, uint8_t fc, const uint8_t *const *params,
        const size_t *param_lens, size_t nparams, uint8_t out[GBA_KEY_LEN], char *err)
{
    uint8_t s[GBA_S_MAX];
    size_t n = 0;
    unsigned int out_len = 0;
    int rc = 0;

    s[n++] = fc;
    for (size_t i = 0; i < nparams; i++) {
        if (param_lens[i] > 0xffff || n + param_lens[i] + 2 > sizeof(s)) {
            rc = edge_err(err, "KDF parameter P%zu too long (%zu bytes)", i, param_lens[i]);
            goto done;
        }
        memcpy(s + n, params[i], param_lens[i]);
        n += param_lens[i];
        s[n++] = (uint8_t)(param_lens[i] >> 8);
        s[n++] = (uint8_t)(param_lens[i] & 0xff);
    }
    if (HMAC(EVP_sha256(), key, (int)key_len, s, n, out, &out_len) == NULL ||
        out_len != GBA_KEY_LEN)
        rc = edge_err(err, "HMAC-SHA-256 failed in the TS 33.220 KDF");
done:
    OPENSSL_cleanse(s, sizeof(s));
    return rc;
}

int
gba_naf_id(const char *fqdn, uint8_t out[GBA_NAF_ID_MAX], size_t *len, char *err)
{
    size_t flen = fqdn != NULL ? strlen(fqdn) : 0;

    if (flen == 0 || flen + sizeof(gba_ua_tls13) > GBA_NAF_ID_MAX)
        return edge_err(err, "FQDN '%s' is empty or too long for a NAF_Id / AF_ID",
                        fqdn != NULL ? fqdn : "");
    /* A byte string with its length, not a C string: no NUL wanted. */
    memcpy(out, fqdn, flen); // NOLINT(bugprone-not-null-terminated-result)
    memcpy(out + flen, gba_ua_tls13, sizeof(gba_ua_tls13));
    *len = flen + sizeof(gba_ua_tls13);
    return 0;
}

const char *
gba_ua_sec_prot_id(void)
{
    return "0100000007";
}

int
gba_ks_naf_derive(const uint8_t ks[GBA_KS_LEN], const uint8_t rand[GBA_RAND_LEN], const char *impi,
                  const char *naf_fqdn, uint8_t out[GBA_KEY_LEN], char *err)
{
    static const uint8_t gba_me[] = {'g', 'b', 'a', '-', 'm', 'e'};
    uint8_t naf_id[GBA_NAF_ID_MAX];
    size_t naf_len = 0, impi_len = impi != NULL ? strlen(impi) : 0;

    if (impi_len == 0 || impi_len >= GBA_IMPI_MAX)
        return edge_err(err, "IMPI empty or longer than %d bytes", GBA_IMPI_MAX - 1);
    if (gba_naf_id(naf_fqdn, naf_id, &naf_len, err) < 0)
        return -1;
    const uint8_t *p[4] = {gba_me, rand, (const uint8_t *)impi, naf_id};
    size_t l[4] = {sizeof(gba_me), GBA_RAND_LEN, impi_len, naf_len};
    return gba_kdf(ks, GBA_KS_LEN, GBA_FC_NAF, p, l, 4, out, err);
}

int
gba_btid_make(const uint8_t rand[GBA_RAND_LEN], const char *bsf_domain, char *out, size_t len,
              char *err)
{
    char b64[32];
    char why[EDGE_ERR_LEN];

    if (js_valid_fqdn(bsf_domain, why) < 0)
        return edge_err(err, "BSF domain: %s", why);
    EVP_EncodeBlock((unsigned char *)b64, rand, GBA_RAND_LEN);
    int n = snprintf(out, len, "%s@%s", b64, bsf_domain);

    if (n < 0 || (size_t)n >= len || n >= GBA_BTID_MAX)
        return edge_err(err, "B-TID for %s longer than %d bytes", bsf_domain, GBA_BTID_MAX - 1);
    return 0;
}

int
gba_btid_check(const char *btid, const char **domain, char *err)
{
    uint8_t raw[32];
    char again[32], why[EDGE_ERR_LEN];
    const char *at = btid != NULL ? strchr(btid, '@') : NULL;
    size_t n = at != NULL ? (size_t)(at - btid) : 0;

    if (at == NULL || strlen(btid) >= GBA_BTID_MAX)
        return edge_err(err, "not a B-TID (expected base64(RAND)@BSF domain, at most %d bytes)",
                        GBA_BTID_MAX - 1);
    /* 16 bytes of RAND are 24 characters of padded base64; canonical means it re-encodes as
     * the same text (one B-TID per RAND). */
    if (n != 24 || EVP_DecodeBlock(raw, (const unsigned char *)btid, 24) != 18)
        return edge_err(err, "not a B-TID (the part before @ is not base64 of a 16-byte RAND)");
    EVP_EncodeBlock((unsigned char *)again, raw, GBA_RAND_LEN);
    OPENSSL_cleanse(raw, sizeof(raw));
    if (memcmp(again, btid, 24) != 0)
        return edge_err(err, "not a B-TID (the RAND part is not canonical base64)");
    if (js_valid_fqdn(at + 1, why) < 0)
        return edge_err(err, "not a B-TID (BSF domain: %s)", why);
    if (domain != NULL)
        *domain = at + 1;
    return 0;
}

int
gba_hex_exact(const char *hex, uint8_t *out, size_t n, const char *what, char *err)
{
    if (hex == NULL || strlen(hex) != 2 * n)
        return edge_err(err, "%s must be %zu hex digits", what, 2 * n);
    for (size_t i = 0; i < n; i++) {
        int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return edge_err(err, "%s: not a hex digit at position %zu", what, 2 * i);
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}

int
gba_check_hex(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    uint8_t b[GBA_KS_LEN];
    int rc;

    (void)ctx;
    if (f->max <= 0 || f->max > GBA_KS_LEN)
        return edge_err(why, "internal: %s: no byte count for the hex check", f->name);
    rc = gba_hex_exact(json_string_value(v), b, (size_t)f->max, f->name, why);
    OPENSSL_cleanse(b, sizeof(b));
    return rc;
}

int
gba_check_btid(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    (void)f, (void)ctx;
    return gba_btid_check(json_string_value(v), NULL, why);
}
