/* err.h -- the one error convention of common/: a status plus a sentence.
 *
 * As in Redis's anet.c, a function that can fail returns 0 on success and -1
 * on failure, and writes a human sentence into a caller-supplied buffer of
 * EDGE_ERR_LEN bytes; nothing deep inside prints. Modules whose failures are
 * matched on by callers or tests (token verdicts, HTTP causes) add a stable
 * enum or rule name of their own on top of this. */
#ifndef EDGE_ERR_H
#define EDGE_ERR_H

#include <stddef.h>

#define EDGE_ERR_LEN 256

/* Format a message into err (may be NULL: then nothing is written).
 * Always returns -1 so that "return edge_err(err, ...);" reads naturally. */
int edge_err(char *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
