/* pki.h -- a scenario's credentials: its CA, node and EEC certificates, and ECS token-signing keys.
 *
 * One CA per scenario (ECDSA P-256). ECS and EES certificates carry the node
 * FQDN as SAN dNSName and are TLS servers and clients; an EEC certificate
 * carries its EEC ID and GPSI as SAN URIs (peer.h). An ECS signs tokens with
 * ES256 keys named by a kid (TS 33.558 6.2). File names are fixed, so that a
 * runner, a node config and a person all find the same files in DIR:
 *   ca.crt, ca.key                        pki_make_ca()
 *   <fqdn>.crt, <fqdn>.key                pki_make_node()
 *   eec-<id>.crt, eec-<id>.key            pki_make_eec()
 *   <fqdn>.sig-<kid>.key, .sig-<kid>.pub  pki_make_signkey()
 * Keys are PKCS#8 PEM, unencrypted, mode 0600; certificates and public keys
 * PEM, mode 0644. Every file is written whole or not at all (a temporary file
 * linked or renamed into place), and an existing file is replaced only with
 * force. */
#ifndef EDGE_PKI_H
#define EDGE_PKI_H

#include <stddef.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#define PKI_CA_DAYS 3650
#define PKI_LEAF_DAYS 365
#define PKI_DAYS_MAX 36500
#define PKI_URIS_MAX 4

enum pki_file {
    PKI_CA_CRT,
    PKI_CA_KEY,
    PKI_NODE_CRT, /* name: FQDN */
    PKI_NODE_KEY,
    PKI_EEC_CRT, /* name: EEC ID */
    PKI_EEC_KEY,
    PKI_SIG_KEY, /* name: ECS FQDN, plus kid */
    PKI_SIG_PUB,
};

/* The role written into a node certificate's subject (OU); SANs and EKUs are
 * the same for both, since ECS and EES are TLS servers and clients. */
enum pki_kind {
    PKI_KIND_NODE = 0, /* no OU */
    PKI_KIND_ECS,
    PKI_KIND_EES,
};

/* What a certificate says about its subject. */
struct pki_cert_spec {
    const char *cn;                 /* subject CN (omitted if longer than 64 bytes), or NULL */
    const char *ou;                 /* subject OU, or NULL */
    int days;                       /* valid from now - 1 hour until now + days */
    int ca;                         /* CA:TRUE, keyCertSign + cRLSign; else digitalSignature */
    int server_auth, client_auth;   /* extendedKeyUsage (leaf only) */
    const char *dns;                /* SAN dNSName, or NULL */
    const char *uris[PKI_URIS_MAX]; /* SAN URIs; unused slots NULL */
};

/* The path of one file in dir into buf. kid only for PKI_SIG_*. */
int pki_path(char *buf, size_t len, const char *dir, enum pki_file which, const char *name,
             const char *kid, char *err);

/* A fresh ECDSA P-256 key pair. */
EVP_PKEY *pki_key_new(char *err);
/* A certificate for key, signed by issuer_key and named by issuer; issuer
 * NULL makes it self-signed with key. Serial: 128 random bits. */
X509 *pki_cert_new(const struct pki_cert_spec *spec, EVP_PKEY *key, X509 *issuer,
                   EVP_PKEY *issuer_key, char *err);

int pki_write_key(const char *path, EVP_PKEY *key, int force, char *err);    /* PKCS#8, 0600 */
int pki_write_pubkey(const char *path, EVP_PKEY *key, int force, char *err); /* SPKI, 0644 */
int pki_write_cert(const char *path, X509 *crt, int force, char *err);       /* 0644 */
/* Read PEM; an encrypted key is refused (never a passphrase prompt). */
EVP_PKEY *pki_load_key(const char *path, char *err);
EVP_PKEY *pki_load_pubkey(const char *path, char *err);
X509 *pki_load_cert(const char *path, char *err);

/* The steps of edge-pki. days 0: the default. dir is created (one level) if
 * missing. Inputs are checked (FQDN, EEC ID, GPSI, kid) before anything is
 * written, and with force 0 nothing is written if any target file exists. */
int pki_make_ca(const char *dir, const char *cn, int days, int force, char *err);
int pki_make_node(const char *dir, const char *fqdn, enum pki_kind kind, int days, int force,
                  char *err);
int pki_make_eec(const char *dir, const char *eec_id, const char *gpsi, int days, int force,
                 char *err);
/* A server and client certificate <fqdn>.crt/.key (as pki_make_node) that also binds an identity
 * by the SAN URI urn:edgesim:<what>:<id> (peer.h): an EAS (what "eas", its EAS ID), or an EEC's
 * notification endpoint (what "eec", its EEC ID). */
int pki_make_bound(const char *dir, const char *fqdn, const char *what, const char *id, int days,
                   int force, char *err);
int pki_make_signkey(const char *dir, const char *ecs_fqdn, const char *kid, int force, char *err);

#endif
