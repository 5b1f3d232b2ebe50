/* ctl.h -- a node's control socket: line-delimited JSON commands from the runner.
 *
 * Out of band (a Unix socket, never the simulated network), so captures show
 * only the protocol. One line per message, each a JSON object:
 *   runner -> node  {"id":7,"cmd":"provision","args":{...}}
 *   node -> runner  {"id":7,"ok":true,"result":{...}}
 *                   {"id":7,"ok":false,"error":{"code":"ctl.unknown_command","message":"..."}}
 *   node -> runner  {"event":"ready","node":"ecs1.edge.test",...}   (unsolicited)
 * The built-in command "status" answers {"ready":bool,"node":...}. A node calls
 * ctl_ready() once it serves; every connection, present or later, is told, so
 * a runner waits on the socket instead of sleeping. A reply may come long
 * after the command (it may wait on HTTP round trips); replies to a runner
 * that has gone are dropped, never a crash. */
#ifndef EDGE_CTL_H
#define EDGE_CTL_H

#include <event2/event.h>
#include <jansson.h>

#define CTL_LINE_MAX (1024 * 1024)

struct ctl;
struct ctl_req;

/* args: the command's "args" object (an empty object when absent), borrowed. */
typedef void (*ctl_handler)(struct ctl_req *req, json_t *args, void *arg);

/* Listen on a Unix socket at path (a stale socket file is replaced), and/or
 * adopt an already connected socket fd (a socketpair end inherited from the
 * runner; -1 for none). At least one of the two. */
struct ctl *ctl_new(struct event_base *base, const char *node, const char *path, int fd, char *err);
void ctl_free(struct ctl *c);
int ctl_command(struct ctl *c, const char *name, ctl_handler h, void *arg, char *err);
/* Mark the node ready and tell every connection ({"event":"ready", ...info}). */
void ctl_ready(struct ctl *c, json_t *info);
/* Send an unsolicited event line to every connection; steals ev. */
void ctl_event(struct ctl *c, json_t *ev);

/* Exactly one of these ends a request; both steal / free it. */
void ctl_reply(struct ctl_req *req, json_t *result);
void ctl_reply_error(struct ctl_req *req, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
const char *ctl_req_cmd(const struct ctl_req *req);

#endif
