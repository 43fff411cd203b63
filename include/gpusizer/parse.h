/* parse.h: exact parsing of the numbers people type: counts such as "7B",
 * "0.5B", "500M", "7e9" or "6738415616", plain integers for flags, and
 * fixed-point decimals. No floating point is involved anywhere: "0.5B" is
 * exactly 500000000, and what is not an exact integer is refused.
 *
 * Threads: pure functions; thread-safe. */
#ifndef GPUSIZER_PARSE_H
#define GPUSIZER_PARSE_H

#include "gpusizer/error.h"

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A count: decimal digits with an optional fraction, then either an
 * exponent (e9, E12) or one suffix K/M/B/T (thousand, million, billion,
 * trillion; case-insensitive; G = B). The result must be a whole number
 * from 1 to UINT64_MAX. Errors: GSZ_EPARSE (malformed: "7X", "", "1.2.3",
 * "-1", "nan", "inf"), GSZ_EINVAL (zero or not whole: "0", "1.5"),
 * GSZ_EOVERFLOW ("1e400"). The diag says what was wrong, not where: the
 * caller names the flag or file. */
gsz_err gsz_parse_count(uint64_t *out, const char *text, gsz_diag *diag);

/* A plain non-negative decimal integer within [min, max]. */
gsz_err gsz_parse_uint(uint64_t *out, const char *text, uint64_t min, uint64_t max, gsz_diag *diag);

/* A fixed-point decimal: "12.5" with scale 2 gives 1250. More fraction
 * digits than scale are refused unless they are zeros; no exponent, no
 * grouping commas, no leading '+'. A leading '-' only if allow_negative.
 * Errors: GSZ_EPARSE, GSZ_EOVERFLOW. */
gsz_err gsz_parse_fixed(int64_t *out, const char *text, unsigned scale, bool allow_negative,
                        gsz_diag *diag);

#ifdef __cplusplus
}
#endif
#endif
