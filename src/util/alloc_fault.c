/* alloc_fault.c: the allocation-failure injector the end-to-end fault
 * tests drive through GPUSIZER_FAIL_ALLOC (tests/test_cli_faults.c).
 * Compiled in only with the GSZ_FAULT_INJECTION build option; otherwise
 * gsz_fault_injection_from_env() does nothing, so a packaged binary
 * cannot be made to fail by its environment. */
#include "util/common_int.h"

#include <stdlib.h>

#ifdef GSZ_FAULT_INJECTION

static unsigned long long fail_from, allocations;

static void *failing_malloc(void *ctx, size_t size) {
  (void)ctx;
  return ++allocations >= fail_from ? NULL : malloc(size);
}
static void *failing_realloc(void *ctx, void *ptr, size_t size) {
  (void)ctx;
  return ++allocations >= fail_from ? NULL : realloc(ptr, size);
}
static void plain_free(void *ctx, void *ptr) {
  (void)ctx;
  free(ptr);
}

bool gsz_fault_injection_from_env(void) {
  const char *n = getenv("GPUSIZER_FAIL_ALLOC");
  if (n == NULL || *n == '\0')
    return false;
  char *end = NULL;
  fail_from = strtoull(n, &end, 10);
  if (*end != '\0' || fail_from == 0)
    return false;
  static const gsz_allocator failing = {failing_malloc, failing_realloc, plain_free, NULL};
  gsz_set_allocator(&failing);
  return true;
}

#else

bool gsz_fault_injection_from_env(void) {
  return false;
}

#endif
