/* creds.c -- makes a run's credentials: tools/pki/pki.h for X.509 and signing keys, the seed for
 * K_AKMA.
 *
 * Certificates follow DESIGN.md: SAN dNSName = node FQDN; an EEC certificate
 * carries urn:edgesim:eec:<id> and, when the scenario binds one, the GPSI as
 * urn:edgesim:gpsi:<gpsi> (common/net/peer.h). K_AKMA stands for what AKMA would
 * have derived after primary authentication (TS 33.535 6.1): the runner
 * draws it from the seed, so a run with the same seed repeats its keys. */
#include "creds.h"

#include "base/err.h"
#include "pki.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <string.h>

/* K_AKMA = HMAC-SHA-256("edgesim K_AKMA seed", seed || EEC ID). */
static void
creds_kakma(struct run *r, struct run_node *n)
{
    unsigned char msg[4 + 256], md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    size_t idlen = strlen(n->sn->id);
    static const char key[] = "edgesim K_AKMA seed";

    msg[0] = (unsigned char)(r->seed >> 24);
    msg[1] = (unsigned char)(r->seed >> 16);
    msg[2] = (unsigned char)(r->seed >> 8);
    msg[3] = (unsigned char)r->seed;
    if (idlen > 256)
        idlen = 256;
    memcpy(msg + 4, n->sn->id, idlen);
    HMAC(EVP_sha256(), key, (int)strlen(key), msg, 4 + idlen, md, &mdlen);
    for (unsigned i = 0; i < 32; i++)
        snprintf(n->kakma + 2 * (size_t)i, 3, "%02x", md[i]);
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

        if (sn->kind == SCN_ECS || sn->kind == SCN_EES) {
            if (pki_make_node(r->pkidir, sn->id, sn->kind == SCN_ECS ? PKI_KIND_ECS : PKI_KIND_EES,
                              0, 1, err) == -1)
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
            eecs++;
            /* Every EEC is a subscriber with an A-KID and K_AKMA (the AAnF
             * knows its GPSI); only a psk one uses them for TLS. */
            snprintf(n->akid, sizeof(n->akid), "%s", scn_conf_str(sn, "akid", ""));
            if (n->akid[0] == '\0')
                snprintf(n->akid, sizeof(n->akid), "atid-%04d@rid1.akma.edge.test", eecs);
            creds_kakma(r, n);
            /* Its notification endpoint's certificate: its host and its EEC ID (notify.h). */
            if (pki_make_bound(r->pkidir, n->host, "eec", sn->id, 0, 1, err) == -1)
                return -1;
            if (strcmp(scn_conf_str(sn, "credentials", "cert"), "psk") == 0)
                continue;
            if (pki_make_eec(r->pkidir, sn->id, bound, 0, 1, err) == -1)
                return -1;
        }
    }
    return 0;
}
