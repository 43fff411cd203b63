/* import.c: gpusizer catalog import: the rows of a CSV file (a vendor's
 * price list, a spreadsheet export) into one table of a catalog file.
 * Each row is matched by the table's key and classified (add, change,
 * same); every row is checked by SQLite itself (types, CHECK constraints,
 * triggers, foreign keys) as it is written inside one transaction, then
 * the whole catalog by db check's rules (gsz__db_findings) against what it
 * said before. Any refusal rolls everything back; a dry run works on a
 * copy in memory, so the file is never written.
 *
 * Not for: the built-in catalog (compiled in, never changed), tables the
 * code depends on (form factors, model families), or deleting rows (SQL
 * does that, with the triggers saying what depends on a row). */
#include "catalog/db_int.h"
#include "catalog/sqlite_mem_int.h"
#include "gpusizer/suggest.h"
#include "util/arena_int.h"
#include "util/buf_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const import_tables[] = {"gpu",   "server",    "server_gpu",
                                            "price", "inventory", "exchange_rate"};

const char *const *gsz_catalog_import_tables(size_t *n) {
  *n = GSZ_ARRAY_LEN(import_tables);
  return import_tables;
}

/* The catalog_issue rules that only say something is still missing: an
 * import of new GPUs is followed by their prices and servers, so these
 * are notes, not refusals. Checklist: the problem texts of catalog_issue
 * (migrations/0001_initial.sql, 0002_no_control_chars.sql). */
static const char *const still_missing[] = {
    ": sellable GPU has no price",
    ": sellable server has no price",
    ": sellable GPU is accepted by no server (add server_gpu rows)",
    ": server accepts no GPU (add server_gpu rows)",
};

#define MAX_COLUMNS 64
#define MAX_KEY 8
#define NAME_BYTES 64

typedef struct column {
  char name[NAME_BYTES];
  char type[16]; /* INTEGER, REAL or TEXT */
  bool notnull, has_default, nocase;
  int pk;      /* place in the primary key from 1; 0: not in it */
  int in_file; /* the file's column, or -1 */
} column;

typedef struct importer {
  sqlite3 *db;
  const char *table, *label;
  const gsz_batch_input *in;
  column cols[MAX_COLUMNS];
  size_t n_cols;
  int key[MAX_KEY]; /* indices into cols, in key order */
  size_t n_key;
  char today[11];
  gsz_import_result *res;
  gsz__arena *texts;
  gsz_diag *diag;
  gsz_err err; /* the first failure of the system (memory, SQLite) */
} importer;

/* --- Texts of the result ------------------------------------------------------- */

static const char *keep(importer *im, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static const char *keep(importer *im, const char *fmt, ...) {
  char buf[2048];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  char *s = gsz__arena_strndup(im->texts, buf, strlen(buf));
  if (s == NULL && im->err == GSZ_OK)
    im->err = gsz__diag_nomem(im->diag);
  return s;
}

/* Append text to a list of strings of the result. */
static void add_text(importer *im, const char ***list, size_t *n, const char *text) {
  if (text == NULL || im->err != GSZ_OK)
    return;
  const char **grown = gsz__arena_alloc(im->texts, (*n + 1) * sizeof *grown);
  if (grown == NULL) {
    im->err = gsz__diag_nomem(im->diag);
    return;
  }
  if (*n > 0)
    memcpy(grown, *list, *n * sizeof *grown);
  grown[(*n)++] = text;
  *list = grown;
}

static void refuse(importer *im, gsz_import_row *row, const char *why) {
  if (row->action != GSZ_IMPORT_REFUSED) {
    if (row->action == GSZ_IMPORT_ADD)
      im->res->n_add--;
    else if (row->action == GSZ_IMPORT_CHANGE)
      im->res->n_change--;
    else if (row->action == GSZ_IMPORT_SAME)
      im->res->n_same--;
    im->res->n_refused++;
    row->action = GSZ_IMPORT_REFUSED;
    row->detail = why;
  }
}

/* --- The table ---------------------------------------------------------------- */

static gsz_err sqlite_failure(importer *im, const char *what) {
  if (im->err != GSZ_OK)
    return im->err;
  int rc = sqlite3_errcode(im->db);
  if (rc == SQLITE_NOMEM)
    return im->err = gsz__diag_nomem(im->diag);
  if (gsz__db_write_failed(rc))
    return im->err = gsz__diag_set(im->diag, GSZ_EIO, "%s '%s': %s", what, im->label,
                                   sqlite3_errmsg(im->db));
  return im->err = gsz__db_error(im->diag, im->db, what, im->label);
}

/* Columns, types, key, NOT NULL and defaults from the file's own schema
 * (verified to be this version's). */
static gsz_err read_table(importer *im) {
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(im->db,
                         "SELECT name, upper(type), \"notnull\", dflt_value IS NOT NULL, pk "
                         "FROM pragma_table_info(?1) ORDER BY cid",
                         -1, &st, NULL) != SQLITE_OK)
    return sqlite_failure(im, "could not read the schema of");
  sqlite3_bind_text(st, 1, im->table, -1, SQLITE_STATIC);
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW && im->n_cols < MAX_COLUMNS) {
    column *c = &im->cols[im->n_cols];
    const char *name = (const char *)sqlite3_column_text(st, 0);
    const char *type = (const char *)sqlite3_column_text(st, 1);
    if (name == NULL || type == NULL) {
      sqlite3_finalize(st);
      return im->err = gsz__diag_nomem(im->diag);
    }
    snprintf(c->name, sizeof c->name, "%s", name);
    snprintf(c->type, sizeof c->type, "%s", type);
    c->notnull = sqlite3_column_int(st, 2) != 0;
    c->has_default = sqlite3_column_int(st, 3) != 0;
    c->pk = sqlite3_column_int(st, 4);
    c->in_file = -1;
    const char *coll = NULL;
    if (sqlite3_table_column_metadata(im->db, "main", im->table, c->name, NULL, &coll, NULL, NULL,
                                      NULL) == SQLITE_OK)
      c->nocase = coll != NULL && gsz__str_ieq(coll, "NOCASE");
    im->n_cols++;
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return sqlite_failure(im, "could not read the schema of");
  for (int place = 1; place <= (int)im->n_cols && im->n_key < MAX_KEY; place++)
    for (size_t c = 0; c < im->n_cols; c++)
      if (im->cols[c].pk == place)
        im->key[im->n_key++] = (int)c;
  if (im->n_cols == 0 || im->n_key == 0)
    return im->err = gsz__diag_set(im->diag, GSZ_ESCHEMA,
                                   "catalog '%s' has no table '%s' with a key to import into",
                                   im->label, im->table);
  return GSZ_OK;
}

