/* request.h: one request, one answer: what every front end calls.
 *
 * A request is what a person asked for, as text: the model (a catalog
 * name, a Hugging Face config.json or a bare parameter count, and the
 * weights of a safetensors or GGUF checkpoint when given), the
 * workload, the constraints of a quote and the pricing overlays, each
 * under its field name ("precision", "max_nodes", "gpu"). The library owns
 * the policy that turns it into sizing and search: the defaults of each
 * mode, which format follows from which (fp32 weights mean the fp32
 * recipe; 16-bit weights keep their KV cache in the same format), and which
 * fields a quote decides itself. The command line (flags), a batch file
 * (columns) and any later front end only fill a request, make one call,
 * and print the answer with report.h.
 *
 * Errors name fields, never flags: diag->field is the field a failure is
 * about and messages refer to other fields by reference (error.h); each
 * front end renders them in its own words with gsz_diag_render.
 *
 * Threads: a request, an answer and a batch run belong to the caller; a
 * loaded catalog and overlay may be shared by any number of threads
 * running gsz_size, gsz_quote or gsz_batch_run at once. */
#ifndef GPUSIZER_REQUEST_H
#define GPUSIZER_REQUEST_H

#include "gpusizer/batch.h"
#include "gpusizer/checkpoint.h"
#include "gpusizer/error.h"
#include "gpusizer/match.h"
#include "gpusizer/memory.h"
#include "gpusizer/model.h"
#include "gpusizer/pricing.h"
#include "gpusizer/records.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* --- Fields ----------------------------------------------------------------- */

/* Where a field may appear. */
enum {
  GSZ_SCOPE_SIZE = 1u << 0,  /* sizing a model (gsz_size) */
  GSZ_SCOPE_QUOTE = 1u << 1, /* quoting (gsz_quote) */
  GSZ_SCOPE_BATCH = 1u << 2  /* a column of a batch file (each row is a quote) */
};
/* What kind of value it takes. */
enum {
  GSZ_FIELD_REPEATABLE = 1u << 0, /* several values: a list */
  GSZ_FIELD_SWITCH = 1u << 1      /* no value: given or not ("true"/"false" in a batch) */
};

/* Every field, in the order front ends list them: id, name, placeholder
 * of its value, scope, kind. */
