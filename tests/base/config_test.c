/* config_test.c -- config files that load, and bad ones whose errors must name the file, line and
 * field. */
#include "base/config.h"
#include "base/err.h"
#include "check.h"

#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmpdir[PATH_MAX];

/* What a node's config might hold. */
struct node_cfg {
    const char *fqdn;
    long long port;
    const char *ca, *cert, *key;
    const char *evlog;
    json_t *peers;
};

static const struct js_field tls_fields[] = {
    {.name = "ca",
     .type = JS_STRING,
     .flags = JS_REQUIRED | JS_STORE,
     .store = offsetof(struct node_cfg, ca),
     .check = config_check_file},
    {.name = "cert",
     .type = JS_STRING,
     .flags = JS_STORE,
     .store = offsetof(struct node_cfg, cert),
     .check = config_check_file},
    {.name = "key",
     .type = JS_STRING,
     .flags = JS_STORE,
     .store = offsetof(struct node_cfg, key),
     .check = config_check_file},
    {0},
};

static const struct js_field peer_fields[] = {
    {.name = "fqdn", .type = JS_STRING, .flags = JS_REQUIRED, .check = js_check_fqdn},
    {0},
};

static const struct js_field node_fields[] = {
    {.name = "fqdn",
     .type = JS_STRING,
     .flags = JS_REQUIRED | JS_STORE,
     .store = offsetof(struct node_cfg, fqdn),
     .check = js_check_fqdn},
    {.name = "port",
     .type = JS_INT,
     .flags = JS_STORE,
     .store = offsetof(struct node_cfg, port),
     .check = js_check_range,
     .min = 1,
     .max = 65535},
    {.name = "tls", .type = JS_OBJECT, .flags = JS_REQUIRED, .sub = tls_fields},
    {.name = "evlog",
     .type = JS_STRING,
     .flags = JS_STORE,
     .store = offsetof(struct node_cfg, evlog),
     .check = config_check_outfile},
    {.name = "peers",
     .type = JS_ARRAY,
     .flags = JS_STORE,
     .store = offsetof(struct node_cfg, peers),
     .sub = peer_fields},
    {0},
};

static void
put(const char *name, const char *text, char *path, size_t len)
{
    FILE *f;

    if (snprintf(path, len, "%s/%s", tmpdir, name) >= (int)len)
        abort();
    if ((f = fopen(path, "w")) == NULL || fputs(text, f) == EOF || fclose(f) != 0) {
        perror(path);
        exit(1);
    }
}

/* Load text as file name and expect err to be "<path>: <want>" (want "" : success). */
static void
expect(const char *name, const char *text, const char *want)
{
    char path[PATH_MAX], err[EDGE_ERR_LEN], full[2 * EDGE_ERR_LEN];
    struct node_cfg nc = {0};
    struct config *cf;
    int rc = -1;

    put(name, text, path, sizeof(path));
    err[0] = '\0';
    if ((cf = config_load(path, err)) != NULL)
        rc = config_decode(cf, node_fields, &nc, err);
    FMT(full, "%s: %s", path, want);
    if (want[0] == '\0' && rc != 0)
        FAIL("%s: expected success, got \"%s\"", name, err);
    else if (want[0] != '\0' && (rc != -1 || strcmp(err, full) != 0))
        FAIL("%s: expected \"%s\", got \"%s\"", name, full, err);
    config_free(cf);
}

static void
test_errors(void)
{
    char path[PATH_MAX], err[EDGE_ERR_LEN], want[2 * PATH_MAX];
    struct config *cf;
    char *big;

    put("ca.crt", "x", path, sizeof(path));
    expect("syntax.json",
           "{\n"
           "  \"fqdn\": \"ecs1.edge.test\",\n"
           "  \"tls\": {\n"
           "    \"ca\" \"ca.crt\"\n"
           "  }\n"
           "}\n",
           "line 4 column 17: ':' expected near '\"ca.crt\"'");
    expect("dup.json", "{\"fqdn\":\"a.b\",\n\"fqdn\":\"c.d\"}",
           "line 2 column 6: duplicate object key near '\"fqdn\"'");
    expect("array.json", "[1]", "(top level): expected object, got array");
    expect("unknown.json", "{\"fqdn\":\"a.b\",\"tls\":{\"ca\":\"ca.crt\",\"crl\":\"x\"}}",
           "tls.crl: unknown field");
    expect("missing.json", "{\"fqdn\":\"a.b\"}", "tls: missing required field");
    expect("type.json", "{\"fqdn\":\"a.b\",\"port\":\"443\",\"tls\":{\"ca\":\"ca.crt\"}}",
           "port: expected integer, got string");
    expect("peer.json",
           "{\"fqdn\":\"a.b\",\"tls\":{\"ca\":\"ca.crt\"},"
           "\"peers\":[{\"fqdn\":\"ecs2.edge.test\"},{\"fqdn\":\"bad_name\"}]}",
           "peers[1].fqdn: not a valid FQDN ('_' not allowed)");

    FMT(want, "tls.ca: file not readable: %s/nope.crt: No such file or directory", tmpdir);
    expect("noca.json", "{\"fqdn\":\"a.b\",\"tls\":{\"ca\":\"nope.crt\"}}", want);
    FMT(want, "tls.ca: file not readable: %s/.: not a regular file", tmpdir);
    expect("dirca.json", "{\"fqdn\":\"a.b\",\"tls\":{\"ca\":\".\"}}", want);
    FMT(want, "evlog: directory not writable: %s/nodir: No such file or directory", tmpdir);
    expect("nolog.json", "{\"fqdn\":\"a.b\",\"tls\":{\"ca\":\"ca.crt\"},\"evlog\":\"nodir/x.log\"}",
           want);

    /* A missing file and a directory are named as such. */
    FMT(path, "%s/absent.json", tmpdir);
    FMT(want, "%s: No such file or directory", path);
    if ((cf = config_load(path, err)) != NULL || strcmp(err, want) != 0)
        FAIL("absent: expected \"%s\", got \"%s\"", want, cf ? "success" : err);
    config_free(cf);
    FMT(want, "%s: not a regular file", tmpdir);
    if ((cf = config_load(tmpdir, err)) != NULL || strcmp(err, want) != 0)
        FAIL("directory: expected \"%s\", got \"%s\"", want, cf ? "success" : err);
    config_free(cf);

    /* One byte over the cap is refused before parsing. */
    if ((big = malloc(CONFIG_MAX_BYTES + 2)) == NULL)
        exit(1);
    memset(big, ' ', CONFIG_MAX_BYTES + 1);
    big[0] = '{';
    big[CONFIG_MAX_BYTES] = '}';
    big[CONFIG_MAX_BYTES + 1] = '\0';
    put("big.json", big, path, sizeof(path));
    FMT(want, "%s: larger than %d bytes", path, CONFIG_MAX_BYTES);
    if ((cf = config_load(path, err)) != NULL || strcmp(err, want) != 0)
        FAIL("big: expected \"%s\", got \"%s\"", want, cf ? "success" : err);
    config_free(cf);
    /* Exactly at the cap loads. */
    big[CONFIG_MAX_BYTES - 1] = '}';
    big[CONFIG_MAX_BYTES] = '\0';
    put("cap.json", big, path, sizeof(path));
    if ((cf = config_load(path, err)) == NULL)
        FAIL("cap: expected success, got \"%s\"", err);
    config_free(cf);
    free(big);
}

