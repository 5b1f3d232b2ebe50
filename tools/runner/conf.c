/* conf.c -- plans a run's addresses and names and writes each node's config (nodes/README.md). */
#include "conf.h"
#include "addrplan.h"
#include "population.h"

#include "base/err.h"
#include "subst.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Routers on link li, in topology order; the first is the default gateway. */
static int
conf_gateway(struct run *r, int li, char *buf, size_t len)
{
    struct scn *s = r->scn;
    int k = 0;

    if (s->nrouters == 0) {
        /* No routers named: one router joins every link (net.c makes it). */
        addr_router(&s->links[li], 0, buf, len);
        return 0;
    }
    for (size_t i = 0; i < s->nrouters; i++) {
        size_t j;
        json_t *l;
        json_array_foreach(s->routers[i].links, j, l)
        {
            if (strcmp(json_string_value(l), s->links[li].name) == 0) {
                addr_router(&s->links[li], k, buf, len);
                return 0;
            }
        }
        k++;
    }
    buf[0] = '\0';
    return -1;
}

/* An EEC's notification endpoint is named notifyFqdn, else <node name>.ue.edge.test (a node name
 * is a DNS label but for '_'). */
static void
conf_host(struct run_node *n)
{
    const char *named = scn_conf_str(n->sn, "notifyFqdn", NULL);

    if (n->sn->kind != SCN_EEC) {
        snprintf(n->host, sizeof(n->host), "%s", n->sn->id);
    } else if (named != NULL) {
        snprintf(n->host, sizeof(n->host), "%s", named);
    } else {
        snprintf(n->host, sizeof(n->host), "%s.ue.edge.test", n->sn->name);
        for (char *p = n->host; *p != '\0'; p++)
            *p = *p == '_' ? '-' : *p;
    }
}

int
conf_plan(struct run *r, char *err)
{
    struct scn *s = r->scn;
    size_t *per_link = calloc(s->nlinks + 1, sizeof(*per_link));
    unsigned id = 0;

    if (per_link == NULL)
        return edge_err(err, "out of memory");
    for (const char *p = r->id; *p; p++)
        id = id * 31 + (unsigned char)*p;
    for (size_t i = 0; i < r->nnodes; i++) {
        struct run_node *n = &r->nodes[i];
        struct scn_link *l = scn_link(s, n->sn->link);
        const char *name = n->sn->kind == SCN_EEC ? n->sn->name : n->sn->id;

        n->pid = -1;
        conf_host(n);
        if (r->net == RUN_NET_TAP) {
            /* The link's subnet holds its nodes: addr_plan sized it when the scenario loaded. */
            addr_node(l, per_link[l->index]++, n->addr, sizeof(n->addr));
            run_pathf(n->cidr, sizeof(n->cidr), "%s/%d", n->addr, l->plen);
            if (conf_gateway(r, l->index, n->gw, sizeof(n->gw)) == -1 && s->nlinks > 1) {
                free(per_link);
                return edge_err(err, "link %s: no router joins it, so %s cannot reach the others",
                                l->name, n->sn->name);
            }
            n->port = 443;
            snprintf(n->ns, sizeof(n->ns), "edgesim-%s-%s", r->id, n->sn->name);
            run_pathf(n->ifname, sizeof(n->ifname), "es%s%zu", r->id, i);
        } else {
            /* 127.a.b.c: a.b from the run id keep two runs apart; past 246 nodes c starts over and
             * the port, one per node, keeps them apart (net_check_ports bounds it). */
            snprintf(n->addr, sizeof(n->addr), "127.%u.%u.%zu", 1 + (id % 250), (id / 250) % 250,
                     10 + i % 246);
            n->port = 20000 + (int)((id % 400) * 100) + (int)i;
        }
        run_pathf(n->conf, sizeof(n->conf), "%s/%s.json", r->rundir, name);
        run_pathf(n->evlog, sizeof(n->evlog), "%s/%s.events.jsonl", r->rundir, name);
        run_pathf(n->log, sizeof(n->log), "%s/logs/%s.log", r->out, n->sn->name);
        run_pathf(n->ctl, sizeof(n->ctl), "%s/%s.sock", r->rundir, n->sn->name);
        if (strlen(n->ctl) >= 100) /* sun_path holds 108 bytes */
            run_pathf(n->ctl, sizeof(n->ctl), "/tmp/edgesim-%s-%s.sock", r->id, n->sn->name);
    }
    free(per_link);
    return 0;
}

