/* checkpoint_int.h: what the checkpoint readers (safetensors.c, gguf.c)
 * share with checkpoint.c, which owns the record they fill: adding tensors
 * by name, the architecture found beside or inside the files. Internal. */
#ifndef GSZ_CHECKPOINT_INT_H
#define GSZ_CHECKPOINT_INT_H

#include "gpusizer/checkpoint.h"
#include "gpusizer/model.h"
#include "util/common_int.h"

struct gsz_checkpoint {
  gsz_checkpoint_info info;
  uint64_t *layer_bytes; /* info.layer_bytes */
  uint32_t layer_cap;
  char *path, *quant_method, *arch_note; /* owned copies behind info's pointers */
  gsz_hf_model *hf;                      /* a config.json's architecture */
  gsz_arch gguf_arch;                    /* GGUF metadata's architecture */
  char *gguf_name, *gguf_type;
};

/* A new, empty checkpoint record for path (copied). */
gsz_err gsz__checkpoint_new(gsz_checkpoint **out, gsz_checkpoint_kind kind, const char *path,
                            gsz_diag *diag);

/* Count one tensor of `bytes` stored bytes and `params` values under its
 * name (its role: embedding, head, layer N or other). GSZ_ELIMIT past
 * GSZ_CHECKPOINT_MAX_TENSORS tensors or GSZ_CHECKPOINT_MAX_LAYERS layers,
 * GSZ_EOVERFLOW when a total passes 64 bits; label and offset name the
 * place in messages. */
gsz_err gsz__checkpoint_add(gsz_checkpoint *ck, const char *name, uint64_t bytes, uint64_t params,
                            const char *label, uint64_t offset, gsz_diag *diag);

/* Set the quantisation method (copied), bits and group size. */
gsz_err gsz__checkpoint_quant(gsz_checkpoint *ck, const char *method, uint32_t bits,
                              uint32_t group_size, gsz_diag *diag);

/* Say why there is no architecture (copied). */
gsz_err gsz__checkpoint_note(gsz_checkpoint *ck, const char *note, gsz_diag *diag);

/* "byte N" diagnostics of a reader: "LABEL: byte N: what". */
gsz_err gsz__checkpoint_bad(gsz_diag *diag, gsz_err code, const char *label, uint64_t offset,
                            const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#endif
