/* node_keysrv.h -- what edge-aanf (the AAnF, TS 33.535 6.3) and edge-bsf (the BSF, TS 33.220
 * 4.5.3) share as key servers: their two config keys (the FQDNs of the clients they serve, the
 * default lifetime of a key holder's context), the four refusals of a key request, the caller's
 * authorization (keyserver.h's rule) and the key holder's context looked up and refused once its
 * lifetime is over, and the start that registers the contexts and says ready. Each server keeps
 * its own body, key derivation and answer (nodes/aanf, nodes/bsf). */
#ifndef EDGE_NODE_KEYSRV_H
#define EDGE_NODE_KEYSRV_H

#include <stddef.h>

#include "node/node.h"

/* A key server's served clients and default lifetime, as configured. */
struct keysrv_config {
    json_t *served;     /* FQDNs of the AFs / NAFs it serves (NULL: every certified one) */
    long long lifetime; /* seconds a context lives unless it says otherwise */
};

#define KEYSRV_LIFETIME 3600         /* default of the lifetime key */
#define KEYSRV_LIFETIME_MAX 31536000 /* a year */

/* The two keys as config rows, named served_key ("afs", "nafs") and lifetime_key ("kafLifetime",
 * "keyLifetime"), stored in the struct keysrv_config at offset off of the node's config struct. */
#define KEYSRV_FIELDS(off, served_key, lifetime_key)                                               \
    {.name = (served_key),                                                                         \
     .type = JS_ARRAY,                                                                             \
     .flags = JS_STORE,                                                                            \
     .store = (off) + offsetof(struct keysrv_config, served),                                      \
     .items = JS_STRING,                                                                           \
     .max_len = 1024,                                                                              \
     .item_check = js_check_fqdn},                                                                 \
    {                                                                                              \
        .name = (lifetime_key), .type = JS_INT, .flags = JS_STORE,                                 \
        .store = (off) + offsetof(struct keysrv_config, lifetime), .check = js_check_range,        \
        .min = 1, .max = KEYSRV_LIFETIME_MAX                                                       \
    }

/* The refusals of a key request; each server's table (indexed by these) gives its API's causes. */
enum keysrv_refusal {
    KEYSRV_R_NOT_AUTHORIZED, /* 403: not certified, another client's identity, or not served */
    KEYSRV_R_NOT_FOUND,      /* 404: no context for the key ID (A-KID, B-TID) */
    KEYSRV_R_EXPIRED,        /* 404: the context's lifetime is over */
    KEYSRV_R_INTERNAL,       /* 500 */
    KEYSRV_R_COUNT
};

/* What a server names in its refusals: the context ("AKMA context", "bootstrapping session") and
 * its key ID ("A-KID", "B-TID"), and its refusal table. */
struct keysrv_names {
    const char *context;
    const char *key_id;
    const struct node_refusal *refusals; /* [KEYSRV_R_COUNT] */
};

/* 1 when the caller of req may have a key for the client identity asked (keyserver_authorize with
 * c->served); else req is answered KEYSRV_R_NOT_AUTHORIZED and 0 returned. */
int keysrv_authorized(struct http_req *req, const struct keysrv_names *nm,
                      const struct keysrv_config *c, const char *asked);
/* found (the context of key ID id, or NULL) when it is there and its lifetime (ending at end; 0:
 * never) is not over; else NULL, req answered KEYSRV_R_NOT_FOUND or KEYSRV_R_EXPIRED. */
const void *keysrv_context(struct http_req *req, const struct keysrv_names *nm, const void *found,
                           long long end, const char *id);
/* The contexts are registered (count of them): the time their lifetimes start from, returned;
 * a log line of kind ("akma", "gba") "<count> <says>", and ready {count_key: count}. */
long long keysrv_ready(struct node *n, const char *kind, size_t count, const char *says,
                       const char *count_key);

#endif