static json_t *
conf_names(struct run *r, json_t *list)
{
    json_t *out = json_array(), *v;
    size_t i;

    json_array_foreach(list, i, v)
    {
        struct run_node *n = run_node(r, json_string_value(v));
        json_array_append_new(out, json_string(n ? n->sn->id : json_string_value(v)));
    }
    return out;
}

/* Local authorization policy with node names turned into EEC IDs. */
static json_t *
conf_policy(struct run *r, json_t *pol)
{
    json_t *out = json_object();

    if (json_object_get(pol, "allowEecs") != NULL)
        json_object_set_new(out, "allowEecs", conf_names(r, json_object_get(pol, "allowEecs")));
    if (json_object_get(pol, "allowGpsis") != NULL)
        json_object_set(out, "allowGpsis", json_object_get(pol, "allowGpsis"));
    if (json_object_get(pol, "allowEeses") != NULL)
        json_object_set_new(out, "allowEeses", conf_names(r, json_object_get(pol, "allowEeses")));
    if (json_object_get(pol, "allowEases") != NULL) /* EAS IDs, not node names */
        json_object_set(out, "allowEases", json_object_get(pol, "allowEases"));
    return out;
}

/* Keys of a node's section that go into its config as they are (nodes/README.md names them the
 * same), per kind. */
static const char *const conf_ecs_passed[] = {
    "deadlines", "edge9Mode", "locationCacheLifetime", "peerKeepAlive", "eecBindingLifetime", NULL};
static const char *const conf_ees_passed[] = {
    "keepAlive", "eecRegConf", "eecRegistrationExpiry", "tokenReplay", "tokenClockSkew",
    "deadlines", NULL};
static const char *const conf_eec_passed[] = {"deadlines", NULL};
static const char *const conf_eas_passed[] = {
    "profile", "registrationExpiry", "refresh", "keepAlive", "acrEvents", "deadlines", NULL};

static void
conf_pass(struct run_node *n, json_t *c, const char *const *keys)
{
    for (int i = 0; keys[i] != NULL; i++)
        if (json_object_get(n->sn->conf, keys[i]) != NULL)
            json_object_set(c, keys[i], json_object_get(n->sn->conf, keys[i]));
}

static const char *
conf_bound_gpsi(struct run_node *n)
{
    json_t *b = json_object_get(n->sn->conf, "boundGpsi");
    if (b != NULL)
        return json_string_value(b); /* NULL when null: none bound */
    return scn_conf_str(n->sn, "gpsi", NULL);
}

/* The GPSI the operator's data names for a subscriber EEC: for a PSK EEC the one its key server
 * binds to its A-KID / B-TID (boundGpsi), for a cert EEC the one it sends. */
static const char *
conf_sub_gpsi(struct run_node *n)
{
    if (strcmp(scn_conf_str(n->sn, "credentials", "cert"), "cert") != 0)
        return conf_bound_gpsi(n);
    return scn_conf_str(n->sn, "gpsi", NULL);
}

static int
conf_is_subscriber(const struct run_node *n)
{
    return n->sn->kind == SCN_EEC && !json_is_false(json_object_get(n->sn->conf, "subscriber"));
}

/* Every subscriber EEC. A key server's table (an AAnF's AKMA contexts, a BSF's bootstrapping
 * sessions: kind) carries the keys; an ECS's / EES's (kind SCN_ECS) only the GPSIs the operator
 * knows, for GPSI authentication. */
