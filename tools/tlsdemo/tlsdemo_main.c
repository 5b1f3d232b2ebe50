/* tlsdemo_main.c -- edge-tlsdemo: one EDGE-4 style exchange over mutual TLS on loopback, shown from
 * both ends.
 *
 * An ECS-like server and an EEC-like client, both from common/, on 127.0.0.1: the client POSTs a
 * small ECSServProvReq to /eecs-serviceprovisioning/v1/request, the server answers; each side
 * prints the peer identity its TLS handshake proved, then the NSS key log that lets Wireshark
 * decrypt a capture of it is printed. Not the ECS: no provisioning logic, a fixed answer. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "base/err.h"
#include "base/file.h"
#include "net/http_client.h"
#include "net/http_server.h"
#include "net/tls.h"

#define DEMO_PATH "/eecs-serviceprovisioning/v1/request"
#define DEMO_KEYLOG_MAX ((size_t)1024 * 1024) /* a key log of one exchange holds a few lines */

static const char usage_text[] =
    "usage: edge-tlsdemo [--ecs NAME] [--eec NAME] CREDDIR [KEYLOG]\n"
    "  CREDDIR  holds ca.crt, NAME.crt/NAME.key of the server (--ecs, default \"ecs\") and of\n"
    "           the client (--eec, default \"eec\"); edge-pki names them after the FQDN/EEC ID\n"
    "  KEYLOG   NSS key-log file to append to (default CREDDIR/keylog.txt)\n"
    "Exit status: 0 the exchange succeeded, 1 it did not, 2 usage.\n";

static const char *
mode_name(enum edge_peer_mode m)
{
    return m == EDGE_PEER_CERT ? "X.509 certificate" : m == EDGE_PEER_PSK ? "PSK" : "none";
}

static void
print_peer(const char *side, const struct edge_peer *p)
{
    printf("%s: peer authenticated by %s\n", side, mode_name(p->mode));
    if (p->fqdn[0])
        printf("%s:   FQDN (SAN dNSName)   %s\n", side, p->fqdn);
    if (p->eec_id[0])
        printf("%s:   EEC ID (SAN URI)     %s\n", side, p->eec_id);
    if (p->gpsi[0])
        printf("%s:   GPSI (SAN URI)       %s\n", side, p->gpsi);
}

/* The first SAN of a certificate file of the given type whose value starts with prefix, without
 * the prefix: the server's FQDN (what the client must expect), the client's EEC ID. */
static int
cert_san(const char *path, int type, const char *prefix, char *out, size_t len)
{
    FILE *f = fopen(path, "r");
    X509 *x = f != NULL ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
    GENERAL_NAMES *gens = x != NULL ? X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL) : NULL;
    size_t plen = strlen(prefix);
    int i, rc = -1;

    for (i = 0; gens != NULL && i < sk_GENERAL_NAME_num(gens) && rc < 0; i++) {
        const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
        const ASN1_IA5STRING *v = g->type == GEN_DNS   ? g->d.dNSName
                                  : g->type == GEN_URI ? g->d.uniformResourceIdentifier
                                                       : NULL;
        const char *d = v != NULL ? (const char *)ASN1_STRING_get0_data(v) : NULL;
        size_t n = v != NULL ? (size_t)ASN1_STRING_length(v) : 0;

        if (g->type == type && n > plen && n - plen < len && strncmp(d, prefix, plen) == 0) {
            snprintf(out, len, "%.*s", (int)(n - plen), d + plen);
            rc = 0;
        }
    }
    GENERAL_NAMES_free(gens);
    X509_free(x);
    if (f != NULL)
        fclose(f);
    return rc;
}

static void
h_provision(struct http_req *req, void *arg)
{
    const struct edge_peer *p = http_req_peer(req);
    const char *fqdn = arg;
    size_t len;
    json_t *j;

    printf("server: %s %s on connection %ld\n", http_req_method(req), http_req_path(req),
           http_req_conn(req));
    print_peer("server", p);
    if ((j = http_req_json(req)) == NULL)
        return; /* answered 4xx already */
    printf("server: request body %s\n", http_req_body(req, &len));
    json_decref(j);
    /* TS 24.558 ECSServProvResp, shape only: one EDN with one EES. */
    http_reply_json(req, 200,
                    json_pack("{s:[{s:{s:s}, s:[{s:s, s:{s:s}, s:b}]}]}", "ednCnfgInfo",
                              "ednConInfo", "dnn", "edge.demo", "eess", "eesId", "ees1.edge.test",
                              "endPt", "fqdn", "ees1.edge.test", "eecRegConf", 1));
    printf("server: answered 200 as %s\n", fqdn);
}

/* The demo's files, names and objects; one demo_free() for every path. */
struct demo {
    char ca[4096], scrt[4096], skey[4096], ccrt[4096], ckey[4096], klog[4096];
    const char *keylog;
    char fqdn[EDGE_FQDN_MAX], eec_id[EDGE_ID_MAX];
    struct event_base *base;
    struct tls_ctx *stls, *ctls;
    struct http_server *srv;
    struct http_client *cl;
};

/* The command line into d's paths: 0, -1 when help was printed (exit 0), or the exit status of
 * a usage error. */
