/* test_report.c: the listings and the size breakdown in every format: JSON
 * parses and carries exact integers, CSV has its header and one row per
 * item, Markdown is a table, filters filter, and nothing depends on the
 * locale. */
#include "testutil.h"

#include "gpusizer/gpusizer.h"

#include <jansson.h>
#include <locale.h>
#include <string.h>

static gsz_catalog *catalog;
static const gsz_catalog_data *data;

static int setup(void **state) {
  (void)state;
  gsz_diag diag;
  if (gsz_catalog_open(&catalog, NULL, &diag) != GSZ_OK)
    return -1;
  data = gsz_catalog_get(catalog);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  gsz_catalog_free(catalog);
  return 0;
}

static char *render(gsz_listing what, const gsz_listing_filter *f, gsz_output_format format) {
  char *text = NULL;
  gsz_diag diag;
  if (gsz_report_listing(&text, NULL, data, what, f, format, &diag) != GSZ_OK)
    fail_msg("%s", diag.message);
  return text;
}

static size_t count_lines(const char *s) {
  size_t n = 0;
  for (; *s; s++)
    n += *s == '\n';
  return n;
}

static void test_gpu_listing_in_every_format(void **state) {
  (void)state;
  char *json = render(GSZ_LIST_GPUS, NULL, GSZ_OUTPUT_JSON);
  json_error_t err;
  json_t *rows = json_loads(json, 0, &err);
  assert_non_null(rows);
  assert_int_equal(json_array_size(rows), data->n_gpus);
  bool found = false;
  for (size_t i = 0; i < json_array_size(rows); i++) {
    json_t *row = json_array_get(rows, i);
    if (strcmp(json_string_value(json_object_get(row, "sku")), "H100-SXM5-80GB") == 0) {
      found = true;
      assert_int_equal(json_integer_value(json_object_get(row, "usable_mib")), 81559);
      assert_int_equal(json_integer_value(json_object_get(row, "memory_mib")), 81920);
      assert_true(json_is_integer(json_object_get(row, "price_minor")));
      assert_string_equal(json_string_value(json_object_get(row, "currency")), "USD");
    }
  }
  assert_true(found);
  json_decref(rows);
  gsz_free(json);

  char *csv = render(GSZ_LIST_GPUS, NULL, GSZ_OUTPUT_CSV);
  assert_int_equal(
      strncmp(csv, "sku,vendor,name,form_factor,architecture,memory_mib,usable_mib,", 63), 0);
  assert_int_equal(count_lines(csv), data->n_gpus + 1);
  assert_true(tu_contains(csv, "\r\n"));
  gsz_free(csv);

  char *md = render(GSZ_LIST_GPUS, NULL, GSZ_OUTPUT_MARKDOWN);
  assert_int_equal(strncmp(md, "| SKU | Vendor |", 16), 0);
  assert_true(tu_contains(md, "| --- |"));
  assert_int_equal(count_lines(md), data->n_gpus + 2);
  gsz_free(md);

  char *table = render(GSZ_LIST_GPUS, NULL, GSZ_OUTPUT_TABLE);
  assert_true(tu_contains(table, "H100-SXM5-80GB"));
  assert_true(tu_contains(table, "79.65 GiB")); /* 81559 MiB */
  assert_true(tu_contains(table, "25,000.00 USD"));
  assert_false(tu_contains(table, " \n")); /* no trailing blanks */
  gsz_free(table);
}

static void test_filters_select_by_vendor_and_form_factor(void **state) {
  (void)state;
  gsz_listing_filter amd = {"amd", NULL};
  char *csv = render(GSZ_LIST_GPUS, &amd, GSZ_OUTPUT_CSV);
  assert_true(tu_contains(csv, "MI300X"));
  assert_false(tu_contains(csv, "H100"));
  gsz_free(csv);
  gsz_listing_filter sxm = {NULL, "sxm"};
  csv = render(GSZ_LIST_SERVERS, &sxm, GSZ_OUTPUT_CSV);
  assert_true(tu_contains(csv, "DGX-H100"));
  assert_false(tu_contains(csv, "R760XA"));
  gsz_free(csv);
}

static void test_every_listing_renders_in_every_format(void **state) {
  (void)state;
  static const gsz_listing all[] = {GSZ_LIST_GPUS,    GSZ_LIST_SERVERS, GSZ_LIST_MODELS,
                                    GSZ_LIST_FORMATS, GSZ_LIST_STOCK,   GSZ_LIST_RUNTIMES};
  for (size_t i = 0; i < 6; i++)
    for (int f = GSZ_OUTPUT_TABLE; f <= GSZ_OUTPUT_MARKDOWN; f++) {
      char *text = render(all[i], NULL, (gsz_output_format)f);
      assert_true(strlen(text) > 20);
      if (f == GSZ_OUTPUT_JSON) {
        json_t *doc = json_loads(text, 0, NULL);
        assert_true(json_is_array(doc));
        json_decref(doc);
      }
      gsz_free(text);
    }
}

