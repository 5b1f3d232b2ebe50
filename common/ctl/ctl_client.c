/* ctl_client.c -- blocking control-socket client with deadlines (see ctl_client.h). */
#include "ctl/ctl_client.h"
#include "ctl/ctl.h"
#include "base/err.h"
#include "base/clock.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

struct ctl_client {
    int fd;
    long next_id;
    char *buf; /* bytes read but not yet split into lines */
    size_t len, cap;
    json_t *events; /* array of queued event objects */
    json_t *reply;  /* a reply read while waiting for something else, or NULL */
};

struct ctl_client *
ctl_client_open(const char *path, int fd, char *err)
{
    struct ctl_client *cc = calloc(1, sizeof(*cc));

    if (cc == NULL) {
        edge_err(err, "out of memory");
        return NULL;
    }
    cc->fd = fd;
    cc->next_id = 1;
    cc->events = json_array();
    if (path != NULL) {
        struct sockaddr_un sun = {.sun_family = AF_UNIX};
        if (strlen(path) >= sizeof(sun.sun_path)) {
            edge_err(err, "control socket path too long: %s", path);
            goto fail;
        }
        snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
        cc->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (cc->fd < 0 || connect(cc->fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
            edge_err(err, "cannot connect to control socket %s: %s", path, strerror(errno));
            goto fail;
        }
    }
    if (cc->fd < 0) {
        edge_err(err, "control client: no path and no fd");
        goto fail;
    }
    return cc;
fail:
    ctl_client_close(cc);
    return NULL;
}

void
ctl_client_close(struct ctl_client *cc)
{
    if (cc == NULL)
        return;
    if (cc->fd >= 0)
        close(cc->fd);
    json_decref(cc->events);
    json_decref(cc->reply);
    free(cc->buf);
    free(cc);
}

int
ctl_client_fd(const struct ctl_client *cc)
{
    return cc->fd;
}

/* One read() of what the socket holds into the buffer; 0 (also after EINTR), -1 with err. */
static int
read_some(struct ctl_client *cc, char *err)
{
    if (cc->cap - cc->len < 65536) {
        if (cc->cap > (size_t)CTL_LINE_MAX * 2)
            return edge_err(err, "line from node longer than %d bytes", CTL_LINE_MAX);
        size_t ncap = cc->cap ? cc->cap * 2 : 131072;
        char *nb = realloc(cc->buf, ncap);
        if (nb == NULL)
            return edge_err(err, "out of memory");
        cc->buf = nb;
        cc->cap = ncap;
    }
    ssize_t got = read(cc->fd, cc->buf + cc->len, cc->cap - cc->len);
    if (got < 0 && errno == EINTR)
        return 0;
    if (got <= 0)
        return edge_err(err, "node closed its control socket");
    cc->len += (size_t)got;
    return 0;
}

/* Read one line (without its newline) before the deadline; NULL on failure. */
static json_t *
read_msg(struct ctl_client *cc, long deadline, char *err)
{
    for (;;) {
        char *nl = cc->len > 0 ? memchr(cc->buf, '\n', cc->len) : NULL;
        if (nl != NULL) {
            size_t n = (size_t)(nl - cc->buf);
            json_error_t jerr;
            json_t *msg = json_loadb(cc->buf, n, 0, &jerr);
            memmove(cc->buf, nl + 1, cc->len - n - 1);
            cc->len -= n + 1;
            if (msg == NULL || !json_is_object(msg)) {
                json_decref(msg);
                edge_err(err, "malformed line from node: %s", jerr.text);
                return NULL;
            }
            return msg;
        }
        long left = deadline - edge_now_ms();
        if (left <= 0) {
            edge_err(err, "no answer from node within the deadline");
            return NULL;
        }
        struct pollfd p = {.fd = cc->fd, .events = POLLIN};
        int r = poll(&p, 1, (int)left);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            continue; /* the deadline check above ends the loop */
        if (read_some(cc, err) < 0)
            return NULL;
    }
}

int
ctl_client_send(struct ctl_client *cc, const char *cmd, json_t *args, long *id, char *err)
{
    json_t *req;
    char *line;
    size_t n, off = 0;

    *id = cc->next_id++;
    req = json_pack("{s:I, s:s, s:o}", "id", (json_int_t)*id, "cmd", cmd, "args",
                    args != NULL ? json_incref(args) : json_object());
    line = json_dumps(req, JSON_COMPACT);
    json_decref(req);
    if (line == NULL)
        return edge_err(err, "out of memory");
    n = strlen(line);
    line[n] = '\n'; /* one line, newline-terminated (the NUL is not sent) */
    while (off < n + 1) {
        ssize_t w = write(cc->fd, line + off, n + 1 - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            free(line);
            return edge_err(err, "cannot send \"%s\" to node: %s", cmd, strerror(errno));
        }
        off += (size_t)w;
    }
    free(line);
    return 0;
}

/* Split the buffered lines: events queued, a reply kept for ctl_client_take_reply. */
static void
split_lines(struct ctl_client *cc)
{
    char why[EDGE_ERR_LEN];
    json_t *msg;

    while (cc->len > 0 && memchr(cc->buf, '\n', cc->len) != NULL &&
           (msg = read_msg(cc, 0, why)) != NULL) {
        if (json_object_get(msg, "event") != NULL) {
            json_array_append_new(cc->events, msg);
        } else {
            json_decref(cc->reply);
            cc->reply = msg;
        }
    }
}

int
ctl_client_pump(struct ctl_client *cc, char *err)
{
    return read_some(cc, err);
}

json_t *
ctl_client_take_reply(struct ctl_client *cc, long id)
{
    json_t *r;

    split_lines(cc);
    if (cc->reply == NULL || json_integer_value(json_object_get(cc->reply, "id")) != id)
        return NULL; /* none yet (a late reply to a call that timed out is dropped later) */
    r = cc->reply;
    cc->reply = NULL;
    return r;
}

json_t *
ctl_client_call(struct ctl_client *cc, const char *cmd, json_t *args, int timeout_ms, char *err)
{
    long id, deadline = edge_now_ms() + timeout_ms;

    if (ctl_client_send(cc, cmd, args, &id, err) < 0)
        return NULL;
    for (;;) {
        json_t *msg = read_msg(cc, deadline, err);
        if (msg == NULL)
            return NULL;
        if (json_object_get(msg, "event") != NULL) {
            json_array_append_new(cc->events, msg);
            continue;
        }
        if (json_integer_value(json_object_get(msg, "id")) == id)
            return msg;
        json_decref(msg); /* a late reply to an earlier, timed-out call */
    }
}

json_t *
ctl_client_wait_event(struct ctl_client *cc, const char *name, int timeout_ms, char *err)
{
    long deadline = edge_now_ms() + timeout_ms;
    size_t i;
    json_t *ev;

    json_array_foreach(cc->events, i, ev)
    {
        const char *e = json_string_value(json_object_get(ev, "event"));
        if (e != NULL && strcmp(e, name) == 0) {
            json_incref(ev);
            json_array_remove(cc->events, i);
            return ev;
        }
    }
    for (;;) {
        json_t *msg = read_msg(cc, deadline, err);
        if (msg == NULL)
            return NULL;
        const char *e = json_string_value(json_object_get(msg, "event"));
        if (e != NULL && strcmp(e, name) == 0)
            return msg;
        if (e != NULL) {
            json_array_append_new(cc->events, msg);
        } else { /* a reply ctl_client_take_reply may be waiting for */
            json_decref(cc->reply);
            cc->reply = msg;
        }
    }
}
