/* test_catalog_integrity.c: hostile and damaged catalog files, end to end
 * through the real binary: a file left with an unfinished transaction
 * (a hot journal, a write-ahead log), rows that break the schema's rules
 * (written with ignore_check_constraints, or after writable_schema edits),
 * NULLs in number columns, control characters in text, and the upgrade of
 * a stored schema-1 file. Each test asserts the exit status, the exact
 * message, and what is in the database afterwards. Every test has its own
 * directory, removed with everything in it (journals included). */
#define _GNU_SOURCE /* asprintf */
#include "testutil.h"

#include "gpusizer/catalog.h"

#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char *dir; /* the running test's own directory */

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

/* --- helpers -------------------------------------------------------------- */

#define RUN(r, ...)                                                                                \
  do {                                                                                             \
    const char *const args_[] = {__VA_ARGS__, NULL};                                               \
    tu_run((r), args_, NULL);                                                                      \
  } while (0)

/* The run exited with status, printed exactly out (NULL: anything) on
 * stdout and exactly err on stderr. */
static void expect_exact(const tu_result *r, int status, const char *out, const char *err) {
  if (r->status != status || (out != NULL && strcmp(r->out, out) != 0) || strcmp(r->err, err) != 0)
    fail_msg("status %d (want %d)\nstdout: %.3000s\nstderr: %.3000s\nwanted stdout: %s\n"
             "wanted stderr: %s",
             r->status, status, r->out, r->err, out ? out : "(any)", err);
}

