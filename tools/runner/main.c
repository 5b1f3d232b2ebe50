/* main.c -- edge-run: runs an edgesim scenario end to end and grades it (0 pass, 1 fail, 127 skip).
 *
 *   edge-run run FILE [--net tap|loopback] [--out DIR] [--seed N] [--keep] [--step]
 *   edge-run check FILE...        validate scenario files only
 *   edge-run list [DIR]           scenarios with their titles and references
 *   edge-run report DIR [OUT]     rewrite DIR/report.html from summary.json + events.jsonl
 *   edge-run clean                remove namespaces, TAPs and processes of dead runs
 *
 * A run: credentials, node configs, network, nodes started in order (ECSes,
 * EESes, EECs; each waited for on its "ready" event), the steps one by one
 * with a PASS/FAIL line each, then teardown on every path (also on a crashed
 * node, SIGINT or SIGTERM), and the results folder. */
#include "async.h"
#include "conf.h"
#include "creds.h"
#include "base/err.h"
#include "base/file.h"
#include "expect.h"
#include "base/json_strict.h"
#include "logwait.h"
#include "match.h"
#include "net.h"
#include "nodestat.h"
#include "ctlpoll.h"
#include "proc.h"
#include "report.h"
#include "results.h"
#include "run.h"
#include "scenario.h"
#include "sim.h"
#include "step.h"
#include "subst.h"
#include "watch.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <openssl/opensslv.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define RUN_EXIT_PASS 0
#define RUN_EXIT_FAIL 1
#define RUN_EXIT_SKIP 127
#define RUN_STEP_TIMEOUT_MS 15000

static int
usage(FILE *f)
{
    fputs("usage: edge-run run FILE [--net tap|loopback] [--out DIR] [--seed N] [--keep] [--step]\n"
          "       edge-run check FILE...\n"
          "       edge-run list [DIR]\n"
          "       edge-run report DIR [OUT]\n"
          "       edge-run clean\n"
          "  run     run a scenario; results in results/<name>/ (or --out DIR)\n"
          "          --net    tap: namespaces + TAP + ns-3 (root); loopback: 127.0.0.0/8\n"
          "                   (default: tap when it can be had here, else loopback)\n"
          "          --seed   seed of K_AKMA and of the link loss model (default 1)\n"
          "          --keep   leave the nodes running after the last step until Enter\n"
          "          --step   wait for Enter before the nodes start (TAP: with the commands\n"
          "                   that capture each node's traffic live), before each step and\n"
          "                   before teardown; print the messages and tokens of each step\n"
          "  exit status: 0 every expectation held, 1 one did not, 127 cannot run here\n",
          f);
    return f == stderr ? 2 : 0;
}

/* Start every node, key servers and ECSes first: an EES is ready only once registered at its ECS,
 * an EAS once registered at its EES. */
static int
main_start_nodes(struct run *r, char *err)
{
    static const enum scn_kind order[] = {SCN_AANF, SCN_BSF, SCN_ECS, SCN_EES, SCN_EAS, SCN_EEC};

    /* Kind by kind, since each needs the kinds before it (an EES registers at its ECS, an EEC
     * asks both); the nodes of one kind start together and are then waited for, so a run of 246
     * EECs waits for the slowest of them once, not for each in turn. */
    for (size_t k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
        for (int wait = 0; wait <= 1; wait++)
            for (size_t i = 0; i < r->nnodes; i++) {
                struct run_node *n = &r->nodes[i];
                if (n->sn->kind != order[k] ||
                    json_is_false(json_object_get(n->sn->conf, "started")))
                    continue;
                if (proc_interrupted)
                    return edge_err(err, "interrupted");
                if ((wait ? proc_node_ready(r, n, err) : proc_node_start(r, n, 0, err)) == -1)
                    return -1;
            }
    }
    return 0;
}

