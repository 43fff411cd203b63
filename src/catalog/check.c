/* check.c: db check: every problem of a catalog file, one line each:
 * SQLite's integrity and foreign-key checks, the catalog_issue view, every
 * row against this version's schema rules (NOT NULL, types, CHECK, foreign
 * keys) and every value the loader would refuse. */
#include "catalog/catalog_image_int.h"
#include "catalog/db_int.h"
#include "catalog/embedded_int.h"
#include "util/atomic_file_int.h"
#include "util/buf_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* --- db check: the problem list --------------------------------------------- */

void gsz_problem_list_free(gsz_problem_list *problems) {
  if (problems == NULL)
    return;
  for (size_t i = 0; i < problems->count; i++)
    gsz__free(problems->lines[i]);
  gsz__free(problems->lines);
  problems->lines = NULL;
  problems->count = 0;
}

static void problems_free(gsz__problems *p) {
  for (size_t i = 0; i < p->list.count; i++)
    gsz__free(p->cells[i]);
  gsz__free(p->cells);
  gsz_problem_list_free(&p->list);
  p->cells = NULL;
  p->cap = 0;
}

void gsz__problems_free(gsz__problems *p) {
  problems_free(p);
}

#define MAX_PROBLEMS 10000

gsz_err gsz__problems_add(gsz__problems *p, const char *table, const char *key, const char *column,
                          const char *line, gsz_diag *diag) {
  if (p->list.count >= MAX_PROBLEMS)
    return GSZ_OK; /* the first ten thousand say enough */
  char cell[3 * GSZ__DB_QUOTED_MAX];
  if (column != NULL) {
    snprintf(cell, sizeof cell, "%s\037%s\037%s", table, key, column);
    for (size_t i = 0; i < p->list.count; i++)
      if (p->cells[i] != NULL && strcmp(p->cells[i], cell) == 0)
        return GSZ_OK; /* said already, by an earlier rule */
  }
  if (p->list.count == p->cap) {
    size_t cap = p->cap ? 2 * p->cap : 16;
    char **lines = gsz__realloc(p->list.lines, cap * sizeof *lines);
    if (lines == NULL)
      return gsz__diag_nomem(diag);
    p->list.lines = lines;
    char **cells = gsz__realloc(p->cells, cap * sizeof *cells);
    if (cells == NULL)
      return gsz__diag_nomem(diag);
    p->cells = cells;
    p->cap = cap;
  }
  char *copy = gsz__strdup(line), *cell_copy = column ? gsz__strdup(cell) : NULL;
  if (copy == NULL || (column != NULL && cell_copy == NULL)) {
    gsz__free(copy);
    gsz__free(cell_copy);
    return gsz__diag_nomem(diag);
  }
  p->list.lines[p->list.count] = copy;
  p->cells[p->list.count] = cell_copy;
  p->list.count++;
  return GSZ_OK;
}

/* Text from the file (a message of integrity_check, a row of a view) for
 * a problem line: control characters escaped, without quotes; past
 * TEXT_SHOWN_BYTES cut, with "...". */
enum { TEXT_SHOWN_BYTES = 256 };
#define TEXT_MAX (6 * TEXT_SHOWN_BYTES + 4)

static void escape_text(char out[TEXT_MAX], const char *s) {
  size_t n = strlen(s);
  if (gsz__db_escape_into(out, TEXT_MAX - 3, s, n, TEXT_SHOWN_BYTES) < n)
    memcpy(out + strlen(out), "...", 4);
}

/* integrity_check reports a page it could not read for want of memory as
 * "... error code=7" (SQLITE_NOMEM): that is our failure, not the file's,
 * and must not tell a maintainer the catalog is damaged. */
static bool out_of_memory_report(const char *text) {
  return strstr(text, "error code=7") != NULL || strstr(text, "out of memory") != NULL;
}

/* integrity_check, one problem line per line it prints but "ok". */
static gsz_err check_integrity(sqlite3 *db, const char *label, gsz__problems *found,
                               gsz_diag *diag) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK)
    return gsz__db_error(diag, db, "could not check", label);
  gsz_err err = GSZ_OK;
  int rc;
  while (err == GSZ_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    const char *text = (const char *)sqlite3_column_text(st, 0);
    if (text == NULL || out_of_memory_report(text)) {
      err = gsz__diag_nomem(diag);
      break;
    }
    if (strcmp(text, "ok") == 0)
      continue;
    char shown[TEXT_MAX], line[TEXT_MAX + 16];
    escape_text(shown, text);
    snprintf(line, sizeof line, "integrity: %s", shown);
    err = gsz__problems_add(found, "", "", NULL, line, diag);
  }
  if (err == GSZ_OK && rc != SQLITE_DONE)
    err = gsz__db_error(diag, db, "could not check", label);
  sqlite3_finalize(st);
  return err;
}

