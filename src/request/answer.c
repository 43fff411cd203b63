/* answer.c: gsz_size and gsz_quote: one request resolved, sized or
 * searched, and kept with everything the report of it borrows. */
#include "gpusizer/catalog.h"
#include "gpusizer/parse.h"
#include "request/request_int.h"
#include "util/common_int.h"

#include <stdio.h>
#include <string.h>

/* size on a GPU: the speed of the layout (perf.h), or the reason there is
 * none in a->perf_note. */
static void size_speed(gsz_size_answer *a, const gsz_catalog_data *data, const gsz_gpu *gpu,
                       gsz_layout l, uint64_t train_tokens) {
  const gsz_workload *w = &a->workload;
  gsz_diag diag;
  gsz_diag_clear(&diag);
  const gsz_efficiency *eff =
      gsz_catalog_find_efficiency(data, w->runtime->name, gpu->architecture);
  a->request.perf = &a->perf;
  a->request.perf_note = a->perf_note;
  a->request.train_tokens = train_tokens;
  a->perf.replicas = l.dp;
  a->perf.tp = l.tp;
  a->perf.pp = l.pp;
  if (w->mode != GSZ_MODE_INFERENCE) {
    if (train_tokens == 0) {
      a->request.perf = NULL;
      a->request.perf_note = NULL;
      return;
    }
    gsz_train_input in = {
        &a->model, gpu, (uint64_t)l.tp * l.pp * l.dp, train_tokens, a->estimate.recompute, eff};
    if (eff == NULL)
      snprintf(a->perf_note, sizeof a->perf_note,
               "no training estimate: runtime '%s' has no efficiency profile for %s",
               w->runtime->name, gpu->sku);
    else if (gsz_perf_training(&a->perf.train, &in, &diag) == GSZ_OK)
      a->perf.train_known = true;
    else
      snprintf(a->perf_note, sizeof a->perf_note, "no training estimate: %.900s", diag.message);
    return;
  }
  if (a->model.arch == NULL || w->method != GSZ_METHOD_FULL) {
    snprintf(a->perf_note, sizeof a->perf_note,
             "no speed estimate: it needs the model's architecture and the full method");
    return;
  }
  if (eff == NULL) {
    snprintf(a->perf_note, sizeof a->perf_note,
             "no speed estimate: runtime '%s' has no efficiency profile for %s", w->runtime->name,
             gpu->architecture ? gpu->architecture : gpu->sku);
    return;
  }
  if (!a->kv.fits || a->kv.tokens == 0) {
    snprintf(a->perf_note, sizeof a->perf_note,
             "no speed estimate: the KV cache has no room on %s at this layout", gpu->sku);
    return;
  }
  gsz_perf_input in = {
      .model = &a->model,
      .gpu = gpu,
      .weight_format = w->weight_format,
      .kv_format = w->kv_format,
      .support = gsz_catalog_format_support(data, gpu->architecture, w->weight_format->name,
                                            w->runtime->name, NULL),
      .layout = l,
      .input_tokens = w->input_tokens,
      .output_tokens = w->output_tokens,
      .concurrency = w->concurrency,
      .kv_capacity_tokens = a->kv.tokens,
      .efficiency = eff,
  };
  if (in.support == GSZ_SUPPORT_NONE)
    snprintf(a->perf_note, sizeof a->perf_note, "no speed estimate: %s does not run %s in %s",
             gpu->sku, w->weight_format->name, w->runtime->name);
  else if (gsz_perf_inference(&a->perf.est, &in, &diag) == GSZ_OK)
    a->perf.known = true;
  else
    snprintf(a->perf_note, sizeof a->perf_note, "no speed estimate: %.900s", diag.message);
}

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
  uint64_t train_tokens = 0;
  if (req->value[GSZ_FIELD_TRAIN_TOKENS] != NULL) {
    if (a->workload.mode == GSZ_MODE_INFERENCE) {
      err = gsz__diag_set(diag, GSZ_EINVAL,
                          "applies to training only (" GSZ_FIELD("mode") " train, lora or qlora)");
      gsz__diag_field(diag, gsz__field_name(GSZ_FIELD_TRAIN_TOKENS));
      goto fail;
    }
    if ((err = gsz_parse_count(&train_tokens, req->value[GSZ_FIELD_TRAIN_TOKENS], diag)) !=
        GSZ_OK) {
      gsz__diag_field(diag, gsz__field_name(GSZ_FIELD_TRAIN_TOKENS));
      goto fail;
    }
  }
  /* Inference replicas (dp) share the requests: each GPU holds the KV
   * cache of its replica's share. */
  gsz_workload sized = a->workload;
  if (sized.mode == GSZ_MODE_INFERENCE && r.layout.dp > 1)
    sized.concurrency = (sized.concurrency + r.layout.dp - 1) / r.layout.dp;
  if ((err = gsz_memory_estimate(&a->estimate, &a->model, &sized, r.layout, diag)) != GSZ_OK)
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
      if ((err = gsz_memory_kv_capacity(&a->kv, &a->model, &sized, r.layout, visible, diag)) !=
          GSZ_OK)
        goto fail;
      a->request.kv = &a->kv;
    }
  }
  if (gpu != NULL)
    size_speed(a, data, gpu, r.layout, train_tokens);
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
      if (res->best.layout.dp > 1) /* replicas share the requests */
        on_gpu.concurrency = (on_gpu.concurrency + res->best.layout.dp - 1) / res->best.layout.dp;
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
