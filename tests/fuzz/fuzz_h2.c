/* fuzz_h2.c -- fuzz target of the HTTP/2 path of the HTTPS server (http_server_h2.c, nghttp2,
 * http_req.c, the routed handlers), fed frames inside a mutual-TLS connection that chose "h2".
 *
 * An input is the byte stream after the TLS handshake (the client connection preface, frames);
 * the target appends a PING whose ACK marks the end of the server's answer. The campaign builds
 * frame sequences (HPACK header blocks of well-formed and malformed fields, split over
 * CONTINUATION, bodies in DATA frames, resets, window updates, settings, unknown frames, streams
 * out of order) and sometimes mutates their bytes. The oracle: the server (the child process of
 * fuzz_tls.c) stays alive; its answer is a sequence of well-formed frames that begins with its
 * SETTINGS, never larger than the default frame size, with each header block decoding (HPACK)
 * to a response whose first field is a :status of 100..599 and whose names are lower case; and a
 * valid request afterwards still gets 200. */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nghttp2/nghttp2.h>

#define H2_PREFACE "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
#define H2_MARK "edgesim!"
#define H2_MAX_FRAME 16384
#define H2_ANSWER_CAP (256 * 1024)

enum {
    T_DATA,
    T_HEADERS,
    T_PRIORITY,
    T_RST,
    T_SETTINGS,
    T_PUSH,
    T_PING,
    T_GOAWAY,
    T_WINDOW,
    T_CONT
};

static void
frame(struct fz_buf *b, unsigned type, unsigned flags, uint32_t stream, const void *p, size_t len)
{
    uint8_t h[9] = {
        (uint8_t)(len >> 16),    (uint8_t)(len >> 8),    (uint8_t)len,
        (uint8_t)type,           (uint8_t)flags,         (uint8_t)((stream >> 24) & 0x7f),
        (uint8_t)(stream >> 16), (uint8_t)(stream >> 8), (uint8_t)stream};

    fz_buf_add(b, h, 9);
    if (len > 0)
        fz_buf_add(b, p, len);
}

/* ---- the oracle ---- */

static size_t
frame_len(const uint8_t *p)
{
    return ((size_t)p[0] << 16) | ((size_t)p[1] << 8) | p[2];
}

/* Did the server answer the marker PING (or say GOAWAY, after which it closes)? */
static int
h2_done(const struct fz_buf *ans)
{
    for (size_t off = 0; off + 9 <= ans->len; off += 9 + frame_len(ans->p + off)) {
        const uint8_t *f = ans->p + off;

        if (off + 9 + frame_len(f) > ans->len)
            return 0;
        if (f[3] == T_GOAWAY ||
            (f[3] == T_PING && (f[4] & 1) && frame_len(f) == 8 && memcmp(f + 9, H2_MARK, 8) == 0))
            return 1;
    }
    return 0;
}

/* A header block the server sent: a response, :status first, names in lower case. */
static void
check_block(nghttp2_hd_inflater *inf, const uint8_t *in, size_t n, const uint8_t *blk, size_t len)
{
    int first = 1;

    for (;;) {
        nghttp2_nv nv;
        int flags = 0;
        ssize_t used = nghttp2_hd_inflate_hd2(inf, &nv, &flags, blk, len, 1);

        if (used < 0) {
            fz_finding("h2", in, n, "the server's header block does not decode: %s",
                       nghttp2_strerror((int)used));
            return;
        }
        blk += used;
        len -= (size_t)used;
        if (flags & NGHTTP2_HD_INFLATE_EMIT) {
            for (size_t i = 0; i < nv.namelen; i++)
                if (nv.name[i] >= 'A' && nv.name[i] <= 'Z')
                    fz_finding("h2", in, n, "an upper-case field name in the answer: %.*s",
                               (int)nv.namelen, nv.name);
            if (first && (nv.namelen != 7 || memcmp(nv.name, ":status", 7) != 0 ||
                          nv.valuelen != 3 || nv.value[0] < '1' || nv.value[0] > '5'))
                fz_finding("h2", in, n, "a response without :status first: %.*s: %.*s",
                           (int)nv.namelen, nv.name, (int)nv.valuelen, nv.value);
            fz_accepted += first && nv.valuelen == 3 && nv.value[0] == '2';
            if (first && getenv("EDGESIM_FUZZ_VERBOSE") != NULL)
                printf("h2: answer %.*s\n", (int)nv.valuelen, nv.value);
            first = 0;
        }
        if (flags & NGHTTP2_HD_INFLATE_FINAL) {
            nghttp2_hd_inflate_end_headers(inf);
            return;
        }
        if (used == 0 && !(flags & NGHTTP2_HD_INFLATE_EMIT))
            return;
    }
}

