/* check.h -- the check of the token tests: a failed condition prints "FAIL file:line: what" and
 * is counted in failures; the test goes on, and its exit status is failures != 0. */
#ifndef EDGE_TEST_TOKEN_CHECK_H
#define EDGE_TEST_TOKEN_CHECK_H

#include <stdio.h>

static int failures;

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);                                            \
            printf(__VA_ARGS__);                                                                   \
            printf("\n");                                                                          \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

#endif
