/* load.c: reads every catalog table into plain structs, resolves
 * SKUs to indices, attaches the prices, stock and exchange rates in force
 * on the catalog's day, and expands server_gpu ranges into one fit per
 * count. The caller holds the read transaction, so the structs are one
 * consistent snapshot.
 *
 * Checklist: the columns read here are those of migrations/0001_initial.sql
 * (and later migrations); a renamed column must change in both places.
 * The date rule (a row dated after today is not in force; an item's price
 * is its latest row not after today) is the one of the views price_current,
 * stock_available and exchange_rate_current (migrations/0005), which use
 * date('now') where this file uses its caller's day. */
#include "catalog/db_int.h"
#include "catalog/lookup_int.h"
#include "gpusizer/money.h"
#include "util/arena_int.h"

#include <stdlib.h>
#include <string.h>

/* Hard limits: a hostile or corrupt file cannot make us allocate without
 * bound. Benchmarks use 10,000 GPUs; a million rows is far beyond that. */
#define MAX_ROWS_PER_TABLE 1000000u
#define MAX_STRING_BYTES (64u << 10)

struct gsz_catalog {
  gsz_catalog_data data;
  char today[11]; /* YYYY-MM-DD: what is in force is judged on this day */
  gsz_gpu *gpus;
  gsz_server *servers;
  gsz_fit *fits;
  gsz_format *formats;
  gsz_runtime *runtimes;
  gsz_arch *models;
  gsz_currency *currencies;
  gsz_alias *gpu_aliases, *model_aliases;
  gsz_stock_row *stock;
  gsz_network_item *nics, *switches, *cables;
  gsz_format_support *format_support;
  gsz_caveat *caveats;
  gsz_price_row *price_rows; /* every price row, by kind, SKU (case ignored), as_of */
  size_t n_price_rows;
  gsz_fx_rate *fx_rates;
  gsz_alias_candidate *gpu_alias_candidates;
  gsz_runtime_parallel *parallel; /* all runtimes' rows; runtime->parallel points in */
  gsz_quant_recipe *recipes;      /* format->recipe points in */
  gsz_gpu_visible *gpu_visible;
  gsz_efficiency *efficiency;
  gsz__arena strings;      /* every string of the catalog, freed in one go */
  gsz__problems *problems; /* db check: bad values are listed, reading goes on */
};

/* --- Reading one result set --------------------------------------------- */

typedef struct reader {
  gsz_catalog *cat;
  sqlite3_stmt *stmt;
  const char *table;
  char key[GSZ__DB_QUOTED_MAX]; /* the row's key, quoted, for messages */
  bool row_bad;                 /* db check: a value of this row was listed */
  gsz_diag *diag;
  gsz_err err; /* the first error; in db check, never a bad value */
} reader;

static void reader_init(reader *r, gsz_catalog *cat, const char *table, gsz_diag *diag) {
  *r = (reader){.cat = cat, .table = table, .diag = diag, .err = GSZ_OK};
}

static bool failed(reader *r) {
  return r->err != GSZ_OK;
}

static void fail_nomem(reader *r) {
  if (!failed(r))
    r->err = gsz__diag_nomem(r->diag);
}

/* A new row, whose key is its first n columns (the table's primary key). */
static void start_row(reader *r, int n) {
  gsz__db_row_key(r->key, r->stmt, n);
  r->row_bad = false;
}

/* Whether the row's values so far are good, for rules across columns (a
 * column already reported bad would only repeat itself). */
static bool row_good(reader *r) {
  return !failed(r) && !r->row_bad;
}

/* What the catalog is called in messages. */
static const char *catalog_name(char out[GSZ__DB_QUOTED_MAX + 16], const gsz_catalog *cat) {
  if (strcmp(cat->data.origin, "built-in") == 0)
    return "built-in catalog";
  snprintf(out, GSZ__DB_QUOTED_MAX + 16, "catalog file '%s'", cat->data.origin);
  return out;
}

/* A value the program cannot use: a catalog error naming the table, the
 * row's key, the column, the value and what was expected (detail, which
 * may be a cross-column rule), and what to do. Never a default: a NULL
 * price read as 0 would quote a GPU as free, a NULL TDP would pass every
 * power check. */
static void bad_value(reader *r, int col, gsz_err code, const char *expected) {
  if (failed(r))
    return;
  char value[GSZ__DB_QUOTED_MAX];
  gsz__db_value(value, r->stmt, col);
  const char *column = sqlite3_column_name(r->stmt, col);
  if (column == NULL) {
    fail_nomem(r);
    return;
  }
  if (r->cat->problems != NULL) {
    char line[1024];
    snprintf(line, sizeof line, "%s %s: column %s: %s, expected %s", r->table, r->key, column,
             value, expected);
    r->err = gsz__problems_add(r->cat->problems, r->table, r->key, column, line, r->diag);
    r->row_bad = true;
    return;
  }
  const char *origin = r->cat->data.origin;
  bool builtin = strcmp(origin, "built-in") == 0;
  char name[GSZ__DB_QUOTED_MAX + 16];
  r->err = gsz__diag_set(r->diag, code,
                         "%s: %s %s: column %s: %s, expected %s; fix the row with sqlite3 "
                         "('gpusizer db check%s%s' lists every problem)",
                         catalog_name(name, r->cat), r->table, r->key, column, value, expected,
                         builtin ? "" : " ", builtin ? "" : origin);
}

/* Text, copied into the catalog's arena; NULL for SQL NULL. Text longer
 * than MAX_STRING_BYTES or holding a NUL (which C strings would silently
 * cut) is refused. */
static const char *col_text(reader *r, int col) {
  if (failed(r) || sqlite3_column_type(r->stmt, col) == SQLITE_NULL)
    return NULL;
  const unsigned char *s = sqlite3_column_text(r->stmt, col);
  if (s == NULL) {
    fail_nomem(r);
    return NULL;
  }
  size_t n = (size_t)sqlite3_column_bytes(r->stmt, col);
  if (n > MAX_STRING_BYTES) {
    char expected[64];
    snprintf(expected, sizeof expected, "at most %u bytes", MAX_STRING_BYTES);
    bad_value(r, col, GSZ_ELIMIT, expected);
    return NULL;
  }
  if (memchr(s, '\0', n) != NULL) {
    bad_value(r, col, GSZ_ESCHEMA, "text without NUL characters");
    return NULL;
  }
  const char *copy = gsz__arena_strndup(&r->cat->strings, (const char *)s, n);
  if (copy == NULL)
    fail_nomem(r);
  return copy;
}

/* NOT NULL text: the schema guarantees it, but a file edited with
 * writable_schema or an older tool might not. In db check a bad value
 * reads as "", so that the rest of the row can be checked. */
static const char *col_text_req(reader *r, int col) {
  const char *s = col_text(r, col);
  if (s == NULL && !failed(r)) {
    if (!r->row_bad)
      bad_value(r, col, GSZ_ESCHEMA, "text");
    if (!failed(r))
      return "";
  }
  return s;
}

/* A NOT NULL key column read for a lookup only (not copied). A NULL value
 * is a damaged or hand-edited file (GSZ_ESCHEMA), not out of memory:
 * fuzzing found a corrupt record whose keys read as NULL reported as
 * "out of memory". */
static const char *col_key(reader *r, int col) {
  if (failed(r))
    return NULL;
  const char *s = (const char *)sqlite3_column_text(r->stmt, col);
  if (s != NULL)
    return s;
  if (sqlite3_column_type(r->stmt, col) == SQLITE_NULL)
    bad_value(r, col, GSZ_ESCHEMA, "text");
  else
    fail_nomem(r);
  return NULL;
}

/* An integer column that must hold lo..hi; optional columns (nullable in
 * the schema) may be NULL, which reads as 0: "not set". */
static int64_t col_int(reader *r, int col, int64_t lo, int64_t hi, bool required) {
  if (failed(r))
    return 0;
  int type = sqlite3_column_type(r->stmt, col);
  if (type == SQLITE_NULL && !required)
    return 0;
  int64_t v = sqlite3_column_int64(r->stmt, col);
  if (type != SQLITE_INTEGER || v < lo || v > hi) {
    char expected[96];
    if (lo == 0 && hi == 1)
      snprintf(expected, sizeof expected, "0 or 1");
    else
      snprintf(expected, sizeof expected, "an integer from %lld to %lld", (long long)lo,
               (long long)hi);
    bad_value(r, col, GSZ_ESCHEMA, expected);
    return 0;
  }
  return v;
}

