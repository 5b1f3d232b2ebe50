/* population.h -- a scenario EEC's UE population: the key `eecs` of its node section
 * ({count, eecId, gpsi, akid, first, credentials}), the UEs' credentials and the file the node
 * loads (nodes/eec/eec_population.h), and their subscriber entries. */
#ifndef RUN_POPULATION_H
#define RUN_POPULATION_H

#include "base/json_strict.h"
#include "run.h"

#define POP_MAX 100000 /* UEs of one EEC node */

/* The key's schema (keys.c, an EEC's `eecs`). */
extern const struct js_field pop_fields[];

/* UEs node n hosts (0: no population); of the whole run. */
size_t pop_count(const struct run_node *n);
size_t pop_total(const struct run *r);
/* "cert" or "psk" (the default: AKMA credentials are cheap by the ten thousand). */
const char *pop_credentials(const struct run_node *n);
int pop_path(const struct run *r, const struct run_node *n, char *buf, size_t len);
/* Write every population's file (after the run's CA exists). */
int pop_make(struct run *r, char *err);
/* Append the populations' subscriber entries for a node of kind (an AAnF: the AKMA contexts of the
 * psk UEs; an ECS / EES: their GPSIs) to subs. */
void pop_subscribers(struct run *r, enum scn_kind kind, json_t *subs);
/* The EEC config key "population" of n (new reference), or NULL without one. */
json_t *pop_config(struct run *r, struct run_node *n);

#endif
