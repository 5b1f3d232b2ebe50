/* compare_model.c -- what edge-compare shows, built from the runs of each mode (compare.h gives
 * the model's shape): per step and mode, the outcome of the shown run and who decided it, the
 * messages while the step ran (each as its sender logged it: common/base/evlog.h), the new TLS
 * connections, and the step's time over every seed (sweep_stats.c); per mode, the trust relations
 * (compare_trust.c); and the link the times are set against. */
#include "compare.h"

#include "base/err.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CMP_EVENTS_MAX 200000 /* lines of one run's events.jsonl */
#define CMP_CHAIN_MAX 8       /* proxies a refusal is followed back through */

const char *
cmp_name(json_t *names, const char *id)
{
    const char *n = json_string_value(json_object_get(names, id != NULL ? id : ""));
    return n != NULL ? n : id != NULL ? id : "?";
}

/* A run's events.jsonl, in time order as edge-run merged it; an empty array when missing. */
static json_t *
cmp_events(const char *rundir)
{
    char path[SWEEP_PATH_MAX + 64], *line = NULL;
    size_t cap = 0;
    json_t *out = json_array();
    FILE *f;

    snprintf(path, sizeof(path), "%s/events.jsonl", rundir);
    if ((f = fopen(path, "r")) == NULL)
        return out;
    while (getline(&line, &cap, f) > 0 && json_array_size(out) < CMP_EVENTS_MAX) {
        json_t *e = json_loads(line, 0, NULL);
        if (json_is_object(e))
            json_array_append(out, e);
        json_decref(e);
    }
    free(line);
    fclose(f);
    return out;
}

/* Node ID (FQDN, EEC ID) -> node name, from summary.json's "nodes". */
static json_t *
cmp_names(json_t *summary)
{
    json_t *names = json_object(), *n;
    const char *name;

    json_object_foreach(json_object_get(summary, "nodes"), name, n)
    {
        const char *id = json_string_value(json_object_get(n, "id"));
        if (id != NULL)
            json_object_set_new(names, id, json_string(name));
    }
    return names;
}

