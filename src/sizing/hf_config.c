/* hf_config.c: reads a Hugging Face config.json (via jansson) into a
 * gsz_arch. model_type decides which keys are read and what their defaults
 * are, following the transformers configuration classes; the multimodal
 * wrappers (llama4, gemma3) keep the language model's keys in text_config.
 * Anything that changes the parameter count or the KV cache and is not
 * modelled is refused by name rather than silently ignored. */
#include "gpusizer/model.h"
#include "util/common_int.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_CONFIG_BYTES (16u << 20)

struct gsz_hf_model {
  gsz_arch arch;
  char *name, *model_type, *source;
};

typedef struct cfg {
  json_t *root; /* where the keys are read: the file, or its text_config */
  const char *label;
  gsz_diag *diag;
  gsz_err err;
} cfg;

/* config.json model_types that are not a family's own name. */
static const struct {
  const char *model_type, *family;
  bool wrapper; /* multimodal: the keys may nest in "text_config" */
} type_map[] = {
    {"llama4", "llama4", true},
    {"llama4_text", "llama4", false},
    {"gemma3", "gemma3", true},
    {"gemma3_text", "gemma3", false},
};

/* Defaults of the keys every family has, for the families whose
 * configuration class gives them (0: the key is required). Gemma 3's
 * multimodal config.json files write only what differs from
 * Gemma3TextConfig (gemma-3-4b-it names no head count and no vocab_size). */
typedef struct core_defaults {
  uint32_t hidden_size, intermediate_size, num_hidden_layers, num_attention_heads;
  uint32_t num_key_value_heads, head_dim, vocab_size, max_position_embeddings;
  bool tie_word_embeddings;
} core_defaults;

static core_defaults family_defaults(const char *family) {
  core_defaults d = {0, 0, 0, 0, 0, 0, 0, 0, false};
  if (strcmp(family, "gemma3") == 0) /* transformers Gemma3TextConfig */
    d = (core_defaults){2304, 9216, 26, 8, 4, 256, 262208, 131072, true};
  else if (strcmp(family, "gemma2") == 0)
    d.tie_word_embeddings = true;
  return d;
}

static const char *type_name(const json_t *v) {
  switch (json_typeof(v)) {
  case JSON_OBJECT:
    return "an object";
  case JSON_ARRAY:
    return "an array";
  case JSON_STRING:
    return "a string";
  case JSON_INTEGER:
    return "an integer";
  case JSON_REAL:
    return "a fraction";
  case JSON_TRUE:
  case JSON_FALSE:
    return "a boolean";
  case JSON_NULL:
    return "null";
  }
  return "something else";
}

/* A positive integer key. Absent or null gives fallback when not required. */
static uint32_t get_uint(cfg *c, const char *key, bool required, uint32_t fallback) {
  if (c->err != GSZ_OK)
    return 0;
  json_t *v = json_object_get(c->root, key);
  if (v == NULL || json_is_null(v)) {
    if (required)
      c->err = gsz__diag_set(c->diag, GSZ_EINVAL, "%s: missing key '%s' (a positive integer)",
                             c->label, key);
    return fallback;
  }
  if (!json_is_integer(v) || json_integer_value(v) <= 0 ||
      json_integer_value(v) > (json_int_t)UINT32_MAX) {
    c->err =
        gsz__diag_set(c->diag, GSZ_EINVAL, "%s: '%s' must be a positive integer below 2^32, got %s",
                      c->label, key, json_is_integer(v) ? "an integer out of range" : type_name(v));
    return 0;
  }
  return (uint32_t)json_integer_value(v);
}

/* Like get_uint but 0 is allowed (first_k_dense_replace, n_shared_experts). */
static uint32_t get_count(cfg *c, const char *key) {
  if (c->err != GSZ_OK)
    return 0;
  json_t *v = json_object_get(c->root, key);
  if (v == NULL || json_is_null(v))
    return 0;
  if (json_is_integer(v) && json_integer_value(v) == 0)
    return 0;
  return get_uint(c, key, false, 0);
}

