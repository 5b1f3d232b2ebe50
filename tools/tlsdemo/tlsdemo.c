/* tlsdemo.c -- edge-tlsdemo: one EDGE-4 style exchange over mutual TLS on loopback, shown from both
 * ends.
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

#include "net/http_client.h"
#include "net/http_server.h"
#include "net/tls.h"

#define DEMO_PATH "/eecs-serviceprovisioning/v1/request"

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

int
main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"ecs", required_argument, NULL, 's'},
        {"eec", required_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *ecs = "ecs", *eec = "eec", *creds, *keylog;
    char ca[4096], scrt[4096], skey[4096], ccrt[4096], ckey[4096], klog[4096];
    char fqdn[EDGE_FQDN_MAX], eec_id[EDGE_ID_MAX], err[EDGE_ERR_LEN];
    struct tls_config sc = {0}, cc = {0};
    struct http_server_config hc = {0};
    struct http_client_config clc = {0};
    struct http_client_req r = {
        .method = "POST", .addr = "127.0.0.1", .path = DEMO_PATH, .content_type = HTTP_MEDIA_JSON};
    struct http_client_result res = {0};
    struct tls_ctx *stls = NULL, *ctls = NULL;
    struct http_server *srv = NULL;
    struct http_client *cl = NULL;
    struct event_base *base = NULL;
    char body[256];
    int opt, rc = 1;
    FILE *f;

    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (opt == 's')
            ecs = optarg;
        else if (opt == 'c')
            eec = optarg;
        else {
            fputs(usage_text, opt == 'h' ? stdout : stderr);
            return opt == 'h' ? 0 : 2;
        }
    }
    if (argc - optind < 1 || argc - optind > 2) {
        fputs(usage_text, stderr);
        return 2;
    }
    creds = argv[optind];
    snprintf(klog, sizeof(klog), "%s/keylog.txt", creds);
    keylog = argc - optind == 2 ? argv[optind + 1] : klog;
    snprintf(ca, sizeof(ca), "%s/ca.crt", creds);
    snprintf(scrt, sizeof(scrt), "%s/%s.crt", creds, ecs);
    snprintf(skey, sizeof(skey), "%s/%s.key", creds, ecs);
    snprintf(ccrt, sizeof(ccrt), "%s/%s.crt", creds, eec);
    snprintf(ckey, sizeof(ckey), "%s/%s.key", creds, eec);
    if (cert_san(scrt, GEN_DNS, "", fqdn, sizeof(fqdn)) < 0) {
        fprintf(stderr,
                "edge-tlsdemo: %s: no certificate with a SAN dNSName (make credentials "
                "with edge-pki)\n",
                scrt);
        return 1;
    }
    if (cert_san(ccrt, GEN_URI, "urn:edgesim:eec:", eec_id, sizeof(eec_id)) < 0) {
        fprintf(stderr,
                "edge-tlsdemo: %s: no certificate with an EEC ID SAN URI (make "
                "credentials with edge-pki)\n",
                ccrt);
        return 1;
    }

    sc.ca_file = cc.ca_file = ca;
    sc.cert_file = scrt;
    sc.key_file = skey;
    cc.cert_file = ccrt;
    cc.key_file = ckey;
    sc.keylog_path = cc.keylog_path = keylog;
    cc.peer_fqdn = fqdn;
    if ((base = event_base_new()) == NULL || (stls = tls_server_new(&sc, err)) == NULL ||
        (ctls = tls_client_new(&cc, err)) == NULL)
        goto fail;
    hc.addr = "127.0.0.1";
    hc.tls = stls;
    if ((srv = http_server_new(base, &hc, err)) == NULL ||
        http_server_route(srv, "POST", DEMO_PATH, h_provision, fqdn, err) < 0)
        goto fail;
    clc.tls = ctls;
    if ((cl = http_client_new(base, &clc, err)) == NULL)
        goto fail;
    printf("server: %s listening on 127.0.0.1:%u (TLS 1.3, client certificate required)\n", fqdn,
           http_server_port(srv));

    snprintf(body, sizeof(body), "{\"eecId\":\"%s\"}", eec_id);
    r.fqdn = fqdn;
    r.port = http_server_port(srv);
    r.body = body;
    r.body_len = strlen(body);
    printf("client: POST https://%s:%u%s %s\n", fqdn, r.port, DEMO_PATH, body);
    if (http_client_fetch(cl, &r, &res, err) < 0)
        goto fail;
    printf("client: status %d in %.1f ms\n", res.status, res.elapsed_ms);
    print_peer("client", &res.peer);
    printf("client: body %s\n", res.body);

    printf("\nNSS key log %s (Wireshark: Preferences > Protocols > TLS > (Pre)-Master-Secret "
           "log filename):\n",
           keylog);
    if ((f = fopen(keylog, "r")) != NULL) {
        int ch;

        while ((ch = fgetc(f)) != EOF)
            putchar(ch);
        fclose(f);
    }
    rc = res.status == 200 ? 0 : 1;
    goto done;
fail:
    fprintf(stderr, "edge-tlsdemo: %s\n", err);
done:
    http_client_result_free(&res);
    http_client_free(cl);
    http_server_free(srv);
    tls_ctx_free(ctls);
    tls_ctx_free(stls);
    if (base != NULL)
        event_base_free(base);
    return rc;
}
