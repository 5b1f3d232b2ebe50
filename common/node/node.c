/* node.c -- the runtime every edgesim daemon shares (see node.h). */
#include "node/node.h"
#include "auth/akma.h"
#include "auth/gba.h"
#include "base/b64url.h"
#include "base/err.h"
#include "net/problem.h"
#include "net/sockaddr.h"

#include <sys/queue.h>

#include <event2/keyvalq_struct.h>

#include <errno.h>
#include <limits.h>
#include <openssl/crypto.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NODE_FIELDS_MAX 64

static int
check_hostport(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    const char *s = json_string_value(v), *colon;
    char *end;
    long port;

    (void)f;
    (void)ctx;
    colon = s != NULL ? strrchr(s, ':') : NULL;
    if (colon == NULL || colon == s)
        return edge_err(why, "expected \"address:port\"");
    port = strtol(colon + 1, &end, 10);
    if (*end != '\0' || port < 1 || port > 65535)
        return edge_err(why, "port must be 1..65535 in \"%s\"", s);
    return 0;
}

static int
check_hosts(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    const char *k;
    json_t *e;

    json_object_foreach(v, k, e)
    {
        if (js_valid_fqdn(k, why) < 0)
            return -1;
        if (!json_is_string(e))
            return edge_err(why, "%s: expected string \"address:port\"", k);
        if (check_hostport(e, f, ctx, why) < 0)
            return edge_err(why, "%s: expected \"address:port\"", k);
    }
    return 0;
}

/* "h2" or "http/1.1" (http_version.h). */
static int
check_http_version(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    enum http_version ver;

    (void)f, (void)ctx;
    return http_version_parse(json_string_value(v), &ver, why);
}

/* A numeric IPv4 or IPv6 address. */
static int
check_numeric_addr(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    struct sockaddr_storage ss;
    socklen_t len;
    const char *s = json_string_value(v);

    (void)f, (void)ctx;
    if (net_sockaddr(s, 0, &ss, &len) == 0)
        return 0;
    return edge_err(why, "\"%s\" is not a numeric IPv4 or IPv6 address", s);
}

static const struct js_field listen_fields[] = {
    {.name = "addr", .type = JS_STRING, .flags = JS_REQUIRED | JS_NONEMPTY, .max_len = 64},
    {.name = "port",
     .type = JS_INT,
     .flags = JS_REQUIRED,
     .check = js_check_range,
     .min = 1,
     .max = 65535},
    {.name = "http", .type = JS_STRING, .check = check_http_version},
    {.name = "requestTimeoutMs",
     .type = JS_INT,
     .check = js_check_range,
     .min = 100,
     .max = 600000},
    {.name = "maxConnections", .type = JS_INT, .check = js_check_range, .min = 1, .max = 65536},
    {.name = "maxConnectionsPerPeer",
     .type = JS_INT,
     .check = js_check_range,
     .min = 1,
     .max = 65536},
    {0},
};

/* tls.clientCredential (TS 33.558 6.2 and 6.3, NOTE: "only server side certificate-based TLS
 * authentication"): "required" (the default) or "optional" at a server, which then also serves
 * clients without a certificate or PSK (what it gives them is the node's to say); "none" at a
 * client-only node (an EEC), which then has no credential and authenticates the server only. */
static const char *const client_credentials[] = {"required", "optional", "none", NULL};

static const struct js_field tls_fields[] = {
    {.name = "ca", .type = JS_STRING, .flags = JS_REQUIRED, .check = config_check_file},
    {.name = "cert", .type = JS_STRING, .check = config_check_file},
    {.name = "key", .type = JS_STRING, .check = config_check_file},
    {.name = "clientCredential",
     .type = JS_STRING,
     .check = js_check_enum,
     .choices = client_credentials},
    /* With "optional": the APIs (apiName) such a client may call; the rest is refused 403
     * CLIENT_NOT_AUTHENTICATED (node_opts.sco_apis says which a node offers). */
    {.name = "serverCertOnlyApis",
     .type = JS_ARRAY,
     .max_len = NODE_SCO_APIS_MAX,
     .items = JS_STRING,
     .item_check = js_check_id},
    {0},
};

static const struct js_field psk_fields[] = {
    {.name = "akid", .type = JS_STRING, .flags = JS_REQUIRED, .check = js_check_akid},
    {.name = "kakma",
     .type = JS_STRING,
     .flags = JS_REQUIRED,
     .check = gba_check_hex,
     .max = AKMA_KEY_LEN},
    {0},
};

