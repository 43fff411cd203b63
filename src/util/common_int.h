/* common_int.h: what every library file includes: the error setters, the
 * allocation wrappers (every library allocation goes through them, so a
 * test can fail the Nth one), checked arithmetic and the banned list.
 * Internal: never installed, never included by the CLI. */
#ifndef GSZ_COMMON_INT_H
#define GSZ_COMMON_INT_H

#include "gpusizer/alloc.h"
#include "gpusizer/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GSZ_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Fill diag (when not NULL) and return code, so a failure reads
 * `return gsz__diag_set(diag, GSZ_EINVAL, "...", ...);`. */
gsz_err gsz__diag_set(gsz_diag *diag, gsz_err code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
gsz_err gsz__diag_nomem(gsz_diag *diag);
/* Say which request field the failure in diag is about (static name);
 * returns diag's code (GSZ_OK when diag is NULL). */
gsz_err gsz__diag_field(gsz_diag *diag, const char *field);
/* The code for an input file that would not open, from errno: not there
 * (GSZ_ENOTFOUND), a path that names no file (a directory in the way, too
 * long: GSZ_EINVAL, the user's to fix, exit 2), else the system's
 * (GSZ_EIO, exit 4). */
gsz_err gsz__open_error_code(int errno_value);
/* An input path that opened but is not a regular file (a directory, a
 * FIFO): GSZ_EINVAL, "'PATH' is a directory, not a file". */
gsz_err gsz__not_a_file(gsz_diag *diag, const char *path, unsigned mode);

void *gsz__malloc(size_t size);
void *gsz__calloc(size_t count, size_t size);
void *gsz__realloc(void *ptr, size_t size);
void gsz__free(void *ptr);
char *gsz__strdup(const char *s);
char *gsz__strndup(const char *s, size_t n);
/* How many allocations have failed in this process (see alloc.c). */
size_t gsz__alloc_failures(void);
/* The allocator's generation (a new one per gsz_set_allocator call; 0 the
 * C library's from the start) and whether a hook is installed: a library
 * that keeps its own allocator configuration (SQLite) follows them. */
unsigned gsz__allocator_generation(void);
bool gsz__allocator_hooked(void);

/* Checked arithmetic: true when the result overflowed (then *r is junk). */
static inline bool gsz__add_u64(uint64_t *r, uint64_t a, uint64_t b) {
  return __builtin_add_overflow(a, b, r);
}
static inline bool gsz__mul_u64(uint64_t *r, uint64_t a, uint64_t b) {
  return __builtin_mul_overflow(a, b, r);
}
static inline bool gsz__add_i64(int64_t *r, int64_t a, int64_t b) {
  return __builtin_add_overflow(a, b, r);
}
static inline bool gsz__mul_i64(int64_t *r, int64_t a, int64_t b) {
  return __builtin_mul_overflow(a, b, r);
}
/* ASCII case folding, the same under every locale (names are compared
 * with it everywhere: SKUs, aliases, vendors). */
static inline int gsz__ascii_lower(int c) {
  return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

/* ceil(a / b) for b > 0, without the a + b - 1 overflow. */
static inline uint64_t gsz__ceil_div_u64(uint64_t a, uint64_t b) {
  return a / b + (a % b != 0);
}

/* ASCII-only, locale-independent case-insensitive comparisons. */
bool gsz__str_ieq(const char *a, const char *b);
int gsz__str_icmp(const char *a, const char *b);

/* The system headers that declare banned functions come first, so their
 * own inline definitions are not rewritten by the banned.h macros. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/banned.h"

#endif
