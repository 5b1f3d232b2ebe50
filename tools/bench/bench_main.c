/* bench_main.c -- edge-bench: the figures of tools/bench/README.md, each repeated and its median
 * set against a reference measured in the same run (the raw ES256 signer and verifier, the
 * TLS 1.3 mutual handshake), for the token endpoint (TR 33.739 6.27), service provisioning
 * (TS 33.558 6.2), EES token validation on EDGE-1 (TS 33.558 6.3) and a forwarded token request. */
#include "bench.h"
#include "edgeapp/edgeapp_paths.h"
#include "bench_tap.h"
#include "base/uuid.h"

#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define REF_SIGN "ref.sign_es256"
#define REF_VERIFY "ref.verify_es256"
#define REF_HANDSHAKE "ref.tls13_mutual_handshake"
/* The time of one operation of a reference, 1e6 / its rate: the unit of latency and CPU figures. */
#define REF_SIGN_US REF_SIGN ".us"
#define REF_VERIFY_US REF_VERIFY ".us"
#define REF_HANDSHAKE_US REF_HANDSHAKE ".us"
/* The round trip of the simulated backhaul, in us, measured in the same run (bench_tap.c). */
#define REF_TAP_RTT "ref.backhaul_rtt"
#define REG_MAX 3000 /* registrations per run: an EES holds 4,096 EEC contexts */

enum job_to { TO_ECS1, TO_EES1, TO_ECS1_TAP };
enum job_as { AS_EES1, AS_EEC };
enum job_body { BODY_TOKEN, BODY_FORWARDED, BODY_PROV_ONE, BODY_PROV_ALL, BODY_REG, BODY_DISC };

/* One load figure (and its latency figures), as data. */
struct job {
    const char *name, *ref, *unit, *path;
    double goal;        /* ratio to reach; 0: none */
    int latencies;      /* also NAME.p50 and NAME.p99 (us), against one signature */
    enum job_to to;     /* the node asked */
    enum job_as as;     /* the credential presented */
    enum job_body body; /* what is sent */
    int expect;         /* the status of every answer */
    int conns;          /* connections in parallel */
    int keepalive;      /* 0: a new connection per request */
    int per_answer;     /* tokens per answer: the figure is in tokens/s */
    int h2;             /* HTTP/2 (else HTTP/1.1) */
    int streams;        /* HTTP/2: requests in flight per connection */
};

#define TOKEN_JOB(n, c, ka, g, lat)                                                                \
    {                                                                                              \
        .name = (n), .ref = (ka) ? REF_SIGN : REF_HANDSHAKE, .unit = "tokens/s",                   \
        .path = "/oauth2/token", .goal = (g), .latencies = (lat), .to = TO_ECS1, .as = AS_EES1,    \
        .body = BODY_TOKEN, .expect = 200, .conns = (c), .keepalive = (ka), .per_answer = 1        \
    }

/* The token endpoint over HTTP/2: c connections, st streams in flight on each. */
#define TOKEN_H2_JOB(n, c, st, g)                                                                  \
    {                                                                                              \
        .name = (n), .ref = REF_SIGN, .unit = "tokens/s", .path = "/oauth2/token", .goal = (g),    \
        .latencies = 1, .to = TO_ECS1, .as = AS_EES1, .body = BODY_TOKEN, .expect = 200,           \
        .conns = (c), .keepalive = 1, .per_answer = 1, .h2 = 1, .streams = (st)                    \
    }

/* TS 33.558 6.2: service provisioning at the ECS as the EEC, four connections kept alive; per
 * tokens in each answer. */
#define PROVISION_JOB(n, b, g, per)                                                                \
    {                                                                                              \
        .name = (n), .ref = REF_SIGN, .unit = "tokens/s", .path = EDGEAPP_PATH_SERVPROV,           \
        .goal = (g), .to = TO_ECS1, .as = AS_EEC, .body = (b), .expect = 200, .conns = 4,          \
        .keepalive = 1, .per_answer = (per)                                                        \
    }

