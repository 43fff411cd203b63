/* suggest.c: "did you mean" for misspelt names: a bounded, case-insensitive
 * Levenshtein distance and the nearest catalog name within a third of the
 * typed length. */
#include "gpusizer/suggest.h"
#include "util/common_int.h"

#include <string.h>

#define MAX_NAME 128

static char lower(char c) {
  return (char)gsz__ascii_lower((unsigned char)c);
}

/* Optimal string alignment distance: insertions, deletions, substitutions
 * and swaps of two adjacent letters ("modle" -> "model") each cost 1. */
unsigned gsz_edit_distance(const char *a, const char *b, unsigned limit) {
  size_t n = strlen(a), m = strlen(b);
  if (n > MAX_NAME || m > MAX_NAME)
    return limit + 1;
  if ((n > m ? n - m : m - n) > limit)
    return limit + 1;
  unsigned rows[3][MAX_NAME + 1];
  unsigned *before = rows[0], *prev = rows[1], *cur = rows[2];
  for (size_t j = 0; j <= m; j++)
    prev[j] = (unsigned)j;
  for (size_t i = 1; i <= n; i++) {
    cur[0] = (unsigned)i;
    unsigned row_min = cur[0];
    for (size_t j = 1; j <= m; j++) {
      unsigned cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
      unsigned best = prev[j - 1] + cost;
      if (prev[j] + 1 < best)
        best = prev[j] + 1;
      if (cur[j - 1] + 1 < best)
        best = cur[j - 1] + 1;
      if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) &&
          lower(a[i - 2]) == lower(b[j - 1]) && before[j - 2] + 1 < best)
        best = before[j - 2] + 1;
      cur[j] = best;
      if (best < row_min)
        row_min = best;
    }
    if (row_min > limit)
      return limit + 1;
    unsigned *t = before;
    before = prev;
    prev = cur;
    cur = t;
  }
  return prev[m];
}

const char *gsz_suggest_nearest(const char *typed, const char *const *candidates, size_t n) {
  const char *best = NULL;
  unsigned best_d = 0;
  size_t best_len_diff = 0;
  unsigned limit = strlen(typed) < 6 ? 2 : (unsigned)(strlen(typed) / 3);
  for (size_t i = 0; i < n; i++) {
    unsigned d = gsz_edit_distance(typed, candidates[i], limit);
    if (d > limit)
      continue;
    size_t lt = strlen(typed), lc = strlen(candidates[i]);
    size_t diff = lt > lc ? lt - lc : lc - lt;
    if (best == NULL || d < best_d || (d == best_d && diff < best_len_diff)) {
      best = candidates[i];
      best_d = d;
      best_len_diff = diff;
    }
  }
  return best;
}

bool gsz_name_equal(const char *a, const char *b) {
  return gsz__str_icmp(a, b) == 0;
}
