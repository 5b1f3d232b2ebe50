/* http1.h -- the strict HTTP/1.1 message parser (RFC 9112) of the server and of the client.
 *
 * evhttp accepted what RFC 9112 tells a recipient to refuse; this parser reads a request or a
 * response incrementally from an evbuffer and refuses, with a status and a sentence naming what
 * was wrong: a line not ended by CRLF, obs-fold (5.2), whitespace before a field's colon (5.1), NUL
 * or another control byte in a field value (RFC 9110 5.5), a request of HTTP/1.1 without Host or
 * with two (3.2), two different Content-Length (6.3), Transfer-Encoding other than "chunked" or
 * together with Content-Length (6.1, 6.3), a malformed chunk (7.1). Lines, the header section and
 * the number of fields are bounded; a body beyond max_body is read and dropped (the caller answers
 * 413), one beyond hard_body is an error at once (the connection must close). */
#ifndef EDGE_HTTP1_H
#define EDGE_HTTP1_H

#include <stddef.h>
#include <stdint.h>

#include <event2/buffer.h>
#include <event2/keyvalq_struct.h>

#include "base/err.h"

#define H1_MAX_LINE 8192 /* request line, status line, a field line, a chunk-size line */
#define H1_MAX_HEAD ((size_t)16 * 1024) /* the header section (and the trailer section) */
#define H1_MAX_FIELDS 100               /* field lines in a section */
#define H1_MAX_TARGET 4096              /* request-target */
#define H1_MAX_EMPTY_LINES 4            /* CRLFs tolerated before a request line (RFC 9112 2.2) */

enum h1_kind { H1_REQUEST, H1_RESPONSE };

enum h1_result {
    H1_MORE,  /* the message is not complete: feed more bytes */
    H1_DONE,  /* a whole message: the bytes after it stay in the buffer */
    H1_ERROR, /* malformed: err_status and err say why; the connection must close */
};

enum h1_state {
    H1_START,
    H1_FIELDS,
    H1_BODY_LENGTH,
    H1_BODY_CLOSE, /* a response delimited by the end of the connection (RFC 9112 6.3 item 8) */
    H1_CHUNK_SIZE,
    H1_CHUNK_DATA,
    H1_CHUNK_CRLF,
    H1_TRAILER,
    H1_COMPLETE,
    H1_FAILED,
};

struct h1_msg {
    enum h1_kind kind;
    enum h1_state state;
    size_t max_body;  /* body bytes kept; more are read and dropped (too_large) */
    size_t hard_body; /* beyond this the message is refused (413) without reading it */
    int head_only;    /* a response to HEAD: no body, whatever its fields say */
    /* The message. */
    char method[16];
    char *target; /* request: as received (origin-form) */
    int minor;    /* HTTP/1.<minor> */
    int status;   /* response */
    struct evkeyvalq headers;
    struct evbuffer *body;
    size_t body_len; /* body bytes seen, kept or not */
    int too_large;   /* body_len > max_body: the body was dropped */
    int keep_alive;  /* the connection may carry another message after this one */
    int expect_continue;
    int head_done; /* the header section is complete (a 100 Continue may go now) */
    /* Progress. */
    size_t section_bytes, nfields, empty_lines;
    uint64_t remaining;
    int bytes_seen; /* some byte of this message was consumed */
    /* H1_ERROR: a status to answer with (a request: 400, 413, 414, 417, 431, 505; a response: 413,
     * else 502) and why. */
    int err_status;
    char err[EDGE_ERR_LEN];
};

/* max_body 0: no body kept; hard_body < max_body is raised to max_body. -1 when out of memory. */
int h1_msg_init(struct h1_msg *m, enum h1_kind kind, size_t max_body, size_t hard_body);
/* Ready for the next message on the same connection (keeps kind and limits). */
void h1_msg_reset(struct h1_msg *m);
void h1_msg_clear(struct h1_msg *m);
/* Consume what in holds of the message. */
enum h1_result h1_parse(struct h1_msg *m, struct evbuffer *in);
/* The peer closed: a response delimited by the close is now complete (H1_DONE); a message cut
 * short is H1_ERROR; nothing begun is H1_MORE. */
enum h1_result h1_parse_eof(struct h1_msg *m);

/* Is c a tchar (RFC 9110 5.6.2)? */
int h1_is_tchar(unsigned char c);
/* Is a field value made of VCHAR, obs-text, SP and HTAB only (RFC 9110 5.5)? */
int h1_value_ok(const char *v, size_t len);

#endif
