/* test_cli.c: end-to-end tests of the gpusizer program: stdout, stderr and
 * exit status of real runs, the documented exit codes, flag errors that
 * name the flag, catalog files made and checked through the CLI, output
 * written to a full disk, and the same bytes under any locale. */
#include "testutil.h"

#include "gpusizer/catalog.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RUN(r, ...)                                                                                \
  do {                                                                                             \
    const char *const args_[] = {__VA_ARGS__, NULL};                                               \
    tu_run(r, args_, NULL);                                                                        \
  } while (0)

static void expect(const tu_result *r, int status, const char *in_out, const char *in_err) {
  if (r->status != status || (in_out && !tu_contains(r->out, in_out)) ||
      (in_err && !tu_contains(r->err, in_err)))
    fail_msg("status %d (want %d)\nstdout: %.2000s\nstderr: %.2000s\nwanted out '%s' err '%s'",
             r->status, status, r->out, r->err, in_out ? in_out : "", in_err ? in_err : "");
}

static void test_version_and_help(void **state) {
  (void)state;
  tu_result r;
  RUN(&r, "--version");
  char version[64];
  snprintf(version, sizeof version, "gpusizer 0.1.0 (catalog schema %d)",
           gsz_catalog_schema_version());
  expect(&r, 0, version, NULL);
  tu_result_free(&r);
  RUN(&r, "--help");
  expect(&r, 0, "exit status", NULL);
  tu_result_free(&r);
  static const char *const commands[] = {"size", "quote", "batch", "catalog", "db"};
  for (size_t i = 0; i < 5; i++) {
    RUN(&r, commands[i], "--help");
    expect(&r, 0, "usage: gpusizer", NULL);
    assert_string_equal(r.err, "");
    tu_result_free(&r);
  }
  const char *const no_args[] = {NULL};
  tu_run(&r, no_args, NULL);
  expect(&r, 2, NULL, "usage: gpusizer");
  tu_result_free(&r);
  RUN(&r, "frobnicate");
  expect(&r, 2, NULL, "unknown command 'frobnicate'");
  tu_result_free(&r);
}

static void test_catalog_listings(void **state) {
  (void)state;
  tu_result r;
  RUN(&r, "catalog", "gpus");
  expect(&r, 0, "H100-SXM5-80GB", NULL);
  assert_string_equal(r.err, "");
  tu_result_free(&r);
  RUN(&r, "catalog", "gpus", "--format", "json", "--vendor", "NVIDIA");
  expect(&r, 0, "\"sku\": \"H100-SXM5-80GB\"", NULL);
  json_t *doc = json_loads(r.out, 0, NULL);
  assert_true(json_is_array(doc) && json_array_size(doc) >= 20);
  json_decref(doc);
  tu_result_free(&r);
  static const char *const listings[] = {"servers", "models", "formats", "stock", "runtimes"};
  for (size_t i = 0; i < 5; i++) {
    RUN(&r, "catalog", listings[i], "--format", "csv");
    expect(&r, 0, "\r\n", NULL);
    tu_result_free(&r);
  }
  RUN(&r, "catalog", "cpus");
  expect(&r, 2, NULL, "unknown listing 'cpus'");
  tu_result_free(&r);
  RUN(&r, "catalog", "gpus", "--format", "xml");
  expect(&r, 2, NULL, "--format: unknown output format 'xml'");
  tu_result_free(&r);
  RUN(&r, "catalog", "gpus", "--colour");
  expect(&r, 2, NULL, "unknown option '--colour'");
  tu_result_free(&r);
  RUN(&r, "catalog", "gpus", "--vendor");
  expect(&r, 2, NULL, "'--vendor' needs a value");
  tu_result_free(&r);
  /* A filter that matches nothing anywhere is a typo, and one that does
   * not apply to the listing is refused, not ignored. */
  RUN(&r, "quote", "--model", "llama-3-70b", "--dp=2");
  expect(&r, 2, NULL,
         "gpusizer quote: --dp: quote chooses the layout itself (tensor parallel inside a node, "
         "pipeline stages across nodes, data parallel over the GPUs for training); use 'gpusizer "
         "size --dp N' to size a given layout\n");
  tu_result_free(&r);
  RUN(&r, "catalog", "gpus", "--vendor", "nosuch");
  expect(&r, 2, NULL,
         "gpusizer catalog: --vendor: no GPU of vendor 'nosuch' in the catalog (vendors: NVIDIA, "
         "Intel, AMD)\n");
  assert_string_equal(r.out, "");
  tu_result_free(&r);
  RUN(&r, "catalog", "servers", "--form-factor", "xyz");
  expect(&r, 2, NULL, "--form-factor: no 'xyz' in the catalog (form factors: ");
  tu_result_free(&r);
  RUN(&r, "catalog", "models", "--vendor", "amd");
  expect(&r, 2, NULL, "--vendor goes with 'catalog gpus', 'servers' or 'stock'");
  tu_result_free(&r);
  RUN(&r, "catalog", "formats", "--form-factor", "sxm");
  expect(&r, 2, NULL, "--form-factor goes with 'catalog gpus' or 'servers'");
  tu_result_free(&r);
  /* MLA heads are qk_nope + qk_rope = 192 wide, not hidden / heads = 56. */
  RUN(&r, "catalog", "models", "--format", "csv");
  expect(&r, 0, "DeepSeek-V3,deepseek_v3,671026419200,37552297472,61,7168,128,128,192,", NULL);
  tu_result_free(&r);
  RUN(&r, "catalog", "gpus", "--vendor", "amd", "--format", "csv");
  expect(&r, 0, "MI300X,AMD,", NULL);
  assert_false(tu_contains(r.out, "NVIDIA"));
  tu_result_free(&r);
}

