/* quant.c: the bytes of a model's weights as a quantised checkpoint stores
 * them (records.h gsz_quant_recipe, catalog/022_quant_recipe.sql): the
 * linear tensors of each layer with their values, group scales, zero
 * points, per-row indices and per-tensor scales, the other tensors in the
 * recipe's kept format; and for llama.cpp file types, the ggml type
 * llama.cpp's quantiser gives each tensor (src/llama-quant.cpp,
 * llama_tensor_get_type, commit 007dbbf3). A format without a recipe puts
 * every parameter in its block. Pure arithmetic over the architecture. */
#include "gpusizer/checkpoint.h"
#include "sizing/memory_int.h"

#include <string.h>

static uint64_t ceil_div(uint64_t a, uint64_t b) {
  return gsz__ceil_div_u64(a, b);
}

/* --- The linear tensors of a layer ------------------------------------------ */

/* What a tensor is, in llama.cpp's names, for its per-tensor rules. */
typedef enum role {
  R_Q,
  R_K,
  R_V,
  R_O,
  R_GATE,
  R_UP,
  R_DOWN,
  R_EXP_GATE,
  R_EXP_UP,
  R_EXP_DOWN,
  R_SH_GATE,
  R_SH_UP,
  R_SH_DOWN,
  R_Q_A,
  R_Q_B,
  R_KV_A,
  R_KV_B
} role;

/* How tensor parallelism places it (vLLM): columns (out) or rows (in)
 * split, KV heads split or replicated, or whole on every rank. */
typedef enum placement { P_COL, P_ROW, P_KV, P_REPL } placement;

typedef struct tensor {
  role role;
  placement place;
  uint64_t in, out, count;
} tensor;

#define MAX_TENSORS 16

/* The linear tensors of one layer (routers are not among them: every
 * recipe keeps them). Returns how many. */
static size_t layer_tensors(tensor t[MAX_TENSORS], calc *c, const gsz_arch *a, bool moe) {
  size_t n = 0;
  uint64_t h = a->hidden_size, heads = a->num_attention_heads;
  if (a->kv_lora_rank > 0) {
    uint64_t qk = (uint64_t)a->qk_nope_head_dim + a->qk_rope_head_dim;
    if (a->q_lora_rank) {
      t[n++] = (tensor){R_Q_A, P_REPL, h, a->q_lora_rank, 1};
      t[n++] = (tensor){R_Q_B, P_COL, a->q_lora_rank, mul(c, heads, qk), 1};
    } else {
      t[n++] = (tensor){R_Q, P_COL, h, mul(c, heads, qk), 1};
    }
    t[n++] = (tensor){R_KV_A, P_REPL, h, (uint64_t)a->kv_lora_rank + a->qk_rope_head_dim, 1};
    t[n++] = (tensor){R_KV_B, P_COL, a->kv_lora_rank,
                      mul(c, heads, (uint64_t)a->qk_nope_head_dim + a->v_head_dim), 1};
    t[n++] = (tensor){R_O, P_ROW, mul(c, heads, a->v_head_dim), h, 1};
  } else {
    uint64_t d = gsz_model_head_dim(a), kv = gsz_model_kv_heads(a);
    t[n++] = (tensor){R_Q, P_COL, h, mul(c, heads, d), 1};
    t[n++] = (tensor){R_K, P_KV, h, mul(c, kv, d), 1};
    t[n++] = (tensor){R_V, P_KV, h, mul(c, kv, d), 1};
    t[n++] = (tensor){R_O, P_ROW, mul(c, heads, d), h, 1};
  }
  if (!moe) {
    uint64_t f = a->intermediate_size;
    t[n++] = (tensor){R_GATE, P_COL, h, f, 1};
    t[n++] = (tensor){R_UP, P_COL, h, f, 1};
    t[n++] = (tensor){R_DOWN, P_ROW, f, h, 1};
    return n;
  }
  uint64_t fe = a->moe_intermediate_size ? a->moe_intermediate_size : a->intermediate_size;
  t[n++] = (tensor){R_EXP_GATE, P_COL, h, fe, a->num_local_experts};
  t[n++] = (tensor){R_EXP_UP, P_COL, h, fe, a->num_local_experts};
  t[n++] = (tensor){R_EXP_DOWN, P_ROW, fe, h, a->num_local_experts};
  if (a->n_shared_experts) {
    t[n++] = (tensor){R_SH_GATE, P_COL, h, fe, a->n_shared_experts};
    t[n++] = (tensor){R_SH_UP, P_COL, h, fe, a->n_shared_experts};
    t[n++] = (tensor){R_SH_DOWN, P_ROW, fe, h, a->n_shared_experts};
  }
  return n;
}

static bool is_expert(role r) {
  return r == R_EXP_GATE || r == R_EXP_UP || r == R_EXP_DOWN;
}

