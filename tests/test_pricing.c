/* test_pricing.c: the pricing overlay: the worked example of
 * docs/pricing.md to the cent, several currencies, half-even rounding at
 * the half, INT64 limits, merge order, every error with its line and
 * column, exclusions, and hostile YAML refused fast. */
#include "testutil.h"

#include "gpusizer/gpusizer.h"
#include "util/yaml_tree_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static gsz_catalog *catalog;
static const gsz_catalog_data *data;

static int setup(void **state) {
  (void)state;
  if (gsz_catalog_open(&catalog, NULL, NULL) != GSZ_OK)
    return -1;
  data = gsz_catalog_get(catalog);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  gsz_catalog_free(catalog);
  return 0;
}

static const gsz_overlay_options today = {"2026-11-26", false};

static gsz_err load(gsz_overlay **ov, const char *yaml, gsz_diag *diag) {
  const char *texts[] = {yaml};
  size_t lens[] = {strlen(yaml)};
  const char *labels[] = {"p.yaml"};
  return gsz_overlay_parse(ov, texts, lens, labels, 1, data, &today, diag);
}

static gsz_overlay *load_ok(const char *yaml) {
  gsz_overlay *ov = NULL;
  gsz_diag diag;
  gsz_diag_clear(&diag);
  if (load(&ov, yaml, &diag) != GSZ_OK)
    fail_msg("overlay: %s", diag.message);
  return ov;
}

static gsz_price price_of(const gsz_overlay *ov, const char *gpu, const char *server,
                          uint32_t per_node, uint32_t nodes) {
  gsz_pricer p;
  gsz_overlay_pricer(&p, ov);
  gsz_price out;
  memset(&out, 0, sizeof out);
  memcpy(out.currency, p.currency, 4);
  gsz_diag diag;
  const gsz_gpu *g = gsz_catalog_find_gpu(data, gpu);
  const gsz_server *s = gsz_catalog_find_server(data, server);
  assert_non_null(g);
  assert_non_null(s);
  if (tu_price(&p, data, g, s, per_node, nodes, true, &out, &diag) != GSZ_OK)
    fail_msg("price: %s", diag.message);
  return out;
}

/* docs/pricing.md, "Worked example". */
static const char *const worked_example =
    "currency: EUR\n"
    "fx:\n"
    "  USD: \"0.92\"\n"
    "valid_until: 2027-03-31\n"
    "prices:\n"
    "  gpu:\n"
    "    L40S: {amount: \"8750.00\", currency: USD}\n"
    "  server:\n"
    "    SYS-421GE-TNRT: {amount: \"20000.00\", currency: USD}\n"
    "discounts:\n"
    "  - match: {vendor: NVIDIA}\n"
    "    percent: \"5\"\n"
    "  - match: {sku: L40S}\n"
    "    min_qty: 8\n"
    "    percent: \"10\"\n"
    "markup_percent: \"12.5\"\n"
    "adders:\n"
    "  - {name: \"3-year support\", per: node, amount: \"1200.00\", currency: USD}\n"
    "  - {name: installation, per: quote, amount: \"500.00\"}\n"
    "tax_percent: \"19\"\n";

static void test_worked_example_matches_the_hand_computation(void **state) {
  (void)state;
  gsz_overlay *ov = load_ok(worked_example);
  gsz_price p = price_of(ov, "L40S", "SYS-421GE-TNRT", 8, 1);
  static const struct {
    gsz_line_kind kind;
    uint64_t qty;
    int64_t unit, amount;
  } want[] = {
      {GSZ_LINE_SERVER, 1, 1840000, 1840000},   /* 20,000.00 USD x 0.92 */
      {GSZ_LINE_MARKUP, 0, 1840000, 230000},    /* 12.5% */
      {GSZ_LINE_GPU, 8, 805000, 6440000},       /* 8,750.00 USD x 0.92 = 8,050.00 EUR */
      {GSZ_LINE_DISCOUNT, 0, 6440000, -322000}, /* 5% NVIDIA */
      {GSZ_LINE_DISCOUNT, 0, 6118000, -611800}, /* 10% from 8 L40S */
      {GSZ_LINE_MARKUP, 0, 5506200, 688275},    /* 12.5% of 55,062.00 */
      {GSZ_LINE_ADDER, 1, 110400, 110400},      /* 1,200.00 USD x 0.92 per node */
      {GSZ_LINE_ADDER, 1, 50000, 50000},        /* 500.00 EUR per quote */
      {GSZ_LINE_TAX, 0, 8424875, 1600726},      /* 19% of 84,248.75 = 16,007.2625 -> .26 */
  };
  assert_int_equal(p.n_lines, sizeof want / sizeof want[0]);
  for (size_t i = 0; i < p.n_lines; i++) {
    assert_int_equal(p.lines[i].kind, want[i].kind);
    assert_int_equal(p.lines[i].quantity, want[i].qty);
    assert_int_equal(p.lines[i].unit_minor, want[i].unit);
    assert_int_equal(p.lines[i].amount_minor, want[i].amount);
  }
  assert_int_equal(p.total_minor, 10025601); /* 100,256.01 EUR */
  /* Seven GPUs are below the tier: no 10% line. */
  p = price_of(ov, "L40S", "SYS-421GE-TNRT", 7, 1);
  for (size_t i = 0; i < p.n_lines; i++)
    assert_false(p.lines[i].kind == GSZ_LINE_DISCOUNT && p.lines[i].amount_minor == -611800);
  assert_string_equal(gsz_overlay_currency(ov), "EUR");
  assert_string_equal(gsz_overlay_valid_until(ov), "2027-03-31");
  assert_true(tu_contains(gsz_overlay_describe(ov), "p.yaml (EUR, valid until 2027-03-31)"));
  gsz_overlay_free(ov);
}

static void test_currencies_with_other_minor_digits(void **state) {
  (void)state;
  /* JPY has no minor unit: 25,000.00 USD x 150.25 = 3,756,250 JPY exactly. */
  gsz_overlay *ov = load_ok("currency: JPY\nfx: {USD: \"150.25\"}\n");
  gsz_effective_price e;
  gsz_overlay_unit_price(&e, ov, "gpu",
                         (size_t)(gsz_catalog_find_gpu(data, "H100-SXM5-80GB") - data->gpus));
  assert_true(e.priced);
  assert_int_equal(e.source_minor, 2500000);
  assert_int_equal(e.unit_minor, 3756250);
  gsz_overlay_free(ov);
  /* BHD has three: 1 USD = 0.376 BHD; 25,000.00 USD = 9,400.000 BHD. */
  ov = load_ok("currency: BHD\nfx: {USD: \"0.376\"}\n");
  gsz_overlay_unit_price(&e, ov, "gpu",
                         (size_t)(gsz_catalog_find_gpu(data, "H100-SXM5-80GB") - data->gpus));
  assert_int_equal(e.unit_minor, 9400000);
  gsz_overlay_free(ov);
}

static void test_rounding_is_half_even_at_the_half(void **state) {
  (void)state;
  static const struct {
    int64_t amount, num, den, want;
  } cases[] = {
      {5, 1, 10, 0},    {15, 1, 10, 2},   {25, 1, 10, 2}, {35, 1, 10, 4}, {-5, 1, 10, 0},
      {-15, 1, 10, -2}, {-25, 1, 10, -2}, {26, 1, 10, 3}, {24, 1, 10, 2}, {1, 1, 2, 0},
      {3, 1, 2, 2},     {-3, 1, 2, -2},   {7, 3, 1, 21},  {0, 5, 7, 0},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    int64_t out = 99;
    assert_int_equal(gsz_money_scale(&out, cases[i].amount, cases[i].num, cases[i].den, NULL),
                     GSZ_OK);
    if (out != cases[i].want)
      fail_msg("%lld x %lld / %lld = %lld, want %lld", (long long)cases[i].amount,
               (long long)cases[i].num, (long long)cases[i].den, (long long)out,
               (long long)cases[i].want);
  }
  /* A converted price exactly at half a cent: 0.05 USD x 0.9 = 0.045 EUR -> 0.04. */
  gsz_overlay *ov = load_ok("currency: EUR\nfx: {USD: \"0.9\"}\n"
                            "prices: {gpu: {L4: {amount: \"0.05\", currency: USD}}}\n");
  gsz_effective_price e;
  gsz_overlay_unit_price(&e, ov, "gpu", (size_t)(gsz_catalog_find_gpu(data, "L4") - data->gpus));
  assert_int_equal(e.unit_minor, 4);
  gsz_overlay_free(ov);
}

