/* perf.c: the performance model (perf.h): decode steps, throughput, time
 * to first token and training time from a model's counts, a GPU's peaks,
 * its link and a runtime's efficiency profile. Not the memory estimate
 * (memory.c), whose KV room it takes as an input.
 *
 * A roofline per step, as docs/performance-model.md derives it:
 *   step = max(bytes / (bandwidth x eff_bw), FLOPs / (peak x eff_compute))
 *          + all-reduces + per-step overhead
 * with the bytes of the busiest GPU (its weights, the experts the step's
 * tokens touch, the batch's KV cache) and prefill chunked into the decode
 * steps as vLLM schedules it. Doubles inside; the boundary rounds once. */
#include "gpusizer/perf.h"
#include "util/common_int.h"

#include <math.h>

/* Bridged cards beyond their bridge, and the scale-out hop of pipeline
 * stages on different nodes (sources in docs/performance-model.md). */
#define PCIE_BUSBW_GBS 28.0   /* NVIDIA/nccl#1639: 8x RTX 5090 over PCIe, all_reduce_perf */
#define PCIE_LATENCY_US 120.0 /* IOG-Foundation vLLM 0.8.5 on 2/4/8x RTX 4090: 0.1-0.15 ms */
#define NET_BUSBW_GBS 40.0    /* one 400 Gb/s NIC (50 GB/s) at NCCL's 80% */
#define NET_LATENCY_US 47.0   /* NVIDIA/nccl#1244: 2 nodes over NDR, small all-reduce */
#define LINE_RATE_SHARE 0.8   /* nccl-tests#212: ~20% protocol overhead on the line rate */
#define PCIE_RATE_SHARE 0.44  /* nccl#1639: 28 of 63 GB/s through PCIe switches and the host */
#define ACTIVATION_BYTES 2.0  /* 16-bit activations cross the links */
#define UTILISATION_CAP 0.95  /* queueing: a prefill queue is never taken as full */

static const char *const bound_names[] = {"memory_bandwidth", "compute", "kv_capacity",
                                          "interconnect"};

const char *gsz_bound_name(gsz_bound bound) {
  return (unsigned)bound < GSZ_ARRAY_LEN(bound_names) ? bound_names[bound] : "unknown";
}

/* --- Links ------------------------------------------------------------- */

gsz_link gsz_perf_network_link(void) {
  return (gsz_link){GSZ_LINK_ROCE, NET_BUSBW_GBS, NET_LATENCY_US};
}

static gsz_link pcie_link(void) {
  return (gsz_link){GSZ_LINK_PCIE, PCIE_BUSBW_GBS, PCIE_LATENCY_US};
}

gsz_err gsz_perf_link(gsz_link *out, const gsz_gpu *gpu, uint32_t group, gsz_diag *diag) {
  if (group == 0)
    return gsz__diag_set(diag, GSZ_EINVAL, GSZ_FIELD("tp") " must be at least 1");
  if (group == 1) {
    *out = (gsz_link){gpu->link, 0.0, 0.0};
    return GSZ_OK;
  }
  if (gpu->link == GSZ_LINK_UNKNOWN || gpu->link_gbs <= 0.0 || gpu->allreduce_latency_us <= 0.0)
    return gsz__diag_set(diag, GSZ_ENOTFOUND,
                         "GPU '%s' has no GPU-to-GPU link recorded (gpu.link, link_gbs, "
                         "allreduce_latency_us), so tensor parallelism cannot be timed",
                         gpu->sku);
  uint32_t domain = gpu->link_gpus ? gpu->link_gpus : 1;
  double share = gpu->link == GSZ_LINK_PCIE ? PCIE_RATE_SHARE : LINE_RATE_SHARE;
  double busbw = gpu->allreduce_busbw_gbs > 0.0 ? gpu->allreduce_busbw_gbs : gpu->link_gbs * share;
  gsz_link l = {gpu->link, busbw, gpu->allreduce_latency_us};
  switch (gpu->link) {
  case GSZ_LINK_NVSWITCH:
  case GSZ_LINK_ROCE:
    if (group > domain)
      return gsz__diag_set(diag, GSZ_EINVAL,
                           GSZ_FIELD("tp") " %u exceeds the %u GPUs the link of '%s' joins "
                                           "(tensor parallelism stays within one link domain)",
                           group, domain, gpu->sku);
    break;
  case GSZ_LINK_NVLINK_BRIDGE:
    if (group > domain)
      l = pcie_link(); /* the ring crosses PCIe between bridged groups */
    break;
  case GSZ_LINK_XGMI:
    /* A full mesh: each GPU has one link to each other GPU, so a group of
     * n drives n - 1 of its domain - 1 links. */
    if (group > domain)
      return gsz__diag_set(diag, GSZ_EINVAL,
                           GSZ_FIELD("tp") " %u exceeds the %u GPUs the link of '%s' joins", group,
                           domain, gpu->sku);
    if (domain > 1)
      l.busbw_gbs = busbw * (double)(group - 1) / (double)(domain - 1);
    break;
  case GSZ_LINK_PCIE:
  case GSZ_LINK_UNKNOWN:
    break;
  }
  *out = l;
  return GSZ_OK;
}

