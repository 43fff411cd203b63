/* test_memory.c: the estimator: the rule-of-thumb table exactly, training
 * recipes byte for byte, ZeRO and tensor-parallel sharding, KV cache
 * sizes, activations as autograd saves them, the measured vLLM numbers
 * within stated tolerances, the runtime's terms (non-torch memory by TP,
 * the profile run, the budget and what lies outside it, the KV pool),
 * quantised layouts to the byte, DeepSpeed's terms, and refusals. */
#include "testutil.h"

#include "gpusizer/catalog.h"
#include "gpusizer/memory.h"
#include "sizing/memory_int.h"

#include <math.h>
#include <stdlib.h>
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

static const gsz_format *fmt(const char *name) {
  const gsz_format *f = gsz_catalog_find_format(data, name);
  assert_non_null(f);
  return f;
}

static gsz_model_ref ref_of(const char *name) {
  gsz_model_ref ref;
  const gsz_arch *a = gsz_catalog_find_model(data, name);
  assert_non_null(a);
  assert_int_equal(gsz_model_ref_from_arch(&ref, a, NULL), GSZ_OK);
  return ref;
}

static gsz_workload workload(gsz_mode mode) {
  gsz_workload w;
  assert_int_equal(gsz_workload_defaults(&w, data, mode, NULL), GSZ_OK);
  return w;
}

static gsz_estimate estimate(const gsz_model_ref *m, const gsz_workload *w, gsz_layout l) {
  gsz_estimate e;
  gsz_diag diag;
  if (gsz_memory_estimate(&e, m, w, l, &diag) != GSZ_OK)
    fail_msg("%s", diag.message);
  return e;
}

static const gsz_layout one = {1, 1, 1};

/* DESIGN.md's table, in decimal GB: 1B/7B/70B x fp32/bf16/int8/int4. */
static void test_quick_method_reproduces_the_rule_of_thumb_table(void **state) {
  (void)state;
  static const struct {
    uint64_t params;
    const char *format;
    uint64_t bytes;
  } table[] = {
      {1000000000ull, "fp32", 4000000000ull},    {1000000000ull, "bf16", 2000000000ull},
      {1000000000ull, "fp16", 2000000000ull},    {1000000000ull, "int8", 1000000000ull},
      {1000000000ull, "int4", 500000000ull},     {7000000000ull, "fp32", 28000000000ull},
      {7000000000ull, "bf16", 14000000000ull},   {7000000000ull, "int8", 7000000000ull},
      {7000000000ull, "int4", 3500000000ull},    {70000000000ull, "fp32", 280000000000ull},
      {70000000000ull, "bf16", 140000000000ull}, {70000000000ull, "int8", 70000000000ull},
      {70000000000ull, "int4", 35000000000ull},
  };
  for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
    gsz_model_ref m;
    gsz_model_ref_from_params(&m, table[i].params, "n");
    gsz_workload w = workload(GSZ_MODE_INFERENCE);
    w.method = GSZ_METHOD_QUICK;
    w.weight_format = fmt(table[i].format);
    gsz_estimate e = estimate(&m, &w, one);
    assert_int_equal(e.total_bytes, table[i].bytes);
    assert_int_equal(e.per_gpu_bytes, table[i].bytes);
    assert_false(e.included[GSZ_COMP_KV_CACHE]);
  }
}

static void test_quick_training_is_weights_times_two_plus_states(void **state) {
  (void)state;
  gsz_model_ref m;
  gsz_model_ref_from_params(&m, 1000000000ull, "1B");
  gsz_workload w = workload(GSZ_MODE_TRAIN);
  w.method = GSZ_METHOD_QUICK;
  w.weight_format = fmt("fp32");
  assert_int_equal(estimate(&m, &w, one).total_bytes, 16000000000ull); /* AdamW 4x */
  w.weight_format = fmt("bf16");
  assert_int_equal(estimate(&m, &w, one).total_bytes, 8000000000ull);
  w.optimizer = GSZ_OPT_SGD;
  assert_int_equal(estimate(&m, &w, one).total_bytes, 6000000000ull); /* SGD 3x */
  /* Spread over 4 GPUs: the quick total divides. */
  gsz_layout four = {1, 1, 4};
  assert_int_equal(estimate(&m, &w, four).per_gpu_bytes, 1500000000ull);
}

static void test_int_training_is_refused(void **state) {
  (void)state;
  gsz_model_ref m;
  gsz_model_ref_from_params(&m, 7000000000ull, "7B");
  static const char *const formats[] = {"int8", "int4", "q4_k"};
  for (int method = 0; method < 2; method++)
    for (size_t i = 0; i < 3; i++) {
      gsz_workload w = workload(GSZ_MODE_TRAIN);
      w.method = (gsz_method)method;
      w.weight_format = fmt(formats[i]);
      gsz_diag diag;
      assert_int_equal(gsz_workload_check(&w, &m, &diag), GSZ_EINVAL);
      assert_true(tu_contains(diag.message, "does not converge"));
    }
}

/* Mixed precision AdamW: 2 + 2 + 4 + 8 = 16 bytes per parameter. */
static void test_training_recipes_bytes_per_parameter(void **state) {
  (void)state;
  gsz_model_ref m = ref_of("Llama-3-8B");
  const uint64_t P = 8030261248ull;
  static const struct {
    gsz_recipe recipe;
    gsz_optimizer opt;
    const char *weights;
    uint64_t w, g, master, o;
  } cases[] = {
      {GSZ_RECIPE_MIXED, GSZ_OPT_ADAMW, "bf16", 2, 2, 4, 8},
      {GSZ_RECIPE_FP32, GSZ_OPT_ADAMW, "fp32", 4, 4, 0, 8},
      {GSZ_RECIPE_BF16, GSZ_OPT_ADAMW, "bf16", 2, 2, 0, 4},
      {GSZ_RECIPE_MIXED, GSZ_OPT_SGD, "bf16", 2, 2, 4, 0},
      {GSZ_RECIPE_MIXED, GSZ_OPT_SGD_MOMENTUM, "bf16", 2, 2, 4, 4},
      {GSZ_RECIPE_MIXED, GSZ_OPT_ADAM8BIT, "bf16", 2, 2, 4, 2},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    gsz_workload w = workload(GSZ_MODE_TRAIN);
    w.recipe = cases[i].recipe;
    w.optimizer = cases[i].opt;
    w.weight_format = fmt(cases[i].weights);
    assert_int_equal(gsz_workload_check(&w, &m, NULL), GSZ_OK);
    gsz_estimate e = estimate(&m, &w, one);
    assert_int_equal(e.component[GSZ_COMP_WEIGHTS], cases[i].w * P);
    assert_int_equal(e.component[GSZ_COMP_GRADIENTS], cases[i].g * P);
    assert_int_equal(e.component[GSZ_COMP_MASTER_WEIGHTS], cases[i].master * P);
    assert_int_equal(e.component[GSZ_COMP_OPTIMIZER], cases[i].o * P);
    assert_int_equal(e.trainable_params, P);
  }
}

