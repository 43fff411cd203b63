/* db.c: what every catalog file operation shares: opening a file with
 * the busy handler and statement hook, SQLite errors turned into messages
 * (a hot journal, a full disk, a locked file), values quoted safely for
 * messages, and verifying that a database is a gpusizer catalog of a known
 * schema. Opening a catalog is open.c; init and migrate are files.c; db
 * check is check.c; loading records is load.c; migrations are migrate.c. */
#include "catalog/catalog_image_int.h"
#include "catalog/db_int.h"
#include "catalog/embedded_int.h"
#include "catalog/sqlite_mem_int.h"
#include "util/atomic_file_int.h"
#include "util/buf_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* The tables of DESIGN.md's SQL contract, plus what the loader reads. */
static const char *const required_tables[] = {
    "gpu",         "server",         "server_gpu",      "price",         "inventory",
    "model",       "number_format",  "runtime",         "currency",      "gpu_alias",
    "model_alias", "price_current",  "stock_available", "catalog_issue", "network_item",
    "setting",     "format_support", "caveat",
};
/* Since schema 5 (migrations/0005_catalog_maintenance.sql). */
static const char *const required_since_5[] = {"exchange_rate", "gpu_alias_ambiguous"};

/* --- Values in messages --------------------------------------------------- */

enum { QUOTE_SHOWN_BYTES = 64 };

/* The length of the UTF-8 sequence at s (n > 0 bytes left) and its code
 * point, or 0 when s does not start a valid, shortest-form sequence. */
