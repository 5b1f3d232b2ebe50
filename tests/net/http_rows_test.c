/* http_rows_test.c -- the rows of http_rows.txt against the HTTPS server of common/net: each raw
 * HTTP/1.1 request (inside TLS, ALPN http/1.1) or HTTP/2 request, and the status (close, interim
 * 100, detail) it must get. What a strict server refuses (RFC 9112, RFC 9110) is data, not code.
 * Usage: net_http_rows_test GEN_CREDS_SCRIPT ROWS_FILE */
#include <ctype.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include <event2/event.h>

#include "fixture.h"
#include "net/http1.h"
#include "net/http_client.h"
#include "net/http_server.h"
#include "rawtls.h"

#define ECS "ecs1.edge.test"
#define ROW_MAX (64 * 1024)

static char dir[4096];
static struct event_base *base;
static unsigned short port;
static struct tls_ctx *ctls;

/* Expand @FIELDS:N, @BODY:N, @LONG:N, then the escapes \r \n \t \\ \xHH, into out. */
static size_t
row_bytes(const char *in, char *out, size_t cap)
{
    size_t n = 0;

    while (*in != '\0' && n + 32 < cap) {
        long k;
        char *end;

        if (*in == '@' && (strncmp(in, "@FIELDS:", 8) == 0 || strncmp(in, "@BODY:", 6) == 0 ||
                           strncmp(in, "@LONG:", 6) == 0)) {
            char kind = in[1];

            k = strtol(strchr(in, ':') + 1, &end, 10);
            for (long i = 0; i < k && n + 32 < cap; i++)
                n += kind == 'F'
                         ? (size_t)snprintf(out + n, cap - n, "X-F%ld: v\r\n", i)
                         : (size_t)snprintf(out + n, cap - n, "%c", kind == 'B' ? ' ' : 'A');
            in = end;
        } else if (*in == '\\' && in[1] != '\0') {
            in++;
            if (*in == 'x' && isxdigit((unsigned char)in[1]) && isxdigit((unsigned char)in[2])) {
                char hex[3] = {in[1], in[2], '\0'};
                out[n++] = (char)strtol(hex, NULL, 16);
                in += 3;
                continue;
            }
            out[n++] = *in == 'r' ? '\r' : *in == 'n' ? '\n' : *in == 't' ? '\t' : *in;
            in++;
        } else {
            out[n++] = *in++;
        }
    }
    return n;
}

struct h1_wait {
    struct rawtls *c;
    struct h1_msg msg;
    enum h1_result r;
};

static int
h1_answered(void *arg)
{
    struct h1_wait *w = arg;

    if (w->r == H1_MORE)
        w->r = h1_parse(&w->msg, w->c->got);
    if (w->r == H1_MORE && w->c->closed)
        w->r = h1_parse_eof(&w->msg);
    return w->r != H1_MORE || w->c->closed;
}

static int
h1_closed(void *arg)
{
    return ((struct h1_wait *)arg)->c->closed;
}

/* Send the raw request; its status, and (when want_close) whether the server closed after. */
static int
run_h1(const char *req, size_t len, char *body, size_t cap, int want_close, int *closed)
{
    struct h1_wait w = {.r = H1_MORE};
    int status = 0;
    size_t n;

    if (h1_msg_init(&w.msg, H1_RESPONSE, ROW_MAX, ROW_MAX) < 0 ||
        (w.c = rawtls_open(base, ctls, ECS, port, "http/1.1", req, len, 0)) == NULL) {
        h1_msg_clear(&w.msg);
        return -1;
    }
    fixture_loop_until(base, h1_answered, &w, 5000);
    if (w.r == H1_DONE) {
        status = w.msg.status;
        n = evbuffer_remove(w.msg.body, body, cap - 1);
        body[n > 0 ? n : 0] = '\0';
    }
    *closed = want_close ? fixture_loop_until(base, h1_closed, &w, 2000) : w.c->closed;
    rawtls_free(w.c);
    h1_msg_clear(&w.msg);
    return status;
}

/* "METHOD PATH\nname: value\n...\n\nbody" over HTTP/2 with common/net's client. */
static int
run_h2(char *req, char *body, size_t cap)
{
    const char *hdrs[64];
    char *line, *next, *sp, *b = strstr(req, "\n\n"), err[EDGE_ERR_LEN];
    struct http_client_config cc = {.tls = ctls};
    struct http_client_req r = {.fqdn = ECS, .addr = "127.0.0.1", .port = port, .headers = hdrs};
    struct http_client_result res;
    struct http_client *cl;
    size_t nh = 0;
    int status;

    if (b == NULL || (cl = http_client_new(base, &cc, err)) == NULL)
        return -1;
    *b = '\0';
    r.body = b + 2;
    r.body_len = strlen(r.body);
    next = strchr(req, '\n');
    if (next != NULL)
        *next++ = '\0';
    if ((sp = strchr(req, ' ')) == NULL)
        return -1;
    *sp = '\0';
    r.method = req;
    r.path = sp + 1;
    for (line = next; line != NULL && nh + 2 < 64; line = next) {
        char *colon = strchr(line, ':');

        next = strchr(line, '\n');
        if (next != NULL)
            *next++ = '\0';
        if (colon == NULL)
            continue;
        *colon = '\0';
        hdrs[nh++] = line;
        hdrs[nh++] = colon + 1 + strspn(colon + 1, " ");
    }
    hdrs[nh] = NULL;
    http_client_fetch(cl, &r, &res, err);
    status = res.status;
    snprintf(body, cap, "%s", res.body != NULL ? res.body : res.error);
    http_client_result_free(&res);
    http_client_free(cl);
    return status;
}