/* --- Model shape on one GPU -------------------------------------------- */

double gsz_perf_experts_touched(uint32_t experts, uint32_t k, double tokens) {
  if (experts == 0 || k == 0 || tokens <= 0.0)
    return 0.0;
  if (k >= experts)
    return experts;
  /* Each token picks k of E experts: an expert escapes one token with
   * probability 1 - k/E, and all of them with that to the power tokens. */
  return experts * -expm1(tokens * log1p(-(double)k / experts));
}

/* Parameters of one layer on one TP rank: split ones divided, K/V divided
 * across the KV heads and replicated beyond them, the rest on every rank
 * (the placement memory.c sizes). */
static double layer_on_rank(const gsz_layer_params *p, const gsz_arch *a, uint32_t tp) {
  double kv = 0.0;
  if (p->kv > 0) {
    uint32_t heads = gsz_model_kv_heads(a);
    double per_rank = heads >= tp ? ceil((double)heads / tp) : 1.0;
    kv = (double)p->kv / heads * per_rank;
  }
  return ceil((double)p->split / tp) + kv + (double)p->replicated;
}

/* What one GPU of a pipeline stage reads and computes per token. */
typedef struct stage_shape {
  double dense_params;    /* read every step: all but the routed experts */
  double expert_params;   /* one routed expert of every MoE layer of the stage */
  double active_params;   /* multiplied by every token (top-k experts included) */
  double head_params;     /* of which the LM head (last stage), used once per prefill */
  double attn_per_ctx;    /* attention FLOPs per token per attended token, full layers */
  double attn_per_win;    /* the same, sliding-window layers */
  double kv_full, kv_win; /* KV values per cached token, full and windowed layers */
  uint32_t layers;
} stage_shape;

