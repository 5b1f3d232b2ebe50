/* fuzz_http1.c -- fuzz target of the strict HTTP/1.1 parser (http1.h), for requests (the server)
 * and responses (the client).
 *
 * An input is a kind byte ('Q' a request, 'R' a response, 'H' the response to a HEAD) and the
 * bytes a peer sent. The oracle, beyond no crash and no ASan/UBSan report:
 * - the verdict does not depend on how the bytes arrive: parsed whole, and fed in pieces of 1 to
 *   7 bytes, the result is the same (verdict, status, method, target, fields, body, bytes left);
 * - a refusal has a status of the parser's set (400 413 414 417 431 505 for a request, 413 502
 *   for a response) and a printable sentence;
 * - an accepted message holds what http1.h promises: a token method and an origin-form target of
 *   visible ASCII, field names of tchars and values without NUL or control bytes, at most
 *   H1_MAX_FIELDS fields, exactly one Host in an HTTP/1.1 request, no Transfer-Encoding other
 *   than chunked and never with Content-Length, one Content-Length value which is the body's
 *   length, the body kept only up to max_body;
 * - an accepted request written again canonically (its fields, Content-Length, its body) parses
 *   to the same method, target, fields and body. */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/queue.h>

#include <event2/buffer.h>
#include <event2/http.h>

#include "net/http1.h"

#define MAX_BODY 256
#define HARD_BODY 1024

/* What a parse came to, as one comparable text. */
static char *
summary(struct h1_msg *m, enum h1_result r, size_t left)
{
    struct fz_buf b = {0};
    struct evkeyval *h;

    /* After a refusal the connection closes: how much was read before it does not matter. */
    fz_buf_addf(&b, "r=%d left=%zu", (int)r, r == H1_ERROR ? 0 : left);
    if (r == H1_ERROR) {
        fz_buf_addf(&b, " err=%d", m->err_status);
    } else if (r == H1_DONE) {
        fz_buf_addf(&b, " %s %s 1.%d %d ka=%d big=%d len=%zu\n", m->method,
                    m->target != NULL ? m->target : "-", m->minor, m->status, m->keep_alive,
                    m->too_large, m->body_len);
        TAILQ_FOREACH(h, &m->headers, next)
        {
            fz_buf_addf(&b, "%s: %s\n", h->key, h->value);
        }
        fz_buf_add(&b, evbuffer_pullup(m->body, -1), evbuffer_get_length(m->body));
    }
    fz_buf_add(&b, "", 1);
    return (char *)b.p;
}

/* Parse data (fed in pieces of at most step bytes; 0: whole), then the end of the connection
 * for a response. The message is left in m. */
static enum h1_result
parse(struct h1_msg *m, int kind, const uint8_t *data, size_t n, size_t step, size_t *left)
{
    struct evbuffer *in = evbuffer_new();
    enum h1_result r = H1_MORE;
    size_t off = 0;

    h1_msg_init(m, kind == 'Q' ? H1_REQUEST : H1_RESPONSE, MAX_BODY, HARD_BODY);
    m->head_only = kind == 'H';
    do {
        size_t k = step == 0 ? n - off : (n - off < step ? n - off : step);

        evbuffer_add(in, data + off, k);
        off += k;
        r = h1_parse(m, in);
    } while (r == H1_MORE && off < n);
    if (r == H1_MORE && kind != 'Q')
        r = h1_parse_eof(m);
    *left = evbuffer_get_length(in) + (n - off);
    evbuffer_free(in);
    return r;
}

static int
tchars(const char *s)
{
    if (*s == '\0')
        return 0;
    for (; *s != '\0'; s++)
        if (!strchr("!#$%&'*+-.^_`|~", *s) && !(*s >= '0' && *s <= '9') &&
            !(*s >= 'a' && *s <= 'z') && !(*s >= 'A' && *s <= 'Z'))
            return 0;
    return 1;
}

static int
clean_value(const char *v)
{
    for (; *v != '\0'; v++)
        if (((unsigned char)*v < 0x20 && *v != '\t') || *v == 0x7f)
            return 0;
    return 1;
}