static const char *
cmp_str(json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static double
cmp_t(json_t *e)
{
    return json_number_value(json_object_get(e, "t_mono"));
}

/* The HTTP messages logged while the step ran, each once (as its sender logged it), and how
 * many TLS handshakes servers completed meanwhile (new connections). */
static json_t *
cmp_messages(json_t *events, json_t *names, double t0, double t1, int *tls_new)
{
    json_t *out = json_array(), *e;
    size_t i;

    *tls_new = 0;
    json_array_foreach(events, i, e)
    {
        const char *kind = cmp_str(e, "kind"), *dir = cmp_str(e, "dir");
        const char *sum = cmp_str(e, "summary");
        if (cmp_t(e) < t0 || cmp_t(e) > t1 || kind == NULL || dir == NULL)
            continue;
        if (strcmp(kind, "tls") == 0 && strcmp(dir, "in") == 0 && sum != NULL &&
            strncmp(sum, "TLS handshake done", 18) == 0)
            (*tls_new)++;
        if (strcmp(kind, "http") != 0 || strcmp(dir, "out") != 0 || cmp_str(e, "method") == NULL)
            continue;
        json_array_append_new(
            out, json_pack("{s:f, s:s, s:s, s:s, s:s, s:O}", "t", (cmp_t(e) - t0) * 1000.0, "from",
                           cmp_name(names, cmp_str(e, "node")), "to",
                           cmp_name(names, cmp_str(e, "peer")), "method", cmp_str(e, "method"),
                           "path", cmp_str(e, "path") != NULL ? cmp_str(e, "path") : "", "status",
                           json_object_get(e, "status")));
    }
    return out;
}

/* Who decided a refusal the actor got: follow the answer with that status back through each
 * node that only passed on what it was answered (an ECS relaying the signing ECS's 400, an ACR
 * keeping a 504), to the node that answered it first. NULL when the actor got no such answer. */
static const char *
cmp_decider(json_t *events, json_t *names, const char *actor, json_int_t status, double t0,
            double t1)
{
    const char *who = actor;
    double before = t1 + 1e-6;
    json_t *e;
    size_t i;

    for (int hop = 0; hop < CMP_CHAIN_MAX; hop++) {
        json_t *got = NULL;
        json_array_foreach(events, i, e)
        {
            if (cmp_t(e) >= t0 && cmp_t(e) < before && cmp_str(e, "node") != NULL &&
                strcmp(cmp_str(e, "node"), who) == 0 && cmp_str(e, "dir") != NULL &&
                strcmp(cmp_str(e, "dir"), "in") == 0 && cmp_str(e, "peer") != NULL &&
                json_integer_value(json_object_get(e, "status")) == status)
                got = e;
        }
        if (got == NULL)
            break;
        who = cmp_str(got, "peer");
        before = cmp_t(got);
    }
    return who == actor ? NULL : cmp_name(names, who);
}

/* The step's time over the mode's seeds (every run where it ran, passed or not). */
static void
cmp_times(json_t *cell, const struct cmp_mode *m, const char *step)
{
    for (size_t i = 0; i < m->tab.nsteps; i++) {
        const struct sweep_step *st = &m->tab.steps[i];
        if (strcmp(st->name, step) != 0)
            continue;
        json_object_set_new(cell, "timed", json_integer((json_int_t)st->timed));
        json_object_set_new(cell, "passed", json_integer((json_int_t)st->passed));
        if (st->timed > 0) {
            json_object_set_new(cell, "p50", json_real(st->p50));
            json_object_set_new(cell, "p90", json_real(st->p90));
            json_object_set_new(cell, "max", json_real(st->max));
        }
    }
}

/* The outcome of one step of the shown run: status, cause, detail, who decided. */
static void
cmp_outcome_of(json_t *cell, json_t *st, json_t *events, json_t *names, json_t *summary)
{
    json_t *res = json_object_get(st, "result"), *pb = json_object_get(res, "problem");
    json_int_t status = json_integer_value(json_object_get(res, "status"));
    const char *cause = cmp_str(pb, "cause") != NULL ? cmp_str(pb, "cause") : cmp_str(pb, "error");
    const char *detail =
        cmp_str(pb, "detail") != NULL ? cmp_str(pb, "detail") : cmp_str(pb, "error_description");
    const char *node = cmp_str(st, "node");
    const char *actor = cmp_str(json_object_get(json_object_get(summary, "nodes"), node), "id");
    const char *by;

    json_object_set_new(cell, "status", json_integer(status));
    if (cause != NULL)
        json_object_set_new(cell, "cause", json_string(cause));
    if (detail != NULL)
        json_object_set_new(cell, "detail", json_string(detail));
    if (cmp_str(res, "error") != NULL)
        json_object_set_new(cell, "error", json_string(cmp_str(res, "error")));
    if (status >= 300 && actor != NULL &&
        (by = cmp_decider(events, names, actor, status,
                          json_number_value(json_object_get(st, "t_start")),
                          json_number_value(json_object_get(st, "t_end")))) != NULL)
        json_object_set_new(cell, "by", json_string(by));
}

/* One step of one mode: a cell of the model. */
static json_t *
cmp_cell(const struct cmp_mode *m, json_t *st, json_t *events, json_t *names)
{
    json_t *summary = m->sw.runs[m->ref].summary, *cell = json_object();
    const char *keys[] = {"node", "action", "about", "verdict"};
    int tls_new;

    for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
        if (cmp_str(st, keys[k]) != NULL)
            json_object_set_new(cell, keys[k], json_string(cmp_str(st, keys[k])));
    cmp_outcome_of(cell, st, events, names, summary);
    json_object_set_new(cell, "messages",
                        cmp_messages(events, names,
                                     json_number_value(json_object_get(st, "t_start")),
                                     json_number_value(json_object_get(st, "t_end")), &tls_new));
    json_object_set_new(cell, "tlsNew", json_integer(tls_new));
    cmp_times(cell, m, cmp_str(st, "name"));
    return cell;
}

/* The model's step named name, appended (with a null cell per mode) when new. */
static json_t *
cmp_step_row(json_t *steps, const char *name, size_t nmodes)
{
    json_t *row, *cells;
    size_t i;

    json_array_foreach(steps, i, row)
    {
        if (strcmp(cmp_str(row, "name"), name) == 0)
            return row;
    }
    cells = json_array();
    for (i = 0; i < nmodes; i++)
        json_array_append_new(cells, json_null());
    row = json_pack("{s:s, s:o}", "name", name, "cells", cells);
    json_array_append_new(steps, row);
    return row;
}

/* The trust relations of mode k into the model's rows: a row per relation, a cell per mode. */
static void
cmp_trust_rows(json_t *rows, json_t *rels, size_t k, size_t nmodes)
{
    json_t *rel, *row;
    size_t i, j;

    json_array_foreach(rels, i, rel)
    {
        json_t *found = NULL;
        json_array_foreach(rows, j, row)
        {
            if (strcmp(cmp_str(row, "group"), cmp_str(rel, "group")) == 0 &&
                strcmp(cmp_str(row, "text"), cmp_str(rel, "text")) == 0)
                found = row;
        }
        if (found == NULL) {
            json_t *cells = json_array();
            for (j = 0; j < nmodes; j++)
                json_array_append_new(cells, json_string(""));
            found = json_pack("{s:O, s:O, s:o}", "group", json_object_get(rel, "group"), "text",
                              json_object_get(rel, "text"), "cells", cells);
            json_array_append_new(rows, found);
        }
        json_array_set(json_object_get(found, "cells"), k, json_object_get(rel, "value"));
    }
}

/* Mark the rows whose cells are not all the same, and put them first within their group. */
static json_t *
cmp_trust_sorted(json_t *rows)
{
    static const char *const groups[] = {"mode", "configured", "calls"};
    json_t *out = json_array(), *row;
    size_t i;

    json_array_foreach(rows, i, row)
    {
        json_t *cells = json_object_get(row, "cells");
        int differs = 0;
        for (size_t k = 1; k < json_array_size(cells); k++)
            differs |= !json_equal(json_array_get(cells, k), json_array_get(cells, 0));
        json_object_set_new(row, "differs", json_boolean(differs));
    }
    for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++)
        for (int d = 1; d >= 0; d--)
            json_array_foreach(rows, i, row)
            {
                if (strcmp(cmp_str(row, "group"), groups[g]) == 0 &&
                    json_is_true(json_object_get(row, "differs")) == d)
                    json_array_append(out, row);
            }
    json_decref(rows);
    return out;
}

