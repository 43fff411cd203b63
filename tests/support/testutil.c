/* testutil.c: test helpers (testutil.h). */
#define _GNU_SOURCE
#include "testutil.h"

#include "gpusizer/catalog.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

char *tu_read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (f == NULL)
    return NULL;
  size_t cap = 4096, n = 0;
  char *buf = malloc(cap);
  size_t got;
  while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
    n += got;
    if (cap - n - 1 == 0) {
      cap *= 2;
      buf = realloc(buf, cap);
    }
  }
  fclose(f);
  buf[n] = '\0';
  if (len)
    *len = n;
  return buf;
}

void tu_write_file(const char *path, const char *text, size_t len) {
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(text, 1, len, f), len);
  assert_int_equal(fclose(f), 0);
}

static void push_field(char ***row, size_t *n, const char *s, size_t len) {
  *row = realloc(*row, (*n + 1) * sizeof **row);
  (*row)[*n] = strndup(s, len);
  (*n)++;
}

void tu_csv_read(tu_csv *out, const char *path) {
  size_t len = 0;
  char *text = tu_read_file(path, &len);
  if (text == NULL)
    fail_msg("cannot read %s", path);
  memset(out, 0, sizeof *out);
  char *field = malloc(len + 1);
  size_t flen = 0;
  char **row = NULL;
  size_t ncols = 0;
  bool quoted = false, any = false;
  for (size_t i = 0; i <= len; i++) {
    char c = i < len ? text[i] : '\n';
    if (quoted) {
      if (c == '"' && i + 1 < len && text[i + 1] == '"') {
        field[flen++] = '"';
        i++;
      } else if (c == '"') {
        quoted = false;
      } else {
        field[flen++] = c;
      }
      continue;
    }
    if (c == '"') {
      quoted = true;
      any = true;
    } else if (c == ',') {
      push_field(&row, &ncols, field, flen);
      flen = 0;
      any = true;
    } else if (c == '\r') {
      continue;
    } else if (c == '\n') {
      if (any || flen > 0) {
        push_field(&row, &ncols, field, flen);
        out->rows = realloc(out->rows, (out->nrows + 1) * sizeof *out->rows);
        out->ncols = realloc(out->ncols, (out->nrows + 1) * sizeof *out->ncols);
        out->rows[out->nrows] = row;
        out->ncols[out->nrows] = ncols;
        out->nrows++;
      }
      row = NULL;
      ncols = 0;
      flen = 0;
      any = false;
    } else {
      field[flen++] = c;
      any = true;
    }
  }
  free(field);
  free(text);
}

void tu_csv_free(tu_csv *csv) {
  for (size_t r = 0; r < csv->nrows; r++) {
    for (size_t c = 0; c < csv->ncols[r]; c++)
      free(csv->rows[r][c]);
    free(csv->rows[r]);
  }
  free(csv->rows);
  free(csv->ncols);
  memset(csv, 0, sizeof *csv);
}

size_t tu_csv_col(const tu_csv *csv, const char *name) {
  assert_true(csv->nrows > 0);
  for (size_t c = 0; c < csv->ncols[0]; c++)
    if (strcmp(csv->rows[0][c], name) == 0)
      return c;
  fail_msg("no column %s", name);
  return 0;
}

char *tu_tmpdir(void) {
  char tmpl[] = "/tmp/gsz-test-XXXXXX";
  char *dir = mkdtemp(tmpl);
  assert_non_null(dir);
  return strdup(dir);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
  (void)st, (void)flag, (void)ftw;
  return remove(path);
}

void tu_rmdir_all(char *dir) {
  if (dir == NULL)
    return;
  nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
  free(dir);
}

char *tu_path(const char *dir, const char *name) {
  char *p = NULL;
  assert_true(asprintf(&p, "%s/%s", dir, name) > 0);
  return p;
}

static void run(tu_result *r, const char *const *args, const char *const *env,
                const char *out_path) {
  char out_tmpl[] = "/tmp/gsz-out-XXXXXX", err_tmpl[] = "/tmp/gsz-err-XXXXXX";
  int out_fd = out_path ? open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644) : mkstemp(out_tmpl);
  int err_fd = mkstemp(err_tmpl);
  assert_true(out_fd >= 0 && err_fd >= 0);
  size_t argc = 0;
  while (args[argc])
    argc++;
  char **argv = calloc(argc + 2, sizeof *argv);
  argv[0] = strdup(GSZ_BINARY);
  for (size_t i = 0; i < argc; i++)
    argv[i + 1] = strdup(args[i]);
  fflush(NULL);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    dup2(out_fd, 1);
    dup2(err_fd, 2);
    int devnull = open("/dev/null", O_RDONLY);
    dup2(devnull, 0);
    unsetenv("GPUSIZER_DB");
    unsetenv("GPUSIZER_PRICING");
    for (size_t i = 0; env && env[i]; i++) {
      char *copy = strdup(env[i]);
      char *eq = strchr(copy, '=');
      *eq = '\0';
      setenv(copy, eq + 1, 1);
    }
    execv(argv[0], argv);
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  for (size_t i = 0; i <= argc; i++)
    free(argv[i]);
  free(argv);
  close(out_fd);
  close(err_fd);
  r->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r->out = out_path ? strdup("") : tu_read_file(out_tmpl, NULL);
  r->err = tu_read_file(err_tmpl, NULL);
  if (!out_path)
    unlink(out_tmpl);
  unlink(err_tmpl);
}

