/* strmap_test.c -- the string-keyed hash map (base/strmap.h): 100,000 keys put and each found
 * with its own value, a second put of a key replaces its value and is not a new key, absent keys
 * (prefixes, longer strings, the empty string) are not found, a NULL value is refused, keys are
 * copies, a deleted key is gone and the others stay, and free calls the value's free once per
 * key. */
#include "base/strmap.h"
#include "check.h"

#include <string.h>

#define N 100000

static size_t freed;

static void
count_free(void *v)
{
    (void)v;
    freed++;
}

int
main(void)
{
    static long vals[N];
    struct strmap *m = strmap_new();
    char key[64];
    void *old = NULL;
    size_t wrong = 0, added = 0;

    CHECK(m != NULL, "strmap_new: out of memory");
    if (m == NULL)
        return check_result("strmap");
    for (long i = 0; i < N; i++) {
        vals[i] = i;
        FMT(key, "jti-%08lx", (unsigned long)i * 2654435761UL); /* distinct: odd multiplier */
        added += strmap_put(m, key, &vals[i], NULL) == 1;
    }
    CHECK(added == N && strmap_count(m) == N, "%zu of %d keys added, count %zu", added, N,
          strmap_count(m));
    for (long i = 0; i < N; i++) {
        FMT(key, "jti-%08lx", (unsigned long)i * 2654435761UL);
        long *v = strmap_get(m, key);
        wrong += v == NULL || *v != i;
    }
    CHECK(wrong == 0, "%zu of %d keys not found with their own value", wrong, N);

    /* The same key again: one key, the new value, the old one handed back. */
    FMT(key, "jti-%08lx", 7UL * 2654435761UL);
    CHECK(strmap_put(m, key, &vals[8], &old) == 0 && old == &vals[7] &&
              strmap_get(m, key) == &vals[8] && strmap_count(m) == N,
          "a second put of %s: not a replacement of its value", key);
    CHECK(strmap_put(m, "null", NULL, NULL) == -1 && strmap_get(m, "null") == NULL &&
              strmap_count(m) == N,
          "a NULL value was taken");

    /* Absent: a prefix of a key, a key with one more character, the empty string. */
    FMT(key, "jti-%08lx", 5UL * 2654435761UL);
    key[strlen(key) - 1] = '\0';
    CHECK(strmap_get(m, key) == NULL, "prefix %s found", key);
    FMT(key, "jti-%08lxx", 5UL * 2654435761UL);
    CHECK(strmap_get(m, key) == NULL, "longer key %s found", key);
    CHECK(strmap_get(m, "") == NULL, "the empty string found");
    CHECK(strmap_put(m, "", &vals[0], NULL) == 1 && strmap_get(m, "") == &vals[0],
          "the empty string is a key like any other");

    /* The map keeps its own copy of a key. */
    FMT(key, "copied");
    strmap_put(m, key, &vals[1], NULL);
    key[0] = 'C';
    CHECK(strmap_get(m, "copied") == &vals[1] && strmap_get(m, "Copied") == NULL,
          "the key was not copied");

    /* Delete: the value handed back, the key gone, its neighbours kept; twice is NULL. */
    FMT(key, "jti-%08lx", 9UL * 2654435761UL);
    CHECK(strmap_del(m, key) == &vals[9] && strmap_get(m, key) == NULL &&
              strmap_count(m) == N + 1 && strmap_del(m, key) == NULL,
          "deleting %s", key);
    for (long i = 0; i < N; i += 997) {
        FMT(key, "jti-%08lx", (unsigned long)i * 2654435761UL);
        long *v = strmap_get(m, key);
        wrong += i != 9 && i != 7 && (v == NULL || *v != i);
    }
    CHECK(wrong == 0, "%zu keys lost their value after a delete", wrong);
    CHECK(strmap_put(m, key, &vals[9], NULL) == 0, "a key put after a delete of another");

    /* FNV-1a of "a" (the published test vector). */
    CHECK(strmap_hash("a", 1) == 0xaf63dc4c8601ec8cULL, "FNV-1a(\"a\") = %llx",
          (unsigned long long)strmap_hash("a", 1));

    strmap_free(m, count_free);
    CHECK(freed == N + 1, "free_value called %zu times for %d keys", freed, N + 1);
    strmap_free(NULL, count_free);
    return check_result("strmap");
}