/* Run step i and judge it; its record for summary.json. A node that died unasked sets fatal. */
static json_t *
main_step(struct run *r, json_t *step, char *fatal, size_t fatal_len)
{
    const char *name = json_string_value(json_object_get(step, "name"));
    json_t *result = NULL, *fails, *rec, *ex = json_object_get(step, "expect");
    char err[EDGE_ERR_LEN], got[512];
    double t0 = run_now_mono();
    const char *verdict;

    if (step_exec(r, step, &result, err) == -1) {
        result = json_pack("{s:i, s:s}", "status", 0, "error", err);
        fails = json_pack("[s]", err);
    } else {
        /* Its own result is known to its expect (${step/...}). */
        json_object_set(r->results, name, result);
        fails = exp_check(r, step, result);
    }
    step_collect_events(r);
    /* A node that died unasked fails the run, whatever the step saw. */
    if (proc_check(r, err) == -1) {
        json_array_append_new(fails, json_string(err));
        snprintf(fatal, fatal_len, "%s", err);
    }
    json_object_set(r->results, name, result);
    verdict = json_array_size(fails) == 0 ? "PASS" : "FAIL";
    if (json_object_get(result, "skipped") != NULL)
        verdict = "SKIP";
    rec = json_pack(
        "{s:s, s:O?, s:O, s:O?, s:s, s:O?, s:o?, s:s, s:o, s:f, s:f, s:f, s:O?, s:O}", "name", name,
        "node", json_object_get(step, "node"), "action", json_object_get(step, "action"), "about",
        json_object_get(step, "about"), "verdict", verdict, "expect", ex, "expect_resolved",
        ex != NULL ? subst_value(r, ex) : NULL, "got", exp_got(result, got, sizeof(got)),
        "failures", fails, "elapsed_ms", (run_now_mono() - t0) * 1000.0, "t_start", t0, "t_end",
        run_now_mono(), "sent", json_object_get(step, "sent"), "result", result);
    json_decref(result);
    return rec;
}

/* The step's line: verdict, what it expected and got, its failures. */
static void
main_step_line(json_t *rec, json_t *step, size_t i, size_t total)
{
    json_t *ex = json_object_get(step, "expect"), *res = json_object_get(rec, "result");
    const char *skipped = json_string_value(json_object_get(res, "skipped"));
    const char *node = json_string_value(json_object_get(step, "node"));
    char exp[160];

    printf("%s %2zu/%zu %-22s %-6s %-18s expected %s, got %s (%.0f ms)\n",
           json_string_value(json_object_get(rec, "verdict")), i + 1, total,
           json_string_value(json_object_get(rec, "name")), node ? node : "-",
           json_string_value(json_object_get(step, "action")),
           ex != NULL ? match_show(ex, exp, sizeof(exp)) : "done",
           skipped ? skipped : json_string_value(json_object_get(rec, "got")),
           json_number_value(json_object_get(rec, "elapsed_ms")));
    for (size_t j = 0; j < json_array_size(json_object_get(rec, "failures")); j++)
        printf("       - %s\n",
               json_string_value(json_array_get(json_object_get(rec, "failures"), j)));
    /* A population run that failed says why in its first distinct errors. */
    if (json_array_size(json_object_get(rec, "failures")) > 0)
        for (size_t j = 0; j < json_array_size(json_object_get(res, "errors")); j++)
            printf("       ! %s\n",
                   json_string_value(json_array_get(json_object_get(res, "errors"), j)));
    for (size_t j = 0; j < json_array_size(json_object_get(res, "notes")); j++)
        printf("       ~ %s\n",
               json_string_value(json_array_get(json_object_get(res, "notes"), j)));
    fflush(stdout);
}

