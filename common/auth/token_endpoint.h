/* token_endpoint.h -- the ECS's OAuth 2.0 token endpoint, without the HTTP
 * transport: client credentials grant (RFC 6749 4.4) from an S-EES that
 * authenticated with its TLS certificate (RFC 8705 2.1 tls_client_auth), for
 * the EDGE-9 token of TR 33.739 6.27; request and response after TS 29.510
 * AccessTokenReq / AccessTokenRsp / AccessTokenErr.
 *
 * The HTTP glue (POST /oauth2/token, application/x-www-form-urlencoded)
 * decodes the form into name/value pairs (repeats kept, so they can be
 * refused), calls token_endpoint_handle, and sends the result: status,
 * token_endpoint_headers, and the JSON body. When the target EES is
 * registered at another ECS the result says FORWARD with the form to send
 * there (TS 33.501 13.4.1.1.3, DESIGN "Multiple ECSes").
 *
 * Form parameters (application/x-www-form-urlencoded, each at most once;
 * unknown names are ignored as RFC 6749 3.2 requires):
 *   grant_type          required, "client_credentials"
 *   nfInstanceId        required (TS 29.510 AccessTokenReq): the S-EES's NF instance ID, a UUID
 *                       (base/uuid.h). From an S-EES registered here it must be the one the ECS
 *                       knows for it (policy nf_instance_ok, TS 33.501 13.4.1.1.2: the input
 *                       parameters match the consumer's profile); a forwarded request carries
 *                       it on, checked by the forwarding ECS
 *   scope               required, T-EES service names, space-separated
 *   client_id           optional; if sent, the client's certificate FQDN
 *   requesterFqdn       S-EES FQDN (TS 29.510 name). Optional from an S-EES
 *                       (must then equal its certificate FQDN); required on a
 *                       request forwarded by a peer ECS, where it names the
 *                       S-EES that the forwarding ECS authenticated
 *   targetNfInstanceId  T-EES's EES ID (TS 29.510 name)
 *   targetEesFqdn       T-EES FQDN (edgesim extension: EES IDs need not be
 *                       FQDNs); at least one of the two target parameters
 *   eec_id              optional EEC ID whose context is relocated; copied
 *                       into the token's eec_id claim. The ECS where the S-EES is
 *                       registered checks it first (policy serves_eec): it names an
 *                       EEC that ECS provisioned with that S-EES
 *
 * The token names the ECS that authenticated the S-EES (authn_ecs): this ECS, or on a
 * forwarded request the first ECS in Via, which must be a peer of this one as well
 * (the signing ECS trusts the ECS that authenticated the client, not only the last hop). */
#ifndef EDGE_TOKEN_ENDPOINT_H
#define EDGE_TOKEN_ENDPOINT_H

#include "base/err.h"
#include "auth/keyring.h"
#include "net/peer.h"
#include "auth/token_issue.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define TOKEN_ENDPOINT_MAX_PARAMS 64 /* as HTTP_FORM_MAX_PARAMS */
#define TOKEN_ENDPOINT_VALUE_MAX 1024

struct token_param {
    const char *name;  /* URL-decoded */
    const char *value; /* URL-decoded */
};

/* Where the registry says the target EES is. */
enum token_target {
    TOKEN_TARGET_UNKNOWN = 0, /* nowhere this ECS knows of */
    TOKEN_TARGET_LOCAL,       /* registered here: this ECS issues */
    TOKEN_TARGET_REMOTE,      /* registered at another ECS: forward (or redirect) */
    TOKEN_TARGET_PARTNER,     /* registered at a partner ECS, and this ECS signs for it
                               * (edge9Mode local-issue: the T-EES trusts this ECS's keys) */
};

enum token_authz {
    TOKEN_AUTHZ_OK = 0,
    TOKEN_AUTHZ_UNAUTHORIZED_CLIENT, /* this client may not get EDGE-9 tokens */
    TOKEN_AUTHZ_INVALID_SCOPE,       /* not for that T-EES with that scope */
};

