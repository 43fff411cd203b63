/* model_count.c: exact parameter counts per architecture family, split by
 * how tensor parallelism places them; KV values per token; LoRA adapter
 * sizes. The family rules live in one table; the arithmetic is checked.
 *
 * Layer anatomy (Hugging Face module names):
 *   attention  q_proj h x (a*d), k_proj/v_proj h x (kv*d), o_proj (a*d) x h,
 *              biases on q,k,v (qkv_bias) and o (o_bias);
 *              qwen3, qwen3_moe and gemma3 add q_norm and k_norm (d each);
 *              gpt_oss adds sinks (one learned logit per head);
 *              llama4's q/k L2 norm has no weights;
 *              MLA (deepseek_v3): q_a_proj, q_a_layernorm, q_b_proj,
 *              kv_a_proj_with_mqa, kv_a_layernorm, kv_b_proj, o_proj;
 *   MLP        gate_proj, up_proj h x i and down_proj i x h (phi3 fuses
 *              gate_up, gpt_oss and llama4 keep each expert's gate_up and
 *              down in one 3-D tensor: same count); MoE: that per routed
 *              and shared expert, plus a router h x E (deepseek_v3 adds
 *              e_score_correction_bias, gpt_oss a router bias, E each;
 *              gpt_oss experts have biases, 2 x i on gate_up and h on down);
 *   norms      2 x h per layer (gemma2, gemma3: 4 x h), final norm h;
 *   embedding  vocab x h; lm_head vocab x h unless tied.
 * Which layers are MoE: from first_k_dense_replace on, every moe_layer_step-th
 * (Llama 4 Maverick alternates dense and MoE layers: step 2, layers 1, 3, ...).
 * Multimodal checkpoints: the language model only (docs/models.md). */
#include "gpusizer/model.h"
#include "util/calc_int.h"
#include "util/common_int.h"

#include <stdio.h>
#include <string.h>

typedef struct family_rules {
  const char *name;
  unsigned norms_per_layer;
  bool qk_norm;     /* per-head RMSNorm on q and k (qwen3, qwen3_moe, gemma3) */
  bool moe;         /* has MoE layers: which ones, moe_layers_in() */
  bool mla;         /* multi-head latent attention */
  bool score_bias;  /* router has a per-expert correction bias (deepseek_v3) */
  bool router_bias; /* the router linear has a bias (gpt_oss) */
  bool expert_bias; /* experts' gate_up and down have biases (gpt_oss) */
  bool sinks;       /* one attention-sink logit per head and layer (gpt_oss) */
} family_rules;

/* Checklist: a new family here also needs a model_family row (a migration),
 * its config.json keys in hf_config.c and gsz_model_known_types(). */
static const family_rules families[] = {
    {.name = "llama", .norms_per_layer = 2},
    {.name = "mistral", .norms_per_layer = 2},
    {.name = "qwen2", .norms_per_layer = 2},
    {.name = "qwen3", .norms_per_layer = 2, .qk_norm = true},
    {.name = "qwen3_moe", .norms_per_layer = 2, .qk_norm = true, .moe = true},
    {.name = "phi3", .norms_per_layer = 2},
    {.name = "gemma2", .norms_per_layer = 4},
    {.name = "gemma3", .norms_per_layer = 4, .qk_norm = true},
    {.name = "mixtral", .norms_per_layer = 2, .moe = true},
    {.name = "deepseek_v3", .norms_per_layer = 2, .moe = true, .mla = true, .score_bias = true},
    {.name = "llama4", .norms_per_layer = 2, .moe = true},
    {.name = "gpt_oss",
     .norms_per_layer = 2,
     .moe = true,
     .router_bias = true,
     .expert_bias = true,
     .sinks = true},
};

static const family_rules *find_family(const char *name) {
  for (size_t i = 0; i < GSZ_ARRAY_LEN(families); i++)
    if (name != NULL && families[i].name[0] == name[0] && strcmp(families[i].name, name) == 0)
      return &families[i];
  return NULL;
}

const char *gsz_model_known_types(void) {
  return "llama, mistral, qwen2, qwen3, qwen3_moe, phi3, gemma2, gemma3, mixtral, deepseek_v3, "
         "llama4, gpt_oss";
}

bool gsz_model_type_known(const char *model_type) {
  return find_family(model_type) != NULL;
}

uint32_t gsz_model_head_dim(const gsz_arch *a) {
  if (a->head_dim)
    return a->head_dim;
  return a->num_attention_heads ? a->hidden_size / a->num_attention_heads : 0;
}

