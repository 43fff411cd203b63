/* migrate.c: applies the embedded schema migrations in order, each whole or
 * not at all, and records the version in PRAGMA user_version.
 *
 * A migration file may not manage transactions or attach databases: the
 * runner owns the transaction, so a failing statement rolls the whole file
 * back. An authorizer enforces this while the file's text is prepared. */
#include "catalog/db_int.h"
#include "catalog/embedded_int.h"

#include <stdio.h>
#include <string.h>

int gsz_catalog_schema_version(void) {
  return (int)gsz__embedded_migrations_count;
}

/* Refuse what would let a migration escape the runner's transaction or
 * reach outside this database. */
static int migration_authorizer(void *ctx, int action, const char *a, const char *b,
                                const char *dbname, const char *trigger) {
  (void)dbname, (void)trigger;
  const char **refused = ctx;
  switch (action) {
  case SQLITE_TRANSACTION:
    *refused = "BEGIN/COMMIT/ROLLBACK";
    return SQLITE_DENY;
  case SQLITE_SAVEPOINT:
    *refused = "SAVEPOINT";
    return SQLITE_DENY;
  case SQLITE_ATTACH:
  case SQLITE_DETACH:
    *refused = "ATTACH/DETACH";
    return SQLITE_DENY;
  case SQLITE_PRAGMA:
    /* ALTER TABLE ADD COLUMN with a CHECK or NOT NULL constraint checks
     * the existing rows through pragma_quick_check (SQLite 3.37 and
     * later): a read that cannot leave the transaction. */
    if (a != NULL && strcmp(a, "quick_check") == 0 && b != NULL)
      return SQLITE_OK;
    *refused = "PRAGMA";
    return SQLITE_DENY;
  default:
    return SQLITE_OK;
  }
}

/* Run one migration inside the open transaction. */
static gsz_err apply_text(sqlite3 *db, const gsz__sql_file *file, const char *label,
                          gsz_diag *diag) {
  const char *refused = NULL;
  char *errmsg = NULL;
  sqlite3_set_authorizer(db, migration_authorizer, &refused);
  int rc = sqlite3_exec(db, file->text, NULL, NULL, &errmsg);
  sqlite3_set_authorizer(db, NULL, NULL);
  if (rc == SQLITE_OK)
    return GSZ_OK;
  gsz_err err;
  if (rc == SQLITE_NOMEM)
    err = gsz__diag_nomem(diag);
  else if (gsz__db_write_failed(rc))
    err = gsz__diag_set(diag, GSZ_EIO, "migration '%s' could not write '%s': %s%s", file->name,
                        label, sqlite3_errstr(rc), rc == SQLITE_FULL ? "" : " (is the disk full?)");
  else if (refused != NULL)
    err = gsz__diag_set(diag, GSZ_ESCHEMA,
                        "migration '%s' uses %s, which migrations may not use (the runner "
                        "owns the transaction); '%s' is unchanged",
                        file->name, refused, label);
  else
    err = gsz__diag_set(diag, GSZ_EDB, "migration '%s' failed on '%s': %s", file->name, label,
                        errmsg ? errmsg : sqlite3_errstr(rc));
  sqlite3_free(errmsg);
  return err;
}

static gsz_err exec_simple(sqlite3 *db, const char *sql, const char *label, gsz_diag *diag) {
  int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
  if (rc == SQLITE_OK)
    return GSZ_OK;
  return gsz__db_error(diag, db, "could not update", label);
}

/* Note the applied file in the migration table (bound parameters, as all
 * values reach SQL). */
