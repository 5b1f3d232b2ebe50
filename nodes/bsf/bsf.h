/* bsf.h -- edge-bsf, the GBA Bootstrapping Server Function (TS 33.220 4.2.1, 4.5.3): it holds the
 * outcome of each UE's bootstrapping (B-TID, Ks, RAND, IMPI, key lifetime, the user's GPSI) and
 * gives a NAF its Ks_NAF over Zn, in its service-based form Nbsp_GBA BootstrappingInfoRetrieval
 * (TS 33.220 Annex N, TS 29.309; keyapi.h), over mutual TLS.
 *
 * The bootstrapping itself (Ub, TS 33.220 4.5.2: the AKA run that makes Ks and the B-TID) is not
 * simulated: its outcome is the config's "bootstraps" table, bootstrapped when the BSF starts; the
 * B-TIDs name this BSF's FQDN as their domain, which is how a NAF finds it. */
#ifndef EDGE_BSF_H
#define EDGE_BSF_H

#include <stdint.h>

#include "auth/gba.h"
#include "node/node.h"
#include "node/node_keysrv.h"

struct bsf_boot {
    char btid[GBA_BTID_MAX];
    uint8_t ks[GBA_KS_LEN];
    uint8_t rand[GBA_RAND_LEN];
    char impi[GBA_IMPI_MAX];
    char gpsi[EDGE_GPSI_MAX];
    char eec_id[EDGE_ID_MAX];
    long long lifetime; /* seconds from the BSF's start */
};

struct bsf_config {
    json_t *boots;           /* bootstraps: the table (bsf_table.c) */
    struct keysrv_config ks; /* nafs: the NAF FQDNs it serves; keyLifetime: a session's default */
};

struct bsf {
    struct node node;
    struct bsf_config cfg;
    struct bsf_boot *boots;
    size_t nboots;
    long long started; /* the bootstrapping time of every session (seconds since the epoch) */
};

/* Every refusal of edge-bsf (enum keysrv_refusal): its status, cause and sentence. */
extern const struct node_refusal bsf_refusals[KEYSRV_R_COUNT];

/* bsf_table.c */
extern const struct js_field bsf_boot_fields[];
int bsf_table_load(struct bsf *b, char *err);
const struct bsf_boot *bsf_table_find(const struct bsf *b, const char *btid);
void bsf_table_free(struct bsf *b);

/* bsf_bootinfo.c: POST /nbsp-gba/v1/bootstrapping-info-retrieval. */
int bsf_bootinfo_setup(struct bsf *b, char *err);

#endif
