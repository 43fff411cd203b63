/* catalog_pricer.c: the default pricer: every line of a bill of materials
 * at the catalog's current price, in the currency most of them use; a
 * price in another currency is converted at the catalog's exchange rate
 * (table exchange_rate), rounded once with gsz_money_scale. No policy:
 * that is the pricing overlay's job (overlay_*.c), whose fx overrides the
 * catalog's rates. A server whose price includes its GPUs (DGX) has a GPU
 * line of zero that says so. */
#include "gpusizer/catalog.h"
#include "gpusizer/money.h"
#include "gpusizer/pricing.h"
#include "util/common_int.h"

#include <string.h>

static const char *const step_names[] = {"discount", "markup", "adder", "tax"};

const char *gsz_line_kind_name(gsz_line_kind kind) {
  if ((int)kind < GSZ_ITEM_KIND_COUNT)
    return gsz_item_kind_name((gsz_item_kind)kind);
  return step_names[kind - GSZ_LINE_DISCOUNT];
}

/* The minor digits of a currency (2 when the catalog does not say). */
static unsigned digits_of(const gsz_catalog_data *d, const char *code) {
  const gsz_currency *c = gsz_catalog_find_currency(d, code);
  return c ? c->minor_digits : 2;
}

/* amount minor units of from (digits df) at rate (x GSZ_FX_SCALE) in minor
 * units of the quote currency (digits dq): amount / 10^df x rate / 10^9 x
 * 10^dq, rounded once. The same arithmetic as the overlay's conversion. */
static gsz_err convert(int64_t *out, int64_t amount, unsigned df, int64_t rate, unsigned dq,
                       gsz_diag *diag) {
  int64_t num = rate, den = GSZ_FX_SCALE;
  for (unsigned i = 0; i < dq; i++)
    if (gsz__mul_i64(&num, num, 10))
      return gsz__diag_set(diag, GSZ_EOVERFLOW, "an exchange rate overflows");
  for (unsigned i = 0; i < df; i++)
    if (gsz__mul_i64(&den, den, 10))
      return gsz__diag_set(diag, GSZ_EOVERFLOW, "an exchange rate overflows");
  return gsz_money_scale(out, amount, num, den, diag);
}

/* The unit price of a line in the quote currency, converted at the
 * catalog's rate when the item is priced in another; *detail says where
 * it comes from (the basis, or the rate when converted). */
static gsz_err unit_price(int64_t *unit, const char **detail, const gsz_catalog_data *d,
                          const gsz_unit_price *p, const gsz_bom_line *bl, const char *currency,
                          gsz_diag *diag) {
  const char *kind = bl->kind == GSZ_ITEM_GPU ? "GPU" : gsz_item_kind_name(bl->kind);
  if (!p->present)
    return gsz__diag_set(diag, GSZ_ENOTFOUND, "%s '%s' has no price in the catalog", kind, bl->sku);
  *detail = p->basis;
  if (memcmp(p->currency, currency, 4) == 0) { /* both NUL-terminated 3-letter codes */
    *unit = p->amount_minor;
    return GSZ_OK;
  }
  const gsz_fx_rate *fx = gsz_catalog_find_fx_rate(d, p->currency, currency);
  if (fx == NULL)
    return gsz__diag_set(diag, GSZ_ENOTFOUND,
                         "%s '%s' is priced in %s, the quote in %s, and the catalog has no "
                         "exchange rate from %s to %s (table exchange_rate; a pricing overlay's "
                         "fx converts it too)",
                         kind, bl->sku, p->currency, currency, p->currency, currency);
  if (convert(unit, p->amount_minor, digits_of(d, p->currency), fx->rate, digits_of(d, currency),
              NULL) != GSZ_OK)
    return gsz__diag_set(diag, GSZ_EOVERFLOW,
                         "the price of %s '%s' in %s does not fit 64-bit minor units at the "
                         "catalog's rate",
                         kind, bl->sku, currency);
  if (fx->label != NULL)
    *detail = fx->label;
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
  int64_t units[GSZ_BOM_MAX_LINES] = {0};
  const char *details[GSZ_BOM_MAX_LINES] = {NULL};
  /* Every unit price first: a line without one fails the bill before any
   * line is added. */
  for (unsigned i = 0; err == GSZ_OK && i < bom->n_lines; i++)
    if (!bom->lines[i].included)
      err = unit_price(&units[i], &details[i], d,
                       gsz_catalog_item(d, bom->lines[i].kind, bom->lines[i].index).price,
                       &bom->lines[i], currency, diag);
  out->total_minor = 0;
  out->n_lines = 0;
  for (unsigned i = 0; err == GSZ_OK && i < bom->n_lines; i++) {
    const gsz_bom_line *bl = &bom->lines[i];
    err = bl->included ? add_line(out, with_lines, bl, "included in the server price", 0, diag)
                       : add_line(out, with_lines, bl, details[i], units[i], diag);
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
