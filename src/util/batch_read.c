/* batch_read.c: batch files (batch.h): CSV through libcsv, YAML through the
 * positioned YAML tree, both into rows of (column, value) text. */
#include "gpusizer/batch.h"
#include "util/atomic_file_int.h" /* gsz__not_a_file */
#include "util/yaml_tree_int.h"

#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_ROWS 1000000u
#define MAX_COLUMNS 64u
#define MAX_VALUE 4096u
#define MAX_INPUT ((size_t)256 << 20)

/* --- Storage: strings and row arrays, freed together ------------------------ */

typedef struct storage {
  char **strings;
  size_t n, cap;
} storage;

static const char *store(storage *st, const char *s, size_t len) {
  if (st->n == st->cap) {
    size_t cap = st->cap ? st->cap * 2 : 256;
    char **p = gsz__realloc(st->strings, cap * sizeof *p);
    if (p == NULL)
      return NULL;
    st->strings = p;
    st->cap = cap;
  }
  char *copy = gsz__strndup(s, len);
  if (copy != NULL)
    st->strings[st->n++] = copy;
  return copy;
}

void gsz_batch_input_free(gsz_batch_input *in) {
  if (in == NULL)
    return;
  storage *st = in->storage;
  if (st != NULL) {
    for (size_t i = 0; i < st->n; i++)
      gsz__free(st->strings[i]);
    gsz__free(st->strings);
    gsz__free(st);
  }
  for (size_t r = 0; r < in->n_rows; r++)
    gsz__free(in->rows[r].values);
  gsz__free(in->rows);
  gsz__free(in->columns);
  gsz__free(in);
}

static gsz_batch_row *new_row(gsz_batch_input *in, size_t *cap, size_t line) {
  if (in->n_rows == *cap) {
    size_t ncap = *cap ? *cap * 2 : 64;
    gsz_batch_row *rows = gsz__realloc(in->rows, ncap * sizeof *rows);
    if (rows == NULL)
      return NULL;
    in->rows = rows;
    *cap = ncap;
  }
  gsz_batch_row *row = &in->rows[in->n_rows];
  row->number = in->n_rows + 1;
  row->line = line;
  row->error = NULL;
  row->values = gsz__calloc(in->n_columns ? in->n_columns : 1, sizeof *row->values);
  if (row->values == NULL)
    return NULL;
  in->n_rows++;
  return row;
}

/* --- CSV -------------------------------------------------------------------- */

typedef struct csv_state {
  gsz_batch_input *in;
  storage *st;
  const char *label;
  gsz_diag *diag;
  gsz_err err;
  bool header_done;
  size_t field; /* index in the current record */
  const char *fields[MAX_COLUMNS];
  size_t n_fields;
  size_t rows_cap;
  size_t line;      /* line of the current record's start */
  size_t next_line; /* counted from the raw text */
  int nul_field;    /* index of the first field of this record holding a NUL byte, or -1 */
} csv_state;

static void csv_field(void *data, size_t len, void *ctx) {
  csv_state *cs = ctx;
  if (cs->err != GSZ_OK)
    return;
  if (cs->n_fields >= MAX_COLUMNS) {
    cs->err = gsz__diag_set(cs->diag, GSZ_ELIMIT, "%s:%zu: more than %u columns", cs->label,
                            cs->line, MAX_COLUMNS);
    return;
  }
  if (len > MAX_VALUE) {
    cs->err = gsz__diag_set(cs->diag, GSZ_ELIMIT, "%s:%zu: a value longer than %u bytes", cs->label,
                            cs->line, MAX_VALUE);
    return;
  }
  /* A NUL byte would cut the value short where C strings end ("4096\0" "1"
   * read as 4096): the row is refused instead of read as something else. */
  if (data != NULL && memchr(data, '\0', len) != NULL && cs->nul_field < 0)
    cs->nul_field = (int)cs->n_fields;
  const char *s = data ? store(cs->st, data, len) : store(cs->st, "", 0);
  if (s == NULL) {
    cs->err = gsz__diag_nomem(cs->diag);
    return;
  }
  cs->fields[cs->n_fields++] = s;
}

