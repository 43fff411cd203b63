/* size.c: `gpusizer size` output: the request, the model, and the
 * memory breakdown with every component in bytes (exact) and in GB and GiB
 * (for people, labelled), in table, Markdown, CSV or JSON. */
#include "gpusizer/report.h"
#include "report/report_int.h"
#include "util/fmt_int.h"
#include "util/table_int.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint64_t gsz__min_usable(uint64_t need, uint32_t mem_util_bp) {
  unsigned __int128 n = (unsigned __int128)need * GSZ_BP_SCALE + mem_util_bp - 1;
  n /= mem_util_bp;
  return n > UINT64_MAX ? UINT64_MAX : (uint64_t)n;
}

/* One number the size and quote outputs carry, for gsz__check_estimate. */
typedef struct checked_value {
  const char *name;
  uint64_t value;
  bool bytes;
} checked_value;

gsz_err gsz__check_estimate(const gsz_size_request *req, const gsz_estimate *e,
                            gsz_output_format fmt, gsz_diag *diag) {
  checked_value v[GSZ_COMP_COUNT + 12];
  size_t n = 0;
  for (int i = 0; i < GSZ_COMP_COUNT; i++)
    if (e->included[i])
      v[n++] = (checked_value){gsz_component_name((gsz_component)i), e->component[i], true};
  v[n++] = (checked_value){"per_gpu_bytes", e->per_gpu_bytes, true};
  v[n++] = (checked_value){"total_bytes", e->total_bytes, true};
  v[n++] =
      (checked_value){"min_usable_bytes", gsz__min_usable(e->per_gpu_bytes, e->mem_util_bp), true};
  v[n++] = (checked_value){"kv_bytes_per_token", e->kv_bytes_per_token, true};
  v[n++] = (checked_value){"outside_budget_bytes", e->outside_budget_bytes, true};
  if (req->kv != NULL) {
    v[n++] = (checked_value){"kv_pool_bytes", req->kv->pool_bytes, true};
    v[n++] = (checked_value){"kv_pool_tokens", req->kv->tokens, false};
    v[n++] = (checked_value){"max_context", req->kv->max_context, false};
  }
  v[n++] = (checked_value){"total_params", e->total_params, false};
  v[n++] = (checked_value){"active_params", e->active_params, false};
  v[n++] = (checked_value){"trainable_params", e->trainable_params, false};
  if (req->model->arch == NULL)
    v[n++] = (checked_value){"params", req->model->count.total, false};
  for (size_t i = 0; i < n; i++) {
    if (v[i].value <= (uint64_t)INT64_MAX)
      continue;
    char num[GSZ_FMT_MAX];
    return gsz__diag_set(diag, GSZ_EOVERFLOW,
                         "%s (%s%s) is too large for the %s output: every format stops at "
                         "9,223,372,036,854,775,807",
                         v[i].name, gsz__fmt_group(num, v[i].value), v[i].bytes ? " bytes" : "",
                         gsz_output_format_name(fmt));
  }
  return GSZ_OK;
}

/* Counts and sizes: gsz__check_estimate has refused any above INT64_MAX
 * (the request's own numbers are bounded when parsed). */
static json_t *uint_json(uint64_t v) {
  assert(v <= (uint64_t)INT64_MAX);
  return json_integer((json_int_t)v);
}

