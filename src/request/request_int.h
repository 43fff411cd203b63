/* request_int.h: a request resolved into the structs the lower stages
 * take, shared by gsz_size, gsz_quote and the batch loop. Internal. */
#ifndef GSZ_REQUEST_INT_H
#define GSZ_REQUEST_INT_H

#include "gpusizer/request.h"

typedef struct gsz__resolved {
  gsz_model_ref model;
  gsz_hf_model *hf;           /* owned when the model came from hf_config */
  const char *model_source;   /* "catalog", "hf-config", "params" */
  const char *hf_config;      /* its path */
  gsz_checkpoint *checkpoint; /* owned when safetensors or gguf was given */
  const char *checkpoint_path;
  gsz_workload workload;
  gsz_layout layout;
  bool layout_given; /* tp, pp or dp was given */
  bool zero_given;
} gsz__resolved;

/* The model, workload and layout of req (defaults of its mode, formats
 * that follow from others, a checked workload). Errors name their field;
 * on failure nothing is left to free. */
gsz_err gsz__request_resolve(gsz__resolved *out, const gsz_request *req,
                             const gsz_catalog_data *data, gsz_diag *diag);
void gsz__resolved_free(gsz__resolved *r);

/* The quote constraints of req as match options (budget in the pricer's
 * currency; training tp and ZeRO as given). */
gsz_err gsz__request_match_options(gsz_match_options *o, const gsz_request *req,
                                   const gsz__resolved *r, const gsz_catalog_data *data,
                                   const gsz_pricer *pricer, gsz_diag *diag);

/* The GPU the gpu field names, with a suggestion when misspelt. */
gsz_err gsz__request_gpu(const gsz_gpu **out, const gsz_catalog_data *data, const char *name,
                         gsz_diag *diag);

/* A switch word: true/yes/on/1 or false/no/off/0 into *on; false when it
 * is neither. */
bool gsz__switch_word(const char *v, bool *on);

/* The name of a field ("max_nodes"); static. */
const char *gsz__field_name(gsz_field f);

#endif