static int64_t req_int(reader *r, int col, int64_t lo, int64_t hi) {
  return col_int(r, col, lo, hi, true);
}

static uint32_t req_u32(reader *r, int col, uint32_t lo) {
  return (uint32_t)col_int(r, col, lo, UINT32_MAX, true);
}

static uint32_t opt_u32(reader *r, int col, uint32_t lo) {
  return (uint32_t)col_int(r, col, lo, UINT32_MAX, false);
}

static bool req_bool(reader *r, int col) {
  return col_int(r, col, 0, 1, true) != 0;
}

/* A required REAL column of at least 0 (SQLite stores no NaN). */
static double req_real(reader *r, int col) {
  if (failed(r))
    return 0.0;
  int type = sqlite3_column_type(r->stmt, col);
  double v = sqlite3_column_double(r->stmt, col);
  if ((type != SQLITE_FLOAT && type != SQLITE_INTEGER) || !(v >= 0.0)) {
    bad_value(r, col, GSZ_ESCHEMA, "a number of at least 0");
    return 0.0;
  }
  return v;
}

/* An optional REAL column: NULL reads as 0 ("not recorded"); a value must
 * be at least 0, or above 0 when positive (the schema's CHECK). */
static double opt_real(reader *r, int col, bool positive) {
  if (failed(r) || sqlite3_column_type(r->stmt, col) == SQLITE_NULL)
    return 0.0;
  double v = req_real(r, col);
  if (positive && v == 0.0 && !r->row_bad)
    bad_value(r, col, GSZ_ESCHEMA, "a number above 0");
  return v;
}

/* A text column holding one of names (the schema's CHECK list): its index;
 * 0 for NULL when optional. */
static int col_enum(reader *r, int col, const char *const *names, int n, bool required) {
  if (failed(r))
    return 0;
  if (sqlite3_column_type(r->stmt, col) == SQLITE_NULL && !required)
    return 0;
  const char *v = (const char *)sqlite3_column_text(r->stmt, col);
  for (int k = 0; v != NULL && k < n; k++)
    if (strcmp(v, names[k]) == 0)
      return k;
  char expected[160] = "one of";
  for (int k = 0; k < n; k++)
    snprintf(expected + strlen(expected), sizeof expected - strlen(expected), "%s %s", k ? "," : "",
             names[k]);
  bad_value(r, col, GSZ_ESCHEMA, expected);
  return 0;
}

/* A table whose query does not prepare (a column renamed or dropped):
 * an error, or in db check a problem line, and the table reads as empty. */
static gsz_err unreadable_table(gsz_catalog *cat, sqlite3 *db, const char *table, gsz_diag *diag) {
  if (sqlite3_errcode(db) != SQLITE_ERROR)
    return gsz__db_error(diag, db, "could not read the catalog table", table);
  static const char fix[] =
      "restore the table from a backup, or write a new catalog with 'gpusizer db init'";
  char name[GSZ__DB_QUOTED_MAX + 16];
  if (cat->problems == NULL)
    return gsz__diag_set(diag, GSZ_ESCHEMA, "%s: table %s cannot be read: %s (%s)",
                         catalog_name(name, cat), table, sqlite3_errmsg(db), fix);
  char line[1024];
  snprintf(line, sizeof line, "%s: cannot be read: %s (%s)", table, sqlite3_errmsg(db), fix);
  /* The same cell as db check's own "cannot be checked": said once. */
  return gsz__problems_add(cat->problems, table, "", "(table)", line, diag);
}

static gsz_err too_many_rows(gsz_catalog *cat, const char *table, gsz_diag *diag) {
  if (cat->problems == NULL)
    return gsz__diag_set(diag, GSZ_ELIMIT, "catalog table '%s' has more than %u rows", table,
                         MAX_ROWS_PER_TABLE);
  char line[256];
  snprintf(line, sizeof line, "%s: more than %u rows, more than gpusizer reads", table,
           MAX_ROWS_PER_TABLE);
  return gsz__problems_add(cat->problems, table, "", NULL, line, diag);
}

/* Run sql; for each row call fn(r, row_index). Rows are counted against
 * MAX_ROWS_PER_TABLE; *count receives how many were read. */
typedef void (*row_fn)(reader *r, void *array, size_t i);

static gsz_err read_rows(gsz_catalog *cat, sqlite3 *db, const char *table, const char *sql,
                         size_t elem_size, void **array, size_t *count, row_fn fn, gsz_diag *diag) {
  reader r;
  reader_init(&r, cat, table, diag);
  *array = NULL;
  *count = 0;
  if (sqlite3_prepare_v2(db, sql, -1, &r.stmt, NULL) != SQLITE_OK)
    return unreadable_table(cat, db, table, diag);
  size_t n = 0, cap = 0;
  char *items = NULL;
  int rc;
  while ((rc = sqlite3_step(r.stmt)) == SQLITE_ROW) {
    if (n == MAX_ROWS_PER_TABLE) {
      r.err = too_many_rows(cat, table, diag);
      break;
    }
    if (n == cap) {
      size_t ncap = cap ? cap * 2 : 16;
      char *p = gsz__realloc(items, ncap * elem_size);
      if (p == NULL) {
        fail_nomem(&r);
        break;
      }
      items = p;
      cap = ncap;
    }
    memset(items + n * elem_size, 0, elem_size);
    fn(&r, items, n);
    if (failed(&r))
      break;
    n++;
  }
  if (!failed(&r) && rc != SQLITE_DONE && rc != SQLITE_ROW)
    r.err = gsz__db_error(diag, db, "could not read the catalog table", table);
  sqlite3_finalize(r.stmt);
  if (failed(&r)) {
    gsz__free(items);
    return r.err;
  }
  *array = items;
  *count = n;
  return GSZ_OK;
}

/* --- Row readers, one per table -----------------------------------------
 *
 * Checklist: the ranges here are the schema's CHECK constraints
 * (migrations/0001_initial.sql), required exactly where the column is
 * NOT NULL; db check reports every value these refuse. */

static void read_gpu(reader *r, void *array, size_t i) {
  gsz_gpu *g = (gsz_gpu *)array + i;
  start_row(r, 1);
  g->sku = col_text_req(r, 0);
  g->vendor = col_text_req(r, 1);
  g->name = col_text_req(r, 2);
  g->form_factor = col_text_req(r, 3);
  g->memory_mib = req_u32(r, 4, 1);
  g->usable_mib = req_u32(r, 5, 1);
  g->bandwidth_gbs = req_u32(r, 6, 1);
  g->tflops_bf16 = req_real(r, 7);
  g->tdp_w = req_u32(r, 8, 1);
  g->memory_type = col_text(r, 9);
  g->interconnect = col_text(r, 10);
  g->datacenter_ok = req_bool(r, 11);
  g->sellable = req_bool(r, 12);
  g->verified = req_bool(r, 13);
  g->usable_basis = col_text(r, 14);
  g->source = col_text(r, 15);
  g->as_of = col_text(r, 16);
  g->notes = col_text(r, 17);
  g->architecture = col_text(r, 18);
  g->lifecycle = (gsz_lifecycle)col_enum(r, 19, gsz__lifecycle_words, 3, true);
  g->lifecycle_date = col_text(r, 20);
  g->lifecycle_source = col_text(r, 21);
  /* Performance columns (migration 0007). */
  static const char *const links[] = {"", "nvswitch", "nvlink_bridge", "xgmi", "pcie", "roce"};
  g->tflops_fp8 = opt_real(r, 22, false);
  g->tops_int8 = opt_real(r, 23, false);
  g->tflops_fp4 = opt_real(r, 24, true);
  g->link = (gsz_link_kind)col_enum(r, 25, links, 6, false);
  g->link_gbs = opt_real(r, 26, true);
  g->link_gpus = (uint32_t)col_int(r, 27, 1, 1024, false);
  g->allreduce_busbw_gbs = opt_real(r, 28, true);
  g->allreduce_latency_us = opt_real(r, 29, true);
  g->perf_source = col_text(r, 30);
  g->perf_as_of = col_text(r, 31);
  if (row_good(r) && g->link == GSZ_LINK_UNKNOWN && sqlite3_column_type(r->stmt, 25) != SQLITE_NULL)
    bad_value(r, 25, GSZ_ESCHEMA, "nvswitch, nvlink_bridge, xgmi, pcie or roce");
  if (row_good(r) && g->usable_mib > g->memory_mib) {
    char expected[64];
    snprintf(expected, sizeof expected, "at most memory_mib %u", g->memory_mib);
    bad_value(r, 5, GSZ_ESCHEMA, expected);
  }
}