/* TS 33.558 6.3: an EDGE-1 request at the EES with the EEC's token, against one verification. */
#define EES_JOB(n, p, b, st)                                                                       \
    {                                                                                              \
        .name = (n), .ref = REF_VERIFY, .unit = "req/s", .path = (p), .goal = 0.6, .to = TO_EES1,  \
        .as = AS_EEC, .body = (b), .expect = (st), .conns = 4, .keepalive = 1, .per_answer = 1     \
    }

/* TR 33.739 6.27: a token request ECS-1 forwards to ECS-2 and relays back; t: over loopback or
 * over the simulated backhaul. */
#define FORWARDED_JOB(n, t)                                                                        \
    {                                                                                              \
        .name = (n), .ref = REF_SIGN, .unit = "tokens/s", .path = "/oauth2/token", .latencies = 1, \
        .to = (t), .as = AS_EES1, .body = BODY_FORWARDED, .expect = 200, .conns = 4,               \
        .keepalive = 1, .per_answer = 1                                                            \
    }

static const struct job jobs[] = {
    /* TR 33.739 6.27: the token endpoint, S-EES -> its ECS */
    TOKEN_JOB("token.keepalive.c1", 1, 1, 0, 1),
    TOKEN_JOB("token.keepalive.c4", 4, 1, 0, 1),
    TOKEN_JOB("token.keepalive.c16", 16, 1, 0.5, 1),
    /* the same over HTTP/2, as the nodes speak it between themselves: 16 connections with one
     * request each in flight, and one connection with 16 */
    TOKEN_H2_JOB("token.keepalive.h2.c16", 16, 1, 0.5),
    TOKEN_H2_JOB("token.keepalive.h2.c1s16", 1, 16, 0.5),
    TOKEN_JOB("token.newconn", 16, 0, 0.9, 0),
    /* TS 33.558 6.2: service provisioning with one token per candidate EES */
    PROVISION_JOB("provision.ees1", BODY_PROV_ONE, 0, 1),
    PROVISION_JOB("provision.ees10", BODY_PROV_ALL, 0.5, BENCH_EES_AT_ECS1),
    /* TS 33.558 6.3: the EES validates the EEC's token on EDGE-1 */
    EES_JOB("ees.register", EDGEAPP_PATH_EECREG, BODY_REG, 201),
    EES_JOB("ees.discover", EDGEAPP_PATH_EASDISC, BODY_DISC, 200),
    /* TR 33.739 6.27: forwarded ECS-1 -> ECS-2 and relayed back, over loopback */
    FORWARDED_JOB("token.forwarded.loopback", TO_ECS1),
    /* the same over a simulated backhaul (TAP devices bridged by ns-3, BENCH_TAP_DELAY_MS each
     * way), its latencies against the backhaul's round trip */
    FORWARDED_JOB("token.forwarded.tap", TO_ECS1_TAP),
};
#define NJOBS (sizeof(jobs) / sizeof(jobs[0]))
#define NFIG (4 + 4 * NJOBS) /* references; each job, its server CPU, perhaps two latencies */

struct bench {
    struct bench_opts o;
    struct bench_cast cast;
    struct bench_tap tap; /* the cast on a simulated backhaul, when a figure needs it */
    char skipped[BENCH_PATH_MAX + 256]; /* a figure that cannot run here, and why */
    char *eec_token;                    /* the EEC's token for ees1, from provisioning */
    struct figure figs[NFIG];
    char names[NFIG][64]; /* the figures' names */
    size_t nfigs;
};

static void
usage(FILE *f)
{
    fprintf(f, "usage: edge-bench [--repeat N] [--seconds S] [--requests N] [--ref-seconds S]\n"
               "                  [--only NAME,...] [--json FILE] [--bin DIR] [--keep] [--smoke]\n"
               "       edge-bench --list\n");
}

static int
selected(const struct bench_opts *o, const char *name)
{
    const char *p = o->only;

    if (p == NULL)
        return 1;
    while (*p != '\0') {
        size_t l = strcspn(p, ",");
        if (l > 0 && strncmp(name, p, l) == 0)
            return 1;
        p += l + (p[l] == ',');
    }
    return 0;
}

/* A new figure named name + suffix. */
static struct figure *
fig_add(struct bench *b, const char *name, const char *suffix, const char *unit, const char *ref,
        double goal)
{
    struct figure *f = &b->figs[b->nfigs];

    memset(f, 0, sizeof(*f));
    snprintf(b->names[b->nfigs], sizeof(b->names[0]), "%s%s", name, suffix);
    f->name = b->names[b->nfigs++];
    f->unit = unit;
    f->ref_name = ref;
    f->goal_ratio = goal;
    return f;
}