static int
demo_args(struct demo *d, int argc, char **argv)
{
    static const struct option opts[] = {
        {"ecs", required_argument, NULL, 's'},
        {"eec", required_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *ecs = "ecs", *eec = "eec", *creds;
    int opt;

    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (opt == 's')
            ecs = optarg;
        else if (opt == 'c')
            eec = optarg;
        else {
            fputs(usage_text, opt == 'h' ? stdout : stderr);
            return opt == 'h' ? -1 : 2;
        }
    }
    if (argc - optind < 1 || argc - optind > 2) {
        fputs(usage_text, stderr);
        return 2;
    }
    creds = argv[optind];
    snprintf(d->klog, sizeof(d->klog), "%s/keylog.txt", creds);
    d->keylog = argc - optind == 2 ? argv[optind + 1] : d->klog;
    snprintf(d->ca, sizeof(d->ca), "%s/ca.crt", creds);
    snprintf(d->scrt, sizeof(d->scrt), "%s/%s.crt", creds, ecs);
    snprintf(d->skey, sizeof(d->skey), "%s/%s.key", creds, ecs);
    snprintf(d->ccrt, sizeof(d->ccrt), "%s/%s.crt", creds, eec);
    snprintf(d->ckey, sizeof(d->ckey), "%s/%s.key", creds, eec);
    return 0;
}

/* Who the two certificates name: the server's FQDN (what the client must expect), the client's
 * EEC ID. */
static int
demo_names(struct demo *d, char *err)
{
    if (cert_san(d->scrt, GEN_DNS, "", d->fqdn, sizeof(d->fqdn)) < 0)
        return edge_err(
            err, "%s: no certificate with a SAN dNSName (make credentials with edge-pki)", d->scrt);
    if (cert_san(d->ccrt, GEN_URI, "urn:edgesim:eec:", d->eec_id, sizeof(d->eec_id)) < 0)
        return edge_err(err,
                        "%s: no certificate with an EEC ID SAN URI (make credentials with "
                        "edge-pki)",
                        d->ccrt);
    return 0;
}

/* Both TLS contexts, the server with its route and the client, on one event base. */
static int
demo_setup(struct demo *d, char *err)
{
    struct tls_config sc = {0}, cc = {0};
    struct http_server_config hc = {0};
    struct http_client_config clc = {0};

    sc.ca_file = cc.ca_file = d->ca;
    sc.cert_file = d->scrt;
    sc.key_file = d->skey;
    cc.cert_file = d->ccrt;
    cc.key_file = d->ckey;
    sc.keylog_path = cc.keylog_path = d->keylog;
    cc.peer_fqdn = d->fqdn;
    if ((d->base = event_base_new()) == NULL || (d->stls = tls_server_new(&sc, err)) == NULL ||
        (d->ctls = tls_client_new(&cc, err)) == NULL)
        return -1;
    hc.addr = "127.0.0.1";
    hc.tls = d->stls;
    if ((d->srv = http_server_new(d->base, &hc, err)) == NULL ||
        http_server_route(d->srv, "POST", DEMO_PATH, h_provision, d->fqdn, err) < 0)
        return -1;
    clc.tls = d->ctls;
    if ((d->cl = http_client_new(d->base, &clc, err)) == NULL)
        return -1;
    printf("server: %s listening on 127.0.0.1:%u (TLS 1.3, client certificate required)\n", d->fqdn,
           http_server_port(d->srv));
    return 0;
}

/* The client's POST and what it learnt; the HTTP status, or -1. */
static int
demo_exchange(struct demo *d, char *err)
{
    struct http_client_req r = {
        .method = "POST", .addr = "127.0.0.1", .path = DEMO_PATH, .content_type = HTTP_MEDIA_JSON};
    struct http_client_result res = {0};
    char body[256];
    int status = -1;

    snprintf(body, sizeof(body), "{\"eecId\":\"%s\"}", d->eec_id);
    r.fqdn = d->fqdn;
    r.port = http_server_port(d->srv);
    r.body = body;
    r.body_len = strlen(body);
    printf("client: POST https://%s:%u%s %s\n", d->fqdn, r.port, DEMO_PATH, body);
    if (http_client_fetch(d->cl, &r, &res, err) == 0) {
        printf("client: status %d in %.1f ms\n", res.status, res.elapsed_ms);
        print_peer("client", &res.peer);
        printf("client: body %s\n", res.body);
        status = res.status;
    }
    http_client_result_free(&res);
    return status;
}

static void
demo_print_keylog(const struct demo *d)
{
    char *text;
    size_t len;

    printf("\nNSS key log %s (Wireshark: Preferences > Protocols > TLS > (Pre)-Master-Secret "
           "log filename):\n",
           d->keylog);
    if (edge_file_read(d->keylog, DEMO_KEYLOG_MAX, &text, &len, NULL) == 0) {
        fwrite(text, 1, len, stdout);
        free(text);
    }
}

static void
demo_free(struct demo *d)
{
    http_client_free(d->cl);
    http_server_free(d->srv);
    tls_ctx_free(d->ctls);
    tls_ctx_free(d->stls);
    if (d->base != NULL)
        event_base_free(d->base);
}

int
main(int argc, char **argv)
{
    struct demo d = {0};
    char err[EDGE_ERR_LEN];
    int rc, status;

    if ((rc = demo_args(&d, argc, argv)) != 0)
        return rc < 0 ? 0 : rc;
    rc = 1;
    if (demo_names(&d, err) < 0 || demo_setup(&d, err) < 0 ||
        (status = demo_exchange(&d, err)) < 0) {
        fprintf(stderr, "edge-tlsdemo: %s\n", err);
        goto done;
    }
    demo_print_keylog(&d);
    rc = status == 200 ? 0 : 1;
done:
    demo_free(&d);
    return rc;
}