#define GSZ_FIELD_MAP(XX)                                                                          \
  XX(MODEL, "model", "NAME", GSZ_SCOPE_SIZE | GSZ_SCOPE_QUOTE | GSZ_SCOPE_BATCH, 0)                \
  XX(PARAMS, "params", "N", GSZ_SCOPE_SIZE | GSZ_SCOPE_QUOTE | GSZ_SCOPE_BATCH, 0)                 \
  XX(HF_CONFIG, "hf_config", "FILE", GSZ_SCOPE_SIZE | GSZ_SCOPE_QUOTE | GSZ_SCOPE_BATCH, 0)        \
  XX(SAFETENSORS, "safetensors", "PATH", GSZ_SCOPE_SIZE | GSZ_SCOPE_QUOTE | GSZ_SCOPE_BATCH, 0)    \
  XX(GGUF, "gguf", "FILE", GSZ_SCOPE_SIZE | GSZ_SCOPE_QUOTE | GSZ_SCOPE_BATCH, 0)                  \
  XX(MODE, "mode", "MODE", GSZ_SCOPE_SIZE | GSZ_SCOPE_QUOTE | GSZ_SCOPE_BATCH, 0)                  \
  XX(METHOD, "method", "M", GSZ_SCOPE_SIZE | GSZ_SCOPE_QUOTE | GSZ_SCOPE_BATCH, 0)                 \
  XX(PRECISION, "precision", "FMT", GSZ_SCOPE_SIZE | GSZ_SCOPE_QUOTE | GSZ_SCOPE_BATCH, 0)         \
  XX(KV_PRECISION, "kv_precision", "FMT", GSZ_SCOPE_SIZE | GSZ_SCOPE_QUOTE | GSZ_SCOPE_BATCH, 0)   \
  XX(CONTEXT, "context", "N", GSZ_SCOPE_SIZE | GSZ_SCOPE_QUOTE | GSZ_SCOPE_BATCH, 0)               \
  XX(CONCURRENCY, "concurrency", "N", GSZ_SCOPE_SIZE | GSZ_SCOPE_QUOTE | GSZ_SCOPE_BATCH, 0)       \
  XX(INPUT_TOKENS, "input_tokens", "N", GSZ_SCOPE_SIZE | GSZ_SCOPE_QUOTE | GSZ_SCOPE_BATCH, 0)     \
  XX(OUTPUT_TOKENS, "output_tokens", "N", GSZ_SCOPE_SIZE | GSZ_SCOPE_QUOTE | GSZ_SCOPE_BATCH, 0)   \
  XX(BATCH, "batch", "N", GSZ_SCOPE_SIZE | GSZ_SCOPE_QUOTE | GSZ_SCOPE_BATCH, 0)                   \
  XX(OPTIMIZER, "optimizer", "OPT", GSZ_SCOPE_SIZE | GSZ_SCOPE_QUOTE | GSZ_SCOPE_BATCH, 0)         \
  XX(RECIPE, "recipe", "R", GSZ_SCOPE_SIZE | GSZ_SCOPE_QUOTE | GSZ_SCOPE_BATCH, 0)                 \
  XX(ZERO, "zero", "0-3", GSZ_SCOPE_SIZE | GSZ_SCOPE_QUOTE | GSZ_SCOPE_BATCH, 0)                   \
  XX(RECOMPUTE, "recompute", "R", GSZ_SCOPE_SIZE | GSZ_SCOPE_QUOTE | GSZ_SCOPE_BATCH, 0)           \
  XX(FLASH_ATTENTION, "flash_attention", "on|off",                                                 \
     GSZ_SCOPE_SIZE | GSZ_SCOPE_QUOTE | GSZ_SCOPE_BATCH, 0)                                        \
  XX(SEQUENCE_PARALLEL, "sequence_parallel", "on|off",                                             \
     GSZ_SCOPE_SIZE | GSZ_SCOPE_QUOTE | GSZ_SCOPE_BATCH, 0)                                        \
  XX(LORA_RANK, "lora_rank", "N", GSZ_SCOPE_SIZE | GSZ_SCOPE_QUOTE | GSZ_SCOPE_BATCH, 0)           \
  XX(LORA_TARGETS, "lora_targets", "LIST", GSZ_SCOPE_SIZE | GSZ_SCOPE_QUOTE | GSZ_SCOPE_BATCH, 0)  \
  XX(TP, "tp", "N", GSZ_SCOPE_SIZE | GSZ_SCOPE_QUOTE | GSZ_SCOPE_BATCH, 0)                         \
  XX(PP, "pp", "N", GSZ_SCOPE_SIZE, 0)                                                             \
  XX(DP, "dp", "N", GSZ_SCOPE_SIZE, 0)                                                             \
  XX(GPUS, "gpus", "N", GSZ_SCOPE_SIZE, 0)                                                         \
  XX(RUNTIME, "runtime", "NAME", GSZ_SCOPE_SIZE | GSZ_SCOPE_QUOTE | GSZ_SCOPE_BATCH, 0)            \
  XX(GPU_MEMORY_UTILIZATION, "gpu_memory_utilization", "F",                                        \
     GSZ_SCOPE_SIZE | GSZ_SCOPE_QUOTE | GSZ_SCOPE_BATCH, 0)                                        \
  XX(GPU, "gpu", "SKU", GSZ_SCOPE_SIZE | GSZ_SCOPE_QUOTE | GSZ_SCOPE_BATCH, GSZ_FIELD_REPEATABLE)  \
  XX(VENDOR, "vendor", "V", GSZ_SCOPE_QUOTE | GSZ_SCOPE_BATCH, GSZ_FIELD_REPEATABLE)               \
  XX(FORM_FACTOR, "form_factor", "F", GSZ_SCOPE_QUOTE | GSZ_SCOPE_BATCH, GSZ_FIELD_REPEATABLE)     \
  XX(EXCLUDE, "exclude", "SKU", GSZ_SCOPE_QUOTE | GSZ_SCOPE_BATCH, GSZ_FIELD_REPEATABLE)           \
  XX(MAX_NODES, "max_nodes", "N", GSZ_SCOPE_QUOTE | GSZ_SCOPE_BATCH, 0)                            \
  XX(MAX_GPUS, "max_gpus", "N", GSZ_SCOPE_QUOTE | GSZ_SCOPE_BATCH, 0)                              \
  XX(BUDGET, "budget", "AMOUNT", GSZ_SCOPE_QUOTE | GSZ_SCOPE_BATCH, 0)                             \
  XX(STOCK, "stock", "any|prefer|only", GSZ_SCOPE_QUOTE | GSZ_SCOPE_BATCH, 0)                      \
  XX(ALLOW_CONSUMER, "allow_consumer", NULL, GSZ_SCOPE_QUOTE | GSZ_SCOPE_BATCH, GSZ_FIELD_SWITCH)  \
  XX(CHASSIS, "chassis", "C", GSZ_SCOPE_QUOTE | GSZ_SCOPE_BATCH, GSZ_FIELD_REPEATABLE)             \
  XX(SERVER, "server", "SKU", GSZ_SCOPE_QUOTE | GSZ_SCOPE_BATCH, GSZ_FIELD_REPEATABLE)             \
  XX(SERVER_VENDOR, "server_vendor", "V", GSZ_SCOPE_QUOTE | GSZ_SCOPE_BATCH, GSZ_FIELD_REPEATABLE) \
  XX(COOLING, "cooling", "air|liquid", GSZ_SCOPE_QUOTE | GSZ_SCOPE_BATCH, 0)                       \
  XX(ALLOW_EOL, "allow_eol", NULL, GSZ_SCOPE_QUOTE | GSZ_SCOPE_BATCH, GSZ_FIELD_SWITCH)            \
  XX(MIN_HEADROOM, "min_headroom", "PCT", GSZ_SCOPE_QUOTE | GSZ_SCOPE_BATCH, 0)                    \
  XX(OUTLET_WATTS, "outlet_watts", "W", GSZ_SCOPE_QUOTE | GSZ_SCOPE_BATCH, 0)                      \
  XX(TOKENS_PER_SECOND, "tokens_per_second", "X", GSZ_SCOPE_QUOTE | GSZ_SCOPE_BATCH, 0)            \
  XX(TTFT_MS, "ttft_ms", "MS", GSZ_SCOPE_QUOTE | GSZ_SCOPE_BATCH, 0)                               \
  XX(THROUGHPUT, "throughput", "X", GSZ_SCOPE_QUOTE | GSZ_SCOPE_BATCH, 0)                          \
  XX(TRAIN_TOKENS, "train_tokens", "N", GSZ_SCOPE_SIZE | GSZ_SCOPE_QUOTE | GSZ_SCOPE_BATCH, 0)     \
  XX(DEADLINE_DAYS, "deadline_days", "D", GSZ_SCOPE_QUOTE | GSZ_SCOPE_BATCH, 0)                    \
  XX(OBJECTIVE, "objective", "OBJ", GSZ_SCOPE_QUOTE | GSZ_SCOPE_BATCH, 0)                          \
  XX(YEARS, "years", "N", GSZ_SCOPE_QUOTE | GSZ_SCOPE_BATCH, 0)                                    \
  XX(POWER_PRICE, "power_price", "AMOUNT", GSZ_SCOPE_QUOTE | GSZ_SCOPE_BATCH, 0)                   \
  XX(PUE, "pue", "X", GSZ_SCOPE_QUOTE | GSZ_SCOPE_BATCH, 0)                                        \
  XX(TOP, "top", "N", GSZ_SCOPE_QUOTE | GSZ_SCOPE_BATCH, 0)                                        \
  XX(EXPLAIN, "explain", "SKU", GSZ_SCOPE_QUOTE, 0)                                                \
  XX(PRICING, "pricing", "FILE", GSZ_SCOPE_QUOTE, GSZ_FIELD_REPEATABLE)                            \
  XX(ALLOW_EXPIRED, "allow_expired", NULL, GSZ_SCOPE_QUOTE, GSZ_FIELD_SWITCH)

