/* catalog.h: the catalog of GPUs, servers, prices, stock, model
 * architectures, number formats and runtime profiles, and the maintenance
 * of catalog database files (init, migrate, check).
 *
 * This is the only module that speaks SQLite. Opening a catalog reads every
 * table into plain structs inside one read transaction and closes the
 * database: the rest of gpusizer (model, memory, match, report) works on
 * these structs and never on SQL, and tests build them by hand.
 *
 * All strings in records are owned by the catalog and live until
 * gsz_catalog_free(). Record arrays are in SKU / name order. */
#ifndef GPUSIZER_CATALOG_H
#define GPUSIZER_CATALOG_H

#include "gpusizer/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The schema version this program reads and writes (the number of the last
 * file in migrations/), and the application_id stamped on catalog files. */
#define GSZ_CATALOG_APPLICATION_ID 0x47535A31 /* "GSZ1" */
int gsz_catalog_schema_version(void);

/* Current unit price of an item (table price, latest as_of). */
typedef struct gsz_unit_price {
  bool present;         /* false: no price row; the item cannot be quoted */
  int64_t amount_minor; /* minor units of currency (cents for USD) */
  char currency[4];     /* ISO 4217 code */
  const char *as_of, *source, *basis;
} gsz_unit_price;

/* Stock of an item summed over locations (table inventory). */
typedef struct gsz_stock_total {
  bool present;           /* false: no inventory rows at all */
  int64_t on_hand, reserved;
  int64_t available;      /* on_hand - reserved */
  int32_t lead_time_days; /* shortest over locations */
} gsz_stock_total;

typedef struct gsz_gpu {
  const char *sku, *vendor, *name, *form_factor;
  uint32_t memory_mib;    /* nominal */
  uint32_t usable_mib;    /* what the driver exposes */
  uint32_t bandwidth_gbs; /* GB/s */
  double tflops_bf16;     /* dense; for display, never for sizing */
  uint32_t tdp_w;
  const char *memory_type, *interconnect; /* may be NULL */
  bool datacenter_ok; /* false: consumer card, workstations only */
  bool sellable, verified;
  const char *usable_basis, *source, *as_of, *notes; /* may be NULL */
  gsz_unit_price price;
  gsz_stock_total stock;
} gsz_gpu;

typedef struct gsz_server {
  const char *sku, *vendor, *name, *gpu_form_factor;
  uint32_t max_gpus, rack_units; /* rack_units 0: tower */
  uint32_t psu_w;                /* deliverable with redundancy kept */
  uint32_t base_w;               /* everything but the GPUs */
  bool workstation;              /* chassis = 'workstation' */
  bool gpus_included;            /* price includes the GPUs (DGX) */
  bool sellable, verified;
  const char *psu_config, *cpu, *source, *as_of, *notes; /* may be NULL */
  gsz_unit_price price;
  gsz_stock_total stock;
} gsz_server;

/* One allowed GPU count in one server (table server_gpu), by index into
 * the catalog's gpus and servers arrays. Sorted by gpu, server, count. */
typedef struct gsz_fit {
  uint32_t gpu, server, count;
} gsz_fit;

/* A number format: n values take ceil(n * block_bytes / block_elems) bytes. */
typedef struct gsz_format {
  const char *name;
  uint32_t block_elems, block_bytes;
  bool trainable; /* full training in this format is supported */
  const char *description, *source;
} gsz_format;

/* Runtime profile: per-GPU memory the runtime itself needs. */
typedef struct gsz_runtime {
  const char *name, *engine, *engine_version;
  uint32_t mem_util_bp; /* basis points of GPU memory it may use: 9000 = 0.90 */
  uint64_t cuda_context_bytes, comm_buffer_bytes, activation_bytes;
  const char *default_for; /* "inference", "training" or NULL */
  const char *source, *as_of;
} gsz_runtime;

/* A model architecture with Hugging Face config.json field names. Zero in
 * an optional field means "not set" (the rules in model.h say the default). */
typedef struct gsz_arch {
  const char *name, *hf_id, *model_type, *source; /* hf_id, source may be NULL */
  uint32_t hidden_size, intermediate_size, num_hidden_layers;
  uint32_t num_attention_heads, num_key_value_heads, head_dim, vocab_size;
  bool tie_word_embeddings, qkv_bias, o_bias;
  uint32_t sliding_window, sliding_window_pattern, max_position_embeddings;
  uint32_t num_local_experts, num_experts_per_tok, moe_intermediate_size;
  uint32_t n_shared_experts, first_k_dense_replace;
  uint32_t q_lora_rank, kv_lora_rank, qk_nope_head_dim, qk_rope_head_dim, v_head_dim;
} gsz_arch;

typedef struct gsz_currency {
  char code[4];
  uint32_t minor_digits;
  const char *name;
} gsz_currency;

typedef struct gsz_alias {
  const char *alias, *target;
} gsz_alias;

/* One inventory row, for listings. */
typedef struct gsz_stock_row {
  const char *kind, *sku, *location, *as_of, *note; /* as_of, note may be NULL */
  int64_t on_hand, reserved;
  int32_t lead_time_days;
} gsz_stock_row;

/* Everything a command reads, as plain arrays. */
typedef struct gsz_catalog_data {
  const char *origin; /* the file path, or "built-in" */
  int schema_version;
  const gsz_gpu *gpus;
  size_t n_gpus;
  const gsz_server *servers;
  size_t n_servers;
  const gsz_fit *fits;
  size_t n_fits;
  const gsz_format *formats;
  size_t n_formats;
  const gsz_runtime *runtimes;
  size_t n_runtimes;
  const gsz_arch *models;
  size_t n_models;
  const gsz_currency *currencies;
  size_t n_currencies;
  const gsz_alias *gpu_aliases, *model_aliases;
  size_t n_gpu_aliases, n_model_aliases;
  const gsz_stock_row *stock;
  size_t n_stock;
} gsz_catalog_data;

