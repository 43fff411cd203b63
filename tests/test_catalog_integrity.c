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

int main(void) {
#define TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
  const struct CMUnitTest tests[] = {
      TEST(test_db_init_refuses_a_file_with_a_hot_journal),
      TEST(test_db_init_refuses_a_journal_without_its_file),
      TEST(test_db_init_refuses_a_file_with_a_write_ahead_log),
      TEST(test_reading_a_file_with_a_hot_journal_says_to_migrate),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
