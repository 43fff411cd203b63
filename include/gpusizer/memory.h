/* memory.h: how many bytes a model needs on each GPU for a workload and a
 * parallel layout: the memory estimator.
 *
 * Pure computation over plain structs (no database, no files): the matcher
 * calls gsz_memory_estimate once per candidate layout, and tests call it
 * with hand-built architectures. Every size is a uint64_t byte count with
 * checked arithmetic; a request that would overflow is GSZ_EOVERFLOW.
 *
 * Two methods:
 *  - quick: the presales rule of thumb. Inference = weights; training =
 *    weights x (2 + optimizer states): AdamW 4x, SGD 3x. 7B bf16 = 14 GB.
 *  - full (default): weights, KV cache, activations, gradients, optimizer
 *    states, master weights, buffers, CUDA graphs, runtime overhead and
 *    the allocator's margin, each exact for the layout: tensor
 *    parallelism (tp) splits weights and KV heads (KV heads are
 *    replicated when fewer than tp), pipeline parallelism (pp) splits the
 *    layers (the busiest stage is reported), data parallelism (dp) with
 *    ZeRO-1/2/3 shards optimizer, then gradients, then weights.
 *
 * The terms of the full method and their sources (docs/accuracy.md
 * compares them with published measurements):
 *  - weights: the architecture's exact parameters; a quantised format
 *    with a recipe (records.h gsz_quant_recipe) quantises only the tensors
 *    it names (linear layers, or MoE experts, or llama.cpp's per-tensor
 *    types) and keeps the rest 16-bit; a checkpoint read from its files
 *    (checkpoint.h) gives the stored bytes instead.
 *  - KV cache: concurrency x context tokens (rounded up to the runtime's
 *    block, vLLM 16), GQA heads split by TP, sliding-window layers capped.
 *  - inference activations (vLLM's profile run, vllm_memory_model.md
 *    section 3): max(forward over max_batched_tokens, the sampler's
 *    sampler_copies x min(max_num_seqs, max_batched_tokens) x vocab fp32
 *    logits), the sampler on the last pipeline stage only; without an
 *    architecture, the runtime's activation_bytes.
 *  - overhead: non-torch memory inside the budget by TP/PP degree
 *    (runtime_parallel: vLLM creates no NCCL communicator at TP 1);
 *    outside_budget_bytes holds what the runtime takes before its budget
 *    (CUDA context, NCCL) and CUDA graphs when the version captures them
 *    outside it (vLLM <= 0.20).
 *  - training activations per layer, 16-bit, what autograd saves for a
 *    Llama-style layer (RMSNorm, GQA, SwiGLU, no dropout; research
 *    training_terms.md section 2): norms 4sbh, attention 2sbh + q, k, v
 *    and output (2sbh + 4sbh kv/a for GQA) + the fp32 log-sum-exp, MLP
 *    2sbh + 8sbf (41 sbh for Llama-3-8B, not Korthikanti's 34); MoE
 *    layers 2sbh(1 + k) + 8sbk f_e + the fp32 router logits; without flash
 *    attention Korthikanti's 5as^2b. Tensor parallelism divides the norms
 *    and the layer inputs only with sequence parallelism, which then
 *    all-gathers one layer's block inputs (4sbh less its shard). Full
 *    recomputation keeps each layer's input (2sbh) plus one layer's
 *    working set (its activations rebuilt and their gradients: twice one
 *    layer). Logits: bf16 logits, their fp32 upcast and its gradient,
 *    10 sbV/t bytes on the last stage (torchtune's chunked loss removed
 *    about two fp32 copies).
 *  - training states per recipe; ZeRO stage k shards the first k of
 *    (optimizer + master, gradients, weights); a runtime with
 *    fp32_grad_partition (DeepSpeed) adds an fp32 gradient partition
 *    (4 B/param / dp) from stage 1.
 *  - buffers: the gradient reduce bucket (dp > 1), ZeRO-2's contiguous
 *    gradient buffer, ZeRO-3's gathered parameters (the largest of the
 *    live-parameter ceiling, capped at the model, and the runtime's
 *    gather_layers largest units), its prefetch bucket and one unit's
 *    16-bit gradients. ZeRO-3 is therefore below ZeRO-2 on the same
 *    layout only when the weights it shards, 16-bit weights x (1 - 1/dp),
 *    outweigh those added buffers less ZeRO-2's contiguous buffer. Under
 *    DeepSpeed: not for Llama-3.2-1B on 2 GPUs (1.24 GB sharded, up to 2 GB
 *    live), always for 8B on 8 (14 GB against 2); under FSDP (two layers
 *    gathered, no live ceiling) for any model larger than a few layers.
 *  - fragmentation: the runtime's fragmentation_bp of every tensor above.
 *
 * Threads: pure functions of their arguments; any number of threads may
 * estimate at once. */
