/* ctl.c -- the control socket server of a node (protocol in ctl.h). */
#include "ctl/ctl.h"
#include "base/err.h"
#include "base/clock.h"

#include <errno.h>
#include <poll.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/listener.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

struct ctl_cmd {
    char *name;
    ctl_handler h;
    void *arg;
    struct ctl_cmd *next;
};

struct ctl_conn {
    struct ctl *ctl;
    struct bufferevent *bev;
    struct ctl_req *pending; /* requests not yet answered */
    struct ctl_conn *next;
};

struct ctl_req {
    struct ctl_conn *conn; /* NULL once the runner has gone */
    json_t *id;
    char *cmd;
    struct ctl_req *next; /* in conn->pending */
};

struct ctl {
    struct event_base *base;
    char *node;
    char *path;
    struct evconnlistener *listener;
    struct ctl_conn *conns;
    struct ctl_cmd *cmds;
    json_t *ready_info; /* non-NULL once ready */
};

static void conn_free(struct ctl_conn *cn);

static void
conn_send(struct ctl_conn *cn, json_t *msg)
{
    char *line = json_dumps(msg, JSON_COMPACT);

    if (line != NULL) {
        bufferevent_write(cn->bev, line, strlen(line));
        bufferevent_write(cn->bev, "\n", 1);
        free(line);
    }
}

static void
req_unlink(struct ctl_req *req)
{
    struct ctl_req **pp;

    if (req->conn == NULL)
        return;
    for (pp = &req->conn->pending; *pp != NULL; pp = &(*pp)->next) {
        if (*pp == req) {
            *pp = req->next;
            break;
        }
    }
    req->conn = NULL;
}

static void
req_free(struct ctl_req *req)
{
    req_unlink(req);
    json_decref(req->id);
    free(req->cmd);
    free(req);
}

static void
req_send(struct ctl_req *req, json_t *msg)
{
    if (req->conn != NULL) {
        json_object_set(msg, "id", req->id);
        conn_send(req->conn, msg);
    }
    json_decref(msg);
    req_free(req);
}

void
ctl_reply(struct ctl_req *req, json_t *result)
{
    json_t *msg = json_object();

    json_object_set_new(msg, "ok", json_true());
    json_object_set_new(msg, "result", result != NULL ? result : json_object());
    req_send(req, msg);
}

void
ctl_reply_error(struct ctl_req *req, const char *code, const char *fmt, ...)
{
    char text[1024];
    va_list ap;

    va_start(ap, fmt);
    // NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): va_start is the line above
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    req_send(req,
             json_pack("{s:b, s:{s:s, s:s}}", "ok", 0, "error", "code", code, "message", text));
}

const char *
ctl_req_cmd(const struct ctl_req *req)
{
    return req->cmd;
}

static struct ctl_req *
req_new(struct ctl_conn *cn, json_t *id, const char *cmd)
{
    struct ctl_req *req = calloc(1, sizeof(*req));

    if (req == NULL)
        return NULL;
    req->conn = cn;
    req->id = id != NULL ? json_incref(id) : json_null();
    req->cmd = strdup(cmd != NULL ? cmd : "");
    req->next = cn->pending;
    cn->pending = req;
    return req;
}

static void
status_cmd(struct ctl_req *req, json_t *args, void *arg)
{
    struct ctl *c = arg;

    (void)args;
    ctl_reply(req, json_pack("{s:b, s:s}", "ready", c->ready_info != NULL, "node", c->node));
}

