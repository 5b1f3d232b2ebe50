/* bench_smoke.c -- runs edge-bench --smoke and checks what it prints (tools/bench/README.md):
 * one JSON object per figure with exactly "name", "value", "unit", "reference_name",
 * "reference_value" and "ratio"; every figure of figures.txt present; each value > 0; a figure
 * with a reference has a reference value > 0 and ratio = value / reference value, a reference has
 * null in all three. Nothing here depends on how fast the machine is. A figure listed as "tap NAME"
 * runs on a simulated backhaul (namespaces, TAP devices, edge-netsim): it must be there when this
 * runs as root with /dev/net/tun and edge-netsim beside edge-bench, and absent otherwise (the
 * bench says it skipped it). */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

static int
run_bench(const char *bench, const char *json)
{
    pid_t pid;
    int st = 0;

    fflush(NULL);
    if ((pid = fork()) < 0)
        return -1;
    if (pid == 0) {
        execl(bench, bench, "--smoke", "--json", json, (char *)NULL);
        _exit(127);
    }
    if (waitpid(pid, &st, 0) != pid)
        return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Can edge-bench (at path bench) run the figures of the simulated backhaul here? */
static int
tap_possible(const char *bench)
{
    char netsim[4096];
    const char *slash = strrchr(bench, '/');

    snprintf(netsim, sizeof(netsim), "%.*s/edge-netsim", slash != NULL ? (int)(slash - bench) : 1,
             slash != NULL ? bench : ".");
    return geteuid() == 0 && access("/dev/net/tun", R_OK | W_OK) == 0 && access(netsim, X_OK) == 0;
}

static int
positive(json_t *v)
{
    return json_is_number(v) && json_number_value(v) > 0;
}

/* One printed line: the six members and their types. */
static void
check_shape(json_t *o, const char *name)
{
    static const char *const keys[] = {"name",           "value",           "unit",
                                       "reference_name", "reference_value", "ratio"};
    json_t *ref = json_object_get(o, "reference_name");
    json_t *rv = json_object_get(o, "reference_value"), *ratio = json_object_get(o, "ratio");

    CHECK(json_object_size(o) == 6, "%s: %zu members, not 6", name, json_object_size(o));
    for (size_t i = 0; i < 6; i++)
        CHECK(json_object_get(o, keys[i]) != NULL, "%s: no member %s", name, keys[i]);
    CHECK(positive(json_object_get(o, "value")), "%s: value is not a number > 0", name);
    CHECK(json_string_length(json_object_get(o, "unit")) > 0, "%s: no unit", name);
    if (json_is_null(ref)) {
        CHECK(json_is_null(rv) && json_is_null(ratio),
              "%s: reference value or ratio without a "
              "reference",
              name);
        return;
    }
    CHECK(json_is_string(ref) && strncmp(json_string_value(ref), "ref.", 4) == 0,
          "%s: reference_name is not a reference", name);
    CHECK(positive(rv) && positive(ratio), "%s: reference value or ratio not > 0", name);
    if (positive(rv) && positive(ratio)) {
        double want = json_number_value(json_object_get(o, "value")) / json_number_value(rv);
        CHECK(fabs(json_number_value(ratio) - want) <= 1e-3 * want, "%s: ratio %g, value/ref %g",
              name, json_number_value(ratio), want);
    }
}

int
main(int argc, char **argv)
{
    char line[256];
    json_t *seen = json_object();
    FILE *f;
    int rc, n = 0;

    if (argc != 4) {
        fprintf(stderr, "usage: bench_smoke EDGE_BENCH FIGURES_TXT OUT_JSONL\n");
        return 2;
    }
    unlink(argv[3]);
    rc = run_bench(argv[1], argv[3]);
    CHECK(rc == 0, "edge-bench --smoke exited %d", rc);
    if ((f = fopen(argv[3], "r")) != NULL) {
        while (fgets(line, sizeof(line), f) != NULL) {
            json_t *o = json_loads(line, 0, NULL);
            const char *name = json_string_value(json_object_get(o, "name"));
            CHECK(o != NULL && name != NULL, "not a JSON object with a name: %s", line);
            if (name != NULL) {
                CHECK(json_object_get(seen, name) == NULL, "%s printed twice", name);
                check_shape(o, name);
                json_object_set_new(seen, name, json_true());
                n++;
            }
            json_decref(o);
        }
        fclose(f);
    }
    CHECK((f = fopen(argv[2], "r")) != NULL, "cannot read %s", argv[2]);
    while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        if (line[0] == '#' || line[0] == '\0')
            continue;
        if (strncmp(line, "tap ", 4) != 0)
            CHECK(json_object_get(seen, line) != NULL, "figure %s not printed", line);
        else if (tap_possible(argv[1]))
            CHECK(json_object_get(seen, line + 4) != NULL, "figure %s not printed", line + 4);
        else
            CHECK(json_object_get(seen, line + 4) == NULL, "figure %s printed: it cannot run here",
                  line + 4);
    }
    if (f != NULL)
        fclose(f);
    json_decref(seen);
    printf("%d figures checked: %s\n", n, check_failures ? "FAIL" : "ok");
    return check_failures != 0;
}
