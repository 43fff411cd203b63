/* fuzz_parse.c: fuzz target for the CLI number parsers (parse.h):
 * gsz_parse_count ("7B", "0.5B", "7e9", "6738415616"), gsz_parse_uint and
 * gsz_parse_fixed at several scales, checked against a slow reference that
 * evaluates the decimal text digit by digit: same accept/reject, same
 * value, malformed text is GSZ_EPARSE. Also the small word parsers the CLI
 * uses (LoRA targets, modes, methods, stock policy). Input: the text. */
#include "fuzz.h"

#include "gpusizer/match.h"
#include "gpusizer/memory.h"
#include "gpusizer/model.h"
#include "gpusizer/parse.h"

#include <stdbool.h>

/* What the reference makes of a text; each maps to one error code. */
typedef enum ref_status {
  REF_OK,
  REF_MALFORMED, /* GSZ_EPARSE */
  REF_NOT_WHOLE, /* a fraction left at the scale: count GSZ_EINVAL, fixed GSZ_EPARSE */
  REF_ZERO,      /* count: GSZ_EINVAL */
  REF_SMALL,     /* uint below min: GSZ_EINVAL */
  REF_TOO_LARGE  /* GSZ_EOVERFLOW */
} ref_status;

static bool digit(char c) {
  return c >= '0' && c <= '9';
}

/* The exact value of significant digits d[0..n) x 10^e (e >= 0), or
 * false when it exceeds limit. */
static bool ref_value(const char *d, size_t n, long e, unsigned __int128 limit,
                      unsigned __int128 *out) {
  while (n > 0 && *d == '0') {
    d++;
    n--;
  }
  if (n == 0) {
    *out = 0;
    return true;
  }
  if ((long)n + e > 21) /* > 10^21 > 2^64 */
    return false;
  unsigned __int128 v = 0;
  for (size_t i = 0; i < n; i++)
    v = v * 10 + (unsigned)(d[i] - '0');
  for (long i = 0; i < e; i++)
    v *= 10;
  if (v > limit)
    return false;
  *out = v;
  return true;
}

/* Digits of "int[.frac]" without the point, in buf (at most size). */
typedef struct ref_number {
  char digits[8192];
  size_t n;
  long frac;        /* digits after the point */
  const char *rest; /* what follows the number */
} ref_number;

static bool ref_decimal(const char *s, ref_number *num) {
  num->n = 0;
  num->frac = 0;
  if (!digit(*s))
    return false;
  while (digit(*s)) {
    if (num->n < sizeof num->digits)
      num->digits[num->n] = *s;
    num->n++;
    s++;
  }
  if (*s == '.') {
    s++;
    if (!digit(*s))
      return false;
    while (digit(*s)) {
      if (num->n < sizeof num->digits)
        num->digits[num->n] = *s;
      num->n++;
      num->frac++;
      s++;
    }
  }
  num->rest = s;
  return num->n <= sizeof num->digits;
}

/* Whole value of the digits x 10^shift, or why not. */
static ref_status ref_scaled(const ref_number *num, long shift, unsigned __int128 limit,
                             unsigned __int128 *out) {
  size_t n = num->n;
  long e = shift - num->frac;
  /* Drop digits that the negative exponent divides away: they must be 0. */
  while (e < 0) {
    if (n == 0) {
      e = 0;
      break;
    }
    if (num->digits[n - 1] != '0')
      return REF_NOT_WHOLE;
    n--;
    e++;
  }
  return ref_value(num->digits, n, e, limit, out) ? REF_OK : REF_TOO_LARGE;
}

static ref_number scratch;

static ref_status ref_count(const char *s, uint64_t *out) {
  if (!ref_decimal(s, &scratch))
    return REF_MALFORMED;
  const char *p = scratch.rest;
  long exp10 = 0;
  if (*p == 'e' || *p == 'E') {
    p++;
    if (!digit(*p))
      return REF_MALFORMED;
    while (digit(*p)) {
      if (exp10 < 100000)
        exp10 = exp10 * 10 + (*p - '0');
      p++;
    }
  } else if (*p != '\0') {
    switch (*p) {
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
      return REF_MALFORMED;
    }
    p++;
  }
  if (*p != '\0')
    return REF_MALFORMED;
  unsigned __int128 v;
  ref_status st = ref_scaled(&scratch, exp10, UINT64_MAX, &v);
  if (st != REF_OK)
    return st;
  if (v == 0)
    return REF_ZERO;
  *out = (uint64_t)v;
  return REF_OK;
}