/* The tensor's shape on one TP rank. */
static void on_rank(const tensor *t, const gsz_arch *a, uint32_t tp, uint64_t *in, uint64_t *out) {
  *in = t->in;
  *out = t->out;
  switch (t->place) {
  case P_COL:
    *out = ceil_div(t->out, tp);
    break;
  case P_ROW:
    *in = ceil_div(t->in, tp);
    break;
  case P_KV: {
    uint64_t kv = gsz_model_kv_heads(a), d = gsz_model_head_dim(a);
    *out = (kv >= tp ? ceil_div(kv, tp) : 1) * d;
    break;
  }
  case P_REPL:
    break;
  }
}

/* Stored bytes of one [out, in] tensor under a block-quantisation recipe. */
static uint64_t recipe_tensor_bytes(calc *c, const gsz_quant_recipe *r, uint64_t in, uint64_t out) {
  uint64_t groups = mul(c, ceil_div(out, r->group_rows ? r->group_rows : 1),
                        r->group_size ? ceil_div(in, r->group_size) : 1);
  uint64_t bits = mul(c, mul(c, out, in), r->value_bits);
  bits = add(c, bits, mul(c, groups, (uint64_t)r->scale_bits + r->zero_bits));
  if (r->group2_size)
    bits = add(c, bits, mul(c, ceil_div(groups, r->group2_size), r->group2_bits));
  bits = add(c, bits, mul(c, in, r->column_bits));
  return add(c, ceil_div(bits, 8), r->tensor_bytes);
}

/* --- llama.cpp file types ---------------------------------------------------------- */

enum {
  T_F32 = 0,
  T_F16 = 1,
  T_Q4_0 = 2,
  T_Q5_0 = 6,
  T_Q5_1 = 7,
  T_Q8_0 = 8,
  T_Q4_K = 12,
  T_Q5_K = 13,
  T_Q6_K = 14
};

static uint32_t default_type(const char *ftype) {
  if (strcmp(ftype, "q4_0") == 0)
    return T_Q4_0;
  if (strcmp(ftype, "q8_0") == 0)
    return T_Q8_0;
  if (strcmp(ftype, "q4_k_m") == 0)
    return T_Q4_K;
  if (strcmp(ftype, "q5_k_m") == 0)
    return T_Q5_K;
  return T_Q6_K;
}

/* How many layers i of [from, to) llama.cpp's use_more_bits(i, n) picks:
 * the first and last eighth of the n layers and every third one between
 * (i < n/8 || i >= 7n/8 || (i - n/8) % 3 == 2). Counted, not scanned: a
 * config may claim billions of layers. */
static uint64_t more_bits_layers(uint64_t from, uint64_t to, uint64_t n) {
  uint64_t lo = n / 8, hi = 7 * n / 8, count = 0;
  if (from < lo)
    count += (to < lo ? to : lo) - from;
  uint64_t top = from > hi ? from : hi;
  if (to > top)
    count += to - top;
  uint64_t a = from > lo ? from : lo, b = to < hi ? to : hi;
  if (b > a) /* j = i - lo in [a - lo, b - lo) with j % 3 == 2: floor(k / 3) below k */
    count += (b - lo) / 3 - (a - lo) / 3;
  return count;
}

/* A type whose block does not divide the row falls back as llama.cpp's
 * quantiser does (k-quants to 32-value blocks, then to F16). */
static uint32_t fit_row(uint32_t type, uint64_t row) {
  uint32_t block, bytes;
  if (!gsz_ggml_type_block(type, &block, &bytes) || row % block == 0)
    return type;
  switch (type) {
  case T_Q4_K:
    type = T_Q5_0;
    break;
  case T_Q5_K:
    type = T_Q5_1;
    break;
  case T_Q6_K:
    type = T_Q8_0;
    break;
  default:
    return T_F16;
  }
  return row % 32 == 0 ? type : T_F16;
}

/* The ggml type of a layer's linear tensor (llama_tensor_get_type for the
 * file types gpusizer knows); more_bits: use_more_bits holds for the
 * layer. */
static uint32_t gguf_layer_type(const gsz_arch *a, const char *ftype, role r, bool more_bits) {
  uint32_t t = default_type(ftype);
  uint64_t n = a->num_hidden_layers;
  bool k_m = strcmp(ftype, "q4_k_m") == 0 || strcmp(ftype, "q5_k_m") == 0;
  bool eight_experts = a->num_local_experts == 8;
  /* LLM_TYPE_70B: the Llama 2/3 70B shape (80 layers). */
  bool llama70b = strcmp(a->model_type, "llama") == 0 && n == 80;
  if (r == R_V && k_m) {
    if (more_bits)
      t = T_Q6_K;
    if (llama70b && t == T_Q4_K)
      t = T_Q5_K;
    if (eight_experts)
      t = T_Q8_0;
  } else if (r == R_K && k_m && eight_experts) {
    t = T_Q8_0;
  } else if ((r == R_DOWN || r == R_EXP_DOWN) && k_m && more_bits) {
    t = T_Q6_K;
  } else if (r == R_O && eight_experts && strcmp(ftype, "q4_k_m") == 0) {
    t = T_Q5_K;
  }
  return t;
}

