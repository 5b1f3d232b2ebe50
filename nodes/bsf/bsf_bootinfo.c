/* bsf_bootinfo.c -- Zn as Nbsp_GBA BootstrappingInfoRetrieval (TS 33.220 4.5.3, Annex N;
 * TS 29.309 5.2.2.2, 6.1.4.2): POST /nbsp-gba/v1/bootstrapping-info-retrieval,
 * BootstrappingInfoRequest in, BootstrappingInfoResponse out.
 *
 * The NAF is the mutual-TLS caller, asking for its own NAF_Id and served by this BSF
 * (keyserver.h); the B-TID names a bootstrapping session whose key lifetime is not over (TS 33.220
 * 4.5.3: "the BSF ... shall not provide ... if the key lifetime has expired"). Ks_NAF = KDF(Ks,
 * "gba-me", RAND, IMPI, NAF_Id) (B.3), with the key's expiry, the bootstrapping time, the IMPI and
 * the USS naming the user's GPSI; and (edgesim extension) the EEC ID. */
#include "bsf.h"

#include <string.h>

#include <openssl/crypto.h>

#include "auth/keyapi.h"
#include "base/err.h"
#include "net/problem.h"

const struct node_refusal bsf_refusals[KEYSRV_R_COUNT] = {
    [KEYSRV_R_NOT_AUTHORIZED] = {403, KEYAPI_NAF_NOT_AUTHORIZED, "the NAF is not served"},
    [KEYSRV_R_NOT_FOUND] = {404, KEYAPI_BTID_INVALID, "no bootstrapping session for the B-TID"},
    [KEYSRV_R_EXPIRED] = {404, KEYAPI_BTID_EXPIRED, "the bootstrapping session has expired"},
    [KEYSRV_R_INTERNAL] = {500, PROBLEM_SYSTEM_FAILURE, "the BSF failed"},
};

static const struct keysrv_names bsf_names = {"bootstrapping session", "B-TID", bsf_refusals};

static void
bsf_bootinfo(struct http_req *req, void *arg)
{
    struct bsf *b = arg;
    json_t *body = node_req_body(req, keyapi_gba_req_fields), *data;
    const char *btid, *naf;
    const struct bsf_boot *s;
    long long end;
    uint8_t ks_naf[GBA_KEY_LEN];
    char why[EDGE_ERR_LEN];

    if (body == NULL)
        return;
    btid = json_string_value(json_object_get(body, "btId"));
    naf = json_string_value(json_object_get(json_object_get(body, "nafId"), "nafFqdn"));
    s = bsf_table_find(b, btid);
    end = s != NULL ? b->started + s->lifetime : 0;
    if (keysrv_authorized(req, &bsf_names, &b->cfg.ks, naf) &&
        (s = keysrv_context(req, &bsf_names, s, end, btid)) != NULL) {
        if (gba_ks_naf_derive(s->ks, s->rand, s->impi, naf, ks_naf, why) < 0) {
            node_refuse(req, &bsf_refusals[KEYSRV_R_INTERNAL], "%s", why);
        } else {
            data = json_pack("{s:s, s:s, s:I, s:b}", "btid", btid, "nafFqdn", naf, "expiry",
                             (json_int_t)end, "gpsi", s->gpsi[0] != '\0');
            node_log(&b->node, "gba", naf, NULL, data, "Ks_NAF of B-TID %s for NAF %s", btid, naf);
            json_decref(data);
            http_reply_json(req, 200,
                            keyapi_gba_resp(ks_naf, end, b->started, s->impi,
                                            s->gpsi[0] ? s->gpsi : NULL,
                                            s->eec_id[0] ? s->eec_id : NULL));
        }
        OPENSSL_cleanse(ks_naf, sizeof(ks_naf));
    }
    json_decref(body);
}

int
bsf_bootinfo_setup(struct bsf *b, char *err)
{
    return http_server_route(b->node.http, "POST", KEYAPI_GBA_PATH, bsf_bootinfo, b, err);
}
