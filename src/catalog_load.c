/* catalog_load.c: reads every catalog table into plain structs, resolves
 * SKUs to indices, attaches current prices and stock totals, and answers
 * lookups by name. The caller holds the read transaction, so the structs
 * are one consistent snapshot.
 *
 * Checklist: the columns read here are those of migrations/0001_initial.sql
 * (and later migrations); a renamed column must change in both places. */
#include "arena_int.h"
#include "db_int.h"

#include <stdlib.h>
#include <string.h>

/* Hard limits: a hostile or corrupt file cannot make us allocate without
 * bound. Benchmarks use 10,000 GPUs; a million rows is far beyond that. */
#define MAX_ROWS_PER_TABLE 1000000u
#define MAX_STRING_BYTES (64u << 10)

struct gsz_catalog {
  gsz_catalog_data data;
  gsz_gpu *gpus;
  gsz_server *servers;
  gsz_fit *fits;
  gsz_format *formats;
  gsz_runtime *runtimes;
  gsz_arch *models;
  gsz_currency *currencies;
  gsz_alias *gpu_aliases, *model_aliases;
  gsz_stock_row *stock;
  gsz__arena strings; /* every string of the catalog, freed in one go */
};

/* --- Reading one result set --------------------------------------------- */

typedef struct reader {
  gsz_catalog *cat;
  sqlite3_stmt *stmt;
  const char *table;
  const char *row_name; /* the row's key, for messages */
  gsz_diag *diag;
  gsz_err err;
} reader;

static bool failed(reader *r) {
  return r->err != GSZ_OK;
}

static void fail_nomem(reader *r) {
  if (!failed(r))
    r->err = gsz__diag_nomem(r->diag);
}

/* NULL for SQL NULL; "" never stays NULL for NOT NULL columns. */
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
    r->err = gsz__diag_set(r->diag, GSZ_ELIMIT, "%s '%s': column '%s' is longer than %u bytes",
                           r->table, r->row_name ? r->row_name : "?",
                           sqlite3_column_name(r->stmt, col), MAX_STRING_BYTES);
    return NULL;
  }
  const char *copy = gsz__arena_strndup(&r->cat->strings, (const char *)s, n);
  if (copy == NULL)
    fail_nomem(r);
  return copy;
}

/* NOT NULL text: the schema guarantees it, but a file edited with
 * writable_schema or an older tool might not. */
static const char *col_text_req(reader *r, int col) {
  const char *s = col_text(r, col);
  if (s == NULL && !failed(r))
    r->err = gsz__diag_set(r->diag, GSZ_ESCHEMA, "%s '%s': column '%s' is NULL", r->table,
                           r->row_name ? r->row_name : "?", sqlite3_column_name(r->stmt, col));
  return s;
}

/* A NOT NULL key column read for a lookup only (not copied). A NULL value
 * is a damaged or hand-edited file (GSZ_ESCHEMA), not out of memory:
 * fuzzing found a corrupt record whose keys read as NULL reported as
 * "out of memory". */
static const char *col_key(reader *r, int col) {
  const char *s = (const char *)sqlite3_column_text(r->stmt, col);
  if (s != NULL || failed(r))
    return s;
  if (sqlite3_column_type(r->stmt, col) == SQLITE_NULL)
    r->err = gsz__diag_set(r->diag, GSZ_ESCHEMA, "%s '%s': column '%s' is NULL", r->table,
                           r->row_name ? r->row_name : "?", sqlite3_column_name(r->stmt, col));
  else
    fail_nomem(r);
  return NULL;
}

static int64_t col_int_range(reader *r, int col, int64_t lo, int64_t hi) {
  if (failed(r))
    return 0;
  if (sqlite3_column_type(r->stmt, col) == SQLITE_NULL)
    return 0;
  if (sqlite3_column_type(r->stmt, col) != SQLITE_INTEGER) {
    r->err = gsz__diag_set(r->diag, GSZ_ESCHEMA, "%s '%s': column '%s' is not an integer", r->table,
                           r->row_name ? r->row_name : "?", sqlite3_column_name(r->stmt, col));
    return 0;
  }
  int64_t v = sqlite3_column_int64(r->stmt, col);
  if (v < lo || v > hi) {
    r->err =
        gsz__diag_set(r->diag, GSZ_ESCHEMA, "%s '%s': column '%s' is %lld, outside %lld..%lld",
                      r->table, r->row_name ? r->row_name : "?", sqlite3_column_name(r->stmt, col),
                      (long long)v, (long long)lo, (long long)hi);
    return 0;
  }
  return v;
}