static struct figure *
fig_find(struct bench *b, const char *name)
{
    for (size_t i = 0; i < b->nfigs; i++)
        if (strcmp(b->figs[i].name, name) == 0)
            return &b->figs[i];
    return NULL;
}

/* ---- references ---- */

static int
bench_refs(struct bench *b, char *err)
{
    struct figure *s = fig_add(b, REF_SIGN, "", "signatures/s", NULL, 0);
    struct figure *v = fig_add(b, REF_VERIFY, "", "verifications/s", NULL, 0);
    struct figure *h = fig_add(b, REF_HANDSHAKE, "", "handshakes/s", NULL, 0);

    for (int r = 0; r < b->o.repeat; r++) {
        if ((s->runs[r] = ref_sign_rate(b->o.ref_seconds, err)) <= 0 ||
            (v->runs[r] = ref_verify_rate(b->o.ref_seconds, err)) <= 0 ||
            (h->runs[r] = ref_handshake_rate(&b->cast, b->o.ref_seconds, err)) <= 0)
            return -1;
        s->nruns = v->nruns = h->nruns = r + 1;
    }
    s->value = bench_median(s->runs, s->nruns);
    v->value = bench_median(v->runs, v->nruns);
    h->value = bench_median(h->runs, h->nruns);
    return 0;
}

/* ---- requests ---- */

static char *
job_body(const struct bench *b, enum job_body kind)
{
    char buf[512], nf_id[UUID_TEXT_LEN];

    switch (kind) {
    case BODY_TOKEN:
    case BODY_FORWARDED:
        /* The S-EES (ees[0]) with its NF instance ID (TS 29.510 AccessTokenReq, base/uuid.h). */
        (void)uuid_from_name(b->cast.ees[0].fqdn, nf_id); /* "" on failure: the ECS refuses */
        snprintf(buf, sizeof(buf),
                 "grant_type=client_credentials&nfInstanceId=%s&scope=eees-eeccontextreloc&"
                 "targetEesFqdn=%s",
                 nf_id, kind == BODY_TOKEN ? b->cast.ees[1].fqdn : bench_far_ees(&b->cast)->fqdn);
        break;
    case BODY_PROV_ONE:
    case BODY_PROV_ALL:
        snprintf(buf, sizeof(buf),
                 "{\"eecId\":\"%s\",\"ueId\":\"%s\",\"acProfs\":[{\"acId\":\"ac1\",\"eass\":"
                 "[{\"easId\":\"%s\"}]}]}",
                 BENCH_EEC_ID, BENCH_GPSI, kind == BODY_PROV_ONE ? BENCH_EAS_ONE : BENCH_EAS_ALL);
        break;
    case BODY_REG:
        snprintf(buf, sizeof(buf), "{\"eecId\":\"%s\",\"ueId\":\"%s\"}", BENCH_EEC_ID, BENCH_GPSI);
        break;
    case BODY_DISC:
        snprintf(buf, sizeof(buf),
                 "{\"requestorId\":{\"eecId\":\"%s\"},\"easDiscoveryFilter\":{\"easChars\":"
                 "[{\"easId\":\"%s\"}]}}",
                 BENCH_EEC_ID, BENCH_EAS_ONE);
        break;
    }
    return strdup(buf);
}

static const struct job *
job_named(const char *name)
{
    for (size_t i = 0; i < NJOBS; i++)
        if (strcmp(jobs[i].name, name) == 0)
            return &jobs[i];
    return NULL;
}

