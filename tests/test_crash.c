/* test_crash.c: a process killed with SIGKILL never leaves a damaged or
 * half-written file.
 *
 * - db migrate, killed at every statement boundary: a child process runs
 *   the library's migrate (what `gpusizer db migrate` runs) with a hook
 *   that kills it as statement N is about to start, for N = 1, 2, ...
 *   until it finishes. Afterwards the file's user_version is that of the
 *   last migration that committed (each migration is one transaction),
 *   integrity_check says ok, and a later migrate completes it.
 * - gpusizer db init, db migrate and batch -o, the real binary, killed
 *   after a spread of delays across their run: the output is absent or
 *   whole, and no temporary file is left beside it.
 * - A full disk (RLIMIT_FSIZE, so writes past a size fail with EFBIG) at
 *   every page of db init's output and of db migrate's growth: exit 4 with
 *   one line, no file from db init; after db migrate, the file is whole
 *   at the old version or that of a later migration that committed.
 *
 * Each test has its own directory, and a file is removed with its
 * journal, WAL and shared-memory files: a journal left by a killed run
 * must not be paired with the next file of that name, nor show up as a
 * stray file in the next test. */
#define _GNU_SOURCE /* asprintf */
#include "testutil.h"

#include "catalog/db_int.h"
#include "gpusizer/gpusizer.h"

#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char *dir; /* the running test's own directory */

static unsigned kill_at, statements_seen;

static void kill_at_statement(const char *sql) {
  (void)sql;
  if (++statements_seen == kill_at)
    raise(SIGKILL);
}

static void test_migrate_killed_at_every_statement(void **state) {
  (void)state;
  char *path = tu_path(dir, "old.db");
  const int latest = gsz_catalog_schema_version();
  unsigned killed = 0, readonly_after_kill = 0, killed_after_commit = 0,
           killed_at_version[16] = {0};
  assert_true(latest < 16);
  for (kill_at = 1;; kill_at++) {
    tu_make_old_catalog(path);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
      statements_seen = 0;
      gsz__db_set_statement_hook(kill_at_statement);
      int from = 0, to = 0;
      gsz_diag diag;
      _exit(gsz_db_migrate(path, &from, &to, NULL, 0, NULL, &diag) == GSZ_OK ? 0 : 1);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    bool was_killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
    if (!was_killed) {
      assert_true(WIFEXITED(status));
      assert_int_equal(WEXITSTATUS(status), 0);
    }

    char integrity[256] = "";
    int version = tu_db_inspect(path, true, integrity, sizeof integrity);
    assert_string_equal(integrity, "ok");
    /* Killed after the last commit (the runner then only restores its
     * connection's settings): the file is whole at the latest version. */
    bool whole = was_killed && version == latest;

    /* A reader (quote --db FILE opens read-only): it must either read the
     * file or, part-way, refuse cleanly and say to migrate. */
    gsz_catalog *cat = NULL;
    gsz_diag diag;
    gsz_err err = gsz_catalog_open(&cat, path, &diag);
    if (was_killed && !whole) {
      assert_int_not_equal(err, GSZ_OK); /* an older version: "run gpusizer db migrate" */
      if (strstr(diag.message, "db migrate") == NULL)
        fail_msg("killed before statement %u: reading says: %s", kill_at, diag.message);
      readonly_after_kill++;
    } else {
      assert_int_equal(err, GSZ_OK);
    }
    gsz_catalog_free(cat);

    if (whole) {
      killed_after_commit++;
    } else if (was_killed) {
      /* A migration and its version stamp commit together: the version is
       * that of the last migration that committed, below the latest. */
      if (version < 0 || version >= latest)
        fail_msg("killed before statement %u: user_version %d (want 0 to %d)", kill_at, version,
                 latest - 1);
      killed_at_version[version]++;
      /* Migrating again finishes the job. */
      int from = -1, to = -1;
      assert_int_equal(gsz_db_migrate(path, &from, &to, NULL, 0, NULL, &diag), GSZ_OK);
      assert_int_equal(to, latest);
      assert_int_equal(gsz_catalog_open(&cat, path, &diag), GSZ_OK);
      gsz_catalog_free(cat);
      killed++;
    } else {
      assert_int_equal(version, latest);
      break;
    }
  }
  tu_unlink_db(path);
  printf("crash: db migrate 0 -> %d killed at each of %u statement boundaries: every time "
         "integrity ok and the version of the last whole migration (",
         latest, killed);
  for (int v = 0; v < latest; v++)
    printf("%s%u at %d", v ? ", " : "", killed_at_version[v], v);
  printf("), reads refused with 'db migrate', a second migrate completes; %u after the last "
         "commit, whole\n",
         killed_after_commit);
  assert_true(killed > 10); /* the schema is many statements: the hook really fired */
  for (int v = 0; v < latest; v++)
    assert_true(killed_at_version[v] > 0); /* killed inside every migration */
  assert_int_equal(readonly_after_kill, killed);
  free(path);
}

