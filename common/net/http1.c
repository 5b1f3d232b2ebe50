/* http1.c -- reads one HTTP/1.1 message at a time, strictly (RFC 9112; see http1.h).
 *
 * The start line and each field line are taken whole (CRLF-ended, bounded) from the buffer; the
 * header section decides the framing (6.3): Content-Length, chunked, nothing, or for a response
 * the end of the connection. Anything a recipient must refuse is refused here, so neither the
 * server nor the client sees a message two readers could frame differently (request smuggling). */
#include "net/http1.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/queue.h>

#include <event2/http.h>

/* A piece of the input for a refusal's sentence: printable ASCII only (it goes to logs and to a
 * ProblemDetails detail, which must stay valid UTF-8). */
static const char *
h1_show(const char *s, char *buf, size_t len)
{
    size_t i = 0;

    for (; s[i] != '\0' && i + 1 < len; i++)
        buf[i] = (unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f ? s[i] : '?';
    buf[i] = '\0';
    return buf;
}

int
h1_is_tchar(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

int
h1_value_ok(const char *v, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)v[i];

        if ((c < 0x20 && c != '\t') || c == 0x7f)
            return 0;
    }
    return 1;
}

static enum h1_result h1_fail(struct h1_msg *m, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static enum h1_result
h1_fail(struct h1_msg *m, int status, const char *fmt, ...)
{
    va_list ap;

    m->state = H1_FAILED;
    /* A response the client cannot read is a bad gateway's doing (RFC 9110 15.6.3). */
    m->err_status = m->kind == H1_RESPONSE && status != 413 ? 502 : status;
    va_start(ap, fmt);
    // NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): va_start is the line above
    vsnprintf(m->err, sizeof(m->err), fmt, ap);
    va_end(ap);
    return H1_ERROR;
}

int
h1_msg_init(struct h1_msg *m, enum h1_kind kind, size_t max_body, size_t hard_body)
{
    memset(m, 0, sizeof(*m));
    m->kind = kind;
    m->max_body = max_body;
    m->hard_body = hard_body < max_body ? max_body : hard_body;
    TAILQ_INIT(&m->headers);
    if ((m->body = evbuffer_new()) == NULL)
        return -1;
    h1_msg_reset(m);
    return 0;
}

void
h1_msg_reset(struct h1_msg *m)
{
    evhttp_clear_headers(&m->headers);
    free(m->target);
    m->target = NULL;
    if (m->body != NULL)
        evbuffer_drain(m->body, evbuffer_get_length(m->body));
    m->state = H1_START;
    m->method[0] = '\0';
    m->minor = 1;
    m->status = 0;
    m->body_len = 0;
    m->too_large = m->expect_continue = m->head_done = m->bytes_seen = 0;
    m->keep_alive = 1;
    m->head_only = 0;
    m->section_bytes = m->nfields = m->empty_lines = 0;
    m->remaining = 0;
    m->err_status = 0;
    m->err[0] = '\0';
}

void
h1_msg_clear(struct h1_msg *m)
{
    evhttp_clear_headers(&m->headers);
    free(m->target);
    m->target = NULL;
    if (m->body != NULL)
        evbuffer_free(m->body);
    m->body = NULL;
}

/* Take the next CRLF-ended line of at most cap - 1 bytes into buf (NUL-terminated, without the
 * CRLF). 1: a line; 0: not all there yet; -1: refused (m says why). */
static int
h1_line(struct h1_msg *m, struct evbuffer *in, char *buf, size_t cap, size_t *len)
{
    struct evbuffer_ptr p = evbuffer_search_eol(in, NULL, NULL, EVBUFFER_EOL_LF);
    size_t n;

    if (p.pos < 0) {
        if (evbuffer_get_length(in) >= cap)
            h1_fail(m, m->state == H1_START ? 400 : 431, "a line longer than %zu bytes", cap - 2);
        return evbuffer_get_length(in) >= cap ? -1 : 0;
    }
    n = (size_t)p.pos;
    if (n + 1 >= cap) {
        h1_fail(m, m->state == H1_START ? 400 : 431, "a line longer than %zu bytes", cap - 2);
        return -1;
    }
    evbuffer_remove(in, buf, n + 1);
    m->bytes_seen = 1;
    if (n == 0 || buf[n - 1] != '\r') {
        h1_fail(m, 400, "a line ended by a bare LF, not CRLF (RFC 9112 2.2)");
        return -1;
    }
    buf[n - 1] = '\0';
    *len = n - 1;
    if (m->state != H1_START && m->state != H1_CHUNK_SIZE) {
        m->section_bytes += n + 1;
        if (m->section_bytes > H1_MAX_HEAD) {
            h1_fail(m, 431, "header section larger than %zu bytes", H1_MAX_HEAD);
            return -1;
        }
    }
    return 1;
}

/* "HTTP/1.1" -> 1; "HTTP/1.0" -> 0; another version: -2; not a version: -1. */
static int
h1_version(const char *s)
{
    if (strncmp(s, "HTTP/", 5) != 0 || s[5] < '0' || s[5] > '9' || s[6] != '.' || s[7] < '0' ||
        s[7] > '9' || s[8] != '\0')
        return -1;
    if (s[5] != '1' || (s[7] != '0' && s[7] != '1'))
        return -2;
    return s[7] - '0';
}

/* request-line = method SP request-target SP HTTP-version (RFC 9112 3), single spaces. */
static enum h1_result
h1_request_line(struct h1_msg *m, char *line, size_t len)
{
    char *sp1 = memchr(line, ' ', len), *sp2, *target, shown[16];
    size_t mlen;
    int v;

    if (sp1 == NULL || (sp2 = strchr(sp1 + 1, ' ')) == NULL)
        return h1_fail(m, 400, "malformed request line");
    mlen = (size_t)(sp1 - line);
    if (mlen == 0 || mlen >= sizeof(m->method))
        return h1_fail(m, 400, "malformed method");
    for (size_t i = 0; i < mlen; i++)
        if (!h1_is_tchar((unsigned char)line[i]))
            return h1_fail(m, 400, "malformed method");
    target = sp1 + 1;
    if (sp2 == target || (size_t)(sp2 - target) > H1_MAX_TARGET)
        return h1_fail(m, sp2 == target ? 400 : 414, "request-target empty or too long");
    for (char *p = target; p < sp2; p++)
        if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
            return h1_fail(m, 400, "a control, space or non-ASCII byte in the request-target");
    if ((v = h1_version(sp2 + 1)) == -2)
        return h1_fail(m, 505, "HTTP version %s not supported", h1_show(sp2 + 1, shown, 16));
    if (v < 0)
        return h1_fail(m, 400, "malformed HTTP version");
    memcpy(m->method, line, mlen);
    m->method[mlen] = '\0';
    if ((m->target = strndup(target, (size_t)(sp2 - target))) == NULL)
        return h1_fail(m, 500, "out of memory");
    m->minor = v;
    return H1_MORE;
}

/* status-line = HTTP-version SP status-code SP [ reason-phrase ] (RFC 9112 4). */
static enum h1_result
h1_status_line(struct h1_msg *m, char *line, size_t len)
{
    int v;

    if (len < 12 || line[8] != ' ' || (line[12] != ' ' && line[12] != '\0'))
        return h1_fail(m, 502, "malformed status line");
    line[8] = '\0';
    if ((v = h1_version(line)) < 0)
        return h1_fail(m, 502, "malformed or unsupported HTTP version in the status line");
    for (int i = 9; i < 12; i++)
        if (line[i] < '0' || line[i] > '9')
            return h1_fail(m, 502, "malformed status code");
    m->status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
    if (m->status < 100 || !h1_value_ok(line + 12, len - 12))
        return h1_fail(m, 502, "malformed status line");
    m->minor = v;
    return H1_MORE;
}

/* field-line = field-name ":" OWS field-value OWS (RFC 9112 5). Kept when store. */
static enum h1_result
h1_field_line(struct h1_msg *m, char *line, size_t len, int store)
{
    char *colon = memchr(line, ':', len), *v, *end;

    if (line[0] == ' ' || line[0] == '\t')
        return h1_fail(m, 400, "obs-fold (a field line continued on the next line, RFC 9112 5.2)");
    if (++m->nfields > H1_MAX_FIELDS)
        return h1_fail(m, 431, "more than %d field lines", H1_MAX_FIELDS);
    if (colon == NULL || colon == line)
        return h1_fail(m, 400, "a field line without a name");
    for (char *p = line; p < colon; p++)
        if (!h1_is_tchar((unsigned char)*p))
            return h1_fail(m, 400, "a malformed field name%s",
                           *p == ' ' || *p == '\t' ? " (whitespace before the colon, RFC 9112 5.1)"
                                                   : "");
    *colon = '\0';
    v = colon + 1;
    end = line + len;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    if (!h1_value_ok(v, (size_t)(end - v)) || memchr(v, '\0', (size_t)(end - v)) != NULL)
        return h1_fail(m, 400, "NUL or a control byte in the value of %.64s", line);
    *end = '\0';
    if (store && evhttp_add_header(&m->headers, line, v) < 0)
        return h1_fail(m, 400, "field %.64s refused", line);
    return H1_MORE;
}

/* How many fields named name, and is each a well-formed list of one repeated Content-Length
 * (RFC 9110 8.6)? Returns the count; *len the value, *bad set on a malformed or differing value. */
static int
h1_content_length(struct h1_msg *m, uint64_t *len, int *bad)
{
    struct evkeyval *h;
    int n = 0, have = 0;

    TAILQ_FOREACH(h, &m->headers, next)
    {
        const char *p = h->value;

        if (strcasecmp(h->key, "Content-Length") != 0)
            continue;
        n++;
        do {
            uint64_t v = 0;
            size_t digits = 0;

            p += strspn(p, " \t");
            for (; *p >= '0' && *p <= '9' && digits < 19; p++, digits++)
                v = v * 10 + (uint64_t)(*p - '0');
            p += strspn(p, " \t");
            if (digits == 0 || (*p != ',' && *p != '\0') || (have && v != *len))
                *bad = 1;
            *len = v;
            have = 1;
        } while (*p++ == ',' && !*bad);
    }
    return n;
}

static int
h1_count(struct h1_msg *m, const char *name)
{
    struct evkeyval *h;
    int n = 0;

    TAILQ_FOREACH(h, &m->headers, next)
    {
        n += strcasecmp(h->key, name) == 0;
    }
    return n;
}

/* Does some field named name hold token (comma-separated, case-insensitive)? */
static int
h1_has_token(struct h1_msg *m, const char *name, const char *token)
{
    struct evkeyval *h;
    size_t tl = strlen(token);

    TAILQ_FOREACH(h, &m->headers, next)
    {
        const char *p = h->value;

        if (strcasecmp(h->key, name) != 0)
            continue;
        while (*p != '\0') {
            size_t n;

            p += strspn(p, " \t,");
            n = strcspn(p, " \t,");
            if (n == tl && strncasecmp(p, token, n) == 0)
                return 1;
            p += n;
        }
    }
    return 0;
}

/* Transfer-Encoding: exactly "chunked" (RFC 9112 6.1, 7); 1 chunked, 0 absent, -1 refused. */
static int
h1_chunked(struct h1_msg *m)
{
    const char *te = evhttp_find_header(&m->headers, "Transfer-Encoding");
    size_t n;

    if (te == NULL)
        return 0;
    if (h1_count(m, "Transfer-Encoding") != 1)
        return -1;
    te += strspn(te, " \t");
    n = strcspn(te, " \t,");
    if (n != 7 || strncasecmp(te, "chunked", 7) != 0 || te[n + strspn(te + n, " \t")] != '\0')
        return -1;
    return 1;
}

/* Request fields every server checks (RFC 9112 3.2, RFC 9110 10.1.1). */
static enum h1_result
h1_request_fields(struct h1_msg *m)
{
    int hosts = h1_count(m, "Host");
    const char *expect = evhttp_find_header(&m->headers, "Expect");
    char shown[40];

    if (hosts > 1)
        return h1_fail(m, 400, "two Host fields (RFC 9112 3.2)");
    if (hosts == 0 && m->minor == 1)
        return h1_fail(m, 400, "an HTTP/1.1 request without Host (RFC 9112 3.2)");
    if (expect != NULL) {
        if (h1_count(m, "Expect") != 1 || strcasecmp(expect, "100-continue") != 0)
            return h1_fail(m, 417, "expectation %s not supported",
                           h1_show(expect, shown, sizeof(shown)));
        m->expect_continue = m->minor == 1;
    }
    if (m->target[0] != '/')
        return h1_fail(m, 400, "request-target not in origin-form (an absolute path)");
    return H1_MORE;
}

/* The header section is complete: check it and pick the framing (RFC 9112 6.3). */
static enum h1_result
h1_head_done(struct h1_msg *m)
{
    uint64_t len = 0;
    int bad = 0, ncl = h1_content_length(m, &len, &bad), chunked = h1_chunked(m);

    m->head_done = 1;
    m->section_bytes = m->nfields = 0;
    if (m->kind == H1_REQUEST && h1_request_fields(m) == H1_ERROR)
        return H1_ERROR;
    if (chunked < 0 || (chunked && m->minor == 0))
        return h1_fail(m, 400, "a transfer coding other than chunked (RFC 9112 6.1)");
    if (chunked && ncl > 0)
        return h1_fail(m, 400, "both Transfer-Encoding and Content-Length (RFC 9112 6.3)");
    if (bad)
        return h1_fail(m, 400, "malformed or differing Content-Length values (RFC 9110 8.6)");
    if (h1_has_token(m, "Connection", "close") || m->minor == 0)
        m->keep_alive = 0;
    if (m->kind == H1_RESPONSE &&
        (m->head_only || m->status == 204 || m->status == 304 || m->status < 200)) {
        m->state = H1_COMPLETE;
    } else if (chunked) {
        m->state = H1_CHUNK_SIZE;
    } else if (ncl > 0) {
        if (len > m->hard_body)
            return h1_fail(m, 413, "a body of %llu bytes (limit %zu)", (unsigned long long)len,
                           m->max_body);
        m->remaining = len;
        m->state = len > 0 ? H1_BODY_LENGTH : H1_COMPLETE;
    } else {
        m->state = m->kind == H1_RESPONSE ? H1_BODY_CLOSE : H1_COMPLETE;
        m->keep_alive = m->kind == H1_REQUEST && m->keep_alive;
    }
    return H1_MORE;
}

/* Keep n body bytes of in, or drop them once the body is over max_body. */
static void
h1_take(struct h1_msg *m, struct evbuffer *in, size_t n)
{
    if (!m->too_large && m->body_len + n <= m->max_body) {
        evbuffer_remove_buffer(in, m->body, n);
    } else {
        m->too_large = 1;
        evbuffer_drain(m->body, evbuffer_get_length(m->body));
        evbuffer_drain(in, n);
    }
    m->body_len += n;
}

/* chunk-size [ chunk-ext ] CRLF (RFC 9112 7.1); extensions are ignored. */
static enum h1_result
h1_chunk_size(struct h1_msg *m, const char *line)
{
    uint64_t v = 0;
    size_t digits = 0;
    const char *p = line;

    for (; digits < 15; p++, digits++) {
        int d = *p >= '0' && *p <= '9'   ? *p - '0'
                : *p >= 'a' && *p <= 'f' ? *p - 'a' + 10
                : *p >= 'A' && *p <= 'F' ? *p - 'A' + 10
                                         : -1;
        if (d < 0)
            break;
        v = v * 16 + (uint64_t)d;
    }
    p += strspn(p, " \t");
    if (digits == 0 || (*p != '\0' && *p != ';'))
        return h1_fail(m, 400, "malformed chunk size");
    if (m->body_len + v > m->hard_body)
        return h1_fail(m, 413, "a chunked body larger than %zu bytes", m->max_body);
    m->remaining = v;
    m->state = v == 0 ? H1_TRAILER : H1_CHUNK_DATA;
    return H1_MORE;
}

static enum h1_result
h1_body(struct h1_msg *m, struct evbuffer *in)
{
    size_t avail = evbuffer_get_length(in), n;

    if (m->state == H1_BODY_CLOSE) {
        if (m->body_len + avail > m->hard_body)
            return h1_fail(m, 502, "a response body larger than %zu bytes", m->hard_body);
        h1_take(m, in, avail);
        return H1_MORE;
    }
    if (m->state == H1_CHUNK_CRLF) {
        unsigned char crlf[2];

        if (avail < 2)
            return H1_MORE;
        evbuffer_remove(in, crlf, 2);
        if (crlf[0] != '\r' || crlf[1] != '\n')
            return h1_fail(m, 400, "chunk data not ended by CRLF");
        m->state = H1_CHUNK_SIZE;
        return H1_MORE;
    }
    n = avail < m->remaining ? avail : (size_t)m->remaining;
    h1_take(m, in, n);
    m->remaining -= n;
    if (m->remaining == 0)
        m->state = m->state == H1_CHUNK_DATA ? H1_CHUNK_CRLF : H1_COMPLETE;
    return H1_MORE;
}

/* One line of the start line, header section, chunk size or trailer section. */
static enum h1_result
h1_line_step(struct h1_msg *m, struct evbuffer *in, int *progress)
{
    char line[H1_MAX_LINE + 2];
    size_t len;
    int r = h1_line(m, in, line, sizeof(line), &len);

    *progress = r > 0;
    if (r <= 0)
        return r < 0 ? H1_ERROR : H1_MORE;
    switch (m->state) {
    case H1_START:
        if (len == 0 && m->kind == H1_REQUEST && ++m->empty_lines <= H1_MAX_EMPTY_LINES)
            return H1_MORE;
        m->state = H1_FIELDS;
        return m->kind == H1_REQUEST ? h1_request_line(m, line, len) : h1_status_line(m, line, len);
    case H1_FIELDS:
        return len == 0 ? h1_head_done(m) : h1_field_line(m, line, len, 1);
    case H1_CHUNK_SIZE:
        return h1_chunk_size(m, line);
    default: /* H1_TRAILER: fields checked, then dropped (RFC 9112 7.1.2) */
        if (len == 0) {
            m->state = H1_COMPLETE;
            return H1_MORE;
        }
        return h1_field_line(m, line, len, 0);
    }
}

enum h1_result
h1_parse(struct h1_msg *m, struct evbuffer *in)
{
    int progress = 1;

    while (progress) {
        enum h1_result r = H1_MORE;
        size_t before = evbuffer_get_length(in);

        if (m->state == H1_FAILED)
            return H1_ERROR;
        if (m->state == H1_COMPLETE) {
            /* An interim 1xx response is skipped: the final one follows (RFC 9110 15.2). */
            if (m->kind == H1_RESPONSE && m->status < 200) {
                int head_only = m->head_only;

                h1_msg_reset(m);
                m->head_only = head_only;
                continue;
            }
            return H1_DONE;
        }
        if (m->state == H1_START || m->state == H1_FIELDS || m->state == H1_CHUNK_SIZE ||
            m->state == H1_TRAILER) {
            r = h1_line_step(m, in, &progress);
        } else {
            r = h1_body(m, in);
            progress = evbuffer_get_length(in) < before;
            m->bytes_seen |= progress;
        }
        if (r == H1_ERROR)
            return H1_ERROR;
    }
    return m->state == H1_COMPLETE && !(m->kind == H1_RESPONSE && m->status < 200) ? H1_DONE
                                                                                   : H1_MORE;
}

enum h1_result
h1_parse_eof(struct h1_msg *m)
{
    if (m->state == H1_BODY_CLOSE) {
        m->state = H1_COMPLETE;
        m->keep_alive = 0;
        return H1_DONE;
    }
    if (m->state == H1_COMPLETE && !(m->kind == H1_RESPONSE && m->status < 200))
        return H1_DONE;
    if (m->state == H1_START && !m->bytes_seen)
        return H1_MORE;
    return h1_fail(m, 400, "the connection closed mid-message");
}
