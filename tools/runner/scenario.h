/* scenario.h -- a scenario file loaded, merged with its topology and checked key by key.
 *
 * The file format is documented in scenarios/README.md. Loading resolves the
 * topology include (a shared file in scenarios/topologies/ whose nodes, links
 * and routers the scenario may override), checks every key against the field
 * tables in scenario.c, and checks the cross references (a step's node, an
 * EES's ECS, a token taken from an earlier step). Errors read
 *   FILE: $.steps[3].expect.status: expected integer, got string */
#ifndef RUN_SCENARIO_H
#define RUN_SCENARIO_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

enum scn_kind { SCN_ECS = 0, SCN_EES, SCN_EEC, SCN_AANF, SCN_BSF, SCN_EAS };

struct scn_link {
    const char *name;
    const char *rate; /* ns-3 rate string, "unlimited" when absent */
    double delay_ms, jitter_ms, loss;
    int mtu;
    int index; /* position in scn.links */
    /* TAP mode's subnet (addrplan.h): network address (host byte order), prefix length, and the
     * offset of its first node's address */
    uint32_t net;
    int plen;
    unsigned first;
};

struct scn_router {
    const char *name;
    json_t *links; /* array of link names */
};

struct scn_node {
    const char *name; /* scenario key: "ecs1", "ees2", "eec1", "aanf1" */
    enum scn_kind kind;
    const char *id;   /* FQDN of an ECS/EES, EEC ID of an EEC */
    const char *link; /* the link it sits on */
    json_t *conf;     /* its "nodes" section (an empty object when absent), borrowed */
    int index;        /* position in scn.nodes */
};

struct scn {
    char *path; /* the file as given */
    json_t *root;
    const char *name, *title, *reference, *description;
    struct scn_node *nodes;
    size_t nnodes;
    struct scn_link *links;
    size_t nlinks;
    struct scn_router *routers;
    size_t nrouters;
    json_t *steps; /* array, borrowed from root */
};

/* Load and check path. Returns NULL with err ("FILE: $.path: reason"). */
struct scn *scn_load(const char *path, char *err, size_t errlen);
void scn_free(struct scn *s);

struct scn_node *scn_node(const struct scn *s, const char *name);
struct scn_link *scn_link(const struct scn *s, const char *name);
const char *scn_kind_name(enum scn_kind k);

/* Override base with over, key by key: objects merge, null removes, anything else replaces. */
void scn_merge(json_t *base, json_t *over);
/* A string key of a node's section, or dflt. */
const char *scn_conf_str(const struct scn_node *n, const char *key, const char *dflt);
long long scn_conf_int(const struct scn_node *n, const char *key, long long dflt);
/* A delay with its unit ("40ms", "1.5ms", "250us", "2s", "0") in milliseconds. */
int scn_parse_delay(const char *s, double *ms);

#endif