static void test_int64_limits(void **state) {
  (void)state;
  int64_t out = 7;
  gsz_diag diag;
  assert_int_equal(gsz_money_scale(&out, INT64_MAX, 2, 1, &diag), GSZ_EOVERFLOW);
  assert_int_equal(out, 7);
  assert_int_equal(gsz_money_scale(&out, INT64_MAX, 1, 1, NULL), GSZ_OK);
  assert_int_equal(out, INT64_MAX);
  assert_int_equal(gsz_money_scale(&out, INT64_MIN, 1, 1, NULL), GSZ_OK);
  assert_int_equal(gsz_money_scale(&out, INT64_MIN, -1, 1, NULL), GSZ_EOVERFLOW);
  assert_int_equal(gsz_money_scale(&out, 1, 1, 0, &diag), GSZ_EINVAL); /* no division by 0 */
  assert_true(tu_contains(diag.message, "non-positive denominator"));
  assert_int_equal(gsz_money_scale(&out, 1, 1, -3, &diag), GSZ_EINVAL);
  /* The largest price parses; one cent more is refused at its line. */
  gsz_overlay *ov = load_ok("prices: {gpu: {L4: {amount: \"92233720368547758.07\"}}}\n");
  gsz_pricer p;
  gsz_overlay_pricer(&p, ov);
  gsz_price pr;
  memset(&pr, 0, sizeof pr);
  assert_int_equal(tu_price(&p, data, gsz_catalog_find_gpu(data, "L4"),
                            gsz_catalog_find_server(data, "SYS-322GB-NR"), 2, 1, true, &pr, &diag),
                   GSZ_EOVERFLOW);
  gsz_overlay_free(ov);
  assert_int_equal(load(&ov, "prices: {gpu: {L4: {amount: \"92233720368547758.08\"}}}\n", &diag),
                   GSZ_EOVERFLOW);
  assert_true(tu_contains(diag.message, "p.yaml:1:29:"));
}

static void test_later_files_override_key_by_key(void **state) {
  (void)state;
  const char *a = "currency: EUR\nfx: {USD: \"0.90\"}\nmarkup_percent: \"10\"\n"
                  "discounts:\n  - {match: {vendor: NVIDIA}, percent: \"5\"}\n"
                  "prices: {gpu: {L4: {amount: \"3000.00\", currency: USD}}}\n";
  const char *b = "fx: {GBP: \"1.15\"}\nmarkup_percent: \"20\"\ndiscounts: []\n"
                  "prices: {gpu: {L4: {amount: \"2000.00\"}}}\n";
  const char *texts[] = {a, b};
  size_t lens[] = {strlen(a), strlen(b)};
  const char *labels[] = {"a.yaml", "b.yaml"};
  gsz_overlay *ov = NULL;
  gsz_diag diag;
  assert_int_equal(gsz_overlay_parse(&ov, texts, lens, labels, 2, data, &today, &diag), GSZ_OK);
  size_t l4 = (size_t)(gsz_catalog_find_gpu(data, "L4") - data->gpus);
  gsz_effective_price e;
  gsz_overlay_unit_price(&e, ov, "gpu", l4);
  /* The amount came from b, the currency (USD) from a: maps merge. */
  assert_int_equal(e.source_minor, 200000);
  assert_string_equal(e.source_currency, "USD");
  assert_int_equal(e.unit_minor, 180000);
  assert_true(tu_contains(e.origin, "b.yaml:4:"));
  /* Lists and values replace: no discount, 20% markup. */
  gsz_price p = price_of(ov, "L4", "SYS-322GB-NR", 1, 1);
  bool markup20 = false;
  for (size_t i = 0; i < p.n_lines; i++) {
    assert_int_not_equal(p.lines[i].kind, GSZ_LINE_DISCOUNT);
    markup20 |= p.lines[i].kind == GSZ_LINE_MARKUP && tu_contains(p.lines[i].item, "20%");
  }
  assert_true(markup20);
  assert_int_equal(gsz_overlay_file_count(ov), 2);
  gsz_overlay_free(ov);
}

static gsz_err load_two(gsz_overlay **ov, const char *a, const char *b, gsz_diag *diag) {
  const char *texts[] = {a, b};
  size_t lens[] = {strlen(a), strlen(b)};
  const char *labels[] = {"a.yaml", "b.yaml"};
  return gsz_overlay_parse(ov, texts, lens, labels, 2, data, &today, diag);
}

/* A later file does not revive an expired one; the overlay is valid until
 * the earliest date; a rate for the new quote currency is moot. */
static void test_each_file_answers_for_its_own_validity(void **state) {
  (void)state;
  gsz_overlay *ov = NULL;
  gsz_diag diag;
  assert_int_equal(load_two(&ov, "valid_until: 2020-01-01\n", "valid_until: 2030-01-01\n", &diag),
                   GSZ_EEXPIRED);
  assert_true(tu_contains(diag.message, "a.yaml:1:14: the overlay expired on 2020-01-01"));
  assert_int_equal(load_two(&ov, "valid_until: 2028-01-01\n", "valid_until: 2027-06-30\n", &diag),
                   GSZ_OK);
  assert_string_equal(gsz_overlay_valid_until(ov), "2027-06-30");
  gsz_overlay_free(ov);
  assert_int_equal(load_two(&ov, "currency: USD\nfx: {EUR: \"1.08\"}\n",
                            "currency: EUR\nfx: {USD: \"0.92\"}\n", &diag),
                   GSZ_OK);
  assert_string_equal(gsz_overlay_currency(ov), "EUR");
  gsz_overlay_free(ov);
}