uint32_t gsz_model_kv_heads(const gsz_arch *a) {
  return a->num_key_value_heads ? a->num_key_value_heads : a->num_attention_heads;
}

bool gsz_model_layer_windowed(const gsz_arch *a, uint32_t layer) {
  if (a->sliding_window == 0)
    return false;
  /* Every Nth layer attends fully (Gemma 2: layers 1, 3, 5, ... with N = 2). */
  if (a->sliding_window_pattern > 1)
    return (layer + 1) % a->sliding_window_pattern != 0;
  return true;
}

/* MoE layers of [first, end) under family rules r: those from
 * first_k_dense_replace on with (i + 1) a multiple of the step, counted
 * not scanned. */
static uint32_t moe_layers_in(const gsz_arch *a, const family_rules *r, uint32_t first,
                              uint32_t end) {
  if (r == NULL || !r->moe)
    return 0;
  if (end > a->num_hidden_layers)
    end = a->num_hidden_layers;
  if (first < a->first_k_dense_replace)
    first = a->first_k_dense_replace;
  if (first >= end)
    return 0;
  uint32_t step = a->moe_layer_step > 1 ? a->moe_layer_step : 1;
  return end / step - first / step;
}

bool gsz_model_layer_moe(const gsz_arch *a, uint32_t layer) {
  return layer < UINT32_MAX && moe_layers_in(a, find_family(a->model_type), layer, layer + 1) == 1;
}

uint32_t gsz_model_moe_layers_in(const gsz_arch *a, uint32_t first, uint32_t end) {
  return moe_layers_in(a, find_family(a->model_type), first, end);
}

static gsz_err invalid(gsz_diag *diag, const gsz_arch *a, const char *what) {
  return gsz__diag_set(diag, GSZ_EINVAL, "model '%s': %s", a->name ? a->name : "?", what);
}

/* Consistency checks that every formula below relies on. */
static gsz_err validate(const gsz_arch *a, const family_rules **rules, gsz_diag *diag) {
  char msg[256];
  *rules = find_family(a->model_type);
  if (*rules == NULL) {
    snprintf(msg, sizeof msg, "unknown model_type '%s' (known: %s)",
             a->model_type ? a->model_type : "", gsz_model_known_types());
    return gsz__diag_set(diag, GSZ_EUNSUPPORTED, "model '%s': %s", a->name ? a->name : "?", msg);
  }
  static const struct {
    size_t offset;
    const char *field;
  } required[] = {
      {offsetof(gsz_arch, hidden_size), "hidden_size"},
      {offsetof(gsz_arch, intermediate_size), "intermediate_size"},
      {offsetof(gsz_arch, num_hidden_layers), "num_hidden_layers"},
      {offsetof(gsz_arch, num_attention_heads), "num_attention_heads"},
      {offsetof(gsz_arch, vocab_size), "vocab_size"},
  };
  for (size_t i = 0; i < GSZ_ARRAY_LEN(required); i++) {
    uint32_t v;
    memcpy(&v, (const char *)a + required[i].offset, sizeof v);
    if (v == 0) {
      snprintf(msg, sizeof msg, "%s must be a positive integer", required[i].field);
      return invalid(diag, a, msg);
    }
  }
  uint32_t kv = gsz_model_kv_heads(a);
  if (kv > a->num_attention_heads || a->num_attention_heads % kv != 0) {
    snprintf(msg, sizeof msg, "num_key_value_heads %u does not divide num_attention_heads %u", kv,
             a->num_attention_heads);
    return invalid(diag, a, msg);
  }
  if (!(*rules)->mla && gsz_model_head_dim(a) == 0)
    return invalid(diag, a, "head_dim is not set and hidden_size / num_attention_heads is 0");
  if ((*rules)->moe) {
    if (a->num_local_experts == 0 || a->num_experts_per_tok == 0)
      return invalid(diag, a,
                     "a mixture-of-experts model needs num_local_experts (n_routed_experts) and "
                     "num_experts_per_tok");
    if (a->num_experts_per_tok > a->num_local_experts)
      return invalid(diag, a, "num_experts_per_tok exceeds num_local_experts");
    if (a->first_k_dense_replace > a->num_hidden_layers)
      return invalid(diag, a, "first_k_dense_replace exceeds num_hidden_layers");
  }
  if ((*rules)->mla && (a->kv_lora_rank == 0 || a->qk_nope_head_dim == 0 ||
                        a->qk_rope_head_dim == 0 || a->v_head_dim == 0))
    return invalid(diag, a,
                   "multi-head latent attention needs kv_lora_rank, qk_nope_head_dim, "
                   "qk_rope_head_dim and v_head_dim");
  return GSZ_OK;
}

