/* test_faults.c: allocation failure at every point of every top-level
 * operation. Through the library's allocator hook (gsz_set_allocator,
 * which also carries SQLite's, jansson's and libcsv's allocations) the
 * Nth allocation fails, for N = 1, 2, ... until the operation runs with
 * no failure left to inject; in "once" mode only the Nth fails, in
 * "persist" mode every allocation from the Nth on. Each failing run must
 * return GSZ_ENOMEM with "out of memory" in its message (or recover and
 * succeed: SQLite tolerates some failures) and free everything it took:
 * the hook counts live blocks, so a leak fails the test even without
 * LeakSanitizer. One line per operation and mode reports the points
 * covered (docs/reliability.md quotes them). */
#define _GNU_SOURCE /* asprintf */
#include "testutil.h"

#include "gpusizer/gpusizer.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* --- The failing allocator ---------------------------------------------- */

typedef struct faults {
  size_t calls;    /* allocations asked for since the last arm() */
  size_t fail_at;  /* 0: never fail */
  bool persist;    /* fail every allocation from fail_at on */
  size_t injected; /* failures handed out since arm() */
  long live;       /* blocks allocated and not yet freed */
} faults;

static faults F;

static bool should_fail(void) {
  F.calls++;
  if (F.fail_at != 0 && (F.calls == F.fail_at || (F.persist && F.calls > F.fail_at))) {
    F.injected++;
    return true;
  }
  return false;
}

static void *f_malloc(void *ctx, size_t size) {
  (void)ctx;
  if (should_fail())
    return NULL;
  void *p = malloc(size);
  F.live += p != NULL;
  return p;
}

static void *f_realloc(void *ctx, void *ptr, size_t size) {
  (void)ctx;
  if (should_fail())
    return NULL; /* ptr stays valid, as with realloc */
  void *p = realloc(ptr, size);
  F.live += p != NULL && ptr == NULL;
  return p;
}

static void f_free(void *ctx, void *ptr) {
  (void)ctx;
  if (ptr != NULL) {
    F.live--;
    free(ptr);
  }
}

static void arm(size_t fail_at, bool persist) {
  F.calls = 0;
  F.fail_at = fail_at;
  F.persist = persist;
  F.injected = 0;
}

/* --- The sweep ------------------------------------------------------------ */

/* One operation: does its work, frees what it made, returns its result. */
typedef gsz_err (*operation)(gsz_diag *diag);

/* Every point is tried up to this many allocations; beyond, every k-th, so
 * that about as many again are tried (building the built-in catalog makes
 * ~10^5 allocations, and each run repeats the work before its point).
 * An operation of more than SWEEP_BUDGET allocations gets fewer strided
 * points, in proportion (at least STRIDED_AT_LEAST): a point deep in it
 * costs a whole run, and db migrate (4 x 10^5 allocations) and db check
 * (9 x 10^4) had made this test the slowest step of CI under the
 * sanitizers. GSZ_FAULT_ALL=1 tries every point of every operation. */
#define EVERY_POINT_UP_TO 1500
#define SWEEP_BUDGET 60000
#define STRIDED_AT_LEAST 200

/* Fail allocation 1, 2, ... until a run needs no injected failure; check
 * each run; print what was covered. Returns the number of points tried. */
