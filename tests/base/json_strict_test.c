/* json_strict_test.c -- table-driven checks of json_strict: each bad row must fail with its exact
 * message. */
#include "base/err.h"
#include "base/ipv4.h"
#include "base/json_strict.h"
#include "check.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* A cut-down EES profile (TS 29.558 EESProfile) to decode into. */
struct prof {
    const char *ees_id;
    const char *fqdn;
    long long port;
    int secured;
    double load;
    const char *gpsi;
    const char *exp_time;
    json_t *ac_profs;
};

static const struct js_field endpt_fields[] = {
    {.name = "fqdn",
     .type = JS_STRING,
     .flags = JS_REQUIRED | JS_STORE,
     .store = offsetof(struct prof, fqdn),
     .check = js_check_fqdn},
    {.name = "port",
     .type = JS_INT,
     .flags = JS_STORE,
     .store = offsetof(struct prof, port),
     .check = js_check_range,
     .min = 1,
     .max = 65535},
    {0},
};

static const struct js_field ac_fields[] = {
    {.name = "acId", .type = JS_STRING, .flags = JS_REQUIRED | JS_NONEMPTY, .max_len = 16},
    {.name = "scheds", .type = JS_ARRAY, .items = JS_INT, .item_check = js_check_range, .max = 9},
    {0},
};

static const struct js_field ees_fields[] = {
    {.name = "eesId",
     .type = JS_STRING,
     .flags = JS_REQUIRED | JS_STORE,
     .store = offsetof(struct prof, ees_id),
     .check = js_check_id},
    {.name = "endPt", .type = JS_OBJECT, .flags = JS_REQUIRED, .sub = endpt_fields},
    {.name = "secured",
     .type = JS_BOOL,
     .flags = JS_STORE,
     .store = offsetof(struct prof, secured)},
    {.name = "load", .type = JS_NUMBER, .flags = JS_STORE, .store = offsetof(struct prof, load)},
    {.name = "gpsi",
     .type = JS_STRING,
     .flags = JS_NULLABLE | JS_STORE,
     .store = offsetof(struct prof, gpsi),
     .check = js_check_gpsi},
    {.name = "expTime",
     .type = JS_STRING,
     .flags = JS_STORE,
     .store = offsetof(struct prof, exp_time),
     .check = js_check_datetime},
    {.name = "tags", .type = JS_ARRAY, .items = JS_STRING, .max_len = 3, .item_check = js_check_id},
    {0},
};

static const struct js_field top_fields[] = {
    {.name = "eesProf", .type = JS_OBJECT, .flags = JS_REQUIRED, .sub = ees_fields},
    {.name = "acProfs",
     .type = JS_ARRAY,
     .flags = JS_NONEMPTY | JS_STORE,
     .store = offsetof(struct prof, ac_profs),
     .sub = ac_fields},
    {0},
};

/* Extension fields allowed, as in a 3GPP body that carries edgesim's token. */
static const struct js_field open_fields[] = {
    {.name = "a", .type = JS_INT, .flags = JS_REQUIRED},
    {.name = JS_OTHER},
    {0},
};

/* One field of each remaining kind, as a node config or scenario carries them. */
static const char *const auth_choices[] = {"token", "local", NULL};
static const char *const replay_choices[] = {"reusable", "single-use", "once", NULL};

static const struct js_field conf_fields[] = {
    {.name = "authorization", .type = JS_STRING, .check = js_check_enum, .choices = auth_choices},
    {.name = "tokenReplay", .type = JS_STRING, .check = js_check_enum, .choices = replay_choices},
    {.name = "akid", .type = JS_STRING, .check = js_check_akid},
    {.name = "kid", .type = JS_STRING, .check = js_check_kid},
    {.name = "allow", .type = JS_ARRAY, .items = JS_STRING, .item_check = js_check_id_or_star},
    {.name = "address", .type = JS_STRING, .check = js_check_cidr},
    {0},
};

#define EP "\"endPt\":{\"fqdn\":\"ees1.edge.test\"}"
#define PROF(extra) "{\"eesProf\":{\"eesId\":\"ees-1\"," EP extra "}}"

struct row {
    const char *json;
    const struct js_field *table;
    const char *want;  /* "" : decodes */
    enum js_fail code; /* what js_decode() returns */
};

