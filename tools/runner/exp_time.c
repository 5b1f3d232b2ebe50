/* exp_time.c -- the expectations on time: "elapsedMs", how long the step took as the runner
 * measured it, between bounds that are fixed or relative to an earlier step and to the RTT the
 * scenario gives links; "expiresIn", how far after the step began an expTime lies; and the
 * scenario's "compare" (the overhead of one step over another, against RTTs of a link), recorded
 * when its step is judged.
 *
 *   "elapsedMs": [20, 400]
 *   "elapsedMs": {"max": {"step": "token-same-ecs", "plusRtt": "backhaul", "plusMs": 2}}
 *   "elapsedMs": {"min": {"plusRtt": ["site1", "backhaul", "site2"], "rtts": 2}, "max": 3000}
 *
 * A link's RTT is twice its one-way delay as the link is now; loopback mode simulates no link,
 * so there it counts as 0 and the step's result says so ("notes"). */
#include "exp_int.h"

#include "base/err.h"
#include "match.h"
#include "sim.h"
#include "values.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXP_TIME_MAX_MS 3600000 /* no step or bound is longer than an hour */

static const struct js_field exp_bound_fields[] = {
    {.name = "step", .type = JS_STRING, .check = val_step_ref},
    {.name = "plusRtt", .type = JS_ANY, .check = val_links},
    {.name = "rtts", .type = JS_NUMBER, .check = js_check_range, .min = 0, .max = 100},
    {.name = "plusMs",
     .type = JS_INT,
     .check = js_check_range,
     .min = -EXP_TIME_MAX_MS,
     .max = EXP_TIME_MAX_MS},
    {.name = NULL},
};

/* A bound: milliseconds, or {step, plusRtt, rtts, plusMs} (at least one of step, plusRtt). */
static int
exp_bound_keys(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    char err[EDGE_ERR_LEN];
    (void)f;

    if (json_is_integer(v)) {
        if (json_integer_value(v) < 0 || json_integer_value(v) > EXP_TIME_MAX_MS)
            return edge_err(why, "%lld ms is out of range (0 to %d)",
                            (long long)json_integer_value(v), EXP_TIME_MAX_MS);
        return 0;
    }
    if (!json_is_object(v))
        return edge_err(why,
                        "expected milliseconds or {\"step\", \"plusRtt\", \"rtts\", "
                        "\"plusMs\"}, got %s",
                        js_type_name(v));
    if (js_decode(v, "", exp_bound_fields, NULL, ctx, err) == -1)
        return edge_err(why, "%s", err);
    if (json_object_get(v, "step") == NULL && json_object_get(v, "plusRtt") == NULL)
        return edge_err(why, "a bound object needs \"step\" or \"plusRtt\" (a fixed bound is a "
                             "number)");
    if (json_object_get(v, "rtts") != NULL && json_object_get(v, "plusRtt") == NULL)
        return edge_err(why, "\"rtts\" counts the RTT of \"plusRtt\", which is missing");
    return 0;
}

static const struct js_field exp_elapsed_fields[] = {
    {.name = "min", .type = JS_ANY, .check = exp_bound_keys},
    {.name = "max", .type = JS_ANY, .check = exp_bound_keys},
    {.name = NULL},
};

int
exp_range_keys(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    (void)f, (void)ctx;
    if (json_array_size(v) != 2 || !json_is_integer(json_array_get(v, 0)) ||
        !json_is_integer(json_array_get(v, 1)) ||
        json_integer_value(json_array_get(v, 0)) > json_integer_value(json_array_get(v, 1)))
        return edge_err(why, "expected [min, max], two integers with min <= max");
    return 0;
}

int
exp_elapsed_keys(json_t *v, const struct js_field *f, void *ctx, char *why)
{
    char err[EDGE_ERR_LEN];
    json_t *lo, *hi;

    if (json_is_array(v))
        return exp_range_keys(v, f, ctx, why);
    if (!json_is_object(v))
        return edge_err(why, "expected [min, max] or {\"min\": BOUND, \"max\": BOUND}, got %s",
                        js_type_name(v));
    if (js_decode(v, "", exp_elapsed_fields, NULL, ctx, err) == -1)
        return edge_err(why, "%s", err);
    lo = json_object_get(v, "min");
    hi = json_object_get(v, "max");
    if (lo == NULL && hi == NULL)
        return edge_err(why, "give \"min\", \"max\" or both");
    if (json_is_integer(lo) && json_is_integer(hi) &&
        json_integer_value(lo) > json_integer_value(hi))
        return edge_err(why, "min %lld is above max %lld", (long long)json_integer_value(lo),
                        (long long)json_integer_value(hi));
    return 0;
}

