/* strmap.h -- a map from strings to pointers: a chained hash table (FNV-1a) that doubles as it
 * fills, so a table that grows with a run (the runner's tokens: hundreds of thousands in a long
 * --keep) is found in O(1) and filled in O(n). Keys are copied; values belong to the caller. It is
 * the project's one hash table: a cache with its own bound and expiry (the token replay cache)
 * keeps its entries here and drops the stale ones with strmap_prune. */
#ifndef EDGE_STRMAP_H
#define EDGE_STRMAP_H

#include <stddef.h>
#include <stdint.h>

struct strmap;

/* An empty map; NULL when out of memory. */
struct strmap *strmap_new(void);
/* Free the map and its copies of the keys; free_value (may be NULL) is called on each value. */
void strmap_free(struct strmap *m, void (*free_value)(void *));
/* The value of key, or NULL. */
void *strmap_get(const struct strmap *m, const char *key);
/* Set key to value (not NULL). 1: key was new; 0: key was there, its value replaced (the old one
 * in *old when old is not NULL); -1: out of memory or a NULL value, the map unchanged. */
int strmap_put(struct strmap *m, const char *key, void *value, void **old);
/* Remove key; its value (the caller frees it), or NULL when key is absent. */
void *strmap_del(struct strmap *m, const char *key);
/* How many keys. */
size_t strmap_count(const struct strmap *m);
/* Remove every key for which drop(key, value, arg) returns nonzero, in no particular order, calling
 * free_value (may be NULL) on the value of each; how many keys were removed. One pass over the
 * slots, O(slots + keys): for a cache that purges its expired entries when it is full. drop must
 * not change the map. */
size_t strmap_prune(struct strmap *m, int (*drop)(const char *key, void *value, void *arg),
                    void *arg, void (*free_value)(void *));
/* The FNV-1a hash of n bytes: the slot a key goes to (for tests and for tables of other keys). */
uint64_t strmap_hash(const void *p, size_t n);

#endif
