/* candidate.c: one candidate of the search: a GPU, a server and a GPU
 * count per node; its layout, the smallest node count whose per-GPU need
 * fits (by bisection), its price, budget and stock, and the reason when it
 * does not fit. */
#include "match/match_int.h"
#include "sizing/memory_int.h"

#include <stdio.h>
#include <string.h>

/* Reason texts are bounded (GSZ_REASON_TEXT_MAX); a text cut short is
 * acceptable, so the compiler's truncation warning is not wanted. */
#pragma GCC diagnostic ignored "-Wformat-truncation"

/* --- Layouts and memory ----------------------------------------------------- */

typedef struct sizing {
  gsz_layout layout;
  bool pp_in_node;
  uint64_t need;
} sizing;

/* Inference: the largest tensor-parallel degree dividing the per-node count
 * that the model accepts; 0 if none (cannot happen: 1 always works). */
static uint32_t inference_tp(const run *r, uint32_t per_node) {
  if (r->w->method == GSZ_METHOD_QUICK)
    return per_node;
  for (uint32_t t = per_node; t >= 1; t--)
    if (per_node % t == 0 && gsz_layout_tp_ok(r->m, t, NULL))
      return t;
  return 1;
}

static gsz_layout layout_for(const run *r, uint32_t per_node, uint32_t tp, uint32_t nodes) {
  if (r->training)
    return (gsz_layout){tp, 1, (per_node / tp) * nodes};
  return (gsz_layout){tp, (per_node / tp) * nodes, 1};
}

/* The workload as this candidate runs it: ZeRO-3 by default when training
 * on more than one GPU. */
gsz_workload gsz__match_workload_for(const run *r, gsz_layout l) {
  gsz_workload w = *r->w;
  if (r->training && !r->o->zero_given)
    w.zero = l.dp > 1 ? 3 : 0;
  return w;
}

/* Per-GPU need at a layout; UINT64_MAX when the estimate refuses it. */
static uint64_t need_at(run *r, gsz_layout l, gsz_estimate *e) {
  gsz_workload w = gsz__match_workload_for(r, l);
  gsz_estimate local;
  if (e == NULL)
    e = &local;
  gsz_diag diag;
  /* A layout the estimate refuses, or one too big to count, does not fit. */
  if (gsz__memory_estimate(e, r->m, &w, l, false, &diag) != GSZ_OK)
    return UINT64_MAX;
  return e->per_gpu_bytes;
}

/* The most nodes a layout can use: inference pipeline stages may not
 * outnumber the layers. */
static uint32_t node_cap(const run *r, uint32_t per_node, uint32_t tp) {
  uint32_t cap = NODE_SEARCH_CAP;
  if (!r->training && r->m->arch != NULL && r->w->method == GSZ_METHOD_FULL) {
    uint32_t stages_per_node = per_node / tp;
    uint32_t by_layers = r->m->arch->num_hidden_layers / stages_per_node;
    if (by_layers < cap)
      cap = by_layers;
  }
  return cap;
}

/* Smallest n in [lo, hi] with need(n) <= budget, by bisection (need falls
 * as nodes are added); 0 if none. */
static uint32_t smallest_nodes(run *r, uint32_t per_node, uint32_t tp, uint32_t lo, uint32_t hi,
                               uint64_t budget) {
  if (lo > hi)
    return 0;
  /* The need falls as nodes are added, except at the step from one GPU to
   * several, where communication buffers appear: try the first count on
   * its own, then bisect the rest, where the need only falls. */
  if (need_at(r, layout_for(r, per_node, tp, lo), NULL) <= budget)
    return lo;
  if (++lo > hi || need_at(r, layout_for(r, per_node, tp, hi), NULL) > budget)
    return 0;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (need_at(r, layout_for(r, per_node, tp, mid), NULL) <= budget)
      hi = mid;
    else
      lo = mid + 1;
  }
  return lo;
}

/* --- One candidate ------------------------------------------------------------ */

/* The quick total's share per GPU over n GPUs, rounded up. */
static uint64_t quick_share(run *r, uint64_t n) {
  if (n >= QUICK_SHARE_CACHE)
    return gsz__ceil_div_u64(r->quick_total, n);
  if (r->quick_share[n] == 0)
    r->quick_share[n] = gsz__ceil_div_u64(r->quick_total, n);
  return r->quick_share[n];
}

