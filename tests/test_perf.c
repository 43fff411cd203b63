/* test_perf.c: the performance model (perf.h): a decode step of a small
 * dense model worked by hand (bandwidth-bound and compute-bound), the
 * expected number of experts a batch touches, the all-reduces of tensor
 * parallelism and the links they use, the batch the KV room caps (the
 * issue's Llama-3-70B FP8 on an 80 GB H100 against a 141 GB H200),
 * weight-only formats computing at 16 bits, pipeline stages serialising
 * one stream, training days, and refusals with their codes and messages. */
#include "testutil.h"

#include "gpusizer/catalog.h"
#include "gpusizer/memory.h"
#include "gpusizer/perf.h"

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

static const gsz_format bf16 = {
    .name = "bf16", .block_elems = 1, .block_bytes = 2, .trainable = true};
static const gsz_format fp8 = {.name = "fp8", .block_elems = 1, .block_bytes = 1};

/* A small Llama: 2 layers of hidden 1024, MLP 4096, 8 heads of 128 (no
 * GQA), vocabulary 1000. Per layer: q, k, v, o 4 x 1024^2 = 4,194,304,
 * MLP 3 x 1024 x 4096 = 12,582,912, two norms 2,048: 16,779,264;
 * embedding and LM head 1,024,000 each, final norm 1,024. */
static const gsz_arch tiny = {
    .name = "tiny",
    .model_type = "llama",
    .hidden_size = 1024,
    .intermediate_size = 4096,
    .num_hidden_layers = 2,
    .num_attention_heads = 8,
    .num_key_value_heads = 8,
    .head_dim = 128,
    .vocab_size = 1000,
};

/* A GPU of round numbers: 1,000 GB/s, 1,000 dense TFLOPS at 16 bits. */
static gsz_gpu round_gpu(void) {
  gsz_gpu g;
  memset(&g, 0, sizeof g);
  g.sku = "ROUND";
  g.bandwidth_gbs = 1000;
  g.tflops_bf16 = 1000.0;
  g.architecture = "test";
  g.link = GSZ_LINK_NVSWITCH;
  g.link_gbs = 450.0;
  g.link_gpus = 8;
  g.allreduce_busbw_gbs = 480.0;
  g.allreduce_latency_us = 8.0;
  return g;
}

/* Peaks reached in full and nothing else: the roofline alone. */
static const gsz_efficiency ideal = {
    .runtime = "ideal",
    .architecture = "*",
    .eff_bw_bp = 10000,
    .eff_compute_bp = 10000,
    .eff_prefill_bp = 10000,
    .step_overhead_us = 0,
    .ttft_overhead_us = 0,
    .chunk_tokens = 8192,
    .moe_eff_bp = 10000,
    .mfu_bp = 4000,
    .source = "test",
};

static gsz_model_ref tiny_ref(void) {
  gsz_model_ref m;
  assert_int_equal(gsz_model_ref_from_arch(&m, &tiny, NULL), GSZ_OK);
  assert_int_equal(m.count.total, 2ull * 16779264 + 2 * 1024000 + 1024); /* the sums above */
  return m;
}

static gsz_perf_input input(const gsz_model_ref *m, const gsz_gpu *g) {
  gsz_perf_input in;
  memset(&in, 0, sizeof in);
  in.model = m;
  in.gpu = g;
  in.weight_format = &bf16;
  in.kv_format = &bf16;
  in.support = GSZ_SUPPORT_NATIVE;
  in.layout = (gsz_layout){1, 1, 1};
  in.input_tokens = 100;
  in.output_tokens = 2; /* mean context while decoding: 100 + 2/2 = 101 */
  in.concurrency = 1;
  in.efficiency = &ideal;
  return in;
}

static gsz_perf_estimate run(const gsz_perf_input *in) {
  gsz_perf_estimate e;
  gsz_diag diag;
  if (gsz_perf_inference(&e, in, &diag) != GSZ_OK)
    fail_msg("%s", diag.message);
  return e;
}

static const gsz_model_ref *find_ref(const char *name, gsz_model_ref *out) {
  const gsz_arch *a = gsz_catalog_find_model(data, name);
  assert_non_null(a);
  assert_int_equal(gsz_model_ref_from_arch(out, a, NULL), GSZ_OK);
  return out;
}

