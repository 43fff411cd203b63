/* buf_int.h: a growable text buffer with a hard size limit and a sticky
 * error, for rendering output. Append freely, check buf.err once at the end.
 * Internal to the library. */
#ifndef GSZ_BUF_INT_H
#define GSZ_BUF_INT_H

#include "util/common_int.h"

#define GSZ_BUF_DEFAULT_LIMIT ((size_t)256 << 20) /* 256 MiB of output */

typedef struct gsz__buf {
  char *data; /* NUL-terminated when len > 0 */
  size_t len, cap, limit;
  gsz_err err; /* GSZ_OK, or the first failure (ENOMEM, ELIMIT) */
} gsz__buf;

void gsz__buf_init(gsz__buf *b);
void gsz__buf_append(gsz__buf *b, const char *s, size_t n);
void gsz__buf_puts(gsz__buf *b, const char *s);
void gsz__buf_putc(gsz__buf *b, char c);
void gsz__buf_printf(gsz__buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append n copies of c. */
void gsz__buf_repeat(gsz__buf *b, char c, size_t n);
/* Hand the text to the caller (*out, freed with gsz_free) or report the
 * sticky error through diag; the buffer is empty afterwards either way. */
gsz_err gsz__buf_finish(gsz__buf *b, char **out, size_t *out_len, gsz_diag *diag);
void gsz__buf_release(gsz__buf *b);

#endif
