/* test_catalog_maintenance.c: what schema 5 gives the people who maintain
 * a catalog with SQL (issue 14): exchange rates that convert a price
 * instead of losing it (and a pricing overlay's fx that wins over them),
 * dates that mean something (a row dated later is not in force until its
 * day; the history lists every row), server_gpu rows that state a range of
 * counts, names that could mean several GPUs refused with their
 * candidates, the views and db check rules for reviews, and the stored
 * schema-1 file of gpusizer 0.1.0 migrated to the latest schema and quoted from. */
#define _GNU_SOURCE /* asprintf */
#include "testutil.h"

#include "gpusizer/gpusizer.h"

#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *dir;

/* --- helpers ------------------------------------------------------------------ */

static char *str(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *str(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *s = NULL;
  assert_true(vasprintf(&s, fmt, ap) >= 0);
  va_end(ap);
  return s;
}

/* A catalog file written by db init (the built-in catalog, the latest schema). */
static char *init_file(const char *name) {
  char *path = tu_path(dir, name);
  tu_unlink_db(path);
  gsz_diag diag;
  if (gsz_db_init(path, true, &diag) != GSZ_OK)
    fail_msg("db init: %s", diag.message);
  return path;
}

/* What SQLite says running sql on the file through a plain connection, as
 * a maintainer's sqlite3 shell would (foreign keys off: the triggers hold
 * the rules); "" when it ran. The caller frees. */
static char *exec_error(const char *path, const char *sql) {
  sqlite3 *db = NULL;
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  char *msg = NULL;
  int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
  char *out = strdup(rc == SQLITE_OK ? "" : msg ? msg : sqlite3_errstr(rc));
  sqlite3_free(msg);
  sqlite3_close(db);
  return out;
}

static gsz_catalog *open_at(const char *path, const char *today) {
  gsz_catalog *cat = NULL;
  gsz_diag diag;
  gsz_diag_clear(&diag);
  if (gsz_catalog_open_at(&cat, path, today, &diag) != GSZ_OK)
    fail_msg("open '%s' at %s: %s", path ? path : "built-in", today ? today : "today",
             diag.message);
  return cat;
}

static gsz_price price_of(const gsz_pricer *p, const gsz_catalog_data *d, const char *gpu,
                          const char *server, uint32_t count, gsz_err want, gsz_diag *diag) {
  gsz_price out;
  memset(&out, 0, sizeof out);
  memcpy(out.currency, p->currency, 4); /* as the matcher stamps it */
  const gsz_gpu *g = gsz_catalog_find_gpu(d, gpu);
  const gsz_server *s = gsz_catalog_find_server(d, server);
  assert_non_null(g);
  assert_non_null(s);
  gsz_err err = tu_price(p, d, g, s, count, 1, true, &out, diag);
  if (err != want)
    fail_msg("price %s in %s: %s (want %s): %s", gpu, server, gsz_err_name(err), gsz_err_name(want),
             diag->message);
  return out;
}

static const gsz_price_line *line_of(const gsz_price *p, gsz_line_kind kind) {
  for (unsigned i = 0; i < p->n_lines; i++)
    if (p->lines[i].kind == kind)
      return &p->lines[i];
  fail_msg("no %s line", gsz_line_kind_name(kind));
  return NULL;
}

#define RUN_ENV(r, env, ...)                                                                       \
  do {                                                                                             \
    const char *const args_[] = {__VA_ARGS__, NULL};                                               \
    tu_run((r), args_, (env));                                                                     \
  } while (0)

static void expect(const tu_result *r, int status, const char *in_out, const char *in_err) {
  if (r->status != status || (in_out && !tu_contains(r->out, in_out)) ||
      (in_err && !tu_contains(r->err, in_err)))
    fail_msg("status %d (want %d)\nstdout: %.3000s\nstderr: %.3000s\nwanted out '%s' err '%s'",
             r->status, status, r->out, r->err, in_out ? in_out : "", in_err ? in_err : "");
}

/* L40S priced 8,000.00 EUR from 2026-11-26, and the given rate rows. */
static char *eur_priced_l40s(const char *name, const char *rates) {
  char *path = init_file(name);
  char *sql =
      str("DELETE FROM price WHERE kind = 'gpu' AND sku = 'L40S' AND as_of <> "
          "(SELECT min(as_of) FROM price WHERE kind = 'gpu' AND sku = 'L40S');"
          "UPDATE price SET currency = 'EUR', amount_minor = 800000, as_of = '2026-11-26' "
          "WHERE kind = 'gpu' AND sku = 'L40S';"
          "UPDATE price SET as_of = '2026-11-01' WHERE kind = 'server' AND sku = 'R760XA'; %s",
          rates);
  tu_db_exec(path, sql);
  free(sql);
  return path;
}

/* --- exchange rates --------------------------------------------------------------- */

static void test_eur_priced_gpu_is_quoted_in_usd_at_the_catalog_rate(void **state) {
  (void)state;
  char *path = eur_priced_l40s(
      "fx.db", "INSERT INTO exchange_rate (from_currency, to_currency, rate_e9, as_of, source) "
               "VALUES ('EUR', 'USD', 1085000000, '2026-11-01', 'ECB (test)')");
  gsz_catalog *cat = open_at(path, "2026-11-30");
  const gsz_catalog_data *d = gsz_catalog_get(cat);
  const gsz_fx_rate *fx = gsz_catalog_find_fx_rate(d, "EUR", "USD");
  assert_non_null(fx);
  assert_int_equal(fx->rate, 1085000000);
  assert_string_equal(fx->as_of, "2026-11-01");
  assert_null(gsz_catalog_find_fx_rate(d, "USD", "EUR")); /* one way only */

  /* The catalog pricer: 8,000.00 EUR x 1.085 = 8,680.00 USD, saying why. */
  gsz_pricer p;
  gsz_catalog_pricer(&p, d);
  assert_string_equal(p.currency, "USD");
  gsz_diag diag;
  gsz_price price = price_of(&p, d, "L40S", "R760XA", 2, GSZ_OK, &diag);
  const gsz_price_line *gpu = line_of(&price, GSZ_LINE_GPU);
  assert_int_equal(gpu->unit_minor, 868000);
  assert_int_equal(gpu->amount_minor, 2 * 868000);
  assert_true(tu_contains(gpu->detail, "x 1.085 EUR->USD (catalog exchange_rate of 2026-11-01)"));

  /* The empty overlay (what quote uses without --pricing) converts the same. */
  gsz_overlay *ov = NULL;
  gsz_overlay_options opts = {"2026-11-30", false};
  assert_int_equal(gsz_overlay_parse(&ov, NULL, NULL, NULL, 0, d, &opts, &diag), GSZ_OK);
  long l40s = gsz_catalog_find_item(d, GSZ_ITEM_GPU, "L40S");
  gsz_effective_price e;
  gsz_overlay_unit_price(&e, ov, "gpu", (size_t)l40s);
  assert_true(e.priced);
  assert_int_equal(e.unit_minor, 868000);
  assert_int_equal(e.source_minor, 800000);
  assert_string_equal(e.source_currency, "EUR");
  assert_true(tu_contains(e.conversion, "x 1.085 EUR->USD"));
  assert_true(tu_contains(e.conversion, "catalog's exchange_rate of 2026-11-01"));
  gsz_overlay_free(ov);
  gsz_catalog_free(cat);

  /* Through the program: quoted, not NO_PRICE. */
  tu_result r;
  const char *const env[] = {"GPUSIZER_PRICING=", NULL};
  RUN_ENV(&r, env, "quote", "--db", path, "--model", "llama-3-8b", "--gpu", "L40S", "--format",
          "json");
  expect(&r, 0, "\"unit_minor\": 868000", NULL);
  tu_result_free(&r);
  free(path);
}

static void test_overlay_fx_wins_over_the_catalog_rate(void **state) {
  (void)state;
  char *path = eur_priced_l40s(
      "fx2.db", "INSERT INTO exchange_rate (from_currency, to_currency, rate_e9, as_of, source) "
                "VALUES ('EUR', 'USD', 1085000000, '2026-11-01', 'ECB (test)')");
  gsz_catalog *cat = open_at(path, "2026-11-30");
  const gsz_catalog_data *d = gsz_catalog_get(cat);
  static const char text[] = "fx: {EUR: \"1.10\"}\n";
  const char *const texts[] = {text};
  const size_t lens[] = {sizeof text - 1};
  const char *const labels[] = {"o.yaml"};
  gsz_overlay *ov = NULL;
  gsz_diag diag;
  gsz_overlay_options opts = {"2026-11-30", false};
  if (gsz_overlay_parse(&ov, texts, lens, labels, 1, d, &opts, &diag) != GSZ_OK)
    fail_msg("overlay: %s", diag.message);
  gsz_effective_price e;
  gsz_overlay_unit_price(&e, ov, "gpu", (size_t)gsz_catalog_find_item(d, GSZ_ITEM_GPU, "L40S"));
  assert_true(e.priced);
  assert_int_equal(e.unit_minor, 880000); /* 8,000.00 x 1.10, not x 1.085 */
  assert_true(tu_contains(e.conversion, "x 1.1 EUR->USD (fx at o.yaml:1:11)"));
  gsz_overlay_free(ov);

  /* An overlay quoting in EUR takes a USD price through a USD->EUR row. */
  tu_db_exec(path, "INSERT INTO exchange_rate (from_currency, to_currency, rate_e9, as_of, "
                   "source) VALUES ('USD', 'EUR', 920000000, '2026-11-01', 'ECB (test)')");
  gsz_catalog_free(cat);
  cat = open_at(path, "2026-11-30");
  d = gsz_catalog_get(cat);
  static const char eur[] = "currency: EUR\n";
  const char *const eur_texts[] = {eur};
  const size_t eur_lens[] = {sizeof eur - 1};
  if (gsz_overlay_parse(&ov, eur_texts, eur_lens, labels, 1, d, &opts, &diag) != GSZ_OK)
    fail_msg("overlay in EUR: %s", diag.message);
  gsz_overlay_unit_price(&e, ov, "gpu", (size_t)gsz_catalog_find_item(d, GSZ_ITEM_GPU, "L4"));
  assert_true(e.priced);
  int64_t want = 0; /* the L4's USD price x 0.92, rounded by the one rule */
  assert_int_equal(
      gsz_money_scale(&want, gsz_catalog_find_gpu(d, "L4")->price.amount_minor, 92, 100, NULL),
      GSZ_OK);
  assert_int_equal(e.unit_minor, want);
  assert_true(tu_contains(e.conversion, "x 0.92 USD->EUR"));
  gsz_overlay_unit_price(&e, ov, "gpu", (size_t)gsz_catalog_find_item(d, GSZ_ITEM_GPU, "L40S"));
  assert_int_equal(e.unit_minor, 800000); /* already in EUR */
  gsz_overlay_free(ov);
  gsz_catalog_free(cat);
  free(path);
}

static void test_a_rate_is_in_force_from_its_day_on(void **state) {
  (void)state;
  char *path = eur_priced_l40s(
      "fx3.db", "INSERT INTO exchange_rate (from_currency, to_currency, rate_e9, as_of, source) "
                "VALUES ('EUR', 'USD', 1000000000, '2026-11-28', 'a'), "
                "('EUR', 'USD', 1200000000, '2026-12-01', 'b')");
  static const struct {
    const char *today;
    int64_t rate; /* 0: none in force */
  } cases[] = {{"2026-11-27", 0},
               {"2026-11-28", 1000000000},
               {"2026-11-30", 1000000000},
               {"2026-12-01", 1200000000},
               {"2030-01-01", 1200000000}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    gsz_catalog *cat = open_at(path, cases[i].today);
    const gsz_catalog_data *d = gsz_catalog_get(cat);
    const gsz_fx_rate *fx = gsz_catalog_find_fx_rate(d, "EUR", "USD");
    if (cases[i].rate == 0) {
      assert_null(fx);
      gsz_pricer p;
      gsz_catalog_pricer(&p, d);
      gsz_diag diag;
      price_of(&p, d, "L40S", "R760XA", 1, GSZ_ENOTFOUND, &diag);
      assert_true(tu_contains(diag.message, "no exchange rate from EUR to USD"));
    } else {
      assert_non_null(fx);
      assert_int_equal(fx->rate, cases[i].rate);
    }
    gsz_catalog_free(cat);
  }
  free(path);
}

static void test_exchange_rate_rows_are_checked_by_the_schema(void **state) {
  (void)state;
  char *path = init_file("fxrules.db");
  static const struct {
    const char *sql, *error;
  } cases[] = {
      {"INSERT INTO exchange_rate VALUES ('EUR', 'XYZ', 1, '2026-01-01', 's')",
       "exchange_rate: unknown to_currency (see the currency table)"},
      {"INSERT INTO exchange_rate VALUES ('EUR', 'EUR', 1, '2026-01-01', 's')",
       "CHECK constraint failed: from_currency <> to_currency"},
      {"INSERT INTO exchange_rate VALUES ('EUR', 'USD', 0, '2026-01-01', 's')",
       "CHECK constraint failed: rate_e9 BETWEEN 1 AND 1000000000000000"},
      {"INSERT INTO exchange_rate VALUES ('EUR', 'USD', 1.08, '2026-01-01', 's')",
       "cannot store REAL value in INTEGER column exchange_rate.rate_e9"},
      {"INSERT INTO exchange_rate VALUES ('EUR', 'USD', 1, '2026-02-30', 's')",
       "CHECK constraint failed: date(as_of, '+0 days') IS as_of"},
      {"INSERT INTO exchange_rate VALUES ('EUR', 'USD', 1, '2026-01-01', 'a' || char(27))",
       "exchange_rate: source holds a control character (U+0001-U+001F or U+007F-U+009F)"},
      {"INSERT INTO exchange_rate VALUES ('EUR', 'USD', 1, '2026-01-01', 's');"
       "DELETE FROM currency WHERE code = 'EUR'",
       "currency: still named by price or exchange_rate rows; delete those first"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char *error = exec_error(path, cases[i].sql);
    if (strcmp(error, cases[i].error) != 0)
      fail_msg("%s: got '%s', want '%s'", cases[i].sql, error, cases[i].error);
    free(error);
  }
  free(path);
}

/* --- dates -------------------------------------------------------------------------- */

static void test_a_future_dated_price_is_not_current_until_its_day(void **state) {
  (void)state;
  char *path = init_file("dates.db");
  long long before = tu_db_int(path, "SELECT amount_minor FROM price_current "
                                     "WHERE kind = 'gpu' AND sku = 'L4'");
  tu_db_exec(path, "INSERT INTO price (kind, sku, amount_minor, currency, as_of, source) VALUES "
                   "('gpu', 'L4', 199900, 'USD', '2027-01-01', 'announced price cut');"
                   "INSERT INTO inventory (kind, sku, location, on_hand, reserved, "
                   "lead_time_days, as_of) VALUES ('gpu', 'L4', 'ON-ITS-WAY', 40, 0, 0, "
                   "'2027-01-01')");
  gsz_catalog *cat = open_at(path, "2026-12-31");
  const gsz_gpu *l4 = gsz_catalog_find_gpu(gsz_catalog_get(cat), "L4");
  assert_int_equal(l4->price.amount_minor, before);
  assert_true(strcmp(l4->price.as_of, "2027-01-01") < 0);
  int64_t available = l4->stock.present ? l4->stock.available : 0; /* the 40 come next year */
  assert_string_equal(gsz_catalog_get(cat)->today, "2026-12-31");
  gsz_catalog_free(cat);
  cat = open_at(path, "2027-01-01");
  l4 = gsz_catalog_find_gpu(gsz_catalog_get(cat), "L4");
  assert_int_equal(l4->price.amount_minor, 199900);
  assert_string_equal(l4->price.as_of, "2027-01-01");
  assert_true(l4->stock.present);
  assert_int_equal(l4->stock.available, available + 40);
  gsz_catalog_free(cat);

  /* The views say the same for today (UTC): a row dated tomorrow waits. */
  tu_db_exec(path, "INSERT INTO price (kind, sku, amount_minor, currency, as_of, source) "
                   "VALUES ('gpu', 'L40S', 1, 'USD', date('now', '+1 day'), 'tomorrow')");
  long long l40s = tu_db_int(path, "SELECT amount_minor FROM price WHERE kind = 'gpu' AND "
                                   "sku = 'L40S' AND as_of <= date('now') ORDER BY as_of DESC");
  assert_int_equal(tu_db_int(path, "SELECT amount_minor FROM price_current "
                                   "WHERE kind = 'gpu' AND sku = 'L40S'"),
                   l40s);
  assert_int_equal(tu_db_int(path, "SELECT count(*) FROM review_future_row WHERE tbl = 'price' "
                                   "AND key = 'gpu/L40S/' || date('now', '+1 day')"),
                   1);
  assert_int_equal(tu_db_int(path, "SELECT count(*) FROM price_history "
                                   "WHERE sku = 'L40S' AND status = 'future'"),
                   1);

  /* The program with GPUSIZER_TODAY (a testing aid, announced). */
  tu_result r;
  const char *const later[] = {"GPUSIZER_TODAY=2027-01-02", NULL};
  RUN_ENV(&r, later, "catalog", "gpus", "--db", path, "--format", "csv");
  expect(&r, 0, "L4,", "warning: GPUSIZER_TODAY is set");
  assert_true(tu_contains(r.out, ",199900,USD,"));
  tu_result_free(&r);
  const char *const bad[] = {"GPUSIZER_TODAY=2027-02-30", NULL};
  RUN_ENV(&r, bad, "catalog", "gpus", "--db", path);
  expect(&r, 2, NULL, "GPUSIZER_TODAY: '2027-02-30' is not a date (YYYY-MM-DD)");
  tu_result_free(&r);

  gsz_diag diag;
  assert_int_equal(gsz_catalog_open_at(&cat, path, "2027-02-30", &diag), GSZ_EINVAL);
  assert_true(tu_contains(diag.message, "'2027-02-30' is not a date"));
  free(path);
}

static void test_price_history_lists_every_row_with_its_status(void **state) {
  (void)state;
  char *path = init_file("history.db");
  tu_db_exec(path, "INSERT INTO price (kind, sku, amount_minor, currency, as_of, source, basis) "
                   "VALUES ('gpu', 'L40S', 900000, 'USD', '2025-01-15', 'old list', 'list'),"
                   "('gpu', 'L40S', 820000, 'USD', '2027-03-01', 'announced', NULL)");
  gsz_catalog *cat = open_at(path, "2026-12-01");
  const gsz_price_row *rows = NULL;
  size_t n = gsz_catalog_price_history(cat, GSZ_ITEM_GPU, "l40s", &rows);
  assert_int_equal(n, 3);
  /* Oldest first: the old list price, the shipped row in force, the
   * announced one. */
  assert_string_equal(rows[0].as_of, "2025-01-15");
  assert_int_equal(rows[0].amount_minor, 900000);
  assert_int_equal(rows[0].status, GSZ_PRICE_HISTORY);
  assert_string_equal(rows[0].basis, "list");
  assert_int_equal(rows[1].status, GSZ_PRICE_CURRENT);
  assert_string_equal(rows[2].as_of, "2027-03-01");
  assert_int_equal(rows[2].amount_minor, 820000);
  assert_int_equal(rows[2].status, GSZ_PRICE_FUTURE);
  assert_null(rows[2].basis);
  for (size_t i = 0; i < n; i++)
    assert_string_equal(rows[i].sku, "L40S");
  assert_int_equal(gsz_catalog_price_history(cat, GSZ_ITEM_SERVER, "L40S", &rows), 0);
  assert_int_equal(gsz_catalog_price_history(cat, GSZ_ITEM_GPU, "A10", &rows), 0); /* unpriced */
  gsz_catalog_free(cat);

  tu_result r;
  const char *const env[] = {"GPUSIZER_TODAY=2026-12-01", NULL};
  RUN_ENV(&r, env, "catalog", "prices", "--history", "L40S-48GB", "--db", path);
  expect(&r, 0,
         "price history of GPU L40S (L40S 48GB), as of 2026-12-01: 3 rows\n"
         "  as_of       status    unit price          basis\n"
         "  2025-01-15  replaced        9,000.00 USD  list\n"
         "              source: old list\n",
         NULL);
  assert_true(tu_contains(r.out, "  current   "));
  assert_true(tu_contains(r.out, "  2027-03-01  future          8,200.00 USD  -\n"
                                 "              source: announced\n"));
  tu_result_free(&r);
  RUN_ENV(&r, env, "catalog", "prices", "--history", "DGX-H100", "--db", path);
  expect(&r, 0, "price history of server DGX-H100", NULL);
  tu_result_free(&r);
  RUN_ENV(&r, env, "catalog", "prices", "--history", "H100-SXM9", "--db", path);
  expect(&r, 2, NULL, "--history: no GPU or server 'H100-SXM9' in the catalog; did you mean");
  tu_result_free(&r);
  RUN_ENV(&r, env, "catalog", "prices", "--history", "RTX-6000", "--db", path);
  expect(&r, 2, NULL, "--history: 'RTX-6000' could mean 3 different GPUs");
  tu_result_free(&r);
  RUN_ENV(&r, env, "catalog", "gpus", "--history", "L4");
  expect(&r, 2, NULL, "--history goes with 'catalog prices'");
  tu_result_free(&r);
  free(path);
}

/* --- server_gpu ranges ------------------------------------------------------------- */

/* The counts of gpu in server among the fits. */
static size_t counts_of(const gsz_catalog_data *d, const char *gpu, const char *server,
                        uint32_t *out, size_t max) {
  const gsz_gpu *g = gsz_catalog_find_gpu(d, gpu);
  const gsz_server *s = gsz_catalog_find_server(d, server);
  size_t n = 0;
  for (size_t i = 0; i < d->n_fits; i++)
    if (d->fits[i].gpu == (uint32_t)(g - d->gpus) &&
        d->fits[i].server == (uint32_t)(s - d->servers) && n < max)
      out[n++] = d->fits[i].count;
  return n;
}

static void test_a_range_row_allows_every_count_of_its_range(void **state) {
  (void)state;
  char *path = init_file("ranges.db");
  /* L4 in SYS-322GB-NR: eighteen rows become one; L40 in SYS-421GE-TNRT:
   * 2, 4, 6 and 8 (step 2), and 10 on a row of its own. */
  tu_db_exec(path, "DELETE FROM server_gpu WHERE server_sku = 'SYS-322GB-NR' AND gpu_sku = 'L4';"
                   "INSERT INTO server_gpu (server_sku, gpu_sku, gpu_count, gpu_count_max, "
                   "source) VALUES ('SYS-322GB-NR', 'L4', 1, 18, 'one row for 1..18');"
                   "DELETE FROM server_gpu WHERE server_sku = 'SYS-421GE-TNRT' AND gpu_sku = 'L40';"
                   "INSERT INTO server_gpu (server_sku, gpu_sku, gpu_count, gpu_count_max, "
                   "gpu_count_step) VALUES ('SYS-421GE-TNRT', 'L40', 2, 8, 2),"
                   "('SYS-421GE-TNRT', 'L40', 10, NULL, 1)");
  assert_int_equal(tu_db_int(path, "SELECT count(*) FROM server_gpu WHERE gpu_sku = 'L4' "
                                   "AND server_sku = 'SYS-322GB-NR'"),
                   1);
  assert_int_equal(tu_db_int(path, "SELECT count(*) FROM server_gpu_count WHERE gpu_sku = 'L4' "
                                   "AND server_sku = 'SYS-322GB-NR'"),
                   18);
  gsz_catalog *cat = open_at(path, "2026-11-30");
  const gsz_catalog_data *d = gsz_catalog_get(cat);
  uint32_t counts[32];
  size_t n = counts_of(d, "L4", "SYS-322GB-NR", counts, 32);
  assert_int_equal(n, 18);
  for (size_t i = 0; i < n; i++)
    assert_int_equal(counts[i], i + 1);
  n = counts_of(d, "L40", "SYS-421GE-TNRT", counts, 32);
  assert_int_equal(n, 5);
  static const uint32_t l40[] = {2, 4, 6, 8, 10};
  for (size_t i = 0; i < n; i++)
    assert_int_equal(counts[i], l40[i]);
  gsz_catalog_free(cat);

  /* The matcher sees them: 9 x L4 in one node is a quote (at the default
   * utilisation 0.90 the 2.25 GiB it leaves on an L4 cannot hold the CUDA
   * graphs and NCCL of a multi-GPU vLLM, 2.47 GiB). */
  tu_result r;
  RUN_ENV(&r, NULL, "quote", "--db", path, "--model", "llama-3-70b", "--gpu", "L4", "--max-nodes",
          "1", "--gpu-memory-utilization", "0.85", "--format", "json");
  expect(&r, 0, "\"server_sku\": \"SYS-322GB-NR\"", NULL);
  assert_true(tu_contains(r.out, "\"gpus_per_node\": 9,"));
  tu_result_free(&r);
  free(path);
}

static void test_bad_ranges_are_refused_by_the_schema(void **state) {
  (void)state;
  char *path = init_file("badranges.db");
  tu_db_exec(path, "DELETE FROM server_gpu WHERE server_sku = 'SYS-322GB-NR' AND gpu_sku = 'L4';"
                   "INSERT INTO server_gpu (server_sku, gpu_sku, gpu_count, gpu_count_max) "
                   "VALUES ('SYS-322GB-NR', 'L4', 1, 8)");
  static const struct {
    const char *sql, *error;
  } cases[] = {
      {"INSERT INTO server_gpu (server_sku, gpu_sku, gpu_count, gpu_count_max) "
       "VALUES ('SYS-322GB-NR', 'L40S', 4, 2)",
       "server_gpu: gpu_count_max is below gpu_count"},
      {"INSERT INTO server_gpu (server_sku, gpu_sku, gpu_count, gpu_count_max, gpu_count_step) "
       "VALUES ('SYS-322GB-NR', 'L40S', 1, 4, 0)",
       "server_gpu: gpu_count_step must be from 1 to 1024"},
      {"INSERT INTO server_gpu (server_sku, gpu_sku, gpu_count, gpu_count_max, gpu_count_step) "
       "VALUES ('SYS-322GB-NR', 'L40S', 1, 8, 4)",
       "server_gpu: gpu_count_max - gpu_count is not a multiple of gpu_count_step (a range ends "
       "on a count it allows)"},
      {"INSERT INTO server_gpu (server_sku, gpu_sku, gpu_count, gpu_count_max) "
       "VALUES ('SYS-322GB-NR', 'L40S', 1, 40)",
       "server_gpu: gpu_count_max exceeds the server max_gpus"},
      {"INSERT INTO server_gpu (server_sku, gpu_sku, gpu_count, gpu_count_max) "
       "VALUES ('SYS-322GB-NR', 'L4', 9, 20)",
       "server_gpu: gpu_count_max exceeds the server max_gpus"},
      {"INSERT INTO server_gpu (server_sku, gpu_sku, gpu_count, gpu_count_max) "
       "VALUES ('SYS-322GB-NR', 'L4', 6, 10)",
       "server_gpu: the counts overlap another row of this server and GPU (say each count once)"},
      {"INSERT INTO server_gpu (server_sku, gpu_sku, gpu_count) VALUES ('SYS-322GB-NR', 'L4', 3)",
       "server_gpu: the counts overlap another row of this server and GPU (say each count once)"},
      {"UPDATE server_gpu SET gpu_count_max = 30 WHERE server_sku = 'SYS-322GB-NR' AND "
       "gpu_sku = 'L4'",
       "server_gpu: gpu_count_max exceeds the server max_gpus"},
      {"UPDATE server SET max_gpus = 6 WHERE sku = 'SYS-322GB-NR'",
       "server: max_gpus is below a gpu_count_max in server_gpu; change those rows first"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char *error = exec_error(path, cases[i].sql);
    if (strcmp(error, cases[i].error) != 0)
      fail_msg("%s: got '%s', want '%s'", cases[i].sql, error, cases[i].error);
    free(error);
  }
  /* Growing a range in place is not an overlap with itself. */
  char *error = exec_error(path, "UPDATE server_gpu SET gpu_count_max = 18 "
                                 "WHERE server_sku = 'SYS-322GB-NR' AND gpu_sku = 'L4'");
  assert_string_equal(error, "");
  free(error);

  /* Written with the rules off: db check lists them, the loader refuses
   * what it cannot use and says where. */
  tu_db_exec(path, "PRAGMA ignore_check_constraints = ON;"
                   "DROP TRIGGER server_gpu_range_insert; DROP TRIGGER server_gpu_insert;"
                   "DELETE FROM server_gpu WHERE server_sku = 'SYS-322GB-NR' AND gpu_sku = 'L40S';"
                   "INSERT INTO server_gpu (server_sku, gpu_sku, gpu_count, gpu_count_max, "
                   "gpu_count_step) VALUES ('SYS-322GB-NR', 'L40S', 1, 8, 3),"
                   "('SYS-322GB-NR', 'L4', 5, 5, 1)");
  gsz_problem_list problems;
  gsz_diag diag;
  assert_int_equal(gsz_db_check(path, &problems, &diag), GSZ_OK);
  bool step = false, overlap = false;
  for (size_t i = 0; i < problems.count; i++) {
    step |= tu_contains(problems.lines[i], "server_gpu 'SYS-322GB-NR/L40S/1': column "
                                           "gpu_count_step: 3 breaks CHECK");
    overlap |= tu_contains(problems.lines[i], "server_gpu 'SYS-322GB-NR/L4/1': its counts "
                                              "overlap the row SYS-322GB-NR/L4/5");
  }
  if (!step || !overlap)
    for (size_t i = 0; i < problems.count; i++)
      print_message("problem: %s\n", problems.lines[i]);
  assert_true(step);
  assert_true(overlap);
  gsz_problem_list_free(&problems);
  gsz_catalog *cat = NULL;
  assert_int_equal(gsz_catalog_open(&cat, path, &diag), GSZ_ESCHEMA);
  assert_true(tu_contains(diag.message, "server_gpu 'SYS-322GB-NR/L40S/1': column gpu_count_step: "
                                        "3, expected a step that reaches gpu_count_max 8"));
  free(path);
}

/* --- names that could mean several GPUs ------------------------------------------------ */

static void test_an_ambiguous_name_is_refused_with_its_candidates(void **state) {
  (void)state;
  gsz_catalog *cat = open_at(NULL, NULL);
  const gsz_catalog_data *d = gsz_catalog_get(cat);
  assert_null(gsz_catalog_find_gpu(d, "RTX-6000"));
  assert_null(gsz_catalog_find_gpu(d, "rtx-pro-6000"));
  assert_non_null(gsz_catalog_find_gpu(d, "gb300")); /* the NVL72 GPU, one meaning */
  const gsz_alias_candidate *c = NULL;
  assert_int_equal(gsz_catalog_gpu_candidates(d, "rtx-6000", &c), 3);
  assert_string_equal(c[0].candidate, "QUADRO-RTX-6000");
  assert_false(c[0].in_catalog);
  assert_string_equal(c[1].candidate, "RTX-6000-ADA");
  assert_true(c[1].in_catalog);
  assert_string_equal(c[2].candidate, "RTX-PRO-6000-BW");
  assert_int_equal(gsz_catalog_gpu_candidates(d, "RTX-PRO-6000", &c), 3);
  assert_string_equal(c[2].candidate, "RTX-PRO-6000-BW-SE");
  assert_int_equal(gsz_catalog_gpu_candidates(d, "GB300", &c), 0);
  assert_int_equal(gsz_catalog_gpu_candidates(d, "H100", &c), 0); /* one meaning */
  assert_non_null(gsz_catalog_find_gpu(d, "RTX6000ADA"));         /* still there */
  gsz_catalog_free(cat);

  /* The request says every candidate, not "unknown GPU". */
  tu_result r;
  RUN_ENV(&r, NULL, "quote", "--model", "llama-3-8b", "--gpu", "rtx-6000");
  expect(&r, 2, NULL,
         "gpusizer quote: --gpu: 'rtx-6000' could mean 3 different GPUs: QUADRO-RTX-6000 (not in "
         "this catalog): Quadro RTX 6000 (Turing): 24 GB GDDR6, 2018; RTX-6000-ADA: RTX 6000 Ada "
         "Generation: 48 GB GDDR6, 2022; RTX-PRO-6000-BW: RTX PRO 6000 Blackwell: 96 GB GDDR7, "
         "2025 (sold as \"RTX 6000 Pro\"); name one by its SKU (see 'gpusizer catalog gpus')");
  assert_false(tu_contains(r.err, "unknown GPU"));
  tu_result_free(&r);
  RUN_ENV(&r, NULL, "quote", "--model", "llama-3-8b", "--explain", "RTX-PRO-6000");
  expect(&r, 2, NULL,
         "--explain: 'RTX-PRO-6000' could mean 3 different GPUs: RTX-PRO-6000-BW: Workstation "
         "Edition: 600 W, active cooling; RTX-PRO-6000-BW-MAXQ: Max-Q Workstation Edition: 300 W;");
  tu_result_free(&r);
  RUN_ENV(&r, NULL, "size", "--model", "llama-3-8b", "--gpu", "rtx-pro-6000");
  expect(&r, 2, NULL, "could mean 3 different GPUs");
  tu_result_free(&r);
}

static void test_ambiguous_names_are_held_by_triggers(void **state) {
  (void)state;
  char *path = init_file("ambiguous.db");
  static const struct {
    const char *sql, *error;
  } cases[] = {
      {"INSERT INTO gpu_alias (alias, gpu_sku) VALUES ('RTX-6000', 'RTX-6000-ADA')",
       "gpu_alias: alias is an ambiguous name (see gpu_alias_ambiguous); delete those rows first"},
      {"INSERT INTO gpu_alias_ambiguous (alias, candidate) VALUES ('H100', 'H100-PCIE-80GB')",
       "gpu_alias_ambiguous: alias is a gpu_alias row, which means one GPU; delete that row first"},
      {"INSERT INTO gpu_alias_ambiguous (alias, candidate) VALUES ('L4', 'L40')",
       "gpu_alias_ambiguous: alias is a GPU SKU; a SKU always means its GPU"},
      {"INSERT INTO gpu_alias_ambiguous (alias, candidate) VALUES ('A-100', 'A100-SXM9')",
       "gpu_alias_ambiguous: unknown candidate (see the gpu table; in_catalog = 0 for a product "
       "the catalog does not hold)"},
      {"INSERT INTO gpu_alias_ambiguous (alias, candidate, in_catalog, note) "
       "VALUES ('A-100', 'L4', 0, 'n')",
       "gpu_alias_ambiguous: candidate is a GPU of the catalog; set in_catalog = 1"},
      {"INSERT INTO gpu_alias_ambiguous (alias, candidate, in_catalog) VALUES ('A-100', 'X', 0)",
       "CHECK constraint failed: in_catalog = 1 OR note IS NOT NULL"},
      {"DELETE FROM price WHERE kind = 'gpu' AND sku = 'RTX-6000-ADA';"
       "DELETE FROM inventory WHERE kind = 'gpu' AND sku = 'RTX-6000-ADA';"
       "DELETE FROM server_gpu WHERE gpu_sku = 'RTX-6000-ADA';"
       "DELETE FROM gpu_alias WHERE gpu_sku = 'RTX-6000-ADA';"
       "DELETE FROM gpu WHERE sku = 'RTX-6000-ADA'",
       "gpu: still a candidate of an ambiguous name (gpu_alias_ambiguous); delete those rows "
       "first"},
      {"INSERT INTO gpu (sku, vendor, name, form_factor, memory_mib, usable_mib, bandwidth_gbs, "
       "tflops_bf16, tdp_w) VALUES ('RTX-PRO-6000', 'NVIDIA', 'x', 'SXM', 1, 1, 1, 1, 1)",
       "gpu: sku is an ambiguous name in gpu_alias_ambiguous; delete those rows first"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char *error = exec_error(path, cases[i].sql);
    if (strcmp(error, cases[i].error) != 0)
      fail_msg("%s: got '%s', want '%s'", cases[i].sql, error, cases[i].error);
    free(error);
  }
  /* A maintainer adds a name of their own: refused with its candidates. */
  tu_db_exec(path, "INSERT INTO gpu_alias_ambiguous (alias, candidate) VALUES "
                   "('A100-80', 'A100-SXM4-80GB'), ('A100-80', 'A100-PCIE-80GB')");
  tu_result r;
  RUN_ENV(&r, NULL, "quote", "--db", path, "--model", "llama-3-8b", "--gpu", "a100-80");
  expect(&r, 2, NULL, "'a100-80' could mean 2 different GPUs: A100-PCIE-80GB; A100-SXM4-80GB;");
  tu_result_free(&r);
  free(path);
}

/* --- db check and the review views --------------------------------------------------- */

static bool has_line(const gsz_problem_list *l, const char *text) {
  for (size_t i = 0; i < l->count; i++)
    if (strcmp(l->lines[i], text) == 0)
      return true;
  return false;
}

static void print_lists(const gsz_problem_list *p, const gsz_problem_list *w) {
  for (size_t i = 0; i < p->count; i++)
    print_message("problem: %s\n", p->lines[i]);
  for (size_t i = 0; i < w->count; i++)
    print_message("warning: %s\n", w->lines[i]);
}

static void test_db_check_flags_zero_stale_future_and_unconvertible_prices(void **state) {
  (void)state;
  char *path = init_file("review.db");
  tu_db_exec(
      path, "INSERT INTO price (kind, sku, amount_minor, currency, as_of, source) VALUES "
            "('gpu', 'L4', 0, 'USD', '2026-11-27', 'free?'),"
            "('gpu', 'L40', 700000, 'USD', '2027-01-01', 'announced'),"
            "('server', 'ST650-V2', 1000000, 'USD', '2020-01-01', 'an old quote');"
            "UPDATE price SET currency = 'EUR' WHERE kind = 'gpu' AND sku = 'A40';"
            "INSERT INTO exchange_rate VALUES ('EUR', 'USD', 1100000000, '2099-02-01', 'later');"
            "INSERT INTO gpu (sku, vendor, name, form_factor, memory_mib, usable_mib, "
            "bandwidth_gbs, tflops_bf16, tdp_w, architecture) VALUES ('SOON', 'V', 'Soon', 'PCIe', "
            "10, 10, 1, 1, 1, 'ada');"
            "INSERT INTO server_gpu (server_sku, gpu_sku, gpu_count) VALUES ('R760XA', 'SOON', 1);"
            "INSERT INTO price (kind, sku, amount_minor, currency, as_of, source) VALUES "
            "('gpu', 'SOON', 100, 'USD', '2027-05-01', 'launch')");
  gsz_problem_list problems, warnings;
  gsz_diag diag;
  gsz_check_options opts = {"2026-11-30", 0};
  assert_int_equal(gsz_db_check_with(path, &opts, &problems, &warnings, &diag), GSZ_OK);
  bool ok = problems.count == 2 &&
            has_line(&problems, "price 'gpu/L4/2026-11-27': amount_minor is 0: the item would be "
                                "quoted free (a server whose price includes its GPUs says so "
                                "with gpus_included)") &&
            has_line(&problems, "price 'gpu/A40/2026-11-30': priced in EUR with no exchange_rate "
                                "row to USD in force, the currency most prices are in: quotes "
                                "cannot convert it (add an exchange_rate row)") &&
            warnings.count == 4 &&
            has_line(&warnings, "gpu 'SOON': sellable, but every price of it is dated after "
                                "today: no quote offers it before '2027-05-01'") &&
            has_line(&warnings, "price 'gpu/L40/2027-01-01': dated after today: not in force "
                                "until '2027-01-01'") &&
            has_line(&warnings, "price 'gpu/SOON/2027-05-01': dated after today: not in force "
                                "until '2027-05-01'") &&
            has_line(&warnings, "exchange_rate 'EUR/USD/2099-02-01': dated after today: not in "
                                "force until '2099-02-01'");
  if (!ok)
    print_lists(&problems, &warnings);
  assert_true(ok);
  gsz_problem_list_free(&problems);
  gsz_problem_list_free(&warnings);

  /* The age: 2020-01-01 is 2525 days before 2026-11-30. */
  opts.max_price_age_days = 2524;
  assert_int_equal(gsz_db_check_with(path, &opts, &problems, &warnings, &diag), GSZ_OK);
  ok = warnings.count == 5 &&
       has_line(&warnings, "price 'server/ST650-V2/2020-01-01': the price in force on 2026-11-30 "
                           "is 2525 days old, more than 2524: check it and add a newer row");
  if (!ok)
    print_lists(&problems, &warnings);
  assert_true(ok);
  gsz_problem_list_free(&problems);
  gsz_problem_list_free(&warnings);
  opts.max_price_age_days = 2525;
  assert_int_equal(gsz_db_check_with(path, &opts, &problems, &warnings, &diag), GSZ_OK);
  assert_int_equal(warnings.count, 4);
  gsz_problem_list_free(&problems);
  gsz_problem_list_free(&warnings);
  opts.today = "2026-02-30";
  assert_int_equal(gsz_db_check_with(path, &opts, &problems, &warnings, &diag), GSZ_EINVAL);

  /* The program: problems, then warnings; the flag and its default. */
  tu_result r;
  const char *const env[] = {"GPUSIZER_TODAY=2026-11-30", NULL};
  RUN_ENV(&r, env, "db", "check", path, "--max-price-age-days", "2524");
  expect(&r, 3, "price 'gpu/L4/2026-11-27': amount_minor is 0", "gpusizer db check: 2 problems in");
  assert_true(tu_contains(r.out, "\nwarning: price 'server/ST650-V2/2020-01-01': the price in "
                                 "force on 2026-11-30 is 2525 days old, more than 2524: check it "
                                 "and add a newer row\n"));
  assert_true(tu_contains(r.err, "warning: GPUSIZER_TODAY is set"));
  tu_result_free(&r);
  RUN_ENV(&r, env, "db", "check", path);
  expect(&r, 3, "is 2525 days old, more than 365", NULL);
  tu_result_free(&r);
  RUN_ENV(&r, env, "db", "check", "--max-price-age-days", "many", path);
  expect(&r, 2, NULL, "--max-price-age-days: ");
  tu_result_free(&r);
  RUN_ENV(&r, env, "db", "init", path, "--max-price-age-days", "9");
  expect(&r, 2, NULL, "--max-price-age-days applies only to 'db check'");
  tu_result_free(&r);

  /* The built-in catalog is healthy: warnings do not change that. */
  RUN_ENV(&r, env, "db", "check");
  expect(&r, 0, "built-in catalog: ok (integrity, foreign keys, catalog sanity)", NULL);
  tu_result_free(&r);
  free(path);
}

static void test_review_views_answer_the_common_questions(void **state) {
  (void)state;
  char *path = init_file("views.db");
  assert_int_equal(tu_db_int(path, "SELECT count(*) FROM catalog_issue_maintenance"), 0);
  assert_int_equal(tu_db_int(path, "SELECT count(*) FROM review_future_row"), 0);
  tu_db_exec(path,
             "INSERT INTO gpu (sku, vendor, name, form_factor, memory_mib, usable_mib, "
             "bandwidth_gbs, tflops_bf16, tdp_w, sellable) VALUES "
             "('ALONE', 'V', 'Alone', 'PCIe', 10, 10, 1, 1, 1, 0);"
             "INSERT INTO server (sku, vendor, name, gpu_form_factor, max_gpus, rack_units, psu_w, "
             "sellable) VALUES ('UNPRICED', 'V', 'Unpriced', 'PCIe', 2, 2, 2000, 0);"
             "INSERT INTO price (kind, sku, amount_minor, currency, as_of, source) VALUES "
             "('gpu', 'L4', 100, 'USD', '2001-01-01', 'ancient'),"
             "('gpu', 'ALONE', 100, 'USD', '2001-01-01', 'ancient'),"
             "('server', 'UNPRICED', 100, 'USD', '2099-01-01', 'some day');"
             "INSERT INTO exchange_rate VALUES ('EUR', 'USD', 1085000000, '2026-01-02', 's')");
  assert_int_equal(tu_db_int(path, "SELECT sellable FROM review_gpu_without_server "
                                   "WHERE sku = 'ALONE'"),
                   0);
  assert_int_equal(tu_db_int(path, "SELECT count(*) FROM review_gpu_without_server "
                                   "WHERE sku = 'L4'"),
                   0);
  assert_int_equal(tu_db_int(path, "SELECT count(*) FROM review_server_without_price "
                                   "WHERE sku = 'UNPRICED' AND first_price_as_of = '2099-01-01'"),
                   1);
  assert_int_equal(tu_db_int(path, "SELECT count(*) FROM review_price_stale "
                                   "WHERE sku = 'ALONE' AND age_days > 9000"),
                   1);
  assert_int_equal(tu_db_int(path, "SELECT count(*) FROM review_price_stale WHERE sku = 'L4'"),
                   0); /* its 2001 row is history, not the price in force */
  assert_int_equal(tu_db_int(path, "SELECT count(*) FROM review_future_row "
                                   "WHERE key = 'server/UNPRICED/2099-01-01'"),
                   1);
  assert_int_equal(tu_db_int(path, "SELECT count(*) FROM price_history "
                                   "WHERE sku = 'L4' AND as_of = '2001-01-01' AND "
                                   "status = 'replaced'"),
                   1);
  assert_int_equal(tu_db_int(path, "SELECT count(*) FROM exchange_rate_current "
                                   "WHERE rate = '1.085'"),
                   1);

  /* db check reads every view named catalog_issue*, a maintainer's too. */
  tu_db_exec(path, "CREATE VIEW catalog_issue_house_rules AS SELECT 'gpu' AS kind, sku, "
                   "'house rule: no consumer cards' AS problem FROM gpu WHERE datacenter_ok = 0;"
                   "CREATE VIEW catalog_issue_broken AS SELECT nope FROM gpu");
  gsz_problem_list problems;
  gsz_diag diag;
  assert_int_equal(gsz_db_check(path, &problems, &diag), GSZ_OK);
  bool ok = problems.count == 4 &&
            has_line(&problems, "server 'UNPRICED': server accepts no GPU (add server_gpu rows)") &&
            has_line(&problems, "gpu 'RTX-4090': house rule: no consumer cards") &&
            has_line(&problems, "gpu 'RTX-5090': house rule: no consumer cards") &&
            has_line(&problems, "catalog_issue_broken: the view cannot be read: no such column: "
                                "nope (a catalog_issue view lists kind, sku, problem)");
  if (!ok)
    for (size_t i = 0; i < problems.count; i++)
      print_message("problem: %s\n", problems.lines[i]);
  assert_true(ok);
  gsz_problem_list_free(&problems);
  free(path);
}

/* --- the stored schema-1 file -------------------------------------------------------- */

static void test_the_stored_schema_1_file_migrates_to_schema_3_and_quotes(void **state) {
  (void)state;
  char *path = tu_path(dir, "v0.1.0.db");
  tu_copy_file(GSZ_TEST_DATA "/catalogs/schema1-v0.1.0.db", path);
  int from = 0, to = 0;
  gsz_migration_step steps[8];
  size_t n = 0;
  gsz_diag diag;
  if (gsz_db_migrate(path, &from, &to, steps, 8, &n, &diag) != GSZ_OK)
    fail_msg("migrate: %s", diag.message);
  assert_int_equal(from, 1);
  assert_int_equal(to, gsz_catalog_schema_version());
  assert_int_equal(n, (size_t)to - 1);
  assert_string_equal(steps[3].name, "0005_catalog_maintenance.sql");

  /* Its rows are all there, counts as they were, the guessing aliases
   * now ambiguous names, and new tables empty. */
  assert_int_equal(tu_db_int(path, "SELECT count(*) FROM server_gpu WHERE gpu_count_max IS NULL "
                                   "AND gpu_count_step = 1"),
                   tu_db_int(path, "SELECT count(*) FROM server_gpu"));
  assert_int_equal(tu_db_int(path, "SELECT count(*) FROM gpu_alias "
                                   "WHERE alias IN ('RTX-6000', 'GB300')"),
                   0);
  assert_int_equal(tu_db_int(path, "SELECT count(*) FROM gpu_alias_ambiguous"), 5);
  assert_int_equal(tu_db_int(path, "SELECT count(*) FROM exchange_rate"), 0);

  gsz_catalog *cat = open_at(path, "2026-11-30");
  const gsz_catalog_data *d = gsz_catalog_get(cat);
  /* Its own rows, not the built-in catalog's: migrating adds no products. */
  assert_int_equal(d->n_gpus, tu_db_int(path, "SELECT count(*) FROM gpu"));
  assert_int_equal(d->n_gpus, 28);
  assert_int_equal(d->n_gpu_alias_candidates, 5);
  assert_null(gsz_catalog_find_gpu(d, "RTX-6000"));
  gsz_catalog_free(cat);

  gsz_problem_list problems, warnings;
  gsz_check_options opts = {"2026-11-30", GSZ_CHECK_MAX_PRICE_AGE_DAYS};
  assert_int_equal(gsz_db_check_with(path, &opts, &problems, &warnings, &diag), GSZ_OK);
  if (problems.count != 0 || warnings.count != 3)
    print_lists(&problems, &warnings);
  assert_int_equal(problems.count, 0);
  assert_int_equal(warnings.count, 3); /* the three old server prices */
  gsz_problem_list_free(&problems);
  gsz_problem_list_free(&warnings);

  tu_result r;
  RUN_ENV(&r, NULL, "quote", "--db", path, "--model", "llama-3-70b", "--format", "json");
  expect(&r, 0, "\"best\"", NULL);
  tu_result_free(&r);
  RUN_ENV(&r, NULL, "quote", "--db", path, "--model", "llama-3-8b", "--gpu", "RTX-6000");
  expect(&r, 2, NULL, "could mean 3 different GPUs");
  tu_result_free(&r);
  free(path);
}

/* --- the CSV reader ------------------------------------------------------------------- */

static void test_batch_reads_semicolon_separated_spreadsheet_exports(void **state) {
  (void)state;
  static const char text[] = "\xEF\xBB\xBFid;model;gpu;context\r\n"
                             "a;llama-3-8b;\"H100;L40S\";4096\r\n"
                             "b;llama-3-70b;;8192\r\n";
  gsz_batch_input *in = NULL;
  gsz_diag diag;
  assert_int_equal(gsz_batch_parse(&in, text, sizeof text - 1, "x.csv", GSZ_BATCH_CSV, &diag),
                   GSZ_OK);
  assert_int_equal(in->n_columns, 4);
  assert_string_equal(in->columns[0], "id");
  assert_string_equal(in->columns[3], "context");
  assert_int_equal(in->n_rows, 2);
  assert_string_equal(in->rows[0].values[2], "H100;L40S"); /* a quoted list stays one cell */
  assert_null(in->rows[1].values[2]);
  assert_string_equal(in->rows[1].values[3], "8192");
  gsz_batch_input_free(in);
  /* Commas stay commas, even with a ';' inside a value. */
  static const char commas[] = "id,gpu\na,H100;L40S\n";
  assert_int_equal(gsz_batch_parse(&in, commas, sizeof commas - 1, "y.csv", GSZ_BATCH_CSV, &diag),
                   GSZ_OK);
  assert_int_equal(in->n_columns, 2);
  assert_string_equal(in->rows[0].values[1], "H100;L40S");
  gsz_batch_input_free(in);
}

static int setup(void **state) {
  (void)state;
  dir = tu_tmpdir();
  return 0;
}

static int teardown(void **state) {
  (void)state;
  tu_rmdir_all(dir);
  dir = NULL;
  return 0;
}

int main(void) {
#define TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
  const struct CMUnitTest tests[] = {
      TEST(test_eur_priced_gpu_is_quoted_in_usd_at_the_catalog_rate),
      TEST(test_overlay_fx_wins_over_the_catalog_rate),
      TEST(test_a_rate_is_in_force_from_its_day_on),
      TEST(test_exchange_rate_rows_are_checked_by_the_schema),
      TEST(test_a_future_dated_price_is_not_current_until_its_day),
      TEST(test_price_history_lists_every_row_with_its_status),
      TEST(test_a_range_row_allows_every_count_of_its_range),
      TEST(test_bad_ranges_are_refused_by_the_schema),
      TEST(test_an_ambiguous_name_is_refused_with_its_candidates),
      TEST(test_ambiguous_names_are_held_by_triggers),
      TEST(test_db_check_flags_zero_stale_future_and_unconvertible_prices),
      TEST(test_review_views_answer_the_common_questions),
      TEST(test_the_stored_schema_1_file_migrates_to_schema_3_and_quotes),
      TEST(test_batch_reads_semicolon_separated_spreadsheet_exports),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