static const struct row rows[] = {
    /* good */
    {PROF(""), top_fields, "", JS_OK},
    {PROF(",\"gpsi\":null,\"secured\":false,\"load\":3"), top_fields, "", JS_OK},
    {PROF(",\"gpsi\":\"extid-alice@edge.test\",\"tags\":[\"a\",\"b.c\",\"d~e\"]"), top_fields, "",
     JS_OK},
    {"{\"eesProf\":{\"eesId\":\"e\",\"endPt\":{\"fqdn\":\"a.b\",\"port\":65535}},"
     "\"acProfs\":[{\"acId\":\"x\",\"scheds\":[0,9]},{\"acId\":\"y\"}]}",
     top_fields, "", JS_OK},
    {"{\"a\":1,\"eecToken\":{\"anything\":[1]}}", open_fields, "", JS_OK},
    /* the three messages named in the issue */
    {"{\"eesProf\":{\"eesId\":\"e\",\"endPt\":{\"fqdn\":5}}}", top_fields,
     "eesProf.endPt.fqdn: expected string, got integer", JS_ETYPE},
    {"{\"eesProf\":{\"eesId\":\"e\"," EP "},\"acProfs\":[{\"acId\":\"a\"},{\"acId\":\"b\"},{}]}",
     top_fields, "acProfs[2].acId: missing required field", JS_EMISSING},
    {PROF(",\"foo\":1"), top_fields, "eesProf.foo: unknown field", JS_EUNKNOWN},
    /* structure */
    {"[]", top_fields, "(top level): expected object, got array", JS_ENOTOBJECT},
    {"{}", top_fields, "eesProf: missing required field", JS_EMISSING},
    {"{\"eesProf\":{\"eesId\":\"e\"}}", top_fields, "eesProf.endPt: missing required field",
     JS_EMISSING},
    {"{\"eesProf\":{\"eesId\":\"e\",\"endPt\":[]}}", top_fields,
     "eesProf.endPt: expected object, got array", JS_ETYPE},
    {"{\"eesProf\":{\"eesId\":\"e\",\"endPt\":{}}}", top_fields,
     "eesProf.endPt.fqdn: missing required field", JS_EMISSING},
    {"{\"eesProf\":null}", top_fields, "eesProf: expected object, got null", JS_ETYPE},
    {"{\"eesProf\":{\"eesId\":\"e\"," EP "},\"acProfs\":[]}", top_fields,
     "acProfs: must not be empty", JS_EVALUE},
    {"{\"eesProf\":{\"eesId\":\"e\"," EP "},\"acProfs\":[{\"acId\":\"a\"},\"b\"]}", top_fields,
     "acProfs[1]: expected object, got string", JS_ETYPE},
    {"{\"eesProf\":{\"eesId\":\"e\"," EP "},\"acProfs\":[{\"acId\":\"\"}]}", top_fields,
     "acProfs[0].acId: must not be empty", JS_EVALUE},
    {"{\"eesProf\":{\"eesId\":\"e\"," EP "},\"acProfs\":[{\"acId\":\"12345678901234567\"}]}",
     top_fields, "acProfs[0].acId: longer than 16 bytes", JS_EVALUE},
    {"{\"eesProf\":{\"eesId\":\"e\"," EP "},\"acProfs\":[{\"acId\":\"a\",\"scheds\":[1,10]}]}",
     top_fields, "acProfs[0].scheds[1]: 10 is out of range (0 to 9)", JS_EVALUE},
    {"{\"eesProf\":{\"eesId\":\"e\"," EP "},\"acProfs\":[{\"acId\":\"a\",\"scheds\":[1.5]}]}",
     top_fields, "acProfs[0].scheds[0]: expected integer, got number", JS_ETYPE},
    {"{\"\\u0001x\":1}", top_fields, "?x: unknown field", JS_EUNKNOWN},
    /* types and validators */
    {"{\"eesProf\":{\"eesId\":\"e\",\"endPt\":{\"fqdn\":\"a.b\",\"port\":70000}}}", top_fields,
     "eesProf.endPt.port: 70000 is out of range (1 to 65535)", JS_EVALUE},
    {"{\"eesProf\":{\"eesId\":\"e\",\"endPt\":{\"fqdn\":\"a.b\",\"port\":443.0}}}", top_fields,
     "eesProf.endPt.port: expected integer, got number", JS_ETYPE},
    {"{\"eesProf\":{\"eesId\":\"e\",\"endPt\":{\"fqdn\":\"-a.b\"}}}", top_fields,
     "eesProf.endPt.fqdn: not a valid FQDN (label starts with '-')", JS_EVALUE},
    {"{\"eesProf\":{\"eesId\":\"e/1\"," EP "}}", top_fields,
     "eesProf.eesId: not a valid identifier ('/' not allowed)", JS_EVALUE},
    {PROF(",\"secured\":\"yes\""), top_fields, "eesProf.secured: expected boolean, got string",
     JS_ETYPE},
    {PROF(",\"load\":\"1\""), top_fields, "eesProf.load: expected number, got string", JS_ETYPE},
    {PROF(",\"gpsi\":\"msisdn-1234\""), top_fields,
     "eesProf.gpsi: not a valid GPSI (msisdn- takes 5 to 15 digits)", JS_EVALUE},
    {PROF(",\"gpsi\":7"), top_fields, "eesProf.gpsi: expected string, got integer", JS_ETYPE},
    {PROF(",\"expTime\":\"2026-02-30T00:00:00Z\""), top_fields,
     "eesProf.expTime: not an RFC 3339 date-time (field out of range)", JS_EVALUE},
    {PROF(",\"tags\":[\"a\",\"b\",\"c\",\"d\"]"), top_fields, "eesProf.tags: more than 3 elements",
     JS_EVALUE},
    {PROF(",\"tags\":[\"a\",\"b c\"]"), top_fields,
     "eesProf.tags[1]: not a valid identifier (byte 0x20 not allowed)", JS_EVALUE},
    {PROF(",\"tags\":[\"a\",true]"), top_fields, "eesProf.tags[1]: expected string, got boolean",
     JS_ETYPE},
    {"{\"a\":\"1\",\"b\":2}", open_fields, "a: expected integer, got string", JS_ETYPE},
    {"{\"b\":2}", open_fields, "a: missing required field", JS_EMISSING},
    /* enums, A-KIDs, kids, allow lists and addresses, through the table as configs use them */
    {"{\"authorization\":\"token\",\"tokenReplay\":\"single-use\",\"akid\":"
     "\"atid-0001@rid1.akma.edge.test\",\"kid\":\"k1\",\"allow\":[\"*\",\"eec-1\"],"
     "\"address\":\"198.18.1.1/24\"}",
     conf_fields, "", JS_OK},
    {"{\"authorization\":\"Token\"}", conf_fields,
     "authorization: expected \"token\" or \"local\", got \"Token\"", JS_EVALUE},
    {"{\"tokenReplay\":\"twice\"}", conf_fields,
     "tokenReplay: expected \"reusable\", \"single-use\" or \"once\", got \"twice\"", JS_EVALUE},
    {"{\"authorization\":1}", conf_fields, "authorization: expected string, got integer", JS_ETYPE},
    {"{\"akid\":\"eec-0001\"}", conf_fields, "akid: not a valid A-KID (expected username@realm)",
     JS_EVALUE},
    {"{\"kid\":\"k/1\"}", conf_fields, "kid: not a valid identifier ('/' not allowed)", JS_EVALUE},
    {"{\"allow\":[\"*\",\"**\"]}", conf_fields,
     "allow[1]: not a valid identifier ('*' not allowed)", JS_EVALUE},
    {"{\"address\":\"10.0.0.1/24\"}", conf_fields,
     "address: \"10.0.0.1\" is outside 198.18.0.0/15, the only range edgesim configures",
     JS_EVALUE},
};

