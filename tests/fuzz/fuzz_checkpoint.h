/* fuzz_checkpoint.h: what the checkpoint fuzz targets (fuzz_safetensors.c,
 * fuzz_gguf.c) check of every file their reader accepts: its parts add up
 * to its bytes, which fit in the file, within the readers' limits, and a
 * one-GPU estimate's weights are exactly those bytes. */
#ifndef GSZ_FUZZ_CHECKPOINT_H
#define GSZ_FUZZ_CHECKPOINT_H

#include "fuzz.h"

#include "gpusizer/catalog.h"
#include "gpusizer/checkpoint.h"
#include "gpusizer/memory.h"

static const gsz_catalog_data *builtin(void) {
  static gsz_catalog *catalog; /* kept for the whole run */
  if (catalog == NULL) {
    gsz_diag diag;
    if (gsz_catalog_open(&catalog, NULL, &diag) != GSZ_OK) {
      fprintf(stderr, "fuzz: built-in catalog: %s\n", diag.message);
      abort();
    }
  }
  return gsz_catalog_get(catalog);
}

/* The checks every accepted checkpoint passes. */
static void fuzz_check_checkpoint(const gsz_checkpoint *ck, size_t size) {
  const gsz_checkpoint_info *in = gsz_checkpoint_get(ck);
  unsigned __int128 parts =
      (unsigned __int128)in->embedding_bytes + in->lm_head_bytes + in->other_bytes;
  for (uint32_t i = 0; i < in->n_layers; i++)
    parts += in->layer_bytes[i];
  FUZZ_CHECK(parts == in->bytes);
  FUZZ_CHECK(in->bytes <= size); /* the data is inside the file */
  FUZZ_CHECK(in->tensors <= GSZ_CHECKPOINT_MAX_TENSORS);
  FUZZ_CHECK(in->n_layers <= GSZ_CHECKPOINT_MAX_LAYERS);
  const gsz_catalog_data *d = builtin();
  gsz_model_ref m;
  if (in->arch != NULL) {
    FUZZ_CHECK(gsz_model_ref_from_arch(&m, in->arch, NULL) == GSZ_OK);
  } else {
    if (in->params == 0)
      return;
    gsz_model_ref_from_params(&m, in->params, "fuzz");
  }
  gsz_workload w;
  if (gsz_workload_defaults(&w, d, GSZ_MODE_INFERENCE, NULL) != GSZ_OK)
    abort();
  w.checkpoint = ck;
  w.context = 16;
  gsz_estimate e;
  gsz_err err = gsz_memory_estimate(&e, &m, &w, (gsz_layout){1, 1, 1}, NULL);
  FUZZ_CHECK(err == GSZ_OK || err == GSZ_EOVERFLOW);
  if (err == GSZ_OK)
    FUZZ_CHECK(e.component[GSZ_COMP_WEIGHTS] == in->bytes);
  /* Split over two pipeline stages, the stages hold every byte between them. */
  if (in->arch != NULL && in->arch->num_hidden_layers >= 2) {
    err = gsz_memory_estimate(&e, &m, &w, (gsz_layout){1, 2, 1}, NULL);
    FUZZ_CHECK(err == GSZ_OK || err == GSZ_EOVERFLOW);
  }
}

#endif