json_t *gsz__json_request(gsz__jb *jb, const gsz_size_request *req) {
  const gsz_workload *w = req->workload;
  json_t *o = json_object();
  gsz__jb_put(jb, o, "model", gsz__json_text(req->model->label ? req->model->label : ""));
  gsz__jb_put(jb, o, "model_source", gsz__json_text(req->model_source));
  if (req->hf_config != NULL)
    gsz__jb_put(jb, o, "hf_config", gsz__json_text(req->hf_config));
  if (req->checkpoint_path != NULL)
    gsz__jb_put(jb, o,
                gsz_checkpoint_get(w->checkpoint)->kind == GSZ_CHECKPOINT_GGUF ? "gguf"
                                                                               : "safetensors",
                gsz__json_text(req->checkpoint_path));
  if (req->model->arch == NULL)
    gsz__jb_put(jb, o, "params", uint_json(req->model->count.total));
  gsz__jb_put(jb, o, "mode", gsz__json_text(gsz_mode_name(w->mode)));
  gsz__jb_put(jb, o, "method", gsz__json_text(gsz_method_name(w->method)));
  gsz__jb_put(jb, o, "precision",
              w->checkpoint != NULL ? json_null() : gsz__json_text(w->weight_format->name));
  if (w->mode == GSZ_MODE_INFERENCE) {
    gsz__jb_put(jb, o, "kv_precision", gsz__json_text(w->kv_format->name));
    gsz__jb_put(jb, o, "context", uint_json(w->context));
    gsz__jb_put(jb, o, "concurrency", uint_json(w->concurrency));
    gsz__jb_put(jb, o, "input_tokens", w->input_tokens ? uint_json(w->input_tokens) : json_null());
    gsz__jb_put(jb, o, "output_tokens",
                w->output_tokens ? uint_json(w->output_tokens) : json_null());
  } else {
    gsz__jb_put(jb, o, "context", uint_json(w->context));
    gsz__jb_put(jb, o, "batch", uint_json(w->micro_batch));
    gsz__jb_put(jb, o, "optimizer", gsz__json_text(gsz_optimizer_name(w->optimizer)));
    gsz__jb_put(jb, o, "recipe", gsz__json_text(gsz_recipe_name(w->recipe)));
    gsz__jb_put(jb, o, "zero", json_integer(w->zero));
    gsz__jb_put(jb, o, "recompute", gsz__json_text(gsz_recompute_name(w->recompute)));
    gsz__jb_put(jb, o, "flash_attention", json_boolean(w->flash_attention));
    if (w->mode != GSZ_MODE_TRAIN)
      gsz__jb_put(jb, o, "lora_rank", json_integer(w->lora_rank));
  }
  gsz__jb_put(jb, o, "runtime", gsz__json_text(w->runtime->name));
  if (w->mem_util_bp != 0)
    gsz__jb_put(jb, o, "gpu_memory_utilization_bp", json_integer(w->mem_util_bp));
  if (w->mode != GSZ_MODE_INFERENCE)
    gsz__jb_put(jb, o, "sequence_parallel", json_boolean(w->sequence_parallel));
  json_t *layout = json_object();
  gsz__jb_put(jb, layout, "tp", json_integer(req->layout.tp));
  gsz__jb_put(jb, layout, "pp", json_integer(req->layout.pp));
  gsz__jb_put(jb, layout, "dp", json_integer(req->layout.dp));
  gsz__jb_put(jb, o, "layout", layout);
  if (req->gpu != NULL)
    gsz__jb_put(jb, o, "gpu", gsz__json_text(req->gpu->sku));
  return o;
}

json_t *gsz__json_model(gsz__jb *jb, const gsz_size_request *req, const gsz_estimate *e) {
  json_t *o = json_object();
  gsz__jb_put(jb, o, "name", gsz__json_text(req->model->label ? req->model->label : ""));
  gsz__jb_put(jb, o, "architecture", json_boolean(req->model->arch != NULL));
  if (req->model->arch != NULL)
    gsz__jb_put(jb, o, "model_type", gsz__json_text(req->model->arch->model_type));
  gsz__jb_put(jb, o, "total_params", uint_json(e->total_params));
  gsz__jb_put(jb, o, "active_params", uint_json(e->active_params));
  gsz__jb_put(jb, o, "trainable_params", uint_json(e->trainable_params));
  gsz__jb_put(jb, o, "kv_bytes_per_token",
              req->model->arch != NULL ? uint_json(e->kv_bytes_per_token) : json_null());
  return o;
}

/* The KV pool fields: null without a GPU and an architecture. */
static void kv_json(gsz__jb *jb, json_t *o, const gsz_kv_capacity *kv) {
  gsz__jb_put(jb, o, "kv_pool_bytes", kv ? uint_json(kv->pool_bytes) : json_null());
  gsz__jb_put(jb, o, "kv_pool_gpu_bytes", kv ? uint_json(kv->pool_gpu_bytes) : json_null());
  gsz__jb_put(jb, o, "kv_pool_tokens", kv ? uint_json(kv->tokens) : json_null());
  gsz__jb_put(jb, o, "kv_block_tokens", kv ? json_integer(kv->block_tokens) : json_null());
  /* vLLM's "Maximum concurrency for N tokens per request: X.XXx". */
  gsz__jb_put(jb, o, "max_concurrency",
              kv ? json_real((double)kv->max_concurrency_x100 / 100.0) : json_null());
  gsz__jb_put(jb, o, "max_concurrent_requests", kv ? uint_json(kv->max_concurrency) : json_null());
  gsz__jb_put(jb, o, "max_context", kv ? uint_json(kv->max_context) : json_null());
}