static uint32_t col_u32(reader *r, int col) {
  return (uint32_t)col_int_range(r, col, 0, UINT32_MAX);
}

static bool col_bool(reader *r, int col) {
  return col_int_range(r, col, 0, 1) != 0;
}

static double col_real(reader *r, int col) {
  if (failed(r) || sqlite3_column_type(r->stmt, col) == SQLITE_NULL)
    return 0.0;
  return sqlite3_column_double(r->stmt, col);
}

/* Run sql; for each row call fn(r, row_index). Rows are counted against
 * MAX_ROWS_PER_TABLE; *count receives how many were read. */
typedef void (*row_fn)(reader *r, void *array, size_t i);

static gsz_err read_rows(gsz_catalog *cat, sqlite3 *db, const char *table, const char *sql,
                         size_t elem_size, void **array, size_t *count, row_fn fn, gsz_diag *diag) {
  reader r = {cat, NULL, table, NULL, diag, GSZ_OK};
  if (sqlite3_prepare_v2(db, sql, -1, &r.stmt, NULL) != SQLITE_OK)
    return gsz__db_error(diag, db, "could not read the catalog table", table);
  size_t n = 0, cap = 0;
  char *items = NULL;
  int rc;
  while ((rc = sqlite3_step(r.stmt)) == SQLITE_ROW) {
    if (n == MAX_ROWS_PER_TABLE) {
      r.err = gsz__diag_set(diag, GSZ_ELIMIT, "catalog table '%s' has more than %u rows", table,
                            MAX_ROWS_PER_TABLE);
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
    r.row_name = NULL;
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

/* --- Row readers, one per table ----------------------------------------- */

static void read_gpu(reader *r, void *array, size_t i) {
  gsz_gpu *g = (gsz_gpu *)array + i;
  g->sku = col_text_req(r, 0);
  r->row_name = g->sku;
  g->vendor = col_text_req(r, 1);
  g->name = col_text_req(r, 2);
  g->form_factor = col_text_req(r, 3);
  g->memory_mib = col_u32(r, 4);
  g->usable_mib = col_u32(r, 5);
  g->bandwidth_gbs = col_u32(r, 6);
  g->tflops_bf16 = col_real(r, 7);
  g->tdp_w = col_u32(r, 8);
  g->memory_type = col_text(r, 9);
  g->interconnect = col_text(r, 10);
  g->datacenter_ok = col_bool(r, 11);
  g->sellable = col_bool(r, 12);
  g->verified = col_bool(r, 13);
  g->usable_basis = col_text(r, 14);
  g->source = col_text(r, 15);
  g->as_of = col_text(r, 16);
  g->notes = col_text(r, 17);
  if (!failed(r) && (g->memory_mib == 0 || g->usable_mib == 0 || g->usable_mib > g->memory_mib))
    r->err = gsz__diag_set(r->diag, GSZ_ESCHEMA,
                           "gpu '%s': usable_mib %u must be between 1 and memory_mib %u", g->sku,
                           g->usable_mib, g->memory_mib);
}

static void read_server(reader *r, void *array, size_t i) {
  gsz_server *s = (gsz_server *)array + i;
  s->sku = col_text_req(r, 0);
  r->row_name = s->sku;
  s->vendor = col_text_req(r, 1);
  s->name = col_text_req(r, 2);
  s->gpu_form_factor = col_text_req(r, 3);
  s->max_gpus = col_u32(r, 4);
  s->rack_units = col_u32(r, 5);
  s->psu_w = col_u32(r, 6);
  const char *chassis = col_text_req(r, 7);
  s->workstation = chassis != NULL && strcmp(chassis, "workstation") == 0;
  s->base_w = col_u32(r, 8);
  s->gpus_included = col_bool(r, 9);
  s->psu_config = col_text(r, 10);
  s->cpu = col_text(r, 11);
  s->sellable = col_bool(r, 12);
  s->verified = col_bool(r, 13);
  s->source = col_text(r, 14);
  s->as_of = col_text(r, 15);
  s->notes = col_text(r, 16);
}

static void read_format(reader *r, void *array, size_t i) {
  gsz_format *f = (gsz_format *)array + i;
  f->name = col_text_req(r, 0);
  r->row_name = f->name;
  f->block_elems = (uint32_t)col_int_range(r, 1, 1, 1048576);
  f->block_bytes = (uint32_t)col_int_range(r, 2, 1, 1048576);
  f->trainable = col_bool(r, 3);
  f->description = col_text(r, 4);
  f->source = col_text(r, 5);
}

static void read_runtime(reader *r, void *array, size_t i) {
  gsz_runtime *rt = (gsz_runtime *)array + i;
  rt->name = col_text_req(r, 0);
  r->row_name = rt->name;
  rt->engine = col_text_req(r, 1);
  rt->engine_version = col_text_req(r, 2);
  rt->mem_util_bp = (uint32_t)col_int_range(r, 3, 1, 10000);
  rt->cuda_context_bytes = (uint64_t)col_int_range(r, 4, 0, INT64_MAX);
  rt->comm_buffer_bytes = (uint64_t)col_int_range(r, 5, 0, INT64_MAX);
  rt->activation_bytes = (uint64_t)col_int_range(r, 6, 0, INT64_MAX);
  rt->default_for = col_text(r, 7);
  rt->source = col_text(r, 8);
  rt->as_of = col_text(r, 9);
}

static void read_model(reader *r, void *array, size_t i) {
  gsz_arch *m = (gsz_arch *)array + i;
  m->name = col_text_req(r, 0);
  r->row_name = m->name;
  m->hf_id = col_text(r, 1);
  m->model_type = col_text_req(r, 2);
  m->hidden_size = col_u32(r, 3);
  m->intermediate_size = col_u32(r, 4);
  m->num_hidden_layers = col_u32(r, 5);
  m->num_attention_heads = col_u32(r, 6);
  m->num_key_value_heads = col_u32(r, 7);
  m->head_dim = col_u32(r, 8);
  m->vocab_size = col_u32(r, 9);
  m->tie_word_embeddings = col_bool(r, 10);
  m->qkv_bias = col_bool(r, 11);
  m->o_bias = col_bool(r, 12);
  m->sliding_window = col_u32(r, 13);
  m->sliding_window_pattern = col_u32(r, 14);
  m->max_position_embeddings = col_u32(r, 15);
  m->num_local_experts = col_u32(r, 16);
  m->num_experts_per_tok = col_u32(r, 17);
  m->moe_intermediate_size = col_u32(r, 18);
  m->n_shared_experts = col_u32(r, 19);
  m->first_k_dense_replace = col_u32(r, 20);
  m->q_lora_rank = col_u32(r, 21);
  m->kv_lora_rank = col_u32(r, 22);
  m->qk_nope_head_dim = col_u32(r, 23);
  m->qk_rope_head_dim = col_u32(r, 24);
  m->v_head_dim = col_u32(r, 25);
  m->source = col_text(r, 26);
}

static void read_currency(reader *r, void *array, size_t i) {
  gsz_currency *c = (gsz_currency *)array + i;
  const char *code = col_text_req(r, 0);
  r->row_name = code;
  if (code != NULL && strlen(code) == 3)
    memcpy(c->code, code, 4);
  else if (!failed(r))
    r->err = gsz__diag_set(r->diag, GSZ_ESCHEMA, "currency '%s' is not a 3-letter code", code);
  c->minor_digits = (uint32_t)col_int_range(r, 1, 0, 4);
  c->name = col_text(r, 2);
}

static void read_alias(reader *r, void *array, size_t i) {
  gsz_alias *a = (gsz_alias *)array + i;
  a->alias = col_text_req(r, 0);
  r->row_name = a->alias;
  a->target = col_text_req(r, 1);
}

static void read_stock_row(reader *r, void *array, size_t i) {
  gsz_stock_row *s = (gsz_stock_row *)array + i;
  s->kind = col_text_req(r, 0);
  s->sku = col_text_req(r, 1);
  r->row_name = s->sku;
  s->location = col_text_req(r, 2);
  s->on_hand = col_int_range(r, 3, 0, INT32_MAX);
  s->reserved = col_int_range(r, 4, 0, INT32_MAX);
  s->lead_time_days = (int32_t)col_int_range(r, 5, 0, 36500);
  s->as_of = col_text(r, 6);
  s->note = col_text(r, 7);
}

/* --- Lookups --------------------------------------------------------- */

#define DEFINE_BSEARCH(fn, type, key)                                                              \
  static long fn(const type *items, size_t n, const char *name) {                                  \
    size_t lo = 0, hi = n;                                                                         \
    while (lo < hi) {                                                                              \
      size_t mid = lo + (hi - lo) / 2;                                                             \
      int c = gsz__str_icmp(items[mid].key, name);                                                 \
      if (c == 0)                                                                                  \
        return (long)mid;                                                                          \
      if (c < 0)                                                                                   \
        lo = mid + 1;                                                                              \
      else                                                                                         \
        hi = mid;                                                                                  \
    }                                                                                              \
    return -1;                                                                                     \
  }

DEFINE_BSEARCH(find_gpu_index, gsz_gpu, sku)
DEFINE_BSEARCH(find_server_index, gsz_server, sku)
DEFINE_BSEARCH(find_alias_index, gsz_alias, alias)

const gsz_gpu *gsz_catalog_find_gpu(const gsz_catalog_data *d, const char *name) {
  long i = find_gpu_index(d->gpus, d->n_gpus, name);
  if (i >= 0)
    return &d->gpus[i];
  long a = find_alias_index(d->gpu_aliases, d->n_gpu_aliases, name);
  if (a < 0)
    return NULL;
  i = find_gpu_index(d->gpus, d->n_gpus, d->gpu_aliases[a].target);
  return i >= 0 ? &d->gpus[i] : NULL;
}

const gsz_server *gsz_catalog_find_server(const gsz_catalog_data *d, const char *sku) {
  long i = find_server_index(d->servers, d->n_servers, sku);
  return i >= 0 ? &d->servers[i] : NULL;
}

const gsz_arch *gsz_catalog_find_model(const gsz_catalog_data *d, const char *name) {
  for (size_t i = 0; i < d->n_models; i++)
    if (gsz__str_ieq(d->models[i].name, name))
      return &d->models[i];
  for (size_t i = 0; i < d->n_models; i++)
    if (d->models[i].hf_id != NULL && gsz__str_ieq(d->models[i].hf_id, name))
      return &d->models[i];
  long a = find_alias_index(d->model_aliases, d->n_model_aliases, name);
  if (a < 0)
    return NULL;
  for (size_t i = 0; i < d->n_models; i++)
    if (gsz__str_ieq(d->models[i].name, d->model_aliases[a].target))
      return &d->models[i];
  return NULL;
}

const gsz_format *gsz_catalog_find_format(const gsz_catalog_data *d, const char *name) {
  for (size_t i = 0; i < d->n_formats; i++)
    if (gsz__str_ieq(d->formats[i].name, name))
      return &d->formats[i];
  return NULL;
}

const gsz_runtime *gsz_catalog_find_runtime(const gsz_catalog_data *d, const char *name) {
  for (size_t i = 0; i < d->n_runtimes; i++)
    if (gsz__str_ieq(d->runtimes[i].name, name))
      return &d->runtimes[i];
  return NULL;
}

const gsz_runtime *gsz_catalog_default_runtime(const gsz_catalog_data *d, const char *mode) {
  for (size_t i = 0; i < d->n_runtimes; i++)
    if (d->runtimes[i].default_for != NULL && strcmp(d->runtimes[i].default_for, mode) == 0)
      return &d->runtimes[i];
  return NULL;
}

const gsz_currency *gsz_catalog_find_currency(const gsz_catalog_data *d, const char *code) {
  for (size_t i = 0; i < d->n_currencies; i++)
    if (strcmp(d->currencies[i].code, code) == 0)
      return &d->currencies[i];
  return NULL;
}

/* --- Prices, stock and fits, attached to their items -------------------- */

static gsz_unit_price *price_slot(gsz_catalog *cat, const char *kind, const char *sku) {
  if (strcmp(kind, "gpu") == 0) {
    long i = find_gpu_index(cat->gpus, cat->data.n_gpus, sku);
    return i >= 0 ? &cat->gpus[i].price : NULL;
  }
  long i = find_server_index(cat->servers, cat->data.n_servers, sku);
  return i >= 0 ? &cat->servers[i].price : NULL;
}

static gsz_err attach_prices(gsz_catalog *cat, sqlite3 *db, gsz_diag *diag) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db,
                         "SELECT kind, sku, amount_minor, currency, as_of, source, basis "
                         "FROM price_current",
                         -1, &st, NULL) != SQLITE_OK)
    return gsz__db_error(diag, db, "could not read the catalog table", "price");
  reader r = {cat, st, "price", NULL, diag, GSZ_OK};
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW && !failed(&r)) {
    r.row_name = NULL; /* not the previous row's, in messages */
    const char *kind = col_key(&r, 0);
    const char *sku = col_key(&r, 1);
    if (kind == NULL || sku == NULL)
      break;
    r.row_name = sku;
    gsz_unit_price *p = price_slot(cat, kind, sku);
    if (p == NULL)
      continue; /* a dangling row; db check reports it */
    p->amount_minor = col_int_range(&r, 2, 0, INT64_MAX);
    const char *cur = (const char *)sqlite3_column_text(st, 3);
    if (cur == NULL || strlen(cur) != 3) {
      r.err = gsz__diag_set(diag, GSZ_ESCHEMA, "price of '%s': bad currency", sku);
      break;
    }
    memcpy(p->currency, cur, 4);
    p->as_of = col_text(&r, 4);
    p->source = col_text(&r, 5);
    p->basis = col_text(&r, 6);
    p->present = true;
  }
  if (!failed(&r) && rc != SQLITE_DONE && rc != SQLITE_ROW)
    r.err = gsz__db_error(diag, db, "could not read the catalog table", "price");
  sqlite3_finalize(st);
  return r.err;
}

