/* suggest.h: "did you mean" for misspelt names: a bounded, case-insensitive
 * edit distance and the nearest of a list of names. Pure functions;
 * thread-safe. */
#ifndef GPUSIZER_SUGGEST_H
#define GPUSIZER_SUGGEST_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Edit distance between a and b ignoring ASCII case (insert, delete,
 * substitute, swap adjacent letters: 1 each), capped: returns limit + 1 as
 * soon as it is exceeded. For suggestions. */
unsigned gsz_edit_distance(const char *a, const char *b, unsigned limit);

/* Whether two names are equal ignoring ASCII case (the same under every
 * locale: the way gpusizer compares SKUs, vendors and other names). */
#include <stdbool.h>
bool gsz_name_equal(const char *a, const char *b);

/* The candidate nearest to typed within a third of its length (at least
 * 2 edits), ties to the closest length; NULL when none is near. */
const char *gsz_suggest_nearest(const char *typed, const char *const *candidates, size_t n);

#ifdef __cplusplus
}
#endif
#endif