json_t *gsz__json_memory(gsz__jb *jb, const gsz_estimate *e, const gsz_size_request *req) {
  char note[512];
  const gsz_field_words *words = req->words;
  json_t *o = json_object();
  gsz__jb_put(jb, o, "method", gsz__json_text(gsz_method_name(e->method)));
  gsz__jb_put(jb, o, "weights_source",
              gsz__json_text(e->weights_source ? e->weights_source : "architecture"));
  if (req->workload->mode != GSZ_MODE_INFERENCE)
    gsz__jb_put(jb, o, "recompute", gsz__json_text(gsz_recompute_name(e->recompute)));
  gsz__jb_put(jb, o, "total_bytes", uint_json(e->total_bytes));
  gsz__jb_put(jb, o, "per_gpu_bytes", uint_json(e->per_gpu_bytes));
  gsz__jb_put(jb, o, "min_usable_bytes",
              uint_json(gsz__min_usable(e->per_gpu_bytes, e->mem_util_bp)));
  gsz__jb_put(jb, o, "mem_util_bp", json_integer(e->mem_util_bp));
  gsz__jb_put(jb, o, "outside_budget_bytes", uint_json(e->outside_budget_bytes));
  json_t *outside = json_object();
  gsz__jb_put(jb, outside, "baseline", uint_json(e->baseline_bytes));
  gsz__jb_put(jb, outside, "cuda_graphs", uint_json(e->graph_outside_bytes));
  gsz__jb_put(jb, o, "outside_budget", outside);
  if (e->max_num_seqs != 0) {
    json_t *profile = json_object();
    gsz__jb_put(jb, profile, "max_num_seqs", json_integer(e->max_num_seqs));
    gsz__jb_put(jb, profile, "max_batched_tokens", json_integer(e->max_batched_tokens));
    gsz__jb_put(jb, o, "profile_run", profile);
  } else {
    gsz__jb_put(jb, o, "profile_run", json_null());
  }
  kv_json(jb, o, req->kv);
  json_t *layout = json_object();
  gsz__jb_put(jb, layout, "tp", json_integer(e->layout.tp));
  gsz__jb_put(jb, layout, "pp", json_integer(e->layout.pp));
  gsz__jb_put(jb, layout, "dp", json_integer(e->layout.dp));
  gsz__jb_put(jb, o, "layout", layout);
  gsz__jb_put(jb, o, "busiest_stage", json_integer(e->busiest_stage));
  json_t *components = json_object();
  json_t *excluded = json_array();
  for (int i = 0; i < GSZ_COMP_COUNT; i++) {
    gsz__jb_put(jb, components, gsz_component_name((gsz_component)i),
                e->included[i] ? uint_json(e->component[i]) : json_null());
    if (!e->included[i] && excluded != NULL)
      gsz__jb_append(jb, excluded, gsz__json_text(gsz_component_name((gsz_component)i)));
  }
  gsz__jb_put(jb, o, "components", components);
  gsz__jb_put(jb, o, "excluded", excluded);
  json_t *notes = json_array();
  for (unsigned i = 0; i < e->n_notes && notes != NULL; i++)
    gsz__jb_append(jb, notes,
                   gsz__json_text(gsz_text_render(note, sizeof note, e->notes[i], words)));
  gsz__jb_put(jb, o, "notes", notes);
  return o;
}

