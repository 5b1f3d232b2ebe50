/* evlog.c -- writes the event log of evlog.h: one JSON line per protocol event.
 *
 * A line is written as text (json_text.h), not built as a jansson object and serialised: the key
 * order and the fixed-point t_mono are part of the format, and a node writes three lines or more
 * per request. Lines wait in one buffer until evlog_flush when the owner of the event loop batches
 * them (evlog_set_flusher), else each is written at once. */
#include "base/evlog.h"
#include "base/err.h"
#include "base/clock.h"
#include "base/json_text.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct evlog {
    int ev_fd; /* -1: events are dropped */
    char *ev_node;
    struct jtext ev_node_field; /* ,"node":"<node, escaped>", the same in every line */
    struct jtext ev_lines;      /* lines not yet written */
    struct evlog_flusher ev_flusher;
    int ev_batch; /* a flusher is set */
    /* t_wall up to the second, formatted once per second */
    time_t ev_sec;
    char ev_sec_text[24];
};

struct evlog *
evlog_open(const char *path, const char *node, char *err)
{
    struct evlog *log;

    if (node == NULL || node[0] == '\0') {
        edge_err(err, "event log: node name is empty");
        return NULL;
    }
    if ((log = calloc(1, sizeof(*log))) == NULL) {
        edge_err(err, "event log: out of memory");
        return NULL;
    }
    log->ev_fd = -1;
    log->ev_sec = -1;
    JTEXT_LIT(&log->ev_node_field, ",\"node\":");
    jtext_cstring(&log->ev_node_field, node);
    if ((log->ev_node = strdup(node)) == NULL || log->ev_node_field.failed) {
        edge_err(err, "event log: out of memory");
        goto fail;
    }
    if (path != NULL) {
        /* O_APPEND makes every write(2) land at the end of the file, so the
         * nodes of one run can share a log and their lines never interleave. */
        log->ev_fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
        if (log->ev_fd == -1) {
            edge_err(err, "event log %s: %s", path, strerror(errno));
            goto fail;
        }
    }
    return log;

fail:
    evlog_close(log);
    return NULL;
}

void
evlog_close(struct evlog *log)
{
    if (log == NULL)
        return;
    evlog_flush(log);
    if (log->ev_batch && log->ev_flusher.release != NULL)
        log->ev_flusher.release(log->ev_flusher.arg);
    if (log->ev_fd != -1)
        close(log->ev_fd);
    jtext_free(&log->ev_lines);
    jtext_free(&log->ev_node_field);
    free(log->ev_node);
    free(log);
}

const char *
evlog_node(const struct evlog *log)
{
    return log == NULL ? "" : log->ev_node;
}

void
evlog_set_flusher(struct evlog *log, const struct evlog_flusher *f)
{
    if (log == NULL)
        return;
    evlog_flush(log);
    if (log->ev_batch && log->ev_flusher.release != NULL)
        log->ev_flusher.release(log->ev_flusher.arg);
    log->ev_batch = f != NULL;
    if (f != NULL)
        log->ev_flusher = *f;
}

int
evlog_flush(struct evlog *log)
{
    struct jtext *t;
    size_t off;
    ssize_t n;
    int rc = 0;

    if (log == NULL || log->ev_lines.len == 0)
        return 0;
    t = &log->ev_lines;
    /* One write(2) for the batch: with O_APPEND it is not split by another
     * writer, and each line in it is whole. */
    for (off = 0; off < t->len; off += (size_t)n) {
        n = write(log->ev_fd, t->data + off, t->len - off);
        if (n == -1 && errno == EINTR) {
            n = 0;
            continue;
        }
        if (n <= 0) {
            rc = -1;
            break;
        }
    }
    jtext_reset(t);
    return rc;
}

/* Six digits, zero-padded: the fraction of a second in microseconds. */
static void
evlog_micros(struct jtext *t, long us)
{
    char d[6];

    for (int i = 5; i >= 0; i--, us /= 10)
        d[i] = (char)('0' + us % 10);
    jtext_put(t, d, sizeof(d));
}

/* "t_mono" and "t_wall" of a line written now. */
static int
evlog_times(struct evlog *log, struct jtext *t)
{
    struct timespec wall;
    int64_t mono = edge_now_ns();
    struct tm tm;

    if (clock_gettime(CLOCK_REALTIME, &wall) == -1)
        return -1;
    if (wall.tv_sec != log->ev_sec) {
        if (gmtime_r(&wall.tv_sec, &tm) == NULL)
            return -1;
        strftime(log->ev_sec_text, sizeof(log->ev_sec_text), "%Y-%m-%dT%H:%M:%S", &tm);
        log->ev_sec = wall.tv_sec;
    }
    JTEXT_LIT(t, "{\"t_mono\":");
    jtext_long(t, (long long)(mono / 1000000000));
    jtext_put(t, ".", 1);
    evlog_micros(t, (long)(mono % 1000000000 / 1000));
    JTEXT_LIT(t, ",\"t_wall\":\"");
    jtext_puts(t, log->ev_sec_text);
    jtext_put(t, ".", 1);
    evlog_micros(t, (long)(wall.tv_nsec / 1000));
    JTEXT_LIT(t, "Z\"");
    return 0;
}

/* ,"key":N, or null when absent (n < min). */
#define evlog_number(t, key, n, min) evlog_number_at(t, "" key, sizeof(key) - 1, n, min)
static void
evlog_number_at(struct jtext *t, const char *key, size_t klen, long n, long min)
{
    jtext_put(t, key, klen);
    if (n >= min)
        jtext_long(t, n);
    else
        jtext_put(t, "null", 4);
}

#define evlog_key_string(t, key, s) evlog_key_string_at(t, "" key, sizeof(key) - 1, s)
static void
evlog_key_string_at(struct jtext *t, const char *key, size_t klen, const char *s)
{
    jtext_put(t, key, klen);
    jtext_cstring(t, s);
}

int
evlog_write(struct evlog *log, const struct evlog_event *ev)
{
    struct jtext *t;
    size_t start;

    if (log == NULL || log->ev_fd == -1)
        return 0;
    if (ev == NULL)
        return -1;
    t = &log->ev_lines;
    start = t->len;
    if (evlog_times(log, t) < 0)
        return -1;
    jtext_put(t, log->ev_node_field.data, log->ev_node_field.len);
    evlog_key_string(t, ",\"peer\":", ev->peer);
    evlog_key_string(t, ",\"dir\":", ev->dir);
    evlog_key_string(t, ",\"kind\":", ev->kind);
    evlog_key_string(t, ",\"method\":", ev->method);
    evlog_key_string(t, ",\"path\":", ev->path);
    evlog_number(t, ",\"status\":", ev->status, 1);
    evlog_key_string(t, ",\"cause\":", ev->cause);
    evlog_key_string(t, ",\"summary\":", ev->summary);
    evlog_number(t, ",\"conn\":", ev->conn, 0);
    JTEXT_LIT(t, ",\"data\":");
    jtext_value(t, ev->data);
    jtext_put(t, "}\n", 2);
    if (t->failed) {
        /* Out of memory: this line is lost, the ones before it are whole. */
        t->failed = 0;
        t->len = start;
        if (t->data != NULL)
            t->data[start] = '\0';
        return -1;
    }
    if (!log->ev_batch || t->len >= EVLOG_BATCH_MAX)
        return evlog_flush(log);
    if (start == 0 && log->ev_flusher.soon != NULL)
        log->ev_flusher.soon(log->ev_flusher.arg);
    return 0;
}
