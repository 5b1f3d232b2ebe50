/* fuzz.h -- what the fuzz targets of the network-facing parsers share: a seeded PRNG, byte
 * buffers and mutators, the finding counter with reproducer files, and the target table.
 *
 * Every target has one input entry point, one(data, len), that checks the parser's contract on
 * that input (no crash, a valid verdict, no wrong acceptance); the deterministic campaign of
 * edge-fuzz and the libFuzzer entry point both feed it, so a saved input replays the same way
 * through either. */
#ifndef EDGE_FUZZ_H
#define EDGE_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "base/err.h"
#include "auth/keyring.h"

/* ---- deterministic PRNG (splitmix64) ---- */

struct fz_rng {
    uint64_t s;
};

uint64_t fz_next(struct fz_rng *r);
/* Uniform in 0..n-1 (n > 0). */
size_t fz_below(struct fz_rng *r, size_t n);
/* 1 with probability 1/n. */
int fz_one_in(struct fz_rng *r, size_t n);
/* The campaign seed: a fixed constant, plus EDGESIM_FUZZ_SEED when set, plus the target name. */
uint64_t fz_seed(const char *target);

/* ---- byte buffers ---- */

struct fz_buf {
    uint8_t *p;
    size_t len, cap;
};

void fz_buf_reserve(struct fz_buf *b, size_t need);
void fz_buf_set(struct fz_buf *b, const void *data, size_t len);
void fz_buf_add(struct fz_buf *b, const void *data, size_t len);
void fz_buf_adds(struct fz_buf *b, const char *s);
void fz_buf_addf(struct fz_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void fz_buf_free(struct fz_buf *b);
/* A malloc'd copy of exactly len bytes (plus a NUL when nul), so that ASan sees any read past it.
 */
char *fz_dup_exact(const void *data, size_t len, int nul);

/* Apply 1..max_ops random byte-level mutations (bit flips, interesting bytes, insertions,
 * deletions, duplications, swaps, truncation, dictionary splices), keeping len <= max_len. */
void fz_mutate(struct fz_rng *r, struct fz_buf *b, size_t max_len, const char *const *dict,
               int max_ops);

/* ---- random JSON values for structured mutations ---- */

/* A random JSON value: strings from dict (or random bytes, long strings), integers near the
 * edges, reals, nested arrays/objects (depth at most depth). New reference. */
json_t *fz_json_value(struct fz_rng *r, const char *const *dict, int depth);
/* Replace, delete or add a member somewhere in v (an object or array, modified in place). */
void fz_json_mutate(struct fz_rng *r, json_t *v, const char *const *names,
                    const char *const *values);
/* Serialise with random formatting flags; free(). */
char *fz_json_dump(struct fz_rng *r, const json_t *v);
/* Text-level JSON edits a tree cannot express: a duplicated member, deep nesting, a huge number,
 * a trailing byte, a BOM. Works on the serialised object in b (best effort). */
void fz_json_text_mutate(struct fz_rng *r, struct fz_buf *b);

/* ---- base64url (an independent, strict implementation for building and checking inputs) ---- */

/* Encode into a new NUL-terminated string (free()). */
char *fz_b64url(const uint8_t *in, size_t n);
/* Strict decode (canonical, no padding); returns 0 or -1. out holds len bytes. */
int fz_b64url_decode(const char *in, size_t len, uint8_t *out, size_t *out_len);

/* ---- findings ---- */

extern long fz_findings;
extern long fz_execs;
extern long
    fz_accepted; /* inputs the parser accepted: shows the campaign reaches past the checks */
/* Count a finding, print it with the input (escaped, cut to a few hundred bytes) and save the
 * input as a reproducer file fuzz-<target>-<n>.txt in $EDGESIM_FUZZ_OUT or the current dir. */
void fz_finding(const char *target, const uint8_t *in, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* A weakness that breaks no contract the module states (e.g. a message echoing control bytes):
 * counted and reported once per kind with a saved input, but not a test failure. */
extern long fz_notes;
void fz_note(const char *target, const uint8_t *in, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Is s printable ASCII with no quote or backslash (a header value / log line)? */
int fz_printable(const char *s, int allow_quotes);
double fz_seconds(void);

/* ---- ES256 keys shared by the token, JWKS and endpoint targets ---- */

#define FZ_NOW 1767225600LL /* 2026-01-01T00:00:00Z, the clock every check uses */
#define FZ_LIFETIME 600
#define FZ_ECS1 "ecs1.edge.test"
#define FZ_ECS2 "ecs2.edge.test"
#define FZ_EES1 "ees1.edge.test"
#define FZ_EES2 "ees2.edge.test"
#define FZ_EEC_ID "eec-0001"
#define FZ_GPSI "msisdn-491700000001"
#define FZ_NKEYS 3

/* Fresh keys, made once: 0 = ECS1 kid k1 (active), 1 = ECS1 kid k2, 2 = ECS2 kid k1. */
struct fz_keys {
    EVP_PKEY *pkey[FZ_NKEYS];
    const char *issuer[FZ_NKEYS];
    const char *kid[FZ_NKEYS];
    struct keyring *ecs1, *ecs2; /* signing keyrings */
    struct keyring *ees;         /* an EES's verification keys, loaded through JWKS documents */
    char *jwks1;                 /* ECS1's JWKS, as served */
};

const struct fz_keys *fz_keys(void);
/* Compact JWS over exactly these header and claims bytes, signed ES256 with key k (free()). */
char *fz_sign(int k, const uint8_t *header, size_t hlen, const uint8_t *claims, size_t clen);

/* ---- the HTTPS server of the tls and h2 targets (fuzz_tls.c) ---- */

/* Start the server (a child process, once for both targets); 0, or -1. */
int fz_https_setup(void);
int fz_https_up(void);
/* Send data as the stream inside a completed mutual-TLS connection that offered ALPN alpn, read
 * the answer until the server closes or done(ans) holds (or 150 ms pass without a byte), then
 * close_notify; keep up to cap bytes of the answer in ans. 0, or -1 (a finding about input in is
 * counted). */
int fz_https_exchange(const uint8_t *in, size_t n, const uint8_t *data, size_t len,
                      const char *alpn, int (*done)(const struct fz_buf *ans), struct fz_buf *ans,
                      size_t cap);
/* After each input: the server is alive; every 16th input, a valid request still gets 200. */
void fz_https_after(const uint8_t *in, size_t n);

/* ---- targets ---- */

struct fz_target {
    const char *name;
    const char *what;
    int (*setup)(void);                         /* once; 0, or -1 (then 127: cannot run) */
    void (*one)(const uint8_t *data, size_t n); /* check one input; findings are counted */
    void (*campaign)(struct fz_rng *r, long iters);
    long default_iters;
};

extern const struct fz_target fz_target_token, fz_target_jwks, fz_target_form, fz_target_json,
    fz_target_endpoint, fz_target_tls, fz_target_h2, fz_target_http1;

#endif
