/* scenario.c -- loads a scenario file, resolves its topology include and checks every key.
 *
 * The key tables are keys.c (file, topology, node sections), action.c (steps and their args)
 * and expect.c (expect); js_decode() of common/base/json_strict.c walks them, so a mistake is
 * reported with its JSON path. Maps keyed by a name (nodes, links, routers) are walked here, one
 * js_decode() per entry. Cross references (a step's node, an EES's ECS, the step a token is
 * taken from) are checked against the merged topology. */
#include "scenario.h"

#include "action.h"
#include "addrplan.h"
#include "base/err.h"
#include "base/file.h"
#include "base/json_strict.h"
#include "keys.h"
#include "subst.h"
#include "values.h"

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *scn_kinds[] = {"ecs", "ees", "eec", "aanf", "bsf", "eas"};

const char *
scn_kind_name(enum scn_kind k)
{
    return scn_kinds[k];
}

#define SCN_FILE_MAX ((size_t)4 * 1024 * 1024)

static json_t *
scn_read_json(const char *path, char *err)
{
    char *buf = NULL, why[EDGE_ERR_LEN];
    size_t len = 0;
    json_t *v = NULL;

    if (edge_file_read(path, SCN_FILE_MAX, &buf, &len, err) == -1)
        return NULL;
    if (js_loads(buf, len, &v, why) == -1) {
        edge_err(err, "%s: %s", path, why);
    } else if (!json_is_object(v)) {
        edge_err(err, "%s: $: expected object, got %s", path, js_type_name(v));
        json_decref(v);
        v = NULL;
    }
    free(buf);
    return v;
}

/* Override base with over, key by key: objects merge, null removes, anything else replaces. */
void
scn_merge(json_t *base, json_t *over)
{
    const char *k;
    json_t *v;

    json_object_foreach(over, k, v)
    {
        json_t *b = json_object_get(base, k);
        if (json_is_null(v))
            json_object_del(base, k);
        else if (json_is_object(v) && json_is_object(b))
            scn_merge(b, v);
        else
            json_object_set(base, k, v);
    }
}

/* Replace $.topology by the included file merged with the scenario's overrides. */
static int
scn_include(struct scn *s, char *err)
{
    json_t *topo = json_object_get(s->root, "topology"), *inc, *merged;
    const char *rel;
    char *dircopy, path[4096], why[EDGE_ERR_LEN];
    struct scn_ctx c = {.s = s};

    if (!json_is_object(topo) ||
        (rel = json_string_value(json_object_get(topo, "include"))) == NULL)
        return 0;
    if (!json_is_string(json_object_get(topo, "include")))
        return 0; /* the table check names the type error */
    dircopy = strdup(s->path);
    if (rel[0] == '/')
        snprintf(path, sizeof(path), "%s", rel);
    else
        snprintf(path, sizeof(path), "%s/%s", dirname(dircopy), rel);
    free(dircopy);
    /* Errors name the including file first: that is the file the user gave. */
    if ((inc = scn_read_json(path, why)) == NULL)
        return edge_err(err, "%s: $.topology.include: %s", s->path, why);
    if (json_object_get(inc, "include") != NULL) {
        json_decref(inc);
        return edge_err(err,
                        "%s: $.topology.include: %s: an included topology cannot include "
                        "another",
                        s->path, path);
    }
    /* The shared file must be whole on its own (its links checked once merged). */
    if (js_decode(inc, "$", keys_topology, NULL, &c, why) == -1) {
        json_decref(inc);
        return edge_err(err, "%s: $.topology.include: %s: %s", s->path, path, why);
    }
    merged = inc;
    json_object_del(topo, "include");
    scn_merge(merged, topo);
    json_object_set_new(merged, "include", json_string(path));
    json_object_set_new(s->root, "topology", merged);
    return 0;
}

/* A key of $.topology.links or .nodes: 1 to max of [a-z0-9_-]. */
static int
scn_key_ok(const char *k, size_t max)
{
    char why[EDGE_ERR_LEN];
    json_t *kv = json_string(k);
    int bad = val_name(kv, NULL, NULL, why);

    json_decref(kv);
    return bad == 0 && strlen(k) <= max;
}

