/* table.c: one typed table, four renderings (see table_int.h), and the
 * last step of every report. Text tables align on display width in code
 * points of the escaped text; Markdown also escapes pipes; CSV quotes per
 * RFC 4180 and guards text fields against spreadsheet formulas; JSON goes
 * through jansson with exact integers and exact text. */
#include "util/fmt_int.h"
#include "util/json_out_int.h"
#include "util/table_int.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

void gsz__table_init(gsz__table *t, const gsz__col *cols, size_t ncols) {
  memset(t, 0, sizeof *t);
  t->cols = cols;
  t->ncols = ncols;
}

static void cell_clear(gsz__cell *c) {
  gsz__free(c->str);
  gsz__free(c->display);
  memset(c, 0, sizeof *c);
}

void gsz__table_free(gsz__table *t) {
  for (size_t i = 0; i < t->rows * t->ncols; i++)
    cell_clear(&t->cells[i]);
  gsz__free(t->cells);
  t->cells = NULL;
  t->rows = t->cap_rows = 0;
}

void gsz__table_row(gsz__table *t) {
  if (t->err != GSZ_OK)
    return;
  if (t->rows == t->cap_rows) {
    size_t cap = t->cap_rows ? t->cap_rows * 2 : 16;
    gsz__cell *cells = gsz__realloc(t->cells, cap * t->ncols * sizeof *cells);
    if (cells == NULL) {
      t->err = GSZ_ENOMEM;
      return;
    }
    t->cells = cells;
    t->cap_rows = cap;
  }
  memset(&t->cells[t->rows * t->ncols], 0, t->ncols * sizeof *t->cells);
  t->rows++;
}

static gsz__cell *current(gsz__table *t, size_t col, const char *display) {
  if (t->err != GSZ_OK || t->rows == 0 || col >= t->ncols)
    return NULL;
  gsz__cell *c = &t->cells[(t->rows - 1) * t->ncols + col];
  cell_clear(c);
  if (display != NULL && (c->display = gsz__strdup(display)) == NULL) {
    t->err = GSZ_ENOMEM;
    return NULL;
  }
  return c;
}

void gsz__table_str(gsz__table *t, size_t col, const char *value, const char *display) {
  if (value == NULL) {
    gsz__table_null(t, col, display);
    return;
  }
  gsz__cell *c = current(t, col, display);
  if (c == NULL)
    return;
  c->type = GSZ_CELL_STR;
  if ((c->str = gsz__strdup(value)) == NULL)
    t->err = GSZ_ENOMEM;
}

void gsz__table_int(gsz__table *t, size_t col, int64_t value, const char *display) {
  gsz__cell *c = current(t, col, display);
  if (c != NULL) {
    c->type = GSZ_CELL_INT;
    c->i = value;
  }
}

void gsz__table_u64(gsz__table *t, size_t col, uint64_t value, const char *display) {
  if (value > (uint64_t)INT64_MAX) {
    if (t->err == GSZ_OK)
      t->err = GSZ_EOVERFLOW; /* never a wrapped negative number */
    return;
  }
  gsz__table_int(t, col, (int64_t)value, display);
}

void gsz__table_bool(gsz__table *t, size_t col, bool value, const char *display) {
  gsz__cell *c = current(t, col, display);
  if (c != NULL) {
    c->type = GSZ_CELL_BOOL;
    c->i = value;
  }
}

void gsz__table_real(gsz__table *t, size_t col, double value, const char *display) {
  gsz__cell *c = current(t, col, display);
  if (c != NULL) {
    c->type = GSZ_CELL_REAL;
    c->r = value;
  }
}

void gsz__table_null(gsz__table *t, size_t col, const char *display) {
  gsz__cell *c = current(t, col, display);
  if (c != NULL)
    c->type = GSZ_CELL_NULL;
}

