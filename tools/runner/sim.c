/* sim.c -- what a run simulates and what it does not (DESIGN.md "Network"): in TAP mode ns-3
 * gives every link its delay, rate, jitter and loss; in loopback mode the same processes talk over
 * 127.0.0.0/8 and no link is simulated. A scenario says what needs the links: a "tapOnly" step is
 * skipped in loopback mode (its verdict SKIP, never PASS), a "tapOnly" scenario does not run there
 * at all (net.c), and a time bound with "plusRtt" counts a link's RTT as 0 there. The run's
 * verdict then says each thing it did not simulate, so a loopback PASS is never read as a TAP
 * one. */
#include "sim.h"

#include "scenario.h"

#include <string.h>

int
sim_rtt(const struct run *r, json_t *links, double *ms)
{
    json_t *l;
    size_t i;

    *ms = 0;
    if (json_is_string(links)) {
        const struct scn_link *k = scn_link(r->scn, json_string_value(links));
        *ms = k != NULL ? 2 * k->delay_ms : 0;
    }
    json_array_foreach(links, i, l)
    {
        const struct scn_link *k = scn_link(r->scn, json_string_value(l));
        *ms += k != NULL ? 2 * k->delay_ms : 0;
    }
    return r->net == RUN_NET_TAP;
}

const char *
sim_links_name(json_t *links, char *buf, size_t len)
{
    json_t *l;
    size_t i, o = 0;

    buf[0] = '\0';
    if (json_is_string(links))
        snprintf(buf, len, "%s", json_string_value(links));
    json_array_foreach(links, i, l)
    {
        if (o < len)
            o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? "+" : "", json_string_value(l));
    }
    return buf;
}

int
sim_skip_step(const struct run *r, json_t *step)
{
    if (r->net == RUN_NET_TAP)
        return 0;
    return json_is_true(json_object_get(step, "tapOnly")) ||
           json_is_true(json_object_get(r->scn->root, "tapOnly"));
}

/* Every link with something to simulate, as the topology gives it; the sentence in buf. */
static json_t *
sim_links(const struct run *r, char *buf, size_t len)
{
    json_t *out = json_object();
    size_t o = 0;

    buf[0] = '\0';
    for (size_t i = 0; i < r->scn->nlinks; i++) {
        const struct scn_link *l = &r->scn->links[i];
        int plain = strcmp(l->rate, "unlimited") == 0;
        if (l->delay_ms == 0 && l->jitter_ms == 0 && l->loss == 0 && plain)
            continue;
        json_object_set_new(out, l->name,
                            json_pack("{s:f, s:f, s:f, s:f, s:s, s:b}", "delayMs", l->delay_ms,
                                      "rttMs", 2 * l->delay_ms, "jitterMs", l->jitter_ms, "loss",
                                      l->loss, "rate", l->rate, "simulated",
                                      r->net == RUN_NET_TAP));
        if (o < len)
            o += (size_t)snprintf(buf + o, len - o, "%s%s (%g ms", o ? ", " : "", l->name,
                                  l->delay_ms);
        if (o < len && l->jitter_ms > 0)
            o += (size_t)snprintf(buf + o, len - o, " +/- %g ms", l->jitter_ms);
        if (o < len && l->loss > 0)
            o += (size_t)snprintf(buf + o, len - o, ", loss %g%%", l->loss * 100);
        if (o < len && !plain)
            o += (size_t)snprintf(buf + o, len - o, ", %s", l->rate);
        if (o < len)
            o += (size_t)snprintf(buf + o, len - o, ")");
    }
    return out;
}

/* The steps of the run that were skipped, and the notes its judges left (elapsedMs bounds that
 * counted a link as 0), each printed. */
static void
sim_steps(json_t *steps, json_t *rep, FILE *f)
{
    json_t *skipped = json_array(), *notes = json_array(), *s, *n;
    size_t i, j;

    json_array_foreach(steps, i, s)
    {
        json_t *res = json_object_get(s, "result");
        const char *name = json_string_value(json_object_get(s, "name"));
        const char *why = json_string_value(json_object_get(res, "skipped"));
        if (why != NULL) {
            json_array_append_new(skipped, json_pack("{s:s, s:s}", "step", name, "why", why));
            fprintf(f, "edge-run: not judged: step %s skipped (%s)\n", name, why);
        }
        json_array_foreach(json_object_get(res, "notes"), j, n)
        {
            json_array_append_new(notes, json_pack("{s:s, s:O}", "step", name, "note", n));
            fprintf(f, "edge-run: step %s: %s\n", name, json_string_value(n));
        }
    }
    json_object_set_new(rep, "skipped", skipped);
    json_object_set_new(rep, "notes", notes);
}

/* The scenario's "compare", as its step's judge recorded it (exp_time.c). */
static void
sim_compare(struct run *r, json_t *rep, FILE *f)
{
    json_t *cmp = json_object_get(r->scn->root, "compare"), *rec;
    const char *step = json_string_value(json_object_get(cmp, "step"));

    if (cmp == NULL)
        return;
    rec = json_object_get(json_object_get(r->results, step), "compare");
    if (rec == NULL) {
        fprintf(f, "edge-run: compare: step %s did not run\n", step);
        return;
    }
    json_object_set(rep, "compare", rec);
    fprintf(f, "edge-run: compare: %s\n", json_string_value(json_object_get(rec, "sentence")));
}

json_t *
sim_report(struct run *r, json_t *steps, FILE *f)
{
    char links[1024];
    json_t *rep = json_pack("{s:s, s:o}", "net", r->net == RUN_NET_TAP ? "tap" : "loopback",
                            "links", sim_links(r, links, sizeof(links)));

    if (r->net != RUN_NET_TAP && links[0] != '\0') {
        fprintf(f, "edge-run: not simulated (loopback mode): the links %s\n", links);
        json_object_set_new(rep, "notSimulated", json_string(links));
    }
    if (r->net == RUN_NET_TAP && r->cpu_latency_why[0] != '\0') {
        fprintf(f,
                "edge-run: links: idle CPUs were left to wake slowly (no CPU latency request: %s): "
                "each RTT may be 50-120 us longer than configured (nodes/netsim/README.md)\n",
                r->cpu_latency_why);
        json_object_set_new(rep, "cpuLatencyNotHeld", json_string(r->cpu_latency_why));
    }
    sim_steps(steps, rep, f);
    sim_compare(r, rep, f);
    return rep;
}