static void test_catalog_files_through_the_cli(void **state) {
  (void)state;
  char *dir = tu_tmpdir();
  char *db = tu_path(dir, "catalog.db");
  tu_result r;
  RUN(&r, "db", "init", db);
  expect(&r, 0, "wrote the built-in catalog", NULL);
  tu_result_free(&r);
  RUN(&r, "db", "init", db);
  expect(&r, 2, NULL, "already exists (use --force");
  tu_result_free(&r);
  RUN(&r, "db", "check", db);
  expect(&r, 0, "ok (integrity, foreign keys, catalog sanity)", NULL);
  tu_result_free(&r);
  RUN(&r, "db", "migrate", db);
  char at_latest[64];
  snprintf(at_latest, sizeof at_latest, "already at schema %d; nothing to do",
           gsz_catalog_schema_version());
  expect(&r, 0, at_latest, NULL);
  tu_result_free(&r);
  RUN(&r, "catalog", "gpus", "--db", db, "--format", "csv");
  expect(&r, 0, "H100-SXM5-80GB", NULL);
  tu_result_free(&r);

  /* GPUSIZER_DB is the default catalog. */
  char env[600];
  snprintf(env, sizeof env, "GPUSIZER_DB=%s", dir); /* a directory: refused */
  const char *const env_args[] = {"catalog", "gpus", NULL};
  const char *const envs[] = {env, NULL};
  tu_run(&r, env_args, envs);
  expect(&r, 3, NULL, "not a regular file");
  tu_result_free(&r);

  /* A planted problem makes db check exit 3 with one line per problem. */
  char cmd[1024];
  snprintf(
      cmd, sizeof cmd,
      "sqlite3 %s \"INSERT INTO gpu (sku, vendor, name, form_factor, memory_mib, usable_mib, "
      "bandwidth_gbs, tflops_bf16, tdp_w) VALUES ('LONELY', 'V', 'n', 'PCIe', 10, 10, 1, 1, 1)\"",
      db);
  assert_int_equal(system(cmd), 0);
  RUN(&r, "db", "check", db);
  expect(&r, 3, "gpu 'LONELY': sellable GPU has no price", "problems in");
  tu_result_free(&r);

  /* Bad catalog files: exit 3, the file named, what to do. */
  char *missing = tu_path(dir, "missing.db");
  RUN(&r, "catalog", "gpus", "--db", missing);
  expect(&r, 3, NULL, "does not exist (create one with 'gpusizer db init");
  tu_result_free(&r);
  char *text = tu_path(dir, "notes.txt");
  tu_write_file(text, "hello\n", 6);
  RUN(&r, "catalog", "gpus", "--db", text);
  expect(&r, 3, NULL, "is not an SQLite database");
  tu_result_free(&r);
  snprintf(cmd, sizeof cmd, "sqlite3 %s 'PRAGMA user_version = 99'", db);
  assert_int_equal(system(cmd), 0);
  RUN(&r, "catalog", "gpus", "--db", db);
  expect(&r, 3, NULL, "upgrade gpusizer");
  tu_result_free(&r);
  RUN(&r, "db", "migrate", db);
  expect(&r, 3, NULL, "newer than this gpusizer");
  tu_result_free(&r);
  RUN(&r, "db", "migrate");
  expect(&r, 2, NULL, "'db migrate' needs a FILE");
  tu_result_free(&r);
  free(missing);
  free(text);
  free(db);
  tu_rmdir_all(dir);
}

static void test_size_prints_a_breakdown(void **state) {
  (void)state;
  tu_result r;
  RUN(&r, "size", "--model", "llama-3-70b", "--precision", "bf16", "--context", "8192",
      "--concurrency", "8");
  expect(&r, 0, "141,107,412,992", NULL);
  assert_true(tu_contains(r.out, "kv_cache         21,474,836,480"));
  assert_true(tu_contains(r.out, "GiB"));
  tu_result_free(&r);
  RUN(&r, "size", "--params", "7B", "--method", "quick", "--precision", "int4", "--format", "json");
  expect(&r, 0, "\"per_gpu_bytes\": 3500000000", NULL);
  tu_result_free(&r);
  RUN(&r, "size", "--params", "7B", "--mode", "train", "--method", "quick", "--format", "csv");
  expect(&r, 0, "per GPU,56000000000,true", NULL);
  tu_result_free(&r);
  RUN(&r, "size", "--model", "llama-3-8b", "--gpu", "h100");
  expect(&r, 0, "on H100-SXM5-80GB: fits", NULL);
  tu_result_free(&r);
}

