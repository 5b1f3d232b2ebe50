/* fuzz_endpoint.c -- fuzz target of token_endpoint_handle(), the ECS's OAuth 2.0 token endpoint
 * (RFC 6749 4.4, RFC 8705 2.1, TR 33.739 6.27), on random parameter lists.
 *
 * An input is six control characters then a form body. The control characters choose the TLS
 * peer and the answers of stub policy callbacks (this target is about the endpoint's parsing of
 * its input, not about the ECS's policy); the body is decoded with http_form_parse(), or, after
 * a '!', split raw (no decoding, no parameter cap, a pair without '=' has a NULL value). The
 * oracle: no crash; a decision that matches an independent reading of token_endpoint.h given the
 * same stub answers; an RFC 6749 5.2 error code with status 400 (never 500 on client input); a
 * printable description; an issued token that the T-EES accepts for exactly that client, scope
 * and eec_id; a forwarded form that decodes back to exactly the parameters forwarded. */
#include "fuzz.h"

#include "net/http_form.h"
#include "auth/token_endpoint.h"
#include "base/json_strict.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct stub {
    int peer_ecs_mode; /* 0, 3: fqdn is FZ_ECS2; 1: never; 2: always */
    int is_client;
    int locate; /* 0 unknown, 1 local, 2 local with 253+ garbage bytes, 3 remote "", 4 remote
                   ECS2, 5 local with a bad name */
    int authz;
};

static int
stub_peer_ecs(void *arg, const char *fqdn)
{
    const struct stub *s = arg;

    if (s->peer_ecs_mode == 1 || s->peer_ecs_mode == 2)
        return s->peer_ecs_mode == 2;
    return strcmp(fqdn, FZ_ECS2) == 0;
}

static int
stub_is_client(void *arg, const char *fqdn)
{
    (void)fqdn;
    return ((const struct stub *)arg)->is_client;
}

/* The longest host name: labels of 63 'a', 253 bytes. */
static void
stub_long_aud(char aud[EDGE_FQDN_MAX])
{
    for (size_t i = 0; i < EDGE_FQDN_MAX - 1; i++)
        aud[i] = i % 64 == 63 ? '.' : 'a';
    aud[EDGE_FQDN_MAX - 1] = '\0';
}

static enum token_target
stub_locate(void *arg, const char *target_id, const char *target_fqdn, char aud[EDGE_FQDN_MAX],
            char ecs[EDGE_FQDN_MAX])
{
    const struct stub *s = arg;

    (void)target_id, (void)target_fqdn;
    switch (s->locate) {
    case 1:
        snprintf(aud, EDGE_FQDN_MAX, "%s", FZ_EES2);
        return TOKEN_TARGET_LOCAL;
    case 2: /* fills every byte: the endpoint must terminate it */
        stub_long_aud(aud);
        aud[EDGE_FQDN_MAX - 1] = 'a';
        return TOKEN_TARGET_LOCAL;
    case 3:
        ecs[0] = '\0';
        return TOKEN_TARGET_REMOTE;
    case 4:
        snprintf(ecs, EDGE_FQDN_MAX, "%s", FZ_ECS2);
        return TOKEN_TARGET_REMOTE;
    case 5:
        snprintf(aud, EDGE_FQDN_MAX, "bad name!");
        return TOKEN_TARGET_LOCAL;
    default:
        return TOKEN_TARGET_UNKNOWN;
    }
}

static enum token_authz
stub_authorize(void *arg, const char *client, const char *aud, const char *scope,
               const char *eec_id)
{
    (void)client, (void)aud, (void)scope, (void)eec_id;
    return (enum token_authz)((const struct stub *)arg)->authz;
}

/* Host names and identifiers by the one rule of each (base/json_strict.h, tested by its own
 * rows): this model restates the endpoint's decisions, not those rules. */
static int
fqdn_ok(const char *s)
{
    char why[EDGE_ERR_LEN];

    return js_valid_fqdn(s, why) == 0;
}

static int
id_ok(const char *s)
{
    char why[EDGE_ERR_LEN];

    return js_valid_id(s, why) == 0;
}

/* A UUID in its RFC 4122 3 text form: 8-4-4-4-12 hex digits (TS 29.571 NfInstanceId). */
static int
uuid_ok(const char *s)
{
    if (strlen(s) != 36)
        return 0;
    for (size_t i = 0; i < 36; i++)
        if ((i == 8 || i == 13 || i == 18 || i == 23)
                ? s[i] != '-'
                : strchr("0123456789abcdefABCDEF", s[i]) == NULL)
            return 0;
    return 1;
}