static void read_server(reader *r, void *array, size_t i) {
  gsz_server *s = (gsz_server *)array + i;
  start_row(r, 1);
  s->sku = col_text_req(r, 0);
  s->vendor = col_text_req(r, 1);
  s->name = col_text_req(r, 2);
  s->gpu_form_factor = col_text_req(r, 3);
  s->max_gpus = (uint32_t)req_int(r, 4, 1, 1024);
  s->rack_units = (uint32_t)req_int(r, 5, 0, 60);
  s->psu_w = req_u32(r, 6, 1);
  const char *chassis = col_text_req(r, 7);
  s->workstation = chassis != NULL && strcmp(chassis, "workstation") == 0;
  s->base_w = req_u32(r, 8, 0);
  s->gpus_included = req_bool(r, 9);
  s->psu_config = col_text(r, 10);
  s->cpu = col_text(r, 11);
  s->sellable = req_bool(r, 12);
  s->verified = req_bool(r, 13);
  s->source = col_text(r, 14);
  s->as_of = col_text(r, 15);
  s->notes = col_text(r, 16);
  s->rack_scale = req_bool(r, 17);
  s->cooling = (gsz_cooling)col_enum(r, 18, gsz__cooling_words, 2, true);
  s->scale_out = (gsz_scale_out)col_enum(r, 19, gsz__scale_out_words, 3, true);
  s->nic_slots = (uint32_t)col_int(r, 20, 0, 64, false); /* NULL: one per GPU */
  s->nic = NULL; /* resolved from nic_sku (column 21) once the NICs are read */
  s->psu_load_max_bp = (uint32_t)col_int(r, 22, 1, GSZ_BP_SCALE, false);
  s->lifecycle = (gsz_lifecycle)col_enum(r, 23, gsz__lifecycle_words, 3, true);
  s->lifecycle_date = col_text(r, 24);
  s->lifecycle_source = col_text(r, 25);
}

static void read_network_item(reader *r, void *array, size_t i) {
  gsz_network_item *n = (gsz_network_item *)array + i;
  static const char *const kinds[] = {"nic", "switch", "cable"};
  start_row(r, 1);
  n->sku = col_text_req(r, 0);
  n->kind = GSZ_ITEM_NIC + col_enum(r, 1, kinds, 3, true);
  n->vendor = col_text_req(r, 2);
  n->name = col_text_req(r, 3);
  n->fabric = (gsz_fabric)col_enum(r, 4, gsz__fabric_words, GSZ_FABRIC_COUNT, true);
  n->port_gbps = (uint32_t)req_int(r, 5, 1, 1600);
  n->ports = (uint32_t)req_int(r, 6, 1, 512);
  n->cable_role = (gsz_cable_role)col_enum(r, 7, gsz__cable_role_words, 4, false);
  n->power_w = (uint32_t)col_int(r, 8, 0, UINT32_MAX, false);
  n->rack_units = (uint32_t)req_int(r, 9, 0, 60);
  n->sellable = req_bool(r, 10);
  n->verified = req_bool(r, 11);
  n->source = col_text(r, 12);
  n->as_of = col_text(r, 13);
  n->notes = col_text(r, 14);
  if (row_good(r) && (n->kind == GSZ_ITEM_CABLE) != (n->cable_role != GSZ_CABLE_NONE))
    bad_value(r, 7, GSZ_ESCHEMA, "a cable_role for cables and only for them");
}

static void read_format_support(reader *r, void *array, size_t i) {
  gsz_format_support *f = (gsz_format_support *)array + i;
  static const char *const support[] = {"", "native", "weight_only", "none"};
  start_row(r, 3);
  f->architecture = col_text_req(r, 0);
  f->format = col_text_req(r, 1);
  f->runtime = col_text_req(r, 2);
  f->support = (gsz_support)col_enum(r, 3, support, 4, true);
  f->source = col_text_req(r, 4);
  f->notes = col_text(r, 5);
  if (row_good(r) && f->support == GSZ_SUPPORT_UNKNOWN)
    bad_value(r, 3, GSZ_ESCHEMA, "native, weight_only or none");
}

static void read_caveat(reader *r, void *array, size_t i) {
  gsz_caveat *c = (gsz_caveat *)array + i;
  start_row(r, 3);
  c->kind = col_text_req(r, 0);
  c->sku = col_text_req(r, 1);
  c->code = col_text_req(r, 2);
  c->text = col_text_req(r, 3);
  c->source = col_text(r, 4);
}

static void read_efficiency(reader *r, void *array, size_t i) {
  gsz_efficiency *e = (gsz_efficiency *)array + i;
  start_row(r, 2);
  e->runtime = col_text_req(r, 0);
  e->architecture = col_text_req(r, 1);
  e->eff_bw_bp = (uint32_t)req_int(r, 2, 1, GSZ_BP_SCALE);
  e->eff_compute_bp = (uint32_t)req_int(r, 3, 1, GSZ_BP_SCALE);
  e->eff_prefill_bp = (uint32_t)req_int(r, 4, 1, GSZ_BP_SCALE);
  e->step_overhead_us = (uint32_t)req_int(r, 5, 0, 1000000);
  e->ttft_overhead_us = (uint32_t)req_int(r, 6, 0, 10000000);
  e->chunk_tokens = (uint32_t)req_int(r, 7, 1, 1048576);
  e->moe_eff_bp = (uint32_t)req_int(r, 8, 1, GSZ_BP_SCALE);
  e->mfu_bp = (uint32_t)col_int(r, 9, 1, GSZ_BP_SCALE, false);
  e->mfu_moe_bp = (uint32_t)col_int(r, 10, 1, GSZ_BP_SCALE, false);
  e->source = col_text_req(r, 11);
  e->as_of = col_text(r, 12);
  e->notes = col_text(r, 13);
}

static void read_format(reader *r, void *array, size_t i) {
  gsz_format *f = (gsz_format *)array + i;
  start_row(r, 1);
  f->name = col_text_req(r, 0);
  f->block_elems = (uint32_t)req_int(r, 1, 1, 1048576);
  f->block_bytes = (uint32_t)req_int(r, 2, 1, 1048576);
  f->trainable = req_bool(r, 3);
  f->description = col_text(r, 4);
  f->source = col_text(r, 5);
}

static void read_runtime(reader *r, void *array, size_t i) {
  gsz_runtime *rt = (gsz_runtime *)array + i;
  start_row(r, 1);
  rt->name = col_text_req(r, 0);
  rt->engine = col_text_req(r, 1);
  rt->engine_version = col_text_req(r, 2);
  rt->mem_util_bp = (uint32_t)req_int(r, 3, 1, GSZ_BP_SCALE);
  rt->cuda_context_bytes = (uint64_t)req_int(r, 4, 0, INT64_MAX);
  rt->comm_buffer_bytes = (uint64_t)req_int(r, 5, 0, INT64_MAX);
  rt->activation_bytes = (uint64_t)req_int(r, 6, 0, INT64_MAX);
  rt->default_for = col_text(r, 7);
  rt->source = col_text(r, 8);
  rt->as_of = col_text(r, 9);
  rt->min_headroom_bp = (uint32_t)req_int(r, 28, 0, 5000); /* schema 3 (0003_deployability) */
  /* Schema 6 (migrations/0006_memory_model.sql); the ranges are its CHECKs. */
  rt->block_size = (uint32_t)req_int(r, 10, 0, 65536);
  rt->max_num_seqs = (uint32_t)req_int(r, 11, 0, 1048576);
  rt->max_num_seqs_small = (uint32_t)req_int(r, 12, 0, 1048576);
  rt->max_batched_tokens = (uint32_t)req_int(r, 13, 0, 16777216);
  rt->max_batched_tokens_small = (uint32_t)req_int(r, 14, 0, 16777216);
  rt->large_gpu_mib = (uint32_t)req_int(r, 15, 0, UINT32_MAX);
  rt->sampler_copies_milli = (uint32_t)req_int(r, 16, 0, 1000000);
  rt->sampler_base_bytes = (uint64_t)req_int(r, 17, 0, INT64_MAX);
  rt->forward_peak = req_bool(r, 18);
  rt->graph_bytes = (uint64_t)req_int(r, 19, 0, INT64_MAX);
  rt->graph_in_budget = req_bool(r, 20);
  rt->grad_bucket_bytes = (uint64_t)req_int(r, 21, 0, INT64_MAX);
  rt->zero2_buffer_bytes = (uint64_t)req_int(r, 22, 0, INT64_MAX);
  rt->zero3_live_params = (uint64_t)req_int(r, 23, 0, INT64_MAX);
  rt->zero3_prefetch_params = (uint64_t)req_int(r, 24, 0, INT64_MAX);
  rt->zero3_gather_layers = (uint32_t)req_int(r, 25, 0, 64);
  rt->fp32_grad_partition = req_bool(r, 26);
  rt->fragmentation_bp = (uint32_t)req_int(r, 27, 0, GSZ_BP_SCALE);
}

