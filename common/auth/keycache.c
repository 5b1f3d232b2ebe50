/* keycache.c -- K_AF / Ks_NAF kept until their expiry (keycache.h). */
#include "auth/keycache.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "base/json_strict.h"

struct keycache {
    struct keycache_entry *v;
    size_t n, max;
    struct event *timer; /* at the soonest expiry */
    void (*expired)(void *arg, const struct keycache_entry *e);
    void *arg;
};

static void keycache_arm(struct keycache *kc, long long now);

/* Remove entry i: wipe its key, keep the array dense. */
static void
keycache_remove(struct keycache *kc, size_t i)
{
    OPENSSL_cleanse(&kc->v[i], sizeof(kc->v[i]));
    if (i + 1 < kc->n)
        memmove(&kc->v[i], &kc->v[i + 1], (kc->n - i - 1) * sizeof(kc->v[0]));
    kc->n--;
    OPENSSL_cleanse(&kc->v[kc->n], sizeof(kc->v[0]));
}

/* Every entry whose expiry has come goes, its owner told. */
static void
keycache_sweep(struct keycache *kc, long long now)
{
    size_t i = 0;

    while (i < kc->n) {
        if (kc->v[i].expiry > now) {
            i++;
            continue;
        }
        if (kc->expired != NULL)
            kc->expired(kc->arg, &kc->v[i]);
        keycache_remove(kc, i);
    }
}

static void
keycache_timer_cb(evutil_socket_t fd, short what, void *arg)
{
    struct keycache *kc = arg;
    long long now = (long long)time(NULL);

    (void)fd, (void)what;
    keycache_sweep(kc, now);
    keycache_arm(kc, now);
}

static void
keycache_arm(struct keycache *kc, long long now)
{
    long long soonest = 0;
    struct timeval tv = {0, 0};

    for (size_t i = 0; i < kc->n; i++)
        if (soonest == 0 || kc->v[i].expiry < soonest)
            soonest = kc->v[i].expiry;
    if (soonest == 0) {
        evtimer_del(kc->timer);
        return;
    }
    /* Expiries are whole seconds of the wall clock: fire just after the second has begun. */
    tv.tv_sec = soonest > now ? (time_t)(soonest - now) : 0;
    tv.tv_usec = 1000;
    evtimer_add(kc->timer, &tv);
}

struct keycache *
keycache_new(struct event_base *base, size_t max_entries,
             void (*expired)(void *arg, const struct keycache_entry *e), void *arg)
{
    struct keycache *kc = calloc(1, sizeof(*kc));

    if (kc == NULL)
        return NULL;
    kc->max = max_entries > 0 ? max_entries : 1;
    kc->v = calloc(kc->max, sizeof(*kc->v));
    kc->timer = evtimer_new(base, keycache_timer_cb, kc);
    kc->expired = expired;
    kc->arg = arg;
    if (kc->v == NULL || kc->timer == NULL) {
        keycache_free(kc);
        return NULL;
    }
    return kc;
}

void
keycache_free(struct keycache *kc)
{
    if (kc == NULL)
        return;
    if (kc->timer != NULL)
        event_free(kc->timer);
    if (kc->v != NULL)
        OPENSSL_cleanse(kc->v, kc->max * sizeof(*kc->v));
    free(kc->v);
    free(kc);
}

static long
keycache_find(const struct keycache *kc, const char *identity)
{
    for (size_t i = 0; i < kc->n; i++)
        if (strcmp(kc->v[i].identity, identity) == 0)
            return (long)i;
    return -1;
}

int
keycache_put(struct keycache *kc, const struct keycache_entry *e, long long now)
{
    long i;

    if (e->expiry <= now)
        return -1;
    keycache_sweep(kc, now);
    if ((i = keycache_find(kc, e->identity)) < 0) {
        if (kc->n >= kc->max)
            return -1;
        i = (long)kc->n++;
    }
    kc->v[i] = *e;
    keycache_arm(kc, now);
    return 0;
}

const struct keycache_entry *
keycache_get(struct keycache *kc, const char *identity, long long now)
{
    long i = keycache_find(kc, identity);

    if (i < 0)
        return NULL;
    if (kc->v[i].expiry <= now) {
        /* Never used past its expiry, even when the timer has not run yet. */
        keycache_sweep(kc, now);
        keycache_arm(kc, now);
        return NULL;
    }
    return &kc->v[i];
}

size_t
keycache_count(const struct keycache *kc)
{
    return kc->n;
}

json_t *
keycache_list(const struct keycache *kc)
{
    json_t *a = json_array();
    char when[JS_TIME_LEN];

    for (size_t i = 0; a != NULL && i < kc->n; i++) {
        const struct keycache_entry *e = &kc->v[i];
        js_time_format((time_t)e->expiry, when, sizeof(when));
        json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s, s:s*, s:s*}", "identity",
                                           e->identity, "method", e->method, "server", e->server,
                                           "expiry", when, "gpsi",
                                           e->bind.gpsi[0] != '\0' ? e->bind.gpsi : NULL, "eecId",
                                           e->bind.eec_id[0] != '\0' ? e->bind.eec_id : NULL));
    }
    return a;
}