static void gpu_fit_json(gsz__jb *jb, json_t *doc, const gsz_size_request *req,
                         const gsz_estimate *e) {
  const gsz_gpu *g = req->gpu;
  uint64_t usable = (uint64_t)g->usable_mib << 20;
  gsz_fit_check fit;
  if (req->fit != NULL)
    fit = *req->fit;
  else /* the quick method: all of the GPU's memory */
    gsz_memory_fits(&fit, e, usable);
  json_t *o = json_object();
  gsz__jb_put(jb, o, "sku", gsz__json_text(g->sku));
  gsz__jb_put(jb, o, "usable_bytes", uint_json(usable));
  gsz__jb_put(jb, o, "visible_bytes", uint_json(fit.visible_bytes));
  gsz__jb_put(jb, o, "budget_bytes", uint_json(fit.budget_bytes));
  gsz__jb_put(jb, o, "fits", json_boolean(fit.budget_ok && fit.outside_ok));
  gsz__jb_put(jb, o, "outside_budget_fits", json_boolean(fit.outside_ok));
  gsz__jb_put(jb, o, "headroom_bytes", /* both checked: at most INT64_MAX */
              json_integer((json_int_t)fit.budget_bytes - (json_int_t)e->per_gpu_bytes));
  gsz__jb_put(jb, doc, "gpu", o);
}

void gsz__text_gpu(gsz__buf *b, const gsz_size_request *req, const gsz_estimate *e, const char *sku,
                   const char *bullet) {
  char x[GSZ_FMT_MAX], y[GSZ_FMT_MAX], z[GSZ_FMT_MAX], u[GSZ_FMT_MAX];
  const gsz_fit_check *f = req->fit;
  if (f != NULL) {
    gsz__text_printf(b, "%son %s: %s; the runtime sees %s, budget %s at %s", bullet, sku,
                     f->budget_ok && f->outside_ok ? "fits" : "does not fit",
                     gsz__fmt_gib(x, f->visible_bytes), gsz__fmt_gib(y, f->budget_bytes),
                     gsz__fmt_ratio(u, e->mem_util_bp, GSZ_BP_SCALE, 2));
    if (f->budget_ok)
      gsz__text_printf(b, ", %s to spare", gsz__fmt_gib(z, f->budget_bytes - e->per_gpu_bytes));
    else
      gsz__text_printf(b, ", %s short", gsz__fmt_gib(z, e->per_gpu_bytes - f->budget_bytes));
    if (e->outside_budget_bytes > 0)
      gsz__text_printf(b, "; outside the budget %s of the %s it leaves%s",
                       gsz__fmt_gib(x, e->outside_budget_bytes),
                       gsz__fmt_gib(y, f->outside_room_bytes),
                       f->outside_ok ? "" : " (too little: lower the utilisation)");
    gsz__buf_putc(b, '\n');
  }
  const gsz_kv_capacity *kv = req->kv;
  if (kv == NULL)
    return;
  char n[GSZ_FMT_MAX], m[GSZ_FMT_MAX];
  if (!kv->fits) {
    gsz__text_printf(b, "%sKV cache pool: none; the weights and the rest leave no block\n", bullet);
    return;
  }
  gsz__text_printf(b, "%sKV cache pool: %s available per GPU, %s of blocks per replica\n", bullet,
                   gsz__fmt_gib(x, kv->pool_gpu_bytes), gsz__fmt_gib(y, kv->pool_bytes));
  gsz__text_printf(b, "%sGPU KV cache size: %s tokens (%s blocks of %u)\n", bullet,
                   gsz__fmt_group(n, kv->tokens), gsz__fmt_group(m, kv->blocks), kv->block_tokens);
  gsz__text_printf(b, "%sMaximum concurrency for %s tokens per request: %llu.%02llux\n", bullet,
                   gsz__fmt_group(n, req->workload->context),
                   (unsigned long long)(kv->max_concurrency_x100 / 100),
                   (unsigned long long)(kv->max_concurrency_x100 % 100));
  /* Replicas share the requests: each holds its share. */
  uint32_t replicas =
      e->layout.dp > 1 && req->workload->mode == GSZ_MODE_INFERENCE ? e->layout.dp : 1;
  uint64_t share = (req->workload->concurrency + replicas - 1) / replicas;
  gsz__text_printf(b, "%slongest context at %s concurrent sequence%s%s: %s tokens\n", bullet,
                   gsz__fmt_group(n, share), share == 1 ? "" : "s",
                   replicas > 1 ? " per replica" : "", gsz__fmt_group(m, kv->max_context));
}

/* --- Text ---------------------------------------------------------------- */

