/* test_parse.c: exact number parsing: counts ("7B", "0.5B", "7e9"), plain
 * integers and fixed-point decimals, and every malformed form refused with
 * the right code. */
#include "testutil.h"

#include "gpusizer/parse.h"

#include <string.h>

typedef struct count_case {
  const char *text;
  gsz_err err;
  uint64_t value;
} count_case;

static void test_parse_count_accepts_and_refuses_by_table(void **state) {
  (void)state;
  static const count_case cases[] = {
      {"7B", GSZ_OK, 7000000000ull},
      {"7b", GSZ_OK, 7000000000ull},
      {"0.5B", GSZ_OK, 500000000ull},
      {"500M", GSZ_OK, 500000000ull},
      {"1.5K", GSZ_OK, 1500},
      {"70G", GSZ_OK, 70000000000ull},
      {"1.2T", GSZ_OK, 1200000000000ull},
      {"7e9", GSZ_OK, 7000000000ull},
      {"7E9", GSZ_OK, 7000000000ull},
      {"6.738415616e9", GSZ_OK, 6738415616ull},
      {"6738415616", GSZ_OK, 6738415616ull},
      {"0.0000000001T", GSZ_OK, 100},
      {"18446744073709551615", GSZ_OK, UINT64_MAX},
      {"18446744073709551616", GSZ_EOVERFLOW, 0},
      {"1e400", GSZ_EOVERFLOW, 0},
      {"1e19", GSZ_OK, 10000000000000000000ull},
      {"1e20", GSZ_EOVERFLOW, 0},
      {"0", GSZ_EINVAL, 0},
      {"0B", GSZ_EINVAL, 0},
      {"1.5", GSZ_EINVAL, 0},
      {"0.5", GSZ_EINVAL, 0},
      {"7X", GSZ_EPARSE, 0},
      {"", GSZ_EPARSE, 0},
      {"-1", GSZ_EPARSE, 0},
      {"+7", GSZ_EPARSE, 0},
      {"nan", GSZ_EPARSE, 0},
      {"inf", GSZ_EPARSE, 0},
      {"1.2.3", GSZ_EPARSE, 0},
      {".5B", GSZ_EPARSE, 0},
      {"7.B", GSZ_EPARSE, 0},
      {"7 B", GSZ_EPARSE, 0},
      {"7BB", GSZ_EPARSE, 0},
      {"1e", GSZ_EPARSE, 0},
      {"1e-3", GSZ_EPARSE, 0},
      {"0x10", GSZ_EPARSE, 0},
      /* Overflow in the last digit's addition, and digits after it. */
      {"184467440737095516150", GSZ_EOVERFLOW, 0},
      {"18446744073709551620", GSZ_EOVERFLOW, 0}, /* in the multiplication */
      {"1844674407370955161500", GSZ_EOVERFLOW, 0},
      {"1.844674407370955161512e21", GSZ_EOVERFLOW, 0},
      {"1.8446744073709551620e19", GSZ_EOVERFLOW, 0},
      /* The same in the fraction: 18446744073709551616 does not fit. */
      {"1.8446744073709551616e19", GSZ_EOVERFLOW, 0},
      {"1.8446744073709551615e19", GSZ_OK, UINT64_MAX},
      {"1.84467440737095516151e20", GSZ_EOVERFLOW, 0},
      /* An exponent past 2^32 saturates, still too large; 2e19 fits the
       * power of ten but not the product. */
      {"1e99999999999999", GSZ_EOVERFLOW, 0},
      {"2e19", GSZ_EOVERFLOW, 0},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    uint64_t v = 12345;
    gsz_diag diag;
    gsz_diag_clear(&diag);
    gsz_err err = gsz_parse_count(&v, cases[i].text, &diag);
    if (err != cases[i].err)
      fail_msg("'%s': expected %s, got %s (%s)", cases[i].text, gsz_err_name(cases[i].err),
               gsz_err_name(err), diag.message);
    if (err == GSZ_OK)
      assert_int_equal(v, cases[i].value);
    else
      assert_int_equal(v, 12345); /* untouched on failure */
  }
}