/* The link a step's time is set against, as the first mode's run had it. */
static json_t *
cmp_link(const struct cmp *c)
{
    json_t *sim = json_object_get(c->modes[0]->sw.runs[c->modes[0]->ref].summary, "sim");
    json_t *l = json_object_get(json_object_get(sim, "links"), c->link);

    if (l == NULL)
        return json_null();
    l = json_deep_copy(l);
    json_object_set_new(l, "name", json_string(c->link));
    return l;
}

/* The mode's header: its scenario, how many runs passed, which run is shown. */
static json_t *
cmp_mode_info(const struct cmp_mode *m)
{
    json_t *summary = m->sw.runs[m->ref].summary, *scn = json_object_get(summary, "scenario");
    size_t passed = 0;
    char dir[SWEEP_PATH_MAX + 32];

    for (size_t k = 0; k < m->sw.nruns; k++)
        passed += m->sw.runs[k].rc == 0;
    snprintf(dir, sizeof(dir), "%s/seed-%u", m->sw.name, m->sw.runs[m->ref].seed);
    return json_pack("{s:s, s:s, s:s?, s:s?, s:s?, s:i, s:i, s:i, s:s?, s:s}", "label", m->label,
                     "name", m->sw.name, "title", cmp_str(scn, "title"), "description",
                     cmp_str(scn, "description"), "reference", cmp_str(scn, "reference"), "runs",
                     (int)m->sw.nruns, "passed", (int)passed, "seed", (int)m->sw.runs[m->ref].seed,
                     "net", cmp_str(summary, "net"), "dir", dir);
}

/* Mode k's part of the model: its header, its cell of every step, its trust relations. */
static void
cmp_model_mode(struct cmp *c, size_t k, json_t *modes, json_t *steps, json_t *trust)
{
    const struct cmp_mode *m = c->modes[k];
    json_t *summary = m->sw.runs[m->ref].summary, *st, *names = cmp_names(summary), *events, *rels;
    char rundir[SWEEP_PATH_MAX + 32];
    size_t i;

    snprintf(rundir, sizeof(rundir), "%s/seed-%u", m->sw.out, m->sw.runs[m->ref].seed);
    events = cmp_events(rundir);
    json_array_append_new(modes, cmp_mode_info(m));
    json_array_foreach(json_object_get(summary, "steps"), i, st)
    {
        json_t *row = cmp_step_row(steps, cmp_str(st, "name"), c->nmodes);
        json_array_set_new(json_object_get(row, "cells"), k, cmp_cell(m, st, events, names));
    }
    rels = cmp_trust(rundir, summary, events, names);
    cmp_trust_rows(trust, rels, k, c->nmodes);
    json_decref(rels);
    json_decref(events);
    json_decref(names);
}

int
cmp_model(struct cmp *c, char *err)
{
    json_t *modes = json_array(), *steps = json_array(), *trust = json_array(), *links;

    for (size_t k = 0; k < c->nmodes; k++) {
        struct cmp_mode *m = c->modes[k];
        /* Show a run that passed when there is one: its messages are the mode's as designed. */
        m->ref = m->sw.nruns;
        for (size_t r = 0; r < m->sw.nruns && m->ref == m->sw.nruns; r++)
            if (m->sw.runs[r].summary != NULL && m->sw.runs[r].rc == 0)
                m->ref = r;
        for (size_t r = 0; r < m->sw.nruns && m->ref == m->sw.nruns; r++)
            if (m->sw.runs[r].summary != NULL)
                m->ref = r;
        if (m->ref == m->sw.nruns) {
            json_decref(modes), json_decref(steps), json_decref(trust);
            return edge_err(err, "%s: no run wrote a summary.json (see %s/logs)", m->sw.name,
                            m->sw.out);
        }
    }
    for (size_t k = 0; k < c->nmodes; k++)
        cmp_model_mode(c, k, modes, steps, trust);
    links = json_object_get(json_object_get(c->modes[0]->sw.runs[c->modes[0]->ref].summary, "sim"),
                            "links");
    c->model =
        json_pack("{s:o, s:o, s:o, s:o, s:O}", "modes", modes, "link", cmp_link(c), "steps", steps,
                  "trust", cmp_trust_sorted(trust), "links", links != NULL ? links : json_null());
    return c->model != NULL ? 0 : edge_err(err, "out of memory");
}
