/* config.h -- a node's JSON config file, read strictly: every error names the file and the field.
 *
 * The file is loaded whole (at most CONFIG_MAX_BYTES, duplicate keys refused)
 * and then decoded through json_strict field tables that each node defines:
 *   ecs1.json: line 4 column 9: unexpected token near '}'
 *   ecs1.json: tls.ca: file not readable: /run/x/ca.crt: No such file or directory
 * Paths inside a config are relative to the directory of the config file;
 * config_check_file() and config_check_outfile() make them absolute in place,
 * so the strings stored by config_decode() can be opened from any directory. */
#ifndef EDGE_CONFIG_H
#define EDGE_CONFIG_H

#include <stddef.h>

#include <jansson.h>

#include "base/json_strict.h"

#define CONFIG_MAX_BYTES (64 * 1024 * 1024) /* a UE population puts its subscribers here */

struct config;

/* Read and parse path. Returns NULL with "path: reason" in err. */
struct config *config_load(const char *path, char *err);
void config_free(struct config *cf);

/* The top-level object (borrowed; lives as long as cf). */
json_t *config_root(const struct config *cf);
/* The path as given to config_load(), for messages. */
const char *config_path(const struct config *cf);

/* Decode the top-level object against table into dst (see json_strict.h).
 * The validators get cf as their ctx. err: "file: field.path: reason". */
int config_decode(struct config *cf, const struct js_field *table, void *dst, char *err);
/* Decode a value inside the config (an array element, say) named by path. */
int config_decode_at(struct config *cf, json_t *v, const char *path, const struct js_field *table,
                     void *dst, char *err);

/* Resolve name against the config file's directory into out (absolute). */
int config_resolve(const struct config *cf, const char *name, char *out, size_t len, char *err);

/* Validators for config tables (ctx must be the struct config *). The string
 * value is replaced by its absolute path. config_check_file: a readable
 * regular file; config_check_outfile: a file whose directory is writable. */
int config_check_file(json_t *v, const struct js_field *f, void *ctx, char *why);
int config_check_outfile(json_t *v, const struct js_field *f, void *ctx, char *why);

#endif
