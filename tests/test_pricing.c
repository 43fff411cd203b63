/* test_pricing.c: the pricing overlay: the worked example of
 * docs/pricing.md to the cent, several currencies, half-even rounding at
 * the half, INT64 limits, merge order, every error with its line and
 * column, exclusions, and hostile YAML refused fast. */
#include "testutil.h"

#include "gpusizer/gpusizer.h"

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
  if (p.price(p.ctx, g, s, per_node, nodes, true, &out, &diag) != GSZ_OK)
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
  /* JPY has no minor unit: 27,500.00 USD x 150.25 = 4,131,875 JPY exactly. */
  gsz_overlay *ov = load_ok("currency: JPY\nfx: {USD: \"150.25\"}\n");
  gsz_effective_price e;
  gsz_overlay_unit_price(&e, ov, "gpu", (size_t)(gsz_catalog_find_gpu(data, "H100-SXM5-80GB") - data->gpus));
  assert_true(e.priced);
  assert_int_equal(e.source_minor, 2750000);
  assert_int_equal(e.unit_minor, 4131875);
  gsz_overlay_free(ov);
  /* BHD has three: 1 USD = 0.376 BHD; 27,500.00 USD = 10,340.000 BHD. */
  ov = load_ok("currency: BHD\nfx: {USD: \"0.376\"}\n");
  gsz_overlay_unit_price(&e, ov, "gpu", (size_t)(gsz_catalog_find_gpu(data, "H100-SXM5-80GB") - data->gpus));
  assert_int_equal(e.unit_minor, 10340000);
  gsz_overlay_free(ov);
}

