/* suggest.c: "did you mean" for misspelt names: a bounded, case-insensitive
 * Levenshtein distance and the nearest catalog name within a third of the
 * typed length. */
#include "common_int.h"
#include "gpusizer/catalog.h"

#include <string.h>

#define MAX_NAME 128

static char lower(char c) { return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c; }

unsigned gsz_edit_distance(const char *a, const char *b, unsigned limit) {
  size_t n = strlen(a), m = strlen(b);
  if (n > MAX_NAME || m > MAX_NAME)
    return limit + 1;
  if ((n > m ? n - m : m - n) > limit)
    return limit + 1;
  unsigned prev[MAX_NAME + 1], cur[MAX_NAME + 1];
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
      cur[j] = best;
      if (best < row_min)
        row_min = best;
    }
    if (row_min > limit)
      return limit + 1;
    memcpy(prev, cur, (m + 1) * sizeof *prev);
  }
  return prev[m];
}

typedef struct nearest {
  const char *name;   /* what to suggest */
  unsigned distance;
  unsigned limit;
} nearest;

static void consider(nearest *best, const char *typed, const char *candidate, const char *show) {
  if (candidate == NULL)
    return;
  unsigned d = gsz_edit_distance(typed, candidate, best->limit);
  if (d <= best->limit && (best->name == NULL || d < best->distance)) {
    best->name = show;
    best->distance = d;
  }
}

static unsigned limit_for(const char *typed) {
  size_t n = strlen(typed);
  return n < 6 ? 2 : (unsigned)(n / 3);
}

const char *gsz_catalog_suggest_model(const gsz_catalog_data *d, const char *typed) {
  nearest best = {NULL, 0, limit_for(typed)};
  for (size_t i = 0; i < d->n_models; i++) {
    consider(&best, typed, d->models[i].name, d->models[i].name);
    consider(&best, typed, d->models[i].hf_id, d->models[i].name);
  }
  for (size_t i = 0; i < d->n_model_aliases; i++)
    consider(&best, typed, d->model_aliases[i].alias, d->model_aliases[i].target);
  return best.name;
}

const char *gsz_catalog_suggest_gpu(const gsz_catalog_data *d, const char *typed) {
  nearest best = {NULL, 0, limit_for(typed)};
  for (size_t i = 0; i < d->n_gpus; i++)
    consider(&best, typed, d->gpus[i].sku, d->gpus[i].sku);
  for (size_t i = 0; i < d->n_gpu_aliases; i++)
    consider(&best, typed, d->gpu_aliases[i].alias, d->gpu_aliases[i].target);
  return best.name;
}