/* An EEC's GBA bootstrapping outcome (TS 33.220 4.5.2): B-TID, Ks = CK || IK, RAND, IMPI. */
static const struct js_field gba_fields[] = {
    GBA_SESSION_FIELDS,
    {0},
};

static const struct js_field common_fields[] = {
    {.name = "node", .type = JS_STRING, .flags = JS_REQUIRED, .check = js_check_id},
    {.name = "listen", .type = JS_OBJECT, .sub = listen_fields},
    {.name = "hosts", .type = JS_OBJECT, .check = check_hosts},
    {.name = "http", .type = JS_STRING, .check = check_http_version},
    {.name = "tls", .type = JS_OBJECT, .flags = JS_REQUIRED, .sub = tls_fields},
    {.name = "psk", .type = JS_OBJECT, .sub = psk_fields},
    {.name = "gba", .type = JS_OBJECT, .sub = gba_fields},
    /* A server's key servers: its PSK clients' keys come from them (keyfetch.h). */
    {.name = "aanf", .type = JS_STRING, .check = js_check_fqdn},
    {.name = "bsf", .type = JS_STRING, .check = js_check_fqdn},
    {.name = "keyFetchTimeoutMs",
     .type = JS_INT,
     .check = js_check_range,
     .min = 100,
     .max = 60000},
    {.name = "keylog", .type = JS_STRING, .check = config_check_outfile},
    {.name = "evlog", .type = JS_STRING, .check = config_check_outfile},
    /* The address the node's connections leave from (loopback mode: its own 127.a.b.c). */
    {.name = "sourceAddr", .type = JS_STRING, .max_len = 64, .check = check_numeric_addr},
    /* A UE population (nodes/eec) puts tens of thousands of subscribers in one run. */
    {.name = "subscribers",
     .type = JS_ARRAY,
     .max_len = 200000,
     .items = JS_OBJECT,
     .sub = subscribers_entry_fields},
    {0},
};

static const char *
cfg_str(const struct node *n, const char *obj, const char *key)
{
    json_t *root = config_root(n->cf);

    if (obj != NULL)
        root = json_object_get(root, obj);
    return json_string_value(json_object_get(root, key));
}

static int
usage(const char *kind, char *err)
{
    return edge_err(err, "usage: edge-%s --config FILE [--ctl PATH] [--ctl-fd N]", kind);
}

/* tls.serverCertOnlyApis: each an API the node offers without a credential, kept as the path
 * prefix the HTTP server lets such a client reach. */
static int
check_sco_apis(struct node *n, const char *path, const struct node_opts *o, char *err)
{
    json_t *apis =
        json_object_get(json_object_get(config_root(n->cf), "tls"), "serverCertOnlyApis");
    json_t *v;
    size_t i, k;

    if (apis != NULL && n->tls_client_cred != NODE_CRED_OPTIONAL)
        return edge_err(err, "%s: tls.serverCertOnlyApis: needs tls.clientCredential \"optional\"",
                        path);
    json_array_foreach(apis, i, v)
    {
        const char *api = json_string_value(v);
        for (k = 0; o->sco_apis != NULL && o->sco_apis[k] != NULL; k++)
            if (strcmp(o->sco_apis[k], api) == 0)
                break;
        if (o->sco_apis == NULL || o->sco_apis[k] == NULL)
            return edge_err(err,
                            "%s: tls.serverCertOnlyApis[%zu]: edge-%s serves no %s to a client "
                            "without a credential",
                            path, i, o->kind, api);
        snprintf(n->sco_path[i], sizeof(n->sco_path[i]), "/%s/", api);
        n->sco_paths[i] = n->sco_path[i];
    }
    return 0;
}

/* tls.clientCredential against the node's kind and its credentials; sets n->tls_client_cred. */
static int
check_client_credential(struct node *n, const char *path, int server, char *err)
{
    const char *cc = cfg_str(n, "tls", "clientCredential");
    int has = cfg_str(n, "tls", "cert") != NULL || json_object_get(config_root(n->cf), "psk") ||
              json_object_get(config_root(n->cf), "gba");

    n->tls_client_cred = cc == NULL || strcmp(cc, "required") == 0 ? NODE_CRED_REQUIRED
                         : strcmp(cc, "optional") == 0             ? NODE_CRED_OPTIONAL
                                                                   : NODE_CRED_NONE;
    if (server && n->tls_client_cred == NODE_CRED_NONE)
        return edge_err(err,
                        "%s: tls.clientCredential: \"none\" is for a node that is only a "
                        "client (an EEC); a server has a certificate",
                        path);
    if (!server && n->tls_client_cred == NODE_CRED_OPTIONAL)
        return edge_err(err, "%s: tls.clientCredential: \"optional\" is for a server", path);
    if (n->tls_client_cred == NODE_CRED_NONE && has)
        return edge_err(err, "%s: tls.clientCredential: \"none\" goes with no tls.cert, psk or gba",
                        path);
    if (n->tls_client_cred != NODE_CRED_NONE && !has)
        return edge_err(err, "%s: tls.cert: missing (a node without a PSK needs a certificate)",
                        path);
    return 0;
}

