/* pricing.h: the YAML pricing overlay: the price a customer actually pays.
 *
 * An overlay changes prices without touching the catalog: quote currency
 * and exchange rates, per-SKU price overrides, discounts (by vendor, SKU or
 * kind, with quantity tiers), markup, per-node / per-GPU / per-quote
 * adders, exclusions, tax, and a validity date. Several files merge in
 * order, key by key (mappings merge, lists and values replace). The format,
 * the order of the steps and the rounding rule are in docs/pricing.md.
 *
 * Money is int64_t minor units; rates and percentages are decimal text
 * parsed into fixed-point integers (rates: 9 decimals, percentages: 4);
 * every step rounds half to even to the minor unit (gsz_money_scale) and is
 * checked for overflow. Every error names file:line:column and the key. */
#ifndef GPUSIZER_PRICING_H
#define GPUSIZER_PRICING_H

#include "gpusizer/error.h"
#include "gpusizer/records.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* --- Prices ---------------------------------------------------------------- */

/* What a quote line is: an item of the bill of materials (the same values
 * as gsz_item_kind), or a step of the price (discount, markup, an adder of
 * the pricing policy, tax). */
typedef enum gsz_line_kind {
  GSZ_LINE_GPU = GSZ_ITEM_GPU,
  GSZ_LINE_SERVER = GSZ_ITEM_SERVER,
  GSZ_LINE_NIC = GSZ_ITEM_NIC,
  GSZ_LINE_SWITCH = GSZ_ITEM_SWITCH,
  GSZ_LINE_CABLE = GSZ_ITEM_CABLE,
  GSZ_LINE_SUPPORT = GSZ_ITEM_SUPPORT,
  GSZ_LINE_SOFTWARE = GSZ_ITEM_SOFTWARE,
  GSZ_LINE_SERVICE = GSZ_ITEM_SERVICE,
  GSZ_LINE_DISCOUNT = GSZ_ITEM_KIND_COUNT,
  GSZ_LINE_MARKUP,
  GSZ_LINE_ADDER,
  GSZ_LINE_TAX
} gsz_line_kind;

/* "gpu", "server", ... (the item kind's name), "discount", "markup",
 * "adder", "tax". */
const char *gsz_line_kind_name(gsz_line_kind kind);

/* One line of a quote, in minor units of the quote currency. Percentage
 * lines (discount, markup, tax) have quantity 0 and unit_minor the amount
 * the percentage applies to. */
typedef struct gsz_price_line {
  gsz_line_kind kind;
  const char *item;   /* SKU, or the adder's name; borrowed */
  const char *detail; /* where the price comes from; borrowed, may be NULL */
  const char *role;   /* item lines: what the item does here ("leaf switch"); may be NULL */
  uint64_t quantity;
  int64_t unit_minor;   /* per unit */
  int64_t amount_minor; /* the line's total (negative for discounts) */
} gsz_price_line;

#define GSZ_PRICE_MAX_LINES 40

typedef struct gsz_price {
  int64_t total_minor;
  char currency[4];
  unsigned minor_digits;
  unsigned n_lines;
  gsz_price_line lines[GSZ_PRICE_MAX_LINES]; /* last: copies stop at n_lines */
} gsz_price;

/* How bills of materials are priced. The catalog pricer uses the catalog's
 * prices as they are; the pricing overlay provides another. A pricer is
 * read-only: threads may share one. */
typedef struct gsz_pricer {
  /* Price a bill of materials (items of the catalog the pricer was made
   * for, in the bill's order; a pricing policy may add lines of its own).
   * With with_lines false only out->total_minor is set (the same total,
   * for ranking many candidates fast); with it, the line items too.
   * out->n_lines is a true count after every call. GSZ_ENOTFOUND when an
   * item has no usable price (diag says why, one line); GSZ_EOVERFLOW when
   * the total does not fit. */
  gsz_err (*price)(void *ctx, const gsz_bom *bom, bool with_lines, gsz_price *out, gsz_diag *diag);
  /* True when the policy never offers item index of kind. May be NULL. */
  bool (*excluded)(void *ctx, gsz_item_kind kind, size_t index);
  void *ctx;
  char currency[4];      /* the quote currency */
  unsigned minor_digits; /* its minor digits */
} gsz_pricer;

