/* fuzz_hf_config.c: fuzz target for the Hugging Face config.json reader
 * (gsz_hf_config_parse) and the arithmetic that runs on what it accepts:
 * parameter counts, KV bytes per token, LoRA sizes and memory estimates.
 * None of them may overflow silently: each result is checked against the
 * same quantity computed in 128-bit arithmetic, and a value beyond 64 bits
 * must come back as GSZ_EOVERFLOW. Input: the config.json text. */
#include "fuzz.h"

#include "gpusizer/catalog.h"
#include "gpusizer/memory.h"
#include "gpusizer/model.h"

#include <stdbool.h>

typedef unsigned __int128 u128;

static const gsz_catalog_data *builtin(void) {
  static gsz_catalog *catalog; /* kept for the whole run */
  if (catalog == NULL) {
    gsz_diag diag;
    if (gsz_catalog_open(&catalog, NULL, &diag) != GSZ_OK) {
      fprintf(stderr, "fuzz_hf_config: built-in catalog: %s\n", diag.message);
      abort();
    }
  }
  return gsz_catalog_get(catalog);
}

static u128 bytes_in(u128 values, const gsz_format *f) {
  return (values * f->block_bytes + f->block_elems - 1) / f->block_elems;
}

/* a x b, saturated at 2^100 (far past 64 bits, far from 128). */
static u128 sat_mul(u128 a, u128 b) {
  const u128 limit = (u128)1 << 100;
  if (a != 0 && b > limit / a)
    return limit;
  return a * b > limit ? limit : a * b;
}

static u128 layer_total(const gsz_layer_params *p) {
  return (u128)p->split + p->kv + p->replicated;
}

/* The count's parts add up, in 128 bits, to its totals. */
static void check_count(const gsz_param_count *pc, const gsz_arch *a) {
  FUZZ_CHECK((uint64_t)pc->n_dense_layers + pc->n_moe_layers == a->num_hidden_layers);
  u128 total = (u128)pc->embedding + pc->lm_head + pc->final_norm +
               (u128)pc->n_dense_layers * layer_total(&pc->dense_layer) +
               (u128)pc->n_moe_layers * layer_total(&pc->moe_layer);
  FUZZ_CHECK(total == pc->total);
  u128 inactive = (u128)pc->n_moe_layers * pc->moe_layer.inactive;
  FUZZ_CHECK(inactive <= pc->total && pc->active == pc->total - (uint64_t)inactive);
  FUZZ_CHECK(pc->dense_layer.linear <= layer_total(&pc->dense_layer));
  FUZZ_CHECK(pc->moe_layer.linear <= layer_total(&pc->moe_layer));
  FUZZ_CHECK(pc->embedding == (u128)a->vocab_size * a->hidden_size);
  FUZZ_CHECK(pc->lm_head == (a->tie_word_embeddings ? 0 : pc->embedding));
}

/* KV values per layer at tp, the reference way. */
static u128 kv_values(const gsz_arch *a, uint32_t tp) {
  if (a->kv_lora_rank > 0)
    return (u128)a->kv_lora_rank + a->qk_rope_head_dim;
  u128 kv = gsz_model_kv_heads(a), t = tp ? tp : 1;
  u128 per_rank = kv >= t ? (kv + t - 1) / t : 1;
  return 2 * per_rank * gsz_model_head_dim(a);
}

static void check_kv(const gsz_arch *a, const gsz_catalog_data *d) {
  static const uint32_t tps[] = {1, 2, 3, 8, 64, 4096, UINT32_MAX};
  for (size_t i = 0; i < sizeof tps / sizeof tps[0]; i++) {
    u128 want = kv_values(a, tps[i]);
    FUZZ_CHECK(want <= UINT64_MAX && gsz_model_kv_values_per_layer(a, tps[i]) == want);
    for (size_t f = 0; f < d->n_formats; f++) {
      uint64_t got = 0;
      gsz_err err = gsz_model_kv_bytes_per_token(&got, a, tps[i], &d->formats[f], NULL);
      u128 bytes = bytes_in(want * a->num_hidden_layers, &d->formats[f]);
      if (bytes > UINT64_MAX)
        FUZZ_CHECK(err == GSZ_EOVERFLOW);
      else
        FUZZ_CHECK(err == GSZ_OK && got == bytes);
    }
  }
}

