/* catalog.h: the catalog of GPUs, servers, prices, stock, exchange rates,
 * model architectures, number formats and runtime profiles: opening one
 * as in force on a day, finding records in it, and the maintenance of
 * catalog database files (init, migrate, check, import).
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

#include "gpusizer/batch.h"
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
/* The same, judged on the day today (YYYY-MM-DD; NULL: the system clock's
 * date in UTC, as gsz_catalog_open): a price, stock or exchange-rate row
 * dated after today is not in force yet, and each item's price is its row
 * with the latest as_of not after today. GSZ_EINVAL when today is not a
 * real date. Every row is still read and checked, future ones included. */
gsz_err gsz_catalog_open_at(gsz_catalog **out, const char *path, const char *today, gsz_diag *diag);
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
/* The exchange rate in force from one currency to another (codes as in
 * the currency table); NULL when the catalog has none. */
const gsz_fx_rate *gsz_catalog_find_fx_rate(const gsz_catalog_data *data, const char *from,
                                            const char *to);
/* When name (ASCII case ignored) could mean several GPUs (table
 * gpu_alias_ambiguous), how many candidates it has, *first pointing at
 * the first of them in data->gpu_alias_candidates (they follow each
 * other); 0 otherwise (*first untouched). gsz_catalog_find_gpu returns
 * NULL for such a name: say the candidates instead of "unknown GPU". */
size_t gsz_catalog_gpu_candidates(const gsz_catalog_data *data, const char *name,
                                  const gsz_alias_candidate **first);

/* --- Price history -------------------------------------------------------- */

typedef enum gsz_price_status {
  GSZ_PRICE_CURRENT, /* in force on the catalog's day */
  GSZ_PRICE_HISTORY, /* replaced by a later row */
  GSZ_PRICE_FUTURE   /* dated after the catalog's day: not in force yet */
} gsz_price_status;

/* One row of the price table. */
typedef struct gsz_price_row {
  const char *kind, *sku, *as_of;
  int64_t amount_minor;
  char currency[4];
  const char *source, *basis; /* basis may be NULL */
  gsz_price_status status;
} gsz_price_row;

/* Every price row of the item of kind whose SKU is sku (ASCII case
 * ignored; no aliases: resolve them first), oldest first: how many, with
 * *first at the first (borrowed, valid until gsz_catalog_free). 0 when
 * the item has no price row (*first untouched). */
size_t gsz_catalog_price_history(const gsz_catalog *catalog, gsz_item_kind kind, const char *sku,
                                 const gsz_price_row **first);

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

/* The catalog's words for its enumerations ("end_of_sale", "liquid",
 * "onboard", "infiniband_ndr", "nic_transceiver"); "?" for a value out of
 * range. */
const char *gsz_lifecycle_name(gsz_lifecycle lifecycle);
const char *gsz_cooling_name(gsz_cooling cooling);
const char *gsz_scale_out_name(gsz_scale_out scale_out);
const char *gsz_fabric_name(gsz_fabric fabric);
const char *gsz_cable_role_name(gsz_cable_role role);

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

/* The age past which db check warns about a price in force, in days. */
#define GSZ_CHECK_MAX_PRICE_AGE_DAYS 365

typedef struct gsz_check_options {
  const char *today;           /* YYYY-MM-DD; NULL: the system clock's date in UTC */
  uint32_t max_price_age_days; /* warn about prices in force older than this; 0: never */
} gsz_check_options;

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
/* The same judged on options->today (NULL options: today, and
 * GSZ_CHECK_MAX_PRICE_AGE_DAYS), with warnings: findings that do not make
 * a catalog unhealthy but ask a maintainer to look (every price in force
 * older than max_price_age_days; every price, stock and exchange-rate row
 * dated after today; every sellable item whose prices all are), one line
 * each into *warnings (may be NULL: not collected). Every view whose name
 * starts with catalog_issue adds its rows (kind, sku, problem) as
 * problems. GSZ_EINVAL when today is not a real date. Both lists are
 * freed with gsz_problem_list_free; on error neither is touched. */