/* Syntax-level rows: the text does not load, or loads but must not. */
static const struct {
    const char *json;
    const char *want;
} load_rows[] = {
    {"{\"a\":1,\"a\":2}", "line 1 column 10: duplicate object key near '\"a\"'"},
    {"{} x", "line 1 column 4: end of file expected near 'x'"},
    {"{\"a\":\"x\\u0000y\"}",
     "line 1 column 15: \\u0000 is not allowed without JSON_ALLOW_NUL near '\"x\\u0000y\"'"},
    {"\"str\"", "line 1 column 5: '[' or '{' expected near '\"str\"'"},
    {"{\"a\":\"\xff\"}", "line 1 column 6: unable to decode byte 0xff near '\"'"},
    {"", "line 1 column 0: '[' or '{' expected near end of file"},
};

static void
test_rows(void)
{
    char err[EDGE_ERR_LEN];
    struct prof p;
    json_t *v;
    size_t i;
    int rc;

    for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        if (js_loads(rows[i].json, strlen(rows[i].json), &v, err) == -1) {
            FAIL("row %zu: does not load: %s", i, err);
            continue;
        }
        memset(&p, 0, sizeof(p));
        err[0] = '\0';
        rc = js_decode_code(v, NULL, rows[i].table, &p, NULL, err);
        if (rows[i].want[0] == '\0' && rc != JS_OK)
            FAIL("row %zu: expected success, got \"%s\"", i, err);
        else if (rows[i].want[0] != '\0' && (rc != rows[i].code || strcmp(err, rows[i].want) != 0))
            FAIL("row %zu: expected %d \"%s\", got %d \"%s\"", i, rows[i].code, rows[i].want, rc,
                 err);
        json_decref(v);
    }
    for (i = 0; i < sizeof(load_rows) / sizeof(load_rows[0]); i++) {
        v = NULL;
        rc = js_loads(load_rows[i].json, strlen(load_rows[i].json), &v, err);
        if (rc != -1 || v != NULL || strcmp(err, load_rows[i].want) != 0)
            FAIL("load row %zu: expected \"%s\", got rc %d \"%s\"", i, load_rows[i].want, rc,
                 rc == -1 ? err : "");
        json_decref(v);
    }
}

