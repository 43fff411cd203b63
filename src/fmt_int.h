/* fmt_int.h: number formatting for people, locale-independent by
 * construction (integer arithmetic only): byte sizes in GB and GiB, counts
 * with thousands separators, money with its currency. Display only: the
 * machine formats carry exact integers. Internal to the library. */
#ifndef GSZ_FMT_INT_H
#define GSZ_FMT_INT_H

#include "common_int.h"

#define GSZ_FMT_MAX 64

/* "14.96 GiB": bytes / 2^30 to two decimals, rounded half up. */
const char *gsz__fmt_gib(char buf[GSZ_FMT_MAX], uint64_t bytes);
/* "16.06 GB": bytes / 10^9 to two decimals, rounded half up. */
const char *gsz__fmt_gb(char buf[GSZ_FMT_MAX], uint64_t bytes);
/* "8,030,261,248" */
const char *gsz__fmt_group(char buf[GSZ_FMT_MAX], uint64_t value);
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

#endif