typedef enum gsz_field {
  GSZ_FIELD_NONE = 0,
#define GSZ_FIELD_ENUM(id, name, placeholder, scope, kind) GSZ_FIELD_##id,
  GSZ_FIELD_MAP(GSZ_FIELD_ENUM)
#undef GSZ_FIELD_ENUM
      GSZ_FIELD_COUNT
} gsz_field;

typedef struct gsz_field_info {
  const char *name;        /* "max_nodes" */
  const char *placeholder; /* "N"; NULL for a switch */
  unsigned scope;          /* GSZ_SCOPE_* */
  unsigned kind;           /* GSZ_FIELD_REPEATABLE, GSZ_FIELD_SWITCH */
} gsz_field_info;

/* The table entry of a field (GSZ_FIELD_NONE < f < GSZ_FIELD_COUNT). */
const gsz_field_info *gsz_field_get(gsz_field f);
/* The field named name ('-' and '_' alike, any case); GSZ_FIELD_NONE. */
gsz_field gsz_field_find(const char *name);

/* --- A request ---------------------------------------------------------------- */

#define GSZ_REQUEST_MAX_REPEAT 32

typedef struct gsz_request {
  const char *value[GSZ_FIELD_COUNT]; /* the value given (a list: the last); NULL: not given */
  const char *list[GSZ_FIELD_COUNT][GSZ_REQUEST_MAX_REPEAT]; /* repeatable fields */
  unsigned n_list[GSZ_FIELD_COUNT];
  const char *today; /* YYYY-MM-DD an overlay's validity is judged on; NULL: today (UTC) */
} gsz_request;

