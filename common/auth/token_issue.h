/* token_issue.h -- the ECS issues the two access tokens of edgesim's token
 * profile: EEC -> EES (TS 33.558 6.2) and S-EES -> T-EES on EDGE-9
 * (TR 33.739 6.27). JWT (RFC 7519) in JWS compact form (RFC 7515), header
 * {"alg":"ES256","kid":...,"typ":"JWT"}, signed ES256 by the keyring's active
 * key (keyring_sign_es256: the key parsed once, no self-check per token; the
 * test suite checks every kind of token with libjwt, tests/token).
 *
 * iss is always the keyring's signer (the ECS FQDN), so no caller can sign a
 * token in another issuer's name. Lifetimes come from the caller (config);
 * the clock is a parameter so tests are deterministic. */
#ifndef EDGE_TOKEN_ISSUE_H
#define EDGE_TOKEN_ISSUE_H

#include "auth/keyring.h"
#include "net/peer.h"
#include "auth/token_validate.h"

#include <stdint.h>

#define TOKEN_JTI_LEN 22 /* 128 random bits in base64url */

struct token_issued {
    char *token; /* compact JWS; wiped by token_issued_clear */
    char jti[TOKEN_JTI_LEN + 1];
    char kid[KEYRING_KID_MAX + 1]; /* key that signed it */
    int64_t iat, exp;
};

/* Every token also carries authn_ecs (an edgesim claim, README "edgesim extensions"): the FQDN
 * of the ECS that authenticated the client by its TLS credential -- the signer itself, or the
 * ECS that forwarded the request or asked for the EEC's token (EDGE-10). */

/* EEC -> EES token, one per candidate EES (TS 33.558 6.2):
 * iss = authn_ecs = ECS FQDN, client_id = the peer's authenticated EEC ID,
 * sub = gpsi_sent when the EEC sent one (it must be the GPSI bound to the
 * peer's credential; an unauthenticated GPSI is refused, never copied),
 * scope = EES service names, aud = EES FQDN, iat = nbf = now,
 * exp = now + lifetime, jti = 128 random bits. */
int token_issue_eec(const struct keyring *kr, const struct edge_peer *peer, const char *gpsi_sent,
                    const char *aud, const char *scope, int64_t now, int64_t lifetime,
                    struct token_issued *out, char *err);
/* The same for an EEC that authn_ecs (NULL: the signer) authenticated, with the GPSI it
 * authenticated (or NULL): an EEC token signed for a partner ECS's EEC (EDGE-10,
 * TS 23.558 8.17.2.4). */
int token_issue_eec_for(const struct keyring *kr, const char *eec_id, const char *gpsi,
                        const char *authn_ecs, const char *aud, const char *scope, int64_t now,
                        int64_t lifetime, struct token_issued *out, char *err);

/* S-EES -> T-EES token for EDGE-9 (TR 33.739 6.27): iss = ECS FQDN,
 * aud = T-EES FQDN, client_id = sub = S-EES FQDN, authenticated by authn_ecs
 * (the ECS that received the request from the S-EES; NULL: the signer), eec_id when given,
 * scope, iat, exp, jti. */
int token_issue_ees(const struct keyring *kr, const char *sees_fqdn, const char *tees_fqdn,
                    const char *scope, const char *eec_id, const char *authn_ecs, int64_t now,
                    int64_t lifetime, struct token_issued *out, char *err);

void token_issued_clear(struct token_issued *t);

#endif
