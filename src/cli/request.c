/* request.c: the library's request fields as command-line options: their
 * getopt table and --help lines, the environment that adds to a request
 * ($GPUSIZER_PRICING, $GPUSIZER_TODAY), and how the command line names
 * fields in messages ("--max-nodes"; "column 'max_nodes'" in batch). */
#include "request.h"

#include <stdlib.h>
#include <string.h>

/* --help text of each field; the option is the field's name with '-'. */
static const char *const field_help[GSZ_FIELD_COUNT] = {
    [GSZ_FIELD_MODEL] = "model from the catalog: short name or Hugging Face id, any case",
    [GSZ_FIELD_PARAMS] = "bare parameter count: 7B, 0.5B, 500M, 7e9, 6738415616",
    [GSZ_FIELD_HF_CONFIG] = "a Hugging Face config.json",
    [GSZ_FIELD_SAFETENSORS] = "weights from a .safetensors file, a sharded model's index.json or a "
                              "folder (headers only; config.json beside it gives the architecture)",
    [GSZ_FIELD_GGUF] = "weights from a GGUF file (header only; its metadata gives the "
                       "architecture)",
    [GSZ_FIELD_MODE] = "inference (default), train, lora or qlora",
    [GSZ_FIELD_METHOD] = "full (default: every component) or quick (rule of thumb)",
    [GSZ_FIELD_PRECISION] =
        "weight format: bf16 (default), fp16, fp32, fp8, int8, int4, awq, gptq, "
        "nvfp4, mxfp4, q4_k_m, q8_0, ... (qlora: nf4)",
    [GSZ_FIELD_KV_PRECISION] = "KV cache format (default: the weight format if 16/32-bit, else "
                               "bf16)",
    [GSZ_FIELD_CONTEXT] = "tokens per sequence (default 4096)",
    [GSZ_FIELD_CONCURRENCY] = "inference: sequences served at once (default 1)",
    [GSZ_FIELD_INPUT_TOKENS] = "inference speed: prompt tokens per request (default: the context "
                               "less the output)",
    [GSZ_FIELD_OUTPUT_TOKENS] = "inference speed: generated tokens per request (default 256; "
                                "without --context, the context is input + output)",
    [GSZ_FIELD_BATCH] = "training: micro-batch per GPU (default 1)",
    [GSZ_FIELD_OPTIMIZER] = "adamw (default), adam8bit, sgd or sgd-momentum",
    [GSZ_FIELD_RECIPE] = "mixed (default: 16 B/param with AdamW), fp32 or bf16",
    [GSZ_FIELD_ZERO] = "ZeRO stage across --dp (quote: default 3 when training on several GPUs)",
    [GSZ_FIELD_RECOMPUTE] = "activation recomputation: none, selective, full (default) or auto "
                            "(quote: on only when a cheaper configuration then fits)",
    [GSZ_FIELD_FLASH_ATTENTION] = "training: flash attention (default on)",
    [GSZ_FIELD_SEQUENCE_PARALLEL] = "training with --tp: sequence parallelism, which lets TP split "
                                    "all activations (default on)",
    [GSZ_FIELD_LORA_RANK] = "LoRA rank (default 16)",
    [GSZ_FIELD_LORA_TARGETS] = "q,k,v,o,gate,up,down or attn, mlp, all (default all)",
    [GSZ_FIELD_TP] = "tensor-parallel degree (default 1; quote: training only, inside a node)",
    [GSZ_FIELD_PP] = "pipeline-parallel degree (default 1)",
    [GSZ_FIELD_DP] = "data-parallel degree (default 1)",
    [GSZ_FIELD_GPUS] = "GPUs in all, with --gpu: data-parallel replicas of --tp x --pp GPUs "
                       "(sets --dp)",
    [GSZ_FIELD_RUNTIME] = "runtime profile (see 'gpusizer catalog runtimes')",
    [GSZ_FIELD_GPU_MEMORY_UTILIZATION] = "share of the GPU memory the runtime sees that it may use "
                                         "(vLLM --gpu-memory-utilization; default: the runtime's)",
    [GSZ_FIELD_GPU] = "size: show the fit on this GPU; quote: only these GPUs (repeatable)",
    [GSZ_FIELD_VENDOR] = "only GPUs of this vendor (repeatable)",
    [GSZ_FIELD_FORM_FACTOR] = "only SXM, OAM or PCIe (repeatable)",
    [GSZ_FIELD_EXCLUDE] = "never offer this GPU or server (repeatable)",
    [GSZ_FIELD_MAX_NODES] = "at most N servers (default 8)",
    [GSZ_FIELD_MAX_GPUS] = "at most N GPUs in all",
    [GSZ_FIELD_BUDGET] = "at most this total, in the quote currency (e.g. 250000.00)",
    [GSZ_FIELD_STOCK] = "any (default: shown, not required), prefer (buildable first), only",
    [GSZ_FIELD_ALLOW_CONSUMER] = "allow consumer GPUs outside workstations (their licence forbids "
                                 "it)",
    [GSZ_FIELD_CHASSIS] = "only servers of this chassis: rack, workstation or rack_scale "
                          "(repeatable)",
    [GSZ_FIELD_SERVER] = "only this server (repeatable)",
    [GSZ_FIELD_SERVER_VENDOR] = "only servers of this vendor (repeatable)",
    [GSZ_FIELD_COOLING] = "only air- or liquid-cooled servers",
    [GSZ_FIELD_ALLOW_EOL] = "quote end-of-sale GPUs and servers too (from stock where there is "
                            "some)",
    [GSZ_FIELD_MIN_HEADROOM] = "least headroom between need and budget, percent (default: the "
                               "runtime's, 5; 0: none)",
    [GSZ_FIELD_OUTLET_WATTS] = "a workstation's wall outlet limit, W (default: the catalog's, "
                               "1440: US 15 A at 80%)",
    [GSZ_FIELD_TOKENS_PER_SECOND] = "target: each user's decode speed, tokens/s, at least",
    [GSZ_FIELD_TTFT_MS] = "target: time to first token at --concurrency, ms, at most",
    [GSZ_FIELD_THROUGHPUT] = "target: output tokens/s of the whole configuration, at least",
    [GSZ_FIELD_TRAIN_TOKENS] = "training: tokens to train on (1e12, 1T, ...): gives the days",
    [GSZ_FIELD_DEADLINE_DAYS] = "target: training takes at most D days (needs --train-tokens)",
    [GSZ_FIELD_OBJECTIVE] = "rank by price (default), tco (price + energy over --years) or "
                            "cost-per-token",
    [GSZ_FIELD_YEARS] = "years of ownership for tco and cost-per-token (default 3)",
    [GSZ_FIELD_POWER_PRICE] = "energy price per kWh in the quote currency (default 0.15)",
    [GSZ_FIELD_PUE] = "power usage effectiveness of the facility (default 1.3)",
    [GSZ_FIELD_TOP] = "alternatives to show (default 5)",
    [GSZ_FIELD_EXPLAIN] = "show every candidate of this GPU with its numbers and verdict",
    [GSZ_FIELD_PRICING] = "pricing overlay (YAML; repeatable, later files win key by key; default "
                          "$GPUSIZER_PRICING)",
    [GSZ_FIELD_ALLOW_EXPIRED] = "quote with an overlay past its valid_until (with a warning)",
};

