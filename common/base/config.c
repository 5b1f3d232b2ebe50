/* config.c -- loads a JSON config file and decodes it with errors that name the file and the field.
 */
#include "base/config.h"
#include "base/err.h"
#include "base/file.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct config {
    char *cf_path; /* as given, for messages */
    char *cf_dir;  /* absolute directory of the file, for relative paths */
    json_t *cf_root;
};

static char *
config_dir_of(const char *path)
{
    char *copy, *slash, *dir;

    /* No '/': the current directory ("." would not fit in a copy of "" or of a 1-byte name). */
    if ((copy = strdup(strchr(path, '/') != NULL ? path : ".")) == NULL)
        return NULL;
    if ((slash = strrchr(copy, '/')) == copy)
        slash[1] = '\0';
    else if (slash != NULL)
        *slash = '\0';
    dir = realpath(copy, NULL);
    free(copy);
    return dir;
}

struct config *
config_load(const char *path, char *err)
{
    char why[EDGE_ERR_LEN];
    struct config *cf;
    char *text = NULL;
    size_t len = 0;

    if ((cf = calloc(1, sizeof(*cf))) == NULL) {
        edge_err(err, "%s: out of memory", path);
        return NULL;
    }
    if ((cf->cf_path = strdup(path)) == NULL) {
        edge_err(err, "%s: out of memory", path);
        goto fail;
    }
    if (edge_file_read(path, (size_t)CONFIG_MAX_BYTES, &text, &len, err) == -1)
        goto fail;
    if (js_loads(text, len, &cf->cf_root, why) == -1) {
        edge_err(err, "%s: %s", path, why);
        goto fail;
    }
    if (!json_is_object(cf->cf_root)) {
        edge_err(err, "%s: (top level): expected object, got %s", path, js_type_name(cf->cf_root));
        goto fail;
    }
    if ((cf->cf_dir = config_dir_of(path)) == NULL) {
        edge_err(err, "%s: directory: %s", path, strerror(errno));
        goto fail;
    }
    free(text);
    return cf;

fail:
    free(text);
    config_free(cf);
    return NULL;
}

void
config_free(struct config *cf)
{
    if (cf == NULL)
        return;
    json_decref(cf->cf_root);
    free(cf->cf_dir);
    free(cf->cf_path);
    free(cf);
}

json_t *
config_root(const struct config *cf)
{
    return cf->cf_root;
}

const char *
config_path(const struct config *cf)
{
    return cf->cf_path;
}

int
config_decode_at(struct config *cf, json_t *v, const char *path, const struct js_field *table,
                 void *dst, char *err)
{
    char why[EDGE_ERR_LEN];

    if (js_decode(v, path, table, dst, cf, why) < 0)
        return edge_err(err, "%s: %s", cf->cf_path, why);
    return 0;
}

int
config_decode(struct config *cf, const struct js_field *table, void *dst, char *err)
{
    return config_decode_at(cf, cf->cf_root, NULL, table, dst, err);
}

int
config_resolve(const struct config *cf, const char *name, char *out, size_t len, char *err)
{
    int n;

    if (name[0] == '\0')
        return edge_err(err, "empty path");
    if (name[0] == '/')
        n = snprintf(out, len, "%s", name);
    else if (strcmp(cf->cf_dir, "/") == 0)
        n = snprintf(out, len, "/%s", name);
    else
        n = snprintf(out, len, "%s/%s", cf->cf_dir, name);
    if (n < 0 || (size_t)n >= len)
        return edge_err(err, "path too long");
    return 0;
}

/* Replace v's string by its absolute path; abs receives it. */
static int
config_absolute(json_t *v, void *ctx, char *abs, size_t len, char *why)
{
    if (!json_is_string(v))
        return edge_err(why, "expected string, got %s", js_type_name(v));
    if (ctx == NULL)
        return edge_err(why, "no config to resolve the path against");
    if (config_resolve(ctx, json_string_value(v), abs, len, why) == -1)
        return -1;
    if (json_string_set(v, abs) == -1)
        return edge_err(why, "out of memory");
    return 0;
}

int
config_check_file(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    char abs[PATH_MAX];
    struct stat st;
    int fd;

    (void)f;
    if (config_absolute(v, ctx, abs, sizeof(abs), why) == -1)
        return -1;
    /* Opened rather than access(2)ed: that is the test the node will meet. */
    if ((fd = open(abs, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1)
        return edge_err(why, "file not readable: %s: %s", abs, strerror(errno));
    if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
        close(fd);
        return edge_err(why, "file not readable: %s: not a regular file", abs);
    }
    close(fd);
    return 0;
}

int
config_check_outfile(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    char abs[PATH_MAX], dir[PATH_MAX], *slash;
    struct stat st;

    (void)f;
    if (config_absolute(v, ctx, abs, sizeof(abs), why) == -1)
        return -1;
    if (stat(abs, &st) == 0 && S_ISDIR(st.st_mode))
        return edge_err(why, "%s is a directory", abs);
    memcpy(dir, abs, sizeof(dir));
    slash = strrchr(dir, '/');
    slash[slash == dir ? 1 : 0] = '\0';
    if (access(dir, W_OK | X_OK) == -1)
        return edge_err(why, "directory not writable: %s: %s", dir, strerror(errno));
    return 0;
}
