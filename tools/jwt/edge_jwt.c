/* edge_jwt.c -- edge-jwt: decode, verify, issue tokens of edgesim's token profile and write
 * JWKS documents (TS 33.558 6.2, TR 33.739 6.27, RFC 7519, RFC 7517). verify runs the very
 * token_validate() every EES runs. Exit status: 0 valid / done, 1 refused / failed, 2 usage. */
#include "base/b64url.h"
#include "auth/jwks.h"
#include "auth/keyring.h"
#include "auth/token_issue.h"
#include "auth/token_validate.h"

#include <getopt.h>
#include <jansson.h>
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

static int
cmd_verify(const struct opts *o)
{
    char err[EDGE_ERR_LEN], chal[512];
    char *tok = NULL;
    struct keyring *kr = keyring_new();
    json_t *h = NULL, *c = NULL;
    struct edge_peer peer = {EDGE_PEER_CERT, "", "", "", ""};
    struct token_check chk = {0};
    struct token_verdict v = {0};
    const char *iss = o->iss, *client = o->client, *label, *trusted[2] = {NULL, NULL};
    enum token_profile guessed;
    int rc = EXIT_USAGE;

    if (o->jwks == NULL || o->aud == NULL) {
        rc = usage("verify needs --jwks and --aud");
        goto done;
    }
    if (parse_time(o->now, &chk.now) < 0) {
        rc = usage("--now: not epoch seconds nor YYYY-MM-DDTHH:MM:SSZ");
        goto done;
    }
    if ((tok = read_token(o->token)) == NULL)
        goto done;
    /* Unverified peek, only to fill in what the user left out. */
    split_decode(tok, &h, &c);
    guessed = c ? guess_profile(c, &label) : 0;
    if (iss == NULL) {
        iss = c && claim_str(c, "iss") ? claim_str(c, "iss") : "unknown.invalid";
        fprintf(stderr, "note: no --iss: trusting %s for the token's iss %s\n", o->jwks, iss);
    }
    if (jwks_load_file(kr, iss, o->jwks, err) < 0) {
        fprintf(stderr, "edge-jwt: %s\n", err);
        rc = EXIT_REFUSED;
        goto done;
    }
    if (o->profile != NULL) {
        if (strcmp(o->profile, "eec") != 0 && strcmp(o->profile, "ees") != 0) {
            rc = usage("--profile is eec or ees");
            goto done;
        }
        chk.profile = strcmp(o->profile, "eec") == 0 ? TOKEN_PROFILE_EEC : TOKEN_PROFILE_EES;
    } else {
        chk.profile = guessed ? guessed : TOKEN_PROFILE_EEC;
        fprintf(stderr, "note: no --profile: checking as %s\n",
                chk.profile == TOKEN_PROFILE_EEC ? "eec" : "ees");
    }
    if (client == NULL) {
        client = c && claim_str(c, "client_id") ? claim_str(c, "client_id") : "";
        fprintf(stderr, "note: no --client: taking the token's client_id %s as the TLS peer\n",
                client);
    }
    if (chk.profile == TOKEN_PROFILE_EEC) {
        snprintf(peer.eec_id, sizeof(peer.eec_id), "%s", client);
        snprintf(peer.gpsi, sizeof(peer.gpsi), "%s", o->peer_gpsi ? o->peer_gpsi : "");
    } else {
        snprintf(peer.fqdn, sizeof(peer.fqdn), "%s", client);
    }
    trusted[0] = iss;
    chk.aud = o->aud;
    chk.scope = o->scope;
    chk.keys = kr;
    chk.trusted = trusted;
    chk.peer = &peer;
    chk.gpsi = o->gpsi;
    token_validate(tok, &chk, &v);
    printf("%s: %s\n", token_rule_name(v.rule), v.sentence);
    if (v.rule == TOKEN_OK) {
        rc = 0;
    } else {
        printf("HTTP %d", token_rule_status(v.rule));
        if (token_www_authenticate(&v, o->scope, chal, sizeof(chal)) == 0)
            printf(", WWW-Authenticate: %s", chal);
        printf("\n");
        rc = EXIT_REFUSED;
    }
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
    struct edge_peer peer = {EDGE_PEER_CERT, "", "", "", ""};
    struct token_issued t = {0};
    int64_t now, lifetime = 300;
    int ees = o->profile && strcmp(o->profile, "ees") == 0, rc = EXIT_USAGE;

    if (o->nkey != 1 || o->nkid != 1 || !o->iss || !o->aud || !o->scope || !o->client) {
        rc = usage("issue needs --key, --kid, --iss, --aud, --scope and --client");
        goto done;
    }
    if (o->profile && strcmp(o->profile, "eec") != 0 && !ees) {
        rc = usage("--profile is eec or ees");
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
    if (ees) {
        if (token_issue_ees(kr, o->client, o->aud, o->scope, o->eec_id, now, lifetime, &t, err) <
            0) {
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

int
main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"jwks", required_argument, NULL, 'j'},
        {"aud", required_argument, NULL, 'a'},
        {"scope", required_argument, NULL, 's'},
        {"iss", required_argument, NULL, 'i'},
        {"client", required_argument, NULL, 'c'},
        {"gpsi", required_argument, NULL, 'g'},
        {"peer-gpsi", required_argument, NULL, 'G'},
        {"profile", required_argument, NULL, 'p'},
        {"now", required_argument, NULL, 'n'},
        {"key", required_argument, NULL, 'k'},
        {"kid", required_argument, NULL, 'K'},
        {"dir", required_argument, NULL, 'd'},
        {"eec-id", required_argument, NULL, 'e'},
        {"lifetime", required_argument, NULL, 'l'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct opts o = {0};
    const char *cmd;
    int ch;

    if (argc < 2)
        return usage(NULL);
    cmd = argv[1];
    optind = 2;
    while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (ch) {
        case 'j':
            o.jwks = optarg;
            break;
        case 'a':
            o.aud = optarg;
            break;
        case 's':
            o.scope = optarg;
            break;
        case 'i':
            o.iss = optarg;
            break;
        case 'c':
            o.client = optarg;
            break;
        case 'g':
            o.gpsi = optarg;
            break;
        case 'G':
            o.peer_gpsi = optarg;
            break;
        case 'p':
            o.profile = optarg;
            break;
        case 'n':
            o.now = optarg;
            break;
        case 'd':
            o.dir = optarg;
            break;
        case 'e':
            o.eec_id = optarg;
            break;
        case 'l':
            o.lifetime = optarg;
            break;
        case 'k':
            if (o.nkey == JWT_MAX_KEYS)
                return usage("too many --key");
            o.key[o.nkey++] = optarg;
            break;
        case 'K':
            if (o.nkid == JWT_MAX_KEYS)
                return usage("too many --kid");
            o.kid[o.nkid++] = optarg;
            break;
        case 'h':
            fputs(usage_text, stdout);
            return 0;
        default:
            return usage(NULL);
        }
    }
    /* The token may come before or after the options: GNU getopt permutes. */
    if (optind < argc)
        o.token = argv[optind++];
    if (optind < argc)
        return usage("more than one token");
    if (strcmp(cmd, "decode") == 0)
        return cmd_decode(&o);
    if (strcmp(cmd, "verify") == 0)
        return cmd_verify(&o);
    if (strcmp(cmd, "issue") == 0)
        return o.token ? usage("issue takes no token") : cmd_issue(&o);
    if (strcmp(cmd, "jwks") == 0)
        return o.token ? usage("jwks takes no token") : cmd_jwks(&o);
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage_text, stdout);
        return 0;
    }
    return usage("unknown command");
}