/* A good file: values stored, relative paths made absolute against the
 * file's directory (not the working directory), defaults kept. */
static void
test_good(void)
{
    char path[PATH_MAX], err[EDGE_ERR_LEN], want[PATH_MAX + 16], cwd[PATH_MAX];
    char text[3 * PATH_MAX];
    struct node_cfg nc = {.port = 443};
    struct config *cf;

    put("ca.crt", "x", path, sizeof(path));
    /* ca relative, cert absolute (kept as it is). */
    FMT(want, "%s/ca.crt", tmpdir);
    FMT(text,
        "{\"fqdn\":\"ecs1.edge.test\",\"tls\":{\"ca\":\"ca.crt\",\"cert\":\"%s\"},"
        "\"evlog\":\"events.log\",\"peers\":[{\"fqdn\":\"ecs2.edge.test\"}]}",
        want);
    put("ecs1.json", text, path, sizeof(path));
    /* Load from another working directory through a relative path. */
    if (getcwd(cwd, sizeof(cwd)) == NULL || chdir(tmpdir) == -1 || chdir("/") == -1) {
        perror("chdir");
        exit(1);
    }
    FMT(path, "%s/ecs1.json", tmpdir + 1); /* relative to "/" */
    if ((cf = config_load(path, err)) == NULL) {
        FAIL("good: %s", err);
        goto done;
    }
    if (config_decode(cf, node_fields, &nc, err) == -1)
        FAIL("good: %s", err);
    if (nc.fqdn == NULL || strcmp(nc.fqdn, "ecs1.edge.test") != 0)
        FAIL("good: fqdn not stored");
    if (nc.port != 443)
        FAIL("good: port default lost: %lld", nc.port);
    if (nc.ca == NULL || strcmp(nc.ca, want) != 0)
        FAIL("good: tls.ca: expected \"%s\", got \"%s\"", want, nc.ca ? nc.ca : "NULL");
    if (nc.cert == NULL || strcmp(nc.cert, want) != 0)
        FAIL("good: tls.cert: absolute path changed: \"%s\"", nc.cert ? nc.cert : "NULL");
    FMT(want, "%s/events.log", tmpdir);
    if (nc.evlog == NULL || strcmp(nc.evlog, want) != 0)
        FAIL("good: evlog: expected \"%s\", got \"%s\"", want, nc.evlog ? nc.evlog : "NULL");
    if (json_array_size(nc.peers) != 1 || json_array_get(nc.peers, 0) == NULL)
        FAIL("good: peers not stored");
    else if (config_decode_at(cf, json_array_get(nc.peers, 0), "peers[0]", peer_fields, NULL,
                              err) != 0)
        FAIL("good: peers[0]: %s", err);
    if (strcmp(config_path(cf), path) != 0 || !json_is_object(config_root(cf)))
        FAIL("good: accessors");
    config_free(cf);
done:
    if (chdir(cwd) == -1)
        perror("chdir");
}

static void
cleanup(void)
{
    static const char *names[] = {"syntax.json",  "dup.json",   "array.json", "unknown.json",
                                  "missing.json", "type.json",  "peer.json",  "noca.json",
                                  "dirca.json",   "nolog.json", "big.json",   "cap.json",
                                  "ca.crt",       "ecs1.json",  NULL};
    char path[PATH_MAX];
    size_t i;

    for (i = 0; names[i] != NULL; i++) {
        FMT(path, "%s/%s", tmpdir, names[i]);
        unlink(path);
    }
    rmdir(tmpdir);
}

int
main(void)
{
    const char *base = getenv("TMPDIR");
    char made[PATH_MAX];

    /* Messages carry absolute paths, so the directory is named without
     * symbolic links to compare against them. */
    FMT(made, "%s/config_test.XXXXXX", base ? base : "/tmp");
    if (mkdtemp(made) == NULL || realpath(made, tmpdir) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    test_errors();
    test_good();
    cleanup();
    return check_result("config");
}
