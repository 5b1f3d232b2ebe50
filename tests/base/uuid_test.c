/* uuid_test.c -- NF instance IDs (base/uuid.h): the text form a token request's nfInstanceId must
 * have (TS 29.571 NfInstanceId, RFC 4122 3), and the ID derived from an FQDN, which EES and ECS
 * must compute alike (version 4 in form, the RFC 4122 variant, case-insensitive in the name). */
#include "base/err.h"
#include "base/uuid.h"
#include "check.h"

#include <string.h>

static const struct {
    const char *s;
    int ok;
} forms[] = {
    {"2f1e8c3a-4b5d-4e6f-8a9b-0c1d2e3f4a5b", 1},
    {"2F1E8C3A-4B5D-4E6F-8A9B-0C1D2E3F4A5B", 1},
    {"2f1e8c3a4b5d4e6f8a9b0c1d2e3f4a5b", 0},      /* no dashes */
    {"2f1e8c3a-4b5d-4e6f-8a9b-0c1d2e3f4a5", 0},   /* short */
    {"2f1e8c3a-4b5d-4e6f-8a9b-0c1d2e3f4a5bb", 0}, /* long */
    {"2f1e8c3a-4b5d-4e6f-8a9b_0c1d2e3f4a5b", 0},  /* a dash misplaced */
    {"{2f1e8c3a-4b5d-4e6f-8a9b-0c1d2e3f4a5}", 0}, /* braces */
    {"ees1.edge.test", 0},
    {"", 0},
};

int
main(void)
{
    char a[UUID_TEXT_LEN], b[UUID_TEXT_LEN], why[EDGE_ERR_LEN];

    for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++)
        check_row((uuid_valid(forms[i].s, why) == 0) == forms[i].ok, "uuid_valid(\"%s\") %s",
                  forms[i].s, forms[i].ok ? "accepted" : "refused");
    CHECK(uuid_valid(NULL, why) < 0, "NULL accepted as a UUID");
    CHECK(uuid_from_name("ees1.edge.test", a) == 0 && uuid_valid(a, why) == 0, "derived: %s", a);
    /* Documented in nodes/ees/README.md and tests/auth/endpoint_rows.txt: a stable derivation. */
    CHECK(strcmp(a, "ecf2a745-6943-4a60-ae2b-e94309c28f87") == 0,
          "derived %s, not the documented ID", a);
    CHECK(a[14] == '4' && strchr("89ab", a[19]) != NULL,
          "%s: not version 4 with the RFC 4122 variant", a);
    CHECK(uuid_from_name("EES1.Edge.Test", b) == 0 && strcmp(a, b) == 0,
          "the name's case changed the ID: %s, %s", a, b);
    CHECK(uuid_from_name("ees2.edge.test", b) == 0 && strcmp(a, b) != 0, "two FQDNs, one ID: %s",
          a);
    CHECK(uuid_equal(a, "A") == 0 && uuid_equal("2f1e8c3a-4b5d-4e6f-8a9b-0c1d2e3f4a5b",
                                                "2F1E8C3A-4B5D-4E6F-8A9B-0C1D2E3F4A5B"),
          "uuid_equal");
    printf("ees1.edge.test -> %s\n", a);
    return check_result("uuid");
}
