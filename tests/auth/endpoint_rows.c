/* endpoint_rows.c -- runs the token endpoint table (endpoint_rows.txt) through
 * token_endpoint_handle() with a fixed registry, asserting each RFC 6749 outcome; every token it
 * issues is validated as the T-EES would (TR 33.739 6.27), every answer's shape is checked
 * (AccessTokenRsp / AccessTokenErr, TS 29.510), and every forward carries the S-EES. */
#include "forge.h"
#include "auth/token_endpoint.h"
#include "auth/token_validate.h"
#include "base/uuid.h"

#include <ctype.h>

#define NOW 1767225600LL
#define LIFETIME 300

static const char *const clients[] = {"ees1.edge.test", "ees5.edge.test", NULL};
static const char *const foreign_clients[] = {"ees4.edge.test", NULL};
static const char *const peer_ecses[] = {"ecs2.edge.test", "ecs3.edge.test", NULL};
static const struct {
    const char *id, *fqdn, *ecs; /* ecs NULL: registered here */
    enum token_target where;
    int local_authz; /* authorized by local policy, not by token */
} registry[] = {
    {"ees-1", "ees1.edge.test", NULL, TOKEN_TARGET_LOCAL, 0},
    {"ees-2", "ees2.edge.test", NULL, TOKEN_TARGET_LOCAL, 0},
    {"ees-3", "ees3.edge.test", NULL, TOKEN_TARGET_LOCAL, 1},
    {"ees-9", "ees9.edge.test", "ecs2.edge.test", TOKEN_TARGET_REMOTE, 0},
    {"ees-6", "ees6.edge.test", "ecs2.edge.test", TOKEN_TARGET_REMOTE, 1},
    {"ees-10", "ees10.edge.test", "ecs3.edge.test", TOKEN_TARGET_PARTNER, 0},
};
/* The EECs this ECS provisioned with each client. */
static const struct {
    const char *client, *eec_id;
} served[] = {
    {"ees1.edge.test", "eec-0001"},
    {"ees5.edge.test", "eec-0005"},
};
static const char granted[] = "eees-appctxtreloc eees-acrevents";

static int
in(const char *const *list, const char *s)
{
    for (; *list; list++)
        if (strcmp(*list, s) == 0)
            return 1;
    return 0;
}

static int
pol_is_peer_ecs(void *arg, const char *fqdn)
{
    (void)arg;
    return in(peer_ecses, fqdn);
}

static int
pol_is_client(void *arg, const char *fqdn)
{
    (void)arg;
    return in(clients, fqdn);
}

static int
pol_is_foreign_client(void *arg, const char *fqdn)
{
    (void)arg;
    return in(foreign_clients, fqdn);
}

static int
pol_serves_eec(void *arg, const char *client, const char *eec_id)
{
    (void)arg;
    for (size_t i = 0; i < sizeof(served) / sizeof(served[0]); i++)
        if (strcmp(served[i].client, client) == 0 && strcmp(served[i].eec_id, eec_id) == 0)
            return 1;
    return 0;
}

static int
pol_uses_token(void *arg, const char *aud)
{
    (void)arg;
    for (size_t i = 0; i < sizeof(registry) / sizeof(registry[0]); i++)
        if (strcmp(registry[i].fqdn, aud) == 0)
            return !registry[i].local_authz;
    return 1;
}

static enum token_target
pol_locate(void *arg, const char *id, const char *fqdn, char aud[EDGE_FQDN_MAX],
           char ecs[EDGE_FQDN_MAX])
{
    (void)arg;
    for (size_t i = 0; i < sizeof(registry) / sizeof(registry[0]); i++) {
        if ((id && strcmp(id, registry[i].id) != 0) ||
            (fqdn && strcmp(fqdn, registry[i].fqdn) != 0))
            continue;
        snprintf(aud, EDGE_FQDN_MAX, "%s", registry[i].fqdn);
        if (registry[i].where == TOKEN_TARGET_REMOTE)
            snprintf(ecs, EDGE_FQDN_MAX, "%s", registry[i].ecs);
        return registry[i].where;
    }
    return TOKEN_TARGET_UNKNOWN;
}

