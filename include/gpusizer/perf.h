/* perf.h: how fast a configuration serves or trains a model: the decode
 * step, each user's decode speed, the aggregate output throughput, the
 * time to first token, the batch that really fits and what bounds it; and
 * the days a training run takes. The performance stage beside the memory
 * estimate (memory.h).
 *
 * Pure computation over records: the model's counts (model.h, never
 * recounted here), a GPU record, number formats, the GPU-to-GPU link and a
 * runtime's efficiency profile (records.h, table runtime_efficiency). No
 * database, no allocation. docs/performance-model.md gives every formula,
 * every assumption and the measurements the efficiency factors were
 * calibrated on, with the error of each estimate.
 *
 * Units at the boundary are integers: times in microseconds (TTFT also in
 * milliseconds), speeds in milli-tokens per second, bytes, FLOPs; the
 * model computes in doubles inside and rounds once, to the nearest unit.
 *
 * Threads: pure functions of their arguments; any number of threads may
 * estimate at once. */
#ifndef GPUSIZER_PERF_H
#define GPUSIZER_PERF_H

#include "gpusizer/error.h"
#include "gpusizer/memory.h"
#include "gpusizer/model.h"
#include "gpusizer/records.h"

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What limits the estimate: reading weights and KV cache, arithmetic, the
 * KV cache room (fewer sequences fit than were asked for), or the
 * GPU-to-GPU traffic of tensor parallelism. */
typedef enum gsz_bound {
  GSZ_BOUND_MEMORY_BANDWIDTH,
  GSZ_BOUND_COMPUTE,
  GSZ_BOUND_KV_CAPACITY,
  GSZ_BOUND_INTERCONNECT
} gsz_bound;

/* "memory_bandwidth", "compute", "kv_capacity", "interconnect". */
const char *gsz_bound_name(gsz_bound bound);

/* The link a group of GPUs talks over, as the model uses it. */
typedef struct gsz_link {
  gsz_link_kind kind;
  double busbw_gbs;  /* all-reduce bus bandwidth, GB/s: time = bytes x 2(n-1)/n / busbw */
  double latency_us; /* one small all-reduce, or one pipeline hand-off */
} gsz_link;

/* The link a tensor-parallel group of group GPUs of gpu uses: the GPU's own
 * when the group fits its link domain (the measured all-reduce bus
 * bandwidth, else 80% of the line rate, NCCL's protocol overhead); an
 * xGMI mesh group of n uses n-1 of the links; bridged cards beyond the
 * bridge, and any group without a GPU link, use PCIe (the constants in
 * docs/performance-model.md). A group of 1 needs no link (all zero).
 * GSZ_EINVAL for group 0 or a group larger than an NVSwitch domain (tensor
 * parallelism does not cross nodes); GSZ_ENOTFOUND when the GPU has no
 * link recorded. */
gsz_err gsz_perf_link(gsz_link *out, const gsz_gpu *gpu, uint32_t group, gsz_diag *diag);

/* The network hop between nodes, for pipeline stages that cross them
 * (one 400 Gb/s NIC per stage boundary; docs/performance-model.md). */
gsz_link gsz_perf_network_link(void);

/* One inference configuration and its workload. Every pointer is borrowed. */
typedef struct gsz_perf_input {
  const gsz_model_ref *model;       /* must have an architecture */
  const gsz_gpu *gpu;               /* bandwidth_gbs, the peaks */
  const gsz_format *weight_format;  /* stored weights */
  const gsz_format *kv_format;      /* KV cache */
  gsz_support support;              /* of weight_format on this GPU and runtime
                                       (gsz_catalog_format_support): NATIVE computes
                                       in the format's peak (fp8, fp4, int8); any other
                                       value but NONE computes at the 16-bit peak; NONE
                                       is refused */
  gsz_layout layout;                /* tp, pp of one replica; dp = replicas */
  uint64_t input_tokens;            /* prompt tokens per request */
  uint64_t output_tokens;           /* generated tokens per request */
  uint64_t concurrency;             /* requests in flight over all replicas */
  uint64_t kv_capacity_tokens;      /* KV cache room of one replica, tokens; 0: not
                                       known, the batch is not capped */
  const gsz_link *link;             /* tensor-parallel link; NULL: gsz_perf_link(gpu, tp) */
  const gsz_link *pp_link;          /* pipeline hand-offs; NULL: the tp link (one node) */
  const gsz_efficiency *efficiency; /* the runtime on this GPU's architecture */
} gsz_perf_input;

