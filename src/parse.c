/* parse.c: exact number parsing (see parse.h). Digits are accumulated into
 * integers with overflow checks; a fraction is carried as an integer
 * numerator over a power of ten and must divide out exactly. */
#include "common_int.h"
#include "gpusizer/parse.h"

#include <string.h>

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* Largest power of ten we handle: 10^19 fits in uint64_t. */
#define MAX_POW10 19

static uint64_t pow10_u64(unsigned n) {
  uint64_t p = 1;
  while (n-- > 0)
    p *= 10;
  return p;
}

/* Parse digits[.digits]; mantissa as integer, frac_digits how many of its
 * digits are after the point. Trailing zeros of the fraction are dropped
 * first, so "1.500" has mantissa 15, frac_digits 1. */
static gsz_err parse_decimal(const char **p, uint64_t *mantissa, unsigned *frac_digits,
                             gsz_diag *diag) {
  const char *s = *p;
  uint64_t m = 0;
  unsigned frac = 0, int_digits = 0;
  while (is_digit(*s)) {
    if (gsz__mul_u64(&m, m, 10) || gsz__add_u64(&m, m, (uint64_t)(*s - '0')))
      return gsz__diag_set(diag, GSZ_EOVERFLOW, "number is too large");
    s++;
    int_digits++;
  }
  if (int_digits == 0)
    return gsz__diag_set(diag, GSZ_EPARSE, "expected a digit");
  if (*s == '.') {
    s++;
    const char *start = s;
    const char *end = s;
    while (is_digit(*end))
      end++;
    if (end == start)
      return gsz__diag_set(diag, GSZ_EPARSE, "expected a digit after the decimal point");
    const char *last = end;
    while (last > start && last[-1] == '0')
      last--;
    for (const char *d = start; d < last; d++) {
      if (gsz__mul_u64(&m, m, 10) || gsz__add_u64(&m, m, (uint64_t)(*d - '0')))
        return gsz__diag_set(diag, GSZ_EOVERFLOW, "number has too many digits");
      frac++;
    }
    s = end;
  }
  *p = s;
  *mantissa = m;
  *frac_digits = frac;
  return GSZ_OK;
}

gsz_err gsz_parse_count(uint64_t *out, const char *text, gsz_diag *diag) {
  const char *s = text;
  uint64_t m;
  unsigned frac;
  if (text == NULL || *text == '\0')
    return gsz__diag_set(diag, GSZ_EPARSE, "expected a number such as 7B, 500M or 6738415616");
  gsz_err err = parse_decimal(&s, &m, &frac, diag);
  if (err == GSZ_EPARSE)
    return gsz__diag_set(diag, GSZ_EPARSE,
                         "'%s' is not a number (expected e.g. 7B, 0.5B, 500M, 7e9 or 6738415616)",
                         text);
  if (err != GSZ_OK)
    return gsz__diag_set(diag, err, "'%s' is too large", text);

  unsigned exp10 = 0;
  if (*s == 'e' || *s == 'E') {
    s++;
    if (!is_digit(*s))
      return gsz__diag_set(diag, GSZ_EPARSE, "'%s': expected digits after the exponent 'e'",
                           text);
    uint64_t e = 0;
    while (is_digit(*s)) {
      e = e * 10 + (uint64_t)(*s - '0');
      if (e > 1000)
        return gsz__diag_set(diag, GSZ_EOVERFLOW, "'%s' is too large", text);
      s++;
    }
    exp10 = (unsigned)e;
  } else if (*s != '\0') {
    switch (*s) {
    case 'k': case 'K': exp10 = 3; break;
    case 'm': case 'M': exp10 = 6; break;
    case 'b': case 'B': case 'g': case 'G': exp10 = 9; break;
    case 't': case 'T': exp10 = 12; break;
    default:
      return gsz__diag_set(diag, GSZ_EPARSE,
                           "'%s' has an unknown suffix '%c' (use K, M, B or T, or an exponent "
                           "such as 7e9)",
                           text, *s);
    }
    s++;
  }
  if (*s != '\0')
    return gsz__diag_set(diag, GSZ_EPARSE, "'%s' has unexpected text after the number", text);

  if (frac > exp10) {
    /* The fraction outlives the scale: only whole if the extra digits
     * divide out exactly, e.g. "1.5" is not whole. */
    uint64_t div = pow10_u64(frac - exp10);
    if (frac - exp10 > MAX_POW10 || m % div != 0)
      return gsz__diag_set(diag, GSZ_EINVAL, "'%s' is not a whole number", text);
    m /= div;
  } else {
    unsigned k = exp10 - frac;
    if (m != 0) {
      if (k > MAX_POW10)
        return gsz__diag_set(diag, GSZ_EOVERFLOW, "'%s' is too large", text);
      if (gsz__mul_u64(&m, m, pow10_u64(k)))
        return gsz__diag_set(diag, GSZ_EOVERFLOW, "'%s' is too large", text);
    }
  }
  if (m == 0)
    return gsz__diag_set(diag, GSZ_EINVAL, "'%s' must be greater than zero", text);
  *out = m;
  return GSZ_OK;
}

