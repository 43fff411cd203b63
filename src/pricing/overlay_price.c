/* overlay_price.c: pricing with a loaded overlay, step by step as
 * docs/pricing.md describes: unit price -> converted and rounded ->
 * x quantity -> each matching discount in file order -> markup; then
 * adders; then tax. And the overlay's accessors. */
#include "gpusizer/catalog.h"
#include "gpusizer/money.h"
#include "pricing/overlay_int.h"
#include "util/common_int.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* --- Accessors --------------------------------------------------------------------- */

const char *gsz_overlay_describe(const gsz_overlay *ov) {
  return ov->describe;
}
const char *gsz_overlay_currency(const gsz_overlay *ov) {
  return ov->currency;
}
const char *gsz_overlay_valid_until(const gsz_overlay *ov) {
  return ov->valid_until[0] ? ov->valid_until : NULL;
}
size_t gsz_overlay_file_count(const gsz_overlay *ov) {
  return ov->n_files;
}
const char *gsz_overlay_file(const gsz_overlay *ov, size_t i) {
  return ov->files[i];
}
size_t gsz_overlay_warning_count(const gsz_overlay *ov) {
  return ov->n_warnings;
}
const char *gsz_overlay_warning(const gsz_overlay *ov, size_t i) {
  return ov->warnings[i];
}

void gsz_overlay_unit_price(gsz_effective_price *out, const gsz_overlay *ov, const char *kind,
                            size_t index) {
  *out = ov->items[gsz_item_kind_find(kind)][index].eff;
}

static bool rule_matches(const discount_rule *r, const char *kind, const char *sku,
                         const char *vendor) {
  return (r->kind == NULL || strcmp(r->kind, kind) == 0) &&
         (r->sku == NULL || gsz__str_ieq(r->sku, sku)) &&
         (r->vendor == NULL || gsz__str_ieq(r->vendor, vendor));
}

const char *gsz_overlay_discounts_for(char *buf, size_t size, const gsz_overlay *ov,
                                      const char *kind, size_t index) {
  gsz_item item = gsz_catalog_item(ov->data, gsz_item_kind_find(kind), index);
  if (size == 0)
    return buf;
  buf[0] = '\0';
  size_t used = 0;
  for (size_t i = 0; i < ov->n_discounts && used < size; i++)
    if (rule_matches(&ov->discounts[i], kind, item.sku, item.vendor))
      used += (size_t)snprintf(buf + used, size - used, "%s%s", used ? "; " : "",
                               ov->discounts[i].label);
  return buf;
}

/* --- Pricing a bill of materials ---------------------------------------------------------- */

/* Where line items go: out->lines when the caller wants them, nowhere when
 * it ranks on totals only (the total is the same either way). The choice is
 * a flag of its own: out->n_lines is always a true count, whatever path
 * returns early. */
typedef struct line_sink {
  gsz_price *out;
  bool with_lines;
} line_sink;

static gsz_err push_line(line_sink *sink, gsz_line_kind kind, const char *item, const char *detail,
                         uint64_t qty, int64_t unit, int64_t amount, gsz_diag *diag) {
  gsz_price *out = sink->out;
  if (!sink->with_lines)
    return GSZ_OK;
  if (out->n_lines >= GSZ_PRICE_MAX_LINES)
    return gsz__diag_set(diag, GSZ_ELIMIT, "more than %d price lines", GSZ_PRICE_MAX_LINES);
  out->lines[out->n_lines++] = (gsz_price_line){kind, item, detail, NULL, qty, unit, amount};
  return GSZ_OK;
}

/* One item line of the bill with its discounts and markup; adds to *total. */
static gsz_err item_line(const gsz_overlay *ov, line_sink *out, const gsz_bom_line *bl,
                         int64_t *total, gsz_diag *diag) {
  const item_price *ip = &ov->items[bl->kind][bl->index];
  const char *kind_name = gsz_item_kind_name(bl->kind);
  const char *vendor = gsz_catalog_item(ov->data, bl->kind, bl->index).vendor;
  int64_t unit = bl->included ? 0 : ip->eff.unit_minor, amount;
  uint64_t qty = bl->quantity;
  if (qty > (uint64_t)INT64_MAX || gsz__mul_i64(&amount, unit, (int64_t)qty))
    return gsz__diag_set(diag, GSZ_EOVERFLOW, "the price of %llu x '%s' overflows",
                         (unsigned long long)qty, bl->sku);
  unsigned at = out->out->n_lines;
  gsz_err err = push_line(out, (gsz_line_kind)bl->kind, bl->sku,
                          bl->included ? "included in the server price" : ip->line_detail, qty,
                          unit, amount, diag);
  if (err == GSZ_OK && out->with_lines)
    out->out->lines[at].role = bl->role;
  if (err != GSZ_OK || bl->included)
    goto add;
  for (size_t i = 0; i < ov->n_discounts; i++) {
    const discount_rule *r = &ov->discounts[i];
    if (!rule_matches(r, kind_name, bl->sku, vendor) || qty < r->min_qty)
      continue;
    int64_t d;
    if ((err = gsz_money_scale(&d, amount, -r->percent, 100 * (int64_t)GSZ_PERCENT_SCALE, diag)) !=
            GSZ_OK ||
        (err = push_line(out, GSZ_LINE_DISCOUNT, r->label, r->origin, 0, amount, d, diag)) !=
            GSZ_OK)
      return err;
    amount += d; /* |d| <= amount: no overflow */
  }
  if (ov->markup > 0) {
    int64_t m;
    if ((err = gsz_money_scale(&m, amount, ov->markup, 100 * (int64_t)GSZ_PERCENT_SCALE, diag)) !=
            GSZ_OK ||
        (err = push_line(out, GSZ_LINE_MARKUP, ov->markup_label, ov->markup_origin, 0, amount, m,
                         diag)) != GSZ_OK)
      return err;
    if (gsz__add_i64(&amount, amount, m))
      return gsz__diag_set(diag, GSZ_EOVERFLOW, "the marked-up price of '%s' overflows", bl->sku);
  }
add:
  if (err == GSZ_OK && gsz__add_i64(total, *total, amount))
    return gsz__diag_set(diag, GSZ_EOVERFLOW, "the quote total overflows");
  return err;
}