/* The ECS's registry and policy; every callback is required. */
struct token_endpoint_policy {
    void *arg;
    /* 1 when fqdn (a certificate FQDN) is a peer ECS whose forwarded
     * requests this ECS accepts (TS 33.501 13.4.1.1.3: the local NRF trusts
     * the forwarding NRF). */
    int (*is_peer_ecs)(void *arg, const char *fqdn);
    /* 1 when fqdn is an EES registered here, i.e. a client of this ECS. */
    int (*is_client)(void *arg, const char *fqdn);
    /* 1 when fqdn, an EES registered at another ECS, may ask here directly for a token for an
     * EES registered here (the trust edge9Mode redirect needs). NULL: never. */
    int (*is_foreign_client)(void *arg, const char *fqdn);
    /* 1 when this ECS knows that client (an EES registered here) serves the EEC eec_id: it
     * provisioned that EEC with it, or authorized the move of that EEC's context to it. NULL:
     * eec_id is not checked. */
    int (*serves_eec)(void *arg, const char *client, const char *eec_id);
    /* 1 when the EES aud is authorized by token (TS 33.558 6.2: the ECS knows the method per
     * EES), 0 when by its local policy (no token is issued for it). NULL: always token. */
    int (*uses_token)(void *arg, const char *aud);
    /* Locate the T-EES named by target_id and/or target_fqdn (either may be
     * NULL). LOCAL, PARTNER: write its FQDN into aud. REMOTE: write the ECS to forward
     * to into ecs ("" lets the caller choose among its peers), and its FQDN into aud when
     * known ("" otherwise). */
    enum token_target (*locate)(void *arg, const char *target_id, const char *target_fqdn,
                                char aud[EDGE_FQDN_MAX], char ecs[EDGE_FQDN_MAX]);
    /* 1 when nf_instance_id is the NF instance ID this ECS knows for client (an EES registered
     * here, or a foreign client). NULL: only its form is checked. */
    int (*nf_instance_ok)(void *arg, const char *client, const char *nf_instance_id);
    /* May client get a token for aud with scope (eec_id may be NULL)? */
    enum token_authz (*authorize)(void *arg, const char *client, const char *aud, const char *scope,
                                  const char *eec_id);
};

struct token_endpoint {
    const struct keyring *keys;                 /* signs as this ECS */
    const struct token_endpoint_policy *policy; /* registry lookups */
    int64_t lifetime;                           /* seconds, from config */
    unsigned max_hops;                          /* ECS-to-ECS forwards allowed */
};

struct token_endpoint_req {
    const struct token_param *params;
    size_t nparams;
    const struct edge_peer *peer; /* the TLS client */
    unsigned hops;                /* ECS hops so far: 0 when sent by the S-EES */
    const char *authn_ecs;        /* forwarded: the ECS that authenticated the S-EES (the first
                                   * in Via); NULL: the peer itself, when it is a peer ECS */
    int64_t now;
};

enum token_decision {
    TOKEN_DECISION_ISSUED = 1, /* 200 + AccessTokenRsp */
    TOKEN_DECISION_FORWARD,    /* send forward_form to forward_to; relay its answer */
    TOKEN_DECISION_ERROR,      /* 400 + AccessTokenErr, or status + ProblemDetails (cause) */
};

struct token_endpoint_result {
    enum token_decision decision;
    int status;        /* 200 or 400 (0 for FORWARD) */
    const char *error; /* RFC 6749 5.2 code, or NULL */
    const char *cause; /* a refusal answered as ProblemDetails (status, cause, description):
                        * TOKEN_CAUSE_LOCAL_AUTHZ; NULL otherwise */
    char description[EDGE_ERR_LEN];
    json_t *body;                  /* AccessTokenRsp or AccessTokenErr (owned) */
    char client[EDGE_FQDN_MAX];    /* the S-EES, once known ("" before) */
    char aud[EDGE_FQDN_MAX];       /* the T-EES, once located */
    char authn_ecs[EDGE_FQDN_MAX]; /* the ECS that authenticated the S-EES, once known */
    int direct_foreign;            /* the S-EES is registered elsewhere and asked here itself */
    char forward_to[EDGE_FQDN_MAX];
    char *forward_form;         /* x-www-form-urlencoded body for the next ECS (owned) */
    struct token_issued issued; /* jti, exp, kid for the event log */
};

/* 403: the T-EES authorizes by its local policy (TS 33.558 6.2), so no token is issued for it;
 * the S-EES then calls it without one (edgesim's cause, README "edgesim extensions"). */
#define TOKEN_CAUSE_LOCAL_AUTHZ "EES_LOCAL_AUTHORIZATION"

/* Headers every token endpoint answer carries (RFC 6749 5.1, TS 29.510). */
struct token_header {
    const char *name, *value;
};
extern const struct token_header token_endpoint_headers[];
extern const size_t token_endpoint_nheaders;

/* Decide and, when the T-EES is registered here, issue. Always fills res
 * (free it with token_endpoint_result_clear); returns res->decision. */
enum token_decision token_endpoint_handle(const struct token_endpoint *ep,
                                          const struct token_endpoint_req *req,
                                          struct token_endpoint_result *res);
void token_endpoint_result_clear(struct token_endpoint_result *res);

#endif
