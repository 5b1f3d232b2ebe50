/* subst.h -- references in a step's strings (${node}, ${node.gpsi}, ${STEP/pointer}, ${now+20s})
 * replaced by what they name; subst.c lists them. */
#ifndef RUN_SUBST_H
#define RUN_SUBST_H

#include "run.h"

/* A copy of v (a new reference) with every reference of every string replaced. */
json_t *subst_value(struct run *r, json_t *v);
/* Does every reference in the strings of v (a step's args or expect, at JSON path) name something
 * a run resolves: a node of s (.gpsi of an EEC that has one, .akid of an EEC), a step in steps
 * (an object keyed by the names of the steps up to this one), ${now}, ${now+Ns}, ${now-Ns}?
 * -1 with err naming the path and the reference. */
int subst_check(const struct scn *s, json_t *steps, json_t *v, const char *path, char *err);

#endif
