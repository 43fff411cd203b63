/* sizing_only.c: a program that only sizes a model, against records built
 * by hand, linked with the static library but without SQLite (see
 * tests/CMakeLists.txt): sizing must not need the catalog's database.
 * Prints Llama-3-8B's parameter count and its bf16 weights on one GPU,
 * and exits 1 if they are not the reference values. */
#include "gpusizer/memory.h"
#include "gpusizer/model.h"

#include <inttypes.h>
#include <stdio.h>

int main(void) {
  /* Llama-3-8B, meta-llama/Meta-Llama-3.1-8B-Instruct config.json. */
  gsz_arch arch = {.name = "Llama-3-8B",
                   .model_type = "llama",
                   .hidden_size = 4096,
                   .intermediate_size = 14336,
                   .num_hidden_layers = 32,
                   .num_attention_heads = 32,
                   .num_key_value_heads = 8,
                   .vocab_size = 128256};
  gsz_format bf16 = {.name = "bf16",
                     .block_elems = 1,
                     .block_bytes = 2,
                     .trainable = true,
                     .description = "bfloat16",
                     .source = "IEEE"};
  gsz_runtime runtime = {
      .name = "hand", .engine = "none", .engine_version = "0", .mem_util_bp = GSZ_BP_SCALE};
  gsz_diag diag;
  gsz_model_ref model;
  if (gsz_model_ref_from_arch(&model, &arch, &diag) != GSZ_OK) {
    fprintf(stderr, "sizing_only: %s\n", diag.message);
    return 1;
  }
  gsz_workload w = {.method = GSZ_METHOD_FULL,
                    .mode = GSZ_MODE_INFERENCE,
                    .weight_format = &bf16,
                    .kv_format = &bf16,
                    .compute_format = &bf16,
                    .context = 4096,
                    .concurrency = 1,
                    .micro_batch = 1,
                    .flash_attention = true,
                    .runtime = &runtime};
  gsz_estimate e;
  if (gsz_memory_estimate(&e, &model, &w, (gsz_layout){1, 1, 1}, &diag) != GSZ_OK) {
    fprintf(stderr, "sizing_only: %s\n", diag.message);
    return 1;
  }
  printf("params %" PRIu64 "\nweights %" PRIu64 "\n", model.count.total,
         e.component[GSZ_COMP_WEIGHTS]);
  return model.count.total == 8030261248u && e.component[GSZ_COMP_WEIGHTS] == 16060522496u ? 0 : 1;
}