void gsz__text_workload(gsz__buf *b, const gsz_size_request *req) {
  const gsz_workload *w = req->workload;
  char n[GSZ_FMT_MAX], m[GSZ_FMT_MAX];
  gsz__text_printf(b, "%s", gsz_mode_name(w->mode));
  if (w->mode == GSZ_MODE_INFERENCE) {
    gsz__text_printf(b, ", %s weights, %s KV cache, context %s",
                     w->checkpoint != NULL ? "stored" : w->weight_format->name, w->kv_format->name,
                     gsz__fmt_group(n, w->context));
    gsz__text_printf(b, ", %s concurrent sequence%s", gsz__fmt_group(n, w->concurrency),
                     w->concurrency == 1 ? "" : "s");
  } else {
    if (w->mode == GSZ_MODE_TRAIN)
      gsz__text_printf(b, ", %s recipe with %s weights", gsz_recipe_name(w->recipe),
                       w->weight_format->name);
    else
      gsz__text_printf(b, " rank %u, %s base weights, %s adapters", w->lora_rank,
                       w->weight_format->name, gsz_recipe_name(w->recipe));
    gsz__text_printf(b, ", %s, context %s, micro-batch %s", gsz_optimizer_name(w->optimizer),
                     gsz__fmt_group(n, w->context), gsz__fmt_group(m, w->micro_batch));
    if (w->zero > 0)
      gsz__text_printf(b, ", ZeRO-%u", w->zero);
    if (w->recompute != GSZ_RECOMPUTE_NONE)
      gsz__text_printf(b, ", %s recomputation", gsz_recompute_name(w->recompute));
    gsz__text_printf(b, ", flash attention %s", w->flash_attention ? "on" : "off");
  }
}

enum { C_NAME, C_BYTES, C_GB, C_GIB, C_INCLUDED, C_COLS };

static const gsz__col breakdown_cols[C_COLS] = {
    [C_NAME] = {"component", "Component", false, GSZ_COL_BOTH},
    [C_BYTES] = {"bytes", "Bytes", true, GSZ_COL_BOTH},
    [C_GB] = {"gb", "GB", true, GSZ_COL_HUMAN},
    [C_GIB] = {"gib", "GiB", true, GSZ_COL_HUMAN},
    [C_INCLUDED] = {"included", "", false, GSZ_COL_MACHINE},
};

static void breakdown_row(gsz__table *t, const char *name, uint64_t bytes, bool included) {
  char buf[GSZ_FMT_MAX], num[GSZ_FMT_MAX];
  gsz__table_row(t);
  gsz__table_str(t, C_NAME, name, NULL);
  if (!included) {
    gsz__table_null(t, C_BYTES, "not included");
    gsz__table_null(t, C_GB, "-");
    gsz__table_null(t, C_GIB, "-");
  } else {
    gsz__table_u64(t, C_BYTES, bytes, gsz__fmt_group(num, bytes));
    gsz__table_str(t, C_GB, gsz__fmt_ratio(buf, bytes, 1000000000u, 2), NULL);
    gsz__table_str(t, C_GIB, gsz__fmt_ratio(buf, bytes, (uint64_t)1 << 30, 2), NULL);
  }
  gsz__table_bool(t, C_INCLUDED, included, NULL);
}

void gsz__text_breakdown(gsz__buf *b, const gsz_estimate *e, gsz_output_format fmt) {
  gsz__table t;
  gsz__table_init(&t, breakdown_cols, C_COLS);
  for (int i = 0; i < GSZ_COMP_COUNT; i++)
    breakdown_row(&t, gsz_component_name((gsz_component)i), e->component[i], e->included[i]);
  breakdown_row(&t, "per GPU", e->per_gpu_bytes, true);
  uint64_t gpus = (uint64_t)e->layout.tp * e->layout.pp * e->layout.dp;
  char label[64];
  snprintf(label, sizeof label, "all %llu GPU%s", (unsigned long long)gpus, gpus == 1 ? "" : "s");
  breakdown_row(&t, label, e->total_bytes, true);
  gsz__table_render(&t, fmt, b);
  gsz__table_free(&t);
}

