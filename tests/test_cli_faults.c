/* test_cli_faults.c: the real gpusizer binary when memory runs out. With
 * GPUSIZER_FAIL_ALLOC=N every library allocation from the Nth on fails
 * (SQLite's and jansson's too); for N = 1..40 and then growing by a
 * quarter until the command succeeds, each command must exit 4 with
 * exactly one line, "gpusizer CMD: ... out of memory", print nothing on
 * stdout, and leave no file behind (db init, batch -o). Under the
 * sanitizer build LeakSanitizer also checks every exit path. */
#define _GNU_SOURCE /* asprintf */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *dir;

/* Run args with the Nth allocation failing; returns true once the command
 * succeeded (N was past its last allocation). */
static bool run_failing(const char *const *args, unsigned long n, const char *cmd,
                        const char *must_not_exist) {
  char *env_n = NULL;
  assert_true(asprintf(&env_n, "GPUSIZER_FAIL_ALLOC=%lu", n) > 0);
  const char *const env[] = {env_n, "GPUSIZER_TODAY=2026-11-26", NULL};
  tu_result r;
  tu_run(&r, args, env);
  bool done = r.status == 0;
  if (!done) {
    /* One line: "gpusizer CMD: out of memory", or with where it happened
     * ("gpusizer batch: row 2: out of memory"). */
    char *want = NULL;
    assert_true(asprintf(&want, "gpusizer %s: ", cmd) > 0);
    /* GPUSIZER_TODAY (set for a fixed date) is announced on a line of its
     * own before anything can fail; the failure is the line after it. */
    const char *err = r.err;
    const char *warned = strstr(err, "warning: GPUSIZER_TODAY is set");
    if (warned != NULL && strchr(warned, '\n') != NULL)
      err = strchr(warned, '\n') + 1;
    size_t len = strlen(err);
    const char *tail = "out of memory\n";
    bool one_line = len > 0 && strchr(err, '\n') == err + len - 1;
    bool says_so = strncmp(err, want, strlen(want)) == 0 && len >= strlen(tail) &&
                   strcmp(err + len - strlen(tail), tail) == 0;
    if (r.status != 4 || !one_line || !says_so || r.out[0] != '\0')
      fail_msg("%s with allocation %lu failing: exit %d (want 4)\nstderr: %.600s\nstdout: %.300s",
               cmd, n, r.status, r.err, r.out);
    if (must_not_exist != NULL && access(must_not_exist, F_OK) == 0)
      fail_msg("%s with allocation %lu failing left %s behind", cmd, n, must_not_exist);
    free(want);
  }
  if (done && must_not_exist != NULL)
    unlink(must_not_exist); /* the next run starts without it again */
  tu_result_free(&r);
  free(env_n);
  return done;
}

/* Points from both ends: 1..40 then growing by a quarter until the command
 * succeeds; then the exact count of allocations T by bisection, and T-1 ..
 * T-40 then shrinking by a quarter, so the command's last steps (matching,
 * rendering, writing the output) are covered as densely as its first. */
static void sweep_cli(const char *const *args, const char *cmd, const char *must_not_exist) {
  unsigned long n = 1, last_fail = 0, points = 0;
  while (!run_failing(args, n, cmd, must_not_exist)) {
    points++;
    last_fail = n;
    n = n < 40 ? n + 1 : n + n / 4;
    assert_true(n < 100000000ul);
  }
  unsigned long lo = last_fail, hi = n; /* lo fails, hi succeeds */
  while (hi - lo > 1) {
    unsigned long mid = lo + (hi - lo) / 2;
    if (run_failing(args, mid, cmd, must_not_exist))
      hi = mid;
    else
      lo = mid;
    points++;
  }
  unsigned long total = hi - 1; /* allocation `total` is the command's last */
  for (unsigned long back = 1; back < total && total - back > last_fail;
       back = back < 40 ? back + 1 : back + back / 4) {
    assert_false(run_failing(args, total - back + 1, cmd, must_not_exist));
    points++;
  }
  char shown[96] = "";
  for (size_t a = 0; args[a] != NULL && a < 5; a++) /* the command as typed, shortened */
    snprintf(shown + strlen(shown), sizeof shown - strlen(shown), "%s%.24s", a ? " " : "",
             strrchr(args[a], '/') ? strrchr(args[a], '/') + 1 : args[a]);
  printf("cli fault: %-44s %4lu failing points of %7lu allocations\n", shown, points, total);
  fflush(stdout);
}

static void test_every_command_says_out_of_memory(void **state) {
  (void)state;
  dir = tu_tmpdir();
  char *db = tu_path(dir, "catalog.db"), *batch = tu_path(dir, "in.csv"),
       *answers = tu_path(dir, "answers.csv");
  tu_write_file(batch, "id,model,context\na,llama-3-8b,4096\nb,llama-3-70b,8192\n", 52);

  const char *const quote[] = {"quote", "--model",  "llama-3-70b", "--context",
                               "8192",  "--format", "json",        NULL};
  sweep_cli(quote, "quote", NULL);
  const char *const priced[] = {
      "quote", "--model", "llama-3-8b", "--pricing", GSZ_SOURCE_DIR "/catalog/pricing.example.yaml",
      NULL};
  sweep_cli(priced, "quote", NULL);
  const char *const size[] = {"size", "--model", "mixtral-8x7b", "--gpu", "H100", NULL};
  sweep_cli(size, "size", NULL);
  const char *const listing[] = {"catalog", "servers", "--format", "csv", NULL};
  sweep_cli(listing, "catalog", NULL);
  const char *const init[] = {"db", "init", db, NULL};
  sweep_cli(init, "db init", db);
  assert_true(run_failing(init, 100000000ul, "db init", NULL)); /* for db check */
  const char *const check[] = {"db", "check", db, NULL};
  sweep_cli(check, "db check", NULL);
  const char *const run_batch[] = {"batch", batch, "-o", answers, NULL};
  sweep_cli(run_batch, "batch", answers);

  free(db);
  free(batch);
  free(answers);
  tu_rmdir_all(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_command_says_out_of_memory),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
