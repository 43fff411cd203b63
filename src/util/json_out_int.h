/* json_out_int.h: building a JSON document with jansson without ever
 * printing an incomplete one. jansson's constructors return NULL when an
 * allocation fails and json_object_set_new then fails quietly; a gsz__jb
 * remembers any such failure, and gsz__jb_emit reports it as GSZ_ENOMEM
 * instead of printing a document with keys missing. Internal. */
#ifndef GSZ_JSON_OUT_INT_H
#define GSZ_JSON_OUT_INT_H

#include "util/buf_int.h"

#include <jansson.h>
#include <stdbool.h>

typedef struct gsz__jb {
  bool failed; /* some value or insertion was lost */
} gsz__jb;

/* obj[key] = value, stealing value. Marks jb failed when obj or value is
 * NULL (a constructor failed) or the insertion fails. */
void gsz__jb_put(gsz__jb *jb, json_t *obj, const char *key, json_t *value);
/* Append value to arr, stealing value; failures as for gsz__jb_put. */
void gsz__jb_append(gsz__jb *jb, json_t *arr, json_t *value);
/* Serialise doc into b (pretty, exact integers, newline); b->err becomes
 * GSZ_ENOMEM when doc is NULL, jb failed, or serialising fails. */
void gsz__jb_emit(gsz__buf *b, const gsz__jb *jb, json_t *doc);

#endif
