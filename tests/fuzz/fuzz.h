/*
 * fuzz.h -- what the fuzz harnesses in tests/fuzz/ share.
 *
 * Each harness fuzz_TARGET.c defines the libFuzzer entry point
 * LLVMFuzzerTestOneInput (and possibly LLVMFuzzerInitialize).  It is
 * linked either with libFuzzer (tests/fuzz/build.sh: clang
 * -fsanitize=fuzzer) or with driver.c, a plain main() that feeds it every
 * file of the corpus tests/fuzz/corpus/TARGET/ and of the crashers
 * tests/fuzz/crashers/TARGET/ (the regression tests of `make check`).
 *
 * A harness reports a broken property (say, a value that does not read
 * back as itself) with fuzz_fail, which aborts: libFuzzer records the
 * input as a crash, the driver fails.
 */
#ifndef MPBIAS_FUZZ_H
#define MPBIAS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* The name of the target, "decimal" for fuzz_decimal.c: the driver looks
   for its inputs in corpus/FUZZ_TARGET_NAME and crashers/FUZZ_TARGET_NAME. */
extern const char fuzz_target_name[];

#define fuzz_fail(...) \
    do { \
        fprintf(stderr, "fuzz property failed at %s:%d: ", __FILE__, __LINE__); \
        fprintf(stderr, __VA_ARGS__); \
        fputc('\n', stderr); \
        abort(); \
    } while (0)

#endif
