/* match.c: the matching engine (match.h): candidates, layouts, the smallest
 * node count by bisection, constraints, prices, stock, ranking, and the
 * reasons every losing GPU lost. */
#include "gpusizer/match.h"
#include "gpusizer/catalog.h"
#include "sizing/memory_int.h"
#include "util/common_int.h"
#include "util/fmt_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Reason details are bounded (GSZ_REASON_DETAIL_MAX); a detail cut short
 * is acceptable, so the compiler's truncation warning is not wanted. */
#pragma GCC diagnostic ignored "-Wformat-truncation"

/* Nodes beyond max_nodes are still searched up to this bound, so a
 * rejection can say how many nodes it would take. */
#define NODE_SEARCH_CAP 1024u

static const char *const reason_names[] = {
#define GSZ_REASON_NAME(name, text) #name,
    GSZ_REASON_MAP(GSZ_REASON_NAME)
#undef GSZ_REASON_NAME
};
static const char *const reason_texts[] = {
#define GSZ_REASON_TEXT(name, text) text,
    GSZ_REASON_MAP(GSZ_REASON_TEXT)
#undef GSZ_REASON_TEXT
};

const char *gsz_reason_name(gsz_reason_code code) {
  return reason_names[code];
}
const char *gsz_reason_text(gsz_reason_code code) {
  return reason_texts[code];
}

static const char *const stock_names[] = {"any", "prefer", "only"};

const char *gsz_stock_policy_name(gsz_stock_policy p) {
  return stock_names[p];
}

gsz_err gsz_stock_policy_parse(gsz_stock_policy *out, const char *s, gsz_diag *diag) {
  for (int i = 0; i < 3; i++)
    if (gsz__str_ieq(s, stock_names[i])) {
      *out = (gsz_stock_policy)i;
      return GSZ_OK;
    }
  return gsz__diag_set(diag, GSZ_EINVAL, "unknown stock policy '%s' (expected any, prefer or only)",
                       s);
}

void gsz_match_options_init(gsz_match_options *o) {
  memset(o, 0, sizeof *o);
  o->max_nodes = 8;
  o->top = 5;
  o->stock = GSZ_STOCK_ANY;
  o->train_tp = 1;
}

/* --- Run state ------------------------------------------------------------ */

typedef struct cand_vec {
  gsz_candidate *items;
  size_t n, cap;
} cand_vec;

/* What a losing GPU's PRICE reason needs of its cheapest fit. */
typedef struct cheapest_fit {
  const gsz_server *server;
  uint32_t gpus_per_node, nodes;
  int64_t price_minor;
  uint64_t short_items; /* GPUs and servers short of stock */
} cheapest_fit;

/* Per GPU: its reasons are pool[first .. first + n) (a GPU's reasons are
 * all kept while it is searched, so they are contiguous). Small on
 * purpose: large catalogs have one per GPU. */
typedef struct gpu_state {
  uint32_t first;
  uint8_t n;
  bool filtered, feasible;
  cheapest_fit summary;
} gpu_state;

enum { QUICK_SHARE_CACHE = 257 };

typedef struct run {
  const gsz_catalog_data *d;
  const gsz_model_ref *m;
  const gsz_workload *w;
  const gsz_match_options *o;
  const gsz_pricer *p;
  gsz_diag *diag;
  bool training;
  /* The best few, one per (GPU, server) pair, best first: the answer and
   * its alternatives. Bounded (top + 1), so memory does not grow with the
   * number of candidates that fit. */
  gsz_candidate *top;
  size_t n_top, cap_top;
  /* Two candidate buffers: one being evaluated (scratch), the other the
   * current GPU's cheapest fit so far (gpu_best). A new cheapest fit swaps
   * the pointers instead of being copied. */
  gsz_candidate buffers[2];
  gsz_candidate *scratch, *gpu_best;
  cand_vec explained;
  gpu_state *gpus;
  gsz_reason *pool;
  size_t n_pool, cap_pool;
  bool *server_out; /* per server: excluded by the request or the pricing policy */
  const gsz_gpu *excluded_gpus[GSZ_MATCH_MAX_LIST]; /* exclusions that name GPUs, resolved */
  size_t candidates;
  uint64_t quick_total; /* the quick method's total, the same for every layout */
  /* quick_total / n GPUs, rounded up, for small n (0: not yet computed):
   * a 64-bit division per fitting candidate was a tenth of a quote. */
  uint64_t quick_share[QUICK_SHARE_CACHE];
  gsz_err err; /* sticky: ENOMEM, EOVERFLOW */
} run;