/* --- The sanity views -------------------------------------------------------
 *
 * Every view whose name starts with catalog_issue holds sanity rules as
 * rows (kind, sku, problem): catalog_issue of the first migrations, the
 * catalog_issue_<topic> views of later ones, and any a maintainer adds to
 * the file. Their rows are listed together, in one order. */

/* The finding of one row, with what it sorts by. */
typedef struct issue {
  char *kind, *key, *line; /* key: the view's sku column as text ("" for NULL) */
} issue;

typedef struct issue_list {
  issue *items;
  size_t n, cap;
} issue_list;

static void issues_free(issue_list *l) {
  for (size_t i = 0; i < l->n; i++) {
    gsz__free(l->items[i].kind);
    gsz__free(l->items[i].key);
    gsz__free(l->items[i].line);
  }
  gsz__free(l->items);
}

static gsz_err issue_add(issue_list *l, const char *kind, const char *key, const char *line,
                         gsz_diag *diag) {
  if (l->n == MAX_PROBLEMS)
    return GSZ_OK;
  if (l->n == l->cap) {
    size_t cap = l->cap ? 2 * l->cap : 32;
    issue *p = gsz__realloc(l->items, cap * sizeof *p);
    if (p == NULL)
      return gsz__diag_nomem(diag);
    l->items = p;
    l->cap = cap;
  }
  issue it = {gsz__strdup(kind), gsz__strdup(key), gsz__strdup(line)};
  if (it.kind == NULL || it.key == NULL || it.line == NULL) {
    gsz__free(it.kind);
    gsz__free(it.key);
    gsz__free(it.line);
    return gsz__diag_nomem(diag);
  }
  l->items[l->n++] = it;
  return GSZ_OK;
}

static int compare_issue(const void *pa, const void *pb) {
  const issue *a = pa, *b = pb;
  int c = strcmp(a->kind, b->kind);
  if (c == 0)
    c = strcmp(a->key, b->key);
  return c != 0 ? c : strcmp(a->line, b->line);
}

/* The rows of one view. A view that cannot be read (a maintainer's own,
 * broken) is a finding of its own, not a failure of the check. */
static gsz_err read_issue_view(sqlite3 *db, const char *label, const char *view, issue_list *out,
                               gsz_diag *diag) {
  char sql[256];
  snprintf(sql, sizeof sql, "SELECT kind, sku, problem FROM \"%s\"", view);
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
    if (sqlite3_errcode(db) == SQLITE_NOMEM)
      return gsz__diag_nomem(diag);
    char shown[TEXT_MAX], line[TEXT_MAX + 128];
    escape_text(shown, sqlite3_errmsg(db));
    snprintf(line, sizeof line,
             "%s: the view cannot be read: %s (a catalog_issue view lists kind, sku, problem)",
             view, shown);
    return issue_add(out, view, "", line, diag);
  }
  gsz_err err = GSZ_OK;
  int rc;
  while (err == GSZ_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    char kind[TEXT_MAX], key[GSZ__DB_QUOTED_MAX], problem[TEXT_MAX];
    const char *k = (const char *)sqlite3_column_text(st, 0);
    const char *raw_key = (const char *)sqlite3_column_text(st, 1);
    const char *p = (const char *)sqlite3_column_text(st, 2);
    if ((k == NULL && sqlite3_column_type(st, 0) != SQLITE_NULL) ||
        (raw_key == NULL && sqlite3_column_type(st, 1) != SQLITE_NULL) ||
        (p == NULL && sqlite3_column_type(st, 2) != SQLITE_NULL)) {
      err = gsz__diag_nomem(diag);
      break;
    }
    escape_text(kind, k ? k : "NULL");
    gsz__db_value(key, st, 1);
    escape_text(problem, p ? p : "NULL");
    char line[2 * TEXT_MAX + GSZ__DB_QUOTED_MAX + 8];
    snprintf(line, sizeof line, "%s %s: %s", kind, key, problem);
    err = issue_add(out, k ? k : "", raw_key ? raw_key : "", line, diag);
  }
  if (err == GSZ_OK && rc != SQLITE_DONE)
    err = gsz__db_error(diag, db, "could not check", label);
  sqlite3_finalize(st);
  return err;
}

/* The catalog_issue views: the catalog's sanity rules, kept in SQL. */
static gsz_err check_sanity(sqlite3 *db, const char *label, gsz__problems *found, gsz_diag *diag) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db,
                         "SELECT name FROM sqlite_schema WHERE type = 'view' "
                         "AND name LIKE 'catalog\\_issue%' ESCAPE '\\' ORDER BY name",
                         -1, &st, NULL) != SQLITE_OK)
    return gsz__db_error(diag, db, "could not check", label);
  issue_list issues = {NULL, 0, 0};
  gsz_err err = GSZ_OK;
  int rc;
  while (err == GSZ_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    const char *view = (const char *)sqlite3_column_text(st, 0);
    if (view == NULL)
      err = gsz__diag_nomem(diag);
    else if (strlen(view) < 128)
      err = read_issue_view(db, label, view, &issues, diag);
  }
  if (err == GSZ_OK && rc != SQLITE_DONE)
    err = gsz__db_error(diag, db, "could not check", label);
  sqlite3_finalize(st);
  if (err == GSZ_OK && issues.n > 1)
    qsort(issues.items, issues.n, sizeof *issues.items, compare_issue);
  for (size_t i = 0; err == GSZ_OK && i < issues.n; i++)
    err = gsz__problems_add(found, "", "", NULL, issues.items[i].line, diag);
  issues_free(&issues);
  return err;
}

