/* token_endpoint.c -- client credentials grant at the ECS for EDGE-9 tokens (RFC 6749 4.4 and
 * 5.2, RFC 8705 2.1, TS 29.510 AccessTokenReq, TR 33.739 6.27, TS 33.501 13.4.1.1.3). */
#include "auth/token_endpoint.h"
#include "net/http_form.h"
#include "base/json_strict.h"
#include "base/uuid.h"

#include <openssl/crypto.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* RFC 6749 5.1 and TS 29.510 6.3.5.2.4: a token must not be cached. */
const struct token_header token_endpoint_headers[] = {
    {"Content-Type", "application/json"},
    {"Cache-Control", "no-store"},
    {"Pragma", "no-cache"},
};
const size_t token_endpoint_nheaders =
    sizeof(token_endpoint_headers) / sizeof(token_endpoint_headers[0]);

enum tep_param {
    TEP_GRANT_TYPE,
    TEP_SCOPE,
    TEP_CLIENT_ID,
    TEP_REQUESTER_FQDN,
    TEP_TARGET_ID,
    TEP_TARGET_FQDN,
    TEP_EEC_ID,
    TEP_NF_INSTANCE_ID,
    TEP_NPARAMS
};

static const char *const tep_names[TEP_NPARAMS] = {
    [TEP_GRANT_TYPE] = "grant_type",
    [TEP_SCOPE] = "scope",
    [TEP_CLIENT_ID] = "client_id",
    [TEP_REQUESTER_FQDN] = "requesterFqdn",
    [TEP_TARGET_ID] = "targetNfInstanceId",
    [TEP_TARGET_FQDN] = "targetEesFqdn",
    [TEP_EEC_ID] = "eec_id",
    [TEP_NF_INSTANCE_ID] = "nfInstanceId",
};

/* RFC 6749 5.2: error_description is %x20-21 / %x23-5B / %x5D-7E. */
static void
tep_sanitize(char *s)
{
    for (; *s != '\0'; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e || *s == '"' || *s == '\\')
            *s = '\'';
}

/* Every refusal goes through here: an AccessTokenErr (error, 400), our own failure (no error:
 * 500, TS 29.510 answers it with ProblemDetails), or another ProblemDetails (cause, status; TS
 * 29.510 6.3.5.2.4 allows them); the HTTP glue builds a ProblemDetails from status, cause and
 * description. invalid_client is answered with 400 as well: RFC 6749 5.2 allows 401 only to
 * announce an HTTP authentication scheme, and a 401 must carry WWW-Authenticate (RFC 9110
 * 15.5.2), which has no scheme for a TLS certificate. */
static enum token_decision
tep_refusal(struct token_endpoint_result *res, int status, const char *error, const char *cause,
            const char *fmt, va_list ap)
{
    // NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): the callers va_start it
    vsnprintf(res->description, sizeof(res->description), fmt, ap);
    tep_sanitize(res->description);
    json_decref(res->body);
    res->body = NULL;
    res->decision = TOKEN_DECISION_ERROR;
    res->error = error;
    res->cause = cause;
    res->status = status;
    if (error != NULL)
        res->body = json_pack("{s:s, s:s}", "error", error, "error_description", res->description);
    return res->decision;
}

__attribute__((format(printf, 3, 4))) static enum token_decision
tep_error(struct token_endpoint_result *res, const char *error, const char *fmt, ...)
{
    enum token_decision d;
    va_list ap;

    va_start(ap, fmt);
    d = tep_refusal(res, error != NULL ? 400 : 500, error, NULL, fmt, ap);
    va_end(ap);
    return d;
}

__attribute__((format(printf, 4, 5))) static enum token_decision
tep_problem(struct token_endpoint_result *res, int status, const char *cause, const char *fmt, ...)
{
    enum token_decision d;
    va_list ap;

    va_start(ap, fmt);
    d = tep_refusal(res, status, NULL, cause, fmt, ap);
    va_end(ap);
    return d;
}

/* The request as the next ECS must see it: the S-EES named by requesterFqdn,
 * since the next ECS sees this ECS's certificate, not the S-EES's. */
static char *
tep_forward_form(const char *const v[TEP_NPARAMS], const char *client)
{
    const char *val[TEP_NPARAMS];
    size_t size = 1;
    char *buf;
    int i;

    for (i = 0; i < TEP_NPARAMS; i++) {
        /* client_id would name the S-EES to an ECS whose TLS client is this one: left out. */
        val[i] = i == TEP_REQUESTER_FQDN ? client : i == TEP_CLIENT_ID ? NULL : v[i];
        size += http_form_append_len(tep_names[i], val[i]);
    }
    if ((buf = calloc(1, size)) == NULL)
        return NULL;
    for (i = 0; i < TEP_NPARAMS; i++)
        if (http_form_append(buf, size, tep_names[i], val[i]) < 0) {
            free(buf); /* cannot happen: size is what the appends take */
            return NULL;
        }
    return buf;
}

