/* alloc.c: the allocation wrappers every library file uses, and the hook
 * that lets tests replace them (fault injection, counting). The hook also
 * carries jansson's allocations, libcsv's (passed per parser in
 * batch_read.c) and SQLite's: the catalog stage reconfigures SQLite
 * itself before it next opens a database, when it sees the allocator's
 * generation change (catalog/sqlite_mem.c), so this file knows nothing of
 * SQLite and a program that never opens a catalog does not link it.
 * libyaml has no allocator hook and keeps malloc. Also the small string
 * helpers that allocate. */
#include "util/common_int.h"

#include <jansson.h>

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static void *default_malloc(void *ctx, size_t size) {
  (void)ctx;
  return malloc(size);
}
static void *default_realloc(void *ctx, void *ptr, size_t size) {
  (void)ctx;
  return realloc(ptr, size);
}
static void default_free(void *ctx, void *ptr) {
  (void)ctx;
  free(ptr);
}

static gsz_allocator current = {default_malloc, default_realloc, default_free, NULL};

static void *json_malloc(size_t size) {
  return gsz__malloc(size);
}

/* Which allocator is installed: 0 the C library's from the start; every
 * gsz_set_allocator call makes a new generation. */
static unsigned generation;
static bool hooked;

unsigned gsz__allocator_generation(void) {
  return generation;
}

bool gsz__allocator_hooked(void) {
  return hooked;
}

void gsz_set_allocator(const gsz_allocator *allocator) {
  generation++;
  hooked = allocator != NULL;
  if (allocator == NULL) {
    current = (gsz_allocator){default_malloc, default_realloc, default_free, NULL};
    json_set_alloc_funcs(malloc, free);
    return;
  }
  current = *allocator;
  json_set_alloc_funcs(json_malloc, gsz__free);
}

/* Failed allocations so far: lets code that calls a library which turns
 * a failed allocation into some other error (jansson's lexer reports a
 * syntax error) tell the two apart. */
static atomic_size_t failures; /* atomic: allocations may fail in several threads */

size_t gsz__alloc_failures(void) {
  return atomic_load(&failures);
}

void *gsz__malloc(size_t size) {
  void *p = current.malloc_fn(current.ctx, size == 0 ? 1 : size);
  if (p == NULL)
    atomic_fetch_add(&failures, 1);
  return p;
}

void *gsz__calloc(size_t count, size_t size) {
  size_t total;
  if (__builtin_mul_overflow(count, size, &total))
    return NULL;
  void *p = gsz__malloc(total);
  if (p != NULL)
    memset(p, 0, total);
  return p;
}

void *gsz__realloc(void *ptr, size_t size) {
  void *p = current.realloc_fn(current.ctx, ptr, size == 0 ? 1 : size);
  if (p == NULL)
    atomic_fetch_add(&failures, 1);
  return p;
}

void gsz__free(void *ptr) {
  if (ptr != NULL)
    current.free_fn(current.ctx, ptr);
}

void gsz_free(void *ptr) {
  gsz__free(ptr);
}

char *gsz__strndup(const char *s, size_t n) {
  char *copy = gsz__malloc(n + 1);
  if (copy == NULL)
    return NULL;
  memcpy(copy, s, n);
  copy[n] = '\0';
  return copy;
}

char *gsz__strdup(const char *s) {
  return gsz__strndup(s, strlen(s));
}

int gsz__str_icmp(const char *a, const char *b) {
  for (;; a++, b++) {
    int ca = gsz__ascii_lower((unsigned char)*a), cb = gsz__ascii_lower((unsigned char)*b);
    if (ca != cb || ca == 0)
      return ca - cb;
  }
}

bool gsz__str_ieq(const char *a, const char *b) {
  return gsz__str_icmp(a, b) == 0;
}
