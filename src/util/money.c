/* money.c: parsing and printing of integer minor-unit amounts (money.h).
 * Never floating point: a price is digits in and digits out. */
#include "gpusizer/money.h"
#include "gpusizer/parse.h"
#include "util/common_int.h"

#include <stdio.h>
#include <string.h>

gsz_err gsz_money_parse(int64_t *out_minor, const char *text, unsigned digits, gsz_diag *diag) {
  return gsz_parse_fixed(out_minor, text, digits, false, diag);
}

gsz_err gsz_money_scale(int64_t *out, int64_t amount, int64_t num, int64_t den, gsz_diag *diag) {
  if (den <= 0)
    return gsz__diag_set(diag, GSZ_EINVAL, "money scaled by a non-positive denominator");
  __int128 p = (__int128)amount * num; /* |p| < 2^126: no overflow */
  __int128 q = p / den, r = p % den;   /* truncated toward zero */
  __int128 twice = r < 0 ? -2 * r : 2 * r;
  if (twice > den || (twice == den && (q % 2 != 0)))
    q += p < 0 ? -1 : 1; /* away from zero past the half; at the half, to even */
  if (q > INT64_MAX || q < INT64_MIN)
    return gsz__diag_set(diag, GSZ_EOVERFLOW, "an amount overflows 64-bit minor units");
  *out = (int64_t)q;
  return GSZ_OK;
}

/* Character k from the right of an n-character text, into buf when it
 * fits (the text is cut at size - 1). */
static void put_from_right(char *buf, size_t size, size_t n, size_t k, char c) {
  size_t i = n - 1 - k;
  if (i + 1 < size)
    buf[i] = c;
}

size_t gsz_money_format(char *buf, size_t size, int64_t amount_minor, unsigned digits,
                        bool grouping) {
  /* Work on the magnitude as unsigned so INT64_MIN prints correctly. */
  bool negative = amount_minor < 0;
  uint64_t mag = negative ? (uint64_t)0 - (uint64_t)amount_minor : (uint64_t)amount_minor;
  char d[20]; /* the magnitude's digits, least significant first */
  size_t nd = 0;
  do {
    d[nd++] = (char)('0' + mag % 10);
    mag /= 10;
  } while (mag > 0);
  /* The length first, then the text written from the right: no scratch
   * buffer that a large `digits` could overrun (fuzzing found digits 63
   * writing past the end of a 64-byte one). */
  size_t places = nd > (size_t)digits ? nd : (size_t)digits + 1; /* digit positions */
  size_t n = places + (digits > 0) + (grouping ? (places - digits - 1) / 3 : 0) + negative;
  size_t k = 0;
  for (size_t pos = 0; pos < places; pos++) {
    if (pos == digits && digits > 0)
      put_from_right(buf, size, n, k++, '.');
    else if (grouping && pos > digits && (pos - digits) % 3 == 0)
      put_from_right(buf, size, n, k++, ',');
    put_from_right(buf, size, n, k++, pos < nd ? d[pos] : '0');
  }
  if (negative)
    put_from_right(buf, size, n, k, '-');
  if (size > 0)
    buf[n < size ? n : size - 1] = '\0';
  return n;
}