/* Attention parameters of one layer, added into p. */
static void attention(calc *c, const gsz_arch *a, const family_rules *r, gsz_layer_params *p) {
  uint64_t h = a->hidden_size, heads = a->num_attention_heads;
  if (r->mla) {
    uint64_t qk = (uint64_t)a->qk_nope_head_dim + a->qk_rope_head_dim;
    if (a->q_lora_rank) {
      uint64_t q_a = mul(c, h, a->q_lora_rank);
      p->replicated = add(c, p->replicated, add(c, q_a, a->q_lora_rank)); /* + q_a_layernorm */
      p->linear = add(c, p->linear, q_a);
      uint64_t q_b = mul3(c, a->q_lora_rank, heads, qk);
      p->split = add(c, p->split, q_b);
      p->linear = add(c, p->linear, q_b);
    } else {
      uint64_t q = mul3(c, h, heads, qk);
      p->split = add(c, p->split, q);
      p->linear = add(c, p->linear, q);
    }
    uint64_t kv_a = mul(c, h, (uint64_t)a->kv_lora_rank + a->qk_rope_head_dim);
    p->replicated = add(c, p->replicated, add(c, kv_a, a->kv_lora_rank)); /* + kv_a_layernorm */
    uint64_t kv_b = mul3(c, a->kv_lora_rank, heads, (uint64_t)a->qk_nope_head_dim + a->v_head_dim);
    uint64_t o = mul3(c, heads, a->v_head_dim, h);
    p->split = add(c, p->split, add(c, kv_b, o));
    p->linear = add(c, p->linear, add(c, kv_a, add(c, kv_b, o)));
    return;
  }
  uint64_t d = gsz_model_head_dim(a), kv = gsz_model_kv_heads(a);
  uint64_t q = mul3(c, h, heads, d), o = mul3(c, heads, d, h), kvw = mul(c, 2, mul3(c, h, kv, d));
  p->linear = add(c, p->linear, add(c, add(c, q, o), kvw));
  if (a->qkv_bias) {
    q = add(c, q, mul(c, heads, d));
    kvw = add(c, kvw, mul3(c, 2, kv, d));
  }
  if (a->o_bias)
    p->replicated = add(c, p->replicated, h); /* row-parallel bias: added once, kept whole */
  p->split = add(c, p->split, add(c, q, o));
  p->kv = add(c, p->kv, kvw);
  if (r->qk_norm)
    p->replicated = add(c, p->replicated, mul(c, 2, d));
  if (r->sinks)
    p->split = add(c, p->split, heads); /* one per head: they go with the heads */
}

/* One gated MLP (gate, up, down) of width i. */
static uint64_t gated_mlp(calc *c, uint64_t h, uint64_t i) {
  return mul3(c, 3, h, i);
}

static void layer(calc *c, const gsz_arch *a, const family_rules *r, bool moe,
                  gsz_layer_params *p) {
  memset(p, 0, sizeof *p);
  uint64_t h = a->hidden_size;
  attention(c, a, r, p);
  p->replicated = add(c, p->replicated, mul(c, r->norms_per_layer, h));
  if (!moe) {
    uint64_t mlp = gated_mlp(c, h, a->intermediate_size);
    p->split = add(c, p->split, mlp);
    p->linear = add(c, p->linear, mlp);
    return;
  }
  uint64_t width = a->moe_intermediate_size ? a->moe_intermediate_size : a->intermediate_size;
  uint64_t expert = gated_mlp(c, h, width);
  uint64_t experts = mul(c, a->num_local_experts, expert);
  uint64_t shared = mul(c, a->n_shared_experts, expert);
  uint64_t router = mul(c, h, a->num_local_experts);
  p->split = add(c, p->split, add(c, experts, shared));
  p->replicated = add(c, p->replicated, router);
  if (r->score_bias || r->router_bias)
    p->replicated = add(c, p->replicated, a->num_local_experts);
  p->linear = add(c, p->linear, add(c, add(c, experts, shared), router));
  uint64_t unused = expert; /* what one routed expert a token skips holds */
  if (r->expert_bias) {
    /* gate_up's bias is split with its columns; down's is added once after
     * the row-parallel sum, so kept whole (as o_proj's). */
    uint64_t gate_up_bias = mul(c, 2, width), down_bias = h;
    p->split = add(c, p->split, mul(c, a->num_local_experts, gate_up_bias));
    p->replicated = add(c, p->replicated, mul(c, a->num_local_experts, down_bias));
    unused = add(c, unused, add(c, gate_up_bias, down_bias));
  }
  p->inactive = mul(c, (uint64_t)a->num_local_experts - a->num_experts_per_tok, unused);
}