static void trim_into(char *dst, const char *src, size_t size) {
  while (*src == ' ' || *src == '\t')
    src++;
  snprintf(dst, size, "%s", src);
  size_t n = strlen(dst);
  while (n > 0 && (dst[n - 1] == ' ' || dst[n - 1] == '\t'))
    dst[--n] = '\0';
}

static void csv_record(int terminator, void *ctx) {
  (void)terminator;
  csv_state *cs = ctx;
  if (cs->err != GSZ_OK)
    return;
  size_t n = cs->n_fields;
  int nul_field = cs->nul_field;
  cs->n_fields = 0;
  cs->nul_field = -1;
  if (!cs->header_done) {
    if (nul_field >= 0) {
      cs->err =
          gsz__diag_set(cs->diag, GSZ_EPARSE, "%s:%zu: column %d of the header contains a NUL byte",
                        cs->label, cs->line, nul_field + 1);
      return;
    }
    cs->in->columns = gsz__calloc(n ? n : 1, sizeof *cs->in->columns);
    if (cs->in->columns == NULL) {
      cs->err = gsz__diag_nomem(cs->diag);
      return;
    }
    for (size_t i = 0; i < n; i++) {
      char name[128];
      trim_into(name, cs->fields[i], sizeof name);
      if (name[0] == '\0') {
        cs->err = gsz__diag_set(cs->diag, GSZ_EPARSE, "%s:%zu: column %zu of the header is empty",
                                cs->label, cs->line, i + 1);
        return;
      }
      for (size_t j = 0; j < i; j++)
        if (strcmp(cs->in->columns[j], name) == 0) {
          cs->err = gsz__diag_set(cs->diag, GSZ_EPARSE,
                                  "%s:%zu: column '%s' appears twice in "
                                  "the header",
                                  cs->label, cs->line, name);
          return;
        }
      if ((cs->in->columns[i] = store(cs->st, name, strlen(name))) == NULL) {
        cs->err = gsz__diag_nomem(cs->diag);
        return;
      }
    }
    cs->in->n_columns = n;
    cs->header_done = true;
    return;
  }
  if (n == 1 && cs->fields[0][0] == '\0')
    return; /* a blank line */
  if (n > cs->in->n_columns) {
    cs->err = gsz__diag_set(cs->diag, GSZ_EPARSE,
                            "%s:%zu: row %zu has %zu fields but the header "
                            "has %zu columns",
                            cs->label, cs->line, cs->in->n_rows + 1, n, cs->in->n_columns);
    return;
  }
  if (cs->in->n_rows >= MAX_ROWS) {
    cs->err = gsz__diag_set(cs->diag, GSZ_ELIMIT, "%s: more than %u rows", cs->label, MAX_ROWS);
    return;
  }
  gsz_batch_row *row = new_row(cs->in, &cs->rows_cap, cs->line);
  if (row == NULL) {
    cs->err = gsz__diag_nomem(cs->diag);
    return;
  }
  for (size_t i = 0; i < n; i++)
    row->values[i] = cs->fields[i][0] != '\0' ? cs->fields[i] : NULL; /* empty = not given */
  if (nul_field >= 0) {
    char message[GSZ_DIAG_MESSAGE_MAX];
    snprintf(message, sizeof message, "%s:%zu: column '%s' contains a NUL byte", cs->label,
             cs->line, (size_t)nul_field < cs->in->n_columns ? cs->in->columns[nul_field] : "?");
    if ((row->error = store(cs->st, message, strlen(message))) == NULL)
      cs->err = gsz__diag_nomem(cs->diag);
  }
}

/* The field separator, from the header line: ';' when it holds more
 * semicolons than commas outside quotes (what spreadsheets write where the
 * decimal mark is a comma), else ','. Column names hold neither, so the
 * header says which one the file uses. */
