/* libjwt_check.c -- the independent cross-check of edgesim's tokens: libjwt 1.10 (Debian 12)
 * decodes and verifies every token edgesim issues with the issuer's public key PEM
 * (TS 33.558 6.2 EEC -> EES, TR 33.739 6.27 S-EES -> T-EES, also forwarded ECS -> ECS).
 *
 * edgesim signs with its own code (keyring_sign_es256, es256.c); libjwt shares none of it, so a
 * token it accepts is a correct JWS ES256 (raw R || S, base64url, signing input). libjwt checks
 * nothing else (notes/libjwt-1.10.md): after every decode the alg is checked here, the key is
 * never empty, and the token size is capped before libjwt's alloca sees it.
 *
 *   token_libjwt issue
 *       tokens of every profile from token_issue_* across a key rotation, until some signatures
 *       have an R or S with a leading zero byte; and the refusals that show the check can fail.
 *   token_libjwt runs EDGE_RUN ROWS SCENARIO_DIR WORK_DIR
 *       each row of ROWS names a scenario and the kinds of token its run must produce; the run
 *       (loopback) records every token in summary.json; each goes through libjwt: the issued
 *       ones must verify, the runner's forgeries must not. */
#include "auth/token_issue.h"
#include "auth/token_validate.h"
#include "base/b64url.h"
#include "check.h"
#include "forge.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <jwt.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define NOW 1767225600LL
#define LIFETIME 600
#define MIN_TOKENS 2000
#define MAX_TOKENS 50000
#define MIN_LEADING_ZERO 4 /* signatures whose R or S starts with a zero byte */
#define PEM_MAX 16384

extern char **environ;

/* libjwt's verdict on tok with the public key pem: 1 verified as ES256 (claims set to libjwt's
 * view of the claims, new reference), 0 refused (why says by whom). */
static int
libjwt_verify(const char *tok, const char *pem, size_t pem_len, json_t **claims, char *why)
{
    jwt_t *jwt = NULL;
    char *grants = NULL;
    int rc, ok = 0;

    *claims = NULL;
    if (pem == NULL || pem_len == 0 || pem_len > PEM_MAX)
        return snprintf(why, EDGE_ERR_LEN, "no public key (libjwt would verify nothing)"), 0;
    if (strnlen(tok, TOKEN_MAX_LEN + 1) > TOKEN_MAX_LEN)
        return snprintf(why, EDGE_ERR_LEN, "longer than %d bytes", TOKEN_MAX_LEN), 0;
    if ((rc = jwt_decode(&jwt, tok, (const unsigned char *)pem, (int)pem_len)) != 0) {
        snprintf(why, EDGE_ERR_LEN, "jwt_decode: %s", strerror(rc));
        goto done;
    }
    /* The header chose the algorithm: HS256 keyed with this PEM also decodes. */
    if (jwt_get_alg(jwt) != JWT_ALG_ES256) {
        snprintf(why, EDGE_ERR_LEN, "jwt_decode accepted alg %s", jwt_alg_str(jwt_get_alg(jwt)));
        goto done;
    }
    if ((grants = jwt_get_grants_json(jwt, NULL)) == NULL ||
        (*claims = json_loads(grants, 0, NULL)) == NULL) {
        snprintf(why, EDGE_ERR_LEN, "libjwt returned no claims");
        goto done;
    }
    ok = 1;
done:
    free(grants);
    jwt_free(jwt);
    return ok;
}

/* ---- issue: token_issue_* against libjwt ---- */

struct signer {
    const char *kid;
    char *pem_pub;
};

/* 1 when the JWS signature of tok has an R or S with a leading zero byte: the case a DER to
 * R || S conversion gets wrong first. */
static int
leading_zero(const char *tok)
{
    const char *s = strrchr(tok, '.');
    uint8_t sig[KEYRING_SIG_LEN + 3];
    size_t n;

    if (s == NULL || b64url_decode(s + 1, strlen(s + 1), sig, &n) < 0 || n != KEYRING_SIG_LEN)
        return 0;
    return sig[0] == 0 || sig[KEYRING_COORD_LEN] == 0;
}

