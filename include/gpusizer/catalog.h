/* catalog.h: the catalog of GPUs, servers, prices, stock, model
 * architectures, number formats and runtime profiles: opening one, finding
 * records in it, and the maintenance of catalog database files (init,
 * migrate, check).
 *
 * This is the only module that speaks SQLite. Opening a catalog reads every
 * table into the plain records of records.h inside one read transaction
 * and closes the database: the rest of gpusizer (sizing, pricing, match,
 * report) works on these records and never on SQL, and tests build them by
 * hand. The lookups below work on records alone (no SQLite).
 *
 * All strings in records are owned by the catalog and live until
 * gsz_catalog_free(). Record arrays are in SKU / name order.
 *
 * Threads: a loaded catalog is read-only; any number of threads may use
 * one gsz_catalog and its records at once. Opening and the db functions
 * may run in several threads at once on different files. Global state:
 * the statement hook of the crash tests (internal, test-only). */
#ifndef GPUSIZER_CATALOG_H
#define GPUSIZER_CATALOG_H

#include "gpusizer/error.h"
#include "gpusizer/records.h"

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

/* Whether an architecture runs format in runtime (table format_support):
 * the runtime's own row, else the row for every runtime ("*");
 * GSZ_SUPPORT_UNKNOWN when no row says or architecture is NULL. *row
 * (when not NULL) receives the row that decided. */
gsz_support gsz_catalog_format_support(const gsz_catalog_data *data, const char *architecture,
                                       const char *format, const char *runtime,
                                       const gsz_format_support **row);

/* How close runtime comes to the peaks of architecture (table
 * runtime_efficiency): the architecture's own row, else the runtime's row
 * for every architecture ("*"); NULL when neither exists. architecture
 * NULL (not recorded) finds the "*" row. */
const gsz_efficiency *gsz_catalog_find_efficiency(const gsz_catalog_data *data, const char *runtime,
                                                  const char *architecture);

/* --- Items of any kind ------------------------------------------------------ */

/* "gpu", "server", "nic", "switch", "cable", "support", "software",
 * "service"; gsz_item_kind_find gives GSZ_ITEM_KIND_COUNT for another name. */
const char *gsz_item_kind_name(gsz_item_kind kind);
gsz_item_kind gsz_item_kind_find(const char *name);

/* What every item has, whatever its kind; pointers borrowed from the records. */
typedef struct gsz_item {
  const char *sku, *vendor, *name;
  const gsz_unit_price *price;
  const gsz_stock_total *stock;
  bool sellable;
} gsz_item;

/* How many items of kind the catalog has (0 for a kind it has no table for). */
size_t gsz_catalog_item_count(const gsz_catalog_data *data, gsz_item_kind kind);
/* Item index of kind (index < gsz_catalog_item_count). */
gsz_item gsz_catalog_item(const gsz_catalog_data *data, gsz_item_kind kind, size_t index);
/* The index of the item of kind whose SKU (or, for GPUs, alias) is sku,
 * ASCII case ignored; -1 when there is none. */
long gsz_catalog_find_item(const gsz_catalog_data *data, gsz_item_kind kind, const char *sku);

/* The nearest known name to a misspelt one (case-insensitive edit
 * distance, at most a third of the name), for "did you mean" hints; NULL
 * when nothing is close. Models: names, Hugging Face ids and aliases;
 * GPUs: SKUs and aliases. */
const char *gsz_catalog_suggest_model(const gsz_catalog_data *data, const char *name);
const char *gsz_catalog_suggest_gpu(const gsz_catalog_data *data, const char *name);

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
