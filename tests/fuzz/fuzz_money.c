/* fuzz_money.c: fuzz target for the money module (money.h): parse,
 * format and the one rounding rule. Invariants, checked with abort():
 * format(parse(x)) parses back to the same amount; the grouped form is the
 * plain one with commas; a truncated format is a NUL-terminated prefix and
 * returns the full length; gsz_money_scale equals a reference rounding half
 * to even computed on magnitudes, and overflows exactly when that does.
 *
 * Input: byte 0 chooses the minor digits ('0'..'9' as such, any other byte
 * modulo 64), the rest is up to three lines: an amount as text, then two
 * integers (num, den of the scale test) as decimal text, "min" for
 * INT64_MIN, or else their raw bytes little-endian. */
#include "fuzz.h"

#include "gpusizer/money.h"
#include "gpusizer/parse.h"

#include <stdbool.h>

/* Line i (0-based) of the fields after byte 0, as a C string. */
static char *field(const uint8_t *data, size_t size, unsigned i, size_t *len_out) {
  size_t start = 0;
  for (unsigned k = 0; k < i; k++) {
    const uint8_t *nl = start < size ? memchr(data + start, '\n', size - start) : NULL;
    if (nl == NULL)
      return NULL;
    start = (size_t)(nl - data) + 1;
  }
  const uint8_t *nl = start < size ? memchr(data + start, '\n', size - start) : NULL;
  size_t len = (nl ? (size_t)(nl - data) : size) - start;
  *len_out = len;
  return fuzz_cstr(data + start, len);
}

/* A 64-bit integer from a field: decimal, "min", or raw bytes. */
static int64_t field_int(const uint8_t *data, size_t size, unsigned i, int64_t fallback) {
  size_t len = 0;
  char *s = field(data, size, i, &len);
  if (s == NULL)
    return fallback;
  int64_t v = 0;
  if (strcmp(s, "min") == 0) {
    v = INT64_MIN;
  } else if (gsz_parse_fixed(&v, s, 0, true, NULL) != GSZ_OK) {
    uint64_t u = 0;
    for (size_t k = 0; k < len && k < 8; k++)
      u |= (uint64_t)(unsigned char)s[k] << (8 * k);
    v = (int64_t)u;
  }
  free(s);
  return v;
}

static uint64_t magnitude(int64_t v) {
  return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
}

/* Check the shape of a formatted amount and that it is worth `amount`. */
static void check_format(int64_t amount, unsigned digits, bool grouping) {
  size_t cap = digits + 64;
  char *s = malloc(cap);
  if (s == NULL)
    return;
  size_t n = gsz_money_format(s, cap, amount, digits, grouping);
  FUZZ_CHECK(n < cap && strlen(s) == n);
  const char *p = s;
  if (amount < 0) {
    FUZZ_CHECK(*p == '-');
    p++;
  }
  /* Integer part: digits, no leading zero unless it is the only one;
   * grouped, a comma before every three from the point. */
  const char *int_start = p;
  while (*p >= '0' && *p <= '9')
    p++;
  size_t run = (size_t)(p - int_start);
  FUZZ_CHECK(run >= 1 && (run == 1 || *int_start != '0'));
  if (grouping) {
    FUZZ_CHECK(run <= 3);
    while (*p == ',') {
      FUZZ_CHECK(*int_start != '0');
      p++;
      for (int k = 0; k < 3; k++, p++)
        FUZZ_CHECK(*p >= '0' && *p <= '9');
    }
  }
  if (digits > 0) {
    FUZZ_CHECK(*p == '.');
    p++;
    for (unsigned k = 0; k < digits; k++, p++)
      FUZZ_CHECK(*p >= '0' && *p <= '9');
  }
  FUZZ_CHECK(*p == '\0');

  /* The value: the text without sign and commas parses back. */
  char *plain = malloc(cap);
  if (plain != NULL) {
    size_t k = 0;
    for (const char *q = s + (amount < 0); *q; q++)
      if (*q != ',')
        plain[k++] = *q;
    plain[k] = '\0';
    int64_t back = -1;
    gsz_err err = gsz_money_parse(&back, plain, digits, NULL);
    if (magnitude(amount) > (uint64_t)INT64_MAX)
      FUZZ_CHECK(err == GSZ_EOVERFLOW);
    else
      FUZZ_CHECK(err == GSZ_OK && (uint64_t)back == magnitude(amount));
  }
  free(plain);

  /* Truncation: a NUL-terminated prefix, the same length returned. */
  static const size_t sizes[] = {0, 1, 2, 3, 5, 8, 13};
  char small[16];
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
    memset(small, 'x', sizeof small);
    size_t m = gsz_money_format(small, sizes[i], amount, digits, grouping);
    FUZZ_CHECK(m == n);
    if (sizes[i] == 0) {
      FUZZ_CHECK(small[0] == 'x');
      continue;
    }
    size_t keep = n < sizes[i] - 1 ? n : sizes[i] - 1;
    FUZZ_CHECK(memcmp(small, s, keep) == 0 && small[keep] == '\0');
    FUZZ_CHECK(keep + 1 >= sizeof small || small[keep + 1] == 'x');
  }
  free(s);
}

