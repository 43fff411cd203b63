/* accuracy_report.c: writes docs/accuracy.md: gpusizer's predictions next
 * to every published measurement it is compared with (exact parameter
 * counts, KV bytes per token, published counts, vLLM start-up memory,
 * stored and loaded quantised weights, llama.cpp buffers, training peaks),
 * with the signed error of each and the residual's cause. The document is
 * generated, never typed: ctest checks that the committed copy equals this
 * program's output (regenerate with `cmake --build build --target
 * accuracy-doc`). With --check it prints nothing and exits 1 when a row
 * marked in the target misses it: weights within 1%, KV-pool tokens within
 * 3% at TP 1, 2 and 4, training peaks within 15% (ctest
 * accuracy_targets_hold). */
#include "testutil.h"

#include "gpusizer/gpusizer.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const gsz_format bf16 = {
    .name = "bf16", .block_elems = 1, .block_bytes = 2, .trainable = true};
static const double GiB = 1073741824.0;
static bool check_only;
static int missed;

#define OUT(...)                                                                                   \
  do {                                                                                             \
    if (!check_only)                                                                               \
      printf(__VA_ARGS__);                                                                         \
  } while (0)

static double pct(double predicted, double measured) {
  return 100.0 * (predicted - measured) / measured;
}

/* A row marked in the target that misses it. */
static void target(bool in, double err, double limit, const char *what, const char *setup) {
  if (in && fabs(err) > limit) {
    missed = 1;
    if (check_only)
      fprintf(stderr, "accuracy: %s of '%s' off by %+.2f%% (target %.0f%%)\n", what, setup, err,
              limit);
  }
}

/* --- Models: from the catalog, or a config.json of tests/data/configs ------ */

typedef struct model {
  gsz_model_ref ref;
  gsz_hf_model *hf;
} model;

static void model_load(model *m, const gsz_catalog_data *d, const char *name) {
  memset(m, 0, sizeof *m);
  if (strncmp(name, "configs/", 8) == 0) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", GSZ_TEST_DATA, name);
    gsz_diag diag;
    if (gsz_hf_config_load(&m->hf, path, &diag) != GSZ_OK) {
      fprintf(stderr, "accuracy: %s\n", diag.message);
      exit(1);
    }
    gsz_model_ref_from_arch(&m->ref, gsz_hf_model_arch(m->hf), NULL);
    return;
  }
  const gsz_arch *a = gsz_catalog_find_model(d, name);
  if (a == NULL) {
    fprintf(stderr, "accuracy: no model '%s' in the catalog\n", name);
    exit(1);
  }
  gsz_model_ref_from_arch(&m->ref, a, NULL);
}

static const gsz_format *format(const gsz_catalog_data *d, const char *name) {
  const gsz_format *f = gsz_catalog_find_format(d, name && *name ? name : "bf16");
  if (f == NULL) {
    fprintf(stderr, "accuracy: no format '%s'\n", name);
    exit(1);
  }
  return f;
}

/* An inference workload as vLLM runs it: the KV cache in the model's dtype
 * unless set ("auto"), one sequence of max_model_len. */
static gsz_workload inference(const gsz_catalog_data *d, const char *precision, const char *kv,
                              const char *runtime, double util, uint64_t context) {
  gsz_workload w;
  gsz_workload_defaults(&w, d, GSZ_MODE_INFERENCE, NULL);
  w.weight_format = format(d, precision);
  w.kv_format = w.weight_format->trainable ? w.weight_format : format(d, "bf16");
  if (w.weight_format->block_bytes == 2 * w.weight_format->block_elems)
    w.compute_format = w.weight_format;
  if (kv && *kv)
    w.kv_format = format(d, kv);
  w.runtime = gsz_catalog_find_runtime(d, runtime);
  w.mem_util_bp = (uint32_t)lround(util * GSZ_BP_SCALE);
  w.context = context;
  return w;
}

/* --- Parameter counts ----------------------------------------------------------- */