/* Stored values, defaults kept for absent fields, and a path given by the caller. */
static void
test_store(void)
{
    static const char text[] =
        "{\"eesProf\":{\"eesId\":\"ees-1\",\"endPt\":{\"fqdn\":\"ees1.edge.test\"},"
        "\"secured\":true,\"load\":0.5,\"gpsi\":null,"
        "\"expTime\":\"2026-11-24T14:16:32Z\"},"
        "\"acProfs\":[{\"acId\":\"a\"}]}";
    char err[EDGE_ERR_LEN];
    struct prof p = {.port = 443, .gpsi = "default"};
    json_t *v, *e;

    if (js_loads(text, sizeof(text) - 1, &v, err) == -1) {
        FAIL("store: %s", err);
        return;
    }
    if (js_decode_code(v, "", top_fields, &p, NULL, err) != JS_OK)
        FAIL("store: %s", err);
    if (p.ees_id == NULL || strcmp(p.ees_id, "ees-1") != 0)
        FAIL("store: eesId: got %s", p.ees_id ? p.ees_id : "NULL");
    if (p.fqdn == NULL || strcmp(p.fqdn, "ees1.edge.test") != 0)
        FAIL("store: nested endPt.fqdn not stored");
    if (p.port != 443)
        FAIL("store: absent port: expected default 443, got %lld", p.port);
    if (p.secured != 1 || p.load != 0.5)
        FAIL("store: secured %d load %g", p.secured, p.load);
    if (p.gpsi == NULL || strcmp(p.gpsi, "default") != 0)
        FAIL("store: null gpsi must leave the default");
    if (p.exp_time == NULL || strcmp(p.exp_time, "2026-11-24T14:16:32Z") != 0)
        FAIL("store: expTime not stored");
    if (p.ac_profs != json_object_get(v, "acProfs"))
        FAIL("store: acProfs not stored as the borrowed array");

    /* A caller that decodes array elements itself names them in the path. */
    e = json_array_get(p.ac_profs, 0);
    json_object_set_new(e, "bad", json_true());
    if (js_decode_code(e, "acProfs[0]", ac_fields, NULL, NULL, err) != JS_EUNKNOWN ||
        strcmp(err, "acProfs[0].bad: unknown field") != 0)
        FAIL("store: element path: got \"%s\"", err);
    /* A string made through the API may hold a NUL that JSON text cannot. */
    json_object_set_new(e, "bad", json_stringn("a\0b", 3));
    {
        static const struct js_field nul_fields[] = {
            {.name = "bad", .type = JS_STRING}, {.name = JS_OTHER}, {0}};
        if (js_decode_code(e, "x", nul_fields, NULL, NULL, err) != JS_EVALUE ||
            strcmp(err, "x.bad: contains a NUL character") != 0)
            FAIL("store: NUL: got \"%s\"", err);
    }
    if (js_decode_code(NULL, "body", top_fields, NULL, NULL, err) != JS_ENOTOBJECT ||
        strcmp(err, "body: expected object, got nothing") != 0)
        FAIL("store: NULL value: got \"%s\"", err);
    json_decref(v);
}

