/* checkpoint.c: the record a checkpoint reader fills (checkpoint.h): its
 * tensors counted by role from their names, the type tables both formats
 * use (safetensors dtypes, llama.cpp's ggml types), and how a checkpoint's
 * bytes spread over the GPUs of a layout. The readers themselves are
 * safetensors.c and gguf.c. */
#include "sizing/checkpoint_int.h"
#include "sizing/memory_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* --- Type tables ---------------------------------------------------------------- */

unsigned gsz_safetensors_dtype_bits(const char *dtype) {
  /* The dtypes of the safetensors format (safetensors/src/tensor.rs Dtype),
   * sub-byte float types included. */
  static const struct {
    const char *name;
    unsigned bits;
  } dtypes[] = {
      {"BOOL", 8},        {"U8", 8},          {"I8", 8},   {"F8_E5M2", 8}, {"F8_E4M3", 8},
      {"F8_E8M0", 8},     {"I16", 16},        {"U16", 16}, {"F16", 16},    {"BF16", 16},
      {"I32", 32},        {"U32", 32},        {"F32", 32}, {"I64", 64},    {"U64", 64},
      {"F64", 64},        {"C64", 64},        {"F4", 4},   {"F6_E2M3", 6}, {"F6_E3M2", 6},
      {"F8_E4M3FNUZ", 8}, {"F8_E5M2FNUZ", 8},
  };
  for (size_t i = 0; i < GSZ_ARRAY_LEN(dtypes); i++)
    if (strcmp(dtypes[i].name, dtype) == 0)
      return dtypes[i].bits;
  return 0;
}

bool gsz_ggml_type_block(uint32_t type, uint32_t *block_values, uint32_t *block_bytes) {
  /* llama.cpp ggml type traits (ggml/include/ggml.h ids; gguf-py
   * GGML_QUANT_SIZES): {values per block, bytes per block}; {0, 0} for ids
   * removed from GGUF files (4, 5, 31-33, 36-38). */
  static const uint16_t table[][2] = {
      {1, 4},     /*  0 F32 */
      {1, 2},     /*  1 F16 */
      {32, 18},   /*  2 Q4_0 */
      {32, 20},   /*  3 Q4_1 */
      {0, 0},     /*  4 removed */
      {0, 0},     /*  5 removed */
      {32, 22},   /*  6 Q5_0 */
      {32, 24},   /*  7 Q5_1 */
      {32, 34},   /*  8 Q8_0 */
      {32, 36},   /*  9 Q8_1 */
      {256, 84},  /* 10 Q2_K */
      {256, 110}, /* 11 Q3_K */
      {256, 144}, /* 12 Q4_K */
      {256, 176}, /* 13 Q5_K */
      {256, 210}, /* 14 Q6_K */
      {256, 292}, /* 15 Q8_K */
      {256, 66},  /* 16 IQ2_XXS */
      {256, 74},  /* 17 IQ2_XS */
      {256, 98},  /* 18 IQ3_XXS */
      {256, 50},  /* 19 IQ1_S */
      {32, 18},   /* 20 IQ4_NL */
      {256, 110}, /* 21 IQ3_S */
      {256, 82},  /* 22 IQ2_S */
      {256, 136}, /* 23 IQ4_XS */
      {1, 1},     /* 24 I8 */
      {1, 2},     /* 25 I16 */
      {1, 4},     /* 26 I32 */
      {1, 8},     /* 27 I64 */
      {1, 8},     /* 28 F64 */
      {256, 56},  /* 29 IQ1_M */
      {1, 2},     /* 30 BF16 */
      {0, 0},     /* 31 removed (Q4_0_4_4) */
      {0, 0},     /* 32 removed */
      {0, 0},     /* 33 removed */
      {256, 54},  /* 34 TQ1_0 */
      {256, 66},  /* 35 TQ2_0 */
      {0, 0},     /* 36 removed (IQ4_NL_4_4) */
      {0, 0},     /* 37 removed */
      {0, 0},     /* 38 removed */
      {32, 17},   /* 39 MXFP4 */
      {64, 36},   /* 40 NVFP4 */
  };
  if (type >= GSZ_ARRAY_LEN(table) || table[type][0] == 0)
    return false;
  *block_values = table[type][0];
  *block_bytes = table[type][1];
  return true;
}

/* --- The record ------------------------------------------------------------------ */