static void test_zero_stages_shard_in_order(void **state) {
  (void)state;
  gsz_model_ref m = ref_of("Llama-3-8B");
  const uint64_t P = 8030261248ull; /* divisible by 8 */
  gsz_layout dp8 = {1, 1, 8};
  for (uint32_t zero = 0; zero <= 3; zero++) {
    gsz_workload w = workload(GSZ_MODE_TRAIN);
    w.zero = zero;
    gsz_estimate e = estimate(&m, &w, dp8);
    assert_int_equal(e.component[GSZ_COMP_OPTIMIZER], zero >= 1 ? 8 * P / 8 : 8 * P);
    assert_int_equal(e.component[GSZ_COMP_MASTER_WEIGHTS], zero >= 1 ? 4 * P / 8 : 4 * P);
    assert_int_equal(e.component[GSZ_COMP_GRADIENTS], zero >= 2 ? 2 * P / 8 : 2 * P);
    assert_int_equal(e.component[GSZ_COMP_WEIGHTS], zero >= 3 ? 2 * P / 8 : 2 * P);
  }
}

/* What autograd saves per Llama-style layer (memory.h): 8sbh outside the
 * TP regions (norm and block inputs), q and O 4sb a d, K and V 4sb kv d,
 * the fp32 log-sum-exp 4sba, SwiGLU 8sbf; Korthikanti's 5as^2b without
 * flash attention; logits 10 sbV. Llama-2-7B: 37.5 sbh per layer. */
static void test_training_activations_follow_what_autograd_saves(void **state) {
  (void)state;
  gsz_model_ref m = ref_of("Llama-2-7B"); /* h 4096, a = kv = 32, d 128, f 11008, L 32, V 32000 */
  gsz_workload w = workload(GSZ_MODE_TRAIN);
  w.context = 2048;
  w.micro_batch = 2;
  w.recompute = GSZ_RECOMPUTE_NONE;
  const uint64_t s = 2048, b = 2, h = 4096, a = 32, L = 32, V = 32000, f = 11008;
  const uint64_t sb = s * b, sbh = sb * h;
  const uint64_t layer = 8 * sbh + 4 * sb * a * 128 + 4 * sb * 32 * 128 + 4 * sb * a + 8 * sb * f;
  assert_int_equal(layer * 2, 75 * sbh + 8 * sb * a); /* 37.5 sbh + the log-sum-exp */
  const uint64_t logits = 10 * s * b * V;
  w.flash_attention = false;
  assert_int_equal(estimate(&m, &w, one).component[GSZ_COMP_ACTIVATIONS],
                   L * (layer + 5 * a * s * s * b) + logits);
  w.flash_attention = true;
  assert_int_equal(estimate(&m, &w, one).component[GSZ_COMP_ACTIVATIONS], L * layer + logits);
  /* Full recomputation: each layer's input, and one layer rebuilt with its
   * gradients. The default for training. */
  w.recompute = GSZ_RECOMPUTE_FULL;
  assert_int_equal(workload(GSZ_MODE_TRAIN).recompute, GSZ_RECOMPUTE_FULL);
  assert_int_equal(estimate(&m, &w, one).component[GSZ_COMP_ACTIVATIONS],
                   L * 2 * sbh + 2 * layer + logits);
  /* Tensor parallelism with sequence parallelism divides by t, and
   * all-gathers one layer's block inputs (4sbh, less the shard); without it
   * the 8sbh outside the TP regions stay whole. */
  gsz_layout tp2 = {2, 1, 1};
  w.recompute = GSZ_RECOMPUTE_NONE;
  assert_int_equal(estimate(&m, &w, tp2).component[GSZ_COMP_ACTIVATIONS],
                   L * layer / 2 + 4 * sbh / 2 + logits / 2);
  w.sequence_parallel = false;
  assert_int_equal(estimate(&m, &w, tp2).component[GSZ_COMP_ACTIVATIONS],
                   L * (8 * sbh + (layer - 8 * sbh) / 2) + logits / 2);
}

static void test_inference_kv_cache_is_exact(void **state) {
  (void)state;
  gsz_model_ref m = ref_of("Llama-3-70B"); /* 327,680 B/token in bf16 */
  gsz_workload w = workload(GSZ_MODE_INFERENCE);
  w.context = 8192;
  w.concurrency = 8;
  gsz_estimate e = estimate(&m, &w, one);
  assert_int_equal(e.component[GSZ_COMP_WEIGHTS], 2 * 70553706496ull);
  assert_int_equal(e.component[GSZ_COMP_KV_CACHE], 327680ull * 8192 * 8);
  assert_int_equal(e.kv_bytes_per_token, 327680);
  /* fp8 KV halves it. */
  w.kv_format = fmt("fp8");
  assert_int_equal(estimate(&m, &w, one).component[GSZ_COMP_KV_CACHE], 163840ull * 8192 * 8);
  /* TP 4: 2 of 8 KV heads per GPU. */
  w.kv_format = fmt("bf16");
  gsz_layout tp4 = {4, 1, 1};
  assert_int_equal(estimate(&m, &w, tp4).component[GSZ_COMP_KV_CACHE], 327680ull * 8192 * 8 / 4);
}

