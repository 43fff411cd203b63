/* price_catalog.c: the default pricer: nodes x (server price + GPUs per node
 * x GPU price) from the catalog's current prices, in the currency most of
 * them use. No conversion and no policy: that is the pricing overlay's job
 * (pricing.c). A server whose price includes its GPUs (DGX) gets a GPU line
 * of zero that says so. */
#include "util/common_int.h"
#include "gpusizer/catalog.h"
#include "gpusizer/pricing.h"

#include <string.h>

static const char *const line_kind_names[] = {"server", "gpu",   "discount",
                                              "markup", "adder", "tax"};

const char *gsz_line_kind_name(gsz_line_kind kind) { return line_kind_names[kind]; }

static gsz_err unit_price(const gsz_unit_price *p, const char *kind, const char *sku,
                          const char *currency, gsz_diag *diag) {
  if (!p->present)
    return gsz__diag_set(diag, GSZ_ENOTFOUND, "%s '%s' has no price in the catalog", kind, sku);
  if (memcmp(p->currency, currency, 4) != 0) /* both NUL-terminated 3-letter codes */
    return gsz__diag_set(diag, GSZ_ENOTFOUND,
                         "%s '%s' is priced in %s, the quote in %s; a pricing overlay with an "
                         "exchange rate converts it",
                         kind, sku, p->currency, currency);
  return GSZ_OK;
}

static gsz_err add_line(gsz_price *out, bool with_lines, gsz_line_kind kind, const char *item,
                        const char *detail, uint64_t qty, int64_t unit, gsz_diag *diag) {
  int64_t amount;
  if (qty > (uint64_t)INT64_MAX || gsz__mul_i64(&amount, unit, (int64_t)qty) ||
      gsz__add_i64(&out->total_minor, out->total_minor, amount))
    return gsz__diag_set(diag, GSZ_EOVERFLOW, "the price of %llu x '%s' overflows",
                         (unsigned long long)qty, item);
  if (!with_lines)
    return GSZ_OK;
  if (out->n_lines >= GSZ_PRICE_MAX_LINES)
    return gsz__diag_set(diag, GSZ_ELIMIT, "more than %d price lines", GSZ_PRICE_MAX_LINES);
  out->lines[out->n_lines++] = (gsz_price_line){kind, item, detail, qty, unit, amount};
  return GSZ_OK;
}

/* The matcher stamps out->currency with the pricer's currency first. */
static gsz_err price(void *ctx, const gsz_gpu *gpu, const gsz_server *server,
                     uint32_t gpus_per_node, uint32_t nodes, bool with_lines, gsz_price *out,
                     gsz_diag *diag) {
  (void)ctx; /* prices travel with the records */
  const char *currency = out->currency;
  gsz_err err = unit_price(&server->price, "server", server->sku, currency, diag);
  if (err == GSZ_OK && !server->gpus_included)
    err = unit_price(&gpu->price, "GPU", gpu->sku, currency, diag);
  if (err != GSZ_OK)
    return err;
  out->total_minor = 0;
  out->n_lines = 0;
  uint64_t gpus = (uint64_t)gpus_per_node * nodes;
  err = add_line(out, with_lines, GSZ_LINE_SERVER, server->sku, server->price.basis, nodes,
                 server->price.amount_minor, diag);
  if (err == GSZ_OK)
    err = add_line(out, with_lines, GSZ_LINE_GPU, gpu->sku,
                   server->gpus_included ? "included in the server price" : gpu->price.basis, gpus,
                   server->gpus_included ? 0 : gpu->price.amount_minor, diag);
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
      n += data->gpus[g].price.present && strcmp(data->gpus[g].price.currency, data->currencies[i].code) == 0;
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
  out->ctx = NULL;
}