static ref_status ref_fixed(const char *s, unsigned scale, bool allow_negative, int64_t *out) {
  bool negative = *s == '-';
  if (negative)
    s++;
  if (!ref_decimal(s, &scratch) || *scratch.rest != '\0')
    return REF_MALFORMED;
  if (negative && !allow_negative)
    return REF_MALFORMED; /* "must not be negative" is GSZ_EPARSE too */
  unsigned __int128 v;
  ref_status st = ref_scaled(&scratch, (long)scale, INT64_MAX, &v);
  if (st != REF_OK)
    return st;
  *out = negative ? -(int64_t)v : (int64_t)v;
  return REF_OK;
}

static ref_status ref_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out) {
  if (!ref_decimal(s, &scratch) || scratch.frac != 0 || *scratch.rest != '\0')
    return REF_MALFORMED;
  unsigned __int128 v;
  ref_status st = ref_scaled(&scratch, 0, max, &v);
  if (st != REF_OK)
    return st;
  if (v < min)
    return REF_SMALL;
  *out = (uint64_t)v;
  return REF_OK;
}

/* The library's answer agrees with the reference's: the code the header
 * promises for each kind of refusal. not_whole is the code for a fraction
 * left over (gsz_parse_count: GSZ_EINVAL; gsz_parse_fixed: GSZ_EPARSE). */
static void agree(ref_status ref, gsz_err err, gsz_err not_whole) {
  switch (ref) {
  case REF_OK:
    FUZZ_CHECK(err == GSZ_OK);
    break;
  case REF_MALFORMED:
    FUZZ_CHECK(err == GSZ_EPARSE);
    break;
  case REF_NOT_WHOLE:
    FUZZ_CHECK(err == not_whole);
    break;
  case REF_ZERO:
  case REF_SMALL:
    FUZZ_CHECK(err == GSZ_EINVAL);
    break;
  case REF_TOO_LARGE:
    FUZZ_CHECK(err == GSZ_EOVERFLOW);
    break;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 10000)
    return 0; /* long runs of digits say nothing new */
  char *text = fuzz_cstr(data, size);
  if (text == NULL)
    return 0;
  gsz_diag diag;

  uint64_t got = 0, want = 0;
  gsz_err err = gsz_parse_count(&got, text, &diag);
  ref_status ref = ref_count(text, &want);
  agree(ref, err, GSZ_EINVAL);
  if (err == GSZ_OK) {
    FUZZ_CHECK(got == want && got > 0);
    char back[32];
    snprintf(back, sizeof back, "%llu", (unsigned long long)got);
    uint64_t again = 0;
    FUZZ_CHECK(gsz_parse_count(&again, back, &diag) == GSZ_OK && again == got);
  }

  static const uint64_t ranges[][2] = {{0, UINT64_MAX}, {1, 1000000}, {0, 0}};
  for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++) {
    got = want = 0;
    err = gsz_parse_uint(&got, text, ranges[i][0], ranges[i][1], &diag);
    agree(ref_uint(text, ranges[i][0], ranges[i][1], &want), err, GSZ_EPARSE);
    if (err == GSZ_OK)
      FUZZ_CHECK(got == want);
  }

  for (unsigned scale = 0; scale <= 20; scale++)
    for (int neg = 0; neg < 2; neg++) {
      int64_t fgot = 0, fwant = 0;
      err = gsz_parse_fixed(&fgot, text, scale, neg != 0, &diag);
      agree(ref_fixed(text, scale, neg != 0, &fwant), err, GSZ_EPARSE);
      if (err == GSZ_OK)
        FUZZ_CHECK(fgot == fwant);
    }

  uint32_t mask;
  if (gsz_lora_targets_parse(&mask, text, &diag) == GSZ_OK)
    FUZZ_CHECK(mask != 0 && (mask & ~(uint32_t)GSZ_LORA_ALL) == 0);
  gsz_method method;
  gsz_mode mode;
  gsz_optimizer optimizer;
  gsz_recipe recipe;
  gsz_recompute recompute;
  gsz_stock_policy stock;
  if (gsz_method_parse(&method, text, &diag) == GSZ_OK)
    FUZZ_CHECK(gsz_method_name(method) != NULL);
  if (gsz_mode_parse(&mode, text, &diag) == GSZ_OK)
    FUZZ_CHECK(gsz_mode_name(mode) != NULL);
  if (gsz_optimizer_parse(&optimizer, text, &diag) == GSZ_OK)
    FUZZ_CHECK(gsz_optimizer_name(optimizer) != NULL);
  if (gsz_recipe_parse(&recipe, text, &diag) == GSZ_OK)
    FUZZ_CHECK(gsz_recipe_name(recipe) != NULL);
  if (gsz_recompute_parse(&recompute, text, &diag) == GSZ_OK)
    FUZZ_CHECK(gsz_recompute_name(recompute) != NULL);
  if (gsz_stock_policy_parse(&stock, text, &diag) == GSZ_OK)
    FUZZ_CHECK(gsz_stock_policy_name(stock) != NULL);
  free(text);
  return 0;
}
