/* keys.h -- the key tables of a scenario file (keys.c); scenario.c walks them with js_decode(). */
#ifndef RUN_KEYS_H
#define RUN_KEYS_H

#include "base/json_strict.h"

extern const struct js_field keys_top[];         /* $ */
extern const struct js_field keys_topology[];    /* $.topology (and an included file) */
extern const struct js_field keys_topo_node[];   /* $.topology.nodes.N */
extern const struct js_field keys_topo_link[];   /* $.topology.links.L */
extern const struct js_field keys_topo_router[]; /* $.topology.routers.R */
extern const struct js_field keys_ecs[];         /* $.nodes.N of an ECS */
extern const struct js_field keys_ees[];         /* $.nodes.N of an EES */
extern const struct js_field keys_eec[];         /* $.nodes.N of an EEC */
extern const struct js_field keys_eas[];         /* $.nodes.N of an EAS */
extern const struct js_field keys_aanf[];        /* $.nodes.N of an AAnF */
extern const struct js_field keys_bsf[];         /* $.nodes.N of a BSF */

#endif