/* --- The real binary, killed after a delay ------------------------------- */

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Start gpusizer args with stdout and stderr to /dev/null; when delay_us
 * is non-negative, SIGKILL it after that long. Returns the wall time in
 * ms and whether it was killed before it finished. */
static double run_binary(const char *const *args, long delay_us, bool *killed) {
  double start = now_ms();
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    int null = open("/dev/null", O_WRONLY);
    if (null < 0 || dup2(null, STDOUT_FILENO) < 0 || dup2(null, STDERR_FILENO) < 0)
      _exit(126);
    tu_exec_gpusizer(args);
  }
  if (delay_us >= 0) {
    usleep((useconds_t)delay_us);
    kill(pid, SIGKILL);
  }
  int status = 0;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  *killed = WIFSIGNALED(status);
  if (!*killed)
    assert_int_equal(WEXITSTATUS(status), 0);
  return now_ms() - start;
}

/* Files in dir other than the ones named. */
static size_t stray_files(const char *const *expected) {
  size_t n = 0;
  char *cmd = NULL;
  assert_true(asprintf(&cmd, "ls -A '%s'", dir) > 0);
  FILE *ls = popen(cmd, "r");
  char line[512];
  while (fgets(line, sizeof line, ls) != NULL) {
    line[strcspn(line, "\n")] = '\0';
    bool known = false;
    for (size_t i = 0; expected[i]; i++)
      known |= strcmp(line, expected[i]) == 0;
    if (!known) {
      printf("stray file: %s\n", line);
      n++;
    }
  }
  pclose(ls);
  free(cmd);
  return n;
}

static bool same_file(const char *a, const char *b) {
  size_t la = 0, lb = 0;
  char *x = tu_read_file(a, &la), *y = tu_read_file(b, &lb);
  bool same = x != NULL && y != NULL && la == lb && memcmp(x, y, la) == 0;
  free(x);
  free(y);
  return same;
}

enum { KILLS = 40 };

