/* fuzz.h: what the fuzz targets and the replay driver share: the libFuzzer
 * entry point's prototype (each fuzz_<target>.c defines it) and the check
 * that turns a violated invariant into a crash the fuzzer reports. */
#ifndef GSZ_FUZZ_H
#define GSZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken invariant: say which and abort(), so libFuzzer keeps the input
 * as a crash and the replay test fails. */
#define FUZZ_CHECK(cond)                                                              \
  do {                                                                                \
    if (!(cond)) {                                                                    \
      fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond);    \
      abort();                                                                        \
    }                                                                                 \
  } while (0)

/* A NUL-terminated copy of data (the parsers take C strings); NULL only
 * when out of memory, which the caller treats as "skip this input". */
static inline char *fuzz_cstr(const uint8_t *data, size_t size) {
  char *s = malloc(size + 1);
  if (s != NULL) {
    if (size > 0)
      memcpy(s, data, size);
    s[size] = '\0';
  }
  return s;
}

#endif