/* Run every step; returns the number that failed. */
static int
main_steps(struct run *r, json_t *out_steps, char *fatal, size_t fatal_len)
{
    json_t *step, *rec;
    size_t i, total = json_array_size(r->scn->steps);
    int failed = 0;

    json_array_foreach(r->scn->steps, i, step)
    {
        const char *about = json_string_value(json_object_get(step, "about"));
        const char *node = json_string_value(json_object_get(step, "node"));
        char what[512];

        if (proc_interrupted)
            break;
        r->step_index = (int)i;
        r->step_wall = time(NULL);
        r->step_mono[i] = run_now_mono();
        step_forget_events(r, 0);
        logwait_mark(r);
        snprintf(what, sizeof(what), "step %zu/%zu %s: %s %s%s%s", i + 1, total,
                 json_string_value(json_object_get(step, "name")), node ? node : "",
                 json_string_value(json_object_get(step, "action")), about ? " -- " : "",
                 about ? about : "");
        if (r->step_mode)
            watch_pause("--step", what);
        rec = main_step(r, step, fatal, fatal_len);
        main_step_line(rec, step, i, total);
        watch_step(r, (int)i, json_string_value(json_object_get(step, "name")));
        failed += strcmp(json_string_value(json_object_get(rec, "verdict")), "FAIL") == 0;
        json_array_append_new(out_steps, rec);
        if (fatal[0] != '\0')
            break;
    }
    return failed;
}

static json_t *
main_versions(void)
{
    return json_pack("{s:s, s:s, s:s}", "edgesim", EDGESIM_VERSION, "openssl", OPENSSL_VERSION_TEXT,
                     "jansson", JANSSON_VERSION);
}

/* The options of `run` into r and the out parameters; -1 on a usage error. */
static int
main_opts(int argc, char **argv, struct run *r, const char **file, const char **want,
          const char **out)
{
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--net") == 0 && i + 1 < argc)
            *want = argv[++i];
        else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc)
            *out = argv[++i];
        else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
            char *end;
            unsigned long v = strtoul(argv[++i], &end, 10);
            if (*end != '\0' || v > 0xffffffffUL)
                return -1;
            r->seed = (uint32_t)v;
        } else if (strcmp(argv[i], "--keep") == 0)
            r->keep = 1;
        else if (strcmp(argv[i], "--step") == 0)
            r->step_mode = 1;
        else if (argv[i][0] != '-' && *file == NULL)
            *file = argv[i];
        else
            return -1;
    }
    if (*file == NULL ||
        (*want != NULL && strcmp(*want, "tap") != 0 && strcmp(*want, "loopback") != 0))
        return -1;
    return 0;
}

/* Are the node executables the scenario uses built beside edge-run? */
static int
main_have_nodes(struct run *r)
{
    char path[RUN_PATH_MAX + 32];

    for (size_t j = 0; j < r->scn->nnodes; j++) {
        snprintf(path, sizeof(path), "%s/%s", r->bindir, proc_node_exe(&r->scn->nodes[j]));
        if (access(path, X_OK) != 0) {
            printf("edge-run: %s: cannot run here: %s is not built\n", r->scn->name, path);
            return 0;
        }
    }
    return 1;
}

/* The results folder (absolute) and the paths under it; -1 when too long. */
static int
main_paths(struct run *r, const char *out)
{
    if (out != NULL)
        run_pathf(r->out, sizeof(r->out), "%s", out);
    else
        run_pathf(r->out, sizeof(r->out), "results/%s", r->scn->name);
    if (r->out[0] != '/') {
        char cwd[RUN_PATH_MAX / 2], rel[RUN_PATH_MAX / 2];
        run_pathf(rel, sizeof(rel), "%s", r->out);
        if (getcwd(cwd, sizeof(cwd)) != NULL)
            run_pathf(r->out, sizeof(r->out), "%s/%s", cwd, rel);
    }
    if (strlen(r->out) > RUN_PATH_MAX - 200) {
        printf("edge-run: --out %s: path too long\n", r->out);
        return -1;
    }
    run_pathf(r->rundir, sizeof(r->rundir), "%s/run", r->out);
    run_pathf(r->pkidir, sizeof(r->pkidir), "%s/pki", r->out);
    run_pathf(r->keylog, sizeof(r->keylog), "%s/keylog.txt", r->out);
    return 0;
}

/* The run's node table and result collections. */
static int
main_alloc(struct run *r)
{
    r->nnodes = r->scn->nnodes;
    r->nodes = calloc(r->nnodes, sizeof(*r->nodes));
    r->step_mono = calloc(json_array_size(r->scn->steps) + 1, sizeof(*r->step_mono));
    if (r->nodes == NULL || r->step_mono == NULL) {
        printf("edge-run: out of memory\n");
        return -1;
    }
    for (size_t i = 0; i < r->nnodes; i++)
        r->nodes[i].sn = &r->scn->nodes[i];
    r->results = json_object();
    r->tokens = json_array();
    r->seen = json_array();
    if (step_tokens_new(r) == -1) {
        printf("edge-run: out of memory\n");
        return -1;
    }
    r->step_index = -1;
    r->step_wall = time(NULL);
    r->t0_mono = run_now_mono();
    return 0;
}