/* ---- judging ---- */

/* A note on the result (once): what the judge could not take as the scenario says. */
static void
exp_note(struct exp_ctx *x, const char *note)
{
    json_t *notes = json_object_get(x->result, "notes"), *n;
    size_t i;

    if (notes == NULL) {
        notes = json_array();
        json_object_set_new(x->result, "notes", notes);
    }
    json_array_foreach(notes, i, n)
    {
        if (strcmp(json_string_value(n), note) == 0)
            return;
    }
    json_array_append_new(notes, json_string(note));
}

/* The RTT part of a bound, explained into what; a note on the result when the link is not
 * simulated here. */
static double
exp_rtt_part(struct exp_ctx *x, json_t *b, char *what, size_t len)
{
    json_t *links = json_object_get(b, "plusRtt");
    double n = json_is_number(json_object_get(b, "rtts"))
                   ? json_number_value(json_object_get(b, "rtts"))
                   : 1;
    double rtt;
    char name[128], note[512];

    if (links == NULL)
        return 0;
    sim_links_name(links, name, sizeof(name));
    if (sim_rtt(x->r, links, &rtt)) {
        snprintf(what, len, "%g x RTT of %s %.1f ms", n, name, rtt);
        return n * rtt;
    }
    snprintf(what, len, "%g x RTT of %s counted as 0 (loopback)", n, name);
    snprintf(note, sizeof(note),
             "elapsedMs: the RTT of %s (%.1f ms in the topology) counted as 0: loopback mode "
             "does not simulate links",
             name, rtt);
    exp_note(x, note);
    return 0;
}

/* The value of a bound in ms, explained into what; -1 when the step it names gave no time. */
static int
exp_bound(struct exp_ctx *x, json_t *b, double *ms, char *what, size_t len)
{
    json_t *step = json_object_get(b, "step");
    char rtt[300] = "";
    double base = 0, extra;
    size_t o = 0;

    if (json_is_integer(b)) {
        *ms = (double)json_integer_value(b);
        snprintf(what, len, "%lld ms", (long long)json_integer_value(b));
        return 0;
    }
    if (step != NULL) {
        json_t *t =
            json_object_get(json_object_get(x->r->results, json_string_value(step)), "runner_ms");
        if (!json_is_number(t))
            return edge_err(what, "step %s gave no time", json_string_value(step));
        base = json_number_value(t);
        o = (size_t)snprintf(what, len, "%s %.1f ms", json_string_value(step), base);
    }
    extra = exp_rtt_part(x, b, rtt, sizeof(rtt));
    if (rtt[0] != '\0' && o < len)
        o += (size_t)snprintf(what + o, len - o, "%s%s", o ? " + " : "", rtt);
    if (json_object_get(b, "plusMs") != NULL && o < len)
        snprintf(what + o, len - o, " %s %lld ms",
                 json_integer_value(json_object_get(b, "plusMs")) < 0 ? "-" : "+",
                 (long long)llabs(json_integer_value(json_object_get(b, "plusMs"))));
    *ms = base + extra + (double)json_integer_value(json_object_get(b, "plusMs"));
    return 0;
}

/* A lower bound made of a link's RTT means nothing where the link is not simulated: with the RTT
 * counted as 0 it only compares two steps' processing times, which a loaded machine reorders (a
 * same-ECS token slower than a forwarded one by a few ms). It is not judged there, and a note says
 * so; an upper bound still is (counting the RTT as 0 makes it stricter). */
static int
exp_min_unjudged(struct exp_ctx *x, json_t *b)
{
    json_t *links = json_object_get(b, "plusRtt");
    double rtt;
    char name[128], note[512];

    if (!json_is_object(b) || links == NULL || sim_rtt(x->r, links, &rtt))
        return 0;
    sim_links_name(links, name, sizeof(name));
    snprintf(note, sizeof(note),
             "elapsedMs: the lower bound with the RTT of %s not judged: loopback mode does not "
             "simulate links",
             name);
    exp_note(x, note);
    return 1;
}

