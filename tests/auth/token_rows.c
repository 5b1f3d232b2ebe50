/* token_rows.c -- runs the token attack table (rows.txt): each row forges one token by hand,
 * hands it to token_validate() and asserts the exact rule name (TS 33.558 6.2, TR 33.739 6.27,
 * RFC 8725). The row format is described at the top of rows.txt. */
#include "forge.h"
#include "auth/keyring.h"
#include "auth/token_validate.h"

#include <ctype.h>
#include <jansson.h>
#include <stdint.h>

#define NOW 1767225600LL /* 2026-01-01T00:00:00Z: every row sees the same clock */
#define HUGE_LEN (9u << 20)

static const char *const eec_claims =
    "{\"iss\":\"ecs1.edge.test\",\"sub\":\"msisdn-491700000001\",\"aud\":\"ees1.edge.test\","
    "\"client_id\":\"eec-0001\",\"scope\":\"eees-eecreg eees-easdisc\",\"iat\":$NOW,"
    "\"nbf\":$NOW,\"exp\":$NOW+300,\"jti\":\"$JTI\"}";
static const char *const ees_claims =
    "{\"iss\":\"ecs1.edge.test\",\"sub\":\"ees1.edge.test\",\"aud\":\"ees2.edge.test\","
    "\"client_id\":\"ees1.edge.test\",\"eec_id\":\"eec-0001\",\"scope\":\"eees-appctxtreloc\","
    "\"iat\":$NOW,\"exp\":$NOW+300,\"jti\":\"$JTI\"}";

struct tkey {
    const char *name, *issuer, *kid;
    int in_keyring; /* 0: never added; 1: added; 2: added then removed */
    EVP_PKEY *pk;
};

static struct tkey keys[] = {
    {"ecs1-k0", "ecs1.edge.test", "k0", 2, NULL},  /* retired: removed from the keyring */
    {"ecs1-k1", "ecs1.edge.test", "k1", 1, NULL},  /* previous key, still verifies */
    {"ecs1-k2", "ecs1.edge.test", "k2", 1, NULL},  /* active key */
    {"ecs3-k1", "ecs3.edge.test", "k1", 1, NULL},  /* same kid, issuer not trusted */
    {"rogue-k2", "ecs1.edge.test", "k2", 0, NULL}, /* attacker's key under our kid */
    {"ecs4-k7", "ecs4.edge.test", "k7", 0, NULL},  /* a genuine ECS this EES does not know */
};

