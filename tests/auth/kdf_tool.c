/* kdf_tool.c -- prints what common/auth derives, for tests/auth/kdf_test.py to check against
 * Python's hmac over S built by hand from the specs:
 *   kdf_tool kaf KAKMA_HEX AF_FQDN            K_AF (TS 33.535 A.4)
 *   kdf_tool ksnaf KS_HEX RAND_HEX IMPI FQDN  Ks_NAF (TS 33.220 B.3)
 *   kdf_tool btid RAND_HEX BSF_DOMAIN         B-TID (TS 33.220 4.5.2), then its check
 *   kdf_tool btidcheck BTID                   "ok DOMAIN", or the refusal (exit 1) */
#include "auth/akma.h"
#include "auth/gba.h"
#include "base/err.h"

#include <stdio.h>
#include <string.h>

static void
print_hex(const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        printf("%02x", b[i]);
    printf("\n");
}

static int
run(int argc, char **argv, char *err)
{
    uint8_t key[GBA_KS_LEN], rand[GBA_RAND_LEN], out[GBA_KEY_LEN];
    char btid[GBA_BTID_MAX];
    const char *domain = NULL;

    if (argc == 4 && strcmp(argv[1], "kaf") == 0) {
        if (akma_key_from_hex(argv[2], key, err) < 0 || akma_kaf_derive(key, argv[3], out, err) < 0)
            return -1;
        print_hex(out, sizeof(out));
        return 0;
    }
    if (argc == 6 && strcmp(argv[1], "ksnaf") == 0) {
        if (gba_hex_exact(argv[2], key, GBA_KS_LEN, "Ks", err) < 0 ||
            gba_hex_exact(argv[3], rand, GBA_RAND_LEN, "RAND", err) < 0 ||
            gba_ks_naf_derive(key, rand, argv[4], argv[5], out, err) < 0)
            return -1;
        print_hex(out, sizeof(out));
        return 0;
    }
    if (argc == 4 && strcmp(argv[1], "btid") == 0) {
        if (gba_hex_exact(argv[2], rand, GBA_RAND_LEN, "RAND", err) < 0 ||
            gba_btid_make(rand, argv[3], btid, sizeof(btid), err) < 0 ||
            gba_btid_check(btid, &domain, err) < 0)
            return -1;
        printf("%s\n", btid);
        return 0;
    }
    if (argc == 3 && strcmp(argv[1], "btidcheck") == 0) {
        if (gba_btid_check(argv[2], &domain, err) < 0)
            return -1;
        printf("ok %s\n", domain);
        return 0;
    }
    return edge_err(err, "usage: kdf_tool kaf|ksnaf|btid|btidcheck ARGS (see the file's top)");
}

int
main(int argc, char **argv)
{
    char err[EDGE_ERR_LEN];

    if (run(argc, argv, err) < 0) {
        fprintf(stderr, "kdf_tool: %s\n", err);
        return 1;
    }
    return 0;
}
