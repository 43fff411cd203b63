/* memory.c: the memory estimator (memory.h): bytes per GPU for a model,
 * a workload and a layout, component by component. This file drives it:
 * names and defaults, checks, the stages of a layout, the weights, and
 * what fits a GPU; the terms of each mode are in memory_infer.c and
 * memory_train.c, stored weights in quant.c and checkpoint.c. memory.h
 * lists every term with its source. */
#include "gpusizer/catalog.h" /* finding formats and runtimes: records only */
#include "sizing/memory_int.h"
#include "util/calc_int.h"

#include <string.h>

/* --- Names ------------------------------------------------------------- */

static const char *const method_names[] = {"full", "quick"};
static const char *const mode_names[] = {"inference", "train", "lora", "qlora"};
static const char *const optimizer_names[] = {"adamw", "adam8bit", "sgd", "sgd-momentum"};
static const char *const recipe_names[] = {"mixed", "fp32", "bf16"};
static const char *const recompute_names[] = {"none", "selective", "full", "auto"};
static const char *const component_names[] = {
    "weights",        "kv_cache", "activations", "gradients",   "optimizer",
    "master_weights", "overhead", "buffers",     "cuda_graphs", "fragmentation"};

const char *gsz_method_name(gsz_method m) {
  return method_names[m];
}
const char *gsz_mode_name(gsz_mode m) {
  return mode_names[m];
}
const char *gsz_optimizer_name(gsz_optimizer o) {
  return optimizer_names[o];
}
const char *gsz_recipe_name(gsz_recipe r) {
  return recipe_names[r];
}
const char *gsz_recompute_name(gsz_recompute r) {
  return recompute_names[r];
}
const char *gsz_component_name(gsz_component c) {
  return component_names[c];
}

static gsz_err parse_name(int *out, const char *s, const char *const *names, size_t n,
                          const char *what, const char *choices, gsz_diag *diag) {
  for (size_t i = 0; i < n; i++)
    if (gsz__str_ieq(s, names[i])) {
      *out = (int)i;
      return GSZ_OK;
    }
  return gsz__diag_set(diag, GSZ_EINVAL, "unknown %s '%s' (expected %s)", what, s, choices);
}

#define DEFINE_PARSE(fn, type, names, what, choices)                                               \
  gsz_err fn(type *out, const char *s, gsz_diag *diag) {                                           \
    int v = 0;                                                                                     \
    gsz_err err = parse_name(&v, s, names, GSZ_ARRAY_LEN(names), what, choices, diag);             \
    if (err == GSZ_OK)                                                                             \
      *out = (type)v;                                                                              \
    return err;                                                                                    \
  }

DEFINE_PARSE(gsz_method_parse, gsz_method, method_names, "method", "full or quick")
DEFINE_PARSE(gsz_mode_parse, gsz_mode, mode_names, "mode", "inference, train, lora or qlora")
DEFINE_PARSE(gsz_optimizer_parse, gsz_optimizer, optimizer_names, "optimizer",
             "adamw, adam8bit, sgd or sgd-momentum")
DEFINE_PARSE(gsz_recipe_parse, gsz_recipe, recipe_names, "recipe", "mixed, fp32 or bf16")
DEFINE_PARSE(gsz_recompute_parse, gsz_recompute, recompute_names, "recompute",
             "none, selective, full or auto")

/* --- Model references and workloads ----------------------------------- */

gsz_err gsz_model_ref_from_arch(gsz_model_ref *out, const gsz_arch *arch, gsz_diag *diag) {
  gsz_model_ref ref;
  memset(&ref, 0, sizeof ref);
  gsz_err err = gsz_model_count(&ref.count, arch, diag);
  if (err != GSZ_OK)
    return err;
  ref.arch = arch;
  ref.label = arch->name;
  if (gsz__mul_u64(&ref.kv_values_per_token, gsz_model_kv_values_per_layer(arch, 1),
                   arch->num_hidden_layers))
    return gsz__diag_set(diag, GSZ_EOVERFLOW, "model '%s': KV size overflows", arch->name);
  *out = ref;
  return GSZ_OK;
}