static void
job_spec(struct bench *b, const struct job *j, const char *body, struct load_spec *s)
{
    const struct bench_node *n = j->to == TO_ECS1 ? &b->cast.ecs[0] : &b->cast.ees[0];

    memset(s, 0, sizeof(*s));
    s->fqdn = n->fqdn;
    s->port = n->port;
    s->tls = j->as == AS_EES1 ? b->cast.as_ees1 : b->cast.as_eec;
    s->method = "POST";
    s->path = j->path;
    s->body = body;
    s->ctype = j->body <= BODY_FORWARDED ? "application/x-www-form-urlencoded" : "application/json";
    s->bearer = j->to == TO_EES1 ? b->eec_token : NULL;
    s->expect = j->expect;
    if (j->to == TO_ECS1_TAP)
        bench_tap_spec(&b->tap, s);
    s->conns = j->conns;
    s->keepalive = j->keepalive;
    s->h2 = j->h2;
    s->streams = j->streams > 0 ? j->streams : 1;
    s->max_requests = b->o.requests;
    s->max_seconds = b->o.seconds;
}

/* One request of job j; its answer's body (free()). */
static char *
job_once(struct bench *b, const struct job *j, char *err)
{
    struct load_spec s;
    struct load_result r;
    char *body = job_body(b, j->body), *out = NULL;

    job_spec(b, j, body, &s);
    s.conns = 1;
    s.max_requests = 1;
    s.max_seconds = 10;
    if (load_run(&s, &r, err) == 0) {
        if (r.done == 1) {
            out = r.body;
            r.body = NULL;
        } else {
            edge_err(err, "%s: %s", j->name, r.error[0] ? r.error : "no answer within 10 s");
        }
    }
    load_result_clear(&r);
    free(body);
    return out;
}

/* The EEC's token for ees1 from a provisioning answer (EESInfo.accessToken). */
static int
bench_eec_token(struct bench *b, char *err)
{
    char *body = job_once(b, job_named("provision.ees1"), err);
    json_t *doc = body ? json_loads(body, 0, NULL) : NULL, *ees;
    const char *tok;

    free(body);
    ees = json_array_get(
        json_object_get(json_array_get(json_object_get(doc, "ednCnfgInfo"), 0), "eess"), 0);
    tok = json_string_value(json_object_get(ees, "accessToken"));
    if (tok != NULL)
        b->eec_token = strdup(tok);
    json_decref(doc);
    if (b->eec_token == NULL && err[0] == '\0')
        edge_err(err, "the provisioning answer has no accessToken for %s", b->cast.ees[0].fqdn);
    return b->eec_token != NULL ? 0 : -1;
}

/* CPU seconds the nodes that serve job j have used so far: the ECS, both ECSes of a forwarded
 * request, or the EES. */
static double
job_cpu(const struct bench *b, const struct job *j)
{
    if (j->to == TO_EES1)
        return bench_cpu_seconds(&b->cast.ees[0]);
    if (j->to == TO_ECS1_TAP)
        return bench_cpu_seconds(&b->tap.cast.ecs[0]) + bench_cpu_seconds(&b->tap.cast.ecs[1]);
    return bench_cpu_seconds(&b->cast.ecs[0]) +
           (j->body == BODY_FORWARDED ? bench_cpu_seconds(&b->cast.ecs[1]) : 0);
}

/* The server CPU figure of job j: microseconds per token (or request), against the time of one
 * operation of the job's reference. */
static struct figure *
job_cpu_figure(struct bench *b, const struct job *j)
{
    const char *ref = strcmp(j->ref, REF_SIGN) == 0     ? REF_SIGN_US
                      : strcmp(j->ref, REF_VERIFY) == 0 ? REF_VERIFY_US
                                                        : REF_HANDSHAKE_US;

    return fig_add(b, j->name, ".server_cpu",
                   j->per_answer > 1 || strcmp(j->unit, "tokens/s") == 0 ? "us/token" : "us/req",
                   ref, 0);
}

