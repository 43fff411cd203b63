/* memory_infer.c: the inference terms of the estimator, as a serving
 * runtime allocates them (vLLM's start-up arithmetic, research
 * vllm_memory_model.md): the KV cache a workload needs, the profile run's
 * activation peak, non-torch memory by parallel degree inside and outside
 * the budget, CUDA graphs, and the KV pool a GPU holds (gsz_memory_kv_
 * capacity: vLLM's "GPU KV cache size" and "Maximum concurrency" lines).
 * Not for training (memory_train.c). */
#include "sizing/memory_int.h"

#include <string.h>

static uint64_t ceil_div(uint64_t a, uint64_t b) {
  return gsz__ceil_div_u64(a, b);
}

static uint64_t max_u64(uint64_t a, uint64_t b) {
  return a > b ? a : b;
}

/* --- KV cache ------------------------------------------------------------- */

/* Tokens rounded up to whole blocks of the runtime (vLLM allocates a
 * request's cache 16 tokens at a time). */
static uint64_t in_blocks(uint64_t tokens, uint32_t block) {
  return block > 1 ? ceil_div(tokens, block) * block : tokens;
}

static uint64_t kv_cache(calc *c, const gsz_model_ref *m, const gsz_workload *w, gsz_layout l,
                         const gsz__stage *st) {
  const gsz_arch *a = m->arch;
  uint64_t per_layer = gsz_model_kv_values_per_layer(a, l.tp);
  /* Windowed layers of [first, end), counted not scanned: with a pattern
   * N, layer i attends fully when (i + 1) is a multiple of N (see
   * gsz_model_layer_windowed). */
  uint64_t first = st->first_layer, end = first + st->n_layers, windowed = 0;
  if (a->sliding_window > 0) {
    uint64_t n = a->sliding_window_pattern;
    windowed = st->n_layers;
    if (n > 1)
      windowed -= end / n - first / n;
  }
  uint32_t block = w->runtime->block_size;
  uint64_t window = a->sliding_window < w->context ? a->sliding_window : w->context;
  uint64_t tokens = add(c, mul(c, windowed, in_blocks(window, block)),
                        mul(c, st->n_layers - windowed, in_blocks(w->context, block)));
  uint64_t values = mul(c, mul(c, tokens, w->concurrency), per_layer);
  return gsz__in_format(c, values, w->kv_format);
}

uint64_t gsz__kv_values_on_stage(calc *c, const gsz_arch *a, gsz_layout l, const gsz__stage *st) {
  return mul(c, gsz_model_kv_values_per_layer(a, l.tp), st->n_layers);
}

/* --- The profile run's activation peak --------------------------------------- */

static bool large_gpu(const gsz_runtime *rt, uint64_t visible) {
  return visible == 0 || visible >= ((uint64_t)rt->large_gpu_mib << 20);
}

/* Bytes per token of the forward's peak on one TP rank, in the compute
 * format (derived, vllm_memory_model.md section 3): the residual stream
 * and the normed input (2h), the MLP's fused gate/up output (2w) and its
 * activation (w), w the MLP width on the rank; a MoE layer's width is
 * top-k experts (plus shared ones) and its output cache adds k x h. */
static uint64_t forward_per_token(calc *c, const gsz_model_ref *m, const gsz_workload *w,
                                  uint32_t tp) {
  const gsz_arch *a = m->arch;
  uint64_t h = a->hidden_size, values = 0;
  if (m->count.n_dense_layers > 0)
    values = add(c, mul(c, 2, h), mul(c, 3, ceil_div(a->intermediate_size, tp)));
  if (m->count.n_moe_layers > 0) {
    uint64_t fe = a->moe_intermediate_size ? a->moe_intermediate_size : a->intermediate_size;
    uint64_t width =
        mul(c, (uint64_t)a->num_experts_per_tok + a->n_shared_experts, ceil_div(fe, tp));
    uint64_t moe =
        add(c, add(c, mul(c, 2, h), mul(c, 3, width)), mul(c, a->num_experts_per_tok, h));
    values = max_u64(values, moe);
  }
  return gsz__in_format(c, values, w->compute_format);
}