/* runtime_parallel rows carry their runtime's name until attached. */
typedef struct parallel_row {
  gsz_runtime_parallel row;
  const char *runtime;
} parallel_row;

static void read_parallel(reader *r, void *array, size_t i) {
  parallel_row *p = (parallel_row *)array + i;
  start_row(r, 3);
  p->runtime = col_text_req(r, 0);
  p->row.tp = (uint32_t)req_int(r, 1, 1, 4096);
  p->row.pp = (uint32_t)req_int(r, 2, 1, 4096);
  p->row.in_budget_bytes = (uint64_t)req_int(r, 3, 0, INT64_MAX);
  p->row.outside_bytes = (uint64_t)req_int(r, 4, 0, INT64_MAX);
  p->row.source = col_text_req(r, 5);
}

/* quant_recipe rows carry their format names until attached. */
typedef struct recipe_row {
  gsz_quant_recipe recipe;
  const char *format, *kept_format, *quantized;
} recipe_row;

static void read_recipe(reader *r, void *array, size_t i) {
  recipe_row *q = (recipe_row *)array + i;
  start_row(r, 1);
  q->format = col_text_req(r, 0);
  q->quantized = col_text_req(r, 1);
  q->recipe.value_bits = (uint32_t)req_int(r, 2, 0, 32);
  q->recipe.group_size = (uint32_t)req_int(r, 3, 0, 1048576);
  q->recipe.group_rows = (uint32_t)req_int(r, 4, 1, 65536);
  q->recipe.scale_bits = (uint32_t)req_int(r, 5, 0, 64);
  q->recipe.zero_bits = (uint32_t)req_int(r, 6, 0, 64);
  q->recipe.group2_size = (uint32_t)req_int(r, 7, 0, 1048576);
  q->recipe.group2_bits = (uint32_t)req_int(r, 8, 0, 64);
  q->recipe.column_bits = (uint32_t)req_int(r, 9, 0, 64);
  q->recipe.tensor_bytes = (uint32_t)req_int(r, 10, 0, 1048576);
  q->kept_format = col_text(r, 11);
  q->recipe.gguf_ftype = col_text(r, 12);
  q->recipe.description = col_text_req(r, 13);
  q->recipe.source = col_text_req(r, 14);
  if (!row_good(r))
    return;
  static const char *const scopes[] = {"linear", "experts", "gguf"};
  static const char *const ftypes[] = {"q4_0", "q8_0", "q4_k_m", "q5_k_m", "q6_k"};
  bool known = false;
  for (size_t s = 0; s < sizeof scopes / sizeof scopes[0]; s++)
    if (strcmp(q->quantized, scopes[s]) == 0) {
      q->recipe.quantized = (gsz_quant_scope)s;
      known = true;
    }
  if (!known) {
    bad_value(r, 1, GSZ_ESCHEMA, "linear, experts or gguf");
    return;
  }
  bool gguf = q->recipe.quantized == GSZ_QUANT_GGUF;
  known = q->recipe.gguf_ftype == NULL;
  for (size_t s = 0; s < sizeof ftypes / sizeof ftypes[0] && !known; s++)
    known = strcmp(q->recipe.gguf_ftype, ftypes[s]) == 0;
  if (!known || gguf != (q->recipe.gguf_ftype != NULL))
    bad_value(r, 12, GSZ_ESCHEMA,
              "a llama.cpp file type (q4_0, q8_0, q4_k_m, q5_k_m, q6_k) exactly when quantized is "
              "gguf");
  else if (!gguf && q->recipe.value_bits == 0)
    bad_value(r, 2, GSZ_ESCHEMA, "at least 1 bit per value");
}

static void read_gpu_visible(reader *r, void *array, size_t i) {
  gsz_gpu_visible *v = (gsz_gpu_visible *)array + i;
  start_row(r, 1);
  v->gpu_sku = col_text_req(r, 0);
  v->visible_mib = req_u32(r, 1, 1);
  v->basis = col_text_req(r, 2);
  v->source = col_text_req(r, 3);
  v->as_of = col_text(r, 4);
}

static void read_model(reader *r, void *array, size_t i) {
  gsz_arch *m = (gsz_arch *)array + i;
  start_row(r, 1);
  m->name = col_text_req(r, 0);
  m->hf_id = col_text(r, 1);
  m->model_type = col_text_req(r, 2);
  m->hidden_size = req_u32(r, 3, 1);
  m->intermediate_size = req_u32(r, 4, 1);
  m->num_hidden_layers = req_u32(r, 5, 1);
  m->num_attention_heads = req_u32(r, 6, 1);
  m->num_key_value_heads = opt_u32(r, 7, 1);
  m->head_dim = opt_u32(r, 8, 1);
  m->vocab_size = req_u32(r, 9, 1);
  m->tie_word_embeddings = req_bool(r, 10);
  m->qkv_bias = req_bool(r, 11);
  m->o_bias = req_bool(r, 12);
  m->sliding_window = opt_u32(r, 13, 1);
  m->sliding_window_pattern = opt_u32(r, 14, 1);
  m->max_position_embeddings = opt_u32(r, 15, 1);
  m->num_local_experts = opt_u32(r, 16, 1);
  m->num_experts_per_tok = opt_u32(r, 17, 1);
  m->moe_intermediate_size = opt_u32(r, 18, 1);
  m->n_shared_experts = opt_u32(r, 19, 0);
  m->first_k_dense_replace = opt_u32(r, 20, 0);
  m->q_lora_rank = opt_u32(r, 21, 1);
  m->kv_lora_rank = opt_u32(r, 22, 1);
  m->qk_nope_head_dim = opt_u32(r, 23, 1);
  m->qk_rope_head_dim = opt_u32(r, 24, 1);
  m->v_head_dim = opt_u32(r, 25, 1);
  m->source = col_text(r, 26);
  m->moe_layer_step = opt_u32(r, 27, 1); /* table model_moe_step, migration 0004 */
}

static void read_currency(reader *r, void *array, size_t i) {
  gsz_currency *c = (gsz_currency *)array + i;
  start_row(r, 1);
  const char *code = col_text_req(r, 0);
  if (code != NULL && strlen(code) == 3)
    memcpy(c->code, code, 4);
  else if (row_good(r))
    bad_value(r, 0, GSZ_ESCHEMA, "a 3-letter code");
  c->minor_digits = (uint32_t)req_int(r, 1, 0, 4);
  c->name = col_text(r, 2);
}

static void read_alias(reader *r, void *array, size_t i) {
  gsz_alias *a = (gsz_alias *)array + i;
  start_row(r, 1);
  a->alias = col_text_req(r, 0);
  a->target = col_text_req(r, 1);
}

static void read_stock_row(reader *r, void *array, size_t i) {
  gsz_stock_row *s = (gsz_stock_row *)array + i;
  start_row(r, 3);
  s->kind = col_text_req(r, 0);
  s->sku = col_text_req(r, 1);
  s->location = col_text_req(r, 2);
  s->on_hand = req_int(r, 3, 0, INT32_MAX);
  s->reserved = req_int(r, 4, 0, INT32_MAX);
  s->lead_time_days = (int32_t)req_int(r, 5, 0, 36500);
  s->as_of = col_text(r, 6);
  s->note = col_text(r, 7);
  if (row_good(r) && s->reserved > s->on_hand) {
    char expected[64];
    snprintf(expected, sizeof expected, "at most on_hand %lld", (long long)s->on_hand);
    bad_value(r, 4, GSZ_ESCHEMA, expected);
  }
}