#ifndef GPUSIZER_MEMORY_H
#define GPUSIZER_MEMORY_H

#include "gpusizer/checkpoint.h"
#include "gpusizer/error.h"
#include "gpusizer/model.h"
#include "gpusizer/records.h"

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum gsz_method { GSZ_METHOD_FULL, GSZ_METHOD_QUICK } gsz_method;
typedef enum gsz_mode {
  GSZ_MODE_INFERENCE,
  GSZ_MODE_TRAIN,
  GSZ_MODE_LORA,
  GSZ_MODE_QLORA
} gsz_mode;
typedef enum gsz_optimizer {
  GSZ_OPT_ADAMW,       /* two fp32 states: 8 B/param (4 B in the bf16 recipe) */
  GSZ_OPT_ADAM8BIT,    /* bitsandbytes 8-bit Adam: 2 B/param + block scales */
  GSZ_OPT_SGD,         /* no state */
  GSZ_OPT_SGD_MOMENTUM /* one state: 4 B/param (2 B in the bf16 recipe) */
} gsz_optimizer;
typedef enum gsz_recipe {
  GSZ_RECIPE_MIXED, /* bf16/fp16 weights and gradients, fp32 master + states: 16 B/param with AdamW
                     */
  GSZ_RECIPE_FP32,  /* everything fp32: 4 + 4 + 8 = 16 B/param with AdamW, no master copy */
  GSZ_RECIPE_BF16   /* pure bf16: weights, gradients and states in bf16, no master: 8 B/param */
} gsz_recipe;
typedef enum gsz_recompute {
  GSZ_RECOMPUTE_NONE,
  GSZ_RECOMPUTE_SELECTIVE, /* attention recomputed: the s^2 term goes */
  GSZ_RECOMPUTE_FULL,      /* only each layer's input is kept: 2 s b h */
  GSZ_RECOMPUTE_AUTO       /* none when that fits, else full: gsz_memory_estimate sizes
                              none, gsz_memory_estimate_smaller sizes full */
} gsz_recompute;

/* Names for flags and output; *_parse return GSZ_EINVAL listing the choices. */
const char *gsz_method_name(gsz_method m);
const char *gsz_mode_name(gsz_mode m);
const char *gsz_optimizer_name(gsz_optimizer o);
const char *gsz_recipe_name(gsz_recipe r);
const char *gsz_recompute_name(gsz_recompute r);
gsz_err gsz_method_parse(gsz_method *out, const char *s, gsz_diag *diag);
gsz_err gsz_mode_parse(gsz_mode *out, const char *s, gsz_diag *diag);
gsz_err gsz_optimizer_parse(gsz_optimizer *out, const char *s, gsz_diag *diag);
gsz_err gsz_recipe_parse(gsz_recipe *out, const char *s, gsz_diag *diag);
gsz_err gsz_recompute_parse(gsz_recompute *out, const char *s, gsz_diag *diag);

/* The model being sized: an architecture, or only a parameter count. */
typedef struct gsz_model_ref {
  const char *label;            /* for output */
  const gsz_arch *arch;         /* NULL: only `count.total` is known */
  gsz_param_count count;        /* filled by the constructors below */
  uint64_t kv_values_per_token; /* all layers, one GPU at tp 1; 0 without an architecture */
} gsz_model_ref;

gsz_err gsz_model_ref_from_arch(gsz_model_ref *out, const gsz_arch *arch, gsz_diag *diag);
void gsz_model_ref_from_params(gsz_model_ref *out, uint64_t params, const char *label);

typedef struct gsz_workload {
  gsz_method method;
  gsz_mode mode;
  const gsz_format *weight_format;  /* --precision (QLoRA: the base format, nf4) */
  const gsz_format *kv_format;      /* --kv-precision */
  const gsz_format *compute_format; /* 16-bit format of activations, adapters,
                                       and QLoRA's unquantised parts (bf16) */
  gsz_optimizer optimizer;
  gsz_recipe recipe;
  uint64_t context;     /* tokens per sequence */
  uint64_t concurrency; /* inference: sequences served at once */
  uint64_t micro_batch; /* training: sequences per micro-batch per GPU */
  uint32_t zero;        /* ZeRO stage 0..3 (FSDP full shard = 3) */
  gsz_recompute recompute;
  bool flash_attention; /* training: no s^2 attention scores kept */
  uint32_t lora_rank;
  uint32_t lora_targets; /* GSZ_LORA_* mask */
  const gsz_runtime *runtime;
  /* The share of the GPU's visible memory the runtime may use (vLLM
   * --gpu-memory-utilization), basis points; 0: the runtime's. */
  uint32_t mem_util_bp;
  /* The memory the runtime sees on its GPU (gsz_memory_visible_bytes), for
   * the defaults that depend on it (vLLM's max_num_seqs); 0: unknown, the
   * large-GPU defaults. */
  uint64_t gpu_visible_bytes;
  /* Training with tp > 1: sequence parallelism splits the norms and layer
   * inputs across the TP ranks too (Korthikanti et al. 2022, section 4.2.2). */
  bool sequence_parallel;
  /* Weights read from a checkpoint's files (checkpoint.h); NULL: from the
   * architecture (or count) and weight_format. Borrowed. */
  const gsz_checkpoint *checkpoint;
  /* Inference speed (perf.h): prompt and generated tokens per request;
   * the request fills both (context = input + output unless given). 0:
   * not known, no speed estimate. The memory estimate does not read them. */
  uint64_t input_tokens, output_tokens;
} gsz_workload;