gsz_err gsz__checkpoint_bad(gsz_diag *diag, gsz_err code, const char *label, uint64_t offset,
                            const char *fmt, ...) {
  char what[GSZ_DIAG_MESSAGE_MAX];
  va_list ap;
  va_start(ap, fmt);
  if (vsnprintf(what, sizeof what, fmt, ap) < 0)
    what[0] = '\0';
  va_end(ap);
  return gsz__diag_set(diag, code, "%s: byte %llu: %s", label, (unsigned long long)offset, what);
}

gsz_err gsz__checkpoint_new(gsz_checkpoint **out, gsz_checkpoint_kind kind, const char *path,
                            gsz_diag *diag) {
  gsz_checkpoint *ck = gsz__calloc(1, sizeof *ck);
  if (ck == NULL)
    return gsz__diag_nomem(diag);
  ck->path = gsz__strdup(path);
  if (ck->path == NULL) {
    gsz__free(ck);
    return gsz__diag_nomem(diag);
  }
  ck->info.kind = kind;
  ck->info.path = ck->path;
  *out = ck;
  return GSZ_OK;
}

void gsz_checkpoint_free(gsz_checkpoint *ck) {
  if (ck == NULL)
    return;
  gsz__free(ck->layer_bytes);
  gsz__free(ck->path);
  gsz__free(ck->quant_method);
  gsz__free(ck->arch_note);
  gsz__free(ck->gguf_name);
  gsz__free(ck->gguf_type);
  gsz_hf_model_free(ck->hf);
  gsz__free(ck);
}

const gsz_checkpoint_info *gsz_checkpoint_get(const gsz_checkpoint *ck) {
  return &ck->info;
}

gsz_err gsz__checkpoint_quant(gsz_checkpoint *ck, const char *method, uint32_t bits,
                              uint32_t group_size, gsz_diag *diag) {
  char *copy = gsz__strndup(method, strnlen(method, 64));
  if (copy == NULL)
    return gsz__diag_nomem(diag);
  gsz__free(ck->quant_method);
  ck->quant_method = copy;
  ck->info.quant_method = copy;
  ck->info.quant_bits = bits;
  ck->info.quant_group_size = group_size;
  return GSZ_OK;
}

gsz_err gsz__checkpoint_note(gsz_checkpoint *ck, const char *note, gsz_diag *diag) {
  char *copy = gsz__strndup(note, strnlen(note, 512));
  if (copy == NULL)
    return gsz__diag_nomem(diag);
  gsz__free(ck->arch_note);
  ck->arch_note = copy;
  ck->info.arch_note = copy;
  return GSZ_OK;
}

/* The layer index a tensor name gives ("model.layers.12.mlp...",
 * "blk.3.attn_q.weight", "transformer.h.7.attn..."), or -1. */
static long layer_of(const char *name) {
  static const char *const marks[] = {"layers.", "blk.", "h.", "blocks.", "block."};
  for (const char *p = name; *p; p++) {
    if (p != name && p[-1] != '.')
      continue;
    for (size_t m = 0; m < GSZ_ARRAY_LEN(marks); m++) {
      size_t n = strlen(marks[m]);
      if (strncmp(p, marks[m], n) != 0)
        continue;
      const char *d = p + n;
      long v = 0;
      size_t digits = 0;
      while (d[digits] >= '0' && d[digits] <= '9' && digits < 9)
        v = v * 10 + (d[digits++] - '0');
      if (digits > 0 && (d[digits] == '.' || d[digits] == '\0'))
        return v;
    }
  }
  return -1;
}

static bool is_embedding(const char *name) {
  static const char *const marks[] = {"embed_tokens", "token_embd", "wte.", "word_embeddings",
                                      "tok_embeddings"};
  for (size_t i = 0; i < GSZ_ARRAY_LEN(marks); i++)
    if (strstr(name, marks[i]) != NULL)
      return true;
  return false;
}

static bool is_head(const char *name) {
  return strstr(name, "lm_head") != NULL || strncmp(name, "output.", 7) == 0 ||
         strstr(name, "embed_out") != NULL;
}

