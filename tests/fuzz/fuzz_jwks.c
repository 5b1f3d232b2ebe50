/* fuzz_jwks.c -- fuzz target of jwks_load() (RFC 7517 5, RFC 7518 6.2), which turns a JWKS
 * document from the network into an EES's verification keys.
 *
 * Each input is loaded twice: into an empty keyring, and into one that already holds key k1 of
 * the same issuer. The oracle: no crash; the result is -1 with a message or the number of keys;
 * the keyring grows by exactly that many, with the coordinates and kids of the document, and a
 * refused document leaves the keyring as it was (all or nothing, nothing stored lost); and the
 * document is accepted exactly when an independent reading of jwks.h's rules accepts it (curve
 * membership checked with EC_POINT, not with the EVP import jwks.c uses). */
#include "fuzz.h"

#include "auth/jwks.h"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static EC_GROUP *p256;
static BIGNUM *field_p;
static uint8_t pre_x[32], pre_y[32]; /* the key k1 already in the second keyring */

static const char *const jwk_names[] = {"kty", "crv",     "x", "y", "kid", "use",  "alg",
                                        "d",   "key_ops", "n", "e", "x5c", "keys", NULL};
static const char *values[40]; /* filled at set-up: kids, curve names, coordinate variants */
static char *coord_variants[16];

static int
kid_ok(const char *s)
{
    size_t n = strlen(s);

    if (n == 0 || n > KEYRING_KID_MAX)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
              (s[i] >= '0' && s[i] <= '9') || s[i] == '.' || s[i] == '_' || s[i] == '-'))
            return 0;
    return 1;
}

static int
fixed(json_t *o, const char *name, const char *want, int required)
{
    json_t *v = json_object_get(o, name);

    if (v == NULL)
        return !required;
    return json_is_string(v) && strcmp(json_string_value(v), want) == 0;
}

static int
coord(json_t *o, const char *name, uint8_t out[32])
{
    json_t *v = json_object_get(o, name);
    size_t n;

    return json_is_string(v) && json_string_length(v) == 43 &&
           fz_b64url_decode(json_string_value(v), 43, out, &n) == 0 && n == 32;
}

static int
on_curve(const uint8_t x[32], const uint8_t y[32])
{
    BIGNUM *bx = BN_bin2bn(x, 32, NULL), *by = BN_bin2bn(y, 32, NULL);
    EC_POINT *pt = EC_POINT_new(p256);
    int ok = bx && by && pt && BN_cmp(bx, field_p) < 0 && BN_cmp(by, field_p) < 0 &&
             EC_POINT_set_affine_coordinates(p256, pt, bx, by, NULL) == 1 &&
             EC_POINT_is_on_curve(p256, pt, NULL) == 1;

    EC_POINT_free(pt);
    BN_free(bx);
    BN_free(by);
    return ok;
}

/* jwks.h's rules, read independently. room: keys the keyring can still take; taken: a kid the
 * keyring already has for this issuer, or NULL. Returns the number of keys or -1. */
static int
ref_load(const uint8_t *text, size_t len, size_t room, const char *taken)
{
    json_t *doc, *keys, *k;
    size_t i;
    int n = -1;

    if (len > JWKS_MAX_LEN)
        return -1;
    doc = json_loadb((const char *)text, len, JSON_REJECT_DUPLICATES, NULL);
    keys = json_object_get(doc, "keys");
    if (!json_is_object(doc) || !json_is_array(keys) || json_array_size(keys) == 0 ||
        json_array_size(keys) > KEYRING_MAX_KEYS || json_array_size(keys) > room)
        goto done;
    json_array_foreach(keys, i, k)
    {
        json_t *kid = json_object_get(k, "kid");
        uint8_t x[32], y[32];
        if (!json_is_object(k) || !fixed(k, "kty", "EC", 1) || !fixed(k, "crv", "P-256", 1) ||
            !fixed(k, "use", "sig", 0) || !fixed(k, "alg", "ES256", 0) ||
            json_object_get(k, "d") != NULL || !json_is_string(kid) ||
            !kid_ok(json_string_value(kid)) ||
            (taken != NULL && strcmp(json_string_value(kid), taken) == 0) || !coord(k, "x", x) ||
            !coord(k, "y", y) || !on_curve(x, y))
            goto done;
        for (size_t j = 0; j < i; j++)
            if (strcmp(json_string_value(json_object_get(json_array_get(keys, j), "kid")),
                       json_string_value(kid)) == 0)
                goto done;
    }
    n = (int)json_array_size(keys);
done:
    json_decref(doc);
    return n;
}

