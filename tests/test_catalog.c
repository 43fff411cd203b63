/* test_catalog.c: the catalog schema and its files: migrations apply whole
 * or not at all, integrity rules are enforced by SQLite itself, catalog
 * files are checked before use, `db init` writes exactly the built-in
 * catalog and never clobbers, `db check` finds planted problems, and the
 * shipped data holds the reference facts. */
#include "testutil.h"

#include "catalog/catalog_image_int.h"
#include "catalog/db_int.h"
#include "catalog/embedded_int.h"
#include "gpusizer/catalog.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* --- helpers ------------------------------------------------------------ */

static gsz_catalog *open_builtin(void) {
  gsz_catalog *cat = NULL;
  gsz_diag diag;
  gsz_diag_clear(&diag);
  if (gsz_catalog_open(&cat, NULL, &diag) != GSZ_OK)
    fail_msg("built-in catalog: %s", diag.message);
  return cat;
}

static sqlite3 *open_rw(const char *path) {
  sqlite3 *db = NULL;
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  return db;
}

static int exec_rc(sqlite3 *db, const char *sql) {
  return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

static int query_int(sqlite3 *db, const char *sql) {
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  int v = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  return v;
}

/* Every row of every table, as text, for comparing two databases. */
static char *dump(sqlite3 *db) {
  static const char *const tables[] = {
      "currency", "number_format", "form_factor",  "gpu",   "gpu_alias",   "server",  "server_gpu",
      "price",    "inventory",     "model_family", "model", "model_alias", "runtime", "migration"};
  size_t cap = 1 << 20, len = 0;
  char *out = malloc(cap);
  out[0] = '\0';
  for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++) {
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT * FROM %s", tables[t]);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    int ncols = sqlite3_column_count(st);
    sqlite3_finalize(st);
    size_t used = (size_t)snprintf(sql, sizeof sql, "SELECT * FROM %s ORDER BY 1", tables[t]);
    for (int c = 2; c <= ncols && used < sizeof sql - 8; c++)
      used += (size_t)snprintf(sql + used, sizeof sql - used, ", %d", c);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
      for (int c = 0; c < sqlite3_column_count(st); c++) {
        const char *v = (const char *)sqlite3_column_text(st, c);
        size_t n = strlen(v ? v : "NULL") + strlen(tables[t]) + 4;
        while (len + n + 1 > cap)
          out = realloc(out, cap *= 2);
        len += (size_t)snprintf(out + len, cap - len, "%s|%s\t", tables[t], v ? v : "NULL");
      }
      out[len++] = '\n';
      out[len] = '\0';
    }
    sqlite3_finalize(st);
  }
  return out;
}

/* A database file at the current schema, written by db init. */
static char *init_file(char *dir, const char *name) {
  char *path = tu_path(dir, name);
  gsz_diag diag;
  if (gsz_db_init(path, false, &diag) != GSZ_OK)
    fail_msg("db init: %s", diag.message);
  return path;
}

/* --- the shipped catalog -------------------------------------------------- */

static void test_builtin_catalog_meets_the_minimum_contents(void **state) {
  (void)state;
  gsz_catalog *cat = open_builtin();
  const gsz_catalog_data *d = gsz_catalog_get(cat);
  assert_true(d->n_gpus >= 25);
  assert_true(d->n_servers >= 15);
  assert_true(d->n_models >= 20);
  assert_true(d->n_stock > 0);
  assert_string_equal(d->origin, "built-in");
  for (size_t i = 0; i < d->n_gpus; i++) {
    const gsz_gpu *g = &d->gpus[i];
    assert_true(g->usable_mib > 0 && g->usable_mib <= g->memory_mib);
    assert_non_null(g->source);
    if (g->price.present) {
      assert_true(g->price.amount_minor > 0);
      assert_non_null(g->price.source);
      assert_non_null(g->price.as_of);
    } else {
      assert_false(g->sellable); /* sellable implies priced */
    }
  }
  for (size_t i = 0; i < d->n_servers; i++)
    assert_true(d->servers[i].price.present || !d->servers[i].sellable);
  gsz_catalog_free(cat);
}

