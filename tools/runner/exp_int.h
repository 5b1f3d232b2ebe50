/* exp_int.h -- what the judges of a step's expect share (expect.c, exp_token.c, exp_log.c). */
#ifndef RUN_EXP_INT_H
#define RUN_EXP_INT_H

#include "base/json_strict.h"
#include "run.h"

/* What every judge reads: the run, the result, and where failures go. */
struct exp_ctx {
    struct run *r;
    json_t *result;
    json_t *fails;
    json_int_t status;
    const char *jwt; /* the result's token, or NULL */
};

/* Add one failure sentence. */
void exp_fail(json_t *fails, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* exp_token.c: the checks of one token (claims, absentClaims, issuer, lifetime, header), what:
 * the prefix of each sentence ("tokens.ees1: "). */
void exp_token(struct run *r, json_t *fails, const char *what, const char *jwt, json_t *want);
void exp_tokens(struct exp_ctx *x, json_t *want);
void exp_same_token(struct exp_ctx *x, json_t *want);
void exp_new_token(struct exp_ctx *x, json_t *want);
/* The keys of one token's checks, for the schema (exp_token.c). */
extern const struct js_field exp_token_fields[];
/* "header": JOSE header parameter -> pattern (RFC 7515 4.1 names only). */
int exp_header_keys(json_t *v, const struct js_field *f, void *ctx, char *why);
int exp_tokens_keys(json_t *v, const struct js_field *f, void *ctx, char *why);

/* exp_log.c: "logged": per node, events its event log must hold; "notLogged": events it must not
 * have written during the step (the same schema). */
void exp_logged(struct exp_ctx *x, json_t *want);
void exp_not_logged(struct exp_ctx *x, json_t *want);
int exp_logged_keys(json_t *v, const struct js_field *f, void *ctx, char *why);

/* exp_time.c: elapsedMs (fixed bounds, or relative to a step and the RTT of links), expiresIn,
 * and the scenario's "compare" recorded on its step's result. */
int exp_range_keys(json_t *v, const struct js_field *f, void *ctx, char *why);
int exp_elapsed_keys(json_t *v, const struct js_field *f, void *ctx, char *why);
void exp_elapsed(struct exp_ctx *x, json_t *want);
void exp_expires(struct exp_ctx *x, json_t *want);
void exp_compare(struct exp_ctx *x, const char *step);

#endif