static void
check_fields(struct h1_msg *m, int kind, const uint8_t *in, size_t n)
{
    struct evkeyval *h;
    int hosts = 0, te = 0, cls = 0, count = 0;
    const char *cl = NULL;

    TAILQ_FOREACH(h, &m->headers, next)
    {
        count++;
        if (!tchars(h->key) || !clean_value(h->value))
            fz_finding("http1", in, n, "accepted field %s: %s", h->key, h->value);
        hosts += strcasecmp(h->key, "Host") == 0;
        if (strcasecmp(h->key, "Transfer-Encoding") == 0) {
            te++;
            if (strcasecmp(h->value, "chunked") != 0)
                fz_finding("http1", in, n, "accepted Transfer-Encoding: %s", h->value);
        }
        if (strcasecmp(h->key, "Content-Length") == 0) {
            cls++;
            if (cl != NULL && strtoull(cl, NULL, 10) != strtoull(h->value, NULL, 10))
                fz_finding("http1", in, n, "accepted two Content-Length values");
            cl = h->value;
        }
    }
    if (count > H1_MAX_FIELDS)
        fz_finding("http1", in, n, "accepted %d fields", count);
    if (kind == 'Q' && m->minor == 1 && hosts != 1)
        fz_finding("http1", in, n, "accepted an HTTP/1.1 request with %d Host fields", hosts);
    if (te > 0 && cls > 0)
        fz_finding("http1", in, n, "accepted Transfer-Encoding with Content-Length");
    if (cl != NULL && kind != 'H' && m->status != 204 && m->status != 304 &&
        strtoull(cl, NULL, 10) != m->body_len)
        fz_finding("http1", in, n, "Content-Length %s but a body of %zu bytes", cl, m->body_len);
}

static void
check_accepted(struct h1_msg *m, int kind, const uint8_t *in, size_t n)
{
    size_t kept = evbuffer_get_length(m->body);

    if (kind == 'Q' && (!tchars(m->method) || m->target == NULL || m->target[0] != '/'))
        fz_finding("http1", in, n, "accepted request line %s %s", m->method,
                   m->target ? m->target : "(none)");
    for (const char *p = m->target; p != NULL && *p != '\0'; p++)
        if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
            fz_finding("http1", in, n, "accepted a target with byte 0x%02x", (unsigned char)*p);
    if (kind != 'Q' && (m->status < 200 || m->status > 999))
        fz_finding("http1", in, n, "a final response with status %d", m->status);
    if (kept > MAX_BODY || (!m->too_large && kept != m->body_len) || m->body_len > HARD_BODY)
        fz_finding("http1", in, n, "body: %zu kept, %zu seen, too large %d", kept, m->body_len,
                   m->too_large);
    check_fields(m, kind, in, n);
}

static int
framing_field(const struct evkeyval *h)
{
    return strcasecmp(h->key, "Transfer-Encoding") == 0 ||
           strcasecmp(h->key, "Content-Length") == 0;
}

/* The next field of h's list that is not a framing field (h itself when it is not one). */
static struct evkeyval *
next_field(struct evkeyval *h)
{
    while (h != NULL && framing_field(h))
        h = TAILQ_NEXT(h, next);
    return h;
}

/* Same method, target, fields (the framing ones aside) and body? */
static int
same_request(struct h1_msg *a, struct h1_msg *b)
{
    struct evkeyval *x = next_field(TAILQ_FIRST(&a->headers));
    struct evkeyval *y = next_field(TAILQ_FIRST(&b->headers));
    size_t la = evbuffer_get_length(a->body), lb = evbuffer_get_length(b->body);

    if (strcmp(a->method, b->method) != 0 || strcmp(a->target, b->target) != 0 || la != lb ||
        (la > 0 && memcmp(evbuffer_pullup(a->body, -1), evbuffer_pullup(b->body, -1), la) != 0))
        return 0;
    for (; x != NULL && y != NULL;
         x = next_field(TAILQ_NEXT(x, next)), y = next_field(TAILQ_NEXT(y, next)))
        if (strcmp(x->key, y->key) != 0 || strcmp(x->value, y->value) != 0)
            return 0;
    return x == NULL && y == NULL;
}

/* Write the request again, canonically, and read it back. */
static void
check_round_trip(struct h1_msg *m, const uint8_t *in, size_t n)
{
    struct fz_buf b = {0};
    struct evkeyval *h;
    struct h1_msg again;
    size_t left, blen = evbuffer_get_length(m->body);
    enum h1_result r;
    int framed = 0;

    fz_buf_addf(&b, "%s %s HTTP/1.%d\r\n", m->method, m->target, m->minor);
    TAILQ_FOREACH(h, &m->headers, next)
    {
        if (!framing_field(h))
            fz_buf_addf(&b, "%s: %s\r\n", h->key, h->value);
        framed |= framing_field(h);
    }
    if (framed || blen > 0) /* as many field lines as before */
        fz_buf_addf(&b, "Content-Length: %zu\r\n", blen);
    fz_buf_adds(&b, "\r\n");
    fz_buf_add(&b, evbuffer_pullup(m->body, -1), blen);
    r = parse(&again, 'Q', b.p, b.len, 0, &left);
    if (r != H1_DONE || left != 0 || !same_request(m, &again))
        fz_finding("http1", in, n, "written again, the request reads differently (%s): %.*s",
                   r == H1_ERROR ? again.err : "another request", (int)b.len, b.p);
    h1_msg_clear(&again);
    fz_buf_free(&b);
}

