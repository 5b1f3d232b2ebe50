/* results.c -- writes the results folder of a run: merged events, tokens/, pcapng with secrets. */
#include "results.h"

#include "base/err.h"
#include "base/strmap.h"
#include "evmsg.h"
#include "net.h"
#include "proc.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* What a run writes into its folder; nothing else there is touched. */
static const char *res_entries[] = {
    "summary.json", "events.jsonl", "keylog.txt", "report.html", "logs",
    "run",          "pki",          "tokens",     "pcap",        NULL};

static int
res_rm_tree(const char *path)
{
    struct stat st;
    DIR *d;
    struct dirent *e;
    char sub[RUN_PATH_MAX * 2];

    if (lstat(path, &st) != 0)
        return errno == ENOENT ? 0 : -1;
    if (!S_ISDIR(st.st_mode))
        return unlink(path);
    if ((d = opendir(path)) == NULL)
        return -1;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
        res_rm_tree(sub);
    }
    closedir(d);
    return rmdir(path);
}

int
res_prepare(struct run *r, char *err)
{
    char path[RUN_PATH_MAX * 2];

    if (run_mkdirs(r->out, err) == -1)
        return -1;
    for (int i = 0; res_entries[i] != NULL; i++) {
        snprintf(path, sizeof(path), "%s/%s", r->out, res_entries[i]);
        if (res_rm_tree(path) == -1)
            return edge_err(err, "cannot remove %s of an earlier run: %s", path, strerror(errno));
    }
    static const char *dirs[] = {"logs", "run", "pki", "tokens", NULL};
    for (int i = 0; dirs[i] != NULL; i++) {
        snprintf(path, sizeof(path), "%s/%s", r->out, dirs[i]);
        if (run_mkdirs(path, err) == -1)
            return -1;
    }
    return 0;
}

json_t *
res_events(struct run *r)
{
    json_t **all = NULL, *out = json_array();
    size_t n = 0, cap = 0;
    char line[65536], path[RUN_PATH_MAX + 32];
    FILE *f, *o;

    for (size_t i = 0; i < r->nnodes; i++) {
        if ((f = fopen(r->nodes[i].evlog, "r")) == NULL)
            continue;
        while (fgets(line, sizeof(line), f) != NULL) {
            json_t *ev = json_loads(line, 0, NULL);
            if (!json_is_object(ev)) {
                json_decref(ev);
                continue;
            }
            if (n == cap) {
                size_t ncap = cap ? cap * 2 : 256;
                /* An array of json_t pointers: a pointer's size is meant. */
                // NOLINTNEXTLINE(bugprone-sizeof-expression)
                json_t **grown = realloc(all, ncap * sizeof(*all));
                if (grown == NULL) { /* out of memory: the events read so far are kept */
                    json_decref(ev);
                    break;
                }
                all = grown;
                cap = ncap;
            }
            all[n++] = ev;
        }
        fclose(f);
    }
    /* Every node stamps CLOCK_MONOTONIC of one machine: one order for all. */
    if (n > 0)
        qsort(all, n, sizeof(*all), evmsg_cmp_t); // NOLINT(bugprone-sizeof-expression): pointers
    snprintf(path, sizeof(path), "%s/events.jsonl", r->out);
    o = fopen(path, "w");
    for (size_t i = 0; i < n; i++) {
        if (o != NULL) {
            char *t = json_dumps(all[i], JSON_COMPACT | JSON_PRESERVE_ORDER);
            fprintf(o, "%s\n", t);
            free(t);
        }
        json_array_append_new(out, all[i]);
    }
    if (o != NULL)
        fclose(o);
    free(all);
    return out;
}

/* Verdicts from the event log, for a token no node reported on its control
 * socket: "token" events whose data carries this very JWT (forged copies
 * share the jti of their original, so the jti alone would mix them up), or
 * its jti when the event does not carry the JWT. */
