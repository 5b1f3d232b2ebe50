/* evlog_test.c -- event log lines read back as JSON with every key in order, two writers never
 * split a line, and with a flusher the lines of a round wait for evlog_flush, in order. */
#include "base/err.h"
#include "base/evlog.h"
#include "base/json_strict.h"
#include "check.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *keys[] = {"t_mono", "t_wall", "node",  "peer",    "dir",  "kind", "method",
                             "path",   "status", "cause", "summary", "conn", "data", NULL};

/* Writers of the concurrency test: lines longer than PIPE_BUF, so that only
 * O_APPEND and the single write(2) keep them whole. */
#define WRITER_LINES 400
#define WRITER_SUMMARY 6000

/* Read the file into lines parsed as JSON; returns how many, or -1. */
static int
read_lines(const char *path, json_t **out, int max)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    json_error_t jerr;
    FILE *f;
    int count = 0;

    if ((f = fopen(path, "r")) == NULL)
        return -1;
    while ((n = getline(&line, &cap, f)) != -1) {
        if (count == max) {
            FAIL("more than %d lines", max);
            break;
        }
        if (n == 0 || line[n - 1] != '\n')
            FAIL("line %d does not end in a newline", count + 1);
        out[count] = json_loadb(line, (size_t)n, JSON_REJECT_DUPLICATES, &jerr);
        if (out[count] == NULL) {
            FAIL("line %d is not JSON: %s", count + 1, jerr.text);
            break;
        }
        count++;
    }
    free(line);
    fclose(f);
    return count;
}

/* Every key present once, in the order of evlog.h, and nothing else. */
static void
check_keys(json_t *line, int lineno)
{
    void *it = json_object_iter(line);
    int i;

    for (i = 0; keys[i] != NULL; i++, it = json_object_iter_next(line, it)) {
        if (it == NULL || strcmp(json_object_iter_key(it), keys[i]) != 0) {
            FAIL("line %d: key %d: expected \"%s\", got \"%s\"", lineno, i, keys[i],
                 it ? json_object_iter_key(it) : "(end)");
            return;
        }
    }
    if (it != NULL)
        FAIL("line %d: extra key \"%s\"", lineno, json_object_iter_key(it));
}

static void
expect_str(json_t *line, const char *key, const char *want, int lineno)
{
    json_t *v = json_object_get(line, key);

    if (want == NULL) {
        if (!json_is_null(v))
            FAIL("line %d: %s: expected null, got %s", lineno, key, js_type_name(v));
    } else if (!json_is_string(v) || strcmp(json_string_value(v), want) != 0) {
        FAIL("line %d: %s: expected \"%s\", got %s", lineno, key, want,
             json_is_string(v) ? json_string_value(v) : js_type_name(v));
    }
}

static void
test_format(const char *dir)
{
    char path[PATH_MAX], err[EDGE_ERR_LEN];
    struct evlog *log;
    struct timespec before, ts;
    json_t *lines[8], *data, *v;
    double prev = 0;
    int n, i;

    if (snprintf(path, sizeof(path), "%s/format.log", dir) >= (int)sizeof(path))
        abort();
    clock_gettime(CLOCK_REALTIME, &before);
    if ((log = evlog_open(path, "ecs1.edge.test", err)) == NULL) {
        FAIL("open: %s", err);
        return;
    }
    if (strcmp(evlog_node(log), "ecs1.edge.test") != 0)
        FAIL("evlog_node: got \"%s\"", evlog_node(log));
    data = json_pack("{s:s,s:[s,s],s:i}", "jti", "abc", "hops", "ecs1", "ecs2", "n", 3);
    {
        struct evlog_event full = {.peer = "ees1.edge.test",
                                   .dir = "in",
                                   .kind = "http",
                                   .method = "POST",
                                   .path = "/oauth2/token",
                                   .status = 200,
                                   .cause = "invalid_scope",
                                   .summary = "quote \" backslash \\ newline \n tab \t bell \a",
                                   .conn = 7,
                                   .data = data};
        struct evlog_event bare = {.dir = "local", .kind = "node", .conn = -1};
        struct evlog_event bytes = {.dir = "out",
                                    .kind = "http",
                                    .summary = "caf\xc3\xa9 \xff\xfe end \xed\xa0\x80",
                                    .conn = 0};
        if (evlog_write(log, &full) != 0 || evlog_write(log, &bare) != 0 ||
            evlog_write(log, &bytes) != 0)
            FAIL("write failed");
    }
    evlog_close(log);

    n = read_lines(path, lines, 8);
    if (n != 3) {
        FAIL("expected 3 lines, got %d", n);
        goto done;
    }
    for (i = 0; i < n; i++) {
        check_keys(lines[i], i + 1);
        expect_str(lines[i], "node", "ecs1.edge.test", i + 1);
        v = json_object_get(lines[i], "t_mono");
        if (!json_is_real(v) || json_real_value(v) < prev)
            FAIL("line %d: t_mono not a non-decreasing number", i + 1);
        else
            prev = json_real_value(v);
        v = json_object_get(lines[i], "t_wall");
        if (!json_is_string(v) || strlen(json_string_value(v)) != 27 ||
            js_time_parse(json_string_value(v), &ts, err) != 0)
            FAIL("line %d: t_wall is not UTC with microseconds: %s", i + 1,
                 json_is_string(v) ? json_string_value(v) : "?");
        else if (ts.tv_sec < before.tv_sec || ts.tv_sec > before.tv_sec + 60)
            FAIL("line %d: t_wall %s is not now", i + 1, json_string_value(v));
    }
    expect_str(lines[0], "peer", "ees1.edge.test", 1);
    expect_str(lines[0], "dir", "in", 1);
    expect_str(lines[0], "kind", "http", 1);
    expect_str(lines[0], "method", "POST", 1);
    expect_str(lines[0], "path", "/oauth2/token", 1);
    expect_str(lines[0], "cause", "invalid_scope", 1);
    expect_str(lines[0], "summary", "quote \" backslash \\ newline \n tab \t bell \a", 1);
    if (json_integer_value(json_object_get(lines[0], "status")) != 200 ||
        json_integer_value(json_object_get(lines[0], "conn")) != 7)
        FAIL("line 1: status/conn");
    if (!json_equal(json_object_get(lines[0], "data"), data))
        FAIL("line 1: data differs");

    expect_str(lines[1], "peer", NULL, 2);
    expect_str(lines[1], "method", NULL, 2);
    expect_str(lines[1], "path", NULL, 2);
    expect_str(lines[1], "cause", NULL, 2);
    expect_str(lines[1], "summary", NULL, 2);
    if (!json_is_null(json_object_get(lines[1], "status")) ||
        !json_is_null(json_object_get(lines[1], "conn")) ||
        !json_is_null(json_object_get(lines[1], "data")))
        FAIL("line 2: status, conn and data must be null");

    /* Bytes that are not UTF-8 become '?'; valid sequences survive. */
    expect_str(lines[2], "summary", "caf\xc3\xa9 ?? end ???", 3);
    if (json_integer_value(json_object_get(lines[2], "conn")) != 0 ||
        !json_is_integer(json_object_get(lines[2], "conn")))
        FAIL("line 3: conn 0 must be written as 0");
done:
    for (i = 0; i < n; i++)
        json_decref(lines[i]);
    json_decref(data);
    unlink(path);
}

