/* jwt_main.c -- edge-jwt: decode, verify, issue tokens of edgesim's token profile and write
 * JWKS documents (TS 33.558 6.2, TR 33.739 6.27, RFC 7519, RFC 7517). verify runs the very
 * token_validate() every EES runs. Exit status: 0 valid / done, 1 refused / failed, 2 usage. */
#include "base/b64url.h"
#include "base/err.h"
#include "base/json_strict.h"
#include "auth/jwks.h"
#include "auth/keyring.h"
#include "auth/token_issue.h"
#include "auth/token_validate.h"

#include <getopt.h>
#include <jansson.h>
#include <stddef.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define EXIT_REFUSED 1
#define EXIT_USAGE 2
#define JWT_MAX_KEYS 16

static const char usage_text[] =
    "usage: edge-jwt decode [TOKEN|-]\n"
    "       edge-jwt verify [TOKEN|-] --jwks FILE --aud FQDN [--scope S] [--iss FQDN]\n"
    "                       [--client ID] [--gpsi G] [--peer-gpsi G] [--profile eec|ees]\n"
    "                       [--now T]\n"
    "       edge-jwt issue --key PEM --kid KID --iss FQDN --aud FQDN --scope S --client ID\n"
    "                      [--profile eec|ees] [--gpsi G] [--eec-id ID] [--lifetime S]\n"
    "                      [--now T]\n"
    "       edge-jwt jwks --key PUB --kid KID [--key PUB --kid KID ...]\n"
    "       edge-jwt jwks --dir DIR --iss FQDN\n"
    "TOKEN absent or '-': read from stdin. T: seconds since the epoch or YYYY-MM-DDTHH:MM:SSZ.\n"
    "verify exits 0 when the token is valid, 1 when refused (the rule is printed), 2 on usage.\n"
    "Without --iss the JWKS is trusted for the token's own iss; without --client the token's\n"
    "client_id is taken as the TLS peer; without --profile it is guessed from the claims:\n"
    "each is said on stderr, since each skips a check an EES makes.\n";

struct opts {
    const char *jwks, *aud, *scope, *iss, *client, *gpsi, *peer_gpsi, *profile, *now;
    const char *kid[JWT_MAX_KEYS], *key[JWT_MAX_KEYS], *dir, *eec_id, *lifetime;
    int nkid, nkey;
    const char *token;
};

static int
usage(const char *why)
{
    if (why != NULL)
        fprintf(stderr, "edge-jwt: %s\n", why);
    fputs(usage_text, stderr);
    return EXIT_USAGE;
}

/* --profile eec|ees (absent: *out untouched). 0, or -1 with why. */
static int
parse_profile(const char *s, enum token_profile *out, char *why)
{
    static const char *const profiles[] = {"eec", "ees", NULL};

    if (s == NULL)
        return 0;
    if (js_valid_enum(s, profiles, why) < 0) {
        char sub[EDGE_ERR_LEN];

        snprintf(sub, sizeof(sub), "%s", why);
        return edge_err(why, "--profile: %s", sub);
    }
    *out = strcmp(s, "eec") == 0 ? TOKEN_PROFILE_EEC : TOKEN_PROFILE_EES;
    return 0;
}

/* Seconds since the epoch, or an RFC 3339 UTC time. */
static int
parse_time(const char *s, int64_t *out)
{
    struct tm tm;
    char *end;
    long long v;

    if (s == NULL) {
        *out = (int64_t)time(NULL);
        return 0;
    }
    v = strtoll(s, &end, 10);
    if (end != s && *end == '\0' && v > 0) {
        *out = v;
        return 0;
    }
    memset(&tm, 0, sizeof(tm));
    end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (end == NULL || *end != '\0')
        return -1;
    *out = (int64_t)timegm(&tm);
    return 0;
}

