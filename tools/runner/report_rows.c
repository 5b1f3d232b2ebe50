/* report_rows.c -- the rows of the sequence diagram, read from the merged event log (evlog.h).
 *
 * A row is a band where a step begins, a message as its sender logged it (evmsg.h: marked by what
 * it carries), a TLS handshake as its server logged it (TS 33.558 6.2: authentication is the
 * handshake, so each new connection is drawn with its mode and the identities it proved), or a
 * decision a node logged (a box). A refusal says why on the diagram, and whether the step it is
 * in expects it. Exchanges that repeat unchanged within a step (the EESes' keep-alive updates)
 * are folded into their first occurrence; in a UE population's step (thousands of UEs, issue 11)
 * every row is folded into the first one alike but for its UE, as the rows come, so the diagram
 * of 10,000 UEs has a row per kind of exchange, not per UE. */
#include "report_int.h"

#include <stdlib.h>
#include <string.h>

#define REP_ROWS_MAX 6000
#define REP_POP_COMPACT 256 /* a population step's rows are folded when it has this many */

/* What each family of node decisions means (nodes/README.md "Events"). */
static const struct {
    const char *kind, *meaning;
} rep_kinds[] = {
    {"keys", "keys loaded: an ECS's signing key, an EES's copy of its ECS's public keys (JWKS)"},
    {"registry", "a registration recorded, updated, expired or removed"},
    {"registration", "the EEC's registration at an EES, as the EEC saw it"},
    {"provisioning", "service provisioning: the EESes an ECS chose, what the EEC got"},
    {"token", "an access token issued, accepted or refused (with the rule)"},
    {"access", "an access decision on the EEC: GPSI authentication, local policy"},
    {"targetdisc", "a target EES discovery answered"},
    {"lookup", "an ECS-to-ECS lookup answered"},
    {"forward", "a token request forwarded to another ECS, or its answer relayed"},
    {"acr", "an application context relocation decided"},
    {"subscription", "a subscription created, changed, removed or expired (its notifications are "
                     "the pink arrows)"},
    {"discovery", "an EAS discovery answered"},
    {"act", "an application context transfer: started by the EES, reported by the EAS"},
    {"appctx", "an EAS's application context stored, sent or taken (edgesim's transfer)"},
    {"tls", "a TLS handshake that failed (the alert or the reason)"},
    {"http", "a connection event: closed, over a limit"},
};

const char *
rep_kind_meaning(const char *kind)
{
    for (size_t i = 0; kind != NULL && i < sizeof(rep_kinds) / sizeof(rep_kinds[0]); i++)
        if (strcmp(rep_kinds[i].kind, kind) == 0)
            return rep_kinds[i].meaning;
    return NULL;
}

