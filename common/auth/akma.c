/* akma.c -- derives K_AF from K_AKMA for an AF's FQDN (TS 33.535 A.4, TS 33.220 B.2.2). */
#include "auth/akma.h"

#include "auth/gba.h"
#include "base/err.h"

#define AKMA_FC_KAF 0x82

int
akma_kaf_derive(const uint8_t kakma[AKMA_KEY_LEN], const char *af_fqdn, uint8_t kaf[AKMA_KEY_LEN],
                char *err)
{
    uint8_t af_id[GBA_NAF_ID_MAX];
    size_t len = 0;

    /* TS 33.535 A.4: AF_ID = FQDN of the AF || Ua* security protocol identifier, the same form
     * as a GBA NAF_Id (TS 33.220 Annex H). */
    if (gba_naf_id(af_fqdn, af_id, &len, err) < 0)
        return -1;
    const uint8_t *p[1] = {af_id};
    size_t l[1] = {len};
    return gba_kdf(kakma, AKMA_KEY_LEN, AKMA_FC_KAF, p, l, 1, kaf, err);
}

int
akma_key_from_hex(const char *hex, uint8_t key[AKMA_KEY_LEN], char *err)
{
    return gba_hex_exact(hex, key, AKMA_KEY_LEN, "K_AKMA", err);
}
