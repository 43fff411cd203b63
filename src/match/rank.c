/* rank.c: which of two candidates is the better answer: the objective
 * (--objective tco or cost-per-token; price by default), total price,
 * then fewer nodes, fewer GPUs, more headroom, less power, and SKUs for a
 * stable order; with stock "prefer", buildable ones first. */
#include "match/match_int.h"

#include <string.h>

/* The objective's key: cost per million output tokens (candidates
 * without a throughput after those with one), or TCO; a cost that
 * overflowed ranks last. 0 when equal or the objective is price. */
static int objective_order(const gsz_candidate *a, const gsz_candidate *b, gsz_objective obj) {
  if (obj == GSZ_OBJECTIVE_PRICE)
    return 0;
  if (a->cost.overflow != b->cost.overflow)
    return a->cost.overflow ? 1 : -1;
  if (obj == GSZ_OBJECTIVE_COST_PER_TOKEN) {
    if (a->cost.has_per_million != b->cost.has_per_million)
      return a->cost.has_per_million ? -1 : 1;
    if (a->cost.has_per_million && a->cost.per_million_minor != b->cost.per_million_minor)
      return a->cost.per_million_minor < b->cost.per_million_minor ? -1 : 1;
  }
  if (a->cost.tco_minor != b->cost.tco_minor)
    return a->cost.tco_minor < b->cost.tco_minor ? -1 : 1;
  return 0;
}

int gsz__match_compare(const gsz_candidate *a, const gsz_candidate *b, const gsz_match_options *o) {
  if (o->stock == GSZ_STOCK_PREFER && a->stock.buildable != b->stock.buildable)
    return a->stock.buildable ? -1 : 1;
  int by = objective_order(a, b, o->cost.objective);
  if (by != 0)
    return by;
  if (a->price.total_minor != b->price.total_minor)
    return a->price.total_minor < b->price.total_minor ? -1 : 1;
  if (a->nodes != b->nodes)
    return a->nodes < b->nodes ? -1 : 1;
  if (a->total_gpus != b->total_gpus)
    return a->total_gpus < b->total_gpus ? -1 : 1;
  /* More headroom first: need_a / budget_a < need_b / budget_b, compared
   * exactly by cross-multiplying (no division per candidate). */
  unsigned __int128 ra = (unsigned __int128)a->per_gpu_bytes * b->budget_bytes,
                    rb = (unsigned __int128)b->per_gpu_bytes * a->budget_bytes;
  if (ra != rb)
    return ra < rb ? -1 : 1;
  uint64_t pa = (uint64_t)a->node_power_w * a->nodes, pb = (uint64_t)b->node_power_w * b->nodes;
  if (pa != pb)
    return pa < pb ? -1 : 1;
  int c = strcmp(a->gpu->sku, b->gpu->sku);
  if (c != 0)
    return c;
  c = strcmp(a->server->sku, b->server->sku);
  if (c != 0)
    return c;
  return (a->gpus_per_node > b->gpus_per_node) - (a->gpus_per_node < b->gpus_per_node);
}