/* Parse one line and dispatch it; a bad line gets an error reply, never a close. */
static void
conn_line(struct ctl_conn *cn, const char *line, size_t len)
{
    json_error_t jerr;
    json_t *msg = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
    json_t *id = msg != NULL ? json_object_get(msg, "id") : NULL;
    const char *cmd = json_string_value(json_object_get(msg, "cmd"));
    json_t *args = json_object_get(msg, "args");
    struct ctl_req *req = req_new(cn, id, cmd);
    struct ctl_cmd *k;

    if (req == NULL) {
        json_decref(msg);
        return;
    }
    if (msg == NULL || !json_is_object(msg))
        ctl_reply_error(req, "ctl.bad_json", "line is not a JSON object: %s", jerr.text);
    else if (cmd == NULL)
        ctl_reply_error(req, "ctl.bad_command", "\"cmd\" missing or not a string");
    else if (args != NULL && !json_is_object(args))
        ctl_reply_error(req, "ctl.bad_command", "\"args\" must be an object");
    else {
        for (k = cn->ctl->cmds; k != NULL && strcmp(k->name, cmd) != 0; k = k->next)
            ;
        if (k == NULL) {
            ctl_reply_error(req, "ctl.unknown_command", "unknown command \"%s\"", cmd);
        } else {
            json_t *a = args != NULL ? json_incref(args) : json_object();
            k->h(req, a, k->arg);
            json_decref(a);
        }
    }
    json_decref(msg);
}

static void
conn_read_cb(struct bufferevent *bev, void *arg)
{
    struct ctl_conn *cn = arg;
    struct evbuffer *in = bufferevent_get_input(bev);
    size_t len;
    char *line;

    while ((line = evbuffer_readln(in, &len, EVBUFFER_EOL_LF)) != NULL) {
        conn_line(cn, line, len);
        free(line);
    }
    if (evbuffer_get_length(in) > (size_t)CTL_LINE_MAX)
        conn_free(cn); /* a runner that sends a megabyte without a newline is broken */
}

static void
conn_event_cb(struct bufferevent *bev, short what, void *arg)
{
    (void)bev;
    if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
        conn_free(arg);
}

static void
conn_free(struct ctl_conn *cn)
{
    struct ctl_conn **pp;

    while (cn->pending != NULL)
        req_unlink(cn->pending); /* its handler still owns it and will reply into the void */
    for (pp = &cn->ctl->conns; *pp != NULL; pp = &(*pp)->next) {
        if (*pp == cn) {
            *pp = cn->next;
            break;
        }
    }
    bufferevent_free(cn->bev);
    free(cn);
}

static void
send_ready(struct ctl *c, struct ctl_conn *cn)
{
    json_t *ev = json_deep_copy(c->ready_info);

    json_object_set_new(ev, "event", json_string("ready"));
    json_object_set_new(ev, "node", json_string(c->node));
    conn_send(cn, ev);
    json_decref(ev);
}

static int
conn_add(struct ctl *c, int fd)
{
    struct ctl_conn *cn = calloc(1, sizeof(*cn));

    if (cn == NULL)
        return -1;
    cn->ctl = c;
    cn->bev = bufferevent_socket_new(c->base, fd, BEV_OPT_CLOSE_ON_FREE);
    if (cn->bev == NULL) {
        free(cn);
        return -1;
    }
    bufferevent_setcb(cn->bev, conn_read_cb, NULL, conn_event_cb, cn);
    bufferevent_enable(cn->bev, EV_READ | EV_WRITE);
    cn->next = c->conns;
    c->conns = cn;
    if (c->ready_info != NULL)
        send_ready(c, cn);
    return 0;
}

static void
accept_cb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int len, void *arg)
{
    (void)l;
    (void)sa;
    (void)len;
    if (conn_add(arg, fd) < 0)
        close(fd);
}

static int
listen_path(struct ctl *c, const char *path, char *err)
{
    struct sockaddr_un sun;
    struct stat st;

    memset(&sun, 0, sizeof(sun));
    sun.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof(sun.sun_path))
        return edge_err(err, "control socket path too long: %s", path);
    snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
    /* Replace a stale socket of an earlier run, but never another kind of file. */
    if (lstat(path, &st) == 0) {
        if (!S_ISSOCK(st.st_mode))
            return edge_err(err, "control socket path %s exists and is not a socket", path);
        unlink(path);
    }
    c->listener = evconnlistener_new_bind(c->base, accept_cb, c,
                                          LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 16,
                                          (struct sockaddr *)&sun, sizeof(sun));
    if (c->listener == NULL)
        return edge_err(err, "cannot listen on control socket %s: %s", path, strerror(errno));
    c->path = strdup(path);
    return 0;
}

