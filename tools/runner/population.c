/* population.c -- a scenario EEC's UE population (scenarios/README.md "`nodes` — an EEC"): the
 * scenario key, the UEs' identities from its formats, their credentials (an X.509 certificate of
 * the run's CA per UE, or an A-KID and a K_AKMA drawn from the seed, TS 33.535 6.1) written to the
 * file the node loads (nodes/eec/eec_population.h), and the subscriber entries the key servers and
 * the ECSes / EESes get for them. */
#include "population.h"

#include "base/err.h"
#include "creds.h"
#include "pki.h"

#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const pop_creds[] = {"cert", "psk", NULL};

/* A format with exactly one integer conversion (%d, %05d, %08d, ...) and no other. */
static int
pop_check_format(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    const char *s = json_string_value(v), *p;
    int convs = 0;
    (void)f, (void)ctx;

    for (p = s; *p != '\0'; p++) {
        if (*p != '%')
            continue;
        if (p[1] == '%') {
            p++;
            continue;
        }
        p++;
        while (*p >= '0' && *p <= '9')
            p++;
        if (*p != 'd')
            return edge_err(why, "\"%s\": only %%d conversions (with a width) are allowed", s);
        convs++;
    }
    if (convs != 1)
        return edge_err(why, "\"%s\": expected one %%d (the UE's number), got %d", s, convs);
    return 0;
}

const struct js_field pop_fields[] = {
    {.name = "count",
     .type = JS_INT,
     .flags = JS_REQUIRED,
     .check = js_check_range,
     .min = 1,
     .max = POP_MAX},
    {.name = "first", .type = JS_INT, .check = js_check_range, .min = 0, .max = 99999999},
    {.name = "eecId", .type = JS_STRING, .flags = JS_REQUIRED, .check = pop_check_format},
    {.name = "gpsi", .type = JS_STRING, .check = pop_check_format},
    {.name = "akid", .type = JS_STRING, .check = pop_check_format},
    {.name = "credentials", .type = JS_STRING, .check = js_check_enum, .choices = pop_creds},
    {.name = NULL},
};

static json_t *
pop_of(const struct run_node *n)
{
    return n->sn->kind == SCN_EEC ? json_object_get(n->sn->conf, "eecs") : NULL;
}

size_t
pop_count(const struct run_node *n)
{
    return (size_t)json_integer_value(json_object_get(pop_of(n), "count"));
}

size_t
pop_total(const struct run *r)
{
    size_t t = 0;

    for (size_t i = 0; i < r->nnodes; i++)
        t += pop_count(&r->nodes[i]);
    return t;
}

const char *
pop_credentials(const struct run_node *n)
{
    const char *c = json_string_value(json_object_get(pop_of(n), "credentials"));
    return c != NULL ? c : "psk";
}

int
pop_path(const struct run *r, const struct run_node *n, char *buf, size_t len)
{
    return run_pathf(buf, len, "%s/%s.population.json", r->rundir, n->sn->name);
}

/* fmt (one %d, checked when the scenario loaded) with the UE's number. */
static void
pop_fmt(char *buf, size_t len, const char *fmt, long long k)
{
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    snprintf(buf, len, fmt, (int)k);
#pragma GCC diagnostic pop
}

/* UE i of n: its EEC ID, GPSI ("" when none) and A-KID. */
static void
pop_ids(const struct run_node *n, size_t i, char *id, char *gpsi, char *akid, size_t len)
{
    json_t *p = pop_of(n);
    json_t *first = json_object_get(p, "first");
    long long k = (first != NULL ? json_integer_value(first) : 1) + (long long)i;
    const char *g = json_string_value(json_object_get(p, "gpsi"));
    const char *a = json_string_value(json_object_get(p, "akid"));
    char ak[64];

    pop_fmt(id, len, json_string_value(json_object_get(p, "eecId")), k);
    gpsi[0] = '\0';
    if (g != NULL)
        pop_fmt(gpsi, len, g, k);
    snprintf(ak, sizeof(ak), "atid-%%08d-%s@rid1.akma.edge.test", n->sn->name);
    pop_fmt(akid, len, a != NULL ? a : ak, k);
}

static char *
pop_pem(int (*w)(BIO *, const void *), const void *obj)
{
    BIO *b = BIO_new(BIO_s_mem());
    char *data, *out = NULL;
    long len;

    if (b != NULL && w(b, obj) == 1 && (len = BIO_get_mem_data(b, &data)) > 0 &&
        (out = malloc((size_t)len + 1)) != NULL) {
        memcpy(out, data, (size_t)len);
        out[len] = '\0';
    }
    BIO_free(b);
    return out;
}

static int
pop_w_cert(BIO *b, const void *x)
{
    return PEM_write_bio_X509(b, (X509 *)x);
}

static int
pop_w_key(BIO *b, const void *k)
{
    return PEM_write_bio_PrivateKey(b, (EVP_PKEY *)k, NULL, NULL, 0, NULL, NULL);
}

/* A certificate of the run's CA for one UE, with a key of its own (the SAN URIs of
 * common/net/peer.h), into e. */