static uint64_t profile_activations(calc *c, gsz_estimate *e, const gsz_model_ref *m,
                                    const gsz_workload *w, gsz_layout l, const gsz__stage *st) {
  const gsz_runtime *rt = w->runtime;
  bool modelled = rt->sampler_copies_milli > 0 || rt->forward_peak;
  if (m->arch == NULL || !modelled)
    return rt->activation_bytes; /* the documented default: a fixed profile-run peak */
  bool large = large_gpu(rt, w->gpu_visible_bytes);
  uint64_t seqs = large ? rt->max_num_seqs : rt->max_num_seqs_small;
  uint64_t tokens = large ? rt->max_batched_tokens : rt->max_batched_tokens_small;
  if (seqs == 0 || tokens == 0)
    return rt->activation_bytes;
  e->max_num_seqs = (uint32_t)seqs;
  e->max_batched_tokens = (uint32_t)tokens;
  uint64_t forward = rt->forward_peak ? mul(c, tokens, forward_per_token(c, m, w, l.tp)) : 0;
  uint64_t sampler = 0;
  if (st->last && rt->sampler_copies_milli > 0) {
    /* The sampler warm-up on the last stage: logits of min(seqs, tokens)
     * requests over the whole vocabulary (gathered on every TP rank), in
     * fp32, sampler_copies of them at the peak. */
    uint64_t rows = seqs < tokens ? seqs : tokens;
    uint64_t logits = mul(c, mul(c, rows, m->arch->vocab_size), 4);
    sampler =
        add(c, rt->sampler_base_bytes, ceil_div(mul(c, logits, rt->sampler_copies_milli), 1000));
  }
  return max_u64(forward, sampler);
}

/* --- Non-torch memory by parallel degree ------------------------------------------ */

/* The runtime_parallel row for layout l: the largest tp <= l.tp, then the
 * largest pp <= l.pp; NULL when none applies. */
static const gsz_runtime_parallel *parallel_row(const gsz_runtime *rt, gsz_layout l) {
  const gsz_runtime_parallel *best = NULL;
  for (size_t i = 0; i < rt->n_parallel; i++) {
    const gsz_runtime_parallel *p = &rt->parallel[i];
    if (p->tp > l.tp || p->pp > l.pp)
      continue;
    if (best == NULL || p->tp > best->tp || (p->tp == best->tp && p->pp > best->pp))
      best = p;
  }
  return best;
}

void gsz__inference_stage(calc *c, uint64_t comp[GSZ_COMP_COUNT], gsz_estimate *e,
                          const gsz_model_ref *m, const gsz_workload *w, gsz_layout l,
                          const gsz__stage *st) {
  const gsz_runtime *rt = w->runtime;
  if (m->arch != NULL)
    comp[GSZ_COMP_KV_CACHE] = kv_cache(c, m, w, l, st);
  comp[GSZ_COMP_ACTIVATIONS] = profile_activations(c, e, m, w, l, st);
  const gsz_runtime_parallel *p = parallel_row(rt, l);
  uint64_t outside = 0;
  if (p != NULL) {
    comp[GSZ_COMP_OVERHEAD] = p->in_budget_bytes;
    outside = p->outside_bytes;
  } else {
    comp[GSZ_COMP_OVERHEAD] = rt->cuda_context_bytes;
    if ((uint64_t)l.tp * l.pp > 1)
      comp[GSZ_COMP_OVERHEAD] = add(c, comp[GSZ_COMP_OVERHEAD], rt->comm_buffer_bytes);
  }
  uint64_t graphs_outside = 0;
  if (rt->graph_in_budget)
    comp[GSZ_COMP_CUDA_GRAPHS] = rt->graph_bytes;
  else
    graphs_outside = rt->graph_bytes;
  e->baseline_bytes = max_u64(e->baseline_bytes, outside);
  e->graph_outside_bytes = max_u64(e->graph_outside_bytes, graphs_outside);
  e->outside_budget_bytes = add(c, e->baseline_bytes, e->graph_outside_bytes);
}