/* (budget - need) / budget in basis points, rounded down, for a candidate
 * a result shows. */
void gsz__match_set_headroom(gsz_candidate *c) {
  uint64_t room = c->budget_bytes - c->per_gpu_bytes, scaled;
  /* No need computed (rejected before the memory check): no headroom. */
  c->headroom_bp =
      c->budget_bytes == 0 || c->per_gpu_bytes == 0 || c->per_gpu_bytes > c->budget_bytes ? 0
      : !gsz__mul_u64(&scaled, room, GSZ_BP_SCALE)
          ? (int32_t)(scaled / c->budget_bytes)
          : (int32_t)((unsigned __int128)room * GSZ_BP_SCALE / c->budget_bytes);
}

/* The quick method's need does not depend on the layout beyond the GPU
 * count: quick total <= GPUs x usable, so the node count is computed. */
static uint32_t quick_nodes(const run *r, uint32_t per_node, uint64_t usable) {
  uint64_t per_node_bytes;
  if (gsz__mul_u64(&per_node_bytes, usable, per_node))
    return 1;
  if (r->quick_total <= per_node_bytes)
    return 1; /* the common case, without a 64-bit division */
  uint64_t nodes = gsz__ceil_div_u64(r->quick_total, per_node_bytes);
  return nodes > NODE_SEARCH_CAP ? 0 : (uint32_t)nodes;
}

/* Evaluate one (GPU, server, count). True when it fits; otherwise the
 * reason is in c->verdict and kept on gs. */