static void test_sliding_window_caps_the_kv_cache(void **state) {
  (void)state;
  gsz_model_ref m = ref_of("Mistral-7B-v0.1"); /* window 4096 on every layer */
  gsz_workload w = workload(GSZ_MODE_INFERENCE);
  w.context = 32768;
  assert_int_equal(estimate(&m, &w, one).component[GSZ_COMP_KV_CACHE], 131072ull * 4096);
  m = ref_of("Gemma-2-9B"); /* 21 windowed layers, 21 global; 2 x 8 x 256 x 2 B per layer */
  const uint64_t per_layer_token = 2 * 8 * 256 * 2;
  assert_int_equal(estimate(&m, &w, one).component[GSZ_COMP_KV_CACHE],
                   per_layer_token * (21 * 4096 + 21 * 32768));
}

static void test_pipeline_stages_split_layers_and_report_the_busiest(void **state) {
  (void)state;
  gsz_model_ref m = ref_of("Llama-3-8B");
  gsz_workload w = workload(GSZ_MODE_INFERENCE);
  gsz_layout pp2 = {1, 2, 1};
  gsz_estimate e = estimate(&m, &w, pp2);
  /* Stage 0: 16 layers + embedding; stage 1: 16 layers + LM head + the
   * final norm (4,096) and the sampler, which makes it the busiest. */
  const uint64_t layer = 218112000ull, embed = 525336576ull;
  assert_int_equal(e.component[GSZ_COMP_WEIGHTS], 2 * (16 * layer + embed + 4096));
  assert_int_equal(e.busiest_stage, 1);
  /* The first stage runs no sampler: its activation peak is the forward
   * over 8,192 tokens, 2 B x (2h + 3f) each. */
  const uint64_t forward = 8192ull * 2 * (2 * 4096 + 3 * 14336);
  const uint64_t sampler = e.component[GSZ_COMP_ACTIVATIONS];
  assert_int_equal(sampler, 147639501ull + (1024ull * 128256 * 4 * 3585 + 999) / 1000);
  assert_int_equal(e.total_bytes, 2 * e.per_gpu_bytes - 2 * 4096 - (sampler - forward));
}

/* reference/measured.csv, row 1 and 2: vLLM on H100 80GB, Llama-3-8B bf16:
 * weights 14.96 GiB at TP 1, 7.48 GiB at TP 2 (within 1%); the vllm-0.6
 * profile's overheads come from these rows, so they match exactly. */
static void test_measured_vllm_rows(void **state) {
  (void)state;
  tu_csv csv;
  tu_csv_read(&csv, GSZ_TEST_DATA "/reference/measured.csv");
  size_t c_tp = tu_csv_col(&csv, "tp"), c_w = tu_csv_col(&csv, "weights_gib"),
         c_rt = tu_csv_col(&csv, "runtime");
  gsz_model_ref m = ref_of("Llama-3-8B");
  size_t checked = 0;
  for (size_t r = 1; r < csv.nrows; r++) {
    gsz_workload w = workload(GSZ_MODE_INFERENCE);
    w.runtime = gsz_catalog_find_runtime(data, tu_contains(csv.rows[r][c_rt], "0.19") ? "vllm"
                                                                                      : "vllm-0.6");
    assert_non_null(w.runtime);
    gsz_layout l = {(uint32_t)strtoul(csv.rows[r][c_tp], NULL, 10), 1, 1};
    gsz_estimate e = estimate(&m, &w, l);
    double predicted = (double)e.component[GSZ_COMP_WEIGHTS] / (1u << 30);
    double measured = 0;
    sscanf(csv.rows[r][c_w], "%lf", &measured);
    if (fabs(predicted - measured) / measured > 0.01)
      fail_msg("row %zu: weights %.3f GiB vs measured %.2f", r, predicted, measured);
    checked++;
  }
  assert_int_equal(checked, 4);
  tu_csv_free(&csv);

  gsz_workload w = workload(GSZ_MODE_INFERENCE);
  w.runtime = gsz_catalog_find_runtime(data, "vllm-0.6");
  gsz_estimate e1 = estimate(&m, &w, one);
  gsz_layout tp2 = {2, 1, 1};
  gsz_estimate e2 = estimate(&m, &w, tp2);
  assert_int_equal(e1.component[GSZ_COMP_OVERHEAD], 1921997865ull);     /* 1.79 GiB */
  assert_int_equal(e2.component[GSZ_COMP_OVERHEAD], 2 * 1921997865ull); /* 3.58 GiB */
  assert_int_equal(e1.component[GSZ_COMP_ACTIVATIONS], 1352914698ull);  /* 1.26 GiB */
  /* Row 1: at utilisation 0.90 on 79.22 GiB vLLM reported 53.29 GiB for KV. */
  uint64_t budget = gsz_memory_budget((uint64_t)(79.22 * (1u << 30)), 9000);
  uint64_t kv_room = budget - e1.component[GSZ_COMP_WEIGHTS] - e1.component[GSZ_COMP_OVERHEAD] -
                     e1.component[GSZ_COMP_ACTIVATIONS];
  assert_true(fabs((double)kv_room / (1u << 30) - 53.29) < 0.53);
}

/* --- The runtime as it allocates (vLLM v0.19.0 profiles) --------------------- */

static const uint64_t h100_visible = 81091ull << 20; /* 79.19 GiB, catalog/092 */

/* Llama-3.1-8B bf16 on an H100 at utilisation 0.95, max_model_len 8192:
 * vLLM v0.19.0 printed "GPU KV cache size: 476,016 tokens" and "Maximum
 * concurrency for 8,192 tokens per request: 58.11x" (llm-d results_raw.csv). */
