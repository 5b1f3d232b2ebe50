/* report.c -- writes report.html: the run as a student reads it, self-contained (inline style and
 * SVG, no script, no fetch), from summary.json and the merged event log alone.
 *
 * The page: the scenario's title, reference and verdict (and what a loopback run did not
 * simulate), its description, the run's facts, the sequence diagram (report_diagram.c), the steps
 * (report_steps.c, a UE population's with its latency-vs-load plot from report_load.c), the CPU
 * time and peak memory of each process (report_procs.c) and the tokens (report_tokens.c). */
#include "report.h"

#include "base/err.h"
#include "report_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *
rep_s(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static void
rep_meta_row(FILE *f, const char *label, const char *value)
{
    if (value == NULL || value[0] == '\0')
        return;
    fputs("<tr><td class=\"small\">", f);
    rep_esc(f, label);
    fputs("</td><td>", f);
    rep_esc(f, value);
    fputs("</td></tr>", f);
}

/* The run's facts in words: its id, the network and why, seed, when, how long, versions. */
static void
rep_meta(FILE *f, json_t *summary)
{
    json_t *sc = json_object_get(summary, "scenario"), *ver = json_object_get(summary, "versions");
    const char *net = rep_s(summary, "net");
    char buf[600];

    fputs("<table class=\"meta\">", f);
    rep_meta_row(f, "scenario", rep_s(sc, "name"));
    snprintf(buf, sizeof(buf), "%s (%s)",
             net == NULL               ? "?"
             : strcmp(net, "tap") == 0 ? "TAP devices, links simulated by ns-3"
                                       : "loopback, links not simulated",
             rep_s(summary, "net_why") ? rep_s(summary, "net_why") : "");
    rep_meta_row(f, "network", buf);
    rep_meta_row(f, "run id", rep_s(summary, "run_id"));
    snprintf(buf, sizeof(buf), "%lld",
             (long long)json_integer_value(json_object_get(summary, "seed")));
    rep_meta_row(f, "seed", buf);
    rep_meta_row(f, "started", rep_s(summary, "started"));
    snprintf(buf, sizeof(buf), "%.1f s",
             json_number_value(json_object_get(summary, "elapsed_ms")) / 1000.0);
    rep_meta_row(f, "took", buf);
    snprintf(buf, sizeof(buf), "edgesim %s, %s",
             rep_s(ver, "edgesim") ? rep_s(ver, "edgesim") : "?",
             rep_s(ver, "openssl") ? rep_s(ver, "openssl") : "");
    rep_meta_row(f, "versions", ver != NULL ? buf : NULL);
    fputs("</table>\n", f);
}

/* What the run did not simulate (sim.c: links in loopback mode, steps skipped): by the verdict,
 * since a PASS says nothing of what did not run. */
static void
rep_not_simulated(FILE *f, json_t *sim)
{
    json_t *skipped = json_object_get(sim, "skipped"), *sk;
    size_t i;

    if (rep_s(sim, "notSimulated") == NULL && json_array_size(skipped) == 0)
        return;
    fputs(" <span class=\"partial\"><b>Not simulated in this run:</b> ", f);
    if (rep_s(sim, "notSimulated") != NULL) {
        fputs("the links ", f);
        rep_esc(f, rep_s(sim, "notSimulated"));
        fputs(" (loopback mode)", f);
    }
    json_array_foreach(skipped, i, sk)
    {
        fputs(i == 0 ? (rep_s(sim, "notSimulated") ? "; skipped, not judged: "
                                                   : "skipped, not judged: ")
                     : ", ",
              f);
        fputs("step ", f);
        rep_esc(f, rep_s(sk, "step"));
    }
    fputs("</span>", f);
}

static void
rep_head(FILE *f, json_t *summary)
{
    json_t *sc = json_object_get(summary, "scenario");
    const char *verdict = rep_s(summary, "verdict");

    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
          "<meta name=\"viewport\" content=\"width=device-width\"><title>",
          f);
    rep_esc(f, rep_s(sc, "title"));
    fprintf(f, " \u2014 edgesim</title><style>%s</style></head><body>\n<h1>", rep_css);
    rep_esc(f, rep_s(sc, "title"));
    fputs("</h1><div class=\"ref\">", f);
    rep_esc(f, rep_s(sc, "reference"));
    fprintf(f, " &nbsp; <span class=\"verdict %s\">%s</span>", verdict ? verdict : "FAIL",
            verdict ? verdict : "?");
    rep_not_simulated(f, json_object_get(summary, "sim"));
    fputs("</div>\n<p class=\"desc\">", f);
    rep_esc(f, rep_s(sc, "description"));
    fputs("</p>\n", f);
}

int
rep_write(json_t *summary, json_t *events, const char *path, char *err)
{
    FILE *f = fopen(path, "w");

    if (f == NULL)
        return edge_err(err, "cannot write %s: %s", path, strerror(errno));
    rep_head(f, summary);
    rep_meta(f, summary);
    if (rep_s(summary, "error") != NULL) {
        fputs("<p class=\"fail\"><b>The run ended early:</b> ", f);
        rep_esc(f, rep_s(summary, "error"));
        fputs("</p>\n", f);
    }
    fputs("<h2>Sequence of messages</h2>\n", f);
    rep_diagram(f, summary, events);
    fputs("<h2>Steps</h2>\n", f);
    rep_steps(f, summary);
    if (json_object_get(summary, "processes") != NULL) {
        fputs("<h2 id=\"processes\">What each process cost</h2>\n", f);
        rep_procs(f, summary);
    }
    fputs("<h2>Tokens</h2>\n", f);
    rep_tokens(f, summary);
    fputs("<h2>Files of this run</h2><p class=\"small\">summary.json, events.jsonl (every node's "
          "event log, time ordered), logs/ (each node's output), tokens/, keylog.txt (TLS "
          "secrets, NSS format) and, in TAP mode, pcap/ (one capture per link, and a .pcapng "
          "with the secrets embedded: it opens decrypted in Wireshark).</p>\n</body></html>\n",
          f);
    if (fclose(f) != 0)
        return edge_err(err, "cannot write %s: %s", path, strerror(errno));
    return 0;
}

int
rep_from_dir(const char *dir, const char *out, char *err)
{
    char path[4096], line[65536];
    json_error_t jerr;
    json_t *summary, *events = json_array();
    FILE *f;
    int rc;

    snprintf(path, sizeof(path), "%s/summary.json", dir);
    if ((summary = json_load_file(path, 0, &jerr)) == NULL) {
        json_decref(events);
        return edge_err(err, "%s: line %d: %s", path, jerr.line, jerr.text);
    }
    snprintf(path, sizeof(path), "%s/events.jsonl", dir);
    if ((f = fopen(path, "r")) != NULL) {
        int ln = 0;
        while (fgets(line, sizeof(line), f) != NULL) {
            json_t *ev = json_loads(line, 0, &jerr);
            ln++;
            if (!json_is_object(ev)) {
                json_decref(ev);
                fclose(f);
                json_decref(summary);
                json_decref(events);
                return edge_err(err, "%s: line %d: not a JSON object", path, ln);
            }
            json_array_append_new(events, ev);
        }
        fclose(f);
    }
    if (out == NULL) {
        snprintf(path, sizeof(path), "%s/report.html", dir);
        out = path;
    }
    rc = rep_write(summary, events, out, err);
    json_decref(summary);
    json_decref(events);
    return rc;
}
