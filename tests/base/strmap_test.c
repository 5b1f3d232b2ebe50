/* strmap_test.c -- the string-keyed hash map (base/strmap.h): 100,000 keys put and each found
 * with its own value, a second put of a key replaces its value and is not a new key, absent keys
 * (prefixes, longer strings, the empty string) are not found, a NULL value is refused, keys are
 * copies, a deleted key is gone and the others stay, and free calls the value's free once per
 * key. Prune: the predicate sees each key once with its own value, exactly the keys it drops are
 * gone (their values freed once) and the others keep their values, a second prune finds nothing,
 * and a map pruned empty takes keys again. */
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

/* What a prune's predicate saw: calls, keys whose value was not their own, and which to drop. */
struct prune_seen {
    size_t calls, wrong_key;
    int drop_odd, drop_all;
};

static int
prune_drop(const char *key, void *value, void *arg)
{
    struct prune_seen *s = arg;
    long v = *(long *)value;
    char want[32];

    FMT(want, "p-%ld", v);
    s->calls++;
    s->wrong_key += strcmp(key, want) != 0;
    return s->drop_all || (s->drop_odd && v % 2 == 1);
}

static void
test_prune(void)
{
    enum { P = 1000 };
    static long vals[P];
    struct strmap *m = strmap_new();
    struct prune_seen seen = {0, 0, 1, 0};
    size_t lost = 0, kept = 0, removed;
    char key[32];

    if (m == NULL) {
        FAIL("strmap_new: out of memory");
        return;
    }
    for (long i = 0; i < P; i++) {
        vals[i] = i;
        FMT(key, "p-%ld", i);
        strmap_put(m, key, &vals[i], NULL);
    }
    freed = 0;
    removed = strmap_prune(m, prune_drop, &seen, count_free);
    CHECK(removed == P / 2 && strmap_count(m) == P / 2 && freed == P / 2,
          "prune of the odd values: %zu removed, count %zu, %zu freed (want %d each)", removed,
          strmap_count(m), freed, P / 2);
    CHECK(seen.calls == P && seen.wrong_key == 0,
          "the predicate saw %zu keys (want %d), %zu with a value not their own", seen.calls, P,
          seen.wrong_key);
    for (long i = 0; i < P; i++) {
        FMT(key, "p-%ld", i);
        long *v = strmap_get(m, key);
        lost += i % 2 == 0 && (v == NULL || *v != i);
        kept += i % 2 == 1 && v != NULL;
    }
    CHECK(lost == 0 && kept == 0, "after prune: %zu kept keys lost, %zu dropped keys still there",
          lost, kept);

    /* Nothing left to drop: nothing removed, nothing freed. */
    seen.calls = 0;
    CHECK(strmap_prune(m, prune_drop, &seen, count_free) == 0 && strmap_count(m) == P / 2 &&
              freed == P / 2 && seen.calls == P / 2,
          "a second prune removed keys or missed some (%zu calls)", seen.calls);

    /* Everything, no free_value: empty, and the map takes keys again. */
    seen.drop_all = 1;
    CHECK(strmap_prune(m, prune_drop, &seen, NULL) == P / 2 && strmap_count(m) == 0 &&
              freed == P / 2,
          "prune of all: count %zu, %zu freed", strmap_count(m), freed);
    FMT(key, "p-%d", 4);
    CHECK(strmap_get(m, key) == NULL && strmap_put(m, key, &vals[4], NULL) == 1 &&
              strmap_get(m, key) == &vals[4] && strmap_count(m) == 1,
          "a key put after the map was pruned empty");
    strmap_free(m, NULL);
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
    test_prune();
    return check_result("strmap");
}
