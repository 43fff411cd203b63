/* match.c: the matching engine (match.h): candidates, layouts, the smallest
 * node count by bisection, constraints, prices, stock, ranking, and the
 * reasons every losing GPU lost. */
#include "common_int.h"
#include "fmt_int.h"
#include "gpusizer/match.h"
#include "memory_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Reason details are bounded (GSZ_REASON_DETAIL_MAX); a detail cut short
 * is acceptable, so the compiler's truncation warning is not wanted. */
#pragma GCC diagnostic ignored "-Wformat-truncation"

/* Nodes beyond --max-nodes are still searched up to this bound, so a
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

const char *gsz_reason_name(gsz_reason_code code) { return reason_names[code]; }
const char *gsz_reason_text(gsz_reason_code code) { return reason_texts[code]; }

static const char *const stock_names[] = {"any", "prefer", "only"};

const char *gsz_stock_policy_name(gsz_stock_policy p) { return stock_names[p]; }

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

typedef struct gpu_state {
  gsz_rejection rejection;
  bool feasible;
  size_t cheapest; /* index into run.feasible of this GPU's cheapest fit */
  bool over_budget;        /* some candidate failed only on price */
  int64_t cheapest_over;   /* the cheapest such price: the BUDGET detail names it */
} gpu_state;

typedef struct run {
  const gsz_catalog_data *d;
  const gsz_model_ref *m;
  const gsz_workload *w;
  const gsz_match_options *o;
  const gsz_pricer *p;
  gsz_diag *diag;
  bool training;
  cand_vec feasible;
  gsz_candidate **order; /* feasible, best first (after sorting) */
  cand_vec explained;
  gpu_state *gpus;
  size_t candidates;
  gsz_err err; /* sticky: ENOMEM, EOVERFLOW */
} run;

static bool push(run *r, cand_vec *v, const gsz_candidate *c) {
  if (v->n == v->cap) {
    size_t cap = v->cap ? v->cap * 2 : 64;
    gsz_candidate *items = gsz__realloc(v->items, cap * sizeof *items);
    if (items == NULL) {
      r->err = gsz__diag_nomem(r->diag);
      return false;
    }
    v->items = items;
    v->cap = cap;
  }
  v->items[v->n++] = *c;
  return true;
}

/* Record a reason for a GPU. One entry per code: MEMORY and node/GPU limit
 * details from later (larger) candidates replace earlier ones, being the
 * closest to fitting; other codes keep the first detail. */
__attribute__((format(printf, 3, 4))) static void reason(gpu_state *gs, gsz_reason_code code,
                                                         const char *fmt, ...) {
  gsz_rejection *rj = &gs->rejection;
  gsz_reason *slot = NULL;
  for (unsigned i = 0; i < rj->n_reasons; i++)
    if (rj->reasons[i].code == code) {
      if (code != GSZ_REASON_MEMORY && code != GSZ_REASON_MAX_NODES && code != GSZ_REASON_MAX_GPUS)
        return;
      slot = &rj->reasons[i];
    }
  if (slot == NULL) {
    if (rj->n_reasons >= GSZ_MATCH_MAX_REASONS)
      return;
    slot = &rj->reasons[rj->n_reasons++];
  }
  slot->code = code;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(slot->detail, sizeof slot->detail, fmt, ap);
  va_end(ap);
}

/* Set the detail of code on gs, adding the reason if absent. */
static void replace_reason(gpu_state *gs, gsz_reason_code code, const char *detail) {
  gsz_rejection *rj = &gs->rejection;
  for (unsigned i = 0; i < rj->n_reasons; i++)
    if (rj->reasons[i].code == code) {
      snprintf(rj->reasons[i].detail, sizeof rj->reasons[i].detail, "%s", detail);
      return;
    }
  reason(gs, code, "%s", detail);
}

static bool in_list(const char *const *list, size_t n, const char *value) {
  for (size_t i = 0; i < n; i++)
    if (gsz__str_ieq(list[i], value))
      return true;
  return false;
}

/* An exclusion names a GPU by SKU or by one of its aliases. */
static bool gpu_excluded(const run *r, const gsz_gpu *g) {
  for (size_t i = 0; i < r->o->n_exclude; i++) {
    const char *name = r->o->exclude[i];
    if (gsz__str_ieq(name, g->sku))
      return true;
    for (size_t a = 0; a < r->d->n_gpu_aliases; a++)
      if (gsz__str_ieq(r->d->gpu_aliases[a].alias, name) &&
          gsz__str_ieq(r->d->gpu_aliases[a].target, g->sku))
        return true;
  }
  return r->p->excluded != NULL && r->p->excluded(r->p->ctx, "gpu", g->sku);
}

