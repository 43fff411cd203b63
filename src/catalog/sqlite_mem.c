/* sqlite_mem.c: SQLite's memory allocator routed through the library's
 * allocator hook (gsz_set_allocator), so a test can fail SQLite's
 * allocations too, and an embedding program sees every byte.
 *
 * SQLite asks an allocator for the size of a block (xSize); the C
 * library's malloc cannot tell, so each block carries its size in a
 * 16-byte header (16 keeps the payload aligned for any type). */
#include "catalog/sqlite_mem_int.h"

#include "util/common_int.h"

#include <sqlite3.h>
#include <string.h>

#define HEADER 16

static void *mem_malloc(int n) {
  if (n <= 0)
    return NULL;
  unsigned char *block = gsz__malloc((size_t)n + HEADER);
  if (block == NULL)
    return NULL;
  memcpy(block, &(size_t){(size_t)n}, sizeof(size_t));
  return block + HEADER;
}

static void mem_free(void *p) {
  if (p != NULL)
    gsz__free((unsigned char *)p - HEADER);
}

static void *mem_realloc(void *p, int n) {
  if (n <= 0)
    return NULL;
  unsigned char *block = gsz__realloc((unsigned char *)p - HEADER, (size_t)n + HEADER);
  if (block == NULL)
    return NULL; /* SQLite keeps p, as realloc's contract says */
  memcpy(block, &(size_t){(size_t)n}, sizeof(size_t));
  return block + HEADER;
}

static int mem_size(void *p) {
  if (p == NULL)
    return 0;
  size_t n;
  memcpy(&n, (unsigned char *)p - HEADER, sizeof n);
  return (int)n;
}

static int mem_roundup(int n) {
  return (n + 7) & ~7;
}
static int mem_init(void *ctx) {
  (void)ctx;
  return SQLITE_OK;
}
static void mem_shutdown(void *ctx) {
  (void)ctx;
}

static const sqlite3_mem_methods routed = {mem_malloc,  mem_free, mem_realloc,  mem_size,
                                           mem_roundup, mem_init, mem_shutdown, NULL};
static sqlite3_mem_methods original;
static bool have_original;

static void use_hook(bool hooked) {
  /* SQLite takes a new allocator only while shut down; the hook's contract
   * (alloc.h) is that nothing the library made is alive now. */
  sqlite3_shutdown();
  if (!have_original) {
    sqlite3_config(SQLITE_CONFIG_GETMALLOC, &original);
    have_original = true;
  }
  sqlite3_config(SQLITE_CONFIG_MALLOC, hooked ? &routed : &original);
}

/* The allocator generation SQLite is configured for (0: its own, as
 * SQLite starts). */
static unsigned synced;

void gsz__sqlite_sync_allocator(void) {
  unsigned now = gsz__allocator_generation();
  if (now == synced)
    return;
  use_hook(gsz__allocator_hooked());
  synced = now;
}
