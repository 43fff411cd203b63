/* report_int.h: pieces shared by the size and quote renderers: the request
 * echo and the memory breakdown, as JSON and as text. Internal to the
 * report module. */
#ifndef GSZ_REPORT_INT_H
#define GSZ_REPORT_INT_H

#include "gpusizer/report.h"
#include "util/buf_int.h"
#include "util/json_out_int.h"

#include <jansson.h>

/* The request and the model as JSON objects (new references); a lost
 * allocation marks jb failed. */
json_t *gsz__json_request(gsz__jb *jb, const gsz_size_request *req);
json_t *gsz__json_model(gsz__jb *jb, const gsz_size_request *req, const gsz_estimate *e);
/* The memory object: the estimate, what lies outside the budget, and on a
 * known GPU (req->fit, req->kv) the KV pool; notes in req->words. */
json_t *gsz__json_memory(gsz__jb *jb, const gsz_estimate *e, const gsz_size_request *req);
/* The lines about a GPU the request knows (req->fit, req->kv): the budget
 * it leaves and, for inference, the KV pool in vLLM's words. bullet starts
 * each line; nothing when neither is known. */
void gsz__text_gpu(gsz__buf *b, const gsz_size_request *req, const gsz_estimate *e,
                   const char *gpu_sku, const char *bullet);

/* GSZ_EOVERFLOW, naming the value and fmt, when a count or byte size the
 * size and quote outputs carry (components, totals, parameter counts) is
 * above INT64_MAX: no format writes it, so that every format agrees. */
gsz_err gsz__check_estimate(const gsz_size_request *req, const gsz_estimate *e,
                            gsz_output_format fmt, gsz_diag *diag);

/* The smallest usable memory a GPU needs: ceil(need x 10000 / util_bp). */
uint64_t gsz__min_usable(uint64_t need, uint32_t mem_util_bp);

/* One line describing the workload: "inference, bf16 weights, ..." */
void gsz__text_workload(gsz__buf *b, const gsz_size_request *req);
/* The performance line of a configuration (without bullet or newline):
 * inference speed, TTFT, replicas and the bound, or training days. */
void gsz__text_performance(gsz__buf *b, const gsz_candidate_perf *p, const gsz_workload *w,
                           uint64_t train_tokens);
/* The "performance" object of JSON output; null when nothing was estimated. */
json_t *gsz__json_performance(gsz__jb *jb, const gsz_candidate_perf *p);
/* The component table with GB and GiB columns. */
void gsz__text_breakdown(gsz__buf *b, const gsz_estimate *e, gsz_output_format fmt);

#endif
