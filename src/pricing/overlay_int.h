/* overlay_int.h: the loaded pricing overlay, shared by the loader
 * (overlay_load.c) and the pricer (overlay_price.c). Internal. */
#ifndef GSZ_OVERLAY_INT_H
#define GSZ_OVERLAY_INT_H

#include "gpusizer/pricing.h"

#include <stdbool.h>
#include <stdint.h>

#define GSZ_OVERLAY_MAX_FX 64      /* exchange rates in one overlay */
#define GSZ_OVERLAY_MAX_WARNINGS 8 /* warnings kept for the user */

/* --- The overlay ------------------------------------------------------------ */

typedef struct fx_rate {
  char code[4];
  int64_t rate; /* units of the quote currency per unit, x GSZ_FX_SCALE */
  const char *origin;
} fx_rate;

typedef struct discount_rule {
  const char *vendor, *sku, *kind; /* NULL: any */
  uint64_t min_qty;
  int64_t percent;    /* x GSZ_PERCENT_SCALE */
  const char *label;  /* "discount 5% (vendor NVIDIA)" */
  const char *origin; /* "a.yaml:12:5" */
} discount_rule;

typedef enum adder_per { PER_NODE, PER_GPU, PER_QUOTE } adder_per;

typedef struct adder {
  const char *name, *origin;
  adder_per per;
  int64_t unit_minor; /* converted to the quote currency */
} adder;

typedef struct item_price {
  gsz_effective_price eff;
  const char *line_detail; /* origin and conversion, for quote lines */
} item_price;

struct gsz_overlay {
  const gsz_catalog_data *data;
  char currency[4];
  unsigned digits;
  fx_rate fx[GSZ_OVERLAY_MAX_FX];
  size_t n_fx;
  char valid_until[11];
  discount_rule discounts[GSZ_OVERLAY_MAX_DISCOUNTS];
  size_t n_discounts;
  int64_t markup; /* x GSZ_PERCENT_SCALE, 0 = none */
  const char *markup_label, *markup_origin;
  adder adders[GSZ_OVERLAY_MAX_ADDERS];
  size_t n_adders;
  int64_t tax;
  const char *tax_label, *tax_origin;
  item_price *items[GSZ_ITEM_KIND_COUNT]; /* effective prices, by kind and catalog index */
  char **files;
  size_t n_files;
  char *warnings[GSZ_OVERLAY_MAX_WARNINGS];
  size_t n_warnings;
  char *describe;
  /* strings made at load time */
  char **strings;
  size_t n_strings, cap_strings;
  bool lost_string; /* keep() failed: the overlay is incomplete, load fails */
};

#endif
