/* fuzz_tls.c -- fuzz target of the HTTPS server of every ECS/EES (tls.h, http_server.h: TLS 1.3
 * with mutual X.509, strict HTTP/1.1, the routed handlers), fed garbage from a client on
 * 127.0.0.1. The server and the exchange inside TLS also serve the h2 target (fuzz_h2.c).
 *
 * The server runs in a child process, as a node runs it (SIGPIPE ignored, as node.c does), with
 * a certificate made by pki.h in a temporary directory, and the token endpoint's form reader and
 * the key server stand-in of the net tests (fixture_base.h). An input whose first byte is 'T' is
 * sent as HTTP inside a completed mutual-TLS connection (request lines, headers, bodies for the
 * token endpoint's form and a JSON handler), followed by a request with "Connection: close"; 'P',
 * an identity and a newline first offer that TLS 1.3 external PSK identity (AKMA A-KID), whose
 * key the server resolves while the handshake waits, as an ECS/EES asks its AAnF; any other input
 * is sent raw on the TCP connection (garbage, mutated and truncated ClientHello records). The
 * oracle: after each input the server process is alive, it closes or answers within its timeout,
 * whatever it answers inside TLS is an HTTP response, every line of its event log is a JSON
 * object, and a valid mutual-TLS request afterwards still gets 200. */
#include "fuzz.h"
#include "fixture_base.h"

#include "edgeapp/edgeapp.h"
#include "base/evlog.h"
#include "net/http_client.h"
#include "net/http_server.h"
#include "pki.h"
#include "net/problem.h"
#include "net/tls.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <event2/event.h>

#define IO_TIMEOUT_S 5 /* the server's timeout is 1 s: it must have closed by then */
#define CLOSING_REQUEST "\r\n\r\nGET /ping HTTP/1.1\r\nHost: e\r\nConnection: close\r\n\r\n"

static char dir[4096];
static pid_t server = -1;
static int control_fd = -1; /* the child stops when this closes */
static unsigned short port;
static struct event_base *base;
static struct tls_ctx *client_tls;
static SSL_CTX *raw_tls;    /* a plain OpenSSL client, to write arbitrary bytes inside TLS */
static SSL_CTX *raw_nocert; /* the same without a certificate: only a PSK can authenticate it */
static uint8_t *hello;      /* a real ClientHello, to mutate */
static size_t hello_len;
static int log_fd = -1; /* the server's event log, read back */
static long log_lines;
static struct fz_buf log_tail; /* bytes of an unfinished line */
static const uint8_t *psk_id;  /* the identity the next PSK client offers */
static size_t psk_id_len;

#define PSK_IDENTITY "atid-0001@rid1.akma.edge.test"
static const unsigned char psk_key[32] = {1,  2,  3,  4,  5,  6,  7,  8,  9,  10,
                                          11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
                                          21, 22, 23, 24, 25, 26, 27, 28, 29, 30};

static void check_log(const uint8_t *in, size_t n);
static int psk_use_cb(SSL *ssl, const EVP_MD *md, const unsigned char **id, size_t *idlen,
                      SSL_SESSION **sess);

static const char *
at(const char *name)
{
    return fixture_at(dir, name);
}

/* ---- the server (child process) ---- */

static void
h_ping(struct http_req *req, void *arg)
{
    (void)arg;
    http_reply_json(req, 200, json_pack("{s:s}", "pong", FZ_ECS1));
}

static void
h_json(struct http_req *req, void *arg)
{
    char err[EDGE_ERR_LEN];
    json_t *j;

    (void)arg;
    if ((j = http_req_json(req)) == NULL)
        return;
    if (js_decode(j, "", edgeapp_servprov_req, NULL, NULL, err) < 0)
        http_reply_problem(req, 400, "INVALID_MSG_FORMAT", "%s", err);
    else
        http_reply_json(req, 201, json_pack("{s:b}", "ok", 1));
    json_decref(j);
}

/* The server's key server, as an ECS/EES asks its AAnF (keyfetch.h): one subscriber, whose key
 * is given from the event loop, so its handshakes pause in the ClientHello and resume
 * (tls_accept.c); another identity is declined at once (the certificate rules decide). */