/* Decode the file against the common keys and the node's own, as one table. */
static int
load_config(struct node *n, const char *path, const struct node_opts *o, char *err)
{
    struct js_field table[NODE_FIELDS_MAX];
    size_t k = 0;

    for (const struct js_field *f = common_fields; f->name != NULL; f++)
        table[k++] = *f;
    for (const struct js_field *f = o->fields; f != NULL && f->name != NULL; f++) {
        if (k + 1 >= NODE_FIELDS_MAX)
            return edge_err(err, "internal: too many config keys");
        table[k++] = *f;
    }
    memset(&table[k], 0, sizeof(table[k]));
    if ((n->cf = config_load(path, err)) == NULL)
        return -1;
    if (config_decode(n->cf, table, o->dst, err) < 0)
        return -1;
    snprintf(n->name, sizeof(n->name), "%s", cfg_str(n, NULL, "node"));
    if (o->server) {
        char why[EDGE_ERR_LEN];
        if (js_valid_fqdn(n->name, why) < 0)
            return edge_err(err, "%s: node: a server's name must be its FQDN: %s", path, why);
        if (json_object_get(config_root(n->cf), "listen") == NULL)
            return edge_err(err, "%s: listen: missing required field", path);
    }
    if (json_object_get(config_root(n->cf), "psk") != NULL &&
        json_object_get(config_root(n->cf), "gba") != NULL)
        return edge_err(err, "%s: psk, gba: one PSK method (AKMA or GBA), not both", path);
    if (check_client_credential(n, path, o->server, err) < 0 || check_sco_apis(n, path, o, err) < 0)
        return -1;
    if ((cfg_str(n, "tls", "cert") == NULL) != (cfg_str(n, "tls", "key") == NULL))
        return edge_err(err, "%s: tls: cert and key go together", path);
    return 0;
}

/* tls_psk_client_fn: the EEC offers its A-KID and K_AF derived for the server it calls (TS 33.535
 * A.4: the AF_ID holds the AF's FQDN), or its B-TID and Ks_NAF (TS 33.220 B.3, TS 33.222 5.4.0.2:
 * the NAF_Id holds the NAF's FQDN). */
static int
psk_client(void *arg, const char *server_fqdn, char identity[EDGE_ID_MAX],
           unsigned char key[TLS_PSK_MAX], size_t *key_len)
{
    struct node *n = arg;

    if (n->gba_on) {
        if (gba_ks_naf_derive(n->gba_ks, n->gba_rand, n->gba_impi, server_fqdn, key, NULL) < 0)
            return 0;
        snprintf(identity, EDGE_ID_MAX, "%s", n->gba_btid);
        *key_len = GBA_KEY_LEN;
        return 1;
    }
    if (!n->psk_on || akma_kaf_derive(n->psk_kakma, server_fqdn, key, NULL) < 0)
        return 0;
    snprintf(identity, EDGE_ID_MAX, "%s", n->psk_akid);
    *key_len = AKMA_KEY_LEN;
    return 1;
}

/* The EEC's GBA credentials; the B-TID must carry the RAND (TS 33.220 4.5.2). */
static int
load_gba(struct node *n, char *err)
{
    char btid[GBA_BTID_MAX], why[EDGE_ERR_LEN];
    const char *domain = NULL;

    if (gba_hex_exact(cfg_str(n, "gba", "ks"), n->gba_ks, GBA_KS_LEN, "ks", why) < 0 ||
        gba_hex_exact(cfg_str(n, "gba", "rand"), n->gba_rand, GBA_RAND_LEN, "rand", why) < 0 ||
        gba_btid_check(cfg_str(n, "gba", "btid"), &domain, why) < 0 ||
        gba_btid_make(n->gba_rand, domain, btid, sizeof(btid), why) < 0)
        return edge_err(err, "%s: gba: %s", config_path(n->cf), why);
    if (strcmp(btid, cfg_str(n, "gba", "btid")) != 0)
        return edge_err(err, "%s: gba.btid: its RAND part is not base64 of gba.rand",
                        config_path(n->cf));
    snprintf(n->gba_btid, sizeof(n->gba_btid), "%s", btid);
    snprintf(n->gba_impi, sizeof(n->gba_impi), "%s", cfg_str(n, "gba", "impi"));
    n->gba_on = 1;
    return 0;
}

