/* batch.c: gsz_batch_run: many quote requests, one per row of a batch
 * file, answered exactly as gsz_quote answers them, against one catalog
 * and one overlay. A row with a bad value becomes an error row and the
 * others go on; only a failure of the system stops the run. */
#include "gpusizer/suggest.h"
#include "request/request_int.h"
#include "util/common_int.h"

#include <stdio.h>
#include <string.h>

#define ID_COLUMN (-1)
#define UNKNOWN_COLUMN (-2)

/* The field a column names ('_' and '-' alike), ID_COLUMN for "id",
 * UNKNOWN_COLUMN for anything else. */
static int column_field(const char *column) {
  if (strcmp(column, "id") == 0)
    return ID_COLUMN;
  gsz_field f = gsz_field_find(column);
  if (f == GSZ_FIELD_NONE || !(gsz_field_get(f)->scope & GSZ_SCOPE_BATCH))
    return UNKNOWN_COLUMN;
  return (int)f;
}

gsz_err gsz_batch_check_columns(const gsz_batch_input *in, gsz_diag *diag) {
  for (size_t c = 0; c < in->n_columns; c++) {
    const char *name = in->columns[c];
    if (column_field(name) != UNKNOWN_COLUMN)
      continue;
    if (gsz_field_find(name) == GSZ_FIELD_PRICING)
      gsz__diag_set(diag, GSZ_EINVAL,
                    "column 'pricing': the overlay applies to the whole batch; give " GSZ_FIELD(
                        "pricing") " FILE instead");
    else {
      const char *names[GSZ_FIELD_COUNT];
      size_t n = 0;
      for (int f = GSZ_FIELD_NONE + 1; f < GSZ_FIELD_COUNT; f++)
        if (gsz_field_get((gsz_field)f)->scope & GSZ_SCOPE_QUOTE)
          names[n++] = gsz_field_get((gsz_field)f)->name;
      const char *best = gsz_suggest_nearest(name, names, n);
      gsz__diag_set(diag, GSZ_EINVAL,
                    "unknown column '%s'%s%s%s (columns are quote fields such as model, "
                    "precision, context)",
                    name, best ? "; did you mean '" : "", best ? best : "", best ? "'?" : "");
    }
    return GSZ_EINVAL;
  }
  return GSZ_OK;
}

/* --- Owned texts ------------------------------------------------------------- */

typedef struct texts {
  char **items;
  size_t n, cap;
} texts;

static const char *keep(texts *t, const char *s) {
  if (t->n == t->cap) {
    size_t cap = t->cap ? 2 * t->cap : 64;
    char **items = gsz__realloc(t->items, cap * sizeof *items);
    if (items == NULL)
      return NULL;
    t->items = items;
    t->cap = cap;
  }
  char *copy = gsz__strdup(s);
  if (copy != NULL)
    t->items[t->n++] = copy;
  return copy;
}

void gsz_batch_answer_free(gsz_batch_answer *a) {
  if (a == NULL)
    return;
  texts *t = a->storage;
  if (t != NULL) {
    for (size_t i = 0; i < t->n; i++)
      gsz__free(t->items[i]);
    gsz__free(t->items);
    gsz__free(t);
  }
  gsz__free(a->rows);
  gsz__free(a);
}

/* --- One row ---------------------------------------------------------------- */

/* How a row's messages name fields: the subject as the column the file
 * spells ("column 'max-nodes'"), references inside a sentence by the
 * caller's words. */
typedef struct row_words {
  const gsz_batch_input *in;
  const int *fields; /* per column */
  const gsz_field_words *inner;
} row_words;

static const char *row_word(void *ctx, const char *field, bool subject, char *buf, size_t size) {
  const row_words *w = ctx;
  if (!subject) {
    if (w->inner != NULL && w->inner->name != NULL)
      return w->inner->name(w->inner->ctx, field, false, buf, size);
    snprintf(buf, size, "%s", field);
    return buf;
  }
  const char *spelt = field;
  gsz_field f = gsz_field_find(field);
  for (size_t c = 0; c < w->in->n_columns && f != GSZ_FIELD_NONE; c++)
    if (w->fields[c] == (int)f)
      spelt = w->in->columns[c];
  snprintf(buf, size, "column '%s'", spelt);
  return buf;
}