static enum tls_psk_outcome
psk_resolve(void *arg, const char *identity, long conn, struct tls_psk_answer *a,
            tls_psk_ready_fn ready, void *ready_arg, void **wait)
{
    struct tls_psk_answer found = {.outcome = TLS_PSK_FOUND};

    (void)conn, (void)a;
    if (strcmp(identity, PSK_IDENTITY) != 0)
        return TLS_PSK_DECLINED;
    memcpy(found.binding.key, psk_key, sizeof(psk_key));
    found.binding.key_len = sizeof(psk_key);
    snprintf(found.binding.eec_id, sizeof(found.binding.eec_id), "%s", FZ_EEC_ID);
    snprintf(found.binding.gpsi, sizeof(found.binding.gpsi), "%s", FZ_GPSI);
    *wait = fixture_psk_later(arg, &found, 0, ready, ready_arg);
    return *wait != NULL ? TLS_PSK_PENDING : TLS_PSK_DECLINED;
}

static void
stop_cb(evutil_socket_t fd, short what, void *arg)
{
    char c;

    (void)what;
    if (read(fd, &c, 1) <= 0)
        event_base_loopbreak(arg);
}

static int
serve(int report_fd, int stop_fd)
{
    struct event_base *b = event_base_new();
    struct tls_psk_source src = {.resolve = psk_resolve, .cancel = fixture_psk_cancel, .arg = b};
    struct tls_config tc = {.ca_file = at("ca.crt"),
                            .cert_file = at(FZ_ECS1 ".crt"),
                            .key_file = at(FZ_ECS1 ".key"),
                            .keylog_path = NULL,
                            .psk_source = &src};
    struct http_server_config sc = {
        .addr = "127.0.0.1", .timeout_sec = 1, .request_timeout_ms = 1000, .max_body = 4096};
    struct tls_ctx *tls = NULL;
    struct http_server *srv = NULL;
    struct event *stop = NULL;
    struct evlog *log = NULL;
    char err[EDGE_ERR_LEN];
    unsigned short p = 0;
    int rc = 1;

    signal(SIGPIPE, SIG_IGN);
    unsetenv("SSLKEYLOGFILE");
    if (b == NULL || (tls = tls_server_new(&tc, err)) == NULL ||
        (log = evlog_open(at("server.log"), FZ_ECS1, err)) == NULL)
        goto done;
    sc.tls = tls;
    sc.log = log;
    if ((srv = http_server_new(b, &sc, err)) == NULL ||
        http_server_route(srv, "GET", "/ping", h_ping, NULL, err) < 0 ||
        http_server_route(srv, "POST", "/oauth2/token", fixture_h_token, NULL, err) < 0 ||
        http_server_route(srv, "POST", "/json", h_json, NULL, err) < 0)
        goto done;
    stop = event_new(b, stop_fd, EV_READ | EV_PERSIST, stop_cb, b);
    event_add(stop, NULL);
    p = http_server_port(srv);
    if (write(report_fd, &p, sizeof(p)) != sizeof(p))
        goto done;
    event_base_dispatch(b);
    rc = 0;
done:
    if (rc != 0)
        fprintf(stderr, "fuzz tls: server: %s\n", err);
    if (rc != 0 && p == 0 && write(report_fd, &p, sizeof(p)) < 0)
        rc = 1;
    if (stop != NULL)
        event_free(stop);
    http_server_free(srv);
    evlog_close(log);
    tls_ctx_free(tls);
    if (b != NULL)
        event_base_free(b);
    return rc;
}

/* ---- the client side ---- */

static int
tcp_connect(void)
{
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
    struct timeval tv = {IO_TIMEOUT_S, 0};
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    if (fd < 0)
        return -1;
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static int
server_alive(const uint8_t *in, size_t n)
{
    int st;
    pid_t w = waitpid(server, &st, WNOHANG);

    if (w == 0)
        return 1;
    fz_finding("tls", in, n, "the server process died: %s %d",
               w == server && WIFSIGNALED(st) ? "signal" : "exit status",
               w == server ? (WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st)) : -1);
    server = -1;
    return 0;
}

