/* fmt.c: display formatting of sizes, counts and money (fmt_int.h). */
#include "fmt_int.h"
#include "gpusizer/money.h"

#include <stdio.h>

const char *gsz__fmt_ratio(char buf[GSZ_FMT_MAX], uint64_t value, uint64_t divisor,
                           unsigned decimals) {
  uint64_t scale = 1;
  for (unsigned i = 0; i < decimals; i++)
    scale *= 10;
  uint64_t whole = value / divisor, rem = value % divisor;
  /* rem < divisor <= 2^40 here and scale <= 10^4: rem * scale cannot
   * overflow for the divisors we use; fall back to long division if so. */
  unsigned __int128 frac = ((unsigned __int128)rem * scale + divisor / 2) / divisor;
  if (frac >= scale) {
    whole++;
    frac -= scale;
  }
  if (decimals == 0)
    snprintf(buf, GSZ_FMT_MAX, "%llu", (unsigned long long)whole);
  else
    snprintf(buf, GSZ_FMT_MAX, "%llu.%0*llu", (unsigned long long)whole, (int)decimals,
             (unsigned long long)frac);
  return buf;
}

const char *gsz__fmt_gib(char buf[GSZ_FMT_MAX], uint64_t bytes) {
  char num[GSZ_FMT_MAX];
  snprintf(buf, GSZ_FMT_MAX, "%.40s GiB", gsz__fmt_ratio(num, bytes, (uint64_t)1 << 30, 2));
  return buf;
}

const char *gsz__fmt_gb(char buf[GSZ_FMT_MAX], uint64_t bytes) {
  char num[GSZ_FMT_MAX];
  snprintf(buf, GSZ_FMT_MAX, "%.40s GB", gsz__fmt_ratio(num, bytes, 1000000000u, 2));
  return buf;
}

const char *gsz__fmt_group(char buf[GSZ_FMT_MAX], uint64_t value) {
  char rev[32];
  size_t n = 0;
  unsigned digits = 0;
  do {
    if (digits > 0 && digits % 3 == 0)
      rev[n++] = ',';
    rev[n++] = (char)('0' + value % 10);
    value /= 10;
    digits++;
  } while (value > 0);
  for (size_t i = 0; i < n; i++)
    buf[i] = rev[n - 1 - i];
  buf[n] = '\0';
  return buf;
}

const char *gsz__fmt_money(char buf[GSZ_FMT_MAX], int64_t minor, unsigned digits,
                           const char *currency) {
  char num[GSZ_FMT_MAX];
  gsz_money_format(num, sizeof num, minor, digits, true);
  snprintf(buf, GSZ_FMT_MAX, "%.40s %.8s", num, currency);
  return buf;
}

const char *gsz__fmt_tenths(char buf[GSZ_FMT_MAX], double value) {
  if (!(value >= 0) || value > 1e15) /* NaN or absurd: say so, do not guess */
    return gsz__fmt_real(buf, value);
  uint64_t tenths = (uint64_t)(value * 10 + 0.5);
  snprintf(buf, GSZ_FMT_MAX, "%llu.%llu", (unsigned long long)(tenths / 10),
           (unsigned long long)(tenths % 10));
  return buf;
}

const char *gsz__fmt_real(char buf[GSZ_FMT_MAX], double value) {
  snprintf(buf, GSZ_FMT_MAX, "%.10g", value);
  for (char *p = buf; *p; p++)
    if (*p == ',')
      *p = '.'; /* a comma-decimal locale set by an embedding program */
  return buf;
}
