/* fuzz_json.c -- fuzz target of js_loads() + js_decode() with every EDGEAPP field table
 * (json_strict.h, edgeapp.h: the JSON bodies of EDGE-1, EDGE-4, EDGE-6 and EDGE-9).
 *
 * An input is "TYPE<TAB>JSON" (TYPE one of the table names below; otherwise the first byte picks
 * a table and the rest is the body). The campaign starts from the rows of tests/edgeapp/cases.txt
 * and mutates them: bytes, JSON members (names taken from the tables themselves), deep nesting,
 * long strings. The oracle: no crash; -1 always comes with a message, which names a field and is
 * safe in a log line (no control bytes); decoding is deterministic and leaves the value as it was;
 * an accepted body still decodes after a dump and reload; the EndPoint and service-area helpers
 * work on any accepted body; and a few rules checked independently (top-level identifiers and
 * GPSI, an EES profile's endPt) hold in every accepted body. */
#include "fuzz.h"

#include "edgeapp/edgeapp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef FZ_CASES
#define FZ_CASES "tests/edgeapp/cases.txt"
#endif

static const struct {
    const char *name;
    const struct js_field *table;
} types[] = {
    {"endpoint", edgeapp_endpoint},
    {"service_area", edgeapp_service_area},
    {"location_info", edgeapp_location_info},
    {"ac_profile", edgeapp_ac_profile},
    {"ees_registration", edgeapp_ees_registration},
    {"ees_profile", edgeapp_ees_profile},
    {"ees_registration_patch", edgeapp_ees_registration_patch},
    {"servprov_req", edgeapp_servprov_req},
    {"servprov_resp", edgeapp_servprov_resp},
    {"eec_registration", edgeapp_eec_registration},
    {"eec_registration_patch", edgeapp_eec_registration_patch},
    {"eas_discovery_req", edgeapp_eas_discovery_req},
    {"eas_profile", edgeapp_eas_profile},
    {"acr_init_req", edgeapp_acr_init_req},
    {"eec_context", edgeapp_eec_context},
    {"eec_context_push", edgeapp_eec_context_push},
};
#define NTYPES (sizeof(types) / sizeof(types[0]))

static const char *field_names[512]; /* every name in every table, gathered at set-up */
static size_t nfield_names;
static const char *const values[] = {"https://ees1.edge.test",
                                     "https://ees1.edge.test:8443/x?y#z",
                                     "https://",
                                     "https://:443",
                                     "ees1.edge.test",
                                     "ees1",
                                     "eec-0001",
                                     "ctx-1",
                                     "eas-video",
                                     "ac-video",
                                     "msisdn-491700000001",
                                     "msisdn-1234",
                                     "msisdn-1234567890123456",
                                     "extid-a@b",
                                     "extid-@b",
                                     "2026-11-24T15:00:00Z",
                                     "2026-11-24T15:00:00.123456789123+01:00",
                                     "2026-13-01T00:00:00Z",
                                     "2026-11-24T15:00:00",
                                     "001",
                                     "01",
                                     "000000001",
                                     "00000000A",
                                     "0000001",
                                     "0001",
                                     "TLS_CLIENT_SERVER_CERTIFICATE",
                                     "edge",
                                     "198.18.0.1",
                                     "::1",
                                     "\x01\x1b[31m\n",
                                     NULL};

/* RFC 3986 unreserved, 1..127 (json_strict.h js_valid_id), written again. */
static int
ref_id(const char *s)
{
    size_t n = strlen(s);

    if (n == 0 || n > 127)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
              (s[i] >= '0' && s[i] <= '9') || strchr("-._~", s[i]) != NULL || s[i] == '\0'))
            return 0;
    return 1;
}

/* msisdn-<5..15 digits> | extid-<visible ASCII without @>@<same>, at most 127 bytes. */
static int
ref_gpsi(const char *s)
{
    size_t n = strlen(s), i;
    const char *at;

    if (n == 0 || n > 127)
        return 0;
    if (strncmp(s, "msisdn-", 7) == 0) {
        for (i = 7; s[i] >= '0' && s[i] <= '9'; i++)
            ;
        return s[i] == '\0' && i - 7 >= 5 && i - 7 <= 15;
    }
    if (strncmp(s, "extid-", 6) != 0 || (at = strchr(s + 6, '@')) == NULL || at == s + 6 ||
        at[1] == '\0')
        return 0;
    for (const char *p = s + 6; *p; p++)
        if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f || (*p == '@' && p != at))
            return 0;
    return 1;
}

static int
ref_endpoint(json_t *ep)
{
    static const char *const one_of[] = {"fqdn", "ipv4Addrs", "ipv6Addrs", "uri"};
    const char *uri = json_string_value(json_object_get(ep, "uri"));
    int n = 0;

    for (size_t i = 0; i < 4; i++)
        n += json_object_get(ep, one_of[i]) != NULL;
    return json_is_object(ep) && n == 1 && (uri == NULL || strncmp(uri, "https://", 8) == 0);
}