/* "max_nodes" -> "max-nodes": the long option of a field. */
static const char *option_name(char *buf, size_t size, const char *field) {
  snprintf(buf, size, "%s", field);
  for (char *p = buf; *p; p++)
    if (*p == '_')
      *p = '-';
  return buf;
}

void cli_field_options(struct option *out, size_t cap, unsigned scope, const struct option *extra) {
  /* getopt_long keeps the names: one static copy per field. */
  static char names[GSZ_FIELD_COUNT][32];
  size_t n = 0;
  for (int f = GSZ_FIELD_NONE + 1; f < GSZ_FIELD_COUNT && n + 1 < cap; f++) {
    const gsz_field_info *info = gsz_field_get((gsz_field)f);
    if (!(info->scope & scope))
      continue;
    out[n++] = (struct option){option_name(names[f], sizeof names[f], info->name),
                               info->placeholder ? required_argument : no_argument, NULL,
                               CLI_FIELD_OPT + f};
  }
  for (; extra->name != NULL && n + 1 < cap; extra++)
    out[n++] = *extra;
  out[n] = (struct option){NULL, 0, NULL, 0};
}

void cli_field_help(FILE *out, unsigned scope) {
  for (int f = GSZ_FIELD_NONE + 1; f < GSZ_FIELD_COUNT; f++) {
    const gsz_field_info *info = gsz_field_get((gsz_field)f);
    if (!(info->scope & scope))
      continue;
    char name[32], left[64];
    snprintf(left, sizeof left, "--%s%s%s", option_name(name, sizeof name, info->name),
             info->placeholder ? " " : "", info->placeholder ? info->placeholder : "");
    fprintf(out, "  %-24s %s\n", left, field_help[f]);
  }
}

