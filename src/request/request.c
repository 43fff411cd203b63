/* request.c: the request fields (one table for every front end), recording
 * values, and the policy that turns a request into a model reference, a
 * workload and a layout, and into match constraints: defaults per mode,
 * the formats that follow from others, and what a quote decides itself.
 * Every error names its field (diag->field) and refers to other fields by
 * reference, never by a front end's spelling. */
#include "gpusizer/catalog.h"
#include "gpusizer/money.h"
#include "gpusizer/parse.h"
#include "gpusizer/suggest.h"
#include "request/request_int.h"
#include "util/common_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static const gsz_field_info fields[GSZ_FIELD_COUNT] = {[GSZ_FIELD_NONE] = {"", NULL, 0, 0},
#define GSZ_FIELD_ROW(id, name, placeholder, scope, kind)                                          \
  [GSZ_FIELD_##id] = {name, placeholder, scope, kind},
                                                       GSZ_FIELD_MAP(GSZ_FIELD_ROW)
#undef GSZ_FIELD_ROW
};

const gsz_field_info *gsz_field_get(gsz_field f) {
  return f > GSZ_FIELD_NONE && f < GSZ_FIELD_COUNT ? &fields[f] : NULL;
}

gsz_field gsz_field_find(const char *name) {
  char folded[64];
  size_t n = strlen(name);
  if (n == 0 || n >= sizeof folded)
    return GSZ_FIELD_NONE;
  for (size_t i = 0; i <= n; i++)
    folded[i] = name[i] == '-' ? '_' : name[i];
  for (int f = GSZ_FIELD_NONE + 1; f < GSZ_FIELD_COUNT; f++)
    if (gsz__str_ieq(fields[f].name, folded))
      return (gsz_field)f;
  return GSZ_FIELD_NONE;
}

const char *gsz__field_name(gsz_field f) {
  return fields[f].name;
}

void gsz_request_init(gsz_request *req) {
  memset(req, 0, sizeof *req);
}