static void test_every_error_names_file_line_and_column(void **state) {
  (void)state;
  static const struct {
    const char *yaml;
    gsz_err err;
    const char *says;
  } cases[] = {
      {"markup_precent: \"5\"\n", GSZ_EINVAL,
       "p.yaml:1:1: unknown key 'markup_precent'; did you mean 'markup_percent'?"},
      {"currency: EUR\nfx: {USD: 0.9}\nprices: {gpus: {}}\n", GSZ_EINVAL,
       "p.yaml:3:10: unknown key 'gpus' in prices; did you mean 'gpu'?"},
      {"tax_percent: [1]\n", GSZ_EINVAL, "p.yaml:1:14: 'tax_percent' must be a value, not a list"},
      {"currency: EUR\ncurrency: USD\n", GSZ_EPARSE,
       "p.yaml:2:1: duplicate key 'currency' (first at line 1)"},
      {"prices: {gpu: {H100-SXM5-80G: {amount: \"1\"}}}\n", GSZ_EINVAL,
       "p.yaml:1:16: prices: unknown gpu SKU 'H100-SXM5-80G'"},
      {"discounts:\n  - {match: {vendor: ACME}, percent: 5}\n", GSZ_EINVAL,
       "p.yaml:2:22: match: unknown vendor 'ACME'"},
      {"currency: EUR\n", GSZ_EINVAL,
       "p.yaml:1:11: catalog prices are in USD but the quote is in EUR and fx has no USD rate"},
      {"prices: {gpu: {L4: {amount: \"100\", currency: GBP}}}\n", GSZ_EINVAL,
       "p.yaml:1:46: currency GBP has no exchange rate to the quote currency USD"},
      {"prices: {gpu: {L4: {amount: 1e3}}}\n", GSZ_EPARSE,
       "p.yaml:1:29: 'amount': '1e3' is not a plain decimal number"},
      {"prices: {gpu: {L4: {amount: \"1.005\"}}}\n", GSZ_EPARSE,
       "p.yaml:1:29: 'amount': '1.005' has more than 2 decimal places"},
      {"prices: {gpu: {L4: {amount: \"12,50\"}}}\n", GSZ_EPARSE,
       "p.yaml:1:29: 'amount': '12,50' is not a decimal number"},
      {"prices: {gpu: {L4: {amount: \"-5\"}}}\n", GSZ_EPARSE,
       "p.yaml:1:29: 'amount': '-5' must not be negative"},
      {"prices: {gpu: {L4: {currency: USD}}}\n", GSZ_EINVAL, "p.yaml:1:20: L4: missing 'amount'"},
      {"valid_until: 2026-11-25\n", GSZ_EEXPIRED,
       "p.yaml:1:14: the overlay expired on 2026-11-25 (today is 2026-11-26)"},
      {"valid_until: 2027-02-30\n", GSZ_EPARSE,
       "p.yaml:1:14: valid_until: '2027-02-30' is not a date"},
      {"currency: XYZ\n", GSZ_EINVAL, "p.yaml:1:11: 'currency': unknown currency 'XYZ'"},
      {"exclude: [NOPE]\n", GSZ_EINVAL, "p.yaml:1:11: exclude: unknown GPU or server SKU 'NOPE'"},
      {"discounts:\n  - {match: {kind: cpu}, percent: 5}\n", GSZ_EINVAL,
       "p.yaml:2:20: match: kind must be gpu, server, nic, switch or cable, not 'cpu'"},
      {"discounts:\n  - {match: {kind: gpu}, percent: 150}\n", GSZ_EINVAL,
       "p.yaml:2:35: percent: a discount above 100%"},
      {"adders:\n  - {name: x, per: rack, amount: 1}\n", GSZ_EINVAL,
       "p.yaml:2:20: per: expected node, gpu or quote"},
      {"fx: {EUR: \"0\"}\n", GSZ_EINVAL,
       "p.yaml:1:11: fx: the rate for EUR must be greater than 0"},
      {"- just\n- a list\n", GSZ_EPARSE, "p.yaml:1:1: expected a mapping of pricing keys"},
      {"", GSZ_EPARSE, "p.yaml:1:1: the file is empty"},
      {"prices: {gpu: [\n", GSZ_EPARSE, "p.yaml:2:1: not valid YAML"},
      {"\x01\x02\x03 binary", GSZ_EPARSE, "p.yaml:1:1: not valid YAML"},
      {"a: &anchor 1\nb: *anchor\n", GSZ_EPARSE, "p.yaml:1:4: anchors (&anchor) are not accepted"},
      {"a: !!binary aGVsbG8=\n", GSZ_EPARSE,
       "p.yaml:1:4: tags (tag:yaml.org,2002:binary) are not accepted"},
      {"prices: {gpu: {H100: {amount: \"1\"}, H100-SXM5-80GB: {amount: \"2\"}}}\n", GSZ_EINVAL,
       "p.yaml:1:37: prices: 'H100-SXM5-80GB' is priced twice"},
      {"currency: EUR\nfx: {USD: \"100\"}\nprices: {gpu: {L4: {amount: \"90000000000000000.00\", "
       "currency: USD}}}\n",
       GSZ_EOVERFLOW, "p.yaml:3:29: 'amount': converted to EUR it does not fit 64-bit minor units"},
      {"fx: {ZZZ: \"1\"}\n", GSZ_EINVAL, "p.yaml:1:6: fx: unknown currency 'ZZZ'"},
      {"fx: {EUR: \"99999999999999999999\"}\n", GSZ_EOVERFLOW,
       "p.yaml:1:11: 'fx': '99999999999999999999' is too large"},
      {"fx: {EUR: \"0.0000000000001\"}\n", GSZ_EPARSE,
       "p.yaml:1:11: 'fx': '0.0000000000001' has more than 9 decimal places"},
      {"discounts:\n  - {percent: 5}\n", GSZ_EINVAL,
       "p.yaml:2:5: a discount needs 'match: {vendor | sku | kind: ...}'"},
      {"discounts:\n  - {match: {kind: gpu}}\n", GSZ_EINVAL,
       "p.yaml:2:5: a discount needs 'percent' (such as \"5\")"},
      {"discounts:\n  - {match: {sku: NOPE}, percent: 5}\n", GSZ_EINVAL,
       "p.yaml:2:19: match: unknown GPU or server SKU 'NOPE'"},
      {"discounts:\n  - {match: {kind: gpu}, percent: 5, from_units: 0}\n", GSZ_EINVAL,
       "p.yaml:2:38: unknown key 'from_units' in a discount (expected one of: match, percent, "
       "min_qty)"},
      {"discounts: {a: 1}\n", GSZ_EINVAL, "p.yaml:1:12: 'discounts' must be a list, not a mapping"},
      {"adders:\n  - {name: x}\n", GSZ_EINVAL,
       "p.yaml:2:5: an adder needs name, per (node, gpu or quote) and amount"},
      {"adders: {a: 1}\n", GSZ_EINVAL, "p.yaml:1:9: 'adders' must be a list, not a mapping"},
      {"currency: EUR\nfx: {USD: \"100\"}\nadders:\n  - {name: x, per: quote, amount: "
       "\"90000000000000000.00\", currency: USD}\n",
       GSZ_EOVERFLOW, "p.yaml:4:35: 'amount': converted to EUR it does not fit 64-bit minor units"},
      {"markup_percent: \"100000\"\n", GSZ_EINVAL, "p.yaml:1:17: markup_percent: above 1000%"},
      {"tax_percent: \"-1\"\n", GSZ_EPARSE,
       "p.yaml:1:14: 'tax_percent': '-1' must not be negative"},
      {"prices: {gpu: {L4: {amount: \"1\", currency: ZZZ}}}\n", GSZ_EINVAL,
       "p.yaml:1:44: 'currency': unknown currency 'ZZZ'"},
      {"prices: {server: {NOPE: {amount: \"1\"}}}\n", GSZ_EINVAL,
       "p.yaml:1:19: prices: unknown server SKU 'NOPE'"},
      {"prices: [1]\n", GSZ_EINVAL,
       "p.yaml:1:9: 'prices' must be a mapping (key: value lines), not a list"},
      {"valid_until: [1]\n", GSZ_EINVAL, "p.yaml:1:14: 'valid_until' must be a value, not a list"},
      {"exclude: NOPE\n", GSZ_EINVAL, "p.yaml:1:10: 'exclude' must be a list, not a value"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    gsz_overlay *ov = NULL;
    gsz_diag diag;
    gsz_diag_clear(&diag);
    gsz_err err = load(&ov, cases[i].yaml, &diag);
    if (err != cases[i].err || !tu_contains(diag.message, cases[i].says))
      fail_msg("case %zu: got %s '%s'\n  want %s '%s'", i, gsz_err_name(err), diag.message,
               gsz_err_name(cases[i].err), cases[i].says);
    assert_null(ov);
  }
}

static void test_hostile_yaml_fails_fast(void **state) {
  (void)state;
  /* The billion-laughs alias bomb: refused at the first anchor. */
  const char *bomb =
      "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
      "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n";
  /* 100,000 levels of nesting; and 2 MiB of text. */
  size_t deep_len = 200000;
  char *deep = malloc(deep_len + 1);
  memset(deep, '[', deep_len / 2);
  memset(deep + deep_len / 2, ']', deep_len / 2);
  deep[deep_len] = '\0';
  size_t big_len = 2u << 20;
  char *big = malloc(big_len + 1);
  memset(big, '#', big_len);
  big[big_len] = '\0';
  struct {
    const char *text;
    gsz_err err;
    const char *says;
  } cases[] = {{bomb, GSZ_EPARSE, "anchors"},
               {deep, GSZ_ELIMIT, "nested deeper than 32 levels"},
               {big, GSZ_ELIMIT, "larger than 1024 KiB"}};
  for (size_t i = 0; i < 3; i++) {
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    gsz_overlay *ov = NULL;
    gsz_diag diag;
    gsz_err err = load(&ov, cases[i].text, &diag);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    assert_int_equal(err, cases[i].err);
    assert_true(tu_contains(diag.message, cases[i].says));
    /* "Fails in milliseconds": a generous bound, not a benchmark. */
    double ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
    assert_true(ms < 500);
  }
  free(deep);
  free(big);
}

static void test_exclusions_reach_the_matcher(void **state) {
  (void)state;
  gsz_overlay *ov = load_ok("exclude: [RTX-4090, LAMBDA-VECTOR]\n");
  gsz_pricer p;
  gsz_overlay_pricer(&p, ov);
  assert_true(p.excluded(p.ctx, GSZ_ITEM_GPU,
                         (size_t)gsz_catalog_find_item(data, GSZ_ITEM_GPU, "RTX-4090")));
  assert_true(p.excluded(p.ctx, GSZ_ITEM_SERVER,
                         (size_t)gsz_catalog_find_item(data, GSZ_ITEM_SERVER, "LAMBDA-VECTOR")));
  assert_false(
      p.excluded(p.ctx, GSZ_ITEM_GPU, (size_t)gsz_catalog_find_item(data, GSZ_ITEM_GPU, "L4")));
  gsz_model_ref m;
  assert_int_equal(gsz_model_ref_from_arch(&m, gsz_catalog_find_model(data, "llama-3-8b"), NULL),
                   GSZ_OK);
  gsz_workload w;
  assert_int_equal(gsz_workload_defaults(&w, data, GSZ_MODE_INFERENCE, NULL), GSZ_OK);
  gsz_match_options o;
  gsz_match_options_init(&o);
  o.top = 0;
  gsz_match_result *res = NULL;
  assert_int_equal(gsz_match_run(&res, data, &m, &w, &o, &p, NULL), GSZ_OK);
  assert_true(res->found);
  assert_string_not_equal(res->best.server->sku, "LAMBDA-VECTOR");
  bool excluded = false;
  for (size_t i = 0; i < res->n_rejected; i++)
    if (strcmp(res->rejected[i].gpu->sku, "RTX-4090") == 0)
      excluded = res->rejected[i].reasons[0].code == GSZ_REASON_EXCLUDED;
  assert_true(excluded);
  gsz_match_result_free(res);
  gsz_overlay_free(ov);
}

/* No overlay: the same totals as the catalog pricer. */
static void test_empty_overlay_prices_like_the_catalog(void **state) {
  (void)state;
  gsz_overlay *ov = NULL;
  assert_int_equal(gsz_overlay_load(&ov, NULL, 0, data, &today, NULL), GSZ_OK);
  gsz_pricer cat;
  gsz_catalog_pricer(&cat, data);
  assert_string_equal(gsz_overlay_currency(ov), cat.currency);
  gsz_price a = price_of(ov, "H100-SXM5-80GB", "SYS-821GE-TNHR", 8, 2);
  /* Totals only: the same total, no lines. */
  gsz_pricer op;
  gsz_overlay_pricer(&op, ov);
  gsz_price t;
  memset(&t, 0, sizeof t);
  memcpy(t.currency, op.currency, 4);
  assert_int_equal(tu_price(&op, data, gsz_catalog_find_gpu(data, "H100-SXM5-80GB"),
                            gsz_catalog_find_server(data, "SYS-821GE-TNHR"), 8, 2, false, &t, NULL),
                   GSZ_OK);
  assert_int_equal(t.total_minor, a.total_minor);
  assert_int_equal(t.n_lines, 0);
  gsz_price b;
  memset(&b, 0, sizeof b);
  memcpy(b.currency, cat.currency, 4);
  assert_int_equal(tu_price(&cat, data, gsz_catalog_find_gpu(data, "H100-SXM5-80GB"),
                            gsz_catalog_find_server(data, "SYS-821GE-TNHR"), 8, 2, true, &b, NULL),
                   GSZ_OK);
  assert_int_equal(a.total_minor, b.total_minor);
  assert_true(tu_contains(gsz_overlay_describe(ov), "catalog prices"));
  gsz_overlay_free(ov);
}

/* --- Errors, limits and paths beyond the table above ----------------------- */

static void expect_error_at(const char *yaml, size_t len, const gsz_catalog_data *d, gsz_err want,
                            const char *says) {
  const char *texts[] = {yaml};
  size_t lens[] = {len};
  const char *labels[] = {"p.yaml"};
  gsz_overlay *ov = NULL;
  gsz_diag diag;
  gsz_diag_clear(&diag);
  gsz_err err = gsz_overlay_parse(&ov, texts, lens, labels, 1, d, &today, &diag);
  if (err != want || strcmp(diag.message, says) != 0)
    fail_msg("got %s '%s'\n  want %s '%s'", gsz_err_name(err), diag.message, gsz_err_name(want),
             says);
  assert_null(ov);
}

/* The whole message and the code, exactly. */
static void expect_error(const char *yaml, gsz_err want, const char *says) {
  expect_error_at(yaml, strlen(yaml), data, want, says);
}

/* Ranking asks for totals only, and with no discounts, markup, adders or
 * tax the overlay takes a short cut: it must give the same total, the same
 * error and the same message as pricing line by line. */
static void test_totals_only_agree_with_lines(void **state) {
  (void)state;
  static const struct {
    const char *yaml;
    uint32_t per_node, nodes;
  } cases[] = {
      {"currency: USD\n", 2, 3},
      {"currency: EUR\nfx: {USD: \"0.9\"}\n", 4, 1},
      {"prices: {gpu: {L4: {amount: \"92233720368547758.07\"}}}\n", 2, 1},
      {"prices: {server: {SYS-322GB-NR: {amount: \"92233720368547758.07\"}}}\n", 1, 2},
      {"prices: {server: {SYS-322GB-NR: {amount: \"92233720368547758.00\"}}}\n", 1, 1},
      {"markup_percent: \"10\"\n", 2, 3}, /* the long way on both sides */
  };
  const gsz_gpu *g = gsz_catalog_find_gpu(data, "L4");
  const gsz_server *s = gsz_catalog_find_server(data, "SYS-322GB-NR");
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    gsz_overlay *ov = load_ok(cases[i].yaml);
    gsz_pricer p;
    gsz_overlay_pricer(&p, ov);
    gsz_price with, without;
    memset(&with, 0, sizeof with);
    memset(&without, 0, sizeof without);
    gsz_diag dw, dn;
    gsz_diag_clear(&dw);
    gsz_diag_clear(&dn);
    gsz_err ew = tu_price(&p, data, g, s, cases[i].per_node, cases[i].nodes, true, &with, &dw);
    gsz_err en = tu_price(&p, data, g, s, cases[i].per_node, cases[i].nodes, false, &without, &dn);
    if (ew != en || strcmp(dw.message, dn.message) != 0 || with.total_minor != without.total_minor)
      fail_msg("case %zu: with lines %s '%s' %lld, totals only %s '%s' %lld", i, gsz_err_name(ew),
               dw.message, (long long)with.total_minor, gsz_err_name(en), dn.message,
               (long long)without.total_minor);
    if (en == GSZ_OK)
      assert_int_equal(without.n_lines, 0);
    gsz_overlay_free(ov);
  }
  /* The cases do reach both outcomes. */
  gsz_overlay *ov = load_ok(cases[4].yaml);
  gsz_pricer p;
  gsz_overlay_pricer(&p, ov);
  gsz_price pr;
  gsz_diag diag;
  assert_int_equal(tu_price(&p, data, g, s, 1, 1, false, &pr, &diag), GSZ_EOVERFLOW);
  assert_string_equal(diag.message, "the quote total overflows");
  assert_int_equal(tu_price(&p, data, g, s, 1, 2, false, &pr, &diag), GSZ_EOVERFLOW);
  assert_string_equal(diag.message, "the price of 2 x 'SYS-322GB-NR' overflows");
  gsz_overlay_free(ov);
}