static size_t utf8_sequence(const unsigned char *s, size_t n, uint32_t *cp) {
  size_t len = s[0] < 0x80   ? 1
               : s[0] < 0xC2 ? 0
               : s[0] < 0xE0 ? 2
               : s[0] < 0xF0 ? 3
               : s[0] < 0xF5 ? 4
                             : 0;
  if (len == 0 || len > n)
    return 0;
  uint32_t c = len == 1 ? s[0] : s[0] & (0x7Fu >> len);
  for (size_t i = 1; i < len; i++) {
    if ((s[i] & 0xC0) != 0x80)
      return 0;
    c = (c << 6) | (s[i] & 0x3Fu);
  }
  static const uint32_t least[5] = {0, 0, 0x80, 0x800, 0x10000};
  if (c < least[len] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
    return 0;
  *cp = c;
  return len;
}

/* Escape up to shown bytes of the n at s into out (size bytes, at least
 * 6 per byte shown, plus one), whole characters only; returns how many
 * bytes of s were written out. */
size_t gsz__db_escape_into(char *out, size_t size, const char *s, size_t n, size_t shown) {
  const unsigned char *p = (const unsigned char *)s;
  size_t o = 0, i = 0;
  out[0] = '\0';
  while (i < n) {
    uint32_t cp = 0;
    size_t len = utf8_sequence(p + i, n - i, &cp);
    if (i + (len ? len : 1) > shown)
      break;
    if (len == 0)
      o += (size_t)snprintf(out + o, size - o, "\\x%02X", p[i]); /* not UTF-8 */
    else if (cp == '\t' || cp == '\n' || cp == '\r')
      o += (size_t)snprintf(out + o, size - o, "\\%c", cp == '\t' ? 't' : cp == '\n' ? 'n' : 'r');
    else if (cp < 0x20 || cp == 0x7F)
      o += (size_t)snprintf(out + o, size - o, "\\x%02X", (unsigned)cp);
    else if (cp >= 0x80 && cp <= 0x9F)
      o += (size_t)snprintf(out + o, size - o, "\\u%04X", (unsigned)cp);
    else
      o += (size_t)snprintf(out + o, size - o, "%.*s", (int)len, (const char *)p + i);
    i += len ? len : 1;
  }
  return i;
}

void gsz__db_quote(char out[GSZ__DB_QUOTED_MAX], const char *s, size_t n, size_t total) {
  out[0] = '\'';
  size_t done = gsz__db_escape_into(out + 1, GSZ__DB_QUOTED_MAX - 1, s, n, QUOTE_SHOWN_BYTES);
  size_t o = strlen(out);
  if (done < n || total > n)
    snprintf(out + o, GSZ__DB_QUOTED_MAX - o, "...' (%zu bytes)", total);
  else
    snprintf(out + o, GSZ__DB_QUOTED_MAX - o, "'");
}

void gsz__db_value(char out[GSZ__DB_QUOTED_MAX], sqlite3_stmt *st, int col) {
  switch (sqlite3_column_type(st, col)) {
  case SQLITE_NULL:
    snprintf(out, GSZ__DB_QUOTED_MAX, "NULL");
    break;
  case SQLITE_INTEGER:
    snprintf(out, GSZ__DB_QUOTED_MAX, "%lld", (long long)sqlite3_column_int64(st, col));
    break;
  case SQLITE_FLOAT: {
    /* 3350.0 stays visibly a real: "3350" would not explain "expected an
     * integer". */
    int n = snprintf(out, GSZ__DB_QUOTED_MAX, "%.15g", sqlite3_column_double(st, col));
    if (n > 0 && strpbrk(out, ".en") == NULL)
      snprintf(out + n, GSZ__DB_QUOTED_MAX - (size_t)n, ".0");
    break;
  }
  case SQLITE_TEXT: {
    const char *text = (const char *)sqlite3_column_text(st, col);
    size_t n = (size_t)sqlite3_column_bytes(st, col);
    gsz__db_quote(out, text ? text : "", text ? n : 0, text ? n : 0);
    break;
  }
  default:
    snprintf(out, GSZ__DB_QUOTED_MAX, "a %d-byte blob", sqlite3_column_bytes(st, col));
  }
}

void gsz__db_row_key(char out[GSZ__DB_QUOTED_MAX], sqlite3_stmt *st, int n) {
  char key[2 * QUOTE_SHOWN_BYTES] = {0}; /* n may be 0: GCC -O2 warns otherwise */
  size_t len = 0, total = 0;
  for (int c = 0; c < n; c++) {
    char number[32];
    const char *part = number;
    size_t part_len;
    int type = sqlite3_column_type(st, c);
    if (type == SQLITE_TEXT) {
      part = (const char *)sqlite3_column_text(st, c);
      part_len = part ? (size_t)sqlite3_column_bytes(st, c) : 0;
    } else {
      part_len = (size_t)(type == SQLITE_INTEGER ? snprintf(number, sizeof number, "%lld",
                                                            (long long)sqlite3_column_int64(st, c))
                                                 : snprintf(number, sizeof number, "%s",
                                                            type == SQLITE_NULL ? "NULL" : "?"));
    }
    size_t sep = c > 0;
    for (size_t i = 0; i < sep + part_len; i++) {
      if (len < sizeof key)
        key[len++] = i < sep ? '/' : part[i - sep];
    }
    total += sep + part_len;
  }
  gsz__db_quote(out, key, len, total);
}

/* A full disk or a failed write is the system's problem, not the
 * catalog's: exit 4 like any output that could not be written. Read errors
 * stay catalog errors (a damaged file reads as one). */
bool gsz__db_write_failed(int rc) {
  return rc == SQLITE_FULL || rc == SQLITE_IOERR_WRITE || rc == SQLITE_IOERR_FSYNC ||
         rc == SQLITE_IOERR_DIR_FSYNC || rc == SQLITE_IOERR_TRUNCATE;
}

/* A read-only connection cannot roll back a hot journal (a transaction a
 * killed writer left half-written in the file) nor recover a write-ahead
 * log, and SQLite then says only "attempt to write a readonly database".
 * Say what is wrong and what recovers it: any read-write open, of which
 * db migrate is gpusizer's. */
static gsz_err unfinished_transaction(gsz_diag *diag, sqlite3 *db, const char *path, int rc) {
  /* A "file:" URI names the file inside; SQLite knows its real name. */
  const char *name = strncmp(path, "file:", 5) == 0 ? sqlite3_db_filename(db, "main") : path;
  if (name == NULL || name[0] == '\0')
    name = path;
  if (rc == SQLITE_READONLY_RECOVERY)
    return gsz__diag_set(diag, GSZ_EDB,
                         "'%s' has a write-ahead log that needs recovery ('%s-wal', left by a "
                         "program that stopped while writing it): run 'gpusizer db migrate %s' "
                         "(or open it once with sqlite3) to recover it",
                         name, name, name);
  return gsz__diag_set(diag, GSZ_EDB,
                       "'%s' has an unfinished transaction ('%s-journal', left by a program that "
                       "stopped while writing it): run 'gpusizer db migrate %s' (or open it once "
                       "with sqlite3) to roll it back",
                       name, name, name);
}

/* Whether a megabyte can be allocated now (and is given back). */
static bool memory_is_there(void) {
  void *probe = gsz__malloc((size_t)1 << 20);
  gsz__free(probe);
  return probe != NULL;
}

gsz_err gsz__db_error(gsz_diag *diag, sqlite3 *db, const char *what, const char *path) {
  int rc = db ? sqlite3_extended_errcode(db) : SQLITE_ERROR;
  if (rc == SQLITE_READONLY_ROLLBACK || rc == SQLITE_READONLY_RECOVERY)
    return unfinished_transaction(diag, db, path, rc);
  rc = db ? sqlite3_errcode(db) : SQLITE_ERROR;
  /* Extended codes are on: SQLITE_IOERR_NOMEM is a failed allocation too. */
  if (rc == SQLITE_NOMEM || rc == SQLITE_IOERR_NOMEM) {
    /* SQLite also says "out of memory" when a damaged file asks it for a
     * block larger than it allocates (a schema record that claims
     * gigabytes: found by fuzz_catalog, a 625-byte file). When memory is
     * not short, that is what happened. A test's allocator hook decides
     * for itself (it fails allocations on purpose). */
    if (!gsz__allocator_hooked() && memory_is_there())
      return gsz__diag_set(
          diag, GSZ_EDB,
          "%s '%s': SQLite could not allocate what reading the file asks for, "
          "though memory is not short: the file is damaged (restore it from a copy, "
          "or write a new catalog with 'gpusizer db init FILE')",
          what, path);
    return gsz__diag_nomem(diag);
  }
  if (rc == SQLITE_NOTADB)
    return gsz__diag_set(diag, GSZ_EDB,
                         "'%s' is not an SQLite database (make a catalog file with "
                         "'gpusizer db init FILE')",
                         path);
  if (gsz__db_write_failed(rc))
    return gsz__diag_set(diag, GSZ_EIO, "%s '%s': %s%s", what, path, sqlite3_errstr(rc),
                         rc == SQLITE_FULL ? "" : " (is the disk full?)");
  if (rc == SQLITE_BUSY)
    return gsz__diag_set(diag, GSZ_EDB,
                         "%s '%s': the database stayed locked by another process for %d ms", what,
                         path, GSZ_DB_BUSY_TIMEOUT_MS);
  return gsz__diag_set(diag, GSZ_EDB, "%s '%s': %s", what, path,
                       db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
}

gsz_err gsz__db_exec(sqlite3 *db, const char *sql, const char *what, const char *label,
                     gsz_diag *diag) {
  if (sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK)
    return GSZ_OK;
  return gsz__db_error(diag, db, what, label);
}

static gsz_err pragma_int(sqlite3 *db, const char *sql, int *value, const char *path,
                          gsz_diag *diag) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
    return gsz__db_error(diag, db, "could not read", path);
  int rc = sqlite3_step(st);
  if (rc != SQLITE_ROW) {
    sqlite3_finalize(st);
    return gsz__db_error(diag, db, "could not read", path);
  }
  *value = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  return GSZ_OK;
}

/* Waiting for another process's lock. SQLite's own busy timeout sleeps in
 * growing steps (up to 100 ms); against a maintainer's loop of
 * transactions, whose locks are free only for moments between commits, a
 * reader that sleeps that long starves (measured: quotes failed after 5 s
 * of a sqlite3 update loop). Polling every 1-2 ms, with jitter so two
 * readers do not march in step, finds those moments. */
static int busy_wait(void *ctx, int attempts) {
  (void)ctx;
  enum { STEP_US = 1000 }; /* each pause is 1.0 to 2.0 ms, 1.5 ms on average */
  if ((long)attempts * (STEP_US * 3 / 2) >= (long)GSZ_DB_BUSY_TIMEOUT_MS * 1000)
    return 0; /* about GSZ_DB_BUSY_TIMEOUT_MS gone: give up with SQLITE_BUSY */
  struct timespec pause = {0, (long)(STEP_US + (attempts * 7919) % STEP_US) * 1000};
  nanosleep(&pause, NULL);
  return 1;
}

static gsz__statement_hook statement_hook;

void gsz__db_set_statement_hook(gsz__statement_hook hook) {
  statement_hook = hook;
}

/* SQLITE_TRACE_STMT fires when a statement starts running; statements run
 * by triggers arrive as "-- TRIGGER name" and are not boundaries. */
static int trace_statement(unsigned type, void *ctx, void *stmt, void *sql) {
  (void)type, (void)ctx, (void)stmt;
  const char *text = sql;
  if (statement_hook != NULL && text != NULL && strncmp(text, "--", 2) != 0)
    statement_hook(text);
  return 0;
}

gsz_err gsz__db_open_file(sqlite3 **out, const char *path, bool writable, gsz_diag *diag) {
  bool uri = strncmp(path, "file:", 5) == 0;
  if (!uri) {
    struct stat st;
    if (stat(path, &st) != 0) {
      if (errno == ENOENT)
        return gsz__diag_set(diag, GSZ_ENOTFOUND,
                             "catalog file '%s' does not exist (create one with "
                             "'gpusizer db init %s')",
                             path, path);
      return gsz__diag_set(diag, GSZ_EDB, "cannot read catalog file '%s': %s", path,
                           strerror(errno));
    }
    if (!S_ISREG(st.st_mode))
      return gsz__diag_set(diag, GSZ_EDB, "'%s' is not a regular file", path);
  }
  int flags = (writable ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY) | SQLITE_OPEN_URI;
  sqlite3 *db = NULL;
  gsz__sqlite_sync_allocator();
  int rc = sqlite3_open_v2(path, &db, flags, NULL);
  if (rc != SQLITE_OK) {
    /* A failed allocation can leave no handle (or one that says less). */
    gsz_err err = rc == SQLITE_NOMEM ? gsz__diag_nomem(diag)
                                     : gsz__db_error(diag, db, "cannot open catalog file", path);
    sqlite3_close(db);
    return err;
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_handler(db, busy_wait, NULL);
  if (writable && statement_hook != NULL)
    sqlite3_trace_v2(db, SQLITE_TRACE_STMT, trace_statement, NULL);
  gsz_err err =
      gsz__db_exec(db, "PRAGMA foreign_keys = ON", "cannot open catalog file", path, diag);
  if (err != GSZ_OK) {
    sqlite3_close(db);
    return err;
  }
  *out = db;
  return GSZ_OK;
}

/* Check that db is a gpusizer catalog at a version we can use. Runs inside
 * the caller's transaction when there is one, so the check and what is read
 * after it see the same file. */
gsz_err gsz__db_verify_catalog(sqlite3 *db, const char *path, bool require_current, int *version,
                               gsz_diag *diag) {
  int app_id = 0, user_version = 0, objects = 0;
  gsz_err err;
  if ((err = pragma_int(db, "PRAGMA application_id", &app_id, path, diag)) != GSZ_OK)
    return err;
  if ((err = pragma_int(db, "PRAGMA user_version", &user_version, path, diag)) != GSZ_OK)
    return err;
  if (app_id != (int)GSZ_CATALOG_APPLICATION_ID) {
    if ((err = pragma_int(db, "SELECT count(*) FROM sqlite_schema", &objects, path, diag)) !=
        GSZ_OK)
      return err;
    if (objects == 0)
      return gsz__diag_set(diag, GSZ_ESCHEMA,
                           "'%s' is an empty database, not a gpusizer catalog (write one with "
                           "'gpusizer db init " GSZ_FIELD("force") " %s')",
                           path, path);
    return gsz__diag_set(
        diag, GSZ_ESCHEMA,
        "'%s' is an SQLite database but not a gpusizer catalog "
        "(application_id %d, expected %d); give " GSZ_FIELD("db") " a file written by "
                                                                  "'gpusizer db init'",
        path, app_id, (int)GSZ_CATALOG_APPLICATION_ID);
  }
  int latest = gsz_catalog_schema_version();
  if (user_version > latest)
    return gsz__diag_set(diag, GSZ_ESCHEMA,
                         "'%s' has catalog schema %d, newer than this gpusizer understands "
                         "(%d); upgrade gpusizer to read it",
                         path, user_version, latest);
  if (user_version < latest && require_current)
    return gsz__diag_set(diag, GSZ_ESCHEMA,
                         "'%s' has catalog schema %d, older than this gpusizer's %d; run "
                         "'gpusizer db migrate %s' to upgrade it",
                         path, user_version, latest, path);
  if (user_version == latest) {
    char missing[256] = "";
    size_t n_missing = 0;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db,
                           "SELECT count(*) FROM sqlite_schema WHERE type IN ('table', 'view') "
                           "AND name = ?1",
                           -1, &st, NULL) != SQLITE_OK)
      return gsz__db_error(diag, db, "could not read", path);
    size_t n_old = GSZ_ARRAY_LEN(required_tables);
    for (size_t i = 0; i < n_old + GSZ_ARRAY_LEN(required_since_5); i++) {
      const char *name = i < n_old ? required_tables[i] : required_since_5[i - n_old];
      sqlite3_reset(st);
      int present = 0;
      if (sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC) != SQLITE_OK ||
          sqlite3_step(st) != SQLITE_ROW) {
        err = gsz__db_error(diag, db, "could not read", path);
        sqlite3_finalize(st);
        return err;
      }
      present = sqlite3_column_int(st, 0);
      if (!present) {
        size_t used = strlen(missing);
        snprintf(missing + used, sizeof missing - used, "%s'%s'", n_missing ? ", " : "", name);
        n_missing++;
      }
    }
    sqlite3_finalize(st);
    if (n_missing > 0)
      return gsz__diag_set(diag, GSZ_ESCHEMA,
                           "catalog '%s' is missing the table or view%s %s; restore it from a "
                           "backup or write a new one with 'gpusizer db init'",
                           path, n_missing > 1 ? "s" : "", missing);
  }
  *version = user_version;
  return GSZ_OK;
}

/* An empty in-memory database for the built-in catalog. */