/* The machine text of a cell (CSV): exact, unformatted. */
static const char *machine_text(const gsz__cell *c, char *tmp, size_t n) {
  switch (c->type) {
  case GSZ_CELL_STR:
    return c->str;
  case GSZ_CELL_INT:
    snprintf(tmp, n, "%lld", (long long)c->i);
    return tmp;
  case GSZ_CELL_BOOL:
    return c->i ? "true" : "false";
  case GSZ_CELL_REAL:
    return n >= GSZ_FMT_MAX ? gsz__fmt_real(tmp, c->r) : "";
  case GSZ_CELL_NULL:
    break;
  }
  return "";
}

/* The human text: the display string, else the machine text ("-" for null). */
static const char *human_text(const gsz__cell *c, char *tmp, size_t n) {
  if (c->display != NULL)
    return c->display;
  if (c->type == GSZ_CELL_NULL)
    return "-";
  if (c->type == GSZ_CELL_BOOL)
    return c->i ? "yes" : "no";
  return machine_text(c, tmp, n);
}

static bool shown(const gsz__col *col, bool human) {
  return col->use == GSZ_COL_BOTH ||
         (human ? col->use == GSZ_COL_HUMAN : col->use == GSZ_COL_MACHINE);
}

/* Display width in code points (continuation bytes do not count). */
static size_t width(const char *s) {
  size_t w = 0;
  for (; *s; s++)
    if (((unsigned char)*s & 0xC0) != 0x80)
      w++;
  return w;
}

/* The text people see for s: s itself, or s escaped (fmt_int.h) into
 * scratch. Every cell of a text or Markdown table passes here, so a name
 * from the catalog, an overlay or a batch file can neither move the
 * terminal's cursor nor break the table's lines. */
static const char *escaped(const char *s, unsigned flags, gsz__buf *scratch) {
  size_t n = strlen(s);
  if (!gsz__text_needs_escape(s, n, flags))
    return s;
  scratch->len = 0;
  gsz__text_escape(scratch, s, n, flags);
  return scratch->err == GSZ_OK ? scratch->data : ""; /* the error is passed on */
}

/* The cell at row r, column c as people see it; valid until the next call
 * with the same tmp or scratch. */
static const char *cell_shown(const gsz__table *t, size_t r, size_t c, unsigned flags, char tmp[64],
                              gsz__buf *scratch) {
  return escaped(human_text(&t->cells[r * t->ncols + c], tmp, 64), flags, scratch);
}

static void render_text(const gsz__table *t, gsz__buf *b) {
  size_t widths[64] = {0};
  char tmp[64];
  size_t ncols = t->ncols < 64 ? t->ncols : 64;
  gsz__buf scratch;
  gsz__buf_init(&scratch);
  for (size_t c = 0; c < ncols; c++) {
    if (!shown(&t->cols[c], true))
      continue;
    widths[c] = width(t->cols[c].header);
    for (size_t r = 0; r < t->rows; r++) {
      size_t w = width(cell_shown(t, r, c, GSZ_ESC_NEWLINE, tmp, &scratch));
      if (w > widths[c])
        widths[c] = w;
    }
  }
  for (size_t r = 0; r <= t->rows + 1; r++) {
    /* Row 0 is the header, row 1 the rule under it, then the data. */
    size_t line_start = b->len;
    bool first = true;
    size_t pending = 0; /* spaces owed before the next cell */
    for (size_t c = 0; c < ncols; c++) {
      if (!shown(&t->cols[c], true))
        continue;
      if (!first)
        pending += 2;
      first = false;
      const char *text;
      if (r == 0)
        text = t->cols[c].header;
      else if (r == 1)
        text = NULL;
      else
        text = cell_shown(t, r - 2, c, GSZ_ESC_NEWLINE, tmp, &scratch);
      if (text == NULL) {
        gsz__buf_repeat(b, ' ', pending);
        pending = 0;
        gsz__buf_repeat(b, '-', widths[c]);
        continue;
      }
      size_t w = width(text), pad = widths[c] - w;
      if (t->cols[c].right) {
        gsz__buf_repeat(b, ' ', pending + pad);
        gsz__buf_puts(b, text);
        pending = 0;
      } else {
        gsz__buf_repeat(b, ' ', pending);
        gsz__buf_puts(b, text);
        pending = pad; /* trailing spaces only if another cell follows */
      }
    }
    while (b->err == GSZ_OK && b->len > line_start && b->data[b->len - 1] == ' ')
      b->data[--b->len] = '\0'; /* an empty last cell leaves no trailing blanks */
    gsz__buf_putc(b, '\n');
  }
  if (scratch.err != GSZ_OK && b->err == GSZ_OK)
    b->err = scratch.err;
  gsz__buf_release(&scratch);
}