/* --- The KV pool of a GPU ------------------------------------------------------------ */

gsz_err gsz_memory_kv_capacity(gsz_kv_capacity *out, const gsz_model_ref *m, const gsz_workload *w,
                               gsz_layout l, uint64_t visible_bytes, gsz_diag *diag) {
  if (m->arch == NULL || w->mode != GSZ_MODE_INFERENCE || w->method != GSZ_METHOD_FULL)
    return gsz__diag_set(diag, GSZ_EINVAL,
                         "the KV pool needs an architecture, inference and the full method");
  gsz_workload on_gpu = *w;
  on_gpu.gpu_visible_bytes = visible_bytes;
  gsz_estimate e;
  gsz_err err = gsz_memory_estimate(&e, m, &on_gpu, l, diag); /* checks the layout too */
  if (err != GSZ_OK)
    return err;
  gsz_kv_capacity k;
  memset(&k, 0, sizeof k);
  k.visible_bytes = visible_bytes;
  k.budget_bytes = gsz_memory_budget(visible_bytes, e.mem_util_bp);
  k.block_tokens = w->runtime->block_size ? w->runtime->block_size : 1;
  calc c = {false};
  uint64_t blocks = UINT64_MAX, pool_gpu = UINT64_MAX, block_values = 0;
  bool fits = true;
  for (uint32_t s = 0; s < l.pp; s++) {
    gsz__stage st = gsz__stage_of(&c, m, l, s);
    gsz_estimate stage_e;
    memset(&stage_e, 0, sizeof stage_e);
    uint64_t comp[GSZ_COMP_COUNT];
    memset(comp, 0, sizeof comp);
    comp[GSZ_COMP_WEIGHTS] =
        on_gpu.checkpoint != NULL
            ? gsz__checkpoint_on_stage(&c, on_gpu.checkpoint, m, l, &st)
            : gsz__weights_on_stage(&c, m, on_gpu.weight_format, on_gpu.compute_format, l, &st);
    gsz__inference_stage(&c, comp, &stage_e, m, &on_gpu, l, &st);
    uint64_t rest = 0;
    for (int i = 0; i < GSZ_COMP_COUNT; i++)
      if (i != GSZ_COMP_KV_CACHE)
        rest = add(&c, rest, comp[i]);
    uint64_t pool = rest < k.budget_bytes ? k.budget_bytes - rest : 0;
    fits = fits && rest < k.budget_bytes;
    /* One block of this stage's layers on one GPU. */
    uint64_t values = mul(&c, gsz__kv_values_on_stage(&c, m->arch, l, &st), k.block_tokens);
    uint64_t block_bytes = gsz__in_format(&c, values, on_gpu.kv_format);
    uint64_t n = block_bytes ? pool / block_bytes : 0;
    if (n < blocks)
      blocks = n;
    if (pool < pool_gpu)
      pool_gpu = pool;
    block_values = add(&c, block_values, values);
  }
  if (c.overflow)
    return gsz__diag_set(diag, GSZ_EOVERFLOW, "the KV pool of this request overflows 64 bits");
  k.pool_gpu_bytes = pool_gpu;
  k.blocks = blocks;
  k.fits = fits && blocks > 0;
  k.tokens = mul(&c, blocks, k.block_tokens);
  /* Whole blocks on every GPU of the replica: each stage's block on each of
   * its tp ranks. */
  k.pool_bytes = mul(&c, gsz__in_format(&c, mul(&c, block_values, blocks), on_gpu.kv_format), l.tp);
  uint64_t per_request = ceil_div(w->context, k.block_tokens);
  k.max_concurrency = blocks / per_request;
  unsigned __int128 x100 = (unsigned __int128)blocks * 100 / per_request;
  k.max_concurrency_x100 = x100 > UINT64_MAX ? UINT64_MAX : (uint64_t)x100;
  k.max_context = mul(&c, blocks / w->concurrency, k.block_tokens);
  if (c.overflow)
    return gsz__diag_set(diag, GSZ_EOVERFLOW, "the KV pool of this request overflows 64 bits");
  *out = k;
  return GSZ_OK;
}
