/* fuzz_safetensors.c: fuzz target for the safetensors header reader
 * (gsz_safetensors_parse) and the estimate that takes its weights.
 * Input: a whole safetensors file (8-byte header length, JSON header,
 * data). Invariants: a refusal is a reader's code with a message naming
 * the file and the byte; an accepted file's parts add up to its bytes,
 * which fit in the file, and a one-GPU estimate's weights are those bytes. */
#include "fuzz_checkpoint.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  gsz_checkpoint *ck = NULL;
  gsz_diag diag;
  gsz_diag_clear(&diag);
  gsz_err err = gsz_safetensors_parse(&ck, data, size, "fuzz.safetensors", &diag);
  if (err != GSZ_OK) {
    FUZZ_CHECK(err == GSZ_EPARSE || err == GSZ_ELIMIT || err == GSZ_EOVERFLOW || err == GSZ_ENOMEM);
    FUZZ_CHECK(ck == NULL && diag.code == err);
    FUZZ_CHECK(err == GSZ_ENOMEM || strncmp(diag.message, "fuzz.safetensors: byte ", 23) == 0);
    return 0;
  }
  FUZZ_CHECK(gsz_checkpoint_get(ck)->kind == GSZ_CHECKPOINT_SAFETENSORS);
  FUZZ_CHECK(gsz_checkpoint_get(ck)->files == 1);
  fuzz_check_checkpoint(ck, size);
  gsz_checkpoint_free(ck);
  return 0;
}