void tu_run(tu_result *r, const char *const *args, const char *const *env) {
  run(r, args, env, NULL);
}

void tu_run_to(tu_result *r, const char *const *args, const char *out_path) {
  run(r, args, NULL, out_path);
}

void tu_result_free(tu_result *r) {
  free(r->out);
  free(r->err);
  r->out = r->err = NULL;
}

bool tu_contains(const char *haystack, const char *needle) {
  return haystack != NULL && strstr(haystack, needle) != NULL;
}

int tu_db_inspect(const char *path, bool writable, char *integrity, size_t size) {
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  int version = -1;
  int flags = writable ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY;
  assert_int_equal(sqlite3_open_v2(path, &db, flags, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL), SQLITE_OK);
  if (sqlite3_step(st) == SQLITE_ROW)
    version = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
  if (sqlite3_step(st) == SQLITE_ROW)
    snprintf(integrity, size, "%s", (const char *)sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  sqlite3_close(db);
  return version;
}

void tu_unlink_db(const char *path) {
  static const char *const suffixes[] = {"", "-journal", "-wal", "-shm"};
  for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
    char *p = NULL;
    assert_true(asprintf(&p, "%s%s", path, suffixes[i]) > 0);
    if (unlink(p) != 0 && errno != ENOENT)
      fail_msg("cannot remove %s: %s", p, strerror(errno));
    free(p);
  }
}

void tu_copy_file(const char *from, const char *to) {
  size_t len = 0;
  char *bytes = tu_read_file(from, &len);
  if (bytes == NULL)
    fail_msg("cannot read %s", from);
  tu_write_file(to, bytes, len);
  free(bytes);
}

void tu_db_exec(const char *path, const char *sql) {
  sqlite3 *db = NULL;
  char *msg = NULL;
  assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
  if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
    fail_msg("%s: %s: %s", path, sql, msg);
  sqlite3_close(db);
}

long long tu_db_int(const char *path, const char *sql) {
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
    fail_msg("%s: %s: %s", path, sql, sqlite3_errmsg(db));
  if (sqlite3_step(st) != SQLITE_ROW)
    fail_msg("%s: %s: no row (%s)", path, sql, sqlite3_errmsg(db));
  long long v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return v;
}

void tu_make_hot_journal(const char *path, const char *sql) {
  fflush(NULL);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    sqlite3 *db = NULL;
    /* One page of cache: the transaction's pages spill to the file, which
     * SQLite does only after syncing the journal that undoes them. */
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
        sqlite3_exec(db, "PRAGMA cache_size = 1; BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
      _exit(1);
    raise(SIGKILL);
    _exit(2);
  }
  int status = 0;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
    fail_msg("the writer making a hot journal for %s did not get to its kill (status %d)", path,
             status);
  /* SQLite calls a journal hot when its first byte is not zero (the
   * header's magic is written when the journal is synced). */
  char *journal = NULL;
  assert_true(asprintf(&journal, "%s-journal", path) > 0);
  size_t len = 0;
  char *bytes = tu_read_file(journal, &len);
  if (bytes == NULL || len < 512 || bytes[0] == 0)
    fail_msg("%s is not a hot journal (%zu bytes)", journal, len);
  free(bytes);
  free(journal);
}

void tu_make_old_catalog(const char *path) {
  tu_unlink_db(path);
  sqlite3 *db = NULL;
  char sql[64];
  snprintf(sql, sizeof sql, "PRAGMA application_id = %d", GSZ_CATALOG_APPLICATION_ID);
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(db);
}

void tu_exec_gpusizer(const char *const *args) {
  size_t n = 0;
  while (args[n])
    n++;
  char **argv = calloc(n + 2, sizeof *argv);
  if (argv == NULL)
    _exit(127);
  argv[0] = strdup(GSZ_BINARY);
  for (size_t i = 0; i < n; i++)
    argv[i + 1] = strdup(args[i]);
  execv(GSZ_BINARY, argv);
  _exit(127);
}

static const char *flag_word(void *ctx, const char *field, bool subject, char *buf, size_t size) {
  (void)ctx;
  (void)subject;
  snprintf(buf, size, "--%s", field);
  for (char *p = buf + 2; *p; p++)
    if (*p == '_')
      *p = '-';
  return buf;
}

const gsz_field_words tu_flag_words = {flag_word, NULL};

const char *tu_diag(const gsz_diag *diag) {
  static char said[GSZ_DIAG_MESSAGE_MAX + 256];
  return gsz_diag_render(said, sizeof said, diag, &tu_flag_words);
}

gsz_err tu_price(const gsz_pricer *p, const gsz_catalog_data *data, const gsz_gpu *gpu,
                 const gsz_server *server, uint32_t per_node, uint32_t nodes, bool with_lines,
                 gsz_price *out, gsz_diag *diag) {
  gsz_bom bom;
  gsz_bom_configuration(&bom, data, gpu, server, per_node, nodes);
  return p->price(p->ctx, &bom, with_lines, out, diag);
}
