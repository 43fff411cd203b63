/* stock.c: stock against a bill of materials: every line whose item has
 * inventory rows, what is short, and the lead time of what is short. */
#include "gpusizer/catalog.h"
#include "match/match_int.h"

#include <string.h>

/* Available stock of an item: 0 when it has no inventory rows (or less
 * reserved than on hand would make it negative). */
static int64_t available(const gsz_stock_total *t) {
  return t->present && t->available > 0 ? t->available : 0;
}

gsz_stock_status gsz__match_stock_for(const run *r, const gsz_bom *bom) {
  gsz_stock_status st;
  memset(&st, 0, sizeof st);
  st.known = true;
  st.buildable = true;
  int32_t lead = 0;
  bool lead_unknown = false;
  for (unsigned i = 0; i < bom->n_lines; i++) {
    const gsz_bom_line *bl = &bom->lines[i];
    const gsz_stock_total *t = gsz_catalog_item(r->d, bl->kind, bl->index).stock;
    uint64_t needed = bl->included ? 0 : bl->quantity;
    int64_t have = available(t);
    uint64_t short_by = needed > (uint64_t)have ? needed - (uint64_t)have : 0;
    if (bl->kind == GSZ_ITEM_GPU) {
      st.gpus_needed = needed;
      st.gpus_available = have;
      st.gpus_short = short_by;
    } else if (bl->kind == GSZ_ITEM_SERVER) {
      st.servers_needed = needed;
      st.servers_available = have;
      st.servers_short = short_by;
    } else {
      st.others_short += short_by;
    }
    if (needed > 0 && !t->present)
      st.known = false;
    if (short_by > 0) {
      st.buildable = false;
      /* The lead time of what is short: the longest; unknown (-1) as soon
       * as one short item has no inventory rows to tell. */
      if (!t->present)
        lead_unknown = true;
      else if (t->lead_time_days > lead)
        lead = t->lead_time_days;
    }
  }
  st.lead_time_days = st.buildable ? 0 : lead_unknown ? -1 : lead;
  return st;
}