/* A valid request over mutual TLS must still be served. */
static void
still_serves(const uint8_t *in, size_t n)
{
    struct http_client_config cc = {.tls = client_tls, .timeout_ms = IO_TIMEOUT_S * 1000};
    struct http_client_req r = {
        .method = "GET", .fqdn = FZ_ECS1, .addr = "127.0.0.1", .port = port, .path = "/ping"};
    struct http_client_result res;
    char err[EDGE_ERR_LEN];
    struct http_client *cl = http_client_new(base, &cc, err);

    if (cl == NULL) {
        fz_finding("tls", in, n, "client: %s", err);
        return;
    }
    if (http_client_fetch(cl, &r, &res, err) < 0 || res.status != 200 ||
        strstr(res.body ? res.body : "", FZ_ECS1) == NULL)
        fz_finding("tls", in, n, "a valid request after this input failed: status %d, %s",
                   res.status, res.status ? (res.body ? res.body : "") : err);
    http_client_result_free(&res);
    http_client_free(cl);
    check_log(in, n);
}

/* Send bytes raw, half-close, and read until the server closes. */
static void
send_raw(const uint8_t *in, size_t n, const uint8_t *data, size_t len)
{
    int fd = tcp_connect();
    char buf[4096];
    ssize_t got;

    if (fd < 0) {
        fz_finding("tls", in, n, "cannot connect: %s", strerror(errno));
        return;
    }
    for (size_t off = 0; off < len;) {
        ssize_t w = send(fd, data + off, len - off, MSG_NOSIGNAL);
        if (w <= 0)
            break; /* the server may close early: that is a fine answer to garbage */
        off += (size_t)w;
    }
    shutdown(fd, SHUT_WR);
    while ((got = recv(fd, buf, sizeof(buf), 0)) > 0)
        ;
    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        fz_finding("tls", in, n, "the server kept a half-closed connection open for %d s",
                   IO_TIMEOUT_S);
    close(fd);
}

/* Complete a mutual-TLS handshake (offering ALPN alpn, a wire-format list, when not NULL), send
 * bytes as the HTTP stream, and read the answer until the server closes: HTTP/1.1 (alpn NULL)
 * after a request that asks it to close; with ALPN, until done(ans) says the answer is complete,
 * then close_notify. Keep up to cap bytes of the answer in ans. 0, or -1 when the exchange itself
 * failed (a finding, or a refusal the input asked for). */
static int
tls_exchange(const uint8_t *in, size_t n, const uint8_t *data, size_t len, int psk,
             const unsigned char *alpn, int (*done_fn)(const struct fz_buf *ans),
             struct fz_buf *ans, size_t cap)
{
    int fd = tcp_connect(), rc = -1, draining = 0;
    SSL *ssl = NULL;
    char buf[4096];
    int got;

    /* Without a certificate to fall back on, an unknown identity fails the handshake, and the
     * failure (with the identity in it) goes to the event log. */
    if (fd < 0 || (ssl = SSL_new(psk && psk_id_len % 2 ? raw_nocert : raw_tls)) == NULL) {
        fz_finding("tls", in, n, "cannot connect: %s", strerror(errno));
        goto done;
    }
    SSL_set_fd(ssl, fd);
    SSL_set_tlsext_host_name(ssl, FZ_ECS1);
    if (alpn != NULL)
        SSL_set_alpn_protos(ssl, alpn, (unsigned)alpn[0] + 1);
    if (psk)
        SSL_set_psk_use_session_callback(ssl, psk_use_cb);
    if (SSL_connect(ssl) != 1) {
        /* The known identity with the wrong key fails the binder check: a refusal, not a bug. */
        if (psk && ((psk_id_len == strlen(PSK_IDENTITY) &&
                     memcmp(psk_id, PSK_IDENTITY, psk_id_len) == 0) ||
                    psk_id_len % 2))
            goto done;
        fz_finding("tls", in, n, "mutual-TLS handshake failed: %s",
                   ERR_reason_error_string(ERR_get_error()));
        goto done;
    }
    for (size_t off = 0; off < len;) {
        int w = SSL_write(ssl, data + off, (int)(len - off > 16384 ? 16384 : len - off));
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    if (done_fn != NULL) {
        /* The end of the answer is a marker the caller knows; a stream the server still waits
         * on (a frame cut short) is no finding: the client gives up after a while and closes. */
        struct timeval tv = {0, 150000};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    }
    /* A last request that asks the server to close: the answer shows where the parser got to,
     * and the close ends the exchange without waiting for a timeout. */
    if (alpn == NULL)
        SSL_write(ssl, CLOSING_REQUEST, (int)strlen(CLOSING_REQUEST));
    while ((got = SSL_read(ssl, buf, sizeof(buf))) > 0) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};