static size_t sweep(const char *name, operation op, bool persist) {
  gsz_diag diag;
  arm(0, false);
  assert_int_equal(op(&diag), GSZ_OK); /* count the allocations of a clean run */
  size_t total = F.calls, stride = 1, tried = 0;
  if (total > EVERY_POINT_UP_TO && getenv("GSZ_FAULT_ALL") == NULL) {
    size_t strided = total <= SWEEP_BUDGET ? EVERY_POINT_UP_TO
                                           : (size_t)EVERY_POINT_UP_TO * SWEEP_BUDGET / total;
    if (strided < STRIDED_AT_LEAST)
      strided = STRIDED_AT_LEAST;
    stride = (total + strided - 1) / strided;
  }
  size_t enomem = 0, recovered = 0;
  for (size_t n = 1;; n += n < EVERY_POINT_UP_TO ? 1 : stride) {
    gsz_diag_clear(&diag);
    long before = F.live;
    arm(n, persist);
    gsz_err err = op(&diag);
    size_t injected = F.injected;
    arm(0, false);
    if (F.live != before)
      fail_msg("%s: allocation %zu failed (%s): %ld block(s) leaked (result: %s)", name, n,
               persist ? "persist" : "once", F.live - before, diag.message);
    if (injected == 0) {
      if (err != GSZ_OK)
        fail_msg("%s: fails with no injected failure: %s", name, diag.message);
      break;
    }
    tried++;
    if (err == GSZ_OK) {
      recovered++;
      if (getenv("GSZ_FAULT_VERBOSE") != NULL)
        printf("fault: %s: allocation %zu failed (%s) and the operation recovered\n", name, n,
               persist ? "persist" : "once");
    } else if (err == GSZ_ENOMEM && strstr(diag.message, "out of memory") != NULL) {
      enomem++;
    } else {
      fail_msg("%s: allocation %zu failed (%s): expected GSZ_ENOMEM, got %s: %s", name, n,
               persist ? "persist" : "once", gsz_strerror(err), diag.message);
    }
  }
  printf("fault: %-16s %-7s %7zu of %7zu points: %zu out of memory, %zu recovered\n", name,
         persist ? "persist" : "once", tried, total, enomem, recovered);
  fflush(stdout);
  return tried;
}

static void sweep_both(const char *name, operation op) {
  assert_true(sweep(name, op, false) > 0);
  assert_true(sweep(name, op, true) > 0);
}

/* --- Fixtures (made with no failure armed) -------------------------------- */

static gsz_catalog *catalog;
static const gsz_catalog_data *data;
static char *dir, *catalog_file, *overlay_text;
static size_t overlay_len;
static gsz_model_ref model70;
static gsz_workload workload;
static char *expected_catalog; /* catalog_fingerprint of the built-in catalog */
static char *catalog_fingerprint(const gsz_catalog_data *d);

static int setup(void **state) {
  (void)state;
  static const gsz_allocator hook = {f_malloc, f_realloc, f_free, NULL};
  gsz_set_allocator(&hook);
  sqlite3_initialize(); /* its one-time allocations are not the operations' */
  gsz_diag diag;
  if (gsz_catalog_open(&catalog, NULL, &diag) != GSZ_OK)
    return -1;
  data = gsz_catalog_get(catalog);
  expected_catalog = catalog_fingerprint(data);
  dir = tu_tmpdir();
  catalog_file = tu_path(dir, "catalog.db");
  if (gsz_db_init(catalog_file, false, &diag) != GSZ_OK)
    return -1;
  overlay_text = tu_read_file(GSZ_SOURCE_DIR "/catalog/pricing.example.yaml", &overlay_len);
  if (gsz_model_ref_from_arch(&model70, gsz_catalog_find_model(data, "llama-3-70b"), &diag) !=
          GSZ_OK ||
      gsz_workload_defaults(&workload, data, GSZ_MODE_INFERENCE, &diag) != GSZ_OK)
    return -1;
  workload.context = 8192;
  workload.concurrency = 8;
  return 0;
}

static int teardown(void **state) {
  (void)state;
  gsz_catalog_free(catalog);
  free(expected_catalog);
  free(overlay_text);
  free(catalog_file);
  tu_rmdir_all(dir);
  assert_int_equal(F.live, 0);
  gsz_set_allocator(NULL);
  return 0;
}

/* --- Operations ------------------------------------------------------------ */

/* A catalog opened in a run that recovered from a failure must hold what
 * a clean open holds: compared through the CSV listings, made with the
 * failures paused. */
static char *catalog_fingerprint(const gsz_catalog_data *d) {
  faults saved = F;
  arm(0, false);
  static const gsz_listing what[] = {GSZ_LIST_GPUS,    GSZ_LIST_SERVERS,  GSZ_LIST_MODELS,
                                     GSZ_LIST_FORMATS, GSZ_LIST_RUNTIMES, GSZ_LIST_STOCK};
  char *all = strdup("");
  for (size_t i = 0; i < sizeof what / sizeof what[0]; i++) {
    char *text = NULL, *joined = NULL;
    gsz_diag diag;
    assert_int_equal(gsz_report_listing(&text, NULL, d, what[i], NULL, GSZ_OUTPUT_CSV, &diag),
                     GSZ_OK);
    assert_true(asprintf(&joined, "%s%s", all, text) > 0);
    gsz_free(text);
    free(all);
    all = joined;
  }
  long live = F.live;
  F = saved;
  F.live = live;
  return all;
}