static void column_list(const importer *im, char *buf, size_t size, bool key_only) {
  size_t used = 0;
  buf[0] = '\0';
  size_t n = key_only ? im->n_key : im->n_cols;
  for (size_t i = 0; i < n && used < size; i++)
    used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? ", " : "",
                             im->cols[key_only ? (size_t)im->key[i] : i].name);
}

/* The file's header against the table: every column of the file is one of
 * the table's, once, and the key's columns are all there. */
static gsz_err match_header(importer *im, const char *file) {
  const gsz_batch_input *in = im->in;
  char list[1024];
  for (size_t f = 0; f < in->n_columns; f++) {
    const char *name = in->columns[f];
    size_t c = 0;
    while (c < im->n_cols && !gsz__str_ieq(im->cols[c].name, name))
      c++;
    if (c == im->n_cols) {
      const char *names[MAX_COLUMNS];
      for (size_t i = 0; i < im->n_cols; i++)
        names[i] = im->cols[i].name;
      const char *near = gsz_suggest_nearest(name, names, im->n_cols);
      /* "amount" for amount_minor, "rate" for rate_e9: the unit is a suffix. */
      for (size_t i = 0; i < im->n_cols && near == NULL; i++) {
        size_t n = strlen(name);
        if (strncmp(names[i], name, n) == 0 && names[i][n] == '_')
          near = names[i];
      }
      column_list(im, list, sizeof list, false);
      return im->err =
                 gsz__diag_set(im->diag, GSZ_EINVAL,
                               "%s:1: column '%s' is not a column of table %s%s%s%s (columns: %s)",
                               file, name, im->table, near ? "; did you mean '" : "",
                               near ? near : "", near ? "'?" : "", list);
    }
    if (im->cols[c].in_file >= 0)
      return im->err =
                 gsz__diag_set(im->diag, GSZ_EINVAL,
                               "%s:1: columns '%s' and '%s' both name column %s of table %s", file,
                               in->columns[im->cols[c].in_file], name, im->cols[c].name, im->table);
    im->cols[c].in_file = (int)f;
  }
  for (size_t k = 0; k < im->n_key; k++)
    if (im->cols[im->key[k]].in_file < 0) {
      column_list(im, list, sizeof list, true);
      return im->err = gsz__diag_set(
                 im->diag, GSZ_EINVAL,
                 "%s:1: the header has no column '%s': every row needs the key of table %s (%s)",
                 file, im->cols[im->key[k]].name, im->table, list);
    }
  return GSZ_OK;
}

/* --- Values ---------------------------------------------------------------------- */

/* The value of column c in row r: NULL when not given (empty cell). */
static const char *cell(const importer *im, const gsz_batch_row *r, const column *c) {
  (void)im;
  return c->in_file >= 0 ? r->values[c->in_file] : NULL;
}

/* A decimal integer, digit by digit: [-]digits, within int64_t. */
static bool parse_integer(const char *s, int64_t *out) {
  bool neg = *s == '-';
  s += neg;
  if (*s == '\0')
    return false;
  int64_t v = 0;
  for (; *s; s++) {
    if (*s < '0' || *s > '9' || gsz__mul_i64(&v, v, 10) ||
        (neg ? __builtin_sub_overflow(v, *s - '0', &v) : gsz__add_i64(&v, v, *s - '0')))
      return false;
  }
  *out = v;
  return true;
}