/* --- Dates: warnings ---------------------------------------------------------------
 *
 * The rules of the views review_price_stale and review_future_row
 * (migrations/0005), on db check's own day and age instead of date('now')
 * and 365: findings to act on, not damage, so warnings. */

static const char stale_sql[] =
    "SELECT p.kind || '/' || p.sku || '/' || p.as_of, "
    "       CAST(julianday(?1) - julianday(p.as_of) AS INTEGER) "
    "  FROM price p "
    " WHERE p.as_of = (SELECT max(q.as_of) FROM price q "
    "                   WHERE q.kind = p.kind AND q.sku = p.sku AND q.as_of <= ?1) "
    "   AND ?2 > 0 AND julianday(?1) - julianday(p.as_of) > ?2 "
    " ORDER BY p.kind, p.sku";

static const char future_sql[] =
    "SELECT 'price', kind || '/' || sku || '/' || as_of, as_of FROM price WHERE as_of > ?1 "
    "UNION ALL "
    "SELECT 'inventory', kind || '/' || sku || '/' || location, as_of FROM inventory "
    " WHERE as_of > ?1 "
    "UNION ALL "
    "SELECT 'exchange_rate', from_currency || '/' || to_currency || '/' || as_of, as_of "
    "  FROM exchange_rate WHERE as_of > ?1 "
    "ORDER BY 1, 2";

static const char not_yet_sql[] =
    "SELECT 'gpu', g.sku, min(p.as_of) FROM gpu g JOIN price p ON p.kind = 'gpu' AND p.sku = g.sku "
    " WHERE g.sellable = 1 GROUP BY g.sku HAVING max(p.as_of <= ?1) = 0 "
    "UNION ALL "
    "SELECT 'server', s.sku, min(p.as_of) FROM server s "
    "  JOIN price p ON p.kind = 'server' AND p.sku = s.sku "
    " WHERE s.sellable = 1 GROUP BY s.sku HAVING max(p.as_of <= ?1) = 0 "
    "ORDER BY 1, 2";

/* Run sql with ?1 today and ?2 max_age; each row through fn into warn. */
typedef void (*warn_fn)(char *line, size_t size, sqlite3_stmt *st, const char *today,
                        uint32_t max_age);

static gsz_err warn_rows(sqlite3 *db, const char *label, const char *sql, const char *today,
                         uint32_t max_age, warn_fn fn, gsz__problems *warn, gsz_diag *diag) {
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
    /* A table the file lacks is said by the other checks. */
    if (sqlite3_errcode(db) == SQLITE_ERROR)
      return GSZ_OK;
    return gsz__db_error(diag, db, "could not check", label);
  }
  sqlite3_bind_text(st, 1, today, -1, SQLITE_STATIC);
  if (sqlite3_bind_parameter_count(st) >= 2)
    sqlite3_bind_int64(st, 2, max_age);
  gsz_err err = GSZ_OK;
  int rc;
  while (err == GSZ_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    char line[1024];
    fn(line, sizeof line, st, today, max_age);
    err = gsz__problems_add(warn, "", "", NULL, line, diag);
  }
  if (err == GSZ_OK && rc != SQLITE_DONE)
    err = gsz__db_error(diag, db, "could not check", label);
  sqlite3_finalize(st);
  return err;
}

static void stale_line(char *line, size_t size, sqlite3_stmt *st, const char *today,
                       uint32_t max_age) {
  char key[GSZ__DB_QUOTED_MAX];
  gsz__db_value(key, st, 0);
  snprintf(line, size,
           "price %s: the price in force on %s is %lld days old, more than %u: check it and add "
           "a newer row",
           key, today, (long long)sqlite3_column_int64(st, 1), (unsigned)max_age);
}

static void future_line(char *line, size_t size, sqlite3_stmt *st, const char *today,
                        uint32_t max_age) {
  (void)max_age;
  char table[TEXT_MAX], key[GSZ__DB_QUOTED_MAX], as_of[GSZ__DB_QUOTED_MAX];
  const char *t = (const char *)sqlite3_column_text(st, 0);
  escape_text(table, t ? t : "");
  gsz__db_value(key, st, 1);
  gsz__db_value(as_of, st, 2);
  (void)today;
  snprintf(line, size, "%s %s: dated after today: not in force until %s", table, key, as_of);
}

