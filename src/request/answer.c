/* answer.c: gsz_size and gsz_quote: one request resolved, sized or
 * searched, and kept with everything the report of it borrows. */
#include "gpusizer/catalog.h"
#include "request/request_int.h"
#include "util/common_int.h"

#include <string.h>

gsz_err gsz_size(gsz_size_answer **out, const gsz_catalog_data *data, const gsz_request *req,
                 gsz_diag *diag) {
  if (req->n_list[GSZ_FIELD_GPU] > 1) {
    gsz__diag_set(diag, GSZ_EINVAL, "size shows the fit on one GPU; give it once");
    return gsz__diag_field(diag, gsz__field_name(GSZ_FIELD_GPU));
  }
  gsz_size_answer *a = gsz__calloc(1, sizeof *a);
  if (a == NULL)
    return gsz__diag_nomem(diag);
  gsz__resolved r;
  gsz_err err = gsz__request_resolve(&r, req, data, diag);
  if (err != GSZ_OK) {
    gsz__free(a);
    return err;
  }
  a->model = r.model;
  a->workload = r.workload;
  a->hf = r.hf;
  a->checkpoint = r.checkpoint;
  const gsz_gpu *gpu = NULL;
  if (req->value[GSZ_FIELD_GPU] != NULL &&
      (err = gsz__request_gpu(&gpu, data, req->value[GSZ_FIELD_GPU], diag)) != GSZ_OK)
    goto fail;
  /* On a named GPU the runtime's defaults that depend on its memory
   * (vLLM's max_num_seqs) follow it. */
  uint64_t visible = gpu != NULL ? gsz_memory_visible_bytes(data, gpu) : 0;
  a->workload.gpu_visible_bytes = visible;
  if ((err = gsz_memory_estimate(&a->estimate, &a->model, &a->workload, r.layout, diag)) != GSZ_OK)
    goto fail;
  a->request = (gsz_size_request){.model = &a->model,
                                  .model_source = r.model_source,
                                  .hf_config = r.hf_config,
                                  .workload = &a->workload,
                                  .layout = r.layout,
                                  .gpu = gpu,
                                  .checkpoint_path = r.checkpoint_path};
  if (gpu != NULL && a->workload.method == GSZ_METHOD_FULL) {
    gsz_memory_fits(&a->fit, &a->estimate, visible);
    a->request.fit = &a->fit;
    if (a->model.arch != NULL && a->workload.mode == GSZ_MODE_INFERENCE) {
      if ((err = gsz_memory_kv_capacity(&a->kv, &a->model, &a->workload, r.layout, visible,
                                        diag)) != GSZ_OK)
        goto fail;
      a->request.kv = &a->kv;
    }
  }
  *out = a;
  return GSZ_OK;

fail:
  gsz_size_answer_free(a);
  return err;
}

void gsz_size_answer_free(gsz_size_answer *a) {
  if (a == NULL)
    return;
  gsz_hf_model_free(a->hf);
  gsz_checkpoint_free(a->checkpoint);
  gsz__free(a);
}

gsz_err gsz_quote(gsz_quote_answer **out, const gsz_catalog_data *data, const gsz_overlay *overlay,
                  const gsz_request *req, gsz_diag *diag) {
  gsz_quote_answer *a = gsz__calloc(1, sizeof *a);
  if (a == NULL)
    return gsz__diag_nomem(diag);
  gsz__resolved r;
  gsz_err err = gsz__request_resolve(&r, req, data, diag);
  if (err != GSZ_OK) {
    gsz__free(a);
    return err;
  }
  a->model = r.model;
  a->workload = r.workload;
  a->hf = r.hf;
  a->checkpoint = r.checkpoint;
  gsz_pricer pricer;
  gsz_overlay_pricer(&pricer, overlay);
  if ((err = gsz__request_match_options(&a->options, req, &r, data, &pricer, diag)) != GSZ_OK ||
      (err = gsz_match_run(&a->result, data, &a->model, &a->workload, &a->options, &pricer,
                           diag)) != GSZ_OK)
    goto fail;
  a->request = (gsz_quote_request){{.model = &a->model,
                                    .model_source = r.model_source,
                                    .hf_config = r.hf_config,
                                    .workload = &a->workload,
                                    .layout = r.layout,
                                    .checkpoint_path = r.checkpoint_path},
                                   &a->options,
                                   overlay};
  /* The recommended configuration's GPU: what its runtime sees and, for
   * inference, its KV pool. */
  const gsz_match_result *res = a->result;
  if (res->found && a->workload.method == GSZ_METHOD_FULL) {
    uint64_t visible = gsz_memory_visible_bytes(data, res->best.gpu);
    gsz_memory_fits(&a->fit, &res->best_estimate, visible);
    a->request.size.fit = &a->fit;
    if (a->model.arch != NULL && a->workload.mode == GSZ_MODE_INFERENCE) {
      gsz_workload on_gpu = a->workload;
      if ((err = gsz_memory_kv_capacity(&a->kv, &a->model, &on_gpu, res->best.layout, visible,
                                        diag)) != GSZ_OK)
        goto fail;
      a->request.size.kv = &a->kv;
    }
  }
  *out = a;
  return GSZ_OK;

fail:
  gsz_quote_answer_free(a);
  return err;
}

void gsz_quote_answer_free(gsz_quote_answer *a) {
  if (a == NULL)
    return;
  gsz_match_result_free(a->result);
  gsz_hf_model_free(a->hf);
  gsz_checkpoint_free(a->checkpoint);
  gsz__free(a);
}