/* One row: name, proto, expect, request[, detail]. */
static void
run_row(char **f, int nf, int lineno, void *arg)
{
    static char req[ROW_MAX], body[ROW_MAX];
    int status, closed = 0, want;
    size_t len;

    (void)arg;
    if (nf < 5)
        f[4] = NULL;
    if (nf < 4) {
        CHECK(0, "http_rows.txt:%d: expected name, proto, expect, request", lineno);
        return;
    }
    want = atoi(f[2]);
    len = row_bytes(f[3], req, sizeof(req));
    req[len] = '\0';
    if (strcmp(f[1], "h2") == 0)
        status = run_h2(req, body, sizeof(body));
    else
        status = run_h1(req, len, body, sizeof(body), strstr(f[2], "+close") != NULL, &closed);
    CHECK(status == want, "row %s: expected %d, got %d (%.200s)", f[0], want, status, body);
    CHECK(strstr(f[2], "+close") == NULL || closed,
          "row %s: expected the server to close the connection after its %d", f[0], want);
    CHECK(f[4] == NULL || strstr(body, f[4]) != NULL,
          "row %s: expected the answer to say \"%s\", got %.300s", f[0], f[4], body);
}

/* RFC 9110 10.1.1: a client that sent only the header section with "Expect: 100-continue" gets
 * the interim 100 before it sends the body (a client that sent the body at once gets the final
 * answer only: row ok-expect-continue). Checked on the raw bytes. */
static void
check_continue(void)
{
    static const char req[] = "POST /echo HTTP/1.1\r\nHost: e\r\nContent-Type: application/json\r\n"
                              "Expect: 100-continue\r\nContent-Length: 2\r\n\r\n";
    struct rawtls *c = rawtls_open(base, ctls, ECS, port, "http/1.1", req, sizeof(req) - 1, 0);
    struct h1_wait w = {.c = c, .r = H1_MORE};
    char head[32] = "";

    if (c == NULL || h1_msg_init(&w.msg, H1_RESPONSE, ROW_MAX, ROW_MAX) < 0)
        return;
    /* Nothing but the header section was sent: only the interim answer can come. */
    fixture_loop_until(base, h1_closed, &w, 300);
    evbuffer_copyout(c->got, head, sizeof(head) - 1);
    CHECK(strncmp(head, "HTTP/1.1 100 Continue\r\n\r\n", 25) == 0,
          "Expect: 100-continue: expected \"HTTP/1.1 100 Continue\" before the body, got \"%s\"",
          head);
    rawtls_free(c);
    h1_msg_clear(&w.msg);
}

int
main(int argc, char **argv)
{
    struct http_server_config hc = {.addr = "127.0.0.1", .max_body = 1024};
    struct http_server *srv = NULL;
    struct tls_ctx *stls = NULL;
    char err[EDGE_ERR_LEN];
    int rows = 0, rc;

    if ((rc = fixture_start(argc, argv, 2, "GEN_CREDS_SCRIPT ROWS_FILE", dir)) != 0)
        return rc;
    signal(SIGPIPE, SIG_IGN);
    base = event_base_new();
    if (fixture_tls_pair(dir, &stls, &ctls, err) < 0) {
        CHECK(0, "TLS: %s", err);
        goto done;
    }
    hc.tls = stls;
    if ((srv = http_server_new(base, &hc, err)) == NULL ||
        http_server_route(srv, "POST", "/echo", fixture_h_echo, NULL, err) < 0 ||
        http_server_route(srv, "GET", "/items/{itemId}", fixture_h_item, NULL, err) < 0) {
        CHECK(0, "server: %s", err);
        goto done;
    }
    port = http_server_port(srv);
    rows = fixture_rows(argv[2], 5, run_row, NULL);
    CHECK(rows > 0, "no rows in %s", argv[2]);
    check_continue();
    printf("%d rows\n", rows);
done:
    http_server_free(srv);
    tls_ctx_free(ctls);
    tls_ctx_free(stls);
    event_base_free(base);
    return fixture_finish(dir, "http_rows");
}