static void test_builtin_catalog_has_reference_formats_exactly(void **state) {
  (void)state;
  gsz_catalog *cat = open_builtin();
  const gsz_catalog_data *d = gsz_catalog_get(cat);
  tu_csv csv;
  tu_csv_read(&csv, GSZ_TEST_DATA "/reference/formats.csv");
  size_t c_name = tu_csv_col(&csv, "format"), c_elems = tu_csv_col(&csv, "block_elems"),
         c_bytes = tu_csv_col(&csv, "block_bytes");
  assert_true(csv.nrows > 10);
  for (size_t r = 1; r < csv.nrows; r++) {
    const gsz_format *f = gsz_catalog_find_format(d, csv.rows[r][c_name]);
    if (f == NULL)
      fail_msg("format %s missing from the catalog", csv.rows[r][c_name]);
    assert_int_equal(f->block_elems, strtoul(csv.rows[r][c_elems], NULL, 10));
    assert_int_equal(f->block_bytes, strtoul(csv.rows[r][c_bytes], NULL, 10));
  }
  tu_csv_free(&csv);
  gsz_catalog_free(cat);
}

static void test_builtin_catalog_reference_rows(void **state) {
  (void)state;
  gsz_catalog *cat = open_builtin();
  const gsz_catalog_data *d = gsz_catalog_get(cat);
  const gsz_gpu *h100 = gsz_catalog_find_gpu(d, "H100-SXM5-80GB");
  assert_non_null(h100);
  assert_int_equal(h100->memory_mib, 81920);
  assert_int_equal(h100->usable_mib, 81559); /* nvidia-smi, as the issue states */
  assert_int_equal(h100->tdp_w, 700);
  assert_int_equal(h100->bandwidth_gbs, 3350);
  assert_string_equal(h100->form_factor, "SXM");
  /* Every server_gpu row obeys the schema's form-factor rule. */
  for (size_t i = 0; i < d->n_fits; i++) {
    const gsz_fit *f = &d->fits[i];
    assert_string_equal(d->gpus[f->gpu].form_factor, d->servers[f->server].gpu_form_factor);
    assert_true(f->count <= d->servers[f->server].max_gpus);
  }
  /* vLLM profile: utilisation 0.90. */
  const gsz_runtime *vllm = gsz_catalog_default_runtime(d, "inference");
  assert_non_null(vllm);
  assert_int_equal(vllm->mem_util_bp, 9000);
  assert_non_null(gsz_catalog_default_runtime(d, "training"));
  gsz_catalog_free(cat);
}

static void test_lookups_ignore_case_and_resolve_aliases(void **state) {
  (void)state;
  gsz_catalog *cat = open_builtin();
  const gsz_catalog_data *d = gsz_catalog_get(cat);
  assert_ptr_equal(gsz_catalog_find_gpu(d, "h100"), gsz_catalog_find_gpu(d, "H100-SXM5-80GB"));
  assert_ptr_equal(gsz_catalog_find_gpu(d, "h100-sxm5-80gb"),
                   gsz_catalog_find_gpu(d, "H100-SXM5-80GB"));
  assert_null(gsz_catalog_find_gpu(d, "H100-SXM9"));
  static const char *const llama3_8b[] = {"llama-3-8b", "LLAMA-3-8B", "meta-llama/Meta-Llama-3-8B"};
  const gsz_arch *m = gsz_catalog_find_model(d, "Llama-3-8B");
  assert_non_null(m);
  for (size_t i = 0; i < 3; i++)
    assert_ptr_equal(gsz_catalog_find_model(d, llama3_8b[i]), m);
  static const char *const others[] = {"llama-3-70b", "qwen2.5-7b", "mixtral-8x7b"};
  for (size_t i = 0; i < 3; i++)
    assert_non_null(gsz_catalog_find_model(d, others[i]));
  assert_null(gsz_catalog_find_model(d, "llama-9-1b"));
  assert_string_equal(gsz_catalog_suggest_model(d, "lama-3-70b"), "Llama-3-70B");
  assert_string_equal(gsz_catalog_suggest_gpu(d, "H100-SXM5-80G"), "H100-SXM5-80GB");
  assert_null(gsz_catalog_suggest_model(d, "completely-different"));
  gsz_catalog_free(cat);
}