static void
test_open(const char *dir)
{
    char path[PATH_MAX], err[EDGE_ERR_LEN], want[PATH_MAX + 64];
    struct evlog_event ev = {.dir = "local", .kind = "node", .conn = -1};
    struct evlog *log;

    /* No path: a node without a log still runs, and writes succeed. */
    if ((log = evlog_open(NULL, "ees1.edge.test", err)) == NULL)
        FAIL("open without a path: %s", err);
    else if (evlog_write(log, &ev) != 0)
        FAIL("write without a path must succeed");
    evlog_close(log);

    if (snprintf(path, sizeof(path), "%s/no/such/dir.log", dir) >= (int)sizeof(path))
        abort();
    snprintf(want, sizeof(want), "event log %s: No such file or directory", path);
    if ((log = evlog_open(path, "ees1.edge.test", err)) != NULL || strcmp(err, want) != 0)
        FAIL("bad path: expected \"%s\", got \"%s\"", want, log ? "success" : err);
    evlog_close(log);
    if ((log = evlog_open(NULL, "", err)) != NULL ||
        strcmp(err, "event log: node name is empty") != 0)
        FAIL("empty node: got \"%s\"", log ? "success" : err);
    evlog_close(log);
}

/* One writer of the concurrency test; returns 0 if every write succeeded. */
static int
writer(const char *path, const char *node, char fill)
{
    char err[EDGE_ERR_LEN], summary[WRITER_SUMMARY + 1];
    struct evlog_event ev = {.dir = "out", .kind = "http", .method = "GET", .summary = summary};
    struct evlog *log;
    int i, rc = 0;

    memset(summary, fill, WRITER_SUMMARY);
    summary[WRITER_SUMMARY] = '\0';
    if ((log = evlog_open(path, node, err)) == NULL) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    for (i = 0; i < WRITER_LINES; i++) {
        ev.conn = i;
        if (evlog_write(log, &ev) != 0)
            rc = -1;
    }
    evlog_close(log);
    return rc;
}

