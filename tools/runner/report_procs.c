/* report_procs.c -- the report's table of what each process of the run cost (issue 11): CPU
 * seconds and peak resident memory of every node and of edge-netsim, as summary.json "processes"
 * holds them (tools/runner/nodestat.c read them from /proc just before each stop). */
#include "report_int.h"

#include <string.h>

static double
rp_num(json_t *o, const char *key)
{
    return json_number_value(json_object_get(o, key));
}

/* One process: its node, program, pid, CPU user/system/total with a bar scaled to the busiest,
 * its share of one core over its life, and its peak RSS. */
static void
rp_row(FILE *f, json_t *p, double busiest)
{
    const char *node = json_string_value(json_object_get(p, "node"));
    const char *err = json_string_value(json_object_get(p, "error"));
    double cpu = rp_num(p, "cpu_s"), alive = rp_num(p, "alive_s");

    fputs("<tr><td>", f);
    rep_esc(f, node != NULL ? node : "(the links)");
    fputs("</td><td>", f);
    rep_esc(f, json_string_value(json_object_get(p, "program")));
    if (err != NULL) {
        fputs("</td><td colspan=\"6\" class=\"small\">", f);
        rep_esc(f, err);
        fputs("</td></tr>\n", f);
        return;
    }
    fprintf(f,
            "</td><td class=\"num\">%lld</td><td class=\"num\">%.2f</td><td class=\"num\">%.2f</td>"
            "<td class=\"num\"><span class=\"bar\" style=\"width:%.1fem\"></span>%.2f</td>"
            "<td class=\"num\">%.0f%%</td><td class=\"num\">%.1f</td></tr>\n",
            (long long)json_integer_value(json_object_get(p, "pid")), rp_num(p, "cpu_user_s"),
            rp_num(p, "cpu_sys_s"), busiest > 0 ? 5.0 * cpu / busiest : 0.0, cpu,
            alive > 0 ? 100.0 * cpu / alive : 0.0, rp_num(p, "rss_peak_kb") / 1024.0);
}

void
rep_procs(FILE *f, json_t *summary)
{
    json_t *procs = json_object_get(summary, "processes"), *p;
    double busiest = 0, cpu = 0, rss = 0;
    size_t i;

    json_array_foreach(procs, i, p)
    {
        busiest = rp_num(p, "cpu_s") > busiest ? rp_num(p, "cpu_s") : busiest;
        cpu += rp_num(p, "cpu_s");
        rss += rp_num(p, "rss_peak_kb") / 1024.0;
    }
    fputs("<p class=\"small\">Each process of the run, read from /proc just before the runner "
          "stopped it: CPU time in user and kernel mode (/proc/PID/stat), its share of one core "
          "over the process's life (100% is one core busy all along), and its peak resident "
          "memory (VmHWM of /proc/PID/status).</p>\n"
          "<table class=\"procs\"><tr><th>node</th><th>program</th><th>pid</th>"
          "<th>CPU user (s)</th><th>CPU system (s)</th><th>CPU total (s)</th>"
          "<th>share of a core</th><th>peak RSS (MiB)</th></tr>\n",
          f);
    json_array_foreach(procs, i, p) rp_row(f, p, busiest);
    fprintf(f,
            "<tr class=\"total\"><td colspan=\"5\">all %zu processes</td><td class=\"num\">%.2f"
            "</td><td></td><td class=\"num\">%.1f (sum of peaks)</td></tr>\n</table>\n",
            json_array_size(procs), cpu, rss);
}