/* A decimal number as SQLite reads one: [-]digits[.digits][e[+-]digits],
 * at least one digit before the exponent. Bound as text, SQLite's REAL
 * column converts it (strtod is banned here: locale-dependent). */
static bool real_syntax(const char *s) {
  size_t digits = 0;
  s += *s == '-';
  for (; *s >= '0' && *s <= '9'; s++)
    digits++;
  if (*s == '.')
    for (s++; *s >= '0' && *s <= '9'; s++)
      digits++;
  if (digits == 0)
    return false;
  if (*s == 'e' || *s == 'E') {
    s++;
    s += *s == '+' || *s == '-';
    if (*s < '0' || *s > '9')
      return false;
    while (*s >= '0' && *s <= '9')
      s++;
  }
  return *s == '\0';
}

/* Why the text cannot be a value of column c (NULL: it can). */
static const char *bad_value(importer *im, const column *c, const char *text) {
  int64_t v;
  if (strcmp(c->type, "INTEGER") == 0 && !parse_integer(text, &v))
    return keep(im,
                "column %s: '%.80s' is not an integer (digits only: no decimals, units or "
                "grouping)",
                c->name, text);
  if (strcmp(c->type, "REAL") == 0 && !real_syntax(text))
    return keep(im, "column %s: '%.80s' is not a number (a decimal point, no grouping)", c->name,
                text);
  return NULL;
}

/* Bind the text of column c (checked with bad_value) as its type. */
static int bind_value(sqlite3_stmt *st, int index, const column *c, const char *text) {
  int64_t v;
  if (text == NULL)
    return sqlite3_bind_null(st, index);
  if (strcmp(c->type, "INTEGER") == 0 && parse_integer(text, &v))
    return sqlite3_bind_int64(st, index, v);
  return sqlite3_bind_text(st, index, text, -1, SQLITE_STATIC);
}

/* The row's key as the file gives it, folded as the table compares it
 * (NOCASE columns in lower case, integers canonical), for finding a key
 * the file names twice. */
static char *folded_key(importer *im, const gsz_batch_row *r) {
  char buf[1024];
  size_t used = 0;
  for (size_t k = 0; k < im->n_key && used < sizeof buf; k++) {
    const column *c = &im->cols[im->key[k]];
    const char *v = cell(im, r, c);
    int64_t n;
    if (v != NULL && strcmp(c->type, "INTEGER") == 0 && parse_integer(v, &n))
      used +=
          (size_t)snprintf(buf + used, sizeof buf - used, "%s%lld", k ? "\x1f" : "", (long long)n);
    else
      used += (size_t)snprintf(buf + used, sizeof buf - used, "%s%s", k ? "\x1f" : "", v ? v : "");
    if (c->nocase)
      for (size_t i = used - (v ? strlen(v) : 0); i < used && i < sizeof buf; i++)
        buf[i] = (char)gsz__ascii_lower(buf[i]);
  }
  return gsz__arena_strndup(im->texts, buf, strnlen(buf, sizeof buf - 1));
}

/* --- One row ---------------------------------------------------------------------- */

/* The WHERE clause of the key: "k1" = ?n AND "k2" = ?n+1 ... */
static void key_clause(const importer *im, gsz__buf *sql, int first) {
  for (size_t k = 0; k < im->n_key; k++)
    gsz__buf_printf(sql, "%s\"%s\" = ?%d", k ? " AND " : "", im->cols[im->key[k]].name,
                    first + (int)k);
}

static int bind_key(const importer *im, sqlite3_stmt *st, const gsz_batch_row *r, int first) {
  int rc = SQLITE_OK;
  for (size_t k = 0; k < im->n_key && rc == SQLITE_OK; k++) {
    const column *c = &im->cols[im->key[k]];
    rc = bind_value(st, first + (int)k, c, cell(im, r, c));
  }
  return rc;
}

static sqlite3_stmt *prepare(importer *im, gsz__buf *sql) {
  sqlite3_stmt *st = NULL;
  if (sql->err != GSZ_OK) {
    im->err = sql->err == GSZ_ENOMEM
                  ? gsz__diag_nomem(im->diag)
                  : gsz__diag_set(im->diag, sql->err, "import: statement too long");
    return NULL;
  }
  if (sqlite3_prepare_v2(im->db, sql->data, -1, &st, NULL) != SQLITE_OK) {
    sqlite_failure(im, "could not import into");
    return NULL;
  }
  return st;
}

/* The key of the row as db check names it: read back from the table when
 * the row is there (its spelling there), else as the file gives it. */
