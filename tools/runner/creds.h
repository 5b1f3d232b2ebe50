/* creds.h -- the credentials of one run: a CA, node and EEC certificates, ECS signing keys
 * (tools/pki/pki.h), and per PSK subscriber an A-KID and a K_AKMA drawn from the run's seed. */
#ifndef RUN_CREDS_H
#define RUN_CREDS_H

#include "run.h"

/* Make everything under r->pkidir (tools/pki/pki.h file names). */
int creds_make(struct run *r, char *err);
/* A key drawn from the seed for EEC id: HMAC-SHA-256(label, seed || id), nbytes in hex. */
void creds_seeded_id(struct run *r, const char *id, const char *label, char *hex, unsigned nbytes);

#endif