static void
test_validators(void)
{
    static const char *good_fqdn[] = {"ecs1.edge.test", "a", "A-1.b2.Example", "x.y0z", NULL};
    static const struct {
        const char *s, *want;
    } bad_fqdn[] = {
        {"", "not a valid FQDN (empty)"},
        {"a..b", "not a valid FQDN (empty label)"},
        {"a.b.", "not a valid FQDN (empty label)"},
        {".a", "not a valid FQDN (empty label)"},
        {"a-.b", "not a valid FQDN (label ends with '-')"},
        {"a.-b", "not a valid FQDN (label starts with '-')"},
        {"a_b.c", "not a valid FQDN ('_' not allowed)"},
        {"a b", "not a valid FQDN (byte 0x20 not allowed)"},
        {"caf\xc3\xa9.test", "not a valid FQDN (byte 0xc3 not allowed)"},
        {"192.0.2.1", "not a valid FQDN (last label is all digits)"},
        {"1234567890123456789012345678901234567890123456789012345678901234.a",
         "not a valid FQDN (label longer than 63 bytes)"},
    };
    static const char *good_gpsi[] = {"msisdn-12345", "msisdn-123456789012345",
                                      "extid-alice@edge.test", "extid-a@b", NULL};
    static const struct {
        const char *s, *want;
    } bad_gpsi[] = {
        {"", "not a valid GPSI (empty)"},
        {"msisdn-1234", "not a valid GPSI (msisdn- takes 5 to 15 digits)"},
        {"msisdn-1234567890123456", "not a valid GPSI (msisdn- takes 5 to 15 digits)"},
        {"msisdn-12345a", "not a valid GPSI (msisdn- takes 5 to 15 digits)"},
        {"extid-alice", "not a valid GPSI (extid- takes <id>@<domain>, visible ASCII)"},
        {"extid-@b", "not a valid GPSI (extid- takes <id>@<domain>, visible ASCII)"},
        {"extid-a@", "not a valid GPSI (extid- takes <id>@<domain>, visible ASCII)"},
        {"extid-a@b@c", "not a valid GPSI (extid- takes <id>@<domain>, visible ASCII)"},
        {"extid-a b@c", "not a valid GPSI (extid- takes <id>@<domain>, visible ASCII)"},
        {"imsi-001010000000001",
         "not a valid GPSI (expected msisdn-<digits> or extid-<id>@<domain>)"},
    };
    static const char *good_id[] = {"eec-1", "A.b_c~d", "0", NULL};
    static const struct {
        const char *s, *want;
    } bad_id[] = {
        {"", "not a valid identifier (empty)"},
        {"a/b", "not a valid identifier ('/' not allowed)"},
        {"a:b", "not a valid identifier (':' not allowed)"},
        {"a\nb", "not a valid identifier (byte 0x0a not allowed)"},
    };
    char why[EDGE_ERR_LEN], longname[300];
    size_t i;

    for (i = 0; good_fqdn[i] != NULL; i++)
        if (js_valid_fqdn(good_fqdn[i], why) != 0)
            FAIL("fqdn \"%s\": expected valid, got \"%s\"", good_fqdn[i], why);
    for (i = 0; i < sizeof(bad_fqdn) / sizeof(bad_fqdn[0]); i++)
        if (js_valid_fqdn(bad_fqdn[i].s, why) != -1 || strcmp(why, bad_fqdn[i].want) != 0)
            FAIL("fqdn \"%s\": expected \"%s\", got \"%s\"", bad_fqdn[i].s, bad_fqdn[i].want, why);
    /* 253 bytes is the longest name; 254 is refused. */
    memset(longname, 'a', sizeof(longname));
    for (i = 63; i < 253; i += 64)
        longname[i] = '.';
    longname[253] = '\0';
    if (js_valid_fqdn(longname, why) != 0)
        FAIL("fqdn of 253 bytes: got \"%s\"", why);
    longname[253] = 'a';
    longname[254] = '\0';
    if (js_valid_fqdn(longname, why) != -1 ||
        strcmp(why, "not a valid FQDN (longer than 253 bytes)") != 0)
        FAIL("fqdn of 254 bytes: got \"%s\"", why);

    for (i = 0; good_gpsi[i] != NULL; i++)
        if (js_valid_gpsi(good_gpsi[i], why) != 0)
            FAIL("gpsi \"%s\": expected valid, got \"%s\"", good_gpsi[i], why);
    for (i = 0; i < sizeof(bad_gpsi) / sizeof(bad_gpsi[0]); i++)
        if (js_valid_gpsi(bad_gpsi[i].s, why) != -1 || strcmp(why, bad_gpsi[i].want) != 0)
            FAIL("gpsi \"%s\": expected \"%s\", got \"%s\"", bad_gpsi[i].s, bad_gpsi[i].want, why);

    for (i = 0; good_id[i] != NULL; i++)
        if (js_valid_id(good_id[i], why) != 0)
            FAIL("id \"%s\": expected valid, got \"%s\"", good_id[i], why);
    for (i = 0; i < sizeof(bad_id) / sizeof(bad_id[0]); i++)
        if (js_valid_id(bad_id[i].s, why) != -1 || strcmp(why, bad_id[i].want) != 0)
            FAIL("id \"%s\": expected \"%s\", got \"%s\"", bad_id[i].s, bad_id[i].want, why);
    memset(longname, 'a', 128);
    longname[127] = '\0';
    if (js_valid_id(longname, why) != 0)
        FAIL("id of 127 bytes: got \"%s\"", why);
    longname[127] = 'a';
    longname[128] = '\0';
    if (js_valid_id(longname, why) != -1 ||
        strcmp(why, "not a valid identifier (longer than 127 bytes)") != 0)
        FAIL("id of 128 bytes: got \"%s\"", why);
}