static const char *key_text(importer *im, const gsz_batch_row *r, bool stored) {
  gsz__buf sql;
  gsz__buf_init(&sql);
  gsz__buf_puts(&sql, "SELECT ");
  for (size_t k = 0; k < im->n_key; k++) {
    if (stored)
      gsz__buf_printf(&sql, "%s\"%s\"", k ? ", " : "", im->cols[im->key[k]].name);
    else
      gsz__buf_printf(&sql, "%s?%d", k ? ", " : "", (int)k + 1);
  }
  if (stored) {
    gsz__buf_printf(&sql, " FROM \"%s\" WHERE ", im->table);
    key_clause(im, &sql, 1);
  }
  sqlite3_stmt *st = prepare(im, &sql);
  gsz__buf_release(&sql);
  if (st == NULL)
    return NULL;
  char key[GSZ__DB_QUOTED_MAX] = "''";
  if (bind_key(im, st, r, 1) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
    gsz__db_row_key(key, st, (int)im->n_key);
  sqlite3_finalize(st);
  return keep(im, "%s", key);
}

/* A value for the diff: NULL, 42, 1.5 or 'text' (quoted, escaped, cut). */
static void shown_value(char out[GSZ__DB_QUOTED_MAX], sqlite3_stmt *st, int col) {
  gsz__db_value(out, st, col);
}

/* Why a write was refused, in the words of the rule that refused it. A
 * foreign key failure names no column in SQLite's message: find it. */
static const char *write_refusal(importer *im, const gsz_batch_row *r) {
  int ext = sqlite3_extended_errcode(im->db);
  char msg[512];
  snprintf(msg, sizeof msg, "%s", sqlite3_errmsg(im->db));
  if (ext != SQLITE_CONSTRAINT_FOREIGNKEY)
    return keep(im, "%s", msg);
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(im->db,
                         "SELECT \"from\", \"table\", \"to\" FROM pragma_foreign_key_list(?1)", -1,
                         &st, NULL) != SQLITE_OK)
    return keep(im, "%s", msg);
  sqlite3_bind_text(st, 1, im->table, -1, SQLITE_STATIC);
  const char *why = NULL;
  while (why == NULL && sqlite3_step(st) == SQLITE_ROW) {
    const char *from = (const char *)sqlite3_column_text(st, 0);
    const char *parent = (const char *)sqlite3_column_text(st, 1);
    const char *to = (const char *)sqlite3_column_text(st, 2);
    if (from == NULL || parent == NULL || to == NULL)
      continue;
    const column *c = NULL;
    for (size_t i = 0; i < im->n_cols && c == NULL; i++)
      if (gsz__str_ieq(im->cols[i].name, from))
        c = &im->cols[i];
    const char *v = c ? cell(im, r, c) : NULL;
    if (v == NULL)
      continue;
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM \"%s\" WHERE \"%s\" = ?1", parent, to);
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(im->db, sql, -1, &q, NULL) == SQLITE_OK &&
        bind_value(q, 1, c, v) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW &&
        sqlite3_column_int(q, 0) == 0)
      why = keep(im, "column %s: '%.80s' is not a %s of table %s", c->name, v, to, parent);
    sqlite3_finalize(q);
  }
  sqlite3_finalize(st);
  return why ? why : keep(im, "%s", msg);
}

/* Insert the row (every column it gives). */
static int insert_row(importer *im, const gsz_batch_row *r) {
  gsz__buf sql;
  gsz__buf_init(&sql);
  gsz__buf_printf(&sql, "INSERT INTO \"%s\" (", im->table);
  int n = 0;
  for (size_t c = 0; c < im->n_cols; c++)
    if (cell(im, r, &im->cols[c]) != NULL)
      gsz__buf_printf(&sql, "%s\"%s\"", n++ ? ", " : "", im->cols[c].name);
  gsz__buf_puts(&sql, ") VALUES (");
  for (int i = 0; i < n; i++)
    gsz__buf_printf(&sql, "%s?%d", i ? ", " : "", i + 1);
  gsz__buf_puts(&sql, ")");
  sqlite3_stmt *st = prepare(im, &sql);
  gsz__buf_release(&sql);
  if (st == NULL)
    return SQLITE_ERROR;
  int i = 0, rc = SQLITE_OK;
  for (size_t c = 0; c < im->n_cols && rc == SQLITE_OK; c++) {
    const char *v = cell(im, r, &im->cols[c]);
    if (v != NULL)
      rc = bind_value(st, ++i, &im->cols[c], v);
  }
  if (rc == SQLITE_OK)
    rc = sqlite3_step(st);
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(im->db);
}

/* Compare the row with the stored one: fills the diff of the columns that
 * differ and *n_diff. Returns an SQLite code. */