/* An empty request. */
void gsz_request_init(gsz_request *req);

/* Record one value (borrowed: it must outlive the request). A switch takes
 * true/yes/on/1 (given) or false/no/off/0 (not given). GSZ_EINVAL with
 * diag->field set: a field given twice with different values, a list of
 * more than GSZ_REQUEST_MAX_REPEAT values, a switch value that is neither. */
gsz_err gsz_request_set(gsz_request *req, gsz_field field, const char *value, gsz_diag *diag);

/* The pricing overlay the request names (field pricing, in order; none:
 * catalog prices), judged on req->today, expired ones allowed with a
 * warning when allow_expired is given. data must outlive it. */
gsz_err gsz_request_overlay(gsz_overlay **out, const gsz_catalog_data *data, const gsz_request *req,
                            gsz_diag *diag);

/* --- Sizing: gsz_size --------------------------------------------------------- */

/* What a request asks to size, resolved: echoed in every output format. */
typedef struct gsz_size_request {
  const gsz_model_ref *model;
  const char *model_source; /* "catalog", "hf-config", "params", "safetensors", "gguf" */
  const char *hf_config;    /* path, when model_source is "hf-config" */
  const gsz_workload *workload;
  gsz_layout layout;
  const gsz_gpu *gpu;           /* optional: show the fit on this GPU */
  const gsz_field_words *words; /* how notes name fields; NULL: by field name */
  /* The weights' file (safetensors or gguf field), when they came from one. */
  const char *checkpoint_path;
  /* On gpu (size) or the recommended configuration's GPU (quote): what the
   * runtime sees there and its KV pool; NULL when no GPU is known (or no
   * architecture, or training). */
  const gsz_fit_check *fit;
  const gsz_kv_capacity *kv;
  /* size on a GPU: the speed of the layout (tp x pp, dp replicas), or why
   * there is none (perf_note; NULL with perf NULL: not asked for). */
  const gsz_candidate_perf *perf;
  const char *perf_note;
  uint64_t train_tokens; /* training: the tokens perf's days are for */
} gsz_size_request;

typedef struct gsz_size_answer {
  gsz_size_request request; /* for gsz_report_size (set request.words before) */
  gsz_estimate estimate;
  /* owned: */
  gsz_model_ref model;
  gsz_workload workload;
  gsz_hf_model *hf;
  gsz_checkpoint *checkpoint;
  gsz_fit_check fit;
  gsz_kv_capacity kv;
  gsz_candidate_perf perf;
  char perf_note[GSZ_DIAG_MESSAGE_MAX];
} gsz_size_answer;

