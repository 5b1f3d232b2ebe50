/* ecs_registry.h -- the EESes registered at this ECS (TS 23.558 8.4.4, TS 29.558
 * Eecs_EESRegistration): profiles by registration ID, each with the expiry the ECS granted and a
 * timer that removes it.
 *
 * Pure bookkeeping: the HTTP handlers (ecs_eesreg.c) decide who may do what; this module only
 * stores, finds, replaces and expires. An entry names its owner, the FQDN the EES's TLS
 * certificate proved at registration. */
#ifndef EDGE_ECS_REGISTRY_H
#define EDGE_ECS_REGISTRY_H

#include <event2/event.h>
#include <jansson.h>

#include "net/peer.h"

#define ECS_REGISTRY_MAX 1024
#define ECS_REG_ID_LEN 32 /* hex of 128 random bits */

struct ecs_reg {
    char id[ECS_REG_ID_LEN + 1];
    char fqdn[EDGE_FQDN_MAX]; /* owner: the registering EES's certificate FQDN (= eesId) */
    json_t *prof;             /* EESProfile as received (owned) */
    json_t *supp_feat;        /* suppFeat string or NULL (owned) */
    long long exp;            /* granted expiry, seconds since the epoch */
    struct event *timer;
    struct ecs_registry *owner;
    struct ecs_reg *next;
};

/* Called just before an expired entry is removed. */
typedef void (*ecs_registry_expire_fn)(struct ecs_reg *r, void *arg);

struct ecs_registry;

struct ecs_registry *ecs_registry_new(struct event_base *base, ecs_registry_expire_fn fn,
                                      void *arg);
void ecs_registry_free(struct ecs_registry *reg);
size_t ecs_registry_count(const struct ecs_registry *reg);
struct ecs_reg *ecs_registry_first(const struct ecs_registry *reg);

/* Store a new entry (prof and supp_feat: new references stolen, also on error) expiring at exp. */
struct ecs_reg *ecs_registry_add(struct ecs_registry *reg, const char *fqdn, json_t *prof,
                                 json_t *supp_feat, long long exp, char *err);
/* Replace the profile (stolen; NULL keeps it) and the expiry of an entry. */
int ecs_registry_update(struct ecs_reg *r, json_t *prof, long long exp, char *err);
void ecs_registry_remove(struct ecs_reg *r);

struct ecs_reg *ecs_registry_find_id(const struct ecs_registry *reg, const char *id);
/* By the owner's FQDN (case-insensitive, as DNS names are). */
struct ecs_reg *ecs_registry_find_fqdn(const struct ecs_registry *reg, const char *fqdn);
/* By eesId and/or FQDN (either may be NULL; both given: the same entry must match both). */
struct ecs_reg *ecs_registry_find_ees(const struct ecs_registry *reg, const char *ees_id,
                                      const char *fqdn);
/* Does the entry's profile list easId? */
int ecs_reg_offers(const struct ecs_reg *r, const char *eas_id);
/* The EESRegistration resource (new reference): {eesProf, expTime, suppFeat?}. */
json_t *ecs_reg_resource(const struct ecs_reg *r);

#endif