static int compare_row(importer *im, const gsz_batch_row *r, bool *exists, bool differs[],
                       gsz__buf *diff) {
  gsz__buf sql;
  gsz__buf_init(&sql);
  gsz__buf_puts(&sql, "SELECT 1");
  int n = 0;
  for (size_t c = 0; c < im->n_cols; c++) {
    const column *col = &im->cols[c];
    if (col->pk || cell(im, r, col) == NULL)
      continue;
    n++;
    gsz__buf_printf(&sql, ", \"%s\" IS ?%d, \"%s\"", col->name, n, col->name);
  }
  gsz__buf_printf(&sql, " FROM \"%s\" WHERE ", im->table);
  key_clause(im, &sql, n + 1);
  sqlite3_stmt *st = prepare(im, &sql);
  gsz__buf_release(&sql);
  if (st == NULL)
    return SQLITE_ERROR;
  int i = 0, rc = SQLITE_OK;
  for (size_t c = 0; c < im->n_cols && rc == SQLITE_OK; c++) {
    const column *col = &im->cols[c];
    if (!col->pk && cell(im, r, col) != NULL)
      rc = bind_value(st, ++i, col, cell(im, r, col));
  }
  if (rc == SQLITE_OK)
    rc = bind_key(im, st, r, n + 1);
  if (rc == SQLITE_OK)
    rc = sqlite3_step(st);
  *exists = rc == SQLITE_ROW;
  if (rc == SQLITE_ROW) {
    int at = 1;
    for (size_t c = 0; c < im->n_cols; c++) {
      const column *col = &im->cols[c];
      differs[c] = false;
      if (col->pk || cell(im, r, col) == NULL)
        continue;
      differs[c] = sqlite3_column_int(st, at) == 0;
      if (differs[c]) {
        char old[GSZ__DB_QUOTED_MAX];
        shown_value(old, st, at + 1);
        gsz__buf_printf(diff, "%s%s: %s -> ", diff->len ? "; " : "", col->name, old);
        /* The new value as the table will hold it. */
        sqlite3_stmt *q = NULL;
        char shown[GSZ__DB_QUOTED_MAX] = "?";
        if (sqlite3_prepare_v2(im->db, "SELECT ?1", -1, &q, NULL) == SQLITE_OK &&
            bind_value(q, 1, col, cell(im, r, col)) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
          shown_value(shown, q, 0);
        sqlite3_finalize(q);
        gsz__buf_puts(diff, shown);
      }
      at += 2;
    }
    rc = SQLITE_OK;
  } else if (rc == SQLITE_DONE) {
    rc = SQLITE_OK;
  } else {
    rc = sqlite3_errcode(im->db);
  }
  sqlite3_finalize(st);
  return rc;
}

static int update_row(importer *im, const gsz_batch_row *r, const bool differs[]) {
  gsz__buf sql;
  gsz__buf_init(&sql);
  gsz__buf_printf(&sql, "UPDATE \"%s\" SET ", im->table);
  int n = 0;
  for (size_t c = 0; c < im->n_cols; c++)
    if (differs[c])
      gsz__buf_printf(&sql, "%s\"%s\" = ?%d", n ? ", " : "", im->cols[c].name, n + 1), n++;
  gsz__buf_puts(&sql, " WHERE ");
  key_clause(im, &sql, n + 1);
  sqlite3_stmt *st = prepare(im, &sql);
  gsz__buf_release(&sql);
  if (st == NULL)
    return SQLITE_ERROR;
  int i = 0, rc = SQLITE_OK;
  for (size_t c = 0; c < im->n_cols && rc == SQLITE_OK; c++)
    if (differs[c])
      rc = bind_value(st, ++i, &im->cols[c], cell(im, r, &im->cols[c]));
  if (rc == SQLITE_OK)
    rc = bind_key(im, st, r, n + 1);
  if (rc == SQLITE_OK)
    rc = sqlite3_step(st);
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(im->db);
}

/* The values a new row gives, for the diff: "amount_minor 2600000, currency 'USD'". */
static const char *added_values(importer *im, const gsz_batch_row *r) {
  gsz__buf text;
  gsz__buf_init(&text);
  for (size_t c = 0; c < im->n_cols; c++) {
    const column *col = &im->cols[c];
    const char *v = cell(im, r, col);
    if (col->pk || v == NULL)
      continue;
    sqlite3_stmt *q = NULL;
    char shown[GSZ__DB_QUOTED_MAX] = "?";
    if (sqlite3_prepare_v2(im->db, "SELECT ?1", -1, &q, NULL) == SQLITE_OK &&
        bind_value(q, 1, col, v) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
      shown_value(shown, q, 0);
    sqlite3_finalize(q);
    gsz__buf_printf(&text, "%s%s %s", text.len ? ", " : "", col->name, shown);
  }
  if (text.err != GSZ_OK && im->err == GSZ_OK)
    im->err = gsz__diag_nomem(im->diag);
  const char *kept = keep(im, "%s", text.len ? text.data : "(the key only)");
  gsz__buf_release(&text);
  return kept;
}

/* Whether a failed write is the row's fault (refuse it) or the system's. */
static bool row_fault(int rc) {
  int primary = rc & 0xff;
  return primary == SQLITE_CONSTRAINT || primary == SQLITE_MISMATCH || primary == SQLITE_RANGE ||
         primary == SQLITE_TOOBIG;
}

static void import_row(importer *im, size_t index, const char *duplicate_of) {
  const gsz_batch_row *r = &im->in->rows[index];
  gsz_import_row *row = &im->res->rows[index];
  row->line = r->line;
  row->action = GSZ_IMPORT_SAME;
  im->res->n_same++;
  if (r->error != NULL) {
    row->key = keep(im, "''");
    refuse(im, row, keep(im, "%s", r->error));
    return;
  }
  for (size_t k = 0; k < im->n_key; k++) {
    const column *c = &im->cols[im->key[k]];
    if (cell(im, r, c) == NULL) {
      char list[512];
      column_list(im, list, sizeof list, true);
      row->key = keep(im, "''");
      refuse(im, row,
             keep(im, "column %s is empty: every row needs the key of table %s (%s)", c->name,
                  im->table, list));
      return;
    }
  }
  row->key = key_text(im, r, false);
  for (size_t c = 0; c < im->n_cols; c++) {
    const char *v = cell(im, r, &im->cols[c]);
    const char *why = v ? bad_value(im, &im->cols[c], v) : NULL;
    if (why != NULL) {
      refuse(im, row, why);
      return;
    }
  }
  if (duplicate_of != NULL) {
    refuse(im, row, duplicate_of);
    return;
  }
  bool exists = false, differs[MAX_COLUMNS] = {false};
  gsz__buf diff;
  gsz__buf_init(&diff);
  int rc = compare_row(im, r, &exists, differs, &diff);
  if (rc == SQLITE_OK && !exists) {
    for (size_t c = 0; c < im->n_cols; c++) {
      const column *col = &im->cols[c];
      if (col->notnull && !col->has_default && cell(im, r, col) == NULL) {
        gsz__buf_release(&diff);
        refuse(im, row,
               keep(im, "column %s has no value: a new row of table %s needs one (NOT NULL)",
                    col->name, im->table));
        return;
      }
    }
    rc = insert_row(im, r);
    if (rc == SQLITE_OK) {
      im->res->n_same--;
      im->res->n_add++;
      row->action = GSZ_IMPORT_ADD;
      row->detail = added_values(im, r);
      row->key = key_text(im, r, true);
    }
  } else if (rc == SQLITE_OK && diff.len > 0) {
    const char *detail = keep(im, "%s", diff.data);
    rc = update_row(im, r, differs);
    if (rc == SQLITE_OK) {
      im->res->n_same--;
      im->res->n_change++;
      row->action = GSZ_IMPORT_CHANGE;
      row->detail = detail;
    }
  }
  if (rc == SQLITE_OK && exists)
    row->key = key_text(im, r, true);
  if (diff.err != GSZ_OK && im->err == GSZ_OK)
    im->err = gsz__diag_nomem(im->diag); /* the diff would be short: never shown so */
  gsz__buf_release(&diff);
  if (rc == SQLITE_OK || im->err != GSZ_OK)
    return;
  if (row_fault(rc))
    refuse(im, row, write_refusal(im, r));
  else
    sqlite_failure(im, "could not import into");
}

/* --- The file as a whole ----------------------------------------------------------- */

typedef struct keyed {
  const char *key; /* folded */
  size_t index;
} keyed;

static int compare_keyed(const void *pa, const void *pb) {
  const keyed *a = pa, *b = pb;
  int c = strcmp(a->key, b->key);
  return c != 0 ? c : (a->index > b->index) - (a->index < b->index);
}

/* For each row naming a key an earlier row names: why it is refused. */
static const char **find_duplicates(importer *im) {
  size_t n = im->in->n_rows;
  const char **why = gsz__arena_alloc(im->texts, (n ? n : 1) * sizeof *why);
  keyed *keys = gsz__calloc(n ? n : 1, sizeof *keys);
  if (why == NULL || keys == NULL) {
    gsz__free(keys);
    im->err = gsz__diag_nomem(im->diag);
    return NULL;
  }
  memset(why, 0, (n ? n : 1) * sizeof *why);
  for (size_t i = 0; i < n && im->err == GSZ_OK; i++) {
    keys[i].key = folded_key(im, &im->in->rows[i]);
    keys[i].index = i;
    if (keys[i].key == NULL)
      im->err = gsz__diag_nomem(im->diag);
  }
  if (im->err == GSZ_OK && n > 1)
    qsort(keys, n, sizeof *keys, compare_keyed);
  for (size_t i = 1; i < n && im->err == GSZ_OK; i++) {
    size_t first = i - 1;
    while (i < n && strcmp(keys[i].key, keys[first].key) == 0) {
      why[keys[i].index] = keep(im, "the same key as line %zu: a file names each row once",
                                im->in->rows[keys[first].index].line);
      i++;
    }
  }
  gsz__free(keys);
  return im->err == GSZ_OK ? why : NULL;
}

static bool line_in(const gsz_problem_list *list, const char *line) {
  for (size_t i = 0; i < list->count; i++)
    if (strcmp(list->lines[i], line) == 0)
      return true;
  return false;
}

static bool says_still_missing(const char *line) {
  size_t n = strlen(line);
  for (size_t i = 0; i < GSZ_ARRAY_LEN(still_missing); i++) {
    size_t m = strlen(still_missing[i]);
    if (n >= m && strcmp(line + n - m, still_missing[i]) == 0)
      return true;
  }
  return false;
}

/* What db check says after the writes and did not say before: a problem
 * about an imported row refuses that row, one about anything else the
 * import; what says something is still missing is a note. */
static void judge_findings(importer *im, const gsz_problem_list *before) {
  gsz__problems after = {{NULL, 0}, NULL, 0};
  gsz_err err = gsz__db_findings(im->db, im->label, im->today, 0, &after, NULL, im->diag);
  if (err != GSZ_OK) {
    im->err = err;
    gsz__problems_free(&after);
    return;
  }
  for (size_t i = 0; i < after.list.count && im->err == GSZ_OK; i++) {
    const char *line = after.list.lines[i];
    if (line_in(before, line))
      continue;
    if (says_still_missing(line)) {
      add_text(im, &im->res->notes, &im->res->n_notes,
               keep(im, "db check will report until the missing rows are added: %s", line));
      continue;
    }
    gsz_import_row *owner = NULL;
    for (size_t r = 0; r < im->res->n_rows && owner == NULL; r++) {
      gsz_import_row *row = &im->res->rows[r];
      if (row->action == GSZ_IMPORT_REFUSED || row->key == NULL)
        continue;
      size_t tl = strlen(im->table), kl = strlen(row->key);
      if (strncmp(line, im->table, tl) == 0 && line[tl] == ' ' &&
          strncmp(line + tl + 1, row->key, kl) == 0 && line[tl + 1 + kl] == ':')
        owner = row;
    }
    if (owner != NULL)
      refuse(im, owner,
             keep(im, "db check would report: %s",
                  line + strlen(im->table) + 1 + strlen(owner->key) + 2));
    else
      add_text(im, &im->res->refusals, &im->res->n_refusals,
               keep(im, "db check would report: %s", line));
  }
  gsz__problems_free(&after);
}

/* Rows dated after today are taken, with a note: not in force until then. */
static void note_dates(importer *im) {
  const column *as_of = NULL;
  for (size_t c = 0; c < im->n_cols; c++)
    if (strcmp(im->cols[c].name, "as_of") == 0 && im->cols[c].in_file >= 0)
      as_of = &im->cols[c];
  if (as_of == NULL)
    return;
  for (size_t r = 0; r < im->res->n_rows && im->err == GSZ_OK; r++) {
    const gsz_import_row *row = &im->res->rows[r];
    const char *v = cell(im, &im->in->rows[r], as_of);
    if (row->action == GSZ_IMPORT_REFUSED || v == NULL || strcmp(v, im->today) <= 0)
      continue;
    add_text(im, &im->res->notes, &im->res->n_notes,
             keep(im, "line %zu: %s %s: dated after today (%s): not in force until %s", row->line,
                  im->table, row->key, im->today, v));
  }
}

/* --- Opening ------------------------------------------------------------------------ */

/* A dry run works on a copy of the file in memory: the file is read
 * (read-only, never a journal beside it) and never written. */
static gsz_err open_copy(sqlite3 **out, const char *path, gsz_diag *diag) {
  sqlite3 *file = NULL, *mem = NULL;
  gsz_err err = gsz__db_open_file(&file, path, false, diag);
  if (err != GSZ_OK)
    return err;
  int version = 0;
  err = gsz__db_exec(file, "BEGIN", "cannot read catalog file", path, diag);
  if (err == GSZ_OK)
    err = gsz__db_verify_catalog(file, path, true, &version, diag);
  sqlite3_exec(file, "COMMIT", NULL, NULL, NULL);
  if (err == GSZ_OK) {
    gsz__sqlite_sync_allocator();
    int rc = sqlite3_open_v2(":memory:", &mem, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    sqlite3_backup *b = rc == SQLITE_OK ? sqlite3_backup_init(mem, "main", file, "main") : NULL;
    if (b != NULL) {
      rc = sqlite3_backup_step(b, -1);
      rc = sqlite3_backup_finish(b) == SQLITE_OK && rc == SQLITE_DONE ? SQLITE_OK : rc;
    } else if (rc == SQLITE_OK) {
      rc = sqlite3_errcode(mem);
    }
    if (rc != SQLITE_OK)
      err = rc == SQLITE_NOMEM ? gsz__diag_nomem(diag)
                               : gsz__db_error(diag, mem ? mem : file, "cannot read", path);
  }
  if (err == GSZ_OK)
    err = gsz__db_exec(mem, "PRAGMA foreign_keys = ON", "cannot read", path, diag);
  sqlite3_close(file);
  if (err != GSZ_OK) {
    sqlite3_close(mem);
    return err;
  }
  *out = mem;
  return GSZ_OK;
}

static gsz_err open_target(sqlite3 **out, const char *path, bool dry_run, gsz_diag *diag) {
  if (dry_run) {
    gsz_err err = open_copy(out, path, diag);
    if (err == GSZ_OK)
      err = gsz__db_exec(*out, "BEGIN", "cannot read", path, diag);
    if (err != GSZ_OK) {
      sqlite3_close(*out);
      *out = NULL;
    }
    return err;
  }
  sqlite3 *db = NULL;
  gsz_err err = gsz__db_open_file(&db, path, true, diag);
  if (err != GSZ_OK)
    return err;
  /* The write lock first, then the check: what is checked is what is written to. */
  int version = 0;
  err = gsz__db_exec(db, "BEGIN IMMEDIATE", "cannot write catalog file", path, diag);
  if (err == GSZ_OK)
    err = gsz__db_verify_catalog(db, path, true, &version, diag);
  if (err != GSZ_OK) {
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(db);
    return err;
  }
  *out = db;
  return GSZ_OK;
}

void gsz_import_result_free(gsz_import_result *res) {
  if (res == NULL)
    return;
  gsz__arena *texts = res->storage;
  if (texts != NULL) {
    gsz__arena_free(texts);
    gsz__free(texts);
  }
  gsz__free(res->rows);
  gsz__free(res);
}

static gsz_err check_arguments(const char *path, const char *table, char today[11],
                               const gsz_import_options *opts, gsz_diag *diag) {
  if (path == NULL)
    return gsz__diag_set(diag, GSZ_EINVAL,
                         "the built-in catalog cannot be changed: write it to a file ('gpusizer "
                         "db init FILE'), import into that file, and quote with it "
                         "(" GSZ_FIELD("db") " FILE)");
  bool known = false;
  for (size_t i = 0; i < GSZ_ARRAY_LEN(import_tables) && !known; i++)
    known = strcmp(import_tables[i], table) == 0;
  if (!known)
    return gsz__diag_set(diag, GSZ_EINVAL,
                         "cannot import into '%s' (expected gpu, server, server_gpu, price, "
                         "inventory or exchange_rate)",
                         table);
  return gsz__date_today(today, opts ? opts->today : NULL, diag);
}

gsz_err gsz_catalog_import(gsz_import_result **out, const char *path, const char *table,
                           const gsz_batch_input *in, const char *label,
                           const gsz_import_options *opts, gsz_diag *diag) {
  importer im = {.table = table, .label = path, .in = in, .diag = diag, .err = GSZ_OK};
  gsz_err err = check_arguments(path, table, im.today, opts, diag);
  if (err != GSZ_OK)
    return err;
  bool dry_run = opts != NULL && opts->dry_run;
  gsz_import_result *res = gsz__calloc(1, sizeof *res);
  gsz__arena *texts = gsz__calloc(1, sizeof *texts);
  if (res != NULL)
    res->rows = gsz__calloc(in->n_rows ? in->n_rows : 1, sizeof *res->rows);
  if (res == NULL || texts == NULL || res->rows == NULL) {
    gsz__free(texts);
    gsz_import_result_free(res);
    return gsz__diag_nomem(diag);
  }
  texts->block_size = 65536;
  res->storage = texts;
  res->n_rows = in->n_rows;
  im.res = res;
  im.texts = texts;
  res->table = keep(&im, "%s", table);

  gsz_problem_list before = {NULL, 0};
  if ((err = open_target(&im.db, path, dry_run, diag)) != GSZ_OK)
    goto fail;
  if ((err = read_table(&im)) != GSZ_OK || (err = match_header(&im, label)) != GSZ_OK)
    goto rollback;
  {
    gsz__problems found = {{NULL, 0}, NULL, 0};
    err = gsz__db_findings(im.db, path, im.today, 0, &found, NULL, diag);
    for (size_t i = 0; i < found.list.count; i++)
      gsz__free(found.cells[i]);
    gsz__free(found.cells);
    before = found.list;
    if (err != GSZ_OK)
      goto rollback;
  }
  const char **duplicates = find_duplicates(&im);
  for (size_t i = 0; i < in->n_rows && im.err == GSZ_OK; i++)
    import_row(&im, i, duplicates ? duplicates[i] : NULL);
  if (im.err == GSZ_OK)
    judge_findings(&im, &before);
  if (im.err == GSZ_OK)
    note_dates(&im);
  if ((err = im.err) != GSZ_OK)
    goto rollback;

  if (res->n_refused > 0 || res->n_refusals > 0 || dry_run) {
    sqlite3_exec(im.db, "ROLLBACK", NULL, NULL, NULL);
  } else if (sqlite3_exec(im.db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
    err = sqlite_failure(&im, "could not write the import into");
    goto rollback;
  } else {
    res->applied = true;
  }
  gsz_problem_list_free(&before);
  if (sqlite3_close(im.db) != SQLITE_OK && res->applied) {
    gsz_import_result_free(res);
    return gsz__diag_set(diag, GSZ_EDB, "could not close '%s' after importing", path);
  }
  *out = res;
  return GSZ_OK;

rollback:
  sqlite3_exec(im.db, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_close(im.db);
fail:
  gsz_problem_list_free(&before);
  gsz_import_result_free(res);
  return err;
}