static void not_yet_line(char *line, size_t size, sqlite3_stmt *st, const char *today,
                         uint32_t max_age) {
  (void)max_age;
  char key[GSZ__DB_QUOTED_MAX], as_of[GSZ__DB_QUOTED_MAX];
  const char *kind = (const char *)sqlite3_column_text(st, 0);
  gsz__db_value(key, st, 1);
  gsz__db_value(as_of, st, 2);
  (void)today;
  snprintf(line, size,
           "%s %s: sellable, but every price of it is dated after today: no quote offers it "
           "before %s",
           kind ? kind : "", key, as_of);
}

static gsz_err check_dates(sqlite3 *db, const char *label, const char *today, uint32_t max_age,
                           gsz__problems *warn, gsz_diag *diag) {
  gsz_err err = warn_rows(db, label, stale_sql, today, max_age, stale_line, warn, diag);
  if (err == GSZ_OK)
    err = warn_rows(db, label, not_yet_sql, today, max_age, not_yet_line, warn, diag);
  if (err == GSZ_OK)
    err = warn_rows(db, label, future_sql, today, max_age, future_line, warn, diag);
  return err;
}

gsz_err gsz__db_findings(sqlite3 *db, const char *label, const char *today, uint32_t max_age,
                         gsz__problems *found, gsz__problems *warn, gsz_diag *diag) {
  gsz_err err = gsz__catalog_check(db, label, today, found, diag);
  if (err == GSZ_OK)
    err = check_sanity(db, label, found, diag);
  if (err == GSZ_OK && warn != NULL)
    err = check_dates(db, label, today, max_age, warn, diag);
  return err;
}

/* --- db check: the schema's rules, row by row --------------------------------
 *
 * SQLite enforces CHECK, NOT NULL, column types and foreign keys as rows
 * are written, but a file can still hold rows that break them: written
 * with PRAGMA ignore_check_constraints or foreign_keys off, or after
 * PRAGMA writable_schema edits that dropped a constraint. integrity_check
 * does not find them: on a read-only connection (3.40) it skips CHECK
 * constraints, and it holds a file only to the constraints the file itself
 * declares. So db check reads every row of every table against the rules
 * of this program's own schema (the built-in catalog's, never the file's,
 * which may be the edited one): NOT NULL, the declared type, each CHECK
 * constraint and each foreign key, one line per broken rule naming the
 * table, the row's key and the column. The CHECK constraints are read
 * from the built-in schema's CREATE TABLE text, which is ours. */

#define MAX_COLUMNS 64
#define MAX_RULES 256
#define NAME_BYTES 64

typedef enum rule_kind { RULE_NOT_NULL, RULE_TYPE, RULE_CHECK, RULE_FOREIGN_KEY } rule_kind;

typedef struct rule {
  rule_kind kind;
  int column;       /* the column it is about; -1: the row (a table CHECK) */
  const char *expr; /* RULE_CHECK: the expression, in the table's SQL */
  size_t expr_len;
  char parent[NAME_BYTES]; /* RULE_FOREIGN_KEY: the table and column named */
  char parent_column[NAME_BYTES];
} rule;

typedef struct table_rules {
  char name[NAME_BYTES];
  char *sql; /* the built-in CREATE TABLE statement (owned) */
  char columns[MAX_COLUMNS][NAME_BYTES];
  char types[MAX_COLUMNS][16]; /* declared type: INTEGER, REAL, TEXT, ANY */
  int pk[MAX_COLUMNS];         /* the key's columns, in key order */
  size_t n_columns, n_pk;
  rule rules[MAX_RULES];
  size_t n_rules;
} table_rules;

static gsz_err schema_limit(const table_rules *t, const char *what, gsz_diag *diag) {
  return gsz__diag_set(diag, GSZ_EDB, "built-in schema: table '%s' has %s", t->name, what);
}

static gsz_err add_rule(table_rules *t, rule r, gsz_diag *diag) {
  if (t->n_rules == MAX_RULES)
    return schema_limit(t, "too many rules to check", diag);
  t->rules[t->n_rules++] = r;
  return GSZ_OK;
}

static bool copy_name(char out[NAME_BYTES], const unsigned char *name) {
  return name != NULL && (size_t)snprintf(out, NAME_BYTES, "%s", (const char *)name) < NAME_BYTES;
}

