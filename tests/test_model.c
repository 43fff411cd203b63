/* test_model.c: exact parameter counts and KV bytes per token against the
 * reference table and published counts; the config.json reader; LoRA
 * adapter sizes against PEFT's printed counts. */
#include "testutil.h"

#include "gpusizer/catalog.h"
#include "gpusizer/model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static gsz_catalog *catalog;
static const gsz_catalog_data *data;
static const gsz_format bf16 = {
    .name = "bf16", .block_elems = 1, .block_bytes = 2, .trainable = true};

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

static const gsz_arch *model(const char *name) {
  const gsz_arch *a = gsz_catalog_find_model(data, name);
  if (a == NULL)
    fail_msg("model %s not in the catalog", name);
  return a;
}

static uint64_t count(const gsz_arch *a) {
  gsz_param_count pc;
  gsz_diag diag;
  if (gsz_model_count(&pc, a, &diag) != GSZ_OK)
    fail_msg("%s", diag.message);
  return pc.total;
}

/* Every row of reference/models.csv: the catalog's architecture must give
 * the exact total and the exact KV bytes per token. */
static void test_reference_models_are_exact(void **state) {
  (void)state;
  tu_csv csv;
  tu_csv_read(&csv, GSZ_TEST_DATA "/reference/models.csv");
  size_t c_model = tu_csv_col(&csv, "model"), c_total = tu_csv_col(&csv, "total_params"),
         c_kv = tu_csv_col(&csv, "kv_bytes_per_token_bf16");
  assert_true(csv.nrows >= 8);
  for (size_t r = 1; r < csv.nrows; r++) {
    const gsz_arch *a = model(csv.rows[r][c_model]);
    uint64_t expected = strtoull(csv.rows[r][c_total], NULL, 10);
    if (count(a) != expected)
      fail_msg("%s: counted %llu, reference %llu", a->name, (unsigned long long)count(a),
               (unsigned long long)expected);
    uint64_t kv;
    assert_int_equal(gsz_model_kv_bytes_per_token(&kv, a, 1, &bf16, NULL), GSZ_OK);
    assert_int_equal(kv, strtoull(csv.rows[r][c_kv], NULL, 10));
  }
  tu_csv_free(&csv);
}

/* Published counts (HF safetensors totals, logs) for the other catalog
 * models: tests/data/model_params.csv. Rows whose published figure is known
 * to include extra tensors say so in `source`, and are skipped here with
 * the difference explained. */
static void test_published_counts_match(void **state) {
  (void)state;
  tu_csv csv;
  tu_csv_read(&csv, GSZ_TEST_DATA "/model_params.csv");
  size_t c_model = tu_csv_col(&csv, "model"), c_total = tu_csv_col(&csv, "total_params");
  size_t checked = 0;
  for (size_t r = 1; r < csv.nrows; r++) {
    const char *name = csv.rows[r][c_model];
    uint64_t published = strtoull(csv.rows[r][c_total], NULL, 10);
    if (strcmp(name, "DeepSeek-V3") == 0)
      continue; /* 684,531,386,000 includes the MTP layer and FP8 scales: see below */
    uint64_t counted = count(model(name));
    if (counted != published)
      fail_msg("%s: counted %llu, published %llu", name, (unsigned long long)counted,
               (unsigned long long)published);
    checked++;
  }
  assert_true(checked >= 25);
  tu_csv_free(&csv);
}

static void test_moe_and_mla_counts(void **state) {
  (void)state;
  gsz_param_count pc;
  /* Mixtral-8x7B: 46.7B total; 12.9B active with 2 of 8 experts. */
  assert_int_equal(gsz_model_count(&pc, model("Mixtral-8x7B"), NULL), GSZ_OK);
  assert_int_equal(pc.total, 46702792704ull);
  assert_int_equal(pc.active, 12879925248ull);
  /* DeepSeek-V3 main model without the multi-token-prediction module:
   * 3 dense layers of 583,483,392 + 58 MoE layers of 11,507,286,272 +
   * embedding and head 2 x 926,679,040 + final norm 7,168 = 671,026,419,200
   * ("671B total, 37B activated" in the technical report). */
  assert_int_equal(gsz_model_count(&pc, model("DeepSeek-V3"), NULL), GSZ_OK);
  assert_int_equal(pc.total, 671026419200ull);
  assert_int_equal(pc.active, 37552297472ull);
  uint64_t kv;
  /* MLA caches the 512-wide latent and the 64-wide RoPE key: 576 x 61 x 2. */
  assert_int_equal(gsz_model_kv_bytes_per_token(&kv, model("DeepSeek-V3"), 8, &bf16, NULL), GSZ_OK);
  assert_int_equal(kv, 70272);
}