/* One sequence: the step reads every weight but the embedding (a lookup)
 * once, 2 x (2 x 16,779,264 + 1,024,000 + 1,024) = 69,167,104 bytes, and
 * the KV cache of 101 tokens, 101 x 2 layers x 2 x 8 x 128 values x 2
 * bytes = 827,392 bytes: 69,994,496 bytes at 10^12 B/s = 69.994 us. */
static void test_decode_step_of_a_small_dense_model_by_hand(void **state) {
  (void)state;
  gsz_model_ref m = tiny_ref();
  gsz_gpu g = round_gpu();
  gsz_perf_input in = input(&m, &g);
  gsz_perf_estimate e = run(&in);
  assert_int_equal(e.bytes_per_step, 69994496);
  assert_int_equal(e.memory_us, 70);
  assert_int_equal(e.step_us, 70);
  assert_int_equal(e.user_mtps, 14286838); /* 1000 / 69.994496e-6 s, rounded */
  assert_int_equal(e.batch, 1);
  assert_false(e.batch_capped);
  assert_int_equal(e.bound, GSZ_BOUND_MEMORY_BANDWIDTH);
  assert_string_equal(e.compute, "16-bit");
  assert_int_equal(e.interconnect_us, 0);
  /* The prompt alone: its 100 tokens read the weights once (69.167 us);
   * 2 x 33,559,552 x 100 + 2 x 1,024,000 FLOPs of linear layers and
   * 8,192 x 5,050 of attention take 6.76 us at 10^15 FLOP/s. */
  assert_int_equal(e.ttft_us, 69);
  /* Two output tokens per request after its prefill: 2 / (2 x 69.994 +
   * 69.208) us. */
  assert_in_range(e.output_mtps, 9560000, 9561000);

  /* The same step compute-bound: 10^6 GB/s and 1 TFLOPS. The linear layers
   * take 2 FLOPs per weight read, attention 2 x 8 x 256 per layer per
   * cached token: the same 69.994 us. */
  g.bandwidth_gbs = 1000000;
  g.tflops_bf16 = 1.0;
  e = run(&in);
  assert_int_equal(e.compute_us, 70);
  assert_int_equal(e.step_us, 70);
  assert_int_equal(e.bound, GSZ_BOUND_COMPUTE);

  /* Replicas serve side by side; with fewer requests than replicas the
   * others idle. */
  gsz_perf_estimate solo = e;
  in.layout.dp = 4;
  in.concurrency = 4;
  e = run(&in);
  assert_in_range(e.output_mtps, 4 * solo.output_mtps - 2, 4 * solo.output_mtps + 2);
  in.concurrency = 1;
  e = run(&in);
  assert_int_equal(e.output_mtps, solo.output_mtps);
  in.layout.dp = 1;

  /* A per-step overhead adds to every step. */
  gsz_efficiency slow = ideal;
  slow.step_overhead_us = 1000;
  in.efficiency = &slow;
  e = run(&in);
  assert_int_equal(e.step_us, 1070);
  assert_int_equal(e.overhead_us, 1000);
}

static void test_moe_expected_distinct_experts(void **state) {
  (void)state;
  /* E (1 - (1 - k/E)^T): one token reads its k experts. */
  assert_float_equal(gsz_perf_experts_touched(8, 2, 1.0), 2.0, 1e-12);
  /* Mixtral at 8 tokens: 8 (1 - 0.75^8) = 7.19909668. */
  assert_float_equal(gsz_perf_experts_touched(8, 2, 8.0), 7.1990966796875, 1e-9);
  /* DeepSeek-V3 (256 experts, top 8) at 8 and 64 tokens. */
  assert_float_equal(gsz_perf_experts_touched(256, 8, 8.0), 57.42083078599535, 1e-9);
  assert_float_equal(gsz_perf_experts_touched(256, 8, 64.0), 222.4424876855104, 1e-9);
  /* Never more than all of them; nothing for no tokens or no experts. */
  assert_true(gsz_perf_experts_touched(256, 8, 1e6) <= 256.0);
  assert_float_equal(gsz_perf_experts_touched(8, 8, 3.0), 8.0, 0.0);
  assert_float_equal(gsz_perf_experts_touched(0, 0, 3.0), 0.0, 0.0);
  assert_float_equal(gsz_perf_experts_touched(8, 2, 0.0), 0.0, 0.0);

  /* In the estimate: Mixtral-8x7B at batch 1 reads 2 experts per layer,
   * at batch 8 about 7.2, so the step reads more. */
  gsz_model_ref m;
  find_ref("Mixtral-8x7B", &m);
  gsz_gpu g = round_gpu();
  gsz_perf_input in = input(&m, &g);
  gsz_perf_estimate one = run(&in);
  assert_float_equal(one.experts_touched, 2.0, 1e-9);
  in.concurrency = 8;
  in.input_tokens = 1;
  in.output_tokens = 1000;
  gsz_perf_estimate eight = run(&in);
  /* The step's tokens: 8 decodes and the other 7 prompts' one token
   * spread over 1,000 steps. */
  assert_float_equal(eight.experts_touched, gsz_perf_experts_touched(8, 2, 8.007), 1e-9);
  assert_float_equal(eight.experts_touched, 7.2, 1e-3);
  assert_true(eight.bytes_per_step > one.bytes_per_step);
}

