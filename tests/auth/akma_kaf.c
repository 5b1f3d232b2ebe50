/* akma_kaf.c -- prints K_AF (hex) for a K_AKMA (hex) and an AF FQDN; the test
 * compares it with an HMAC computed by the openssl command over S built by hand. */
#include "auth/akma.h"
#include "base/err.h"

#include <stdio.h>

int
main(int argc, char **argv)
{
    uint8_t kakma[AKMA_KEY_LEN], kaf[AKMA_KEY_LEN];
    char err[EDGE_ERR_LEN];

    if (argc != 3) {
        fprintf(stderr, "usage: akma_kaf KAKMA_HEX AF_FQDN\n");
        return 2;
    }
    if (akma_key_from_hex(argv[1], kakma, err) < 0 ||
        akma_kaf_derive(kakma, argv[2], kaf, err) < 0) {
        fprintf(stderr, "akma_kaf: %s\n", err);
        return 1;
    }
    for (int i = 0; i < AKMA_KEY_LEN; i++)
        printf("%02x", kaf[i]);
    printf("\n");
    return 0;
}
