/* table_int.h: a typed table rendered four ways: aligned text, Markdown,
 * CSV (RFC 4180) and JSON (an array of objects, via jansson), and the last
 * step every report takes (gsz__report_finish). Each cell has
 * a machine value (for CSV and JSON: exact integers, strings, null) and an
 * optional display text (for people: "80.0 GiB", "27,500.00 USD").
 * Columns can be for people only, for machines only, or both.
 * Internal to the report module. */
#ifndef GSZ_TABLE_INT_H
#define GSZ_TABLE_INT_H

#include "gpusizer/output.h"
#include "util/buf_int.h"
#include "util/fmt_int.h"

typedef enum gsz__col_use {
  GSZ_COL_BOTH,
  GSZ_COL_HUMAN,  /* table and Markdown only */
  GSZ_COL_MACHINE /* CSV and JSON only */
} gsz__col_use;

typedef struct gsz__col {
  const char *key;    /* CSV header and JSON key */
  const char *header; /* table / Markdown header */
  bool right;         /* right-align in tables (numbers) */
  gsz__col_use use;
} gsz__col;

typedef enum gsz__cell_type {
  GSZ_CELL_NULL,
  GSZ_CELL_STR,
  GSZ_CELL_INT,
  GSZ_CELL_BOOL,
  GSZ_CELL_REAL
} gsz__cell_type;

typedef struct gsz__cell {
  gsz__cell_type type;
  char *str;     /* owned: STR value */
  int64_t i;     /* INT, BOOL */
  double r;      /* REAL */
  char *display; /* owned, may be NULL: derived from the value */
} gsz__cell;

typedef struct gsz__table {
  const gsz__col *cols;
  size_t ncols;
  gsz__cell *cells; /* rows * ncols */
  size_t rows, cap_rows;
  gsz_err err; /* sticky: ENOMEM */
} gsz__table;

void gsz__table_init(gsz__table *t, const gsz__col *cols, size_t ncols);
void gsz__table_free(gsz__table *t);
/* Start a new row; later setters fill its cells (unset cells are null). */
void gsz__table_row(gsz__table *t);
/* Setters for the current row; display may be NULL. */
void gsz__table_str(gsz__table *t, size_t col, const char *value, const char *display);
void gsz__table_int(gsz__table *t, size_t col, int64_t value, const char *display);
/* A count or byte size: above INT64_MAX, which no output format carries
 * exactly, it makes the table fail with GSZ_EOVERFLOW instead of wrapping. */
void gsz__table_u64(gsz__table *t, size_t col, uint64_t value, const char *display);
void gsz__table_bool(gsz__table *t, size_t col, bool value, const char *display);
void gsz__table_real(gsz__table *t, size_t col, double value, const char *display);
void gsz__table_null(gsz__table *t, size_t col, const char *display);

/* Render into b; JSON is an array of row objects. Text and Markdown cells
 * are escaped (fmt_int.h: control characters, invalid UTF-8; in Markdown
 * also | and line breaks); CSV text fields are guarded against formulas
 * unless fmt is GSZ_OUTPUT_CSV_RAW. */
void gsz__table_render(const gsz__table *t, gsz_output_format fmt, gsz__buf *b);

/* The rows as a JSON array of objects (new reference; NULL on ENOMEM), to
 * nest inside a larger document. */
struct json_t;
struct json_t *gsz__table_json(const gsz__table *t);

/* A JSON string of s (new reference; NULL on ENOMEM), for every string a
 * report writes. JSON carries only UTF-8 (RFC 8259), and jansson refuses
 * anything else, which would fail the whole document: each byte of s that
 * is not part of valid UTF-8 becomes U+FFFD, as Go's encoding/json does.
 * Valid text, control characters included, is kept exactly. */
struct json_t *gsz__json_text(const char *s);

/* Table and Markdown: the formats for people, whose text is escaped. */
bool gsz__format_is_human(gsz_output_format fmt);

/* The last step of every gsz_report_* function, so that no renderer can
 * skip it: for people's formats, escape whatever control character is left
 * in b (gsz__text_sanitize); a GSZ_EOVERFLOW from a table becomes a message
 * naming the format; then gsz__buf_finish. */
gsz_err gsz__report_finish(gsz__buf *b, gsz_output_format fmt, char **out, size_t *out_len,
                           gsz_diag *diag);

#endif