/* Two all-reduces per layer of each step's activations: at tp 2 on the
 * round GPU's NVSwitch (480 GB/s bus bandwidth, 8 us), one token of 1024
 * 16-bit values costs 8 us + 2048 x 2(2-1)/2 / 480e9 s = 8.004 us, times
 * 2 x 2 layers = 32.02 us. */
static void test_tensor_parallel_all_reduce_cost(void **state) {
  (void)state;
  gsz_model_ref m = tiny_ref();
  gsz_gpu g = round_gpu();
  gsz_perf_input in = input(&m, &g);
  in.layout.tp = 2;
  gsz_perf_estimate e = run(&in);
  assert_int_equal(e.interconnect_us, 32);
  /* Each GPU reads half of the split weights: the step is shorter in
   * memory, longer by the all-reduces. */
  gsz_perf_estimate solo = run(&(gsz_perf_input){.model = &m,
                                                 .gpu = &g,
                                                 .weight_format = &bf16,
                                                 .kv_format = &bf16,
                                                 .support = GSZ_SUPPORT_NATIVE,
                                                 .layout = {1, 1, 1},
                                                 .input_tokens = 100,
                                                 .output_tokens = 2,
                                                 .concurrency = 1,
                                                 .efficiency = &ideal});
  assert_true(e.memory_us < solo.memory_us);
  assert_int_equal(e.step_us, e.memory_us + 32);

  /* The links: NVSwitch within its domain, PCIe beyond a bridge, an xGMI
   * group of n drives n - 1 of its 7 links. */
  gsz_link l;
  assert_int_equal(gsz_perf_link(&l, &g, 2, NULL), GSZ_OK);
  assert_float_equal(l.busbw_gbs, 480.0, 0.0);
  assert_float_equal(l.latency_us, 8.0, 0.0);
  g.allreduce_busbw_gbs = 0.0; /* not measured: 80% of the line rate */
  assert_int_equal(gsz_perf_link(&l, &g, 8, NULL), GSZ_OK);
  assert_float_equal(l.busbw_gbs, 360.0, 1e-9);
  g.link = GSZ_LINK_NVLINK_BRIDGE;
  g.link_gpus = 2;
  assert_int_equal(gsz_perf_link(&l, &g, 2, NULL), GSZ_OK);
  assert_float_equal(l.busbw_gbs, 360.0, 1e-9);
  assert_int_equal(gsz_perf_link(&l, &g, 4, NULL), GSZ_OK);
  assert_int_equal(l.kind, GSZ_LINK_PCIE);
  assert_float_equal(l.busbw_gbs, 28.0, 0.0);
  assert_float_equal(l.latency_us, 120.0, 0.0);
  g.link = GSZ_LINK_XGMI;
  g.link_gpus = 8;
  g.allreduce_busbw_gbs = 350.0;
  assert_int_equal(gsz_perf_link(&l, &g, 4, NULL), GSZ_OK);
  assert_float_equal(l.busbw_gbs, 150.0, 1e-9);
  /* PCIe without a measurement: 44% of the line rate (nccl#1639). */
  g.link = GSZ_LINK_PCIE;
  g.link_gbs = 63.0;
  g.allreduce_busbw_gbs = 0.0;
  assert_int_equal(gsz_perf_link(&l, &g, 4, NULL), GSZ_OK);
  assert_float_equal(l.busbw_gbs, 63.0 * 0.44, 1e-9);
  /* The catalog's H100 SXM: the measured 480 GB/s. */
  const gsz_gpu *h100 = gsz_catalog_find_gpu(data, "H100-SXM5-80GB");
  assert_non_null(h100);
  assert_int_equal(gsz_perf_link(&l, h100, 8, NULL), GSZ_OK);
  assert_float_equal(l.busbw_gbs, 480.0, 0.0);
}