/* The string rules added for the A-KID, kid, allow-list patterns, enums and 198.18.0.0/15
 * addresses: one row each, want "" when the string passes. */
enum vkind { V_AKID, V_KID, V_STAR, V_ENUM, V_CIDR_HOST, V_CIDR_NET, V_BENCH };

static const struct {
    enum vkind k;
    const char *s, *want;
} vrows[] = {
    {V_AKID, "atid-0001@rid1.akma.edge.test", ""},
    {V_AKID, "a.b@c", ""},
    {V_AKID, "x!#$%&'*+-/=?^_`{|}~@r.test", ""},
    {V_AKID, "", "not a valid A-KID (empty)"},
    {V_AKID, "eec-0001", "not a valid A-KID (expected username@realm)"},
    {V_AKID, "@rid1.test", "not a valid A-KID (empty username)"},
    {V_AKID, ".a@r.test", "not a valid A-KID (empty part of the username)"},
    {V_AKID, "a.@r.test", "not a valid A-KID (empty part of the username)"},
    {V_AKID, "a..b@r.test", "not a valid A-KID (empty part of the username)"},
    {V_AKID, "a b@r.test", "not a valid A-KID (byte 0x20 not allowed in the username)"},
    {V_AKID, "a\"b@r.test", "not a valid A-KID ('\"' not allowed in the username)"},
    {V_AKID, "a@", "not a valid A-KID (realm: not a valid FQDN (empty))"},
    {V_AKID, "a@b@c", "not a valid A-KID (realm: not a valid FQDN ('@' not allowed))"},
    {V_AKID, "a@-r.test", "not a valid A-KID (realm: not a valid FQDN (label starts with '-'))"},
    {V_KID, "k1", ""},
    {V_KID, "ecs1-2026.01_a~b", ""},
    {V_KID, "k/1", "not a valid identifier ('/' not allowed)"},
    {V_KID, "", "not a valid identifier (empty)"},
    {V_STAR, "*", ""},
    {V_STAR, "eec-0001", ""},
    {V_STAR, "*x", "not a valid identifier ('*' not allowed)"},
    {V_STAR, "", "not a valid identifier (empty)"},
    {V_ENUM, "local", ""},
    {V_ENUM, "LOCAL", "expected \"token\" or \"local\", got \"LOCAL\""},
    {V_ENUM, "", "expected \"token\" or \"local\", got \"\""},
    {V_CIDR_HOST, "198.18.1.10/24", ""},
    {V_CIDR_HOST, "198.19.255.254/15", ""},
    {V_CIDR_HOST, "198.18.0.1/30", ""},
    {V_CIDR_HOST, "198.18.1.0/24", "\"198.18.1.0/24\" is a network or broadcast address"},
    {V_CIDR_HOST, "198.18.1.255/24", "\"198.18.1.255/24\" is a network or broadcast address"},
    {V_CIDR_HOST, "198.18.1.1", "\"198.18.1.1\" is not of the form A.B.C.D/N"},
    {V_CIDR_HOST, "198.18.1.1/14",
     "\"198.18.1.1/14\": prefix length must be 15..30 (inside "
     "198.18.0.0/15)"},
    {V_CIDR_HOST, "198.18.1.1/31",
     "\"198.18.1.1/31\": prefix length must be 15..30 (inside "
     "198.18.0.0/15)"},
    {V_CIDR_HOST, "198.18.1.1/ 24",
     "\"198.18.1.1/ 24\": prefix length must be 15..30 (inside "
     "198.18.0.0/15)"},
    {V_CIDR_HOST, "198.18.1.1/+24",
     "\"198.18.1.1/+24\": prefix length must be 15..30 (inside "
     "198.18.0.0/15)"},
    {V_CIDR_HOST, "198.18.1.1/24x",
     "\"198.18.1.1/24x\": prefix length must be 15..30 (inside "
     "198.18.0.0/15)"},
    {V_CIDR_HOST, "10.0.0.1/24",
     "\"10.0.0.1\" is outside 198.18.0.0/15, the only range edgesim configures"},
    {V_CIDR_HOST, "198.20.0.1/24",
     "\"198.20.0.1\" is outside 198.18.0.0/15, the only range edgesim configures"},
    {V_CIDR_HOST, "198.18.1/24", "\"198.18.1\" is not an IPv4 address"},
    {V_CIDR_NET, "198.18.2.0/24", ""},
    {V_CIDR_NET, "198.18.2.1/24", "\"198.18.2.1/24\" has host bits set"},
    {V_BENCH, "198.18.0.1", ""},
    {V_BENCH, "192.0.2.1",
     "\"192.0.2.1\" is outside 198.18.0.0/15, the only range edgesim "
     "configures"},
    {V_BENCH, "198.18.0.256", "\"198.18.0.256\" is not an IPv4 address"},
};

