/* money.h: money as integer minor units of a currency (cents for USD, yen
 * for JPY), parsed from and printed to decimal text without floating point.
 * The currency's number of minor digits comes from the catalog's currency
 * table (ISO 4217).
 *
 * Threads: pure functions; thread-safe. */
#ifndef GPUSIZER_MONEY_H
#define GPUSIZER_MONEY_H

#include "gpusizer/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Parse "27500.00" or "27500" into minor units of a currency with `digits`
 * minor digits (27500.00 USD -> 2750000). Refuses exponents, grouping
 * commas, more decimals than the currency has (unless zeros), negative
 * amounts, and values beyond INT64_MAX minor units. */
gsz_err gsz_money_parse(int64_t *out_minor, const char *text, unsigned digits, gsz_diag *diag);

/* The one rounding rule: amount x num / den, rounded half to even
 * ("banker's rounding": 0.5 -> 0, 1.5 -> 2, -2.5 -> -2) to the minor unit.
 * den > 0. GSZ_EOVERFLOW when the result does not fit in int64_t; *out is
 * untouched then. Exchange rates, discounts, markup and tax all go through
 * it, once per step. */
gsz_err gsz_money_scale(int64_t *out, int64_t amount, int64_t num, int64_t den, gsz_diag *diag);

/* Print amount_minor with `digits` minor digits into buf: "27,500.00" with
 * grouping, "27500.00" without; negative amounts get a leading '-'.
 * Always NUL-terminates when size > 0; returns the length it needed. */
size_t gsz_money_format(char *buf, size_t size, int64_t amount_minor, unsigned digits,
                        bool grouping);

#ifdef __cplusplus
}
#endif
#endif
