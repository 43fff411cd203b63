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
#define FUZZ_CHECK(cond)                                                                           \
  do {                                                                                             \
    if (!(cond)) {                                                                                 \
      fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond);                 \
      abort();                                                                                     \
    }                                                                                              \
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

/* Price nodes x (server + per_node x gpu) with a pricer, as the matcher
 * does (the configuration's bill of materials). */
#include "gpusizer/match.h"
static inline gsz_err fuzz_price(const gsz_pricer *p, const gsz_catalog_data *d, const gsz_gpu *gpu,
                                 const gsz_server *server, uint32_t per_node, uint32_t nodes,
                                 bool with_lines, gsz_price *out, gsz_diag *diag) {
  gsz_bom bom;
  gsz_bom_configuration(&bom, d, gpu, server, per_node, nodes);
  return p->price(p->ctx, &bom, with_lines, out, diag);
}

#endif