/* The claims token_issue_* promises (token_issue.h), for the i-th variant. */
static json_t *
expected_claims(int variant, const struct token_issued *t)
{
    json_t *c;

    if (variant < 2) {
        c = json_pack("{s:s, s:s, s:s, s:s, s:I}", "iss", "ecs1.edge.test", "aud", "ees1.edge.test",
                      "client_id", "eec-0001", "scope", "eees-eecreg eees-easdisc", "nbf",
                      (json_int_t)NOW);
        if (variant == 0)
            json_object_set_new(c, "sub", json_string("msisdn-491700000001"));
    } else {
        c = json_pack("{s:s, s:s, s:s, s:s, s:s}", "iss", "ecs1.edge.test", "aud", "ees2.edge.test",
                      "client_id", "ees1.edge.test", "sub", "ees1.edge.test", "scope",
                      "eees-appctxtreloc");
        if (variant == 2)
            json_object_set_new(c, "eec_id", json_string("eec-0001"));
    }
    json_object_set_new(c, "authn_ecs", json_string("ecs1.edge.test"));
    json_object_set_new(c, "iat", json_integer(t->iat));
    json_object_set_new(c, "exp", json_integer(t->exp));
    json_object_set_new(c, "jti", json_string(t->jti));
    return c;
}

/* Variants: 0 EEC token with sub, 1 without, 2 EDGE-9 token with eec_id, 3 without. */
static int
issue_one(const struct keyring *kr, int variant, struct token_issued *t, char *err)
{
    static const struct edge_peer eec = {EDGE_PEER_CERT,        "", "eec-0001",
                                         "msisdn-491700000001", "", ""};

    if (variant < 2)
        return token_issue_eec(kr, &eec, variant == 0 ? "msisdn-491700000001" : NULL,
                               "ees1.edge.test", "eees-eecreg eees-easdisc", NOW, LIFETIME, t, err);
    return token_issue_ees(kr, "ees1.edge.test", "ees2.edge.test", "eees-appctxtreloc",
                           variant == 2 ? "eec-0001" : NULL, NULL, NOW, LIFETIME, t, err);
}

static const char *
pem_of_kid(const struct signer *s, size_t n, const char *kid)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(s[i].kid, kid) == 0)
            return s[i].pem_pub;
    return NULL;
}

/* Every profile, across a rotation k1 -> k2, until enough leading-zero signatures were seen. */
static void
issue_many(struct keyring *kr, const struct signer *s, size_t ns)
{
    char err[EDGE_ERR_LEN], why[EDGE_ERR_LEN];
    int n = 0, zeros = 0, bad = 0;

    for (; n < MAX_TOKENS && (n < MIN_TOKENS || zeros < MIN_LEADING_ZERO); n++) {
        struct token_issued t;
        json_t *got = NULL, *want;
        const char *pem;

        if (n == MIN_TOKENS / 2)
            CHECK(keyring_set_active(kr, "k2", err) == 0, "%s", err);
        if (issue_one(kr, n % 4, &t, err) < 0) {
            CHECK(0, "issue %d: %s", n, err);
            return;
        }
        zeros += leading_zero(t.token);
        pem = pem_of_kid(s, ns, t.kid);
        want = expected_claims(n % 4, &t);
        if (!libjwt_verify(t.token, pem, pem ? strlen(pem) : 0, &got, why) ||
            !json_equal(got, want)) {
            if (bad++ < 5)
                printf("FAIL token %d (variant %d, kid %s): %s\n", n, n % 4, t.kid,
                       got ? "claims differ" : why);
        }
        json_decref(got);
        json_decref(want);
        token_issued_clear(&t);
    }
    CHECK(bad == 0, "%d of %d tokens refused by libjwt", bad, n);
    CHECK(zeros >= MIN_LEADING_ZERO, "only %d leading-zero signatures in %d tokens", zeros, n);
    printf("libjwt verified %d tokens of 4 variants, 2 keys, %d with a leading-zero R or S\n",
           n - bad, zeros);
}