static int
scn_links(struct scn *s, struct scn_ctx *c, json_t *links, char *err)
{
    char path[EDGE_ERR_LEN];
    const char *k;
    json_t *v, *e;

    if ((s->links = calloc(json_object_size(links) + 1, sizeof(*s->links))) == NULL)
        return edge_err(err, "out of memory");
    json_object_foreach(links, k, v)
    {
        struct scn_link *l = &s->links[s->nlinks];
        snprintf(path, sizeof(path), "$.topology.links.%s", k);
        if (!scn_key_ok(k, 12))
            return edge_err(err, "%s: a link name is 1 to 12 of a-z, 0-9, '-', '_'", path);
        if (js_decode(v, path, keys_topo_link, NULL, c, err) == -1)
            return -1;
        l->name = k;
        l->index = (int)s->nlinks;
        l->rate = json_string_value(json_object_get(v, "rate"));
        if (l->rate == NULL)
            l->rate = "unlimited";
        if ((e = json_object_get(v, "delay")) != NULL)
            scn_parse_delay(json_string_value(e), &l->delay_ms);
        if ((e = json_object_get(v, "jitter")) != NULL)
            scn_parse_delay(json_string_value(e), &l->jitter_ms);
        l->loss = json_number_value(json_object_get(v, "loss"));
        l->mtu = (int)json_integer_value(json_object_get(v, "mtu"));
        s->nlinks++;
    }
    /* How many links fit is what their subnets leave of 198.18.0.0/15 (addr_plan), and ns-3
     * makes a link of any number; edge-netsim holds a pcap file open per link (runlimits.c). */
    if (s->nlinks == 0)
        return edge_err(err, "$.topology.links: expected at least 1 link");
    return 0;
}

/* One entry of $.topology.nodes, after its keys were checked. */
static int
scn_topo_node(struct scn *s, struct scn_node *n, json_t *v, const char *path, char *err)
{
    const char *kind = json_string_value(json_object_get(v, "kind"));

    n->kind = SCN_EEC;
    for (size_t k = 0; k < sizeof(scn_kinds) / sizeof(scn_kinds[0]); k++)
        if (strcmp(kind, scn_kinds[k]) == 0)
            n->kind = (enum scn_kind)k;
    n->id = json_string_value(json_object_get(v, "fqdn"));
    n->link = json_string_value(json_object_get(v, "link"));
    if (n->kind != SCN_EEC && n->id == NULL)
        return edge_err(err, "%s.fqdn: missing required field (an %s is named by its FQDN)", path,
                        scn_kind_name(n->kind));
    if (n->kind == SCN_EEC && n->id != NULL)
        return edge_err(err, "%s.fqdn: an EEC has no FQDN (its identity is nodes.%s.eecId)", path,
                        n->name);
    if (scn_link(s, n->link) == NULL)
        return edge_err(err, "%s.link: no link \"%s\" in the topology", path, n->link);
    for (size_t i = 0; i < s->nnodes; i++)
        if (n->id != NULL && s->nodes[i].id != NULL && strcmp(s->nodes[i].id, n->id) == 0)
            return edge_err(err, "%s.fqdn: \"%s\" is also the FQDN of %s", path, n->id,
                            s->nodes[i].name);
    return 0;
}

static int
scn_nodes(struct scn *s, struct scn_ctx *c, json_t *nodes, char *err)
{
    char path[EDGE_ERR_LEN];
    const char *k;
    json_t *v;

    if ((s->nodes = calloc(json_object_size(nodes) + 1, sizeof(*s->nodes))) == NULL)
        return edge_err(err, "out of memory");
    json_object_foreach(nodes, k, v)
    {
        struct scn_node *n = &s->nodes[s->nnodes];
        snprintf(path, sizeof(path), "$.topology.nodes.%s", k);
        if (!scn_key_ok(k, 16))
            return edge_err(err, "%s: a node name is 1 to 16 of a-z, 0-9, '-', '_'", path);
        if (js_decode(v, path, keys_topo_node, NULL, c, err) == -1)
            return -1;
        n->name = k;
        n->index = (int)s->nnodes;
        if (scn_topo_node(s, n, v, path, err) == -1)
            return -1;
        s->nnodes++;
    }
    /* No number of nodes is fixed here: the links' subnets must hold them (addr_plan, when the
     * scenario loads), the machine their processes, file descriptors and threads (runlimits.c,
     * before a run makes anything). */
    if (s->nnodes == 0)
        return edge_err(err, "$.topology.nodes: expected at least 1 node");
    return 0;
}

static int
scn_routers(struct scn *s, struct scn_ctx *c, json_t *routers, char *err)
{
    char path[EDGE_ERR_LEN];
    const char *k;
    json_t *v;

    if ((s->routers = calloc(json_object_size(routers) + 1, sizeof(*s->routers))) == NULL)
        return edge_err(err, "out of memory");
    json_object_foreach(routers, k, v)
    {
        snprintf(path, sizeof(path), "$.topology.routers.%s", k);
        if (js_decode(v, path, keys_topo_router, NULL, c, err) == -1)
            return -1;
        s->routers[s->nrouters].name = k;
        s->routers[s->nrouters].links = json_object_get(v, "links");
        s->nrouters++;
    }
    return 0;
}