gsz_err gsz__checkpoint_add(gsz_checkpoint *ck, const char *name, uint64_t bytes, uint64_t params,
                            const char *label, uint64_t offset, gsz_diag *diag) {
  gsz_checkpoint_info *in = &ck->info;
  if (in->tensors >= GSZ_CHECKPOINT_MAX_TENSORS)
    return gsz__checkpoint_bad(diag, GSZ_ELIMIT, label, offset, "more than %u tensors",
                               GSZ_CHECKPOINT_MAX_TENSORS);
  uint64_t *slot;
  long layer = layer_of(name);
  if (layer >= (long)GSZ_CHECKPOINT_MAX_LAYERS)
    return gsz__checkpoint_bad(diag, GSZ_ELIMIT, label, offset,
                               "tensor '%.64s' names layer %ld; at most %u layers", name, layer,
                               GSZ_CHECKPOINT_MAX_LAYERS);
  if (layer >= 0) {
    if ((uint32_t)layer >= ck->layer_cap) {
      uint32_t cap = ck->layer_cap ? ck->layer_cap : 64;
      while (cap <= (uint32_t)layer)
        cap *= 2;
      uint64_t *grown = gsz__realloc(ck->layer_bytes, (size_t)cap * sizeof *grown);
      if (grown == NULL)
        return gsz__diag_nomem(diag);
      memset(grown + ck->layer_cap, 0, (size_t)(cap - ck->layer_cap) * sizeof *grown);
      ck->layer_bytes = grown;
      ck->layer_cap = cap;
      in->layer_bytes = grown;
    }
    if ((uint32_t)layer >= in->n_layers)
      in->n_layers = (uint32_t)layer + 1;
    slot = &ck->layer_bytes[layer];
  } else if (is_embedding(name)) {
    slot = &in->embedding_bytes;
  } else if (is_head(name)) {
    slot = &in->lm_head_bytes;
  } else {
    slot = &in->other_bytes;
  }
  uint64_t total, count, held;
  if (gsz__add_u64(&total, in->bytes, bytes) || gsz__add_u64(&count, in->params, params) ||
      gsz__add_u64(&held, *slot, bytes))
    return gsz__checkpoint_bad(diag, GSZ_EOVERFLOW, label, offset,
                               "the tensors' sizes add up past 64 bits");
  in->bytes = total;
  in->params = count;
  *slot = held;
  in->tensors++;
  return GSZ_OK;
}

/* --- Bytes on one GPU of a layout ---------------------------------------------------- */

static uint64_t ceil_div(uint64_t a, uint64_t b) {
  return gsz__ceil_div_u64(a, b);
}

/* ceil(bytes x part / whole) without overflow (part <= whole). */
static uint64_t share(uint64_t bytes, uint64_t part, uint64_t whole) {
  if (whole == 0 || part >= whole)
    return bytes;
  unsigned __int128 v = (unsigned __int128)bytes * part + whole - 1;
  return (uint64_t)(v / whole);
}

uint64_t gsz__checkpoint_on_stage(calc *c, const gsz_checkpoint *ck, const gsz_model_ref *m,
                                  gsz_layout l, const gsz__stage *st) {
  const gsz_checkpoint_info *in = &ck->info;
  const gsz_arch *a = m->arch;
  if (a == NULL)
    return ceil_div(in->bytes, (uint64_t)l.tp * l.pp);
  const gsz_param_count *pc = &m->count;
  uint64_t bytes = 0;
  if (st->first)
    bytes = add(c, bytes, ceil_div(in->embedding_bytes, l.tp));
  if (st->last) {
    uint64_t head = in->lm_head_bytes ? in->lm_head_bytes : (l.pp > 1 ? in->embedding_bytes : 0);
    bytes = add(c, add(c, bytes, ceil_div(head, l.tp)), in->other_bytes);
    /* Layers past the architecture's (a multi-token-prediction layer) go
     * with the head. */
    for (uint32_t i = a->num_hidden_layers; i < in->n_layers; i++)
      bytes = add(c, bytes, in->layer_bytes[i]);
  }
  /* A layer's stored bytes split over TP as its parameters do. */
  uint64_t dense_all = pc->dense_layer.split + pc->dense_layer.kv + pc->dense_layer.replicated;
  uint64_t moe_all = pc->moe_layer.split + pc->moe_layer.kv + pc->moe_layer.replicated;
  uint64_t dense_rank = gsz__layer_on_rank(c, &pc->dense_layer, a, l.tp);
  uint64_t moe_rank = pc->n_moe_layers ? gsz__layer_on_rank(c, &pc->moe_layer, a, l.tp) : 0;
  for (uint32_t i = 0; i < st->n_layers; i++) {
    uint32_t layer = st->first_layer + i;
    if (layer >= in->n_layers)
      break;
    bool moe = pc->n_moe_layers && gsz_model_layer_moe(a, layer); /* Maverick interleaves */
    bytes =
        add(c, bytes,
            share(in->layer_bytes[layer], moe ? moe_rank : dense_rank, moe ? moe_all : dense_all));
  }
  return bytes;
}
