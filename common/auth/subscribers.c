/* subscribers.c -- the AAnF stand-in: A-KID -> K_AF (derived), GPSI, EEC ID (TS 33.535 6.3). */
#include "auth/subscribers.h"
#include "base/err.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SUBSCRIBERS_MAX 4096

struct subscribers {
    struct subscriber *v;
    size_t n;
    char server_fqdn[EDGE_FQDN_MAX];
};

static int
check_kakma(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    uint8_t k[AKMA_KEY_LEN];
    int rc;

    (void)f;
    (void)ctx;
    rc = akma_key_from_hex(json_string_value(v), k, why);
    OPENSSL_cleanse(k, sizeof(k));
    return rc;
}

const struct js_field subscribers_entry_fields[] = {
    {.name = "akid", .type = JS_STRING, .flags = JS_REQUIRED, .check = js_check_akid},
    {.name = "kakma", .type = JS_STRING, .flags = JS_REQUIRED, .check = check_kakma},
    {.name = "gpsi", .type = JS_STRING, .check = js_check_gpsi, .max_len = EDGE_GPSI_MAX - 1},
    {.name = "eecId", .type = JS_STRING, .check = js_check_id, .max_len = EDGE_ID_MAX - 1},
    {0},
};

static void
copy(char *dst, size_t len, const char *src)
{
    snprintf(dst, len, "%s", src != NULL ? src : "");
}

struct subscribers *
subscribers_new(const json_t *array, const char *server_fqdn, char *err)
{
    struct subscribers *s = calloc(1, sizeof(*s));
    size_t i;
    json_t *e;

    if (s == NULL) {
        edge_err(err, "out of memory");
        return NULL;
    }
    copy(s->server_fqdn, sizeof(s->server_fqdn), server_fqdn);
    if (array == NULL)
        return s;
    if (!json_is_array(array) || json_array_size(array) > SUBSCRIBERS_MAX) {
        edge_err(err, "subscribers: expected an array of at most %d entries", SUBSCRIBERS_MAX);
        goto fail;
    }
    s->v = calloc(json_array_size(array) + 1, sizeof(*s->v));
    if (s->v == NULL) {
        edge_err(err, "out of memory");
        goto fail;
    }
    json_array_foreach(array, i, e)
    {
        struct subscriber *sub = &s->v[s->n];
        const char *akid = json_string_value(json_object_get(e, "akid"));
        const char *kakma = json_string_value(json_object_get(e, "kakma"));
        char why[EDGE_ERR_LEN];

        if (akid == NULL || kakma == NULL || akma_key_from_hex(kakma, sub->kakma, why) < 0) {
            edge_err(err, "subscribers[%zu]: needs akid and a 64-hex-digit kakma", i);
            goto fail;
        }
        if (subscribers_find_akid(s, akid) != NULL) {
            edge_err(err, "subscribers[%zu].akid: duplicate A-KID %s", i, akid);
            goto fail;
        }
        copy(sub->akid, sizeof(sub->akid), akid);
        copy(sub->gpsi, sizeof(sub->gpsi), json_string_value(json_object_get(e, "gpsi")));
        copy(sub->eec_id, sizeof(sub->eec_id), json_string_value(json_object_get(e, "eecId")));
        s->n++;
    }
    return s;
fail:
    subscribers_free(s);
    return NULL;
}

void
subscribers_free(struct subscribers *s)
{
    if (s == NULL)
        return;
    if (s->v != NULL)
        OPENSSL_cleanse(s->v, s->n * sizeof(*s->v));
    free(s->v);
    free(s);
}

size_t
subscribers_count(const struct subscribers *s)
{
    return s->n;
}

const struct subscriber *
subscribers_find_akid(const struct subscribers *s, const char *akid)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->v[i].akid, akid) == 0)
            return &s->v[i];
    return NULL;
}

const struct subscriber *
subscribers_find_gpsi(const struct subscribers *s, const char *gpsi)
{
    for (size_t i = 0; gpsi != NULL && i < s->n; i++)
        if (s->v[i].gpsi[0] != '\0' && strcmp(s->v[i].gpsi, gpsi) == 0)
            return &s->v[i];
    return NULL;
}

int
subscribers_psk_lookup(void *arg, const char *identity, struct tls_psk_binding *out)
{
    const struct subscribers *s = arg;
    const struct subscriber *sub = subscribers_find_akid(s, identity);

    if (sub == NULL)
        return 0; /* unknown A-KID: no PSK, the handshake fails or falls back to certificates */
    if (akma_kaf_derive(sub->kakma, s->server_fqdn, out->key, NULL) < 0)
        return -1;
    out->key_len = AKMA_KEY_LEN;
    copy(out->eec_id, sizeof(out->eec_id), sub->eec_id);
    copy(out->gpsi, sizeof(out->gpsi), sub->gpsi);
    return 1;
}
