/* perf_report.c: writes docs/performance-model.md: the performance model
 * (perf.h) with its formulas and assumptions, every efficiency factor and
 * link figure of the catalog with its source, and every published
 * measurement of tests/data/perf_measurements.csv next to the estimate,
 * with the signed error and the median and worst error per regime. The
 * document is generated, never typed: ctest checks that the committed copy
 * equals this program's output (regenerate with
 * `cmake --build build --target performance-doc`), and `--check` fails
 * when a regime misses its target or a row off by more than 50% has no
 * explanation. */
#include "testutil.h"

#include "gpusizer/gpusizer.h"
#include "gpusizer/perf.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The regimes the issue sets targets for (median absolute error), and one
 * reported without a target. */
typedef struct regime {
  const char *name, *title;
  double target; /* 0: none */
} regime;

static const regime regimes[] = {
    {"throughput", "Saturated throughput (aggregate output tokens/s at high concurrency)", 0.25},
    {"decode_b1", "Single-stream decode speed (one or two requests in flight)", 0.20},
    {"ttft_b1", "Time to first token of a single stream (and prompt-processing rate)", 0.20},
    {"loaded", "Under load (per-user speed and TTFT at intermediate concurrency; no target)", 0.0},
};
#define N_REGIMES (sizeof regimes / sizeof regimes[0])

typedef struct row_result {
  size_t row;
  double measured, estimated, error; /* error: (estimated - measured) / measured */
  gsz_perf_estimate est;
  bool ok;
  char why[GSZ_DIAG_MESSAGE_MAX + 64]; /* when !ok */
} row_result;

static tu_csv csv;
static size_t c_id, c_source, c_date, c_runtime, c_version, c_profile, c_model, c_weights, c_kv,
    c_support, c_gpu, c_gpus, c_tp, c_pp, c_dp, c_in, c_out, c_conc, c_metric, c_measured, c_regime,
    c_expl;

static const char *cell(size_t r, size_t c) {
  return c < csv.ncols[r] ? csv.rows[r][c] : "";
}

static unsigned long long num(size_t r, size_t c) {
  return strtoull(cell(r, c), NULL, 10);
}

static gsz_support support_of(const char *s) {
  if (strcmp(s, "native") == 0)
    return GSZ_SUPPORT_NATIVE;
  if (strcmp(s, "weight_only") == 0)
    return GSZ_SUPPORT_WEIGHT_ONLY;
  return GSZ_SUPPORT_UNKNOWN;
}