/* A row's values as a request. Repeatable fields split on ';'. The
 * scratch buffer holds the split copies; the request borrows them. */
static gsz_err row_request(gsz_request *req, char *scratch, size_t scratch_size,
                           const gsz_batch_input *in, const gsz_batch_row *row, const int *fields,
                           gsz_diag *diag) {
  gsz_request_init(req);
  size_t used = 0;
  for (size_t c = 0; c < in->n_columns; c++) {
    const char *v = row->values[c];
    if (v == NULL || fields[c] < 0)
      continue;
    gsz_field field = (gsz_field)fields[c];
    if (!(gsz_field_get(field)->kind & GSZ_FIELD_REPEATABLE)) {
      gsz_err err = gsz_request_set(req, field, v, diag);
      if (err != GSZ_OK)
        return err;
      continue;
    }
    size_t len = strlen(v);
    if (used + len + 1 > scratch_size)
      return gsz__diag_set(diag, GSZ_ELIMIT, "row too long");
    char *copy = scratch + used;
    memcpy(copy, v, len + 1);
    used += len + 1;
    for (char *p = copy; p != NULL;) {
      char *semi = strchr(p, ';');
      if (semi != NULL)
        *semi = '\0';
      while (*p == ' ')
        p++;
      if (*p != '\0') {
        gsz_err err = gsz_request_set(req, field, p, diag);
        if (err != GSZ_OK)
          return err;
      }
      p = semi ? semi + 1 : NULL;
    }
  }
  return GSZ_OK;
}

/* "no configuration fits: MEMORY x12, MAX_NODES x5": most frequent first. */
static void no_fit_reasons(char *buf, size_t size, const gsz_match_result *res) {
  size_t counts[GSZ_REASON_COUNT] = {0};
  for (size_t i = 0; i < res->n_rejected; i++)
    for (unsigned k = 0; k < res->rejected[i].n_reasons && !res->rejected[i].filtered; k++)
      counts[res->rejected[i].reasons[k].code]++;
  size_t used = (size_t)snprintf(buf, size, "no configuration fits:");
  for (int round = 0; round < GSZ_REASON_COUNT && used < size; round++) {
    int best = -1;
    for (int c = 0; c < GSZ_REASON_COUNT; c++)
      if (counts[c] > 0 && (best < 0 || counts[c] > counts[best]))
        best = c;
    if (best < 0)
      break;
    used += (size_t)snprintf(buf + used, size - used, "%s %s x%zu", round ? "," : "",
                             gsz_reason_name((gsz_reason_code)best), counts[best]);
    counts[best] = 0;
  }
}

typedef struct run {
  const gsz_catalog_data *data;
  const gsz_overlay *overlay;
  const gsz_batch_input *in;
  const int *fields;
  gsz_field_words words;
  texts *texts;
  char scratch[64 * 1024];
} run;

