/* test_concurrency.c: quoting a catalog file while a maintainer edits it.
 * A sqlite3 process (the shell a maintainer uses) sets every GPU price to
 * one new value per transaction, in a loop, while 1,000 quotes run against
 * the same file in this process and 50 more through the gpusizer binary.
 * Every quote must succeed (the busy timeout waits out the writer's
 * locks) and see one snapshot: all GPU prices equal, and the quoted total
 * made of that price. A read-only catalog (file permissions, or a
 * "file:...?mode=ro" URI) is quoted too. */
#define _GNU_SOURCE /* asprintf */
#include "testutil.h"

#include "gpusizer/gpusizer.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { QUOTES = 1000, BINARY_QUOTES = 50, UPDATES = 100000 };

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Start `sqlite3 path < script`: UPDATES transactions, each setting every
 * GPU price to its own value (1,000,000 + i cents). */
static pid_t start_writer(const char *dir, const char *path) {
  char *script = tu_path(dir, "updates.sql");
  FILE *f = fopen(script, "w");
  assert_non_null(f);
  fprintf(f, ".timeout 5000\n");
  for (long i = 1; i <= UPDATES; i++)
    fprintf(f, "UPDATE price SET amount_minor = %ld, currency = 'USD' WHERE kind = 'gpu';\n",
            1000000 + i);
  fclose(f);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    int in = open(script, O_RDONLY), null = open("/dev/null", O_WRONLY);
    if (in < 0 || null < 0 || dup2(in, STDIN_FILENO) < 0 || dup2(null, STDOUT_FILENO) < 0 ||
        dup2(null, STDERR_FILENO) < 0)
      _exit(126);
    execlp("sqlite3", "sqlite3", path, (char *)NULL);
    _exit(127);
  }
  free(script);
  return pid;
}

/* All GPU prices in one loaded catalog are the same; returns it. */
static int64_t one_gpu_price(const gsz_catalog_data *d) {
  int64_t price = -1;
  for (size_t i = 0; i < d->n_gpus; i++) {
    const gsz_unit_price *p = &d->gpus[i].price;
    if (!p->present)
      continue;
    if (price < 0)
      price = p->amount_minor;
    else if (p->amount_minor != price)
      fail_msg("one quote saw two GPU prices: %lld and %lld (%s): not one snapshot",
               (long long)price, (long long)p->amount_minor, d->gpus[i].sku);
  }
  return price;
}

static pid_t writer = -1;

/* The writer must not outlive a failed test. */
static int stop_writer(void **state) {
  (void)state;
  if (writer > 0) {
    kill(writer, SIGKILL);
    waitpid(writer, NULL, 0);
    writer = -1;
  }
  return 0;
}

