/* catalog_pricer.c: the default pricer: every line of a bill of materials
 * at the catalog's current price, in the currency most of them use. No
 * conversion and no policy: that is the pricing overlay's job
 * (overlay.c). A server whose price includes its GPUs (DGX) has a GPU line
 * of zero that says so. */
#include "gpusizer/catalog.h"
#include "gpusizer/pricing.h"
#include "util/common_int.h"

#include <string.h>

static const char *const step_names[] = {"discount", "markup", "adder", "tax"};

const char *gsz_line_kind_name(gsz_line_kind kind) {
  if ((int)kind < GSZ_ITEM_KIND_COUNT)
    return gsz_item_kind_name((gsz_item_kind)kind);
  return step_names[kind - GSZ_LINE_DISCOUNT];
}

static gsz_err unit_price(const gsz_unit_price *p, const gsz_bom_line *bl, const char *currency,
                          gsz_diag *diag) {
  const char *kind = bl->kind == GSZ_ITEM_GPU ? "GPU" : gsz_item_kind_name(bl->kind);
  if (!p->present)
    return gsz__diag_set(diag, GSZ_ENOTFOUND, "%s '%s' has no price in the catalog", kind, bl->sku);
  if (memcmp(p->currency, currency, 4) != 0) /* both NUL-terminated 3-letter codes */
    return gsz__diag_set(diag, GSZ_ENOTFOUND,
                         "%s '%s' is priced in %s, the quote in %s; a pricing overlay with an "
                         "exchange rate converts it",
                         kind, bl->sku, p->currency, currency);
  return GSZ_OK;
}

static gsz_err add_line(gsz_price *out, bool with_lines, const gsz_bom_line *bl, const char *detail,
                        int64_t unit, gsz_diag *diag) {
  int64_t amount;
  uint64_t qty = bl->quantity;
  if (qty > (uint64_t)INT64_MAX || gsz__mul_i64(&amount, unit, (int64_t)qty) ||
      gsz__add_i64(&out->total_minor, out->total_minor, amount))
    return gsz__diag_set(diag, GSZ_EOVERFLOW, "the price of %llu x '%s' overflows",
                         (unsigned long long)qty, bl->sku);
  if (!with_lines)
    return GSZ_OK;
  if (out->n_lines >= GSZ_PRICE_MAX_LINES)
    return gsz__diag_set(diag, GSZ_ELIMIT, "more than %d price lines", GSZ_PRICE_MAX_LINES);
  out->lines[out->n_lines++] =
      (gsz_price_line){(gsz_line_kind)bl->kind, bl->sku, detail, bl->role, qty, unit, amount};
  return GSZ_OK;
}

/* The matcher stamps out->currency with the pricer's currency first. */
static gsz_err price(void *ctx, const gsz_bom *bom, bool with_lines, gsz_price *out,
                     gsz_diag *diag) {
  const gsz_catalog_data *d = ctx;
  const char *currency = out->currency;
  gsz_err err = GSZ_OK;
  for (unsigned i = 0; err == GSZ_OK && i < bom->n_lines; i++)
    if (!bom->lines[i].included)
      err = unit_price(gsz_catalog_item(d, bom->lines[i].kind, bom->lines[i].index).price,
                       &bom->lines[i], currency, diag);
  out->total_minor = 0;
  out->n_lines = 0;
  for (unsigned i = 0; err == GSZ_OK && i < bom->n_lines; i++) {
    const gsz_bom_line *bl = &bom->lines[i];
    const gsz_unit_price *p = gsz_catalog_item(d, bl->kind, bl->index).price;
    err = bl->included ? add_line(out, with_lines, bl, "included in the server price", 0, diag)
                       : add_line(out, with_lines, bl, p->basis, p->amount_minor, diag);
  }
  return err;
}

void gsz_catalog_pricer(gsz_pricer *out, const gsz_catalog_data *data) {
  memset(out, 0, sizeof *out);
  /* The quote currency: the one most current prices are in (USD when none). */
  const char *best = "USD";
  size_t best_count = 0;
  for (size_t i = 0; i < data->n_currencies; i++) {
    size_t n = 0;
    for (size_t g = 0; g < data->n_gpus; g++)
      n += data->gpus[g].price.present &&
           strcmp(data->gpus[g].price.currency, data->currencies[i].code) == 0;
    for (size_t s = 0; s < data->n_servers; s++)
      n += data->servers[s].price.present &&
           strcmp(data->servers[s].price.currency, data->currencies[i].code) == 0;
    if (n > best_count) {
      best = data->currencies[i].code;
      best_count = n;
    }
  }
  memcpy(out->currency, best, 4);
  const gsz_currency *c = gsz_catalog_find_currency(data, best);
  out->minor_digits = c ? c->minor_digits : 2;
  out->price = price;
  out->excluded = NULL;
  out->ctx = (void *)(uintptr_t)data;
}