static void same_catalog(const gsz_catalog *c) {
  char *got = catalog_fingerprint(gsz_catalog_get(c));
  assert_string_equal(got, expected_catalog);
  free(got);
}

static gsz_err open_builtin(gsz_diag *diag) {
  gsz_catalog *c = NULL;
  gsz_err err = gsz_catalog_open(&c, NULL, diag);
  if (err == GSZ_OK)
    same_catalog(c);
  gsz_catalog_free(c);
  return err;
}

static gsz_err open_file(gsz_diag *diag) {
  gsz_catalog *c = NULL;
  gsz_err err = gsz_catalog_open(&c, catalog_file, diag);
  if (err == GSZ_OK)
    same_catalog(c);
  gsz_catalog_free(c);
  return err;
}

static gsz_err check_file(gsz_diag *diag) {
  gsz_problem_list problems = {0};
  gsz_err err = gsz_db_check(catalog_file, &problems, diag);
  if (err == GSZ_OK && problems.count != 0)
    fail_msg("db check found a problem in a good catalog after a failure: %s", problems.lines[0]);
  gsz_problem_list_free(&problems);
  return err;
}

static gsz_err load_overlay(gsz_diag *diag) {
  const char *texts[] = {overlay_text};
  const char *labels[] = {"pricing.example.yaml"};
  gsz_overlay_options options = {"2026-11-26", false};
  gsz_overlay *o = NULL;
  gsz_err err = gsz_overlay_parse(&o, texts, &overlay_len, labels, 1, data, &options, diag);
  gsz_overlay_free(o);
  return err;
}

static const char llama3_8b_config[] =
    "{\"architectures\": [\"LlamaForCausalLM\"], \"hidden_size\": 4096,"
    " \"intermediate_size\": 14336, \"max_position_embeddings\": 8192,"
    " \"model_type\": \"llama\", \"num_attention_heads\": 32, \"num_hidden_layers\": 32,"
    " \"num_key_value_heads\": 8, \"rope_theta\": 500000.0, \"tie_word_embeddings\": false,"
    " \"torch_dtype\": \"bfloat16\", \"vocab_size\": 128256}";

static gsz_err read_hf_config(gsz_diag *diag) {
  gsz_hf_model *m = NULL;
  gsz_err err =
      gsz_hf_config_parse(&m, llama3_8b_config, sizeof llama3_8b_config - 1, "config.json", diag);
  if (err == GSZ_OK) {
    /* A run that recovered from a failure must still read the config right. */
    gsz_param_count count;
    assert_int_equal(gsz_model_count(&count, gsz_hf_model_arch(m), diag), GSZ_OK);
    assert_int_equal(count.total, 8030261248ull);
  }
  gsz_hf_model_free(m);
  return err;
}

static gsz_err estimate(gsz_diag *diag) {
  gsz_estimate e;
  return gsz_memory_estimate(&e, &model70, &workload, (gsz_layout){2, 1, 1}, diag);
}

static gsz_err match(gsz_diag *diag) {
  gsz_match_options options;
  gsz_match_options_init(&options);
  gsz_pricer pricer;
  gsz_catalog_pricer(&pricer, data);
  gsz_match_result *r = NULL;
  gsz_err err = gsz_match_run(&r, data, &model70, &workload, &options, &pricer, diag);
  gsz_match_result_free(r);
  return err;
}

/* The quote in every format, from one match made without failures. */
static gsz_match_result *quote_result;
static gsz_match_options quote_options;
static gsz_overlay *quote_overlay;

/* What each rendering printed with no failure: a run that recovered from
 * a failure must print exactly the same, never a document with a part
 * missing. */
static char *expected_quote[4], *expected_listing;