static int
scope_ok(const char *s)
{
    size_t n = strlen(s);

    if (n == 0 || n > 1024 || s[0] == ' ' || s[n - 1] == ' ' || strstr(s, "  ") != NULL)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
              (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == ':' || s[i] == '-' ||
              s[i] == ' '))
            return 0;
    return 1;
}

static const char *
param(const struct token_param *p, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (p[i].name != NULL && strcmp(p[i].name, name) == 0)
            return p[i].value;
    return NULL;
}

/* token_endpoint.h read independently: the decision for these parameters and stub answers;
 * *client is the S-EES the token would be for. */
static enum token_decision
ref_decide(const struct token_endpoint_req *req, const struct stub *s, unsigned max_hops,
           const char **client, const char **why)
{
    const struct token_param *p = req->params;
    size_t n = req->nparams;
    const char *gt, *rq, *cid, *scope, *tid, *tf, *eec, *nfid;
    int fwd;

    *client = NULL;
    *why = "parameters";
    if (n > TOKEN_ENDPOINT_MAX_PARAMS)
        return TOKEN_DECISION_ERROR;
    for (size_t i = 0; i < n; i++) {
        if (p[i].name == NULL || p[i].value == NULL || p[i].name[0] == '\0' ||
            strlen(p[i].value) > TOKEN_ENDPOINT_VALUE_MAX || strlen(p[i].name) > 64)
            return TOKEN_DECISION_ERROR;
        for (size_t j = 0; j < i; j++)
            if (strcmp(p[i].name, p[j].name) == 0)
                return TOKEN_DECISION_ERROR;
        for (const char *c = p[i].value; *c; c++)
            if ((unsigned char)*c < 0x20 || *c == 0x7f)
                return TOKEN_DECISION_ERROR;
    }
    gt = param(p, n, "grant_type"), rq = param(p, n, "requesterFqdn");
    cid = param(p, n, "client_id"), scope = param(p, n, "scope");
    tid = param(p, n, "targetNfInstanceId"), tf = param(p, n, "targetEesFqdn");
    eec = param(p, n, "eec_id"), nfid = param(p, n, "nfInstanceId");
    *why = "grant_type";
    if (gt == NULL || strcmp(gt, "client_credentials") != 0)
        return TOKEN_DECISION_ERROR;
    *why = "client";
    if (req->peer == NULL || req->peer->mode != EDGE_PEER_CERT || req->peer->fqdn[0] == '\0')
        return TOKEN_DECISION_ERROR;
    fwd = stub_peer_ecs((void *)s, req->peer->fqdn);
    if (fwd) {
        if (rq == NULL || !fqdn_ok(rq))
            return TOKEN_DECISION_ERROR;
        *client = rq;
    } else {
        *client = req->peer->fqdn;
        if (rq != NULL && strcmp(rq, *client) != 0)
            return TOKEN_DECISION_ERROR;
    }
    if (cid != NULL && strcmp(cid, *client) != 0)
        return TOKEN_DECISION_ERROR;
    *why = "nfInstanceId/scope/target/eec_id";
    if (nfid == NULL || !uuid_ok(nfid) || scope == NULL || !scope_ok(scope) ||
        (tid == NULL && tf == NULL) || (tid != NULL && !id_ok(tid)) ||
        (tf != NULL && !fqdn_ok(tf)) || (eec != NULL && !id_ok(eec)))
        return TOKEN_DECISION_ERROR;
    *why = "policy";
    if (!fwd && !s->is_client)
        return TOKEN_DECISION_ERROR;
    if (s->locate == 3 || s->locate == 4)
        return req->hops < max_hops ? TOKEN_DECISION_FORWARD : TOKEN_DECISION_ERROR;
    /* locate 2 fills aud with no NUL: the endpoint keeps its first 253 bytes, a host name (the
     * registry is trusted; only the termination is checked here). */
    if ((s->locate != 1 && s->locate != 2) || s->authz != TOKEN_AUTHZ_OK)
        return TOKEN_DECISION_ERROR;
    return TOKEN_DECISION_ISSUED;
}

static const char *const oauth_errors[] = {"invalid_request",
                                           "invalid_client",
                                           "invalid_grant",
                                           "unauthorized_client",
                                           "unsupported_grant_type",
                                           "invalid_scope",
                                           NULL};

