/* memory_train.c: the training terms of the estimator (memory.h lists
 * them with their sources; research training_terms.md derives them):
 * states per recipe and ZeRO stage with DeepSpeed's fp32 gradient
 * partition, activations per layer as autograd saves them for Llama-style
 * and MoE layers, full recomputation's working set, the logits peak,
 * communication buffers and ZeRO-3's gathered parameters, and the
 * allocator's margin. Not for inference (memory_infer.c). */
#include "sizing/memory_int.h"

#include <string.h>

static uint64_t ceil_div(uint64_t a, uint64_t b) {
  return gsz__ceil_div_u64(a, b);
}

static uint64_t max_u64(uint64_t a, uint64_t b) {
  return a > b ? a : b;
}

/* --- Activations ---------------------------------------------------------------- */

/* What one layer saves for backward for one micro-batch, 16-bit, split
 * into the part tensor parallelism always divides (inside the TP regions)
 * and the part it divides only with sequence parallelism (norm inputs,
 * the inputs of the attention and MLP blocks, the router). */
typedef struct saved {
  uint64_t split, seq;
} saved;

static saved layer_saved(calc *c, const gsz_model_ref *m, const gsz_workload *w, bool moe,
                         bool no_flash_scores) {
  const gsz_arch *a = m->arch;
  uint64_t s = w->context, b = w->micro_batch, sb = mul(c, s, b);
  uint64_t h = a->hidden_size, heads = a->num_attention_heads;
  uint64_t sbh = mul(c, sb, h);
  saved v = {0, 0};
  /* Two RMSNorms (their inputs) and the normed inputs of attention and MLP. */
  v.seq = mul(c, 8, sbh);
  if (a->kv_lora_rank > 0) {
    /* MLA: q and k of qk_nope + qk_rope per head, v and the output of
     * v_head_dim per head, the two latents. */
    uint64_t qk = (uint64_t)a->qk_nope_head_dim + a->qk_rope_head_dim;
    uint64_t per_head = add(c, mul(c, 4, qk), mul(c, 4, a->v_head_dim));
    v.split = mul(c, mul(c, sb, heads), per_head);
    v.seq = add(c, v.seq, mul(c, mul(c, 2, sb), (uint64_t)a->kv_lora_rank + a->q_lora_rank));
  } else {
    /* q and the output O (2 B x heads x d each), k and v (kv heads). */
    uint64_t d = gsz_model_head_dim(a), kv = gsz_model_kv_heads(a);
    v.split = add(c, mul(c, mul(c, 4, sb), mul(c, heads, d)), mul(c, mul(c, 4, sb), mul(c, kv, d)));
  }
  v.split = add(c, v.split, mul(c, mul(c, 4, sb), heads)); /* fp32 log-sum-exp */
  if (no_flash_scores) /* Korthikanti: softmax, dropout mask and output */
    v.split = add(c, v.split, mul(c, mul(c, 5, heads), mul(c, mul(c, s, s), b)));
  if (!moe) {
    v.split = add(c, v.split, mul(c, mul(c, 8, sb), a->intermediate_size));
  } else {
    /* Top-k dispatch replicates each token k times (the permuted input);
     * each routed and shared expert saves its SwiGLU tensors; the router's
     * logits are fp32. */
    uint64_t fe = a->moe_intermediate_size ? a->moe_intermediate_size : a->intermediate_size;
    uint64_t k = a->num_experts_per_tok;
    v.split = add(c, v.split, mul(c, mul(c, 2, sbh), k));
    v.split = add(c, v.split, mul(c, mul(c, 8, sb), mul(c, k + a->n_shared_experts, fe)));
    v.seq = add(c, v.seq, mul(c, mul(c, 4, sb), a->num_local_experts));
  }
  return v;
}

/* One layer's saved bytes on one GPU. */
static uint64_t layer_bytes(calc *c, const gsz_model_ref *m, const gsz_workload *w, bool moe,
                            bool no_flash_scores, uint32_t tp) {
  saved v = layer_saved(c, m, w, moe, no_flash_scores);
  uint64_t bytes =
      add(c, ceil_div(v.split, tp), w->sequence_parallel ? ceil_div(v.seq, tp) : v.seq);
  if (w->recipe == GSZ_RECIPE_FP32 && w->mode == GSZ_MODE_TRAIN)
    bytes = mul(c, bytes, 2); /* the counts assume 16-bit activations */
  return bytes;
}