/* The example: Llama-3-70B in FP8 on one 80 GB H100 has little
 * room left for KV and serves about ten times less than on a 141 GB H200,
 * for 32 users of 2,000 input and 500 output tokens. The KV room comes from
 * the memory estimate with vLLM's profile. */
static void test_kv_capacity_caps_the_batch(void **state) {
  (void)state;
  gsz_model_ref m;
  find_ref("Llama-3-70B", &m);
  gsz_workload w;
  assert_int_equal(gsz_workload_defaults(&w, data, GSZ_MODE_INFERENCE, NULL), GSZ_OK);
  w.weight_format = gsz_catalog_find_format(data, "fp8");
  w.context = 2500;
  const gsz_gpu *h100 = gsz_catalog_find_gpu(data, "H100-SXM5-80GB");
  const gsz_gpu *h200 = gsz_catalog_find_gpu(data, "H200-SXM-141GB");
  assert_non_null(h100);
  assert_non_null(h200);
  uint64_t room80 = 0, room141 = 0;
  gsz_layout l = {1, 1, 1};
  assert_int_equal(gsz_perf_kv_capacity(&room80, &m, &w, l, (uint64_t)h100->usable_mib << 20, NULL),
                   GSZ_OK);
  assert_int_equal(
      gsz_perf_kv_capacity(&room141, &m, &w, l, (uint64_t)h200->usable_mib << 20, NULL), GSZ_OK);
  /* 70.6 GB of weights and 4 GB of runtime leave ~2 GB of a 77 GB budget
   * on the H100: 2 sequences of 2,500 tokens at 320 KiB a token; the
   * H200's 136 GB budget leaves ~60 GB: 70-odd sequences. */
  assert_in_range(room80, 2 * 2500, 4 * 2500);
  assert_in_range(room141, 60 * 2500, 90 * 2500);

  gsz_perf_input in;
  memset(&in, 0, sizeof in);
  in.model = &m;
  in.weight_format = w.weight_format;
  in.kv_format = w.kv_format;
  in.support = GSZ_SUPPORT_NATIVE;
  in.layout = l;
  in.input_tokens = 2000;
  in.output_tokens = 500;
  in.concurrency = 32;
  in.gpu = h100;
  in.kv_capacity_tokens = room80;
  in.efficiency = gsz_catalog_find_efficiency(data, "vllm", h100->architecture);
  gsz_perf_estimate small = run(&in);
  in.gpu = h200;
  in.kv_capacity_tokens = room141;
  in.efficiency = gsz_catalog_find_efficiency(data, "vllm", h200->architecture);
  gsz_perf_estimate large = run(&in);
  assert_true(small.batch_capped);
  assert_int_equal(small.bound, GSZ_BOUND_KV_CAPACITY);
  assert_in_range(small.batch, 2, 3);
  assert_false(large.batch_capped);
  assert_int_equal(large.batch, 32);
  assert_int_not_equal(large.bound, GSZ_BOUND_KV_CAPACITY);
  assert_int_equal(small.max_concurrency, small.batch);
  /* An order of magnitude: the H100 holds 2 of the 32 sequences at a time,
   * the H200 all of them at about the same step time, so the H200 serves
   * ~16x the tokens; the 30 users left waiting on the H100 see a TTFT of
   * whole request lifetimes. */
  double ratio = (double)large.output_mtps / (double)small.output_mtps;
  assert_true(ratio > 8.0 && ratio < 20.0);
  assert_in_range(small.step_us, large.step_us * 9 / 10, large.step_us * 11 / 10);
  assert_true(small.ttft_ms > 10 * large.ttft_ms);
}