static void test_kv_heads_split_then_replicate_across_tp(void **state) {
  (void)state;
  const gsz_arch *a = model("Llama-3-8B"); /* 8 KV heads of 128 */
  assert_int_equal(gsz_model_kv_values_per_layer(a, 1), 2 * 8 * 128);
  assert_int_equal(gsz_model_kv_values_per_layer(a, 2), 2 * 4 * 128);
  assert_int_equal(gsz_model_kv_values_per_layer(a, 8), 2 * 1 * 128);
  assert_int_equal(gsz_model_kv_values_per_layer(a, 16), 2 * 1 * 128); /* replicated */
}

static void test_sliding_window_layers(void **state) {
  (void)state;
  const gsz_arch *gemma = model("Gemma-2-9B");
  assert_true(gsz_model_layer_windowed(gemma, 0));
  assert_false(gsz_model_layer_windowed(gemma, 1));
  const gsz_arch *mistral = model("Mistral-7B-v0.1");
  assert_true(gsz_model_layer_windowed(mistral, 5));
  assert_false(gsz_model_layer_windowed(model("Llama-3-8B"), 0));
}

static void test_lora_params_match_peft(void **state) {
  (void)state;
  uint64_t n;
  uint32_t qv, all;
  assert_int_equal(gsz_lora_targets_parse(&qv, "q,v", NULL), GSZ_OK);
  assert_int_equal(gsz_lora_targets_parse(&all, "all", NULL), GSZ_OK);
  /* PEFT print_trainable_parameters: Llama-2-7b r=8 q_proj,v_proj:
   * "trainable params: 4,194,304". */
  assert_int_equal(gsz_model_lora_params(&n, model("Llama-2-7B"), qv, 8, NULL), GSZ_OK);
  assert_int_equal(n, 4194304);
  /* Llama-3-8B r=16 on all linear layers: "trainable params: 41,943,040". */
  assert_int_equal(gsz_model_lora_params(&n, model("Llama-3-8B"), all, 16, NULL), GSZ_OK);
  assert_int_equal(n, 41943040);
  gsz_diag diag;
  assert_int_equal(gsz_lora_targets_parse(&qv, "q,x", &diag), GSZ_EINVAL);
  assert_true(tu_contains(diag.message, "'x'"));
}

static void test_inconsistent_architectures_are_refused(void **state) {
  (void)state;
  gsz_arch a = *model("Llama-3-8B");
  gsz_param_count pc;
  gsz_diag diag;
  a.num_key_value_heads = 5;
  assert_int_equal(gsz_model_count(&pc, &a, &diag), GSZ_EINVAL);
  assert_true(tu_contains(diag.message, "num_key_value_heads 5"));
  a = *model("Llama-3-8B");
  a.model_type = "gpt2";
  assert_int_equal(gsz_model_count(&pc, &a, &diag), GSZ_EUNSUPPORTED);
  assert_true(tu_contains(diag.message, "llama, mistral"));
  a = *model("Llama-3-8B");
  a.hidden_size = UINT32_MAX;
  a.intermediate_size = UINT32_MAX;
  a.num_hidden_layers = UINT32_MAX;
  a.head_dim = 0;
  a.num_attention_heads = 1;
  a.num_key_value_heads = 1;
  assert_int_equal(gsz_model_count(&pc, &a, &diag), GSZ_EOVERFLOW);
}

/* --- config.json ------------------------------------------------------------- */

static const char *const llama3_8b_config =
    "{\"architectures\": [\"LlamaForCausalLM\"], \"attention_bias\": false,"
    " \"hidden_size\": 4096, \"intermediate_size\": 14336, \"max_position_embeddings\": 8192,"
    " \"model_type\": \"llama\", \"num_attention_heads\": 32, \"num_hidden_layers\": 32,"
    " \"num_key_value_heads\": 8, \"rope_theta\": 500000.0, \"tie_word_embeddings\": false,"
    " \"torch_dtype\": \"bfloat16\", \"vocab_size\": 128256}";

static void test_hf_config_gives_the_same_count_as_the_catalog(void **state) {
  (void)state;
  gsz_hf_model *m = NULL;
  gsz_diag diag;
  assert_int_equal(
      gsz_hf_config_parse(&m, llama3_8b_config, strlen(llama3_8b_config), "config.json", &diag),
      GSZ_OK);
  assert_int_equal(count(gsz_hf_model_arch(m)), 8030261248ull);
  gsz_hf_model_free(m);

  const char *qwen =
      "{\"model_type\": \"qwen2\", \"hidden_size\": 896, \"intermediate_size\": 4864,"
      " \"num_hidden_layers\": 24, \"num_attention_heads\": 14,"
      " \"num_key_value_heads\": 2, \"vocab_size\": 151936,"
      " \"tie_word_embeddings\": true, \"use_sliding_window\": false,"
      " \"sliding_window\": 131072}";
  assert_int_equal(gsz_hf_config_parse(&m, qwen, strlen(qwen), "qwen.json", &diag), GSZ_OK);
  assert_int_equal(count(gsz_hf_model_arch(m)), 494032768ull);
  gsz_hf_model_free(m);

  const char *gemma =
      "{\"model_type\": \"gemma2\", \"hidden_size\": 3584, \"intermediate_size\": 14336,"
      " \"num_hidden_layers\": 42, \"num_attention_heads\": 16, \"head_dim\": 256,"
      " \"num_key_value_heads\": 8, \"vocab_size\": 256000, \"sliding_window\": 4096}";
  assert_int_equal(gsz_hf_config_parse(&m, gemma, strlen(gemma), "gemma.json", &diag), GSZ_OK);
  assert_int_equal(count(gsz_hf_model_arch(m)), 9241705984ull); /* ties by default */
  gsz_hf_model_free(m);
}

