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
  const gsz_gpu *gpu = NULL;
  if (req->value[GSZ_FIELD_GPU] != NULL &&
      (err = gsz__request_gpu(&gpu, data, req->value[GSZ_FIELD_GPU], diag)) != GSZ_OK)
    goto fail;
  if ((err = gsz_memory_estimate(&a->estimate, &a->model, &a->workload, r.layout, diag)) != GSZ_OK)
    goto fail;
  a->request =
      (gsz_size_request){&a->model, r.model_source, r.hf_config, &a->workload, r.layout, gpu, NULL};
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
  gsz_pricer pricer;
  gsz_overlay_pricer(&pricer, overlay);
  if ((err = gsz__request_match_options(&a->options, req, &r, data, &pricer, diag)) != GSZ_OK ||
      (err = gsz_match_run(&a->result, data, &a->model, &a->workload, &a->options, &pricer,
                           diag)) != GSZ_OK)
    goto fail;
  a->request = (gsz_quote_request){
      {&a->model, r.model_source, r.hf_config, &a->workload, r.layout, NULL, NULL},
      &a->options,
      overlay};
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
  gsz__free(a);
}
