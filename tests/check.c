/* check.c -- the counters and the verdict of check.h. */
#include "check.h"

#include <stdarg.h>

int check_failures;
int check_count;

void
check_row(int ok, const char *fmt, ...)
{
    va_list ap;

    check_count++;
    check_failures += !ok;
    fputs(ok ? "ok   " : "FAIL ", stdout);
    va_start(ap, fmt);
    // NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): va_start is the line above
    vprintf(fmt, ap);
    va_end(ap);
    fputc('\n', stdout);
}

int
check_result(const char *name)
{
    printf("%s: %d checks, %d failed\n", name, check_count, check_failures);
    return check_failures != 0;
}
