/* checkpoint.h: a model's weights as its files store them, read from the
 * headers alone: safetensors (one file, a sharded model's
 * model.safetensors.index.json, or a folder of shards) and GGUF.
 *
 * Only headers are read, never tensor data: a safetensors file is an
 * 8-byte little-endian header length and a JSON header naming every
 * tensor's dtype, shape and byte range; a GGUF file (v2, v3) is a magic,
 * a version, counts, metadata key-values and tensor infos (ggml type,
 * shape, offset). Each tensor's bytes are its dtype's size times its shape
 * (ggml: blocks x block bytes, from llama.cpp's type table), checked
 * against the byte range the header claims and the file's size. A
 * config.json beside safetensors files gives the architecture and its
 * quantization_config (how packed tensors count as parameters); GGUF
 * metadata gives both for the families model.h knows.
 *
 * These are parsers of hostile input: every size is bounded (a safetensors
 * header of at most 100 MiB as the format itself allows, a GGUF header of
 * at most 512 MiB, at most 1,000,000 tensors, shapes of at most 8
 * dimensions), every product and sum is checked, and anything malformed is
 * GSZ_EPARSE (GSZ_ELIMIT past a bound, GSZ_EOVERFLOW for a size past 64
 * bits) with a message naming the file and the byte offset:
 * "model.gguf: byte 24: tensor count 4294967296 exceeds 1000000".
 *
 * Threads: a loaded checkpoint is read-only and may be shared. */
#ifndef GPUSIZER_CHECKPOINT_H
#define GPUSIZER_CHECKPOINT_H

#include "gpusizer/error.h"
#include "gpusizer/records.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gsz_checkpoint gsz_checkpoint;

typedef enum gsz_checkpoint_kind {
  GSZ_CHECKPOINT_SAFETENSORS,
  GSZ_CHECKPOINT_GGUF
} gsz_checkpoint_kind;

/* Limits of the readers. */
#define GSZ_CHECKPOINT_MAX_TENSORS 1000000u
#define GSZ_CHECKPOINT_MAX_LAYERS 65536u
#define GSZ_SAFETENSORS_MAX_HEADER (100u << 20)
#define GSZ_SAFETENSORS_MAX_SHARDS 4096u
#define GSZ_GGUF_MAX_HEADER (512u << 20)

/* What a checkpoint holds, by the role a tensor's name gives it:
 * embeddings (embed_tokens, wte, token_embd), the LM head (lm_head,
 * output), layer i (layers.i., h.i., blk.i.), and the rest (final norm,
 * buffers, vision towers). */
typedef struct gsz_checkpoint_info {
  gsz_checkpoint_kind kind;
  const char *path; /* as given */
  uint32_t files;   /* files read */
  uint64_t tensors; /* tensors named */
  uint64_t bytes;   /* all tensor data: the weights as stored */
  uint64_t params;  /* values, packed quantised values unpacked; scales,
                       zero points and indices not counted */
  uint64_t embedding_bytes, lm_head_bytes, other_bytes;
  uint32_t n_layers;                     /* one past the largest layer index named */
  const uint64_t *layer_bytes;           /* n_layers entries */
  const char *quant_method;              /* quantization_config.quant_method, or the GGUF
                                            file type ("Q4_K_M"); NULL: none */
  uint32_t quant_bits, quant_group_size; /* 0: not stated */
  const gsz_arch *arch;                  /* from config.json or GGUF metadata; NULL: none */
  const char *arch_note;                 /* why there is none (static or owned); NULL */
} gsz_checkpoint_info;

/* Read a safetensors checkpoint: path is a .safetensors file, a
 * *.safetensors.index.json (its weight_map's shards, in the same folder),
 * or a folder (its index when there is one, else every *.safetensors in
 * it). config.json in the same folder, when present, gives the
 * architecture (an unknown model_type leaves arch NULL with a note) and
 * quantization_config. Errors: GSZ_ENOTFOUND (no such file, no shards),
 * GSZ_EPARSE / GSZ_ELIMIT / GSZ_EOVERFLOW (malformed: file and byte
 * named), GSZ_EIO. The result belongs to the caller
 * (gsz_checkpoint_free). */
gsz_err gsz_checkpoint_load_safetensors(gsz_checkpoint **out, const char *path, gsz_diag *diag);

/* Read a GGUF file's header (v2 or v3, little-endian). The architecture
 * comes from its metadata for llama, qwen2, qwen3, gemma2 and phi3 (and
 * llama with experts as mixtral). Errors as above. */
gsz_err gsz_checkpoint_load_gguf(gsz_checkpoint **out, const char *path, gsz_diag *diag);

/* The same from a whole file in memory (tests, fuzzing): size is the file's
 * size; label names it in messages. No config.json is read. */
gsz_err gsz_safetensors_parse(gsz_checkpoint **out, const void *data, size_t size,
                              const char *label, gsz_diag *diag);
gsz_err gsz_gguf_parse(gsz_checkpoint **out, const void *data, size_t size, const char *label,
                       gsz_diag *diag);

/* Borrowed; valid while the checkpoint lives. */
const gsz_checkpoint_info *gsz_checkpoint_get(const gsz_checkpoint *checkpoint);
void gsz_checkpoint_free(gsz_checkpoint *checkpoint);

/* Bytes per element of a safetensors dtype ("BF16": 16 bits) in bits;
 * 0 for an unknown name. */
unsigned gsz_safetensors_dtype_bits(const char *dtype);

/* A ggml type's block: values per block and bytes per block (llama.cpp
 * ggml type traits); false for an unknown or removed type id. */
bool gsz_ggml_type_block(uint32_t type, uint32_t *block_values, uint32_t *block_bytes);

#ifdef __cplusplus
}
#endif
#endif
