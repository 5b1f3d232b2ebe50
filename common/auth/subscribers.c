/* subscribers.c -- the operator's subscriber data: AKMA contexts and known GPSIs (subscribers.h).
 */
#include "auth/subscribers.h"
#include "auth/gba.h"
#include "base/err.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SUBSCRIBERS_MAX 4096

struct subscribers {
    struct subscriber *v;
    size_t n;
};

const struct js_field subscribers_entry_fields[] = {
    {.name = "akid", .type = JS_STRING, .check = js_check_akid},
    {.name = "kakma", .type = JS_STRING, .check = gba_check_hex, .max = AKMA_KEY_LEN},
    {.name = "kakmaLifetime", .type = JS_INT, .check = js_check_range, .min = 1, .max = 31536000},
    {.name = "gpsi", .type = JS_STRING, .check = js_check_gpsi, .max_len = EDGE_GPSI_MAX - 1},
    {.name = "eecId", .type = JS_STRING, .check = js_check_id, .max_len = EDGE_ID_MAX - 1},
    {0},
};

static void
copy(char *dst, size_t len, const char *src)
{
    snprintf(dst, len, "%s", src != NULL ? src : "");
}

/* One entry; its AKMA part (akid, kakma, kakmaLifetime) comes whole or not at all. */
static int
subscribers_entry(struct subscribers *s, size_t i, json_t *e, char *err)
{
    struct subscriber *sub = &s->v[s->n];
    const char *akid = json_string_value(json_object_get(e, "akid"));
    const char *kakma = json_string_value(json_object_get(e, "kakma"));
    char why[EDGE_ERR_LEN];

    if ((akid == NULL) != (kakma == NULL))
        return edge_err(err, "subscribers[%zu]: akid and kakma go together", i);
    if (akid == NULL && json_object_get(e, "kakmaLifetime") != NULL)
        return edge_err(err, "subscribers[%zu]: kakmaLifetime needs akid and kakma", i);
    if (kakma != NULL && akma_key_from_hex(kakma, sub->kakma, why) < 0)
        return edge_err(err, "subscribers[%zu].kakma: %s", i, why);
    if (akid != NULL && subscribers_find_akid(s, akid) != NULL)
        return edge_err(err, "subscribers[%zu].akid: duplicate A-KID %s", i, akid);
    sub->has_kakma = kakma != NULL;
    sub->kakma_lifetime = json_integer_value(json_object_get(e, "kakmaLifetime"));
    copy(sub->akid, sizeof(sub->akid), akid);
    copy(sub->gpsi, sizeof(sub->gpsi), json_string_value(json_object_get(e, "gpsi")));
    copy(sub->eec_id, sizeof(sub->eec_id), json_string_value(json_object_get(e, "eecId")));
    s->n++;
    return 0;
}

struct subscribers *
subscribers_new(const json_t *array, char *err)
{
    struct subscribers *s = calloc(1, sizeof(*s));
    size_t i;
    json_t *e;

    if (s == NULL) {
        edge_err(err, "out of memory");
        return NULL;
    }
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
        if (subscribers_entry(s, i, e, err) < 0)
            goto fail;
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
        OPENSSL_cleanse(s->v, (s->n + 1) * sizeof(*s->v));
    free(s->v);
    free(s);
}

size_t
subscribers_count(const struct subscribers *s)
{
    return s->n;
}

const struct subscriber *
subscribers_at(const struct subscribers *s, size_t i)
{
    return i < s->n ? &s->v[i] : NULL;
}

const struct subscriber *
subscribers_find_akid(const struct subscribers *s, const char *akid)
{
    for (size_t i = 0; akid != NULL && i < s->n; i++)
        if (s->v[i].akid[0] != '\0' && strcmp(s->v[i].akid, akid) == 0)
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