static gsz_err attach_stock(gsz_catalog *cat, gsz_diag *diag) {
  for (size_t i = 0; i < cat->data.n_stock; i++) {
    const gsz_stock_row *row = &cat->stock[i];
    gsz_stock_total *t = NULL;
    if (strcmp(row->kind, "gpu") == 0) {
      long g = find_gpu_index(cat->gpus, cat->data.n_gpus, row->sku);
      t = g >= 0 ? &cat->gpus[g].stock : NULL;
    } else {
      long s = find_server_index(cat->servers, cat->data.n_servers, row->sku);
      t = s >= 0 ? &cat->servers[s].stock : NULL;
    }
    if (t == NULL)
      continue;
    if (!t->present || row->lead_time_days < t->lead_time_days)
      t->lead_time_days = row->lead_time_days;
    t->present = true;
    /* Rows are capped at INT32_MAX and tables at a million rows: no overflow. */
    t->on_hand += row->on_hand;
    t->reserved += row->reserved;
    t->available += row->on_hand - row->reserved;
  }
  (void)diag;
  return GSZ_OK;
}

static int compare_fit(const void *pa, const void *pb) {
  const gsz_fit *a = pa, *b = pb;
  if (a->gpu != b->gpu)
    return a->gpu < b->gpu ? -1 : 1;
  if (a->server != b->server)
    return a->server < b->server ? -1 : 1;
  return (a->count > b->count) - (a->count < b->count);
}