static bool get_bool(cfg *c, const char *key, bool fallback) {
  if (c->err != GSZ_OK)
    return fallback;
  json_t *v = json_object_get(c->root, key);
  if (v == NULL || json_is_null(v))
    return fallback;
  if (!json_is_boolean(v)) {
    c->err = gsz__diag_set(c->diag, GSZ_EINVAL, "%s: '%s' must be true or false, got %s", c->label,
                           key, type_name(v));
    return fallback;
  }
  return json_is_true(v);
}

static void refuse_if(cfg *c, bool condition, const char *what) {
  if (c->err == GSZ_OK && condition)
    c->err = gsz__diag_set(c->diag, GSZ_EUNSUPPORTED,
                           "%s: %s, which gpusizer does not count yet; the size would be wrong",
                           c->label, what);
}

/* A window in tokens: absent gives fallback, null none (0). */
static uint32_t get_window(cfg *c, const char *key, uint32_t fallback) {
  json_t *v = json_object_get(c->root, key);
  if (v != NULL && json_is_null(v))
    return 0;
  return get_uint(c, key, false, fallback);
}

/* A list key: NULL when absent or null, an error when not a list. */
static json_t *get_list(cfg *c, const char *key) {
  if (c->err != GSZ_OK)
    return NULL;
  json_t *v = json_object_get(c->root, key);
  if (v == NULL || json_is_null(v))
    return NULL;
  if (!json_is_array(v)) {
    c->err = gsz__diag_set(c->diag, GSZ_EINVAL, "%s: '%s' must be a list, got %s", c->label, key,
                           type_name(v));
    return NULL;
  }
  return v;
}

/* How one entry of a per-layer list attends: 1 through the window (or
 * attention chunk), 0 fully, -1 unknown. */
typedef int (*layer_kind_fn)(const json_t *entry);

static int kind_from_type(const json_t *v) {
  const char *t = json_string_value(v);
  if (t == NULL)
    return -1;
  if (strcmp(t, "sliding_attention") == 0 || strcmp(t, "chunked_attention") == 0)
    return 1;
  return strcmp(t, "full_attention") == 0 ? 0 : -1;
}

/* Llama 4's no_rope_layers: 1 = RoPE with chunked attention, 0 = NoPE with
 * full attention. */
static int kind_from_rope(const json_t *v) {
  if (!json_is_integer(v))
    return -1;
  json_int_t i = json_integer_value(v);
  return i == 1 ? 1 : i == 0 ? 0 : -1;
}

/* A per-layer list as gsz_arch says it: sets *pattern to N when every Nth
 * layer attends fully and the others through the window, 0 when every
 * layer uses the window, and *windowed to whether any layer does. Lists
 * of another shape are refused: the KV cache would be sized wrong. exact:
 * one entry per layer (layer_types); otherwise at least one (no_rope_layers,
 * of which transformers reads the first num_hidden_layers). */
static void layer_pattern(cfg *c, const char *key, const json_t *list, layer_kind_fn kind,
                          bool exact, uint32_t layers, uint32_t *pattern, bool *windowed) {
  if (c->err != GSZ_OK)
    return;
  size_t n = json_array_size(list);
  if (exact ? n != layers : n < layers) {
    c->err = gsz__diag_set(c->diag, GSZ_EINVAL,
                           "%s: '%s' has %zu entries for %u layers (num_hidden_layers)", c->label,
                           key, n, layers);
    return;
  }
  uint32_t first_full = UINT32_MAX, n_windowed = 0;
  for (uint32_t i = 0; i < layers; i++) {
    int k = kind(json_array_get(list, i));
    if (k < 0) {
      c->err = gsz__diag_set(
          c->diag, GSZ_EUNSUPPORTED,
          "%s: '%s' entry %u is not a kind of attention gpusizer knows (%s)", c->label, key, i,
          kind == kind_from_rope ? "0 or 1"
                                 : "sliding_attention, chunked_attention or full_attention");
      return;
    }
    if (k == 0 && first_full == UINT32_MAX)
      first_full = i;
    n_windowed += (uint32_t)k;
  }
  *windowed = n_windowed > 0;
  *pattern = 0;
  if (n_windowed == 0 || n_windowed == layers)
    return;
  uint32_t every = first_full + 1;
  for (uint32_t i = 0; i < layers; i++)
    if ((kind(json_array_get(list, i)) == 0) != ((i + 1) % every == 0)) {
      c->err = gsz__diag_set(c->diag, GSZ_EUNSUPPORTED,
                             "%s: '%s' mixes windowed and full layers in a way gpusizer "
                             "cannot size (it sizes every Nth layer full, the others windowed)",
                             c->label, key);
      return;
    }
  *pattern = every;
}