/* --- Prices, stock and exchange rates in force --------------------------- */

/* The price and stock of the item of kind ("gpu", "server", "nic", ...)
 * whose SKU is sku; false when there is none. */
static bool item_slots(gsz_catalog *cat, const char *kind, const char *sku, gsz_unit_price **price,
                       gsz_stock_total **stock) {
  long i;
  gsz_network_item *net = NULL;
  if (strcmp(kind, "gpu") == 0) {
    if ((i = gsz__gpu_index(cat->gpus, cat->data.n_gpus, sku)) < 0)
      return false;
    *price = &cat->gpus[i].price;
    *stock = &cat->gpus[i].stock;
    return true;
  }
  if (strcmp(kind, "server") == 0) {
    if ((i = gsz__server_index(cat->servers, cat->data.n_servers, sku)) < 0)
      return false;
    *price = &cat->servers[i].price;
    *stock = &cat->servers[i].stock;
    return true;
  }
  if (strcmp(kind, "nic") == 0 && (i = gsz__network_index(cat->nics, cat->data.n_nics, sku)) >= 0)
    net = &cat->nics[i];
  else if (strcmp(kind, "switch") == 0 &&
           (i = gsz__network_index(cat->switches, cat->data.n_switches, sku)) >= 0)
    net = &cat->switches[i];
  else if (strcmp(kind, "cable") == 0 &&
           (i = gsz__network_index(cat->cables, cat->data.n_cables, sku)) >= 0)
    net = &cat->cables[i];
  if (net == NULL)
    return false;
  *price = &net->price;
  *stock = &net->stock;
  return true;
}

static gsz_unit_price *price_slot(gsz_catalog *cat, const char *kind, const char *sku) {
  gsz_unit_price *p;
  gsz_stock_total *t;
  return item_slots(cat, kind, sku, &p, &t) ? p : NULL;
}

/* Every price row is read and checked, history and later rows included:
 * a bad value in a row dated next month must not wait for that month to
 * stop every quote. */
static void read_price_row(reader *r, void *array, size_t i) {
  gsz_price_row *p = (gsz_price_row *)array + i;
  start_row(r, 3);
  p->kind = col_text_req(r, 0);
  p->sku = col_text_req(r, 1);
  p->as_of = col_text_req(r, 2);
  p->amount_minor = req_int(r, 3, 0, INT64_MAX);
  const char *cur = col_text_req(r, 4);
  if (cur != NULL && strlen(cur) == 3)
    memcpy(p->currency, cur, 4);
  else if (row_good(r))
    bad_value(r, 4, GSZ_ESCHEMA, "a 3-letter currency code");
  p->source = col_text(r, 5);
  p->basis = col_text(r, 6);
}

/* Each item's price is its latest row not after today. The rows come by
 * kind, SKU (NOCASE, the order of gsz__str_icmp) and as_of, so an item's
 * rows follow each other, oldest first. */
static void attach_prices(gsz_catalog *cat) {
  gsz_price_row *rows = cat->price_rows;
  size_t n = cat->n_price_rows;
  for (size_t i = 0; i < n;) {
    size_t end = i + 1;
    while (end < n && strcmp(rows[end].kind, rows[i].kind) == 0 &&
           gsz__str_icmp(rows[end].sku, rows[i].sku) == 0)
      end++;
    size_t current = n;
    for (size_t k = i; k < end; k++) {
      bool later = strcmp(rows[k].as_of, cat->today) > 0;
      rows[k].status = later ? GSZ_PRICE_FUTURE : GSZ_PRICE_HISTORY;
      if (!later)
        current = k;
    }
    if (current < n) {
      gsz_price_row *row = &rows[current];
      row->status = GSZ_PRICE_CURRENT;
      gsz_unit_price *p = price_slot(cat, row->kind, row->sku);
      if (p != NULL) /* else a dangling row; db check reports it */
        *p = (gsz_unit_price){.present = true,
                              .amount_minor = row->amount_minor,
                              .as_of = row->as_of,
                              .source = row->source,
                              .basis = row->basis};
      if (p != NULL)
        memcpy(p->currency, row->currency, 4);
    }
    i = end;
  }
}

/* Stock rows dated after today (stock on its way) count from that day. */
static void attach_stock(gsz_catalog *cat) {
  for (size_t i = 0; i < cat->data.n_stock; i++) {
    const gsz_stock_row *row = &cat->stock[i];
    if (row->as_of != NULL && strcmp(row->as_of, cat->today) > 0)
      continue;
    gsz_unit_price *p;
    gsz_stock_total *t;
    if (!item_slots(cat, row->kind, row->sku, &p, &t))
      continue;
    if (!t->present || row->lead_time_days < t->lead_time_days)
      t->lead_time_days = row->lead_time_days;
    t->present = true;
    /* Rows are capped at INT32_MAX and tables at a million rows: no overflow. */
    t->on_hand += row->on_hand;
    t->reserved += row->reserved;
    t->available += row->on_hand - row->reserved;
  }
}

/* Each caveat's item, by kind and index, so that a quote matches caveats
 * to its bill's lines without comparing strings. */
static void attach_caveats(gsz_catalog *cat) {
  for (size_t i = 0; i < cat->data.n_caveats; i++) {
    gsz_caveat *c = &cat->caveats[i];
    gsz_item_kind kind = gsz_item_kind_find(c->kind);
    c->resolved = true;
    c->item_kind = (int)kind;
    /* By SKU only: a GPU's aliases are names for quotes, not for caveats. */
    c->item_index = kind == GSZ_ITEM_GPU ? gsz__gpu_index(cat->gpus, cat->data.n_gpus, c->sku)
                    : kind < GSZ_ITEM_KIND_COUNT ? gsz_catalog_find_item(&cat->data, kind, c->sku)
                                                 : -1;
  }
}

/* The largest rate the schema allows (rate_e9 BETWEEN 1 AND 10^15). */
#define MAX_RATE_E9 INT64_C(1000000000000000)

static void read_code(reader *r, int col, char out[4]) {
  const char *code = col_text_req(r, col);
  if (code != NULL && strlen(code) == 3)
    memcpy(out, code, 4);
  else if (row_good(r))
    bad_value(r, col, GSZ_ESCHEMA, "a 3-letter currency code");
}

static void read_fx_row(reader *r, void *array, size_t i) {
  gsz_fx_rate *x = (gsz_fx_rate *)array + i;
  start_row(r, 3);
  read_code(r, 0, x->from);
  read_code(r, 1, x->to);
  x->as_of = col_text_req(r, 2);
  x->rate = req_int(r, 3, 1, MAX_RATE_E9);
  x->source = col_text(r, 4);
}

/* A rate x 10^9 as short decimal text: 1085000000 -> "1.085". */
static void rate_text(char *buf, size_t size, int64_t rate) {
  gsz_money_format(buf, size, rate, 9, false);
  size_t n = strlen(buf);
  while (n > 0 && buf[n - 1] == '0')
    buf[--n] = '\0';
  if (n > 0 && buf[n - 1] == '.')
    buf[--n] = '\0';
}

/* Keep, for each pair, the rate in force: its latest row not after today
 * (the rows come by pair and as_of). */
static gsz_err keep_rates_in_force(gsz_catalog *cat, gsz_diag *diag) {
  gsz_fx_rate *rates = cat->fx_rates;
  size_t n = cat->data.n_fx_rates, kept = 0;
  for (size_t i = 0; i < n;) {
    size_t end = i + 1;
    while (end < n && strcmp(rates[end].from, rates[i].from) == 0 &&
           strcmp(rates[end].to, rates[i].to) == 0)
      end++;
    size_t in_force = n;
    for (size_t k = i; k < end; k++)
      if (strcmp(rates[k].as_of, cat->today) <= 0)
        in_force = k;
    if (in_force < n) {
      gsz_fx_rate x = rates[in_force];
      char rate[48], label[160];
      rate_text(rate, sizeof rate, x.rate);
      snprintf(label, sizeof label, "x %s %s->%s (catalog exchange_rate of %s)", rate, x.from, x.to,
               x.as_of);
      if ((x.label = gsz__arena_strndup(&cat->strings, label, strlen(label))) == NULL)
        return gsz__diag_nomem(diag);
      rates[kept++] = x;
    }
    i = end;
  }
  cat->data.n_fx_rates = kept;
  return GSZ_OK;
}

