/* fixture_dir.c -- a test's temp dir under $TMPDIR, the paths in it, and its removal
 * (fixture_base.h). */
#include "fixture_base.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

int
fixture_tmpdir(char *dir)
{
    const char *t = getenv("TMPDIR");

    snprintf(dir, 4096, "%s/edgesim-test-XXXXXX", t != NULL && *t ? t : "/tmp");
    return mkdtemp(dir) != NULL ? 0 : -1;
}

static int
fixture_rm(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    return remove(path);
}

void
fixture_rmtree(const char *dir)
{
    nftw(dir, fixture_rm, 16, FTW_DEPTH | FTW_PHYS);
}

const char *
fixture_at(const char *dir, const char *name)
{
    static char bufs[16][4200];
    static int i;

    i = (i + 1) % 16;
    snprintf(bufs[i], sizeof(bufs[i]), "%s/%s", dir, name);
    return bufs[i];
}
