/* subst.h -- references in a step's strings (${node}, ${node.gpsi}, ${STEP/pointer}, ${now+20s})
 * replaced by what they name; subst.c lists them. */
#ifndef RUN_SUBST_H
#define RUN_SUBST_H

#include "run.h"

/* A copy of v (a new reference) with every reference of every string replaced. */
json_t *subst_value(struct run *r, json_t *v);

#endif