static json_t *
conf_subscribers(struct run *r, enum scn_kind kind)
{
    json_t *subs = json_array(), *e;

    for (size_t i = 0; i < r->nnodes; i++) {
        struct run_node *n = &r->nodes[i];
        const char *gpsi;
        if (!conf_is_subscriber(n))
            continue;
        gpsi = conf_sub_gpsi(n);
        if (kind == SCN_AANF)
            e = json_pack("{s:s, s:s}", "akid", n->akid, "kakma", n->kakma);
        else if (kind == SCN_BSF)
            e = json_pack("{s:s, s:s, s:s, s:s}", "btid", n->btid, "ks", n->ks, "rand", n->rand,
                          "impi", n->impi);
        else if (gpsi != NULL)
            e = json_object();
        else
            continue;
        json_object_set_new(e, "eecId", json_string(n->sn->id));
        if (gpsi != NULL)
            json_object_set_new(e, "gpsi", json_string(gpsi));
        if (kind == SCN_AANF && json_object_get(n->sn->conf, "akmaLifetime") != NULL)
            json_object_set(e, "kakmaLifetime", json_object_get(n->sn->conf, "akmaLifetime"));
        if (kind == SCN_BSF && json_object_get(n->sn->conf, "gbaLifetime") != NULL)
            json_object_set(e, "lifetime", json_object_get(n->sn->conf, "gbaLifetime"));
        json_array_append_new(subs, e);
    }
    pop_subscribers(r, kind, subs);
    return subs;
}

/* The FQDN of the first node of kind k, or NULL. */
static const char *
conf_first(struct run *r, enum scn_kind k)
{
    for (size_t i = 0; i < r->nnodes; i++)
        if (r->nodes[i].sn->kind == k)
            return r->nodes[i].sn->id;
    return NULL;
}

static json_t *
conf_common(struct run *r, struct run_node *n)
{
    json_t *c = json_object(), *hosts = json_object(), *tls;
    char buf[RUN_PATH_MAX + 64];

    json_object_set_new(c, "node", json_string(n->sn->id));
    if (n->sn->kind != SCN_EEC)
        json_object_set_new(c, "listen", json_pack("{s:s, s:i}", "addr", n->addr, "port", n->port));
    /* Loopback mode: the node's connections leave from its own 127.a.b.c, as they leave from its
     * namespace's address in TAP mode, so that servers see (and cap) each node apart. */
    if (r->net != RUN_NET_TAP)
        json_object_set_new(c, "sourceAddr", json_string(n->addr));
    /* Every server, and every EEC's notification endpoint (edgesim's DNS). */
    for (size_t i = 0; i < r->nnodes; i++) {
        struct run_node *p = &r->nodes[i];
        if (p == n)
            continue;
        snprintf(buf, sizeof(buf), "%s:%d", p->addr, p->port);
        json_object_set_new(hosts, p->host, json_string(buf));
    }
    json_object_set_new(c, "hosts", hosts);
    if (json_is_string(json_object_get(n->sn->conf, "http")))
        json_object_set(c, "http", json_object_get(n->sn->conf, "http"));
    snprintf(buf, sizeof(buf), "%s/ca.crt", r->pkidir);
    tls = json_pack("{s:s}", "ca", buf);
    if (n->sn->kind != SCN_EEC) {
        snprintf(buf, sizeof(buf), "%s/%s.crt", r->pkidir, n->sn->id);
        json_object_set_new(tls, "cert", json_string(buf));
        snprintf(buf, sizeof(buf), "%s/%s.key", r->pkidir, n->sn->id);
        json_object_set_new(tls, "key", json_string(buf));
    } else if (strcmp(scn_conf_str(n->sn, "credentials", "cert"), "cert") == 0) {
        snprintf(buf, sizeof(buf), "%s/eec-%s.crt", r->pkidir, n->sn->id);
        json_object_set_new(tls, "cert", json_string(buf));
        snprintf(buf, sizeof(buf), "%s/eec-%s.key", r->pkidir, n->sn->id);
        json_object_set_new(tls, "key", json_string(buf));
    } else if (strcmp(scn_conf_str(n->sn, "credentials", "cert"), "none") == 0) {
        json_object_set_new(tls, "clientCredential", json_string("none"));
    }
    json_object_set_new(c, "tls", tls);
    json_object_set_new(c, "keylog", json_string(r->keylog));
    json_object_set_new(c, "evlog", json_string(n->evlog));
    if (n->sn->kind == SCN_ECS || n->sn->kind == SCN_EES) {
        json_object_set_new(c, "subscribers", conf_subscribers(r, SCN_ECS));
        /* An AF / NAF gets its PSK clients' keys from the AAnF / BSF of the scenario. */
        if (conf_first(r, SCN_AANF) != NULL)
            json_object_set_new(c, "aanf", json_string(conf_first(r, SCN_AANF)));
        if (conf_first(r, SCN_BSF) != NULL)
            json_object_set_new(c, "bsf", json_string(conf_first(r, SCN_BSF)));
    }
    return c;
}

