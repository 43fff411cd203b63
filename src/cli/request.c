/* request.c: the shared request keys (flags of size and quote, columns of
 * batch): their table, getopt plumbing, and resolution into a model
 * reference, a workload and a layout, with every error naming its key. */
#include "request.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const req_key_info req_keys[REQ_COUNT] = {
    [REQ_MODEL] = {"model", "NAME", REQ_SIZE | REQ_QUOTE, false,
                   "model from the catalog: short name or Hugging Face id, any case"},
    [REQ_PARAMS] = {"params", "N", REQ_SIZE | REQ_QUOTE, false,
                    "bare parameter count: 7B, 0.5B, 500M, 7e9, 6738415616"},
    [REQ_HF_CONFIG] = {"hf-config", "FILE", REQ_SIZE | REQ_QUOTE, false,
                       "a Hugging Face config.json"},
    [REQ_MODE] = {"mode", "MODE", REQ_SIZE | REQ_QUOTE, false,
                  "inference (default), train, lora or qlora"},
    [REQ_METHOD] = {"method", "M", REQ_SIZE | REQ_QUOTE, false,
                    "full (default: every component) or quick (rule of thumb)"},
    [REQ_PRECISION] = {"precision", "FMT", REQ_SIZE | REQ_QUOTE, false,
                       "weight format: bf16 (default), fp16, fp32, fp8, int8, int4, q4_k, ... "
                       "(qlora: nf4)"},
    [REQ_KV_PRECISION] = {"kv-precision", "FMT", REQ_SIZE | REQ_QUOTE, false,
                          "KV cache format (default: the weight format if 16/32-bit, else bf16)"},
    [REQ_CONTEXT] = {"context", "N", REQ_SIZE | REQ_QUOTE, false,
                     "tokens per sequence (default 4096)"},
    [REQ_CONCURRENCY] = {"concurrency", "N", REQ_SIZE | REQ_QUOTE, false,
                         "inference: sequences served at once (default 1)"},
    [REQ_BATCH] = {"batch", "N", REQ_SIZE | REQ_QUOTE, false,
                   "training: micro-batch per GPU (default 1)"},
    [REQ_OPTIMIZER] = {"optimizer", "OPT", REQ_SIZE | REQ_QUOTE, false,
                       "adamw (default), adam8bit, sgd or sgd-momentum"},
    [REQ_RECIPE] = {"recipe", "R", REQ_SIZE | REQ_QUOTE, false,
                    "mixed (default: 16 B/param with AdamW), fp32 or bf16"},
    [REQ_ZERO] = {"zero", "0-3", REQ_SIZE | REQ_QUOTE, false,
                  "ZeRO stage across --dp (quote: default 3 when training on several GPUs)"},
    [REQ_RECOMPUTE] = {"recompute", "R", REQ_SIZE | REQ_QUOTE, false,
                       "activation recomputation: none, selective or full (default: full for lora/qlora, else none)"},
    [REQ_FLASH_ATTENTION] = {"flash-attention", "on|off", REQ_SIZE | REQ_QUOTE, false,
                             "training: flash attention (default on)"},
    [REQ_LORA_RANK] = {"lora-rank", "N", REQ_SIZE | REQ_QUOTE, false, "LoRA rank (default 16)"},
    [REQ_LORA_TARGETS] = {"lora-targets", "LIST", REQ_SIZE | REQ_QUOTE, false,
                          "q,k,v,o,gate,up,down or attn, mlp, all (default all)"},
    [REQ_TP] = {"tp", "N", REQ_SIZE | REQ_QUOTE, false,
                "tensor-parallel degree (default 1; quote: training only, inside a node)"},
    [REQ_PP] = {"pp", "N", REQ_SIZE, false, "pipeline-parallel degree (default 1)"},
    [REQ_DP] = {"dp", "N", REQ_SIZE, false, "data-parallel degree (default 1)"},
    [REQ_RUNTIME] = {"runtime", "NAME", REQ_SIZE | REQ_QUOTE, false,
                     "runtime profile (see 'gpusizer catalog runtimes')"},
    [REQ_GPU] = {"gpu", "SKU", REQ_SIZE | REQ_QUOTE, true,
                 "size: show the fit on this GPU; quote: only these GPUs (repeatable)"},
    [REQ_VENDOR] = {"vendor", "V", REQ_QUOTE, true, "only GPUs of this vendor (repeatable)"},
    [REQ_FORM_FACTOR] = {"form-factor", "F", REQ_QUOTE, true, "only SXM, OAM or PCIe (repeatable)"},
    [REQ_EXCLUDE] = {"exclude", "SKU", REQ_QUOTE, true, "never offer this GPU or server (repeatable)"},
    [REQ_MAX_NODES] = {"max-nodes", "N", REQ_QUOTE, false, "at most N servers (default 8)"},
    [REQ_MAX_GPUS] = {"max-gpus", "N", REQ_QUOTE, false, "at most N GPUs in all"},
    [REQ_BUDGET] = {"budget", "AMOUNT", REQ_QUOTE, false,
                    "at most this total, in the quote currency (e.g. 250000.00)"},
    [REQ_STOCK] = {"stock", "any|prefer|only", REQ_QUOTE, false,
                   "any (default: shown, not required), prefer (buildable first), only"},
    [REQ_ALLOW_CONSUMER] = {"allow-consumer", NULL, REQ_QUOTE, false,
                            "allow consumer GPUs outside workstations (their licence forbids it)"},
    [REQ_TOP] = {"top", "N", REQ_QUOTE, false, "alternatives to show (default 5)"},
    [REQ_EXPLAIN] = {"explain", "SKU", REQ_QUOTE, false,
                     "show every candidate of this GPU with its numbers and verdict"},
    [REQ_PRICING] = {"pricing", "FILE", REQ_QUOTE, true,
                     "pricing overlay (YAML; repeatable, later files win key by key; default "
                     "$GPUSIZER_PRICING)"},
    [REQ_ALLOW_EXPIRED] = {"allow-expired", NULL, REQ_QUOTE, false,
                           "quote with an overlay past its valid_until (with a warning)"},
};