/* Columns, key and NOT NULL/type rules, from PRAGMA table_info. */
static gsz_err read_columns(sqlite3 *pristine, table_rules *t, gsz_diag *diag) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(pristine,
                         "SELECT name, upper(type), \"notnull\", pk FROM pragma_table_info(?1) "
                         "ORDER BY cid",
                         -1, &st, NULL) != SQLITE_OK ||
      sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC) != SQLITE_OK) {
    sqlite3_finalize(st);
    return gsz__db_error(diag, pristine, "could not read", "the built-in schema");
  }
  gsz_err err = GSZ_OK;
  int rc, key_order[MAX_COLUMNS] = {0};
  while (err == GSZ_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    size_t c = t->n_columns;
    if (sqlite3_column_text(st, 0) == NULL || sqlite3_column_text(st, 1) == NULL) {
      err = gsz__diag_nomem(diag); /* table_info has a name and a type for every column */
      break;
    }
    if (c == MAX_COLUMNS || !copy_name(t->columns[c], sqlite3_column_text(st, 0)) ||
        !copy_name(t->types[c], sqlite3_column_text(st, 1))) {
      err = schema_limit(t, "a column this check cannot hold", diag);
      break;
    }
    t->n_columns++;
    key_order[c] = sqlite3_column_int(st, 3);
    if (sqlite3_column_int(st, 2))
      err = add_rule(t, (rule){.kind = RULE_NOT_NULL, .column = (int)c}, diag);
    if (err == GSZ_OK && strcmp(t->types[c], "ANY") != 0 && strcmp(t->types[c], "BLOB") != 0)
      err = add_rule(t, (rule){.kind = RULE_TYPE, .column = (int)c}, diag);
  }
  if (err == GSZ_OK && rc != SQLITE_DONE)
    err = gsz__db_error(diag, pristine, "could not read", "the built-in schema");
  sqlite3_finalize(st);
  /* table_info's pk is the column's place in the key, from 1. */
  for (int place = 1; err == GSZ_OK && place <= (int)t->n_columns; place++)
    for (size_t c = 0; c < t->n_columns; c++)
      if (key_order[c] == place)
        t->pk[t->n_pk++] = (int)c;
  return err;
}

/* --- Finding CHECK constraints in CREATE TABLE text --- */

/* A token, as far as finding CHECK constraints needs: 'w' a word or a
 * quoted name, 's' a string, '(' ')' ',' themselves, 'o' anything else,
 * 0 at the end. */
typedef struct sql_token {
  const char *start;
  size_t len;
  char kind;
} sql_token;

static bool is_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '$' || (unsigned char)c >= 0x80;
}

static const char *skip_space_and_comments(const char *p) {
  for (;;) {
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
      p++;
    if (p[0] == '-' && p[1] == '-') {
      while (*p != '\0' && *p != '\n')
        p++;
    } else if (p[0] == '/' && p[1] == '*') {
      const char *end = strstr(p + 2, "*/");
      p = end ? end + 2 : p + strlen(p);
    } else {
      return p;
    }
  }
}

static const char *next_token(const char *p, sql_token *t) {
  p = skip_space_and_comments(p);
  t->start = p;
  char c = *p;
  if (c == '\0') {
    t->kind = 0;
  } else if (c == '\'' || c == '"' || c == '`' || c == '[') {
    char close = c == '[' ? ']' : c;
    for (p++; *p != '\0'; p++) {
      if (*p == close && close != ']' && p[1] == close)
        p++; /* a doubled quote stands for one */
      else if (*p == close)
        break;
    }
    if (*p != '\0')
      p++;
    t->kind = c == '\'' ? 's' : 'w';
  } else if (is_word_char(c)) {
    while (is_word_char(*p))
      p++;
    t->kind = 'w';
  } else {
    p++;
    t->kind = c == '(' || c == ')' || c == ',' ? c : 'o';
  }
  t->len = (size_t)(p - t->start);
  return p;
}

static bool token_is(const sql_token *t, const char *word) {
  size_t n = strlen(word);
  if (t->kind != 'w' || t->len != n)
    return false;
  for (size_t i = 0; i < n; i++) {
    char a = t->start[i], b = word[i];
    if ((a >= 'a' && a <= 'z' ? a - 32 : a) != b)
      return false;
  }
  return true;
}

/* The column a column definition starting with t names, or -1. */
static int find_column(const table_rules *t, const sql_token *tok) {
  const char *name = tok->start;
  size_t len = tok->len;
  if (len >= 2 && (name[0] == '"' || name[0] == '`' || name[0] == '[')) {
    name++;
    len -= 2;
  }
  for (size_t c = 0; c < t->n_columns; c++) {
    const char *col = t->columns[c];
    if (strlen(col) != len)
      continue;
    size_t i = 0;
    while (i < len && ((col[i] | 32) == (name[i] | 32)))
      i++;
    if (i == len)
      return (int)c;
  }
  return -1;
}

/* Each CHECK (...) of the statement, as a rule about the column whose
 * definition holds it (-1 for a table constraint). */