/* The authorization method an ECS is configured with for an EES (TS 33.558 6.2). */
static const char *
conf_ees_auth(struct run *r, struct run_node *ecs, struct run_node *ees)
{
    const char *m = json_string_value(
        json_object_get(json_object_get(ecs->sn->conf, "eesAuth"), ees->sn->name));
    (void)r;
    return m != NULL ? m : scn_conf_str(ees->sn, "authorization", "token");
}

static json_t *
conf_edge9_policy(struct run *r, json_t *pol)
{
    json_t *out = json_object(), *rules = json_array(), *rule;
    size_t i;

    if (json_object_get(pol, "allowedScopes") != NULL)
        json_object_set(out, "allowedScopes", json_object_get(pol, "allowedScopes"));
    json_array_foreach(json_object_get(pol, "rules"), i, rule)
    {
        struct run_node *c = run_node(r, json_string_value(json_object_get(rule, "client")));
        struct run_node *t = run_node(r, json_string_value(json_object_get(rule, "target")));
        json_array_append_new(rules, json_pack("{s:s, s:s, s:O}", "client", c ? c->sn->id : "*",
                                               "target", t ? t->sn->id : "*", "scope",
                                               json_object_get(rule, "scope")));
    }
    if (json_object_get(pol, "rules") != NULL)
        json_object_set(out, "rules", rules);
    json_decref(rules);
    return out;
}

static void
conf_ecs(struct run *r, struct run_node *n, json_t *c)
{
    json_t *kids = json_object_get(n->sn->conf, "kids"), *auth = json_object(), *pol;
    long long life = scn_conf_int(n->sn, "tokenLifetime", 300);

    json_object_set_new(c, "signing",
                        json_pack("{s:s, s:o}", "dir", r->pkidir, "kids",
                                  kids ? json_incref(kids) : json_pack("[s]", "k1")));
    json_object_set_new(c, "tokenLifetime", json_integer(life));
    json_object_set_new(c, "edge9TokenLifetime",
                        json_integer(scn_conf_int(n->sn, "edge9TokenLifetime", life)));
    json_object_set_new(c, "peers", conf_names(r, json_object_get(n->sn->conf, "peers")));
    json_object_set_new(c, "maxForwardHops",
                        json_integer(scn_conf_int(n->sn, "maxForwardHops", 2)));
    if (json_object_get(n->sn->conf, "registrationLifetime") != NULL) {
        long long max = scn_conf_int(n->sn, "registrationLifetime", 3600);
        json_object_set_new(
            c, "registration",
            json_pack("{s:I, s:I}", "defaultExpiry", max < 3600 ? max : 3600, "maxExpiry", max));
    }
    /* TS 33.558 6.2: the ECS is configured with each EES's authorization method. */
    for (size_t i = 0; i < r->nnodes; i++) {
        struct run_node *e = &r->nodes[i];
        if (e->sn->kind == SCN_EES)
            json_object_set_new(auth, e->sn->id, json_string(conf_ees_auth(r, n, e)));
    }
    json_object_set_new(c, "eesAuth", auth);
    if ((pol = json_object_get(n->sn->conf, "eesScopes")) != NULL) {
        json_t *scopes = json_object(), *v;
        const char *k;
        json_object_foreach(pol, k, v) json_object_set(scopes, run_node(r, k)->sn->id, v);
        json_object_set_new(c, "eesScopes", scopes);
    }
    if ((pol = json_object_get(n->sn->conf, "policy")) != NULL)
        json_object_set_new(
            c, "eecPolicy",
            json_pack("{s:o}", "allow", conf_names(r, json_object_get(pol, "allowEecs"))));
    if ((pol = json_object_get(n->sn->conf, "edge9Policy")) != NULL)
        json_object_set_new(c, "edge9Policy", conf_edge9_policy(r, pol));
    if ((pol = json_object_get(n->sn->conf, "edge9ForeignClients")) != NULL)
        json_object_set_new(c, "edge9ForeignClients", conf_names(r, pol));
    conf_pass(n, c, conf_ecs_passed);
}