static int
scn_topology(struct scn *s, char *err)
{
    json_t *topo = json_object_get(s->root, "topology");
    struct scn_ctx c = {.s = s};

    if (js_decode(topo, "$.topology", keys_topology, NULL, &c, err) == -1)
        return -1;
    if (scn_links(s, &c, json_object_get(topo, "links"), err) == -1 ||
        scn_nodes(s, &c, json_object_get(topo, "nodes"), err) == -1 ||
        scn_routers(s, &c, json_object_get(topo, "routers"), err) == -1)
        return -1;
    return addr_plan(s, err);
}

/* An ECS's maps keyed by EES name: eesScopes (a scope each) and eesAuth ("token" / "local"). */
static int
scn_ecs_maps(struct scn *s, struct scn_node *n, const char *path, char *err)
{
    char why[EDGE_ERR_LEN];
    const char *e;
    json_t *m;

    json_object_foreach(json_object_get(n->conf, "eesScopes"), e, m)
    {
        struct scn_node *t = scn_node(s, e);
        if (t == NULL || t->kind != SCN_EES)
            return edge_err(err, "%s.eesScopes.%s: not an EES of the topology", path, e);
        if (!json_is_string(m) || json_string_length(m) == 0)
            return edge_err(err, "%s.eesScopes.%s: expected a non-empty string", path, e);
    }
    json_object_foreach(json_object_get(n->conf, "eesAuth"), e, m)
    {
        struct scn_node *t = scn_node(s, e);
        if (t == NULL || t->kind != SCN_EES)
            return edge_err(err, "%s.eesAuth.%s: not an EES of the topology", path, e);
        if (!json_is_string(m))
            return edge_err(err, "%s.eesAuth.%s: expected string, got %s", path, e,
                            js_type_name(m));
        if (js_valid_enum(json_string_value(m), val_authzs, why) == -1)
            return edge_err(err, "%s.eesAuth.%s: %s", path, e, why);
    }
    return 0;
}

/* A node's section once every section was read: its default, an EEC's identity, an ECS's maps. */
static int
scn_node_section(struct scn *s, size_t i, json_t *nodes, char *err)
{
    struct scn_node *n = &s->nodes[i];
    char path[EDGE_ERR_LEN];

    snprintf(path, sizeof(path), "$.nodes.%s", n->name);
    if (n->conf == NULL) {
        if (n->kind == SCN_EES || n->kind == SCN_EEC || n->kind == SCN_EAS)
            return edge_err(err, "%s: missing required field (an %s needs at least \"%s\")", path,
                            scn_kind_name(n->kind),
                            n->kind == SCN_EES   ? "ecs\" and \"easIds"
                            : n->kind == SCN_EAS ? "ees\" and \"easId"
                                                 : "eecId\" and \"ecs");
        n->conf = json_object();
        json_object_set_new(nodes, n->name, n->conf);
    }
    if (n->kind == SCN_EEC) {
        n->id = json_string_value(json_object_get(n->conf, "eecId"));
        for (size_t j = 0; j < i; j++)
            if (s->nodes[j].kind == SCN_EEC && strcmp(s->nodes[j].id, n->id) == 0)
                return edge_err(err, "%s.eecId: \"%s\" is also the EEC ID of %s", path, n->id,
                                s->nodes[j].name);
    }
    if (n->kind == SCN_ECS)
        return scn_ecs_maps(s, n, path, err);
    return 0;
}

/* Each node's section in $.nodes, checked by its kind. */
static int
scn_node_conf(struct scn *s, char *err)
{
    static const struct js_field *tables[] = {keys_ecs,  keys_ees, keys_eec,
                                              keys_aanf, keys_bsf, keys_eas};
    json_t *nodes = json_object_get(s->root, "nodes"), *v;
    struct scn_ctx c = {.s = s};
    char path[EDGE_ERR_LEN];
    const char *k;

    if (nodes == NULL) {
        nodes = json_object();
        json_object_set_new(s->root, "nodes", nodes);
    }
    json_object_foreach(nodes, k, v)
    {
        struct scn_node *n = scn_node(s, k);
        snprintf(path, sizeof(path), "$.nodes.%s", k);
        if (n == NULL)
            return edge_err(err, "%s: no node \"%s\" in the topology", path, k);
        if (!json_is_object(v))
            return edge_err(err, "%s: expected object, got %s", path, js_type_name(v));
        if (js_decode(v, path, tables[n->kind], NULL, &c, err) == -1)
            return -1;
        n->conf = v;
    }
    for (size_t i = 0; i < s->nnodes; i++)
        if (scn_node_section(s, i, nodes, err) == -1)
            return -1;
    return 0;
}

/* The references of a step's args and expect (subst.h), checked now rather than at run time. */
static int
scn_check_refs(struct scn *s, json_t *seen, json_t *step, const char *path, char *err)
{
    static const char *keys[] = {"args", "expect"};
    char sub[96];

    for (size_t k = 0; k < 2; k++) {
        snprintf(sub, sizeof(sub), "%s.%s", path, keys[k]);
        if (subst_check(s, seen, json_object_get(step, keys[k]), sub, err) == -1)
            return -1;
    }
    return 0;
}

