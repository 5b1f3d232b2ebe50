/* logwait.c -- waits until a node's event log shows what a step awaits: n events matching a
 * pattern (match.h), written since the previous step began.
 *
 * For what a node does without answering anyone yet -- a request sent to a peer that never
 * answers -- the event log is the only witness. The wait is on the file itself (inotify: woken by
 * every line the node writes), bounded by a deadline; nothing sleeps for a guessed time. */
#include "logwait.h"

#include "base/clock.h"
#include "base/err.h"
#include "match.h"
#include "proc.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define LOGWAIT_LINE_MAX ((size_t)256 * 1024)

void
logwait_mark(struct run *r)
{
    size_t nsteps = json_array_size(r->scn->steps);

    if (r->step_index < 0 || (size_t)r->step_index >= nsteps)
        return;
    for (size_t i = 0; i < r->nnodes; i++) {
        struct run_node *n = &r->nodes[i];
        struct stat st;
        if (n->log_marks == NULL && (n->log_marks = calloc(nsteps, sizeof(off_t))) == NULL)
            continue;
        n->log_marks[r->step_index] = stat(n->evlog, &st) == 0 ? st.st_size : 0;
    }
}

void
logwait_free(struct run *r)
{
    for (size_t i = 0; r->nodes != NULL && i < r->nnodes; i++) {
        free(r->nodes[i].log_marks);
        r->nodes[i].log_marks = NULL;
    }
}

json_t *
logwait_read(const char *path, off_t from, json_t *pattern)
{
    json_t *found = json_array();
    char *line = malloc(LOGWAIT_LINE_MAX), why[256];
    FILE *f = fopen(path, "r");

    if (f != NULL && line != NULL && fseeko(f, from, SEEK_SET) == 0) {
        while (fgets(line, (int)LOGWAIT_LINE_MAX, f) != NULL) {
            json_t *ev = json_loads(line, 0, NULL);
            if (json_is_object(ev) &&
                (pattern == NULL || match_value(pattern, ev, "", why, sizeof(why))))
                json_array_append(found, ev);
            json_decref(ev);
        }
    }
    if (f != NULL)
        fclose(f);
    free(line);
    return found;
}

json_t *
logwait_events(struct run_node *n, int since, json_t *pattern, size_t count, int timeout_ms,
               char *err)
{
    int64_t deadline = edge_now_ms() + timeout_ms;
    off_t from = n->log_marks != NULL && since >= 0 ? n->log_marks[since] : 0;
    int fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    json_t *found = NULL;
    char buf[4096];

    /* Watch first, then read: a line written in between still wakes the poll. */
    if (fd < 0 || inotify_add_watch(fd, n->evlog, IN_MODIFY) < 0) {
        edge_err(err, "cannot watch %s: %s", n->evlog, strerror(errno));
        goto done;
    }
    for (;;) {
        int64_t left = deadline - edge_now_ms();
        struct pollfd p = {.fd = fd, .events = POLLIN};
        found = logwait_read(n->evlog, from, pattern);
        if (json_array_size(found) >= count)
            goto done;
        if (left <= 0 || proc_interrupted) {
            edge_err(err, "%zu of %zu events matching it in %s's event log within %d ms",
                     json_array_size(found), count, n->sn->name, timeout_ms);
            json_decref(found);
            found = NULL;
            goto done;
        }
        json_decref(found);
        found = NULL;
        if (poll(&p, 1, (int)left) > 0)
            while (read(fd, buf, sizeof(buf)) > 0)
                ;
    }
done:
    if (fd >= 0)
        close(fd);
    return found;
}