/* The step took between min and max ms, as the runner measured it. */
void
exp_elapsed(struct exp_ctx *x, json_t *w)
{
    double ms = json_number_value(json_object_get(x->result, "runner_ms")), lo = 0, hi = 0;
    json_t *bmin = json_is_array(w) ? json_array_get(w, 0) : json_object_get(w, "min");
    json_t *bmax = json_is_array(w) ? json_array_get(w, 1) : json_object_get(w, "max");
    char a[400], b[400];

    if (bmin != NULL && exp_min_unjudged(x, bmin))
        bmin = NULL;
    if (bmin != NULL && exp_bound(x, bmin, &lo, a, sizeof(a)) == -1)
        exp_fail(x->fails, "elapsedMs: min: %s", a);
    else if (bmin != NULL && ms < lo)
        exp_fail(x->fails, "elapsedMs: expected at least %.1f ms (%s), got %.1f ms", lo, a, ms);
    if (bmax != NULL && exp_bound(x, bmax, &hi, b, sizeof(b)) == -1)
        exp_fail(x->fails, "elapsedMs: max: %s", b);
    else if (bmax != NULL && ms > hi)
        exp_fail(x->fails, "elapsedMs: expected at most %.1f ms (%s), got %.1f ms", hi, b, ms);
}

/* The expTime of the result (or its body) lies min..max s after the step began. */
void
exp_expires(struct exp_ctx *x, json_t *w)
{
    json_t *e = json_object_get(x->result, "expTime");
    struct timespec ts;
    char why[EDGE_ERR_LEN];
    long long left;

    if (e == NULL)
        e = json_object_get(json_object_get(x->result, "body"), "expTime");
    if (!json_is_string(e) || js_time_parse(json_string_value(e), &ts, why) == -1) {
        exp_fail(x->fails, "expiresIn: expected an expTime, got %s", match_show(e, why, 256));
        return;
    }
    left = (long long)ts.tv_sec - (long long)x->r->step_wall;
    if (left < json_integer_value(json_array_get(w, 0)) ||
        left > json_integer_value(json_array_get(w, 1)))
        exp_fail(x->fails, "expiresIn: expected %lld to %lld s, got %lld s (expTime %s)",
                 (long long)json_integer_value(json_array_get(w, 0)),
                 (long long)json_integer_value(json_array_get(w, 1)), left, json_string_value(e));
}

/* ---- compare ---- */

/* The scenario's "compare" when this is its step: what the step cost over its base, against
 * rtts x the RTT of the link + plusMs, as a record on the result (sim.c prints it, the sweep
 * takes the median over seeds). */
void
exp_compare(struct exp_ctx *x, const char *name)
{
    json_t *cmp = json_object_get(x->r->scn->root, "compare");
    const char *base = json_string_value(json_object_get(cmp, "base"));
    json_t *links = json_object_get(cmp, "link"), *bt;
    double n = json_is_number(json_object_get(cmp, "rtts"))
                   ? json_number_value(json_object_get(cmp, "rtts"))
                   : 1;
    double plus = json_is_integer(json_object_get(cmp, "plusMs"))
                      ? (double)json_integer_value(json_object_get(cmp, "plusMs"))
                      : 2;
    double rtt, step_ms, base_ms, bound;
    int simulated;
    char lname[256], sentence[768];

    if (cmp == NULL || strcmp(json_string_value(json_object_get(cmp, "step")), name) != 0)
        return;
    bt = json_object_get(json_object_get(x->r->results, base), "runner_ms");
    step_ms = json_number_value(json_object_get(x->result, "runner_ms"));
    base_ms = json_number_value(bt);
    simulated = sim_rtt(x->r, links, &rtt);
    bound = n * (simulated ? rtt : 0) + plus;
    sim_links_name(links, lname, sizeof(lname));
    snprintf(sentence, sizeof(sentence),
             "%s - %s = %.1f ms; bound %g x RTT of %s (%.1f ms%s) + %g ms = %.1f ms: %s", name,
             base, step_ms - base_ms, n, lname, rtt, simulated ? "" : ", counted as 0: loopback",
             plus, bound, step_ms - base_ms <= bound ? "within" : "over");
    json_object_set_new(
        x->result, "compare",
        json_pack("{s:s, s:s, s:s, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:b, s:b, s:s}", "base", base,
                  "step", name, "link", lname, "baseMs", base_ms, "stepMs", step_ms, "overheadMs",
                  step_ms - base_ms, "rttMs", rtt, "rtts", n, "plusMs", plus, "boundMs", bound,
                  "simulated", simulated, "within", step_ms - base_ms <= bound, "sentence",
                  sentence));
}
