/* fuzz_gguf.c: fuzz target for the GGUF header reader (gsz_gguf_parse),
 * the architecture it finds in the metadata, and the estimate that takes
 * its weights. Input: a whole GGUF file. Invariants: a refusal is a
 * reader's code with a message naming the file and the byte; an accepted
 * file has an architecture or says why not, and passes
 * fuzz_check_checkpoint (fuzz_checkpoint.h). */
#include "fuzz_checkpoint.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  gsz_checkpoint *ck = NULL;
  gsz_diag diag;
  gsz_diag_clear(&diag);
  gsz_err err = gsz_gguf_parse(&ck, data, size, "fuzz.gguf", &diag);
  if (err != GSZ_OK) {
    FUZZ_CHECK(err == GSZ_EPARSE || err == GSZ_ELIMIT || err == GSZ_EOVERFLOW ||
               err == GSZ_EUNSUPPORTED || err == GSZ_ENOMEM);
    FUZZ_CHECK(ck == NULL && diag.code == err);
    FUZZ_CHECK(err == GSZ_ENOMEM || strncmp(diag.message, "fuzz.gguf: byte ", 16) == 0);
    return 0;
  }
  const gsz_checkpoint_info *in = gsz_checkpoint_get(ck);
  FUZZ_CHECK(in->kind == GSZ_CHECKPOINT_GGUF && in->files == 1);
  FUZZ_CHECK(in->arch != NULL || in->arch_note != NULL);
  fuzz_check_checkpoint(ck, size);
  gsz_checkpoint_free(ck);
  return 0;
}