static void test_parse_count_message_names_the_text(void **state) {
  (void)state;
  gsz_diag diag;
  uint64_t v;
  assert_int_equal(gsz_parse_count(&v, "7X", &diag), GSZ_EPARSE);
  assert_true(tu_contains(diag.message, "'7X'"));
  assert_true(tu_contains(diag.message, "suffix"));
  assert_int_equal(gsz_parse_count(&v, "1e400", &diag), GSZ_EOVERFLOW);
  assert_true(tu_contains(diag.message, "too large"));
  /* No text at all (a flag given no value) is malformed, not a crash. */
  assert_int_equal(gsz_parse_count(&v, NULL, &diag), GSZ_EPARSE);
  assert_string_equal(diag.message, "expected a number such as 7B, 500M or 6738415616");
  assert_int_equal(gsz_parse_uint(&v, NULL, 0, 10, &diag), GSZ_EPARSE);
  assert_string_equal(diag.message, "'' is not a whole number");
  int64_t f;
  assert_int_equal(gsz_parse_fixed(&f, NULL, 2, false, &diag), GSZ_EPARSE);
  assert_string_equal(diag.message, "expected a decimal number");
  /* An upper-case exponent is named as an exponent, like a lower-case one. */
  assert_int_equal(gsz_parse_fixed(&f, "1E3", 2, false, &diag), GSZ_EPARSE);
  assert_string_equal(diag.message,
                      "'1E3' is not a plain decimal number (exponents are not accepted)");
}

static void test_parse_uint_ranges(void **state) {
  (void)state;
  uint64_t v = 0;
  assert_int_equal(gsz_parse_uint(&v, "8192", 1, 100000, NULL), GSZ_OK);
  assert_int_equal(v, 8192);
  assert_int_equal(gsz_parse_uint(&v, "0", 1, 10, NULL), GSZ_EINVAL);
  assert_int_equal(gsz_parse_uint(&v, "11", 1, 10, NULL), GSZ_EOVERFLOW);
  assert_int_equal(gsz_parse_uint(&v, "-1", 1, 10, NULL), GSZ_EPARSE);
  assert_int_equal(gsz_parse_uint(&v, "1.0", 1, 10, NULL), GSZ_EPARSE);
  assert_int_equal(gsz_parse_uint(&v, "1e3", 1, 10000, NULL), GSZ_EPARSE);
  assert_int_equal(gsz_parse_uint(&v, "", 0, 10, NULL), GSZ_EPARSE);
  assert_int_equal(gsz_parse_uint(&v, "99999999999999999999999", 0, UINT64_MAX, NULL),
                   GSZ_EOVERFLOW);
}

typedef struct fixed_case {
  const char *text;
  unsigned scale;
  bool negative_ok;
  gsz_err err;
  int64_t value;
} fixed_case;

static void test_parse_fixed_by_table(void **state) {
  (void)state;
  static const fixed_case cases[] = {
      {"12.5", 2, false, GSZ_OK, 1250},
      {"27500.00", 2, false, GSZ_OK, 2750000},
      {"27500", 2, false, GSZ_OK, 2750000},
      {"0.90", 4, false, GSZ_OK, 9000},
      {"1.000", 2, false, GSZ_OK, 100},
      {"1.005", 2, false, GSZ_EPARSE, 0},
      {"12,50", 2, false, GSZ_EPARSE, 0},
      {"1e3", 2, false, GSZ_EPARSE, 0},
      {"-5", 2, false, GSZ_EPARSE, 0},
      {"-5", 2, true, GSZ_OK, -500},
      {"9223372036854775807", 0, false, GSZ_OK, INT64_MAX},
      {"9223372036854775808", 0, false, GSZ_EOVERFLOW, 0},
      {"92233720368547758.07", 2, false, GSZ_OK, INT64_MAX},
      {"92233720368547758.08", 2, false, GSZ_EOVERFLOW, 0},
      {"", 2, false, GSZ_EPARSE, 0},
      {".5", 2, false, GSZ_EPARSE, 0},
      {"5.", 2, false, GSZ_EPARSE, 0},
      {" 5", 2, false, GSZ_EPARSE, 0},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    int64_t v = 777;
    gsz_diag diag;
    gsz_err err = gsz_parse_fixed(&v, cases[i].text, cases[i].scale, cases[i].negative_ok, &diag);
    if (err != cases[i].err)
      fail_msg("'%s': expected %s, got %s", cases[i].text, gsz_err_name(cases[i].err),
               gsz_err_name(err));
    assert_int_equal(v, err == GSZ_OK ? cases[i].value : 777);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_parse_count_accepts_and_refuses_by_table),
      cmocka_unit_test(test_parse_count_message_names_the_text),
      cmocka_unit_test(test_parse_uint_ranges),
      cmocka_unit_test(test_parse_fixed_by_table),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