/* The output (LM head) type: Q6_K unless the file is Q8_0, Q8_0 when the
 * row does not split into 256-value blocks. */
static uint32_t gguf_output_type(const char *ftype, uint64_t row) {
  uint32_t t = default_type(ftype);
  if (row % 256 != 0)
    return T_Q8_0;
  return t == T_Q8_0 ? T_Q8_0 : T_Q6_K;
}

static uint64_t ggml_bytes(calc *c, uint32_t type, uint64_t in, uint64_t out) {
  uint32_t block = 1, bytes = 2;
  gsz_ggml_type_block(fit_row(type, in), &block, &bytes);
  return mul(c, out, mul(c, ceil_div(in, block), bytes));
}

/* --- Weights of a stage ------------------------------------------------------------ */

/* Quantised bytes and values of one layer on one rank. */
typedef struct layer_q {
  uint64_t bytes, values;
} layer_q;

static layer_q layer_quantised(calc *c, const gsz_arch *a, const gsz_quant_recipe *r, bool moe,
                               uint32_t tp, bool more_bits) {
  tensor t[MAX_TENSORS];
  size_t n = layer_tensors(t, c, a, moe);
  layer_q q = {0, 0};
  for (size_t i = 0; i < n; i++) {
    if (r->quantized == GSZ_QUANT_EXPERTS && !is_expert(t[i].role))
      continue;
    uint64_t in, out;
    on_rank(&t[i], a, tp, &in, &out);
    uint64_t bytes =
        r->quantized == GSZ_QUANT_GGUF
            ? ggml_bytes(c, gguf_layer_type(a, r->gguf_ftype, t[i].role, more_bits), in, out)
            : recipe_tensor_bytes(c, r, in, out);
    q.bytes = add(c, q.bytes, mul(c, bytes, t[i].count));
    q.values = add(c, q.values, mul(c, mul(c, in, out), t[i].count));
  }
  return q;
}

uint64_t gsz__weights_on_stage(calc *c, const gsz_model_ref *m, const gsz_format *f,
                               const gsz_format *compute, gsz_layout l, const gsz__stage *st) {
  const gsz_quant_recipe *r = f->recipe;
  const gsz_arch *a = m->arch;
  if (r == NULL || a == NULL)
    return gsz__in_format(c, st->params, f);
  const gsz_format *kept = r->kept_format ? r->kept_format : compute;
  layer_q q = {0, 0};
  if (r->quantized == GSZ_QUANT_GGUF) {
    /* The stage's dense layers, then its MoE layers, each split into the
     * layers use_more_bits picks and the others. */
    uint64_t first = st->first_layer, end = first + st->n_layers, split = m->count.n_dense_layers;
    for (int moe = 0; moe < 2; moe++) {
      uint64_t from = moe ? (first > split ? first : split) : first;
      uint64_t to = moe ? end : (end < split ? end : split);
      if (to <= from)
        continue;
      uint64_t more = more_bits_layers(from, to, a->num_hidden_layers);
      layer_q with = layer_quantised(c, a, r, moe, l.tp, true);
      layer_q without = layer_quantised(c, a, r, moe, l.tp, false);
      q.bytes = add(c, q.bytes,
                    add(c, mul(c, more, with.bytes), mul(c, to - from - more, without.bytes)));
      q.values = add(c, q.values, mul(c, to - from, with.values));
    }
    /* token_embd in the file's type; the output as llama.cpp chooses (a
     * tied embedding is the output). Vocabulary-parallel under TP. */
    const gsz_param_count *pc = &m->count;
    uint64_t h = a->hidden_size, vocab_rank = ceil_div(a->vocab_size, l.tp);
    bool tied = pc->lm_head == 0;
    if (st->first) {
      uint32_t t = tied ? gguf_output_type(r->gguf_ftype, h) : default_type(r->gguf_ftype);
      q.bytes = add(c, q.bytes, ggml_bytes(c, t, h, vocab_rank));
      q.values = add(c, q.values, mul(c, h, vocab_rank));
    }
    if (st->last && (!tied || l.pp > 1)) {
      q.bytes = add(c, q.bytes, ggml_bytes(c, gguf_output_type(r->gguf_ftype, h), h, vocab_rank));
      q.values = add(c, q.values, mul(c, h, vocab_rank));
    }
  } else {
    layer_q dense = st->n_dense ? layer_quantised(c, a, r, false, l.tp, false) : q;
    layer_q moe = st->n_moe ? layer_quantised(c, a, r, true, l.tp, false) : q;
    q.bytes = add(c, mul(c, dense.bytes, st->n_dense), mul(c, moe.bytes, st->n_moe));
    q.values = add(c, mul(c, dense.values, st->n_dense), mul(c, moe.values, st->n_moe));
  }
  /* Everything else on this GPU (embeddings, head, norms, biases,
   * routers, unquantised projections) in the kept format. */
  uint64_t rest = st->params > q.values ? st->params - q.values : 0;
  return add(c, q.bytes, gsz__in_format(c, rest, kept));
}
