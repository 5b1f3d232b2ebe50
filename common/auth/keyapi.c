/* keyapi.c -- the bodies of Naanf_AKMA_ApplicationKey_Get (TS 29.535) and Nbsp_GBA
 * BootstrappingInfoRetrieval (TS 29.309): tables, builders and strict readers (keyapi.h). */
#include "auth/keyapi.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "base/err.h"

/* TS 29.571 SupportedFeatures: hex digits. */
static int
check_supp_feat(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    const char *s = json_string_value(v);

    (void)f, (void)ctx;
    if (s[0] == '\0' || strspn(s, "0123456789abcdefABCDEF") != strlen(s))
        return edge_err(why, "expected SupportedFeatures (hex digits)");
    return 0;
}

/* TS 29.309 uaSecProtId: 10 hex digits; edgesim speaks one Ua protocol (gba.h). */
static int
check_ua_id(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    (void)f, (void)ctx;
    if (strcmp(json_string_value(v), gba_ua_sec_prot_id()) != 0)
        return edge_err(why,
                        "expected %s (shared-key TLS 1.3, TS 33.220 H.3), the only Ua "
                        "security protocol edgesim speaks",
                        gba_ua_sec_prot_id());
    return 0;
}

const struct js_field keyapi_akma_req_fields[] = {
    {.name = "aKId", .type = JS_STRING, .flags = JS_REQUIRED, .check = js_check_akid},
    {.name = "afId", .type = JS_STRING, .flags = JS_REQUIRED, .check = js_check_fqdn},
    {.name = "anonInd", .type = JS_BOOL},
    {.name = "suppFeat", .type = JS_STRING, .check = check_supp_feat, .max_len = 64},
    {0},
};

const struct js_field keyapi_akma_resp_fields[] = {
    {.name = "kaf",
     .type = JS_STRING,
     .flags = JS_REQUIRED,
     .check = gba_check_hex,
     .max = GBA_KEY_LEN},
    {.name = "expiry", .type = JS_STRING, .flags = JS_REQUIRED, .check = js_check_datetime},
    {.name = "gpsi", .type = JS_STRING, .check = js_check_gpsi},
    {.name = "supi", .type = JS_STRING, .flags = JS_NONEMPTY, .max_len = 127},
    {.name = "suppFeat", .type = JS_STRING, .check = check_supp_feat, .max_len = 64},
    {.name = "eecId", .type = JS_STRING, .check = js_check_id}, /* edgesim extension */
    {0},
};

static const struct js_field naf_id_fields[] = {
    {.name = "nafFqdn", .type = JS_STRING, .flags = JS_REQUIRED, .check = js_check_fqdn},
    {.name = "uaSecProtId", .type = JS_STRING, .flags = JS_REQUIRED, .check = check_ua_id},
    {0},
};

const struct js_field keyapi_gba_req_fields[] = {
    {.name = "btId", .type = JS_STRING, .flags = JS_REQUIRED, .check = gba_check_btid},
    {.name = "nafId", .type = JS_OBJECT, .flags = JS_REQUIRED, .sub = naf_id_fields},
    {.name = "gbaUAware", .type = JS_BOOL},
    {.name = "gsIds",
     .type = JS_ARRAY,
     .flags = JS_NONEMPTY,
     .items = JS_INT,
     .max_len = 64,
     .item_check = js_check_range,
     .min = 0,
     .max = 4294967295LL},
    {0},
};

static const struct js_field ue_id_fields[] = {
    {.name = "ueId", .type = JS_STRING, .flags = JS_REQUIRED | JS_NONEMPTY, .max_len = 255},
    {0},
};

static const struct js_field uss_fields[] = {
    {.name = "gsId",
     .type = JS_INT,
     .flags = JS_REQUIRED,
     .check = js_check_range,
     .max = 4294967295LL},
    {.name = "gsType",
     .type = JS_INT,
     .flags = JS_REQUIRED,
     .check = js_check_range,
     .max = 4294967295LL},
    {.name = "ueIds",
     .type = JS_ARRAY,
     .flags = JS_REQUIRED | JS_NONEMPTY,
     .items = JS_OBJECT,
     .max_len = 16,
     .sub = ue_id_fields},
    {.name = "nafGroup", .type = JS_STRING, .max_len = 255},
    {.name = "flags", .type = JS_ARRAY, .max_len = 64},
    {.name = "keyChoice", .type = JS_STRING, .max_len = 32},
    {0},
};

static const struct js_field uss_item_fields[] = {
    {.name = "uss", .type = JS_OBJECT, .flags = JS_REQUIRED, .sub = uss_fields},
    {0},
};

const struct js_field keyapi_gba_resp_fields[] = {
    {.name = "meKeyMaterial",
     .type = JS_STRING,
     .flags = JS_REQUIRED,
     .check = gba_check_hex,
     .max = GBA_KEY_LEN},
    {.name = "uiccKeyMaterial", .type = JS_STRING, .check = gba_check_hex, .max = GBA_KEY_LEN},
    {.name = "keyExpiryTime", .type = JS_STRING, .check = js_check_datetime},
    {.name = "bootstrappingInfoCreationTime", .type = JS_STRING, .check = js_check_datetime},
    {.name = "ussList",
     .type = JS_ARRAY,
     .flags = JS_NONEMPTY,
     .items = JS_OBJECT,
     .max_len = 16,
     .sub = uss_item_fields},
    {.name = "gbaType", .type = JS_STRING, .flags = JS_NONEMPTY, .max_len = 32},
    {.name = "impi", .type = JS_STRING, .flags = JS_NONEMPTY, .max_len = GBA_IMPI_MAX - 1},
    {.name = "eecId", .type = JS_STRING, .check = js_check_id}, /* edgesim extension */
    {0},
};