typedef struct gsz_layout {
  uint32_t tp, pp, dp; /* each >= 1 */
} gsz_layout;

typedef enum gsz_component {
  GSZ_COMP_WEIGHTS,
  GSZ_COMP_KV_CACHE,
  GSZ_COMP_ACTIVATIONS,
  GSZ_COMP_GRADIENTS,
  GSZ_COMP_OPTIMIZER,
  GSZ_COMP_MASTER_WEIGHTS,
  GSZ_COMP_OVERHEAD,
  GSZ_COMP_BUFFERS,       /* training: gradient buckets, ZeRO-3 gathered parameters */
  GSZ_COMP_CUDA_GRAPHS,   /* inference: CUDA graphs when the budget holds them */
  GSZ_COMP_FRAGMENTATION, /* the allocator's margin over the tensors */
  GSZ_COMP_COUNT
} gsz_component;

/* "weights", "kv_cache", ... as in the JSON output. */
const char *gsz_component_name(gsz_component c);

#define GSZ_ESTIMATE_MAX_NOTES 8

typedef struct gsz_estimate {
  gsz_method method;
  gsz_layout layout;
  /* Bytes on the busiest GPU, by component. */
  uint64_t component[GSZ_COMP_COUNT];
  /* false: not computed (needs an architecture) or not part of this
   * method; such a component is 0 and not in per_gpu_bytes. */
  bool included[GSZ_COMP_COUNT];
  uint64_t per_gpu_bytes; /* sum of the included components, busiest GPU */
  uint64_t total_bytes;   /* over all tp x pp x dp GPUs */
  uint32_t busiest_stage; /* pipeline stage of per_gpu_bytes (0-based) */
  uint64_t total_params, active_params, trainable_params;
  uint64_t kv_bytes_per_token; /* all layers, one GPU at tp = 1, kv format; 0 if unknown */
  uint32_t mem_util_bp;        /* the runtime's share of GPU memory it may use */
  /* Static sentences: what was assumed or left out, for every output. */
  const char *notes[GSZ_ESTIMATE_MAX_NOTES];
  unsigned n_notes;
  /* Per GPU, taken before the runtime's budget (not in per_gpu_bytes):
   * the CUDA context and NCCL communicators (baseline_bytes) and CUDA
   * graphs captured after the budget (graph_outside_bytes). They must fit
   * in the visible memory the budget leaves (gsz_memory_fits). */
  uint64_t outside_budget_bytes, baseline_bytes, graph_outside_bytes;
  gsz_recompute recompute;                   /* as sized: auto resolved to none or full */
  const char *weights_source;                /* "architecture", "count", "safetensors", "gguf" */
  uint32_t max_num_seqs, max_batched_tokens; /* the profile-run shapes used; 0: none */
} gsz_estimate;

/* Fill the defaults for a mode: bf16 weights, KV in the weight format when
 * that is 16/32-bit float (else bf16), context 4096, concurrency 1,
 * micro-batch 1, AdamW, mixed recipe, flash attention on, sequence
 * parallelism on, LoRA rank 16 on all linear layers; QLoRA uses nf4. Every
 * training mode defaults to full recomputation (activation checkpointing):
 * LoRA and QLoRA as their recipes do, and full fine-tuning as torchtune's
 * full fine-tune recipes (enable_activation_checkpointing: True for
 * Llama-3.1 8B and 70B) and torchtitan's 70B configuration do; without it
 * a 70B fine-tune needs hundreds of GiB of activations per GPU. Formats and
 * runtime are looked up in data (runtime: the profile whose default_for
 * matches). */
gsz_err gsz_workload_defaults(gsz_workload *out, const gsz_catalog_data *data, gsz_mode mode,
                              gsz_diag *diag);

/* Check the workload against the model once, before estimating layouts:
 * int8/int4 training is refused, recipe vs precision conflicts, missing
 * pieces. GSZ_EINVAL naming the flag. */