/* amount x num / den rounded half to even, on magnitudes. */
static void check_scale(int64_t amount, int64_t num, int64_t den) {
  int64_t out = 0x5a5a5a5a;
  gsz_err err = gsz_money_scale(&out, amount, num, den, NULL);
  if (den <= 0) {
    FUZZ_CHECK(err == GSZ_EINVAL && out == 0x5a5a5a5a);
    return;
  }
  unsigned __int128 p = (unsigned __int128)magnitude(amount) * magnitude(num);
  bool negative = p != 0 && ((amount < 0) != (num < 0));
  unsigned __int128 q = p / (uint64_t)den, r = p % (uint64_t)den;
  if (2 * r > (uint64_t)den || (2 * r == (uint64_t)den && (q & 1) != 0))
    q++;
  bool fits = negative ? q <= (unsigned __int128)INT64_MAX + 1 : q <= INT64_MAX;
  if (!fits) {
    FUZZ_CHECK(err == GSZ_EOVERFLOW && out == 0x5a5a5a5a);
    return;
  }
  FUZZ_CHECK(err == GSZ_OK);
  int64_t want = negative ? (int64_t)(0 - (uint64_t)q) : (int64_t)q;
  FUZZ_CHECK(out == want);
  /* Within half a unit: |out x den - amount x num| x 2 <= den. */
  __int128 diff = (__int128)out * den - (__int128)amount * num;
  if (diff < 0)
    diff = -diff;
  FUZZ_CHECK(diff * 2 <= den);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0 || size > 4096)
    return 0;
  unsigned digits = data[0] >= '0' && data[0] <= '9' ? (unsigned)(data[0] - '0') : data[0] % 64u;
  data++;
  size--;

  size_t len;
  char *text = field(data, size, 0, &len);
  if (text == NULL)
    return 0;
  int64_t amount = -1;
  gsz_err err = gsz_money_parse(&amount, text, digits, NULL);
  FUZZ_CHECK(err == GSZ_OK || err == GSZ_EPARSE || err == GSZ_EOVERFLOW);
  if (err == GSZ_OK) {
    FUZZ_CHECK(amount >= 0);
    /* Round trip through both forms. */
    char *s = malloc(digits + 64), *g = malloc(digits + 64);
    if (s != NULL && g != NULL) {
      gsz_money_format(s, digits + 64, amount, digits, false);
      gsz_money_format(g, digits + 64, amount, digits, true);
      int64_t back = -1;
      FUZZ_CHECK(gsz_money_parse(&back, s, digits, NULL) == GSZ_OK && back == amount);
      size_t k = 0;
      for (const char *q = g; *q; q++)
        if (*q != ',')
          g[k++] = *q;
      g[k] = '\0';
      FUZZ_CHECK(strcmp(g, s) == 0);
    }
    free(s);
    free(g);
  }
  free(text);

  int64_t num = field_int(data, size, 1, amount);
  int64_t den = field_int(data, size, 2, 100);
  check_format(amount, digits, false);
  check_format(amount, digits, true);
  check_format(num, digits, true);
  check_format(den, digits, false);
  check_scale(amount, num, den);
  check_scale(num, amount, den);
  check_scale(num, den, 1000000);
  check_scale(num, -1, 1);
  check_scale(den, num, 3);
  return 0;
}
