/* fixture.h -- what the TLS/HTTP, node and control tests share (tests/net, tests/node,
 * tests/ctl, tests/base): temp dirs, credentials, processes, files; the checks are check.h's. */
#ifndef EDGE_TEST_FIXTURE_H
#define EDGE_TEST_FIXTURE_H

#include <stdio.h>
#include <sys/types.h>

#include "check.h"

#define FIXTURE_SKIP 127

/* mkdtemp under $TMPDIR or /tmp; dir must hold 4096 bytes. */
int fixture_tmpdir(char *dir);
void fixture_rmtree(const char *dir);
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

#endif