static void test_models_listing_shows_exact_counts(void **state) {
  (void)state;
  char *table = render(GSZ_LIST_MODELS, NULL, GSZ_OUTPUT_TABLE);
  assert_true(tu_contains(table, "8,030,261,248"));
  gsz_free(table);
  char *csv = render(GSZ_LIST_MODELS, NULL, GSZ_OUTPUT_CSV);
  assert_true(tu_contains(csv, "Llama-3-70B,llama,70553706496,"));
  gsz_free(csv);
}

static void test_size_json_has_the_documented_shape(void **state) {
  (void)state;
  gsz_model_ref m;
  assert_int_equal(gsz_model_ref_from_arch(&m, gsz_catalog_find_model(data, "llama-3-70b"), NULL),
                   GSZ_OK);
  gsz_workload w;
  assert_int_equal(gsz_workload_defaults(&w, data, GSZ_MODE_INFERENCE, NULL), GSZ_OK);
  w.context = 8192;
  w.concurrency = 8;
  gsz_layout l = {1, 1, 1};
  gsz_estimate e;
  assert_int_equal(gsz_memory_estimate(&e, &m, &w, l, NULL), GSZ_OK);
  gsz_size_request req = {&m,   "catalog", NULL, &w,   l,    NULL, &tu_flag_words,
                          NULL, NULL,      NULL, NULL, NULL, 0};
  char *text = NULL;
  assert_int_equal(gsz_report_size(&text, NULL, &req, &e, GSZ_OUTPUT_JSON, NULL), GSZ_OK);
  json_t *doc = json_loads(text, 0, NULL);
  assert_non_null(doc);
  json_t *model = json_object_get(doc, "model");
  assert_int_equal(json_integer_value(json_object_get(model, "total_params")), 70553706496ll);
  assert_int_equal(json_integer_value(json_object_get(model, "kv_bytes_per_token")), 327680);
  json_t *mem = json_object_get(doc, "memory");
  assert_string_equal(json_string_value(json_object_get(mem, "method")), "full");
  json_t *comp = json_object_get(mem, "components");
  static const char *const keys[] = {"weights",   "kv_cache",       "activations", "gradients",
                                     "optimizer", "master_weights", "overhead"};
  long long sum = 0;
  for (size_t i = 0; i < 7; i++) {
    json_t *v = json_object_get(comp, keys[i]);
    assert_true(json_is_integer(v));
    sum += json_integer_value(v);
  }
  assert_int_equal(json_integer_value(json_object_get(mem, "per_gpu_bytes")), sum);
  assert_int_equal(json_integer_value(json_object_get(comp, "weights")), 141107412992ll);
  json_t *layout = json_object_get(mem, "layout");
  assert_int_equal(json_integer_value(json_object_get(layout, "tp")), 1);
  json_decref(doc);
  gsz_free(text);

  /* The table says GB and GiB and names both. */
  assert_int_equal(gsz_report_size(&text, NULL, &req, &e, GSZ_OUTPUT_TABLE, NULL), GSZ_OK);
  assert_true(tu_contains(text, "141,107,412,992"));
  assert_true(tu_contains(text, "131.42"));
  assert_true(tu_contains(text, "GB = 10^9 bytes, GiB = 2^30 bytes"));
  gsz_free(text);
}

static void test_output_does_not_depend_on_the_locale(void **state) {
  (void)state;
  char *before = render(GSZ_LIST_GPUS, NULL, GSZ_OUTPUT_TABLE);
  char *json_before = render(GSZ_LIST_GPUS, NULL, GSZ_OUTPUT_JSON);
  /* A comma-decimal locale, when the machine has one. */
  if (setlocale(LC_ALL, "de_DE.UTF-8") == NULL && setlocale(LC_ALL, "fr_FR.UTF-8") == NULL) {
    gsz_free(before);
    gsz_free(json_before);
    skip();
  }
  char *after = render(GSZ_LIST_GPUS, NULL, GSZ_OUTPUT_TABLE);
  char *json_after = render(GSZ_LIST_GPUS, NULL, GSZ_OUTPUT_JSON);
  setlocale(LC_ALL, "C");
  assert_string_equal(before, after);
  assert_string_equal(json_before, json_after);
  gsz_free(before);
  gsz_free(after);
  gsz_free(json_before);
  gsz_free(json_after);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_gpu_listing_in_every_format),
      cmocka_unit_test(test_filters_select_by_vendor_and_form_factor),
      cmocka_unit_test(test_every_listing_renders_in_every_format),
      cmocka_unit_test(test_models_listing_shows_exact_counts),
      cmocka_unit_test(test_size_json_has_the_documented_shape),
      cmocka_unit_test(test_output_does_not_depend_on_the_locale),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