static unsigned char detect_separator(const char *text, size_t len) {
  size_t commas = 0, semicolons = 0;
  bool quoted = false;
  for (size_t i = 0; i < len && (quoted || (text[i] != '\n' && text[i] != '\r')); i++) {
    if (text[i] == '"')
      quoted = !quoted;
    else if (!quoted && text[i] == ',')
      commas++;
    else if (!quoted && text[i] == ';')
      semicolons++;
  }
  return semicolons > commas ? ';' : ',';
}

static gsz_err parse_csv(gsz_batch_input *in, storage *st, const char *text, size_t len,
                         const char *label, gsz_diag *diag) {
  struct csv_parser p;
  if (csv_init(&p, CSV_STRICT | CSV_APPEND_NULL | CSV_STRICT_FINI) != 0)
    return gsz__diag_nomem(diag);
  csv_set_delim(&p, detect_separator(text, len));
  csv_set_realloc_func(&p, gsz__realloc);
  csv_set_free_func(&p, gsz__free);
  csv_state cs;
  memset(&cs, 0, sizeof cs);
  cs.in = in;
  cs.st = st;
  cs.label = label;
  cs.diag = diag;
  cs.line = 1;
  cs.nul_field = -1;
  /* Feed one line at a time so messages can name the line a record starts on. */
  size_t pos = 0, line = 1;
  while (pos < len && cs.err == GSZ_OK) {
    const char *nl = memchr(text + pos, '\n', len - pos);
    size_t chunk = nl ? (size_t)(nl - (text + pos)) + 1 : len - pos;
    /* pstate 0 is libcsv's "row not begun" (csv.h): a record starts on this line. */
    if (cs.n_fields == 0 && p.pstate == 0)
      cs.line = line;
    if (csv_parse(&p, text + pos, chunk, csv_field, csv_record, &cs) != chunk && cs.err == GSZ_OK)
      cs.err = csv_error(&p) == CSV_ENOMEM
                   ? gsz__diag_nomem(diag)
                   : gsz__diag_set(diag, GSZ_EPARSE, "%s:%zu: malformed CSV: %s", label, line,
                                   csv_strerror(csv_error(&p)));
    pos += chunk;
    line++;
  }
  if (cs.err == GSZ_OK && csv_fini(&p, csv_field, csv_record, &cs) != 0 && cs.err == GSZ_OK)
    cs.err = csv_error(&p) == CSV_ENOMEM
                 ? gsz__diag_nomem(diag)
                 : gsz__diag_set(diag, GSZ_EPARSE, "%s:%zu: malformed CSV: %s (an unclosed quote?)",
                                 label, cs.line, csv_strerror(csv_error(&p)));
  csv_free(&p);
  if (cs.err == GSZ_OK && !cs.header_done)
    cs.err = gsz__diag_set(diag, GSZ_EPARSE,
                           "%s: empty file (expected a header row naming the "
                           "columns, such as id,model,precision)",
                           label);
  return cs.err;
}

/* Whether every item of a YAML list is a plain value. */
static bool scalars_only(const gsz__yaml_node *seq) {
  for (size_t i = 0; i < seq->n; i++)
    if (seq->values[i]->kind != GSZ_YAML_SCALAR)
      return false;
  return true;
}

/* The length of a list of values joined as "a;b;c". */
static size_t joined_length(const gsz__yaml_node *seq) {
  size_t len = 0;
  for (size_t i = 0; i < seq->n; i++)
    len += strlen(seq->values[i]->value) + (i > 0);
  return len;
}

/* A list of values as one "a;b;c" cell; NULL when out of memory. */
static const char *store_joined(storage *st, const gsz__yaml_node *seq) {
  size_t len = joined_length(seq);
  char *joined = gsz__malloc(len + 1);
  if (joined == NULL)
    return NULL;
  size_t used = 0;
  for (size_t i = 0; i < seq->n; i++) {
    size_t n = strlen(seq->values[i]->value);
    if (i > 0)
      joined[used++] = ';';
    memcpy(joined + used, seq->values[i]->value, n);
    used += n;
  }
  joined[used] = '\0';
  const char *kept = store(st, joined, used);
  gsz__free(joined);
  return kept;
}

