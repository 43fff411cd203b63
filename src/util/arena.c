/* arena.c: the bump allocator of arena_int.h. */
#include "util/arena_int.h"
#include "util/common_int.h"

#include <string.h>

typedef struct gsz__arena_block {
  struct gsz__arena_block *next;
  size_t used, cap;
  max_align_t data[];
} gsz__arena_block;

void *gsz__arena_alloc(gsz__arena *a, size_t size) {
  if (size > SIZE_MAX - sizeof(max_align_t))
    return NULL;
  size = (size + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
  gsz__arena_block *b = a->head;
  if (b == NULL || b->cap - b->used < size) {
    size_t cap = size > a->block_size ? size : a->block_size;
    if (cap > SIZE_MAX - sizeof *b)
      return NULL;
    gsz__arena_block *nb = gsz__malloc(sizeof *nb + cap);
    if (nb == NULL)
      return NULL;
    nb->next = b;
    nb->used = 0;
    nb->cap = cap;
    a->head = nb;
    b = nb;
  }
  void *p = (char *)b->data + b->used;
  b->used += size;
  return p;
}

char *gsz__arena_strndup(gsz__arena *a, const char *s, size_t n) {
  char *p = n < SIZE_MAX ? gsz__arena_alloc(a, n + 1) : NULL;
  if (p == NULL)
    return NULL;
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

void gsz__arena_free(gsz__arena *a) {
  for (gsz__arena_block *b = a->head; b != NULL;) {
    gsz__arena_block *next = b->next;
    gsz__free(b);
    b = next;
  }
  a->head = NULL;
}
