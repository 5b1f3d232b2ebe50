/* ees_store.c -- the EEC contexts this EES holds (TS 23.558 8.9.1.1: created at the EEC's first
 * registration, pulled from a source EES, or pushed by one with an implicit registration), each
 * with the EEC's registration here and its expiry (TS 24.558 EECRegistration.expTime); expired
 * registrations are removed, each with an event-log line; the "contexts" control command.
 *
 * Found by registration ID, context ID and EEC ID through hash maps: an EES holds thousands of
 * contexts (issue 11's populations), and every EDGE-1 registration looks up all three. */
#include "ees.h"
#include "base/err.h"
#include "base/strmap.h"

#include <stdlib.h>
#include <string.h>

struct ees_store {
    struct ees_ctx *head;
    size_t n;
    struct strmap *by_reg, *by_cntx; /* -> the context */
    struct strmap *by_eec;           /* -> the EEC's newest context, then eec_next */
    struct event *sweep;             /* once a second: expired registrations go */
};

static void
ctx_free(struct ees_ctx *c)
{
    json_decref(c->cntx);
    json_decref(c->reg);
    free(c);
}

void
ees_store_log(struct ees *e, const struct ees_ctx *c, const char *cause, const char *what)
{
    json_t *data =
        json_pack("{s:s, s:s, s:s, s:s?, s:s, s:I}", "regId", c->reg_id, "eecCntxId", c->cntx_id,
                  "eecId", c->eec_id, "srcEesId", c->src_ees[0] != '\0' ? c->src_ees : NULL,
                  "origin", c->origin, "exp", (json_int_t)c->exp);

    node_log(&e->n, "registry", c->eec_id, cause, data, "EEC %s %s (registration %s, context %s)",
             c->eec_id, what, c->reg_id, c->cntx_id);
    json_decref(data);
}

/* c out of the EEC's chain of contexts (the map holds its newest). */
static void
store_unlink_eec(struct ees_store *st, struct ees_ctx *c)
{
    struct ees_ctx *first = strmap_get(st->by_eec, c->eec_id), **pp;

    if (first == c) {
        if (c->eec_next != NULL)
            strmap_put(st->by_eec, c->eec_id, c->eec_next, NULL);
        else
            strmap_del(st->by_eec, c->eec_id);
        return;
    }
    for (pp = &first; *pp != NULL; pp = &(*pp)->eec_next)
        if (*pp == c) {
            *pp = c->eec_next;
            return;
        }
}

void
ees_store_remove(struct ees *e, struct ees_ctx *c, const char *why)
{
    struct ees_store *st = e->store;

    if (c->prev != NULL)
        c->prev->next = c->next;
    else
        st->head = c->next;
    if (c->next != NULL)
        c->next->prev = c->prev;
    strmap_del(st->by_reg, c->reg_id);
    strmap_del(st->by_cntx, c->cntx_id);
    store_unlink_eec(st, c);
    st->n--;
    ees_store_log(e, c, NULL, why);
    ctx_free(c);
}

static void
store_sweep(evutil_socket_t fd, short what, void *arg)
{
    struct ees *e = arg;
    long long now = node_now();
    struct ees_ctx *c = e->store->head, *next;

    (void)fd;
    (void)what;
    for (; c != NULL; c = next) {
        next = c->next;
        if (c->exp != 0 && c->exp <= now)
            ees_store_remove(e, c, "registration expired: context removed");
    }
}

/* contexts: what this EES holds (nodes/README.md). */
static void
store_list(struct ctl_req *cr, json_t *args, void *arg)
{
    struct ees *e = arg;
    json_t *list = json_array();
    char when[JS_TIME_LEN];

    (void)args;
    for (struct ees_ctx *c = e->store->head; list != NULL && c != NULL; c = c->next)
        json_array_append_new(
            list,
            json_pack("{s:s, s:s, s:s, s:s?, s:s, s:s?, s:s, s:b, s:O}", "eecCntxId", c->cntx_id,
                      "regId", c->reg_id, "eecId", c->eec_id, "ueId",
                      c->ue_id[0] != '\0' ? c->ue_id : NULL, "origin", c->origin, "srcEesId",
                      c->src_ees[0] != '\0' ? c->src_ees : NULL, "expTime", ees_time(c->exp, when),
                      "implicit", c->reg == NULL, "context", c->cntx));
    ctl_reply(cr, json_pack("{s:o}", "contexts", list != NULL ? list : json_array()));
}

int
ees_store_new(struct ees *e, char *err)
{
    struct timeval sec = {1, 0};

    if ((e->store = calloc(1, sizeof(*e->store))) == NULL ||
        (e->store->by_reg = strmap_new()) == NULL || (e->store->by_cntx = strmap_new()) == NULL ||
        (e->store->by_eec = strmap_new()) == NULL)
        return edge_err(err, "out of memory");
    e->store->sweep = event_new(e->n.base, -1, EV_PERSIST, store_sweep, e);
    if (e->store->sweep == NULL || event_add(e->store->sweep, &sec) < 0)
        return edge_err(err, "cannot arm the expiry timer");
    return ctl_command(e->n.ctl, "contexts", store_list, e, err);
}

void
ees_store_free(struct ees *e)
{
    struct ees_ctx *c, *next;

    if (e->store == NULL)
        return;
    if (e->store->sweep != NULL)
        event_free(e->store->sweep);
    for (c = e->store->head; c != NULL; c = next) {
        next = c->next;
        ctx_free(c);
    }
    strmap_free(e->store->by_reg, NULL);
    strmap_free(e->store->by_cntx, NULL);
    strmap_free(e->store->by_eec, NULL);
    free(e->store);
    e->store = NULL;
}

