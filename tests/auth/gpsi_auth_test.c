/* gpsi_auth_test.c -- one row per case of GPSI / EEC ID authentication against the
 * TLS credential (TS 33.558 6.2/6.3; in PSK mode the credential's bindings are what the AAnF or
 * BSF said), and the subscriber table's rules. */
#include "auth/gpsi_auth.h"
#include "base/err.h"
#include "check.h"

#include <stdio.h>
#include <string.h>

#define KAKMA "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

static const struct row {
    const char *what;
    enum edge_peer_mode mode;
    const char *peer_eec, *peer_gpsi; /* what the credential binds */
    const char *eec_sent, *gpsi_sent; /* what the request says */
    int with_table;
    enum gpsi_verdict want;
} rows[] = {
    {"cert, no GPSI sent", EDGE_PEER_CERT, "eec-1", "msisdn-491700000001", "eec-1", NULL, 1,
     GPSI_OK},
    {"cert, bound GPSI", EDGE_PEER_CERT, "eec-1", "msisdn-491700000001", "eec-1",
     "msisdn-491700000001", 1, GPSI_OK},
    {"cert without GPSI URI", EDGE_PEER_CERT, "eec-1", "", "eec-1", "msisdn-491700000001", 1,
     GPSI_NOT_BOUND},
    {"cert binds another GPSI", EDGE_PEER_CERT, "eec-1", "msisdn-491700000002", "eec-1",
     "msisdn-491700000001", 1, GPSI_NOT_BOUND},
    {"bound but unknown to the operator", EDGE_PEER_CERT, "eec-9", "msisdn-491799999999", "eec-9",
     "msisdn-491799999999", 1, GPSI_UNKNOWN},
    {"unknown not judged without a table", EDGE_PEER_CERT, "eec-9", "msisdn-491799999999", "eec-9",
     "msisdn-491799999999", 0, GPSI_OK},
    {"eecId of another EEC", EDGE_PEER_CERT, "eec-1", "msisdn-491700000001", "eec-2", NULL, 1,
     GPSI_EEC_MISMATCH},
    {"psk, bound GPSI", EDGE_PEER_PSK, "eec-1", "msisdn-491700000001", "eec-1",
     "msisdn-491700000001", 1, GPSI_OK},
    {"psk, other GPSI", EDGE_PEER_PSK, "eec-1", "msisdn-491700000001", "eec-1",
     "msisdn-491700000002", 1, GPSI_NOT_BOUND},
    /* TS 33.558 6.2/6.3 NOTE: no client credential (the server certificate only). */
    {"no credential, eecId only", EDGE_PEER_NONE, "", "", "eec-1", NULL, 1,
     GPSI_EEC_UNAUTHENTICATED},
    {"no credential, a known GPSI sent", EDGE_PEER_NONE, "", "", "eec-1", "msisdn-491700000001", 1,
     GPSI_NO_CREDENTIAL},
    {"no credential, a GPSI and no table", EDGE_PEER_NONE, "", "", NULL, "msisdn-491700000001", 0,
     GPSI_NO_CREDENTIAL},
    /* A no-credential peer whose fields hold a leftover identity still binds nothing. */
    {"no credential, stale fields", EDGE_PEER_NONE, "eec-1", "msisdn-491700000001", "eec-1",
     "msisdn-491700000001", 1, GPSI_NO_CREDENTIAL},
};

int
main(void)
{
    char err[EDGE_ERR_LEN];
    json_t *table = json_pack("[{s:s, s:s, s:s, s:s}, {s:s, s:s, s:s, s:s}]", "akid",
                              "atid-1@rid.akma.test", "kakma", KAKMA, "gpsi", "msisdn-491700000001",
                              "eecId", "eec-1", "akid", "atid-2@rid.akma.test", "kakma", KAKMA,
                              "gpsi", "msisdn-491700000002", "eecId", "eec-2");
    struct subscribers *subs = subscribers_new(table, err);

    if (subs == NULL) {
        FAIL("subscribers_new: %s", err);
        return check_result("gpsi_auth");
    }
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        const struct row *r = &rows[i];
        struct edge_peer peer = {.mode = r->mode};
        snprintf(peer.eec_id, sizeof(peer.eec_id), "%s", r->peer_eec);
        snprintf(peer.gpsi, sizeof(peer.gpsi), "%s", r->peer_gpsi);
        enum gpsi_verdict got =
            gpsi_authenticate(&peer, r->eec_sent, r->gpsi_sent, r->with_table ? subs : NULL);
        int ok = got == r->want;
        check_row(ok, "%-40s want %s got %s", r->what,
                  gpsi_verdict_cause(r->want) ? gpsi_verdict_cause(r->want) : "OK",
                  gpsi_verdict_cause(got) ? gpsi_verdict_cause(got) : "OK");
    }

    const struct subscriber *sub = subscribers_find_akid(subs, "atid-2@rid.akma.test");
    uint8_t kakma[AKMA_KEY_LEN];
    akma_key_from_hex(KAKMA, kakma, err);
    CHECK(sub != NULL && sub->has_kakma && memcmp(sub->kakma, kakma, sizeof(kakma)) == 0 &&
              strcmp(sub->eec_id, "eec-2") == 0,
          "A-KID atid-2: expected its K_AKMA and EEC ID");
    CHECK(subscribers_find_akid(subs, "atid-3@rid.akma.test") == NULL, "unknown A-KID found");
    /* An ECS/EES table names GPSIs only; an AKMA context comes whole (akid and kakma). */
    static const struct {
        const char *json, *want_err;
    } tables[] = {
        {"[{\"gpsi\":\"msisdn-491700000003\"}]", NULL},
        {"[{\"akid\":\"a@rid.akma.test\"}]", "akid and kakma go together"},
        {"[{\"kakma\":\"" KAKMA "\"}]", "akid and kakma go together"},
        {"[{\"gpsi\":\"msisdn-491700000003\",\"kakmaLifetime\":5}]", "needs akid and kakma"},
        {"[{\"akid\":\"a@r.test\",\"kakma\":\"" KAKMA "\"},{\"akid\":\"a@r.test\","
         "\"kakma\":\"" KAKMA "\"}]",
         "duplicate A-KID"},
    };
    for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
        json_t *t = json_loads(tables[i].json, 0, NULL);
        struct subscribers *s = subscribers_new(t, err);
        if (tables[i].want_err == NULL)
            check_row(s != NULL && subscribers_count(s) == 1, "table %zu accepted", i);
        else
            check_row(s == NULL && strstr(err, tables[i].want_err) != NULL,
                      "table %zu refused: want \"%s\", got \"%s\"", i, tables[i].want_err,
                      s == NULL ? err : "(accepted)");
        subscribers_free(s);
        json_decref(t);
    }
    subscribers_free(subs);
    json_decref(table);
    return check_result("gpsi_auth");
}
