/* err.c -- formats the error sentence of the common/ error convention (err.h). */
#include "base/err.h"

#include <stdarg.h>
#include <stdio.h>

int
edge_err(char *err, const char *fmt, ...)
{
    va_list ap;

    if (err == NULL)
        return -1;
    va_start(ap, fmt);
    // NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): va_start is the line above
    vsnprintf(err, EDGE_ERR_LEN, fmt, ap);
    va_end(ap);
    return -1;
}
