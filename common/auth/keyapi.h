/* keyapi.h -- the bodies of the two key-server APIs an AF/NAF asks for a TLS PSK, shared by the
 * servers (edge-aanf, edge-bsf) and the asking side (keyfetch.c), so both read one schema.
 *
 * AKMA: Naanf_AKMA_ApplicationKey_Get (TS 33.535 7.1.3, TS 29.535 4.2.2.3 and 5.1.4.3), POST
 * {apiRoot}/naanf-akma/v1/retrieve-applicationkey; field names from TS29535_Naanf_AKMA.yaml and
 * TS29522_AKMA.yaml (the 3GPP OpenAPI files, v1.1.0-alpha.4 / TS 29.535 V18.3.0):
 *   AkmaAfKeyRequest {aKId*, afId*, anonInd, suppFeat}
 *   AkmaAfKeyData    {kaf*, expiry* (DateTime), gpsi, supi, suppFeat}
 * afId is the AF's FQDN; the Ua* security protocol identifier of AF_ID (TS 33.535 A.4) is that of
 * shared-key TLS 1.3, the only one edgesim speaks (gba.h). kaf is K_AF in hex (the YAML says only
 * "string"; hex as TS 29.309 writes its key material).
 *
 * GBA: Zn (TS 33.220 4.5.3) is Diameter in TS 29.109; edgesim speaks its service-based form,
 * Nbsp_GBA BootstrappingInfoRetrieval (TS 33.220 Annex N, TS 29.309 6.1.4.2), POST
 * {apiRoot}/nbsp-gba/v1/bootstrapping-info-retrieval; field names from TS29309_Nbsp_GBA.yaml
 * (v1.1.0-alpha.2 / TS 29.309 V18.1.0):
 *   BootstrappingInfoRequest  {btId*, nafId* {nafFqdn*, uaSecProtId* (10 hex)}, gbaUAware, gsIds}
 *   BootstrappingInfoResponse {meKeyMaterial* (Ks_NAF, 64 hex), keyExpiryTime,
 *                              bootstrappingInfoCreationTime, impi, gbaType,
 *                              ussList [{uss {gsId, gsType, ueIds [{ueId}]}}]}
 * The user's GPSI travels as a ueId of the USS (TS 33.220 4.4.7: the USS holds the user's public
 * identities). Both APIs run over mutual TLS: the server knows its caller by certificate.
 *
 * edgesim extension: both answers may carry "eecId", the EEC ID the key server binds to the
 * A-KID / B-TID (3GPP binds none; edgesim's EECs are authenticated by their PSK in place of a
 * certificate's SAN URI, so the key server says which EEC holds it). */
#ifndef EDGE_KEYAPI_H
#define EDGE_KEYAPI_H

#include <jansson.h>
#include <stdint.h>

#include "auth/gba.h"
#include "base/json_strict.h"

#define KEYAPI_AKMA_PATH "/naanf-akma/v1/retrieve-applicationkey"
#define KEYAPI_GBA_PATH "/nbsp-gba/v1/bootstrapping-info-retrieval"

/* Causes of the key servers' refusals (ProblemDetails). TS 29.535 and TS 29.309 name no
 * application errors of their own: CONTEXT_NOT_FOUND is TS 29.500's; the others are edgesim's,
 * the GBA ones named after the Zn Diameter result codes of TS 29.109 6.2.2. */
#define KEYAPI_CONTEXT_NOT_FOUND "CONTEXT_NOT_FOUND"  /* 404: no AKMA context for the A-KID */
#define KEYAPI_CONTEXT_EXPIRED "AKMA_CONTEXT_EXPIRED" /* 404: its K_AKMA lifetime is over */
#define KEYAPI_AF_NOT_AUTHORIZED "AF_NOT_AUTHORIZED"  /* 403: an AF the AAnF does not serve */
#define KEYAPI_BTID_INVALID "TRANSACTION_IDENTIFIER_INVALID" /* 404: 5403, unknown B-TID */
#define KEYAPI_BTID_EXPIRED "BOOTSTRAPPING_EXPIRED" /* 404: the bootstrapping session ended */
#define KEYAPI_NAF_NOT_AUTHORIZED "NOT_AUTHORIZED"  /* 403: 5402, a NAF the BSF does not serve */

extern const struct js_field keyapi_akma_req_fields[];
extern const struct js_field keyapi_akma_resp_fields[];
extern const struct js_field keyapi_gba_req_fields[];
extern const struct js_field keyapi_gba_resp_fields[];

/* What a key server's 200 answer gives the AF/NAF. */
struct keyapi_key {
    uint8_t key[GBA_KEY_LEN];
    long long expiry; /* seconds since the epoch; 0 when the answer gives none */
    char gpsi[128];   /* "" if none */
    char eec_id[128]; /* "" if none */
};

/* Request bodies (new references; NULL when out of memory). */
json_t *keyapi_akma_req(const char *akid, const char *af_fqdn);
json_t *keyapi_gba_req(const char *btid, const char *naf_fqdn);
/* Answer bodies; gpsi, eec_id, impi may be NULL. */
json_t *keyapi_akma_resp(const uint8_t kaf[GBA_KEY_LEN], long long expiry, const char *gpsi,
                         const char *eec_id);
json_t *keyapi_gba_resp(const uint8_t ks_naf[GBA_KEY_LEN], long long expiry, long long created,
                        const char *impi, const char *gpsi, const char *eec_id);
/* Decode a 200 answer strictly (the tables above, the key's length, the GPSI's form); -1 with
 * err naming the field. out is wiped on failure. */
int keyapi_akma_resp_parse(json_t *body, struct keyapi_key *out, char *err);
int keyapi_gba_resp_parse(json_t *body, struct keyapi_key *out, char *err);

#endif
