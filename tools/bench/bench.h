/* bench.h -- edge-bench: what its parts share (tools/bench/README.md).
 *
 * edge-bench measures edgesim's nodes against references taken in the same run: it starts its own
 * edge-ecs and edge-ees processes on loopback (bench_nodes.c), drives them with its own mutual-TLS
 * HTTP/1.1 and HTTP/2 load client (bench_load.c, bench_load_h2.c), measures the raw ES256 signer,
 * the raw verifier and the TLS 1.3 mutual handshake in-process (bench_refs.c), and prints one JSON
 * object per figure plus a table (bench_report.c). Each figure is repeated and its median reported.
 */
#ifndef EDGE_BENCH_H
#define EDGE_BENCH_H

#include <stddef.h>

#include "base/err.h"
#include "net/tls.h"

#define BENCH_PATH_MAX 512
#define BENCH_EES_AT_ECS1 10 /* candidate EESes of the 10-EES provisioning figure */
#define BENCH_REPEAT_MAX 99

/* ---- options ---- */

struct bench_opts {
    int repeat;          /* runs of each figure; the median is reported */
    double seconds;      /* time bound of one run of a load figure */
    long requests;       /* count bound of one run of a load figure */
    double ref_seconds;  /* time of one run of a reference */
    const char *only;    /* comma-separated figure names (prefixes), or NULL: all */
    const char *bin_dir; /* where edge-ecs and edge-ees are */
    const char *json;    /* also write the JSON lines here, or NULL */
    int keep;            /* keep the work directory */
};

/* ---- nodes (bench_nodes.c) ---- */

struct bench_node {
    char fqdn[64];
    char addr[16];  /* it listens there: 127.0.0.1, or its address on a simulated link */
    const char *ns; /* the hostnet namespace it runs in (NULL: this one) */
    int port;
    int pid;
};

struct hostnet_run;

/* The cast: ecs1 with ees1..ees10, ecs2 (peer of ecs1) with ees11; one EEC credential. The last
 * EES is registered at ecs2, the others at ecs1. A cast on a simulated backhaul (bench_tap.c)
 * has ecs1 with ees1 and ecs2 with ees11, each pair in a network namespace of run. */
struct bench_cast {
    char dir[BENCH_PATH_MAX]; /* work directory: pki/, configs, logs */
    struct bench_node ecs[2];
    struct bench_node ees[BENCH_EES_AT_ECS1 + 1];
    size_t nees;
    struct tls_ctx *as_ees1; /* client context: ees1's certificate */
    struct tls_ctx *as_eec;  /* client context: the EEC's certificate (EEC ID + GPSI) */
    struct hostnet_run *run; /* the namespaces, or NULL: everything on 127.0.0.1 */
};

#define BENCH_EEC_ID "eec-bench"
#define BENCH_GPSI "msisdn-491700009999"
#define BENCH_EAS_ONE "eas-one" /* served by ees1 only */
#define BENCH_EAS_ALL "eas-all" /* served by ees1..ees10 */

int bench_cast_start(struct bench_cast *c, const struct bench_opts *o, char *err);
/* Start the nodes of c (names, ports, addresses and pki/ set): ECSes first, then the EESes,
 * each waited for until ready. */
int bench_start_all(struct bench_cast *c, const struct bench_opts *o, char *err);
/* Stop every node (SIGTERM, then wait); the work directory goes unless keep. Returns -1 when a
 * node did not exit 0 (err says which). */
int bench_cast_stop(struct bench_cast *c, int keep, char *err);
/* The EES registered at ecs2, for which ecs1 forwards token requests. */
const struct bench_node *bench_far_ees(const struct bench_cast *c);
/* CPU time node n has used so far, in seconds (/proc/PID/schedstat: a node is one thread). */
double bench_cpu_seconds(const struct bench_node *n);
/* A TLS context with the credential STEM.crt/STEM.key of the cast's pki/ (a node FQDN, or
 * "eec-<id>"), trusting its CA: a server context, or a client one. */
struct tls_ctx *bench_tls_ctx(const struct bench_cast *c, const char *stem, int server, char *err);
/* Paths in the cast's pki/ directory. */
void bench_pki_path(const struct bench_cast *c, const char *file, char *buf, size_t len);

/* ---- the load client (bench_load.c) ---- */

struct load_spec {
    const char *fqdn; /* server: SNI, certificate name and Host */
    const char *addr; /* its address (NULL: 127.0.0.1) */
    int port;
    /* A new TCP socket for a connection (in another network namespace), or NULL: socket(2). */
    int (*make_socket)(void *arg);
    void *socket_arg;
    struct tls_ctx *tls; /* client context with the credential to present */
    const char *method, *path, *ctype, *body, *bearer; /* ctype, body, bearer may be NULL */
    const char *const *paths; /* when not NULL: request i goes to paths[i % npaths] */
    size_t npaths;
    int expect;         /* the status every answer must have */
    int conns;          /* connections in parallel */
    int keepalive;      /* 1: requests follow each other on a connection; 0: one each */
    int h2;             /* HTTP/2 (ALPN "h2"; keep-alive only), else HTTP/1.1 */
    int streams;        /* HTTP/2: requests in flight on each connection (at least 1) */
    long max_requests;  /* count bound (all connections) */
    double max_seconds; /* time bound */
    int keep_locations; /* collect the Location header of each answer */
};

struct load_result {
    long done;                /* answers with the expected status */
    long failed;              /* other answers, broken connections */
    double seconds;           /* from the start to the last answer counted */
    double p50_us, p99_us;    /* latency: request written (or connect begun) to answer read */
    char error[EDGE_ERR_LEN]; /* the first failure */
    char *body;               /* the body of the last answer (free()) */
    char **locations;         /* keep_locations: one per answer (free each and the array) */
    size_t nlocations;
};

/* Run the load; 0 when it ran (failures are counted in r), -1 when it could not start. */
int load_run(const struct load_spec *s, struct load_result *r, char *err);
void load_result_clear(struct load_result *r);

/* ---- in-process references (bench_refs.c) ---- */

/* ES256 signatures per second with a keyring's cached key, over a signing input of a token's
 * size; verifications per second of such a signature. One thread. */
double ref_sign_rate(double seconds, char *err);
double ref_verify_rate(double seconds, char *err);
/* Full TLS 1.3 handshakes per second, mutual X.509 (the cast's ECS server and EES client
 * credentials, P-256), both ends in this thread over a memory BIO pair: one core doing the
 * server's and the client's work of a new connection. */
double ref_handshake_rate(const struct bench_cast *c, double seconds, char *err);

/* ---- figures and output (bench_report.c) ---- */

struct figure {
    const char *name, *unit;
    const char *ref_name; /* the reference this figure is measured against */
    const char *goal;     /* "ratio >= 0.5", or NULL */
    double goal_ratio;    /* 0: none */
    double runs[BENCH_REPEAT_MAX];
    int nruns;
    double value, ref_value, ratio; /* median, reference median, value / reference */
};

double bench_median(double *v, int n);
/* Percentile p (0..100) of n values, nearest rank; sorts v. */
double bench_percentile(double *v, size_t n, double p);
/* One JSON object per figure on out (and to path when not NULL), then the table. */
int report_print(struct figure *f, size_t n, const char *json_path, char *err);

#endif