/* The fields of a HEADERS frame, without padding and priority. */
static const uint8_t *
headers_fields(const uint8_t *f, size_t len, size_t *out)
{
    size_t skip = 0, pad = 0;

    if (f[4] & NGHTTP2_FLAG_PADDED) {
        pad = len > 0 ? f[9] : 0;
        skip = 1;
    }
    if (f[4] & NGHTTP2_FLAG_PRIORITY)
        skip += 5;
    if (skip + pad > len)
        return NULL;
    *out = len - skip - pad;
    return f + 9 + skip;
}

static void
h2_check(const uint8_t *in, size_t n, const struct fz_buf *ans)
{
    nghttp2_hd_inflater *inf = NULL;
    struct fz_buf blk = {0};
    size_t off = 0, len;
    int first = 1, in_block = 0;

    if (ans->len == 0 || nghttp2_hd_inflate_new(&inf) != 0)
        return; /* the server may close at once on a bad preface */
    for (; off + 9 <= ans->len && off < H2_ANSWER_CAP - 9; off += 9 + len) {
        const uint8_t *f = ans->p + off, *fields;
        uint32_t sid =
            ((uint32_t)(f[5] & 0x7f) << 24) | ((uint32_t)f[6] << 16) | ((uint32_t)f[7] << 8) | f[8];
        size_t flen;

        len = frame_len(f);
        if (len > H2_MAX_FRAME || off + 9 + len > ans->len) {
            if (ans->len < H2_ANSWER_CAP)
                fz_finding("h2", in, n, "a frame of %zu bytes at offset %zu of %zu", len, off,
                           ans->len);
            break;
        }
        if (first && (f[3] != T_SETTINGS || sid != 0 || (f[4] & 1)))
            fz_finding("h2", in, n, "the server's first frame is not its SETTINGS (type %u)", f[3]);
        first = 0;
        if (f[3] > T_CONT ||
            ((f[3] == T_HEADERS || f[3] == T_DATA || f[3] == T_RST) && (sid == 0 || sid % 2 == 0)))
            fz_finding("h2", in, n, "a frame of type %u on stream %u from the server", f[3], sid);
        if (in_block && f[3] != T_CONT)
            fz_finding("h2", in, n, "a header block not continued by CONTINUATION");
        if (f[3] == T_HEADERS && (fields = headers_fields(f, len, &flen)) != NULL) {
            blk.len = 0;
            fz_buf_add(&blk, fields, flen);
            in_block = !(f[4] & NGHTTP2_FLAG_END_HEADERS);
        } else if (f[3] == T_CONT && in_block) {
            fz_buf_add(&blk, f + 9, len);
            in_block = !(f[4] & NGHTTP2_FLAG_END_HEADERS);
        }
        if ((f[3] == T_HEADERS || f[3] == T_CONT) && !in_block)
            check_block(inf, in, n, blk.p, blk.len);
    }
    fz_buf_free(&blk);
    nghttp2_hd_inflate_del(inf);
}