static stage_shape stage_of(const gsz_model_ref *m, gsz_layout l, uint32_t s) {
  const gsz_arch *a = m->arch;
  const gsz_param_count *pc = &m->count;
  stage_shape st;
  memset(&st, 0, sizeof st);
  uint32_t L = a->num_hidden_layers;
  uint32_t first = (uint32_t)((uint64_t)s * L / l.pp),
           end = (uint32_t)((uint64_t)(s + 1) * L / l.pp);
  uint32_t n_moe = gsz_model_moe_layers_in(a, first, end);
  uint32_t n_dense = end - first - n_moe;
  st.layers = end - first;

  double dense = layer_on_rank(&pc->dense_layer, a, l.tp);
  st.dense_params = n_dense * dense;
  st.active_params = n_dense * dense;
  if (n_moe > 0) {
    double moe = layer_on_rank(&pc->moe_layer, a, l.tp);
    uint32_t E = a->num_local_experts, k = a->num_experts_per_tok;
    /* The routed experts a token skips are inactive = (E - k) experts. */
    double expert = E > k ? (double)pc->moe_layer.inactive / (E - k) / l.tp : 0.0;
    double routed = expert * E;
    st.dense_params += n_moe * (moe - routed);
    st.expert_params = n_moe * expert;
    st.active_params += n_moe * (moe - routed + expert * k);
  }
  if (s == l.pp - 1) {
    /* The LM head (the embedding when tied) multiplies every decoded
     * token; the embedding itself is a lookup of a few rows. */
    st.head_params = (double)(pc->lm_head ? pc->lm_head : pc->embedding) / l.tp;
    st.dense_params += st.head_params + (double)pc->final_norm;
    st.active_params += st.head_params;
  }

  /* Attention: QK^T and AV per attended token, 2 FLOPs a multiply-add. */
  uint32_t heads = a->num_attention_heads / l.tp;
  double dqk, dv;
  if (a->kv_lora_rank > 0) {
    dqk = (double)a->qk_nope_head_dim + a->qk_rope_head_dim;
    dv = a->v_head_dim;
  } else {
    dqk = dv = gsz_model_head_dim(a);
  }
  double per_layer = 2.0 * heads * (dqk + dv);
  double kv_layer = (double)gsz_model_kv_values_per_layer(a, l.tp);
  for (uint32_t i = first; i < end; i++) {
    if (a->sliding_window > 0 && gsz_model_layer_windowed(a, i)) {
      st.attn_per_win += per_layer;
      st.kv_win += kv_layer;
    } else {
      st.attn_per_ctx += per_layer;
      st.kv_full += kv_layer;
    }
  }
  return st;
}

/* Attended tokens summed over the positions 1..n of a prompt (causal), a
 * window w capping each (w 0: none). */
static double attended_prefill(double n, double w) {
  if (w <= 0.0 || n <= w)
    return n * (n + 1.0) / 2.0;
  return w * (w + 1.0) / 2.0 + (n - w) * w;
}

static double bytes_of(double values, const gsz_format *f) {
  return values * f->block_bytes / f->block_elems;
}

/* --- The estimate -------------------------------------------------------- */

/* Everything one estimate works with, in seconds, bytes and FLOP/s. */
typedef struct perf_model {
  const gsz_perf_input *in;
  stage_shape st;     /* the slowest stage's shape */
  double bw;          /* effective bytes/s */
  double flops_dec;   /* effective decode FLOP/s in the weights' compute format */
  double flops_attn;  /* effective decode FLOP/s of attention (16-bit) */
  double flops_pre;   /* effective prefill FLOP/s */
  double flops_pre16; /* effective prefill FLOP/s of attention (16-bit) */
  double window;      /* sliding window; 0: none */
  gsz_link tp_link, pp_link;
  double overhead; /* per step */
  bool moe;
} perf_model;

/* Seconds of an all-reduce of tokens' activations in a tp group. */
static double allreduce(const perf_model *m, double tokens) {
  uint32_t tp = m->in->layout.tp;
  if (tp <= 1)
    return 0.0;
  double bytes = tokens * m->in->model->arch->hidden_size * ACTIVATION_BYTES;
  return m->tp_link.latency_us * 1e-6 + bytes * 2.0 * (tp - 1) / tp / (m->tp_link.busbw_gbs * 1e9);
}

/* Seconds to hand seqs' activations to the next stage. */
static double handoff(const perf_model *m, double seqs) {
  if (m->in->layout.pp <= 1)
    return 0.0;
  double bytes = seqs * m->in->model->arch->hidden_size * ACTIVATION_BYTES;
  return m->pp_link.latency_us * 1e-6 + bytes / (m->pp_link.busbw_gbs * 1e9);
}

/* KV values of one sequence at context c on one GPU of the stage. */
static double kv_values(const perf_model *m, double c) {
  double w = m->window > 0.0 && m->window < c ? m->window : c;
  return m->st.kv_full * c + m->st.kv_win * w;
}