/* The NF instance ID of each client is the one derived from its FQDN (base/uuid.h). */
static int
pol_nf_instance_ok(void *arg, const char *client, const char *id)
{
    char want[UUID_TEXT_LEN];

    (void)arg;
    return uuid_from_name(client, want) == 0 && uuid_equal(want, id);
}

static enum token_authz
pol_authorize(void *arg, const char *client, const char *aud, const char *scope, const char *eec_id)
{
    (void)arg, (void)aud, (void)eec_id;
    if (strcmp(client, "ees5.edge.test") == 0)
        return TOKEN_AUTHZ_UNAUTHORIZED_CLIENT;
    return token_scope_covers(granted, scope) ? TOKEN_AUTHZ_OK : TOKEN_AUTHZ_INVALID_SCOPE;
}

static void
trim(char *s)
{
    char *e = s + strlen(s);
    size_t lead = strspn(s, " \t");

    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    memmove(s, s + lead, strlen(s + lead) + 1);
}

/* In place: '+' is a space, %XX a byte. */
static void
form_decode(char *s)
{
    char *o = s;

    for (; *s; s++) {
        if (*s == '+') {
            *o++ = ' ';
        } else if (*s == '%' && isxdigit((unsigned char)s[1]) && isxdigit((unsigned char)s[2])) {
            char h[3] = {s[1], s[2], 0};
            *o++ = (char)strtol(h, NULL, 16);
            s += 2;
        } else {
            *o++ = *s;
        }
    }
    *o = '\0';
}

/* The issued token, as the T-EES checks it on EDGE-9. */
static int
check_issued(const struct keyring *kr, const struct token_endpoint_result *res, const char *scope,
             const char *eec_id, const char *name)
{
    struct edge_peer sees = {EDGE_PEER_CERT, "", "", "", "", ""};
    struct token_check chk = {TOKEN_PROFILE_EES, res->aud, scope, kr, NULL, &sees, NULL, NULL,
                              NOW + 1,           0};
    struct token_verdict v;
    json_t *b = res->body, *ec;
    int fail = 0;

    snprintf(sees.fqdn, sizeof(sees.fqdn), "%s", res->client);
    if (res->status != 200 || !json_is_string(json_object_get(b, "access_token")) ||
        strcmp(json_string_value(json_object_get(b, "token_type")), "Bearer") != 0 ||
        json_integer_value(json_object_get(b, "expires_in")) != LIFETIME ||
        strcmp(json_string_value(json_object_get(b, "scope")), scope) != 0 ||
        json_object_size(b) != 4) {
        printf("FAIL %s: AccessTokenRsp shape or status %d\n", name, res->status);
        return 1;
    }
    if (token_validate(json_string_value(json_object_get(b, "access_token")), &chk, &v) !=
        TOKEN_OK) {
        printf("FAIL %s: T-EES refuses the token: %s (%s)\n", name, token_rule_name(v.rule),
               v.sentence);
        fail = 1;
    } else {
        ec = json_object_get(v.claims, "eec_id");
        if ((eec_id == NULL) != (ec == NULL) ||
            (eec_id && strcmp(json_string_value(ec), eec_id) != 0)) {
            printf("FAIL %s: eec_id claim does not match the request\n", name);
            fail = 1;
        }
        /* The ECS that authenticated the S-EES: this one, or the first in Via. */
        ec = json_object_get(v.claims, "authn_ecs");
        if (!json_is_string(ec) ||
            strcmp(json_string_value(ec), res->authn_ecs[0] ? res->authn_ecs : "ecs1.edge.test") !=
                0) {
            printf("FAIL %s: authn_ecs claim %s\n", name,
                   json_is_string(ec) ? json_string_value(ec) : "(absent)");
            fail = 1;
        }
    }
    token_verdict_clear(&v);
    return fail;
}

