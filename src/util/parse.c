/* parse.c: exact number parsing (see parse.h). Digits are accumulated into
 * integers with overflow checks; a fraction is carried as an integer
 * numerator over a power of ten and must divide out exactly. */
#include "gpusizer/parse.h"
#include "util/common_int.h"

#include <string.h>

static bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

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
 * first, so "1.500" has mantissa 15, frac_digits 1 (so when frac_digits > 0
 * the mantissa's last digit is not 0). A mantissa beyond 64 bits sets
 * *overflow (*mantissa is then junk; frac_digits is still right) and the
 * number is still read to its end: callers report malformed text, and a
 * fraction that cannot be whole, before "too large" (fuzzing found
 * "12345678901234567890x" and "0.00000000000000000001234" called too
 * large). GSZ_EPARSE when there is no number. */
static gsz_err parse_decimal(const char **p, uint64_t *mantissa, unsigned *frac_digits,
                             bool *overflow, gsz_diag *diag) {
  const char *s = *p;
  uint64_t m = 0;
  unsigned frac = 0, int_digits = 0;
  bool over = false;
  while (is_digit(*s)) {
    if (!over && (gsz__mul_u64(&m, m, 10) || gsz__add_u64(&m, m, (uint64_t)(*s - '0'))))
      over = true;
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
      if (!over && (gsz__mul_u64(&m, m, 10) || gsz__add_u64(&m, m, (uint64_t)(*d - '0'))))
        over = true;
      frac++;
    }
    s = end;
  }
  *p = s;
  *mantissa = m;
  *frac_digits = frac;
  *overflow = over;
  return GSZ_OK;
}

gsz_err gsz_parse_count(uint64_t *out, const char *text, gsz_diag *diag) {
  const char *s = text;
  uint64_t m;
  unsigned frac;
  if (text == NULL || *text == '\0')
    return gsz__diag_set(diag, GSZ_EPARSE, "expected a number such as 7B, 500M or 6738415616");
  bool overflow;
  gsz_err err = parse_decimal(&s, &m, &frac, &overflow, diag);
  if (err != GSZ_OK)
    return gsz__diag_set(diag, GSZ_EPARSE,
                         "'%s' is not a number (expected e.g. 7B, 0.5B, 500M, 7e9 or 6738415616)",
                         text);

  /* The whole text is read before any value is judged, so that malformed
   * text is GSZ_EPARSE, a fraction GSZ_EINVAL and only then a size
   * GSZ_EOVERFLOW, as parse.h says (fuzzing found "1e9999x" and "0e1001"
   * called too large, and "0.<1001 zeros>5e1002", which is 5, refused). */
  uint64_t exp10 = 0;
  if (*s == 'e' || *s == 'E') {
    s++;
    if (!is_digit(*s))
      return gsz__diag_set(diag, GSZ_EPARSE, "'%s': expected digits after the exponent 'e'", text);
    while (is_digit(*s)) {
      if (exp10 < UINT32_MAX) /* saturates: beyond, anything non-zero is too large */
        exp10 = exp10 * 10 + (uint64_t)(*s - '0');
      s++;
    }
  } else if (*s != '\0') {
    switch (*s) {
    case 'k':
    case 'K':
      exp10 = 3;
      break;
    case 'm':
    case 'M':
      exp10 = 6;
      break;
    case 'b':
    case 'B':
    case 'g':
    case 'G':
      exp10 = 9;
      break;
    case 't':
    case 'T':
      exp10 = 12;
      break;
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

  /* The fraction outlives the scale: its last digit is not 0, so the
   * number is not whole ("1.5", "1.0005K"). */
  if (frac > exp10)
    return gsz__diag_set(diag, GSZ_EINVAL, "'%s' is not a whole number", text);
  if (overflow)
    return gsz__diag_set(diag, GSZ_EOVERFLOW, "'%s' is too large", text);
  if (m == 0)
    return gsz__diag_set(diag, GSZ_EINVAL, "'%s' must be greater than zero", text);
  uint64_t k = exp10 - frac;
  if (k > MAX_POW10 || gsz__mul_u64(&m, m, pow10_u64((unsigned)k)))
    return gsz__diag_set(diag, GSZ_EOVERFLOW, "'%s' is too large", text);
  *out = m;
  return GSZ_OK;
}

gsz_err gsz_parse_uint(uint64_t *out, const char *text, uint64_t min, uint64_t max,
                       gsz_diag *diag) {
  if (text == NULL || !is_digit(*text))
    return gsz__diag_set(diag, GSZ_EPARSE, "'%s' is not a whole number", text ? text : "");
  uint64_t v = 0;
  const char *s = text;
  bool overflow = false; /* judged after the text is known to be a number */
  while (is_digit(*s)) {
    if (!overflow && (gsz__mul_u64(&v, v, 10) || gsz__add_u64(&v, v, (uint64_t)(*s - '0'))))
      overflow = true;
    s++;
  }
  if (*s != '\0')
    return gsz__diag_set(diag, GSZ_EPARSE, "'%s' is not a whole number", text);
  if (overflow)
    return gsz__diag_set(diag, GSZ_EOVERFLOW, "'%s' is too large (at most %llu)", text,
                         (unsigned long long)max);
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
  bool overflow;
  gsz_err err = parse_decimal(&s, &m, &frac, &overflow, diag);
  if (err != GSZ_OK || *s != '\0') {
    if (*s == ',')
      return gsz__diag_set(diag, GSZ_EPARSE,
                           "'%s' is not a decimal number (use '.' for decimals and no "
                           "grouping commas)",
                           text);
    if (*s == 'e' || *s == 'E')
      return gsz__diag_set(diag, GSZ_EPARSE,
                           "'%s' is not a plain decimal number (exponents are not accepted)", text);
    return gsz__diag_set(diag, GSZ_EPARSE, "'%s' is not a decimal number", text);
  }
  if (frac > scale)
    return gsz__diag_set(diag, GSZ_EPARSE, "'%s' has more than %u decimal place%s", text, scale,
                         scale == 1 ? "" : "s");
  if (overflow)
    return gsz__diag_set(diag, GSZ_EOVERFLOW, "'%s' is too large", text);
  /* Zero is zero at any scale: skip the power of ten, which may not fit in
   * 64 bits (fuzzing found "0" at scale 20 refused as too large). */
  if (m != 0 && (scale - frac > MAX_POW10 || gsz__mul_u64(&m, m, pow10_u64(scale - frac)) ||
                 m > (uint64_t)INT64_MAX))
    return gsz__diag_set(diag, GSZ_EOVERFLOW, "'%s' is too large", text);
  *out = negative ? -(int64_t)m : (int64_t)m;
  return GSZ_OK;
}