/* The name is the file's (or <folder>-<file> for a file in a folder of like files): a copy that
 * kept its original's name would write over the original's results/<name>/. */
static int
scn_check_name(struct scn *s, char *err)
{
    char *copy = strdup(s->path), stem[256], dir[256], both[520];
    const char *base, *slash;
    size_t n;

    if (copy == NULL)
        return edge_err(err, "out of memory");
    base = basename(copy);
    n = strlen(base);
    snprintf(stem, sizeof(stem), "%.*s",
             (int)(n > 5 && strcmp(base + n - 5, ".json") == 0 ? n - 5 : n), base);
    free(copy);
    slash = strrchr(s->path, '/');
    dir[0] = '\0';
    if (slash != NULL) {
        const char *d = slash;
        while (d > s->path && d[-1] != '/')
            d--;
        snprintf(dir, sizeof(dir), "%.*s", (int)(slash - d), d);
    }
    snprintf(both, sizeof(both), "%s-%s", dir, stem);
    if (strcmp(s->name, stem) == 0 || (dir[0] != '\0' && strcmp(s->name, both) == 0))
        return 0;
    return edge_err(err,
                    "$.name: \"%s\" is not the file's name \"%s\" (the results of the run go to "
                    "results/<name>/: a copy that keeps its original's name writes over them)",
                    s->name, stem);
}

static int
scn_check(struct scn *s, char *err)
{
    json_t *step;
    size_t i;
    struct scn_ctx c = {.s = s};
    int rc = -1;

    if (js_decode(s->root, "$", keys_top, NULL, &c, err) == -1)
        return -1;
    s->name = json_string_value(json_object_get(s->root, "name"));
    s->title = json_string_value(json_object_get(s->root, "title"));
    s->reference = json_string_value(json_object_get(s->root, "reference"));
    s->description = json_string_value(json_object_get(s->root, "description"));
    if (scn_topology(s, err) == -1 || scn_node_conf(s, err) == -1)
        return -1;
    s->steps = json_object_get(s->root, "steps");
    c.seen_steps = json_object();
    c.async_steps = json_object();
    json_array_foreach(s->steps, i, step)
    {
        char path[64];
        if (act_check_step(&c, step, i, err) == -1)
            goto done;
        snprintf(path, sizeof(path), "$.steps[%zu]", i);
        if (scn_check_refs(s, c.seen_steps, step, path, err) == -1)
            goto done;
    }
    rc = scn_check_name(s, err);
done:
    json_decref(c.seen_steps);
    json_decref(c.async_steps);
    return rc;
}

struct scn *
scn_load(const char *path, char *err, size_t errlen)
{
    struct scn *s = calloc(1, sizeof(*s));
    char why[EDGE_ERR_LEN * 2];

    if (s == NULL || (s->path = strdup(path)) == NULL) {
        snprintf(err, errlen, "%s: out of memory", path);
        goto fail;
    }
    if ((s->root = scn_read_json(path, why)) == NULL) {
        snprintf(err, errlen, "%s", why);
        goto fail;
    }
    if (scn_include(s, why) == -1) {
        snprintf(err, errlen, "%s", why);
        goto fail;
    }
    if (scn_check(s, why) == -1) {
        snprintf(err, errlen, "%s: %s", path, why);
        goto fail;
    }
    return s;
fail:
    scn_free(s);
    return NULL;
}

void
scn_free(struct scn *s)
{
    if (s == NULL)
        return;
    free(s->nodes);
    free(s->links);
    free(s->routers);
    json_decref(s->root);
    free(s->path);
    free(s);
}

struct scn_node *
scn_node(const struct scn *s, const char *name)
{
    if (name == NULL)
        return NULL;
    for (size_t i = 0; i < s->nnodes; i++)
        if (s->nodes[i].name != NULL && strcmp(s->nodes[i].name, name) == 0)
            return &s->nodes[i];
    return NULL;
}

struct scn_link *
scn_link(const struct scn *s, const char *name)
{
    if (name == NULL)
        return NULL;
    for (size_t i = 0; i < s->nlinks; i++)
        if (strcmp(s->links[i].name, name) == 0)
            return &s->links[i];
    return NULL;
}

const char *
scn_conf_str(const struct scn_node *n, const char *key, const char *dflt)
{
    const char *v = json_string_value(json_object_get(n->conf, key));
    return v != NULL ? v : dflt;
}

long long
scn_conf_int(const struct scn_node *n, const char *key, long long dflt)
{
    json_t *v = json_object_get(n->conf, key);
    return json_is_integer(v) ? json_integer_value(v) : dflt;
}