/* The window of each layer from layer_types when the file has it, else
 * from the family's own way of saying it: every Nth layer attends fully
 * (N = fallback_pattern; 1: every layer, so none uses the window). */
static void read_windows(cfg *c, gsz_arch *a, uint32_t window, uint32_t fallback_pattern) {
  json_t *types = get_list(c, "layer_types");
  bool windowed = fallback_pattern != 1;
  uint32_t pattern = fallback_pattern;
  if (types != NULL)
    layer_pattern(c, "layer_types", types, kind_from_type, true, a->num_hidden_layers, &pattern,
                  &windowed);
  windowed = windowed && window > 0;
  a->sliding_window = windowed ? window : 0;
  a->sliding_window_pattern = windowed && pattern > 1 ? pattern : 0;
}

/* Experts per token: "num_experts_per_tok", or gpt-oss's older name. */
static uint32_t get_top_k(cfg *c, const char *other) {
  json_t *v = json_object_get(c->root, "num_experts_per_tok");
  if (other != NULL && (v == NULL || json_is_null(v))) {
    json_t *o = json_object_get(c->root, other);
    if (o != NULL && !json_is_null(o))
      return get_uint(c, other, true, 0);
  }
  return get_uint(c, "num_experts_per_tok", true, 0);
}

static void read_llama4(cfg *c, gsz_arch *a) {
  /* intermediate_size is each expert's width; the dense layers (and only
   * they) use intermediate_size_mlp. Every MoE layer has one shared
   * expert of the experts' width (Llama4TextMoe.shared_expert). */
  a->moe_intermediate_size = a->intermediate_size;
  a->intermediate_size = get_uint(c, "intermediate_size_mlp", false, 16384);
  a->num_local_experts = get_uint(c, "num_local_experts", true, 0);
  a->num_experts_per_tok = get_top_k(c, NULL);
  a->n_shared_experts = 1;
  a->moe_layer_step = get_uint(c, "interleave_moe_layer_step", false, 1);
  json_t *moe_layers = get_list(c, "moe_layers");
  if (moe_layers != NULL && c->err == GSZ_OK) {
    /* transformers takes an explicit list over the step: it must be the
     * list the step gives, range(step - 1, layers, step). */
    uint32_t step = a->moe_layer_step, want = 0;
    bool same = true;
    for (uint32_t i = step - 1; i < a->num_hidden_layers && same; i += step, want++) {
      json_t *v = json_array_get(moe_layers, want);
      same = json_is_integer(v) && json_integer_value(v) == (json_int_t)i;
    }
    refuse_if(c, !same || json_array_size(moe_layers) != want,
              "'moe_layers' is not every interleave_moe_layer_step-th layer");
  }
  /* Chunked attention: a RoPE layer attends within its chunk of
   * attention_chunk_size tokens, so it caches at most that many; the NoPE
   * layers (every no_rope_layer_interval-th) attend fully. */
  uint32_t chunk = get_window(c, "attention_chunk_size", 8192);
  uint32_t pattern = get_uint(c, "no_rope_layer_interval", false, 4);
  bool windowed = chunk > 0 && pattern != 1;
  json_t *types = get_list(c, "layer_types");
  json_t *no_rope = types == NULL ? get_list(c, "no_rope_layers") : NULL;
  if (types != NULL)
    layer_pattern(c, "layer_types", types, kind_from_type, true, a->num_hidden_layers, &pattern,
                  &windowed);
  else if (no_rope != NULL && json_array_size(no_rope) > 0) /* [] means "use the interval" */
    layer_pattern(c, "no_rope_layers", no_rope, kind_from_rope, false, a->num_hidden_layers,
                  &pattern, &windowed);
  a->sliding_window = windowed ? chunk : 0;
  a->sliding_window_pattern = a->sliding_window && pattern > 1 ? pattern : 0;
}