/* The scenario name of a node's FQDN / EEC ID (or the ID itself). */
static const char *
res_name(struct run *r, const char *id)
{
    struct run_node *n = run_node_by_id(r, id);

    return n != NULL ? n->sn->name : id != NULL ? id : "?";
}

static void
res_token_events(struct run *r, json_t *t, json_t *events)
{
    json_t *jti = json_object_get(json_object_get(t, "claims"), "jti");
    json_t *ev, *v = json_object_get(t, "verdicts");
    const char *jwt = json_string_value(json_object_get(t, "jwt"));
    size_t i;

    if (json_array_size(v) > 0)
        return;
    json_array_foreach(events, i, ev)
    {
        json_t *d = json_object_get(ev, "data");
        const char *k = json_string_value(json_object_get(ev, "kind"));
        const char *ejwt = json_string_value(json_object_get(d, "jwt"));
        if (k == NULL || strcmp(k, "token") != 0)
            continue;
        if (ejwt != NULL ? strcmp(ejwt, jwt) != 0
                         : (jti == NULL || !json_equal(json_object_get(d, "jti"), jti)))
            continue;
        json_array_append_new(
            v, json_pack("{s:s, s:O, s:O, s:O}", "node",
                         res_name(r, json_string_value(json_object_get(ev, "node"))), "verdict",
                         json_object_get(d, "verdict"), "rule", json_object_get(ev, "cause"),
                         "summary", json_object_get(ev, "summary")));
    }
}

/* Has node (a scenario name) a verdict on the token yet? */
static int
res_has_verdict(json_t *t, const char *node)
{
    json_t *v;
    size_t i;

    json_array_foreach(json_object_get(t, "verdicts"), i, v)
    {
        const char *n = json_string_value(json_object_get(v, "node"));
        const char *what = json_string_value(json_object_get(v, "verdict"));
        if (n != NULL && strcmp(n, node) == 0 && what != NULL && strcmp(what, "presented") != 0)
            return 1;
    }
    return 0;
}

/* The answer to the request that presented a token (event i, its client's "presented" line): the
 * client's next line from that server with a status or a cause. */
static json_t *
res_answer_to(json_t *events, size_t i, const char *client, const char *server)
{
    for (size_t j = i + 1; j < json_array_size(events); j++) {
        json_t *e = json_array_get(events, j);
        const char *n = json_string_value(json_object_get(e, "node"));
        const char *p = json_string_value(json_object_get(e, "peer"));
        const char *dir = json_string_value(json_object_get(e, "dir"));
        const char *k = json_string_value(json_object_get(e, "kind"));
        if (n == NULL || p == NULL || dir == NULL || k == NULL || strcmp(n, client) != 0 ||
            strcmp(p, server) != 0 || strcmp(dir, "in") != 0 || strcmp(k, "http") != 0)
            continue;
        if (json_integer_value(json_object_get(e, "status")) > 0 ||
            json_string_value(json_object_get(e, "cause")) != NULL)
            return e;
    }
    return NULL;
}

/* A token whose request was refused before its server judged the token (a GPSI not bound, a
 * local policy): that refusal is its server's verdict on it too, else the token would seem to
 * have gone unjudged. */
static void
res_token_refusals(struct run *r, json_t *t, json_t *events, struct strmap *presented)
{
    const char *jwt = json_string_value(json_object_get(t, "jwt"));
    json_t *ev, *ans, *at = strmap_get(presented, jwt), *no;
    size_t k;
    char why[600];

    json_array_foreach(at, k, no)
    {
        size_t i = (size_t)json_integer_value(no);
        json_t *d = json_object_get(ev = json_array_get(events, i), "data");
        const char *client = json_string_value(json_object_get(ev, "node"));
        const char *server = json_string_value(json_object_get(ev, "peer"));
        const char *ejwt = json_string_value(json_object_get(d, "jwt"));
        const char *verdict = json_string_value(json_object_get(d, "verdict"));
        if (ejwt == NULL || verdict == NULL || client == NULL || server == NULL ||
            strcmp(verdict, "presented") != 0 || strcmp(ejwt, jwt) != 0 ||
            res_has_verdict(t, res_name(r, server)) ||
            (ans = res_answer_to(events, i, client, server)) == NULL ||
            json_integer_value(json_object_get(ans, "status")) < 400)
            continue;
        snprintf(why, sizeof(why),
                 "the request that carried it was refused (%lld %s) before "
                 "the token was judged",
                 (long long)json_integer_value(json_object_get(ans, "status")),
                 json_string_value(json_object_get(ans, "cause"))
                     ? json_string_value(json_object_get(ans, "cause"))
                     : "");
        json_array_append_new(json_object_get(t, "verdicts"),
                              json_pack("{s:s, s:s, s:O, s:s}", "node", res_name(r, server),
                                        "verdict", "refused", "rule", json_object_get(ans, "cause"),
                                        "summary", why));
    }
}

