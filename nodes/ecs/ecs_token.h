/* ecs_token.h -- one EDGE-9 token request at the ECS (TR 33.739 6.27), shared by the endpoint
 * glue (ecs_token.c: decide, answer) and the way onward to the T-EES's ECS (ecs_tokfwd.c: look
 * the T-EES up, forward or redirect). Private to those two files. */
#ifndef EDGE_ECS_TOKEN_H
#define EDGE_ECS_TOKEN_H

#include "ecs.h"
#include "auth/token_endpoint.h"

#define ECS_TOKEN_PATH "/oauth2/token"

/* One token request, from arrival to its one reply (possibly after a lookup and a forward). */
struct tok_req {
    struct ecs *e;
    struct http_req *req;
    struct token_param params[TOKEN_ENDPOINT_MAX_PARAMS];
    size_t nparams;
    struct via via;     /* ECSes the request passed before this one */
    unsigned max_hops;  /* forwards allowed in all, this request's budget */
    long long deadline; /* ecs_deadline at arrival: the lookup and the forward share it */
    struct token_endpoint_policy policy;
    struct token_endpoint_result res;
    char peer[EDGE_FQDN_MAX];   /* the TLS client: S-EES, or the forwarding ECS */
    char target[EDGE_FQDN_MAX]; /* the T-EES as the request names it */
    char next[EDGE_FQDN_MAX];   /* the peer ECS forwarded to */
    struct ecs_where where;     /* the T-EES's location found by this request's lookup */
    int have_where;             /* where is set */
    int from_cache;             /* the location came from the cache, not a lookup now */
    int looked_up;              /* the peers were asked already */
};

/* ecs_token.c */
/* Decide (again, after a lookup) and answer or go onward; t is freed when answered. */
void tok_decide(struct tok_req *t);
void tok_free(struct tok_req *t);
/* Via of an answer decided here, or relayed (received: the Via it came with, or NULL). */
void tok_via_header(struct tok_req *t, const char *received);
/* An RFC 6749 5.2 refusal decided by this glue. Frees t. */
void tok_refuse(struct tok_req *t, const char *error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A failure answered with a ProblemDetails row of ecs_refusals[]. Frees t. */
void tok_fail(struct tok_req *t, enum ecs_refusal r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ecs_tokfwd.c: the T-EES is not registered here (TOKEN_DECISION_FORWARD). */
void tok_onward(struct tok_req *t);

#endif