static void
check_issued(const uint8_t *in, size_t n, const struct token_endpoint_req *req,
             const struct token_endpoint_result *res, const char *client, const char *aud)
{
    const char *tok = json_string_value(json_object_get(res->body, "access_token"));
    const char *scope = param(req->params, req->nparams, "scope");
    const char *eec = param(req->params, req->nparams, "eec_id");
    const char *trusted[] = {FZ_ECS1, NULL};
    struct edge_peer sees = {EDGE_PEER_CERT, "", "", "", "", ""};
    struct token_check chk = {.profile = TOKEN_PROFILE_EES,
                              .aud = aud,
                              .scope = scope,
                              .keys = fz_keys()->ees,
                              .trusted = trusted,
                              .peer = &sees,
                              .now = req->now};
    struct token_verdict v;
    const char *claim_eec;

    snprintf(sees.fqdn, sizeof(sees.fqdn), "%s", client);
    if (tok == NULL || res->status != 200 || strcmp(res->client, client) != 0 ||
        strcmp(res->aud, aud) != 0 ||
        strcmp(json_string_value(json_object_get(res->body, "token_type")), "Bearer") != 0) {
        fz_finding("endpoint", in, n, "issued answer malformed (status %d, client %s, aud %s)",
                   res->status, res->client, res->aud);
        return;
    }
    if (token_validate(tok, &chk, &v) != TOKEN_OK) {
        fz_finding("endpoint", in, n, "issued token refused by the T-EES: %s", v.sentence);
    } else {
        claim_eec = json_string_value(json_object_get(v.claims, "eec_id"));
        if ((eec == NULL) != (claim_eec == NULL) || (eec != NULL && strcmp(eec, claim_eec) != 0))
            fz_finding("endpoint", in, n, "eec_id claim %s, request %s",
                       claim_eec ? claim_eec : "(none)", eec ? eec : "(none)");
    }
    token_verdict_clear(&v);
}

static void
check_forward(const uint8_t *in, size_t n, const struct token_endpoint_req *req,
              const struct token_endpoint_result *res, const char *client)
{
    static const char *const fwd[] = {"targetNfInstanceId", "targetEesFqdn", "eec_id",
                                      "nfInstanceId"};
    char err[EDGE_ERR_LEN];
    struct http_form *f;
    size_t want = 3; /* grant_type, scope, requesterFqdn */

    if (res->forward_form == NULL || res->status != 0 || res->aud[0] != '\0') {
        fz_finding("endpoint", in, n, "forward without a form, or with status %d", res->status);
        return;
    }
    if ((f = http_form_parse(res->forward_form, strlen(res->forward_form), err)) == NULL) {
        fz_finding("endpoint", in, n, "forwarded form does not parse: %s", err);
        return;
    }
    if (http_form_duplicate(f) != NULL ||
        strcmp(http_form_get(f, "grant_type") ? http_form_get(f, "grant_type") : "",
               "client_credentials") != 0 ||
        strcmp(http_form_get(f, "scope") ? http_form_get(f, "scope") : "",
               param(req->params, req->nparams, "scope")) != 0 ||
        strcmp(http_form_get(f, "requesterFqdn") ? http_form_get(f, "requesterFqdn") : "",
               client) != 0)
        fz_finding("endpoint", in, n, "forwarded form changed grant_type/scope/requester: %s",
                   res->forward_form);
    for (size_t i = 0; i < sizeof(fwd) / sizeof(fwd[0]); i++) {
        const char *a = param(req->params, req->nparams, fwd[i]), *b = http_form_get(f, fwd[i]);
        want += a != NULL;
        if ((a == NULL) != (b == NULL) || (a != NULL && strcmp(a, b) != 0))
            fz_finding("endpoint", in, n, "forwarded %s is %s, request had %s", fwd[i],
                       b ? b : "(none)", a ? a : "(none)");
    }
    if (http_form_len(f) != want)
        fz_finding("endpoint", in, n, "forwarded form has %zu parameters, expected %zu",
                   http_form_len(f), want);
    http_form_free(f);
}

