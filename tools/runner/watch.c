/* watch.c -- what `--step` and `--keep` show a person watching a run: where to capture from the
 * first packet on, each step's messages as the nodes logged them (method, path, status, the token
 * a message carries, why it was refused) and the claims of the tokens the step got, and the
 * pauses (before the nodes start, before each step, before teardown). */
#include "watch.h"

#include "base/err.h"
#include "base/json_strict.h"
#include "evmsg.h"
#include "logwait.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void
watch_pause(const char *who, const char *what)
{
    char line[16];

    printf("%s: %s\n        press Enter to go on ", who, what);
    fflush(stdout);
    /* Enter echoes a new line on a terminal; piped input does not. */
    if (fgets(line, sizeof(line), stdin) == NULL || !isatty(STDIN_FILENO))
        printf("\n");
}

void
watch_capture(struct run *r)
{
    if (!(r->step_mode || r->keep) || r->net != RUN_NET_TAP)
        return;
    /* Before any node starts: the EESes' connections to their ECS open at start-up and stay
     * open, so a capture begun later never sees their handshake and cannot decrypt them. */
    printf("edge-run: the network is up, no node runs yet. To watch a node's traffic live and "
           "decrypted, start in another terminal, e.g.:\n");
    for (size_t i = 0; i < r->nnodes; i++)
        printf("          ip netns exec %s tshark -l -i %s -o tls.keylog_file:%s -Y 'http2 or "
               "http'   # %s\n",
               r->nodes[i].ns, r->nodes[i].ifname, r->keylog, r->nodes[i].sn->name);
    if (r->step_mode)
        watch_pause("--step", "start your captures now; the nodes start after Enter");
}

/* The events every node logged since step i began, in time order (a new array). */
static json_t *
watch_events(struct run *r, int i)
{
    json_t *all = json_array(), *ev, *sorted = json_array();
    json_t **v;
    size_t k, n;

    for (size_t j = 0; j < r->nnodes; j++) {
        struct run_node *nd = &r->nodes[j];
        json_t *got = logwait_read(nd->evlog, nd->log_marks ? nd->log_marks[i] : 0, NULL);
        json_array_extend(all, got);
        json_decref(got);
    }
    n = json_array_size(all);
    // NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers
    if ((v = calloc(n + 1, sizeof(*v))) != NULL) {
        json_array_foreach(all, k, ev) v[k] = ev;
        qsort(v, n, sizeof(*v), evmsg_cmp_t); // NOLINT(bugprone-sizeof-expression): pointers
        for (k = 0; k < n; k++)
            json_array_append(sorted, v[k]);
        free(v);
    }
    json_decref(all);
    return sorted;
}

static const char *
watch_name(struct run *r, const char *id)
{
    struct run_node *n = run_node_by_id(r, id);

    return n != NULL ? n->sn->name : id;
}

/* A handshake the server logged: "TLS 1.3 mutual X.509, EEC eec-0001, GPSI ..." into buf. */
static void
watch_tls(json_t *ev, char *buf, size_t len)
{
    json_t *d = json_object_get(ev, "data");
    const char *mode = json_string_value(json_object_get(d, "mode"));
    static const char *ids[][2] = {
        {"fqdn", ""}, {"akid", "A-KID "}, {"eecId", "EEC "}, {"gpsi", "GPSI "}};
    size_t o =
        (size_t)snprintf(buf, len, "new connection: TLS 1.3 %s",
                         mode != NULL && strcmp(mode, "psk") == 0 ? "AKMA PSK" : "mutual X.509");

    for (size_t i = 0; i < 4 && o < len; i++) {
        const char *v = json_string_value(json_object_get(d, ids[i][0]));
        if (v != NULL)
            o += (size_t)snprintf(buf + o, len - o, ", %s%s", ids[i][1], v);
    }
}