/* FP8 weights computed natively run at the FP8 peak; weight-only (FP8 on
 * Ampere, dequantised) at the 16-bit peak. Compute-bound round GPU with
 * 1 TFLOPS at 16 bits and 2 at FP8: the linear layers take 69.167 us at
 * 16 bits, 34.58 at FP8; attention stays at 16 bits (0.827 us). */
static void test_weight_only_formats_compute_at_16_bit(void **state) {
  (void)state;
  gsz_model_ref m = tiny_ref();
  gsz_gpu g = round_gpu();
  g.bandwidth_gbs = 1000000;
  g.tflops_bf16 = 1.0;
  g.tflops_fp8 = 2.0;
  gsz_perf_input in = input(&m, &g);
  in.weight_format = &fp8;
  gsz_perf_estimate native = run(&in);
  assert_string_equal(native.compute, "fp8");
  assert_int_equal(native.compute_us, 35); /* 34.584 + 0.827 */
  in.support = GSZ_SUPPORT_WEIGHT_ONLY;
  gsz_perf_estimate wo = run(&in);
  assert_string_equal(wo.compute, "16-bit");
  assert_int_equal(wo.compute_us, 70);
  in.support = GSZ_SUPPORT_UNKNOWN; /* no row says: 16 bits too */
  assert_string_equal(run(&in).compute, "16-bit");
  /* FP4 on a GPU with FP8 but no FP4 units runs at the FP8 peak (W4A8). */
  static const gsz_format nvfp4 = {.name = "nvfp4", .block_elems = 16, .block_bytes = 9};
  in.weight_format = &nvfp4;
  in.support = GSZ_SUPPORT_NATIVE;
  assert_string_equal(run(&in).compute, "fp8");
  g.tflops_fp4 = 4.0;
  assert_string_equal(run(&in).compute, "fp4");
}

/* One stream through pipeline stages is no faster than through one GPU:
 * each token passes every stage in turn, and hand-offs add. Many streams
 * fill the stages. */
static void test_pipeline_stages_serialise_one_stream(void **state) {
  (void)state;
  gsz_model_ref m = tiny_ref();
  gsz_gpu g = round_gpu();
  gsz_perf_input in = input(&m, &g);
  gsz_perf_estimate one = run(&in);
  in.layout.pp = 2;
  gsz_perf_estimate two = run(&in);
  assert_true(two.step_us >= one.step_us);
  assert_int_equal(two.step_us, 2 * (35 + 1) + 2 * 8); /* two half steps, two hand-offs */
  in.layout.pp = 1;
  in.concurrency = 64;
  gsz_perf_estimate wide1 = run(&in);
  in.layout.pp = 2;
  gsz_perf_estimate wide2 = run(&in);
  /* At batch 64 each stage reads its half of the weights once per
   * micro-batch of 32 but only its half of the KV cache: two GPUs serve
   * 64 sequences faster than one. */
  assert_true(wide2.output_mtps > wide1.output_mtps);
}

/* 7B on 1e12 tokens: 6 x 6,738,415,616 x 10^12 FLOPs over 8 H100s at 989.4
 * TFLOPS and 40% MFU = 12,769,890.1 s = 147.80 days; full recomputation
 * runs the forward pass again: 8 N. */
