/* tokstore.c -- the run's tokens: records indexed by the token, a population's tokens counted by
 * digest and jti, each verified once with the cached keys of its ECS (tokstore.h; TS 33.558 6.2,
 * RFC 7519 4.1.7 jti). */
#include "tokstore.h"

#include "base/b64url.h"
#include "base/err.h"
#include "base/strmap.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

struct tok_signer {
    char *id, *name;
};

/* A counted token (key: its SHA-256) and a counted jti. */
struct tok_jti {
    int mark; /* the last step that counted it */
};
struct tok_counted {
    int mark;
    int verified;
    struct tok_jti *jti; /* NULL: the token has none */
};

struct tokstore {
    json_t *records;
    struct strmap *byjwt; /* compact JWS -> its record */
    struct tok_keys *keys;
    struct tok_signer *signer;
    size_t nsigners;
    /* counted */
    struct strmap *counted, *jtis;
    int mark;
    size_t events, tokens, njtis, fresh, verified, unverified;
};

struct tokstore *
tokstore_new(json_t *records, const char *pkidir)
{
    struct tokstore *s = calloc(1, sizeof(*s));

    if (s == NULL)
        return NULL;
    s->records = records;
    if ((s->byjwt = strmap_new()) == NULL || (s->keys = tok_keys_new(pkidir)) == NULL ||
        (s->counted = strmap_new()) == NULL || (s->jtis = strmap_new()) == NULL) {
        tokstore_free(s);
        return NULL;
    }
    return s;
}

void
tokstore_free(struct tokstore *s)
{
    if (s == NULL)
        return;
    strmap_free(s->byjwt, NULL); /* the records belong to the run */
    strmap_free(s->counted, free);
    strmap_free(s->jtis, free);
    tok_keys_free(s->keys);
    for (size_t i = 0; i < s->nsigners; i++) {
        free(s->signer[i].id);
        free(s->signer[i].name);
    }
    free(s->signer);
    free(s);
}

int
tokstore_signer(struct tokstore *s, const char *id, const char *name)
{
    struct tok_signer *g = realloc(s->signer, (s->nsigners + 1) * sizeof(*g));

    if (g == NULL)
        return -1;
    s->signer = g;
    g[s->nsigners].id = strdup(id);
    g[s->nsigners].name = strdup(name);
    if (g[s->nsigners].id == NULL || g[s->nsigners].name == NULL) {
        free(g[s->nsigners].id);
        free(g[s->nsigners].name);
        return -1;
    }
    s->nsigners++;
    return 0;
}

struct tok_keys *
tokstore_keys(struct tokstore *s)
{
    return s->keys;
}

static const struct tok_signer *
tokstore_signer_of(const struct tokstore *s, const char *id)
{
    for (size_t i = 0; id != NULL && i < s->nsigners; i++)
        if (strcmp(s->signer[i].id, id) == 0)
            return &s->signer[i];
    return NULL;
}

/* Who really signed: the ECS its iss names first (the one that did, for a token an ECS issued),
 * then every other ECS of the run. NULL: none of their keys verifies it. */
static const struct tok_signer *
tokstore_who_signed(struct tokstore *s, const char *jwt, json_t *claims)
{
    const struct tok_signer *iss =
        tokstore_signer_of(s, json_string_value(json_object_get(claims, "iss")));
    char err[EDGE_ERR_LEN];

    if (iss != NULL && tok_signed_by(s->keys, jwt, iss->id, err) == 1)
        return iss;
    for (size_t i = 0; i < s->nsigners; i++)
        if (&s->signer[i] != iss && tok_signed_by(s->keys, jwt, s->signer[i].id, err) == 1)
            return &s->signer[i];
    return NULL;
}

json_t *
tokstore_find(const struct tokstore *s, const char *jwt)
{
    return strmap_get(s->byjwt, jwt);
}

/* A sighting at step of a token already recorded: the step in its list, once. */
static void
tokstore_sighting(json_t *t, const char *step)
{
    json_t *steps = json_object_get(t, "steps"), *v;
    size_t i;

    if (step == NULL)
        return;
    json_array_foreach(steps, i, v)
    {
        if (strcmp(json_string_value(v), step) == 0)
            return;
    }
    json_array_append_new(steps, json_string(step));
}