static int
locate(void *arg, const char *fqdn, char *addr, size_t len, unsigned short *port, char *err)
{
    return node_resolve(arg, fqdn, addr, len, port, err);
}

/* A server whose PSK clients' keys come from an AAnF and/or a BSF (keyfetch.h). */
static int
make_keyfetch(struct node *n, char *err)
{
    json_t *t = json_object_get(config_root(n->cf), "keyFetchTimeoutMs");
    struct keyfetch_config kc = {.base = n->base,
                                 .log = n->log,
                                 .self = n->name,
                                 .aanf = cfg_str(n, NULL, "aanf"),
                                 .bsf = cfg_str(n, NULL, "bsf"),
                                 .timeout_ms = (int)json_integer_value(t),
                                 .locate = locate,
                                 .locate_arg = n};

    if (kc.aanf == NULL && kc.bsf == NULL)
        return 0;
    n->keys = keyfetch_new(&kc, err);
    return n->keys != NULL ? 0 : -1;
}

static int
make_tls(struct node *n, const struct node_opts *o, char *err)
{
    struct tls_config tc = {
        .ca_file = cfg_str(n, "tls", "ca"),
        .cert_file = cfg_str(n, "tls", "cert"),
        .key_file = cfg_str(n, "tls", "key"),
        .keylog_path = cfg_str(n, NULL, "keylog"),
    };
    const char *akid = cfg_str(n, "psk", "akid");

    n->subs = subscribers_new(json_object_get(config_root(n->cf), "subscribers"), err);
    if (n->subs == NULL)
        return -1;
    if (akid != NULL) {
        if (akma_key_from_hex(cfg_str(n, "psk", "kakma"), n->psk_kakma, err) < 0)
            return edge_err(err, "%s: psk.kakma: %s", config_path(n->cf), err);
        snprintf(n->psk_akid, sizeof(n->psk_akid), "%s", akid);
        n->psk_on = 1;
    }
    if (json_object_get(config_root(n->cf), "gba") != NULL && load_gba(n, err) < 0)
        return -1;
    if (n->psk_on || n->gba_on) {
        tc.psk_client = psk_client;
        tc.psk_client_arg = n;
    }
    tc.server_cert_only = n->tls_client_cred == NODE_CRED_NONE;
    if ((n->tls_client = tls_client_new(&tc, err)) == NULL)
        return -1;
    if (o->server) {
        tc.server_cert_only = n->tls_client_cred == NODE_CRED_OPTIONAL;
        tc.psk_client = NULL;
        if (make_keyfetch(n, err) < 0)
            return -1;
        /* A server's PSK keys come from its key servers only (TS 33.535 6.3, TS 33.220 4.5.3):
         * without one it accepts certificates alone. */
        tc.psk_source = n->keys != NULL ? keyfetch_source(n->keys) : NULL;
        if ((n->tls_server = tls_server_new(&tc, err)) == NULL)
            return -1;
    }
    return 0;
}

/* The HTTP version of an interface: its own key, else the node's "http", else h2. */
static enum http_version
cfg_version(const struct node *n, const char *obj)
{
    const char *s = obj != NULL ? cfg_str(n, obj, "http") : NULL;
    enum http_version v = HTTP_VERSION_2;

    if (s == NULL)
        s = cfg_str(n, NULL, "http");
    if (s != NULL)
        (void)http_version_parse(s, &v, NULL); /* checked when the config was loaded */
    return v;
}

static int
make_http(struct node *n, const struct node_opts *o, char *err)
{
    struct http_client_config cc = {.tls = n->tls_client,
                                    .log = n->log,
                                    .version = cfg_version(n, NULL),
                                    .source_addr = cfg_str(n, NULL, "sourceAddr")};

    if ((n->client = http_client_new(n->base, &cc, err)) == NULL)
        return -1;
    if (n->keys != NULL)
        keyfetch_set_client(n->keys, n->client);
    if (!o->server)
        return 0;
    json_t *listen = json_object_get(config_root(n->cf), "listen");
    struct http_server_config sc = {
        .addr = json_string_value(json_object_get(listen, "addr")),
        .port = (unsigned short)json_integer_value(json_object_get(listen, "port")),
        .tls = n->tls_server,
        .log = n->log,
        .version = cfg_version(n, "listen"),
        .request_timeout_ms = (int)json_integer_value(json_object_get(listen, "requestTimeoutMs")),
        .max_conns = (int)json_integer_value(json_object_get(listen, "maxConnections")),
        .max_conns_per_peer =
            (int)json_integer_value(json_object_get(listen, "maxConnectionsPerPeer")),
        .open_paths = n->sco_paths,
    };
    if ((n->http = http_server_new(n->base, &sc, err)) == NULL)
        return -1;
    n->port = http_server_port(n->http);
    return 0;
}

