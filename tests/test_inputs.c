/* test_inputs.c: end-to-end tests of odd and hostile inputs that are not
 * catalogs: what spreadsheets and editors write (byte-order marks), bytes C
 * strings cannot hold (NUL), files that are not what a flag expects, and
 * the environment variables that change what a run does. Each runs the
 * real binary. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *dir;

static int setup(void **state) {
  (void)state;
  dir = tu_tmpdir();
  return 0;
}

static int teardown(void **state) {
  (void)state;
  tu_rmdir_all(dir);
  return 0;
}

static void expect(const tu_result *r, int status, const char *in_out, const char *in_err) {
  if (r->status != status || (in_out && !tu_contains(r->out, in_out)) ||
      (in_err && !tu_contains(r->err, in_err)))
    fail_msg("status %d (want %d)\nstdout: %.2000s\nstderr: %.2000s\nwanted out '%s' err '%s'",
             r->status, status, r->out, r->err, in_out ? in_out : "", in_err ? in_err : "");
}

static char *write_in_dir(const char *name, const char *text, size_t len) {
  char *path = tu_path(dir, name);
  tu_write_file(path, text, len);
  return path;
}

/* "CSV UTF-8" from a spreadsheet starts with EF BB BF: the first column is
 * still 'id', not '\xEF\xBB\xBFid' (an unknown column that stopped the batch). */
static void test_batch_csv_with_a_byte_order_mark(void **state) {
  (void)state;
  static const char text[] = "\xEF\xBB\xBFid,model,precision\nbom,llama-3-8b,bf16\n";
  char *path = write_in_dir("bom.csv", text, sizeof text - 1);
  const char *const args[] = {"batch", path, NULL};
  tu_result r;
  tu_run(&r, args, NULL);
  expect(&r, 0, "\nbom,ok,", "batch: 1 row: 1 ok");
  tu_result_free(&r);
  free(path);
}

/* A NUL byte inside a field cut the value short ("4096\0" "1" read as
 * 4096): now that row is an error and the others are answered. */
static void test_batch_nul_byte_spoils_its_row(void **state) {
  (void)state;
  static const char text[] = "id,model,context\n"
                             "cut,llama-3-8b,4096\0001\n"
                             "fine,llama-3-8b,4096\n";
  char *path = write_in_dir("nul.csv", text, sizeof text - 1);
  const char *const args[] = {"batch", path, NULL};
  tu_result r;
  tu_run(&r, args, NULL);
  expect(&r, 0, "nul.csv:2: column 'context' contains a NUL byte",
         "batch: 2 rows: 1 ok, 0 no_fit, 1 error");
  assert_true(tu_contains(r.out, "\ncut,error,"));
  assert_true(tu_contains(r.out, "\nfine,ok,"));
  tu_result_free(&r);
  free(path);

  /* In the header it is the file's fault: exit 2, nothing answered. */
  static const char header[] = "id,mo\000del\nx,llama-3-8b\n";
  path = write_in_dir("nul-header.csv", header, sizeof header - 1);
  const char *const args2[] = {"batch", path, NULL};
  tu_run(&r, args2, NULL);
  expect(&r, 2, NULL, "nul-header.csv:1: column 2 of the header contains a NUL byte");
  assert_string_equal(r.out, "");
  tu_result_free(&r);
  free(path);
}

/* A config.json saved as "UTF-8 with BOM" reads like one without. */
static void test_hf_config_with_a_byte_order_mark(void **state) {
  (void)state;
  static const char config[] =
      "\xEF\xBB\xBF{\"model_type\": \"llama\", \"hidden_size\": 4096, \"intermediate_size\": "
      "14336, \"num_hidden_layers\": 32, \"num_attention_heads\": 32, \"num_key_value_heads\": 8, "
      "\"vocab_size\": 128256}";
  char *path = write_in_dir("config.json", config, sizeof config - 1);
  const char *const args[] = {"size", "--hf-config", path, "--format", "csv", NULL};
  tu_result r;
  tu_run(&r, args, NULL);
  expect(&r, 0, "weights,16060522496,", NULL); /* Llama-3-8B: 8,030,261,248 x 2 bytes */
  tu_result_free(&r);
  free(path);
}