static void
h2_one(const uint8_t *data, size_t n)
{
    struct fz_buf out = {0}, ans = {0};

    fz_execs++;
    if (!fz_https_up())
        return;
    fz_buf_set(&out, data, n);
    frame(&out, T_PING, 0, 0, H2_MARK, 8);
    double t0 = fz_seconds();
    if (fz_https_exchange(data, n, out.p, out.len, "h2", h2_done, &ans, H2_ANSWER_CAP) == 0)
        h2_check(data, n, &ans);
    if (getenv("EDGESIM_FUZZ_VERBOSE") != NULL) {
        printf("h2: %.0f ms %zu bytes sent, %zu answered:", (fz_seconds() - t0) * 1000, n, ans.len);
        for (size_t off = 0; off + 9 <= ans.len; off += 9 + frame_len(ans.p + off))
            printf(" %u/%u%s%u", ans.p[off + 3], ans.p[off + 8],
                   ans.p[off + 3] == T_GOAWAY && off + 17 <= ans.len
                       ? (ans.p[off + 16] == 1   ? "(PROTOCOL)"
                          : ans.p[off + 16] == 9 ? "(COMPRESSION)"
                                                 : "(other)")
                       : "",
                   ans.p[off + 3] == T_RST ? ans.p[off + 12] : 99);
        printf("\n");
    }
    fz_buf_free(&out);
    fz_buf_free(&ans);
    fz_https_after(data, n);
}

/* ---- the campaign ---- */

static const char *const methods[] = {"GET",     "POST",    "PUT", "PATCH", "DELETE", "HEAD",
                                      "OPTIONS", "CONNECT", "get", "",      "G T"};
static const char *const paths[] = {
    "/ping", "/json", "/oauth2/token", "/ping?x=1",  "/ping?x=%zz", "/../ping",
    "*",     "",      "ping",          "/json#frag", "//",          "/ping/%00"};
/* Fields a request may carry, and fields RFC 9113 8.2 calls malformed (or nghttp2 refuses). */
static const char *const good_names[] = {
    "content-type",  "accept", "via",       "3gpp-sbi-max-forward-hops",
    "authorization", "cookie", "user-agent"};
static const char *const bad_names[] = {"content-length",
                                        "host",
                                        "connection",
                                        "te",
                                        "transfer-encoding",
                                        "upgrade",
                                        "Content-Type",
                                        "x y",
                                        "x:y",
                                        ":status",
                                        ":path",
                                        ":protocol",
                                        ""};
static const char *const good_values[] = {"application/json",   "application/x-www-form-urlencoded",
                                          "2.0 ecs1.edge.test", "2",
                                          "Bearer a.b.c",       "*/*"};
static const char *const bad_values[] = {"application/json; charset=latin1",
                                         "0",
                                         "5",
                                         "-1",
                                         "99999999999",
                                         "trailers",
                                         "chunked",
                                         "a\r\nb",
                                         "close",
                                         " lead",
                                         "trail ",
                                         ""};
static const char *const bodies[] = {"{\"eecId\":\"eec-0001\"}",
                                     "grant_type=client_credentials&scope=eees-x",
                                     "grant_type=client_credentials&grant_type=x", "{", ""};

#define PICK(r, a) (a)[fz_below(r, sizeof(a) / sizeof((a)[0]))]

/* The fields of one request: pseudo-header fields (mostly well-formed), then others. */
static size_t
gen_fields(struct fz_rng *r, nghttp2_nv *nv, size_t max, char *big)
{
    size_t k = 0;
    const char *v;

#define NV(nm, val)                                                                                \
    do {                                                                                           \
        const char *n_ = (nm), *v_ = (val); /* each picked once */                                 \
        if (k < max) {                                                                             \
            nv[k] = (nghttp2_nv){(uint8_t *)n_, (uint8_t *)v_, strlen(n_), strlen(v_), 0};         \
            k++;                                                                                   \
        }                                                                                          \
    } while (0)
    if (!fz_one_in(r, 30))
        NV(":method", fz_one_in(r, 4) ? PICK(r, methods) : (fz_one_in(r, 2) ? "GET" : "POST"));
    if (!fz_one_in(r, 30))
        NV(":scheme", fz_one_in(r, 20) ? "http" : "https");
    if (!fz_one_in(r, 30))
        NV(":authority", fz_one_in(r, 20) ? "" : FZ_ECS1);
    if (!fz_one_in(r, 30))
        NV(":path", fz_one_in(r, 4) ? PICK(r, paths) : (fz_one_in(r, 2) ? "/ping" : "/json"));
    for (size_t i = fz_below(r, 5); i > 0; i--) {
        v = fz_one_in(r, 30) ? big : fz_one_in(r, 4) ? PICK(r, bad_values) : PICK(r, good_values);
        NV(fz_one_in(r, 5) ? PICK(r, bad_names) : PICK(r, good_names), v);
    }
    if (k > 1 && fz_one_in(r, 10)) { /* a pseudo-header field after a regular one */
        nghttp2_nv t = nv[0];
        nv[0] = nv[k - 1];
        nv[k - 1] = t;
    }
#undef NV
    return k;
}