void gsz_model_ref_from_params(gsz_model_ref *out, uint64_t params, const char *label) {
  memset(out, 0, sizeof *out);
  out->label = label;
  out->count.total = params;
  out->count.active = params;
}

gsz_err gsz_workload_defaults(gsz_workload *out, const gsz_catalog_data *data, gsz_mode mode,
                              gsz_diag *diag) {
  gsz_workload w;
  memset(&w, 0, sizeof w);
  w.method = GSZ_METHOD_FULL;
  w.mode = mode;
  w.compute_format = gsz_catalog_find_format(data, "bf16");
  w.weight_format =
      mode == GSZ_MODE_QLORA ? gsz_catalog_find_format(data, "nf4") : w.compute_format;
  w.kv_format = w.compute_format;
  w.optimizer = GSZ_OPT_ADAMW;
  w.recipe = GSZ_RECIPE_MIXED;
  w.context = 4096;
  w.concurrency = 1;
  w.micro_batch = 1;
  w.zero = 0;
  /* Every training recipe checkpoints activations by default (memory.h):
   * PEFT and QLoRA for adapters, torchtune's full fine-tunes and
   * torchtitan's 70B configuration for full training. */
  w.recompute = GSZ_RECOMPUTE_FULL;
  w.flash_attention = true;
  w.sequence_parallel = true;
  w.lora_rank = 16;
  w.lora_targets = GSZ_LORA_ALL;
  const char *runtime_mode = mode == GSZ_MODE_INFERENCE ? "inference" : "training";
  w.runtime = gsz_catalog_default_runtime(data, runtime_mode);
  if (w.compute_format == NULL || w.weight_format == NULL)
    return gsz__diag_set(
        diag, GSZ_ESCHEMA,
        "the catalog lacks the number format '%s' (see 'gpusizer catalog formats')",
        w.compute_format == NULL ? "bf16" : "nf4");
  if (w.runtime == NULL)
    return gsz__diag_set(diag, GSZ_ESCHEMA,
                         "the catalog has no default %s runtime profile (set runtime.default_for, "
                         "or pass " GSZ_FIELD("runtime") ")",
                         runtime_mode);
  *out = w;
  return GSZ_OK;
}

