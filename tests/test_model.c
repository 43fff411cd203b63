/* test_model.c: exact parameter counts and KV bytes per token against the
 * reference table and published counts; the config.json reader (real
 * files of every family, from the fuzz corpus); LoRA adapter sizes against
 * PEFT's printed counts; gpusizer size --hf-config end to end. */
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

/* Published counts (HF safetensors totals, GGUF counts, logs) of the
 * catalog models: tests/data/model_params.csv. Where the published figure
 * holds tensors gpusizer does not count (a vision tower, DeepSeek's MTP
 * layer and FP8 scales), not_counted says exactly how many and the row's
 * source says what they are: counted + not_counted = published, to the
 * parameter. kv_bytes_per_token_bf16, where given, is checked as well. */
static void test_published_counts_match(void **state) {
  (void)state;
  tu_csv csv;
  tu_csv_read(&csv, GSZ_TEST_DATA "/model_params.csv");
  size_t c_model = tu_csv_col(&csv, "model"), c_total = tu_csv_col(&csv, "total_params"),
         c_not = tu_csv_col(&csv, "not_counted"),
         c_kv = tu_csv_col(&csv, "kv_bytes_per_token_bf16");
  size_t checked = 0, explained = 0;
  for (size_t r = 1; r < csv.nrows; r++) {
    const char *name = csv.rows[r][c_model];
    uint64_t published = strtoull(csv.rows[r][c_total], NULL, 10);
    uint64_t not_counted = strtoull(csv.rows[r][c_not], NULL, 10);
    const gsz_arch *a = model(name);
    uint64_t counted = count(a);
    if (counted + not_counted != published)
      fail_msg("%s: counted %llu + not counted %llu != published %llu", name,
               (unsigned long long)counted, (unsigned long long)not_counted,
               (unsigned long long)published);
    if (csv.rows[r][c_kv][0] != '\0') {
      uint64_t kv;
      assert_int_equal(gsz_model_kv_bytes_per_token(&kv, a, 1, &bf16, NULL), GSZ_OK);
      if (kv != strtoull(csv.rows[r][c_kv], NULL, 10))
        fail_msg("%s: KV %llu bytes per token, expected %s", name, (unsigned long long)kv,
                 csv.rows[r][c_kv]);
    }
    checked++;
    explained += not_counted > 0;
  }
  assert_true(checked >= 44);
  assert_int_equal(explained, 7); /* DeepSeek-V3 and R1, Llama 4 x 2, Gemma 3 4B, 12B, 27B */
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

/* The issue-14 families, each model's total, active count, MoE layers and
 * one layer of each kind, to the parameter. The layers by hand:
 *  gpt-oss-20b: q 2880x4096 + 4096 bias, k and v 2880x512 + 512 each, o
 *    4096x2880 + 2880, 64 sinks = 26,550,144; norms 5,760; 32 experts of
 *    gate_up 2880x5760 + 5760 and down 2880x2880 + 2880 = 24,891,840 each;
 *    router 32x2880 + 32: 823,186,976; 24 of them + 2 x 201088x2880 + 2880;
 *    active: 28 unused experts a layer less;
 *  Llama 4 Scout MoE layer: attention 62,914,560 + norms 10,240 + 16 routed
 *    and 1 shared expert of 3x5120x8192 + router 16x5120 = 2,202,101,760;
 *  Maverick: 24 dense layers (MLP 3x5120x16384) of 314,583,040 and 24 MoE
 *    layers (128 routed + 1 shared) of 16,295,536,640, interleaved;
 *  Qwen3-30B-A3B: attention with q/k norm 18,874,624 + norms 4,096 + 128
 *    experts of 3x2048x768 + router 128x2048 = 623,120,640;
 *  Gemma-3-27B: attention 66,060,544 (q/k norm 2 x 128) + MLP 3x5376x21504
 *    + 4 norms 21,504 = 412,898,560; tied embedding 262208x5376. */
static void test_new_family_counts(void **state) {
  (void)state;
  static const struct {
    const char *model;
    uint64_t total, active;
    uint32_t moe_layers;
    uint64_t dense_layer, moe_layer; /* one layer's parameters, 0: none */
  } cases[] = {
      {"gpt-oss-20b", 20914757184ull, 4187440704ull, 24, 0, 823186976ull},
      {"gpt-oss-120b", 116829156672ull, 5711982912ull, 36, 0, 3213080192ull},
      {"Llama-4-Scout-17B-16E", 107769861120ull, 17172894720ull, 48, 0, 2202101760ull},
      {"Llama-4-Maverick-17B-128E", 400711848960ull, 17184691200ull, 24, 314583040ull,
       16295536640ull},
      {"Qwen3-30B-A3B", 30532122624ull, 3353032704ull, 48, 0, 623120640ull},
      {"Qwen3-235B-A22B", 235093634560ull, 22190763520ull, 94, 0, 2487755008ull},
      {"Qwen3-4B", 4022468096ull, 4022468096ull, 0, 100930816ull, 0},
      {"Qwen3-14B", 14768307200ull, 14768307200ull, 0, 330311936ull, 0},
      {"Gemma-3-1B", 999885952ull, 999885952ull, 0, 26842112ull, 0},
      {"Gemma-3-4B", 3880263168ull, 3880263168ull, 0, 94382592ull, 0},
      {"Gemma-3-12B", 11766034176ull, 11766034176ull, 0, 224148992ull, 0},
      {"Gemma-3-27B", 27009346304ull, 27009346304ull, 0, 412898560ull, 0},
      {"DeepSeek-R1", 671026419200ull, 37552297472ull, 58, 583483392ull, 11507286272ull},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    gsz_param_count pc;
    gsz_diag diag;
    if (gsz_model_count(&pc, model(cases[i].model), &diag) != GSZ_OK)
      fail_msg("%s: %s", cases[i].model, diag.message);
    const gsz_layer_params *d = &pc.dense_layer, *m = &pc.moe_layer;
    uint64_t dense = pc.n_dense_layers ? d->split + d->kv + d->replicated : 0;
    uint64_t moe = pc.n_moe_layers ? m->split + m->kv + m->replicated : 0;
    if (pc.total != cases[i].total || pc.active != cases[i].active ||
        pc.n_moe_layers != cases[i].moe_layers || dense != cases[i].dense_layer ||
        moe != cases[i].moe_layer)
      fail_msg("%s: total %llu active %llu, %u MoE layers, layers %llu / %llu", cases[i].model,
               (unsigned long long)pc.total, (unsigned long long)pc.active, pc.n_moe_layers,
               (unsigned long long)dense, (unsigned long long)moe);
  }
}

/* Where gpt-oss's extra parameters go under tensor parallelism: sinks with
 * the heads; gate_up biases with the experts' columns; down biases, the
 * router and its bias whole on every rank; none of the biases is a linear
 * weight, and an unused expert takes its biases with it. */
static void test_gpt_oss_sinks_and_biases(void **state) {
  (void)state;
  gsz_param_count pc;
  assert_int_equal(gsz_model_count(&pc, model("gpt-oss-20b"), NULL), GSZ_OK);
  const gsz_layer_params *p = &pc.moe_layer;
  /* q + bias, o, 64 sinks, 32 x 3x2880x2880 expert weights, 32 x 5760. */
  assert_int_equal(p->split, 11800576ull + 11796480ull + 64 + 796262400ull + 184320ull);
  assert_int_equal(p->kv, 2 * (1474560ull + 512));
  /* norms 5760, o bias 2880, router 92160 + 32, 32 down biases of 2880. */
  assert_int_equal(p->replicated, 5760ull + 2880 + 92160 + 32 + 92160);
  assert_int_equal(p->linear, 11796480ull * 2 + 2 * 1474560ull + 796262400ull + 92160);
  assert_int_equal(p->inactive, 28ull * (24883200ull + 5760 + 2880));
  assert_int_equal(pc.n_dense_layers, 0);
}

/* Maverick's MoE layers are the odd ones (interleave_moe_layer_step 2):
 * what a pipeline stage holds depends on which layers it gets. */
static void test_interleaved_moe_layers(void **state) {
  (void)state;
  const gsz_arch *maverick = model("Llama-4-Maverick-17B-128E");
  assert_int_equal(maverick->moe_layer_step, 2);
  assert_false(gsz_model_layer_moe(maverick, 0));
  assert_true(gsz_model_layer_moe(maverick, 1));
  assert_true(gsz_model_layer_moe(maverick, 47));
  assert_false(gsz_model_layer_moe(maverick, 48)); /* past the last layer */
  assert_int_equal(gsz_model_moe_layers_in(maverick, 0, 24), 12);
  assert_int_equal(gsz_model_moe_layers_in(maverick, 24, 48), 12);
  assert_int_equal(gsz_model_moe_layers_in(maverick, 3, 4), 1);
  assert_int_equal(gsz_model_moe_layers_in(maverick, 4, 4), 0);
  assert_int_equal(gsz_model_moe_layers_in(maverick, 40, 100), 4);
  const gsz_arch *scout = model("Llama-4-Scout-17B-16E"); /* every layer */
  assert_int_equal(gsz_model_moe_layers_in(scout, 0, 48), 48);
  assert_true(gsz_model_layer_moe(scout, 0));
  const gsz_arch *ds = model("DeepSeek-R1"); /* three dense layers first */
  assert_false(gsz_model_layer_moe(ds, 2));
  assert_true(gsz_model_layer_moe(ds, 3));
  assert_int_equal(gsz_model_moe_layers_in(ds, 0, 31), 28);
  assert_false(gsz_model_layer_moe(model("Gemma-3-27B"), 0)); /* no experts at all */
  assert_int_equal(gsz_model_moe_layers_in(model("Qwen3-14B"), 0, 40), 0);
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
  /* gpt-oss: 128-token window on layers 0, 2, 4, ..., full on the others. */
  const gsz_arch *oss = model("gpt-oss-120b");
  assert_int_equal(oss->sliding_window, 128);
  assert_true(gsz_model_layer_windowed(oss, 0));
  assert_false(gsz_model_layer_windowed(oss, 1));
  assert_true(gsz_model_layer_windowed(oss, 34));
  assert_false(gsz_model_layer_windowed(oss, 35));
  /* Gemma 3: five local layers of 1024 (1B: 512) tokens, then a global one. */
  const gsz_arch *gemma3 = model("Gemma-3-27B");
  assert_int_equal(gemma3->sliding_window, 1024);
  assert_true(gsz_model_layer_windowed(gemma3, 4));
  assert_false(gsz_model_layer_windowed(gemma3, 5));
  assert_true(gsz_model_layer_windowed(gemma3, 6));
  assert_int_equal(model("Gemma-3-1B")->sliding_window, 512);
  /* Llama 4: RoPE layers attend within 8192-token chunks, every 4th (NoPE)
   * fully; Qwen3-MoE has no window. */
  const gsz_arch *scout = model("Llama-4-Scout-17B-16E");
  assert_int_equal(scout->sliding_window, 8192);
  assert_true(gsz_model_layer_windowed(scout, 2));
  assert_false(gsz_model_layer_windowed(scout, 3));
  assert_false(gsz_model_layer_windowed(model("Qwen3-235B-A22B"), 0));
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

/* Real config.json files of the issue-14 families (the fuzz corpus seeds)
 * give the catalog's architecture: the same count, active count, KV bytes,
 * windows and MoE layers. Multimodal wrappers nest the text model in
 * text_config (Gemma 3's writes only what differs from the defaults);
 * llama-4-scout-text.json is a flat Llama4ForCausalLM file with explicit
 * moe_layers and no_rope_layers lists; gemma-3-12b-it.json says its windows
 * with layer_types. */
static void test_hf_config_new_families_match_the_catalog(void **state) {
  (void)state;
  static const struct {
    const char *file, *model;
  } cases[] = {
      {"gpt-oss-20b.json", "gpt-oss-20b"},
      {"gpt-oss-120b.json", "gpt-oss-120b"},
      {"llama-4-scout.json", "Llama-4-Scout-17B-16E"},
      {"llama-4-scout-text.json", "Llama-4-Scout-17B-16E"},
      {"llama-4-maverick.json", "Llama-4-Maverick-17B-128E"},
      {"qwen3-30b-a3b.json", "Qwen3-30B-A3B"},
      {"qwen3-235b-a22b.json", "Qwen3-235B-A22B"},
      {"gemma-3-1b-it.json", "Gemma-3-1B"},
      {"gemma-3-4b-it.json", "Gemma-3-4B"},
      {"gemma-3-12b-it.json", "Gemma-3-12B"},
      {"gemma-3-27b-it.json", "Gemma-3-27B"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char path[512];
    snprintf(path, sizeof path, "%s/tests/fuzz/corpus/hf_config/%s", GSZ_SOURCE_DIR, cases[i].file);
    gsz_hf_model *m = NULL;
    gsz_diag diag;
    if (gsz_hf_config_load(&m, path, &diag) != GSZ_OK)
      fail_msg("%s: %s", cases[i].file, diag.message);
    const gsz_arch *got = gsz_hf_model_arch(m), *want = model(cases[i].model);
    gsz_param_count pg, pw;
    assert_int_equal(gsz_model_count(&pg, got, NULL), GSZ_OK);
    assert_int_equal(gsz_model_count(&pw, want, NULL), GSZ_OK);
    uint64_t kv_got, kv_want;
    assert_int_equal(gsz_model_kv_bytes_per_token(&kv_got, got, 1, &bf16, NULL), GSZ_OK);
    assert_int_equal(gsz_model_kv_bytes_per_token(&kv_want, want, 1, &bf16, NULL), GSZ_OK);
    if (pg.total != pw.total || pg.active != pw.active || kv_got != kv_want ||
        strcmp(got->model_type, want->model_type) != 0 ||
        got->sliding_window != want->sliding_window ||
        got->sliding_window_pattern != want->sliding_window_pattern ||
        got->tie_word_embeddings != want->tie_word_embeddings)
      fail_msg("%s: %s total %llu active %llu KV %llu window %u/%u, catalog %llu %llu %llu %u/%u",
               cases[i].file, got->model_type, (unsigned long long)pg.total,
               (unsigned long long)pg.active, (unsigned long long)kv_got, got->sliding_window,
               got->sliding_window_pattern, (unsigned long long)pw.total,
               (unsigned long long)pw.active, (unsigned long long)kv_want, want->sliding_window,
               want->sliding_window_pattern);
    for (uint32_t l = 0; l < got->num_hidden_layers; l++)
      assert_int_equal(gsz_model_layer_moe(got, l), gsz_model_layer_moe(want, l));
    gsz_hf_model_free(m);
  }
}

/* The new families' keys: what is read, what is refused and why. */
#define LAYERS2(type, extra)                                                                       \
  "{\"model_type\": \"" type "\", \"hidden_size\": 8, \"intermediate_size\": 8,"                   \
  " \"num_hidden_layers\": 2, \"num_attention_heads\": 4, \"vocab_size\": 8" extra "}"
#define OSS(extra) LAYERS2("gpt_oss", ", \"num_local_experts\": 4" extra)
#define L4(extra)                                                                                  \
  LAYERS2("llama4_text", ", \"num_local_experts\": 4, \"num_experts_per_tok\": 1" extra)
#define Q3M(extra)                                                                                 \
  LAYERS2("qwen3_moe", ", \"num_experts\": 4, \"num_experts_per_tok\": 2,"                         \
                       " \"moe_intermediate_size\": 4" extra)

static void test_hf_config_new_family_keys(void **state) {
  (void)state;
  static const struct {
    const char *json;
    gsz_err err;
    const char *says;
  } cases[] = {
      {OSS(""), GSZ_EINVAL, "missing key 'num_experts_per_tok'"},
      {OSS(", \"experts_per_token\": 2"), GSZ_OK, ""},
      {OSS(", \"num_experts_per_tok\": 2, \"layer_types\": [\"full_attention\"]"), GSZ_EINVAL,
       "'layer_types' has 1 entries for 2 layers"},
      {OSS(", \"num_experts_per_tok\": 2, \"layer_types\": [\"linear_attention\", 3]"),
       GSZ_EUNSUPPORTED, "'layer_types' entry 0"},
      {OSS(", \"num_experts_per_tok\": 2,"
           " \"layer_types\": [\"full_attention\", \"sliding_attention\"]"),
       GSZ_EUNSUPPORTED, "'layer_types' mixes windowed and full layers"},
      {OSS(", \"num_experts_per_tok\": 2, \"layer_types\": \"sliding\""), GSZ_EINVAL,
       "'layer_types' must be a list, got a string"},
      {L4(""), GSZ_OK, ""},
      {L4(", \"moe_layers\": [0, 1]"), GSZ_OK, ""},
      {L4(", \"interleave_moe_layer_step\": 2, \"moe_layers\": [1]"), GSZ_OK, ""},
      {L4(", \"interleave_moe_layer_step\": 2, \"moe_layers\": [0]"), GSZ_EUNSUPPORTED,
       "'moe_layers' is not every interleave_moe_layer_step-th layer"},
      {L4(", \"no_rope_layers\": [1, 2]"), GSZ_EUNSUPPORTED, "(0 or 1)"},
      {L4(", \"no_rope_layers\": [1]"), GSZ_EINVAL, "'no_rope_layers' has 1 entries"},
      {"{\"model_type\": \"llama4\", \"text_config\": [1]}", GSZ_EINVAL,
       "'text_config' must be an object, got an array"},
      {"{\"model_type\": \"gemma3\", \"text_config\": {\"num_hidden_layers\": 2,"
       " \"hidden_size\": 8, \"intermediate_size\": 8, \"vocab_size\": 8}}",
       GSZ_OK, ""},
      {LAYERS2("gemma3_text", ", \"sliding_window_pattern\": 0"), GSZ_EINVAL,
       "'sliding_window_pattern' must be a positive integer"},
      {Q3M(""), GSZ_OK, ""},
      {Q3M(", \"mlp_only_layers\": [0]"), GSZ_EUNSUPPORTED, "'mlp_only_layers' is not empty"},
      {Q3M(", \"use_sliding_window\": true"), GSZ_EUNSUPPORTED, "use_sliding_window"},
      {LAYERS2("qwen3_moe", ", \"num_experts_per_tok\": 2"), GSZ_EINVAL,
       "missing key 'num_experts'"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    gsz_hf_model *m = NULL;
    gsz_diag diag;
    gsz_diag_clear(&diag);
    gsz_err err = gsz_hf_config_parse(&m, cases[i].json, strlen(cases[i].json), "c.json", &diag);
    if (err != cases[i].err || !tu_contains(diag.message, cases[i].says))
      fail_msg("case %zu: got %s '%s', expected %s '%s'", i, gsz_err_name(err), diag.message,
               gsz_err_name(cases[i].err), cases[i].says);
    gsz_hf_model_free(m);
  }

  /* What the keys become: Llama 4's two widths and shared expert, the
   * wrapper's defaults, gpt-oss's biases and windows. */
  gsz_hf_model *m = NULL;
  const char *l4 = L4(", \"intermediate_size_mlp\": 16, \"interleave_moe_layer_step\": 2,"
                      " \"attention_chunk_size\": null");
  assert_int_equal(gsz_hf_config_parse(&m, l4, strlen(l4), "l4.json", NULL), GSZ_OK);
  const gsz_arch *a = gsz_hf_model_arch(m);
  assert_string_equal(a->model_type, "llama4");
  assert_int_equal(a->intermediate_size, 16);    /* the dense layers' width */
  assert_int_equal(a->moe_intermediate_size, 8); /* each expert's */
  assert_int_equal(a->n_shared_experts, 1);
  assert_int_equal(a->moe_layer_step, 2);
  assert_int_equal(a->sliding_window, 0); /* no chunking: every layer full */
  assert_false(a->tie_word_embeddings);
  gsz_hf_model_free(m);
  const char *g3 = "{\"model_type\": \"gemma3\", \"text_config\": {}}";
  assert_int_equal(gsz_hf_config_parse(&m, g3, strlen(g3), "g3.json", NULL), GSZ_OK);
  a = gsz_hf_model_arch(m); /* Gemma3TextConfig's defaults, all of them */
  assert_string_equal(a->model_type, "gemma3");
  assert_int_equal(a->hidden_size, 2304);
  assert_int_equal(a->head_dim, 256);
  assert_int_equal(a->vocab_size, 262208);
  assert_int_equal(a->sliding_window, 4096);
  assert_int_equal(a->sliding_window_pattern, 6);
  assert_true(a->tie_word_embeddings);
  gsz_hf_model_free(m);
  const char *oss = OSS(", \"experts_per_token\": 2");
  assert_int_equal(gsz_hf_config_parse(&m, oss, strlen(oss), "oss.json", NULL), GSZ_OK);
  a = gsz_hf_model_arch(m);
  assert_true(a->qkv_bias && a->o_bias); /* attention_bias defaults to true */
  assert_int_equal(a->num_experts_per_tok, 2);
  assert_int_equal(a->sliding_window, 128);
  assert_int_equal(a->sliding_window_pattern, 2);
  gsz_hf_model_free(m);
}

/* gpusizer size --hf-config on gpt-oss-20b's config.json, end to end: the
 * exact count, the active count, the KV cache of 12 windowed layers (128
 * tokens) and 12 full ones at context 4096: (12 x 128 + 12 x 4096) tokens
 * x 2 x 8 heads x 64 x 2 bytes = 103,809,024; sinks cache nothing. */
static void test_size_hf_config_gpt_oss_end_to_end(void **state) {
  (void)state;
  const char *path = GSZ_SOURCE_DIR "/tests/fuzz/corpus/hf_config/gpt-oss-20b.json";
  tu_result r;
  const char *const json_args[] = {"size", "--hf-config", path, "--format", "json", NULL};
  tu_run(&r, json_args, NULL);
  if (r.status != 0)
    fail_msg("status %d\nstderr: %s", r.status, r.err);
  assert_string_equal(r.err, "");
  assert_true(tu_contains(r.out, "\"model_type\": \"gpt_oss\""));
  assert_true(tu_contains(r.out, "\"total_params\": 20914757184"));
  assert_true(tu_contains(r.out, "\"active_params\": 4187440704"));
  assert_true(tu_contains(r.out, "\"kv_bytes_per_token\": 49152"));
  assert_true(tu_contains(r.out, "\"kv_cache\": 103809024"));
  assert_true(tu_contains(r.out, "\"weights\": 41829514368")); /* 2 bytes each */
  tu_result_free(&r);

  const char *const text_args[] = {"size", "--hf-config", path, NULL};
  tu_run(&r, text_args, NULL);
  assert_int_equal(r.status, 0);
  assert_true(tu_contains(r.out, "20,914,757,184 parameters, 4,187,440,704 active per token"));
  tu_result_free(&r);

  /* A layout of windows gpusizer cannot size is refused by name. */
  char *dir = tu_tmpdir();
  char *bad = tu_path(dir, "config.json");
  const char *json = OSS(", \"num_experts_per_tok\": 2,"
                         " \"layer_types\": [\"full_attention\", \"sliding_attention\"]");
  tu_write_file(bad, json, strlen(json));
  const char *const bad_args[] = {"size", "--hf-config", bad, NULL};
  tu_run(&r, bad_args, NULL);
  assert_int_not_equal(r.status, 0);
  assert_true(tu_contains(r.err, "'layer_types' mixes windowed and full layers"));
  assert_string_equal(r.out, "");
  tu_result_free(&r);
  free(bad);
  tu_rmdir_all(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_reference_models_are_exact),
      cmocka_unit_test(test_published_counts_match),
      cmocka_unit_test(test_moe_and_mla_counts),
      cmocka_unit_test(test_new_family_counts),
      cmocka_unit_test(test_gpt_oss_sinks_and_biases),
      cmocka_unit_test(test_interleaved_moe_layers),
      cmocka_unit_test(test_kv_heads_split_then_replicate_across_tp),
      cmocka_unit_test(test_sliding_window_layers),
      cmocka_unit_test(test_lora_params_match_peft),
      cmocka_unit_test(test_inconsistent_architectures_are_refused),
      cmocka_unit_test(test_hf_config_gives_the_same_count_as_the_catalog),
      cmocka_unit_test(test_hf_config_errors_name_file_and_key),
      cmocka_unit_test(test_hf_config_family_keys_and_types),
      cmocka_unit_test(test_hf_config_new_families_match_the_catalog),
      cmocka_unit_test(test_hf_config_new_family_keys),
      cmocka_unit_test(test_size_hf_config_gpt_oss_end_to_end),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