static void
test_two_writers(const char *dir)
{
    static json_t *lines[2 * WRITER_LINES + 1];
    char path[PATH_MAX];
    double last[2] = {0, 0};
    long next[2] = {0, 0};
    const char *node, *summary;
    int n, i, w, status;
    pid_t pid;

    if (snprintf(path, sizeof(path), "%s/shared.log", dir) >= (int)sizeof(path))
        abort();
    fflush(NULL);
    if ((pid = fork()) == -1) {
        FAIL("fork: %s", strerror(errno));
        return;
    }
    if (pid == 0)
        _exit(writer(path, "ees2.edge.test", 'b') == 0 ? 0 : 1);
    if (writer(path, "ees1.edge.test", 'a') != 0)
        FAIL("writer ees1 failed");
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        FAIL("writer ees2 failed");

    n = read_lines(path, lines, 2 * WRITER_LINES + 1);
    if (n != 2 * WRITER_LINES)
        FAIL("expected %d lines, got %d", 2 * WRITER_LINES, n);
    for (i = 0; i < n; i++) {
        node = json_string_value(json_object_get(lines[i], "node"));
        summary = json_string_value(json_object_get(lines[i], "summary"));
        w = node != NULL && strcmp(node, "ees2.edge.test") == 0;
        if (node == NULL || summary == NULL || strlen(summary) != WRITER_SUMMARY ||
            strspn(summary, w ? "b" : "a") != WRITER_SUMMARY) {
            FAIL("line %d: not one writer's whole line", i + 1);
            continue;
        }
        /* Each writer's lines appear in the order written, with a clock
         * that never goes back. */
        if (json_integer_value(json_object_get(lines[i], "conn")) != next[w])
            FAIL("line %d: %s: expected conn %ld", i + 1, node, next[w]);
        next[w]++;
        if (json_real_value(json_object_get(lines[i], "t_mono")) < last[w])
            FAIL("line %d: %s: t_mono went back", i + 1, node);
        last[w] = json_real_value(json_object_get(lines[i], "t_mono"));
    }
    for (i = 0; i < n; i++)
        json_decref(lines[i]);
    unlink(path);
}

/* Size of the file at path, or -1. */
static long
file_size(const char *path)
{
    FILE *f = fopen(path, "r");
    long n;

    if (f == NULL)
        return -1;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fclose(f);
    return n;
}

struct flusher_seen {
    int soon, release;
};

static void
seen_soon(void *arg)
{
    ((struct flusher_seen *)arg)->soon++;
}

static void
seen_release(void *arg)
{
    ((struct flusher_seen *)arg)->release++;
}

/* With a flusher: nothing reaches the file until evlog_flush (or the batch limit, or the close);
 * soon() once per batch; the lines come out whole and in the order written. */
static void
test_batch(const char *dir)
{
    static json_t *lines[400];
    char path[PATH_MAX], err[EDGE_ERR_LEN], summary[1000];
    struct flusher_seen seen = {0, 0};
    struct evlog_flusher f = {seen_soon, seen_release, &seen};
    struct evlog_event ev = {.dir = "local", .kind = "node", .summary = summary};
    struct evlog *log;
    long size;
    int n, i;

    if (snprintf(path, sizeof(path), "%s/batch.log", dir) >= (int)sizeof(path))
        abort();
    memset(summary, 'x', sizeof(summary) - 1);
    summary[sizeof(summary) - 1] = '\0';
    if ((log = evlog_open(path, "ecs1.edge.test", err)) == NULL) {
        FAIL("open: %s", err);
        return;
    }
    evlog_set_flusher(log, &f);
    for (ev.conn = 0; ev.conn < 3; ev.conn++)
        if (evlog_write(log, &ev) != 0)
            FAIL("write %ld failed", ev.conn);
    if ((size = file_size(path)) != 0)
        FAIL("before evlog_flush: expected an empty file, got %ld bytes", size);
    if (seen.soon != 1)
        FAIL("soon: expected 1 call for the first line of a batch, got %d", seen.soon);
    if (evlog_flush(log) != 0)
        FAIL("evlog_flush failed");
    if ((size = file_size(path)) <= 0)
        FAIL("after evlog_flush: the file is empty");
    /* A new batch calls soon() again; past EVLOG_BATCH_MAX the lines go without waiting (and the
     * batch after that calls soon() once more). */
    for (; ev.conn < 300; ev.conn++)
        evlog_write(log, &ev);
    if (seen.soon < 2 || seen.soon > 2 + (int)((size_t)300 * 1300 / EVLOG_BATCH_MAX))
        FAIL("soon: expected one call per batch, got %d", seen.soon);
    if (file_size(path) - size < (long)EVLOG_BATCH_MAX)
        FAIL("%zu bytes waited: the batch limit did not write them", (size_t)300 * 1000);
    evlog_close(log);
    if (seen.release != 1)
        FAIL("release: expected 1 call at the close, got %d", seen.release);
    n = read_lines(path, lines, 400);
    if (n != 300)
        FAIL("expected 300 lines after the close, got %d", n);
    for (i = 0; i < n; i++) {
        if (json_integer_value(json_object_get(lines[i], "conn")) != i)
            FAIL("line %d: out of order (conn %lld)", i + 1,
                 (long long)json_integer_value(json_object_get(lines[i], "conn")));
        check_keys(lines[i], i + 1);
        json_decref(lines[i]);
    }
    unlink(path);
}

int
main(void)
{
    const char *base = getenv("TMPDIR");
    char dir[PATH_MAX];

    if (snprintf(dir, sizeof(dir), "%s/evlog_test.XXXXXX", base ? base : "/tmp") >=
            (int)sizeof(dir) ||
        mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    test_format(dir);
    test_open(dir);
    test_two_writers(dir);
    test_batch(dir);
    rmdir(dir);
    return check_result("evlog");
}