static void
stop_cmd(struct ctl_req *req, json_t *args, void *arg)
{
    (void)args;
    ctl_reply(req, json_pack("{s:b}", "stopping", 1));
    node_stop(arg);
}

/* ctl "psk_keys": the PSK keys a server holds from its key servers, without the keys. */
static void
psk_keys_cmd(struct ctl_req *req, json_t *args, void *arg)
{
    struct node *n = arg;
    json_t *keys = keyfetch_keys(n->keys);

    (void)args;
    ctl_reply(req,
              json_pack("{s:I, s:o}", "count", (json_int_t)json_array_size(keys), "keys", keys));
}

static void
signal_cb(evutil_socket_t sig, short what, void *arg)
{
    struct node *n = arg;

    (void)what;
    node_log(n, "node", NULL, NULL, NULL, "signal %d: stopping", (int)sig);
    node_stop(n);
}

static int
parse_args(int argc, char **argv, const char *kind, const char **config, const char **ctl_path,
           int *ctl_fd, char *err)
{
    for (int i = 1; i < argc; i++) {
        if (i + 1 >= argc)
            return usage(kind, err);
        if (strcmp(argv[i], "--config") == 0) {
            *config = argv[++i];
        } else if (strcmp(argv[i], "--ctl") == 0) {
            *ctl_path = argv[++i];
        } else if (strcmp(argv[i], "--ctl-fd") == 0) {
            char *end;
            long fd = strtol(argv[++i], &end, 10);
            if (*end != '\0' || fd < 0 || fd > INT_MAX)
                return edge_err(err, "--ctl-fd: not a file descriptor: %s", argv[i]);
            *ctl_fd = (int)fd;
        } else {
            return usage(kind, err);
        }
    }
    if (*config == NULL || (*ctl_path == NULL && *ctl_fd < 0))
        return usage(kind, err);
    return 0;
}

/* The event log's lines of one loop round go out in one write(2): the flush event is made active
 * when a first line waits, and libevent runs it after the callbacks already active in that round
 * (those it activates in turn run the same round, so their lines are written too). */
static void
node_log_flush_cb(evutil_socket_t fd, short what, void *arg)
{
    struct node *n = arg;

    (void)fd, (void)what;
    evlog_flush(n->log);
}

static void
node_log_soon(void *arg)
{
    struct node *n = arg;

    event_active(n->log_flush, EV_TIMEOUT, 1);
}

static void
node_log_release(void *arg)
{
    struct node *n = arg;

    event_free(n->log_flush);
    n->log_flush = NULL;
}

/* The event loop. libevent's epoll backend otherwise makes an epoll_ctl(2) for each change of
 * interest: a connection that waits for its reply's write after reading a request (and reads
 * again after it) made four per request; with the change list, the changes of a loop round are
 * applied together before it waits, two per request. Its one caveat, file descriptors cloned
 * with dup(), does not arise: no node dups one. */
static struct event_base *
node_base_new(void)
{
    struct event_config *cfg = event_config_new();
    struct event_base *base;

    if (cfg == NULL)
        return NULL;
    event_config_set_flag(cfg, EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST);
    base = event_base_new_with_config(cfg);
    event_config_free(cfg);
    return base;
}

static int
node_log_open(struct node *n, char *err)
{
    struct evlog_flusher f = {node_log_soon, node_log_release, n};

    if ((n->log = evlog_open(cfg_str(n, NULL, "evlog"), n->name, err)) == NULL)
        return -1;
    if ((n->log_flush = event_new(n->base, -1, 0, node_log_flush_cb, n)) == NULL)
        return edge_err(err, "cannot create the event log's flush event");
    evlog_set_flusher(n->log, &f);
    return 0;
}

/* ---- ctl "http": one HTTPS request sent as this node (its certificate or PSK), for scenarios
 * that call any API from any identity (scenarios/README.md, action "http"). ---- */

#define NODE_HTTP_HEADERS 16

