/* bsf_table.c -- the BSF's bootstrapping sessions (TS 33.220 4.5.2: B-TID, Ks, RAND, IMPI, key
 * lifetime), from its config; each B-TID must be base64(RAND)@<this BSF's FQDN>. */
#include "bsf.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "base/err.h"

#define BSF_BOOTS_MAX 4096

const struct js_field bsf_boot_fields[] = {
    GBA_SESSION_FIELDS,
    {.name = "gpsi", .type = JS_STRING, .check = js_check_gpsi},
    {.name = "eecId", .type = JS_STRING, .check = js_check_id},
    {.name = "lifetime", .type = JS_INT, .check = js_check_range, .min = 1, .max = 31536000},
    {0},
};

static void
copy(char *dst, size_t len, const char *src)
{
    snprintf(dst, len, "%s", src != NULL ? src : "");
}

/* One session: its B-TID is the one its RAND and this BSF make (TS 33.220 4.5.2). */
static int
bsf_table_entry(struct bsf *b, size_t i, json_t *e, char *err)
{
    struct bsf_boot *s = &b->boots[b->nboots];
    const char *btid = json_string_value(json_object_get(e, "btid"));
    char want[GBA_BTID_MAX], why[EDGE_ERR_LEN];

    if (gba_hex_exact(json_string_value(json_object_get(e, "ks")), s->ks, GBA_KS_LEN, "ks", why) <
            0 ||
        gba_hex_exact(json_string_value(json_object_get(e, "rand")), s->rand, GBA_RAND_LEN, "rand",
                      why) < 0 ||
        gba_btid_make(s->rand, b->node.name, want, sizeof(want), why) < 0)
        return edge_err(err, "bootstraps[%zu]: %s", i, why);
    if (strcmp(btid, want) != 0)
        return edge_err(err, "bootstraps[%zu].btid: expected %s (base64 of rand @ this BSF)", i,
                        want);
    if (bsf_table_find(b, btid) != NULL)
        return edge_err(err, "bootstraps[%zu].btid: duplicate B-TID %s", i, btid);
    copy(s->btid, sizeof(s->btid), btid);
    copy(s->impi, sizeof(s->impi), json_string_value(json_object_get(e, "impi")));
    copy(s->gpsi, sizeof(s->gpsi), json_string_value(json_object_get(e, "gpsi")));
    copy(s->eec_id, sizeof(s->eec_id), json_string_value(json_object_get(e, "eecId")));
    s->lifetime = json_object_get(e, "lifetime") != NULL
                      ? json_integer_value(json_object_get(e, "lifetime"))
                      : b->cfg.ks.lifetime;
    b->nboots++;
    return 0;
}

int
bsf_table_load(struct bsf *b, char *err)
{
    size_t i, n = json_array_size(b->cfg.boots);
    json_t *e;

    if (n > BSF_BOOTS_MAX)
        return edge_err(err, "bootstraps: at most %d sessions", BSF_BOOTS_MAX);
    if ((b->boots = calloc(n + 1, sizeof(*b->boots))) == NULL)
        return edge_err(err, "out of memory");
    json_array_foreach(b->cfg.boots, i, e)
    {
        if (bsf_table_entry(b, i, e, err) < 0)
            return -1;
    }
    return 0;
}

const struct bsf_boot *
bsf_table_find(const struct bsf *b, const char *btid)
{
    for (size_t i = 0; i < b->nboots; i++)
        if (strcmp(b->boots[i].btid, btid) == 0)
            return &b->boots[i];
    return NULL;
}

void
bsf_table_free(struct bsf *b)
{
    if (b->boots != NULL)
        OPENSSL_cleanse(b->boots, (b->nboots + 1) * sizeof(*b->boots));
    free(b->boots);
    b->boots = NULL;
    b->nboots = 0;
}