        if (ans->len < cap)
            fz_buf_add(ans, buf, (size_t)got < cap - ans->len ? (size_t)got : cap - ans->len);
        /* The marker's answer may overtake what the server wrote with it (HTTP/2 sends control
         * frames first): take what is already on its way (2 ms), then close. */
        if (done_fn != NULL && (draining || done_fn(ans))) {
            draining = 1;
            if (SSL_pending(ssl) == 0 && poll(&pfd, 1, 2) <= 0)
                break;
        }
    }
    if (draining)
        SSL_shutdown(ssl);
    if (done_fn == NULL && got < 0 && SSL_get_error(ssl, got) == SSL_ERROR_SYSCALL &&
        (errno == EAGAIN || errno == EWOULDBLOCK))
        fz_finding("tls", in, n, "no answer and no close within %d s", IO_TIMEOUT_S);
    rc = 0;
done:
    ERR_clear_error();
    SSL_free(ssl);
    if (fd >= 0)
        close(fd);
    return rc;
}

/* HTTP/1.1 inside TLS: whatever the server answers is an HTTP/1.1 response. */
static void
send_in_tls(const uint8_t *in, size_t n, const uint8_t *data, size_t len, int psk)
{
    struct fz_buf ans = {0};

    if (tls_exchange(in, n, data, len, psk, NULL, NULL, &ans, 64) == 0) {
        if (getenv("EDGESIM_FUZZ_VERBOSE") != NULL)
            printf("tls: %zu bytes sent in TLS, answer: %.*s\n", len,
                   (int)(ans.len > 0 ? strcspn((const char *)ans.p, "\r\n") : 0), ans.p);
        fz_accepted += ans.len > 9 && memcmp(ans.p, "HTTP/1.1 2", 10) == 0;
        if (ans.len > 0 && (ans.len < 9 || memcmp(ans.p, "HTTP/1.1 ", 9) != 0))
            fz_finding("tls", in, n, "the answer inside TLS is not HTTP/1.1: %.*s", (int)ans.len,
                       ans.p);
    }
    fz_buf_free(&ans);
}

int
fz_https_exchange(const uint8_t *in, size_t n, const uint8_t *data, size_t len, const char *alpn,
                  int (*done)(const struct fz_buf *ans), struct fz_buf *ans, size_t cap)
{
    unsigned char wire[32];
    size_t l = strlen(alpn);

    if (l == 0 || l >= sizeof(wire))
        return -1;
    wire[0] = (unsigned char)l;
    memcpy(wire + 1, alpn, l);
    return tls_exchange(in, n, data, len, 0, wire, done, ans, cap);
}

/* Every line the server has logged so far must be one JSON object (evlog.h), whatever the peer
 * sent: paths, methods, PSK identities and TLS failures all end up there. */