/* The network, and in TAP mode the live capture offered before any node starts. */
static int
main_net(struct run *r, char *err)
{
    if (net_setup(r, err) == -1)
        return -1;
    watch_capture(r);
    return 0;
}

/* Set up, start the nodes, run the steps (into steps), tear down. Returns the steps that failed;
 * fatal gets what ended the run early. */
static int
main_session(struct run *r, json_t *steps, char *fatal, size_t fatal_len)
{
    char err[EDGE_ERR_LEN * 2];
    int failed = 0;

    proc_signals_install();
    if (res_prepare(r, err) == -1 || conf_plan(r, err) == -1 || creds_make(r, err) == -1 ||
        conf_write(r, err) == -1 || main_net(r, err) == -1 || main_start_nodes(r, err) == -1) {
        snprintf(fatal, fatal_len, "%s", err);
        printf("FAIL setup: %s\n", err);
    } else {
        printf("edge-run: %zu nodes ready (%.0f ms)\n", r->nnodes,
               (run_now_mono() - r->t0_mono) * 1000.0);
        step_collect_events(r); /* what came before ready belongs to start-up */
        failed = main_steps(r, steps, fatal, fatal_len);
        step_forget_events(r, 1);
        if ((r->keep || r->step_mode) && !proc_interrupted) {
            printf("%s: the steps are done; the nodes keep running (edge-ctl their sockets; ip "
                   "netns exec to look around); Enter tears everything down\n        press Enter "
                   "to go on ",
                   r->keep ? "--keep" : "--step");
            fflush(stdout);
            poll_keep(r); /* their events read meanwhile */
        }
    }
    if (proc_interrupted && fatal[0] == '\0')
        snprintf(fatal, fatal_len, "interrupted by signal %d", (int)proc_interrupted);
    step_collect_events(r);
    /* Every node must stop gracefully and leave no sanitizer report, also at the end. */
    if (proc_stop_all(r, err) == -1 && fatal[0] == '\0')
        snprintf(fatal, fatal_len, "teardown: %.400s", err);
    async_end_all(r);
    net_teardown(r);
    return failed;
}

/* summary.json, tokens/, events.jsonl and report.html; the verdict line. Returns the exit code. */
/* The run's last line: its verdict, what failed or was skipped, and whether the links were
 * simulated (sim.c printed the details just above). */
static void
main_verdict_line(struct run *r, json_t *sim, const char *verdict, int failed, int done,
                  const char *fatal, const char *path)
{
    size_t nskip = json_array_size(json_object_get(sim, "skipped"));
    int all = (int)json_array_size(r->scn->steps);
    char skipped[64] = "";

    if (nskip > 0)
        snprintf(skipped, sizeof(skipped), ", %zu skipped (not judged)", nskip);
    if (done == 0 && fatal[0] != '\0')
        printf("%s %s: no step ran, the setup failed (above) (%.1f s); report: %s\n", verdict,
               r->scn->name, run_now_mono() - r->t0_mono, path);
    else
        printf("%s %s: %d of %d steps failed%s%s (%.1f s)%s; report: %s\n", verdict, r->scn->name,
               failed, all, skipped, done < all ? ", not all steps ran" : "",
               run_now_mono() - r->t0_mono,
               json_object_get(sim, "notSimulated") != NULL
                   ? "; NOT SIMULATED: the links (loopback mode, above)"
                   : "",
               path);
}

