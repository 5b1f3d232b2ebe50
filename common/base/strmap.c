/* strmap.c -- a map from strings to pointers: chained hash table, FNV-1a, doubling at one key per
 * slot on average, pruned by a caller's predicate (strmap.h). */
#include "base/strmap.h"

#include <stdlib.h>
#include <string.h>

#define STRMAP_SLOTS0 64 /* a power of two: a slot is hash & (slots - 1) */

struct strmap_entry {
    struct strmap_entry *next;
    uint64_t hash;
    void *value;
    char key[]; /* NUL-terminated copy */
};

struct strmap {
    struct strmap_entry **slot; /* each the first entry of its chain */
    size_t nslots, count;
};

uint64_t
strmap_hash(const void *p, size_t n)
{
    const unsigned char *b = p;
    uint64_t h = 0xcbf29ce484222325ULL;

    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 0x100000001b3ULL;
    return h;
}

struct strmap *
strmap_new(void)
{
    struct strmap *m = calloc(1, sizeof(*m));

    // NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers
    if (m == NULL || (m->slot = calloc(STRMAP_SLOTS0, sizeof(*m->slot))) == NULL) {
        free(m);
        return NULL;
    }
    m->nslots = STRMAP_SLOTS0;
    return m;
}

void
strmap_free(struct strmap *m, void (*free_value)(void *))
{
    if (m == NULL)
        return;
    for (size_t i = 0; i < m->nslots; i++) {
        struct strmap_entry *e = m->slot[i], *next;
        for (; e != NULL; e = next) {
            next = e->next;
            if (free_value != NULL)
                free_value(e->value);
            free(e);
        }
    }
    free(m->slot);
    free(m);
}

static struct strmap_entry *
strmap_find(const struct strmap *m, const char *key, uint64_t h)
{
    struct strmap_entry *e;

    for (e = m->slot[h & (m->nslots - 1)]; e != NULL; e = e->next)
        if (e->hash == h && strcmp(e->key, key) == 0)
            return e;
    return NULL;
}

void *
strmap_get(const struct strmap *m, const char *key)
{
    struct strmap_entry *e = strmap_find(m, key, strmap_hash(key, strlen(key)));

    return e != NULL ? e->value : NULL;
}

/* Twice the slots, every entry moved to its new slot; when there is no memory for it the map
 * stays as it is (longer chains, still correct). */
static void
strmap_grow(struct strmap *m)
{
    size_t n = m->nslots * 2;
    // NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers
    struct strmap_entry **slot = calloc(n, sizeof(*slot));

    if (slot == NULL)
        return;
    for (size_t i = 0; i < m->nslots; i++) {
        struct strmap_entry *e = m->slot[i], *next;
        for (; e != NULL; e = next) {
            next = e->next;
            e->next = slot[e->hash & (n - 1)];
            slot[e->hash & (n - 1)] = e;
        }
    }
    free(m->slot);
    m->slot = slot;
    m->nslots = n;
}

int
strmap_put(struct strmap *m, const char *key, void *value, void **old)
{
    size_t len = strlen(key);
    uint64_t h = strmap_hash(key, len);
    struct strmap_entry *e;

    if (value == NULL)
        return -1;
    if ((e = strmap_find(m, key, h)) != NULL) {
        if (old != NULL)
            *old = e->value;
        e->value = value;
        return 0;
    }
    if ((e = malloc(sizeof(*e) + len + 1)) == NULL)
        return -1;
    memcpy(e->key, key, len + 1);
    e->hash = h;
    e->value = value;
    e->next = m->slot[h & (m->nslots - 1)];
    m->slot[h & (m->nslots - 1)] = e;
    if (++m->count > m->nslots)
        strmap_grow(m);
    return 1;
}

void *
strmap_del(struct strmap *m, const char *key)
{
    uint64_t h = strmap_hash(key, strlen(key));
    struct strmap_entry **pp = &m->slot[h & (m->nslots - 1)], *e;
    void *value;

    for (; (e = *pp) != NULL; pp = &e->next) {
        if (e->hash != h || strcmp(e->key, key) != 0)
            continue;
        *pp = e->next;
        value = e->value;
        free(e);
        m->count--;
        return value;
    }
    return NULL;
}

size_t
strmap_count(const struct strmap *m)
{
    return m->count;
}

size_t
strmap_prune(struct strmap *m, int (*drop)(const char *key, void *value, void *arg), void *arg,
             void (*free_value)(void *))
{
    size_t removed = 0;

    for (size_t i = 0; i < m->nslots; i++) {
        struct strmap_entry **pp = &m->slot[i], *e;
        while ((e = *pp) != NULL) {
            if (!drop(e->key, e->value, arg)) {
                pp = &e->next;
                continue;
            }
            *pp = e->next;
            if (free_value != NULL)
                free_value(e->value);
            free(e);
            removed++;
        }
    }
    m->count -= removed;
    return removed;
}