static int
check_headers(void)
{
    int seen = 0;

    for (size_t i = 0; i < token_endpoint_nheaders; i++) {
        const struct token_header *h = &token_endpoint_headers[i];
        if (strcmp(h->name, "Cache-Control") == 0 && strcmp(h->value, "no-store") == 0)
            seen |= 1;
        if (strcmp(h->name, "Pragma") == 0 && strcmp(h->value, "no-cache") == 0)
            seen |= 2;
        if (strcmp(h->name, "Content-Type") == 0 && strcmp(h->value, "application/json") == 0)
            seen |= 4;
    }
    if (seen != 7)
        printf("FAIL headers: Cache-Control no-store, Pragma no-cache, Content-Type json\n");
    return seen != 7;
}

static int
run_row(const struct token_endpoint *ep, char *line)
{
    char *f[5], *save = NULL, *pair;
    struct token_param params[TOKEN_ENDPOINT_MAX_PARAMS];
    struct edge_peer peer = {EDGE_PEER_NONE, "", "", "", "", ""};
    struct token_endpoint_req req = {0};
    struct token_endpoint_result res;
    const char *scope = NULL, *eec_id = NULL, *got;
    char form[1024], want_form[512];
    size_t n = 0;
    int fail = 0, k = 0;

    for (char *p = line; k < 5; k++) {
        f[k] = p;
        if ((p = strchr(p, '|')) == NULL) {
            k++;
            break;
        }
        *p++ = '\0';
    }
    if (k != 5) {
        printf("FAIL: row without 5 fields\n");
        return 1;
    }
    for (int i = 0; i < 5; i++)
        trim(f[i]);
    if (strncmp(f[1], "cert:", 5) == 0) {
        peer.mode = EDGE_PEER_CERT;
        snprintf(peer.fqdn, sizeof(peer.fqdn), "%s", f[1] + 5);
    } else if (strncmp(f[1], "psk:", 4) == 0) {
        peer.mode = EDGE_PEER_PSK;
        snprintf(peer.eec_id, sizeof(peer.eec_id), "%s", f[1] + 4);
        snprintf(peer.psk_identity, sizeof(peer.psk_identity), "akid-1");
    }
    snprintf(form, sizeof(form), "%s", f[3]);
    for (pair = strtok_r(form, "&", &save); pair && n < TOKEN_ENDPOINT_MAX_PARAMS;
         pair = strtok_r(NULL, "&", &save)) {
        char *eq = strchr(pair, '=');
        if (eq == NULL)
            continue;
        *eq = '\0';
        form_decode(pair);
        form_decode(eq + 1);
        params[n].name = pair;
        params[n].value = eq + 1;
        if (strcmp(pair, "scope") == 0)
            scope = eq + 1;
        if (strcmp(pair, "eec_id") == 0)
            eec_id = eq + 1;
        n++;
    }
    req.params = params;
    req.nparams = n;
    req.peer = &peer;
    /* hops, or hops:ECS -- the ECS that authenticated the S-EES (first in Via) */
    req.hops = (unsigned)atoi(f[2]);
    if (strchr(f[2], ':') != NULL)
        req.authn_ecs = strchr(f[2], ':') + 1;
    req.now = NOW;
    token_endpoint_handle(ep, &req, &res);
    got = res.decision == TOKEN_DECISION_ISSUED    ? "issued"
          : res.decision == TOKEN_DECISION_FORWARD ? "forward"
          : res.error                              ? res.error
          : res.cause                              ? res.cause
                                                   : "server_error";
    if (strncmp(f[4], "forward:", 8) == 0) {
        if (res.decision != TOKEN_DECISION_FORWARD || strcmp(res.forward_to, f[4] + 8) != 0) {
            printf("FAIL %s: expected %s, got %s %s (%s)\n", f[0], f[4], got, res.forward_to,
                   res.description);
            fail = 1;
        } else {
            /* The next ECS sees our certificate: the S-EES must travel as requesterFqdn. */
            snprintf(want_form, sizeof(want_form), "requesterFqdn=%s", res.client);
            /* ... and its NF instance ID as it sent it (TS 29.510 nfInstanceId). */
            if (res.forward_form == NULL || strstr(res.forward_form, want_form) == NULL ||
                strstr(res.forward_form, "nfInstanceId=") == NULL ||
                strstr(res.forward_form, "grant_type=client_credentials") == NULL ||
                res.body != NULL) {
                printf("FAIL %s: forward form '%s'\n", f[0],
                       res.forward_form ? res.forward_form : "(none)");
                fail = 1;
            }
        }
    } else if (strcmp(f[4], got) != 0) {
        printf("FAIL %s: expected %s, got %s (%s)\n", f[0], f[4], got, res.description);
        fail = 1;
    } else if (res.decision == TOKEN_DECISION_ISSUED) {
        fail = check_issued(ep->keys, &res, scope, eec_id, f[0]);
    } else if (res.cause != NULL) {
        /* A ProblemDetails refusal: no AccessTokenErr body, the glue builds it. */
        if (res.status != 403 || res.body != NULL || res.description[0] == '\0') {
            printf("FAIL %s: ProblemDetails refusal status %d\n", f[0], res.status);
            fail = 1;
        }
    } else if (res.status != 400 || json_object_size(res.body) != 2 ||
               strcmp(json_string_value(json_object_get(res.body, "error")), res.error) != 0 ||
               !json_is_string(json_object_get(res.body, "error_description"))) {
        printf("FAIL %s: AccessTokenErr shape or status %d\n", f[0], res.status);
        fail = 1;
    }
    if (!fail)
        printf("ok   %-24s %-24s %s\n", f[0], f[4], res.description);
    token_endpoint_result_clear(&res);
    return fail;
}