/* summary.json, tokens/, events.jsonl and report.html; the verdict line. Returns the exit code. */
static int
main_results(struct run *r, json_t *steps, json_t *topology, time_t wall0, int failed,
             const char *fatal)
{
    char err[EDGE_ERR_LEN * 2], path[RUN_PATH_MAX + 32], started_s[32];
    json_t *events = res_events(r), *summary, *sim;
    int all_steps = (int)json_array_size(r->scn->steps), done = (int)json_array_size(steps);
    const char *verdict = failed == 0 && fatal[0] == '\0' && done == all_steps ? "PASS" : "FAIL";
    int rc;

    res_tokens(r, events);
    /* What loopback mode did not simulate, and the scenario's compare (sim.c). */
    sim = sim_report(r, steps, stdout);
    js_time_format(wall0, started_s, sizeof(started_s));
    summary = json_pack(
        "{s:{s:s, s:s, s:s, s:s, s:s}, s:s, s:s, s:s, s:s, s:i, s:s, s:f, s:o, "
        "s:o, s:O, s:O, s:O, s:o, s:s, s:i, s:i, s:O}",
        "scenario", "name", r->scn->name, "title", r->scn->title, "reference", r->scn->reference,
        "description", r->scn->description, "file", r->scn->path, "verdict", verdict, "run_id",
        r->id, "net", r->net == RUN_NET_TAP ? "tap" : "loopback", "net_why", r->net_why, "seed",
        (int)r->seed, "started", started_s, "elapsed_ms", (run_now_mono() - r->t0_mono) * 1000.0,
        "versions", main_versions(), "nodes", net_summary(r), "topology", topology, "steps", steps,
        "tokens", r->tokens, "pcaps", res_pcaps(r), "keylog", r->keylog, "steps_total", all_steps,
        "steps_failed", failed, "sim", sim);
    json_object_set_new(summary, "processes", nodestat_json(r));
    if (fatal[0] != '\0')
        json_object_set_new(summary, "error", json_string(fatal));
    snprintf(path, sizeof(path), "%s/summary.json", r->out);
    run_write_json(path, summary, NULL);
    snprintf(path, sizeof(path), "%s/report.html", r->out);
    if (rep_write(summary, events, path, err) == -1)
        fprintf(stderr, "edge-run: %s\n", err);
    if (fatal[0] != '\0' && done > 0)
        printf("edge-run: %s\n", fatal);
    main_verdict_line(r, sim, verdict, failed, done, fatal, path);
    rc = strcmp(verdict, "PASS") == 0 ? RUN_EXIT_PASS : RUN_EXIT_FAIL;
    if (proc_interrupted)
        rc = 128 + (int)proc_interrupted;
    json_decref(sim);
    json_decref(summary);
    json_decref(events);
    return rc;
}

static int
main_run(int argc, char **argv)
{
    struct run r;
    const char *file = NULL, *want = NULL, *out = NULL;
    char err[EDGE_ERR_LEN * 2], fatal[EDGE_ERR_LEN * 2] = "";
    json_t *steps = json_array(), *topology = NULL;
    int rc = RUN_EXIT_FAIL;
    time_t wall0 = time(NULL);

    memset(&r, 0, sizeof(r));
    r.seed = 1;
    if (main_opts(argc, argv, &r, &file, &want, &out) == -1) {
        json_decref(steps);
        return usage(stderr);
    }
    if ((r.scn = scn_load(file, err, sizeof(err))) == NULL) {
        fprintf(stderr, "%s\n", err);
        goto done;
    }
    edge_self_dir(r.bindir, sizeof(r.bindir)); /* edge-* binaries are its siblings */
    if (!main_have_nodes(&r)) {
        rc = RUN_EXIT_SKIP;
        goto done;
    }
    if (net_choose(&r, want, err) == -1) {
        printf("edge-run: %s: %s\n", r.scn->name, err);
        rc = RUN_EXIT_SKIP;
        goto done;
    }
    net_run_id(&r);
    r.timeout_ms = (int)json_integer_value(json_object_get(r.scn->root, "timeoutMs"));
    if (r.timeout_ms == 0)
        r.timeout_ms = RUN_STEP_TIMEOUT_MS;
    if (main_paths(&r, out) == -1 || main_alloc(&r) == -1)
        goto done;
    printf("edge-run: %s: net %s (%s); run id %s, seed %u, results in %s\n", r.scn->name,
           r.net == RUN_NET_TAP ? "tap" : "loopback", r.net_why, r.id, r.seed, r.out);
    printf("edge-run: %s -- %s\n", r.scn->title, r.scn->reference);
    fflush(stdout);
    /* The links as the scenario configures them: a link step changes them during the run. */
    topology = net_topology(&r);
    int failed = main_session(&r, steps, fatal, sizeof(fatal));
    rc = main_results(&r, steps, topology, wall0, failed, fatal);
done:
    json_decref(topology);
    json_decref(steps);
    json_decref(r.results);
    json_decref(r.seen);
    step_tokens_free(&r); /* its index, counts and the public keys it parsed */
    json_decref(r.tokens);
    logwait_free(&r);
    nodestat_free(&r);
    free(r.nodes);
    free(r.step_mono);
    net_free(&r);
    scn_free(r.scn);
    return rc;
}

