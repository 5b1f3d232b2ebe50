/* values.h -- checks of single values of a scenario file, as js_field callbacks (values.c).
 *
 * ctx of every callback is a struct scn_ctx: the scenario being loaded, the steps named so far
 * and, while a step is checked, the kind of node it acts at. */
#ifndef RUN_VALUES_H
#define RUN_VALUES_H

#include "base/json_strict.h"
#include "scenario.h"

struct scn_ctx {
    struct scn *s;
    json_t *seen_steps;    /* object: step name -> its action */
    json_t *async_steps;   /* object: name -> action of the steps sent with "async": true */
    enum scn_kind kind;    /* kind of the node a step acts at */
    struct scn_node *node; /* the node a step acts at (NULL: none) */
    const char *action;    /* action of the step being checked */
};

/* v names a node of kind k. */
int val_node_kind(json_t *v, struct scn_ctx *c, enum scn_kind k, char *why);

/* The choices of the enum keys, for js_check_enum: a node's kind, an EEC's credentials, an EES's
 * authorization, its token replay rule. */
extern const char *const val_kinds[];
extern const char *const val_creds[];
extern const char *const val_authzs[];
extern const char *const val_https[];
extern const char *const val_replays[];
/* "40ms", "250us", "2s", "0" (at most 60 s); ns-3 rates; a probability 0..1. */
int val_delay(json_t *v, const struct js_field *f, void *ctx, char *why);
int val_rate(json_t *v, const struct js_field *f, void *ctx, char *why);
int val_prob(json_t *v, const struct js_field *f, void *ctx, char *why);
/* A node of the topology; an ECS / EES / EEC of it; an EES or an FQDN no node has; an EES or "*".
 */
int val_node_ref(json_t *v, const struct js_field *f, void *ctx, char *why);
int val_ecs_ref(json_t *v, const struct js_field *f, void *ctx, char *why);
int val_ees_ref(json_t *v, const struct js_field *f, void *ctx, char *why);
int val_eec_ref(json_t *v, const struct js_field *f, void *ctx, char *why);
/* An ECS or an EES of the topology: a server. */
int val_server_ref(json_t *v, const struct js_field *f, void *ctx, char *why);
int val_ees_or_fqdn(json_t *v, const struct js_field *f, void *ctx, char *why);
int val_ees_or_star(json_t *v, const struct js_field *f, void *ctx, char *why);
/* A link of the topology; a step named earlier in the file. */
int val_link_ref(json_t *v, const struct js_field *f, void *ctx, char *why);
int val_step_ref(json_t *v, const struct js_field *f, void *ctx, char *why);
/* A link, or a non-empty array of links (a path), of the merged topology: usable before the
 * topology is parsed (the scenario's top-level keys). */
int val_links(json_t *v, const struct js_field *f, void *ctx, char *why);
/* A name: 1 to 40 of a-z, 0-9, '-', '_'. */
int val_name(json_t *v, const struct js_field *f, void *ctx, char *why);
/* An HTTP status (100..599, or 0: no answer) or a non-empty array of them. */
int val_status(json_t *v, const struct js_field *f, void *ctx, char *why);

#endif