/* Copy a candidate without its unused price lines (most of its size). */
static void copy_candidate(gsz_candidate *dst, const gsz_candidate *src) {
  memcpy(dst, src, offsetof(gsz_candidate, bom.lines));
  memcpy(dst->bom.lines, src->bom.lines, src->bom.n_lines * sizeof *src->bom.lines);
  memcpy(&dst->price, &src->price, offsetof(gsz_price, lines));
  memcpy(dst->price.lines, src->price.lines, src->price.n_lines * sizeof *src->price.lines);
}

/* The next free slot of v (not yet counted), growing it; NULL on ENOMEM.
 * Candidates are large: they are evaluated in place, not copied in. */
static gsz_candidate *next_slot(run *r, cand_vec *v) {
  if (v->n == v->cap) {
    size_t cap = v->cap ? v->cap * 2 : 64;
    gsz_candidate *items = gsz__realloc(v->items, cap * sizeof *items);
    if (items == NULL) {
      r->err = gsz__diag_nomem(r->diag);
      return NULL;
    }
    v->items = items;
    v->cap = cap;
  }
  return &v->items[v->n];
}

/* For MEMORY: whether a is closer to fitting than b (its smallest need,
 * over its budget, is lower). */
static bool closer(const gsz_reason *a, const gsz_reason *b) {
  uint64_t na = a->need_at_limit && a->need_at_limit < a->need ? a->need_at_limit : a->need;
  uint64_t nb = b->need_at_limit && b->need_at_limit < b->need ? b->need_at_limit : b->need;
  if (a->budget_bytes == 0 || b->budget_bytes == 0)
    return false;
  return (unsigned __int128)na * b->budget_bytes < (unsigned __int128)nb * a->budget_bytes;
}

/* Keep a reason on a GPU: one entry per code, the one closest to fitting:
 * MAX_NODES the fewest nodes, MAX_GPUS the fewest GPUs (servers come in
 * catalog order, so the last one seen is not the closest: an 8-GPU board
 * after a 4-GPU one said "needs 8" where 4 would do); MEMORY the smallest
 * need over budget; BUDGET the cheapest; the others the first. No text is
 * made here: reasons are data until a report describes them. */
static void keep_reason(run *r, gpu_state *gs, const gsz_reason *why) {
  for (unsigned i = 0; i < gs->n; i++) {
    gsz_reason *slot = &r->pool[gs->first + i];
    if (slot->code != why->code)
      continue;
    bool replace = (why->code == GSZ_REASON_MAX_NODES &&
                    (why->nodes < slot->nodes ||
                     (why->nodes == slot->nodes && why->gpus_per_node < slot->gpus_per_node))) ||
                   (why->code == GSZ_REASON_MAX_GPUS && why->total_gpus < slot->total_gpus) ||
                   (why->code == GSZ_REASON_MEMORY && closer(why, slot)) ||
                   (why->code == GSZ_REASON_BUDGET && why->price_minor < slot->price_minor);
    if (replace)
      *slot = *why;
    return;
  }
  if (gs->n >= GSZ_MATCH_MAX_REASONS || r->err != GSZ_OK)
    return;
  if (r->n_pool == r->cap_pool) {
    size_t cap = r->cap_pool ? r->cap_pool * 2 : 64;
    gsz_reason *pool = gsz__realloc(r->pool, cap * sizeof *pool);
    if (pool == NULL) {
      r->err = gsz__diag_nomem(r->diag);
      return;
    }
    r->pool = pool;
    r->cap_pool = cap;
  }
  r->pool[r->n_pool++] = *why;
  gs->n++;
}

/* A reason without numbers (filters, NOT_SOLD, NO_SERVER); text names
 * the request field of the filter for EXCLUDED ("gpu", "vendor", ...). */
static void simple_reason(run *r, gpu_state *gs, gsz_reason_code code, const char *text) {
  gsz_reason why;
  memset(&why, 0, sizeof why);
  why.code = code;
  if (text != NULL)
    snprintf(why.text, sizeof why.text, "%s", text);
  keep_reason(r, gs, &why);
}

static bool in_list(const char *const *list, size_t n, const char *value) {
  for (size_t i = 0; i < n; i++)
    if (gsz__str_ieq(list[i], value))
      return true;
  return false;
}