/* Prefill work of prompt tokens on one GPU of the stage: FLOPs of the
 * linear layers (the LM head only for the last token) and of attention. */
typedef struct work {
  double linear, attention;
} work;

static work prefill_of(const perf_model *m, double n) {
  work w;
  w.linear = 2.0 * (m->st.active_params - m->st.head_params) * n + 2.0 * m->st.head_params;
  w.attention = m->st.attn_per_ctx * attended_prefill(n, 0.0) +
                m->st.attn_per_win * attended_prefill(n, m->window);
  return w;
}

static work scaled(work w, double f) {
  return (work){w.linear * f, w.attention * f};
}

/* One step on the busiest GPU. The linear layers (bound by reading the
 * weights or by their FLOPs) and attention (bound by reading the KV cache
 * or by its FLOPs) are different kernels that run one after the other, so
 * each phase is its own roofline and the two add. */
typedef struct step {
  double gemm, attn, comm, total; /* seconds */
  double bytes;                   /* read */
  double mem, compute;            /* seconds the reads and the FLOPs alone take */
  double touched;                 /* distinct experts per MoE layer */
  double read_bound, flop_bound;  /* seconds of the phases each limits */
} step;

/* A step of seqs decoding sequences at mean context ctx, with pre_tokens
 * prompt tokens of prefill work pre (already per GPU) chunked into it. */
static step step_of(const perf_model *m, double seqs, double ctx, double pre_tokens, work pre) {
  const gsz_arch *a = m->in->model->arch;
  double tokens = seqs + pre_tokens;
  step s;
  s.touched =
      m->moe ? gsz_perf_experts_touched(a->num_local_experts, a->num_experts_per_tok, tokens) : 0.0;
  double wbytes =
      bytes_of(m->st.dense_params + s.touched * m->st.expert_params, m->in->weight_format);
  double kvbytes = seqs * bytes_of(kv_values(m, ctx), m->in->kv_format);
  double attended = m->window > 0.0 && m->window < ctx ? m->window : ctx;
  double lin = seqs * 2.0 * m->st.active_params / m->flops_dec + pre.linear / m->flops_pre;
  double att = seqs * (m->st.attn_per_ctx * ctx + m->st.attn_per_win * attended) / m->flops_attn +
               pre.attention / m->flops_pre16;
  s.gemm = fmax(wbytes / m->bw, lin);
  s.attn = fmax(kvbytes / m->bw, att);
  s.read_bound = (wbytes / m->bw >= lin ? s.gemm : 0.0) + (kvbytes / m->bw >= att ? s.attn : 0.0);
  s.flop_bound = s.gemm + s.attn - s.read_bound;
  s.bytes = wbytes + kvbytes;
  s.mem = s.bytes / m->bw;
  s.compute = lin + att;
  s.comm = 2.0 * m->st.layers * allreduce(m, tokens);
  s.total = s.gemm + s.attn + s.comm + m->overhead;
  return s;
}

/* A lone prompt of n tokens, chunked, through every stage: seconds. Each
 * chunk reads the weights once; its attention reads little KV beside them. */
static double prefill_alone(const perf_model *m, double n) {
  double chunks = ceil(n / m->in->efficiency->chunk_tokens);
  step s = step_of(m, 0.0, 0.0, n / chunks, scaled(prefill_of(m, n), 1.0 / chunks));
  return chunks * m->in->layout.pp * (s.total + handoff(m, n / chunks));
}

/* The peak decode computes at: the weights' format where the GPU runs it
 * natively, else 16 bits (weight-only formats are dequantised). */