static void check_lora(const gsz_arch *a) {
  static const uint32_t masks[] = {GSZ_LORA_ALL, GSZ_LORA_Q | GSZ_LORA_V, GSZ_LORA_DOWN};
  for (size_t i = 0; i < sizeof masks / sizeof masks[0]; i++) {
    uint64_t one = 0, many = 0;
    gsz_err e1 = gsz_model_lora_params(&one, a, masks[i], 1, NULL);
    FUZZ_CHECK(e1 == GSZ_OK || e1 == GSZ_EOVERFLOW);
    if (e1 != GSZ_OK)
      continue;
    gsz_err e2 = gsz_model_lora_params(&many, a, masks[i], 65536, NULL);
    if ((u128)one * 65536 > UINT64_MAX)
      FUZZ_CHECK(e2 == GSZ_EOVERFLOW);
    else
      FUZZ_CHECK(e2 == GSZ_OK && many == one * 65536);
  }
}

/* Inference on one GPU: weights are every parameter in the weight format
 * (a format with a stored-layout recipe is checked by its own tests, here
 * only for adding up), the KV cache is tokens (in whole blocks of the
 * runtime) x concurrency x values in the KV format, plus the runtime's
 * activations, overhead and CUDA graphs. */
static void check_inference(const gsz_model_ref *ref, const gsz_catalog_data *d, uint64_t context,
                            uint64_t concurrency, size_t wf, size_t kf) {
  gsz_workload w;
  if (gsz_workload_defaults(&w, d, GSZ_MODE_INFERENCE, NULL) != GSZ_OK)
    abort();
  w.context = context;
  w.concurrency = concurrency;
  w.weight_format = &d->formats[wf % d->n_formats];
  w.kv_format = &d->formats[kf % d->n_formats];
  if (gsz_workload_check(&w, ref, NULL) != GSZ_OK)
    return;
  const gsz_arch *a = ref->arch;
  gsz_layout one = {1, 1, 1};
  gsz_estimate e;
  gsz_err err = gsz_memory_estimate(&e, ref, &w, one, NULL);
  u128 weights = bytes_in(ref->count.total, w.weight_format);
  u128 L = a->num_hidden_layers, windowed = 0;
  if (a->sliding_window > 0) {
    windowed = L;
    if (a->sliding_window_pattern > 1)
      windowed -= L / a->sliding_window_pattern;
  }
  u128 window = a->sliding_window < context ? a->sliding_window : context;
  u128 block = w.runtime->block_size > 1 ? w.runtime->block_size : 1;
  u128 ctx_blocks = ((u128)context + block - 1) / block * block;
  u128 win_blocks = (window + block - 1) / block * block;
  u128 tokens = windowed * win_blocks + (L - windowed) * ctx_blocks;
  u128 tokens_conc = sat_mul(tokens, concurrency);
  u128 values = sat_mul(tokens_conc, kv_values(a, 1));
  u128 kv = bytes_in(values, w.kv_format);
  if (err == GSZ_OK && w.weight_format->recipe != NULL)
    weights = e.component[GSZ_COMP_WEIGHTS];
  u128 runtime = 0;
  if (err == GSZ_OK)
    runtime = (u128)e.component[GSZ_COMP_ACTIVATIONS] + e.component[GSZ_COMP_OVERHEAD] +
              e.component[GSZ_COMP_CUDA_GRAPHS];
  u128 total = weights + kv + runtime;
  if (total > UINT64_MAX) {
    FUZZ_CHECK(err == GSZ_EOVERFLOW);
    return;
  }
  if (err == GSZ_EOVERFLOW)
    return; /* a term computed in 64 bits (the sampler's logits) may pass them first */
  /* An intermediate count past 64 bits may be refused even when the bytes
   * (a format under one byte per value) would fit: refused, not wrapped. */
  if (tokens > UINT64_MAX || tokens_conc > UINT64_MAX || values > UINT64_MAX) {
    FUZZ_CHECK(err == GSZ_OK || err == GSZ_EOVERFLOW);
    if (err != GSZ_OK)
      return;
  }
  FUZZ_CHECK(err == GSZ_OK);
  FUZZ_CHECK(e.component[GSZ_COMP_WEIGHTS] == weights);
  FUZZ_CHECK(e.component[GSZ_COMP_KV_CACHE] == kv);
  FUZZ_CHECK(e.per_gpu_bytes == total && e.total_bytes == total);
  FUZZ_CHECK(e.kv_bytes_per_token == bytes_in(ref->kv_values_per_token, w.kv_format));
}