/* Collect the known parameters; any name twice is refused (RFC 6749 3.2:
 * parameters must not be included more than once). */
static enum token_decision
tep_collect(const struct token_endpoint_req *req, struct token_endpoint_result *res,
            const char *v[TEP_NPARAMS])
{
    if (req->nparams > TOKEN_ENDPOINT_MAX_PARAMS)
        return tep_error(res, "invalid_request", "more than %d parameters",
                         TOKEN_ENDPOINT_MAX_PARAMS);
    for (size_t i = 0; i < req->nparams; i++) {
        const struct token_param *p = &req->params[i];
        if (p->name == NULL || p->value == NULL || p->name[0] == '\0')
            return tep_error(res, "invalid_request", "parameter %zu has no name or value", i);
        if (strlen(p->value) > TOKEN_ENDPOINT_VALUE_MAX || strlen(p->name) > 64)
            return tep_error(res, "invalid_request", "parameter %.64s is too long", p->name);
        for (size_t j = 0; j < i; j++)
            if (strcmp(req->params[j].name, p->name) == 0)
                return tep_error(res, "invalid_request", "parameter %.64s is repeated", p->name);
        for (const unsigned char *c = (const unsigned char *)p->value; *c; c++)
            if (*c < 0x20 || *c == 0x7f)
                return tep_error(res, "invalid_request", "parameter %.64s has a control character",
                                 p->name);
        for (int k = 0; k < TEP_NPARAMS; k++)
            if (strcmp(p->name, tep_names[k]) == 0)
                v[k] = p->value;
    }
    return 0;
}

/* Who the token is for: the certificate's FQDN, or, on a request forwarded
 * by a trusted peer ECS, the S-EES that ECS authenticated. */
static enum token_decision
tep_client(const struct token_endpoint *ep, const struct token_endpoint_req *req,
           struct token_endpoint_result *res, const char *const v[TEP_NPARAMS], int *forwarded)
{
    const struct edge_peer *peer = req->peer;
    char why[EDGE_ERR_LEN];
    const char *client;

    /* RFC 8705 2.1 tls_client_auth: the certificate is the credential. */
    if (peer == NULL || !edge_peer_is_enabler(peer))
        return tep_error(res, "invalid_client",
                         "client not authenticated by a TLS certificate with an FQDN (of an ECS "
                         "or EES)");
    *forwarded = ep->policy->is_peer_ecs(ep->policy->arg, peer->fqdn);
    if (*forwarded) {
        const char *authn = req->authn_ecs != NULL ? req->authn_ecs : peer->fqdn;
        if (v[TEP_REQUESTER_FQDN] == NULL || js_valid_fqdn(v[TEP_REQUESTER_FQDN], why) < 0)
            return tep_error(res, "invalid_request",
                             "request forwarded by ECS %.64s names no requesterFqdn", peer->fqdn);
        /* TS 33.501 13.4.1.1.3 step 4: the local NRF trusts the forwarding NRF; edgesim's signing
         * ECS also trusts the ECS that authenticated the client, which the token names. */
        if (js_valid_fqdn(authn, why) < 0 || !ep->policy->is_peer_ecs(ep->policy->arg, authn))
            return tep_error(res, "invalid_client",
                             "the S-EES %.64s was authenticated by %.64s, which is not a peer ECS "
                             "of this ECS",
                             v[TEP_REQUESTER_FQDN], authn);
        snprintf(res->authn_ecs, sizeof(res->authn_ecs), "%s", authn);
        client = v[TEP_REQUESTER_FQDN];
    } else {
        client = peer->fqdn;
        if (v[TEP_REQUESTER_FQDN] != NULL && strcmp(v[TEP_REQUESTER_FQDN], client) != 0)
            return tep_error(res, "invalid_client",
                             "requesterFqdn %.64s is not the certificate's %.64s",
                             v[TEP_REQUESTER_FQDN], client);
    }
    /* RFC 8705 2 wants client_id on every mTLS request; TS 29.510's
     * AccessTokenReq has none, so it is optional, but must match. */
    if (v[TEP_CLIENT_ID] != NULL && strcmp(v[TEP_CLIENT_ID], client) != 0)
        return tep_error(res, "invalid_client", "client_id %.64s is not the authenticated %.64s",
                         v[TEP_CLIENT_ID], client);
    snprintf(res->client, sizeof(res->client), "%s", client);
    return 0;
}

static enum token_decision
tep_issue(const struct token_endpoint *ep, const struct token_endpoint_req *req,
          struct token_endpoint_result *res, const char *const v[TEP_NPARAMS])
{
    char err[EDGE_ERR_LEN];