static void test_hf_config_errors_name_file_and_key(void **state) {
  (void)state;
  static const struct {
    const char *json;
    gsz_err err;
    const char *says;
  } cases[] = {
      {"{\"model_type\": \"llama\",", GSZ_EPARSE, "c.json:1:"},
      {"[1, 2]", GSZ_EINVAL, "expected a JSON object"},
      {"{\"hidden_size\": 1}", GSZ_EINVAL, "missing key 'model_type'"},
      {"{\"model_type\": \"bert\"}", GSZ_EUNSUPPORTED, "known: llama, mistral"},
      {"{\"model_type\": \"llama\", \"hidden_size\": \"4096\"}", GSZ_EINVAL,
       "'hidden_size' must be a positive integer"},
      {"{\"model_type\": \"llama\", \"hidden_size\": -1}", GSZ_EINVAL, "'hidden_size'"},
      {"{\"model_type\": \"llama\", \"hidden_size\": 4096}", GSZ_EINVAL,
       "missing key 'intermediate_size'"},
      {"{\"model_type\": \"llama\", \"model_type\": \"llama\"}", GSZ_EPARSE, "duplicate"},
      {"{\"model_type\": \"llama\", \"hidden_size\": 8, \"intermediate_size\": 8,"
       " \"num_hidden_layers\": 1, \"num_attention_heads\": 4, \"num_key_value_heads\": 3,"
       " \"vocab_size\": 8}",
       GSZ_EINVAL, "num_key_value_heads 3"},
      {"{\"model_type\": \"llama\", \"hidden_size\": 8, \"intermediate_size\": 8,"
       " \"num_hidden_layers\": 1, \"num_attention_heads\": 4, \"vocab_size\": 8,"
       " \"mlp_bias\": true}",
       GSZ_EUNSUPPORTED, "mlp_bias"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    gsz_hf_model *m = NULL;
    gsz_diag diag;
    gsz_diag_clear(&diag);
    gsz_err err = gsz_hf_config_parse(&m, cases[i].json, strlen(cases[i].json), "c.json", &diag);
    if (err != cases[i].err || !tu_contains(diag.message, cases[i].says) ||
        !tu_contains(diag.message, "c.json"))
      fail_msg("case %zu: got %s '%s', expected %s '%s'", i, gsz_err_name(err), diag.message,
               gsz_err_name(cases[i].err), cases[i].says);
    assert_null(m);
  }
  gsz_hf_model *m = NULL;
  gsz_diag diag;
  assert_int_equal(gsz_hf_config_load(&m, "/nonexistent/config.json", &diag), GSZ_ENOTFOUND);
  assert_true(tu_contains(diag.message, "/nonexistent/config.json"));
}

/* Every family's own keys, wrong types named, and the file checks. */
#define SMALL(type, extra)                                                                         \
  "{\"model_type\": \"" type "\", \"hidden_size\": 8, \"intermediate_size\": 8,"                   \
  " \"num_hidden_layers\": 1, \"num_attention_heads\": 4, \"vocab_size\": 8" extra "}"

static void test_hf_config_family_keys_and_types(void **state) {
  (void)state;
  static const struct {
    const char *json;
    gsz_err err;
    const char *says;
  } cases[] = {
      {SMALL("llama", ", \"hidden_size\": [8]"), GSZ_EPARSE, "duplicate"},
      {SMALL("llama", ", \"head_dim\": [8]"), GSZ_EINVAL, "got an array"},
      {SMALL("llama", ", \"head_dim\": {}"), GSZ_EINVAL, "got an object"},
      {SMALL("llama", ", \"head_dim\": 2.5"), GSZ_EINVAL, "got a fraction"},
      {SMALL("llama", ", \"head_dim\": true"), GSZ_EINVAL, "got a boolean"},
      {SMALL("llama", ", \"head_dim\": 4294967296"), GSZ_EINVAL, "an integer out of range"},
      {SMALL("llama", ", \"tie_word_embeddings\": 1"), GSZ_EINVAL,
       "'tie_word_embeddings' must be true or false, got an integer"},
      {SMALL("llama", ", \"tie_word_embeddings\": \"yes\""), GSZ_EINVAL, "got a string"},
      {SMALL("llama", ", \"attention_bias\": null, \"mlp_bias\": null"), GSZ_OK, ""},
      {SMALL("qwen2", ", \"use_sliding_window\": true"), GSZ_EUNSUPPORTED, "use_sliding_window"},
      {SMALL("mistral", ", \"sliding_window\": 4096"), GSZ_OK, ""},
      {SMALL("mixtral", ", \"num_local_experts\": 8"), GSZ_EINVAL,
       "missing key 'num_experts_per_tok'"},
      {SMALL("mixtral", ", \"num_local_experts\": 8, \"num_experts_per_tok\": 2"), GSZ_OK, ""},
      {SMALL("gemma2", ""), GSZ_OK, ""},
      {SMALL("deepseek_v3", ", \"n_routed_experts\": 8"), GSZ_EINVAL, "missing key"},
      {SMALL("deepseek_v3", ", \"n_routed_experts\": 8, \"num_experts_per_tok\": 2,"
                            " \"moe_intermediate_size\": 4, \"n_shared_experts\": 0,"
                            " \"first_k_dense_replace\": 0, \"kv_lora_rank\": 4,"
                            " \"qk_nope_head_dim\": 2, \"qk_rope_head_dim\": 2,"
                            " \"v_head_dim\": 2, \"moe_layer_freq\": 2"),
       GSZ_EUNSUPPORTED, "moe_layer_freq"},
      {SMALL("deepseek_v3", ", \"n_routed_experts\": 8, \"num_experts_per_tok\": 2,"
                            " \"moe_intermediate_size\": 4, \"n_shared_experts\": -1"),
       GSZ_EINVAL, "'n_shared_experts' must be a positive integer"},
      {"{\"model_type\": 7}", GSZ_EINVAL, "missing key 'model_type'"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    gsz_hf_model *m = NULL;
    gsz_diag diag;
    gsz_diag_clear(&diag);
    gsz_err err = gsz_hf_config_parse(&m, cases[i].json, strlen(cases[i].json), "c.json", &diag);
    if (err != cases[i].err || !tu_contains(diag.message, cases[i].says))
      fail_msg("case %zu: got %s '%s', expected %s '%s'", i, gsz_err_name(err), diag.message,
               gsz_err_name(cases[i].err), cases[i].says);
    if (err == GSZ_OK) {
      assert_non_null(m);
      assert_string_equal(gsz_hf_model_arch(m)->name, "c.json"); /* no _name_or_path */
    }
    gsz_hf_model_free(m);
  }

  /* Files: read whole, a folder refused, an oversized one refused unread. */
  char *dir = tu_tmpdir();
  char *good = tu_path(dir, "config.json"), *big = tu_path(dir, "big.json");
  tu_write_file(good, llama3_8b_config, strlen(llama3_8b_config));
  gsz_hf_model *m = NULL;
  gsz_diag diag;
  assert_int_equal(gsz_hf_config_load(&m, good, &diag), GSZ_OK);
  assert_string_equal(gsz_hf_model_arch(m)->name, "config.json");
  gsz_hf_model_free(m);
  m = NULL;
  assert_int_equal(gsz_hf_config_load(&m, dir, &diag), GSZ_EINVAL);
  assert_true(tu_contains(diag.message, "' is a directory, not a file"));
  FILE *f = fopen(big, "w");
  assert_non_null(f);
  assert_int_equal(fseek(f, 17L << 20, SEEK_SET), 0); /* a sparse 17 MiB file */
  fputc('}', f);
  fclose(f);
  assert_int_equal(gsz_hf_config_load(&m, big, &diag), GSZ_ELIMIT);
  assert_true(tu_contains(diag.message, "larger than 16 MiB"));
  assert_int_equal(gsz_hf_config_parse(&m, "{}", (size_t)17 << 20, "x.json", &diag), GSZ_ELIMIT);
  assert_null(m);
  free(good);
  free(big);
  tu_rmdir_all(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_reference_models_are_exact),
      cmocka_unit_test(test_published_counts_match),
      cmocka_unit_test(test_moe_and_mla_counts),
      cmocka_unit_test(test_kv_heads_split_then_replicate_across_tp),
      cmocka_unit_test(test_sliding_window_layers),
      cmocka_unit_test(test_lora_params_match_peft),
      cmocka_unit_test(test_inconsistent_architectures_are_refused),
      cmocka_unit_test(test_hf_config_gives_the_same_count_as_the_catalog),
      cmocka_unit_test(test_hf_config_errors_name_file_and_key),
      cmocka_unit_test(test_hf_config_family_keys_and_types),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