static gsz_err record_migration(sqlite3 *db, int version, const char *name, const char *label,
                                gsz_diag *diag) {
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2(db, "INSERT INTO migration (version, name) VALUES (?1, ?2)", -1, &st,
                              NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_bind_int(st, 1, version);
  if (rc == SQLITE_OK)
    rc = sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
  if (rc == SQLITE_OK)
    rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
  gsz_err err = rc == SQLITE_OK ? GSZ_OK : gsz__db_error(diag, db, "could not update", label);
  sqlite3_finalize(st);
  return err;
}

/* A foreign key a migration left dangling: the first row that breaks one. */
static gsz_err check_foreign_keys(sqlite3 *db, const char *label, gsz_diag *diag) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, "PRAGMA foreign_key_check", -1, &st, NULL) != SQLITE_OK)
    return gsz__db_error(diag, db, "could not migrate", label);
  gsz_err err = GSZ_OK;
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    const char *table = (const char *)sqlite3_column_text(st, 0);
    const char *parent = (const char *)sqlite3_column_text(st, 2);
    err = gsz__diag_set(diag, GSZ_ESCHEMA,
                        "could not migrate '%s': a row of %s names a missing %s row (foreign key)",
                        label, table ? table : "?", parent ? parent : "?");
  } else if (rc != SQLITE_DONE) {
    err = gsz__db_error(diag, db, "could not migrate", label);
  }
  sqlite3_finalize(st);
  return err;
}

/* Each migration runs as SQLite's "making other kinds of table schema
 * changes" asks: foreign keys off and legacy_alter_table on (so that a
 * table can be rebuilt and renamed under views and triggers that name it),
 * everything in one transaction, and foreign_key_check before the commit.
 * Both settings are per connection and put back afterwards. */
static gsz_err apply_one(sqlite3 *db, const gsz__sql_file *file, int version, const char *label,
                         gsz_diag *diag) {
  gsz_err err =
      exec_simple(db, "PRAGMA foreign_keys = OFF; PRAGMA legacy_alter_table = ON", label, diag);
  if (err != GSZ_OK)
    return err;
  if ((err = exec_simple(db, "BEGIN IMMEDIATE", label, diag)) != GSZ_OK)
    goto restore;
  err = apply_text(db, file, label, diag);
  if (err == GSZ_OK)
    err = check_foreign_keys(db, label, diag);
  if (err != GSZ_OK)
    goto rollback;

  if ((err = record_migration(db, version, file->name, label, diag)) != GSZ_OK)
    goto rollback;
  /* PRAGMA takes no bound parameters; both values are our own integers. */
  char sql[160];
  snprintf(sql, sizeof sql, "PRAGMA application_id = %d; PRAGMA user_version = %d",
           (int)GSZ_CATALOG_APPLICATION_ID, version);
  if ((err = exec_simple(db, sql, label, diag)) != GSZ_OK)
    goto rollback;
  if ((err = exec_simple(db, "COMMIT", label, diag)) != GSZ_OK)
    goto rollback;
  goto restore;

rollback:
  sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
restore:
  sqlite3_exec(db, "PRAGMA legacy_alter_table = OFF; PRAGMA foreign_keys = ON", NULL, NULL, NULL);
  return err;
}

gsz_err gsz__migrate_run_files(sqlite3 *db, const gsz__sql_file *files, size_t count,
                               const char *label, int *current, gsz_migration_step *steps,
                               size_t max_steps, size_t *n_steps, gsz_diag *diag) {
  if (n_steps != NULL)
    *n_steps = 0;
  for (int v = *current + 1; v <= (int)count; v++) {
    gsz_err err = apply_one(db, &files[v - 1], v, label, diag);
    if (err != GSZ_OK)
      return err;
    *current = v;
    if (n_steps != NULL) {
      if (steps != NULL && *n_steps < max_steps)
        steps[*n_steps] = (gsz_migration_step){v, files[v - 1].name};
      (*n_steps)++;
    }
  }
  return GSZ_OK;
}

gsz_err gsz__migrate_run(sqlite3 *db, const char *label, int *current, gsz_migration_step *steps,
                         size_t max_steps, size_t *n_steps, gsz_diag *diag) {
  return gsz__migrate_run_files(db, gsz__embedded_migrations, gsz__embedded_migrations_count, label,
                                current, steps, max_steps, n_steps, diag);
}