static void models_section(const gsz_catalog_data *d) {
  tu_csv csv;
  tu_csv_read(&csv, GSZ_TEST_DATA "/reference/models.csv");
  size_t c_model = tu_csv_col(&csv, "model"), c_total = tu_csv_col(&csv, "total_params"),
         c_kv = tu_csv_col(&csv, "kv_bytes_per_token_bf16");
  OUT("## Exact parameter counts and KV bytes per token (reference/models.csv)\n\n"
      "Asserted exactly by `tests/test_model.c`.\n\n"
      "| model | reference params | gpusizer params | error | reference KV B/token (bf16) "
      "| gpusizer KV B/token | error |\n"
      "|---|---:|---:|---:|---:|---:|---:|\n");
  for (size_t r = 1; r < csv.nrows; r++) {
    const gsz_arch *a = gsz_catalog_find_model(d, csv.rows[r][c_model]);
    gsz_param_count pc;
    uint64_t kv = 0;
    gsz_model_count(&pc, a, NULL);
    gsz_model_kv_bytes_per_token(&kv, a, 1, &bf16, NULL);
    long long ref = strtoll(csv.rows[r][c_total], NULL, 10);
    long long ref_kv = strtoll(csv.rows[r][c_kv], NULL, 10);
    OUT("| %s | %lld | %llu | %lld | %lld | %llu | %lld |\n", a->name, ref,
        (unsigned long long)pc.total, (long long)pc.total - ref, ref_kv, (unsigned long long)kv,
        (long long)kv - ref_kv);
  }
  tu_csv_free(&csv);
}

static void published_section(const gsz_catalog_data *d) {
  tu_csv csv;
  tu_csv_read(&csv, GSZ_TEST_DATA "/model_params.csv");
  size_t c_model = tu_csv_col(&csv, "model"), c_total = tu_csv_col(&csv, "total_params");
  OUT("\n## Published counts of the other catalog models (tests/data/model_params.csv)\n\n"
      "Hugging Face safetensors totals and counts printed by tools, found by a search of "
      "public material (each row's source is in the CSV). Asserted exactly, except where "
      "the published figure counts tensors that are not model parameters.\n\n"
      "| model | published | gpusizer | difference |\n|---|---:|---:|---:|\n");
  for (size_t r = 1; r < csv.nrows; r++) {
    const gsz_arch *a = gsz_catalog_find_model(d, csv.rows[r][c_model]);
    gsz_param_count pc;
    gsz_model_count(&pc, a, NULL);
    long long ref = strtoll(csv.rows[r][c_total], NULL, 10);
    OUT("| %s | %lld | %llu | %lld |\n", a->name, ref, (unsigned long long)pc.total,
        (long long)pc.total - ref);
  }
  OUT("\nDeepSeek-V3: the published 684,531,386,000 includes the multi-token-prediction "
      "layer (11,507,286,272 + 102,760,448 + norms + its own copies of the embedding and "
      "head) and the FP8 checkpoint's scale tensors; gpusizer counts the main model, "
      "671,026,419,200 (\"671B\" in the technical report), and 37,552,297,472 active "
      "(\"37B\").\n");
  tu_csv_free(&csv);
}

/* --- vLLM start-up -------------------------------------------------------------- */

/* A measured figure as text ("-" when the log does not give it). */
static const char *cell(char buf[32], const char *text) {
  snprintf(buf, 32, "%s", text && *text ? text : "-");
  return buf;
}

