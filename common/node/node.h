/* node.h -- what every edgesim daemon shares: start-up flags, the common config
 * keys, TLS contexts, the HTTPS server and client, the hosts map, the event log,
 * the control socket and a graceful stop (nodes/README.md is the contract).
 *
 * A daemon's main() is: node_init() with its own config table, its routes
 * and control commands, node_ready() when it serves, node_run(), node_free().
 * Everything protocol-specific stays in the node; nothing here knows an API. */
#ifndef EDGE_NODE_H
#define EDGE_NODE_H

#include <event2/event.h>
#include <jansson.h>

#include "base/config.h"
#include "ctl/ctl.h"
#include "base/evlog.h"
#include "net/http_client.h"
#include "net/http_server.h"
#include "base/json_strict.h"
#include "net/peer.h"
#include "auth/keyfetch.h"
#include "auth/subscribers.h"
#include "net/tls.h"

struct node_opts {
    const char *kind;              /* "ecs", "ees", "eec": in usage and logs */
    int server;                    /* 1: listen (ECS, EES); 0: client only (EEC) */
    const struct js_field *fields; /* the node's own config keys (may be NULL) */
    void *dst;                     /* where those store (JS_STORE) */
    /* The APIs (apiName) this server can serve to a client without a credential (TLS with the
     * server certificate only, TS 33.558 6.2/6.3 NOTE): the choices of tls.serverCertOnlyApis.
     * NULL-ended; NULL: none. */
    const char *const *sco_apis;
};

#define NODE_SCO_APIS_MAX 4

struct node {
    struct event_base *base;
    struct config *cf;
    const char *kind;
    char name[EDGE_FQDN_MAX]; /* config "node": own FQDN, or an EEC's EEC ID */
    struct evlog *log;
    struct event *log_flush; /* writes the event log's lines at the end of a loop round */
    struct ctl *ctl;
    struct tls_ctx *tls_server; /* NULL for a client-only node */
    struct tls_ctx *tls_client;
    struct http_server *http; /* NULL for a client-only node */
    struct http_client *client;
    struct subscribers *subs; /* the operator's subscribers (GPSIs it knows; an AAnF's table) */
    struct keyfetch *keys;    /* PSKs from the AAnF / BSF ("aanf", "bsf"); NULL: none */
    unsigned short port;      /* own listening port (0 for a client-only node) */
    int exit_code;
    int stopping; /* node_stop() called: the server drains, then the loop ends */
    struct event *sig_term, *sig_int;
    /* Called once when the node stops (SIGTERM, SIGINT, "stop"), before the
     * loop ends: a node deregisters, frees held requests, and so on. */
    void (*on_stop)(struct node *n, void *arg);
    void *on_stop_arg;
    /* tls.clientCredential (TS 33.558 6.2/6.3 NOTE): a server's "required" or "optional"
     * (clients without a credential also served), a client's "none" (it has no credential). */
    enum { NODE_CRED_REQUIRED = 0, NODE_CRED_OPTIONAL, NODE_CRED_NONE } tls_client_cred;
    /* tls.serverCertOnlyApis as path prefixes "/<apiName>/" (http_server_config.open_paths). */
    char sco_path[NODE_SCO_APIS_MAX][EDGE_ID_MAX + 2];
    const char *sco_paths[NODE_SCO_APIS_MAX + 1];
    /* PSK client credentials (EEC): AKMA (A-KID and K_AKMA) or GBA (B-TID, Ks, RAND, IMPI). */
    char psk_akid[EDGE_ID_MAX];
    unsigned char psk_kakma[32];
    int psk_on;
    char gba_btid[EDGE_ID_MAX];
    char gba_impi[EDGE_ID_MAX];
    unsigned char gba_ks[32];
    unsigned char gba_rand[16];
    int gba_on;
};

/* Parse argv (--config FILE, --ctl PATH, --ctl-fd N), load and check the
 * config (common keys and o->fields together: an unknown key anywhere is an
 * error naming the file and field), open the logs, make the TLS contexts,
 * the HTTPS client and (o->server) the HTTPS server, and the control socket.
 * On error: -1 with the sentence in err; call node_free() either way. */