static void test_refused_yaml_names_line_and_column(void **state) {
  (void)state;
  static const struct {
    const char *yaml;
    gsz_err err;
    const char *says;
  } cases[] = {
      {"fx: !!map {EUR: \"1\"}\n", GSZ_EPARSE,
       "p.yaml:1:5: tags (tag:yaml.org,2002:map) are not accepted in gpusizer files"},
      {"exclude: !!seq [L4]\n", GSZ_EPARSE,
       "p.yaml:1:10: tags (tag:yaml.org,2002:seq) are not accepted in gpusizer files"},
      {"currency: !!str EUR\n", GSZ_EPARSE,
       "p.yaml:1:11: tags (tag:yaml.org,2002:str) are not accepted in gpusizer files"},
      {"currency: \"EU\\0R\"\n", GSZ_EPARSE, "p.yaml:1:11: a value contains a NUL byte"},
      {"currency: EUR\n---\ncurrency: USD\n", GSZ_EPARSE,
       "p.yaml:2:1: only one YAML document is accepted"},
      {"currency: *quote\n", GSZ_EPARSE,
       "p.yaml:1:11: aliases (*quote) are not accepted in gpusizer files"},
      /* 19 keys: the map has a hash index by then. */
      {"fx: {EUR: \"1\", GBP: \"1\", JPY: \"1\", CHF: \"1\", CAD: \"1\", AUD: \"1\", SEK: \"1\",\n"
       "  NOK: \"1\", DKK: \"1\", PLN: \"1\", INR: \"1\", SGD: \"1\", KRW: \"1\", AED: \"1\",\n"
       "  BHD: \"1\", KWD: \"1\", CNY: \"1\", USD: \"1\", GBP: \"2\"}\n",
       GSZ_EPARSE, "p.yaml:3:43: duplicate key 'GBP' (first at line 1)"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    expect_error(cases[i].yaml, cases[i].err, cases[i].says);
  /* A list or a mapping as a key: the error points where the key starts,
   * not where it ends (it did: 1:4, 1:8, 3:1). */
  expect_error("{[a]: 1}\n", GSZ_EPARSE, "p.yaml:1:2: a key must be a plain word, not a list");
  expect_error("? {a: 1}\n: 1\n", GSZ_EPARSE,
               "p.yaml:1:3: a key must be a plain word, not a mapping (key: value lines)");
  expect_error("? - a\n  - b\n: 1\n", GSZ_EPARSE,
               "p.yaml:1:3: a key must be a plain word, not a list");
  /* Bytes libyaml's reader refuses are placed from its byte offset (they
   * were all reported at 1:1). */
  expect_error("a: 1\nb: 2\nc: \x01\n", GSZ_EPARSE,
               "p.yaml:3:4: not valid YAML: control characters are not allowed");
  static const char raw_nul[] = "currency: EU\0R\n";
  expect_error_at(raw_nul, sizeof raw_nul - 1, data, GSZ_EPARSE,
                  "p.yaml:1:13: not valid YAML: control characters are not allowed");
}

static void test_yaml_bounds_name_line_and_column(void **state) {
  (void)state;
  /* A value of 4,097 bytes. */
  size_t long_len = 10 + 4097 + 1;
  char *long_value = malloc(long_len + 1);
  assert_non_null(long_value);
  memcpy(long_value, "currency: ", 10);
  memset(long_value + 10, 'A', 4097);
  memcpy(long_value + 10 + 4097, "\n", 2);
  expect_error(long_value, GSZ_ELIMIT, "p.yaml:1:11: a value longer than 4096 bytes");
  free(long_value);
  /* 20,001 values: the root map, its key and the list are the first three,
   * so the 19,998th item of "1," (column 11 + 2 x 19,997) is one too many. */
  size_t n = 20000;
  size_t size = 10 + 3 * n + 4;
  char *many = malloc(size);
  assert_non_null(many);
  size_t used = (size_t)snprintf(many, size, "exclude: [");
  for (size_t i = 0; i < n; i++)
    used += (size_t)snprintf(many + used, size - used, "1,");
  snprintf(many + used, size - used, "1]\n");
  expect_error(many, GSZ_ELIMIT, "p.yaml:1:40005: more than 20000 values");
  /* The same with empty lists, counted when they open: column 11 + 3 x 19,997. */
  used = (size_t)snprintf(many, size, "exclude: [");
  for (size_t i = 0; i < n; i++)
    used += (size_t)snprintf(many + used, size - used, "[],");
  snprintf(many + used, size - used, "[]]\n");
  expect_error(many, GSZ_ELIMIT, "p.yaml:1:60002: more than 20000 values");
  free(many);
}

static void test_more_errors_name_file_line_and_column(void **state) {
  (void)state;
  static const struct {
    const char *yaml;
    gsz_err err;
    const char *says;
  } cases[] = {
      {"currency: [EUR]\n", GSZ_EINVAL, "p.yaml:1:11: 'currency' must be a value, not a list"},
      {"valid_until: 2027/01/01\n", GSZ_EPARSE,
       "p.yaml:1:14: valid_until: '2027/01/01' is not a date (YYYY-MM-DD)"},
      {"valid_until: 2027-0a-01\n", GSZ_EPARSE,
       "p.yaml:1:14: valid_until: '2027-0a-01' is not a date (YYYY-MM-DD)"},
      {"valid_until: 2027-13-01\n", GSZ_EPARSE,
       "p.yaml:1:14: valid_until: '2027-13-01' is not a date (YYYY-MM-DD)"},
      {"fx: [EUR]\n", GSZ_EINVAL,
       "p.yaml:1:5: 'fx' must be a mapping (key: value lines), not a list"},
      /* 1 USD = 10^8 EUR: 10^8 x 10^9 (the rate's scale) x 100 (cents) overflows. */
      {"currency: EUR\nfx: {USD: \"100000000\"}\n", GSZ_EOVERFLOW,
       "p.yaml:2:11: fx: at this rate the catalog price of A100-PCIE-40GB does not fit 64-bit "
       "minor units of EUR"},
      {"currency: EUR\nfx: {USD: \"100000000\"}\nprices: {gpu: {L4: {amount: \"1\", currency: "
       "USD}}}\n",
       GSZ_EOVERFLOW,
       "p.yaml:3:29: 'amount': converted to EUR it does not fit 64-bit minor units; check the "
       "amount and the fx rate"},
      {"prices: {gpu: [L4]}\n", GSZ_EINVAL,
       "p.yaml:1:15: 'gpu' must be a mapping (key: value lines), not a list"},
      {"prices: {gpu: {L4: 5}}\n", GSZ_EINVAL,
       "p.yaml:1:20: 'L4' must be a mapping (key: value lines), not a value"},
      {"discounts:\n  - match: gpu\n    percent: 5\n", GSZ_EINVAL,
       "p.yaml:2:12: 'match' must be a mapping (key: value lines), not a value"},
      {"discounts:\n  - {match: {}, percent: 5}\n", GSZ_EINVAL,
       "p.yaml:2:13: match needs at least one of vendor, sku, kind"},
      {"discounts:\n  - {match: {kind: [gpu]}, percent: 5}\n", GSZ_EINVAL,
       "p.yaml:2:20: 'kind' must be a value, not a list"},
      {"discounts:\n  - {match: {kind: gpu}, percent: abc}\n", GSZ_EPARSE,
       "p.yaml:2:35: 'percent': 'abc' is not a decimal number (expected a percentage from 0 to "
       "100, such as \"5\")"},
      {"discounts:\n  - {match: {kind: gpu}, percent: 5, min_qty: [2]}\n", GSZ_EINVAL,
       "p.yaml:2:47: 'min_qty' must be a value, not a list"},
      {"discounts:\n  - {match: {kind: gpu}, percent: 5, min_qty: 0}\n", GSZ_EINVAL,
       "p.yaml:2:47: min_qty: '0' is out of range (1 to 1000000)"},
      {"adders:\n  - {name: [x], per: quote, amount: 1}\n", GSZ_EINVAL,
       "p.yaml:2:12: 'name' must be a value, not a list"},
      {"adders:\n  - {name: \"\", per: quote, amount: 1}\n", GSZ_EINVAL,
       "p.yaml:2:12: name: 1 to 64 characters"},
      {"adders:\n  - {name: "
       "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx, per: quote, amount: "
       "1}\n",
       GSZ_EINVAL, "p.yaml:2:12: name: 1 to 64 characters"},
      {"adders:\n  - {name: x, per: quote, amount: 1, currency: ZZZ}\n", GSZ_EINVAL,
       "p.yaml:2:48: 'currency': unknown currency 'ZZZ' (an ISO 4217 code from the catalog's "
       "currency table, such as USD or EUR)"},
      {"adders:\n  - {name: x, per: quote, amount: x}\n", GSZ_EPARSE,
       "p.yaml:2:35: 'amount': 'x' is not a decimal number (expected a non-negative amount in USD "
       "with at most 2 decimals)"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    expect_error(cases[i].yaml, cases[i].err, cases[i].says);
  /* Thirteen discounts and nine adders, one more than allowed each. */
  char text[1024];
  size_t used = (size_t)snprintf(text, sizeof text, "discounts:\n");
  for (int i = 0; i < 13; i++)
    used += (size_t)snprintf(text + used, sizeof text - used,
                             "  - {match: {kind: gpu}, percent: \"1\"}\n");
  expect_error(text, GSZ_ELIMIT, "p.yaml:2:3: discounts: at most 12 rules");
  used = (size_t)snprintf(text, sizeof text, "adders:\n");
  for (int i = 0; i < 9; i++)
    used += (size_t)snprintf(text + used, sizeof text - used,
                             "  - {name: a%d, per: quote, amount: \"1\"}\n", i);
  expect_error(text, GSZ_ELIMIT, "p.yaml:2:3: adders: at most 8");
}

/* Price a configuration (of catalog d) that must fail with this code and
 * message. */
static void expect_price_error(const gsz_overlay *ov, const gsz_catalog_data *d, const char *gpu,
                               const char *server, uint32_t per_node, uint32_t nodes, gsz_err want,
                               const char *says) {
  gsz_pricer p;
  gsz_overlay_pricer(&p, ov);
  gsz_price out;
  memset(&out, 0, sizeof out);
  memcpy(out.currency, p.currency, 4);
  gsz_diag diag;
  gsz_diag_clear(&diag);
  const gsz_gpu *g = gsz_catalog_find_gpu(d, gpu);
  const gsz_server *s = gsz_catalog_find_server(d, server);
  assert_non_null(g);
  assert_non_null(s);
  gsz_err err = tu_price(&p, d, g, s, per_node, nodes, true, &out, &diag);
  if (err != want || strcmp(diag.message, says) != 0)
    fail_msg("got %s '%s'\n  want %s '%s'", gsz_err_name(err), diag.message, gsz_err_name(want),
             says);
}

/* INT64_MAX minor units, the largest amount a file can state. */
#define MAX_AMOUNT "\"92233720368547758.07\""

static void test_overflowing_quotes_are_refused(void **state) {
  (void)state;
  static const struct {
    const char *yaml, *gpu, *server;
    uint32_t per_node, nodes;
    const char *says;
  } cases[] = {
      /* 50% of INT64_MAX fits; adding it to the price does not. */
      {"prices: {gpu: {L4: {amount: " MAX_AMOUNT "}}}\nmarkup_percent: \"50\"\n", "L4",
       "SYS-322GB-NR", 1, 1, "the marked-up price of 'L4' overflows"},
      /* 200% of INT64_MAX does not fit by itself. */
      {"prices: {gpu: {L4: {amount: " MAX_AMOUNT "}}}\nmarkup_percent: \"200\"\n", "L4",
       "SYS-322GB-NR", 1, 1, "an amount overflows 64-bit minor units"},
      /* The server alone is INT64_MAX; one L4 more overflows the total. */
      {"prices: {server: {SYS-322GB-NR: {amount: " MAX_AMOUNT "}}}\n", "L4", "SYS-322GB-NR", 1, 1,
       "the quote total overflows"},
      /* Two GPUs of an INT64_MAX adder per GPU. */
      {"adders:\n  - {name: huge, per: gpu, amount: " MAX_AMOUNT "}\n", "L4", "SYS-322GB-NR", 2, 1,
       "the adder 'huge' overflows"},
      /* A cent per quote pushing an INT64_MAX DGX (GPUs included) over. */
      {"prices: {server: {DGX-H100: {amount: " MAX_AMOUNT "}}}\n"
       "adders:\n  - {name: install, per: quote, amount: \"0.01\"}\n",
       "H100-SXM5-80GB", "DGX-H100", 8, 1, "the adder 'install' overflows"},
      /* GPUs included in an INT64_MAX DGX: the total fits, 1% tax on it does not. */
      {"prices: {server: {DGX-H100: {amount: " MAX_AMOUNT "}}}\ntax_percent: \"1\"\n",
       "H100-SXM5-80GB", "DGX-H100", 8, 1, "the quote total overflows"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    gsz_overlay *ov = load_ok(cases[i].yaml);
    expect_price_error(ov, data, cases[i].gpu, cases[i].server, cases[i].per_node, cases[i].nodes,
                       GSZ_EOVERFLOW, cases[i].says);
    gsz_overlay_free(ov);
  }
}

/* Issue 11: an adder that overflows in a totals-only call (ranking) used to
 * return before the "totals only" marker in n_lines was reset; the
 * explained candidate then copied that marker as a line count (SIGSEGV). */
static void test_failed_totals_only_pricing_leaves_a_true_line_count(void **state) {
  (void)state;
  gsz_overlay *ov =
      load_ok("adders:\n  - {name: support, per: gpu, amount: \"50000000000000000\"}\n");
  gsz_pricer p;
  gsz_overlay_pricer(&p, ov);
  gsz_price out;
  memset(&out, 0, sizeof out);
  out.n_lines = 7; /* what a previous candidate left */
  gsz_diag diag;
  const gsz_gpu *g = gsz_catalog_find_gpu(data, "L40S");
  const gsz_server *s = gsz_catalog_find_server(data, "SYS-421GE-TNRT");
  assert_int_equal(tu_price(&p, data, g, s, 8, 64, false, &out, &diag), GSZ_EOVERFLOW);
  assert_int_equal(out.n_lines, 0);
  assert_int_equal(tu_price(&p, data, g, s, 8, 64, true, &out, &diag), GSZ_EOVERFLOW);
  assert_true(out.n_lines <= GSZ_PRICE_MAX_LINES);

  /* quote --model llama-3-8b --gpu L40S --explain L40S --pricing b.yaml */
  gsz_model_ref model;
  gsz_workload w;
  assert_int_equal(
      gsz_model_ref_from_arch(&model, gsz_catalog_find_model(data, "llama-3-8b"), &diag), GSZ_OK);
  assert_int_equal(gsz_workload_defaults(&w, data, GSZ_MODE_INFERENCE, &diag), GSZ_OK);
  gsz_match_options o;
  gsz_match_options_init(&o);
  o.gpus[o.n_gpus++] = g;
  o.explain = g;
  gsz_match_result *res = NULL;
  assert_int_equal(gsz_match_run(&res, data, &model, &w, &o, &p, &diag), GSZ_OK);
  assert_true(res->found);
  assert_true(res->n_explained > 0);
  size_t overflowed = 0;
  for (size_t i = 0; i < res->n_explained; i++) {
    assert_true(res->explained[i].price.n_lines <= GSZ_PRICE_MAX_LINES);
    overflowed += res->explained[i].verdict.code == GSZ_REASON_OVERFLOW;
  }
  assert_true(overflowed > 0); /* the case that crashed is really reached */
  gsz_match_result_free(res);
  gsz_overlay_free(ov);
}

static void test_items_without_a_price_are_not_found(void **state) {
  (void)state;
  gsz_overlay *ov = NULL;
  assert_int_equal(gsz_overlay_load(&ov, NULL, 0, data, &today, NULL), GSZ_OK);
  /* ST650-V2 and A10 have no price row in the catalog. */
  expect_price_error(ov, data, "L4", "ST650-V2", 1, 1, GSZ_ENOTFOUND,
                     "server 'ST650-V2': no price in the catalog");
  expect_price_error(ov, data, "A10", "SYS-322GB-NR", 1, 1, GSZ_ENOTFOUND,
                     "GPU 'A10': no price in the catalog");
  gsz_overlay_free(ov);
  gsz_overlay_free(NULL); /* a no-op, like free() */
}

/* A discount on a vendor that makes only servers (any case), a quantity
 * tier, an adder per GPU; and the discounts listed for one item. */
static void test_server_vendor_discounts_and_per_gpu_adders(void **state) {
  (void)state;
  gsz_overlay *ov = load_ok("discounts:\n"
                            "  - {match: {vendor: supermicro}, percent: \"5\"}\n"
                            "  - {match: {kind: gpu}, percent: \"10\", min_qty: 4}\n"
                            "adders:\n"
                            "  - {name: cabling, per: gpu, amount: \"10.00\"}\n");
  gsz_price p = price_of(ov, "L4", "SYS-322GB-NR", 4, 1);
  static const struct {
    gsz_line_kind kind;
    uint64_t qty;
    int64_t unit, amount;
  } want[] = {
      {GSZ_LINE_SERVER, 1, 2400000, 2400000},   /* 24,000.00 USD */
      {GSZ_LINE_DISCOUNT, 0, 2400000, -120000}, /* 5% Supermicro */
      {GSZ_LINE_GPU, 4, 300000, 1200000},       /* 4 x 3,000.00 */
      {GSZ_LINE_DISCOUNT, 0, 1200000, -120000}, /* 10% from 4 GPUs */
      {GSZ_LINE_ADDER, 4, 1000, 4000},          /* 10.00 per GPU */
  };
  assert_int_equal(p.n_lines, sizeof want / sizeof want[0]);
  for (size_t i = 0; i < p.n_lines; i++) {
    assert_int_equal(p.lines[i].kind, want[i].kind);
    assert_int_equal(p.lines[i].quantity, want[i].qty);
    assert_int_equal(p.lines[i].unit_minor, want[i].unit);
    assert_int_equal(p.lines[i].amount_minor, want[i].amount);
  }
  assert_string_equal(p.lines[1].item, "discount 5% (vendor supermicro)");
  assert_string_equal(p.lines[3].item, "discount 10% (kind gpu, from 4 units)");
  assert_string_equal(p.lines[4].item, "cabling");
  assert_int_equal(p.total_minor, 3364000); /* 22,800 + 10,800 + 40 */
  char buf[128];
  size_t server = (size_t)(gsz_catalog_find_server(data, "SYS-322GB-NR") - data->servers);
  size_t dell = (size_t)(gsz_catalog_find_server(data, "R760XA") - data->servers);
  size_t l4 = (size_t)(gsz_catalog_find_gpu(data, "L4") - data->gpus);
  assert_string_equal(gsz_overlay_discounts_for(buf, sizeof buf, ov, "server", server),
                      "discount 5% (vendor supermicro)");
  assert_string_equal(gsz_overlay_discounts_for(buf, sizeof buf, ov, "server", dell), "");
  assert_string_equal(gsz_overlay_discounts_for(buf, sizeof buf, ov, "gpu", l4),
                      "discount 10% (kind gpu, from 4 units)");
  assert_string_equal(gsz_overlay_discounts_for(buf, 10, ov, "gpu", l4), "discount ");
  buf[0] = 'x';
  assert_ptr_equal(gsz_overlay_discounts_for(buf, 0, ov, "gpu", l4), buf);
  assert_int_equal(buf[0], 'x'); /* size 0: nothing written */
  gsz_overlay_free(ov);
}

static void test_expired_overlay_is_allowed_with_a_warning(void **state) {
  (void)state;
  static const gsz_overlay_options allow = {"2026-11-26", true};
  const char *yaml = "valid_until: 2026-11-25\n";
  const char *texts[] = {yaml};
  size_t lens[] = {strlen(yaml)};
  const char *labels[] = {"p.yaml"};
  gsz_overlay *ov = NULL;
  gsz_diag diag;
  assert_int_equal(gsz_overlay_parse(&ov, texts, lens, labels, 1, data, &allow, &diag), GSZ_OK);
  assert_int_equal(gsz_overlay_warning_count(ov), 1);
  assert_string_equal(gsz_overlay_warning(ov, 0),
                      "p.yaml:1:14: the overlay expired on 2026-11-25 (today is 2026-11-26); "
                      "prices may be out of date");
  assert_string_equal(gsz_overlay_valid_until(ov), "2026-11-25");
  gsz_overlay_free(ov);
}

static void expect_load_error(const char *path, gsz_err want, const char *says) {
  gsz_overlay *ov = NULL;
  gsz_diag diag;
  gsz_diag_clear(&diag);
  gsz_err err = gsz_overlay_load(&ov, &path, 1, data, &today, &diag);
  if (err != want || strcmp(diag.message, says) != 0)
    fail_msg("got %s '%s'\n  want %s '%s'", gsz_err_name(err), diag.message, gsz_err_name(want),
             says);
  assert_null(ov);
}

static void test_overlay_files_are_read_from_paths(void **state) {
  (void)state;
  char *dir = tu_tmpdir();
  char *good = tu_path(dir, "good.yaml");
  tu_write_file(good, "currency: EUR\nfx: {USD: \"0.9\"}\n", 31);
  const char *paths[] = {good};
  gsz_overlay *ov = NULL;
  gsz_diag diag;
  assert_int_equal(gsz_overlay_load(&ov, paths, 1, data, &today, &diag), GSZ_OK);
  assert_int_equal(gsz_overlay_file_count(ov), 1);
  assert_string_equal(gsz_overlay_file(ov, 0), good);
  assert_string_equal(gsz_overlay_currency(ov), "EUR");
  gsz_overlay_free(ov);
  char msg[1024];
  /* Errors in the text name the path. */
  char *bad_text = tu_path(dir, "bad.yaml");
  tu_write_file(bad_text, "currency: XYZ\n", 14);
  snprintf(msg, sizeof msg,
           "%s:1:11: 'currency': unknown currency 'XYZ' (an ISO 4217 code from the catalog's "
           "currency table, such as USD or EUR)",
           bad_text);
  expect_load_error(bad_text, GSZ_EINVAL, msg);
  char *missing = tu_path(dir, "missing.yaml");
  snprintf(msg, sizeof msg, "cannot open pricing overlay '%s': No such file or directory", missing);
  expect_load_error(missing, GSZ_ENOTFOUND, msg);
  char *under_file = tu_path(good, "x.yaml");
  snprintf(msg, sizeof msg, "cannot open pricing overlay '%s': Not a directory", under_file);
  expect_load_error(under_file, GSZ_EINVAL, msg);
  snprintf(msg, sizeof msg, "'%s' is a directory, not a file", dir);
  expect_load_error(dir, GSZ_EINVAL, msg);
  /* 1 MiB and one byte of comment. */
  char *big = tu_path(dir, "big.yaml");
  size_t big_len = (1u << 20) + 1;
  char *text = malloc(big_len);
  assert_non_null(text);
  memset(text, '#', big_len);
  tu_write_file(big, text, big_len);
  free(text);
  snprintf(msg, sizeof msg, "%s: larger than 1024 KiB; not a pricing overlay", big);
  expect_load_error(big, GSZ_ELIMIT, msg);
  free(good);
  free(bad_text);
  free(missing);
  free(under_file);
  free(big);
  tu_rmdir_all(dir);
}

/* A catalog file may hold more currencies than the built-in one, and
 * prices in other currencies: the built-in data, copied and extended. */
static void test_catalogs_with_more_currencies(void **state) {
  (void)state;
  gsz_catalog_data d = *data;
  size_t n_extra = 70;
  gsz_currency *cur = calloc(data->n_currencies + n_extra, sizeof *cur);
  gsz_gpu *gpus = malloc(data->n_gpus * sizeof *gpus);
  assert_non_null(cur);
  assert_non_null(gpus);
  memcpy(cur, data->currencies, data->n_currencies * sizeof *cur);
  for (size_t i = 0; i < n_extra; i++) {
    gsz_currency *c = &cur[data->n_currencies + i];
    snprintf(c->code, sizeof c->code, "X%02zu", i);
    c->minor_digits = 2;
    c->name = "test currency";
  }
  d.currencies = cur;
  d.n_currencies = data->n_currencies + n_extra;
  /* A10 is kept for reference only (not sellable); give it a GBP price. */
  memcpy(gpus, data->gpus, data->n_gpus * sizeof *gpus);
  size_t a10 = (size_t)(gsz_catalog_find_gpu(data, "A10") - data->gpus);
  assert_false(gpus[a10].sellable);
  gpus[a10].price = (gsz_unit_price){true, 100000, "GBP", "2026-11-26", "test", NULL};
  d.gpus = gpus;

  /* 64 exchange rates are the most; the 65th is refused at its key. */
  char text[2048];
  size_t used = (size_t)snprintf(text, sizeof text, "fx:\n");
  for (size_t i = 0; i < 64; i++)
    used += (size_t)snprintf(text + used, sizeof text - used, "  X%02zu: \"1\"\n", i);
  const char *texts[] = {text};
  size_t lens[] = {used};
  const char *labels[] = {"p.yaml"};
  gsz_overlay *ov = NULL;
  gsz_diag diag;
  assert_int_equal(gsz_overlay_parse(&ov, texts, lens, labels, 1, &d, &today, &diag), GSZ_OK);
  gsz_overlay_free(ov);
  used += (size_t)snprintf(text + used, sizeof text - used, "  X64: \"1\"\n");
  expect_error_at(text, used, &d, GSZ_ELIMIT, "p.yaml:66:3: fx: more than 64 rates");

  /* An unsellable item priced in a currency without a rate is left
   * unpriced, with the reason, instead of failing the load. */
  const char *eur = "currency: EUR\nfx: {USD: \"0.9\"}\n";
  texts[0] = eur;
  lens[0] = strlen(eur);
  assert_int_equal(gsz_overlay_parse(&ov, texts, lens, labels, 1, &d, &today, &diag), GSZ_OK);
  gsz_effective_price e;
  gsz_overlay_unit_price(&e, ov, "gpu", a10);
  assert_false(e.priced);
  assert_string_equal(e.why, "priced in GBP, with no exchange rate to EUR");
  expect_price_error(ov, &d, "A10", "SYS-322GB-NR", 1, 1, GSZ_ENOTFOUND,
                     "GPU 'A10': priced in GBP, with no exchange rate to EUR");
  gsz_overlay_free(ov);
  /* With no overlay file the same holds, in the catalog's USD. */
  assert_int_equal(gsz_overlay_parse(&ov, NULL, NULL, NULL, 0, &d, &today, &diag), GSZ_OK);
  gsz_overlay_unit_price(&e, ov, "gpu", a10);
  assert_false(e.priced);
  assert_string_equal(e.why, "priced in GBP, with no exchange rate to USD");
  gsz_overlay_free(ov);
  /* A GBP rate prices it: 1,000.00 GBP x 1.25 = 1,250.00 USD. */
  const char *gbp = "fx: {GBP: \"1.25\"}\n";
  texts[0] = gbp;
  lens[0] = strlen(gbp);
  assert_int_equal(gsz_overlay_parse(&ov, texts, lens, labels, 1, &d, &today, &diag), GSZ_OK);
  gsz_overlay_unit_price(&e, ov, "gpu", a10);
  assert_true(e.priced);
  assert_int_equal(e.unit_minor, 125000);
  gsz_overlay_free(ov);
  free(gpus);
  free(cur);
}

static gsz__yaml_node *parse_tree(gsz__yaml_tree *t, const char *text) {
  gsz_diag diag;
  gsz_diag_clear(&diag);
  if (gsz__yaml_parse(t, text, strlen(text), "t.yaml", &diag) != GSZ_OK)
    fail_msg("yaml: %s", diag.message);
  return t->root;
}

/* The merge as overlay files never reach it: an empty document, and a
 * document that is not a mapping on either side. */
static void test_yaml_merge_of_empty_and_non_mapping_documents(void **state) {
  (void)state;
  gsz__yaml_tree list, empty, map, more, none;
  gsz_diag diag;
  parse_tree(&list, "- 1\n- 2\n");
  assert_null(parse_tree(&empty, ""));
  assert_null(parse_tree(&none, "# only a comment\n"));
  parse_tree(&map, "x: {y: \"1\", z: [1]}\nw: 2\n");
  parse_tree(&more, "x: {z: 3, v: 4}\nw: [5]\n");
  /* An empty document changes nothing. */
  gsz__yaml_node *before = list.root;
  assert_int_equal(gsz__yaml_merge(&list, &empty, &diag), GSZ_OK);
  assert_ptr_equal(list.root, before);
  /* A mapping replaces a list, and the other way round. */
  assert_int_equal(gsz__yaml_merge(&list, &map, &diag), GSZ_OK);
  assert_ptr_equal(list.root, map.root);
  /* Into an empty document: the source as it is. */
  assert_int_equal(gsz__yaml_merge(&none, &more, &diag), GSZ_OK);
  assert_ptr_equal(none.root, more.root);
  /* Mappings merge key by key; lists and values replace. */
  assert_int_equal(gsz__yaml_merge(&list, &more, &diag), GSZ_OK);
  const gsz__yaml_node *x = gsz__yaml_get(list.root, "x");
  assert_non_null(x);
  assert_int_equal(x->n, 3);
  assert_string_equal(gsz__yaml_get(x, "y")->value, "1");
  assert_string_equal(gsz__yaml_get(x, "z")->value, "3");
  assert_string_equal(gsz__yaml_get(x, "v")->value, "4");
  const gsz__yaml_node *w = gsz__yaml_get(list.root, "w");
  assert_int_equal(w->kind, GSZ_YAML_SEQ);
  /* Lookups in what is not a mapping find nothing. */
  assert_null(gsz__yaml_get(NULL, "x"));
  assert_null(gsz__yaml_get(w, "x"));
  assert_null(gsz__yaml_get(gsz__yaml_get(x, "y"), "x"));
  /* Kind names for messages, and the fallback for anything else. */
  assert_string_equal(gsz__yaml_kind_name(GSZ_YAML_SEQ), "a list");
  assert_string_equal(gsz__yaml_kind_name((gsz__yaml_kind)42), "something else");
  gsz__yaml_free(&list);
  gsz__yaml_free(&empty);
  gsz__yaml_free(&none);
  gsz__yaml_free(&map);
  gsz__yaml_free(&more);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_worked_example_matches_the_hand_computation),
      cmocka_unit_test(test_currencies_with_other_minor_digits),
      cmocka_unit_test(test_rounding_is_half_even_at_the_half),
      cmocka_unit_test(test_int64_limits),
      cmocka_unit_test(test_later_files_override_key_by_key),
      cmocka_unit_test(test_each_file_answers_for_its_own_validity),
      cmocka_unit_test(test_every_error_names_file_line_and_column),
      cmocka_unit_test(test_hostile_yaml_fails_fast),
      cmocka_unit_test(test_exclusions_reach_the_matcher),
      cmocka_unit_test(test_empty_overlay_prices_like_the_catalog),
      cmocka_unit_test(test_totals_only_agree_with_lines),
      cmocka_unit_test(test_refused_yaml_names_line_and_column),
      cmocka_unit_test(test_yaml_bounds_name_line_and_column),
      cmocka_unit_test(test_more_errors_name_file_line_and_column),
      cmocka_unit_test(test_overflowing_quotes_are_refused),
      cmocka_unit_test(test_items_without_a_price_are_not_found),
      cmocka_unit_test(test_failed_totals_only_pricing_leaves_a_true_line_count),
      cmocka_unit_test(test_server_vendor_discounts_and_per_gpu_adders),
      cmocka_unit_test(test_expired_overlay_is_allowed_with_a_warning),
      cmocka_unit_test(test_overlay_files_are_read_from_paths),
      cmocka_unit_test(test_catalogs_with_more_currencies),
      cmocka_unit_test(test_yaml_merge_of_empty_and_non_mapping_documents),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