static void vllm_section(const gsz_catalog_data *d) {
  tu_csv csv;
  tu_csv_read(&csv, GSZ_TEST_DATA "/measured_vllm.csv");
  size_t c_setup = tu_csv_col(&csv, "setup"), c_ver = tu_csv_col(&csv, "vllm_version"),
         c_model = tu_csv_col(&csv, "model"), c_prec = tu_csv_col(&csv, "precision"),
         c_kvp = tu_csv_col(&csv, "kv_precision"), c_gpu = tu_csv_col(&csv, "gpu"),
         c_vis = tu_csv_col(&csv, "visible_gib"), c_util = tu_csv_col(&csv, "util"),
         c_tp = tu_csv_col(&csv, "tp"), c_pp = tu_csv_col(&csv, "pp"),
         c_ctx = tu_csv_col(&csv, "max_model_len"), c_rt = tu_csv_col(&csv, "runtime"),
         c_w = tu_csv_col(&csv, "weights_gib"), c_nt = tu_csv_col(&csv, "non_torch_gib"),
         c_act = tu_csv_col(&csv, "activation_gib"), c_kv = tu_csv_col(&csv, "kv_gib"),
         c_tok = tu_csv_col(&csv, "kv_tokens"), c_conc = tu_csv_col(&csv, "max_concurrency"),
         c_base = tu_csv_col(&csv, "baseline_gib"), c_res = tu_csv_col(&csv, "residual");
  OUT("\n## vLLM start-up memory (tests/data/measured_vllm.csv)\n\n"
      "Each row is a vLLM start-up log: the weights vLLM loaded, its activation peak (the "
      "profile run), its non-torch memory inside the budget and the snapshot outside it, the "
      "KV cache memory it found (`Available KV cache memory`, the first GPU) and its `GPU KV "
      "cache size` in tokens. gpusizer predicts each for the same model, dtype, GPU, "
      "utilisation, TP/PP and max_model_len, with the runtime profile named (`vllm` = v0.19.0, "
      "`vllm-0.16` = v0.15-v0.16 and the Jan-2026 image, `vllm-0.6` = V0, 2024); the GPU's "
      "memory is what the log reports as total (79.19 GiB for an H100 80GB unless the row "
      "says otherwise). Sizes in GiB; errors are gpusizer minus measured. With pipeline "
      "parallelism vLLM logs the first stage and gpusizer shows the busiest (the last); "
      "compare the tokens there. Rows marked * are in the 3%% token target (TP 1, 2, 4; "
      "a pool of more than 10 GiB).\n\n"
      "| setup | vLLM | profile | TP | PP | max_model_len | weights | predicted | error | "
      "activation | predicted | non-torch | predicted | outside | predicted | KV GiB | "
      "predicted | error | tokens | predicted | error | concurrency | predicted |\n"
      "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
      "---:|---:|---:|---:|---:|\n");
  double worst[5] = {0, 0, 0, 0, 0}; /* by TP 1, 2, 4 */
  size_t n_target[5] = {0, 0, 0, 0, 0};
  for (size_t r = 1; r < csv.nrows; r++) {
    char **row = csv.rows[r];
    model m;
    model_load(&m, d, row[c_model]);
    uint64_t ctx = strtoull(row[c_ctx], NULL, 10);
    gsz_workload w = inference(d, row[c_prec], row[c_kvp], row[c_rt], atof(row[c_util]), ctx);
    const gsz_gpu *gpu = gsz_catalog_find_gpu(d, row[c_gpu]);
    uint64_t visible = row[c_vis][0] ? (uint64_t)llround(atof(row[c_vis]) * GiB)
                                     : gsz_memory_visible_bytes(d, gpu);
    w.gpu_visible_bytes = visible;
    gsz_layout l = {(uint32_t)atoi(row[c_tp]), (uint32_t)atoi(row[c_pp]), 1};
    gsz_estimate e;
    gsz_kv_capacity k;
    gsz_diag diag;
    if (gsz_memory_estimate(&e, &m.ref, &w, l, &diag) != GSZ_OK ||
        gsz_memory_kv_capacity(&k, &m.ref, &w, l, visible, &diag) != GSZ_OK) {
      fprintf(stderr, "accuracy: %s: %s\n", row[c_setup], diag.message);
      exit(1);
    }
    double wp = e.component[GSZ_COMP_WEIGHTS] / GiB, wm = atof(row[c_w]);
    double kvp = k.pool_gpu_bytes / GiB, kvm = atof(row[c_kv]);
    char a[32], b[32], c2[32], t[32], cc[32];
    bool tokens = row[c_tok][0] != '\0';
    double tok_err = tokens ? pct((double)k.tokens, atof(row[c_tok])) : 0;
    bool in_target = tokens && l.pp == 1 && (l.tp == 1 || l.tp == 2 || l.tp == 4) && kvm > 10 &&
                     strcmp(row[c_rt], "vllm") == 0 && row[c_res][0] == '\0';
    if (in_target) {
      if (fabs(tok_err) > worst[l.tp])
        worst[l.tp] = fabs(tok_err);
      n_target[l.tp]++;
    }
    target(in_target, tok_err, 3.0, "KV tokens", row[c_setup]);
    char tok_p[32] = "-", tok_e[32] = "-", conc_p[32] = "-";
    if (tokens) {
      snprintf(tok_p, sizeof tok_p, "%llu", (unsigned long long)k.tokens);
      snprintf(tok_e, sizeof tok_e, "%+.2f%%", tok_err);
    }
    if (row[c_conc][0])
      snprintf(conc_p, sizeof conc_p, "%llu.%02llu",
               (unsigned long long)(k.max_concurrency_x100 / 100),
               (unsigned long long)(k.max_concurrency_x100 % 100));
    OUT("| %s%s | %s | %s | %d | %d | %llu | %.2f | %.2f | %+.2f%% | %s | %.2f | %s | %.2f | %s | "
        "%.2f | %.2f | %.2f | %+.2f%% | %s | %s | %s | %s | %s |\n",
        in_target ? "* " : "", row[c_setup], row[c_ver], row[c_rt], l.tp, l.pp,
        (unsigned long long)ctx, wm, wp, pct(wp, wm), cell(a, row[c_act]),
        e.component[GSZ_COMP_ACTIVATIONS] / GiB, cell(b, row[c_nt]),
        e.component[GSZ_COMP_OVERHEAD] / GiB, cell(c2, row[c_base]), e.baseline_bytes / GiB, kvm,
        kvp, pct(kvp, kvm), cell(t, row[c_tok]), tok_p, tok_e, cell(cc, row[c_conc]), conc_p);
    gsz_hf_model_free(m.hf);
  }
  OUT("\nKV-pool tokens, largest error of the rows in the target: TP 1 %.2f%% (%zu rows), "
      "TP 2 %.2f%% (%zu rows), TP 4 %.2f%% (%zu rows); target 3%%.\n",
      worst[1], n_target[1], worst[2], n_target[2], worst[4], n_target[4]);
  OUT("\nResiduals of the rows outside the target, by row:\n\n");
  for (size_t r = 1; r < csv.nrows; r++)
    if (csv.rows[r][c_res][0])
      OUT("- %s (%s, TP %s): %s.\n", csv.rows[r][c_setup], csv.rows[r][c_ver], csv.rows[r][c_tp],
          csv.rows[r][c_res]);
  OUT("\nWhat remains in every row: the weights vLLM reports run 0.03 GiB above the tensors "
      "(Llama-3.1-8B: 14.99 against 14.96; the rotary cos/sin cache of 131,072 positions and "
      "other buffers), and at TP 4 0.8%% above a quarter of the model (vLLM pads and replicates "
      "small tensors per rank); the activation peak is fitted to eight runs (residuals within "
      "0.02 GiB there) and misses small-vocabulary models, where the forward dominates, by up "
      "to 0.2 GiB (CodeLlama 0.77 measured); non-torch memory differs by model class (0.46 GiB "
      "for granite at TP 1, 2.21 for some TP 4 runs). Rows the profiles do not cover are not "
      "listed: vision-language and hybrid models (gemma-3, Kimi-VL, Llama-4, Mistral-Small-3.x), "
      "families gpusizer does not count (granite, gpt-oss, phi-2, gemma 1, Qwen MoE, DeepSeek-V2), "
      "speculative decoding, DeepEP, and V0 logs whose profile batch was max_model_len.\n");
  tu_csv_free(&csv);
}