gsz_err gsz_db_check_with(const char *path, const gsz_check_options *options,
                          gsz_problem_list *problems, gsz_problem_list *warnings, gsz_diag *diag);
void gsz_problem_list_free(gsz_problem_list *problems);

/* --- Importing rows ------------------------------------------------------ */

/* What an import does with one row of its file. */
typedef enum gsz_import_action {
  GSZ_IMPORT_ADD,    /* no row of the table has its key: inserted */
  GSZ_IMPORT_CHANGE, /* a row has its key and other values: updated */
  GSZ_IMPORT_SAME,   /* a row has its key and the same values: left as it is */
  GSZ_IMPORT_REFUSED /* breaks a rule: nothing of the file is applied */
} gsz_import_action;

typedef struct gsz_import_row {
  size_t line; /* where the row starts in the file */
  gsz_import_action action;
  const char *key;    /* the row's key as db check names it: 'gpu/L40S/2026-12-01' */
  const char *detail; /* ADD: the values given; CHANGE: "column: old -> new; ...";
                         REFUSED: why (one line); SAME: NULL */
} gsz_import_row;

typedef struct gsz_import_result {
  const char *table;    /* the table imported into */
  gsz_import_row *rows; /* one per data row of the file, in order */
  size_t n_rows;
  size_t n_add, n_change, n_same, n_refused;
  const char **refusals; /* why the import as a whole is refused, beyond single rows
                            (a problem db check would report after it); n_refusals */
  size_t n_refusals;
  const char **notes; /* what to know but not refused: rows dated after today, and
                         what db check will say is still missing (a price, a server) */
  size_t n_notes;
  bool applied;  /* true: committed; false: dry run, or refused */
  void *storage; /* owned texts */
} gsz_import_result;

typedef struct gsz_import_options {
  bool dry_run;      /* validate and diff, then roll back: the file is never written */
  const char *today; /* YYYY-MM-DD for notes about dates; NULL: the system clock's date */
} gsz_import_options;

/* The tables an import can write: "gpu", "server", "server_gpu", "price",
 * "inventory", "exchange_rate"; n receives how many. */
const char *const *gsz_catalog_import_tables(size_t *n);

/* Import rows (read with gsz_batch_read: CSV with a header naming the
 * table's columns) into table of the catalog file at path, all in one
 * transaction or nothing. Each row is matched by the table's key: a new
 * key is added, a known one changed where its values differ, left where
 * they do not. An empty cell is a value not given: a new row takes the
 * column's default, a known row keeps its value. Every row is checked
 * with the rules SQLite holds the table to (types, CHECK constraints,
 * triggers, foreign keys), the values gsz_catalog_open refuses, and db
 * check's findings: a row is refused when it makes db check report a
 * problem about it, and the import when it makes db check report one
 * elsewhere, except what says something is still missing (a price for a
 * new GPU, its servers), which is a note. With any refusal nothing is
 * written; every refused row is listed with its line and reason.
 * label names the file in messages.
 *
 * GSZ_OK: the import ran to a verdict (result->applied, or refusals in
 * it); the result belongs to the caller (gsz_import_result_free).
 * Errors (no result): GSZ_EINVAL for path NULL (the built-in catalog
 * cannot be changed), an unknown table, a header naming a column the
 * table lacks or twice, or without the key's columns ("FILE:1: ...");
 * GSZ_ENOTFOUND, GSZ_ESCHEMA, GSZ_EDB as gsz_catalog_open; GSZ_EIO when
 * the commit cannot be written (the file keeps its old rows). */
gsz_err gsz_catalog_import(gsz_import_result **out, const char *path, const char *table,
                           const gsz_batch_input *rows, const char *label,
                           const gsz_import_options *options, gsz_diag *diag);
void gsz_import_result_free(gsz_import_result *result);

#ifdef __cplusplus
}
#endif
#endif
