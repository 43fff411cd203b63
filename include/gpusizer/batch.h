/* batch.h: reading a batch of requests for `gpusizer batch` (and rows for
 * `gpusizer catalog import`): a CSV file with a header row (read with
 * libcsv; fields separated by ',' or, when the header line holds more
 * semicolons than commas, by ';' as spreadsheets write them; a UTF-8
 * byte-order mark is skipped) or a YAML list of mappings. Each row becomes
 * (column, value) pairs of text; which columns are allowed is the caller's
 * business.
 *
 * Limits: 1,000,000 rows, 64 columns, 4 KiB per value, 256 MiB of input.
 *
 * Threads: a read batch input is read-only and may be shared. */
#ifndef GPUSIZER_BATCH_H
#define GPUSIZER_BATCH_H

#include "gpusizer/error.h"

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum gsz_batch_format { GSZ_BATCH_CSV, GSZ_BATCH_YAML } gsz_batch_format;

typedef struct gsz_batch_row {
  size_t number;       /* 1-based data row (the CSV header is not a row) */
  size_t line;         /* line in the file where the row starts */
  const char **values; /* one per column; NULL where the row has no value */
  const char *error;   /* "line:col: ..." when a value could not be read (a YAML
                          mapping where a value belongs): the row is reported as
                          an error and the others go on; NULL when fine */
} gsz_batch_row;

typedef struct gsz_batch_input {
  gsz_batch_format format;
  const char **columns; /* header names (CSV) or every key seen (YAML), in order */
  size_t n_columns;
  gsz_batch_row *rows;
  size_t n_rows;
  void *storage; /* owned strings */
} gsz_batch_input;

/* Read a batch file: YAML when the name ends in .yaml or .yml, else CSV.
 * Errors name the file and the line: GSZ_ENOTFOUND, GSZ_EPARSE (malformed
 * CSV or YAML, a row with more fields than the header, a duplicate or empty
 * column name, a YAML item that is not a mapping of values), GSZ_ELIMIT. */
gsz_err gsz_batch_read(gsz_batch_input **out, const char *path, gsz_diag *diag);
/* The same from text in memory. */
gsz_err gsz_batch_parse(gsz_batch_input **out, const char *text, size_t len, const char *label,
                        gsz_batch_format format, gsz_diag *diag);
void gsz_batch_input_free(gsz_batch_input *input);

#ifdef __cplusplus
}
#endif
#endif
