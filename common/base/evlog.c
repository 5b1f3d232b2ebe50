/* evlog.c -- writes the event log of evlog.h: one JSON line per protocol event. */
#include "base/evlog.h"
#include "base/err.h"
#include "base/clock.h"

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
};

/* A growing string buffer; the line is built whole so that it reaches the
 * file in one write(2). */
struct evbuf {
    char *b_data;
    size_t b_len;
    size_t b_cap;
    int b_failed;
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
    if ((log->ev_node = strdup(node)) == NULL) {
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
    if (log->ev_fd != -1)
        close(log->ev_fd);
    free(log->ev_node);
    free(log);
}

const char *
evlog_node(const struct evlog *log)
{
    return log == NULL ? "" : log->ev_node;
}

static void
evbuf_add(struct evbuf *b, const char *s, size_t n)
{
    size_t cap;
    char *p;

    if (b->b_failed)
        return;
    if (b->b_len + n + 1 > b->b_cap) {
        cap = b->b_cap == 0 ? 512 : b->b_cap;
        while (b->b_len + n + 1 > cap)
            cap *= 2;
        if ((p = realloc(b->b_data, cap)) == NULL) {
            b->b_failed = 1;
            return;
        }
        b->b_data = p;
        b->b_cap = cap;
    }
    memcpy(b->b_data + b->b_len, s, n);
    b->b_len += n;
    b->b_data[b->b_len] = '\0';
}

static void
evbuf_puts(struct evbuf *b, const char *s)
{
    evbuf_add(b, s, strlen(s));
}

/* Append a JSON value; the caller's reference is consumed. NULL writes null. */
static void
evbuf_json(struct evbuf *b, json_t *v)
{
    char *s;

    if (v == NULL) {
        evbuf_puts(b, "null");
        return;
    }
    s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    json_decref(v);
    if (s == NULL) {
        b->b_failed = 1;
        return;
    }
    evbuf_puts(b, s);
    free(s);
}

/* Length of the valid UTF-8 sequence at p (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF), or 0 if the byte at p starts none. */
static size_t
utf8_seq(const unsigned char *p)
{
    size_t n, i;
    unsigned long cp;

    if (p[0] < 0x80)
        return 1;
    if (p[0] >= 0xc2 && p[0] <= 0xdf)
        n = 2, cp = p[0] & 0x1f;
    else if (p[0] >= 0xe0 && p[0] <= 0xef)
        n = 3, cp = p[0] & 0x0f;
    else if (p[0] >= 0xf0 && p[0] <= 0xf4)
        n = 4, cp = p[0] & 0x07;
    else
        return 0;
    for (i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3f);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
        (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

/* A JSON string for s. Strings from the network may not be UTF-8, which JSON
 * cannot carry; each byte that starts no valid sequence becomes '?' so the
 * line stays valid rather than the event being lost. */
static json_t *
ev_string(const char *s)
{
    json_t *v;
    char *copy;
    size_t i, n;

    if (s == NULL)
        return json_null();
    if ((v = json_string(s)) != NULL)
        return v;
    if ((copy = strdup(s)) == NULL)
        return NULL;
    for (i = 0; copy[i] != '\0'; i += n) {
        if ((n = utf8_seq((const unsigned char *)copy + i)) == 0) {
            copy[i] = '?';
            n = 1;
        }
    }
    v = json_string(copy);
    free(copy);
    return v;
}

static void
evbuf_key_string(struct evbuf *b, const char *key, const char *s)
{
    evbuf_puts(b, key);
    if (s == NULL)
        evbuf_puts(b, "null");
    else
        evbuf_json(b, ev_string(s));
}

int
evlog_write(struct evlog *log, const struct evlog_event *ev)
{
    struct evbuf b = {0};
    struct timespec wall;
    int64_t mono;
    struct tm tm;
    char tbuf[32], num[128];
    size_t off;
    ssize_t n;
    int rc = -1;

    if (log == NULL || log->ev_fd == -1)
        return 0;
    if (ev == NULL)
        return -1;
    mono = edge_now_ns();
    if (clock_gettime(CLOCK_REALTIME, &wall) == -1)
        return -1;
    if (gmtime_r(&wall.tv_sec, &tm) == NULL)
        return -1;

    /* Built by hand rather than through a jansson object: the key order and
     * the fixed-point t_mono are part of the format, and jansson would print
     * the double with %.17g. */
    snprintf(num, sizeof(num), "{\"t_mono\":%lld.%06ld", (long long)(mono / 1000000000),
             (long)(mono % 1000000000 / 1000));
    evbuf_puts(&b, num);
    strftime(tbuf, sizeof(tbuf), "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(num, sizeof(num), ",\"t_wall\":\"%s.%06ldZ\"", tbuf, (long)(wall.tv_nsec / 1000));
    evbuf_puts(&b, num);
    evbuf_key_string(&b, ",\"node\":", log->ev_node);
    evbuf_key_string(&b, ",\"peer\":", ev->peer);
    evbuf_key_string(&b, ",\"dir\":", ev->dir);
    evbuf_key_string(&b, ",\"kind\":", ev->kind);
    evbuf_key_string(&b, ",\"method\":", ev->method);
    evbuf_key_string(&b, ",\"path\":", ev->path);
    if (ev->status > 0) {
        snprintf(num, sizeof(num), ",\"status\":%d", ev->status);
        evbuf_puts(&b, num);
    } else {
        evbuf_puts(&b, ",\"status\":null");
    }
    evbuf_key_string(&b, ",\"cause\":", ev->cause);
    evbuf_key_string(&b, ",\"summary\":", ev->summary);
    if (ev->conn >= 0) {
        snprintf(num, sizeof(num), ",\"conn\":%ld", ev->conn);
        evbuf_puts(&b, num);
    } else {
        evbuf_puts(&b, ",\"conn\":null");
    }
    evbuf_puts(&b, ",\"data\":");
    evbuf_json(&b, ev->data == NULL ? NULL : json_incref(ev->data));
    evbuf_puts(&b, "}\n");
    if (b.b_failed)
        goto done;

    /* One write(2) per line: unbuffered, so a crash loses nothing already
     * logged, and with O_APPEND the line is not split by another writer. */
    for (off = 0; off < b.b_len; off += (size_t)n) {
        n = write(log->ev_fd, b.b_data + off, b.b_len - off);
        if (n == -1 && errno == EINTR) {
            n = 0;
            continue;
        }
        if (n <= 0)
            goto done;
    }
    rc = 0;

done:
    free(b.b_data);
    return rc;
}