static double compute_peak(const gsz_perf_input *in, const char **label) {
  const gsz_gpu *g = in->gpu;
  const gsz_format *f = in->weight_format;
  *label = "16-bit";
  if (in->support != GSZ_SUPPORT_NATIVE)
    return g->tflops_bf16;
  const char *n = f->name;
  bool bits8 = f->block_bytes == f->block_elems;                            /* one byte per value */
  bool bits4 = (uint64_t)f->block_bytes * 8 < (uint64_t)f->block_elems * 6; /* 4-5 bits */
  if (bits8 && strncmp(n, "int", 3) == 0 && g->tops_int8 > 0.0) {
    *label = "int8";
    return g->tops_int8;
  }
  if (bits8 && strncmp(n, "int", 3) != 0 && g->tflops_fp8 > 0.0) {
    *label = "fp8";
    return g->tflops_fp8;
  }
  if (bits4 && strstr(n, "fp4") != NULL) {
    if (g->tflops_fp4 > 0.0) {
      *label = "fp4";
      return g->tflops_fp4;
    }
    if (g->tflops_fp8 > 0.0) { /* FP4 weights on FP8 tensor cores */
      *label = "fp8";
      return g->tflops_fp8;
    }
  }
  return g->tflops_bf16;
}

static gsz_err check_input(const gsz_perf_input *in, gsz_diag *diag) {
  if (in->model == NULL || in->gpu == NULL || in->weight_format == NULL || in->kv_format == NULL ||
      in->efficiency == NULL)
    return gsz__diag_set(diag, GSZ_EINVAL,
                         "the speed estimate needs a model, a GPU, weight and KV formats and a "
                         "runtime efficiency profile");
  if (in->model->arch == NULL)
    return gsz__diag_set(
        diag, GSZ_EINVAL,
        "the speed estimate needs the architecture of '%s' (give " GSZ_FIELD(
            "model") " or " GSZ_FIELD("hf_config") ", not " GSZ_FIELD("params") ")",
        in->model->label ? in->model->label : "the model");
  const gsz_arch *a = in->model->arch;
  if (in->input_tokens == 0 || in->output_tokens == 0 || in->concurrency == 0)
    return gsz__diag_set(
        diag, GSZ_EINVAL,
        GSZ_FIELD("input_tokens") ", " GSZ_FIELD("output_tokens") " and " GSZ_FIELD(
            "concurrency") " must be at least 1");
  /* 2^32 tokens per request and 2^32 requests keep every product below
   * 2^64 and every double exact to the token. */
  if (in->input_tokens > UINT32_MAX || in->output_tokens > UINT32_MAX ||
      in->concurrency > UINT32_MAX)
    return gsz__diag_set(
        diag, GSZ_EOVERFLOW,
        GSZ_FIELD("input_tokens") ", " GSZ_FIELD("output_tokens") " and " GSZ_FIELD(
            "concurrency") " must each be below 4294967296");
  gsz_layout l = in->layout;
  if (l.tp == 0 || l.pp == 0 || l.dp == 0)
    return gsz__diag_set(
        diag, GSZ_EINVAL,
        GSZ_FIELD("tp") ", " GSZ_FIELD("pp") " and " GSZ_FIELD("dp") " must be at least 1");
  const char *why = NULL;
  if (!gsz_layout_tp_ok(in->model, l.tp, &why))
    return gsz__diag_set(diag, GSZ_EINVAL, GSZ_FIELD("tp") " %u does not fit '%s': %s", l.tp,
                         a->name, why);
  if (l.pp > a->num_hidden_layers)
    return gsz__diag_set(diag, GSZ_EINVAL, GSZ_FIELD("pp") " %u exceeds the %u layers of '%s'",
                         l.pp, a->num_hidden_layers, a->name);
  if (in->support == GSZ_SUPPORT_NONE)
    return gsz__diag_set(diag, GSZ_EINVAL, "'%s' does not run on '%s' in runtime '%s'",
                         in->weight_format->name, in->gpu->sku, in->efficiency->runtime);
  if (in->gpu->bandwidth_gbs == 0 || !(in->gpu->tflops_bf16 > 0.0))
    return gsz__diag_set(diag, GSZ_EINVAL,
                         "GPU '%s' has no memory bandwidth or 16-bit peak recorded", in->gpu->sku);
  if (in->weight_format->block_elems == 0 || in->kv_format->block_elems == 0)
    return gsz__diag_set(diag, GSZ_EINVAL, "a number format has blocks of 0 values");
  return GSZ_OK;
}