static uint64_t activations(calc *c, const gsz_model_ref *m, const gsz_workload *w,
                            gsz_recompute recompute, gsz_layout l, const gsz__stage *st) {
  const gsz_arch *a = m->arch;
  /* 1F1B: stage i keeps (pp - i) micro-batches of its layers in flight. */
  uint64_t in_flight = l.pp - st->index;
  bool scores = recompute == GSZ_RECOMPUTE_NONE && !w->flash_attention;
  uint64_t dense = st->n_dense ? layer_bytes(c, m, w, false, scores, l.tp) : 0;
  uint64_t moe = st->n_moe ? layer_bytes(c, m, w, true, scores, l.tp) : 0;
  uint64_t act;
  if (recompute == GSZ_RECOMPUTE_FULL) {
    /* Each layer's input is kept; during a layer's backward its
     * activations are rebuilt and their gradients made: twice one layer
     * (derived, training_terms.md section 2). */
    uint64_t input = mul(c, mul(c, 2, w->context), mul(c, w->micro_batch, a->hidden_size));
    if (w->sequence_parallel)
      input = ceil_div(input, l.tp);
    if (w->recipe == GSZ_RECIPE_FP32 && w->mode == GSZ_MODE_TRAIN)
      input = mul(c, input, 2);
    act = add(c, mul(c, mul(c, input, st->n_layers), in_flight), mul(c, 2, max_u64(dense, moe)));
  } else {
    act = mul(c, add(c, mul(c, dense, st->n_dense), mul(c, moe, st->n_moe)), in_flight);
  }
  if (w->sequence_parallel && l.tp > 1) {
    /* Sequence parallelism keeps the inputs of the attention and MLP blocks
     * sharded and all-gathers them for the layer being computed: 4sbh of
     * whole inputs, less the shard already counted, once (one layer at a
     * time, forward or backward). */
    uint64_t sbh = mul(c, mul(c, w->context, w->micro_batch), a->hidden_size);
    act = add(c, act, ceil_div(mul(c, mul(c, 4, sbh), l.tp - 1), l.tp));
  }
  if (st->last) {
    /* Logits of the loss: bf16 logits, their fp32 upcast and its fp32
     * gradient (fp32 recipe: 3 fp32 tensors), vocabulary-parallel. */
    uint64_t per = w->recipe == GSZ_RECIPE_FP32 ? 12 : 10;
    uint64_t logits = mul(c, mul(c, mul(c, per, w->context), w->micro_batch), a->vocab_size);
    act = add(c, act, ceil_div(logits, l.tp));
  }
  return act;
}

/* --- States -------------------------------------------------------------------------- */

/* Bytes per parameter of each training state, by recipe and optimizer. */
typedef struct state_bytes {
  uint64_t gradient, master, optimizer;
} state_bytes;

static state_bytes training_states(const gsz_workload *w) {
  state_bytes sb = {0, 0, 0};
  bool fp32 = w->recipe == GSZ_RECIPE_FP32;
  bool pure16 = w->recipe == GSZ_RECIPE_BF16;
  sb.gradient = fp32 ? 4 : 2;
  sb.master = w->recipe == GSZ_RECIPE_MIXED ? 4 : 0;
  switch (w->optimizer) {
  case GSZ_OPT_ADAMW:
    sb.optimizer = pure16 ? 4 : 8;
    break;
  case GSZ_OPT_ADAM8BIT:
    sb.optimizer = 2;
    break;
  case GSZ_OPT_SGD:
    sb.optimizer = 0;
    break;
  case GSZ_OPT_SGD_MOMENTUM:
    sb.optimizer = pure16 ? 2 : 4;
    break;
  }
  return sb;
}

static uint64_t shard(uint64_t bytes, bool sharded, uint32_t dp) {
  return sharded ? ceil_div(bytes, dp) : bytes;
}

/* --- Buffers --------------------------------------------------------------------------- */

/* The largest unit ZeRO-3 / FSDP gathers at once, parameters on one TP
 * rank: a transformer layer, or the embedding or LM head (DeepSpeed's
 * estimator takes the largest module; FSDP wraps them apart). */