static void test_builtin_catalog_passes_db_check(void **state) {
  (void)state;
  gsz_problem_list problems;
  gsz_diag diag;
  assert_int_equal(gsz_db_check(NULL, &problems, &diag), GSZ_OK);
  for (size_t i = 0; i < problems.count; i++)
    print_message("problem: %s\n", problems.lines[i]);
  assert_int_equal(problems.count, 0);
  gsz_problem_list_free(&problems);
}

/* --- migrations ------------------------------------------------------------ */

static void test_migrations_apply_to_an_empty_database_and_are_idempotent(void **state) {
  (void)state;
  sqlite3 *db = open_rw(":memory:");
  int version = 0;
  gsz_migration_step steps[8];
  size_t n = 0;
  gsz_diag diag;
  assert_int_equal(gsz__migrate_run(db, "test", &version, steps, 8, &n, &diag), GSZ_OK);
  assert_int_equal(version, gsz_catalog_schema_version());
  assert_int_equal(n, (size_t)gsz_catalog_schema_version());
  assert_string_equal(steps[0].name, "0001_initial.sql");
  assert_int_equal(query_int(db, "PRAGMA user_version"), gsz_catalog_schema_version());
  assert_int_equal(query_int(db, "PRAGMA application_id"), GSZ_CATALOG_APPLICATION_ID);
  assert_int_equal(query_int(db, "SELECT count(*) FROM migration"), gsz_catalog_schema_version());
  /* Again: nothing to do. */
  assert_int_equal(gsz__migrate_run(db, "test", &version, steps, 8, &n, &diag), GSZ_OK);
  assert_int_equal(n, 0);
  sqlite3_close(db);
}

