/* aanf_keyget.c -- Naanf_AKMA_ApplicationKey_Get (TS 33.535 6.3, 7.1.3; TS 29.535 4.2.2.3):
 * POST /naanf-akma/v1/retrieve-applicationkey, AkmaAfKeyRequest in, AkmaAfKeyData out.
 *
 * The AF is the mutual-TLS caller, asking for its own AF_ID and served by this AAnF (keyserver.h);
 * the A-KID names an AKMA context whose K_AKMA lifetime is not over. K_AF = KDF(K_AKMA, AF_ID)
 * (TS 33.535 A.4), its expiry the sooner of kafLifetime from now and the end of the K_AKMA
 * lifetime; with it go the GPSI and (edgesim extension) the EEC ID, or neither for an anonymous
 * user access (anonInd, Naanf_AKMA_ApplicationKey_AnonUser_Get, TS 33.535 7.1.5). */
#include "aanf.h"

#include <string.h>

#include <openssl/crypto.h>

#include "auth/akma.h"
#include "auth/keyapi.h"
#include "auth/keyserver.h"
#include "base/err.h"
#include "net/problem.h"

const struct node_refusal aanf_refusals[AANF_R_COUNT] = {
    [AANF_R_AF_NOT_AUTHORIZED] = {403, KEYAPI_AF_NOT_AUTHORIZED, "the AF is not served"},
    [AANF_R_NOT_FOUND] = {404, KEYAPI_CONTEXT_NOT_FOUND, "no AKMA context for the A-KID"},
    [AANF_R_EXPIRED] = {404, KEYAPI_CONTEXT_EXPIRED, "the AKMA context's K_AKMA has expired"},
    [AANF_R_INTERNAL] = {500, PROBLEM_SYSTEM_FAILURE, "the AAnF failed"},
};

/* The AKMA context of akid, or a refusal sent; *end is the end of its K_AKMA lifetime (0: none). */
static const struct subscriber *
aanf_context(struct aanf *a, struct http_req *req, const char *akid, long long *end)
{
    const struct subscriber *s = subscribers_find_akid(a->node.subs, akid);

    if (s == NULL) {
        node_refuse(req, &aanf_refusals[AANF_R_NOT_FOUND], "no AKMA context for A-KID %s", akid);
        return NULL;
    }
    *end = s->kakma_lifetime > 0 ? a->started + s->kakma_lifetime : 0;
    if (*end != 0 && *end <= node_now()) {
        char when[JS_TIME_LEN];
        js_time_format((time_t)*end, when, sizeof(when));
        node_refuse(req, &aanf_refusals[AANF_R_EXPIRED],
                    "the AKMA context of A-KID %s expired at %s", akid, when);
        return NULL;
    }
    return s;
}

static void
aanf_keyget(struct http_req *req, void *arg)
{
    struct aanf *a = arg;
    json_t *body = node_req_body(req, keyapi_akma_req_fields);
    const char *akid, *af;
    const struct subscriber *s;
    long long end = 0, expiry;
    uint8_t kaf[AKMA_KEY_LEN];
    char why[EDGE_ERR_LEN];
    int anon;

    if (body == NULL)
        return;
    akid = json_string_value(json_object_get(body, "aKId"));
    af = json_string_value(json_object_get(body, "afId"));
    anon = json_is_true(json_object_get(body, "anonInd"));
    if (keyserver_authorize(http_req_peer(req), af, a->cfg.afs, why, sizeof(why)) != KEYSERVER_OK) {
        node_refuse(req, &aanf_refusals[AANF_R_AF_NOT_AUTHORIZED], "%s", why);
    } else if ((s = aanf_context(a, req, akid, &end)) != NULL) {
        expiry = node_now() + a->cfg.kaf_lifetime;
        if (end != 0 && end < expiry)
            expiry = end;
        if (akma_kaf_derive(s->kakma, af, kaf, why) < 0) {
            node_refuse(req, &aanf_refusals[AANF_R_INTERNAL], "%s", why);
        } else {
            json_t *data = json_pack("{s:s, s:s, s:I, s:b}", "akid", akid, "afId", af, "expiry",
                                     (json_int_t)expiry, "gpsi", !anon && s->gpsi[0] != '\0');
            node_log(&a->node, "akma", af, NULL, data, "K_AF of A-KID %s for AF %s", akid, af);
            json_decref(data);
            http_reply_json(req, 200,
                            keyapi_akma_resp(kaf, expiry, !anon && s->gpsi[0] ? s->gpsi : NULL,
                                             !anon && s->eec_id[0] ? s->eec_id : NULL));
        }
        OPENSSL_cleanse(kaf, sizeof(kaf));
    }
    json_decref(body);
}

int
aanf_keyget_setup(struct aanf *a, char *err)
{
    return http_server_route(a->node.http, "POST", KEYAPI_AKMA_PATH, aanf_keyget, a, err);
}