/* The events where a client presented a token, by its JWT (each token looks up its own, so many
 * tokens and many events cost their sum, not their product). */
static struct strmap *
res_presented(json_t *events)
{
    struct strmap *m = strmap_new();
    json_t *ev, *at;
    size_t i;

    json_array_foreach(events, i, ev)
    {
        json_t *d = json_object_get(ev, "data");
        const char *jwt = json_string_value(json_object_get(d, "jwt"));
        const char *verdict = json_string_value(json_object_get(d, "verdict"));
        if (m == NULL || jwt == NULL || verdict == NULL || strcmp(verdict, "presented") != 0)
            continue;
        if ((at = strmap_get(m, jwt)) == NULL && strmap_put(m, jwt, at = json_array(), NULL) == -1)
            json_decref(at);
        else
            json_array_append_new(at, json_integer((json_int_t)i));
    }
    return m;
}

static void
res_presented_free(void *v)
{
    json_decref(v);
}

void
res_tokens(struct run *r, json_t *events)
{
    json_t *t;
    size_t i;
    char path[RUN_PATH_MAX + 128];
    struct strmap *presented = res_presented(events);

    json_array_foreach(r->tokens, i, t)
    {
        const char *step = json_string_value(json_array_get(json_object_get(t, "steps"), 0));
        char base[RUN_PATH_MAX + 96];
        res_token_events(r, t, events);
        if (presented != NULL)
            res_token_refusals(r, t, events, presented);
        snprintf(base, sizeof(base), "%s/tokens/%02zu-%s", r->out, i + 1, step ? step : "event");
        json_object_set_new(t, "file", json_string(strrchr(base, '/') + 1));
        snprintf(path, sizeof(path), "%s.jwt", base);
        const char *jwt = json_string_value(json_object_get(t, "jwt"));
        run_write_file(path, jwt, strlen(jwt), NULL);
        snprintf(path, sizeof(path), "%s.json", base);
        run_write_json(path, t, NULL);
    }
    strmap_free(presented, res_presented_free);
}

json_t *
res_pcaps(struct run *r)
{
    json_t *pcaps = net_pcaps(r), *p;
    size_t i;
    char log[RUN_PATH_MAX + 32], err[EDGE_ERR_LEN];

    snprintf(log, sizeof(log), "%s/logs/editcap.log", r->out);
    json_array_foreach(pcaps, i, p)
    {
        const char *in = json_string_value(json_object_get(p, "path"));
        char out[RUN_PATH_MAX + 64], secrets[RUN_PATH_MAX + 32];
        snprintf(out, sizeof(out), "%.*sng", (int)strlen(in), in);
        snprintf(secrets, sizeof(secrets), "tls,%s", r->keylog);
        const char *argv[] = {"/usr/bin/editcap", "--inject-secrets", secrets, in, out, NULL};
        if (access(r->keylog, R_OK) != 0 || access(argv[0], X_OK) != 0)
            continue;
        if (proc_run(argv, log, err) == 0)
            json_object_set_new(p, "pcapng", json_string(out));
        else
            fprintf(stderr, "edge-run: %s\n", err);
    }
    return pcaps;
}
