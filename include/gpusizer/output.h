/* output.h: the output formats every renderer writes, what each does with
 * text from data (escaping, the CSV formula guard), and the escape that
 * front ends use for text they print themselves. Thread-safe. */
#ifndef GPUSIZER_OUTPUT_H
#define GPUSIZER_OUTPUT_H

#include "gpusizer/error.h"

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What each format does with text that comes from data (catalog names,
 * overlay adders and labels, file names, batch ids):
 *
 * - TABLE and MARKDOWN, for people: control characters (C0 such as ESC,
 *   BEL, CR and LF inside a value, DEL, C1 U+0080..U+009F) are shown
 *   escaped (\x1b, \n, \u009b), and so is each byte of invalid UTF-8
 *   (\xff); other UTF-8 passes through. Markdown table cells also escape
 *   '|' as \|. Nothing a terminal acts on is ever written.
 * - CSV, for programs and spreadsheets: RFC 4180, and a text field that
 *   starts with '=', '+', '-', '@', TAB or CR gets a leading ' and quotes
 *   (OWASP "CSV Injection"), so a spreadsheet shows it instead of running
 *   it. Numbers the program writes are never changed (-12345 stays a
 *   number). CSV_RAW is the same CSV without that guard: text exactly.
 * - JSON: exact; jansson escapes control characters (\u001B). A byte
 *   that is not valid UTF-8, which JSON cannot carry, becomes U+FFFD.
 *
 * Every count and byte size is written as an exact integer in every
 * format or not at all: one above INT64_MAX (more than jansson's
 * json_int_t holds) is GSZ_EOVERFLOW, with the value named, whatever the
 * format, so that switching format never changes the outcome. */
typedef enum gsz_output_format {
  GSZ_OUTPUT_TABLE,
  GSZ_OUTPUT_JSON,
  GSZ_OUTPUT_CSV,
  GSZ_OUTPUT_MARKDOWN,
  GSZ_OUTPUT_CSV_RAW /* CSV without the formula guard (for programs) */
} gsz_output_format;

/* "table", "json", "csv" or "markdown" (also "md"); GSZ_EINVAL otherwise.
 * CSV_RAW has no name of its own: front ends offer it as a switch. */
gsz_err gsz_output_format_parse(gsz_output_format *out, const char *name, gsz_diag *diag);
/* The name gsz_output_format_parse takes ("csv" for CSV_RAW too). */
const char *gsz_output_format_name(gsz_output_format format);

/* Copy src into dst (size > 0 bytes, always NUL-terminated; cut short at
 * a character boundary when dst is too small) escaped as the table format
 * escapes text, line breaks included. For front ends that print data
 * outside the report functions, such as error messages. Returns dst. */
const char *gsz_report_escape(char *dst, size_t size, const char *src);

#ifdef __cplusplus
}
#endif
#endif
