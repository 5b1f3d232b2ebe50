/* tokstore.h -- the tokens a run sees (TS 33.558 6.2; DESIGN.md "Token profile"): each recorded
 * once for tokens/ and the report, its later sightings added to that record, found by the token
 * itself in O(1); a UE population's tokens counted instead of recorded (distinct tokens and
 * jtis, each token verified once with its issuer's public key); the keys parsed once (tok.h).
 * Recording or counting N tokens costs O(N), so a long --keep drains its events as they come. */
#ifndef RUN_TOKSTORE_H
#define RUN_TOKSTORE_H

#include <jansson.h>

#include "tok.h"

struct tokstore;

/* A store whose records go to the array records (borrowed: the run's r->tokens), with the
 * public keys of pkidir. NULL when out of memory. */
struct tokstore *tokstore_new(json_t *records, const char *pkidir);
/* Free the index, the counts and the keys (not the records). */
void tokstore_free(struct tokstore *s);
/* An ECS of the run (FQDN id, scenario name): a token its keys verify is "signedBy" name. -1
 * when out of memory. */
int tokstore_signer(struct tokstore *s, const char *id, const char *name);
/* The keys (for the expectations' issuer checks). */
struct tok_keys *tokstore_keys(struct tokstore *s);

/* Record jwt, seen at step (NULL: outside any step) and obtained as how. The first time: a new
 * record {jwt, steps, how, verdicts, header, claims, signedBy} (or decodeError) appended to the
 * records; afterwards step is added to its steps (once). A token is one record however often it
 * is seen: the same compact JWS, byte for byte (a forgery keeps its original's jti but is a
 * token of its own). Returns the record (borrowed), or NULL when jwt is no JWS or no memory. */
json_t *tokstore_record(struct tokstore *s, const char *jwt, const char *step, const char *how);
/* The record of jwt, or NULL. */
json_t *tokstore_find(const struct tokstore *s, const char *jwt);

/* ---- counted (a UE population's step) ---- */

/* A new step's counts: every token counts again the first time this step sees it. */
void tokstore_count_begin(struct tokstore *s);
/* A sighting of jwt in this step. A token new to the run is verified (once) with the public keys
 * of the ECS its iss names. */
void tokstore_count(struct tokstore *s, const char *jwt);
/* This step's counts: {"events", "tokens" (distinct), "jtis" (distinct jti values among them),
 * "new" (tokens the run had not seen before this step), "verified" (their signature verifies with
 * a key of the ECS their iss names), "unverified"} (new reference). */
json_t *tokstore_count_result(const struct tokstore *s);

#endif