static void text_size(gsz__buf *b, const gsz_size_request *req, const gsz_estimate *e,
                      bool markdown) {
  char n[GSZ_FMT_MAX], gib[GSZ_FMT_MAX];
  const gsz_workload *w = req->workload;
  const char *bullet = markdown ? "- " : "";
  if (markdown)
    gsz__text_printf(b, "## Memory: %s\n\n", req->model->label);
  gsz__text_printf(b, "%smodel: %s (%s), %s parameters", bullet, req->model->label,
                   req->model_source, gsz__fmt_group(n, e->total_params));
  if (e->active_params != e->total_params)
    gsz__text_printf(b, ", %s active per token", gsz__fmt_group(n, e->active_params));
  if (e->trainable_params != 0 && e->trainable_params != e->total_params)
    gsz__text_printf(b, ", %s trainable", gsz__fmt_group(n, e->trainable_params));
  gsz__buf_putc(b, '\n');
  if (w->checkpoint != NULL) {
    const gsz_checkpoint_info *ck = gsz_checkpoint_get(w->checkpoint);
    gsz__text_printf(b, "%sweights: as stored in %s (%s, %s tensor%s in %u file%s, %s bytes",
                     bullet, req->checkpoint_path,
                     ck->kind == GSZ_CHECKPOINT_GGUF ? "GGUF" : "safetensors",
                     gsz__fmt_group(n, ck->tensors), ck->tensors == 1 ? "" : "s", ck->files,
                     ck->files == 1 ? "" : "s", gsz__fmt_group(gib, ck->bytes));
    if (ck->quant_method != NULL) {
      gsz__text_printf(b, "; quantisation %s", ck->quant_method);
      if (ck->quant_bits)
        gsz__text_printf(b, " %u-bit", ck->quant_bits);
      if (ck->quant_group_size)
        gsz__text_printf(b, ", group %u", ck->quant_group_size);
    }
    gsz__text_printf(b, ")\n");
    if (ck->arch == NULL && ck->arch_note != NULL && req->model->arch == NULL)
      gsz__text_printf(b, "%sno architecture: %s\n", bullet, ck->arch_note);
  }
  gsz__text_printf(b, "%sworkload: ", bullet);
  gsz__text_workload(b, req);
  gsz__buf_putc(b, '\n');
  if (req->model->arch != NULL && w->mode == GSZ_MODE_INFERENCE)
    gsz__text_printf(b, "%sKV cache: %s bytes per token (all layers, %s)\n", bullet,
                     gsz__fmt_group(n, e->kv_bytes_per_token), w->kv_format->name);
  gsz__text_printf(b, "%smethod %s, layout tp %u x pp %u x dp %u", bullet,
                   gsz_method_name(e->method), e->layout.tp, e->layout.pp, e->layout.dp);
  if (e->method == GSZ_METHOD_FULL)
    gsz__text_printf(b, ", runtime %s (%s %s)", w->runtime->name, w->runtime->engine,
                     w->runtime->engine_version);
  gsz__buf_puts(b, markdown ? "\n\n" : "\n\n");
  gsz__text_breakdown(b, e, markdown ? GSZ_OUTPUT_MARKDOWN : GSZ_OUTPUT_TABLE);
  gsz__buf_putc(b, '\n');

  uint64_t min_usable = gsz__min_usable(e->per_gpu_bytes, e->mem_util_bp);
  char util[GSZ_FMT_MAX], gb[GSZ_FMT_MAX];
  gsz__fmt_ratio(util, e->mem_util_bp, GSZ_BP_SCALE, 2);
  if (e->mem_util_bp < GSZ_BP_SCALE)
    gsz__text_printf(b,
                     "%sneeds %s per GPU; the runtime uses %s of GPU memory, so each GPU must "
                     "expose at least %s (%s)\n",
                     bullet, gsz__fmt_gib(gib, e->per_gpu_bytes), util, gsz__fmt_gib(n, min_usable),
                     gsz__fmt_gb(gb, min_usable));
  else
    gsz__text_printf(b, "%sneeds %s (%s) per GPU\n", bullet, gsz__fmt_gib(gib, e->per_gpu_bytes),
                     gsz__fmt_gb(n, e->per_gpu_bytes));
  if (req->gpu != NULL && req->fit != NULL) {
    gsz__text_gpu(b, req, e, req->gpu->sku, bullet);
  } else if (req->gpu != NULL) {
    const gsz_gpu *g = req->gpu;
    uint64_t usable = (uint64_t)g->usable_mib << 20;
    uint64_t budget = gsz_memory_budget(usable, e->mem_util_bp);
    char budget_s[GSZ_FMT_MAX];
    gsz__fmt_gib(budget_s, budget);
    if (e->per_gpu_bytes <= budget)
      gsz__text_printf(b, "%son %s: fits; budget %s of %s usable, %s to spare\n", bullet, g->sku,
                       budget_s, gsz__fmt_gib(gib, usable),
                       gsz__fmt_gib(n, budget - e->per_gpu_bytes));
    else
      gsz__text_printf(b, "%son %s: does not fit; budget %s of %s usable, %s short\n", bullet,
                       g->sku, budget_s, gsz__fmt_gib(gib, usable),
                       gsz__fmt_gib(n, e->per_gpu_bytes - budget));
  }
  char note[512];
  if (req->perf != NULL && (req->perf->known || req->perf->train_known)) {
    gsz__text_printf(b, "%sperformance on %s: ", bullet, req->gpu->sku);
    gsz__text_performance(b, req->perf, w, req->train_tokens);
    gsz__buf_putc(b, '\n');
  } else if (req->perf_note != NULL && req->perf_note[0] != '\0') {
    gsz__text_printf(b, "%sperformance on %s: %s\n", bullet, req->gpu->sku,
                     gsz_text_render(note, sizeof note, req->perf_note, req->words));
  }
  if (e->n_notes > 0) {
    gsz__buf_puts(b, markdown ? "\n**Notes**\n\n" : "\nnotes:\n");
    for (unsigned i = 0; i < e->n_notes; i++)
      gsz__text_printf(b, "%s%s\n", markdown ? "- " : "  - ",
                       gsz_text_render(note, sizeof note, e->notes[i], req->words));
  }
  gsz__buf_puts(b, markdown ? "\n_GB = 10^9 bytes, GiB = 2^30 bytes._\n"
                            : "\nGB = 10^9 bytes, GiB = 2^30 bytes.\n");
}