typedef struct gsz_perf_estimate {
  /* Steady state of every replica serving batch sequences at once, with
   * new prompts' prefill chunked into the decode steps. */
  uint64_t batch;            /* sequences per replica at once */
  bool batch_capped;         /* the KV room held batch below the requested concurrency */
  uint64_t max_concurrency;  /* sequences all replicas' KV room holds; 0: not known */
  uint64_t step_us;          /* time between two tokens of one sequence (TPOT) */
  uint64_t user_mtps;        /* each user's decode speed, milli-tokens/s */
  uint64_t output_mtps;      /* output tokens/s of all replicas, milli-tokens/s */
  uint64_t ttft_us, ttft_ms; /* time to first token at the requested concurrency */
  gsz_bound bound;
  /* One decode step of one sequence group on the busiest GPU, for
   * reports and tests. */
  uint64_t bytes_per_step; /* weights and KV cache read */
  uint64_t memory_us, compute_us, interconnect_us, overhead_us;
  double experts_touched; /* MoE: expected distinct experts per MoE layer per step; 0: dense */
  const char *compute;    /* the peak decode runs at: "fp8", "fp4", "int8" or "16-bit" */
} gsz_perf_estimate;

/* Estimate one configuration (docs/performance-model.md). GSZ_EINVAL naming
 * the field for a missing or zero input, a layout the model cannot split,
 * a format that does not run (support NONE) or a GPU without bandwidth or
 * a 16-bit peak; GSZ_ENOMATCH when the KV room of a replica holds less
 * than one request (input + output tokens); GSZ_EOVERFLOW when token
 * counts or a result do not fit 64 bits. On error *out is untouched. */
gsz_err gsz_perf_inference(gsz_perf_estimate *out, const gsz_perf_input *in, gsz_diag *diag);

/* Expected distinct experts that tokens routed top-k among experts touch
 * in one layer, with uniform routing: experts x (1 - (1 - k/experts)^tokens).
 * 0 when experts or k is 0. */
double gsz_perf_experts_touched(uint32_t experts, uint32_t k, double tokens);

/* The KV cache room of one replica, in tokens: the runtime's budget of the
 * busiest GPU (gsz_memory_budget of usable_bytes) less everything the
 * memory estimate puts there but the KV cache, divided by the KV bytes of
 * one sequence of w->context tokens, times w->context (so sliding windows
 * count). w is an inference workload; its concurrency is ignored. 0 when
 * nothing is left; errors are gsz_memory_estimate's. An interim helper:
 * the memory estimator's own KV pool replaces it when it gives one. */
gsz_err gsz_perf_kv_capacity(uint64_t *tokens, const gsz_model_ref *model, const gsz_workload *w,
                             gsz_layout layout, uint64_t usable_bytes, gsz_diag *diag);

/* --- Training ---------------------------------------------------------- */

typedef struct gsz_train_input {
  const gsz_model_ref *model; /* count.active (MoE: the active parameters) */
  const gsz_gpu *gpu;         /* tflops_bf16: MFU is measured against the 16-bit peak */
  uint64_t gpus;
  uint64_t tokens;                  /* training tokens */
  gsz_recompute recompute;          /* full: 8 N FLOPs per token, else 6 N */
  const gsz_efficiency *efficiency; /* mfu_bp (mfu_moe_bp for MoE models) */
} gsz_train_input;

typedef struct gsz_train_estimate {
  uint64_t flops_per_token; /* 6 or 8 x active parameters */
  uint32_t mfu_bp;          /* the utilisation used */
  uint64_t tokens_mps;      /* whole cluster, milli-tokens/s */
  uint64_t seconds;         /* for all tokens, rounded up */
  uint64_t days_milli;      /* days x 1000, rounded up */
} gsz_train_estimate;

/* time = flops_per_token x tokens / (gpus x tflops_bf16 x MFU). GSZ_EINVAL
 * for zero GPUs or tokens, no 16-bit peak, or a profile without an MFU;
 * GSZ_EOVERFLOW when the FLOPs or the seconds do not fit 64 bits. */
gsz_err gsz_perf_training(gsz_train_estimate *out, const gsz_train_input *in, gsz_diag *diag);

#ifdef __cplusplus
}
#endif
#endif