static uint64_t largest_unit(calc *c, const gsz_model_ref *m, uint32_t tp) {
  const gsz_param_count *pc = &m->count;
  uint64_t unit = 0;
  if (m->arch == NULL)
    return 0;
  if (pc->n_dense_layers)
    unit = gsz__layer_on_rank(c, &pc->dense_layer, m->arch, tp);
  if (pc->n_moe_layers)
    unit = max_u64(unit, gsz__layer_on_rank(c, &pc->moe_layer, m->arch, tp));
  return max_u64(unit, ceil_div(max_u64(pc->embedding, pc->lm_head), tp));
}

static uint64_t buffers(calc *c, const gsz_model_ref *m, const gsz_workload *w, gsz_layout l,
                        const gsz__stage *st, uint64_t trainable) {
  const gsz_runtime *rt = w->runtime;
  if (l.dp <= 1)
    return 0;                             /* nothing to reduce or gather */
  uint64_t bytes = rt->grad_bucket_bytes; /* reduce bucket, any ZeRO stage */
  if (w->zero == 2)
    bytes = add(c, bytes, rt->zero2_buffer_bytes); /* contiguous gradients */
  if (w->zero >= 3) {
    /* Gathered 16-bit parameters: up to the live ceiling (capped at what
     * this stage holds, trained or frozen), at least gather_layers of the
     * largest unit; the prefetch bucket; one unit's 16-bit gradients. */
    uint64_t unit = largest_unit(c, m, l.tp);
    uint64_t live = rt->zero3_live_params < st->params ? rt->zero3_live_params : st->params;
    uint64_t gathered = max_u64(live, mul(c, rt->zero3_gather_layers, unit));
    gathered = add(c, gathered, rt->zero3_prefetch_params);
    /* Gathered in the format they are sharded in: 16-bit when trained, the
     * frozen base's own (NF4 for QLoRA) under adapters. */
    const gsz_format *held = w->mode == GSZ_MODE_TRAIN ? w->compute_format : w->weight_format;
    bytes = add(c, bytes, gsz__in_format(c, gathered, held));
    uint64_t unit_grads = trainable < unit ? trainable : unit;
    bytes = add(c, bytes, gsz__in_format(c, unit_grads, w->compute_format));
  }
  return bytes;
}

void gsz__training_stage(calc *c, uint64_t comp[GSZ_COMP_COUNT], const gsz_model_ref *m,
                         const gsz_workload *w, gsz_recompute recompute, gsz_layout l,
                         const gsz__stage *st, uint64_t trainable) {
  const gsz_runtime *rt = w->runtime;
  state_bytes sb = training_states(w);
  uint64_t grads = shard(mul(c, trainable, sb.gradient), w->zero >= 2, l.dp);
  if (rt->fp32_grad_partition && w->zero >= 1 && sb.gradient < 4)
    grads = add(c, grads, ceil_div(mul(c, trainable, 4), l.dp)); /* DeepSpeed's fp32 partition */
  comp[GSZ_COMP_GRADIENTS] = grads;
  comp[GSZ_COMP_MASTER_WEIGHTS] = shard(mul(c, trainable, sb.master), w->zero >= 1, l.dp);
  comp[GSZ_COMP_OPTIMIZER] = shard(mul(c, trainable, sb.optimizer), w->zero >= 1, l.dp);
  if (m->arch != NULL)
    comp[GSZ_COMP_ACTIVATIONS] = activations(c, m, w, recompute, l, st);
  comp[GSZ_COMP_BUFFERS] = buffers(c, m, w, l, st, trainable);
  uint64_t world = mul(c, mul(c, l.tp, l.pp), l.dp);
  comp[GSZ_COMP_OVERHEAD] = rt->cuda_context_bytes;
  if (world > 1)
    comp[GSZ_COMP_OVERHEAD] = add(c, comp[GSZ_COMP_OVERHEAD], rt->comm_buffer_bytes);
  /* The allocator's margin over every tensor (not the CUDA context). */
  uint64_t tensors = 0;
  for (int i = 0; i < GSZ_COMP_COUNT; i++)
    if (i != GSZ_COMP_OVERHEAD && i != GSZ_COMP_FRAGMENTATION)
      tensors = add(c, tensors, comp[i]);
  comp[GSZ_COMP_FRAGMENTATION] = ceil_div(mul(c, tensors, rt->fragmentation_bp), GSZ_BP_SCALE);
}
