/* candidate.c: one candidate of the search: a GPU, a server and a GPU
 * count per node; its layout, the smallest node count whose per-GPU need
 * fits (by bisection), its price, budget and stock, and the reason when it
 * does not fit. */
#include "gpusizer/catalog.h"
#include "match/match_int.h"
#include "match/network_int.h"
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

gsz_layout gsz__match_layout_for(const run *r, uint32_t per_node, uint32_t tp, uint32_t nodes) {
  return layout_for(r, per_node, tp, nodes);
}

/* The workload as this candidate runs it: ZeRO-3 by default when training
 * on more than one GPU; the runtime's defaults that depend on the GPU's
 * memory (vLLM's max_num_seqs) follow the GPU being evaluated. */
gsz_workload gsz__match_workload_for(const run *r, gsz_layout l) {
  gsz_workload w = *r->w;
  w.gpu_visible_bytes = r->visible_bytes;
  if (r->training && !r->o->zero_given)
    w.zero = l.dp > 1 ? 3 : 0;
  /* Inference replicas share the requests. */
  if (!r->training && l.dp > 1)
    w.concurrency = gsz__ceil_div_u64(w.concurrency, l.dp);
  return w;
}

/* Per-GPU need at a layout; UINT64_MAX when the estimate refuses it. */
static uint64_t estimate_need(run *r, gsz_layout l, gsz_estimate *e) {
  gsz_workload w = gsz__match_workload_for(r, l);
  gsz_estimate local;
  if (e == NULL)
    e = &local;
  gsz_diag diag;
  /* A layout the estimate refuses, or one too big to count, does not fit. */
  if (gsz__memory_estimate(e, r->m, &w, l, false, &diag) != GSZ_OK)
    return UINT64_MAX;
  /* recompute auto: full recomputation only where the need without it
   * does not fit (it costs a third more compute). */
  if (e->per_gpu_bytes > r->fit_budget && gsz_workload_recompute_auto(&w) &&
      gsz__memory_estimate_ex(e, r->m, &w, l, false, true, &diag) != GSZ_OK)
    return UINT64_MAX;
  return e->per_gpu_bytes;
}

/* need_at through the run's memo: within one GPU the need depends on the
 * layout alone (the visible memory and the budget that decides automatic
 * recomputation are the GPU's), and its servers ask for the same layouts
 * again and again (every server with as many GPUs per node, and the
 * bisection of each). No memo when it cannot be allocated. */
static uint64_t need_at(run *r, gsz_layout l, gsz_estimate *e) {
  if (r->needs == NULL &&
      (r->needs_failed || (r->needs = gsz__malloc(NEED_MEMO * sizeof *r->needs)) == NULL)) {
    r->needs_failed = true;
    return estimate_need(r, l, e);
  }
  for (size_t i = 0; i < r->n_needs; i++) {
    need_memo *m = &r->needs[i];
    if (m->layout.tp == l.tp && m->layout.pp == l.pp && m->layout.dp == l.dp &&
        m->fit_budget == r->fit_budget && m->visible_bytes == r->visible_bytes) {
      if (e != NULL)
        *e = m->estimate;
      return m->need;
    }
  }
  if (r->n_needs == NEED_MEMO)
    return estimate_need(r, l, e);
  need_memo *m = &r->needs[r->n_needs++];
  m->layout = l;
  m->fit_budget = r->fit_budget;
  m->visible_bytes = r->visible_bytes;
  m->need = estimate_need(r, l, &m->estimate);
  if (e != NULL)
    *e = m->estimate;
  return m->need;
}

uint64_t gsz__match_need_at(run *r, gsz_layout l, gsz_estimate *e) {
  return need_at(r, l, e);
}

/* Whether layout l fits the budget with the headroom asked for, and what
 * the runtime takes outside the budget fits beside it. */