static void same_text(char **expected, const char *text) {
  if (*expected == NULL) {
    *expected = strdup(text);
    return;
  }
  size_t i = 0;
  while (text[i] != '\0' && text[i] == (*expected)[i])
    i++;
  if (text[i] != (*expected)[i])
    fail_msg("a recovered run printed something else at byte %zu:\n  got:      %.60s\n"
             "  expected: %.60s",
             i, text + (i > 20 ? i - 20 : 0), *expected + (i > 20 ? i - 20 : 0));
}

static gsz_err render_quote(gsz_diag *diag) {
  static const gsz_output_format formats[] = {GSZ_OUTPUT_TABLE, GSZ_OUTPUT_JSON, GSZ_OUTPUT_CSV,
                                              GSZ_OUTPUT_MARKDOWN};
  gsz_quote_request req = {{&model70,
                            "catalog",
                            NULL,
                            &workload,
                            {1, 1, 1},
                            NULL,
                            &tu_flag_words,
                            NULL,
                            NULL,
                            NULL,
                            NULL,
                            NULL,
                            0},
                           &quote_options,
                           quote_overlay};
  for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
    char *text = NULL;
    gsz_err err = gsz_report_quote(&text, NULL, &req, quote_result, formats[i], diag);
    if (err == GSZ_OK)
      same_text(&expected_quote[i], text);
    gsz_free(text);
    if (err != GSZ_OK)
      return err;
  }
  return GSZ_OK;
}

static gsz_err render_listing(gsz_diag *diag) {
  char *text = NULL;
  gsz_err err =
      gsz_report_listing(&text, NULL, data, GSZ_LIST_SERVERS, NULL, GSZ_OUTPUT_JSON, diag);
  if (err == GSZ_OK)
    same_text(&expected_listing, text);
  gsz_free(text);
  return err;
}

static const char batch_csv[] = "id,model,precision,context,gpu\n"
                                "a,llama-3-8b,bf16,4096,\"H100;L40S\"\n"
                                "b,llama-3-70b,fp8,8192,\n";
static const char batch_yaml[] = "- id: a\n  model: llama-3-8b\n  gpu: H100;L40S\n"
                                 "- id: b\n  model: llama-3-70b\n  context: 8192\n";

/* A parse that recovered from a failure must still read every value. */
static void check_rows(const gsz_batch_input *in) {
  assert_int_equal(in->n_rows, 2);
  bool seen_h100 = false;
  for (size_t c = 0; c < in->n_columns; c++)
    for (size_t r = 0; r < in->n_rows; r++)
      seen_h100 |= in->rows[r].values[c] != NULL && strcmp(in->rows[r].values[c], "H100;L40S") == 0;
  assert_true(seen_h100);
}

static gsz_err batch_rows(gsz_diag *diag) {
  gsz_batch_input *in = NULL;
  gsz_err err = gsz_batch_parse(&in, batch_csv, sizeof batch_csv - 1, "b.csv", GSZ_BATCH_CSV, diag);
  if (err == GSZ_OK)
    check_rows(in);
  gsz_batch_input_free(in);
  if (err != GSZ_OK)
    return err;
  in = NULL;
  err = gsz_batch_parse(&in, batch_yaml, sizeof batch_yaml - 1, "b.yaml", GSZ_BATCH_YAML, diag);
  if (err == GSZ_OK)
    check_rows(in);
  gsz_batch_input_free(in);
  if (err != GSZ_OK)
    return err;
  gsz_batch_result rows[2] = {
      {"a", GSZ_BATCH_OK, "H100-SXM5-80GB", "XE9680", 8, 1, 8, 1, 2, false, 100, "USD", true, NULL},
      {"b", GSZ_BATCH_ERROR, NULL, NULL, 0, 0, 0, 0, 0, false, 0, "", false, "row 2: bad"},
  };
  char *text = NULL;
  err = gsz_report_batch(&text, NULL, rows, 2, GSZ_OUTPUT_JSON, diag);
  gsz_free(text);
  if (err != GSZ_OK)
    return err;
  text = NULL;
  err = gsz_report_batch_summary(&text, NULL, rows, 2, data, 2, diag);
  gsz_free(text);
  return err;
}