static struct tkey *
key_named(const char *name)
{
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        if (strcmp(keys[i].name, name) == 0)
            return &keys[i];
    return NULL;
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

/* $NOW, $NOW+N, $NOW-N and $JTI in a JSON template. */
static char *
expand(const char *t, int row)
{
    size_t cap = strlen(t) * 2 + 64, o = 0;
    char *out = malloc(cap);

    while (*t) {
        if (strncmp(t, "$NOW", 4) == 0) {
            long long v = NOW;
            t += 4;
            if ((*t == '+' || *t == '-') && isdigit((unsigned char)t[1])) {
                char *end;
                long long d = strtoll(t + 1, &end, 10);
                v += *t == '+' ? d : -d;
                t = end;
            }
            o += (size_t)snprintf(out + o, cap - o, "%lld", v);
        } else if (strncmp(t, "$JTI", 4) == 0) {
            t += 4;
            o += (size_t)snprintf(out + o, cap - o, "jti-row-%d", row);
        } else {
            out[o++] = *t++;
        }
    }
    out[o] = '\0';
    return out;
}

/* base JSON text merged with an object ("null" deletes a member), or the raw
 * text after "raw:" (duplicate members can only be written raw). */
static char *
build_json(const char *spec, const char *base, int row)
{
    json_t *obj, *patch;
    const char *k;
    json_t *val;
    char *s, *t;

    if (strncmp(spec, "raw:", 4) == 0)
        return expand(spec + 4, row);
    t = expand(base, row);
    obj = json_loads(t, JSON_REJECT_DUPLICATES, NULL);
    free(t);
    while (*spec == ' ')
        spec++;
    if (*spec == '{') {
        t = expand(spec, row);
        patch = json_loads(t, 0, NULL);
        free(t);
        if (patch == NULL)
            return NULL;
        json_object_foreach(patch, k, val)
        {
            if (json_is_null(val))
                json_object_del(obj, k);
            else
                json_object_set(obj, k, val);
        }
        json_decref(patch);
    }
    s = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(obj);
    return s;
}

static char *
join3(const char *a, const char *b, const char *c)
{
    size_t n = strlen(a) + strlen(b) + (c ? strlen(c) : 0) + 3;
    char *s = malloc(n);

    if (c != NULL)
        snprintf(s, n, "%s.%s.%s", a, b, c);
    else
        snprintf(s, n, "%s.%s", a, b);
    return s;
}

/* The signature segment of header_b64.payload_b64 for a signer spec. */
static char *
sign(const char *signer, const char *input)
{
    unsigned char raw[64], mac[32];
    unsigned int maclen = 0;
    const char *colon = strchr(signer, ':');
    struct tkey *k = colon ? key_named(colon + 1) : NULL;

    if (strcmp(signer, "none") == 0)
        return strdup("");
    if (k == NULL)
        return NULL;
    if (strncmp(signer, "es256:", 6) == 0 || strncmp(signer, "es384:", 6) == 0) {
        const EVP_MD *md = signer[2] == '2' ? EVP_sha256() : EVP_sha384();
        if (forge_ecdsa(k->pk, md, input, raw) < 0)
            return NULL;
        return forge_b64url(raw, sizeof(raw));
    }
    if (strncmp(signer, "hs256-pub:", 10) == 0) {
        /* Key confusion: the HMAC key is the verifier's public key PEM. */
        char *pem = forge_pem(k->pk, 0);
        HMAC(EVP_sha256(), pem, (int)strlen(pem), (const unsigned char *)input, strlen(input), mac,
             &maclen);
        free(pem);
        return forge_b64url(mac, maclen);
    }
    return NULL;
}

static const char *
default_alg(const char *signer)
{
    if (strncmp(signer, "es384:", 6) == 0)
        return "ES384";
    if (strncmp(signer, "hs256-pub:", 10) == 0)
        return "HS256";
    if (strcmp(signer, "none") == 0)
        return "none";
    return "ES256";
}

/* Apply a mutation to a finished token; returns a new string. */
static char *
mutate(const char *how, const char *h64, const char *p64, const char *s64, const char *signer,
       const char *ebase, int row)
{
    char *t, *p;

    if (strcmp(how, "-") == 0)
        return join3(h64, p64, s64);
    if (strcmp(how, "empty") == 0)
        return strdup("");
    if (strcmp(how, "segments2") == 0)
        return join3(h64, p64, NULL);
    if (strcmp(how, "segments4") == 0) {
        t = join3(h64, p64, s64);
        p = join3(t, s64, NULL);
        free(t);
        return p;
    }
    if (strcmp(how, "huge") == 0) {
        /* 9 MiB: libjwt's alloca() of this would overflow an 8 MiB stack. */
        p = malloc(HUGE_LEN + 1);
        memset(p, 'A', HUGE_LEN);
        p[HUGE_LEN] = '\0';
        t = join3(h64, p, s64);
        free(p);
        return t;
    }
    if (strcmp(how, "junk") == 0 || strcmp(how, "space") == 0) {
        size_t n = strlen(p64) / 2;
        char c = how[0] == 'j' ? '!' : ' ';
        p = malloc(strlen(p64) + 2);
        memcpy(p, p64, n);
        p[n] = c;
        strcpy(p + n + 1, p64 + n);
        t = join3(h64, p, s64);
        free(p);
        return t;
    }
    if (strcmp(how, "pad") == 0) {
        p = malloc(strlen(s64) + 3);
        sprintf(p, "%s==", s64);
        t = join3(h64, p64, p);
        free(p);
        return t;
    }
    if (strcmp(how, "noncanon") == 0) {
        /* 64 bytes end in 2 characters carrying 8 bits: set an unused bit. */
        p = strdup(s64);
        p[strlen(p) - 1] = p[strlen(p) - 1] == 'A' ? 'B' : 'A' + 1;
        t = join3(h64, p64, p);
        free(p);
        return t;
    }
    if (strcmp(how, "flip-sig") == 0) {
        p = strdup(s64);
        p[10] = p[10] == 'A' ? 'B' : 'A';
        t = join3(h64, p64, p);
        free(p);
        return t;
    }
    if (strncmp(how, "swap-payload:", 13) == 0) {
        /* Tampered payload: other claims, the original signature. */
        char *json = build_json(how + 13, ebase, row);
        char *np = forge_b64url((unsigned char *)json, strlen(json));
        t = join3(h64, np, s64);
        free(json);
        free(np);
        return t;
    }
    (void)signer;
    return NULL;
}

struct row {
    char *name, *signer, *header, *claims, *mutate, *check, *expect;
};

/* Fill chk from the row's check column over the profile's defaults. */
static int
setup_check(const struct keyring *kr, const struct row *r, struct token_check *chk,
            struct edge_peer *peer, const char **trusted, int *repeat, char *scope_buf,
            char *aud_buf, char *gpsi_buf, struct token_replay **replay)
{
    int ees = strncmp(r->claims, "ees", 3) == 0;
    char *spec = strdup(r->check), *save = NULL, *tok;

    memset(peer, 0, sizeof(*peer));
    peer->mode = EDGE_PEER_CERT;
    if (ees) {
        chk->profile = TOKEN_PROFILE_EES;
        strcpy(aud_buf, "ees2.edge.test");
        strcpy(scope_buf, "eees-appctxtreloc");
        strcpy(peer->fqdn, "ees1.edge.test");
    } else {
        chk->profile = TOKEN_PROFILE_EEC;
        strcpy(aud_buf, "ees1.edge.test");
        strcpy(scope_buf, "eees-eecreg");
        strcpy(peer->eec_id, "eec-0001");
        strcpy(peer->gpsi, "msisdn-491700000001");
    }
    chk->aud = aud_buf;
    chk->scope = scope_buf;
    chk->peer = peer;
    chk->gpsi = NULL;
    chk->now = NOW;
    chk->trusted = trusted;
    chk->keys = kr;
    *repeat = 1;
    for (tok = strtok_r(spec, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
        char *eq = strchr(tok, '=');
        const char *v = eq ? eq + 1 : "";
        if (strcmp(tok, "-") == 0)
            continue;
        if (eq == NULL)
            goto bad;
        *eq = '\0';
        if (strcmp(tok, "aud") == 0)
            strcpy(aud_buf, v);
        else if (strcmp(tok, "scope") == 0) {
            strcpy(scope_buf, v);
            for (char *c = scope_buf; *c; c++)
                *c = *c == '+' ? ' ' : *c;
            chk->scope = strcmp(v, "-") ? scope_buf : NULL;
        } else if (strcmp(tok, "profile") == 0)
            chk->profile = strcmp(v, "ees") == 0 ? TOKEN_PROFILE_EES : TOKEN_PROFILE_EEC;
        else if (strcmp(tok, "peer-eec") == 0)
            snprintf(peer->eec_id, sizeof(peer->eec_id), "%s", v);
        else if (strcmp(tok, "peer-fqdn") == 0)
            snprintf(peer->fqdn, sizeof(peer->fqdn), "%s", v);
        else if (strcmp(tok, "peer-gpsi") == 0)
            snprintf(peer->gpsi, sizeof(peer->gpsi), "%s", strcmp(v, "-") ? v : "");
        else if (strcmp(tok, "peer") == 0 && strcmp(v, "none") == 0)
            peer->mode = EDGE_PEER_NONE;
        else if (strcmp(tok, "gpsi") == 0)
            strcpy(gpsi_buf, v), chk->gpsi = gpsi_buf;
        else if (strcmp(tok, "at") == 0)
            chk->now = NOW + strtoll(v, NULL, 10);
        else if (strcmp(tok, "trust") == 0 && strcmp(v, "all") == 0)
            chk->trusted = NULL;
        else if (strcmp(tok, "replay") == 0 && strcmp(v, "single") == 0)
            chk->replay = *replay = token_replay_new(16);
        else if (strcmp(tok, "repeat") == 0)
            *repeat = atoi(v);
        else
            goto bad;
    }
    free(spec);
    return 0;
bad:
    free(spec);
    return -1;
}

static int
run_row(struct keyring *kr, struct row *r, int rowno)
{
    const char *trusted[] = {"ecs1.edge.test", NULL};
    char aud[256], scope[256], gpsi[128], alg_hdr[128];
    struct token_check chk = {0};
    struct token_verdict v;
    struct token_replay *replay = NULL;
    struct edge_peer peer;
    const char *ebase = strncmp(r->claims, "ees", 3) == 0 ? ees_claims : eec_claims;
    const char *cspec = r->claims + (strncmp(r->claims, "raw:", 4) == 0 ? 0 : 3);
    struct tkey *k = strchr(r->signer, ':') ? key_named(strchr(r->signer, ':') + 1) : NULL;
    char *hjson = NULL, *cjson = NULL, *h64 = NULL, *p64 = NULL, *input = NULL, *s64 = NULL;
    char *token = NULL;
    int repeat, fail = 1;
    enum token_rule got = TOKEN_INTERNAL;

    snprintf(alg_hdr, sizeof(alg_hdr), "{\"alg\":\"%s\",\"typ\":\"JWT\",\"kid\":\"%s\"}",
             default_alg(r->signer), k ? k->kid : "k2");
    hjson = build_json(strcmp(r->header, "-") == 0 ? "" : r->header, alg_hdr, rowno);
    cjson = build_json(cspec, ebase, rowno);
    if (hjson == NULL || cjson == NULL) {
        printf("FAIL %s: bad header or claims spec\n", r->name);
        goto done;
    }
    h64 = forge_b64url((unsigned char *)hjson, strlen(hjson));
    p64 = forge_b64url((unsigned char *)cjson, strlen(cjson));
    input = join3(h64, p64, NULL);
    if ((s64 = sign(r->signer, input)) == NULL ||
        (token = mutate(r->mutate, h64, p64, s64, r->signer, ebase, rowno)) == NULL) {
        printf("FAIL %s: bad signer or mutation\n", r->name);
        goto done;
    }
    if (setup_check(kr, r, &chk, &peer, trusted, &repeat, scope, aud, gpsi, &replay) < 0) {
        printf("FAIL %s: bad check column '%s'\n", r->name, r->check);
        goto done;
    }
    for (int i = 0; i < repeat; i++) {
        got = token_validate(token, &chk, &v);
        if (i + 1 < repeat && got != TOKEN_OK) {
            printf("FAIL %s: use %d of %d refused: %s (%s)\n", r->name, i + 1, repeat,
                   token_rule_name(got), v.sentence);
            token_verdict_clear(&v);
            goto done;
        }
        if (i + 1 < repeat)
            token_verdict_clear(&v);
    }
    if (strcmp(token_rule_name(got), r->expect) != 0) {
        printf("FAIL %s: expected %s, got %s (%s)\n", r->name, r->expect, token_rule_name(got),
               v.sentence);
    } else if (got == TOKEN_OK && (v.claims == NULL || v.header == NULL)) {
        printf("FAIL %s: accepted without decoded claims\n", r->name);
    } else {
        printf("ok   %-34s %-26s %s\n", r->name, r->expect, v.sentence);
        fail = 0;
    }
    token_verdict_clear(&v);
done:
    token_replay_free(replay);
    free(hjson), free(cjson), free(h64), free(p64), free(input), free(s64), free(token);
    return fail;
}

static int
split_row(char *line, struct row *r)
{
    char *f[7];
    int n = 0;

    for (char *p = line; n < 7; n++) {
        f[n] = p;
        p = strchr(p, '|');
        if (p == NULL) {
            n++;
            break;
        }
        *p++ = '\0';
    }
    if (n != 7)
        return -1;
    for (int i = 0; i < 7; i++)
        trim(f[i]);
    r->name = f[0], r->signer = f[1], r->header = f[2], r->claims = f[3];
    r->mutate = f[4], r->check = f[5], r->expect = f[6];
    return 0;
}

int
main(int argc, char **argv)
{
    char err[EDGE_ERR_LEN], line[4096];
    struct keyring *kr = keyring_new();
    FILE *f;
    int rows = 0, failed = 0, lineno = 0;

    if (argc != 2) {
        fprintf(stderr, "usage: token_rows ROWS-FILE\n");
        return 2;
    }
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        char *pem;
        int rc = 0;
        keys[i].pk = forge_p256();
        if (keys[i].in_keyring == 0)
            continue;
        /* ecs1's keys are its signing keys; ecs3's is only a public key. */
        pem = forge_pem(keys[i].pk, strncmp(keys[i].name, "ecs1", 4) == 0);
        if (strncmp(keys[i].name, "ecs1", 4) == 0)
            rc = keyring_add_signing_pem(kr, keys[i].issuer, keys[i].kid, pem, strlen(pem), err);
        else
            rc = keyring_add_verify_pem(kr, keys[i].issuer, keys[i].kid, pem, strlen(pem), err);
        free(pem);
        if (rc < 0) {
            fprintf(stderr, "key %s: %s\n", keys[i].name, err);
            return 1;
        }
    }
    if (keyring_set_active(kr, "k2", err) < 0 || keyring_remove(kr, "ecs1.edge.test", "k0") < 0) {
        fprintf(stderr, "keyring setup: %s\n", err);
        return 1;
    }
    if ((f = fopen(argv[1], "r")) == NULL) {
        perror(argv[1]);
        return 1;
    }
    while (fgets(line, sizeof(line), f) != NULL) {
        struct row r;
        lineno++;
        trim(line);
        if (line[0] == '\0' || line[0] == '#')
            continue;
        if (split_row(line, &r) < 0) {
            printf("FAIL %s:%d: not 7 fields\n", argv[1], lineno);
            failed++;
            continue;
        }
        rows++;
        failed += run_row(kr, &r, rows);
    }
    fclose(f);
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        EVP_PKEY_free(keys[i].pk);
    keyring_free(kr);
    printf("%d rows, %d failed\n", rows, failed);
    /* A table that was not read is a failure, not a pass. */
    return failed == 0 && rows > 30 ? 0 : 1;
}