/* Every line of the bill must have a price (unless included in another). */
static gsz_err check_priced(const gsz_overlay *ov, const gsz_bom *bom, gsz_diag *diag) {
  for (unsigned i = 0; i < bom->n_lines; i++) {
    const gsz_bom_line *bl = &bom->lines[i];
    const gsz_effective_price *e = &ov->items[bl->kind][bl->index].eff;
    if (!bl->included && !e->priced)
      return gsz__diag_set(diag, GSZ_ENOTFOUND, "%s '%s': %s",
                           bl->kind == GSZ_ITEM_GPU ? "GPU" : gsz_item_kind_name(bl->kind), bl->sku,
                           e->why ? e->why : "no price");
  }
  return GSZ_OK;
}

/* Ranking asks for totals only, once per candidate: with no discounts,
 * markup, adders or tax the total is a sum of products (the same checked
 * arithmetic as item_line, without the line bookkeeping), and the check
 * that every line has a price is made in the same pass. */
static gsz_err bare_total(const gsz_overlay *ov, const gsz_bom *bom, gsz_price *out,
                          gsz_diag *diag) {
  int64_t total = 0;
  for (unsigned i = 0; i < bom->n_lines; i++) {
    const gsz_bom_line *bl = &bom->lines[i];
    if (bl->included)
      continue;
    const gsz_effective_price *e = &ov->items[bl->kind][bl->index].eff;
    if (!e->priced)
      return check_priced(ov, bom, diag); /* the first unpriced line, with its words */
    int64_t amount;
    gsz_err err;
    /* An unpriced line later in the bill is the error to give, as on the
     * path with lines (check_priced first). */
    if (bl->quantity > (uint64_t)INT64_MAX ||
        gsz__mul_i64(&amount, e->unit_minor, (int64_t)bl->quantity))
      return (err = check_priced(ov, bom, diag)) != GSZ_OK
                 ? err
                 : gsz__diag_set(diag, GSZ_EOVERFLOW, "the price of %llu x '%s' overflows",
                                 (unsigned long long)bl->quantity, bl->sku);
    if (gsz__add_i64(&total, total, amount))
      return (err = check_priced(ov, bom, diag)) != GSZ_OK
                 ? err
                 : gsz__diag_set(diag, GSZ_EOVERFLOW, "the quote total overflows");
  }
  out->total_minor = total;
  return GSZ_OK;
}

static gsz_err overlay_price(void *ctx, const gsz_bom *bom, bool with_lines, gsz_price *out,
                             gsz_diag *diag) {
  const gsz_overlay *ov = ctx;
  out->n_lines = 0;
  out->total_minor = 0;
  if (!with_lines && ov->n_discounts == 0 && ov->markup == 0 && ov->n_adders == 0 && ov->tax == 0)
    return bare_total(ov, bom, out, diag);
  gsz_err err = check_priced(ov, bom, diag);
  if (err != GSZ_OK)
    return err;
  line_sink sink = {out, with_lines};
  int64_t total = 0;
  for (unsigned i = 0; err == GSZ_OK && i < bom->n_lines; i++)
    err = item_line(ov, &sink, &bom->lines[i], &total, diag);
  /* Adders: lines of the bill the overlay adds, per node, GPU or quote. */
  for (size_t i = 0; err == GSZ_OK && i < ov->n_adders; i++) {
    const adder *a = &ov->adders[i];
    uint64_t qty = a->per == PER_NODE ? bom->nodes : a->per == PER_GPU ? bom->gpus : 1;
    int64_t amount;
    if (qty > (uint64_t)INT64_MAX || gsz__mul_i64(&amount, a->unit_minor, (int64_t)qty) ||
        gsz__add_i64(&total, total, amount))
      return gsz__diag_set(diag, GSZ_EOVERFLOW, "the adder '%s' overflows", a->name);
    err = push_line(&sink, GSZ_LINE_ADDER, a->name, a->origin, qty, a->unit_minor, amount, diag);
  }
  if (err == GSZ_OK && ov->tax > 0) {
    int64_t t;
    if ((err = gsz_money_scale(&t, total, ov->tax, 100 * (int64_t)GSZ_PERCENT_SCALE, diag)) ==
            GSZ_OK &&
        (err = push_line(&sink, GSZ_LINE_TAX, ov->tax_label, ov->tax_origin, 0, total, t, diag)) ==
            GSZ_OK &&
        gsz__add_i64(&total, total, t))
      err = gsz__diag_set(diag, GSZ_EOVERFLOW, "the quote total overflows");
  }
  if (err == GSZ_OK)
    out->total_minor = total;
  return err;
}

static bool overlay_excluded(void *ctx, gsz_item_kind kind, size_t index) {
  const gsz_overlay *ov = ctx;
  return ov->items[kind][index].eff.excluded;
}

void gsz_overlay_pricer(gsz_pricer *out, const gsz_overlay *ov) {
  memset(out, 0, sizeof *out);
  out->price = overlay_price;
  out->excluded = overlay_excluded;
  out->ctx = (void *)(uintptr_t)ov;
  memcpy(out->currency, ov->currency, 4);
  out->minor_digits = ov->digits;
}
