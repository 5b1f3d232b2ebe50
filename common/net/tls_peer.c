/* tls_peer.c -- who the peer is after the handshake, from its certificate SANs or its PSK identity.
 *
 * Only what the credential binds is reported (peer.h): a certificate's SAN dNSName (RFC 5280
 * 4.2.1.6) names an ECS/EES; an EEC certificate carries its EEC ID and GPSI as SAN URIs
 * urn:edgesim:eec:<id> and urn:edgesim:gpsi:<gpsi>; a PSK peer is its identity (the A-KID or
 * B-TID) with the EEC ID and GPSI its key server binds to it (TS 33.535 6.3, TS 33.220 4.5.3); an
 * EAS certificate also carries urn:edgesim:eas:<id> (TS 33.558 EDGE-3: the EES authenticates the
 * EAS by its certificate). A
 * certificate carrying two different EEC IDs or GPSIs is refused rather than guessed at. */
#include "net/tls_int.h"

#include <string.h>

#include <openssl/x509v3.h>

#include "base/err.h"

#define TLS_URN_EEC "urn:edgesim:eec:"
#define TLS_URN_GPSI "urn:edgesim:gpsi:"
#define TLS_URN_EAS "urn:edgesim:eas:"

/* Copy an IA5String SAN into dst; refuse embedded NULs (a classic SAN spoof) and overlong names. */
static int
tls_san_copy(const ASN1_IA5STRING *s, size_t skip, char *dst, size_t dstlen, const char *what,
             char *err)
{
    const unsigned char *p = ASN1_STRING_get0_data(s);
    int n = ASN1_STRING_length(s);

    if (n < 0 || (size_t)n < skip || memchr(p, '\0', (size_t)n) != NULL)
        return edge_err(err, "peer certificate: malformed %s", what);
    if ((size_t)n - skip == 0 || (size_t)n - skip >= dstlen)
        return edge_err(err, "peer certificate: %s empty or longer than %zu bytes", what,
                        dstlen - 1);
    if (dst[0] != '\0' && (strlen(dst) != (size_t)n - skip || memcmp(dst, p + skip, n - skip) != 0))
        return edge_err(err, "peer certificate: two different %ss", what);
    memcpy(dst, p + skip, (size_t)n - skip);
    dst[(size_t)n - skip] = '\0';
    return 0;
}

static int
tls_uri_has_prefix(const ASN1_IA5STRING *s, const char *prefix)
{
    size_t n = strlen(prefix);

    return ASN1_STRING_length(s) >= (int)n && memcmp(ASN1_STRING_get0_data(s), prefix, n) == 0;
}

static int
tls_peer_from_cert(X509 *cert, struct edge_peer *peer, char *err)
{
    GENERAL_NAMES *gens = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
    int i, rc = 0;

    for (i = 0; gens != NULL && i < sk_GENERAL_NAME_num(gens) && rc == 0; i++) {
        const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);

        if (g->type == GEN_DNS && peer->fqdn[0] == '\0')
            rc = tls_san_copy(g->d.dNSName, 0, peer->fqdn, sizeof(peer->fqdn), "dNSName", err);
        else if (g->type == GEN_URI &&
                 tls_uri_has_prefix(g->d.uniformResourceIdentifier, TLS_URN_EEC))
            rc = tls_san_copy(g->d.uniformResourceIdentifier, strlen(TLS_URN_EEC), peer->eec_id,
                              sizeof(peer->eec_id), "EEC ID URI", err);
        else if (g->type == GEN_URI &&
                 tls_uri_has_prefix(g->d.uniformResourceIdentifier, TLS_URN_GPSI))
            rc = tls_san_copy(g->d.uniformResourceIdentifier, strlen(TLS_URN_GPSI), peer->gpsi,
                              sizeof(peer->gpsi), "GPSI URI", err);
        else if (g->type == GEN_URI &&
                 tls_uri_has_prefix(g->d.uniformResourceIdentifier, TLS_URN_EAS))
            rc = tls_san_copy(g->d.uniformResourceIdentifier, strlen(TLS_URN_EAS), peer->eas_id,
                              sizeof(peer->eas_id), "EAS ID URI", err);
    }
    GENERAL_NAMES_free(gens);
    return rc;
}

int
tls_peer_get(SSL *ssl, struct edge_peer *peer, char *err)
{
    struct tls_conn *c = tls_conn_get(ssl);
    const char *matched;
    X509 *cert;
    long vr;

    memset(peer, 0, sizeof(*peer));
    if (c == NULL || !c->hs_done)
        return edge_err(err, "TLS handshake not completed");
    if (c->hs_failed)
        return edge_err(err, "TLS failed after the handshake: %s", c->failure);
    /* A PSK handshake is a "resumption" to OpenSSL; it proves possession of the key. */
    if (SSL_session_reused(ssl) && (c->psk_found || c->psk_offered)) {
        peer->mode = EDGE_PEER_PSK;
        snprintf(peer->psk_identity, sizeof(peer->psk_identity), "%s", c->psk_identity);
        if (c->ctx->server) {
            snprintf(peer->eec_id, sizeof(peer->eec_id), "%s", c->eec_id);
            snprintf(peer->gpsi, sizeof(peer->gpsi), "%s", c->gpsi);
        } else {
            /* K_AF is derived for the server's FQDN (TS 33.535 A.4): only that AF holds it. */
            snprintf(peer->fqdn, sizeof(peer->fqdn), "%s", c->peer_fqdn);
        }
        return 0;
    }
    if ((cert = SSL_get0_peer_certificate(ssl)) == NULL)
        return 0;
    if ((vr = SSL_get_verify_result(ssl)) != X509_V_OK)
        return edge_err(err, "peer certificate not verified: %s",
                        X509_verify_cert_error_string(vr));
    if (tls_peer_from_cert(cert, peer, err) < 0) {
        memset(peer, 0, sizeof(*peer));
        return -1;
    }
    /* Client side: report the name RFC 6125 matched, not merely the first SAN. */
    if (!c->ctx->server && (matched = SSL_get0_peername(ssl)) != NULL &&
        strlen(matched) < sizeof(peer->fqdn))
        snprintf(peer->fqdn, sizeof(peer->fqdn), "%s", matched);
    peer->mode = EDGE_PEER_CERT;
    return 0;
}

const char *
tls_peer_name(const struct edge_peer *peer)
{
    if (peer == NULL || peer->mode == EDGE_PEER_NONE)
        return NULL;
    if (peer->fqdn[0] != '\0')
        return peer->fqdn;
    if (peer->eec_id[0] != '\0')
        return peer->eec_id;
    if (peer->psk_identity[0] != '\0')
        return peer->psk_identity;
    return NULL;
}