static void test_training_days_for_7b_on_a_trillion_tokens(void **state) {
  (void)state;
  gsz_model_ref m;
  find_ref("Llama-2-7B", &m);
  assert_int_equal(m.count.active, 6738415616ull);
  const gsz_gpu *h100 = gsz_catalog_find_gpu(data, "H100-SXM5-80GB");
  gsz_train_input in = {&m, h100, 8, 1000000000000ull, GSZ_RECOMPUTE_NONE, &ideal};
  gsz_train_estimate t;
  assert_int_equal(gsz_perf_training(&t, &in, NULL), GSZ_OK);
  assert_int_equal(t.flops_per_token, 6ull * 6738415616ull);
  assert_int_equal(t.mfu_bp, 4000);
  assert_int_equal(t.seconds, 12769891);
  assert_int_equal(t.days_milli, 147800);
  assert_int_equal(t.tokens_mps, 78309209); /* 8 x 989.4e12 x 0.4 / 40.43e9, milli */
  in.recompute = GSZ_RECOMPUTE_FULL;
  assert_int_equal(gsz_perf_training(&t, &in, NULL), GSZ_OK);
  assert_int_equal(t.flops_per_token, 8ull * 6738415616ull);
  assert_int_equal(t.days_milli, 197067); /* 147.7997 x 8/6 */
  /* The catalog's training profile: PyTorch on Hopper. */
  in.recompute = GSZ_RECOMPUTE_NONE;
  in.efficiency = gsz_catalog_find_efficiency(data, "pytorch", h100->architecture);
  assert_non_null(in.efficiency);
  assert_int_equal(gsz_perf_training(&t, &in, NULL), GSZ_OK);
  assert_int_equal(t.mfu_bp, in.efficiency->mfu_bp);
  /* MoE models use the active parameters and the MoE utilisation. */
  gsz_model_ref moe;
  find_ref("Mixtral-8x7B", &moe);
  in.model = &moe;
  assert_int_equal(gsz_perf_training(&t, &in, NULL), GSZ_OK);
  assert_int_equal(t.flops_per_token, 6 * moe.count.active);
  assert_int_equal(t.mfu_bp, in.efficiency->mfu_moe_bp);
}

static void expect_error(const gsz_perf_input *in, gsz_err code, const char *words) {
  gsz_perf_estimate e;
  memset(&e, 0x5a, sizeof e);
  gsz_perf_estimate before = e;
  gsz_diag diag;
  gsz_diag_clear(&diag);
  assert_int_equal(gsz_perf_inference(&e, in, &diag), code);
  if (!tu_contains(tu_diag(&diag), words))
    fail_msg("'%s' lacks '%s'", tu_diag(&diag), words);
  assert_memory_equal(&e, &before, sizeof e); /* untouched on error */
}

static void test_bad_inputs_are_refused_with_a_code_and_a_message(void **state) {
  (void)state;
  gsz_model_ref m = tiny_ref();
  gsz_gpu g = round_gpu();
  gsz_perf_input in = input(&m, &g);

  gsz_perf_input bad = in;
  bad.input_tokens = 0;
  expect_error(&bad, GSZ_EINVAL, "--input-tokens");
  bad = in;
  bad.concurrency = 0;
  expect_error(&bad, GSZ_EINVAL, "--concurrency");
  bad = in;
  bad.layout.tp = 3;
  expect_error(&bad, GSZ_EINVAL, "--tp 3 does not fit 'tiny'");
  bad = in;
  bad.layout.pp = 3;
  expect_error(&bad, GSZ_EINVAL, "--pp 3 exceeds the 2 layers");
  bad = in;
  bad.layout.dp = 0;
  expect_error(&bad, GSZ_EINVAL, "must be at least 1");
  bad = in;
  bad.support = GSZ_SUPPORT_NONE;
  expect_error(&bad, GSZ_EINVAL, "'bf16' does not run on 'ROUND'");
  bad = in;
  bad.efficiency = NULL;
  expect_error(&bad, GSZ_EINVAL, "efficiency profile");
  gsz_model_ref bare;
  gsz_model_ref_from_params(&bare, 7000000000ull, "7B");
  bad = in;
  bad.model = &bare;
  expect_error(&bad, GSZ_EINVAL, "needs the architecture of '7B'");
  gsz_gpu nothing = g;
  nothing.tflops_bf16 = 0.0;
  bad = in;
  bad.gpu = &nothing;
  expect_error(&bad, GSZ_EINVAL, "no memory bandwidth or 16-bit peak");
  /* The KV room must hold one request. */
  bad = in;
  bad.kv_capacity_tokens = 101;
  expect_error(&bad, GSZ_ENOMATCH, "holds 101 tokens, less than one request");
  /* Token counts past 2^32 overflow the model's exact arithmetic. */
  bad = in;
  bad.input_tokens = 1ull << 40;
  expect_error(&bad, GSZ_EOVERFLOW, "below 4294967296");
  bad = in;
  bad.concurrency = UINT64_MAX;
  expect_error(&bad, GSZ_EOVERFLOW, "below 4294967296");
  /* Links: none recorded, or tensor parallelism past an NVSwitch domain. */
  gsz_gpu lone = g;
  lone.link = GSZ_LINK_UNKNOWN;
  bad = in;
  bad.gpu = &lone;
  bad.layout.tp = 2;
  expect_error(&bad, GSZ_ENOTFOUND, "GPU 'ROUND' has no GPU-to-GPU link");
  gsz_link l;
  gsz_diag diag;
  assert_int_equal(gsz_perf_link(&l, &g, 16, &diag), GSZ_EINVAL);
  assert_true(tu_contains(tu_diag(&diag), "--tp 16 exceeds the 8 GPUs"));
  assert_int_equal(gsz_perf_link(&l, &g, 0, &diag), GSZ_EINVAL);

  /* Training: no GPUs, no MFU, FLOPs past 64 bits. */
  gsz_train_input t = {&m, &g, 0, 1000, GSZ_RECOMPUTE_NONE, &ideal};
  gsz_train_estimate te;
  assert_int_equal(gsz_perf_training(&te, &t, &diag), GSZ_EINVAL);
  assert_true(tu_contains(tu_diag(&diag), "--train-tokens"));
  gsz_efficiency serving = ideal;
  serving.mfu_bp = 0;
  t.gpus = 8;
  t.efficiency = &serving;
  assert_int_equal(gsz_perf_training(&te, &t, &diag), GSZ_EINVAL);
  assert_true(tu_contains(tu_diag(&diag), "no training utilisation"));
  gsz_model_ref huge;
  gsz_model_ref_from_params(&huge, UINT64_MAX / 4, "huge");
  t.model = &huge;
  t.efficiency = &ideal;
  assert_int_equal(gsz_perf_training(&te, &t, &diag), GSZ_EOVERFLOW);
  gsz_model_ref big;
  gsz_model_ref_from_params(&big, 1ull << 60, "big");
  t.model = &big;
  t.tokens = UINT64_MAX;
  t.gpus = 1;
  assert_int_equal(gsz_perf_training(&te, &t, &diag), GSZ_EOVERFLOW);
}