typedef struct gsz_catalog gsz_catalog;

/* Open a catalog and read it whole. path NULL: the built-in catalog,
 * built in memory from the embedded migrations and data. Otherwise a
 * catalog file (or a "file:" URI), opened read-only; its application_id
 * and user_version are checked first:
 *   GSZ_ENOTFOUND  the file does not exist;
 *   GSZ_ESCHEMA    not a gpusizer catalog, older schema (run
 *                  'gpusizer db migrate'), newer schema (upgrade
 *                  gpusizer), or a contract table is missing;
 *   GSZ_EDB        not an SQLite database, or SQLite failed.
 * On success *out belongs to the caller (gsz_catalog_free). */
gsz_err gsz_catalog_open(gsz_catalog **out, const char *path, gsz_diag *diag);
void gsz_catalog_free(gsz_catalog *catalog);

/* The loaded records; borrowed, valid until gsz_catalog_free(). */
const gsz_catalog_data *gsz_catalog_get(const gsz_catalog *catalog);

/* Lookups by name, ASCII case-insensitive; NULL when absent. GPUs and
 * models also resolve their aliases (and models their hf_id). */
const gsz_gpu *gsz_catalog_find_gpu(const gsz_catalog_data *data, const char *name);
const gsz_server *gsz_catalog_find_server(const gsz_catalog_data *data, const char *sku);
const gsz_arch *gsz_catalog_find_model(const gsz_catalog_data *data, const char *name);
const gsz_format *gsz_catalog_find_format(const gsz_catalog_data *data, const char *name);
const gsz_runtime *gsz_catalog_find_runtime(const gsz_catalog_data *data, const char *name);
const gsz_currency *gsz_catalog_find_currency(const gsz_catalog_data *data, const char *code);
/* The profile whose default_for is mode ("inference" or "training"). */
const gsz_runtime *gsz_catalog_default_runtime(const gsz_catalog_data *data, const char *mode);

/* The nearest known name to a misspelt one (case-insensitive edit
 * distance, at most a third of the name), for "did you mean" hints; NULL
 * when nothing is close. Models: names, Hugging Face ids and aliases;
 * GPUs: SKUs and aliases. */
const char *gsz_catalog_suggest_model(const gsz_catalog_data *data, const char *name);
const char *gsz_catalog_suggest_gpu(const gsz_catalog_data *data, const char *name);

/* Edit distance between a and b ignoring ASCII case (insert, delete,
 * substitute, swap adjacent letters: 1 each), capped: returns limit + 1 as
 * soon as it is exceeded. For suggestions. */
unsigned gsz_edit_distance(const char *a, const char *b, unsigned limit);

/* The candidate nearest to typed within a third of its length (at least
 * 2 edits), ties to the closest length; NULL when none is near. */
const char *gsz_suggest_nearest(const char *typed, const char *const *candidates, size_t n);

/* --- Catalog files ------------------------------------------------------ */

/* Write the built-in catalog to a new file at path. The file appears
 * complete or not at all (written aside, then linked into place). An
 * existing file is refused (GSZ_EEXIST) unless overwrite is true, in
 * which case it is replaced atomically. A non-empty path-journal or
 * path-wal beside it (an unfinished transaction, which SQLite would roll
 * back or read into the new file) is refused with GSZ_EDB, overwrite or
 * not, and nothing is written. */
gsz_err gsz_db_init(const char *path, bool overwrite, gsz_diag *diag);

/* One applied migration, as reported by gsz_db_migrate. */
typedef struct gsz_migration_step {
  int version;
  const char *name; /* "0002_....sql"; static */
} gsz_migration_step;

/* Bring a catalog file to this program's schema, each pending migration in
 * its own transaction. *from and *to receive the versions before and
 * after; steps (may be NULL) receives up to max_steps applied migrations
 * and *n_steps their count. A newer file is refused (GSZ_ESCHEMA); a
 * failing migration is rolled back and leaves the file at the last
 * version that applied whole. */
gsz_err gsz_db_migrate(const char *path, int *from, int *to, gsz_migration_step *steps,
                       size_t max_steps, size_t *n_steps, gsz_diag *diag);

/* Problems found by gsz_db_check: one line each. */
typedef struct gsz_problem_list {
  char **lines;
  size_t count;
} gsz_problem_list;

/* Check a catalog (path NULL: the built-in one), opened read-only:
 * SQLite's integrity check; then (when that passes) every row against
 * this program's schema, not the file's own, which may have been edited
 * (NOT NULL, declared types, CHECK constraints, foreign keys); every value
 * gsz_catalog_open would refuse (so a catalog that passes always opens);
 * and the sanity rules of the catalog_issue view. One line per problem
 * (at most 10,000), naming the table, the row's key and the column, with
 * values quoted and control characters escaped; a value broken by several
 * rules is listed once. GSZ_OK with problems->count == 0 means healthy.
 * Errors (the file cannot be opened or read, out of memory) leave
 * *problems untouched. Free the list with gsz_problem_list_free. */
gsz_err gsz_db_check(const char *path, gsz_problem_list *problems, gsz_diag *diag);
void gsz_problem_list_free(gsz_problem_list *problems);

#ifdef __cplusplus
}
#endif
#endif