static void test_a_failing_migration_rolls_back_whole(void **state) {
  (void)state;
  static const gsz__sql_file files[] = {
      {"0001_ok.sql", "CREATE TABLE a (x INTEGER);", 0},
      {"0002_bad.sql", "CREATE TABLE b (x INTEGER); INSERT INTO nowhere VALUES (1);", 0},
  };
  sqlite3 *db = open_rw(":memory:");
  int version = 0;
  size_t n = 0;
  gsz_diag diag;
  assert_int_equal(exec_rc(db, "CREATE TABLE migration (version INTEGER, name TEXT)"), SQLITE_OK);
  assert_int_equal(gsz__migrate_run_files(db, files, 2, "t", &version, NULL, 0, &n, &diag),
                   GSZ_EDB);
  assert_true(tu_contains(diag.message, "0002_bad.sql"));
  assert_int_equal(version, 1);
  assert_int_equal(query_int(db, "PRAGMA user_version"), 1);
  assert_int_equal(query_int(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'b'"), 0);
  sqlite3_close(db);
}

static void test_a_migration_may_not_manage_transactions_or_attach(void **state) {
  (void)state;
  static const char *const bodies[] = {
      "CREATE TABLE c (x INTEGER); COMMIT; CREATE TABLE d (x INTEGER);",
      "ATTACH ':memory:' AS other;",
      "PRAGMA user_version = 99;",
      "SAVEPOINT s;",
  };
  for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
    gsz__sql_file file = {"0001_sneaky.sql", bodies[i], 0};
    sqlite3 *db = open_rw(":memory:");
    assert_int_equal(exec_rc(db, "CREATE TABLE migration (version INTEGER, name TEXT)"), SQLITE_OK);
    int version = 0;
    gsz_diag diag;
    assert_int_equal(gsz__migrate_run_files(db, &file, 1, "t", &version, NULL, 0, NULL, &diag),
                     GSZ_ESCHEMA);
    assert_true(tu_contains(diag.message, "may not use"));
    assert_int_equal(version, 0);
    assert_int_equal(query_int(db, "PRAGMA user_version"), 0);
    assert_int_equal(query_int(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'c'"), 0);
    sqlite3_close(db);
  }
}

static void test_db_migrate_upgrades_an_old_file_and_reports_steps(void **state) {
  (void)state;
  char *dir = tu_tmpdir();
  char *path = tu_path(dir, "old.db");
  sqlite3 *db = open_rw(path);
  /* A catalog file from before schema 1: stamped, but with no tables. */
  char sql[64];
  snprintf(sql, sizeof sql, "PRAGMA application_id = %d", GSZ_CATALOG_APPLICATION_ID);
  assert_int_equal(exec_rc(db, sql), SQLITE_OK);
  sqlite3_close(db);

  gsz_catalog *cat = NULL;
  gsz_diag diag;
  assert_int_equal(gsz_catalog_open(&cat, path, &diag), GSZ_ESCHEMA);
  assert_true(tu_contains(diag.message, "gpusizer db migrate"));
  assert_null(cat);

  int from = -1, to = -1;
  gsz_migration_step steps[8];
  size_t n = 0;
  assert_int_equal(gsz_db_migrate(path, &from, &to, steps, 8, &n, &diag), GSZ_OK);
  assert_int_equal(from, 0);
  assert_int_equal(to, gsz_catalog_schema_version());
  assert_int_equal(n, (size_t)gsz_catalog_schema_version());
  assert_int_equal(gsz_db_migrate(path, &from, &to, steps, 8, &n, &diag), GSZ_OK);
  assert_int_equal(n, 0);
  assert_int_equal(gsz_catalog_open(&cat, path, &diag), GSZ_OK);
  assert_int_equal(gsz_catalog_get(cat)->n_gpus, 0); /* schema only: migrations bring no data */
  gsz_catalog_free(cat);
  free(path);
  tu_rmdir_all(dir);
}

static void test_a_newer_catalog_is_refused(void **state) {
  (void)state;
  char *dir = tu_tmpdir();
  char *path = init_file(dir, "new.db");
  sqlite3 *db = open_rw(path);
  char sql[64];
  snprintf(sql, sizeof sql, "PRAGMA user_version = %d", gsz_catalog_schema_version() + 1);
  assert_int_equal(exec_rc(db, sql), SQLITE_OK);
  sqlite3_close(db);
  gsz_catalog *cat = NULL;
  gsz_diag diag;
  assert_int_equal(gsz_catalog_open(&cat, path, &diag), GSZ_ESCHEMA);
  assert_true(tu_contains(diag.message, "newer"));
  assert_true(tu_contains(diag.message, "upgrade gpusizer"));
  int from, to;
  assert_int_equal(gsz_db_migrate(path, &from, &to, NULL, 0, NULL, &diag), GSZ_ESCHEMA);
  db = open_rw(path);
  assert_int_equal(query_int(db, "PRAGMA user_version"), gsz_catalog_schema_version() + 1);
  sqlite3_close(db);
  free(path);
  tu_rmdir_all(dir);
}

/* --- integrity enforced by SQLite ----------------------------------------- */

static void test_constraints_reject_bad_rows(void **state) {
  (void)state;
  char *dir = tu_tmpdir();
  char *path = init_file(dir, "c.db");
  sqlite3 *db = open_rw(path); /* a plain connection: foreign_keys OFF, as in the sqlite3 shell */
  static const struct {
    const char *sql;
    const char *why;
  } bad[] = {
      {"INSERT INTO gpu (sku, vendor, name, form_factor, memory_mib, usable_mib, bandwidth_gbs, "
       "tflops_bf16, tdp_w) VALUES ('X1', 'V', 'n', 'PCIe', -1, 1, 1, 1, 1)",
       "negative memory"},
      {"INSERT INTO gpu (sku, vendor, name, form_factor, memory_mib, usable_mib, bandwidth_gbs, "
       "tflops_bf16, tdp_w) VALUES ('X2', 'V', 'n', 'PCIe', 100, 101, 1, 1, 1)",
       "usable > nominal"},
      {"INSERT INTO gpu (sku, vendor, name, form_factor, memory_mib, usable_mib, bandwidth_gbs, "
       "tflops_bf16, tdp_w) VALUES ('X3', 'V', 'n', 'PCIe', '80 GB', 1, 1, 1, 1)",
       "text in STRICT integer"},
      {"INSERT INTO gpu (sku, vendor, name, form_factor, memory_mib, usable_mib, bandwidth_gbs, "
       "tflops_bf16, tdp_w) VALUES ('bad sku', 'V', 'n', 'PCIe', 1, 1, 1, 1, 1)",
       "space in SKU"},
      {"INSERT INTO price (kind, sku, amount_minor, currency, as_of, source) "
       "VALUES ('cpu', 'L40S', 1, 'USD', '2024-01-01', 's')",
       "unknown kind"},
      {"INSERT INTO price (kind, sku, amount_minor, currency, as_of, source) "
       "VALUES ('gpu', 'L40S', -1, 'USD', '2024-01-01', 's')",
       "negative price"},
      {"INSERT INTO price (kind, sku, amount_minor, currency, as_of, source) "
       "VALUES ('gpu', 'NOPE', 1, 'USD', '2024-01-01', 's')",
       "price for unknown GPU"},
      {"INSERT INTO price (kind, sku, amount_minor, currency, as_of, source) "
       "VALUES ('gpu', 'L40S', 1, 'XXX', '2024-01-01', 's')",
       "unknown currency"},
      {"INSERT INTO price (kind, sku, amount_minor, currency, as_of, source) "
       "VALUES ('gpu', 'L40S', 1, 'USD', '2024-02-30', 's')",
       "impossible date"},
      {"INSERT INTO server_gpu (server_sku, gpu_sku, gpu_count) VALUES ('DGX-H100', 'NOPE', 8)",
       "server_gpu for unknown GPU"},
      {"INSERT INTO server_gpu (server_sku, gpu_sku, gpu_count) VALUES ('DGX-H100', 'L40S', 1)",
       "PCIe card in an SXM server"},
      {"INSERT INTO server_gpu (server_sku, gpu_sku, gpu_count) "
       "VALUES ('DGX-H100', 'H100-SXM5-80GB', 16)",
       "more GPUs than slots"},
      {"INSERT INTO inventory (kind, sku, location, on_hand, reserved, lead_time_days) "
       "VALUES ('gpu', 'L40S', 'X', 1, 2, 0)",
       "reserved > on hand"},
      {"INSERT INTO inventory (kind, sku, location, on_hand, reserved, lead_time_days) "
       "VALUES ('gpu', 'L40S', 'X', -1, 0, 0)",
       "negative stock"},
      {"DELETE FROM gpu WHERE sku = 'L40S'", "deleting a GPU still priced"},
      {"UPDATE server SET max_gpus = 1 WHERE sku = 'DGX-H100'", "max_gpus below a listed count"},
      {"INSERT INTO model (name, hidden_size, intermediate_size, num_hidden_layers, "
       "num_attention_heads, num_key_value_heads, vocab_size) VALUES ('m', 1, 1, 1, 32, 5, 1)",
       "kv heads not dividing heads"},
      {"INSERT INTO runtime (name, engine, engine_version, mem_util_bp, source) "
       "VALUES ('r', 'e', 'v', 10001, 's')",
       "utilisation above 1"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    if (exec_rc(db, bad[i].sql) == SQLITE_OK)
      fail_msg("accepted: %s", bad[i].why);
  }
  /* A GPU with only the contract columns is accepted (extras default). */
  assert_int_equal(exec_rc(db, "INSERT INTO gpu (sku, vendor, name, form_factor, memory_mib, "
                               "usable_mib, bandwidth_gbs, tflops_bf16, tdp_w) VALUES "
                               "('NEW-GPU', 'V', 'New', 'PCIe', 1024, 1000, 100, 10, 75)"),
                   SQLITE_OK);
  assert_int_equal(query_int(db, "SELECT datacenter_ok + sellable + verified FROM gpu "
                                 "WHERE sku = 'NEW-GPU'"),
                   3);
  sqlite3_close(db);
  free(path);
  tu_rmdir_all(dir);
}

/* --- db init ------------------------------------------------------------------ */

/* The compiled-in image is exactly what the embedded SQL builds today (so
 * it can never drift from migrations/ and catalog/), page for page, and
 * the catalog opened from it matches the one built from SQL. */
static void test_builtin_image_is_what_the_sql_builds(void **state) {
  (void)state;
  assert_true(gsz__catalog_image_len > 100000);
  sqlite3 *from_sql = NULL, *from_image = NULL;
  gsz_diag diag;
  assert_int_equal(gsz__db_build_from_sql(&from_sql, &diag), GSZ_OK);
  assert_int_equal(gsz__db_build_builtin(&from_image, &diag), GSZ_OK);
  sqlite3_int64 size = 0;
  unsigned char *image = sqlite3_serialize(from_sql, "main", &size, 0);
  assert_non_null(image);
  assert_int_equal(size, gsz__catalog_image_len);
  assert_memory_equal(image, gsz__catalog_image, gsz__catalog_image_len);
  sqlite3_free(image);
  char *a = dump(from_sql), *b = dump(from_image);
  assert_string_equal(a, b);
  free(a);
  free(b);
  /* Foreign keys are on, as on a catalog built from SQL. */
  sqlite3_stmt *st = NULL;
  assert_int_equal(sqlite3_prepare_v2(from_image, "PRAGMA foreign_keys", -1, &st, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  assert_int_equal(sqlite3_column_int(st, 0), 1);
  sqlite3_finalize(st);
  sqlite3_close(from_sql);
  sqlite3_close(from_image);
}

static void test_db_init_writes_the_builtin_catalog_and_never_clobbers(void **state) {
  (void)state;
  char *dir = tu_tmpdir();
  char *path = init_file(dir, "cat.db");
  sqlite3 *file = open_rw(path);
  sqlite3 *mem = NULL;
  gsz_diag diag;
  assert_int_equal(gsz__db_build_builtin(&mem, &diag), GSZ_OK);
  char *a = dump(file), *b = dump(mem);
  assert_true(strlen(a) > 10000);
  assert_string_equal(a, b);
  free(a);
  free(b);
  sqlite3_close(mem);
  sqlite3_close(file);

  /* An existing file is refused and left as it was. */
  tu_write_file(path, "precious", 8);
  assert_int_equal(gsz_db_init(path, false, &diag), GSZ_EEXIST);
  assert_true(tu_contains(diag.message, "already exists"));
  size_t len;
  char *content = tu_read_file(path, &len);
  assert_string_equal(content, "precious");
  free(content);
  /* --force replaces it whole. */
  assert_int_equal(gsz_db_init(path, true, &diag), GSZ_OK);
  gsz_catalog *cat = NULL;
  assert_int_equal(gsz_catalog_open(&cat, path, &diag), GSZ_OK);
  assert_true(gsz_catalog_get(cat)->n_gpus >= 25);
  gsz_catalog_free(cat);
  /* Nothing else was left in the directory (no temporary files). */
  char *listing = NULL;
  char cmd[256];
  snprintf(cmd, sizeof cmd, "ls -A %s | wc -l", dir);
  FILE *p = popen(cmd, "r");
  int count = 0;
  assert_int_equal(fscanf(p, "%d", &count), 1);
  pclose(p);
  assert_int_equal(count, 1);
  free(listing);
  free(path);
  tu_rmdir_all(dir);
}

static void test_db_init_into_a_missing_directory_fails_cleanly(void **state) {
  (void)state;
  gsz_diag diag;
  assert_int_equal(gsz_db_init("/nonexistent-dir/x.db", false, &diag), GSZ_EIO);
  assert_true(tu_contains(diag.message, "/nonexistent-dir/x.db"));
}

/* --- opening bad files ---------------------------------------------------------- */

static void test_bad_catalog_files_are_refused_with_a_reason(void **state) {
  (void)state;
  char *dir = tu_tmpdir();
  gsz_catalog *cat = NULL;
  gsz_diag diag;

  char *missing = tu_path(dir, "missing.db");
  assert_int_equal(gsz_catalog_open(&cat, missing, &diag), GSZ_ENOTFOUND);
  assert_true(tu_contains(diag.message, "does not exist"));
  assert_true(tu_contains(diag.message, "db init"));

  char *text = tu_path(dir, "text.db");
  const char *junk = "this is not a database, just a text file with some words in it\n";
  tu_write_file(text, junk, strlen(junk));
  assert_int_equal(gsz_catalog_open(&cat, text, &diag), GSZ_EDB);
  assert_true(tu_contains(diag.message, "not an SQLite database"));

  char *empty = tu_path(dir, "empty.db");
  tu_write_file(empty, "", 0);
  assert_int_equal(gsz_catalog_open(&cat, empty, &diag), GSZ_ESCHEMA);
  assert_true(tu_contains(diag.message, "empty database"));

  char *other = tu_path(dir, "other.db");
  sqlite3 *db = open_rw(other);
  assert_int_equal(exec_rc(db, "CREATE TABLE t (x)"), SQLITE_OK);
  sqlite3_close(db);
  assert_int_equal(gsz_catalog_open(&cat, other, &diag), GSZ_ESCHEMA);
  assert_true(tu_contains(diag.message, "not a gpusizer catalog"));

  char *dropped = init_file(dir, "dropped.db");
  db = open_rw(dropped);
  assert_int_equal(exec_rc(db, "DROP VIEW stock_available; DROP VIEW catalog_issue; "
                               "DROP VIEW price_current; DROP TABLE price"),
                   SQLITE_OK);
  sqlite3_close(db);
  assert_int_equal(gsz_catalog_open(&cat, dropped, &diag), GSZ_ESCHEMA);
  assert_true(tu_contains(diag.message, "'price'"));
  assert_true(tu_contains(diag.message, "missing the table or view"));

  assert_int_equal(gsz_catalog_open(&cat, dir, &diag), GSZ_EDB); /* a directory */
  assert_null(cat);
  free(missing);
  free(text);
  free(empty);
  free(other);
  free(dropped);
  tu_rmdir_all(dir);
}

static void test_read_only_files_and_uris_can_be_read(void **state) {
  (void)state;
  char *dir = tu_tmpdir();
  char *path = init_file(dir, "ro.db");
  assert_int_equal(chmod(path, 0444), 0);
  gsz_catalog *cat = NULL;
  gsz_diag diag;
  assert_int_equal(gsz_catalog_open(&cat, path, &diag), GSZ_OK);
  gsz_catalog_free(cat);
  char uri[512];
  snprintf(uri, sizeof uri, "file:%s?mode=ro", path);
  assert_int_equal(gsz_catalog_open(&cat, uri, &diag), GSZ_OK);
  gsz_catalog_free(cat);
  free(path);
  tu_rmdir_all(dir);
}

/* --- db check ------------------------------------------------------------------- */

static void test_db_check_reports_planted_problems(void **state) {
  (void)state;
  char *dir = tu_tmpdir();
  char *path = init_file(dir, "check.db");
  sqlite3 *db = open_rw(path);
  assert_int_equal(exec_rc(db, "INSERT INTO gpu (sku, vendor, name, form_factor, memory_mib, "
                               "usable_mib, bandwidth_gbs, tflops_bf16, tdp_w) VALUES "
                               "('LONELY', 'V', 'Lonely', 'PCIe', 1024, 1000, 100, 10, 75)"),
                   SQLITE_OK);
  assert_int_equal(exec_rc(db, "UPDATE gpu SET tdp_w = 5000 WHERE sku = 'L4'"), SQLITE_OK);
  sqlite3_close(db);
  gsz_problem_list problems;
  gsz_diag diag;
  assert_int_equal(gsz_db_check(path, &problems, &diag), GSZ_OK);
  bool no_price = false, no_server = false, power = false;
  for (size_t i = 0; i < problems.count; i++) {
    no_price |= tu_contains(problems.lines[i], "'LONELY': sellable GPU has no price");
    no_server |= tu_contains(problems.lines[i], "'LONELY': sellable GPU is accepted by no server");
    power |= tu_contains(problems.lines[i], "L4") && tu_contains(problems.lines[i], "psu_w");
  }
  assert_true(no_price);
  assert_true(no_server);
  assert_true(power);
  gsz_problem_list_free(&problems);
  free(path);
  tu_rmdir_all(dir);
}

static void test_catalog_reads_a_maintainers_edit(void **state) {
  (void)state;
  char *dir = tu_tmpdir();
  char *path = init_file(dir, "edit.db");
  sqlite3 *db = open_rw(path);
  /* A newer price row wins; stock sums over locations. */
  assert_int_equal(exec_rc(db,
                           "INSERT INTO price (kind, sku, amount_minor, currency, as_of, source) "
                           "VALUES ('gpu', 'L40S', 123456, 'USD', '2099-01-01', 'test')"),
                   SQLITE_OK);
  assert_int_equal(exec_rc(db, "DELETE FROM inventory WHERE kind = 'gpu' AND sku = 'L4';"
                               "INSERT INTO inventory (kind, sku, location, on_hand, reserved, "
                               "lead_time_days) VALUES ('gpu', 'L4', 'A', 5, 2, 10), "
                               "('gpu', 'L4', 'B', 3, 0, 4)"),
                   SQLITE_OK);
  sqlite3_close(db);
  gsz_catalog *cat = NULL;
  gsz_diag diag;
  /* On a day when the 2099 row is in force (before it, the row waits). */
  assert_int_equal(gsz_catalog_open_at(&cat, path, "2099-06-01", &diag), GSZ_OK);
  const gsz_catalog_data *d = gsz_catalog_get(cat);
  const gsz_gpu *l40s = gsz_catalog_find_gpu(d, "L40S");
  assert_int_equal(l40s->price.amount_minor, 123456);
  assert_string_equal(l40s->price.as_of, "2099-01-01");
  const gsz_gpu *l4 = gsz_catalog_find_gpu(d, "L4");
  assert_true(l4->stock.present);
  assert_int_equal(l4->stock.on_hand, 8);
  assert_int_equal(l4->stock.reserved, 2);
  assert_int_equal(l4->stock.available, 6);
  assert_int_equal(l4->stock.lead_time_days, 4);
  gsz_catalog_free(cat);
  free(path);
  tu_rmdir_all(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_builtin_catalog_meets_the_minimum_contents),
      cmocka_unit_test(test_builtin_catalog_has_reference_formats_exactly),
      cmocka_unit_test(test_builtin_catalog_reference_rows),
      cmocka_unit_test(test_lookups_ignore_case_and_resolve_aliases),
      cmocka_unit_test(test_builtin_catalog_passes_db_check),
      cmocka_unit_test(test_migrations_apply_to_an_empty_database_and_are_idempotent),
      cmocka_unit_test(test_a_failing_migration_rolls_back_whole),
      cmocka_unit_test(test_a_migration_may_not_manage_transactions_or_attach),
      cmocka_unit_test(test_db_migrate_upgrades_an_old_file_and_reports_steps),
      cmocka_unit_test(test_a_newer_catalog_is_refused),
      cmocka_unit_test(test_constraints_reject_bad_rows),
      cmocka_unit_test(test_builtin_image_is_what_the_sql_builds),
      cmocka_unit_test(test_db_init_writes_the_builtin_catalog_and_never_clobbers),
      cmocka_unit_test(test_db_init_into_a_missing_directory_fails_cleanly),
      cmocka_unit_test(test_bad_catalog_files_are_refused_with_a_reason),
      cmocka_unit_test(test_read_only_files_and_uris_can_be_read),
      cmocka_unit_test(test_db_check_reports_planted_problems),
      cmocka_unit_test(test_catalog_reads_a_maintainers_edit),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
