/* akma.h -- AKMA key derivation for the TLS 1.3 PSK mode (TS 33.535 Annex A).
 *
 * In AKMA mode an EEC and its ECS/EES do what an AKMA UE and AF do: the EEC holds K_AKMA and
 * derives K_AF for the server's FQDN; the server (the AF) gets the same K_AF from the AAnF
 * (edge-aanf, Naanf_AKMA_ApplicationKey_Get of TS 29.535), which holds K_AKMA. The TLS 1.3
 * external PSK is K_AF and its identity is the A-KID. Neither end configures K_AF. */
#ifndef EDGE_AKMA_H
#define EDGE_AKMA_H

#include <stddef.h>
#include <stdint.h>

#define AKMA_KEY_LEN 32

/* TS 33.535 A.4: K_AF = KDF(K_AKMA, FC 0x82, AF_ID), where
 * AF_ID = FQDN of the AF || Ua* security protocol identifier; for shared-key
 * TLS 1.3 that identifier is 0x01 0x00 0x00 0x00 0x07 (TS 33.220 H.3); the KDF is TS 33.220 B.2.2
 * (gba.h). */
int akma_kaf_derive(const uint8_t kakma[AKMA_KEY_LEN], const char *af_fqdn,
                    uint8_t kaf[AKMA_KEY_LEN], char *err);

/* Parse 64 hex digits into a 32-byte key (config files carry K_AKMA in hex). */
int akma_key_from_hex(const char *hex, uint8_t key[AKMA_KEY_LEN], char *err);

#endif