bool req_set(cli_request *req, req_key key, const char *value, const char **why) {
  if (req_keys[key].repeatable) {
    if (req->n_list[key] >= REQ_MAX_REPEAT) {
      *why = "given too many times";
      return false;
    }
    req->list[key][req->n_list[key]++] = value;
  } else if (req->value[key] != NULL && strcmp(req->value[key], value) != 0) {
    *why = "given twice with different values";
    return false;
  }
  req->value[key] = value;
  return true;
}

void req_options(struct option *out, size_t cap, unsigned scope, const struct option *extra) {
  size_t n = 0;
  for (int k = 0; k < REQ_COUNT && n + 1 < cap; k++) {
    if (!(req_keys[k].scope & scope))
      continue;
    out[n++] = (struct option){req_keys[k].name,
                               req_keys[k].arg ? required_argument : no_argument, NULL,
                               REQ_OPT_BASE + k};
  }
  for (; extra->name != NULL && n + 1 < cap; extra++)
    out[n++] = *extra;
  out[n] = (struct option){NULL, 0, NULL, 0};
}

void req_help(FILE *out, unsigned scope) {
  for (int k = 0; k < REQ_COUNT; k++) {
    if (!(req_keys[k].scope & scope))
      continue;
    char left[64];
    snprintf(left, sizeof left, "--%s%s%s", req_keys[k].name, req_keys[k].arg ? " " : "",
             req_keys[k].arg ? req_keys[k].arg : "");
    fprintf(out, "  %-24s %s\n", left, req_keys[k].help);
  }
}

const char *req_key_label(req_key key, bool as_columns, char *buf, size_t size) {
  if (as_columns)
    snprintf(buf, size, "column '%s'", req_keys[key].name);
  else
    snprintf(buf, size, "--%s", req_keys[key].name);
  return buf;
}

