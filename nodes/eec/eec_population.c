/* eec_population.c -- the UEs one edge-eec hosts (eec_population.h): loaded from the file the
 * runner writes, each with its EEC ID, GPSI and credential (an X.509 certificate of the scenario
 * CA, TS 33.558 6.2, or an AKMA A-KID and K_AKMA from which K_AF is derived per server,
 * TS 33.535 6.3 / A.4), and one UE's own TLS client: its credential over the node's trust store. */
#include "eec.h"
#include "eec_population.h"

#include "auth/akma.h"
#include "base/err.h"
#include "base/file.h"

#include <openssl/crypto.h>
#include <openssl/pem.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One UE of the file; the entry is checked against the credential kind. */
static const struct js_field pop_entry_fields[] = {
    {.name = "eecId", .type = JS_STRING, .flags = JS_REQUIRED, .check = js_check_id},
    {.name = "gpsi", .type = JS_STRING, .check = js_check_gpsi},
    {.name = "akid", .type = JS_STRING, .check = js_check_akid},
    {.name = "kakma", .type = JS_STRING, .max_len = 64},
    {.name = "cert", .type = JS_STRING, .max_len = 8192},
    {.name = "key", .type = JS_STRING, .max_len = 8192},
    {0},
};

static char *
pop_strdup(json_t *v)
{
    return json_is_string(v) ? strdup(json_string_value(v)) : NULL;
}

/* A PEM certificate and key from two strings. */
static int
pop_pem(struct eec_ue *u, const char *cert, const char *key, char *err)
{
    BIO *b = BIO_new_mem_buf(cert, -1);

    u->cert = b != NULL ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
    BIO_free(b);
    b = BIO_new_mem_buf(key, -1);
    u->key = b != NULL ? PEM_read_bio_PrivateKey(b, NULL, NULL, NULL) : NULL;
    BIO_free(b);
    if (u->cert == NULL || u->key == NULL)
        return edge_err(err, "cert/key: not a PEM certificate and private key");
    return 0;
}

static int
pop_entry(struct eec_pop *p, struct eec_ue *u, json_t *v, char *err)
{
    json_t *akid = json_object_get(v, "akid"), *kakma = json_object_get(v, "kakma");
    json_t *cert = json_object_get(v, "cert"), *key = json_object_get(v, "key");
    char why[EDGE_ERR_LEN];

    if (js_decode(v, "", pop_entry_fields, NULL, NULL, why) < 0)
        return edge_err(err, "%s", why);
    u->reg_ees = -1;
    u->id = pop_strdup(json_object_get(v, "eecId"));
    u->gpsi = pop_strdup(json_object_get(v, "gpsi"));
    if (p->psk) {
        if (akid == NULL || kakma == NULL)
            return edge_err(err, "psk credentials need akid and kakma");
        if (akma_key_from_hex(json_string_value(kakma), u->kakma, why) < 0)
            return edge_err(err, "kakma: %s", why);
        u->akid = pop_strdup(akid);
        return 0;
    }
    if (cert == NULL || key == NULL)
        return edge_err(err, "cert credentials need cert and key");
    return pop_pem(u, json_string_value(cert), json_string_value(key), err);
}

int
eec_pop_load(struct eec *e, const char *file, const char *credentials, char *err)
{
    struct eec_pop *p = &e->pop;
    json_t *arr = NULL, *v;
    char why[EDGE_ERR_LEN], *text = NULL;
    size_t i, len;
    int rc = -1;

    if (file == NULL)
        return 0;
    p->psk = strcmp(credentials, "psk") == 0;
    if (edge_file_read(file, (size_t)EEC_POP_MAX * 4096, &text, &len, why) < 0 ||
        js_loads(text, len, &arr, why) < 0) {
        edge_err(err, "population.file: %s", why);
        goto done;
    }
    if (!json_is_array(arr) || json_array_size(arr) == 0 || json_array_size(arr) > EEC_POP_MAX) {
        edge_err(err, "population.file %s: expected an array of 1 to %d UEs", file, EEC_POP_MAX);
        goto done;
    }
    if ((p->ue = calloc(json_array_size(arr), sizeof(*p->ue))) == NULL) {
        edge_err(err, "out of memory");
        goto done;
    }
    json_array_foreach(arr, i, v)
    {
        p->n = i + 1;
        if (pop_entry(p, &p->ue[i], v, why) < 0) {
            edge_err(err, "population.file %s: [%zu]: %s", file, i, why);
            goto done;
        }
    }
    rc = 0;
done:
    free(text);
    json_decref(arr);
    return rc;
}

