/* files.c: catalog files for maintainers: db init (the built-in catalog
 * written to a file, whole or not at all) and db migrate, both refusing a
 * file that holds another process's unfinished transaction. */
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
 * are read over the new file's pages. So db init, forced or not, refuses
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
  err = gsz__db_verify_catalog(db, path, false, &version, diag);
  if (err == GSZ_OK) {
    *from = version;
    err = gsz__migrate_run(db, path, &version, steps, max_steps, n_steps, diag);
    *to = version;
  }
  if (sqlite3_close(db) != SQLITE_OK && err == GSZ_OK)
    err = gsz__diag_set(diag, GSZ_EDB, "could not close '%s' after migrating", path);
  return err;
}
