/* evmsg.h -- an HTTP message of the merged event log, as its sender logged it: what the report
 * draws as an arrow and `--step` prints, marked by what it carries (evlog.h,
 * common/net/http_log.h).
 */
#ifndef RUN_EVMSG_H
#define RUN_EVMSG_H

#include <jansson.h>
#include <stddef.h>

struct evmsg {
    double t;                  /* t_mono */
    const char *from, *to;     /* FQDN / EEC ID of the sender and of the receiver */
    int response;              /* 0 a request, 1 its response */
    int failed;                /* a request that got no answer (cause says why) */
    const char *method, *path; /* of the request; a response logs them too */
    int status;                /* of a response */
    const char *cause, *detail;
    const char *auth; /* the Authorization scheme a request carries, or NULL */
    int tokens;       /* access tokens in the body */
};

/* The API a path belongs to: its name, a brief one for a narrow place, its reference point. */
struct evmsg_api {
    const char *prefix, *name, *brief, *iface;
};

/* 1 when ev is a message as its sender logged it ("out"), or a request of the node that logged
 * ev which got no answer (its client's "in" line without a status); m filled. */
int evmsg_of(json_t *ev, struct evmsg *m);
/* qsort order of event pointers (json_t **) by t_mono: every node stamps CLOCK_MONOTONIC of one
 * machine, so this is the order in which things happened. */
int evmsg_cmp_t(const void *a, const void *b);
/* The API of path (a catch-all entry for an unknown path). */
const struct evmsg_api *evmsg_api(const char *path);
/* Does m carry an access token (as Bearer, or in its body)? */
int evmsg_carries_token(const struct evmsg *m);
/* m as one line without its ends: "POST /oauth2/token (token request) [Bearer token]",
 * "403 NOT_A_PEER_ECS: <detail>", "no answer: CONNECT_REFUSED: <why>". */
const char *evmsg_line(const struct evmsg *m, char *buf, size_t len);

#endif