/* Fill diag with a message about field; returns code. */
static gsz_err field_error(gsz_diag *diag, gsz_err code, gsz_field field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static gsz_err field_error(gsz_diag *diag, gsz_err code, gsz_field field, const char *fmt, ...) {
  if (diag == NULL)
    return code;
  diag->code = code;
  diag->field = fields[field].name;
  va_list ap;
  va_start(ap, fmt);
  if (vsnprintf(diag->message, sizeof diag->message, fmt, ap) < 0)
    diag->message[0] = '\0';
  va_end(ap);
  return code;
}

/* A lower stage's error, now about field. */
static gsz_err about(gsz_diag *diag, gsz_err err, gsz_field field) {
  gsz__diag_field(diag, fields[field].name);
  return err;
}

bool gsz__switch_word(const char *v, bool *on) {
  static const char *const yes[] = {"true", "yes", "on", "1"}, *const no[] = {"false", "no", "off",
                                                                              "0"};
  for (size_t i = 0; i < 4; i++) {
    if (gsz__str_ieq(v, yes[i])) {
      *on = true;
      return true;
    }
    if (gsz__str_ieq(v, no[i])) {
      *on = false;
      return true;
    }
  }
  return false;
}

gsz_err gsz_request_set(gsz_request *req, gsz_field field, const char *value, gsz_diag *diag) {
  if (field <= GSZ_FIELD_NONE || field >= GSZ_FIELD_COUNT)
    return gsz__diag_set(diag, GSZ_EINVAL, "no such request field");
  const gsz_field_info *info = &fields[field];
  if (info->kind & GSZ_FIELD_SWITCH) {
    bool on;
    if (!gsz__switch_word(value, &on))
      return field_error(diag, GSZ_EINVAL, field, "expected true or false, got '%s'", value);
    req->value[field] = on ? "true" : NULL;
    return GSZ_OK;
  }
  if (info->kind & GSZ_FIELD_REPEATABLE) {
    if (req->n_list[field] >= GSZ_REQUEST_MAX_REPEAT)
      return field_error(diag, GSZ_EINVAL, field, "given too many times");
    req->list[field][req->n_list[field]++] = value;
  } else if (req->value[field] != NULL && strcmp(req->value[field], value) != 0) {
    return field_error(diag, GSZ_EINVAL, field, "given twice with different values");
  }
  req->value[field] = value;
  return GSZ_OK;
}

/* --- Values ----------------------------------------------------------------- */

static gsz_err uint_field(uint64_t *out, const gsz_request *req, gsz_field field, uint64_t min,
                          uint64_t max, uint64_t fallback, gsz_diag *diag) {
  if (req->value[field] == NULL) {
    *out = fallback;
    return GSZ_OK;
  }
  gsz_err err = gsz_parse_uint(out, req->value[field], min, max, diag);
  return err == GSZ_OK ? GSZ_OK : about(diag, err, field);
}

static gsz_err find_format(const gsz_format **out, const gsz_request *req, gsz_field field,
                           const gsz_catalog_data *data, gsz_diag *diag) {
  const gsz_format *f = gsz_catalog_find_format(data, req->value[field]);
  if (f == NULL)
    return field_error(diag, GSZ_EINVAL, field,
                       "unknown number format '%s' (see 'gpusizer catalog formats')",
                       req->value[field]);
  *out = f;
  return GSZ_OK;
}

/* The weights' file: safetensors or gguf, read from its headers. */
static gsz_err resolve_checkpoint(gsz__resolved *r, const gsz_request *req, gsz_diag *diag) {
  const char *st = req->value[GSZ_FIELD_SAFETENSORS], *gguf = req->value[GSZ_FIELD_GGUF];
  if (st == NULL && gguf == NULL)
    return GSZ_OK;
  if (st != NULL && gguf != NULL)
    return field_error(diag, GSZ_EINVAL, GSZ_FIELD_GGUF,
                       "give one checkpoint: " GSZ_FIELD("safetensors") " or " GSZ_FIELD("gguf"));
  if (req->value[GSZ_FIELD_PARAMS] != NULL)
    return field_error(diag, GSZ_EINVAL, GSZ_FIELD_PARAMS,
                       "the checkpoint's tensors give the weights; give " GSZ_FIELD(
                           "params") " or a checkpoint, not both");
  if (req->value[GSZ_FIELD_PRECISION] != NULL)
    return field_error(diag, GSZ_EINVAL, GSZ_FIELD_PRECISION,
                       "the checkpoint's tensors give the weights as stored; give " GSZ_FIELD(
                           "precision") " or a checkpoint, not both");
  gsz_field field = st != NULL ? GSZ_FIELD_SAFETENSORS : GSZ_FIELD_GGUF;
  gsz_err err = st != NULL ? gsz_checkpoint_load_safetensors(&r->checkpoint, st, diag)
                           : gsz_checkpoint_load_gguf(&r->checkpoint, gguf, diag);
  if (err != GSZ_OK)
    return about(diag, err, field);
  r->checkpoint_path = st != NULL ? st : gguf;
  return GSZ_OK;
}

/* The model from the checkpoint alone: its architecture (config.json
 * beside it, GGUF metadata), else its parameter count. */
static gsz_err model_from_checkpoint(gsz__resolved *r, gsz_diag *diag) {
  const gsz_checkpoint_info *ck = gsz_checkpoint_get(r->checkpoint);
  gsz_field field = ck->kind == GSZ_CHECKPOINT_GGUF ? GSZ_FIELD_GGUF : GSZ_FIELD_SAFETENSORS;
  r->model_source = ck->kind == GSZ_CHECKPOINT_GGUF ? "gguf" : "safetensors";
  if (ck->arch != NULL) {
    gsz_err err = gsz_model_ref_from_arch(&r->model, ck->arch, diag);
    return err == GSZ_OK ? GSZ_OK : about(diag, err, field);
  }
  if (ck->params == 0)
    return field_error(diag, GSZ_EINVAL, field, "'%s' holds no tensors", r->checkpoint_path);
  gsz_model_ref_from_params(&r->model, ck->params, r->checkpoint_path);
  return GSZ_OK;
}

/* The model: exactly one of model, params, hf_config; or none of them and
 * a checkpoint. */
static gsz_err resolve_model(gsz__resolved *r, const gsz_request *req, const gsz_catalog_data *data,
                             gsz_diag *diag) {
  int given = (req->value[GSZ_FIELD_MODEL] != NULL) + (req->value[GSZ_FIELD_PARAMS] != NULL) +
              (req->value[GSZ_FIELD_HF_CONFIG] != NULL);
  gsz_err cerr = resolve_checkpoint(r, req, diag);
  if (cerr != GSZ_OK)
    return cerr;
  if (given == 0 && r->checkpoint != NULL)
    return model_from_checkpoint(r, diag);
  static const char which[] =
      "which model? give " GSZ_FIELD("model") " NAME, " GSZ_FIELD("params") " N, " GSZ_FIELD(
          "hf_config") " FILE, " GSZ_FIELD("safetensors") " PATH or " GSZ_FIELD("gguf") " FILE";
  static const char only_one[] = "give only one of " GSZ_FIELD("model") ", " GSZ_FIELD(
      "params") " and " GSZ_FIELD("hf_config");
  if (given != 1)
    return gsz__diag_set(diag, GSZ_EINVAL, "%s", given == 0 ? which : only_one);
  if (req->value[GSZ_FIELD_MODEL] != NULL) {
    const char *name = req->value[GSZ_FIELD_MODEL];
    const gsz_arch *arch = gsz_catalog_find_model(data, name);
    if (arch == NULL) {
      const char *near = gsz_catalog_suggest_model(data, name);
      return field_error(diag, GSZ_EINVAL, GSZ_FIELD_MODEL,
                         "unknown model '%s' (see 'gpusizer catalog models', or use " GSZ_FIELD(
                             "hf_config") " FILE or " GSZ_FIELD("params") " N)%s%s%s",
                         name, near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
    }
    r->model_source = "catalog";
    gsz_err err = gsz_model_ref_from_arch(&r->model, arch, diag);
    return err == GSZ_OK ? GSZ_OK : about(diag, err, GSZ_FIELD_MODEL);
  }
  if (req->value[GSZ_FIELD_PARAMS] != NULL) {
    uint64_t n;
    gsz_err err = gsz_parse_count(&n, req->value[GSZ_FIELD_PARAMS], diag);
    if (err != GSZ_OK)
      return about(diag, err, GSZ_FIELD_PARAMS);
    r->model_source = "params";
    gsz_model_ref_from_params(&r->model, n, req->value[GSZ_FIELD_PARAMS]);
    return GSZ_OK;
  }
  gsz_err err = gsz_hf_config_load(&r->hf, req->value[GSZ_FIELD_HF_CONFIG], diag);
  if (err != GSZ_OK)
    return about(diag, err, GSZ_FIELD_HF_CONFIG);
  r->model_source = "hf-config";
  r->hf_config = req->value[GSZ_FIELD_HF_CONFIG];
  err = gsz_model_ref_from_arch(&r->model, gsz_hf_model_arch(r->hf), diag);
  return err == GSZ_OK ? GSZ_OK : about(diag, err, GSZ_FIELD_HF_CONFIG);
}

/* fp32, fp16, bf16: the formats a model is stored and trained in. */
static bool is_float_format(const gsz_format *f) {
  return f->trainable;
}

/* The weight, KV and compute formats: named ones, and those that follow. */
static gsz_err resolve_formats(gsz_workload *w, const gsz_request *req,
                               const gsz_catalog_data *data, gsz_diag *diag) {
  gsz_err err;
  if (req->value[GSZ_FIELD_PRECISION] != NULL) {
    if ((err = find_format(&w->weight_format, req, GSZ_FIELD_PRECISION, data, diag)) != GSZ_OK)
      return err;
    /* fp32 weights for training mean the fp32 recipe unless one is named. */
    if (req->value[GSZ_FIELD_RECIPE] == NULL &&
        w->weight_format->block_bytes == 4 * w->weight_format->block_elems)
      w->recipe = GSZ_RECIPE_FP32;
  } else if (w->mode == GSZ_MODE_TRAIN && w->recipe == GSZ_RECIPE_FP32) {
    w->weight_format = gsz_catalog_find_format(data, "fp32");
    if (w->weight_format == NULL)
      return gsz__diag_set(diag, GSZ_ESCHEMA, "the catalog lacks the number format 'fp32'");
  }
  if (is_float_format(w->weight_format) && w->mode != GSZ_MODE_QLORA) {
    w->kv_format = w->weight_format;
    if (w->weight_format->block_bytes == 2 * w->weight_format->block_elems)
      w->compute_format = w->weight_format; /* fp16 models compute in fp16 */
  }
  if (req->value[GSZ_FIELD_KV_PRECISION] != NULL)
    return find_format(&w->kv_format, req, GSZ_FIELD_KV_PRECISION, data, diag);
  return GSZ_OK;
}

/* A named choice (mode, method, ...) parsed by its lower-stage parser. */
#define PARSE_CHOICE(parse, out, field)                                                            \
  (req->value[field] == NULL                               ? GSZ_OK                                \
   : (err = parse(out, req->value[field], diag)) == GSZ_OK ? GSZ_OK                                \
                                                           : about(diag, err, field))

static gsz_err resolve_training(gsz__resolved *r, const gsz_request *req, gsz_diag *diag) {
  gsz_workload *w = &r->workload;
  gsz_err err;
  uint64_t v;
  if ((err = PARSE_CHOICE(gsz_optimizer_parse, &w->optimizer, GSZ_FIELD_OPTIMIZER)) != GSZ_OK ||
      (err = uint_field(&v, req, GSZ_FIELD_ZERO, 0, 3, 0, diag)) != GSZ_OK)
    return err;
  w->zero = (uint32_t)v;
  r->zero_given = req->value[GSZ_FIELD_ZERO] != NULL;
  if ((err = PARSE_CHOICE(gsz_recompute_parse, &w->recompute, GSZ_FIELD_RECOMPUTE)) != GSZ_OK)
    return err;
  const char *flash = req->value[GSZ_FIELD_FLASH_ATTENTION];
  if (flash != NULL && !gsz__switch_word(flash, &w->flash_attention))
    return field_error(diag, GSZ_EINVAL, GSZ_FIELD_FLASH_ATTENTION, "expected on or off, got '%s'",
                       flash);
  const char *sp = req->value[GSZ_FIELD_SEQUENCE_PARALLEL];
  if (sp != NULL && !gsz__switch_word(sp, &w->sequence_parallel))
    return field_error(diag, GSZ_EINVAL, GSZ_FIELD_SEQUENCE_PARALLEL,
                       "expected on or off, got '%s'", sp);
  if ((err = uint_field(&v, req, GSZ_FIELD_LORA_RANK, 1, 65536, 16, diag)) != GSZ_OK)
    return err;
  w->lora_rank = (uint32_t)v;
  return PARSE_CHOICE(gsz_lora_targets_parse, &w->lora_targets, GSZ_FIELD_LORA_TARGETS);
}

/* A share of GPU memory as vLLM takes it ("0.95"): above 0, at most 1,
 * at most four decimals; into basis points. */
static gsz_err utilization(uint32_t *out, const char *text, gsz_diag *diag) {
  int64_t bp = 0;
  if (gsz_parse_fixed(&bp, text, 4, false, diag) != GSZ_OK || bp <= 0 || bp > GSZ_BP_SCALE)
    return field_error(diag, GSZ_EINVAL, GSZ_FIELD_GPU_MEMORY_UTILIZATION,
                       "expected a fraction above 0 and at most 1 with up to 4 decimals (such as "
                       "0.9), got '%s'",
                       text);
  *out = (uint32_t)bp;
  return GSZ_OK;
}

/* Tokens per request for the speed estimate: output defaults to 256 (at
 * most half the context), input to the context less the output; without
 * context, context is input + output (docs/performance-model.md). With
 * context given, a request must fit in it. */
static gsz_err request_tokens(gsz_workload *w, const gsz_request *req, gsz_diag *diag) {
  const uint64_t most = UINT32_MAX;
  bool ctx_given = req->value[GSZ_FIELD_CONTEXT] != NULL;
  uint64_t in, out;
  uint64_t out_default = w->context / 2 < 256 ? (w->context / 2 ? w->context / 2 : 1) : 256;
  gsz_err err;
  if ((err = uint_field(&out, req, GSZ_FIELD_OUTPUT_TOKENS, 1, most, out_default, diag)) != GSZ_OK)
    return err;
  uint64_t in_default = w->context > out ? w->context - out : 1;
  if ((err = uint_field(&in, req, GSZ_FIELD_INPUT_TOKENS, 1, most, in_default, diag)) != GSZ_OK)
    return err;
  bool tokens_given =
      req->value[GSZ_FIELD_INPUT_TOKENS] != NULL || req->value[GSZ_FIELD_OUTPUT_TOKENS] != NULL;
  if (!ctx_given && tokens_given)
    w->context = in + out;
  else if (ctx_given && tokens_given && in + out > w->context)
    return field_error(diag, GSZ_EINVAL,
                       req->value[GSZ_FIELD_INPUT_TOKENS] != NULL ? GSZ_FIELD_INPUT_TOKENS
                                                                  : GSZ_FIELD_OUTPUT_TOKENS,
                       "%llu input + %llu output tokens do not fit the " GSZ_FIELD(
                           "context") " of %llu tokens (leave " GSZ_FIELD("context") " out: it "
                                                                                     "is then "
                                                                                     "their sum)",
                       (unsigned long long)in, (unsigned long long)out,
                       (unsigned long long)w->context);
  w->input_tokens = in;
  w->output_tokens = out;
  return GSZ_OK;
}

gsz_err gsz__request_resolve(gsz__resolved *r, const gsz_request *req, const gsz_catalog_data *data,
                             gsz_diag *diag) {
  memset(r, 0, sizeof *r);
  gsz_err err;
  gsz_mode mode = GSZ_MODE_INFERENCE;
  if ((err = PARSE_CHOICE(gsz_mode_parse, &mode, GSZ_FIELD_MODE)) != GSZ_OK)
    return err;
  if ((err = resolve_model(r, req, data, diag)) != GSZ_OK)
    goto fail;
  gsz_workload *w = &r->workload;
  if ((err = gsz_workload_defaults(w, data, mode, diag)) != GSZ_OK ||
      (err = PARSE_CHOICE(gsz_method_parse, &w->method, GSZ_FIELD_METHOD)) != GSZ_OK ||
      (err = PARSE_CHOICE(gsz_recipe_parse, &w->recipe, GSZ_FIELD_RECIPE)) != GSZ_OK ||
      (err = resolve_formats(w, req, data, diag)) != GSZ_OK)
    goto fail;
  const uint64_t big = (uint64_t)1 << 40;
  if ((err = uint_field(&w->context, req, GSZ_FIELD_CONTEXT, 1, big, 4096, diag)) != GSZ_OK ||
      (err = request_tokens(w, req, diag)) != GSZ_OK ||
      (err = uint_field(&w->concurrency, req, GSZ_FIELD_CONCURRENCY, 1, big, 1, diag)) != GSZ_OK ||
      (err = uint_field(&w->micro_batch, req, GSZ_FIELD_BATCH, 1, big, 1, diag)) != GSZ_OK ||
      (err = resolve_training(r, req, diag)) != GSZ_OK)
    goto fail;
  if (req->value[GSZ_FIELD_RUNTIME] != NULL) {
    w->runtime = gsz_catalog_find_runtime(data, req->value[GSZ_FIELD_RUNTIME]);
    if (w->runtime == NULL) {
      err = field_error(diag, GSZ_EINVAL, GSZ_FIELD_RUNTIME,
                        "unknown runtime profile '%s' (see 'gpusizer catalog runtimes')",
                        req->value[GSZ_FIELD_RUNTIME]);
      goto fail;
    }
  }
  if (req->value[GSZ_FIELD_GPU_MEMORY_UTILIZATION] != NULL &&
      (err = utilization(&w->mem_util_bp, req->value[GSZ_FIELD_GPU_MEMORY_UTILIZATION], diag)) !=
          GSZ_OK)
    goto fail;
  w->checkpoint = r->checkpoint;
  uint64_t tp, pp, dp;
  if ((err = uint_field(&tp, req, GSZ_FIELD_TP, 1, 4096, 1, diag)) != GSZ_OK ||
      (err = uint_field(&pp, req, GSZ_FIELD_PP, 1, 4096, 1, diag)) != GSZ_OK ||
      (err = uint_field(&dp, req, GSZ_FIELD_DP, 1, 1 << 20, 1, diag)) != GSZ_OK)
    goto fail;
  if (req->value[GSZ_FIELD_GPUS] != NULL) {
    uint64_t gpus;
    if ((err = uint_field(&gpus, req, GSZ_FIELD_GPUS, 1, 1 << 20, 1, diag)) != GSZ_OK)
      goto fail;
    if (gpus % (tp * pp) != 0) {
      err = field_error(diag, GSZ_EINVAL, GSZ_FIELD_GPUS,
                        "%llu GPUs do not split into replicas of " GSZ_FIELD(
                            "tp") " %llu x " GSZ_FIELD("pp") " %llu GPUs",
                        (unsigned long long)gpus, (unsigned long long)tp, (unsigned long long)pp);
      goto fail;
    }
    if (req->value[GSZ_FIELD_DP] != NULL && dp != gpus / (tp * pp)) {
      err = field_error(diag, GSZ_EINVAL, GSZ_FIELD_GPUS,
                        "%llu GPUs of " GSZ_FIELD("tp") " %llu x " GSZ_FIELD(
                            "pp") " %llu make %llu replicas, not " GSZ_FIELD("dp") " %llu",
                        (unsigned long long)gpus, (unsigned long long)tp, (unsigned long long)pp,
                        (unsigned long long)(gpus / (tp * pp)), (unsigned long long)dp);
      goto fail;
    }
    dp = gpus / (tp * pp);
  }
  r->layout = (gsz_layout){(uint32_t)tp, (uint32_t)pp, (uint32_t)dp};
  r->layout_given = req->value[GSZ_FIELD_TP] || req->value[GSZ_FIELD_PP] ||
                    req->value[GSZ_FIELD_DP] || req->value[GSZ_FIELD_GPUS];
  if ((err = gsz_workload_check(w, &r->model, diag)) != GSZ_OK)
    goto fail;
  return GSZ_OK;

fail:
  gsz__resolved_free(r);
  return err;
}

void gsz__resolved_free(gsz__resolved *r) {
  gsz_hf_model_free(r->hf);
  r->hf = NULL;
  gsz_checkpoint_free(r->checkpoint);
  r->checkpoint = NULL;
}

/* --- Quote constraints ----------------------------------------------------------- */

/* A GPU named by a field, with a suggestion when misspelt. */
static gsz_err gpu_named(const gsz_gpu **out, const gsz_catalog_data *d, gsz_field field,
                         const char *name, gsz_diag *diag) {
  *out = gsz_catalog_find_gpu(d, name);
  if (*out != NULL)
    return GSZ_OK;
  const gsz_alias_candidate *c = NULL;
  size_t n = gsz_catalog_gpu_candidates(d, name, &c);
  if (n > 0) {
    /* A name that could mean several GPUs: each candidate, never a guess. */
    char list[768] = "";
    size_t used = 0;
    for (size_t i = 0; i < n && used < sizeof list; i++)
      used += (size_t)snprintf(list + used, sizeof list - used, "%s%s%s%s%s", i == 0 ? "" : "; ",
                               c[i].candidate, c[i].in_catalog ? "" : " (not in this catalog)",
                               c[i].note ? ": " : "", c[i].note ? c[i].note : "");
    return field_error(diag, GSZ_EINVAL, field,
                       "'%s' could mean %zu different GPUs: %s; name one by its SKU (see "
                       "'gpusizer catalog gpus')",
                       name, n, list);
  }
  const char *near = gsz_catalog_suggest_gpu(d, name);
  return field_error(diag, GSZ_EINVAL, field,
                     "unknown GPU '%s' (see 'gpusizer catalog gpus')%s%s%s", name,
                     near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
}

gsz_err gsz__request_gpu(const gsz_gpu **out, const gsz_catalog_data *d, const char *name,
                         gsz_diag *diag) {
  return gpu_named(out, d, GSZ_FIELD_GPU, name, diag);
}

/* Vendors and form factors must name something the catalog has. */
static gsz_err known_filters(gsz_match_options *o, const gsz_request *req,
                             const gsz_catalog_data *d, gsz_diag *diag) {
  for (unsigned i = 0; i < req->n_list[GSZ_FIELD_VENDOR]; i++) {
    const char *vendor = req->list[GSZ_FIELD_VENDOR][i];
    bool known = false;
    for (size_t g = 0; g < d->n_gpus && !known; g++)
      known = gsz__str_ieq(d->gpus[g].vendor, vendor);
    if (!known)
      return field_error(diag, GSZ_EINVAL, GSZ_FIELD_VENDOR, "no GPU of vendor '%s' in the catalog",
                         vendor);
    o->vendors[o->n_vendors++] = vendor;
  }
  for (unsigned i = 0; i < req->n_list[GSZ_FIELD_FORM_FACTOR]; i++) {
    const char *ff = req->list[GSZ_FIELD_FORM_FACTOR][i];
    bool known = false;
    for (size_t g = 0; g < d->n_gpus && !known; g++)
      known = gsz__str_ieq(d->gpus[g].form_factor, ff);
    if (!known)
      return field_error(diag, GSZ_EINVAL, GSZ_FIELD_FORM_FACTOR,
                         "no GPU of form factor '%s' in the catalog (such as SXM, OAM or PCIe)",
                         ff);
    o->form_factors[o->n_form_factors++] = ff;
  }
  for (unsigned i = 0; i < req->n_list[GSZ_FIELD_CHASSIS]; i++) {
    const char *c = req->list[GSZ_FIELD_CHASSIS][i];
    if (!gsz__str_ieq(c, "rack") && !gsz__str_ieq(c, "workstation") &&
        !gsz__str_ieq(c, "rack_scale"))
      return field_error(diag, GSZ_EINVAL, GSZ_FIELD_CHASSIS,
                         "expected rack, workstation or rack_scale, got '%s'", c);
    o->chassis[o->n_chassis++] = c;
  }
  for (unsigned i = 0; i < req->n_list[GSZ_FIELD_SERVER]; i++) {
    const char *sku = req->list[GSZ_FIELD_SERVER][i];
    const gsz_server *s = gsz_catalog_find_server(d, sku);
    if (s == NULL)
      return field_error(diag, GSZ_EINVAL, GSZ_FIELD_SERVER,
                         "unknown server '%s' (see 'gpusizer catalog servers')", sku);
    o->servers[o->n_servers++] = s;
  }
  for (unsigned i = 0; i < req->n_list[GSZ_FIELD_SERVER_VENDOR]; i++) {
    const char *vendor = req->list[GSZ_FIELD_SERVER_VENDOR][i];
    bool known = false;
    for (size_t s = 0; s < d->n_servers && !known; s++)
      known = gsz__str_ieq(d->servers[s].vendor, vendor);
    if (!known)
      return field_error(diag, GSZ_EINVAL, GSZ_FIELD_SERVER_VENDOR,
                         "no server of vendor '%s' in the catalog", vendor);
    o->server_vendors[o->n_server_vendors++] = vendor;
  }
  for (unsigned i = 0; i < req->n_list[GSZ_FIELD_EXCLUDE]; i++) {
    const char *sku = req->list[GSZ_FIELD_EXCLUDE][i];
    if (gsz_catalog_find_gpu(d, sku) == NULL && gsz_catalog_find_server(d, sku) == NULL)
      return field_error(diag, GSZ_EINVAL, GSZ_FIELD_EXCLUDE,
                         "'%s' is neither a GPU nor a server in the catalog", sku);
    o->exclude[o->n_exclude++] = sku;
  }
  return GSZ_OK;
}

/* Cooling, end-of-sale parts, the least headroom and a workstation's wall
 * outlet (docs/deployability.md). */
static gsz_err deployability(gsz_match_options *o, const gsz_request *req, gsz_diag *diag) {
  const char *cooling = req->value[GSZ_FIELD_COOLING];
  if (cooling != NULL) {
    if (!gsz__str_ieq(cooling, "air") && !gsz__str_ieq(cooling, "liquid"))
      return field_error(diag, GSZ_EINVAL, GSZ_FIELD_COOLING, "expected air or liquid, got '%s'",
                         cooling);
    o->has_cooling = true;
    o->cooling = gsz__str_ieq(cooling, "air") ? GSZ_COOLING_AIR : GSZ_COOLING_LIQUID;
  }
  o->allow_eol = req->value[GSZ_FIELD_ALLOW_EOL] != NULL;
  const char *pct = req->value[GSZ_FIELD_MIN_HEADROOM];
  if (pct != NULL) {
    int64_t bp; /* hundredths of a percent are basis points */
    gsz_err err = gsz_parse_fixed(&bp, pct, 2, false, diag);
    if (err != GSZ_OK || bp > 50 * 100)
      return field_error(diag, GSZ_EINVAL, GSZ_FIELD_MIN_HEADROOM,
                         "expected a percentage from 0 to 50 with at most 2 decimals, got '%s'",
                         pct);
    o->min_headroom_bp = (int32_t)bp;
  }
  uint64_t watts;
  gsz_err err = uint_field(&watts, req, GSZ_FIELD_OUTLET_WATTS, 100, 100000, 0, diag);
  if (err != GSZ_OK)
    return err;
  o->outlet_w = (uint32_t)watts;
  return GSZ_OK;
}

/* Training layouts a quote takes as given: tp inside a node, the ZeRO stage. */
static gsz_err training_layout(gsz_match_options *o, const gsz_request *req, const gsz__resolved *r,
                               gsz_diag *diag) {
  bool training = r->workload.mode != GSZ_MODE_INFERENCE;
  if (req->value[GSZ_FIELD_TP] != NULL && !training)
    return field_error(diag, GSZ_EINVAL, GSZ_FIELD_TP,
                       "for inference, quote chooses the tensor-parallel degree; use 'gpusizer "
                       "size " GSZ_FIELD("tp") "' to size a given layout");
  const char *why = NULL;
  if (training && !gsz_layout_tp_ok(&r->model, r->layout.tp, &why))
    return field_error(diag, GSZ_EINVAL, GSZ_FIELD_TP, "%s does not fit this model: %s",
                       req->value[GSZ_FIELD_TP], why);
  o->train_tp = r->layout.tp;
  o->zero_given = r->zero_given;
  return GSZ_OK;
}

/* A positive decimal with up to scale decimals, into its fixed-point
 * value (at most max); the message names the field. */
static gsz_err positive_fixed(int64_t *out, const gsz_request *req, gsz_field field, unsigned scale,
                              int64_t min, int64_t max, const char *what, gsz_diag *diag) {
  const char *text = req->value[field];
  if (gsz_parse_fixed(out, text, scale, false, diag) != GSZ_OK || *out < min || *out > max)
    return field_error(diag, GSZ_EINVAL, field, "expected %s, got '%s'", what, text);
  return GSZ_OK;
}

/* Service-level targets and the cost of ownership (docs/performance-model.md,
 * docs/cost.md). */
static gsz_err service_level(gsz_match_options *o, const gsz_request *req, const gsz__resolved *r,
                             const gsz_pricer *pricer, gsz_diag *diag) {
  gsz_service_level *sla = &o->sla;
  bool training = r->workload.mode != GSZ_MODE_INFERENCE;
  int64_t v;
  gsz_err err;
  static const gsz_field inference_only[] = {GSZ_FIELD_TOKENS_PER_SECOND, GSZ_FIELD_TTFT_MS,
                                             GSZ_FIELD_THROUGHPUT};
  static const gsz_field training_only[] = {GSZ_FIELD_TRAIN_TOKENS, GSZ_FIELD_DEADLINE_DAYS};
  for (size_t i = 0; i < GSZ_ARRAY_LEN(inference_only); i++)
    if (training && req->value[inference_only[i]] != NULL)
      return field_error(diag, GSZ_EINVAL, inference_only[i],
                         "applies to inference only; for training give " GSZ_FIELD(
                             "train_tokens") " and " GSZ_FIELD("deadline_days"));
  for (size_t i = 0; i < GSZ_ARRAY_LEN(training_only); i++)
    if (!training && req->value[training_only[i]] != NULL)
      return field_error(diag, GSZ_EINVAL, training_only[i],
                         "applies to training only (" GSZ_FIELD("mode") " train, lora or qlora)");
  const int64_t huge = (int64_t)1 << 50;
  if (req->value[GSZ_FIELD_TOKENS_PER_SECOND] != NULL) {
    if ((err = positive_fixed(&v, req, GSZ_FIELD_TOKENS_PER_SECOND, 3, 1, huge,
                              "tokens per second per user above 0 with up to 3 decimals (such "
                              "as 20)",
                              diag)) != GSZ_OK)
      return err;
    sla->min_user_mtps = (uint64_t)v;
  }
  if (req->value[GSZ_FIELD_THROUGHPUT] != NULL) {
    if ((err = positive_fixed(&v, req, GSZ_FIELD_THROUGHPUT, 3, 1, huge,
                              "output tokens per second above 0 with up to 3 decimals (such as "
                              "2500)",
                              diag)) != GSZ_OK)
      return err;
    sla->min_output_mtps = (uint64_t)v;
  }
  if ((err = uint_field(&sla->max_ttft_ms, req, GSZ_FIELD_TTFT_MS, 1, 86400000, 0, diag)) != GSZ_OK)
    return err;
  if (req->value[GSZ_FIELD_TRAIN_TOKENS] != NULL &&
      (err = gsz_parse_count(&sla->train_tokens, req->value[GSZ_FIELD_TRAIN_TOKENS], diag)) !=
          GSZ_OK)
    return about(diag, err, GSZ_FIELD_TRAIN_TOKENS);
  if (req->value[GSZ_FIELD_DEADLINE_DAYS] != NULL) {
    if (req->value[GSZ_FIELD_TRAIN_TOKENS] == NULL)
      return field_error(diag, GSZ_EINVAL, GSZ_FIELD_DEADLINE_DAYS,
                         "needs " GSZ_FIELD("train_tokens") ": the days depend on them");
    if ((err = positive_fixed(&v, req, GSZ_FIELD_DEADLINE_DAYS, 3, 1, 36500000,
                              "days above 0 with up to 3 decimals (such as 30)", diag)) != GSZ_OK)
      return err;
    sla->deadline_days_milli = (uint64_t)v;
  }
  bool targets = sla->min_user_mtps || sla->min_output_mtps || sla->max_ttft_ms;
  if (targets && r->model.arch == NULL)
    return field_error(diag, GSZ_EINVAL,
                       sla->min_user_mtps ? GSZ_FIELD_TOKENS_PER_SECOND
                       : sla->max_ttft_ms ? GSZ_FIELD_TTFT_MS
                                          : GSZ_FIELD_THROUGHPUT,
                       "speed targets need the model's architecture (give " GSZ_FIELD(
                           "model") " or " GSZ_FIELD("hf_config") ", not " GSZ_FIELD("params") ")");
  if (targets && r->workload.method == GSZ_METHOD_QUICK)
    return field_error(diag, GSZ_EINVAL, GSZ_FIELD_METHOD,
                       "quick gives no speed estimate; speed targets need the full method");

  gsz_cost_options *c = &o->cost;
  if ((err = PARSE_CHOICE(gsz_objective_parse, &c->objective, GSZ_FIELD_OBJECTIVE)) != GSZ_OK)
    return err;
  uint64_t years;
  if ((err = uint_field(&years, req, GSZ_FIELD_YEARS, 1, 30, 3, diag)) != GSZ_OK)
    return err;
  c->years = (uint32_t)years;
  if (req->value[GSZ_FIELD_PUE] != NULL) {
    if ((err = positive_fixed(&v, req, GSZ_FIELD_PUE, 2, 100, 500,
                              "a power usage effectiveness from 1 to 5 with up to 2 decimals "
                              "(such as 1.3)",
                              diag)) != GSZ_OK)
      return err;
    c->pue_centi = (uint32_t)v;
  }
  if (req->value[GSZ_FIELD_POWER_PRICE] != NULL) {
    char what[96];
    snprintf(what, sizeof what,
             "a price per kWh in %.3s with up to %u decimals (such as 0.15), at most 1000",
             pricer->currency, pricer->minor_digits + 3);
    int64_t limit = 1000;
    for (unsigned i = 0; i < pricer->minor_digits + 3; i++)
      limit *= 10;
    if ((err = positive_fixed(&v, req, GSZ_FIELD_POWER_PRICE, pricer->minor_digits + 3, 0, limit,
                              what, diag)) != GSZ_OK)
      return err;
    c->power_price_milli = v;
    c->power_price_given = true;
  } else {
    /* 0.15 per kWh in the quote currency: thousandths of a minor unit. */
    int64_t p = 15;
    for (unsigned i = 0; i < pricer->minor_digits + 1; i++)
      p *= 10;
    c->power_price_milli = p;
  }
  if (c->objective == GSZ_OBJECTIVE_COST_PER_TOKEN && training)
    return field_error(diag, GSZ_EINVAL, GSZ_FIELD_OBJECTIVE,
                       "cost-per-token ranks inference by output tokens; for training use price "
                       "or tco");
  if (c->objective == GSZ_OBJECTIVE_COST_PER_TOKEN &&
      (r->model.arch == NULL || r->workload.method == GSZ_METHOD_QUICK))
    return field_error(diag, GSZ_EINVAL, GSZ_FIELD_OBJECTIVE,
                       "cost-per-token needs a speed estimate: the model's architecture and the "
                       "full method");
  return GSZ_OK;
}

gsz_err gsz__request_match_options(gsz_match_options *o, const gsz_request *req,
                                   const gsz__resolved *r, const gsz_catalog_data *d,
                                   const gsz_pricer *pricer, gsz_diag *diag) {
  gsz_err err;
  uint64_t v;
  gsz_match_options_init(o);
  if ((err = uint_field(&v, req, GSZ_FIELD_MAX_NODES, 1, 1024, 8, diag)) != GSZ_OK)
    return err;
  o->max_nodes = (uint32_t)v;
  if ((err = uint_field(&o->max_gpus, req, GSZ_FIELD_MAX_GPUS, 1, 1u << 20, 0, diag)) != GSZ_OK ||
      (err = uint_field(&v, req, GSZ_FIELD_TOP, 0, 100, 5, diag)) != GSZ_OK)
    return err;
  o->top = (uint32_t)v;
  if (req->value[GSZ_FIELD_BUDGET] != NULL) {
    if (gsz_money_parse(&o->budget_minor, req->value[GSZ_FIELD_BUDGET], pricer->minor_digits,
                        diag) != GSZ_OK) {
      char what[400];
      snprintf(what, sizeof what, "%.*s", (int)sizeof what - 1, diag ? diag->message : "");
      return field_error(diag, GSZ_EINVAL, GSZ_FIELD_BUDGET,
                         "%.400s (an amount in %.3s, such as 250000.00)", what, pricer->currency);
    }
    o->has_budget = true;
  }
  if ((err = PARSE_CHOICE(gsz_stock_policy_parse, &o->stock, GSZ_FIELD_STOCK)) != GSZ_OK)
    return err;
  o->allow_consumer = req->value[GSZ_FIELD_ALLOW_CONSUMER] != NULL;
  if ((err = deployability(o, req, diag)) != GSZ_OK)
    return err;
  for (unsigned i = 0; i < req->n_list[GSZ_FIELD_GPU]; i++)
    if ((err = gpu_named(&o->gpus[o->n_gpus++], d, GSZ_FIELD_GPU, req->list[GSZ_FIELD_GPU][i],
                         diag)) != GSZ_OK)
      return err;
  if ((err = known_filters(o, req, d, diag)) != GSZ_OK)
    return err;
  if (req->value[GSZ_FIELD_EXPLAIN] != NULL &&
      (err = gpu_named(&o->explain, d, GSZ_FIELD_EXPLAIN, req->value[GSZ_FIELD_EXPLAIN], diag)) !=
          GSZ_OK)
    return err;
  if ((err = service_level(o, req, r, pricer, diag)) != GSZ_OK)
    return err;
  return training_layout(o, req, r, diag);
}

/* --- The pricing overlay ------------------------------------------------------------- */

gsz_err gsz_request_overlay(gsz_overlay **out, const gsz_catalog_data *data, const gsz_request *req,
                            gsz_diag *diag) {
  char today[16];
  if (req->today != NULL) {
    snprintf(today, sizeof today, "%s", req->today);
  } else {
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(today, sizeof today, "%Y-%m-%d", &tm);
  }
  gsz_overlay_options opts = {today, req->value[GSZ_FIELD_ALLOW_EXPIRED] != NULL};
  return gsz_overlay_load(out, req->list[GSZ_FIELD_PRICING], req->n_list[GSZ_FIELD_PRICING], data,
                          &opts, diag);
}