    if (token_issue_ees(ep->keys, res->client, res->aud, v[TEP_SCOPE], v[TEP_EEC_ID],
                        res->authn_ecs[0] ? res->authn_ecs : NULL, req->now, ep->lifetime,
                        &res->issued, err) < 0)
        return tep_error(res, NULL, "cannot issue the token: %s", err);
    res->body = json_pack("{s:s, s:s, s:I, s:s}", "access_token", res->issued.token, "token_type",
                          "Bearer", "expires_in", (json_int_t)ep->lifetime, "scope", v[TEP_SCOPE]);
    if (res->body == NULL)
        return tep_error(res, NULL, "out of memory");
    snprintf(res->description, sizeof(res->description), "token %s for %.96s issued to %.96s",
             res->issued.jti, res->aud, res->client);
    res->decision = TOKEN_DECISION_ISSUED;
    res->status = 200;
    res->error = NULL;
    return res->decision;
}

/* The parameters every request needs, each checked by the rule of its kind (base/json_strict.h),
 * as configs and bodies are: a host name for the EES FQDNs, an identifier for the EES and EEC
 * IDs. */
static enum token_decision
tep_params(struct token_endpoint_result *res, const char *const v[TEP_NPARAMS])
{
    char why[EDGE_ERR_LEN];

    if (v[TEP_NF_INSTANCE_ID] == NULL)
        return tep_error(res, "invalid_request",
                         "nfInstanceId is missing (TS 29.510 AccessTokenReq)");
    if (uuid_valid(v[TEP_NF_INSTANCE_ID], why) < 0)
        return tep_error(res, "invalid_request", "nfInstanceId: %s", why);
    if (v[TEP_SCOPE] == NULL)
        return tep_error(res, "invalid_request", "scope is missing");
    if (!token_scope_ok(v[TEP_SCOPE]))
        return tep_error(res, "invalid_scope", "scope is not a list of service names");
    if (v[TEP_TARGET_ID] == NULL && v[TEP_TARGET_FQDN] == NULL)
        return tep_error(res, "invalid_request", "targetNfInstanceId or targetEesFqdn is missing");
    if (v[TEP_TARGET_ID] != NULL && js_valid_id(v[TEP_TARGET_ID], why) < 0)
        return tep_error(res, "invalid_request", "targetNfInstanceId: %s", why);
    if (v[TEP_TARGET_FQDN] != NULL && js_valid_fqdn(v[TEP_TARGET_FQDN], why) < 0)
        return tep_error(res, "invalid_request", "targetEesFqdn: %s", why);
    if (v[TEP_EEC_ID] != NULL && js_valid_id(v[TEP_EEC_ID], why) < 0)
        return tep_error(res, "invalid_request", "eec_id: %s", why);
    return 0;
}

/* The ECS where the S-EES is registered decides that it is a client and that it serves the EEC
 * it names; a forwarding ECS has done so already (TS 33.501 13.4.1.1.3 step 2). An EES
 * registered elsewhere that asks here itself (edge9Mode redirect) is accepted only as
 * configured, and its eec_id cannot be checked here: this ECS did not provision that EEC. */
static enum token_decision
tep_requester(const struct token_endpoint_policy *pol, struct token_endpoint_result *res,
              const char *const v[TEP_NPARAMS])
{
    /* TS 33.501 13.4.1.1.2: the NF instance ID is the client's, as its profile here says. */
    if ((pol->is_client(pol->arg, res->client) ||
         (pol->is_foreign_client != NULL && pol->is_foreign_client(pol->arg, res->client))) &&
        pol->nf_instance_ok != NULL &&
        !pol->nf_instance_ok(pol->arg, res->client, v[TEP_NF_INSTANCE_ID]))
        return tep_error(res, "invalid_client",
                         "nfInstanceId %.40s is not the NF instance ID of %.64s",
                         v[TEP_NF_INSTANCE_ID], res->client);
    if (pol->is_client(pol->arg, res->client)) {
        if (v[TEP_EEC_ID] != NULL && pol->serves_eec != NULL &&
            !pol->serves_eec(pol->arg, res->client, v[TEP_EEC_ID]))
            return tep_error(res, "invalid_request",
                             "eec_id %.64s names no EEC this ECS provisioned with %.64s",
                             v[TEP_EEC_ID], res->client);
        return 0;
    }
    if (pol->is_foreign_client != NULL && pol->is_foreign_client(pol->arg, res->client)) {
        res->direct_foreign = 1;
        return 0;
    }
    return tep_error(res, "unauthorized_client", "%.64s is not an EES registered here",
                     res->client);
}

/* Where the T-EES is, and whether this ECS may decide for it: LOCAL and PARTNER go on to
 * authorization (0), REMOTE ends in FORWARD, the rest in a refusal. */
