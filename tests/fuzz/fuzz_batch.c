/* fuzz_batch.c: fuzz target for the batch file reader (gsz_batch_parse):
 * CSV through libcsv and YAML through the YAML tree. Byte 0 chooses the
 * format ('y': YAML, anything else: CSV), the rest is the file. What is
 * read must respect the documented limits and shape: at most 64 distinct,
 * non-empty column names, values of at most 4 KiB that are never empty
 * (empty means not given: NULL), rows numbered 1..n with lines that never
 * go backwards. */
#include "fuzz.h"

#include "gpusizer/batch.h"

#include <stdbool.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0)
    return 0;
  gsz_batch_format format = data[0] == 'y' ? GSZ_BATCH_YAML : GSZ_BATCH_CSV;
  gsz_batch_input *in = NULL;
  gsz_diag diag;
  gsz_diag_clear(&diag);
  gsz_err err = gsz_batch_parse(&in, (const char *)data + 1, size - 1, "batch.in", format, &diag);
  if (err != GSZ_OK) {
    FUZZ_CHECK(err == GSZ_EPARSE || err == GSZ_ELIMIT);
    FUZZ_CHECK(diag.code == err && strncmp(diag.message, "batch.in", 8) == 0);
    return 0;
  }
  FUZZ_CHECK(in->format == format);
  FUZZ_CHECK(in->n_columns <= 64);
  for (size_t c = 0; c < in->n_columns; c++) {
    FUZZ_CHECK(in->columns[c] != NULL && in->columns[c][0] != '\0');
    for (size_t k = 0; k < c; k++)
      FUZZ_CHECK(strcmp(in->columns[k], in->columns[c]) != 0);
  }
  size_t last_line = 0;
  for (size_t r = 0; r < in->n_rows; r++) {
    const gsz_batch_row *row = &in->rows[r];
    FUZZ_CHECK(row->number == r + 1);
    FUZZ_CHECK(row->line >= 1 && row->line >= last_line);
    last_line = row->line;
    for (size_t c = 0; c < in->n_columns; c++) {
      const char *v = row->values[c];
      if (v != NULL)
        FUZZ_CHECK(v[0] != '\0' && strlen(v) <= 4096);
    }
  }
  gsz_batch_input_free(in);
  return 0;
}