/* Rules of the tables checked without them, on an accepted body; NULL or the rule broken. */
static int
named(const struct js_field *table, const char *name)
{
    for (const struct js_field *f = table; f->name != NULL; f++)
        if (strcmp(f->name, name) == 0)
            return 1;
    return 0;
}

static const char *
ref_broken(const char *type, const struct js_field *table, json_t *v)
{
    static const char *const ids[] = {"eecId", "eesId", "eecCntxId", "srcEesId", "cntxId", NULL};
    json_t *x;

    for (size_t i = 0; ids[i] != NULL; i++)
        if (named(table, ids[i]) && (x = json_object_get(v, ids[i])) != NULL &&
            (!json_is_string(x) || !ref_id(json_string_value(x))))
            return ids[i];
    if (named(table, "ueId") && (x = json_object_get(v, "ueId")) != NULL &&
        (!json_is_string(x) || !ref_gpsi(json_string_value(x))))
        return "ueId";
    if (strcmp(type, "ees_registration") == 0) {
        json_t *p = json_object_get(v, "eesProf");
        if (!json_is_object(p) || !ref_endpoint(json_object_get(p, "endPt")) ||
            !json_is_boolean(json_object_get(p, "eecRegConf")))
            return "eesProf";
    }
    if (strcmp(type, "acr_init_req") == 0 && (!ref_endpoint(json_object_get(v, "tEasEndpoint")) ||
                                              !json_is_boolean(json_object_get(v, "easNotifInd")) ||
                                              !json_is_string(json_object_get(v, "requestorId"))))
        return "tEasEndpoint/easNotifInd/requestorId";
    return NULL;
}

/* Run the helpers on every endpoint-like and area-like member of an accepted body. */
static void
helpers(const uint8_t *in, size_t n, json_t *v, json_t *loc, int depth)
{
    const char *k;
    json_t *c;
    size_t i;

    if (depth > 64)
        return;
    if (json_is_object(v)) {
        json_object_foreach(v, k, c)
        {
            if (json_is_object(c) &&
                (strstr(k, "ndp") || strstr(k, "ndP") || !strcmp(k, "tgtEas"))) {
                char small[8], big[300];
                const char *h1 = edgeapp_endpoint_host(c, small, sizeof(small));
                const char *h2 = edgeapp_endpoint_host(c, big, sizeof(big));
                if ((h1 != NULL && strlen(h1) >= sizeof(small)) ||
                    (h2 != NULL && strlen(h2) >= sizeof(big)))
                    fz_finding("json", in, n, "edgeapp_endpoint_host overran its buffer");
            }
            if (json_is_object(c) && strcmp(k, "svcArea") == 0)
                (void)edgeapp_area_covers(c, loc);
            helpers(in, n, c, loc, depth + 1);
        }
    } else if (json_is_array(v)) {
        json_array_foreach(v, i, c) helpers(in, n, c, loc, depth + 1);
    }
}

