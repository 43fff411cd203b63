/* cautions.c: what a configuration needs said next to it, for the
 * candidates a result shows: a facility liquid loop, number formats that
 * run weight-only or are not recorded, end-of-sale or announced parts,
 * unverified specifications, consumer licences, sample stock, layouts that
 * cost speed (tensor parallelism over PCIe, pipeline stages across nodes),
 * and the catalog's own caveats for every item of the bill. */
#include "gpusizer/catalog.h"
#include "match/match_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#pragma GCC diagnostic ignored "-Wformat-truncation" /* a cut caution is acceptable */

static void say(gsz_candidate *c, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void say(gsz_candidate *c, const char *code, const char *fmt, ...) {
  if (c->n_cautions >= GSZ_MATCH_MAX_CAUTIONS)
    return;
  gsz_caution *k = &c->cautions[c->n_cautions++];
  k->code = code;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(k->text, sizeof k->text, fmt, ap);
  va_end(ap);
}

static const char *support_word(gsz_support s) {
  return s == GSZ_SUPPORT_WEIGHT_ONLY ? "weight-only" : "not recorded";
}

static void format_cautions(const run *r, gsz_candidate *c) {
  const gsz_gpu *g = c->gpu;
  const char *rt = r->w->runtime->name, *arch = g->architecture ? g->architecture : "?";
  if (r->w->method == GSZ_METHOD_QUICK)
    return;
  if (c->format_support == GSZ_SUPPORT_WEIGHT_ONLY)
    say(c, "WEIGHT_ONLY",
        "%s runs %s weight-only in %s: stored in %s (the memory saving holds), computed in "
        "16-bit (no speed-up)",
        g->sku, r->w->weight_format->name, rt, r->w->weight_format->name);
  else if (c->format_support == GSZ_SUPPORT_UNKNOWN)
    say(c, "FORMAT_UNKNOWN", "the catalog does not record whether %s (%s) runs %s in %s", g->sku,
        arch, r->w->weight_format->name, rt);
  if (c->kv_format_support != GSZ_SUPPORT_NATIVE && c->kv_format_support != GSZ_SUPPORT_NONE &&
      r->w->mode == GSZ_MODE_INFERENCE && r->w->kv_format != r->w->weight_format)
    say(c, "KV_FORMAT", "%s KV cache on %s: %s", r->w->kv_format->name, g->sku,
        support_word((gsz_support)c->kv_format_support));
}

static void lifecycle_caution(gsz_candidate *c, const char *sku, gsz_lifecycle life,
                              const char *date, bool from_stock) {
  if (life == GSZ_LIFECYCLE_END_OF_SALE)
    say(c, "END_OF_SALE", "%s is end of sale%s%s: %s", sku, date ? " since " : "", date ? date : "",
        from_stock ? "quoted from stock" : "quoted as asked; availability is not guaranteed");
  else if (life == GSZ_LIFECYCLE_ANNOUNCED)
    say(c, "ANNOUNCED", "%s is announced, not shipping yet: price and lead time may change", sku);
}

static void layout_cautions(const run *r, gsz_candidate *c) {
  bool pcie = strcmp(c->gpu->form_factor, "PCIe") == 0;
  if (!r->training && c->layout.tp > 2 && pcie)
    say(c, "TP_OVER_PCIE",
        "tensor parallelism over %u PCIe GPUs without a GPU-to-GPU link: every layer's all-reduce "
        "crosses PCIe, which slows decoding",
        c->layout.tp);
  if (!r->training && c->nodes > 1)
    say(c, "PP_ACROSS_NODES",
        "pipeline stages across %u nodes: each token crosses the scale-out network between "
        "stages, which adds latency",
        c->nodes);
}

/* The catalog's caveats for one line of the bill: by the item's kind and
 * index, resolved when the catalog was read, or else by kind name and SKU
 * (catalog records made by hand). */
static void catalog_caveats(const gsz_catalog_data *d, gsz_candidate *c, const gsz_bom_line *bl) {
  for (size_t i = 0; i < d->n_caveats; i++) {
    const gsz_caveat *k = &d->caveats[i];
    bool about = k->resolved ? k->item_kind == (int)bl->kind && k->item_index == (long)bl->index
                             : strcmp(k->kind, gsz_item_kind_name(bl->kind)) == 0 &&
                                   gsz__str_ieq(k->sku, bl->sku);
    if (about)
      say(c, k->code, "%s: %s", bl->sku, k->text);
  }
}

void gsz__match_cautions(const run *r, gsz_candidate *c) {
  const gsz_gpu *g = c->gpu;
  const gsz_server *s = c->server;
  c->n_cautions = 0;
  if (s->cooling == GSZ_COOLING_LIQUID)
    say(c, "LIQUID_COOLING",
        "%s is liquid-cooled: the site needs a facility liquid loop / CDU, "
        "which this quote does not include",
        s->sku);
  format_cautions(r, c);
  bool gpus_from_stock = c->stock.gpus_short == 0 && c->stock.gpus_needed > 0;
  lifecycle_caution(c, g->sku, g->lifecycle, g->lifecycle_date, gpus_from_stock);
  lifecycle_caution(c, s->sku, s->lifecycle, s->lifecycle_date, c->stock.servers_short == 0);
  if (!g->verified)
    say(c, "UNVERIFIED", "some specifications of %s are unverified in the catalog", g->sku);
  if (!s->verified)
    say(c, "UNVERIFIED", "some specifications of %s are unverified in the catalog", s->sku);
  if (!g->datacenter_ok)
    say(c, "CONSUMER_LICENCE",
        "%s is a consumer card: its driver licence does not allow datacenter deployment", g->sku);
  layout_cautions(r, c);
  if (r->d->settings.sample_stock)
    say(c, "SAMPLE_STOCK", "stock figures are the catalog's sample data, not a real inventory");
  for (unsigned i = 0; i < c->bom.n_lines; i++)
    catalog_caveats(r->d, c, &c->bom.lines[i]);
}