static void read_candidate(reader *r, void *array, size_t i) {
  gsz_alias_candidate *c = (gsz_alias_candidate *)array + i;
  start_row(r, 2);
  c->alias = col_text_req(r, 0);
  c->candidate = col_text_req(r, 1);
  c->in_catalog = req_bool(r, 2);
  c->note = col_text(r, 3);
}

static int compare_fit(const void *pa, const void *pb) {
  const gsz_fit *a = pa, *b = pb;
  if (a->gpu != b->gpu)
    return a->gpu < b->gpu ? -1 : 1;
  if (a->server != b->server)
    return a->server < b->server ? -1 : 1;
  return (a->count > b->count) - (a->count < b->count);
}

/* Append count to the fits; false when the table is too big or memory
 * runs out (r->err says which). */
static bool add_fit(reader *r, gsz_fit **fits, size_t *n, size_t *cap, gsz_fit fit) {
  if (*n == MAX_ROWS_PER_TABLE) {
    r->err = too_many_rows(r->cat, "server_gpu", r->diag);
    return false;
  }
  if (*n == *cap) {
    size_t ncap = *cap ? *cap * 2 : 64;
    gsz_fit *p = gsz__realloc(*fits, ncap * sizeof *p);
    if (p == NULL) {
      fail_nomem(r);
      return false;
    }
    *fits = p;
    *cap = ncap;
  }
  (*fits)[(*n)++] = fit;
  return true;
}

/* server_gpu, each row's counts expanded: gpu_count alone, or gpu_count,
 * gpu_count + gpu_count_step, ... up to gpu_count_max (migrations/0005:
 * the same rules as its CHECK constraints). Overlapping rows (refused by
 * the triggers, listed by db check) give each count once. */
static gsz_err read_fits(gsz_catalog *cat, sqlite3 *db, gsz_diag *diag) {
  reader r;
  reader_init(&r, cat, "server_gpu", diag);
  if (sqlite3_prepare_v2(db,
                         "SELECT server_sku, gpu_sku, gpu_count, gpu_count_max, gpu_count_step "
                         "FROM server_gpu",
                         -1, &r.stmt, NULL) != SQLITE_OK)
    return unreadable_table(cat, db, "server_gpu", diag);
  size_t n = 0, cap = 0;
  gsz_fit *fits = NULL;
  int rc;
  while ((rc = sqlite3_step(r.stmt)) == SQLITE_ROW) {
    start_row(&r, 3);
    const char *server = col_key(&r, 0);
    const char *gpu = col_key(&r, 1);
    uint32_t count = (uint32_t)req_int(&r, 2, 1, 1024);
    uint32_t last = count, step = 1;
    if (row_good(&r)) {
      char expected[96];
      snprintf(expected, sizeof expected, "NULL or an integer from gpu_count %u to 1024", count);
      if (sqlite3_column_type(r.stmt, 3) != SQLITE_NULL) {
        int64_t max = sqlite3_column_int64(r.stmt, 3);
        if (sqlite3_column_type(r.stmt, 3) != SQLITE_INTEGER || max < count || max > 1024)
          bad_value(&r, 3, GSZ_ESCHEMA, expected);
        else
          last = (uint32_t)max;
      }
      step = (uint32_t)req_int(&r, 4, 1, 1024);
      if (row_good(&r) && (last - count) % step != 0) {
        snprintf(expected, sizeof expected,
                 "a step that reaches gpu_count_max %u from gpu_count %u", last, count);
        bad_value(&r, 4, GSZ_ESCHEMA, expected);
      }
    }
    if (failed(&r))
      break;
    if (server == NULL || gpu == NULL || r.row_bad)
      continue; /* listed by db check */
    long si = gsz__server_index(cat->servers, cat->data.n_servers, server);
    long gi = gsz__gpu_index(cat->gpus, cat->data.n_gpus, gpu);
    if (si < 0 || gi < 0)
      continue; /* dangling; db check reports it */
    for (uint32_t c = count; c <= last; c += step)
      if (!add_fit(&r, &fits, &n, &cap, (gsz_fit){(uint32_t)gi, (uint32_t)si, c}))
        break;
    if (failed(&r))
      break;
  }
  if (!failed(&r) && rc != SQLITE_DONE && rc != SQLITE_ROW)
    r.err = gsz__db_error(diag, db, "could not read the catalog table", "server_gpu");
  sqlite3_finalize(r.stmt);
  if (failed(&r)) {
    gsz__free(fits);
    return r.err;
  }
  if (n > 1)
    qsort(fits, n, sizeof *fits, compare_fit);
  size_t unique = 0;
  for (size_t i = 0; i < n; i++)
    if (unique == 0 || compare_fit(&fits[unique - 1], &fits[i]) != 0)
      fits[unique++] = fits[i];
  cat->fits = fits;
  cat->data.fits = fits;
  cat->data.n_fits = unique;
  return GSZ_OK;
}

/* The catalog-wide settings, and each server's NIC by SKU. A setting that
 * is not a number where one is wanted, or a NIC that is not in
 * network_item, is a catalog error naming it (db check lists it). */
static gsz_err read_settings(gsz_catalog *cat, sqlite3 *db, gsz_diag *diag) {
  gsz_settings *st = &cat->data.settings;
  *st = (gsz_settings){NULL, 0, 0, 0, false};
  reader r;
  reader_init(&r, cat, "setting", diag);
  if (sqlite3_prepare_v2(db, "SELECT name, value FROM setting ORDER BY name", -1, &r.stmt, NULL) !=
      SQLITE_OK)
    return unreadable_table(cat, db, "setting", diag);
  int rc = SQLITE_DONE;
  while (!failed(&r) && (rc = sqlite3_step(r.stmt)) == SQLITE_ROW) {
    start_row(&r, 1);
    const char *name = col_key(&r, 0), *value = col_key(&r, 1);
    if (name == NULL || value == NULL)
      continue;
    char *end = NULL;
    unsigned long long v = strtoull(value, &end, 10);
    bool number = *value >= '0' && *value <= '9' && *end == '\0' && v <= UINT32_MAX;
    if (strcmp(name, "default_nic") == 0) {
      long i = gsz__network_index(cat->nics, cat->data.n_nics, value);
      if (i < 0)
        bad_value(&r, 1, GSZ_ESCHEMA, "the SKU of a network_item of kind nic");
      else
        st->default_nic = &cat->nics[i];
    } else if (strcmp(name, "psu_load_max_bp") == 0) {
      if (!number || v < 1 || v > GSZ_BP_SCALE)
        bad_value(&r, 1, GSZ_ESCHEMA, "an integer from 1 to 10000");
      else
        st->psu_load_max_bp = (uint32_t)v;
    } else if (strcmp(name, "wall_outlet_w") == 0) {
      if (!number || v < 1)
        bad_value(&r, 1, GSZ_ESCHEMA, "a positive integer of watts");
      else
        st->wall_outlet_w = (uint32_t)v;
    } else if (strcmp(name, "pp_nics_per_node") == 0) {
      if (!number || v < 1 || v > 16)
        bad_value(&r, 1, GSZ_ESCHEMA, "an integer from 1 to 16");
      else
        st->pp_nics_per_node = (uint32_t)v;
    } else if (strcmp(name, "sample_stock") == 0) {
      st->sample_stock = strcmp(value, "1") == 0;
    }
  }
  /* A step that stops short (out of memory, I/O) is an error, not the end
   * of the table: a setting silently missing would change answers. */
  if (!failed(&r) && rc != SQLITE_DONE && rc != SQLITE_ROW)
    r.err = gsz__db_error(diag, db, "could not read the catalog table", "setting");
  sqlite3_finalize(r.stmt);
  if (failed(&r))
    return r.err;
  /* Each server's NIC. */
  reader_init(&r, cat, "server", diag);
  if (sqlite3_prepare_v2(db, "SELECT sku, nic_sku FROM server WHERE nic_sku IS NOT NULL", -1,
                         &r.stmt, NULL) != SQLITE_OK)
    return unreadable_table(cat, db, "server", diag);
  while (!failed(&r) && (rc = sqlite3_step(r.stmt)) == SQLITE_ROW) {
    start_row(&r, 1);
    const char *sku = col_key(&r, 0), *nic = col_key(&r, 1);
    if (sku == NULL || nic == NULL)
      continue;
    long s = gsz__server_index(cat->servers, cat->data.n_servers, sku);
    long n = gsz__network_index(cat->nics, cat->data.n_nics, nic);
    if (n < 0)
      bad_value(&r, 1, GSZ_ESCHEMA, "the SKU of a network_item of kind nic");
    else if (s >= 0)
      cat->servers[s].nic = &cat->nics[n];
  }
  if (!failed(&r) && rc != SQLITE_DONE && rc != SQLITE_ROW)
    r.err = gsz__db_error(diag, db, "could not read the catalog table", "server");
  sqlite3_finalize(r.stmt);
  return r.err;
}