/* A non-negative double as an integer, rounded to nearest; false when it
 * does not fit 64 bits. */
static bool to_u64(uint64_t *out, double v) {
  if (!(v >= 0.0) || v >= 18446744073709549568.0)
    return false;
  *out = (uint64_t)llround(v);
  return true;
}

gsz_err gsz_perf_inference(gsz_perf_estimate *out, const gsz_perf_input *in, gsz_diag *diag) {
  gsz_err err = check_input(in, diag);
  if (err != GSZ_OK)
    return err;
  const gsz_efficiency *e = in->efficiency;
  const gsz_gpu *g = in->gpu;
  const gsz_arch *a = in->model->arch;
  gsz_layout l = in->layout;
  perf_model m;
  memset(&m, 0, sizeof m);
  m.in = in;
  if (in->link != NULL)
    m.tp_link = *in->link;
  else if ((err = gsz_perf_link(&m.tp_link, g, l.tp, diag)) != GSZ_OK)
    return err;
  if (in->pp_link != NULL) {
    m.pp_link = *in->pp_link;
  } else if (l.pp > 1) {
    /* Hand-offs are point to point: the link of a pair. */
    if ((err = gsz_perf_link(&m.pp_link, g, 2, diag)) != GSZ_OK)
      return err;
  }
  if ((l.tp > 1 && !(m.tp_link.busbw_gbs > 0.0)) || (l.pp > 1 && !(m.pp_link.busbw_gbs > 0.0)))
    return gsz__diag_set(diag, GSZ_EINVAL, "the GPU-to-GPU link has no bandwidth");

  /* The slowest stage sets the pace; stages differ by a layer and the head. */
  double slowest = -1.0;
  for (uint32_t s = 0; s < l.pp; s++) {
    stage_shape st = stage_of(in->model, l, s);
    double w = st.dense_params + st.expert_params * a->num_experts_per_tok + st.active_params;
    if (w > slowest) {
      slowest = w;
      m.st = st;
    }
  }
  m.moe = m.st.expert_params > 0.0;
  double moe = m.moe ? (double)e->moe_eff_bp / GSZ_BP_SCALE : 1.0;
  const char *label;
  double peak = compute_peak(in, &label) * 1e12;
  double peak16 = g->tflops_bf16 * 1e12;
  m.bw = g->bandwidth_gbs * 1e9 * e->eff_bw_bp / GSZ_BP_SCALE * moe;
  m.flops_dec = peak * e->eff_compute_bp / GSZ_BP_SCALE * moe;
  m.flops_attn = peak16 * e->eff_compute_bp / GSZ_BP_SCALE;
  m.flops_pre = peak * e->eff_prefill_bp / GSZ_BP_SCALE * moe;
  m.flops_pre16 = peak16 * e->eff_prefill_bp / GSZ_BP_SCALE;
  m.window = a->sliding_window;
  m.overhead = e->step_overhead_us * 1e-6;

  double I = (double)in->input_tokens, O = (double)in->output_tokens;
  double ctx = I + O / 2.0; /* mean context while decoding */
  uint64_t replicas = l.dp;
  uint64_t per_replica = gsz__ceil_div_u64(in->concurrency, replicas);

  /* The batch the KV room holds: sequences at their mean context. */
  uint64_t batch = per_replica, fits = 0;
  bool capped = false;
  if (in->kv_capacity_tokens > 0) {
    if (in->kv_capacity_tokens < in->input_tokens + in->output_tokens)
      return gsz__diag_set(diag, GSZ_ENOMATCH,
                           "the KV cache of one replica holds %llu tokens, less than one request "
                           "of %llu input and %llu output tokens",
                           (unsigned long long)in->kv_capacity_tokens,
                           (unsigned long long)in->input_tokens,
                           (unsigned long long)in->output_tokens);
    fits = (uint64_t)floor((double)in->kv_capacity_tokens / ctx);
    if (fits < batch) {
      batch = fits;
      capped = true;
    }
  }
  double B = (double)batch;

  /* Pipeline: up to pp micro-batches in flight; every token of every
   * sequence passes all pp stages, so a round (each sequence one token)
   * takes pp stage steps whether or not the pipeline is full. */
  double pp = l.pp;
  double micro = fmin(pp, B);
  double mb = ceil(B / micro);
  /* A cycle serves every sequence of the batch once: output decode steps
   * per sequence, and the prompts of the other B - 1 sequences chunked
   * into them. A step takes at most chunk_tokens tokens, so a
   * prefill-heavy cycle needs more rounds than output tokens (decodes then
   * run in fewer of the steps). */
  double pre_tokens = (B - 1.0) * I / micro; /* per micro-batch and cycle */
  double rounds = fmax(O, ceil((mb * O + pre_tokens) / e->chunk_tokens));
  work one = prefill_of(&m, I);
  step s = step_of(&m, mb * O / rounds, ctx, pre_tokens / rounds,
                   scaled(one, (B - 1.0) / (micro * rounds)));
  double round = pp * (s.total + handoff(&m, mb));
  double alone = prefill_alone(&m, I);
  double cycle = rounds * round + alone;
  double tpot = rounds * round / O;
  /* Fewer requests than replicas leave replicas idle. */
  double in_flight = fmin((double)in->concurrency, (double)replicas * B);
  double throughput = in_flight * O / cycle;

  /* Time to first token: the fixed part, the own prompt's chunks among
   * the running decodes, the wait behind other prompts (M/D/1 over the
   * share of the cycle spent on them) and, when more requests are in
   * flight than fit, the wait for a free slot (Little's law). */
  double ttft = e->ttft_overhead_us * 1e-6;
  if (B <= 1.0) {
    ttft += alone;
  } else {
    double budget = fmax(1.0, (double)e->chunk_tokens - mb);
    double chunks = ceil(I / budget);
    step c = step_of(&m, mb, ctx, I / chunks, scaled(one, 1.0 / chunks));
    double service = chunks * pp * (c.total + handoff(&m, mb));
    double others = (B - 1.0) * (one.linear / m.flops_pre + one.attention / m.flops_pre16);
    double rho = fmin(UTILISATION_CAP, others / cycle);
    ttft += service + rho / (2.0 * (1.0 - rho)) * service;
  }
  if ((double)per_replica > B)
    ttft += ((double)per_replica - B) * cycle / B;

  gsz_perf_estimate r;
  memset(&r, 0, sizeof r);
  r.batch = batch;
  r.batch_capped = capped;
  if (in->kv_capacity_tokens > 0 && __builtin_mul_overflow(fits, replicas, &r.max_concurrency))
    r.max_concurrency = UINT64_MAX;
  r.compute = label;
  r.experts_touched = s.touched;
  double comp = s.compute, mem = s.mem, comm = s.comm;
  /* What the step spends most of its time on: phases limited by reads,
   * phases limited by FLOPs, or all-reduces; fewer sequences than asked
   * for outweighs them all. */
  if (capped)
    r.bound = GSZ_BOUND_KV_CAPACITY;
  else if (comm > s.read_bound && comm > s.flop_bound)
    r.bound = GSZ_BOUND_INTERCONNECT;
  else
    r.bound = s.flop_bound > s.read_bound ? GSZ_BOUND_COMPUTE : GSZ_BOUND_MEMORY_BANDWIDTH;
  bool ok = to_u64(&r.step_us, tpot * 1e6) && to_u64(&r.user_mtps, 1e3 / tpot) &&
            to_u64(&r.output_mtps, throughput * 1e3) && to_u64(&r.ttft_us, ttft * 1e6) &&
            to_u64(&r.ttft_ms, ttft * 1e3) && to_u64(&r.bytes_per_step, s.bytes) &&
            to_u64(&r.memory_us, mem * 1e6) && to_u64(&r.compute_us, comp * 1e6) &&
            to_u64(&r.interconnect_us, comm * 1e6) && to_u64(&r.overhead_us, m.overhead * 1e6);
  if (!ok)
    return gsz__diag_set(diag, GSZ_EOVERFLOW,
                         "the speed estimate of '%s' on '%s' does not fit 64 bits; check the "
                         "token counts and the GPU's figures",
                         a->name, g->sku);
  *out = r;
  return GSZ_OK;
}