/* printf into a new string (the caller frees). */
static char *str(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *str(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *s = NULL;
  assert_true(vasprintf(&s, fmt, ap) >= 0);
  va_end(ap);
  return s;
}

static bool exists(const char *path) {
  return access(path, F_OK) == 0;
}

/* A catalog file written by gpusizer db init at dir/name. */
static char *init_catalog(const char *name) {
  char *path = tu_path(dir, name);
  tu_result r;
  RUN(&r, "db", "init", path);
  assert_int_equal(r.status, 0);
  tu_result_free(&r);
  return path;
}

static void assert_integrity_ok(const char *path) {
  char integrity[512] = "";
  tu_db_inspect(path, false, integrity, sizeof integrity);
  assert_string_equal(integrity, "ok");
}

/* The catalog file at path, edited by a maintainer and committed (so that
 * its pages no longer match a fresh db init), then left with a hot journal
 * of a second, killed transaction. */
static void edited_with_hot_journal(const char *path) {
  tu_db_exec(path, "DELETE FROM model_alias; UPDATE model SET source = hex(randomblob(200))");
  tu_make_hot_journal(path, "UPDATE gpu SET notes = 'killed edit'; "
                            "UPDATE model SET source = 'killed edit'");
}

/* A writer on the file at path that commits committed, then runs killed in
 * a transaction and is killed with SIGKILL before it commits. */
static void kill_writer(const char *path, const char *committed, const char *killed) {
  fflush(NULL);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
        sqlite3_exec(db, committed, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(db, "PRAGMA cache_size = 1; BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(db, killed, NULL, NULL, NULL) != SQLITE_OK)
      _exit(1);
    raise(SIGKILL);
    _exit(2);
  }
  int status = 0;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}

/* --- 1. db init over a file with an unfinished transaction ----------------- */

static void test_db_init_refuses_a_file_with_a_hot_journal(void **state) {
  (void)state;
  char *path = init_catalog("x.db"), *journal = str("%s-journal", path);
  edited_with_hot_journal(path);
  size_t file_len = 0, journal_len = 0;
  char *file_before = tu_read_file(path, &file_len);
  char *journal_before = tu_read_file(journal, &journal_len);
  char *want = str("gpusizer db init: '%s' has an unfinished transaction ('%s'): run 'gpusizer "
                   "db migrate %s' (or open it once with sqlite3) to roll it back, or delete both "
                   "files to start over\n",
                   path, journal, path);
  tu_result r;
  RUN(&r, "db", "init", "--force", path);
  expect_exact(&r, 3, "", want);
  tu_result_free(&r);
  RUN(&r, "db", "init", path);
  expect_exact(&r, 3, "", want);
  tu_result_free(&r);
  /* Both files are as they were. */
  size_t len = 0;
  char *file_after = tu_read_file(path, &len);
  assert_int_equal(len, file_len);
  assert_memory_equal(file_after, file_before, len);
  char *journal_after = tu_read_file(journal, &len);
  assert_int_equal(len, journal_len);
  assert_memory_equal(journal_after, journal_before, len);

  /* What the message says works: migrate rolls the transaction back (the
   * committed edit stays, the killed one is gone), then init --force
   * replaces the file with a whole one. */
  RUN(&r, "db", "migrate", path);
  char *done =
      str("'%s' is already at schema %d; nothing to do\n", path, gsz_catalog_schema_version());
  expect_exact(&r, 0, done, "");
  tu_result_free(&r);
  assert_false(exists(journal));
  assert_integrity_ok(path);
  assert_int_equal(tu_db_int(path, "SELECT count(*) FROM gpu WHERE notes = 'killed edit'"), 0);
  assert_int_equal(tu_db_int(path, "SELECT count(*) FROM model_alias"), 0);
  assert_int_equal(tu_db_int(path, "SELECT min(length(source)) FROM model"), 400);
  RUN(&r, "db", "init", "--force", path);
  assert_int_equal(r.status, 0);
  tu_result_free(&r);
  assert_integrity_ok(path);
  assert_true(tu_db_int(path, "SELECT count(*) FROM model_alias") > 0);
  free(file_before);
  free(journal_before);
  free(file_after);
  free(journal_after);
  free(want);
  free(done);
  free(journal);
  free(path);
}

/* An empty journal (journal_mode=TRUNCATE leaves one after every commit)
 * holds nothing to roll back: db init --force goes ahead. */
static void test_db_init_replaces_a_file_with_an_empty_journal(void **state) {
  (void)state;
  char *path = init_catalog("t.db"), *journal = str("%s-journal", path);
  tu_db_exec(path, "PRAGMA journal_mode = TRUNCATE; DELETE FROM model_alias");
  assert_true(exists(journal));
  tu_result r;
  RUN(&r, "db", "init", "--force", path);
  char *out =
      str("wrote the built-in catalog (schema %d) to '%s'\n", gsz_catalog_schema_version(), path);
  expect_exact(&r, 0, out, "");
  tu_result_free(&r);
  assert_integrity_ok(path);
  assert_true(tu_db_int(path, "SELECT count(*) FROM model_alias") > 0);
  free(out);
  free(journal);
  free(path);
}

/* A journal whose database is gone would be rolled back into a new file
 * of that name. */
static void test_db_init_refuses_a_journal_without_its_file(void **state) {
  (void)state;
  char *path = init_catalog("x.db"), *journal = str("%s-journal", path);
  edited_with_hot_journal(path);
  assert_int_equal(unlink(path), 0);
  tu_result r;
  RUN(&r, "db", "init", path);
  char *want = str("gpusizer db init: '%s' is left from an unfinished transaction on an earlier "
                   "'%s' and would be rolled back into the new file: delete it first\n",
                   journal, path);
  expect_exact(&r, 3, "", want);
  tu_result_free(&r);
  assert_false(exists(path));
  assert_true(exists(journal));
  free(want);
  free(journal);
  free(path);
}

/* A catalog in WAL mode whose writer was killed: committed changes wait in
 * the -wal file. A new file beside it would have them read over its pages. */
static void test_db_init_refuses_a_file_with_a_write_ahead_log(void **state) {
  (void)state;
  char *path = init_catalog("w.db"), *wal = str("%s-wal", path);
  tu_db_exec(path, "PRAGMA journal_mode = WAL");
  /* journal_mode=WAL stays in the file; a committed change then a killed
   * one leave the log behind (a killed process never checkpoints). */
  kill_writer(path, "UPDATE model SET source = 'committed in the log'",
              "UPDATE gpu SET notes = 'killed edit'");
  assert_true(exists(wal));
  tu_result r;
  RUN(&r, "db", "init", "--force", path);
  char *want = str("gpusizer db init: '%s' has changes not yet written back from its "
                   "write-ahead log ('%s'), or a program has it open: close that program, or run "
                   "'gpusizer db migrate %s' (or open it once with sqlite3) to write them back, "
                   "or delete both files to start over\n",
                   path, wal, path);
  expect_exact(&r, 3, "", want);
  tu_result_free(&r);

  /* Migrate (read-write) reads the log, writes it back and removes it. */
  RUN(&r, "db", "migrate", path);
  assert_int_equal(r.status, 0);
  tu_result_free(&r);
  assert_false(exists(wal));
  assert_integrity_ok(path);
  assert_int_equal(
      tu_db_int(path, "SELECT count(*) FROM model WHERE source <> 'committed in the log'"), 0);
  assert_int_equal(tu_db_int(path, "SELECT count(*) FROM gpu WHERE notes = 'killed edit'"), 0);
  RUN(&r, "db", "init", "--force", path);
  assert_int_equal(r.status, 0);
  tu_result_free(&r);
  assert_integrity_ok(path);
  assert_int_equal(
      tu_db_int(path, "SELECT count(*) FROM model WHERE source = 'committed in the log'"), 0);
  free(want);
  free(wal);
  free(path);
}

/* A write-ahead log whose database is gone would be read into a new file
 * of that name. */
static void test_db_init_refuses_a_write_ahead_log_without_its_file(void **state) {
  (void)state;
  char *path = init_catalog("w.db"), *wal = str("%s-wal", path);
  tu_db_exec(path, "PRAGMA journal_mode = WAL");
  kill_writer(path, "UPDATE model SET source = 'committed in the log'",
              "UPDATE gpu SET notes = 'killed edit'");
  assert_int_equal(unlink(path), 0);
  tu_result r;
  RUN(&r, "db", "init", path);
  char *want = str("gpusizer db init: '%s' is left from an earlier '%s' and would be read into "
                   "the new file: delete it first\n",
                   wal, path);
  expect_exact(&r, 3, "", want);
  tu_result_free(&r);
  assert_false(exists(path));
  assert_true(exists(wal));
  free(want);
  free(wal);
  free(path);
}

/* --- 4. reading a file with an unfinished transaction ---------------------- */

static void test_reading_a_file_with_a_hot_journal_says_to_migrate(void **state) {
  (void)state;
  char *path = init_catalog("x.db"), *journal = str("%s-journal", path);
  edited_with_hot_journal(path);
  char *message = str("'%s' has an unfinished transaction ('%s', left by a program that stopped "
                      "while writing it): run 'gpusizer db migrate %s' (or open it once with "
                      "sqlite3) to roll it back",
                      path, journal, path);
  tu_result r;
  char *want = str("gpusizer quote: %s\n", message);
  RUN(&r, "quote", "--db", path, "--model", "llama-3-8b");
  expect_exact(&r, 3, "", want);
  tu_result_free(&r);
  free(want);
  want = str("gpusizer catalog: %s\n", message);
  RUN(&r, "catalog", "gpus", "--db", path);
  expect_exact(&r, 3, "", want);
  tu_result_free(&r);
  free(want);
  want = str("gpusizer db check: %s\n", message);
  RUN(&r, "db", "check", path);
  expect_exact(&r, 3, "", want);
  tu_result_free(&r);
  assert_true(exists(journal)); /* a reader changes nothing */

  /* As the message says: migrate rolls it back and reading works. */
  RUN(&r, "db", "migrate", path);
  assert_int_equal(r.status, 0);
  tu_result_free(&r);
  assert_false(exists(journal));
  RUN(&r, "quote", "--db", path, "--model", "llama-3-8b");
  assert_int_equal(r.status, 0);
  tu_result_free(&r);
  free(want);
  free(message);
  free(journal);
  free(path);
}

/* --- 3. values the program cannot use ---------------------------------------- */

/* Edit the CREATE statement of table in the file at path as a maintainer
 * with PRAGMA writable_schema would: replace the first from after the
 * text after (NULL: from the start) with to. */
static void edit_schema(const char *path, const char *table, const char *after, const char *from,
                        const char *to) {
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
  assert_int_equal(
      sqlite3_prepare_v2(db, "SELECT sql FROM sqlite_schema WHERE name = ?1", -1, &st, NULL),
      SQLITE_OK);
  sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  char *sql = strdup((const char *)sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  char *at = after ? strstr(sql, after) : sql;
  assert_non_null(at);
  at = strstr(at, from);
  if (at == NULL)
    fail_msg("'%s' not in the schema of %s after '%s'", from, table, after ? after : "");
  char *edited = str("%.*s%s%s", (int)(at - sql), sql, to, at + strlen(from));
  assert_int_equal(sqlite3_exec(db, "PRAGMA writable_schema = ON", NULL, NULL, NULL), SQLITE_OK);
  assert_int_equal(
      sqlite3_prepare_v2(db, "UPDATE sqlite_schema SET sql = ?1 WHERE name = ?2", -1, &st, NULL),
      SQLITE_OK);
  sqlite3_bind_text(st, 1, edited, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, table, -1, SQLITE_STATIC);
  assert_int_equal(sqlite3_step(st), SQLITE_DONE);
  sqlite3_finalize(st);
  sqlite3_close(db);
  free(edited);
  free(sql);
}

/* How a case makes its bad value. */
typedef enum {
  PLAIN,       /* run the SQL as it is */
  NO_NOT_NULL, /* drop the column's NOT NULL with writable_schema, then run the SQL */
  NO_STRICT,   /* drop the table's STRICT (so types are not enforced), then run the SQL */
  NO_CHECKS,   /* run the SQL with PRAGMA ignore_check_constraints = ON */
} how;

/* Each case: a value the loader refuses, what loading says about it, and
 * what db check prints (its whole output): db check and the loader must
 * never disagree. */
static const struct bad_value_case {
  const char *table, *column; /* the column the edit breaks */
  how how;
  const char *sql;
  const char *command; /* the gpusizer command that loads the catalog */
  const char *problem; /* what loading says about it */
  const char *check;   /* what db check prints */
} bad_values[] = {
    {"gpu", "tdp_w", NO_NOT_NULL, "UPDATE gpu SET tdp_w = NULL WHERE sku = 'H100-SXM5-80GB'",
     "catalog",
     "gpu 'H100-SXM5-80GB': column tdp_w: NULL, expected an integer from 1 to 4294967295",
     "gpu 'H100-SXM5-80GB': column tdp_w: NULL breaks NOT NULL\n"},
    {"gpu", "sellable", NO_NOT_NULL, "UPDATE gpu SET sellable = NULL WHERE sku = 'L4'", "quote",
     "gpu 'L4': column sellable: NULL, expected 0 or 1",
     "gpu 'L4': column sellable: NULL breaks NOT NULL\n"},
    {"price", "amount_minor", NO_NOT_NULL,
     "INSERT INTO price (kind, sku, amount_minor, currency, as_of, source) "
     "VALUES ('gpu', 'L40S', NULL, 'USD', '2026-01-01', 'test')",
     "quote",
     "price 'gpu/L40S/2026-01-01': column amount_minor: NULL, expected an integer from 0 "
     "to 9223372036854775807",
     "price 'gpu/L40S/2026-01-01': column amount_minor: NULL breaks NOT NULL\n"},
    {"server", "psu_w", NO_NOT_NULL, "UPDATE server SET psu_w = NULL WHERE sku = 'DGX-H100'",
     "quote", "server 'DGX-H100': column psu_w: NULL, expected an integer from 1 to 4294967295",
     "server 'DGX-H100': column psu_w: NULL breaks NOT NULL\n"},
    {"model", "hidden_size", NO_NOT_NULL,
     "UPDATE model SET hidden_size = NULL WHERE name = 'Llama-3-8B'", "catalog",
     "model 'Llama-3-8B': column hidden_size: NULL, expected an integer from 1 to 4294967295",
     "model 'Llama-3-8B': column hidden_size: NULL breaks NOT NULL\n"},
    {"runtime", "mem_util_bp", NO_NOT_NULL,
     "UPDATE runtime SET mem_util_bp = NULL WHERE name = 'vllm'", "quote",
     "runtime 'vllm': column mem_util_bp: NULL, expected an integer from 1 to 10000",
     "runtime 'vllm': column mem_util_bp: NULL breaks NOT NULL\n"},
    {"inventory", "on_hand", NO_NOT_NULL,
     "UPDATE inventory SET on_hand = NULL WHERE sku = 'H100-SXM5-80GB'", "catalog",
     "inventory 'gpu/H100-SXM5-80GB/SAMPLE-FRA1': column on_hand: NULL, expected an integer from "
     "0 to 2147483647",
     "inventory 'gpu/H100-SXM5-80GB/SAMPLE-FRA1': column on_hand: NULL breaks NOT NULL\n"},
    {"currency", "minor_digits", NO_NOT_NULL,
     "UPDATE currency SET minor_digits = NULL WHERE code = 'USD'", "quote",
     "currency 'USD': column minor_digits: NULL, expected an integer from 0 to 4",
     "currency 'USD': column minor_digits: NULL breaks NOT NULL\n"},
    {"number_format", "block_bytes", NO_NOT_NULL,
     "UPDATE number_format SET block_bytes = NULL WHERE name = 'bf16'", "catalog",
     "number_format 'bf16': column block_bytes: NULL, expected an integer from 1 to 1048576",
     "number_format 'bf16': column block_bytes: NULL breaks NOT NULL\n"},
    {"gpu", "memory_mib", NO_STRICT,
     "UPDATE gpu SET memory_mib = '80 GB' WHERE sku = 'A100-SXM4-80GB'", "quote",
     "gpu 'A100-SXM4-80GB': column memory_mib: '80 GB', expected an integer from 1 to 4294967295",
     "gpu 'A100-SXM4-80GB': column memory_mib: '80 GB' breaks the column type INTEGER\n"},
    {"gpu", "bandwidth_gbs", NO_STRICT, "UPDATE gpu SET bandwidth_gbs = 3350.5 WHERE sku = 'L4'",
     "catalog", "gpu 'L4': column bandwidth_gbs: 3350.5, expected an integer from 1 to 4294967295",
     "gpu 'L4': column bandwidth_gbs: 3350.5 breaks the column type INTEGER\n"},
    {"gpu", "tdp_w", NO_CHECKS, "UPDATE gpu SET tdp_w = 0 WHERE sku = 'H100-SXM5-80GB'", "quote",
     "gpu 'H100-SXM5-80GB': column tdp_w: 0, expected an integer from 1 to 4294967295",
     "gpu 'H100-SXM5-80GB': column tdp_w: 0 breaks CHECK (tdp_w > 0)\n"},
    {"gpu", "tflops_bf16", NO_CHECKS, "UPDATE gpu SET tflops_bf16 = -1 WHERE sku = 'L4'", "catalog",
     "gpu 'L4': column tflops_bf16: -1.0, expected a number of at least 0",
     "gpu 'L4': column tflops_bf16: -1.0 breaks CHECK (tflops_bf16 >= 0)\n"},
    {"gpu", "usable_mib", NO_CHECKS, "UPDATE gpu SET usable_mib = 30000 WHERE sku = 'L4'", "quote",
     "gpu 'L4': column usable_mib: 30000, expected at most memory_mib 24576",
     "gpu 'L4': column usable_mib: 30000 breaks CHECK (usable_mib > 0 AND usable_mib <= "
     "memory_mib)\n"
     "gpu 'L4': usable_mib exceeds memory_mib\n"},
    {"inventory", "reserved", NO_CHECKS,
     "UPDATE inventory SET reserved = 20 WHERE sku = 'H100-SXM5-80GB'", "catalog",
     "inventory 'gpu/H100-SXM5-80GB/SAMPLE-FRA1': column reserved: 20, expected at most on_hand "
     "16",
     "inventory 'gpu/H100-SXM5-80GB/SAMPLE-FRA1': column reserved: 20 breaks CHECK (reserved >= "
     "0 AND reserved <= on_hand)\n"},
    {"server", "rack_units", NO_CHECKS, "UPDATE server SET rack_units = 99 WHERE sku = 'DGX-H100'",
     "quote", "server 'DGX-H100': column rack_units: 99, expected an integer from 0 to 60",
     "server 'DGX-H100': column rack_units: 99 breaks CHECK (rack_units BETWEEN 0 AND 60)\n"},
    /* The loader's own limits, which no CHECK states. */
    {"gpu", "vendor", PLAIN, "UPDATE gpu SET vendor = 'NV' || char(0) || 'IDIA' WHERE sku = 'L4'",
     "quote", "gpu 'L4': column vendor: 'NV\\x00IDIA', expected text without NUL characters",
     "gpu 'L4': column vendor: 'NV\\x00IDIA', expected text without NUL characters\n"},
    {"gpu", "notes", PLAIN, "UPDATE gpu SET notes = printf('%.*c', 70000, 'n') WHERE sku = 'L4'",
     "catalog",
     "gpu 'L4': column notes: "
     "'nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn...' (70000 bytes), "
     "expected at most 65536 bytes",
     "gpu 'L4': column notes: "
     "'nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn...' (70000 bytes), "
     "expected at most 65536 bytes\n"},
};

/* The catalog file dir/name with the case's bad value in it. */
static char *make_bad_value(const struct bad_value_case *c, const char *name) {
  char *path = init_catalog(name);
  if (c->how == NO_NOT_NULL) {
    char *after = str("\n  %s ", c->column);
    edit_schema(path, c->table, after, " NOT NULL", "");
    free(after);
  } else if (c->how == NO_STRICT) {
    edit_schema(path, c->table, NULL, ") STRICT", ")"); /* the one STRICT, at the end */
  }
  char *sql =
      str("%s%s", c->how == NO_CHECKS ? "PRAGMA ignore_check_constraints = ON; " : "", c->sql);
  tu_db_exec(path, sql);
  free(sql);
  return path;
}

static void run_command(tu_result *r, const char *command, const char *path) {
  if (strcmp(command, "quote") == 0)
    RUN(r, "quote", "--db", path, "--model", "llama-3-8b");
  else
    RUN(r, "catalog", "gpus", "--db", path);
}

static size_t count_lines(const char *text) {
  size_t n = 0;
  for (; *text; text++)
    n += *text == '\n';
  return n;
}

static void test_a_value_the_program_cannot_use_is_a_catalog_error(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof bad_values / sizeof bad_values[0]; i++) {
    const struct bad_value_case *c = &bad_values[i];
    print_message("case %zu: %s.%s\n", i, c->table, c->column);
    char *path = make_bad_value(c, "bad.db");
    tu_result r;
    run_command(&r, c->command, path);
    char *want = str("gpusizer %s: catalog file '%s': %s; fix the row with sqlite3 ('gpusizer db "
                     "check %s' lists every problem)\n",
                     c->command, path, c->problem, path);
    expect_exact(&r, 3, "", want);
    tu_result_free(&r);
    free(want);
    tu_unlink_db(path);
    free(path);
  }
}

/* db check reads the file read-only, and lists what the loader refuses. */
static void test_db_check_lists_every_value_the_loader_refuses(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof bad_values / sizeof bad_values[0]; i++) {
    const struct bad_value_case *c = &bad_values[i];
    print_message("case %zu: %s.%s\n", i, c->table, c->column);
    char *path = make_bad_value(c, "bad.db");
    size_t before_len = 0, after_len = 0;
    char *before = tu_read_file(path, &before_len);
    tu_result r;
    RUN(&r, "db", "check", "--max-price-age-days", "0", path);
    size_t n = count_lines(c->check);
    char *want = str("gpusizer db check: %zu problem%s in %s\n", n, n == 1 ? "" : "s", path);
    expect_exact(&r, 3, c->check, want);
    tu_result_free(&r);
    char *after = tu_read_file(path, &after_len);
    assert_int_equal(after_len, before_len);
    assert_memory_equal(after, before, before_len);
    free(before);
    free(after);
    free(want);
    tu_unlink_db(path);
    free(path);
  }
}

/* Rows that break the schema's rules with the schema itself unchanged:
 * written with CHECK constraints ignored, or foreign keys off and the
 * referential triggers dropped. A read-only integrity_check calls this file
 * "ok". Lines come table by table in schema order. */
static void test_db_check_finds_rows_that_break_the_schema(void **state) {
  (void)state;
  char *path = init_catalog("rules.db");
  tu_db_exec(path,
             "PRAGMA ignore_check_constraints = ON;"
             "UPDATE gpu SET memory_mib = -81920, usable_mib = -81559 WHERE sku = 'H100-SXM5-80GB';"
             "UPDATE gpu SET name = printf('%.*c', 1000000, 'x') WHERE sku = 'L40S';"
             "UPDATE gpu SET as_of = '2024-02-30' WHERE sku = 'A40';"
             "UPDATE price SET amount_minor = -100 WHERE kind = 'gpu' AND sku = 'L4';"
             "DROP TRIGGER gpu_alias_insert; DROP TRIGGER model_family_check;"
             "INSERT INTO gpu_alias (alias, gpu_sku) VALUES ('GHOST', 'NO-SUCH-GPU');"
             "UPDATE model SET model_type = 'no-such-family' WHERE name = 'Llama-3-8B';");
  char integrity[64] = "";
  tu_db_inspect(path, false, integrity, sizeof integrity);
  assert_string_equal(integrity, "ok"); /* what db check used to rely on */
  tu_result r;
  RUN(&r, "db", "check", "--max-price-age-days", "0", path);
  char *err = str("gpusizer db check: 8 problems in %s\n", path);
  expect_exact(&r, 3,
               "gpu 'A40': column as_of: '2024-02-30' breaks CHECK (as_of IS NULL OR date(as_of, "
               "'+0 days') IS as_of)\n"
               "gpu 'H100-SXM5-80GB': column memory_mib: -81920 breaks CHECK (memory_mib > 0)\n"
               "gpu 'H100-SXM5-80GB': column usable_mib: -81559 breaks CHECK (usable_mib > 0 AND "
               "usable_mib <= memory_mib)\n"
               "gpu 'L40S': column name: "
               "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...' (1000000 "
               "bytes) breaks CHECK (length(name) BETWEEN 1 AND 128)\n"
               "gpu_alias 'GHOST': column gpu_sku: 'NO-SUCH-GPU' breaks REFERENCES gpu (sku): no "
               "such gpu\n"
               "model 'Llama-3-8B': column model_type: 'no-such-family' breaks REFERENCES "
               "model_family (name): no such model_family\n"
               "price 'gpu/L4/2026-11-30': column amount_minor: -100 breaks CHECK (amount_minor >= "
               "0)\n"
               "gpu 'H100-SXM5-80GB': usable_mib exceeds memory_mib\n",
               err);
  tu_result_free(&r);
  free(err);
  free(path);
}

/* A table that drifted from the schema (a column dropped): loading names
 * the table and the missing column; db check says it once. */
static void test_a_table_missing_a_column_is_named(void **state) {
  (void)state;
  char *path = init_catalog("drift.db");
  tu_db_exec(path, "ALTER TABLE gpu DROP COLUMN bandwidth_gbs");
  tu_result r;
  RUN(&r, "quote", "--db", path, "--model", "llama-3-8b");
  char *want =
      str("gpusizer quote: catalog file '%s': table gpu cannot be read: no such column: "
          "bandwidth_gbs (restore the table from a backup, or write a new catalog with 'gpusizer "
          "db init')\n",
          path);
  expect_exact(&r, 3, "", want);
  tu_result_free(&r);
  free(want);
  RUN(&r, "db", "check", "--max-price-age-days", "0", path);
  char *out =
      str("gpu: cannot be checked: no such column: bandwidth_gbs (the table differs from schema "
          "%d; restore it from a backup, or write a new catalog with 'gpusizer db "
          "init')\n",
          gsz_catalog_schema_version());
  want = str("gpusizer db check: 1 problem in %s\n", path);
  expect_exact(&r, 3, out, want);
  tu_result_free(&r);
  free(out);
  free(want);
  free(path);
}

/* Nullable columns stay optional: NULL there is "not set", not an error. */
static void test_null_in_an_optional_column_loads(void **state) {
  (void)state;
  char *path = init_catalog("opt.db");
  tu_db_exec(path, "UPDATE model SET sliding_window = NULL, head_dim = NULL, hf_id = NULL; "
                   "UPDATE gpu SET memory_type = NULL, notes = NULL, tflops_fp8 = NULL");
  tu_result r;
  RUN(&r, "quote", "--db", path, "--model", "mistral-7b-v0.1");
  assert_int_equal(r.status, 0);
  tu_result_free(&r);
  RUN(&r, "catalog", "models", "--db", path);
  assert_int_equal(r.status, 0);
  tu_result_free(&r);
  free(path);
}

/* --- 5. control characters ----------------------------------------------------- */

/* The error of sql on the file at path (a plain connection, as the sqlite3
 * shell), or "" when it succeeds; the caller frees. */
static char *exec_error(const char *path, const char *sql) {
  sqlite3 *db = NULL;
  char *msg = NULL;
  assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
  int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
  char *out = strdup(rc == SQLITE_OK ? "" : msg ? msg : sqlite3_errstr(rc));
  sqlite3_free(msg);
  sqlite3_close(db);
  return out;
}

static const struct {
  const char *sql, *error;
} control_writes[] = {
    {"UPDATE gpu SET vendor = 'Ev' || char(27) || '[31mil' WHERE sku = 'L4'",
     "gpu: vendor holds a control character (U+0001-U+001F or U+007F-U+009F)"},
    {"UPDATE gpu SET name = 'L4' || char(155) || '2J' WHERE sku = 'L4'", /* C1 CSI */
     "gpu: name holds a control character (U+0001-U+001F or U+007F-U+009F)"},
    {"UPDATE gpu SET notes = 'two' || char(10) || 'lines' WHERE sku = 'L4'",
     "gpu: notes holds a control character (U+0001-U+001F or U+007F-U+009F)"},
    {"INSERT INTO gpu (sku, vendor, name, form_factor, memory_mib, usable_mib, bandwidth_gbs, "
     "tflops_bf16, tdp_w) VALUES ('NEW-GPU', 'V', 'New' || char(7), 'PCIe', 1024, 1000, 100, 10, "
     "75)",
     "gpu: name holds a control character (U+0001-U+001F or U+007F-U+009F)"},
    {"UPDATE server SET name = 'DGX' || char(127) WHERE sku = 'DGX-H100'",
     "server: name holds a control character (U+0001-U+001F or U+007F-U+009F)"},
    {"INSERT INTO gpu_alias (alias, gpu_sku) VALUES ('h100' || char(13), 'H100-SXM5-80GB')",
     "gpu_alias: alias holds a control character (U+0001-U+001F or U+007F-U+009F)"},
    {"INSERT INTO model_alias (alias, model_name) VALUES ('x' || char(133), 'Llama-3-8B')",
     "model_alias: alias holds a control character (U+0001-U+001F or U+007F-U+009F)"},
    {"UPDATE model SET name = 'Llama' || char(9) || '3' WHERE name = 'Llama-3-8B'",
     "model: name holds a control character (U+0001-U+001F or U+007F-U+009F)"},
    {"UPDATE inventory SET location = 'FRA' || char(1) WHERE sku = 'L40S'",
     "inventory: location holds a control character (U+0001-U+001F or U+007F-U+009F)"},
    {"UPDATE runtime SET engine = 'vLLM' || char(31) WHERE name = 'vllm'",
     "runtime: engine holds a control character (U+0001-U+001F or U+007F-U+009F)"},
    {"UPDATE number_format SET description = 'x' || char(159) WHERE name = 'bf16'",
     "number_format: description holds a control character (U+0001-U+001F or U+007F-U+009F)"},
    {"UPDATE price SET basis = 'list' || char(27) WHERE sku = 'L4'",
     "price: basis holds a control character (U+0001-U+001F or U+007F-U+009F)"},
};

static void test_control_characters_are_refused(void **state) {
  (void)state;
  char *path = init_catalog("ctl.db");
  for (size_t i = 0; i < sizeof control_writes / sizeof control_writes[0]; i++) {
    char *error = exec_error(path, control_writes[i].sql);
    if (strcmp(error, control_writes[i].error) != 0)
      fail_msg("%s: got '%s', want '%s'", control_writes[i].sql, error, control_writes[i].error);
    free(error);
  }
  /* Printable text of any script is still accepted; nothing else was
   * written (db check lists any control character in the file). */
  char *error = exec_error(path, "UPDATE gpu SET name = 'Ünïcødé ✓ ' || char(160) || 'L4' "
                                 "WHERE sku = 'L4'");
  assert_string_equal(error, "");
  free(error);
  tu_result r;
  RUN(&r, "db", "check", path);
  assert_int_equal(r.status, 0);
  tu_result_free(&r);
  free(path);
}

/* A schema-1 file has no such triggers: what was written before the
 * migration stays, and db check lists it, escaped. */
static void test_db_check_lists_control_characters_written_before_schema_2(void **state) {
  (void)state;
  char *path = tu_path(dir, "old.db");
  tu_copy_file(GSZ_TEST_DATA "/catalogs/schema1-v0.1.0.db", path);
  tu_db_exec(path, "UPDATE gpu SET vendor = 'Ev' || char(27) || '[31mil' WHERE sku = 'L4';"
                   "UPDATE gpu SET notes = 'two' || char(10) || 'lines' WHERE sku = 'L4';"
                   "INSERT INTO model_alias (alias, model_name) VALUES ('x' || char(155) || 'y', "
                   "'Llama-3-8B');"
                   "UPDATE inventory SET location = 'FRA' || char(127) WHERE sku = 'L40S'");
  tu_result r;
  RUN(&r, "db", "migrate", path);
  assert_int_equal(r.status, 0);
  tu_result_free(&r);
  RUN(&r, "db", "check", "--max-price-age-days", "0", path);
  char *err = str("gpusizer db check: 4 problems in %s\n", path);
  expect_exact(&r, 3,
               "gpu 'L4': notes holds a control character (U+0001-U+001F or U+007F-U+009F)\n"
               "gpu 'L4': vendor holds a control character (U+0001-U+001F or U+007F-U+009F)\n"
               "inventory 'gpu/L40S/FRA\\x7F': location holds a control character "
               "(U+0001-U+001F or U+007F-U+009F)\n"
               "model_alias 'x\\u009By': alias holds a control character (U+0001-U+001F or "
               "U+007F-U+009F)\n",
               err);
  tu_result_free(&r);
  free(err);
  free(path);
}

/* --- 5. the stored schema-1 file ---------------------------------------------- */

static void test_db_migrate_upgrades_the_stored_schema_1_file(void **state) {
  (void)state;
  char *path = tu_path(dir, "v0.1.0.db");
  tu_copy_file(GSZ_TEST_DATA "/catalogs/schema1-v0.1.0.db", path);
  const int latest = gsz_catalog_schema_version();
  tu_result r;
  RUN(&r, "quote", "--db", path, "--model", "llama-3-8b");
  char *want = str("gpusizer quote: '%s' has catalog schema 1, older than this gpusizer's %d; run "
                   "'gpusizer db migrate %s' to upgrade it\n",
                   path, latest, path);
  expect_exact(&r, 3, "", want);
  tu_result_free(&r);
  free(want);
  RUN(&r, "db", "migrate", path);
  /* Every migration after schema 1, in order, one line each. */
  static const char *const migrations[] = {
      "0002_no_control_chars.sql",    "0003_deployability.sql", "0004_model_families.sql",
      "0005_catalog_maintenance.sql", "0006_memory_model.sql",  "0007_performance.sql"};
  assert_int_equal(sizeof migrations / sizeof migrations[0], latest - 1);
  char applied[1024] = "";
  for (int v = 2; v <= latest; v++)
    snprintf(applied + strlen(applied), sizeof applied - strlen(applied),
             "applied %s (schema %d)\n", migrations[v - 2], v);
  char *out = str("%s'%s' migrated from schema 1 to %d\n", applied, path, latest);
  expect_exact(&r, 0, out, "");
  tu_result_free(&r);
  free(out);
  char integrity[64] = "";
  assert_int_equal(tu_db_inspect(path, false, integrity, sizeof integrity), latest);
  assert_string_equal(integrity, "ok");
  assert_int_equal(tu_db_int(path, "SELECT count(*) FROM migration"), latest);
  RUN(&r, "quote", "--db", path, "--model", "llama-3-8b");
  assert_int_equal(r.status, 0);
  assert_true(tu_contains(r.out, "Llama-3-8B"));
  tu_result_free(&r);
  RUN(&r, "db", "check", "--max-price-age-days", "0", path);
  out = str("%s: ok (integrity, foreign keys, catalog sanity)\n", path);
  expect_exact(&r, 0, out, "");
  tu_result_free(&r);
  free(out);
  free(path);
}

/* A schema-1 file a maintainer's killed transaction left with a hot
 * journal: migrate rolls it back first, then upgrades a whole file. */
static void test_db_migrate_rolls_back_then_upgrades(void **state) {
  (void)state;
  char *path = tu_path(dir, "v0.1.0.db"), *journal = str("%s-journal", path);
  tu_copy_file(GSZ_TEST_DATA "/catalogs/schema1-v0.1.0.db", path);
  tu_make_hot_journal(path, "UPDATE gpu SET notes = 'killed edit'; "
                            "UPDATE model SET source = 'killed edit'");
  tu_result r;
  RUN(&r, "db", "migrate", path);
  assert_int_equal(r.status, 0);
  tu_result_free(&r);
  assert_false(exists(journal));
  char integrity[64] = "";
  assert_int_equal(tu_db_inspect(path, false, integrity, sizeof integrity),
                   gsz_catalog_schema_version());
  assert_string_equal(integrity, "ok");
  assert_int_equal(tu_db_int(path, "SELECT count(*) FROM gpu WHERE notes = 'killed edit'"), 0);
  assert_int_equal(tu_db_int(path, "SELECT count(*) FROM model WHERE source = 'killed edit'"), 0);
  free(journal);
  free(path);
}

int main(void) {
#define TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
  const struct CMUnitTest tests[] = {
      TEST(test_db_init_refuses_a_file_with_a_hot_journal),
      TEST(test_db_init_replaces_a_file_with_an_empty_journal),
      TEST(test_db_init_refuses_a_journal_without_its_file),
      TEST(test_db_init_refuses_a_file_with_a_write_ahead_log),
      TEST(test_db_init_refuses_a_write_ahead_log_without_its_file),
      TEST(test_reading_a_file_with_a_hot_journal_says_to_migrate),
      TEST(test_a_value_the_program_cannot_use_is_a_catalog_error),
      TEST(test_db_check_lists_every_value_the_loader_refuses),
      TEST(test_db_check_finds_rows_that_break_the_schema),
      TEST(test_a_table_missing_a_column_is_named),
      TEST(test_null_in_an_optional_column_loads),
      TEST(test_control_characters_are_refused),
      TEST(test_db_check_lists_control_characters_written_before_schema_2),
      TEST(test_db_migrate_upgrades_the_stored_schema_1_file),
      TEST(test_db_migrate_rolls_back_then_upgrades),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
