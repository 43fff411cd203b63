/* db_int.h: SQLite plumbing shared by the catalog files (open and verify a
 * catalog file, build the built-in catalog, apply migrations, load records).
 * Internal to the catalog module: nothing outside src/catalog*.c and
 * src/migrate.c includes sqlite3.h. */
#ifndef GSZ_DB_INT_H
#define GSZ_DB_INT_H

#include "gpusizer/catalog.h"
#include "util/common_int.h"

#include <sqlite3.h>

/* How long a reader or writer waits for another process's lock. */
#define GSZ_DB_BUSY_TIMEOUT_MS 5000

/* Copy SQLite's message for db into diag with a prefix naming what failed. */
gsz_err gsz__db_error(gsz_diag *diag, sqlite3 *db, const char *what, const char *path);
/* Whether an SQLite result code is a full disk or a failed write
 * (GSZ_EIO, exit 4) rather than a problem of the catalog. */
bool gsz__db_write_failed(int rc);

/* Run sql (no results); on failure the message says "what 'label': ...". */
gsz_err gsz__db_exec(sqlite3 *db, const char *sql, const char *what, const char *label,
                     gsz_diag *diag);

/* Check that db is a gpusizer catalog (application_id, user_version, the
 * contract tables): *version receives its schema version. require_current
 * refuses an older schema (a reader) where migrate accepts it. */
gsz_err gsz__db_verify_catalog(sqlite3 *db, const char *path, bool require_current, int *version,
                               gsz_diag *diag);

/* Copy n bytes of s into out (size bytes, NUL-terminated) with control
 * characters and invalid UTF-8 escaped, at most `shown` source bytes;
 * returns how many source bytes were copied. */
size_t gsz__db_escape_into(char *out, size_t size, const char *s, size_t n, size_t shown);

/* Apply migrations from version *current+1 through the latest, each in one
 * transaction; *current follows what was applied. steps as in
 * gsz_db_migrate (may be NULL). */
gsz_err gsz__migrate_run(sqlite3 *db, const char *label, int *current, gsz_migration_step *steps,
                         size_t max_steps, size_t *n_steps, gsz_diag *diag);

/* The same over any list of migration files (tests use it to check that a
 * bad migration rolls back whole). files[i] is version i + 1. */
struct gsz__sql_file;
gsz_err gsz__migrate_run_files(sqlite3 *db, const struct gsz__sql_file *files, size_t count,
                               const char *label, int *current, gsz_migration_step *steps,
                               size_t max_steps, size_t *n_steps, gsz_diag *diag);

/* A fresh in-memory database holding the built-in catalog. */
gsz_err gsz__db_build_builtin(sqlite3 **out, gsz_diag *diag);
/* The same, always from the embedded SQL (the migrations through the
 * runner, then the catalog files): what the build-time image is made of. */
gsz_err gsz__db_build_from_sql(sqlite3 **out, gsz_diag *diag);

/* Open an existing catalog file (or "file:" URI) with foreign keys on and
 * a busy timeout; writable opens it read-write (for migrate). The caller
 * then verifies it is a gpusizer catalog at a usable version. */
gsz_err gsz__db_open_file(sqlite3 **out, const char *path, bool writable, gsz_diag *diag);

/* Crash-safety tests: called as each top-level SQL statement on a writable
 * catalog file is about to run (a statement boundary), with its text.
 * NULL (the default) traces nothing. Process-wide; tests only. */
typedef void (*gsz__statement_hook)(const char *sql);
void gsz__db_set_statement_hook(gsz__statement_hook hook);

/* Read every table of db into a catalog; the caller holds the read
 * transaction. origin names the catalog in messages (a file path, or
 * "built-in"). A value the program cannot use (NULL in a required column,
 * out of range, not an integer, text too long) is GSZ_ESCHEMA (GSZ_ELIMIT
 * for sizes), naming the table, the row's key and the column. */
gsz_err gsz__catalog_load(gsz_catalog **out, sqlite3 *db, const char *origin, const char *today,
                          gsz_diag *diag);

/* Whether s is a real date written YYYY-MM-DD (2026-02-30 is not). */
bool gsz__date_valid(const char *s);
/* today, checked (GSZ_EINVAL "'x' is not a date"), or when NULL the system
 * clock's date in UTC, into out. */
gsz_err gsz__date_today(char out[11], const char *today, gsz_diag *diag);

/* --- Problems, for db check ---------------------------------------------- */

/* db check's findings: the public list, and per line the cell it is about
 * ("table", key and column), so that a value broken by two rules (a CHECK
 * constraint and the loader's range) is reported once, by the first. */
typedef struct gsz__problems {
  gsz_problem_list list;
  char **cells; /* per line: "table\037key\037column", or NULL (not merged) */
  size_t cap;
} gsz__problems;

/* Add line (copied), about column of the row of table whose quoted key is
 * key; column NULL: about no one cell, never merged. A line about a cell
 * already reported is dropped, and lines past the first 10,000 too.
 * GSZ_ENOMEM only. */
gsz_err gsz__problems_add(gsz__problems *p, const char *table, const char *key, const char *column,
                          const char *line, gsz_diag *diag);
/* Free what p holds; p is empty afterwards. */
void gsz__problems_free(gsz__problems *p);

/* db check's reading of every table: as gsz__catalog_load, but each value
 * the loader would refuse goes into problems (one line each, without the
 * file's name) and reading goes on, so that db check reports everything
 * the loader refuses and the two never disagree. A table that cannot be
 * read at all (a column missing) is a problem line too. Errors: out of
 * memory, SQLite failures. */
gsz_err gsz__catalog_check(sqlite3 *db, const char *origin, const char *today,
                           gsz__problems *problems, gsz_diag *diag);

/* What db check finds in db's rows beyond integrity and the schema's own
 * rules: the values the loader refuses (gsz__catalog_check), the rows of
 * every catalog_issue* view (sorted together), and, when warn is not NULL,
 * the warnings about dates (prices in force older than max_age days, 0:
 * none; rows dated after today; sellable items priced only later). The
 * import uses it before and after its writes, inside its transaction. */
gsz_err gsz__db_findings(sqlite3 *db, const char *label, const char *today, uint32_t max_age,
                         gsz__problems *found, gsz__problems *warn, gsz_diag *diag);

/* --- Values in messages -------------------------------------------------- */

/* Room for any quoted value or key: 64 bytes of text escaped, and the rest. */
#define GSZ__DB_QUOTED_MAX 320

/* The n bytes at s for a message, in single quotes: control characters and
 * bytes that are not UTF-8 escaped (\t, \n, \r, \xNN; C1 controls as
 * \u00NN), so that what a catalog holds never acts on a terminal; past 64
 * bytes cut at a character, "...", and " (total bytes)". */
void gsz__db_quote(char out[GSZ__DB_QUOTED_MAX], const char *s, size_t n, size_t total);
/* Column col of st's current row for a message: NULL, 42, 1.5, 'text'
 * (quoted as above) or "a 12-byte blob". */
void gsz__db_value(char out[GSZ__DB_QUOTED_MAX], sqlite3_stmt *st, int col);
/* The key of st's current row, its first n columns joined by '/' and
 * quoted: 'H100-SXM5-80GB', 'gpu/L40S/2026-11-26'. */
void gsz__db_row_key(char out[GSZ__DB_QUOTED_MAX], sqlite3_stmt *st, int n);

#endif