static gsz_err read_checks(table_rules *t, gsz_diag *diag) {
  sql_token tok;
  const char *p = t->sql;
  do
    p = next_token(p, &tok);
  while (tok.kind != 0 && tok.kind != '(');
  int depth = 1, column = -1;
  bool item_start = true;
  while (tok.kind != 0 && depth > 0) {
    p = next_token(p, &tok);
    if (depth == 1 && item_start && tok.kind != 0) {
      item_start = false;
      static const char *const constraint_words[] = {"CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK",
                                                     "FOREIGN"};
      column = -2;
      for (size_t i = 0; i < GSZ_ARRAY_LEN(constraint_words); i++)
        if (token_is(&tok, constraint_words[i]))
          column = -1;
      if (column == -2)
        column = find_column(t, &tok);
    }
    if (tok.kind == '(') {
      depth++;
    } else if (tok.kind == ')') {
      depth--;
    } else if (tok.kind == ',' && depth == 1) {
      item_start = true;
    } else if (depth == 1 && token_is(&tok, "CHECK")) {
      p = next_token(p, &tok);
      if (tok.kind != '(')
        break;
      const char *expr = p;
      for (int inner = 1; inner > 0 && tok.kind != 0;) {
        p = next_token(p, &tok);
        inner += tok.kind == '(' ? 1 : tok.kind == ')' ? -1 : 0;
      }
      if (tok.kind == 0)
        break;
      gsz_err err = add_rule(t,
                             (rule){.kind = RULE_CHECK,
                                    .column = column,
                                    .expr = expr,
                                    .expr_len = (size_t)(tok.start - expr)},
                             diag);
      if (err != GSZ_OK)
        return err;
    }
  }
  if (depth != 0)
    return schema_limit(t, "a CREATE TABLE statement this check cannot read", diag);
  return GSZ_OK;
}

/* Foreign keys, from PRAGMA foreign_key_list (one column each in ours). */
static gsz_err read_foreign_keys(sqlite3 *pristine, table_rules *t, gsz_diag *diag) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(pristine,
                         "SELECT \"from\", \"table\", \"to\", seq FROM pragma_foreign_key_list(?1) "
                         "ORDER BY id, seq",
                         -1, &st, NULL) != SQLITE_OK ||
      sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC) != SQLITE_OK) {
    sqlite3_finalize(st);
    return gsz__db_error(diag, pristine, "could not read", "the built-in schema");
  }
  gsz_err err = GSZ_OK;
  int rc;
  while (err == GSZ_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    rule r = {.kind = RULE_FOREIGN_KEY, .column = -1};
    if (sqlite3_column_text(st, 0) == NULL || sqlite3_column_text(st, 1) == NULL ||
        sqlite3_column_text(st, 2) == NULL) {
      err = gsz__db_error(diag, pristine, "could not read", "the built-in schema");
      if (err != GSZ_ENOMEM) /* our schema names every foreign key's columns */
        err = schema_limit(t, "a foreign key this check cannot hold", diag);
      break;
    }
    sql_token name = {(const char *)sqlite3_column_text(st, 0), 0, 'w'};
    name.len = name.start ? strlen(name.start) : 0;
    r.column = name.start ? find_column(t, &name) : -1;
    if (r.column < 0 || sqlite3_column_int(st, 3) != 0 ||
        !copy_name(r.parent, sqlite3_column_text(st, 1)) ||
        !copy_name(r.parent_column, sqlite3_column_text(st, 2)))
      err = schema_limit(t, "a foreign key this check cannot hold", diag);
    else
      err = add_rule(t, r, diag);
  }
  if (err == GSZ_OK && rc != SQLITE_DONE)
    err = gsz__db_error(diag, pristine, "could not read", "the built-in schema");
  sqlite3_finalize(st);
  return err;
}

/* --- Checking the file's rows --- */

/* The query: the key, every column's value, then one flag per rule (1:
 * broken), in key order. CHECK fails only on false: NULL passes, as in
 * SQLite. */
static void build_query(gsz__buf *b, const table_rules *t) {
  gsz__buf_puts(b, "SELECT ");
  for (size_t k = 0; k < t->n_pk; k++)
    gsz__buf_printf(b, "\"%s\", ", t->columns[t->pk[k]]);
  if (t->n_pk == 0)
    gsz__buf_puts(b, "rowid, ");
  for (size_t c = 0; c < t->n_columns; c++)
    gsz__buf_printf(b, "\"%s\", ", t->columns[c]);
  for (size_t i = 0; i < t->n_rules; i++) {
    const rule *r = &t->rules[i];
    const char *col = r->column >= 0 ? t->columns[r->column] : "";
    const char *type = r->column >= 0 ? t->types[r->column] : "";
    if (i > 0)
      gsz__buf_puts(b, ", ");
    if (r->kind == RULE_NOT_NULL)
      gsz__buf_printf(b, "\"%s\" IS NULL", col);
    else if (r->kind == RULE_TYPE)
      gsz__buf_printf(b, "typeof(\"%s\") NOT IN ('%s', %s'null')", col,
                      strcmp(type, "INTEGER") == 0 ? "integer"
                      : strcmp(type, "REAL") == 0  ? "real"
                                                   : "text",
                      strcmp(type, "REAL") == 0 ? "'integer', " : "");
    else if (r->kind == RULE_CHECK)
      gsz__buf_printf(b, "coalesce(NOT (%.*s), 0)", (int)r->expr_len, r->expr);
    else
      gsz__buf_printf(b,
                      "(\"%s\" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM \"%s\" AS parent_ "
                      "WHERE parent_.\"%s\" = \"%s\".\"%s\"))",
                      col, r->parent, r->parent_column, t->name, col);
  }
  if (t->n_rules == 0)
    gsz__buf_puts(b, "0");
  gsz__buf_printf(b, " FROM \"%s\" ORDER BY ", t->name);
  for (size_t k = 0; k < t->n_pk; k++)
    gsz__buf_printf(b, "%s\"%s\"", k ? ", " : "", t->columns[t->pk[k]]);
  if (t->n_pk == 0)
    gsz__buf_puts(b, "rowid");
}