static void
http1_one(const uint8_t *data, size_t n)
{
    struct h1_msg whole, piece;
    size_t left1, left2, step;
    enum h1_result r1, r2;
    char *s1, *s2;
    int kind;

    fz_execs++;
    if (n == 0)
        return;
    kind = data[0] == 'R' || data[0] == 'H' ? data[0] : 'Q';
    step = 1 + n % 7;
    r1 = parse(&whole, kind, data + 1, n - 1, 0, &left1);
    r2 = parse(&piece, kind, data + 1, n - 1, step, &left2);
    s1 = summary(&whole, r1, left1);
    s2 = summary(&piece, r2, left2);
    if (strcmp(s1, s2) != 0)
        fz_finding("http1", data, n, "whole and in pieces of %zu differ:\n%s\n--\n%s", step, s1,
                   s2);
    if (r1 == H1_ERROR && (!fz_printable(whole.err, 1) ||
                           (kind == 'Q' ? whole.err_status != 400 && whole.err_status != 413 &&
                                              whole.err_status != 414 && whole.err_status != 417 &&
                                              whole.err_status != 431 && whole.err_status != 505
                                        : whole.err_status != 502 && whole.err_status != 413)))
        fz_finding("http1", data, n, "refusal %d \"%s\"", whole.err_status, whole.err);
    if (r1 == H1_DONE) {
        fz_accepted++;
        check_accepted(&whole, kind, data, n);
        if (kind == 'Q' && !whole.too_large)
            check_round_trip(&whole, data, n);
    }
    free(s1);
    free(s2);
    h1_msg_clear(&whole);
    h1_msg_clear(&piece);
}

static const char *const requests[] = {
    "QGET /ping HTTP/1.1\r\nHost: e\r\n\r\n",
    "QPOST /json HTTP/1.1\r\nHost: e\r\nContent-Type: application/json\r\nContent-Length: "
    "20\r\n\r\n{\"eecId\":\"eec-0001\"}",
    "QPOST /json HTTP/1.1\r\nHost: e\r\nTransfer-Encoding: chunked\r\n\r\n5;x=1\r\n{\"eec\r\n0\r\n"
    "T: t\r\n\r\n",
    "QGET /a HTTP/1.0\r\n\r\nGET /b HTTP/1.1\r\nHost: e\r\n\r\n",
    "QPOST /x HTTP/1.1\r\nHost: e\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n{}",
    "RHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}",
    "RHTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nLocation: /r/1\r\n"
    "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
    "RHTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end",
    "HHTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n",
    "RHTTP/1.1 204 No Content\r\n\r\n",
};
static const char *const dict[] = {"\r\n",
                                   "\n",
                                   ":",
                                   " ",
                                   "\t",
                                   "\0",
                                   "Content-Length: ",
                                   "Transfer-Encoding: chunked\r\n",
                                   "Host: e\r\n",
                                   "HTTP/1.0",
                                   "ffffffffffff",
                                   ",",
                                   NULL};

static void
http1_campaign(struct fz_rng *r, long iters)
{
    struct fz_buf in = {0};

    for (long i = 0; i < iters; i++) {
        const char *base = requests[fz_below(r, sizeof(requests) / sizeof(requests[0]))];
        size_t first = strcspn(base, "\n") + 1;

        fz_buf_set(&in, base, first);
        if (fz_one_in(r, 6)) /* many fields, or long ones, after the start line */
            for (size_t k = fz_below(r, 120); k > 0; k--)
                fz_buf_adds(&in, fz_one_in(r, 30)
                                     ? "X-Long: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                                       "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n"
                                     : "X-F: v\r\n");
        fz_buf_adds(&in, base + first);
        if (!fz_one_in(r, 8))
            fz_mutate(r, &in, 1 << 14, dict, 6);
        http1_one(in.p, in.len);
    }
    fz_buf_free(&in);
}

const struct fz_target fz_target_http1 = {
    .name = "http1",
    .what = "the strict HTTP/1.1 parser (requests and responses)",
    .setup = NULL,
    .one = http1_one,
    .campaign = http1_campaign,
    .default_iters = 200000,
};