static int
vrow_check(enum vkind k, const char *s, char *why)
{
    static const char *const choices[] = {"token", "local", NULL};
    struct ipv4_cidr c;
    uint32_t a;

    switch (k) {
    case V_AKID:
        return js_valid_akid(s, why);
    case V_KID:
        return js_valid_kid(s, why);
    case V_STAR:
        return js_valid_id_or_star(s, why);
    case V_ENUM:
        return js_valid_enum(s, choices, why);
    case V_CIDR_HOST:
        return ipv4_cidr_parse(s, IPV4_CIDR_HOST, &c, why);
    case V_CIDR_NET:
        return ipv4_cidr_parse(s, IPV4_CIDR_NET, &c, why);
    case V_BENCH:
        return ipv4_parse_bench(s, &a, why);
    }
    return -1;
}

static void
test_vrows(void)
{
    char why[EDGE_ERR_LEN], longname[300];
    size_t i;
    int rc;

    for (i = 0; i < sizeof(vrows) / sizeof(vrows[0]); i++) {
        why[0] = '\0';
        rc = vrow_check(vrows[i].k, vrows[i].s, why);
        if (vrows[i].want[0] == '\0' && rc != 0)
            FAIL("vrow %zu \"%s\": expected to pass, got \"%s\"", i, vrows[i].s, why);
        else if (vrows[i].want[0] != '\0' && (rc != -1 || strcmp(why, vrows[i].want) != 0))
            FAIL("vrow %zu \"%s\": expected \"%s\", got rc %d \"%s\"", i, vrows[i].s, vrows[i].want,
                 rc, why);
    }
    /* Bounds: a kid of 64 bytes, an A-KID of 127. */
    memset(longname, 'k', sizeof(longname));
    longname[64] = '\0';
    if (js_valid_kid(longname, why) != 0)
        FAIL("kid of 64 bytes: got \"%s\"", why);
    longname[64] = 'k';
    longname[65] = '\0';
    if (js_valid_kid(longname, why) != -1 ||
        strcmp(why, "not a valid kid (longer than 64 bytes)") != 0)
        FAIL("kid of 65 bytes: got \"%s\"", why);
    memset(longname, 'k', sizeof(longname));
    memcpy(longname + 120, "@r.test", 8);
    if (js_valid_akid(longname, why) != 0)
        FAIL("A-KID of 127 bytes: got \"%s\"", why);
    memset(longname, 'k', sizeof(longname));
    memcpy(longname + 121, "@r.test", 8);
    if (js_valid_akid(longname, why) != -1 ||
        strcmp(why, "not a valid A-KID (longer than 127 bytes)") != 0)
        FAIL("A-KID of 128 bytes: got \"%s\"", why);
}