/* The keys the keyring gained from position from on must be the document's, in order. */
static int
same_keys(const struct keyring *kr, size_t from, const uint8_t *text, size_t len)
{
    json_t *doc = json_loadb((const char *)text, len, 0, NULL),
           *keys = json_object_get(doc, "keys");
    int ok = 1;

    for (size_t i = 0; ok && i < json_array_size(keys); i++) {
        json_t *k = json_array_get(keys, i);
        const char *iss, *kid;
        uint8_t x[32], y[32], dx[32], dy[32];
        ok = keyring_public_xy(kr, from + i, &iss, &kid, x, y) == 0 && strcmp(iss, FZ_ECS1) == 0 &&
             strcmp(kid, json_string_value(json_object_get(k, "kid"))) == 0 && coord(k, "x", dx) &&
             coord(k, "y", dy) && memcmp(x, dx, 32) == 0 && memcmp(y, dy, 32) == 0;
    }
    json_decref(doc);
    return ok;
}

static void
jwks_one(const uint8_t *data, size_t n)
{
    char *text = fz_dup_exact(data, n, 0); /* not NUL-terminated: jwks_load takes a length */

    fz_execs++;
    for (int pre = 0; pre < 2; pre++) {
        struct keyring *kr = keyring_new();
        char err[EDGE_ERR_LEN] = "";
        size_t before;
        int got, want;

        if (pre && keyring_add_verify_xy(kr, FZ_ECS1, "k1", pre_x, pre_y, err) < 0)
            abort();
        before = keyring_count(kr);
        got = jwks_load(kr, FZ_ECS1, text, n, err);
        fz_accepted += got >= 0 && !pre;
        want = ref_load(data, n, KEYRING_MAX_KEYS - before, pre ? "k1" : NULL);
        if (got < -1 || (got == -1 && (err[0] == '\0' || memchr(err, 0, sizeof(err)) == NULL)))
            fz_finding("jwks", data, n, "keyring %d: result %d, message '%s'", pre, got, err);
        if (got >= 0 && want < 0)
            fz_finding("jwks", data, n, "keyring %d: WRONG ACCEPTANCE of %d keys", pre, got);
        else if (got < 0 && want >= 0)
            fz_finding("jwks", data, n, "keyring %d: wrong refusal (%s) of a valid JWKS", pre, err);
        else if (got != want)
            fz_finding("jwks", data, n, "keyring %d: %d keys, expected %d", pre, got, want);
        if (keyring_count(kr) != before + (size_t)(got > 0 ? got : 0))
            fz_finding("jwks", data, n, "keyring %d: %zu keys after loading %d into %zu", pre,
                       keyring_count(kr), got, before);
        if (pre) {
            const char *iss, *kid;
            uint8_t x[32], y[32];
            if (keyring_public_xy(kr, 0, &iss, &kid, x, y) < 0 || strcmp(kid, "k1") != 0 ||
                memcmp(x, pre_x, 32) != 0 || memcmp(y, pre_y, 32) != 0)
                fz_finding("jwks", data, n, "the key already stored was changed or lost");
        }
        if (got > 0 && !same_keys(kr, before, data, n))
            fz_finding("jwks", data, n, "keyring %d: the keys stored are not the document's", pre);
        keyring_free(kr);
    }
    free(text);
}

static char *
b64_of_bn(const BIGNUM *bn)
{
    uint8_t b[32];

    BN_bn2binpad(bn, b, 32);
    return fz_b64url(b, 32);
}