static void read_gpt_oss(cfg *c, gsz_arch *a) {
  /* GptOssConfig: biases on q, k, v and o (attention_bias, true by
   * default); experts of intermediate_size with their own biases and a
   * router with a bias (family rules); sliding window 128 on every other
   * layer from the first. quantization_config (MXFP4 experts) changes the
   * bytes, not the count: the number format is the workload's. */
  bool bias = get_bool(c, "attention_bias", true);
  a->qkv_bias = bias;
  a->o_bias = bias;
  a->num_local_experts = get_uint(c, "num_local_experts", true, 0);
  a->num_experts_per_tok = get_top_k(c, "experts_per_token");
  read_windows(c, a, get_window(c, "sliding_window", 128), 2);
}

static void read_qwen3_moe(cfg *c, gsz_arch *a) {
  a->num_local_experts = get_uint(c, "num_experts", true, 0);
  a->num_experts_per_tok = get_top_k(c, NULL);
  a->moe_intermediate_size = get_uint(c, "moe_intermediate_size", true, 0);
  a->moe_layer_step = get_uint(c, "decoder_sparse_step", false, 1);
  json_t *dense = get_list(c, "mlp_only_layers");
  refuse_if(c, dense != NULL && json_array_size(dense) > 0,
            "'mlp_only_layers' is not empty (dense layers among the MoE layers)");
  refuse_if(c, get_bool(c, "use_sliding_window", false),
            "'use_sliding_window' is true (layer-dependent windows)");
}

static void read_gemma3(cfg *c, gsz_arch *a) {
  /* Gemma3TextConfig: five local layers of sliding_window tokens, then one
   * global (sliding_window_pattern 6; newer files write layer_types). */
  json_t *p = json_object_get(c->root, "sliding_window_pattern");
  const char *pattern_key = p != NULL || json_object_get(c->root, "_sliding_window_pattern") == NULL
                                ? "sliding_window_pattern"
                                : "_sliding_window_pattern";
  uint32_t pattern = get_uint(c, pattern_key, false, 6);
  read_windows(c, a, get_window(c, "sliding_window", 4096), pattern);
}

static void read_family_keys(cfg *c, gsz_arch *a) {
  const char *t = a->model_type;
  bool llama_like = strcmp(t, "llama") == 0 || strcmp(t, "qwen3") == 0 ||
                    strcmp(t, "qwen3_moe") == 0 || strcmp(t, "gemma2") == 0 ||
                    strcmp(t, "gemma3") == 0 || strcmp(t, "mistral") == 0 ||
                    strcmp(t, "mixtral") == 0 || strcmp(t, "phi3") == 0 || strcmp(t, "llama4") == 0;
  if (llama_like) {
    bool bias = get_bool(c, "attention_bias", false);
    a->qkv_bias = bias;
    a->o_bias = bias;
    refuse_if(c, get_bool(c, "mlp_bias", false), "'mlp_bias' is true");
  }
  if (strcmp(t, "qwen2") == 0) {
    a->qkv_bias = true; /* Qwen2 always has q, k, v biases and no o bias */
    refuse_if(c, get_bool(c, "use_sliding_window", false),
              "'use_sliding_window' is true (layer-dependent windows)");
  }
  if (strcmp(t, "mistral") == 0 || strcmp(t, "phi3") == 0 || strcmp(t, "mixtral") == 0)
    a->sliding_window = get_uint(c, "sliding_window", false, 0);
  if (strcmp(t, "gemma2") == 0) {
    a->sliding_window = get_uint(c, "sliding_window", false, 4096);
    a->sliding_window_pattern = 2; /* Gemma 2 alternates local and global layers */
  }
  if (strcmp(t, "mixtral") == 0) {
    a->num_local_experts = get_uint(c, "num_local_experts", true, 0);
    a->num_experts_per_tok = get_uint(c, "num_experts_per_tok", true, 0);
  }
  if (strcmp(t, "deepseek_v3") == 0) {
    a->num_local_experts = get_uint(c, "n_routed_experts", true, 0);
    a->num_experts_per_tok = get_uint(c, "num_experts_per_tok", true, 0);
    a->moe_intermediate_size = get_uint(c, "moe_intermediate_size", true, 0);
    a->n_shared_experts = get_count(c, "n_shared_experts");
    a->first_k_dense_replace = get_count(c, "first_k_dense_replace");
    a->q_lora_rank = get_uint(c, "q_lora_rank", false, 0);
    a->kv_lora_rank = get_uint(c, "kv_lora_rank", true, 0);
    a->qk_nope_head_dim = get_uint(c, "qk_nope_head_dim", true, 0);
    a->qk_rope_head_dim = get_uint(c, "qk_rope_head_dim", true, 0);
    a->v_head_dim = get_uint(c, "v_head_dim", true, 0);
    refuse_if(c, get_uint(c, "moe_layer_freq", false, 1) != 1, "'moe_layer_freq' is not 1");
  }
  if (strcmp(t, "llama4") == 0)
    read_llama4(c, a);
  if (strcmp(t, "gpt_oss") == 0)
    read_gpt_oss(c, a);
  if (strcmp(t, "qwen3_moe") == 0)
    read_qwen3_moe(c, a);
  if (strcmp(t, "gemma3") == 0)
    read_gemma3(c, a);
}

