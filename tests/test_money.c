/* test_money.c: money is integer minor units: parsing refuses what is not
 * exact, printing is exact at the limits and never uses the locale. */
#include "testutil.h"

#include "gpusizer/money.h"

#include <string.h>

static void test_money_format_by_table(void **state) {
  (void)state;
  static const struct {
    int64_t minor;
    unsigned digits;
    bool grouping;
    const char *text;
  } cases[] = {
      {0, 2, true, "0.00"},
      {5, 2, true, "0.05"},
      {-5, 2, true, "-0.05"},
      {2750000, 2, true, "27,500.00"},
      {2750000, 2, false, "27500.00"},
      {123456789, 0, true, "123,456,789"},
      {1234, 3, true, "1.234"},
      {100000, 2, true, "1,000.00"},
      {99999, 2, true, "999.99"},
      {INT64_MAX, 2, true, "92,233,720,368,547,758.07"},
      {INT64_MIN, 2, true, "-92,233,720,368,547,758.08"},
      {INT64_MIN, 0, false, "-9223372036854775808"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char buf[64];
    size_t n =
        gsz_money_format(buf, sizeof buf, cases[i].minor, cases[i].digits, cases[i].grouping);
    assert_string_equal(buf, cases[i].text);
    assert_int_equal(n, strlen(cases[i].text));
  }
}

static void test_money_format_truncates_safely(void **state) {
  (void)state;
  char buf[5];
  size_t n = gsz_money_format(buf, sizeof buf, 2750000, 2, true);
  assert_int_equal(n, 9);
  assert_string_equal(buf, "27,5");
}

static void test_money_parse_uses_currency_digits(void **state) {
  (void)state;
  int64_t v;
  assert_int_equal(gsz_money_parse(&v, "27500.00", 2, NULL), GSZ_OK);
  assert_int_equal(v, 2750000);
  assert_int_equal(gsz_money_parse(&v, "1500", 0, NULL), GSZ_OK); /* JPY */
  assert_int_equal(v, 1500);
  assert_int_equal(gsz_money_parse(&v, "1500.5", 0, NULL), GSZ_EPARSE);
  assert_int_equal(gsz_money_parse(&v, "1.005", 2, NULL), GSZ_EPARSE);
  assert_int_equal(gsz_money_parse(&v, "-1.00", 2, NULL), GSZ_EPARSE);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_money_format_by_table),
      cmocka_unit_test(test_money_format_truncates_safely),
      cmocka_unit_test(test_money_parse_uses_currency_digits),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