static void
conf_ees(struct run *r, struct run_node *n, json_t *c)
{
    struct run_node *ecs = run_node(r, scn_conf_str(n->sn, "ecs", NULL));

    json_object_set_new(c, "ecs", json_string(ecs->sn->id));
    /* The public keys of its own ECS: it trusts tokens of that issuer only. */
    json_object_set_new(c, "trust",
                        json_pack("{s:s, s:s}", "issuer", ecs->sn->id, "dir", r->pkidir));
    json_object_set_new(c, "authorization",
                        json_string(scn_conf_str(n->sn, "authorization", "token")));
    if (json_object_get(n->sn->conf, "policy") != NULL)
        json_object_set_new(c, "policy", conf_policy(r, json_object_get(n->sn->conf, "policy")));
    json_object_set(c, "easIds", json_object_get(n->sn->conf, "easIds"));
    if (json_object_get(n->sn->conf, "svcArea") != NULL)
        json_object_set(c, "svcArea", json_object_get(n->sn->conf, "svcArea"));
    json_object_set_new(c, "registrationExpiry",
                        json_integer(scn_conf_int(n->sn, "registrationExpiry", 3600)));
    json_object_set_new(c, "refresh",
                        json_boolean(!json_is_false(json_object_get(n->sn->conf, "refresh"))));
    if (json_object_get(n->sn->conf, "partnerEcs") != NULL)
        json_object_set_new(c, "partnerEcs",
                            conf_names(r, json_object_get(n->sn->conf, "partnerEcs")));
    /* Room for every UE of the run's populations (and the named EECs), beyond the default. */
    if (pop_total(r) + r->nnodes > 4096)
        json_object_set_new(c, "maxContexts",
                            json_integer((json_int_t)pop_total(r) + (json_int_t)r->nnodes));
    conf_pass(n, c, conf_ees_passed);
}