json_t *
tokstore_record(struct tokstore *s, const char *jwt, const char *step, const char *how)
{
    json_t *t, *h = NULL, *c = NULL;
    const struct tok_signer *by;
    char err[EDGE_ERR_LEN];

    if (jwt == NULL || jwt[0] == '\0' || strchr(jwt, '.') == NULL)
        return NULL;
    if ((t = strmap_get(s->byjwt, jwt)) != NULL) {
        tokstore_sighting(t, step);
        return t;
    }
    t = json_pack("{s:s, s:[], s:s, s:[]}", "jwt", jwt, "steps", "how", how, "verdicts");
    if (t == NULL || strmap_put(s->byjwt, jwt, t, NULL) == -1) {
        json_decref(t);
        return NULL;
    }
    if (step != NULL)
        json_array_append_new(json_object_get(t, "steps"), json_string(step));
    if (tok_decode(jwt, &h, &c, err) == 0) {
        json_object_set_new(t, "header", h);
        json_object_set_new(t, "claims", c);
        if ((by = tokstore_who_signed(s, jwt, c)) != NULL)
            json_object_set_new(t, "signedBy", json_string(by->name));
    } else {
        json_object_set_new(t, "decodeError", json_string(err));
    }
    json_array_append_new(s->records, t); /* the index's reference is the array's */
    return t;
}

/* ---- counted ---- */

void
tokstore_count_begin(struct tokstore *s)
{
    s->mark++;
    s->events = s->tokens = s->njtis = s->fresh = s->verified = s->unverified = 0;
}

/* The jti entry of claims' jti, made when new; NULL when there is none (or no memory). */
static struct tok_jti *
tokstore_jti(struct tokstore *s, json_t *claims)
{
    const char *jti = json_string_value(json_object_get(claims, "jti"));
    struct tok_jti *j;

    if (jti == NULL)
        return NULL;
    if ((j = strmap_get(s->jtis, jti)) == NULL && (j = calloc(1, sizeof(*j))) != NULL &&
        strmap_put(s->jtis, jti, j, NULL) == -1) {
        free(j);
        j = NULL;
    }
    return j;
}

/* A token new to the run: its jti, and whether a key of the ECS its iss names verifies it. */
static struct tok_counted *
tokstore_counted_new(struct tokstore *s, const char *jwt, const char *digest)
{
    struct tok_counted *e = calloc(1, sizeof(*e));
    const struct tok_signer *iss;
    json_t *h = NULL, *c = NULL;
    char err[EDGE_ERR_LEN];

    if (e == NULL || strmap_put(s->counted, digest, e, NULL) == -1) {
        free(e);
        return NULL;
    }
    if (tok_decode(jwt, &h, &c, err) == 0) {
        e->jti = tokstore_jti(s, c);
        iss = tokstore_signer_of(s, json_string_value(json_object_get(c, "iss")));
        e->verified = iss != NULL && tok_signed_by(s->keys, jwt, iss->id, err) == 1;
    }
    json_decref(h);
    json_decref(c);
    s->fresh++;
    return e;
}

void
tokstore_count(struct tokstore *s, const char *jwt)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    char digest[64];
    struct tok_counted *e;

    s->events++;
    /* Its SHA-256 stands for the token: a population's tens of thousands are not kept. */
    if (jwt == NULL || EVP_Digest(jwt, strlen(jwt), md, &mdlen, EVP_sha256(), NULL) != 1)
        return;
    b64url_encode(md, mdlen, digest);
    if ((e = strmap_get(s->counted, digest)) == NULL &&
        (e = tokstore_counted_new(s, jwt, digest)) == NULL)
        return;
    if (e->mark == s->mark)
        return;
    e->mark = s->mark;
    s->tokens++;
    if (e->verified)
        s->verified++;
    else
        s->unverified++;
    if (e->jti != NULL && e->jti->mark != s->mark) {
        e->jti->mark = s->mark;
        s->njtis++;
    }
}

json_t *
tokstore_count_result(const struct tokstore *s)
{
    return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}", "events", (json_int_t)s->events, "tokens",
                     (json_int_t)s->tokens, "jtis", (json_int_t)s->njtis, "new",
                     (json_int_t)s->fresh, "verified", (json_int_t)s->verified, "unverified",
                     (json_int_t)s->unverified);
}
