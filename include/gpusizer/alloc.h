/* alloc.h: the library's allocator hook and the free function for what the
 * library hands out.
 *
 * Every allocation the library makes goes through the hook, so a test (or
 * an embedding program) can count allocations or make the Nth one fail;
 * every failure is reported as GSZ_ENOMEM and frees what was allocated. */
#ifndef GPUSIZER_ALLOC_H
#define GPUSIZER_ALLOC_H

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

/* Free a buffer the library returned as `char **out` (rendered output,
 * messages). NULL is a no-op. */
void gsz_free(void *ptr);

#ifdef __cplusplus
}
#endif
#endif