/* The rule as a maintainer reads it: CHECK (tdp_w > 0) on one line. */
static void describe_rule(char *out, size_t size, const table_rules *t, const rule *r) {
  switch (r->kind) {
  case RULE_NOT_NULL:
    snprintf(out, size, "NOT NULL");
    break;
  case RULE_TYPE:
    snprintf(out, size, "the column type %s", t->types[r->column]);
    break;
  case RULE_FOREIGN_KEY:
    snprintf(out, size, "REFERENCES %s (%s): no such %s", r->parent, r->parent_column, r->parent);
    break;
  case RULE_CHECK: {
    size_t o = (size_t)snprintf(out, size, "CHECK (");
    bool space = false;
    for (size_t i = 0; i < r->expr_len && o + 2 < size; i++) {
      char c = r->expr[i];
      bool blank = c == ' ' || c == '\n' || c == '\t' || c == '\r';
      if (blank) {
        space = o > 7;
        continue;
      }
      if (space)
        out[o++] = ' ';
      space = false;
      out[o++] = c;
    }
    snprintf(out + o, size - o, ")");
    break;
  }
  }
}

static gsz_err report_row(sqlite3_stmt *st, const table_rules *t, gsz__problems *found,
                          gsz_diag *diag) {
  int n_key = t->n_pk ? (int)t->n_pk : 1, first_flag = n_key + (int)t->n_columns;
  char key[GSZ__DB_QUOTED_MAX];
  bool have_key = false;
  for (size_t i = 0; i < t->n_rules; i++) {
    if (sqlite3_column_int(st, first_flag + (int)i) == 0)
      continue;
    if (!have_key) {
      gsz__db_row_key(key, st, n_key);
      have_key = true;
    }
    const rule *r = &t->rules[i];
    char value[GSZ__DB_QUOTED_MAX], what[512], line[2048];
    describe_rule(what, sizeof what, t, r);
    if (r->column >= 0) {
      gsz__db_value(value, st, n_key + r->column);
      snprintf(line, sizeof line, "%s %s: column %s: %s breaks %s", t->name, key,
               t->columns[r->column], value, what);
    } else {
      snprintf(line, sizeof line, "%s %s: breaks %s", t->name, key, what);
    }
    gsz_err err = gsz__problems_add(found, t->name, key,
                                    r->column >= 0 ? t->columns[r->column] : NULL, line, diag);
    if (err != GSZ_OK)
      return err;
  }
  return GSZ_OK;
}

/* Every row of the file's table t against t's rules. A query that does
 * not prepare (a column the file lacks) is a problem line, not an error. */