static void
check_log(const uint8_t *in, size_t n)
{
    char buf[65536];
    ssize_t got;

    while (log_fd >= 0 && (got = read(log_fd, buf, sizeof(buf))) > 0) {
        uint8_t *nl;
        fz_buf_add(&log_tail, buf, (size_t)got);
        while ((nl = memchr(log_tail.p, '\n', log_tail.len)) != NULL) {
            size_t l = (size_t)(nl - log_tail.p);
            json_t *ev = json_loadb((const char *)log_tail.p, l, JSON_REJECT_DUPLICATES, NULL);
            if (!json_is_object(ev))
                fz_finding("tls", in, n, "event log line is not a JSON object: %.*s",
                           (int)(l < 300 ? l : 300), log_tail.p);
            json_decref(ev);
            if (getenv("EDGESIM_FUZZ_VERBOSE") != NULL)
                printf("tls: log: %.*s\n", (int)(l < 400 ? l : 400), log_tail.p);
            log_lines++;
            memmove(log_tail.p, nl + 1, log_tail.len - l - 1);
            log_tail.len -= l + 1;
        }
    }
}

/* The client side of an external PSK (RFC 8446 2.2): offer psk_id, with the subscriber's key when
 * it is the known identity (else a key nobody has); the certificate is the fallback. */
static int
psk_use_cb(SSL *ssl, const EVP_MD *md, const unsigned char **id, size_t *idlen, SSL_SESSION **sess)
{
    static const unsigned char aes128gcmsha256[] = {0x13, 0x01};
    const SSL_CIPHER *cipher = SSL_CIPHER_find(ssl, aes128gcmsha256);
    SSL_SESSION *s = SSL_SESSION_new();
    unsigned char key[32];

    (void)md;
    memcpy(key, psk_key, sizeof(key));
    if (psk_id_len != strlen(PSK_IDENTITY) || memcmp(psk_id, PSK_IDENTITY, psk_id_len) != 0)
        key[0] ^= 0xff;
    if (s == NULL || cipher == NULL || SSL_SESSION_set1_master_key(s, key, sizeof(key)) != 1 ||
        SSL_SESSION_set_cipher(s, cipher) != 1 ||
        SSL_SESSION_set_protocol_version(s, TLS1_3_VERSION) != 1) {
        SSL_SESSION_free(s);
        return 0;
    }
    *id = psk_id;
    *idlen = psk_id_len;
    *sess = s;
    return 1;
}

void
fz_https_after(const uint8_t *in, size_t n)
{
    static long count;

    if (server_alive(in, n) && ++count % 16 == 0)
        still_serves(in, n);
}

int
fz_https_up(void)
{
    return server > 0;
}

static void
tls_one(const uint8_t *data, size_t n)
{
    fz_execs++;
    if (server < 0)
        return;
    if (n > 0 && data[0] == 'T') {
        send_in_tls(data, n, data + 1, n - 1, 0);
    } else if (n > 1 && data[0] == 'P') { /* 'P' IDENTITY '\n' HTTP... */
        const uint8_t *nl = memchr(data + 1, '\n', n - 1);
        psk_id = data + 1;
        psk_id_len = nl != NULL ? (size_t)(nl - psk_id) : n - 1;
        if (psk_id_len > 0 && psk_id_len < 65536)
            send_in_tls(data, n, nl != NULL ? nl + 1 : data + n,
                        nl != NULL ? n - (size_t)(nl + 1 - data) : 0, 1);
    } else {
        send_raw(data, n, data, n);
    }
    fz_https_after(data, n);
}

/* ---- set-up ---- */

static void
tls_teardown(void)
{
    int st;

    if (control_fd >= 0)
        close(control_fd); /* the server's stop event fires on EOF */
    if (server > 0 && waitpid(server, &st, 0) == server &&
        (!WIFEXITED(st) || WEXITSTATUS(st) != 0)) {
        uint8_t none = 0;
        fz_finding("tls", &none, 0, "the server did not stop cleanly (status 0x%x)", st);
    }
    if (dir[0] != '\0')
        fixture_rmtree(dir);
}

/* A real ClientHello, from a client that writes into memory. */
static int
capture_hello(void)
{
    SSL *ssl = SSL_new(raw_tls);
    BIO *rb = BIO_new(BIO_s_mem()), *wb = BIO_new(BIO_s_mem());
    char *p;
    long len;

    if (ssl == NULL || rb == NULL || wb == NULL)
        return -1;
    SSL_set_bio(ssl, rb, wb);
    SSL_set_tlsext_host_name(ssl, FZ_ECS1);
    SSL_connect(ssl); /* wants to read the ServerHello: the ClientHello is in wb */
    len = BIO_get_mem_data(wb, &p);
    hello = malloc((size_t)len);
    memcpy(hello, p, (size_t)len);
    hello_len = (size_t)len;
    SSL_free(ssl);
    ERR_clear_error();
    return hello_len > 5 ? 0 : -1;
}