void gsz_hf_model_free(gsz_hf_model *m) {
  if (m == NULL)
    return;
  gsz__free(m->name);
  gsz__free(m->model_type);
  gsz__free(m->source);
  gsz__free(m);
}

const gsz_arch *gsz_hf_model_arch(const gsz_hf_model *m) {
  return &m->arch;
}

/* The last path component, for naming a model read from a file. */
static const char *base_name(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

gsz_err gsz_hf_config_parse(gsz_hf_model **out, const char *text, size_t len, const char *label,
                            gsz_diag *diag) {
  if (len > MAX_CONFIG_BYTES)
    return gsz__diag_set(diag, GSZ_ELIMIT, "%s: larger than %u MiB; not a config.json", label,
                         MAX_CONFIG_BYTES >> 20);
  /* Editors on Windows save "UTF-8 with BOM"; JSON allows a parser to
   * ignore it (RFC 8259, 8.1) and jansson does not. */
  if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
    text += 3;
    len -= 3;
  }
  json_error_t jerr;
  size_t failed_before = gsz__alloc_failures();
  json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
  /* jansson reports some failed allocations as syntax errors (its lexer's
   * string buffer) or with a blank message; the allocator knows better. */
  if (root == NULL && (json_error_code(&jerr) == json_error_out_of_memory ||
                       gsz__alloc_failures() != failed_before))
    return gsz__diag_nomem(diag);
  if (root == NULL) {
    /* jansson quotes the offending token ("... near 'root'"): from a file
     * that is not JSON at all (a batch cell naming /etc/passwd) that echoes
     * its content. The position is enough. */
    char *near = strstr(jerr.text, " near '");
    if (near != NULL)
      *near = '\0';
    return gsz__diag_set(diag, GSZ_EPARSE, "%s:%d:%d: not valid JSON: %s", label, jerr.line,
                         jerr.column, jerr.text);
  }
  gsz_err err = GSZ_OK;
  gsz_hf_model *m = NULL;
  if (!json_is_object(root)) {
    err = gsz__diag_set(diag, GSZ_EINVAL, "%s: expected a JSON object, got %s", label,
                        type_name(root));
    goto done;
  }
  json_t *type = json_object_get(root, "model_type");
  if (!json_is_string(type)) {
    err = gsz__diag_set(diag, GSZ_EINVAL,
                        "%s: missing key 'model_type' (a string such as \"llama\"; known: %s)",
                        label, gsz_model_known_types());
    goto done;
  }
  const char *family = json_string_value(type);
  json_t *keys = root;
  for (size_t i = 0; i < GSZ_ARRAY_LEN(type_map); i++)
    if (strcmp(family, type_map[i].model_type) == 0) {
      json_t *nested = type_map[i].wrapper ? json_object_get(root, "text_config") : NULL;
      if (nested != NULL && !json_is_object(nested)) {
        err = gsz__diag_set(diag, GSZ_EINVAL, "%s: 'text_config' must be an object, got %s", label,
                            type_name(nested));
        goto done;
      }
      keys = nested != NULL ? nested : root;
      family = type_map[i].family;
      break;
    }
  if (!gsz_model_type_known(family)) {
    err = gsz__diag_set(diag, GSZ_EUNSUPPORTED, "%s: unknown model_type '%s' (known: %s)", label,
                        family, gsz_model_known_types());
    goto done;
  }
  m = gsz__calloc(1, sizeof *m);
  if (m == NULL) {
    err = gsz__diag_nomem(diag);
    goto done;
  }
  json_t *name = json_object_get(root, "_name_or_path");
  const char *model_name = json_is_string(name) && json_string_length(name) > 0
                               ? json_string_value(name)
                               : base_name(label);
  m->name = gsz__strdup(model_name);
  m->model_type = gsz__strdup(family);
  m->source = gsz__strdup(label);
  if (m->name == NULL || m->model_type == NULL || m->source == NULL) {
    err = gsz__diag_nomem(diag);
    goto done;
  }
  gsz_arch *a = &m->arch;
  a->name = m->name;
  a->model_type = m->model_type;
  a->source = m->source;

  cfg c = {keys, label, diag, GSZ_OK};
  core_defaults d = family_defaults(family);
  a->hidden_size = get_uint(&c, "hidden_size", d.hidden_size == 0, d.hidden_size);
  a->intermediate_size =
      get_uint(&c, "intermediate_size", d.intermediate_size == 0, d.intermediate_size);
  a->num_hidden_layers =
      get_uint(&c, "num_hidden_layers", d.num_hidden_layers == 0, d.num_hidden_layers);
  a->num_attention_heads =
      get_uint(&c, "num_attention_heads", d.num_attention_heads == 0, d.num_attention_heads);
  a->num_key_value_heads =
      get_uint(&c, "num_key_value_heads", false,
               d.num_key_value_heads ? d.num_key_value_heads : a->num_attention_heads);
  a->head_dim = get_uint(&c, "head_dim", false, d.head_dim);
  a->vocab_size = get_uint(&c, "vocab_size", d.vocab_size == 0, d.vocab_size);
  a->max_position_embeddings =
      get_uint(&c, "max_position_embeddings", false, d.max_position_embeddings);
  /* transformers' defaults: Gemma ties its embeddings, the others do not. A
   * multimodal wrapper may say it at its top level instead. */
  bool tie = d.tie_word_embeddings;
  if (keys != root) {
    c.root = root;
    tie = get_bool(&c, "tie_word_embeddings", tie);
    c.root = keys;
  }
  a->tie_word_embeddings = get_bool(&c, "tie_word_embeddings", tie);
  read_family_keys(&c, a);
  err = c.err;
  if (err == GSZ_OK) {
    gsz_param_count pc; /* catches inconsistent shapes now, with the file named */
    gsz_diag inner;
    err = gsz_model_count(&pc, a, &inner);
    if (err != GSZ_OK)
      gsz__diag_set(diag, err, "%s: %s", label, inner.message);
  }

done:
  json_decref(root);
  if (err != GSZ_OK) {
    gsz_hf_model_free(m);
    return err;
  }
  *out = m;
  return GSZ_OK;
}