/* Size the request's model and workload at its layout (tp, pp, dp).
 * GSZ_EINVAL and friends with diag->field set for a bad value; the answer
 * belongs to the caller (gsz_size_answer_free). */
gsz_err gsz_size(gsz_size_answer **out, const gsz_catalog_data *data, const gsz_request *req,
                 gsz_diag *diag);
void gsz_size_answer_free(gsz_size_answer *answer);

/* --- Quoting: gsz_quote --------------------------------------------------------- */

/* What a quote was asked and how it was priced. */
typedef struct gsz_quote_request {
  gsz_size_request size;            /* the model and workload (layout unused) */
  const gsz_match_options *options; /* the constraints */
  const gsz_overlay *overlay;       /* where prices come from (files, validity); not NULL:
                                       gsz_overlay_load with no files gives catalog prices */
} gsz_quote_request;

typedef struct gsz_quote_answer {
  gsz_quote_request request; /* for gsz_report_quote (set request.size.words before) */
  gsz_match_result *result;  /* result->found: a configuration fits */
  /* owned: */
  gsz_model_ref model;
  gsz_workload workload;
  gsz_match_options options;
  gsz_hf_model *hf;
  gsz_checkpoint *checkpoint;
  gsz_fit_check fit;
  gsz_kv_capacity kv;
} gsz_quote_answer;

/* Search the catalog for the cheapest configuration that fits the
 * request, priced under overlay (from gsz_request_overlay; the request's
 * own pricing fields are not read again, so a batch loads them once).
 * GSZ_OK whether or not one fits. */
gsz_err gsz_quote(gsz_quote_answer **out, const gsz_catalog_data *data, const gsz_overlay *overlay,
                  const gsz_request *req, gsz_diag *diag);
void gsz_quote_answer_free(gsz_quote_answer *answer);

/* --- Batch: gsz_batch_run --------------------------------------------------------- */

typedef enum gsz_batch_status { GSZ_BATCH_OK, GSZ_BATCH_NO_FIT, GSZ_BATCH_ERROR } gsz_batch_status;

/* One answered batch row. Strings are borrowed (from the batch answer, or
 * whoever built the row). */
typedef struct gsz_batch_result {
  const char *id; /* the row's id column, or NULL */
  gsz_batch_status status;
  const char *gpu_sku, *server_sku; /* ok rows */
  uint32_t gpus_per_node, nodes;
  uint64_t total_gpus, per_gpu_bytes, usable_bytes;
  bool gpus_included; /* the server's price includes its GPUs */
  int64_t total_minor;
  char currency[4];
  bool buildable_from_stock;
  const char *error; /* error rows: "row 12: column 'context': ..."; no_fit: the reasons */
} gsz_batch_result;

/* Check a batch file's columns before any work: each must be a field of
 * batch scope ('-' or '_' alike) or "id". GSZ_EINVAL naming the first that
 * is not, with the nearest field as a suggestion. */
gsz_err gsz_batch_check_columns(const gsz_batch_input *in, gsz_diag *diag);

/* Progress of a batch run: called after each row. */
typedef void (*gsz_batch_progress)(void *ctx, size_t done, size_t total);

typedef struct gsz_batch_answer {
  gsz_batch_result *rows; /* one per input row, in order */
  size_t n_rows;
  char currency[4]; /* the quote currency */
  unsigned minor_digits;
  void *storage; /* owned texts */
} gsz_batch_answer;

/* Answer every row of in as gsz_quote would answer its fields, priced
 * under overlay: a row with a bad value gets status error with "row N: "
 * and the message (fields named by `words` as columns: the subject as
 * "column 'NAME'" with NAME as the file spells it, references inside a
 * sentence by words, NULL: field names) and does not stop the others.
 * Stops only for a failure of the system (GSZ_ENOMEM: "row N: out of
 * memory"). progress may be NULL. */
gsz_err gsz_batch_run(gsz_batch_answer **out, const gsz_catalog_data *data,
                      const gsz_overlay *overlay, const gsz_batch_input *in,
                      const gsz_field_words *words, gsz_batch_progress progress, void *progress_ctx,
                      gsz_diag *diag);
void gsz_batch_answer_free(gsz_batch_answer *answer);

#ifdef __cplusplus
}
#endif
#endif
