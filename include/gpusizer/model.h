/* model.h: exact parameter counts and KV-cache sizes from a model's
 * architecture, and reading a Hugging Face config.json.
 *
 * Counts are exact to the parameter for the supported families (llama,
 * mistral, qwen2, qwen3, qwen3_moe, phi3, gemma2, gemma3, mixtral,
 * deepseek_v3, llama4, gpt_oss): embeddings, every projection, biases,
 * norms, attention sinks, routers and their biases, experts and their
 * biases, and the LM head unless tied. The count is also broken down by how
 * tensor parallelism splits it, so the memory estimator can size one GPU of
 * a layout exactly.
 *
 * What is not counted, on purpose (docs/models.md gives each figure):
 *  - DeepSeek-V3/R1's multi-token-prediction module (an extra layer used
 *    only for speculative decoding); the main model is 671B;
 *  - the vision encoder and projector of multimodal checkpoints (Llama 4,
 *    Gemma 3 4B and larger): the language model is counted, as for a
 *    text-only deployment.
 *
 * Threads: counting is a pure function; a gsz_hf_model is read-only once
 * loaded and may be shared. */
#ifndef GPUSIZER_MODEL_H
#define GPUSIZER_MODEL_H

#include "gpusizer/error.h"
#include "gpusizer/records.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The parameters of one transformer layer, by how tensor parallelism
 * (TP) places them. split + kv + replicated = the layer's parameters. */
typedef struct gsz_layer_params {
  uint64_t split;      /* divided across the TP ranks (q, o, MLP, experts) */
  uint64_t kv;         /* K and V projections and biases: divided across
                          min(TP, kv heads) ranks, replicated beyond */
  uint64_t replicated; /* on every rank: norms, routers, MLA down-projections */
  uint64_t linear;     /* of these, the weights of linear layers (what
                          bitsandbytes quantises for QLoRA) */
  uint64_t inactive;   /* routed-expert parameters a token does not use */
} gsz_layer_params;

typedef struct gsz_param_count {
  uint64_t total;                          /* every parameter */
  uint64_t active;                         /* used per token: total less unused routed experts */
  uint64_t embedding, lm_head, final_norm; /* lm_head 0 when tied */
  uint32_t n_dense_layers, n_moe_layers;   /* which is which: gsz_model_layer_moe() */
  gsz_layer_params dense_layer, moe_layer;
} gsz_param_count;

/* The families the counting rules know, for messages: "llama, mistral, ..." */
const char *gsz_model_known_types(void);
bool gsz_model_type_known(const char *model_type);

/* Count the parameters of arch. GSZ_EINVAL (naming the field) when the
 * architecture is inconsistent (kv heads not dividing heads, missing MLA
 * fields, unknown model_type); GSZ_EOVERFLOW when a count would overflow. */
gsz_err gsz_model_count(gsz_param_count *out, const gsz_arch *arch, gsz_diag *diag);

/* head_dim, or hidden_size / num_attention_heads when not set. */
uint32_t gsz_model_head_dim(const gsz_arch *arch);
/* num_key_value_heads, or num_attention_heads when not set (MHA). */
uint32_t gsz_model_kv_heads(const gsz_arch *arch);
/* Whether layer i (0-based) attends through the sliding window (Llama 4:
 * the attention chunk, which bounds what a layer caches the same way). */
bool gsz_model_layer_windowed(const gsz_arch *arch, uint32_t layer);
/* Whether layer i (0-based) is a mixture-of-experts layer: from
 * first_k_dense_replace on, every moe_layer_step-th (so dense layers need
 * not come first: Llama 4 Maverick alternates them). False for a family
 * without experts and for a layer past the last. */
bool gsz_model_layer_moe(const gsz_arch *arch, uint32_t layer);
/* How many layers of [first, end) are MoE layers, counted not scanned. */
uint32_t gsz_model_moe_layers_in(const gsz_arch *arch, uint32_t first, uint32_t end);

/* Values cached per token for one layer on one GPU at TP degree tp:
 * 2 x kv_heads x head_dim with KV heads split across TP (one head per rank
 * when TP exceeds them, i.e. replicated), or for MLA the compressed latent
 * plus the RoPE key (kv_lora_rank + qk_rope_head_dim, not split). */
uint64_t gsz_model_kv_values_per_layer(const gsz_arch *arch, uint32_t tp);

/* Bytes of KV cache per token for all layers on one GPU at TP degree tp,
 * in kv_format: the figure people quote (Llama-3-8B bf16: 131072). */
gsz_err gsz_model_kv_bytes_per_token(uint64_t *out, const gsz_arch *arch, uint32_t tp,
                                     const gsz_format *kv_format, gsz_diag *diag);

/* Bytes of values stored in format: ceil(values * block_bytes / block_elems). */
gsz_err gsz_format_bytes(uint64_t *out, uint64_t values, const gsz_format *format, gsz_diag *diag);

/* LoRA adapter targets (PEFT module names). */
enum {
  GSZ_LORA_Q = 1u << 0,
  GSZ_LORA_K = 1u << 1,
  GSZ_LORA_V = 1u << 2,
  GSZ_LORA_O = 1u << 3,
  GSZ_LORA_GATE = 1u << 4,
  GSZ_LORA_UP = 1u << 5,
  GSZ_LORA_DOWN = 1u << 6,
  GSZ_LORA_ALL = 0x7f
};

/* "q,k,v,o,gate,up,down", "attn", "mlp" or "all" into a mask. */
gsz_err gsz_lora_targets_parse(uint32_t *out, const char *text, gsz_diag *diag);

/* Trainable LoRA parameters: rank x (in + out) for every targeted linear
 * layer (each expert's MLP counts). MLA: q targets q_a/q_b (or q_proj),
 * k or v target kv_a/kv_b. */
gsz_err gsz_model_lora_params(uint64_t *out, const gsz_arch *arch, uint32_t targets, uint32_t rank,
                              gsz_diag *diag);

/* --- Hugging Face config.json ------------------------------------------ */

typedef struct gsz_hf_model gsz_hf_model;

/* Read a config.json (file path, at most 16 MiB) into an architecture:
 * model_type chooses the family rules and which field names to read. The
 * multimodal wrappers (model_type llama4, gemma3) may nest the language
 * model's keys in "text_config"; llama4_text and gemma3_text are read flat.
 * Errors name the file and the key ("config.json: 'hidden_size' must be a
 * positive integer"); an unknown model_type lists the known ones.
 * GSZ_ENOTFOUND (no file), GSZ_EPARSE (not JSON: with line and column),
 * GSZ_EINVAL (missing or wrong-typed keys), GSZ_EUNSUPPORTED (model_type). */
gsz_err gsz_hf_config_load(gsz_hf_model **out, const char *path, gsz_diag *diag);
/* The same from text in memory; label names it in messages. */
gsz_err gsz_hf_config_parse(gsz_hf_model **out, const char *text, size_t len, const char *label,
                            gsz_diag *diag);
const gsz_arch *gsz_hf_model_arch(const gsz_hf_model *model);
void gsz_hf_model_free(gsz_hf_model *model);

#ifdef __cplusplus
}
#endif
#endif