static int
bench_job(struct bench *b, const struct job *j, char *err)
{
    struct figure *f = fig_add(b, j->name, "", j->unit, j->ref, j->goal), *p50 = NULL, *p99 = NULL;
    struct figure *cpu = job_cpu_figure(b, j);
    char *body = job_body(b, j->body);
    struct load_spec s;
    int rc = 0;

    if (j->latencies) {
        const char *lref = j->to == TO_ECS1_TAP ? REF_TAP_RTT : REF_SIGN_US;
        p50 = fig_add(b, j->name, ".p50", "us", lref, 0);
        p99 = fig_add(b, j->name, ".p99", "us", lref, 0);
    }
    job_spec(b, j, body, &s);
    if (j->body == BODY_REG) {
        s.keep_locations = 1;
        s.max_requests = s.max_requests < REG_MAX ? s.max_requests : REG_MAX;
    }
    for (int r = 0; r < b->o.repeat && rc == 0; r++) {
        struct load_result res;
        double cpu0 = job_cpu(b, j), used;
        int ran = load_run(&s, &res, err);
        used = job_cpu(b, j) - cpu0;
        if (ran < 0)
            rc = -1;
        else if (res.failed > 0 || res.done == 0)
            rc = edge_err(err, "%s: %s", j->name, res.error[0] ? res.error : "no answer");
        /* The EES's store stays small without DELETEs: each registration of the bench's one EEC
         * replaces the one before (nodes/ees/README.md "Registering again"). */
        if (rc == 0) {
            f->runs[f->nruns++] = (double)res.done * j->per_answer / res.seconds;
            cpu->runs[cpu->nruns++] = used * 1e6 / ((double)res.done * j->per_answer);
            if (p50 != NULL) {
                p50->runs[p50->nruns++] = res.p50_us;
                p99->runs[p99->nruns++] = res.p99_us;
            }
            fprintf(
                stderr,
                "edge-bench: %s run %d: %ld answers in %.2f s, p50 %.0f us, server CPU %.2f s\n",
                j->name, r + 1, res.done, res.seconds, res.p50_us, used);
        }
        load_result_clear(&res);
    }
    free(body);
    return rc;
}

/* ---- medians and ratios ---- */

/* The value of reference name: a measured rate, or for "RATE.us" the microseconds of one
 * operation at that rate. */
static double
bench_ref_value(struct bench *b, const char *name)
{
    size_t n = strlen(name);
    char base[64];
    struct figure *ref;

    if (n > 3 && strcmp(name + n - 3, ".us") == 0) {
        snprintf(base, sizeof(base), "%.*s", (int)(n - 3), name);
        ref = fig_find(b, base);
        return ref != NULL && ref->value > 0 ? 1e6 / ref->value : 0;
    }
    ref = fig_find(b, name);
    return ref != NULL ? ref->value : 0;
}

static void
bench_ratios(struct bench *b)
{
    for (size_t i = 0; i < b->nfigs; i++) {
        struct figure *f = &b->figs[i];
        if (f->ref_name == NULL)
            continue;
        f->value = bench_median(f->runs, f->nruns);
        f->ref_value = bench_ref_value(b, f->ref_name);
        f->ratio = f->ref_value > 0 ? f->value / f->ref_value : 0;
    }
}

/* ---- options ---- */

static int
opt_num(const char *s, double min, double max, double *out)
{
    char *end;
    double v = strtod(s, &end);

    if (end == s || *end != '\0' || !(v >= min && v <= max))
        return -1;
    *out = v;
    return 0;
}

static int
parse_opts(int argc, char **argv, struct bench_opts *o, char *err)
{
    double v;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--keep") == 0) {
            o->keep = 1;
            continue;
        }
        if (strcmp(a, "--smoke") == 0) {
            o->repeat = 1, o->seconds = 0.25, o->requests = 200, o->ref_seconds = 0.1;
            continue;
        }
        if (val == NULL)
            return edge_err(err, "%s: unknown option, or its value is missing", a);
        i++;
        if (strcmp(a, "--repeat") == 0 && opt_num(val, 1, BENCH_REPEAT_MAX, &v) == 0)
            o->repeat = (int)v;
        else if (strcmp(a, "--seconds") == 0 && opt_num(val, 0.01, 3600, &v) == 0)
            o->seconds = v;
        else if (strcmp(a, "--requests") == 0 && opt_num(val, 1, 1e9, &v) == 0)
            o->requests = (long)v;
        else if (strcmp(a, "--ref-seconds") == 0 && opt_num(val, 0.01, 600, &v) == 0)
            o->ref_seconds = v;
        else if (strcmp(a, "--only") == 0)
            o->only = val;
        else if (strcmp(a, "--json") == 0)
            o->json = val;
        else if (strcmp(a, "--bin") == 0)
            o->bin_dir = val;
        else
            return edge_err(err, "%s %s: unknown option or value out of range", a, val);
    }
    return 0;
}