struct ctl *
ctl_new(struct event_base *base, const char *node, const char *path, int fd, char *err)
{
    struct ctl *c = calloc(1, sizeof(*c));

    if (c == NULL) {
        edge_err(err, "out of memory");
        return NULL;
    }
    c->base = base;
    c->node = strdup(node);
    if (path == NULL && fd < 0) {
        edge_err(err, "control socket: neither a path nor an fd given");
        goto fail;
    }
    if (path != NULL && listen_path(c, path, err) < 0)
        goto fail;
    if (fd >= 0 && (evutil_make_socket_nonblocking(fd) < 0 || conn_add(c, fd) < 0)) {
        edge_err(err, "control socket: cannot use fd %d", fd);
        goto fail;
    }
    if (ctl_command(c, "status", status_cmd, c, err) < 0)
        goto fail;
    return c;
fail:
    ctl_free(c);
    return NULL;
}

int
ctl_command(struct ctl *c, const char *name, ctl_handler h, void *arg, char *err)
{
    struct ctl_cmd *k = calloc(1, sizeof(*k));

    if (k == NULL || (k->name = strdup(name)) == NULL) {
        free(k);
        return edge_err(err, "out of memory");
    }
    k->h = h;
    k->arg = arg;
    k->next = c->cmds;
    c->cmds = k;
    return 0;
}

void
ctl_ready(struct ctl *c, json_t *info)
{
    json_decref(c->ready_info);
    c->ready_info = info != NULL ? info : json_object();
    for (struct ctl_conn *cn = c->conns; cn != NULL; cn = cn->next)
        send_ready(c, cn);
}

void
ctl_event(struct ctl *c, json_t *ev)
{
    json_object_set_new(ev, "node", json_string(c->node));
    /* When it happened, on the host's one monotonic clock: an event reaches the runner after
     * the loop round that made it, possibly after the reply that ended the runner's step, so
     * the runner files it under the step that ran when it happened, not when it arrived. */
    json_object_set_new(ev, "mono", json_real((double)edge_now_ns() / 1e9));
    for (struct ctl_conn *cn = c->conns; cn != NULL; cn = cn->next)
        conn_send(cn, ev);
    json_decref(ev);
}

/* Last words (the reply to "stop") are written before the close. The output
 * buffer of a socket bufferevent is frozen at its start (only the bufferevent
 * drains it), so copy it out; give a slow runner at most a second. */
static void
flush_out(struct ctl_conn *cn)
{
    struct evbuffer *out = bufferevent_get_output(cn->bev);
    evutil_socket_t fd = bufferevent_getfd(cn->bev);
    size_t len = evbuffer_get_length(out), off = 0;
    const char *data = (const char *)evbuffer_pullup(out, -1);

    while (data != NULL && off < len) {
        struct pollfd p = {.fd = fd, .events = POLLOUT};
        if (poll(&p, 1, 1000) <= 0)
            break;
        ssize_t w = write(fd, data + off, len - off);
        if (w <= 0 && errno != EAGAIN && errno != EINTR)
            break;
        if (w > 0)
            off += (size_t)w;
    }
}

void
ctl_free(struct ctl *c)
{
    if (c == NULL)
        return;
    /* Take the head off the list before conn_free: the loop never reads a freed node, and
     * conn_free's own unlink then finds nothing to do. */
    while (c->conns != NULL) {
        struct ctl_conn *cn = c->conns;

        c->conns = cn->next;
        cn->next = NULL;
        flush_out(cn);
        conn_free(cn);
    }
    if (c->listener != NULL)
        evconnlistener_free(c->listener);
    if (c->path != NULL)
        unlink(c->path);
    while (c->cmds != NULL) {
        struct ctl_cmd *k = c->cmds;
        c->cmds = k->next;
        free(k->name);
        free(k);
    }
    json_decref(c->ready_info);
    free(c->path);
    free(c->node);
    free(c);
}
