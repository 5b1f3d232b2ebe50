/* eec_population.h -- the UE population one edge-eec hosts besides its own identity: many UEs, each
 * with its own EEC ID, GPSI and credential (an X.509 certificate, or an AKMA A-KID and K_AKMA,
 * TS 33.535 6.1) and its own TLS sessions, acting together on one control command (provision,
 * register or relocate all of them, TS 23.558 8.3.3 / 8.4.2.2 / 8.8.2.3) with a concurrency or an
 * arrival rate; the result counts the outcomes and gives the latency percentiles.
 *
 * eec_population.c loads the UEs and makes one UE's TLS client for one exchange;
 * eec_pop_run.c drives an action over all of them and reports. */
#ifndef EDGE_EEC_POPULATION_H
#define EDGE_EEC_POPULATION_H

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "node/node.h"

struct eec;

#define EEC_POP_MAX 200000 /* UEs one edge-eec hosts */
#define EEC_POP_EES_MAX 64 /* EESes the population knows */

/* The EES token a UE's provisioning gave (eess: index into eec_pop.eess). */
struct eec_ue_token {
    unsigned short ees;
    char *jwt;
};

struct eec_ue {
    char *id;   /* its EEC ID (the certificate's, or the one the AAnF binds to its A-KID) */
    char *gpsi; /* its GPSI (ueId), or NULL */
    char *akid; /* psk: its A-KID */
    unsigned char kakma[32];
    X509 *cert; /* cert: its certificate and key */
    EVP_PKEY *key;
    struct eec_ue_token *tokens; /* of its last provisioning */
    size_t ntokens;
    int reg_ees;   /* index into eec_pop.eess of its registration, -1 none */
    char *reg_id;  /* its registration there */
    char *cntx_id; /* its EEC context there */
};

struct eec_pop_run;

struct eec_pop {
    struct eec_ue *ue;
    size_t n;
    int psk;                     /* AKMA PSK credentials (else certificates) */
    char *eess[EEC_POP_EES_MAX]; /* the EES FQDNs provisioning named, in order seen */
    size_t neess;
    struct eec_pop_run *running; /* the action in progress, or NULL (one at a time) */
};

/* Config "population" (eec_main.c): {"file": PATH, "credentials": "cert"|"psk"}; the file is a
 * JSON array of {"eecId", "gpsi", "akid", "kakma" (hex)} or {"eecId", "gpsi", "cert" (PEM),
 * "key" (PEM)}. */
/* Load the population the config names (NULL conf: none). -1 with err. */
int eec_pop_load(struct eec *e, const char *file, const char *credentials, char *err);
void eec_pop_free(struct eec_pop *p);
/* The index of EES fqdn in p->eess, added when new; -1 when the table is full. */
int eec_pop_ees(struct eec_pop *p, const char *fqdn);
/* The token UE u holds for EES ees, or NULL. */
const char *eec_pop_token(const struct eec_ue *u, int ees);

/* One UE's own TLS client for one exchange (its credential, the node's trust store). */
struct eec_ue_client {
    struct tls_ctx *tls;
    struct http_client *http;
};
int eec_ue_client_new(struct eec *e, struct eec_ue *u, struct eec_ue_client *c, char *err);
void eec_ue_client_free(struct eec_ue_client *c);

/* The control commands: population (what it holds) and population_run (an action over all). */
void eec_pop_info_cmd(struct ctl_req *req, json_t *args, void *arg);
void eec_pop_run_cmd(struct ctl_req *req, json_t *args, void *arg);

#endif