int
fz_https_setup(void)
{
    static int done, rc;
    char err[EDGE_ERR_LEN];
    struct tls_config cc;
    int report[2], stop[2];

    if (done++)
        return rc;
    rc = -1;
    signal(SIGPIPE, SIG_IGN);
    if (fixture_tmpdir(dir) < 0) {
        dir[0] = '\0';
        return -1;
    }
    atexit(tls_teardown);
    if (pki_make_ca(dir, "edgesim fuzz CA", 0, 0, err) < 0 ||
        pki_make_node(dir, FZ_ECS1, PKI_KIND_ECS, 0, 0, err) < 0 ||
        pki_make_node(dir, FZ_EES1, PKI_KIND_EES, 0, 0, err) < 0) {
        fprintf(stderr, "fuzz tls: credentials: %s\n", err);
        return -1;
    }
    if (pipe(report) < 0 || pipe(stop) < 0)
        return -1;
    fflush(NULL);
    if ((server = fork()) < 0)
        return -1;
    if (server == 0) {
        close(report[0]);
        close(stop[1]);
        _exit(serve(report[1], stop[0]) == 0 ? 0 : 1);
    }
    close(report[1]);
    close(stop[0]);
    control_fd = stop[1];
    if (read(report[0], &port, sizeof(port)) != sizeof(port) || port == 0) {
        fprintf(stderr, "fuzz tls: the server did not start\n");
        close(report[0]);
        return -1;
    }
    close(report[0]);

    memset(&cc, 0, sizeof(cc));
    cc.ca_file = at("ca.crt");
    cc.cert_file = at(FZ_EES1 ".crt");
    cc.key_file = at(FZ_EES1 ".key");
    cc.peer_fqdn = FZ_ECS1;
    unsetenv("SSLKEYLOGFILE");
    if ((base = event_base_new()) == NULL || (client_tls = tls_client_new(&cc, err)) == NULL) {
        fprintf(stderr, "fuzz tls: client: %s\n", err);
        return -1;
    }
    if ((raw_tls = SSL_CTX_new(TLS_client_method())) == NULL ||
        SSL_CTX_set_min_proto_version(raw_tls, TLS1_3_VERSION) != 1 ||
        SSL_CTX_load_verify_locations(raw_tls, at("ca.crt"), NULL) != 1 ||
        SSL_CTX_use_certificate_file(raw_tls, at(FZ_EES1 ".crt"), SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_use_PrivateKey_file(raw_tls, at(FZ_EES1 ".key"), SSL_FILETYPE_PEM) != 1)
        return -1;
    SSL_CTX_set_verify(raw_tls, SSL_VERIFY_PEER, NULL);
    if ((raw_nocert = SSL_CTX_new(TLS_client_method())) == NULL ||
        SSL_CTX_set_min_proto_version(raw_nocert, TLS1_3_VERSION) != 1 ||
        SSL_CTX_load_verify_locations(raw_nocert, at("ca.crt"), NULL) != 1)
        return -1;
    SSL_CTX_set_verify(raw_nocert, SSL_VERIFY_PEER, NULL);
    if (capture_hello() < 0)
        return -1;
    if ((log_fd = open(at("server.log"), O_RDONLY | O_CLOEXEC)) < 0)
        return -1;
    still_serves((const uint8_t *)"", 0);
    /* Everything is loaded (the server has reported its port): the files can go now, so that a
     * run that aborts (libFuzzer on a finding) leaves nothing behind. */
    fixture_rmtree(dir);
    dir[0] = '\0';
    rc = fz_findings == 0 ? 0 : -1;
    return rc;
}

/* ---- campaign ---- */

/* Record-level edits of a ClientHello: truncation, huge or zero lengths, other content types,
 * split and repeated records, bit flips. */
static void
bad_hello(struct fz_rng *r, struct fz_buf *b)
{
    fz_buf_set(b, hello, hello_len);
    switch (fz_below(r, 8)) {
    case 0: /* truncated record */
        b->len = 1 + fz_below(r, hello_len - 1);
        break;
    case 1: /* record length past the data, or at the 2^14 limit and beyond */
        b->p[3] = (uint8_t)fz_next(r), b->p[4] = (uint8_t)fz_next(r);
        break;
    case 2: /* handshake length inconsistent with the record */
        b->p[6] = (uint8_t)fz_next(r), b->p[7] = (uint8_t)fz_next(r), b->p[8] = (uint8_t)fz_next(r);
        break;
    case 3: { /* content type: alert, change_cipher_spec, application_data, heartbeat, junk */
        static const uint8_t types[] = {20, 21, 23, 24, 0, 255};
        b->p[0] = types[fz_below(r, sizeof(types))];
        break;
    }
    case 4: /* legacy version bytes */
        b->p[1] = (uint8_t)fz_next(r), b->p[2] = (uint8_t)fz_next(r);
        break;
    case 5: /* the hello twice, or followed by zero-length records */
        if (fz_one_in(r, 2)) {
            fz_buf_add(b, hello, hello_len);
        } else {
            for (int i = 0; i < 64; i++)
                fz_buf_add(b, "\x16\x03\x03\x00\x00", 5);
        }
        break;
    case 6: /* the hello split into records of a few bytes */
    {
        struct fz_buf s = {0};
        size_t body = hello_len - 5, off = 0;
        while (off < body) {
            size_t k = 1 + fz_below(r, 32);
            uint8_t h[5] = {22, 3, 1, 0, 0};
            if (k > body - off)
                k = body - off;
            h[4] = (uint8_t)k;
            fz_buf_add(&s, h, 5);
            fz_buf_add(&s, hello + 5 + off, k);
            off += k;
        }
        fz_buf_set(b, s.p, s.len);
        fz_buf_free(&s);
        break;
    }
    default:
        fz_mutate(r, b, 1 << 16, NULL, 6);
        break;
    }
}

static void
bad_http(struct fz_rng *r, struct fz_buf *b)
{
    static const char *const reqs[] = {
        "GET /ping HTTP/1.1\r\nHost: ecs1.edge.test\r\n\r\n",
        "POST /oauth2/token HTTP/1.1\r\nHost: e\r\nContent-Type: "
        "application/x-www-form-urlencoded\r\nContent-Length: 47\r\n\r\n"
        "grant_type=client_credentials&scope=eees-x&a=%",
        "POST /json HTTP/1.1\r\nHost: e\r\nContent-Type: application/json\r\nContent-Length: "
        "20\r\n\r\n{\"eecId\":\"eec-0001\"}",
        "POST /json HTTP/1.1\r\nHost: e\r\nContent-Type: application/json\r\nTransfer-Encoding: "
        "chunked\r\n\r\n5\r\n{\"eec\r\n0\r\n\r\n",
        "POST /json HTTP/1.1\r\nHost: e\r\nContent-Length: 99999999999999999999\r\n\r\n",
        "POST /json HTTP/1.1\r\nHost: e\r\nContent-Length: -1\r\n\r\n",
        "POST /json HTTP/1.1\r\nHost: e\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n{}",
        "GET /ping/../ping?x=%zz HTTP/1.1\r\nHost: e\r\n\r\n",
        "GET http://ecs1.edge.test/ping HTTP/1.1\r\n\r\n",
        "BREW /ping HTTP/1.1\r\n\r\n",
        "GET /ping HTTP/9.9\r\n\r\n",
        "GET /ping\r\n\r\n",
        "\r\n\r\n\r\n",
        "GET /ping HTTP/1.1\r\nX: \x01\x02\x7f\xff\r\n\r\n",
        "GET /ping HTTP/1.1\r\n Folded: header\r\n\r\n",
        "PATCH /oauth2/token HTTP/1.1\r\nHost: e\r\n\r\n",
        "POST /oauth2/token HTTP/1.1\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nab",
    };
    static const char *const dict[] = {
        "\r\n", ":", " ", "%", "\0", "Content-Length: ", "chunked", NULL};

    fz_buf_set(b, "T", 1);
    switch (fz_below(r, 4)) {
    case 0: { /* a header block of about 16 KiB or more */
        size_t n = 14000 + fz_below(r, 4000);
        fz_buf_adds(b, "GET /ping HTTP/1.1\r\nHost: e\r\nX-Big: ");
        fz_buf_reserve(b, n);
        memset(b->p + b->len, 'a', n);
        b->len += n;
        fz_buf_adds(b, "\r\n\r\n");
        break;
    }
    case 1: /* pipelined requests */
        for (int i = 0; i < 3; i++)
            fz_buf_adds(b, reqs[fz_below(r, sizeof(reqs) / sizeof(reqs[0]))]);
        break;
    default: {
        struct fz_buf m = {0};
        fz_buf_adds(&m, reqs[fz_below(r, sizeof(reqs) / sizeof(reqs[0]))]);
        if (fz_below(r, 4) != 0)
            fz_mutate(r, &m, 1 << 16, dict, 4);
        fz_buf_add(b, m.p, m.len);
        fz_buf_free(&m);
        break;
    }
    }
}

static void
tls_campaign(struct fz_rng *r, long iters)
{
    struct fz_buf in = {0};

    for (long i = 0; i < iters && server > 0; i++) {
        switch (fz_below(r, 6)) {
        case 0: { /* random bytes */
            size_t n = 1 + fz_below(r, 4096);
            fz_buf_reserve(&in, n);
            for (size_t k = 0; k < n; k++)
                in.p[k] = (uint8_t)fz_next(r);
            in.len = n;
            if (in.p[0] == 'T')
                in.p[0] = 'R';
            break;
        }
        case 1: /* plaintext HTTP on the TLS port */
            fz_buf_set(&in, "GET /ping HTTP/1.1\r\nHost: ecs1.edge.test\r\n\r\n", 45);
            break;
        case 2:
            bad_hello(r, &in);
            break;
        case 3: { /* a PSK identity: the known one, near misses, bytes of every kind, long ones */
            static const char *const ids[] = {PSK_IDENTITY,   "atid-0001@rid1.akma.edge.tes",
                                              "\xff\xfe\x80", "%s%n",
                                              "a\r\nb",       "\x1b[31m"};
            fz_buf_set(&in, "P", 1);
            if (fz_one_in(r, 3)) {
                size_t l = 1 + fz_below(r, fz_one_in(r, 4) ? 600 : 160);
                for (size_t k = 0; k < l; k++) {
                    uint8_t c = (uint8_t)fz_next(r);
                    fz_buf_add(&in, c == '\n' ? (const uint8_t *)"x" : &c, 1);
                }
            } else if (fz_one_in(r, 6)) { /* the known identity, a NUL, more */
                fz_buf_add(&in, PSK_IDENTITY "\0x", strlen(PSK_IDENTITY) + 2);
            } else {
                fz_buf_adds(&in, ids[fz_below(r, sizeof(ids) / sizeof(ids[0]))]);
            }
            fz_buf_adds(&in, "\nGET /ping HTTP/1.1\r\nHost: e\r\n\r\n");
            break;
        }
        default:
            bad_http(r, &in);
            break;
        }
        tls_one(in.p, in.len);
    }
    if (server > 0)
        still_serves((const uint8_t *)"(end)", 5);
    fz_buf_free(&log_tail);
    printf("tls: %ld event log lines of the server checked\n", log_lines);
    fz_buf_free(&in);
}

const struct fz_target fz_target_tls = {
    .name = "tls",
    .what = "the HTTPS server (TLS 1.3, HTTP/1.1) on garbage and truncated TLS records",
    .setup = fz_https_setup,
    .one = tls_one,
    .campaign = tls_campaign,
    .default_iters = 1000,
};
