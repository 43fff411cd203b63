/* open.c: opening a catalog: a file (verified to be a gpusizer catalog of
 * this schema) or the built-in one (from the compiled-in image, or built
 * from the embedded SQL), read whole into records. */
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

static gsz_err open_memory(sqlite3 **out, const char *label, gsz_diag *diag) {
  sqlite3 *db = NULL;
  gsz__sqlite_sync_allocator();
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
  err = gsz__db_exec(db, "PRAGMA foreign_keys = ON", "cannot create", label, diag);
  if (err == GSZ_OK)
    err = gsz__migrate_run(db, label, &version, NULL, 0, NULL, diag);
  if (err == GSZ_OK)
    err = gsz__db_exec(db, "BEGIN", "cannot create", label, diag);
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
    err = gsz__db_exec(db, "COMMIT", "cannot create", label, diag);
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
    err = gsz__db_exec(db, "PRAGMA foreign_keys = ON", "cannot create", label, diag);
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
  return gsz_catalog_open_at(out, path, NULL, diag);
}

gsz_err gsz_catalog_open_at(gsz_catalog **out, const char *path, const char *when, gsz_diag *diag) {
  sqlite3 *db = NULL;
  char today[11];
  gsz_err err = gsz__date_today(today, when, diag);
  if (err != GSZ_OK)
    return err;
  if (path == NULL) {
    if ((err = gsz__db_build_builtin(&db, diag)) != GSZ_OK)
      return err;
    err = gsz__catalog_load(out, db, "built-in", today, diag);
    sqlite3_close(db);
    return err;
  }
  if ((err = gsz__db_open_file(&db, path, false, diag)) != GSZ_OK)
    return err;
  /* One read transaction around the version check and every table read:
   * a maintainer's concurrent UPDATE is seen whole or not at all. */
  int version = 0;
  err = gsz__db_exec(db, "BEGIN", "cannot read catalog file", path, diag);
  if (err == GSZ_OK)
    err = gsz__db_verify_catalog(db, path, true, &version, diag);
  if (err == GSZ_OK)
    err = gsz__catalog_load(out, db, path, today, diag);
  sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
  sqlite3_close(db);
  return err;
}
