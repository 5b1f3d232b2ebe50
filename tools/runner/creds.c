/* creds.c -- makes a run's credentials: tools/pki/pki.h for X.509 and signing keys, the seed for
 * K_AKMA and the GBA bootstrapping outcome (Ks, RAND; the IMPI and B-TID follow).
 *
 * Certificates follow DESIGN.md: SAN dNSName = node FQDN; an EEC certificate
 * carries urn:edgesim:eec:<id> and, when the scenario binds one, the GPSI as
 * urn:edgesim:gpsi:<gpsi> (common/net/peer.h). K_AKMA stands for what AKMA would
 * have derived after primary authentication (TS 33.535 6.1), Ks and RAND for what GBA
 * bootstrapping would have made (TS 33.220 4.5.2): the runner draws them from the seed, so a
 * run with the same seed repeats its keys. */
#include "creds.h"

#include "auth/gba.h"
#include "base/err.h"
#include "pki.h"
#include "population.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <string.h>

/* A key drawn from the seed: HMAC-SHA-256(label, seed || EEC ID), its first n bytes in hex. */
void
creds_seeded_id(struct run *r, const char *id, const char *label, char *hex, unsigned nbytes)
{
    unsigned char msg[4 + 256], md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    size_t idlen = strlen(id);

    msg[0] = (unsigned char)(r->seed >> 24);
    msg[1] = (unsigned char)(r->seed >> 16);
    msg[2] = (unsigned char)(r->seed >> 8);
    msg[3] = (unsigned char)r->seed;
    if (idlen > 256)
        idlen = 256;
    memcpy(msg + 4, id, idlen); // NOLINT(bugprone-not-null-terminated-result): bytes, not a string
    HMAC(EVP_sha256(), label, (int)strlen(label), msg, 4 + idlen, md, &mdlen);
    for (unsigned i = 0; i < nbytes && i < mdlen; i++)
        snprintf(hex + 2 * (size_t)i, 3, "%02x", md[i]);
}

static void
creds_seeded(struct run *r, struct run_node *n, const char *label, char *hex, unsigned nbytes)
{
    creds_seeded_id(r, n->sn->id, label, hex, nbytes);
}

/* The BSF the EECs bootstrapped with: the first of the topology ("bsf.edge.test" without one). */
static const char *
creds_bsf(struct run *r)
{
    for (size_t i = 0; i < r->nnodes; i++)
        if (r->nodes[i].sn->kind == SCN_BSF)
            return r->nodes[i].sn->id;
    return "bsf.edge.test";
}

/* Every EEC is a subscriber with an AKMA context (A-KID, K_AKMA: TS 33.535 6.1) and a GBA
 * bootstrapping session (Ks, RAND, IMPI, B-TID: TS 33.220 4.5.2); its credentials say which, if
 * either, it uses for TLS. */
static int
creds_subscriber(struct run *r, struct run_node *n, int eecs, char *err)
{
    unsigned char rand[GBA_RAND_LEN];

    snprintf(n->akid, sizeof(n->akid), "%s", scn_conf_str(n->sn, "akid", ""));
    if (n->akid[0] == '\0')
        snprintf(n->akid, sizeof(n->akid), "atid-%04d@rid1.akma.edge.test", eecs);
    creds_seeded(r, n, "edgesim K_AKMA seed", n->kakma, 32);
    creds_seeded(r, n, "edgesim GBA Ks seed", n->ks, GBA_KS_LEN);
    creds_seeded(r, n, "edgesim GBA RAND seed", n->rand, GBA_RAND_LEN);
    snprintf(n->impi, sizeof(n->impi), "%s@ims.edge.test", n->sn->id);
    if (gba_hex_exact(n->rand, rand, sizeof(rand), "RAND", err) == -1 ||
        gba_btid_make(rand, creds_bsf(r), n->btid, sizeof(n->btid), err) == -1)
        return -1;
    return 0;
}

int
creds_make(struct run *r, char *err)
{
    int eecs = 0;

    if (pki_make_ca(r->pkidir, "edgesim scenario CA", 0, 1, err) == -1)
        return -1;
    for (size_t i = 0; i < r->nnodes; i++) {
        struct run_node *n = &r->nodes[i];
        struct scn_node *sn = n->sn;

        if (sn->kind != SCN_EEC && sn->kind != SCN_EAS) {
            enum pki_kind k = sn->kind == SCN_ECS   ? PKI_KIND_ECS
                              : sn->kind == SCN_EES ? PKI_KIND_EES
                                                    : PKI_KIND_NODE;
            if (pki_make_node(r->pkidir, sn->id, k, 0, 1, err) == -1)
                return -1;
        }
        /* An EAS: its FQDN and its EAS ID (TS 33.558 EDGE-3: the EES authenticates it). */
        if (sn->kind == SCN_EAS && pki_make_bound(r->pkidir, sn->id, "eas",
                                                  scn_conf_str(sn, "easId", ""), 0, 1, err) == -1)
            return -1;
        if (sn->kind == SCN_ECS) {
            json_t *kids = json_object_get(sn->conf, "kids"), *k;
            size_t j;
            if (kids == NULL && pki_make_signkey(r->pkidir, sn->id, "k1", 1, err) == -1)
                return -1;
            json_array_foreach(kids, j, k)
            {
                if (pki_make_signkey(r->pkidir, sn->id, json_string_value(k), 1, err) == -1)
                    return -1;
            }
        }
        if (sn->kind == SCN_EEC) {
            json_t *b = json_object_get(sn->conf, "boundGpsi");
            const char *bound = b != NULL ? json_string_value(b) : scn_conf_str(sn, "gpsi", NULL);
            if (creds_subscriber(r, n, ++eecs, err) == -1)
                return -1;
            /* Its notification endpoint's certificate: its host and its EEC ID (notify.h). */
            if (pki_make_bound(r->pkidir, n->host, "eec", sn->id, 0, 1, err) == -1)
                return -1;
            if (strcmp(scn_conf_str(sn, "credentials", "cert"), "cert") != 0)
                continue; /* psk, gba, or none (the server certificate only) */
            if (pki_make_eec(r->pkidir, sn->id, bound, 0, 1, err) == -1)
                return -1;
        }
    }
    return pop_make(r, err);
}