/* "12.3" from milli-units: one decimal, truncated. */
static const char *perf_milli1(char buf[GSZ_FMT_MAX], uint64_t v) {
  char whole[GSZ_FMT_MAX];
  snprintf(buf, GSZ_FMT_MAX, "%s.%llu", gsz__fmt_group(whole, v / 1000),
           (unsigned long long)(v % 1000 / 100));
  return buf;
}

static const char *bound_words(gsz_bound b) {
  switch (b) {
  case GSZ_BOUND_MEMORY_BANDWIDTH:
    return "reading the weights and the KV cache";
  case GSZ_BOUND_COMPUTE:
    return "the GPUs' arithmetic";
  case GSZ_BOUND_KV_CAPACITY:
    return "fewer requests fit the KV cache at once than asked for";
  case GSZ_BOUND_INTERCONNECT:
    return "the tensor-parallel all-reduces between GPUs";
  }
  return "?";
}

/* The performance line of a configuration (docs/performance-model.md). */
void gsz__text_performance(gsz__buf *b, const gsz_candidate_perf *p, const gsz_workload *w,
                           uint64_t train_tokens) {
  char x[GSZ_FMT_MAX], y[GSZ_FMT_MAX], z[GSZ_FMT_MAX];
  if (p->train_known) {
    gsz__text_printf(b, "%s days for %s training tokens (%s tokens/s in all at %u.%02u%% MFU)",
                     perf_milli1(x, p->train.days_milli), gsz__fmt_group(y, train_tokens),
                     perf_milli1(z, p->train.tokens_mps), p->train.mfu_bp / 100,
                     p->train.mfu_bp % 100);
    return;
  }
  const gsz_perf_estimate *e = &p->est;
  gsz__text_printf(b,
                   "%s tokens/s per user, %s output tokens/s in all, time to first token %llu ms "
                   "at %llu concurrent (%llu input + %llu output tokens; %u replica%s of tensor "
                   "parallel %u, pipeline %u); bound %s (%s)",
                   perf_milli1(x, e->user_mtps), perf_milli1(y, e->output_mtps),
                   (unsigned long long)e->ttft_ms, (unsigned long long)w->concurrency,
                   (unsigned long long)w->input_tokens, (unsigned long long)w->output_tokens,
                   p->replicas, p->replicas == 1 ? "" : "s", p->tp, p->pp, gsz_bound_name(e->bound),
                   bound_words(e->bound));
  if (e->batch_capped)
    gsz__text_printf(b,
                     "; only %llu of the %llu requests fit the KV cache at once, so the estimate "
                     "uses the largest batch that fits (%llu per replica) and the rest queue",
                     (unsigned long long)e->max_concurrency, (unsigned long long)w->concurrency,
                     (unsigned long long)e->batch);
}

