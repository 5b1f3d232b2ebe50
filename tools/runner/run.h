/* run.h -- the state of one scenario run, shared by the runner's modules.
 *
 * One struct run lives for the whole of `edge-run run`: the scenario, the
 * options, the run's directories and names, and per node its addresses, files
 * and process. Each module (conf, creds, proc, net, step, expect, results,
 * report) reads and fills its part; main.c owns the struct and its teardown. */
#ifndef RUN_RUN_H
#define RUN_RUN_H

#include <jansson.h>
#include <limits.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "scenario.h"

#define RUN_ID_LEN 8
#define RUN_PATH_MAX 1024

enum run_net { RUN_NET_LOOPBACK = 0, RUN_NET_TAP };

struct ctl_client;
struct async_call;
struct tokstore;

struct run_node {
    struct scn_node *sn;
    char host[256]; /* the name it is reached by: its FQDN; an EEC's notification endpoint */
    char addr[48];  /* listen / own address */
    int port;
    char conf[RUN_PATH_MAX];  /* generated config file */
    char ctl[RUN_PATH_MAX];   /* --ctl socket path, for edge-ctl by hand */
    char log[RUN_PATH_MAX];   /* stdout + stderr */
    char evlog[RUN_PATH_MAX]; /* the node's own event log */
    /* TAP mode */
    char ns[64];     /* network namespace */
    char ifname[16]; /* its TAP device, inside ns */
    char cidr[32];   /* its address with prefix */
    char gw[32];     /* default route */
    /* subscriber (EEC): AKMA context and GBA bootstrapping session */
    char akid[128];
    char kakma[65]; /* hex */
    char ks[65];    /* hex, Ks = CK || IK */
    char rand[33];  /* hex */
    char impi[128];
    char btid[128];
    /* process */
    pid_t pid;
    struct ctl_client *cc;
    int starts;       /* how many times started */
    int stopping;     /* a stop was asked: its exit is expected */
    int frozen;       /* SIGSTOP sent (freeze), no SIGCONT yet */
    off_t *log_marks; /* per step: how far its event log went when the step began */
    int exited;       /* reaped */
    int exit_status;  /* waitpid status */
};

struct run {
    struct scn *scn;
    enum run_net net;
    char net_why[256];
    char cpu_latency_why[192]; /* TAP mode: why edge-netsim holds no CPU latency request ("": held)
                                */
    char out[RUN_PATH_MAX];    /* results directory */
    char rundir[RUN_PATH_MAX]; /* out/run: configs, sockets, node event logs */
    char pkidir[RUN_PATH_MAX]; /* out/pki */
    char bindir[RUN_PATH_MAX]; /* where edge-* executables are */
    char keylog[RUN_PATH_MAX];
    char id[RUN_ID_LEN]; /* short run id: names of namespaces and TAPs */
    uint32_t seed;
    int keep, step_mode;
    int seen_done;          /* the steps are over: events are no longer kept for them (step.c) */
    int timeout_ms;         /* per protocol step */
    struct run_node *nodes; /* parallel to scn->nodes */
    size_t nnodes;
    json_t *results;           /* step name -> the node's result object (plus runner fields) */
    json_t *tokens;            /* array of token records (tokens/ and the report) */
    json_t *seen;              /* unsolicited events received: {node, step, event, used} */
    int step_index;            /* the step being run (0-based), -1 during start-up */
    time_t step_wall;          /* when it began (wall clock): ${now} of its args and expect */
    double *step_mono;         /* when each step began (run_now_mono), for events' "mono" */
    void *net_state;           /* net.c */
    struct async_call *asyncs; /* async.c: steps in flight */
    double t0_mono;            /* CLOCK_MONOTONIC at start, seconds */
    int pop_step;              /* a UE population's step is running (act_population.c) */
    json_t *nodestats;         /* nodestat.c: CPU time and peak RSS of each process */
    struct tokstore *toks;     /* tokstore.h: r->tokens indexed, a population's tokens counted */
};

struct run_node *run_node(struct run *r, const char *name);
struct run_node *run_node_by_id(struct run *r, const char *id);
double run_now_mono(void);
/* Write text to path (created or truncated). -1 with err. */
int run_write_file(const char *path, const char *text, size_t len, char *err);
/* Write a JSON value to path, indented. */
int run_write_json(const char *path, json_t *v, char *err);
/* snprintf for paths: -1 when cut (callers keep r->out short enough that
 * no path of a run is; main.c checks it). */
int run_pathf(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* mkdir -p */
int run_mkdirs(const char *path, char *err);

#endif