/* Re-prefix a library message with the key it came from. */
static gsz_err keyed(gsz_diag *diag, gsz_err err, req_key key, bool as_columns) {
  char label[64], msg[GSZ_DIAG_MESSAGE_MAX - 80];
  snprintf(msg, sizeof msg, "%.*s", (int)sizeof msg - 1, diag->message);
  diag->code = err;
  snprintf(diag->message, sizeof diag->message, "%s: %s",
           req_key_label(key, as_columns, label, sizeof label), msg);
  return err;
}

gsz_err req_uint(uint64_t *out, const cli_request *req, req_key key, uint64_t min, uint64_t max,
                 uint64_t fallback, bool as_columns, gsz_diag *diag) {
  if (req->value[key] == NULL) {
    *out = fallback;
    return GSZ_OK;
  }
  gsz_err err = gsz_parse_uint(out, req->value[key], min, max, diag);
  return err == GSZ_OK ? GSZ_OK : keyed(diag, err, key, as_columns);
}

static gsz_err set_error(gsz_diag *diag, req_key key, bool as_columns, const char *fmt,
                         const char *a, const char *b) {
  char label[64], msg[GSZ_DIAG_MESSAGE_MAX - 80];
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  snprintf(msg, sizeof msg, fmt, a, b);
#pragma GCC diagnostic pop
  diag->code = GSZ_EINVAL;
  snprintf(diag->message, sizeof diag->message, "%s: %s",
           req_key_label(key, as_columns, label, sizeof label), msg);
  return GSZ_EINVAL;
}

static gsz_err find_format(const gsz_format **out, const cli_request *req, req_key key,
                           const gsz_catalog_data *data, bool as_columns, gsz_diag *diag) {
  const gsz_format *f = gsz_catalog_find_format(data, req->value[key]);
  if (f == NULL)
    return set_error(diag, key, as_columns,
                     "unknown number format '%s' (see 'gpusizer catalog formats')%s",
                     req->value[key], "");
  *out = f;
  return GSZ_OK;
}

/* The model: exactly one of --model, --params, --hf-config. */
static gsz_err resolve_model(cli_resolved *r, const cli_request *req, const gsz_catalog_data *data,
                             bool as_columns, gsz_diag *diag) {
  int given = (req->value[REQ_MODEL] != NULL) + (req->value[REQ_PARAMS] != NULL) +
              (req->value[REQ_HF_CONFIG] != NULL);
  if (given != 1)
    return cli_diag_set(diag, GSZ_EINVAL,
                          given == 0 ? "which model? give --model NAME, --params N or "
                                       "--hf-config FILE"
                                     : "give only one of --model, --params and --hf-config");
  if (req->value[REQ_MODEL] != NULL) {
    const gsz_arch *arch = gsz_catalog_find_model(data, req->value[REQ_MODEL]);
    if (arch == NULL) {
      const char *near = gsz_catalog_suggest_model(data, req->value[REQ_MODEL]);
      char hint[160] = "";
      if (near != NULL)
        snprintf(hint, sizeof hint, "; did you mean '%s'?", near);
      return set_error(diag, REQ_MODEL, as_columns,
                       "unknown model '%s' (see 'gpusizer catalog models', or use --hf-config "
                       "FILE or --params N)%s",
                       req->value[REQ_MODEL], hint);
    }
    r->model_source = "catalog";
    gsz_err err = gsz_model_ref_from_arch(&r->model, arch, diag);
    return err == GSZ_OK ? GSZ_OK : keyed(diag, err, REQ_MODEL, as_columns);
  }
  if (req->value[REQ_PARAMS] != NULL) {
    uint64_t n;
    gsz_err err = gsz_parse_count(&n, req->value[REQ_PARAMS], diag);
    if (err != GSZ_OK)
      return keyed(diag, err, REQ_PARAMS, as_columns);
    r->model_source = "params";
    gsz_model_ref_from_params(&r->model, n, req->value[REQ_PARAMS]);
    return GSZ_OK;
  }
  gsz_err err = gsz_hf_config_load(&r->hf, req->value[REQ_HF_CONFIG], diag);
  if (err != GSZ_OK)
    return keyed(diag, err, REQ_HF_CONFIG, as_columns);
  r->model_source = "hf-config";
  err = gsz_model_ref_from_arch(&r->model, gsz_hf_model_arch(r->hf), diag);
  return err == GSZ_OK ? GSZ_OK : keyed(diag, err, REQ_HF_CONFIG, as_columns);
}

