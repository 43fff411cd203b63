/* alloc.c: the allocation wrappers every library file uses, and the hook
 * that lets tests replace them (fault injection, counting). Also the small
 * string helpers that allocate. */
#include "common_int.h"

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

void gsz_set_allocator(const gsz_allocator *allocator) {
  if (allocator == NULL) {
    current = (gsz_allocator){default_malloc, default_realloc, default_free, NULL};
    return;
  }
  current = *allocator;
}

void *gsz__malloc(size_t size) {
  return current.malloc_fn(current.ctx, size == 0 ? 1 : size);
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
  return current.realloc_fn(current.ctx, ptr, size == 0 ? 1 : size);
}

void gsz__free(void *ptr) {
  if (ptr != NULL)
    current.free_fn(current.ctx, ptr);
}

void gsz_free(void *ptr) { gsz__free(ptr); }

char *gsz__strndup(const char *s, size_t n) {
  char *copy = gsz__malloc(n + 1);
  if (copy == NULL)
    return NULL;
  memcpy(copy, s, n);
  copy[n] = '\0';
  return copy;
}

char *gsz__strdup(const char *s) { return gsz__strndup(s, strlen(s)); }

static int ascii_lower(int c) { return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c; }

int gsz__str_icmp(const char *a, const char *b) {
  for (;; a++, b++) {
    int ca = ascii_lower((unsigned char)*a), cb = ascii_lower((unsigned char)*b);
    if (ca != cb || ca == 0)
      return ca - cb;
  }
}

bool gsz__str_ieq(const char *a, const char *b) { return gsz__str_icmp(a, b) == 0; }