/* A pricer over the catalog's current prices. The quote currency is the
 * one most catalog prices use; an item priced in another currency is
 * converted at the catalog's exchange rate in force (table exchange_rate,
 * gsz_catalog_find_fx_rate), rounded once per unit price, and gets no
 * price when there is none. data must outlive the pricer. */
void gsz_catalog_pricer(gsz_pricer *out, const gsz_catalog_data *data);

#define GSZ_FX_SCALE 1000000000 /* exchange rates: "0.90" = 900000000 */
#define GSZ_PERCENT_SCALE 10000 /* percentages: "12.5" = 125000 */
#define GSZ_OVERLAY_MAX_DISCOUNTS 12
#define GSZ_OVERLAY_MAX_ADDERS 8

typedef struct gsz_overlay gsz_overlay;

typedef struct gsz_overlay_options {
  const char *today;  /* YYYY-MM-DD; an overlay valid until an earlier day is expired */
  bool allow_expired; /* load an expired overlay with a warning instead of refusing it */
} gsz_overlay_options;

/* Read overlay files in order and merge them. n_paths 0 gives the empty
 * overlay: catalog prices in the catalog's main currency. Errors
 * (GSZ_EPARSE malformed YAML or values, GSZ_EINVAL unknown keys, SKUs,
 * vendors or currencies, GSZ_EEXPIRED past valid_until; see
 * docs/pricing.md) carry
 * "file:line:col: message" in diag. data must outlive the overlay. */
gsz_err gsz_overlay_load(gsz_overlay **out, const char *const *paths, size_t n_paths,
                         const gsz_catalog_data *data, const gsz_overlay_options *options,
                         gsz_diag *diag);

/* The same from texts in memory: texts[i] of lens[i] bytes, named
 * labels[i] in messages (tests, fuzzing). */
gsz_err gsz_overlay_parse(gsz_overlay **out, const char *const *texts, const size_t *lens,
                          const char *const *labels, size_t n, const gsz_catalog_data *data,
                          const gsz_overlay_options *options, gsz_diag *diag);

void gsz_overlay_free(gsz_overlay *overlay);

/* A pricer applying the overlay; valid while the overlay lives. */
void gsz_overlay_pricer(gsz_pricer *out, const gsz_overlay *overlay);

/* One line naming the prices used: "catalog prices (indicative), USD" or
 * "pricing overlay a.yaml, b.yaml (EUR, valid until 2027-03-31)". */
const char *gsz_overlay_describe(const gsz_overlay *overlay);
const char *gsz_overlay_currency(const gsz_overlay *overlay);
const char *gsz_overlay_valid_until(const gsz_overlay *overlay); /* NULL when unset */
size_t gsz_overlay_file_count(const gsz_overlay *overlay);
const char *gsz_overlay_file(const gsz_overlay *overlay, size_t i);
/* Warnings for the user (an expired overlay allowed by allow_expired). */
size_t gsz_overlay_warning_count(const gsz_overlay *overlay);
const char *gsz_overlay_warning(const gsz_overlay *overlay, size_t i);

/* The effective unit price of one catalog item before quantity-dependent
 * steps: override or catalog price, converted to the quote currency. */
typedef struct gsz_effective_price {
  bool priced;          /* false: no price (then why says so) */
  bool excluded;        /* the overlay's exclude list names it */
  int64_t unit_minor;   /* in the quote currency */
  int64_t source_minor; /* as stated at the origin */
  char source_currency[4];
  const char *origin;     /* "catalog, as of 2024-08-01" or "prices.gpu in a.yaml:7:5" */
  const char *conversion; /* "x 0.90 USD->EUR (fx in a.yaml:3:8)" or NULL */
  const char *why;        /* when not priced */
} gsz_effective_price;

/* kind: an item kind's name ("gpu", "server", ...); index: the item among
 * the catalog's records of that kind. */
void gsz_overlay_unit_price(gsz_effective_price *out, const gsz_overlay *overlay, const char *kind,
                            size_t index);

/* The discount rules that can apply to an item at some quantity, as one
 * line into buf ("discount 5% (vendor NVIDIA); discount 10% (sku L40S,
 * from 8 units)"); an empty string when none. Returns buf. */
const char *gsz_overlay_discounts_for(char *buf, size_t size, const gsz_overlay *overlay,
                                      const char *kind, size_t index);

#ifdef __cplusplus
}
#endif
#endif
