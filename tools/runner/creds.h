/* creds.h -- the credentials of one run: a CA, node and EEC certificates, ECS signing keys
 * (tools/pki/pki.h), and per PSK subscriber an A-KID and a K_AKMA drawn from the run's seed. */
#ifndef RUN_CREDS_H
#define RUN_CREDS_H

#include "run.h"

/* Make everything under r->pkidir (tools/pki/pki.h file names). */
int creds_make(struct run *r, char *err);

#endif