static bool is_float_format(const gsz_format *f) {
  return f->trainable; /* fp32, fp16, bf16: the formats a model is stored and trained in */
}

gsz_err req_resolve(cli_resolved *r, const cli_request *req, const gsz_catalog_data *data,
                    bool as_columns, gsz_diag *diag) {
  memset(r, 0, sizeof *r);
  gsz_err err;
  gsz_mode mode = GSZ_MODE_INFERENCE;
  if (req->value[REQ_MODE] != NULL &&
      (err = gsz_mode_parse(&mode, req->value[REQ_MODE], diag)) != GSZ_OK)
    return keyed(diag, err, REQ_MODE, as_columns);
  if ((err = resolve_model(r, req, data, as_columns, diag)) != GSZ_OK)
    goto fail;
  gsz_workload *w = &r->workload;
  if ((err = gsz_workload_defaults(w, data, mode, diag)) != GSZ_OK)
    goto fail;
  if (req->value[REQ_METHOD] != NULL &&
      (err = gsz_method_parse(&w->method, req->value[REQ_METHOD], diag)) != GSZ_OK) {
    err = keyed(diag, err, REQ_METHOD, as_columns);
    goto fail;
  }
  if (req->value[REQ_RECIPE] != NULL &&
      (err = gsz_recipe_parse(&w->recipe, req->value[REQ_RECIPE], diag)) != GSZ_OK) {
    err = keyed(diag, err, REQ_RECIPE, as_columns);
    goto fail;
  }
  if (req->value[REQ_PRECISION] != NULL) {
    if ((err = find_format(&w->weight_format, req, REQ_PRECISION, data, as_columns, diag)) != GSZ_OK)
      goto fail;
    /* fp32 weights for training mean the fp32 recipe unless one is named. */
    if (req->value[REQ_RECIPE] == NULL && w->weight_format->block_bytes == 4 * w->weight_format->block_elems)
      w->recipe = GSZ_RECIPE_FP32;
  } else if (mode == GSZ_MODE_TRAIN && w->recipe == GSZ_RECIPE_FP32) {
    w->weight_format = gsz_catalog_find_format(data, "fp32");
    if (w->weight_format == NULL) {
      err = cli_diag_set(diag, GSZ_ESCHEMA, "the catalog lacks the number format 'fp32'");
      goto fail;
    }
  }
  if (is_float_format(w->weight_format) && mode != GSZ_MODE_QLORA) {
    w->kv_format = w->weight_format;
    if (w->weight_format->block_bytes == 2 * w->weight_format->block_elems)
      w->compute_format = w->weight_format; /* fp16 models compute in fp16 */
  }
  if (req->value[REQ_KV_PRECISION] != NULL &&
      (err = find_format(&w->kv_format, req, REQ_KV_PRECISION, data, as_columns, diag)) != GSZ_OK)
    goto fail;
  uint64_t v;
  const uint64_t big = (uint64_t)1 << 40;
  if ((err = req_uint(&w->context, req, REQ_CONTEXT, 1, big, 4096, as_columns, diag)) != GSZ_OK ||
      (err = req_uint(&w->concurrency, req, REQ_CONCURRENCY, 1, big, 1, as_columns, diag)) != GSZ_OK ||
      (err = req_uint(&w->micro_batch, req, REQ_BATCH, 1, big, 1, as_columns, diag)) != GSZ_OK)
    goto fail;
  if (req->value[REQ_OPTIMIZER] != NULL &&
      (err = gsz_optimizer_parse(&w->optimizer, req->value[REQ_OPTIMIZER], diag)) != GSZ_OK) {
    err = keyed(diag, err, REQ_OPTIMIZER, as_columns);
    goto fail;
  }
  if ((err = req_uint(&v, req, REQ_ZERO, 0, 3, 0, as_columns, diag)) != GSZ_OK)
    goto fail;
  w->zero = (uint32_t)v;
  r->zero_given = req->value[REQ_ZERO] != NULL;
  if (req->value[REQ_RECOMPUTE] != NULL &&
      (err = gsz_recompute_parse(&w->recompute, req->value[REQ_RECOMPUTE], diag)) != GSZ_OK) {
    err = keyed(diag, err, REQ_RECOMPUTE, as_columns);
    goto fail;
  }
  const char *flash = req->value[REQ_FLASH_ATTENTION];
  if (flash != NULL) {
    if (cli_ieq(flash, "on") || cli_ieq(flash, "true") || cli_ieq(flash, "yes"))
      w->flash_attention = true;
    else if (cli_ieq(flash, "off") || cli_ieq(flash, "false") || cli_ieq(flash, "no"))
      w->flash_attention = false;
    else {
      err = set_error(diag, REQ_FLASH_ATTENTION, as_columns, "expected on or off, got '%s'%s",
                      flash, "");
      goto fail;
    }
  }
  if ((err = req_uint(&v, req, REQ_LORA_RANK, 1, 65536, 16, as_columns, diag)) != GSZ_OK)
    goto fail;
  w->lora_rank = (uint32_t)v;
  if (req->value[REQ_LORA_TARGETS] != NULL &&
      (err = gsz_lora_targets_parse(&w->lora_targets, req->value[REQ_LORA_TARGETS], diag)) != GSZ_OK) {
    err = keyed(diag, err, REQ_LORA_TARGETS, as_columns);
    goto fail;
  }
  if (req->value[REQ_RUNTIME] != NULL) {
    w->runtime = gsz_catalog_find_runtime(data, req->value[REQ_RUNTIME]);
    if (w->runtime == NULL) {
      err = set_error(diag, REQ_RUNTIME, as_columns,
                      "unknown runtime profile '%s' (see 'gpusizer catalog runtimes')%s",
                      req->value[REQ_RUNTIME], "");
      goto fail;
    }
  }
  uint64_t tp, pp, dp;
  if ((err = req_uint(&tp, req, REQ_TP, 1, 4096, 1, as_columns, diag)) != GSZ_OK ||
      (err = req_uint(&pp, req, REQ_PP, 1, 4096, 1, as_columns, diag)) != GSZ_OK ||
      (err = req_uint(&dp, req, REQ_DP, 1, 1 << 20, 1, as_columns, diag)) != GSZ_OK)
    goto fail;
  r->layout = (gsz_layout){(uint32_t)tp, (uint32_t)pp, (uint32_t)dp};
  r->layout_given = req->value[REQ_TP] || req->value[REQ_PP] || req->value[REQ_DP];
  if ((err = gsz_workload_check(w, &r->model, diag)) != GSZ_OK)
    goto fail;
  return GSZ_OK;

fail:
  req_resolved_free(r);
  return err;
}