/* The estimate of row r for its metric. */
static void estimate(const gsz_catalog_data *d, size_t r, row_result *out) {
  memset(out, 0, sizeof *out);
  out->row = r;
  out->measured = strtod(cell(r, c_measured), NULL);
  const gsz_arch *arch = gsz_catalog_find_model(d, cell(r, c_model));
  const gsz_gpu *gpu = gsz_catalog_find_gpu(d, cell(r, c_gpu));
  const gsz_format *wf = gsz_catalog_find_format(d, cell(r, c_weights));
  const gsz_format *kf = gsz_catalog_find_format(d, cell(r, c_kv));
  const gsz_runtime *rt = gsz_catalog_find_runtime(d, cell(r, c_profile));
  if (!arch || !gpu || !wf || !kf || !rt) {
    snprintf(out->why, sizeof out->why, "not in the catalog: %s%s%s%s%s", arch ? "" : "model ",
             gpu ? "" : "gpu ", wf ? "" : "weights ", kf ? "" : "kv ", rt ? "" : "runtime");
    return;
  }
  const gsz_efficiency *eff = gsz_catalog_find_efficiency(d, rt->name, gpu->architecture);
  gsz_model_ref m;
  gsz_diag diag;
  if (gsz_model_ref_from_arch(&m, arch, &diag) != GSZ_OK) {
    snprintf(out->why, sizeof out->why, "%s", diag.message);
    return;
  }
  gsz_workload w;
  gsz_workload_defaults(&w, d, GSZ_MODE_INFERENCE, NULL);
  w.weight_format = wf;
  w.kv_format = kf;
  w.runtime = rt;
  w.context = num(r, c_in) + num(r, c_out);
  gsz_layout l = {(uint32_t)num(r, c_tp), (uint32_t)num(r, c_pp), (uint32_t)num(r, c_dp)};
  uint64_t cap = 0;
  if (gsz_perf_kv_capacity(&cap, &m, &w, (gsz_layout){l.tp, l.pp, 1},
                           (uint64_t)gpu->usable_mib << 20, &diag) != GSZ_OK) {
    snprintf(out->why, sizeof out->why, "%s", diag.message);
    return;
  }
  gsz_perf_input in = {
      .model = &m,
      .gpu = gpu,
      .weight_format = wf,
      .kv_format = kf,
      .support = support_of(cell(r, c_support)),
      .layout = l,
      .input_tokens = num(r, c_in),
      .output_tokens = num(r, c_out),
      .concurrency = num(r, c_conc),
      .kv_capacity_tokens = cap,
      .efficiency = eff,
  };
  if (gsz_perf_inference(&out->est, &in, &diag) != GSZ_OK) {
    snprintf(out->why, sizeof out->why, "%s", diag.message);
    return;
  }
  const char *metric = cell(r, c_metric);
  const gsz_perf_estimate *e = &out->est;
  if (strcmp(metric, "output_tps") == 0)
    out->estimated = e->output_mtps / 1e3;
  else if (strcmp(metric, "user_tps") == 0)
    out->estimated = e->user_mtps / 1e3;
  else if (strcmp(metric, "tpot_ms") == 0)
    out->estimated = e->step_us / 1e3;
  else if (strcmp(metric, "ttft_ms") == 0)
    out->estimated = e->ttft_us / 1e3;
  else if (strcmp(metric, "prompt_tps") == 0)
    out->estimated = (double)num(r, c_in) / (e->ttft_us / 1e6);
  else {
    snprintf(out->why, sizeof out->why, "unknown metric '%s'", metric);
    return;
  }
  out->error = (out->estimated - out->measured) / out->measured;
  out->ok = true;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

typedef struct summary {
  size_t n, over50, unexplained;
  double median, worst;
} summary;

static summary summarise(const row_result *res, size_t n, const char *regime_name) {
  summary s = {0, 0, 0, 0.0, 0.0};
  double *abs_err = calloc(n + 1, sizeof *abs_err);
  for (size_t i = 0; i < n; i++) {
    if (!res[i].ok || strcmp(cell(res[i].row, c_regime), regime_name) != 0)
      continue;
    double a = fabs(res[i].error);
    abs_err[s.n++] = a;
    if (a > s.worst)
      s.worst = a;
    if (a > 0.5) {
      s.over50++;
      if (cell(res[i].row, c_expl)[0] == '\0')
        s.unexplained++;
    }
  }
  if (s.n > 0) {
    qsort(abs_err, s.n, sizeof *abs_err, cmp_double);
    s.median = s.n % 2 ? abs_err[s.n / 2] : (abs_err[s.n / 2 - 1] + abs_err[s.n / 2]) / 2.0;
  }
  free(abs_err);
  return s;
}

/* A source URL as a short Markdown link: owner/repo on GitHub, the host
 * elsewhere; text that is not a plain URL as it is. */
static void print_source(const char *url) {
  if (strncmp(url, "https://", 8) != 0 || strchr(url, ' ') != NULL) {
    printf("%s", url);
    return;
  }
  const char *host = url + 8;
  if (strncmp(host, "www.", 4) == 0)
    host += 4;
  char label[96];
  if (strncmp(host, "github.com/", 11) == 0) {
    const char *p = host + 11, *slash = strchr(p, '/');
    slash = slash ? strchr(slash + 1, '/') : NULL;
    size_t n = slash ? (size_t)(slash - p) : strlen(p);
    snprintf(label, sizeof label, "%.*s", (int)n, p);
  } else {
    const char *slash = strchr(host, '/');
    size_t n = slash ? (size_t)(slash - host) : strlen(host);
    snprintf(label, sizeof label, "%.*s", (int)n, host);
  }
  printf("[%s](%s)", label, url);
}

static const char *metric_text(const char *m) {
  if (strcmp(m, "output_tps") == 0)
    return "output tok/s";
  if (strcmp(m, "user_tps") == 0)
    return "tok/s per user";
  if (strcmp(m, "tpot_ms") == 0)
    return "TPOT ms";
  if (strcmp(m, "ttft_ms") == 0)
    return "TTFT ms";
  if (strcmp(m, "prompt_tps") == 0)
    return "prompt tok/s";
  return m;
}

static void print_number(double v) {
  if (v >= 100.0)
    printf("%.0f", v);
  else if (v >= 10.0)
    printf("%.1f", v);
  else
    printf("%.2f", v);
}

static void intro(void) {
  printf(
      "# Performance model\n\n"
      "Generated by `tests/perf_report.c` from the catalog and "
      "`tests/data/perf_measurements.csv` (regenerate with `cmake --build build --target "
      "performance-doc`; ctest fails when this file is out of date, and when a regime misses its "
      "target or a row off by more than 50%% is not explained).\n\n"
      "`include/gpusizer/perf.h` estimates how fast a configuration serves a model: the time "
      "between two tokens of one sequence (TPOT) and each user's decode speed, the aggregate "
      "output tokens per second, the time to first token (TTFT) at the requested concurrency, "
      "the batch that really fits and what bounds it (`memory_bandwidth`, `compute`, "
      "`kv_capacity`, `interconnect`); and the days a training run takes. It reads the model's "
      "exact counts (`model.h`), the GPU's peaks and link (table `gpu`, migration 0005), and a "
      "runtime's efficiency profile (table `runtime_efficiency`), and takes the KV room of a "
      "replica as an input (the memory estimate's pool; `gsz_perf_kv_capacity` computes it from "
      "`gsz_memory_estimate` until then).\n\n");
}

static void formulas(void) {
  printf(
      "## The model\n\n"
      "All quantities are for the busiest GPU of one replica (tensor parallelism `tp`, pipeline "
      "stages `pp`; `dp` replicas serve the requests side by side).\n\n"
      "**Bytes of a decode step.** The weights on the GPU that every step reads: each layer's "
      "split parameters / tp, K/V projections split across the KV heads and replicated beyond "
      "them, replicated norms and routers (the placement the memory estimate sizes), the LM "
      "head on the last stage (the embedding is a lookup and is not read whole); for a "
      "mixture-of-experts layer the shared part plus the routed experts the step's tokens "
      "touch; plus the KV cache of the batch at the mean context `input + output/2` (windowed "
      "layers read at most the window), in the KV format.\n\n"
      "**Experts touched.** With `E` routed experts, top-`k` routing, `T` tokens in the step and "
      "uniform routing, an expert escapes one token with probability `1 - k/E`, so the expected "
      "number of distinct experts a layer reads is `E (1 - (1 - k/E)^T)` "
      "(`gsz_perf_experts_touched`). One token reads `k`; Mixtral (E 8, k 2) reads %.1f of 8 at "
      "T = 8, DeepSeek-V3 (E 256, k 8) %.0f of 256 at T = 8 and %.0f at T = 64: MoE loses its "
      "bandwidth advantage as the batch grows. The step's tokens are its decodes plus the "
      "prompt tokens chunked into it.\n\n",
      gsz_perf_experts_touched(8, 2, 8.0), gsz_perf_experts_touched(256, 8, 8.0),
      gsz_perf_experts_touched(256, 8, 64.0));
  printf(
      "**FLOPs.** Linear layers: 2 FLOPs per active parameter on the GPU per token (top-k "
      "experts only). Attention: `2 x heads/tp x (d_qk + d_v)` per token per attended token "
      "(MLA: `d_qk = qk_nope + qk_rope`, `d_v = v_head_dim`); prefill attends causally, "
      "`n(n+1)/2` positions for a prompt of `n` (a window `w` caps each at `w`), the quadratic "
      "term. Linear layers run at the peak of the format the GPU computes in: FP8, FP4 or INT8 "
      "where the weights' format is `native` on the GPU (`gsz_support`), the 16-bit peak "
      "otherwise (weight-only formats such as AWQ int4, GGUF q4_k or FP8 on Ampere are "
      "dequantised); FP4 weights on a GPU with FP8 but no FP4 units (Hopper: W4A8) run at the "
      "FP8 peak. Attention runs at the 16-bit peak.\n\n"
      "**A decode step** of `b` sequences with `t` tokens (decodes plus chunked prefill). The "
      "linear layers (bound by reading the weights or by their FLOPs) and attention (bound by "
      "reading the KV cache or by its FLOPs) are different kernels that run one after the other, "
      "so each is its own roofline and the two add:\n\n"
      "    linear    = max(weight bytes / (bandwidth x eff_bw),\n"
      "                    decode FLOPs / (peak x eff_compute) + prefill FLOPs / (peak x "
      "eff_prefill))\n"
      "    attention = max(KV bytes / (bandwidth x eff_bw),\n"
      "                    decode FLOPs / (peak16 x eff_compute) + prefill FLOPs / (peak16 x "
      "eff_prefill))\n"
      "    step      = linear + attention + 2 x layers x all_reduce(t) + step_overhead\n"
      "    all_reduce(t) = latency + t x hidden x 2 bytes x 2(tp-1)/tp / busbw\n\n"
      "MoE models multiply `eff_bw` and the linear layers' compute efficiencies by the runtime's "
      "`moe_eff`. "
      "Tensor parallelism adds two all-reduces per layer (after attention and after the MLP, "
      "Megatron-LM); they are on the critical path of every step.\n\n"
      "**Pipeline stages.** Every token of every sequence passes all `pp` stages, so a round "
      "(every sequence one token) takes `pp x (stage step + hand-off)` with up to `pp` "
      "micro-batches of `ceil(b / pp)` sequences in flight: one stream gets no faster than on "
      "one GPU (the stages serialise), while `pp` times more sequences share the round. A "
      "hand-off is the link's latency plus the activations over its bandwidth; stages on "
      "different nodes use `gsz_perf_network_link`.\n\n"
      "**Steady state** (the scheduling assumption). Each replica keeps `b` sequences running, "
      "`b` the requested concurrency per replica or the number whose KV cache at the mean "
      "context fits the KV room, whichever is smaller (then the bound is `kv_capacity`). A new "
      "request's prompt is prefilled in chunks of the runtime's token budget (`chunk_tokens`: "
      "vLLM's `max_num_batched_tokens`, chunked prefill on by default since the V1 engine) "
      "inside the other sequences' decode steps, so the prompts of `b - 1` sequences cost only "
      "their FLOPs, spread over the output tokens; when a round's tokens exceed the budget, "
      "extra rounds run (the decodes then take part in fewer steps). The own prompt of a sequence "
      "cannot hide under its own decodes: one lone prefill "
      "per cycle is exposed. So:\n\n"
      "    rounds     = max(output, ceil((b/pp x output + (b-1) x input / pp) / chunk))\n"
      "    cycle      = rounds x round + prefill_alone(input)\n"
      "    TPOT       = rounds x round / output            user speed = 1 / TPOT\n"
      "    throughput = replicas x b x output / cycle\n\n"
      "**Time to first token** = the runtime's fixed `ttft_overhead` + the own prompt's chunks "
      "among the running decodes + the wait behind other prompts (M/D/1: `rho / (2(1 - rho))` "
      "service times, `rho` the share of the cycle spent prefilling the others' prompts, at most "
      "0.95) + when more requests are in flight than fit, the wait for a free slot by Little's "
      "law, `(concurrency - b) x cycle / b`. A single stream's TTFT is the fixed part plus the "
      "lone prefill, chunk by chunk, each chunk reading the weights once.\n\n"
      "**Training.** `tokens/s = GPUs x peak16 x MFU / (6 N)` with `N` the active parameters "
      "(8 N with full recomputation: the forward pass runs twice); MoE models use `mfu_moe`. "
      "The MFU is measured against the dense 16-bit peak, as the sources publish it (FP8 "
      "training shows up as a higher MFU, not a higher peak).\n\n"
      "**Links.** A tensor-parallel group uses the GPU's link while it fits the link's domain "
      "(`link_gpus`), with the measured all-reduce bus bandwidth, or 80%% of the line rate "
      "where none was published (NCCL's protocol overhead, nvidia/nccl-tests#212), 44%% on "
      "PCIe (28 of 63 GB/s, nvidia/nccl#1639); an xGMI group of `n` drives `n - 1` of its 7 "
      "links; bridged cards beyond their bridge use PCIe (28 GB/s, 120 us). Tensor parallelism "
      "does not cross an NVSwitch domain. The network hop between nodes is one 400 Gb/s NIC at "
      "80%% (40 GB/s) and 47 us (nvidia/nccl#1244: small all-reduces across 2 nodes, "
      "46-48 us).\n\n"
      "## What the model leaves out\n\n"
      "- Speculative decoding, prefix caching, CPU offload and disaggregated prefill.\n"
      "- Expert parallelism and attention data parallelism (DeepSeek and gpt-oss serving "
      "recipes): modelled as tensor parallelism over the same GPUs, which has the same memory "
      "per GPU but all-reduces instead of all-to-alls.\n"
      "- The runtime's cap on running sequences (vLLM `max_num_seqs`): the requested "
      "concurrency is taken as served when the KV room allows it.\n"
      "- Sampling, detokenisation and HTTP costs beyond the per-step and TTFT overheads.\n"
      "- Quantisation scales of AWQ/GPTQ and the Q6_K share of GGUF Q4_K_M files (the formats' "
      "block sizes are used as the catalog defines them).\n\n");
}

static void efficiency_table(const gsz_catalog_data *d) {
  printf("## Efficiency factors (table runtime_efficiency)\n\n"
         "A few factors per runtime and GPU architecture (`*`: every architecture without its "
         "own row), calibrated on the published measurements below, never fitted row by row. "
         "Shares in percent.\n\n"
         "| runtime | architecture | eff_bw | eff_compute | eff_prefill | step overhead us | TTFT "
         "overhead us | chunk tokens | MoE | MFU | MFU MoE | source |\n"
         "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
  for (size_t i = 0; i < d->n_efficiency; i++) {
    const gsz_efficiency *e = &d->efficiency[i];
    printf("| %s | %s | %u | %u | %u | %u | %u | %u | %u | ", e->runtime, e->architecture,
           e->eff_bw_bp / 100, e->eff_compute_bp / 100, e->eff_prefill_bp / 100,
           e->step_overhead_us, e->ttft_overhead_us, e->chunk_tokens, e->moe_eff_bp / 100);
    if (e->mfu_bp)
      printf("%u | ", e->mfu_bp / 100);
    else
      printf("- | ");
    if (e->mfu_moe_bp)
      printf("%u | ", e->mfu_moe_bp / 100);
    else
      printf("- | ");
    printf("%s (%s) |\n", e->source, e->as_of ? e->as_of : "undated");
  }
  printf("\n");
}

static const char *link_name(gsz_link_kind k) {
  static const char *const names[] = {"-", "nvswitch", "nvlink_bridge", "xgmi", "pcie", "roce"};
  return (unsigned)k < sizeof names / sizeof names[0] ? names[k] : "?";
}

static void gpu_table(const gsz_catalog_data *d) {
  printf("## GPU peaks and links (table gpu, migration 0005)\n\n"
         "Dense peaks in TFLOPS (TOPS for INT8); link per GPU and direction in GB/s; bus "
         "bandwidth of a large all-reduce as measured; latency of a decode-sized all-reduce.\n\n"
         "| GPU | arch | GB/s | BF16 | FP8 | INT8 | FP4 | link | link GB/s | GPUs | busbw | "
         "latency us | source (%s) |\n"
         "|---|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---|\n",
         "as of");
  for (size_t i = 0; i < d->n_gpus; i++) {
    const gsz_gpu *g = &d->gpus[i];
    printf("| %s | %s | %u | %.0f | ", g->sku, g->architecture ? g->architecture : "-",
           g->bandwidth_gbs, g->tflops_bf16);
    double v[3] = {g->tflops_fp8, g->tops_int8, g->tflops_fp4};
    for (int k = 0; k < 3; k++) {
      if (v[k] > 0.0)
        printf("%.0f | ", v[k]);
      else
        printf("- | ");
    }
    printf("%s | ", link_name(g->link));
    if (g->link_gbs > 0.0)
      printf("%.1f | ", g->link_gbs);
    else
      printf("- | ");
    if (g->link_gpus)
      printf("%u | ", g->link_gpus);
    else
      printf("- | ");
    if (g->allreduce_busbw_gbs > 0.0)
      printf("%.1f | ", g->allreduce_busbw_gbs);
    else
      printf("- | ");
    if (g->allreduce_latency_us > 0.0)
      printf("%.0f | ", g->allreduce_latency_us);
    else
      printf("- | ");
    printf("%s (%s) |\n", g->perf_source ? g->perf_source : "-",
           g->perf_as_of ? g->perf_as_of : "-");
  }
  printf("\n");
}

static void runtime_table(const gsz_catalog_data *d) {
  printf("## Runtime profiles\n\n"
         "`runtime` selects one of these (the memory terms are those of the memory estimate).\n\n"
         "| runtime | engine | version | memory share | source |\n|---|---|---|---:|---|\n");
  for (size_t i = 0; i < d->n_runtimes; i++) {
    const gsz_runtime *r = &d->runtimes[i];
    printf("| %s | %s | %s | %u%% | %s |\n", r->name, r->engine, r->engine_version,
           r->mem_util_bp / 100, r->source);
  }
  printf("\n");
}

static void measurements(const row_result *res, size_t n) {
  printf("## Measurements against estimates\n\n"
         "Every row of `tests/data/perf_measurements.csv` (its `notes` column says how each "
         "published setup was mapped: the catalog model with the same architecture, the "
         "concurrency of an offline run, the KV format of a ModelOpt checkpoint). The KV room "
         "of each row comes from the memory estimate with the row's runtime profile. Error = "
         "(estimated - measured) / measured.\n\n");
  for (size_t g = 0; g < N_REGIMES; g++) {
    summary s = summarise(res, n, regimes[g].name);
    printf("### %s\n\n", regimes[g].title);
    printf("%zu rows; median absolute error %.1f%%", s.n, 100.0 * s.median);
    if (regimes[g].target > 0.0)
      printf(" (target %.0f%%)", 100.0 * regimes[g].target);
    printf(", worst %.1f%%; %zu rows off by more than 50%%.\n\n", 100.0 * s.worst, s.over50);
    printf("| id | source | date | runtime | model | weights/KV | GPU | TP/PP/DP | in/out | "
           "concurrency | metric | measured | estimated | error | batch | bound | "
           "explanation |\n"
           "|---|---|---|---|---|---|---|---|---|---:|---|---:|---:|---:|---:|---|---|\n");
    for (size_t i = 0; i < n; i++) {
      size_t r = res[i].row;
      if (strcmp(cell(r, c_regime), regimes[g].name) != 0)
        continue;
      printf("| %s | ", cell(r, c_id));
      print_source(cell(r, c_source));
      printf(" | %s | %s %s | %s | %s/%s | %sx %s | %s/%s/%s | %s/%s | %s | %s | ", cell(r, c_date),
             cell(r, c_runtime), cell(r, c_version), cell(r, c_model), cell(r, c_weights),
             cell(r, c_kv), cell(r, c_gpus), cell(r, c_gpu), cell(r, c_tp), cell(r, c_pp),
             cell(r, c_dp), cell(r, c_in), cell(r, c_out), cell(r, c_conc),
             metric_text(cell(r, c_metric)));
      print_number(res[i].measured);
      printf(" | ");
      if (res[i].ok) {
        print_number(res[i].estimated);
        printf(" | %+.0f%% | %llu%s | %s | %s |\n", 100.0 * res[i].error,
               (unsigned long long)res[i].est.batch, res[i].est.batch_capped ? " (KV)" : "",
               gsz_bound_name(res[i].est.bound), cell(r, c_expl));
      } else {
        printf("- | - | - | - | %s |\n", res[i].why);
      }
    }
    printf("\n");
  }
}

static void summary_table(const row_result *res, size_t n) {
  printf("## Summary\n\n| regime | rows | median absolute error | target | worst | over 50%% "
         "|\n|---|---:|---:|---:|---:|---:|\n");
  for (size_t g = 0; g < N_REGIMES; g++) {
    summary s = summarise(res, n, regimes[g].name);
    printf("| %s | %zu | %.1f%% | ", regimes[g].name, s.n, 100.0 * s.median);
    if (regimes[g].target > 0.0)
      printf("%.0f%% | ", 100.0 * regimes[g].target);
    else
      printf("- | ");
    printf("%.1f%% | %zu |\n", 100.0 * s.worst, s.over50);
  }
  printf("\n");
}

/* Published training throughput next to gsz_perf_training with the
 * catalog's PyTorch profile for the GPU's architecture. */
static void training(const gsz_catalog_data *d) {
  tu_csv t;
  tu_csv_read(&t, GSZ_TEST_DATA "/perf_training.csv");
  size_t c_tid = tu_csv_col(&t, "id"), c_tsrc = tu_csv_col(&t, "source"),
         c_tdate = tu_csv_col(&t, "date"), c_fw = tu_csv_col(&t, "framework"),
         c_tmodel = tu_csv_col(&t, "model"), c_tgpu = tu_csv_col(&t, "gpu"),
         c_tgpus = tu_csv_col(&t, "gpus"), c_prec = tu_csv_col(&t, "precision"),
         c_rec = tu_csv_col(&t, "recompute"), c_tmeas = tu_csv_col(&t, "measured"),
         c_texpl = tu_csv_col(&t, "explanation");
  printf("## Training throughput against estimates\n\n"
         "`tests/data/perf_training.csv`: published tokens/s per GPU next to `gsz_perf_training` "
         "with the `pytorch` profile of the GPU's architecture (no target; the issue's targets "
         "are for serving). Error = (estimated - measured) / measured.\n\n"
         "| id | source | date | framework | model | GPUs | precision | recompute | measured "
         "tok/s/GPU | estimated | error | MFU | explanation |\n"
         "|---|---|---|---|---|---|---|---|---:|---:|---:|---:|---|\n");
  for (size_t r = 1; r < t.nrows; r++) {
    const gsz_arch *a = gsz_catalog_find_model(d, t.rows[r][c_tmodel]);
    const gsz_gpu *g = gsz_catalog_find_gpu(d, t.rows[r][c_tgpu]);
    gsz_model_ref m;
    gsz_recompute rec = GSZ_RECOMPUTE_NONE;
    gsz_recompute_parse(&rec, t.rows[r][c_rec], NULL);
    gsz_train_estimate e;
    double measured = strtod(t.rows[r][c_tmeas], NULL), est = 0.0;
    bool ok = a && g && gsz_model_ref_from_arch(&m, a, NULL) == GSZ_OK;
    if (ok) {
      gsz_train_input in = {&m,
                            g,
                            strtoull(t.rows[r][c_tgpus], NULL, 10),
                            1000000000000ull,
                            rec,
                            gsz_catalog_find_efficiency(d, "pytorch", g->architecture)};
      ok = gsz_perf_training(&e, &in, NULL) == GSZ_OK;
      est = ok ? e.tokens_mps / 1e3 / (double)in.gpus : 0.0;
    }
    printf("| %s | ", t.rows[r][c_tid]);
    print_source(t.rows[r][c_tsrc]);
    printf(" | %s | %s | %s | %sx %s | %s | %s | ", t.rows[r][c_tdate], t.rows[r][c_fw],
           t.rows[r][c_tmodel], t.rows[r][c_tgpus], t.rows[r][c_tgpu], t.rows[r][c_prec],
           t.rows[r][c_rec]);
    print_number(measured);
    if (ok) {
      printf(" | ");
      print_number(est);
      printf(" | %+.0f%% | %u%% | %s |\n", 100.0 * (est - measured) / measured, e.mfu_bp / 100,
             t.rows[r][c_texpl]);
    } else {
      printf(" | - | - | - | no estimate |\n");
    }
  }
  printf("\n");
  tu_csv_free(&t);
}

int main(int argc, char **argv) {
  bool check = argc > 1 && strcmp(argv[1], "--check") == 0;
  gsz_catalog *cat;
  if (gsz_catalog_open(&cat, NULL, NULL) != GSZ_OK)
    return 1;
  const gsz_catalog_data *d = gsz_catalog_get(cat);
  tu_csv_read(&csv, GSZ_TEST_DATA "/perf_measurements.csv");
  c_id = tu_csv_col(&csv, "id");
  c_source = tu_csv_col(&csv, "source");
  c_date = tu_csv_col(&csv, "date");
  c_runtime = tu_csv_col(&csv, "runtime");
  c_version = tu_csv_col(&csv, "runtime_version");
  c_profile = tu_csv_col(&csv, "profile");
  c_model = tu_csv_col(&csv, "model");
  c_weights = tu_csv_col(&csv, "weights");
  c_kv = tu_csv_col(&csv, "kv");
  c_support = tu_csv_col(&csv, "support");
  c_gpu = tu_csv_col(&csv, "gpu");
  c_gpus = tu_csv_col(&csv, "gpus");
  c_tp = tu_csv_col(&csv, "tp");
  c_pp = tu_csv_col(&csv, "pp");
  c_dp = tu_csv_col(&csv, "dp");
  c_in = tu_csv_col(&csv, "input_tokens");
  c_out = tu_csv_col(&csv, "output_tokens");
  c_conc = tu_csv_col(&csv, "concurrency");
  c_metric = tu_csv_col(&csv, "metric");
  c_measured = tu_csv_col(&csv, "measured");
  c_regime = tu_csv_col(&csv, "regime");
  c_expl = tu_csv_col(&csv, "explanation");
  size_t n = csv.nrows - 1;
  row_result *res = calloc(n + 1, sizeof *res);
  for (size_t i = 0; i < n; i++)
    estimate(d, i + 1, &res[i]);

  int status = 0;
  const char *only = argc > 2 && strcmp(argv[1], "--rows") == 0 ? argv[2] : NULL;
  if (only != NULL || (argc > 1 && strcmp(argv[1], "--all") == 0)) {
    /* A calibration aid: each row's estimate in detail. */
    for (size_t i = 0; i < n; i++) {
      size_t r = res[i].row;
      if (only != NULL && strstr(only, cell(r, c_id)) == NULL)
        continue;
      const gsz_perf_estimate *e = &res[i].est;
      printf("%s %-8s %-10s %-26s %-6s %-16s %s/%s/%s in %s out %s c %s %-10s meas %9.2f est "
             "%9.2f %+5.0f%% | b %llu%s tpot %.2fms ttft %.1fms mem %.2f comp %.2f comm %.2f "
             "ovh %.2f exp %.1f %s %s\n",
             cell(r, c_id), cell(r, c_regime), cell(r, c_profile), cell(r, c_model),
             cell(r, c_weights), cell(r, c_gpu), cell(r, c_tp), cell(r, c_pp), cell(r, c_dp),
             cell(r, c_in), cell(r, c_out), cell(r, c_conc), cell(r, c_metric), res[i].measured,
             res[i].estimated, 100.0 * res[i].error, (unsigned long long)e->batch,
             e->batch_capped ? "(KV)" : "", e->step_us / 1e3, e->ttft_us / 1e3, e->memory_us / 1e3,
             e->compute_us / 1e3, e->interconnect_us / 1e3, e->overhead_us / 1e3,
             e->experts_touched, e->compute ? e->compute : "-", res[i].ok ? "" : res[i].why);
    }
  } else if (check) {
    for (size_t i = 0; i < n; i++)
      if (!res[i].ok) {
        fprintf(stderr, "%s: no estimate: %s\n", cell(res[i].row, c_id), res[i].why);
        status = 1;
      } else if (fabs(res[i].error) > 0.5 && cell(res[i].row, c_expl)[0] == '\0') {
        fprintf(stderr, "%s: off by %+.0f%% without an explanation\n", cell(res[i].row, c_id),
                100.0 * res[i].error);
        status = 1;
      }
    for (size_t g = 0; g < N_REGIMES; g++) {
      summary s = summarise(res, n, regimes[g].name);
      bool miss = regimes[g].target > 0.0 && (s.n == 0 || s.median > regimes[g].target);
      fprintf(stderr, "%s: %zu rows, median %.1f%%, worst %.1f%%%s\n", regimes[g].name, s.n,
              100.0 * s.median, 100.0 * s.worst, miss ? " - MISSES THE TARGET" : "");
      if (miss)
        status = 1;
    }
  } else {
    intro();
    formulas();
    summary_table(res, n);
    measurements(res, n);
    training(d);
    efficiency_table(d);
    runtime_table(d);
    gpu_table(d);
  }
  free(res);
  tu_csv_free(&csv);
  gsz_catalog_free(cat);
  if (ferror(stdout))
    return 1;
  return status;
}
