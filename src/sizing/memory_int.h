/* memory_int.h: the estimator's fast path for the matcher. Internal. */
#ifndef GSZ_MEMORY_INT_H
#define GSZ_MEMORY_INT_H

#include "gpusizer/memory.h"
#include "util/common_int.h"

/* gsz_memory_estimate, but with_total false skips total_bytes (left 0): the
 * matcher only needs the busiest GPU, and then only one pipeline stage of
 * each shape is evaluated (stages of equal layer count, window phase and
 * dense/MoE mix differ only in in-flight micro-batches, which the earliest
 * maximises). per_gpu_bytes, components and busiest_stage are identical
 * to the full evaluation; tests/test_memory.c checks it. */
gsz_err gsz__memory_estimate(gsz_estimate *out, const gsz_model_ref *model, const gsz_workload *w,
                             gsz_layout layout, bool with_total, gsz_diag *diag);

#endif
