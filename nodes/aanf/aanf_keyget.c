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
#include "base/err.h"
#include "net/problem.h"

const struct node_refusal aanf_refusals[KEYSRV_R_COUNT] = {
    [KEYSRV_R_NOT_AUTHORIZED] = {403, KEYAPI_AF_NOT_AUTHORIZED, "the AF is not served"},
    [KEYSRV_R_NOT_FOUND] = {404, KEYAPI_CONTEXT_NOT_FOUND, "no AKMA context for the A-KID"},
    [KEYSRV_R_EXPIRED] = {404, KEYAPI_CONTEXT_EXPIRED, "the AKMA context's K_AKMA has expired"},
    [KEYSRV_R_INTERNAL] = {500, PROBLEM_SYSTEM_FAILURE, "the AAnF failed"},
};

static const struct keysrv_names aanf_names = {"AKMA context", "A-KID", aanf_refusals};

static void
aanf_keyget(struct http_req *req, void *arg)
{
    struct aanf *a = arg;
    json_t *body = node_req_body(req, keyapi_akma_req_fields);
    const char *akid, *af;
    const struct subscriber *s;
    long long end, expiry;
    uint8_t kaf[AKMA_KEY_LEN];
    char why[EDGE_ERR_LEN];
    int anon;

    if (body == NULL)
        return;
    akid = json_string_value(json_object_get(body, "aKId"));
    af = json_string_value(json_object_get(body, "afId"));
    anon = json_is_true(json_object_get(body, "anonInd"));
    s = subscribers_find_akid(a->node.subs, akid);
    end = s != NULL && s->kakma_lifetime > 0 ? a->started + s->kakma_lifetime : 0;
    if (keysrv_authorized(req, &aanf_names, &a->cfg.ks, af) &&
        (s = keysrv_context(req, &aanf_names, s, end, akid)) != NULL) {
        expiry = node_now() + a->cfg.ks.lifetime;
        if (end != 0 && end < expiry)
            expiry = end;
        if (akma_kaf_derive(s->kakma, af, kaf, why) < 0) {
            node_refuse(req, &aanf_refusals[KEYSRV_R_INTERNAL], "%s", why);
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