gsz_err gsz_parse_uint(uint64_t *out, const char *text, uint64_t min, uint64_t max,
                       gsz_diag *diag) {
  if (text == NULL || !is_digit(*text))
    return gsz__diag_set(diag, GSZ_EPARSE, "'%s' is not a whole number",
                         text ? text : "");
  uint64_t v = 0;
  const char *s = text;
  while (is_digit(*s)) {
    if (gsz__mul_u64(&v, v, 10) || gsz__add_u64(&v, v, (uint64_t)(*s - '0')))
      return gsz__diag_set(diag, GSZ_EOVERFLOW, "'%s' is too large (at most %llu)", text,
                           (unsigned long long)max);
    s++;
  }
  if (*s != '\0')
    return gsz__diag_set(diag, GSZ_EPARSE, "'%s' is not a whole number", text);
  if (v < min || v > max)
    return gsz__diag_set(diag, v > max ? GSZ_EOVERFLOW : GSZ_EINVAL,
                         "'%s' is out of range (%llu to %llu)", text, (unsigned long long)min,
                         (unsigned long long)max);
  *out = v;
  return GSZ_OK;
}

gsz_err gsz_parse_fixed(int64_t *out, const char *text, unsigned scale, bool allow_negative,
                        gsz_diag *diag) {
  if (text == NULL || *text == '\0')
    return gsz__diag_set(diag, GSZ_EPARSE, "expected a decimal number");
  const char *s = text;
  bool negative = false;
  if (*s == '-') {
    if (!allow_negative)
      return gsz__diag_set(diag, GSZ_EPARSE, "'%s' must not be negative", text);
    negative = true;
    s++;
  }
  uint64_t m;
  unsigned frac;
  gsz_err err = parse_decimal(&s, &m, &frac, diag);
  if (err == GSZ_EOVERFLOW)
    return gsz__diag_set(diag, err, "'%s' is too large", text);
  if (err != GSZ_OK || *s != '\0') {
    if (*s == ',' )
      return gsz__diag_set(diag, GSZ_EPARSE,
                           "'%s' is not a decimal number (use '.' for decimals and no "
                           "grouping commas)",
                           text);
    if (*s == 'e' || *s == 'E')
      return gsz__diag_set(diag, GSZ_EPARSE,
                           "'%s' is not a plain decimal number (exponents are not accepted)",
                           text);
    return gsz__diag_set(diag, GSZ_EPARSE, "'%s' is not a decimal number", text);
  }
  if (frac > scale)
    return gsz__diag_set(diag, GSZ_EPARSE, "'%s' has more than %u decimal place%s", text, scale,
                         scale == 1 ? "" : "s");
  if (scale - frac > MAX_POW10 || gsz__mul_u64(&m, m, pow10_u64(scale - frac)) ||
      m > (uint64_t)INT64_MAX)
    return gsz__diag_set(diag, GSZ_EOVERFLOW, "'%s' is too large", text);
  *out = negative ? -(int64_t)m : (int64_t)m;
  return GSZ_OK;
}