static gsz_err read_fits(gsz_catalog *cat, sqlite3 *db, gsz_diag *diag) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, "SELECT server_sku, gpu_sku, gpu_count FROM server_gpu", -1, &st,
                         NULL) != SQLITE_OK)
    return gsz__db_error(diag, db, "could not read the catalog table", "server_gpu");
  reader r = {cat, st, "server_gpu", NULL, diag, GSZ_OK};
  size_t n = 0, cap = 0;
  gsz_fit *fits = NULL;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    r.row_name = NULL; /* not the previous row's, in messages */
    const char *server = col_key(&r, 0);
    const char *gpu = col_key(&r, 1);
    if (server == NULL || gpu == NULL)
      break;
    r.row_name = server;
    long si = find_server_index(cat->servers, cat->data.n_servers, server);
    long gi = find_gpu_index(cat->gpus, cat->data.n_gpus, gpu);
    uint32_t count = (uint32_t)col_int_range(&r, 2, 1, 1024);
    if (failed(&r))
      break;
    if (si < 0 || gi < 0)
      continue; /* dangling; db check reports it */
    if (n == MAX_ROWS_PER_TABLE) {
      r.err = gsz__diag_set(diag, GSZ_ELIMIT, "catalog table 'server_gpu' has more than %u rows",
                            MAX_ROWS_PER_TABLE);
      break;
    }
    if (n == cap) {
      size_t ncap = cap ? cap * 2 : 64;
      gsz_fit *p = gsz__realloc(fits, ncap * sizeof *p);
      if (p == NULL) {
        fail_nomem(&r);
        break;
      }
      fits = p;
      cap = ncap;
    }
    fits[n++] = (gsz_fit){(uint32_t)gi, (uint32_t)si, count};
  }
  if (!failed(&r) && rc != SQLITE_DONE && rc != SQLITE_ROW)
    r.err = gsz__db_error(diag, db, "could not read the catalog table", "server_gpu");
  sqlite3_finalize(st);
  if (failed(&r)) {
    gsz__free(fits);
    return r.err;
  }
  if (n > 1)
    qsort(fits, n, sizeof *fits, compare_fit);
  cat->fits = fits;
  cat->data.fits = fits;
  cat->data.n_fits = n;
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