/* --- YAML ------------------------------------------------------------------- */

static gsz_err parse_yaml(gsz_batch_input *in, storage *st, const char *text, size_t len,
                          const char *label, gsz_diag *diag) {
  gsz__yaml_tree tree;
  gsz_err err = gsz__yaml_parse(&tree, text, len, label, diag);
  if (err != GSZ_OK)
    return err;
  const gsz__yaml_node *root = tree.root;
  size_t rows_cap = 0, cols_cap = 0;
  if (root == NULL || root->kind != GSZ_YAML_SEQ) {
    err = gsz__diag_set(diag, GSZ_EPARSE,
                        "%s:%u:%u: expected a list of requests (each a mapping "
                        "such as '- {model: llama-3-8b, precision: bf16}')",
                        label, root ? root->line : 1, root ? root->col : 1);
    goto done;
  }
  /* Columns: every key seen, in order of first appearance. */
  for (size_t r = 0; r < root->n && err == GSZ_OK; r++) {
    const gsz__yaml_node *item = root->values[r];
    if (item->kind != GSZ_YAML_MAP) {
      err = gsz__diag_set(diag, GSZ_EPARSE,
                          "%s:%u:%u: request %zu must be a mapping of "
                          "flag: value, not %s",
                          label, item->line, item->col, r + 1, gsz__yaml_kind_name(item->kind));
      break;
    }
    for (size_t k = 0; k < item->n && err == GSZ_OK; k++) {
      const char *key = item->keys[k]->value;
      if (key[0] == '\0') {
        /* As in a CSV header, an empty name is refused (batch.h); fuzzing
         * found "- {?: 1}" or "- {'': 1}" giving a column named "". */
        err = gsz__diag_set(diag, GSZ_EPARSE, "%s:%u:%u: request %zu has an empty key", label,
                            item->keys[k]->line, item->keys[k]->col, r + 1);
        break;
      }
      bool seen = false;
      for (size_t c = 0; c < in->n_columns && !seen; c++)
        seen = strcmp(in->columns[c], key) == 0;
      if (seen)
        continue;
      if (in->n_columns >= MAX_COLUMNS) {
        err =
            gsz__diag_set(diag, GSZ_ELIMIT, "%s: more than %u different keys", label, MAX_COLUMNS);
        break;
      }
      if (in->n_columns == cols_cap) {
        size_t cap = cols_cap ? cols_cap * 2 : 16;
        const char **cols = gsz__realloc(in->columns, cap * sizeof *cols);
        if (cols == NULL) {
          err = gsz__diag_nomem(diag);
          break;
        }
        in->columns = cols;
        cols_cap = cap;
      }
      if ((in->columns[in->n_columns] = store(st, key, strlen(key))) == NULL)
        err = gsz__diag_nomem(diag);
      else
        in->n_columns++;
    }
  }
  for (size_t r = 0; r < root->n && err == GSZ_OK; r++) {
    const gsz__yaml_node *item = root->values[r];
    gsz_batch_row *row = new_row(in, &rows_cap, item->line);
    if (row == NULL) {
      err = gsz__diag_nomem(diag);
      break;
    }
    for (size_t k = 0; k < item->n && err == GSZ_OK; k++) {
      const gsz__yaml_node *v = item->values[k];
      size_t c = 0;
      while (strcmp(in->columns[c], item->keys[k]->value) != 0)
        c++;
      const char *value = NULL;
      if (v->kind == GSZ_YAML_SCALAR) {
        value = store(st, v->value, strlen(v->value));
      } else if (v->kind == GSZ_YAML_SEQ && scalars_only(v) && joined_length(v) <= MAX_VALUE) {
        /* gpu: [H100, L40S] is the YAML way of a repeated flag: the same
         * as "H100;L40S" in a CSV cell. */
        value = store_joined(st, v);
      } else {
        /* A value that is no value spoils its row, not the file: the row
         * is reported as an error and the others are answered. */
        char message[GSZ_DIAG_MESSAGE_MAX];
        if (v->kind == GSZ_YAML_SEQ && scalars_only(v))
          snprintf(message, sizeof message, "%s:%u:%u: '%s': a list longer than %u bytes", label,
                   v->line, v->col, item->keys[k]->value, MAX_VALUE);
        else
          snprintf(message, sizeof message, "%s:%u:%u: '%s' must be a value%s, not %s", label,
                   v->line, v->col, item->keys[k]->value,
                   v->kind == GSZ_YAML_SEQ ? " or a list of values" : "",
                   gsz__yaml_kind_name(v->kind));
        if (row->error == NULL && (row->error = store(st, message, strlen(message))) == NULL)
          err = gsz__diag_nomem(diag);
        continue;
      }
      if (value == NULL)
        err = gsz__diag_nomem(diag);
      else
        row->values[c] = value[0] != '\0' ? value : NULL;
    }
  }
done:
  gsz__yaml_free(&tree);
  return err;
}