static void test_kv_pool_matches_vllm_startup_for_llama_8b(void **state) {
  (void)state;
  gsz_model_ref m = ref_of("Llama-3.1-8B");
  const gsz_gpu *h100 = gsz_catalog_find_gpu(data, "H100-SXM5-80GB");
  assert_int_equal(gsz_memory_visible_bytes(data, h100), h100_visible);
  gsz_workload w = workload(GSZ_MODE_INFERENCE);
  w.mem_util_bp = 9500;
  w.context = 8192;
  gsz_kv_capacity k;
  assert_int_equal(gsz_memory_kv_capacity(&k, &m, &w, one, h100_visible, NULL), GSZ_OK);
  assert_true(k.fits);
  assert_int_equal(k.block_tokens, 16);
  assert_int_equal(k.tokens % 16, 0);
  assert_int_equal(k.tokens, k.blocks * 16);
  assert_true(fabs((double)k.tokens - 476016) / 476016 < 0.001);
  assert_int_equal(k.max_concurrency, k.blocks / 512);
  assert_true(k.max_concurrency_x100 >= 5811 && k.max_concurrency_x100 <= 5820);
  assert_int_equal(k.max_context, k.tokens); /* one sequence takes the whole pool */
  /* The pool is what the budget leaves: 128 KiB per token in whole blocks. */
  assert_int_equal(k.pool_bytes, k.blocks * 16 * 131072);
  assert_true(k.pool_gpu_bytes >= k.pool_bytes && k.pool_gpu_bytes - k.pool_bytes < 16 * 131072);
  /* fp8 KV: the same pool holds twice the tokens (vLLM: 952,032). */
  w.kv_format = fmt("fp8");
  gsz_kv_capacity k8;
  assert_int_equal(gsz_memory_kv_capacity(&k8, &m, &w, one, h100_visible, NULL), GSZ_OK);
  assert_true(k8.blocks == 2 * k.blocks || k8.blocks == 2 * k.blocks + 1);
  /* Four sequences: each gets a quarter of the blocks. */
  w.kv_format = fmt("bf16");
  w.concurrency = 4;
  assert_int_equal(gsz_memory_kv_capacity(&k, &m, &w, one, h100_visible, NULL), GSZ_OK);
  assert_int_equal(k.max_context, k.blocks / 4 * 16);
  /* Without an architecture there is no pool to count. */
  gsz_model_ref bare;
  gsz_model_ref_from_params(&bare, 8000000000ull, "8B");
  gsz_diag diag;
  assert_int_equal(gsz_memory_kv_capacity(&k, &bare, &w, one, h100_visible, &diag), GSZ_EINVAL);
}

/* At TP 1 vLLM creates no NCCL communicator: 0.25 GiB of non-torch memory
 * inside the budget and 0.51 outside; at TP 2 2.07 and 1.51; with pipeline
 * stages 0.07 and 1.43 (llm-d v0.19.0). */
static void test_non_torch_memory_follows_the_parallel_degree(void **state) {
  (void)state;
  gsz_model_ref m = ref_of("Llama-3.1-8B");
  gsz_workload w = workload(GSZ_MODE_INFERENCE);
  static const struct {
    gsz_layout l;
    uint64_t in, out;
  } cases[] = {
      {{1, 1, 1}, 268435456ull, 547608330ull},   {{2, 1, 1}, 2222645576ull, 1621350154ull},
      {{4, 1, 1}, 2287070085ull, 1642824991ull}, {{8, 1, 1}, 2287070085ull, 1642824991ull},
      {{1, 2, 1}, 75161928ull, 1535450808ull},   {{2, 2, 1}, 2222645576ull, 1621350154ull},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    gsz_estimate e = estimate(&m, &w, cases[i].l);
    assert_int_equal(e.component[GSZ_COMP_OVERHEAD], cases[i].in);
    assert_int_equal(e.baseline_bytes, cases[i].out);
    /* v0.19 captures CUDA graphs after the KV cache: outside the budget. */
    assert_int_equal(e.component[GSZ_COMP_CUDA_GRAPHS], 0);
    assert_int_equal(e.outside_budget_bytes, cases[i].out + w.runtime->graph_bytes);
  }
  /* From v0.21 the budget holds the graphs and the default share is 0.92. */
  w.runtime = gsz_catalog_find_runtime(data, "vllm-0.21");
  assert_non_null(w.runtime);
  gsz_estimate e = estimate(&m, &w, one);
  assert_int_equal(e.component[GSZ_COMP_CUDA_GRAPHS], w.runtime->graph_bytes);
  assert_int_equal(e.outside_budget_bytes, 547608330ull);
  assert_int_equal(e.mem_util_bp, 9200);
}

/* The profile run's peak is the sampler on large-vocabulary models: 0.1375
 * GiB + 3.585 fp32 copies of max_num_seqs x vocab logits; 1024 sequences on
 * GPUs of 70 GiB and more, 256 below; the forward over max_batched_tokens
 * where it is larger; no sampler before the last pipeline stage. */
static void test_profile_run_peak_follows_vocab_and_max_num_seqs(void **state) {
  (void)state;
  gsz_workload w = workload(GSZ_MODE_INFERENCE);
  static const struct {
    const char *model;
    uint64_t vocab;
  } cases[] = {{"Llama-3.1-8B", 128256}, {"Qwen2.5-7B", 152064}, {"Gemma-2-9B", 256000}};
  for (size_t i = 0; i < 3; i++) {
    gsz_model_ref m = ref_of(cases[i].model);
    gsz_estimate e = estimate(&m, &w, one);
    uint64_t sampler = 147639501ull + (1024ull * cases[i].vocab * 4 * 3585 + 999) / 1000;
    assert_int_equal(e.component[GSZ_COMP_ACTIVATIONS], sampler);
    assert_int_equal(e.max_num_seqs, 1024);
    assert_int_equal(e.max_batched_tokens, 8192);
  }
  gsz_model_ref m = ref_of("Llama-3.1-8B");
  w.gpu_visible_bytes = (uint64_t)23034 << 20; /* an L4: 256 sequences, 2048 tokens */
  gsz_estimate e = estimate(&m, &w, one);
  assert_int_equal(e.max_num_seqs, 256);
  assert_int_equal(e.component[GSZ_COMP_ACTIVATIONS],
                   147639501ull + (256ull * 128256 * 4 * 3585 + 999) / 1000);
  /* A 32k-vocabulary model: the forward over 8,192 tokens is the peak. */
  w.gpu_visible_bytes = 0;
  m = ref_of("Mistral-7B-v0.1");
  e = estimate(&m, &w, one);
  assert_int_equal(e.component[GSZ_COMP_ACTIVATIONS], 8192ull * 2 * (2 * 4096 + 3 * 14336));
  /* Without an architecture: the profile's documented default. */
  gsz_model_ref bare;
  gsz_model_ref_from_params(&bare, 8000000000ull, "8B");
  e = estimate(&bare, &w, one);
  assert_int_equal(e.component[GSZ_COMP_ACTIVATIONS], w.runtime->activation_bytes);
  /* v0.15/v0.16 held 9.7 copies. */
  w.runtime = gsz_catalog_find_runtime(data, "vllm-0.16");
  m = ref_of("Llama-3.1-8B");
  e = estimate(&m, &w, one);
  assert_int_equal(e.component[GSZ_COMP_ACTIVATIONS], (1024ull * 128256 * 4 * 9700 + 999) / 1000);
}