/* Every bad input: exit 2 and one line naming the flag or file. */
static void test_bad_flags_name_the_flag(void **state) {
  (void)state;
  static const struct {
    const char *args[8];
    const char *says;
  } cases[] = {
      {{"size", "--model", "llama-3-8b", "--context", "0"}, "--context: '0' is out of range"},
      {{"size", "--model", "llama-3-8b", "--context", "-5"},
       "--context: '-5' is not a whole number"},
      {{"size", "--model", "llama-3-8b", "--context", "1e400"}, "--context: '1e400'"},
      {{"size", "--model", "llama-3-8b", "--concurrency", "99999999999999999999999"},
       "--concurrency"},
      {{"size", "--params", "7X"}, "--params: '7X' has an unknown suffix"},
      {{"size", "--params", "nan"}, "--params: 'nan' is not a number"},
      {{"size", "--params", "inf"}, "--params: 'inf' is not a number"},
      {{"size", "--params", "0"}, "--params: '0' must be greater than zero"},
      {{"size", "--params", "1e400"}, "--params: '1e400' is too large"},
      {{"size", "--params", "7B", "--precision", "fp6"},
       "--precision: unknown number format 'fp6'"},
      {{"size", "--params", "7B", "--mode", "serve"}, "unknown mode 'serve'"},
      {{"size", "--params", "7B", "--mode", "train", "--optimizer", "lion"},
       "unknown optimizer 'lion'"},
      {{"size", "--model", "llama-9-70b"}, "--model: unknown model 'llama-9-70b'"},
      {{"size", "--model", "lama-3-70b"}, "did you mean 'Llama-3-70B'?"},
      {{"size", "--hf-config", "/nonexistent/config.json"},
       "--hf-config: cannot open '/nonexistent/config.json'"},
      {{"size", "--model", "llama-3-8b", "--tp", "3"}, "--tp 3 does not fit 'Llama-3-8B'"},
      {{"size", "--params", "7B", "--mode", "train", "--precision", "int4"}, "does not converge"},
      {{"size"}, "which model?"},
      {{"size", "--model", "llama-3-8b", "--params", "8B"}, "only one of --model"},
      {{"size", "--model", "llama-3-8b", "--gpu", "h1000"}, "--gpu: unknown GPU 'h1000'"},
      {{"size", "--model", "llama-3-8b", "--runtime", "tgi"}, "--runtime: unknown runtime profile"},
      {{"size", "--model", "llama-3-8b", "--flash-attention", "maybe"},
       "--flash-attention: expected on or off"},
      {{"size", "--params", "7B", "--mode", "lora"}, "give --model or --hf-config"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    tu_result r;
    tu_run(&r, cases[i].args, NULL);
    if (r.status != 2 || !tu_contains(r.err, cases[i].says) || r.out[0] != '\0')
      fail_msg("case %zu (%s %s): status %d, stderr: %s", i, cases[i].args[1],
               cases[i].args[2] ? cases[i].args[2] : "", r.status, r.err);
    tu_result_free(&r);
  }
}

static void test_hf_config_files(void **state) {
  (void)state;
  char *dir = tu_tmpdir();
  char *good = tu_path(dir, "config.json");
  const char *json =
      "{\"model_type\": \"qwen2\", \"hidden_size\": 896, \"intermediate_size\": 4864,"
      " \"num_hidden_layers\": 24, \"num_attention_heads\": 14,"
      " \"num_key_value_heads\": 2, \"vocab_size\": 151936, \"tie_word_embeddings\": true}";
  tu_write_file(good, json, strlen(json));
  tu_result r;
  RUN(&r, "size", "--hf-config", good, "--format", "json");
  expect(&r, 0, "\"total_params\": 494032768", NULL);
  tu_result_free(&r);
  char *bad = tu_path(dir, "bad.json");
  tu_write_file(bad, "{\"model_type\": ", 15);
  RUN(&r, "size", "--hf-config", bad);
  expect(&r, 2, NULL, "not valid JSON");
  assert_true(tu_contains(r.err, "bad.json:1:"));
  tu_result_free(&r);
  free(good);
  free(bad);
  tu_rmdir_all(dir);
}

static void test_quote_answers_with_a_price_and_reasons(void **state) {
  (void)state;
  tu_result r;
  RUN(&r, "quote", "--model", "llama-3-70b", "--precision", "bf16", "--context", "8192",
      "--concurrency", "8");
  expect(&r, 0, "BEST: ", NULL);
  assert_true(tu_contains(r.out, " USD\n"));
  assert_true(tu_contains(r.out, "why not the others:"));
  assert_true(tu_contains(r.out, "NOT_SOLD"));
  assert_true(tu_contains(r.out, "memory per GPU"));
  tu_result_free(&r);

  RUN(&r, "quote", "--model", "llama-3-70b", "--context", "8192", "--concurrency", "8", "--format",
      "json");
  expect(&r, 0, "\"best\"", NULL);
  json_error_t jerr;
  json_t *doc = json_loads(r.out, 0, &jerr);
  assert_non_null(doc);
  json_t *best = json_object_get(doc, "best");
  assert_true(json_integer_value(json_object_get(best, "per_gpu_bytes")) <=
              json_integer_value(json_object_get(best, "budget_bytes")));
  json_t *price = json_object_get(best, "price");
  assert_string_equal(json_string_value(json_object_get(price, "currency")), "USD");
  json_int_t sum = 0;
  json_t *lines = json_object_get(price, "lines");
  for (size_t i = 0; i < json_array_size(lines); i++)
    sum += json_integer_value(json_object_get(json_array_get(lines, i), "amount_minor"));
  assert_int_equal(sum, json_integer_value(json_object_get(price, "total_minor")));
  assert_true(json_array_size(json_object_get(doc, "alternatives")) <= 5);
  json_t *rejected = json_object_get(doc, "rejected");
  assert_true(json_array_size(rejected) > 0);
  json_t *reason = json_array_get(json_object_get(json_array_get(rejected, 0), "reasons"), 0);
  assert_true(json_is_string(json_object_get(reason, "code")));
  assert_true(json_is_integer(json_object_get(json_object_get(doc, "memory"), "per_gpu_bytes")));
  json_decref(doc);
  tu_result_free(&r);

  RUN(&r, "quote", "--model", "llama-3-8b", "--format", "csv", "--top", "2");
  expect(&r, 0, "rank,role,gpu_sku,server_sku,gpus_per_node,nodes,total_gpus,tp,pp,dp,zero,", NULL);
  assert_true(tu_contains(r.out, ",rejected,A10,"));
  tu_result_free(&r);
  RUN(&r, "quote", "--model", "llama-3-8b", "--format", "markdown");
  expect(&r, 0, "## Quote: Llama-3-8B", NULL);
  assert_true(tu_contains(r.out, "| Qty | Item |"));
  tu_result_free(&r);
  RUN(&r, "quote", "--model", "llama-3-70b", "--gpu", "h100", "--explain", "h100", "--top", "0");
  expect(&r, 0, "every candidate of H100-SXM5-80GB", NULL);
  assert_true(tu_contains(r.out, "XE8640"));
  tu_result_free(&r);
  RUN(&r, "quote", "--model", "llama-3-8b", "--stock", "only");
  expect(&r, 0, "buildable from stock", NULL);
  tu_result_free(&r);
}

static void test_quote_with_nothing_fitting_exits_1_with_reasons(void **state) {
  (void)state;
  tu_result r;
  RUN(&r, "quote", "--model", "deepseek-v3", "--gpu", "l4", "--max-nodes", "1");
  expect(&r, 1, "NO CONFIGURATION FITS", "no configuration fits");
  assert_true(tu_contains(r.out, "L4"));
  assert_true(tu_contains(r.out, "--max-nodes is 1"));
  tu_result_free(&r);
  RUN(&r, "quote", "--model", "llama-3-70b", "--budget", "1000.00", "--format", "json");
  expect(&r, 1, "\"found\": false", NULL);
  assert_true(tu_contains(r.out, "\"BUDGET\""));
  tu_result_free(&r);
}

/* A maintainer's own catalog: only two GPUs and one server are sold, with
 * stock for one of them; quote must answer from that file alone. */
static void test_quote_on_a_fixture_database(void **state) {
  (void)state;
  char *dir = tu_tmpdir();
  char *db = tu_path(dir, "fixture.db");
  tu_result r;
  RUN(&r, "db", "init", db);
  expect(&r, 0, NULL, NULL);
  tu_result_free(&r);
  char cmd[2048];
  snprintf(cmd, sizeof cmd,
           "sqlite3 %s \"UPDATE gpu SET sellable = 0 WHERE sku NOT IN ('L40S', 'L4');"
           " UPDATE server SET sellable = 0 WHERE sku <> 'SYS-421GE-TNRT';"
           " DELETE FROM inventory;"
           " INSERT INTO inventory (kind, sku, location, on_hand, reserved, lead_time_days)"
           " VALUES ('gpu', 'L40S', 'HQ', 4, 0, 30), ('server', 'SYS-421GE-TNRT', 'HQ', 1, 0, 10);"
           " INSERT OR REPLACE INTO price (kind, sku, amount_minor, currency, as_of, source)"
           " VALUES ('gpu', 'L40S', 700000, 'USD', date('now'), 'test fixture')\"",
           db);
  assert_int_equal(system(cmd), 0);
  const char *const args[] = {"quote",     "--db", db,         "--model", "llama-3-70b",
                              "--context", "4096", "--format", "json",    NULL};
  tu_run(&r, args, NULL);
  expect(&r, 0, NULL, NULL);
  json_t *doc = json_loads(r.out, 0, NULL);
  json_t *best = json_object_get(doc, "best");
  assert_string_equal(json_string_value(json_object_get(best, "gpu_sku")), "L40S");
  assert_string_equal(json_string_value(json_object_get(best, "server_sku")), "SYS-421GE-TNRT");
  /* 4 x L40S at the fixture's 7,000.00: the newest price row wins. */
  json_t *lines = json_object_get(json_object_get(best, "price"), "lines");
  assert_int_equal(json_integer_value(json_object_get(json_array_get(lines, 1), "unit_minor")),
                   700000);
  assert_true(json_is_true(json_object_get(json_object_get(best, "stock"), "buildable")));
  json_decref(doc);
  tu_result_free(&r);
  /* Stock only, for a workload needing more than 4 L40S: nothing fits. */
  const char *const args2[] = {
      "quote",         "--db", db,        "--model", "llama-3-70b", "--context", "32768",
      "--concurrency", "16",   "--stock", "only",    "--gpu",       "L40S",      NULL};
  tu_run(&r, args2, NULL);
  expect(&r, 1, "STOCK", NULL);
  tu_result_free(&r);
  free(db);
  tu_rmdir_all(dir);
}

static void test_quote_bad_flags(void **state) {
  (void)state;
  static const struct {
    const char *args[8];
    const char *says;
  } cases[] = {
      {{"quote", "--model", "llama-3-8b", "--budget", "1e3"}, "--budget: '1e3'"},
      {{"quote", "--model", "llama-3-8b", "--budget", "12,50"}, "--budget: '12,50'"},
      {{"quote", "--model", "llama-3-8b", "--budget", "1.005"}, "more than 2 decimal places"},
      {{"quote", "--model", "llama-3-8b", "--stock", "maybe"}, "--stock: unknown stock policy"},
      {{"quote", "--model", "llama-3-8b", "--gpu", "h1000"}, "--gpu: unknown GPU 'h1000'"},
      {{"quote", "--model", "llama-3-8b", "--explain", "x"}, "--explain: unknown GPU 'x'"},
      {{"quote", "--model", "llama-3-8b", "--exclude", "nothing"},
       "--exclude: 'nothing' is neither"},
      {{"quote", "--model", "llama-3-8b", "--max-nodes", "0"}, "--max-nodes: '0' is out of range"},
      {{"quote", "--model", "llama-3-8b", "--vendor", "acme"}, "--vendor: no GPU of vendor 'acme'"},
      {{"quote", "--model", "llama-3-8b", "--form-factor", "mxm"},
       "--form-factor: no GPU of form factor 'mxm'"},
      {{"quote", "--model", "llama-3-8b", "--mode", "train", "--tp", "3"},
       "--tp: 3 does not fit this model"},
      {{"quote", "--model", "llama-3-8b", "--tp", "2"}, "--tp: for inference, quote chooses"},
      {{"quote", "--model", "llama-3-8b", "--pp", "2"}, "--pp: quote chooses the layout itself"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    tu_result r;
    tu_run(&r, cases[i].args, NULL);
    if (r.status != 2 || !tu_contains(r.err, cases[i].says))
      fail_msg("case %zu: status %d, stderr: %s", i, r.status, r.err);
    tu_result_free(&r);
  }
}

static void test_pricing_overlays_through_the_cli(void **state) {
  (void)state;
  const char *example = GSZ_SOURCE_DIR "/catalog/pricing.example.yaml";
  const char *const today[] = {"GPUSIZER_TODAY=2026-11-26", NULL};
  tu_result r;
  const char *const quote[] = {"quote", "--model",  "llama-3-8b", "--pricing",
                               example, "--format", "json",       NULL};
  tu_run(&r, quote, today);
  expect(&r, 0, "\"currency\": \"EUR\"", NULL);
  json_t *doc = json_loads(r.out, 0, NULL);
  json_t *pricing = json_object_get(doc, "pricing");
  assert_string_equal(json_string_value(json_object_get(pricing, "valid_until")), "2027-03-31");
  assert_true(tu_contains(json_string_value(json_array_get(json_object_get(pricing, "files"), 0)),
                          "pricing.example.yaml"));
  json_t *price = json_object_get(json_object_get(doc, "best"), "price");
  assert_string_equal(json_string_value(json_object_get(price, "currency")), "EUR");
  json_decref(doc);
  tu_result_free(&r);

  /* $GPUSIZER_PRICING is the default; the markdown names the file. */
  char env[512];
  snprintf(env, sizeof env, "GPUSIZER_PRICING=%s", example);
  const char *const envs[] = {env, "GPUSIZER_TODAY=2026-11-26", NULL};
  const char *const md[] = {"quote", "--model", "llama-3-8b", "--format", "markdown", NULL};
  tu_run(&r, md, envs);
  expect(&r, 0, "pricing.example.yaml (EUR, valid until 2027-03-31)", NULL);
  tu_result_free(&r);

  const char *const list[] = {"catalog", "prices", "--pricing", example, "--format", "csv", NULL};
  tu_run(&r, list, today);
  expect(&r, 0, "gpu,L40S,NVIDIA,805000,EUR,875000,USD,", NULL);
  assert_true(tu_contains(r.out, "gpu,RTX-4090,"));
  tu_result_free(&r);

  /* Expired: refused, or a warning with --allow-expired. */
  const char *const later[] = {"GPUSIZER_TODAY=2027-04-01", NULL};
  tu_run(&r, quote, later);
  expect(&r, 2, NULL, "pricing.example.yaml:8:14: the overlay expired on 2027-03-31");
  assert_string_equal(r.out, "");
  tu_result_free(&r);
  const char *const allowed[] = {"quote", "--model",         "llama-3-8b", "--pricing",
                                 example, "--allow-expired", NULL};
  tu_run(&r, allowed, later);
  expect(&r, 0, "BEST:", "warning: ");
  tu_result_free(&r);

  /* A broken overlay: exit 2, file:line:col, nothing quoted. */
  char *dir = tu_tmpdir();
  char *bad = tu_path(dir, "bad.yaml");
  const char *text = "currency: EUR\nfx: {USD: \"0.9\"}\nmarkup_precent: \"5\"\n";
  tu_write_file(bad, text, strlen(text));
  const char *const broken[] = {"quote", "--model", "llama-3-8b", "--pricing", bad, NULL};
  tu_run(&r, broken, today);
  expect(&r, 2, NULL, "bad.yaml:3:1: unknown key 'markup_precent'; did you mean 'markup_percent'?");
  assert_string_equal(r.out, "");
  tu_result_free(&r);
  const char *const missing[] = {"quote",     "--model",           "llama-3-8b",
                                 "--pricing", "/nonexistent.yaml", NULL};
  tu_run(&r, missing, today);
  expect(&r, 2, NULL, "cannot open pricing overlay '/nonexistent.yaml'");
  tu_result_free(&r);
  const char *const wrong_place[] = {"catalog", "gpus", "--pricing", bad, NULL};
  tu_run(&r, wrong_place, today);
  expect(&r, 2, NULL, "go with 'catalog prices'");
  tu_result_free(&r);
  free(bad);
  tu_rmdir_all(dir);
}

/* A 2,000-row batch with bad rows: every row answered, bad rows reported
 * with their numbers, good rows answered exactly as quote answers them,
 * and the output file written whole. */
static void test_batch_of_2000_rows(void **state) {
  (void)state;
  static const struct {
    const char *csv;      /* model,precision,context,concurrency,gpu */
    const char *args[16]; /* NULL-terminated */
    bool bad;
  } kinds[] = {
      {"llama-3-8b,bf16,4096,8,",
       {"--model", "llama-3-8b", "--precision", "bf16", "--context", "4096", "--concurrency", "8"},
       false},
      {"qwen2.5-0.5b,fp8,2048,1,L4",
       {"--model", "qwen2.5-0.5b", "--precision", "fp8", "--context", "2048", "--concurrency", "1",
        "--gpu", "L4"},
       false},
      {"mistral-7b-v0.1,int4,32768,4,L40S;L4",
       {"--model", "mistral-7b-v0.1", "--precision", "int4", "--context", "32768", "--concurrency",
        "4", "--gpu", "L40S", "--gpu", "L4"},
       false},
      {"nosuch,bf16,4096,1,", {NULL}, true},
      {"llama-3-8b,bf16,0,1,", {NULL}, true},
      {"llama-3-8b,fp6,4096,1,", {NULL}, true},
      {"llama-3-8b,bf16,4096,1,H1000", {NULL}, true},
  };
  const size_t n_kinds = sizeof kinds / sizeof kinds[0];
  char *dir = tu_tmpdir();
  char *in_path = tu_path(dir, "requests.csv");
  char *out_path = tu_path(dir, "answers.csv");
  char *summary_path = tu_path(dir, "summary.txt");
  FILE *f = fopen(in_path, "w");
  fprintf(f, "id,model,precision,context,concurrency,gpu\n");
  for (size_t i = 0; i < 2000; i++)
    fprintf(f, "r%zu,%s\n", i + 1, kinds[i % n_kinds].csv);
  fclose(f);
  tu_result r;
  const char *const args[] = {"batch", in_path, "-o", out_path, "--summary", summary_path, NULL};
  tu_run(&r, args, NULL);
  expect(&r, 0, NULL, NULL);
  assert_string_equal(r.out, "");
  tu_result_free(&r);

  tu_csv csv;
  tu_csv_read(&csv, out_path);
  assert_int_equal(csv.nrows, 2001);
  size_t c_id = tu_csv_col(&csv, "id"), c_status = tu_csv_col(&csv, "status"),
         c_gpu = tu_csv_col(&csv, "gpu_sku"), c_server = tu_csv_col(&csv, "server_sku"),
         c_nodes = tu_csv_col(&csv, "nodes"), c_total = tu_csv_col(&csv, "total_minor"),
         c_error = tu_csv_col(&csv, "error");
  for (size_t i = 0; i < 2000; i++) {
    char **row = csv.rows[i + 1];
    char id[16];
    snprintf(id, sizeof id, "r%zu", i + 1);
    assert_string_equal(row[c_id], id); /* input order */
    if (kinds[i % n_kinds].bad) {
      assert_string_equal(row[c_status], "error");
      char prefix[32];
      snprintf(prefix, sizeof prefix, "row %zu: column '", i + 1);
      assert_true(tu_contains(row[c_error], prefix));
    } else {
      assert_string_equal(row[c_status], "ok");
    }
  }
  /* The first row of each good kind equals what quote answers. */
  for (size_t k = 0; k < n_kinds; k++) {
    if (kinds[k].bad)
      continue;
    const char *qargs[20] = {"quote", "--format", "json"};
    size_t n = 3;
    for (size_t a = 0; kinds[k].args[a] != NULL; a++)
      qargs[n++] = kinds[k].args[a];
    qargs[n] = NULL;
    tu_run(&r, qargs, NULL);
    expect(&r, 0, NULL, NULL);
    json_t *doc = json_loads(r.out, 0, NULL);
    json_t *best = json_object_get(doc, "best");
    char **row = csv.rows[k + 1];
    assert_string_equal(row[c_gpu], json_string_value(json_object_get(best, "gpu_sku")));
    assert_string_equal(row[c_server], json_string_value(json_object_get(best, "server_sku")));
    assert_int_equal(strtoll(row[c_nodes], NULL, 10),
                     json_integer_value(json_object_get(best, "nodes")));
    assert_int_equal(
        strtoll(row[c_total], NULL, 10),
        json_integer_value(json_object_get(json_object_get(best, "price"), "total_minor")));
    json_decref(doc);
    tu_result_free(&r);
  }
  tu_csv_free(&csv);
  char *summary = tu_read_file(summary_path, NULL);
  assert_true(tu_contains(summary, "batch: 2000 rows: 858 ok, 0 no_fit, 1142 error"));
  assert_true(tu_contains(summary, "need "));
  free(summary);

  /* An unusable input stops before any work and leaves the old output. */
  char *bad = tu_path(dir, "bad.csv");
  tu_write_file(bad, "id,modle\n1,x\n", 13);
  const char *const bad_args[] = {"batch", bad, "-o", out_path, NULL};
  size_t before_len = 0, after_len = 0;
  char *before = tu_read_file(out_path, &before_len);
  tu_run(&r, bad_args, NULL);
  expect(&r, 2, NULL, "unknown column 'modle'; did you mean 'model'?");
  char *after = tu_read_file(out_path, &after_len);
  assert_int_equal(before_len, after_len);
  assert_memory_equal(before, after, before_len);
  free(before);
  free(after);
  tu_result_free(&r);

  /* YAML in, JSON out, on stdout. */
  char *yaml = tu_path(dir, "requests.yaml");
  const char *y = "- {id: one, params: 7B, method: quick, precision: int4}\n";
  tu_write_file(yaml, y, strlen(y));
  const char *const yaml_args[] = {"batch", yaml, "--format", "json", NULL};
  tu_run(&r, yaml_args, NULL);
  expect(&r, 0, "\"id\": \"one\"", "batch: 1 row: 1 ok");
  tu_result_free(&r);

  /* A YAML list is a repeated flag; a mapping where a value belongs spoils
   * its row only. */
  const char *y2 = "- {id: one, params: 7B, method: quick, gpu: [H100, L40S]}\n"
                   "- {id: two, params: 7B, context: {x: 1}}\n";
  tu_write_file(yaml, y2, strlen(y2));
  const char *const yaml_csv_args[] = {"batch", yaml, NULL};
  tu_run(&r, yaml_csv_args, NULL);
  expect(&r, 0, "two,error,,,,,,,,,,,\"row 2: ", "batch: 2 rows: 1 ok, 0 no_fit, 1 error");
  assert_true(tu_contains(r.out, "requests.yaml:2:34: 'context' must be a value, not a mapping"));
  /* Only the two GPUs asked for were considered: the L40S is the cheaper. */
  assert_true(tu_contains(r.out, "\none,ok,L40S,DL380A-GEN11,1,1,1,14000000000,"));
  tu_result_free(&r);
  free(yaml);
  free(bad);
  free(in_path);
  free(out_path);
  free(summary_path);
  tu_rmdir_all(dir);
}

/* A byte count beyond INT64_MAX (no format carries it exactly) is the same
 * error in every format: 1e19 bytes of int8 weights once printed as a
 * negative number in CSV and as 9223372036854775807 in JSON. */
static void test_too_large_counts_are_an_error_in_every_format(void **state) {
  (void)state;
  static const char *const formats[] = {"table", "json", "csv", "markdown"};
  tu_result r;
  for (size_t i = 0; i < 4; i++) {
    char want[200];
    snprintf(want, sizeof want,
             "gpusizer size: weights (10,000,000,000,000,000,000 bytes) is too large for the %s "
             "output: every format stops at 9,223,372,036,854,775,807\n",
             formats[i]);
    RUN(&r, "size", "--params", "1e19", "--precision", "int8", "--format", formats[i]);
    expect(&r, 2, NULL, NULL);
    assert_string_equal(r.out, "");
    assert_string_equal(r.err, want);
    tu_result_free(&r);
    RUN(&r, "quote", "--params", "1e19", "--precision", "int8", "--format", formats[i]);
    expect(&r, 2, NULL, "weights (10,000,000,000,000,000,000 bytes) is too large for the ");
    assert_string_equal(r.out, "");
    tu_result_free(&r);
  }
  RUN(&r, "size", "--params", "1e19", "--precision", "int8", "--format", "csv", "--csv-raw");
  expect(&r, 2, NULL, "is too large for the csv output");
  tu_result_free(&r);
  /* Just below the limit everything is printed exactly. */
  RUN(&r, "size", "--params", "9e18", "--precision", "int4", "--format", "csv");
  expect(&r, 0, "\r\nweights,4500000000000000000,true\r\n", NULL);
  tu_result_free(&r);
}

/* --summary is written before the rows: when it cannot be, nothing is, and
 * an older -o file is left as it was; when -o cannot be written after it,
 * the message says the summary was. */
static void test_batch_summary_failure_leaves_no_output(void **state) {
  (void)state;
  char *dir = tu_tmpdir();
  char *in = tu_path(dir, "in.csv");
  char *out = tu_path(dir, "out.csv");
  char *summary = tu_path(dir, "summary.txt");
  char *nowhere = tu_path(dir, "no/such/dir/file.txt");
  tu_write_file(in, "id,params,method\na,7B,quick\n", 27);
  tu_result r;

  RUN(&r, "batch", in, "-o", out, "--summary", nowhere);
  expect(&r, 4, NULL, "gpusizer batch: --summary: cannot ");
  assert_true(tu_contains(r.err, "; the output file was not written\n"));
  assert_null(tu_read_file(out, NULL)); /* not there as if the batch had worked */
  tu_result_free(&r);

  tu_write_file(out, "old\n", 4);
  RUN(&r, "batch", in, "-o", out, "--summary", nowhere);
  expect(&r, 4, NULL, "; the output file was not written");
  char *old = tu_read_file(out, NULL);
  assert_string_equal(old, "old\n");
  free(old);
  tu_result_free(&r);

  RUN(&r, "batch", in, "--summary", nowhere); /* rows to stdout: none either */
  expect(&r, 4, NULL, "; the rows were not written");
  assert_string_equal(r.out, "");
  tu_result_free(&r);

  RUN(&r, "batch", in, "-o", nowhere, "--summary", summary);
  expect(&r, 4, NULL, "gpusizer batch: -o: cannot ");
  char said[600];
  snprintf(said, sizeof said, "; the summary was written to '%s'\n", summary);
  assert_true(tu_contains(r.err, said));
  char *text = tu_read_file(summary, NULL);
  assert_true(tu_contains(text, "batch: 1 row: 1 ok"));
  free(text);
  tu_result_free(&r);

  RUN(&r, "batch", in, "-o", out, "--summary", summary);
  expect(&r, 0, NULL, NULL);
  tu_result_free(&r);
  free(in);
  free(out);
  free(summary);
  free(nowhere);
  tu_rmdir_all(dir);
}

static void test_write_failures_exit_nonzero(void **state) {
  (void)state;
  tu_result r;
  const char *const args[] = {"catalog", "gpus", NULL};
  tu_run_to(&r, args, "/dev/full");
  expect(&r, 4, NULL, "could not write the output");
  /* Said once: one line. */
  assert_string_equal(r.err,
                      "gpusizer catalog: could not write the output: No space left on device\n");
  tu_result_free(&r);
  const char *const quote_args[] = {"quote", "--model", "llama-3-8b", NULL};
  tu_run_to(&r, quote_args, "/dev/full");
  assert_int_equal(r.status, 4);
  assert_string_equal(r.err,
                      "gpusizer quote: could not write the output: No space left on device\n");
  tu_result_free(&r);
  const char *const size_args[] = {"size", "--model", "llama-3-8b", NULL};
  tu_run_to(&r, size_args, "/dev/full");
  expect(&r, 4, NULL, "could not write the output");
  tu_result_free(&r);
}

static void test_same_bytes_under_any_locale(void **state) {
  (void)state;
  const char *const args[] = {"size", "--model", "mixtral-8x7b", "--context", "32768", NULL};
  const char *const c_env[] = {"LC_ALL=C", NULL};
  const char *const de_env[] = {"LC_ALL=de_DE.UTF-8", NULL};
  tu_result a, b;
  tu_run(&a, args, c_env);
  tu_run(&b, args, de_env);
  assert_int_equal(a.status, 0);
  assert_string_equal(a.out, b.out);
  tu_result_free(&a);
  tu_result_free(&b);
  const char *const list[] = {"catalog", "gpus", NULL};
  tu_run(&a, list, c_env);
  tu_run(&b, list, de_env);
  assert_string_equal(a.out, b.out);
  tu_result_free(&a);
  tu_result_free(&b);
}

/* Issue 11's crash, through the binary: an adder that overflows, with
 * --explain (every candidate priced with its lines), used to die with
 * SIGSEGV; now each overflowing candidate says OVERFLOW and the quote ends
 * normally. */
static void test_an_overflowing_adder_with_explain_is_a_reason_not_a_crash(void **state) {
  (void)state;
  char *dir = tu_tmpdir();
  char *overlay = tu_path(dir, "b.yaml");
  static const char yaml[] =
      "adders:\n  - {name: support, per: gpu, amount: \"50000000000000000\"}\n";
  tu_write_file(overlay, yaml, sizeof yaml - 1);
  tu_result r;
  RUN(&r, "quote", "--model", "llama-3-8b", "--gpu", "L40S", "--explain", "L40S", "--pricing",
      overlay);
  assert_int_not_equal(r.status, 139);
  expect(&r, 0, "OVERFLOW", NULL); /* one L40S still prices: 5e16 x 1 fits */
  assert_true(tu_contains(r.out, "the adder 'support' overflows"));
  tu_result_free(&r);
  free(overlay);
  tu_rmdir_all(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_version_and_help),
      cmocka_unit_test(test_catalog_listings),
      cmocka_unit_test(test_catalog_files_through_the_cli),
      cmocka_unit_test(test_size_prints_a_breakdown),
      cmocka_unit_test(test_bad_flags_name_the_flag),
      cmocka_unit_test(test_hf_config_files),
      cmocka_unit_test(test_quote_answers_with_a_price_and_reasons),
      cmocka_unit_test(test_quote_with_nothing_fitting_exits_1_with_reasons),
      cmocka_unit_test(test_quote_on_a_fixture_database),
      cmocka_unit_test(test_quote_bad_flags),
      cmocka_unit_test(test_pricing_overlays_through_the_cli),
      cmocka_unit_test(test_batch_of_2000_rows),
      cmocka_unit_test(test_too_large_counts_are_an_error_in_every_format),
      cmocka_unit_test(test_batch_summary_failure_leaves_no_output),
      cmocka_unit_test(test_write_failures_exit_nonzero),
      cmocka_unit_test(test_same_bytes_under_any_locale),
      cmocka_unit_test(test_an_overflowing_adder_with_explain_is_a_reason_not_a_crash),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
