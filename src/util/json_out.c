/* json_out.c: JSON documents that are complete or reported as out of
 * memory (see json_out_int.h). */
#include "util/json_out_int.h"

void gsz__jb_put(gsz__jb *jb, json_t *obj, const char *key, json_t *value) {
  if (obj == NULL || value == NULL) {
    jb->failed = true;
    json_decref(value);
    return;
  }
  if (json_object_set_new(obj, key, value) != 0) /* value is released either way */
    jb->failed = true;
}

void gsz__jb_append(gsz__jb *jb, json_t *arr, json_t *value) {
  if (arr == NULL || value == NULL) {
    jb->failed = true;
    json_decref(value);
    return;
  }
  if (json_array_append_new(arr, value) != 0)
    jb->failed = true;
}

/* jansson's dump callback: append to our buffer. jansson does not check
 * every callback result (an object's keys go unchecked in 2.14), so the
 * buffer's sticky error is what decides, not jansson's return value. */
static int append(const char *text, size_t size, void *ctx) {
  gsz__buf *b = ctx;
  gsz__buf_append(b, text, size);
  return b->err == GSZ_OK ? 0 : -1;
}

void gsz__jb_emit(gsz__buf *b, const gsz__jb *jb, json_t *doc) {
  if (doc == NULL || jb->failed) {
    if (b->err == GSZ_OK)
      b->err = GSZ_ENOMEM;
    return;
  }
  if (json_dump_callback(doc, append, b, JSON_INDENT(2) | JSON_REAL_PRECISION(10)) != 0 &&
      b->err == GSZ_OK)
    b->err = GSZ_ENOMEM; /* jansson's own allocation failed */
  gsz__buf_putc(b, '\n');
}