/* The answer of one row into *res; GSZ_OK unless the system failed. */
static gsz_err answer_row(run *r, const gsz_batch_row *row, gsz_batch_result *res, gsz_diag *diag) {
  gsz_request req;
  gsz_quote_answer *a = NULL;
  gsz_diag rd;
  gsz_diag_clear(&rd);
  gsz_err err;
  if (row->error != NULL)
    err = gsz__diag_set(&rd, GSZ_EPARSE, "%s", row->error);
  else if ((err = row_request(&req, r->scratch, sizeof r->scratch, r->in, row, r->fields, &rd)) ==
           GSZ_OK)
    err = gsz_quote(&a, r->data, r->overlay, &req, &rd);
  if (err == GSZ_ENOMEM)
    return gsz__diag_set(diag, GSZ_ENOMEM, "row %zu: out of memory", row->number);
  char text[GSZ_DIAG_MESSAGE_MAX + 160];
  const char *kept = NULL;
  if (err != GSZ_OK) {
    char said[GSZ_DIAG_MESSAGE_MAX + 128];
    snprintf(text, sizeof text, "row %zu: %s", row->number,
             gsz_diag_render(said, sizeof said, &rd, &r->words));
    res->status = GSZ_BATCH_ERROR;
    kept = res->error = keep(r->texts, text);
  } else if (!a->result->found) {
    no_fit_reasons(text, sizeof text, a->result);
    res->status = GSZ_BATCH_NO_FIT;
    kept = res->error = keep(r->texts, text);
  } else {
    const gsz_candidate *b = &a->result->best;
    res->status = GSZ_BATCH_OK;
    if ((res->gpu_sku = keep(r->texts, b->gpu->sku)) == NULL ||
        (res->server_sku = keep(r->texts, b->server->sku)) == NULL)
      kept = NULL;
    else
      kept = "";
    res->gpus_per_node = b->gpus_per_node;
    res->nodes = b->nodes;
    res->total_gpus = b->total_gpus;
    res->per_gpu_bytes = b->per_gpu_bytes;
    res->usable_bytes = b->usable_bytes;
    res->gpus_included = b->server->gpus_included;
    res->total_minor = b->price.total_minor;
    res->buildable_from_stock = b->stock.buildable;
  }
  gsz_quote_answer_free(a);
  return kept == NULL ? gsz__diag_set(diag, GSZ_ENOMEM, "row %zu: out of memory", row->number)
                      : GSZ_OK;
}

gsz_err gsz_batch_run(gsz_batch_answer **out, const gsz_catalog_data *data,
                      const gsz_overlay *overlay, const gsz_batch_input *in,
                      const gsz_field_words *words, gsz_batch_progress progress, void *progress_ctx,
                      gsz_diag *diag) {
  gsz_err err = gsz_batch_check_columns(in, diag);
  if (err != GSZ_OK)
    return err;
  gsz_batch_answer *a = gsz__calloc(1, sizeof *a);
  run *r = gsz__calloc(1, sizeof *r);
  int *fields = gsz__calloc(in->n_columns ? in->n_columns : 1, sizeof *fields);
  if (a == NULL || r == NULL || fields == NULL ||
      (a->storage = gsz__calloc(1, sizeof(texts))) == NULL ||
      (a->rows = gsz__calloc(in->n_rows ? in->n_rows : 1, sizeof *a->rows)) == NULL) {
    err = gsz__diag_nomem(diag);
    goto done;
  }
  gsz_pricer pricer;
  gsz_overlay_pricer(&pricer, overlay);
  memcpy(a->currency, pricer.currency, 4);
  a->minor_digits = pricer.minor_digits;
  size_t id_col = (size_t)-1;
  for (size_t c = 0; c < in->n_columns; c++) {
    fields[c] = column_field(in->columns[c]);
    if (fields[c] == ID_COLUMN)
      id_col = c;
  }
  row_words rw = {in, fields, words};
  *r = (run){data, overlay, in, fields, {row_word, &rw}, a->storage, {0}};
  for (size_t i = 0; i < in->n_rows; i++) {
    const gsz_batch_row *row = &in->rows[i];
    gsz_batch_result *res = &a->rows[i];
    memcpy(res->currency, pricer.currency, 4);
    if (id_col != (size_t)-1 && row->values[id_col] != NULL &&
        (res->id = keep(r->texts, row->values[id_col])) == NULL) {
      err = gsz__diag_set(diag, GSZ_ENOMEM, "row %zu: out of memory", row->number);
      goto done;
    }
    if ((err = answer_row(r, row, res, diag)) != GSZ_OK)
      goto done;
    a->n_rows = i + 1;
    if (progress != NULL)
      progress(progress_ctx, i + 1, in->n_rows);
  }
  *out = a;
  a = NULL;

done:
  gsz_batch_answer_free(a);
  gsz__free(fields);
  gsz__free(r);
  return err;
}
