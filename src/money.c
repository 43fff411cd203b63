/* money.c: parsing and printing of integer minor-unit amounts (money.h).
 * Never floating point: a price is digits in and digits out. */
#include "common_int.h"
#include "gpusizer/money.h"
#include "gpusizer/parse.h"

#include <stdio.h>
#include <string.h>

gsz_err gsz_money_parse(int64_t *out_minor, const char *text, unsigned digits, gsz_diag *diag) {
  return gsz_parse_fixed(out_minor, text, digits, false, diag);
}

size_t gsz_money_format(char *buf, size_t size, int64_t amount_minor, unsigned digits,
                        bool grouping) {
  /* Work on the magnitude as unsigned so INT64_MIN prints correctly. */
  bool negative = amount_minor < 0;
  uint64_t mag = negative ? (uint64_t)0 - (uint64_t)amount_minor : (uint64_t)amount_minor;
  char rev[64];
  size_t n = 0;
  unsigned pos = 0;
  do {
    if (pos == digits && digits > 0)
      rev[n++] = '.';
    else if (grouping && pos > digits && (pos - digits) % 3 == 0)
      rev[n++] = ',';
    rev[n++] = (char)('0' + mag % 10);
    mag /= 10;
    pos++;
  } while (mag > 0 || pos <= digits);
  if (negative)
    rev[n++] = '-';
  size_t out = 0;
  for (size_t i = n; i > 0; i--, out++)
    if (out + 1 < size)
      buf[out] = rev[i - 1];
  if (size > 0)
    buf[out < size ? out : size - 1] = '\0';
  return n;
}