static void test_rounding_is_half_even_at_the_half(void **state) {
  (void)state;
  static const struct {
    int64_t amount, num, den, want;
  } cases[] = {
      {5, 1, 10, 0},   {15, 1, 10, 2},  {25, 1, 10, 2},   {35, 1, 10, 4},  {-5, 1, 10, 0},
      {-15, 1, 10, -2}, {-25, 1, 10, -2}, {26, 1, 10, 3},  {24, 1, 10, 2},  {1, 1, 2, 0},
      {3, 1, 2, 2},    {-3, 1, 2, -2},  {7, 3, 1, 21},    {0, 5, 7, 0},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    int64_t out = 99;
    assert_int_equal(gsz_money_scale(&out, cases[i].amount, cases[i].num, cases[i].den, NULL), GSZ_OK);
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
  /* The largest price parses; one cent more is refused at its line. */
  gsz_overlay *ov = load_ok("prices: {gpu: {L4: {amount: \"92233720368547758.07\"}}}\n");
  gsz_pricer p;
  gsz_overlay_pricer(&p, ov);
  gsz_price pr;
  memset(&pr, 0, sizeof pr);
  assert_int_equal(p.price(p.ctx, gsz_catalog_find_gpu(data, "L4"),
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
      {"markup_precent: \"5\"\n", GSZ_EINVAL, "p.yaml:1:1: unknown key 'markup_precent'; did you mean 'markup_percent'?"},
      {"currency: EUR\nfx: {USD: 0.9}\nprices: {gpus: {}}\n", GSZ_EINVAL, "p.yaml:3:10: unknown key 'gpus' in prices; did you mean 'gpu'?"},
      {"tax_percent: [1]\n", GSZ_EINVAL, "p.yaml:1:14: 'tax_percent' must be a value, not a list"},
      {"currency: EUR\ncurrency: USD\n", GSZ_EPARSE, "p.yaml:2:1: duplicate key 'currency' (first at line 1)"},
      {"prices: {gpu: {H100-SXM5-80G: {amount: \"1\"}}}\n", GSZ_EINVAL, "p.yaml:1:16: prices: unknown gpu SKU 'H100-SXM5-80G'"},
      {"discounts:\n  - {match: {vendor: ACME}, percent: 5}\n", GSZ_EINVAL, "p.yaml:2:22: match: unknown vendor 'ACME'"},
      {"currency: EUR\n", GSZ_EINVAL, "p.yaml:1:11: catalog prices are in USD but the quote is in EUR and fx has no USD rate"},
      {"prices: {gpu: {L4: {amount: \"100\", currency: GBP}}}\n", GSZ_EINVAL, "p.yaml:1:46: currency GBP has no exchange rate to the quote currency USD"},
      {"prices: {gpu: {L4: {amount: 1e3}}}\n", GSZ_EPARSE, "p.yaml:1:29: 'amount': '1e3' is not a plain decimal number"},
      {"prices: {gpu: {L4: {amount: \"1.005\"}}}\n", GSZ_EPARSE, "p.yaml:1:29: 'amount': '1.005' has more than 2 decimal places"},
      {"prices: {gpu: {L4: {amount: \"12,50\"}}}\n", GSZ_EPARSE, "p.yaml:1:29: 'amount': '12,50' is not a decimal number"},
      {"prices: {gpu: {L4: {amount: \"-5\"}}}\n", GSZ_EPARSE, "p.yaml:1:29: 'amount': '-5' must not be negative"},
      {"prices: {gpu: {L4: {currency: USD}}}\n", GSZ_EINVAL, "p.yaml:1:20: L4: missing 'amount'"},
      {"valid_until: 2026-11-25\n", GSZ_EEXPIRED, "p.yaml:1:14: the overlay expired on 2026-11-25 (today is 2026-11-26)"},
      {"valid_until: 2027-02-30\n", GSZ_EPARSE, "p.yaml:1:14: valid_until: '2027-02-30' is not a date"},
      {"currency: XYZ\n", GSZ_EINVAL, "p.yaml:1:11: 'currency': unknown currency 'XYZ'"},
      {"exclude: [NOPE]\n", GSZ_EINVAL, "p.yaml:1:11: exclude: unknown GPU or server SKU 'NOPE'"},
      {"discounts:\n  - {match: {kind: cpu}, percent: 5}\n", GSZ_EINVAL, "p.yaml:2:20: match: kind must be gpu or server"},
      {"discounts:\n  - {match: {kind: gpu}, percent: 150}\n", GSZ_EINVAL, "p.yaml:2:35: percent: a discount above 100%"},
      {"adders:\n  - {name: x, per: rack, amount: 1}\n", GSZ_EINVAL, "p.yaml:2:20: per: expected node, gpu or quote"},
      {"fx: {EUR: \"0\"}\n", GSZ_EINVAL, "p.yaml:1:11: fx: the rate for EUR must be greater than 0"},
      {"- just\n- a list\n", GSZ_EPARSE, "p.yaml:1:1: expected a mapping of pricing keys"},
      {"", GSZ_EPARSE, "p.yaml:1:1: the file is empty"},
      {"prices: {gpu: [\n", GSZ_EPARSE, "p.yaml:2:1: not valid YAML"},
      {"\x01\x02\x03 binary", GSZ_EPARSE, "p.yaml:1:1: not valid YAML"},
      {"a: &anchor 1\nb: *anchor\n", GSZ_EPARSE, "p.yaml:1:4: anchors (&anchor) are not accepted"},
      {"a: !!binary aGVsbG8=\n", GSZ_EPARSE, "p.yaml:1:4: tags (tag:yaml.org,2002:binary) are not accepted"},
      {"prices: {gpu: {H100: {amount: \"1\"}, H100-SXM5-80GB: {amount: \"2\"}}}\n", GSZ_EINVAL, "p.yaml:1:37: prices: 'H100-SXM5-80GB' is priced twice"},
      {"currency: EUR\nfx: {USD: \"100\"}\nprices: {gpu: {L4: {amount: \"90000000000000000.00\", currency: USD}}}\n", GSZ_EOVERFLOW, "p.yaml:3:29: 'amount': converted to EUR it does not fit 64-bit minor units"},
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
  const char *bomb = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
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
  assert_true(p.excluded(p.ctx, gsz_catalog_find_gpu(data, "RTX-4090"), NULL));
  assert_true(p.excluded(p.ctx, NULL, gsz_catalog_find_server(data, "LAMBDA-VECTOR")));
  assert_false(p.excluded(p.ctx, gsz_catalog_find_gpu(data, "L4"), NULL));
  gsz_model_ref m;
  assert_int_equal(gsz_model_ref_from_arch(&m, gsz_catalog_find_model(data, "llama-3-8b"), NULL), GSZ_OK);
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
  assert_int_equal(op.price(op.ctx, gsz_catalog_find_gpu(data, "H100-SXM5-80GB"),
                            gsz_catalog_find_server(data, "SYS-821GE-TNHR"), 8, 2, false, &t, NULL),
                   GSZ_OK);
  assert_int_equal(t.total_minor, a.total_minor);
  assert_int_equal(t.n_lines, 0);
  gsz_price b;
  memset(&b, 0, sizeof b);
  memcpy(b.currency, cat.currency, 4);
  assert_int_equal(cat.price(cat.ctx, gsz_catalog_find_gpu(data, "H100-SXM5-80GB"),
                             gsz_catalog_find_server(data, "SYS-821GE-TNHR"), 8, 2, true, &b, NULL),
                   GSZ_OK);
  assert_int_equal(a.total_minor, b.total_minor);
  assert_true(tu_contains(gsz_overlay_describe(ov), "catalog prices"));
  gsz_overlay_free(ov);
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
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
