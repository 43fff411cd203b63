/* memory_int.h: what the estimator's files share (memory.c drives,
 * memory_infer.c and memory_train.c size the terms of each mode, quant.c
 * and checkpoint.c the weights), and its fast path for the matcher.
 * Internal. */
#ifndef GSZ_MEMORY_INT_H
#define GSZ_MEMORY_INT_H

#include "gpusizer/memory.h"
#include "util/calc_int.h"
#include "util/common_int.h"

/* gsz_memory_estimate, but with_total false skips total_bytes (left 0): the
 * matcher only needs the busiest GPU, and then only one pipeline stage of
 * each shape is evaluated (stages of equal layer count, window phase and
 * dense/MoE mix differ only in in-flight micro-batches, which the earliest
 * maximises). per_gpu_bytes, components and busiest_stage are identical
 * to the full evaluation; tests/test_memory.c checks it. smaller: size
 * GSZ_RECOMPUTE_AUTO as full recomputation (else as none). */
gsz_err gsz__memory_estimate(gsz_estimate *out, const gsz_model_ref *model, const gsz_workload *w,
                             gsz_layout layout, bool with_total, gsz_diag *diag);
gsz_err gsz__memory_estimate_ex(gsz_estimate *out, const gsz_model_ref *model,
                                const gsz_workload *w, gsz_layout layout, bool with_total,
                                bool smaller, gsz_diag *diag);

/* One pipeline stage of a layout, as one of its GPUs holds it. */
typedef struct gsz__stage {
  uint32_t index, first_layer, n_layers;
  uint32_t n_dense, n_moe; /* of its layers */
  bool first, last;
  uint64_t params; /* on one GPU of this stage (TP rank) */
  uint64_t linear; /* of which in linear layers (QLoRA quantises these) */
} gsz__stage;

/* The stage of layout l that holds pipeline stage s (a bare count: one
 * stage, the model split evenly over tp x pp). */
gsz__stage gsz__stage_of(calc *c, const gsz_model_ref *m, gsz_layout l, uint32_t s);

/* One layer's parameters on one TP rank. */
uint64_t gsz__layer_on_rank(calc *c, const gsz_layer_params *p, const gsz_arch *a, uint32_t tp);

/* Bytes of values in format f (overflow sets c). */
uint64_t gsz__in_format(calc *c, uint64_t values, const gsz_format *f);

/* Bytes of the weights one GPU of stage st holds in format f: its recipe's
 * stored layout (quant.c); f without a recipe: every parameter in f. */
uint64_t gsz__weights_on_stage(calc *c, const gsz_model_ref *m, const gsz_format *f,
                               const gsz_format *compute, gsz_layout l, const gsz__stage *st);

/* Bytes of a checkpoint's weights on one GPU of stage st (checkpoint.c):
 * the layers the stage holds, the embedding on the first stage, the head
 * and the rest on the last; tensor parallelism splits each layer like the
 * architecture's parameters. */
uint64_t gsz__checkpoint_on_stage(calc *c, const gsz_checkpoint *ck, const gsz_model_ref *m,
                                  gsz_layout l, const gsz__stage *st);

/* Inference terms of one GPU of stage st (memory_infer.c): KV cache for
 * the workload, the profile-run activation peak, in-budget overhead and
 * CUDA graphs into comp; e gets the profile shapes and what lies outside
 * the budget. */
void gsz__inference_stage(calc *c, uint64_t comp[GSZ_COMP_COUNT], gsz_estimate *e,
                          const gsz_model_ref *m, const gsz_workload *w, gsz_layout l,
                          const gsz__stage *st);

/* Training terms of one GPU of stage st (memory_train.c): states,
 * activations, buffers, overhead and fragmentation into comp (weights
 * already there). trainable: parameters trained on this GPU before ZeRO. */
void gsz__training_stage(calc *c, uint64_t comp[GSZ_COMP_COUNT], const gsz_model_ref *m,
                         const gsz_workload *w, gsz_recompute recompute, gsz_layout l,
                         const gsz__stage *st, uint64_t trainable);

/* KV values per token one GPU of stage st holds, every layer counted as
 * full attention (vLLM's pool arithmetic). */
uint64_t gsz__kv_values_on_stage(calc *c, const gsz_arch *a, gsz_layout l, const gsz__stage *st);

#endif
