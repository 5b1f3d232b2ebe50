/* fuzz_libfuzzer.c -- the libFuzzer entry point of one fuzz target (clang builds only): the
 * target is chosen at compile time with -DFZ_TARGET=fz_target_<name>, and any finding of the
 * target's oracle aborts, so libFuzzer keeps the input as a crash. */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>

#ifndef FZ_TARGET
#error "build with -DFZ_TARGET=fz_target_<name>"
#endif

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    if (FZ_TARGET.setup != NULL && FZ_TARGET.setup() < 0) {
        fprintf(stderr, "fuzz %s: set-up failed\n", FZ_TARGET.name);
        exit(127);
    }
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    long before = fz_findings;

    FZ_TARGET.one(data, size);
    if (fz_findings != before)
        abort();
    return 0;
}
