/* testutil.h: helpers shared by the tests: reading the reference CSV files,
 * temporary files, and running the gpusizer binary with its output and
 * exit status captured. Test code only. */
#ifndef GSZ_TESTUTIL_H
#define GSZ_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

/* A CSV file read whole: rows[0] is the header. */
typedef struct tu_csv {
  char ***rows;  /* rows[r][c] */
  size_t *ncols; /* per row */
  size_t nrows;
} tu_csv;

/* Read an RFC 4180 CSV file (quotes, doubled quotes, CRLF); fails the test
 * if it cannot be read. */
void tu_csv_read(tu_csv *out, const char *path);
void tu_csv_free(tu_csv *csv);
/* Column index of name in the header; fails the test if absent. */
size_t tu_csv_col(const tu_csv *csv, const char *name);

/* A fresh private directory under /tmp, removed with tu_rmdir_all. */
char *tu_tmpdir(void);
void tu_rmdir_all(char *dir);
/* dir/name into a static-free buffer the caller frees. */
char *tu_path(const char *dir, const char *name);
void tu_write_file(const char *path, const char *text, size_t len);
/* The whole file, NUL-terminated; NULL if it cannot be read. */
char *tu_read_file(const char *path, size_t *len);

typedef struct tu_result {
  int status; /* exit status, or 128 + signal */
  char *out;  /* stdout */
  char *err;  /* stderr */
} tu_result;

/* Run the gpusizer binary with args (NULL-terminated), environment
 * additions env ("NAME=value", NULL-terminated, may be NULL). */
void tu_run(tu_result *r, const char *const *args, const char *const *env);
/* Like tu_run with stdout sent to out_path instead of captured. */
void tu_run_to(tu_result *r, const char *const *args, const char *out_path);
void tu_result_free(tu_result *r);

/* A catalog file's PRAGMA user_version, with its integrity_check result
 * copied to integrity. writable: open read-write, so that a hot journal
 * left by a killed process is rolled back first, as any later gpusizer run
 * that writes would do. */
int tu_db_inspect(const char *path, bool writable, char *integrity, size_t size);

/* A catalog file from before schema 1 (stamped with gpusizer's
 * application_id, no tables) at path, replacing any file there (and any
 * journal, WAL or shared-memory file of an earlier one). */
void tu_make_old_catalog(const char *path);

/* Remove the database file at path and what SQLite keeps beside it
 * (path-journal, path-wal, path-shm); absent files are fine. A test that
 * reuses a database path must start from this: a journal left by a killed
 * writer would otherwise be paired with the next file of that name. */
void tu_unlink_db(const char *path);

/* Copy the file at from to to, replacing it. */
void tu_copy_file(const char *from, const char *to);

/* Run sql on the SQLite file at path through a plain connection, as the
 * sqlite3 shell would (foreign keys off); fails the test on an error. */
void tu_db_exec(const char *path, const char *sql);
/* The first column of the first row of sql on the file at path, as an
 * integer; fails the test when there is no row. */
long long tu_db_int(const char *path, const char *sql);

/* Leave the catalog file at path with a hot journal: a child process
 * runs sql inside a transaction with a one-page cache, so that SQLite
 * syncs path-journal and writes changed pages into the file before the
 * commit, and is then killed with SIGKILL. Afterwards path holds part of
 * the transaction and path-journal the pages that undo it, exactly as a
 * maintainer's sqlite3 killed mid-transaction leaves them. */
void tu_make_hot_journal(const char *path, const char *sql);

/* In a forked child: exec the gpusizer binary with args (NULL-terminated);
 * exits 127 if the exec fails. Never returns. */
void tu_exec_gpusizer(const char *const *args) __attribute__((noreturn));

/* Field words as the command line says them ("--max-nodes"), and a diag
 * rendered with them (a static buffer: one at a time), so that tests of
 * library messages read what a user of the program reads. */
#include "gpusizer/error.h"
extern const gsz_field_words tu_flag_words;
const char *tu_diag(const gsz_diag *diag);

/* Price the configuration nodes x (server + per_node x gpu) with pricer p,
 * as the matcher does (its bill of materials from gsz_bom_configuration). */
#include "gpusizer/match.h"
gsz_err tu_price(const gsz_pricer *p, const gsz_catalog_data *data, const gsz_gpu *gpu,
                 const gsz_server *server, uint32_t per_node, uint32_t nodes, bool with_lines,
                 gsz_price *out, gsz_diag *diag);

/* Whether haystack contains needle (for message checks). */
bool tu_contains(const char *haystack, const char *needle);

#endif