/* --- Weights as stored and loaded ---------------------------------------------------- */

static uint64_t weights_of(const gsz_catalog_data *d, const char *model_name, const char *precision,
                           uint32_t tp) {
  model m;
  model_load(&m, d, model_name);
  gsz_workload w = inference(d, precision, NULL, "vllm", 0.9, 16);
  gsz_estimate e;
  gsz_diag diag;
  if (gsz_memory_estimate(&e, &m.ref, &w, (gsz_layout){tp, 1, 1}, &diag) != GSZ_OK) {
    fprintf(stderr, "accuracy: %s %s: %s\n", model_name, precision, diag.message);
    exit(1);
  }
  gsz_hf_model_free(m.hf);
  return e.component[GSZ_COMP_WEIGHTS];
}

static void weights_section(const gsz_catalog_data *d) {
  tu_csv csv;
  tu_csv_read(&csv, GSZ_TEST_DATA "/quantized_checkpoints.csv");
  size_t c_setup = tu_csv_col(&csv, "setup"), c_model = tu_csv_col(&csv, "model"),
         c_prec = tu_csv_col(&csv, "precision"), c_tp = tu_csv_col(&csv, "tp"),
         c_kind = tu_csv_col(&csv, "kind"), c_bytes = tu_csv_col(&csv, "measured_bytes"),
         c_gib = tu_csv_col(&csv, "measured_gib"), c_target = tu_csv_col(&csv, "target"),
         c_res = tu_csv_col(&csv, "residual"), c_src = tu_csv_col(&csv, "source");
  OUT("\n## Quantised weights as stored and loaded (tests/data/quantized_checkpoints.csv)\n\n"
      "The weights of the precision named (its recipe: which tensors it quantises, its scales, "
      "zero points and indices; catalog/022_quant_recipe.sql) against a checkpoint's stored "
      "size or what a runtime reported loading, per GPU at the TP given. Rows marked * are in "
      "the 1%% target.\n\n"
      "| setup | precision | TP | kind | measured GiB | predicted GiB | error | note | source |\n"
      "|---|---|---:|---|---:|---:|---:|---|---|\n");
  double worst = 0;
  for (size_t r = 1; r < csv.nrows; r++) {
    char **row = csv.rows[r];
    uint32_t tp = (uint32_t)atoi(row[c_tp]);
    double pred = weights_of(d, row[c_model], row[c_prec], tp) / GiB;
    double meas = row[c_bytes][0] ? atof(row[c_bytes]) / GiB : atof(row[c_gib]);
    double err = pct(pred, meas);
    bool in = atoi(row[c_target]) == 1;
    if (in && fabs(err) > worst)
      worst = fabs(err);
    target(in, err, 1.0, "weights", row[c_setup]);
    OUT("| %s%s | %s | %u | %s | %.3f | %.3f | %+.2f%% | %s | %s |\n", in ? "* " : "", row[c_setup],
        row[c_prec], tp, row[c_kind], meas, pred, err, row[c_res], row[c_src]);
  }
  OUT("\nLargest error of the rows in the target: %.2f%% (target 1%%).\n", worst);
  tu_csv_free(&csv);

  tu_csv_read(&csv, GSZ_TEST_DATA "/quantized_layouts.csv");
  c_setup = tu_csv_col(&csv, "setup");
  c_model = tu_csv_col(&csv, "model");
  c_prec = tu_csv_col(&csv, "precision");
  size_t c_derived = tu_csv_col(&csv, "derived_bytes");
  c_src = tu_csv_col(&csv, "source");
  OUT("\n### Layouts derived from the formats' tensor shapes (tests/data/quantized_layouts.csv)\n\n"
      "The research derived these sizes from each format's tensor shapes in its own code "
      "(research quantized_formats.md); they are not measurements but an independent "
      "computation of the same layouts, asserted to the byte by `tests/test_memory.c`.\n\n"
      "| layout | precision | derived bytes | gpusizer bytes | difference |\n"
      "|---|---|---:|---:|---:|\n");
  for (size_t r = 1; r < csv.nrows; r++) {
    char **row = csv.rows[r];
    uint64_t pred = weights_of(d, row[c_model], row[c_prec], 1);
    long long derived = strtoll(row[c_derived], NULL, 10);
    OUT("| %s | %s | %lld | %llu | %lld |\n", row[c_setup], row[c_prec], derived,
        (unsigned long long)pred, (long long)pred - derived);
    target(true, pct((double)pred, (double)derived), 0.0, "derived layout", row[c_setup]);
  }
  tu_csv_free(&csv);
}