/* An HS256 token keyed with the public key PEM: libjwt 1.10 decodes it (key confusion). */
static char *
hs256_with_pem(const char *claims_b64, const char *pem)
{
    static const char hdr[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
    char *h = forge_b64url((const unsigned char *)hdr, strlen(hdr)), *s, *tok, *in;
    unsigned char mac[32];
    unsigned int ml = 0;
    size_t len = strlen(h) + strlen(claims_b64) + 2;

    in = malloc(len);
    snprintf(in, len, "%s.%s", h, claims_b64);
    HMAC(EVP_sha256(), pem, (int)strlen(pem), (unsigned char *)in, strlen(in), mac, &ml);
    s = forge_b64url(mac, ml);
    tok = malloc(len + strlen(s) + 1);
    snprintf(tok, len + strlen(s) + 1, "%s.%s", in, s);
    free(h);
    free(in);
    free(s);
    return tok;
}

/* The check must be able to fail: wrong key, changed claims, no key, key confusion. */
static void
issue_refusals(const struct keyring *kr, const struct signer *s)
{
    char err[EDGE_ERR_LEN], why[EDGE_ERR_LEN];
    struct token_issued t;
    json_t *c = NULL;
    char *tampered, *conf;
    const char *d1, *d2;

    if (issue_one(kr, 0, &t, err) < 0) {
        CHECK(0, "issue: %s", err);
        return;
    }
    d1 = strchr(t.token, '.');
    d2 = strrchr(t.token, '.');
    CHECK(libjwt_verify(t.token, s[1].pem_pub, strlen(s[1].pem_pub), &c, why), "k2 token: %s", why);
    json_decref(c);
    CHECK(!libjwt_verify(t.token, s[0].pem_pub, strlen(s[0].pem_pub), &c, why),
          "a k2 token verified with k1's key");
    tampered = strdup(t.token);
    tampered[d1 - t.token + 2] = tampered[d1 - t.token + 2] == 'A' ? 'B' : 'A';
    CHECK(!libjwt_verify(tampered, s[1].pem_pub, strlen(s[1].pem_pub), &c, why),
          "changed claims verified");
    CHECK(!libjwt_verify(t.token, "", 0, &c, why), "verified with no key");
    /* The claims segment of the genuine token under an HS256 MAC keyed with the PEM. */
    memcpy(tampered, t.token, strlen(t.token));
    tampered[d2 - t.token] = '\0';
    conf = hs256_with_pem(tampered + (d1 - t.token) + 1, s[1].pem_pub);
    CHECK(!libjwt_verify(conf, s[1].pem_pub, strlen(s[1].pem_pub), &c, why) &&
              strstr(why, "HS256") != NULL,
          "HS256 with the public key: %s", why);
    free(conf);
    free(tampered);
    token_issued_clear(&t);
}

/* Claims with the two characters JSON escapes: an extid GPSI may hold '"' and '\\' (TS 23.003
 * 28.7.2: any visible character), an identifier may not. libjwt reads back exactly the GPSI given,
 * and an eec_id with a quote is refused before anything is signed. */
static void
issue_escaped(const struct keyring *kr, const struct signer *s)
{
    static const char gpsi[] = "extid-\"quoted\"\\back@edge.test";
    static const struct edge_peer eec = {
        EDGE_PEER_CERT, "", "eec-0001", "extid-\"quoted\"\\back@edge.test", "", ""};
    char err[EDGE_ERR_LEN], why[EDGE_ERR_LEN];
    struct token_issued t;
    json_t *c = NULL;

    CHECK(token_issue_ees(kr, "ees1.edge.test", "ees2.edge.test", "eees-appctxtreloc",
                          "eec-\"quoted\"", NULL, NOW, LIFETIME, &t, err) < 0 &&
              strstr(err, "not a valid identifier") != NULL,
          "an eec_id with a quote was signed or refused for another reason: %s", err);
    if (token_issue_eec(kr, &eec, gpsi, "ees1.edge.test", "eees-eecregistration", NOW, LIFETIME, &t,
                        err) < 0) {
        CHECK(0, "issue: %s", err);
        return;
    }
    CHECK(libjwt_verify(t.token, pem_of_kid(s, 2, t.kid), strlen(pem_of_kid(s, 2, t.kid)), &c, why),
          "escaped sub: %s", why);
    CHECK(c != NULL && json_is_string(json_object_get(c, "sub")) &&
              strcmp(json_string_value(json_object_get(c, "sub")), gpsi) == 0,
          "a GPSI with a quote and a backslash did not come back as given");
    json_decref(c);
    token_issued_clear(&t);
}

static int
run_issue(void)
{
    struct signer s[2] = {{"k1", NULL}, {"k2", NULL}};
    struct keyring *kr = keyring_new();
    char err[EDGE_ERR_LEN];

    for (size_t i = 0; i < 2; i++) {
        EVP_PKEY *pk = forge_p256();
        char *priv = forge_pem(pk, 1);
        s[i].pem_pub = forge_pem(pk, 0);
        CHECK(keyring_add_signing_pem(kr, "ecs1.edge.test", s[i].kid, priv, strlen(priv), err) == 0,
              "%s", err);
        free(priv);
        EVP_PKEY_free(pk);
    }
    issue_many(kr, s, 2);
    issue_refusals(kr, s);
    issue_escaped(kr, s);
    for (size_t i = 0; i < 2; i++)
        free(s[i].pem_pub);
    keyring_free(kr);
    printf("%s\n", check_failures ? "FAIL" : "ok");
    return check_failures != 0;
}

/* ---- runs: every token of a scenario run ---- */

/* The whole file (at most PEM_MAX bytes), or NULL. */
static char *
read_small(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *b = malloc(PEM_MAX + 1);
    size_t n = 0;

    if (f != NULL && b != NULL) {
        n = fread(b, 1, PEM_MAX + 1, f);
        if (n > 0 && n <= PEM_MAX) {
            b[n] = '\0';
            *len = n;
            fclose(f);
            return b;
        }
    }
    if (f != NULL)
        fclose(f);
    free(b);
    return NULL;
}

/* A name that may go into a path: an FQDN or a kid, nothing else. */
static int
name_ok(const char *s)
{
    if (s == NULL || s[0] == '\0' || s[0] == '.' || strlen(s) > 253)
        return 0;
    for (; *s != '\0'; s++)
        if (!isalnum((unsigned char)*s) && *s != '.' && *s != '-' && *s != '_')
            return 0;
    return 1;
}

/* Tokens answered on a call that went through more than one ECS (Via, TR 33.739 6.27). */
static int
forwarded(json_t *summary, const char *jwt)
{
    json_t *step;
    size_t i;

    json_array_foreach(json_object_get(summary, "steps"), i, step)
    {
        json_t *res = json_object_get(step, "result");
        const char *t = json_string_value(json_object_get(res, "token"));
        if (t != NULL && strcmp(t, jwt) == 0 && json_array_size(json_object_get(res, "via")) > 1)
            return 1;
    }
    return 0;
}

/* "eec", "eec-nosub", "ees", "ees-forwarded" or "forged", from the claims and the run. */
static const char *
token_kind(json_t *summary, json_t *rec)
{
    const char *how = json_string_value(json_object_get(rec, "how"));
    json_t *claims = json_object_get(rec, "claims");
    const char *cid = json_string_value(json_object_get(claims, "client_id"));
    const char *sub = json_string_value(json_object_get(claims, "sub"));

    if (how != NULL && strncmp(how, "forged", 6) == 0)
        return "forged";
    if (cid != NULL && sub != NULL && strcmp(cid, sub) == 0)
        return forwarded(summary, json_string_value(json_object_get(rec, "jwt"))) ? "ees-forwarded"
                                                                                  : "ees";
    return sub != NULL ? "eec" : "eec-nosub";
}

/* libjwt on one recorded token, with the PEM of the key its header and iss name. */
static int
check_recorded(const char *pkidir, json_t *rec, int forged, char *why)
{
    const char *jwt = json_string_value(json_object_get(rec, "jwt"));
    const char *iss = json_string_value(json_object_get(json_object_get(rec, "claims"), "iss"));
    const char *kid = json_string_value(json_object_get(json_object_get(rec, "header"), "kid"));
    char path[1024], *pem;
    size_t len = 0;
    json_t *got = NULL;
    int ok;

    if (jwt == NULL || !name_ok(iss) || !name_ok(kid))
        return snprintf(why, EDGE_ERR_LEN, "no iss or kid to find a key with"), forged;
    if (snprintf(path, sizeof(path), "%s/%s.sig-%s.pub", pkidir, iss, kid) >= (int)sizeof(path) ||
        (pem = read_small(path, &len)) == NULL)
        return snprintf(why, EDGE_ERR_LEN, "%.200s: cannot read", path), 0;
    ok = libjwt_verify(jwt, pem, len, &got, why);
    if (ok && !json_equal(got, json_object_get(rec, "claims"))) {
        snprintf(why, EDGE_ERR_LEN, "libjwt's claims differ from the runner's decoding");
        ok = 0;
    }
    json_decref(got);
    free(pem);
    return ok != forged;
}

/* Check every token of the run in dir; wants is the row's list of kind@issuer. */
static void
check_run(const char *name, const char *dir, char *wants)
{
    char path[1024], why[EDGE_ERR_LEN], seen[4096] = " ";
    json_t *summary, *rec;
    size_t i, n = 0;

    if (snprintf(path, sizeof(path), "%s/summary.json", dir) >= (int)sizeof(path) ||
        (summary = json_load_file(path, 0, NULL)) == NULL) {
        CHECK(0, "%s: no summary.json", name);
        return;
    }
    if (snprintf(path, sizeof(path), "%s/pki", dir) >= (int)sizeof(path)) {
        json_decref(summary);
        CHECK(0, "%s: path too long", name);
        return;
    }
    json_array_foreach(json_object_get(summary, "tokens"), i, rec)
    {
        const char *kind = token_kind(summary, rec);
        const char *iss = json_string_value(json_object_get(json_object_get(rec, "claims"), "iss"));
        size_t o = strlen(seen);
        int forged = strcmp(kind, "forged") == 0;
        CHECK(check_recorded(path, rec, forged, why), "%s token %zu (%s): %s", name, i + 1, kind,
              forged ? "a forgery verified with libjwt" : why);
        snprintf(seen + o, sizeof(seen) - o, "%s@%s ", kind, iss ? iss : "?");
        n++;
    }
    for (char *w = strtok(wants, " \t"); w != NULL; w = strtok(NULL, " \t")) {
        char pat[300];
        snprintf(pat, sizeof(pat), " %s ", w);
        CHECK(strstr(seen, pat) != NULL, "%s: no token %s among [%s]", name, w, seen);
    }
    printf("%s: %zu tokens through libjwt:%s\n", name, n, seen);
    json_decref(summary);
}

/* edge-run run SCENARIO_DIR/NAME.json --net loopback --out OUT; its output in OUT.log. */
static int
run_scenario(const char *edge_run, const char *scn_dir, const char *name, const char *out)
{
    char scn[1024], log[1100];
    const char *argv[] = {edge_run, "run", scn, "--net", "loopback", "--out", out, NULL};
    posix_spawn_file_actions_t fa;
    pid_t pid;
    int st = 0, rc;

    snprintf(scn, sizeof(scn), "%s/%s.json", scn_dir, name);
    snprintf(log, sizeof(log), "%s.log", out);
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    rc = posix_spawn(&pid, edge_run, &fa, NULL, (char *const *)argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0 || waitpid(pid, &st, 0) != pid)
        return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int
run_rows(const char *edge_run, const char *rows, const char *scn_dir, const char *work)
{
    FILE *f = fopen(rows, "r");
    char line[1024];
    int nrows = 0;

    if (f == NULL || (mkdir(work, 0755) < 0 && errno != EEXIST)) {
        printf("FAIL cannot read %s or make %s\n", rows, work);
        if (f != NULL)
            fclose(f);
        return 1;
    }
    while (fgets(line, sizeof(line), f) != NULL) {
        char *hash = strchr(line, '#'), *name, *wants, out[1024];
        int rc;
        if (hash != NULL)
            *hash = '\0';
        if ((name = strtok(line, " \t\n")) == NULL || !name_ok(name))
            continue;
        wants = strtok(NULL, "\n");
        snprintf(out, sizeof(out), "%s/%s", work, name);
        rc = run_scenario(edge_run, scn_dir, name, out);
        CHECK(rc == 0, "%s: edge-run exited %d (see %s.log)", name, rc, out);
        check_run(name, out, wants ? wants : (char[]){""});
        nrows++;
    }
    fclose(f);
    CHECK(nrows > 0, "no rows in %s", rows);
    printf("%s\n", check_failures ? "FAIL" : "ok");
    return check_failures != 0;
}

int
main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "issue") == 0)
        return run_issue();
    if (argc == 6 && strcmp(argv[1], "runs") == 0)
        return run_rows(argv[2], argv[3], argv[4], argv[5]);
    fprintf(stderr, "usage: token_libjwt issue | runs EDGE_RUN ROWS SCENARIO_DIR WORK_DIR\n");
    return 2;
}