static void test_quotes_while_prices_change(void **state) {
  (void)state;
  char *dir = tu_tmpdir();
  char *path = tu_path(dir, "catalog.db");
  gsz_diag diag;
  assert_int_equal(gsz_db_init(path, false, &diag), GSZ_OK);
  /* One price for every GPU before the writer starts, so that every
   * snapshot, the first included, has one. */
  char *cmd = NULL;
  assert_true(asprintf(&cmd,
                       "sqlite3 '%s' \"UPDATE price SET amount_minor = 1000000, currency = "
                       "'USD' WHERE kind = 'gpu'\"",
                       path) > 0);
  assert_int_equal(system(cmd), 0);
  free(cmd);
  writer = start_writer(dir, path);

  int64_t first = -1, last = -1;
  unsigned distinct = 0;
  double start = now_ms();
  for (int q = 0; q < QUOTES; q++) {
    gsz_catalog *cat = NULL;
    if (gsz_catalog_open(&cat, path, &diag) != GSZ_OK)
      fail_msg("quote %d while the writer runs: %s", q, diag.message);
    const gsz_catalog_data *d = gsz_catalog_get(cat);
    int64_t price = one_gpu_price(d);
    if (price != last)
      distinct++;
    if (first < 0)
      first = price;
    last = price;

    gsz_model_ref m;
    gsz_workload w;
    assert_int_equal(gsz_model_ref_from_arch(&m, gsz_catalog_find_model(d, "llama-3-8b"), &diag),
                     GSZ_OK);
    assert_int_equal(gsz_workload_defaults(&w, d, GSZ_MODE_INFERENCE, &diag), GSZ_OK);
    gsz_match_options o;
    gsz_match_options_init(&o);
    o.gpus[o.n_gpus++] = gsz_catalog_find_gpu(d, "L40S");
    gsz_pricer pricer;
    gsz_catalog_pricer(&pricer, d);
    gsz_match_result *r = NULL;
    assert_int_equal(gsz_match_run(&r, d, &m, &w, &o, &pricer, &diag), GSZ_OK);
    assert_true(r->found);
    /* The total is GPUs x the snapshot's price + the server's price. */
    int64_t server = r->best.server->price.amount_minor;
    assert_int_equal(r->best.price.total_minor,
                     (int64_t)r->best.total_gpus * price + (int64_t)r->best.nodes * server);
    gsz_match_result_free(r);
    gsz_catalog_free(cat);
  }
  double library_ms = now_ms() - start;

  /* The binary too: exit 0 and one price throughout its listing. */
  start = now_ms();
  for (int q = 0; q < BINARY_QUOTES; q++) {
    const char *const args[] = {"catalog", "gpus", "--db", path, "--format", "csv", NULL};
    tu_result res;
    tu_run(&res, args, NULL);
    if (res.status != 0)
      fail_msg("gpusizer run %d while the writer runs: exit %d: %s", q, res.status, res.err);
    tu_csv csv;
    char *out_path = tu_path(dir, "listing.csv");
    tu_write_file(out_path, res.out, strlen(res.out));
    tu_csv_read(&csv, out_path);
    size_t col = tu_csv_col(&csv, "price_minor");
    for (size_t row = 2; row < csv.nrows; row++)
      if (csv.rows[row][col][0] != '\0' && csv.rows[1][col][0] != '\0' &&
          strcmp(csv.rows[row][col], csv.rows[1][col]) != 0)
        fail_msg("gpusizer run %d saw prices %s and %s: not one snapshot", q, csv.rows[1][col],
                 csv.rows[row][col]);
    tu_csv_free(&csv);
    free(out_path);
    tu_result_free(&res);
  }
  double binary_ms = now_ms() - start;

  kill(writer, SIGKILL);
  int status = 0;
  waitpid(writer, &status, 0);
  writer = -1;
  assert_true(WIFSIGNALED(status)); /* it was still writing: the quotes really overlapped */
  assert_true(distinct > 1);        /* ...and saw its commits */
  printf("concurrency: %d library quotes in %.0f ms and %d gpusizer runs in %.0f ms while "
         "sqlite3 rewrote every GPU price per transaction: all succeeded, each saw one "
         "price; %u price changes seen (cents %lld to %lld)\n",
         QUOTES, library_ms, BINARY_QUOTES, binary_ms, distinct, (long long)first, (long long)last);
  free(path);
  tu_rmdir_all(dir);
}

static void test_a_read_only_catalog_can_be_quoted(void **state) {
  (void)state;
  char *dir = tu_tmpdir();
  char *path = tu_path(dir, "catalog.db");
  gsz_diag diag;
  assert_int_equal(gsz_db_init(path, false, &diag), GSZ_OK);
  assert_int_equal(chmod(path, 0444), 0);
  assert_int_equal(chmod(dir, 0555), 0); /* no journal could be made either */
  char *uri = NULL;
  assert_true(asprintf(&uri, "file:%s?mode=ro", path) > 0);
  const char *const targets[] = {path, uri};
  for (size_t i = 0; i < 2; i++) {
    const char *const args[] = {"quote", "--db", targets[i], "--model", "llama-3-8b", NULL};
    tu_result r;
    tu_run(&r, args, NULL);
    if (r.status != 0 || !tu_contains(r.out, "BEST:"))
      fail_msg("read-only catalog %s: exit %d: %s", targets[i], r.status, r.err);
    tu_result_free(&r);
  }
  assert_int_equal(chmod(dir, 0700), 0);
  free(uri);
  free(path);
  tu_rmdir_all(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_teardown(test_quotes_while_prices_change, stop_writer),
      cmocka_unit_test(test_a_read_only_catalog_can_be_quoted),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