static void test_bound_names_are_the_output_words(void **state) {
  (void)state;
  assert_string_equal(gsz_bound_name(GSZ_BOUND_MEMORY_BANDWIDTH), "memory_bandwidth");
  assert_string_equal(gsz_bound_name(GSZ_BOUND_COMPUTE), "compute");
  assert_string_equal(gsz_bound_name(GSZ_BOUND_KV_CAPACITY), "kv_capacity");
  assert_string_equal(gsz_bound_name(GSZ_BOUND_INTERCONNECT), "interconnect");
}

/* Every runtime a request may name has a profile for every architecture:
 * the '*' row at least. */
static void test_every_serving_runtime_has_an_efficiency_profile(void **state) {
  (void)state;
  static const char *const runtimes[] = {"vllm", "sglang", "trtllm", "llamacpp", "pytorch"};
  for (size_t i = 0; i < sizeof runtimes / sizeof runtimes[0]; i++) {
    assert_non_null(gsz_catalog_find_runtime(data, runtimes[i]));
    const gsz_efficiency *e = gsz_catalog_find_efficiency(data, runtimes[i], "no-such-arch");
    assert_non_null(e);
    assert_string_equal(e->architecture, "*");
    assert_non_null(gsz_catalog_find_efficiency(data, runtimes[i], NULL));
  }
  const gsz_efficiency *h = gsz_catalog_find_efficiency(data, "VLLM", "hopper");
  assert_non_null(h);
  assert_string_equal(h->architecture, "hopper");
  assert_null(gsz_catalog_find_efficiency(data, "none", "hopper"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_decode_step_of_a_small_dense_model_by_hand),
      cmocka_unit_test(test_moe_expected_distinct_experts),
      cmocka_unit_test(test_tensor_parallel_all_reduce_cost),
      cmocka_unit_test(test_kv_capacity_caps_the_batch),
      cmocka_unit_test(test_weight_only_formats_compute_at_16_bit),
      cmocka_unit_test(test_pipeline_stages_serialise_one_stream),
      cmocka_unit_test(test_training_days_for_7b_on_a_trillion_tokens),
      cmocka_unit_test(test_bad_inputs_are_refused_with_a_code_and_a_message),
      cmocka_unit_test(test_bound_names_are_the_output_words),
      cmocka_unit_test(test_every_serving_runtime_has_an_efficiency_profile),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