/* --- llama.cpp ------------------------------------------------------------------------ */

static void llamacpp_section(const gsz_catalog_data *d) {
  tu_csv csv;
  tu_csv_read(&csv, GSZ_TEST_DATA "/measured_llamacpp.csv");
  size_t c_setup = tu_csv_col(&csv, "setup"), c_model = tu_csv_col(&csv, "model"),
         c_prec = tu_csv_col(&csv, "precision"), c_kvp = tu_csv_col(&csv, "kv_precision"),
         c_ctx = tu_csv_col(&csv, "n_ctx"), c_mm = tu_csv_col(&csv, "model_mib"),
         c_kv = tu_csv_col(&csv, "kv_mib"), c_res = tu_csv_col(&csv, "residual");
  OUT("\n## llama.cpp buffers (tests/data/measured_llamacpp.csv)\n\n"
      "The model buffers llama.cpp logs (the tensors of the file) and its KV cache (f16, "
      "n_ctx tokens, every layer) against gpusizer's weights for the llama.cpp file type and "
      "its KV cache for one sequence of n_ctx tokens. MiB.\n\n"
      "| setup | file type | n_ctx | model MiB | predicted | error | KV MiB | predicted | error | "
      "note |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
  for (size_t r = 1; r < csv.nrows; r++) {
    char **row = csv.rows[r];
    model m;
    model_load(&m, d, row[c_model]);
    uint64_t ctx = strtoull(row[c_ctx], NULL, 10);
    gsz_workload w =
        inference(d, row[c_prec][0] ? row[c_prec] : "bf16", row[c_kvp], "none", 1.0, ctx);
    gsz_estimate e;
    gsz_memory_estimate(&e, &m.ref, &w, (gsz_layout){1, 1, 1}, NULL);
    double kvp = e.component[GSZ_COMP_KV_CACHE] / 1048576.0, kvm = atof(row[c_kv]);
    char mm[48] = "-", mp[48] = "-", me[48] = "-";
    if (row[c_mm][0]) {
      double pred = e.component[GSZ_COMP_WEIGHTS] / 1048576.0, meas = atof(row[c_mm]);
      snprintf(mm, sizeof mm, "%.2f", meas);
      snprintf(mp, sizeof mp, "%.2f", pred);
      snprintf(me, sizeof me, "%+.3f%%", pct(pred, meas));
      target(true, pct(pred, meas), 1.0, "GGUF weights", row[c_setup]);
    }
    target(true, pct(kvp, kvm), 0.0, "llama.cpp KV", row[c_setup]);
    OUT("| %s | %s | %llu | %s | %s | %s | %.2f | %.2f | %+.2f%% | %s |\n", row[c_setup],
        row[c_prec][0] ? row[c_prec] : "-", (unsigned long long)ctx, mm, mp, me, kvm, kvp,
        pct(kvp, kvm), row[c_res]);
    gsz_hf_model_free(m.hf);
  }
  OUT("\nThe Mixtral file's type is not stated (its 5.52 bits per weight fit Q5_K_S better "
      "than Q5_K_M, for which gpusizer gives 30.95 GiB against the 30.02 logged), so only its KV "
      "cache is compared. llama.cpp's compute buffers (296 MiB at n_ctx 4096, 8,480 MiB at "
      "131,072 without flash attention) are not modelled.\n");
  tu_csv_free(&csv);
}

/* --- Training ------------------------------------------------------------------------------ */

static void training_section(const gsz_catalog_data *d) {
  tu_csv csv;
  tu_csv_read(&csv, GSZ_TEST_DATA "/measured_training.csv");
  size_t c_setup = tu_csv_col(&csv, "setup"), c_model = tu_csv_col(&csv, "model"),
         c_mode = tu_csv_col(&csv, "mode"), c_recipe = tu_csv_col(&csv, "recipe"),
         c_opt = tu_csv_col(&csv, "optimizer"), c_rt = tu_csv_col(&csv, "runtime"),
         c_zero = tu_csv_col(&csv, "zero"), c_dp = tu_csv_col(&csv, "dp"),
         c_tp = tu_csv_col(&csv, "tp"), c_b = tu_csv_col(&csv, "batch"),
         c_ctx = tu_csv_col(&csv, "context"), c_rc = tu_csv_col(&csv, "recompute"),
         c_rank = tu_csv_col(&csv, "lora_rank"), c_tg = tu_csv_col(&csv, "lora_targets"),
         c_meas = tu_csv_col(&csv, "measured_gib"), c_kind = tu_csv_col(&csv, "peak_kind"),
         c_in = tu_csv_col(&csv, "in_model"), c_res = tu_csv_col(&csv, "residual"),
         c_src = tu_csv_col(&csv, "source");
  OUT("\n## Training peaks (tests/data/measured_training.csv)\n\n"
      "Published peaks per GPU against gpusizer's, compared as the source measured them: "
      "*allocated* (torch's peak of live tensors: gpusizer's per-GPU need less the CUDA "
      "context, NCCL and the allocator margin) or *reserved* (the allocator's segments: less "
      "the CUDA context and NCCL only). Rows marked * are set-ups the model covers (eager "
      "autograd, the unchunked loss, the recomputation named) and are in the 15%% target; the "
      "others show what the features gpusizer does not model save.\n\n"
      "| setup | model | layout | micro-batch x context | recompute | measured GiB | kind | "
      "predicted | error | note | source |\n"
      "|---|---|---|---:|---|---:|---|---:|---:|---|---|\n");
  double worst = 0;
  for (size_t r = 1; r < csv.nrows; r++) {
    char **row = csv.rows[r];
    model m;
    model_load(&m, d, row[c_model]);
    gsz_mode mode;
    gsz_mode_parse(&mode, row[c_mode], NULL);
    gsz_workload w;
    gsz_workload_defaults(&w, d, mode, NULL);
    gsz_recipe_parse(&w.recipe, row[c_recipe], NULL);
    gsz_optimizer_parse(&w.optimizer, row[c_opt], NULL);
    gsz_recompute_parse(&w.recompute, row[c_rc], NULL);
    w.runtime = gsz_catalog_find_runtime(d, row[c_rt]);
    w.zero = (uint32_t)atoi(row[c_zero]);
    w.micro_batch = strtoull(row[c_b], NULL, 10);
    w.context = strtoull(row[c_ctx], NULL, 10);
    if (row[c_rank][0])
      w.lora_rank = (uint32_t)atoi(row[c_rank]);
    if (row[c_tg][0])
      gsz_lora_targets_parse(&w.lora_targets, row[c_tg], NULL);
    gsz_layout l = {(uint32_t)atoi(row[c_tp]), 1, (uint32_t)atoi(row[c_dp])};
    gsz_estimate e;
    gsz_diag diag;
    if (gsz_memory_estimate(&e, &m.ref, &w, l, &diag) != GSZ_OK) {
      fprintf(stderr, "accuracy: %s: %s\n", row[c_setup], diag.message);
      exit(1);
    }
    bool allocated = strcmp(row[c_kind], "allocated") == 0;
    uint64_t pred = e.per_gpu_bytes - e.component[GSZ_COMP_OVERHEAD];
    if (allocated)
      pred -= e.component[GSZ_COMP_FRAGMENTATION];
    double p = pred / GiB, meas = atof(row[c_meas]), err = pct(p, meas);
    bool in = atoi(row[c_in]) == 1;
    if (in && fabs(err) > worst)
      worst = fabs(err);
    target(in, err, 15.0, "training peak", row[c_setup]);
    OUT("| %s%s | %s | tp %u x dp %u, ZeRO-%u | %s x %s | %s | %.1f | %s | %.1f | %+.1f%% | %s | "
        "%s |\n",
        in ? "* " : "", row[c_setup], row[c_model], l.tp, l.dp, w.zero, row[c_b], row[c_ctx],
        row[c_rc], meas, row[c_kind], p, err, row[c_res], row[c_src]);
    gsz_hf_model_free(m.hf);
  }
  OUT("\nLargest error of the rows in the target: %.1f%% (target 15%%).\n", worst);
  OUT("\nPublished peaks not compared, for want of their set-up: torchtitan's Llama-3.1-405B "
      "(interleaved pipeline schedule), its 128- and 32-way FSDP runs (op-level selective "
      "checkpointing, as the 8-way row above), llama-recipes' Llama-2-7B on 4x A100 and "
      "torchtune's Llama-2-70B (micro-batch and sequence length not stated), torchtune's QLoRA "
      "default config (#1185: sequence lengths of the dataset), the DeepSpeed ZeRO-1/ZeRO-2 "
      "nvidia-smi readings of a BERT-class model (no architecture stated; gpusizer reproduces "
      "their direction, ZeRO-2 above ZeRO-1 by its contiguous gradient buffer), PEFT's T0 and "
      "mT0 (encoder-decoder families gpusizer does not count), and the allocator studies "
      "(cosmos-rl, SkyRL), which measure fragmentation, not a peak: gpusizer's 5%% margin is "
      "the low end of their +2%% to +108%%.\n");
  tu_csv_free(&csv);
}

int main(int argc, char **argv) {
  check_only = argc > 1 && strcmp(argv[1], "--check") == 0;
  gsz_catalog *cat;
  if (gsz_catalog_open(&cat, NULL, NULL) != GSZ_OK)
    return 1;
  const gsz_catalog_data *d = gsz_catalog_get(cat);
  OUT("# Accuracy\n\n"
      "Generated by `tests/accuracy_report.c` from the reference tables in "
      "`tests/data/` (regenerate with `cmake --build build --target accuracy-doc`; ctest "
      "fails when this file is out of date, and `accuracy_targets_hold` fails when a row in a "
      "target misses it). Errors are gpusizer minus reference. Targets: weights within 1%% of "
      "stored and loaded checkpoints, KV-pool tokens within 3%% at TP 1, 2 and 4, training "
      "peaks within 15%%.\n\n");
  models_section(d);
  published_section(d);
  vllm_section(d);
  weights_section(d);
  llamacpp_section(d);
  training_section(d);
  gsz_catalog_free(cat);
  if (check_only)
    return missed;
  return ferror(stdout) ? 1 : 0;
}