int node_init(struct node *n, int argc, char **argv, const struct node_opts *o, char *err);
void node_free(struct node *n);

/* Tell the runner the node serves (ctl "ready" event; info stolen, may be NULL). */
void node_ready(struct node *n, json_t *info);
/* Run the event loop until stopped; returns the exit code (0 after a graceful stop). */
int node_run(struct node *n);
/* Stop from inside (SIGTERM, SIGINT and "stop" call it): on_stop, then the HTTPS server stops
 * accepting, answers held requests 503 and the loop ends once every reply (and the control
 * socket's) is written, or after NODE_STOP_GRACE_MS at most. A second call does nothing. */
#define NODE_STOP_GRACE_MS 200
void node_stop(struct node *n);

/* Where fqdn is, from the config's "hosts" map ("addr:port"). */
int node_resolve(const struct node *n, const char *fqdn, char *addr, size_t addr_len,
                 unsigned short *port, char *err);
/* The EndPoint of this node ({"uri":"https://<name>[:port]"}). */
json_t *node_endpoint(const struct node *n);

/* Send an HTTPS request to fqdn (resolved through "hosts"). body: JSON to
 * send (borrowed; NULL: none) or form (a urlencoded string; NULL: none);
 * headers: name, value, ..., NULL. cb as in http_client.h. */
int node_send_json(struct node *n, const char *method, const char *fqdn, const char *path,
                   const json_t *body, const char *const *headers, http_client_cb cb, void *arg,
                   char *err);
int node_send_form(struct node *n, const char *fqdn, const char *path, const char *form,
                   const char *const *headers, http_client_cb cb, void *arg, char *err);
/* The same with this request's own deadline in ms (0: the client's, HTTP_CLIENT_TIMEOUT_MS). A
 * node that answers its caller only after asking a peer gives the peer less time than its caller
 * gives it, so that it can still answer (e.g. 504) before the caller gives up. */
int node_send_json_within(struct node *n, int timeout_ms, const char *method, const char *fqdn,
                          const char *path, const json_t *body, const char *const *headers,
                          http_client_cb cb, void *arg, char *err);
int node_send_form_within(struct node *n, int timeout_ms, const char *fqdn, const char *path,
                          const char *form, const char *const *headers, http_client_cb cb,
                          void *arg, char *err);

/* The control result of an HTTP exchange (nodes/README.md "Control commands"):
 * {"status","location","body","problem","error","elapsed_ms"}. New reference. */
json_t *node_result(const struct http_client_resp *r);

/* One "local" event-log line (a decision inside the node): kind "token",
 * "registry", ...; data borrowed; peer/cause may be NULL. */
void node_log(struct node *n, const char *kind, const char *peer, const char *cause, json_t *data,
              const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* A refusal a node answers with a ProblemDetails: each node keeps one table of them, indexed by
 * an enum of its refusals (ecs.h, ees.h), so that the (status, cause) of a refusal is chosen in
 * one place and the handlers only name the refusal. */
struct node_refusal {
    int status;
    const char *cause;    /* the ProblemDetails cause */
    const char *sentence; /* the detail when the handler gives none */
};

/* Answer req with the ProblemDetails of r; fmt (printf-style, may be NULL for r's sentence) gives
 * the detail naming what was refused. */
void node_refuse(struct http_req *req, const struct node_refusal *r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The same with r's sentence as detail and invalidParams [{param, reason}]. */
void node_refuse_param(struct http_req *req, const struct node_refusal *r, const char *param,
                       const char *reason);
/* The ProblemDetails of r (new reference; NULL when out of memory), for an answer that carries
 * more members. */
json_t *node_refusal_problem(const struct node_refusal *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Decode body (a request's JSON) against table; a bad body is answered with a 400
 * ProblemDetails naming the field (problem_from_decode) and -1 returned. */
int node_req_decode(struct http_req *req, json_t *body, const struct js_field *table);
/* The JSON body of req (http_req_json) decoded against table: a new reference, or NULL when the
 * request has been answered already (no JSON, or a field refused). */
json_t *node_req_body(struct http_req *req, const struct js_field *table);

/* Current time, seconds since the epoch (tokens, expiry). */
long long node_now(void);

#endif