/* gpu_memory_utilization replaces the runtime's share; the budget is that
 * share of what the runtime sees, and what it leaves must hold the memory
 * taken outside the budget. */
static void test_utilisation_and_the_memory_outside_the_budget(void **state) {
  (void)state;
  gsz_model_ref m = ref_of("Llama-3.1-8B");
  gsz_workload w = workload(GSZ_MODE_INFERENCE);
  assert_int_equal(estimate(&m, &w, one).mem_util_bp, 9000);
  assert_int_equal(gsz_workload_mem_util_bp(&w), 9000);
  w.mem_util_bp = 9500;
  gsz_estimate e = estimate(&m, &w, one);
  assert_int_equal(e.mem_util_bp, 9500);
  gsz_fit_check f;
  assert_true(gsz_memory_fits(&f, &e, h100_visible));
  assert_int_equal(f.budget_bytes, h100_visible * 9500 / 10000);
  assert_int_equal(f.outside_room_bytes, h100_visible - f.budget_bytes);
  /* At 0.99 the 1% left cannot hold the CUDA context and graphs. */
  w.mem_util_bp = 9900;
  e = estimate(&m, &w, one);
  assert_false(gsz_memory_fits(&f, &e, h100_visible));
  assert_true(f.budget_ok);
  assert_false(f.outside_ok);
  w.mem_util_bp = 10001;
  gsz_diag diag;
  assert_int_equal(gsz_workload_check(&w, &m, &diag), GSZ_EINVAL);
  /* A GPU without a gpu_visible_memory row: the driver's total. */
  const gsz_gpu *l40s = gsz_catalog_find_gpu(data, "L40S");
  assert_int_equal(gsz_memory_visible_bytes(data, l40s), (uint64_t)l40s->usable_mib << 20);
}

/* The KV cache a workload needs is allocated in whole blocks of 16 tokens. */
static void test_kv_need_rounds_up_to_whole_blocks(void **state) {
  (void)state;
  gsz_model_ref m = ref_of("Llama-3-8B");
  gsz_workload w = workload(GSZ_MODE_INFERENCE);
  w.context = 1000; /* 63 blocks = 1008 tokens */
  assert_int_equal(estimate(&m, &w, one).component[GSZ_COMP_KV_CACHE], 131072ull * 1008);
  w.runtime = gsz_catalog_find_runtime(data, "none"); /* no blocks */
  assert_int_equal(estimate(&m, &w, one).component[GSZ_COMP_KV_CACHE], 131072ull * 1000);
}

/* --- Quantised checkpoints as stored ------------------------------------------ */

/* Each recipe against the research's independent derivation from the
 * formats' tensor shapes (tests/data/quantized_layouts.csv), to the byte;
 * and the unquantised tensors stay 16-bit. */
static void test_quantised_recipes_give_the_stored_layouts(void **state) {
  (void)state;
  tu_csv csv;
  tu_csv_read(&csv, GSZ_TEST_DATA "/quantized_layouts.csv");
  size_t c_model = tu_csv_col(&csv, "model"), c_prec = tu_csv_col(&csv, "precision"),
         c_bytes = tu_csv_col(&csv, "derived_bytes");
  for (size_t r = 1; r < csv.nrows; r++) {
    gsz_model_ref m = ref_of(csv.rows[r][c_model]);
    gsz_workload w = workload(GSZ_MODE_INFERENCE);
    w.weight_format = fmt(csv.rows[r][c_prec]);
    uint64_t want = strtoull(csv.rows[r][c_bytes], NULL, 10);
    uint64_t got = estimate(&m, &w, one).component[GSZ_COMP_WEIGHTS];
    if (got != want)
      fail_msg("%s %s: %llu, derived %llu", csv.rows[r][c_model], csv.rows[r][c_prec],
               (unsigned long long)got, (unsigned long long)want);
  }
  assert_true(csv.nrows > 10);
  tu_csv_free(&csv);
  /* AWQ on Llama-3.1-8B by hand: per linear [out, in], 4 bits, a 16-bit
   * scale and a 4-bit zero per 128 inputs; embedding, head, norms in bf16. */
  gsz_model_ref m = ref_of("Llama-3.1-8B");
  const uint64_t linear = 32ull * 218103808ull, rest = 8030261248ull - linear;
  gsz_workload w = workload(GSZ_MODE_INFERENCE);
  w.weight_format = fmt("awq");
  assert_int_equal(estimate(&m, &w, one).component[GSZ_COMP_WEIGHTS],
                   linear / 2 + linear / 128 * 5 / 2 + 2 * rest);
  /* MXFP4 quantises only experts: a dense model stays 16-bit. */
  w.weight_format = fmt("mxfp4");
  assert_int_equal(estimate(&m, &w, one).component[GSZ_COMP_WEIGHTS], 2 * 8030261248ull);
  /* The quick method keeps the rule of thumb: the block on every parameter. */
  w.method = GSZ_METHOD_QUICK;
  w.weight_format = fmt("int4");
  assert_int_equal(estimate(&m, &w, one).component[GSZ_COMP_WEIGHTS], 8030261248ull / 2);
}

/* llama.cpp's Q4_K_M on Llama-3.1-8B: 193 Q4_K and 33 Q6_K tensors, F32
 * norms; the log's buffers sum to 4,912,898,048 bytes. On a 70B (80
 * layers) attn_v is bumped to Q5_K where it is not Q6_K. */