static int
main_check(int argc, char **argv)
{
    char err[EDGE_ERR_LEN * 2];
    int rc = 0;

    if (argc == 0)
        return usage(stderr);
    for (int i = 0; i < argc; i++) {
        struct scn *s = scn_load(argv[i], err, sizeof(err));
        if (s == NULL) {
            printf("%s\n", err);
            rc = 1;
        } else {
            printf("%s: ok (%s, %zu nodes, %zu steps)\n", argv[i], s->name, s->nnodes,
                   json_array_size(s->steps));
        }
        scn_free(s);
    }
    return rc;
}

static int
main_cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One scenario a line: its name, title and reference in columns as wide as their longest entry,
 * two spaces apart, so none runs into the next. */
static int
main_list(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char *names[512], path[RUN_PATH_MAX + 300], err[EDGE_ERR_LEN * 2];
    struct scn *all[512];
    size_t n = 0, wname = 4, wtitle = 5;

    if (d == NULL) {
        fprintf(stderr, "edge-run: %s: %s\n", dir, strerror(errno));
        return 1;
    }
    while ((e = readdir(d)) != NULL && n < 512) {
        size_t l = strlen(e->d_name);
        if (l > 5 && strcmp(e->d_name + l - 5, ".json") == 0)
            names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof(*names), main_cmp_str);
    for (size_t i = 0; i < n; i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        all[i] = scn_load(path, err, sizeof(err));
        if (all[i] != NULL && strlen(all[i]->name) > wname)
            wname = strlen(all[i]->name);
        if (all[i] != NULL && strlen(all[i]->title) > wtitle)
            wtitle = strlen(all[i]->title);
    }
    printf("%-*s  %-*s  %s\n", (int)wname, "name", (int)wtitle, "title", "reference");
    for (size_t i = 0; i < n; i++) {
        if (all[i] != NULL)
            printf("%-*s  %-*s  %s\n", (int)wname, all[i]->name, (int)wtitle, all[i]->title,
                   all[i]->reference);
        else
            printf("%-*s  (invalid: see edge-run check %s/%s)\n", (int)wname, names[i], dir,
                   names[i]);
        scn_free(all[i]);
        free(names[i]);
    }
    return 0;
}

int
main(int argc, char **argv)
{
    char err[EDGE_ERR_LEN];

    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc < 2)
        return usage(stderr);
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0)
        return usage(stdout);
    if (strcmp(argv[1], "run") == 0)
        return main_run(argc - 2, argv + 2);
    if (strcmp(argv[1], "check") == 0)
        return main_check(argc - 2, argv + 2);
    if (strcmp(argv[1], "list") == 0)
        return main_list(argc > 2 ? argv[2] : "scenarios");
    if (strcmp(argv[1], "report") == 0 && argc >= 3) {
        if (rep_from_dir(argv[2], argc > 3 ? argv[3] : NULL, err) == -1) {
            fprintf(stderr, "edge-run: %s\n", err);
            return 1;
        }
        return 0;
    }
    if (strcmp(argv[1], "clean") == 0) {
        if (net_clean(err) == -1) {
            fprintf(stderr, "edge-run clean: %s\n", err);
            return 1;
        }
        return 0;
    }
    return usage(stderr);
}
