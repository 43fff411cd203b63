/* alloc.h: the library's allocator hook and the free function for what the
 * library hands out.
 *
 * Every allocation the library makes goes through the hook, so a test (or
 * an embedding program) can count allocations or make the Nth one fail;
 * every failure is reported as GSZ_ENOMEM and frees what was allocated.
 *
 * Threads: the installed allocator and the fault injector are the
 * library's only process-wide settings; set them before any other gsz_
 * call, never while other threads use the library. */
#ifndef GPUSIZER_ALLOC_H
#define GPUSIZER_ALLOC_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gsz_allocator {
  void *(*malloc_fn)(void *ctx, size_t size);
  void *(*realloc_fn)(void *ctx, void *ptr, size_t size);
  void (*free_fn)(void *ctx, void *ptr);
  void *ctx;
} gsz_allocator;

/* Install an allocator for all later library allocations (NULL restores
 * the C library's). It also carries the allocations of SQLite (the
 * process-wide SQLite allocator is replaced: SQLite is shut down and
 * reconfigured), jansson (process-wide too) and libcsv; libyaml has no
 * hook and always uses malloc. Not thread-safe: call before any other
 * gsz_ function, with no SQLite connection or jansson value alive, and free
 * everything allocated under one allocator before switching. */
void gsz_set_allocator(const gsz_allocator *allocator);

/* Testing aid for the end-to-end fault tests: when the library was built
 * with GSZ_FAULT_INJECTION (a CMake option, on when the tests are built)
 * and the environment variable GPUSIZER_FAIL_ALLOC is N > 0, install an
 * allocator whose Nth and every later allocation fail (SQLite's and
 * jansson's included), so a program can show that it then says "out of
 * memory" and exits cleanly. Returns true when it installed one. Without
 * the build option it does nothing and returns false. Call first thing in
 * main(), like gsz_set_allocator. */
bool gsz_fault_injection_from_env(void);

/* Free a buffer the library returned as `char **out` (rendered output,
 * messages). NULL is a no-op. */
void gsz_free(void *ptr);

#ifdef __cplusplus
}
#endif
#endif
