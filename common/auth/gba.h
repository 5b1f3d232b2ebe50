/* gba.h -- the GBA key derivation of TS 33.220 Annex B and the NAF_Id of Annex H, shared by GBA
 * (Ks_NAF) and AKMA (K_AF, TS 33.535 A.4 reuses the same KDF and the same AF_ID form).
 *
 * In GBA mode an EEC and its ECS/EES do what a GBA UE and NAF do (TS 33.222 5.4.0.2, shared-key
 * TLS 1.3): after bootstrapping (TS 33.220 4.5.2) the UE holds Ks = CK || IK, RAND, its IMPI and
 * the B-TID = base64(RAND)@BSF domain; it derives Ks_NAF for the NAF it calls and offers the
 * B-TID as TLS 1.3 external PSK identity with Ks_NAF as the key. The NAF gets the same Ks_NAF from
 * the BSF (Zn, in its service-based form Nbsp_GBA of TS 29.309); neither end configures Ks_NAF. */
#ifndef EDGE_GBA_H
#define EDGE_GBA_H

#include <stddef.h>
#include <stdint.h>

#include "base/json_strict.h"

#define GBA_KEY_LEN 32  /* KDF output: Ks_NAF, K_AF */
#define GBA_KS_LEN 32   /* Ks = CK || IK (TS 33.220 4.5.2), 128 + 128 bits */
#define GBA_RAND_LEN 16 /* RAND of the AKA run (TS 33.102) */
#define GBA_NAF_ID_MAX 300
#define GBA_IMPI_MAX 128
#define GBA_BTID_MAX 128

/* TS 33.220 B.2.2: HMAC-SHA-256(key, FC || P0 || L0 || ... || Pn || Ln), each Li the two-octet
 * big-endian length of Pi (at most 65535, B.1). */
int gba_kdf(const uint8_t *key, size_t key_len, uint8_t fc, const uint8_t *const *params,
            const size_t *param_lens, size_t nparams, uint8_t out[GBA_KEY_LEN], char *err);

/* TS 33.220 Annex H / B.3: NAF_Id (and TS 33.535 A.4 AF_ID) = FQDN || Ua security protocol
 * identifier; for shared-key TLS 1.3 (TS 33.222 5.4.0.2) that is 0x01 0x00 0x00 0x00 0x07. The
 * only Ua protocol edgesim speaks, so every NAF_Id / AF_ID here carries it. out holds
 * GBA_NAF_ID_MAX bytes; *len is set (a byte string, not NUL-terminated). */
int gba_naf_id(const char *fqdn, uint8_t out[GBA_NAF_ID_MAX], size_t *len, char *err);
/* The Ua security protocol identifier as 10 hex digits ("0100000007"), the uaSecProtId of a
 * TS 29.309 NafId. */
const char *gba_ua_sec_prot_id(void);

/* TS 33.220 B.3: Ks_NAF = KDF(Ks, FC 0x01, "gba-me", RAND, IMPI, NAF_Id), NAF_Id for naf_fqdn as
 * gba_naf_id() builds it. impi is UTF-8 (B.2.1), at most GBA_IMPI_MAX - 1 bytes. */
int gba_ks_naf_derive(const uint8_t ks[GBA_KS_LEN], const uint8_t rand[GBA_RAND_LEN],
                      const char *impi, const char *naf_fqdn, uint8_t out[GBA_KEY_LEN], char *err);

/* TS 33.220 4.5.2: B-TID = base64(RAND)@BSF_servers_domain_name (RFC 4648 base64, padded). out
 * holds GBA_BTID_MAX bytes. */
int gba_btid_make(const uint8_t rand[GBA_RAND_LEN], const char *bsf_domain, char *out, size_t len,
                  char *err);
/* A B-TID as gba_btid_make() writes it: canonical base64 of 16 bytes, "@", a host name. Sets
 * *domain to the part after "@" (the BSF the NAF asks, TS 33.220 4.5.3) when domain is not NULL. */
int gba_btid_check(const char *btid, const char **domain, char *err);

/* Exactly n bytes from 2n hex digits (config values: Ks, RAND, keys). */
int gba_hex_exact(const char *hex, uint8_t *out, size_t n, const char *what, char *err);

/* js_field checks: a string of exactly f->max bytes in hex (at most GBA_KS_LEN); a B-TID. */
int gba_check_hex(json_t *v, const struct js_field *f, void *ctx, char *why);
int gba_check_btid(json_t *v, const struct js_field *f, void *ctx, char *why);

/* The js_field entries of a bootstrapping session's outcome (TS 33.220 4.5.2) in a config: the
 * UE's (an EEC's "gba") and the BSF's ("bootstraps" entries) are the same four values. */
#define GBA_SESSION_FIELDS                                                                         \
    {.name = "btid", .type = JS_STRING, .flags = JS_REQUIRED, .check = gba_check_btid},            \
        {.name = "ks",                                                                             \
         .type = JS_STRING,                                                                        \
         .flags = JS_REQUIRED,                                                                     \
         .check = gba_check_hex,                                                                   \
         .max = GBA_KS_LEN},                                                                       \
        {.name = "rand",                                                                           \
         .type = JS_STRING,                                                                        \
         .flags = JS_REQUIRED,                                                                     \
         .check = gba_check_hex,                                                                   \
         .max = GBA_RAND_LEN},                                                                     \
    {                                                                                              \
        .name = "impi", .type = JS_STRING, .flags = JS_REQUIRED | JS_NONEMPTY,                     \
        .max_len = GBA_IMPI_MAX - 1                                                                \
    }

#endif