gsz_err gsz_workload_check(const gsz_workload *w, const gsz_model_ref *model, gsz_diag *diag) {
  if (w->weight_format == NULL || w->kv_format == NULL || w->compute_format == NULL ||
      w->runtime == NULL)
    return gsz__diag_set(diag, GSZ_EINVAL, "workload is missing a format or runtime profile");
  if (w->context == 0 || w->concurrency == 0 || w->micro_batch == 0)
    return gsz__diag_set(diag, GSZ_EINVAL, "context, concurrency and batch must be at least 1");
  if (w->zero > 3)
    return gsz__diag_set(diag, GSZ_EINVAL, GSZ_FIELD("zero") " must be 0, 1, 2 or 3");
  if (w->mem_util_bp > GSZ_BP_SCALE)
    return gsz__diag_set(diag, GSZ_EINVAL,
                         GSZ_FIELD("gpu_memory_utilization") " must be above 0 and at most 1");
  if (w->checkpoint != NULL && w->mode != GSZ_MODE_INFERENCE && w->mode != GSZ_MODE_LORA)
    return gsz__diag_set(
        diag, GSZ_EINVAL,
        "weights read from a checkpoint are sized for inference and LoRA only: full training "
        "and QLoRA keep the weights in their own formats (give " GSZ_FIELD("precision") ")");
  const char *wf = w->weight_format->name;
  if (w->method == GSZ_METHOD_QUICK) {
    if (w->mode == GSZ_MODE_LORA || w->mode == GSZ_MODE_QLORA)
      return gsz__diag_set(
          diag, GSZ_EINVAL,
          GSZ_FIELD("method") " quick covers inference and full training only; use " GSZ_FIELD(
              "method") " full for LoRA and QLoRA");
    if (w->mode == GSZ_MODE_TRAIN && w->optimizer == GSZ_OPT_ADAM8BIT)
      return gsz__diag_set(
          diag, GSZ_EINVAL,
          GSZ_FIELD("method") " quick knows AdamW (2 states) and SGD (1); use " GSZ_FIELD(
              "method") " full "
                        "for adam8bit");
  }
  if (w->mode == GSZ_MODE_TRAIN) {
    if (!w->weight_format->trainable)
      return gsz__diag_set(
          diag, GSZ_EINVAL,
          "training in '%s' is refused: quantised weights do not train "
          "(it does not converge); use " GSZ_FIELD("precision") " bf16, or " GSZ_FIELD(
              "mode") " qlora to "
                      "fine-tune a 4-bit model",
          wf);
    bool fp32 = w->weight_format->block_bytes == 4 * w->weight_format->block_elems;
    if (w->method == GSZ_METHOD_FULL) {
      if (w->recipe == GSZ_RECIPE_FP32 && !fp32)
        return gsz__diag_set(
            diag, GSZ_EINVAL,
            GSZ_FIELD("recipe") " fp32 keeps weights in fp32, but " GSZ_FIELD(
                "precision") " is '%s'; "
                             "use " GSZ_FIELD("precision") " fp32 or another recipe",
            wf);
      if (w->recipe != GSZ_RECIPE_FP32 && fp32)
        return gsz__diag_set(
            diag, GSZ_EINVAL,
            GSZ_FIELD("recipe") " %s keeps weights in 16 bits, but " GSZ_FIELD(
                "precision") " is fp32; "
                             "use " GSZ_FIELD("recipe") " fp32 or " GSZ_FIELD("precision") " bf16",
            gsz_recipe_name(w->recipe));
    }
  }
  /* QLoRA is LoRA on a quantised base: a 16- or 32-bit base is LoRA, and
   * sizing it under the QLoRA name would mislabel the quote. */
  if (w->mode == GSZ_MODE_QLORA && w->weight_format != NULL &&
      (uint64_t)w->weight_format->block_bytes * 8 >= 16 * (uint64_t)w->weight_format->block_elems)
    return gsz__diag_set(
        diag, GSZ_EINVAL,
        GSZ_FIELD("mode") " qlora keeps the frozen base quantised (nf4 by default); " GSZ_FIELD(
            "precision") " %s is not a quantised format: use " GSZ_FIELD("mode") " lora for a %s "
                                                                                 "base",
        w->weight_format->name, w->weight_format->name);
  if ((w->mode == GSZ_MODE_LORA || w->mode == GSZ_MODE_QLORA) && model->arch == NULL)
    return gsz__diag_set(
        diag, GSZ_EINVAL,
        "LoRA and QLoRA size their adapters from the architecture; give " GSZ_FIELD(
            "model") " or " GSZ_FIELD("hf_config") " instead of " GSZ_FIELD("params"));
  if ((w->mode == GSZ_MODE_LORA || w->mode == GSZ_MODE_QLORA) && w->lora_rank == 0)
    return gsz__diag_set(diag, GSZ_EINVAL, GSZ_FIELD("lora_rank") " must be at least 1");
  return GSZ_OK;
}

bool gsz_layout_tp_ok(const gsz_model_ref *model, uint32_t tp, const char **why) {
  const gsz_arch *a = model->arch;
  if (a == NULL || tp <= 1)
    return tp >= 1;
  if (a->num_attention_heads % tp != 0) {
    if (why)
      *why = "tensor parallelism must divide the attention heads";
    return false;
  }
  if (a->kv_lora_rank == 0) { /* GQA: KV heads split evenly or replicate evenly */
    uint32_t kv = gsz_model_kv_heads(a);
    if ((kv >= tp && kv % tp != 0) || (kv < tp && tp % kv != 0)) {
      if (why)
        *why = "tensor parallelism must divide the KV heads or be a multiple of them";
      return false;
    }
  }
  return true;
}

uint64_t gsz_memory_budget(uint64_t usable_bytes, uint32_t mem_util_bp) {
  /* Called per candidate: in 64 bits (a division by a constant, which the
   * compiler turns into a multiplication) whenever the product fits, which
   * is any real GPU; 128 bits otherwise. */
  uint64_t product;
  if (!gsz__mul_u64(&product, usable_bytes, mem_util_bp))
    return product / GSZ_BP_SCALE;
  unsigned __int128 b = (unsigned __int128)usable_bytes * mem_util_bp / GSZ_BP_SCALE;
  return (uint64_t)b;
}

