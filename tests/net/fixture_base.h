/* fixture_base.h -- the part of the test fixture that needs neither check.h nor the node layer,
 * so that the fuzz targets (edge-fuzz and the libFuzzer build, which compiles it again with its
 * instrumentation) share it with the net tests: temp dirs and paths in them, the handlers of the
 * HTTP test servers, and a stand-in key server's PSK answer given later (tls.h tls_psk_source). */
#ifndef EDGE_TEST_FIXTURE_BASE_H
#define EDGE_TEST_FIXTURE_BASE_H

#include <event2/event.h>

#include "net/http_server.h"
#include "net/tls.h"

/* mkdtemp under $TMPDIR or /tmp; dir must hold 4096 bytes. */
int fixture_tmpdir(char *dir);
void fixture_rmtree(const char *dir);
/* dir/name, in one of 16 rotating buffers (a call can hold several). */
const char *fixture_at(const char *dir, const char *name);

/* Handlers of the HTTP test servers: POST a JSON body, get it back (200); GET /x/{itemId}:
 * {"itemId": ..., "q": the query parameter q when there is one} (200); hold the request and never
 * answer (the server's deadline, stop or free does). */
void fixture_h_echo(struct http_req *req, void *arg);
void fixture_h_item(struct http_req *req, void *arg);
void fixture_h_hold(struct http_req *req, void *arg);
/* A token endpoint's form reader (RFC 6749 3.2, 5.2): {"grant_type": ...} (200, no-store); a bad
 * form, or a repeated parameter, invalid_request (400) with error_description. */
void fixture_h_token(struct http_req *req, void *arg);

/* A key server's answer a, as an AAnF gives an ECS/EES the key of an A-KID (TS 33.535 6.3): a
 * copy is given to ready(ready_arg, copy) from base's loop after delay_ms (0: at the next turn;
 * -1: never, until cancelled). Returns what a resolve of tls_psk_source stores in *wait (it then
 * returns TLS_PSK_PENDING), or NULL when out of memory. */
void *fixture_psk_later(struct event_base *base, const struct tls_psk_answer *a, int delay_ms,
                        tls_psk_ready_fn ready, void *ready_arg);
/* The cancel of tls_psk_source for a wait of fixture_psk_later: the answer is never given. */
void fixture_psk_cancel(void *arg, void *wait);
/* How many answers fixture_psk_later has given so far (in this process). */
long fixture_psk_answered(void);

#endif
