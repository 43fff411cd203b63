/* report.h: rendering of everything gpusizer prints: catalog listings,
 * memory breakdowns, quotes. The only writer of output formats.
 *
 * Renderers produce text in memory (*out, freed with gsz_free); the caller
 * decides where it goes. Output is the same under every locale: numbers
 * are formatted with integer arithmetic, never printf's %f on money or
 * sizes. Table and Markdown are for people (sizes in GB and GiB, labelled;
 * money grouped with its currency); CSV and JSON are for programs (exact
 * integers: bytes, minor units).
 *
 * Threads: renderers read their arguments and allocate their output;
 * any number may run at once. */
#ifndef GPUSIZER_REPORT_H
#define GPUSIZER_REPORT_H

#include "gpusizer/catalog.h"
#include "gpusizer/error.h"
#include "gpusizer/match.h"
#include "gpusizer/memory.h"
#include "gpusizer/output.h"
#include "gpusizer/pricing.h"
#include "gpusizer/request.h"

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum gsz_listing {
  GSZ_LIST_GPUS,
  GSZ_LIST_SERVERS,
  GSZ_LIST_MODELS,
  GSZ_LIST_FORMATS,
  GSZ_LIST_STOCK,
  GSZ_LIST_RUNTIMES,
  GSZ_LIST_NETWORK /* NICs, switches, cables and transceivers */
} gsz_listing;

/* "gpus", "servers", "models", "formats", "stock", "runtimes". */
gsz_err gsz_listing_parse(gsz_listing *out, const char *name, gsz_diag *diag);

/* Optional filters; NULL fields match everything. Case-insensitive. */
typedef struct gsz_listing_filter {
  const char *vendor;      /* gpus, servers, stock */
  const char *form_factor; /* gpus, servers */
} gsz_listing_filter;

/* Render a catalog listing. *out receives NUL-terminated text (and
 * *out_len its length when not NULL), owned by the caller. */
gsz_err gsz_report_listing(char **out, size_t *out_len, const gsz_catalog_data *data,
                           gsz_listing what, const gsz_listing_filter *filter,
                           gsz_output_format format, gsz_diag *diag);

/* `gpusizer catalog prices`: every GPU and server with its effective unit
 * price under the overlay (the empty overlay: catalog prices), where it
 * comes from, the conversion, the discounts that can apply, and whether it
 * is excluded. */
gsz_err gsz_report_prices(char **out, size_t *out_len, const gsz_catalog_data *data,
                          const gsz_overlay *overlay, gsz_output_format format, gsz_diag *diag);

/* One sentence with the numbers behind a reason, for gpu (the GPU that
 * lost) in the result's currency, naming request fields in words (NULL:
 * by field name): "needs 3 nodes of 8 x H100-SXM5-80GB in XE9680;
 * --max-nodes is 2". Returns buf. */
const char *gsz_reason_describe(char *buf, size_t size, const gsz_reason *reason,
                                const gsz_gpu *gpu, const gsz_match_result *result,
                                const gsz_field_words *words);

/* Render a memory breakdown: every component in bytes, GB and GiB, the
 * per-GPU need, the usable memory it needs (need / runtime utilisation),
 * the fit on req->gpu when given, and the estimate's notes. */
gsz_err gsz_report_size(char **out, size_t *out_len, const gsz_size_request *req,
                        const gsz_estimate *estimate, gsz_output_format format, gsz_diag *diag);

/* Render a quote: the chosen configuration in one sentence, its per-GPU
 * need against the GPU's budget, power, stock and priced line items; the
 * alternatives; every losing GPU with its reasons; the memory breakdown of
 * the chosen layout; and with options->explain, every candidate of that
 * GPU with its verdict. When nothing fits, says so and why for each GPU. */
gsz_err gsz_report_quote(char **out, size_t *out_len, const gsz_quote_request *req,
                         const gsz_match_result *result, gsz_output_format format, gsz_diag *diag);

/* --- Batch --------------------------------------------------------------- */

/* One row per request, in input order: id, status (ok|no_fit|error),
 * gpu_sku, server_sku, gpus_per_node, nodes, total_gpus, per_gpu_bytes,
 * usable_bytes, total_minor, currency, buildable_from_stock, error. CSV
 * (default) or JSON (an array of the same objects). */
gsz_err gsz_report_batch(char **out, size_t *out_len, const gsz_batch_result *rows, size_t n,
                         gsz_output_format format, gsz_diag *diag);

/* What a planner needs for a purchase order: rows ok / no_fit / error,
 * total cost by GPU SKU, and GPUs needed against available stock per SKU. */
gsz_err gsz_report_batch_summary(char **out, size_t *out_len, const gsz_batch_result *rows,
                                 size_t n, const gsz_catalog_data *data, unsigned minor_digits,
                                 gsz_diag *diag);

#ifdef __cplusplus
}
#endif
#endif
