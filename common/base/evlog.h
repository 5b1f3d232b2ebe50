/* evlog.h -- the event log: one JSON line per protocol event, the record that
 * reports and sequence diagrams are drawn from.
 *
 * Line format (stable; keys always present, in this order; absent values are
 * JSON null; strings are JSON-escaped):
 *   {"t_mono":1234.567890,"t_wall":"2026-11-24T14:16:32.123456Z","node":"ecs1.edge.test",
 *    "peer":"ees1.edge.test","dir":"in","kind":"http","method":"POST",
 *    "path":"/oauth2/token","status":200,"cause":null,"summary":"...","conn":7,
 *    "data":{...}}
 * t_mono: CLOCK_MONOTONIC seconds (same clock in every process of one machine,
 *   so lines of several nodes merge in true order); t_wall: UTC, microseconds.
 * dir: "in" (request received / response received), "out" (request sent /
 *   response sent), or "local" (a decision inside the node: token issued,
 *   token refused, registration expired, ...).
 * kind: "http" for a message, "tls" for a handshake outcome, "token", "ctl",
 *   "node" (start/ready/stop) or another short word naming the event family.
 * data: optional object with event-specific details (e.g. the token's jti,
 *   the rule that refused it, forwarding hops). */
#ifndef EDGE_EVLOG_H
#define EDGE_EVLOG_H

#include <jansson.h>

struct evlog;

struct evlog_event {
    const char *peer;    /* FQDN / EEC ID of the other side, or NULL */
    const char *dir;     /* "in", "out" or "local" */
    const char *kind;    /* "http", "tls", "token", ... */
    const char *method;  /* HTTP method, or NULL */
    const char *path;    /* HTTP path (no query), or NULL */
    int status;          /* HTTP status, or 0 for none */
    const char *cause;   /* ProblemDetails cause / OAuth error / token rule, or NULL */
    const char *summary; /* one human line, or NULL */
    long conn;           /* connection number within the node, or -1 */
    json_t *data;        /* borrowed; may be NULL */
};

/* Open (append) the log at path for the named node. path NULL: events are
 * dropped (a node without a log still runs). Returns NULL and fills err. */
struct evlog *evlog_open(const char *path, const char *node, char *err);
/* Write what waits and close. */
void evlog_close(struct evlog *log);
/* Write one event as one line. Without a flusher the line reaches the file
 * now, in one write(2) of its own. With one (evlog_set_flusher) it waits in
 * the log's buffer with the lines that follow it, and they all reach the file
 * in one write(2) when the owner calls evlog_flush, which it does at the end
 * of the event loop's round, before the loop waits again (a crash loses at
 * most that round's lines). The line's t_mono and t_wall are those of this
 * call either way. */
int evlog_write(struct evlog *log, const struct evlog_event *ev);
const char *evlog_node(const struct evlog *log);

/* The owner of an event loop batches the lines of one round of it: soon(arg)
 * is called when a first line waits (the owner then calls evlog_flush before
 * the loop sleeps), release(arg) when the log closes. Lines also reach the
 * file whenever EVLOG_BATCH_MAX bytes wait. */
struct evlog_flusher {
    void (*soon)(void *arg);
    void (*release)(void *arg);
    void *arg;
};
#define EVLOG_BATCH_MAX ((size_t)64 * 1024)
void evlog_set_flusher(struct evlog *log, const struct evlog_flusher *f);
/* Write the lines that wait, in one write(2); 0, or -1 when it failed (the
 * lines are dropped). */
int evlog_flush(struct evlog *log);

#endif