bool gsz__match_evaluate(run *r, gpu_state *gs, const gsz_gpu *g, const gsz_server *s,
                         uint32_t per_node, gsz_candidate *c) {
  /* Clear what this evaluation may read, not the whole candidate: the
   * verdict's text and the price lines are written before they are read. */
  memset(c, 0, offsetof(gsz_candidate, verdict));
  memset(&c->verdict, 0, offsetof(gsz_reason, text));
  c->verdict.text[0] = '\0';
  c->bom.n_lines = 0;
  c->price.n_lines = 0;
  c->price.total_minor = 0;
  c->gpu = g;
  c->server = s;
  c->gpus_per_node = per_node;
  c->usable_bytes = (uint64_t)g->usable_mib << 20;
  /* In 64 bits: a mistyped TDP must not wrap around and pass. */
  uint64_t draw = (uint64_t)per_node * g->tdp_w + s->base_w;
  c->node_power_w = draw > UINT32_MAX ? UINT32_MAX : (uint32_t)draw;
  gsz_reason *v = &c->verdict;
  v->server = s;
  v->gpus_per_node = per_node;
#define REJECT(rc)                                                                                 \
  do {                                                                                             \
    v->code = GSZ_REASON_##rc;                                                                     \
    gsz__match_keep_reason(r, gs, v);                                                              \
    return false;                                                                                  \
  } while (0)

  if (r->server_out[s - r->d->servers])
    REJECT(EXCLUDED);
  if (!s->sellable)
    REJECT(NOT_SOLD);
  if (!g->datacenter_ok && !s->workstation && !r->o->allow_consumer)
    REJECT(LICENSE);
  if (draw > s->psu_w) {
    v->draw_w = c->node_power_w;
    v->psu_w = s->psu_w;
    REJECT(POWER);
  }

  /* Memory: the layout and the smallest node count that fits. */
  uint32_t tp = r->training ? r->o->train_tp : inference_tp(r, per_node);
  if (r->training && (per_node % tp != 0 || !gsz_layout_tp_ok(r->m, tp, NULL))) {
    snprintf(v->text, sizeof v->text,
             GSZ_FIELD("tp") " %u does not split %u GPUs per node for this model", tp, per_node);
    REJECT(TP_DIVISIBILITY);
  }
  bool quick = r->w->method == GSZ_METHOD_QUICK;
  uint32_t util = quick ? GSZ_BP_SCALE : r->w->runtime->mem_util_bp;
  c->budget_bytes = gsz_memory_budget(c->usable_bytes, util);
  uint32_t cap = node_cap(r, per_node, tp);
  if (cap == 0) {
    snprintf(v->text, sizeof v->text,
             "%u GPUs per node need %u pipeline stages, more than the %u layers", per_node,
             per_node / tp, r->m->arch->num_hidden_layers);
    REJECT(TP_DIVISIBILITY);
  }
  uint32_t max_nodes = r->o->max_nodes < cap ? r->o->max_nodes : cap;
  uint32_t nodes;
  if (quick) {
    nodes = quick_nodes(r, per_node, c->usable_bytes);
    if (nodes == 0 || nodes > max_nodes) {
      v->nodes = nodes;
      v->limit = r->o->max_nodes;
      v->need = gsz__ceil_div_u64(r->quick_total, per_node);
      v->budget_bytes = c->budget_bytes;
      if (nodes == 0)
        REJECT(MEMORY);
      REJECT(MAX_NODES);
    }
  } else {
    nodes = smallest_nodes(r, per_node, tp, 1, max_nodes, c->budget_bytes);
    if (nodes == 0) {
      uint32_t beyond = smallest_nodes(r, per_node, tp, max_nodes + 1, cap, c->budget_bytes);
      if (beyond != 0 && max_nodes == r->o->max_nodes) {
        v->nodes = beyond;
        v->limit = r->o->max_nodes;
        REJECT(MAX_NODES);
      }
      v->need = need_at(r, layout_for(r, per_node, tp, 1), NULL);
      v->need_at_limit = need_at(r, layout_for(r, per_node, tp, max_nodes), NULL);
      v->limit = max_nodes;
      v->budget_bytes = c->budget_bytes;
      REJECT(MEMORY);
    }
  }
  c->nodes = nodes;
  c->total_gpus = (uint64_t)per_node * nodes;
  c->layout = layout_for(r, per_node, tp, nodes);
  c->zero = r->training ? gsz__match_workload_for(r, c->layout).zero : 0;
  c->pp_in_node = !r->training && tp < per_node;
  c->per_gpu_bytes = quick ? quick_share(r, c->total_gpus) : need_at(r, c->layout, NULL);
  /* headroom_bp is set only on the candidates a result shows
   * (set_headroom): ranking compares headroom exactly, without it. */
  if (r->o->max_gpus != 0 && c->total_gpus > r->o->max_gpus) {
    v->nodes = nodes;
    v->total_gpus = c->total_gpus;
    v->max_gpus = r->o->max_gpus;
    REJECT(MAX_GPUS);
  }

  /* Price and budget. */
  memcpy(c->price.currency, r->p->currency, 4);
  c->price.minor_digits = r->p->minor_digits;
  gsz_diag pd;
  pd.message[0] = '\0';
  gsz_bom_configuration(&c->bom, r->d, g, s, per_node, nodes);
  gsz_err err = r->p->price(r->p->ctx, &c->bom, false, &c->price, &pd);
  if (err == GSZ_ENOMEM) {
    r->err = gsz__diag_nomem(r->diag);
    return false;
  }
  if (err != GSZ_OK) {
    snprintf(v->text, sizeof v->text, "%s", pd.message[0] ? pd.message : gsz_strerror(err));
    if (err == GSZ_EOVERFLOW)
      REJECT(OVERFLOW);
    REJECT(NO_PRICE);
  }
  if (r->o->has_budget && c->price.total_minor > r->o->budget_minor) {
    v->nodes = nodes;
    v->price_minor = c->price.total_minor;
    v->limit_minor = r->o->budget_minor;
    REJECT(BUDGET);
  }

  /* Stock. */
  c->stock = gsz__match_stock_for(r, &c->bom);
  if (r->o->stock == GSZ_STOCK_ONLY && !c->stock.buildable) {
    v->nodes = nodes;
    v->total_gpus = c->stock.gpus_needed;
    v->gpus_short = c->stock.gpus_short;
    v->servers_short = c->stock.servers_short;
    v->gpus_available = c->stock.gpus_available;
    v->servers_available = c->stock.servers_available;
    REJECT(STOCK);
  }
#undef REJECT
  c->fits = true;
  return true;
}
