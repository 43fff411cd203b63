/* request.h: the workload and constraint flags shared by `size`, `quote`
 * (and the columns of `batch`): one table of names, parsing into raw
 * strings, and resolution into the library's structs with messages that
 * name the flag. */
#ifndef GSZ_CLI_REQUEST_H
#define GSZ_CLI_REQUEST_H

#include "cli.h"

#include <getopt.h>
#include <stdio.h>

/* Every key a request can carry. The order is the order of --help. */
typedef enum req_key {
  REQ_MODEL,
  REQ_PARAMS,
  REQ_HF_CONFIG,
  REQ_MODE,
  REQ_METHOD,
  REQ_PRECISION,
  REQ_KV_PRECISION,
  REQ_CONTEXT,
  REQ_CONCURRENCY,
  REQ_BATCH,
  REQ_OPTIMIZER,
  REQ_RECIPE,
  REQ_ZERO,
  REQ_RECOMPUTE,
  REQ_FLASH_ATTENTION,
  REQ_LORA_RANK,
  REQ_LORA_TARGETS,
  REQ_TP,
  REQ_PP,
  REQ_DP,
  REQ_RUNTIME,
  /* quote constraints */
  REQ_GPU,
  REQ_VENDOR,
  REQ_FORM_FACTOR,
  REQ_EXCLUDE,
  REQ_MAX_NODES,
  REQ_MAX_GPUS,
  REQ_BUDGET,
  REQ_STOCK,
  REQ_ALLOW_CONSUMER,
  REQ_TOP,
  REQ_EXPLAIN,
  REQ_PRICING,
  REQ_ALLOW_EXPIRED,
  REQ_COUNT
} req_key;

enum { REQ_SIZE = 1, REQ_QUOTE = 2 }; /* which commands take a key */

typedef struct req_key_info {
  const char *name;  /* --name, and the batch column */
  const char *arg;   /* "N", "NAME", or NULL for a switch */
  unsigned scope;    /* REQ_SIZE | REQ_QUOTE */
  bool repeatable;   /* may be given several times */
  const char *help;
} req_key_info;

extern const req_key_info req_keys[REQ_COUNT];

#define REQ_MAX_REPEAT 32

typedef struct cli_request {
  const char *value[REQ_COUNT]; /* last value given, NULL when absent */
  const char *list[REQ_COUNT][REQ_MAX_REPEAT]; /* every value of repeatable keys */
  unsigned n_list[REQ_COUNT];
} cli_request;

/* Record one value. Returns false (with *why set) when a non-repeatable
 * key repeats with a different value or a list overflows. */
bool req_set(cli_request *req, req_key key, const char *value, const char **why);

/* Build a getopt_long table: the request keys of `scope` (as values
 * 3000 + key), then `extra` (terminated), into out (capacity cap). */
void req_options(struct option *out, size_t cap, unsigned scope, const struct option *extra);
#define REQ_OPT_BASE 3000

/* Print the --help lines of the keys of scope. */
void req_help(FILE *out, unsigned scope);

/* What a resolved request holds for the library. */
typedef struct cli_resolved {
  gsz_model_ref model;
  gsz_hf_model *hf; /* owned when the model came from --hf-config */
  const char *model_source;
  gsz_workload workload;
  gsz_layout layout;
  bool layout_given; /* --tp, --pp or --dp was given */
  bool zero_given;
} cli_resolved;

/* Resolve the workload part of req against the catalog. as_columns
 * selects how keys are named in messages ("--context" or "column
 * 'context'"). On failure diag says what is wrong with which key;
 * returns GSZ_EINVAL and friends. */
gsz_err req_resolve(cli_resolved *out, const cli_request *req, const gsz_catalog_data *data,
                    bool as_columns, gsz_diag *diag);
void req_resolved_free(cli_resolved *r);

/* Parse an unsigned flag value within [min, max], message naming key. */
gsz_err req_uint(uint64_t *out, const cli_request *req, req_key key, uint64_t min, uint64_t max,
                 uint64_t fallback, bool as_columns, gsz_diag *diag);

/* The quote constraints of req (budget, node and GPU limits, filters,
 * exclusions, stock, top, explain, training --tp and --zero) as match
 * options; budget amounts in the pricer's currency. Messages name the key
 * as a flag or a column. */
gsz_err req_match_options(gsz_match_options *o, const cli_request *req, const cli_resolved *r,
                          const gsz_catalog_data *data, const gsz_pricer *pricer,
                          bool as_columns, gsz_diag *diag);

/* Load the pricing overlay named by --pricing (repeatable), else by
 * $GPUSIZER_PRICING (paths separated by ':'), else the empty overlay
 * (catalog prices). Today is the UTC date, or $GPUSIZER_TODAY (YYYY-MM-DD)
 * for reproducible runs. Prints errors and warnings; returns an exit
 * status. */
int req_load_overlay(gsz_overlay **out, const cli_request *req, const gsz_catalog_data *data,
                     const char *cmd);

/* "--name" or "column 'name'" for messages. */
const char *req_key_label(req_key key, bool as_columns, char *buf, size_t size);

#endif