/* Other modes and layouts: no crash, no silent wrap of the sum. */
static void check_modes(const gsz_model_ref *ref, const gsz_catalog_data *d) {
  static const gsz_mode modes[] = {GSZ_MODE_INFERENCE, GSZ_MODE_TRAIN, GSZ_MODE_LORA,
                                   GSZ_MODE_QLORA};
  const gsz_arch *a = ref->arch;
  uint32_t pp_many = a->num_hidden_layers < 5 ? a->num_hidden_layers : 5;
  const gsz_layout layouts[] = {
      {1, 1, 1}, {2, 1, 1}, {8, 2, 1}, {1, pp_many, 4}, {a->num_attention_heads, 1, 2}};
  for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++) {
    gsz_workload w;
    if (gsz_workload_defaults(&w, d, modes[m], NULL) != GSZ_OK)
      abort();
    for (int variant = 0; variant < 2; variant++) {
      w.zero = variant ? 3 : 0;
      w.method = variant ? GSZ_METHOD_QUICK : GSZ_METHOD_FULL;
      if (gsz_workload_check(&w, ref, NULL) != GSZ_OK)
        continue;
      for (size_t l = 0; l < sizeof layouts / sizeof layouts[0]; l++) {
        gsz_estimate e;
        gsz_err err = gsz_memory_estimate(&e, ref, &w, layouts[l], NULL);
        FUZZ_CHECK(err == GSZ_OK || err == GSZ_EINVAL || err == GSZ_EOVERFLOW);
        if (err != GSZ_OK)
          continue;
        u128 sum = 0;
        for (int c = 0; c < GSZ_COMP_COUNT; c++) {
          FUZZ_CHECK(e.included[c] || e.component[c] == 0);
          sum += e.component[c];
        }
        /* The quick method rounds each share up on its own. */
        FUZZ_CHECK(sum == e.per_gpu_bytes || w.method == GSZ_METHOD_QUICK);
        FUZZ_CHECK(e.total_bytes >= e.per_gpu_bytes);
      }
    }
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const gsz_catalog_data *d = builtin();
  gsz_hf_model *model = NULL;
  gsz_diag diag;
  gsz_diag_clear(&diag);
  gsz_err err = gsz_hf_config_parse(&model, (const char *)data, size, "config.json", &diag);
  if (err != GSZ_OK) {
    FUZZ_CHECK(err == GSZ_EPARSE || err == GSZ_EINVAL || err == GSZ_EUNSUPPORTED ||
               err == GSZ_EOVERFLOW || err == GSZ_ELIMIT);
    FUZZ_CHECK(diag.code == err && strstr(diag.message, "config.json") != NULL);
    return 0;
  }
  const gsz_arch *a = gsz_hf_model_arch(model);
  FUZZ_CHECK(a->name != NULL && gsz_model_type_known(a->model_type));
  gsz_param_count pc;
  FUZZ_CHECK(gsz_model_count(&pc, a, &diag) == GSZ_OK);
  check_count(&pc, a);
  check_kv(a, d);
  check_lora(a);
  for (uint32_t layer = 0; layer < 4; layer++)
    (void)gsz_model_layer_windowed(a, layer);
  gsz_model_ref ref;
  FUZZ_CHECK(gsz_model_ref_from_arch(&ref, a, &diag) == GSZ_OK);
  FUZZ_CHECK(ref.count.total == pc.total);
  FUZZ_CHECK(ref.kv_values_per_token == kv_values(a, 1) * a->num_hidden_layers);
  check_inference(&ref, d, 4096, 1, 2, 2);
  check_inference(&ref, d, 131072, 256, size, size / 3);
  check_inference(&ref, d, (uint64_t)1 << 40, (uint64_t)1 << 20, size / 5, size / 7);
  check_modes(&ref, d);
  gsz_hf_model_free(model);
  return 0;
}