gsz_err gsz_batch_parse(gsz_batch_input **out, const char *text, size_t len, const char *label,
                        gsz_batch_format format, gsz_diag *diag) {
  if (len > MAX_INPUT)
    return gsz__diag_set(diag, GSZ_ELIMIT, "%s: larger than %zu MiB", label, MAX_INPUT >> 20);
  gsz_batch_input *in = gsz__calloc(1, sizeof *in);
  storage *st = gsz__calloc(1, sizeof *st);
  if (in == NULL || st == NULL) {
    gsz__free(in);
    gsz__free(st);
    return gsz__diag_nomem(diag);
  }
  in->storage = st;
  in->format = format;
  /* "CSV UTF-8" from a spreadsheet starts with a byte-order mark; it is
   * no part of the first column's name. */
  if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
    text += 3;
    len -= 3;
  }
  gsz_err err = format == GSZ_BATCH_YAML ? parse_yaml(in, st, text, len, label, diag)
                                         : parse_csv(in, st, text, len, label, diag);
  if (err != GSZ_OK) {
    gsz_batch_input_free(in);
    return err;
  }
  *out = in;
  return GSZ_OK;
}

static bool ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && gsz__str_ieq(s + n - m, suffix);
}

gsz_err gsz_batch_read(gsz_batch_input **out, const char *path, gsz_diag *diag) {
  FILE *f = fopen(path, "rb");
  if (f == NULL)
    return gsz__diag_set(diag, gsz__open_error_code(errno), "cannot open batch file '%s': %s", path,
                         strerror(errno));
  struct stat st;
  gsz_err err = GSZ_OK;
  char *text = NULL;
  size_t len = 0;
  if (fstat(fileno(f), &st) != 0)
    err = gsz__diag_set(diag, GSZ_EIO, "cannot read '%s': %s", path, strerror(errno));
  else if (!S_ISREG(st.st_mode))
    err = gsz__not_a_file(diag, path, (unsigned)st.st_mode);
  else if ((uint64_t)st.st_size > MAX_INPUT)
    err = gsz__diag_set(diag, GSZ_ELIMIT, "%s: larger than %zu MiB", path, MAX_INPUT >> 20);
  else if ((text = gsz__malloc((size_t)st.st_size + 1)) == NULL)
    err = gsz__diag_nomem(diag);
  else if ((len = fread(text, 1, (size_t)st.st_size, f)) != (size_t)st.st_size || ferror(f))
    err = gsz__diag_set(diag, GSZ_EIO, "cannot read '%s'", path);
  fclose(f);
  if (err == GSZ_OK) {
    bool yaml = ends_with(path, ".yaml") || ends_with(path, ".yml");
    err = gsz_batch_parse(out, text, len, path, yaml ? GSZ_BATCH_YAML : GSZ_BATCH_CSV, diag);
  }
  gsz__free(text);
  return err;
}