/* --- The memory model's tables (schema 6), attached to their records --- */

#define READ_TABLE_OR_RETURN(table, sql, field, fn)                                                \
  do {                                                                                             \
    void *rows_ = NULL;                                                                            \
    size_t count_ = 0;                                                                             \
    err = read_rows(cat, db, table, sql, sizeof *cat->field, &rows_, &count_, fn, diag);           \
    if (err != GSZ_OK)                                                                             \
      return err;                                                                                  \
    cat->field = rows_;                                                                            \
    cat->data.field = rows_;                                                                       \
    cat->data.n_##field = count_;                                                                  \
  } while (0)

static long runtime_index(const gsz_catalog *cat, const char *name) {
  for (size_t i = 0; i < cat->data.n_runtimes; i++)
    if (gsz__str_ieq(cat->runtimes[i].name, name))
      return (long)i;
  return -1;
}

static gsz_format *format_named(gsz_catalog *cat, const char *name) {
  for (size_t i = 0; i < cat->data.n_formats; i++)
    if (gsz__str_ieq(cat->formats[i].name, name))
      return &cat->formats[i];
  return NULL;
}

/* A row naming a record that is not there: the triggers keep a catalog from
 * holding one, a file edited with them dropped can. db check lists it (its
 * foreign-key rule); loading ignores the row, as it does dangling prices. */
static gsz_err read_memory_model(gsz_catalog *cat, sqlite3 *db, gsz_diag *diag) {
  gsz_err err;
  void *items = NULL;
  size_t n = 0;
  /* Ordered by runtime, then tp and pp: each runtime's rows are a run. */
  err = read_rows(cat, db, "runtime_parallel",
                  "SELECT runtime, tp, pp, in_budget_bytes, outside_bytes, source "
                  "FROM runtime_parallel ORDER BY runtime, tp, pp",
                  sizeof(parallel_row), &items, &n, read_parallel, diag);
  if (err != GSZ_OK)
    return err;
  parallel_row *rows = items;
  cat->parallel = n ? gsz__calloc(n, sizeof *cat->parallel) : NULL;
  if (n && cat->parallel == NULL) {
    gsz__free(rows);
    return gsz__diag_nomem(diag);
  }
  size_t kept = 0;
  for (size_t i = 0; i < n; i++) {
    long rt = runtime_index(cat, rows[i].runtime);
    if (rt < 0)
      continue;
    gsz_runtime *r = &cat->runtimes[rt];
    if (r->n_parallel == 0)
      r->parallel = &cat->parallel[kept];
    else if (r->parallel + r->n_parallel != &cat->parallel[kept])
      continue; /* not a run: only a NOCASE twin of the name could do this */
    cat->parallel[kept++] = rows[i].row;
    r->n_parallel++;
  }
  gsz__free(rows);

  err = read_rows(cat, db, "quant_recipe",
                  "SELECT format, quantized, value_bits, group_size, group_rows, scale_bits, "
                  "zero_bits, group2_size, group2_bits, column_bits, tensor_bytes, kept_format, "
                  "gguf_ftype, description, source FROM quant_recipe ORDER BY format",
                  sizeof(recipe_row), &items, &n, read_recipe, diag);
  if (err != GSZ_OK)
    return err;
  recipe_row *recipes = items;
  cat->recipes = n ? gsz__calloc(n, sizeof *cat->recipes) : NULL;
  if (n && cat->recipes == NULL) {
    gsz__free(recipes);
    return gsz__diag_nomem(diag);
  }
  for (size_t i = 0; i < n; i++) {
    gsz_format *f = format_named(cat, recipes[i].format);
    const gsz_format *kept_format =
        recipes[i].kept_format ? format_named(cat, recipes[i].kept_format) : NULL;
    if (f == NULL || (recipes[i].kept_format != NULL && kept_format == NULL))
      continue;
    cat->recipes[i] = recipes[i].recipe;
    cat->recipes[i].kept_format = kept_format;
    f->recipe = &cat->recipes[i];
  }
  gsz__free(recipes);

  READ_TABLE_OR_RETURN("gpu_visible_memory",
                       "SELECT gpu_sku, visible_mib, basis, source, as_of "
                       "FROM gpu_visible_memory ORDER BY gpu_sku",
                       gpu_visible, read_gpu_visible);
  return GSZ_OK;
}

/* --- Whole catalog -------------------------------------------------- */

void gsz_catalog_free(gsz_catalog *cat) {
  if (cat == NULL)
    return;
  gsz__free(cat->gpus);
  gsz__free(cat->servers);
  gsz__free(cat->fits);
  gsz__free(cat->formats);
  gsz__free(cat->runtimes);
  gsz__free(cat->models);
  gsz__free(cat->currencies);
  gsz__free(cat->gpu_aliases);
  gsz__free(cat->model_aliases);
  gsz__free(cat->stock);
  gsz__free(cat->nics);
  gsz__free(cat->switches);
  gsz__free(cat->cables);
  gsz__free(cat->format_support);
  gsz__free(cat->caveats);
  gsz__free(cat->price_rows);
  gsz__free(cat->fx_rates);
  gsz__free(cat->gpu_alias_candidates);
  gsz__free(cat->parallel);
  gsz__free(cat->recipes);
  gsz__free(cat->gpu_visible);
  gsz__free(cat->efficiency);
  gsz__arena_free(&cat->strings);
  gsz__free(cat);
}

const gsz_catalog_data *gsz_catalog_get(const gsz_catalog *cat) {
  return &cat->data;
}

#define READ_TABLE(table, sql, field, fn)                                                          \
  do {                                                                                             \
    void *items = NULL;                                                                            \
    size_t count = 0;                                                                              \
    err = read_rows(cat, db, table, sql, sizeof *cat->field, &items, &count, fn, diag);            \
    if (err != GSZ_OK)                                                                             \
      goto fail;                                                                                   \
    cat->field = items;                                                                            \
    cat->data.field = items;                                                                       \
    cat->data.n_##field = count;                                                                   \
  } while (0)

/* Read the whole catalog as in force on today (a real date, checked by
 * the caller); with problems (db check), bad values are listed there
 * instead of failing. */
