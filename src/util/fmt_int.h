/* fmt_int.h: formatting for people. Numbers, locale-independent by
 * construction (integer arithmetic only): byte sizes in GB and GiB, counts
 * with thousands separators, money with its currency. Text from data
 * (names, SKUs, file names, ids) escaped so that a terminal shows it and
 * acts on none of it. Display only: the machine formats carry exact
 * integers and exact text. Internal to the library. */
#ifndef GSZ_FMT_INT_H
#define GSZ_FMT_INT_H

#include "util/buf_int.h"
#include "util/common_int.h"

#define GSZ_FMT_MAX 64

/* "14.96 GiB": bytes / 2^30 to two decimals, rounded half up. */
const char *gsz__fmt_gib(char buf[GSZ_FMT_MAX], uint64_t bytes);
/* Basis points as a percentage with one decimal, truncated: 1234 -> "12.3%". */
const char *gsz__fmt_percent_bp(char buf[GSZ_FMT_MAX], int32_t bp);
/* "16.06 GB": bytes / 10^9 to two decimals, rounded half up. */
const char *gsz__fmt_gb(char buf[GSZ_FMT_MAX], uint64_t bytes);
/* "8,030,261,248" */
const char *gsz__fmt_group(char buf[GSZ_FMT_MAX], uint64_t value);
/* "1,080.5" from milli-units: grouped, one decimal, truncated. */
const char *gsz__fmt_milli1(char buf[GSZ_FMT_MAX], uint64_t milli);
/* value / divisor with `decimals` decimals, rounded half up: "80.0". */
const char *gsz__fmt_ratio(char buf[GSZ_FMT_MAX], uint64_t value, uint64_t divisor,
                           unsigned decimals);
/* A non-negative real to one decimal without printf's locale: "989.4". */
const char *gsz__fmt_tenths(char buf[GSZ_FMT_MAX], double value);
/* A real as %.10g with '.' as the decimal point whatever the locale. */
const char *gsz__fmt_real(char buf[GSZ_FMT_MAX], double value);
/* "27,500.00 USD" */
const char *gsz__fmt_money(char buf[GSZ_FMT_MAX], int64_t minor, unsigned digits,
                           const char *currency);

/* --- Text from data, for people (table, Markdown, plain text) ---------------
 *
 * What is escaped: C0 controls (ESC, BEL, CR, ...) and DEL as \xNN (tab,
 * CR and LF as \t, \r, \n), C1 controls U+0080..U+009F as \u00NN, and
 * each byte of invalid UTF-8 as \xNN. Valid UTF-8 passes through, so the
 * escaped text is valid UTF-8 whose width in code points is its width on
 * screen as the tables count it. A backslash is not escaped: the result is
 * for reading, not for parsing back. */
#define GSZ_ESC_NEWLINE 1u /* LF too: text inside a line or a cell */
#define GSZ_ESC_PIPE 2u    /* | as \|: a Markdown table cell */

/* Whether any of the n bytes at s would be escaped under flags. */
bool gsz__text_needs_escape(const char *s, size_t n, unsigned flags);
/* Append the n bytes at s to b, escaped under flags. */
void gsz__text_escape(gsz__buf *b, const char *s, size_t n, unsigned flags);
/* Escape everything in b but its line breaks: the last step of every
 * table, Markdown and plain-text output, so that no control character
 * reaches a terminal whatever a renderer forgot. Sets b->err on failure. */
void gsz__text_sanitize(gsz__buf *b);
/* Whether the n bytes at s are not all valid UTF-8 (or hold a NUL). */
bool gsz__utf8_needs_repair(const char *s, size_t n);
/* Append s to b with each byte that is not part of valid UTF-8 replaced by
 * U+FFFD: text for formats that carry only UTF-8 (JSON). */
void gsz__utf8_repair(gsz__buf *b, const char *s, size_t n);
/* printf for the free-text lines of human output: the format's own text
 * is copied as is (the renderer's line breaks), every %s and %c argument is
 * data and is escaped with its line breaks (GSZ_ESC_NEWLINE); %s widths
 * count code points. Takes d i u x X o c s % with flags, width, precision
 * (also *) and h hh l ll z j t; any other conversion sets b->err. */
void gsz__text_printf(gsz__buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