static void
test_time(void)
{
    static const struct {
        const char *s;
        long long sec;
        long nsec;
    } good[] = {
        {"1970-01-01T00:00:00Z", 0, 0},
        {"2026-11-24T14:16:32Z", 1795529792LL, 0},
        {"2026-11-24t14:16:32z", 1795529792LL, 0},
        {"2026-11-24T15:16:32.5+01:00", 1795529792LL, 500000000},
        {"2026-11-24T13:46:32.123456789123-00:30", 1795529792LL, 123456789},
        {"1985-04-12T23:20:50.52Z", 482196050LL, 520000000},
        {"1990-12-31T23:59:60Z", 662687999LL, 0},
        {"2024-02-29T00:00:00Z", 1709164800LL, 0},
    };
    static const struct {
        const char *s, *want;
    } bad[] = {
        {"2026-11-24", "not an RFC 3339 date-time (expected YYYY-MM-DDTHH:MM:SS)"},
        {"2026-11-24 14:16:32Z", "not an RFC 3339 date-time (expected YYYY-MM-DDTHH:MM:SS)"},
        {"2026-11-24T14:16Z", "not an RFC 3339 date-time (expected YYYY-MM-DDTHH:MM:SS)"},
        {"2026-11-24T14:16:32", "not an RFC 3339 date-time (expected Z or +HH:MM offset)"},
        {"2026-11-24T14:16:32.Z", "not an RFC 3339 date-time (no digits after '.')"},
        {"2026-11-24T14:16:32+0100", "not an RFC 3339 date-time (bad offset, expected +HH:MM)"},
        {"2026-11-24T14:16:32+24:00", "not an RFC 3339 date-time (bad offset, expected +HH:MM)"},
        {"2026-11-24T14:16:32Zx", "not an RFC 3339 date-time (trailing characters)"},
        {"2023-02-29T00:00:00Z", "not an RFC 3339 date-time (field out of range)"},
        {"2026-13-01T00:00:00Z", "not an RFC 3339 date-time (field out of range)"},
        {"2026-11-24T24:00:00Z", "not an RFC 3339 date-time (field out of range)"},
        {"2026-11-24T23:00:61Z", "not an RFC 3339 date-time (field out of range)"},
    };
    char why[EDGE_ERR_LEN], buf[JS_TIME_LEN];
    struct timespec ts;
    size_t i;

    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        if (js_time_parse(good[i].s, &ts, why) != 0)
            FAIL("time \"%s\": %s", good[i].s, why);
        else if ((long long)ts.tv_sec != good[i].sec || ts.tv_nsec != good[i].nsec)
            FAIL("time \"%s\": expected %lld.%09ld, got %lld.%09ld", good[i].s, good[i].sec,
                 good[i].nsec, (long long)ts.tv_sec, ts.tv_nsec);
    }
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (js_time_parse(bad[i].s, &ts, why) != -1 || strcmp(why, bad[i].want) != 0)
            FAIL("time \"%s\": expected \"%s\", got \"%s\"", bad[i].s, bad[i].want, why);
    if (js_time_format((time_t)1795529792, buf, sizeof(buf)) != 0 ||
        strcmp(buf, "2026-11-24T14:16:32Z") != 0)
        FAIL("time format: got \"%s\"", buf);
    if (js_time_format((time_t)0, buf, 5) != -1)
        FAIL("time format into a short buffer must fail");
}

int
main(void)
{
    test_rows();
    test_store();
    test_validators();
    test_vrows();
    test_time();
    return check_result("json_strict");
}