static void
endpoint_one(const uint8_t *data, size_t n)
{
    static const struct edge_peer peers[] = {
        {EDGE_PEER_NONE, "", "", "", "", ""},
        {EDGE_PEER_CERT, FZ_EES1, "", "", "", ""},
        {EDGE_PEER_CERT, "", FZ_EEC_ID, FZ_GPSI, "", ""},
        {EDGE_PEER_PSK, FZ_EES1, FZ_EEC_ID, "", "atid-1", ""},
        {EDGE_PEER_CERT, FZ_ECS2, "", "", "", ""},
    };
    struct token_param params[256];
    size_t np = 0;
    struct stub s;
    struct token_endpoint_policy pol = {
        .arg = &s,
        .is_peer_ecs = stub_peer_ecs,
        .is_client = stub_is_client,
        .locate = stub_locate,
        .authorize = stub_authorize,
    };
    struct token_endpoint ep = {.keys = fz_keys()->ecs1, .policy = &pol, .lifetime = FZ_LIFETIME};
    struct token_endpoint_req req = {.params = params, .now = FZ_NOW};
    struct token_endpoint_result res;
    struct http_form *form = NULL;
    char *raw = NULL, err[EDGE_ERR_LEN];
    enum token_decision d, want;
    const char *client, *why;

    fz_execs++;
    if (n < 6)
        return;
    int pc = data[0] % 6;
    req.peer = pc == 5 ? NULL : &peers[pc];
    s.peer_ecs_mode = data[1] % 4;
    s.is_client = data[2] % 2;
    s.locate = data[3] % 6;
    s.authz = data[4] % 3;
    req.hops = data[5] % 4;
    ep.max_hops = (data[5] >> 4) % 4;
    data += 6, n -= 6;
    if (n > 0 && data[0] == '!') { /* raw: split only */
        raw = fz_dup_exact(data + 1, n - 1, 1);
        char *save = NULL;
        for (char *pair = raw, *amp; pair != NULL && np < 256; pair = amp) {
            if ((amp = strchr(pair, '&')) != NULL)
                *amp++ = '\0';
            char *eq = strchr(pair, '=');
            if (eq != NULL)
                *eq = '\0';
            params[np].name = pair;
            params[np++].value = eq != NULL ? eq + 1 : NULL;
        }
        (void)save;
    } else {
        char *body = fz_dup_exact(data, n, 0);
        form = http_form_parse(body, n, err);
        free(body);
        if (form == NULL)
            return;
        for (size_t i = 0; i < http_form_len(form); i++) {
            params[np].name = http_form_name(form, i);
            params[np++].value = http_form_value(form, i);
        }
    }
    req.nparams = np;
    d = token_endpoint_handle(&ep, &req, &res);
    want = ref_decide(&req, &s, ep.max_hops, &client, &why);
    fz_accepted += d != TOKEN_DECISION_ERROR;
    data -= 6, n += 6;
    if (d != want)
        fz_finding("endpoint", data, n, "decision %d (%s: %s), expected %d (%s)", (int)d,
                   res.error ? res.error : "-", res.description, (int)want, why);
    if (d != res.decision || !fz_printable(res.description, 0) || res.description[0] == '\0')
        fz_finding("endpoint", data, n, "result inconsistent or description not printable");
    if (d == TOKEN_DECISION_ERROR) {
        int known = 0;
        for (size_t i = 0; oauth_errors[i] != NULL; i++)
            known |= res.error != NULL && strcmp(res.error, oauth_errors[i]) == 0;
        if (!known || res.status != 400)
            fz_finding("endpoint", data, n, "error %s with status %d on client input (%s)",
                       res.error ? res.error : "(none: internal)", res.status, res.description);
        else if (!json_is_object(res.body) ||
                 strcmp(json_string_value(json_object_get(res.body, "error")), res.error) != 0 ||
                 !json_is_string(json_object_get(res.body, "error_description")))
            fz_finding("endpoint", data, n, "AccessTokenErr body malformed");
    } else if (d == TOKEN_DECISION_ISSUED && want == d) {
        char aud[EDGE_FQDN_MAX];
        if (s.locate == 2)
            stub_long_aud(aud);
        else
            snprintf(aud, sizeof(aud), "%s", FZ_EES2);
        check_issued(data, n, &req, &res, client, aud);
    } else if (d == TOKEN_DECISION_FORWARD && want == d) {
        check_forward(data, n, &req, &res, client);
    }
    token_endpoint_result_clear(&res);
    http_form_free(form);
    free(raw);
}

/* Percent-encode v into b as a form value would be (spaces as '+' or %20). */
static void
enc(struct fz_rng *r, struct fz_buf *b, const char *v)
{
    for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '.' || *p == '_')
            fz_buf_add(b, p, 1);
        else if (*p == ' ' && fz_one_in(r, 2))
            fz_buf_adds(b, "+");
        else
            fz_buf_addf(b, "%%%02X", *p);
    }
}