static int
safe_message(const char *err)
{
    if (memchr(err, '\0', EDGE_ERR_LEN) == NULL || err[0] == '\0')
        return 0;
    for (const char *p = err; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return 0;
    return 1;
}

static void
json_one(const uint8_t *data, size_t n)
{
    const uint8_t *tab = memchr(data, '\t', n < 32 ? n : 32);
    size_t t = NTYPES, off = 0;
    char err[EDGE_ERR_LEN] = "", err2[EDGE_ERR_LEN] = "";
    json_t *v = NULL, *copy, *again = NULL;
    char *text, *dump;
    int rc, rc2;

    fz_execs++;
    if (tab != NULL)
        for (size_t i = 0; i < NTYPES; i++)
            if (strlen(types[i].name) == (size_t)(tab - data) &&
                memcmp(types[i].name, data, (size_t)(tab - data)) == 0)
                t = i, off = (size_t)(tab - data) + 1;
    if (t == NTYPES) {
        if (n == 0)
            return;
        t = data[0] % NTYPES;
        off = 1;
    }
    text = fz_dup_exact(data + off, n - off, 0);
    if (js_loads(text, n - off, &v, err) < 0) {
        if (v != NULL || strncmp(err, "line ", 5) != 0 || memchr(err, 0, sizeof(err)) == NULL)
            fz_finding("json", data, n, "js_loads refusal: out %p, message '%s'", (void *)v, err);
        else if (!safe_message(err))
            fz_note("json", data, n, "js_loads message echoes control bytes of the input: '%s'",
                    err);
        free(text);
        return;
    }
    if (!json_is_object(v) && !json_is_array(v))
        fz_finding("json", data, n, "js_loads returned a %s", js_type_name(v));
    copy = json_deep_copy(v);
    rc = js_decode_code(v, "", types[t].table, NULL, NULL, err);
    rc2 = js_decode_code(v, "", types[t].table, NULL, NULL, err2);
    if (rc > 0 || rc < JS_ENOTOBJECT || rc != rc2 || (rc < 0 && strcmp(err, err2) != 0))
        fz_finding("json", data, n, "%s: not deterministic: %d '%s' then %d '%s'", types[t].name,
                   rc, err, rc2, err2);
    if (rc < 0 && (memchr(err, '\0', sizeof(err)) == NULL || err[0] == '\0'))
        fz_finding("json", data, n, "%s: refusal without a message", types[t].name);
    else if (rc < 0 && !safe_message(err))
        fz_note("json", data, n, "%s: js_decode message echoes control bytes: '%s'", types[t].name,
                err);
    if (!json_equal(v, copy))
        fz_finding("json", data, n, "%s: js_decode changed the value", types[t].name);
    if (rc == 0) {
        fz_accepted++;
        const char *broken = ref_broken(types[t].name, types[t].table, v);
        if (broken != NULL)
            fz_finding("json", data, n, "%s: WRONG ACCEPTANCE: %s breaks its rule", types[t].name,
                       broken);
        dump = json_dumps(v, JSON_COMPACT);
        if (dump == NULL || js_loads(dump, strlen(dump), &again, err) < 0 ||
            js_decode(again, "", types[t].table, NULL, NULL, err) < 0)
            fz_finding("json", data, n, "%s: accepted, but not after a dump and reload: %s",
                       types[t].name, err);
        free(dump);
        json_decref(again);
        helpers(data, n, v, json_object_get(v, "locInf"), 0);
    }
    json_decref(copy);
    json_decref(v);
    free(text);
}

static void
gather(const struct js_field *table, int depth)
{
    if (depth > 8)
        return;
    for (const struct js_field *f = table; f->name != NULL; f++) {
        size_t i;
        for (i = 0; i < nfield_names; i++)
            if (strcmp(field_names[i], f->name) == 0)
                break;
        if (i == nfield_names && nfield_names < 511)
            field_names[nfield_names++] = f->name;
        if (f->sub != NULL)
            gather(f->sub, depth + 1);
    }
}

static char *rows[256];
static int row_type[256], row_ok[256];
static size_t nrows, nok;

static int
json_setup(void)
{
    const char *path = getenv("EDGESIM_FUZZ_CASES");
    FILE *f = fopen(path != NULL && *path ? path : FZ_CASES, "r");
    char line[8192];

    for (size_t i = 0; i < NTYPES; i++)
        gather(types[i].table, 0);
    field_names[nfield_names] = NULL;
    if (f == NULL) {
        fprintf(stderr, "fuzz json: cannot open %s (set EDGESIM_FUZZ_CASES)\n",
                path != NULL && *path ? path : FZ_CASES);
        return -1;
    }
    while (fgets(line, sizeof(line), f) != NULL && nrows < 256) {
        char *type = strtok(line, "\t"), *expect = strtok(NULL, "\t"), *body = strtok(NULL, "\n");
        if (type == NULL || type[0] == '#' || expect == NULL || body == NULL)
            continue;
        for (size_t i = 0; i < NTYPES; i++)
            if (strcmp(types[i].name, type) == 0) {
                rows[nrows] = strdup(body);
                row_ok[nrows] = strcmp(expect, "ok") == 0;
                nok += row_ok[nrows];
                row_type[nrows++] = (int)i;
            }
    }
    fclose(f);
    return nrows > 0 ? 0 : -1;
}

static void
json_campaign(struct fz_rng *r, long iters)
{
    static const char *const dict[] = {"{",    "}",    "[",       "]",       "\"",    ":", ",",
                                       "null", "true", "\\u0000", "\\ud800", "1e999", "-", NULL};
    struct fz_buf in = {0};

    for (long i = 0; i < iters; i++) {
        size_t row = fz_below(r, nrows);
        /* Mostly from the valid rows, so that mutations land near the accepting paths. */
        while (nok > 0 && !row_ok[row] && !fz_one_in(r, 4))
            row = fz_below(r, nrows);
        int t = fz_one_in(r, 8) ? (int)fz_below(r, NTYPES) : row_type[row];
        size_t pick = fz_below(r, 10);

        in.len = 0;
        fz_buf_addf(&in, "%s\t", types[t].name);
        if (pick < 3) {
            size_t off = in.len;
            struct fz_buf b = {0};
            fz_buf_adds(&b, rows[row]);
            fz_mutate(r, &b, 1 << 20, dict, 4);
            fz_buf_add(&in, b.p, b.len);
            fz_buf_free(&b);
            (void)off;
        } else {
            json_t *v = json_loads(rows[row], 0, NULL);
            char *s;
            for (int e = 1 + (int)fz_below(r, 2) * (int)fz_below(r, 4); e > 0 && v != NULL; e--)
                fz_json_mutate(r, v, field_names, values);
            s = v != NULL ? fz_json_dump(r, v) : strdup(rows[row]);
            if (pick == 9) {
                struct fz_buf b = {0};
                fz_buf_adds(&b, s);
                fz_json_text_mutate(r, &b);
                fz_buf_add(&in, b.p, b.len);
                fz_buf_free(&b);
            } else {
                fz_buf_adds(&in, s);
            }
            free(s);
            json_decref(v);
        }
        json_one(in.p, in.len);
    }
    fz_buf_free(&in);
}

const struct fz_target fz_target_json = {
    .name = "json",
    .what = "js_loads() + js_decode() with every edgeapp_* table",
    .setup = json_setup,
    .one = json_one,
    .campaign = json_campaign,
    .default_iters = 40000,
};
