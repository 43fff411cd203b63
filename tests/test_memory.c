/* test_memory.c: the estimator: the rule-of-thumb table exactly, training
 * recipes byte for byte, ZeRO and tensor-parallel sharding, KV cache
 * sizes, activations per Korthikanti, the measured vLLM numbers within
 * stated tolerances, and refusals. */
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
  /* Tensor parallelism with sequence parallelism divides by t; without it
   * the 8sbh outside the TP regions stay whole. */
  gsz_layout tp2 = {2, 1, 1};
  w.recompute = GSZ_RECOMPUTE_NONE;
  assert_int_equal(estimate(&m, &w, tp2).component[GSZ_COMP_ACTIVATIONS],
                   L * layer / 2 + logits / 2);
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
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