static int
pop_cert(X509 *ca, EVP_PKEY *ca_key, const char *id, const char *gpsi, json_t *e, char *err)
{
    char eec_uri[200], gpsi_uri[200];
    struct pki_cert_spec spec = {.client_auth = 1, .ou = "eec", .cn = id, .days = PKI_LEAF_DAYS};
    EVP_PKEY *key = pki_key_new(err);
    X509 *crt = NULL;
    char *c = NULL, *k = NULL;
    int rc = -1;

    snprintf(eec_uri, sizeof(eec_uri), "urn:edgesim:eec:%s", id);
    snprintf(gpsi_uri, sizeof(gpsi_uri), "urn:edgesim:gpsi:%s", gpsi);
    spec.uris[0] = eec_uri;
    spec.uris[1] = gpsi[0] != '\0' ? gpsi_uri : NULL;
    if (key != NULL && (crt = pki_cert_new(&spec, key, ca, ca_key, err)) != NULL) {
        if ((c = pop_pem(pop_w_cert, crt)) != NULL && (k = pop_pem(pop_w_key, key)) != NULL) {
            json_object_set_new(e, "cert", json_string(c));
            json_object_set_new(e, "key", json_string(k));
            rc = 0;
        } else {
            edge_err(err, "out of memory");
        }
    }
    free(c);
    if (k != NULL)
        OPENSSL_cleanse(k, strlen(k));
    free(k);
    X509_free(crt);
    EVP_PKEY_free(key);
    return rc;
}

static int
pop_load_ca(struct run *r, X509 **ca, EVP_PKEY **key, char *err)
{
    char crt[RUN_PATH_MAX], k[RUN_PATH_MAX];

    if (pki_path(crt, sizeof(crt), r->pkidir, PKI_CA_CRT, NULL, NULL, err) == -1 ||
        pki_path(k, sizeof(k), r->pkidir, PKI_CA_KEY, NULL, NULL, err) == -1 ||
        (*ca = pki_load_cert(crt, err)) == NULL || (*key = pki_load_key(k, err)) == NULL)
        return -1;
    return 0;
}

/* The UEs of n with their credentials (a new array). */
static json_t *
pop_entries(struct run *r, struct run_node *n, char *err)
{
    int psk = strcmp(pop_credentials(n), "psk") == 0;
    json_t *arr = json_array();
    X509 *ca = NULL;
    EVP_PKEY *ca_key = NULL;
    char id[128], gpsi[128], akid[128], kakma[65];

    if (!psk && pop_load_ca(r, &ca, &ca_key, err) == -1)
        goto fail;
    for (size_t i = 0; i < pop_count(n); i++) {
        json_t *e;
        pop_ids(n, i, id, gpsi, akid, sizeof(id));
        e = json_pack("{s:s}", "eecId", id);
        if (gpsi[0] != '\0')
            json_object_set_new(e, "gpsi", json_string(gpsi));
        json_array_append_new(arr, e);
        if (psk) {
            creds_seeded_id(r, id, "edgesim K_AKMA seed", kakma, 32);
            json_object_set_new(e, "akid", json_string(akid));
            json_object_set_new(e, "kakma", json_string(kakma));
        } else if (pop_cert(ca, ca_key, id, gpsi, e, err) == -1) {
            goto fail;
        }
    }
    X509_free(ca);
    EVP_PKEY_free(ca_key);
    return arr;
fail:
    X509_free(ca);
    EVP_PKEY_free(ca_key);
    json_decref(arr);
    return NULL;
}

int
pop_make(struct run *r, char *err)
{
    char path[RUN_PATH_MAX];

    for (size_t i = 0; i < r->nnodes; i++) {
        struct run_node *n = &r->nodes[i];
        json_t *arr;
        int rc;
        if (pop_count(n) == 0)
            continue;
        if (pop_path(r, n, path, sizeof(path)) == -1)
            return edge_err(err, "population file path too long");
        if ((arr = pop_entries(r, n, err)) == NULL)
            return -1;
        rc = json_dump_file(arr, path, JSON_COMPACT) == 0 ? 0 : -1;
        json_decref(arr);
        if (rc == -1)
            return edge_err(err, "cannot write %s", path);
    }
    return 0;
}

void
pop_subscribers(struct run *r, enum scn_kind kind, json_t *subs)
{
    char id[128], gpsi[128], akid[128], kakma[65];

    for (size_t i = 0; i < r->nnodes; i++) {
        struct run_node *n = &r->nodes[i];
        int psk = strcmp(pop_credentials(n), "psk") == 0;
        for (size_t k = 0; k < pop_count(n); k++) {
            json_t *e;
            pop_ids(n, k, id, gpsi, akid, sizeof(id));
            if (kind == SCN_BSF || (kind == SCN_AANF && !psk) ||
                (kind != SCN_AANF && gpsi[0] == '\0'))
                continue;
            e = json_pack("{s:s}", "eecId", id);
            if (gpsi[0] != '\0')
                json_object_set_new(e, "gpsi", json_string(gpsi));
            if (kind == SCN_AANF) {
                creds_seeded_id(r, id, "edgesim K_AKMA seed", kakma, 32);
                json_object_set_new(e, "akid", json_string(akid));
                json_object_set_new(e, "kakma", json_string(kakma));
            }
            json_array_append_new(subs, e);
        }
    }
}

json_t *
pop_config(struct run *r, struct run_node *n)
{
    char path[RUN_PATH_MAX];

    if (pop_count(n) == 0 || pop_path(r, n, path, sizeof(path)) == -1)
        return NULL;
    return json_pack("{s:s, s:s}", "file", path, "credentials", pop_credentials(n));
}