/* s is already escaped: no pipe or line break of its own left. */
static void markdown_cell(gsz__buf *b, const char *s) {
  gsz__buf_putc(b, ' ');
  gsz__buf_puts(b, s);
  gsz__buf_puts(b, " |");
}

static void render_markdown(const gsz__table *t, gsz__buf *b) {
  char tmp[64];
  gsz__buf scratch;
  gsz__buf_init(&scratch);
  gsz__buf_putc(b, '|');
  for (size_t c = 0; c < t->ncols; c++)
    if (shown(&t->cols[c], true))
      markdown_cell(b, escaped(t->cols[c].header, GSZ_ESC_NEWLINE | GSZ_ESC_PIPE, &scratch));
  gsz__buf_puts(b, "\n|");
  for (size_t c = 0; c < t->ncols; c++)
    if (shown(&t->cols[c], true))
      gsz__buf_puts(b, t->cols[c].right ? " ---: |" : " --- |");
  gsz__buf_putc(b, '\n');
  for (size_t r = 0; r < t->rows; r++) {
    gsz__buf_putc(b, '|');
    for (size_t c = 0; c < t->ncols; c++)
      if (shown(&t->cols[c], true))
        markdown_cell(b, cell_shown(t, r, c, GSZ_ESC_NEWLINE | GSZ_ESC_PIPE, tmp, &scratch));
    gsz__buf_putc(b, '\n');
  }
  if (scratch.err != GSZ_OK && b->err == GSZ_OK)
    b->err = scratch.err;
  gsz__buf_release(&scratch);
}

/* A spreadsheet reads a field that starts with one of these as a formula
 * (OWASP, "CSV Injection"): =HYPERLINK(...) in a SKU or a batch id would
 * run when a planner opens the file. */
static bool formula_lead(const char *s) {
  return s[0] != '\0' && strchr("=+-@\t\r", s[0]) != NULL;
}

/* One field per RFC 4180. guard: a text field whose first character would
 * start a formula gets a leading ' (the spreadsheets' "this is text") and
 * quotes, as OWASP recommends. Only text fields are guarded, never the
 * numbers the program writes, so -12345 stays a number. */
static void csv_field(gsz__buf *b, const char *s, bool guard) {
  bool neutralise = guard && formula_lead(s);
  if (!neutralise && strpbrk(s, ",\"\r\n") == NULL) {
    gsz__buf_puts(b, s);
    return;
  }
  gsz__buf_putc(b, '"');
  if (neutralise)
    gsz__buf_putc(b, '\'');
  for (; *s; s++) {
    if (*s == '"')
      gsz__buf_putc(b, '"');
    gsz__buf_putc(b, *s);
  }
  gsz__buf_putc(b, '"');
}