static void test_binary_killed_mid_way_leaves_whole_files_or_none(void **state) {
  (void)state;
  char *good = tu_path(dir, "good.db"), *out = tu_path(dir, "out.db");
  char *batch = tu_path(dir, "in.csv"), *answers = tu_path(dir, "answers.csv"),
       *good_answers = tu_path(dir, "good-answers.csv");
  bool killed;

  /* db init: a reference file, then kills spread over one run's time. */
  const char *const init_good[] = {"db", "init", good, NULL};
  double init_ms = run_binary(init_good, -1, &killed);
  const char *const init[] = {"db", "init", out, NULL};
  unsigned init_killed = 0;
  for (int i = 0; i < KILLS; i++) {
    tu_unlink_db(out);
    run_binary(init, (long)(init_ms * 1000.0 * (i + 1) / KILLS), &killed);
    init_killed += killed;
    if (access(out, F_OK) == 0) {
      char integrity[256] = "";
      assert_int_equal(tu_db_inspect(out, true, integrity, sizeof integrity),
                       gsz_catalog_schema_version());
      assert_string_equal(integrity, "ok");
    }
    const char *const files[] = {"good.db", "out.db", NULL};
    assert_int_equal(stray_files(files), 0);
  }
  tu_unlink_db(out);

  /* batch -o: the answer file is absent or equal to a complete one. */
  static const char rows[] = "id,model,context,concurrency\n"
                             "a,llama-3-8b,4096,8\nb,llama-3-70b,8192,8\nc,mixtral-8x7b,4096,4\n"
                             "d,qwen2.5-72b,32768,2\ne,deepseek-v3,8192,8\n";
  tu_write_file(batch, rows, sizeof rows - 1);
  const char *const batch_good[] = {"batch", batch, "-o", good_answers, NULL};
  double batch_ms = run_binary(batch_good, -1, &killed);
  const char *const run_batch[] = {"batch", batch, "-o", answers, NULL};
  unsigned batch_killed = 0;
  for (int i = 0; i < KILLS; i++) {
    unlink(answers);
    run_binary(run_batch, (long)(batch_ms * 1000.0 * (i + 1) / KILLS), &killed);
    batch_killed += killed;
    if (access(answers, F_OK) == 0 && !same_file(answers, good_answers))
      fail_msg("batch killed after %.1f ms left a partial %s", batch_ms * (i + 1) / KILLS, answers);
    const char *const files[] = {"good.db", "in.csv", "answers.csv", "good-answers.csv", NULL};
    assert_int_equal(stray_files(files), 0);
  }

  /* db migrate of an old file, killed part-way: version old or new. */
  const char *const migrate[] = {"db", "migrate", out, NULL};
  tu_make_old_catalog(out);
  double migrate_ms = run_binary(migrate, -1, &killed);
  unsigned migrate_killed = 0;
  for (int i = 0; i < KILLS; i++) {
    tu_make_old_catalog(out);
    run_binary(migrate, (long)(migrate_ms * 1000.0 * (i + 1) / KILLS), &killed);
    migrate_killed += killed;
    char integrity[256] = "";
    int version = tu_db_inspect(out, true, integrity, sizeof integrity);
    assert_string_equal(integrity, "ok");
    assert_true(version >= 0 && version <= gsz_catalog_schema_version());
  }
  printf("crash: gpusizer killed mid-way (%d delays across one run each): db init %u killed "
         "(run %.0f ms), batch -o %u killed (run %.0f ms), db migrate %u killed (run %.0f ms); "
         "no partial output, no stray files, versions whole\n",
         KILLS, init_killed, init_ms, batch_killed, batch_ms, migrate_killed, migrate_ms);
  const char *const made[] = {good, out, batch, answers, good_answers};
  for (size_t i = 0; i < sizeof made / sizeof made[0]; i++)
    tu_unlink_db(made[i]); /* a killed migrate may have left out.db-journal */
  free(good);
  free(out);
  free(batch);
  free(answers);
  free(good_answers);
}

/* --- A full disk ---------------------------------------------------------- */

/* Run gpusizer args with files limited to limit bytes (a write past it
 * fails with EFBIG, as on a full disk; SIGXFSZ ignored so the write
 * returns the error instead of killing the process). stdout goes to
 * /dev/null; stderr comes back in *err (caller frees). Returns the exit
 * status. */
static int run_disk_limited(const char *const *args, rlim_t limit, char **err) {
  int pipefd[2];
  assert_int_equal(pipe(pipefd), 0);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    int null = open("/dev/null", O_WRONLY);
    struct rlimit rl = {limit, limit};
    if (null < 0 || dup2(null, STDOUT_FILENO) < 0 || dup2(pipefd[1], STDERR_FILENO) < 0 ||
        signal(SIGXFSZ, SIG_IGN) == SIG_ERR || setrlimit(RLIMIT_FSIZE, &rl) != 0)
      _exit(126);
    close(pipefd[0]);
    tu_exec_gpusizer(args);
  }
  close(pipefd[1]);
  size_t cap = 4096, len = 0;
  char *text = malloc(cap);
  ssize_t got;
  while ((got = read(pipefd[0], text + len, cap - len - 1)) > 0)
    len += (size_t)got;
  text[len] = '\0';
  close(pipefd[0]);
  int status = 0;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  assert_true(WIFEXITED(status));
  *err = text;
  return WEXITSTATUS(status);
}

/* A failed run's stderr: one line, from the command, naming the file. (In
 * a gcov build the process's coverage data cannot be written either, and
 * libgcov says so on stderr after our line.) */
