/* expect.h -- judges a step's outcome against its "expect" (scenarios/README.md lists each key). */
#ifndef RUN_EXPECT_H
#define RUN_EXPECT_H

#include "base/json_strict.h"
#include "run.h"

/* The keys of a step's "expect" (scenarios/README.md), checked when the scenario loads. */
extern const struct js_field exp_fields[];

/* Check result against the step's expect. Returns a new array of failure
 * sentences ("status: expected 201, got 403"), empty when all held. */
json_t *exp_check(struct run *r, json_t *step, json_t *result);
/* A short line of what happened: "201", "403 GPSI_NOT_AUTHENTICATED",
 * "no HTTP answer: connect ... refused". Into buf. */
const char *exp_got(json_t *result, char *buf, size_t len);

#endif