/* --- KV room ------------------------------------------------------------- */

gsz_err gsz_perf_kv_capacity(uint64_t *tokens, const gsz_model_ref *model, const gsz_workload *w,
                             gsz_layout layout, uint64_t usable_bytes, gsz_diag *diag) {
  gsz_workload one = *w;
  one.concurrency = 1;
  gsz_estimate e;
  gsz_err err = gsz_memory_estimate(&e, model, &one, layout, diag);
  if (err != GSZ_OK)
    return err;
  uint64_t kv = e.component[GSZ_COMP_KV_CACHE];
  uint64_t rest = e.per_gpu_bytes - kv;
  uint64_t budget = gsz_memory_budget(usable_bytes, e.mem_util_bp);
  if (kv == 0 || budget <= rest) {
    *tokens = 0;
    return GSZ_OK;
  }
  uint64_t seqs = (budget - rest) / kv, t;
  if (gsz__mul_u64(&t, seqs, one.context))
    return gsz__diag_set(diag, GSZ_EOVERFLOW, "the KV room in tokens does not fit 64 bits");
  *tokens = t;
  return GSZ_OK;
}

/* --- Training ------------------------------------------------------------ */

gsz_err gsz_perf_training(gsz_train_estimate *out, const gsz_train_input *in, gsz_diag *diag) {
  if (in->model == NULL || in->gpu == NULL || in->efficiency == NULL)
    return gsz__diag_set(diag, GSZ_EINVAL,
                         "the training estimate needs a model, a GPU and a runtime profile");
  if (in->gpus == 0 || in->tokens == 0)
    return gsz__diag_set(
        diag, GSZ_EINVAL,
        "the training estimate needs at least 1 GPU and 1 " GSZ_FIELD("train_tokens"));
  if (!(in->gpu->tflops_bf16 > 0.0))
    return gsz__diag_set(diag, GSZ_EINVAL, "GPU '%s' has no 16-bit peak recorded", in->gpu->sku);
  bool moe = in->model->count.active < in->model->count.total;
  uint32_t mfu =
      moe && in->efficiency->mfu_moe_bp ? in->efficiency->mfu_moe_bp : in->efficiency->mfu_bp;
  if (mfu == 0)
    return gsz__diag_set(diag, GSZ_EINVAL,
                         "runtime '%s' has no training utilisation (mfu_bp) for this GPU; use a "
                         "training runtime",
                         in->efficiency->runtime);
  /* Forward 2N, backward 4N per token; full recomputation runs the
   * forward again (Narayanan et al. 2021, appendix; Chinchilla's 6N). */
  uint64_t per_token;
  if (gsz__mul_u64(&per_token, in->model->count.active,
                   in->recompute == GSZ_RECOMPUTE_FULL ? 8 : 6))
    return gsz__diag_set(diag, GSZ_EOVERFLOW, "FLOPs per token do not fit 64 bits");
  double rate = (double)in->gpus * in->gpu->tflops_bf16 * 1e12 * mfu / GSZ_BP_SCALE;
  double seconds = (double)per_token * (double)in->tokens / rate;
  gsz_train_estimate r = {per_token, mfu, 0, 0, 0};
  if (!to_u64(&r.tokens_mps, rate / (double)per_token * 1e3) ||
      !(seconds < 18446744073709549568.0) || !to_u64(&r.days_milli, ceil(seconds / 86.4)))
    return gsz__diag_set(diag, GSZ_EOVERFLOW, "the training time does not fit 64 bits");
  r.seconds = (uint64_t)ceil(seconds);
  *out = r;
  return GSZ_OK;
}