static int
check_http_headers(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    const char *k;
    json_t *e;

    (void)f, (void)ctx;
    if (json_object_size(v) > NODE_HTTP_HEADERS)
        return edge_err(why, "at most %d headers", NODE_HTTP_HEADERS);
    json_object_foreach(v, k, e)
    {
        if (!json_is_string(e) || json_string_length(e) > 8192)
            return edge_err(why, "%s: expected a string of at most 8192 bytes", k);
        if (k[0] == '\0' || strpbrk(k, " :\r\n\t") != NULL || strpbrk(json_string_value(e), "\r\n"))
            return edge_err(why, "%s: not a header line", k);
    }
    return 0;
}

static const struct js_field http_cmd_fields[] = {
    {.name = "fqdn", .type = JS_STRING, .flags = JS_REQUIRED, .check = js_check_fqdn},
    {.name = "method", .type = JS_STRING, .flags = JS_REQUIRED | JS_NONEMPTY, .max_len = 16},
    {.name = "path", .type = JS_STRING, .flags = JS_REQUIRED | JS_NONEMPTY, .max_len = 8192},
    {.name = "contentType", .type = JS_STRING, .flags = JS_NONEMPTY, .max_len = 256},
    {.name = "headers", .type = JS_OBJECT, .check = check_http_headers},
    {.name = "body", .type = JS_STRING},    /* sent as its bytes */
    {.name = "bodyB64", .type = JS_STRING}, /* base64url: any bytes */
    {0},
};

static void
http_cmd_done(const struct http_client_resp *resp, void *arg)
{
    json_t *result = node_result(resp), *headers = json_object();
    struct evkeyval *h;

    if (resp->headers != NULL) {
        TAILQ_FOREACH(h, resp->headers, next)
        {
            json_object_set_new(headers, h->key, json_string(h->value));
        }
    }
    json_object_set_new(result, "headers", headers);
    ctl_reply(arg, result);
}

static void
http_cmd(struct ctl_req *req, json_t *args, void *arg)
{
    struct node *n = arg;
    const char *hdrs[2 * NODE_HTTP_HEADERS + 3], *k, *b64 = NULL;
    const char *body = json_string_value(json_object_get(args, "body"));
    size_t nh = 0, len = body != NULL ? strlen(body) : 0;
    uint8_t *raw = NULL;
    char err[EDGE_ERR_LEN], addr[64], clen[24];
    json_t *v;
    struct http_client_req r = {.port = 0};

    if (js_decode(args, "", http_cmd_fields, NULL, NULL, err) < 0 ||
        node_resolve(n, json_string_value(json_object_get(args, "fqdn")), addr, sizeof(addr),
                     &r.port, err) < 0) {
        ctl_reply_error(req, "node.bad_args", "%s", err);
        return;
    }
    if ((b64 = json_string_value(json_object_get(args, "bodyB64"))) != NULL) {
        raw = malloc(b64url_decoded_max(strlen(b64)) + 1);
        if (raw == NULL || b64url_decode(b64, strlen(b64), raw, &len) < 0) {
            free(raw);
            ctl_reply_error(req, "node.bad_args", "bodyB64: not base64url");
            return;
        }
    }
    json_object_foreach(json_object_get(args, "headers"), k, v)
    {
        hdrs[nh++] = k;
        hdrs[nh++] = json_string_value(v);
    }
    /* libevent 2.1 frames only POST and PUT bodies itself: a PATCH body needs its length said. */
    snprintf(clen, sizeof(clen), "%zu", len);
    if (len > 0 && json_object_get(json_object_get(args, "headers"), "Content-Length") == NULL) {
        hdrs[nh++] = "Content-Length";
        hdrs[nh++] = clen;
    }
    hdrs[nh] = NULL;
    r.method = json_string_value(json_object_get(args, "method"));
    r.fqdn = json_string_value(json_object_get(args, "fqdn"));
    r.addr = addr;
    r.path = json_string_value(json_object_get(args, "path"));
    r.content_type = json_string_value(json_object_get(args, "contentType"));
    r.body = raw != NULL ? (const void *)raw : body;
    r.body_len = len;
    r.headers = hdrs;
    if (http_client_send(n->client, &r, http_cmd_done, req, err) < 0)
        ctl_reply_error(req, "node.bad_args", "%s", err);
    free(raw);
}