/* The directory of this program: edge-ecs and edge-ees are built beside it. */
static const char *
self_dir(void)
{
    static char dir[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", dir, sizeof(dir) - 1);
    char *slash;

    if (n <= 0)
        return ".";
    dir[n] = '\0';
    if ((slash = strrchr(dir, '/')) != NULL)
        *slash = '\0';
    return dir;
}

/* The figure on the simulated backhaul: its cast is made for it and gone after it, and the
 * backhaul's round trip, measured there, is the reference of its latencies. */
static int
bench_tap_job(struct bench *b, const struct job *j, char *err)
{
    struct figure *rtt;
    char stop_err[EDGE_ERR_LEN];
    int rc;

    if (bench_tap_start(&b->tap, &b->cast, &b->o, err) < 0) {
        bench_tap_stop(&b->tap, stop_err);
        return -1;
    }
    if (b->tap.skipped[0] != '\0') {
        snprintf(b->skipped, sizeof(b->skipped), "%s: skipped: %s", j->name, b->tap.skipped);
        fprintf(stderr, "edge-bench: %s\n", b->skipped);
        return 0;
    }
    rtt = fig_add(b, REF_TAP_RTT, "", "us", NULL, 0);
    rtt->runs[0] = rtt->value = b->tap.rtt_us;
    rtt->nruns = 1;
    rc = bench_job(b, j, err);
    if (bench_tap_stop(&b->tap, rc == 0 ? err : stop_err) < 0)
        rc = -1;
    return rc;
}

static int
bench_run(struct bench *b, char *err)
{
    if (bench_cast_start(&b->cast, &b->o, err) < 0 || bench_refs(b, err) < 0 ||
        bench_eec_token(b, err) < 0)
        return -1;
    for (size_t i = 0; i < NJOBS; i++) {
        if (!selected(&b->o, jobs[i].name))
            continue;
        /* EAS discovery needs the EEC registered at ees1 first (eecRegConf). */
        if (jobs[i].body == BODY_DISC) {
            char *reg = job_once(b, job_named("ees.register"), err);
            if (reg == NULL)
                return -1;
            free(reg);
        }
        if ((jobs[i].to == TO_ECS1_TAP ? bench_tap_job(b, &jobs[i], err)
                                       : bench_job(b, &jobs[i], err)) < 0)
            return -1;
    }
    bench_ratios(b);
    if (report_print(b->figs, b->nfigs, b->o.json, err) < 0)
        return -1;
    if (b->skipped[0] != '\0')
        printf("%s\n", b->skipped);
    return 0;
}

int
main(int argc, char **argv)
{
    static struct bench b;
    char err[EDGE_ERR_LEN] = "", stop_err[EDGE_ERR_LEN] = "";
    int rc;

    b.o = (struct bench_opts){.repeat = 3, .seconds = 2, .requests = 1000000, .ref_seconds = 1};
    if (argc == 2 && strcmp(argv[1], "--list") == 0) {
        for (size_t i = 0; i < NJOBS; i++)
            printf("%s\n", jobs[i].name);
        return 0;
    }
    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        usage(stdout);
        return 0;
    }
    if (parse_opts(argc, argv, &b.o, err) < 0) {
        fprintf(stderr, "edge-bench: %s\n", err);
        usage(stderr);
        return 2;
    }
    if (b.o.bin_dir == NULL)
        b.o.bin_dir = self_dir();
    signal(SIGPIPE, SIG_IGN);
    unsetenv("SSLKEYLOGFILE"); /* no key log in the bench's own TLS: only the nodes write one */
    rc = bench_run(&b, err);
    if (bench_tap_stop(&b.tap, stop_err) < 0 && rc == 0) {
        rc = -1;
        snprintf(err, sizeof(err), "%s", stop_err);
    }
    if (bench_cast_stop(&b.cast, b.o.keep || rc < 0, stop_err) < 0 && rc == 0) {
        rc = -1;
        snprintf(err, sizeof(err), "%s", stop_err);
    }
    free(b.eec_token);
    if (rc < 0) {
        fprintf(stderr, "edge-bench: %s\n", err);
        if (b.cast.dir[0] != '\0')
            fprintf(stderr, "edge-bench: node logs kept in %s\n", b.cast.dir);
        return 1;
    }
    return 0;
}
