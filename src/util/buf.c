/* buf.c: the growable output buffer (see buf_int.h). Growth doubles; the
 * limit turns runaway output into GSZ_ELIMIT instead of exhausting memory. */
#include "util/buf_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void gsz__buf_init(gsz__buf *b) {
  memset(b, 0, sizeof *b);
  b->limit = GSZ_BUF_DEFAULT_LIMIT;
}

static bool reserve(gsz__buf *b, size_t extra) {
  if (b->err != GSZ_OK)
    return false;
  if (extra > b->limit || b->len > b->limit - extra) {
    b->err = GSZ_ELIMIT;
    return false;
  }
  size_t need = b->len + extra + 1;
  if (need <= b->cap)
    return true;
  size_t cap = b->cap ? b->cap : 256;
  while (cap < need)
    cap *= 2;
  char *p = gsz__realloc(b->data, cap);
  if (p == NULL) {
    b->err = GSZ_ENOMEM;
    return false;
  }
  b->data = p;
  b->cap = cap;
  return true;
}

void gsz__buf_append(gsz__buf *b, const char *s, size_t n) {
  if (!reserve(b, n))
    return;
  memcpy(b->data + b->len, s, n);
  b->len += n;
  b->data[b->len] = '\0';
}

void gsz__buf_puts(gsz__buf *b, const char *s) {
  gsz__buf_append(b, s, strlen(s));
}

void gsz__buf_putc(gsz__buf *b, char c) {
  gsz__buf_append(b, &c, 1);
}

void gsz__buf_repeat(gsz__buf *b, char c, size_t n) {
  if (!reserve(b, n))
    return;
  memset(b->data + b->len, c, n);
  b->len += n;
  b->data[b->len] = '\0';
}

void gsz__buf_printf(gsz__buf *b, const char *fmt, ...) {
  char small[256];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  if (n < 0) {
    if (b->err == GSZ_OK)
      b->err = GSZ_EINVAL;
    return;
  }
  if ((size_t)n < sizeof small) {
    gsz__buf_append(b, small, (size_t)n);
    return;
  }
  if (!reserve(b, (size_t)n))
    return;
  va_start(ap, fmt);
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
}

void gsz__buf_release(gsz__buf *b) {
  gsz__free(b->data);
  gsz__buf_init(b);
}

gsz_err gsz__buf_finish(gsz__buf *b, char **out, size_t *out_len, gsz_diag *diag) {
  if (b->err != GSZ_OK) {
    gsz_err err = b->err;
    gsz__buf_release(b);
    if (err == GSZ_ENOMEM)
      return gsz__diag_nomem(diag);
    return gsz__diag_set(diag, err, "output is larger than the %zu MiB limit",
                         (size_t)(GSZ_BUF_DEFAULT_LIMIT >> 20));
  }
  if (b->data == NULL) {
    b->data = gsz__strdup("");
    if (b->data == NULL)
      return gsz__diag_nomem(diag);
  }
  *out = b->data;
  if (out_len != NULL)
    *out_len = b->len;
  gsz__buf_init(b);
  return GSZ_OK;
}