/* A file that is not JSON at all is named with the position only: its
 * first token (a password file's 'root') is not echoed, on the command
 * line or from a batch cell. */
static void test_non_json_config_is_not_echoed(void **state) {
  (void)state;
  static const char secret[] = "secrettoken:x:0:0:root:/root:/bin/bash\n";
  char *path = write_in_dir("passwd", secret, sizeof secret - 1);
  const char *const args[] = {"size", "--hf-config", path, NULL};
  tu_result r;
  tu_run(&r, args, NULL);
  expect(&r, 2, NULL, "passwd:1:");
  assert_true(tu_contains(r.err, "not valid JSON"));
  assert_false(tu_contains(r.err, "secrettoken"));
  tu_result_free(&r);

  char csv[512];
  int n = snprintf(csv, sizeof csv, "id,hf_config\nleak,%s\n", path);
  char *batch = write_in_dir("leak.csv", csv, (size_t)n);
  const char *const args2[] = {"batch", batch, NULL};
  tu_run(&r, args2, NULL);
  expect(&r, 0, "not valid JSON", NULL);
  assert_false(tu_contains(r.out, "secrettoken"));
  assert_false(tu_contains(r.err, "secrettoken"));
  tu_result_free(&r);
  free(batch);
  free(path);
}

/* More than 32 files in GPUSIZER_PRICING were silently dropped. */
static void test_too_many_pricing_files_in_the_environment(void **state) {
  (void)state;
  static const char overlay[] = "currency: USD\n";
  char *path = write_in_dir("p.yaml", overlay, sizeof overlay - 1);
  size_t cap = 33 * (strlen(path) + 1) + 32;
  char *env = malloc(cap);
  assert_non_null(env);
  size_t used = (size_t)snprintf(env, cap, "GPUSIZER_PRICING=");
  for (int i = 0; i < 33; i++)
    used += (size_t)snprintf(env + used, cap - used, "%s%s", i ? ":" : "", path);
  const char *const envs[] = {env, NULL};
  const char *const args[] = {"quote", "--model", "llama-3-8b", NULL};
  tu_result r;
  tu_run(&r, args, envs);
  expect(&r, 2, NULL, "gpusizer quote: GPUSIZER_PRICING: more than 32 files");
  assert_string_equal(r.out, "");
  tu_result_free(&r);

  /* 32 are fine. */
  env[strlen(env) - strlen(path) - 1] = '\0';
  tu_run(&r, args, envs);
  expect(&r, 0, "BEST:", NULL);
  tu_result_free(&r);
  free(env);
  free(path);
}

/* GPUSIZER_TODAY decides whether an overlay expired: a run that uses it
 * says so, and a value that is no date is refused. */
static void test_gpusizer_today_is_announced(void **state) {
  (void)state;
  const char *const args[] = {"quote", "--model", "llama-3-8b", NULL};
  const char *const fixed[] = {"GPUSIZER_TODAY=2026-11-26", NULL};
  tu_result r;
  tu_run(&r, args, fixed);
  expect(&r, 0, "BEST:",
         "gpusizer quote: warning: GPUSIZER_TODAY is set: overlay validity is checked as of "
         "'2026-11-26', not today (a testing aid)\n");
  tu_result_free(&r);
  const char *const bad[] = {"GPUSIZER_TODAY=2026-02-30", NULL};
  tu_run(&r, args, bad);
  expect(&r, 2, NULL, "gpusizer quote: GPUSIZER_TODAY: '2026-02-30' is not a date (YYYY-MM-DD)");
  assert_string_equal(r.out, "");
  tu_result_free(&r);
  tu_run(&r, args, NULL);
  expect(&r, 0, "BEST:", NULL);
  assert_string_equal(r.err, "");
  tu_result_free(&r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_batch_csv_with_a_byte_order_mark),
      cmocka_unit_test(test_batch_nul_byte_spoils_its_row),
      cmocka_unit_test(test_hf_config_with_a_byte_order_mark),
      cmocka_unit_test(test_non_json_config_is_not_echoed),
      cmocka_unit_test(test_too_many_pricing_files_in_the_environment),
      cmocka_unit_test(test_gpusizer_today_is_announced),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