json_t *
keyapi_akma_req(const char *akid, const char *af_fqdn)
{
    return json_pack("{s:s, s:s}", "aKId", akid, "afId", af_fqdn);
}

json_t *
keyapi_gba_req(const char *btid, const char *naf_fqdn)
{
    return json_pack("{s:s, s:{s:s, s:s}}", "btId", btid, "nafId", "nafFqdn", naf_fqdn,
                     "uaSecProtId", gba_ua_sec_prot_id());
}

static void
key_hex(const uint8_t k[GBA_KEY_LEN], char out[2 * GBA_KEY_LEN + 1])
{
    for (size_t i = 0; i < GBA_KEY_LEN; i++)
        snprintf(out + 2 * i, 3, "%02x", k[i]);
}

json_t *
keyapi_akma_resp(const uint8_t kaf[GBA_KEY_LEN], long long expiry, const char *gpsi,
                 const char *eec_id)
{
    char hex[2 * GBA_KEY_LEN + 1], when[JS_TIME_LEN];
    json_t *j;

    key_hex(kaf, hex);
    js_time_format((time_t)expiry, when, sizeof(when));
    j = json_pack("{s:s, s:s, s:s*, s:s*}", "kaf", hex, "expiry", when, "gpsi", gpsi, "eecId",
                  eec_id);
    OPENSSL_cleanse(hex, sizeof(hex));
    return j;
}

json_t *
keyapi_gba_resp(const uint8_t ks_naf[GBA_KEY_LEN], long long expiry, long long created,
                const char *impi, const char *gpsi, const char *eec_id)
{
    char hex[2 * GBA_KEY_LEN + 1], when[JS_TIME_LEN], born[JS_TIME_LEN];
    json_t *j;

    key_hex(ks_naf, hex);
    js_time_format((time_t)expiry, when, sizeof(when));
    js_time_format((time_t)created, born, sizeof(born));
    j = json_pack("{s:s, s:s, s:s, s:s*, s:s, s:s*}", "meKeyMaterial", hex, "keyExpiryTime", when,
                  "bootstrappingInfoCreationTime", born, "impi", impi, "gbaType", "3G_GBA", "eecId",
                  eec_id);
    OPENSSL_cleanse(hex, sizeof(hex));
    /* TS 33.220 4.4.7: the USS names the user's public identities; gsId 1, gsType 0 (an
     * unspecific GAA service, TS 29.109 Annex B). */
    if (j != NULL && gpsi != NULL)
        json_object_set_new(j, "ussList",
                            json_pack("[{s:{s:i, s:i, s:[{s:s}]}}]", "uss", "gsId", 1, "gsType", 0,
                                      "ueIds", "ueId", gpsi));
    return j;
}

static int
resp_expiry(json_t *body, const char *name, long long *out, char *err)
{
    const char *s = json_string_value(json_object_get(body, name));
    struct timespec ts;
    char why[EDGE_ERR_LEN];

    *out = 0;
    if (s == NULL)
        return 0;
    if (js_time_parse(s, &ts, why) < 0)
        return edge_err(err, "%s: %s", name, why);
    *out = (long long)ts.tv_sec;
    return 0;
}

static void
copy_str(char *dst, size_t len, const char *src)
{
    snprintf(dst, len, "%s", src != NULL ? src : "");
}

int
keyapi_akma_resp_parse(json_t *body, struct keyapi_key *out, char *err)
{
    memset(out, 0, sizeof(*out));
    if (js_decode(body, "", keyapi_akma_resp_fields, NULL, NULL, err) < 0 ||
        gba_hex_exact(json_string_value(json_object_get(body, "kaf")), out->key, GBA_KEY_LEN, "kaf",
                      err) < 0 ||
        resp_expiry(body, "expiry", &out->expiry, err) < 0) {
        OPENSSL_cleanse(out, sizeof(*out));
        return -1;
    }
    copy_str(out->gpsi, sizeof(out->gpsi), json_string_value(json_object_get(body, "gpsi")));
    copy_str(out->eec_id, sizeof(out->eec_id), json_string_value(json_object_get(body, "eecId")));
    return 0;
}

/* The first ueId of the USS that is a GPSI (TS 29.571 form), "" when none is. */
static void
uss_gpsi(json_t *body, char *out, size_t len)
{
    json_t *item, *id;
    size_t i, j;
    char why[EDGE_ERR_LEN];

    out[0] = '\0';
    json_array_foreach(json_object_get(body, "ussList"), i, item)
    {
        json_array_foreach(json_object_get(json_object_get(item, "uss"), "ueIds"), j, id)
        {
            const char *s = json_string_value(json_object_get(id, "ueId"));
            if (s != NULL && js_valid_gpsi(s, why) == 0) {
                copy_str(out, len, s);
                return;
            }
        }
    }
}

int
keyapi_gba_resp_parse(json_t *body, struct keyapi_key *out, char *err)
{
    memset(out, 0, sizeof(*out));
    if (js_decode(body, "", keyapi_gba_resp_fields, NULL, NULL, err) < 0 ||
        gba_hex_exact(json_string_value(json_object_get(body, "meKeyMaterial")), out->key,
                      GBA_KEY_LEN, "meKeyMaterial", err) < 0 ||
        resp_expiry(body, "keyExpiryTime", &out->expiry, err) < 0) {
        OPENSSL_cleanse(out, sizeof(*out));
        return -1;
    }
    uss_gpsi(body, out->gpsi, sizeof(out->gpsi));
    copy_str(out->eec_id, sizeof(out->eec_id), json_string_value(json_object_get(body, "eecId")));
    return 0;
}
