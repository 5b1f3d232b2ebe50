/* run.c -- small helpers on struct run: node lookup, clock, files. */
#include "run.h"

#include "base/clock.h"
#include "base/err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

struct run_node *
run_node(struct run *r, const char *name)
{
    if (name == NULL)
        return NULL;
    for (size_t i = 0; i < r->nnodes; i++)
        if (strcmp(r->nodes[i].sn->name, name) == 0)
            return &r->nodes[i];
    return NULL;
}

struct run_node *
run_node_by_id(struct run *r, const char *id)
{
    if (id == NULL)
        return NULL;
    for (size_t i = 0; i < r->nnodes; i++)
        if (strcmp(r->nodes[i].sn->id, id) == 0)
            return &r->nodes[i];
    return NULL;
}

double
run_now_mono(void)
{
    return (double)edge_now_ns() / 1e9;
}

int
run_write_file(const char *path, const char *text, size_t len, char *err)
{
    FILE *f = fopen(path, "w");

    if (f == NULL)
        return edge_err(err, "cannot write %s: %s", path, strerror(errno));
    if (fwrite(text, 1, len, f) != len) {
        fclose(f);
        return edge_err(err, "cannot write %s: %s", path, strerror(errno));
    }
    if (fclose(f) != 0)
        return edge_err(err, "cannot write %s: %s", path, strerror(errno));
    return 0;
}

int
run_write_json(const char *path, json_t *v, char *err)
{
    char *text = json_dumps(v, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    int rc;

    if (text == NULL)
        return edge_err(err, "cannot encode %s", path);
    rc = run_write_file(path, text, strlen(text), err);
    if (rc == 0) {
        FILE *f = fopen(path, "a");
        if (f != NULL) {
            fputc('\n', f);
            fclose(f);
        }
    }
    free(text);
    return rc;
}

int
run_mkdirs(const char *path, char *err)
{
    char buf[RUN_PATH_MAX];

    if (strlen(path) >= sizeof(buf))
        return edge_err(err, "path too long: %s", path);
    memcpy(buf, path, strlen(path) + 1);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0755) != 0 && errno != EEXIST)
            return edge_err(err, "cannot make %s: %s", buf, strerror(errno));
        *p = '/';
    }
    if (mkdir(buf, 0755) != 0 && errno != EEXIST)
        return edge_err(err, "cannot make %s: %s", buf, strerror(errno));
    return 0;
}

int
run_pathf(char *buf, size_t len, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    // NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): va_start is the line above
    n = vsnprintf(buf, len, fmt, ap);
    va_end(ap);
    return n < 0 || (size_t)n >= len ? -1 : 0;
}