int
main(int argc, char **argv)
{
    struct token_endpoint_policy pol = {
        .is_peer_ecs = pol_is_peer_ecs,
        .is_client = pol_is_client,
        .is_foreign_client = pol_is_foreign_client,
        .serves_eec = pol_serves_eec,
        .uses_token = pol_uses_token,
        .locate = pol_locate,
        .authorize = pol_authorize,
        .nf_instance_ok = pol_nf_instance_ok,
    };
    struct keyring *kr = keyring_new();
    struct token_endpoint ep = {kr, &pol, LIFETIME, 2};
    char err[EDGE_ERR_LEN], line[2048];
    EVP_PKEY *pk = forge_p256();
    char *pem = forge_pem(pk, 1);
    int rows = 0, failed = 0;
    FILE *f;

    if (argc != 2) {
        fprintf(stderr, "usage: endpoint_rows ROWS-FILE\n");
        return 2;
    }
    if (keyring_add_signing_pem(kr, "ecs1.edge.test", "k1", pem, strlen(pem), err) < 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    free(pem);
    EVP_PKEY_free(pk);
    if ((f = fopen(argv[1], "r")) == NULL) {
        perror(argv[1]);
        return 1;
    }
    failed += check_headers();
    while (fgets(line, sizeof(line), f) != NULL) {
        trim(line);
        if (line[0] == '\0' || line[0] == '#')
            continue;
        rows++;
        failed += run_row(&ep, line);
    }
    fclose(f);
    {
        /* Without a policy the endpoint fails closed, with a 500. */
        struct token_endpoint bare = {kr, NULL, LIFETIME, 2};
        struct token_endpoint_req req = {0};
        struct token_endpoint_result res;
        if (token_endpoint_handle(&bare, &req, &res) != TOKEN_DECISION_ERROR || res.status != 500) {
            printf("FAIL no-policy: not refused with 500\n");
            failed++;
        }
        token_endpoint_result_clear(&res);
    }
    keyring_free(kr);
    printf("%d rows, %d failed\n", rows, failed);
    return failed == 0 && rows > 20 ? 0 : 1;
}
