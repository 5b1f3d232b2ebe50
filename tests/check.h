/* check.h -- the checks of edgesim's C unit tests (one header for all of them, library
 * edge_check): a condition that does not hold prints "FAIL file:line: what" on stderr and is
 * counted; the test goes on to its end, and check_result() is its exit status. */
#ifndef EDGE_TEST_CHECK_H
#define EDGE_TEST_CHECK_H

#include <stdio.h>
#include <stdlib.h>

extern int check_failures; /* checks that did not hold so far */
extern int check_count;    /* checks made so far */

/* A failure: the sentence says what was expected and what came. */
#define FAIL(...)                                                                                  \
    do {                                                                                           \
        fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                                       \
        fprintf(stderr, __VA_ARGS__);                                                              \
        fputc('\n', stderr);                                                                       \
        check_failures++;                                                                          \
    } while (0)

/* cond must hold; otherwise FAIL with the sentence. */
#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        check_count++;                                                                             \
        if (!(cond))                                                                               \
            FAIL(__VA_ARGS__);                                                                     \
    } while (0)

/* snprintf into an array, stopping the test if it would not fit. */
#define FMT(buf, ...)                                                                              \
    do {                                                                                           \
        if (snprintf(buf, sizeof(buf), __VA_ARGS__) >= (int)sizeof(buf))                           \
            abort();                                                                               \
    } while (0)

/* One row of a data-driven test: "ok   what" or "FAIL what" on stdout, counted. */
void check_row(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "name: N checks, M failed" on stdout; 0 when every check held, else 1. */
int check_result(const char *name);

#endif