static int
jwks_setup(void)
{
    const struct fz_keys *k = fz_keys();
    const char *iss, *kid;
    uint8_t x[32], y[32], x1[32], y1[32];
    BIGNUM *t = BN_new(), *yy;
    size_t nv = 0, nc = 0;

    if (k == NULL)
        return -1;
    p256 = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
    field_p = BN_new();
    if (p256 == NULL || EC_GROUP_get_curve(p256, field_p, NULL, NULL, NULL) != 1)
        return -1;
    if (keyring_public_xy(k->ees, 0, &iss, &kid, x, y) < 0 ||
        keyring_public_xy(k->ees, 1, &iss, &kid, x1, y1) < 0)
        return -1;
    memcpy(pre_x, x1, 32);
    memcpy(pre_y, y1, 32);
    /* Coordinates: valid ones, the other key's (off the curve when mixed), p - y (the negated
     * point, a valid key), 0, p, p - 1, all ones, a flipped bit, and wrong lengths. */
    coord_variants[nc++] = fz_b64url(x, 32);
    coord_variants[nc++] = fz_b64url(y, 32);
    coord_variants[nc++] = fz_b64url(x1, 32);
    coord_variants[nc++] = fz_b64url(y1, 32);
    yy = BN_bin2bn(y, 32, NULL);
    BN_sub(t, field_p, yy);
    coord_variants[nc++] = b64_of_bn(t);
    BN_zero(t);
    coord_variants[nc++] = b64_of_bn(t);
    coord_variants[nc++] = b64_of_bn(field_p);
    BN_sub_word(BN_copy(t, field_p), 1);
    coord_variants[nc++] = b64_of_bn(t);
    BN_add(t, yy, field_p); /* y + p, when it fits in 32 bytes */
    if (BN_num_bytes(t) <= 32)
        coord_variants[nc++] = b64_of_bn(t);
    x[7] ^= 0x10;
    coord_variants[nc++] = fz_b64url(x, 32);
    uint8_t x33[33] = {0};
    memcpy(x33 + 1, x, 32); /* a leading zero byte: 33 bytes, the same number */
    coord_variants[nc++] = fz_b64url(x, 31);
    coord_variants[nc++] = fz_b64url(x33, 33);
    BN_free(t);
    BN_free(yy);
    for (size_t i = 0; i < nc; i++)
        values[nv++] = coord_variants[i];
    static const char *const fixed_values[] = {
        "EC",    "RSA",  "oct", "ec", "P-256", "P-384", "secp256k1", "sig", "enc", "ES256",
        "ES384", "none", "k1",  "k2", "k3",    "k1.",   "",          "k 1", NULL};
    for (size_t i = 0; fixed_values[i] != NULL && nv < 39; i++)
        values[nv++] = fixed_values[i];
    values[nv] = NULL;
    return 0;
}

/* A JWKS of n keys made from the real ones (distinct kids), for the size limits. */
static char *
many_keys(size_t n)
{
    json_t *doc = json_loads(fz_keys()->jwks1, 0, NULL), *keys = json_object_get(doc, "keys");
    json_t *proto = json_deep_copy(json_array_get(keys, 0));
    char kid[16], *s;

    json_array_clear(keys);
    for (size_t i = 0; i < n; i++) {
        json_t *k = json_deep_copy(proto);
        snprintf(kid, sizeof(kid), "kid-%zu", i);
        json_object_set_new(k, "kid", json_string(kid));
        json_array_append_new(keys, k);
    }
    s = json_dumps(doc, JSON_COMPACT);
    json_decref(proto);
    json_decref(doc);
    return s;
}

static void
jwks_campaign(struct fz_rng *r, long iters)
{
    static const char *const dict[] = {"\"kty\"", "\"EC\"", "\"kid\"", "\"d\"", "\"keys\"",
                                       "[",       "]",      "{",       "}",     ",",
                                       ":",       "null",   "\"x\"",   "\"y\"", NULL};
    const char *base = fz_keys()->jwks1;
    struct fz_buf in = {0};

    for (size_t n = 63; n <= 65; n++) { /* the capacity edges, once */
        char *s = many_keys(n);
        jwks_one((const uint8_t *)s, strlen(s));
        free(s);
    }
    for (long i = 0; i < iters; i++) {
        if (fz_one_in(r, 4)) {
            fz_buf_set(&in, base, strlen(base));
            fz_mutate(r, &in, JWKS_MAX_LEN + 16, dict, 4);
        } else {
            json_t *doc = json_loads(base, 0, NULL);
            char *s;
            for (int e = 1 + (int)fz_below(r, 3); e > 0; e--)
                fz_json_mutate(r, doc, jwk_names, values);
            s = fz_json_dump(r, doc);
            fz_buf_set(&in, s, strlen(s));
            if (fz_one_in(r, 4))
                fz_json_text_mutate(r, &in);
            free(s);
            json_decref(doc);
        }
        jwks_one(in.p, in.len);
    }
    fz_buf_free(&in);
}

const struct fz_target fz_target_jwks = {
    .name = "jwks",
    .what = "jwks_load() on mutated JWK Sets",
    .setup = jwks_setup,
    .one = jwks_one,
    .campaign = jwks_campaign,
    .default_iters = 5000,
};