static const char *
rep_str(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static struct rep_row *
rep_push(struct rep_rows *R, enum rep_row_type type, double t, int step)
{
    struct rep_row *row;

    if (R->n >= REP_ROWS_MAX)
        return NULL;
    row = &R->rows[R->n++];
    memset(row, 0, sizeof(*row));
    row->type = type;
    row->t = t;
    row->step = step;
    row->from = row->to = -1;
    return row;
}

/* ---- steps ---- */

/* The step an event at t belongs to: the last one begun by then (-1 start-up; past the last
 * step's end: nsteps, the teardown). */
static int
rep_step_at(json_t *steps, double t)
{
    size_t n = json_array_size(steps);
    int at = -1;

    for (size_t i = 0; i < n; i++)
        if (json_number_value(json_object_get(json_array_get(steps, i), "t_start")) <= t)
            at = (int)i;
    if (n > 0 && at == (int)n - 1 &&
        t > json_number_value(json_object_get(json_array_get(steps, n - 1), "t_end")))
        at = (int)n;
    return at;
}

/* Does step s expect an answer with this status (its "status", one value or a list)? */
static int
rep_step_expects(json_t *s, int status)
{
    json_t *st = json_object_get(json_object_get(s, "expect"), "status"), *v;
    size_t i;

    if (json_is_integer(st))
        return json_integer_value(st) == status;
    json_array_foreach(st, i, v) if (json_integer_value(v) == status) return 1;
    return 0;
}

/* Does step (its index) expect the answer with this status (0: none) that its own node gets,
 * the node whose FQDN / EEC ID is id? */
static int
rep_step_expects_of(json_t *summary, int step, const char *id, int status)
{
    json_t *s = json_array_get(json_object_get(summary, "steps"), (size_t)step);
    const char *node = json_string_value(json_object_get(
        json_object_get(json_object_get(summary, "nodes"), rep_str(s, "node")), "id"));

    return node != NULL && id != NULL && strcmp(node, id) == 0 && rep_step_expects(s, status);
}

/* ---- messages ---- */

static void
rep_msg_label(struct rep_row *row, const struct rep_layout *L)
{
    const struct evmsg *m = &row->m;
    const struct evmsg_api *api = evmsg_api(m->path);
    double span = (row->from > row->to ? row->from - row->to : row->to - row->from) * L->col - 14;
    char mark[40] = "", fold[24] = "", base[5][160], fitted[160];

    if (m->auth != NULL)
        snprintf(mark, sizeof(mark), " +%s", m->auth);
    else if (m->tokens > 0)
        snprintf(mark, sizeof(mark), " +token%s", m->tokens > 1 ? "s" : "");
    if (row->folded > 0)
        snprintf(fold, sizeof(fold), " \u00d7%d", row->folded + 1);
    if (row->event != NULL) {
        /* A notification: its event (TS 29.558 / TS 24.558 names) says what it tells. */
        snprintf(base[0], sizeof(base[0]), "notify %s", row->event);
        snprintf(base[1], sizeof(base[1]), "%s", base[0]);
        snprintf(base[2], sizeof(base[2]), "%s", row->event);
        snprintf(base[3], sizeof(base[3]), "%s", row->event);
        snprintf(base[4], sizeof(base[4]), "notify");
    } else if (m->response) {
        snprintf(base[0], sizeof(base[0]), "%d%s%s", m->status, m->cause ? " " : "",
                 m->cause ? m->cause : "");
        snprintf(base[1], sizeof(base[1]), "%s", base[0]);
        snprintf(base[2], sizeof(base[2]), "%d", m->status);
        snprintf(base[3], sizeof(base[3]), "%d", m->status);
        snprintf(base[4], sizeof(base[4]), "%d", m->status);
    } else {
        /* The API's name (its path is in the arrow's tooltip), with the method while it fits. */
        const char *meth = m->method ? m->method : "?";
        snprintf(base[0], sizeof(base[0]), "%s %s", meth, api->name);
        snprintf(base[1], sizeof(base[1]), "%s %s", meth, api->brief);
        snprintf(base[2], sizeof(base[2]), "%s", api->name);
        snprintf(base[3], sizeof(base[3]), "%s", api->brief);
        snprintf(base[4], sizeof(base[4]), "%s", api->brief);
    }
    for (int i = 0; i < 5; i++) {
        snprintf(row->label, sizeof(row->label), "%.120s%s%s", base[i], mark, fold);
        if (rep_text_w(row->label, REP_FONT) <= span)
            return;
    }
    /* Nothing fits whole: the name is cut, what it carries stays. */
    rep_fit(base[4], span - rep_text_w(mark, REP_FONT) - rep_text_w(fold, REP_FONT), REP_FONT,
            fitted, sizeof(fitted));
    snprintf(row->label, sizeof(row->label), "%.120s%s%s", fitted, mark, fold);
}

static void
rep_msg_note(struct rep_row *row, json_t *summary)
{
    const struct evmsg *m = &row->m;
    json_t *s = json_array_get(json_object_get(summary, "steps"), (size_t)row->step);
    const char *why = m->detail != NULL ? m->detail : "";

    if (m->failed && row->expected)
        snprintf(row->note, sizeof(row->note), "expected by step %d (%s): no answer from %s: %s",
                 row->step + 1, rep_str(s, "name"), rep_node_name(summary, m->to),
                 why[0] ? why : m->cause);
    else if (m->failed)
        snprintf(row->note, sizeof(row->note), "no answer from %s: %s",
                 rep_node_name(summary, m->to), why[0] ? why : m->cause);
    if (m->failed)
        return;
    if (!row->bad)
        return;
    if (row->expected)
        snprintf(row->note, sizeof(row->note), "expected by step %d (%s): %s", row->step + 1,
                 rep_str(s, "name"), why[0] ? why : "the refusal the step checks");
    else if (s != NULL && strcmp(rep_str(s, "verdict") ? rep_str(s, "verdict") : "", "PASS") == 0)
        snprintf(row->note, sizeof(row->note), "refused along the way (step %d still passed)%s%s",
                 row->step + 1, why[0] ? ": " : "", why);
    else
        snprintf(row->note, sizeof(row->note), "%s", why);
}

/* A new row at index at, the rows from there on moved down. */
static struct rep_row *
rep_insert(struct rep_rows *R, size_t at)
{
    struct rep_row *row;

    if (R->n >= REP_ROWS_MAX || at > R->n)
        return NULL;
    memmove(&R->rows[at + 1], &R->rows[at], (R->n - at) * sizeof(*R->rows));
    R->n++;
    row = &R->rows[at];
    memset(row, 0, sizeof(*row));
    row->from = row->to = -1;
    return row;
}

/* The last request from client to server (on path, when given) since the last band, or -1. */
static long
rep_last_request(const struct rep_rows *R, int client, int server, const char *path)
{
    for (size_t i = R->n; i-- > 0 && R->rows[i].type != REP_BAND;) {
        const struct rep_row *q = &R->rows[i];
        if (q->type == REP_MSG && !q->m.response && !q->m.failed && q->from == client &&
            q->to == server && (path == NULL || (q->m.path && strcmp(q->m.path, path) == 0)))
            return (long)i;
    }
    return -1;
}

/* A request that got no answer: its arrow turns red and dotted; a handshake that failed is drawn
 * before it, with the client's reason (the server's is in its own box). */
static int
rep_no_answer(struct rep_rows *R, json_t *summary, json_t *ev, const struct evmsg *m, int from,
              int to)
{
    long at = rep_last_request(R, from, to, m->path);
    struct rep_row *q, *tls;
    int handshake = m->cause != NULL && (strncmp(m->cause, "TLS_", 4) == 0 ||
                                         strcmp(m->cause, "PEER_IDENTITY_MISMATCH") == 0);

    if (at < 0)
        return 0;
    q = &R->rows[at];
    q->m.failed = q->bad = 1;
    q->m.cause = m->cause;
    q->m.detail = m->detail;
    q->expected = rep_step_expects_of(summary, q->step, m->from, 0);
    if (!handshake) {
        rep_msg_note(q, summary);
        return 1;
    }
    if ((tls = rep_insert(R, (size_t)at)) == NULL)
        return 1;
    tls->type = REP_TLS;
    tls->t = m->t;
    tls->step = q[1].step;
    tls->from = from;
    tls->to = to;
    tls->ev = ev;
    tls->bad = 1;
    snprintf(tls->note, sizeof(tls->note), "%s", m->detail ? m->detail : m->cause);
    return 1;
}

/* A message to or from a notification endpoint (common/node/notify.h). */
static int
rep_is_notification(const struct evmsg *m)
{
    return strcmp(evmsg_api(m->path)->iface, "notification") == 0;
}

static void
rep_add_msg(struct rep_rows *R, json_t *summary, const struct rep_layout *L, json_t *ev,
            const struct evmsg *m, int step)
{
    int from = rep_line_of(L, m->from), to = rep_line_of(L, m->to);
    const char *fk, *tk;
    struct rep_row *row;

    /* In a population's step the last request may stand for many UEs': a failure is its own row. */
    if (from < 0 || to < 0 || from == to ||
        (m->failed && !R->pop && rep_no_answer(R, summary, ev, m, from, to)) ||
        (row = rep_push(R, REP_MSG, m->t, step)) == NULL)
        return;
    row->m = *m;
    row->ev = ev;
    row->from = from;
    row->to = to;
    fk = L->lines[from].kind ? L->lines[from].kind : "";
    tk = L->lines[to].kind ? L->lines[to].kind : "";
    row->style = rep_is_notification(m)                             ? REP_NOTIFY
                 : strcmp(fk, "ecs") == 0 && strcmp(tk, "ecs") == 0 ? REP_FORWARD
                 : strcmp(fk, "ees") == 0 && strcmp(tk, "ees") == 0 ? REP_EDGE9
                                                                    : REP_PLAIN;
    row->token = evmsg_carries_token(m);
    row->bad = m->failed || m->status >= 400;
    row->expected = row->bad && rep_step_expects_of(summary, step, m->to, m->status);
    rep_msg_note(row, summary);
}

/* The notifier's record of a notification it sent (notify.h: kind "notify", dir "out", after its
 * answer): its event goes on the request's arrow ("notify ACR_COMPLETE"). */
static void
rep_add_notify(struct rep_rows *R, const struct rep_layout *L, json_t *ev)
{
    int server = rep_line_of(L, rep_str(ev, "node")), client = rep_line_of(L, rep_str(ev, "peer"));
    long at =
        server >= 0 && client >= 0 ? rep_last_request(R, server, client, rep_str(ev, "path")) : -1;

    if (at >= 0)
        R->rows[at].event = rep_str(json_object_get(ev, "data"), "event");
}

/* ---- handshakes ---- */

/* "TLS 1.3, mutual X.509: EEC eec-0001, GPSI msisdn-... (h2)": what the handshake proved. */
static void
rep_tls_note(json_t *d, char *buf, size_t len)
{
    const char *mode = rep_str(d, "mode"), *akid = rep_str(d, "akid");
    size_t o = (size_t)snprintf(buf, len, "TLS 1.3, %s",
                                mode && strcmp(mode, "psk") == 0 ? "AKMA PSK" : "mutual X.509");
    static const char *ids[][2] = {{"fqdn", ""}, {"eecId", "EEC "}, {"gpsi", "GPSI "}};
    int first = 1;

    if (akid != NULL && o < len)
        o += (size_t)snprintf(buf + o, len - o, " (A-KID %s)", akid);
    for (size_t i = 0; i < 3; i++) {
        const char *v = rep_str(d, ids[i][0]);
        if (v != NULL && o < len) {
            o += (size_t)snprintf(buf + o, len - o, "%s%s%s", first ? ": " : ", ", ids[i][1], v);
            first = 0;
        }
    }
    if (rep_str(d, "alpn") != NULL && o < len)
        snprintf(buf + o, len - o, " (%s)", rep_str(d, "alpn"));
}

/* A handshake the server logged: drawn before the request that opened the connection. */
static void
rep_add_tls(struct rep_rows *R, const struct rep_layout *L, json_t *ev, int step)
{
    int client = rep_line_of(L, rep_str(ev, "peer")), server = rep_line_of(L, rep_str(ev, "node"));
    long at;
    struct rep_row *row;

    if (client < 0 || server < 0 || client == server)
        return;
    at = rep_last_request(R, client, server, NULL);
    if ((row = rep_insert(R, at >= 0 ? (size_t)at : R->n)) == NULL)
        return;
    row->type = REP_TLS;
    row->t = json_number_value(json_object_get(ev, "t_mono"));
    row->step = step;
    row->from = client;
    row->to = server;
    row->ev = ev;
    rep_tls_note(json_object_get(ev, "data"), row->note, sizeof(row->note));
}

/* ---- decisions ---- */

static void
rep_box_label(struct rep_row *row, json_t *ev)
{
    json_t *d = json_object_get(ev, "data");
    const char *cause = rep_str(ev, "cause"), *verdict = rep_str(d, "verdict");

    if (strcmp(row->kind, "token") == 0 && verdict != NULL)
        snprintf(row->label, sizeof(row->label), "token %s", verdict);
    else if (strcmp(row->kind, "tls") == 0)
        snprintf(row->label, sizeof(row->label), "TLS failed");
    else
        snprintf(row->label, sizeof(row->label), "%s", row->kind);
    row->bad = cause != NULL;
    if (cause != NULL)
        snprintf(row->note, sizeof(row->note), "%s: %s", cause,
                 rep_str(ev, "summary") ? rep_str(ev, "summary") : "");
}

/* Decisions worth a box: not start/stop, not the control socket, not the EEC's own record of a
 * token it received or presented (the arrows show that), a connection event only when it is a
 * failure. */
static int
rep_is_box(json_t *ev, const char *kind)
{
    const char *dir = rep_str(ev, "dir");
    const char *verdict = rep_str(json_object_get(ev, "data"), "verdict");

    if (strcmp(kind, "tls") == 0)
        return rep_str(ev, "cause") != NULL;
    if (dir == NULL || strcmp(dir, "local") != 0 || strcmp(kind, "node") == 0 ||
        strcmp(kind, "ctl") == 0)
        return 0;
    if (strcmp(kind, "token") == 0 && verdict != NULL &&
        (strcmp(verdict, "received") == 0 || strcmp(verdict, "presented") == 0))
        return 0;
    return strcmp(kind, "http") != 0 || rep_str(ev, "cause") != NULL;
}

static void
rep_add_box(struct rep_rows *R, const struct rep_layout *L, json_t *ev, const char *kind, int step)
{
    int at = rep_line_of(L, rep_str(ev, "node"));
    struct rep_row *row;

    if (at < 0 || (row = rep_push(R, REP_BOX, json_number_value(json_object_get(ev, "t_mono")),
                                  step)) == NULL)
        return;
    row->from = at;
    row->ev = ev;
    row->kind = kind;
    row->token = strcmp(kind, "token") == 0;
    rep_box_label(row, ev);
}

/* ---- folding ---- */

/* The response to request row i: the next answer from its server to its client on that path. */
static int
rep_answer_of(const struct rep_rows *R, size_t i)
{
    const struct rep_row *q = &R->rows[i];

    for (size_t j = i + 1; j < R->n && R->rows[j].step == q->step; j++) {
        const struct rep_row *a = &R->rows[j];
        if (a->type == REP_MSG && a->m.response && a->from == q->to && a->to == q->from &&
            a->m.path != NULL && q->m.path != NULL && strcmp(a->m.path, q->m.path) == 0)
            return (int)j;
    }
    return -1;
}

static int
rep_same_exchange(const struct rep_rows *R, size_t a, int ra, size_t b, int rb)
{
    const struct rep_row *x = &R->rows[a], *y = &R->rows[b];

    return x->step == y->step && x->from == y->from && x->to == y->to && x->m.method != NULL &&
           y->m.method != NULL && strcmp(x->m.method, y->m.method) == 0 &&
           strcmp(x->m.path, y->m.path) == 0 && R->rows[ra].m.status == R->rows[rb].m.status;
}

/* An exchange (request and answer, nothing carried, nothing refused) that repeats within a step
 * is drawn once, "xN". */
static void
rep_fold_msgs(struct rep_rows *R)
{
    for (size_t i = 0; i < R->n; i++) {
        struct rep_row *q = &R->rows[i];
        int a = q->type == REP_MSG && !q->m.response && !q->hidden ? rep_answer_of(R, i) : -1;
        if (a < 0 || q->token || q->bad || R->rows[a].token || R->rows[a].bad ||
            q->style == REP_NOTIFY)
            continue;
        for (size_t j = 0; j < i; j++) {
            int b = R->rows[j].type == REP_MSG && !R->rows[j].m.response && !R->rows[j].hidden
                        ? rep_answer_of(R, j)
                        : -1;
            if (b < 0 || R->rows[b].hidden || !rep_same_exchange(R, j, b, i, a))
                continue;
            q->hidden = R->rows[a].hidden = 1;
            R->rows[j].folded++;
            R->rows[b].folded++;
            break;
        }
    }
}

/* Do two log lines say the same but for their numbers (IDs, seconds left)? */
static int
rep_same_but_digits(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    for (;;) {
        while (*a >= '0' && *a <= '9')
            a++;
        while (*b >= '0' && *b <= '9')
            b++;
        if (*a != *b)
            return 0;
        if (*a == '\0')
            return 1;
        a++;
        b++;
    }
}

/* A decision that repeats unchanged within a step (a registration updated) is drawn once. */
static void
rep_fold_boxes(struct rep_rows *R)
{
    for (size_t i = 0; i < R->n; i++) {
        struct rep_row *q = &R->rows[i];
        if (q->type != REP_BOX || q->bad || q->token)
            continue;
        for (size_t j = 0; j < i; j++) {
            struct rep_row *p = &R->rows[j];
            if (p->type == REP_BOX && !p->hidden && p->step == q->step && p->from == q->from &&
                strcmp(p->label, q->label) == 0 && !p->bad &&
                rep_same_but_digits(rep_str(p->ev, "summary"), rep_str(q->ev, "summary"))) {
                q->hidden = 1;
                p->folded++;
                break;
            }
        }
    }
}

/* ---- UE populations ---- */

static int
rep_eq(const char *a, const char *b)
{
    return a == NULL || b == NULL ? a == b : strcmp(a, b) == 0;
}

/* Rows alike but for the UE they concern: between the same lifelines, the same exchange (API,
 * method, status, what it carries), handshake mode or decision, with the same cause. */
static int
rep_alike(const struct rep_row *a, const struct rep_row *b)
{
    if (a->type != b->type || a->type == REP_BAND || a->from != b->from || a->to != b->to ||
        a->bad != b->bad || a->token != b->token || a->style != b->style ||
        !rep_eq(rep_str(a->ev, "cause"), rep_str(b->ev, "cause")))
        return 0;
    if (a->type == REP_MSG)
        return a->m.response == b->m.response && a->m.failed == b->m.failed &&
               a->m.status == b->m.status && rep_eq(a->m.method, b->m.method) &&
               rep_eq(a->m.cause, b->m.cause) && evmsg_api(a->m.path) == evmsg_api(b->m.path);
    if (a->type == REP_TLS)
        return rep_eq(rep_str(json_object_get(a->ev, "data"), "mode"),
                      rep_str(json_object_get(b->ev, "data"), "mode"));
    return rep_eq(a->kind, b->kind) && strcmp(a->label, b->label) == 0;
}

/* Fold the rows from first (a population step's band) on into the first row alike. */
static void
rep_pop_compact(struct rep_rows *R, size_t first)
{
    size_t out = first;

    for (size_t i = first; i < R->n; i++) {
        size_t j = first;
        while (j < out && !rep_alike(&R->rows[j], &R->rows[i]))
            j++;
        if (j < out)
            R->rows[j].folded += R->rows[i].folded + 1;
        else
            R->rows[out++] = R->rows[i];
    }
    R->n = out;
}

/* The band of step (its row), from the end; R->n when it has none. */
static size_t
rep_band_of(const struct rep_rows *R, int step)
{
    for (size_t i = R->n; i-- > 0;)
        if (R->rows[i].type == REP_BAND && R->rows[i].step == step)
            return i;
    return R->n;
}

/* ---- the rows ---- */

static void
rep_add_event(struct rep_rows *R, json_t *summary, const struct rep_layout *L, json_t *ev, int step)
{
    const char *kind = rep_str(ev, "kind");
    struct evmsg m;

    if (kind == NULL)
        return;
    if (evmsg_of(ev, &m))
        rep_add_msg(R, summary, L, ev, &m, step);
    else if (strcmp(kind, "notify") == 0 && rep_str(ev, "dir") != NULL &&
             strcmp(rep_str(ev, "dir"), "out") == 0)
        rep_add_notify(R, L, ev);
    else if (strcmp(kind, "tls") == 0 && rep_str(ev, "cause") == NULL &&
             rep_str(json_object_get(ev, "data"), "mode") != NULL)
        rep_add_tls(R, L, ev, step);
    else if (rep_is_box(ev, kind))
        rep_add_box(R, L, ev, kind, step);
}

/* A band for every step begun by step (steps have their band even when they logged nothing). */
static void
rep_bands_upto(struct rep_rows *R, json_t *steps, int step, int *next)
{
    for (; *next <= step && *next < (int)json_array_size(steps); (*next)++) {
        json_t *s = json_array_get(steps, (size_t)*next);
        rep_push(R, REP_BAND, json_number_value(json_object_get(s, "t_start")), *next);
    }
}

int
rep_rows(json_t *summary, json_t *events, const struct rep_layout *L, struct rep_rows *R)
{
    json_t *steps = json_object_get(summary, "steps"), *ev;
    int nsteps = (int)json_array_size(steps), next = 0, lazy_done[2] = {0, 0}, pop_step = -1;
    size_t i;

    memset(R, 0, sizeof(*R));
    if ((R->rows = calloc(REP_ROWS_MAX + 1, sizeof(*R->rows))) == NULL)
        return 0;
    json_array_foreach(events, i, ev)
    {
        double t = json_number_value(json_object_get(ev, "t_mono"));
        int step = rep_step_at(steps, t), edge = step < 0 ? 0 : 1;
        /* Start-up and teardown have a band only when something in them is drawn. */
        int lazy = (step < 0 || step >= nsteps) && !lazy_done[edge];
        size_t before;

        if (step != pop_step && pop_step >= 0) /* a population's step ended */
            rep_pop_compact(R, rep_band_of(R, pop_step));
        rep_bands_upto(R, steps, step, &next);
        R->pop = step >= 0 && rep_is_population(json_array_get(steps, (size_t)step));
        pop_step = R->pop ? step : -1;
        if (R->pop && R->n - rep_band_of(R, step) >= REP_POP_COMPACT)
            rep_pop_compact(R, rep_band_of(R, step));
        before = R->n;
        if (lazy)
            rep_push(R, REP_BAND, t, step);
        rep_add_event(R, summary, L, ev, step);
        if (lazy && R->n == before + 1)
            R->n = before;
        else if (lazy)
            lazy_done[edge] = 1;
    }
    if (pop_step >= 0)
        rep_pop_compact(R, rep_band_of(R, pop_step));
    rep_bands_upto(R, steps, nsteps - 1, &next);
    R->t0 = -1;
    for (i = 0; i < R->n; i++)
        if (R->t0 < 0 || R->rows[i].t < R->t0)
            R->t0 = R->rows[i].t;
    rep_fold_msgs(R);
    rep_fold_boxes(R);
    for (i = 0; i < R->n; i++)
        if (R->rows[i].type == REP_MSG)
            rep_msg_label(&R->rows[i], L);
    return R->n > 0;
}

void
rep_rows_free(struct rep_rows *R)
{
    free(R->rows);
    R->rows = NULL;
    R->n = 0;
}