static void test_gguf_file_types_follow_llama_cpp(void **state) {
  (void)state;
  gsz_model_ref m = ref_of("Llama-3.1-8B");
  gsz_workload w = workload(GSZ_MODE_INFERENCE);
  w.weight_format = fmt("q4_k_m");
  assert_int_equal(estimate(&m, &w, one).component[GSZ_COMP_WEIGHTS], 4912898048ull);
  w.weight_format = fmt("q4_0"); /* Q4_0, the output in Q6_K: the log's 4437.82 MiB */
  assert_int_equal(estimate(&m, &w, one).component[GSZ_COMP_WEIGHTS], 4653375488ull);
  m = ref_of("Llama-3.1-70B");
  w.weight_format = fmt("q4_k_m");
  assert_int_equal(estimate(&m, &w, one).component[GSZ_COMP_WEIGHTS], 42512531456ull);
  /* Split over pipeline stages, the stages hold every byte between them. */
  gsz_layout pp4 = {1, 4, 1};
  gsz_estimate e = estimate(&m, &w, pp4);
  assert_int_equal(e.busiest_stage, 3);
}

/* --- Training at scale ---------------------------------------------------------- */

/* DeepSpeed counts an fp32 gradient partition from ZeRO-1 on
 * (estimate_zero2_model_states_mem_needs: 2P + 18P/N), a 1 GB reduce
 * bucket, and at stage 2 a contiguous gradient buffer of the same size. */
static void test_deepspeed_states_and_buffers(void **state) {
  (void)state;
  gsz_model_ref m = ref_of("Llama-3-8B");
  const uint64_t P = 8030261248ull;
  gsz_workload w = workload(GSZ_MODE_TRAIN);
  w.runtime = gsz_catalog_find_runtime(data, "deepspeed");
  assert_non_null(w.runtime);
  gsz_layout dp8 = {1, 1, 8};
  w.zero = 2;
  gsz_estimate e = estimate(&m, &w, dp8);
  assert_int_equal(e.component[GSZ_COMP_GRADIENTS], 2 * P / 8 + 4 * P / 8);
  uint64_t states = e.component[GSZ_COMP_WEIGHTS] + e.component[GSZ_COMP_GRADIENTS] +
                    e.component[GSZ_COMP_MASTER_WEIGHTS] + e.component[GSZ_COMP_OPTIMIZER];
  assert_int_equal(states, 2 * P + 18 * P / 8);
  assert_int_equal(e.component[GSZ_COMP_BUFFERS], 2000000000ull);
  w.zero = 1;
  assert_int_equal(estimate(&m, &w, dp8).component[GSZ_COMP_BUFFERS], 1000000000ull);
  /* PyTorch (DDP/FSDP) keeps no fp32 gradient partition. */
  w.runtime = gsz_catalog_find_runtime(data, "pytorch");
  w.zero = 2;
  assert_int_equal(estimate(&m, &w, dp8).component[GSZ_COMP_GRADIENTS], 2 * P / 8);
  /* The allocator margin: 5% of the tensors. */
  e = estimate(&m, &w, dp8);
  uint64_t tensors =
      e.per_gpu_bytes - e.component[GSZ_COMP_OVERHEAD] - e.component[GSZ_COMP_FRAGMENTATION];
  assert_int_equal(e.component[GSZ_COMP_FRAGMENTATION], (tensors * 500 + 9999) / 10000);
}

/* ZeRO-3 gathers parameters (DeepSpeed: up to 1e9 live, the 5e7 prefetch,
 * one unit's gradients) and drops the stage-2 contiguous buffer; it comes
 * out below ZeRO-2 exactly when the weights it shards outweigh that. */
static void
test_zero3_below_zero2_only_when_the_sharded_weights_outweigh_the_buffers(void **state) {
  (void)state;
  static const struct {
    const char *model;
    uint32_t dp;
  } cases[] = {{"Llama-3.2-1B", 2}, {"Qwen2.5-0.5B", 2}, {"Llama-3-8B", 8}, {"Llama-3-70B", 8}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    gsz_model_ref m = ref_of(cases[i].model);
    gsz_workload w = workload(GSZ_MODE_TRAIN);
    w.runtime = gsz_catalog_find_runtime(data, "deepspeed");
    gsz_layout l = {1, 1, cases[i].dp};
    w.zero = 2;
    gsz_estimate z2 = estimate(&m, &w, l);
    w.zero = 3;
    gsz_estimate z3 = estimate(&m, &w, l);
    int64_t saved = (int64_t)(z2.component[GSZ_COMP_WEIGHTS] - z3.component[GSZ_COMP_WEIGHTS]);
    int64_t added =
        (int64_t)z3.component[GSZ_COMP_BUFFERS] - (int64_t)z2.component[GSZ_COMP_BUFFERS];
    int64_t before_margin = (int64_t)(z3.per_gpu_bytes - z3.component[GSZ_COMP_FRAGMENTATION]) -
                            (int64_t)(z2.per_gpu_bytes - z2.component[GSZ_COMP_FRAGMENTATION]);
    assert_int_equal(before_margin, added - saved);
    assert_true((z3.per_gpu_bytes < z2.per_gpu_bytes) == (saved > added));
  }
  /* Llama-3.2-1B on 2 GPUs: ZeRO-3 shards 1.24 GB of its 16-bit weights
   * but keeps up to 1e9 parameters (2 GB) live; an 8B on 8: 14 GB against 2. */
  gsz_model_ref small = ref_of("Llama-3.2-1B"), big = ref_of("Llama-3-8B");
  gsz_workload w = workload(GSZ_MODE_TRAIN);
  w.runtime = gsz_catalog_find_runtime(data, "deepspeed");
  w.zero = 3;
  gsz_estimate s3 = estimate(&small, &w, (gsz_layout){1, 1, 2});
  gsz_estimate b3 = estimate(&big, &w, (gsz_layout){1, 1, 8});
  w.zero = 2;
  assert_true(s3.per_gpu_bytes > estimate(&small, &w, (gsz_layout){1, 1, 2}).per_gpu_bytes);
  assert_true(b3.per_gpu_bytes < estimate(&big, &w, (gsz_layout){1, 1, 8}).per_gpu_bytes);
}

/* MoE layers save each token's top-k copies and the experts' SwiGLU
 * tensors: more top-k, more activations; the fp32 router logits too. */