uint32_t gsz_workload_mem_util_bp(const gsz_workload *w) {
  if (w->method == GSZ_METHOD_QUICK)
    return GSZ_BP_SCALE;
  return w->mem_util_bp != 0 ? w->mem_util_bp : w->runtime->mem_util_bp;
}

bool gsz_workload_recompute_auto(const gsz_workload *w) {
  return w->mode != GSZ_MODE_INFERENCE && w->recompute == GSZ_RECOMPUTE_AUTO;
}

uint64_t gsz_memory_visible_bytes(const gsz_catalog_data *d, const gsz_gpu *g) {
  if (d != NULL && d->gpu_visible != NULL) {
    /* Sorted by SKU under the catalog's case folding: a binary search. */
    size_t lo = 0, hi = d->n_gpu_visible;
    while (lo < hi) {
      size_t mid = lo + (hi - lo) / 2;
      int cmp = gsz__str_icmp(d->gpu_visible[mid].gpu_sku, g->sku);
      if (cmp == 0)
        return (uint64_t)d->gpu_visible[mid].visible_mib << 20;
      if (cmp < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  }
  return (uint64_t)g->usable_mib << 20;
}

bool gsz_memory_fits(gsz_fit_check *out, const gsz_estimate *e, uint64_t visible_bytes) {
  gsz_fit_check f;
  f.visible_bytes = visible_bytes;
  f.budget_bytes = gsz_memory_budget(visible_bytes, e->mem_util_bp);
  f.outside_room_bytes = visible_bytes - f.budget_bytes;
  f.budget_ok = e->per_gpu_bytes <= f.budget_bytes;
  f.outside_ok = e->outside_budget_bytes <= f.outside_room_bytes;
  if (out != NULL)
    *out = f;
  return f.budget_ok && f.outside_ok;
}

uint64_t gsz__in_format(calc *c, uint64_t values, const gsz_format *f) {
  uint64_t bytes;
  if (gsz_format_bytes(&bytes, values, f, NULL) != GSZ_OK) {
    c->overflow = true;
    return 0;
  }
  return bytes;
}

static uint64_t ceil_div(uint64_t a, uint64_t b) {
  return gsz__ceil_div_u64(a, b);
}

static void note(gsz_estimate *e, const char *text) {
  for (unsigned i = 0; i < e->n_notes; i++)
    if (e->notes[i] == text)
      return;
  if (e->n_notes < GSZ_ESTIMATE_MAX_NOTES)
    e->notes[e->n_notes++] = text;
}

/* --- Parameters on one GPU --------------------------------------------- */

uint64_t gsz__layer_on_rank(calc *c, const gsz_layer_params *p, const gsz_arch *a, uint32_t tp) {
  uint64_t kv_rank = 0;
  if (p->kv > 0) {
    uint64_t heads = gsz_model_kv_heads(a);
    uint64_t per_rank = heads >= tp ? ceil_div(heads, tp) : 1;
    kv_rank = mul(c, p->kv / heads, per_rank);
  }
  return add(c, add(c, ceil_div(p->split, tp), kv_rank), p->replicated);
}

gsz__stage gsz__stage_of(calc *c, const gsz_model_ref *m, gsz_layout l, uint32_t stage) {
  gsz__stage st;
  memset(&st, 0, sizeof st);
  st.index = stage;
  st.first = stage == 0;
  st.last = stage == l.pp - 1;
  const gsz_arch *a = m->arch;
  const gsz_param_count *pc = &m->count;
  if (a == NULL) { /* a bare count: split evenly */
    st.first = st.last = true;
    st.params = ceil_div(pc->total, (uint64_t)l.tp * l.pp);
    return st;
  }
  uint32_t L = a->num_hidden_layers;
  st.first_layer = (uint32_t)((uint64_t)stage * L / l.pp);
  uint32_t end = (uint32_t)((uint64_t)(stage + 1) * L / l.pp);
  st.n_layers = end - st.first_layer;
  /* Which of its layers are MoE layers: dense ones need not come first
   * (Llama 4 Maverick alternates them), so they are counted by index. */
  st.n_moe = pc->n_moe_layers ? gsz_model_moe_layers_in(a, st.first_layer, end) : 0;
  st.n_dense = st.n_layers - st.n_moe;
  st.params = add(c, mul(c, st.n_dense, gsz__layer_on_rank(c, &pc->dense_layer, a, l.tp)),
                  mul(c, st.n_moe, gsz__layer_on_rank(c, &pc->moe_layer, a, l.tp)));
  st.linear = add(c, mul(c, st.n_dense, ceil_div(pc->dense_layer.linear, l.tp)),
                  mul(c, st.n_moe, ceil_div(pc->moe_layer.linear, l.tp)));
  if (st.first)
    st.params = add(c, st.params, ceil_div(pc->embedding, l.tp)); /* vocab-parallel */
  if (st.last) {
    /* Tied embeddings across pipeline stages: the last stage keeps its own
     * copy of the matrix to compute logits. */
    uint64_t head = pc->lm_head ? pc->lm_head : (l.pp > 1 ? pc->embedding : 0);
    st.params = add(c, st.params, add(c, ceil_div(head, l.tp), pc->final_norm));
  }
  return st;
}

/* --- One stage ----------------------------------------------------------- */

/* The components of one GPU of one pipeline stage, into comp. */
static void full_stage(calc *c, uint64_t comp[GSZ_COMP_COUNT], gsz_estimate *e,
                       const gsz_model_ref *m, const gsz_workload *w, gsz_layout l, uint32_t stage,
                       gsz_recompute recompute) {
  const gsz_arch *a = m->arch;
  gsz__stage st = gsz__stage_of(c, m, l, stage);
  memset(comp, 0, GSZ_COMP_COUNT * sizeof *comp);

  if (w->mode == GSZ_MODE_INFERENCE) {
    comp[GSZ_COMP_WEIGHTS] =
        w->checkpoint != NULL
            ? gsz__checkpoint_on_stage(c, w->checkpoint, m, l, &st)
            : gsz__weights_on_stage(c, m, w->weight_format, w->compute_format, l, &st);
    gsz__inference_stage(c, comp, e, m, w, l, &st);
    return;
  }

  uint64_t trainable = st.params;
  if (w->mode == GSZ_MODE_TRAIN) {
    comp[GSZ_COMP_WEIGHTS] = gsz__in_format(c, st.params, w->weight_format);
  } else {
    /* LoRA: the frozen base plus adapters spread like the layers. */
    trainable =
        ceil_div(mul(c, e->trainable_params, st.n_layers), mul(c, a->num_hidden_layers, l.tp));
    uint64_t frozen;
    if (w->checkpoint != NULL)
      frozen = gsz__checkpoint_on_stage(c, w->checkpoint, m, l, &st);
    else if (w->mode == GSZ_MODE_QLORA && w->weight_format->recipe == NULL)
      frozen = add(c, gsz__in_format(c, st.linear, w->weight_format),
                   gsz__in_format(c, st.params - st.linear, w->compute_format));
    else
      frozen = gsz__weights_on_stage(c, m, w->weight_format, w->compute_format, l, &st);
    /* Trainable adapters are held like trained weights: fp32 in the fp32
     * recipe, else in the 16-bit compute format (with an fp32 master). */
    uint64_t adapter_weights = w->recipe == GSZ_RECIPE_FP32
                                   ? mul(c, trainable, 4)
                                   : gsz__in_format(c, trainable, w->compute_format);
    comp[GSZ_COMP_WEIGHTS] = add(c, w->zero >= 3 ? ceil_div(frozen, l.dp) : frozen,
                                 w->zero >= 3 ? ceil_div(adapter_weights, l.dp) : adapter_weights);
  }
  if (w->mode == GSZ_MODE_TRAIN && w->zero >= 3)
    comp[GSZ_COMP_WEIGHTS] = ceil_div(comp[GSZ_COMP_WEIGHTS], l.dp);
  gsz__training_stage(c, comp, m, w, recompute, l, &st, trainable);
}

static uint64_t sum_included(calc *c, const gsz_estimate *e, const uint64_t comp[GSZ_COMP_COUNT]) {
  uint64_t total = 0;
  for (int i = 0; i < GSZ_COMP_COUNT; i++)
    if (e->included[i])
      total = add(c, total, comp[i]);
  return total;
}

/* Stage shapes already evaluated, when only the busiest GPU is wanted. */
typedef struct stage_shapes {
  uint64_t key[32];
  unsigned n;
} stage_shapes;

/* Whether stage s has the shape of an earlier evaluated stage. The first
 * and last stages (embedding, LM head, logits) are always evaluated, and
 * every stage when the weights come from a checkpoint (layers may differ)
 * or from llama.cpp's rules (types depend on the layer index). */
static bool seen_shape(stage_shapes *seen, const gsz_model_ref *m, const gsz_workload *w,
                       gsz_layout l, uint32_t s) {
  const gsz_arch *a = m->arch;
  if (s == 0 || s == l.pp - 1 || w->checkpoint != NULL ||
      (w->weight_format->recipe != NULL && w->weight_format->recipe->quantized == GSZ_QUANT_GGUF))
    return false;
  uint64_t L = a->num_hidden_layers;
  uint64_t first = s * L / l.pp, end = (s + 1) * L / l.pp;
  uint64_t pattern = a->sliding_window > 0 ? a->sliding_window_pattern : 0;
  uint64_t phase = pattern > 1 ? first % pattern : 0;
  /* A stage with both dense and MoE layers is a shape of its own. */
  uint32_t moe =
      m->count.n_moe_layers ? gsz_model_moe_layers_in(a, (uint32_t)first, (uint32_t)end) : 0;
  bool mixed = moe != 0 && moe != end - first;
  uint64_t key = ((end - first) << 40) | (phase << 20) | (mixed ? s + 1 : 0);
  for (unsigned i = 0; i < seen->n; i++)
    if (seen->key[i] == key)
      return true;
  if (seen->n < 32)
    seen->key[seen->n++] = key;
  return false;
}

static void estimate_full(calc *c, gsz_estimate *e, const gsz_model_ref *m, const gsz_workload *w,
                          gsz_layout l, bool with_total, gsz_recompute recompute) {
  for (int i = 0; i < GSZ_COMP_COUNT; i++)
    e->included[i] = true;
  bool inference = w->mode == GSZ_MODE_INFERENCE;
  if (m->arch == NULL) {
    if (inference) {
      e->included[GSZ_COMP_KV_CACHE] = false;
      note(e, "KV cache not included: a bare parameter count has no architecture (give " GSZ_FIELD(
                  "model") " or " GSZ_FIELD("hf_config") ")");
    } else {
      e->included[GSZ_COMP_ACTIVATIONS] = false;
      note(e, "training activations not included: they need the architecture (give " GSZ_FIELD(
                  "model") " "
                           "or " GSZ_FIELD("hf_config") ")");
    }
    if (l.tp * l.pp > 1)
      note(e, "without an architecture the weights are split evenly across GPUs and no "
              "head-divisibility rule is checked");
  }
  uint64_t best_total = 0, all = 0;
  uint32_t stages = m->arch != NULL ? l.pp : 1;
  stage_shapes seen = {{0}, 0};
  for (uint32_t s = 0; s < stages; s++) {
    if (!with_total && m->arch != NULL && seen_shape(&seen, m, w, l, s))
      continue;
    uint64_t comp[GSZ_COMP_COUNT];
    full_stage(c, comp, e, m, w, l, m->arch != NULL ? s : l.pp - 1, recompute);
    uint64_t total = sum_included(c, e, comp);
    all = add(c, all, mul(c, total, mul(c, l.tp, l.dp)));
    if (s == 0 || total > best_total) {
      memcpy(e->component, comp, sizeof comp);
      best_total = total;
      e->busiest_stage = s;
    }
  }
  if (m->arch == NULL)
    all = mul(c, best_total, mul(c, mul(c, l.tp, l.pp), l.dp));
  if (!with_total)
    all = 0;
  for (int i = 0; i < GSZ_COMP_COUNT; i++)
    if (!e->included[i])
      e->component[i] = 0;
  e->per_gpu_bytes = best_total;
  e->total_bytes = all;
}

static void estimate_quick(calc *c, gsz_estimate *e, const gsz_model_ref *m, const gsz_workload *w,
                           gsz_layout l) {
  uint64_t gpus = mul(c, mul(c, l.tp, l.pp), l.dp);
  uint64_t weights = w->checkpoint != NULL ? gsz_checkpoint_get(w->checkpoint)->bytes
                                           : gsz__in_format(c, m->count.total, w->weight_format);
  uint64_t states = 0;
  e->included[GSZ_COMP_WEIGHTS] = true;
  if (w->mode == GSZ_MODE_TRAIN) {
    states = w->optimizer == GSZ_OPT_ADAMW ? 2 : 1; /* AdamW 2 states, SGD 1 */
    e->included[GSZ_COMP_GRADIENTS] = e->included[GSZ_COMP_OPTIMIZER] = true;
    e->component[GSZ_COMP_GRADIENTS] = ceil_div(weights, gpus);
    e->component[GSZ_COMP_OPTIMIZER] = ceil_div(mul(c, weights, states), gpus);
  }
  e->component[GSZ_COMP_WEIGHTS] = ceil_div(weights, gpus);
  e->total_bytes = mul(c, weights, w->mode == GSZ_MODE_TRAIN ? 2 + states : 1);
  e->per_gpu_bytes = ceil_div(e->total_bytes, gpus);
  note(e, w->mode == GSZ_MODE_TRAIN
              ? "quick method: weights x (2 + optimizer states) in the weight format "
                "(AdamW 4x, SGD 3x); no activations, KV cache or runtime overhead"
              : "quick method: weights only (parameters x bytes per parameter); no KV cache, "
                "activations or runtime overhead");
}

gsz_err gsz_memory_estimate(gsz_estimate *out, const gsz_model_ref *m, const gsz_workload *w,
                            gsz_layout l, gsz_diag *diag) {
  return gsz__memory_estimate_ex(out, m, w, l, true, false, diag);
}

gsz_err gsz_memory_estimate_smaller(gsz_estimate *out, const gsz_model_ref *m,
                                    const gsz_workload *w, gsz_layout l, gsz_diag *diag) {
  return gsz__memory_estimate_ex(out, m, w, l, true, true, diag);
}

gsz_err gsz__memory_estimate(gsz_estimate *out, const gsz_model_ref *m, const gsz_workload *w,
                             gsz_layout l, bool with_total, gsz_diag *diag) {
  return gsz__memory_estimate_ex(out, m, w, l, with_total, false, diag);
}

/* The notes of the terms a full estimate used. */
static void full_notes(gsz_estimate *e, const gsz_model_ref *m, const gsz_workload *w) {
  if (m->arch != NULL && m->arch->max_position_embeddings &&
      w->context > m->arch->max_position_embeddings)
    note(e, "the context is longer than the model's max_position_embeddings");
  const gsz_quant_recipe *r = w->weight_format->recipe;
  if (w->checkpoint != NULL)
    note(e, "weights: the tensor bytes of the checkpoint's files (headers read, data not)");
  else if (r != NULL && w->mode != GSZ_MODE_TRAIN)
    note(e, r->quantized == GSZ_QUANT_GGUF
                ? "weights: llama.cpp's tensor types for this file type; 1-D tensors F32"
            : r->quantized == GSZ_QUANT_EXPERTS
                ? "weights: only the MoE experts are quantised; the rest stays 16-bit"
                : "weights: linear layers quantised with their scales and zero points; "
                  "embeddings, LM head and norms 16-bit");
  else if (w->mode == GSZ_MODE_INFERENCE && w->weight_format->block_elems > 1)
    note(e, "all weights are counted in the block format, embeddings and norms included "
            "(GGUF files often keep some tensors at higher precision)");
  if (w->mode != GSZ_MODE_INFERENCE && m->arch != NULL)
    note(e, "activations: what autograd saves per Llama-style layer (41 sbh for Llama-3-8B) and "
            "10 sbV bytes of logits; Korthikanti's 5as^2b without flash attention");
  if (w->mode == GSZ_MODE_TRAIN && w->optimizer == GSZ_OPT_ADAM8BIT)
    note(e, "8-bit Adam: 2 bytes per parameter; its block scales (under 0.5%) are not counted");
  if (w->mode == GSZ_MODE_INFERENCE && e->outside_budget_bytes > 0)
    note(e, "outside the budget: the CUDA context and NCCL, and CUDA graphs captured after the "
            "KV cache, must fit in the memory the utilisation leaves");
}

gsz_err gsz__memory_estimate_ex(gsz_estimate *out, const gsz_model_ref *m, const gsz_workload *w,
                                gsz_layout l, bool with_total, bool smaller, gsz_diag *diag) {
  if (l.tp == 0 || l.pp == 0 || l.dp == 0)
    return gsz__diag_set(
        diag, GSZ_EINVAL,
        GSZ_FIELD("tp") ", " GSZ_FIELD("pp") " and " GSZ_FIELD("dp") " must be at least 1");
  const char *why = NULL;
  if (w->method == GSZ_METHOD_FULL && !gsz_layout_tp_ok(m, l.tp, &why))
    return gsz__diag_set(diag, GSZ_EINVAL,
                         GSZ_FIELD("tp") " %u does not fit '%s': %s (%u heads, %u KV heads)", l.tp,
                         m->label, why, m->arch->num_attention_heads, gsz_model_kv_heads(m->arch));
  if (w->method == GSZ_METHOD_FULL && m->arch != NULL && l.pp > m->arch->num_hidden_layers)
    return gsz__diag_set(diag, GSZ_EINVAL, GSZ_FIELD("pp") " %u exceeds the %u layers of '%s'",
                         l.pp, m->arch->num_hidden_layers, m->label);
  gsz_estimate e;
  memset(&e, 0, sizeof e);
  e.method = w->method;
  e.layout = l;
  e.total_params = m->count.total;
  e.active_params = m->count.active;
  e.mem_util_bp = gsz_workload_mem_util_bp(w);
  e.weights_source =
      w->checkpoint != NULL
          ? (gsz_checkpoint_get(w->checkpoint)->kind == GSZ_CHECKPOINT_GGUF ? "gguf"
                                                                            : "safetensors")
          : (m->arch != NULL ? "architecture" : "count");
  gsz_recompute recompute = w->recompute;
  if (recompute == GSZ_RECOMPUTE_AUTO)
    recompute = smaller ? GSZ_RECOMPUTE_FULL : GSZ_RECOMPUTE_NONE;
  e.recompute = recompute;
  calc c = {false};
  if (m->arch != NULL)
    e.kv_bytes_per_token = gsz__in_format(&c, m->kv_values_per_token, w->kv_format);
  if (w->mode == GSZ_MODE_TRAIN)
    e.trainable_params = m->count.total;
  else if (w->mode == GSZ_MODE_LORA || w->mode == GSZ_MODE_QLORA) {
    gsz_err err =
        gsz_model_lora_params(&e.trainable_params, m->arch, w->lora_targets, w->lora_rank, diag);
    if (err != GSZ_OK)
      return err;
  }
  if (w->method == GSZ_METHOD_QUICK) {
    estimate_quick(&c, &e, m, w, l);
  } else {
    estimate_full(&c, &e, m, w, l, with_total, recompute);
    full_notes(&e, m, w);
    if (w->recompute == GSZ_RECOMPUTE_AUTO && w->mode != GSZ_MODE_INFERENCE)
      note(&e, smaller ? "recompute auto: sized with full recomputation, the smaller need"
                       : "recompute auto: sized without recomputation; a quote turns full "
                         "recomputation on when that lets a cheaper configuration fit");
  }
  if (c.overflow)
    return gsz__diag_set(diag, GSZ_EOVERFLOW,
                         "the memory of this request overflows 64 bits; check the parameter "
                         "count, context, concurrency and batch sizes");
  *out = e;
  return GSZ_OK;
}