static uint64_t layer_total(calc *c, const gsz_layer_params *p) {
  return add(c, add(c, p->split, p->kv), p->replicated);
}

gsz_err gsz_model_count(gsz_param_count *out, const gsz_arch *a, gsz_diag *diag) {
  const family_rules *r;
  gsz_err err = validate(a, &r, diag);
  if (err != GSZ_OK)
    return err;
  calc c = {false};
  gsz_param_count pc;
  memset(&pc, 0, sizeof pc);
  pc.n_moe_layers = moe_layers_in(a, r, 0, a->num_hidden_layers);
  pc.n_dense_layers = a->num_hidden_layers - pc.n_moe_layers;
  layer(&c, a, r, false, &pc.dense_layer);
  if (pc.n_moe_layers > 0)
    layer(&c, a, r, true, &pc.moe_layer);
  pc.embedding = mul(&c, a->vocab_size, a->hidden_size);
  pc.lm_head = a->tie_word_embeddings ? 0 : pc.embedding;
  pc.final_norm = a->hidden_size;
  uint64_t total = add(&c, add(&c, pc.embedding, pc.lm_head), pc.final_norm);
  total = add(&c, total, mul(&c, pc.n_dense_layers, layer_total(&c, &pc.dense_layer)));
  total = add(&c, total, mul(&c, pc.n_moe_layers, layer_total(&c, &pc.moe_layer)));
  pc.total = total;
  pc.active = total - mul(&c, pc.n_moe_layers, pc.moe_layer.inactive);
  if (c.overflow)
    return gsz__diag_set(diag, GSZ_EOVERFLOW,
                         "model '%s': the parameter count overflows 64 bits; check the sizes",
                         a->name ? a->name : "?");
  *out = pc;
  return GSZ_OK;
}

uint64_t gsz_model_kv_values_per_layer(const gsz_arch *a, uint32_t tp) {
  if (a->kv_lora_rank > 0) /* MLA: only its families set kv_lora_rank */
    return (uint64_t)a->kv_lora_rank + a->qk_rope_head_dim;
  uint64_t kv = gsz_model_kv_heads(a);
  if (tp < 1)
    tp = 1;
  uint64_t per_rank = kv >= tp ? gsz__ceil_div_u64(kv, tp) : 1;
  return 2 * per_rank * (uint64_t)gsz_model_head_dim(a);
}

gsz_err gsz_format_bytes(uint64_t *out, uint64_t values, const gsz_format *f, gsz_diag *diag) {
  uint64_t product;
  if (!gsz__mul_u64(&product, values, f->block_bytes) && product <= UINT64_MAX - f->block_elems) {
    *out = (product + f->block_elems - 1) / f->block_elems; /* the common, 64-bit case */
    return GSZ_OK;
  }
  unsigned __int128 bytes = (unsigned __int128)values * f->block_bytes;
  bytes = (bytes + f->block_elems - 1) / f->block_elems;
  if (bytes > UINT64_MAX)
    return gsz__diag_set(diag, GSZ_EOVERFLOW, "size in format '%s' overflows 64 bits", f->name);
  *out = (uint64_t)bytes;
  return GSZ_OK;
}

gsz_err gsz_model_kv_bytes_per_token(uint64_t *out, const gsz_arch *a, uint32_t tp,
                                     const gsz_format *kv_format, gsz_diag *diag) {
  const family_rules *r;
  gsz_err err = validate(a, &r, diag);
  if (err != GSZ_OK)
    return err;
  uint64_t values;
  if (gsz__mul_u64(&values, gsz_model_kv_values_per_layer(a, tp), a->num_hidden_layers))
    return gsz__diag_set(diag, GSZ_EOVERFLOW, "model '%s': KV size overflows", a->name);
  return gsz_format_bytes(out, values, kv_format, diag);
}

/* --- LoRA ---------------------------------------------------------------- */

