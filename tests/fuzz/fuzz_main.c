/* fuzz_main.c -- edge-fuzz, the deterministic fuzz driver that CTest runs: one target, its seed
 * corpus, then a seeded mutation campaign of a fixed number of inputs.
 *
 * Usage: edge-fuzz TARGET [ITERATIONS] [--corpus DIR] [--replay FILE...]
 * The seed is fixed (plus EDGESIM_FUZZ_SEED when set), so a run is reproducible; every finding
 * is printed and saved as a file that --replay runs again. Exit: 0 no finding, 1 findings,
 * 127 the target cannot run here. */
#include "fuzz.h"
#include "base/file.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct fz_target *const targets[] = {
    &fz_target_token,    &fz_target_jwks, &fz_target_form, &fz_target_json,
    &fz_target_endpoint, &fz_target_tls,  &fz_target_h2,   &fz_target_http1,
};
/* Longest corpus or crash file replayed. */
#define FZ_FILE_MAX (16u * 1024 * 1024)
#define NTARGETS (sizeof(targets) / sizeof(targets[0]))

static int
usage(void)
{
    fprintf(stderr, "usage: edge-fuzz TARGET [ITERATIONS] [--corpus DIR] [--replay FILE...]\n"
                    "targets:\n");
    for (size_t i = 0; i < NTARGETS; i++)
        fprintf(stderr, "  %-9s %s (default %ld inputs)\n", targets[i]->name, targets[i]->what,
                targets[i]->default_iters);
    return 2;
}

static int
run_file(const struct fz_target *t, const char *path)
{
    char err[EDGE_ERR_LEN], *text;
    size_t len;

    if (edge_file_read(path, FZ_FILE_MAX, &text, &len, err) < 0) {
        fprintf(stderr, "edge-fuzz: %s\n", err);
        return -1;
    }
    t->one((const unsigned char *)text, len);
    free(text);
    return 0;
}

static int
namecmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file of dir, in name order. */
static long
run_corpus(const struct fz_target *t, const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char *names[1024], path[4096];
    size_t n = 0;

    if (d == NULL) {
        fprintf(stderr, "edge-fuzz: cannot open corpus %s\n", dir);
        return -1;
    }
    while ((de = readdir(d)) != NULL && n < 1024)
        if (de->d_name[0] != '.')
            names[n++] = strdup(de->d_name);
    closedir(d);
    qsort(names, n, sizeof(names[0]), namecmp);
    for (size_t i = 0; i < n; i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        run_file(t, path);
        free(names[i]);
    }
    return (long)n;
}

int
main(int argc, char **argv)
{
    const struct fz_target *t = NULL;
    long iters = -1, corpus = 0, replayed = 0;
    const char *corpus_dir = NULL;
    struct fz_rng rng;
    double t0;
    int i;

    if (argc < 2)
        return usage();
    for (size_t k = 0; k < NTARGETS; k++)
        if (strcmp(argv[1], targets[k]->name) == 0)
            t = targets[k];
    if (t == NULL)
        return usage();
    for (i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--corpus") == 0 && i + 1 < argc)
            corpus_dir = argv[++i];
        else if (strcmp(argv[i], "--replay") == 0)
            break;
        else if (iters < 0 && argv[i][0] >= '0' && argv[i][0] <= '9')
            iters = strtol(argv[i], NULL, 10);
        else
            return usage();
    }
    if (t->setup != NULL && t->setup() < 0) {
        printf("fuzz.%s: cannot run here (set-up failed)\n", t->name);
        return 127;
    }
    t0 = fz_seconds();
    if (i < argc) { /* --replay FILE...: only those */
        for (i++; i < argc; i++, replayed++)
            if (run_file(t, argv[i]) < 0)
                return 2;
        printf("fuzz.%s: replayed %ld input(s), %ld finding(s)\n", t->name, replayed, fz_findings);
        return fz_findings ? 1 : 0;
    }
    if (corpus_dir != NULL && (corpus = run_corpus(t, corpus_dir)) < 0)
        return 2;
    rng.s = fz_seed(t->name);
    printf("fuzz.%s: seed 0x%016llx, %ld corpus file(s), %ld campaign input(s)\n", t->name,
           (unsigned long long)rng.s, corpus, iters < 0 ? t->default_iters : iters);
    fflush(stdout);
    t->campaign(&rng, iters < 0 ? t->default_iters : iters);
    printf("fuzz.%s: %ld inputs checked (%ld accepted) in %.2f s, %ld finding(s), %ld note(s)\n",
           t->name, fz_execs, fz_accepted, fz_seconds() - t0, fz_findings, fz_notes);
    return fz_findings ? 1 : 0;
}