gsz_err gsz_workload_check(const gsz_workload *w, const gsz_model_ref *model, gsz_diag *diag);

/* Whether tp can split this model: it must divide the attention heads (and
 * the KV heads, or be a multiple of them). Without an architecture every
 * tp is allowed. On false, *why (when not NULL) gets a static reason. */
bool gsz_layout_tp_ok(const gsz_model_ref *model, uint32_t tp, const char **why);

/* Estimate the memory of one layout. GSZ_EINVAL for a bad layout (zero
 * degrees, pp above the layer count, tp that does not split the heads),
 * GSZ_EOVERFLOW when a size does not fit 64 bits. */
gsz_err gsz_memory_estimate(gsz_estimate *out, const gsz_model_ref *model, const gsz_workload *w,
                            gsz_layout layout, gsz_diag *diag);

/* The bytes a runtime may use on a GPU: floor(usable x mem_util_bp / 10000). */
uint64_t gsz_memory_budget(uint64_t usable_bytes, uint32_t mem_util_bp);

/* The share of GPU memory w's runtime may use: w->mem_util_bp when set,
 * else the runtime's (the quick method: all of it). */
uint32_t gsz_workload_mem_util_bp(const gsz_workload *w);

/* --- Recomputation chosen by the search ------------------------------------- */

/* Whether w leaves recomputation to the search (GSZ_RECOMPUTE_AUTO). */
bool gsz_workload_recompute_auto(const gsz_workload *w);

/* gsz_memory_estimate with the smaller of the needs a workload allows:
 * GSZ_RECOMPUTE_AUTO sized as full recomputation (out->recompute says so);
 * any other workload as gsz_memory_estimate. The matcher calls it when a
 * configuration does not fit without recomputation. Errors as
 * gsz_memory_estimate. */
gsz_err gsz_memory_estimate_smaller(gsz_estimate *out, const gsz_model_ref *model,
                                    const gsz_workload *w, gsz_layout layout, gsz_diag *diag);

/* --- A GPU: what the runtime sees, what fits, what the KV pool holds -------- */

/* The memory a runtime sees as the GPU's total: the catalog's
 * gpu_visible_memory row for it (vLLM's torch.cuda.mem_get_info total),
 * else the GPU's usable_mib. data may be NULL (then usable_mib). */
uint64_t gsz_memory_visible_bytes(const gsz_catalog_data *data, const gsz_gpu *gpu);

/* Whether an estimate fits a GPU whose runtime sees visible_bytes: the
 * budget (visible x utilisation) holds per_gpu_bytes, and what the budget
 * leaves holds outside_budget_bytes. */
typedef struct gsz_fit_check {
  uint64_t visible_bytes, budget_bytes;
  uint64_t outside_room_bytes; /* visible - budget */
  bool budget_ok, outside_ok;  /* fits = both */
} gsz_fit_check;
bool gsz_memory_fits(gsz_fit_check *out, const gsz_estimate *e, uint64_t visible_bytes);

/* What the KV cache pool of one replica (tp x pp GPUs) holds on a GPU whose
 * runtime sees visible_bytes, as vLLM computes it at start-up: each GPU's
 * pool is its budget less weights, activations, overhead and in-budget CUDA
 * graphs; blocks = floor(pool / (block x KV bytes per token of its
 * layers)), the minimum over the replica's GPUs; tokens = blocks x block
 * ("GPU KV cache size: N tokens"); maximum concurrency = blocks / the
 * blocks one request of the workload's context needs ("Maximum
 * concurrency for N tokens per request: X"). Every layer counts as full
 * attention, as vLLM's count does for the models gpusizer knows. A runtime
 * without a block (block_size 0) counts single tokens. */
typedef struct gsz_kv_capacity {
  uint64_t visible_bytes, budget_bytes;
  uint64_t pool_gpu_bytes; /* the tightest GPU's pool ("Available KV cache memory") */
  uint64_t pool_bytes;     /* the replica's KV tensors, whole blocks on every GPU */
  uint32_t block_tokens;
  uint64_t blocks, tokens;       /* per replica; 0 when the rest does not fit */
  uint64_t max_concurrency_x100; /* at the workload's context, x100, rounded down */
  uint64_t max_concurrency;      /* whole requests at that context */
  uint64_t max_context;          /* tokens per request at the workload's concurrency */
  bool fits;                     /* the weights and the rest fit and leave a block */
} gsz_kv_capacity;

/* GSZ_EINVAL when the model has no architecture or the workload is not
 * inference; otherwise as gsz_memory_estimate. */
gsz_err gsz_memory_kv_capacity(gsz_kv_capacity *out, const gsz_model_ref *model,
                               const gsz_workload *w, gsz_layout layout, uint64_t visible_bytes,
                               gsz_diag *diag);

#ifdef __cplusplus
}
#endif
#endif