bool gsz__match_layout_fits(run *r, gsz_layout l) {
  gsz_estimate e;
  if (need_at(r, l, &e) > r->fit_budget)
    return false;
  gsz_fit_check fit;
  return gsz_memory_fits(&fit, &e, r->visible_bytes) || fit.outside_ok;
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
static void set_headroom(gsz_candidate *c) {
  uint64_t room = c->budget_bytes - c->per_gpu_bytes, scaled;
  /* No need computed (rejected before the memory check): no headroom. */
  c->headroom_bp =
      c->budget_bytes == 0 || c->per_gpu_bytes == 0 || c->per_gpu_bytes > c->budget_bytes ? 0
      : !gsz__mul_u64(&scaled, room, GSZ_BP_SCALE)
          ? (int32_t)(scaled / c->budget_bytes)
          : (int32_t)((unsigned __int128)room * GSZ_BP_SCALE / c->budget_bytes);
}

void gsz__match_finish(const run *r, gsz_candidate *c) {
  set_headroom(c);
  if (c->fits && r->o->stock == GSZ_STOCK_ANY)
    c->stock = gsz__match_stock_for(r, &c->bom);
  /* The quick method does not filter on number formats (a rule of thumb),
   * but the quote still says what the catalog records. */
  if (r->w->method == GSZ_METHOD_QUICK && c->gpu != NULL) {
    const char *runtime = r->w->runtime->name, *arch = c->gpu->architecture;
    c->format_support =
        gsz_catalog_format_support(r->d, arch, r->w->weight_format->name, runtime, NULL);
    c->kv_format_support =
        gsz_catalog_format_support(r->d, arch, r->w->kv_format->name, runtime, NULL);
  }
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

/* The budget that leaves the minimum headroom: budget less min_bp of it,
 * rounded so that need <= result means headroom >= min_bp. */
static uint64_t headroom_budget(uint64_t budget, uint32_t min_bp) {
  if (min_bp == 0)
    return budget; /* the quick method's default: no 128-bit division */
  uint64_t keep = (uint64_t)((unsigned __int128)budget * min_bp / GSZ_BP_SCALE);
  if ((unsigned __int128)keep * GSZ_BP_SCALE < (unsigned __int128)budget * min_bp)
    keep++;
  return budget - keep;
}

/* Scale-out NICs per node a multi-node configuration needs: one per GPU
 * when the GPUs of different nodes exchange gradients or tensor-parallel
 * activations (training), else the setting for pipeline stages, whose
 * hand-offs are small (docs/deployability.md). */
static uint32_t nics_per_node(const run *r, uint32_t per_node) {
  if (r->training)
    return per_node;
  return r->d->settings.pp_nics_per_node ? r->d->settings.pp_nics_per_node : 1;
}

/* The network of nodes x server with nics_per_node NICs each (network.c),
 * designed once per (NIC, NICs per node, nodes) in a run: the design
 * scans every switch and cable of the catalog, and many servers share a
 * NIC. NULL, with why, when the server cannot be networked or no design
 * exists (not kept: failures repeat the design to say why). */
static const gsz_network_plan *network_for(run *r, const gsz_server *s, uint32_t nics_per_node,
                                           uint32_t nodes, char *why, size_t why_size) {
  const gsz_network_item *nic;
  if (!gsz__network_server_ok(r->d, s, nics_per_node, &nic, why, why_size))
    return NULL;
  bool onboard = s->scale_out == GSZ_SCALE_OUT_ONBOARD;
  for (size_t i = 0; i < r->n_networks; i++) {
    network_memo *m = &r->networks[i];
    if (m->plan.nic == nic && m->plan.nics_per_node == nics_per_node && m->nodes == nodes) {
      m->plan.onboard = onboard;
      return &m->plan;
    }
  }
  gsz_network_plan plan;
  if (!gsz__network_design(&plan, r->d, nic, nics_per_node, nodes, why, why_size))
    return NULL;
  network_memo *m = &r->networks[r->n_networks < NETWORK_MEMO ? r->n_networks : r->next_network];
  m->plan = plan;
  m->nodes = nodes;
  m->plan.onboard = onboard;
  if (r->n_networks < NETWORK_MEMO)
    r->n_networks++;
  else
    r->next_network = (r->next_network + 1) % NETWORK_MEMO;
  return &m->plan;
}

/* Power: a node may draw only the sustained share of what its power
 * supplies deliver with redundancy kept; a workstation no more than a wall
 * outlet gives. False with the POWER reason filled. */
static bool power_fits(const run *r, const gsz_server *s, gsz_candidate *c, uint64_t draw) {
  uint32_t share = s->psu_load_max_bp               ? s->psu_load_max_bp
                   : r->d->settings.psu_load_max_bp ? r->d->settings.psu_load_max_bp
                                                    : GSZ_BP_SCALE;
  uint64_t limit = (uint64_t)s->psu_w * share / GSZ_BP_SCALE;
  bool outlet = s->workstation && r->outlet_w != 0 && r->outlet_w < limit;
  if (outlet)
    limit = r->outlet_w;
  c->node_limit_w = limit > UINT32_MAX ? UINT32_MAX : (uint32_t)limit;
  if (draw <= limit)
    return true;
  c->verdict.draw_w = c->node_power_w;
  c->verdict.psu_w = s->psu_w;
  c->verdict.limit_w = c->node_limit_w;
  c->verdict.outlet = outlet;
  return false;
}

void gsz__match_prepare_gpu(run *r, const gsz_gpu *g) {
  r->n_needs = 0; /* needs are the previous GPU's */
  /* The runtime's efficiency on this GPU, for the speed estimate (sla.c). */
  if (r->w->method != GSZ_METHOD_QUICK || r->training)
    r->efficiency = gsz_catalog_find_efficiency(r->d, r->w->runtime->name, g->architecture);
  r->visible_bytes = gsz_memory_visible_bytes(r->d, g);
  uint32_t util = r->w->method == GSZ_METHOD_QUICK ? GSZ_BP_SCALE : gsz_workload_mem_util_bp(r->w);
  r->gpu_budget = gsz_memory_budget(r->visible_bytes, util);
  r->fit_budget = headroom_budget(r->gpu_budget, r->min_headroom_bp);
  r->gpu_quick_fit = headroom_budget(r->visible_bytes, r->min_headroom_bp);
}

/* Whether the verdict v, as reason code with its numbers set, needs words
 * (sets v->code). */
static bool words_wanted(const run *r, const gpu_state *gs, const gsz_gpu *g, gsz_reason *v,
                         gsz_reason_code code) {
  v->code = code;
  return r->o->explain == g || gsz__match_reason_wanted(r, gs, v);
}

/* "needs N nodes; <why the server is one node only>". */
static void single_node_words(const run *r, const gsz_server *s, uint32_t nodes, gsz_reason *v) {
  char why[GSZ_REASON_TEXT_MAX];
  const gsz_network_item *nic;
  gsz__network_server_ok(r->d, s, 1, &nic, why, sizeof why);
  snprintf(v->text, sizeof v->text, "needs %u nodes; %s", nodes, why);
}

/* Evaluate one (GPU, server, count). True when it fits; otherwise the
 * reason is in c->verdict and kept on gs. */
bool gsz__match_evaluate(run *r, gpu_state *gs, const gsz_gpu *g, const gsz_server *s,
                         uint32_t per_node, gsz_candidate *c) {
  /* Clear what this evaluation may read, not the whole candidate (the
   * verdict's text and the bill's and price's lines are written before
   * they are read): the candidate's own fields and the verdict that follows
   * them, in one clear. At this size it is a call to the C library's
   * memset, with its vector stores, where two smaller clears were inline
   * 8-byte stores (this file is compiled without vector registers and with
   * an unrolled-loop strategy up to 256 bytes: src/CMakeLists.txt). */
  memset(c, 0, offsetof(gsz_candidate, verdict) + offsetof(gsz_reason, text));
  c->verdict.text[0] = '\0';
  c->perf.known = c->perf.train_known = false;
  c->cost.known = false;
  c->bom.n_lines = 0;
  c->n_cautions = 0;
  c->price.n_lines = 0;
  c->price.total_minor = 0;
  c->gpu = g;
  c->server = s;
  c->gpus_per_node = per_node;
  c->usable_bytes = r->visible_bytes; /* the GPU's (gsz__match_prepare_gpu) */
  c->format_support = (gsz_support)gs->weights_support;
  c->kv_format_support = (gsz_support)gs->kv_support;
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

  /* A reason's words only when they will be read: the GPU keeps this
   * reason (one per code, reasons.c), or the request explains this GPU. */
#define WORDS(rc) words_wanted(r, gs, g, v, GSZ_REASON_##rc)

  const char *out = r->server_out[s - r->d->servers];
  if (out != NULL) {
    if (WORDS(EXCLUDED))
      snprintf(v->text, sizeof v->text, "%s", out);
    REJECT(EXCLUDED);
  }
  if (!s->sellable)
    REJECT(NOT_SOLD);
  if (s->lifecycle == GSZ_LIFECYCLE_END_OF_SALE && !r->o->allow_eol) {
    if (WORDS(EOL))
      snprintf(v->text, sizeof v->text,
               "server %s is end of sale%s%s (" GSZ_FIELD("allow_eol") " quotes it)", s->sku,
               s->lifecycle_date ? " since " : "", s->lifecycle_date ? s->lifecycle_date : "");
    REJECT(EOL);
  }
  if (!g->datacenter_ok && !s->workstation && !r->o->allow_consumer)
    REJECT(LICENSE);
  if (!power_fits(r, s, c, draw))
    REJECT(POWER);

  /* Memory: the layout and the smallest node count that fits with the
   * headroom the estimate's own margin asks for. A server that cannot be
   * networked is searched at one node only. */
  uint32_t tp = r->training ? r->o->train_tp : inference_tp(r, per_node);
  if (r->training && (per_node % tp != 0 || !gsz_layout_tp_ok(r->m, tp, NULL))) {
    snprintf(v->text, sizeof v->text,
             GSZ_FIELD("tp") " %u does not split %u GPUs per node for this model", tp, per_node);
    REJECT(TP_DIVISIBILITY);
  }
  bool quick = r->w->method == GSZ_METHOD_QUICK;
  c->budget_bytes = r->gpu_budget;
  uint64_t fit_budget = r->fit_budget;
  uint32_t cap = node_cap(r, per_node, tp);
  if (cap == 0) {
    snprintf(v->text, sizeof v->text,
             "%u GPUs per node need %u pipeline stages, more than the %u layers", per_node,
             per_node / tp, r->m->arch->num_hidden_layers);
    REJECT(TP_DIVISIBILITY);
  }
  bool single = s->workstation || s->scale_out == GSZ_SCALE_OUT_NONE;
  uint32_t max_nodes = r->o->max_nodes < cap ? r->o->max_nodes : cap;
  if (single)
    max_nodes = 1;
  uint32_t nodes;
  if (quick) {
    nodes = quick_nodes(r, per_node, r->gpu_quick_fit);
    uint32_t raw = quick_nodes(r, per_node, c->usable_bytes);
    if ((nodes == 0 || nodes > max_nodes) && raw != 0 && raw <= max_nodes) {
      uint64_t share = quick_share(r, (uint64_t)per_node * raw);
      v->nodes = raw;
      v->headroom_bp =
          (int32_t)((unsigned __int128)(c->usable_bytes - share) * GSZ_BP_SCALE / c->usable_bytes);
      v->min_headroom_bp = (int32_t)r->min_headroom_bp;
      REJECT(HEADROOM);
    }
    if (nodes == 0 || nodes > max_nodes) {
      v->nodes = nodes;
      v->limit = r->o->max_nodes;
      v->need = gsz__ceil_div_u64(r->quick_total, per_node);
      v->budget_bytes = c->budget_bytes;
      if (nodes == 0)
        REJECT(MEMORY);
      if (single && nodes <= r->o->max_nodes) {
        if (WORDS(NETWORK))
          single_node_words(r, s, nodes, v);
        REJECT(NETWORK);
      }
      REJECT(MAX_NODES);
    }
  } else {
    nodes = smallest_nodes(r, per_node, tp, 1, max_nodes, fit_budget);
    if (nodes == 0) {
      /* Fits the budget within the node limit, but without the headroom
       * asked for: that is the reason to give, the one a flag changes. */
      uint32_t raw =
          r->min_headroom_bp ? smallest_nodes(r, per_node, tp, 1, max_nodes, c->budget_bytes) : 0;
      if (raw != 0) {
        uint64_t need = need_at(r, layout_for(r, per_node, tp, max_nodes), NULL);
        v->nodes = max_nodes;
        v->headroom_bp =
            (int32_t)((unsigned __int128)(c->budget_bytes - need) * GSZ_BP_SCALE / c->budget_bytes);
        v->min_headroom_bp = (int32_t)r->min_headroom_bp;
        REJECT(HEADROOM);
      }
      uint32_t all = r->o->max_nodes < cap ? r->o->max_nodes : cap;
      uint32_t beyond =
          smallest_nodes(r, per_node, tp, max_nodes + 1, single ? all : cap, fit_budget);
      if (beyond != 0 && single) {
        v->nodes = beyond;
        if (WORDS(NETWORK))
          single_node_words(r, s, beyond, v);
        REJECT(NETWORK);
      }
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
  if (quick) {
    c->per_gpu_bytes = quick_share(r, c->total_gpus);
  } else {
    gsz_estimate e;
    c->per_gpu_bytes = need_at(r, c->layout, &e);
    c->recompute_full = e.recompute == GSZ_RECOMPUTE_FULL && gsz_workload_recompute_auto(r->w);
    /* What the runtime takes before its budget (CUDA context, NCCL, CUDA
     * graphs captured after it) must fit in the memory the budget leaves. */
    gsz_fit_check fit;
    if (!gsz_memory_fits(&fit, &e, c->usable_bytes) && !fit.outside_ok) {
      v->need = c->per_gpu_bytes;
      v->budget_bytes = c->budget_bytes;
      v->outside_bytes = e.outside_budget_bytes;
      v->outside_room_bytes = fit.outside_room_bytes;
      REJECT(MEMORY);
    }
  }
  /* Speed: the estimate, and with service-level targets the fewest nodes
   * and the replica layout that meet them (sla.c), among layouts that fit
   * as the one above does. */
  if (!quick || r->training) {
    gsz_layout layout = c->layout;
    uint32_t more = nodes, most = max_nodes;
    /* More nodes for speed only within --max-gpus. */
    if (r->o->max_gpus != 0 && (uint64_t)most * per_node > r->o->max_gpus)
      most = (uint32_t)(r->o->max_gpus / per_node) > nodes ? (uint32_t)(r->o->max_gpus / per_node)
                                                           : nodes;
    if (!gsz__match_speed(r, c, per_node, tp, &more, most, &layout))
      REJECT(SLA);
    if (more != nodes || memcmp(&layout, &c->layout, sizeof layout) != 0) {
      nodes = more;
      c->nodes = nodes;
      c->total_gpus = (uint64_t)per_node * nodes;
      c->layout = layout;
      c->zero = r->training ? gsz__match_workload_for(r, layout).zero : 0;
      c->pp_in_node = !r->training && layout.dp == 1 && layout.tp < per_node;
      if (quick) {
        c->per_gpu_bytes = quick_share(r, c->total_gpus);
      } else {
        gsz_estimate e;
        c->per_gpu_bytes = need_at(r, layout, &e);
        c->recompute_full = e.recompute == GSZ_RECOMPUTE_FULL && gsz_workload_recompute_auto(r->w);
      }
    }
  }
  /* headroom_bp is set only on the candidates a result shows
   * (gsz__match_finish): ranking compares headroom exactly, without it. */
  if (r->o->max_gpus != 0 && c->total_gpus > r->o->max_gpus) {
    v->nodes = nodes;
    v->total_gpus = c->total_gpus;
    v->max_gpus = r->o->max_gpus;
    REJECT(MAX_GPUS);
  }

  /* What it is made of: the nodes, and their network when there are
   * several. */
  gsz_bom_configuration(&c->bom, r->d, g, s, per_node, nodes);
  c->power_w = (uint64_t)c->node_power_w * nodes;
  c->rack_units = s->rack_units * nodes;
  if (nodes > 1) {
    c->nics_per_node = nics_per_node(r, per_node);
    v->nodes = nodes;
    size_t words = WORDS(NETWORK) ? sizeof v->text : 0;
    const gsz_network_plan *plan = network_for(r, s, c->nics_per_node, nodes, v->text, words);
    if (plan == NULL || !gsz__network_lines(&c->bom, r->d, plan, v->text, words))
      REJECT(NETWORK);
    v->code = (gsz_reason_code)0; /* as cleared: a fitting candidate has no verdict */
    v->nodes = 0;
    c->power_w += plan->power_w;
    c->rack_units += plan->rack_units;
  }

  /* Price and budget. */
  memcpy(c->price.currency, r->p->currency, 4);
  c->price.minor_digits = r->p->minor_digits;
  gsz_diag pd;
  pd.message[0] = '\0';
  gsz_err err = r->p->price(r->p->ctx, &c->bom, false, &c->price, &pd);
  if (err == GSZ_ENOMEM) {
    r->err = gsz__diag_nomem(r->diag);
    return false;
  }
  if (err != GSZ_OK) {
    if (words_wanted(r, gs, g, v, err == GSZ_EOVERFLOW ? GSZ_REASON_OVERFLOW : GSZ_REASON_NO_PRICE))
      snprintf(v->text, sizeof v->text, "%s", pd.message[0] ? pd.message : gsz_strerror(err));
    if (err == GSZ_EOVERFLOW)
      REJECT(OVERFLOW);
    REJECT(NO_PRICE);
  }
  if (r->o->cost.objective != GSZ_OBJECTIVE_PRICE) /* the ranking needs it */
    gsz__match_cost(r, c);
  if (r->o->has_budget && c->price.total_minor > r->o->budget_minor) {
    v->nodes = nodes;
    v->price_minor = c->price.total_minor;
    v->limit_minor = r->o->budget_minor;
    REJECT(BUDGET);
  }

  /* Stock: only when it ranks or filters; otherwise it is computed for
   * the candidates a result shows (gsz__match_finish), which saves a
   * lookup per bill line on every candidate. */
  if (r->o->stock == GSZ_STOCK_ANY) {
    c->fits = true;
    return true;
  }
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
#undef WORDS
  c->fits = true;
  return true;
}