/* A header block in HEADERS and, past the frame size or by chance, CONTINUATION frames. */
static void
gen_headers(struct fz_rng *r, struct fz_buf *b, nghttp2_hd_deflater *def, uint32_t sid,
            int end_stream)
{
    static char big[20001];
    nghttp2_nv nv[16];
    size_t k, bound, len, off = 0, piece;
    uint8_t *blk;
    unsigned flags;

    memset(big, 'v', sizeof(big) - 1);
    k = gen_fields(r, nv, 16, big);
    bound = nghttp2_hd_deflate_bound(def, nv, k);
    blk = malloc(bound);
    if (blk == NULL || (len = (size_t)nghttp2_hd_deflate_hd(def, blk, bound, nv, k)) > bound) {
        free(blk);
        return;
    }
    do {
        piece = len - off;
        if (piece > H2_MAX_FRAME)
            piece = H2_MAX_FRAME;
        if (fz_one_in(r, 12) && piece > 1)
            piece = 1 + fz_below(r, piece - 1);
        flags = off + piece == len ? NGHTTP2_FLAG_END_HEADERS : 0;
        if (off == 0)
            frame(b, T_HEADERS, flags | (end_stream ? NGHTTP2_FLAG_END_STREAM : 0), sid, blk,
                  piece);
        else
            frame(b, T_CONT, flags, fz_one_in(r, 60) ? sid + 2 : sid, blk + off, piece);
        off += piece;
    } while (off < len);
    free(blk);
}

static void
gen_body(struct fz_rng *r, struct fz_buf *b, uint32_t sid)
{
    const char *body = PICK(r, bodies);
    size_t len = strlen(body), off = 0, piece;
    int end = !fz_one_in(r, 8);

    do {
        piece = len - off;
        if (piece > 1 && fz_one_in(r, 3))
            piece = 1 + fz_below(r, piece);
        if (fz_one_in(r, 10)) { /* padded */
            uint8_t pad[300];
            size_t pl = fz_below(r, 255);
            pad[0] = (uint8_t)(fz_one_in(r, 10) ? 255 : pl);
            memcpy(pad + 1, body + off, piece);
            memset(pad + 1 + piece, 0, pl);
            frame(b, T_DATA, NGHTTP2_FLAG_PADDED | (end && off + piece == len ? 1 : 0), sid, pad,
                  1 + piece + pl);
        } else {
            frame(b, T_DATA, end && off + piece == len ? 1 : 0, sid, body + off, piece);
        }
        off += piece;
    } while (off < len);
}

/* A frame of the connection rather than of a request: well-formed ones, that the server must take
 * in its stride. */
static void
gen_benign(struct fz_rng *r, struct fz_buf *b, uint32_t sid)
{
    static const uint8_t window[] = {0, 0, 0x40, 0}, settings[] = {0, 4, 0, 1, 0, 0};
    static const uint8_t prio[] = {0, 0, 0, 0, 16};

    switch (fz_below(r, 4)) {
    case 0:
        frame(b, T_WINDOW, 0, fz_one_in(r, 2) ? 0 : sid, window, 4);
        break;
    case 1:
        frame(b, T_PING, 0, 0, "01234567", 8);
        break;
    case 2:
        frame(b, T_SETTINGS, 0, 0, settings, 6);
        break;
    default:
        frame(b, T_PRIORITY, 0, sid, prio, 5);
        break;
    }
}