/* The lines of a step, a handshake put before the request that opened its connection. */
static void
watch_add(json_t *lines, const char *from, const char *to, int request, const char *text, int tls)
{
    json_t *l =
        json_pack("{s:s, s:s, s:b, s:s}", "from", from, "to", to, "request", request, "text", text);
    size_t i = json_array_size(lines);

    while (tls && i-- > 0) {
        json_t *q = json_array_get(lines, i);
        if (json_is_true(json_object_get(q, "request")) &&
            strcmp(json_string_value(json_object_get(q, "from")), from) == 0 &&
            strcmp(json_string_value(json_object_get(q, "to")), to) == 0) {
            json_array_insert_new(lines, i, l);
            return;
        }
    }
    json_array_append_new(lines, l);
}

static void
watch_messages(struct run *r, int i)
{
    json_t *events = watch_events(r, i), *lines = json_array(), *ev, *l;
    size_t k;
    struct evmsg m;
    char text[1024];

    json_array_foreach(events, k, ev)
    {
        const char *kind = json_string_value(json_object_get(ev, "kind"));
        const char *node = watch_name(r, json_string_value(json_object_get(ev, "node")));
        const char *peer = watch_name(r, json_string_value(json_object_get(ev, "peer")));
        int failed = json_string_value(json_object_get(ev, "cause")) != NULL;
        if (evmsg_of(ev, &m)) {
            watch_add(lines, watch_name(r, m.from), watch_name(r, m.to), !m.response && !m.failed,
                      evmsg_line(&m, text, sizeof(text)), 0);
        } else if (kind != NULL && strcmp(kind, "tls") == 0 && failed) {
            snprintf(text, sizeof(text), "%s", json_string_value(json_object_get(ev, "summary")));
            watch_add(lines, peer ? peer : "?", node, 0, text, 0);
        } else if (kind != NULL && strcmp(kind, "tls") == 0 && peer != NULL &&
                   json_object_get(json_object_get(ev, "data"), "mode") != NULL) {
            watch_tls(ev, text, sizeof(text));
            watch_add(lines, peer, node, 0, text, 1);
        }
    }
    json_array_foreach(lines, k, l)
    {
        printf("        %-6s -> %-6s  %s\n", json_string_value(json_object_get(l, "from")),
               json_string_value(json_object_get(l, "to")),
               json_string_value(json_object_get(l, "text")));
    }
    json_decref(lines);
    json_decref(events);
}

/* A claim as text; exp, iat and nbf also in UTC. */
static void
watch_claim(const char *k, json_t *v)
{
    char *t = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
    char utc[32] = "";

    if (json_is_integer(v) &&
        (strcmp(k, "exp") == 0 || strcmp(k, "iat") == 0 || strcmp(k, "nbf") == 0) &&
        js_time_format((time_t)json_integer_value(v), utc, sizeof(utc)) == -1)
        utc[0] = '\0';
    printf("          %-10s %s%s%s%s\n", k, t != NULL ? t : "?", utc[0] ? " (" : "", utc,
           utc[0] ? ")" : "");
    free(t);
}

/* The tokens that first appeared in this step, decoded. */
static void
watch_tokens(struct run *r, const char *step)
{
    json_t *t, *c, *v;
    size_t i;
    const char *k;

    json_array_foreach(r->tokens, i, t)
    {
        const char *first = json_string_value(json_array_get(json_object_get(t, "steps"), 0));
        const char *signer = json_string_value(json_object_get(t, "signedBy"));
        if (first == NULL || strcmp(first, step) != 0 || (c = json_object_get(t, "claims")) == NULL)
            continue;
        printf("        token %zu (%s), signed with the key of %s:\n", i + 1,
               json_string_value(json_object_get(t, "how")), signer ? signer : "no ECS of the run");
        json_object_foreach(c, k, v) watch_claim(k, v);
        if (json_is_integer(json_object_get(c, "exp")) &&
            json_is_integer(json_object_get(c, "iat")))
            printf("          lifetime   %lld s\n",
                   (long long)(json_integer_value(json_object_get(c, "exp")) -
                               json_integer_value(json_object_get(c, "iat"))));
    }
}

void
watch_step(struct run *r, int i, const char *name)
{
    if (!r->step_mode)
        return;
    watch_messages(r, i);
    watch_tokens(r, name);
    fflush(stdout);
}
