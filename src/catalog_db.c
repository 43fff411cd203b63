/* catalog_db.c: catalog databases: opening and verifying a catalog file,
 * building the built-in catalog in memory, and the maintenance commands
 * (init, migrate, check; check reads every row against the built-in
 * schema's rules). Loading records is catalog_load.c; applying migrations
 * is migrate.c. */
#include "atomic_file_int.h"
#include "buf_int.h"
#include "catalog_image_int.h"
#include "db_int.h"
#include "embedded_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* The tables of DESIGN.md's SQL contract, plus what the loader reads. */
static const char *const required_tables[] = {
    "gpu",         "server",        "server_gpu",      "price",         "inventory",
    "model",       "number_format", "runtime",         "currency",      "gpu_alias",
    "model_alias", "price_current", "stock_available", "catalog_issue",
};

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
static size_t escape_into(char *out, size_t size, const char *s, size_t n, size_t shown) {
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
  size_t done = escape_into(out + 1, GSZ__DB_QUOTED_MAX - 1, s, n, QUOTE_SHOWN_BYTES);
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
  char key[2 * QUOTE_SHOWN_BYTES];
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

gsz_err gsz__db_error(gsz_diag *diag, sqlite3 *db, const char *what, const char *path) {
  int rc = db ? sqlite3_extended_errcode(db) : SQLITE_ERROR;
  if (rc == SQLITE_READONLY_ROLLBACK || rc == SQLITE_READONLY_RECOVERY)
    return unfinished_transaction(diag, db, path, rc);
  rc = db ? sqlite3_errcode(db) : SQLITE_ERROR;
  /* Extended codes are on: SQLITE_IOERR_NOMEM is a failed allocation too. */
  if (rc == SQLITE_NOMEM || rc == SQLITE_IOERR_NOMEM)
    return gsz__diag_nomem(diag);
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

static gsz_err exec_sql(sqlite3 *db, const char *sql, const char *what, const char *label,
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
  gsz_err err = exec_sql(db, "PRAGMA foreign_keys = ON", "cannot open catalog file", path, diag);
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
static gsz_err verify_catalog(sqlite3 *db, const char *path, bool require_current, int *version,
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
                           "'gpusizer db init --force %s')",
                           path, path);
    return gsz__diag_set(diag, GSZ_ESCHEMA,
                         "'%s' is an SQLite database but not a gpusizer catalog "
                         "(application_id %d, expected %d); give --db a file written by "
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
    for (size_t i = 0; i < GSZ_ARRAY_LEN(required_tables); i++) {
      sqlite3_reset(st);
      int present = 0;
      if (sqlite3_bind_text(st, 1, required_tables[i], -1, SQLITE_STATIC) != SQLITE_OK ||
          sqlite3_step(st) != SQLITE_ROW) {
        err = gsz__db_error(diag, db, "could not read", path);
        sqlite3_finalize(st);
        return err;
      }
      present = sqlite3_column_int(st, 0);
      if (!present) {
        size_t used = strlen(missing);
        snprintf(missing + used, sizeof missing - used, "%s'%s'", n_missing ? ", " : "",
                 required_tables[i]);
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
static gsz_err open_memory(sqlite3 **out, const char *label, gsz_diag *diag) {
  sqlite3 *db = NULL;
  int rc = sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
  if (rc != SQLITE_OK) {
    gsz_err err = rc == SQLITE_NOMEM ? gsz__diag_nomem(diag)
                                     : gsz__db_error(diag, db, "cannot create", label);
    sqlite3_close(db);
    return err;
  }
  *out = db;
  return GSZ_OK;
}

gsz_err gsz__db_build_from_sql(sqlite3 **out, gsz_diag *diag) {
  const char *label = "built-in catalog";
  sqlite3 *db = NULL;
  gsz_err err = open_memory(&db, label, diag);
  if (err != GSZ_OK)
    return err;
  int version = 0;
  int rc;
  err = exec_sql(db, "PRAGMA foreign_keys = ON", "cannot create", label, diag);
  if (err == GSZ_OK)
    err = gsz__migrate_run(db, label, &version, NULL, 0, NULL, diag);
  if (err == GSZ_OK)
    err = exec_sql(db, "BEGIN", "cannot create", label, diag);
  for (size_t i = 0; err == GSZ_OK && i < gsz__embedded_catalog_count; i++) {
    char *msg = NULL;
    rc = sqlite3_exec(db, gsz__embedded_catalog[i].text, NULL, NULL, &msg);
    if (rc == SQLITE_NOMEM)
      err = gsz__diag_nomem(diag);
    else if (rc != SQLITE_OK)
      err = gsz__diag_set(diag, GSZ_EDB, "built-in catalog file '%s' failed to load: %s",
                          gsz__embedded_catalog[i].name, msg ? msg : sqlite3_errstr(rc));
    sqlite3_free(msg);
  }
  if (err == GSZ_OK)
    err = exec_sql(db, "COMMIT", "cannot create", label, diag);
  if (err != GSZ_OK) {
    sqlite3_close(db);
    return err;
  }
  *out = db;
  return GSZ_OK;
}

/* The built-in catalog from its build-time image: a private copy SQLite
 * owns (writable, like one built from SQL), in about a millisecond where
 * running the SQL takes fifteen. */
static gsz_err build_from_image(sqlite3 **out, gsz_diag *diag) {
  const char *label = "built-in catalog";
  sqlite3 *db = NULL;
  gsz_err err = open_memory(&db, label, diag);
  if (err != GSZ_OK)
    return err;
  unsigned char *copy = sqlite3_malloc64(gsz__catalog_image_len);
  if (copy == NULL) {
    sqlite3_close(db);
    return gsz__diag_nomem(diag);
  }
  memcpy(copy, gsz__catalog_image, gsz__catalog_image_len);
  /* On failure SQLite frees the copy (FREEONCLOSE). */
  int rc = sqlite3_deserialize(db, "main", copy, (sqlite3_int64)gsz__catalog_image_len,
                               (sqlite3_int64)gsz__catalog_image_len,
                               SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_RESIZEABLE);
  err = rc == SQLITE_OK      ? GSZ_OK
        : rc == SQLITE_NOMEM ? gsz__diag_nomem(diag)
                             : gsz__db_error(diag, db, "cannot create", label);
  if (err == GSZ_OK)
    err = exec_sql(db, "PRAGMA foreign_keys = ON", "cannot create", label, diag);
  if (err != GSZ_OK) {
    sqlite3_close(db);
    return err;
  }
  *out = db;
  return GSZ_OK;
}

gsz_err gsz__db_build_builtin(sqlite3 **out, gsz_diag *diag) {
  return gsz__catalog_image_len > 0 ? build_from_image(out, diag)
                                    : gsz__db_build_from_sql(out, diag);
}

gsz_err gsz_catalog_open(gsz_catalog **out, const char *path, gsz_diag *diag) {
  sqlite3 *db = NULL;
  gsz_err err;
  if (path == NULL) {
    if ((err = gsz__db_build_builtin(&db, diag)) != GSZ_OK)
      return err;
    err = gsz__catalog_load(out, db, "built-in", diag);
    sqlite3_close(db);
    return err;
  }
  if ((err = gsz__db_open_file(&db, path, false, diag)) != GSZ_OK)
    return err;
  /* One read transaction around the version check and every table read:
   * a maintainer's concurrent UPDATE is seen whole or not at all. */
  int version = 0;
  err = exec_sql(db, "BEGIN", "cannot read catalog file", path, diag);
  if (err == GSZ_OK)
    err = verify_catalog(db, path, true, &version, diag);
  if (err == GSZ_OK)
    err = gsz__catalog_load(out, db, path, diag);
  sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
  sqlite3_close(db);
  return err;
}

/* --- Maintenance ------------------------------------------------------- */

/* Whether the file path + suffix exists and holds anything. */
static bool side_file_in_use(const char *path, const char *suffix) {
  char name[4096 + 16];
  if ((size_t)snprintf(name, sizeof name, "%s%s", path, suffix) >= sizeof name)
    return false; /* no such file can exist; the write itself will refuse the path */
  struct stat st;
  return stat(name, &st) == 0 && st.st_size > 0;
}

/* SQLite pairs a database with the journal and WAL files beside it by name
 * alone. A journal left by an unfinished transaction on the file being
 * replaced (or on a deleted one) is rolled back into the new file at its
 * next open, which corrupts it ("Rowid out of order"); a WAL file's frames
 * are read over the new file's pages. So db init, --force or not, refuses
 * while either is there and not empty (journal_mode=TRUNCATE leaves an
 * empty journal, which holds nothing), and says how to resolve it. */
static gsz_err refuse_unfinished_transaction(const char *path, gsz_diag *diag) {
  struct stat st;
  bool have_file = stat(path, &st) == 0;
  if (side_file_in_use(path, "-journal"))
    return have_file ? gsz__diag_set(diag, GSZ_EDB,
                                     "'%s' has an unfinished transaction ('%s-journal'): run "
                                     "'gpusizer db migrate %s' (or open it once with sqlite3) to "
                                     "roll it back, or delete both files to start over",
                                     path, path, path)
                     : gsz__diag_set(diag, GSZ_EDB,
                                     "'%s-journal' is left from an unfinished transaction on an "
                                     "earlier '%s' and would be rolled back into the new file: "
                                     "delete it first",
                                     path, path);
  if (side_file_in_use(path, "-wal"))
    return have_file ? gsz__diag_set(diag, GSZ_EDB,
                                     "'%s' has changes not yet written back from its write-ahead "
                                     "log ('%s-wal'), or a program has it open: close that "
                                     "program, or run 'gpusizer db migrate %s' (or open it once "
                                     "with sqlite3) to write them back, or delete both files to "
                                     "start over",
                                     path, path, path)
                     : gsz__diag_set(diag, GSZ_EDB,
                                     "'%s-wal' is left from an earlier '%s' and would be read "
                                     "into the new file: delete it first",
                                     path, path);
  return GSZ_OK;
}

gsz_err gsz_db_init(const char *path, bool overwrite, gsz_diag *diag) {
  gsz_err err = refuse_unfinished_transaction(path, diag);
  if (err != GSZ_OK)
    return err;
  sqlite3 *db = NULL;
  err = gsz__db_build_builtin(&db, diag);
  if (err != GSZ_OK)
    return err;
  sqlite3_int64 size = 0;
  unsigned char *image = sqlite3_serialize(db, "main", &size, 0);
  if (image == NULL) {
    sqlite3_close(db);
    return gsz__diag_nomem(diag);
  }
  err = gsz__atomic_write(path, image, (size_t)size, overwrite, diag);
  sqlite3_free(image);
  sqlite3_close(db);
  return err;
}

gsz_err gsz_db_migrate(const char *path, int *from, int *to, gsz_migration_step *steps,
                       size_t max_steps, size_t *n_steps, gsz_diag *diag) {
  sqlite3 *db = NULL;
  gsz_err err = gsz__db_open_file(&db, path, true, diag);
  if (err != GSZ_OK)
    return err;
  int version = 0;
  err = verify_catalog(db, path, false, &version, diag);
  if (err == GSZ_OK) {
    *from = version;
    err = gsz__migrate_run(db, path, &version, steps, max_steps, n_steps, diag);
    *to = version;
  }
  if (sqlite3_close(db) != SQLITE_OK && err == GSZ_OK)
    err = gsz__diag_set(diag, GSZ_EDB, "could not close '%s' after migrating", path);
  return err;
}

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
  if (escape_into(out, TEXT_MAX - 3, s, n, TEXT_SHOWN_BYTES) < n)
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

/* The catalog_issue view: the catalog's sanity rules, kept in SQL. */
static gsz_err check_sanity(sqlite3 *db, const char *label, gsz__problems *found, gsz_diag *diag) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db,
                         "SELECT kind, sku, problem FROM catalog_issue ORDER BY kind, sku, problem",
                         -1, &st, NULL) != SQLITE_OK)
    return gsz__db_error(diag, db, "could not check", label);
  gsz_err err = GSZ_OK;
  int rc;
  while (err == GSZ_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    char kind[TEXT_MAX], key[GSZ__DB_QUOTED_MAX], problem[TEXT_MAX];
    const char *k = (const char *)sqlite3_column_text(st, 0);
    const char *p = (const char *)sqlite3_column_text(st, 2);
    if ((k == NULL && sqlite3_column_type(st, 0) != SQLITE_NULL) ||
        (p == NULL && sqlite3_column_type(st, 2) != SQLITE_NULL)) {
      err = gsz__diag_nomem(diag);
      break;
    }
    escape_text(kind, k ? k : "NULL");
    gsz__db_value(key, st, 1);
    escape_text(problem, p ? p : "NULL");
    char line[2 * TEXT_MAX + GSZ__DB_QUOTED_MAX + 8];
    snprintf(line, sizeof line, "%s %s: %s", kind, key, problem);
    err = gsz__problems_add(found, "", "", NULL, line, diag);
  }
  if (err == GSZ_OK && rc != SQLITE_DONE)
    err = gsz__db_error(diag, db, "could not check", label);
  sqlite3_finalize(st);
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
static gsz_err run_checks(sqlite3 *db, sqlite3 *pristine, const char *label, gsz__problems *found,
                          gsz_diag *diag) {
  gsz_err err = check_integrity(db, label, found, diag);
  if (err != GSZ_OK || found->list.count > 0)
    return err;
  if ((err = check_schema_rules(db, pristine, label, found, diag)) != GSZ_OK)
    return err;
  if ((err = gsz__catalog_check(db, label, found, diag)) != GSZ_OK)
    return err;
  return check_sanity(db, label, found, diag);
}

gsz_err gsz_db_check(const char *path, gsz_problem_list *problems, gsz_diag *diag) {
  sqlite3 *db = NULL, *pristine = NULL;
  const char *label = path ? path : "built-in catalog";
  gsz_err err;
  if (path == NULL) {
    err = gsz__db_build_builtin(&db, diag);
    pristine = db;
  } else {
    err = gsz__db_open_file(&db, path, false, diag);
    int version = 0;
    if (err == GSZ_OK)
      err = exec_sql(db, "BEGIN", "could not check", label, diag);
    if (err == GSZ_OK)
      err = verify_catalog(db, path, true, &version, diag);
    if (err == GSZ_OK)
      err = gsz__db_build_builtin(&pristine, diag);
  }
  gsz__problems found = {{NULL, 0}, NULL, 0};
  if (err == GSZ_OK)
    err = run_checks(db, pristine, label, &found, diag);
  if (pristine != NULL && pristine != db)
    sqlite3_close(pristine);
  if (db != NULL) {
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    sqlite3_close(db);
  }
  if (err != GSZ_OK) {
    problems_free(&found);
    return err;
  }
  for (size_t i = 0; i < found.list.count; i++)
    gsz__free(found.cells[i]);
  gsz__free(found.cells);
  *problems = found.list;
  return GSZ_OK;
}