bool cli_field_set(const char *cmd, gsz_request *req, int opt, const char *optarg_value) {
  gsz_field f = (gsz_field)(opt - CLI_FIELD_OPT);
  gsz_diag diag;
  gsz_diag_clear(&diag);
  const char *value = gsz_field_get(f)->placeholder ? optarg_value : "true";
  if (gsz_request_set(req, f, value, &diag) == GSZ_OK)
    return true;
  /* "--gpu given too many times", as the flag was typed. */
  char name[32];
  cli_usage_error(cmd, "--%s %s", option_name(name, sizeof name, gsz_field_get(f)->name),
                  CLI_SAID(&diag));
  return false;
}

/* --- Words -------------------------------------------------------------------- */

static const char *column_word(void *ctx, const char *field, bool subject, char *buf, size_t size) {
  if (subject) {
    snprintf(buf, size, "column '%s'", field);
    return buf;
  }
  return cli_flag_words.name(ctx, field, false, buf, size);
}

const gsz_field_words cli_column_words = {column_word, NULL};

/* --- The environment -------------------------------------------------------------- */

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

int cli_request_environment(const char *cmd, gsz_request *req, char **env_storage) {
  *env_storage = NULL;
  const char *env = getenv("GPUSIZER_PRICING");
  if (req->n_list[GSZ_FIELD_PRICING] == 0 && env != NULL && env[0] != '\0') {
    char *copy = *env_storage = strdup(env);
    if (copy == NULL) {
      cli_error(cmd, "out of memory");
      return EXIT_SYSTEM;
    }
    for (char *p = copy; p != NULL;) {
      char *colon = strchr(p, ':');
      if (colon != NULL)
        *colon = '\0';
      if (*p != '\0' && req->n_list[GSZ_FIELD_PRICING] == GSZ_REQUEST_MAX_REPEAT) {
        /* As with a 33rd --pricing: a file left out would change prices unseen. */
        cli_error(cmd, "GPUSIZER_PRICING: more than %d files", GSZ_REQUEST_MAX_REPEAT);
        return EXIT_USAGE;
      }
      if (*p != '\0' && gsz_request_set(req, GSZ_FIELD_PRICING, p, NULL) != GSZ_OK)
        return EXIT_USAGE;
      p = colon ? colon + 1 : NULL;
    }
  }
  const char *fixed = getenv("GPUSIZER_TODAY");
  if (fixed != NULL && fixed[0] != '\0') {
    /* A testing aid (reproducible validity checks): say so, since it
     * decides whether an overlay has expired. */
    if (!real_date(fixed)) {
      cli_error(cmd, "GPUSIZER_TODAY: '%.40s' is not a date (YYYY-MM-DD)", fixed);
      return EXIT_USAGE;
    }
    req->today = fixed;
    cli_error(cmd,
              "warning: GPUSIZER_TODAY is set: overlay validity is checked as of '%s', not "
              "today (a testing aid)",
              fixed);
  }
  return EXIT_OK;
}

int cli_request_overlay(const char *cmd, gsz_overlay **out, const gsz_catalog_data *data,
                        const gsz_request *req) {
  gsz_diag diag;
  gsz_diag_clear(&diag);
  gsz_err err = gsz_request_overlay(out, data, req, &diag);
  if (err != GSZ_OK) {
    cli_fail(cmd, err, &diag);
    return err == GSZ_ENOMEM ? EXIT_SYSTEM : EXIT_USAGE;
  }
  for (size_t i = 0; i < gsz_overlay_warning_count(*out); i++) {
    char said[GSZ_DIAG_MESSAGE_MAX + 256];
    cli_error(cmd, "warning: %s",
              gsz_text_render(said, sizeof said, gsz_overlay_warning(*out, i), &cli_flag_words));
  }
  return EXIT_OK;
}