gsz_err gsz__catalog_load(gsz_catalog **out, sqlite3 *db, const char *origin, gsz_diag *diag) {
  gsz_err err;
  gsz_catalog *cat = gsz__calloc(1, sizeof *cat);
  if (cat == NULL)
    return gsz__diag_nomem(diag);
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
             "usable_basis, source, as_of, notes FROM gpu ORDER BY sku",
             gpus, read_gpu);
  READ_TABLE("server",
             "SELECT sku, vendor, name, gpu_form_factor, max_gpus, rack_units, psu_w, chassis, "
             "base_w, gpus_included, psu_config, cpu, sellable, verified, source, as_of, notes "
             "FROM server ORDER BY sku",
             servers, read_server);
  READ_TABLE("number_format",
             "SELECT name, block_elems, block_bytes, trainable, description, source "
             "FROM number_format ORDER BY name",
             formats, read_format);
  READ_TABLE("runtime",
             "SELECT name, engine, engine_version, mem_util_bp, cuda_context_bytes, "
             "comm_buffer_bytes, activation_bytes, default_for, source, as_of "
             "FROM runtime ORDER BY name",
             runtimes, read_runtime);
  READ_TABLE("model",
             "SELECT name, hf_id, model_type, hidden_size, intermediate_size, num_hidden_layers, "
             "num_attention_heads, num_key_value_heads, head_dim, vocab_size, "
             "tie_word_embeddings, qkv_bias, o_bias, sliding_window, sliding_window_pattern, "
             "max_position_embeddings, num_local_experts, num_experts_per_tok, "
             "moe_intermediate_size, n_shared_experts, first_k_dense_replace, q_lora_rank, "
             "kv_lora_rank, qk_nope_head_dim, qk_rope_head_dim, v_head_dim, source "
             "FROM model ORDER BY name",
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

  if ((err = read_fits(cat, db, diag)) != GSZ_OK)
    goto fail;
  if ((err = attach_prices(cat, db, diag)) != GSZ_OK)
    goto fail;
  if ((err = attach_stock(cat, diag)) != GSZ_OK)
    goto fail;
  *out = cat;
  return GSZ_OK;

fail:
  gsz_catalog_free(cat);
  return err;
}