gsz_err gsz_lora_targets_parse(uint32_t *out, const char *text, gsz_diag *diag) {
  static const struct {
    const char *name;
    uint32_t mask;
  } names[] = {
      {"q", GSZ_LORA_Q},
      {"q_proj", GSZ_LORA_Q},
      {"k", GSZ_LORA_K},
      {"k_proj", GSZ_LORA_K},
      {"v", GSZ_LORA_V},
      {"v_proj", GSZ_LORA_V},
      {"o", GSZ_LORA_O},
      {"o_proj", GSZ_LORA_O},
      {"gate", GSZ_LORA_GATE},
      {"gate_proj", GSZ_LORA_GATE},
      {"up", GSZ_LORA_UP},
      {"up_proj", GSZ_LORA_UP},
      {"down", GSZ_LORA_DOWN},
      {"down_proj", GSZ_LORA_DOWN},
      {"attn", GSZ_LORA_Q | GSZ_LORA_K | GSZ_LORA_V | GSZ_LORA_O},
      {"mlp", GSZ_LORA_GATE | GSZ_LORA_UP | GSZ_LORA_DOWN},
      {"all", GSZ_LORA_ALL},
      {"all-linear", GSZ_LORA_ALL},
  };
  uint32_t mask = 0;
  const char *s = text;
  while (*s) {
    const char *end = strchr(s, ',');
    size_t n = end ? (size_t)(end - s) : strlen(s);
    bool found = false;
    for (size_t i = 0; i < GSZ_ARRAY_LEN(names); i++)
      if (strlen(names[i].name) == n && strncmp(names[i].name, s, n) == 0) {
        mask |= names[i].mask;
        found = true;
      }
    if (!found)
      return gsz__diag_set(diag, GSZ_EINVAL,
                           "unknown LoRA target '%.*s' (expected a comma-separated list of q, "
                           "k, v, o, gate, up, down, or attn, mlp, all)",
                           (int)n, s);
    s += n;
    if (*s == ',')
      s++;
  }
  if (mask == 0)
    return gsz__diag_set(diag, GSZ_EINVAL, "no LoRA target given");
  *out = mask;
  return GSZ_OK;
}

gsz_err gsz_model_lora_params(uint64_t *out, const gsz_arch *a, uint32_t targets, uint32_t rank,
                              gsz_diag *diag) {
  const family_rules *r;
  gsz_err err = validate(a, &r, diag);
  if (err != GSZ_OK)
    return err;
  calc c = {false};
  uint64_t h = a->hidden_size, heads = a->num_attention_heads;
  /* Sum of (in + out) over targeted linear layers, per layer type. */
  uint64_t attn = 0;
  if (r->mla) {
    uint64_t qk = (uint64_t)a->qk_nope_head_dim + a->qk_rope_head_dim;
    if (targets & GSZ_LORA_Q)
      attn = add(&c, attn,
                 a->q_lora_rank ? add(&c, h + a->q_lora_rank, a->q_lora_rank + mul(&c, heads, qk))
                                : add(&c, h, mul(&c, heads, qk)));
    if (targets & (GSZ_LORA_K | GSZ_LORA_V))
      attn =
          add(&c, attn,
              add(&c, h + a->kv_lora_rank + a->qk_rope_head_dim,
                  a->kv_lora_rank + mul(&c, heads, (uint64_t)a->qk_nope_head_dim + a->v_head_dim)));
    if (targets & GSZ_LORA_O)
      attn = add(&c, attn, add(&c, mul(&c, heads, a->v_head_dim), h));
  } else {
    uint64_t d = gsz_model_head_dim(a), kv = gsz_model_kv_heads(a);
    if (targets & GSZ_LORA_Q)
      attn = add(&c, attn, h + mul(&c, heads, d));
    if (targets & GSZ_LORA_K)
      attn = add(&c, attn, h + mul(&c, kv, d));
    if (targets & GSZ_LORA_V)
      attn = add(&c, attn, h + mul(&c, kv, d));
    if (targets & GSZ_LORA_O)
      attn = add(&c, attn, mul(&c, heads, d) + h);
  }
  unsigned mlp_mods = ((targets & GSZ_LORA_GATE) != 0) + ((targets & GSZ_LORA_UP) != 0) +
                      ((targets & GSZ_LORA_DOWN) != 0);
  uint64_t moe_layers = moe_layers_in(a, r, 0, a->num_hidden_layers);
  uint64_t dense_layers = a->num_hidden_layers - moe_layers;
  uint64_t dense_mlp = mul(&c, mlp_mods, h + a->intermediate_size);
  uint64_t width = a->moe_intermediate_size ? a->moe_intermediate_size : a->intermediate_size;
  uint64_t moe_mlp =
      mul3(&c, mlp_mods, h + width, (uint64_t)a->num_local_experts + a->n_shared_experts);
  uint64_t per_rank = add(&c, mul(&c, a->num_hidden_layers, attn),
                          add(&c, mul(&c, dense_layers, dense_mlp), mul(&c, moe_layers, moe_mlp)));
  uint64_t total = mul(&c, per_rank, rank);
  if (c.overflow)
    return gsz__diag_set(diag, GSZ_EOVERFLOW, "model '%s': LoRA size overflows", a->name);
  *out = total;
  return GSZ_OK;
}