struct ees_ctx *
ees_store_by_reg(struct ees *e, const char *reg_id)
{
    return strmap_get(e->store->by_reg, reg_id);
}

struct ees_ctx *
ees_store_by_cntx(struct ees *e, const char *cntx_id)
{
    return strmap_get(e->store->by_cntx, cntx_id);
}

int
ees_store_has_eec(struct ees *e, const char *eec_id)
{
    return strmap_get(e->store->by_eec, eec_id) != NULL;
}

struct ees_ctx *
ees_store_by_eec(struct ees *e, const char *eec_id)
{
    struct ees_ctx *c = strmap_get(e->store->by_eec, eec_id);

    while (c != NULL && c->reg == NULL)
        c = c->eec_next;
    return c;
}

/* c first in the list and in its EEC's chain, and found by its IDs; -1 out of memory. */
static int
store_link(struct ees_store *st, struct ees_ctx *c)
{
    void *first = strmap_get(st->by_eec, c->eec_id);

    if (strmap_put(st->by_reg, c->reg_id, c, NULL) != 1 ||
        strmap_put(st->by_cntx, c->cntx_id, c, NULL) != 1 ||
        strmap_put(st->by_eec, c->eec_id, c, NULL) == -1) {
        strmap_del(st->by_reg, c->reg_id);
        strmap_del(st->by_cntx, c->cntx_id);
        return -1;
    }
    c->eec_next = first;
    c->next = st->head;
    if (st->head != NULL)
        st->head->prev = c;
    st->head = c;
    st->n++;
    return 0;
}

struct ees_ctx *
ees_store_add(struct ees *e, const char *eec_id, const char *cntx_id)
{
    struct ees_ctx *c;
    char why[EDGE_ERR_LEN];

    if ((long long)e->store->n >= e->cfg.max_contexts || (c = calloc(1, sizeof(*c))) == NULL)
        return NULL;
    snprintf(c->eec_id, sizeof(c->eec_id), "%s", eec_id);
    /* TS 23.558 8.9.1.1: a relocated context may keep its ID; a clash gets a new one. */
    if (cntx_id != NULL && strlen(cntx_id) < sizeof(c->cntx_id) &&
        ees_store_by_cntx(e, cntx_id) == NULL)
        snprintf(c->cntx_id, sizeof(c->cntx_id), "%s", cntx_id);
    else
        do
            if (EES_NEW_ID(c->cntx_id, "cntx", why) < 0)
                goto fail;
        while (ees_store_by_cntx(e, c->cntx_id) != NULL);
    do
        if (EES_NEW_ID(c->reg_id, "reg", why) < 0)
            goto fail;
    while (ees_store_by_reg(e, c->reg_id) != NULL);
    c->origin = "registration";
    if (store_link(e->store, c) == -1)
        goto fail;
    return c;
fail:
    free(c); /* no randomness: the caller answers as for a full store */
    return NULL;
}

long long
ees_store_grant(const struct ees *e, const char *requested)
{
    long long now = node_now(), max = now + e->cfg.eec_reg_expiry;
    long long want = ees_time_parse(requested);

    /* TS 23.558 8.4.2.3: the EES may shorten the expiration time the EEC proposes. */
    return want > now && want < max ? want : max;
}

struct ees_ctx *
ees_store_by_ue(struct ees *e, const char *ue_id)
{
    for (struct ees_ctx *c = e->store->head; c != NULL; c = c->next)
        if (strcmp(c->ue_id, ue_id) == 0)
            return c;
    return NULL;
}

struct ees_ctx *
ees_store_implicit(struct ees *e, const json_t *cntx, const char *src, const char *origin)
{
    const char *eec_id = json_string_value(json_object_get(cntx, "eecId"));
    const char *cntx_id = json_string_value(json_object_get(cntx, "cntxId"));
    const char *ue_id = json_string_value(json_object_get(cntx, "ueId"));
    struct ees_ctx *c, *old;

    /* The same context back here (relocation to a former EES) replaces the stale copy. */
    if ((old = ees_store_by_cntx(e, cntx_id)) != NULL && strcmp(old->eec_id, eec_id) == 0)
        ees_store_remove(e, old, "context replaced by a relocated copy");
    if ((c = ees_store_add(e, eec_id, cntx_id)) == NULL)
        return NULL;
    c->cntx = json_deep_copy(cntx);
    json_object_set_new(c->cntx, "cntxId", json_string(c->cntx_id));
    snprintf(c->ue_id, sizeof(c->ue_id), "%s", ue_id != NULL ? ue_id : "");
    snprintf(c->src_ees, sizeof(c->src_ees), "%s", src);
    c->origin = origin;
    c->exp = node_now() + e->cfg.eec_reg_expiry;
    ees_store_log(e, c, NULL,
                  strcmp(origin, "push") == 0 ? "context pushed by the S-EES: implicitly registered"
                                              : "context pulled in an ACR: implicitly registered");
    return c;
}

json_t *
ees_store_impl_reg(struct ees *e, const struct ees_ctx *c)
{
    char when[JS_TIME_LEN];

    (void)e;
    return json_pack("{s:{s:s, s:s}}", "implReg", "regId", c->reg_id, "expTime",
                     ees_time(c->exp, when));
}