static void render_csv(const gsz__table *t, gsz__buf *b, bool guard) {
  char tmp[64];
  bool first = true;
  for (size_t c = 0; c < t->ncols; c++) {
    if (!shown(&t->cols[c], false))
      continue;
    if (!first)
      gsz__buf_putc(b, ',');
    first = false;
    csv_field(b, t->cols[c].key, false);
  }
  gsz__buf_puts(b, "\r\n");
  for (size_t r = 0; r < t->rows; r++) {
    first = true;
    for (size_t c = 0; c < t->ncols; c++) {
      if (!shown(&t->cols[c], false))
        continue;
      if (!first)
        gsz__buf_putc(b, ',');
      first = false;
      const gsz__cell *cell = &t->cells[r * t->ncols + c];
      csv_field(b, machine_text(cell, tmp, sizeof tmp), guard && cell->type == GSZ_CELL_STR);
    }
    gsz__buf_puts(b, "\r\n");
  }
}

json_t *gsz__json_text(const char *s) {
  size_t n = strlen(s);
  if (!gsz__utf8_needs_repair(s, n))
    return json_stringn(s, n);
  gsz__buf fixed;
  gsz__buf_init(&fixed);
  gsz__utf8_repair(&fixed, s, n);
  json_t *j = fixed.err == GSZ_OK ? json_stringn(fixed.data, fixed.len) : NULL;
  gsz__buf_release(&fixed);
  return j;
}

static json_t *cell_json(const gsz__cell *c) {
  switch (c->type) {
  case GSZ_CELL_STR:
    return gsz__json_text(c->str);
  case GSZ_CELL_INT:
    return json_integer(c->i);
  case GSZ_CELL_BOOL:
    return json_boolean(c->i);
  case GSZ_CELL_REAL:
    return json_real(c->r);
  case GSZ_CELL_NULL:
    break;
  }
  return json_null();
}

json_t *gsz__table_json(const gsz__table *t) {
  if (t->err != GSZ_OK)
    return NULL; /* a cell was lost: never a partial table */
  json_t *rows = json_array();
  if (rows == NULL)
    return NULL;
  for (size_t r = 0; r < t->rows; r++) {
    json_t *obj = json_object();
    if (obj == NULL || json_array_append_new(rows, obj) != 0)
      goto fail;
    for (size_t c = 0; c < t->ncols; c++) {
      if (!shown(&t->cols[c], false))
        continue;
      if (json_object_set_new(obj, t->cols[c].key, cell_json(&t->cells[r * t->ncols + c])) != 0)
        goto fail;
    }
  }
  return rows;
fail:
  json_decref(rows);
  return NULL;
}

void gsz__table_render(const gsz__table *t, gsz_output_format fmt, gsz__buf *b) {
  if (t->err != GSZ_OK) {
    if (b->err == GSZ_OK)
      b->err = t->err;
    return;
  }
  switch (fmt) {
  case GSZ_OUTPUT_TABLE:
    render_text(t, b);
    return;
  case GSZ_OUTPUT_MARKDOWN:
    render_markdown(t, b);
    return;
  case GSZ_OUTPUT_CSV:
  case GSZ_OUTPUT_CSV_RAW:
    render_csv(t, b, fmt == GSZ_OUTPUT_CSV);
    return;
  case GSZ_OUTPUT_JSON: {
    gsz__jb jb = {false};
    json_t *rows = gsz__table_json(t);
    gsz__jb_emit(b, &jb, rows);
    json_decref(rows);
    return;
  }
  }
}

bool gsz__format_is_human(gsz_output_format fmt) {
  return fmt == GSZ_OUTPUT_TABLE || fmt == GSZ_OUTPUT_MARKDOWN;
}

gsz_err gsz__report_finish(gsz__buf *b, gsz_output_format fmt, char **out, size_t *out_len,
                           gsz_diag *diag) {
  if (b->err == GSZ_EOVERFLOW) {
    gsz__buf_release(b);
    return gsz__diag_set(diag, GSZ_EOVERFLOW,
                         "a number is too large for the %s output (every format stops at "
                         "9,223,372,036,854,775,807)",
                         gsz_output_format_name(fmt));
  }
  if (gsz__format_is_human(fmt))
    gsz__text_sanitize(b);
  return gsz__buf_finish(b, out, out_len, diag);
}