void req_resolved_free(cli_resolved *r) {
  gsz_hf_model_free(r->hf);
  r->hf = NULL;
}

/* YYYY-MM-DD naming a day that exists (2026-02-30 does not). */
static bool real_date(const char *s) {
  for (int i = 0; i < 10; i++)
    if (i == 4 || i == 7 ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
      return false;
  if (s[10] != '\0')
    return false;
  int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m >= 1 && m <= 12 && d >= 1 && d <= days[m - 1] + (m == 2 && leap);
}

int req_load_overlay(gsz_overlay **out, const cli_request *req, const gsz_catalog_data *data,
                     const char *cmd) {
  const char *paths[REQ_MAX_REPEAT];
  size_t n = 0;
  char *env_copy = NULL;
  for (unsigned i = 0; i < req->n_list[REQ_PRICING]; i++)
    paths[n++] = req->list[REQ_PRICING][i];
  const char *env = getenv("GPUSIZER_PRICING");
  if (n == 0 && env != NULL && env[0] != '\0') {
    env_copy = strdup(env);
    if (env_copy == NULL) {
      cli_error(cmd, "out of memory");
      return EXIT_SYSTEM;
    }
    for (char *p = env_copy; p != NULL;) {
      char *colon = strchr(p, ':');
      if (colon != NULL)
        *colon = '\0';
      if (*p != '\0' && n == REQ_MAX_REPEAT) {
        /* As with a 33rd --pricing: a file left out would change prices unseen. */
        cli_error(cmd, "GPUSIZER_PRICING: more than %d files", REQ_MAX_REPEAT);
        free(env_copy);
        return EXIT_USAGE;
      }
      if (*p != '\0')
        paths[n++] = p;
      p = colon ? colon + 1 : NULL;
    }
  }
  char today[16];
  const char *fixed = getenv("GPUSIZER_TODAY");
  if (fixed != NULL && fixed[0] != '\0') {
    /* A testing aid (reproducible validity checks): say so, since it
     * decides whether an overlay has expired. */
    if (!real_date(fixed)) {
      cli_error(cmd, "GPUSIZER_TODAY: '%.40s' is not a date (YYYY-MM-DD)", fixed);
      free(env_copy);
      return EXIT_USAGE;
    }
    snprintf(today, sizeof today, "%s", fixed);
    cli_error(cmd, "warning: GPUSIZER_TODAY is set: overlay validity is checked as of '%s', not "
                   "today (a testing aid)", today);
  } else {
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(today, sizeof today, "%Y-%m-%d", &tm);
  }
  gsz_overlay_options opts = {today, req->value[REQ_ALLOW_EXPIRED] != NULL};
  gsz_diag diag;
  gsz_diag_clear(&diag);
  gsz_err err = gsz_overlay_load(out, paths, n, data, &opts, &diag);
  free(env_copy);
  if (err != GSZ_OK) {
    cli_error(cmd, "%s", diag.message);
    return err == GSZ_ENOMEM ? EXIT_SYSTEM : EXIT_USAGE;
  }
  for (size_t i = 0; i < gsz_overlay_warning_count(*out); i++)
    cli_error(cmd, "warning: %s", gsz_overlay_warning(*out, i));
  return EXIT_OK;
}

/* A GPU named by a key, with a suggestion when misspelt. */
static gsz_err gpu_named(const gsz_gpu **out, const gsz_catalog_data *d, req_key key,
                         const char *name, bool as_columns, gsz_diag *diag) {
  *out = gsz_catalog_find_gpu(d, name);
  if (*out != NULL)
    return GSZ_OK;
  const char *near = gsz_catalog_suggest_gpu(d, name);
  char hint[128] = "";
  if (near != NULL)
    snprintf(hint, sizeof hint, "; did you mean '%s'?", near);
  return set_error(diag, key, as_columns, "unknown GPU '%s' (see 'gpusizer catalog gpus')%s",
                   name, hint);
}

gsz_err req_match_options(gsz_match_options *o, const cli_request *req, const cli_resolved *r,
                          const gsz_catalog_data *d, const gsz_pricer *pricer, bool as_columns,
                          gsz_diag *diag) {
  gsz_err err;
  uint64_t v;
  gsz_match_options_init(o);
  if ((err = req_uint(&v, req, REQ_MAX_NODES, 1, 1024, 8, as_columns, diag)) != GSZ_OK)
    return err;
  o->max_nodes = (uint32_t)v;
  if ((err = req_uint(&o->max_gpus, req, REQ_MAX_GPUS, 1, 1u << 20, 0, as_columns, diag)) !=
          GSZ_OK ||
      (err = req_uint(&v, req, REQ_TOP, 0, 100, 5, as_columns, diag)) != GSZ_OK)
    return err;
  o->top = (uint32_t)v;
  if (req->value[REQ_BUDGET] != NULL) {
    if ((err = gsz_money_parse(&o->budget_minor, req->value[REQ_BUDGET], pricer->minor_digits,
                               diag)) != GSZ_OK) {
      char what[400];
      snprintf(what, sizeof what, "%.*s", (int)sizeof what - 1, diag->message);
      return set_error(diag, REQ_BUDGET, as_columns, "%.400s (an amount in %.3s, such as 250000.00)",
                       what, pricer->currency);
    }
    o->has_budget = true;
  }
  if (req->value[REQ_STOCK] != NULL &&
      (err = gsz_stock_policy_parse(&o->stock, req->value[REQ_STOCK], diag)) != GSZ_OK)
    return keyed(diag, err, REQ_STOCK, as_columns);
  o->allow_consumer = req->value[REQ_ALLOW_CONSUMER] != NULL &&
                      !cli_ieq(req->value[REQ_ALLOW_CONSUMER], "false") &&
                      !cli_ieq(req->value[REQ_ALLOW_CONSUMER], "no");
  for (unsigned i = 0; i < req->n_list[REQ_GPU]; i++)
    if ((err = gpu_named(&o->gpus[o->n_gpus++], d, REQ_GPU, req->list[REQ_GPU][i], as_columns,
                         diag)) != GSZ_OK)
      return err;
  for (unsigned i = 0; i < req->n_list[REQ_VENDOR]; i++) {
    const char *vendor = req->list[REQ_VENDOR][i];
    bool known = false;
    for (size_t g = 0; g < d->n_gpus && !known; g++)
      known = cli_ieq(d->gpus[g].vendor, vendor);
    if (!known)
      return set_error(diag, REQ_VENDOR, as_columns, "no GPU of vendor '%s' in the catalog%s",
                       vendor, "");
    o->vendors[o->n_vendors++] = vendor;
  }
  for (unsigned i = 0; i < req->n_list[REQ_FORM_FACTOR]; i++) {
    const char *ff = req->list[REQ_FORM_FACTOR][i];
    bool known = false;
    for (size_t g = 0; g < d->n_gpus && !known; g++)
      known = cli_ieq(d->gpus[g].form_factor, ff);
    if (!known)
      return set_error(diag, REQ_FORM_FACTOR, as_columns,
                       "no GPU of form factor '%s' in the catalog (such as SXM, OAM or PCIe)%s",
                       ff, "");
    o->form_factors[o->n_form_factors++] = ff;
  }
  for (unsigned i = 0; i < req->n_list[REQ_EXCLUDE]; i++) {
    const char *sku = req->list[REQ_EXCLUDE][i];
    if (gsz_catalog_find_gpu(d, sku) == NULL && gsz_catalog_find_server(d, sku) == NULL)
      return set_error(diag, REQ_EXCLUDE, as_columns,
                       "'%s' is neither a GPU nor a server in the catalog%s", sku, "");
    o->exclude[o->n_exclude++] = sku;
  }
  if (req->value[REQ_EXPLAIN] != NULL &&
      (err = gpu_named(&o->explain, d, REQ_EXPLAIN, req->value[REQ_EXPLAIN], as_columns, diag)) !=
          GSZ_OK)
    return err;
  bool training = r->workload.mode != GSZ_MODE_INFERENCE;
  if (req->value[REQ_TP] != NULL && !training)
    return set_error(diag, REQ_TP, as_columns,
                     "for inference, quote chooses the tensor-parallel degree; use 'gpusizer "
                     "size --tp' to size a given layout%s%s",
                     "", "");
  const char *why = NULL;
  if (training && !gsz_layout_tp_ok(&r->model, r->layout.tp, &why))
    return set_error(diag, REQ_TP, as_columns, "%s does not fit this model: %s", req->value[REQ_TP],
                     why);
  o->train_tp = r->layout.tp;
  o->zero_given = r->zero_given;
  return GSZ_OK;
}
