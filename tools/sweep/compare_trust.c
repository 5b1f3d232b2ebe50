/* compare_trust.c -- the trust relations a run needed, in words that are the same whatever the
 * mode, so the modes' lists line up row by row (TR 33.739 6.27 Editor's Note: each way to get a
 * token for a T-EES at another ECS asks someone else to trust someone else).
 *
 * "configured": read from the configs the nodes ran with (the run's run/<node>.json, written by
 * edge-run from the scenario): an ECS's edge9Mode, its peers (TR 33.739 6.27 step 3, TS 33.501
 * 13.4.1.1.3), the foreign S-EESes it serves (edge9ForeignClients, redirect), its EDGE-9 policy,
 * the EESes it knows authorize by local policy (TS 33.558 6.2); the issuers an EES trusts (its
 * ECS, partnerEcs: local-issue) and its local EDGE-9 policy. "calls": who called whom and was
 * served in the run, from the event log; each call is a mutual-TLS connection (each end trusts the
 * other's certificate), and a call a mode makes that another does not is trust only that mode
 * needs. */
#include "compare.h"

#include <stdio.h>
#include <string.h>

static void
trust_add(json_t *out, const char *group, const char *text, const char *value)
{
    json_array_append_new(
        out, json_pack("{s:s, s:s, s:s}", "group", group, "text", text, "value", value));
}

/* "ees1, ees4" from a list of IDs; "*" as "any EES". */
static void
trust_list(json_t *ids, json_t *names, char *buf, size_t len)
{
    json_t *v;
    size_t i, o = 0;

    buf[0] = '\0';
    json_array_foreach(ids, i, v)
    {
        const char *s = json_string_value(v);
        s = s != NULL && strcmp(s, "*") == 0 ? "any EES" : cmp_name(names, s);
        if (o < len)
            o += (size_t)snprintf(buf + o, len - o, "%s%s", i > 0 ? ", " : "", s);
    }
}

static void
trust_ecs_policy(json_t *out, const char *ecs, json_t *pol, json_t *names)
{
    char text[512], list[256];
    json_t *rule;
    size_t i;

    if (pol == NULL) {
        snprintf(text, sizeof(text),
                 "%s grants any EES an EDGE-9 token for any EES (no edge9Policy)", ecs);
        trust_add(out, "configured", text, "yes");
        return;
    }
    if (json_object_get(pol, "allowedScopes") != NULL) {
        /* Scopes are no node IDs: the list keeps them as they are. */
        trust_list(json_object_get(pol, "allowedScopes"), names, list, sizeof(list));
        snprintf(text, sizeof(text),
                 "%s grants EDGE-9 tokens with the scopes %s only (edge9Policy.allowedScopes)", ecs,
                 list);
        trust_add(out, "configured", text, "yes");
    }
    json_array_foreach(json_object_get(pol, "rules"), i, rule)
    {
        const char *cl = json_string_value(json_object_get(rule, "client"));
        const char *tg = json_string_value(json_object_get(rule, "target"));
        snprintf(text, sizeof(text), "%s grants %s EDGE-9 tokens for %s, scope %s (edge9Policy)",
                 ecs, strcmp(cl, "*") == 0 ? "any EES" : cmp_name(names, cl),
                 strcmp(tg, "*") == 0 ? "any EES" : cmp_name(names, tg),
                 json_string_value(json_object_get(rule, "scope")));
        trust_add(out, "configured", text, "yes");
    }
}

static void
trust_ecs(json_t *out, const char *ecs, json_t *conf, json_t *names)
{
    const char *mode = json_string_value(json_object_get(conf, "edge9Mode"));
    char text[512], list[256];
    json_t *v;
    const char *k;
    size_t i;

    snprintf(text, sizeof(text),
             "how %s gets a token for a T-EES registered at another ECS "
             "(edge9Mode)",
             ecs);
    trust_add(out, "mode", text, mode != NULL ? mode : "forward");
    json_array_foreach(json_object_get(conf, "peers"), i, v)
    {
        snprintf(text, sizeof(text),
                 "%s trusts %s as a peer ECS: asks it where an EES is, "
                 "accepts its lookups, forwarded token requests and the S-EESes it authenticated "
                 "(peers)",
                 ecs, cmp_name(names, json_string_value(v)));
        trust_add(out, "configured", text, "yes");
    }
    if (json_array_size(json_object_get(conf, "edge9ForeignClients")) > 0) {
        trust_list(json_object_get(conf, "edge9ForeignClients"), names, list, sizeof(list));
        snprintf(text, sizeof(text),
                 "%s accepts token requests from %s, registered at another "
                 "ECS, on the EES's certificate alone (edge9ForeignClients)",
                 ecs, list);
        trust_add(out, "configured", text, "yes");
    }
    trust_ecs_policy(out, ecs, json_object_get(conf, "edge9Policy"), names);
    json_object_foreach(json_object_get(conf, "eesAuth"), k, v)
    {
        if (json_string_value(v) == NULL || strcmp(json_string_value(v), "local") != 0)
            continue;
        snprintf(text, sizeof(text),
                 "%s knows %s authorizes by local policy: no token for it "
                 "(eesAuth, TS 33.558 6.2)",
                 ecs, cmp_name(names, k));
        trust_add(out, "configured", text, "yes");
    }
}

