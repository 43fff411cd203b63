/* arena_int.h: a bump allocator whose blocks are freed together, for data
 * made in one go and dropped in one go (a YAML tree's nodes and strings,
 * a catalog's strings). Allocation goes through the library's hook. */
#ifndef GSZ_ARENA_INT_H
#define GSZ_ARENA_INT_H

#include <stddef.h>

struct gsz__arena_block;

/* Zero-initialise; block_size is the usual size of a new block (a larger
 * request gets a block of its own size). */
typedef struct gsz__arena {
  struct gsz__arena_block *head;
  size_t block_size;
} gsz__arena;

/* size bytes aligned for any object; NULL when out of memory. */
void *gsz__arena_alloc(gsz__arena *a, size_t size);
/* A NUL-terminated copy of the n bytes at s; NULL when out of memory. */
char *gsz__arena_strndup(gsz__arena *a, const char *s, size_t n);
/* Frees every block; the arena is empty (and usable) again. */
void gsz__arena_free(gsz__arena *a);

#endif