static enum token_decision
tep_target(const struct token_endpoint *ep, const struct token_endpoint_req *req,
           struct token_endpoint_result *res, const char *const v[TEP_NPARAMS])
{
    const struct token_endpoint_policy *pol = ep->policy;
    char why[EDGE_ERR_LEN];
    enum token_target where;

    where = pol->locate(pol->arg, v[TEP_TARGET_ID], v[TEP_TARGET_FQDN], res->aud, res->forward_to);
    res->aud[EDGE_FQDN_MAX - 1] = res->forward_to[EDGE_FQDN_MAX - 1] = '\0';
    if (where == TOKEN_TARGET_REMOTE && res->direct_foreign)
        return tep_error(res, "invalid_request",
                         "%.64s may ask here only for EESes registered here", res->client);
    if (where != TOKEN_TARGET_UNKNOWN && res->aud[0] != '\0' && pol->uses_token != NULL &&
        !pol->uses_token(pol->arg, res->aud))
        return tep_problem(res, 403, TOKEN_CAUSE_LOCAL_AUTHZ,
                           "%.64s authorizes its callers by local policy (TS 33.558 6.2): no token "
                           "is issued for it; call it without one",
                           res->aud);
    if (where == TOKEN_TARGET_REMOTE) {
        res->aud[0] = '\0';
        if (req->hops >= ep->max_hops)
            return tep_error(res, "invalid_request", "target EES is %u ECS hops away or more",
                             req->hops + 1);
        if ((res->forward_form = tep_forward_form(v, res->client)) == NULL)
            return tep_error(res, NULL, "out of memory");
        snprintf(res->description, sizeof(res->description),
                 "target EES not registered here: forward to %.96s",
                 res->forward_to[0] ? res->forward_to : "a peer ECS");
        res->decision = TOKEN_DECISION_FORWARD;
        return res->decision;
    }
    if ((where != TOKEN_TARGET_LOCAL && where != TOKEN_TARGET_PARTNER) ||
        js_valid_fqdn(res->aud, why) < 0)
        return tep_error(res, "invalid_request", "target EES %.64s is not known",
                         v[TEP_TARGET_FQDN] ? v[TEP_TARGET_FQDN] : v[TEP_TARGET_ID]);
    return 0;
}

enum token_decision
token_endpoint_handle(const struct token_endpoint *ep, const struct token_endpoint_req *req,
                      struct token_endpoint_result *res)
{
    const struct token_endpoint_policy *pol = ep->policy;
    const char *v[TEP_NPARAMS] = {0};
    enum token_authz authz;
    int forwarded = 0;

    memset(res, 0, sizeof(*res));
    if (pol == NULL || pol->is_peer_ecs == NULL || pol->is_client == NULL || pol->locate == NULL ||
        pol->authorize == NULL || ep->keys == NULL)
        return tep_error(res, NULL, "token endpoint has no policy or keys");
    if (tep_collect(req, res, v) != 0)
        return res->decision;
    if (v[TEP_GRANT_TYPE] == NULL)
        return tep_error(res, "invalid_request", "grant_type is missing");
    if (strcmp(v[TEP_GRANT_TYPE], "client_credentials") != 0)
        return tep_error(res, "unsupported_grant_type", "grant_type %.64s is not supported",
                         v[TEP_GRANT_TYPE]);
    if (tep_client(ep, req, res, v, &forwarded) != 0 || tep_params(res, v) != 0 ||
        (!forwarded && tep_requester(pol, res, v) != 0) || tep_target(ep, req, res, v) != 0)
        return res->decision;
    /* The ECS that decides authorizes (TS 33.501 13.4.1.1.3 step 4). */
    authz = pol->authorize(pol->arg, res->client, res->aud, v[TEP_SCOPE], v[TEP_EEC_ID]);
    if (authz == TOKEN_AUTHZ_UNAUTHORIZED_CLIENT)
        return tep_error(res, "unauthorized_client", "%.64s may not call %.64s", res->client,
                         res->aud);
    if (authz != TOKEN_AUTHZ_OK)
        return tep_error(res, "invalid_scope", "scope %.80s is not granted to %.64s at %.64s",
                         v[TEP_SCOPE], res->client, res->aud);
    return tep_issue(ep, req, res, v);
}

void
token_endpoint_result_clear(struct token_endpoint_result *res)
{
    /* The body holds a copy of the bearer token: wipe it before jansson frees it. */
    const char *at = json_string_value(json_object_get(res->body, "access_token"));

    if (at != NULL)
        OPENSSL_cleanse((char *)at, strlen(at));
    json_decref(res->body);
    free(res->forward_form);
    token_issued_clear(&res->issued);
    memset(res, 0, sizeof(*res));
}