static gsz_err load(gsz_catalog **out, sqlite3 *db, const char *origin, const char *today,
                    gsz__problems *problems, gsz_diag *diag) {
  gsz_err err;
  gsz_catalog *cat = gsz__calloc(1, sizeof *cat);
  if (cat == NULL)
    return gsz__diag_nomem(diag);
  snprintf(cat->today, sizeof cat->today, "%s", today);
  cat->data.today = cat->today;
  cat->problems = problems;
  cat->strings.block_size = 65536;
  cat->data.origin = gsz__arena_strndup(&cat->strings, origin, strlen(origin));
  if (cat->data.origin == NULL) {
    err = gsz__diag_nomem(diag);
    goto fail;
  }
  cat->data.schema_version = gsz_catalog_schema_version();

  /* ORDER BY uses each key's NOCASE collation, matching gsz__str_icmp. */
  READ_TABLE("gpu",
             "SELECT sku, vendor, name, form_factor, memory_mib, usable_mib, bandwidth_gbs, "
             "tflops_bf16, tdp_w, memory_type, interconnect, datacenter_ok, sellable, verified, "
             "usable_basis, source, as_of, notes, architecture, lifecycle, lifecycle_date, "
             "lifecycle_source, tflops_fp8, tops_int8, tflops_fp4, link, link_gbs, link_gpus, "
             "allreduce_busbw_gbs, allreduce_latency_us, perf_source, perf_as_of "
             "FROM gpu ORDER BY sku",
             gpus, read_gpu);
  READ_TABLE("server",
             "SELECT sku, vendor, name, gpu_form_factor, max_gpus, rack_units, psu_w, chassis, "
             "base_w, gpus_included, psu_config, cpu, sellable, verified, source, as_of, notes, "
             "rack_scale, cooling, scale_out, nic_slots, nic_sku, psu_load_max_bp, lifecycle, "
             "lifecycle_date, lifecycle_source FROM server ORDER BY sku",
             servers, read_server);
  READ_TABLE("number_format",
             "SELECT name, block_elems, block_bytes, trainable, description, source "
             "FROM number_format ORDER BY name",
             formats, read_format);
  READ_TABLE("runtime",
             "SELECT name, engine, engine_version, mem_util_bp, cuda_context_bytes, "
             "comm_buffer_bytes, activation_bytes, default_for, source, as_of, block_size, "
             "max_num_seqs, max_num_seqs_small, max_batched_tokens, max_batched_tokens_small, "
             "large_gpu_mib, sampler_copies_milli, sampler_base_bytes, forward_peak, graph_bytes, "
             "graph_in_budget, grad_bucket_bytes, zero2_buffer_bytes, zero3_live_params, "
             "zero3_prefetch_params, zero3_gather_layers, fp32_grad_partition, fragmentation_bp, "
             "min_headroom_bp FROM runtime ORDER BY name",
             runtimes, read_runtime);
  READ_TABLE("model",
             "SELECT name, hf_id, model_type, hidden_size, intermediate_size, num_hidden_layers, "
             "num_attention_heads, num_key_value_heads, head_dim, vocab_size, "
             "tie_word_embeddings, qkv_bias, o_bias, sliding_window, sliding_window_pattern, "
             "max_position_embeddings, num_local_experts, num_experts_per_tok, "
             "moe_intermediate_size, n_shared_experts, first_k_dense_replace, q_lora_rank, "
             "kv_lora_rank, qk_nope_head_dim, qk_rope_head_dim, v_head_dim, source, "
             "moe_layer_step FROM model LEFT JOIN model_moe_step ON model_name = name "
             "ORDER BY name",
             models, read_model);
  READ_TABLE("currency", "SELECT code, minor_digits, name FROM currency ORDER BY code", currencies,
             read_currency);
  READ_TABLE("gpu_alias", "SELECT alias, gpu_sku FROM gpu_alias ORDER BY alias", gpu_aliases,
             read_alias);
  READ_TABLE("model_alias", "SELECT alias, model_name FROM model_alias ORDER BY alias",
             model_aliases, read_alias);
  READ_TABLE("inventory",
             "SELECT kind, sku, location, on_hand, reserved, lead_time_days, as_of, note "
             "FROM inventory ORDER BY kind, sku, location",
             stock, read_stock_row);
#define NETWORK_SQL(kind)                                                                          \
  "SELECT sku, kind, vendor, name, fabric, port_gbps, ports, cable_role, power_w, rack_units, "    \
  "sellable, verified, source, as_of, notes FROM network_item WHERE kind = '" kind                 \
  "' ORDER BY sku"
  READ_TABLE("network_item", NETWORK_SQL("nic"), nics, read_network_item);
  READ_TABLE("network_item", NETWORK_SQL("switch"), switches, read_network_item);
  READ_TABLE("network_item", NETWORK_SQL("cable"), cables, read_network_item);
#undef NETWORK_SQL
  READ_TABLE("format_support",
             "SELECT architecture, format, runtime, support, source, notes FROM format_support "
             "ORDER BY architecture COLLATE BINARY, format COLLATE NOCASE, runtime",
             format_support, read_format_support);
  READ_TABLE("caveat", "SELECT kind, sku, code, text, source FROM caveat ORDER BY kind, sku, code",
             caveats, read_caveat);
  READ_TABLE("runtime_efficiency",
             "SELECT runtime, architecture, eff_bw_bp, eff_compute_bp, eff_prefill_bp, "
             "step_overhead_us, ttft_overhead_us, chunk_tokens, moe_eff_bp, mfu_bp, mfu_moe_bp, "
             "source, as_of, notes FROM runtime_efficiency ORDER BY runtime, architecture",
             efficiency, read_efficiency);

  READ_TABLE("exchange_rate",
             "SELECT from_currency, to_currency, as_of, rate_e9, source FROM exchange_rate "
             "ORDER BY from_currency, to_currency, as_of",
             fx_rates, read_fx_row);
  READ_TABLE("gpu_alias_ambiguous",
             "SELECT alias, candidate, in_catalog, note FROM gpu_alias_ambiguous "
             "ORDER BY alias, candidate",
             gpu_alias_candidates, read_candidate);
  {
    void *rows = NULL;
    err = read_rows(cat, db, "price",
                    "SELECT kind, sku, as_of, amount_minor, currency, source, basis FROM price "
                    "ORDER BY kind, sku, as_of",
                    sizeof *cat->price_rows, &rows, &cat->n_price_rows, read_price_row, diag);
    if (err != GSZ_OK)
      goto fail;
    cat->price_rows = rows;
  }

  if ((err = read_memory_model(cat, db, diag)) != GSZ_OK)
    goto fail;
  if ((err = read_fits(cat, db, diag)) != GSZ_OK)
    goto fail;
  if ((err = read_settings(cat, db, diag)) != GSZ_OK)
    goto fail;
  if ((err = keep_rates_in_force(cat, diag)) != GSZ_OK)
    goto fail;
  attach_prices(cat);
  attach_stock(cat);
  attach_caveats(cat);
  cat->problems = NULL;
  *out = cat;
  return GSZ_OK;

fail:
  gsz_catalog_free(cat);
  return err;
}

gsz_err gsz__catalog_load(gsz_catalog **out, sqlite3 *db, const char *origin, const char *today,
                          gsz_diag *diag) {
  return load(out, db, origin, today, NULL, diag);
}

gsz_err gsz__catalog_check(sqlite3 *db, const char *origin, const char *today,
                           gsz__problems *problems, gsz_diag *diag) {
  gsz_catalog *cat = NULL;
  gsz_err err = load(&cat, db, origin, today, problems, diag);
  gsz_catalog_free(cat);
  return err;
}

size_t gsz_catalog_price_history(const gsz_catalog *cat, gsz_item_kind kind, const char *sku,
                                 const gsz_price_row **first) {
  const char *name = gsz_item_kind_name(kind);
  for (size_t i = 0; i < cat->n_price_rows; i++) {
    if (strcmp(cat->price_rows[i].kind, name) != 0 ||
        gsz__str_icmp(cat->price_rows[i].sku, sku) != 0)
      continue;
    size_t end = i + 1;
    while (end < cat->n_price_rows && strcmp(cat->price_rows[end].kind, name) == 0 &&
           gsz__str_icmp(cat->price_rows[end].sku, sku) == 0)
      end++;
    *first = &cat->price_rows[i];
    return end - i;
  }
  return 0;
}

/* --- Dates ------------------------------------------------------------------------ */

bool gsz__date_valid(const char *s) {
  if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
    return false;
  for (int i = 0; i < 10; i++)
    if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
      return false;
  int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  int m = (s[5] - '0') * 10 + (s[6] - '0'), d = (s[8] - '0') * 10 + (s[9] - '0');
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1)
    return false;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= days[m - 1] + (m == 2 && leap);
}

gsz_err gsz__date_today(char out[11], const char *today, gsz_diag *diag) {
  if (today != NULL) {
    if (!gsz__date_valid(today))
      return gsz__diag_set(diag, GSZ_EINVAL, "'%.40s' is not a date (YYYY-MM-DD)", today);
    memcpy(out, today, 11);
    return GSZ_OK;
  }
  time_t now = time(NULL);
  struct tm tm;
  if (gmtime_r(&now, &tm) == NULL || strftime(out, 11, "%Y-%m-%d", &tm) != 10)
    return gsz__diag_set(diag, GSZ_EIO, "cannot read today's date from the system clock");
  return GSZ_OK;
}
