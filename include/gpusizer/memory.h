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
 *    states, master weights and runtime overhead, each exact for the
 *    layout: tensor parallelism (tp) splits weights and KV heads (KV heads
 *    are replicated when fewer than tp), pipeline parallelism (pp) splits
 *    the layers (the busiest stage is reported), data parallelism (dp)
 *    with ZeRO-1/2/3 shards optimizer, then gradients, then weights.
 *
 * Threads: pure functions of their arguments; any number of threads may
 * estimate at once. */
#ifndef GPUSIZER_MEMORY_H
#define GPUSIZER_MEMORY_H

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
  GSZ_RECOMPUTE_FULL       /* only each layer's input is kept: 2 s b h */
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
} gsz_estimate;

/* Fill the defaults for a mode: bf16 weights, KV in the weight format when
 * that is 16/32-bit float (else bf16), context 4096, concurrency 1,
 * micro-batch 1, AdamW, mixed recipe, flash attention on, LoRA rank 16 on
 * all linear layers; QLoRA uses nf4. LoRA and QLoRA default to full
 * recomputation (gradient checkpointing, as their recipes do); full
 * training to none. Formats and runtime are looked up in
 * data (runtime: the profile whose default_for matches). */
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

#ifdef __cplusplus
}
#endif
#endif