static bool server_excluded(const run *r, const gsz_server *s) {
  return in_list(r->o->exclude, r->o->n_exclude, s->sku) ||
         (r->p->excluded != NULL && r->p->excluded(r->p->ctx, "server", s->sku));
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
  if (lo > hi || need_at(r, layout_for(r, per_node, tp, hi), NULL) > budget)
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

static gsz_stock_status stock_for(const gsz_gpu *g, const gsz_server *s, uint64_t gpus,
                                  uint32_t nodes) {
  gsz_stock_status st;
  memset(&st, 0, sizeof st);
  st.gpus_needed = s->gpus_included ? 0 : gpus;
  st.servers_needed = nodes;
  st.gpus_available = g->stock.present ? g->stock.available : 0;
  st.servers_available = s->stock.present ? s->stock.available : 0;
  st.known = s->stock.present && (st.gpus_needed == 0 || g->stock.present);
  if (st.gpus_available < 0)
    st.gpus_available = 0;
  if (st.servers_available < 0)
    st.servers_available = 0;
  st.gpus_short = st.gpus_needed > (uint64_t)st.gpus_available
                      ? st.gpus_needed - (uint64_t)st.gpus_available
                      : 0;
  st.servers_short = st.servers_needed > (uint64_t)st.servers_available
                         ? st.servers_needed - (uint64_t)st.servers_available
                         : 0;
  st.buildable = st.gpus_short == 0 && st.servers_short == 0;
  st.lead_time_days = -1;
  if (st.gpus_short > 0 && g->stock.present)
    st.lead_time_days = g->stock.lead_time_days;
  if (st.servers_short > 0 && s->stock.present && s->stock.lead_time_days > st.lead_time_days)
    st.lead_time_days = s->stock.lead_time_days;
  return st;
}

/* --- One candidate ---------------------------------------------------------- */

static void gib(char buf[GSZ_FMT_MAX], uint64_t bytes) { gsz__fmt_gib(buf, bytes); }

static void money(const run *r, char buf[GSZ_FMT_MAX], int64_t minor) {
  gsz__fmt_money(buf, minor, r->p->minor_digits, r->p->currency);
}

/* Evaluate one (GPU, server, count). Returns true when it fits; otherwise
 * a reason was recorded on gs and, for --explain, in *verdict. */
static bool evaluate(run *r, gpu_state *gs, const gsz_gpu *g, const gsz_server *s, uint32_t per_node,
                     gsz_candidate *c) {
  char a[GSZ_FMT_MAX], b[GSZ_FMT_MAX], x[GSZ_FMT_MAX];
  memset(c, 0, sizeof *c);
  c->gpu = g;
  c->server = s;
  c->gpus_per_node = per_node;
  c->usable_bytes = (uint64_t)g->usable_mib << 20;
  c->node_power_w = per_node * g->tdp_w + s->base_w;
  gsz_reason *v = &c->verdict;
#define REJECT(rc, ...)                                                                       \
  do {                                                                                        \
    v->code = GSZ_REASON_##rc;                                                                \
    snprintf(v->detail, sizeof v->detail, __VA_ARGS__);                                       \
    reason(gs, GSZ_REASON_##rc, "%s", v->detail);                                             \
    return false;                                                                             \
  } while (0)

  if (server_excluded(r, s))
    REJECT(EXCLUDED, "server %s is excluded", s->sku);
  if (!s->sellable)
    REJECT(NOT_SOLD, "server %s is not sold", s->sku);
  if (!g->datacenter_ok && !s->workstation && !r->o->allow_consumer)
    REJECT(LICENSE, "%s is a consumer card; %s is not a workstation (--allow-consumer overrides)",
           g->sku, s->sku);
  if (c->node_power_w > s->psu_w)
    REJECT(POWER, "%u x %s draw %u W with the server's %u W base, over the %u W of %s's PSUs",
           per_node, g->sku, per_node * g->tdp_w, s->base_w, s->psu_w, s->sku);

  /* Memory: the layout and the smallest node count that fits. */
  uint32_t tp = r->training ? r->o->train_tp : inference_tp(r, per_node);
  if (r->training && (per_node % tp != 0 || !gsz_layout_tp_ok(r->m, tp, NULL)))
    REJECT(TP_DIVISIBILITY, "--tp %u does not split %u GPUs per node of %s for this model", tp,
           per_node, s->sku);
  uint32_t util = r->w->method == GSZ_METHOD_QUICK ? 10000 : r->w->runtime->mem_util_bp;
  c->budget_bytes = gsz_memory_budget(c->usable_bytes, util);
  uint32_t cap = node_cap(r, per_node, tp);
  if (cap == 0)
    REJECT(TP_DIVISIBILITY, "%u GPUs per node need %u pipeline stages, more than the %u layers",
           per_node, per_node / tp, r->m->arch->num_hidden_layers);
  uint32_t max_nodes = r->o->max_nodes < cap ? r->o->max_nodes : cap;
  uint32_t nodes = smallest_nodes(r, per_node, tp, 1, max_nodes, c->budget_bytes);
  if (nodes == 0) {
    uint32_t beyond = smallest_nodes(r, per_node, tp, max_nodes + 1, cap, c->budget_bytes);
    if (beyond != 0 && max_nodes == r->o->max_nodes)
      REJECT(MAX_NODES, "needs %u nodes of %u x %s in %s; --max-nodes is %u", beyond, per_node,
             g->sku, s->sku, r->o->max_nodes);
    uint64_t need1 = need_at(r, layout_for(r, per_node, tp, 1), NULL);
    uint64_t need_max = need_at(r, layout_for(r, per_node, tp, max_nodes), NULL);
    if (need1 == UINT64_MAX)
      REJECT(MEMORY, "the size of this request overflows on %u x %s", per_node, g->sku);
    gib(a, need1);
    gib(b, need_max);
    gib(x, c->budget_bytes);
    if (max_nodes > 1)
      REJECT(MEMORY, "needs %s per GPU on 1 node of %u x %s, still %s on %u nodes; budget %s per GPU",
             a, per_node, g->sku, b, max_nodes, x);
    REJECT(MEMORY, "needs %s per GPU on 1 node of %u x %s; budget %s per GPU", a, per_node,
           g->sku, x);
  }
  c->nodes = nodes;
  c->total_gpus = (uint64_t)per_node * nodes;
  c->layout = layout_for(r, per_node, tp, nodes);
  c->pp_in_node = !r->training && tp < per_node;
  c->per_gpu_bytes = need_at(r, c->layout, NULL);
  c->headroom_bp =
      c->budget_bytes == 0
          ? 0
          : (int32_t)((unsigned __int128)(c->budget_bytes - c->per_gpu_bytes) * 10000 / c->budget_bytes);
  if (r->o->max_gpus != 0 && c->total_gpus > r->o->max_gpus)
    REJECT(MAX_GPUS, "needs %llu GPUs (%u nodes of %u x %s); --max-gpus is %llu",
           (unsigned long long)c->total_gpus, nodes, per_node, g->sku,
           (unsigned long long)r->o->max_gpus);

  /* Price and budget. */
  memcpy(c->price.currency, r->p->currency, 4);
  c->price.minor_digits = r->p->minor_digits;
  gsz_diag pd;
  gsz_diag_clear(&pd);
  gsz_err err = r->p->price(r->p->ctx, g, s, per_node, nodes, &c->price, &pd);
  if (err == GSZ_ENOMEM) {
    r->err = gsz__diag_nomem(r->diag);
    return false;
  }
  if (err != GSZ_OK)
    REJECT(NO_PRICE, "%s", pd.message[0] ? pd.message : gsz_strerror(err));
  if (r->o->has_budget && c->price.total_minor > r->o->budget_minor) {
    /* Name the cheapest configuration over budget: the one to negotiate. */
    if (gs->over_budget && c->price.total_minor >= gs->cheapest_over) {
      v->code = GSZ_REASON_BUDGET;
      snprintf(v->detail, sizeof v->detail, "costs more than the budget");
      return false;
    }
    gs->over_budget = true;
    gs->cheapest_over = c->price.total_minor;
    money(r, a, c->price.total_minor);
    money(r, b, r->o->budget_minor);
    v->code = GSZ_REASON_BUDGET;
    snprintf(v->detail, sizeof v->detail, "%u x %u x %s in %s costs %s; the budget is %s", nodes,
             per_node, g->sku, s->sku, a, b);
    replace_reason(gs, GSZ_REASON_BUDGET, v->detail);
    return false;
  }

  /* Stock. */
  c->stock = stock_for(g, s, c->total_gpus, nodes);
  if (r->o->stock == GSZ_STOCK_ONLY && !c->stock.buildable)
    REJECT(STOCK, "needs %llu x %s and %u x %s; %lld and %lld available", (unsigned long long)c->stock.gpus_needed,
           g->sku, nodes, s->sku, (long long)c->stock.gpus_available,
           (long long)c->stock.servers_available);
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
  if (a->headroom_bp != b->headroom_bp)
    return a->headroom_bp > b->headroom_bp ? -1 : 1;
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

/* A stable merge sort of pointers (candidates are large; moving pointers
 * is cheap), with the stock policy passed along instead of a global. */
static void sort_candidates(gsz_candidate **items, gsz_candidate **tmp, size_t n,
                            gsz_stock_policy policy) {
  if (n < 2)
    return;
  size_t half = n / 2;
  sort_candidates(items, tmp, half, policy);
  sort_candidates(items + half, tmp, n - half, policy);
  size_t i = 0, j = half, k = 0;
  while (i < half && j < n)
    tmp[k++] = compare(items[j], items[i], policy) < 0 ? items[j++] : items[i++];
  while (i < half)
    tmp[k++] = items[i++];
  while (j < n)
    tmp[k++] = items[j++];
  memcpy(items, tmp, n * sizeof *items);
}

/* --- The run ---------------------------------------------------------------- */

static bool gpu_selected(const run *r, const gsz_gpu *g, gpu_state *gs) {
  const gsz_match_options *o = r->o;
  if (o->n_gpus > 0) {
    bool listed = false;
    for (size_t i = 0; i < o->n_gpus; i++)
      listed |= o->gpus[i] == g;
    if (!listed) {
      reason(gs, GSZ_REASON_EXCLUDED, "not among the GPUs asked for with --gpu");
      gs->rejection.filtered = true;
      return false;
    }
  }
  if (o->n_vendors > 0 && !in_list(o->vendors, o->n_vendors, g->vendor)) {
    reason(gs, GSZ_REASON_EXCLUDED, "vendor %s is not among those asked for with --vendor", g->vendor);
    gs->rejection.filtered = true;
    return false;
  }
  if (o->n_form_factors > 0 && !in_list(o->form_factors, o->n_form_factors, g->form_factor)) {
    reason(gs, GSZ_REASON_EXCLUDED, "form factor %s is not among those asked for with --form-factor",
           g->form_factor);
    gs->rejection.filtered = true;
    return false;
  }
  if (gpu_excluded(r, g)) {
    reason(gs, GSZ_REASON_EXCLUDED, "%s is excluded", g->sku);
    return false;
  }
  if (!g->sellable) {
    reason(gs, GSZ_REASON_NOT_SOLD, "%s is kept in the catalog for reference only", g->sku);
    return false;
  }
  return true;
}

static void search_gpu(run *r, size_t gi, size_t first_fit) {
  const gsz_gpu *g = &r->d->gpus[gi];
  gpu_state *gs = &r->gpus[gi];
  gs->rejection.gpu = g;
  if (!gpu_selected(r, g, gs))
    return;
  bool any_server = false;
  for (size_t f = first_fit; f < r->d->n_fits && r->d->fits[f].gpu == gi; f++) {
    const gsz_fit *fit = &r->d->fits[f];
    any_server = true;
    r->candidates++;
    gsz_candidate c;
    bool fits = evaluate(r, gs, g, &r->d->servers[fit->server], fit->count, &c);
    if (r->err != GSZ_OK)
      return;
    if (r->o->explain == g && !push(r, &r->explained, &c))
      return;
    if (!fits)
      continue;
    if (!push(r, &r->feasible, &c))
      return;
    gs->feasible = true;
  }
  if (!any_server)
    reason(gs, GSZ_REASON_NO_SERVER, "no server in the catalog takes %s (see server_gpu)", g->sku);
}

void gsz_match_result_free(gsz_match_result *res) {
  if (res == NULL)
    return;
  gsz__free(res->alternatives);
  gsz__free(res->rejected);
  gsz__free(res->explained);
  gsz__free(res);
}

/* Alternatives: the next best candidates, one per (GPU, server) pair. */
static gsz_err pick_alternatives(run *r, gsz_match_result *res) {
  size_t want = r->o->top;
  res->alternatives = gsz__calloc(want ? want : 1, sizeof *res->alternatives);
  if (res->alternatives == NULL)
    return gsz__diag_nomem(r->diag);
  for (size_t i = 1; i < r->feasible.n && res->n_alternatives < want; i++) {
    const gsz_candidate *c = r->order[i];
    bool seen = c->gpu == res->best.gpu && c->server == res->best.server;
    for (size_t j = 0; j < res->n_alternatives && !seen; j++)
      seen = res->alternatives[j].gpu == c->gpu && res->alternatives[j].server == c->server;
    if (!seen)
      res->alternatives[res->n_alternatives++] = *c;
  }
  return GSZ_OK;
}

static gsz_err collect_rejections(run *r, gsz_match_result *res) {
  res->rejected = gsz__calloc(r->d->n_gpus ? r->d->n_gpus : 1, sizeof *res->rejected);
  if (res->rejected == NULL)
    return gsz__diag_nomem(r->diag);
  for (size_t gi = 0; gi < r->d->n_gpus; gi++) {
    const gsz_gpu *g = &r->d->gpus[gi];
    gpu_state *gs = &r->gpus[gi];
    if (res->found && res->best.gpu == g)
      continue;
    bool shown = false;
    for (size_t j = 0; j < res->n_alternatives && !shown; j++)
      shown = res->alternatives[j].gpu == g;
    if (shown)
      continue;
    gsz_rejection rj = gs->rejection;
    rj.gpu = g;
    if (gs->feasible) {
      /* It fits, but something cheaper won: say what it would cost. */
      const gsz_candidate *c = r->order[gs->cheapest];
      char a[GSZ_FMT_MAX], b[GSZ_FMT_MAX];
      money(r, a, c->price.total_minor);
      money(r, b, c->price.total_minor - res->best.price.total_minor);
      rj.n_reasons = 1;
      rj.reasons[0].code = GSZ_REASON_PRICE;
      snprintf(rj.reasons[0].detail, sizeof rj.reasons[0].detail,
               "fits as %u x %u x %s in %s for %s, %s more", c->nodes, c->gpus_per_node, g->sku,
               c->server->sku, a, b);
      if (r->o->stock == GSZ_STOCK_PREFER && res->best.stock.buildable && !c->stock.buildable)
        snprintf(rj.reasons[0].detail, sizeof rj.reasons[0].detail,
                 "fits as %u x %u x %s in %s for %s, but is not buildable from stock", c->nodes,
                 c->gpus_per_node, g->sku, c->server->sku, a);
    }
    res->rejected[res->n_rejected++] = rj;
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
    return gsz__diag_set(diag, GSZ_EINVAL, "--max-nodes must be at least 1");
  if (o->train_tp == 0)
    return gsz__diag_set(diag, GSZ_EINVAL, "--tp must be at least 1");
  run r;
  memset(&r, 0, sizeof r);
  r.d = d;
  r.m = m;
  r.w = w;
  r.o = o;
  r.p = p;
  r.diag = diag;
  r.training = w->mode != GSZ_MODE_INFERENCE;
  gsz_match_result *res = gsz__calloc(1, sizeof *res);
  r.gpus = gsz__calloc(d->n_gpus ? d->n_gpus : 1, sizeof *r.gpus);
  if (res == NULL || r.gpus == NULL) {
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

  if (r.feasible.n > 0) {
    r.order = gsz__malloc(2 * r.feasible.n * sizeof *r.order);
    if (r.order == NULL) {
      err = gsz__diag_nomem(diag);
      goto done;
    }
    for (size_t i = 0; i < r.feasible.n; i++)
      r.order[i] = &r.feasible.items[i];
    sort_candidates(r.order, r.order + r.feasible.n, r.feasible.n, o->stock);
    /* Each GPU's first in the order is its cheapest. */
    for (size_t gi = 0; gi < d->n_gpus; gi++)
      r.gpus[gi].feasible = false;
    for (size_t i = 0; i < r.feasible.n; i++) {
      gpu_state *gs = &r.gpus[r.order[i]->gpu - d->gpus];
      if (!gs->feasible) {
        gs->feasible = true;
        gs->cheapest = i;
      }
    }
    res->found = true;
    res->best = *r.order[0];
  }
  if ((err = pick_alternatives(&r, res)) != GSZ_OK || (err = collect_rejections(&r, res)) != GSZ_OK)
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
  gsz__free(r.order);
  gsz__free(r.feasible.items);
  gsz__free(r.explained.items);
  gsz__free(r.gpus);
  if (err != GSZ_OK) {
    gsz_match_result_free(res);
    return err;
  }
  *out = res;
  return GSZ_OK;
}
