/* bench_load.h -- the load client's connections and run, shared by its HTTP/1.1 part
 * (bench_load.c) and its HTTP/2 part (bench_load_h2.c); the rest of edge-bench sees bench.h. */
#ifndef EDGE_BENCH_LOAD_H
#define EDGE_BENCH_LOAD_H

#include <netinet/in.h>
#include <stddef.h>

#include <event2/bufferevent.h>
#include <event2/event.h>

#include "bench.h"

#define LOAD_BODY_MAX (1024L * 1024)

struct load;
struct load_h2;

struct load_conn {
    struct load *ld;
    struct bufferevent *bev;
    double t_start;     /* HTTP/1.1: the request began (new connection: the connect began) */
    int busy;           /* requests outstanding on it */
    struct load_h2 *h2; /* the HTTP/2 session, once the handshake chose h2 */
};

struct load {
    const struct load_spec *s;
    struct load_result *r;
    struct event_base *base;
    struct sockaddr_in sa;
    struct load_conn *conns;
    int connected;     /* keep-alive: connections whose handshake is done */
    long issued;       /* requests begun */
    double t0, t_last; /* start of the measurement, last answer counted */
    double *lat;       /* latencies, us */
    size_t nlat, cap;
    int stopping;
};

double load_now(void);
/* Count a failure; the first one's sentence is kept. */
void load_fail(struct load *ld, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* May another request begin (bounds not reached, not stopping)? Counts it when so. */
int load_take_request(struct load *ld);
/* Every request answered or failed: the run is over. */
int load_finished(const struct load *ld);
/* One answer: counted when its status is the expected one, with its latency from t_start. body
 * (len bytes, NUL-terminated, may be NULL) is kept as the last answer's; location NULL: none. */
void load_answer(struct load *ld, double t_start, int status, char *body, const char *location);
/* The path of request number i (0 the first). */
const char *load_path(const struct load *ld, long i);

/* HTTP/2 (bench_load_h2.c): the handshake chose h2; start the session and the first requests. */
int load_h2_start(struct load_conn *cn);
/* Bytes arrived. */
void load_h2_read(struct load_conn *cn);
/* Begin requests up to the connection's stream count, and send what the session has. */
void load_h2_fill(struct load_conn *cn);
void load_h2_free(struct load_conn *cn);

#endif