static void test_moe_activations_follow_top_k(void **state) {
  (void)state;
  gsz_model_ref m = ref_of("Mixtral-8x7B");
  gsz_workload w = workload(GSZ_MODE_TRAIN);
  w.recompute = GSZ_RECOMPUTE_NONE;
  w.context = 1024;
  gsz_estimate two = estimate(&m, &w, one);
  gsz_arch a = *m.arch;
  a.num_experts_per_tok = 4;
  gsz_model_ref four;
  assert_int_equal(gsz_model_ref_from_arch(&four, &a, NULL), GSZ_OK);
  gsz_estimate e4 = estimate(&four, &w, one);
  /* Two more experts per token: 2 more copies (2sbh each) and 2 x 8sbf
   * per layer, 32 layers. */
  const uint64_t s = 1024, h = 4096, f = 14336;
  assert_int_equal(e4.component[GSZ_COMP_ACTIVATIONS] - two.component[GSZ_COMP_ACTIVATIONS],
                   32 * (2 * 2 * s * h + 2 * 8 * s * f));
}

/* recompute auto: sized without recomputation, and with full when the
 * smaller need is asked for (the matcher's second try). Every training
 * mode defaults to full recomputation. */
static void test_recompute_auto_resolves_for_the_matcher(void **state) {
  (void)state;
  gsz_model_ref m = ref_of("Llama-3-70B");
  gsz_workload w = workload(GSZ_MODE_TRAIN);
  assert_int_equal(w.recompute, GSZ_RECOMPUTE_FULL);
  assert_false(gsz_workload_recompute_auto(&w));
  gsz_estimate full = estimate(&m, &w, one);
  w.recompute = GSZ_RECOMPUTE_NONE;
  gsz_estimate none = estimate(&m, &w, one);
  w.recompute = GSZ_RECOMPUTE_AUTO;
  assert_true(gsz_workload_recompute_auto(&w));
  gsz_estimate a = estimate(&m, &w, one);
  assert_int_equal(a.recompute, GSZ_RECOMPUTE_NONE);
  assert_int_equal(a.per_gpu_bytes, none.per_gpu_bytes);
  gsz_estimate s;
  assert_int_equal(gsz_memory_estimate_smaller(&s, &m, &w, one, NULL), GSZ_OK);
  assert_int_equal(s.recompute, GSZ_RECOMPUTE_FULL);
  assert_int_equal(s.per_gpu_bytes, full.per_gpu_bytes);
  assert_true(s.per_gpu_bytes < a.per_gpu_bytes);
  /* The matcher's fast path resolves the same way. */
  gsz_estimate fast;
  assert_int_equal(gsz__memory_estimate_ex(&fast, &m, &w, one, false, true, NULL), GSZ_OK);
  assert_int_equal(fast.per_gpu_bytes, full.per_gpu_bytes);
  gsz_recompute r;
  assert_int_equal(gsz_recompute_parse(&r, "auto", NULL), GSZ_OK);
  assert_int_equal(r, GSZ_RECOMPUTE_AUTO);
}

static void test_bare_count_says_what_it_cannot_know(void **state) {
  (void)state;
  gsz_model_ref m;
  gsz_model_ref_from_params(&m, 7000000000ull, "7B");
  gsz_workload w = workload(GSZ_MODE_INFERENCE);
  gsz_estimate e = estimate(&m, &w, one);
  assert_false(e.included[GSZ_COMP_KV_CACHE]);
  assert_int_equal(e.component[GSZ_COMP_WEIGHTS], 14000000000ull);
  bool noted = false;
  for (unsigned i = 0; i < e.n_notes; i++)
    noted |= tu_contains(e.notes[i], "KV cache not included");
  assert_true(noted);
  w = workload(GSZ_MODE_LORA);
  gsz_diag diag;
  assert_int_equal(gsz_workload_check(&w, &m, &diag), GSZ_EINVAL);
  assert_true(tu_contains(tu_diag(&diag), "--model or --hf-config"));
}

static void test_tp_must_divide_heads(void **state) {
  (void)state;
  gsz_model_ref m = ref_of("Llama-3-8B");
  gsz_workload w = workload(GSZ_MODE_INFERENCE);
  gsz_layout tp3 = {3, 1, 1};
  gsz_estimate e;
  gsz_diag diag;
  assert_int_equal(gsz_memory_estimate(&e, &m, &w, tp3, &diag), GSZ_EINVAL);
  assert_true(tu_contains(tu_diag(&diag), "--tp 3"));
  assert_true(tu_contains(diag.message, "attention heads"));
  gsz_layout pp99 = {1, 99, 1};
  assert_int_equal(gsz_memory_estimate(&e, &m, &w, pp99, &diag), GSZ_EINVAL);
  assert_true(tu_contains(diag.message, "32 layers"));
}

static void test_huge_requests_overflow_cleanly(void **state) {
  (void)state;
  gsz_model_ref m = ref_of("Llama-3-70B");
  gsz_workload w = workload(GSZ_MODE_INFERENCE);
  w.context = (uint64_t)1 << 40;
  w.concurrency = (uint64_t)1 << 40;
  gsz_estimate e;
  gsz_diag diag;
  assert_int_equal(gsz_memory_estimate(&e, &m, &w, one, &diag), GSZ_EOVERFLOW);
  assert_true(tu_contains(diag.message, "overflows"));
}