static void
human_time(int64_t t, int64_t now, char *buf, size_t len)
{
    time_t tt = (time_t)t;
    struct tm tm;
    char when[32];
    int64_t d = t - now, a = d < 0 ? -d : d;

    if (gmtime_r(&tt, &tm) == NULL || strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(when, sizeof(when), "?");
    snprintf(buf, len, "%s (%s%lldh%02lldm%02llds%s)", when, d < 0 ? "" : "in ",
             (long long)(a / 3600), (long long)(a / 60 % 60), (long long)(a % 60),
             d < 0 ? " ago" : "");
}

/* The token from the argument, or stdin ("-" or absent); at most one byte
 * more than TOKEN_MAX_LEN is kept, which is enough for token.too_large. */
static char *
read_token(const char *arg)
{
    size_t cap = TOKEN_MAX_LEN + 2, n;
    char *buf;

    if (arg != NULL && strcmp(arg, "-") != 0)
        return strdup(arg);
    if ((buf = malloc(cap + 1)) == NULL)
        return NULL;
    n = fread(buf, 1, cap, stdin);
    buf[n] = '\0';
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' '))
        buf[--n] = '\0';
    return buf;
}

/* One segment, strictly decoded and parsed (duplicates refused). */
static json_t *
segment_json(const char *seg, size_t len, const char *what)
{
    uint8_t *buf = malloc(b64url_decoded_max(len) + 1);
    json_error_t jerr;
    json_t *j = NULL;
    size_t n;

    if (buf == NULL)
        return NULL;
    if (b64url_decode(seg, len, buf, &n) < 0)
        fprintf(stderr, "edge-jwt: %s is not canonical base64url\n", what);
    else if ((j = json_loadb((const char *)buf, n, JSON_REJECT_DUPLICATES, &jerr)) == NULL)
        fprintf(stderr, "edge-jwt: %s: %s\n", what, jerr.text);
    else if (!json_is_object(j)) {
        fprintf(stderr, "edge-jwt: %s is not a JSON object\n", what);
        json_decref(j);
        j = NULL;
    }
    OPENSSL_cleanse(buf, b64url_decoded_max(len));
    free(buf);
    return j;
}

/* Header and claims without any check of the signature. */
static int
split_decode(const char *tok, json_t **header, json_t **claims)
{
    const char *d1 = strchr(tok, '.'), *d2 = d1 ? strchr(d1 + 1, '.') : NULL;

    *header = *claims = NULL;
    if (strlen(tok) > TOKEN_MAX_LEN) {
        fprintf(stderr, "edge-jwt: token longer than %d bytes\n", TOKEN_MAX_LEN);
        return -1;
    }
    if (d2 == NULL || strchr(d2 + 1, '.') != NULL) {
        fprintf(stderr, "edge-jwt: not three dot-separated segments\n");
        return -1;
    }
    *header = segment_json(tok, (size_t)(d1 - tok), "header");
    *claims = segment_json(d1 + 1, (size_t)(d2 - d1 - 1), "claims");
    return *header && *claims ? 0 : -1;
}

static const char *
claim_str(json_t *claims, const char *name)
{
    return json_string_value(json_object_get(claims, name));
}

/* Which of the two token shapes the claims have. */
static enum token_profile
guess_profile(json_t *c, const char **label)
{
    const char *sub = claim_str(c, "sub"), *cid = claim_str(c, "client_id");

    *label = "neither (not an edgesim access token)";
    if (!claim_str(c, "iss") || !json_object_get(c, "aud") || !cid || !claim_str(c, "scope") ||
        !json_is_integer(json_object_get(c, "exp")))
        return 0;
    if (sub != NULL && strcmp(sub, cid) == 0) {
        *label = "EDGE-9 S-EES -> T-EES (TR 33.739 6.27)";
        return TOKEN_PROFILE_EES;
    }
    if (json_object_get(c, "eec_id") == NULL) {
        *label = "EEC -> EES (TS 33.558 6.2)";
        return TOKEN_PROFILE_EEC;
    }
    return 0;
}

