/* prices.c: `gpusizer catalog prices`: each item's (GPU, server, NIC,
 * switch, cable) effective unit price under the pricing overlay (or the catalog alone),
 * with where it comes from, its conversion, the discounts that can apply,
 * and exclusions. */
#include "gpusizer/report.h"
#include "util/fmt_int.h"
#include "util/table_int.h"

#include <stdio.h>
#include <string.h>

enum {
  P_KIND,
  P_SKU,
  P_VENDOR,
  P_UNIT,
  P_UNIT_MINOR,
  P_CURRENCY,
  P_SOURCE,
  P_SOURCE_MINOR,
  P_SOURCE_CURRENCY,
  P_ORIGIN,
  P_CONVERSION,
  P_DISCOUNTS,
  P_STATUS,
  P_EXCLUDED,
  P_SELLABLE,
  P_COLS
};

static const gsz__col price_cols[P_COLS] = {
    [P_KIND] = {"kind", "Kind", false, GSZ_COL_BOTH},
    [P_SKU] = {"sku", "SKU", false, GSZ_COL_BOTH},
    [P_VENDOR] = {"vendor", "Vendor", false, GSZ_COL_BOTH},
    [P_UNIT] = {"unit", "Unit price", true, GSZ_COL_HUMAN},
    [P_UNIT_MINOR] = {"unit_minor", "", true, GSZ_COL_MACHINE},
    [P_CURRENCY] = {"currency", "", false, GSZ_COL_MACHINE},
    [P_SOURCE] = {"source_price", "Stated as", true, GSZ_COL_HUMAN},
    [P_SOURCE_MINOR] = {"source_minor", "", true, GSZ_COL_MACHINE},
    [P_SOURCE_CURRENCY] = {"source_currency", "", false, GSZ_COL_MACHINE},
    [P_ORIGIN] = {"origin", "Origin", false, GSZ_COL_BOTH},
    [P_CONVERSION] = {"conversion", "Conversion", false, GSZ_COL_BOTH},
    [P_DISCOUNTS] = {"discounts", "Discounts that can apply", false, GSZ_COL_BOTH},
    [P_STATUS] = {"status", "Status", false, GSZ_COL_HUMAN},
    [P_EXCLUDED] = {"excluded", "", false, GSZ_COL_MACHINE},
    [P_SELLABLE] = {"sellable", "", false, GSZ_COL_MACHINE},
};

static unsigned digits_of(const gsz_catalog_data *d, const char *code) {
  const gsz_currency *c = gsz_catalog_find_currency(d, code);
  return c ? c->minor_digits : 2;
}

static void price_row(gsz__table *t, const gsz_catalog_data *d, const gsz_overlay *ov,
                      const char *kind, size_t index, const char *sku, const char *vendor,
                      bool sellable) {
  char a[GSZ_FMT_MAX], discounts[512];
  gsz_effective_price e;
  gsz_overlay_unit_price(&e, ov, kind, index);
  const char *cur = gsz_overlay_currency(ov);
  gsz__table_row(t);
  gsz__table_str(t, P_KIND, kind, NULL);
  gsz__table_str(t, P_SKU, sku, NULL);
  gsz__table_str(t, P_VENDOR, vendor, NULL);
  if (e.priced) {
    gsz__table_str(t, P_UNIT, gsz__fmt_money(a, e.unit_minor, digits_of(d, cur), cur), NULL);
    gsz__table_int(t, P_UNIT_MINOR, e.unit_minor, NULL);
    gsz__table_str(t, P_CURRENCY, cur, NULL);
    gsz__table_str(
        t, P_SOURCE,
        gsz__fmt_money(a, e.source_minor, digits_of(d, e.source_currency), e.source_currency),
        NULL);
    gsz__table_int(t, P_SOURCE_MINOR, e.source_minor, NULL);
    gsz__table_str(t, P_SOURCE_CURRENCY, e.source_currency, NULL);
    gsz__table_str(t, P_ORIGIN, e.origin, NULL);
  } else {
    gsz__table_null(t, P_UNIT, "-");
    gsz__table_null(t, P_UNIT_MINOR, NULL);
    gsz__table_null(t, P_CURRENCY, NULL);
    gsz__table_null(t, P_SOURCE, "-");
    gsz__table_null(t, P_SOURCE_MINOR, NULL);
    gsz__table_null(t, P_SOURCE_CURRENCY, NULL);
    gsz__table_str(t, P_ORIGIN, e.why ? e.why : "no price", NULL);
  }
  gsz__table_str(t, P_CONVERSION, e.conversion ? e.conversion : "", e.conversion ? NULL : "-");
  gsz_overlay_discounts_for(discounts, sizeof discounts, ov, kind, index);
  gsz__table_str(t, P_DISCOUNTS, discounts, discounts[0] ? NULL : "-");
  gsz__table_str(t, P_STATUS, e.excluded ? "excluded" : !sellable ? "not sold" : "", NULL);
  gsz__table_bool(t, P_EXCLUDED, e.excluded, NULL);
  gsz__table_bool(t, P_SELLABLE, sellable, NULL);
}

gsz_err gsz_report_prices(char **out, size_t *out_len, const gsz_catalog_data *d,
                          const gsz_overlay *ov, gsz_output_format format, gsz_diag *diag) {
  gsz__table t;
  gsz__table_init(&t, price_cols, P_COLS);
  /* Every kind of item the catalog has: GPUs, servers, then the network. */
  for (int k = 0; k < GSZ_ITEM_KIND_COUNT; k++) {
    gsz_item_kind kind = (gsz_item_kind)k;
    size_t n = gsz_catalog_item_count(d, kind);
    for (size_t i = 0; i < n; i++) {
      gsz_item it = gsz_catalog_item(d, kind, i);
      price_row(&t, d, ov, gsz_item_kind_name(kind), i, it.sku, it.vendor, it.sellable);
    }
  }
  gsz__buf b;
  gsz__buf_init(&b);
  if (gsz__format_is_human(format))
    gsz__text_printf(&b, "%s%s\n\n", format == GSZ_OUTPUT_MARKDOWN ? "Prices: " : "prices: ",
                     gsz_overlay_describe(ov));
  gsz__table_render(&t, format, &b);
  gsz__table_free(&t);
  return gsz__report_finish(&b, format, out, out_len, diag);
}