gsz_err gsz_hf_config_load(gsz_hf_model **out, const char *path, gsz_diag *diag) {
  FILE *f = fopen(path, "rb");
  if (f == NULL)
    return gsz__diag_set(diag, gsz__open_error_code(errno), "cannot open '%s': %s", path,
                         strerror(errno));
  struct stat st;
  if (fstat(fileno(f), &st) != 0) {
    fclose(f);
    return gsz__diag_set(diag, GSZ_EIO, "cannot read '%s': %s", path, strerror(errno));
  }
  if (!S_ISREG(st.st_mode)) {
    fclose(f);
    return gsz__not_a_file(diag, path, (unsigned)st.st_mode);
  }
  if (st.st_size > (off_t)MAX_CONFIG_BYTES) {
    fclose(f);
    return gsz__diag_set(diag, GSZ_ELIMIT, "%s: larger than %u MiB; not a config.json", path,
                         MAX_CONFIG_BYTES >> 20);
  }
  size_t size = (size_t)st.st_size;
  char *text = gsz__malloc(size + 1);
  if (text == NULL) {
    fclose(f);
    return gsz__diag_nomem(diag);
  }
  size_t len = fread(text, 1, size, f);
  bool read_error = ferror(f) != 0 || len != size;
  fclose(f);
  gsz_err err;
  if (read_error)
    err = gsz__diag_set(diag, GSZ_EIO, "cannot read '%s'", path);
  else
    err = gsz_hf_config_parse(out, text, len, path, diag);
  gsz__free(text);
  return err;
}