/* A frame of the connection that breaks a rule of RFC 9113 (most end the connection). */
static void
gen_other(struct fz_rng *r, struct fz_buf *b, uint32_t sid)
{
    uint8_t p[16] = {0};
    uint32_t v = (uint32_t)fz_next(r);

    memcpy(p, &v, 4);
    switch (fz_below(r, 9)) {
    case 0: /* RST_STREAM */
        frame(b, T_RST, 0, sid, "\0\0\0\x08", 4);
        break;
    case 1: /* WINDOW_UPDATE: 0, 1, the maximum */
        p[0] = fz_one_in(r, 2) ? 0x7f : 0;
        p[3] = fz_one_in(r, 3) ? 0 : 0xff;
        frame(b, T_WINDOW, 0, fz_one_in(r, 2) ? 0 : sid, p, 4);
        break;
    case 2:
        frame(b, T_PING, 0, fz_one_in(r, 10) ? sid : 0, p, fz_one_in(r, 10) ? 7 : 8);
        break;
    case 3: /* PRIORITY, sometimes on itself */
        p[3] = (uint8_t)(fz_one_in(r, 4) ? sid : 1);
        frame(b, T_PRIORITY, 0, sid, p, 5);
        break;
    case 4: { /* SETTINGS: window 0 or huge, frame size, table size, push, an unknown id */
        static const uint8_t set[][6] = {{0, 4, 0, 0, 0, 0},    {0, 4, 0x80, 0, 0, 0},
                                         {0, 5, 0, 0, 0x10, 0}, {0, 1, 0, 0, 0, 0},
                                         {0, 2, 0, 0, 0, 1},    {0, 0x42, 1, 2, 3, 4}};
        frame(b, T_SETTINGS, fz_one_in(r, 8), 0, set[fz_below(r, 6)], 6);
        break;
    }
    case 5:
        frame(b, T_GOAWAY, 0, 0, "\0\0\0\0\0\0\0\0", 8);
        break;
    case 6: /* a client may not push */
        frame(b, T_PUSH, NGHTTP2_FLAG_END_HEADERS, sid, "\0\0\0\x02\x82", 5);
        break;
    case 7: /* an unknown frame type is ignored (RFC 9113 4.1) */
        frame(b, 0x20 + (unsigned)fz_below(r, 200), (unsigned)fz_below(r, 256), sid, p, 8);
        break;
    default: /* a DATA frame on a stream that does not exist, or on stream 0 */
        frame(b, T_DATA, 1, fz_one_in(r, 2) ? 0 : sid + 40, "x", 1);
        break;
    }
}

static void
gen_input(struct fz_rng *r, struct fz_buf *b)
{
    nghttp2_hd_deflater *def;
    size_t nstreams = 1 + fz_below(r, 6);
    uint32_t sid = 1;

    b->len = 0;
    if (nghttp2_hd_deflate_new(&def, 4096) != 0)
        return;
    fz_buf_adds(b, H2_PREFACE);
    frame(b, T_SETTINGS, 0, 0, NULL, 0);
    for (size_t i = 0; i < nstreams; i++) {
        int body = fz_one_in(r, 2);

        gen_headers(r, b, def, sid, !body);
        if (fz_one_in(r, 4))
            gen_benign(r, b, sid);
        if (body)
            gen_body(r, b, sid);
        if (fz_one_in(r, 10))
            gen_other(r, b, sid);
        /* The next stream: in order, mostly; sometimes reused, even or lower. */
        sid = fz_one_in(r, 30) ? (uint32_t)fz_below(r, sid + 2) : sid + 2;
    }
    nghttp2_hd_deflate_del(def);
    if (fz_one_in(r, 8)) {
        static const char *const dict[] = {"\x00\x00\x00", "\x01\x05", "\x09", "\xff\xff", NULL};
        fz_mutate(r, b, 1 << 17, dict, 3);
    }
}

static void
h2_campaign(struct fz_rng *r, long iters)
{
    struct fz_buf in = {0};

    for (long i = 0; i < iters && fz_https_up(); i++) {
        gen_input(r, &in);
        h2_one(in.p, in.len);
    }
    fz_buf_free(&in);
}

const struct fz_target fz_target_h2 = {
    .name = "h2",
    .what = "the HTTPS server's HTTP/2 path (nghttp2, streams, requests) on generated frames",
    .setup = fz_https_setup,
    .one = h2_one,
    .campaign = h2_campaign,
    .default_iters = 500,
};