static void
conf_eec(struct run *r, struct run_node *n, json_t *c)
{
    struct run_node *ecs = run_node(r, scn_conf_str(n->sn, "ecs", NULL));
    const char *gpsi = scn_conf_str(n->sn, "gpsi", NULL);
    json_t *pop;
    char crt[RUN_PATH_MAX + 300], key[RUN_PATH_MAX + 300];

    json_object_set_new(c, "ecs", json_string(ecs->sn->id));
    json_object_set_new(c, "eecId", json_string(n->sn->id));
    if (gpsi != NULL)
        json_object_set_new(c, "gpsi", json_string(gpsi));
    if (strcmp(scn_conf_str(n->sn, "credentials", "cert"), "psk") == 0)
        json_object_set_new(c, "psk", json_pack("{s:s, s:s}", "akid", n->akid, "kakma", n->kakma));
    if (strcmp(scn_conf_str(n->sn, "credentials", "cert"), "gba") == 0)
        json_object_set_new(c, "gba",
                            json_pack("{s:s, s:s, s:s, s:s}", "btid", n->btid, "ks", n->ks, "rand",
                                      n->rand, "impi", n->impi));
    if (json_object_get(n->sn->conf, "acProfs") != NULL)
        json_object_set(c, "acProfs", json_object_get(n->sn->conf, "acProfs"));
    if (json_object_get(n->sn->conf, "locInf") != NULL)
        json_object_set(c, "locInf", json_object_get(n->sn->conf, "locInf"));
    if ((pop = pop_config(r, n)) != NULL)
        json_object_set_new(c, "population", pop);
    /* Its notification endpoint: its address and port, its own certificate (creds.c). */
    snprintf(crt, sizeof(crt), "%s/%s.crt", r->pkidir, n->host);
    snprintf(key, sizeof(key), "%s/%s.key", r->pkidir, n->host);
    json_object_set_new(c, "notify",
                        json_pack("{s:s, s:s, s:i, s:s, s:s}", "fqdn", n->host, "addr", n->addr,
                                  "port", n->port, "cert", crt, "key", key));
    conf_pass(n, c, conf_eec_passed);
}

static void
conf_eas(struct run *r, struct run_node *n, json_t *c)
{
    struct run_node *ees = run_node(r, scn_conf_str(n->sn, "ees", NULL));

    json_object_set_new(c, "ees", json_string(ees->sn->id));
    json_object_set_new(c, "easId", json_string(scn_conf_str(n->sn, "easId", "")));
    conf_pass(n, c, conf_eas_passed);
}

/* A key server: its table and the servers it serves (names to FQDNs; default every one). */
static void
conf_keyserver(struct run *r, struct run_node *n, json_t *c)
{
    int aanf = n->sn->kind == SCN_AANF;
    json_t *served = json_object_get(n->sn->conf, aanf ? "afs" : "nafs");
    const char *life = aanf ? "kafLifetime" : "keyLifetime";

    json_object_set_new(c, aanf ? "subscribers" : "bootstraps", conf_subscribers(r, n->sn->kind));
    if (served != NULL)
        json_object_set_new(c, aanf ? "afs" : "nafs", conf_names(r, served));
    if (json_object_get(n->sn->conf, life) != NULL)
        json_object_set(c, life, json_object_get(n->sn->conf, life));
}

/* A scripted peer in the node's place (tools/runner/fake.c): the common keys and its routes. */
static void
conf_fake(struct run_node *n, json_t *c)
{
    json_object_set(c, "routes", json_object_get(json_object_get(n->sn->conf, "fake"), "routes"));
}

int
conf_write_node(struct run *r, struct run_node *n, json_t *extra, char *err)
{
    json_t *c = conf_common(r, n);
    int rc;

    if (json_object_get(n->sn->conf, "fake") != NULL)
        conf_fake(n, c);
    else if (n->sn->kind == SCN_ECS)
        conf_ecs(r, n, c);
    else if (n->sn->kind == SCN_EES)
        conf_ees(r, n, c);
    else if (n->sn->kind == SCN_EAS)
        conf_eas(r, n, c);
    else if (n->sn->kind == SCN_EEC)
        conf_eec(r, n, c);
    else
        conf_keyserver(r, n, c);
    /* What the scenario gives as it is, then what this start adds: the node checks it. Its
     * strings may name nodes (${ees1}: the FQDN, as in a step), since a config holds FQDNs. */
    for (int i = 0; i < 2; i++) {
        json_t *add = i == 0 ? json_object_get(n->sn->conf, "config") : extra;
        if (add != NULL) {
            add = subst_value(r, add);
            scn_merge(c, add);
            json_decref(add);
        }
    }
    rc = run_write_json(n->conf, c, err);
    json_decref(c);
    return rc;
}

int
conf_write(struct run *r, char *err)
{
    for (size_t i = 0; i < r->nnodes; i++)
        if (conf_write_node(r, &r->nodes[i], NULL, err) == -1)
            return -1;
    return 0;
}