/* An exclusion names a GPU by SKU or alias; they were resolved once. */
static bool gpu_excluded(const run *r, const gsz_gpu *g) {
  for (size_t i = 0; i < r->o->n_exclude; i++)
    if (r->excluded_gpus[i] == g)
      return true;
  return r->p->excluded != NULL &&
         r->p->excluded(r->p->ctx, GSZ_ITEM_GPU, (size_t)(g - r->d->gpus));
}

static bool server_excluded(const run *r, const gsz_server *s) {
  return in_list(r->o->exclude, r->o->n_exclude, s->sku) ||
         (r->p->excluded != NULL &&
          r->p->excluded(r->p->ctx, GSZ_ITEM_SERVER, (size_t)(s - r->d->servers)));
}

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
static gsz_workload workload_for(const run *r, gsz_layout l) {
  gsz_workload w = *r->w;
  if (r->training && !r->o->zero_given)
    w.zero = l.dp > 1 ? 3 : 0;
  return w;
}

/* Per-GPU need at a layout; UINT64_MAX when the estimate refuses it. */
static uint64_t need_at(run *r, gsz_layout l, gsz_estimate *e) {
  gsz_workload w = workload_for(r, l);
  gsz_estimate local;
  if (e == NULL)
    e = &local;
  gsz_diag diag;
  gsz_err err = gsz__memory_estimate(e, r->m, &w, l, false, &diag);
  if (err == GSZ_EOVERFLOW)
    return UINT64_MAX; /* too big is too big: it does not fit */
  if (err != GSZ_OK)
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

/* --- Stock ----------------------------------------------------------------- */

/* Available stock of an item: 0 when it has no inventory rows (or less
 * reserved than on hand would make it negative). */
static int64_t available(const gsz_stock_total *t) {
  return t->present && t->available > 0 ? t->available : 0;
}

static gsz_stock_status stock_for(const run *r, const gsz_bom *bom) {
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
static void set_headroom(gsz_candidate *c) {
  uint64_t room = c->budget_bytes - c->per_gpu_bytes, scaled;
  /* No need computed (rejected before the memory check): no headroom. */
  c->headroom_bp =
      c->budget_bytes == 0 || c->per_gpu_bytes == 0 || c->per_gpu_bytes > c->budget_bytes ? 0
      : !gsz__mul_u64(&scaled, room, 10000)
          ? (int32_t)(scaled / c->budget_bytes)
          : (int32_t)((unsigned __int128)room * 10000 / c->budget_bytes);
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
static bool evaluate(run *r, gpu_state *gs, const gsz_gpu *g, const gsz_server *s,
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
    keep_reason(r, gs, v);                                                                         \
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
  uint32_t util = quick ? 10000 : r->w->runtime->mem_util_bp;
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
  c->zero = r->training ? workload_for(r, c->layout).zero : 0;
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
  c->stock = stock_for(r, &c->bom);
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

/* --- Ranking ---------------------------------------------------------------- */

static int compare(const gsz_candidate *a, const gsz_candidate *b, gsz_stock_policy policy) {
  if (policy == GSZ_STOCK_PREFER && a->stock.buildable != b->stock.buildable)
    return a->stock.buildable ? -1 : 1;
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

/* --- The run ---------------------------------------------------------------- */

static bool gpu_selected(run *r, const gsz_gpu *g, gpu_state *gs) {
  const gsz_match_options *o = r->o;
  if (o->n_gpus > 0) {
    bool listed = false;
    for (size_t i = 0; i < o->n_gpus; i++)
      listed |= o->gpus[i] == g;
    if (!listed) {
      simple_reason(r, gs, GSZ_REASON_EXCLUDED, "gpu");
      gs->filtered = true;
      return false;
    }
  }
  if (o->n_vendors > 0 && !in_list(o->vendors, o->n_vendors, g->vendor)) {
    simple_reason(r, gs, GSZ_REASON_EXCLUDED, "vendor");
    gs->filtered = true;
    return false;
  }
  if (o->n_form_factors > 0 && !in_list(o->form_factors, o->n_form_factors, g->form_factor)) {
    simple_reason(r, gs, GSZ_REASON_EXCLUDED, "form_factor");
    gs->filtered = true;
    return false;
  }
  if (gpu_excluded(r, g)) {
    simple_reason(r, gs, GSZ_REASON_EXCLUDED, "exclude");
    return false;
  }
  if (!g->sellable) {
    simple_reason(r, gs, GSZ_REASON_NOT_SOLD, NULL);
    return false;
  }
  return true;
}

/* Offer a fitting candidate to the top list: it enters if it beats the
 * last (or the list is not full), replacing its own pair's entry. */
static void offer_top(run *r, const gsz_candidate *c) {
  size_t pair = r->n_top;
  for (size_t i = 0; i < r->n_top; i++)
    if (r->top[i].gpu == c->gpu && r->top[i].server == c->server) {
      pair = i;
      break;
    }
  if (pair < r->n_top) {
    if (compare(c, &r->top[pair], r->o->stock) >= 0)
      return;
    /* Close the gap its old entry leaves; it is re-inserted below. */
    for (size_t i = pair; i + 1 < r->n_top; i++)
      copy_candidate(&r->top[i], &r->top[i + 1]);
    r->n_top--;
  } else if (r->n_top == r->cap_top && compare(c, &r->top[r->n_top - 1], r->o->stock) >= 0) {
    return;
  }
  size_t at = r->n_top < r->cap_top ? r->n_top : r->cap_top - 1;
  while (at > 0 && compare(c, &r->top[at - 1], r->o->stock) < 0) {
    if (at < r->cap_top)
      copy_candidate(&r->top[at], &r->top[at - 1]);
    at--;
  }
  copy_candidate(&r->top[at], c);
  if (r->n_top < r->cap_top)
    r->n_top++;
}

static void search_gpu(run *r, size_t gi, size_t first_fit) {
  const gsz_gpu *g = &r->d->gpus[gi];
  gpu_state *gs = &r->gpus[gi];
  gs->first = (uint32_t)r->n_pool;
  if (!gpu_selected(r, g, gs))
    return;
  bool any_server = false;
  for (size_t f = first_fit; f < r->d->n_fits && r->d->fits[f].gpu == gi; f++) {
    const gsz_fit *fit = &r->d->fits[f];
    any_server = true;
    r->candidates++;
    gsz_candidate *c = r->scratch;
    bool fits = evaluate(r, gs, g, &r->d->servers[fit->server], fit->count, c);
    if (r->err != GSZ_OK)
      return;
    if (r->o->explain == g) {
      gsz_candidate *e = next_slot(r, &r->explained);
      if (e == NULL)
        return;
      copy_candidate(e, c);
      set_headroom(e);
      r->explained.n++;
    }
    if (!fits)
      continue;
    offer_top(r, c);
    if (!gs->feasible || compare(c, r->gpu_best, r->o->stock) < 0) {
      r->scratch = r->gpu_best;
      r->gpu_best = c;
      gs->feasible = true;
    }
  }
  if (gs->feasible) {
    const gsz_candidate *b = r->gpu_best;
    gs->summary = (cheapest_fit){b->server, b->gpus_per_node, b->nodes, b->price.total_minor,
                                 b->stock.gpus_short + b->stock.servers_short};
  }
  if (!any_server)
    simple_reason(r, gs, GSZ_REASON_NO_SERVER, NULL);
}

void gsz_match_result_free(gsz_match_result *res) {
  if (res == NULL)
    return;
  gsz__free(res->alternatives);
  gsz__free(res->rejected);
  gsz__free(res->explained);
  gsz__free(res->reason_storage);
  gsz__free(res);
}

/* Candidates were ranked on totals; the ones shown get their line items.
 * The same pricer gives the same total, with the lines written out. */
static gsz_err add_lines(run *r, gsz_candidate *c) {
  if (c->nodes == 0 || c->verdict.code == GSZ_REASON_NO_PRICE ||
      c->verdict.code == GSZ_REASON_OVERFLOW)
    return GSZ_OK;
  bool priced =
      c->fits || c->verdict.code == GSZ_REASON_BUDGET || c->verdict.code == GSZ_REASON_STOCK;
  if (!priced)
    return GSZ_OK;
  gsz_diag pd;
  gsz_err err = r->p->price(r->p->ctx, &c->bom, true, &c->price, &pd);
  if (err == GSZ_ENOMEM)
    return gsz__diag_nomem(r->diag);
  return GSZ_OK; /* it priced before; a second run cannot fail otherwise */
}

/* Alternatives: the next best candidates, one per (GPU, server) pair. */
static gsz_err pick_alternatives(run *r, gsz_match_result *res) {
  size_t want = r->o->top;
  res->alternatives = gsz__malloc((want ? want : 1) * sizeof *res->alternatives);
  if (res->alternatives == NULL)
    return gsz__diag_nomem(r->diag);
  for (size_t i = 1; i < r->n_top && res->n_alternatives < want; i++) {
    copy_candidate(&res->alternatives[res->n_alternatives], &r->top[i]);
    set_headroom(&res->alternatives[res->n_alternatives++]);
  }
  return GSZ_OK;
}

/* How near an answer a reason is: a GPU's reasons are listed nearest
 * first, so the one that decides comes first. A configuration that fits
 * but is over the budget or short of stock is nearer than one that needs
 * more nodes or GPUs than allowed, which is nearer than one that does not
 * fit at all; catalog facts (not sold, no server, excluded) come last. */
static int reason_rank(gsz_reason_code code) {
  switch (code) {
  case GSZ_REASON_PRICE:
  case GSZ_REASON_BUDGET:
  case GSZ_REASON_STOCK:
    return 0;
  case GSZ_REASON_NO_PRICE:
  case GSZ_REASON_OVERFLOW:
    return 1;
  case GSZ_REASON_MAX_GPUS:
  case GSZ_REASON_MAX_NODES:
    return 2;
  case GSZ_REASON_MEMORY:
    return 3;
  case GSZ_REASON_TP_DIVISIBILITY:
  case GSZ_REASON_POWER:
  case GSZ_REASON_LICENSE:
    return 4;
  default:
    return 5;
  }
}

/* Stable: equal ranks keep the order they were found in. */
static void sort_reasons(gsz_reason *reasons, unsigned n) {
  for (unsigned i = 1; i < n; i++) {
    gsz_reason held = reasons[i];
    unsigned j = i;
    for (; j > 0 && reason_rank(reasons[j - 1].code) > reason_rank(held.code); j--)
      reasons[j] = reasons[j - 1];
    reasons[j] = held;
  }
}

static gsz_err collect_rejections(run *r, gsz_match_result *res) {
  size_t n = r->d->n_gpus;
  res->rejected = gsz__malloc((n ? n : 1) * sizeof *res->rejected);
  /* The kept reasons, plus room for one PRICE reason per GPU that fits. */
  res->reason_storage = gsz__malloc((r->n_pool + n + 1) * sizeof *res->reason_storage);
  if (res->rejected == NULL || res->reason_storage == NULL)
    return gsz__diag_nomem(r->diag);
  if (r->n_pool > 0)
    memcpy(res->reason_storage, r->pool, r->n_pool * sizeof *r->pool);
  size_t extra = r->n_pool;
  for (size_t gi = 0; gi < n; gi++) {
    const gsz_gpu *g = &r->d->gpus[gi];
    const gpu_state *gs = &r->gpus[gi];
    if (res->found && res->best.gpu == g)
      continue;
    bool shown = false;
    for (size_t j = 0; j < res->n_alternatives && !shown; j++)
      shown = res->alternatives[j].gpu == g;
    if (shown)
      continue;
    gsz_rejection *out = &res->rejected[res->n_rejected++];
    out->gpu = g;
    out->filtered = gs->filtered;
    out->reasons = &res->reason_storage[gs->first];
    out->n_reasons = gs->n;
    sort_reasons(&res->reason_storage[gs->first], gs->n);
    if (gs->feasible) {
      /* It fits, but something cheaper won: say what it would cost. */
      const cheapest_fit *c = &gs->summary;
      gsz_reason *why = &res->reason_storage[extra++];
      memset(why, 0, sizeof *why);
      why->code = GSZ_REASON_PRICE;
      why->server = c->server;
      why->gpus_per_node = c->gpus_per_node;
      why->nodes = c->nodes;
      why->price_minor = c->price_minor;
      why->limit_minor = c->price_minor - res->best.price.total_minor;
      /* Under stock "prefer" a cheaper one can lose for want of stock. */
      if (r->o->stock == GSZ_STOCK_PREFER && res->best.stock.buildable && c->short_items > 0)
        why->gpus_short = c->short_items;
      out->reasons = why;
      out->n_reasons = 1;
    }
  }
  return GSZ_OK;
}

gsz_err gsz_match_run(gsz_match_result **out, const gsz_catalog_data *d, const gsz_model_ref *m,
                      const gsz_workload *w, const gsz_match_options *o, const gsz_pricer *p,
                      gsz_diag *diag) {
  gsz_err err = gsz_workload_check(w, m, diag);
  if (err != GSZ_OK)
    return err;
  if (o->max_nodes == 0)
    return gsz__diag_set(diag, GSZ_EINVAL, GSZ_FIELD("max_nodes") " must be at least 1");
  if (o->train_tp == 0)
    return gsz__diag_set(diag, GSZ_EINVAL, GSZ_FIELD("tp") " must be at least 1");
  run r;
  memset(&r, 0, sizeof r);
  r.scratch = &r.buffers[0];
  r.gpu_best = &r.buffers[1];
  r.d = d;
  r.m = m;
  r.w = w;
  r.o = o;
  r.p = p;
  r.diag = diag;
  r.training = w->mode != GSZ_MODE_INFERENCE;
  if (w->method == GSZ_METHOD_QUICK) {
    gsz_estimate quick;
    gsz_workload qw = *w;
    if ((err = gsz_memory_estimate(&quick, m, &qw, (gsz_layout){1, 1, 1}, diag)) != GSZ_OK)
      return err;
    r.quick_total = quick.total_bytes;
  }
  gsz_match_result *res = gsz__calloc(1, sizeof *res);
  /* Per-GPU state: only the counters need clearing (reasons are written
   * before they are read), which matters on large catalogs. */
  r.gpus = gsz__malloc((d->n_gpus ? d->n_gpus : 1) * sizeof *r.gpus);
  if (res == NULL || r.gpus == NULL) {
    err = gsz__diag_nomem(diag);
    goto done;
  }
  for (size_t gi = 0; gi < d->n_gpus; gi++) {
    r.gpus[gi].first = 0;
    r.gpus[gi].n = 0;
    r.gpus[gi].filtered = false;
    r.gpus[gi].feasible = false;
  }
  for (size_t i = 0; i < o->n_exclude; i++)
    r.excluded_gpus[i] = gsz_catalog_find_gpu(d, o->exclude[i]);
  /* Exclusions are per server, not per candidate: decide them once. */
  r.server_out = gsz__malloc((d->n_servers ? d->n_servers : 1) * sizeof *r.server_out);
  if (r.server_out == NULL) {
    err = gsz__diag_nomem(diag);
    goto done;
  }
  for (size_t si = 0; si < d->n_servers; si++)
    r.server_out[si] = server_excluded(&r, &d->servers[si]);
  r.cap_top = (size_t)o->top + 1;
  r.top = gsz__malloc(r.cap_top * sizeof *r.top);
  if (r.top == NULL) {
    err = gsz__diag_nomem(diag);
    goto done;
  }
  memcpy(res->currency, p->currency, 4);
  res->minor_digits = p->minor_digits;

  /* Fits are sorted by GPU: one pass finds each GPU's first fit. */
  size_t f = 0;
  for (size_t gi = 0; gi < d->n_gpus && r.err == GSZ_OK; gi++) {
    while (f < d->n_fits && d->fits[f].gpu < gi)
      f++;
    search_gpu(&r, gi, f);
  }
  if ((err = r.err) != GSZ_OK)
    goto done;

  if (r.n_top > 0) {
    res->found = true;
    copy_candidate(&res->best, &r.top[0]);
    set_headroom(&res->best);
    if ((err = add_lines(&r, &res->best)) != GSZ_OK)
      goto done;
  }
  if ((err = pick_alternatives(&r, res)) != GSZ_OK || (err = collect_rejections(&r, res)) != GSZ_OK)
    goto done;
  for (size_t i = 0; i < res->n_alternatives; i++)
    if ((err = add_lines(&r, &res->alternatives[i])) != GSZ_OK)
      goto done;
  for (size_t i = 0; i < r.explained.n; i++)
    if ((err = add_lines(&r, &r.explained.items[i])) != GSZ_OK)
      goto done;

  /* The breakdown of the chosen layout (1 GPU when nothing fits). */
  gsz_layout l = res->found ? res->best.layout : (gsz_layout){1, 1, 1};
  gsz_workload bw = workload_for(&r, l);
  err = gsz_memory_estimate(&res->best_estimate, m, &bw, l, diag);
  if (err != GSZ_OK)
    goto done;
  res->explained = r.explained.items;
  res->n_explained = r.explained.n;
  r.explained.items = NULL;
  res->candidates = r.candidates;

done:
  gsz__free(r.top);
  gsz__free(r.pool);
  gsz__free(r.server_out);
  gsz__free(r.explained.items);
  gsz__free(r.gpus);
  if (err != GSZ_OK) {
    gsz_match_result_free(res);
    return err;
  }
  *out = res;
  return GSZ_OK;
}