static void
trust_ees(json_t *out, const char *ees, json_t *conf, json_t *names)
{
    json_t *trust = json_object_get(conf, "trust"), *v, *allow;
    const char *auth = json_string_value(json_object_get(conf, "authorization"));
    char text[512], list[256];
    size_t i;

    if (json_string_value(json_object_get(trust, "issuer")) != NULL) {
        snprintf(text, sizeof(text), "%s trusts the JWKS of %s, its own ECS", ees,
                 cmp_name(names, json_string_value(json_object_get(trust, "issuer"))));
        trust_add(out, "configured", text, "yes");
    }
    json_array_foreach(json_object_get(conf, "partnerEcs"), i, v)
    {
        snprintf(text, sizeof(text),
                 "%s trusts the JWKS of %s, fetched at its first token "
                 "(partnerEcs)",
                 ees, cmp_name(names, json_string_value(v)));
        trust_add(out, "configured", text, "yes");
    }
    if (auth == NULL || strcmp(auth, "local") != 0)
        return;
    allow = json_object_get(json_object_get(conf, "policy"), "allowEeses");
    if (allow != NULL)
        trust_list(allow, names, list, sizeof(list));
    snprintf(text, sizeof(text),
             "%s admits EDGE-9 calls without a token from %s "
             "(local authorization, policy.allowEeses)",
             ees, allow != NULL ? list : "any EES of the CA");
    trust_add(out, "configured", text, "yes");
}

/* The API a path belongs to: /oauth2/token as it is, else its first two segments. */
static void
trust_api(const char *path, char *buf, size_t len)
{
    const char *p = path;
    int seg = 0;

    if (strncmp(path, "/oauth2/", 8) == 0) {
        snprintf(buf, len, "%s", path);
        return;
    }
    while (*p != '\0' && seg < 3)
        seg += *p++ == '/';
    snprintf(buf, len, "%.*s", (int)(p - path - (seg == 3)), path);
}

/* Who called whom and was served: every answer below 400 as its client logged it, by API (a
 * refused call used no trust: a probe the scenario expects to fail is not a need). */
static void
trust_calls(json_t *out, json_t *events, json_t *names)
{
    char text[512], api[256];
    json_t *e;
    size_t i;

    json_array_foreach(events, i, e)
    {
        const char *dir = json_string_value(json_object_get(e, "dir"));
        const char *kind = json_string_value(json_object_get(e, "kind"));
        const char *method = json_string_value(json_object_get(e, "method"));
        const char *path = json_string_value(json_object_get(e, "path"));
        json_int_t st = json_integer_value(json_object_get(e, "status"));
        json_t *seen, *row;
        size_t j;
        int dup = 0;
        if (dir == NULL || kind == NULL || method == NULL || path == NULL ||
            strcmp(dir, "in") != 0 || strcmp(kind, "http") != 0 || st < 100 || st >= 400)
            continue;
        trust_api(path, api, sizeof(api));
        snprintf(text, sizeof(text), "%s calls %s: %s %s",
                 cmp_name(names, json_string_value(json_object_get(e, "node"))),
                 cmp_name(names, json_string_value(json_object_get(e, "peer"))), method, api);
        seen = json_string(text);
        json_array_foreach(out, j, row)
        {
            dup |= json_equal(json_object_get(row, "text"), seen);
        }
        json_decref(seen);
        if (!dup)
            trust_add(out, "calls", text, "yes");
    }
}

json_t *
cmp_trust(const char *rundir, json_t *summary, json_t *events, json_t *names)
{
    json_t *out = json_array(), *n;
    const char *name;
    char path[SWEEP_PATH_MAX + 128];

    json_object_foreach(json_object_get(summary, "nodes"), name, n)
    {
        const char *kind = json_string_value(json_object_get(n, "kind"));
        const char *id = json_string_value(json_object_get(n, "id"));
        json_t *conf;
        if (kind == NULL || id == NULL || (strcmp(kind, "ecs") != 0 && strcmp(kind, "ees") != 0))
            continue;
        /* edge-run names an ECS's or EES's config by its FQDN (tools/runner/conf.c). */
        snprintf(path, sizeof(path), "%s/run/%s.json", rundir, id);
        if ((conf = json_load_file(path, 0, NULL)) == NULL)
            continue;
        if (strcmp(kind, "ecs") == 0)
            trust_ecs(out, name, conf, names);
        else
            trust_ees(out, name, conf, names);
        json_decref(conf);
    }
    trust_calls(out, events, names);
    return out;
}