static void
pop_ue_free(struct eec_ue *u)
{
    for (size_t i = 0; i < u->ntokens; i++)
        free(u->tokens[i].jwt);
    free(u->tokens);
    free(u->id);
    free(u->gpsi);
    free(u->akid);
    free(u->reg_id);
    free(u->cntx_id);
    X509_free(u->cert);
    EVP_PKEY_free(u->key);
    OPENSSL_cleanse(u->kakma, sizeof(u->kakma));
}

void
eec_pop_free(struct eec_pop *p)
{
    for (size_t i = 0; i < p->n; i++)
        pop_ue_free(&p->ue[i]);
    for (size_t i = 0; i < p->neess; i++)
        free(p->eess[i]);
    free(p->ue);
    memset(p, 0, sizeof(*p));
}

int
eec_pop_ees(struct eec_pop *p, const char *fqdn)
{
    for (size_t i = 0; i < p->neess; i++)
        if (strcmp(p->eess[i], fqdn) == 0)
            return (int)i;
    if (p->neess == EEC_POP_EES_MAX || (p->eess[p->neess] = strdup(fqdn)) == NULL)
        return -1;
    return (int)p->neess++;
}

const char *
eec_pop_token(const struct eec_ue *u, int ees)
{
    for (size_t i = 0; i < u->ntokens; i++)
        if (u->tokens[i].ees == ees)
            return u->tokens[i].jwt;
    return NULL;
}

/* tls_psk_client_fn: the UE's A-KID and the K_AF derived for the server it calls (TS 33.535
 * A.4: AF_ID holds the AF's FQDN). */
static int
pop_psk_client(void *arg, const char *server_fqdn, char identity[EDGE_ID_MAX],
               unsigned char key[TLS_PSK_MAX], size_t *key_len)
{
    struct eec_ue *u = arg;

    if (akma_kaf_derive(u->kakma, server_fqdn, key, NULL) < 0)
        return 0;
    snprintf(identity, EDGE_ID_MAX, "%s", u->akid);
    *key_len = AKMA_KEY_LEN;
    return 1;
}

int
eec_ue_client_new(struct eec *e, struct eec_ue *u, struct eec_ue_client *c, char *err)
{
    struct tls_config tc = {.trust_from = e->n.tls_client,
                            .keylog_path =
                                json_string_value(json_object_get(config_root(e->n.cf), "keylog"))};
    struct http_client_config hc = {
        .timeout_ms = (int)e->cf.request_ms,
        .max_idle = 1,
        .source_addr = json_string_value(json_object_get(config_root(e->n.cf), "sourceAddr"))};

    if (e->pop.psk) {
        tc.psk_client = pop_psk_client;
        tc.psk_client_arg = u;
    } else {
        tc.cert = u->cert;
        tc.key = u->key;
    }
    c->http = NULL;
    if ((c->tls = tls_client_new(&tc, err)) == NULL)
        return -1;
    /* The UE's exchanges are counted and timed in the command's result; one event-log line per
     * request of ten thousand UEs would be the whole log (the servers log theirs). */
    hc.tls = c->tls;
    if ((c->http = http_client_new(e->n.base, &hc, err)) == NULL) {
        tls_ctx_free(c->tls);
        c->tls = NULL;
        return -1;
    }
    return 0;
}

void
eec_ue_client_free(struct eec_ue_client *c)
{
    http_client_free(c->http);
    tls_ctx_free(c->tls);
    c->http = NULL;
    c->tls = NULL;
}