int
node_init(struct node *n, int argc, char **argv, const struct node_opts *o, char *err)
{
    const char *config = NULL, *ctl_path = NULL;
    int ctl_fd = -1;

    memset(n, 0, sizeof(*n));
    n->kind = o->kind;
    if (parse_args(argc, argv, o->kind, &config, &ctl_path, &ctl_fd, err) < 0)
        return -1;
    /* A peer that goes away mid-write must cost one connection, not the node. */
    signal(SIGPIPE, SIG_IGN);
    if ((n->base = node_base_new()) == NULL)
        return edge_err(err, "cannot create the event loop");
    if (load_config(n, config, o, err) < 0)
        return -1;
    if (node_log_open(n, err) < 0)
        return -1;
    if (make_tls(n, o, err) < 0 || make_http(n, o, err) < 0)
        return -1;
    if ((n->ctl = ctl_new(n->base, n->name, ctl_path, ctl_fd, err)) == NULL)
        return -1;
    if (ctl_command(n->ctl, "stop", stop_cmd, n, err) < 0 ||
        ctl_command(n->ctl, "http", http_cmd, n, err) < 0 ||
        (n->keys != NULL && ctl_command(n->ctl, "psk_keys", psk_keys_cmd, n, err) < 0))
        return -1;
    n->sig_term = evsignal_new(n->base, SIGTERM, signal_cb, n);
    n->sig_int = evsignal_new(n->base, SIGINT, signal_cb, n);
    if (n->sig_term == NULL || n->sig_int == NULL || evsignal_add(n->sig_term, NULL) < 0 ||
        evsignal_add(n->sig_int, NULL) < 0)
        return edge_err(err, "cannot watch SIGTERM/SIGINT");
    node_log(n, "node", NULL, NULL, NULL, "edge-%s %s started (port %u, HTTP server %s, client %s)",
             o->kind, n->name, n->port,
             o->server ? http_version_name(cfg_version(n, "listen")) : "none",
             http_version_name(cfg_version(n, NULL)));
    return 0;
}

void
node_ready(struct node *n, json_t *info)
{
    json_t *i = info != NULL ? info : json_object();

    json_object_set_new(i, "kind", json_string(n->kind));
    json_object_set_new(i, "port", json_integer(n->port));
    node_log(n, "node", NULL, NULL, i, "ready");
    ctl_ready(n->ctl, i);
}

int
node_run(struct node *n)
{
    event_base_dispatch(n->base);
    /* A loop that ends leaves the deferred callbacks of its last round queued, each bufferevent
     * holding a reference for it: run them, or event_base_free() drops them and their
     * connections are never freed. */
    event_base_loop(n->base, EVLOOP_NONBLOCK);
    node_log(n, "node", NULL, NULL, NULL, "stopped");
    return n->exit_code;
}

static void
node_drained(void *arg)
{
    struct node *n = arg;

    event_base_loopexit(n->base, NULL);
}

void
node_stop(struct node *n)
{
    if (n->stopping)
        return;
    n->stopping = 1;
    if (n->on_stop != NULL) {
        void (*f)(struct node *, void *) = n->on_stop;
        n->on_stop = NULL;
        f(n, n->on_stop_arg);
    }
    /* Callers waiting on held requests get an answer, not a closed connection; the loop goes on
     * until the answers (and the reply to "stop", written by the same loop) have left. */
    if (n->http != NULL)
        http_server_shutdown(n->http, NODE_STOP_GRACE_MS, node_drained, n);
    else
        event_base_loopexit(n->base, NULL);
}

void
node_free(struct node *n)
{
    if (n->sig_term != NULL)
        event_free(n->sig_term);
    if (n->sig_int != NULL)
        event_free(n->sig_int);
    ctl_free(n->ctl);
    http_server_free(n->http);
    http_client_free(n->client);
    keyfetch_free(n->keys); /* after the server and client: no handshake waits, no fetch flies */
    tls_ctx_free(n->tls_server);
    tls_ctx_free(n->tls_client);
    subscribers_free(n->subs);
    evlog_close(n->log);
    config_free(n->cf);
    if (n->base != NULL)
        event_base_free(n->base);
    OPENSSL_cleanse(n->psk_kakma, sizeof(n->psk_kakma));
    OPENSSL_cleanse(n->gba_ks, sizeof(n->gba_ks));
    memset(n, 0, sizeof(*n));
}

int
node_resolve(const struct node *n, const char *fqdn, char *addr, size_t addr_len,
             unsigned short *port, char *err)
{
    const char *hp =
        json_string_value(json_object_get(json_object_get(config_root(n->cf), "hosts"), fqdn));
    const char *colon = hp != NULL ? strrchr(hp, ':') : NULL;

    if (colon == NULL)
        return edge_err(err, "no address for %s in the config's hosts", fqdn);
    if ((size_t)(colon - hp) >= addr_len)
        return edge_err(err, "address of %s too long", fqdn);
    memcpy(addr, hp, (size_t)(colon - hp));
    addr[colon - hp] = '\0';
    *port = (unsigned short)strtol(colon + 1, NULL, 10);
    return 0;
}