static gsz_err init_file(gsz_diag *diag) {
  char *path = tu_path(dir, "init.db"); /* the test's own allocations are not hooked */
  gsz_err err = gsz_db_init(path, true, diag);
  /* A failed init leaves no file behind. */
  if (err != GSZ_OK && access(path, F_OK) == 0)
    fail_msg("db init failed (%s) but left %s", diag->message, path);
  unlink(path);
  free(path);
  return err;
}

/* A catalog file from before schema 1 (stamped, no tables), made fresh for
 * each run with the failures paused; after a failed migrate it must be
 * whole at the version of the last migration that committed (each is one
 * transaction), after a good one at the current version. */
static gsz_err migrate_file(gsz_diag *diag) {
  faults saved = F;
  arm(0, false);
  char *path = tu_path(dir, "old.db");
  tu_make_old_catalog(path);
  long live = F.live;
  F = saved;
  F.live = live;

  int from = -1, to = -1;
  gsz_err err = gsz_db_migrate(path, &from, &to, NULL, 0, NULL, diag);

  saved = F;
  arm(0, false);
  char integrity[256] = "";
  int version = tu_db_inspect(path, false, integrity, sizeof integrity);
  assert_string_equal(integrity, "ok");
  if (err == GSZ_OK)
    assert_int_equal(version, gsz_catalog_schema_version());
  else
    assert_true(version >= 0 && version < gsz_catalog_schema_version());
  unlink(path);
  free(path);
  live = F.live;
  F = saved;
  F.live = live;
  return err;
}

/* --- Tests ----------------------------------------------------------------- */

static void test_open_catalog(void **state) {
  (void)state;
  sweep_both("open file", open_file);
  sweep_both("db check", check_file);
  sweep_both("db migrate", migrate_file);
}

static void test_open_builtin_catalog(void **state) {
  (void)state;
  sweep_both("open built-in", open_builtin);
  sweep_both("db init", init_file);
}

static void test_load_overlay_and_config(void **state) {
  (void)state;
  sweep_both("load overlay", load_overlay);
  sweep_both("hf config", read_hf_config);
}

static void test_estimate_and_match(void **state) {
  (void)state;
  /* The estimator allocates nothing: one clean run, no points. */
  gsz_diag diag;
  arm(1, true);
  assert_int_equal(estimate(&diag), GSZ_OK);
  assert_int_equal(F.injected, 0);
  arm(0, false);
  printf("fault: %-16s allocates nothing\n", "estimate");
  sweep_both("match", match);
}

static void test_render_and_batch(void **state) {
  (void)state;
  gsz_match_options_init(&quote_options);
  gsz_diag diag;
  const char *texts[] = {overlay_text};
  const char *labels[] = {"pricing.example.yaml"};
  gsz_overlay_options overlay_options = {"2026-11-26", false};
  assert_int_equal(gsz_overlay_parse(&quote_overlay, texts, &overlay_len, labels, 1, data,
                                     &overlay_options, &diag),
                   GSZ_OK);
  gsz_pricer pricer;
  gsz_overlay_pricer(&pricer, quote_overlay);
  assert_int_equal(
      gsz_match_run(&quote_result, data, &model70, &workload, &quote_options, &pricer, &diag),
      GSZ_OK);
  arm(0, false);
  assert_int_equal(render_quote(&diag), GSZ_OK); /* the expected texts */
  assert_int_equal(render_listing(&diag), GSZ_OK);
  sweep_both("render quote", render_quote);
  sweep_both("render listing", render_listing);
  for (size_t i = 0; i < 4; i++)
    free(expected_quote[i]);
  free(expected_listing);
  sweep_both("batch rows", batch_rows);
  gsz_match_result_free(quote_result);
  gsz_overlay_free(quote_overlay);
}

int main(void) {
  if (getenv("GSZ_FAULT_FILTER") != NULL)
    cmocka_set_test_filter(getenv("GSZ_FAULT_FILTER"));
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_estimate_and_match),   cmocka_unit_test(test_load_overlay_and_config),
      cmocka_unit_test(test_render_and_batch),     cmocka_unit_test(test_open_catalog),
      cmocka_unit_test(test_open_builtin_catalog),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