static int
cmd_decode(const struct opts *o)
{
    char *tok = read_token(o->token), when[96], *s;
    json_t *h = NULL, *c = NULL;
    const char *label;
    int64_t now = (int64_t)time(NULL);
    int rc = EXIT_REFUSED;

    if (tok == NULL || split_decode(tok, &h, &c) < 0)
        goto done;
    s = json_dumps(h, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    printf("header:\n%s\n", s);
    free(s);
    s = json_dumps(c, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    printf("claims:\n%s\n", s);
    free(s);
    printf("times (UTC):\n");
    for (const char *const *n = (const char *const[]){"iat", "nbf", "exp", NULL}; *n; n++) {
        json_t *t = json_object_get(c, *n);
        if (json_is_integer(t)) {
            human_time((int64_t)json_integer_value(t), now, when, sizeof(when));
            printf("  %s  %s\n", *n, when);
        } else if (t != NULL) {
            printf("  %s  not a JSON integer\n", *n);
        }
    }
    guess_profile(c, &label);
    printf("profile: %s\n", label);
    printf("signature: not verified (use edge-jwt verify)\n");
    rc = 0;
done:
    json_decref(h);
    json_decref(c);
    if (tok != NULL) {
        OPENSSL_cleanse(tok, strlen(tok));
        free(tok);
    }
    return rc;
}

/* What the user left out, from an unverified peek at the claims c (may be NULL): the trusted
 * issuer, the profile and the TLS peer. Each guess is said on stderr, since each skips a check an
 * EES makes. */
static void
verify_guess(const struct opts *o, json_t *c, const char **iss, struct token_check *chk,
             struct edge_peer *peer)
{
    const char *client = o->client, *label;
    enum token_profile guessed = c ? guess_profile(c, &label) : 0;

    if (*iss == NULL) {
        *iss = c && claim_str(c, "iss") ? claim_str(c, "iss") : "unknown.invalid";
        fprintf(stderr, "note: no --iss: trusting %s for the token's iss %s\n", o->jwks, *iss);
    }
    if (o->profile == NULL) {
        chk->profile = guessed ? guessed : TOKEN_PROFILE_EEC;
        fprintf(stderr, "note: no --profile: checking as %s\n",
                chk->profile == TOKEN_PROFILE_EEC ? "eec" : "ees");
    }
    if (client == NULL) {
        client = c && claim_str(c, "client_id") ? claim_str(c, "client_id") : "";
        fprintf(stderr, "note: no --client: taking the token's client_id %s as the TLS peer\n",
                client);
    }
    if (chk->profile == TOKEN_PROFILE_EEC) {
        /* A token's sub must be the GPSI the peer's credential binds: without --peer-gpsi, the
         * GPSI sent (--gpsi), else the token's own sub, is taken as bound. */
        const char *bound = o->peer_gpsi != NULL ? o->peer_gpsi
                            : o->gpsi != NULL    ? o->gpsi
                            : c != NULL          ? claim_str(c, "sub")
                                                 : NULL;
        if (o->peer_gpsi == NULL && bound != NULL)
            fprintf(stderr, "note: no --peer-gpsi: taking %s as the GPSI the TLS peer binds\n",
                    bound);
        snprintf(peer->eec_id, sizeof(peer->eec_id), "%s", client);
        snprintf(peer->gpsi, sizeof(peer->gpsi), "%s", bound != NULL ? bound : "");
    } else {
        snprintf(peer->fqdn, sizeof(peer->fqdn), "%s", client);
    }
}

/* The verdict as an EES would answer it: the rule, and for a refusal the HTTP status and the
 * WWW-Authenticate challenge (RFC 6750 3). */
static int
verify_print(const struct opts *o, const struct token_verdict *v)
{
    char chal[512];

    printf("%s: %s\n", token_rule_name(v->rule), v->sentence);
    if (v->rule == TOKEN_OK)
        return 0;
    printf("HTTP %d", token_rule_status(v->rule));
    if (token_www_authenticate(v, o->scope, chal, sizeof(chal)) == 0)
        printf(", WWW-Authenticate: %s", chal);
    printf("\n");
    return EXIT_REFUSED;
}

static int
cmd_verify(const struct opts *o)
{
    char err[EDGE_ERR_LEN], *tok = NULL;
    struct keyring *kr = keyring_new();
    json_t *h = NULL, *c = NULL;
    struct edge_peer peer = {.mode = EDGE_PEER_CERT};
    struct token_check chk = {0};
    struct token_verdict v = {0};
    const char *iss = o->iss, *trusted[2] = {NULL, NULL};
    int rc = EXIT_USAGE;

    if (o->jwks == NULL || o->aud == NULL) {
        rc = usage("verify needs --jwks and --aud");
        goto done;
    }
    if (parse_time(o->now, &chk.now) < 0) {
        rc = usage("--now: not epoch seconds nor YYYY-MM-DDTHH:MM:SSZ");
        goto done;
    }
    if (parse_profile(o->profile, &chk.profile, err) < 0) {
        rc = usage(err);
        goto done;
    }
    if ((tok = read_token(o->token)) == NULL)
        goto done;
    /* Unverified peek, only to fill in what the user left out. */
    split_decode(tok, &h, &c);
    verify_guess(o, c, &iss, &chk, &peer);
    if (jwks_load_file(kr, iss, o->jwks, err) < 0) {
        fprintf(stderr, "edge-jwt: %s\n", err);
        rc = EXIT_REFUSED;
        goto done;
    }
    trusted[0] = iss;
    chk.aud = o->aud;
    chk.scope = o->scope;
    chk.keys = kr;
    chk.trusted = trusted;
    chk.peer = &peer;
    chk.gpsi = o->gpsi;
    token_validate(tok, &chk, &v);
    rc = verify_print(o, &v);
done:
    token_verdict_clear(&v);
    json_decref(h);
    json_decref(c);
    keyring_free(kr);
    if (tok != NULL) {
        OPENSSL_cleanse(tok, strlen(tok));
        free(tok);
    }
    return rc;
}

static int
cmd_issue(const struct opts *o)
{
    char err[EDGE_ERR_LEN], *end;
    struct keyring *kr = keyring_new();
    struct edge_peer peer = {.mode = EDGE_PEER_CERT};
    struct token_issued t = {0};
    enum token_profile profile = TOKEN_PROFILE_EEC;
    int64_t now, lifetime = 300;
    int rc = EXIT_USAGE;

    if (o->nkey != 1 || o->nkid != 1 || !o->iss || !o->aud || !o->scope || !o->client) {
        rc = usage("issue needs --key, --kid, --iss, --aud, --scope and --client");
        goto done;
    }
    if (parse_profile(o->profile, &profile, err) < 0) {
        rc = usage(err);
        goto done;
    }
    if (parse_time(o->now, &now) < 0) {
        rc = usage("--now: not epoch seconds nor YYYY-MM-DDTHH:MM:SSZ");
        goto done;
    }
    if (o->lifetime && ((lifetime = strtoll(o->lifetime, &end, 10)) <= 0 || *end != '\0')) {
        rc = usage("--lifetime: seconds");
        goto done;
    }
    rc = EXIT_REFUSED;
    if (keyring_load_signing_file(kr, o->iss, o->kid[0], o->key[0], err) < 0) {
        fprintf(stderr, "edge-jwt: %s\n", err);
        goto done;
    }
    if (profile == TOKEN_PROFILE_EES) {
        if (token_issue_ees(kr, o->client, o->aud, o->scope, o->eec_id, NULL, now, lifetime, &t,
                            err) < 0) {
            fprintf(stderr, "edge-jwt: %s\n", err);
            goto done;
        }
    } else {
        /* The tool stands in for an ECS whose EEC authenticated this EEC
         * ID and GPSI. */
        snprintf(peer.eec_id, sizeof(peer.eec_id), "%s", o->client);
        snprintf(peer.gpsi, sizeof(peer.gpsi), "%s", o->gpsi ? o->gpsi : "");
        if (token_issue_eec(kr, &peer, o->gpsi, o->aud, o->scope, now, lifetime, &t, err) < 0) {
            fprintf(stderr, "edge-jwt: %s\n", err);
            goto done;
        }
    }
    printf("%s\n", t.token);
    rc = 0;
done:
    token_issued_clear(&t);
    keyring_free(kr);
    return rc;
}

static int
cmd_jwks(const struct opts *o)
{
    /* A JWKS names no issuer: files given one by one are filed under a
     * placeholder that never leaves this process. */
    const char *iss = o->dir ? o->iss : "jwks.invalid";
    char err[EDGE_ERR_LEN], *doc = NULL;
    struct keyring *kr = keyring_new();
    int rc = EXIT_USAGE;

    if (o->dir ? (o->iss == NULL || o->nkey) : (o->nkey == 0 || o->nkey != o->nkid)) {
        rc = usage("jwks needs --key PUB --kid KID pairs, or --dir DIR --iss FQDN");
        goto done;
    }
    rc = EXIT_REFUSED;
    if (o->dir && keyring_load_dir(kr, o->dir, iss, 0, err) < 0) {
        fprintf(stderr, "edge-jwt: %s\n", err);
        goto done;
    }
    for (int i = 0; i < o->nkey; i++) {
        if (keyring_load_verify_file(kr, iss, o->kid[i], o->key[i], err) < 0) {
            fprintf(stderr, "edge-jwt: %s\n", err);
            goto done;
        }
    }
    if ((doc = jwks_dump(kr, iss, err)) == NULL) {
        fprintf(stderr, "edge-jwt: %s\n", err);
        goto done;
    }
    printf("%s\n", doc);
    rc = 0;
done:
    free(doc);
    keyring_free(kr);
    return rc;
}

/* Options: each stores its value at an offset of struct opts, but --key and --kid, which
 * repeat. */
#define O(m) offsetof(struct opts, m)
static const struct {
    struct option opt;
    size_t at;
} jwt_opts[] = {
    {{"jwks", required_argument, NULL, 'j'}, O(jwks)},
    {{"aud", required_argument, NULL, 'a'}, O(aud)},
    {{"scope", required_argument, NULL, 's'}, O(scope)},
    {{"iss", required_argument, NULL, 'i'}, O(iss)},
    {{"client", required_argument, NULL, 'c'}, O(client)},
    {{"gpsi", required_argument, NULL, 'g'}, O(gpsi)},
    {{"peer-gpsi", required_argument, NULL, 'G'}, O(peer_gpsi)},
    {{"profile", required_argument, NULL, 'p'}, O(profile)},
    {{"now", required_argument, NULL, 'n'}, O(now)},
    {{"dir", required_argument, NULL, 'd'}, O(dir)},
    {{"eec-id", required_argument, NULL, 'e'}, O(eec_id)},
    {{"lifetime", required_argument, NULL, 'l'}, O(lifetime)},
    {{"key", required_argument, NULL, 'k'}, 0},
    {{"kid", required_argument, NULL, 'K'}, 0},
    {{"help", no_argument, NULL, 'h'}, 0},
};
#undef O
#define JWT_NOPTS (sizeof(jwt_opts) / sizeof(jwt_opts[0]))

/* Store one option; 0, -1 when help was printed (exit 0), or the exit status of a usage error. */
static int
set_option(struct opts *o, int ch, const char *val)
{
    size_t i;

    if (ch == 'h') {
        fputs(usage_text, stdout);
        return -1;
    }
    if (ch == 'k' || ch == 'K') {
        int *n = ch == 'k' ? &o->nkey : &o->nkid;
        if (*n == JWT_MAX_KEYS)
            return usage(ch == 'k' ? "too many --key" : "too many --kid");
        (ch == 'k' ? o->key : o->kid)[(*n)++] = val;
        return 0;
    }
    for (i = 0; i < JWT_NOPTS; i++)
        if (jwt_opts[i].opt.val == ch) {
            *(const char **)(void *)((char *)o + jwt_opts[i].at) = val;
            return 0;
        }
    return usage(NULL);
}

/* The options after the command word, and at most one token. */
static int
parse_opts(int argc, char **argv, struct opts *o)
{
    struct option longopts[JWT_NOPTS + 1];
    int ch, rc;

    for (size_t i = 0; i < JWT_NOPTS; i++)
        longopts[i] = jwt_opts[i].opt;
    memset(&longopts[JWT_NOPTS], 0, sizeof(longopts[JWT_NOPTS]));
    optind = 2;
    while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1)
        if ((rc = set_option(o, ch, optarg)) != 0)
            return rc;
    /* The token may come before or after the options: GNU getopt permutes. */
    if (optind < argc)
        o->token = argv[optind++];
    if (optind < argc)
        return usage("more than one token");
    return 0;
}

static const struct {
    const char *name;
    int (*run)(const struct opts *o);
    int takes_token;
} jwt_cmds[] = {
    {"decode", cmd_decode, 1},
    {"verify", cmd_verify, 1},
    {"issue", cmd_issue, 0},
    {"jwks", cmd_jwks, 0},
};

int
main(int argc, char **argv)
{
    struct opts o = {0};
    const char *cmd;
    int rc;

    if (argc < 2)
        return usage(NULL);
    cmd = argv[1];
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage_text, stdout);
        return 0;
    }
    if ((rc = parse_opts(argc, argv, &o)) != 0)
        return rc < 0 ? 0 : rc;
    for (size_t i = 0; i < sizeof(jwt_cmds) / sizeof(jwt_cmds[0]); i++) {
        if (strcmp(cmd, jwt_cmds[i].name) != 0)
            continue;
        if (o.token != NULL && !jwt_cmds[i].takes_token) {
            fprintf(stderr, "edge-jwt: %s takes no token\n", cmd);
            return usage(NULL);
        }
        return jwt_cmds[i].run(&o);
    }
    return usage("unknown command");
}