json_t *gsz__json_performance(gsz__jb *jb, const gsz_candidate_perf *p) {
  if (!p->known && !p->train_known)
    return json_null();
  json_t *perf = json_object();
  bool inf = p->known;
  gsz__jb_put(jb, perf, "decode_tokens_per_s_per_user",
              inf ? json_real((double)p->est.user_mtps / 1000.0) : json_null());
  gsz__jb_put(jb, perf, "output_tokens_per_s",
              inf ? json_real((double)p->est.output_mtps / 1000.0) : json_null());
  gsz__jb_put(jb, perf, "ttft_ms", inf ? json_integer((json_int_t)p->est.ttft_ms) : json_null());
  gsz__jb_put(jb, perf, "max_concurrency",
              inf && p->est.max_concurrency ? json_integer((json_int_t)p->est.max_concurrency)
                                            : json_null());
  gsz__jb_put(jb, perf, "batch", inf ? json_integer((json_int_t)p->est.batch) : json_null());
  gsz__jb_put(jb, perf, "batch_capped", inf ? json_boolean(p->est.batch_capped) : json_null());
  gsz__jb_put(jb, perf, "replicas", json_integer(p->replicas));
  gsz__jb_put(jb, perf, "tp", json_integer(p->tp));
  gsz__jb_put(jb, perf, "pp", json_integer(p->pp));
  gsz__jb_put(jb, perf, "bound", inf ? gsz__json_text(gsz_bound_name(p->est.bound)) : json_null());
  gsz__jb_put(jb, perf, "train_days",
              p->train_known ? json_real((double)p->train.days_milli / 1000.0) : json_null());
  gsz__jb_put(jb, perf, "train_tokens_per_s",
              p->train_known ? json_real((double)p->train.tokens_mps / 1000.0) : json_null());
  return perf;
}

gsz_err gsz_report_size(char **out, size_t *out_len, const gsz_size_request *req,
                        const gsz_estimate *e, gsz_output_format format, gsz_diag *diag) {
  gsz_err err = gsz__check_estimate(req, e, format, diag);
  if (err != GSZ_OK)
    return err;
  gsz__buf b;
  gsz__buf_init(&b);
  switch (format) {
  case GSZ_OUTPUT_TABLE:
    text_size(&b, req, e, false);
    break;
  case GSZ_OUTPUT_MARKDOWN:
    text_size(&b, req, e, true);
    break;
  case GSZ_OUTPUT_CSV:
  case GSZ_OUTPUT_CSV_RAW:
    gsz__text_breakdown(&b, e, format);
    break;
  case GSZ_OUTPUT_JSON: {
    gsz__jb jb = {false};
    json_t *doc = json_object();
    gsz__jb_put(&jb, doc, "request", gsz__json_request(&jb, req));
    gsz__jb_put(&jb, doc, "model", gsz__json_model(&jb, req, e));
    gsz__jb_put(&jb, doc, "memory", gsz__json_memory(&jb, e, req));
    if (req->gpu != NULL)
      gpu_fit_json(&jb, doc, req, e);
    if (req->perf != NULL) {
      gsz__jb_put(&jb, doc, "performance", gsz__json_performance(&jb, req->perf));
      char said[512];
      gsz__jb_put(
          &jb, doc, "performance_note",
          req->perf_note != NULL && req->perf_note[0] != '\0'
              ? gsz__json_text(gsz_text_render(said, sizeof said, req->perf_note, req->words))
              : json_null());
    }
    gsz__jb_emit(&b, &jb, doc);
    json_decref(doc);
    break;
  }
  }
  return gsz__report_finish(&b, format, out, out_len, diag);
}