static gsz_err check_rows(sqlite3 *db, const char *label, const table_rules *t,
                          gsz__problems *found, gsz_diag *diag) {
  gsz__buf sql;
  gsz__buf_init(&sql);
  build_query(&sql, t);
  if (sql.err != GSZ_OK) {
    gsz__buf_release(&sql);
    return sql.err == GSZ_ENOMEM ? gsz__diag_nomem(diag)
                                 : gsz__diag_set(diag, sql.err, "could not check '%s'", label);
  }
  /* A double-quoted name of a column the file lacks would otherwise read
   * as a string literal (SQLite's DQS compatibility), and pass every rule. */
  int dqs = 1;
  sqlite3_db_config(db, SQLITE_DBCONFIG_DQS_DML, -1, &dqs);
  sqlite3_db_config(db, SQLITE_DBCONFIG_DQS_DML, 0, NULL);
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2(db, sql.data, -1, &st, NULL);
  sqlite3_db_config(db, SQLITE_DBCONFIG_DQS_DML, dqs, NULL);
  gsz__buf_release(&sql);
  if (rc != SQLITE_OK) {
    if (sqlite3_errcode(db) != SQLITE_ERROR)
      return gsz__db_error(diag, db, "could not check", label);
    char line[1024];
    snprintf(line, sizeof line,
             "%s: cannot be checked: %s (the table differs from schema %d; restore it from a "
             "backup, or write a new catalog with 'gpusizer db init')",
             t->name, sqlite3_errmsg(db), gsz_catalog_schema_version());
    return gsz__problems_add(found, t->name, "", "(table)", line, diag);
  }
  gsz_err err = GSZ_OK;
  while (err == GSZ_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
    err = report_row(st, t, found, diag);
  if (err == GSZ_OK && rc != SQLITE_DONE)
    err = gsz__db_error(diag, db, "could not check", label);
  sqlite3_finalize(st);
  return err;
}

static gsz_err check_table(sqlite3 *db, sqlite3 *pristine, const char *label, const char *name,
                           const char *create, gsz__problems *found, gsz_diag *diag) {
  table_rules *t = gsz__calloc(1, sizeof *t);
  if (t == NULL)
    return gsz__diag_nomem(diag);
  gsz_err err = GSZ_OK;
  if (!copy_name(t->name, (const unsigned char *)name))
    err = schema_limit(t, "a name this check cannot hold", diag);
  else if ((t->sql = gsz__strdup(create)) == NULL)
    err = gsz__diag_nomem(diag);
  if (err == GSZ_OK)
    err = read_columns(pristine, t, diag);
  if (err == GSZ_OK)
    err = read_checks(t, diag);
  if (err == GSZ_OK)
    err = read_foreign_keys(pristine, t, diag);
  if (err == GSZ_OK)
    err = check_rows(db, label, t, found, diag);
  gsz__free(t->sql);
  gsz__free(t);
  return err;
}

/* Every table of the built-in schema, in the order it was created. */
static gsz_err check_schema_rules(sqlite3 *db, sqlite3 *pristine, const char *label,
                                  gsz__problems *found, gsz_diag *diag) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(pristine,
                         "SELECT name, sql FROM sqlite_schema WHERE type = 'table' "
                         "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid",
                         -1, &st, NULL) != SQLITE_OK)
    return gsz__db_error(diag, pristine, "could not read", "the built-in schema");
  gsz_err err = GSZ_OK;
  int rc;
  while (err == GSZ_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    const char *name = (const char *)sqlite3_column_text(st, 0);
    const char *create = (const char *)sqlite3_column_text(st, 1);
    err = name && create ? check_table(db, pristine, label, name, create, found, diag)
                         : gsz__diag_nomem(diag);
  }
  if (err == GSZ_OK && rc != SQLITE_DONE)
    err = gsz__db_error(diag, pristine, "could not read", "the built-in schema");
  sqlite3_finalize(st);
  return err;
}

/* --- db check ------------------------------------------------------------------ */

/* The checks in order. A file that fails integrity_check is damaged: its
 * rows cannot be trusted and reading them may fail, so the rest waits. */
static gsz_err run_checks(sqlite3 *db, sqlite3 *pristine, const char *label, const char *today,
                          uint32_t max_age, gsz__problems *found, gsz__problems *warn,
                          gsz_diag *diag) {
  gsz_err err = check_integrity(db, label, found, diag);
  if (err != GSZ_OK || found->list.count > 0)
    return err;
  if ((err = check_schema_rules(db, pristine, label, found, diag)) != GSZ_OK)
    return err;
  return gsz__db_findings(db, label, today, max_age, found, warn, diag);
}

gsz_err gsz_db_check(const char *path, gsz_problem_list *problems, gsz_diag *diag) {
  return gsz_db_check_with(path, NULL, problems, NULL, diag);
}

gsz_err gsz_db_check_with(const char *path, const gsz_check_options *options,
                          gsz_problem_list *problems, gsz_problem_list *warnings, gsz_diag *diag) {
  sqlite3 *db = NULL, *pristine = NULL;
  const char *label = path ? path : "built-in catalog";
  char today[11];
  uint32_t max_age = options ? options->max_price_age_days : GSZ_CHECK_MAX_PRICE_AGE_DAYS;
  gsz_err err = gsz__date_today(today, options ? options->today : NULL, diag);
  if (err != GSZ_OK)
    return err;
  if (path == NULL) {
    err = gsz__db_build_builtin(&db, diag);
    pristine = db;
  } else {
    err = gsz__db_open_file(&db, path, false, diag);
    int version = 0;
    if (err == GSZ_OK)
      err = gsz__db_exec(db, "BEGIN", "could not check", label, diag);
    if (err == GSZ_OK)
      err = gsz__db_verify_catalog(db, path, true, &version, diag);
    if (err == GSZ_OK)
      err = gsz__db_build_builtin(&pristine, diag);
  }
  gsz__problems found = {{NULL, 0}, NULL, 0}, warn = {{NULL, 0}, NULL, 0};
  if (err == GSZ_OK)
    err = run_checks(db, pristine, label, today, max_age, &found, warnings ? &warn : NULL, diag);
  if (pristine != NULL && pristine != db)
    sqlite3_close(pristine);
  if (db != NULL) {
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    sqlite3_close(db);
  }
  if (err != GSZ_OK) {
    problems_free(&found);
    problems_free(&warn);
    return err;
  }
  for (size_t i = 0; i < found.list.count; i++)
    gsz__free(found.cells[i]);
  gsz__free(found.cells);
  for (size_t i = 0; i < warn.list.count; i++)
    gsz__free(warn.cells[i]);
  gsz__free(warn.cells);
  *problems = found.list;
  if (warnings != NULL)
    *warnings = warn.list;
  return GSZ_OK;
}