static void
endpoint_campaign(struct fz_rng *r, long iters)
{
    static const char *const names[] = {
        "grant_type",         "scope",         "client_id", "requesterFqdn",
        "targetNfInstanceId", "targetEesFqdn", "eec_id",    "audience",
        "resource",           "GRANT_TYPE",    NULL};
    static const char *const vals[] = {"client_credentials",
                                       "authorization_code",
                                       "client_credentials ",
                                       "eees-appctxtreloc",
                                       "eees-appctxtreloc eees-eecreg",
                                       "eees-appctxtreloc  x",
                                       " eees-appctxtreloc",
                                       "scope/with/slash",
                                       FZ_EES1,
                                       FZ_EES2,
                                       FZ_ECS2,
                                       "ees 2",
                                       "ees2.edge.test.",
                                       "ees-2-id",
                                       "ees\x7f",
                                       "a\tb",
                                       "\"quoted\\\"",
                                       "eec-0001",
                                       "eec@0001",
                                       "\xc3\xa9",
                                       "",
                                       NULL};
    static const char *const dict[] = {"&", "=", "%", "%00", "+", "%0A", "&&", NULL};
    struct fz_buf in = {0};
    char *longv = malloc(1100);

    for (long i = 0; i < iters; i++) {
        size_t np =
            (fz_one_in(r, 6) ? fz_below(r, 3) : 3 + fz_below(r, 5)) + (fz_one_in(r, 30) ? 60 : 0);
        int raw = fz_one_in(r, 10);

        in.len = 0;
        for (int k = 0; k < 6; k++)
            fz_buf_addf(&in, "%c", (char)('0' + fz_below(r, 10)));
        if (fz_one_in(r, 2)) { /* the common good case: S-EES, client, local, authorized */
            in.p[0] = '1', in.p[1] = '1', in.p[2] = '1', in.p[3] = '1', in.p[4] = '0';
        }
        if (raw)
            fz_buf_adds(&in, "!");
        /* Mostly the two required ones, then random others. */
        for (size_t k = 0; k < np; k++) {
            const char *name = k < 3 && !fz_one_in(r, 8)
                                   ? (k == 0   ? "grant_type"
                                      : k == 1 ? "scope"
                                               : "targetEesFqdn")
                                   : names[fz_below(r, sizeof(names) / sizeof(names[0]) - 1)];
            const char *val = k == 0 && !fz_one_in(r, 8)   ? "client_credentials"
                              : k == 1 && !fz_one_in(r, 8) ? "eees-appctxtreloc"
                              : k == 2 && !fz_one_in(r, 8)
                                  ? FZ_EES2
                                  : vals[fz_below(r, sizeof(vals) / sizeof(vals[0]) - 1)];
            if (fz_one_in(r, 40)) { /* a long value or name */
                size_t l = 1020 + fz_below(r, 10);
                memset(longv, 'a', l);
                longv[l] = '\0';
                if (fz_one_in(r, 2))
                    val = longv;
                else
                    longv[60 + fz_below(r, 10)] = '\0', name = longv;
            }
            if (k > 0)
                fz_buf_adds(&in, "&");
            if (raw) {
                fz_buf_adds(&in, name);
                if (!fz_one_in(r, 10))
                    fz_buf_addf(&in, "=%s", val);
            } else {
                enc(r, &in, name);
                fz_buf_adds(&in, "=");
                enc(r, &in, val);
            }
        }
        if (fz_one_in(r, 5)) {
            struct fz_buf body = {0};
            fz_buf_add(&body, in.p + 6, in.len - 6);
            fz_mutate(r, &body, 1 << 14, dict, 3);
            in.len = 6;
            fz_buf_add(&in, body.p, body.len);
            fz_buf_free(&body);
        }
        endpoint_one(in.p, in.len);
    }
    free(longv);
    fz_buf_free(&in);
}

static int
endpoint_setup(void)
{
    return fz_keys() != NULL ? 0 : -1;
}

const struct fz_target fz_target_endpoint = {
    .name = "endpoint",
    .what = "token_endpoint_handle() on random parameter lists",
    .setup = endpoint_setup,
    .one = endpoint_one,
    .campaign = endpoint_campaign,
    .default_iters = 30000,
};