static void assert_one_line_error(const char *err, const char *command, const char *file) {
#ifdef GSZ_COVERAGE_BUILD
  const char *gcov = strstr(err, "\nlibgcov profiling error:");
  char *ours = strndup(err, gcov ? (size_t)(gcov - err) + 1 : strlen(err));
  err = ours;
#endif
  if (strncmp(err, command, strlen(command)) != 0 || strchr(err, '\n') != err + strlen(err) - 1 ||
      !tu_contains(err, file))
    fail_msg("want one line '%s ... %s ...', got '%s'", command, file, err);
#ifdef GSZ_COVERAGE_BUILD
  free(ours);
#endif
}

static off_t file_size(const char *path) {
  struct stat st;
  assert_int_equal(stat(path, &st), 0);
  return st.st_size;
}

static void test_full_disk_leaves_no_file_or_the_old_version(void **state) {
  (void)state;
  char *good = tu_path(dir, "good.db"), *out = tu_path(dir, "out.db");
  char *err = NULL;
  const long page = 4096;

  /* db init: the whole image or nothing. */
  const char *const init_good[] = {"db", "init", good, NULL};
  assert_int_equal(run_disk_limited(init_good, RLIM_INFINITY, &err), 0);
  free(err);
  off_t whole = file_size(good);
  const char *const init[] = {"db", "init", out, NULL};
  unsigned init_refused = 0;
  for (off_t limit = 0; limit < whole; limit += page) {
    tu_unlink_db(out);
    int status = run_disk_limited(init, (rlim_t)limit, &err);
    if (status != 4)
      fail_msg("db init with %ld bytes of disk: exit %d (want 4), '%s'", (long)limit, status, err);
    assert_one_line_error(err, "gpusizer db init: ", "out.db");
    free(err);
    assert_int_equal(access(out, F_OK), -1);
    const char *const files[] = {"good.db", NULL};
    assert_int_equal(stray_files(files), 0);
    init_refused++;
  }
  assert_int_equal(run_disk_limited(init, (rlim_t)whole, &err), 0);
  free(err);
  assert_true(same_file(out, good));

  /* db migrate: at every page of the file's growth, the old version. */
  const char *const migrate[] = {"db", "migrate", out, NULL};
  tu_make_old_catalog(out);
  off_t old_size = file_size(out);
  assert_int_equal(run_disk_limited(migrate, RLIM_INFINITY, &err), 0);
  free(err);
  off_t migrated = file_size(out);
  unsigned migrate_refused = 0;
  for (off_t limit = old_size; limit < migrated; limit += page) {
    tu_make_old_catalog(out);
    int status = run_disk_limited(migrate, (rlim_t)limit, &err);
    char integrity[256] = "";
    int version = tu_db_inspect(out, true, integrity, sizeof integrity);
    assert_string_equal(integrity, "ok");
    if (status == 0) {
      assert_int_equal(version, gsz_catalog_schema_version());
    } else {
      if (status != 4)
        fail_msg("db migrate with %ld bytes of disk: exit %d (want 4), '%s'", (long)limit, status,
                 err);
      assert_one_line_error(err, "gpusizer db migrate: ", "out.db");
      assert_true(version >= 0 && version < gsz_catalog_schema_version());
      migrate_refused++;
    }
    free(err);
    const char *const files[] = {"good.db", "out.db", NULL};
    assert_int_equal(stray_files(files), 0);
  }
  printf("disk full: db init refused at %u limits (0 to %ld bytes, every %ld), no file left; "
         "db migrate refused at %u limits (%ld to %ld bytes), the last whole migration's "
         "version and integrity ok each time\n",
         init_refused, (long)whole - 1, page, migrate_refused, (long)old_size, (long)migrated - 1);
  assert_true(init_refused > 10 && migrate_refused > 10);
  tu_unlink_db(good);
  tu_unlink_db(out);
  free(good);
  free(out);
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
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_migrate_killed_at_every_statement, setup, teardown),
      cmocka_unit_test_setup_teardown(test_binary_killed_mid_way_leaves_whole_files_or_none, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_full_disk_leaves_no_file_or_the_old_version, setup,
                                      teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
