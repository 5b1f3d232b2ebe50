/* ecs_registry.c -- the EES registrations an ECS holds, with the expiry it granted
 * (TS 23.558 8.4.4.2: "the ECS ... stores the EES profile"; 8.4.4.3 update, 8.4.4.4
 * deregistration). */
#include "base/randid.h"
#include "ecs_registry.h"
#include "base/err.h"
#include "base/json_strict.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

struct ecs_registry {
    struct event_base *base;
    ecs_registry_expire_fn on_expire;
    void *arg;
    struct ecs_reg *head;
    size_t n;
};

struct ecs_registry *
ecs_registry_new(struct event_base *base, ecs_registry_expire_fn fn, void *arg)
{
    struct ecs_registry *reg = calloc(1, sizeof(*reg));

    if (reg == NULL)
        return NULL;
    reg->base = base;
    reg->on_expire = fn;
    reg->arg = arg;
    return reg;
}

static void
ecs_reg_free(struct ecs_reg *r)
{
    if (r->timer != NULL)
        event_free(r->timer);
    json_decref(r->prof);
    json_decref(r->supp_feat);
    free(r);
}

void
ecs_registry_free(struct ecs_registry *reg)
{
    if (reg == NULL)
        return;
    while (reg->head != NULL) {
        struct ecs_reg *r = reg->head;
        reg->head = r->next;
        ecs_reg_free(r);
    }
    free(reg);
}

size_t
ecs_registry_count(const struct ecs_registry *reg)
{
    return reg->n;
}

struct ecs_reg *
ecs_registry_first(const struct ecs_registry *reg)
{
    return reg->head;
}

static void
ecs_reg_expired(evutil_socket_t fd, short what, void *arg)
{
    struct ecs_reg *r = arg;

    (void)fd;
    (void)what;
    if (r->owner->on_expire != NULL)
        r->owner->on_expire(r, r->owner->arg);
    ecs_registry_remove(r);
}

/* Arm the timer for r->exp (an expiry already past fires at once). */
static int
ecs_reg_arm(struct ecs_reg *r, char *err)
{
    long long left = r->exp - (long long)time(NULL);
    struct timeval tv = {.tv_sec = left > 0 ? (time_t)left : 0, .tv_usec = 0};

    if (r->timer == NULL && (r->timer = evtimer_new(r->owner->base, ecs_reg_expired, r)) == NULL)
        return edge_err(err, "cannot create the expiry timer");
    if (evtimer_add(r->timer, &tv) < 0)
        return edge_err(err, "cannot arm the expiry timer");
    return 0;
}

struct ecs_reg *
ecs_registry_add(struct ecs_registry *reg, const char *fqdn, json_t *prof, json_t *supp_feat,
                 long long exp, char *err)
{
    struct ecs_reg *r = NULL;

    if (reg->n >= ECS_REGISTRY_MAX) {
        edge_err(err, "registry full (%d EESes)", ECS_REGISTRY_MAX);
        goto fail;
    }
    if ((r = calloc(1, sizeof(*r))) == NULL) {
        edge_err(err, "out of memory");
        goto fail;
    }
    /* An unguessable ID: the resource URI is no credential, but a guessable one would let a
     * misbehaving EES probe others' registrations (it is refused by owner anyway). */
    if (randid_new(r->id, sizeof(r->id), NULL, ECS_REG_ID_LEN / 2, RANDID_HEX, err) < 0)
        goto fail;
    snprintf(r->fqdn, sizeof(r->fqdn), "%s", fqdn);
    r->prof = prof;
    r->supp_feat = supp_feat;
    prof = supp_feat = NULL;
    r->exp = exp;
    r->owner = reg;
    if (ecs_reg_arm(r, err) < 0)
        goto fail;
    r->next = reg->head;
    reg->head = r;
    reg->n++;
    return r;
fail:
    json_decref(prof);
    json_decref(supp_feat);
    if (r != NULL)
        ecs_reg_free(r);
    return NULL;
}

int
ecs_registry_update(struct ecs_reg *r, json_t *prof, long long exp, char *err)
{
    if (prof != NULL) {
        json_decref(r->prof);
        r->prof = prof;
    }
    r->exp = exp;
    return ecs_reg_arm(r, err);
}

void
ecs_registry_remove(struct ecs_reg *r)
{
    struct ecs_registry *reg = r->owner;

    for (struct ecs_reg **pp = &reg->head; *pp != NULL; pp = &(*pp)->next) {
        if (*pp == r) {
            *pp = r->next;
            reg->n--;
            break;
        }
    }
    ecs_reg_free(r);
}

struct ecs_reg *
ecs_registry_find_id(const struct ecs_registry *reg, const char *id)
{
    for (struct ecs_reg *r = reg->head; r != NULL; r = r->next)
        if (strcmp(r->id, id) == 0)
            return r;
    return NULL;
}

struct ecs_reg *
ecs_registry_find_fqdn(const struct ecs_registry *reg, const char *fqdn)
{
    for (struct ecs_reg *r = reg->head; r != NULL; r = r->next)
        if (strcasecmp(r->fqdn, fqdn) == 0)
            return r;
    return NULL;
}

struct ecs_reg *
ecs_registry_find_ees(const struct ecs_registry *reg, const char *ees_id, const char *fqdn)
{
    if (ees_id == NULL && fqdn == NULL)
        return NULL;
    for (struct ecs_reg *r = reg->head; r != NULL; r = r->next) {
        const char *id = json_string_value(json_object_get(r->prof, "eesId"));
        if ((ees_id == NULL || (id != NULL && strcmp(id, ees_id) == 0)) &&
            (fqdn == NULL || strcasecmp(r->fqdn, fqdn) == 0))
            return r;
    }
    return NULL;
}

int
ecs_reg_offers(const struct ecs_reg *r, const char *eas_id)
{
    size_t i;
    json_t *v;

    json_array_foreach(json_object_get(r->prof, "easIds"), i, v)
    {
        if (json_is_string(v) && strcmp(json_string_value(v), eas_id) == 0)
            return 1;
    }
    return 0;
}

json_t *
ecs_reg_resource(const struct ecs_reg *r)
{
    char when[JS_TIME_LEN];

    js_time_format((time_t)r->exp, when, sizeof(when));
    return json_pack("{s:O, s:s, s:O*}", "eesProf", r->prof, "expTime", when, "suppFeat",
                     r->supp_feat);
}
