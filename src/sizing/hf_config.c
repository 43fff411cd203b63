/* hf_config.c: reads a Hugging Face config.json (via jansson) into a
 * gsz_arch. model_type decides which keys are read and what their defaults
 * are, following the transformers configuration classes. Anything that
 * changes the parameter count and is not modelled is refused by name
 * rather than silently ignored. */
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
  json_t *root;
  const char *label;
  gsz_diag *diag;
  gsz_err err;
} cfg;

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

static void read_family_keys(cfg *c, gsz_arch *a) {
  const char *t = a->model_type;
  bool llama_like = strcmp(t, "llama") == 0 || strcmp(t, "qwen3") == 0 ||
                    strcmp(t, "gemma2") == 0 || strcmp(t, "mistral") == 0 ||
                    strcmp(t, "mixtral") == 0 || strcmp(t, "phi3") == 0;
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
  if (!gsz_model_type_known(json_string_value(type))) {
    err = gsz__diag_set(diag, GSZ_EUNSUPPORTED, "%s: unknown model_type '%s' (known: %s)", label,
                        json_string_value(type), gsz_model_known_types());
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
  m->model_type = gsz__strdup(json_string_value(type));
  m->source = gsz__strdup(label);
  if (m->name == NULL || m->model_type == NULL || m->source == NULL) {
    err = gsz__diag_nomem(diag);
    goto done;
  }
  gsz_arch *a = &m->arch;
  a->name = m->name;
  a->model_type = m->model_type;
  a->source = m->source;

  cfg c = {root, label, diag, GSZ_OK};
  a->hidden_size = get_uint(&c, "hidden_size", true, 0);
  a->intermediate_size = get_uint(&c, "intermediate_size", true, 0);
  a->num_hidden_layers = get_uint(&c, "num_hidden_layers", true, 0);
  a->num_attention_heads = get_uint(&c, "num_attention_heads", true, 0);
  a->num_key_value_heads = get_uint(&c, "num_key_value_heads", false, a->num_attention_heads);
  a->head_dim = get_uint(&c, "head_dim", false, 0);
  a->vocab_size = get_uint(&c, "vocab_size", true, 0);
  a->max_position_embeddings = get_uint(&c, "max_position_embeddings", false, 0);
  /* transformers' defaults: Gemma ties its embeddings, the others do not. */
  a->tie_word_embeddings =
      get_bool(&c, "tie_word_embeddings", strcmp(a->model_type, "gemma2") == 0);
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