static void test_qlora_keeps_non_linear_parts_in_bf16(void **state) {
  (void)state;
  gsz_model_ref m = ref_of("Llama-3-8B");
  gsz_workload w = workload(GSZ_MODE_QLORA);
  assert_string_equal(w.weight_format->name, "nf4");
  gsz_estimate e = estimate(&m, &w, one);
  /* Linear weights: 32 layers x 218,103,808 in NF4; the rest (embedding,
   * head, norms) in bf16; adapters 41,943,040 in bf16. */
  const uint64_t linear = 32ull * 218103808ull, rest = 8030261248ull - linear;
  const uint64_t nf4 = (linear * 8452 + 16383) / 16384;
  assert_int_equal(e.component[GSZ_COMP_WEIGHTS], nf4 + 2 * rest + 2 * 41943040ull);
  assert_int_equal(e.trainable_params, 41943040ull);
  assert_int_equal(e.component[GSZ_COMP_OPTIMIZER], 8 * 41943040ull);
  /* A 16-bit base is LoRA, not QLoRA: refused, not sized under the wrong
   * name. */
  w.weight_format = gsz_catalog_find_format(data, "bf16");
  gsz_diag diag;
  assert_int_equal(gsz_workload_check(&w, &m, &diag), GSZ_EINVAL);
  assert_string_equal(tu_diag(&diag),
                      "--mode qlora keeps the frozen base quantised (nf4 by default); --precision "
                      "bf16 is not a quantised format: use --mode lora for a bf16 base");
  w.weight_format = gsz_catalog_find_format(data, "int8");
  assert_int_equal(gsz_workload_check(&w, &m, &diag), GSZ_OK);
}

/* The matcher's fast path (one stage per shape) must agree exactly with
 * evaluating every stage, for every family and many layouts. */
static void test_fast_path_agrees_with_every_stage(void **state) {
  (void)state;
  static const char *const models[] = {"Llama-3-70B",  "DeepSeek-V3",     "Gemma-2-27B",
                                       "Mixtral-8x7B", "Mistral-7B-v0.1", "Qwen2.5-72B"};
  size_t checked = 0;
  for (size_t i = 0; i < sizeof models / sizeof models[0]; i++) {
    gsz_model_ref m = ref_of(models[i]);
    for (int mode = GSZ_MODE_INFERENCE; mode <= GSZ_MODE_TRAIN; mode++) {
      gsz_workload w = workload((gsz_mode)mode);
      w.context = 32768;
      w.concurrency = 3;
      for (uint32_t pp = 1; pp <= m.arch->num_hidden_layers; pp += (pp < 12 ? 1 : 7))
        for (uint32_t tp = 1; tp <= 8; tp *= 2) {
          gsz_layout l = {tp, pp, 2};
          if (!gsz_layout_tp_ok(&m, tp, NULL))
            continue;
          gsz_estimate all, fast;
          assert_int_equal(gsz_memory_estimate(&all, &m, &w, l, NULL), GSZ_OK);
          assert_int_equal(gsz__memory_estimate(&fast, &m, &w, l, false, NULL), GSZ_OK);
          if (all.per_gpu_bytes != fast.per_gpu_bytes || all.busiest_stage != fast.busiest_stage)
            fail_msg("%s mode %d tp %u pp %u: %llu (stage %u) vs fast %llu (stage %u)", models[i],
                     mode, tp, pp, (unsigned long long)all.per_gpu_bytes, all.busiest_stage,
                     (unsigned long long)fast.per_gpu_bytes, fast.busiest_stage);
          assert_memory_equal(all.component, fast.component, sizeof all.component);
          checked++;
        }
    }
  }
  assert_true(checked > 200);
}

/* Llama 4 Maverick alternates dense and MoE layers: each of two pipeline
 * stages holds 12 of each, so the busiest (last) stage holds half the
 * layers plus the LM head (the size of the embedding the first stage
 * holds) and the final norm: 2 x busiest - all = the norm, 5,120 bf16
 * values. Before, stages were split as if the dense layers came first,
 * and the last stage held all 24 MoE layers (about twice this). */
static void test_interleaved_moe_layers_split_evenly_over_pipeline_stages(void **state) {
  (void)state;
  gsz_model_ref m = ref_of("Llama-4-Maverick-17B-128E");
  gsz_workload w = workload(GSZ_MODE_INFERENCE);
  gsz_estimate all = estimate(&m, &w, one);
  gsz_estimate two = estimate(&m, &w, (gsz_layout){1, 2, 1});
  assert_int_equal(all.component[GSZ_COMP_WEIGHTS], 801423697920ull);
  assert_int_equal(2 * two.component[GSZ_COMP_WEIGHTS] - all.component[GSZ_COMP_WEIGHTS], 5120 * 2);
  assert_int_equal(gsz_model_moe_layers_in(m.arch, 0, 24), 12);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_quick_method_reproduces_the_rule_of_thumb_table),
      cmocka_unit_test(test_quick_training_is_weights_times_two_plus_states),
      cmocka_unit_test(test_int_training_is_refused),
      cmocka_unit_test(test_training_recipes_bytes_per_parameter),
      cmocka_unit_test(test_zero_stages_shard_in_order),
      cmocka_unit_test(test_training_activations_follow_what_autograd_saves),
      cmocka_unit_test(test_inference_kv_cache_is_exact),
      cmocka_unit_test(test_sliding_window_caps_the_kv_cache),
      cmocka_unit_test(test_pipeline_stages_split_layers_and_report_the_busiest),
      cmocka_unit_test(test_measured_vllm_rows),
      cmocka_unit_test(test_bare_count_says_what_it_cannot_know),
      cmocka_unit_test(test_tp_must_divide_heads),
      cmocka_unit_test(test_huge_requests_overflow_cleanly),
      cmocka_unit_test(test_qlora_keeps_non_linear_parts_in_bf16),
      cmocka_unit_test(test_fast_path_agrees_with_every_stage),
      cmocka_unit_test(test_kv_pool_matches_vllm_startup_for_llama_8b),
      cmocka_unit_test(test_non_torch_memory_follows_the_parallel_degree),
      cmocka_unit_test(test_profile_run_peak_follows_vocab_and_max_num_seqs),
      cmocka_unit_test(test_utilisation_and_the_memory_outside_the_budget),
      cmocka_unit_test(test_kv_need_rounds_up_to_whole_blocks),
      cmocka_unit_test(test_quantised_recipes_give_the_stored_layouts),
      cmocka_unit_test(test_gguf_file_types_follow_llama_cpp),
      cmocka_unit_test(test_deepspeed_states_and_buffers),
      cmocka_unit_test(test_zero3_below_zero2_only_when_the_sharded_weights_outweigh_the_buffers),
      cmocka_unit_test(test_moe_activations_follow_top_k),
      cmocka_unit_test(test_recompute_auto_resolves_for_the_matcher),
      cmocka_unit_test(test_interleaved_moe_layers_split_evenly_over_pipeline_stages),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
