/* fixture.h -- what the TLS/HTTP, node and control tests share (tests/net, tests/node,
 * tests/ctl, tests/base): a test's start and end, credentials, processes, files, requests; the
 * checks are check.h's, and temp dirs and the server handlers are fixture_base.h's (shared with
 * the fuzz targets). */
#ifndef EDGE_TEST_FIXTURE_H
#define EDGE_TEST_FIXTURE_H

#include <stdio.h>
#include <sys/types.h>

#include <event2/event.h>

#include "check.h"
#include "fixture_base.h"
#include "net/http_client.h"
#include "net/http_server.h"

#define FIXTURE_SKIP 127
#define FIXTURE_ECS "ecs1.edge.test" /* the test server: its certificate by gen-creds.sh */

/* The start of a test that needs the credentials: argc must be nargs + 1 (usage names the
 * arguments, the first being gen-creds.sh), and the credentials are made in a new temp dir (dir:
 * 4096 bytes). 0, or what main() returns: 2 (usage), 1 (no temp dir or no credentials). */
int fixture_start(int argc, char **argv, int nargs, const char *usage, char *dir);
/* The end of a test: dir removed when every check passed, else kept and named on stderr; what
 * main() returns (check_result(name)). */
int fixture_finish(const char *dir, const char *name);

/* Run argv (argv[0] searched in PATH); stdout and stderr to out_path unless NULL. Returns the
 * exit status, or -1 if it could not run or died of a signal. */
int fixture_run(char *const argv[], const char *out_path);
/* Start argv in the background with stdout and stderr to out_path; returns the pid or -1. */
pid_t fixture_spawn(char *const argv[], const char *out_path);
/* Is prog an executable in PATH? */
int fixture_have(const char *prog);
/* Whole file (a regular one, at most FIXTURE_SLURP_MAX bytes) as a NUL-terminated string (free
 * it), or NULL. */
#define FIXTURE_SLURP_MAX (64u * 1024 * 1024)
char *fixture_slurp(const char *path);
/* Make the test credentials in dir with the script gen-creds.sh. */
int fixture_creds(const char *script, const char *dir);
/* A loopback TCP port nobody listens on now (bound, read back, closed); 0 on failure. */
unsigned short fixture_unused_port(void);
/* Call fn for each row of the data file at path (lines that are neither empty nor '#'
 * comments), split at tabs into at most max_fields fields (16 at most). Returns the number of
 * rows, or -1 when the file cannot be read. */
int fixture_rows(const char *path, int max_fields,
                 void (*fn)(char **field, int nfields, int lineno, void *arg), void *arg);

/* Run the event loop until cond(arg) holds, or max_ms have passed (a guard timer: a missing
 * event fails the check instead of hanging the test). Returns cond's last value. */
int fixture_loop_until(struct event_base *base, int (*cond)(void *), void *arg, int max_ms);

/* The TLS contexts of a test server (ecs1.edge.test's certificate) and client (the EEC's,
 * expecting ecs1.edge.test) made from the credentials of gen-creds.sh in dir; -1 with err. */
int fixture_tls_pair(const char *dir, struct tls_ctx **server, struct tls_ctx **client, char *err);

/* A request to the test server ecs1.edge.test at 127.0.0.1:port, with body as JSON (NULL: no
 * body); the caller sets further members (timeout_ms, headers) on the copy. */
struct http_client_req fixture_req(const char *method, unsigned short port, const char *path,
                                   const char *body);

#endif