json_t *
node_endpoint(const struct node *n)
{
    char uri[EDGE_FQDN_MAX + 16];

    if (n->port == 443)
        snprintf(uri, sizeof(uri), "https://%s", n->name);
    else
        snprintf(uri, sizeof(uri), "https://%s:%u", n->name, n->port);
    return json_pack("{s:s}", "uri", uri);
}

static int
node_send(struct node *n, int timeout_ms, const char *method, const char *fqdn, const char *path,
          const char *ctype, const char *body, const char *const *headers, http_client_cb cb,
          void *arg, char *err)
{
    char addr[64];
    unsigned short port = 0;
    struct http_client_req r = {
        .method = method,
        .fqdn = fqdn,
        .path = path,
        .content_type = ctype,
        .body = body,
        .body_len = body != NULL ? strlen(body) : 0,
        .headers = headers,
        .timeout_ms = timeout_ms,
    };

    if (node_resolve(n, fqdn, addr, sizeof(addr), &port, err) < 0)
        return -1;
    r.addr = addr;
    r.port = port;
    return http_client_send(n->client, &r, cb, arg, err);
}

int
node_send_json_within(struct node *n, int timeout_ms, const char *method, const char *fqdn,
                      const char *path, const json_t *body, const char *const *headers,
                      http_client_cb cb, void *arg, char *err)
{
    char *text = body != NULL ? json_dumps(body, JSON_COMPACT) : NULL;
    int rc;

    if (body != NULL && text == NULL)
        return edge_err(err, "cannot encode the JSON body for %s %s", method, path);
    rc = node_send(n, timeout_ms, method, fqdn, path, text != NULL ? HTTP_MEDIA_JSON : NULL, text,
                   headers, cb, arg, err);
    free(text);
    return rc;
}

int
node_send_json(struct node *n, const char *method, const char *fqdn, const char *path,
               const json_t *body, const char *const *headers, http_client_cb cb, void *arg,
               char *err)
{
    return node_send_json_within(n, 0, method, fqdn, path, body, headers, cb, arg, err);
}

int
node_send_form_within(struct node *n, int timeout_ms, const char *fqdn, const char *path,
                      const char *form, const char *const *headers, http_client_cb cb, void *arg,
                      char *err)
{
    return node_send(n, timeout_ms, "POST", fqdn, path, HTTP_MEDIA_FORM, form, headers, cb, arg,
                     err);
}

int
node_send_form(struct node *n, const char *fqdn, const char *path, const char *form,
               const char *const *headers, http_client_cb cb, void *arg, char *err)
{
    return node_send_form_within(n, 0, fqdn, path, form, headers, cb, arg, err);
}

json_t *
node_result(const struct http_client_resp *r)
{
    json_t *body = NULL, *problem = json_null();
    const char *loc = http_client_resp_header(r, "Location");

    if (r->body != NULL && r->body_len > 0)
        body = json_loadb(r->body, r->body_len, 0, NULL);
    if (body == NULL && r->body_len > 0)
        body = json_stringn(r->body, r->body_len); /* not JSON: keep it as text */
    if (r->status >= 400 && json_is_object(body))
        problem = json_incref(body);
    return json_pack("{s:i, s:s?, s:o, s:o, s:s?, s:s?, s:f}", "status", r->status, "location", loc,
                     "body", body != NULL ? body : json_null(), "problem", problem, "error",
                     r->error, "error_cause", r->error_cause, "elapsed_ms", r->elapsed_ms);
}

void
node_log(struct node *n, const char *kind, const char *peer, const char *cause, json_t *data,
         const char *fmt, ...)
{
    char summary[1024];
    va_list ap;
    struct evlog_event ev = {
        .peer = peer,
        .dir = "local",
        .kind = kind,
        .cause = cause,
        .summary = summary,
        .conn = -1,
        .data = data,
    };

    va_start(ap, fmt);
    /* A summary the caller made already ("%s", as the token reports pass theirs) is not copied. */
    if (strcmp(fmt, "%s") == 0) {
        // NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): va_start is above
        const char *s = va_arg(ap, const char *);
        if (strlen(s) < sizeof(summary)) {
            ev.summary = s;
        } else { /* cut as vsnprintf would */
            memcpy(summary, s, sizeof(summary) - 1);
            summary[sizeof(summary) - 1] = '\0';
        }
    } else {
        // NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): va_start is the line above
        vsnprintf(summary, sizeof(summary), fmt, ap);
    }
    va_end(ap);
    evlog_write(n->log, &ev);
}

long long
node_now(void)
{
    return (long long)time(NULL);
}
